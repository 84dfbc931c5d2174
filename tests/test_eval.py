"""The scorers of `kg eval` on small hand-made gold and predictions, the targets files, and the
command on a real build of the dev set (../shared/corpus/dev)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.eval.aid import score_predicted_aid
from kg.eval.events import EventMatch, PredictedEvent, match_events, score_dates, score_event_types
from kg.eval.identity import score_identity
from kg.eval.persons import score_clusters
from kg.eval.statements import PredictedStatement, score_predicted_statements
from kg.eval.targets import PACKAGED, goals, load_targets, targets_path
from tests.conftest import DEV, ROOT

E = "https://example.org/event/"


def _match(article: str, event_id: str, iri: str | None, **gold) -> EventMatch:
    return EventMatch(article, {"event_id": event_id, "type": "Attack", **gold}, iri and E + iri)


def test_identity_counts_pairs_across_and_within_articles():
    # gold: x told by a1, a2, a3; y by a1, a4. Prediction: x of a3 split off, y of a4 merged into x.
    matches = [_match("a1", "x", "n1"), _match("a2", "x", "n1"), _match("a3", "x", "n2"),
               _match("a1", "y", "n3"), _match("a4", "y", "n1"), _match("a5", "z", None)]
    identity = score_identity(matches)
    # gold same pairs among matched: x (3 choose 2 = 3) + y (1) = 4; predicted same: n1 x3 -> 3 pairs
    # right: (a1 x, a2 x) only.
    assert (identity.pairs.true_positives, identity.pairs.predicted, identity.pairs.gold) == (1, 3, 4)
    assert identity.pairs.precision == pytest.approx(1 / 3)
    assert identity.pairs.recall == pytest.approx(1 / 4)
    assert identity.pairs.f1 == pytest.approx(2 * (1 / 3) * (1 / 4) / (1 / 3 + 1 / 4))
    assert (identity.matched, identity.mentions, identity.gold_same_all) == (5, 6, 4)


def test_identity_counts_merged_attacks_on_one_place_on_different_days():
    day = {"place": "Odesa port"}
    matches = [_match("a1", "odesa-1", "n1", date="2023-07-18", **day),
               _match("a2", "odesa-2", "n1", date="2023-07-19", **day),
               _match("a3", "odesa-3", "n2", date="2023-07-11", **day),
               _match("a4", "kyiv-1", "n1", date="2023-07-19", place="Kyiv")]  # other place: not counted
    identity = score_identity(matches)
    assert (identity.apart_merged, identity.apart_pairs) == (1, 3)
    assert identity.pairs.predicted == 3 and identity.pairs.true_positives == 0


def test_events_match_by_type_and_anchor_and_prefer_the_gold_date():
    predicted = {"a1": [PredictedEvent(E + "attack-1", "Attack", target=frozenset({"Kharkiv"}), dates=frozenset({"2023-01-01"})),
                        PredictedEvent(E + "attack-2", "Attack", target=frozenset({"Kharkiv"}), dates=frozenset({"2023-01-02"})),
                        PredictedEvent(E + "mutiny", "Mutiny", agent=frozenset({"Some Group"}), dates=frozenset({"2023-02"})),
                        PredictedEvent(E + "threat", "Threat")]}
    gold = {"a1": {"events": [
        {"event_id": "k2", "type": "Attack", "target": "Kharkiv", "date": "2023-01-02"},
        {"event_id": "k1", "type": "Attack", "target": "Kharkiv", "date": "2022-12-31"},
        {"event_id": "m", "type": "Other: Mutiny", "agent": "Some Group", "date": "2023-02-01"},
        {"event_id": "d", "type": "Denial", "agent": "Somebody", "date": None}]}}
    matches = match_events(predicted, gold)
    assert [m.iri for m in matches] == [E + "attack-2", E + "attack-1", E + "mutiny", None]
    assert score_dates(predicted, matches) == (1, 3)  # a month is not the day the gold gives
    rows = score_event_types(predicted, gold, matches)
    assert (rows["event Attack"].recall, rows["event Attack"].precision) == (1.0, 1.0)
    assert rows["event Other: Mutiny"].recall == 1.0 and rows["event Denial"].recall == 0.0
    assert rows["event Threat"].precision == 0.0
    assert (rows["events"].true_positives, rows["events"].predicted, rows["events"].gold) == (3, 4, 4)
    assert list(rows)[-2:] == ["event Other: Mutiny", "events"]  # Other rows after the kgo types


def test_event_matching_matches_as_many_gold_events_as_it_can():
    """A predicted event that fits two gold events goes to the one nothing else fits."""
    predicted = {"a1": [PredictedEvent(E + "attack-a", "Attack", agent=frozenset({"Ukraine"}), target=frozenset({"Ukraine"})),
                        PredictedEvent(E + "attack-b", "Attack", target=frozenset({"Kerch Bridge"}))]}
    gold = {"a1": {"events": [
        {"event_id": "bridge", "type": "Attack", "agent": "Ukraine", "target": "Kerch Bridge", "date": None},
        {"event_id": "grid", "type": "Attack", "agent": "Russia", "target": "Ukraine", "date": None}]}}
    assert [m.iri for m in match_events(predicted, gold)] == [E + "attack-b", E + "attack-a"]


def test_person_clusters_split_and_merges_across_groups():
    nodes = {"p/a": {"Anna Ivanenko", "Ivanenko"}, "p/b": {"Ganna Ivanenko"},
             "p/c": {"Petro Marchenko", "Pavlo Marchenko"}, "p/d": {"Olha Bondar"}}
    same = [["Anna Ivanenko", "Ganna Ivanenko", "Ivanenko"], ["Petro Marchenko", "Marchenko"], ["Nobody Known"]]
    distinct = [["Petro Marchenko", "Pavlo Marchenko"], ["Olha Bondar", "Oleh Bondar"]]
    clusters = score_clusters(nodes, same, distinct)
    assert clusters.groups == {"Anna Ivanenko": ("p/a", "p/b"), "Petro Marchenko": ("p/c",), "Nobody Known": ()}
    assert (clusters.split, clusters.whole, clusters.merged) == (1, 1, ("p/c",))
    two_groups = score_clusters({"p/x": {"Anna Ivanenko", "Marchenko"}}, same, [])
    assert two_groups.merged == ("p/x",)


def _grant(amount: str, currency: str = "USD", **fields) -> dict[str, set[str]]:
    return {"amount": {amount}, "currency": {currency}, **{k: set(v) for k, v in fields.items()}}


def test_aid_fields_and_packages_on_one_node():
    predicted = {"a1": {"g/us-500": _grant("500000000", funder={"United States"}, contents={"artillery rounds"})},
                 "a2": {"g/us-460": _grant("460000000")},
                 "a3": {"g/us-500": _grant("500000000")},
                 "a4": {"g/de-700": _grant("700000000", "EUR")},
                 "a5": {"g/de-768": _grant("768000000")}}
    gold = {"a1": {"aid": [{"package_id": "us-feb", "amount": 500000000, "currency": "USD", "funder": "United States",
                            "contents": ["artillery rounds", "trucks"]}]},
            "a2": {"aid": [{"package_id": "us-feb", "amount": 460000000, "currency": "USD", "funder": "United States"}]},
            "a3": {"aid": [{"package_id": "us-jun", "amount": 500000000, "currency": "USD"}]},
            "a4": {"aid": [{"package_id": "de-jul", "amount": 700000000, "currency": "EUR"}]},
            "a5": {"aid": [{"package_id": "de-jul", "amount": 768000000, "currency": "USD"}]}}
    packages = score_predicted_aid(predicted, gold)
    assert packages.fields["amount"] == (5, 5) and packages.fields["funder"] == (1, 2)
    assert packages.fields["contents"] == (1, 2)
    assert packages.grouped == (0, 2)  # us-feb on two nodes, de-jul on two nodes
    assert packages.merged == 1  # us-feb and us-jun share g/us-500
    assert packages.identified == 5
    one = dict(predicted, a2={"g/us-500": _grant("460000000")}, a5={"g/de-700": _grant("768000000")})
    assert score_predicted_aid(one, gold).grouped == (2, 2)


def test_statements_direct_and_reported_apart_and_speakers_left_unnamed():
    predicted = {"a1": {
        "s1": PredictedStatement("We will rebuild the bridge, she said", True, frozenset({"Anna Ivanenko"})),
        "s2": PredictedStatement("the port was closed for two days", False, frozenset({"the spokesman"}), unnamed=True),
        "s3": PredictedStatement("for the city", True, frozenset({"Anna Ivanenko"}))}}
    gold = {"a1": {"statements": [
        {"key": "rebuild the bridge", "speaker": "Anna Ivanenko", "direct": True},
        {"key": "port was closed", "speaker": "Petro Marchenko", "direct": False},
        {"key": "never found words", "speaker": "unnamed: officials", "direct": False}]}}
    result = score_predicted_statements(predicted, gold)
    quotes, reported = result["direct quotes"], result["reported speech"]
    assert (quotes.true_positives, quotes.predicted, quotes.gold, quotes.found) == (1, 2, 1, 1)
    assert (reported.true_positives, reported.predicted, reported.gold, reported.found) == (1, 1, 2, 1)
    assert result["direct quotes with speaker"].recall == 1.0 and result["reported speech with speaker"].recall == 0.0
    assert result["reported speech right speaker of found"] == 0.0
    assert result["statements left unnamed"] == 1 and result["direct quotes left unnamed"] == 0
    assert result["quote speaker accuracy"] == 1.0


def test_goals_floors_are_checked_in_the_direction_of_the_metric(tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"metrics": {"entity F1": {"floor": 0.8, "target": 0.9},
                                            "speakers left unnamed": {"better": "lower", "floor": 3, "target": 0}}}))
    measured = goals({"entity F1": 0.85, "speakers left unnamed": 4}, load_targets(path), path)
    assert [(g.above_floor, g.target_met) for g in measured] == [(True, False), (False, False)]
    with pytest.raises(ValueError, match="t.json.*unknown metric"):
        goals({"entity F1": 0.85}, load_targets(path), path)
    path.write_text(json.dumps({"metrics": {"entity F1": {"flor": 0.8}}}))
    with pytest.raises(ValueError, match="t.json.*entity F1"):
        load_targets(path)
    path.write_text("{")
    with pytest.raises(ValueError, match="t.json"):
        load_targets(path)


def test_the_packaged_targets_files_are_well_formed():
    assert targets_path("dev") == PACKAGED / "dev.json" and targets_path("x/y.json").name == "y.json"
    assert sorted(p.stem for p in PACKAGED.glob("*.json")) == ["articles", "dev"]
    for path in sorted(PACKAGED.glob("*.json")):
        assert all("floor" in spec for spec in load_targets(path).values()), path  # CI guards every metric named


@pytest.mark.slow
def test_eval_check_on_the_dev_set(dev_out):
    """What CI runs on the dev set: the floors hold, every category is printed."""
    result = CliRunner().invoke(cli, ["eval", str(dev_out), "--entities", str(DEV / "gold_entities.json"),
                                      "--facts", str(DEV / "gold_facts.json"), "--targets", "dev", "--check"])
    assert result.exit_code == 0, result.output
    for part in ("entity all", "direct quotes with speaker", "reported speech", "event Other: ", "event dates right",
                 "event identity", "person clusters", "packages told by two or more", "target met"):
        assert part in result.output, part
    as_json = CliRunner().invoke(cli, ["eval", str(dev_out), "--entities", str(DEV / "gold_entities.json"),
                                       "--facts", str(DEV / "gold_facts.json"), "--targets", "dev", "--format", "json"])
    data = json.loads(as_json.output)
    assert data["event identity"]["gold"] > 0 and data["events"]["events"]["gold"] == 150
    assert all(goal["above floor"] for goal in data["goals"].values())


def test_eval_check_needs_targets_fails_below_a_floor_and_names_bad_files(tmp_path, corpus_out):
    gold = ["--entities", str(ROOT / "tests" / "gold" / "corpus_entities.json"),
            "--facts", str(ROOT / "tests" / "gold" / "corpus_facts.json")]
    result = CliRunner().invoke(cli, ["eval", str(corpus_out), *gold, "--check"])
    assert result.exit_code == 2 and "--check needs --targets" in result.output
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"metrics": {"no such metric": {"floor": 1}}}))
    result = CliRunner().invoke(cli, ["eval", str(corpus_out), *gold, "--targets", str(bad)])
    assert result.exit_code == 2 and str(bad) in result.output and "no such metric" in result.output
    high = tmp_path / "high.json"
    high.write_text(json.dumps({"metrics": {"entity F1": {"floor": 0.999}, "speakers left unnamed": {"floor": 5, "better": "lower"}}}))
    result = CliRunner().invoke(cli, ["eval", str(corpus_out), *gold, "--targets", str(high), "--check"])
    assert result.exit_code == 1 and "below the floor: entity F1\n" in result.output
    assert "BELOW FLOOR" in result.output
    result = CliRunner().invoke(cli, ["eval", str(corpus_out), *gold, "--targets", "nosuch"])
    assert result.exit_code == 2 and "no such targets file" in result.output and "articles, dev" in result.output
    facts = tmp_path / "facts.json"
    facts.write_text(json.dumps({"articles": {"a": {"events": [{"agent": "Somebody"}]}}}))
    result = CliRunner().invoke(cli, ["eval", str(corpus_out), *gold[:2], "--facts", str(facts)])
    assert result.exit_code == 2 and str(facts) in result.output and "'type'" in result.output
