"""The store: schema, idempotence, revisions, round-trip, full text, bad databases."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import subprocess
from contextlib import contextmanager
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rasd.document import Document, Entity, Quantity
from rasd.errors import StoreError
from rasd.ingest import IngestOptions, ingest
from rasd.pipeline import Pipeline
from rasd.queries import search
from rasd.store import MIGRATIONS, Store
from rasd.text import segment
from tests.storekit import kazakhstan_doc


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "rasd.db") as s:
        yield s


@pytest.fixture
def cheap():
    return Pipeline.default(until="text")


def test_schema_is_migrated_and_recorded(store):
    rows = store.conn.execute("SELECT version, name FROM migrations").fetchall()
    assert [r[0] for r in rows] == list(range(1, len(MIGRATIONS) + 1))
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_reopening_does_not_migrate_again(tmp_path):
    Store(tmp_path / "a.db").close()
    with Store(tmp_path / "a.db") as again:
        assert again.conn.execute("SELECT count(*) FROM migrations").fetchone()[0] == len(
            MIGRATIONS
        )


def test_document_and_annotations_round_trip(store, example_text):
    doc = kazakhstan_doc(example_text)
    assert store.add_document(doc) == "stored"
    assert store.get_document(doc.id) == replace(doc, tokens=())


def test_same_content_twice_is_a_no_op(store, example_text):
    doc = kazakhstan_doc(example_text)
    store.add_document(doc)
    before = store.content_rows()
    assert store.add_document(doc) == "unchanged"
    assert store.content_rows() == before


def test_changed_text_at_same_url_is_a_new_revision(store):
    url = "https://example.invalid/a"
    first = segment(Document("قتل 3 أشخاص في انفجار.", url=url))
    second = segment(Document("قتل 5 أشخاص في انفجار.", url=url))
    assert store.add_document(first) == "stored"
    assert store.add_document(second) == "revision"
    rows = store.conn.execute(
        "SELECT id, revision FROM documents WHERE url = ? ORDER BY revision", (url,)
    ).fetchall()
    assert [(r[0], r[1]) for r in rows] == [(first.id, 1), (second.id, 2)]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("السلطات", True),  # the text has والسلطات / السلطات
        ("السُّلطات", True),  # harakat in the query are ignored
        ("ألماتي", True),
        ("الماتي", True),  # alef variants unified
        ("بغداد", False),
    ],
)
def test_full_text_search_on_normalised_arabic(store, example_text, query, found):
    doc = kazakhstan_doc(example_text)
    store.add_document(doc)
    hits = search(store, query)
    assert bool(hits) is found
    if found:
        assert hits[0].doc_id == doc.id


def test_search_finds_words_behind_clitics(store):
    store.add_document(segment(Document("وقالت وبالمتظاهرين خرجوا.")))
    assert search(store, "المتظاهرين")


def test_rollback_keeps_earlier_documents(store):
    first = segment(Document("نص أول."))
    store.add_document(first)

    def crash_midway() -> None:
        with store.atomic():
            store.add_document(segment(Document("نص ثان.")))
            raise RuntimeError("crash in the middle")

    with pytest.raises(RuntimeError):
        crash_midway()
    assert store.document_ids() == [first.id]


def test_corrupt_database_file_is_a_clear_error(tmp_path):
    path = tmp_path / "bad.db"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match="not a rasd database"):
        Store(path)


def test_missing_database_for_queries(tmp_path):
    with pytest.raises(StoreError, match="no such database"):
        Store(tmp_path / "none.db", readonly=True)


@contextmanager
def _read_only(path):
    """Make ``path`` read-only for this process. Root ignores permission bits, so as root the file
    is made immutable with chattr (ext4 and most local filesystems), and undone afterwards."""
    if os.geteuid() != 0:
        path.chmod(stat.S_IRUSR)
        yield
        return
    chattr = shutil.which("chattr")
    made = chattr and subprocess.run([chattr, "+i", str(path)], capture_output=True, check=False)
    if not made or made.returncode != 0:
        pytest.skip("running as root and chattr +i is not available here")
    try:
        yield
    finally:
        subprocess.run([chattr, "-i", str(path)], check=False)


def test_read_only_database_path(tmp_path):
    path = tmp_path / "ro.db"
    Store(path).close()
    with _read_only(path):
        with pytest.raises(StoreError, match="read-only"):
            Store(path)
        with Store(path, readonly=True) as store:  # queries still work
            assert store.document_ids() == []


def test_writing_through_a_read_only_handle_is_a_clear_error(tmp_path):
    path = tmp_path / "ro.db"
    Store(path).close()
    with Store(path, readonly=True) as store, pytest.raises(StoreError, match="read-only"):
        store.add_document(segment(Document("نص.")))


def test_unwritable_location_is_a_clear_error():
    with pytest.raises(StoreError, match=r"/proc/rasd\.db: cannot open or create"):
        Store("/proc/rasd.db")


def test_full_disk_rolls_back_and_keeps_what_was_stored(tmp_path, example_text):
    path = tmp_path / "full.db"
    with Store(path) as store:
        store.add_document(segment(Document("نص صغير.")))
        before = store.content_rows()
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages + 1}")
        big = segment(Document(example_text * 30))
        with pytest.raises(StoreError, match="disk full"):
            store.add_document(big)
        assert store.content_rows() == before


def test_full_disk_during_ingest_names_the_input_and_keeps_earlier_batches(tmp_path, cheap):
    from rasd.ingest import ingest_documents

    small = [Document(f"نص قصير رقم {i}.", meta={"location": f"small-{i}"}) for i in range(3)]
    with Store(tmp_path / "r.db") as store:
        ingest_documents(store, small, pipeline=cheap)
        before = store.content_rows()
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages + 2}")
        big = [Document("كلمة " * 200_000, meta={"location": "big.txt"})]
        with pytest.raises(StoreError, match=r"while storing big\.txt: .*disk full"):
            ingest_documents(store, big, pipeline=cheap)
        assert store.content_rows() == before


def test_ingest_reports_every_input(tmp_path, cheap):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("قتل 3 أشخاص في انفجار.", encoding="utf-8")
    (folder / "empty.txt").write_text("  ", encoding="utf-8")
    (folder / "b.jsonl").write_text(
        json.dumps({"text": "نص أول.", "published": "2015-08-06"}, ensure_ascii=False)
        + "\n{not json\n"
        + json.dumps({"title": "no text"})
        + "\n"
        + json.dumps({"text": "نص ثالث.", "published": "not a date"}, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    (folder / "c.pdf").write_bytes(b"%PDF")
    with Store(tmp_path / "r.db") as store:
        report = ingest(store, [folder, tmp_path / "missing"], pipeline=cheap)
        assert report.stored == 2
        reasons = dict(report.skipped)
        assert set(reasons) == {
            str(folder / "b.jsonl") + ":2",
            str(folder / "b.jsonl") + ":3",
            str(folder / "b.jsonl") + ":4",
            str(folder / "c.pdf"),
            str(folder / "empty.txt"),
            str(tmp_path / "missing"),
        }
        assert "invalid JSON" in reasons[str(folder / "b.jsonl") + ":2"]
        assert "'text'" in reasons[str(folder / "b.jsonl") + ":3"]
        assert "ISO date" in reasons[str(folder / "b.jsonl") + ":4"]
        assert report.total == 8
        logged = [r["status"] for r in store.ingest_log()]
        assert logged.count("skipped") == 6


def test_ingest_twice_gives_the_same_rows(tmp_path, cheap, example_text):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(3):
        (folder / f"{i}.txt").write_text(example_text[i * 200 :], encoding="utf-8")
    with Store(tmp_path / "r.db") as store:
        first = ingest(store, [folder], pipeline=cheap)
        rows = store.content_rows()
        second = ingest(store, [folder], pipeline=cheap)
        assert (first.stored, second.stored, second.unchanged) == (3, 0, 3)
        assert store.content_rows() == rows


def test_field_names_are_configurable(tmp_path, cheap):
    path = tmp_path / "x.jsonl"
    path.write_text(
        json.dumps({"content": "نص.", "date_extracted": "2015-08-06 10:00:00"}) + "\n",
        encoding="utf-8",
    )
    from rasd.readers import FieldNames

    options = IngestOptions(fields=FieldNames(text="content", published="date_extracted"))
    with Store(tmp_path / "r.db") as store:
        assert ingest(store, [path], pipeline=cheap, options=options).stored == 1
        doc = store.get_document(store.document_ids()[0])
        assert doc.published is not None
        assert doc.published.isoformat().startswith("2015-08-06")


# ----------------------------------------------------------------------- property test

_arabic = st.text(
    alphabet=st.sampled_from("ابتثجحخدذرسشصضطظعغفقكلمنهوي ءآأإةى٠١٢٣0123456789 .،\n"),
    min_size=1,
    max_size=120,
)


@st.composite
def documents(draw):
    text = draw(_arabic.filter(str.strip))
    doc = segment(
        Document(
            text,
            published=draw(st.none() | st.dates(date(1990, 1, 1), date(2030, 1, 1))),
            source=draw(st.none() | st.sampled_from(["alriyadh", "sabq", "وكالة"])),
            url=draw(st.none() | st.just("https://example.invalid/x")),
            title=draw(st.none() | _arabic),
        )
    )
    n = len(text)
    a = draw(st.integers(0, n - 1))
    b = draw(st.integers(a + 1, n))
    ents = (Entity(a, b, text[a:b], "GPE", english="X", lat=1.5, lon=-2.0),)
    qs = (Quantity(a, b, text[a:b], value=draw(st.floats(0, 1e9)), qualifier="about"),)
    return replace(doc, entities=ents, quantities=qs)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(doc=documents())
def test_any_document_round_trips_through_the_store(tmp_path_factory, doc):
    path = tmp_path_factory.mktemp("rt") / "r.db"
    with Store(path) as store:
        store.add_document(doc)
        assert store.get_document(doc.id) == replace(doc, tokens=())


def test_sqlite_errors_never_leak(tmp_path):
    path = tmp_path / "r.db"
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE documents_fts")
    conn.commit()
    conn.close()
    with Store(path) as store, pytest.raises(StoreError):
        store.add_document(segment(Document("نص.")))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(min_size=1, max_size=80).filter(str.strip), query=st.text(max_size=30))
def test_any_text_stores_and_any_query_searches_without_crashing(tmp_path_factory, text, query):
    from rasd.errors import InputError

    path = tmp_path_factory.mktemp("any") / "r.db"
    with Store(path) as store:
        store.add_document(segment(Document(text)))
        try:
            hits = search(store, query)
        except InputError:
            return  # a query with no words is refused with a clear error
        assert all(hit.snippet is not None for hit in hits)


def test_blank_urls_do_not_make_documents_revisions_of_each_other(tmp_path):
    with Store(tmp_path / "s.db") as store:
        first = segment(Document("قال الرئيس إن الوضع هادئ.", url=""))
        second = segment(Document("أعلنت الوزارة مقتل ثلاثة أشخاص.", url="  "))
        assert store.add_document(first) == "stored"
        assert store.add_document(second) == "stored"
        assert len(store.document_ids()) == 2
