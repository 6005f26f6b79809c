"""Entities: bundled data load time and memory, linking throughput over SaudiNewsNet.

    python benchmarks/entities.py [--limit N] [--no-model]

Load times are CPU seconds in a fresh interpreter (``time.process_time``), memory is the RSS the
loaded gazetteer and lexicons add. Throughput is tokens/s (and words/s) of the entities stage
alone, in process CPU time, i.e. per core, over documents already tokenised. Not a test.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import iter_articles

from rasd.document import Document
from rasd.text import segment

LOAD_SNIPPET = """
import resource, time
def rss():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
import rasd.entities, rasd.places, rasd.names
before = rss()
t = time.process_time()
rasd.places.Gazetteer.builtin()
gaz = time.process_time() - t
t = time.process_time()
rasd.names.NameLexicon.builtin()
names = time.process_time() - t
t = time.process_time()
rasd.entities.Resources.builtin()
rest = time.process_time() - t
data_rss = rss() - before
t = time.process_time()
try:
    import rasd.ner
    rasd.ner.Tagger.builtin()
except ImportError:
    pass
model = time.process_time() - t
print(f"{gaz:.3f} {names:.3f} {rest:.3f} {data_rss:.0f} {model:.3f} {rss() - before:.0f}", end=" ")
print(f"{rss():.0f}")
"""


def measure_load() -> list[float]:
    out = subprocess.run(
        [sys.executable, "-c", LOAD_SNIPPET], capture_output=True, text=True, check=True
    )
    return [float(x) for x in out.stdout.split()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=2000, help="articles (default 2000)")
    parser.add_argument("--no-model", action="store_true", help="linking only, no NER tagger")
    args = parser.parse_args()
    from rasd.entities import EntityOptions, find_entities

    gaz, names, rest, added, model, with_model, total = measure_load()
    print(f"Gazetteer.builtin(): {gaz:.3f} s CPU; NameLexicon.builtin(): {names:.3f} s CPU;")
    print(f"the rest of the stage's data: {rest:.3f} s CPU; together {gaz + names + rest:.2f} s")
    print(f"RSS added by loading them: {added:.0f} MB; NER model load {model:.3f} s CPU;")
    print(f"model + gazetteer + lexicons: {with_model:.0f} MB RSS added (process {total:.0f} MB)")

    options = EntityOptions(use_model=not args.no_model)
    find_entities(segment(Document("قال مسؤول في الرياض إن …")), options)  # load up front
    docs = [
        segment(Document(a["content"]))
        for a in iter_articles(args.limit)
        if a.get("content", "").strip()
    ]
    tokens = sum(len(d.tokens) for d in docs)
    words = sum(len(d.text.split()) for d in docs)
    start = time.process_time()
    found = sum(len(find_entities(d, options)) for d in docs)
    elapsed = time.process_time() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{len(docs)} SaudiNewsNet articles, {tokens:,} tokens, {words:,} words, "
        f"{found:,} entities: {elapsed:.2f} s CPU = {tokens / elapsed:,.0f} tokens/s, "
        f"{words / elapsed:,.0f} words/s per core; peak RSS {peak:.0f} MB"
    )


if __name__ == "__main__":
    main()
