"""Word vectors learned from unlabelled news, for the neural NER tagger (training time only).

Skip-gram Word2Vec (gensim) over the normalised words of SaudiNewsNet, the same word stream the
clusters of `rasd.ner_clusters` read. Reproducible: one worker thread, a fixed seed, and a
hash function that does not depend on ``PYTHONHASHSEED`` (gensim seeds each word's initial
vector with ``hashfxn(word + str(seed))``). Needs gensim (the ``neural`` extra); the runtime only
reads the vectors the trainer copies into the model file.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from rasd.errors import ModelDataError
from rasd.ner_clusters import corpus_words

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class VectorOptions:
    """How vectors are learned. Defaults take a few CPU minutes on SaudiNewsNet."""

    max_tokens: int = 8_000_000
    dimensions: int = 100
    window: int = 5
    min_count: int = 5
    epochs: int = 5
    negative: int = 5
    seed: int = 13
    kind: str = "word2vec"
    """``word2vec`` (skip-gram), or ``fasttext`` (skip-gram over the word and its character
    n-grams of ``min_n``…``max_n`` letters hashed into ``buckets``): a rare word's vector then
    shares its morphology's, and words the news has too few times (the train split's) get one."""
    min_n: int = 3
    max_n: int = 6
    buckets: int = 1_000_000


def stable_hash(text: str) -> int:
    """A hash of ``text`` that is the same in every process (unlike the built-in ``hash``)."""
    return zlib.crc32(text.encode("utf-8"))


def learn_vectors(
    texts: Iterator[str],
    options: VectorOptions = VectorOptions(),
    *,
    extra_words: Iterable[str] = (),
) -> tuple[list[str], Any]:
    """(words by falling frequency, float32 matrix of their vectors) learned from ``texts``; with
    ``kind="fasttext"`` the ``extra_words`` the news lacks follow, their vectors built from their
    character n-grams (so the runtime needs no n-gram table)."""
    try:
        from gensim.models import FastText, Word2Vec
    except ImportError as err:
        raise ModelDataError(
            "learning word vectors needs gensim: pip install 'rasd[neural]'"
        ) from err

    docs = corpus_words(texts, options.max_tokens)
    common = {
        "sentences": docs,
        "vector_size": options.dimensions,
        "window": options.window,
        "min_count": options.min_count,
        "sg": 1,
        "negative": options.negative,
        "epochs": options.epochs,
        "seed": options.seed,
        "workers": 1,
        "hashfxn": stable_hash,
        "sorted_vocab": 1,
    }
    if options.kind == "fasttext":
        model = FastText(min_n=options.min_n, max_n=options.max_n, bucket=options.buckets, **common)
    else:
        model = Word2Vec(**common)
    words = list(model.wv.index_to_key)
    vectors = model.wv.vectors.astype("float32")
    if options.kind == "fasttext":
        known = set(words)
        extra = sorted({w for w in extra_words if w and w not in known})
        if extra:
            words += extra
            vectors = np.concatenate([vectors, np.stack([model.wv[w] for w in extra])])
    log.info("learned %d word vectors from %d articles", len(words), len(docs))
    return words, vectors.astype("float32")
