"""Evaluate the quantities stage on Duckling's Arabic corpora (``../shared/data/duckling-ar``).

Each record is a short phrase with one expected value. A phrase counts as right when the widest
quantity found in it has the expected kind, value and unit (measures compared in the base unit,
so ``0.5 كغ`` = 500 g). Duckling's generic units map to ISO codes: ``Dollar`` → USD, ``Cent`` →
USD/100, ``Pound`` → EGP or GBP. Intervals map to qualifiers: ``from``+``to`` → ``range``, ``to``
alone → ``less_than``/``at_most``, ``from`` alone → ``more_than``/``at_least``. Negative records
(``expected: null``) are right when nothing of that dimension is found.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from rasd.document import Quantity
from rasd.errors import InputError
from rasd.evaluate import Report
from rasd.quantities import find_quantities
from rasd.quantities_words import LEXICON

DIMENSIONS = {
    "number": "number.jsonl",
    "number-eg": "number-eg.jsonl",
    "ordinal": "ordinal.jsonl",
    "amount-of-money": "amount-of-money.jsonl",
    "quantity": "quantity.jsonl",
    "volume": "volume.jsonl",
}
_KIND = {
    "number": "cardinal",
    "number-eg": "cardinal",
    "ordinal": "ordinal",
    "amount-of-money": "money",
    "quantity": "measure",
    "volume": "measure",
}
_MONEY = {"Dollar": ("USD",), "Cent": ("USD",), "Pound": ("EGP", "GBP")}
_MEASURE = {
    "Gram": "g",
    "Ounce": "oz",
    "Cup": "cup",
    "Litre": "l",
    "Millilitre": "ml",
    "Gallon": "gal",
    "Hectolitre": "hl",
}
_LOWER = ("less_than", "at_most")
_UPPER = ("more_than", "at_least")


def evaluate_duckling(folder: str | Path, dims: Sequence[str] = tuple(DIMENSIONS)) -> Report:
    """Accuracy per Duckling dimension; every miss is one line of ``Report.errors``."""
    base = Path(folder)
    if not base.is_dir():
        raise InputError(f"{base}: not a folder; pass the duckling-ar folder of ../shared/data")
    metrics: dict[str, Any] = {}
    errors: list[str] = []
    for dim in dims:
        records = _read(base / DIMENSIONS[dim])
        correct = 0
        for record in records:
            found = [q for q in find_quantities(record["text"]) if q.kind == _KIND[dim]]
            ok = _matches(found, record.get("expected"))
            correct += ok
            if not ok:
                errors.append(_miss(dim, record, found))
        total = len(records)
        metrics[dim] = {
            "accuracy": round(correct / total, 4) if total else 0.0,
            "correct": correct,
            "total": total,
        }
    return Report("quantities", metrics, tuple(errors))


def _read(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        raise InputError(f"{path}: missing; is this the duckling-ar folder of ../shared/data?")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"{path}: not a readable UTF-8 JSONL file ({err})") from err
    rows = []
    for number, line in enumerate(lines, 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as err:
                raise InputError(f"{path}:{number}: not valid JSON ({err})") from err
    return rows


def _matches(found: list[Quantity], expected: Mapping[str, Any] | None) -> bool:
    if expected is None:
        return not found
    if not found:
        return False
    best = max(found, key=lambda q: q.end - q.start)
    if expected.get("type") == "interval":
        return _interval(best, expected)
    value = float(expected["value"])
    return _close(_in_expected_unit(best, expected), value) and _unit_ok(best, expected)


def _interval(q: Quantity, expected: Mapping[str, Any]) -> bool:
    low, high = expected.get("from"), expected.get("to")
    if not _unit_ok(q, expected):
        return False
    if low is not None and high is not None:
        return q.qualifier == "range" and _close(q.value, low) and _close(q.value_max, high)
    if high is not None:
        return q.qualifier in _LOWER and _close(_in_expected_unit(q, expected), high)
    return q.qualifier in _UPPER and _close(_in_expected_unit(q, expected), low)


def _in_expected_unit(q: Quantity, expected: Mapping[str, Any]) -> float:
    unit = expected.get("unit")
    if unit == "Cent":
        return q.value * 100
    if unit in _MEASURE and q.unit is not None:
        return q.value * _factor(q.unit) / _factor(_MEASURE[unit])
    return q.value


def _unit_ok(q: Quantity, expected: Mapping[str, Any]) -> bool:
    unit = expected.get("unit")
    if unit is None:
        return True
    if unit in _MEASURE:
        return q.unit is not None and _dimension(q.unit) == _dimension(_MEASURE[unit])
    return q.unit in _MONEY.get(unit, (unit,))


def _factor(symbol: str) -> float:
    return next(u.factor for u in LEXICON.units.values() if u.unit == symbol)


def _dimension(symbol: str) -> str:
    return next(u.dimension for u in LEXICON.units.values() if u.unit == symbol)


def _close(got: float | None, want: float | None) -> bool:
    if got is None or want is None:
        return False
    return math.isclose(got, float(want), rel_tol=1e-6, abs_tol=1e-9)


def _miss(dim: str, record: Mapping[str, Any], found: list[Quantity]) -> str:
    got = [
        {
            k: v
            for k, v in (
                ("surface", q.surface),
                ("value", q.value),
                ("unit", q.unit),
                ("qualifier", q.qualifier),
                ("value_max", q.value_max),
            )
            if v is not None
        }
        for q in found
    ]
    expected = json.dumps(record.get("expected"), ensure_ascii=False)
    return (
        f"{dim}\t{record['text']}\texpected {expected}\tgot {json.dumps(got, ensure_ascii=False)}"
    )
