"""Table-driven tests of the quantities stage: one behaviour per case, on real Arabic phrasing."""

from __future__ import annotations

import pickle
import time

import pytest

from rasd.document import Document, Time
from rasd.errors import ModelDataError
from rasd.pipeline import Pipeline
from rasd.quantities import QuantityOptions, extract_quantities, find_quantities
from rasd.quantities_lexicon import Lexicon, read_table, trie_pattern
from rasd.quantities_words import parse_number_words
from rasd.text import segment


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("ثلاثة", 3),
        ("ثلاث", 3),
        ("أحد عشر", 11),
        ("إحدى عشرة", 11),
        ("اثنا عشر", 12),
        ("اثني عشر", 12),
        ("عشرون", 20),
        ("عشرين", 20),
        ("مئة", 100),
        ("مائة", 100),
        ("مئتان", 200),
        ("مئتين", 200),
        ("ثلاثمئة", 300),
        ("ثلاثمائة", 300),
        ("ثلاث مئة", 300),
        ("ألف", 1000),
        ("ألفان", 2000),
        ("ألفين", 2000),
        ("ثمانية آلاف", 8000),
        ("مليون", 1_000_000),
        ("مليونان", 2_000_000),
        ("ثلاثة ملايين", 3_000_000),
        ("مليار", 1_000_000_000),
        ("بليون", 1_000_000_000),
        ("مئة وأربعة وستون", 164),
        ("ألفان وثلاثون", 2030),
        ("خمسة وعشرون ألفاً", 25_000),
        ("مئتا ألف", 200_000),
        ("مائتي ألف", 200_000),
        ("ألفي", 2000),
        ("1.8 مليون", 1_800_000),
        ("175 مليون", 175_000_000),
        ("10 آلاف", 10_000),
        ("مليون ونصف", 1_500_000),
        ("نصف مليون", 500_000),
        ("ثلاثة ونصف", 3.5),
        ("ربع", 0.25),
        ("مليون و200 ألف", 1_200_000),
        ("صفر", 0),
    ],
)
def test_number_words(text, value):
    assert parse_number_words(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["عشرة وعشرون", "أحد", "ثلاثة أربعة", "مليون مليون", ""])
def test_not_one_number(text):
    assert parse_number_words(text) is None


def _one(text, **kwargs):
    found = find_quantities(text, **kwargs)
    assert len(found) == 1, [(q.surface, q.value) for q in found]
    return found[0]


@pytest.mark.parametrize(
    ("text", "value", "surface"),
    [
        ("قتل 8000 شخص", 8000, "8000"),
        ("قتل ٨٠٠٠ شخص", 8000, "٨٠٠٠"),
        ("قتل ۸۰۰۰ شخص", 8000, "۸۰۰۰"),
        ("نشر 2,030 جندياً", 2030, "2,030"),
        ("نشر ٢٬٠٣٠ جندياً", 2030, "٢٬٠٣٠"),
        ("يبلغ عدد سكانها ١٫٨ مليون نسمة", 1_800_000, "١٫٨ مليون"),
        ("أصيب بـ16 طلقة", 16, "16"),
        ("و200 جريح", 200, "200"),
        ("ارتفع إلى 2,5 مليون", 2_500_000, "2,5 مليون"),
        ("إلى 7415.\u200f2 ليرة", 2.7415, "7415.\u200f2 ليرة"),
    ],
)
def test_digits_in_every_script(text, value, surface):
    q = _one(text)
    assert (q.value, q.surface) == (pytest.approx(value), surface)


@pytest.mark.parametrize(
    ("text", "qualifier", "value"),
    [
        ("قتل نحو 50 شخصاً", "about", 50),
        ("قتل حوالى 50 شخصاً", "about", 50),
        ("قتل حوالي 50 شخصاً", "about", 50),
        ("قتل قرابة 50 شخصاً", "about", 50),
        ("قتل زهاء 50 شخصاً", "about", 50),
        ("قتل ما يقارب 50 شخصاً", "about", 50),
        ("قتل 50 شخصاً تقريباً", "about", 50),
        ("قتل أكثر من 50 شخصاً", "more_than", 50),
        ("قتل ما يزيد عن 50 شخصاً", "more_than", 50),
        ("قتل ما يزيد على 50 شخصاً", "more_than", 50),
        ("قتل أزيد من 50 شخصاً", "more_than", 50),
        ("قتل ما لا يقل عن 50 شخصاً", "at_least", 50),
        ("قتل 50 شخصاً على الأقل", "at_least", 50),
        ("قتل أقل من 50 شخصاً", "less_than", 50),
        ("قد يصل العدد حتى 50 شخصاً", "at_most", 50),
        ("عدد لا يتجاوز 50 شخصاً", "at_most", 50),
        ("تعيين ما لا يزيد عن 50 شخصاً", "at_most", 50),
        ("قتل عشرات المدنيين", "vague", 10),
        ("قتل العشرات", "vague", 10),
        ("قتل مئات المدنيين", "vague", 100),
        ("اعتقل آلاف المتظاهرين", "vague", 1000),
        ("خرج عشرات الآلاف", "vague", 10_000),
        ("قتل بضعة جنود", "few", 3),
        ("أصيب عدة أشخاص", "few", 3),
        ("وصل بأكثر من 50 شخصاً", "more_than", 50),
    ],
)
def test_qualifiers(text, qualifier, value):
    q = _one(text)
    assert (q.qualifier, q.value) == (qualifier, value)


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("قتل بين 10 و20 شخصاً", 10, 20),
        ("قتل ما بين 10 و 20 شخصاً", 10, 20),
        ("قتل من 10 إلى 20 شخصاً", 10, 20),
        ("قتل 10-20 شخصاً", 10, 20),
        ("قتل ما بين عشرة وعشرين شخصاً", 10, 20),
        ("قتل بين خمسة وعشرين وثلاثين شخصاً", 25, 30),
        ("قتل ما بين 10 إلى 20 شخصاً", 10, 20),
        ("قتل ثلاثة أو أربعة أشخاص", 3, 4),
    ],
)
def test_ranges(text, low, high):
    q = _one(text)
    assert (q.qualifier, q.value, q.value_max) == ("range", low, high)
    assert q.counted is not None
    assert q.counted.label == "people"


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("بلغت الأضرار 175 مليون يورو", 175_000_000, "EUR"),
        ("تبرع بمليون دولار", 1_000_000, "USD"),
        ("قرض بقيمة ملياري دولار", 2_000_000_000, "USD"),
        ("بقيمة 500 ريال سعودي", 500, "SAR"),
        ("بقيمة 500 ريال", 500, "SAR"),
        ("بقيمة 30 دولاراً أمريكياً", 30, "USD"),
        ("غرامة 42 دينار كويتي", 42, "KWD"),
        ("غرامة 5 دنانير أردنية", 5, "JOD"),
        ("بسعر 42 ليرة لبنانية", 42, "LBP"),
        ("بسعر 3 جنيهات استرلينية", 3, "GBP"),
        ("بسعر 42 جنيه مصري", 42, "EGP"),
        ("بسعر 20 درهماً", 20, "AED"),
        ("سعره $10", 10, "USD"),
        ("سعره 20€", 20, "EUR"),
        ("سعره 42 QAR", 42, "QAR"),
        ("سعره 20 دولار و43 سنت", 20.43, "USD"),
        ("ثمنه عشرة دولارات", 10, "USD"),
        ("بقيمة دولار واحد", 1, "USD"),
        ("خسر مئات الملايين من الدولارات", 100_000_000, "USD"),
    ],
)
def test_money(text, value, unit):
    q = _one(text)
    assert (q.kind, q.value, q.unit) == ("money", pytest.approx(value), unit)


def test_money_word_without_country_has_no_code():
    q = _one("غرامة 100 دينار")
    assert (q.kind, q.unit) == ("money", None)


@pytest.mark.parametrize(
    "text",
    [
        "ارتفع 5%",
        "ارتفع ٥٪",
        "ارتفع 5 في المئة",
        "ارتفع 5 بالمئة",
        "ارتفع 5 في المائة",
        "ارتفع بنسبة %5",
    ],
)
def test_percentages(text):
    q = _one(text)
    assert (q.kind, q.value) == ("percent", 5)


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("صادر 3 أطنان من الكوكايين", 3, "t"),
        ("إنتاج 10 ملايين برميل", 10_000_000, "bbl"),
        ("على بعد 20 كيلومتراً", 20, "km"),
        ("دمرت النيران 320 هكتاراً", 320, "ha"),
        ("يمتد نحو 80 كيلو متراً", 80, "km"),
        ("تصل إلى 50 درجة مئوية", 50, "°C"),
        ("بسرعة 40 كم/ساعة", 40, "km/h"),
        ("250 مل", 250, "ml"),
        ("لتران", 2, "l"),
        ("لتر ونصف", 1.5, "l"),
    ],
)
def test_measures(text, value, unit):
    q = _one(text)
    assert (q.kind, q.value, q.unit) == ("measure", value, unit)


@pytest.mark.parametrize(
    ("text", "surface", "label"),
    [
        ("مقتل 26 متظاهراً", "متظاهراً", "protesters"),
        ("نشر 2030 جندياً", "جندياً", "troops"),
        ("مقتل 16 من أفراد قوات الأمن", "أفراد قوات الأمن", "members of the security forces"),
        (
            "مقتل 16 عنصراً من القوى الأمنية",
            "عنصراً من القوى الأمنية",
            "members of the security forces",
        ),
        ("مقتل 16 من الشرطة", "الشرطة", "members of the police"),
        ("مقتل 5 من المتظاهرين", "المتظاهرين", "protesters"),
        ("دمرت 400 سيارة", "سيارة", "cars"),
        ("نهب مئة متجر ومصرف", "متجر ومصرف", "shops and banks"),
        ("عشرات القتلى", "القتلى", "killed"),
        ("سقوط 30 قتيلاً و40 جريحاً", "قتيلاً", "killed"),
        ("استشهاد 3 فلسطينيين", "فلسطينيين", "Palestinians"),
        ("سقوط 12 شهيداً", "شهيداً", "killed"),
        ("مقتل عشرة من رجال الأمن", "رجال الأمن", "members of the security forces"),
        ("مقتل اثنين من مقاتلي المقاومة", "مقاتلي", "fighters"),
        ("مصرع 12 جندياً وإصابة 11 آخرين", "جندياً", "troops"),
        ("عشرات القتلى والجرحى", "القتلى والجرحى", "killed and injured"),
        ("ارتفع عدد القتلى إلى 50", "القتلى", "killed"),
        ("قتل شخص واحد", "شخص", "people"),
        ("ارتفعت حصيلة الضحايا إلى نحو 30", "الضحايا", "victims"),
        ("بلغ عدد المعتقلين 200", "المعتقلين", "detainees"),
    ],
)
def test_counted_noun(text, surface, label):
    q = find_quantities(text)[0]
    assert q.counted is not None
    assert (q.counted.surface, q.counted.label) == (surface, label)


def test_unknown_noun_is_not_counted():
    assert _one("غرس 30 نخلة").counted is None


def test_indefinite_noun_after_min_is_not_counted():
    assert _one("تضم أربعة من أشهر العاملين").counted is None


def test_number_after_year_word_that_is_no_year_stays():
    assert _one("عام 250 قتيلاً").value == 250


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("للمرة الأولى", 1),
        ("الحرب العالمية الثانية", 2),
        ("الحادي عشر من سبتمبر", 11),
        ("الخامس والعشرين", 25),
        ("الذكرى الخمسين", 50),
        ("في الثالث عشر", 13),
    ],
)
def test_ordinals(text, value):
    q = _one(text)
    assert (q.kind, q.value) == ("ordinal", value)


def test_number_after_the_tatweel_article():
    assert _one("الذكرى الـ50").value == 50


def test_ordinals_can_be_left_out():
    assert find_quantities("للمرة الأولى", options=QuantityOptions(ordinals=False)) == []


@pytest.mark.parametrize(
    "text",
    [
        "كانون الثاني",
        "تشرين الأول",
        "ربيع الأول",
        "جاء في المادة 5 من الدستور",
        "القرار رقم 2254",
        "للاتصال: 0501234567",
        "هاتف +966 50 123 4567",
        "الساعة 10:30",
        "في 10 يناير 2022",
        "في 9 يناير/كانون الثاني 2022",
        "عام 1436 هـ",
        "يوم الإثنين",
        "يوم الأحد",
        "إحدى المدن",
        "في عام 2014",
        "منذ 2011",
        "مقاتلات اف-16",
        "خلال السنة المالية 2015 - 2016",
        "الحصن المتين",
        "حصن متين",
        "نص البيان",
        "لست ضد الاستعانة بهم",
        "أعدوا العدة",
        "أرباح الربع الأخير",
        "الشيخ تميم بن حمد آل ثاني",
        "معسكر اللواء 15",
    ],
)
def test_not_quantities(text):
    assert find_quantities(text) == []


@pytest.mark.parametrize("text", ["خلال النصف الأول من العام", "أرباح الربع الثاني"])
def test_part_of_a_year_is_no_fraction(text):
    assert [q.kind for q in find_quantities(text)] == ["ordinal"]


def test_a_new_clause_is_not_the_counted_noun():
    first = find_quantities("مقتل 5 وإصابة 11 آخرين")[0]
    assert (first.value, first.counted) == (5, None)


def test_times_claim_their_numbers():
    text = "قتل 3 أشخاص قبل ثلاثة أيام"
    start = text.index("قبل")
    doc = segment(Document(text))
    doc = Document(
        text, tokens=doc.tokens, times=(Time(start, len(text), text[start:], "relative", "day"),)
    )
    found = extract_quantities(doc).quantities
    assert [q.value for q in found] == [3]


def test_stage_is_in_the_default_pipeline_after_times_and_pickles():
    names = Pipeline.default().names
    assert "quantities" in names
    if "times" in names:
        assert names.index("times") < names.index("quantities")
    assert pickle.loads(pickle.dumps(extract_quantities)) is extract_quantities


def test_stage_in_a_pipeline():
    pipeline = Pipeline([segment, extract_quantities])
    doc = pipeline(Document("قتل 26 متظاهراً"))
    assert [q.value for q in doc.quantities] == [26]
    assert Document.from_json(doc.to_json()) == doc


@pytest.mark.parametrize(
    "text",
    [
        "1" * 10_000,
        " ".join(["مليون"] * 1000),
        "مليون" * 1000,
        "و" * 5000 + "ثلاثة",
        "١٢٣abc٤٥٦ ألف 7٨9 مليونmillion ۱۲۳",
        "-" * 3000 + "5",
        "1/" * 2000,
        ("9" * 20 + ",") * 300,
        "لتران " * 5000,
        "1 و" * 5000,
    ],
)
def test_absurd_input_is_bounded(text):
    t0 = time.process_time()
    found = find_quantities(text)
    assert len(found) <= len(text)
    assert all(abs(q.value) < 1e16 for q in found)
    assert time.process_time() - t0 < 5  # a hang would be minutes, not seconds


def test_trie_pattern_matches_exactly_its_words():
    import re

    pattern = re.compile(f"(?:{trie_pattern(['ثلاث', 'ثلاثة', 'ثلاثون'])})$")
    assert [bool(pattern.match(w)) for w in ["ثلاث", "ثلاثة", "ثلاثون", "ثلا"]] == [
        True,
        True,
        True,
        False,
    ]


def test_missing_table_is_a_clear_error():
    with pytest.raises(ModelDataError, match="reinstall"):
        read_table("no-such-table.tsv")


def test_bundled_tables_are_consistent():
    lexicon = Lexicon.builtin()
    kinds = {"noun", "member", "piece", "group"}
    assert all(entry.label and entry.kind in kinds for entry in lexicon.counted.values())
    types = {w.type for w in lexicon.words.values()}
    assert types <= {
        "zero", "unit", "ten", "teen", "teen_head", "tens", "hundred", "scale",
        "scale_plural", "scale_dual", "fraction", "vague", "few", "point", "ordinal",
    }  # fmt: skip
    codes = {c for c in lexicon.currencies.values() if c not in ("?", "cent")}
    assert all(len(code) == 3 and code.isupper() for code in codes)
    assert all(unit.factor > 0 and unit.count in (1, 2) for unit in lexicon.units.values())
    roles = {"identifier", "family", "month_head", "month", "era", "year_head", "weekday", "period"}
    assert set(lexicon.contexts.values()) <= roles
