"""The API's adapter to the SQLite store (`rasd.store`, `rasd.queries`, `rasd.export`).

Each call opens (once per thread) a read-only `Store`: SQLite connections stay in the thread that
made them, and WAL lets many readers run beside the one writer. Writes go through a writable store
(one per thread, as SQLite needs), serialised by the API's write lock. The shapes returned are
documented in `rasd.api_backend`.
"""

from __future__ import annotations

import json
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

from rasd.document import Document
from rasd.errors import InputError, StoreError
from rasd.export import export
from rasd.figures import RULES, FigureHistory
from rasd.queries import ClusterDetail, ClusterSummary, EventFilter, get_cluster, list_events
from rasd.queries import search as search_documents
from rasd.store import Store, iter_rows

MEDIA_TYPES = {
    "jsonl": "application/x-ndjson",
    "geojson": "application/geo+json",
    "acled-csv": "text/csv; charset=utf-8",
    "plover-json": "application/json",
}
CACHED_QUERIES = 16
"""Event listings kept per thread (each until the database changes)."""
RETRACTING = frozenset({"retract", "deny"})
MAX_ROWS = 1_000_000


T = TypeVar("T")


def _bounded(method: Callable[..., T]) -> Callable[..., T]:
    """Turn a query interrupted at its deadline into a `TimeoutError` (the API answers 503)."""

    @wraps(method)
    def call(self: StoreBackend, *args: Any, **kwargs: Any) -> T:
        try:
            return method(self, *args, **kwargs)
        except StoreError as err:
            if self._past_deadline():
                raise TimeoutError(f"query took longer than {self.query_timeout_s:g} s") from err
            raise

    return call


class StoreBackend:
    """The store at ``path`` (created, empty, when it does not exist yet)."""

    progress_steps = 10_000
    """SQLite virtual-machine steps between two checks of the query deadline."""

    def __init__(self, path: str | Path | None, *, query_timeout_s: float = 10.0) -> None:
        self.path = Path(path or "rasd.db")
        self.query_timeout_s = query_timeout_s
        Store(self.path).close()  # create the file and apply migrations before any reader
        self._local = threading.local()

    def _store(self) -> Store:
        """This thread's read-only store, its query deadline set from now."""
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            store = Store(self.path, readonly=True)
            store.conn.set_progress_handler(self._past_deadline, self.progress_steps)
            self._local.store = store
        self._local.deadline = time.monotonic() + self.query_timeout_s
        return store

    def _past_deadline(self) -> int:
        """SQLite's progress handler: a non-zero answer interrupts the running query."""
        return int(time.monotonic() > getattr(self._local, "deadline", float("inf")))

    @_bounded
    def list_events(self, query: Any) -> tuple[int, list[dict[str, Any]]]:
        filters = EventFilter(
            type=query.type,
            country=query.country,
            place=query.place,
            since=query.since.isoformat() if query.since else None,
            until=query.until.isoformat() if query.until else None,
            min_killed=query.min_killed,
            limit=MAX_ROWS,
        )
        store = self._store()
        clusters = self._matching(store, filters)
        page = clusters[query.offset : query.offset + query.limit]
        return len(clusters), [_with_first_report(store, cluster_row(c)) for c in page]

    def _matching(self, store: Store, filters: EventFilter) -> list[ClusterSummary]:
        """Every cluster matching ``filters``, cached per thread until the database changes
        (SQLite's data_version moves when another connection commits), so that paging through
        a large store does not re-read it for each page."""
        version = store.conn.execute("PRAGMA data_version").fetchone()[0]
        cache: dict[EventFilter, tuple[int, list[ClusterSummary]]] = (
            self._local.__dict__.setdefault("clusters", {})
        )
        cached = cache.get(filters)
        if cached is not None and cached[0] == version:
            return cached[1]
        clusters = list_events(store, filters)
        if len(cache) >= CACHED_QUERIES:
            cache.pop(next(iter(cache)))
        cache[filters] = (version, clusters)
        return clusters

    @_bounded
    def get_event(self, event_id: str) -> dict[str, Any] | None:
        if not event_id.isdigit() or len(event_id) > 18:
            return None
        store = self._store()
        try:
            detail = event_detail(get_cluster(store, int(event_id)))
            _with_first_report(store, detail["event"])
            return detail
        except StoreError:
            clusters = list_events(store, EventFilter(limit=MAX_ROWS))
            if any(c.id == int(event_id) for c in clusters):
                raise
            return None

    @_bounded
    def get_document(self, doc_id: str) -> dict[str, Any] | None:
        store = self._store()
        if not store.has_document(doc_id):
            return None
        return store.get_document(doc_id).to_dict(tokens=False)

    @_bounded
    def search(self, q: str, *, limit: int, offset: int) -> list[dict[str, Any]]:
        hits = search_documents(self._store(), q, limit=offset + limit)
        return [
            {
                "id": h.doc_id,
                "title": h.title,
                "source": h.source,
                "published": h.published,
                "url": h.url,
                "snippet": h.snippet,
            }
            for h in hits[offset:]
        ]

    @_bounded
    def export(self, fmt: str) -> tuple[str, str]:
        if fmt not in MEDIA_TYPES:
            raise InputError(
                f"export format {fmt!r} is not served; choose {', '.join(MEDIA_TYPES)}"
            )
        with tempfile.TemporaryDirectory(prefix="rasd-export-") as folder:
            out = Path(folder) / f"export.{fmt}"
            export(self._store(), fmt, out)
            return out.read_text(encoding="utf-8"), MEDIA_TYPES[fmt]

    def add_documents(self, docs: Sequence[Document]) -> dict[str, Any]:
        writer: Store | None = getattr(self._local, "writer", None)
        if writer is None:
            writer = Store(self.path)
            self._local.writer = writer
        added: list[str] = []
        unchanged: list[str] = []
        for doc in docs:
            status = writer.add_document(doc, location="api")
            (unchanged if status == "unchanged" else added).append(doc.id)
        return {"added": added, "unchanged": unchanged}


FIRST_REPORT_SQL = (
    "SELECT mode, data FROM events WHERE cluster_id = ? "
    "ORDER BY place_link IS ? DESC, date, doc_id, idx LIMIT 1"
)


def _with_first_report(store: Store, row: dict[str, Any]) -> dict[str, Any]:
    """Fill in the Arabic surface forms (trigger, place) and English labels of a cluster row from
    its first member event at the cluster's place, as the event table shows them."""
    for found in iter_rows(store, FIRST_REPORT_SQL, (int(row["id"]), row["place_link"])):
        event = json.loads(found["data"])
        place = event.get("place") or {}
        row.update(
            mode=found["mode"],
            trigger=event.get("surface", ""),
            label=event.get("label") or row["label"],
            acled_event_type=event.get("acled_event_type"),
            place=row["place"] or place.get("surface"),
        )
    return row


def _is_arabic(text: str | None) -> bool:
    return bool(text) and any("\u0600" <= ch <= "\u06ff" for ch in text or "")


def cluster_row(c: ClusterSummary) -> dict[str, Any]:
    return {
        "id": str(c.id),
        "type": c.type,
        "mode": None,
        "label": f"{c.type.capitalize()} ({c.family})" if c.family else c.type.capitalize(),
        "acled_event_type": None,
        "date": c.date_first,
        "date_last": c.date_last,
        "country": c.country,
        "place": c.place if _is_arabic(c.place) else None,
        "place_en": None if _is_arabic(c.place) else c.place,
        "place_link": c.place_link,
        "lat": c.lat,
        "lon": c.lon,
        "trigger": "",
        "summary": c.summary,
        "killed": c.killed,
        "injured": c.injured,
        "detained": None,
        "reports": c.n_documents,
    }


def event_detail(detail: ClusterDetail) -> dict[str, Any]:
    row = cluster_row(detail.cluster)
    if detail.members:
        first = detail.members[0]
        row["trigger"] = first.trigger
        row["mode"] = first.mode
    estimate = detail.history.estimate("detained")
    row["detained"] = estimate.acled if estimate else None
    reports = [
        {
            "doc_id": m.doc_id,
            "title": m.title,
            "source": m.outlet,
            "published": m.published,
            "url": m.url,
            "trigger": m.trigger,
            "sentence": m.sentence,
            "type": m.type,
            "mode": m.mode,
            "modality": m.modality,
            "date": m.date,
        }
        for m in detail.members
    ]
    return {"event": row, "reports": reports, "figures": figure_tables(detail.history)}


def figure_tables(history: FigureHistory) -> list[dict[str, Any]]:
    out = []
    for estimate in history.estimates:
        figures = [f for f in history.figures if f.role == estimate.role]
        out.append(
            {
                "role": estimate.role,
                "history": [
                    {
                        "value": f.value,
                        "qualifier": f.qualifier,
                        "value_max": f.value_max,
                        "scope": f.scope,
                        "speaker": f.speaker,
                        "via": f.via,
                        "outlet": f.outlet,
                        "date": f.published,
                        "stance": f.stance,
                        "retracted": f.stance in RETRACTING,
                        "credible": f.credible,
                        "doc_id": f.doc_id,
                        "surface": f.surface,
                    }
                    for f in figures
                ],
                "estimate": estimate.acled,
                "rule": history.rules.get("acled", RULES["acled"]),
                "low": estimate.low,
                "best": estimate.best,
                "high": estimate.high,
                "by_scope": estimate.by_scope,
                "conflicts": list(estimate.conflicts),
            }
        )
    return out
