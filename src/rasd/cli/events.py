"""``rasd events`` (list event clusters) and ``rasd event ID`` (one cluster in full)."""

from __future__ import annotations

import argparse
from typing import Any

from rasd.cli.argtypes import positive
from rasd.cli.store_render import render_cluster, render_events
from rasd.queries import EventFilter, get_cluster, list_events
from rasd.store import Store


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "events",
        help="list event clusters in the store",
        description="List the event clusters in the store (one per real-world event, however "
        "many reports), newest first, with their conservative killed/injured figures.",
    )
    p.add_argument("--type", help="PLOVER type (ASSAULT…) or family (unrest…)")
    p.add_argument("--country", help="ISO 3166-1 alpha-2 country code")
    p.add_argument("--place", help="part of the place name or gazetteer link")
    p.add_argument("--since", help="first date (YYYY-MM-DD)")
    p.add_argument("--until", help="last date (YYYY-MM-DD)")
    p.add_argument("--min-killed", type=float, help="at least this many killed (conservative)")
    p.add_argument("--limit", type=positive, default=100, help="most clusters listed (default 100)")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.add_argument(
        "--history", action="store_true", help="also print each cluster's figure history"
    )
    p.add_argument("--db", default="rasd.db", help="database file (default rasd.db)")
    p.set_defaults(func=run_events)

    q = subparsers.add_parser(
        "event",
        help="show one event cluster: reports and figure history",
        description="Show one event cluster: its member reports and the history of every "
        "figure (value, scope, speaker, outlet, date, stance) with the derived estimates.",
    )
    q.add_argument("id", type=int, help="cluster id (from rasd events)")
    q.add_argument("--format", choices=("text", "json"), default="text")
    q.add_argument("--db", default="rasd.db", help="database file (default rasd.db)")
    q.set_defaults(func=run_event)


def run_events(args: argparse.Namespace) -> int:
    filters = EventFilter(
        args.type, args.country, args.place, args.since, args.until, args.min_killed, args.limit
    )
    with Store(args.db, readonly=True) as store:
        events = list_events(store, filters)
        print(render_events(events, args.format))
        if args.history and args.format == "table":
            for event in events:
                print("\n" + render_cluster(get_cluster(store, event.id), "text"))
    return 0


def run_event(args: argparse.Namespace) -> int:
    with Store(args.db, readonly=True) as store:
        print(render_cluster(get_cluster(store, args.id), args.format))
    return 0
