"""What a number counts: the noun after it (``2030 جندياً`` → troops, ``16 من أفراد قوات الأمن`` →
members of the security forces, ``متجر ومصرف`` → shops and banks), the noun of a tally before it
(``عدد القتلى إلى 50``), the noun before واحد / اثنان (``شخص واحد``) and the product of a measure
(``3 أطنان من الكوكايين``). Every function reads the normalised text and returns normalised offsets.
"""

from __future__ import annotations

import re

from rasd.quantities_lexicon import (
    ARABIC_LETTER,
    Counted,
    Phrases,
    phrase_after,
    phrase_before_word,
    tokens_after,
    tokens_before,
)
from rasd.quantities_words import LEXICON

_COUNTED = Phrases(LEXICON.counted)
_AND = re.compile(r"\s*و\s*")
_TALLY = re.compile(
    rf"(?<![{ARABIC_LETTER}])(?:عدد|حصيل[ةه])\s+(?P<noun>ال[{ARABIC_LETTER}]+)"
    rf"(?:\s+(?:الي|حتي|هو|بلغ|وصل|ارتفع)){{0,2}}\s*(?:ب|ل)?$"
)


def counted_after(n: str, pos: int) -> tuple[int, int, str | None] | None:
    """The noun a number counts: "جندياً", "من أفراد قوات الأمن", "متجر ومصرف"."""
    tokens = tokens_after(n, pos, 1)
    if not tokens or n[pos : tokens[0].start()].strip():
        return None
    start = tokens[0].start()
    after_min = tokens[0].group() == "من"
    if after_min:
        start = tokens[0].end()
    head = _noun_at(n, start)
    if head is None:
        return None
    end, entry, noun_start = head
    if after_min and entry.kind == "noun" and not _definite(n, noun_start, end):
        return None  # "أربعة من أشهر …": من + an indefinite noun is no partitive
    label = entry.label
    if entry.kind in ("member", "piece"):
        group = _group_after(n, end)
        if group is not None:
            end, group_label = group
            label = f"members of the {group_label}" if entry.kind == "member" else group_label
    elif entry.kind == "group":
        label = f"members of the {label}"
    more = _AND.match(n, end)
    if more and entry.kind == "noun":
        second = _noun_at(n, more.end())
        # "متجر ومصرف", "القتلى والجرحى"; not "12 جنديا وإصابة": the accusative of a counted
        # noun (جنديا) is not shared by a noun that starts a new phrase (وإصابة)
        agree = second is not None and (n[end - 1] != "ا" or n[second[0] - 1] == "ا")
        if second is not None and agree and second[1].kind == "noun":
            end = second[0]
            label = f"{label} and {second[1].label}"
    return noun_start, end, label


def counted_before(n: str, pos: int) -> tuple[int, int, str | None] | None:
    """The noun of "عدد القتلى إلى 50", "حصيلة الضحايا 30": counted before the number."""
    m = _TALLY.search(n, max(0, pos - 40), pos)
    if m is None:
        return None
    noun = m.group("noun")
    entry = LEXICON.counted.get(noun[2:]) or LEXICON.counted.get(noun)
    if entry is None or entry.kind != "noun":
        return None
    return m.start("noun"), m.end("noun"), entry.label


def noun_before(n: str, pos: int) -> tuple[int, int, str | None] | None:
    """The noun before واحد / اثنان (شخص واحد), with its label."""
    found = phrase_before_word(n, pos, _COUNTED)
    if found is None or found[1].kind != "noun":
        return None
    end = tokens_before(n, pos, 1)[0].end()
    return found[0], end, found[1].label


def _definite(n: str, start: int, end: int) -> bool:
    """Is the noun phrase at ``n[start:end]`` definite: with the article (المتظاهرين، رجال الأمن)
    or a sound plural in construct before a definite noun (مقاتلي المقاومة)? Not "من أشهر
    العاملين", where أشهر is an elative ("the best known of")."""
    words = n[start:end].split()
    if any(word.startswith(("ال", "لل")) for word in words):
        return True
    following = tokens_after(n, end, 1)
    return n[end - 1] == "ي" and bool(following) and following[0].group().startswith("ال")


def _noun_at(n: str, pos: int) -> tuple[int, Counted, int] | None:
    found = phrase_after(n, pos, _COUNTED)  # no و/ب/ل: "5 وإصابة" starts a new phrase
    if found is None:
        tokens = tokens_after(n, pos, 1)
        word = tokens[0].group() if tokens else ""
        if word.startswith(("ال", "لل")) and len(word) > 4:
            bare = word[2:]
            entry = LEXICON.counted.get(bare)
            if entry is not None:
                return tokens[0].end(), entry, tokens[0].start()
        return None
    return found


def _group_after(n: str, pos: int) -> tuple[int, str] | None:
    tokens = tokens_after(n, pos, 1)
    start = pos
    if tokens and tokens[0].group() == "من":
        start = tokens[0].end()
    found = phrase_after(n, start, _COUNTED)
    if found is None or found[1].kind != "group":
        return None
    return found[0], found[1].label


def product_after(n: str, pos: int) -> tuple[int, int, str | None] | None:
    tokens = tokens_after(n, pos, 2)
    if len(tokens) == 2 and tokens[0].group() == "من" and tokens[1].group()[0].isalpha():
        return tokens[1].start(), tokens[1].end(), None
    return None
