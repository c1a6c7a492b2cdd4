"""The one IRI check (tsc_graph.iri): what each door of the node accepts."""
from __future__ import annotations

import pytest

from tsc_graph import iri
from tsc_graph.errors import BadInput


@pytest.mark.parametrize("text", ["https://example.org/a", "http://x.org/é", "urn:isbn:123", "mailto:a@b.org"])
def test_absolute_iris_pass(text):
    assert iri.is_iri(text)


@pytest.mark.parametrize("text", ["", "relative/path", "http://a/ b", "http://a/\u00a0b", "http://a/<", 'http://a/"',
                                  "http://a/{", "http://a/|", "http://a/^", "http://a/`", "http://a/\\", "http://a/%zz",
                                  "http://a/\x00", "https://a/" + "x" * 2000])
def test_what_cannot_be_written_between_brackets_fails(text):
    assert not iri.is_iri(text)


def test_schemes_and_names():
    assert iri.is_iri("HTTPS://A.org/", iri.WEB_SCHEMES)
    assert not iri.is_iri("mailto:a@b.org", iri.NAME_SCHEMES)
    assert iri.is_web_address("https://a.org") and not iri.is_web_address("https:a.org")
    assert not iri.is_web_address("https://")
    assert iri.is_name("urn:x-local:graph") and not iri.is_name("urn:x") and not iri.is_name("urn:-x:y")
    assert iri.scheme("Urn:x") == "urn" and iri.scheme("N1234abc") is None


def test_check_iri_names_what_was_given():
    assert iri.check_iri("https://a.org/", "?graph") == "https://a.org/"
    with pytest.raises(BadInput, match=r"\?graph: 'nope' is not an absolute IRI \(http, https\)"):
        iri.check_iri("nope", "?graph", iri.WEB_SCHEMES)
