"""The Arabic lexicons of the quantities stage, loaded once from ``rasd/quantities_data/*.tsv``,
the regular expressions built from them, and the lookup of a table's phrases just before or
after a position of a normalised text.

Every form is normalised the way `rasd.text.normalise` normalises a document (alef variants, ى→ي,
no harakat), so the patterns match the normalised view of a text. Word lists are compiled as
prefix tries (one alternation per shared prefix), which keeps the single scan over a document fast.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any, Generic, TypeVar

from rasd.errors import ModelDataError
from rasd.text import normalise_text

DATA_PACKAGE = "rasd.quantities_data"

T = TypeVar("T")

ARABIC_LETTER = "\u0621-\u063a\u0641-\u064a"
"""Letters of the normalised view (tatweel and harakat are gone there)."""


def read_table(name: str) -> list[dict[str, str]]:
    """Rows of a bundled TSV: ``#`` lines are comments, the first other line is the header."""
    try:
        text = resources.files(DATA_PACKAGE).joinpath(name).read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError) as err:
        raise ModelDataError(
            f"{DATA_PACKAGE}/{name}: missing from the installed package; reinstall rasd"
        ) from err
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    header = lines[0].split("\t")
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        cells = line.split("\t")
        cells += [""] * (len(header) - len(cells))  # trailing empty cells may be left out
        if len(cells) != len(header):
            raise ModelDataError(
                f"{DATA_PACKAGE}/{name}: data line {number} has {len(cells)} cells, the header "
                f"{len(header)}; fix the tabs in that line"
            )
        rows.append(dict(zip(header, cells, strict=True)))
    return rows


def spellings(form: str, *, accusative: bool = False) -> Iterator[str]:
    """The normalised form, its ة→ه spelling, and for a counted noun (``accusative``) its ـا
    form (جنديا) and the construct form of a long sound plural (مقاتلين → مقاتلي)."""
    norm = normalise_text(form)
    yield norm
    if accusative and norm.endswith("ين") and len(norm) >= 6 and " " not in norm:
        yield norm[:-1]
    if norm.endswith("ة"):
        yield norm[:-1] + "ه"
    if accusative and norm[-1:] not in ("ة", "ا") and " " not in norm:
        yield norm + "ا"


def trie_pattern(words: Iterable[str]) -> str:
    """A regex alternation of ``words`` factored as a prefix trie (longest alternatives first)."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = True
    return _trie_regex(trie)


def _trie_regex(node: dict[str, Any]) -> str:
    branches = [re.escape(ch) + _trie_regex(child) for ch, child in node.items() if ch]
    branches.sort(key=len, reverse=True)
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:
        return "(?:" + body + ")?"
    return body


class Phrases(Generic[T]):
    """A phrase table with the first and last words of its phrases, to reject a position after
    looking at one word."""

    __slots__ = ("first", "last", "size", "table")

    def __init__(self, table: dict[str, T]) -> None:
        self.table = table
        split = [phrase.split(" ") for phrase in table]
        self.first = frozenset(words[0] for words in split)
        self.last = frozenset(words[-1] for words in split)
        self.size = max(len(words) for words in split)


@dataclass(frozen=True, slots=True)
class Word:
    value: float
    type: str
    """A type of numbers.tsv, or ``ordinal``."""
    dialect: str = ""
    """``eg``: an Egyptian form, not read with the article or ب ل ك ف (المتين is "the solid");
    ``eg-msa``: one that is also an MSA word (نص "text"), read only in a compound or with a
    unit."""


@dataclass(frozen=True, slots=True)
class Unit:
    unit: str
    count: float
    dimension: str
    factor: float


@dataclass(frozen=True, slots=True)
class Counted:
    label: str
    kind: str


@dataclass(frozen=True)
class Lexicon:
    words: dict[str, Word]
    qualifiers_before: dict[str, str]
    qualifiers_after: dict[str, str]
    currencies: dict[str, str]
    country_currency: dict[str, str]
    units: dict[str, Unit]
    counted: dict[str, Counted]
    contexts: dict[str, str]

    @classmethod
    def builtin(cls) -> Lexicon:
        words: dict[str, Word] = {}
        for row in read_table("numbers.tsv"):
            for form in spellings(row["form"]):
                words[form] = Word(float(row["value"]), row["type"], row["dialect"])
        for row in read_table("ordinals.tsv"):
            for form in spellings(row["form"]):
                words.setdefault(form, Word(float(row["value"]), "ordinal"))
        before: dict[str, str] = {}
        after: dict[str, str] = {}
        for row in read_table("qualifiers.tsv"):
            table = before if row["position"] == "before" else after
            for form in spellings(row["phrase"]):
                table[form] = row["qualifier"]
        units: dict[str, Unit] = {}
        for row in read_table("units.tsv"):
            unit = Unit(row["unit"], float(row["count"]), row["dimension"], float(row["factor"]))
            for form in spellings(row["form"], accusative=True):
                units.setdefault(form, unit)
        counted: dict[str, Counted] = {}
        for row in read_table("counted.tsv"):
            entry = Counted(row["label"], row["kind"])
            accusative = row["kind"] != "group"
            for form in row["forms"].split(","):
                for spelling in spellings(form, accusative=accusative):
                    counted.setdefault(spelling, entry)
        return cls(
            words=words,
            qualifiers_before=before,
            qualifiers_after=after,
            currencies=_currencies(),
            country_currency=_adjectives(),
            units=units,
            counted=counted,
            contexts=_pairs("contexts.tsv", "phrase", "role"),
        )


def _pairs(name: str, key: str, value: str) -> dict[str, str]:
    return {form: row[value] for row in read_table(name) for form in spellings(row[key])}


def _currencies() -> dict[str, str]:
    """Currency words and symbols, plus every ISO code named in the tables (``KWD``)."""
    table = _pairs("currencies.tsv", "form", "code")
    codes = {row["code"] for row in read_table("country_currency.tsv")}
    codes.update(code for code in table.values() if len(code) == 3 and code.isupper())
    table.update({code: code for code in codes})
    return table


def _adjectives() -> dict[str, str]:
    table = {}
    for row in read_table("country_currency.tsv"):
        base = normalise_text(row["adjective"])
        for form in (base, base + "ا", base + "ة", base + "ه", base + "ين"):
            table[form] = row["code"]
    return table


# --------------------------------------------------------------- phrases around a position

# Words of the normalised text as the phrase tables see them: abbreviations (ج.م), Arabic and
# Latin words (US$), numbers, and any other single character ($ % €).
_TOKEN = re.compile(
    rf"[{ARABIC_LETTER}](?:\.[{ARABIC_LETTER}])+\.?|[{ARABIC_LETTER}]+"
    r"|[A-Za-z]+(?:\$)?|[0-9]+(?:[.,][0-9]+)*|[^\s]"
)
_PROCLITIC = re.compile(r"^(?:[وف]?[بل]|[وف])(?=..)")
_WINDOW = 60
_SHORT = 20
"""Longer than any word of the tables: enough to read the last word before a position."""


def tokens_after(n: str, pos: int, limit: int = 5) -> list[re.Match[str]]:
    """Up to ``limit`` tokens of ``n`` from ``pos`` on (within a short window)."""
    out = []
    for m in _TOKEN.finditer(n, pos, min(len(n), pos + _WINDOW)):
        out.append(m)
        if len(out) == limit:
            break
    return out


def tokens_before(n: str, pos: int, limit: int = 5) -> list[re.Match[str]]:
    """The last ``limit`` tokens of ``n`` before ``pos`` (within a short window)."""
    return list(_TOKEN.finditer(n, max(0, pos - _WINDOW), pos))[-limit:]


def phrase_after(
    n: str, pos: int, phrases: Phrases[T], *, clitics: bool = False
) -> tuple[int, T, int] | None:
    """(end, value, start) of the longest phrase of ``phrases`` starting at the first token after
    ``pos`` (only spaces in between)."""
    first = _TOKEN.search(n, pos, pos + _WINDOW)
    if first is None or n[pos : first.start()].strip():
        return None
    word = first.group()
    if word not in phrases.first and not (clitics and _PROCLITIC.sub("", word) in phrases.first):
        return None
    tokens = tokens_after(n, pos, phrases.size)
    for size in range(len(tokens), 0, -1):
        phrase = " ".join(t.group() for t in tokens[:size])
        for key in _variants(phrase, clitics):
            if key in phrases.table:
                return tokens[size - 1].end(), phrases.table[key], tokens[0].start()
    return None


def phrase_before(
    n: str, pos: int, phrases: Phrases[T], *, clitics: bool = True
) -> tuple[int, T] | None:
    """(start, value) of the longest phrase of ``phrases`` ending just before ``pos``."""
    tail = list(_TOKEN.finditer(n, max(0, pos - _SHORT), pos))  # the last word first: cheap
    if not tail or n[tail[-1].end() : pos].strip(" \t"):
        return None
    last = tail[-1].group()
    if last not in phrases.last and not (clitics and _PROCLITIC.sub("", last) in phrases.last):
        return None
    tokens = tokens_before(n, pos, phrases.size)
    for size in range(len(tokens), 0, -1):
        phrase = " ".join(t.group() for t in tokens[-size:])
        for key in _variants(phrase, clitics):
            if key in phrases.table:
                return tokens[-size].start(), phrases.table[key]
    return None


def _variants(phrase: str, clitics: bool) -> tuple[str, ...]:
    if not clitics:
        return (phrase,)
    stripped = _PROCLITIC.sub("", phrase)
    return (phrase, stripped) if stripped != phrase else (phrase,)


def phrase_before_word(n: str, pos: int, phrases: Phrases[T]) -> tuple[int, T] | None:
    """A one-word entry of ``phrases`` (an Arabic word) right before ``pos``."""
    found = phrase_before(n, pos, phrases, clitics=False)
    return found if found is not None and n[found[0]].isalpha() else None
