"""Static files are gzipped for clients that accept it: the map's 264 kB outline sent in 95 kB, its own
ETag for revalidation, the plain file for the others and for ranges."""
from __future__ import annotations

import gzip

import pytest

from tsc_graph.web import create_app


@pytest.fixture(scope="module")
def client(french_memory_store):
    return create_app({"store": "memory:"}, store=french_memory_store).test_client()


def test_the_map_outline_is_sent_gzipped_and_revalidates(client):
    plain = client.get("/static/map/world.json")
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    assert "Accept-Encoding" in plain.headers["Vary"]
    zipped = client.get("/static/map/world.json", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert zipped.status_code == 200 and zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == plain.data
    assert len(zipped.data) < 0.4 * len(plain.data)  # 95 kB for 264 kB
    assert int(zipped.headers["Content-Length"]) == len(zipped.data)
    assert zipped.headers["ETag"] != plain.headers["ETag"]
    again = client.get("/static/map/world.json", headers={"Accept-Encoding": "gzip",
                                                          "If-None-Match": zipped.headers["ETag"]})
    assert again.status_code == 304 and not again.data
    unchanged = client.get("/static/map/world.json", headers={"If-None-Match": plain.headers["ETag"]})
    assert unchanged.status_code == 304


def test_ranges_images_and_missing_files_are_left_alone(client):
    part = client.get("/static/map/world.json", headers={"Accept-Encoding": "gzip", "Range": "bytes=0-99"})
    assert part.status_code == 206 and len(part.data) == 100 and "Content-Encoding" not in part.headers
    assert client.get("/static/nothing-here.js", headers={"Accept-Encoding": "gzip"}).status_code == 404
    assert client.get("/static/../tsc_graph/__init__.py", headers={"Accept-Encoding": "gzip"}).status_code == 404
