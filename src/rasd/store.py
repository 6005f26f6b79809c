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
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rasd.document import Claim, Document, Entity, Event, Quantity, Sentence, Time, _decode
from rasd.errors import StoreError
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

MIGRATIONS: tuple[tuple[str, str], ...] = (
    (
        "documents, annotations, events, claims, figures, clusters, ingest log, full text",
        """
        CREATE TABLE documents (
            n INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            url TEXT,
            revision INTEGER NOT NULL DEFAULT 1,
            source TEXT,
            title TEXT,
            published TEXT,
            language TEXT NOT NULL,
            text TEXT NOT NULL,
            meta TEXT NOT NULL DEFAULT '{}',
            ingested_at TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'analysed',
            UNIQUE (url, revision)
        );
        CREATE INDEX documents_published ON documents (published);
        CREATE TABLE annotations (
            doc_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            idx INTEGER NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            surface TEXT NOT NULL,
            label TEXT,
            data TEXT NOT NULL,
            PRIMARY KEY (doc_id, kind, idx)
        );
        CREATE INDEX annotations_label ON annotations (kind, label);
        CREATE TABLE claims (
            doc_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
            idx INTEGER NOT NULL,
            claim_id TEXT NOT NULL,
            stance TEXT NOT NULL,
            speaker TEXT,
            via TEXT,
            data TEXT NOT NULL,
            PRIMARY KEY (doc_id, idx)
        );
        CREATE TABLE clusters (
            id INTEGER PRIMARY KEY,
            family TEXT NOT NULL,
            type TEXT NOT NULL,
            country TEXT,
            place TEXT,
            place_link TEXT,
            lat REAL,
            lon REAL,
            date_first TEXT,
            date_last TEXT,
            n_events INTEGER NOT NULL DEFAULT 0,
            n_documents INTEGER NOT NULL DEFAULT 0,
            killed REAL,
            injured REAL,
            summary TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX clusters_date ON clusters (date_first);
        CREATE TABLE events (
            doc_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
            idx INTEGER NOT NULL,
            event_id TEXT NOT NULL,
            type TEXT NOT NULL,
            mode TEXT,
            modality TEXT NOT NULL,
            date TEXT,
            place TEXT,
            place_link TEXT,
            country TEXT,
            lat REAL,
            lon REAL,
            cluster_id INTEGER REFERENCES clusters (id),
            data TEXT NOT NULL,
            PRIMARY KEY (doc_id, idx)
        );
        CREATE INDEX events_cluster ON events (cluster_id);
        CREATE INDEX clusters_family ON clusters (family, date_last);
        CREATE TABLE link_keys (
            doc_id TEXT NOT NULL,
            idx INTEGER NOT NULL,
            doc_n INTEGER NOT NULL,
            cluster_id INTEGER NOT NULL REFERENCES clusters (id),
            family TEXT NOT NULL,
            day TEXT,
            place TEXT,
            place_link TEXT,
            country TEXT,
            lat REAL,
            lon REAL,
            kind TEXT,
            terms TEXT NOT NULL,
            participants TEXT NOT NULL,
            roles TEXT NOT NULL,
            PRIMARY KEY (doc_id, idx),
            FOREIGN KEY (doc_id, idx) REFERENCES events (doc_id, idx) ON DELETE CASCADE
        );
        CREATE INDEX link_keys_cluster ON link_keys (cluster_id);
        CREATE INDEX events_date ON events (date);
        CREATE TABLE figures (
            doc_id TEXT NOT NULL,
            event_idx INTEGER NOT NULL,
            idx INTEGER NOT NULL,
            role TEXT NOT NULL,
            value REAL NOT NULL,
            value_max REAL,
            qualifier TEXT NOT NULL,
            scope TEXT NOT NULL,
            grp TEXT,
            speaker TEXT,
            via TEXT,
            stance TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            surface TEXT NOT NULL,
            PRIMARY KEY (doc_id, event_idx, idx),
            FOREIGN KEY (doc_id, event_idx) REFERENCES events (doc_id, idx) ON DELETE CASCADE
        );
        CREATE TABLE ingest_log (
            n INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            location TEXT NOT NULL,
            doc_id TEXT,
            status TEXT NOT NULL,
            reason TEXT
        );
        CREATE VIRTUAL TABLE documents_fts USING fts5 (
            title, body, tokenize = 'unicode61 remove_diacritics 2'
        );
        """,
    ),
)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _json(value: Any) -> str:
    from rasd.document import _encode

    return json.dumps(_encode(value), ensure_ascii=False, sort_keys=True)


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
            if doc.url:
                row = self.conn.execute(
                    "SELECT max(revision) FROM documents WHERE url = ?", (doc.url,)
                ).fetchone()
                revision = int(row[0] or 0) + 1
            self._insert_document(doc, revision)
            self._insert_annotations(doc)
            self._insert_claims(doc)
            self._insert_events(doc)
            if link and doc.events:
                from rasd.link import link_document

                link_document(self, doc)
            status = "revision" if revision > 1 else "stored"
            self.log(location or doc.url or doc.id, status, doc_id=doc.id)
        return status

    def _insert_document(self, doc: Document, revision: int) -> None:
        published = doc.published.isoformat() if doc.published else None
        meta = {k: v for k, v in doc.meta.items() if k != "location"}
        cur = self.conn.execute(
            "INSERT INTO documents (id, url, revision, source, title, published, language, text, "
            "meta, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                doc.id,
                doc.url,
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
            (cur.lastrowid, searchable(doc.title or ""), searchable(doc.text)),
        )

    def _insert_annotations(self, doc: Document) -> None:
        rows = []
        for kind in _ANNOTATION_KINDS:
            for idx, ann in enumerate(getattr(doc, kind)):
                label = getattr(ann, "label", None) or getattr(ann, "kind", None)
                rows.append((doc.id, kind, idx, ann.start, ann.end, ann.surface, label, _json(ann)))
        self.conn.executemany("INSERT INTO annotations VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)

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
        fields: dict[str, Any] = {
            "text": row["text"],
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
                json.loads(r[0])
                for r in self.conn.execute(
                    "SELECT data FROM annotations WHERE doc_id = ? AND kind = ? ORDER BY idx",
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
            "fts": "SELECT d.id, f.title, f.body FROM documents_fts f "
            "JOIN documents d ON d.n = f.rowid ORDER BY d.id",
        }
        return {name: [tuple(r) for r in self.conn.execute(sql)] for name, sql in queries.items()}


def searchable(text: str) -> str:
    """What FTS indexes for a text: its normalised words, each followed by its clitic-stripped
    stems (``والسلطات`` → ``والسلطات السلطات سلطات``)."""
    out: list[str] = []
    for word in normalise(text).text.split():
        out.extend(clitic_candidates(word) or (word,))
    return " ".join(out)


def decode_annotation(kind: str, data: str) -> Any:
    """One stored annotation back as its dataclass."""
    classes: dict[str, type] = {**_ANNOTATION_KINDS, "events": Event, "claims": Claim}
    return _decode(classes[kind], json.loads(data))


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
