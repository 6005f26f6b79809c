"""Grouping time words into expressions, left to right, longest first.

`parse_atoms` tries the rules in order at each atom: vague words, counts of units (ago, after,
for), clock times, holidays, the n-th weekday of a month, then dates anchored on a day or a unit;
a last pass joins ranges (من 13 تموز الى 15 تموز).
"""

from __future__ import annotations

import re

from rasd.times_atoms import MAX_GAP, RANGE, Atom, Parts, Reader, Result, read_number
from rasd.times_dates import anchor, clock, nth, year

# A plural unit followed by what it belongs to (أيام العيد، أيام شهر رمضان) is not a count.
_CONSTRUCT = re.compile(r"\s+(?:ال|عيد|شهر)")

# Categories of atoms that can be an expression on their own (the others need a neighbour).
_ALONE = frozenset(
    {"vague", "rel", "weekday", "month", "hmonth", "holiday", "ndate", "clock", "unit", "decade"}
)


def parse_atoms(norm: str, atoms: list[Atom]) -> list[Parts]:
    """Group atoms into time expressions, left to right, longest first."""
    reader = Reader(norm, atoms)
    found: list[Parts] = []
    i = 0
    last = len(atoms) - 1
    while i <= last:
        lonely = atoms[i].cats.keys().isdisjoint(_ALONE) and not reader.bare_year(i)
        if lonely and (i == last or atoms[i + 1].start - atoms[i].end > MAX_GAP):
            i += 1  # a number or a word that needs a neighbour, and has none
            continue
        result = (
            _vague(reader, i)
            or _count(reader, i)
            or clock(reader, i, Parts(0, 0, kind="clock"))
            or _holiday(reader, i)
            or _decade(reader, i)
            or nth(reader, i)
            or anchor(reader, i)
        )
        if result is None:
            i += 1
            continue
        j, parts = result
        if parts.kind == "clock":
            j, parts = _clock_day(reader, j, parts)
        parts.start = atoms[i].start
        parts.end = atoms[j - 1].end
        parts.anaphoric = any("anaphor" in atom.cats for atom in atoms[i:j])
        found.append(parts)
        i = j
    return _merge_ranges(norm, found)


def _clock_day(r: Reader, j: int, time: Parts) -> tuple[int, Parts]:
    """A clock time followed by its day: الثامنة من مساء أمس، الساعة 3 يوم الخميس."""
    if j >= len(r.atoms) or not r.adjacent(j - 1, j):
        return j, time
    found = anchor(r, j)
    if found is None or found[1].kind not in ("date", "relative") or found[1].hour is not None:
        return j, time
    k, day = found
    day.hour, day.minute, day.second = time.hour, time.minute, time.second
    day.part, day.clock = time.part or day.part, time.clock or day.clock
    return k, day


def _merge_ranges(norm: str, found: list[Parts]) -> list[Parts]:
    """Join two dates or two clock times with الى/حتى/- between them into one range."""
    out: list[Parts] = []
    for parts in found:
        if out and _joinable(out[-1], parts) and RANGE.fullmatch(norm, out[-1].end, parts.start):
            first = out[-1]
            first.to, first.end = parts, parts.end
            if first.clock is None:
                first.clock, first.part = parts.clock, first.part or parts.part
            continue
        out.append(parts)
    return out


def _joinable(first: Parts, second: Parts) -> bool:
    if first.to is not None or first.kind not in ("date", "clock"):
        return False
    if second.kind == "clock":
        return first.hour is not None
    return second.kind == "date" and second.day is not None and first.day is not None


# --------------------------------------------------------------------------- rules


def _vague(r: Reader, i: int) -> Result:
    vague = r.at(i, "vague")
    if vague is not None:
        return i + 1, Parts(0, 0, kind="vague", direction=vague[0], unit=vague[1])
    j = i + 1 if r.at(i, "marker") == "for" else i
    unit = r.at(j, "unit", j - 1 if j > i else None)
    if unit is None or not unit[2] or unit[1] == 1:
        return None
    k = j + 1
    number = read_number(r, k, j) if unit[1] == 0 else None  # الأيام الثلاثة، الساعات الـ24
    count = unit[1]
    if number is not None and number[1] > 0:
        k, count = number
    if r.at(k, "fill", k - 1) is not None:
        k += 1
    step = r.at(k, "mod", k - 1)
    if step is None:
        return None
    if count:  # العامين الماضيين، الساعات الـ24 الماضية: a span reaching back (or forward)
        return k + 1, Parts(0, 0, kind="count", unit=unit[0], count=count, role="for", step=step)
    direction = {-1: "past", 0: "present", 1: "future"}.get(step, "past" if step < 0 else "future")
    return k + 1, Parts(0, 0, kind="vague", direction=direction, unit=unit[0])


def _count(r: Reader, i: int) -> Result:
    marker = r.at(i, "marker")
    j = i + 1 if marker is not None else i
    prev = i if marker is not None else None
    number = read_number(r, j, prev)
    if number is not None:
        k, count = number
        unit = r.at(k, "unit", k - 1)
        if unit is None or unit[2] or unit[1] == 2 or not 0 < count <= 1000:
            return None
        if r.gap(k - 1, k).strip():
            return None  # حتى 30 من شهر شوال: a day of a month, not thirty months
        if unit[0] == "year" and year(r, k, Parts(0, 0), None, alone=True):
            return None  # رقم 2 لسنة 2015: a law's number, then a year
    else:
        k = j
        unit = r.at(k, "unit", prev)
        if unit is not None and unit[1] == 0 and not unit[2] and marker is not None:
            if _CONSTRUCT.match(r.norm, r.atoms[k].end):
                return None  # خلال أيام العيد، خلال أيام شهر رمضان: the days of something
            # قبل أيام، منذ سنوات، بعد أسابيع، خلال أيام: a few units back or ahead; طوال
            # أشهر: for months (a duration of unknown length)
            if marker == "for" and r.word(i) not in ("خلال", "غضون", "في غضون"):
                return k + 1, Parts(0, 0, kind="count", unit=unit[0], count=0, role="for")
            direction = "past" if marker in ("ago", "since") else "future"
            return k + 1, Parts(0, 0, kind="vague", direction=direction, unit=unit[0])
        if unit is None or unit[2] or unit[1] == 0 or (unit[1] == 1 and marker is None):
            return None
        if unit[0] == "year" and year(r, k, Parts(0, 0), prev, alone=True):
            return None  # خلال عام 2003: a year, not a duration
        if any(r.at(k + 1, cat, k) is not None for cat in ("month", "hmonth", "weekday")):
            return None  # خلال شهر رمضان: a month name follows
        count = unit[1]
        if unit[0] == "decade" and marker is None:
            return None  # عقدين: also "two contracts"
    if marker is None and count == 1:
        return None
    role = marker or "for"
    return k + 1, Parts(0, 0, kind="count", unit=unit[0], count=count, role=role)


def _decade(r: Reader, i: int) -> Result:
    """الستينيات، القرن العشرين، القرن التاسع عشر (the century by its ordinal)."""
    tens = r.at(i, "decade")
    if tens is not None:
        return i + 1, Parts(0, 0, kind="decade", count=tens)
    unit = r.at(i, "unit")
    number = r.at(i + 1, "ord", i)
    if unit is not None and unit[0] == "century" and unit[2] and number is not None:
        return i + 2, Parts(0, 0, kind="century", count=number)
    return None


def _holiday(r: Reader, i: int) -> Result:
    """عيد الفطر، عيد الأضحى 2013، رأس السنة الهجرية 1436 هـ."""
    holiday = r.at(i, "holiday")
    if holiday is None:
        return None
    calendar, month, day = holiday
    parts = Parts(0, 0, kind="holiday", month=month, day=day, hijri=calendar == "hijri")
    parts.role = calendar
    k = year(r, i + 1, parts, i, alone=False)
    return (k or i + 1), parts
