"""The entities stage: table-driven Arabic behaviour, linking, offsets, bad input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rasd.document import Document, iter_spans
from rasd.entities import EntityOptions, extract_entities, find_entities
from rasd.names import NameLexicon, transliterate
from rasd.places import Gazetteer, PlaceContext, dateline_country, resolve_place
from rasd.text import segment


def _entities(text: str):
    """Rule, lexicon and gazetteer mentions only: these tests pin the rules, whatever the
    statistical tagger (rasd.ner) adds when it is installed."""
    return find_entities(segment(Document(text)), EntityOptions(use_model=False))


def _one(text: str, surface: str):
    found = [e for e in _entities(text) if e.surface == surface]
    assert len(found) == 1, (surface, [(e.surface, e.label) for e in _entities(text)])
    return found[0]


# ------------------------------------------------------------------ places and nationalities
@pytest.mark.parametrize(
    ("text", "surface", "label", "link"),
    [
        ("وصل الوفد إلى الرياض أمس.", "الرياض", "GPE", "sa-riyadh"),
        ("عاد الوفد من بغداد.", "بغداد", "GPE", "iq-baghdad"),
        ("زار الوزير القاهرة.", "القاهرة", "GPE", "eg-cairo"),
        ("وقعت اشتباكات في مدينة تعز.", "تعز", "GPE", "ye-taizz"),
        ("اجتمعوا في المدينة المنورة.", "المدينة المنورة", "GPE", "sa-medina"),
        ("وصلت السفينة إلى قناة السويس.", "قناة السويس", "LOC", "eg-suez-canal"),
        ("أعلنت السعودية عن خطة.", "السعودية", "GPE", "sa"),
        ("قالت المملكة العربية السعودية إن…", "المملكة العربية السعودية", "GPE", "sa"),
        ("التقى وزير الخارجية الأمريكي بنظيره.", "الأمريكي", "NORP", "us"),
        ("أعلنت الحكومة المصرية.", "المصرية", "NORP", "eg"),
        ("قال الجيش الروسي.", "الروسي", "NORP", "ru"),
        ("قالت السلطات الكازاخستانية.", "الكازاخستانية", "NORP", "kz"),
    ],
)
def test_place_and_nationality(text, surface, label, link):
    ent = _one(text, surface)
    assert (ent.label, ent.link) == (label, link)


@pytest.mark.parametrize(
    ("text", "surface"),
    [
        ("وصلوا بالرياض أمس.", "الرياض"),  # the preposition ب stays out of the entity
        ("وروسيا ترفض.", "روسيا"),
        ("والكويت تدعم القرار.", "الكويت"),
    ],
)
def test_proclitics_are_left_out_of_the_surface(text, surface):
    assert _one(text, surface).label == "GPE"


@pytest.mark.parametrize(
    "text",
    [
        "كان الجو حارا في الحي القديم وسط المدينة.",  # كان (Cannes), الحي, المدينة
        "أطلقت الشرطة الرصاص الحي.",
        "حقق فوزا كبيرا على خصمه.",  # ك + بيرا is not Beira
        "نشر الخبر في الصحف.",  # الخبر is the news, not Khobar
        "قال المصري إن الحكومة المالية تعمل.",
    ],
)
def test_common_words_are_not_places(text):
    assert not [e for e in _entities(text) if e.label in ("GPE", "LOC")]


def test_article_countries_decide_between_namesakes():
    gaz = Gazetteer.builtin()
    candidates = gaz.lookup("طرابلس")
    assert {p.country for p in candidates} >= {"LY", "LB"}
    assert resolve_place(candidates, PlaceContext()).country == "LY"
    assert resolve_place(candidates, PlaceContext(frozenset({"LB"}))).country == "LB"
    assert resolve_place(candidates, PlaceContext(frozenset(), "LB")).country == "LB"
    # a big city keeps its name against a village namesake in a mentioned country
    alexandria = gaz.lookup("الإسكندرية")
    assert resolve_place(alexandria, PlaceContext(frozenset({"GB"}))).country == "EG"


def test_resolve_nothing_is_unresolved():
    assert resolve_place((), PlaceContext()) is None


def test_a_place_missing_from_the_gazetteer_is_explicitly_unresolved():
    ent = _one('وصلت القافلة إلى مخيم "زقزوق" أمس.', "زقزوق")
    assert (ent.label, ent.link, ent.kind) == ("LOC", None, "unresolved")
    assert ent.english


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("لندن: قال مسؤولون إن…", "GB"),
        ("الرياض - واس: أعلنت الوزارة…", "SA"),
        ("القاهرة (رويترز) - قال…", "EG"),
        ("قال مسؤولون إن الوضع هادئ.", None),
    ],
)
def test_dateline_country(text, country):
    assert dateline_country(text, Gazetteer.builtin()) == country


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("قال مسؤولون إن طرابلس هادئة.", "LY"),  # the capital of Libya by default
        ("بيروت - قال مسؤولون إن طرابلس هادئة.", "LB"),  # Tripoli, Lebanon under a Beirut line
        ("قال مسؤولون لبنانيون في بيروت إن طرابلس هادئة.", "LB"),  # Lebanon is mentioned
    ],
)
def test_context_picks_the_namesake(text, country):
    assert _one(text, "طرابلس").country == country


# ------------------------------------------------------------------ people and organisations
@pytest.mark.parametrize(
    ("text", "surface", "english"),
    [
        ("قالت وكالة الأنباء الفرنسية إن…", "وكالة الأنباء الفرنسية", "Agence France-Presse (AFP)"),
        ("نقلت رويترز عن مصادر.", "رويترز", "Reuters"),
        ("اجتمع مجلس الأمن الدولي.", "مجلس الأمن الدولي", "UN Security Council"),
        ('قالت شركة "أرامكو" إن…', "أرامكو", "Saudi Aramco"),
        (
            "أعلنت وزارة الصحة السعودية",
            "وزارة الصحة السعودية",
            "Ministry of Health of Saudi Arabia",
        ),
        # a club named for its city is the club, not a place
        ("فاز بايرن ميونيخ على ريال مدريد.", "بايرن ميونيخ", "FC Bayern Munich"),
        ("فاز بايرن ميونيخ على ريال مدريد.", "ريال مدريد", "Real Madrid CF"),
        ("قال بنك كريدي سويس إن…", "كريدي سويس", "Credit Suisse"),
    ],
)
def test_organisations(text, surface, english):
    ent = _one(text, surface)
    assert (ent.label, ent.english) == ("ORG", english)


@pytest.mark.parametrize(
    "text",
    ["ترعى الإبل في الصحراء", "أقيمت القاعدة العسكرية على الجزيرة", "شل الإضراب الحركة"],
)
def test_common_words_are_not_organisations(text):
    assert not [e for e in _entities(text) if e.label == "ORG"]


def test_unknown_organisation_from_a_trigger():
    ent = _one("قالت هيئة الطيران المدني إن…", "هيئة الطيران المدني")
    assert ent.label == "ORG"
    assert ent.english.startswith("Authority ")


@pytest.mark.parametrize(
    ("text", "surface"),
    [
        ("قال الرئيس بشار الأسد إن…", "بشار الأسد"),
        ("وقال وزير الخارجية الأمريكي جون كيري إن…", "جون كيري"),
        ("أكد المتحدث باسم الجيش أحمد عسيري", None),  # باسم is "on behalf of", not a name
    ],
)
def test_people_after_titles(text, surface):
    people = [e for e in _entities(text) if e.label == "PER"]
    if surface is None:
        assert not [e for e in people if e.surface.startswith("باسم")]
    else:
        assert [e.surface for e in people][:1] == [surface]


@pytest.mark.parametrize(
    ("text", "people"),
    [
        ("قال الملك سلمان بن عبد العزيز إن المملكة", ["سلمان بن عبد العزيز"]),
        ("وأشار الرئيس إلى أن الوضع مستقر", []),  # إلى is no name
        ("قال الرئيس على هامش القمة", []),  # nor is على
        ("قال الملك عبد الله الثاني إن… وأضاف الثاني", ["عبد الله الثاني"]),  # no ordinal coref
        ("قال الشيخ محمد علي للصحفيين. وقال علي إن…", ["محمد علي"]),  # علي is too common
    ],
)
def test_people_boundaries(text, people):
    assert [e.surface for e in _entities(text) if e.label == "PER"] == people


def test_family_name_corefers_with_the_full_name():
    ents = _entities("قال الرئيس بشار الأسد إن الحرب مستمرة. وأضاف الأسد أن…")
    people = [e for e in ents if e.label == "PER"]
    assert [e.surface for e in people] == ["بشار الأسد", "الأسد"]
    assert people[1].coref == ents.index(people[0])
    assert people[1].english == people[0].english


@pytest.mark.parametrize(
    ("arabic", "latin"),
    [("سلمان", "Slman"), ("الجبير", "al-Jbir"), ("يوسف", "Yusf"), ("مالي", "Mali"), ("", "")],
)
def test_transliteration_fallback(arabic, latin):
    assert transliterate(arabic) == latin


def test_person_english_from_the_lexicon():
    names = NameLexicon.builtin()
    assert names.english_person(("محمد", "علي")) == "Mohamed Ali"


# ------------------------------------------------------------------ invariants and bad input
def _check_offsets(doc: Document) -> None:
    for ann in iter_spans(doc):
        assert doc.text[ann.start : ann.end] == ann.surface
    for ent in doc.entities:
        assert ent.coref is None or 0 <= ent.coref < len(doc.entities)


ARABIC_LIKE = [*'كازخستنالرياضمصروبي "«».:،-\n', "\u064b", "\u0640"]


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(ARABIC_LIKE)))
def test_offsets_hold_on_arabic_like_text(text):
    _check_offsets(extract_entities(segment(Document(text))))


@settings(max_examples=60, deadline=None)
@given(st.text())
def test_no_crash_on_any_unicode(text):
    _check_offsets(extract_entities(segment(Document(text))))


def _bounded(text: str) -> tuple:
    """Run the stage; the result is bounded by the input (speed is for benchmarks/entities.py,
    which shows the stage is linear in the number of tokens)."""
    doc = extract_entities(segment(Document(text)))
    _check_offsets(doc)
    assert len(doc.entities) <= len(doc.tokens)
    return doc.entities


def test_ten_thousand_names():
    text = "، ".join(["الرئيس بشار الأسد", "الرياض", "رويترز", "جون كيري"] * 2500)
    ents = _bounded(text)
    assert len(ents) >= 10_000


def test_hundred_kilobyte_sentence_without_punctuation():
    text = " ".join(["قال الرئيس إن الوفد وصل إلى الرياض"] * 3000)[:100_000]
    ents = _bounded(text)
    assert all(e.surface for e in ents)


@pytest.mark.parametrize(
    "text",
    [
        "Vladimir Putin met Joe Biden in Geneva.",
        "قال Vladimir Putin إن موسكو ترفض",
        "قالت شركةApple إن…",
        "الرئيسTrump قال",
        "x" * 10_000,
    ],
)
def test_latin_and_mixed_script(text):
    _bounded(text)


def test_options_turn_off_coreference():
    doc = segment(Document("قال الرئيس بشار الأسد إن الحرب مستمرة. وأضاف الأسد أن…"))
    ents = find_entities(doc, EntityOptions(coref=False))
    assert all(e.coref is None for e in ents)


def test_stage_declares_what_it_needs():
    info = extract_entities.rasd_stage
    assert info.requires == ("tokens",)
    assert info.assigns == ("entities",)
