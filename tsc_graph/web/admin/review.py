"""What a curator reads before deciding: the submission rendered as its published page would look, the SHACL
report in words, and — for an update of a resource the node already publishes — the difference, field by field.

The preview is the portal's own object engine and template (tsc_graph/web/portal/objects.py, ``object.html``), run on
a small in-memory store holding the submission and the names and classes of what it points to (read from the
node's store, ``form-context.rq``): the pending submission never enters the node's store, and the page is the
one visitors will get.
"""
from __future__ import annotations

import logging

from flask import request, url_for
from flask_babel import gettext as _
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from tsc_graph.moderation import Submission
from tsc_graph.store import GraphNamer, Source, open_store

from .. import store_access
from ..portal import i18n, objects
from ..portal.labels import capitalised, labels_of, name
from ..portal.queries import overlay, text
from ..portal.sections import profile_for
from ..submissions import shacl
from ..submissions.kinds import Kind, for_node
from ..submissions.rdf import Built
from ..submissions.views import labels as field_labels

log = logging.getLogger(__name__)


def graph_of(sub: Submission) -> Graph:
    return Graph().parse(data=sub.turtle, format="turtle")


def kind_of(sub: Submission) -> Kind:
    return for_node(sub.kind)


def _construct(name_: str, values: dict) -> bytes:
    return store_access.run(text(name_, values), graph_format="ntriples").body


def preview(sub: Submission) -> dict | None:
    """The context of ``portal/object.html`` for the submission as it would be published (None if it fails)."""
    g = graph_of(sub)
    types = {str(o) for o in g.objects(URIRef(sub.project_iri), RDF.type)}
    profile = profile_for(types)
    named = {str(t) for triple in g for t in triple if isinstance(t, URIRef)}
    named |= {f.property for grp in profile.groups for f in grp.fields} | {f.property for f in profile.summary}
    context = _construct("form-context", {"resource": sorted(i for i in named if i.startswith(("http", "urn:")))})
    memory = open_store("memory:")
    try:
        base = store_access.settings().base_uri
        memory.load([Source("submission.ttl", data=sub.turtle.encode("utf-8"), format="turtle"),
                     Source("context.nt", data=context, format="ntriples")], graph_for=GraphNamer(base))
        with overlay(memory):
            doc = url_for("admin.submission_data", sub_id=sub.id, ext="ttl").removesuffix(".ttl")
            page = objects.build(sub.project_iri, doc.removeprefix(request.script_root))
    except Exception:  # noqa: BLE001 - a preview that fails must not hide the rest of the review
        log.exception("preview of submission %s failed", sub.id)
        return None
    finally:
        memory.close()
    return page


def report(sub: Submission, lang: str) -> list[tuple[str, str]]:
    """The SHACL check of the submission as it stands, in the words visitors get: (field, message)."""
    kind = kind_of(sub)
    g = graph_of(sub)
    orgs = {int(n): iri for n, iri in (sub.fields.get("_iris", {}).get("orgs") or {}).items()}
    contact = next((o for o in g.objects(URIRef(sub.project_iri), URIRef("http://www.w3.org/ns/dcat#contactPoint"))
                    if isinstance(o, BNode)), None)
    built = Built(g, sub.project_iri, orgs, contact)
    names = field_labels(kind)
    placed = shacl.place(shacl.check(built), kind, built, lang)
    return [(names.get(f, f), m) for f, messages in placed.items() for m in messages]


def published_graph(iri: str) -> Graph:
    data = _construct("form-describe", {"resource": iri})
    return Graph().parse(data=data.decode("utf-8"), format="nt") if data.strip() else Graph()


def differences(sub: Submission) -> dict | None:
    """For an update of a published resource: the fields whose values change (published → proposed)."""
    published = published_graph(sub.project_iri)
    if not len(published):
        return None
    proposed = graph_of(sub)
    subject = URIRef(sub.project_iri)
    props = {p for p, _o in published.predicate_objects(subject)} | {p for p, _o in proposed.predicate_objects(subject)}
    iris = {str(p) for p in props} | {str(o) for g in (published, proposed) for o in g.objects(subject)
                                      if isinstance(o, URIRef)}
    terms, _n = labels_of(iris)
    rows, unchanged = [], 0
    for p in sorted(props, key=lambda p: name(str(p), terms).casefold()):
        before = _texts(published, subject, p, terms)
        after = _texts(proposed, subject, p, terms)
        if before == after:
            unchanged += 1
            continue
        rows.append({"field": capitalised(name(str(p), terms)), "published": sorted(before - after),
                     "proposed": sorted(after - before), "kept": sorted(before & after)})
    return {"rows": rows, "unchanged": unchanged}


def _texts(g: Graph, s: URIRef, p, terms) -> set[str]:
    out = set()
    for o in g.objects(s, p):
        if isinstance(o, URIRef):
            out.add(i18n.pick(terms.get(str(o))) or str(o))
        elif isinstance(o, Literal):
            out.add(f"{o} ({o.language})" if o.language else str(o))
        else:  # a contact point: its name and e-mail
            out.add(" · ".join(sorted(str(v).removeprefix("mailto:") for _p, v in g.predicate_objects(o)
                                      if not isinstance(v, URIRef) or str(v).startswith("mailto:"))))
    return out


def changed_fields(kind: Kind, before: dict, after: dict) -> list[str]:
    """Names of the fields an edit changed (for the history)."""
    keys = {k for k in (*before, *after) if not k.startswith("_")}
    return sorted(k for k in keys if (before.get(k) or "") != (after.get(k) or ""))


def describe_change(kind: Kind, names: list[str]) -> str:
    labels = field_labels(kind)
    return ", ".join(labels.get(n, n) for n in names) or _("no field")
