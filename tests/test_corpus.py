"""The done criteria on the two development articles, built with the real model."""

from __future__ import annotations

import json
import sys

import pytest

from kg.eval.entities import score
from kg.nlp.names import surname_key
from tests.conftest import ROOT, sparql

sys.path.insert(0, str(ROOT / "scripts"))
import readme_examples  # noqa: E402

PREFIXES = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX kgo: <https://w3id.org/evkg/ontology#>
"""


def names_by_entity(store) -> dict[str, tuple[set[str], set[str]]]:
    """entity IRI -> (types, names)."""
    rows = sparql(store, PREFIXES + """
        SELECT ?e ?type ?name WHERE { ?e a kgo:Entity, ?type .
          { ?e rdfs:label ?name } UNION { ?e skos:altLabel ?name } }""")
    result: dict[str, tuple[set[str], set[str]]] = {}
    for row in rows:
        types, names = result.setdefault(row["e"].value, (set(), set()))
        types.add(row["type"].value.rsplit("/", 1)[-1])
        names.add(row["name"].value)
    return result


@pytest.mark.parametrize("surname", ["Putin", "Zelensky", "Blinken", "Podolyak", "Peskov"])
def test_exactly_one_node_per_person(corpus_store, surname):
    nodes = [iri for iri, (types, names) in names_by_entity(corpus_store).items()
             if any(surname_key(n) == surname_key(surname) for n in names)]
    assert len(nodes) == 1, nodes
    types, _ = names_by_entity(corpus_store)[nodes[0]]
    assert "Person" in types


@pytest.mark.parametrize("names", [{"Russia", "Russian Federation", "RF"}, {"Ukraine"}, {"United States", "U.S.", "US"}])
def test_exactly_one_node_per_country(corpus_store, names):
    nodes = [(iri, types) for iri, (types, labels) in names_by_entity(corpus_store).items() if labels & names]
    assert len(nodes) == 1, nodes
    assert "Country" in nodes[0][1]


@pytest.mark.parametrize("name", ["Kyiv", "Telegram", "Twitter"])
def test_never_a_person(corpus_store, name):
    for iri, (types, names) in names_by_entity(corpus_store).items():
        assert not (name in names and "Person" in types), iri


def test_both_senses_of_the_kremlin_and_kyiv(corpus_store):
    entities = names_by_entity(corpus_store)
    kremlin = {iri.rsplit("/", 2)[-2] + "/" + iri.rsplit("/", 1)[-1] for iri, (_, names) in entities.items() if "Kremlin" in names}
    assert kremlin == {"place/kremlin", "organization/kremlin"}
    kyiv_actor = [types for iri, (types, names) in entities.items() if "Kyiv" in names and "Organization" in types]
    assert kyiv_actor and "GovernmentOrganization" in kyiv_actor[0]


def test_every_entity_has_evidence_slicing_the_body(corpus_store):
    rows = list(sparql(corpus_store, PREFIXES + """
        SELECT ?e ?body ?start ?end ?exact WHERE {
          ?e a kgo:Entity .
          OPTIONAL { ?a oa:hasBody ?e ; oa:hasTarget ?t . ?t oa:hasSource ?article ;
                     oa:hasSelector ?p, ?q . ?p oa:start ?start ; oa:end ?end . ?q oa:exact ?exact .
                     ?article schema:articleBody ?body } }"""))
    assert len(rows) > 100
    for row in rows:
        assert row["body"] is not None, f"{row['e']} has no evidence"
        body = row["body"].value
        start, end = int(row["start"].value), int(row["end"].value)
        assert body[start:end] == row["exact"].value


def test_page_chrome_and_captions_are_not_entities(corpus_store):
    names = set().union(*(n for _, n in names_by_entity(corpus_store).values()))
    for junk in ("REUTERS", "Reuters", "AP", "AFP", "Getty Images", "Mikhail Klimentyev", "NBC News Now", "IE"):
        assert junk not in names


def test_titles_are_roles_not_names(corpus_store):
    rows = sparql(corpus_store, PREFIXES + """
        SELECT ?title ?aff WHERE { ?p rdfs:label "Dmitry Peskov" ; schema:jobTitle ?title .
                                   OPTIONAL { ?p schema:affiliation/rdfs:label ?aff } }""")
    assert {(r["title"].value, r["aff"].value if r["aff"] else None) for r in rows} == {("spokesman", "Kremlin")}
    names = set().union(*(n for _, n in names_by_entity(corpus_store).values()))
    assert "Sergei Sobyanin" in names
    assert not any(n.lower().startswith(("mayer ", "president ", "kremlin spokesman")) for n in names)


def test_entity_precision_and_recall_against_gold(corpus_store, capsys):
    gold = json.loads((ROOT / "tests" / "gold" / "corpus_entities.json").read_text(encoding="utf-8"))["articles"]
    scores = score(corpus_store, gold)
    with capsys.disabled():
        print("\nentity scores on the development corpus (type: P / R / F1, n gold):")
        for bucket, s in scores.items():
            print(f"  {bucket:13s} {s.precision:.2f} / {s.recall:.2f} / {s.f1:.2f}  ({s.gold})")
    assert scores["all"].precision >= 0.85
    assert scores["all"].recall >= 0.85


def test_eval_meets_the_targets_and_the_readme_shows_its_output(corpus_out):
    """`kg eval --check` on the corpus build: targets met, and the README shows exactly its output."""
    from click.testing import CliRunner

    from kg.cli import cli

    gold = ROOT / "tests" / "gold"
    result = CliRunner().invoke(cli, ["eval", str(corpus_out), "--entities", str(gold / "corpus_entities.json"),
                                      "--facts", str(gold / "corpus_facts.json"), "--targets", "articles",
                                      "--check"])
    assert result.exit_code == 0, result.output
    assert "entity all" in result.output and "baseline" in result.output
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme_examples.render_eval(readme, corpus_out) == readme, "README eval block is stale: run scripts/readme_examples.py"
    rendered = readme_examples.render(readme, corpus_out, "example-corpus")
    assert rendered == readme, "README corpus examples are stale: run scripts/readme_examples.py"


def test_disagreements_between_sources_are_listed(corpus_store, tmp_path):
    from kg.config import Settings
    from kg.dataset.load import open_dataset
    from kg.dataset.query import run_query
    from kg.run.build import build

    query = (ROOT / "queries" / "disagreements.rq").read_text(encoding="utf-8")
    # The two outlets date the Kremlin attack alike ("overnight" in a Wednesday article is Wednesday's early hours).
    assert not [row for row in run_query(corpus_store, query) if row["event"].value.startswith("Attack")]
    reports = [("wire", "Russia attacked Odesa with 38 drones overnight, the governor said."),  # written for this test
               ("daily", "Russia attacked Odesa with 40 drones overnight, officials said.")]
    corpus = tmp_path / "odesa.jsonl"
    corpus.write_text("".join(json.dumps({"id": key, "published": "2024-05-08", "text": text}) + "\n"
                              for key, text in reports))
    build([corpus], tmp_path / "out", Settings())
    rows = list(run_query(open_dataset(tmp_path / "out"), query))
    assert [(row["fact"].value, sorted(row["values"].value.split("; "))) for row in rows] == [
        ("count", ["38 (wire)", "40 (daily)"])]


def test_one_attack_and_one_aid_package_across_both_articles(corpus_store):
    rows = list(sparql(corpus_store, PREFIXES + """
        PREFIX oa: <http://www.w3.org/ns/oa#>
        SELECT ?node (COUNT(DISTINCT ?source) AS ?articles) WHERE {
          ?node a ?type . VALUES ?type { kgo:Attack schema:MonetaryGrant }
          ?a oa:hasBody ?node ; oa:hasTarget/oa:hasSource ?source } GROUP BY ?node"""))
    nodes = {row["node"].value.rsplit("/", 1)[-1]: int(row["articles"].value) for row in rows}
    assert nodes["2023-05-03-attack-place-kremlin"] == 2  # one real event, with its day (the early hours of 3 May)
    assert nodes["2023-05-03-country-united-states-300000000-usd"] == 2  # one package, with its day
