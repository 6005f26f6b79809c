"""Golden test: the entities of the example article (examples/…expected-facts.md, "Entities")."""

from __future__ import annotations

import pytest

from rasd.document import Document
from rasd.entities import extract_entities
from rasd.text import segment


@pytest.fixture(scope="module")
def entities(example_text):
    doc = extract_entities(segment(Document(example_text)))
    return doc.entities


def _by_surface(entities, surface):
    found = [e for e in entities if e.surface == surface]
    assert found, f"{surface!r} not found among {[e.surface for e in entities]}"
    return found


# surface, type, English name (every entity of expected-facts.md)
EXPECTED = [
    ("قاسم جومارت توكاييف", "PER", "Kassym-Jomart Tokayev"),
    ("توكاييف", "PER", "Kassym-Jomart Tokayev"),
    ("كازاخستان", "GPE", "Kazakhstan"),
    ("الكازاخية", "NORP", "Kazakhstan"),
    ("منظمة معاهدة الأمن الجماعي", "ORG", "Collective Security Treaty Organization (CSTO)"),
    ("روسيا", "GPE", "Russia"),
    ("وكالة رويترز", "ORG", "Reuters"),
    ("الولايات المتحدة", "GPE", "United States"),
    ("أنتوني بلينكن", "PER", "Antony Blinken"),
    ("ألماتي", "GPE", "Almaty"),
    ("وكالة الأنباء الفرنسية", "ORG", "Agence France-Presse (AFP)"),
    ("شيفرون", "ORG", "Chevron"),
    ("تنجيز", "LOC", "Tengiz oil field"),
    ("وزارة الإعلام الكازاخية", "ORG", "Ministry of Information of Kazakhstan"),
    ("تلغرام", "ORG", "Telegram"),
    ("وزارة الداخلية", "ORG", "Ministry of Interior"),
]


@pytest.mark.parametrize(("surface", "label", "english"), EXPECTED)
def test_expected_entity(entities, surface, label, english):
    for ent in _by_surface(entities, surface):
        assert ent.label == label
        assert ent.english == english


def test_almaty_is_linked_with_coordinates(entities):
    for ent in _by_surface(entities, "ألماتي"):
        assert ent.link == "kz-almaty"
        assert ent.country == "KZ"
        assert ent.kind == "city"
        assert ent.lat == pytest.approx(43.26, abs=0.05)
        assert ent.lon == pytest.approx(76.93, abs=0.05)


@pytest.mark.parametrize("surface", ["كازاخستان", "الكازاخية"])
def test_kazakhstan_and_its_adjective_link_to_the_country(entities, surface):
    for ent in _by_surface(entities, surface):
        assert ent.link == "kz"
        assert ent.country == "KZ"


@pytest.mark.parametrize(("surface", "code"), [("روسيا", "RU"), ("الولايات المتحدة", "US")])
def test_countries(entities, surface, code):
    (ent,) = _by_surface(entities, surface)
    assert ent.kind == "country"
    assert ent.country == code


def test_tengiz_is_a_kazakh_field(entities):
    (ent,) = _by_surface(entities, "تنجيز")
    assert ent.kind == "other"
    assert ent.country == "KZ"


def test_tokayev_corefers_with_the_full_name(entities, example_text):
    full = entities.index(_by_surface(entities, "قاسم جومارت توكاييف")[0])
    later = _by_surface(entities, "توكاييف")
    assert len(later) == example_text.count("توكاييف") - 1  # every mention after the full name
    assert all(e.coref == full for e in later)
    assert entities[full].coref is None


def test_repeated_places_corefer_with_their_first_mention(entities):
    kz = _by_surface(entities, "كازاخستان")
    first = entities.index(kz[0])
    assert all(e.coref == first for e in kz[1:])


def test_interior_ministry_is_kazakh_from_context(entities):
    (ent,) = _by_surface(entities, "وزارة الداخلية")
    assert ent.country == "KZ"


def test_american_is_a_nationality_of_the_us(entities):
    (ent,) = _by_surface(entities, "الأمريكي")
    assert ent.label == "NORP"
    assert ent.link == "us"


@pytest.mark.parametrize("surface", ["الرصاص", "الحي", "المدينة", "كبيراً", "غرب", "كان"])
def test_common_words_are_not_entities(entities, surface):
    assert not [e for e in entities if e.surface == surface]


def test_every_entity_has_an_english_name(entities):
    assert all(e.english for e in entities)
