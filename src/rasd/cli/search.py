"""``rasd search "QUERY"``: full-text search over the stored articles."""

from __future__ import annotations

import argparse
from typing import Any

from rasd.cli.argtypes import positive
from rasd.cli.store_render import render_hits
from rasd.queries import search
from rasd.store import Store


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "search",
        help="full-text search over stored articles",
        description="Find stored articles containing every word of QUERY, in any clitic form "
        "(السلطات also finds والسلطات), with or without harakat or alef variants.",
    )
    p.add_argument("query", help="words to look for")
    p.add_argument("--limit", type=positive, default=20, help="most articles shown (default 20)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--db", default="rasd.db", help="database file (default rasd.db)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with Store(args.db, readonly=True) as store:
        print(render_hits(search(store, args.query, limit=args.limit), args.format))
    return 0
