"""Choose the NER decoding bias and document post-pass (`rasd.ner_document`) on a dev slice.

The dev slice is the last 15 % of the ANERcorp train split (one contiguous block of whole
articles); the model given must have been trained on the rest (``rasd train ner --dev-tail
0.15``). The test split is never read. The tagger scores the dev sentences once (full marginals);
every variant is then decoded from those scores. Prints one JSON line per variant (macro/micro
F1, per-type P/R/F1), then the chosen bias:

    nice -n 10 python scripts/tune_ner_document.py --model /tmp/me/crf_dev.crfsuite \\
        --train ../shared/data/anercorp-camel/ANERCorp_CamelLab_train.txt
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from rasd.evaluate.ner import score_sentences
from rasd.ner import Tagger, chunk_starts, load_tagger, token_norm
from rasd.ner_document import TYPES, DocumentOptions, Scored, decode_document, stop_words
from rasd.ner_neural import NeuralTagger
from rasd.ner_train import TrainOptions, read_conll, split_dev

STEPS = (0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0)
"""The bias values tried for each type (log-odds against O)."""
GROUPS = (1, 5, 10, 20, 40, 80)
"""Consecutive sentences scored as one document."""


def score_dev(tagger: Any, sentences: Sequence[Sequence[str]]) -> list[Scored]:
    """Viterbi tags and full marginals of each sentence (long ones chunked, then joined)."""
    out = []
    for norms in sentences:
        chunks = [norms[a : a + 200] for a in chunk_starts(norms)]
        if isinstance(tagger, NeuralTagger):
            parts = tagger.decode_batch(chunks)
        else:
            parts = [tagger._score(c, full=True) for c in chunks]
        tags = [t for p in parts for t in p.tags]
        out.append(Scored(norms, tags, np.concatenate([p.probs for p in parts])))
    return out


def evaluate(
    scored: list[Scored], gold: list[list[str]], options: DocumentOptions, group: int, stop: Any
) -> dict[str, Any]:
    predicted: list[list[str]] = []
    for a in range(0, len(scored), group):
        predicted += decode_document(scored[a : a + group], options, stop)
    return score_sentences(gold, predicted)


def summary(name: str, options: DocumentOptions, group: int, m: dict[str, Any]) -> dict[str, Any]:
    return {
        "variant": name,
        "bias": options.bias,
        "resolve": options.resolve_types,
        "propagate": options.propagate,
        "name_parts": options.name_parts,
        "guard_common": options.guard_common,
        "document_sentences": group,
        "macro": m["macro"]["f1"],
        "micro": m["micro"]["f1"],
        "types": {
            k: [round(v["precision"], 3), round(v["recall"], 3), round(v["f1"], 3)]
            for k, v in m["types"].items()
        },
    }


def tune_bias(
    scored: list[Scored], gold: list[list[str]], base: DocumentOptions, group: int, stop: Any
) -> DocumentOptions:
    """Coordinate ascent over `STEPS`, type by type, two rounds, on dev macro-F1."""
    best = base
    best_f1 = evaluate(scored, gold, best, group, stop)["macro"]["f1"]
    for _ in range(2):
        for t in range(len(TYPES)):
            for step in STEPS:
                bias = list(best.bias)
                bias[t] = step
                trial = replace(best, bias=(bias[0], bias[1], bias[2], bias[3]))
                f1 = evaluate(scored, gold, trial, group, stop)["macro"]["f1"]
                if f1 > best_f1 + 1e-4:
                    best, best_f1 = trial, f1
    return best


def emit(row: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", required=True)
    parser.add_argument("--model", required=True, help="a model trained without the dev slice")
    parser.add_argument("--dev-tail", type=float, default=0.15)
    args = parser.parse_args()
    _, dev = split_dev(read_conll(args.train), TrainOptions(dev_tail=args.dev_tail))
    off = DocumentOptions()
    tagger = load_tagger(args.model)
    if isinstance(tagger, Tagger):
        tagger = Tagger.load(args.model)
    started = time.process_time()
    scored = score_dev(tagger, [[token_norm(t) for t in toks] for toks, _ in dev])
    gold = [tags for _, tags in dev]
    resources = tagger.encoder.resources if isinstance(tagger, NeuralTagger) else None
    triggers = (resources or tagger.featurizer.resources).triggers  # type: ignore[union-attr]
    stop = stop_words(off, triggers)
    emit({"scored_sentences": len(scored), "cpu_seconds": round(time.process_time() - started)})
    emit(summary("viterbi", off, 1, evaluate(scored, gold, off, 1, stop)))
    biased = tune_bias(scored, gold, off, 1, stop)
    emit(summary("bias", biased, 1, evaluate(scored, gold, biased, 1, stop)))
    variants = {
        "resolve": DocumentOptions(resolve_types=True),
        "resolve<0.9": DocumentOptions(resolve_types=True, resolve_below=0.9),
        "resolve<0.7": DocumentOptions(resolve_types=True, resolve_below=0.7),
        "propagate": DocumentOptions(propagate=True),
        "propagate, no ال": DocumentOptions(propagate=True, strip_article=False),
        "propagate unguarded": DocumentOptions(propagate=True, guard_common=False),
        "name_parts": DocumentOptions(name_parts=True),
        "propagate+name_parts": DocumentOptions(propagate=True, name_parts=True),
        "propagate+name_parts, no ال": DocumentOptions(
            propagate=True, name_parts=True, strip_article=False
        ),
        "all<0.7": DocumentOptions(
            resolve_types=True, resolve_below=0.7, propagate=True, name_parts=True
        ),
    }
    shipped_post = DocumentOptions(propagate=True, name_parts=True, strip_article=False)
    for group in GROUPS:
        m = evaluate(scored, gold, shipped_post, group, stop)
        emit(summary("propagate+name_parts, no ال, no bias", shipped_post, group, m))
    best = (0.0, 1, off)
    for group in GROUPS:
        for name, options in variants.items():
            trial = replace(options, bias=biased.bias)
            m = evaluate(scored, gold, trial, group, stop)
            emit(summary(name, trial, group, m))
            if m["macro"]["f1"] > best[0]:
                best = (m["macro"]["f1"], group, trial)
    _, group, chosen = best
    joint = tune_bias(scored, gold, chosen, group, stop)
    emit(summary("chosen, bias re-tuned", joint, group, evaluate(scored, gold, joint, group, stop)))
    emit(summary("chosen, per sentence", joint, 1, evaluate(scored, gold, joint, 1, stop)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
