"""Grouping time words into expressions, left to right, longest first.

`parse_atoms` tries the rules in order at each atom: vague words, counts of units (ago, after,
for), clock times, holidays, the n-th weekday of a month, then dates anchored on a day or a unit;
a last pass joins ranges (من 13 تموز الى 15 تموز).
"""

from __future__ import annotations

from rasd.times_atoms import MAX_GAP, RANGE, Atom, Parts, Reader, Result, read_number
from rasd.times_dates import anchor, clock, nth, year

# Categories of atoms that can be an expression on their own (the others need a neighbour).
_ALONE = frozenset(
    {"vague", "rel", "weekday", "month", "hmonth", "holiday", "ndate", "clock", "unit"}
)


def parse_atoms(norm: str, atoms: list[Atom]) -> list[Parts]:
    """Group atoms into time expressions, left to right, longest first."""
    reader = Reader(norm, atoms)
    found: list[Parts] = []
    i = 0
    last = len(atoms) - 1
    while i <= last:
        alone = atoms[i].cats.keys().isdisjoint(_ALONE)
        if alone and (i == last or atoms[i + 1].start - atoms[i].end > MAX_GAP):
            i += 1  # a number or a word that needs a neighbour, and has none
            continue
        result = (
            _vague(reader, i)
            or _count(reader, i)
            or clock(reader, i, Parts(0, 0, kind="clock"))
            or _holiday(reader, i)
            or nth(reader, i)
            or anchor(reader, i)
        )
        if result is None:
            i += 1
            continue
        j, parts = result
        parts.start = atoms[i].start
        parts.end = atoms[j - 1].end
        found.append(parts)
        i = j
    return _merge_ranges(norm, found)


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
    if r.at(k, "fill", j) is not None:
        k += 1
    step = r.at(k, "mod", k - 1)
    if step is None:
        return None
    if unit[1] == 2:  # العامين الماضيين: the two years before
        return k + 1, Parts(0, 0, kind="count", unit=unit[0], count=2, role="for", step=step)
    direction = {-1: "past", 0: "present", 1: "future"}[step]
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
    else:
        k = j
        unit = r.at(k, "unit", prev)
        if unit is None or unit[2] or unit[1] == 0 or (unit[1] == 1 and marker is None):
            return None
        count = unit[1]
    if marker is None and count == 1:
        return None
    role = marker or "for"
    return k + 1, Parts(0, 0, kind="count", unit=unit[0], count=count, role=role)


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
