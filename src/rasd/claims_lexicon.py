"""The bundled attribution table of the claims stage (``rasd/claims_data/attribution.tsv``):
reporting verbs with their stance, attributing prepositions, speaking groups, channels, stance
phrases and the words that end a speaker's name. Verb forms are inflected like event triggers."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from rasd.document import Token
from rasd.errors import ModelDataError
from rasd.events_lexicon import expand
from rasd.text import normalise_text


@dataclass(frozen=True, slots=True)
class Attribution:
    """The attribution table: normalised form -> (kind, value)."""

    single: dict[str, tuple[str, str]]
    phrases: tuple[tuple[tuple[str, ...], str, str], ...]
    phrase_index: dict[str, tuple[tuple[tuple[str, ...], str, str], ...]]
    """first word -> the multiword entries starting with it"""

    @classmethod
    def builtin(cls) -> Attribution:
        return _builtin()


@cache
def _builtin() -> Attribution:
    try:
        text = resources.files("rasd.claims_data").joinpath("attribution.tsv").read_text("utf-8")
    except OSError as err:
        raise ModelDataError("rasd/claims_data/attribution.tsv is missing; reinstall rasd") from err
    single: dict[str, tuple[str, str]] = {}
    phrases = []
    rows = [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]
    for forms, pos, kind, value in rows[1:]:
        for form in forms.split("|"):
            words = tuple(normalise_text(w) for w in form.split())
            if len(words) > 1:
                phrases.append((words, kind, value))
                continue
            for inflected in expand(words[0], pos):
                single.setdefault(inflected, (kind, value))
    index: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}
    for entry in phrases:
        index.setdefault(entry[0][0], []).append(entry)
    return Attribution(single, tuple(phrases), {k: tuple(v) for k, v in index.items()})


def phrase_hits(
    table: Attribution, forms: list[tuple[str, ...]], lo: int
) -> tuple[tuple[int, int, str, str], ...]:
    """Multiword entries found in a sentence: (first token, end token, kind, value)."""
    hits = []
    for k, here in enumerate(forms):
        for candidate in here:
            for words, kind, value in table.phrase_index.get(candidate, ()):
                n = len(words)
                if k + n <= len(forms) and all(words[m] in forms[k + m] for m in range(1, n)):
                    hits.append((lo + k, lo + k + n, kind, value))
    return tuple(hits)


def attribution_kind(
    token: Token, table: Attribution, forms: tuple[str, ...]
) -> tuple[str, str] | None:
    """What a word is in attribution language (verb, speaker, channel, prep, stance, stop)."""
    for stem in forms:
        hit = table.single.get(stem)
        if hit is not None:
            if hit[0] == "verb" and token.norm.endswith(stem) and "ال" in token.norm[: -len(stem)]:
                return None  # النقل، الذكر: a noun, not the verb
            return hit
    return None
