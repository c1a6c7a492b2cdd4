"""How a clearing-house record is named in RDF, shared by the import and the export (neither needs the other for
it): resource and source IRIs from CHM uids, revisions, and the JSON text two values are compared by.
"""
from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

from rdflib import URIRef

from ..namespaces import TSC

#: Properties of the source-record node (tsc_graph/ontology/tsc.ttl, block "clearing-house interoperability")
SOURCE_FIELDS = TSC.sourceFields
SOURCE_ENVELOPE = TSC.sourceEnvelope
REVISION = TSC.revision

_REVISION = re.compile(r"^(.+)@([0-9]+)$")


def split_revision(identifier: str) -> tuple[str, int | None]:
    """``"2C86F905-…@1"`` → ``("2C86F905-…", 1)``; an identifier without revision → ``(identifier, None)``."""
    m = _REVISION.match(identifier)
    return (m.group(1), int(m.group(2))) if m else (identifier, None)


def slug(text: str) -> str:
    """Lowercase slug of a CHM uid for our IRI patterns ([a-z0-9]+(-[a-z0-9]+)*)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def resource_iri(base_uri: str, kind: str, uid: str) -> URIRef:
    """``{base}id/<kind>/chm-<slug>``: the revision is stripped, so every revision of a record is one resource."""
    base = base_uri if base_uri.endswith("/") else base_uri + "/"
    return URIRef(f"{base}id/{kind}/chm-{slug(split_revision(uid)[0])}")


def source_iri(source_base: str, uid: str) -> URIRef:
    """The record in the Secretariat's document API (identifiers are case-sensitive there: case kept)."""
    return URIRef(source_base + quote(uid, safe="-_.~"))


def revision_iri(source_base: str, uid: str, revision: int) -> URIRef:
    """One revision of a record, as the document API addresses it: ``documents/{uid}/versions/{revision}``."""
    return URIRef(f"{source_iri(source_base, uid)}/versions/{revision}")


def canonical(value: Any) -> str:
    """The JSON text two values are compared by (key order aside)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
