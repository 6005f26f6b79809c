"""Cross-outlet clustering on real SaudiNewsNet reports (tests/data/store_clusters.json): each
labelled event becomes one cluster holding the reports' differing tolls; pairwise precision and
recall stay above the floors in floors/links.json."""

from __future__ import annotations

import pytest

from rasd.evaluate import check_floors
from rasd.evaluate.links import clusters_by_url, load_labels, read_articles, score_links
from rasd.ingest import ingest_documents
from rasd.queries import cluster_figures
from rasd.store import Store
from tests.conftest import ROOT, shared_path

pytest.importorskip("rasd.events", reason="needs the events stage")

LABELS = ROOT / "tests" / "data" / "store_clusters.json"


@pytest.fixture(scope="module")
def clustered(tmp_path_factory):
    corpus = shared_path("data", "news-saudinewsnet", "dataset")
    labels = load_labels(LABELS)
    urls = {u for group in labels.values() for u in group}
    store = Store(tmp_path_factory.mktemp("snn") / "rasd.db")
    ingest_documents(store, read_articles(corpus, urls))
    yield store, labels
    store.close()


def test_pairwise_scores_hold_their_floors(clustered):
    store, labels = clustered
    report = score_links(labels, clusters_by_url(store))
    assert check_floors(report, ROOT / "floors" / "links.json") == []


@pytest.mark.parametrize(
    "event",
    [
        "abha-mosque-bombing-2015-08-06",
        "suruc-bombing-2015-07-20",
        "diyarbakir-car-bomb-2015-07-25",
        "dhahran-aljanoub-border-shelling-2015-07-30",
        "sirnak-pkk-attack-2015-07-30",
    ],
)
def test_each_event_is_one_cluster_with_differing_tolls(clustered, event):
    store, labels = clustered
    by_url = clusters_by_url(store)
    sets = [by_url[u] for u in labels[event] if u in by_url]
    assert len(sets) >= 3, "most reports of the event yield events"
    shared = set.intersection(*sets)
    assert shared, f"{event}: reports spread over clusters {sets}"
    history = cluster_figures(store, min(shared))
    killed = {f.value for f in history.figures if f.role == "killed"}
    outlets = {f.outlet for f in history.figures}
    assert len(outlets) >= 2
    assert len(killed) >= 2, f"{event}: the differing tolls are kept ({killed})"
