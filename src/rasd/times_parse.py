"""Grouping time words into expressions: the atoms the lexicon regex finds, read left to right.

`find_atoms` lists the time words of a normalised text; `parse_atoms` groups adjacent atoms into
`Parts` (the pieces of one expression: a weekday, a day, a month, a year, a clock time, a count of
units …) that `rasd.times_resolve` turns into calendar values. Two atoms belong to one expression
when only spaces, punctuation of dates (``/ ( ) - ،``) and a few glue words (من، في، الموافق) lie
between them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rasd.times_lexicon import Lexicon

_GAP = re.compile(
    r"[\s،,/()\-]*(?:(?:من|في|الموافق|بتاريخ|عند|حوالي|نحو|قرابه|قرابة|بحدود)[\s،,]+[\s،,/()\-]*)?"
)
_MAX_GAP = 16
_AND = re.compile(r"\s*و\s*")
_RANGE = re.compile(r"\s*(?:-|–|الي|الى|حتي|وحتي|حتى|وحتى|لغايه|ولغايه|لغاية|ولغاية)\s*")
_ISO_DATE = re.compile(r"\d{4}-")


@dataclass(slots=True)
class Atom:
    start: int
    """Start of the word itself (after any proclitic) in the normalised text."""
    end: int
    pre: str
    word: str
    cats: dict[str, Any]


@dataclass(slots=True)
class Parts:
    """The pieces of one time expression (normalised offsets), before resolution."""

    start: int
    end: int
    kind: str = "date"
    """``date``, ``relative`` (days from the reference), ``unit`` (a unit ± steps), ``count``
    (N units ago / after / for), ``vague``, ``clock`` (a time of day alone)."""
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    hijri: bool = False
    year_hijri: bool = False
    part: str | None = None
    clock: str | None = None
    hour: int | None = None
    minute: int | None = None
    second: int | None = None
    days: int | None = None
    unit: str | None = None
    count: int | None = None
    step: int | None = None
    role: str | None = None
    direction: str | None = None
    edge: str | None = None
    nth: int | None = None
    """The n-th ``weekday`` of the month (-1: the last), or with no weekday the last day."""
    year_step: int | None = None
    """The year relative to the reference (السنة القادمة: 1) when no year is written."""
    day_to: int | None = None
    """The last day of a day range in one month (13 الى 15 تموز)."""
    to: Parts | None = None
    """The end of a range (من 13 تموز الى 15 تموز، من الساعة 3 الى الساعة 4)."""


def find_atoms(norm: str, lexicon: Lexicon) -> list[Atom]:
    """Every time word and number of a normalised text, in order."""
    atoms = []
    for m in lexicon.pattern.finditer(norm):
        kind = m.lastgroup
        if kind == "word":
            word = m.group("word")
            cats: dict[str, Any] = {}
            for cat, entry in lexicon.lookup(word):
                cats.setdefault(cat, entry)
            atoms.append(Atom(m.start("word"), m.end(), m.group("pre"), word, cats))
        elif kind is not None:
            text = m.group(kind)
            value: Any = int(text) if kind == "num" else text
            atoms.append(Atom(m.start(kind), m.end(kind), "", text, {kind: value}))
    return atoms


class _Reader:
    """A cursor over the atoms of one text."""

    def __init__(self, norm: str, atoms: list[Atom]) -> None:
        self.norm = norm
        self.atoms = atoms

    def at(self, i: int, cat: str, prev: int | None = None) -> Any:
        """The value of category ``cat`` of atom ``i`` when it exists (and, given ``prev``, when
        it directly follows atom ``prev``), else None."""
        if i >= len(self.atoms):
            return None
        atom = self.atoms[i]
        if cat not in atom.cats:
            return None
        if prev is not None and not self.adjacent(prev, i):
            return None
        return atom.cats[cat]

    def adjacent(self, a: int, b: int) -> bool:
        first, second = self.atoms[a], self.atoms[b]
        start = second.start - len(second.pre)
        if start - first.end > _MAX_GAP or start < first.end:
            return False
        return _GAP.fullmatch(self.norm, first.end, start) is not None

    def conjoined(self, a: int, b: int) -> bool:
        """Is atom ``b`` joined to atom ``a`` by و (وربع، و18، و 18)?"""
        if b >= len(self.atoms):
            return False
        second = self.atoms[b]
        if second.pre == "و":
            return self.adjacent(a, b)
        return _AND.fullmatch(self.norm, self.atoms[a].end, second.start) is not None

    def word(self, i: int) -> str:
        return self.atoms[i].word

    def gap(self, a: int, b: int) -> str:
        return self.norm[self.atoms[a].end : self.atoms[b].start]


def parse_atoms(norm: str, atoms: list[Atom]) -> list[Parts]:
    """Group atoms into time expressions, left to right, longest first."""
    reader = _Reader(norm, atoms)
    found: list[Parts] = []
    i = 0
    while i < len(atoms):
        result = (
            _vague(reader, i)
            or _count(reader, i)
            or _clock(reader, i, Parts(0, 0, kind="clock"))
            or _holiday(reader, i)
            or _nth(reader, i)
            or _anchor(reader, i)
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
        if out and _joinable(out[-1], parts) and _RANGE.fullmatch(norm, out[-1].end, parts.start):
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

Result = tuple[int, Parts] | None


def _vague(r: _Reader, i: int) -> Result:
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


def _number(r: _Reader, i: int, prev: int | None = None) -> tuple[int, int] | None:
    """A count at atom ``i``: digits or number words (ثلاث وعشرون): (next index, value)."""
    value = r.at(i, "num", prev)
    if value is None:
        value = r.at(i, "numw", prev)
        if value is None:
            return None
        tens = r.at(i + 1, "numw", i)
        if tens is not None and tens >= 20 and r.atoms[i + 1].pre == "و" and value < 10:
            return i + 2, value + tens
    return i + 1, value


def _count(r: _Reader, i: int) -> Result:
    marker = r.at(i, "marker")
    j = i + 1 if marker is not None else i
    prev = i if marker is not None else None
    number = _number(r, j, prev)
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


def _holiday(r: _Reader, i: int) -> Result:
    """عيد الفطر، عيد الأضحى 2013، رأس السنة الهجرية 1436 هـ."""
    holiday = r.at(i, "holiday")
    if holiday is None:
        return None
    calendar, month, day = holiday
    parts = Parts(0, 0, kind="holiday", month=month, day=day, hijri=calendar == "hijri")
    parts.role = calendar
    k = _year(r, i + 1, parts, i, alone=False)
    return (k or i + 1), parts


_LAST = ("الاخير", "الاخيرة", "الاخيره")


def _nth(r: _Reader, i: int) -> Result:
    """ثالث ثلاثاء في أيلول، آخر اثنين من الشهر القادم، ثالث يوم من شهر عشرة، اليوم الأخير من…"""
    n = r.at(i, "ord")
    k = i + 1
    if n is None and r.at(i, "edge") == "end" and r.word(i) == "اخر":
        n = -1
    elif n is None and r.word(i) == "اليوم" and r.at(k, "fill", i) in _LAST:
        n, k = -1, k + 1
    if n is None or n > 5:
        return None
    parts = Parts(0, 0, nth=n)
    said_day = k < len(r.atoms) and r.word(k) == "يوم" and r.adjacent(k - 1, k)
    if said_day:
        k += 1
    weekday = r.at(k, "weekday", k - 1)
    if weekday is not None:
        parts.weekday = weekday[0]
        k += 1
    elif not said_day and r.word(i) != "اليوم":
        return None
    elif n > 0:
        parts.day, parts.nth = n, None
    m = _month(r, k, parts, k - 1, has_day=True) or _relative_month(r, k, parts)
    if m is None:
        return None
    return (_year(r, m, parts) or m), parts


def _relative_month(r: _Reader, k: int, parts: Parts) -> int | None:
    unit = r.at(k, "unit", k - 1)
    if unit is None or unit[0] != "month" or not unit[2]:
        return None
    step = r.at(k + 1, "mod", k)
    if step is None:
        return None
    parts.unit, parts.step = "month", step
    return k + 2


def _hour(r: _Reader, i: int, prev: int | None) -> tuple[int, int] | None:
    for cat in ("num", "numw", "ord"):
        value = r.at(i, cat, prev)
        if value is not None and 0 <= value <= 24:
            return i + 1, value
    return None


def _clock(r: _Reader, i: int, parts: Parts) -> Result:
    """الساعة 3، الساعة الثالثة وربع مساء، 10:30، الثالثة فجرا; fills ``parts``."""
    j = i
    word = r.at(i, "clockw")
    if word is not None and word[0] == "hour":
        time = r.at(i + 1, "clock", i)
        if time is not None:
            j = _set_clock_text(parts, time, i + 2)
        else:
            hour = _hour(r, i + 1, i)
            if hour is None:
                return None
            j = _minutes(r, hour[0], parts, hour[1])
    elif r.at(i, "clock") is not None:
        j = _set_clock_text(parts, r.at(i, "clock"), i + 1)
    elif r.at(i, "ord") is not None and r.at(i, "ord") <= 12:
        j = _minutes(r, i + 1, parts, r.at(i, "ord"))
        if not _clock_pod(r, j, parts):
            return None
        return j + 1, parts
    else:
        return None
    if _clock_pod(r, j, parts):
        j += 1
    return j, parts


def _clock_pod(r: _Reader, j: int, parts: Parts) -> bool:
    pod = r.at(j, "pod", j - 1)
    rel = r.at(j, "rel", j - 1)
    if pod is not None:
        parts.part, parts.clock = pod[0], pod[1]
        return True
    if rel is not None and rel[1] is not None:
        parts.part, parts.clock = rel[1], "night"
        return True
    return False


def _set_clock_text(parts: Parts, text: str, j: int) -> int:
    pieces = [int(p) for p in text.split(":")]
    parts.hour, parts.minute = pieces[0], pieces[1]
    parts.second = pieces[2] if len(pieces) > 2 else None
    return j


def _minutes(r: _Reader, j: int, parts: Parts, hour: int) -> int:
    """Minutes after the hour: و18 دقيقة، وربع، ونصف، وثلث، إلا ربعا."""
    parts.hour = hour
    word = r.at(j, "clockw")
    if word is not None and word[0] == "fraction" and r.conjoined(j - 1, j):
        parts.minute = word[1]
        return j + 1
    if word is not None and word[0] == "minus":
        fraction = r.at(j + 1, "clockw", j)
        if fraction is not None and fraction[0] == "fraction":
            parts.hour, parts.minute = (hour - 1) % 24, 60 - fraction[1]
            return j + 2
        return j
    if j < len(r.atoms) and r.conjoined(j - 1, j):
        number = _number(r, j)
        if number is not None and 0 <= number[1] < 60:
            parts.minute = number[1]
            unit = r.at(number[0], "unit", number[0] - 1)
            return number[0] + 1 if unit is not None and unit[0] == "minute" else number[0]
    return j


def _anchor(r: _Reader, i: int) -> Result:
    """A day or a calendar unit, with a part of day before or after and a clock time after:
    مساء الأحد 9 يناير/كانون الثاني 2022، صباح اليوم، الخميس الساعة 8، الأسبوع الماضي."""
    parts = Parts(0, 0)
    j = i
    pod = r.at(i, "pod")
    if pod is not None and pod[2]:
        parts.part, parts.clock = pod[0], pod[1]
        j += 1
    k = _day_anchor(r, j, parts, i if j > i else None)
    if k is None:
        return None
    if parts.part is None:
        pod = r.at(k, "pod", k - 1)
        if pod is not None and pod[2]:
            parts.part, parts.clock = pod[0], pod[1]
            k += 1
    if k < len(r.atoms) and r.adjacent(k - 1, k):
        clock = _clock(r, k, Parts(0, 0, kind="clock"))
        if clock is not None:
            k, time = clock
            parts.hour, parts.minute, parts.second = time.hour, time.minute, time.second
            parts.part = time.part or parts.part
            parts.clock = time.clock or parts.clock
    return k, parts


def _day_anchor(r: _Reader, j: int, parts: Parts, prev: int | None) -> int | None:
    unit = r.at(j, "unit", prev)
    if unit is not None and unit[2] and unit[1] == 1:
        step = r.at(j + 1, "mod", j)
        if step is not None:
            parts.kind, parts.unit, parts.step = "unit", unit[0], step
            return j + 2
    if r.at(j, "fill", prev) in ("هذا", "هذه"):
        unit = r.at(j + 1, "unit", j)
        if unit is not None and unit[2] and unit[1] == 1:
            parts.kind, parts.unit, parts.step = "unit", unit[0], 0
            return j + 2
    edge = r.at(j, "edge", prev)
    if edge is not None:
        return _edge(r, j, parts, edge)
    k = _weekday(r, j, parts, prev)
    if k is not None:
        if r.at(k, "fill", k - 1) in _LAST:  # الاثنين الأخير من شهر آذار
            m = _month(r, k + 1, parts, k, has_day=True) or _relative_month(r, k + 1, parts)
            if m is not None:
                parts.nth = -1
                return _year(r, m, parts) or m
        return _date(r, k, parts, k - 1) or k
    rel = r.at(j, "rel", prev)
    if rel is not None and not (r.word(j) == "اليوم" and r.at(j + 1, "ord", j)):
        parts.kind, parts.days = "relative", rel[0]
        parts.part = parts.part or rel[1]
        k = j + 1
        if r.at(k, "weekday", j) is not None:  # أمس الأحد
            parts.weekday = r.at(k, "weekday")[0]
            k += 1
        return k
    return _date(r, j, parts, prev)


def _weekday(r: _Reader, j: int, parts: Parts, prev: int | None) -> int | None:
    said_day = r.word(j) == "يوم" if j < len(r.atoms) else False
    k = j + 1 if said_day else j
    weekday = r.at(k, "weekday", j if said_day else prev)
    if weekday is None or (weekday[1] and not said_day and not _week_follows(r, k)):
        return None
    parts.weekday = weekday[0]
    k += 1
    step = r.at(k, "mod", k - 1)
    if step is not None:
        parts.step = step
        return k + 1
    fill = 1 if r.at(k, "fill", k - 1) is not None else 0
    unit = r.at(k + fill, "unit", k + fill - 1)
    if unit is not None and unit[0] == "week" and unit[2]:
        step = 0 if fill else r.at(k + fill + 1, "mod", k + fill)
        if step is not None:
            parts.unit, parts.step = "week", step
            return k + fill + (1 if fill else 2)
    return k


def _week_follows(r: _Reader, k: int) -> bool:
    """احد الاسبوع الماضي: a bare weekday name followed by "the week"."""
    unit = r.at(k + 1, "unit", k)
    return unit is not None and unit[0] == "week" and unit[2]


def _edge(r: _Reader, j: int, parts: Parts, edge: str) -> int | None:
    """أوائل آذار، منتصف الشهر، أواخر العام الماضي، نهاية 2015."""
    parts.edge = edge
    unit = r.at(j + 1, "unit", j)
    if unit is not None and unit[2] and unit[1] == 1 and unit[0] in ("month", "year"):
        step = r.at(j + 2, "mod", j + 1)
        parts.kind, parts.unit, parts.step = "unit", unit[0], step or 0
        return j + 3 if step is not None else j + 2
    return _date(r, j + 1, parts, j)


def _date(r: _Reader, j: int, parts: Parts, prev: int | None) -> int | None:
    """[day] [شهر] month [/ month] [year] [هـ], a numeric date, or a year (عام 2015، 1436 هـ)."""
    ndate = r.at(j, "ndate", prev)
    if ndate is not None:
        _set_numeric_date(parts, ndate)
        return j + 1
    k = j
    if k < len(r.atoms) and r.word(k) == "اليوم" and r.at(k + 1, "ord", k) is not None:
        k += 1
    day = r.at(k, "ord", prev if k == j else k - 1)
    if day is None:
        value = r.at(k, "num", prev if k == j else k - 1)
        day = value if value is not None and len(r.word(k)) <= 2 else None
    if day is not None:
        prev, k = k, k + 1
        last = _range_day(r, k - 1)
        if last is not None:
            parts.day_to, prev, k = last, k, k + 1
    m = _month(r, k, parts, prev, has_day=day is not None)
    if m is not None:
        k = m
        parts.day = day
        if day is None:  # يوليو 13-15، تموز 13 الى 15
            first = _range_day(r, k - 1, gap=_GAP)
            last = _range_day(r, k) if first is not None else None
            if first is not None and last is not None:
                parts.day, parts.day_to = first, last
                k += 2
        return _year(r, k, parts) or _month_step(r, k, parts) or k
    if day is not None and parts.weekday is not None and parts.edge is None:
        parts.day = day  # السبت السادس عشر: a day of the current month
        return k
    if day is not None:
        return None
    return _year(r, j, parts, prev, alone=True)


def _range_day(r: _Reader, k: int, gap: re.Pattern[str] = _RANGE) -> int | None:
    """The day number right after atom ``k`` when only ``gap`` separates them."""
    n = k + 1
    if n >= len(r.atoms) or gap.fullmatch(r.norm, r.atoms[k].end, r.atoms[n].start) is None:
        return None
    value = r.at(n, "ord")
    if value is None:
        value = r.at(n, "num")
        value = value if value is not None and len(r.word(n)) <= 2 else None
    return value if value is not None and 1 <= value <= 31 else None


def _month(r: _Reader, k: int, parts: Parts, prev: int | None, *, has_day: bool) -> int | None:
    said = False
    unit = r.at(k, "unit", prev)
    if unit is not None and unit[0] == "month" and unit[1] == 1:
        said, prev, k = True, k, k + 1
        for cat in ("num", "numw", "ord"):
            value = r.at(k, cat, prev)
            if value is not None and 1 <= value <= 12 and (cat != "ord" or unit[2]):
                parts.month = value
                return k + 1
    month = r.at(k, "month", prev) or r.at(k, "hmonth", prev)
    if month is None:
        return None
    alt = r.at(k + 1, "month", k)
    gap = r.gap(k, k + 1) if alt is not None else ""
    has_alt = alt is not None and alt[0] == month[0] and ("/" in gap or "(" in gap)
    if month[2] and not (has_day or said or has_alt or _year(r, k + 1, Parts(0, 0))):
        return None
    parts.month, parts.hijri = month[0], month[1] == "hijri"
    return k + 2 if has_alt else k + 1


def _year(
    r: _Reader, k: int, parts: Parts, prev: int | None = None, *, alone: bool = False
) -> int | None:
    """A year after a month (``2022``, ``عام 2015``) or alone (``عام 2015``, ``2002م``)."""
    first = prev if prev is not None else (k - 1 if k > 0 else None)
    unit = r.at(k, "unit", first)
    said = unit is not None and unit[0] == "year" and unit[1] == 1
    step = r.at(k + 1, "mod", k) if said and unit[2] and not alone else None
    if step is not None:  # شهر مارس السنة القادمة
        parts.year_step = step
        return k + 2
    n = k + 1 if said else k
    value = r.at(n, "num", n - 1 if said else first)
    if value is None:
        return None
    digits = len(r.word(n))
    era = r.at(n + 1, "era", n)
    if not said and era is None and (digits != 4 or alone):
        return None
    if said and not 1 <= digits <= 4:
        return None
    parts.year = value
    parts.year_hijri = era == "ه" or (parts.hijri and value < 1600)
    if parts.year_hijri and parts.month is None:
        parts.hijri = True
    return n + 2 if era is not None else n + 1


def _month_step(r: _Reader, k: int, parts: Parts) -> int | None:
    step = r.at(k, "mod", k - 1)
    if step is None:
        return None
    parts.step = step
    return k + 1


def _set_numeric_date(parts: Parts, text: str) -> None:
    pieces = [int(p) for p in re.split(r"[/.\-]", text)]
    if _ISO_DATE.match(text):
        parts.year, parts.month, parts.day = pieces
    elif len(pieces) == 3:
        parts.day, parts.month, parts.year = pieces
        if parts.year < 100:
            parts.year += 2000
    elif pieces[1] > 31:
        parts.month, parts.year = pieces
    else:
        parts.day, parts.month = pieces
