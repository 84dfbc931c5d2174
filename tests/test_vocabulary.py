"""The kgo: vocabulary is closed: every term the code names is declared in ontology/kg.ttl, with a label
and a comment, and the enums of kg/vocab.py are the classes and concepts the ontology declares."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.graph.namespaces import KGO
from kg.graph.terms import O_KGO, kgo_terms
from kg.vocab import EntityKind, EventType, Sense, Stance

ROOT = Path(__file__).resolve().parent.parent
# KGO.name, O_KGO.name, KGO["name"] in Python; kgo:name in SPARQL, Turtle and JSON-LD strings
_PYTHON = re.compile(r"\b(?:O_)?KGO(?:\.([A-Za-z_]\w*)|\[\"(\w+)\"\])")
_CURIE = re.compile(r"(?<![\w/#])kgo:([A-Za-z_]\w*)")


def _referenced() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / "kg").rglob("*")):
        if path.suffix not in (".py", ".rq", ".jsonld") or "ontology" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        names = {a or b for a, b in _PYTHON.findall(text)} if path.suffix == ".py" else set()
        names |= set(_CURIE.findall(text))
        for name in names:
            found.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return found


def test_the_code_finds_kgo_terms():
    """The scan is not empty (a broken pattern would make the next test pass vacuously)."""
    assert {"Mention", "confidence", "ExtractionGraph"} <= set(_referenced())


def test_every_kgo_term_the_code_names_is_declared():
    undeclared = {name: files for name, files in _referenced().items() if name not in kgo_terms()}
    assert not undeclared, f"kgo: terms used but not declared in kg/ontology/kg.ttl: {undeclared}"


def test_every_declared_term_has_a_label_and_a_comment():
    text = (ROOT / "kg" / "ontology" / "kg.ttl").read_bytes()
    quads = list(ox.parse(text, ox.RdfFormat.TURTLE))
    described = {(q.subject.value, q.predicate.value) for q in quads if isinstance(q.subject, ox.NamedNode)}
    label, comment = "http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2000/01/rdf-schema#comment"
    skos_def = "http://www.w3.org/2004/02/skos/core#definition"
    missing = sorted(name for name in kgo_terms()
                     if (str(KGO) + name, label) not in described
                     or not {(str(KGO) + name, comment), (str(KGO) + name, skos_def)} & described)
    assert not missing, f"kgo: terms without rdfs:label and rdfs:comment: {missing}"


@pytest.mark.parametrize("member", [*EventType, *Stance], ids=str)
def test_event_types_and_stances_are_declared_terms(member):
    assert member.value in kgo_terms()


def test_entity_kinds_are_iri_path_segments():
    assert all(re.fullmatch(r"[a-z]+", kind) for kind in EntityKind)


def test_an_undeclared_term_is_an_error_at_first_use():
    with pytest.raises(AttributeError, match="ontology#speakr is not declared"):
        O_KGO.speakr  # noqa: B018 - the lookup is the test
    assert O_KGO.speaker.value == str(KGO) + "speaker"


def test_the_senses_are_the_values_the_shapes_allow():
    shapes = (ROOT / "kg" / "ontology" / "shapes.ttl").read_text(encoding="utf-8")
    allowed = re.search(r"sh:path kgo:sense ;.*?sh:in \(([^)]*)\)", shapes, re.DOTALL).group(1)
    assert sorted(re.findall(r'"([^"]+)"', allowed)) == sorted(Sense)


def test_enum_values_are_not_spelled_as_literals_in_the_code():
    """An event type, stance or place sense is named by its member (EventType.ATTACK), not by a
    string literal that a typo would turn into a silent miss."""
    values = {m.value for m in (*EventType, *Stance, *Sense)} - {"place"}  # "place" is also a role and a column
    found = []
    for path in sorted((ROOT / "kg").rglob("*.py")):
        if path.name == "vocab.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for value in re.findall(r"""["']([A-Za-z]+)["']""", line.split("#", 1)[0]):
                if value in values:
                    found.append(f"{path.relative_to(ROOT)}:{number}: {value!r}")
    assert not found, found
