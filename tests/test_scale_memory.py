"""How a worker's memory is measured: its own peak, not one inherited from the process that
started it (Dask's nanny spawns workers by fork + exec, which carries ``ru_maxrss`` over)."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rasd.document import Document
from rasd.errors import StoreError
from rasd.partitions import (
    Partition,
    current_rss,
    iter_dataset,
    parse_status_kb,
    peak_rss,
    prepare_work_dir,
    run_staged_partition,
    stage_partition,
)
from rasd.pipeline import Pipeline, Skip
from rasd.scale import ScaleOptions, _client, analyse_to_parquet

ROOT = Path(__file__).resolve().parent.parent

STATUS = "Name:\tpython\nVmPeak:\t  900000 kB\nVmHWM:\t  412345 kB\nVmRSS:\t  301234 kB\n"


@pytest.mark.parametrize(
    ("status", "name", "expected"),
    [
        (STATUS, "VmHWM", 412345),
        (STATUS, "VmRSS", 301234),
        (STATUS, "VmSwap", None),  # absent
        ("VmHWM:\n", "VmHWM", None),  # no figure
        ("VmHWM:\t  n/a kB\n", "VmHWM", None),
        ("XVmHWM:\t 5 kB\n", "VmHWM", None),  # whole key only
    ],
)
def test_parse_status_kb(status, name, expected):
    assert parse_status_kb(status, name) == expected


def test_peak_is_at_least_the_current_resident_memory():
    if not Path("/proc/self/status").exists():
        pytest.skip("no /proc here: peak_rss falls back to ru_maxrss")
    now = current_rss()
    assert peak_rss() >= now > 0  # a peak read later is at least what was resident earlier


# The parent touches 300 MB, frees it, then spawns a child (as Dask's nanny does) that reports
# its getrusage peak and what `peak_rss` measures.
_SPAWN = """
import multiprocessing, resource, sys

def measure(queue):
    from rasd.partitions import peak_rss
    queue.put((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, peak_rss()))

if __name__ == "__main__":
    block = bytearray(300 * 2**20)
    block[:: 4096] = b"x" * len(block[:: 4096])
    del block
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=measure, args=(queue,))
    child.start()
    print(*queue.get(timeout=60))
    child.join()
"""


def test_spawned_worker_reports_its_own_peak_not_its_parents(tmp_path):
    if not Path("/proc/self/status").exists():
        pytest.skip("no /proc here")
    script = tmp_path / "spawn_peak.py"  # a file: "spawn" re-imports the parent's main module
    script.write_text(_SPAWN, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    out = subprocess.run(
        [sys.executable, str(script)], env=env, capture_output=True, text=True, check=True,
        timeout=120,
    )  # fmt: skip
    inherited, own = (int(v) for v in out.stdout.split())
    if inherited < 300 * 2**20:
        pytest.skip("this kernel does not carry ru_maxrss over fork + exec")
    # The child never held the parent's 300 MB block: its own peak is far below.
    assert own < inherited - 200 * 2**20


def test_dask_keeps_no_partition_documents_in_its_logs(tmp_path):
    """Dask's scheduler keeps the last 1,000 messages it sent to each worker: the tasks carry
    the file name of a partition's inputs, so that log (and the workers' stimulus logs) never
    hold the documents themselves; before, the driver kept every partition for the whole run."""
    distributed = pytest.importorskip("distributed")
    docs = [
        Document(text=f"قال مسؤول إن {i} أشخاص قتلوا في بغداد (خبر المحفوظات {i})",
                 meta={"location": f"a:{i}"})
        for i in range(12)
    ]  # fmt: skip
    work = tmp_path / "work"
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None,
        silence_logs=40,
    ) as cluster:  # fmt: skip
        options = ScaleOptions(work_dir=str(work), scheduler=cluster.scheduler_address,
                               partition_size=3)  # fmt: skip
        report = analyse_to_parquet(docs, options=options)
        logs = [list(w.state.stimulus_log) for w in cluster.workers.values()]
        logs += [list(s.recent_message_log) for s in cluster.scheduler.stream_comms.values()]
    assert report.documents == 12
    assert sum(len(log) for log in logs) > 0  # Dask did log the tasks ...
    assert "المحفوظات" not in repr(logs)  # ... but not their documents
    assert list(iter_dataset(work)) == [
        dataclasses.replace(d, tokens=()) for d in Pipeline.default().pipe(docs)
    ]
    assert not list((work / "inputs").iterdir())  # staged inputs removed once done


def _profiling(dask_worker) -> bool:
    return "profile" in dask_worker.periodic_callbacks


def test_local_cluster_workers_run_without_the_statistical_profiler():
    """Its 1,000 one-second profiles per worker grew each worker by 100+ MB on long runs."""
    pytest.importorskip("distributed")
    with _client(ScaleOptions(workers=1)) as client:
        assert list(client.run(_profiling).values()) == [False]


def test_staged_partition_runs_like_the_partition_and_a_missing_one_is_a_clear_error(tmp_path):
    docs = ((0, Document(text="خبر أول", meta={"location": "a:0"})), (1, Skip("a:1", "bad")))
    partition = Partition("part-000000000-staged", docs)
    staged = stage_partition(partition, str(tmp_path))
    assert Path(staged).parent == tmp_path / "inputs"
    result = run_staged_partition(staged, str(tmp_path))
    assert (result.name, result.documents, result.skipped) == (partition.name, 1, 1)
    assert [i.text for i in iter_dataset(tmp_path) if isinstance(i, Document)] == ["خبر أول"]
    with pytest.raises(StoreError, match="cannot read the partition's inputs"):
        run_staged_partition(str(tmp_path / "inputs" / "gone.pickle"), str(tmp_path))


def test_rerun_removes_inputs_staged_by_a_run_that_stopped(tmp_path):
    partition = Partition("part-000000000-left", ((0, Document(text="خبر")),))
    staged = Path(stage_partition(partition, str(tmp_path)))
    (staged.parent / ".part-000000005-x.0123.tmp").write_bytes(b"half")
    assert prepare_work_dir(tmp_path) == set()  # the partition was never done
    assert not list(staged.parent.iterdir())
