"""Training the neural NER tagger (``rasd train ner --arch bilstm``) in torch, exported to numpy.

The network: character CNNs of several widths, the word vectors learned from unlabelled news
(`rasd.ner_vectors`; frozen, plus a trainable correction for the words the train split uses),
and small embeddings of the CRF's cheap word features, into one BiLSTM whose outputs score the
tags of a linear-chain CRF (loss and transitions below). Seeded, on
``torch.set_num_threads(threads)`` threads; what is exported is a moving average of the weights;
the epoch kept is the one with the best macro-F1 on the dev slice (the last ``dev_tail`` of the
train split), or a fixed number of epochs when training on the whole split. Needs torch and
gensim (the ``neural`` extra); the runtime, `rasd.ner_neural`, needs numpy only.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rasd.errors import ModelDataError
from rasd.ner import MAX_SENTENCE_TOKENS, token_norm
from rasd.ner_document import DocumentOptions
from rasd.ner_features import Resources
from rasd.ner_neural import CATEGORICAL, LEXICON_FLAGS, PAD, UNK, NeuralTagger, WordEncoder
from rasd.ner_train import Sentence, read_conll

log = logging.getLogger(__name__)

TAGS = ("O", "B-PERS", "I-PERS", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC")


@dataclass(frozen=True, slots=True)
class NeuralOptions:
    """Network size and training schedule (chosen on the dev slice, see models/README.md)."""

    char_dim: int = 30
    char_filters: int = 50
    """Filters per width of the character CNN."""
    char_widths: tuple[int, ...] = (2, 3, 4)
    """Widths of the character CNN's filters (one convolution each, max-pooled, concatenated)."""
    cat_dims: tuple[int, ...] = (8, 8, 8, 16, 4, 4, 8)
    """Embedding sizes of `rasd.ner_neural.CATEGORICAL` features."""
    hidden: int = 100
    dropout: float = 0.5
    word_dropout: float = 0.1
    lr: float = 2e-3
    batch: int = 16
    epochs: int = 25
    patience: int = 6
    """Stop after this many epochs without a better dev macro-F1 (with a dev slice)."""
    dev_tail: float = 0.0
    """Hold out this last fraction of the train split as the dev slice (0: none)."""
    seed: int = 13
    threads: int = 1
    """Torch threads. 1: on a shared 2-core machine two threads spin-wait on each other and
    cost ~10x the CPU time (measured, see BENCHMARKS.md)."""
    min_char_count: int = 3
    word_tuning: str = "delta"
    """How the news vectors learn from the train split. ``frozen``: not at all. ``delta``: the
    news vectors stay frozen and a trainable correction, starting at zero, is added to the
    words the train split uses (and the train words the news lacks get a row, starting at the
    vector their clitic stem would give them); only those rows move, the rest of the 83k-word
    table costs nothing. ``full``: the whole table is fine-tuned (dense Adam, 2x the CPU)."""
    average: float = 0.998
    """Export (and score on dev) an exponential moving average of the weights, this decay per
    batch (0: the last weights): smooths the epoch-to-epoch noise of small-data training."""
    delta_dropout: float = 0.0
    """``delta``: the share of word types per batch trained without their correction, as the
    runtime meets the words the train split lacks."""
    min_word_count: int = 1
    """Train words the news lacks get a row of their own from this many occurrences."""
    pretrained: str = ""
    """A language-model encoder (`rasd.ner_pretrain`) to start the character CNNs, categorical
    embeddings and BiLSTM from ("": random start)."""
    pretrained_lr: float = 1.0
    """The learning rate of the pretrained parameters, as a share of ``lr``."""


def _import_torch() -> Any:
    try:
        import torch
    except ImportError as err:
        raise ModelDataError(
            "training the neural NER tagger needs torch: pip install 'rasd[neural]' "
            "(torch==2.13.0, the CPU build)"
        ) from err
    return torch


def build_network(
    vectors: Any,
    n_chars: int,
    cards: Sequence[int],
    n_tags: int,
    opts: NeuralOptions,
    *,
    tuned: Any = None,
) -> Any:
    """The torch module (built inside a function so that importing this file needs no torch).

    ``tuned`` (``word_tuning="delta"``): for each word id, the row of its trainable correction
    (0: none, the word keeps its news vector)."""
    torch = _import_torch()
    nn = torch.nn

    class Network(nn.Module):  # type: ignore[name-defined,unused-ignore]
        def __init__(self) -> None:
            super().__init__()
            self.word_emb = nn.Embedding.from_pretrained(
                vectors, freeze=opts.word_tuning != "full", padding_idx=PAD
            )
            self.word_delta = None
            if tuned is not None:
                self.register_buffer("tuned_rows", tuned)
                self.word_delta = nn.Embedding(
                    int(tuned.max()) + 1, vectors.shape[1], padding_idx=0
                )
                nn.init.zeros_(self.word_delta.weight)
            self.char_emb = nn.Embedding(n_chars, opts.char_dim, padding_idx=PAD)
            self.char_convs = nn.ModuleList(
                nn.Conv1d(opts.char_dim, opts.char_filters, w, padding=w // 2)
                for w in opts.char_widths
            )
            self.cats = nn.ModuleList(
                nn.Embedding(c, d) for c, d in zip(cards, opts.cat_dims, strict=True)
            )
            width = (
                vectors.shape[1]
                + opts.char_filters * len(opts.char_widths)
                + sum(opts.cat_dims)
                + 2 * len(LEXICON_FLAGS)
            )
            self.lstm = nn.LSTM(width, opts.hidden, batch_first=True, bidirectional=True)
            self.drop = nn.Dropout(opts.dropout)
            self.out = nn.Linear(2 * opts.hidden, n_tags)
            self.crf_trans = nn.Parameter(torch.zeros(n_tags, n_tags))
            self.crf_start = nn.Parameter(torch.zeros(n_tags))
            self.crf_end = nn.Parameter(torch.zeros(n_tags))

        def word_vectors(self, words: Any, keep: Any = None) -> Any:
            """News vectors plus their corrections (``keep``: 0/1 per word, corrections
            dropped where 0)."""
            vec = self.word_emb(words)
            if self.word_delta is not None:
                delta = self.word_delta(self.tuned_rows[words])
                vec = vec + (delta if keep is None else delta * keep[:, None])
            return vec

        def word_inputs(
            self, words: Any, chars: Any, char_len: Any, cats: Any, flags: Any, *, keep: Any = None
        ) -> Any:
            emb = self.char_emb(chars).transpose(1, 2)  # (n, C, L)
            parts = [self.word_vectors(words, keep)]
            for conv_layer in self.char_convs:
                conv = conv_layer(emb)
                extra = conv.shape[2] - chars.shape[1]  # 1 for even widths
                pad = torch.arange(conv.shape[2])[None, :] >= (char_len + extra)[:, None]
                conv = conv.masked_fill(pad[:, None, :], float("-inf"))
                parts.append(torch.tanh(conv.max(dim=2).values))
            parts += [table(cats[:, i]) for i, table in enumerate(self.cats)]
            parts.append(flags)
            return torch.cat(parts, dim=1)

        def states(self, x: Any, lengths: Any) -> Any:
            """The BiLSTM's outputs (b, t, 2H) over padded inputs of the given lengths."""
            from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

            packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
            hidden, _ = self.lstm(packed)
            hidden, _ = pad_packed_sequence(hidden, batch_first=True, total_length=x.shape[1])
            return hidden

        def emissions(self, x: Any, lengths: Any) -> Any:
            return self.out(self.drop(self.states(x, lengths)))

    return Network()


def crf_nll(emit: Any, tags: Any, lengths: Any, *, trans: Any, start: Any, end: Any) -> Any:
    """Negative log-likelihood of the gold tag paths under a linear-chain CRF, summed over the
    batch: log Z (forward algorithm, in log space) minus the gold path's score."""
    torch = _import_torch()
    b, t, _ = emit.shape
    rows = torch.arange(b)
    gold = start[tags[:, 0]] + emit[rows, 0, tags[:, 0]]
    alpha = start[None, :] + emit[:, 0]
    for s in range(1, t):
        live = s < lengths
        step = trans[tags[:, s - 1], tags[:, s]] + emit[rows, s, tags[:, s]]
        gold = gold + torch.where(live, step, torch.zeros_like(step))
        nxt = torch.logsumexp(alpha[:, :, None] + trans[None], dim=1) + emit[:, s]
        alpha = torch.where(live[:, None], nxt, alpha)
    gold = gold + end[tags[rows, lengths - 1]]
    log_z = torch.logsumexp(alpha + end[None, :], dim=1)
    return (log_z - gold).sum()


def export_weights(net: Any) -> dict[str, Any]:
    """The network's parameters under the names `rasd.ner_neural.NeuralNet` reads (float32; the
    frozen word vectors float16)."""
    torch = _import_torch()
    lstm = net.lstm
    with torch.no_grad():
        table = net.word_vectors(torch.arange(net.word_emb.weight.shape[0]))
    weights = {
        "word_emb": table.detach().numpy().astype(np.float16),
        "char_emb": net.char_emb.weight,
        "out_w": net.out.weight,
        "out_b": net.out.bias,
        "crf_trans": net.crf_trans,
        "crf_start": net.crf_start,
        "crf_end": net.crf_end,
    }
    for i, conv in enumerate(net.char_convs):
        weights[f"char_conv_w{i or ''}"] = conv.weight
        weights[f"char_conv_b{i or ''}"] = conv.bias
    for name, cat in zip(CATEGORICAL, net.cats, strict=True):
        weights[f"cat_{name}"] = cat.weight
    for side, suffix in (("f", ""), ("b", "_reverse")):
        weights[f"lstm_{side}_ih"] = getattr(lstm, f"weight_ih_l0{suffix}")
        weights[f"lstm_{side}_hh"] = getattr(lstm, f"weight_hh_l0{suffix}")
        weights[f"lstm_{side}_bih"] = getattr(lstm, f"bias_ih_l0{suffix}")
        weights[f"lstm_{side}_bhh"] = getattr(lstm, f"bias_hh_l0{suffix}")
    return {
        k: v if isinstance(v, np.ndarray) else v.detach().numpy().astype(np.float32).copy()
        for k, v in weights.items()
    }


def save_model(path: Path, weights: dict[str, Any], config: dict[str, Any]) -> Path:
    """One compressed ``.npz``: the weights plus the vocabularies as UTF-8 JSON bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    blob = np.frombuffer(json.dumps(config, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)
    with path.open("wb") as handle:
        np.savez_compressed(handle, config=blob, **weights)
    return path


class _Data:
    """Word types of the corpus, encoded once, as tensors; sentences as type ids."""

    def __init__(self, encoder: WordEncoder, sentences: Sequence[Sentence]) -> None:
        torch = _import_torch()
        self.types: dict[str, int] = {}
        self.sentences: list[tuple[list[int], list[int]]] = []
        tag_ids = {t: i for i, t in enumerate(TAGS)}
        for tokens, tags in sentences:
            for a in range(0, len(tokens), MAX_SENTENCE_TOKENS):
                norms = [token_norm(t) for t in tokens[a : a + MAX_SENTENCE_TOKENS]]
                ids = [self.types.setdefault(n, len(self.types)) for n in norms]
                gold = [tag_ids.get(t, 0) for t in tags[a : a + MAX_SENTENCE_TOKENS]]
                self.sentences.append((ids, gold))
        encoded = [encoder.encode(n) for n in self.types]
        longest = max(len(e[1]) for e in encoded)
        chars = torch.zeros((len(encoded), longest), dtype=torch.long)
        for i, e in enumerate(encoded):
            chars[i, : len(e[1])] = torch.tensor(e[1])
        self.words = torch.tensor([e[0] for e in encoded])
        self.chars = chars
        self.char_len = torch.tensor([len(e[1]) for e in encoded])
        self.cats = torch.tensor([e[2] for e in encoded])
        self.flags = torch.tensor([e[3] for e in encoded], dtype=torch.float32)

    def batches(self, size: int, rng: random.Random) -> list[list[int]]:
        """Sentence indices in batches of similar length, in random order."""
        order = list(range(len(self.sentences)))
        rng.shuffle(order)
        out = []
        for a in range(0, len(order), size * 20):
            pool = sorted(order[a : a + size * 20], key=lambda i: len(self.sentences[i][0]))
            out += [pool[b : b + size] for b in range(0, len(pool), size)]
        rng.shuffle(out)
        return out


def batch_inputs(
    net: Any, data: _Data, batch: list[int], *, word_dropout: float, delta_dropout: float = 0.0
) -> tuple[Any, Any, Any]:
    """(word inputs per position (b, t, D), word-type ids (b, t), lengths) of a batch of
    sentences; word dropout (and ``delta`` dropout) drawn once per word type."""
    torch = _import_torch()
    sents = [data.sentences[i][0] for i in batch]
    lengths = torch.tensor([len(s) for s in sents])
    ids = torch.zeros((len(sents), int(lengths.max())), dtype=torch.long)
    for row, words in enumerate(sents):
        ids[row, : len(words)] = torch.tensor(words)
    types, inverse = torch.unique(ids, return_inverse=True)
    words = data.words[types]
    if word_dropout > 0:
        words = torch.where(torch.rand(len(words)) < word_dropout, UNK, words)
    keep = None
    if delta_dropout > 0:  # train as the runtime sees words the train split lacks
        keep = (torch.rand(len(words)) >= delta_dropout).float()
    reps = net.word_inputs(
        words,
        data.chars[types],
        data.char_len[types],
        data.cats[types],
        data.flags[types],
        keep=keep,
    )
    return reps[inverse], ids, lengths


def _step(net: Any, data: _Data, batch: list[int], opts: NeuralOptions) -> Any:
    torch = _import_torch()
    x, ids, lengths = batch_inputs(
        net, data, batch, word_dropout=opts.word_dropout, delta_dropout=opts.delta_dropout
    )
    tags = torch.zeros_like(ids)
    for row, i in enumerate(batch):
        gold = data.sentences[i][1]
        tags[row, : len(gold)] = torch.tensor(gold)
    emit = net.emissions(net.drop(x), lengths)
    return crf_nll(emit, tags, lengths, trans=net.crf_trans, start=net.crf_start, end=net.crf_end)


def _vocabularies(
    vectors_words: Sequence[str], sentences: Sequence[Sentence], opts: NeuralOptions
) -> tuple[list[str], list[str]]:
    """(words: PAD, UNK, then the news words; chars: PAD, UNK, then chars frequent in train)."""
    chars = char_vocabulary(
        (token_norm(t) for tokens, _ in sentences for t in tokens), opts.min_char_count
    )
    extra: list[str] = []
    if opts.word_tuning != "frozen":
        known = set(vectors_words)
        seen = Counter(token_norm(t) for tokens, _ in sentences for t in tokens)
        extra = sorted(w for w, n in seen.items() if n >= opts.min_word_count and w not in known)
    return ["<pad>", "<unk>", *vectors_words, *extra], chars


def char_vocabulary(words: Iterable[str], min_count: int) -> list[str]:
    """PAD, UNK, then the characters seen at least ``min_count`` times in ``words``, sorted."""
    counts: Counter[str] = Counter()
    for word in words:
        counts.update(word)
    return ["<pad>", "<unk>", *sorted(c for c, n in counts.items() if n >= min_count)]


def _word_matrix(
    vectors: tuple[list[str], Any], words: Sequence[str], chars_only: WordEncoder
) -> Any:
    """The starting word table: PAD and UNK zero, the news vectors, then the train words the
    news lacks at the vector their clitic stem has (else zero, as UNK), i.e. where the runtime
    would put them without a row of their own; rounded through float16 as the runtime reads it."""
    news = {w: i for i, w in enumerate(vectors[0])}
    matrix = np.zeros((len(words), vectors[1].shape[1]), dtype=np.float32)
    matrix[2 : 2 + len(news)] = vectors[1]
    stems = WordEncoder({w: i + 2 for w, i in news.items()}, chars_only.chars, chars_only.resources)
    for row in range(2 + len(news), len(words)):
        matrix[row] = matrix[stems.word_id(words[row])]
    return matrix.astype(np.float16).astype(np.float32)


def _tuned_rows(data: _Data, n_words: int) -> Any:
    """For each word id, its row in the trainable correction (1…) if the train split uses it
    (directly or as the clitic stem of a train word), else 0."""
    torch = _import_torch()
    used = sorted({int(i) for i in data.words.tolist()} - {PAD, UNK})
    tuned = torch.zeros(n_words, dtype=torch.long)
    tuned[used] = torch.arange(1, len(used) + 1)
    log.info("%d train words get a trainable correction", len(used))
    return tuned


def _param_groups(net: Any, chars: Sequence[str], options: NeuralOptions) -> list[dict[str, Any]]:
    """The trainable parameters for Adam; with ``options.pretrained``, the encoder is loaded
    from it first and its parameters get ``pretrained_lr`` times the learning rate."""
    named = [(n, p) for n, p in net.named_parameters() if p.requires_grad]
    if not options.pretrained:
        return [{"params": [p for _, p in named]}]
    from rasd.ner_pretrain import initialise_from_encoder

    loaded = set(initialise_from_encoder(net, options.pretrained, chars))
    return [
        {"params": [p for n, p in named if n not in loaded]},
        {"params": [p for n, p in named if n in loaded], "lr": options.lr * options.pretrained_lr},
    ]


def _dev_scores(tagger: NeuralTagger, dev: Sequence[Sentence]) -> dict[str, float]:
    from rasd.evaluate.ner import score_sentences

    predicted = tagger.tag_sentences([[token_norm(t) for t in toks] for toks, _ in dev])
    report = score_sentences([tags for _, tags in dev], predicted)
    return {"dev_macro_f1": report["macro"]["f1"], "dev_micro_f1": report["micro"]["f1"]}


def train_neural(
    train: str | Path,
    out: str | Path,
    vectors: tuple[list[str], Any],
    *,
    options: NeuralOptions = NeuralOptions(),
    resources: Resources | None = None,
) -> dict[str, Any]:
    """Train on ``train`` (CoNLL) with word ``vectors`` (words, matrix) and write ``out``."""
    from rasd.ner_train import TrainOptions, split_dev

    torch = _import_torch()
    torch.manual_seed(options.seed)
    torch.set_num_threads(options.threads)
    rng = random.Random(options.seed)
    started = time.process_time()
    out_path = Path(out)
    res = resources or Resources.load(out_path)
    fit, dev = split_dev(read_conll(train), TrainOptions(dev_tail=options.dev_tail))
    words, chars = _vocabularies(vectors[0], fit, options)
    char_ids = {c: i for i, c in enumerate(chars)}
    matrix = _word_matrix(vectors, words, WordEncoder({}, char_ids, res))
    encoder = WordEncoder({w: i for i, w in enumerate(words)}, char_ids, res)
    data = _Data(encoder, fit)
    tuned = _tuned_rows(data, len(words)) if options.word_tuning == "delta" else None
    net = build_network(
        torch.from_numpy(matrix),
        len(chars),
        encoder.cardinalities(),
        len(TAGS),
        options,
        tuned=tuned,
    )
    optimiser = torch.optim.Adam(_param_groups(net, chars, options), lr=options.lr)
    averaged = None
    if options.average > 0:
        from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

        averaged = AveragedModel(net, multi_avg_fn=get_ema_multi_avg_fn(options.average))
    config = {"tags": list(TAGS), "words": words, "chars": chars}
    best: tuple[float, int, dict[str, Any]] = (-1.0, 0, {})
    history = []
    for epoch in range(1, options.epochs + 1):
        net.train()
        total = 0.0
        for batch in data.batches(options.batch, rng):
            optimiser.zero_grad()
            loss = _step(net, data, batch, options)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 5.0)
            optimiser.step()
            if averaged is not None:
                averaged.update_parameters(net)
            total += float(loss.detach())
        net.eval()
        weights = export_weights(net if averaged is None else averaged.module)
        row: dict[str, Any] = {"epoch": epoch, "loss": round(total, 1)}
        if dev:
            # the network's own dev score: plain Viterbi, no bias, no document post-pass
            plain = NeuralTagger(out_path, weights, config, res, options=DocumentOptions())
            row.update(_dev_scores(plain, dev))
        row["cpu_seconds"] = round(time.process_time() - started)
        history.append(row)
        log.info("epoch %s", row)
        score = row.get("dev_macro_f1", float(epoch))
        if score > best[0]:
            best = (score, epoch, weights)
            save_model(out_path, weights, config)  # the best so far survives an interruption
        elif dev and epoch - best[1] >= options.patience:
            break
    return {
        "train_sentences": len(fit),
        "best_epoch": best[1],
        "best_dev_macro_f1": best[0] if dev else None,
        "history": history,
        "cpu_seconds": round(time.process_time() - started),
    }


def load_vectors(path: str | Path) -> tuple[list[str], Any]:
    """(words, matrix) from a file written by `save_vectors`."""
    with np.load(Path(path), allow_pickle=False) as data:
        words = bytes(data["words"]).decode("utf-8").split("\n")
        return words, data["vectors"].astype(np.float32)


def save_vectors(path: str | Path, words: Sequence[str], vectors: Any) -> Path:
    """Keep learned vectors for later runs (``--vectors``): words as UTF-8 lines, float32."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    blob = np.frombuffer("\n".join(words).encode("utf-8"), dtype=np.uint8)
    with out.open("wb") as handle:
        np.savez(handle, words=blob, vectors=np.asarray(vectors, dtype=np.float32))
    return out


def train_ner_neural(
    train: str | Path,
    out: str | Path,
    *,
    news: str | Path | None = None,
    vectors: str | Path | None = None,
    options: NeuralOptions = NeuralOptions(),
    pretrain: Any = None,
) -> dict[str, Any]:
    """`rasd train ner --arch bilstm`: learn word vectors from ``news`` (and keep them in
    ``vectors`` when given), or read them from ``vectors``; learn the word clusters from
    ``news`` too when none lie beside ``out``; with ``pretrain`` (`rasd.ner_pretrain.
    PretrainOptions`), pretrain the encoder on ``news`` as a language model; then train and
    export the tagger."""
    from rasd.errors import InputError
    from rasd.ner_features import clusters_path
    from rasd.ner_train import TrainOptions, learn_and_write_clusters, split_dev

    started = time.process_time()
    out_path = Path(out)
    summary: dict[str, Any] = {}
    if news is not None:
        from rasd.ner_clusters import iter_news_texts
        from rasd.ner_vectors import learn_vectors

        if not clusters_path(out_path).exists():
            learn_and_write_clusters(news, out_path)
        fit, _ = split_dev(read_conll(train), TrainOptions(dev_tail=options.dev_tail))
        train_words = {token_norm(t) for tokens, _ in fit for t in tokens}  # not the dev slice's
        learned = learn_vectors(iter_news_texts(news), extra_words=train_words)
        summary["vectors_cpu_seconds"] = round(time.process_time() - started)
        if vectors is not None:
            save_vectors(vectors, *learned)
    elif vectors is not None and Path(vectors).is_file():
        learned = load_vectors(vectors)
    else:
        raise InputError("the neural tagger needs word vectors: pass --news PATH or --vectors FILE")
    if pretrain is not None:
        from rasd.ner_pretrain import pretrain_tagger

        summary.update(
            pretrain_tagger(train, out_path, learned, news=news, options=options, schedule=pretrain)
        )
    else:
        summary.update(train_neural(train, out_path, learned, options=options))
    summary["cpu_seconds"] = round(time.process_time() - started)
    return summary
