"""Throughput and memory of the NER tagger (the bundled one, or --model FILE) over SaudiNewsNet.

    python benchmarks/ner.py [--limit N] [--model src/rasd/models/ner.crfsuite] [--compare]

Tokens/s are in process CPU time (``time.process_time``), i.e. per core; the documents are
segmented first (not timed). RSS is the process's peak resident set size after loading the model.
For a one-core figure of the numpy (neural) tagger, run with ``OPENBLAS_NUM_THREADS=1``.
``--compare``: the cost of the decoding bias and document post-pass (`rasd.ner_document`): the
shipped tagger and the same model with all of it off, each warmed, then timed in turns.
Not a test.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import iter_articles

from rasd.document import Document
from rasd.ner import Tagger, TagOptions, builtin_model_path, load_tagger
from rasd.ner_document import DocumentOptions
from rasd.ner_neural import NeuralTagger
from rasd.text import segment


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=1000, help="articles to run (default 1000)")
    parser.add_argument("--passes", type=int, default=2, help="pass 1 cold cache, later warm")
    parser.add_argument("--model", metavar="FILE", help="a model file (default: the bundled one)")
    parser.add_argument("--compare", action="store_true", help="post-pass on vs off, in turns")
    parser.add_argument(
        "--bias", metavar="P,L,O,M", help="with --compare: also the shipped options with this bias"
    )
    args = parser.parse_args()
    if args.compare:
        model = Path(args.model) if args.model else builtin_model_path()
        bias = tuple(float(x) for x in args.bias.split(",")) if args.bias else None
        compare(model, args.limit, args.passes, bias)
        return
    rss_start = rss_mb()
    t0 = time.process_time()
    tagger = load_tagger(args.model) if args.model else Tagger.builtin()
    load_s = time.process_time() - t0
    rss_loaded = rss_mb()
    docs = [segment(Document(a["content"])) for a in iter_articles(args.limit) if a.get("content")]
    tokens = sum(len(d.tokens) for d in docs)
    print(f"model {tagger.model_path.name}; articles {len(docs)}, tokens {tokens:,}")
    for number in range(1, args.passes + 1):
        start = time.process_time()
        mentions = sum(len(tagger.tag(d)) for d in docs)
        elapsed = time.process_time() - start
        cache = "cold" if number == 1 else "warm"
        print(
            f"pass {number} ({cache} word-feature cache): {elapsed:.2f} CPU s, "
            f"{tokens / elapsed:,.0f} tokens/s per core, {mentions:,} mentions"
        )
    print(f"load: {load_s:.2f} CPU s; RSS {rss_start:.0f} MB -> {rss_loaded:.0f} MB loaded")
    print(f"peak RSS after tagging: {rss_mb():.0f} MB")


def tagger_with(model: Path, options: DocumentOptions) -> Any:
    """The model with these decoding and post-pass options."""
    if model.suffix == ".npz":
        return NeuralTagger.load(model, options)
    return Tagger.load(model, TagOptions(document=options))


def compare(model: Path, limit: int, passes: int, bias: tuple[float, ...] | None) -> None:
    """Plain Viterbi, the shipped options (and with ``bias``), warmed, then timed in turns;
    the minimum over the passes is the figure least disturbed by other load."""
    shipped = load_tagger(model)
    taggers = {"plain": tagger_with(model, DocumentOptions()), "shipped": shipped}
    if bias is not None:
        options = shipped.options
        options = options.document if isinstance(options, TagOptions) else options
        taggers["biased"] = tagger_with(model, replace(options, bias=bias))
    docs = [segment(Document(a["content"])) for a in iter_articles(limit) if a.get("content")]
    tokens = sum(len(d.tokens) for d in docs)
    print(f"model {model.name}; articles {len(docs)}, tokens {tokens:,}; warm caches, in turns")
    for tagger in taggers.values():
        for d in docs:
            tagger.tag(d)
    best = dict.fromkeys(taggers, float("inf"))
    for number in range(1, passes + 1):
        for name, tagger in taggers.items():
            start = time.process_time()
            mentions = sum(len(tagger.tag(d)) for d in docs)
            elapsed = time.process_time() - start
            best[name] = min(best[name], elapsed)
            print(
                f"pass {number} {name:8s}: {elapsed:.2f} CPU s, {tokens / elapsed:,.0f} tokens/s "
                f"per core, {mentions:,} mentions"
            )
    for name, elapsed in best.items():
        print(
            f"min {name:8s}: {elapsed:.3f} CPU s, {tokens / elapsed:,.0f} tokens/s per core, "
            f"{elapsed / best['plain'] - 1:+.1%} over plain"
        )


if __name__ == "__main__":
    main()
