"""Annotations that start in a character range, found by binary search over a tuple in text
order, so that per-sentence and per-clause look-ups do not scan the whole document (which made
the events and claims stages quadratic in the document's length)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import replace
from itertools import pairwise
from operator import attrgetter
from typing import Any, TypeVar

from rasd.document import Document

T = TypeVar("T")
_START = attrgetter("start")


def starting_in(items: Sequence[T], lo: int, hi: int) -> Sequence[T]:
    """The items with ``lo <= item.start < hi``, in order; ``items`` must be sorted by start."""
    i = bisect_left(items, lo, key=_START)
    return items[i : bisect_left(items, hi, lo=i, key=_START)]


def _in_order(items: Sequence[Any]) -> bool:
    return all(a.start <= b.start for a, b in pairwise(items))


def in_text_order(doc: Document) -> Document:
    """``doc`` itself when its entities and times are sorted by start (as the stages make them),
    else a copy with them sorted (stable), so that `starting_in` may be used on them."""
    if _in_order(doc.entities) and _in_order(doc.times):
        return doc
    return replace(
        doc,
        entities=tuple(sorted(doc.entities, key=_START)),
        times=tuple(sorted(doc.times, key=_START)),
    )
