"""The Document model: ids, JSON round-trips, the published schema, the offset invariant."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rasd
from conftest import ROOT
from rasd.document import (
    Claim,
    Count,
    Document,
    Entity,
    Event,
    Quantity,
    Span,
    Time,
    iter_spans,
    parse_published,
)
from rasd.errors import InputError
from rasd.schema import json_schema

SCHEMA_FILE = ROOT / "schema" / "document.schema.json"


def _hand_built(text: str) -> Document:
    """A document with one of every annotation kind, built by hand over real text."""
    i = text.index("16 من أفراد")
    j = text.index("قُتلوا")
    k = text.index("توكاييف")
    group = Span(i + 3, i + 19, text[i + 3 : i + 19], "security forces")
    return Document(
        text=text,
        published=datetime(2022, 1, 10, 9, 30, tzinfo=timezone(timedelta(hours=6))),
        source="example",
        entities=(Entity(k, k + 7, text[k : k + 7], "PER", english="Kassym-Jomart Tokayev"),),
        quantities=(Quantity(i, i + 2, "16", 16.0, counted=group),),
        times=(Time(0, 3, text[0:3], "relative", "day", value="2022-01-10", offset="P0D"),),
        events=(
            Event(
                j,
                j + 6,
                text[j : j + 6],
                id="e1",
                type="ASSAULT",
                counts=(Count(i, i + 2, "16", "killed", 16.0, group=group),),
            ),
        ),
        claims=(
            Claim(k, k + 7, text[k : k + 7], id="c1", speaker=Span(k, k + 7, text[k : k + 7])),
        ),
    )


def test_content_id_is_stable_and_normalisation_blind():
    a = Document(text="قال الرئيس إن بلاده نجت")
    b = Document(text="قال الرئيس إنّ بلاده نجت")  # a shadda more: same normalised text
    assert a.id == b.id
    assert len(a.id) == 16
    assert Document(text="قال الوزير").id != a.id


def test_round_trip_of_every_annotation_kind(example_text):
    doc = _hand_built(example_text)
    assert Document.from_json(doc.to_json()) == doc
    assert Document.from_dict(json.loads(doc.to_json(indent=2))) == doc


def test_round_trip_of_the_analysed_example(example_doc):
    assert Document.from_json(example_doc.to_json()) == example_doc


def test_analysed_example_validates_against_published_schema(example_doc):
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.validate(example_doc.to_dict(), schema)
    jsonschema.validate(_hand_built(example_doc.text).to_dict(), schema)


def test_published_schema_is_up_to_date():
    committed = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert committed == json_schema(), (
        "regenerate: python -m rasd.schema > schema/document.schema.json"
    )


def test_every_nested_span_is_visited(example_text):
    doc = _hand_built(example_text)
    spans = list(iter_spans(doc))
    # entity, quantity + its counted span, time, event + count + group, claim + speaker
    assert len(spans) == 9
    for span in spans:
        assert doc.text[span.start : span.end] == span.surface


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2022-01-10", date(2022, 1, 10)),
        (
            "2022-01-10T18:30:00+06:00",
            datetime(2022, 1, 10, 18, 30, tzinfo=timezone(timedelta(hours=6))),
        ),
        ("2015-08-06 11:05:00", datetime(2015, 8, 6, 11, 5)),
        ("", None),
        (None, None),
    ],
)
def test_parse_published(value, expected):
    assert parse_published(value) == expected


@pytest.mark.parametrize("value", ["10/01/2022", "yesterday", "2022-13-01"])
def test_parse_published_rejects_non_iso(value):
    with pytest.raises(InputError, match="not an ISO date"):
        parse_published(value)


@pytest.mark.parametrize(
    "payload",
    ['{"title": "no text"}', "[1, 2]", '{"text": "x", "bogus": 1}', "{not json"],
)
def test_from_json_rejects_bad_documents(payload):
    with pytest.raises(InputError):
        Document.from_json(payload)


def test_document_is_frozen(example_doc):
    with pytest.raises(AttributeError):
        example_doc.text = "x"  # type: ignore[misc]


@given(st.text(max_size=300), st.sampled_from([None, "2022-01-10", "2015-08-06T10:00:00+03:00"]))
@settings(max_examples=150, deadline=None)
def test_pipeline_never_raises_and_every_annotation_is_anchored(text, published):
    doc = rasd.analyse(text, published=published)
    for ann in iter_spans(doc):
        assert 0 <= ann.start <= ann.end <= len(text)
        assert text[ann.start : ann.end] == ann.surface
    assert Document.from_json(doc.to_json()) == doc
