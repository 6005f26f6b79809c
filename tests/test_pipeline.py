"""Pipeline assembly (requires/assigns), streaming and the per-document error handler."""

from __future__ import annotations

import pickle
from dataclasses import replace

import pytest

from rasd.document import Document
from rasd.errors import InputError, PipelineError
from rasd.pipeline import Pipeline, Skip, stage
from rasd.text import segment


@stage(name="needs_events", requires=("events",), assigns=("claims",))
def _needs_events(doc: Document) -> Document:
    return doc


@stage(name="fails_on_x", requires=("tokens",), assigns=())
def _fails_on_x(doc: Document) -> Document:
    if "x" in doc.text:
        raise InputError("contains x")
    if "y" in doc.text:
        raise ValueError("unexpected y")
    return replace(doc, title="ok")


def test_default_pipeline_starts_with_the_text_layer():
    pipeline = Pipeline.default()
    assert pipeline.names[0] == "text"
    assert Pipeline.default(until="text").names == ("text",)


def test_unknown_stage_name_for_until_is_an_error():
    with pytest.raises(PipelineError, match="no stage named 'segment'"):
        Pipeline.default(until="segment")


def test_missing_requirement_is_reported_when_built():
    with pytest.raises(PipelineError, match=r"'needs_events' requires \['events'\]"):
        Pipeline([segment, _needs_events])


def test_undecorated_function_is_rejected():
    with pytest.raises(PipelineError, match="not a rasd stage"):
        Pipeline([len])  # type: ignore[list-item]


def test_pipe_streams_and_records_skips():
    pipeline = Pipeline([segment, _fails_on_x])
    docs = [
        Document(text="نص أول"),
        Document(text="x نص"),
        Skip("a.txt", "empty"),
        Document(text="y"),
    ]
    out = list(pipeline.pipe(iter(docs), on_error="skip"))
    assert isinstance(out[0], Document)
    assert out[0].title == "ok"
    assert isinstance(out[1], Skip)
    assert out[1].stage == "fails_on_x"
    assert out[1].reason == "contains x"
    assert out[1].doc_id == docs[1].id
    assert out[2] == docs[2]
    assert isinstance(out[3], Skip)
    assert out[3].reason == "ValueError: unexpected y"


def test_pipe_raises_by_default():
    pipeline = Pipeline([segment, _fails_on_x])
    with pytest.raises(InputError):
        list(pipeline.pipe([Document(text="x")]))


def test_pipeline_pickles():
    pipeline = Pipeline.default()
    clone = pickle.loads(pickle.dumps(pipeline))
    doc = Document(text="قال الرئيس.")
    assert clone(doc) == pipeline(doc)
