"""Rendering of store query results for the CLI: event tables, one cluster, search hits."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from rasd.figures import FigureHistory
from rasd.queries import ClusterDetail, ClusterSummary, SearchHit

EVENT_COLUMNS = ("id", "date_first", "type", "place", "country", "killed", "injured", "n_documents")


class ProgressCallback:
    """A rich progress display as a context manager; calling it advances by ``n`` documents."""

    def __init__(self, progress: Any) -> None:
        self.progress = progress
        self.task: Any = None

    def __enter__(self) -> ProgressCallback:
        self.progress.start()
        self.task = self.progress.add_task("ingest", total=None)
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def __call__(self, n: int) -> None:
        self.progress.advance(self.task, n)


def _number(value: float) -> str:
    """A figure as people write it: whole numbers in full (175000000, not 1.75e+08)."""
    if not math.isfinite(value):
        return str(value)
    if value.is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return _number(value)
    return str(value)


def render_table(rows: Sequence[Sequence[Any]], header: Sequence[str]) -> str:
    """A plain aligned text table (right-to-left text is left as it is)."""
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in cells:
        lines.append("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


def render_events(events: Sequence[ClusterSummary], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([e.to_dict() for e in events], ensure_ascii=False, indent=1)
    rows = [[getattr(e, c) for c in EVENT_COLUMNS] for e in events]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(EVENT_COLUMNS)
        writer.writerows([[_cell(v) for v in r] for r in rows])
        return out.getvalue().rstrip("\n")
    if not events:
        return "no events"
    return render_table(
        rows, ("cluster", "date", "type", "place", "country", "killed", "injured", "reports")
    )


def render_history(history: FigureHistory) -> str:
    rows = [
        [
            f.role,
            f.value,
            f.qualifier,
            f.scope,
            f.speaker or "(outlet)",
            f.via,
            f.outlet,
            f.published,
            f.stance if f.credible else f"{f.stance} (excluded)",
            f.surface,
        ]
        for f in history.figures
    ]
    lines = [
        render_table(
            rows,
            (
                "role",
                "value",
                "qualifier",
                "scope",
                "speaker",
                "via",
                "outlet",
                "date",
                "stance",
                "text",
            ),
        )
    ]
    lines.append("")
    est = [
        [
            e.role,
            e.acled,
            e.low,
            e.best,
            e.high,
            ", ".join(f"{s} {_number(float(v))}" for s, v in e.by_scope.items()),
        ]
        for e in history.estimates
    ]
    lines.append(render_table(est, ("role", "conservative", "low", "best", "high", "by scope")))
    conflicts = [c for e in history.estimates for c in e.conflicts]
    if conflicts:
        lines += ["", "conflicts (shown, not merged):"] + [f"  {c}" for c in conflicts]
    lines += ["", "rules:"] + [f"  {k}: {v}" for k, v in history.rules.items()]
    return "\n".join(lines)


def render_cluster(detail: ClusterDetail, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(detail.to_dict(), ensure_ascii=False, indent=1)
    c = detail.cluster
    head = [
        f"event cluster {c.id}: {c.type} ({', '.join(detail.types)}) at {c.place or '?'} "
        f"[{c.country or '?'}], {c.date_first or '?'}"
        + (f" to {c.date_last}" if c.date_last != c.date_first else ""),
        f"{c.n_events} event mentions in {c.n_documents} reports",
        "",
        "reports:",
    ]
    for m in detail.members:
        head.append(
            f"  {m.published or '?'} {m.outlet or '?'} {m.type}/{m.mode or '-'} "
            f"{m.modality}: «{m.trigger}» … {m.sentence.strip()[:140]}"
        )
    return "\n".join([*head, "", "figure history:", render_history(detail.history)])


def render_hits(hits: Sequence[SearchHit], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([asdict(h) for h in hits], ensure_ascii=False, indent=1)
    if not hits:
        return "no documents match"
    return "\n".join(
        f"{h.doc_id}  {h.published or '?'}  {h.source or '?'}  {h.title or ''}\n    {h.snippet}"
        for h in hits
    )
