"""The table and JSON forms of `kg eval`'s result."""

from __future__ import annotations

import json

from kg.eval.entities import Score
from kg.eval.events import OTHER
from kg.eval.statements import KINDS
from kg.eval.targets import Goal

_HEADER = f"{'category':32s} {'precision':>9s} {'recall':>6s} {'F1':>6s} {'gold':>5s}"


def _row(name: str, s: Score, base: Score | None = None) -> str:
    cells = f"{name:32s} {s.precision:9.2f} {s.recall:6.2f} {s.f1:6.2f} {s.gold:5d}"
    return cells + (f"   {base.precision:9.2f} {base.recall:6.2f} {base.f1:6.2f}" if base else "")


def _number(value: float) -> str:
    return f"{value:d}" if isinstance(value, int) else f"{value:.3f}"


def _statement_lines(st: dict) -> list[str]:
    lines = []
    for kind in (*KINDS, "statements"):
        lines += [_row(kind, st[kind]), _row(f"{kind} with speaker", st[f"{kind} with speaker"])]
    lines.append("right speaker of those found: " + ", ".join(
        f"{kind} {st[f'{kind} right speaker of found']:.3f}" for kind in KINDS)
        + f"; quote speaker accuracy {st['quote speaker accuracy']:.3f}")
    lines.append(f"speakers left unnamed although the gold names them: {st['statements left unnamed']}")
    return lines


def _event_lines(result: dict) -> list[str]:
    rows = result["events"]
    lines = [_row(name, s) for name, s in rows.items() if not name.startswith(f"event {OTHER}") and name != "events"]
    lines.append(_row("events", rows["events"]))
    other = [_row(name, s) for name, s in rows.items() if name.startswith(f"event {OTHER}")]
    if other:
        lines += ["types kg does not have (gold \"Other: <type>\"), counted in \"events\" above:", *other]
    right, dated = result["dates"]
    lines.append(f"event dates right: {right} / {dated} matched gold events with a date"
                 + (f" = {right / dated:.3f}" if dated else ""))
    identity = result["identity"]
    if identity is None:
        return lines
    pairs = identity.pairs
    lines += [
        f"event identity over the {identity.matched} of {identity.mentions} gold mentions matched: "
        f"pairwise precision {pairs.precision:.3f}, recall {pairs.recall:.3f}, F1 {pairs.f1:.3f}",
        f"  same-event pairs: {pairs.true_positives} right, {pairs.predicted} predicted, {pairs.gold} in the gold "
        f"among matched mentions ({identity.gold_same_all} among all)",
        f"  different events of one type and place on different dates merged: "
        f"{identity.apart_merged} of {identity.apart_pairs} pairs",
    ]
    return lines


def _person_lines(clusters) -> list[str]:
    missing = sum(not nodes for nodes in clusters.groups.values())
    lines = [f"person clusters: {len(clusters.groups)} same_person groups, {clusters.whole} on one node, "
             f"{clusters.split} split, {missing} with no person node; "
             f"{len(clusters.merged)} node(s) merging two groups or a distinct pair"]
    lines += [f"  split: {label} -> {len(nodes)} nodes" for label, nodes in clusters.groups.items() if len(nodes) > 1]
    lines += [f"  merged: {iri}" for iri in clusters.merged]
    return lines


def _aid_lines(aid) -> list[str]:
    lines = ["aid-package fields (right / stated in gold):"]
    lines += [f"  {field:20s} {right} / {total}" for field, (right, total) in aid.fields.items()]
    whole, told = aid.grouped
    if aid.identified:
        lines.append(f"packages told by two or more descriptions that are one grant node: {whole} / {told}; "
                     f"pairs of different packages on one node: {aid.merged}")
    return lines


def _goal_lines(goals: list[Goal]) -> list[str]:
    lines = ["goals (--check fails below a floor; a target is the goal to reach):",
             f"  {'metric':40s} {'value':>7s} {'floor':>8s} {'target':>8s}"]
    for g in goals:
        def bound(b: float | None) -> str:
            return "" if b is None else ("<=" if g.lower_is_better else "") + _number(b)

        status = "BELOW FLOOR" if not g.above_floor else ("ok" if g.target is None else
                                                           "target met" if g.target_met else "target missed")
        lines.append(f"  {g.metric:40s} {_number(g.value):>7s} {bound(g.floor):>8s} {bound(g.target):>8s}  {status}")
    return lines


def format_report(result: dict) -> str:
    lines = [f"{_HEADER}   {'baseline P':>9s} {'R':>6s} {'F1':>6s}"]
    for bucket, s in result["entities"].items():
        lines.append(_row(f"entity {bucket}", s, result["baseline"].get(bucket, Score(0, 0, s.gold, 0))))
    lines += ["", _HEADER, *_statement_lines(result["statements"])]
    lines += ["", _HEADER, *_event_lines(result)]
    if "persons" in result:
        lines += ["", *_person_lines(result["persons"])]
    lines += ["", *_aid_lines(result["aid"])]
    if result.get("goals"):
        lines += ["", *_goal_lines(result["goals"])]
    return "\n".join(lines) + "\n"


def _plain(s: Score) -> dict:
    return {"precision": s.precision, "recall": s.recall, "f1": s.f1, "gold": s.gold, "predicted": s.predicted}


def to_json(result: dict) -> str:
    identity, aid = result["identity"], result["aid"]
    data = {
        "entities": {k: _plain(v) for k, v in result["entities"].items()},
        "baseline": {k: _plain(v) for k, v in result["baseline"].items()},
        "statements": {k: (_plain(v) if isinstance(v, Score) else v) for k, v in result["statements"].items()},
        "events": {k: _plain(v) for k, v in result["events"].items()},
        "event dates": {"right": result["dates"][0], "dated": result["dates"][1]},
        "event identity": identity and {**_plain(identity.pairs), "matched": identity.matched,
                                        "mentions": identity.mentions, "apart merged": identity.apart_merged,
                                        "apart pairs": identity.apart_pairs},
        "aid": {k: {"right": r, "gold": n} for k, (r, n) in aid.fields.items()},
        "aid packages": {"one node": aid.grouped[0], "told twice": aid.grouped[1], "merged": aid.merged},
        "metrics": result["metrics"],
        "goals": {g.metric: {"value": g.value, "floor": g.floor, "target": g.target,
                             "better": "lower" if g.lower_is_better else "higher",
                             "above floor": g.above_floor, "target met": g.target_met}
                  for g in result.get("goals", [])},
    }
    if "persons" in result:
        clusters = result["persons"]
        data["person clusters"] = {"groups": {k: list(v) for k, v in clusters.groups.items()},
                                   "split": clusters.split, "merged": list(clusters.merged)}
    return json.dumps(data, indent=2, sort_keys=True) + "\n"
