"""``tsc-graph init``: start a new Party's node — a profile (node.toml), the node's own description (about.ttl,
the ``{base}id/node`` resource the portal reads its name and country from) and its network registry
(registry.ttl, the node itself), in ``--dir`` (default ``data/<country code>``). docs/new-node.md.

Nothing is overwritten: a file already there stops the command (exit 2) before anything is written.
"""
from __future__ import annotations

import sys
from pathlib import Path

from ..errors import BadInput
from ..profile import check_base_uri, check_country, check_language, country_name, load

#: "The CBD clearing-house mechanism of <country>" in the languages whose CBD wording is known; other
#: languages get the country's name alone (edit it in node.toml and about.ttl).
_NAMES = {
    "en": "CBD clearing-house mechanism — {country}",
    "fr": "Centre d'échange de la CDB — {country}",
    "es": "Mecanismo de facilitación del CDB — {country}",
}


def register(sub) -> None:
    p = sub.add_parser("init", help="write a new node's profile, description and registry (docs/new-node.md)")
    p.add_argument("--country", required=True, help="ISO 3166-1 alpha-2 code of the Party (CO, BE…)")
    p.add_argument("--languages", required=True, help="the node's languages, comma-separated, default first: es,en")
    p.add_argument("--base-uri", dest="node_base_uri",
                   help="canonical base of the node's URIs (default https://<cc>.chm-cbd.net/tsc/, to edit)")
    p.add_argument("--name", help="the node's name in its default language (default: from the country's name)")
    p.add_argument("--dir", help="where to write the files (default data/<cc>)")
    p.add_argument("--peer", action="append", default=[], metavar="CC=ENDPOINT",
                   help="another Party's node to harvest, by its country code and SPARQL endpoint (e.g. "
                        "FR=https://fr.chm-cbd.net/tsc/sparql): listed in registry.ttl, so `tsc-graph harvest --all` "
                        "copies it; repeatable")
    p.set_defaults(func=run)


def _bad(field: str):
    return lambda why: BadInput(f"{field}: {why}")


def _ttl(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _toml(s: str) -> str:
    return _ttl(s)


def run(args) -> int:
    country = check_country(args.country, _bad("--country"))
    languages = [t.strip() for t in args.languages.split(",") if t.strip()]
    if not languages:
        raise BadInput("--languages: give at least one language tag, such as es,en")
    languages = [check_language(t, _bad("--languages")) for t in languages]
    if len(set(languages)) != len(languages):
        raise BadInput("--languages: a language is listed twice")
    cc = country.lower()
    base = check_base_uri(args.node_base_uri or f"https://{cc}.chm-cbd.net/tsc/", _bad("--base-uri"))
    directory = Path(args.dir or f"data/{cc}")
    peers = [_peer(value, languages) for value in args.peer]
    if any(peer == country for peer, _, _ in peers) or len({p for p, _, _ in peers}) != len(peers):
        raise BadInput("--peer: a Party is listed twice, or is this node's own country")
    names = {}
    for lang in languages:
        where = country_name(country, lang)
        names[lang] = _NAMES.get(lang.split("-")[0], "{country}").format(country=where)
    if args.name:
        if not args.name.strip():
            raise BadInput("--name: is empty")
        names[languages[0]] = args.name.strip()

    files = {directory / "node.toml": _profile_text(country, names, base, languages),
             directory / "about.ttl": _about_text(country, names, base, languages),
             directory / "registry.ttl": _registry_text(country, names, base, languages, peers)}
    existing = [str(p) for p in files if p.exists()]
    if existing:
        raise BadInput(f"{existing[0]}: already exists; tsc-graph init overwrites nothing (choose another --dir)")
    if directory.exists() and not directory.is_dir():
        raise BadInput(f"--dir: {directory} is not a directory")
    directory.mkdir(parents=True, exist_ok=True)
    for path, text in files.items():
        with open(path, "x", encoding="utf-8") as f:  # "x": never overwrite, even if one appeared meanwhile
            f.write(text)
    load(directory / "node.toml")  # what was written loads
    for path in files:
        print(f"wrote {path}")
    profile = directory / "node.toml"
    print(f"next: edit them, then `make serve PROFILE={profile}` in a checkout, or with an installed package "
          f"`tsc-graph --profile {profile} load` and `tsc-graph --profile {profile} serve` (docs/new-node.md)",
          file=sys.stderr)
    return 0


def _profile_text(country: str, names: dict[str, str], base: str, languages: list[str]) -> str:
    name = ", ".join(f"{_key(lang)} = {_toml(n)}" for lang, n in names.items())
    langs = ", ".join(_toml(t) for t in languages)
    return f"""# The node profile of {country}'s clearing-house node, written by `tsc-graph init` (docs/new-node.md).
# Relative paths are read from this file's directory. Field by field: the repository's node.toml.

# The Party: an ISO 3166-1 alpha-2 code (tsc_graph/reference/countries.ttl).
country = "{country}"

# The node's name in its languages (at least the default one); about.ttl carries the same names for the portal.
name = {{ {name} }}

# Canonical base of the node's URIs (an http(s) address ending with a slash).
base_uri = "{base}"

# The server's public address; empty: the address `tsc-graph serve` binds.
public_url = ""

# The node's languages, the first the default (BCP 47 tags Babel knows).
languages = [{langs}]

# The node's own records, loaded after the ontology and tsc_graph/reference.
data = ["."]

# The network registry: the nodes this node knows, itself included.
registry = "registry.ttl"

# Optional: a logo image, and a contact e-mail address.
# logo = "logo.png"
# contact = "chm@example.org"
"""


def _key(lang: str) -> str:
    return lang if lang.replace("-", "").isalnum() and "-" not in lang else _toml(lang)


def _labels(names: dict[str, str]) -> str:
    return " , ".join(f"{_ttl(n)}@{lang}" for lang, n in names.items())


_PREFIXES = """@prefix tsc:      <https://w3id.org/tsc-graph/ontology#> .
@prefix country:  <https://w3id.org/tsc-graph/vocab/country/> .
@prefix evidence: <https://w3id.org/tsc-graph/vocab/evidence/> .
@prefix dcterms:  <http://purl.org/dc/terms/> .
@prefix dcat:     <http://www.w3.org/ns/dcat#> .
@prefix foaf:     <http://xmlns.com/foaf/0.1/> .
@prefix void:     <http://rdfs.org/ns/void#> .
@prefix rdfs:     <http://www.w3.org/2000/01/rdf-schema#> .
"""


def _about_text(country: str, names: dict[str, str], base: str, languages: list[str]) -> str:
    return f"""# What the node itself is: the portal reads its name and country from here (tsc_graph/web/portal/views.py,
# node_info); written by `tsc-graph init`. The node resource is {{base_uri}}id/node. Add a presentation
# (dcterms:description "…"@{languages[0]}), the publisher (dcterms:publisher <…actor…>) and the CHM site
# (foaf:homepage <https://…/>) as data/fr/about.ttl does.

{_PREFIXES}
<{base}id/node> a dcat:Catalog ;
    rdfs:label {_labels(names)} ;
    dcterms:title {_labels(names)} ;
    dcterms:spatial country:{country} .
"""


def _peer(value: str, languages: list[str]) -> tuple[str, str, dict[str, str]]:
    """``--peer CC=ENDPOINT`` → (country, endpoint, its name per language): the Party's code (checked like
    ``--country``) and the http(s) address of its node's SPARQL endpoint."""
    from ..iri import is_web_address

    code, sep, url = value.partition("=")
    if not sep:
        raise BadInput(f"--peer: {value!r}: give the Party's code and its node's SPARQL endpoint, e.g. "
                       "FR=https://fr.chm-cbd.net/tsc/sparql")
    country = check_country(code.strip(), _bad("--peer"))
    url = url.strip()
    if not is_web_address(url):
        raise BadInput(f"--peer: {url!r} is not an http(s) address of a SPARQL endpoint")
    return country, url, {lang: country_name(country, lang) for lang in languages}


def _registry_text(country: str, names: dict[str, str], base: str, languages: list[str],
                   peers: list[tuple[str, str, dict[str, str]]] = ()) -> str:
    cc = country.lower()
    listed = "".join(f"""
# A node this node harvests (`tsc-graph init --peer {peer}=…`): `tsc-graph harvest --all` copies it into
# {base}graph/node/{peer.lower()}. Named after its country; put the node's own name here if you know it.
<{base}id/node/{peer.lower()}> a tsc:Node ;
    rdfs:label {_labels(peer_names)} ;
    tsc:nodeName "{peer.lower()}" ;
    dcterms:spatial country:{peer} ;
    void:sparqlEndpoint <{url}> ;
    tsc:evidence evidence:declared .
""" for peer, url, peer_names in peers)
    return f"""# The network registry of {country}'s node: the nodes this node knows, this node first (tsc:thisNode true);
# written by `tsc-graph init`. Add the nodes to harvest as data/nodes/registry.ttl does (tsc-graph harvest --all).

{_PREFIXES}
<{base}id/node/{cc}> a tsc:Node ;
    rdfs:label {_labels(names)} ;
    tsc:nodeName "{cc}" ;
    dcterms:spatial country:{country} ;
    tsc:thisNode true ;
    void:sparqlEndpoint <{base}sparql> ;
    void:dataDump <{base}dumps/tsc-graph.nt.gz> ;
    tsc:evidence evidence:declared .
{listed}"""
