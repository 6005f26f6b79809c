"""The store: analysed documents in an embedded SQLite database (standard library only).

One writer, many readers (WAL mode); foreign keys on; the schema is built by numbered migrations
recorded in the ``migrations`` table. A document and all its annotations, events, claims and
figures are written in one transaction (`Store.atomic`), so a crash never leaves half a document.

Documents are keyed by their content id (a hash of the normalised text): storing the same content
again is a no-op, and a changed text under a URL already stored becomes a new *revision* of that
URL (the old one is kept). Full-text search runs on FTS5 over the normalised Arabic text plus its
clitic-stripped stems, so ``السلطات`` finds ``والسلطات``.

SQL is never built from user strings: every value travels as a parameter.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from rasd.document import Document, Entity, Quantity, Sentence, Time
from rasd.errors import StoreError
from rasd.store_schema import MIGRATIONS
from rasd.text import clitic_candidates, normalise

log = logging.getLogger(__name__)

# Annotation kinds kept in the generic ``annotations`` table (events and claims have their own
# tables). Tokens are not stored: the segment stage recomputes them from the text in microseconds.
_ANNOTATION_KINDS: dict[str, type] = {
    "sentences": Sentence,
    "entities": Entity,
    "quantities": Quantity,
    "times": Time,
}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _data(ann: Any) -> str:
    """An annotation's fields as JSON, less the offsets (own columns) and the surface (the
    document text between them)."""
    data = _plain(ann)
    for key in ("start", "end", "surface"):
        del data[key]
    return json.dumps(data, ensure_ascii=False, sort_keys=True) if data else "{}"


def _json(value: Any) -> str:
    return json.dumps(_plain(value), ensure_ascii=False, sort_keys=True)


def _plain(value: Any) -> Any:
    """JSON-ready form of an annotation (what `Document.to_dict` gives, computed faster: the
    store writes tens of annotations per article)."""
    if value is None or isinstance(value, str | int | float):
        return value
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {name: _plain(getattr(value, name)) for name in value.__dataclass_fields__}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, date):
        return value.isoformat()
    return value


def _label(span: Any) -> str | None:
    if span is None:
        return None
    return str(span.label or span.surface)


class Store:
    """An open rasd database. Use as a context manager, or call `close`.

    ``Store(path)`` creates the file (and applies migrations) if needed; ``readonly=True`` opens an
    existing database for queries only (many readers may do so while one writer ingests).
    """

    def __init__(self, path: str | os.PathLike[str], *, readonly: bool = False) -> None:
        self.path = Path(path)
        self.readonly = readonly
        self._depth = 0
        self.conn = self._connect()
        try:
            self._check()
            if not readonly:
                self._migrate()
        except sqlite3.DatabaseError as err:
            self.conn.close()
            raise self._error("cannot open", err) from err

    # ----------------------------------------------------------------------- connection

    def _connect(self) -> sqlite3.Connection:
        if self.readonly and not self.path.exists():
            raise StoreError(f"{self.path}: no such database; create it with `rasd ingest`")
        if not self.readonly:
            parent = self.path.parent
            if not parent.exists():
                raise StoreError(f"{self.path}: folder {parent} does not exist; create it first")
            if self.path.exists() and not os.access(self.path, os.W_OK):
                raise StoreError(
                    f"{self.path}: database is read-only; open it with readonly=True or fix "
                    "its permissions"
                )
            if not self.path.exists() and not os.access(parent, os.W_OK):
                raise StoreError(f"{self.path}: cannot create a database in read-only {parent}")
        uri = f"{self.path.resolve().as_uri()}?mode={'ro' if self.readonly else 'rwc'}"
        try:
            conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=30)
        except sqlite3.Error as err:
            raise self._error("cannot open", err) from err
        conn.row_factory = sqlite3.Row
        return conn

    def _check(self) -> None:
        conn = self.conn
        conn.execute("PRAGMA foreign_keys = ON")
        if not self.readonly:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":
                log.warning("%s: journal mode is %s, not WAL", self.path, mode)
            conn.execute("PRAGMA synchronous = NORMAL")
        # Reading the schema fails at once on a file that is not a SQLite database.
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()

    def _migrate(self) -> None:
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS migrations "
            "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        done = {row[0] for row in self.conn.execute("SELECT version FROM migrations")}
        for version, (name, sql) in enumerate(MIGRATIONS, start=1):
            if version in done:
                continue
            with self.atomic():
                for statement in sql.split(";"):
                    if statement.strip():
                        self.conn.execute(statement)
                self.conn.execute(
                    "INSERT INTO migrations VALUES (?, ?, ?)", (version, name, _now())
                )
            log.info("%s: applied migration %d (%s)", self.path, version, name)
        newest = max(done, default=0)
        if newest > len(MIGRATIONS):
            raise StoreError(
                f"{self.path}: database schema version {newest} is newer than this rasd "
                f"({len(MIGRATIONS)}); upgrade rasd"
            )

    @property
    def schema_version(self) -> int:
        row = self.conn.execute("SELECT max(version) FROM migrations").fetchone()
        return int(row[0] or 0)

    def explain(self, err: BaseException) -> str:
        """A SQLite error as a message naming the database, the problem and the fix."""
        return str(self._error("write failed", err))

    def _error(self, action: str, err: BaseException) -> StoreError:
        text = str(err)
        if isinstance(err, sqlite3.DatabaseError) and "not a database" in text:
            return StoreError(
                f"{self.path}: not a rasd database (file is corrupt or of another kind); "
                "move it aside and ingest again"
            )
        if "full" in text or getattr(err, "errno", None) == errno.ENOSPC:
            return StoreError(
                f"{self.path}: disk full while writing; the last transaction was rolled back "
                "and everything stored before it is intact; free space and rerun"
            )
        if "unable to open" in text:
            return StoreError(
                f"{self.path}: cannot open or create the database here (read-only location or "
                "no permission); choose another path with --db"
            )
        if "readonly" in text or "read-only" in text:
            return StoreError(f"{self.path}: database is read-only; fix its permissions")
        return StoreError(f"{self.path}: {action}: {text}")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def atomic(self) -> Iterator[Store]:
        """A transaction (nested calls join the outer one): all of it commits, or none."""
        if self._depth:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        self._depth = 1
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            yield self
            self.conn.execute("COMMIT")
        except BaseException as err:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            if isinstance(err, sqlite3.Error):
                raise self._error("write failed", err) from err
            raise
        finally:
            self._depth = 0

    # ----------------------------------------------------------------------- writing

    def add_document(self, doc: Document, *, location: str | None = None, link: bool = True) -> str:
        """Store one analysed document with everything it carries. Returns ``"stored"``,
        ``"revision"`` (a new version of a URL already stored) or ``"unchanged"`` (this content
        is already in the store: nothing is written)."""
        with self.atomic():
            if self.conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc.id,)).fetchone():
                self.log(location or doc.url or doc.id, "unchanged", doc_id=doc.id)
                return "unchanged"
            revision = 1
            url = _blank_to_none(doc.url)
            if url:
                row = self.conn.execute(
                    "SELECT max(revision) FROM documents WHERE url = ?", (url,)
                ).fetchone()
                revision = int(row[0] or 0) + 1
            self._insert_document(doc, url, revision)
            self._insert_annotations(doc)
            self._insert_claims(doc)
            self._insert_events(doc)
            if link and doc.events:
                from rasd.link import link_document

                link_document(self, doc)
            status = "revision" if revision > 1 else "stored"
            self.log(location or doc.url or doc.id, status, doc_id=doc.id)
        return status

    def _insert_document(self, doc: Document, url: str | None, revision: int) -> None:
        published = doc.published.isoformat() if doc.published else None
        meta = {k: v for k, v in doc.meta.items() if k != "location"}
        cur = self.conn.execute(
            "INSERT INTO documents (id, url, revision, source, title, published, language, text, "
            "meta, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                doc.id,
                url,
                revision,
                doc.source,
                doc.title,
                published,
                doc.language,
                doc.text,
                _json(meta),
                _now(),
            ),
        )
        self.conn.execute(
            "INSERT INTO documents_fts (rowid, title, body) VALUES (?, ?, ?)",
            (
                cur.lastrowid,
                searchable(normalise(doc.title or "").text),
                searchable(doc.normalised.text),
            ),
        )

    def _insert_annotations(self, doc: Document) -> None:
        rows = []
        for kind in _ANNOTATION_KINDS:
            for idx, ann in enumerate(getattr(doc, kind)):
                label = getattr(ann, "label", None) or getattr(ann, "kind", None)
                rows.append((doc.id, kind, idx, ann.start, ann.end, label, _data(ann)))
        self.conn.executemany("INSERT INTO annotations VALUES (?, ?, ?, ?, ?, ?, ?)", rows)

    def _insert_claims(self, doc: Document) -> None:
        rows = [
            (doc.id, idx, c.id, c.stance, _label(c.speaker), _label(c.via), _json(c))
            for idx, c in enumerate(doc.claims)
        ]
        self.conn.executemany("INSERT INTO claims VALUES (?, ?, ?, ?, ?, ?, ?)", rows)

    def _insert_events(self, doc: Document) -> None:
        from rasd.figures import figures_of_event
        from rasd.link import event_place

        for idx, event in enumerate(doc.events):
            place = event_place(doc, event)
            self.conn.execute(
                "INSERT INTO events (doc_id, idx, event_id, type, mode, modality, date, place, "
                "place_link, country, lat, lon, data) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    doc.id,
                    idx,
                    event.id,
                    event.type,
                    event.mode,
                    event.modality,
                    event.date,
                    place.name,
                    place.link,
                    place.country,
                    place.lat,
                    place.lon,
                    _json(event),
                ),
            )
            rows = [
                (
                    doc.id,
                    idx,
                    n,
                    f.role,
                    f.value,
                    f.value_max,
                    f.qualifier,
                    f.scope,
                    f.group,
                    f.speaker,
                    f.via,
                    f.stance,
                    f.start,
                    f.end,
                    f.surface,
                )
                for n, f in enumerate(figures_of_event(doc, event))
            ]
            self.conn.executemany(
                "INSERT INTO figures VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows
            )

    def log(
        self, location: str, status: str, *, doc_id: str | None = None, reason: str = ""
    ) -> None:
        """Record one input's outcome in the ingest log."""
        with self.atomic():
            self.conn.execute(
                "INSERT INTO ingest_log (at, location, doc_id, status, reason) "
                "VALUES (?, ?, ?, ?, ?)",
                (_now(), location, doc_id, status, reason or None),
            )

    # ----------------------------------------------------------------------- reading

    def get_document(self, doc_id: str) -> Document:
        """The stored document (without tokens: run `rasd.text.segment` to recompute them)."""
        row = self.conn.execute("SELECT * FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            raise StoreError(f"{self.path}: no document with id {doc_id!r}")
        text = row["text"]
        fields: dict[str, Any] = {
            "text": text,
            "published": row["published"],
            "source": row["source"],
            "url": row["url"],
            "title": row["title"],
            "language": row["language"],
            "id": row["id"],
            "meta": json.loads(row["meta"]),
        }
        for kind in _ANNOTATION_KINDS:
            fields[kind] = [
                {"start": r[0], "end": r[1], "surface": text[r[0] : r[1]], **json.loads(r[2])}
                for r in self.conn.execute(
                    'SELECT start, "end", data FROM annotations '
                    "WHERE doc_id = ? AND kind = ? ORDER BY idx",
                    (doc_id, kind),
                )
            ]
        for kind in ("events", "claims"):
            fields[kind] = [
                json.loads(r[0])
                for r in self.conn.execute(
                    f"SELECT data FROM {kind} WHERE doc_id = ? ORDER BY idx",
                    (doc_id,),
                )
            ]
        return Document.from_dict(fields)

    def has_document(self, doc_id: str) -> bool:
        row = self.conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return row is not None

    def document_ids(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT id FROM documents ORDER BY n")]

    def count(self, table: str) -> int:
        if table not in {"documents", "annotations", "events", "claims", "figures", "clusters"}:
            raise StoreError(f"no table {table!r} in a rasd store")
        return int(self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

    def ingest_log(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.conn.execute("SELECT * FROM ingest_log ORDER BY n")]

    def content_rows(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every content row, table by table, without ingest times and the ingest log: two
        stores holding the same data give equal results (idempotence and crash-safety tests)."""
        queries = {
            "documents": "SELECT id, url, revision, source, title, published, language, text, "
            "meta, status FROM documents ORDER BY id",
            "annotations": "SELECT * FROM annotations ORDER BY doc_id, kind, idx",
            "events": "SELECT * FROM events ORDER BY doc_id, idx",
            "claims": "SELECT * FROM claims ORDER BY doc_id, idx",
            "figures": "SELECT * FROM figures ORDER BY doc_id, event_idx, idx",
            "clusters": "SELECT * FROM clusters ORDER BY id",
            "fts": "SELECT d.id FROM documents_fts f JOIN documents d ON d.n = f.rowid "
            "ORDER BY d.id",
        }
        return {name: [tuple(r) for r in self.conn.execute(sql)] for name, sql in queries.items()}


def searchable(norm: str) -> str:
    """What FTS indexes for a normalised text: its words, each followed by its shortest
    clitic-stripped stem when that differs (``والسلطات`` → ``والسلطات سلطات``). Queries look for
    a word or its stem (`rasd.queries.search`)."""
    out: list[str] = []
    for word in norm.split():
        stem = word_stem(word)
        out.append(word if stem == word else f"{word} {stem}")
    return " ".join(out)


@lru_cache(maxsize=200_000)
def word_stem(word: str) -> str:
    """The shortest clitic-stripped form of a normalised word (the word itself if none)."""
    candidates = clitic_candidates(word)
    return candidates[-1] if candidates else word


def open_store(path: str | os.PathLike[str], *, readonly: bool = False) -> Store:
    """Open (or create) the store at ``path``."""
    return Store(path, readonly=readonly)


def iter_rows(store: Store, sql: str, params: Iterable[Any] = ()) -> Iterator[sqlite3.Row]:
    """Rows of a fixed query (parameters only), with SQLite errors turned into `StoreError`."""
    try:
        yield from store.conn.execute(sql, tuple(params))
    except sqlite3.Error as err:
        raise store._error("query failed", err) from err


__all__ = ["MIGRATIONS", "Store", "open_store", "searchable"]


def _blank_to_none(value: str | None) -> str | None:
    """An empty or blank URL is no URL: it must not make documents revisions of each other."""
    if value is None or not value.strip():
        return None
    return value
