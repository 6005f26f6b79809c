"""Throughput and memory of the analysis pipeline over SaudiNewsNet, stage by stage.

    python benchmarks/throughput.py [--limit N] [--stages text,quantities,...] [--markdown]

Words/s are measured in process CPU time (``time.process_time``), i.e. per core, so that other
load on the machine distorts them little. Documents are made and go through the stages one at a
time, as a reader feeding `Pipeline.pipe` does; each stage's CPU time is summed over the documents.
Peak RSS is the process's maximum resident set size. Not a test.
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import iter_articles

from rasd.document import Document
from rasd.pipeline import Pipeline, stage_info


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=2000, help="articles to run (default 2000)")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--stages", help="comma-separated stage names to run (default: all)")
    args = parser.parse_args()

    rss_start = rss_mb()
    t0 = time.process_time()
    pipeline = Pipeline.default()
    if args.stages:
        wanted = set(args.stages.split(","))
        pipeline = Pipeline([f for f in pipeline.stages if stage_info(f).name in wanted])
    for func in pipeline.stages:  # load models and lexicons up front: not part of throughput
        func(Document(text="قال مسؤول إن 3 أشخاص قتلوا في بغداد أمس.", published=None))
    load_s = time.process_time() - t0
    rss_loaded = rss_mb()

    articles = [a for a in iter_articles(args.limit) if a.get("content", "").strip()]
    words = sum(len(a["content"].split()) for a in articles)
    chars = sum(len(a["content"]) for a in articles)
    gc.collect()

    # Documents are made and analysed one at a time, streaming, as a reader feeding `pipe` does:
    # making the Document (its content id normalises the text, which the text stage then reuses)
    # is timed as its own row, and each analysed document is dropped after its last stage.
    spent = [0.0] * len(pipeline.stages)
    made = 0.0
    clock = time.process_time
    for article in articles:
        start = clock()
        doc = Document(
            text=article["content"], source=article.get("source"), url=article.get("url")
        )
        made += clock() - start
        for k, func in enumerate(pipeline.stages):
            start = clock()
            doc = func(doc)
            spent[k] += clock() - start
    rows = [("document (content id)", made)]
    rows += [(stage_info(f).name, s) for f, s in zip(pipeline.stages, spent, strict=True)]
    rows.append(("whole pipeline", made + sum(spent)))

    header = (
        f"{len(articles)} SaudiNewsNet articles, {words:,} words, {chars:,} characters; "
        f"stages: {', '.join(pipeline.names)}"
    )
    if args.markdown:
        print(header + "\n")
        print("| stage | CPU s | words/s per core | articles/s per core |")
        print("|---|---:|---:|---:|")
        for name, elapsed in rows:
            wps = words / elapsed if elapsed else float("inf")
            aps = len(articles) / elapsed if elapsed else float("inf")
            print(f"| {name} | {elapsed:.2f} | {wps:,.0f} | {aps:,.1f} |")
        print(
            f"\nPipeline object: loaded in {load_s:.2f} s CPU, "
            f"{rss_loaded - rss_start:.0f} MB RSS added by loading "
            f"({rss_loaded:.0f} MB process RSS after loading); peak RSS of the run "
            f"{rss_mb():.0f} MB (the {len(articles)} input articles are held in memory; each "
            "analysed document is dropped after its last stage)."
        )
    else:
        print(header)
        for name, elapsed in rows:
            print(f"{name:>16}: {elapsed:7.2f} s CPU  {words / max(elapsed, 1e-9):>12,.0f} words/s")
        print(f"load {load_s:.2f} s, RSS after load {rss_loaded:.0f} MB, peak {rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
