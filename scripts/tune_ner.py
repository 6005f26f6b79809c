"""Tune the NER CRF's c1/c2 and decoding threshold on a dev slice of the ANERcorp train split.

The dev slice is the last 15 % of the train file (one contiguous block of whole articles); the
test split is never read. One JSON line per (c1, c2) with dev macro/micro F1 at each threshold:

    nice -n 10 python scripts/tune_ner.py --train ../shared/data/anercorp-camel/\
ANERCorp_CamelLab_train.txt --grid 0.05:0.05 0.1:0.01
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from rasd.ner_features import MODEL_PATH, clusters_path
from rasd.ner_train import TrainOptions, train_ner

THRESHOLDS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", required=True)
    parser.add_argument("--grid", nargs="+", required=True, metavar="C1:C2")
    parser.add_argument("--dev-tail", type=float, default=0.15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        model = Path(tmp) / "ner.crfsuite"
        clusters_path(model).write_bytes(clusters_path(MODEL_PATH).read_bytes())
        for pair in args.grid:
            c1, c2 = (float(x) for x in pair.split(":"))
            options = TrainOptions(c1=c1, c2=c2, dev_tail=args.dev_tail, thresholds=THRESHOLDS)
            summary = train_ner(args.train, model, options=options)
            sys.stdout.write(json.dumps({"c1": c1, "c2": c2, **summary}) + "\n")
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
