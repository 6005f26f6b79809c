"""What linking compares: the day of an event when its resolved date is a long interval, the
people its report names, and why two events do not link (the evaluation's explanations)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from rasd.document import Document, Entity, Event
from rasd.link_score import (
    DEFAULT_LINK_OPTIONS,
    EventKey,
    Place,
    event_date,
    explain_link,
    link_score,
    place_score,
    report_people,
)
from rasd.text import segment

OPTIONS = DEFAULT_LINK_OPTIONS


def _doc(text: str, published: date | None = date(2015, 7, 31)) -> Document:
    return segment(Document(text=text, published=published))


def _event(doc: Document, trigger: str, **fields: object) -> Event:
    start = doc.text.index(trigger)
    sentence = next(i for i, s in enumerate(doc.sentences) if s.start <= start < s.end)
    return Event(start, start + len(trigger), trigger, "e1", "ASSAULT", sentence=sentence,
                 **fields)  # type: ignore[arg-type]  # fmt: skip


@pytest.mark.parametrize(
    ("resolved", "day"),
    [
        ("2015-07-30", "2015-07-30"),  # a day
        ("2015-07-30T10:20", "2015-07-30"),  # a time of day
        ("2015-07-29/2015-07-30", "2015-07-29"),  # an interval shorter than the window
        ("2014-10-25/2015-10-13", "2015-07-31"),  # 1436 هـ: a whole year names no day
        ("2015-07-01/2015-07-31", "2015-07-31"),  # a month: the publication day, inside it
        ("2014-01-01/2014-12-31", "2014-01-01"),  # a year the report is not from: its start
        ("2015-07", "2015-07-31"),  # a partial date
        (None, "2015-07-31"),
    ],
)
def test_the_day_of_an_event(resolved, day):
    doc = _doc("قتل شخصان في انفجار أمس.")
    assert event_date(doc, _event(doc, "انفجار", date=resolved), OPTIONS) == day


def test_no_publication_date_keeps_the_interval_start():
    doc = _doc("قتل شخصان في انفجار.", published=None)
    event = _event(doc, "انفجار", date="2014-10-25/2015-10-13")
    assert event_date(doc, event, OPTIONS) == "2014-10-25"


def _with_people(text: str, *names: str) -> Document:
    doc = _doc(text)
    ents = []
    for name in names:
        a = text.index(name)
        ents.append(Entity(a, a + len(name), name, "PER"))
    return replace(doc, entities=tuple(sorted(ents, key=lambda e: e.start)))


VICTIMS = (
    "وأوضحت أن الجنود الذين استشهدوا هم: العريف أحمد المجيشي، والجندي محمد العمري، وحسن بشيري."
)


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (
            ("العريف أحمد المجيشي", "محمد العمري", "حسن بشيري"),
            ("العريف", "العمري", "المجيشي", "بشيري"),
        ),
        (("محمد العمري",), ("العمري",)),  # محمد is a given name: it tells no one apart
    ],
)
def test_people_are_the_distinctive_name_words_of_the_reports_event_sentences(names, expected):
    doc = _with_people(VICTIMS, *names)
    doc = replace(doc, events=(_event(doc, "استشهدوا", background=True),))
    assert report_people(doc) == {"unrest": expected}


def test_people_outside_event_sentences_do_not_count():
    text = "قتل ثلاثة جنود في انفجار. وقال المتحدث منصور التركي إن التحقيق مستمر."
    doc = _with_people(text, "منصور التركي")
    doc = replace(doc, events=(_event(doc, "انفجار"),))
    assert report_people(doc) == {"unrest": ()}


def _key(place: Place, people: tuple[str, ...] = (), day: str = "2015-07-31") -> EventKey:
    return EventKey("unrest", day, place, ("استشهاد", "حرس", "الحدود"), (), ("killed",),
                    people=people)  # fmt: skip


NAJRAN = Place("Najrān", "sa-najran", "SA", 17.49, 44.13, "city")
DHAHRAN_JANUB = Place("Dhahran Al Janub", "sa-dhahran-al-janub", "SA", 17.67, 43.52, "city")
ANKARA = Place("Ankara", "tr-ankara", "TR", 39.9, 32.4, "city")
THREE = ("العمري", "المجيشي", "بشيري")


@pytest.mark.parametrize(
    ("a", "b", "links"),
    [
        (_key(NAJRAN), _key(DHAHRAN_JANUB), False),  # two towns 67 km apart
        (_key(NAJRAN, THREE), _key(DHAHRAN_JANUB, (*THREE, "الشهري")), True),  # same victims
        (_key(NAJRAN, THREE[:2]), _key(DHAHRAN_JANUB, THREE[:2]), False),  # two are not enough
        (_key(NAJRAN, THREE), _key(ANKARA, THREE), False),  # never across countries
        (_key(NAJRAN, THREE), _key(DHAHRAN_JANUB, THREE, day="2015-08-09"), False),  # nor dates
    ],
)
def test_reports_naming_the_same_people_are_one_event(a, b, links):
    assert (link_score(a, b, OPTIONS) >= OPTIONS.threshold) is links


@pytest.mark.parametrize(
    ("a", "b", "reason"),
    [
        (_key(NAJRAN), _key(DHAHRAN_JANUB), "places disagree"),
        (_key(NAJRAN), _key(NAJRAN, day="2015-08-09"), "dates more than 3 days apart"),
        (_key(NAJRAN), replace(_key(NAJRAN), family="statement"), "type families differ"),
        (_key(NAJRAN), _key(NAJRAN), "score 0.90 links"),
    ],
)
def test_why_two_events_link_or_not(a, b, reason):
    assert explain_link(a, b, OPTIONS)[1].startswith(reason)


TURKEY = Place("Turkey", "tr", "TR", 39.0, 35.0, "country")
TURKEY_NORP = Place("Turkey", "tr", "TR", 39.0, 35.0, "nationality")  # جنوب البلاد → the country
ADANA = Place("Adana", "tr-adana", "TR", 37.0, 35.3, "city")
ABHA = Place("Abha", "sa-abha", "SA", 18.2, 42.5, "city")
ASIR = Place("Asir", "sa-asir", "SA", 19.17, 43.17, "admin")
BURAYDAH = Place("Buraydah", "sa-buraydah", "SA", 26.33, 43.98, "city")
JAZAN = Place("Jizan", "sa-jizan-admin", "SA", 17.33, 42.67, "admin")


@pytest.mark.parametrize(
    ("a", "b", "score"),
    [
        (ANKARA, ANKARA, 1.0),  # the same town
        (TURKEY, TURKEY, 0.5),  # the same country: weak evidence
        (TURKEY_NORP, TURKEY, 0.5),
        (TURKEY_NORP, TURKEY_NORP, 0.5),
        (TURKEY_NORP, ADANA, 0.4),  # a town of the country named
        (NAJRAN, DHAHRAN_JANUB, None),  # two towns farther apart than max_km
        (ABHA, ASIR, 0.5),  # a town in the region named
        (BURAYDAH, JAZAN, None),  # a town of another region (Al-Qassim)
        (DHAHRAN_JANUB, ASIR, 0.5),  # the gazetteer knows no region for it: it may lie there
        (ANKARA, NAJRAN, None),  # two countries
    ],
)
def test_place_agreement(a, b, score):
    assert place_score(a, b, OPTIONS) == score
