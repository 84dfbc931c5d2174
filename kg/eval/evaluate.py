"""`kg eval`: scores of a build against gold files, beside a baseline of plain spaCy NER run on the
same article texts in the same command, and the per-set floors and targets.

The baseline maps spaCy's labels the obvious way (PERSON -> Person, ORG -> Organization, GPE ->
Country when the name is a known country else Place, LOC/FAC -> Place, PRODUCT -> Weapon) and
keeps every span as its own entity per article, as a tool without a gazetteer and resolution would.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox

from kg.errors import InputError
from kg.eval.aid import score_aid
from kg.eval.entities import TYPES, names_of, score, score_predicted
from kg.eval.events import match_events, predicted_events, score_dates, score_event_types
from kg.eval.identity import score_identity
from kg.eval.persons import person_nodes, score_clusters
from kg.eval.statements import KINDS, score_statements
from kg.eval.targets import goals, load_targets
from kg.graph.namespaces import SPARQL_PROLOGUE, select

_BODIES = SPARQL_PROLOGUE + """
SELECT ?key ?body WHERE { GRAPH ?g { ?a kgo:articleKey ?key ; schema:articleBody ?body } } ORDER BY ?key"""
_SPACY_KINDS = {"PERSON": "Person", "ORG": "Organization", "LOC": "Place", "FAC": "Place", "PRODUCT": "Weapon"}


def baseline_entities(store: ox.Store, model: str) -> dict[str, dict[tuple[str, str], set[str]]]:
    """Plain spaCy NER over each article body of the build (no gazetteer, no resolution)."""
    import spacy

    from kg.nlp.gazetteer import Gazetteer

    countries = {n for e in Gazetteer.load().entries() if e.kind == "country" for n in e.names}
    nlp = spacy.load(model)
    result: dict[str, dict[tuple[str, str], set[str]]] = defaultdict(dict)
    rows = [(r["key"].value, r["body"].value) for r in select(store, _BODIES)]
    for (key, _), doc in zip(rows, nlp.pipe(body for _, body in rows)):
        for ent in doc.ents:
            kind = _SPACY_KINDS.get(ent.label_)
            if ent.label_ == "GPE":
                kind = "Country" if ent.text in countries else "Place"
            if kind:
                result[key][(kind, ent.text)] = names_of([ent.text])
    return result


def _read_gold(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise InputError(f"{path}: not valid JSON: {err}") from err
    if not isinstance(data, dict) or not isinstance(data.get("articles"), dict):
        raise InputError(f'{path}: a gold file needs an object "articles": {{article key: ...}}')
    return data


def evaluate(out_dir: Path, entities_gold: Path, facts_gold: Path, model: str, targets: Path | None = None) -> dict:
    """Every score, the flat metrics the targets name, and the goals when a targets file is given."""
    from kg.dataset.load import open_dataset

    wanted = load_targets(targets) if targets is not None else None  # a bad file fails before the scoring
    store = open_dataset(out_dir)
    gold_entities, gold_facts = _read_gold(entities_gold), _read_gold(facts_gold)
    try:
        result = _scores(store, gold_entities, gold_facts["articles"], model)
    except KeyError as err:
        raise InputError(f"{entities_gold} or {facts_gold}: a gold item lacks the field {err}") from err
    result["metrics"] = metrics(result)
    if wanted is not None and targets is not None:
        result["goals"] = goals(result["metrics"], wanted, targets)
    return result


def _scores(store: ox.Store, gold_entities: dict, facts: dict, model: str) -> dict:
    entities = gold_entities["articles"]
    events = predicted_events(store)
    matches = match_events(events, facts)
    result: dict[str, object] = {
        "entities": score(store, entities),
        "baseline": score_predicted(baseline_entities(store, model), entities),
        "statements": score_statements(store, facts),
        "events": score_event_types(events, facts, matches),
        "dates": score_dates(events, matches),
        "identity": score_identity(matches) if any("event_id" in m.gold for m in matches) else None,
        "aid": score_aid(store, facts),
    }
    if "same_person" in gold_entities:
        result["persons"] = score_clusters(person_nodes(store), gold_entities["same_person"],
                                           gold_entities.get("distinct_persons", []))
    return result


def metrics(result: dict) -> dict[str, float]:
    """The named numbers that floors and targets refer to (shares in [0, 1], or counts)."""
    ents, st, identity, aid = result["entities"], result["statements"], result["identity"], result["aid"]
    right, dated = result["dates"]
    values = {"entity F1": ents["all"].f1}
    values.update({f"entity {t} F1": ents[t].f1 for t in TYPES if t in ents})
    for kind in ("statements", *KINDS):
        values[f"{kind} precision"] = st[kind].precision
        values[f"{kind} found"] = st[kind].recall
        values[f"{kind} with speaker"] = st[f"{kind} with speaker"].recall
        values[f"{kind} right speaker of found"] = st[f"{kind} right speaker of found"]
    values["quote speaker accuracy"] = st["quote speaker accuracy"]
    values["speakers left unnamed"] = st["statements left unnamed"]
    values["events F1"] = result["events"]["events"].f1
    values["event dates right"] = right / dated if dated else 1.0
    if identity is not None:  # the gold gives event ids
        values["event identity precision"] = identity.pairs.precision
        values["event identity recall"] = identity.pairs.recall
        values["event identity F1"] = identity.pairs.f1
        # right same-event pairs over all gold ones, matched or not: rises as more mentions are matched
        values["event identity pairs found"] = (identity.pairs.true_positives / identity.gold_same_all
                                                if identity.gold_same_all else 1.0)
        values["different events merged"] = identity.apart_merged
    values["aid fields"] = aid.right
    if aid.identified:  # the gold gives package ids
        whole, told = aid.grouped
        values["aid packages one node"] = whole / told if told else 1.0
        values["aid packages merged"] = aid.merged
    if "persons" in result:
        values["person groups split"] = result["persons"].split
        values["person merges across groups"] = len(result["persons"].merged)
    return values


def targets_met(result: dict) -> bool:
    """No floor broken (the check CI runs); targets are reported, not enforced."""
    return all(goal.above_floor for goal in result.get("goals", []))
