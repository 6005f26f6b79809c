"""Claims: who said what, through which channel, and whether it was asserted, denied, retracted
or estimated — and which events and figures each claim carries.

Per sentence, an attribution is a reporting verb (قال، أكد، أعلن، نفى، سحب …) or an attributing
preposition (بحسب، وفقاً لـ، نقلاً عن). Its **speaker** is the entity or speaking group next to it
(``قال توكاييف``, ``الوزارة قالت``, ``السلطات كانت أعلنت``); a verb without one (``وأضاف أن``)
continues the previous speaker — explicit coreference, never a guess from an unrelated sentence.
Its **channel** (``via``) is an agency or medium named after عبر / وفقاً لـ / نقلت (رويترز، تلغرام).
Its **content** runs from after the verb (or the أن / إن that follows it) to the end of the clause
chain; a trailing ``وفقاً لما أوردته وكالة رويترز`` attributes what comes before it. The **stance**
comes from the verb (نفى → deny, سحب → retract, يُقدّر → estimate) or from the content
(``خطأ تقني`` → retract, ``التقديرات الأولية`` → estimate).

Events whose trigger lies inside a claim's content, and their counts, get that claim's id.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace

from rasd.claims_lexicon import Attribution, attribution_kind, phrase_hits
from rasd.document import Claim, Count, Document, Event, Span, Token
from rasd.events_lexicon import Lexicon
from rasd.pipeline import stage
from rasd.span_index import in_text_order, starting_in
from rasd.text import clitic_candidates, normalise_text

_COMPLEMENTISERS = frozenset({"ان", "بان", "فان", "لان", "انه", "انها", "انهم", "بانه", "بانها"})
_STOP = frozenset("،,؛;:.!؟?")
_SPEAKER_LABELS = frozenset({"PER", "ORG", "GPE", "NORP"})
_PERSONS = frozenset({"PER", "ORG"})
_QUOTES = frozenset('"«»“”')


@dataclass(frozen=True, slots=True)
class ClaimOptions:
    max_sentence_tokens: int = 300
    max_claims_per_sentence: int = 20
    speaker_window: int = 3


DEFAULT_OPTIONS = ClaimOptions()


@dataclass(frozen=True, slots=True)
class _View:
    """One sentence being read for claims: its token range and each token's attribution kind."""

    doc: Document
    table: Attribution
    kinds: list[tuple[str, str] | None]
    lo: int
    hi: int
    phrases: tuple[tuple[int, int, str, str], ...] = ()
    """multiword entries found in the sentence: (first token, end token, kind, value)"""


def claim_id(doc_id: str, start: int) -> str:
    """A stable claim id from the document id and the attribution offset."""
    return "cl-" + hashlib.sha256(f"{doc_id}:claim:{start}".encode()).hexdigest()[:10]


@stage(name="claims", requires=("events",), assigns=("claims",))
def extract_claims(doc: Document) -> Document:
    """Add claims to a document and link its events and counts to the claim they come from."""
    claims = find_claims(doc)
    return replace(doc, claims=claims, events=link_events(doc.events, claims))


# --------------------------------------------------------------------------- finding claims


def find_claims(doc: Document, options: ClaimOptions = DEFAULT_OPTIONS) -> tuple[Claim, ...]:
    """The claims of a segmented document, in text order."""
    table = Attribution.builtin()
    doc = in_text_order(doc)
    tokens = doc.tokens
    starts = [t.start for t in tokens]
    claims: list[Claim] = []
    known: dict[str | None, Span] = {}
    """the last named speaker of each label, for anaphors (الرئيس، الوزارة) and bare verbs"""
    for sentence in doc.sentences:
        lo = bisect_left(starts, sentence.start)
        hi = min(bisect_left(starts, sentence.end), lo + options.max_sentence_tokens)
        found = _sentence_claims(doc, table, (lo, hi), known=known, options=options)
        claims.extend(found[: options.max_claims_per_sentence])
    return tuple(_lede_via(claims, [s.start for s in doc.sentences]))


def _lede_via(claims: list[Claim], sentence_starts: list[int]) -> list[Claim]:
    """A lede names the speaker and the next sentence the channel: "قال توكاييف إن …" then
    "توكاييف … قال إن …، وفقاً لما أوردته وكالة رويترز". A claim with no channel takes the one of
    the same speaker's next claim when that claim is in the very next sentence."""
    out = list(claims)
    for n, claim in enumerate(out):
        if claim.via is not None or claim.speaker is None:
            continue
        key = claim.speaker.label or claim.speaker.surface
        sentence = bisect_right(sentence_starts, _anchor(claim))
        for later in out[n + 1 :]:
            later_sentence = bisect_right(sentence_starts, _anchor(later))
            if later_sentence > sentence + 1:
                break
            if later_sentence == sentence or later.speaker is None:
                continue
            if (later.speaker.label or later.speaker.surface) == key:
                if later.via is not None:
                    out[n] = replace(claim, via=later.via)
                break
    return out


def _anchor(claim: Claim) -> int:
    """Where a claim is said (its verb; its span may start at a speaker named earlier)."""
    return claim.verb.start if claim.verb is not None else claim.end - 1


def _sentence_claims(
    doc: Document,
    table: Attribution,
    bounds: tuple[int, int],
    *,
    known: dict[str | None, Span],
    options: ClaimOptions,
) -> list[Claim]:
    tokens = doc.tokens
    lo, hi = bounds
    forms = [clitic_candidates(t.norm) if t.kind == "word" else () for t in tokens[lo:hi]]
    kinds = [attribution_kind(tokens[lo + k], table, f) if f else None for k, f in enumerate(forms)]
    view = _View(doc, table, kinds, lo, hi, phrase_hits(table, forms, lo))
    via = _via(view)
    verbs = [
        lo + k
        for k, hit in enumerate(kinds)
        if hit is not None and hit[0] == "verb" and not _after_prep(kinds, k)
    ]
    claims = []
    for n, i in enumerate(verbs):
        end = verbs[n + 1] if n + 1 < len(verbs) else hi
        found = _speaker(view, i, options) or _topic(doc, lo, i, known)
        source = _quoted_source(view, found)
        if source is not None:  # نقلت وكالة رويترز عن مصدر أمني: the agency is the channel
            via, found = found, source
        speaker = _resolve(found, known, view)
        via_here = via
        if speaker is not None and via is not None and _same(speaker, via):
            via_here = None
        elif speaker is not None:
            key = f"via:{speaker.label or speaker.surface}"
            if via_here is None:
                via_here = known.get(key)  # Tokayev's later words still come via Reuters
            elif key not in known:
                known[key] = via_here
        claim = _make_claim(
            view,
            i,
            end=end,
            speaker=speaker,
            via=via_here,
            verb_kind=kinds[i - lo],
        )
        if claim is not None:
            claims.append(claim)
    if not verbs:
        claims.extend(_prep_claims(view, via))
    return claims


def _quoted_source(view: _View, found: Span | None) -> Span | None:
    """The speaker after ``عن`` that follows an agency (نقلت وكالة رويترز عن مصدر أمني)."""
    doc, hi = view.doc, view.hi
    if found is None:
        return None
    lo = view.lo
    j = lo + bisect_left([t.start for t in doc.tokens[lo:hi]], found.end)
    if j + 1 >= hi or doc.tokens[j].norm != "عن":
        return None
    return _entity_at(doc, j + 1) or _group_at(view, j + 1)


def _after_prep(kinds: list, k: int) -> bool:
    """وفقاً لما أوردته …: the verb belongs to a trailing attribution, not a new claim."""
    return any(kinds[j] is not None and kinds[j][0] == "prep" for j in range(max(0, k - 2), k))


def _resolve(span: Span | None, known: dict[str | None, Span], view: _View) -> Span | None:
    """A bare definite group (الرئيس، الوزارة) is the last named speaker in that role; no
    speaker at all (وأضاف أن) continues the last speaker. Named speakers are remembered under
    their name and their role."""
    if span is None:
        return known.get("")
    role = _role_of(view, span)
    bare = " " not in span.surface.strip() and normalise_text(span.surface).startswith("ال")
    if bare and role in known:
        span = known[role]
    elif not bare:
        known[span.label] = span
        if role is not None:
            known[role] = span
    known[""] = span
    return span


def _role_of(view: _View, span: Span) -> str | None:
    """The speaking role of a span's first word (president, ministry …), if it has one."""
    starts = [t.start for t in view.doc.tokens[view.lo : view.hi]]
    k = bisect_left(starts, span.start)
    hit = view.kinds[k] if k < len(view.kinds) and starts[k] == span.start else None
    return hit[1] if hit is not None and hit[0] == "speaker" else None


def _same(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def _speaker(view: _View, i: int, options: ClaimOptions) -> Span | None:
    """The speaking entity or group right after the verb (VSO) or just before it (SVO)."""
    doc, kinds, lo, hi = view.doc, view.kinds, view.lo, view.hi
    after = []
    for j in range(i + 1, min(hi, i + 1 + options.speaker_window)):
        token = doc.tokens[j]
        if token.norm in _COMPLEMENTISERS or token.surface in _STOP:
            break
        after.append(j)
    before = []
    for j in range(i - 1, max(lo, i - 1 - options.speaker_window) - 1, -1):
        if doc.tokens[j].surface in _STOP:
            break
        before.append(j)
    order = [*after, *before]
    for j in order:  # a speaking group with its name: رئيس كازاخستان قاسم جومارت توكاييف
        head = _name_head(doc.tokens, kinds, lo, j) if j < i else j
        span = _group_at(view, head)
        if span is not None:
            return span
    for labels in (_PERSONS, _SPEAKER_LABELS):  # else a named person or body, then a place
        for j in order:
            span = _entity_at(doc, j, labels)
            if span is not None:
                return span
    return None


def _has_preposition(token: Token) -> bool:
    """لمنظمة، بالوزارة: a noun governed by a preposition is not a subject."""
    norm = token.norm
    for prefix in ("ل", "ب", "ك", "ول", "وب", "فل", "فب"):
        if norm.startswith(prefix) and norm[len(prefix) :] in token.stems()[1:]:
            return not norm.startswith(("ال", "وال"))
    return False


def _topic(doc: Document, lo: int, i: int, known: dict[str | None, Span]) -> Span | None:
    """A sentence opening with a known speaker's name (توكاييف أكد …، توكاييف وفي كلمة … قال)."""
    if i <= lo:
        return None
    first = normalise_text(doc.tokens[lo].surface)
    entity = _entity_at(doc, lo)
    if entity is not None:
        return entity
    for span in known.values():
        if len(first) > 2 and first in normalise_text(span.surface).split():
            return span
    return None


def _name_head(tokens: tuple[Token, ...], kinds: list, lo: int, j: int) -> int:
    """For a speaker before its verb, step back to the head of its name (وكالة الأنباء الفرنسية)."""
    for k in range(j - 1, max(lo, j - 4) - 1, -1):
        if not _continues_name(tokens[k], kinds[k - lo]):
            break
        if kinds[k - lo] is not None and kinds[k - lo][0] == "speaker":
            return k
    return j


_LONGEST_ENTITY = 1000
"""characters: no entity mention is longer, so one holding a token starts at most this far back"""


def _entity_at(doc: Document, j: int, labels: frozenset[str] = frozenset()) -> Span | None:
    token = doc.tokens[j]
    for ent in starting_in(doc.entities, token.start - _LONGEST_ENTITY, token.start + 1):
        if ent.start <= token.start < ent.end and ent.label in (labels or _SPEAKER_LABELS):
            return doc.span(ent.start, ent.end, ent.english)
    return None


def _group_at(view: _View, j: int) -> Span | None:
    doc, kinds, lo, hi = view.doc, view.kinds, view.lo, view.hi
    hit = kinds[j - lo]
    if hit is None or hit[0] not in {"speaker", "channel"} or _has_preposition(doc.tokens[j]):
        return None
    tokens = doc.tokens
    end = last = j + 1
    # وزارة الإعلام الكازاخية، رئيس كازاخستان قاسم جومارت توكاييف، شركة "شيفرون": the name
    label = hit[1]
    while end < hi and end - j <= 6 and _continues_name(tokens[end], kinds[end - lo]):
        end += 1
        if tokens[end - 1].kind == "word":
            last = end
        more = kinds[end - 1 - lo]
        if more is not None and more[0] == "channel":
            label = more[1]  # وكالة الأنباء الفرنسية → AFP
    name = _entity_at(doc, last - 1, _PERSONS)
    if name is not None and doc.entities:
        label = name.label or label  # رئيس كازاخستان قاسم جومارت توكاييف → Kassym-Jomart Tokayev
    if last < hi and tokens[last].surface in _QUOTES and tokens[j:last].count(tokens[last]) == 0:
        last += 1 if any(t.surface in _QUOTES for t in tokens[j:last]) else 0
    return doc.span(tokens[j].start, tokens[last - 1].end, label)


def _continues_name(token: Token, hit: tuple[str, str] | None) -> bool:
    """A word (or a quote mark) that continues a speaker's name rather than the sentence."""
    if token.surface in _QUOTES:
        return True
    if token.kind not in {"word", "latin"} or (hit is not None and hit[0] == "stop"):
        return False
    if token.norm.endswith(("ته", "تها", "تهم")) or _is_trigger(token):
        return False  # مسؤوليته، مقتل: the sentence goes on, the name has ended
    return hit is None or hit[0] in {"speaker", "channel"}


def _is_trigger(token: Token) -> bool:
    triggers = Lexicon.builtin().triggers
    return any(stem in triggers for stem in token.stems())


def _via(view: _View) -> Span | None:
    """The agency or medium a sentence's claims come through (رويترز، تلغرام، فرانس برس)."""
    doc, kinds, lo = view.doc, view.kinds, view.lo
    tokens = doc.tokens
    for k, hit in enumerate(kinds):
        if hit is not None and hit[0] == "channel":
            j = lo + k
            return doc.span(tokens[j].start, tokens[j].end, hit[1])
    for a, b, kind, value in view.phrases:
        if kind == "channel":
            return doc.span(tokens[a].start, tokens[b - 1].end, value)
    return None


def _content_start(tokens: tuple[Token, ...], i: int, end: int) -> int:
    """After the verb (and a speaker after it): up to أن / إن, else an opening quote, if any."""
    for j in range(i, min(end, i + 25)):
        if tokens[j].norm in _COMPLEMENTISERS:
            return j + 1
    for j in range(i, min(end, i + 25)):
        if tokens[j].surface in _QUOTES:
            return j + 1
    return i


def _content_end(tokens: tuple[Token, ...], start: int, end: int, hi: int) -> int:
    """The content runs to the next reporting verb's clause or the sentence end."""
    stop = end if end < hi else hi
    while stop > start and tokens[stop - 1].surface in _STOP:
        stop -= 1
    if end < hi:  # cut before the next attribution's own clause
        for j in range(end - 1, start, -1):
            if tokens[j].surface in _STOP or tokens[j].norm in {"و", "لكن"}:
                return j
    return stop


def _stance(view: _View, verb: tuple[str, str], a: int, b: int) -> str:
    """The verb's stance, else one a phrase of the content sets (خطأ تقني، التقديرات)."""
    if verb[1] != "assert":
        return verb[1]
    for start, end, kind, value in view.phrases:
        if kind == "stance" and a <= start and end <= b:
            return value
    for j in range(max(a, view.lo), min(b, view.hi)):
        hit = view.kinds[j - view.lo]
        if hit is not None and hit[0] == "stance":
            return hit[1]
    return "assert"


def _date(doc: Document, a: int, b: int) -> str | None:
    for t in starting_in(doc.times, a, b):
        if t.value and t.kind != "duration":
            return t.value
    return None


def _make_claim(
    view: _View,
    i: int,
    *,
    end: int,
    speaker: Span | None,
    via: Span | None,
    verb_kind: tuple[str, str] | None,
) -> Claim | None:
    doc, lo, hi = view.doc, view.lo, view.hi
    tokens = doc.tokens
    after = i + 1
    if speaker is not None and speaker.start > tokens[i].start:
        after = i + bisect_left([t.start for t in tokens[i:hi]], speaker.end)
    c_lo = _content_start(tokens, after, end)
    c_hi = _content_end(tokens, c_lo, end, hi)
    if c_hi <= c_lo or verb_kind is None:
        return None
    verb = doc.span(tokens[i].start, tokens[i].end)
    content = doc.span(tokens[c_lo].start, tokens[c_hi - 1].end)
    start = min(verb.start, speaker.start if speaker and speaker.start < verb.start else verb.start)
    if speaker is not None and speaker.start < verb.start and verb.start - speaker.end > 40:
        start = verb.start  # a speaker carried over from an earlier sentence stays outside
    return Claim(
        start=start,
        end=content.end,
        surface=doc.text[start : content.end],
        id=claim_id(doc.id, verb.start),
        stance=_stance(view, verb_kind, i, c_hi),
        speaker=speaker,
        via=via,
        verb=verb,
        content=content,
        date=_date(doc, max(tokens[lo].start, verb.start - 80), content.start),
    )


def _prep_claims(view: _View, via: Span | None) -> list[Claim]:
    """بحسب / وفقاً لـ / نقلاً عن X with no reporting verb: X vouches for the rest of the sentence."""
    doc, kinds, lo, hi = view.doc, view.kinds, view.lo, view.hi
    tokens = doc.tokens
    for k, hit in enumerate(kinds):
        if hit is None or hit[0] != "prep":
            continue
        i = lo + k
        speaker = None
        for j in range(i + 1, min(hi, i + 5)):
            speaker = _entity_at(doc, j) or _group_at(view, j)
            if speaker is not None:
                break
        speaker = speaker or via
        if speaker is None:
            continue
        c_lo, c_hi = (lo, i) if i - lo > 2 else (min(hi - 1, i + 4), hi)
        while c_hi > c_lo and tokens[c_hi - 1].surface in _STOP:
            c_hi -= 1
        if c_hi <= c_lo:
            continue
        verb = doc.span(tokens[i].start, tokens[i].end)
        content = doc.span(tokens[c_lo].start, tokens[c_hi - 1].end)
        a, b = min(verb.start, content.start), max(verb.end, content.end, speaker.end)
        return [
            Claim(
                start=a,
                end=b,
                surface=doc.text[a:b],
                id=claim_id(doc.id, verb.start),
                stance=_stance(view, ("verb", "assert"), c_lo, c_hi),
                speaker=speaker,
                via=via if via is not None and not _same(via, speaker) else None,
                verb=verb,
                content=content,
                date=None,
            )
        ]
    return []


# --------------------------------------------------------------------------- linking events


def link_events(events: tuple[Event, ...], claims: tuple[Claim, ...]) -> tuple[Event, ...]:
    """Each event (and its counts) gets the innermost claim whose content holds its trigger
    (the first such claim on a tie). One sweep over events and claims in text order, keeping
    the claims whose content is open at the current event (not a scan of all claims per event)."""
    spans = sorted(
        (c.content.start, c.content.end, k) for k, c in enumerate(claims) if c.content is not None
    )
    if not spans:
        return events
    out = list(events)
    open_: list[tuple[int, int, int]] = []
    p = 0
    for i in sorted(range(len(events)), key=lambda i: events[i].start):
        at = events[i].start
        while p < len(spans) and spans[p][0] <= at:
            open_.append(spans[p])
            p += 1
        open_ = [s for s in open_ if s[1] > at]  # events come in order: a closed span stays so
        if not open_:
            continue
        claim = claims[min(open_, key=lambda s: (s[1] - s[0], s[2]))[2]]
        counts = tuple(_with_claim(count, claim.id) for count in events[i].counts)
        out[i] = replace(events[i], claim=claim.id, counts=counts)
    return tuple(out)


def _with_claim(count: Count, claim: str) -> Count:
    return count if count.claim is not None else replace(count, claim=claim)
