"""Place resolution: a name the gazetteer spells differently is linked by its consonant skeleton
(lower confidence), multi-word names win over their first word, bad input stays unresolved."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rasd.document import Document
from rasd.entities import EntityOptions, _accusative_adjective, find_entities
from rasd.places import (
    SPELLING_CONFIDENCE,
    Gazetteer,
    PlaceContext,
    arabic_skeleton,
    latin_skeleton,
    resolve_place,
    resolve_spelling,
)
from rasd.text import normalise_text, segment


@pytest.fixture(scope="module")
def gaz():
    return Gazetteer.builtin()


def _norms(name: str) -> list[str]:
    return normalise_text(name).split()


@pytest.mark.parametrize(
    ("english", "arabic"),
    [
        ("Suruç", "سوروتش"),  # ç = تش
        ("Diyarbakır", "دياربكر"),  # written as one word
        ("Diyarbakır", "ديار بكر"),
        ("Şırnak", "شرناق"),
        ("Gaziantep", "غازي عينتاب"),
        ("Kirkuk", "كركوك"),
        ("Al Qatif", "القطيف"),  # the article on both sides
    ],
)
def test_a_transliteration_and_its_english_name_share_a_skeleton(english, arabic):
    assert latin_skeleton(english) == arabic_skeleton(normalise_text(arabic))


@pytest.mark.parametrize(
    ("name", "countries", "link"),
    [
        ("سوروتش", {"TR", "SY"}, "tr-suruc"),  # the gazetteer has سروج
        ("بسوروتش", {"TR"}, "tr-suruc"),  # a proclitic inside the mention
        ("دياربكر", {"TR"}, "tr-diyarbak-r"),
        ("انقره", {"TR"}, "tr-ankara"),  # ة written ه: a spelling the names index lacks
    ],
)
def test_an_unknown_spelling_is_linked_among_the_articles_countries(gaz, name, countries, link):
    place, confidence = resolve_spelling(gaz, _norms(name), PlaceContext(frozenset(countries)))
    assert place.id == link
    assert 0 < confidence <= SPELLING_CONFIDENCE < 1  # weaker than a name match


@pytest.mark.parametrize(
    ("name", "countries"),
    [
        ("سوروتش", set()),  # no country named: nothing to compare with
        ("سوروتش", {"SA", "EG"}),  # Suruç is not in the countries the article names
        ("داميا", {"TR"}),  # two consonants: too short to mean anything
        ("تشينار", {"TR"}),  # three consonants must match exactly (not Çankırı)
        ("جيلان بينار", {"TR"}),  # Ceylanpınar: c is k in English, j in Turkish; no guess
    ],
)
def test_no_link_without_a_confident_unique_match(gaz, name, countries):
    assert resolve_spelling(gaz, _norms(name), PlaceContext(frozenset(countries))) is None


def test_the_dateline_country_counts_as_named(gaz):
    found = resolve_spelling(gaz, _norms("سوروتش"), PlaceContext(frozenset(), dateline="TR"))
    assert found is not None
    assert found[0].id == "tr-suruc"


@pytest.mark.parametrize(
    ("name", "link"),
    [
        ("ظهران الجنوب", "sa-dhahran-al-janub"),  # not Dhahran (الظهران) in the east
        ("تركيا", "tr"),  # dr5hn's Arabic name for Turkey is the bird
        ("جازان", "sa-jizan"),
        ("شرناق", "tr-s-rnak"),  # provinces of the Arab world's neighbours keep their names
        ("ديار بكر", "tr-diyarbak-r"),
    ],
)
def test_gazetteer_names(gaz, name, link):
    assert resolve_place(gaz.lookup(name), PlaceContext()).id == link


def _entities(text: str):
    return find_entities(segment(Document(text)), EntityOptions(use_model=False))


@pytest.mark.parametrize(
    ("text", "surface", "link"),
    [
        (
            "تعرض مركز المسيال بقطاع ظهران الجنوب بمنطقة عسير لقذائف",
            "ظهران الجنوب",
            "sa-dhahran-al-janub",
        ),
        ("وثلاثة جنود بمركز السيال بظهران الجنوب بعسير", "ظهران الجنوب", "sa-dhahran-al-janub"),
        ("هجوم على كتيبة للجيش في إقليم شرناق بجنوب شرقي تركيا", "شرناق", "tr-s-rnak"),
    ],
)
def test_a_multi_word_name_wins_over_its_first_word(text, surface, link):
    found = [e for e in _entities(text) if e.surface == surface]
    assert [e.link for e in found] == [link]
    assert found[0].score is None  # a name match: no spelling doubt


def test_a_quoted_place_with_an_unknown_spelling_is_linked_with_lower_confidence():
    ents = _entities('قتل 30 شخصا في مخيم "سوروتش" قرب الحدود التركية')
    place = next(e for e in ents if e.surface == "سوروتش")
    assert (place.link, place.country) == ("tr-suruc", "TR")
    assert place.score is not None
    assert place.score < 1


@given(st.text(max_size=30))
def test_spelling_resolution_never_crashes(text):
    found = resolve_spelling(Gazetteer.builtin(), text.split(), PlaceContext(frozenset({"TR"})))
    assert found is None or 0 < found[1] < 1


@pytest.mark.parametrize(
    ("text", "word", "adjective"),
    [
        ("شهدت تركيا أمس هجوما انتحاريا داميا أوقع 30 قتيلا", "داميا", True),
        ("كان يوما عصيبا على السكان", "عصيبا", True),
        ("وقع هجوم دامياً في المدينة", "دامياً", True),  # the tanween says so
        ("وصل الوفد إلى مدينة سوروتش أمس", "سوروتش", False),
        ("سافر الوفد أمس إلى كوكوتا", "كوكوتا", False),  # a name after a preposition
    ],
)
def test_an_indefinite_accusative_adjective_is_no_place(text, word, adjective):
    doc = segment(Document(text))
    norms = [t.norm for t in doc.tokens]
    i = next(k for k, t in enumerate(doc.tokens) if t.surface == word)
    assert _accusative_adjective(doc.tokens, norms, i, i + 1) is adjective
