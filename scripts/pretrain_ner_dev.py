"""The language-model pretraining experiment of the neural NER tagger on the dev slice.

Pretrains the encoder on the news (`rasd.ner_pretrain`, ``--encoder`` is written; skipped when it
exists), then trains the tagger on the ANERcorp train split minus its last ``--dev-tail`` from
that encoder (``--no-pretrain``: from a random start, the baseline) and prints the epoch table
as JSON lines and the summary. The test split is never read. The word clusters must lie beside
``--out`` (``ner.clusters.tsv``), the word vectors come from ``--vectors`` (both as ``rasd train
ner --arch bilstm`` writes them):

    OMP_NUM_THREADS=1 nice -n 5 python scripts/pretrain_ner_dev.py --seed 13 \\
        --train ../shared/data/anercorp-camel/ANERCorp_CamelLab_train.txt \\
        --news ../shared/data/news-saudinewsnet/dataset --vectors /tmp/lm/news.vectors.npz \\
        --encoder /tmp/lm/encoder.npz --out /tmp/lm/dev/ner.npz
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from rasd.ner_features import Resources
from rasd.ner_neural_train import NeuralOptions, load_vectors, train_neural
from rasd.ner_pretrain import PretrainOptions, pretrain_from_news


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train", required=True)
    parser.add_argument("--news", required=True)
    parser.add_argument("--vectors", required=True)
    parser.add_argument("--encoder", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--patience", type=int, default=5)
    parser.add_argument("--dev-tail", type=float, default=0.15)
    parser.add_argument("--pretrained-lr", type=float, default=1.0)
    parser.add_argument("--no-pretrain", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    vectors = load_vectors(args.vectors)
    resources = Resources.load(Path(args.out))
    options = NeuralOptions(
        dev_tail=args.dev_tail,
        epochs=args.epochs,
        patience=args.patience,
        seed=args.seed,
        pretrained="" if args.no_pretrain else args.encoder,
        pretrained_lr=args.pretrained_lr,
    )
    if not args.no_pretrain and not Path(args.encoder).is_file():
        summary = pretrain_from_news(
            args.news, vectors, args.encoder, resources, options=options, schedule=PretrainOptions()
        )
        sys.stdout.write(json.dumps({"pretraining": summary}) + "\n")
    summary = train_neural(args.train, args.out, vectors, options=options, resources=resources)
    for row in summary.pop("history"):
        sys.stdout.write(json.dumps(row) + "\n")
    sys.stdout.write(json.dumps(summary) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
