"""Rules for dates and clock times: weekdays, day-month-year in every month system, numeric and
Hijri dates, years, the n-th weekday of a month, parts of day and clock times.

Each rule reads atoms from index ``i`` of a `Reader` and returns the index after the expression
and its `Parts` (or, for the helpers, fills a `Parts` and returns the next index).
"""

from __future__ import annotations

import re

from rasd.times_atoms import GAP, ISO_DATE, RANGE, Parts, Reader, Result, read_number

_LAST = ("الاخير", "الاخيرة", "الاخيره")


def nth(r: Reader, i: int) -> Result:
    """ثالث ثلاثاء في أيلول، آخر اثنين من الشهر القادم، ثالث يوم من شهر عشرة، اليوم الأخير من…"""
    week = _week_of_month(r, i)
    if week is not None:
        return week
    n = r.at(i, "ord")
    k = i + 1
    if n is None and r.at(i, "edge") == "end" and r.word(i) == "اخر":
        n = -1
    elif n is None and r.word(i) == "اليوم" and r.at(k, "fill", i) in _LAST:
        n, k = -1, k + 1
    if n is None or n > 5:
        return None
    parts = Parts(0, 0, nth=n)
    unit = r.at(k, "unit", k - 1)
    if unit is not None and unit[0] == "week" and unit[1] == 1 and not unit[2]:
        parts.role = "week"  # أول أسبوع من أكتوبر، آخر أسبوع في سبتمبر
        return _month_and_year(r, k + 1, parts)
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
    return _month_and_year(r, k, parts)


def _month_and_year(r: Reader, k: int, parts: Parts) -> Result:
    m = _month(r, k, parts, k - 1, has_day=True) or _relative_month(r, k, parts)
    if m is None:
        return None
    return (year(r, m, parts, m - 1) or m), parts


def _week_of_month(r: Reader, i: int) -> Result:
    """الأسبوع الأول من شهر أكتوبر، الأسبوع الأخير في سبتمبر."""
    unit = r.at(i, "unit")
    if unit is None or unit[0] != "week" or unit[1] != 1 or not unit[2]:
        return None
    n = r.at(i + 1, "ord", i)
    if n is None and r.at(i + 1, "fill", i) in _LAST:
        n = -1
    if n is None or n > 5:
        return None
    return _month_and_year(r, i + 2, Parts(0, 0, nth=n, role="week"))


def _relative_month(r: Reader, k: int, parts: Parts) -> int | None:
    unit = r.at(k, "unit", k - 1)
    if unit is None or unit[0] != "month" or not unit[2]:
        return None
    step = r.at(k + 1, "mod", k)
    if step is None:
        return None
    parts.unit, parts.step = "month", step
    return k + 2


def _hour(r: Reader, i: int, prev: int | None) -> tuple[int, int] | None:
    for cat in ("num", "numw", "ord"):
        value = r.at(i, cat, prev)
        if value is not None and 0 <= value <= 24:
            return i + 1, value
    return None


def clock(r: Reader, i: int, parts: Parts) -> Result:
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
    elif r.at(i, "ord") is not None and r.at(i, "ord") <= 12 and not _after_unit(r, i):
        j = _minutes(r, i + 1, parts, r.at(i, "ord"))
        if not _clock_pod(r, j, parts):
            return None
        return j + 1, parts
    else:
        return None
    if _clock_pod(r, j, parts):
        j += 1
    return j, parts


def _after_unit(r: Reader, i: int) -> bool:
    """الساعات الأولى: an ordinal after a unit ranks the unit, it is not an hour."""
    return i > 0 and "unit" in r.atoms[i - 1].cats and r.adjacent(i - 1, i)


def _clock_pod(r: Reader, j: int, parts: Parts) -> bool:
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


def _minutes(r: Reader, j: int, parts: Parts, hour: int) -> int:
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
        number = read_number(r, j)
        if number is not None and 0 <= number[1] < 60:
            parts.minute = number[1]
            unit = r.at(number[0], "unit", number[0] - 1)
            return number[0] + 1 if unit is not None and unit[0] == "minute" else number[0]
    return j


def anchor(r: Reader, i: int) -> Result:
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
        found = clock(r, k, Parts(0, 0, kind="clock"))
        if found is not None:
            k, time = found
            parts.hour, parts.minute, parts.second = time.hour, time.minute, time.second
            parts.part = time.part or parts.part
            parts.clock = time.clock or parts.clock
    return k, parts


def _day_anchor(r: Reader, j: int, parts: Parts, prev: int | None) -> int | None:
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
                return year(r, m, parts, m - 1) or m
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


def _weekday(r: Reader, j: int, parts: Parts, prev: int | None) -> int | None:
    said_day = r.word(j) == "يوم" if j < len(r.atoms) else False
    k = j + 1 if said_day else j
    weekday = r.at(k, "weekday", j if said_day else prev)
    if weekday is None or (weekday[1] and not said_day and not _week_follows(r, k)):
        return None
    if not said_day and r.counts_two(k):
        return None  # بين الاثنين، هذين الاثنين: "the two", not Monday
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


def _week_follows(r: Reader, k: int) -> bool:
    """احد الاسبوع الماضي: a bare weekday name followed by "the week"."""
    unit = r.at(k + 1, "unit", k)
    return unit is not None and unit[0] == "week" and unit[2]


def _edge(r: Reader, j: int, parts: Parts, edge: str) -> int | None:
    """أوائل آذار، منتصف الشهر، أواخر العام الماضي، نهاية 2015."""
    parts.edge = edge
    unit = r.at(j + 1, "unit", j)
    if unit is not None and year(r, j + 1, Parts(0, 0), j) is not None:
        unit = None  # نهاية العام 2014: a written year
    if r.word(j) in ("نصف", "نص"):
        unit = None  # نصف السنة is half a year; نصف شهر مارس the middle of March
    if unit is not None and unit[2] and unit[1] == 1 and unit[0] in ("week", "month", "year"):
        step = r.at(j + 2, "mod", j + 1)
        parts.kind, parts.unit, parts.step = "unit", unit[0], step or 0
        return j + 3 if step is not None else j + 2
    return _date(r, j + 1, parts, j)


def _date(r: Reader, j: int, parts: Parts, prev: int | None) -> int | None:
    """[day] [شهر] month [/ month] [year] [هـ], a numeric date, or a year (عام 2015، 1436 هـ)."""
    ndate = r.at(j, "ndate", prev)
    if ndate is not None:
        _set_numeric_date(parts, ndate)
        era = r.at(j + 1, "era", j)
        if era == "ه" or (era is None and parts.year is not None and 1300 <= parts.year < 1600):
            parts.hijri = parts.year_hijri = True  # 23/ 9/ 1436هـ
        return j + 2 if era is not None else j + 1
    k = j
    if k < len(r.atoms) and r.word(k) == "اليوم" and r.at(k + 1, "ord", k) is not None:
        k += 1
    day = r.at(k, "ord", prev if k == j else k - 1)
    if day is None:
        value = r.at(k, "num", prev if k == j else k - 1)
        day = value if value is not None and len(r.word(k)) <= 2 else None
    last = None
    if day is not None:
        prev, k = k, k + 1
        last = _range_day(r, k - 1)
        if last is not None:
            prev, k = k, k + 1
    if day is not None and not r.tight(k - 1, k):
        return None  # و6 في رمضان: a number, then a month after في, is not a date
    m = _month(r, k, parts, prev, has_day=day is not None)
    if m is not None:
        k = m
        parts.day, parts.day_to = day, last
        if day is None:  # يوليو 13-15، تموز 13 الى 15
            first = _range_day(r, k - 1, gap=GAP)
            last = _range_day(r, k) if first is not None else None
            if first is not None and last is not None:
                parts.day, parts.day_to = first, last
                k += 2
        return year(r, k, parts, k - 1) or _month_step(r, k, parts) or k
    said = day is not None and r.at(k - 1, "ord") is not None
    if said and parts.weekday is not None and parts.edge is None:
        parts.day = day  # السبت السادس عشر: a day of the current month
        return k
    if day is not None:
        return None
    return year(r, j, parts, prev, alone=True)


def _range_day(r: Reader, k: int, gap: re.Pattern[str] = RANGE) -> int | None:
    """The day number right after atom ``k`` when only ``gap`` separates them."""
    n = k + 1
    if n >= len(r.atoms) or gap.fullmatch(r.norm, r.atoms[k].end, r.atoms[n].start) is None:
        return None
    value = r.at(n, "ord")
    if value is None:
        value = r.at(n, "num")
        value = value if value is not None and len(r.word(n)) <= 2 else None
    return value if value is not None and 1 <= value <= 31 else None


def _month(r: Reader, k: int, parts: Parts, prev: int | None, *, has_day: bool) -> int | None:
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
    has_alt = alt is not None and alt[0] == month[0] and "\n" not in gap
    if month[2] and not (
        has_day
        or said
        or has_alt
        or year(r, k + 1, Parts(0, 0), k)
        or r.at(k + 1, "mod", k) is not None
        or (prev is not None and r.at(prev, "edge") is not None)
        or r.month_context(k)
    ):
        return None  # مارس الضغط، الرئيس رمضان قاديروف: a verb or a name, not a month
    parts.month, parts.hijri = month[0], month[1] == "hijri"
    return k + 2 if has_alt else k + 1


def year(r: Reader, k: int, parts: Parts, prev: int | None, *, alone: bool = False) -> int | None:
    """A year after atom ``prev`` (a month: ``2022``, ``عام 2015``), or alone (``عام 2015``,
    ``2002م``) when ``prev`` is None."""
    first = prev
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
        after_edge = prev is not None and r.at(prev, "edge") is not None  # مطلع 2015
        if not (alone and digits == 4 and (after_edge or r.bare_year(n))):
            return None
    if said and not 1 <= digits <= 4:
        return None
    parts.year = value
    parts.year_hijri = era == "ه" or (parts.hijri and value < 1600)
    if parts.year_hijri and parts.month is None:
        parts.hijri = True
    return n + 2 if era is not None else n + 1


def _month_step(r: Reader, k: int, parts: Parts) -> int | None:
    step = r.at(k, "mod", k - 1)
    if step is None:
        return None
    parts.step = step
    return k + 1


def _set_numeric_date(parts: Parts, text: str) -> None:
    pieces = [int(p) for p in re.split(r"[/.\-]", text)]
    if ISO_DATE.match(text):
        parts.year, parts.month, parts.day = pieces
    elif len(pieces) == 3:
        parts.day, parts.month, parts.year = pieces
        if parts.year < 100:
            parts.year += 2000
    elif pieces[1] > 31:
        parts.month, parts.year = pieces
    else:
        parts.day, parts.month = pieces
