"""Golden test: the example article through the full pipeline into the store
(expected-facts.md, figure history for "killed")."""

from __future__ import annotations

import pytest

from rasd.ingest import ingest
from rasd.queries import get_cluster, list_events
from rasd.store import Store
from tests.conftest import EXAMPLE_TEXT

pytest.importorskip("rasd.events", reason="needs the events stage")
pytest.importorskip("rasd.claims", reason="needs the claims stage")


@pytest.fixture(scope="module")
def detail(tmp_path_factory):
    path = tmp_path_factory.mktemp("golden") / "rasd.db"
    with Store(path) as store:
        report = ingest(store, [EXAMPLE_TEXT])
        assert report.stored == 1
        events = list_events(store)
        assert events, "the example gives at least one event cluster"
        main = max(events, key=lambda e: e.killed or 0)
        return get_cluster(store, main.id)


def test_conservative_killed_is_42(detail):
    killed = detail.history.estimate("killed")
    assert killed is not None
    assert killed.acled == 42
    assert killed.by_scope.get("protesters") == 26
    assert killed.by_scope.get("security forces") == 16


def test_injured_200_and_detained_8000(detail):
    assert detail.history.estimate("injured").acled == 200
    assert detail.history.estimate("detained").acled == 8000


def test_164_is_shown_as_retracted_and_excluded(detail):
    shown = [f for f in detail.history.figures if f.value == 164]
    assert shown
    assert all(not f.credible for f in shown)
    assert detail.history.estimate("killed").high < 164


def test_place_is_kazakhstan(detail):
    assert detail.cluster.country == "KZ"
