"""Figure history: every reported figure of an event cluster, and the estimates derived from it.

A *figure* is one `Count` of one event in one report, with who gave it (speaker, via), the outlet,
the document date, the stance of the claim it came in (asserted, estimated, denied, retracted) and
its *scope* (whom it counts: protesters, security forces, civilians, militants, or everybody).

Derived per role (killed, injured, detained…), with the rule stated in `RULES`:

- ``acled``: ACLED's conservative estimate. Retracted/denied figures and events that did not happen
  (negated, planned, hypothetical) are excluded. Per scope, the lowest credible figure is taken
  (vague plurals such as عشرات count as 10, ACLED's convention, and only when no exact figure of
  that scope exists). Distinct scopes add up (26 protesters + 16 security forces = 42); a figure
  for everybody is not added to them but wins only when it is larger than their sum; subsets
  (children, women, foreigners, worshippers) are never added.
- ``low`` / ``best`` / ``high`` (UCDP style): the same sum over scopes, taking per scope the lowest
  credible value, the value of the most recent report (ties: the value most reports give, then the
  lower), and the highest credible value (upper ends of ranges included).

Conflicts — distinct credible values for the same role and scope — are listed, never merged away.
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from rasd.document import Claim, Count, Document, Event, Span
from rasd.text import clitic_candidates, fold_ta_marbuta, normalise

TOTAL = "total"
VAGUE_VALUE = 10.0
"""ACLED codes "dozens/tens" (عشرات) as 10."""

PEOPLE_ROLES = frozenset(
    {"killed", "injured", "detained", "missing", "displaced", "kidnapped", "troops"}
)
"""Roles that count people: their figures have scopes (protesters, security forces…). Figures of
other roles (property, equipment, damage) are scoped by what they count (shops ≠ cars) and their
scopes are never added up."""

EXCLUDED_STANCES = frozenset({"retract", "deny", "negated", "planned", "hypothetical"})

RULES = {
    "acled": "ACLED conservative: retracted, denied and unrealised figures excluded; per scope the "
    "lowest credible figure (vague 'tens' = 10, used only when no exact figure of that scope "
    "exists); distinct scopes summed; a total is not added to them and wins only when larger "
    "than their sum; subsets (children, women…) never added.",
    "low": "UCDP low: as acled, but per scope the lowest credible value of any report.",
    "best": "UCDP best: per scope the figure of the most recent report (ties: the most often "
    "reported value, then the lower), summed over scopes as for acled.",
    "high": "UCDP high: per scope the highest credible value (upper ends of ranges), summed over "
    "scopes as for acled.",
}

_ENGLISH_SCOPES = (
    (re.compile(r"protest|demonstrat"), "protesters"),
    (re.compile(r"security|police|soldier|troop|military|army|officer|guard"), "security forces"),
    (re.compile(r"civilian"), "civilians"),
    (re.compile(r"militant|fighter|terrorist|rebel|insurgent|houthi|gunmen"), "militants"),
    (re.compile(r"child"), "children"),
    (re.compile(r"wom[ae]n"), "women"),
    (re.compile(r"foreign"), "foreigners"),
    (re.compile(r"worshipp"), "worshippers"),
)


@dataclass(frozen=True, slots=True)
class Figure:
    """One reported figure of one event, with its provenance."""

    role: str
    value: float
    qualifier: str
    scope: str
    start: int
    end: int
    surface: str
    value_max: float | None = None
    group: str | None = None
    speaker: str | None = None
    via: str | None = None
    stance: str = "assert"
    doc_id: str = ""
    outlet: str | None = None
    published: str | None = None

    @property
    def credible(self) -> bool:
        return self.stance not in EXCLUDED_STANCES

    @property
    def vague(self) -> bool:
        return self.qualifier in {"vague", "few"}


@dataclass(frozen=True, slots=True)
class Estimate:
    role: str
    acled: float | None
    low: float | None
    best: float | None
    high: float | None
    by_scope: dict[str, float] = field(default_factory=dict)
    """The conservative (acled) figure of each scope that went into the total."""
    conflicts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FigureHistory:
    figures: tuple[Figure, ...]
    estimates: tuple[Estimate, ...]
    rules: dict[str, str] = field(default_factory=lambda: dict(RULES))

    def estimate(self, role: str) -> Estimate | None:
        return next((e for e in self.estimates if e.role == role), None)


# ----------------------------------------------------------------------- scopes


@dataclass(frozen=True, slots=True)
class _ScopeTable:
    stems: dict[str, str]
    summable: dict[str, bool]


@cache
def _scope_table() -> _ScopeTable:
    stems: dict[str, str] = {}
    summable: dict[str, bool] = {TOTAL: True}
    path = resources.files("rasd") / "figures_data" / "scopes.tsv"
    with path.open(encoding="utf-8") as fh:
        rows = csv.reader((line for line in fh if not line.startswith("#")), delimiter="\t")
        next(rows)  # header
        for stem, scope, flag in rows:
            stems[stem] = scope
            summable[scope] = flag == "1"
    return _ScopeTable(stems, summable)


def classify_scope(surface: str | None, label: str | None = None) -> str:
    """The scope a counted group belongs to (``متظاهراً`` → protesters); ``total`` if unknown."""
    if label:
        for pattern, scope in _ENGLISH_SCOPES:
            if pattern.search(label.lower()):
                return scope
    if not surface:
        return TOTAL
    table = _scope_table().stems
    for word in fold_ta_marbuta(normalise(surface).text).split():
        for stem in (word, *clitic_candidates(word)):
            found = table.get(stem)
            if found and found != TOTAL:
                return found
    return TOTAL


def _scope(role: str, group: Span | None) -> str:
    if role in PEOPLE_ROLES:
        return classify_scope(group.surface if group else None, group.label if group else None)
    if group is None:
        return TOTAL
    return group.label or " ".join(sorted(_stems(group.surface)))


def _stems(text: str) -> set[str]:
    words = fold_ta_marbuta(normalise(text).text).split()
    return {(clitic_candidates(w) or (w,))[-1] for w in words}


def is_summable(scope: str) -> bool:
    return _scope_table().summable.get(scope, False)


# ----------------------------------------------------------------------- figures of a document


def _claim_of(doc: Document, event: Event, count: Count) -> Claim | None:
    own = getattr(count, "claim", None)  # the figure's own claim, when the events stage sets it
    if own:
        for claim in doc.claims:
            if claim.id == own:
                return claim
    start = count.start
    if event.claim:
        for claim in doc.claims:
            if claim.id == event.claim:
                return claim
    # A figure inside a claim's span belongs to that claim even when the event does not say so.
    inside = [c for c in doc.claims if c.start <= start < c.end]
    return min(inside, key=lambda c: c.end - c.start) if inside else None


def _stance(event: Event, claim: Claim | None) -> str:
    if event.modality in {"negated", "planned", "hypothetical"}:
        return event.modality
    if claim is not None:
        return claim.stance
    return "assert"


def _name(span: object) -> str | None:
    if span is None:
        return None
    return str(getattr(span, "label", None) or getattr(span, "surface", ""))


def figures_of_event(doc: Document, event: Event) -> list[Figure]:
    """Every count of one event as a `Figure` with its provenance."""
    out = []
    published = doc.published.isoformat()[:10] if doc.published else None
    for count in event.counts:
        claim = _claim_of(doc, event, count)
        group = count.group
        out.append(
            Figure(
                role=count.role,
                value=count.value,
                qualifier=count.qualifier,
                scope=_scope(count.role, group),
                start=count.start,
                end=count.end,
                surface=count.surface,
                value_max=count.value_max,
                group=group.surface if group else None,
                speaker=_name(claim.speaker) if claim else None,
                via=_name(claim.via) if claim else None,
                stance=_stance(event, claim),
                doc_id=doc.id,
                outlet=doc.source,
                published=published,
            )
        )
    return out


def figures_of_document(doc: Document) -> list[Figure]:
    """The figures of every event of a document, deduplicated by span and role (two events may
    carry the same count)."""
    seen: set[tuple[int, int, str]] = set()
    out = []
    for event in doc.events:
        for figure in figures_of_event(doc, event):
            key = (figure.start, figure.end, figure.role)
            if key not in seen:
                seen.add(key)
                out.append(figure)
    return out


# ----------------------------------------------------------------------- estimates


def _value(figure: Figure) -> float:
    return VAGUE_VALUE if figure.vague and figure.value <= 1 else figure.value


def _lowest(figures: list[Figure]) -> float:
    exact = [_value(f) for f in figures if not f.vague]
    return min(exact) if exact else min(_value(f) for f in figures)


def _latest(figures: list[Figure]) -> float:
    newest = max(f.published or "" for f in figures)
    recent = [_value(f) for f in figures if (f.published or "") == newest and not f.vague]
    if not recent:
        recent = [_value(f) for f in figures if (f.published or "") == newest]
    tally = Counter(recent)
    return min(recent, key=lambda v: (-tally[v], v))


def _highest(figures: list[Figure]) -> float:
    return max(max(_value(f), f.value_max or 0.0) for f in figures)


def _combine(per_scope: dict[str, float]) -> float | None:
    if not per_scope:
        return None
    parts = sum(v for s, v in per_scope.items() if s != TOTAL and is_summable(s))
    total = per_scope.get(TOTAL)
    if total is None:
        return parts if parts else max(per_scope.values())
    return max(total, parts)


def _no_sum(per_scope: dict[str, float]) -> float | None:
    del per_scope
    return None


def estimate_role(role: str, figures: Iterable[Figure]) -> Estimate:
    """The four estimates of one role from its figures (rules in `RULES`). For roles that do not
    count people, scopes are what is counted and are never added: with several, only
    ``by_scope`` is given."""
    by_scope: dict[str, list[Figure]] = defaultdict(list)
    for figure in figures:
        if figure.role == role and figure.credible:
            by_scope[figure.scope].append(figure)
    low = {s: _lowest(fs) for s, fs in by_scope.items()}
    conflicts = []
    for scope, fs in sorted(by_scope.items()):
        values = sorted({_value(f) for f in fs})
        if len(values) > 1:
            shown = ", ".join(f"{v:g}" for v in values)
            conflicts.append(f"{role} ({scope}): reports differ: {shown}")
    combine = _combine if role in PEOPLE_ROLES or len(by_scope) == 1 else _no_sum
    return Estimate(
        role=role,
        acled=combine(low),
        low=combine({s: min(_value(f) for f in fs) for s, fs in by_scope.items()}),
        best=combine({s: _latest(fs) for s, fs in by_scope.items()}),
        high=combine({s: _highest(fs) for s, fs in by_scope.items()}),
        by_scope=dict(sorted(low.items())),
        conflicts=tuple(conflicts),
    )


def figure_history(figures: Iterable[Figure]) -> FigureHistory:
    """Every figure (ordered by date, then outlet and position) with the estimates per role."""
    ordered = sorted(
        figures, key=lambda f: (f.published or "", f.outlet or "", f.doc_id, f.start, f.role)
    )
    roles = sorted({f.role for f in ordered})
    return FigureHistory(tuple(ordered), tuple(estimate_role(r, ordered) for r in roles))
