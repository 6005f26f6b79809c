"""Where the entities stage spends its time: cProfile in process CPU time over SaudiNewsNet.

    python benchmarks/entities_profile.py [--limit 400] [--top 30]

Set ``RASD_NER_MODEL=neural`` (and ``OPENBLAS_NUM_THREADS=1``) for the neural path. The documents
are segmented first (not profiled) and the models loaded up front. Prints the functions with the
most own time and the most cumulative time. Not a test.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import iter_articles

from rasd.document import Document
from rasd.entities import find_entities
from rasd.text import segment


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=400, help="articles (default 400)")
    parser.add_argument("--top", type=int, default=30, help="rows of each table")
    args = parser.parse_args()
    find_entities(segment(Document("قال مسؤول في الرياض إن …")))  # load up front
    docs = [
        segment(Document(a["content"]))
        for a in iter_articles(args.limit)
        if a.get("content", "").strip()
    ]
    profile = cProfile.Profile(time.process_time)
    profile.enable()
    for doc in docs:
        find_entities(doc)
    profile.disable()
    stats = pstats.Stats(profile)
    stats.sort_stats("tottime").print_stats(args.top)
    stats.sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
