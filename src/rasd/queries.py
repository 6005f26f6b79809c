"""Queries over the store: event clusters, one cluster in full, figure histories, full text.

Every query is a library call returning plain frozen dataclasses (the CLI, the API and the web
dashboard render them); filters travel as SQL parameters, never spliced into SQL.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from rasd.errors import InputError, StoreError
from rasd.figures import Figure, FigureHistory, figure_history
from rasd.store import Store, iter_rows, word_stem
from rasd.text import normalise


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Filters of `list_events` (all optional; combined with AND)."""

    type: str | None = None
    """PLOVER type (``ASSAULT``) or family (``unrest``), case-insensitive."""
    country: str | None = None
    """ISO 3166-1 alpha-2 code."""
    place: str | None = None
    """Substring of the place name or its gazetteer link."""
    since: str | None = None
    until: str | None = None
    min_killed: float | None = None
    limit: int = 1000


@dataclass(frozen=True, slots=True)
class ClusterSummary:
    id: int
    type: str
    family: str
    date_first: str | None
    date_last: str | None
    country: str | None
    place: str | None
    place_link: str | None
    lat: float | None
    lon: float | None
    n_events: int
    n_documents: int
    killed: float | None
    injured: float | None
    summary: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Member:
    """One report of a cluster's event."""

    doc_id: str
    idx: int
    event_id: str
    type: str
    mode: str | None
    modality: str
    date: str | None
    trigger: str
    sentence: str
    outlet: str | None
    published: str | None
    url: str | None
    title: str | None


@dataclass(frozen=True, slots=True)
class ClusterDetail:
    cluster: ClusterSummary
    members: tuple[Member, ...]
    history: FigureHistory
    types: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class SearchHit:
    doc_id: str
    title: str | None
    source: str | None
    published: str | None
    url: str | None
    snippet: str


def _check_date(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError as err:
        raise InputError(f"{name}: {value!r} is not an ISO date (YYYY-MM-DD)") from err


def list_events(store: Store, filters: EventFilter | None = None) -> list[ClusterSummary]:
    """Event clusters matching ``filters``, newest first."""
    f = filters or EventFilter()
    where: list[str] = ["1 = 1"]
    params: list[object] = []
    if f.type:
        where.append("(upper(type) = upper(?) OR lower(family) = lower(?))")
        params += [f.type, f.type]
    if f.country:
        where.append("upper(country) = upper(?)")
        params.append(f.country)
    if f.place:
        where.append("(instr(lower(place), lower(?)) > 0 OR instr(place_link, ?) > 0)")
        params += [f.place, f.place]
    if since := _check_date(f.since, "--since"):
        where.append("date_last >= ?")
        params.append(since)
    if until := _check_date(f.until, "--until"):
        where.append("date_first <= ?")
        params.append(until)
    if f.min_killed is not None:
        where.append("killed >= ?")
        params.append(f.min_killed)
    sql = (
        "SELECT id, type, family, date_first, date_last, country, place, place_link, lat, lon, "
        "n_events, n_documents, killed, injured, summary FROM clusters WHERE "
        + " AND ".join(where)
        + " ORDER BY coalesce(date_first, '') DESC, id DESC LIMIT ?"
    )
    params.append(f.limit)
    return [ClusterSummary(**dict(r)) for r in iter_rows(store, sql, params)]


def get_cluster(store: Store, cluster_id: int) -> ClusterDetail:
    """One cluster in full: summary, member reports and figure history."""
    rows = list(
        iter_rows(
            store,
            "SELECT id, type, family, date_first, date_last, country, place, place_link, lat, "
            "lon, n_events, n_documents, killed, injured, summary FROM clusters WHERE id = ?",
            (cluster_id,),
        )
    )
    if not rows:
        raise StoreError(f"{store.path}: no event cluster {cluster_id}; list them with rasd events")
    members = tuple(_members(store, cluster_id))
    types = tuple(sorted({m.type for m in members}))
    return ClusterDetail(
        ClusterSummary(**dict(rows[0])), members, cluster_figures(store, cluster_id), types
    )


def _members(store: Store, cluster_id: int) -> list[Member]:
    sql = (
        "SELECT e.doc_id, e.idx, e.event_id, e.type, e.mode, e.modality, e.date, e.data, "
        "d.source, d.published, d.url, d.title, d.text FROM events e "
        "JOIN documents d ON d.id = e.doc_id WHERE e.cluster_id = ? "
        "ORDER BY coalesce(d.published, ''), d.n, e.idx"
    )
    out = []
    for r in iter_rows(store, sql, (cluster_id,)):
        data = json.loads(r["data"])
        text = r["text"]
        a, b = max(0, data["start"] - 80), min(len(text), data["end"] + 80)
        out.append(
            Member(
                r["doc_id"],
                r["idx"],
                r["event_id"],
                r["type"],
                r["mode"],
                r["modality"],
                r["date"],
                data["surface"],
                text[a:b].replace("\n", " "),
                r["source"],
                r["published"],
                r["url"],
                r["title"],
            )
        )
    return out


def cluster_figures(store: Store, cluster_id: int) -> FigureHistory:
    """The figure history of one cluster (every figure of every member event, deduplicated by
    span and role within a report)."""
    sql = (
        "SELECT f.*, d.source AS outlet, substr(d.published, 1, 10) AS day FROM figures f "
        "JOIN events e ON e.doc_id = f.doc_id AND e.idx = f.event_idx "
        "JOIN documents d ON d.id = f.doc_id WHERE e.cluster_id = ?"
    )
    seen: set[tuple[str, int, int, str]] = set()
    figures = []
    for r in iter_rows(store, sql, (cluster_id,)):
        key = (r["doc_id"], r["start"], r["end"], r["role"])
        if key in seen:
            continue
        seen.add(key)
        figures.append(
            Figure(
                role=r["role"],
                value=r["value"],
                qualifier=r["qualifier"],
                scope=r["scope"],
                start=r["start"],
                end=r["end"],
                surface=r["surface"],
                value_max=r["value_max"],
                group=r["grp"],
                speaker=r["speaker"],
                via=r["via"],
                stance=r["stance"],
                doc_id=r["doc_id"],
                outlet=r["outlet"],
                published=r["day"],
            )
        )
    return figure_history(figures)


_WORD = re.compile(r"\w+")


def search(store: Store, query: str, *, limit: int = 20) -> list[SearchHit]:
    """Documents whose normalised text contains every word of ``query`` (any clitic form),
    best match first."""
    words = _WORD.findall(normalise(query).text)
    if not words:
        raise InputError(f"search query {query!r} has no words to look for")
    match = " AND ".join(_term(w) for w in words)
    sql = (
        "SELECT d.id, d.title, d.source, d.published, d.url, d.text FROM documents_fts "
        "JOIN documents d ON d.n = documents_fts.rowid WHERE documents_fts MATCH ? "
        "ORDER BY rank LIMIT ?"
    )
    return [
        SearchHit(
            r["id"], r["title"], r["source"], r["published"], r["url"], _snippet(r["text"], words)
        )
        for r in iter_rows(store, sql, (match, limit))
    ]


def _term(word: str) -> str:
    """An FTS5 term for a query word: the word or its stem, quoted (no FTS syntax from users)."""
    stem = word_stem(word)
    if stem == word:
        return f'"{word}"'
    return f'("{word}" OR "{stem}")'


def _snippet(text: str, words: list[str], width: int = 60) -> str:
    """The original text around the first query word found, the word in brackets."""
    view = normalise(text)
    for word in words:
        at = view.text.find(word)
        if at < 0:
            continue
        start, end = view.to_original(at, at + len(word))
        a, b = max(0, start - width), min(len(text), end + width)
        return (text[a:start] + "[" + text[start:end] + "]" + text[end:b]).replace("\n", " ")
    return text[: 2 * width].replace("\n", " ")
