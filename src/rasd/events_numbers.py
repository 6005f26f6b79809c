"""Figures for the events stage, with the token indices they cover.

The events stage requires the quantities stage: its cardinals and money amounts are the counts
(number words, "نحو", "عشرات" and Arabic-Indic digits are read there, once). Years, clock times and
measures are never counts.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from rasd.document import Document


@dataclass(frozen=True, slots=True)
class NumberRef:
    """A figure in the text, with the token indices it covers."""

    first: int
    last: int
    start: int
    end: int
    value: float
    qualifier: str = "exact"
    value_max: float | None = None
    unit: str | None = None
    kind: str = "cardinal"


def find_numbers(doc: Document) -> tuple[NumberRef, ...]:
    """Figures of the document with token indices, from ``doc.quantities`` (cardinals and money;
    dates, times and measures are not counts)."""
    starts = [t.start for t in doc.tokens]
    refs = []
    for q in doc.quantities:
        if q.kind not in {"cardinal", "money"}:
            continue
        first = bisect_left(starts, q.start)
        last = max(first, bisect_left(starts, q.end) - 1)
        refs.append(
            NumberRef(
                first, last, q.start, q.end, q.value, q.qualifier, q.value_max, q.unit, q.kind
            )
        )
    return tuple(refs)
