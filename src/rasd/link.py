"""Cross-document event linking: reports of the same real-world event become one cluster.

Two events are the same event when their types are in one family (an assault, the protest it
broke up and the arrests after it are one incident), their places agree (same gazetteer link,
same city or admin area, or within `LinkOptions.max_km`; an unknown place only agrees within the
same country), their dates fall within `LinkOptions.window_days`, and their evidence is similar
enough: a score from place, date, overlapping actors/targets, the words of their trigger
sentences and shared figure roles must reach `LinkOptions.threshold`.

The keys and their score live in `rasd.link_score`. Linking is incremental (`link_document`
places a new document's events into existing clusters or opens new ones) and deterministic: the
same documents in the same order give the same clusters, and `relink` rebuilds every cluster in
the canonical order (publication date, then arrival).
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from rasd.document import Document
from rasd.link_score import (
    DEFAULT_LINK_OPTIONS,
    FAMILIES,
    EventKey,
    LinkOptions,
    Place,
    date_score,
    event_date,
    event_key,
    event_place,
    family,
    jaccard,
    km_between,
    link_score,
    place_score,
    report_people,
)

if TYPE_CHECKING:
    from rasd.store import Store

__all__ = [
    "DEFAULT_LINK_OPTIONS",
    "FAMILIES",
    "EventKey",
    "LinkOptions",
    "Place",
    "cluster_scores",
    "date_score",
    "event_date",
    "event_key",
    "event_place",
    "family",
    "jaccard",
    "key_from_row",
    "km_between",
    "link_document",
    "link_score",
    "place_score",
    "refresh_cluster",
    "relink",
]


# ----------------------------------------------------------------------- clustering in the store


def key_from_row(row: Any) -> EventKey:
    """The `EventKey` of a ``link_keys`` row."""
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
        people=tuple(json.loads(row["people"])),
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
        out[row["cluster_id"]].append(key_from_row(row))
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
    people = report_people(doc)
    keys = [event_key(doc, doc.events[i], people) for i in linked]
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
        "place_link, country, lat, lon, kind, terms, participants, roles, named, people) "
        "VALUES (?, ?, (SELECT n FROM documents WHERE id = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "?, ?, ?)",
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
            json.dumps(key.people, ensure_ascii=False),
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
        "ORDER BY (place_link IS NULL), (kind IN ('country', 'nationality')), c DESC, place "
        "LIMIT 1",
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
