"""Range look-ups by binary search (`rasd.span_index`) and the claim linking sweep give exactly
what a scan of every annotation gives; they keep the events and claims stages linear in length."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rasd.claims import link_events
from rasd.document import Claim, Document, Event, Span, Time
from rasd.span_index import in_text_order, starting_in

TEXT = "x" * 200


def _time(start: int, end: int) -> Time:
    return Time(start, end, TEXT[start:end], kind="date", granularity="day")


@pytest.mark.parametrize(
    ("starts", "lo", "hi", "expected"),
    [
        ((0, 5, 5, 9, 20), 5, 9, (5, 5)),
        ((0, 5, 5, 9, 20), 0, 100, (0, 5, 5, 9, 20)),
        ((0, 5, 5, 9, 20), 10, 20, ()),
        ((0, 5, 5, 9, 20), 21, 30, ()),
        ((), 0, 10, ()),
    ],
)
def test_starting_in(starts, lo, hi, expected):
    items = tuple(_time(s, s + 1) for s in starts)
    assert tuple(t.start for t in starting_in(items, lo, hi)) == expected


def test_in_text_order_sorts_only_when_needed():
    doc = Document(text=TEXT, times=(_time(1, 2), _time(5, 6)))
    assert in_text_order(doc) is doc
    shuffled = Document(text=TEXT, times=(_time(5, 6), _time(1, 2)))
    assert [t.start for t in in_text_order(shuffled).times] == [1, 5]
    assert in_text_order(shuffled).id == shuffled.id


def _reference(events, claims):
    """The plain scan that `link_events` replaces: the innermost holder's id, first on a tie."""
    out = []
    for event in events:
        holders = [
            c for c in claims if c.content and c.content.start <= event.start < c.content.end
        ]
        best = min(holders, key=lambda c: c.content.end - c.content.start) if holders else None
        out.append(best.id if best else None)
    return out


spans = st.tuples(st.integers(0, 150), st.integers(1, 50)).map(lambda p: (p[0], p[0] + p[1]))


@settings(max_examples=200, deadline=None)
@given(st.lists(spans, max_size=8), st.lists(st.integers(0, 199), max_size=12), st.data())
def test_link_events_matches_a_full_scan(contents, starts, data):
    claims = tuple(
        Claim(
            a,
            b,
            TEXT[a:b],
            id=f"cl-{k}",
            content=None if data.draw(st.booleans()) and k == 0 else Span(a, b, TEXT[a:b]),
        )
        for k, (a, b) in enumerate(contents)
    )
    events = tuple(Event(s, s + 1, TEXT[s : s + 1], id=f"ev-{s}", type="ASSAULT") for s in starts)
    linked = link_events(events, claims)
    assert [e.claim for e in linked] == _reference(events, claims)
    assert [e.start for e in linked] == list(starts)


@settings(max_examples=300, deadline=None)
@given(st.lists(spans, max_size=10), spans)
def test_quantity_overlap_check_matches_a_full_scan(claimed, span):
    from itertools import accumulate

    from rasd.quantities import _overlaps

    taken = sorted(claimed)
    lefts, reach = [a for a, _ in taken], list(accumulate((b for _, b in taken), max))
    start, end = span
    assert _overlaps(start, end, lefts, reach) == any(a < end and start < b for a, b in taken)
