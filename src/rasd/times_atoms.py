"""The atoms of time expressions: the time words the lexicon regex finds, and a cursor over them.

`find_atoms` lists the time words of a normalised text; `Parts` holds the pieces of one
expression (a weekday, a day, a month, a year, a clock time, a count of units …) as the rules of
`rasd.times_parse` and `rasd.times_dates` read them. Two atoms belong to one expression when only
spaces, punctuation of dates (``/ ( ) - ،``) and a few glue words (من، في، الموافق) lie between
them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from rasd.times_lexicon import Lexicon

GAP = re.compile(
    r"[\s،,/()«»\-]*(?:(?:من|في|الموافق|بتاريخ|عند|حوالي|نحو|قرابه|قرابة|بحدود"
    r"|اكثر من|اقل من)[\s،,]+"
    r"[\s،,/()«»\-]*)?(?:ال)?"
)
MAX_GAP = 16
_YEAR_BEFORE = re.compile(r"(?<![\u0621-\u064a])[وف]?(?:في|منذ|حتي|حتى|بحلول)\s+$")
_TWO_BEFORE = re.compile(r"(?<![\u0621-\u064a])(?:بين|هذين|هذان|هاتين|كلا|لكلا)\s+$")
_TIGHT = re.compile(r"\s*(?:من\s+)?")
_MONTH_BEFORE = re.compile(
    r"(?<![\u0621-\u064a])[وف]?(?:في|خلال|منذ|حتي|حتى|طوال|طيلة|قبل|بعد|اواخر|اوائل)\s+$"
)
_YEAR_AFTER = re.compile(r"\s*(?:[^\u0621-\u064a\s]|و|$)")
AND = re.compile(r"\s*و\s*")
RANGE = re.compile(r"\s*(?:-|–|الي|الى|حتي|وحتي|حتى|وحتى|لغايه|ولغايه|لغاية|ولغاية)\s*")
ISO_DATE = re.compile(r"\d{4}[-/]")


@dataclass(slots=True)
class Atom:
    start: int
    """Start of the word itself (after any proclitic) in the normalised text."""
    end: int
    pre: str
    word: str
    cats: dict[str, Any]


@dataclass(slots=True)
class Parts:
    """The pieces of one time expression (normalised offsets), before resolution."""

    start: int
    end: int
    kind: str = "date"
    """``date``, ``relative`` (days from the reference), ``unit`` (a unit ± steps), ``count``
    (N units ago / after / for), ``vague``, ``clock`` (a time of day alone)."""
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    hijri: bool = False
    year_hijri: bool = False
    part: str | None = None
    clock: str | None = None
    hour: int | None = None
    minute: int | None = None
    second: int | None = None
    days: int | None = None
    unit: str | None = None
    count: int | None = None
    step: int | None = None
    role: str | None = None
    direction: str | None = None
    edge: str | None = None
    nth: int | None = None
    """The n-th ``weekday`` of the month (-1: the last), or with no weekday the last day."""
    year_step: int | None = None
    """The year relative to the reference (السنة القادمة: 1) when no year is written."""
    day_to: int | None = None
    """The last day of a day range in one month (13 الى 15 تموز)."""
    anaphoric: bool = False
    """Counted from the narrative rather than publication (اليوم التالي، الأسبوع السابق)."""
    to: Parts | None = None
    """The end of a range (من 13 تموز الى 15 تموز، من الساعة 3 الى الساعة 4)."""


def find_atoms(norm: str, lexicon: Lexicon, starts: Iterable[int] | None = None) -> list[Atom]:
    """Every time word and number of a normalised text, in order. Given ``starts`` (the
    normalised offsets of the words that may begin one, in order), the lexicon regex is tried
    there only, which is much faster than scanning the whole text."""
    if starts is None:
        matches: Iterable[re.Match[str] | None] = lexicon.pattern.finditer(norm)
    else:
        matches = _matches_at(norm, lexicon.pattern, starts)
    atoms = []
    for m in matches:
        if m is None:
            continue
        kind = m.lastgroup
        if kind == "word":
            word = m.group("word")
            cats: dict[str, Any] = {}
            for cat, entry in lexicon.lookup(word):
                cats.setdefault(cat, entry)
            atoms.append(Atom(m.start("word"), m.end(), m.group("pre"), word, cats))
        elif kind is not None:
            text = m.group(kind)
            value: Any = int(text) if kind == "num" else text
            atoms.append(Atom(m.start(kind), m.end(kind), "", text, {kind: value}))
    return atoms


def _matches_at(
    norm: str, pattern: re.Pattern[str], starts: Iterable[int]
) -> Iterator[re.Match[str] | None]:
    end = 0
    for start in starts:
        if start >= end:
            m = pattern.match(norm, start)
            if m is not None:
                end = m.end()
            yield m


class Reader:
    """A cursor over the atoms of one text."""

    def __init__(self, norm: str, atoms: list[Atom]) -> None:
        self.norm = norm
        self.atoms = atoms

    def at(self, i: int, cat: str, prev: int | None = None) -> Any:
        """The value of category ``cat`` of atom ``i`` when it exists (and, given ``prev``, when
        it directly follows atom ``prev``), else None."""
        if i >= len(self.atoms):
            return None
        atom = self.atoms[i]
        if cat not in atom.cats:
            return None
        if prev is not None and not self.adjacent(prev, i):
            return None
        return atom.cats[cat]

    def adjacent(self, a: int, b: int) -> bool:
        first, second = self.atoms[a], self.atoms[b]
        start = second.start - len(second.pre)
        if start - first.end > MAX_GAP or start < first.end:
            return False
        return GAP.fullmatch(self.norm, first.end, start) is not None

    def conjoined(self, a: int, b: int) -> bool:
        """Is atom ``b`` joined to atom ``a`` by و (وربع، و18، و 18)?"""
        if b >= len(self.atoms):
            return False
        second = self.atoms[b]
        if second.pre == "و":
            return self.adjacent(a, b)
        return AND.fullmatch(self.norm, self.atoms[a].end, second.start) is not None

    def tight(self, a: int, b: int) -> bool:
        """Do atoms ``a`` and ``b`` follow each other with only spaces or من between?"""
        if b >= len(self.atoms):
            return False
        start = self.atoms[b].start - len(self.atoms[b].pre)
        return _TIGHT.fullmatch(self.norm, self.atoms[a].end, start) is not None

    def month_context(self, i: int) -> bool:
        """Is atom ``i`` (a month name that is also a word or a name) right after a preposition
        that takes a time (في آذار، خلال رمضان، منذ شعبان)?"""
        atom = self.atoms[i]
        start = atom.start - len(atom.pre)
        return _MONTH_BEFORE.search(self.norm, max(0, start - 8), start) is not None

    def counts_two(self, i: int) -> bool:
        """Is atom ``i`` the word الاثنين meaning "the two" (بين الاثنين، هذين الاثنين)?"""
        atom = self.atoms[i]
        if atom.word != "الاثنين":
            return False
        start = atom.start - len(atom.pre)
        return _TWO_BEFORE.search(self.norm, max(0, start - 8), start) is not None

    def bare_year(self, i: int) -> bool:
        """Is atom ``i`` a year written without عام/سنة: 4 digits 1900-2100 after في، منذ، حتى
        or بحلول, and not followed by a word it could be counting (في 2030 جندياً)?"""
        atom = self.atoms[i]
        if len(atom.word) != 4 or not 1900 <= atom.cats.get("num", 0) <= 2100:
            return False
        if not _YEAR_BEFORE.search(self.norm, max(0, atom.start - 8), atom.start):
            return False
        return _YEAR_AFTER.match(self.norm, atom.end) is not None

    def word(self, i: int) -> str:
        return self.atoms[i].word

    def gap(self, a: int, b: int) -> str:
        return self.norm[self.atoms[a].end : self.atoms[b].start]


Result = tuple[int, Parts] | None
"""What a rule returns: the index of the atom after the expression, and its parts; or None."""


def read_number(r: Reader, i: int, prev: int | None = None) -> tuple[int, int] | None:
    """A count at atom ``i``: digits or number words (ثلاث وعشرون): (next index, value)."""
    value = r.at(i, "num", prev)
    if value is None:
        value = r.at(i, "numw", prev)
        if value is None:
            return None
        tens = r.at(i + 1, "numw", i)
        if tens is not None and tens >= 20 and r.atoms[i + 1].pre == "و" and value < 10:
            return i + 2, value + tens
    return i + 1, value
