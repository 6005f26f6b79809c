"""Golden test: every quantity of examples/kazakhstan-2022-01-10.expected-facts.md, with value,
qualifier and counted noun; nothing inside the dates is reported as a count."""

from __future__ import annotations

import re

import pytest

from rasd.document import Document
from rasd.quantities import extract_quantities, find_quantities
from rasd.text import segment

# (surface of the number expression, value, kind, qualifier, unit, counted surface, counted label)
EXPECTED = [
    ("عشرات", 10, "cardinal", "vague", None, "القتلى", "killed"),
    ("2030", 2030, "cardinal", "exact", None, "جندياً", "troops"),
    ("250", 250, "cardinal", "exact", None, "قطعة من المعدات العسكرية", "military equipment"),
    ("16", 16, "cardinal", "exact", None, "أفراد قوات الأمن", "members of the security forces"),
    ("نحو ثمانية آلاف", 8000, "cardinal", "about", None, "شخص", "people"),
    ("1.8 مليون", 1_800_000, "cardinal", "exact", None, "نسمة", "inhabitants"),
    ("أكثر من 164", 164, "cardinal", "more_than", None, "شخصاً", "people"),
    ("26", 26, "cardinal", "exact", None, "متظاهراً", "protesters"),
    (
        "16",
        16,
        "cardinal",
        "exact",
        None,
        "عنصراً من القوى الأمنية",
        "members of the security forces",
    ),
    ("200", 200, "cardinal", "exact", None, "شخص", "people"),
    ("حوالى 175 مليون يورو", 175_000_000, "money", "about", "EUR", None, None),
    ("أكثر من مئة", 100, "cardinal", "more_than", None, "متجر ومصرف", "shops and banks"),
    ("أكثر من 400", 400, "cardinal", "more_than", None, "سيارة", "cars"),
]

DATES = [
    "الإثنين 10 يناير/كانون الثاني 2022",
    "الثاني من يناير/كانون الثاني 2022",
    "الأحد 9 يناير/كانون الثاني 2022",
]


def _facts(quantities):
    return [
        (
            q.surface,
            q.value,
            q.kind,
            q.qualifier,
            q.unit,
            q.counted.surface if q.counted else None,
            q.counted.label if q.counted else None,
        )
        for q in quantities
    ]


@pytest.fixture(scope="module")
def quantities(example_text):
    doc = extract_quantities(segment(Document(example_text)))
    return doc.quantities


@pytest.mark.parametrize("fact", EXPECTED, ids=[f"{f[0]}-{f[6]}" for f in EXPECTED])
def test_expected_quantity_is_found(quantities, fact):
    assert fact in _facts(quantities)


def test_every_count_is_expected(quantities):
    """No extra cardinal: the only other quantities are the two ordinals (الأولى، الثاني)."""
    cardinals = [f for f in _facts(quantities) if f[2] != "ordinal"]
    assert sorted(cardinals, key=str) == sorted(EXPECTED, key=str)
    ordinals = [(q.surface, q.value) for q in quantities if q.kind == "ordinal"]
    assert ordinals == [("الأولى", 1), ("الثاني", 2)]


def test_offsets_point_into_the_original_text(quantities, example_text):
    for q in quantities:
        assert example_text[q.start : q.end] == q.surface
        if q.counted:
            assert example_text[q.counted.start : q.counted.end] == q.counted.surface


def _date_spans(text):
    return [(m.start(), m.end()) for date in DATES for m in re.finditer(re.escape(date), text)]


def test_no_count_inside_the_dates(quantities, example_text):
    spans = _date_spans(example_text)
    assert len(spans) == 4
    for q in quantities:
        if q.kind != "ordinal":
            assert not any(a < q.end and q.start < b for a, b in spans), q.surface


def test_month_name_is_no_quantity(quantities, example_text):
    month = example_text.index("كانون الثاني")
    assert not any(q.start <= month + 7 < q.end for q in quantities)


def test_times_stage_claims_the_numbers_in_dates(example_doc):
    pytest.importorskip("rasd.times")
    assert example_doc.times, "the times stage ran but found no time"
    for q in example_doc.quantities:
        for t in example_doc.times:
            assert not (t.start < q.end and q.start < t.end), (q.surface, t.surface)


def test_claimed_spans_are_left_out(example_text):
    two = example_text.index("2030")
    found = find_quantities(example_text, claimed=[(two, two + 4)])
    assert 2030 not in [q.value for q in found]
