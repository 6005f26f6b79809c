"""The ``entities`` stage: who and where, typed, linked and with English names.

Mentions come from, in order of trust: the curated tables and the gazetteer (longest match over
tokens, clitics stripped: ``بكازاخستان``), trigger patterns (``وزارة الإعلام``, ``شركة "شيفرون"``,
``حقل "تنجيز"``), the statistical tagger `rasd.ner` when it is installed (it fills the gaps),
titles followed by a name (``الرئيس …``, ``وزير الخارجية الأمريكي …``) and finally later mentions
of a person's family name (``توكاييف``). Places split into GPE (countries, regions, cities) and
LOC (fields, seas, rivers); nationality adjectives (``الكازاخية``) are NORP linked to their
country. Every mention is then linked (`rasd.places`, `rasd.names`) and repeated mentions point
at the first one through ``coref``. A place that matches no gazetteer entry stays explicitly
unresolved: ``link`` None and ``kind="unresolved"`` (its English name is a transliteration).
"""

from __future__ import annotations

import logging
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache

from rasd.document import Document, Entity, Token
from rasd.errors import ModelDataError
from rasd.lexicon import frequent_words, proclitic_only, read_table
from rasd.names import NameLexicon, transliterate
from rasd.pipeline import stage
from rasd.places import (
    Gazetteer,
    Place,
    PlaceContext,
    dateline_country,
    resolve_place,
    resolve_spelling,
)
from rasd.text import clitic_candidates

log = logging.getLogger(__name__)

NOT_NAME_PREFIXES = ("وال", "بال", "فال", "كال", "لل")
COMMON_NAME_WEIGHT = 50
QUOTES = frozenset("\"«»“”'")
PROCLITICS = ("و", "ف", "ب", "ل", "وب", "ول", "فب", "فل")
SPELLING_CANDIDATE = "spelling-candidate"
"""Kind of a mention that is a place only if its spelling matches one (`_cued_places`)."""
UNLINKED_KINDS = (None, "unresolved", SPELLING_CANDIDATE)


@dataclass(frozen=True, slots=True)
class EntityOptions:
    """How the entities stage works (defaults suit news)."""

    use_model: bool = True
    """Add the mentions of the statistical tagger (`rasd.ner`) when it is installed."""
    max_modifiers: int = 3
    """Words allowed between a title and the name (``وزير الخارجية الأمريكي أنتوني بلينكن``)."""
    max_name_tokens: int = 4
    coref: bool = True


DEFAULT_OPTIONS = EntityOptions()


@dataclass(frozen=True, slots=True)
class Mention:
    """A mention over tokens ``[first, last)`` before it becomes an `Entity`."""

    first: int
    last: int
    label: str
    source: str
    english: str | None = None
    kind: str | None = None
    country: str | None = None
    places: tuple[int, ...] = ()
    """Gazetteer candidates (indices into `Gazetteer.places`)."""
    trim: int = 0
    """Letters of a proclitic (و، ب، ل) to leave out of the first token's surface."""
    place: Place | None = None
    """The resolved gazetteer entry (for NORP: the country)."""
    link: str | None = None
    """Id of a curated person or organisation (``org:reuters``)."""
    key: str | None = None
    """For a family-name mention: the name without clitics (its coreference key)."""
    score: float | None = None
    """For a place linked by its spelling (`resolve_spelling`): the link's confidence (< 1)."""


@dataclass(frozen=True, slots=True)
class Triggers:
    """Trigger words from ``entities_data/triggers.tsv``."""

    org: dict[str, str]
    """Organisation trigger → English head (``وزارة`` → Ministry)."""
    loc: frozenset[str]
    titles: frozenset[str]
    links: frozenset[str]
    stop: frozenset[str]
    not_names: frozenset[str]
    """Words never a name on their own (ordinals: الثاني)."""
    kind_cues: dict[str, str]
    """A noun that says what kind of place follows: محافظة → admin, مدينة → city."""
    stripped: dict[str, str]
    """A trigger word with a proclitic → the word without it (``ووزارة`` → ``وزارة``): the
    answers of `strip` worked out once for the few words where it is not the identity."""

    @classmethod
    def from_rows(cls, rows: Iterable[list[str]]) -> Triggers:
        by_role: dict[str, dict[str, str]] = {}
        for word, role, english in ((*r, "")[:3] for r in rows):
            by_role.setdefault(role, {})[word] = english
        org, loc = by_role.get("org", {}), frozenset(by_role.get("loc", ()))
        return cls(
            org=org,
            loc=loc,
            titles=frozenset(by_role.get("title", ())),
            links=frozenset(by_role.get("link", ())),
            stop=frozenset(by_role.get("stop", ())),
            not_names=frozenset(by_role.get("notname", ())),
            kind_cues={
                **dict.fromkeys(by_role.get("admin", ()), "admin"),
                **dict.fromkeys(by_role.get("city", ()), "city"),
            },
            stripped=_strip_table(frozenset(org) | loc),
        )

    def strip(self, norm: str) -> str:
        """``ووزارة`` → ``وزارة``: a trigger word without its conjunction or preposition."""
        return self.stripped.get(norm, norm)


def _strip_table(heads: frozenset[str]) -> dict[str, str]:
    """``Triggers.stripped``: a word is stripped only when it is a proclitic + a trigger word,
    so trying each proclitic before each trigger finds every such word."""
    table: dict[str, str] = {}
    for word in {p + head for p in PROCLITICS for head in heads}:
        for p in PROCLITICS:
            rest = word[len(p) :]
            if word.startswith(p) and rest in heads:
                table[word] = rest
                break
    return table


@dataclass(frozen=True)
class Resources:
    gazetteer: Gazetteer
    names: NameLexicon
    common: frozenset[str]
    """The 4,000 most frequent SaudiNewsNet words and the gazetteer's stop-list: not names."""
    triggers: Triggers
    starts: frozenset[str] = field(init=False, repr=False, compare=False)
    """Every word a lexicon or trigger mention can start with (the heads of the curated tables'
    and the gazetteer's phrases, trigger words with and without proclitics): a token none of
    whose clitic stems is among them starts no mention, and its look-ups are skipped."""

    def __post_init__(self) -> None:
        gaz, names, trig = self.gazetteer, self.names, self.triggers
        heads = names.people.heads | names.organisations.heads | gaz.nisba.heads
        starts = heads | gaz.names.heads | trig.org.keys() | trig.loc | trig.stripped.keys()
        object.__setattr__(self, "starts", frozenset(starts))

    @classmethod
    def builtin(cls) -> Resources:
        return _builtin_resources()


@cache
def _builtin_resources() -> Resources:
    stop = {row[0] for row in read_table("stoplist.txt")}
    triggers = Triggers.from_rows(read_table("triggers.tsv"))
    return Resources(
        Gazetteer.builtin(), NameLexicon.builtin(), frequent_words(4000) | stop, triggers
    )


@stage(name="entities", requires=("tokens",), assigns=("entities",))
def extract_entities(doc: Document) -> Document:
    """Add people, organisations, places (GPE/LOC), nationalities (NORP) and MISC entities."""
    return replace(doc, entities=find_entities(doc))


def find_entities(doc: Document, options: EntityOptions = DEFAULT_OPTIONS) -> tuple[Entity, ...]:
    """The entities of a tokenised document, linked and with coreference."""
    res = Resources.builtin()
    tokens = doc.tokens
    norms = [t.norm for t in tokens]
    covered = [False] * len(tokens)
    mentions = _lexicon_mentions(tokens, norms, res)
    _cover(covered, mentions)
    if options.use_model:
        mentions += _free(covered, _model_mentions(doc, norms, res))
    mentions += _free(covered, _title_mentions(tokens, norms, covered, res, options=options))
    if options.coref:
        mentions += _free(covered, _family_mentions(tokens, norms, covered, mentions, res))
    mentions += _free(covered, _cued_places(tokens, norms, covered, res))  # last: may be dropped
    mentions.sort(key=lambda m: m.first)
    linked = _link(doc, norms, mentions, res)
    entities = [_to_entity(doc, tokens, m) for m in linked]
    return tuple(_corefer(entities, linked, norms) if options.coref else entities)


# --------------------------------------------------------------------------- finding


def _cover(covered: list[bool], mentions: Sequence[Mention]) -> None:
    for m in mentions:
        for k in range(m.first, m.last):
            covered[k] = True


def _free(covered: list[bool], mentions: Sequence[Mention]) -> list[Mention]:
    """The mentions that overlap nothing found so far (and mark them found)."""
    kept = [m for m in mentions if not any(covered[m.first : m.last])]
    _cover(covered, kept)
    return kept


def _trim(norm: str, res_key: str) -> int:
    return len(norm) - len(res_key) if norm.endswith(res_key) and norm != res_key else 0


def _lexicon_mentions(tokens: Sequence[Token], norms: list[str], res: Resources) -> list[Mention]:
    out: list[Mention] = []
    starts = res.starts
    i = 0
    while i < len(tokens):
        if tokens[i].kind != "word" or starts.isdisjoint(clitic_candidates(norms[i])):
            i += 1
            continue
        found = _best_lexicon_match(norms, i, res) or _trigger_mention(norms, i, res)
        if found is None:
            i += 1
            continue
        out.append(found)
        i = found.last
    return out


def _best_lexicon_match(norms: list[str], i: int, res: Resources) -> Mention | None:
    gaz, names = res.gazetteer, res.names
    options: list[Mention] = []
    hit = names.people.longest(norms, i)
    if hit:
        known = hit[1]
        options.append(
            Mention(
                i, i + hit[0], "PER", "rule", known.english, None, known.country, link=known.link
            )
        )
    hit_org = names.organisations.longest(norms, i)
    if hit_org:
        known = hit_org[1]
        org = Mention(
            i, i + hit_org[0], "ORG", "rule", known.english, known.kind, known.country,
            link=known.link,
        )  # fmt: skip
        options.append(_extend_with_country(org, norms, res))
    hit_nisba = gaz.nisba.longest(norms, i)
    if hit_nisba:
        options.append(Mention(i, i + hit_nisba[0], "NORP", "gazetteer", places=(hit_nisba[1],)))
    hit_place = gaz.names.longest(norms, i)
    if hit_place:
        options.append(Mention(i, i + hit_place[0], "GPE", "gazetteer", places=hit_place[1]))
    if not options:
        return None
    best = max(options, key=lambda m: m.last)  # longest; ties keep the earlier (curated) kind
    heads = {
        "PER": res.names.people.heads,
        "ORG": res.names.organisations.heads,
        "GPE": gaz.names.heads,
        "NORP": gaz.nisba.heads,
    }[best.label]
    for stem in _stems_of(norms[i]):
        if stem in heads:
            return replace(best, trim=_trim(norms[i], stem))
    return best


def _stems_of(norm: str) -> tuple[str, ...]:
    return clitic_candidates(norm)


def _extend_with_country(org: Mention, norms: list[str], res: Resources) -> Mention:
    """``وزارة الإعلام`` + ``الكازاخية`` → the ministry of Kazakhstan."""
    if org.last >= len(norms):
        return org
    gaz = res.gazetteer
    nisba = gaz.nisba.get((norms[org.last],))
    if nisba is None and norms[org.last].startswith("ال"):  # وزارة الصحة السعودية
        named = [gaz.places[k] for k in gaz.names.get((norms[org.last],)) or ()]
        nisba = next((gaz.by_id[p.id] for p in named if p.kind == "country"), None)
    if nisba is None:
        return org
    country = gaz.places[nisba]
    english = f"{org.english} of {country.english}" if org.kind == "government" else org.english
    return replace(org, last=org.last + 1, english=english, country=country.country)


def _trigger_mention(norms: list[str], i: int, res: Resources) -> Mention | None:
    trig = res.triggers
    trigger = trig.strip(norms[i])
    if trigger not in trig.org and trigger not in trig.loc:
        return None
    label = "ORG" if trigger in trig.org else "LOC"
    quoted = _quoted(norms, i + 1)
    if quoted is not None:
        return _named(norms, quoted, label, trigger, res)
    if label == "LOC" or res.names.organisations.longest(norms, i):
        return None  # a curated organisation: the lexicon match is better
    last = i + 1
    while last < len(norms) and last - i <= 4 and norms[last].startswith("ال"):
        if norms[last] in trig.stop or norms[last] in res.gazetteer.nisba.heads:
            break
        last += 1
    if last == i + 1:
        return None
    english = f"{trig.org[trigger]} {transliterate(' '.join(norms[i + 1 : last]))}"
    org = Mention(i, last, "ORG", "rule", english, "organisation")
    return _extend_with_country(org, norms, res)


def _quoted(norms: list[str], i: int) -> tuple[int, int] | None:
    """Token span of a short quoted name starting at ``norms[i]`` (the quote itself)."""
    if i >= len(norms) or norms[i] not in QUOTES:
        return None
    for j in range(i + 1, min(i + 6, len(norms))):
        if norms[j] in QUOTES:
            return (i + 1, j) if j > i + 1 else None
    return None


def _named(
    norms: list[str], span: tuple[int, int], label: str, trigger: str, res: Resources
) -> Mention:
    """The mention of a quoted name after a trigger: شركة "شيفرون"، حقل "تنجيز"."""
    first, last = span
    name = tuple(norms[first:last])
    if label == "ORG":
        known = res.names.organisations.get(name)
        if known is not None:
            return Mention(
                first, last, "ORG", "rule", known.english, known.kind, known.country,
                link=known.link,
            )  # fmt: skip
        english = " ".join(res.names.english_token(n) for n in name)
        return Mention(first, last, "ORG", "rule", english, res.triggers.org[trigger])
    places = res.gazetteer.names.get((trigger, *name)) or res.gazetteer.names.get(name) or ()
    if places:
        return Mention(first, last, "LOC", "rule", None, "other", places=places)
    spelled = " ".join(res.names.english_token(n) for n in name)
    return Mention(first, last, "LOC", "rule", spelled, "unresolved")


def _title_mentions(
    tokens: Sequence[Token],
    norms: list[str],
    covered: list[bool],
    res: Resources,
    *,
    options: EntityOptions,
) -> list[Mention]:
    out = []
    for i, norm in enumerate(norms):
        titles = res.triggers.titles
        if norm not in titles and _strip_conj(norm) not in titles:
            continue
        j = i + 1
        while j < len(norms) and j - i <= options.max_modifiers:
            definite = norms[j].startswith("ال")
            if covered[j] or (definite and not res.names.is_person_token(norms[j])):
                j += 1
            else:
                break
        end = _name_end(tokens, norms, j, covered, res=res, options=options)
        if end > j:
            out.append(Mention(j, end, "PER", "rule"))
    return out


def _strip_conj(norm: str) -> str:
    return norm[1:] if norm[:1] in ("و", "ف") and len(norm) > 3 else norm


def _name_like(token: Token, res: Resources, *, first: bool) -> bool:
    """Can the token be part of a person's name? Frequent words only when they are very common
    names (محمد، علي — but not the preposition على), never a preposition + article (بالجيش،
    والإنتاج); an unknown word with a proclitic letter is a word, not a name (بذكرى)."""
    norm = token.norm
    if norm.startswith(NOT_NAME_PREFIXES) or len(norm) < 3 or token.surface.endswith("ى"):
        known = res.names.person_weight(norm) > 0 and norm not in res.common
        return known and len(norm) >= 3  # مصطفى yes; إلى، على، حتى no
    if norm in res.common or norm in res.triggers.not_names:
        weight = res.names.person_weight(norm)
        return weight >= COMMON_NAME_WEIGHT and norm not in res.triggers.not_names
    if res.names.is_person_token(norm):
        return True
    return not norm.startswith(("و", "ف", "ب", "ل", "ك")) and not (first and norm[:2] == "ال")


def _name_end(
    tokens: Sequence[Token],
    norms: list[str],
    j: int,
    covered: list[bool],
    *,
    res: Resources,
    options: EntityOptions,
) -> int:
    end = j
    k = j
    while k < len(norms) and k - j < options.max_name_tokens:
        if tokens[k].kind != "word" or covered[k]:
            break
        if norms[k] in res.triggers.links and k + 1 < len(norms):
            while k + 1 < len(norms) and norms[k] in res.triggers.links:
                k += 1  # بن، عبد، أبو join the next word: بن عبد العزيز is one name part
            if tokens[k].kind != "word" or covered[k]:
                break
            k += 1
            end = k
            continue
        if not _name_like(tokens[k], res, first=k == j):
            break
        k += 1
        end = k
    after = norms[end] if end < len(norms) else "."
    unknown_last = end - j > 1 and res.names.person_weight(norms[end - 1]) == 0
    if unknown_last and after.isalpha() and after not in res.common:
        end -= 1  # an unknown last word before more text is often a verb (… صبحي زار مصر)
    return end


def _family_mentions(
    tokens: Sequence[Token],
    norms: list[str],
    covered: list[bool],
    mentions: Sequence[Mention],
    res: Resources,
) -> list[Mention]:
    """Other mentions of a known person by family name alone: ``توكاييف``. Not when the family
    name is a common word (علي is also "on") unless the person is a curated one (الأسد), nor
    the end of a compound given name (سلمان بن عبد العزيز: العزيز is no family name)."""
    family = {
        norms[m.last - 1]
        for m in mentions
        if m.label == "PER"
        and m.last - m.first >= 2
        and norms[m.last - 2] not in res.triggers.links
        and (norms[m.last - 1] not in res.common or _curated_family(m, norms, res))
    }
    out: list[Mention] = []
    if not family:
        return out
    for i, token in enumerate(tokens):
        if covered[i] or token.kind != "word" or family.isdisjoint(_stems_of(norms[i])):
            continue
        for stem in _stems_of(norms[i]):
            if stem in family and proclitic_only(norms[i], stem):
                trim = _trim(norms[i], stem)
                out.append(Mention(i, i + 1, "PER", "coref", trim=trim, key=stem))
                break
    return out


def _curated_family(m: Mention, norms: list[str], res: Resources) -> bool:
    """A curated person's family name counts even when it is a frequent word (الأسد), but not
    an ordinal (عبد الله الثاني) or another word that is never a name on its own."""
    return m.link is not None and norms[m.last - 1] not in res.triggers.not_names


def _model_mentions(doc: Document, norms: list[str], res: Resources) -> list[Mention]:
    """Mentions of the statistical tagger, when `rasd.ner` is installed, mapped onto tokens."""
    try:
        from rasd.ner import Tagger  # type: ignore[import-not-found,unused-ignore]

        found = Tagger.builtin().tag(doc)
    except (ImportError, ModelDataError) as err:
        log.debug("no NER model (%s): rule and gazetteer mentions only", err)
        return []
    by_start = {t.start: k for k, t in enumerate(doc.tokens)}
    by_end = {t.end: k for k, t in enumerate(doc.tokens)}
    out = []
    for ent in found:
        first, last = by_start.get(ent.start), by_end.get(ent.end)
        if first is None or last is None or last < first:
            continue
        label = {"PERS": "PER"}.get(ent.label, ent.label)
        places = res.gazetteer.names.get(tuple(norms[first : last + 1])) or ()
        if label in ("LOC", "GPE") and not places:
            if _accusative_adjective(doc.tokens, norms, first, last + 1):
                continue
            label = "LOC"
        out.append(Mention(first, last + 1, label, "model", places=places))
    return out


def _cued_places(
    tokens: Sequence[Token], norms: list[str], covered: list[bool], res: Resources
) -> list[Mention]:
    """Unknown words right after a place noun (في مدينة سوروتش، في إقليم شرناق): candidates for
    a place the gazetteer spells differently, whatever the tagger found. They are kept only
    when `resolve_spelling` links them to a place of the article's countries."""
    cues, out = res.triggers.kind_cues, []
    for i in range(len(norms) - 1):
        j, norm = i + 1, norms[i + 1]
        cue = norms[i] in cues or (norms[i][:1] in "وف" and _strip_conj(norms[i]) in cues)
        if covered[j] or not cue:
            continue
        unknown = norm not in res.common and norm not in res.triggers.not_names
        adjective = norm.startswith("ال") or norm.endswith("ية")  # منطقة نفطية، المنطقة الشرقية
        if tokens[j].kind == "word" and len(norm) >= 3 and unknown and not adjective:
            out.append(Mention(j, j + 1, "GPE", "rule", kind=SPELLING_CANDIDATE))
    return out


def _accusative_adjective(tokens: Sequence[Token], norms: list[str], first: int, last: int) -> bool:
    """Is a one-word place the gazetteer does not know rather an indefinite accusative adjective
    (هجوما انتحاريا داميا "a bloody suicide attack")? It ends in the alef of the accusative
    and carries its tanween, or follows a noun with the same ending that it agrees with."""
    if last - first != 1 or len(norms[first]) < 4 or not norms[first].endswith("ا"):
        return False
    if "\u064b" in tokens[first].surface:
        return True
    before = norms[first - 1] if first else ""
    return tokens[first - 1].kind == "word" and len(before) >= 4 and before.endswith("ا")


# --------------------------------------------------------------------------- linking


def _link(
    doc: Document, norms: list[str], mentions: list[Mention], res: Resources
) -> list[Mention]:
    gaz = res.gazetteer
    counts: Counter[str] = Counter()
    for m in mentions:
        if m.label == "NORP" or (m.places and gaz.places[m.places[0]].kind == "country"):
            counts[gaz.places[m.places[0]].country] += 1
        elif m.country:
            counts[m.country] += 1
    top = max(counts.values(), default=0)
    main = frozenset(c for c, n in counts.items() if n >= 2 or n == top)
    context = PlaceContext(frozenset(counts), dateline_country(doc.text, gaz), main)
    main_country = context.dateline or (counts.most_common(1)[0][0] if counts else None)
    out = []
    for m in mentions:
        if m.places:
            cue = res.triggers.kind_cues.get(_strip_conj(norms[m.first - 1])) if m.first else None
            out.append(_link_place(m, gaz, context, prefer=cue))
        elif m.label == "PER":
            english = m.english or res.names.english_person(norms[m.first : m.last])
            out.append(replace(m, english=english))
        elif m.label == "ORG" and m.kind == "government" and not m.country:
            out.append(replace(m, country=main_country))
        elif (spelled := _link_by_spelling(m, norms, gaz, context, res.common)) is not None:
            out.append(spelled)
        elif m.kind == SPELLING_CANDIDATE:
            continue  # no place of the article's countries is spelled so: not taken for a place
        elif m.english is None:  # a tagger's ORG/MISC or an unresolved place: spell it out
            tokens = norms[m.first : m.last]
            english = " ".join(res.names.english_token(n) for n in tokens)
            unresolved = m.label in ("GPE", "LOC") and not m.kind
            out.append(replace(m, english=english, kind="unresolved" if unresolved else m.kind))
        else:
            out.append(m)
    return out


def _link_place(
    m: Mention, gaz: Gazetteer, context: PlaceContext, *, prefer: str | None = None
) -> Mention:
    place = resolve_place([gaz.places[k] for k in m.places], context, prefer=prefer)
    if place is None:
        return m
    if m.label == "NORP":
        kind = "nationality"
        return replace(m, english=place.english, kind=kind, country=place.country, place=place)
    label = "LOC" if place.kind == "other" else "GPE"
    return replace(
        m, label=label, english=place.english, kind=place.kind, country=place.country, place=place
    )


def _link_by_spelling(
    m: Mention, norms: list[str], gaz: Gazetteer, context: PlaceContext, common: frozenset[str]
) -> Mention | None:
    """A place no gazetteer name matches, linked by how it sounds (`resolve_spelling`); the
    link is weaker than a name match, its ``score`` says how much. Not for common words
    (المدينة "the city", الخليج "the Gulf"): they are places only by their name."""
    if m.label not in ("GPE", "LOC") or m.kind not in UNLINKED_KINDS or m.places:
        return None
    words = norms[m.first : m.last]
    if any(w in common or _strip_conj(w) in common for w in words):
        return None
    found = resolve_spelling(gaz, words, context)
    if found is None:
        return None
    linked = _link_place(replace(m, places=(gaz.by_id[found[0].id],)), gaz, context)
    return replace(linked, score=found[1])


def _to_entity(doc: Document, tokens: Sequence[Token], m: Mention) -> Entity:
    start, end = tokens[m.first].start, tokens[m.last - 1].end
    if m.trim:
        start = _skip_letters(doc.text, start, end, m.trim)
    return Entity(
        start=start,
        end=end,
        surface=doc.text[start:end],
        label=m.label,
        english=m.english,
        kind=m.kind,
        country=m.country,
        link=m.place.id if m.place else _org_link(m),
        lat=m.place.lat if m.place else None,
        lon=m.place.lon if m.place else None,
        source=m.source,
        score=m.score,
    )


def _org_link(m: Mention) -> str | None:
    """A ministry is a ministry of some country: ``org:ministry-of-interior:kz``."""
    if m.link and m.kind == "government" and m.country and m.link.count(":") == 1:
        return f"{m.link}:{m.country.lower()}"
    return m.link


def _skip_letters(text: str, start: int, end: int, letters: int) -> int:
    """The offset after ``letters`` base letters from ``start`` (harakat and tatweel skipped)."""
    pos, seen = start, 0
    while pos < end and seen < letters:
        pos += 1
        seen += 1
        while pos < end and (unicodedata.combining(text[pos]) or text[pos] == "\u0640"):
            pos += 1
    return pos if pos < end else start


def _corefer(entities: list[Entity], mentions: list[Mention], norms: list[str]) -> list[Entity]:
    """Point repeated mentions at the first mention of the same entity; copy its names."""
    first: dict[tuple[str, str], int] = {}
    out: list[Entity] = []
    for index, (mention_entity, m) in enumerate(zip(entities, mentions, strict=True)):
        ent = mention_entity
        key = _coref_key(ent, m, norms)
        head = first.setdefault(key, index) if key else index
        if head != index:
            lead = out[head]
            ent = replace(
                ent,
                coref=head,
                english=lead.english,
                link=lead.link,
                country=ent.country or lead.country,
                lat=lead.lat,
                lon=lead.lon,
                kind=ent.kind or lead.kind,
            )
        out.append(ent)
    return out


def _coref_key(ent: Entity, m: Mention, norms: list[str]) -> tuple[str, str] | None:
    if ent.label == "PER":
        return ("PER", m.key or norms[m.last - 1])
    if ent.link:
        return (ent.label, ent.link)
    if ent.english:
        return (ent.label, ent.english)
    return (ent.label, " ".join(norms[m.first : m.last]))
