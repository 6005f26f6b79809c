"""Ingest: read inputs, analyse them, store them — every input accounted for.

Reading (`read_paths`, or any reader of `rasd.readers` yielding ``Document | Skip``), analysing
(a `Pipeline`) and storing (`store_documents`) are separate steps, so other readers (HTML, feeds,
WARC) and other schedulers (Dask) plug in: give `ingest_documents` any iterable of raw documents,
or `store_documents` any iterable of already analysed ones.

Documents are written in batches, each one transaction: a crash loses at most the batch in
flight, and a rerun skips what is already stored (content ids) and completes the rest.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from rasd.document import Document
from rasd.errors import StoreError
from rasd.pipeline import Pipeline, Skip, default_pipeline
from rasd.readers import DEFAULT_FIELDS, FieldNames, ReadOptions, iter_documents
from rasd.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class IngestOptions:
    published: str | None = None
    """Publication date for inputs that carry none (ISO 8601)."""
    source: str | None = None
    """Outlet name for inputs that carry none."""
    fields: FieldNames = DEFAULT_FIELDS
    batch_size: int = 50
    """Documents per transaction."""


DEFAULT_INGEST_OPTIONS = IngestOptions()


@dataclass(slots=True)
class IngestReport:
    """What happened to every input: stored, new revisions, unchanged, skipped, failed."""

    stored: int = 0
    revisions: int = 0
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    """(location, reason) of inputs that could not be read (bad JSON, missing text…)."""
    passed: list[tuple[str, str]] = field(default_factory=list)
    """(location, reason) of items that are no articles by nature (routine skips: a WARC's
    request records, images in a crawl); logged, but no fault of the input."""
    failed: list[tuple[str, str]] = field(default_factory=list)
    """(location, reason) of documents a pipeline stage failed on."""

    @property
    def processed(self) -> int:
        return self.stored + self.revisions + self.unchanged

    @property
    def total(self) -> int:
        return self.processed + len(self.skipped) + len(self.passed) + len(self.failed)

    @property
    def ok(self) -> bool:
        """Every input stored or passed over as routine: none skipped for a fault, none failed."""
        return not (self.skipped or self.failed)

    def to_dict(self) -> dict[str, object]:
        return {
            "processed": self.processed,
            "stored": self.stored,
            "revisions": self.revisions,
            "unchanged": self.unchanged,
            "skipped": [{"location": a, "reason": b} for a, b in self.skipped],
            "passed": [{"location": a, "reason": b} for a, b in self.passed],
            "failed": [{"location": a, "reason": b} for a, b in self.failed],
        }


Progress = Callable[[int], None]


def read_paths(
    paths: Iterable[str | os.PathLike[str]], options: IngestOptions = DEFAULT_INGEST_OPTIONS
) -> Iterator[Document | Skip]:
    """Raw documents from files, folders (sorted, recursive) and archives of every kind
    `rasd.readers.iter_documents` reads: text, JSON/JSONL, HTML, RSS/Atom, WARC, zip/gz."""
    read = ReadOptions(fields=options.fields, published=options.published, source=options.source)
    return iter_documents(paths, options=read)


def _location(doc: Document) -> str:
    return str(doc.meta.get("location") or doc.url or doc.id)


def store_documents(
    store: Store,
    items: Iterable[Document | Skip],
    *,
    options: IngestOptions = DEFAULT_INGEST_OPTIONS,
    report: IngestReport | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """Store analysed documents (and log every `Skip`), ``options.batch_size`` per transaction."""
    report = report or IngestReport()
    batch: list[Document | Skip] = []
    for item in items:
        batch.append(item)
        if len(batch) >= options.batch_size:
            _store_batch(store, batch, report, progress)
            batch = []
    if batch:
        _store_batch(store, batch, report, progress)
    return report


def _store_batch(
    store: Store, batch: list[Document | Skip], report: IngestReport, progress: Progress | None
) -> None:
    with store.atomic():
        for item in batch:
            if isinstance(item, Skip):
                status = "failed" if item.stage else "passed" if item.routine else "skipped"
                store.log(item.location, status, doc_id=item.doc_id, reason=item.reason)
                target = {"failed": report.failed, "passed": report.passed}.get(
                    status, report.skipped
                )
                reason = f"{item.stage}: {item.reason}" if item.stage else item.reason
                target.append((item.location, reason))
                continue
            try:
                status = store.add_document(item, location=_location(item))
            except sqlite3.Error as err:
                raise StoreError(f"while storing {_location(item)}: {store.explain(err)}") from err
            if status == "stored":
                report.stored += 1
            elif status == "revision":
                report.revisions += 1
            else:
                report.unchanged += 1
    if progress is not None:
        progress(len(batch))


def _new_only(
    store: Store, items: Iterable[Document | Skip], report: IngestReport, progress: Progress | None
) -> Iterator[Document | Skip]:
    """Leave out documents already stored (no need to analyse them again)."""
    for item in items:
        if isinstance(item, Document) and store.has_document(item.id):
            store.log(_location(item), "unchanged", doc_id=item.id)
            report.unchanged += 1
            if progress is not None:
                progress(1)
            continue
        yield item


def ingest_documents(
    store: Store,
    docs: Iterable[Document | Skip],
    *,
    pipeline: Pipeline | None = None,
    options: IngestOptions = DEFAULT_INGEST_OPTIONS,
    progress: Progress | None = None,
) -> IngestReport:
    """Analyse raw documents with ``pipeline`` (default: the full one) and store them."""
    pipeline = pipeline or default_pipeline()
    report = IngestReport()
    fresh = _new_only(store, docs, report, progress)
    analysed = pipeline.pipe(fresh, on_error="skip")
    return store_documents(store, analysed, options=options, report=report, progress=progress)


def ingest(
    store: Store,
    paths: Iterable[str | os.PathLike[str]],
    *,
    pipeline: Pipeline | None = None,
    options: IngestOptions = DEFAULT_INGEST_OPTIONS,
    progress: Progress | None = None,
) -> IngestReport:
    """Read, analyse and store text files, JSONL files and folders of them."""
    report = ingest_documents(
        store, read_paths(paths, options), pipeline=pipeline, options=options, progress=progress
    )
    log.info("ingest into %s: %s", store.path, report.to_dict())
    return report
