"""The Arabic lexicons of the quantities stage, loaded once from ``rasd/quantities_data/*.tsv``,
and the regular expressions built from them.

Every form is normalised the way `rasd.text.normalise` normalises a document (alef variants, ى→ي,
no harakat), so the patterns match the normalised view of a text. Word lists are compiled as
prefix tries (one alternation per shared prefix), which keeps the single scan over a document fast.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any

from rasd.errors import ModelDataError
from rasd.text import normalise_text

DATA_PACKAGE = "rasd.quantities_data"

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
        if len(cells) != len(header):
            raise ModelDataError(
                f"{DATA_PACKAGE}/{name}: data line {number} has {len(cells)} cells, the header "
                f"{len(header)}; fix the tabs in that line"
            )
        rows.append(dict(zip(header, cells, strict=True)))
    return rows


def spellings(form: str, *, accusative: bool = False) -> Iterator[str]:
    """The normalised form, its ة→ه spelling, and (``accusative``) its ـا form (جنديا)."""
    norm = normalise_text(form)
    yield norm
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


@dataclass(frozen=True, slots=True)
class Word:
    value: float
    type: str
    """A type of numbers.tsv, or ``ordinal``."""


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
                words[form] = Word(float(row["value"]), row["type"])
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
            for form in spellings(row["form"]):
                units[form] = unit
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
