"""``rasd eval times``: the times stage on Duckling's Arabic time phrases and TimeML news."""

from __future__ import annotations

import argparse
from typing import Any

from rasd.cli.eval import add_common_options, emit
from rasd.errors import InputError
from rasd.evaluate import Report, flatten


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "times",
        help="evaluate date and time extraction",
        description="Evaluate the times stage: value accuracy on Duckling's Arabic time corpus "
        "(--duckling time.jsonl) and span P/R/F1 plus value accuracy on TIMEX3-tagged news "
        "(--timeml FOLDER).",
    )
    p.add_argument("--duckling", metavar="JSONL", help="Duckling Arabic time corpus (time.jsonl)")
    p.add_argument("--timeml", metavar="DIR", help="folder of TimeML .tml files")
    add_common_options(p, errors_default="times-errors.tsv")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from rasd.evaluate.times import evaluate_duckling, evaluate_timeml

    if not args.duckling and not args.timeml:
        raise InputError("rasd eval times: give --duckling FILE and/or --timeml DIR")
    reports = []
    if args.duckling:
        reports.append(evaluate_duckling(args.duckling))
    if args.timeml:
        reports.append(evaluate_timeml(args.timeml))
    metrics = {k: v for r in reports for k, v in r.metrics.items()}
    report = Report("times", metrics, tuple(e for r in reports for e in r.errors))
    table = "\n".join(f"{key:<32} {value:g}" for key, value in flatten(metrics).items())
    return emit(report, args, table)
