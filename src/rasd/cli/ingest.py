"""``rasd ingest PATH…``: analyse text files, JSONL files and folders into the store."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from rasd.ingest import IngestOptions, IngestReport, ingest
from rasd.readers import FieldNames
from rasd.store import Store


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "ingest",
        help="analyse articles into the store (text files, JSONL, folders)",
        description="Analyse articles and store them with their events, claims and figures in a "
        "SQLite database; reports of the same event are linked into clusters. Ingesting the same "
        "content again changes nothing; a changed text at a known URL becomes a new revision.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="text file, JSONL file or folder")
    p.add_argument("--db", default="rasd.db", help="database file (default rasd.db)")
    p.add_argument("--published", help="publication date for inputs without one (ISO 8601)")
    p.add_argument("--source", help="outlet name for inputs without one")
    for name in ("text", "title", "published", "source", "url"):
        p.add_argument(f"--field-{name}", default=name, metavar="NAME", help=f"JSONL {name} field")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    fields = FieldNames(
        args.field_text, args.field_title, args.field_published, args.field_source, args.field_url
    )
    options = IngestOptions(published=args.published, source=args.source, fields=fields)
    with Store(args.db) as store, _progress() as advance:
        report = ingest(store, args.paths, options=options, progress=advance)
    _print_report(report, args.db)
    return 0 if not (report.skipped or report.failed) else 1


def _progress() -> Any:
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from rasd.cli.store_render import ProgressCallback

    bar = Progress(
        SpinnerColumn(),
        TextColumn("{task.completed} documents"),
        TimeElapsedColumn(),
        transient=True,
        disable=not sys.stderr.isatty(),
    )
    return ProgressCallback(bar)


def _print_report(report: IngestReport, db: str) -> None:
    print(
        f"{db}: processed {report.processed} (stored {report.stored}, new revisions "
        f"{report.revisions}, unchanged {report.unchanged}), skipped {len(report.skipped)}, "
        f"failed {len(report.failed)}"
    )
    for location, reason in report.skipped:
        print(f"  skipped {location}: {reason}", file=sys.stderr)
    for location, reason in report.failed:
        print(f"  failed {location}: {reason}", file=sys.stderr)
