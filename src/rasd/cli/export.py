"""``rasd export --format F OUT``: write the event clusters for other tools."""

from __future__ import annotations

import argparse
from typing import Any

from rasd.export import FORMATS, export
from rasd.queries import EventFilter
from rasd.store import Store


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "export",
        help="export event clusters (JSONL, ACLED CSV, PLOVER JSON, GeoJSON, Parquet)",
        description="Write every event cluster (one record per real-world event) to OUT: "
        "jsonl (clusters with reports and figure history), acled-csv (ACLED column names), "
        "plover-json, geojson (points for mapping) or parquet (needs pyarrow).",
    )
    p.add_argument("out", metavar="OUT", help="output file")
    p.add_argument("--format", choices=FORMATS, required=True, help="output format")
    p.add_argument("--since", help="first date (YYYY-MM-DD)")
    p.add_argument("--until", help="last date (YYYY-MM-DD)")
    p.add_argument("--db", default="rasd.db", help="database file (default rasd.db)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    filters = EventFilter(since=args.since, until=args.until, limit=10_000_000)
    with Store(args.db, readonly=True) as store:
        n = export(store, args.format, args.out, filters=filters)
    print(f"{args.out}: {n} event clusters ({args.format})")
    return 0
