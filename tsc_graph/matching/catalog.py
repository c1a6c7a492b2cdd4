"""What the matchmaking engine knows about offers, requests, actors, vocabularies and nodes.

Read from the store with two named queries, ``tsc_graph/sparql/matching-features.rq`` (one row per (subject, key, value):
an offer's support types, themes, targets…; an actor's country and labels) and ``tsc_graph/sparql/matching-labels.rq``
(labels of the shared vocabularies and of the registered nodes), through the store interface and in SPARQL CSV:
the lightest answer to move and to parse (the language of a label travels in its own column).
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from ..queries import get_query
from ..store import Store

#: Item kinds, as the features query names them.
OFFER, REQUEST = "offer", "request"


@dataclass
class Item:
    """One cooperation offer or request, as the engine compares it."""

    iri: str
    kind: str  # OFFER or REQUEST
    graph: str = ""
    node: str | None = None  # name of the harvested node it comes from; None: this node
    actors: set[str] = field(default_factory=set)  # provider (offer) or requester (request)
    labels: dict[str, str] = field(default_factory=dict)  # language → label
    supports: set[str] = field(default_factory=set)
    themes: set[str] = field(default_factory=set)
    targets: set[str] = field(default_factory=set)
    languages: set[str] = field(default_factory=set)  # language codes as written ("fr"^^xsd:language → "fr")
    countries: set[str] = field(default_factory=set)  # its own tsc:targetCountry
    start: date | None = None
    end: date | None = None

    @property
    def actor(self) -> str | None:
        return min(self.actors) if self.actors else None


#: The set of an :class:`Item` that each key of the features query (sparql/matching-features.rq) adds to.
ITEM_SETS = {"support": "supports", "theme": "themes", "target": "targets", "language": "languages",
             "country": "countries", "actor": "actors"}


@dataclass
class NodeInfo:
    """A node of the network registry (data/nodes/registry.ttl)."""

    name: str
    iri: str
    graph: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    demonstration: bool = False


@dataclass
class Catalog:
    items: dict[str, Item] = field(default_factory=dict)
    actor_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    actor_countries: dict[str, set[str]] = field(default_factory=dict)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  # vocabulary concept → language → label
    target_numbers: dict[str, int] = field(default_factory=dict)
    goal_letters: dict[str, str] = field(default_factory=dict)
    nodes: dict[str, NodeInfo] = field(default_factory=dict)  # by name

    def places(self, item: Item) -> set[str]:
        """Countries an offer serves; for a request, its own target countries and its requester's country."""
        if item.kind == OFFER:
            return item.countries
        out = set(item.countries)
        for actor in item.actors:
            out |= self.actor_countries.get(actor, set())
        return out


#: Runs a query text and returns its answer as SPARQL CSV bytes.
CsvRunner = Callable[[str], bytes]


def runner_for(store: Store, timeout: float | None = None) -> CsvRunner:
    """Run through the store interface (the server's worker pool, with its time limit, when it has one)."""

    def run(text: str) -> bytes:
        return store.query_serialized(text, results_format="csv", timeout=timeout).body

    return run


def _rows(body: bytes):
    reader = csv.reader(io.StringIO(body.decode("utf-8")))
    next(reader, None)  # header: subject,key,value,lang
    for row in reader:
        if len(row) == 4:
            yield row


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None  # a malformed date in harvested data says nothing about availability


def node_name(graph: str, nodes_by_graph: dict[str, str]) -> str | None:
    """The node an item's graph belongs to: the registry's graph, else the ``…/graph/node/{name}`` convention."""
    if graph in nodes_by_graph:
        return nodes_by_graph[graph]
    marker = "/graph/node/"
    if marker in graph:
        return graph.split(marker, 1)[1].split("/", 1)[0] or None
    return None


def load_catalog(run: CsvRunner) -> Catalog:
    """Build the catalog from the two named queries (about 1 s for the 7,300 offers and requests of 1M triples)."""
    cat = Catalog()
    _read_labels(cat, run(get_query("matching-labels").text))
    _read_features(cat, run(get_query("matching-features").text))
    return cat


def _read_labels(cat: Catalog, body: bytes) -> None:
    node_keys: dict[str, dict[str, str]] = {}  # registry node → its node-* and demonstration values
    for subject, key, value, lang in _rows(body):
        if key == "label":
            cat.labels.setdefault(subject, {})[lang] = value
        elif key == "number":
            cat.target_numbers[subject] = int(value)
        elif key == "notation":
            cat.goal_letters[subject] = value.rsplit("-", 1)[-1]
        else:
            node_keys.setdefault(subject, {})[key] = value
    for iri, values in node_keys.items():
        name = values.get("node-name")
        if name:
            cat.nodes[name] = NodeInfo(name, iri, values.get("node-graph", ""), cat.labels.pop(iri, {}),
                                       values.get("demonstration", "").lower() in ("true", "1"))


def _read_features(cat: Catalog, body: bytes) -> None:
    items = cat.items
    nodes_by_graph = {n.graph: n.name for n in cat.nodes.values() if n.graph}
    other: list[tuple[str, str, str, str]] = []
    for row in _rows(body):
        subject, key, value, _ = row
        if key == OFFER or key == REQUEST:
            item = items.get(subject)
            node = node_name(value, nodes_by_graph)
            if item is None:
                items[subject] = Item(subject, key, value, node)
            elif item.node is not None and node is None:  # also in one of our graphs: ours wins
                item.graph, item.node = value, None
        else:
            other.append(row)
    for subject, key, value, lang in other:
        item = items.get(subject)
        if item is None:  # an actor
            if key == "based-in":
                cat.actor_countries.setdefault(subject, set()).add(value)
            elif key == "label":
                cat.actor_labels.setdefault(subject, {})[lang] = value
        elif key in ITEM_SETS:
            getattr(item, ITEM_SETS[key]).add(value)
        elif key == "label":
            item.labels[lang] = value
        elif key == "start":
            item.start = _date(value)
        elif key == "end":
            item.end = _date(value)
