"""The API over the real SQLite store: a store built from the example (hand-built events) and an
XSS article, served by `create_app(db_path)`."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient

from rasd.api import ApiOptions, create_app
from rasd.document import Document
from rasd.pipeline import Pipeline
from rasd.store import Store
from tests.web_fixtures import example_document, xss_document

TOKEN = "store-test-token"


@pytest.fixture(scope="module")
def docs(example_text: str) -> list[Document]:
    pipeline = Pipeline.default(until="text")
    return [example_document(example_text, pipeline), xss_document(pipeline)]


@pytest.fixture(scope="module")
def db(docs: list[Document], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store") / "rasd.db"
    with Store(path) as store:
        for doc in docs:
            store.add_document(doc)
    return path


@pytest.fixture(scope="module")
def client(db: Path) -> TestClient:
    return TestClient(create_app(db, token=TOKEN, pipeline=Pipeline.default(until="text")))


def _kz_killed(client: TestClient) -> dict[str, Any]:
    rows = client.get("/v1/events", params={"country": "KZ", "min_killed": 1}).json()["events"]
    assert rows, "no Kazakhstan event with fatalities in the store"
    return max(rows, key=lambda r: r["killed"] or 0)


def test_health_names_the_store(client: TestClient) -> None:
    assert client.get("/v1/health").json()["backend"] == "StoreBackend"


def test_events_come_from_the_store(client: TestClient) -> None:
    body = client.get("/v1/events").json()
    assert body["total"] >= 3
    assert {"ASSAULT", "PROTEST"} <= {e["type"] for e in body["events"]}
    page = client.get("/v1/events", params={"limit": 1, "offset": 1}).json()
    assert page["events"] == body["events"][1:2]


def test_event_figure_history_from_the_store(client: TestClient) -> None:
    row = _kz_killed(client)
    assert row["killed"] == 42
    detail = client.get(f"/v1/events/{row['id']}").json()
    killed = next(f for f in detail["figures"] if f["role"] == "killed")
    assert killed["estimate"] == 42
    assert "ACLED" in killed["rule"]
    retracted = [f for f in killed["history"] if f["retracted"]]
    assert [f["value"] for f in retracted] == [164]
    assert detail["reports"]
    assert client.get("/v1/events/999999").status_code == 404
    assert client.get("/v1/events/not-a-number").status_code == 404


def test_document_and_search(client: TestClient, docs: list[Document]) -> None:
    doc = Document.from_dict(client.get(f"/v1/documents/{docs[0].id}").json())
    assert doc.text == docs[0].text
    assert client.get("/v1/documents/0000000000000000").status_code == 404
    hits = client.get("/v1/search", params={"q": "ألماتي"}).json()["results"]
    assert [h["id"] for h in hits] == [docs[0].id]
    r = client.get("/v1/search", params={"q": "' OR 1=1 --"})
    assert r.status_code in (200, 400)


@pytest.mark.parametrize("fmt", ["jsonl", "geojson", "acled-csv", "plover-json"])
def test_exports(client: TestClient, fmt: str) -> None:
    r = client.get("/v1/export", params={"format": fmt})
    assert r.status_code == 200
    assert r.text.strip()


def test_ingest_through_the_api(client: TestClient) -> None:
    body = {"documents": [{"text": "تظاهر مئات في عمان احتجاجا على الأسعار"}]}
    assert client.post("/v1/documents", json=body).status_code == 401
    r = client.post("/v1/documents", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 200
    (doc_id,) = r.json()["added"]
    assert client.get(f"/v1/documents/{doc_id}").status_code == 200


def test_blank_urls_are_not_revisions_of_each_other(client: TestClient) -> None:
    body = {"documents": [{"text": f"نص رقم {i}", "url": "", "title": " "} for i in range(3)]}
    r = client.post("/v1/documents", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 200, r.text
    assert len(r.json()["added"]) == 3


def test_a_query_past_its_deadline_is_interrupted(db: Path) -> None:
    from rasd.api_store import StoreBackend

    class CheckedOften(StoreBackend):
        progress_steps = 1  # a tiny test store answers within the default step count

    backend = CheckedOften(db, query_timeout_s=-1.0)  # every query is already late
    with pytest.raises(TimeoutError, match="longer than"):
        backend.search("كازاخستان", limit=10, offset=0)
    app = create_app(db, options=ApiOptions(query_timeout_s=-1.0))
    r = TestClient(app).get("/v1/search", params={"q": "كازاخستان"})
    assert r.status_code == 503
    assert "longer than" in r.json()["message"]


def test_listing_cache_sees_new_documents(db: Path, docs: list[Document]) -> None:
    from rasd.api_backend import EventQuery
    from rasd.api_store import StoreBackend

    backend = StoreBackend(db)
    before = backend.list_events(EventQuery())
    assert backend.list_events(EventQuery()) == before  # served from the cache
    # Another report of the XSS article's event: linked into its cluster, one more report.
    extra = dataclasses.replace(docs[1], text=docs[1].text + " ", id="", title="another report")
    with Store(db) as store:
        store.add_document(extra)
    after = backend.list_events(EventQuery())
    assert sum(e["reports"] for e in after[1]) == sum(e["reports"] for e in before[1]) + 1
