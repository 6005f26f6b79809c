"""Run the full default pipeline over SaudiNewsNet and list what goes wrong. Not a test.

    python benchmarks/hardening.py [--start N] [--limit N] [--stride K] [--slow SECONDS]
    python benchmarks/hardening.py --long   # CPU time per stage as one document grows

Prints one line per problem: SKIP (a stage raised; the `Skip` reason), HANG (no result within
--timeout wall seconds), SLOW (over --slow CPU seconds), OFFSET (an annotation or nested span
whose surface is not ``text[start:end]``), ROUNDTRIP (``from_json(to_json(doc)) != doc``), then a
summary. Times are process CPU time (``time.process_time``), which other load distorts little.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import iter_articles

from rasd.document import Document, iter_spans
from rasd.pipeline import Pipeline, Skip, make_document

GROWING = "قال مسؤول إن 3 أشخاص قتلوا وأصيب 12 آخرون في انفجار ببغداد يوم الأحد 12 يناير 2015. "


class _HangError(Exception):
    pass


def _alarm(*_: object) -> None:
    raise _HangError


def check(doc: Document, pipeline: Pipeline, timeout: int) -> tuple[str, float, Document | Skip]:
    signal.alarm(timeout)
    start = time.process_time()
    try:
        out = next(pipeline.pipe([doc], on_error="skip"))
    except _HangError:
        return "HANG", time.process_time() - start, doc
    finally:
        signal.alarm(0)
    return "", time.process_time() - start, out


def problems(out: Document) -> list[str]:
    found = []
    bad = [s for s in iter_spans(out) if out.text[s.start : s.end] != s.surface]
    if bad:
        found.append(f"OFFSET {type(bad[0]).__name__} {bad[0].start}-{bad[0].end}")
    if Document.from_json(out.to_json()) != out:
        found.append("ROUNDTRIP")
    return found


def corpus(args: argparse.Namespace, pipeline: Pipeline) -> None:
    counts = {"docs": 0, "SKIP": 0, "HANG": 0, "SLOW": 0, "OFFSET": 0, "ROUNDTRIP": 0}
    cpu = 0.0
    for i, article in enumerate(iter_articles(args.start + args.limit * args.stride)):
        if (
            i < args.start
            or (i - args.start) % args.stride
            or not article.get("content", "").strip()
        ):
            continue
        published = (article.get("date_extracted") or "")[:10] or None
        doc = make_document(article["content"], published=published, url=article.get("url"))
        hang, spent, out = check(doc, pipeline, args.timeout)
        counts["docs"] += 1
        cpu += spent
        lines = [hang] if hang else []
        if isinstance(out, Skip):
            lines.append(f"SKIP {out.stage}: {out.reason[:200]}")
        elif not hang:
            lines += problems(out)
        if spent > args.slow:
            lines.append(f"SLOW {spent:.2f} s CPU, {len(doc.text)} characters")
        for line in lines:
            counts[line.split()[0]] += 1
            print(f"{line}  [article {i}, {article.get('url')}]", flush=True)
    print(
        f"{counts['docs']} articles, {cpu:.1f} s CPU; "
        + ", ".join(f"{k} {v}" for k, v in counts.items() if k != "docs")
    )


def long_document(pipeline: Pipeline) -> None:
    print("| sentences | " + " | ".join(pipeline.names) + " |")
    print("|---:|" + "---:|" * len(pipeline.names))
    for n in (250, 500, 1000, 2000):
        doc = make_document(GROWING * n, published="2015-07-21")
        spent = []
        for func in pipeline.stages:
            start = time.process_time()
            doc = func(doc)
            spent.append(f"{time.process_time() - start:.2f}")
        print(f"| {n} | " + " | ".join(spent) + " |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--start", type=int, default=0, help="first article (default 0)")
    parser.add_argument("--limit", type=int, default=1000, help="articles to run (default 1000)")
    parser.add_argument("--stride", type=int, default=1, help="take every K-th article")
    parser.add_argument("--slow", type=float, default=2.0, help="CPU seconds that count as slow")
    parser.add_argument("--timeout", type=int, default=30, help="wall seconds that count as a hang")
    parser.add_argument("--long", action="store_true", help="time one growing document instead")
    args = parser.parse_args()
    signal.signal(signal.SIGALRM, _alarm)
    pipeline = Pipeline.default()
    pipeline(make_document(GROWING))  # load models and lexicons first
    if args.long:
        long_document(pipeline)
    else:
        corpus(args, pipeline)


if __name__ == "__main__":
    main()
