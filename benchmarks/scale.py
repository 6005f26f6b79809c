"""Scale-out benchmark over SaudiNewsNet: one process vs 1 and 2 Dask workers.

    python benchmarks/scale.py [--limit N] [--workers 1,2] [--partition-size 200] [--markdown]
                               [--rss-log FILE]

The articles are read once through `rasd.readers.iter_documents` (the zipped JSON files, as a
user would give them) and kept in memory, so each run analyses the same items. Single-process
figures are in process CPU time (per core); the Dask runs are compared in wall-clock time (a
speed-up is a wall-clock notion), with the machine's load average printed beside them; on a
loaded machine the speed-up the workers' CPU time gives is printed too: the 1-worker run's CPU
time over the busiest worker's in the other run (what the run would take with a core per worker;
the driver's own CPU is left out). Memory: each worker's peak (its own VmHWM, not ru_maxrss,
which a spawned worker inherits from this process) and its RSS after its last partition, and this
driver's peak. ``--rss-log`` logs every partition's worker RSS. Not a test.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import SAUDINEWSNET

from rasd.document import Document
from rasd.partitions import peak_rss
from rasd.pipeline import Pipeline, Skip
from rasd.readers import FieldNames, ReadOptions, iter_documents
from rasd.scale import ScaleOptions, analyse_to_parquet

FIELDS = FieldNames(text="content", published="date_extracted")


def read(limit: int | None) -> tuple[list[Document | Skip], float]:
    start = time.process_time()
    items = list(islice(iter_documents([SAUDINEWSNET], options=ReadOptions(fields=FIELDS)), limit))
    return items, time.process_time() - start


def single(items: list[Document | Skip]) -> dict[str, float]:
    pipeline = Pipeline.default()
    pipeline(Document(text="قال مسؤول إن 3 أشخاص قتلوا في بغداد أمس."))  # load models first
    docs = [i for i in items if isinstance(i, Document)]
    words = sum(len(d.text.split()) for d in docs)
    start, wall = time.process_time(), time.perf_counter()
    failed = sum(isinstance(out, Skip) for out in pipeline.pipe(docs, on_error="skip"))
    cpu, wall = time.process_time() - start, time.perf_counter() - wall
    peak = peak_rss() / 2**20
    return {"docs": len(docs), "failed": failed, "words": words, "cpu": cpu, "wall": wall,
            "rss_mb": peak}  # fmt: skip


def on_dask(items: list[Document | Skip], workers: int, size: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="rasd-scale-") as work:
        options = ScaleOptions(work_dir=work, workers=workers, partition_size=size)
        load = os.getloadavg()[0]
        report = analyse_to_parquet(items, options=options)
    rss = sorted(v / 2**20 for v in report.peak_rss.values())
    return {"workers": workers, "docs": report.documents, "wall": report.wall_seconds,
            "cpu": report.cpu_seconds, "rss_max_mb": max(rss, default=0.0), "rss_mb": rss,
            "rss_end_mb": sorted(v / 2**20 for v in report.rss.values()),
            "cpu_max": max(report.worker_cpu.values(), default=0.0), "load": load,
            "load_end": os.getloadavg()[0], "partitions": report.partitions,
            "driver_mb": peak_rss() / 2**20}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="items to read (default: all)")
    parser.add_argument("--workers", default="1,2", help="Dask worker counts ('' for none)")
    parser.add_argument("--partition-size", type=int, default=200, help="documents per partition")
    parser.add_argument("--no-single", action="store_true", help="skip the single-process run")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    parser.add_argument("--rss-log", metavar="FILE", help="log each partition's worker RSS here")
    args = parser.parse_args()
    if args.rss_log:
        logging.basicConfig(filename=args.rss_log, level=logging.WARNING,
                            format="%(asctime)s %(message)s")  # fmt: skip
        logging.getLogger("rasd.scale").setLevel(logging.DEBUG)

    items, read_cpu = read(args.limit)
    skipped = sum(isinstance(i, Skip) for i in items)
    print(f"read {len(items):,} items ({skipped:,} skipped) in {read_cpu:.1f} CPU s; "
          f"load average {os.getloadavg()[0]:.1f}; driver peak RSS {peak_rss() / 2**20:.0f} MB",
          flush=True)  # fmt: skip
    if not args.no_single:
        s = single(items)
        print(f"single process: {s['docs']:,} documents, {s['words']:,} words, {s['cpu']:.1f} "
              f"CPU s, {s['docs'] / s['cpu']:.1f} articles/s, {s['words'] / s['cpu']:,.0f} "
              f"words/s per core (wall {s['wall']:.1f} s), peak RSS {s['rss_mb']:.0f} MB",
              flush=True)  # fmt: skip
    counts = [int(w) for w in args.workers.split(",") if w.strip()]
    runs = [on_dask(items, workers, args.partition_size) for workers in counts]
    for run in runs:
        print(f"dask {run['workers']} worker(s): {run['docs']:,} documents in {run['wall']:.1f} s "
              f"wall ({run['cpu']:.1f} worker CPU s, busiest worker {run['cpu_max']:.1f}; "
              f"{run['partitions']} partitions), peak RSS per worker "
              f"{', '.join(f'{r:.0f}' for r in run['rss_mb'])} MB (at the end "
              f"{', '.join(f'{r:.0f}' for r in run['rss_end_mb'])} MB), driver peak RSS "
              f"{run['driver_mb']:.0f} MB, load average at start {run['load']:.1f}, at end "
              f"{run['load_end']:.1f}", flush=True)  # fmt: skip
    if len(runs) >= 2:
        first, last = runs[0], runs[-1]
        print(f"speed-up {first['workers']} -> {last['workers']} workers: "
              f"{first['wall'] / last['wall']:.2f}x (wall clock), "
              f"{first['cpu_max'] / last['cpu_max']:.2f}x (busiest worker's CPU time)")  # fmt: skip


if __name__ == "__main__":
    main()
