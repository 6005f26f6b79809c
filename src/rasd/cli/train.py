"""``rasd train ner …``: train the bundled NER model from ANERcorp (and unlabelled news)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from rasd.ner import MODEL_PATH


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "train",
        help="train a bundled model",
        description="Train one of rasd's bundled statistical models.",
    )
    models = p.add_subparsers(dest="model", metavar="MODEL")
    ner = models.add_parser(
        "ner",
        help="train the NER tagger (CRF)",
        description="Train the NER CRF on a CoNLL file; with --news, first learn word clusters "
        "from unlabelled news and write them beside the model.",
    )
    ner.add_argument("--train", required=True, metavar="FILE", help="CoNLL training file")
    ner.add_argument("--news", metavar="PATH", help="unlabelled news (SaudiNewsNet folder)")
    ner.add_argument("--out", default=str(MODEL_PATH), metavar="FILE", help="model file to write")
    ner.add_argument("--c1", type=float, default=None, help="L1 penalty")
    ner.add_argument("--c2", type=float, default=None, help="L2 penalty")
    ner.add_argument("--dev-every", type=int, default=0, help="hold out every n-th sentence")
    ner.add_argument(
        "--dev-tail", type=float, default=0.0, help="hold out this last fraction of sentences"
    )
    ner.set_defaults(func=run_ner)
    p.set_defaults(func=lambda args: p.print_help(sys.stderr) or 2)


def run_ner(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from rasd.ner_train import TrainOptions, train_ner

    options = TrainOptions(dev_every=args.dev_every, dev_tail=args.dev_tail)
    if args.c1 is not None:
        options = replace(options, c1=args.c1)
    if args.c2 is not None:
        options = replace(options, c2=args.c2)
    summary = train_ner(args.train, args.out, news=args.news, options=options)
    sys.stdout.write(json.dumps(summary) + "\n")
    return 0
