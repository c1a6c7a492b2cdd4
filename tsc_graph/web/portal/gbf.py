"""The Global Biodiversity Framework as the portal shows it: targets in numeric order (1, 2 … 23, never
1, 10, 11), the sections (skos:Collection) grouping them, the goals, and what contributes to each.

Written for the data as it is and as its audit against the sources makes it: a target may or may not have a ``tsc:goal``; sections
may or may not exist; the number comes from ``tsc:targetNumber``, else from the notation (``GBF-TARGET-06``).
Kept per store version (``gbf.rq``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import store_access
from .labels import Labels, labels_of
from .queries import cache, select


@dataclass
class Concept:
    iri: str
    kind: str  # target | goal
    number: int = 0
    notation: str = ""
    sections: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class Gbf:
    targets: dict[str, Concept]  # in numeric order
    goals: dict[str, Concept]  # in notation order (A … D)
    sections: list[str]  # in the order of their first target
    labels: Labels

    def neighbours(self, iri: str) -> tuple[Concept | None, Concept | None]:
        order = list(self.targets.values())
        for i, c in enumerate(order):
            if c.iri == iri:
                return (order[i - 1] if i else None, order[i + 1] if i + 1 < len(order) else None)
        return None, None

    def members(self, section: str) -> list[Concept]:
        return [t for t in self.targets.values() if section in t.sections]


def _number(notation: str, fallback: int) -> int:
    m = re.search(r"(\d+)$", notation or "")
    return int(m.group(1)) if m else fallback


def structure() -> Gbf:
    def compute() -> Gbf:
        concepts: dict[str, Concept] = {}
        for row in select("gbf"):
            iri = row["concept"]["value"]
            c = concepts.setdefault(iri, Concept(iri, row["kind"]["value"]))
            if "notation" in row:
                c.notation = row["notation"]["value"]
            if "number" in row:
                c.number = int(float(row["number"]["value"]))
            if "section" in row and row["section"]["value"] not in c.sections:
                c.sections.append(row["section"]["value"])
            for kind in ("projects", "commitments", "offers", "requests"):
                c.counts[kind] = int(row[kind]["value"]) if kind in row else 0
        for c in concepts.values():
            if c.kind == "target" and not c.number:
                c.number = _number(c.notation, 999)
        targets = sorted((c for c in concepts.values() if c.kind == "target"), key=lambda c: (c.number, c.iri))
        goals = sorted((c for c in concepts.values() if c.kind == "goal"), key=lambda c: (c.notation, c.iri))
        sections: list[str] = []
        for t in targets:
            sections.extend(s for s in t.sections if s not in sections)
        labels, _ = labels_of([*concepts, *sections])
        return Gbf({t.iri: t for t in targets}, {g.iri: g for g in goals}, sections, labels)

    return cache().get(store_access.store(), ("gbf",), compute)
