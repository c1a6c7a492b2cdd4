"""Every setting is documented (the table of docs/server.md is generated from Settings), and every tunable limit is in docs/reliability.md with its answer (an operator must know what each limit refuses)."""
from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from tsc_graph import config
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


def test_the_settings_table_of_docs_server_md_is_the_one_generated_from_settings():
    """Names, defaults and meanings: a changed default or comment fails here until `make settings-table`."""
    text = (ROOT / "docs/server.md").read_text(encoding="utf-8")
    assert config.TABLE_START in text and config.TABLE_END in text
    documented = text.split(config.TABLE_START, 1)[1].split(config.TABLE_END, 1)[0].strip()
    assert documented == config.markdown_table().strip(), "run `make settings-table` (python -m tsc_graph.config --write docs/server.md)"


def test_the_table_shows_the_code_defaults():
    rows = {name: default for name, default, _ in config.documentation()}
    assert rows["TSC_MEMORY_REPLICA_MAX_QUADS"] == "`2000000`"
    assert rows["TSC_QUERY_TIMEOUT"] == "`30`" and rows["TSC_LANGUAGES"] == "`fr en`"
    assert rows["TSC_SERVICE_ALLOWLIST"] == "empty"
    assert all(meaning for _, _, meaning in config.documentation())  # every setting has its #: comment


def _renderings(value) -> set[str]:
    if isinstance(value, str):
        return {value or "empty"}
    if isinstance(value, list):
        return {" ".join(value) or "empty"}
    out = {f"{value:g}", f"{value:,}"}
    if value >= 2**20:
        out.add(f"{value / 2**20:g} MiB")
    if value >= 10**6:
        out.add(f"{value / 10**6:g}M")
    return out


def test_every_limit_row_of_docs_reliability_md_gives_the_code_default():
    rows = [line for line in (ROOT / "docs/reliability.md").read_text(encoding="utf-8").splitlines()
            if line.startswith("|")]
    defaults = Settings()
    for name in LIMITS:
        row = next(r for r in rows if f"`TSC_{name.upper()}`" in r)
        settings_cell, default_cell = row.split("|")[2:4]
        position = [n for n in settings_cell.split("`") if n.startswith("TSC_")].index(f"TSC_{name.upper()}")
        wanted = default_cell.split(",")[position] if settings_cell.count("TSC_") > 1 else default_cell
        assert any(r in wanted for r in _renderings(getattr(defaults, name))), (name, default_cell)
