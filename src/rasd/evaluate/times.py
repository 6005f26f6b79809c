"""Evaluation of the times stage.

* `evaluate_duckling`: Duckling's Arabic time corpus (``{text, expected}``, reference Tuesday
  2013-02-12 04:30, future direction). A phrase is right when the widest expression found has the
  expected value at the expected grain (intervals: both ends); a negative phrase is right when
  nothing is found.
* `evaluate_timeml`: TIMEX3-tagged news (silver). Span precision/recall/F1, strict (same offsets)
  and lenient (overlap), and value accuracy on the overlapping pairs. The files carry no document
  date, so each one is resolved against its most frequent full date among the tagged values.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from rasd.document import Document, Time
from rasd.errors import InputError
from rasd.evaluate import PRF, Report
from rasd.times import TimeOptions, find_times

DUCKLING_REFERENCE = datetime(2013, 2, 12, 4, 30)
_GRAIN_LENGTH = {"year": 4, "month": 7, "day": 10, "hour": 13, "minute": 16, "second": 19}
_TIMEX = re.compile(r"<TIMEX3\b([^>]*)>(.*?)</TIMEX3>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MOD_DAY = {"start": "-01", "mid": "-15"}
# Duckling's hours for the parts of a day: [from, to) on the same day (24 = midnight after).
_PART_HOURS = {"morning": (4, 12), "afternoon": (12, 19), "evening": (18, 24), "night": (18, 24)}
_REF_VALUES = {"past": "PAST_REF", "future": "FUTURE_REF", "present": "PRESENT_REF"}


# --------------------------------------------------------------------------- Duckling


def evaluate_duckling(path: str | Path) -> Report:
    """Accuracy of values at the expected grain on Duckling's Arabic time phrases."""
    options = TimeOptions(direction="future", tense=False, anaphoric=True)
    correct = total = 0
    errors = []
    for record in _jsonl(Path(path)):
        expected = record.get("expected")
        if expected is not None and expected.get("dim") != "time":
            continue
        doc = Document(record["text"], published=DUCKLING_REFERENCE)
        times = find_times(doc, options)
        best = max(times, key=lambda t: t.end - t.start, default=None)
        ok = best is None if expected is None else best is not None and _matches(best, expected)
        total += 1
        correct += ok
        if not ok:
            got = None if best is None else f"{best.surface} → {best.value} ({best.granularity})"
            errors.append(f"{record['text']}\texpected {_describe(expected)}\tgot {got}")
    accuracy = correct / total if total else 0.0
    metrics = {"duckling": {"accuracy": round(accuracy, 4), "correct": correct, "total": total}}
    return Report("times", metrics, tuple(errors))


def _jsonl(path: Path) -> Iterator[dict[str, Any]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise InputError(f"{path}: cannot read the Duckling corpus ({err.strerror})") from err
    for number, line in enumerate(lines, 1):
        if line.strip():
            try:
                yield json.loads(line)
            except json.JSONDecodeError as err:
                raise InputError(f"{path}:{number}: not a JSON line: {err}") from err


def _describe(expected: dict[str, Any] | None) -> str:
    if expected is None:
        return "nothing"
    if expected.get("type") == "interval":
        return f"{expected.get('from')}/{expected.get('to')} ({expected['grain']})"
    return f"{expected['value']} ({expected['grain']})"


def _matches(found: Time, expected: dict[str, Any]) -> bool:
    grain = expected["grain"]
    if expected.get("type") == "interval":
        interval = _interval(found)
        if interval is None or "from" not in expected or "to" not in expected:
            return False
        start, end = interval
        return _at_grain(start, grain) == _at_grain(expected["from"], grain) and _at_grain(
            end, grain
        ) == _at_grain(expected["to"], grain)
    value = _point(found)
    return value is not None and _at_grain(value, grain) == _at_grain(expected["value"], grain)


def _point(found: Time) -> str | None:
    """The value as a point (the start of a week, the 15th for 'mid-month')."""
    value = found.value
    if value is None or value.startswith("P") or "/" in value:
        return None
    if "-W" in value:
        year, week = value.split("-W")
        return date.fromisocalendar(int(year), int(week), 1).isoformat()
    if len(value) == 7 and found.mod in _MOD_DAY:
        return value + _MOD_DAY[found.mod]
    return value


def _interval(found: Time) -> tuple[str, str] | None:
    """[start, end) of an interval value, or of a month's start/end third (أوائل/أواخر)."""
    value = found.value
    if value is None:
        return None
    if found.granularity == "part-of-day" and found.part_of_day in _PART_HOURS:
        hours = _PART_HOURS[found.part_of_day]
        day = date.fromisoformat(value[:10])
        start = datetime(day.year, day.month, day.day) + timedelta(hours=hours[0])
        end = datetime(day.year, day.month, day.day) + timedelta(hours=hours[1])
        return start.isoformat(), end.isoformat()
    if "/" in value:
        first, last = value.split("/")
        if "T" not in last:
            return first, (date.fromisoformat(last) + timedelta(days=1)).isoformat()
        step = timedelta(hours=1) if found.granularity == "hour" else timedelta(minutes=1)
        return first, (datetime.fromisoformat(last) + step).isoformat()
    if len(value) == 7 and found.mod in ("start", "end"):
        first_day = date.fromisoformat(value + "-01")
        next_month = (first_day + timedelta(days=32)).replace(day=1)
        if found.mod == "start":
            return first_day.isoformat(), first_day.replace(day=11).isoformat()
        return first_day.replace(day=21).isoformat(), next_month.isoformat()
    return None


def _at_grain(value: str, grain: str) -> str | None:
    """An ISO value cut to a grain; weeks become the Monday that starts them; None when the value
    is coarser than the grain."""
    if grain == "week":
        if len(value) < 10:
            return None
        day = date.fromisoformat(value[:10])
        return (day - timedelta(days=day.weekday())).isoformat()
    length = _GRAIN_LENGTH.get(grain, 10)
    if len(value) < min(length, 13):
        return None
    return value.ljust(length, "0")[:length] if length > 10 else value[:length]


# --------------------------------------------------------------------------- TimeML


@dataclass(frozen=True, slots=True)
class Timex:
    start: int
    end: int
    type: str
    value: str


def read_timeml(path: Path) -> tuple[str, list[Timex]]:
    """The plain text of a TimeML file and its TIMEX3 tags as offsets into that text."""
    raw = path.read_text(encoding="utf-8-sig")
    body = raw.split("<TimeML>", 1)[-1].split("</TimeML>", 1)[0]
    pieces: list[str] = []
    tags: list[Timex] = []
    length = pos = 0
    for match in _TIMEX.finditer(body):
        before = _TAG.sub("", body[pos : match.start()])
        pieces.append(before)
        length += len(before)
        inner = _TAG.sub("", match.group(2))
        attrs = dict(_ATTR.findall(match.group(1)))
        kind, value = attrs.get("type", ""), attrs.get("value", "")
        tags.append(Timex(length, length + len(inner), kind, value))
        pieces.append(inner)
        length += len(inner)
        pos = match.end()
    pieces.append(_TAG.sub("", body[pos:]))
    text = "".join(pieces)
    stripped = len(text) - len(text.lstrip("\ufeff\n"))
    shifted = [Timex(t.start - stripped, t.end - stripped, t.type, t.value) for t in tags]
    return text[stripped:], shifted


def evaluate_timeml(folder: str | Path) -> Report:
    """Span P/R/F1 (strict and lenient) and value accuracy on the TimeML news corpus."""
    files = sorted(Path(folder).glob("*.tml"))
    if not files:
        raise InputError(f"{folder}: no .tml files found; give the folder of the TimeML corpus")
    strict = Counter[str]()
    lenient = Counter[str]()
    values = Counter[str]()
    errors: list[str] = []
    for path in files:
        text, gold = read_timeml(path)
        dates = Counter(t.value for t in gold if _FULL_DATE.match(t.value))
        published = date.fromisoformat(dates.most_common(1)[0][0]) if dates else None
        found = find_times(Document(text, published=published))
        _score_file(path.name, text, gold, found, (strict, lenient, values), errors=errors)
    metrics = {
        "timeml": {
            "strict": PRF(strict["tp"], strict["fp"], strict["fn"]).to_dict(),
            "lenient": PRF(lenient["tp"], lenient["fp"], lenient["fn"]).to_dict(),
            "value_accuracy": round(values["ok"] / values["all"], 4) if values["all"] else 0.0,
            "values": values["all"],
            "files": len(files),
        }
    }
    return Report("times", metrics, tuple(errors))


def _score_file(
    name: str,
    text: str,
    gold: list[Timex],
    found: tuple[Time, ...],
    counters: tuple[Counter[str], Counter[str], Counter[str]],
    *,
    errors: list[str],
) -> None:
    strict, lenient, values = counters
    exact = {(t.start, t.end) for t in found} & {(g.start, g.end) for g in gold}
    strict["tp"] += len(exact)
    strict["fp"] += len(found) - len(exact)
    strict["fn"] += len(gold) - len(exact)
    matched: set[int] = set()
    for g in gold:
        pair = next((t for t in found if t.start < g.end and g.start < t.end), None)
        if pair is None:
            lenient["fn"] += 1
            errors.append(f"{name}\tmissed\t{text[g.start : g.end]}\t{g.value}")
            continue
        matched.add(id(pair))
        lenient["tp"] += 1
        values["all"] += 1
        mine = _timeml_value(pair)
        if mine == g.value:
            values["ok"] += 1
        else:
            errors.append(f"{name}\tvalue\t{text[g.start : g.end]}\t{g.value}\tgot {mine}")
    for t in found:
        if id(t) not in matched:
            lenient["fp"] += 1
            errors.append(f"{name}\textra\t{t.surface}\t{t.value}")


def _timeml_value(found: Time) -> str | None:
    if found.kind == "vague":
        return _REF_VALUES.get(found.direction or "")
    if found.offset == "PT0S":
        return "PRESENT_REF"
    if found.value is not None and found.granularity in ("decade", "century"):
        return found.value[: 3 if found.granularity == "decade" else 2]  # TimeML: 196, 19
    if found.value is not None and "/" in found.value:
        return found.value.split("/")[0]
    return found.value
