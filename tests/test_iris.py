"""IRIs: readable, stable, and valid for a strict parser whatever the name."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.graph.iris import IriMinter

IRIS = IriMinter("https://w3id.org/evkg/id/")


def test_readable_iris():
    assert str(IRIS.entity("person/vladimir-putin")) == "https://w3id.org/evkg/id/person/vladimir-putin"
    assert str(IRIS.entity("person/Володимир Зеленський")).startswith("https://w3id.org/evkg/id/person/")
    assert str(IRIS.annotation("odesa-wire", 691, 696)) == "https://w3id.org/evkg/id/annotation/odesa-wire/691-696"


def test_bodies_on_one_span_never_share_an_annotation():
    spans = {IRIS.annotation("a", 1, 5), IRIS.annotation("a", 1, 5, "event"), IRIS.annotation("a", 1, 5, "statement")}
    assert len(spans) == 3


@pytest.mark.parametrize("base", ["ftp://x/", "https://x", "https://x y/", "", "https://x/\n"])
def test_bad_base_iri_is_refused(base):
    with pytest.raises(ValueError):
        IriMinter(base)


@settings(max_examples=300, deadline=None)
@given(kind=st.sampled_from(["person", "organization", "place"]), name=st.text(max_size=40))
def test_any_name_gives_a_valid_stable_iri(kind, name):
    iri = IRIS.entity(f"{kind}/{name}")
    assert iri == IRIS.entity(f"{kind}/{name}")
    ox.NamedNode(str(iri))  # raises on an invalid IRI
    line = f"<{iri}> <urn:p> <urn:o> .\n".encode()
    assert len(list(ox.parse(line, format=ox.RdfFormat.N_TRIPLES))) == 1
    node = IRIS.node("event", name)
    ox.NamedNode(str(node))
