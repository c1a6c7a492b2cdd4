"""Every page a visitor reaches, in each UI language, shows no UI string of another language.

A crawl from the home page (links followed on the same site, a few pages per kind of page, the forms, the desk's
sign-in and an error page added) for each of the six UN languages, on the French node's data with the language
first. On each page, no English message id (the portal's source strings) may show outside English, and no other
catalogue's translation may show: a missing or wrong translation is what a visitor would read as "half the page in
another language". Data in another language (a French project title on a Spanish page, with no Spanish title) is
not the UI and is not checked here.
"""
from __future__ import annotations

import html
import re
import urllib.parse
from collections import Counter
from functools import lru_cache

import pytest
from babel.messages.pofile import read_po

from tsc_graph import PACKAGE_DIR
from tsc_graph.web import create_app

TRANSLATIONS = PACKAGE_DIR / "web" / "translations"
LANGUAGES = ("fr", "en", "es", "ar", "zh", "ru")
#: Pages a crawl from the home page may not link to, and every visitor can reach.
SEEDS = ("/", "/projects/submit", "/offers/submit", "/requests/submit", "/practices/submit", "/desk/login",
         "/no-such-page", "/search?q=eau", "/projects?q=zzzz-nothing")
MAX_PAGES = 110
PER_KIND = 3  # pages of one kind (e.g. /id/project/…): the template is the same, the data differs
MIN_LENGTH = 20  # shorter strings ("Code", "Pays") are words data may contain in any language


def _usable(s: str) -> bool:
    return isinstance(s, str) and len(s) >= MIN_LENGTH and "%(" not in s and "{" not in s


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[str, str]:
    """Message id → translation, the sentences and headings long enough not to be a word of the data."""
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return {m.id: m.string for m in read_po(f) if _usable(m.id) and _usable(m.string)}


@lru_cache(maxsize=None)
def english_ids() -> frozenset[str]:
    with (TRANSLATIONS / "messages.pot").open("rb") as f:
        return frozenset(m.id for m in read_po(f) if _usable(m.id))


def foreign_strings(lang: str) -> dict[str, str]:
    """UI strings a page in ``lang`` must not contain → the language they belong to."""
    own = set(catalogue(lang).values()) if lang != "en" else set(english_ids())
    found: dict[str, str] = {} if lang == "en" else {s: "en" for s in english_ids() if s not in own}
    for other in LANGUAGES:
        if other in (lang, "en"):
            continue
        found.update({s: other for s in catalogue(other).values() if s not in own})
    return found


def text_of(body: str) -> str:
    """What a person reads: no tags, scripts, styles or head; the Data box (which shows URIs) left out."""
    body = re.sub(r'<section class="group data-links".*?</section>', "", body, flags=re.S)
    body = re.sub(r"<(script|style|head|pre|code)\b.*?</\1>", "", body, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def kind_of(path: str) -> str:
    """Pages rendered by the same template with other data: /id/project/a and /id/project/b are one kind."""
    parsed = urllib.parse.urlsplit(path)
    parts = parsed.path.strip("/").split("/")
    if parts and parts[0] in ("id", "vocab") and len(parts) >= 3:
        return "/".join(parts[:2]) + "/*"
    return parsed.path + ("?" + ",".join(sorted(urllib.parse.parse_qs(parsed.query))) if parsed.query else "")


def links(body: str) -> list[str]:
    out = []
    for href in re.findall(r'<a\b[^>]*\bhref="([^"#]+)', body):
        href = html.unescape(href)
        if not href.startswith("/") or href.startswith("//"):
            continue
        path, query = urllib.parse.urlsplit(href)[2:4]
        if "lang" in urllib.parse.parse_qs(query):  # the language switcher: another language's page
            continue
        if re.search(r"\.(ttl|nt|nq|jsonld|json|rdf|xml|csv|gz|trig|rq|txt|png|svg|js|css)$", path) or \
                path.startswith(("/static/", "/sparql", "/api/", "/dataset", "/void", "/changes", "/desk/")):
            continue
        out.append(href)
    return out


def crawl(client, lang: str) -> dict[str, str]:
    """Path → page text for the pages a visitor reaches, breadth first, bounded in count and per kind."""
    headers = {"Accept": "text/html", "Accept-Language": lang}
    todo, seen, per_kind, pages = list(SEEDS), set(SEEDS), Counter(), {}
    while todo and len(pages) < MAX_PAGES:
        path = todo.pop(0)
        kind = kind_of(path)
        if per_kind[kind] >= PER_KIND:
            continue
        per_kind[kind] += 1
        r = client.get(path, headers=headers, follow_redirects=True)
        if not r.content_type.startswith("text/html"):
            continue
        body = r.get_data(as_text=True)
        assert f'<html lang="{lang}"' in body, (lang, path, r.status_code)
        pages[path] = text_of(body)
        for href in links(body):
            if href not in seen:
                seen.add(href)
                todo.append(href)
    return pages


@pytest.fixture(scope="module")
def clients(french_memory_store):
    return {lang: create_app({"store": "memory:", "languages": [lang] + (["en"] if lang != "en" else ["fr"])},
                             store=french_memory_store).test_client() for lang in LANGUAGES}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_page_shows_a_ui_string_of_another_language(clients, lang):
    pages = crawl(clients[lang], lang)
    assert len(pages) >= 40, sorted(pages)  # the crawl reached the site, not only the seeds
    foreign = foreign_strings(lang)
    found = {}
    for path, text in pages.items():
        hits = sorted(f"{s!r} ({other})" for s, other in foreign.items() if s in text)
        if hits:
            found[path] = hits[:5]
    assert not found, f"{lang}: {len(found)} page(s) show another language's UI strings: {found}"
