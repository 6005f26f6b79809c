"""``rasd train ner …``: train the bundled NER model from ANERcorp (and unlabelled news)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from rasd.ner import NEURAL_MODEL_PATH
from rasd.ner_features import MODEL_PATH


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "train",
        help="train a bundled model",
        description="Train one of rasd's bundled statistical models.",
    )
    models = p.add_subparsers(dest="model", metavar="MODEL")
    ner = models.add_parser(
        "ner",
        help="train the NER tagger (BiLSTM-CRF or CRF)",
        description="Train the NER tagger on a CoNLL file; with --news, first learn word clusters "
        "(and, for the BiLSTM, word vectors) from unlabelled news.",
    )
    ner.add_argument(
        "--arch",
        choices=("bilstm", "crf"),
        help="model (default: crf when --out ends in .crfsuite, else bilstm)",
    )
    ner.add_argument("--train", required=True, metavar="FILE", help="CoNLL training file")
    ner.add_argument("--news", metavar="PATH", help="unlabelled news (SaudiNewsNet folder)")
    ner.add_argument("--out", metavar="FILE", help="model file to write (default: the bundled one)")
    ner.add_argument(
        "--vectors", metavar="FILE", help="bilstm: word vectors to reuse, or to keep with --news"
    )
    ner.add_argument("--epochs", type=int, default=None, help="bilstm: at most this many epochs")
    ner.add_argument(
        "--pretrain",
        action="store_true",
        help="bilstm: first pretrain its encoder as a language model on --news (~8 CPU minutes)",
    )
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

    arch = args.arch or ("crf" if str(args.out or "").endswith(".crfsuite") else "bilstm")
    if arch == "bilstm":
        return _run_bilstm(args)
    from rasd.ner_train import TrainOptions, train_ner

    options = TrainOptions(dev_every=args.dev_every, dev_tail=args.dev_tail)
    if args.c1 is not None:
        options = replace(options, c1=args.c1)
    if args.c2 is not None:
        options = replace(options, c2=args.c2)
    out = args.out or str(MODEL_PATH)
    summary = train_ner(args.train, out, news=args.news, options=options)
    sys.stdout.write(json.dumps(summary) + "\n")
    return 0


def _run_bilstm(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from rasd.ner_neural_train import NeuralOptions, train_ner_neural

    options = NeuralOptions(dev_tail=args.dev_tail)
    if args.epochs is not None:
        options = replace(options, epochs=args.epochs)
    out = args.out or str(NEURAL_MODEL_PATH)
    pretrain = None
    if args.pretrain:
        from rasd.ner_pretrain import PretrainOptions

        pretrain = PretrainOptions()
    summary = train_ner_neural(
        args.train, out, news=args.news, vectors=args.vectors, options=options, pretrain=pretrain
    )
    sys.stdout.write(json.dumps(summary) + "\n")
    return 0
