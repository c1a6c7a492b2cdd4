"""Every setting is documented, and every tunable limit is in docs/reliability.md with its answer (an operator must know what each limit refuses)."""
from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from tsc_graph.config import Settings

ROOT = Path(__file__).resolve().parent.parent
#: The settings that bound what a request may cost or how many may be served.
LIMITS = ["query_timeout", "query_memory_mb", "query_workers", "query_queue", "queue_timeout", "site_query_workers",
          "max_result_bytes", "max_request_bytes", "remote_timeout", "threads", "max_connections", "idle_timeout",
          "submit_rate_limit", "submit_attempt_limit", "service_allowlist", "memory_replica_max_quads"]


def test_every_setting_is_in_the_configuration_table_of_docs_server_md():
    text = (ROOT / "docs/server.md").read_text(encoding="utf-8")
    missing = [f.name for f in fields(Settings) if f"`TSC_{f.name.upper()}`" not in text]
    assert not missing


def test_every_limit_has_a_row_in_docs_reliability_md():
    rows = [line for line in (ROOT / "docs/reliability.md").read_text(encoding="utf-8").splitlines()
            if line.startswith("|")]
    for name in LIMITS:
        row = next((r for r in rows if f"`TSC_{name.upper()}`" in r), None)
        assert row is not None, name
        assert row.count("|") >= 5, row  # limit | setting | default | answer when hit
    assert set(LIMITS) <= {f.name for f in fields(Settings)}
