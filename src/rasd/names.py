"""English names for people and organisations: curated tables, a name lexicon, transliteration.

- ``people.tsv`` / ``organisations.tsv``: hand-curated well-known people and organisations
  (``منظمة معاهدة الأمن الجماعي`` → Collective Security Treaty Organization (CSTO)).
- ``names.tsv.gz``: Arabic name token → English spelling, from the names-translit lexicons
  (``scripts/build_names.py``; licences in NAMES-LICENSE.md).
- `transliterate`: a rule-based Arabic → Latin fallback for tokens no lexicon knows.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from rasd.lexicon import PhraseIndex, phrase_key, read_table

_LETTERS = {
    "ء": "'", "ا": "a", "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh",
    "د": "d", "ذ": "dh", "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d",
    "ط": "t", "ظ": "z", "ع": "'", "غ": "gh", "ف": "f", "ق": "q", "ك": "k", "ل": "l",
    "م": "m", "ن": "n", "ه": "h", "ة": "a", "ؤ": "'", "ئ": "'", "پ": "p", "چ": "ch",
    "ڤ": "v", "گ": "g",
}  # fmt: skip
_VOWELS = {"و": ("w", "u"), "ي": ("y", "i")}
_NON_ALNUM = re.compile("[^a-z0-9]+")
_ARABIC_WORD = re.compile("[\u0621-\u064a\u067e\u0686\u06a4\u06af]+")


@dataclass(frozen=True, slots=True)
class Known:
    """A curated person or organisation."""

    english: str
    kind: str
    """``person`` or the organisation kind (``agency``, ``government``, ``igo``, ``company`` …)."""
    country: str | None

    @property
    def link(self) -> str:
        """Stable id: ``per:`` or ``org:`` and a slug of the English name (``org:reuters``)."""
        prefix = "per" if self.kind == "person" else "org"
        return f"{prefix}:{slug(self.english)}"


def slug(english: str) -> str:
    """``Agence France-Presse (AFP)`` → ``agence-france-presse-afp``."""
    folded = unicodedata.normalize("NFKD", english)
    ascii_only = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    return _NON_ALNUM.sub("-", ascii_only).strip("-")


@dataclass(frozen=True)
class NameLexicon:
    """Name tokens → English spellings, and the curated people and organisations."""

    tokens: dict[str, tuple[str, str, int]]
    """Normalised Arabic token → (English spelling, classes ``PLO``, weight)."""
    people: PhraseIndex[Known]
    organisations: PhraseIndex[Known]

    @classmethod
    def builtin(cls) -> NameLexicon:
        """The bundled lexicons, loaded once per process."""
        return _builtin_names()

    def is_person_token(self, norm: str) -> bool:
        """Is ``norm`` a given or family name the lexicons know as a person's?"""
        entry = self.tokens.get(norm)
        return entry is not None and "P" in entry[1] and entry[2] >= 2

    def person_weight(self, norm: str) -> int:
        """How often the lexicons list ``norm`` as a person's name (0: never)."""
        entry = self.tokens.get(norm)
        return entry[2] if entry is not None and "P" in entry[1] else 0

    def english_token(self, norm: str) -> str:
        entry = self.tokens.get(norm)
        return entry[0] if entry else transliterate(norm)

    def english_person(self, norms: Sequence[str]) -> str:
        """English name of a person from the norms of the name's tokens."""
        known = self.people.get(tuple(norms))
        if known is not None:
            return known.english
        return " ".join(self.english_token(n) for n in norms)


def transliterate(norm: str) -> str:
    """A readable Latin spelling of an Arabic word (``الجبير`` → ``al-Jbyr``-like fallback with
    simple vowel rules: و/ي between consonants read as u/i, initial ال → ``al-``)."""
    out = []
    for word in _ARABIC_WORD.findall(norm):
        prefix, stem = "", word
        if word.startswith("ال") and len(word) > 3:
            prefix, stem = "al-", word[2:]
        latin = _transliterate_word(stem)
        out.append(prefix + latin[:1].upper() + latin[1:])
    return " ".join(out) if out else norm


def _transliterate_word(word: str) -> str:
    chars = []
    after_vowel = True  # at the start of a word و/ي are consonants (w, y)
    for i, ch in enumerate(word):
        after = word[i + 1] if i + 1 < len(word) else ""
        if ch == "ي" and not after and i:
            chars.append("i")  # final ي: مالي → Mali
        elif ch in _VOWELS and not after_vowel and after not in "اوي":
            chars.append(_VOWELS[ch][1])
            after_vowel = True
        elif ch in _VOWELS:
            chars.append(_VOWELS[ch][0])
            after_vowel = False
        else:
            chars.append("a" if ch == "ا" else _LETTERS.get(ch, ""))
            after_vowel = ch == "ا"
    return "".join(chars).strip("'") or word


def _read_known(name: str, *, person: bool) -> PhraseIndex[Known]:
    entries = []
    for row in read_table(name):
        if person:
            arabic, english, country = (*row, "")[:3]
            entries.append((phrase_key(arabic), Known(english, "person", country or None)))
        else:
            arabic, english, kind, country = (*row, "", "")[:4]
            entries.append((phrase_key(arabic), Known(english, kind, country or None)))
    return PhraseIndex(entries)


@cache
def _builtin_names() -> NameLexicon:
    rows = read_table("names.tsv.gz")
    next(rows)  # the column header
    tokens = {r[0]: (r[1], r[2], int(r[3])) for r in rows if len(r) == 4}
    return NameLexicon(
        tokens=tokens,
        people=_read_known("people.tsv", person=True),
        organisations=_read_known("organisations.tsv", person=False),
    )
