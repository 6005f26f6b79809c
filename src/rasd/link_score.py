"""What cross-document linking compares: the key of each event and the score of two keys.

An `EventKey` holds an event's type family, day, place (with country, coordinates and kind), the
content words of its sentence and the report's title, its actors/targets, its figure roles, the
places its report names and the people its report names. `link_score` weighs them (0-1, or 0
when family, place or date rule a link out); `rasd.link` clusters events in the store with it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from rasd.document import Document, Entity, Event
from rasd.names import NameLexicon
from rasd.places import Gazetteer
from rasd.span_index import starting_in
from rasd.text import clitic_candidates, fold_ta_marbuta, normalise

FAMILIES = {
    "ASSAULT": "unrest",
    "FIGHT": "unrest",
    "PROTEST": "unrest",
    "COERCE": "unrest",
    "THREATEN": "unrest",
    "MOBILIZE": "military",
    "RETREAT": "military",
    "SANCTION": "sanction",
    "AID": "cooperation",
    "AGREE": "cooperation",
    "CONSULT": "cooperation",
    "COOPERATE": "cooperation",
    "SUPPORT": "cooperation",
    "CONCEDE": "cooperation",
    "ACCUSE": "statement",
    "REJECT": "statement",
    "REQUEST": "statement",
}
"""PLOVER types grouped into families whose events may describe one incident."""

_STOP = frozenset(
    [
        "في",
        "من",
        "الي",
        "علي",
        "عن",
        "ان",
        "او",
        "ما",
        "لا",
        "مع",
        "هذا",
        "هذه",
        "ذلك",
        "التي",
        "الذي",
        "الذين",
        "كان",
        "قد",
        "وقد",
        "قال",
        "وقال",
        "اليوم",
        "امس",
    ]
)


_ARABIC_WORD = re.compile(r"[\u0621-\u064a]+")


GIVEN_NAME_WEIGHT = 20
"""A name word the name lexicons list this often as a person's is a given name (محمد، ناصر)."""


@dataclass(frozen=True, slots=True)
class LinkOptions:
    window_days: int = 3
    max_km: float = 50.0
    threshold: float = 0.5
    merge_threshold: float = 0.75
    """A report that links this strongly to two clusters merges them (they were one event)."""
    max_candidates: int = 100
    members_per_cluster: int = 8
    min_shared_people: int = 3
    """Events whose sentences share this many distinctive name words (victims, attackers) —
    half those of the shorter list at least — are one event even when their places disagree
    (a report placed in its reporter's town)."""
    people_weight: float = 0.3


DEFAULT_LINK_OPTIONS = LinkOptions()


@dataclass(frozen=True, slots=True)
class Place:
    name: str | None = None
    link: str | None = None
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    kind: str | None = None


def family(event_type: str) -> str:
    return FAMILIES.get(event_type.upper(), event_type.lower())


def _entity_at(doc: Document, start: int, end: int) -> Entity | None:
    hits = [
        e for e in doc.entities if e.start < end and start < e.end and e.label in {"GPE", "LOC"}
    ]
    return min(hits, key=lambda e: (abs(e.start - start), e.start)) if hits else None


def _place_in_sentence(doc: Document, event: Event) -> Entity | None:
    """When the event names no place: the place entity of its sentence nearest the trigger."""
    if not 0 <= event.sentence < len(doc.sentences):
        return None
    sentence = doc.sentences[event.sentence]
    places = [
        e
        for e in doc.entities
        if e.label in {"GPE", "LOC"} and sentence.start <= e.start < sentence.end
    ]
    return min(places, key=lambda e: (abs(e.start - event.start), e.start)) if places else None


def _resolve(doc: Document, entity: Entity) -> Entity:
    if entity.coref is not None and 0 <= entity.coref < len(doc.entities):
        first = doc.entities[entity.coref]
        if entity.link is None or first.link == entity.link:
            return first
    return entity


def event_place(doc: Document, event: Event) -> Place:
    """Where an event happened, with its country and coordinates when the entities give them."""
    entity = None
    if event.place is not None:
        entity = _entity_at(doc, event.place.start, event.place.end)
    if entity is None and event.place_link:
        entity = next((e for e in doc.entities if e.link == event.place_link), None)
    if entity is None and event.place is None and not event.place_link:
        entity = _place_in_sentence(doc, event)
    if entity is None:
        name = event.place.label or event.place.surface if event.place else None
        return Place(name=name, link=event.place_link)
    entity = _resolve(doc, entity)
    return Place(
        name=entity.english or entity.surface,
        link=event.place_link or entity.link,
        country=entity.country,
        lat=entity.lat,
        lon=entity.lon,
        kind=entity.kind,
    )


def event_date(
    doc: Document, event: Event, options: LinkOptions = DEFAULT_LINK_OPTIONS
) -> str | None:
    """The event's day (ISO), else the publication day. A resolved interval longer than the
    window (``1436 هـ`` → a whole Hijri year) names no day: the publication day stands in when
    it lies inside the interval, else the interval's first day."""
    published = doc.published.isoformat()[:10] if doc.published else None
    if not event.date or len(event.date) < 10:
        return published
    first, _, last = event.date.partition("/")
    if len(last) < 10 or len(first) < 10:
        return first[:10]
    try:
        days = (date.fromisoformat(last[:10]) - date.fromisoformat(first[:10])).days
    except ValueError:
        return first[:10]
    if days <= options.window_days or published is None:
        return first[:10]
    return published if first[:10] <= published <= last[:10] else first[:10]


def sentence_terms(doc: Document, event: Event) -> list[str]:
    """Content words of the event's sentence and of the report's title (normalised,
    clitic-stripped), for similarity."""
    if 0 <= event.sentence < len(doc.sentences):
        text = doc.sentences[event.sentence].surface
    else:
        text = doc.text[max(0, event.start - 150) : event.end + 150]
    words = sentence_words(text) | sentence_words(doc.title or "")
    return sorted(t for t in words if len(t) > 2 and t not in _STOP)


def participant_terms(event: Event) -> list[str]:
    names = set()
    for span in (event.actor, event.target):
        if span is not None:
            names.update(sentence_words(span.label or span.surface))
    return sorted(names)


def sentence_words(text: str) -> set[str]:
    """The Arabic words of a text, normalised, each reduced to its shortest clitic stem."""
    words = _ARABIC_WORD.findall(fold_ta_marbuta(normalise(text).text))
    return {(clitic_candidates(w) or (w,))[-1] for w in words}


# ----------------------------------------------------------------------- scoring


def km_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


COUNTRY_KINDS = frozenset(("country", "nationality"))
"""Place kinds that name a whole country (an event "in the south of the country" is placed by
the country's nationality adjective): agreeing on one is weak evidence."""


def place_score(a: Place, b: Place, options: LinkOptions) -> float | None:
    """How well two places agree (0-1), or None when they are incompatible."""
    whole = a.kind in COUNTRY_KINDS or b.kind in COUNTRY_KINDS
    if a.link and b.link and a.link == b.link:
        return 0.5 if whole else 1.0
    if None not in (a.lat, a.lon, b.lat, b.lon) and not whole:
        km = km_between((a.lat, a.lon), (b.lat, b.lon))  # type: ignore[arg-type]
        if km <= options.max_km:
            return 0.9
    if a.country and b.country:
        if a.country != b.country:
            return None
        kinds = {a.kind, b.kind}
        if kinds in ({"admin", "city"}, {"admin", "other"}):
            area, town = (a, b) if a.kind == "admin" else (b, a)
            return 0.5 if _may_lie_in(town, area) else None
        if None in kinds or whole:
            return 0.4  # one of them names only the country
        return None  # two different cities / areas farther apart than max_km
    return 0.2


def _may_lie_in(town: Place, area: Place) -> bool:
    """Can ``town`` lie in the admin area ``area``? Not when the gazetteer puts it in another
    admin area (Buraydah is in Al-Qassim, not in Jazan); yes when it knows no admin area for it
    or either place is not in the gazetteer."""
    gazetteer = Gazetteer.builtin()
    place = gazetteer.get(town.link) if town.link else None
    if place is None or not area.link:
        return True
    areas = []
    while place is not None and place.parent and place.kind != "country":
        place = gazetteer.get(place.parent)
        if place is not None and place.kind == "admin":
            areas.append(place.id)
    return not areas or area.link in areas


def date_score(a: str | None, b: str | None, options: LinkOptions) -> float | None:
    if a is None or b is None:
        return 0.3
    days = abs((date.fromisoformat(a) - date.fromisoformat(b)).days)
    if days > options.window_days:
        return None
    return 1.0 - days / (options.window_days + 1)


def jaccard(a: Iterable[str], b: Iterable[str]) -> float:
    sa, sb = set(a), set(b)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)


@dataclass(frozen=True, slots=True)
class EventKey:
    """What linking needs to know about one stored event."""

    family: str
    date: str | None
    place: Place
    terms: tuple[str, ...]
    participants: tuple[str, ...]
    roles: tuple[str, ...]
    named: tuple[str, ...] = ()
    """Countries and place links the whole report names (a check on a wrongly resolved event
    place)."""
    people: tuple[str, ...] = ()
    """Distinctive name words of the people the report's events of this family name
    (`report_people`)."""


def link_score(a: EventKey, b: EventKey, options: LinkOptions) -> float:
    """Evidence that two events are one (0-1); 0 when family, place or date rule it out."""
    if a.family != b.family:
        return 0.0
    p = place_score(a.place, b.place, options)
    named_together = _named_together(a, b, options)
    if p is None and (_cross_named(a, b) or named_together):
        p = 0.1
    d = date_score(a.date, b.date, options)
    if p is None or d is None:
        return 0.0
    words = jaccard(a.terms, b.terms)
    people = jaccard(a.participants, b.participants)
    roles = 1.0 if set(a.roles) & set(b.roles) else 0.0
    score = 0.3 * p + 0.15 * d + 0.35 * min(1.0, 2.5 * words) + 0.1 * people + 0.1 * roles
    return min(1.0, score + (options.people_weight if named_together else 0.0))


def explain_link(a: EventKey, b: EventKey, options: LinkOptions) -> tuple[float, str]:
    """The score of two keys and why: which feature rules the link out, or the evidence the
    score sums (for evaluation reports: why a report stayed out of its event's cluster)."""
    if a.family != b.family:
        return 0.0, f"type families differ ({a.family} / {b.family})"
    p = place_score(a.place, b.place, options)
    together = _named_together(a, b, options)
    if p is None and not (_cross_named(a, b) or together):
        return 0.0, f"places disagree ({_place_text(a.place)} / {_place_text(b.place)})"
    if date_score(a.date, b.date, options) is None:
        return 0.0, f"dates more than {options.window_days} days apart ({a.date} / {b.date})"
    score = link_score(a, b, options)
    parts = (
        f"place {0.1 if p is None else p:.2f} ({_place_text(a.place)} / {_place_text(b.place)})",
        f"date {date_score(a.date, b.date, options):.2f}",
        f"words {jaccard(a.terms, b.terms):.2f}",
        f"actors {jaccard(a.participants, b.participants):.2f}",
        f"roles {'shared' if set(a.roles) & set(b.roles) else 'none'}",
        f"people {'shared' if together else 'none'}",
    )
    verdict = "links" if score >= options.threshold else f"under {options.threshold}"
    return score, f"score {score:.2f} {verdict}: " + ", ".join(parts)


def _place_text(place: Place) -> str:
    return f"{place.name or '?'} [{place.link or place.kind or 'unresolved'}]"


def _named_together(a: EventKey, b: EventKey, options: LinkOptions) -> bool:
    """The two events' sentences name the same people (``min_shared_people`` distinctive name
    words, half of the shorter list at least) and lie in one country (or one is unknown)."""
    if a.place.country and b.place.country and a.place.country != b.place.country:
        return False
    shared = len(set(a.people) & set(b.people))
    shorter = min(len(set(a.people)), len(set(b.people)))
    return shared >= options.min_shared_people and shared >= shorter / 2


def _cross_named(a: EventKey, b: EventKey) -> bool:
    """One event's place (or its country, when the other's place is in another country) is
    named in the other's report: the event places may disagree only because one of them was
    resolved wrongly (place names are ambiguous)."""
    for x, y in ((a, b), (b, a)):
        if x.place.link and x.place.link in y.named:
            return True
        if x.place.country and x.place.country != y.place.country and x.place.country in y.named:
            return True
    return False


def document_places(doc: Document) -> tuple[str, ...]:
    """The country codes and place links a report names."""
    named: set[str] = set()
    for e in doc.entities:
        if e.label in {"GPE", "LOC", "NORP"}:
            named.update(v for v in (e.country, e.link if e.label != "NORP" else None) if v)
    return tuple(sorted(named))


def report_people(doc: Document) -> dict[str, tuple[str, ...]]:
    """For each event family of a report, the distinctive name words of the people named in
    the sentences of its events, background ones included (the victims listed after "الذين
    استشهدوا هم:"): normalised words of PER entities, without common given names (محمد، ناصر),
    which name too many people to tell events apart."""
    names = NameLexicon.builtin()
    sentences: dict[str, set[int]] = {}
    for event in doc.events:
        if 0 <= event.sentence < len(doc.sentences):
            sentences.setdefault(family(event.type), set()).add(event.sentence)
    words_of = {}
    for index in set().union(*sentences.values()) if sentences else ():
        sentence = doc.sentences[index]
        words = set()
        for e in starting_in(doc.entities, sentence.start, sentence.end):
            if e.label == "PER":
                for word in _ARABIC_WORD.findall(fold_ta_marbuta(normalise(e.surface).text)):
                    bare = word[1:] if word.startswith("وال") else word
                    if len(bare) >= 4 and names.person_weight(bare) < GIVEN_NAME_WEIGHT:
                        words.add(bare)
        words_of[index] = words
    return {
        fam: tuple(sorted(set().union(*(words_of[i] for i in indices))))
        for fam, indices in sentences.items()
    }


def event_key(
    doc: Document, event: Event, people: dict[str, tuple[str, ...]] | None = None
) -> EventKey:
    """The key of one event; ``people`` is `report_people` of its report (computed once)."""
    people = report_people(doc) if people is None else people
    return EventKey(
        family=family(event.type),
        date=event_date(doc, event),
        place=event_place(doc, event),
        terms=tuple(sentence_terms(doc, event)),
        participants=tuple(participant_terms(event)),
        roles=tuple(sorted({c.role for c in event.counts})),
        named=document_places(doc),
        people=people.get(family(event.type), ()),
    )
