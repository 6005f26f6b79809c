"""Arguments of an event, taken from its own clause: counts by role with their group, actor,
target, place and time, and the one-line English summary.

Figures come from `rasd.events_numbers`; places and people come from the entities stage when
present.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from rasd.document import Count, Document, Entity, Event, Span, Token
from rasd.events_numbers import NumberRef
from rasd.span_index import starting_in
from rasd.text import normalise, normalise_text

if TYPE_CHECKING:
    from rasd.events import Match
    from rasd.events_lexicon import Lexicon

_TARGET_MARKERS = frozenset({"علي", "ضد", "استهدف", "استهدفت", "بحق"})
_PLACE_LABELS = frozenset({"GPE", "LOC"})
_DIRECTIONS = {
    **dict.fromkeys(("شمال", "شمالي"), "north"),
    **dict.fromkeys(("جنوب", "جنوبي"), "south"),
    **dict.fromkeys(("شرق", "شرقي"), "east"),
    **dict.fromkeys(("غرب", "غربي"), "west"),
    "وسط": "centre",
}
_REFERENCE_WORDS = frozenset(
    {"الحدود", "حدود", "قرب", "بالقرب", "مع", "من", "الي", "نحو", "باتجاه", "ضد", "عن"}
)
_ACTOR_LABELS = frozenset({"PER", "ORG", "NORP"})
_VICTIM_ROLES = frozenset({"killed", "injured", "detained", "kidnapped", "missing", "displaced"})
_FAMILY = {
    "killed": "ASSAULT",
    "injured": "ASSAULT",
    "kidnapped": "ASSAULT",
    "detained": "COERCE",
    "property": "COERCE",
    "damage": "COERCE",
    "troops": "MOBILIZE",
    "equipment": "MOBILIZE",
}


@dataclass(frozen=True, slots=True)
class Clause:
    lo: int
    hi: int


@cache
def _role_nouns() -> dict[str, str]:
    text = resources.files("rasd.events_data").joinpath("roles.tsv").read_text("utf-8")
    table = {}
    for line in text.splitlines():
        if not line or line.startswith(("#", "forms")):
            continue
        forms, role = line.split("\t")
        table.update({normalise_text(f): role for f in forms.split("|")})
    return table


# --------------------------------------------------------------------------- counts


def _counted_role(tokens: tuple[Token, ...], ref: NumberRef, clause: Clause) -> str | None:
    roles = _role_nouns()
    j = ref.last + 1
    if j < clause.hi and tokens[j].norm == "من":  # عشرات من القتلى
        j += 1
    if j < min(clause.hi, len(tokens)):
        for stem in tokens[j].stems():
            if stem in roles:
                return roles[stem]
    return None


def _group(doc: Document, lexicon: Lexicon, ref: NumberRef, clause: Clause) -> Span | None:
    """The group a figure counts: its counted noun (after an optional من) must be a group word;
    the most specific group starting there wins (أفراد قوات الأمن → security forces)."""
    tokens = doc.tokens
    lo = ref.last + 1
    if lo < clause.hi and tokens[lo].norm == "من":
        lo += 1
    if lo >= min(clause.hi, len(tokens)) or lexicon.group_words.isdisjoint(tokens[lo].stems()):
        return None
    hi = min(clause.hi, lo + 5)
    for k in range(lo + 1, hi):
        boundary = tokens[k].kind in {"number", "punct"} or tokens[k].norm.startswith("و")
        if boundary and not (tokens[k].kind == "word" and _is_group_word(lexicon, tokens[k])):
            hi = k  # the next figure or clause counts its own group
            break
    best: tuple[int, int, str] | None = None
    for group in lexicon.groups:
        n = len(group.words)
        for i in range(lo, hi - n + 1):
            if all(not group.words[k].isdisjoint(tokens[i + k].stems()) for k in range(n)):
                size = best[1] - best[0] if best else 0
                if best is None or n > size or (n == size and i < best[0]):
                    best = (i, i + n, group.label)
                break
    if best is None:
        return None
    return doc.span(tokens[lo].start, tokens[best[1] - 1].end, best[2])


def _is_group_word(lexicon: Lexicon, token: Token) -> bool:
    return not lexicon.group_words.isdisjoint(token.stems())


def _owner(ref: NumberRef, role: str | None, matches: list[Match]) -> int | None:
    """Index (into ``matches``) of the trigger a figure belongs to: a trigger of the role's family
    (troops → MOBILIZE) when there is one, else the trigger just before it (مقتل 26 …), else the one
    just after it (16 من أفراد قوات الأمن قُتلوا), else one a little further before."""
    if role in _FAMILY:
        family = [k for k, m in enumerate(matches) if m.entry.type == _FAMILY[role]]
        if family:
            return min(family, key=lambda k: abs(matches[k].index - ref.first))
    before = after = None
    for k, m in enumerate(matches):
        if not m.entry.role:
            continue
        if m.index < ref.first:
            before = k
        elif after is None and ref.last < m.index <= ref.last + 6:
            after = k
    if before is not None and ref.first - matches[before].index <= 4:
        return before
    if after is not None:
        return after
    if before is not None and ref.first - matches[before].index <= 8:
        return before
    return None


def assign_counts(
    doc: Document, lexicon: Lexicon, numbers: list[NumberRef], matches: list[Match]
) -> dict[int, list[Count]]:
    """The counts of a sentence, by the index (into ``matches``) of the trigger each belongs to.
    A figure is a count only when it counts people or property (a group or a role noun)."""
    tokens = doc.tokens
    out: dict[int, list[Count]] = {}
    for ref in numbers:
        window = Clause(max(0, ref.first - 12), min(len(tokens), ref.last + 8))
        role = "damage" if ref.kind == "money" else _counted_role(tokens, ref, window)
        group = _group(doc, lexicon, ref, window)
        owner = _owner(ref, role, matches)
        if owner is None:
            continue
        adjacent = matches[owner].index == ref.first - 1 and matches[owner].entry.role
        if role is None and group is None and not adjacent:
            continue  # 300 قذيفة: a figure that counts neither people nor property
        if role in {"troops", "equipment"} and matches[owner].entry.type != "MOBILIZE":
            role = matches[owner].entry.role  # لقي ثلاثة جنود حتفهم: soldiers, killed
        out.setdefault(owner, []).append(
            Count(
                start=ref.start,
                end=ref.end,
                surface=doc.text[ref.start : ref.end],
                role=role or matches[owner].entry.role or "other",
                value=ref.value,
                qualifier=ref.qualifier,
                value_max=ref.value_max,
                unit=ref.unit,
                group=group,
            )
        )
    return out


# --------------------------------------------------------------------------- actor, target


def _mentions(doc: Document, lexicon: Lexicon, clause: Clause) -> list[tuple[int, int, Span]]:
    """Entity and group mentions of a clause as (first token, end token, span)."""
    tokens = doc.tokens
    out: list[tuple[int, int, Span]] = []
    starts = [t.start for t in tokens[clause.lo : clause.hi]]
    lo_char, hi_char = tokens[clause.lo].start, tokens[clause.hi - 1].end
    for ent in starting_in(doc.entities, lo_char, hi_char):
        if ent.label in _ACTOR_LABELS:
            first = clause.lo + bisect_left(starts, ent.start)
            end = max(first + 1, clause.lo + bisect_left(starts, ent.end))
            out.append((first, end, doc.span(ent.start, ent.end, ent.english)))
    taken = {i for a, b, _ in out for i in range(a, b)}
    for i in range(clause.lo, clause.hi):
        if i in taken or tokens[i].kind != "word":
            continue
        stems = tokens[i].stems()
        if lexicon.group_words.isdisjoint(stems):
            continue
        label = _group_label(lexicon, tokens, i, clause.hi)
        if label is not None:
            n, name = label
            out.append((i, i + n, doc.span(tokens[i].start, tokens[i + n - 1].end, name)))
            taken.update(range(i, i + n))
    return sorted(out, key=lambda m: m[0])


def _group_label(
    lexicon: Lexicon, tokens: tuple[Token, ...], i: int, hi: int
) -> tuple[int, str] | None:
    for group in lexicon.groups:
        n = len(group.words)
        if i + n <= hi and all(
            not group.words[k].isdisjoint(tokens[i + k].stems()) for k in range(n)
        ):
            if group.kind == "property":
                return None
            return n, group.label
    return None


def _actor_target(
    doc: Document, lexicon: Lexicon, match: Match, clause: Clause, counted: set[int]
) -> tuple[Span | None, Span | None]:
    near = Clause(max(clause.lo, match.index - 4), min(clause.hi, match.end + 8))
    mentions = [m for m in _mentions(doc, lexicon, near) if m[0] not in counted]
    tokens = doc.tokens
    after = [m for m in mentions if m[0] >= match.end]
    before = [m for m in mentions if m[1] <= match.index and match.index - m[1] <= 3]
    actor = target = None
    is_verb = match.entry.tense in {"past", "present"}
    for a, _b, span in after:
        marked = a > 0 and not _TARGET_MARKERS.isdisjoint(tokens[a - 1].stems())
        if marked and target is None:
            target = span
        elif is_verb and actor is None and target is None and a - match.end <= 2:
            actor = span
        elif not is_verb and target is None and a - match.end <= 2:
            target = span
    if actor is None and before and is_verb:
        actor = before[-1][2]
    return actor, target


# --------------------------------------------------------------------------- place, time


def _place(
    doc: Document, clause: Clause, sentence: Clause, trigger: int
) -> tuple[Span | None, str | None, bool]:
    """The event's place: a place named in its clause, else in its sentence (nearest to the
    trigger), else the article's dateline, else its main place (marked inferred)."""
    tokens = doc.tokens
    at = tokens[trigger].start
    for scope in (clause, sentence):
        lo, hi = tokens[scope.lo].start, tokens[scope.hi - 1].end
        here = [e for e in starting_in(doc.entities, lo, hi) if e.label in _PLACE_LABELS]
        found = [((_place_score(doc, e), -abs(e.start - at)), _place_span(doc, e)) for e in here]
        region = _region_of_country(doc, scope)  # في غرب البلاد: a part of the country
        if region is not None:
            span, link, score = region
            found.append(((score, -abs(span.start - at)), (span, link)))
        if found:
            best = max(found, key=lambda f: f[0])[1]
            return (*best, False)
    places = [e for e in doc.entities if e.label in _PLACE_LABELS]
    if not places:
        return None, None, False
    start = tokens[sentence.lo].start
    if tokens[sentence.lo].norm in {"حيث", "وحيث"}:  # حيث أطلقت …: "where" = the place just named
        before = [e for e in places if start - 200 <= e.end <= start]
        if before:
            return (*_place_span(doc, before[-1]), False)
    dateline = _dateline(doc, places)
    if dateline is not None:
        return (*_place_span(doc, dateline), False)
    return (*_place_span(doc, _main_place(places)), True)


def _region_of_country(doc: Document, scope: Clause) -> tuple[Span, str | None, int] | None:
    """ "في غرب البلاد" / "شمالي البلاد": a part of the article's country (its most named one),
    with a place score that ranks it like a region (after في, above a town named without it)."""
    tokens = doc.tokens
    for i in range(scope.lo + 1, scope.hi):
        if tokens[i].norm != "البلاد":
            continue
        direction = _direction(tokens[i - 1])
        if direction is None:
            continue
        first = i - 1
        if first > scope.lo and (before := _direction(tokens[first - 1])) is not None:
            direction, first = f"{before}-{direction}", first - 1  # شمال غرب البلاد
        countries = [
            e for e in doc.entities if e.link and (e.kind == "country" or e.label == "NORP")
        ]  # كازاخستان، الكازاخية
        if not countries:
            return None
        country = _main_place(countries)
        label = f"{direction} of {country.english}" if country.english else None
        prep = first > scope.lo and tokens[first - 1].norm in {"في", "وفي"}
        score = 4 if prep or tokens[first].norm.startswith("ب") else 2
        return doc.span(tokens[first].start, tokens[i].end, label), country.link, score
    return None


def _direction(token: Token) -> str | None:
    if token.kind != "word":
        return None
    return next((_DIRECTIONS[s] for s in token.stems() if s in _DIRECTIONS), None)


def _place_score(doc: Document, ent: Entity) -> int:
    """How likely a place mention is where the event happened: a town over a country, a place
    after في / بـ over a reference point (قرب الحدود السورية، على الحدود مع سوريا، من لبنان)."""
    score = {"city": 3, "other": 2, "admin": 2}.get(ent.kind or "", 1)
    window = doc.text[max(0, ent.start - 25) : ent.start]
    before = normalise(window).text.split()
    attached = "" if window[-1:].isspace() or not before else before[-1]  # ببغداد: the clitic
    if attached in {"ب", "وب", "فب"} or (before and before[-1] in {"في", "وفي"}):
        score += 2
    if not _REFERENCE_WORDS.isdisjoint(before[-2:]):
        score -= 3
    return score


def _place_span(doc: Document, ent: Entity) -> tuple[Span, str | None]:
    label = ent.english
    if label and ent.country and ent.kind != "country":
        label = f"{label}, {ent.country}"  # Almaty, KZ
    return doc.span(ent.start, ent.end, label), ent.link


def _dateline(doc: Document, places: list[Entity]) -> Entity | None:
    """A place that opens the article followed by a dash, colon or bracket (بيروت ـ، القاهرة:)."""
    first = places[0]
    if first.start > 40 or doc.text[: first.start].strip(" -ـ*\n\u200f"):
        return None
    rest = doc.text[first.end : first.end + 4].lstrip()
    return first if rest[:1] in {"ـ", "-", "–", ":", "(", "،"} else None


def _main_place(places: list[Entity]) -> Entity:
    keys = Counter(e.link or e.surface for e in places)
    best, _n = keys.most_common(1)[0]
    return next(e for e in places if (e.link or e.surface) == best)


def _time(doc: Document, clause: Clause) -> tuple[Span | None, str | None, bool]:
    tokens = doc.tokens
    lo, hi = tokens[clause.lo].start, tokens[clause.hi - 1].end
    for t in starting_in(doc.times, lo, hi):
        if t.kind != "duration" and t.value and t.direction != "future":
            return doc.span(t.start, t.end), t.value, False
    if doc.published is None:
        return None, None, True
    return None, doc.published.isoformat()[:10], True


# --------------------------------------------------------------------------- assembly


def attach_arguments(
    doc: Document,
    lexicon: Lexicon,
    event: Event,
    *,
    match: Match,
    clause: Clause,
    sentence: Clause,
    numbers: list[NumberRef],
    counts: tuple[Count, ...],
) -> Event:
    """The event with its counts, actor, target, place, time and summary filled in."""
    # figures and the groups they count are victims or property, not actors
    counted = {i for ref in numbers for i in range(ref.first, ref.last + 5)}
    counted.update(_group_tokens(doc, clause, counts))
    actor, target = _actor_target(doc, lexicon, match, clause, counted)
    victims = [c for c in counts if c.group is not None and c.role in _VICTIM_ROLES]
    if target is None and victims:
        target = victims[0].group
    place, place_link, place_inferred = _place(doc, clause, sentence, match.index)
    time, date, date_inferred = _time(doc, clause)
    event = replace(
        event,
        actor=actor,
        target=target,
        place=place,
        place_link=place_link,
        place_inferred=place_inferred,
        time=time,
        date=date,
        date_inferred=date_inferred,
        counts=counts,
    )
    return replace(event, summary=summarise(event))


def _group_tokens(doc: Document, clause: Clause, counts: tuple[Count, ...]) -> set[int]:
    starts = [t.start for t in doc.tokens[clause.lo : clause.hi]]
    out: set[int] = set()
    for count in counts:
        if count.group is not None:
            a = clause.lo + bisect_left(starts, count.group.start)
            out.update(range(a, clause.lo + bisect_left(starts, count.group.end)))
    return out


def summarise(event: Event) -> str:
    """One line of English: ``2022-01-10 · Almaty · ASSAULT/firearms · police → protesters``."""
    parts = [event.date or "date unknown"]
    if event.place is not None:
        parts.append(event.place.label or event.place.surface)
    parts.append(f"{event.type}/{event.mode}" if event.mode else event.type)
    who = _name(event.actor)
    whom = _name(event.target)
    if who or whom:
        parts.append(f"{who or '?'} → {whom or '?'}")
    for count in event.counts:
        group = f" {count.group.label}" if count.group is not None and count.group.label else ""
        parts.append(f"{count.role} {_figure(count)}{group}")
    if event.modality != "asserted":
        parts.append(event.modality)
    return " · ".join(parts)


def _name(span: Span | None) -> str | None:
    return None if span is None else (span.label or span.surface)


def _figure(count: Count) -> str:
    value = f"{count.value:,.0f}" if count.value == int(count.value) else f"{count.value:,}"
    prefix = {"more_than": ">", "about": "~", "vague": "≈", "at_least": "≥"}
    unit = f" {count.unit}" if count.unit else ""
    return prefix.get(count.qualifier, "") + value + unit
