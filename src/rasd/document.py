"""The `Document` and its annotations: frozen dataclasses, offset-anchored, JSON round-trippable.

Every annotation carries ``start``/``end`` character offsets into the *original* ``Document.text``
and its ``surface`` (always ``text[start:end]``). Stages never mutate a document: they return
``dataclasses.replace(doc, quantities=...)``. Nested spans (the noun a number counts, the speaker of
a claim, the arguments of an event) are `Span` objects obeying the same invariant.

Serialisation is generic: ``to_dict``/``from_dict`` walk the dataclass fields and their type hints,
so a stage that adds a field to its annotation class needs no serialisation code. The published
JSON Schema (``schema/document.schema.json``) is generated from the same classes by
`rasd.schema.json_schema`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import types
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache, cached_property
from typing import TYPE_CHECKING, Any, TypeVar, Union

from rasd.errors import InputError

if TYPE_CHECKING:
    from rasd.text import NormalisedText

SCHEMA_VERSION = 1

T = TypeVar("T")


# --------------------------------------------------------------------------- annotations


@dataclass(frozen=True, slots=True)
class Span:
    """A plain anchored span: part of an annotation (a counted noun, a speaker, a verb)."""

    start: int
    end: int
    surface: str
    label: str | None = None
    """What the span is, in English (``"security forces"``, ``"Reuters"``), when known."""


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    surface: str


@dataclass(frozen=True, slots=True)
class Token:
    start: int
    end: int
    surface: str
    kind: str
    """``word`` (Arabic letters), ``latin``, ``number``, ``punct`` or ``symbol``."""
    norm: str
    """The token in the normalised matching view (alef/ya unified, no harakat or tatweel, 0-9)."""

    def stems(self) -> tuple[str, ...]:
        """Clitic-stripped candidates of ``norm`` (longest first), for lexicon matching."""
        from rasd.text import clitic_candidates

        return clitic_candidates(self.norm)


@dataclass(frozen=True, slots=True)
class Entity:
    start: int
    end: int
    surface: str
    label: str
    """``PER``, ``ORG``, ``GPE``, ``LOC``, ``MISC`` or ``NORP`` (nationality adjectives)."""
    english: str | None = None
    """English name (``"Kassym-Jomart Tokayev"``, ``"Almaty"``)."""
    link: str | None = None
    """Stable id in rasd's bundled gazetteer or name lexicon (``"rasd:city:kz:almaty"``)."""
    kind: str | None = None
    """For places: ``country``, ``admin``, ``city``, ``other``; for organisations: a subtype."""
    country: str | None = None
    """ISO 3166-1 alpha-2 code of the country the entity belongs to, when known."""
    lat: float | None = None
    lon: float | None = None
    coref: int | None = None
    """Index (into ``Document.entities``) of the first mention of the same entity, if not itself."""
    score: float | None = None
    """Confidence (0-1) where one is known: the tagger's for its own mentions; for a place the
    gazetteer names differently, linked by how it sounds (سوروتش → Suruç), the similarity of the
    spellings: such a link is weaker than a match of names."""
    source: str = "model"
    """What produced it: ``model``, ``gazetteer``, ``rule``, ``coref``."""


@dataclass(frozen=True, slots=True)
class Quantity:
    start: int
    end: int
    surface: str
    value: float
    kind: str = "cardinal"
    """``cardinal``, ``ordinal``, ``money``, ``percent``, ``measure``."""
    qualifier: str = "exact"
    """``exact``, ``about``, ``more_than``, ``at_least``, ``less_than``, ``at_most``, ``range``,
    ``vague`` (عشرات = 10 by ACLED's convention) or ``few`` (بضعة، عدة)."""
    value_max: float | None = None
    unit: str | None = None
    """ISO 4217 code for money (``EUR``), or a unit name for measures."""
    counted: Span | None = None
    """The noun the number counts (``جندياً`` → troops), with an English label when known."""


@dataclass(frozen=True, slots=True)
class Time:
    start: int
    end: int
    surface: str
    kind: str
    """``absolute``, ``relative``, ``weekday``, ``hijri``, ``duration``, ``vague``."""
    granularity: str
    """``year``, ``month``, ``week``, ``day``, ``part-of-day``, ``minute`` (or ``second``)."""
    value: str | None = None
    """ISO 8601 value at that granularity (``2022-01``, ``2022-01-09``, ``P1W``), or None when it
    cannot be resolved (no publication date)."""
    part_of_day: str | None = None
    """``morning``, ``noon``, ``afternoon``, ``evening``, ``night``, ``dawn``, ``midnight``."""
    offset: str | None = None
    """For relative expressions: the offset from publication (``-P1D``), kept even when resolved."""
    direction: str | None = None
    """``past`` / ``future`` for vague or open expressions (``خلال الأيام القليلة الماضية``)."""
    valid: bool = True
    """False for a date that does not exist (``31 فبراير``, year 0): its value is then None."""
    hijri: str | None = None
    """For Hijri dates: the Hijri date as written, ``1436-09`` or ``1436-09-01``."""
    mod: str | None = None
    """``start``, ``mid`` or ``end`` of the value (``أوائل آذار``, ``منتصف الشهر``,
    ``أواخر العام``)."""


@dataclass(frozen=True, slots=True)
class Count:
    """A figure attached to an event in a role (killed, injured, detained, troops, damage…)."""

    start: int
    end: int
    surface: str
    role: str
    value: float
    qualifier: str = "exact"
    value_max: float | None = None
    unit: str | None = None
    group: Span | None = None
    """Who or what is counted (``متظاهراً`` → protesters)."""
    claim: str | None = None
    """Id of the claim the figure is reported in (its speaker, channel and stance), if any."""


@dataclass(frozen=True, slots=True)
class Event:
    start: int
    end: int
    surface: str
    """The trigger (``قُتلوا``, ``مقتل``, ``تظاهرات``)."""
    id: str
    type: str
    """PLOVER event type (``ASSAULT``, ``PROTEST``, ``COERCE`` …)."""
    mode: str | None = None
    """PLOVER mode (``firearms``, ``arrest``, ``demo`` …)."""
    label: str = ""
    """English label of type and mode."""
    acled_event_type: str | None = None
    acled_sub_event_type: str | None = None
    modality: str = "asserted"
    """``asserted``, ``negated``, ``planned`` (future), ``hypothetical``, ``reported``."""
    sentence: int = 0
    """Index into ``Document.sentences``."""
    actor: Span | None = None
    target: Span | None = None
    place: Span | None = None
    place_link: str | None = None
    place_inferred: bool = False
    time: Span | None = None
    date: str | None = None
    """Resolved ISO date (or partial date) of the event."""
    date_inferred: bool = False
    counts: tuple[Count, ...] = ()
    claim: str | None = None
    """Id of the claim the event is reported in, if any."""
    summary: str = ""
    tense: str = "past"
    """``past`` (past verb), ``present`` (imperfect: habitual or ongoing), ``future`` (سـ) or
    ``none`` (an event noun)."""
    background: bool = False
    """The trigger refers to an earlier or generic event (جريمة اغتيال), not the news."""
    anchored: bool = False
    """The sentence anchors the event: a past verb, a multiword trigger, a happening verb next to
    it, a figure, or a second word for the same kind of event. A factual, anchored event is
    *reported* news."""


@dataclass(frozen=True, slots=True)
class Claim:
    start: int
    end: int
    surface: str
    id: str
    stance: str = "assert"
    """``assert``, ``deny``, ``retract``, ``estimate``."""
    speaker: Span | None = None
    via: Span | None = None
    verb: Span | None = None
    content: Span | None = None
    date: str | None = None


# --------------------------------------------------------------------------- the document

ANNOTATION_FIELDS = ("sentences", "tokens", "entities", "quantities", "times", "events", "claims")


@dataclass(frozen=True)
class Document:
    """Original text, publication metadata and the annotations the stages add.

    ``text`` is never altered. ``id`` is a stable content id (a hash of the normalised text),
    filled in automatically when not given.
    """

    text: str
    published: date | datetime | None = None
    source: str | None = None
    url: str | None = None
    title: str | None = None
    language: str = "ar"
    id: str = ""
    sentences: tuple[Sentence, ...] = ()
    tokens: tuple[Token, ...] = ()
    entities: tuple[Entity, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    times: tuple[Time, ...] = ()
    events: tuple[Event, ...] = ()
    claims: tuple[Claim, ...] = ()
    meta: Mapping[str, Any] = field(default_factory=dict)
    """Extra metadata from the reader (author, trafilatura fields…): JSON values only."""

    def __post_init__(self) -> None:
        if not isinstance(self.text, str):
            raise InputError(f"Document text must be str, got {type(self.text).__name__}")
        if not self.id:
            object.__setattr__(self, "id", content_id(self.text))

    @cached_property
    def normalised(self) -> NormalisedText:
        """The normalised matching view of ``text`` with its offset map (computed once)."""
        from rasd.text import normalise

        return normalise(self.text)

    def span(self, start: int, end: int, label: str | None = None) -> Span:
        """A `Span` of the original text."""
        return Span(start, end, self.text[start:end], label)

    def annotations(self) -> Iterator[Any]:
        """Every top-level annotation, all kinds."""
        for name in ANNOTATION_FIELDS:
            yield from getattr(self, name)

    def to_dict(self, *, tokens: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = _encode(self)
        out["schema_version"] = SCHEMA_VERSION
        if not tokens:
            out["tokens"] = []
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Document:
        if not isinstance(data, Mapping) or "text" not in data:
            raise InputError("a document needs a JSON object with a 'text' field")
        data = {k: v for k, v in data.items() if k != "schema_version"}
        try:
            return _decode(cls, data)
        except (TypeError, ValueError, KeyError) as err:
            raise InputError(f"not a valid rasd document: {err}") from err

    def to_json(self, *, indent: int | None = None, tokens: bool = True) -> str:
        return json.dumps(self.to_dict(tokens=tokens), ensure_ascii=False, indent=indent)

    @classmethod
    def from_json(cls, text: str) -> Document:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            raise InputError(f"not valid JSON: {err}") from err
        return cls.from_dict(data)


def content_id(text: str) -> str:
    """Stable id of a text: SHA-256 of its normalised matching view, 16 hex digits."""
    from rasd.text import normalise

    try:
        data = normalise(text).text.encode("utf-8")
    except UnicodeEncodeError as err:  # a lone surrogate, e.g. from a JSON "\\ud800" escape
        raise InputError(
            f"text is not valid Unicode (lone surrogate U+{ord(err.object[err.start]):04X}); "
            "fix the input's encoding or JSON escapes"
        ) from err
    digest = hashlib.sha256(data).hexdigest()
    return digest[:16]


def iter_spans(obj: Any) -> Iterator[Any]:
    """Every object with ``start``/``end``/``surface`` inside a document or annotation, nested ones
    included (for the offset invariant ``doc.text[a.start:a.end] == a.surface``)."""
    if isinstance(obj, Document):
        for ann in obj.annotations():
            yield from iter_spans(ann)
        return
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        if hasattr(obj, "start") and hasattr(obj, "surface"):
            yield obj
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if isinstance(value, tuple):
                for item in value:
                    yield from iter_spans(item)
            elif dataclasses.is_dataclass(value):
                yield from iter_spans(value)


# ----------------------------------------------------------------- generic (de)serialisation


def _encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _encode(v) for k, v in value.items()}
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _decode(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if set(args) == {date, datetime}:
            return _decode_date(value)
        return _decode(args[0], value) if len(args) == 1 else value
    if origin is tuple:
        (item_tp, *_) = typing.get_args(tp)
        return tuple(_decode(item_tp, v) for v in value)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        hints = _hints(tp)
        names = {f.name for f in dataclasses.fields(tp) if f.init}
        unknown = set(value) - names
        if unknown:
            raise ValueError(f"unknown field(s) {sorted(unknown)} for {tp.__name__}")
        return tp(**{k: _decode(hints[k], v) for k, v in value.items()})
    if tp is float and isinstance(value, int):
        return float(value)
    if origin is not None and issubclass(origin, Mapping):
        return dict(value)
    return value


def _decode_date(value: str) -> date | datetime:
    if "T" in value or " " in value:
        return datetime.fromisoformat(value)
    return date.fromisoformat(value)


def parse_published(value: str | date | datetime | None, *, name: str = "published") -> Any:
    """Parse a publication date given on the command line or in JSON (ISO 8601)."""
    if value is None or isinstance(value, date):
        return value
    value = value.strip()
    if not value:
        return None
    try:
        return _decode_date(value)
    except ValueError as err:
        raise InputError(
            f"{name}: {value!r} is not an ISO date (YYYY-MM-DD[THH:MM[+HH:MM]])"
        ) from err
