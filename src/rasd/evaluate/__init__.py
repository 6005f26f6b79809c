"""Evaluation of each extractor on gold data (``rasd eval …``).

One module per stage (``rasd.evaluate.quantities``, ``.times``, ``.ner``, ``.events``…), each with a
library function returning a `Report`. Floors pinned in ``floors/<stage>.json`` (repo root) only go
up; `check_floors` compares a report with them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class PRF:
    """Precision, recall and F1 from counts."""

    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


@dataclass(frozen=True)
class Report:
    """The metrics of one evaluation run, flat enough to pin floors on."""

    name: str
    metrics: Mapping[str, Any]
    errors: tuple[str, ...] = field(default=())
    """One line per miss or wrong value, written to the errors file."""

    def to_dict(self) -> dict[str, Any]:
        return {"eval": self.name, **self.metrics}

    def write_errors(self, path: str | Path) -> Path:
        out = Path(path)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text("\n".join(self.errors) + ("\n" if self.errors else ""), encoding="utf-8")
        return out


def flatten(metrics: Mapping[str, Any], prefix: str = "") -> dict[str, float]:
    """``{"PER": {"f1": 0.8}}`` → ``{"PER.f1": 0.8}`` (numbers only)."""
    flat: dict[str, float] = {}
    for key, value in metrics.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, name + "."))
        elif isinstance(value, int | float) and not isinstance(value, bool):
            flat[name] = float(value)
    return flat


def check_floors(report: Report, floors_file: str | Path) -> list[str]:
    """The metrics that fall below their pinned floor (empty list: all floors hold)."""
    floors = json.loads(Path(floors_file).read_text(encoding="utf-8"))
    flat = flatten(report.metrics)
    failures = []
    for key, floor in floors.get("floors", floors).items():
        value = flat.get(key)
        if value is None:
            failures.append(f"{key}: missing from the report (floor {floor})")
        elif value + 1e-9 < floor:
            failures.append(f"{key}: {value:.4f} is below the floor {floor}")
    return failures
