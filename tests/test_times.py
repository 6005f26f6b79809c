"""The times stage: table-driven Arabic cases, options, bad input and offset properties."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rasd.document import Document, iter_spans
from rasd.errors import InputError
from rasd.pipeline import Pipeline
from rasd.text import segment
from rasd.times import TimeOptions, extract_times, find_times

MONDAY = date(2022, 1, 10)


def _times(text, published=MONDAY, options=None):
    doc = Document(text, published=published)
    return find_times(doc, options) if options else find_times(doc)


def _one(text, published=MONDAY, options=None):
    found = _times(text, published, options)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "surface", "kind", "granularity", "value"),
    [
        ("قتل 3 أشخاص أمس", "أمس", "relative", "day", "2022-01-09"),
        ("وصل أول أمس", "أول أمس", "relative", "day", "2022-01-08"),
        ("يصل غداً", "غداً", "relative", "day", "2022-01-11"),
        ("حدث ذلك بالأمس", "الأمس", "relative", "day", "2022-01-09"),
        ("الأسبوع الماضي", "الأسبوع الماضي", "relative", "week", "2022-W01"),
        ("الأسبوع المقبل", "الأسبوع المقبل", "relative", "week", "2022-W03"),
        ("الشهر الماضي", "الشهر الماضي", "relative", "month", "2021-12"),
        ("العام الماضي", "العام الماضي", "relative", "year", "2021"),
        ("قبل يومين", "قبل يومين", "relative", "day", "2022-01-08"),
        ("قبل ثلاثة أيام", "قبل ثلاثة أيام", "relative", "day", "2022-01-07"),
        ("منذ أسبوع", "منذ أسبوع", "relative", "day", "2022-01-03"),
        ("بعد يومين", "بعد يومين", "relative", "day", "2022-01-12"),
        ("منذ أربع سنوات", "منذ أربع سنوات", "duration", "year", "P4Y"),
        ("لمدة ثلاثة أيام", "لمدة ثلاثة أيام", "duration", "day", "P3D"),
        ("استمر 24 ساعة", "استمر 24 ساعة", "duration", "hour", "PT24H"),
        ("الأحد", "الأحد", "weekday", "day", "2022-01-09"),
        ("الإثنين", "الإثنين", "weekday", "day", "2022-01-10"),
        ("الاثنين", "الاثنين", "weekday", "day", "2022-01-10"),
        ("يوم الجمعة المقبل", "يوم الجمعة المقبل", "weekday", "day", "2022-01-14"),
        ("الثلاثاء الماضي", "الثلاثاء الماضي", "weekday", "day", "2022-01-04"),
        ("الاثنين الماضي", "الاثنين الماضي", "weekday", "day", "2022-01-03"),
        ("الجمعة بعد المقبل", "الجمعة بعد المقبل", "weekday", "day", "2022-01-21"),
        ("الاثنين قبل الماضي", "الاثنين قبل الماضي", "weekday", "day", "2021-12-27"),
        ("الأسبوع قبل الماضي", "الأسبوع قبل الماضي", "relative", "week", "2021-W52"),
        ("بنهاية العام 2014م الذي", "نهاية العام 2014م", "absolute", "year", "2014"),
        ("خلال الساعات الـ24 الماضية", "خلال الساعات الـ24 الماضية", "duration", "hour", "PT24H"),
        ("الأيام الثلاثة المقبلة", "الأيام الثلاثة المقبلة", "duration", "day", "P3D"),
        ("في الثامنة من مساء أمس", "الثامنة من مساء أمس", "relative", "hour", "2022-01-09T20:00"),
        ("الساعة 3 فجر الخميس", "الساعة 3 فجر الخميس", "weekday", "hour", "2022-01-06T03:00"),
        ("منتصف ليل الأحد", "منتصف ليل الأحد", "weekday", "part-of-day", "2022-01-09"),
        ("في الستينيات", "الستينيات", "absolute", "decade", "1960/1969"),
        ("قبل أيام", "قبل أيام", "vague", "day", None),
        ("منذ سنوات", "منذ سنوات", "vague", "year", None),
        ("طوال أشهر", "طوال أشهر", "duration", "month", None),
        ("في غضون أسبوعين", "في غضون أسبوعين", "duration", "week", "P2W"),
        ("بتاريخ 1436/9/15هـ", "1436/9/15هـ", "hijri", "day", "2015-07-02"),
        ("في 2022/01/10", "2022/01/10", "absolute", "day", "2022-01-10"),
        ("الأسبوع الأول من شهر مارس", "الأسبوع الأول من شهر مارس", "absolute", "week", "2021-W09"),
        ("آخر أسبوع في سبتمبر 2014", "آخر أسبوع في سبتمبر 2014", "absolute", "week", "2014-W39"),
        ("في العشرينيات", "العشرينيات", "absolute", "decade", "2020/2029"),  # begun by 2022
        ("في التسعينيات", "التسعينيات", "absolute", "decade", "1990/1999"),
        ("القرن التاسع عشر", "القرن التاسع عشر", "absolute", "century", "1800/1899"),
        ("القرن الماضي", "القرن الماضي", "relative", "century", "1900/1999"),
        ("في الساعات الأولى من صباح اليوم", "صباح اليوم", "relative", "part-of-day", "2022-01-10"),
        ("حتى 30 من شهر يناير الجاري", "30 من شهر يناير الجاري", "absolute", "day", "2022-01-30"),
        ("يناير 2022", "يناير 2022", "absolute", "month", "2022-01"),
        ("في جانفي 2020", "جانفي 2020", "absolute", "month", "2020-01"),
        ("تشرين الأول 2019", "تشرين الأول 2019", "absolute", "month", "2019-10"),
        ("آب 2021", "آب 2021", "absolute", "month", "2021-08"),
        ("15 أفريل", "15 أفريل", "absolute", "day", "2021-04-15"),
        ("الخامس من شباط 2020", "الخامس من شباط 2020", "absolute", "day", "2020-02-05"),
        (
            "الحادي والثلاثين من ديسمبر",
            "الحادي والثلاثين من ديسمبر",
            "absolute",
            "day",
            "2021-12-31",
        ),
        (
            "في يناير (كانون الثاني) 2022",
            "يناير (كانون الثاني) 2022",
            "absolute",
            "month",
            "2022-01",
        ),
        ("عام 2015", "عام 2015", "absolute", "year", "2015"),
        ("في العام 2015", "العام 2015", "absolute", "year", "2015"),
        ("في 2002م", "2002م", "absolute", "year", "2002"),
        ("في 10/1/2022", "10/1/2022", "absolute", "day", "2022-01-10"),
        ("في 2022-01-10", "2022-01-10", "absolute", "day", "2022-01-10"),
        ("في ١٠/١/٢٠٢٢", "١٠/١/٢٠٢٢", "absolute", "day", "2022-01-10"),
        ("1 رمضان 1436 هـ", "1 رمضان 1436 هـ", "hijri", "day", "2015-06-18"),
        ("العاشر من محرم", "العاشر من محرم", "hijri", "day", "2021-08-18"),
        ("سنة 1436 هـ", "سنة 1436 هـ", "hijri", "year", "2014-10-25/2015-10-13"),
        ("عيد الأضحى 2013", "عيد الأضحى 2013", "hijri", "day", "2013-10-15"),
        ("الساعة الثامنة مساءً", "الساعة الثامنة مساءً", "relative", "hour", "2022-01-10T20:00"),
        ("عند 10:30", "10:30", "relative", "minute", "2022-01-10T10:30"),
        ("مساء أمس", "مساء أمس", "relative", "part-of-day", "2022-01-09"),
        ("من 13 الى 15 تموز", "13 الى 15 تموز", "absolute", "day", "2021-07-13/2021-07-15"),
        ("مؤخراً", "مؤخراً", "vague", "day", None),
        ("وفي 2015 وأعلنت الحكومة", "2015", "absolute", "year", "2015"),
        ("منذ 2011، قتل", "2011", "absolute", "year", "2011"),
        ("مطلع 2016", "مطلع 2016", "absolute", "year", "2016"),
        ("نهاية الأسبوع الماضي", "نهاية الأسبوع الماضي", "relative", "week", "2022-W01"),
        ("ليلة الأحد", "ليلة الأحد", "weekday", "part-of-day", "2022-01-09"),
        ("بقانون رقم 2 لسنة 2015", "سنة 2015", "absolute", "year", "2015"),
        ("خلال عام 2003", "عام 2003", "absolute", "year", "2003"),
        (
            "يوم الجمعة الموافق 23/ 9/ 1436هـ",
            "يوم الجمعة الموافق 23/ 9/ 1436هـ",
            "hijri",
            "day",
            "2015-07-10",
        ),
        ("سبتمبر أيلول 2020", "سبتمبر أيلول 2020", "absolute", "month", "2020-09"),
        ("اليوم (الاثنين)، قال", "اليوم (الاثنين)", "relative", "day", "2022-01-10"),
    ],
)
def test_expression(text, surface, kind, granularity, value):
    found = _one(text)
    assert (found.surface, found.kind, found.granularity, found.value) == (
        surface,
        kind,
        granularity,
        value,
    )


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ("أمس", "-P1D"),
        ("أول أمس", "-P2D"),
        ("غدا", "P1D"),
        ("الأسبوع الماضي", "-P1W"),
        ("قبل ثلاثة أيام", "-P3D"),
        ("منذ أربع سنوات", "-P4Y"),
    ],
)
def test_relative_offset_is_kept_and_no_value_without_publication_date(text, offset):
    found = _one(text, published=None)
    assert found.offset == offset
    if found.kind != "duration":
        assert found.value is None
    assert _one(text).offset == offset  # kept when resolved too


def test_days_of_a_holiday_are_the_holiday_not_a_vague_span():
    (found,) = _times("خلال أيام عيد الفطر المبارك", published=date(2015, 7, 21))
    assert (found.surface, found.value) == ("عيد الفطر المبارك", "2015-07-17")


@pytest.mark.parametrize(
    "text",
    [
        "محاولة انقلاب",
        "باب البيت",
        "أحد المسؤولين",
        "يوم 45",
        "مارس الضغط على الحكومة",
        "قال 2030 جنديا",
        "وصل في 2030 جندياً",
        "وصل الرئيس رمضان قاديروف",
        "الفريق متقدم 1 - صفر",
        "الفرق بين الاثنين كبير",
        "داخل إطار هذين الاثنين",
        "شملت المشروعات عقدين بلغت",
        "على مدى نصف السنة تقريبا",
        "خلال أيام العيد قدمت الجمعية",
        "في 1800 موقع",
    ],
)
def test_not_a_time(text):
    assert _times(text) == ()


@pytest.mark.parametrize(
    "text",
    ["31 فبراير", "31 فبراير 2021", "30 شباط 2020", "عام 0", "35 رمضان 1436 هـ", "الساعة 45:99"],
)
def test_impossible_dates_are_flagged_never_guessed(text):
    for found in _times(text):
        if not found.valid:
            assert found.value is None
        else:  # what is left valid must be a real calendar value
            assert found.value is None or not found.value.startswith(("0000", "2021-02-31"))


def test_far_future_and_huge_numbers_do_not_crash():
    found = _one("في 10 يناير 9999")
    assert found.value == "9999-01-10"
    assert _times("بعد 999 سنة", published=date(9999, 12, 31))[0].value is None
    assert _times("قبل 1000 عام", published=date(1, 1, 1))[0].value is None


def test_published_datetime_resolves_clock_and_now():
    published = datetime(2013, 2, 12, 4, 30)
    assert _one("الآن", published=published).value == "2013-02-12T04:30:00"
    assert _one("قبل ساعتين", published=published).value == "2013-02-12T02:30"


@pytest.mark.parametrize(
    ("text", "past", "future"),
    [
        ("الأحد", "2022-01-09", "2022-01-16"),
        ("15 أفريل", "2021-04-15", "2022-04-15"),
        ("مارس", None, None),
    ],
)
def test_direction_option(text, past, future):
    found = _times(text)
    if past is None:  # a bare ambiguous month name (مارس: also "he practised") is not a date
        assert found == ()
        return
    assert found[0].value == past
    assert _one(text, options=TimeOptions(direction="future")).value == future


@pytest.mark.parametrize(
    "text",
    [
        "عمل 8 ساعات الخميس",
        "ناقش السياسة الخميس",
        "وصلت السيارة الخميس",
        "بعد ست سنوات الخميس",
        "سينما الخميس",
    ],
)
def test_nouns_starting_like_a_future_verb_do_not_turn_forward(text):
    assert _times(text)[-1].value == "2022-01-06"


def test_the_next_day_counts_from_the_story_not_from_publication():
    found = _one("وفي اليوم التالي عاد")
    assert (found.value, found.offset) == (None, "P1D")
    assert _one("اليوم التالي", options=TimeOptions(anaphoric=True)).value == "2022-01-11"
    assert _one("الأسبوع المقبل").value == "2022-W03"  # المقبل counts from publication


def test_future_tense_turns_a_bare_weekday_forward():
    assert _one("سيزور الرئيس القاهرة الخميس").value == "2022-01-13"
    assert _one("زار الرئيس القاهرة الخميس").value == "2022-01-06"
    assert _one("سيزور الرئيس القاهرة الخميس", options=TimeOptions(tense=False)).value == (
        "2022-01-06"
    )


def test_bad_direction_is_a_clear_error():
    with pytest.raises(InputError, match="direction"):
        TimeOptions(direction="sideways")


def test_stage_runs_in_the_default_pipeline(example_text):
    pipeline = Pipeline.default(until="times")
    assert pipeline.names[-1] == "times"
    doc = pipeline(Document(example_text, published=MONDAY))
    assert len(doc.times) >= 8


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_no_crash_and_offsets_hold_on_any_string(text):
    doc = extract_times(segment(Document(text, published=MONDAY)))
    for span in iter_spans(doc):
        assert doc.text[span.start : span.end] == span.surface


_PIECES = st.sampled_from(
    [
        "الإثنين",
        " ",
        "10",
        "يناير",
        "/",
        "كانون الثاني",
        "2022",
        "مساء",
        "أمس",
        "قبل",
        "ثلاثة",
        "أيام",
        "الساعة",
        "الثامنة",
        "هـ",
        "رمضان",
        "31",
        "فبراير",
        "من",
        "الى",
        "0",
        "99999",
        "الماضي",
        "\u064b",
        "\u0640",
        "\u200f",
        "١٠",
        "(",
        ")",
        "آب",
        "انقلاب",
        ":",
        "-",
        "عام",
        "المقبل",
    ]
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(_PIECES, max_size=14),
    st.sampled_from([None, MONDAY, date(1, 1, 1), date(9999, 12, 31)]),
)
def test_no_crash_on_time_like_strings(pieces, published):
    text = "".join(pieces)
    doc = Document(text, published=published)
    for options in (TimeOptions(), TimeOptions(direction="future")):
        for found in find_times(doc, options):
            assert text[found.start : found.end] == found.surface
            assert found.valid or found.value is None


@pytest.mark.parametrize(
    ("text", "published", "value", "hijri"),
    [
        ("مسلسلات رمضان المقبل", date(2015, 7, 21), "2016-06-06/2016-07-05", "1437-09"),
        ("في رمضان الماضي", date(2015, 7, 21), "2015-06-18/2015-07-16", "1436-09"),
        ("حتى 30 من شهر شوال الجاري", date(2015, 7, 21), "2015-08-15", "1436-10-30"),
        ("يعمل الموظف 6 في رمضان", date(2015, 7, 21), "2015-06-18/2015-07-16", "1436-09"),
        # a real date before the Umm al-Qura tables: kept, no Gregorian value, not "invalid"
        ("في الخامس من شوال عام 1319", date(2015, 7, 21), None, "1319-10-05"),
    ],
)
def test_hijri_month_names(text, published, value, hijri):
    found = _one(text, published=published)
    assert (found.kind, found.value, found.hijri, found.valid) == ("hijri", value, hijri, True)
