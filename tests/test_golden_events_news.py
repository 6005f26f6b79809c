"""Golden tests on 10 SaudiNewsNet articles (July–August 2015), hand-checked: one case per article
with the events, counts and claims it must have and the ones it must not have.

The articles are read from ``../shared/data/news-saudinewsnet`` (CC BY-NC-SA: research use only,
never bundled); the tests skip when the data is not beside the repository.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass, field
from functools import cache

import pytest

import rasd
from conftest import shared_path
from rasd.document import Document
from rasd.events import is_factual


@dataclass(frozen=True)
class Case:
    day: str
    url: str
    counts: tuple[tuple[str, str, float], ...] = ()
    """(event type, role, value) of counts on factual events."""
    events: tuple[tuple[str, str | None], ...] = ()
    """(event type, mode or None) of factual events."""
    not_factual: tuple[str, ...] = ()
    """event types that must have no factual event."""
    not_counts: tuple[float, ...] = ()
    """values that must not be counts."""
    claims: tuple[tuple[str, str, str | None], ...] = field(default=())
    """(speaker contains, stance, via label or None)."""
    planned: tuple[str, ...] = ()
    """event types that must occur with modality ``planned``."""


CASES = {
    "abha-isis-claim": Case(
        "2015-08-06",
        "http://www.alweeam.com.sa/351284/",
        counts=(("ASSAULT", "killed", 15),),
        events=(("ASSAULT", "explosives"),),
        not_factual=("PROTEST",),
        claims=(("داعش", "assert", "Twitter"),),
    ),
    "abha-bomber-identity": Case(
        "2015-08-09",
        "http://aawsat.com/home/article/425451/",
        counts=(("ASSAULT", "killed", 15),),
        not_factual=("COERCE", "PROTEST"),
        not_counts=(2013, 45, 1994),
        claims=(("المتحدث الأمني", "assert", None),),
    ),
    "iraq-protests": Case(
        "2015-08-07",
        "http://www.alriyadh.com/1071278",
        events=(("PROTEST", "demo"),),
        not_factual=("ASSAULT", "COERCE"),
    ),
    "iraq-protests-announced": Case(
        "2015-08-08",
        "http://www.alriyadh.com/1071493",
        not_factual=("PROTEST", "ASSAULT"),
        planned=("PROTEST",),
        claims=(("شهود", "assert", None),),
    ),
    "morocco-cell-arrested": Case(
        "2015-07-21",
        "http://www.al-madina.com/node/620236/",
        counts=(("COERCE", "detained", 8),),
        not_factual=("ASSAULT",),
        claims=(("السلطات المغربية", "assert", None), ("وزارة الداخلية المغربية", "assert", None)),
    ),
    "iraq-isis-arrests": Case(
        "2015-07-21",
        "http://www.alweeam.com.sa/348615/",
        counts=(("COERCE", "detained", 41), ("ASSAULT", "killed", 5)),
        claims=(("وزارة الداخلية العراقية", "assert", None),),
    ),
    "aleppo-missile": Case(
        "2015-07-22",
        "http://www.okaz.com.sa/new/Issues/20150722/Con20150722784960.htm",
        counts=(("ASSAULT", "killed", 18),),
        not_counts=(300,),
        not_factual=("PROTEST",),
        claims=(("المرصد السوري", "assert", None),),
    ),
    "aleppo-children": Case(
        "2015-07-27",
        "http://www.alriyadh.com/1068143",
        counts=(("ASSAULT", "killed", 5),),
        not_counts=(2012, 14),
        claims=(("المرصد السوري", "assert", None),),
    ),
    "kuwait-mosque": Case(
        "2015-07-21",
        "http://www.alweeam.com.sa/344352/",
        counts=(("ASSAULT", "killed", 15),),
        events=(("ASSAULT", "explosives"),),
        not_factual=("PROTEST", "COERCE"),
    ),
    "sinai-checkpoints": Case(
        "2015-07-21",
        "http://sabq.org/AsCgde",
        counts=(("ASSAULT", "killed", 5), ("ASSAULT", "killed", 3), ("ASSAULT", "injured", 4)),
        not_factual=("PROTEST",),
        claims=(("مصادر أمنية", "assert", "Reuters"), ("المتحدث العسكري", "assert", None)),
    ),
}


@cache
def _articles(day: str) -> tuple[dict, ...]:
    path = shared_path("data", "news-saudinewsnet", "dataset", f"{day}.zip")
    with zipfile.ZipFile(path) as archive:
        return tuple(json.loads(archive.read(f"{day}.json")))


@cache
def _analysed(name: str) -> Document:
    case = CASES[name]
    article = next(a for a in _articles(case.day) if a["url"].startswith(case.url))
    return rasd.analyse(article["content"], published=article["date_extracted"][:10])


@pytest.mark.parametrize("name", sorted(CASES))
def test_article(name):
    case = CASES[name]
    doc = _analysed(name)
    factual = [e for e in doc.events if is_factual(e)]
    for event_type, role, value in case.counts:
        assert any(
            c.role == role and c.value == value
            for e in factual
            if e.type == event_type
            for c in e.counts
        ), f"missing {event_type} {role} {value}"
    for event_type, mode in case.events:
        assert any(e.type == event_type and mode in (None, e.mode) for e in factual), event_type
    for event_type in case.not_factual:
        assert not [e.surface for e in factual if e.type == event_type], event_type
    for value in case.not_counts:
        assert all(c.value != value for e in doc.events for c in e.counts), value
    for event_type in case.planned:
        assert any(e.type == event_type and e.modality == "planned" for e in doc.events)
    for speaker, stance, via in case.claims:
        found = [
            c
            for c in doc.claims
            if c.speaker is not None and speaker in c.speaker.surface and c.stance == stance
        ]
        assert found, f"no {stance} claim by {speaker}"
        if via is not None:
            assert any(c.via is not None and c.via.label == via for c in found), via
