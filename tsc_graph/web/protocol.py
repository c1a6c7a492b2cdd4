"""What a SPARQL 1.1 Protocol request asks (https://www.w3.org/TR/sparql11-protocol/), read in one place for
the ``/sparql`` route (``sparql.py``) and its fast path (``sparql_fast.py``), so both accept the same requests.

A query comes by GET ``?query=``, by a POST form, or as a POST ``application/sparql-query`` body;
``default-graph-uri`` / ``named-graph-uri`` set the dataset (from the URL, and from the form for a form POST).
Updates are refused: this endpoint is read-only. No Flask here: the fast path has no Flask request.
"""
from __future__ import annotations

import codecs
from collections.abc import Mapping
from dataclasses import dataclass

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"

UPDATE_REFUSED = ("SPARQL Update is not accepted here: this is a read-only query endpoint "
                  "(SELECT, ASK, CONSTRUCT, DESCRIBE)")

#: Parameters as lists of values, by name (the same name may come several times).
Params = Mapping[str, list[str]]


class ProtocolError(Exception):
    """A request the protocol refuses: the HTTP status, the message and the error code of the answer."""

    def __init__(self, status: int, message: str, code: str | None = None):
        super().__init__(message)
        self.status, self.code = status, code


@dataclass(frozen=True)
class SparqlRequest:
    queries: list[str]  # every ``query`` value sent (a valid request has one, or none for the endpoint itself)
    default_graphs: list[str]
    named_graphs: list[str]

    @property
    def query(self) -> str | None:
        if len(self.queries) > 1:
            raise ProtocolError(400, f"the request has {len(self.queries)} 'query' parameters; send exactly one")
        return self.queries[0] if self.queries else None


def read_request(method: str, mimetype: str, charset: str | None, args: Params, form: Params,
                 body: bytes) -> SparqlRequest:
    """The query and dataset of a request (``form``: the parsed body of a form POST, else empty)."""
    refused = ProtocolError(400, UPDATE_REFUSED, "update_not_allowed")
    if method != "POST":
        if "update" in args:
            raise refused
        return SparqlRequest(args.get("query", []), args.get("default-graph-uri", []),
                             args.get("named-graph-uri", []))
    if mimetype == FORM:
        if "update" in form or "update" in args:
            raise refused
        return SparqlRequest(form.get("query", []),
                             form.get("default-graph-uri", []) + args.get("default-graph-uri", []),
                             form.get("named-graph-uri", []) + args.get("named-graph-uri", []))
    if mimetype == QUERY:
        charset = charset or "utf-8"
        if not _is_utf8(charset):  # SPARQL 1.1 Protocol §2.1.3: the body is UTF-8, nothing else
            raise ProtocolError(400, f"a query sent as application/sparql-query must be UTF-8 (SPARQL 1.1 Protocol), "
                                     f"not charset={charset[:40]}; send it without a charset or with charset=utf-8")
        try:
            query = body.decode("utf-8")
        except UnicodeDecodeError:
            raise ProtocolError(400, "the query is not valid UTF-8 text") from None
        return SparqlRequest([query], args.get("default-graph-uri", []), args.get("named-graph-uri", []))
    if mimetype == UPDATE:
        raise refused
    raise ProtocolError(415, f"unsupported request type {mimetype or '(none)'!r}: POST application/sparql-query "
                             "or application/x-www-form-urlencoded")


def _is_utf8(charset: str) -> bool:
    try:
        return codecs.lookup(charset.strip()).name == "utf-8"
    except LookupError:
        return False
