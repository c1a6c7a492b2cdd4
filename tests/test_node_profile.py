"""The node profile (node.toml, tsc_graph/profile.py), ``tsc-graph init`` and ``tsc-graph profile``, and the
node's languages in the shapes (issue "A node any Party can run", items 1, 3 and 7)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from tsc_graph import ONTOLOGY_DIR, REFERENCE_DIR
from tsc_graph.config import Settings
from tsc_graph.errors import BadInput
from tsc_graph.namespaces import DEFAULT_BASE_URI
from tsc_graph.profile import NodeProfile

ROOT = Path(__file__).resolve().parent.parent


def cli(*args, env=None, cwd=ROOT):
    environ = {k: v for k, v in os.environ.items() if not k.startswith("TSC_")}
    proc = subprocess.run([sys.executable, "-m", "tsc_graph.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env={**environ, "PYTHONPATH": str(ROOT), **(env or {})})
    return proc


@pytest.fixture(scope="module")
def colombia(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("node") / "co"
    proc = cli("init", "--country", "CO", "--languages", "es,en", "--dir", str(d))
    assert proc.returncode == 0, proc.stderr
    return d


def test_shipped_profile_is_what_the_makefile_did(monkeypatch):
    monkeypatch.chdir(ROOT)
    node = NodeProfile.load("node.toml")
    assert node.country == "FR"
    assert node.base_uri == DEFAULT_BASE_URI == Settings().base_uri
    assert node.languages == ["fr", "en"] == Settings().languages
    assert node.public_url == "" == Settings().public_url
    # the Makefile loaded `ontology tsc_graph/reference data/fr data/nodes/registry.ttl` and dropped {base}graph/demo
    assert node.load_args() == ["data/fr", "data/nodes/registry.ttl"]
    assert node.name["fr"] == "Centre d'échange français de la CDB"
    makefile = "\n".join(line for line in (ROOT / "Makefile").read_text().splitlines() if not line.startswith("#"))
    assert "data/fr" not in makefile and "fr.chm-cbd.net" not in makefile
    assert "PROFILE ?= node.toml" in makefile and "data/demo" in makefile and "harvest --all" in makefile
    proc = cli("--profile", "node.toml", "profile", "--print", "load-args")
    assert proc.returncode == 0 and proc.stdout.split() == ["data/fr", "data/nodes/registry.ttl"], proc.stderr
    assert cli("profile", "--print", "base-uri").stdout.strip() == DEFAULT_BASE_URI


def test_profile_gives_settings_and_variables_win():
    settings = Settings.from_env({"TSC_PROFILE": str(ROOT / "node.toml")})
    assert settings.base_uri == DEFAULT_BASE_URI and settings.languages == ["fr", "en"]
    settings = Settings.from_env({"TSC_PROFILE": str(ROOT / "node.toml"), "TSC_BASE_URI": "https://x.example/tsc/"})
    assert settings.base_uri == "https://x.example/tsc/"


def test_init_writes_a_profile_and_identity_that_load_and_validate(colombia):
    node = NodeProfile.load(colombia / "node.toml")
    assert (node.country, node.languages, node.base_uri) == ("CO", ["es", "en"], "https://co.chm-cbd.net/tsc/")
    assert node.name == {"es": "Mecanismo de facilitación del CDB — Colombia", "en": "CBD clearing-house mechanism — Colombia"}
    about = Graph().parse(colombia / "about.ttl")
    iri = URIRef("https://co.chm-cbd.net/tsc/id/node")
    assert set(about.objects(iri, RDFS.label)) == {Literal("Mecanismo de facilitación del CDB — Colombia", lang="es"),
                                                   Literal("CBD clearing-house mechanism — Colombia", lang="en")}
    assert (iri, URIRef("http://purl.org/dc/terms/spatial"),
            URIRef("https://w3id.org/tsc-graph/vocab/country/CO")) in about
    proc = cli("--profile", str(colombia / "node.toml"), "validate", str(colombia))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = cli("--store", "memory:", "--profile", str(colombia / "node.toml"), "load", "--no-progress",
               *cli("--profile", str(colombia / "node.toml"), "profile", "--print", "load-args").stdout.split())
    assert proc.returncode == 0, proc.stderr
    assert "https://co.chm-cbd.net/tsc/graph/about" in proc.stdout + proc.stderr


def test_init_peer_is_listed_in_the_registry_and_harvested_by_name(tmp_path):
    """``--peer FR=ENDPOINT``: the registry lists the French node, named after its country in the node's
    languages, with its endpoint; it validates, and ``harvest --all`` would copy it into {base}graph/node/fr."""
    from tsc_graph.federation.harvest import registered_nodes
    from tsc_graph.store import GraphNamer, expand_sources, open_store

    d = tmp_path / "co"
    proc = cli("init", "--country", "CO", "--languages", "es,en", "--dir", str(d),
               "--peer", "FR=https://fr.chm-cbd.net/tsc/sparql")
    assert proc.returncode == 0, proc.stderr
    registry = Graph().parse(d / "registry.ttl")
    peer = URIRef("https://co.chm-cbd.net/tsc/id/node/fr")
    assert set(registry.objects(peer, RDFS.label)) == {Literal("Francia", lang="es"), Literal("France", lang="en")}
    assert (peer, URIRef("http://rdfs.org/ns/void#sparqlEndpoint"), URIRef("https://fr.chm-cbd.net/tsc/sparql")) in registry
    assert cli("--profile", str(d / "node.toml"), "validate", str(d)).returncode == 0
    store = open_store("memory:")
    store.load(expand_sources([d / "registry.ttl"]), graph_for=GraphNamer("https://co.chm-cbd.net/tsc/"))
    [node] = registered_nodes(store, "https://co.chm-cbd.net/tsc/")
    assert (node.name, node.source, node.refused) == ("fr", "https://fr.chm-cbd.net/tsc/sparql", "")


def test_init_refuses_to_overwrite(colombia):
    before = (colombia / "node.toml").read_text()
    proc = cli("init", "--country", "CO", "--languages", "es,en", "--dir", str(colombia))
    assert proc.returncode == 2 and "already exists" in proc.stderr and "Traceback" not in proc.stderr
    assert (colombia / "node.toml").read_text() == before


@pytest.mark.parametrize("args, field", [
    (["--country", "XX", "--languages", "es"], "--country"),
    (["--country", "C0", "--languages", "es"], "--country"),
    (["--country", "CO", "--languages", "es,xx"], "--languages"),
    (["--country", "CO", "--languages", "es", "--base-uri", "co.example/tsc"], "--base-uri"),
    (["--country", "CO", "--languages", "es", "--peer", "https://fr.example/tsc/sparql"], "--peer"),
    (["--country", "CO", "--languages", "es", "--peer", "FR=ftp://fr.example/tsc/sparql"], "--peer"),
    (["--country", "CO", "--languages", "es", "--peer", "XX=https://fr.example/tsc/sparql"], "--peer"),
    (["--country", "CO", "--languages", "es", "--peer", "CO=https://co.example/tsc/sparql"], "--peer"),
])
def test_init_bad_input_names_the_field(tmp_path, args, field):
    proc = cli("init", *args, "--dir", str(tmp_path / "n"))
    assert proc.returncode == 2, proc.stderr
    assert f"error: {field}:" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "n").exists()


@pytest.mark.parametrize("old, new, message", [
    ('country = "CO"', 'country = "XX"', "country: 'XX' is not a country"),
    ('languages = ["es", "en"]', 'languages = ["es", "xx"]', "languages: 'xx' is not a language tag Babel knows"),
    ('data = ["."]', 'data = ["missing"]', "data: 'missing': no such directory"),
    ('registry = "registry.ttl"', 'registry = "nope.ttl"', "registry: 'nope.ttl': no such file"),
    ('base_uri = "https://co.chm-cbd.net/tsc/"', 'base_uri = ""', "base_uri: is empty"),
    ('# contact = "chm@example.org"', 'contact = "not an address"', "contact: 'not an address' is not an e-mail"),
])
def test_bad_profile_names_the_field(colombia, old, new, message):
    text = (colombia / "node.toml").read_text()
    assert old in text
    bad = colombia / "bad.toml"
    bad.write_text(text.replace(old, new))
    try:
        with pytest.raises(BadInput, match=message):
            NodeProfile.load(bad)
        proc = cli("--profile", str(bad), "profile")
        assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr
    finally:
        bad.unlink()


def test_contact_is_kept_when_valid(colombia):
    bad = colombia / "contact.toml"
    bad.write_text((colombia / "node.toml").read_text().replace('# contact = "chm@example.org"', 'contact = "chm@example.org"'))
    try:
        assert NodeProfile.load(bad).contact == "chm@example.org"
    finally:
        bad.unlink()


def test_empty_base_uri_variable_is_a_clear_error():
    with pytest.raises(BadInput, match="TSC_BASE_URI"):
        Settings.from_env({"TSC_BASE_URI": ""})
    proc = cli("--store", "memory:", "load", "--no-progress", "data/fr/about.ttl", env={"TSC_BASE_URI": ""})
    assert proc.returncode == 2 and "TSC_BASE_URI" in proc.stderr and "Traceback" not in proc.stderr
    proc = cli("--store", "memory:", "--base-uri", "", "graphs")
    assert proc.returncode == 2 and "--base-uri" in proc.stderr and "Traceback" not in proc.stderr


def test_label_languages_come_from_the_profile(colombia, tmp_path):
    """A Spanish-only record conforms under a profile with languages es,en and fails under fr,en."""
    from tsc_graph.validation import load_oxigraph, validate

    data = tmp_path / "data"
    data.mkdir()
    registry = (colombia / "registry.ttl").read_text()
    spanish = registry.replace(' , "CBD clearing-house mechanism — Colombia"@en', "")
    assert spanish != registry and "@en" not in spanish.split("a tsc:Node", 1)[1]
    (data / "registry.ttl").write_text(spanish)
    french = tmp_path / "fr-en.toml"
    french.write_text((colombia / "node.toml").read_text()
                      .replace('languages = ["es", "en"]', 'languages = ["fr", "en"]')
                      .replace('name = { es', 'name = { fr = "Colombie", es')
                      .replace('data = ["."]', f'data = ["{data}"]')
                      .replace('registry = "registry.ttl"', f'registry = "{data / "registry.ttl"}"'))

    spanish_ok = cli("--profile", str(colombia / "node.toml"), "validate", str(data))
    assert spanish_ok.returncode == 0, spanish_ok.stdout
    refused = cli("--profile", str(french), "validate", "-f", "json", str(data))
    assert refused.returncode == 1 and "NodeLabelShape" in refused.stdout

    # the function the server's submission check calls, on the same data
    store = load_oxigraph([data, ONTOLOGY_DIR, REFERENCE_DIR])
    assert validate(store, languages=["es", "en"]).conforms
    report = validate(load_oxigraph([data, ONTOLOGY_DIR, REFERENCE_DIR]), languages=["fr", "en"])
    assert [v.shape for v in report.violations] == ["https://w3id.org/tsc-graph/shapes#NodeLabelShape"]
    assert "French (@fr) or English (@en)" in report.violations[0].message_en  # the shapes' own message
    report = validate(load_oxigraph([data, ONTOLOGY_DIR, REFERENCE_DIR]), languages=["pt", "en"])
    assert [v.message_en for v in report.violations] == [
        "The resource must have at least one rdfs:label in one of the node's languages (@pt, @en)."]


def test_submission_checker_uses_the_node_languages():
    from rdflib import Graph

    from tsc_graph.web.submissions.shacl import ShapeChecker

    checker = ShapeChecker()
    g = Graph().parse(data="""
        @prefix tsc: <https://w3id.org/tsc-graph/ontology#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <https://co.example/tsc/id/project/p> a tsc:Project ; rdfs:label "Proyecto"@es .
    """, format="turtle")
    focus = {"https://co.example/tsc/id/project/p"}

    def label_violations(languages):
        return [v for v in checker.violations(g, focus, wait=30, languages=languages)
                if v.shape and v.shape.endswith("#NodeLabelShape")]

    assert label_violations(("fr", "en"))
    assert not label_violations(("es", "en"))
