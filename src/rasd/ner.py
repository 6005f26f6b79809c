"""The statistical Arabic NER taggers: a linear-chain CRF (python-crfsuite) over rich word features,
the default, and a BiLSTM-CRF (`rasd.ner_neural`), more accurate and slower, chosen with the
environment variable ``RASD_NER_MODEL=neural`` (or a path to any trained model file).

Features of a token: its normalised form, clitic-stripped stems, prefixes and suffixes, shape,
membership in the bundled name lexicons and trigger lists (``ner_data/``), and the word clusters
learned from unlabelled news (``models/ner.clusters.tsv``); the same for its neighbours (±2), plus
word bigrams. Everything about one word is computed once and cached, so tagging is a matter of
gluing cached lists together. Tags are IOB2 over ANERcorp's PERS / LOC / ORG / MISC; `Tagger.tag`
reports mentions as `Entity` with labels PER / LOC / ORG / MISC.
"""

from __future__ import annotations

import bisect
import os
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
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
from rasd.text import clitic_candidates, normalise_text, split_sentences, tokenize

DATA_DIR = Path(__file__).parent / "ner_data"
MODEL_PATH = Path(__file__).parent / "models" / "ner.crfsuite"
NEURAL_MODEL_PATH = Path(__file__).parent / "models" / "ner.npz"
"""The bundled neural tagger (`rasd.ner_neural`), used when ``RASD_NER_MODEL=neural``."""
MODEL_ENV = "RASD_NER_MODEL"
"""``crf`` (the default), ``neural``, or the path of a trained model (``.crfsuite`` / ``.npz``).
The CRF is the default because the BiLSTM-CRF's gain (+1.5 macro-F1 on the ANERcorp test split)
costs a third of the speed and ~150 MB more memory per process (BENCHMARKS.md, NER)."""
MAX_SENTENCE_TOKENS = 200
"""Longer sentences are tagged in chunks of this many tokens (bounded time on run-on text)."""
LABELS = {"PERS": "PER", "PER": "PER", "LOC": "LOC", "ORG": "ORG", "MISC": "MISC"}
_EDGE_PUNCT = "\"'()[]{}<>«»“”‘’.,:;!?،؛؟…-–—_/*"
PROCLITIC_PREFIXES = ("وبال", "وال", "بال", "لل", "فال", "كال", "ال", "و", "ب", "ل", "ف", "ك")


def clusters_path(model: Path) -> Path:
    """Where a model's word clusters live: ``ner.crfsuite`` → ``ner.clusters.tsv`` beside it."""
    return model.with_suffix(".clusters.tsv")


def _read_table(path: Path) -> dict[str, str]:
    """``key<TAB>value`` lines after ``#`` comments."""
    table: dict[str, str] = {}
    try:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("#") or not line.strip():
                    continue
                key, _, value = line.rstrip("\n").partition("\t")
                table[key] = value
    except OSError as err:
        raise ModelDataError(
            f"{path}: cannot read NER data ({err.strerror}); reinstall rasd or rebuild it with "
            "scripts/build_ner_lexicons.py"
        ) from err
    return table


@dataclass(frozen=True)
class Resources:
    """The word lists the features consult: name lexicons, trigger words and clusters."""

    lexicon: dict[str, str] = field(default_factory=dict)
    """Normalised word → membership flags, e.g. ``"P L"`` (person name, place name)."""
    triggers: dict[str, str] = field(default_factory=dict)
    """Normalised word → trigger class (``TPER`` a title, ``TORG`` an organisation head…)."""
    clusters: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def load(cls, model: Path | None = None, *, clusters: bool = True) -> Resources:
        from rasd.ner_clusters import read_clusters

        cluster_file = clusters_path(model or MODEL_PATH)
        return cls(
            lexicon=_read_table(DATA_DIR / "lexicon.tsv"),
            triggers=_read_table(DATA_DIR / "triggers.tsv"),
            clusters=read_clusters(cluster_file) if clusters and cluster_file.exists() else {},
        )


Feature = str | bytes
"""A CRF attribute: ``str`` while training; when tagging with a trained model, the UTF-8 bytes
of one of its attributes (CRFsuite copies bytes as they are instead of encoding each string)."""


class Featurizer:
    """Turns sentences of normalised words into CRF feature lists, caching per-word work.

    The cache keeps the ``cache_size`` most recently used words (least recently used evicted
    first, so the frequent words of news stay in it). With a trained model (``known``) a word's
    features are shared bytes objects, one per model attribute, so an entry costs a few
    hundred bytes of pointers."""

    def __init__(
        self,
        resources: Resources,
        *,
        known: frozenset[str] | None = None,
        cache_size: int = 50_000,
    ) -> None:
        self.resources = resources
        self.known = known
        """The attributes a trained model has weights for: the others are dropped (exactly the
        same scores, fewer strings for CRFsuite to look up). None while training."""
        self._encoded = None if known is None else {a: a.encode("utf-8") for a in known}
        self._tables = None if self._encoded is None else _attribute_tables(self._encoded)
        self._pair_ends = _pair_ends(known)
        self._cache: OrderedDict[str, tuple[tuple[Feature, ...], ...]] = OrderedDict()
        self._cache_size = cache_size
        self._bos: Feature = "BOS" if known is None else b"BOS"
        self._eos: Feature = "EOS" if known is None else b"EOS"

    def word(self, norm: str) -> tuple[tuple[Feature, ...], ...]:
        """Features of one word: as the current word, then as the neighbour at -2, -1, +1, +2
        (already prefixed with the offset, so a sentence is just lists glued together)."""
        cache = self._cache
        hit = cache.get(norm)
        if hit is not None:
            cache.move_to_end(norm)
            return hit
        hit = self._compute(norm)
        if len(cache) >= self._cache_size:
            cache.popitem(last=False)
        cache[norm] = hit
        return hit

    def _compute(self, norm: str) -> tuple[tuple[Feature, ...], ...]:
        groups = word_attributes(self.resources, norm)
        tables = self._tables
        if tables is None:
            return tuple(
                tuple([render_attribute(offset, a) for a in group])
                for offset, group in zip(OFFSETS, groups, strict=True)
            )
        return tuple(_select(table, group) for table, group in zip(tables, groups, strict=True))

    def sentence(self, norms: Sequence[str]) -> list[list[Feature]]:
        """Feature lists for each word of a sentence: its own features, then those of the words
        at -2 and -1, the bigram with the previous word (``BOS`` at the start), the features of
        the word at +1, the bigram with the next word (``EOS`` at the end), the word at +2."""
        pad = [_NO_WORD, _NO_WORD]
        feats = [*pad, *(self.word(n) for n in norms), *pad]
        lefts, rights = self._bigrams(norms)
        return [
            [*own[0], *m2[1], *m1[2], *left, *p1[3], *right, *p2[4]]
            for m2, m1, own, p1, p2, left, right in zip(
                feats, feats[1:], feats[2:], feats[3:], feats[4:], lefts, rights, strict=False
            )
        ]

    def _bigrams(self, norms: Sequence[str]) -> tuple[list[tuple[Feature, ...]], ...]:
        """Each word's bigram attribute with the previous word and with the next one (empty when
        the model has no weight for it), ``BOS`` / ``EOS`` at the edges."""
        pairs = list(pairwise(norms))
        encoded = self._encoded
        if encoded is None:
            lefts: list[tuple[Feature, ...]] = [(f"b-={a}|{b}",) for a, b in pairs]
            rights: list[tuple[Feature, ...]] = [(f"b+={a}|{b}",) for a, b in pairs]
        else:
            ends_minus, ends_plus = self._pair_ends
            lefts = [
                (attr,)
                if b in ends_minus and (attr := encoded.get(f"b-={a}|{b}")) is not None
                else ()
                for a, b in pairs
            ]
            rights = [
                (attr,)
                if b in ends_plus and (attr := encoded.get(f"b+={a}|{b}")) is not None
                else ()
                for a, b in pairs
            ]
        return [(self._bos,), *lefts], [*rights, (self._eos,)]


_NO_WORD: tuple[tuple[Feature, ...], ...] = ((), (), (), (), ())
"""The features (one group per `OFFSETS`) of the missing words beyond a sentence's edges."""


def _pair_ends(known: frozenset[str] | None) -> tuple[frozenset[str], frozenset[str]]:
    """Every word that may end a known ``b-=`` / ``b+=`` bigram attribute (the text after any
    ``|`` in it, as words may contain one): a bigram whose second word is not among them has no
    weight, and its string need not be built."""
    ends: dict[str, set[str]] = {"b-=": set(), "b+=": set()}
    for attr in known or ():
        body = attr[3:]
        if attr[:3] in ends:
            ends[attr[:3]].update(body[k + 1 :] for k, ch in enumerate(body) if ch == "|")
    return frozenset(ends["b-="]), frozenset(ends["b+="])


Attribute = tuple[str, str | None]
"""A word feature as (name, value): ``("w", "كازاخستان")`` is the CRF attribute
``w=كازاخستان``; ``("bias", None)`` is ``bias``."""
OFFSETS = ("", "-2:", "-1:", "1:", "2:")
"""The prefixes of a word's feature groups: as the current word, then as the neighbour at -2,
-1, +1 and +2."""
AttributeTable = dict[Attribute, bytes]


def render_attribute(offset: str, attribute: Attribute) -> str:
    """The CRF attribute string: ``render_attribute("-1:", ("w", "في"))`` → ``-1:w=في``."""
    name, value = attribute
    return f"{offset}{name}" if value is None else f"{offset}{name}={value}"


def word_attributes(resources: Resources, norm: str) -> tuple[list[Attribute], ...]:
    """A word's features in the order of `OFFSETS`: normalised form, clitic stems, lexicon
    flags, trigger class and clusters; shape and affixes for the word itself, its last letters
    for the nearest neighbours."""
    res = resources
    stems = clitic_candidates(norm) if norm.isalpha() else (norm,)
    core: list[Attribute] = [("w", norm)]
    core += [("s", s) for s in stems[1:]]
    flags = _lexicon_flags(res.lexicon, norm, stems)
    core += flags
    trig = res.triggers.get(norm) or next(
        (res.triggers[s] for s in stems[1:] if s in res.triggers), None
    )
    trigger: list[Attribute] = [("t", trig)] if trig else []
    core += trigger
    cl = res.clusters.get(norm) or next(
        (res.clusters[s] for s in stems[1:] if s in res.clusters), None
    )
    names = _cluster_names(len(cl or ()))
    clusters: list[Attribute] = list(zip(names, cl, strict=False)) if cl else [("c", "none")]
    core += clusters
    own: list[Attribute] = [("bias", None), *core, *_shape(norm)]
    near = [*core, *[("x1", norm[-1:]), ("x2", norm[-2:])][: _affixes(norm, 2)]]
    far = [("w", norm), *flags, *trigger, *clusters[:2]]
    return own, far, near, near, far


def _attribute_tables(encoded: dict[str, bytes]) -> tuple[AttributeTable, ...]:
    """A model's attributes by offset group (`OFFSETS`) as (name, value) → their bytes: a
    word's features are looked up without building their strings."""
    tables: tuple[AttributeTable, ...] = tuple({} for _ in OFFSETS)
    for attr, data in encoded.items():
        name, sep, value = attr.partition("=")
        group = next((k for k, o in enumerate(OFFSETS) if o and name.startswith(o)), 0)
        tables[group][name[len(OFFSETS[group]) :], value if sep else None] = data
    return tables


def _select(table: AttributeTable, group: list[Attribute]) -> tuple[bytes, ...]:
    """The bytes of the attributes of ``group`` the model knows, in order."""
    get = table.get
    return tuple([data for attribute in group if (data := get(attribute)) is not None])


def _lexicon_flags(lexicon: dict[str, str], norm: str, stems: Sequence[str]) -> list[Attribute]:
    own = lexicon.get(norm, "").split()
    flags: list[Attribute] = [("g", f) for f in own]
    seen = set(own)
    for stem in stems[1:]:
        for flag in lexicon.get(stem, "").split():
            if flag not in seen:
                seen.add(flag)
                flags.append(("gs", flag))
    return flags


SHAPE_KINDS = ("num", "latin", "ar", "other")


def shape_kind(norm: str) -> str:
    """What a normalised word is written in: one of `SHAPE_KINDS`."""
    if norm.isdigit():
        return "num"
    if norm.isascii() and norm.isalpha():
        return "latin"
    return "ar" if norm.isalpha() else "other"


def proclitic_prefix(norm: str) -> str:
    """The first of `PROCLITIC_PREFIXES` that starts ``norm`` and leaves two letters, or ``""``."""
    for prefix in PROCLITIC_PREFIXES:
        if norm.startswith(prefix) and len(norm) > len(prefix) + 1:
            return prefix
    return ""


_CLUSTER_NAMES = ("c0", "c1", "c2", "c3")
_LENGTHS = tuple(str(n) for n in range(13))


def _cluster_names(count: int) -> tuple[str, ...]:
    """``c0``, ``c1``… for a word's ``count`` cluster ids (coarse to fine)."""
    if count <= len(_CLUSTER_NAMES):
        return _CLUSTER_NAMES
    return tuple(f"c{i}" for i in range(count))


def _affixes(norm: str, most: int) -> int:
    """How many of the 1…``most``-letter prefixes (suffixes) are features: those shorter than
    the word."""
    return max(0, min(most, len(norm) - 1))


def _shape(norm: str) -> list[Attribute]:
    n = _affixes(norm, 3)
    return [
        ("k", shape_kind(norm)),
        ("len", _LENGTHS[min(len(norm), 12)]),
        *[("p1", norm[:1]), ("p2", norm[:2]), ("p3", norm[:3])][:n],
        *[("x1", norm[-1:]), ("x2", norm[-2:]), ("x3", norm[-3:])][:n],
        ("pc", proclitic_prefix(norm)),
    ]


def _model_attributes(crf: Any) -> frozenset[str]:
    """The attribute names that carry a state-feature weight in a loaded CRFsuite model."""
    return frozenset(attr for attr, _label in crf.info().state_features)


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
        chunks = [s[a : a + MAX_SENTENCE_TOKENS] for s in sentences for a in chunk_starts(s)]
        tags = iter(self._decode_document(chunks)[0])
        return [[t for _ in chunk_starts(s) for t in next(tags)] for s in sentences]

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
        chunks = sentence_chunks(doc)
        tags, scored = self._decode_document([[t.norm for t in chunk] for chunk in chunks])
        entities: list[Entity] = []
        for chunk, chunk_tags, sent in zip(chunks, tags, scored, strict=True):
            entities += chunk_entities(doc.text, chunk, chunk_tags, sent.probs)
        return entities


def chunk_starts(norms: Sequence[str]) -> range:
    """Where each chunk of at most `MAX_SENTENCE_TOKENS` words of a sentence starts."""
    return range(0, len(norms), MAX_SENTENCE_TOKENS)


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
