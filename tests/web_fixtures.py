"""Documents for the API and dashboard tests: the example article with hand-built events, figures
and claims (from ``expected-facts.md``), a few SaudiNewsNet articles, and an XSS article.

Stage tests build their input by hand so they do not depend on upstream stages: the annotations
here are located by searching the real text, so every span satisfies the offset invariant.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import socket
import threading
import time
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from rasd.document import Claim, Count, Document, Entity, Event, Span
from rasd.pipeline import Pipeline

if TYPE_CHECKING:
    from fastapi import FastAPI

XSS_TEXT = (
    "قتل 3 أشخاص في انفجار ببغداد <script>window.__xss = 1</script> "
    'وقال شاهد <img src=x onerror="window.__xss = 2"> إن الشرطة وصلت.'
)


SCOPES = {
    "قوات الأمن": "security forces",
    "القوى الأمنية": "security forces",
    "متظاهراً": "protesters",
}


def span(text: str, needle: str, *, nth: int = 0, label: str | None = None) -> Span:
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    return Span(at, at + len(needle), needle, label)


def _entity(text: str, needle: str, label: str, **extra: object) -> Entity:
    s = span(text, needle)
    return Entity(s.start, s.end, s.surface, label, source="rule", **extra)  # type: ignore[arg-type]


def _count(
    text: str, needle: str, role: str, value: float, group: str | None, **kw: object
) -> Count:
    s = span(text, needle)
    g = span(text, group, label=SCOPES.get(group)) if group else None
    return Count(s.start, s.end, s.surface, role, value, group=g, **kw)  # type: ignore[arg-type]


def _claim(
    text: str, cid: str, content: str, speaker: str, stance: str = "assert", **kw: str
) -> Claim:
    c = span(text, content)
    via = span(text, kw["via"]) if "via" in kw else None
    return Claim(
        c.start, c.end, c.surface, cid, stance, span(text, speaker), via, date=kw.get("date")
    )


def example_document(text: str, pipeline: Pipeline) -> Document:
    """The example, analysed by the stages present, plus hand-built facts of expected-facts.md."""
    doc = pipeline(Document(text=text, published=None, source="example"))
    doc = dataclasses.replace(doc, published=date(2022, 1, 10))
    almaty = _entity(
        text,
        "ألماتي",
        "GPE",
        english="Almaty",
        link="rasd:city:kz:almaty",
        kind="city",
        country="KZ",
        lat=43.26,
        lon=76.93,
    )
    kz = _entity(
        text,
        "كازاخستان",
        "GPE",
        english="Kazakhstan",
        link="rasd:country:kz",
        kind="country",
        country="KZ",
        lat=48.0,
        lon=67.0,
    )
    claims = (
        _claim(text, "c1", "16 من أفراد قوات الأمن قُتلوا", "توكاييف", via="رويترز"),
        _claim(
            text,
            "c2",
            "أكثر من 164 شخصاً قُتلوا",
            "وزارة الإعلام الكازاخية",
            "retract",
            via="تلغرام",
            date="2022-01-09",
        ),
        _claim(text, "c3", "مقتل 26 متظاهراً", "السلطات"),
    )
    killed = [
        ("16 من أفراد قوات الأمن", 16, "قوات الأمن", "c1", "قُتلوا"),
        ("أكثر من 164 شخصاً", 164, None, "c2", "قُتلوا في البلاد"),
        ("26 متظاهراً", 26, "متظاهراً", "c3", "مقتل"),
        ("16 عنصراً من القوى الأمنية", 16, "القوى الأمنية", "c3", "مقتل"),
    ]
    events = [
        Event(
            *_trigger(text, trigger),
            id=f"e{i}",
            type="ASSAULT",
            mode="firearms",
            label="Assault (firearms)",
            acled_event_type="Violence against civilians",
            place=span(text, "كازاخستان"),
            place_link="rasd:country:kz",
            date="2022-01-09",
            claim=claim,
            counts=(
                _count(
                    text,
                    surface,
                    "killed",
                    value,
                    group,
                    qualifier="more_than" if value == 164 else "exact",
                ),
            ),
        )
        for i, (surface, value, group, claim, trigger) in enumerate(killed)
    ]
    events.append(
        Event(
            *_trigger(text, "جرح"),
            id="e9",
            type="ASSAULT",
            mode="firearms",
            label="Assault (firearms)",
            place=span(text, "كازاخستان"),
            place_link="rasd:country:kz",
            date="2022-01-09",
            claim="c3",
            counts=(_count(text, "200 شخص", "injured", 200, None),),
        )
    )
    events.append(
        Event(
            *_trigger(text, "بتظاهرات"),
            id="p1",
            type="PROTEST",
            mode="demo",
            label="Protest (demonstration)",
            acled_event_type="Protests",
            place=span(text, "ألماتي", nth=1),
            place_link="rasd:city:kz:almaty",
            date="2022-01-02",
        )
    )
    events.append(
        Event(
            *_trigger(text, "أوقفتهم"),
            id="a1",
            type="COERCE",
            mode="arrest",
            label="Coerce (arrests)",
            acled_event_type="Strategic developments",
            place=span(text, "كازاخستان", nth=4),
            place_link="rasd:country:kz",
            date="2022-01-10",
            counts=(
                _count(text, "نحو ثمانية آلاف شخص", "detained", 8000, None, qualifier="about"),
            ),
        )
    )
    extra_entities = (almaty, kz)
    entities = tuple(sorted({*doc.entities, *extra_entities}, key=lambda e: (e.start, e.end)))
    return dataclasses.replace(doc, entities=entities, events=tuple(events), claims=claims)


def _trigger(text: str, needle: str) -> tuple[int, int, str]:
    s = span(text, needle)
    return s.start, s.end, s.surface


def xss_document(pipeline: Pipeline) -> Document:
    doc = pipeline(
        Document(text=XSS_TEXT, source="<b>outlet</b>", title="<script>alert(1)</script>")
    )
    trigger = span(XSS_TEXT, '<img src=x onerror="window.__xss = 2">')
    event = Event(
        trigger.start,
        trigger.end,
        trigger.surface,
        id="x1",
        type="ASSAULT",
        label="<img src=x onerror=alert(3)>",
        place=span(XSS_TEXT, "<script>"),
        date="2022-01-08",
        counts=(_count(XSS_TEXT, "3 أشخاص", "killed", 3, "<script>"),),
    )
    baghdad = _entity(XSS_TEXT, "<script>", "GPE", english="<script>x</script>", lat=33.3, lon=44.4)
    return dataclasses.replace(doc, events=(event,), entities=(baghdad,))


def saudinewsnet_documents(zip_path: Path, n: int, pipeline: Pipeline) -> list[Document]:
    """The first ``n`` articles of one SaudiNewsNet day, analysed by the stages present."""
    with zipfile.ZipFile(zip_path) as archive:
        articles = json.loads(archive.read(archive.namelist()[0]))
    docs = []
    for art in articles[:n]:
        doc = Document(
            text=art["content"],
            title=art.get("title"),
            source=art.get("source"),
            url=art.get("url"),
            published=date.fromisoformat(art["date_extracted"][:10]),
        )
        docs.append(pipeline(doc))
    return docs


@contextlib.contextmanager
def serve_in_thread(app: FastAPI) -> Iterator[tuple[str, int]]:
    """Run ``app`` under uvicorn on a free loopback port; yields (host, port)."""
    import uvicorn

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start within 20 s")
        time.sleep(0.05)
    try:
        yield "127.0.0.1", port
    finally:
        server.should_exit = True
        thread.join(timeout=10)
