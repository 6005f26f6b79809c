"""Calendar arithmetic for the times stage: safe Gregorian dates, month shifts, the n-th weekday
of a month, Easter, and Hijri (Umm al-Qura, via `hijridate`) conversions.

Every function returns None instead of raising when a date falls outside the calendar (years
1-9999, or the Umm al-Qura tables for Hijri dates).
"""

from __future__ import annotations

from datetime import date, timedelta

from hijridate import Gregorian, Hijri


def last_day(year: int, month: int) -> date | None:
    following = shift_months(date(year, month, 1), 1)
    return None if following is None else following - timedelta(days=1)


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date | None:
    if n < 0:
        last = last_day(year, month)
        return None if last is None else last - timedelta(days=(last.isoweekday() - weekday) % 7)
    first = date(year, month, 1)
    day = first + timedelta(days=(weekday - first.isoweekday()) % 7 + 7 * (n - 1))
    return day if day.month == month else None


def years(first: int, length: int) -> str | None:
    """The ISO interval of ``length`` years from ``first`` (``1960/1969``)."""
    if first < 1 or first + length - 1 > 9999:
        return None
    return f"{first:04d}/{first + length - 1:04d}"


def easter(year: int) -> date | None:
    """Western Easter Sunday (the Gregorian computus, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 19 * weekday) // 433
    month = (h + weekday - 7 * m + 90) // 25
    return safe_date(year, month, (h + weekday - 7 * m + 33 * month + 19) % 32)


def hijri_year_of_day(gregorian_year: int, month: int, day: int) -> int | None:
    """The Hijri year in which Hijri month/day falls within the given Gregorian year."""
    first = hijri_year_in(gregorian_year, month)
    for year in (first, first - 1 if first else None, first + 1 if first else None):
        found = hijri_day(year, month, day) if year is not None else None
        if found is not None and found.year == gregorian_year:
            return year
    return first


def hijri_day(year: int, month: int, day: int) -> date | None:
    try:
        return Hijri(year, month, day).to_gregorian()
    except (ValueError, OverflowError):
        return None


def hijri_span(
    year: int | None, m1: int, d1: int, year2: int | None, m2: int
) -> tuple[date | None, date | None]:
    if year is None or year2 is None:
        return None, None
    first = hijri_day(year, m1, d1)
    try:
        month = Hijri(year2, m2, 1)
        last = month.to_gregorian() + timedelta(days=month.month_length() - 1)
    except (ValueError, OverflowError):
        return first, None
    return first, last


def hijri_year_in(gregorian_year: int, month: int) -> int | None:
    try:
        start = Gregorian(gregorian_year, 1, 1).to_hijri()
    except (ValueError, OverflowError):
        return None
    return start.year if month >= start.month else start.year + 1


def hijri_year_near(reference: date | None, month: int, day: int, direction: str) -> int | None:
    """The Hijri year of month/day nearest the reference day: on or before it (``past``), on or
    after it (``future``), or in the reference's own Hijri year (``current``)."""
    if reference is None:
        return None
    try:
        today = Gregorian.fromdate(reference).to_hijri()
    except (ValueError, OverflowError):
        return None
    if direction == "current":  # شوال الجاري
        return today.year
    if direction == "past":
        return today.year - 1 if (month, day) > (today.month, today.day) else today.year
    return today.year if (month, day) >= (today.month, today.day) else today.year + 1


def year_value(year: int | None) -> str | None:
    return f"{year:04d}" if year is not None and 1 <= year <= 9999 else None


def safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except (ValueError, OverflowError):
        return None


def shift_days(day: date | None, days: int) -> date | None:
    if day is None:
        return None
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return None


def shift_months(day: date | None, months: int) -> date | None:
    if day is None:
        return None
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, 1) if 1 <= year <= 9999 else None


def partial(day: date, grain: str) -> str:
    return f"{day.year:04d}" if grain == "year" else f"{day.year:04d}-{day.month:02d}"


def iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()
