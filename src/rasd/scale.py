"""Scale-out: analyse many documents on a Dask cluster into a Parquet dataset (the ``scale`` extra).

The driver reads the inputs (any ``Document | Skip`` stream, e.g. `rasd.readers.iter_documents`),
cuts them into partitions (`rasd.partitions`), and has Dask run the same pipeline as a
single-process run on each partition; workers write Parquet files into the work folder, and the
driver can then load them into the store in input order (`rasd.partitions.iter_dataset`), or leave
the dataset to DuckDB/Spark users.

``workers=0`` runs the partitions in this process without importing Dask: the single-process path
never needs it. A rerun on the same work folder skips complete partitions and documents already
done; a partition whose worker was killed left only a temporary file and is redone.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from rasd.document import Document
from rasd.errors import InputError, RasdError
from rasd.partitions import (
    Partition,
    Partitioning,
    PartitionResult,
    partition_items,
    prepare_work_dir,
    run_partition,
    run_staged_partition,
    stage_partition,
    staged_path,
)
from rasd.pipeline import Skip

if TYPE_CHECKING:
    from rasd.ingest import IngestOptions, IngestReport
    from rasd.store import Store

log = logging.getLogger(__name__)

Progress = Callable[[int], None]
"""Called with the number of input items just finished (documents analysed, failed or skipped)."""


@dataclass(frozen=True, slots=True)
class ScaleOptions:
    """How to run: on a new local cluster of ``workers`` processes, on an existing one at
    ``scheduler`` (``tcp://HOST:PORT``), or in this process (``workers=0``)."""

    work_dir: str = "rasd-work"
    workers: int = 2
    scheduler: str | None = None
    partition_size: int = 100
    """Documents per partition: big enough to amortise scheduling, small enough to redo."""
    in_flight: int = 2
    """Partitions queued per worker (bounds the driver's memory)."""
    processes: bool = True
    """Local cluster workers as processes (real parallelism) or threads (quick start, tests)."""


@dataclass
class ScaleReport:
    """Every input item accounted for: analysed, failed, skipped or already done."""

    items: int = 0
    partitions: int = 0
    documents: int = 0
    failed: int = 0
    skipped: int = 0
    passed: int = 0
    """Routine skips (no articles by nature, e.g. a WARC's request records): no fault."""
    resumed: int = 0
    """Items already in a complete partition of an earlier run (not redone)."""
    words: int = 0
    cpu_seconds: float = 0.0
    """CPU time the workers spent on the partitions, summed."""
    wall_seconds: float = 0.0
    peak_rss: dict[str, int] = field(default_factory=dict)
    """Peak resident memory of each worker process, in bytes."""
    rss: dict[str, int] = field(default_factory=dict)
    """Resident memory of each worker process after its last partition, in bytes."""
    worker_cpu: dict[str, float] = field(default_factory=dict)
    """CPU time each worker process spent on its partitions."""

    def add(self, result: PartitionResult) -> None:
        self.partitions += 1
        self.documents += result.documents
        self.failed += result.failed
        self.skipped += result.skipped
        self.passed += result.passed
        self.words += result.words
        self.cpu_seconds += result.cpu_seconds
        self.peak_rss[result.worker] = max(self.peak_rss.get(result.worker, 0), result.peak_rss)
        self.rss[result.worker] = result.rss
        self.worker_cpu[result.worker] = (
            self.worker_cpu.get(result.worker, 0.0) + result.cpu_seconds
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "partitions": self.partitions,
            "documents": self.documents,
            "failed": self.failed,
            "skipped": self.skipped,
            "passed": self.passed,
            "resumed": self.resumed,
            "words": self.words,
            "cpu_seconds": round(self.cpu_seconds, 3),
            "wall_seconds": round(self.wall_seconds, 3),
            "peak_rss": dict(self.peak_rss),
            "rss": dict(self.rss),
            "worker_cpu": {worker: round(cpu, 3) for worker, cpu in self.worker_cpu.items()},
        }


def analyse_to_parquet(
    items: Iterable[Document | Skip],
    *,
    options: ScaleOptions = ScaleOptions(),
    progress: Progress | None = None,
    on_total: Callable[[int], None] | None = None,
) -> ScaleReport:
    """Analyse ``items`` partition by partition into the Parquet dataset in ``options.work_dir``
    and report what became of every item. ``progress(n)`` is called as items are finished, and
    ``on_total(n)`` with the number of items to do once the inputs have all been read."""
    started = time.perf_counter()
    work_dir = Path(options.work_dir)
    try:
        state = Partitioning(done=prepare_work_dir(work_dir))
    except OSError as err:
        raise InputError(f"{work_dir}: cannot use as work folder: {err.strerror or err}") from err
    report = ScaleReport()
    partitions = partition_items(_counted(items, state, on_total), size=options.partition_size,
                                 state=state)  # fmt: skip
    with _executor(options) as run:
        for result in run(partitions, str(work_dir)):
            report.add(result)
            log.debug("%s on %s: %d documents, RSS %.0f MB (peak %.0f MB)", result.name,
                      result.worker, result.documents, result.rss / 2**20,
                      result.peak_rss / 2**20)  # fmt: skip
            if progress is not None:
                progress(result.documents + result.failed + result.skipped + result.passed)
    report.items, report.resumed = state.items, state.resumed
    report.wall_seconds = time.perf_counter() - started
    log.info("analysed into %s: %s", work_dir, report.to_dict())
    return report


def _counted(
    items: Iterable[Document | Skip], state: Partitioning, on_total: Callable[[int], None] | None
) -> Iterator[Document | Skip]:
    yield from items
    if on_total is not None:
        on_total(state.items - state.resumed)


def ingest_on_cluster(
    store: Store,
    items: Iterable[Document | Skip],
    *,
    scale: ScaleOptions,
    options: IngestOptions | None = None,
    progress: Progress | None = None,
    on_total: Callable[[int], None] | None = None,
    store_progress: Progress | None = None,
) -> tuple[IngestReport, ScaleReport]:
    """`rasd.ingest.ingest`, with the analysis done on a cluster: partitions are analysed into
    the Parquet dataset in ``scale.work_dir``, then loaded into ``store`` in input order, so the
    store ends up with exactly what a single-process ingest of the same items gives.
    ``progress``/``on_total`` follow the analysis, ``store_progress`` the loading."""
    from rasd.ingest import DEFAULT_INGEST_OPTIONS, store_documents
    from rasd.partitions import iter_dataset

    analysed = analyse_to_parquet(items, options=scale, progress=progress, on_total=on_total)
    report = store_documents(
        store,
        iter_dataset(scale.work_dir),
        options=options or DEFAULT_INGEST_OPTIONS,
        progress=store_progress,
    )
    return report, analysed


LOCAL_WORKER_CONFIG = MappingProxyType({"distributed.worker.profile.enabled": False})
"""Dask settings of the workers of a local cluster. Their statistical profiler is off: it samples
every 10 ms and keeps 1,000 one-second profiles per worker (for a dashboard the local cluster
does not serve), which grew each worker by ~0.15 MB/s, 100+ MB over a long run. Workers of a
cluster given as ``scheduler`` keep their own settings (``DASK_DISTRIBUTED__WORKER__PROFILE__
ENABLED=False`` in their environment does the same there)."""

Runner = Callable[[Iterable[Partition], str], Iterator[PartitionResult]]


@contextmanager
def _executor(options: ScaleOptions) -> Iterator[Runner]:
    if options.scheduler is None and options.workers <= 0:
        yield _run_here
        return
    with _client(options) as client:
        yield _DaskRunner(client, options.in_flight * _worker_count(client, options))


def _run_here(partitions: Iterable[Partition], work_dir: str) -> Iterator[PartitionResult]:
    for partition in partitions:
        yield run_partition(partition, work_dir)


@dataclass(frozen=True)
class _DaskRunner:
    client: Any
    in_flight: int

    def __call__(self, partitions: Iterable[Partition], work_dir: str) -> Iterator[PartitionResult]:
        from distributed import as_completed

        queue = iter(partitions)
        pending = as_completed([self._submit(p, work_dir) for p in islice(queue, self.in_flight)])
        for future in pending:
            result: PartitionResult = future.result()
            future.release()
            staged_path(work_dir, result.name).unlink(missing_ok=True)
            following = next(queue, None)
            if following is not None:
                pending.add(self._submit(following, work_dir))
            yield result

    def _submit(self, partition: Partition, work_dir: str) -> Any:
        staged = stage_partition(partition, work_dir)  # a file name travels, not the documents
        return self.client.submit(
            run_staged_partition, staged, work_dir, key=f"rasd-{partition.name}", pure=False
        )


def _worker_count(client: Any, options: ScaleOptions) -> int:
    workers = len(client.scheduler_info().get("workers", {}))
    return max(workers, options.workers, 1)


@contextmanager
def _client(options: ScaleOptions) -> Iterator[Any]:
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError as err:
        raise RasdError(
            "running on several workers needs Dask: pip install 'rasd[scale]' (or use one worker)"
        ) from err
    if options.scheduler:
        try:
            client = Client(options.scheduler, timeout="20s")
        except (OSError, TimeoutError) as err:
            raise InputError(
                f"{options.scheduler}: cannot reach the Dask scheduler: {err}"
            ) from err
        with client:
            yield client
        return
    with dask.config.set(LOCAL_WORKER_CONFIG):  # read when the workers' nannies are made
        cluster = LocalCluster(
            n_workers=options.workers,
            threads_per_worker=1,
            processes=options.processes,
            dashboard_address=None,
            silence_logs=logging.WARNING,
        )
    with cluster, Client(cluster) as client:
        yield client
