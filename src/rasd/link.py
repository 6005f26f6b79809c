"""Cross-document event linking: reports of the same real-world event become one cluster.

Two events are the same event when their types are in one family (an assault, the protest it
broke up and the arrests after it are one incident), their places agree (same gazetteer link,
same city or admin area, or within `LinkOptions.max_km`; an unknown place only agrees within the
same country), their dates fall within `LinkOptions.window_days`, and their evidence is similar
enough: a score from place, date, overlapping actors/targets, the words of their trigger
sentences and shared figure roles must reach `LinkOptions.threshold`.

Linking is incremental (`link_document` places a new document's events into existing clusters or
opens new ones) and deterministic: the same documents in the same order give the same clusters,
and `relink` rebuilds every cluster in the canonical order (publication date, then arrival).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from rasd.document import Document, Entity, Event
from rasd.text import clitic_candidates, fold_ta_marbuta, normalise

if TYPE_CHECKING:
    from rasd.store import Store

FAMILIES = {
    "ASSAULT": "unrest",
    "FIGHT": "unrest",
    "PROTEST": "unrest",
    "COERCE": "unrest",
    "THREATEN": "unrest",
    "MOBILIZE": "military",
    "RETREAT": "military",
    "SANCTION": "sanction",
    "AID": "cooperation",
    "AGREE": "cooperation",
    "CONSULT": "cooperation",
    "COOPERATE": "cooperation",
    "SUPPORT": "cooperation",
    "CONCEDE": "cooperation",
    "ACCUSE": "statement",
    "REJECT": "statement",
    "REQUEST": "statement",
}
"""PLOVER types grouped into families whose events may describe one incident."""

_STOP = frozenset(
    [
        "في",
        "من",
        "الي",
        "علي",
        "عن",
        "ان",
        "او",
        "ما",
        "لا",
        "مع",
        "هذا",
        "هذه",
        "ذلك",
        "التي",
        "الذي",
        "الذين",
        "كان",
        "قد",
        "وقد",
        "قال",
        "وقال",
        "اليوم",
        "امس",
    ]
)


_ARABIC_WORD = re.compile(r"[\u0621-\u064a]+")


@dataclass(frozen=True, slots=True)
class LinkOptions:
    window_days: int = 3
    max_km: float = 50.0
    threshold: float = 0.5
    merge_threshold: float = 0.75
    """A report that links this strongly to two clusters merges them (they were one event)."""
    max_candidates: int = 100
    members_per_cluster: int = 8


DEFAULT_LINK_OPTIONS = LinkOptions()


@dataclass(frozen=True, slots=True)
class Place:
    name: str | None = None
    link: str | None = None
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    kind: str | None = None


def family(event_type: str) -> str:
    return FAMILIES.get(event_type.upper(), event_type.lower())


def _entity_at(doc: Document, start: int, end: int) -> Entity | None:
    hits = [
        e for e in doc.entities if e.start < end and start < e.end and e.label in {"GPE", "LOC"}
    ]
    return min(hits, key=lambda e: (abs(e.start - start), e.start)) if hits else None


def _place_in_sentence(doc: Document, event: Event) -> Entity | None:
    """When the event names no place: the place entity of its sentence nearest the trigger."""
    if not 0 <= event.sentence < len(doc.sentences):
        return None
    sentence = doc.sentences[event.sentence]
    places = [
        e
        for e in doc.entities
        if e.label in {"GPE", "LOC"} and sentence.start <= e.start < sentence.end
    ]
    return min(places, key=lambda e: (abs(e.start - event.start), e.start)) if places else None


def _resolve(doc: Document, entity: Entity) -> Entity:
    if entity.coref is not None and 0 <= entity.coref < len(doc.entities):
        first = doc.entities[entity.coref]
        if entity.link is None or first.link == entity.link:
            return first
    return entity


def event_place(doc: Document, event: Event) -> Place:
    """Where an event happened, with its country and coordinates when the entities give them."""
    entity = None
    if event.place is not None:
        entity = _entity_at(doc, event.place.start, event.place.end)
    if entity is None and event.place_link:
        entity = next((e for e in doc.entities if e.link == event.place_link), None)
    if entity is None and event.place is None and not event.place_link:
        entity = _place_in_sentence(doc, event)
    if entity is None:
        name = event.place.label or event.place.surface if event.place else None
        return Place(name=name, link=event.place_link)
    entity = _resolve(doc, entity)
    return Place(
        name=entity.english or entity.surface,
        link=event.place_link or entity.link,
        country=entity.country,
        lat=entity.lat,
        lon=entity.lon,
        kind=entity.kind,
    )


def event_date(doc: Document, event: Event) -> str | None:
    """The event's day (ISO), else the publication day."""
    if event.date and len(event.date) >= 10:
        return event.date[:10]
    return doc.published.isoformat()[:10] if doc.published else None


def sentence_terms(doc: Document, event: Event) -> list[str]:
    """Content words of the event's sentence and of the report's title (normalised,
    clitic-stripped), for similarity."""
    if 0 <= event.sentence < len(doc.sentences):
        text = doc.sentences[event.sentence].surface
    else:
        text = doc.text[max(0, event.start - 150) : event.end + 150]
    words = sentence_words(text) | sentence_words(doc.title or "")
    return sorted(t for t in words if len(t) > 2 and t not in _STOP)


def participant_terms(event: Event) -> list[str]:
    names = set()
    for span in (event.actor, event.target):
        if span is not None:
            names.update(sentence_words(span.label or span.surface))
    return sorted(names)


def sentence_words(text: str) -> set[str]:
    """The Arabic words of a text, normalised, each reduced to its shortest clitic stem."""
    words = _ARABIC_WORD.findall(fold_ta_marbuta(normalise(text).text))
    return {(clitic_candidates(w) or (w,))[-1] for w in words}


# ----------------------------------------------------------------------- scoring


def km_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def place_score(a: Place, b: Place, options: LinkOptions) -> float | None:
    """How well two places agree (0-1), or None when they are incompatible."""
    if a.link and b.link and a.link == b.link:
        return 1.0 if a.kind not in {"country"} else 0.5
    if None not in (a.lat, a.lon, b.lat, b.lon) and a.kind != "country" and b.kind != "country":
        km = km_between((a.lat, a.lon), (b.lat, b.lon))  # type: ignore[arg-type]
        if km <= options.max_km:
            return 0.9
    if a.country and b.country:
        if a.country != b.country:
            return None
        kinds = {a.kind, b.kind}
        if kinds in ({"admin", "city"}, {"admin", "other"}):
            return 0.5  # a city may lie in the admin area named (no admin1 in the gazetteer)
        if kinds & {None, "country"}:
            return 0.4  # one of them names only the country
        return None  # two different cities / areas farther apart than max_km
    return 0.2


def date_score(a: str | None, b: str | None, options: LinkOptions) -> float | None:
    if a is None or b is None:
        return 0.3
    days = abs((date.fromisoformat(a) - date.fromisoformat(b)).days)
    if days > options.window_days:
        return None
    return 1.0 - days / (options.window_days + 1)


def jaccard(a: Iterable[str], b: Iterable[str]) -> float:
    sa, sb = set(a), set(b)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)


@dataclass(frozen=True, slots=True)
class EventKey:
    """What linking needs to know about one stored event."""

    family: str
    date: str | None
    place: Place
    terms: tuple[str, ...]
    participants: tuple[str, ...]
    roles: tuple[str, ...]
    named: tuple[str, ...] = ()
    """Countries and place links the whole report names (a check on a wrongly resolved event
    place)."""


def link_score(a: EventKey, b: EventKey, options: LinkOptions) -> float:
    """Evidence that two events are one (0-1); 0 when family, place or date rule it out."""
    if a.family != b.family:
        return 0.0
    p = place_score(a.place, b.place, options)
    if p is None and _cross_named(a, b):
        p = 0.1
    d = date_score(a.date, b.date, options)
    if p is None or d is None:
        return 0.0
    words = jaccard(a.terms, b.terms)
    people = jaccard(a.participants, b.participants)
    roles = 1.0 if set(a.roles) & set(b.roles) else 0.0
    return 0.3 * p + 0.15 * d + 0.35 * min(1.0, 2.5 * words) + 0.1 * people + 0.1 * roles


def _cross_named(a: EventKey, b: EventKey) -> bool:
    """One event's place (or its country, when the other's place is in another country) is
    named in the other's report: the event places may disagree only because one of them was
    resolved wrongly (place names are ambiguous)."""
    for x, y in ((a, b), (b, a)):
        if x.place.link and x.place.link in y.named:
            return True
        if x.place.country and x.place.country != y.place.country and x.place.country in y.named:
            return True
    return False


def document_places(doc: Document) -> tuple[str, ...]:
    """The country codes and place links a report names."""
    named: set[str] = set()
    for e in doc.entities:
        if e.label in {"GPE", "LOC", "NORP"}:
            named.update(v for v in (e.country, e.link if e.label != "NORP" else None) if v)
    return tuple(sorted(named))


def event_key(doc: Document, event: Event) -> EventKey:
    return EventKey(
        family=family(event.type),
        date=event_date(doc, event),
        place=event_place(doc, event),
        terms=tuple(sentence_terms(doc, event)),
        participants=tuple(participant_terms(event)),
        roles=tuple(sorted({c.role for c in event.counts})),
        named=document_places(doc),
    )


# ----------------------------------------------------------------------- clustering in the store


def _key_from_row(row: Any) -> EventKey:
    return EventKey(
        family=row["family"],
        date=row["day"],
        place=Place(
            row["place"], row["place_link"], row["country"], row["lat"], row["lon"], row["kind"]
        ),
        terms=tuple(json.loads(row["terms"])),
        participants=tuple(json.loads(row["participants"])),
        roles=tuple(json.loads(row["roles"])),
        named=tuple(json.loads(row["named"])),
    )


def _candidates(store: Store, key: EventKey, options: LinkOptions) -> list[int]:
    """Clusters of the same family within the date window whose country is unknown or one the
    event's report names, nearest in date first (at most ``options.max_candidates``)."""
    where = ["family = ?"]
    params: list[object] = [key.family]
    day = key.date
    if day is not None:
        when = date.fromisoformat(day)
        where.append("date_last >= ? AND date_first <= ?")
        params += [
            (when - timedelta(days=options.window_days)).isoformat(),
            (when + timedelta(days=options.window_days)).isoformat(),
        ]
    countries = sorted({c for c in (key.place.country, *key.named) if c and len(c) == 2})
    if countries:
        marks = ", ".join("?" for _ in countries)
        where.append(f"(country IS NULL OR country IN ({marks}))")
        params += countries
    sql = (
        "SELECT id FROM clusters WHERE "
        + " AND ".join(where)
        + " ORDER BY abs(julianday(coalesce(date_first, ?)) - julianday(?)), id DESC LIMIT ?"
    )
    params += [day or "2000-01-01", day or "2000-01-01", options.max_candidates]
    return [r[0] for r in store.conn.execute(sql, params)]


def _load_members(
    store: Store, cluster_ids: list[int], per_cluster: int
) -> dict[int, list[EventKey]]:
    """The first events (in arrival order) of each cluster, in one query."""
    out: dict[int, list[EventKey]] = {c: [] for c in cluster_ids}
    if not cluster_ids:
        return out
    marks = ", ".join("?" for _ in cluster_ids)
    sql = (
        "SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY cluster_id ORDER BY doc_n, "
        f"idx) AS r FROM link_keys WHERE cluster_id IN ({marks})) WHERE r <= ?"
    )
    for row in store.conn.execute(sql, [*cluster_ids, per_cluster]):
        out[row["cluster_id"]].append(_key_from_row(row))
    return out


def cluster_scores(
    store: Store,
    key: EventKey,
    options: LinkOptions,
    members: dict[int, list[EventKey]] | None = None,
) -> dict[int, float]:
    """For each candidate cluster that ``key`` links to (at least the threshold), its best
    score against the cluster's first events."""
    members = {} if members is None else members
    candidates = _candidates(store, key, options)
    missing = [c for c in candidates if c not in members]
    members.update(_load_members(store, missing, options.members_per_cluster))
    found = {}
    for cluster_id in candidates:
        score = max((link_score(key, m, options) for m in members[cluster_id]), default=0.0)
        if score >= options.threshold:
            found[cluster_id] = score
    return found


def merge_clusters(store: Store, source: int, target: int) -> None:
    """Move every event of cluster ``source`` into ``target`` and drop ``source``: a report
    that links to both shows they are one event."""
    for table in ("events", "link_keys"):
        store.conn.execute(
            f"UPDATE {table} SET cluster_id = ? WHERE cluster_id = ?",
            (target, source),
        )
    store.conn.execute("DELETE FROM clusters WHERE id = ?", (source,))


def _group_in_document(keys: list[EventKey], options: LinkOptions) -> list[list[int]]:
    """Events of one report that describe one incident: same family, compatible place/date."""
    groups: list[list[int]] = []
    for i, key in enumerate(keys):
        for group in groups:
            first = keys[group[0]]
            if (
                first.family == key.family
                and place_score(first.place, key.place, options) is not None
                and date_score(first.date, key.date, options) is not None
            ):
                group.append(i)
                break
        else:
            groups.append([i])
    return groups


def link_document(store: Store, doc: Document, options: LinkOptions = DEFAULT_LINK_OPTIONS) -> None:
    """Place the stored events of ``doc`` into clusters (inside the caller's transaction)."""
    linked = [i for i, e in enumerate(doc.events) if not getattr(e, "background", False)]
    keys = [event_key(doc, doc.events[i]) for i in linked]
    members: dict[int, list[EventKey]] = {}
    for group in _group_in_document(keys, options):
        scores: dict[int, float] = {}
        for i in group:
            for cid, score in cluster_scores(store, keys[i], options, members).items():
                scores[cid] = max(score, scores.get(cid, 0.0))
        if scores:
            best = min(scores, key=lambda c: (-scores[c], c))
            strong = sorted(c for c, v in scores.items() if v >= options.merge_threshold)
            cluster_id = min(strong) if best in strong else best
            for other in strong if best in strong else ():
                if other != cluster_id:
                    merge_clusters(store, other, cluster_id)
                    members.pop(other, None)
            members.pop(cluster_id, None)
        else:
            cluster_id = _new_cluster(store, doc, linked[group[0]], keys[group[0]])
        for i in group:
            _attach(store, doc, linked[i], keys[i], cluster_id)
        refresh_cluster(store, cluster_id)


def _new_cluster(store: Store, doc: Document, idx: int, key: EventKey) -> int:
    event = doc.events[idx]
    cur = store.conn.execute(
        "INSERT INTO clusters (family, type, country, place, place_link, lat, lon, date_first, "
        "date_last) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            key.family,
            event.type,
            key.place.country,
            key.place.name,
            key.place.link,
            key.place.lat,
            key.place.lon,
            key.date,
            key.date,
        ),
    )
    return int(cur.lastrowid or 0)


def _attach(store: Store, doc: Document, idx: int, key: EventKey, cluster_id: int) -> None:
    store.conn.execute(
        "UPDATE events SET cluster_id = ? WHERE doc_id = ? AND idx = ?", (cluster_id, doc.id, idx)
    )
    store.conn.execute(
        "INSERT OR REPLACE INTO link_keys (doc_id, idx, doc_n, cluster_id, family, day, place, "
        "place_link, country, lat, lon, kind, terms, participants, roles, named) "
        "VALUES (?, ?, (SELECT n FROM documents WHERE id = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "?, ?)",
        (
            doc.id,
            idx,
            doc.id,
            cluster_id,
            key.family,
            key.date,
            key.place.name,
            key.place.link,
            key.place.country,
            key.place.lat,
            key.place.lon,
            key.place.kind,
            json.dumps(key.terms, ensure_ascii=False),
            json.dumps(key.participants, ensure_ascii=False),
            json.dumps(key.roles),
            json.dumps(key.named),
        ),
    )


def refresh_cluster(store: Store, cluster_id: int) -> None:
    """Recompute a cluster's dates, place, member counts and conservative tolls."""
    from rasd.queries import cluster_figures

    conn = store.conn
    row = conn.execute(
        "SELECT min(day) AS first, max(day) AS last, count(*) AS n, "
        "count(DISTINCT doc_id) AS docs FROM link_keys WHERE cluster_id = ?",
        (cluster_id,),
    ).fetchone()
    place = conn.execute(
        "SELECT place, place_link, country, lat, lon, count(*) AS c FROM link_keys "
        "WHERE cluster_id = ? GROUP BY place, place_link, country, lat, lon "
        "ORDER BY (place_link IS NULL), (kind = 'country'), c DESC, place LIMIT 1",
        (cluster_id,),
    ).fetchone()
    main_type = conn.execute(
        "SELECT e.type FROM events e WHERE e.cluster_id = ? GROUP BY e.type "
        "ORDER BY count(*) DESC, (e.type != 'ASSAULT'), e.type LIMIT 1",
        (cluster_id,),
    ).fetchone()
    history = cluster_figures(store, cluster_id)
    killed, injured = history.estimate("killed"), history.estimate("injured")
    conn.execute(
        "UPDATE clusters SET type = ?, date_first = ?, date_last = ?, n_events = ?, "
        "n_documents = ?, "
        "place = ?, place_link = ?, country = ?, lat = ?, lon = ?, killed = ?, injured = ? "
        "WHERE id = ?",
        (
            main_type[0],
            row["first"],
            row["last"],
            row["n"],
            row["docs"],
            place["place"],
            place["place_link"],
            place["country"],
            place["lat"],
            place["lon"],
            killed.acled if killed else None,
            injured.acled if injured else None,
            cluster_id,
        ),
    )


def relink(store: Store, options: LinkOptions = DEFAULT_LINK_OPTIONS) -> int:
    """Rebuild every cluster from scratch in canonical order; returns the number of clusters."""
    with store.atomic():
        store.conn.execute("DELETE FROM link_keys")
        store.conn.execute("UPDATE events SET cluster_id = NULL")
        store.conn.execute("DELETE FROM clusters")
        ids = [
            r[0]
            for r in store.conn.execute(
                "SELECT id FROM documents WHERE EXISTS "
                "(SELECT 1 FROM events WHERE events.doc_id = documents.id) "
                "ORDER BY coalesce(published, ''), n"
            )
        ]
        for doc_id in ids:
            link_document(store, store.get_document(doc_id), options)
    return store.count("clusters")
