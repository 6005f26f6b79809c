"""Pretraining the neural NER tagger's encoder as a language model on unlabelled news (training
time only; ULMFiT / TagLM style).

The language model has exactly the tagger's input layer and BiLSTM (`rasd.ner_neural_train.
build_network`: the frozen news word vectors, the character CNNs, the categorical feature
embeddings and lexicon flags, one forward and one backward LSTM): the forward LSTM's state at
word t predicts word t+1, the backward one's predicts word t-1. The output layer is cheap: a
linear map per direction from the LSTM state to the word-vector space, scored against the
frozen news vectors (plus a bias per word) with a sampled softmax (``negatives`` words shared by
the batch, drawn from the unigram distribution to the power 0.75, with the log-proposal
correction). Sentences come from rasd's own tokenizer and sentence splitter over the news, the
same normalised words the tagger meets at run time. Seeded, one torch thread, batches of
sentences of similar length, stopped after a fixed number of training words (what ~8 CPU
minutes allowed, so that a rerun gives the same encoder); the training loss and the exact
(full-softmax) loss on held-out sentences are logged per chunk of words. Measured on the dev
slice over four seeds it moved the tagger by +0.8 macro-F1, inside the seed noise, so the
shipped model does not use it (BENCHMARKS.md, NER).

`train_neural` starts the tagger's character CNNs, categorical embeddings and LSTM from the
saved encoder (`NeuralOptions.pretrained`); the runtime format does not change.
"""

from __future__ import annotations

import bisect
import json
import logging
import math
import random
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from rasd.errors import InputError, ModelDataError
from rasd.ner import MAX_SENTENCE_TOKENS
from rasd.ner_features import Resources
from rasd.ner_neural import PAD, UNK, WordEncoder
from rasd.ner_neural_train import (
    NeuralOptions,
    _Data,
    _import_torch,
    batch_inputs,
    build_network,
    char_vocabulary,
)
from rasd.text import split_sentences, tokenize

log = logging.getLogger(__name__)

ENCODER_PREFIXES = ("char_emb.", "char_convs.", "cats.", "lstm.")
"""The tagger's parameters the language model trains (the rest: word table, output, CRF)."""


@dataclass(frozen=True, slots=True)
class PretrainOptions:
    """The language model's schedule (its sizes are the tagger's `NeuralOptions`)."""

    max_tokens: int = 2_500_000
    """Words of news read (in file order); a pass over them is more than the budget allows."""
    train_words: int = 1_459_895
    """Stop after the batch that reaches this many training words (reproducible, unlike a time
    budget): what the encoder measured on the dev slice saw in 450 CPU s (43 of them preparing)
    at 3,574 words per CPU second on the shared machine (BENCHMARKS.md, NER)."""
    cpu_seconds: float = 0.0
    """Stop earlier once this much CPU time is spent since pretraining began (0: no limit; a
    safety net that makes the result depend on the machine's speed when it is reached)."""
    batch: int = 32
    """Sentences per batch."""
    negatives: int = 1024
    """Sampled-softmax negatives per batch (shared by all its positions)."""
    lr: float = 2e-3
    dropout: float = 0.2
    word_dropout: float = 0.1
    held_out: int = 20
    """The last sentences read are not trained on: the exact loss is measured on them."""
    chunk_tokens: int = 200_000
    """Log the losses after each chunk of this many training words."""
    min_char_count: int = 3
    seed: int = 13
    threads: int = 1


def news_sentences(texts: Iterator[str], max_tokens: int) -> list[list[str]]:
    """The normalised words of the news's sentences (rasd's tokenizer and sentence splitter; long
    sentences cut in chunks of `MAX_SENTENCE_TOKENS`), up to ``max_tokens`` words in all."""
    out: list[list[str]] = []
    total = 0
    for text in texts:
        tokens = tokenize(text)
        starts = [t.start for t in tokens]
        for a, b in split_sentences(text):
            sent = tokens[bisect.bisect_left(starts, a) : bisect.bisect_left(starts, b)]
            for c in range(0, len(sent), MAX_SENTENCE_TOKENS):
                chunk = [t.norm for t in sent[c : c + MAX_SENTENCE_TOKENS]]
                if len(chunk) > 1:
                    out.append(chunk)
                    total += len(chunk)
        if total >= max_tokens:
            break
    return out


def build_heads(dim: int, n_words: int, opts: NeuralOptions) -> Any:
    """The language model's output layer: a linear map per direction, a bias per word."""
    torch = _import_torch()
    nn = torch.nn

    class Heads(nn.Module):  # type: ignore[name-defined,unused-ignore]
        def __init__(self) -> None:
            super().__init__()
            self.forward_map = nn.Linear(opts.hidden, dim)
            self.backward_map = nn.Linear(opts.hidden, dim)
            self.bias = nn.Parameter(torch.zeros(n_words))

    return Heads()


class _Corpus:
    """The news sentences as word-type ids (`_Data`), each type's target id (its exact row in
    the vector table, UNK when the news vectors lack it) and the proposal distribution."""

    def __init__(
        self, encoder: WordEncoder, sentences: Sequence[Sequence[str]], n_words: int
    ) -> None:
        torch = _import_torch()
        self.data = _Data(encoder, [(list(s), ["O"] * len(s)) for s in sentences])
        self.targets = torch.tensor([encoder.words.get(w, UNK) for w in self.data.types])
        counts = torch.zeros(n_words, dtype=torch.float64)
        for ids, _ in self.data.sentences:
            counts.index_add_(0, self.targets[ids], torch.ones(len(ids), dtype=torch.float64))
        counts[PAD] = counts[UNK] = 0
        self.counts = counts
        proposal = counts**0.75
        self.proposal = (proposal / proposal.sum()).float()


def _hidden_states(net: Any, corpus: _Corpus, batch: list[int], word_dropout: float) -> Any:
    """(LSTM outputs (b, t, 2H), target ids (b, t)) of a batch of sentences."""
    torch = _import_torch()
    x, ids, lengths = batch_inputs(net, corpus.data, batch, word_dropout=word_dropout)
    hidden = net.states(net.drop(x), lengths)
    live = torch.arange(ids.shape[1])[None, :] < lengths[:, None]
    return net.drop(hidden), torch.where(live, corpus.targets[ids], PAD)


def _directions(hidden: Any, targets: Any, heads: Any, size: int) -> list[tuple[Any, Any]]:
    """(projected states, target ids) of the positions with a known next (forward) or previous
    (backward) word."""
    out = []
    for states, gold, head in (
        (hidden[:, :-1, :size], targets[:, 1:], heads.forward_map),
        (hidden[:, 1:, size:], targets[:, :-1], heads.backward_map),
    ):
        keep = gold > UNK
        out.append((head(states[keep]), gold[keep]))
    return out


def _sampled_loss(net: Any, heads: Any, corpus: _Corpus, batch: list[int], opts: Any) -> Any:
    """Mean sampled-softmax loss of both directions over a batch."""
    torch = _import_torch()
    hidden, targets = _hidden_states(net, corpus, batch, opts.word_dropout)
    table = net.word_emb.weight
    negatives = torch.multinomial(corpus.proposal, opts.negatives, replacement=True)
    log_q = torch.log(corpus.proposal * opts.negatives)
    neg_vectors = table[negatives]
    neg_bias = heads.bias[negatives] - log_q[negatives]
    losses = []
    for proj, gold in _directions(hidden, targets, heads, hidden.shape[2] // 2):
        positive = (proj * table[gold]).sum(1) + heads.bias[gold] - log_q[gold]
        negative = proj @ neg_vectors.T + neg_bias
        negative = negative.masked_fill(negatives[None, :] == gold[:, None], float("-inf"))
        logits = torch.cat([positive[:, None], negative], dim=1)
        losses.append(torch.nn.functional.cross_entropy(logits, torch.zeros_like(gold)))
    return sum(losses) / len(losses)


def _exact_loss(net: Any, heads: Any, corpus: _Corpus, held: list[int]) -> float:
    """Mean full-softmax loss (nats per word, both directions) over the held-out sentences."""
    torch = _import_torch()
    with torch.no_grad():
        hidden, targets = _hidden_states(net, corpus, held, 0.0)
        table = net.word_emb.weight
        total, count = 0.0, 0
        for proj, gold in _directions(hidden, targets, heads, hidden.shape[2] // 2):
            logits = proj @ table.T + heads.bias
            logits[:, :2] = float("-inf")
            total += float(torch.nn.functional.cross_entropy(logits, gold, reduction="sum"))
            count += len(gold)
    return total / max(count, 1)


def pretrain_encoder(
    sentences: Sequence[Sequence[str]],
    vectors: tuple[list[str], Any],
    resources: Resources,
    *,
    options: NeuralOptions | None = None,
    schedule: PretrainOptions = PretrainOptions(),
) -> tuple[dict[str, Any], list[str], dict[str, Any]]:
    """Train the language model on ``sentences`` (normalised words) with the frozen news
    ``vectors``; (encoder weights by the tagger's parameter names, the character vocabulary,
    a summary with the losses per chunk)."""
    torch = _import_torch()
    options = options or NeuralOptions()
    torch.manual_seed(schedule.seed)
    torch.set_num_threads(schedule.threads)
    rng = random.Random(schedule.seed)
    started = time.process_time()
    if len(sentences) <= schedule.held_out:
        raise ModelDataError(
            f"language-model pretraining got {len(sentences)} sentences of news, fewer than "
            f"the {schedule.held_out} it holds out; pass a larger news corpus"
        )
    chars = char_vocabulary((w for sent in sentences for w in sent), schedule.min_char_count)
    words = ["<pad>", "<unk>", *vectors[0]]
    encoder = WordEncoder(
        {w: i for i, w in enumerate(words)}, {c: i for i, c in enumerate(chars)}, resources
    )
    matrix = np.zeros((len(words), vectors[1].shape[1]), dtype=np.float32)
    matrix[2:] = vectors[1]
    net = build_network(
        torch.from_numpy(matrix.astype(np.float16).astype(np.float32)),
        len(chars),
        encoder.cardinalities(),
        1,
        NeuralOptions(**{**_fields(options), "word_tuning": "frozen", "dropout": schedule.dropout}),
    )
    heads = build_heads(matrix.shape[1], len(words), options)
    corpus = _Corpus(encoder, sentences, len(words))
    with torch.no_grad():  # start the bias at the log unigram frequency
        heads.bias.copy_(torch.log(corpus.counts / corpus.counts.sum() + 1e-9).float())
    n = len(corpus.data.sentences)
    held = list(range(n - schedule.held_out, n))
    trainable = [p for name, p in net.named_parameters() if name.startswith(ENCODER_PREFIXES)]
    optimiser = torch.optim.Adam([*trainable, *heads.parameters()], lr=schedule.lr)
    summary = _train_chunks(
        net, heads, corpus, optimiser, held=held, schedule=schedule, rng=rng, started=started
    )
    weights = {
        name: p.detach().numpy().copy()
        for name, p in net.state_dict().items()
        if name.startswith(ENCODER_PREFIXES)
    }
    summary["cpu_seconds"] = round(time.process_time() - started, 1)
    summary["prepare_cpu_seconds"] = summary.pop("prepare_cpu_seconds")
    return weights, chars, summary


def _fields(options: NeuralOptions) -> dict[str, Any]:
    return {name: getattr(options, name) for name in options.__dataclass_fields__}


def _train_chunks(
    net: Any,
    heads: Any,
    corpus: _Corpus,
    optimiser: Any,
    *,
    held: list[int],
    schedule: PretrainOptions,
    rng: random.Random,
    started: float,
) -> dict[str, Any]:
    """Train on the sentences before ``held`` (in passes of shuffled batches) until
    ``schedule.train_words`` words (or its CPU cap), logging the losses per chunk of words."""
    torch = _import_torch()
    params = [p for group in optimiser.param_groups for p in group["params"]]
    prepared = time.process_time()
    chunks: list[dict[str, Any]] = []
    seen = chunk_words = 0
    chunk_loss = 0.0
    chunk_batches = 0
    chunk_started = prepared
    passes = 0
    spent = False
    exact = _exact_loss(net.eval(), heads, corpus, held)
    log.info("language model: exact held-out loss before training %.3f", exact)
    while not spent:
        passes += 1
        for drawn in corpus.data.batches(schedule.batch, rng):
            batch = [i for i in drawn if i < held[0]]
            if not batch:
                continue
            net.train()
            optimiser.zero_grad()
            loss = _sampled_loss(net, heads, corpus, batch, schedule)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 5.0)
            optimiser.step()
            words = sum(len(corpus.data.sentences[i][0]) for i in batch)
            seen += words
            chunk_words += words
            chunk_loss += float(loss.detach())
            chunk_batches += 1
            spent = seen >= schedule.train_words or (
                schedule.cpu_seconds > 0 and time.process_time() - started >= schedule.cpu_seconds
            )
            if chunk_words >= schedule.chunk_tokens or spent:
                now = time.process_time()
                row = {
                    "words": seen,
                    "sampled_loss": round(chunk_loss / chunk_batches, 3),
                    "held_out_loss": round(_exact_loss(net.eval(), heads, corpus, held), 3),
                    "words_per_cpu_second": round(chunk_words / max(now - chunk_started, 1e-9)),
                    "cpu_seconds": round(time.process_time() - started, 1),
                }
                log.info("language model %s", row)
                chunks.append(row)
                chunk_words, chunk_loss, chunk_batches = 0, 0.0, 0
                chunk_started = time.process_time()
            if spent:
                break
    train_cpu = time.process_time() - prepared
    return {
        "sentences": len(corpus.data.sentences) - len(held),
        "words_trained": seen,
        "passes": passes,
        "held_out_loss_start": round(exact, 3),
        "chunks": chunks,
        "words_per_cpu_second": round(seen / max(train_cpu, 1e-9)),
        "prepare_cpu_seconds": round(prepared - started, 1),
        "held_out_perplexity": round(math.exp(chunks[-1]["held_out_loss"])) if chunks else None,
    }


def pretrain_from_news(
    news: str | Path,
    vectors: tuple[list[str], Any],
    encoder: str | Path,
    resources: Resources,
    *,
    options: NeuralOptions | None = None,
    schedule: PretrainOptions = PretrainOptions(),
) -> dict[str, Any]:
    """Read the news (`rasd.ner_clusters.iter_news_texts`), pretrain the encoder on it and write
    it to ``encoder``; the summary of `pretrain_encoder` plus the reading's CPU time."""
    from rasd.ner_clusters import iter_news_texts

    started = time.process_time()
    sentences = news_sentences(iter_news_texts(news), schedule.max_tokens)
    read = time.process_time() - started
    weights, chars, summary = pretrain_encoder(
        sentences, vectors, resources, options=options, schedule=schedule
    )
    save_encoder(encoder, weights, chars)
    summary["read_cpu_seconds"] = round(read, 1)
    return summary


def pretrain_tagger(
    train: str | Path,
    out: str | Path,
    vectors: tuple[list[str], Any],
    *,
    news: str | Path | None,
    options: NeuralOptions,
    schedule: PretrainOptions,
) -> dict[str, Any]:
    """Pretrain the encoder on ``news`` (kept in a temporary file), then train the tagger on
    ``train`` starting from it and write ``out``: `train_neural`'s summary plus the
    pretraining's (``"pretraining"``)."""
    from rasd.ner_neural_train import train_neural

    if news is None:
        raise InputError("pretraining the tagger's encoder needs the news: pass --news PATH")
    resources = Resources.load(Path(out))
    with tempfile.TemporaryDirectory() as tmp:
        encoder = Path(tmp) / "encoder.npz"
        pre = pretrain_from_news(
            news, vectors, encoder, resources, options=options, schedule=schedule
        )
        tagger = replace(options, pretrained=str(encoder))
        summary = train_neural(train, out, vectors, options=tagger, resources=resources)
    summary["pretraining"] = pre
    return summary


def save_encoder(path: str | Path, weights: dict[str, Any], chars: Sequence[str]) -> Path:
    """One ``.npz``: the encoder's weights by the tagger's parameter names, the characters."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, Any] = {k: np.asarray(v, np.float32) for k, v in weights.items()}
    arrays["chars"] = np.frombuffer(json.dumps(list(chars), ensure_ascii=False).encode(), np.uint8)
    with out.open("wb") as handle:
        np.savez(handle, **arrays)
    return out


def load_encoder(path: str | Path) -> tuple[dict[str, Any], list[str]]:
    """(weights, characters) from a file written by `save_encoder`."""
    try:
        with np.load(Path(path), allow_pickle=False) as data:
            chars = json.loads(bytes(data["chars"]).decode("utf-8"))
            return {k: data[k] for k in data.files if k != "chars"}, chars
    except (OSError, ValueError, KeyError) as err:
        raise ModelDataError(
            f"{path}: not a readable pretrained encoder ({err}); rerun the pretraining"
        ) from err


def initialise_from_encoder(net: Any, path: str | Path, chars: Sequence[str]) -> list[str]:
    """Copy a pretrained encoder into the tagger ``net`` (whose characters are ``chars``): the
    character rows by character (the tagger's characters the news lacks keep their random
    start), every other encoder parameter as it is. Returns the names of the parameters set."""
    torch = _import_torch()
    weights, lm_chars = load_encoder(path)
    state = net.state_dict()
    rows = {c: i for i, c in enumerate(lm_chars)}
    loaded = []
    with torch.no_grad():
        for name, value in weights.items():
            if name not in state:
                raise ModelDataError(f"{path}: the tagger has no parameter {name}")
            target = state[name]
            if name == "char_emb.weight" and value.shape[1] == target.shape[1]:
                for i, c in enumerate(chars):
                    if c in rows:
                        target[i] = torch.from_numpy(value[rows[c]])
            elif tuple(value.shape) != tuple(target.shape):
                raise ModelDataError(
                    f"{path}: {name} has shape {value.shape}, the tagger's is "
                    f"{tuple(target.shape)}; pretrain with the tagger's NeuralOptions"
                )
            else:
                target.copy_(torch.from_numpy(value))
            loaded.append(name)
    return loaded
