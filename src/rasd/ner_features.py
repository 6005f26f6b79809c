"""The CRF tagger's word features (`rasd.ner`): the word lists they consult (`Resources`), each
word's attributes (normalised form, clitic-stripped stems, prefixes and suffixes, shape, lexicon
and trigger membership, word clusters) as the current word and as a neighbour at ±1 / ±2, and the
`Featurizer` that caches them per word and glues a sentence's lists together. With a trained model
the attributes it has no weight for are never built, and those it has are handed to CRFsuite as
shared bytes. Training renders the same attributes as strings.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

from rasd.errors import ModelDataError
from rasd.text import clitic_candidates

DATA_DIR = Path(__file__).parent / "ner_data"
MODEL_PATH = Path(__file__).parent / "models" / "ner.crfsuite"
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
