"""Events: typed PLOVER/ACLED events with their modality, arguments and counts by role.

The stage works sentence by sentence on the tokens of the normalised view:

1. **Triggers** — each word's clitic candidates are looked up in the trigger table
   (``events_data/triggers.tsv``, inflections expanded by `rasd.events_lexicon`); a multiword
   trigger (لقوا … حتفهم، أطلقت … الرصاص) needs its companion word a few tokens after it.
2. **Judgement** — an event noun (مقتل، تظاهرات) needs support in its sentence (a happening verb,
   a time, a figure); a participant noun (المتظاهرين) needs an activity verb in its clause; and
   every trigger gets a modality from the cues before it (لم → negated, سـ/قريباً → planned,
   إذا/قد/هل → hypothetical, اتهم/زعم → reported) and a background flag (جريمة اغتيال، منذ…).
3. **Arguments** come from the same clause only (`rasd.events_args`): actor, target, place, time and
   the counts attached to the trigger with their role and group.

Only ``asserted`` events that are not background and not in the present tense are *factual*
(`is_factual`): those are what tables count.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left
from dataclasses import dataclass, replace

from rasd.document import Document, Event, Token
from rasd.events_args import Clause, assign_counts, attach_arguments
from rasd.events_lexicon import Lexicon, Trigger, match_forms
from rasd.events_numbers import find_numbers
from rasd.pipeline import stage
from rasd.span_index import in_text_order

_CLAUSE_PUNCT = frozenset("،,؛;:()!؟?.")
_CLAUSE_WORDS = frozenset({"فيما", "بينما", "حيث", "لكن", "ولكن", "اذ", "الا", "بعدما", "عندما"})
_QUESTION_MARKS = frozenset("؟?")
_YEAR = re.compile(r"(?:19|20)[0-9]{2}")


@dataclass(frozen=True, slots=True)
class EventOptions:
    """How the events stage bounds its work."""

    max_sentence_tokens: int = 300
    """Longer sentences are read in windows of this many tokens (bounded time)."""
    max_events_per_sentence: int = 40
    before_window: int = 4
    """How many tokens before a trigger its negation / hypothetical / background cues may stand."""


DEFAULT_OPTIONS = EventOptions()


@dataclass(frozen=True, slots=True)
class Match:
    """A trigger found in a sentence (token indices are absolute)."""

    index: int
    end: int
    """Index one past the trigger's head token (companions are not in the span)."""
    entry: Trigger
    present_future: bool
    """The verb carries the future prefix سـ."""
    consumed: tuple[int, ...] = ()
    prefix: str = ""
    """The proclitics before the matched stem (و، ب، لل، ال …)."""


def is_factual(event: Event) -> bool:
    """Does the event count in tables (asserted, past, not a background reference)?"""
    return event.modality == "asserted" and not event.background and event.tense != "present"


def is_reported(event: Event) -> bool:
    """Does the sentence report the event as news (factual and anchored)? A bare event noun
    (الاحتجاجات، الهجوم) with no figure, participant or second event word is only mentioned."""
    return is_factual(event) and event.anchored


def _anchor(events: list[Event], governed: list[bool]) -> list[Event]:
    """Mark the events of one sentence that the sentence anchors (see `Event.anchored`). A
    participant alone does not anchor an event noun (هجوم إسرائيل على القرية as a topic); an event
    noun governed by a preposition (في الهجوم، بتفجير) is anchored only by a figure or its own
    words, not by the event words around it."""
    words: dict[str, set[str]] = {}
    for e in events:
        if is_factual(e):
            words.setdefault(e.type, set()).add(e.surface)
    out = []
    for e, oblique in zip(events, governed, strict=True):
        context = len(words.get(e.type, ())) > 1
        anchored = (
            e.anchored
            or e.tense in {"past", "ongoing"}
            or bool(e.counts)
            or (context and not oblique)
        )
        out.append(replace(e, anchored=anchored))
    return out


@stage(name="events", requires=("tokens", "quantities"), assigns=("events",))
def extract_events(doc: Document) -> Document:
    """Add typed events (with modality, arguments and counts) to a document."""
    return replace(doc, events=find_events(doc))


def find_events(doc: Document, options: EventOptions = DEFAULT_OPTIONS) -> tuple[Event, ...]:
    """The events of a segmented document (sentences and tokens), in text order."""
    lexicon = Lexicon.builtin()
    doc = in_text_order(doc)
    tokens = doc.tokens
    starts = [t.start for t in tokens]
    numbers = find_numbers(doc)
    firsts = [n.first for n in numbers]
    in_order = firsts == sorted(firsts)
    events: list[Event] = []
    for s_index, sentence in enumerate(doc.sentences):
        lo = bisect_left(starts, sentence.start)
        hi = bisect_left(starts, sentence.end)
        for w_lo in range(lo, hi, options.max_sentence_tokens):
            w_hi = min(hi, w_lo + options.max_sentence_tokens)
            here = (
                numbers[bisect_left(firsts, w_lo) : bisect_left(firsts, w_hi)]
                if in_order
                else tuple(n for n in numbers if w_lo <= n.first < w_hi)
            )
            found = _sentence_events(
                doc, lexicon, here, s_index=s_index, bounds=(w_lo, w_hi), options=options
            )
            events.extend(found[: options.max_events_per_sentence])
    return tuple(events)


def _sentence_events(
    doc: Document,
    lexicon: Lexicon,
    numbers: tuple,
    *,
    s_index: int,
    bounds: tuple[int, int],
    options: EventOptions,
) -> list[Event]:
    tokens = doc.tokens
    lo, hi = bounds
    forms = _forms(tokens, lo, hi)
    matches = _find_triggers(tokens, forms, lexicon, lo)[: options.max_events_per_sentence]
    if not matches:
        return []
    cues = _cue_positions(tokens, forms, lexicon, lo)
    question = any(tokens[i].surface in _QUESTION_MARKS for i in range(lo, hi)) or (
        tokens[lo].norm in {"هل", "فهل", "وهل"}
    )
    numbers_here = [n for n in numbers if lo <= n.first < hi]
    counts = assign_counts(doc, lexicon, numbers_here, matches)
    out = []
    oblique: list[bool] = []
    for k, match in enumerate(matches):
        clause = _clause(tokens, lo, hi, match.index)
        if not _supported(match, clause, cues, numbers=numbers_here, lo=lo):
            continue
        modality = _modality(match, clause, cues, question=question, tokens=tokens, options=options)
        background = _near(cues, "background", clause.lo, match.index, 2)
        history = _in(cues, "history", clause.lo, clause.hi)
        mode = match.entry.mode
        if match.entry.type == "ASSAULT":
            mode = _assault_mode(cues, clause) or mode
        ongoing = match.entry.tense == "present" and (
            any(clause.lo <= n.first < clause.hi for n in numbers_here)
            or _in(cues, "time", clause.lo, clause.hi)
        )
        event = _make_event(
            doc,
            lexicon,
            match,
            s_index=s_index,
            mode=mode,
            modality=modality,
            background=background or history,
        )
        if ongoing:  # يعتصم آلاف المتظاهرين أمس: a present verb reporting what is going on
            event = replace(event, tense="ongoing")
        event = attach_arguments(
            doc,
            lexicon,
            event,
            match=match,
            clause=clause,
            sentence=Clause(lo, hi),
            numbers=numbers_here,
            counts=tuple(counts.get(k, ())),
        )
        if background and not history and event.counts:  # عدد الذين أوقفتهم … 8000: the news
            event = replace(event, background=False)
        governed = any(0 < match.index - j <= 2 for j in cues.get("happening", ()))
        if match.consumed or governed:  # لقوا حتفهم، تصاعدت الاحتجاجات: anchored by its words
            event = replace(event, anchored=True)
        out.append(event)
        oblique.append(
            match.entry.tense == "none" and _after_preposition(lexicon, tokens, match, lo)
        )
    return _anchor(out, oblique)


# --------------------------------------------------------------------------- triggers


def _forms(tokens: tuple[Token, ...], lo: int, hi: int) -> list[tuple[str, ...]]:
    """The matching forms (clitic candidates) of each token of a sentence, computed once."""
    return [match_forms(t.norm) if t.kind == "word" else () for t in tokens[lo:hi]]


def _lookup(forms: tuple[str, ...], lexicon: Lexicon) -> tuple[str, tuple[Trigger, ...]] | None:
    triggers = lexicon.triggers  # holds every form with ة and with ه (fold_ta_marbuta)
    for candidate in forms:
        entries = triggers.get(candidate)
        if entries:
            return candidate, entries
    return None


def _find_triggers(
    tokens: tuple[Token, ...], forms: list[tuple[str, ...]], lexicon: Lexicon, lo: int
) -> list[Match]:
    matches: list[Match] = []
    consumed: set[int] = set()
    hi = lo + len(forms)
    for i in range(lo, hi):
        if i in consumed or not forms[i - lo]:
            continue
        found = _lookup(forms[i - lo], lexicon)
        if found is None:
            continue
        stem, entries = found
        after_preposition = i > lo and _governs(lexicon, tokens[i - 1])
        # تفجير وخطف وقتل: a verb form coordinated after an event noun is a noun too
        listed = bool(matches) and matches[-1].index == i - 1 and matches[-1].entry.tense == "none"
        if listed and tokens[i].norm.startswith("و"):
            after_preposition = True
        match = _choose_entry(
            tokens, forms, lo, i, stem=stem, entries=entries, nominal=after_preposition
        )
        if match is not None:
            consumed.update(match.consumed)
            matches.append(match)
    return [m for m in matches if m.index not in consumed or m.consumed]


def _choose_entry(
    tokens: tuple[Token, ...],
    forms: list[tuple[str, ...]],
    lo: int,
    i: int,
    *,
    stem: str,
    entries: tuple[Trigger, ...],
    nominal: bool,
) -> Match | None:
    token = tokens[i]
    hi = lo + len(forms)
    prefix = token.norm[: len(token.norm) - len(stem)] if token.norm.endswith(stem) else ""
    nominal = nominal or prefix.endswith(("ال", "ب", "ل"))
    for candidate in sorted(entries, key=lambda e: not e.companions):
        entry = candidate
        if entry.strength == "weak" and prefix.endswith(("ال", "ل", "ب")):
            continue  # المتظاهرون، لتجمع: an anaphoric participant or a name, not a new event
        if nominal and entry.tense == "past":  # القتل، عن قتل: the verbal noun, not the verb
            entry = replace(entry, tense="none", strength="support")
        future = entry.tense == "present" and prefix.endswith("س")
        if not entry.companions:
            return Match(i, i + 1, entry, future, prefix=prefix)
        for j in range(i + 1, min(hi, i + 1 + entry.window)):
            if not entry.companions.isdisjoint(forms[j - lo]):
                return Match(i, i + 1, entry, future, consumed=(j,), prefix=prefix)
    return None


# --------------------------------------------------------------------------- cues and clauses


def _cue_positions(
    tokens: tuple[Token, ...], forms: list[tuple[str, ...]], lexicon: Lexicon, lo: int
) -> dict[str, list[int]]:
    """cue name -> token indices where it occurs in the sentence."""
    positions: dict[str, list[int]] = {}
    hi = lo + len(forms)
    cues, phrases = lexicon.cues, lexicon.phrase_index
    for i in range(lo, hi):
        here = forms[i - lo]
        for candidate in here:
            hits = cues.get(candidate)
            if hits:
                for cue, _scope in hits:
                    if cue == "year" and i + 1 < hi and _YEAR.fullmatch(tokens[i + 1].norm):
                        cue = "history"  # عام 2013، صيف 2012: a past year  # noqa: PLW2901
                    positions.setdefault(cue, []).append(i)
                break
        for candidate in here:
            for words, cue in phrases.get(candidate, ()):
                n = len(words)
                if i + n <= hi and all(words[k] in forms[i + k - lo] for k in range(1, n)):
                    positions.setdefault(cue, []).append(i)
    return positions


def _clause(tokens: tuple[Token, ...], lo: int, hi: int, index: int) -> Clause:
    a = index
    while a > lo and not _is_boundary(tokens[a - 1]):
        a -= 1
    b = index + 1
    while b < hi and not _is_boundary(tokens[b]):
        b += 1
    return Clause(a, b)


def _governs(lexicon: Lexicon, token: Token) -> bool:
    """A preposition or a noun that takes a verbal noun after it (عن قتل، عمليات قتل)."""
    return any(cue == "governs" for cue, _scope in lexicon.cues.get(token.norm, ()))


def _after_preposition(lexicon: Lexicon, tokens: tuple[Token, ...], match: Match, lo: int) -> bool:
    """Is the trigger governed by a preposition (في الهجوم، عن التفجير، بتفجير، للهجوم)?"""
    if match.index > lo and _governs(lexicon, tokens[match.index - 1]):
        return True
    return match.prefix.lstrip("وف").startswith(("ب", "ل"))


def _is_boundary(token: Token) -> bool:
    if token.kind == "punct":
        return token.surface in _CLAUSE_PUNCT
    return token.norm in _CLAUSE_WORDS


def _near(cues: dict[str, list[int]], cue: str, lo: int, index: int, window: int) -> bool:
    return any(max(lo, index - window) <= i < index for i in cues.get(cue, ()))


def _in(cues: dict[str, list[int]], cue: str, lo: int, hi: int) -> bool:
    return any(lo <= i < hi for i in cues.get(cue, ()))


def _supported(
    match: Match, clause: Clause, cues: dict[str, list[int]], *, numbers: list, lo: int
) -> bool:
    strength = match.entry.strength
    if strength == "strong" or match.consumed:
        return True
    if strength == "count":  # قتلى، جرحى: an event only with the figure that counts them
        return any(match.index - 3 <= n.last < match.index for n in numbers)
    in_clause_number = any(clause.lo <= n.first < clause.hi for n in numbers)
    if strength == "weak":
        others = [i for i in cues.get("activity", ()) if i != match.index]
        return any(clause.lo <= i < clause.hi for i in others)
    i = match.index
    happening = [j for j in cues.get("happening", ()) if j != i and abs(j - i) <= 4]
    first_word = i - lo <= 1 and tokens_first(cues, lo)
    return (
        in_clause_number
        or _in(cues, "denial", lo, match.index)  # نفت الوزارة مقتل …: kept, as negated
        or any(clause.lo <= j < clause.hi for j in happening)
        or _in(cues, "time", clause.lo, clause.hi)
        or _in(cues, "activity", clause.lo, clause.hi)
        or first_word
    )


def tokens_first(cues: dict[str, list[int]], lo: int) -> bool:
    """A headline-style sentence opening with the event noun (اغتيال النائب …)."""
    return lo not in cues.get("background", ())


def _modality(
    match: Match,
    clause: Clause,
    cues: dict[str, list[int]],
    *,
    question: bool,
    tokens: tuple[Token, ...],
    options: EventOptions,
) -> str:
    i, window = match.index, options.before_window
    if _near(cues, "negated", clause.lo, i, 2) or any(j < i for j in cues.get("denial", ())):
        return "negated"
    if match.entry.tense == "past" and i > clause.lo and tokens[i - 1].norm in {"ما", "وما"}:
        return "negated"  # ما قتل: a particle right before a past verb
    if match.present_future or _in(cues, "planned", clause.lo, min(clause.hi, i + 4)):
        return "planned"
    if question or _near(cues, "hypothetical", clause.lo, i, window):
        return "hypothetical"
    if _in(cues, "unconfirmed", clause.lo, clause.hi) or (
        match.entry.tense == "present" and _near(cues, "may", clause.lo, i, 2)
    ):
        return "hypothetical"  # قد + imperfect, or a toll still unknown (قيد التحقيق)
    if any(clause.lo <= j < i for j in cues.get("reported", ())):
        return "reported"
    return "asserted"


def _assault_mode(cues: dict[str, list[int]], clause: Clause) -> str | None:
    for mode in ("suicide-attack", "crowd-control", "aerial", "explosives", "heavy-weapons"):
        if _in(cues, f"mode:{mode}", clause.lo, clause.hi):
            return mode
    if _in(cues, "mode:firearms", clause.lo, clause.hi):
        return "firearms"
    return None


# --------------------------------------------------------------------------- the event


def event_id(doc_id: str, start: int) -> str:
    """A stable event id from the document id and the trigger offset."""
    digest = hashlib.sha256(f"{doc_id}:{start}".encode()).hexdigest()[:10]
    return f"ev-{digest}"


def _make_event(
    doc: Document,
    lexicon: Lexicon,
    match: Match,
    *,
    s_index: int,
    mode: str | None,
    modality: str,
    background: bool,
) -> Event:
    token = doc.tokens[match.index]
    label, acled_type, acled_sub = lexicon.describe(match.entry.type, mode)
    tense = "future" if match.present_future else match.entry.tense
    return Event(
        start=token.start,
        end=token.end,
        surface=token.surface,
        id=event_id(doc.id, token.start),
        type=match.entry.type,
        mode=mode,
        label=label,
        acled_event_type=acled_type,
        acled_sub_event_type=acled_sub,
        modality=modality,
        sentence=s_index,
        tense=tense,
        background=background,
    )
