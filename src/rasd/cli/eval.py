"""``rasd eval STAGE …``: measure an extractor on gold data (precision, recall, F1 / accuracy).

Each stage's evaluator is a module ``rasd.cli.eval_<stage>`` with ``register(subparsers)``.
Every evaluator prints a readable table, or with ``--json`` one JSON object of the metrics on
stdout, and writes its misses to an errors file.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from rasd.evaluate import Report

EVALUATORS = ("quantities", "times", "ner", "events", "links")


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "eval",
        help="measure an extractor on gold data",
        description="Measure an extractor on gold data and print precision, recall and F1 (or "
        "accuracy); --json prints one JSON object of the metrics.",
    )
    from rasd.cli import register_modules

    register_modules(p.add_subparsers(dest="stage", metavar="STAGE"), "rasd.cli.eval_", EVALUATORS)
    p.set_defaults(func=lambda args: p.print_help(sys.stderr) or 2)


def add_common_options(p: Any, *, errors_default: str) -> None:
    """``--json`` and ``--errors FILE``, shared by every evaluator."""
    p.add_argument("--json", action="store_true", help="print one JSON object of the metrics")
    p.add_argument(
        "--errors",
        default=errors_default,
        metavar="FILE",
        help=f"where to write the misses (default {errors_default})",
    )


def emit(report: Report, args: Any, table: str) -> int:
    """Write the errors file, then print the JSON object or the table."""
    path = report.write_errors(args.errors)
    if args.json:
        sys.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(table.rstrip() + f"\n\nmisses written to {path}\n")
    return 0
