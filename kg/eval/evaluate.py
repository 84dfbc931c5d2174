"""`kg eval`: entity, statement, event and aid-package scores of a build against gold files, beside
a baseline of plain spaCy NER run on the same article texts in the same command.

The baseline maps spaCy's labels the obvious way (PERSON -> Person, ORG/NORP-free -> Organization,
GPE -> Country when the name is a known country else Place, LOC/FAC -> Place, PRODUCT -> Weapon)
and keeps every span as its own entity per article, as a tool without a gazetteer and
resolution would.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox

from kg.eval.entities import Score, names_of, score, score_predicted
from kg.eval.facts import score_aid, score_events, score_statements

TARGETS = {"entity F1": 0.9, "quote speaker accuracy": 0.9, "aid fields": 1.0}
_BODIES = """PREFIX kgo: <https://w3id.org/evkg/ontology#> PREFIX schema: <https://schema.org/>
SELECT ?key ?body WHERE { GRAPH ?g { ?a kgo:articleKey ?key ; schema:articleBody ?body } } ORDER BY ?key"""
_COUNTRY_NAMES: set[str] = set()


def baseline_entities(store: ox.Store, model: str) -> dict[str, dict[tuple[str, str], set[str]]]:
    """Plain spaCy NER over each article body of the build (no gazetteer, no resolution)."""
    import spacy

    from kg.nlp.gazetteer import Gazetteer

    countries = {n for e in Gazetteer.load().entries() if e.kind == "country" for n in e.names}
    nlp = spacy.load(model)
    result: dict[str, dict[tuple[str, str], set[str]]] = defaultdict(dict)
    rows = [(r["key"].value, r["body"].value) for r in store.query(_BODIES)]
    for (key, _), doc in zip(rows, nlp.pipe(body for _, body in rows)):
        for ent in doc.ents:
            kind = {"PERSON": "Person", "ORG": "Organization", "LOC": "Place", "FAC": "Place",
                    "PRODUCT": "Weapon"}.get(ent.label_)
            if ent.label_ == "GPE":
                kind = "Country" if ent.text in countries else "Place"
            if kind:
                result[key][(kind, ent.text)] = names_of([ent.text])
    return result


def evaluate(out_dir: Path, entities_gold: Path, facts_gold: Path, model: str) -> dict:
    from kg.dataset.query import open_store

    store = open_store(out_dir)
    entities = json.loads(entities_gold.read_text(encoding="utf-8"))["articles"]
    facts = json.loads(facts_gold.read_text(encoding="utf-8"))["articles"]
    ours = score(store, entities)
    baseline = score_predicted(baseline_entities(store, model), entities)
    statements = score_statements(store, facts)
    events = score_events(store, facts)
    aid = score_aid(store, facts)
    right, total = sum(r for r, _ in aid.values()), sum(n for _, n in aid.values())
    measured = {"entity F1": ours["all"].f1, "quote speaker accuracy": statements["quote speaker accuracy"],
                "aid fields": right / total if total else 1.0}
    return {"entities": ours, "baseline": baseline, "statements": statements, "events": events, "aid": aid,
            "targets": {name: (measured[name], goal) for name, goal in TARGETS.items()}}


def _row(name: str, s: Score, base: Score | None = None) -> str:
    cells = f"{name:28s} {s.precision:9.2f} {s.recall:6.2f} {s.f1:6.2f} {s.gold:5d}"
    return cells + (f"   {base.precision:9.2f} {base.recall:6.2f} {base.f1:6.2f}" if base else "")


def format_report(result: dict) -> str:
    lines = [f"{'category':28s} {'precision':>9s} {'recall':>6s} {'F1':>6s} {'gold':>5s}   "
             f"{'baseline P':>9s} {'R':>6s} {'F1':>6s}"]
    for bucket, s in result["entities"].items():
        lines.append(_row(f"entity {bucket}", s, result["baseline"].get(bucket, Score(0, 0, s.gold, 0))))
    for name in ("statements", "statements with speaker"):
        lines.append(_row(name, result["statements"][name]))
    for name, s in result["events"].items():
        lines.append(_row(name, s))
    lines.append("")
    lines.append("aid-package fields (right / stated in gold):")
    lines.extend(f"  {field:20s} {right} / {total}" for field, (right, total) in result["aid"].items())
    lines.append("")
    lines.append("targets:")
    for name, (value, goal) in result["targets"].items():
        lines.append(f"  {name:28s} {value:.3f}  (target >= {goal:.2f})  {'ok' if value >= goal else 'MISSED'}")
    return "\n".join(lines) + "\n"


def to_json(result: dict) -> str:
    def plain(s):
        return {"precision": s.precision, "recall": s.recall, "f1": s.f1, "gold": s.gold, "predicted": s.predicted}

    data = {
        "entities": {k: plain(v) for k, v in result["entities"].items()},
        "baseline": {k: plain(v) for k, v in result["baseline"].items()},
        "statements": {k: (plain(v) if isinstance(v, Score) else v) for k, v in result["statements"].items()},
        "events": {k: plain(v) for k, v in result["events"].items()},
        "aid": {k: {"right": r, "gold": n} for k, (r, n) in result["aid"].items()},
        "targets": {k: {"value": v, "target": t, "met": v >= t} for k, (v, t) in result["targets"].items()},
    }
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def targets_met(result: dict) -> bool:
    return all(value >= goal for value, goal in result["targets"].values())
