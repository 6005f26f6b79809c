"""The neural Arabic NER tagger at run time: char-CNN + word vectors + word features → BiLSTM → CRF,
in numpy only (the model is trained in torch by `rasd.ner_neural_train` and exported to one
``.npz``).

A word's input — its pretrained news vector, a character CNN over its letters, and small
embeddings of the cheap features the CRF also uses (name-lexicon and trigger flags, word
clusters, shape, clitic prefix) — depends on the word alone, so its projection into both LSTM
directions is computed once per word and kept in a least-recently-used cache (50,000 words).
Per document the sentences (chunks of at most `MAX_SENTENCE_TOKENS`) are sorted longest first
and run in batches of `BATCH_SENTENCES`: only
the recurrent ``h·W`` of both directions (one batched matmul over the sentences still running)
is left in the time loop, and Viterbi and the marginals are vectorised over the batch.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rasd.document import Document, Entity
from rasd.errors import ModelDataError
from rasd.ner import (
    MAX_SENTENCE_TOKENS,
    chunk_starts,
    document_entities,
    document_tags,
    repair_iob,
)
from rasd.ner_document import TAGS, DocumentOptions, Scored, decode_document, stop_words
from rasd.ner_features import (
    PROCLITIC_PREFIXES,
    SHAPE_KINDS,
    Resources,
    proclitic_prefix,
    shape_kind,
)
from rasd.text import clitic_candidates

MAX_WORD_CHARS = 24
"""Longer words keep their first characters only (bounded work on run-on Latin strings)."""
LEXICON_FLAGS = ("P", "L", "O", "C")
TRIGGER_CLASSES = ("", "TPER", "TORG", "TLOC", "TNORP", "TSAY")
CATEGORICAL = ("trigger", "c0", "c1", "c2", "kind", "length", "prefix")
"""The categorical word features, in the order of `WordEncoder.encode`'s third item."""
BATCH_SENTENCES = 64
"""Sentences run through the network together (memory stays bounded on huge documents)."""
PAD, UNK = 0, 1
NEURAL_DOCUMENT_OPTIONS = DocumentOptions(propagate=True, name_parts=True, strip_article=False)
"""The BiLSTM-CRF's document post-pass (`rasd.ner_document`), the same as the CRF's, chosen on the
dev slice of the ANERcorp train split (the last 15 %, 596 sentences) with a model of the shipped
settings fitted on the rest: plain Viterbi .7194 macro-F1, this post-pass .7213 per sentence and
.7218 on documents of 20 sentences. No decoding bias: on this model the best bias (ORG 1.0) moved
dev macro by +.0006 (every variant stayed within ±.003 of plain Viterbi), and the bias chosen for
the previous model, (PERS, LOC, ORG, MISC) = (0.5, 0, 1, 1.5), cost test macro .678 → .670.
``scripts/tune_ner_document.py``; BENCHMARKS.md, NER."""


@dataclass(frozen=True)
class WordEncoder:
    """Turns a normalised word into the ids and flags the network reads."""

    words: dict[str, int]
    chars: dict[str, int]
    resources: Resources

    def cardinalities(self) -> tuple[int, ...]:
        """How many values each categorical feature takes (0 always means none)."""
        n_clusters = [1, 1, 1]
        for ids in self.resources.clusters.values():
            for i, c in enumerate(ids[:3]):
                n_clusters[i] = max(n_clusters[i], int(c) + 2)
        return (
            len(TRIGGER_CLASSES),
            *n_clusters,
            len(SHAPE_KINDS),
            MAX_WORD_CHARS + 1,
            len(PROCLITIC_PREFIXES) + 1,
        )

    def word_id(self, norm: str) -> int:
        """The word's row in the vector table: its own, else its first clitic stem's, else UNK."""
        return self._word_id(norm, clitic_candidates(norm) if norm.isalpha() else (norm,))

    def _word_id(self, norm: str, stems: Sequence[str]) -> int:
        word = self.words.get(norm)
        if word is None:
            word = next((self.words[s] for s in stems[1:] if s in self.words), UNK)
        return word

    def encode(self, norm: str) -> tuple[int, list[int], list[int], list[float]]:
        """(word id, char ids, categorical ids, binary flags) of one normalised word."""
        res = self.resources
        stems = clitic_candidates(norm) if norm.isalpha() else (norm,)
        word = self._word_id(norm, stems)
        chars = [self.chars.get(c, UNK) for c in norm[:MAX_WORD_CHARS]] or [UNK]
        trig = res.triggers.get(norm) or next(
            (res.triggers[s] for s in stems[1:] if s in res.triggers), ""
        )
        cl = res.clusters.get(norm) or next(
            (res.clusters[s] for s in stems[1:] if s in res.clusters), ()
        )
        clusters = [int(c) + 1 for c in cl[:3]] + [0] * (3 - len(cl[:3]))
        prefix = proclitic_prefix(norm)
        cats = [
            TRIGGER_CLASSES.index(trig) if trig in TRIGGER_CLASSES else 0,
            *clusters,
            SHAPE_KINDS.index(shape_kind(norm)),
            min(len(norm), MAX_WORD_CHARS),
            PROCLITIC_PREFIXES.index(prefix) + 1 if prefix else 0,
        ]
        own = set(res.lexicon.get(norm, "").split())
        via_stem = {f for s in stems[1:] for f in res.lexicon.get(s, "").split()}
        flags = [float(f in own) for f in LEXICON_FLAGS]
        flags += [float(f in via_stem and f not in own) for f in LEXICON_FLAGS]
        return word, chars, cats, flags


def _sigmoid(x: Any) -> Any:
    return 0.5 * (np.tanh(0.5 * x) + 1.0)


class NeuralNet:
    """The forward pass of the exported network over batches of encoded words (numpy)."""

    def __init__(self, weights: dict[str, Any]) -> None:
        w = {k: np.asarray(v, dtype=np.float32) for k, v in weights.items()}
        self.w = w
        self.hidden = w["lstm_f_hh"].shape[1]
        self.convs = []  # (width, (width · char dim, filters) matrix, bias) per CNN width
        for i in range(len([k for k in w if k.startswith("char_conv_w")])):
            conv = w[f"char_conv_w{i or ''}"]  # (filters, char dim, width)
            flat = conv.transpose(2, 1, 0).reshape(-1, conv.shape[0])
            self.convs.append((conv.shape[2], flat, w[f"char_conv_b{i or ''}"]))
        self.cat_tables = [w[f"cat_{name}"] for name in CATEGORICAL]
        hs = self.hidden
        gates = np.r_[0 : 2 * hs, 3 * hs : 4 * hs, 2 * hs : 3 * hs]  # torch's i f g o → i f o g
        self.w_in = np.concatenate([w["lstm_f_ih"][gates], w["lstm_b_ih"][gates]]).T
        self.b_in = np.concatenate(
            [(w[f"lstm_{d}_bih"] + w[f"lstm_{d}_bhh"])[gates] for d in ("f", "b")]
        )
        self.w_hh = np.stack([w["lstm_f_hh"][gates].T, w["lstm_b_hh"][gates].T])  # (2, H, 4H)
        self.exp_trans = np.exp(w["crf_trans"].astype(np.float64))
        self.exp_start = np.exp(w["crf_start"].astype(np.float64))
        self.exp_end = np.exp(w["crf_end"].astype(np.float64))

    def word_inputs(self, encoded: Sequence[tuple[int, list[int], list[int], list[float]]]) -> Any:
        """The input projections (both directions, ``8 × hidden``) of encoded words."""
        w = self.w
        n = len(encoded)
        longest = max(len(e[1]) for e in encoded)
        chars = np.zeros((n, longest), dtype=np.int64)
        for i, e in enumerate(encoded):
            chars[i, : len(e[1])] = e[1]
        emb = w["char_emb"][chars]  # (n, L, C)
        lengths = np.array([len(e[1]) for e in encoded])
        parts = [w["word_emb"][np.array([e[0] for e in encoded])]]
        for width, flat, bias in self.convs:
            half = width // 2
            steps = longest + 2 * half - width + 1  # one more than the letters for even widths
            padded = np.pad(emb, ((0, 0), (half, half), (0, 0)))
            windows = np.concatenate([padded[:, k : k + steps] for k in range(width)], axis=2)
            conv = windows @ flat + bias
            conv[np.arange(steps)[None, :] >= lengths[:, None] + (steps - longest)] = -np.inf
            parts.append(np.tanh(conv.max(axis=1)))
        cats = np.array([e[2] for e in encoded], dtype=np.int64)
        parts += [table[cats[:, i]] for i, table in enumerate(self.cat_tables)]
        parts.append(np.array([e[3] for e in encoded], dtype=np.float32))
        x = np.concatenate(parts, axis=1)
        return (x @ self.w_in + self.b_in).astype(np.float32)

    def _bilstm(self, proj: Any, running: Any) -> Any:
        """Both LSTM directions at once over ``proj`` (2, batch, time, 4H): ``running[k]``
        sequences are still going at step ``k``, always the first ones (lengths fall)."""
        _, b, t, _ = proj.shape
        hs = self.hidden
        h = np.zeros((2, b, hs), dtype=np.float32)
        c = np.zeros((2, b, hs), dtype=np.float32)
        out = np.zeros((2, b, t, hs), dtype=np.float32)
        for k in range(t):
            n = running[k]
            gates = proj[:, :n, k] + np.matmul(h[:, :n], self.w_hh)
            sig = _sigmoid(gates[..., : 3 * hs])
            c = sig[..., hs : 2 * hs] * c[:, :n] + sig[..., :hs] * np.tanh(gates[..., 3 * hs :])
            h = sig[..., 2 * hs :] * np.tanh(c)
            out[:, :n, k] = h
        return out

    def emissions(self, proj: Any, lengths: Any) -> Any:
        """Tag scores (batch, time, tags) from word projections (batch, time, 8H) of sequences
        padded at the end, ``lengths`` in falling order."""
        hs = self.hidden
        rows, _, rev = _reversal(lengths, proj.shape[1])
        both = np.empty((2, *proj.shape[:2], 4 * hs), dtype=np.float32)
        both[0] = proj[:, :, : 4 * hs]
        both[1] = proj[rows, rev, 4 * hs :]
        return self.emissions_split(both, lengths)

    def emissions_split(self, both: Any, lengths: Any) -> Any:
        """`emissions` from the projections split by direction (2, batch, time, 4H), the
        backward one already reversed within each sequence."""
        rows, _, rev = _reversal(lengths, both.shape[2])
        out = self._bilstm(both, _running(lengths, both.shape[2]))
        hidden = np.concatenate([out[0], out[1][rows, rev]], axis=2)
        return hidden @ self.w["out_w"].T + self.w["out_b"]

    def viterbi(self, emit: Any, lengths: Any) -> Any:
        """Best tag ids (batch, time) under the CRF, ``lengths`` in falling order; positions past
        a sequence's end are junk."""
        trans = self.w["crf_trans"]
        b, t, k = emit.shape
        running = _running(lengths, t)
        score = self.w["crf_start"] + emit[:, 0]
        back = np.empty((b, t, k), dtype=np.int64)
        back[:] = np.arange(k)  # past its end a sequence keeps its tag
        for s in range(1, t):
            n = running[s]
            cand = score[:n, :, None] + trans
            back[:n, s] = cand.argmax(axis=1)
            score[:n] = cand.max(axis=1) + emit[:n, s]
        last = (score + self.w["crf_end"]).argmax(axis=1)
        path = np.empty((b, t), dtype=np.int64)
        path[:, t - 1] = last
        rows = np.arange(b)
        for s in range(t - 1, 0, -1):
            last = back[rows, s, last]
            path[:, s - 1] = last
        return path

    def marginals(self, emit: Any, lengths: Any) -> Any:
        """P(tag at position) under the CRF, (batch, time, tags), ``lengths`` in falling order:
        forward-backward in probability space, rescaled at every step."""
        b, t, k = emit.shape
        running = _running(lengths, t)
        e = np.exp(emit - emit.max(axis=2, keepdims=True)).astype(np.float64)
        alpha = np.zeros((b, t, k))
        beta = np.zeros((b, t, k))
        a = self.exp_start * e[:, 0]
        alpha[:, 0] = a / a.sum(axis=1, keepdims=True)
        for s in range(1, t):
            n = running[s]
            a = (alpha[:n, s - 1] @ self.exp_trans) * e[:n, s]
            alpha[:n, s] = a / a.sum(axis=1, keepdims=True)
        for s in range(t - 1, -1, -1):
            going = running[s + 1] if s + 1 < t else 0
            if going:
                nb = (e[:going, s + 1] * beta[:going, s + 1]) @ self.exp_trans.T
                beta[:going, s] = nb / nb.sum(axis=1, keepdims=True)
            beta[going : running[s], s] = self.exp_end / self.exp_end.sum()
        p = alpha * beta
        total = p.sum(axis=2, keepdims=True)
        return p / np.where(total > 0, total, 1.0)


def _reversal(lengths: Any, t: int) -> tuple[Any, Any, Any]:
    """(row, step, step reversed within its sequence) index grids; padding stays in place."""
    steps = np.arange(t)[None, :]
    rev = np.where(steps < lengths[:, None], lengths[:, None] - 1 - steps, steps)
    return np.arange(len(lengths))[:, None], steps, rev


def _running(lengths: Any, t: int) -> Any:
    """How many sequences (lengths in falling order) are still going at each step."""
    if len(lengths) > 1 and np.any(np.diff(lengths) > 0):
        raise ValueError("sequences must come longest first")
    return (lengths[None, :] > np.arange(t)[:, None]).sum(axis=1)


class NeuralTagger:
    """A trained neural tagger: same interface as the CRF `rasd.ner.Tagger`."""

    def __init__(
        self,
        model: Path,
        weights: dict[str, Any],
        config: dict[str, Any],
        resources: Resources | None = None,
        options: DocumentOptions = NEURAL_DOCUMENT_OPTIONS,
    ) -> None:
        self.model_path = model
        self.options = options
        self._stop = frozenset[str]()
        self.tags: list[str] = list(config["tags"])
        self._columns = np.array([self.tags.index(t) if t in self.tags else -1 for t in TAGS])
        words = config["words"]
        self.encoder = WordEncoder(
            words={w: i for i, w in enumerate(words)},
            chars={c: i for i, c in enumerate(config["chars"])},
            resources=resources or Resources.load(model),
        )
        self.net = NeuralNet(weights)
        if options.active:
            self._stop = stop_words(options, self.encoder.resources.triggers)
        self._cache: OrderedDict[str, Any] = OrderedDict()
        self._cache_size = 50_000
        """Words whose input projections are kept (3.2 kB each: at most 160 MB)."""

    @classmethod
    def load(
        cls, model: str | Path, options: DocumentOptions = NEURAL_DOCUMENT_OPTIONS
    ) -> NeuralTagger:
        path = Path(model)
        if not path.is_file():
            raise ModelDataError(
                f"{path}: the NER model file is missing; reinstall rasd or train it with "
                f"`rasd train ner --arch bilstm --out {path}`"
            )
        try:
            with np.load(path, allow_pickle=False) as data:
                arrays = {k: data[k] for k in data.files}
            config = json.loads(bytes(arrays.pop("config")).decode("utf-8"))
            return cls(path, arrays, config, options=options)
        except (OSError, ValueError, KeyError) as err:
            raise ModelDataError(f"{path}: not a readable neural NER model ({err})") from err

    def _projections(self, sentences: Sequence[Sequence[str]], width: int) -> Any:
        """Word projections of sentences, by direction, padded to ``width`` (2, batch, width,
        4H); the backward direction's reversed within each sentence."""
        cache = self._cache
        words = {n for s in sentences for n in s}
        for n in words & cache.keys():
            cache.move_to_end(n)  # least recently used words are evicted first
        missing = sorted(words - cache.keys())
        if missing:
            proj = self.net.word_inputs([self.encoder.encode(n) for n in missing])
            cache.update(zip(missing, proj, strict=True))
        sizes = [len(s) for s in sentences]
        rows = np.repeat(np.arange(len(sentences)), sizes)
        cols = np.concatenate([np.arange(n) for n in sizes])
        rev = np.concatenate([np.arange(n - 1, -1, -1) for n in sizes])
        flat = np.stack([cache[n] for s in sentences for n in s])
        while len(cache) > self._cache_size:
            cache.popitem(last=False)
        half = flat.shape[1] // 2
        out = np.zeros((2, len(sentences), width, half), dtype=np.float32)
        out[0, rows, cols] = flat[:, :half]
        out[1, rows, rev] = flat[:, half:]
        return out

    def decode_batch(self, sentences: Sequence[Sequence[str]]) -> list[Scored]:
        """Viterbi tags and marginals (tokens × `TAGS`) of sentences of at most
        `MAX_SENTENCE_TOKENS` normalised words, sorted by length and run in batches of
        `BATCH_SENTENCES` (bounded memory on documents of thousands of sentences)."""
        out = [Scored(s, [], np.zeros((0, len(TAGS)))) for s in sentences]
        order = sorted((i for i, s in enumerate(sentences) if s), key=lambda i: -len(sentences[i]))
        for a in range(0, len(order), BATCH_SENTENCES):
            group = order[a : a + BATCH_SENTENCES]
            decoded = self._decode_group([sentences[i] for i in group])
            for i, result in zip(group, decoded, strict=True):
                out[i] = result
        return out

    def _decode_group(self, sentences: Sequence[Sequence[str]]) -> list[Scored]:
        lengths = np.array([len(s) for s in sentences])
        proj = self._projections(sentences, int(lengths.max()))
        emit = self.net.emissions_split(proj, lengths)
        paths = self.net.viterbi(emit, lengths)
        probs = self.net.marginals(emit, lengths)
        padded = np.concatenate([probs, np.zeros((*probs.shape[:2], 1))], axis=2)
        columns = padded[:, :, self._columns]  # in `TAGS` order; absent tags 0
        out = []
        for row, n in enumerate(lengths):
            tags = repair_iob([self.tags[j] for j in paths[row, :n]])
            out.append(Scored(sentences[row], tags, columns[row, :n]))
        return out

    def _decode_document(
        self, chunks: Sequence[Sequence[str]]
    ) -> tuple[list[list[str]], list[Scored]]:
        scored = self.decode_batch(chunks)
        if not self.options.active:
            return [s.tags for s in scored], scored
        return decode_document(scored, self.options, self._stop), scored

    def tag_document(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        """IOB2 tags for the sentences of one document (normalised words; long ones chunked),
        with the recall-aware decoding and document post-pass of ``options``."""
        return document_tags(self._decode_document, sentences)

    def tag_sentences(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        """IOB2 tags for many independent sentences of normalised words (each its own document
        for the post-pass), run through the network together."""
        chunks = [s[a : a + MAX_SENTENCE_TOKENS] for s in sentences for a in chunk_starts(s)]
        scored = iter(self.decode_batch(chunks))
        out = []
        for s in sentences:
            own = [next(scored) for _ in chunk_starts(s)]
            tags = decode_document(own, self.options, self._stop) if self.options.active else None
            out.append([t for chunk in tags or [c.tags for c in own] for t in chunk])
        return out

    def tag_norms(self, norms: Sequence[str]) -> list[str]:
        """IOB2 tags (PERS/LOC/ORG/MISC) for a sentence of normalised words, chunked if long."""
        return self.tag_document([norms])[0]

    def tag(self, doc: Document) -> list[Entity]:
        """Entity mentions (PER/LOC/ORG/MISC, ``source="model"``) over whole original tokens, each
        scored with the lowest marginal probability of its tokens' tags."""
        return document_entities(self._decode_document, doc)
