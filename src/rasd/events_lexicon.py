"""The bundled event lexicon: PLOVER typology, triggers, cues and groups (``rasd/events_data``).

The tables are hand-written data; this module only reads them and expands each trigger's base forms
into its inflected forms (verb suffixes, imperfect prefixes, noun endings), all in the normalised
matching view, so that matching a token is one dictionary lookup per clitic candidate.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from rasd.errors import ModelDataError
from rasd.text import clitic_candidates, fold_ta_marbuta, normalise_text

_PAST_SUFFIXES = ("", "ت", "وا", "و", "ا", "تا", "ن", "نا", "تم")
_IMPERFECT_PREFIXES = ("ي", "ت", "ن", "ا")
_IMPERFECT_SUFFIXES = ("", "ون", "ان", "ن", "ين", "وا", "و", "ا")
_NOUN_SUFFIXES = ("", "ا", "ان", "ين", "ون", "ات", "ة", "تين", "تان")


@lru_cache(maxsize=65536)
def match_forms(norm: str) -> tuple[str, ...]:
    """Clitic candidates of a normalised word, plus the ة that an enclitic turned into ت
    (مسؤوليته → مسؤولية), longest first."""
    out = list(clitic_candidates(norm))
    for form in tuple(out):
        if form.endswith("ت") and form != norm and len(form) > 3:
            out.append(form[:-1] + "ة")
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Trigger:
    """One trigger entry: what a matched word means."""

    type: str
    mode: str | None
    role: str | None
    strength: str
    """``strong``, ``support`` or ``weak`` (see ``triggers.tsv``)."""
    tense: str
    """``past`` (past verb), ``present`` (imperfect) or ``none`` (noun, participle)."""
    companions: frozenset[str] = frozenset()
    window: int = 0


@dataclass(frozen=True, slots=True)
class Group:
    words: tuple[frozenset[str], ...]
    label: str
    kind: str


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Everything the events stage knows about Arabic event language."""

    triggers: dict[str, tuple[Trigger, ...]]
    cues: dict[str, tuple[tuple[str, str], ...]]
    """single-word cue form -> ((cue, scope), …)"""
    phrase_cues: tuple[tuple[tuple[str, ...], str, str], ...]
    phrase_index: dict[str, tuple[tuple[tuple[str, ...], str], ...]]
    """first word of a multiword cue -> ((words, cue), …)"""
    groups: tuple[Group, ...]
    group_words: frozenset[str]
    plover: dict[str, Any]

    @classmethod
    def builtin(cls) -> Lexicon:
        return _builtin()

    def describe(self, type_: str, mode: str | None) -> tuple[str, str | None, str | None]:
        """English label and ACLED (event type, sub-event type) of a PLOVER type and mode."""
        info = self.plover["types"].get(type_, {})
        label = info.get("label", type_.lower())
        acled = info.get("acled")
        mode_info = info.get("modes", {}).get(mode) if mode else None
        if isinstance(mode_info, dict):
            label = f"{label}: {mode_info['label']}"
            acled = mode_info.get("acled", acled)
        elif isinstance(mode_info, str):
            label = f"{label}: {mode_info}"
        if acled:
            return label, acled[0], acled[1]
        return label, None, None


def _rows(name: str) -> list[list[str]]:
    try:
        text = resources.files("rasd.events_data").joinpath(name).read_text(encoding="utf-8")
    except OSError as err:
        raise ModelDataError(f"rasd/events_data/{name} is missing; reinstall rasd") from err
    rows = [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]
    return rows[1:]  # header


def _norm(form: str) -> str:
    return normalise_text(form.strip())


def expand(form: str, pos: str) -> set[str]:
    """The inflected forms of a base form, by part of speech (see ``triggers.tsv``)."""
    if pos in {"v", "xv"}:
        return {form + s for s in _PAST_SUFFIXES}
    if pos == "i":
        stem = form[1:] if form[:1] == "ي" else form
        return {p + stem + s for p in _IMPERFECT_PREFIXES for s in _IMPERFECT_SUFFIXES}
    if pos == "n":
        base = form[:-1] if form.endswith("ة") else form
        return {form} | {base + s for s in _NOUN_SUFFIXES}
    return {form}


def _load_triggers() -> dict[str, tuple[Trigger, ...]]:
    table: dict[str, list[Trigger]] = {}
    for forms, pos, type_, mode, role, strength, companions, window in _rows("triggers.tsv"):
        companion_set = frozenset(
            _norm(c) for c in companions.split("|") if c and companions != "-"
        )
        tense = {"v": "past", "xv": "past", "i": "present", "xi": "present"}.get(pos, "none")
        entry = Trigger(
            type_,
            None if mode == "-" else mode,
            None if role == "-" else role,
            strength,
            tense,
            companion_set,
            int(window),
        )
        for base in forms.split("|"):
            for form in expand(_norm(base), pos):
                for key in {form, fold_ta_marbuta(form)}:
                    if entry not in table.setdefault(key, []):
                        table[key].append(entry)
    return {k: tuple(v) for k, v in table.items()}


def _load_cues() -> tuple[dict[str, tuple[tuple[str, str], ...]], tuple[Any, ...]]:
    single: dict[str, list[tuple[str, str]]] = {}
    phrases = []
    for forms, cue, scope in _rows("cues.tsv"):
        for form in forms.split("|"):
            words = tuple(_norm(w) for w in form.split())
            if len(words) == 1:
                single.setdefault(words[0], []).append((cue, scope))
            else:
                phrases.append((words, cue, scope))
    return {k: tuple(v) for k, v in single.items()}, tuple(phrases)


def _load_groups() -> tuple[Group, ...]:
    groups = []
    for words, label, kind in _rows("groups.tsv"):
        alternatives = tuple(
            frozenset(_norm(w) for w in alt.split("|")) for alt in words.split(" ") if alt
        )
        groups.append(Group(alternatives, label, kind))
    # longest (most specific) first
    return tuple(sorted(groups, key=lambda g: len(g.words), reverse=True))


@cache
def _builtin() -> Lexicon:
    cues, phrases = _load_cues()
    groups = _load_groups()
    plover_text = resources.files("rasd.events_data").joinpath("plover.json").read_text("utf-8")
    index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for words, cue, _scope in phrases:
        index.setdefault(words[0], []).append((words, cue))
    return Lexicon(
        triggers=_load_triggers(),
        cues=cues,
        phrase_cues=phrases,
        phrase_index={k: tuple(v) for k, v in index.items()},
        groups=groups,
        group_words=frozenset(w for g in groups for alt in g.words for w in alt),
        plover=json.loads(plover_text),
    )
