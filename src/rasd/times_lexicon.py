"""The lexicon of the times stage: the tables in ``times_data/`` loaded into one matching regex.

Every form is normalised the way `rasd.text.normalise` normalises text (and given a ة → ه
variant), then all forms go into one trie-shaped alternation, so one ``finditer`` over a document's
normalised view finds every time word, with the proclitic (و ف ب ل ك) it carries kept apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from rasd.errors import ModelDataError
from rasd.text import normalise_text

# A category and its value: ("month", (1, "gregorian", False)), ("unit", ("day", 2, False)) …
Entry = tuple[str, Any]

_LETTER = "\u0621-\u063a\u0641-\u064a\u0671-\u06d3"
_DIGIT_ATOMS = (
    r"(?P<clock>(?<![\d:])\d{1,2}:\d{2}(?::\d{2})?(?![\d:]))"
    r"|(?P<ndate>(?<![\d/.\-])(?:\d{4}(?:-\d{1,2}-|/\d{1,2}/)\d{1,2}"
    r"|\d{1,2}(?: ?/ ?| ?- ?|\.)\d{1,2}(?: ?/ ?| ?- ?|\.)\d{2,4}"
    r"|\d{1,2}/\d{4}|\d{1,2}/\d{1,2})(?![\d/.\-]))"
    r"|(?P<num>(?<![\d.,])\d{1,5}(?![\d.,]\d|\d))"
    rf"|(?:(?<=\d)|(?<=\d\s))(?P<era>[هم])(?![{_LETTER}])"
)
_PROCLITICS = ("", "و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل", "فك")


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Normalised form → its entries, and the compiled atom regex."""

    entries: dict[str, tuple[Entry, ...]]
    pattern: re.Pattern[str]
    first_words: frozenset[str]
    """Every normalised word that can begin a form (with its proclitics), and the era letters."""

    def lookup(self, form: str) -> tuple[Entry, ...]:
        return self.entries.get(form, ())


def _rows(name: str) -> list[list[str]]:
    try:
        text = resources.files("rasd").joinpath("times_data", name).read_text(encoding="utf-8")
    except OSError as err:
        raise ModelDataError(
            f"times lexicon {name} is missing from the rasd package; reinstall rasd"
        ) from err
    return [
        line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")
    ]


def _variants(form: str) -> set[str]:
    norm = " ".join(normalise_text(form).split())
    return {norm, norm.replace("\u0629", "\u0647")}


def _ordinal_forms(rows: list[list[str]]) -> list[tuple[str, int]]:
    """Ordinals 1-31: the listed words plus UNIT عشر(ة) (11-19) and UNIT و TEN (21-29, 31)."""
    units = [(f, int(v)) for f, v, role in rows if role == "unit"]
    teens = [f for f, _, role in rows if role == "teen"]
    tens = [(f, int(v)) for f, v, role in rows if role == "ten"]
    out = [(f, int(v)) for f, v, role in rows if role in ("unit", "ten", "bare")]
    for form, value in units:
        if value < 10:
            out += [(f"{form} {teen}", 10 + value) for teen in teens]
            out += [(f"{form} و{ten}", value + t) for ten, t in tens if value + t <= 31]
    return [(f, v) for f, v in out if not f.startswith("الأول ")]


@cache
def builtin() -> Lexicon:
    """The bundled lexicon (loaded once per process)."""
    table: dict[str, list[Entry]] = {}

    def add(form: str, entry: Entry) -> None:
        for variant in _variants(form):
            table.setdefault(variant, []).append(entry)

    for form, month, system, amb in _rows("months.tsv"):
        add(form, ("month", (int(month), system, amb == "1")))
    for form, month, amb in _rows("hijri_months.tsv"):
        add(form, ("hmonth", (int(month), "hijri", amb == "1")))
    for form, day, amb in _rows("weekdays.tsv"):
        add(form, ("weekday", (int(day), amb == "1")))
    for form, part, clock, alone in _rows("parts_of_day.tsv"):
        add(form, ("pod", (part, clock, alone == "1")))
    for form, days, part in _rows("relative.tsv"):
        add(form, ("rel", (int(days), None if part == "-" else part)))
    for form, unit, count, definite in _rows("units.tsv"):
        add(form, ("unit", (unit, int(count), definite == "1")))
    for form, value in _rows("numbers.tsv"):
        add(form, ("numw", int(value)))
        if " " not in form:
            add("ال" + form, ("numw", int(value)))  # الأيام الثلاثة
    for form, number in _ordinal_forms(_rows("ordinals.tsv")):
        add(form, ("ord", number))
    for form, step, anaphoric in _rows("modifiers.tsv"):
        add(form, ("mod", int(step)))
        if anaphoric == "1":
            add(form, ("anaphor", True))
    for form, direction, grain in _rows("vague.tsv"):
        add(form, ("vague", (direction, grain)))
    for form, role in _rows("markers.tsv"):
        add(form, ("marker", role))
    for form, role, minutes in _rows("clock.tsv"):
        add(form, ("clockw", (role, int(minutes))))
    for form, edge in _rows("edges.tsv"):
        add(form, ("edge", edge))
    for form, tens in _rows("decades.tsv"):
        add(form, ("decade", int(tens)))
    for form, calendar, month, day in _rows("holidays.tsv"):
        add(form, ("holiday", (calendar, int(month), int(day))))
    for form in ("القليلة", "الأخيرة", "الأخير", "هذا", "هذه"):
        add(form, ("fill", normalise_text(form)))
    entries = {form: tuple(dict.fromkeys(values)) for form, values in table.items()}
    words = rf"(?<![{_LETTER}])(?P<pre>[وف]??[بلك]??)(?P<word>{_trie(entries)})(?![{_LETTER}])"
    firsts = {form.split(" ")[0] for form in entries}
    first_words = frozenset({p + w for w in firsts for p in _PROCLITICS} | {"ه", "م"})
    return Lexicon(entries, re.compile(f"{words}|{_DIGIT_ATOMS}"), first_words)


def _trie(words: dict[str, Any]) -> str:
    """A regex alternation of ``words`` shaped as a trie (fast to match), longest match first."""
    root: dict[str, Any] = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_node(root)


def _trie_node(node: dict[str, Any]) -> str:
    alternatives = [
        (r"\s" if ch == " " else re.escape(ch)) + _trie_node(child)
        for ch, child in sorted(node.items())
        if ch
    ]
    if not alternatives:
        return ""
    body = alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"
    if "" in node:
        return f"(?:{body})?"
    return body
