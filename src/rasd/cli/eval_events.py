"""``rasd eval events --gsr DIR``: ASSAULT / PROTEST detection on the Arabic event GSR."""

from __future__ import annotations

from typing import Any

from rasd.cli.eval import add_common_options, emit


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "events",
        help="ASSAULT/PROTEST detection P/R/F1 on the Arabic event GSR",
        description="Analyse each GSR sentence as a document and print precision, recall and F1 of "
        "ASSAULT and PROTEST detection (primary: yes vs easy no; all: yes vs easy + difficult no), "
        "and how often gold verbs and actors fall inside triggers and arguments.",
    )
    p.add_argument("--gsr", required=True, metavar="DIR", help="folder of *_gsr.jsonl files")
    add_common_options(p, errors_default="events-errors.tsv")
    p.set_defaults(func=run)


def run(args: Any) -> int:
    from rasd.evaluate.events import evaluate_events

    report = evaluate_events(args.gsr)
    lines = [f"{'type':8} {'measure':8} {'P':>6} {'R':>6} {'F1':>6}   tp  fp  fn"]
    for event_type, values in report.metrics.items():
        for name in ("primary", "all"):
            m = values[name]
            lines.append(
                f"{event_type:8} {name:8} {m['precision']:6.3f} {m['recall']:6.3f} {m['f1']:6.3f}"
                f" {m['tp']:4} {m['fp']:3} {m['fn']:3}"
            )
        spans = values["spans"]
        lines.append(
            f"{event_type:8} spans    verb in trigger {spans['verb_in_trigger']:.3f}, "
            f"actor in arguments {spans['actor_in_arguments']:.3f} ({spans['records']} records)"
        )
    return emit(report, args, "\n".join(lines))
