"""The times stage: dates, weekdays, parts of day, clock times, relative and Hijri dates and
durations, each anchored to its span and resolved against the publication date.

    >>> from rasd.pipeline import make_document
    >>> from rasd.text import segment
    >>> doc = make_document("وصل مساء الأحد 9 يناير 2022", published="2022-01-10")
    >>> doc = extract_times(segment(doc))
    >>> [(t.surface, t.value, t.part_of_day) for t in doc.times]
    [('مساء الأحد 9 يناير 2022', '2022-01-09', 'evening')]

News convention by default (``TimeOptions(direction="past")``): a bare weekday or day-month is the
most recent one on or before publication; a future tense (سـ، سوف) or المقبل/القادم points forward.
``direction="future"`` is Duckling's convention. Without a publication date relative expressions
keep their offset (``-P1D`` for أمس) and no value.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, replace
from datetime import date, datetime

from rasd.document import Document, Time
from rasd.errors import InputError
from rasd.pipeline import stage
from rasd.text import tokenize
from rasd.times_atoms import Parts, find_atoms
from rasd.times_lexicon import builtin
from rasd.times_parse import parse_atoms
from rasd.times_resolve import Reference, resolve

DIRECTIONS = ("past", "future")
# A future tense before the expression in its sentence: سوف, or سـ on an imperfect verb (ستنتهي،
# سيزور، سنعمل); the lookahead leaves out common nouns that start the same way (سياسة، سيارة،
# سياحة، سينما، سيول، سنة، سنوات، ستة، ستين، سنغافورة…).
_NOT_VERBS = (
    "ياس|يار|ياح|يطر|يناريو|يناء|ينما|يول|يدة|يدي|يد\b|يرة|يف\b|يل\b|يبير|يرين|يراليون"
    "|تة|تين|تار|ترة|توك|تمائة|نة|نو|نين|نغاف|ناتور|نتر|نترال|نتيم|ندات|ند\b"
)
_FUTURE = re.compile(
    rf"(?<![\u0621-\u064a])(?:سوف|س(?!{_NOT_VERBS})[يتن][\u0621-\u064a]{{3,}})"
    r"(?![\u0621-\u064a])"
)
_SENTENCE_END = re.compile(r"[.!?؟\n]")
_TENSE_WINDOW = 80


@dataclass(frozen=True, slots=True)
class TimeOptions:
    """How time expressions are resolved.

    ``direction``: ``past`` (news: a bare "الإثنين" is the latest Monday on or before publication)
    or ``future`` (Duckling: the next one). ``tense``: let a future tense in the sentence (سـ،
    سوف) turn the default direction forward. ``anaphoric``: resolve اليوم التالي، الأسبوع السابق
    against publication too (Duckling does); by default they keep their offset and no value, since
    in news they count from the last date the story told.
    """

    direction: str = "past"
    tense: bool = True
    anaphoric: bool = False

    def __post_init__(self) -> None:
        if self.direction not in DIRECTIONS:
            raise InputError(
                f"TimeOptions: direction {self.direction!r} is not one of {DIRECTIONS}"
            )


DEFAULT_OPTIONS = TimeOptions()


@stage(name="times", requires=("tokens",), assigns=("times",))
def extract_times(doc: Document) -> Document:
    """Add the time expressions of a document, resolved against ``doc.published``."""
    return replace(doc, times=find_times(doc))


def find_times(doc: Document, options: TimeOptions = DEFAULT_OPTIONS) -> tuple[Time, ...]:
    """The time expressions of ``doc`` (any stage: only its text and ``published`` are read)."""
    norm = doc.normalised
    lexicon = builtin()
    tokens = doc.tokens or tuple(tokenize(doc.text))
    first_words = lexicon.first_words
    starts = [
        bisect_left(norm.starts, t.start)
        for t in tokens
        if t.kind == "number" or t.norm in first_words
    ]
    atoms = find_atoms(norm.text, lexicon, starts)
    if not atoms:
        return ()
    day, moment = reference_of(doc.published)
    times = []
    for parts in parse_atoms(norm.text, atoms):
        direction = options.direction
        if options.tense and direction == "past" and _future_tense(norm.text, parts):
            direction = "future"
        fields = resolve(parts, Reference(day, moment, direction, options.anaphoric))
        start, end = norm.to_original(parts.start, parts.end)
        end = _balance_parenthesis(doc.text, start, end)
        times.append(Time(start=start, end=end, surface=doc.text[start:end], **fields))
    return tuple(times)


def reference_of(published: date | datetime | None) -> tuple[date | None, datetime | None]:
    """The reference day and, when the publication time is known, the moment (zone dropped)."""
    if isinstance(published, datetime):
        return published.date(), published.replace(tzinfo=None)
    return published, None


def _balance_parenthesis(text: str, start: int, end: int) -> int:
    """Take in the ")" that closes a "(" inside the span: اليوم (الاثنين) ، يوليو (تموز)."""
    if text.count("(", start, end) > text.count(")", start, end) and text[end : end + 1] == ")":
        return end + 1
    return end


def _future_tense(norm: str, parts: Parts) -> bool:
    begin = max(0, parts.start - _TENSE_WINDOW)
    window = norm[begin : parts.start]
    ends = [m.end() for m in _SENTENCE_END.finditer(window)]
    if ends:
        window = window[ends[-1] :]
    return _FUTURE.search(window) is not None
