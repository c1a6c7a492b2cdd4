"""Settings shared by the CLI and the server, read from ``TSC_*`` environment variables.

Why environment variables: the same settings must reach ``make serve``, ``tsc-graph serve``, a WSGI
server started by hand and the test suite, and a container deployment sets nothing else easily.
"""
from __future__ import annotations

import os
import typing
from dataclasses import MISSING, dataclass, field, fields

from .errors import BadInput
from .namespaces import DEFAULT_BASE_URI


@dataclass
class Settings:
    #: Store spec (``--store``): ``oxigraph:PATH`` (embedded), ``memory:``, ``sparql:URL`` (external store,
    #: docs/scale-out.md).
    store: str = "oxigraph:var/store"
    #: Account that writes to an external store (``sparql:`` specs; never in the spec, which gets logged); empty:
    #: none (the store's anonymous access).
    store_user: str = ""
    #: Password of that account.
    store_password: str = field(default="", repr=False)
    #: Canonical base of this node's URIs (``--base-uri``); resources are published under it whatever host
    #: serves them. Set but empty: an error (exit 2).
    base_uri: str = DEFAULT_BASE_URI
    #: Seconds a query may run before it is stopped.
    query_timeout: float = 30.0
    #: Largest serialised query result, in bytes.
    max_result_bytes: int = 50 * 1024 * 1024
    #: Largest request body (queries, uploads), in bytes.
    max_request_bytes: int = 10 * 1024 * 1024
    #: How queries run: ``threads`` (one long-lived engine process running the queries of both lanes on threads;
    #: a query past its limits gets the engine killed and forked again, the other queries in flight run again)
    #: or ``workers`` (one worker process per running query, killed alone). docs/architecture.md.
    query_engine: str = "threads"
    #: Queries the public SPARQL endpoint runs at once (threads of the engine, or worker processes): its
    #: concurrency; size it to the cores.
    query_workers: int = 2
    #: Public queries that may wait for a busy worker; more get 503 at once, so waiting public requests
    #: never hold every request thread.
    query_queue: int = 32
    #: Query threads (or worker processes) reserved for the site's own queries (pages, the submission form, the portal), so that
    #: hostile public queries cannot take the site down; 0 shares the public workers.
    site_query_workers: int = 1
    #: Seconds a request waits for a free query worker before a 503.
    queue_timeout: float = 5.0
    #: Memory one query may use on top of its worker's copy of the store (MB); past it the query stops with
    #: 507 and the worker is replaced. 0: no limit.
    query_memory_mb: int = 1024
    #: What query workers read: ``memory`` (one in-memory copy of the store, shared by the workers forked from
    #: the replica process: 3-10x faster queries, ~0.4 kB per quad), ``disk`` (the RocksDB snapshot), or ``auto``
    #: (memory up to the size below).
    query_replica: str = "auto"
    #: Largest store (quads) that ``auto`` copies into memory (1M quads: 1.8 GB of RSS summed over the server's
    #: processes, ~0.6 GB really used since the workers share the copy; benchmarks/RESULTS.md).
    memory_replica_max_quads: int = 2_000_000
    #: Remote SPARQL endpoints that SERVICE clauses of queries may call (space-separated in the env); empty:
    #: none. Harvesting does not read it: an operator names the peers (``harvest URL``, the network registry).
    service_allowlist: list[str] = field(default_factory=list)
    #: Seconds a harvest may take to fetch one peer (``harvest --timeout``; the whole transfer). A SERVICE call
    #: has no budget of its own: ``query_timeout`` bounds the whole query.
    remote_timeout: float = 20.0
    #: Token for write routes (moderation, admin) used by scripts (``Authorization: Bearer``); empty: no token.
    admin_token: str = field(default="", repr=False)
    #: Key signing sessions and CSRF tokens; empty: a random one per process (sessions end at each restart).
    secret_key: str = field(default="", repr=False)
    #: TOML file of named curator accounts (``tsc-graph curators add``) who sign in to the desk at /admin/;
    #: empty: none (the desk then only takes the admin token). docs/submissions.md.
    curators_file: str = ""
    #: Hours a curator stays signed in to the desk without signing in again.
    curator_session_hours: float = 8.0
    #: Time zone of the dates the desk shows curators (an IANA name such as ``Europe/Paris``).
    timezone: str = "UTC"
    #: Outgoing mail server for the optional e-mails to submitters (receipt, decision); empty: no e-mail.
    smtp_host: str = ""
    #: Port of that mail server.
    smtp_port: int = 25
    #: Sender address of those e-mails (required when ``smtp_host`` is set).
    smtp_from: str = ""
    #: Login on the mail server (empty: none).
    smtp_user: str = ""
    #: Password of that login.
    smtp_password: str = field(default="", repr=False)
    #: ``none`` (plain, for a local relay), ``starttls`` or ``tls`` (SMTPS).
    smtp_security: str = "none"
    #: Seconds to reach the mail server before giving up on one e-mail (the submitter's request never waits).
    smtp_timeout: float = 20.0
    #: Flask threads of ``tsc-graph serve`` (either front). Threads waiting on a query are idle and cheap;
    #: public requests hold at most ``query_workers + query_queue`` of them, the rest serve the site.
    threads: int = 48
    #: Open client connections ``tsc-graph serve`` accepts at once (more wait in the listen backlog).
    max_connections: int = 1000
    #: Seconds an idle client connection is kept open.
    idle_timeout: float = 30.0
    #: The HTTP server in front of the app that ``tsc-graph serve`` runs: ``granian`` (Rust HTTP, RSGI
    #: interface: request bodies read before a Flask thread sees them, with a cap and a deadline) or
    #: ``waitress``. Both hold every slow-client protection of docs/reliability.md (tests/test_http_front.py);
    #: granian serves more lookups (benchmarks/RESULTS.md).
    http_front: str = "granian"
    #: Accepted project submissions per client (IP address) in a sliding window, counted from the
    #: moderation queue, so a restart does not reset them; failed attempts do not count.
    submit_rate_limit: str = "10 per hour"
    #: Every POST of the submission form per client, failed ones included (in memory): a flood guard.
    submit_attempt_limit: str = "60 per hour"
    #: The server's own public address (``https://node.example/tsc/``), the base of every absolute URL it
    #: writes (VoID, Service Description, pages); never taken from a request's Host header. Empty: the
    #: address ``tsc-graph serve`` binds (other WSGI servers: their SERVER_NAME and SERVER_PORT).
    public_url: str = ""
    #: Reverse proxies in front of the server (0: none); their X-Forwarded-For / -Proto are believed only
    #: from ``trusted_proxy``.
    proxy_fix: int = 0
    #: Address of the reverse proxy that talks to the server (``*``: any peer, only if nothing else can).
    trusted_proxy: str = "127.0.0.1"
    #: Languages of the portal's pages (space-separated in the env), the first one the default: a language
    #: needs a gettext catalogue under tsc_graph/web/translations/ (docs/server.md, "Adding a language").
    languages: list[str] = field(default_factory=lambda: ["fr", "en"])
    #: Portal query answers kept per store version (tsc_graph/web/portal/cache.py); 0 turns the cache off.
    portal_cache_entries: int = 1024
    #: The ontology file served at /ontology (empty: the one shipped with the code, tsc_graph/ontology/tsc.ttl).
    ontology_file: str = ""
    #: The node profile (``node.toml``, tsc_graph/profile.py): gives ``base_uri``, ``public_url`` and ``languages``
    #: unless their own variables are set. Empty: none (the built-in defaults, the French node's).
    profile: str = ""

    def front_body_bytes(self) -> int:
        """The largest request body the HTTP front reads (either front), twice ``max_request_bytes`` and at
        least 1 MiB: a body between Flask's own limit and this one gets Flask's 413 page, with its message."""
        return max(self.max_request_bytes * 2, 1024 * 1024)

    def store_credentials(self) -> dict[str, str]:
        """The account options of :func:`tsc_graph.store.open_store` (only a remote store takes them; the others
        drop them)."""
        return {"user": self.store_user, "password": self.store_password}

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides) -> "Settings":
        env = os.environ if env is None else env
        values: dict = {}
        if env.get("TSC_BASE_URI") is not None and not env["TSC_BASE_URI"].strip():
            raise BadInput("TSC_BASE_URI is set but empty: set it to the node's base URI "
                           "(such as https://fr.chm-cbd.net/tsc/) or unset it")
        profile = overrides.get("profile") or env.get("TSC_PROFILE")
        if profile:
            from .profile import load

            node = load(profile)
            values.update(profile=str(profile), base_uri=node.base_uri, public_url=node.public_url,
                          languages=list(node.languages))
        types = typing.get_type_hints(cls)
        for f in fields(cls):
            raw = env.get(variable(f.name))
            if raw is not None:
                values[f.name] = _parse(variable(f.name), types[f.name], raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


def variable(name: str) -> str:
    """The environment variable of the setting ``name`` (``query_workers`` → ``TSC_QUERY_WORKERS``)."""
    return f"TSC_{name.upper()}"


def _parse(var: str, kind: type, raw: str):
    """The value of ``var`` as its field's type; a wrong one is refused naming the variable (at start-up, not at
    the first request that needs it)."""
    if kind is int:
        try:
            return int(raw)
        except ValueError:
            raise BadInput(f"{var}: {raw!r} is not a whole number") from None
    if kind is float:
        try:
            return float(raw)
        except ValueError:
            raise BadInput(f"{var}: {raw!r} is not a number") from None
    if typing.get_origin(kind) is list:
        return raw.split()  # space-separated
    if kind is str:
        return raw
    raise TypeError(f"{var}: no reader for settings of type {kind}")  # a new field type needs a branch here


#: Where the generated settings table sits in docs/server.md (``python -m tsc_graph.config --write docs/server.md``).
TABLE_START = "<!-- settings table: generated by `python -m tsc_graph.config --write docs/server.md` -->"
TABLE_END = "<!-- end of settings table -->"


def _default_text(value) -> str:
    if isinstance(value, list):
        value = " ".join(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"`{value}`" if value != "" else "empty"


def documentation() -> list[tuple[str, str, str]]:
    """(variable, default, meaning) of every setting, the meaning read from its ``#:`` comment in this file, so
    that the operator's table cannot drift from the code (tests/test_docs_limits.py)."""
    import inspect
    import re

    comments: dict[str, str] = {}
    pending: list[str] = []
    for line in inspect.getsource(Settings).splitlines():
        stripped = line.strip()
        if stripped.startswith("#:"):
            pending.append(stripped[2:].strip())
        elif (m := re.match(r"(\w+)\s*:", stripped)) and pending:
            comments[m.group(1)] = " ".join(pending)
            pending = []
        else:
            pending = []
    rows = []
    for f in fields(Settings):
        default = f.default_factory() if f.default_factory is not MISSING else f.default
        meaning = comments.get(f.name, "").replace("``", "`").replace("|", "\\|")
        rows.append((variable(f.name), _default_text(default), meaning))
    return rows


def markdown_table() -> str:
    lines = ["| variable | default | meaning |", "|---|---|---|"]
    lines += [f"| `{name}` | {default} | {meaning} |" for name, default, meaning in documentation()]
    return "\n".join(lines) + "\n"


def write_table(path: str) -> bool:
    """Put the table between the markers of ``path``; True if the file changed."""
    from pathlib import Path

    doc = Path(path)
    text = doc.read_text(encoding="utf-8")
    if TABLE_START not in text or TABLE_END not in text:
        raise BadInput(f"{path}: no settings table markers ({TABLE_START} ... {TABLE_END})")
    head, rest = text.split(TABLE_START, 1)
    _, tail = rest.split(TABLE_END, 1)
    new = f"{head}{TABLE_START}\n{markdown_table()}{TABLE_END}{tail}"
    if new != text:
        doc.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":
    import argparse
    import sys

    parser = argparse.ArgumentParser(prog="python -m tsc_graph.config",
                                     description="the TSC_* settings, their defaults and meaning, as Markdown")
    parser.add_argument("--markdown", action="store_true", help="print the table (the default)")
    parser.add_argument("--write", metavar="DOC", help="replace the table between the markers of DOC")
    args = parser.parse_args()
    if args.write:
        try:
            changed = write_table(args.write)
        except (BadInput, OSError) as e:
            sys.exit(f"error: {e}")
        print(f"{args.write}: settings table {'updated' if changed else 'already up to date'}", file=sys.stderr)
    else:
        sys.stdout.write(markdown_table())
