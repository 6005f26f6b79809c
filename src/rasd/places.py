"""Places: the bundled gazetteer and the resolution of place mentions to gazetteer entries.

`Gazetteer.builtin()` loads ``entities_data/gazetteer.tsv.gz`` (built by
``scripts/build_gazetteer.py`` from dr5hn, ODbL; see GAZETTEER-LICENSE.md). A place mention has
candidate entries (``الرياض`` is a city and a region; ``الإسكندرية`` is in Egypt and in Scotland);
`resolve_place` picks one by the countries the article mentions, the dateline (``لندن:`` /
``الرياض - واس``), prominence (country > capital > big city > region > small town) and
population — or returns None: the mention stays explicitly unresolved. A mention no Arabic name
matches may still be a spelling the gazetteer lacks (سوروتش for سروج, Suruç): `match_spelling`
compares its consonant skeleton with those of the English names of places in the countries the
article names, and accepts only a unique confident match.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache

from rasd.lexicon import PhraseIndex, phrase_key, read_table
from rasd.text import normalise

GAZETTEER_FILE = "gazetteer.tsv.gz"
# Arab League members: Arabic news is about them more often than about namesakes elsewhere
# (غزة is Gaza, Palestine before Gaza province, Mozambique).
ARAB_WORLD = frozenset(
    ("AE", "BH", "DJ", "DZ", "EG", "IQ", "JO", "KM", "KW", "LB", "LY", "MA", "MR", "OM", "PS"),
) | frozenset(("QA", "SA", "SD", "SO", "SY", "TN", "YE"))
# The dateline: a place (and an agency) before ":" or " - " at the very start of an article.
_DATELINE = re.compile(r"^\s*([^\n:\-–—(]{2,40}?)\s*(?:\(|:|\s[-–—]\s)")
# Consonant skeletons: Latin and Arabic letters folded to rough sound classes, vowels, glides and
# gutturals dropped, so that a transliteration and the English name meet (سوروتش ~ Suruç: s-r-ch).
_LATIN_DIGRAPHS = (("sh", "j"), ("ch", "j"), ("zh", "j"), ("kh", "k"), ("gh", "k"), ("th", "t"))
_LATIN_CLASSES = str.maketrans("pdzqgcxvj", "btskkkkfj", "aeiouyhw'’- ")
_LATIN_VOWELLED = str.maketrans("pdzqgcxvjeiouyw", "btskkkkfjaaaaaa", "h'’- ")
_ARABIC_VOWELS = frozenset("اويىة")
_VOWEL_RUN = re.compile("a+")
_LATIN_SPECIAL = str.maketrans({"ç": "j", "ş": "j", "ğ": "", "ı": "i", "ß": "s"})
_ARABIC_CLASSES = {
    "ب": "b", "پ": "b", "ت": "t", "ط": "t", "د": "t", "ض": "t", "ث": "t", "ذ": "t", "س": "s",
    "ص": "s", "ز": "s", "ظ": "s", "ش": "j", "ج": "j", "چ": "j", "ك": "k", "ق": "k", "گ": "k",
    "غ": "k", "خ": "k", "ف": "f", "ڤ": "f", "ل": "l", "م": "m", "ن": "n", "ر": "r",
}  # fmt: skip
_LATIN_ARTICLE = re.compile(r"^a[lnrstdz][ -]")
MIN_SKELETON = 3
"""Shorter skeletons (two consonants) match too many places to mean anything."""
EXACT_BELOW = 6
MIN_SHORT_PROMINENCE = 2
"""A three-consonant skeleton may only name a city of 100,000 people or more, a capital or a
country (prominence 2 and up in the gazetteer)."""
SPELLING_THRESHOLD = 0.85
SPELLING_CONFIDENCE = 0.8
"""The confidence of a link by spelling with identical skeletons (it scales with similarity)."""


@dataclass(frozen=True, slots=True)
class Place:
    id: str
    kind: str
    """``country``, ``admin``, ``city`` or ``other`` (fields, seas, rivers, regions)."""
    country: str
    parent: str
    lat: float | None
    lon: float | None
    population: int
    prominence: float
    english: str
    arabic: str


@dataclass(frozen=True)
class Gazetteer:
    """Places, their Arabic names (longest-match index) and nationality adjectives."""

    places: tuple[Place, ...]
    names: PhraseIndex[tuple[int, ...]]
    nisba: PhraseIndex[int]
    by_id: dict[str, int] = field(repr=False)
    skeletons: dict[str, dict[str, tuple[int, ...]]] = field(default_factory=dict, repr=False)
    """Country code → consonant skeleton of an English name → indices of its places."""

    @classmethod
    def builtin(cls) -> Gazetteer:
        """The bundled gazetteer, loaded once per process."""
        return _builtin_gazetteer()

    @classmethod
    def from_rows(cls, rows: Iterable[list[str]]) -> Gazetteer:
        places: list[Place] = []
        skeletons: dict[str, dict[str, list[int]]] = {}
        names: dict[tuple[str, ...], list[int]] = {}
        nisba: list[tuple[tuple[str, ...], int]] = []
        rows = iter(rows)
        next(rows)  # the column header
        for row in rows:
            ident, kind, country, parent, lat, lon, pop, prominence, english, arabic = row[:10]
            index = len(places)
            places.append(
                Place(ident, kind, country, parent, _float(lat), _float(lon), int(pop or 0),
                      float(prominence), english, arabic)
            )  # fmt: skip
            by_skeleton = skeletons.setdefault(country, {})
            by_skeleton.setdefault(latin_skeleton(english), []).append(index)
            for name in filter(None, row[10].split("|")):
                names.setdefault(tuple(name.split()), []).append(index)
            nisba.extend((tuple(f.split()), index) for f in filter(None, row[11].split("|")))
        return cls(
            places=tuple(places),
            names=PhraseIndex((k, tuple(v)) for k, v in names.items()),
            nisba=PhraseIndex(nisba),
            by_id={p.id: i for i, p in enumerate(places)},
            skeletons={c: {k: tuple(v) for k, v in d.items()} for c, d in skeletons.items()},
        )

    def get(self, ident: str) -> Place | None:
        index = self.by_id.get(ident)
        return None if index is None else self.places[index]

    def country(self, code: str) -> Place | None:
        return self.get(code.lower())

    def lookup(self, name: str) -> tuple[Place, ...]:
        """Every entry named ``name`` (any spelling the normalised view folds together)."""
        return tuple(self.places[i] for i in self.names.get(phrase_key(name)) or ())

    def match_spelling(self, norm: str, countries: Iterable[str]) -> tuple[Place, float] | None:
        """The place of ``countries`` whose English name the Arabic ``norm`` (a normalised name
        the gazetteer lacks) most likely transliterates, with the similarity (0.85-1): only when
        its consonant skeleton is long enough (three consonants, and then only for a city of
        100,000 people or more; under six they must be equal),
        its long vowels agree (`vowels_agree`) and every place that close has one English name
        (a city and its province of the same name count as one)."""
        skeleton = arabic_skeleton(norm)
        if len(skeleton) < MIN_SKELETON:
            return None
        found: list[tuple[float, int]] = []
        for country in sorted(set(countries)):
            for ratio, index in self._near(country, skeleton):
                place = self.places[index]
                if len(skeleton) <= MIN_SKELETON and place.prominence < MIN_SHORT_PROMINENCE:
                    continue  # three consonants name too many small places
                if vowels_agree(norm, place.english):
                    found.append((ratio, index))
        if len({_fold(self.places[i].english) for _, i in found}) != 1:
            return None
        best = max(found, key=lambda f: (f[0], self.places[f[1]].prominence, -f[1]))
        return self.places[best[1]], round(best[0], 3)

    def _near(self, country: str, skeleton: str) -> Iterator[tuple[float, int]]:
        """(similarity, index) of the places of ``country`` whose skeleton is close enough."""
        table = self.skeletons.get(country, {})
        if len(skeleton) < EXACT_BELOW:  # only equal skeletons: one look-up
            yield from ((1.0, i) for i in table.get(skeleton, ()))
            return
        for other, indices in table.items():
            ratio = _similarity(skeleton, other)
            if ratio >= SPELLING_THRESHOLD:
                yield from ((ratio, i) for i in indices)


def _similarity(a: str, b: str) -> float:
    """1 for equal skeletons; below ``EXACT_BELOW`` consonants only equal ones match."""
    if a == b:
        return 1.0
    if min(len(a), len(b)) < EXACT_BELOW or abs(len(a) - len(b)) > 2:
        return 0.0
    return difflib.SequenceMatcher(None, a, b).ratio()


def _fold(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.lower().translate(_LATIN_SPECIAL))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def latin_skeleton(english: str, *, vowels: bool = False) -> str:
    """The consonant classes of an English place name: ``Suruç`` → ``srj``, ``Diyarbakır`` →
    ``trbkr``, ``Al Qatif`` → ``ktf``; with ``vowels`` each run of vowels is an ``a``
    (``Suruç`` → ``saraj``, see `vowels_agree`)."""
    folded = _LATIN_ARTICLE.sub("", _fold(english))
    for pair, cls in _LATIN_DIGRAPHS:
        folded = folded.replace(pair, cls)
    table = _LATIN_VOWELLED if vowels else _LATIN_CLASSES
    out = "".join(c for c in folded.translate(table) if "a" <= c <= "z")
    return _VOWEL_RUN.sub("a", out) if vowels else out


def arabic_skeleton(norm: str, *, vowels: bool = False) -> str:
    """``سوروتش`` → ``srj``, ``دياربكر`` → ``trbkr``: the consonant classes of a normalised
    Arabic name (the article ال and تش = ch handled); with ``vowels`` each run of long vowels
    (ا و ي, a final ة) is an ``a``."""
    word = " ".join(w[2:] if w.startswith("ال") and len(w) > 4 else w for w in norm.split())
    word = word.replace("تش", "ش")
    if not vowels:
        return "".join(_ARABIC_CLASSES.get(ch, "") for ch in word)
    out = "".join("a" if ch in _ARABIC_VOWELS else _ARABIC_CLASSES.get(ch, "") for ch in word)
    return _VOWEL_RUN.sub("a", out)


def vowels_agree(norm: str, english: str) -> bool:
    """Does every long vowel of the Arabic name stand where the English name has a vowel (its
    vowelled skeleton a subsequence of the English one)? Short vowels are not written in
    Arabic, so the English name may have more: ``مانهاتن`` (m-a-n-a-t-n) is not ``Montana``
    (m-a-n-t-a-n-a), ``سوروتش`` (s-a-r-a-j) is ``Suruç``."""
    letters = iter(latin_skeleton(english, vowels=True))
    return all(ch in letters for ch in arabic_skeleton(norm, vowels=True))


def _float(value: str) -> float | None:
    return float(value) if value else None


@cache
def _builtin_gazetteer() -> Gazetteer:
    return Gazetteer.from_rows(read_table(GAZETTEER_FILE))


@dataclass(frozen=True, slots=True)
class PlaceContext:
    """What an article says about where it is: countries it mentions, its dateline country."""

    countries: frozenset[str] = frozenset()
    dateline: str | None = None
    main: frozenset[str] = frozenset()
    """The countries the article is about: named at least twice, or the most named ones."""


def score_place(place: Place, context: PlaceContext, *, prefer: str | None = None) -> float:
    """Higher is likelier: prominence, then the article's countries, then population; ``prefer``
    (``admin`` after محافظة/منطقة, ``city`` after مدينة) outweighs prominence."""
    score = place.prominence + math.log10(place.population + 1) / 10
    if prefer is not None and place.kind == prefer:
        score += 2
    if place.kind != "country":
        if place.country in ARAB_WORLD:
            score += 0.5
        if place.country == context.dateline:
            score += 2
        elif place.country in context.countries:
            score += 1.5
    return score


def resolve_place(
    candidates: Sequence[Place], context: PlaceContext, *, prefer: str | None = None
) -> Place | None:
    """The best candidate for a mention in this context, or None when there is none."""
    if not candidates:
        return None
    return max(
        candidates, key=lambda p: (score_place(p, context, prefer=prefer), -candidates.index(p))
    )


def resolve_spelling(
    gazetteer: Gazetteer, norms: Sequence[str], context: PlaceContext
) -> tuple[Place, float] | None:
    """A place for a name no gazetteer name matches (the token norms of the mention), by its
    spelling among the places of the countries the article is about (`PlaceContext.main` and
    the dateline's; `Gazetteer.match_spelling`), with a confidence (at most
    ``SPELLING_CONFIDENCE``). A proclitic letter (و، ب، ل) is not stripped: foreign names
    begin with those letters too (واشنطن، باكنغهام، لندن)."""
    if not norms:
        return None
    countries = context.main | ({context.dateline} if context.dateline else frozenset())
    found = gazetteer.match_spelling(" ".join(norms), countries)
    return None if found is None else (found[0], round(SPELLING_CONFIDENCE * found[1], 3))


def dateline_country(text: str, gazetteer: Gazetteer) -> str | None:
    """The country of the dateline place at the start of an article (``لندن:`` → GB)."""
    match = _DATELINE.match(text[:80])
    if not match:
        return None
    norms = [w for w in normalise(match.group(1)).text.split() if w]
    for i in range(len(norms)):
        found = gazetteer.names.longest(norms, i)
        if found:
            best = resolve_place([gazetteer.places[k] for k in found[1]], PlaceContext())
            return best.country if best else None
    return None
