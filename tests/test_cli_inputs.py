"""`rasd ingest` on real inputs and its scale-out options, through the CLI entry point."""

from __future__ import annotations

import pyarrow.parquet as pq

from inputs_factory import page_bytes, rss_feed, write_warc
from rasd.cli import main
from rasd.store import Store


def _inputs(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "page.html").write_bytes(page_bytes(0, charset="windows-1256"))
    (folder / "news.rss").write_text(rss_feed(), encoding="utf-8")
    write_warc(folder / "crawl.warc.gz", [("https://w.example/1", page_bytes(1), "text/html")],
               extra=False)  # fmt: skip
    return folder


def test_ingest_reads_html_feeds_and_warc_into_the_store(tmp_path, capsys):
    folder = _inputs(tmp_path)
    db = tmp_path / "rasd.db"
    code = main(["ingest", str(folder), "--db", str(db)])
    out, err = capsys.readouterr()
    assert code == 0  # the WARC's warcinfo and request records are passed over: no fault
    assert "processed 5 (stored 5" in out
    assert "skipped 0, passed over 2, failed 0" in out
    assert "passed over" in err
    assert "WARC request record" in err
    with Store(db) as store:
        assert store.count("documents") == 5
        log = store.ingest_log()
    assert [r["status"] for r in log].count("passed") == 2


def test_ingest_exits_1_when_a_fault_is_skipped_beside_routine_records(tmp_path, capsys):
    folder = _inputs(tmp_path)
    (folder / "broken.jsonl").write_text('{"text": \n', encoding="utf-8")
    code = main(["ingest", str(folder), "--db", str(tmp_path / "rasd.db")])
    out, err = capsys.readouterr()
    assert code == 1
    assert "skipped 1, passed over 2" in out
    assert "broken.jsonl:1: invalid JSON" in err


def test_ingest_parquet_only_leaves_a_dataset_and_no_database(tmp_path, capsys):
    folder = _inputs(tmp_path)
    work = tmp_path / "work"
    code = main(["ingest", str(folder), "--db", str(tmp_path / "x.db"), "--parquet-only",
                 "--work-dir", str(work)])  # fmt: skip
    out, _ = capsys.readouterr()
    assert code == 0
    assert "7 inputs: analysed 5, skipped 0, passed over 2, failed 0" in out
    assert not (tmp_path / "x.db").exists()
    rows = [
        r for p in sorted(work.glob("documents/*.parquet")) for r in pq.read_table(p).to_pylist()
    ]
    assert [r["status"] for r in rows].count("ok") == 5
    assert sorted(r["seq"] for r in rows) == list(range(7))
    code = main(["ingest", str(folder), "--parquet-only", "--work-dir", str(work)])
    assert "already done 7" in capsys.readouterr().out
