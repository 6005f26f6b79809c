"""The store's schema as numbered migrations, applied in order and recorded in ``migrations``.

Never edit a migration that has shipped: add the next one (``ALTER TABLE``, new tables, indexes).
Statements are separated by ``;`` and run inside one transaction per migration.
"""

from __future__ import annotations

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
            title, body, content = '', tokenize = 'unicode61 remove_diacritics 2'
        );
        """,
    ),
    (
        "places and countries named by each linked report (a check on wrongly resolved "
        "event places)",
        """
        ALTER TABLE link_keys ADD COLUMN named TEXT NOT NULL DEFAULT '[]'
        """,
    ),
    (
        "people named in the sentence of each linked event (reports naming the same victims are "
        "one event)",
        """
        ALTER TABLE link_keys ADD COLUMN people TEXT NOT NULL DEFAULT '[]'
        """,
    ),
)
