"""Number atoms and the grammar that joins them into numbers.

An *atom* is one number-like piece of the normalised text: a digit string (``2,030``, ``1.8``,
``-1.2``) or one number word with its clitics (``والعشرين`` = و + ال + عشرين). `combine` joins
adjacent atoms the way MSA compounds numbers (``مئة وأربعة وستون`` = 164, ``ثمانية آلاف`` = 8000,
``1.8 مليون``, ``الحادي والعشرين`` = 21st) and splits them where the grammar does not allow a
compound (``عشرة وعشرون`` is two numbers, as in ``بين عشرة وعشرين``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from rasd.quantities_lexicon import ARABIC_LETTER, Lexicon, trie_pattern

LEXICON = Lexicon.builtin()

MAX_DIGITS = 15
"""Longer digit strings are identifiers or noise, never quantities."""

# Every number word with every proclitic combination it can carry (و، ف ب ك ل، the article,
# لل = ل + ال), as one prefix trie: one pass per word start instead of backtracking over groups.
_PREFIXES = {
    wa + pre + al: (wa, pre, bool(al))
    for wa in ("", "و")
    for pre in ("", "ف", "ب", "ك", "ل")
    for al in ("", "ال")
}
_PREFIXES = {(k.replace("لال", "لل")): v for k, v in _PREFIXES.items()}
_BY_LENGTH = sorted(_PREFIXES, key=len)
_DIGITS = re.compile(
    r"(?<![0-9.,])(?:(?<![^\s(])-)?"
    r"(?:[0-9]{1,3}(?:,[0-9]{3})+(?![0-9])|[0-9]+)(?:[.][0-9]+|,[0-9]{1,2}(?![0-9]))?"
    r"|(?<![0-9.,])[.][0-9]+"
)
# Runs of digit-like characters: a pattern that starts with a character set lets the regex engine
# skip to candidates in C; `_DIGITS` then reads each run (its lookbehinds see the text before it).
_DIGIT_RUN = re.compile(r"[-.0-9][-.,0-9]*")
_WORD = re.compile(
    rf"(?<![{ARABIC_LETTER}])(?:"
    + trie_pattern(p + w for p in _PREFIXES for w in LEXICON.words)
    + rf")(?![{ARABIC_LETTER}])"
)

# Types a unit (1-9) can be followed by, and so on: the grammar in one table.
_SMALL = frozenset({"unit", "ten", "teen", "tens", "hundred", "digits", "fraction"})


@dataclass(frozen=True, slots=True)
class Atom:
    start: int
    """Start in the normalised text, after the proclitics و ف ب ك ل (the article stays)."""
    end: int
    value: float
    type: str
    raw: int = -1
    """Start of the match, proclitics included."""
    wa: bool = False
    pre: str = ""
    al: bool = False
    word: str = ""
    ambiguous: bool = False
    """Also an MSA word that is no number (نص "text"): a number only in company."""


@dataclass(frozen=True, slots=True)
class Number:
    start: int
    end: int
    value: float
    kind: str = "cardinal"
    """``cardinal`` or ``ordinal``."""
    qualifier: str = "exact"
    """``exact``, ``vague`` or ``few`` (the others come from the words around the number)."""
    value_max: float | None = None
    words: bool = False
    """Written (at least partly) in words."""
    atoms: int = 1
    ambiguous: bool = False
    """One word that is also an MSA non-number (نص): a quantity only before a unit."""


def find_atoms(norm: str) -> list[Atom]:
    """Every number atom of a normalised text, in order."""
    atoms = [
        atom
        for m in _WORD.finditer(norm)
        if (atom := _word_atom(m.group(), m.start(), m.end())) is not None
    ]
    for run in _DIGIT_RUN.finditer(norm):
        for m in _DIGITS.finditer(norm, run.start(), run.end()):
            value = parse_digits(m.group())
            if value is not None:
                atoms.append(Atom(m.start(), m.end(), value, "digits", m.start()))
    atoms.sort(key=_start)
    return atoms


def _start(atom: Atom) -> int:
    return atom.start


def _word_atom(text: str, start: int, end: int) -> Atom | None:
    """Split the clitics off a matched number word, keeping the shortest prefix (واحد is one)."""
    for prefix in _BY_LENGTH:
        word = text[len(prefix) :]
        if text.startswith(prefix) and word in LEXICON.words:
            break
    wa, pre, al = _PREFIXES[prefix]
    entry = LEXICON.words[word]
    if (entry.dialect and (pre or al)) or (pre and len(word) < 3) or (al and entry.type == "few"):
        return None  # المتين "the solid", لست "I am not", العدة "the gear"
    first = start + len(wa) + len(pre)
    return Atom(
        first,
        end,
        entry.value,
        entry.type,
        start,
        wa=bool(wa),
        pre=pre,
        al=al,
        word=word,
        ambiguous=entry.dialect == "eg-msa",
    )


def parse_digits(digits: str) -> float | None:
    """``2,030`` → 2030, ``1.8`` → 1.8, ``2,5`` → 2.5, ``.77`` → 0.77; None for a run of more than
    `MAX_DIGITS` digits (an identifier, not a quantity)."""
    sign = -1.0 if digits.startswith("-") else 1.0
    body = digits.lstrip("-")
    if "," in body and re.fullmatch(r"[0-9]+,[0-9]{1,2}", body):
        body = body.replace(",", ".")
    body = body.replace(",", "")
    if sum(ch.isdigit() for ch in body) > MAX_DIGITS:
        return None
    return sign * float(body)


def parse_number_words(text: str) -> float | None:
    """The value of a text that is one number (words, digits or both), or None.

    >>> parse_number_words("مئة وأربعة وستون")
    164.0
    """
    from rasd.text import normalise_text

    norm = normalise_text(text).strip()
    numbers = combine(find_atoms(norm), norm)
    if len(numbers) != 1 or numbers[0].start > 0 or numbers[0].end < len(norm):
        return None
    return numbers[0].value


def combine(atoms: list[Atom], norm: str) -> list[Number]:
    """Join adjacent atoms into numbers (longest grammatical compound first)."""
    out: list[Number] = []
    i = 0
    while i < len(atoms):
        builder = _Builder(atoms[i])
        best = builder.result(i)
        k = i + 1
        while k < len(atoms):
            wa = _connector(atoms[k - 1], atoms[k], norm)
            if wa is None:
                break
            if not builder.accept(atoms[k], wa):
                split = _split_wa(atoms[k])  # واحد read as و + أحد: ألفاً وأحد عشر
                if split is None or not builder.accept(split, True):
                    break
                atoms[k] = split
            best = builder.result(k) or best
            k += 1
        if best is None:
            i += 1
            continue
        last, number = best
        out.append(number)
        i = last + 1
    return out


def _split_wa(atom: Atom) -> Atom | None:
    """The same text read as و + a number word (واحد → و + أحد), when that is a number word."""
    if atom.wa or atom.pre or atom.al or not atom.word.startswith("و"):
        return None
    entry = LEXICON.words.get(atom.word[1:])
    if entry is None:
        return None
    return Atom(
        atom.start + 1, atom.end, entry.value, entry.type, atom.raw, wa=True, word=atom.word[1:]
    )


def _connector(prev: Atom, atom: Atom, norm: str) -> bool | None:
    """None when the atoms are not adjacent; else whether they are joined by و."""
    if atom.pre:
        return None  # لعشرين، بخمسة: a new phrase (من عشرة لعشرين)
    gap = norm[prev.end : atom.raw]
    bare = gap.strip(" \t")
    if atom.wa:
        return True if not bare and len(gap) <= 3 else None
    if not bare and 0 < len(gap) <= 3:
        return False
    if bare == "و" and len(gap) <= 5 and gap[0] in " \t":
        return True
    return None


class _Builder:
    """The state of one compound being read: completed scale groups plus the current group."""

    def __init__(self, atom: Atom) -> None:
        self.first = atom
        self.end = atom.end
        self.total = 0.0
        self.cur = atom.value
        self.scale = math.inf
        self.last = atom.type
        self.ordinal = atom.type == "ordinal"
        self.tens_or_teen = atom.type in ("tens", "teen")
        self.words = atom.type != "digits"
        self.count = 1
        self.point = False
        if atom.type == "ordinal":
            self.last = "unit" if atom.value < 10 else "ten"
        elif atom.type in ("scale", "scale_dual"):
            self.total, self.cur = atom.value, 0.0
            self.scale = atom.value if atom.type == "scale" else atom.value / 2

    def accept(self, atom: Atom, wa: bool) -> bool:
        step = self._step(atom, wa)
        if step:
            self.end = atom.end
            self.count += 1
            self.words = self.words or atom.type != "digits"
            self.ordinal = self.ordinal or atom.type == "ordinal"
        return step

    def _step(self, atom: Atom, wa: bool) -> bool:
        t, v, last = atom.type, atom.value, self.last
        if t == "ordinal":
            t = "unit" if v < 10 else "ten"
        if last in ("vague", "few") and t == "scale_plural" and not wa:
            self.cur *= v
            self.last = last + "_scaled"
            return True
        if last == "point":
            if wa or t not in ("unit", "digits", "ten", "tens", "teen"):
                return False
            self.cur += v / 10 ** len(str(int(v)))
            self.last = "done"
            return True
        if t == "point":
            if wa or last not in ("unit", "digits", "ten", "teen", "tens", "zero"):
                return False
            self.last = "point"
            return True
        if not wa:
            return self._juxtaposed(t, v, last)
        return self._joined(t, v, last, atom)

    def _juxtaposed(self, t: str, v: float, last: str) -> bool:
        """A word right after another, without و: teens, ثلاث مئة, ثمانية آلاف, 1.8 مليون."""
        if t == "ten" and last in ("unit", "teen_head") and 0 < self.cur % 100 < 10:
            self.cur += 10
            self.last = "teen"
            self.tens_or_teen = True
            return True
        if t == "hundred" and v == 100 and last == "unit" and self.cur < 10:
            self.cur *= 100
            self.last = "hundred"
            return True
        if t in ("unit", "ten", "teen", "tens") and last == "hundred" and self.cur % 100 == 0:
            self.cur += v  # Egyptian: متين تلاتة وستين
            self.last = t
            return True
        if t == "scale" and v < self.scale and last in _SMALL | {"teen"}:
            return self._close_group(v)
        countable = last == "digits" or (last in ("unit", "ten") and 3 <= self.cur % 100 <= 10)
        if t == "scale_plural" and v < self.scale and countable:
            return self._close_group(v)
        return False

    def _joined(self, t: str, v: float, last: str, atom: Atom) -> bool:
        """A word after و: مئة وأربعة, أربعة وستون, ألف وخمسمئة, مليون ونصف, مليون و200 ألف."""
        after_scale = last in ("scale", "scale_dual")
        if t in ("unit", "ten", "teen", "teen_head") and (after_scale or last == "hundred"):
            self.cur += v
            self.last = t
            self.tens_or_teen = self.tens_or_teen or t == "teen"
            return True
        if t == "tens" and (after_scale or last == "hundred" or (last == "unit" and self.cur % 10)):
            self.cur += v
            self.last = "tens"
            self.tens_or_teen = True
            return True
        if t == "hundred" and after_scale:
            self.cur = v
            self.last = "hundred"
            return True
        if t in ("scale", "scale_dual") and after_scale and self.cur == 0 and v < self.total:
            self.total += v  # مئة ألف وألف، مليون وألفان
            self.scale = v if t == "scale" else v / 2
            self.last = t
            return True
        if t == "digits" and after_scale and v < self.scale:
            self.cur = v
            self.last = "digits"
            return True
        if t == "fraction" and last in (_SMALL - {"fraction"}) | {"teen", "scale", "scale_dual"}:
            self.cur += v * self.scale if after_scale else v
            self.last = "done"
            return True
        return False

    def _close_group(self, scale: float) -> bool:
        self.total += self.cur * scale
        self.cur = 0.0
        self.scale = scale
        self.last = "scale"
        return True

    def result(self, index: int) -> tuple[int, Number] | None:
        """(index of the last atom, the number read so far), or None when it is no number yet."""
        if self.last in ("teen_head", "point"):
            return None
        first = self.first
        qualifier, value_max = "exact", None
        value = self.total + self.cur
        if self.last.startswith(("vague", "few")) or first.type == "scale_plural":
            qualifier = "few" if self.last.startswith("few") else "vague"
            if self.count == 1 and first.type == "scale_plural":
                value = first.value
            if qualifier == "few":
                value_max = value * 3
        ordinal = self.ordinal or (first.al and self.tens_or_teen and value < 100)
        number = Number(
            first.start,
            self.end,
            value,
            kind="ordinal" if ordinal else "cardinal",
            qualifier=qualifier,
            value_max=value_max,
            words=self.words,
            atoms=self.count,
            ambiguous=self.count == 1 and first.ambiguous,
        )
        return index, number
