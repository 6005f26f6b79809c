"""Cross-outlet clustering on real SaudiNewsNet reports (tests/data/store_clusters.json): each
labelled event becomes one cluster holding the reports' differing tolls; pairwise precision and
recall stay above the floors in floors/links.json."""

from __future__ import annotations

from itertools import combinations

import pytest

from rasd.evaluate import check_floors
from rasd.evaluate.links import (
    clusters_by_url,
    explain_outliers,
    load_labels,
    read_articles,
    score_links,
)
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


EVENTS = [
    "abha-mosque-bombing-2015-08-06",
    "suruc-bombing-2015-07-20",
    "diyarbakir-car-bomb-2015-07-25",
    "dhahran-aljanoub-border-shelling-2015-07-30",
    "sirnak-pkk-attack-2015-07-30",
]


def _event_cluster(store, urls):
    """The one cluster that holds every report of the event (None when there is none)."""
    by_url = clusters_by_url(store)
    shared = set.intersection(*(by_url.get(u, set()) for u in urls))
    return min(shared) if shared else None


@pytest.mark.parametrize("event", EVENTS)
def test_each_event_is_one_cluster(clustered, event):
    """Every report of the event, whatever outlet, spelling of the place (سوروتش / سروج), or
    town it was filed from (نجران for ظهران الجنوب), meets the others in one cluster."""
    store, labels = clustered
    assert _event_cluster(store, labels[event]) is not None, explain_outliers(store, labels)


@pytest.mark.parametrize("event", EVENTS)
def test_each_event_keeps_the_differing_tolls_of_its_reports(clustered, event):
    store, labels = clustered
    cluster_id = _event_cluster(store, labels[event])
    assert cluster_id is not None
    history = cluster_figures(store, cluster_id)
    casualties = [f for f in history.figures if f.role in {"killed", "injured"}]
    assert len({f.outlet for f in casualties}) >= 2
    assert len({(f.role, f.value) for f in casualties}) >= 2, "conflicting tolls are all kept"


def test_distractors_stay_apart_from_the_events(clustered):
    """Hard negatives (another attack the same day in Najran, a policeman shot in Qatif, police
    killed in Adana) share no cluster with the labelled events."""
    store, labels = clustered
    by_url = clusters_by_url(store)
    clusters_of = {
        label: set().union(*(by_url.get(u, set()) for u in urls)) for label, urls in labels.items()
    }
    for a, b in combinations(sorted(clusters_of), 2):
        assert not clusters_of[a] & clusters_of[b], (a, b)
