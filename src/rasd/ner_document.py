"""What happens to a tagger's output after the network's scores: recall-aware decoding and
document-level consistency, the same for the CRF (`rasd.ner.Tagger`) and the BiLSTM-CRF
(`rasd.ner_neural.NeuralTagger`).

1. **Recall-aware decoding.** Both taggers are precise but miss names (recall well below
   precision for PERS, ORG, MISC). Each type gets a bias, in log-odds, added to its tags'
   marginal probabilities against O; a token the Viterbi path calls O but whose biased best
   entity tag beats O is re-decoded: the stretch of such tokens is decoded again under IOB2
   constraints (``I-X`` only after ``B-X``/``I-X``), best path of biased log-marginals.
2. **Document-level consistency** (after Krishnan & Manning 2006, as a post-pass): within one
   document, mentions of the same string (words compared without their proclitics و ف ب ل ك
   and the article ال) take the type with the largest summed confidence; the string is tagged
   again where it recurs untagged; and the given or family name of a person mentioned by at
   least two words is a person where it recurs alone (``توكاييف``). Single words are carried
   over only if they have at least ``min_letters`` letters and are neither among the most
   frequent news words (``entities_data/snn_word_stats.tsv``) nor trigger words.

The parameters live in `DocumentOptions`; the shipped values were chosen on a dev slice of the
ANERcorp train split (scripts/tune_ner_document.py, BENCHMARKS.md, NER).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

import numpy as np

from rasd.lexicon import frequent_words

TAGS = ("O", "B-PERS", "I-PERS", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC")
"""The order of the columns of a marginal matrix."""
TYPES = ("PERS", "LOC", "ORG", "MISC")
TAG_INDEX = {t: k for k, t in enumerate(TAGS)}
_CONJUNCTIONS = "وف"
_PREPOSITIONS = "بلك"
_FLOOR = 1e-9


@dataclass(frozen=True, slots=True)
class DocumentOptions:
    """How a tagger's scores become tags across a document. All off: plain Viterbi."""

    bias: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    """Log-odds added to the tags of PERS, LOC, ORG, MISC (in `TYPES` order) against O."""
    resolve_types: bool = False
    """Mentions of one string take the type with the largest summed confidence."""
    propagate: bool = False
    """Tag a string where it recurs untagged in the document."""
    name_parts: bool = False
    """Tag a person's given or family name as PERS where it recurs alone."""
    min_letters: int = 3
    """Fewest letters of a single word carried over (after its proclitics)."""
    common_words: int = 4000
    """The most frequent news words (SaudiNewsNet counts) never carried over alone."""
    guard_common: bool = True
    """Apply the common-word guard to whole single-word strings too (always to name parts)."""
    strip_article: bool = True
    """Strings match with or without the article ال too (name parts never do: جمعة ≠ الجمعة)."""
    resolve_below: float = 1.0
    """Only mentions scored below this (mean marginal of their tags) change type."""

    @property
    def active(self) -> bool:
        return any(self.bias) or self.resolve_types or self.propagate or self.name_parts


@dataclass(frozen=True, slots=True)
class Scored:
    """One sentence as a tagger scored it."""

    norms: Sequence[str]
    tags: list[str]
    """The Viterbi tags (IOB2)."""
    probs: Any
    """Marginal probabilities (tokens × `TAGS`); rows of tokens the tagger was sure were O may
    be left one-hot."""


# --------------------------------------------------------------------------- decoding


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
        if tag == "O":  # the common case, without splitting the tag
            if start >= 0:
                yield start, i, kind
                start, kind = -1, ""
            continue
        prefix, _, label = tag.partition("-")
        continues = prefix == "I" and label == kind and start >= 0
        if start >= 0 and not continues:
            yield start, i, kind
            start, kind = -1, ""
        if prefix in ("B", "I") and not continues:
            start, kind = i, label


def bias_vector(bias: Sequence[float]) -> Any:
    """The bias of each column of `TAGS` (0 for O)."""
    by_type = dict(zip(TYPES, bias, strict=True))
    return np.array([0.0] + [by_type[t[2:]] for t in TAGS[1:]])


def sure_o_cutoff(bias: Sequence[float]) -> float:
    """P(O) at or above which no bias can turn a token away from O: an entity tag beats O only
    if ``(1 - p) · e^b > p``."""
    top = max(bias, default=0.0)
    return 1.0 if top <= 0 else float(np.exp(top) / (1.0 + np.exp(top)))


_ALLOWED = np.array(
    [[not (b.startswith("I-") and a[2:] != b[2:]) for b in TAGS] for a in TAGS], dtype=bool
)
_START_ALLOWED = np.array([not t.startswith("I-") for t in TAGS], dtype=bool)


def decode_biased(tags: list[str], probs: Any, bias: Sequence[float]) -> list[str]:
    """The tags after recall-aware re-decoding: every stretch of tokens that is not surely O
    (an entity on the Viterbi path, or an O whose biased entity tag beats O) is decoded again
    as the best IOB2-valid path of biased log-marginals."""
    if not any(bias) or not len(tags):
        return tags
    viterbi_o = np.fromiter((t == "O" for t in tags), dtype=bool, count=len(tags))
    if not (probs[viterbi_o, 0] < sure_o_cutoff(bias)).any():
        return tags  # no O token the bias could turn: the common case, kept cheap
    scores = np.log(np.maximum(probs, _FLOOR)) + bias_vector(bias)
    loose = ~viterbi_o | (scores[:, 1:].max(axis=1) > scores[:, 0])
    if not loose[viterbi_o].any():
        return tags
    out = list(tags)
    for a, b in _runs(loose):
        path = _constrained_best(scores[a:b])
        out[a:b] = [TAGS[k] for k in path]
    return repair_iob(out)


def _runs(mask: Any) -> Iterable[tuple[int, int]]:
    """``[a, b)`` of each run of True."""
    start = -1
    for k, on in enumerate([*mask.tolist(), False]):
        if on and start < 0:
            start = k
        elif not on and start >= 0:
            yield start, k
            start = -1


def _constrained_best(scores: Any) -> list[int]:
    """Best tag path (column indices) of a stretch after an O: IOB2 transitions only."""
    score = np.where(_START_ALLOWED, scores[0], -np.inf)
    back = []
    for row in scores[1:]:
        cand = np.where(_ALLOWED, score[:, None], -np.inf)
        best = cand.argmax(axis=0)
        back.append(best)
        score = cand.max(axis=0) + row
    k = int(score.argmax())
    path = [k]
    for best in reversed(back):
        k = int(best[k])
        path.append(k)
    return path[::-1]


# --------------------------------------------------------------------------- words


@lru_cache(maxsize=100_000)
def variants(word: str, min_letters: int = 3, *, article: bool = True) -> tuple[str, ...]:
    """The word and what is left of it without a conjunction (و ف), a preposition (ب ل ك) and
    (with ``article``) the article ال; each stripped only if ``min_letters`` letters remain.
    The ل of لل is the preposition before ال (للرئيس → الرئيس)."""
    fronts = [word]
    if word[:1] in _CONJUNCTIONS and len(word) - 1 >= min_letters:
        fronts.append(word[1:])
    for front in list(fronts):
        if front.startswith("لل") and len(front) - 2 >= min_letters:
            fronts += ["ال" + front[2:], front[2:]] if article else ["ال" + front[2:]]
        elif front[:1] in _PREPOSITIONS and len(front) - 1 >= min_letters:
            fronts.append(front[1:])
    for front in list(fronts) if article else ():
        if front.startswith("ال") and len(front) - 2 >= min_letters:
            fronts.append(front[2:])
    return tuple(dict.fromkeys(fronts))


def same_word(a: str, b: str, *, article: bool = True) -> bool:
    """Is one word the other with proclitics (``وبوش`` / ``بوش``)?"""
    return a == b or a in variants(b, article=article) or b in variants(a, article=article)


def bare(word: str) -> str:
    """The shortest of a word's `variants`."""
    return min(variants(word), key=len)


# --------------------------------------------------------------------------- the document


class _Mention(NamedTuple):
    sentence: int
    first: int
    last: int
    kind: str
    words: tuple[str, ...]


def decode_document(
    sentences: Sequence[Scored], options: DocumentOptions, stop: frozenset[str] = frozenset()
) -> list[list[str]]:
    """IOB2 tags of every sentence of one document: `decode_biased`, then the consistency
    post-pass. ``stop``: words never carried over alone (see `stop_words`)."""
    tags = [decode_biased(s.tags, s.probs, options.bias) for s in sentences]
    if options.resolve_types or options.propagate or options.name_parts:
        tags = make_consistent(sentences, tags, options, stop)
    return tags


def stop_words(options: DocumentOptions, triggers: Iterable[str]) -> frozenset[str]:
    """The frequent news words and a tagger's trigger words: never carried over alone."""
    return frequent_words(options.common_words) | frozenset(triggers)


def make_consistent(
    sentences: Sequence[Scored],
    tags: list[list[str]],
    options: DocumentOptions,
    stop: frozenset[str],
) -> list[list[str]]:
    """Tags after the document-level post-pass (types resolved, strings and name parts carried
    over to their untagged recurrences); ``tags`` is not changed."""
    # a stray I- must not join a name carried in before it (sentences of O only need no check)
    out = [repair_iob(list(t)) if t.count("O") != len(t) else list(t) for t in tags]
    mentions = _mentions(sentences, out)
    if not mentions:
        return out
    article = options.strip_article
    strings: dict[tuple[str, ...], str] = {}
    for group in _group(mentions, article=article):
        kind = _resolve(group, sentences, options, out)
        strings.update(dict.fromkeys((m.words for m in group), kind))
    if options.propagate:
        wanted = {
            w: k for w, k in strings.items() if _carried(w, options, stop, options.guard_common)
        }
        _tag_recurrences(sentences, out, wanted, article=article)
    if options.name_parts:
        parts: dict[tuple[str, ...], str] = {
            (part,): "PERS"
            for words, kind in strings.items()
            if kind == "PERS" and len(words) >= 2
            for part in (words[0], words[-1])
            if strings.get((part,), "PERS") == "PERS" and _carried((part,), options, stop, True)
        }
        _tag_recurrences(sentences, out, parts, article=False)
    return out  # still valid IOB2: strings are written over O only, as B- then I-


def _resolve(
    group: list[_Mention],
    sentences: Sequence[Scored],
    options: DocumentOptions,
    tags: list[list[str]],
) -> str:
    """The type of a string (the largest summed confidence); with ``resolve_types`` its
    mentions of another type that their tagger was unsure of (below ``resolve_below``) take it
    (``tags`` changed in place)."""
    if len({m.kind for m in group}) == 1:
        return group[0].kind  # the common case: no confidence needed
    scores = [_confidence(sentences[m.sentence], tags[m.sentence], m) for m in group]
    totals: dict[str, float] = defaultdict(float)
    for m, score in zip(group, scores, strict=True):
        totals[m.kind] += score
    kind = max(sorted(totals), key=totals.__getitem__)
    if options.resolve_types:
        for m, score in zip(group, scores, strict=True):
            if m.kind != kind and score < options.resolve_below:
                _write(tags[m.sentence], m.first, m.last, kind)
    return kind


def _confidence(sent: Scored, tags: list[str], m: _Mention) -> float:
    """The mean marginal probability of a mention's tags (1 without marginals)."""
    probs = sent.probs
    if probs is None or not len(probs):
        return 1.0
    total = sum(probs.item(k, TAG_INDEX[tags[k]]) for k in range(m.first, m.last))
    return float(total) / (m.last - m.first)


def _mentions(sentences: Sequence[Scored], tags: list[list[str]]) -> list[_Mention]:
    out = []
    for s, (sent, sent_tags) in enumerate(zip(sentences, tags, strict=True)):
        if sent_tags.count("O") == len(sent_tags):
            continue
        norms = sent.norms
        out += [_Mention(s, i, j, kind, tuple(norms[i:j])) for i, j, kind in iob_spans(sent_tags)]
    return out


def _write(tags: list[str], first: int, last: int, kind: str) -> None:
    tags[first] = "B-" + kind
    for k in range(first + 1, last):
        tags[k] = "I-" + kind


def _carried(
    words: tuple[str, ...], options: DocumentOptions, stop: frozenset[str], guard: bool
) -> bool:
    """May this string be tagged where it recurs? Words of letters only; a single word needs
    ``min_letters`` letters without its proclitics and (with ``guard``) must not be a stop word."""
    if not all(w.isalpha() for w in words):
        return False
    if len(words) > 1:
        return True
    word = words[0]
    if len(bare(word)) < options.min_letters:
        return False
    return not guard or not any(v in stop for v in variants(word))


class _Index:
    """Strings by their first word, to find the strings a token can start (`same_word`)."""

    def __init__(self, strings: Iterable[tuple[str, ...]], *, article: bool) -> None:
        self.article = article
        self.exact: dict[str, list[tuple[str, ...]]] = defaultdict(list)
        self.stripped: dict[str, list[tuple[str, ...]]] = defaultdict(list)
        for words in strings:
            self.exact[words[0]].append(words)
            for v in variants(words[0], article=article)[1:]:
                self.stripped[v].append(words)
        self.tails = frozenset(w[-3:] for w in self.exact)
        """The last three letters of the first words: a word that can start a string ends so
        too (variants only ever lose letters at the front). A cheap first test."""

    def can_start(self, norm: str) -> bool:
        """Can ``norm`` start one of the strings (see `starting`)?"""
        return norm in self.stripped or any(
            v in self.exact for v in variants(norm, article=self.article)
        )

    def starting(self, norm: str) -> list[tuple[str, ...]]:
        """Strings whose first word is ``norm``, ``norm`` without proclitics, or ``norm`` with
        proclitics; longest first."""
        if norm[-3:] not in self.tails:
            return []
        found = [w for v in variants(norm, article=self.article) for w in self.exact.get(v, ())]
        found += self.stripped.get(norm, ())
        return sorted(set(found), key=lambda w: (-len(w), w))


def _matches(norms: Sequence[str], at: int, words: tuple[str, ...], *, article: bool) -> bool:
    if at + len(words) > len(norms):
        return False
    return all(same_word(norms[at + k], w, article=article) for k, w in enumerate(words[1:], 1))


def _group(mentions: list[_Mention], *, article: bool) -> list[list[_Mention]]:
    """Mentions of the same string (`same_word` word by word), in groups."""
    distinct = sorted({m.words for m in mentions})
    parent = {w: w for w in distinct}

    def root(w: tuple[str, ...]) -> tuple[str, ...]:
        while parent[w] != w:
            parent[w] = parent[parent[w]]
            w = parent[w]
        return w

    index = _Index(distinct, article=article)
    for words in distinct:
        for other in index.starting(words[0]):
            if len(other) == len(words) and _matches(words, 0, other, article=article):
                parent[root(other)] = root(words)
    groups: dict[tuple[str, ...], list[_Mention]] = defaultdict(list)
    for m in mentions:
        groups[root(m.words)].append(m)
    return list(groups.values())


def _tag_recurrences(
    sentences: Sequence[Scored],
    tags: list[list[str]],
    wanted: dict[tuple[str, ...], str],
    *,
    article: bool,
) -> None:
    """Tag (in place) every untagged recurrence of a wanted string, longest first."""
    if not wanted:
        return
    index = _Index(wanted, article=article)
    vocab = set().union(*(s.norms for s in sentences))
    starts = {w for w in vocab if w[-3:] in index.tails and index.can_start(w)}
    for sent, sent_tags in zip(sentences, tags, strict=True):
        norms = sent.norms
        if starts.isdisjoint(norms):
            continue  # most sentences: checked as a set, word by word only where one starts
        free = 0
        for k in [k for k, w in enumerate(norms) if w in starts]:
            if k < free or sent_tags[k] != "O":
                continue
            for words in index.starting(norms[k]):
                end = k + len(words)
                if _matches(norms, k, words, article=article) and all(
                    t == "O" for t in sent_tags[k:end]
                ):
                    _write(sent_tags, k, end, wanted[words])
                    free = end
                    break
