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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from rasd.document import Document, Entity, Token
from rasd.errors import ModelDataError
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
        res = self.resources
        stems = clitic_candidates(norm) if norm.isalpha() else (norm,)
        core = [f"w={norm}"]
        core += [f"s={s}" for s in stems[1:]]
        flags = _lexicon_flags(res.lexicon, norm, stems)
        core += flags
        trig = res.triggers.get(norm) or next(
            (res.triggers[s] for s in stems[1:] if s in res.triggers), None
        )
        if trig:
            core.append(f"t={trig}")
        cl = res.clusters.get(norm) or next(
            (res.clusters[s] for s in stems[1:] if s in res.clusters), None
        )
        clusters = [f"c{i}={c}" for i, c in enumerate(cl)] if cl else ["c=none"]
        core += clusters
        own = ["bias", *core, *_shape(norm)]
        near = [*core, *(f"x{n}={norm[-n:]}" for n in (1, 2) if len(norm) > n)]
        far = [f"w={norm}", *flags, *([f"t={trig}"] if trig else []), *clusters[:2]]
        lists = (
            own,
            [f"-2:{f}" for f in far],
            [f"-1:{f}" for f in near],
            [f"1:{f}" for f in near],
            [f"2:{f}" for f in far],
        )
        encoded = self._encoded
        if encoded is None:
            return tuple(tuple(group) for group in lists)
        return tuple(tuple(encoded[f] for f in group if f in encoded) for group in lists)

    def sentence(self, norms: Sequence[str]) -> list[list[Feature]]:
        """Feature lists for each word of a sentence."""
        feats = [self.word(n) for n in norms]
        n = len(norms)
        encoded = self._encoded
        ends_minus, ends_plus = self._pair_ends
        out: list[list[Feature]] = []
        for i in range(n):
            items: list[Feature] = list(feats[i][0])
            if i >= 2:
                items += feats[i - 2][1]
            if i >= 1:
                items += feats[i - 1][2]
                if encoded is None:
                    items.append(f"b-={norms[i - 1]}|{norms[i]}")
                elif norms[i] in ends_minus:
                    pair = encoded.get(f"b-={norms[i - 1]}|{norms[i]}")
                    if pair is not None:
                        items.append(pair)
            else:
                items.append(self._bos)
            if i + 1 < n:
                items += feats[i + 1][3]
                if encoded is None:
                    items.append(f"b+={norms[i]}|{norms[i + 1]}")
                elif norms[i + 1] in ends_plus:
                    pair = encoded.get(f"b+={norms[i]}|{norms[i + 1]}")
                    if pair is not None:
                        items.append(pair)
            else:
                items.append(self._eos)
            if i + 2 < n:
                items += feats[i + 2][4]
            out.append(items)
        return out


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


def _lexicon_flags(lexicon: dict[str, str], norm: str, stems: Sequence[str]) -> list[str]:
    flags = [f"g={f}" for f in lexicon.get(norm, "").split()]
    seen = set(lexicon.get(norm, "").split())
    for stem in stems[1:]:
        for flag in lexicon.get(stem, "").split():
            if flag not in seen:
                seen.add(flag)
                flags.append(f"gs={flag}")
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
    return next(
        (p for p in PROCLITIC_PREFIXES if norm.startswith(p) and len(norm) > len(p) + 1), ""
    )


def _shape(norm: str) -> list[str]:
    out = [f"k={shape_kind(norm)}", f"len={min(len(norm), 12)}"]
    out += [f"p{n}={norm[:n]}" for n in (1, 2, 3) if len(norm) > n]
    out += [f"x{n}={norm[-n:]}" for n in (1, 2, 3) if len(norm) > n]
    out.append(f"pc={proclitic_prefix(norm)}")
    return out


def _model_attributes(crf: Any) -> frozenset[str]:
    """The attribute names that carry a state-feature weight in a loaded CRFsuite model."""
    return frozenset(attr for attr, _label in crf.info().state_features)


@dataclass(frozen=True, slots=True)
class TagOptions:
    """How tags are decoded. ``o_threshold`` > 0 trades precision for recall: a token the
    Viterbi path calls O but whose marginal P(O) is below it takes its best entity tag (chosen on
    a dev slice of the train split, see models/README.md: 0, plain Viterbi)."""

    o_threshold: float = 0.0


DEFAULT_TAG_OPTIONS = TagOptions()


class SequenceTagger(Protocol):
    """What the entities stage and the evaluation need of a tagger (CRF or neural)."""

    model_path: Path

    def tag(self, doc: Document) -> list[Entity]: ...

    def tag_norms(self, norms: Sequence[str]) -> list[str]: ...


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
        tags: list[str] = []
        for a in range(0, len(norms), MAX_SENTENCE_TOKENS):
            chunk = norms[a : a + MAX_SENTENCE_TOKENS]
            tags += self._decode(chunk)
        return tags

    def _decode(self, norms: Sequence[str]) -> list[str]:
        """Viterbi tags, then (with ``o_threshold``) tokens whose marginal P(O) is below the
        threshold take their most probable entity tag; a stray ``I-`` becomes ``B-``."""
        tags: list[str] = self._crf.tag(self.featurizer.sentence(norms))
        theta = self.options.o_threshold
        if theta <= 0.0:
            return tags
        marginal = self._crf.marginal
        for k, tag in enumerate(tags):
            if tag == "O" and marginal("O", k) < theta:
                scored = [(marginal(y, k), y) for y in self._entity_labels]
                tags[k] = max(scored)[1]
        return repair_iob(tags)

    def tag(self, doc: Document) -> list[Entity]:
        """Entity mentions (PER/LOC/ORG/MISC, ``source="model"``) over whole original tokens, each
        scored with the lowest marginal probability of its tokens' tags."""
        entities: list[Entity] = []
        for chunk in sentence_chunks(doc):
            entities += self._tag_chunk(doc.text, chunk)
        return entities

    def _tag_chunk(self, text: str, chunk: list[Token]) -> list[Entity]:
        tags = self._decode([t.norm for t in chunk])
        out = []
        for i, j, label in iob_spans(tags):
            start, end = chunk[i].start, chunk[j - 1].end
            score = min(self._crf.marginal(tags[k], k) for k in range(i, j))
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


def repair_iob(tags: list[str]) -> list[str]:
    """Make ``tags`` valid IOB2 in place (a stray ``I-X`` after ``O`` or another type becomes
    ``B-X``) and return them."""
    for k, tag in enumerate(tags):
        if tag[:2] == "I-" and (k == 0 or tags[k - 1][2:] != tag[2:]):
            tags[k] = "B-" + tag[2:]
    return tags


def iob_spans(tags: Sequence[str]) -> Iterable[tuple[int, int, str]]:
    """``(first, last + 1, type)`` of each chunk in an IOB2 sequence, as conlleval reads it (an
    ``I-`` after ``O`` or after another type starts a chunk)."""
    start, kind = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, label = tag.partition("-")
        continues = prefix == "I" and label == kind and start >= 0
        if start >= 0 and not continues:
            yield start, i, kind
            start, kind = -1, ""
        if prefix in ("B", "I") and not continues:
            start, kind = i, label


def token_norm(token: str) -> str:
    """The normalised form of a pre-tokenised word, without punctuation stuck to its edges
    (ANERcorp keeps some: ``كابول؛``), as rasd's own tokenizer would have split it off."""
    norm = normalise_text(token)
    return norm.strip(_EDGE_PUNCT) or norm


def tag_tokens(tokens: Sequence[str], tagger: SequenceTagger | None = None) -> list[str]:
    """IOB2 tags for a pre-tokenised sentence (ANERcorp style), for evaluation."""
    return (tagger or Tagger.builtin()).tag_norms([token_norm(t) for t in tokens])
