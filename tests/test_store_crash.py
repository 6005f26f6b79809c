"""Crash safety: SIGKILL an ingest of 2,000 real articles midway; a rerun completes and the store
equals a clean run's (nothing lost, nothing duplicated, no half-written document)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile

import pytest

from rasd.store import Store
from tests.conftest import ROOT, shared_path

N_ARTICLES = 2000
TEXT_CHARS = 800  # truncated: the test is about the store, not the extractors

INGEST = """
import sys
from rasd.ingest import IngestOptions, ingest
from rasd.pipeline import Pipeline
from rasd.readers import FieldNames
from rasd.store import Store

fields = FieldNames(text="content", published="date_extracted")
with Store(sys.argv[1]) as store:
    ingest(store, [sys.argv[2]], pipeline=Pipeline.default(until="text"),
           options=IngestOptions(fields=fields, batch_size=20))
"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = shared_path("data", "news-saudinewsnet", "dataset")
    out = tmp_path_factory.mktemp("crash") / "articles.jsonl"
    n = 0
    with out.open("w", encoding="utf-8") as fh:
        for path in sorted(folder.glob("*.zip")):
            with zipfile.ZipFile(path) as z:
                for name in z.namelist():
                    for article in json.loads(z.read(name)):
                        if n == N_ARTICLES:
                            return out
                        article["content"] = article["content"][:TEXT_CHARS]
                        fh.write(json.dumps(article, ensure_ascii=False) + "\n")
                        n += 1
    return out


def _run(db, corpus):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    return subprocess.Popen([sys.executable, "-c", INGEST, str(db), str(corpus)], env=env)


def _count(db) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return int(conn.execute("SELECT count(*) FROM documents").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def test_sigkill_midway_then_rerun_equals_clean_run(tmp_path, corpus):
    crashed = tmp_path / "crashed.db"
    proc = _run(crashed, corpus)
    deadline = time.monotonic() + 120
    while _count(crashed) < 300 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "ingest finished before it could be killed; raise N_ARTICLES"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    stored_at_kill = _count(crashed)
    assert 0 < stored_at_kill < N_ARTICLES

    assert _run(crashed, corpus).wait() == 0
    clean = tmp_path / "clean.db"
    assert _run(clean, corpus).wait() == 0

    with Store(crashed, readonly=True) as a, Store(clean, readonly=True) as b:
        rows_a, rows_b = a.content_rows(), b.content_rows()
        assert len(rows_a["documents"]) == len({r[0] for r in rows_a["documents"]})
        assert rows_a == rows_b
        statuses = [r["status"] for r in a.ingest_log()]
        assert statuses.count("unchanged") >= stored_at_kill  # the rerun skipped them
        # no half-written document: every document has its sentences and its FTS row
        assert (
            a.conn.execute(
                "SELECT count(*) FROM documents d WHERE NOT EXISTS (SELECT 1 FROM annotations x "
                "WHERE x.doc_id = d.id AND x.kind = 'sentences')"
            ).fetchone()[0]
            == 0
        )
        assert len(rows_a["fts"]) == len(rows_a["documents"])
