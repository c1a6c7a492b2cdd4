"""Submitting the project form over real HTTP, as a browser does (session cookie + CSRF token)."""
from __future__ import annotations

import http.client
import re
import urllib.parse

GBF = "https://w3id.org/tsc-graph/vocab/gbf/"


def submit_project(base_url: str, title: str = "Projet de test", headers: dict | None = None,
                   **overrides) -> tuple[int, str]:
    """GET the form (cookie + token), POST a valid project; (status, body). ``headers`` go with both requests."""
    parts = urllib.parse.urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    try:
        conn.request("GET", "/projects/submit?lang=en", headers=dict(headers or {}))
        resp = conn.getresponse()
        html = resp.read().decode("utf-8")
        if resp.status != 200:
            return resp.status, html
        cookie = "; ".join(c.split(";", 1)[0] for k, c in resp.getheaders() if k.lower() == "set-cookie")
        token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        lead = re.search(r'<option value="(https://[^"]+/id/actor/[^"]+)"', html).group(1)
        form = {"csrf_token": token, "lang": "en", "title_en": title, "description_en": "A test project.",
                "lead": lead, "targets": GBF + "target-02", "themes": "https://w3id.org/tsc-graph/vocab/theme/marine-coastal",
                "countries": "https://w3id.org/tsc-graph/vocab/country/FR", "start": "2025-01-01", "end": "2026-01-01",
                "status": "https://w3id.org/tsc-graph/vocab/status/planned", "email": "someone@example.org"}
        form.update(overrides)
        body = urllib.parse.urlencode(form, doseq=True)
        conn.request("POST", "/projects/submit", body=body, headers=dict(
            headers or {}, **{"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}))
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8", "replace")
    finally:
        conn.close()
