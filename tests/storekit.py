"""Hand-built analysed documents for the store tests (stage tests build their input by hand)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from rasd.document import Claim, Count, Document, Entity, Event, Span
from rasd.text import segment


def find(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def span(text: str, needle: str, label: str | None = None, nth: int = 0) -> Span:
    a, b = find(text, needle, nth)
    return Span(a, b, text[a:b], label)


def count(
    text: str,
    needle: str,
    role: str,
    value: float,
    *,
    qualifier: str = "exact",
    group: str | None = None,
    group_label: str | None = None,
    nth: int = 0,
) -> Count:
    a, b = find(text, needle, nth)
    grp = span(text, group, group_label) if group else None
    return Count(a, b, text[a:b], role, value, qualifier, group=grp)


def claim(text: str, needle: str, cid: str, **fields: object) -> Claim:
    a, b = find(text, needle)
    return Claim(a, b, text[a:b], cid, **fields)  # type: ignore[arg-type]


def sentence_of(doc: Document, start: int) -> int:
    for i, s in enumerate(doc.sentences):
        if s.start <= start < s.end:
            return i
    return 0


def kazakhstan_doc(text: str) -> Document:
    """The example article with the events, claims and entities of expected-facts.md."""
    doc = segment(Document(text=text, published=date(2022, 1, 10), source="example"))
    kz_a, kz_b = find(text, "كازاخستان")
    alm_a, alm_b = find(text, "ألماتي")
    entities = (
        Entity(
            kz_a,
            kz_b,
            text[kz_a:kz_b],
            "GPE",
            "Kazakhstan",
            "rasd:country:kz",
            "country",
            "KZ",
            48.0,
            68.0,
        ),
        Entity(
            alm_a,
            alm_b,
            text[alm_a:alm_b],
            "GPE",
            "Almaty",
            "rasd:city:kz:almaty",
            "city",
            "KZ",
            43.26,
            76.93,
        ),
    )
    authorities = "السلطات كانت أعلنت مقتل 26 متظاهراً و16 عنصراً من القوى الأمنية وجرح 200 شخص"
    claims = (
        claim(
            text,
            "وأضاف أن 16 من أفراد قوات الأمن قُتلوا",
            "c1",
            speaker=span(text, "توكاييف", "Tokayev", nth=2),
            via=span(text, "رويترز", "Reuters"),
        ),
        claim(
            text,
            "أن أكثر من 164 شخصاً قُتلوا",
            "c2",
            stance="retract",
            speaker=span(text, "وزارة الإعلام الكازاخية", "Ministry of Information"),
            via=span(text, "تلغرام", "Telegram"),
        ),
        claim(text, authorities, "c3", speaker=span(text, "السلطات كانت", "authorities")),
    )
    place = Span(kz_a, kz_b, text[kz_a:kz_b], "Kazakhstan")

    def event(
        eid: str,
        trigger: str,
        etype: str,
        counts: tuple[Count, ...],
        claim: str | None = None,
        *,
        mode: str | None = None,
        nth: int = 0,
    ) -> Event:
        a, b = find(text, trigger, nth)
        return Event(
            a,
            b,
            text[a:b],
            eid,
            etype,
            mode,
            sentence=sentence_of(doc, a),
            place=place,
            place_link="rasd:country:kz",
            date="2022-01-10",
            counts=counts,
            claim=claim,
        )

    events = (
        event(
            "e1", "سقوط", "ASSAULT", (count(text, "عشرات القتلى", "killed", 10, qualifier="vague"),)
        ),
        event(
            "e2",
            "قُتلوا",
            "ASSAULT",
            (count(text, "16", "killed", 16, group="أفراد قوات الأمن"),),
            "c1",
        ),
        event(
            "e3",
            "أوقفتهم",
            "COERCE",
            (count(text, "نحو ثمانية آلاف", "detained", 8000, qualifier="about"),),
            mode="arrest",
        ),
        event(
            "e4",
            "قُتلوا",
            "ASSAULT",
            (count(text, "أكثر من 164", "killed", 164, qualifier="more_than"),),
            "c2",
            nth=1,
        ),
        event(
            "e5",
            "مقتل",
            "ASSAULT",
            (
                count(text, "26 متظاهراً", "killed", 26, group="متظاهراً"),
                count(text, "16 عنصراً", "killed", 16, group="عنصراً من القوى الأمنية"),
                count(text, "200 شخص", "injured", 200, group="شخص"),
            ),
            "c3",
        ),
    )
    return replace(doc, entities=entities, claims=claims, events=events)


PLACES = {
    "أبها": ("Abha", "rasd:city:sa:abha", "city", "SA", 18.2164, 42.5053),
    "عسير": ("Asir", "rasd:admin:sa:asir", "admin", "SA", 19.0, 43.0),
    "نجران": ("Najran", "rasd:city:sa:najran", "city", "SA", 17.4924, 44.1277),
    "سروج": ("Suruc", "rasd:city:tr:suruc", "city", "TR", 36.976, 38.425),
    "تركيا": ("Turkey", "rasd:country:tr", "country", "TR", 39.0, 35.0),
    "بغداد": ("Baghdad", "rasd:city:iq:baghdad", "city", "IQ", 33.3152, 44.3661),
}


def report(
    text: str,
    *,
    published: date,
    source: str,
    trigger: str,
    etype: str = "ASSAULT",
    place: str | None = None,
    counts: tuple[tuple[str, str, float, str | None], ...] = (),
) -> Document:
    """A one-event report: trigger word, place (a key of PLACES found in the text), counts as
    (needle, role, value, group needle)."""
    doc = segment(Document(text=text, published=published, source=source, url=f"u:{source}"))
    entities: tuple[Entity, ...] = ()
    place_span = None
    link = None
    if place:
        a, b = find(text, place)
        english, link, kind, country, lat, lon = PLACES[place]
        entities = (Entity(a, b, text[a:b], "GPE", english, link, kind, country, lat, lon),)
        place_span = Span(a, b, text[a:b], english)
    a, b = find(text, trigger)
    event_counts = tuple(count(text, n, role, v, group=g) for n, role, v, g in counts)
    event = Event(
        a,
        b,
        text[a:b],
        "e1",
        etype,
        sentence=sentence_of(doc, a),
        place=place_span,
        place_link=link,
        counts=event_counts,
    )
    return replace(doc, entities=entities, events=(event,))
