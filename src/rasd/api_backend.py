"""What the HTTP API reads from and writes to: the `Backend` protocol and an in-memory backend.

The API (`rasd.api`) is a skin: every route calls one method of a `Backend` and returns its JSON.
`open_backend` gives the SQLite store's adapter (`rasd.api_store`); the `MemoryBackend` holds
analysed documents in memory (events of one report clustered by type and place) for demos and
tests that need no database.

Shapes returned (plain JSON values):

* event row: ``id, type, mode, label, acled_event_type, date, country, place, place_en,
  place_link, lat, lon, trigger, summary, killed, injured, detained, reports``
* event detail: ``{"event": row, "reports": [...], "figures": [{"role", "history", "estimate",
  "rule", "low", "best", "high"}]}`` with each history entry ``value, qualifier, value_max, scope,
  speaker, via, outlet, date, stance, retracted, doc_id``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from rasd.document import Claim, Count, Document, Entity, Event
from rasd.errors import InputError

log = logging.getLogger(__name__)

ROLES = ("killed", "injured", "detained")
EXPORT_FORMATS = ("jsonl", "geojson", "acled-csv", "plover-json")


@dataclass(frozen=True, slots=True)
class EventQuery:
    """Filters and paging of an event listing (all optional)."""

    type: str | None = None
    country: str | None = None
    place: str | None = None
    since: date | None = None
    until: date | None = None
    min_killed: int | None = None
    limit: int = 50
    offset: int = 0


class Backend(Protocol):
    """The calls the API makes; each returns JSON-ready values."""

    def list_events(self, query: EventQuery) -> tuple[int, list[dict[str, Any]]]: ...

    def get_event(self, event_id: str) -> dict[str, Any] | None: ...

    def get_document(self, doc_id: str) -> dict[str, Any] | None: ...

    def search(self, q: str, *, limit: int, offset: int) -> list[dict[str, Any]]: ...

    def export(self, fmt: str) -> tuple[str, str]:
        """The whole dataset in ``fmt``: (body, media type)."""
        ...

    def add_documents(self, docs: Sequence[Document]) -> dict[str, Any]: ...


def open_backend(db_path: str | Path | None, *, query_timeout_s: float = 10.0) -> Backend:
    """The SQLite store at ``db_path`` (created, empty, if it does not exist)."""
    from rasd.api_store import StoreBackend

    return StoreBackend(db_path, query_timeout_s=query_timeout_s)


# --------------------------------------------------------------------------- in-memory backend


class MemoryBackend:
    """Analysed documents held in memory, for demos, tests and a server started without the store.

    Events of one document with the same type and place form one cluster (its figure history
    gathers their counts); events of different documents are not linked (that is the store's
    job). Writes are serialised by the API.
    """

    def __init__(self, docs: Iterable[Document] = ()) -> None:
        self._docs: dict[str, Document] = {}
        self._clusters: dict[str, list[Event]] = {}
        self._cluster_doc: dict[str, Document] = {}
        for doc in docs:
            self._add(doc)

    def _add(self, doc: Document) -> bool:
        if doc.id in self._docs:
            return False
        self._docs[doc.id] = doc
        keys: dict[tuple[str, str], str] = {}
        for event in doc.events:
            place = event.place_link or (event.place.surface if event.place else "")
            cluster = keys.setdefault((event.type, place), f"{doc.id}:{event.id}")
            self._clusters.setdefault(cluster, []).append(event)
            self._cluster_doc[cluster] = doc
        return True

    def add_documents(self, docs: Sequence[Document]) -> dict[str, Any]:
        added = [doc.id for doc in docs if self._add(doc)]
        known = [doc.id for doc in docs if doc.id not in added]
        return {"added": added, "unchanged": known}

    def _row(self, key: str) -> dict[str, Any]:
        return _event_row(key, self._cluster_doc[key], self._clusters[key])

    def list_events(self, query: EventQuery) -> tuple[int, list[dict[str, Any]]]:
        rows = [self._row(key) for key in sorted(self._clusters)]
        rows = [row for row in rows if _matches(row, query)]
        rows.sort(key=lambda row: (row["date"] or "", row["id"]), reverse=True)
        return len(rows), rows[query.offset : query.offset + query.limit]

    def get_event(self, event_id: str) -> dict[str, Any] | None:
        events = self._clusters.get(event_id)
        if events is None:
            return None
        doc = self._cluster_doc[event_id]
        return {
            "event": self._row(event_id),
            "reports": [_report(doc, events[0])],
            "figures": _figures(doc, events),
        }

    def get_document(self, doc_id: str) -> dict[str, Any] | None:
        doc = self._docs.get(doc_id)
        return None if doc is None else doc.to_dict(tokens=False)

    def search(self, q: str, *, limit: int, offset: int) -> list[dict[str, Any]]:
        from rasd.text import normalise

        needle = normalise(q).text.strip()
        hits = []
        for doc in self._docs.values():
            at = doc.normalised.text.find(needle) if needle else -1
            if at >= 0:
                start, end = doc.normalised.to_original(at, at + len(needle))
                hits.append({**_doc_summary(doc), "snippet": _snippet(doc.text, start, end)})
        return hits[offset : offset + limit]

    def export(self, fmt: str) -> tuple[str, str]:
        _, rows = self.list_events(EventQuery(limit=len(self._clusters) + 1))
        if fmt == "jsonl":
            body = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
            return body, "application/x-ndjson"
        if fmt == "geojson":
            return json.dumps(_geojson(rows), ensure_ascii=False), "application/geo+json"
        raise InputError(
            f"export format {fmt!r} is not available from the in-memory backend (only jsonl and "
            "geojson): serve a store with `rasd serve --db rasd.db`"
        )


def _matches(row: dict[str, Any], q: EventQuery) -> bool:
    if q.type and row["type"] != q.type.upper():
        return False
    if q.country and (row["country"] or "").upper() != q.country.upper():
        return False
    if q.place and q.place not in (row["place"] or "") + " " + (row["place_en"] or ""):
        return False
    day = row["date"] or ""
    if q.since and (not day or day[:10] < q.since.isoformat()):
        return False
    if q.until and (not day or day[:10] > q.until.isoformat()):
        return False
    return not (q.min_killed is not None and (row["killed"] or 0) < q.min_killed)


def _place_entity(doc: Document, event: Event) -> Entity | None:
    """The entity at the event's place: the one overlapping it, else one with the same link or
    the same surface (another mention of the place)."""
    place = event.place
    if place is None:
        return None
    for ent in doc.entities:
        if ent.start < place.end and place.start < ent.end:
            return ent
    for ent in doc.entities:
        if (event.place_link and ent.link == event.place_link) or ent.surface == place.surface:
            return ent
    return None


def _event_row(key: str, doc: Document, events: list[Event]) -> dict[str, Any]:
    event = events[0]
    ent = _place_entity(doc, event)
    totals = {role: _conservative(_history(doc, events, role))[0] for role in ROLES}
    dates = sorted(ev.date for ev in events if ev.date)
    return {
        "id": key,
        "type": event.type,
        "mode": event.mode,
        "label": event.label,
        "acled_event_type": event.acled_event_type,
        "date": dates[0] if dates else None,
        "country": ent.country if ent else None,
        "place": event.place.surface if event.place else None,
        "place_en": (ent.english if ent else None) or (event.place.label if event.place else None),
        "place_link": event.place_link or (ent.link if ent else None),
        "lat": ent.lat if ent else None,
        "lon": ent.lon if ent else None,
        "trigger": event.surface,
        "summary": event.summary,
        **totals,
        "reports": 1,
    }


def _claims(doc: Document) -> dict[str, Claim]:
    return {claim.id: claim for claim in doc.claims}


def _history(doc: Document, events: list[Event], role: str) -> list[dict[str, Any]]:
    claims = _claims(doc)
    return [
        _figure(doc, count, claims.get(getattr(count, "claim", None) or event.claim or ""))
        for event in events
        for count in event.counts
        if count.role == role
    ]


def _figure(doc: Document, count: Count, claim: Claim | None) -> dict[str, Any]:
    stance = claim.stance if claim else "assert"
    return {
        "value": count.value,
        "qualifier": count.qualifier,
        "value_max": count.value_max,
        "scope": count.group.label or count.group.surface if count.group else None,
        "speaker": claim.speaker.surface if claim and claim.speaker else None,
        "via": claim.via.surface if claim and claim.via else None,
        "outlet": doc.source,
        "date": (claim.date if claim else None) or _published(doc),
        "stance": stance,
        "retracted": stance == "retract",
        "doc_id": doc.id,
        "surface": count.surface,
    }


def _conservative(history: list[dict[str, Any]]) -> tuple[int | None, str]:
    """Lowest credible figure per scope, summed over scopes; retracted figures excluded."""
    by_scope: dict[str, float] = {}
    for fig in history:
        if fig["retracted"]:
            continue
        scope = fig["scope"] or "total"
        by_scope[scope] = min(by_scope.get(scope, fig["value"]), fig["value"])
    if not by_scope:
        return None, "no credible figure"
    if "total" in by_scope and len(by_scope) > 1:
        parts = sum(v for k, v in by_scope.items() if k != "total")
        return int(max(parts, by_scope["total"])), "larger of the total and the sum of scopes"
    return int(sum(by_scope.values())), "lowest non-retracted figure per scope, summed"


def _figures(doc: Document, events: list[Event]) -> list[dict[str, Any]]:
    out = []
    for role in sorted({count.role for event in events for count in event.counts}):
        history = _history(doc, events, role)
        estimate, rule = _conservative(history)
        credible = [fig["value"] for fig in history if not fig["retracted"]]
        out.append(
            {
                "role": role,
                "history": history,
                "estimate": estimate,
                "rule": rule,
                "low": min(credible, default=None),
                "best": estimate,
                "high": max(credible, default=None),
            }
        )
    return out


def _published(doc: Document) -> str | None:
    return doc.published.isoformat() if doc.published else None


def _doc_summary(doc: Document) -> dict[str, Any]:
    return {
        "id": doc.id,
        "title": doc.title,
        "source": doc.source,
        "url": doc.url,
        "published": _published(doc),
    }


def _report(doc: Document, event: Event) -> dict[str, Any]:
    sentence = doc.sentences[event.sentence].surface if event.sentence < len(doc.sentences) else ""
    return {**_doc_summary(doc), "doc_id": doc.id, "trigger": event.surface, "sentence": sentence}


def _snippet(text: str, start: int, end: int, width: int = 60) -> str:
    return text[max(0, start - width) : end + width]


def _geojson(rows: list[dict[str, Any]]) -> dict[str, Any]:
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
            "properties": {k: v for k, v in row.items() if k not in ("lat", "lon")},
        }
        for row in rows
        if row["lat"] is not None and row["lon"] is not None
    ]
    return {"type": "FeatureCollection", "features": features}
