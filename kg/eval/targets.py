"""Per-set goals of `kg eval`, kept as data: kg/eval/targets/<set>.json (or any file of that form).

    {"set": "dev", "description": "...",
     "metrics": {"entity F1": {"floor": 0.8, "target": 0.9},
                 "speakers left unnamed": {"better": "lower", "floor": 14, "target": 0}}}

`floor` is the regression guard that `kg eval --check` (and CI) enforces: today's score less a
small margin (for a "lower" metric, a count, it is a ceiling). `target` is the goal the issues
set; a missed target is printed, it does not fail the check.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from kg.errors import InputError

PACKAGED = Path(__file__).resolve().parent / "targets"


@dataclass(frozen=True)
class Goal:
    metric: str
    value: float
    floor: float | None
    target: float | None
    lower_is_better: bool = False

    def _meets(self, bound: float | None) -> bool:
        if bound is None:
            return True
        return self.value <= bound if self.lower_is_better else self.value >= bound - 1e-9

    @property
    def above_floor(self) -> bool:
        return self._meets(self.floor)

    @property
    def target_met(self) -> bool:
        return self._meets(self.target)


def targets_path(name_or_file: str) -> Path:
    """A packaged set name ("dev", "articles") or a path to a targets file."""
    packaged = PACKAGED / f"{name_or_file}.json"
    return packaged if "/" not in name_or_file and packaged.is_file() else Path(name_or_file)


def load_targets(path: Path) -> dict[str, dict]:
    """metric -> {"floor", "target", "better"}; InputError naming the file when it is malformed."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        sets = ", ".join(sorted(p.stem for p in PACKAGED.glob("*.json")))
        raise InputError(f"{path}: no such targets file (the packaged sets are: {sets})") from err
    except (OSError, json.JSONDecodeError) as err:
        raise InputError(f"{path}: cannot read the targets file: {err}") from err
    metrics = data.get("metrics") if isinstance(data, dict) else None
    if not isinstance(metrics, dict):
        raise InputError(f'{path}: a targets file needs an object "metrics": {{name: {{"floor": x, "target": y}}}}')
    for name, spec in metrics.items():
        if not isinstance(spec, dict) or not set(spec) <= {"floor", "target", "better"} or spec.get(
                "better", "higher") not in ("higher", "lower") or not all(
                isinstance(spec.get(k, 0), (int, float)) for k in ("floor", "target")):
            raise InputError(f'{path}: metric "{name}": expected {{"floor": number, "target": number, '
                             f'"better": "higher"|"lower"}}, got {spec!r}')
    return metrics


def goals(metrics: dict[str, float], targets: dict[str, dict], source: Path) -> list[Goal]:
    """The measured value of every metric the targets file names, beside its floor and target."""
    unknown = sorted(set(targets) - set(metrics))
    if unknown:
        raise InputError(f"{source}: unknown metric(s) {', '.join(map(repr, unknown))}; "
                         f"`kg eval` measures: {', '.join(sorted(metrics))}")
    return [Goal(name, metrics[name], spec.get("floor"), spec.get("target"), spec.get("better") == "lower")
            for name, spec in targets.items()]
