"""Exports of the store's event clusters: JSONL, ACLED-style CSV, PLOVER JSON, GeoJSON, Parquet.

One record per event cluster (one real-world event), with its conservative fatality figure and
the outlets that reported it. `export` writes a file; `acled_rows` / `plover_records` /
`geojson` return the records for callers that want them in memory.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rasd.errors import InputError, StoreError
from rasd.queries import ClusterDetail, EventFilter, get_cluster, list_events
from rasd.store import Store

FORMATS = ("jsonl", "acled-csv", "plover-json", "geojson", "parquet")

ACLED_COLUMNS = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "iso",
    "country",
    "admin1",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
)
"""ACLED's column names (a subset: the ones rasd can fill from the text)."""

_GEO_PRECISION = {"city": 1, "other": 1, "admin": 2, "country": 3}


def iter_details(store: Store, filters: EventFilter | None = None) -> Iterator[ClusterDetail]:
    """Every matching cluster in full, oldest first."""
    summaries = list_events(store, filters or EventFilter(limit=10_000_000))
    for summary in reversed(summaries):
        yield get_cluster(store, summary.id)


def _span_label(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("label") or value.get("surface") or "")
    return ""


def acled_row(store: Store, detail: ClusterDetail) -> dict[str, Any]:
    """One ACLED-style row for a cluster."""
    c = detail.cluster
    events = _member_events(store, detail)
    acled_type = next((e.get("acled_event_type") for e in events if e.get("acled_event_type")), "")
    acled_sub = next(
        (e.get("acled_sub_event_type") for e in events if e.get("acled_sub_event_type")), ""
    )
    actor1 = next((_span_label(e.get("actor")) for e in events if e.get("actor")), "")
    actor2 = next((_span_label(e.get("target")) for e in events if e.get("target")), "")
    kind = _place_kind(store, c.id)
    outlets = sorted({m.outlet for m in detail.members if m.outlet})
    killed = detail.history.estimate("killed")
    return {
        "event_id_cnty": f"{c.country or 'XX'}{c.id}",
        "event_date": c.date_first or "",
        "year": (c.date_first or "")[:4],
        "time_precision": 1 if c.date_first else 3,
        "event_type": acled_type or c.type,
        "sub_event_type": acled_sub or "",
        "actor1": actor1,
        "actor2": actor2,
        "iso": c.country or "",
        "country": _country_name(store, c.id, c.country),
        "admin1": c.place if kind == "admin" else "",
        "location": c.place or "",
        "latitude": c.lat if c.lat is not None else "",
        "longitude": c.lon if c.lon is not None else "",
        "geo_precision": _GEO_PRECISION.get(kind or "", 3),
        "source": "; ".join(outlets),
        "source_scale": "National" if len(outlets) <= 1 else "Multiple",
        "notes": _notes(detail),
        "fatalities": int(killed.acled) if killed and killed.acled is not None else 0,
        "tags": f"rasd cluster {c.id}; {c.n_documents} reports",
    }


def _member_events(store: Store, detail: ClusterDetail) -> list[dict[str, Any]]:
    """The cluster's events, those of its main type first (they name its ACLED type, mode and
    actors), then by report and position."""
    rows = store.conn.execute(
        "SELECT e.data FROM events e JOIN documents d ON d.id = e.doc_id WHERE e.cluster_id = ? "
        "ORDER BY (e.type != ?), d.n, e.idx",
        (detail.cluster.id, detail.cluster.type),
    )
    return [json.loads(r[0]) for r in rows]


def _country_name(store: Store, cluster_id: int, code: str | None) -> str:
    """The English name of the cluster's country, from a report that names it."""
    row = store.conn.execute(
        "SELECT k.place FROM link_keys k JOIN clusters c ON c.id = k.cluster_id "
        "WHERE k.country = ? AND k.kind = 'country' AND k.place IS NOT NULL "
        "ORDER BY (k.cluster_id != ?), k.doc_n LIMIT 1",
        (code, cluster_id),
    ).fetchone()
    return str(row[0]) if row else (code or "")


def _place_kind(store: Store, cluster_id: int) -> str | None:
    row = store.conn.execute(
        "SELECT kind FROM link_keys k JOIN clusters c ON c.id = k.cluster_id "
        "WHERE c.id = ? AND k.place IS c.place LIMIT 1",
        (cluster_id,),
    ).fetchone()
    return row[0] if row else None


def _notes(detail: ClusterDetail) -> str:
    first = detail.members[0] if detail.members else None
    parts = [first.sentence.strip()] if first else []
    for estimate in detail.history.estimates:
        if estimate.acled is not None:
            parts.append(f"{estimate.role}: {estimate.acled:g}")
    return " | ".join(parts)


def plover_record(store: Store, detail: ClusterDetail) -> dict[str, Any]:
    """One PLOVER-style event record for a cluster."""
    c = detail.cluster
    events = _member_events(store, detail)
    first = events[0] if events else {}
    return {
        "id": f"rasd-{c.id}",
        "date": c.date_first,
        "event_type": c.type,
        "mode": next((e.get("mode") for e in events if e.get("mode")), None),
        "context": sorted({m.type for m in detail.members}),
        "actor": _span_label(first.get("actor")) or None,
        "recipient": _span_label(first.get("target")) or None,
        "location": {
            "name": c.place,
            "country": c.country,
            "link": c.place_link,
            "lat": c.lat,
            "lon": c.lon,
        },
        "fatalities": c.killed,
        "figures": [
            {"role": e.role, "conservative": e.acled, "low": e.low, "best": e.best, "high": e.high}
            for e in detail.history.estimates
        ],
        "sources": [
            {"outlet": m.outlet, "url": m.url, "date": m.published, "text": m.trigger}
            for m in detail.members
        ],
    }


def geojson(store: Store, filters: EventFilter | None = None) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of the clusters that have coordinates."""
    features = []
    for detail in iter_details(store, filters):
        c = detail.cluster
        if c.lat is None or c.lon is None:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [c.lon, c.lat]},
                "properties": {
                    "id": c.id,
                    "type": c.type,
                    "date": c.date_first,
                    "place": c.place,
                    "country": c.country,
                    "killed": c.killed,
                    "injured": c.injured,
                    "reports": c.n_documents,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def export(
    store: Store,
    fmt: str,
    out: str | os.PathLike[str],
    *,
    filters: EventFilter | None = None,
) -> int:
    """Write the clusters to ``out`` in format ``fmt``; returns the number of records."""
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    path = Path(out)
    if not path.parent.exists():
        raise InputError(f"{out}: folder {path.parent} does not exist")
    try:
        return _WRITERS[fmt](store, path, filters)
    except OSError as err:
        raise StoreError(f"{out}: cannot write the export: {err.strerror or err}") from err


def _write_jsonl(store: Store, path: Path, filters: EventFilter | None) -> int:
    n = 0
    with path.open("w", encoding="utf-8") as fh:
        for detail in iter_details(store, filters):
            fh.write(json.dumps(detail.to_dict(), ensure_ascii=False) + "\n")
            n += 1
    return n


def _write_acled(store: Store, path: Path, filters: EventFilter | None) -> int:
    n = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=ACLED_COLUMNS)
        writer.writeheader()
        for detail in iter_details(store, filters):
            writer.writerow(acled_row(store, detail))
            n += 1
    return n


def _write_plover(store: Store, path: Path, filters: EventFilter | None) -> int:
    records = [plover_record(store, d) for d in iter_details(store, filters)]
    path.write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")
    return len(records)


def _write_geojson(store: Store, path: Path, filters: EventFilter | None) -> int:
    collection = geojson(store, filters)
    path.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    return len(collection["features"])


def _write_parquet(store: Store, path: Path, filters: EventFilter | None) -> int:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as err:
        raise InputError("Parquet export needs pyarrow: pip install 'rasd[parquet]'") from err
    rows = [acled_row(store, d) for d in iter_details(store, filters)]
    columns = {name: [str(r[name]) for r in rows] for name in ACLED_COLUMNS}
    for name in ("latitude", "longitude"):
        columns[name] = [float(r[name]) if r[name] != "" else None for r in rows]  # type: ignore[misc]
    columns["fatalities"] = [int(r["fatalities"]) for r in rows]  # type: ignore[misc]
    pq.write_table(pa.table(columns), path)
    return len(rows)


_WRITERS = {
    "jsonl": _write_jsonl,
    "acled-csv": _write_acled,
    "plover-json": _write_plover,
    "geojson": _write_geojson,
    "parquet": _write_parquet,
}
