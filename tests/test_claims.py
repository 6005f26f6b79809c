"""The claims stage on hand-built documents: speaker, channel, stance, content, event links."""

from __future__ import annotations

import pytest

from rasd.claims import extract_claims
from rasd.document import Document
from rasd.events import extract_events
from rasd.pipeline import make_document
from rasd.quantities import extract_quantities
from rasd.text import segment
from rasd.times import extract_times


def analyse_claims(text: str) -> Document:
    doc = extract_quantities(extract_times(segment(make_document(text, published="2015-08-01"))))
    return extract_claims(extract_events(doc))


@pytest.mark.parametrize(
    ("text", "speaker", "stance"),
    [
        ("قال المتحدث باسم الشرطة إن 5 أشخاص قتلوا في الهجوم.", "المتحدث", "assert"),
        ("وأكدت وزارة الداخلية أن الوضع تحت السيطرة.", "وزارة الداخلية", "assert"),
        ("السلطات كانت أعلنت مقتل 26 متظاهراً.", "السلطات", "assert"),
        ("نفت الوزارة أن يكون الجيش قد قصف المدينة.", "الوزارة", "deny"),
        ("وسحبت الوزارة تصريحاً مفاده أن 164 شخصاً قتلوا.", "الوزارة", "retract"),
        ("وقالت الوزارة إن الرقم نشر نتيجة خطأ تقني.", "الوزارة", "retract"),
        ("أعلنت الشرطة أن التقديرات الأولية للأضرار بلغت مليون دولار.", "الشرطة", "estimate"),
        ("يقدر الخبراء الأضرار بنحو 10 ملايين دولار.", "الخبراء", "estimate"),
    ],
)
def test_speaker_and_stance(text, speaker, stance):
    (claim,) = analyse_claims(text).claims
    assert claim.speaker is not None
    assert claim.speaker.surface.startswith(speaker)
    assert claim.stance == stance


@pytest.mark.parametrize(
    ("text", "speaker", "via"),
    [
        ("نقلت وكالة رويترز عن مصدر أمني أن 12 شخصاً قتلوا.", "مصدر أمني", "Reuters"),
        ("قتل 12 شخصاً في انفجار، بحسب وكالة رويترز.", "وكالة رويترز", None),
        ('أعلنت الوزارة عبر "تلغرام" أن 30 شخصاً قتلوا.', "الوزارة", "Telegram"),
        ("قال الرئيس، وفقاً لما أوردته وكالة رويترز، إن الهجوم فشل.", "الرئيس", "Reuters"),
    ],
)
def test_channel(text, speaker, via):
    claims = analyse_claims(text).claims
    assert len(claims) == 1, claims
    (claim,) = claims
    assert claim.speaker is not None
    assert claim.speaker.surface == speaker
    assert (claim.via.label if claim.via else None) == via


def test_bare_verb_continues_the_last_speaker_and_channel():
    doc = analyse_claims(
        "قال وزير الداخلية، وفقاً لوكالة رويترز، إن الهجوم فشل. وأضاف أن 16 شرطياً قتلوا."
    )
    first, second = doc.claims
    assert second.speaker == first.speaker
    assert second.via is not None
    assert second.via.label == "Reuters"


@pytest.mark.parametrize(
    ("text", "vias"),
    [
        # the lede names the speaker, the next sentence the channel: both came via Reuters
        (
            "قال وزير الداخلية إن الهجوم فشل. الوزير قال إن 16 شرطياً قتلوا، وفقاً لوكالة رويترز.",
            ["Reuters", "Reuters"],
        ),
        # another speaker's channel says nothing about the minister's words
        (
            "قال وزير الداخلية إن الهجوم فشل. وقال الجيش إن 16 جندياً قتلوا، وفقاً لوكالة رويترز.",
            [None, "Reuters"],
        ),
        # two sentences away is no longer the lede's attribution
        (
            "قال وزير الداخلية إن الهجوم فشل. وانقطعت الكهرباء في المدينة. "
            "الوزير قال إن 16 شرطياً قتلوا، وفقاً لوكالة رويترز.",
            [None, "Reuters"],
        ),
    ],
)
def test_lede_takes_the_channel_named_in_the_next_sentence(text, vias):
    claims = analyse_claims(text).claims
    assert [c.via.label if c.via else None for c in claims] == vias


def test_definite_anaphor_resolves_to_named_speaker():
    doc = analyse_claims(
        "أعلنت وزارة الإعلام الكازاخية أن 10 أشخاص قتلوا. الوزارة قالت إن الرقم صحيح."
    )
    assert doc.claims[1].speaker == doc.claims[0].speaker


def test_events_and_counts_carry_their_claim():
    doc = analyse_claims("وسحبت الوزارة تصريحاً مفاده أن أكثر من 164 شخصاً قُتلوا في البلاد.")
    (claim,) = doc.claims
    (event,) = [e for e in doc.events if e.type == "ASSAULT"]
    assert event.claim == claim.id
    assert [c.claim for c in event.counts] == [claim.id]
    assert claim.content is not None
    assert claim.content.start <= event.start < claim.content.end


def test_no_claim_without_attribution():
    doc = analyse_claims("قُتل 10 أشخاص في انفجار سيارة مفخخة أمس.")
    assert doc.claims == ()
    assert all(e.claim is None for e in doc.events)


def test_claim_spans_are_anchored():
    doc = analyse_claims("قال المتحدث باسم الشرطة إن 5 أشخاص قتلوا في الهجوم.")
    (claim,) = doc.claims
    for span in (claim, claim.speaker, claim.verb, claim.content):
        assert span is not None
        assert doc.text[span.start : span.end] == span.surface
    assert claim.verb.surface == "قال"
