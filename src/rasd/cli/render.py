"""Plain-text rendering of an analysed document (``rasd read --format text``)."""

from __future__ import annotations

import dataclasses
from typing import Any

from rasd.document import Document, Span

_SHOWN = {
    "entities": "entity",
    "quantities": "quantity",
    "times": "time",
    "events": "event",
    "claims": "claim",
}
_SKIP_FIELDS = {"start", "end", "surface", "id", "sentence", "summary"}


def render_text(doc: Document) -> str:
    """The article sentence by sentence, each followed by the annotations that start in it."""
    head = [f"# {doc.title or doc.id}"]
    meta = [f"{k}: {v}" for k in ("published", "source", "url") if (v := getattr(doc, k))]
    lines = head + meta + [""]
    for number, sentence in enumerate(doc.sentences, start=1):
        lines.append(f"[{number}] {sentence.surface}")
        for kind, singular in _SHOWN.items():
            for ann in getattr(doc, kind):
                if sentence.start <= ann.start < sentence.end:
                    lines.append(f"    {singular}: {ann.surface!r} {_describe(ann)}")
        lines.append("")
    return "\n".join(lines).rstrip()


def _describe(ann: Any) -> str:
    if getattr(ann, "summary", ""):
        return ann.summary
    parts = []
    for f in dataclasses.fields(ann):
        if f.name in _SKIP_FIELDS:
            continue
        value = getattr(ann, f.name)
        if value in (None, (), "", False):
            continue
        if isinstance(value, Span):
            value = repr(value.surface) + (f" ({value.label})" if value.label else "")
        parts.append(f"{f.name}={value}")
    return " ".join(parts)
