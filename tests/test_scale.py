"""Scale-out: partitions, the Parquet dataset, resuming, and a 2-worker Dask cluster giving
exactly what the single-process run gives."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from inputs_factory import ARTICLES, page_bytes, write_warc
from rasd.document import Count, Document, Event, Span
from rasd.ingest import ingest, read_paths
from rasd.partitions import (
    Partition,
    Partitioning,
    item_key,
    iter_dataset,
    partition_items,
    run_partition,
)
from rasd.pipeline import Pipeline, Skip
from rasd.readers import iter_documents
from rasd.scale import ScaleOptions, analyse_to_parquet, ingest_on_cluster
from rasd.store import Store

ROOT = Path(__file__).resolve().parent.parent


def _corpus(folder: Path, n: int = 40) -> Path:
    """JSONL articles (one repeated, one bad line, one English), an HTML page and a WARC.gz."""
    folder.mkdir()
    lines = [
        json.dumps({"text": f"{ARTICLES[i % 3][2][i % 2]} (تقرير رقم {i})",
                    "published": "2015-08-06", "source": f"outlet-{i % 4}"}, ensure_ascii=False)
        for i in range(n)
    ]  # fmt: skip
    lines[7] = "{not json"
    lines[9] = lines[3]  # the same article twice
    lines[11] = json.dumps({"text": "An English article that is not for rasd at all."})
    (folder / "a.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "b.html").write_bytes(page_bytes(1, charset="windows-1256"))
    write_warc(folder / "c.warc.gz", [("https://c.example/1", page_bytes(2), "text/html")])
    return folder


def _single(folder: Path) -> list[Document | Skip]:
    """What a single-process run makes of the corpus (tokens left out, as in the dataset)."""
    return [
        dataclasses.replace(item, tokens=()) if isinstance(item, Document) else item
        for item in Pipeline.default().pipe(iter_documents([folder]), on_error="skip")
    ]


def test_partitions_are_deterministic_and_leave_out_done_and_repeated_items():
    docs = [Document(text=f"نص رقم {i}", meta={"location": f"a.jsonl:{i}"}) for i in range(7)]
    repeat = Document(text=docs[1].text, meta={"location": "b.jsonl:1"})  # same text elsewhere
    items: list[Document | Skip] = [*docs[:3], Skip("x", "bad"), repeat, *docs[3:]]
    first = list(partition_items(items, size=3, state=Partitioning()))
    again = list(partition_items(items, size=3, state=Partitioning()))
    assert [p.name for p in first] == [p.name for p in again]
    assert [p.documents for p in first] == [3, 3, 2]
    assert [seq for seq, _ in first[1].items] == [3, 4, 5, 6]
    state = Partitioning(done={item_key(docs[0]), "skip:x"})
    resumed = list(partition_items(items, size=3, state=state))
    assert (state.resumed, state.items) == (2, 9)
    assert sum(p.documents for p in resumed) == 7  # the repeat is an input of its own


def test_partition_writes_events_and_figures_tables(tmp_path):
    text = "قتل 3 أشخاص في انفجار ببغداد"
    event = Event(
        start=0, end=3, surface="قتل", id="e1", type="ASSAULT", mode="explosion",
        place=Span(22, 28, "ببغداد"), date="2022-01-10",
        counts=(Count(4, 11, "3 أشخاص", role="killed", value=3.0, group=Span(6, 11, "أشخاص")),),
    )  # fmt: skip
    doc = Document(text=text, source="وكالة", events=(event,), meta={"location": "x"})
    routine = Skip("z", "WARC request record, not a response", routine=True)
    partition = Partition("part-000000000-test", ((0, doc), (1, Skip("y", "bad")), (2, routine)))
    result = run_partition(partition, str(tmp_path), Pipeline([]))
    assert (result.documents, result.skipped, result.passed, result.failed) == (1, 1, 1, 0)
    events = pq.read_table(tmp_path / "events" / "part-000000000-test.parquet").to_pylist()
    assert events[0]["type"] == "ASSAULT"
    assert events[0]["place"] == "ببغداد"
    figures = pq.read_table(tmp_path / "figures" / "part-000000000-test.parquet").to_pylist()
    assert figures[0]["role"] == "killed"
    assert figures[0]["value"] == 3.0
    assert figures[0]["group"] == "أشخاص"
    assert list(iter_dataset(tmp_path)) == [doc, Skip("y", "bad"), routine]


def test_in_process_run_equals_single_process_and_rerun_does_nothing(tmp_path):
    folder = _corpus(tmp_path / "in")
    options = ScaleOptions(work_dir=str(tmp_path / "work"), workers=0, partition_size=6)
    done: list[int] = []
    totals: list[int] = []
    report = analyse_to_parquet(
        iter_documents([folder]), options=options, progress=done.append, on_total=totals.append
    )
    assert totals == [sum(done)]  # every item finished is counted, and the total matches
    expected = _single(folder)
    assert list(iter_dataset(tmp_path / "work")) == expected
    assert report.items == report.documents + report.skipped + report.passed + report.failed
    again = analyse_to_parquet(iter_documents([folder]), options=options)
    assert (again.partitions, again.resumed) == (0, report.items)
    assert list(iter_dataset(tmp_path / "work")) == expected


def test_rerun_redoes_only_the_partition_a_killed_worker_left_unfinished(tmp_path):
    folder = _corpus(tmp_path / "in")
    work = tmp_path / "work"
    options = ScaleOptions(work_dir=str(work), workers=0, partition_size=6)
    first = analyse_to_parquet(iter_documents([folder]), options=options)
    # What a worker killed while writing partition 2 leaves: its events file and a temp file.
    victim = sorted((work / "documents").glob("part-*.parquet"))[1]
    victim_rows = pq.read_table(victim).num_rows
    victim.unlink()
    (work / "documents" / f".{victim.stem}.dead.tmp").write_bytes(b"PAR1 half")
    rerun = analyse_to_parquet(iter_documents([folder]), options=options)
    assert rerun.partitions == 1
    assert rerun.documents + rerun.skipped + rerun.passed + rerun.failed == victim_rows
    assert rerun.resumed == first.items - victim_rows
    assert not list((work / "documents").glob(".*.tmp"))
    assert list(iter_dataset(work)) == _single(folder)
    keys = [
        r
        for p in (work / "documents").glob("*.parquet")
        for r in pq.read_table(p)["key"].to_pylist()
    ]
    assert len(keys) == len(set(keys))  # nothing duplicated


_KILLED_RUN = """
import sys
from rasd.readers import iter_documents
from rasd.scale import ScaleOptions, analyse_to_parquet, ingest_on_cluster
from rasd.store import Store
options = ScaleOptions(work_dir=sys.argv[2], workers=0, partition_size=5)
analyse_to_parquet(iter_documents([sys.argv[1]]), options=options)
"""


def test_sigkill_midway_then_rerun_loses_and_duplicates_nothing(tmp_path):
    folder = _corpus(tmp_path / "in", n=150)
    work = tmp_path / "work"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen([sys.executable, "-c", _KILLED_RUN, str(folder), str(work)], env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(work.glob("documents/part-*"))) < 3:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done = len(list(work.glob("documents/part-*")))
    options = ScaleOptions(work_dir=str(work), workers=0, partition_size=5)
    rerun = analyse_to_parquet(iter_documents([folder]), options=options)
    assert rerun.resumed > 0 or done == 0
    assert list(iter_dataset(work)) == _single(folder)


def test_single_process_path_never_imports_dask(tmp_path):
    folder = _corpus(tmp_path / "in", n=12)
    code = (
        "import sys\n"
        "from rasd.readers import iter_documents\n"
        "from rasd.scale import ScaleOptions, analyse_to_parquet\n"
        f"analyse_to_parquet(iter_documents([{str(folder)!r}]),"
        f" options=ScaleOptions(work_dir={str(tmp_path / 'w')!r}, workers=0))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    command = [sys.executable, "-c", code]
    out = subprocess.run(command, check=False, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_existing_scheduler_and_a_worker_killed_mid_run(tmp_path):
    """``scheduler=`` uses a running cluster; a worker process killed while the run goes on has
    its partitions redone elsewhere (Dask reschedules them), nothing lost or duplicated."""
    distributed = pytest.importorskip("distributed")
    folder = _corpus(tmp_path / "in", n=30)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, dashboard_address=None, silence_logs=40
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        pids = client.run(os.getpid)
        victim = pids[sorted(pids)[0]]
        killed: list[int] = []

        def kill_once(_count: int) -> None:
            if not killed:
                killed.append(victim)
                os.kill(victim, signal.SIGKILL)

        options = ScaleOptions(
            work_dir=str(tmp_path / "work"), scheduler=cluster.scheduler_address, partition_size=4
        )
        report = analyse_to_parquet(iter_documents([folder]), options=options, progress=kill_once)
    assert killed
    assert list(iter_dataset(tmp_path / "work")) == _single(folder)
    assert report.items == report.documents + report.skipped + report.passed + report.failed


def _log(store: Store) -> list[tuple[str, str | None, str, str | None]]:
    return [(r["location"], r["doc_id"], r["status"], r["reason"]) for r in store.ingest_log()]


def test_ingest_on_two_workers_gives_the_single_process_store(tmp_path):
    """The acceptance test: same store content, same ingest log (every input accounted for the
    same way), same report, as `rasd ingest` in one process."""
    pytest.importorskip("distributed")
    folder = _corpus(tmp_path / "in")
    with Store(tmp_path / "single.db") as single:
        expected = ingest(single, [folder])
        expected_rows, expected_log = single.content_rows(), _log(single)
    scale = ScaleOptions(work_dir=str(tmp_path / "work"), workers=2, partition_size=5)
    with Store(tmp_path / "cluster.db") as store:
        report, analysed = ingest_on_cluster(store, read_paths([folder]), scale=scale)
        assert store.content_rows() == expected_rows
        assert _log(store) == expected_log
    assert report.to_dict() == expected.to_dict()
    assert analysed.partitions > 2
    assert expected.stored > 30
    assert len(analysed.peak_rss) == 2  # both workers did partitions
    assert all(0 < rss < 2_000_000_000 for rss in analysed.peak_rss.values())


def test_dataset_reads_back_in_input_order_across_interleaved_and_empty_partitions(tmp_path):
    docs = [Document(text=f"خبر رقم {i}", meta={"location": f"f:{i}"}) for i in range(6)]
    parts = [
        Partition("part-000000000-a", ((0, docs[0]), (3, docs[3]))),
        Partition("part-000000001-b", ((1, docs[1]), (2, docs[2]), (5, docs[5]))),
        Partition("part-000000004-c", ((4, docs[4]),)),
        Partition("part-000000009-d", ()),
    ]
    for part in parts:
        run_partition(part, str(tmp_path), Pipeline([]))
    assert list(iter_dataset(tmp_path)) == docs
    assert list(iter_dataset(tmp_path / "nothing")) == []
