"""The quantities stage: numbers, number words, money, percentages, measures and what they count.

Two compiled regexes find every number atom in the normalised view of a text (digits in any script
are already 0-9 there; number words with their clitics are one prefix trie);
`rasd.quantities_words.combine` joins atoms into numbers; this module then reads the few words
around each number: a qualifier before it (نحو، أكثر من، بين … و …), and after it a currency, a
unit, a percent sign or the noun it counts (or, before it, the noun of a tally: عدد القتلى).
Numbers that name things (المادة 5، phone numbers) or belong to a date (10 يناير 2022; every span
the times stage claimed) are dropped. Offsets are mapped back to the original text.

Values follow ACLED's conventions for vague figures: عشرات = 10, مئات = 100, آلاف = 1000 (qualifier
``vague``); بضعة / عدة = 3 with ``value_max`` 9 (qualifier ``few``: three to nine, as بضع means).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from rasd.document import Document, Quantity, Span
from rasd.pipeline import stage
from rasd.quantities_counted import counted_after, counted_before, noun_before, product_after
from rasd.quantities_lexicon import (
    ARABIC_LETTER,
    Phrases,
    Unit,
    phrase_after,
    phrase_before,
    phrase_before_word,
    tokens_after,
    tokens_before,
    trie_pattern,
)
from rasd.quantities_words import LEXICON, Atom, Number, combine, find_atoms
from rasd.text import NormalisedText, normalise


@dataclass(frozen=True, slots=True)
class QuantityOptions:
    """What the stage reports."""

    ordinals: bool = True
    """Report ordinals (kind ``ordinal``); off: only amounts."""
    counted: bool = True
    """Look for the noun each number counts."""


DEFAULT_OPTIONS = QuantityOptions()

_PHONE = re.compile(
    r"(?:\+|\b00)[0-9][0-9 \-]{6,}[0-9]"
    r"|\b0[0-9]{8,}\b"
    r"|\b0[0-9]{1,3}[ \-][0-9]{3,4}[ \-][0-9]{3,4}\b"
)
_CLOCK = re.compile(r"[0-9][:/][0-9]|[:/][0-9]")
_FRACTION = re.compile(r"(-?)([0-9]+)/([0-9]+)(?![0-9/])")
_RANGE_DASH = re.compile(r"\s*[\u2013\-]\s*(?:\$\s*)?")
_BETWEEN = re.compile(rf"(?<![{ARABIC_LETTER}])(?:ما\s+|فيما\s+)?[وف]?بين\s*$")
_FROM = re.compile(rf"(?<![{ARABIC_LETTER}])[وف]?من\s*$")
_TO = re.compile(r"\s*(?:الي|حتي|ل)\s*")
_AND = re.compile(r"\s*و\s*")
_OR = re.compile(r"\s+او\s+")
_PERCENT_BEFORE = re.compile(r"[%٪]\s?$")
_CENTS = re.compile(r"\s*و?\s*(?P<c>[0-9]{1,2})(?![0-9.,])")
_CONTEXTS = Phrases(LEXICON.contexts)
_BEFORE = Phrases(LEXICON.qualifiers_before)
_AFTER = Phrases(LEXICON.qualifiers_after)
_CURRENCIES = Phrases(LEXICON.currencies)
_COUNTRIES = Phrases(LEXICON.country_currency)
_UNITS = Phrases(LEXICON.units)
_BARE_UNIT = re.compile(
    rf"(?<![{ARABIC_LETTER}])(?:(?P<dual>"
    + trie_pattern(f for f, u in LEXICON.units.items() if u.count == 2)
    + r")|(?P<unit>"
    + trie_pattern(f for f, u in LEXICON.units.items() if u.count == 1 and f[0].isalpha())
    + r")\s*و\s*(?P<fraction>"
    + trie_pattern(f for f, w in LEXICON.words.items() if w.type == "fraction")
    + rf"))(?![{ARABIC_LETTER}])"
)


@dataclass(frozen=True, slots=True)
class _Item:
    """A number with the words read around it, in normalised offsets."""

    start: int
    end: int
    number: Number
    value_max: float | None = None
    qualifier: str = "exact"
    kind: str = "cardinal"
    unit: str | None = None
    counted: tuple[int, int, str | None] | None = None


def find_quantities(
    text: str,
    *,
    options: QuantityOptions = DEFAULT_OPTIONS,
    claimed: Iterable[tuple[int, int]] = (),
) -> list[Quantity]:
    """Every quantity in ``text`` (original offsets), leaving out the numbers inside the
    ``claimed`` spans (original offsets: the dates found by the times stage)."""
    return _find(normalise(text), options, claimed)


def _find(
    norm: NormalisedText, options: QuantityOptions, claimed: Iterable[tuple[int, int]]
) -> list[Quantity]:
    n = norm.text
    atoms = [_unreverse(atom, norm) if atom.type == "digits" else atom for atom in find_atoms(n)]
    numbers = _fractions(combine(atoms, n), n)
    items = _merge_ranges([_Item(x.start, x.end, x) for x in numbers if not _excluded(x, norm)], n)
    taken = sorted(claimed)
    out = []
    read_to = 0
    for bare in items:
        if bare.start < read_to:
            continue  # read already: the cents of "20 دولار و43 سنت", the مئة of "في المئة"
        item = _read_after(_read_before(bare, n), n, options)
        if item is None or (item.kind == "ordinal" and not options.ordinals):
            continue
        read_to = item.end
        out.append(_to_quantity(item, norm))
    return [q for q in _with_bare_units(out, norm) if not _overlaps(q.start, q.end, taken)]


def _unreverse(atom: Atom, norm: NormalisedText) -> Atom:
    """``7415.\u200f2`` is 2.7415: text that went through a right-to-left conversion keeps the
    digits after the point first, with a right-to-left mark after the point (wire copy)."""
    point = norm.text.find(".", atom.start, atom.end)
    if point < 0:
        return atom
    after = norm.starts[point] + 1
    if norm.original[after : after + 1] != "\u200f":
        return atom
    fraction, whole = norm.text[atom.start : point], norm.text[point + 1 : atom.end]
    if not (fraction.isdigit() and whole.isdigit()):
        return atom
    return replace(atom, value=float(f"{whole}.{fraction}"))


def _with_bare_units(found: list[Quantity], norm: NormalisedText) -> list[Quantity]:
    """Add the measures written without a number: a dual (لتران = 2 l) or a unit and a fraction
    (لتر ونصف = 1.5 l). ``found`` is in text order and without overlaps."""
    starts = [q.start for q in found]
    dropped: set[int] = set()
    extra = []
    for m in _BARE_UNIT.finditer(norm.text):
        start, end = norm.to_original(m.start(), m.end())
        near = range(max(0, bisect_left(starts, start) - 1), bisect_left(starts, end))
        hit = [k for k in near if found[k].start < end and start < found[k].end]
        if any(not (start <= found[k].start and found[k].end <= end) for k in hit):
            continue  # overlaps a quantity it does not contain
        dropped.update(hit)  # the نصف of لتر ونصف
        unit = LEXICON.units[m["dual"] or m["unit"]]
        value = unit.count + (LEXICON.words[m["fraction"]].value if m["fraction"] else 0.0)
        surface = norm.original[start:end]
        extra.append(Quantity(start, end, surface, value, kind="measure", unit=unit.unit))
    if not extra:
        return found
    kept = [q for k, q in enumerate(found) if k not in dropped]
    return sorted([*kept, *extra], key=_start)


def _start(quantity: Quantity) -> int:
    return quantity.start


@stage(name="quantities", requires=("tokens",), assigns=("quantities",))
def extract_quantities(doc: Document) -> Document:
    """Fill ``doc.quantities``; numbers inside ``doc.times`` are left to the times stage."""
    claimed = [(t.start, t.end) for t in doc.times]
    found = _find(doc.normalised, DEFAULT_OPTIONS, claimed)
    return replace(doc, quantities=tuple(found))


# --------------------------------------------------------------------------- what is no quantity


def _excluded(number: Number, norm: NormalisedText) -> bool:
    """Identifiers, phone numbers, clock times, dates, month names and family names."""
    n, s, e = norm.text, number.start, number.end
    if not number.words:
        digits = n[s:e].lstrip("-")
        if len(digits) > 1 and digits[0] == "0" and "." not in digits:
            return True  # 0501234567, 007: codes, not amounts
        if _CLOCK.match(n, e) or (s > 0 and _CLOCK.match(n, s - 2)):
            return True
        if _in_phone(n, s, e):
            return True
        if s > 1 and n[s - 1] == "-" and n[s - 2].isalpha():
            return True  # اف-16، COVID-19: part of a name
    before = phrase_before(n, s, _CONTEXTS)
    role = before[1] if before else None
    if role == "identifier" or (role == "month_head" and number.kind == "ordinal"):
        return True
    if role == "family" and before is not None:
        return norm.original[norm.starts[before[0]]] == "آ"  # آل ثاني, not الـ50
    if role == "month" and not number.words and number.value == int(number.value):
        return True  # the year of "10 يناير 2022"
    if role == "year_head" and not number.words and _is_year(number.value):
        return True  # عام 2014، منذ 2011
    after = phrase_after(n, e, _CONTEXTS)
    if after and after[1] == "period":
        return number.atoms == 1 and number.value < 1 and n.startswith("ال", s)  # الربع الثاني
    if after and after[1] in ("month", "era") and number.kind == "cardinal":
        return number.value == int(number.value) and (after[1] == "era" or number.value <= 31)
    return number.atoms == 1 and LEXICON.contexts.get(n[s:e]) == "weekday"  # الاثنين


def _is_year(value: float) -> bool:
    return value == int(value) and (1300 <= value <= 1500 or 1800 <= value <= 2100)


def _in_phone(n: str, s: int, e: int) -> bool:
    lo = max(0, s - 20)
    return any(m.start() <= s and e <= m.end() for m in _PHONE.finditer(n, lo, e + 20))


def _overlaps(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(a < end and start < b for a, b in spans)


# --------------------------------------------------------------------------- around a number


def _read_before(item: _Item, n: str) -> _Item:
    if item.qualifier != "exact" or item.number.kind == "ordinal":
        return item
    if item.number.qualifier != "exact":
        return replace(item, qualifier=item.number.qualifier)  # عشرات، بضعة: no other qualifier
    found = phrase_before(n, item.start, _BEFORE)
    if found is None:
        return item
    return replace(item, start=found[0], qualifier=found[1])


def _read_after(item: _Item, n: str, options: QuantityOptions) -> _Item | None:
    if item.number.kind == "ordinal":
        prev = tokens_before(n, item.number.start, 1)
        if prev and prev[0].group()[0].isdigit():
            return None  # "30 ثانية": seconds, the noun counted by 30
        return replace(item, kind="ordinal")
    end = item.end
    money = _money_after(n, end)
    if money is not None:
        end, unit, cents = money
        if cents:
            item = replace(item, number=replace(item.number, value=item.number.value + cents))
        item = replace(item, end=end, kind="money", unit=unit)
        return replace(item, qualifier=_qualifier_after(n, item))
    measure = phrase_after(n, end, _UNITS)
    if measure is not None:
        return _measure(item, n, measure[0], measure[1])
    if item.number.ambiguous:
        return None  # نص البيان: "text", not a half
    sign = _PERCENT_BEFORE.search(n, max(0, item.start - 2), item.start)
    if sign is not None:
        return replace(item, start=sign.start(), kind="percent")  # %35: bidi order
    symbol = _symbol_before(n, item.start)
    if symbol is not None:
        start, unit = symbol
        return replace(item, start=start, kind="money", unit=unit)
    one = item.number.words and item.number.atoms == 1 and item.number.value in (1, 2)
    if one:  # واحد and اثنان follow what they count: "دولار واحد", "شخص واحد"
        named = phrase_before_word(n, item.start, _CURRENCIES)
        if named is not None:
            return replace(item, start=named[0], kind="money", unit=named[1])
    qualifier = _qualifier_after(n, item)
    if qualifier != item.qualifier:
        item = replace(item, qualifier=qualifier)
    if options.counted:
        counted = counted_after(n, item.end) or counted_before(n, item.start)
        if counted is None and one:
            counted = noun_before(n, item.start)
        if counted is not None:
            item = replace(item, counted=counted)
    if item.counted is not None and item.qualifier == "exact" and item.counted[0] > item.end:
        found = phrase_after(n, item.counted[1], _AFTER)
        item = replace(item, qualifier=found[1]) if found else item  # 50 شخصاً تقريباً
    return item


def _measure(item: _Item, n: str, end: int, unit: Unit) -> _Item:
    kind = "percent" if unit.dimension == "percent" else "measure"
    symbol = None if kind == "percent" else unit.unit
    item = replace(item, end=end, kind=kind, unit=symbol)
    item = replace(item, qualifier=_qualifier_after(n, item))
    product = product_after(n, end) if kind == "measure" else None
    return replace(item, counted=product)


def _qualifier_after(n: str, item: _Item) -> str:
    if item.qualifier != "exact":
        return item.qualifier
    found = phrase_after(n, item.end, _AFTER)
    return found[1] if found else item.qualifier


def _money_after(n: str, pos: int) -> tuple[int, str, float] | None:
    """(end, ISO code, 0) of a currency after ``pos``: a word or symbol, maybe a country adjective,
    maybe "و43 سنت" (cents, folded into the value by the caller)."""
    found = phrase_after(n, pos, _CURRENCIES) or _definite_currency(n, pos)
    if found is None:
        return None
    end, code, _ = found
    adjective = phrase_after(n, end, _COUNTRIES)
    if adjective is not None:
        end, code = adjective[0], adjective[1]
    cents = _CENTS.match(n, end)
    if cents and code != "cent":
        unit = phrase_after(n, cents.end(), _CURRENCIES)
        if unit is not None and unit[1] == "cent":
            return unit[0], code, int(cents["c"]) / 100
    return end, code, 0.0


def _definite_currency(n: str, pos: int) -> tuple[int, str, int] | None:
    """ "مئات الملايين من الدولارات": a currency named after من with the article."""
    tokens = tokens_after(n, pos, 2)
    if len(tokens) < 2 or tokens[0].group() != "من" or n[pos : tokens[0].start()].strip():
        return None
    word = tokens[1].group()
    code = LEXICON.currencies.get(word[2:]) if word.startswith("ال") else None
    return (tokens[1].end(), code, tokens[1].start()) if code else None


def _symbol_before(n: str, pos: int) -> tuple[int, str] | None:
    """``$10``, ``€ 20``: a currency symbol right before the number."""
    found = phrase_before(n, pos, _CURRENCIES, clitics=False)
    if found is None or n[found[0]].isalpha() or found[1] == "cent":
        return None
    return found


# --------------------------------------------------------------------------- ranges, fractions


def _fractions(numbers: list[Number], n: str) -> list[Number]:
    """``3/4`` → 0.75, ``١١/١٠`` → 1.1: two digit numbers around one slash."""
    out: list[Number] = []
    skip = False
    for i, number in enumerate(numbers):
        if skip:
            skip = False
            continue
        nxt = numbers[i + 1] if i + 1 < len(numbers) else None
        m = _FRACTION.match(n, number.start)
        if m and nxt is not None and m.end() == nxt.end and not number.words and int(m[3]):
            sign = -1.0 if m[1] else 1.0
            value = sign * int(m[2]) / int(m[3])
            out.append(replace(number, end=nxt.end, value=value, atoms=2))
            skip = True
            continue
        out.append(number)
    return out


def _merge_ranges(items: list[_Item], n: str) -> list[_Item]:
    """ "بين 10 و20", "من 10 إلى 20", "10-20" → one item with ``value_max``."""
    out: list[_Item] = []
    i = 0
    while i < len(items):
        a = items[i]
        b = items[i + 1] if i + 1 < len(items) else None
        start = _range_start(a, b, n) if b is not None else None
        if b is not None and start is not None and _is_period(a, b, n):
            i += 2  # 2015-2016: a period (the times stage's), not a range of amounts
            continue
        if b is not None and start is not None:
            low, high = sorted((a.number.value, b.number.value))
            out.append(
                replace(
                    a,
                    start=start,
                    end=b.end,
                    value_max=high,
                    qualifier="range",
                    number=replace(a.number, value=low),
                )
            )
            i += 2
            continue
        out.append(a)
        i += 1
    return out


def _is_period(a: _Item, b: _Item, n: str) -> bool:
    low, high = a.number.value, b.number.value
    return _is_year(low) and 0 < high - low <= 100 and not n[a.end : b.start].strip(" -\u2013")


def _range_start(a: _Item, b: _Item, n: str) -> int | None:
    """Where the range "a … b" starts, or None when a and b are not a range."""
    if a.number.kind != "cardinal" or b.number.kind != "cardinal":
        return None
    gap_start, gap_end = a.end, b.start
    cur = phrase_after(n, a.end, _CURRENCIES)
    if cur is not None and cur[0] <= gap_end:
        gap_start = cur[0]  # 10$-20$
    gap = n[gap_start:gap_end]
    if not a.number.words and not b.number.words and _RANGE_DASH.fullmatch(gap):
        return a.start
    lo = max(0, a.start - 20)
    if _AND.fullmatch(gap):
        m = _BETWEEN.search(n, lo, a.start)
        return m.start() if m else None
    if _TO.fullmatch(gap):
        m = _FROM.search(n, lo, a.start) or _BETWEEN.search(n, lo, a.start)
        return m.start() if m else None
    if _OR.fullmatch(gap) and b.number.value > a.number.value:
        return a.start  # ثلاثة أو أربعة أشخاص
    return None


# --------------------------------------------------------------------------- output


def _to_quantity(item: _Item, norm: NormalisedText) -> Quantity:
    start, end = norm.to_original(item.start, item.end)
    counted = None
    if item.counted is not None:
        a, b, label = item.counted
        ca, cb = norm.to_original(a, b)
        counted = Span(ca, cb, norm.original[ca:cb], label)
    value = item.number.value
    unit = item.unit
    if unit == "cent":
        value, unit = value / 100, "USD"
    return Quantity(
        start,
        end,
        norm.original[start:end],
        value,
        kind=item.kind if item.number.kind == "cardinal" else "ordinal",
        qualifier=item.qualifier,
        value_max=item.value_max if item.value_max is not None else item.number.value_max,
        unit=None if unit == "?" else unit,
        counted=counted,
    )
