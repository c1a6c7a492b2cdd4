"""Federation between national CHM nodes (docs/federation.md).

* :mod:`.allowlist` — which remote endpoints a SERVICE clause may call (``TSC_SERVICE_ALLOWLIST``).
* :func:`run_federated` — the hook the ``/sparql`` route calls around every query: allow-list check before,
  and clear errors naming the remote endpoints after (remote down → :class:`RemoteError`, slow →
  :class:`RemoteTimeout`).
* :mod:`.harvest` — ``tsc-graph harvest``: copy another node's TSC graph into a named graph, with provenance.

Timeouts: Oxigraph calls SERVICE endpoints itself and has no HTTP timeout of its own. In the server every
query runs in a worker process that is killed at the query deadline (``TSC_QUERY_TIMEOUT``, see
store/pool.py), so a slow or silent remote node costs at most that deadline, never a hung server.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from .. import guards
from ..errors import (
    BadInput,
    Overloaded,
    QueryTimeout,
    RemoteError,
    ResultTooLarge,
    ServiceNotAllowed,
    StoreLocked,
    TscGraphError,
)
from .allowlist import ServiceCall, check_query, is_allowed, service_calls

T = TypeVar("T")

__all__ = [
    "RemoteTimeout", "ServiceCall", "check_query", "http_status", "is_allowed", "run_federated", "service_calls",
    "FEDERATION_ERRORS",
]


class RemoteTimeout(QueryTimeout, RemoteError):
    """A query calling remote endpoints ran past its deadline (most likely a slow remote node)."""


#: The errors :func:`run_federated` raises on top of the store's own.
FEDERATION_ERRORS = (ServiceNotAllowed, RemoteError)


def http_status(e: Exception) -> tuple[int, str]:
    """HTTP status and machine code for a federation error: 403 refused, 504 remote timeout, 502 remote failed."""
    if isinstance(e, ServiceNotAllowed):
        return 403, "service_not_allowed"
    if isinstance(e, RemoteTimeout):
        return 504, "remote_timeout"
    return 502, "remote_error"


def _names(calls: Sequence[ServiceCall]) -> str:
    targets = sorted({c.target for c in calls})
    return ", ".join(f"<{t}>" for t in targets)


def run_federated(query: str, allowlist: Sequence[str], run: Callable[[], T], timeout: float | None = None) -> T:
    """Check ``query``'s SERVICE targets against ``allowlist``, then ``run()`` it, explaining remote failures.

    Raises :class:`ServiceNotAllowed` (nothing is contacted), :class:`RemoteTimeout` or :class:`RemoteError`;
    errors that have nothing to do with the remote nodes pass through unchanged.
    """
    guards.check_query(query)  # size and nesting first: the scan below never sees an oversized text
    calls = check_query(query, allowlist)
    if not calls:
        return run()
    try:
        return run()
    except QueryTimeout as e:
        limit = f" of {timeout:g} s" if timeout else ""
        raise RemoteTimeout(
            f"{e}. The query calls the remote SPARQL endpoint(s) {_names(calls)}; a remote node that is slow or "
            f"does not answer within the time limit{limit} stops the whole query. Retry later, or ask the "
            "remote node directly."
        ) from None
    except (BadInput, ResultTooLarge, Overloaded, StoreLocked):
        raise
    except (TscGraphError, OSError, RuntimeError) as e:
        reason = str(e).strip() or type(e).__name__
        silent = all(c.silent for c in calls)
        hint = "" if silent else " Use SERVICE SILENT to get a partial answer (without that node) when a node is down."
        raise RemoteError(
            f"a remote SPARQL endpoint failed: the query calls {_names(calls)}; error: {reason}.{hint}"
        ) from None
