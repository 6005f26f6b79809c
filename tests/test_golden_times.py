"""Golden test: the dates of the example article (expected-facts.md), resolved against its
publication date, Monday 2022-01-10."""

from __future__ import annotations

import pytest

from rasd.document import Document
from rasd.text import segment
from rasd.times import extract_times


@pytest.fixture(scope="module")
def times(example_text):
    doc = extract_times(segment(Document(example_text, published=_published())))
    return doc.times


def _published():
    from datetime import date

    return date(2022, 1, 10)


def _by_surface(times, surface):
    return [t for t in times if t.surface == surface]


def test_monday_10_january_twice_with_both_month_names(times):
    found = _by_surface(times, "الإثنين 10 يناير/كانون الثاني 2022")
    assert len(found) == 2
    assert all(t.value == "2022-01-10" and t.granularity == "day" for t in found)


def test_second_of_january_is_a_day_ordinal(times):
    (found,) = _by_surface(times, "الثاني من يناير/كانون الثاني 2022")
    assert found.value == "2022-01-02"


def test_evening_of_sunday_9_january(times):
    (found,) = _by_surface(times, "مساء الأحد 9 يناير/كانون الثاني 2022")
    assert (found.value, found.part_of_day) == ("2022-01-09", "evening")


def test_lasted_a_week_is_a_duration(times):
    (found,) = _by_surface(times, "دام أسبوعاً")
    assert (found.kind, found.value) == ("duration", "P1W")


def test_last_few_days_is_vague_past(times):
    (found,) = _by_surface(times, "خلال الأيام القليلة الماضية")
    assert (found.kind, found.direction, found.value) == ("vague", "past", None)


@pytest.mark.parametrize("surface", ["قريباً", "في القريب العاجل"])
def test_soon_is_vague_future(times, surface):
    (found,) = _by_surface(times, surface)
    assert (found.kind, found.direction) == ("vague", "future")


def test_kanun_al_thani_is_never_a_day_and_no_stray_numbers(times):
    # "الثاني" inside "كانون الثاني" must not start an expression, and no year or day of the
    # article's dates may be left as a separate time (the quantities stage relies on the spans).
    assert not [t for t in times if t.surface.startswith("الثاني") and "من" not in t.surface]
    assert not [t for t in times if t.surface in ("2022", "10", "9", "الثاني")]


def test_coup_attempt_has_no_august(times):
    # "انقلاب" contains "اب" (August in the Levantine names): it must not fire inside a word.
    assert not [t for t in times if "انقلاب" in t.surface or t.value == "2021-08"]


def test_every_span_matches_the_text(times, example_text):
    assert times
    for t in times:
        assert example_text[t.start : t.end] == t.surface
