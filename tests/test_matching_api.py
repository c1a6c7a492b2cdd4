"""The matchmaking and network HTTP API in-process (Flask test client): /api/matches (JSON, CSV, pagination,
languages, errors, 304), /api/bio-bridge/items (facets), /api/network, /changes (feed of writes, approvals,
withdrawals). The same API over real HTTP between two server processes: tests/test_network.py."""
from __future__ import annotations

import csv
import io
import time

import pytest

from checkout import DATA_DIR
from tsc_graph import ONTOLOGY_DIR, REFERENCE_DIR
from tsc_graph.federation.harvest import harvest_all
from tsc_graph.moderation import PENDING, Submission
from tsc_graph.namespaces import DEFAULT_BASE_URI
from tsc_graph.store import GraphNamer, expand_sources, open_store
from tsc_graph.web import create_app

FR_ID = "https://fr.chm-cbd.net/tsc/id/"
MADAGASCAR = FR_ID + "request/madagascar-crapaud-asiatique"
OFB = FR_ID + "offer/ofb-formation-especes-exotiques-envahissantes"
RBINS = "https://be.chm-cbd.net/tsc/id/offer/rbins-invasive-species-training"
MEISE = "https://be.chm-cbd.net/tsc/id/offer/meise-invasive-plants-expertise"
TOKEN = "api-test-token"
BEARER = {"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"}


@pytest.fixture(scope="module")
def store():
    s = open_store("memory:")
    s.load(expand_sources([ONTOLOGY_DIR, REFERENCE_DIR, DATA_DIR / "fr", DATA_DIR / "demo", DATA_DIR / "nodes" / "registry.ttl"]),
           graph_for=GraphNamer(DEFAULT_BASE_URI))
    harvest_all(s, base_uri=DEFAULT_BASE_URI)
    yield s
    s.close()


@pytest.fixture(scope="module")
def client(store, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("api")
    app = create_app({"admin_token": TOKEN, "MODERATION_DB": str(tmp / "queue.sqlite3"),
                      "CHANGES_DB": str(tmp / "changes.sqlite3")}, store=store)
    return app.test_client()


def get_json(client, url, status=200, **kw):
    r = client.get(url, **kw)
    assert r.status_code == status, r.get_data(as_text=True)
    return r.get_json()


# --- /api/matches -------------------------------------------------------------------------------------------
def test_matches_of_a_request_in_french_with_explanation_and_node(client):
    d = get_json(client, f"/api/matches?request={MADAGASCAR}&lang=fr")
    assert d["lang"] == "fr" and d["subject"]["id"] == MADAGASCAR and d["subject"]["kind"] == "request"
    assert d["total"] == len(d["matches"]) == 5 and d["next"] is None
    best = d["matches"][0]
    assert (best["rank"], best["score"], best["offer"]["id"], best["offer"]["node"]) == (1, 16, OFB, None)
    assert best["explanation"].startswith("partage les types d'appui expertise et formation, la cible 6 du CMB")
    assert best["shared"]["targets"] == [{"id": "https://w3id.org/tsc-graph/vocab/gbf/target-06",
                                          "label": best["shared"]["targets"][0]["label"], "number": 6}]
    assert best["shared"]["countries_served"][0]["label"] == "Madagascar"
    assert sum(best["points"].values()) == best["score"]
    belgian = [m for m in d["matches"] if m["offer"]["id"] == RBINS][0]
    assert belgian["offer"]["node"] == {"name": "be", "label": "Belgique (nœud de démonstration)", "registered": True,
                                        "demonstration": True, "id": FR_ID + "node/be"}
    assert belgian["offer"]["provider"]["id"].endswith("/actor/rbins")
    assert belgian["explanation"] == ("partage le type d'appui formation, la cible 6 du CMB et le thème espèces "
                                      "exotiques envahissantes ; le prestataire travaille en français ; disponible "
                                      "pendant la période demandée")


def test_language_from_accept_language_and_node_filter(client):
    d = get_json(client, f"/api/matches?request={MADAGASCAR}&node=be", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert d["lang"] == "en" and [m["offer"]["id"] for m in d["matches"]] == [RBINS, MEISE]
    assert all(m["offer"]["node"]["name"] == "be" for m in d["matches"])
    assert d["matches"][0]["explanation"].startswith("shares the support type training, GBF target 6")
    assert get_json(client, f"/api/matches?offer={RBINS}")["matches"][0]["request"]["node"]["name"] == "be"


def test_all_pairs_paginated_with_links(client):
    first = get_json(client, "/api/matches?limit=5")
    assert first["total"] > 15 and len(first["matches"]) == 5 and first["page"] == 1 and first["prev"] is None
    second = get_json(client, first["next"].replace("http://localhost", ""))
    assert [m["rank"] for m in second["matches"]] == [6, 7, 8, 9, 10] and second["prev"]
    scores = [m["score"] for m in first["matches"] + second["matches"]]
    assert scores == sorted(scores, reverse=True)
    page3 = get_json(client, "/api/matches?limit=5&page=3")
    assert page3["offset"] == 10 and page3["matches"][0]["rank"] == 11
    r = client.get("/api/matches?limit=5")
    assert 'rel="next"' in r.headers["Link"]


def test_csv_export_by_path_and_by_accept(client):
    r = client.get(f"/api/matches.csv?request={MADAGASCAR}&lang=en")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert "attachment" in r.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert len(rows) == 5 and rows[0]["offer"] == OFB and rows[0]["score"] == "16"
    assert rows[0]["countries_served"] == "Madagascar" and rows[0]["explanation"].startswith("shares the support types")
    r2 = client.get(f"/api/matches?request={MADAGASCAR}&lang=en", headers={"Accept": "text/csv"})
    assert r2.mimetype == "text/csv" and r2.get_data() == r.get_data()
    everything = list(csv.reader(io.StringIO(client.get("/api/matches.csv").get_data(as_text=True))))
    assert len(everything) - 1 == get_json(client, "/api/matches")["total"]


@pytest.mark.parametrize("url,status,words", [
    ("/api/matches?request=not-an-iri", 400, "absolute IRI"),
    (f"/api/matches?request={MADAGASCAR}&offer={OFB}", 400, "not both"),
    (f"/api/matches?offer={MADAGASCAR}", 400, "use ?request="),
    ("/api/matches?request=https://fr.chm-cbd.net/tsc/id/request/nope", 404, "no cooperation request"),
    ("/api/matches?limit=0", 400, "out of range"),
    ("/api/matches?limit=abc", 400, "whole number"),
    ("/api/matches?limit=5&page=2&offset=3", 400, "not both"),
    ("/api/matches?lang=<script>", 400, "language tag"),
    ("/api/matches?node=Not_A_Node", 400, "node name"),
    ("/api/bio-bridge/items?kind=project", 400, "offer"),
])
def test_bad_requests_get_clear_errors(client, url, status, words):
    d = get_json(client, url, status=status)
    assert words in d["message"] and d["error"]


def test_unchanged_answer_costs_a_304(client, store):
    r = client.get(f"/api/matches?request={MADAGASCAR}")
    etag = r.headers["ETag"]
    again = client.get(f"/api/matches?request={MADAGASCAR}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    other_lang = client.get(f"/api/matches?request={MADAGASCAR}&lang=fr", headers={"If-None-Match": etag})
    assert other_lang.status_code == 200


# --- /api/bio-bridge/items, /api/network ---------------------------------------------------------------------
def test_items_with_facets(client):
    d = get_json(client, "/api/bio-bridge/items?kind=offer&target=https://w3id.org/tsc-graph/vocab/gbf/target-06&lang=en")
    ids = {i["id"] for i in d["items"]}
    assert OFB in ids and RBINS in ids and d["total"] == len(ids)
    node = {f["value"]: f for f in d["facets"]["node"]}
    assert node["be"]["label"] == "Belgium (demonstration node)" and node["local"]["label"] == "this node"
    assert node["be"]["count"] + node["local"]["count"] == d["total"]
    kinds = {f["value"]: f["count"] for f in d["facets"]["kind"]}
    assert kinds["offer"] == d["total"] and kinds["request"] >= 2  # what switching to requests would give


def test_network_lists_the_belgian_demonstration_node_with_its_harvest(client):
    nodes = {n["name"]: n for n in get_json(client, "/api/network", headers={"Accept-Language": "fr"})["nodes"]}
    assert nodes["fr"]["this_node"] and nodes["fr"]["harvest"] is None and nodes["fr"]["graph"] is None
    be = nodes["be"]
    assert be["demonstration"] and be["label"] == "Belgique (nœud de démonstration)"
    assert be["country"]["label"] == "Belgique" and be["local_dump"] == "data/nodes/be"
    h = be["harvest"]
    assert (h["triples"], h["conforms"], h["violations"], h["source"]) == (186, True, 0, "file:data/nodes/be")


# --- /changes --------------------------------------------------------------------------------------------------
def _submission(store, sub_id: str) -> Submission:
    iri = f"{FR_ID}project/{sub_id}"
    turtle = f"""@prefix tsc: <https://w3id.org/tsc-graph/ontology#> .
<{iri}> a tsc:Project ; <http://www.w3.org/2000/01/rdf-schema#label> "Projet {sub_id}"@fr ."""
    return Submission(sub_id, iri, f"{DEFAULT_BASE_URI}graph/submission/{sub_id}", f"Projet {sub_id}", turtle,
                      "c@example.org", "fr", {}, PENDING, time.time())


def test_change_feed_lists_approvals_uploads_and_withdrawals(client, store):
    app = client.application
    app.extensions["tsc_moderation"].add(_submission(store, "feed-1"))
    before = get_json(client, "/changes")["totalItems"]
    assert client.post("/admin/submissions/feed-1/approve", headers=BEARER).status_code == 200
    r = client.put("/admin/graphs?graph=https://fr.chm-cbd.net/tsc/graph/extra", headers={**BEARER, "Content-Type": "text/turtle"},
                   data=b"<https://fr.chm-cbd.net/tsc/id/x> <http://www.w3.org/2000/01/rdf-schema#label> \"x\" .")
    assert r.status_code == 201
    assert client.post("/admin/submissions/feed-1/reject", headers=BEARER, data={"reason": "test"}).status_code == 200
    collection = client.get("/changes", headers={"Accept": "application/activity+json"})
    assert collection.mimetype == "application/activity+json"
    c = collection.get_json()
    assert c["type"] == "OrderedCollection" and c["totalItems"] == before + 3
    page = get_json(client, f"/changes?after={before}")
    approval, upload, withdrawal = page["orderedItems"]
    assert page["type"] == "OrderedCollectionPage" and "next" not in page
    assert (approval["type"], approval["tsc:changeKind"], approval["object"]["id"]) == ("Create", "approval", f"{FR_ID}project/feed-1")
    assert approval["object"]["type"] == "https://w3id.org/tsc-graph/ontology#Project"
    assert approval["target"]["id"] == f"{DEFAULT_BASE_URI}graph/submission/feed-1"
    assert (upload["type"], upload["tsc:changeKind"], upload["tsc:triples"]) == ("Create", "upload", 1)
    assert (withdrawal["type"], withdrawal["tsc:changeKind"]) == ("Delete", "withdrawal")
    one = get_json(client, approval["id"].replace("http://localhost", ""))
    assert one["id"] == approval["id"] and "@context" in one
    # conditional: the same page again costs a 304; pages by number; errors
    etag = client.get(f"/changes?after={before}").headers["ETag"]
    assert client.get(f"/changes?after={before}", headers={"If-None-Match": etag}).status_code == 304
    assert get_json(client, "/changes?page=1")["orderedItems"][0]["id"].endswith("/changes/1")
    assert get_json(client, "/changes?since=2000-01-01T00:00:00Z")["orderedItems"][0]["id"].endswith("/changes/1")
    get_json(client, "/changes?page=99", status=404)
    get_json(client, "/changes?since=yesterday", status=400)
    get_json(client, "/changes/99999", status=404)
