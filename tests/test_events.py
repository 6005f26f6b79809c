"""The events stage on hand-built documents: triggers, modality, counts by role, arguments."""

from __future__ import annotations

import pytest

from rasd.claims import extract_claims
from rasd.document import Document
from rasd.events import event_id, extract_events, is_factual
from rasd.events_lexicon import Lexicon, expand
from rasd.pipeline import make_document
from rasd.quantities import extract_quantities
from rasd.text import segment
from rasd.times import extract_times


def analyse_events(text: str, published: str | None = "2015-08-01") -> Document:
    """Segment, times, quantities (which events require), events and claims; no entities."""
    doc = extract_quantities(extract_times(segment(make_document(text, published=published))))
    return extract_claims(extract_events(doc))


def factual(doc: Document, event_type: str | None = None) -> list:
    return [e for e in doc.events if is_factual(e) and event_type in (None, e.type)]


# --------------------------------------------------------------------------- detection


@pytest.mark.parametrize(
    ("text", "event_type", "mode"),
    [
        ("قُتل 10 أشخاص في انفجار سيارة مفخخة أمس.", "ASSAULT", "explosives"),
        ("لقي ثلاثة جنود حتفهم في كمين.", "ASSAULT", "kill"),
        ("أطلقت الشرطة الرصاص الحي على المحتجين.", "ASSAULT", "firearms"),
        ("فجر انتحاري نفسه في مسجد بالمدينة.", "ASSAULT", "suicide-attack"),
        ("شنت الطائرات غارات على مواقع المسلحين أمس.", "ASSAULT", "aerial"),
        ("اعتقلت قوات الأمن 20 متظاهراً.", "COERCE", "arrest"),
        ("تظاهر آلاف الطلاب في العاصمة احتجاجاً على رفع الأسعار.", "PROTEST", "demo"),
        ("خرج مئات المواطنين إلى الشوارع مطالبين بالإصلاح.", "PROTEST", "demo"),
        ("نشرت الحكومة 500 جندي في المدينة.", "MOBILIZE", "troops"),
        ("تعرض أكثر من مئة متجر للنهب.", "COERCE", "loot"),
    ],
)
def test_reported_events_are_factual(text, event_type, mode):
    found = factual(analyse_events(text), event_type)
    assert found, f"no factual {event_type} in {text}"
    assert any(e.mode == mode for e in found)


@pytest.mark.parametrize(
    ("text", "modality"),
    [
        ("لم يُقتل أحد في الهجوم.", "negated"),
        ("نفت الوزارة مقتل أي مدني.", "negated"),
        ("سيتظاهر العمال غداً أمام البرلمان.", "planned"),
        ("من المقرر أن يتظاهر الطلاب الأسبوع المقبل.", "planned"),
        ("إذا هاجم المسلحون القرية فسيرد الجيش.", "hypothetical"),
        ("قد يهاجم المتمردون المدينة.", "hypothetical"),
        ("هل قتل الجيش المدنيين في القرية؟", "hypothetical"),
        ("اتهمت المعارضة الجيش بأنه قتل المدنيين في القرية.", "reported"),
    ],
)
def test_modality(text, modality):
    doc = analyse_events(text)
    assert doc.events, text
    assert {e.modality for e in doc.events if e.type in {"ASSAULT", "PROTEST"}} == {modality}
    assert not factual(doc, "ASSAULT")
    assert not factual(doc, "PROTEST")


@pytest.mark.parametrize(
    "text",
    [
        "ارتفعت أسعار النفط أمس.",
        "أحيا اللبنانيون أمس ذكرى اغتيال الرئيس.",
        "وقتل 76 صحافياً منذ عام 2003.",
        "ورفع المتظاهرون لافتات كتب عليها شعارات.",
        "وقال، ان الحركة لا تدري قبائل المشاركين في الهجوم.",
        "ناقش المؤتمر الحق في التجمع والتنظيم.",
    ],
)
def test_not_reported_events(text):
    doc = analyse_events(text)
    assert not factual(doc, "ASSAULT")
    assert not factual(doc, "PROTEST")


# --------------------------------------------------------------------------- counts


@pytest.mark.parametrize(
    ("text", "role", "value", "qualifier", "group"),
    [
        ("قُتل 10 أشخاص في انفجار.", "killed", 10, "exact", "people"),
        ("أسفر الهجوم عن مقتل 26 متظاهراً.", "killed", 26, "exact", "protesters"),
        ("وأضاف أن 16 من أفراد قوات الأمن قُتلوا.", "killed", 16, "exact", "security forces"),
        ("وجرح 200 شخص في المواجهات.", "injured", 200, "exact", "people"),
        ("اعتقلت الشرطة نحو ثمانية آلاف شخص.", "detained", 8000, "about", "people"),
        ("لقي ثلاثة جنود حتفهم في كمين.", "killed", 3, "exact", "soldiers"),
        ("ودُمرت أكثر من 400 سيارة.", "property", 400, "more_than", "cars"),
        ("نشرت الحكومة 500 جندي في المدينة.", "troops", 500, "exact", "soldiers"),
    ],
)
def test_counts_by_role_and_group(text, role, value, qualifier, group):
    doc = analyse_events(text)
    counts = [c for e in doc.events for c in e.counts]
    assert len(counts) == 1, counts
    (count,) = counts
    assert (count.role, count.value, count.qualifier) == (role, value, qualifier)
    assert count.group is not None
    assert count.group.label == group


def test_coordinated_figures_share_the_trigger_before_them():
    doc = analyse_events("أعلنت السلطات مقتل 26 متظاهراً و16 عنصراً من القوى الأمنية وجرح 200 شخص.")
    by_trigger = {e.surface: e for e in doc.events}
    killed = by_trigger["مقتل"].counts
    assert [(c.value, c.group.label) for c in killed] == [
        (26, "protesters"),
        (16, "security forces"),
    ]
    assert [(c.role, c.value) for c in by_trigger["وجرح"].counts] == [("injured", 200)]


@pytest.mark.parametrize(
    "text",
    [
        "أوقف عام 2013 لمدة 45 يوما على خلفية الاشتباه.",
        "سقطت أكثر من 300 قذيفة على المدينة وقتل مسلح.",
        "قتل الضابطان حوالي الساعة السادسة (0300 بتوقيت جرينتش).",
    ],
)
def test_years_measures_and_unknown_nouns_are_not_counts(text):
    doc = analyse_events(text)
    assert all(c.value not in {2013, 45, 300} for e in doc.events for c in e.counts)


# --------------------------------------------------------------------------- arguments


def test_actor_and_target_from_the_clause():
    doc = analyse_events("أطلقت الشرطة الرصاص الحي على متظاهرين اقتحموا مباني رسمية.")
    (event,) = [e for e in doc.events if e.type == "ASSAULT"]
    assert event.actor is not None
    assert event.actor.label == "police"
    assert event.target is not None
    assert event.target.label == "protesters"
    assert "police → protesters" in event.summary


def test_date_is_publication_date_marked_inferred_without_a_time():
    (event,) = factual(analyse_events("قُتل 10 أشخاص في انفجار."), "ASSAULT")[:1]
    assert (event.date, event.date_inferred) == ("2015-08-01", True)


def test_arguments_never_come_from_another_sentence():
    doc = analyse_events("اعتقلت الشرطة 5 أشخاص. وفي مدينة أخرى قتل مسلح.")
    killing = next(e for e in doc.events if e.type == "ASSAULT")
    assert killing.counts == ()
    assert killing.actor is None or killing.actor.start > doc.sentences[1].start


def test_event_ids_are_stable_and_depend_on_offset():
    text = "قُتل 10 أشخاص في انفجار."
    first, second = analyse_events(text), analyse_events(text)
    assert [e.id for e in first.events] == [e.id for e in second.events]
    assert event_id(first.id, 0) != event_id(first.id, 1)
    assert len({e.id for e in first.events}) == len(first.events)


def test_typology_is_data_with_acled_mapping():
    lexicon = Lexicon.builtin()
    assert len(lexicon.plover["types"]) == 16
    assert lexicon.describe("ASSAULT", "crowd-control")[1:] == (
        "Protests",
        "Excessive force against protesters",
    )
    assert lexicon.describe("COERCE", "arrest")[1:] == ("Strategic developments", "Arrests")


@pytest.mark.parametrize(
    ("form", "pos", "inflected"),
    [("قتل", "v", "قتلوا"), ("يتظاهر", "i", "يتظاهرون"), ("مظاهرة", "n", "مظاهرات")],
)
def test_trigger_forms_are_expanded(form, pos, inflected):
    assert inflected in expand(form, pos)


@pytest.mark.parametrize(
    ("text", "event_type", "place", "label"),
    [
        (
            "اندلعت احتجاجات في غرب البلاد بعد أن زار الرئيس العراقي بغداد أمس.",
            "PROTEST",
            "غرب البلاد",
            "west of Iraq",
        ),
        (
            "شهدت مدينة الموصل في العراق أمس تظاهرات، وقتل شخصان في شمال غرب البلاد.",
            "ASSAULT",
            "شمال غرب البلاد",
            "north-west of Iraq",
        ),
        ("تظاهر المئات في بغداد، عاصمة العراق، أمس.", "PROTEST", "بغداد", "Baghdad, IQ"),
    ],
)
def test_a_region_of_the_country_is_the_place_not_a_town_elsewhere(text, event_type, place, label):
    from rasd.pipeline import analyse

    (event,) = factual(analyse(text, published="2015-08-01"), event_type)
    assert event.place is not None
    assert (event.place.surface, event.place.label) == (place, label)


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("قتل خمسة أشخاص ببغداد بعد عودتهم من الموصل.", "بغداد"),  # بـ attached: where it happened
        ("قتل خمسة أشخاص في الموصل بعد عودتهم من بغداد.", "الموصل"),  # بغداد's ب is no preposition
    ],
)
def test_the_place_after_a_preposition_wins(text, place):
    from rasd.pipeline import analyse

    (event,) = factual(analyse(text, published="2015-08-01"), "ASSAULT")
    assert event.place is not None
    assert event.place.surface == place
