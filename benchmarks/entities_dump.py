"""Dump the entities stage's output over SaudiNewsNet, or check it against an earlier dump.

    python benchmarks/entities_dump.py --out before.json [--limit 2000]
    python benchmarks/entities_dump.py --check before.json [--limit 2000]

A guard for speed work: every `Entity` of every document (all fields, as JSON) must stay the same
after a change. Set ``RASD_NER_MODEL=neural`` to dump the neural path. Exit status 1 when the
check finds a difference (the first few are printed). Not a test: it needs ../shared.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import iter_articles

from rasd.document import Document
from rasd.entities import find_entities
from rasd.text import segment


def dump(limit: int) -> list[list[dict[str, Any]]]:
    """Each article's entities as plain dicts, in corpus order (empty articles skipped)."""
    out = []
    for article in iter_articles(limit):
        if not article.get("content", "").strip():
            continue
        doc = segment(Document(article["content"]))
        out.append([dataclasses.asdict(e) for e in find_entities(doc)])
    return out


def differences(old: list[Any], new: list[Any], most: int = 5) -> list[str]:
    """Human-readable differences between two dumps (at most ``most``)."""
    found = [] if len(old) == len(new) else [f"{len(old)} documents before, {len(new)} now"]
    for index, (a, b) in enumerate(zip(old, new, strict=False)):
        if a != b:
            pairs = [(x, y) for x, y in zip(a, b, strict=False) if x != y][:1]
            found.append(f"document {index}: {len(a)} vs {len(b)} entities; first change {pairs}")
        if len(found) >= most:
            break
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=2000, help="articles (default 2000)")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--out", type=Path, help="write the dump here")
    group.add_argument("--check", type=Path, help="compare with this earlier dump")
    args = parser.parse_args()
    new = dump(args.limit)
    total = sum(len(d) for d in new)
    if args.out:
        args.out.write_text(json.dumps(new, ensure_ascii=False), encoding="utf-8")
        print(f"{len(new)} documents, {total:,} entities written to {args.out}")
        return 0
    old = json.loads(args.check.read_text(encoding="utf-8"))
    new = json.loads(json.dumps(new, ensure_ascii=False))  # same float/tuple round trip
    diffs = differences(old, new)
    for line in diffs:
        print(line)
    print(f"{len(new)} documents, {total:,} entities: {'DIFFERENT' if diffs else 'identical'}")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
