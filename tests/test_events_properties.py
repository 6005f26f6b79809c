"""Invariants of the events and claims stages: offsets hold for every annotation and nested span,
nothing crashes on any string, and bad input (huge sentences, a thousand figures, deep quotes)
gives a bounded result."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from rasd.claims import extract_claims
from rasd.document import Document, iter_spans
from rasd.events import EventOptions, extract_events, find_events
from rasd.pipeline import make_document
from rasd.quantities import extract_quantities
from rasd.text import segment
from rasd.times import extract_times

WORDS = [
    "قتل", "قُتلوا", "مقتل", "أصيب", "جرح", "تظاهر", "متظاهرين", "اعتقلت", "الشرطة", "أطلقت",
    "الرصاص", "على", "قال", "أكد", "نفت", "سحبت", "الوزارة", "إن", "أن", "لم", "سوف", "إذا",
    "أمس", "في", "بغداد", "وكالة", "رويترز", "عبر", "تلغرام", "بحسب", "شخصاً", "جندي", "نشرت",
    "10", "٢٥", "أكثر", "من", "نحو", "ثلاثة", "آلاف", "،", ".", "«", "»", '"', "؟", "\n",
]  # fmt: skip


def run(text: str) -> Document:
    return extract_claims(
        extract_events(
            extract_quantities(extract_times(segment(make_document(text, published="2015-08-01"))))
        )
    )


def assert_anchored(doc: Document) -> None:
    for ann in iter_spans(doc):
        assert doc.text[ann.start : ann.end] == ann.surface


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=60).map(" ".join))
def test_offsets_hold_on_event_language(text):
    assert_anchored(run(text))


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_no_crash_on_any_string(text):
    doc = run(text)
    assert_anchored(doc)
    assert all(e.id.startswith("ev-") for e in doc.events)


def test_five_thousand_token_sentence_is_bounded():
    text = " ".join(["قتل 5 أشخاص وأصيب 3 آخرون في هجوم"] * 625)  # 5,000 tokens, no full stop
    doc = run(text)
    options = EventOptions()
    windows = -(-len(doc.tokens) // options.max_sentence_tokens)
    assert 0 < len(doc.events) <= windows * options.max_events_per_sentence
    assert_anchored(doc)


def test_a_thousand_figures_in_one_sentence():
    text = "قتل " + " و".join(f"{n} شخصاً" for n in range(1, 1001)) + "."
    doc = run(text)
    counts = [c for e in doc.events for c in e.counts]
    assert counts
    assert len(counts) <= 1000
    assert_anchored(doc)


def test_quotes_nested_a_hundred_deep():
    text = "قال الوزير " + "«" * 100 + "قتل 10 أشخاص" + "»" * 100 + " وأضاف أن الشرطة اعتقلت 5."
    doc = run(text)
    assert doc.claims
    assert_anchored(doc)


def test_events_without_sentences_are_empty():
    assert find_events(make_document("قتل 10 أشخاص")) == ()
