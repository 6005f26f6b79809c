"""The pipeline: an ordered list of pure stages ``Document -> Document``.

Each stage is a module-level function (so it pickles for Dask) decorated with `stage`, which
declares what it requires and what it assigns; `Pipeline` checks the order when it is built.
`Pipeline.pipe` streams documents and, in batch mode, turns a failing document into a `Skip` with
the document id, the stage and the reason instead of stopping the run.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from rasd.document import Document, parse_published
from rasd.errors import PipelineError, RasdError

log = logging.getLogger(__name__)

StageFunc = Callable[[Document], Document]

# The default pipeline, in order: "module:function" of each stage. Times run before quantities so
# that the quantities stage can leave the numbers inside dates ("10 يناير 2022") to them.
DEFAULT_STAGES = (
    "rasd.text:segment",
    "rasd.times:extract_times",
    "rasd.quantities:extract_quantities",
    "rasd.entities:extract_entities",
    "rasd.events:extract_events",
    "rasd.claims:extract_claims",
)


@dataclass(frozen=True, slots=True)
class StageInfo:
    name: str
    requires: tuple[str, ...]
    assigns: tuple[str, ...]


def stage(
    *, name: str, requires: tuple[str, ...] = (), assigns: tuple[str, ...] = ()
) -> Callable[[StageFunc], StageFunc]:
    """Declare a function as a pipeline stage (spaCy's ``requires=`` / ``assigns=``)."""

    def decorate(func: StageFunc) -> StageFunc:
        func.rasd_stage = StageInfo(name, tuple(requires), tuple(assigns))  # type: ignore[attr-defined]
        return func

    return decorate


def stage_info(func: StageFunc) -> StageInfo:
    info = getattr(func, "rasd_stage", None)
    if not isinstance(info, StageInfo):
        raise PipelineError(f"{func!r} is not a rasd stage: decorate it with @rasd.pipeline.stage")
    return info


@dataclass(frozen=True, slots=True)
class Skip:
    """A document that was not processed, and why (every input is accounted for)."""

    location: str
    reason: str
    stage: str | None = None
    doc_id: str | None = None
    routine: bool = False
    """Not an article by nature (a WARC's ``warcinfo`` or ``request`` record, an image or a 404
    in a crawl): accounted for like any skip, but no fault of the input, so an ingest that only
    passed over such items still succeeds."""


def _load(spec: str) -> StageFunc:
    module_name, _, func_name = spec.partition(":")
    func: StageFunc = getattr(importlib.import_module(module_name), func_name)
    return func


class Pipeline:
    """An ordered, validated list of stages."""

    def __init__(self, stages: Iterable[StageFunc]) -> None:
        self.stages: tuple[StageFunc, ...] = tuple(stages)
        assigned: set[str] = set()
        for func in self.stages:
            info = stage_info(func)
            missing = [r for r in info.requires if r not in assigned]
            if missing:
                raise PipelineError(
                    f"stage {info.name!r} requires {missing}, which no earlier stage assigns; "
                    "put the stage that assigns them first"
                )
            assigned.update(info.assigns)

    @classmethod
    def default(cls, *, until: str | None = None) -> Pipeline:
        """The full default pipeline (optionally stopping after the stage named ``until``)."""
        stages = []
        for spec in DEFAULT_STAGES:
            func = _load(spec)
            stages.append(func)
            if until is not None and stage_info(func).name == until:
                return cls(stages)
        if until is not None:
            names = ", ".join(stage_info(f).name for f in stages)
            raise PipelineError(f"no stage named {until!r} in the default pipeline ({names})")
        return cls(stages)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(stage_info(f).name for f in self.stages)

    def __call__(self, doc: Document) -> Document:
        for func in self.stages:
            doc = func(doc)
        return doc

    def pipe(
        self,
        docs: Iterable[Document | Skip],
        *,
        batch_size: int = 64,
        on_error: Literal["raise", "skip"] = "raise",
    ) -> Iterator[Document | Skip]:
        """Analyse documents one by one, streaming. With ``on_error="skip"`` a document that fails
        in a stage comes out as a `Skip` naming the document, the stage and the error; incoming
        `Skip` items pass through untouched. Nothing is read ahead: each document is analysed and
        yielded before the next is pulled, so ``batch_size`` (accepted for spaCy-style callers)
        has no effect."""
        del batch_size  # stages are per-document; nothing is gained by batching here
        for doc in docs:
            if isinstance(doc, Skip):
                yield doc
                continue
            yield self._run_one(doc, on_error)

    def _run_one(self, doc: Document, on_error: str) -> Document | Skip:
        for func in self.stages:
            try:
                doc = func(doc)
            except Exception as err:
                if on_error == "raise":
                    raise
                name = stage_info(func).name
                log.warning("document %s failed in stage %s: %s", doc.id, name, err)
                kind = "" if isinstance(err, RasdError) else f"{type(err).__name__}: "
                location = doc.url or doc.meta.get("location") or doc.id
                return Skip(str(location), f"{kind}{err}", stage=name, doc_id=doc.id)
        return doc


def make_document(
    text: str,
    *,
    published: str | date | datetime | None = None,
    source: str | None = None,
    url: str | None = None,
    title: str | None = None,
    meta: dict[str, Any] | None = None,
) -> Document:
    """Build a `Document` from plain values (``published`` may be an ISO string)."""
    return Document(
        text=text,
        published=parse_published(published),
        source=source,
        url=url,
        title=title,
        meta=meta or {},
    )


_DEFAULT: Pipeline | None = None


def default_pipeline() -> Pipeline:
    """The default pipeline, built once per process (models load on first use)."""
    global _DEFAULT  # noqa: PLW0603 - a per-process cache of an immutable object
    if _DEFAULT is None:
        _DEFAULT = Pipeline.default()
    return _DEFAULT


def analyse(
    text: str,
    *,
    published: str | date | datetime | None = None,
    source: str | None = None,
    url: str | None = None,
    title: str | None = None,
) -> Document:
    """Analyse one Arabic text with the default pipeline."""
    doc = make_document(text, published=published, source=source, url=url, title=title)
    return default_pipeline()(doc)
