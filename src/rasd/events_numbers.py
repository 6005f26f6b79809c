"""Figures for the events stage, with the token indices they cover.

From the quantities stage when it has run (times excluded); otherwise a small fallback reads
digits and the commonest number words (``events_data/numbers.tsv``) so that counts still work on a
document that only has tokens. Years, clock times and measures are never counts.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from functools import cache
from importlib import resources

from rasd.document import Document, Token
from rasd.text import normalise_text

_SYMBOLS = frozenset({"%", "٪", "/", "-", ":"})


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


@cache
def _number_words() -> dict[str, str]:
    text = resources.files("rasd.events_data").joinpath("numbers.tsv").read_text("utf-8")
    table: dict[str, str] = {}
    for line in text.splitlines()[1:]:
        if not line or line.startswith(("#", "forms")):
            continue
        forms, value = line.split("\t")
        for form in forms.split("|"):
            key = normalise_text(form)
            if value.startswith("scale:"):
                table.setdefault("scale:" + key, value[6:])
            else:
                table.setdefault(key, value)
    return table


def find_numbers(doc: Document) -> tuple[NumberRef, ...]:
    """Figures of the document with token indices: from ``doc.quantities`` when present (times
    excluded), else from the fallback reader."""
    starts = [t.start for t in doc.tokens]
    if doc.quantities:
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
    return tuple(_fallback_numbers(doc.tokens))


def _fallback_numbers(tokens: tuple[Token, ...]) -> list[NumberRef]:
    words = _number_words()
    refs = []
    i = 0
    while i < len(tokens):
        ref = _read_number(tokens, i, words)
        if ref is None:
            i += 1
            continue
        if not _is_date_or_measure(tokens, ref):
            refs.append(ref)
        i = ref.last + 1
    return refs


def _is_date_or_measure(tokens: tuple[Token, ...], ref: NumberRef) -> bool:
    """A year (عام 2013), a clock time (0300), or a measure (45 يوماً، 20 كلم): not a count."""
    token = tokens[ref.first]
    before = tokens[ref.first - 1].norm if ref.first else ""
    after = tokens[ref.last + 1] if ref.last + 1 < len(tokens) else None
    if token.kind == "number" and token.norm.startswith("0"):
        return True
    words = _number_words()
    if words.get(before) == "context:date" or (after is not None and after.norm in _SYMBOLS):
        return True
    return after is not None and any(words.get(s) == "context:measure" for s in after.stems())


def _word_value(token: Token, words: dict[str, str]) -> str | None:
    for stem in token.stems() if token.kind == "word" else ():
        value = words.get(stem)
        if value is not None and not value.startswith(("qualifier", "context")):
            return value
    return None


def _read_number(tokens: tuple[Token, ...], i: int, words: dict[str, str]) -> NumberRef | None:
    token = tokens[i]
    qualifier = "exact"
    if token.kind == "number":
        try:
            value = float(token.norm.replace(",", ""))
        except ValueError:
            return None
    else:
        word = _word_value(token, words)
        if word is None:
            return None
        if word.startswith("vague:"):
            value, qualifier = float(word[6:]), "vague"
        else:
            value = float(word)
    last = i
    if last + 1 < len(tokens):
        scale = words.get("scale:" + tokens[last + 1].norm)
        if scale is not None:
            value *= float(scale)
            last += 1
    first = i
    before = _qualifier_before(tokens, i, words)
    if before is not None:
        first, qualifier = before
    unit = None
    kind = "cardinal"
    if last + 1 < len(tokens) and tokens[last + 1].norm in {"يورو", "دولار", "ريال", "$", "€"}:
        unit = {"يورو": "EUR", "€": "EUR", "ريال": "SAR"}.get(tokens[last + 1].norm, "USD")
        kind = "money"
        last += 1
    return NumberRef(
        first, last, tokens[first].start, tokens[last].end, value, qualifier, None, unit, kind
    )


def _qualifier_before(
    tokens: tuple[Token, ...], i: int, words: dict[str, str]
) -> tuple[int, str] | None:
    for back in (1, 2, 3):
        j = i - back
        if j < 0:
            return None
        value = words.get(tokens[j].norm) or words.get(tokens[j].stems()[-1])
        if value and value.startswith("qualifier:"):
            return j, value[10:]
        if tokens[j].norm not in {"من", "عن", "ما"}:
            return None
    return None
