"""Evaluation of the events stage on the Arabic event GSR (PLOVER ASSAULT / PROTEST sentences).

Each sentence is analysed as its own document. A sentence is *detected* as reporting an event of a
type when the events stage finds a reported event of that type in it (`rasd.events.is_reported`:
asserted, not background, not present tense, and anchored by a past verb, a figure, a participant
or a second event word). Two measures per type: the primary one (positives
``yes`` against negatives ``easy no``) and the full one (negatives ``easy no`` + ``difficult no``);
``ambiguous`` sentences are left out. On the span files: how often the gold verb lies inside a
trigger of the type, and how often a gold actor overlaps the event's actor or target.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rasd.document import Document, Event
from rasd.errors import InputError
from rasd.evaluate import PRF, Report
from rasd.events import is_reported
from rasd.pipeline import Pipeline

TYPES = {"ASSAULT": "assault", "PROTEST": "protest"}


def _rows(path: Path) -> Iterator[dict[str, Any]]:
    if not path.exists():
        raise InputError(f"{path}: not found; pass the folder of the arabic-event-gsr data")
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as err:
                    raise InputError(f"{path}:{number}: not valid JSON ({err})") from err


def detects(doc: Document, event_type: str) -> bool:
    """Does the document report an event of ``event_type`` (`rasd.events.is_reported`)?"""
    return any(e.type == event_type and is_reported(e) for e in doc.events)


def _detection(pipeline: Pipeline, path: Path, event_type: str, errors: list[str]) -> dict:
    counts = {"primary": [0, 0, 0], "all": [0, 0, 0]}  # tp, fp, fn
    for row in _rows(path):
        label = row.get("label")
        if label == "ambiguous":
            continue
        found = detects(pipeline(Document(row["text"])), event_type)
        gold = label == "yes"
        for name in ("primary", "all"):
            if name == "primary" and label == "difficult no":
                continue
            tp, fp, fn = counts[name]
            counts[name] = [
                tp + (found and gold),
                fp + (found and not gold),
                fn + (gold and not found),
            ]
        if found != gold:
            kind = "FP" if found else "FN"
            errors.append(f"{event_type}\t{kind}\t{label}\t{row.get('id')}\t{row['text']}")
    return {name: PRF(*values).to_dict() for name, values in counts.items()}


def _overlaps(text: str, phrase: str, spans: list[tuple[int, int]]) -> bool:
    start = text.find(phrase) if phrase else -1
    if start < 0:
        return False
    end = start + len(phrase)
    return any(a < end and start < b for a, b in spans)


def _spans(pipeline: Pipeline, path: Path, event_type: str) -> dict:
    records = verb_hits = actor_total = actor_hits = 0
    for row in _rows(path):
        doc = pipeline(Document(row["text"]))
        events: list[Event] = [e for e in doc.events if e.type == event_type]
        triggers = [(e.start, e.end) for e in events]
        args = [(s.start, s.end) for e in events for s in (e.actor, e.target) if s is not None]
        gold = row.get("spans") or []
        records += 1
        verbs = {w for span in gold for w in span.get("verb", [])}
        verb_hits += any(_overlaps(doc.text, w, triggers) for w in verbs)
        for span in gold:
            for key in ("source_actor", "target_actor"):
                words = span.get(key) or []
                if words:
                    actor_total += 1
                    actor_hits += any(_overlaps(doc.text, w, args) for w in words)
    return {
        "records": records,
        "verb_in_trigger": round(verb_hits / records, 4) if records else 0.0,
        "actor_in_arguments": round(actor_hits / actor_total, 4) if actor_total else 0.0,
    }


def evaluate_events(folder: str | Path) -> Report:
    """Detection P/R/F1 of ASSAULT and PROTEST and span agreement on the GSR folder."""
    root = Path(folder)
    pipeline = Pipeline.default(until="events")
    errors: list[str] = []
    metrics: dict[str, Any] = {}
    for event_type, stem in TYPES.items():
        metrics[event_type] = {
            **_detection(pipeline, root / f"{stem}_gsr.jsonl", event_type, errors),
            "spans": _spans(pipeline, root / f"{stem}_spans.jsonl", event_type),
        }
    return Report("events", metrics, tuple(errors))
