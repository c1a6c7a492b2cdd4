"""Write data/fr/sources.ttl: every page the node's records cite (dcterms:source), with the date it was read.

usage: python tools/make_sources.py [--read-on YYYY-MM-DD] [DATA_DIR]

A page already listed keeps its tsc:readOn date; a new one gets --read-on (default: today). Run it after adding or
re-checking records (docs/data-sources.md); tests/test_data_sources.py fails when the file is out of step.
"""
from __future__ import annotations

import argparse
import datetime
from pathlib import Path

from rdflib import Graph, Namespace
from rdflib.namespace import DCTERMS

TSC = Namespace("https://w3id.org/tsc-graph/ontology#")
HEADER = """# tsc-graph — French national CHM node: the public pages its records cite, and when the node's curators
# read them (tsc:readOn: the stored public copy consulted). docs/data-sources.md says how a curator re-checks
# them. Written by tools/make_sources.py from the dcterms:source of this directory; keep it in step.

@prefix tsc:  <https://w3id.org/tsc-graph/ontology#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
"""


def cited(directory: Path) -> set[str]:
    g = Graph()
    for f in sorted(directory.glob("*.ttl")):
        if f.name != "sources.ttl":
            g.parse(f, format="turtle")
    return {str(o) for o in g.objects(None, DCTERMS.source)}


def read_dates(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    g = Graph().parse(path, format="turtle")
    return {str(s): str(o) for s, o in g.subject_objects(TSC.readOn)}


def render(directory: Path, read_on: str) -> str:
    known = read_dates(directory / "sources.ttl")
    lines = [f'<{u}> a foaf:Document ; tsc:readOn "{known.get(u, read_on)}"^^xsd:date .' for u in sorted(cited(directory))]
    return HEADER + "\n" + "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("directory", nargs="?", default="data/fr", type=Path)
    ap.add_argument("--read-on", default=datetime.date.today().isoformat())
    args = ap.parse_args()
    (args.directory / "sources.ttl").write_text(render(args.directory, args.read_on), encoding="utf-8")


if __name__ == "__main__":
    main()
