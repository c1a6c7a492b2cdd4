"""Errors a user can act on. Each carries a message fit to show as is (CLI stderr or HTTP body)."""
from __future__ import annotations


class TscGraphError(Exception):
    """Base class: the message is meant for the user."""


class BadInput(TscGraphError):
    """The user's input (file, query, parameter) is malformed."""


class LoadError(BadInput):
    """An RDF source could not be parsed; the store was left unchanged."""

    def __init__(self, source: str, reason: str, line: int | None = None, column: int | None = None):
        self.source = source
        self.reason = reason
        self.line = line
        self.column = column
        where = source if line is None else f"{source}:{line}" + (f":{column}" if column else "")
        super().__init__(f"{where}: {reason}")


class QuerySyntaxError(BadInput):
    """The SPARQL text does not parse."""


class UpdateNotAllowed(BadInput):
    """A SPARQL Update was sent where only queries are accepted."""


class QueryTimeout(TscGraphError):
    """The query ran past its time budget and was stopped."""


class ResultTooLarge(TscGraphError):
    """The serialised result grew past the configured limit; evaluation was stopped."""


class QueryMemoryExceeded(TscGraphError):
    """The query needed more memory than one query may use; its worker was stopped and replaced."""


class Overloaded(TscGraphError):
    """Every query worker is busy and the wait for one ran out."""


class StoreLocked(TscGraphError):
    """Another process (usually a running server) holds the on-disk store."""


class RemoteError(TscGraphError):
    """A remote node could not be reached or answered with an error."""


class ServiceNotAllowed(BadInput):
    """A query's SERVICE clause names a remote endpoint that is not on the allow-list (TSC_SERVICE_ALLOWLIST)."""


class QueryTooComplex(BadInput):
    """The query is nested too deeply or made the query engine fail (a worker process died evaluating it)."""
