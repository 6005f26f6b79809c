"""Word clusters learned from unlabelled news, for the NER tagger's features (training time only).

A word's cluster says "this word is used like these others", which lets the tagger generalise from
the names it saw in ANERcorp to names it never saw. We build PPMI co-occurrence vectors (window
±2) over the normalised words of an unlabelled corpus, reduce them with a truncated SVD and cluster
them with k-means at several granularities (coarse to fine), as prefixes of Brown paths would.

Needs numpy and scipy (the ``train`` extra); the runtime only reads the resulting TSV.
"""

from __future__ import annotations

import json
import logging
import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rasd.errors import InputError
from rasd.text import normalise_text

log = logging.getLogger(__name__)

_WORD = re.compile(r"[\u0621-\u063a\u0641-\u064a]+|[0-9]+|[A-Za-z]+")


@dataclass(frozen=True, slots=True)
class ClusterOptions:
    """How clusters are learned. Defaults fit in a few CPU minutes on SaudiNewsNet."""

    max_tokens: int = 4_000_000
    vocabulary: int = 60_000
    contexts: int = 10_000
    min_count: int = 5
    dimensions: int = 100
    granularities: tuple[int, ...] = (32, 128, 512)
    seed: int = 13


def iter_news_texts(path: str | Path) -> Iterator[str]:
    """Article bodies of a SaudiNewsNet folder (``*.zip`` of JSON arrays), a JSONL file with a
    ``text`` or ``content`` field, or a plain text file (one article per line), in file order."""
    root = Path(path)
    if root.is_dir():
        for zpath in sorted(root.rglob("*.zip")):
            with zipfile.ZipFile(zpath) as archive:
                for name in sorted(archive.namelist()):
                    if name.endswith(".json"):
                        for article in json.loads(archive.read(name)):
                            yield str(article.get("content") or "")
        return
    if not root.exists():
        raise InputError(f"{root}: no such news corpus; pass a SaudiNewsNet folder or a JSONL file")
    with root.open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("{"):
                item = json.loads(line)
                yield str(item.get("text") or item.get("content") or "")
            else:
                yield line


def corpus_words(texts: Iterator[str], max_tokens: int) -> list[list[str]]:
    """Normalised word sequences (one per article) up to ``max_tokens`` words in all."""
    out: list[list[str]] = []
    total = 0
    for text in texts:
        words = _WORD.findall(normalise_text(text))
        if not words:
            continue
        out.append(words)
        total += len(words)
        if total >= max_tokens:
            break
    return out


def learn_clusters(
    texts: Iterator[str], options: ClusterOptions = ClusterOptions()
) -> dict[str, tuple[int, ...]]:
    """Map each frequent normalised word to its cluster id at each granularity."""
    import numpy as np

    docs = corpus_words(texts, options.max_tokens)
    counts = Counter(w for doc in docs for w in doc)
    vocab = [w for w, c in counts.most_common(options.vocabulary) if c >= options.min_count]
    if len(vocab) < max(options.granularities) * 2:
        raise InputError(f"news corpus too small for clustering: {len(vocab)} frequent words")
    index = {w: i for i, w in enumerate(vocab)}
    ids = np.fromiter(
        (index.get(w, -1) for doc in docs for w in [*doc, "\0"]), dtype=np.int64
    )  # "\0" (never in the vocabulary) separates articles
    vectors = _svd_vectors(ids, len(vocab), options)
    labels = [_kmeans(vectors, k, options.seed) for k in options.granularities]
    log.info("clustered %d words from %d tokens", len(vocab), len(ids))
    return {w: tuple(int(lab[i]) for lab in labels) for i, w in enumerate(vocab)}


def _svd_vectors(ids: Any, size: int, options: ClusterOptions) -> Any:
    import numpy as np
    from scipy.sparse import coo_matrix
    from scipy.sparse.linalg import svds

    ctx_size = min(options.contexts, size)
    rows_parts, cols_parts = [], []
    for offset in (-2, -1, 1, 2):
        a = ids[max(0, -offset) : len(ids) - max(0, offset)]
        b = ids[max(0, offset) : len(ids) - max(0, -offset) or None]
        keep = (a >= 0) & (b >= 0) & (b < ctx_size)
        rows_parts.append(a[keep])
        cols_parts.append(b[keep])
    rows = np.concatenate(rows_parts)
    cols = np.concatenate(cols_parts)
    data = np.ones(len(rows), dtype=np.float64)
    matrix = coo_matrix((data, (rows, cols)), shape=(size, ctx_size)).tocsr()
    matrix.sum_duplicates()
    total = matrix.sum()
    row_sum = np.asarray(matrix.sum(axis=1)).ravel()
    col_sum = np.asarray(matrix.sum(axis=0)).ravel() ** 0.75
    col_sum = col_sum / col_sum.sum()
    coo = matrix.tocoo()
    pmi = np.log(coo.data * 1.0 / (row_sum[coo.row] / total) / col_sum[coo.col] / total)
    keep = pmi > 0
    ppmi = coo_matrix((pmi[keep], (coo.row[keep], coo.col[keep])), shape=matrix.shape).tocsr()
    rng = np.random.default_rng(options.seed)
    v0 = rng.standard_normal(min(ppmi.shape))
    u, s, _ = svds(ppmi, k=options.dimensions, v0=v0, random_state=options.seed)
    vectors = u * np.sqrt(s)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-9)


def _kmeans(vectors: Any, k: int, seed: int, iterations: int = 20) -> Any:
    """Spherical k-means (unit vectors, cosine) with k-means++ seeding; deterministic for a seed."""
    import numpy as np

    rng = np.random.default_rng(seed)
    n = len(vectors)
    centres = np.empty((k, vectors.shape[1]))
    centres[0] = vectors[rng.integers(n)]
    nearest = 2.0 - 2.0 * vectors @ centres[0]
    for i in range(1, k):
        weights = np.maximum(nearest, 0.0)
        pick = rng.choice(n, p=weights / weights.sum())
        centres[i] = vectors[pick]
        nearest = np.minimum(nearest, 2.0 - 2.0 * vectors @ centres[i])
    labels = np.zeros(n, dtype=np.int64)
    for _ in range(iterations):
        labels = np.argmax(vectors @ centres.T, axis=1)
        sums = np.zeros_like(centres)
        np.add.at(sums, labels, vectors)
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        empty = norms.ravel() == 0
        centres = np.where(empty[:, None], centres, sums / np.maximum(norms, 1e-9))
    return labels


def write_clusters(clusters: dict[str, tuple[int, ...]], path: str | Path, source: str) -> Path:
    """Write ``word<TAB>id<TAB>id…`` lines with a header comment naming the source."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        f"# Word clusters for rasd NER features, learned by `rasd train ner` from {source}.",
        "# Derived statistics (PPMI-SVD k-means ids), not text; see src/rasd/models/README.md.",
    ]
    lines += [f"{w}\t" + "\t".join(map(str, ids)) for w, ids in sorted(clusters.items())]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def read_clusters(path: str | Path) -> dict[str, tuple[str, ...]]:
    """Word → cluster ids (as strings, coarse to fine) from a file written by `write_clusters`."""
    clusters: dict[str, tuple[str, ...]] = {}
    with Path(path).open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#") or not line.strip():
                continue
            word, *ids = line.rstrip("\n").split("\t")
            clusters[word] = tuple(ids)
    return clusters
