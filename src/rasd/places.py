"""Places: the bundled gazetteer and the resolution of place mentions to gazetteer entries.

`Gazetteer.builtin()` loads ``entities_data/gazetteer.tsv.gz`` (built by
``scripts/build_gazetteer.py`` from dr5hn, ODbL; see GAZETTEER-LICENSE.md). A place mention has
candidate entries (``الرياض`` is a city and a region; ``الإسكندرية`` is in Egypt and in Scotland);
`resolve_place` picks one by the countries the article mentions, the dateline (``لندن:`` /
``الرياض - واس``), prominence (country > capital > big city > region > small town) and
population — or returns None: the mention stays explicitly unresolved.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
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

    @classmethod
    def builtin(cls) -> Gazetteer:
        """The bundled gazetteer, loaded once per process."""
        return _builtin_gazetteer()

    @classmethod
    def from_rows(cls, rows: Iterable[list[str]]) -> Gazetteer:
        places: list[Place] = []
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
            for name in filter(None, row[10].split("|")):
                names.setdefault(tuple(name.split()), []).append(index)
            nisba.extend((tuple(f.split()), index) for f in filter(None, row[11].split("|")))
        return cls(
            places=tuple(places),
            names=PhraseIndex((k, tuple(v)) for k, v in names.items()),
            nisba=PhraseIndex(nisba),
            by_id={p.id: i for i, p in enumerate(places)},
        )

    def get(self, ident: str) -> Place | None:
        index = self.by_id.get(ident)
        return None if index is None else self.places[index]

    def country(self, code: str) -> Place | None:
        return self.get(code.lower())

    def lookup(self, name: str) -> tuple[Place, ...]:
        """Every entry named ``name`` (any spelling the normalised view folds together)."""
        return tuple(self.places[i] for i in self.names.get(phrase_key(name)) or ())


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
