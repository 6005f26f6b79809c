"""Bundled lexicon files and longest-match lookup of multi-word phrases over tokens.

Lexicons (gazetteer, names, organisations) live in ``rasd/entities_data``; `read_table` reads a
TSV (optionally gzip'd) skipping ``#`` comments. `PhraseIndex` finds, at a token position, the
longest phrase of a table, trying the clitic-stripped stems of the first token (``بكازاخستان`` →
``كازاخستان``) so that prefixes need no entries of their own.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from importlib import resources
from typing import Generic, TypeVar

from rasd.errors import ModelDataError
from rasd.text import clitic_candidates, normalise_text

V = TypeVar("V")
DATA_PACKAGE = "rasd.entities_data"
_NON_LETTER = re.compile("[^\u0621-\u063a\u0641-\u064a0-9A-Za-z]+")


def read_table(name: str) -> Iterator[list[str]]:
    """Rows of a bundled TSV (``.tsv`` or ``.tsv.gz``), comments and blank lines skipped."""
    try:
        data = resources.files(DATA_PACKAGE).joinpath(name).read_bytes()
        if name.endswith(".gz"):
            data = gzip.decompress(data)
        text = data.decode("utf-8")
    except (OSError, EOFError, UnicodeDecodeError) as err:
        raise ModelDataError(
            f"bundled lexicon {name!r} is missing or corrupt ({err}); reinstall rasd or rebuild "
            "it with the scripts in scripts/"
        ) from err
    for line in text.splitlines():
        if line and not line.startswith("#"):
            yield line.split("\t")


@cache
def frequent_words(limit: int) -> frozenset[str]:
    """The ``limit`` most frequent SaudiNewsNet words (``snn_word_stats.tsv``, most frequent
    first): not names on their own, for the entities stage and the NER post-pass alike."""
    rows = zip(range(limit), read_table("snn_word_stats.tsv"), strict=False)
    return frozenset(row[0] for _, row in rows)


def phrase_key(text: str) -> tuple[str, ...]:
    """The token norms of a lexicon phrase (normalised, split on anything but letters/digits)."""
    return tuple(_NON_LETTER.sub(" ", normalise_text(text)).split())


class PhraseIndex(Generic[V]):
    """Phrases (tuples of token norms) → values, with longest-match lookup at a token position."""

    __slots__ = ("heads", "max_len", "table")

    def __init__(self, entries: Iterable[tuple[tuple[str, ...], V]]) -> None:
        self.table: dict[tuple[str, ...], V] = {}
        for key, value in entries:
            if key:
                self.table.setdefault(key, value)
        self.heads = frozenset(key[0] for key in self.table)
        self.max_len = max((len(k) for k in self.table), default=0)

    def __len__(self) -> int:
        return len(self.table)

    def get(self, key: tuple[str, ...]) -> V | None:
        return self.table.get(key)

    def longest(self, norms: Sequence[str], i: int) -> tuple[int, V] | None:
        """``(number of tokens, value)`` of the longest phrase starting at ``norms[i]``."""
        top = min(self.max_len, len(norms) - i)
        for head in clitic_candidates(norms[i]):
            if head not in self.heads or not proclitic_only(norms[i], head):
                continue
            for n in range(top, 0, -1):
                value = self.table.get((head, *norms[i + 1 : i + n]))
                if value is not None:
                    return n, value
        return None


def proclitic_only(norm: str, stem: str) -> bool:
    """Is ``stem`` ``norm`` without proclitics only (و، ف، ب، ل، لل), not without a pronoun suffix
    (``المصري`` is not ``مصر`` + ي) nor the preposition ك (``كبيرا`` is not ``ك`` + Beira)?"""
    if norm.endswith(stem):
        return "ك" not in norm[: len(norm) - len(stem)]
    return stem.startswith("ال") and "لل" in norm[:4] and norm.endswith(stem[2:])
