"""Evaluation of cross-document event linking on hand-labelled reports (SaudiNewsNet).

The labels name groups of article URLs that report one real-world event (``distractor:`` groups
are other events close in time or place). The articles are analysed and ingested into a fresh
store; then, over all pairs of labelled articles, a pair is *predicted* linked when the two share
an event cluster, and *gold* linked when they carry the same label. Also reported: for each
event, whether one cluster holds every report of it that has events at all, and — for each
report left out of its event's main cluster — why (`explain_outliers`: the feature that ruled the
link out, or the evidence that fell short of the threshold).
"""

from __future__ import annotations

import json
import zipfile
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import replace
from itertools import combinations
from pathlib import Path

from rasd.document import Document, parse_published
from rasd.errors import InputError
from rasd.evaluate import PRF, Report
from rasd.ingest import ingest_documents
from rasd.link import DEFAULT_LINK_OPTIONS, LinkOptions, key_from_row
from rasd.link_score import EventKey, explain_link
from rasd.pipeline import Pipeline
from rasd.store import Store


def load_labels(path: str | Path) -> dict[str, list[str]]:
    """``{event label: [url, …]}`` from a labels file."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return {k: [item["url"] for item in v] for k, v in data["events"].items()}
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise InputError(f"{path}: not a link-labels file: {err}") from err


def read_articles(corpus: str | Path, urls: set[str]) -> Iterator[Document]:
    """The SaudiNewsNet articles with the given URLs (first copy of each), as documents."""
    seen: set[str] = set()
    folder = Path(corpus)
    if not folder.is_dir():
        raise InputError(f"{corpus}: no such folder (the SaudiNewsNet dataset/*.zip)")
    for path in sorted(folder.glob("*.zip")):
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                for article in json.loads(z.read(name)):
                    url = article.get("url")
                    if url in urls and url not in seen:
                        seen.add(url)
                        yield Document(
                            text=article["content"],
                            published=parse_published(article["date_extracted"][:10]),
                            source=article.get("source"),
                            url=url,
                            title=article.get("title"),
                        )


def clusters_by_url(store: Store) -> dict[str, set[int]]:
    rows = store.conn.execute(
        "SELECT d.url, e.cluster_id FROM events e JOIN documents d ON d.id = e.doc_id "
        "WHERE e.cluster_id IS NOT NULL"
    )
    out: dict[str, set[int]] = {}
    for url, cluster_id in rows:
        out.setdefault(url, set()).add(cluster_id)
    return out


def score_links(labels: Mapping[str, list[str]], clusters: Mapping[str, set[int]]) -> Report:
    """Pairwise precision/recall of the clusters against the labels."""
    label_of = {url: label for label, urls in labels.items() for url in urls}
    tp = fp = fn = 0
    errors = []
    for a, b in combinations(sorted(label_of), 2):
        gold = label_of[a] == label_of[b]
        predicted = bool(clusters.get(a, set()) & clusters.get(b, set()))
        if gold and predicted:
            tp += 1
        elif predicted:
            fp += 1
            errors.append(f"wrongly linked: {label_of[a]} {a} ~ {label_of[b]} {b}")
        elif gold:
            fn += 1
            errors.append(f"not linked: {label_of[a]} {a} ~ {b}")
    one_cluster = 0
    events = [label for label in labels if not label.startswith("distractor:")]
    for label in events:
        sets = [clusters[u] for u in labels[label] if u in clusters]
        if sets and set.intersection(*sets):
            one_cluster += 1
        else:
            errors.append(f"{label}: its reports are not in one cluster")
    without = sorted(url for url in label_of if url not in clusters)
    errors += [f"no event found: {label_of[u]} {u}" for u in without]
    metrics = {
        "pairs": PRF(tp, fp, fn).to_dict(),
        "events_in_one_cluster": one_cluster,
        "events": len(events),
        "articles": len(label_of),
        "articles_without_events": len(without),
    }
    return Report("links", metrics, tuple(errors))


_NOT_MERGED = (
    " (but another cluster, opened earlier or scoring higher, took it; clusters merge only "
    "when one report links both at {})"
)


def explain_outliers(
    store: Store, labels: Mapping[str, list[str]], options: LinkOptions = DEFAULT_LINK_OPTIONS
) -> list[str]:
    """For each labelled event, each report outside the cluster holding most of its reports,
    with the best link any of its events has to the events linking compares with (the
    cluster's first ``members_per_cluster``) and why it fell short: a ruled-out family, place
    or date, evidence under the threshold — or, when the score links, another cluster that took
    the report first (opened earlier or scoring higher) and was never merged."""
    by_url = clusters_by_url(store)
    lines = []
    for label, urls in labels.items():
        if label.startswith("distractor:"):
            continue
        tally = Counter(c for u in urls for c in by_url.get(u, ()))
        if not tally:
            continue
        main = min(tally, key=lambda c: (-tally[c], c))
        members = [k for c, k in _keys(store, cluster=main)][: options.members_per_cluster]
        for url in urls:
            if url in by_url and main not in by_url[url]:
                found = [
                    explain_link(k, m, options) for _, k in _keys(store, url=url) for m in members
                ]
                score, why = max(found, key=lambda f: f[0]) if found else (0.0, "no linked event")
                if score >= options.threshold:
                    why += _NOT_MERGED.format(options.merge_threshold)
                lines.append(f"outside cluster {main}: {label} {url}: {why}")
    return lines


def _keys(
    store: Store, *, cluster: int | None = None, url: str | None = None
) -> list[tuple[int, EventKey]]:
    sql = "SELECT k.* FROM link_keys k JOIN documents d ON d.id = k.doc_id WHERE "
    where, arg = ("k.cluster_id = ?", cluster) if cluster is not None else ("d.url = ?", url)
    rows = store.conn.execute(sql + where + " ORDER BY k.doc_n, k.idx", (arg,))
    return [(r["cluster_id"], key_from_row(r)) for r in rows]


def evaluate_links(
    labels_path: str | Path, corpus: str | Path, db: str | Path, *, pipeline: Pipeline | None = None
) -> Report:
    """Ingest the labelled articles into a new store at ``db`` and score the clusters."""
    labels = load_labels(labels_path)
    urls = {u for group in labels.values() for u in group}
    if Path(db).exists():
        raise InputError(f"{db}: exists; the evaluation needs a fresh database")
    with Store(db) as store:
        ingest_documents(store, read_articles(corpus, urls), pipeline=pipeline)
        report = score_links(labels, clusters_by_url(store))
        return replace(report, errors=report.errors + tuple(explain_outliers(store, labels)))
