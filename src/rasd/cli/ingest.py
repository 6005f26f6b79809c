"""``rasd ingest PATH…``: analyse articles (any input kind rasd reads) into the store."""

from __future__ import annotations

import argparse
from typing import Any

from rasd.cli import ingest_scale
from rasd.cli.progress import progress_bar
from rasd.ingest import IngestOptions, ingest
from rasd.readers import FieldNames
from rasd.store import Store


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "ingest",
        help="analyse articles into the store (text, JSON/JSONL, HTML, RSS/Atom, WARC, zip/gz, "
        "folders)",
        description="Analyse articles and store them with their events, claims and figures in a "
        "SQLite database; reports of the same event are linked into clusters. Ingesting the same "
        "content again changes nothing; a changed text at a known URL becomes a new revision. "
        "Non-Arabic documents are skipped. With --workers or --scheduler the analysis runs on a "
        "Dask cluster (resumable, through Parquet partitions in --work-dir).",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="file, folder or archive")
    p.add_argument("--db", default="rasd.db", help="database file (default rasd.db)")
    p.add_argument("--published", help="publication date for inputs without one (ISO 8601)")
    p.add_argument("--source", help="outlet name for inputs without one")
    for name in ("text", "title", "published", "source", "url"):
        p.add_argument(f"--field-{name}", default=name, metavar="NAME", help=f"JSONL {name} field")
    ingest_scale.add_arguments(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    fields = FieldNames(
        args.field_text, args.field_title, args.field_published, args.field_source, args.field_url
    )
    options = IngestOptions(published=args.published, source=args.source, fields=fields)
    if ingest_scale.wanted(args):
        return ingest_scale.run(args, options)
    with Store(args.db) as store, progress_bar("ingest") as bar:
        report = ingest(store, args.paths, options=options, progress=bar)
    return ingest_scale.print_report(report, args.db)
