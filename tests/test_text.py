"""The text layer: decoding, normalisation with offsets, sentences, tokens, clitics."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rasd.document import Document
from rasd.errors import InputError
from rasd.text import (
    NormaliseOptions,
    clitic_candidates,
    decode,
    normalise,
    segment,
    split_sentences,
    tokenize,
)


# ---------------------------------------------------------------- decoding
@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [
        ("utf-8", b""),
        ("utf-8", b"\xef\xbb\xbf"),
        ("utf-16", b""),  # Python's utf-16 writes a BOM
        ("utf-16-le", b""),
        ("utf-16-be", b""),
        ("cp1256", b""),
        ("iso-8859-6", b""),
    ],
)
def test_decode_example_in_each_encoding(example_text, encoding, prefix):
    text = example_text
    if encoding == "iso-8859-6":
        # ISO-8859-6 has no tatweel-free form of every character of the example (no ٪, no
        # Persian letters): encode what it can represent, as an archive in it would hold.
        text = text.encode(encoding, errors="ignore").decode(encoding)
    data = prefix + text.encode(encoding)
    assert decode(data, name="example") == text


def test_decode_binary_png_names_offset():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10"
    with pytest.raises(InputError, match=r"image.png: binary data .* byte offset \d+"):
        decode(png, name="image.png")


def test_decode_latin1_is_not_arabic():
    with pytest.raises(InputError, match="invalid UTF-8 at byte offset 0"):
        decode("Ça été très bien".encode("latin-1"), name="fr.txt")


def test_decode_invalid_utf8_with_bom():
    with pytest.raises(InputError, match="byte offset"):
        decode(b"\xef\xbb\xbf\xd9\x82\xff\xfe", name="bad.txt")


# ---------------------------------------------------------------- normalisation
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("أإآٱ", "اااا"),
        ("مستشفى", "مستشفي"),
        ("دبَّرها", "دبرها"),
        ("تدريجيـــاً", "تدريجيا"),
        ("٢٠٢٢ ۱۴۰۰", "2022 1400"),
        ("١٫٨ ٢٬٠٣٠", "1.8 2,030"),
        ("\u200fقال\u200e", "قال"),
        ("ﻻ", "لا"),
        ("ﺃﺣﻤﺪ", "احمد"),
        ("مدينة", "مدينة"),
    ],
)
def test_normalise_table(text, expected):
    assert normalise(text).text == expected


def test_normalise_ta_marbuta_option():
    assert normalise("مدينة", NormaliseOptions(ta_marbuta=True)).text == "مدينه"


def test_offsets_map_back_through_deletions_and_expansions():
    text = "قال: دبَّرها ﻻ ٢٠٢٢"
    norm = normalise(text)
    i = norm.text.index("2022")
    a, b = norm.to_original(i, i + 4)
    assert text[a:b] == "٢٠٢٢"
    j = norm.text.index("دبرها")
    assert norm.original_surface(j, j + 5) == "دبَّرها"
    k = norm.text.index("لا")
    assert norm.original_surface(k, k + 2) == "ﻻ"
    assert norm.original_surface(k, k + 1) == "ﻻ"


@given(st.text())
@settings(max_examples=300)
def test_normalise_is_idempotent_and_total(s):
    once = normalise(s).text
    assert normalise(once).text == once


@given(st.text())
@settings(max_examples=300)
def test_offset_map_is_monotone_and_in_range(s):
    norm = normalise(s)
    assert len(norm.starts) == len(norm.text)
    previous = 0
    for i, a in enumerate(norm.starts):
        b = norm.to_original(i, i + 1)[1]
        assert 0 <= a < b <= len(s)
        assert a >= previous
        previous = a


# ---------------------------------------------------------------- sentences and tokens
def test_example_headings_are_their_own_sentences(example_text):
    sentences = [example_text[a:b] for a, b in split_sentences(example_text)]
    assert "عودة الحياة الطبيعية" in sentences
    assert "خسائر كبيرة" in sentences
    assert any(
        s.endswith("1.8 مليون نسمة، وبات تصفح المواقع الإلكترونية المحلية والأجنبية من جديد متاحاً.")
        for s in sentences
    )


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("قال إن النمو بلغ 1.8 في المئة. وأضاف أن", 2),
        ("هل انتهى؟ نعم! انتهى.", 3),
        ('قال: "تمت استعادة النظام. لكن الملاحقة مستمرة"، وفقاً لرويترز.', 1),
        ("وصل د. أحمد إلى الرياض. ثم غادر", 2),
        ("أولاً؛ ثانياً", 2),
        ("عنوان قصير\nنص المقال يبدأ هنا.", 2),
        ("قتل ١٫٥ ألف. وجرح", 2),
    ],
)
def test_sentence_splitting(text, count):
    spans = split_sentences(text)
    assert len(spans) == count, [text[a:b] for a, b in spans]


def test_tokens_keep_numbers_whole(example_text):
    surfaces = [t.surface for t in tokenize(example_text) if t.kind == "number"]
    assert "1.8" in surfaces
    assert "2022" in surfaces
    assert "2030" in surfaces


@pytest.mark.parametrize(
    ("text", "surfaces", "norms"),
    [
        ("بـ16 قتيلاً", ["بـ", "16", "قتيلاً"], ["ب", "16", "قتيلا"]),
        ("٢٬٠٣٠ جندي", ["٢٬٠٣٠", "جندي"], ["2,030", "جندي"]),
        ("(رويترز) - U.S. $5", ["(", "رويترز", ")", "-", "U", ".", "S", ".", "$", "5"], None),
    ],
)
def test_token_table(text, surfaces, norms):
    tokens = tokenize(text)
    assert [t.surface for t in tokens] == surfaces
    if norms:
        assert [t.norm for t in tokens] == norms
    for t in tokens:
        assert text[t.start : t.end] == t.surface


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("وبالمدينة", "مدينة"),
        ("للقوات", "قوات"),
        ("والاحتجاجات", "احتجاجات"),
        ("بلاده", "بلاد"),
        ("وسيقتلون", "يقتلون"),
    ],
)
def test_clitic_candidates(word, stem):
    assert stem in clitic_candidates(normalise(word).text)


def test_clitic_candidates_keep_short_words():
    assert clitic_candidates("في") == ("في",)


@given(st.text(max_size=400))
@settings(max_examples=300, deadline=None)
def test_text_layer_never_raises_and_offsets_hold(s):
    doc = segment(Document(text=s))
    for ann in (*doc.sentences, *doc.tokens):
        assert s[ann.start : ann.end] == ann.surface
        assert ann.surface
