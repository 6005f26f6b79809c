"""``rasd eval ner --conll FILE``: entity-level P/R/F1 of the NER tagger on a CoNLL file."""

from __future__ import annotations

import argparse
from typing import Any

from rasd.cli.argtypes import positive
from rasd.cli.eval import add_common_options, emit
from rasd.evaluate.ner import evaluate_ner, render_table
from rasd.ner import load_tagger


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "ner",
        help="NER precision/recall/F1 per type, micro and macro, on a CoNLL file",
        description="Tag each sentence of a CoNLL (TOKEN TAG, IOB2) file with the NER model and "
        "score it entity by entity as conlleval does.",
    )
    p.add_argument("--conll", required=True, metavar="FILE", help="gold CoNLL file")
    p.add_argument("--model", metavar="FILE", help="a trained model (default: the bundled one)")
    p.add_argument(
        "--document-sentences",
        type=positive,
        default=1,
        metavar="N",
        help="tag N consecutive sentences as one document, so the document-level post-pass "
        "sees them together (the file marks no article boundaries; default 1: each sentence "
        "alone)",
    )
    add_common_options(p, errors_default="ner-errors.txt")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    tagger = load_tagger(args.model) if args.model else None
    report = evaluate_ner(args.conll, tagger=tagger, document_sentences=args.document_sentences)
    return emit(report, args, render_table(report))
