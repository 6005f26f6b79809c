"""Calendar values of parsed time expressions, resolved against a reference (publication) date.

Partial dates stay partial (``2022-01``), weeks are ISO weeks (``2022-W01``), durations ISO 8601
durations (``P1W``), Hijri dates are converted with the Umm al-Qura calendar (`hijridate`) and
Hijri months or years become Gregorian intervals (``2015-06-18/2015-07-16``). An impossible date
(31 فبراير، year 0) resolves to ``value=None, valid=False``, never to a wrong valid date.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from rasd.times_atoms import Parts
from rasd.times_calendar import (
    easter,
    hijri_day,
    hijri_span,
    hijri_year_in,
    hijri_year_near,
    hijri_year_of_day,
    iso,
    last_day,
    nth_weekday,
    partial,
    safe_date,
    shift_days,
    shift_months,
    year_value,
    years,
)

_UNIT_CODE = {"day": "D", "week": "W", "month": "M", "year": "Y"}
_TIME_CODE = {"hour": "H", "minute": "M", "second": "S"}
_YEARS = {"decade": 10, "century": 100}


@dataclass(frozen=True, slots=True)
class Reference:
    """What relative expressions resolve against."""

    day: date | None
    moment: datetime | None
    direction: str
    """``past`` (news convention) or ``future`` (Duckling's)."""
    anaphoric: bool = False
    """Resolve التالي/السابق against the reference too (Duckling) instead of leaving them open."""


def resolve(parts: Parts, ref: Reference) -> dict[str, Any]:
    """The `rasd.document.Time` fields (other than the span) of one expression. A value that
    falls outside the calendar (years 1-9999) is left out and flagged invalid."""
    try:
        fields = _resolve(parts, ref)
        if parts.anaphoric and not ref.anaphoric and fields.get("value"):
            fields = {**fields, "value": None}  # في اليوم التالي: the day after the events told
        return fields
    except (OverflowError, ValueError):
        kind = {"count": "duration", "vague": "vague", "date": "absolute"}.get(parts.kind)
        return {"kind": kind or "relative", "granularity": parts.unit or "day", "valid": False}


def _resolve(parts: Parts, ref: Reference) -> dict[str, Any]:
    if parts.year_step is not None and parts.year is None and ref.day is not None:
        parts = replace(parts, year=ref.day.year + parts.year_step)
    if parts.to is not None:
        return _range(parts, ref)
    if parts.kind == "vague" and parts.direction == "now":
        value = ref.moment.isoformat(timespec="seconds") if ref.moment else iso(ref.day)
        grain = "second" if ref.moment else "day"
        return {"kind": "relative", "granularity": grain, "value": value, "offset": "PT0S"}
    if parts.kind == "vague":
        return {"kind": "vague", "granularity": parts.unit or "day", "direction": parts.direction}
    if parts.kind == "count":
        return _count(parts, ref)
    if parts.kind == "relative":
        return _relative_days(parts, ref)
    if parts.kind == "unit":
        return _unit(parts, ref)
    if parts.kind in ("decade", "century"):
        return _decade(parts, ref)
    if parts.kind == "holiday":
        return _holiday(parts, ref)
    if parts.kind == "clock":
        return _with_clock(parts, ref, ref.day, {"kind": "relative", "granularity": "day"})
    return _date(parts, ref)


def _step_direction(step: int | None) -> str | None:
    """الماضي (-1), قبل الماضي (-2) … point back; المقبل, بعد المقبل … forward."""
    if not step:
        return None
    return "past" if step < 0 else "future"


def _range(parts: Parts, ref: Reference) -> dict[str, Any]:
    end = parts.to or parts
    if end.kind == "clock" and parts.kind == "date":
        keep = ("clock", "part", "hour", "minute", "second", "kind")
        end = replace(parts, to=None, **{name: getattr(end, name) for name in keep})
        end.kind = "date"
    if end.month is None and end.kind == "date":
        end = replace(end, month=parts.month, year=parts.year)
    first = _resolve(replace(parts, to=None), ref)
    last = _resolve(end, ref)
    if first.get("value") and last.get("value"):
        first["value"] = f"{first['value']}/{last['value']}"
    return first


def duration(unit: str, count: int) -> str:
    """ISO 8601 duration of ``count`` units (``P3D``, ``PT2H``, ``P20Y`` for two decades)."""
    if unit in _TIME_CODE:
        return f"PT{count}{_TIME_CODE[unit]}"
    if unit in _YEARS:
        return f"P{count * _YEARS[unit]}Y"
    return f"P{count}{_UNIT_CODE[unit]}"


def _count(parts: Parts, ref: Reference) -> dict[str, Any]:
    if parts.count == 0:  # طوال أشهر: some months, how many is not said
        return {"kind": "duration", "granularity": "year" if parts.unit in _YEARS else parts.unit}
    unit, count = parts.unit or "day", parts.count or 1
    period = duration(unit, count)
    grain = "year" if unit in _YEARS else unit
    if parts.role == "for" or (parts.role == "since" and unit not in ("day", "week")):
        direction = "past" if parts.role == "since" else _step_direction(parts.step)
        offset = {"past": "-" + period, "future": period}.get(direction or "")
        return {
            "kind": "duration",
            "granularity": grain,
            "value": period,
            "offset": offset,
            "direction": direction,
        }
    sign = 1 if parts.role == "after" else -1
    offset = period if sign > 0 else "-" + period
    out: dict[str, Any] = {
        "kind": "relative",
        "offset": offset,
        "direction": "future" if sign > 0 else "past",
    }
    if unit in ("day", "week"):
        days = count * (7 if unit == "week" else 1) * sign
        out["granularity"] = "day"
        out["value"] = iso(shift_days(ref.day, days))
    elif unit in ("month", "year") or unit in _YEARS:
        months = count * sign * (1 if unit == "month" else 12 * _YEARS.get(unit, 1))
        out["granularity"] = "month" if unit == "month" else "year"
        shifted = shift_months(ref.day, months)
        out["value"] = None if shifted is None else partial(shifted, out["granularity"])
    else:
        out["granularity"] = "minute"
        seconds = count * sign * {"hour": 3600, "minute": 60, "second": 1}[unit]
        moment = None if ref.moment is None else ref.moment + timedelta(seconds=seconds)
        out["value"] = None if moment is None else moment.strftime("%Y-%m-%dT%H:%M")
    return out


def _relative_days(parts: Parts, ref: Reference) -> dict[str, Any]:
    days = parts.days or 0
    offset = f"-P{-days}D" if days < 0 else f"P{days}D"
    out: dict[str, Any] = {"kind": "relative", "granularity": "day", "offset": offset}
    return _with_clock(parts, ref, shift_days(ref.day, days), out)


def _unit(parts: Parts, ref: Reference) -> dict[str, Any]:
    unit, step = parts.unit or "day", parts.step or 0
    offset = ("-" if step < 0 else "") + duration(unit, abs(step))
    out: dict[str, Any] = {
        "kind": "relative",
        "granularity": unit,
        "offset": offset,
        "direction": _step_direction(step),
        "mod": parts.edge,
    }
    if unit in _YEARS:
        out["granularity"] = unit
        if ref.day is not None:
            first = (ref.day.year // _YEARS[unit] + step) * _YEARS[unit]
            out["value"] = years(first, _YEARS[unit])
        return out
    if ref.day is None:
        return out
    if unit == "day":
        out["value"] = iso(shift_days(ref.day, step))
    elif unit == "week":
        monday = ref.day - timedelta(days=ref.day.weekday()) + timedelta(weeks=step)
        year, week, _ = monday.isocalendar()
        out["value"] = f"{year:04d}-W{week:02d}"
    else:
        shifted = shift_months(ref.day, step * (1 if unit == "month" else 12))
        out["value"] = None if shifted is None else partial(shifted, unit)
    return out


def _date(parts: Parts, ref: Reference) -> dict[str, Any]:
    if parts.hijri:
        return _hijri(parts, ref)
    direction = _step_direction(parts.step) or ref.direction
    kind = "absolute"
    out: dict[str, Any] = {"mod": parts.edge}
    if parts.nth is not None or (parts.unit == "month" and parts.step is not None):
        return _nth(parts, ref, direction)
    if parts.month is None and parts.day is None and parts.weekday is not None:
        day = _weekday(parts, ref)
        kind = "weekday"
        out["direction"] = _step_direction(parts.step)
    elif parts.month is None and parts.day is not None:
        day = safe_date(ref.day.year, ref.day.month, parts.day) if ref.day else None
    elif parts.month is None:
        out.update(kind=kind, granularity="year", value=year_value(parts.year))
        out["valid"] = out["value"] is not None
        return out
    elif parts.day is None:
        year = parts.year or _month_year(parts.month, ref, direction, parts.step)
        out.update(kind=kind, granularity="month", value=None)
        if year is not None and 1 <= year <= 9999:
            out["value"] = f"{year:04d}-{parts.month:02d}"
        out["valid"] = year is None or 1 <= year <= 9999
        return out
    elif parts.year is not None:
        day = safe_date(parts.year, parts.month, parts.day)
        if day is None:
            return {**out, "kind": kind, "granularity": "day", "valid": False}
    else:
        day, valid = _day_month(parts.month, parts.day, ref, direction)
        if not valid:
            return {**out, "kind": kind, "granularity": "day", "valid": False}
    if day and parts.day_to is not None:
        last = safe_date(day.year, day.month, parts.day_to)
        out.update(kind=kind, granularity="day", value=f"{day}/{last}" if last else None)
        return out
    if day and parts.weekday and (parts.day or 9) <= 5 and day.isoweekday() != parts.weekday:
        # الثلاثاء الثالث من أيلول: not "Tuesday 3 September" (a Wednesday) but the third Tuesday
        day = nth_weekday(day.year, day.month, parts.weekday, parts.day or 1)
    out.update(kind=kind, granularity="day")
    return _with_clock(parts, ref, day, out)


def _nth(parts: Parts, ref: Reference, direction: str) -> dict[str, Any]:
    """The n-th (or last) weekday of a month, or the last day of a month."""
    out: dict[str, Any] = {"kind": "absolute", "granularity": "day"}
    month, year = parts.month, parts.year
    if parts.unit == "month" and ref.day is not None:
        shifted = shift_months(ref.day, parts.step or 0)
        month, year = (shifted.month, shifted.year) if shifted else (None, None)
    elif month is not None and year is None:
        year = _month_year(month, ref, direction, parts.step)
    if month is None or year is None or not 1 <= year <= 9999:
        return out
    if parts.role == "week":  # the n-th week: from the n-th Monday; the last: the last whole one
        monday = nth_weekday(year, month, 1, parts.nth or 1)
        if monday is not None and parts.nth == -1 and (monday + timedelta(days=6)).month != month:
            monday -= timedelta(weeks=1)
        if monday is not None:
            iso_year, week, _ = monday.isocalendar()
            out.update(granularity="week", value=f"{iso_year:04d}-W{week:02d}")
        return out
    if parts.weekday is None:
        day = safe_date(year, month, parts.day) if parts.day else last_day(year, month)
    else:
        day = nth_weekday(year, month, parts.weekday, parts.nth or 1)
    return _with_clock(parts, ref, day, out)


def _with_clock(
    parts: Parts, ref: Reference, day: date | None, out: dict[str, Any]
) -> dict[str, Any]:
    out["value"] = iso(day)
    if parts.part is not None:
        out["part_of_day"] = parts.part
        out["granularity"] = "part-of-day"
    if parts.hour is None:
        return out
    hour = _clock_hour(parts, ref, day)
    if hour is None or not 0 <= (parts.minute or 0) < 60:
        return {**out, "valid": False, "value": None}
    out["granularity"] = "minute" if parts.minute is not None else "hour"
    if parts.second is not None:
        out["granularity"] = "second"
    if day is not None:
        stamp = f"{day.isoformat()}T{hour:02d}:{parts.minute or 0:02d}"
        out["value"] = stamp + (f":{parts.second:02d}" if parts.second is not None else "")
    return out


def _clock_hour(parts: Parts, ref: Reference, day: date | None) -> int | None:
    hour = parts.hour or 0
    if hour > 24 or (hour > 12 and parts.clock in ("am",)):
        return None
    if hour == 24:
        return 0
    if parts.clock == "am":
        return hour % 12 if parts.part != "noon" else hour
    if parts.clock == "pm":
        return hour + 12 if hour < 12 else hour
    if parts.clock == "night":
        return hour + 12 if 6 <= hour < 12 else hour % 12 if hour == 12 else hour
    if hour >= 12 or ref.moment is None or day != ref.moment.date():
        return hour
    now = ref.moment.hour + ref.moment.minute / 60
    later = hour + 12 if hour < 12 else hour
    value = hour + (parts.minute or 0) / 60
    if ref.direction == "future":
        return hour if value >= now else later
    return later if later + (parts.minute or 0) / 60 <= now else hour


def _weekday(parts: Parts, ref: Reference) -> date | None:
    if ref.day is None or parts.weekday is None:
        return None
    today = ref.day.isoweekday()
    wanted = parts.weekday
    if parts.unit == "week":
        monday = ref.day - timedelta(days=today - 1) + timedelta(weeks=parts.step or 0)
        return monday + timedelta(days=wanted - 1)
    step = parts.step
    if step == 0:
        return ref.day + timedelta(days=wanted - today)
    if (step or 0) < 0 or (step is None and ref.direction == "past"):
        back = (today - wanted) % 7 or (7 if step else 0)
        return ref.day - timedelta(days=back + 7 * (-(step or -1) - 1))
    return ref.day + timedelta(days=(wanted - today - 1) % 7 + 1 + 7 * ((step or 1) - 1))


def _day_month(month: int, day: int, ref: Reference, direction: str) -> tuple[date | None, bool]:
    """The year of a day-month without a year: the reference's year when the month is the
    reference month or lies before it (past) or after it (future), else the year before (after);
    (None, False) when no year has that date (31 فبراير)."""
    if not any(safe_date(y, month, day) for y in (2000, 2001)):
        return None, False
    if ref.day is None:
        return None, True
    step = -1 if direction == "past" else 1
    year = _month_year(month, ref, direction, None) or ref.day.year
    for _ in range(9):
        candidate = safe_date(year, month, day)
        if candidate is not None:
            return candidate, True
        year += step
    return None, True


def _month_year(month: int, ref: Reference, direction: str, step: int | None) -> int | None:
    if ref.day is None:
        return None
    year, current = ref.day.year, ref.day.month
    if step == 0:
        return year
    if direction == "past":
        return year if month < current or (month == current and step is None) else year - 1
    return year if month > current or (month == current and step is None) else year + 1


def _hijri(parts: Parts, ref: Reference) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": "hijri", "mod": parts.edge}
    year = parts.year
    if year is not None and not parts.year_hijri:
        # a Gregorian year after a Hijri month (رمضان 2019): that month in that Gregorian year
        year = hijri_year_in(year, parts.month or 1)
    if year is None and ref.day is not None:
        direction = "current" if parts.step == 0 else _step_direction(parts.step)
        year = hijri_year_near(
            ref.day, parts.month or 1, parts.day or 1, direction or ref.direction
        )
    if parts.month is None:
        out["granularity"] = "year"
        first, last = hijri_span(year, 1, 1, year, 12)
    elif parts.day is None:
        out["granularity"] = "month"
        first, last = hijri_span(year, parts.month, 1, year, parts.month)
    else:
        out["granularity"] = "day"
        first = hijri_day(year, parts.month, parts.day) if year is not None else None
        last = first
    if year is not None:
        out["hijri"] = "-".join(f"{n:02d}" for n in (year, parts.month, parts.day) if n)
    if year is not None and first is None:
        # an impossible day (35 رمضان) is invalid; a real date outside the Umm al-Qura tables
        # (before 1343 or after 1500 AH) is kept without a Gregorian value
        return {**out, "valid": parts.day is None or parts.day <= 30}
    if first is not None and last is not None:
        out["value"] = first.isoformat() if first == last else f"{first}/{last}"
    return _with_clock(parts, ref, first, out) if parts.day else out


def _holiday(parts: Parts, ref: Reference) -> dict[str, Any]:
    month, day = parts.month or 1, parts.day or 1
    if parts.role == "hijri":
        year = parts.year if parts.year_hijri else None
        if parts.year is not None and not parts.year_hijri:
            year = hijri_year_of_day(parts.year, month, day)
        if year is None:
            year = hijri_year_near(ref.day, month, day, ref.direction)
        found = hijri_day(year, month, day) if year is not None else None
        hijri = f"{year:04d}-{month:02d}-{day:02d}" if year is not None else None
        return {"kind": "hijri", "granularity": "day", "value": iso(found), "hijri": hijri}
    year = parts.year
    if year is None and ref.day is not None:
        year = ref.day.year
        this_year = easter(year) if parts.role == "easter" else safe_date(year, month, day)
        if this_year is not None and ref.direction == "past" and this_year > ref.day:
            year -= 1
        elif this_year is not None and ref.direction == "future" and this_year < ref.day:
            year += 1
    if year is None:
        return {"kind": "absolute", "granularity": "day"}
    found = easter(year) if parts.role == "easter" else safe_date(year, month, day)
    return {"kind": "absolute", "granularity": "day", "value": iso(found)}


def _decade(parts: Parts, ref: Reference) -> dict[str, Any]:
    count = parts.count or 0
    out: dict[str, Any] = {"kind": "absolute", "granularity": parts.kind}
    if parts.kind == "century":
        out["value"] = years((count - 1) * 100, 100) if 1 <= count <= 99 else None
        return out
    if ref.day is None:
        return out
    first = (ref.day.year // 100) * 100 + count
    out["value"] = years(first if first <= ref.day.year else first - 100, 10)
    return out
