"""The statistical Arabic NER taggers: a linear-chain CRF (python-crfsuite) over rich word features,
the default, and a BiLSTM-CRF (`rasd.ner_neural`), more accurate and slower, chosen with the
environment variable ``RASD_NER_MODEL=neural`` (or a path to any trained model file).

Features of a token (`rasd.ner_features`): its normalised form, clitic-stripped stems, prefixes
and suffixes, shape, membership in the bundled name lexicons and trigger lists (``ner_data/``), and
the word clusters learned from unlabelled news (``models/ner.clusters.tsv``); the same for its
neighbours (±2), plus word bigrams. Everything about one word is computed once and cached, so
tagging is a matter of gluing cached lists together. Tags are IOB2 over ANERcorp's PERS / LOC /
ORG / MISC; `Tagger.tag` reports mentions as `Entity` with labels PER / LOC / ORG / MISC.
"""

from __future__ import annotations

import bisect
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from rasd.document import Document, Entity, Token
from rasd.errors import ModelDataError
from rasd.ner_document import (
    TAG_INDEX,
    TAGS,
    DocumentOptions,
    Scored,
    decode_document,
    iob_spans,
    repair_iob,
    stop_words,
    sure_o_cutoff,
)
from rasd.ner_features import MODEL_PATH, Featurizer, Resources, _model_attributes
from rasd.text import normalise_text, split_sentences, tokenize

NEURAL_MODEL_PATH = Path(__file__).parent / "models" / "ner.npz"
"""The bundled neural tagger (`rasd.ner_neural`), used when ``RASD_NER_MODEL=neural``."""
MODEL_ENV = "RASD_NER_MODEL"
"""``crf`` (the default), ``neural``, or the path of a trained model (``.crfsuite`` / ``.npz``).
The CRF is the default because the BiLSTM-CRF's gain (+3.5 macro-F1 on the ANERcorp test split)
costs about 1.5x the CPU of NER + linking and ~200 MB more memory per process, which would take
a Dask worker past its 400 MB (BENCHMARKS.md, NER)."""
MAX_SENTENCE_TOKENS = 200
"""Longer sentences are tagged in chunks of this many tokens (bounded time on run-on text)."""
LABELS = {"PERS": "PER", "PER": "PER", "LOC": "LOC", "ORG": "ORG", "MISC": "MISC"}
_EDGE_PUNCT = "\"'()[]{}<>«»“”‘’.,:;!?،؛؟…-–—_/*"


CRF_DOCUMENT_OPTIONS = DocumentOptions(propagate=True, name_parts=True, strip_article=False)
"""The CRF's document post-pass (`rasd.ner_document`), chosen on the dev slice of the ANERcorp
train split (the last 15 %, 596 sentences; model fitted on the rest): strings and name parts
carried over, words compared without their proclitics but with their article (dev macro-F1
.649 → .656 on documents of 20 sentences). No decoding bias: (PERS, LOC, ORG, MISC) = (0.5, 0, 2,
1.5) bought +1.4 macro on dev but its marginals cost the CRF path ~20 % CPU, more than this
default tagger's speed allows; type resolution did not help on dev. ``scripts/
tune_ner_document.py``; BENCHMARKS.md, NER."""


@dataclass(frozen=True, slots=True)
class TagOptions:
    """How tags are decoded. ``o_threshold`` > 0 trades precision for recall: a token the
    Viterbi path calls O but whose marginal P(O) is below it takes its best entity tag (tried on
    a dev slice of the train split, see BENCHMARKS.md: 0, plain Viterbi). ``document``: the
    per-type bias against O and the document-level post-pass (`rasd.ner_document`)."""

    o_threshold: float = 0.0
    document: DocumentOptions = CRF_DOCUMENT_OPTIONS


DEFAULT_TAG_OPTIONS = TagOptions()


class SequenceTagger(Protocol):
    """What the entities stage and the evaluation need of a tagger (CRF or neural)."""

    model_path: Path

    def tag(self, doc: Document) -> list[Entity]: ...

    def tag_norms(self, norms: Sequence[str]) -> list[str]: ...

    def tag_document(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]: ...


def load_tagger(model: str | Path) -> SequenceTagger:
    """A trained tagger from its file: ``.npz`` the neural one, anything else a CRF."""
    path = Path(model)
    if path.suffix == ".npz":
        from rasd.ner_neural import NeuralTagger

        return NeuralTagger.load(path)
    return Tagger.load(path)


def builtin_model_path() -> Path:
    """The model `Tagger.builtin` loads: the CRF unless ``RASD_NER_MODEL`` says otherwise."""
    choice = os.environ.get(MODEL_ENV, "").strip()
    if choice in ("", "crf"):
        return MODEL_PATH
    if choice == "neural":
        return NEURAL_MODEL_PATH
    return Path(choice).expanduser()


@lru_cache(maxsize=4)
def _builtin(model: Path) -> SequenceTagger:
    return load_tagger(model)


class Tagger:
    """A trained CRF with its featurizer. Load the bundled one with `Tagger.builtin`."""

    def __init__(
        self, model: Path, resources: Resources, options: TagOptions = DEFAULT_TAG_OPTIONS
    ) -> None:
        import pycrfsuite

        if not model.is_file():
            raise ModelDataError(
                f"{model}: the NER model file is missing; reinstall rasd or train it with "
                "`rasd train ner --out " + str(model) + "`"
            )
        self.model_path = model
        self._crf = pycrfsuite.Tagger()
        try:
            self._crf.open(str(model))
        except (OSError, ValueError) as err:
            raise ModelDataError(f"{model}: not a readable CRF model ({err})") from err
        self.featurizer = Featurizer(resources, known=_model_attributes(self._crf))
        self.options = options
        self._stop = (
            stop_words(options.document, resources.triggers) if options.document.active else None
        )
        self._labels = frozenset(self._crf.labels())
        self._entity_labels = [y for y in self._crf.labels() if y != "O"]

    @classmethod
    def load(cls, model: str | Path, options: TagOptions = DEFAULT_TAG_OPTIONS) -> Tagger:
        path = Path(model)
        return cls(path, Resources.load(path), options)

    @classmethod
    def builtin(cls) -> SequenceTagger:
        """The bundled model (the CRF, or what ``RASD_NER_MODEL`` names), loaded once per
        process."""
        return _builtin(builtin_model_path())

    def tag_norms(self, norms: Sequence[str]) -> list[str]:
        """IOB2 tags (PERS/LOC/ORG/MISC) for a sentence of normalised words, chunked if long."""
        return self.tag_document([norms])[0]

    def tag_document(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        """IOB2 tags for the sentences of one document (normalised words; long ones chunked),
        with the recall-aware decoding and document post-pass of ``options.document``."""
        return document_tags(self._decode_document, sentences)

    def _decode_document(
        self, chunks: Sequence[Sequence[str]]
    ) -> tuple[list[list[str]], list[Scored]]:
        options = self.options.document
        scored = [self._score(c) for c in chunks]
        if self.options.o_threshold > 0 or not options.active:
            return [self._threshold(s) for s in scored], scored
        return decode_document(scored, options, self._stop or frozenset()), scored

    def _score(self, norms: Sequence[str], *, full: bool = False) -> Scored:
        """Viterbi tags and their marginals, as few as the decoding needs: with ``full`` every
        row; else the full rows of entity tokens and of the O tokens the bias could turn (letters
        only, not a frequent word or trigger) when there are any, otherwise only each entity
        token's own tag (what the scores need). The rows left out stay one-hot O."""
        tags: list[str] = self._crf.tag(self.featurizer.sentence(norms))
        probs = np.zeros((len(tags), len(TAGS)))
        probs[:, 0] = 1.0
        marginal = self._crf.marginal
        entity = [k for k, tag in enumerate(tags) if tag != "O"]
        loose = list(range(len(tags))) if full else self._loose(norms, tags)
        if not loose:
            for k in entity:
                probs[k, 0] = 0.0
                probs[k, TAG_INDEX[tags[k]]] = marginal(tags[k], k)
            return Scored(norms, tags, probs)
        for k in sorted({*entity, *loose}):
            probs[k] = [marginal(y, k) if y in self._labels else 0.0 for y in TAGS]
        return Scored(norms, tags, probs)

    def _loose(self, norms: Sequence[str], tags: Sequence[str]) -> list[int]:
        """The O tokens of a tagged sentence that the bias could make entities."""
        bias = self.options.document.bias
        if not any(bias):
            return []
        cutoff = sure_o_cutoff(bias)
        stop = self._stop or frozenset()
        marginal = self._crf.marginal
        return [
            k
            for k, (tag, norm) in enumerate(zip(tags, norms, strict=True))
            if tag == "O"
            and norm not in stop
            and norm.isalpha()
            and marginal("O", k) < cutoff  # frequent words and punctuation are not turned
        ]

    def _threshold(self, scored: Scored) -> list[str]:
        """With ``o_threshold``: tokens whose P(O) is below it take their best entity tag."""
        theta = self.options.o_threshold
        tags = list(scored.tags)
        if theta <= 0.0:
            return tags
        marginal = self._crf.marginal
        for k, tag in enumerate(tags):
            if tag == "O" and marginal("O", k) < theta:
                scored_tags = [(marginal(y, k), y) for y in self._entity_labels]
                tags[k] = max(scored_tags)[1]
        return repair_iob(tags)

    def tag(self, doc: Document) -> list[Entity]:
        """Entity mentions (PER/LOC/ORG/MISC, ``source="model"``) over whole original tokens, each
        scored with the lowest marginal probability of its tokens' tags."""
        return document_entities(self._decode_document, doc)


def chunk_starts(norms: Sequence[str]) -> range:
    """Where each chunk of at most `MAX_SENTENCE_TOKENS` words of a sentence starts."""
    return range(0, len(norms), MAX_SENTENCE_TOKENS)


DecodeChunks = Callable[[Sequence[Sequence[str]]], tuple[list[list[str]], list[Scored]]]
"""A tagger's document decoding: chunks of at most `MAX_SENTENCE_TOKENS` normalised words, all
of one document → their IOB2 tags (after the document post-pass) and their scores."""


def document_tags(decode: DecodeChunks, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
    """IOB2 tags for the sentences of one document: long sentences cut into chunks, the chunks
    decoded together by ``decode``, and each sentence's tags glued back."""
    chunks = [s[a : a + MAX_SENTENCE_TOKENS] for s in sentences for a in chunk_starts(s)]
    tags = iter(decode(chunks)[0])
    return [[t for _ in chunk_starts(s) for t in next(tags)] for s in sentences]


def document_entities(decode: DecodeChunks, doc: Document) -> list[Entity]:
    """Entity mentions of a document (``source="model"``) over whole original tokens, its
    sentence chunks decoded together by ``decode``, each scored as `chunk_entities` says."""
    chunks = sentence_chunks(doc)
    tags, scored = decode([[t.norm for t in chunk] for chunk in chunks])
    entities: list[Entity] = []
    for chunk, chunk_tags, sent in zip(chunks, tags, scored, strict=True):
        entities += chunk_entities(doc.text, chunk, chunk_tags, sent.probs)
    return entities


def chunk_entities(
    text: str, chunk: Sequence[Token], tags: Sequence[str], probs: Any
) -> list[Entity]:
    """The mentions of a tagged chunk of tokens, each scored with the lowest marginal
    probability of its tokens' tags (``probs``: tokens × `TAGS`)."""
    out = []
    for i, j, label in iob_spans(tags):
        start, end = chunk[i].start, chunk[j - 1].end
        score = min(float(probs[k, TAG_INDEX[tags[k]]]) for k in range(i, j))
        out.append(Entity(start, end, text[start:end], LABELS[label], score=round(score, 4)))
    return out


def sentence_chunks(doc: Document) -> list[list[Token]]:
    """The tokens of each sentence (the text's own split when the document is not segmented),
    in chunks of at most `MAX_SENTENCE_TOKENS`: what a tagger reads at once."""
    tokens = list(doc.tokens) or tokenize(doc.text)
    spans = [(s.start, s.end) for s in doc.sentences] or split_sentences(doc.text)
    starts = [t.start for t in tokens]
    chunks: list[list[Token]] = []
    for a, b in spans:
        sent = tokens[bisect.bisect_left(starts, a) : bisect.bisect_left(starts, b)]
        chunks += [
            sent[c : c + MAX_SENTENCE_TOKENS] for c in range(0, len(sent), MAX_SENTENCE_TOKENS)
        ]
    return chunks


def token_norm(token: str) -> str:
    """The normalised form of a pre-tokenised word, without punctuation stuck to its edges
    (ANERcorp keeps some: ``كابول؛``), as rasd's own tokenizer would have split it off."""
    norm = normalise_text(token)
    return norm.strip(_EDGE_PUNCT) or norm


def tag_tokens(tokens: Sequence[str], tagger: SequenceTagger | None = None) -> list[str]:
    """IOB2 tags for a pre-tokenised sentence (ANERcorp style), for evaluation."""
    return (tagger or Tagger.builtin()).tag_norms([token_norm(t) for t in tokens])
