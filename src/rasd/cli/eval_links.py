"""``rasd eval links``: cross-document event clusters against hand-labelled reports."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from rasd.cli.eval import add_common_options, emit
from rasd.evaluate.links import evaluate_links


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "links",
        help="event clusters vs labelled reports of the same events (pairwise P/R)",
        description="Ingest hand-labelled SaudiNewsNet reports into a fresh store and score "
        "the event clusters: pairwise precision/recall and events kept in one cluster.",
    )
    p.add_argument("--labels", default="tests/data/store_clusters.json", help="labels file")
    p.add_argument(
        "--corpus",
        default="../shared/data/news-saudinewsnet/dataset",
        help="folder of SaudiNewsNet *.zip files",
    )
    add_common_options(p, errors_default="eval-links-errors.txt")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        report = evaluate_links(args.labels, args.corpus, Path(tmp) / "links.db")
    pairs = report.metrics["pairs"]
    table = (
        f"pairs: precision {pairs['precision']:.3f}  recall {pairs['recall']:.3f}  "
        f"F1 {pairs['f1']:.3f}  (tp {pairs['tp']}, fp {pairs['fp']}, fn {pairs['fn']})\n"
        f"events in one cluster: {report.metrics['events_in_one_cluster']} of "
        f"{report.metrics['events']}; articles without events: "
        f"{report.metrics['articles_without_events']} of {report.metrics['articles']}"
    )
    return emit(report, args, table)
