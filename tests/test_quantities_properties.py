"""Property tests of the quantities stage: any integer 0 … 10^9 written in MSA words or in
Arabic-Indic digits parses back to itself; offsets hold and nothing crashes on any string."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from rasd.document import Document, iter_spans
from rasd.quantities import extract_quantities, find_quantities
from rasd.quantities_words import parse_number_words

UNITS = ["", "واحد", "اثنان", "ثلاثة", "أربعة", "خمسة", "ستة", "سبعة", "ثمانية", "تسعة"]
UNITS_OBLIQUE = ["", "واحد", "اثنين", "ثلاثة", "أربعة", "خمسة", "ستة", "سبعة", "ثمانية", "تسعة"]
TENS = ["", "عشرة", "عشرون", "ثلاثون", "أربعون", "خمسون", "ستون", "سبعون", "ثمانون", "تسعون"]
TENS_OBLIQUE = ["", "عشرة", "عشرين", "ثلاثين", "أربعين", "خمسين", "ستين", "سبعين", "ثمانين"]
TENS_OBLIQUE.append("تسعين")
HUNDREDS = ["", "مئة", "مئتان", "ثلاثمئة", "أربعمئة", "خمسمئة", "ستمئة", "سبعمئة", "ثمانمئة"]
HUNDREDS.append("تسعمئة")
# scale: (singular, dual, plural, accusative singular)
SCALES = [
    (10**9, ("مليار", "ملياران", "مليارات", "ملياراً")),
    (10**6, ("مليون", "مليونان", "ملايين", "مليوناً")),
    (10**3, ("ألف", "ألفان", "آلاف", "ألفاً")),
]


def below_thousand(n: int, oblique: bool, construct: bool = False) -> str:
    """1 … 999 in MSA words (nominative, or oblique ـين forms)."""
    units, tens = (UNITS_OBLIQUE, TENS_OBLIQUE) if oblique else (UNITS, TENS)
    parts = []
    hundreds, rest = divmod(n, 100)
    if hundreds:
        word = HUNDREDS[hundreds]
        if hundreds == 2 and oblique:
            word = "مئتين"
        if hundreds == 2 and construct and not rest:
            word = "مئتا"
        parts.append(word)
    if rest:
        parts.append(tens_and_units(rest, units, tens))
    return " و".join(parts)


def tens_and_units(n: int, units: list[str], tens: list[str]) -> str:
    if n < 10:
        return units[n]
    if n == 10:
        return "عشرة"
    if n < 20:
        teen = {11: "أحد", 12: "اثنا"}.get(n, units[n - 10])
        return f"{teen} عشر"
    ten, unit = divmod(n, 10)
    return f"{units[unit]} و{tens[ten]}" if unit else tens[ten]


def scale_group(count: int, forms: tuple[str, str, str, str], oblique: bool) -> str:
    """``count`` × a scale, with the counted form MSA asks for (ألف، ألفان، آلاف، ألفاً)."""
    singular, dual, plural, accusative = forms
    if count == 1:
        return singular
    if count == 2:
        return dual
    last_two = count % 100
    if count > 100 and last_two in (1, 2):
        head = below_thousand(count - last_two, oblique, construct=True)
        return f"{head} {singular} و{singular if last_two == 1 else dual}"
    if 3 <= last_two <= 10:
        return f"{below_thousand(count, oblique)} {plural}"
    if last_two == 0:
        return f"{below_thousand(count, oblique, construct=True)} {singular}"
    return f"{below_thousand(count, oblique)} {accusative}"


def arabic_words(n: int, oblique: bool = False) -> str:
    """An integer 0 … 10^9 in Modern Standard Arabic words."""
    if n == 0:
        return "صفر"
    parts = []
    for scale, forms in SCALES:
        count, n = divmod(n, scale)
        if count:
            parts.append(scale_group(count, forms, oblique))
    if n:
        parts.append(below_thousand(n, oblique))
    return " و".join(parts)


INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=10**9), st.booleans())
def test_arabic_words_parse_back(n, oblique):
    text = arabic_words(n, oblique)
    assert parse_number_words(text) == n, text


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10**9), st.booleans())
def test_arabic_indic_digits_parse_back(n, grouped):
    text = (f"{n:,}" if grouped else str(n)).replace(",", "٬").translate(INDIC)
    found = find_quantities(text)
    assert [q.value for q in found] == [n], text


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=1, max_value=10**9))
def test_words_in_a_sentence_keep_their_span(n):
    words = arabic_words(n)
    text = f"قال المسؤول إن {words} شخصاً قتلوا"
    (quantity,) = find_quantities(text)
    assert quantity.value == n
    assert quantity.surface == words
    assert quantity.counted is not None
    assert quantity.counted.label == "people"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_no_crash_and_offsets_hold_on_any_string(text):
    doc = extract_quantities(Document(text))
    for span in iter_spans(doc):
        assert doc.text[span.start : span.end] == span.surface


PIECES = ["مليون", "ألف", "عشرون", "ثلاثة", " و", "نحو ", "أكثر من ", "بين ", "دولار", "جندياً"]
ALPHABET = st.sampled_from([*"0123456789٠١٢٣٤٥٦٧٨٩۰۱۲۳ ,.٫٬-/%$وبلال", *PIECES, "يناير", "الثاني"])


@settings(max_examples=300, deadline=None)
@given(st.lists(ALPHABET, max_size=40).map("".join))
def test_offsets_hold_on_number_like_strings(text):
    for q in find_quantities(text):
        assert text[q.start : q.end] == q.surface
        if q.counted is not None:
            assert text[q.counted.start : q.counted.end] == q.counted.surface
        assert q.value_max is None or q.value_max >= q.value
