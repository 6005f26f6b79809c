"""SaudiNewsNet loader shared by the benchmarks (the corpus stays in ../shared; never bundled)."""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("RASD_SHARED", ROOT.parent / "shared"))
SAUDINEWSNET = SHARED / "data" / "news-saudinewsnet" / "dataset"


def iter_articles(limit: int | None = None) -> Iterator[dict]:
    """SaudiNewsNet articles in a fixed order (by file, then position), up to ``limit``."""
    count = 0
    for path in sorted(SAUDINEWSNET.glob("*.zip")):
        with zipfile.ZipFile(path) as archive:
            for name in sorted(archive.namelist()):
                if not name.endswith(".json"):
                    continue
                for article in json.loads(archive.read(name)):
                    if limit is not None and count >= limit:
                        return
                    count += 1
                    yield article
