"""The scale-out options of ``rasd ingest`` (``--workers``, ``--scheduler``, ``--parquet-only``):
analysis on a Dask cluster, or into a Parquet dataset, with a progress bar and the final report."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from rasd.cli.argtypes import count, positive
from rasd.cli.progress import progress_bar
from rasd.ingest import IngestOptions, IngestReport, read_paths
from rasd.scale import ScaleOptions, ScaleReport, analyse_to_parquet, ingest_on_cluster
from rasd.store import Store


def add_arguments(p: Any) -> None:
    group = p.add_argument_group("scale-out (Dask: pip install 'rasd[scale]')")
    group.add_argument(
        "--workers",
        type=count,
        default=0,
        metavar="N",
        help="analyse on a local Dask cluster of N worker processes",
    )
    group.add_argument(
        "--scheduler", metavar="tcp://HOST:PORT", help="analyse on an existing Dask cluster"
    )
    group.add_argument(
        "--parquet-only",
        action="store_true",
        help="leave the analysed Parquet dataset in --work-dir; no database",
    )
    group.add_argument(
        "--work-dir",
        metavar="DIR",
        help="Parquet partitions; a rerun resumes there (default: DB.work)",
    )
    group.add_argument(
        "--partition-size",
        type=positive,
        default=100,
        metavar="N",
        help="documents per partition (default 100)",
    )


def wanted(args: argparse.Namespace) -> bool:
    return bool(args.workers or args.scheduler or args.parquet_only)


def run(args: argparse.Namespace, options: IngestOptions) -> int:
    scale = ScaleOptions(
        work_dir=args.work_dir or f"{args.db}.work",
        workers=max(args.workers, 0),
        scheduler=args.scheduler,
        partition_size=args.partition_size,
    )
    items = read_paths(args.paths, options)
    with progress_bar("analyse") as bar:
        if args.parquet_only:
            analysed = analyse_to_parquet(
                items, options=scale, progress=bar, on_total=bar.set_total
            )
            return _print_parquet(analysed, scale.work_dir)
        with Store(args.db) as store:
            stored = bar.add("store")
            report, analysed = ingest_on_cluster(
                store,
                items,
                scale=scale,
                options=options,
                progress=bar,
                on_total=bar.set_total,
                store_progress=stored,
            )
    print(
        f"analysed on {_where(scale)}: {analysed.partitions} partitions done now, "
        f"{analysed.resumed} items already done in {scale.work_dir}"
    )
    return print_report(report, args.db)


def _where(scale: ScaleOptions) -> str:
    if scale.scheduler:
        return scale.scheduler
    return f"{scale.workers} local Dask workers" if scale.workers else "this process"


def _print_parquet(report: ScaleReport, work_dir: str) -> int:
    print(
        f"{work_dir}: {report.items} inputs: analysed {report.documents}, skipped "
        f"{report.skipped}, passed over {report.passed}, failed {report.failed}, already done "
        f"{report.resumed} (Parquet: {work_dir}/documents, events, figures)"
    )
    return 0 if not (report.skipped or report.failed) else 1


SHOWN_PASSED = 20
"""Routine skips listed one by one at the end of an ingest; the rest are counted."""


def print_report(report: IngestReport, db: str) -> int:
    """The final report of an ingest: every input accounted for; exit 1 if any was skipped for a
    fault or failed (items passed over as routine — a WARC's request records — are listed, up to
    `SHOWN_PASSED`, and all logged in the database's ingest log)."""
    print(
        f"{db}: processed {report.processed} (stored {report.stored}, new revisions "
        f"{report.revisions}, unchanged {report.unchanged}), skipped {len(report.skipped)}, "
        f"passed over {len(report.passed)}, failed {len(report.failed)}"
    )
    for location, reason in report.skipped:
        print(f"  skipped {location}: {reason}", file=sys.stderr)
    for location, reason in report.passed[:SHOWN_PASSED]:
        print(f"  passed over {location}: {reason}", file=sys.stderr)
    if len(report.passed) > SHOWN_PASSED:
        print(
            f"  … and {len(report.passed) - SHOWN_PASSED} more passed over (see {db}'s ingest log)",
            file=sys.stderr,
        )
    for location, reason in report.failed:
        print(f"  failed {location}: {reason}", file=sys.stderr)
    return 0 if report.ok else 1
