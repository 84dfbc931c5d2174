"""The project's own sample articles: the README demo, checked fact by fact."""

from __future__ import annotations

import json

from tests.conftest import ROOT, sparql

PEOPLE = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
SELECT ?p ?label (GROUP_CONCAT(DISTINCT ?alt; separator="|") AS ?alts) WHERE {
  ?p a schema:Person ; rdfs:label ?label . OPTIONAL { ?p skos:altLabel ?alt }
} GROUP BY ?p ?label"""


def people(store) -> dict[str, set[str]]:
    return {r["label"].value: set(filter(None, (r["alts"].value if r["alts"] else "").split("|")))
            for r in sparql(store, PEOPLE)}


def test_every_input_format_is_read(sample_out):
    report = json.loads((sample_out / "report.json").read_text(encoding="utf-8"))
    assert sorted(report["articles"]) == ["harbour-daily", "moscow-denial-2026-03-11", "odesa-wire",
                                          "pentagon-aid-2026-03-12"]
    assert report["skipped"] == []
    html = report["articles"]["harbour-daily"]
    assert (html["publisher"], html["published"]) == ("Harbour Daily", "2026-03-11")


def test_transliterations_meet_in_one_node(sample_store):
    found = people(sample_store)
    governor = [label for label, alts in found.items() if "Gritsenko" in alts | {label} or "Hrytsenko" in alts | {label}]
    assert governor == ["Oksana Hrytsenko"]
    assert {"Oksana Gritsenko", "Hrytsenko", "Gritsenko"} <= found["Oksana Hrytsenko"]
    odesa = list(sparql(sample_store, """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?e WHERE { ?e rdfs:label "Odesa" ; skos:altLabel "Odessa" }"""))
    assert len(odesa) == 1


def test_invented_officials_keep_their_roles(sample_store):
    rows = sparql(sample_store, """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX schema: <https://schema.org/>
        SELECT ?name ?title ?org WHERE { ?p rdfs:label ?name ; schema:jobTitle ?title .
          OPTIONAL { ?p schema:affiliation/rdfs:label ?org } }""")
    roles = {(r["name"].value, r["title"].value, r["org"].value if r["org"] else None) for r in rows}
    assert ("Daniel Whitfield", "press secretary", "Pentagon") in roles
    assert ("Irina Volkova", "spokeswoman", "Russian Ministry of Defence") in roles
    assert ("Taras Melnyk", "spokesman", "Armed Forces of Ukraine") in roles
    assert not any("spokes" in name or "secretary" in name.lower() for name, _, _ in roles)


def test_kyiv_as_the_government_and_odesa_as_the_city(sample_store):
    rows = sparql(sample_store, """PREFIX oa: <http://www.w3.org/ns/oa#>
        PREFIX kgo: <https://w3id.org/evkg/ontology#>
        SELECT ?exact ?body WHERE { ?m kgo:sense "actor" ; oa:hasBody ?body ;
          oa:hasTarget/oa:hasSelector/oa:exact ?exact }""")
    actors = {(r["exact"].value, r["body"].value.rsplit("/", 2)[-2:][0]) for r in rows}
    assert ("Kyiv", "government") in actors


def test_weapons_from_the_lexicon(sample_store):
    rows = sparql(sample_store, """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX kgo: <https://w3id.org/evkg/ontology#>
        SELECT ?label WHERE { ?w a kgo:WeaponType ; rdfs:label ?label }""")
    weapons = {r["label"].value for r in rows}
    assert {"drone", "Shahed-136", "cruise missile", "artillery round", "air defence", "interceptor"} <= weapons


def test_every_example_query_answers_on_the_samples(sample_store):
    from kg.dataset.query import run_query

    for path in sorted((ROOT / "queries").glob("*.rq")):
        if path.name == "disagreements.rq":
            continue  # the samples agree with each other; tests/test_corpus.py checks it on the corpus
        rows = list(run_query(sample_store, path.read_text(encoding="utf-8")))
        assert rows, f"{path.name} returns nothing on the sample articles"


def test_dataset_totals_count_every_annotation(sample_store):
    counted = {(r["x"].value, int(r["n"].value), int(r["a"].value)) for r in sparql(sample_store, """
        PREFIX oa: <http://www.w3.org/ns/oa#>
        SELECT ?x (COUNT(DISTINCT ?m) AS ?n) (COUNT(DISTINCT ?article) AS ?a) WHERE {
          ?m oa:hasBody ?x ; oa:hasTarget/oa:hasSource ?article } GROUP BY ?x""")}
    stated = {(r["x"].value, int(r["n"].value), int(r["a"].value)) for r in sparql(sample_store, """
        PREFIX kgo: <https://w3id.org/evkg/ontology#>
        SELECT ?x ?n ?a WHERE { ?x kgo:mentionCount ?n ; kgo:articleCount ?a }""")}
    assert counted and stated == counted


def test_mentions_of_one_sentence_share_its_node(sample_store):
    query = """PREFIX oa: <http://www.w3.org/ns/oa#>
        PREFIX kgo: <https://w3id.org/evkg/ontology#>
        SELECT ?m1 ?m2 WHERE { ?m1 %s . ?m2 %s . FILTER (?m1 != ?m2) }"""
    by_index = "oa:hasTarget/oa:hasSource ?article ; kgo:sentenceIndex ?i"
    pairs = lambda a, b: {(r["m1"].value, r["m2"].value) for r in sparql(sample_store, query % (a, b))}  # noqa: E731
    same = pairs(by_index, by_index)
    assert same and pairs("kgo:sentence ?s", "kgo:sentence ?s") == same
