"""``rasd eval quantities --duckling DIR``: accuracy per Duckling dimension."""

from __future__ import annotations

from typing import Any

from rasd.cli.eval import add_common_options, emit


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "quantities",
        help="accuracy of the quantities stage on Duckling's Arabic phrases",
        description="Run Duckling's Arabic number, ordinal, money, quantity and volume phrases "
        "through the quantities stage and print the accuracy per dimension (value and unit must "
        "match).",
    )
    p.add_argument("--duckling", required=True, metavar="DIR", help="the duckling-ar data folder")
    add_common_options(p, errors_default="quantities-misses.tsv")
    p.set_defaults(func=run)


def run(args: Any) -> int:
    from rasd.evaluate.quantities import evaluate_duckling

    report = evaluate_duckling(args.duckling)
    rows = [f"{'dimension':<18}{'accuracy':>9}{'right':>7}{'total':>7}"]
    for dim, m in report.metrics.items():
        rows.append(f"{dim:<18}{m['accuracy']:>9.2%}{m['correct']:>7}{m['total']:>7}")
    return emit(report, args, "\n".join(rows))
