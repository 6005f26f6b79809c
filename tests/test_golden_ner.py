"""Golden test of the NER model on the example article (../shared/examples/expected-facts.md).

The model alone types places as LOC (the entities stage splits GPE with the gazetteer) and does not
know NORP; what it must find, it must find with the right type and exact token span.
"""

from __future__ import annotations

import pytest

from rasd.document import Document
from rasd.ner import Tagger
from rasd.text import segment


@pytest.fixture(scope="module")
def mentions(example_text) -> list[tuple[str, str]]:
    doc = segment(Document(example_text))
    return [(e.surface, e.label) for e in Tagger.builtin().tag(doc)]


@pytest.mark.parametrize(
    ("surface", "label"),
    [
        ("قاسم جومارت توكاييف", "PER"),
        ("توكاييف", "PER"),
        ("أنتوني بلينكن", "PER"),
        ("كازاخستان", "LOC"),
        ("روسيا", "LOC"),
        ("الولايات المتحدة", "LOC"),
        ("ألماتي", "LOC"),
        ("رويترز", "ORG"),
        ("شيفرون", "ORG"),
    ],
)
def test_expected_entity_is_found(mentions, surface, label):
    assert (surface, label) in mentions


def test_every_tokayev_mention_is_a_person(mentions, example_text):
    found = [s for s, lab in mentions if lab == "PER" and s.endswith("توكاييف")]
    # 6 mentions in the text, the first one inside the full name
    assert len(found) >= example_text.count("توكاييف") - 1


@pytest.mark.parametrize(
    "surface", ["الرئيس", "السلطات", "الشرطة", "الحياة", "المتظاهرين", "الإنترنت", "البلاد"]
)
def test_common_words_are_not_entities(mentions, surface):
    assert all(s != surface for s, _ in mentions)


def test_no_place_is_typed_as_a_person(mentions):
    people = {s for s, lab in mentions if lab == "PER"}
    assert not people & {"كازاخستان", "روسيا", "ألماتي", "الولايات المتحدة"}
