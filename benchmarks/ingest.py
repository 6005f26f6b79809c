"""Ingest SaudiNewsNet into a fresh store on one core, then time `rasd events` over it.

    nice -n 10 python benchmarks/ingest.py [--limit N] [--until STAGE] [--db PATH] [--markdown]

Articles/s are per core, in process CPU time (``time.process_time``) of the ingest (reading the
zips, analysing with the default pipeline, storing, linking); wall time is shown beside it. Peak
RSS is the process's maximum resident set size. `rasd events` is timed as a fresh process (what a
user waits for) and as the library call `list_events`. Not a test.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import iter_articles

from rasd.document import Document, parse_published
from rasd.ingest import store_documents
from rasd.pipeline import Pipeline, Skip
from rasd.queries import EventFilter, list_events
from rasd.store import Store

CLI = "import sys; from rasd.cli import main; sys.exit(main())"


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def documents(limit: int | None) -> Iterator[Document]:
    for article in iter_articles(limit):
        yield Document(
            text=article.get("content") or "",
            published=parse_published((article.get("date_extracted") or "")[:10] or None),
            source=article.get("source"),
            url=article.get("url"),
            title=article.get("title"),
        )


def timed(items: Iterator[Document | Skip], spent: list[float]) -> Iterator[Document | Skip]:
    """Pass items through, adding the CPU time spent producing them (reading + analysing)."""
    it = iter(items)
    while True:
        start = time.process_time()
        try:
            item = next(it)
        except StopIteration:
            return
        finally:
            spent[0] += time.process_time() - start
        yield item


def time_events(db: Path) -> tuple[float, float, float, int]:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from rasd.cli import main; sys.exit(main())",
            "events",
            "--db",
            str(db),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    cli_s = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cli_cpu = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    if out.returncode != 0:
        raise SystemExit(out.stderr)
    with Store(db, readonly=True) as store:
        start = time.perf_counter()
        events = list_events(store, EventFilter(limit=100))
        lib_s = time.perf_counter() - start
        n = store.count("clusters")
    del events
    return cli_s, cli_cpu, lib_s, n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="articles (default: all 31,030)")
    parser.add_argument("--until", default=None, help="stop the pipeline after this stage")
    parser.add_argument("--db", default=None, help="database path (default: a temporary file)")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory()
    db = Path(args.db or Path(tmp.name) / "rasd.db")
    if db.exists():
        raise SystemExit(f"{db} exists; give a fresh path")
    pipeline = Pipeline.default(until=args.until)
    pipeline(Document(text="قال مسؤول إن 3 أشخاص قتلوا في بغداد أمس.", published=None))
    rss_loaded = rss_mb()

    cpu0, wall0 = time.process_time(), time.perf_counter()
    with Store(db) as store:
        analysing = [0.0]
        analysed = timed(pipeline.pipe(documents(args.limit), on_error="skip"), analysing)
        report = store_documents(store, analysed)
        counts = {t: store.count(t) for t in ("documents", "events", "figures", "clusters")}
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    cli_s, cli_cpu, lib_s, clusters = time_events(db)
    storing = cpu - analysing[0]
    size_mb = sum(p.stat().st_size for p in db.parent.glob(db.name + "*")) / 2**20

    n = report.total
    lines = [
        f"stages: {', '.join(pipeline.names)}",
        f"inputs {n:,}: stored {report.stored:,}, unchanged {report.unchanged:,}, "
        f"skipped {len(report.skipped):,}, failed {len(report.failed):,}",
        f"ingest: {cpu:.1f} s CPU ({n / cpu:.1f} articles/s per core), {wall:.1f} s wall; "
        f"of the CPU, reading + analysing {analysing[0]:.1f} s, storing + linking "
        f"{storing:.1f} s ({n / storing:.0f} articles/s)",
        f"peak RSS {rss_mb():.0f} MB (pipeline loaded: {rss_loaded:.0f} MB); "
        f"database {size_mb:.0f} MB",
        f"rows: {counts}",
        f"`rasd events` over {clusters:,} clusters: {cli_s:.2f} s wall ({cli_cpu:.2f} s CPU) "
        "as a new process, "
        f"list_events() {lib_s * 1000:.1f} ms",
    ]
    print("\n".join(("- " + line) if args.markdown else line for line in lines))


if __name__ == "__main__":
    main()
