"""The HTTP API through FastAPI's test client: routes, filters, figure history, errors, limits."""

from __future__ import annotations

import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from fastapi.testclient import TestClient

from rasd.api import ApiOptions, create_app
from rasd.api_backend import EventQuery, MemoryBackend
from rasd.cli.serve import read_token
from rasd.document import Document, iter_spans
from rasd.errors import InputError
from rasd.pipeline import Pipeline
from tests.web_fixtures import example_document, xss_document

TOKEN = "test-token-8f2c1d"


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline.default()


@pytest.fixture(scope="module")
def docs(example_text: str, pipeline: Pipeline) -> list[Document]:
    return [example_document(example_text, pipeline), xss_document(pipeline)]


@pytest.fixture
def client(docs: list[Document], pipeline: Pipeline) -> TestClient:
    app = create_app(backend=MemoryBackend(docs), token=TOKEN, pipeline=pipeline)
    return TestClient(app)


@pytest.fixture
def readonly(docs: list[Document], pipeline: Pipeline) -> TestClient:
    return TestClient(create_app(backend=MemoryBackend(docs), pipeline=pipeline))


def _killed_event(client: TestClient) -> dict[str, Any]:
    rows = client.get("/v1/events", params={"type": "ASSAULT", "country": "KZ"}).json()["events"]
    assert len(rows) == 1
    return rows[0]


# ----------------------------------------------------------------------------- analyze


def test_analyze_returns_the_analysed_document(client: TestClient, example_text: str) -> None:
    r = client.post("/v1/analyze", json={"text": example_text, "published": "2022-01-10"})
    assert r.status_code == 200
    body = r.json()
    doc = Document.from_dict(body)
    assert doc.text == example_text
    assert body["published"] == "2022-01-10"
    assert doc.sentences
    assert body["tokens"] == []
    assert all(doc.text[a.start : a.end] == a.surface for a in iter_spans(doc))


def test_analyze_can_include_tokens(client: TestClient) -> None:
    body = client.post("/v1/analyze", json={"text": "قتل 3 أشخاص", "tokens": True}).json()
    assert [t["surface"] for t in body["tokens"]] == ["قتل", "3", "أشخاص"]


def test_analyze_stores_nothing(client: TestClient) -> None:
    doc_id = client.post("/v1/analyze", json={"text": "نص لا يخزن"}).json()["id"]
    assert client.get(f"/v1/documents/{doc_id}").status_code == 404


@pytest.mark.parametrize(
    ("body", "status", "fragment"),
    [
        ({"text": ""}, 422, "body.text"),
        ({}, 422, "body.text"),
        ({"text": "نص", "published": "10/01/2022"}, 422, "body.published"),
        ({"text": 42}, 422, "body.text"),
        ([1, 2], 422, "invalid request"),
    ],
)
def test_analyze_rejects_bad_bodies(client: TestClient, body: Any, status: int, fragment: str):
    r = client.post("/v1/analyze", json=body)
    assert r.status_code == status
    assert fragment in r.json()["message"]


@pytest.mark.parametrize("raw", [b"{bad", b'{"text": "x"', b"\xff\xfe", b""])
def test_invalid_json_is_400_with_a_message(client: TestClient, raw: bytes) -> None:
    r = client.post("/v1/analyze", content=raw, headers={"content-type": "application/json"})
    assert r.status_code in (400, 422)
    assert r.json()["message"]


def test_oversize_body_is_413(docs: list[Document], pipeline: Pipeline) -> None:
    app = create_app(backend=MemoryBackend(docs), options=ApiOptions(max_body_bytes=1000))
    client = TestClient(app)
    r = client.post("/v1/analyze", json={"text": "ا" * 2000})
    assert r.status_code == 413
    assert "1000 bytes" in r.json()["message"]

    def chunks():  # no Content-Length: the limit applies while streaming
        for _ in range(10):
            yield b"x" * 500

    r = client.post("/v1/analyze", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert client.get("/v1/health").json()["status"] == "ok"


# ----------------------------------------------------------------------------- writes


def test_writes_need_the_token(client: TestClient) -> None:
    body = {"documents": [{"text": "تظاهر مئات في عمان", "published": "2022-01-03"}]}
    assert client.post("/v1/documents", json=body).status_code == 401
    wrong = {"Authorization": "Bearer nope"}
    r = client.post("/v1/documents", json=body, headers=wrong)
    assert r.status_code == 401
    assert "token" in r.json()["message"]
    right = {"Authorization": f"Bearer {TOKEN}"}
    r = client.post("/v1/documents", json=body, headers=right)
    assert r.status_code == 200
    (doc_id,) = r.json()["added"]
    assert client.get(f"/v1/documents/{doc_id}").json()["text"] == "تظاهر مئات في عمان"
    again = client.post("/v1/documents", json=body, headers=right).json()
    assert again["unchanged"] == [doc_id]


def test_writes_are_disabled_without_a_token(readonly: TestClient) -> None:
    r = readonly.post(
        "/v1/documents",
        json={"documents": [{"text": "نص"}]},
        headers={"Authorization": "Bearer anything"},
    )
    assert r.status_code == 403
    assert "RASD_API_TOKEN" in r.json()["message"]
    assert readonly.get("/v1/health").json()["writes"] is False


def test_too_many_documents_in_one_request(client: TestClient) -> None:
    body = {"documents": [{"text": f"نص {i}"} for i in range(101)]}
    r = client.post("/v1/documents", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 400
    assert "batches" in r.json()["message"]


# ----------------------------------------------------------------------------- events


@pytest.mark.parametrize(
    ("params", "types"),
    [
        ({}, ["ASSAULT", "ASSAULT", "COERCE", "PROTEST"]),
        ({"type": "protest"}, ["PROTEST"]),
        ({"country": "kz"}, ["ASSAULT", "COERCE", "PROTEST"]),
        ({"place": "ألماتي"}, ["PROTEST"]),
        ({"place": "Almaty"}, ["PROTEST"]),
        ({"since": "2022-01-09"}, ["ASSAULT", "COERCE"]),
        ({"until": "2022-01-08"}, ["ASSAULT", "PROTEST"]),
        ({"min_killed": 40}, ["ASSAULT"]),
        ({"min_killed": 1000}, []),
    ],
)
def test_event_filters(client: TestClient, params: dict[str, Any], types: list[str]) -> None:
    body = client.get("/v1/events", params=params).json()
    assert sorted(e["type"] for e in body["events"]) == types
    assert body["total"] == len(types)


def test_event_pagination(client: TestClient) -> None:
    first = client.get("/v1/events", params={"limit": 2}).json()
    second = client.get("/v1/events", params={"limit": 2, "offset": 2}).json()
    assert first["total"] == second["total"] == 4
    ids = [e["id"] for e in first["events"] + second["events"]]
    assert len(set(ids)) == 4
    dates = [e["date"] for e in first["events"] + second["events"]]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"limit": 501}, 400),
        ({"limit": 0}, 422),
        ({"limit": 10**9}, 422),
        ({"offset": -1}, 422),
        ({"since": "yesterday"}, 422),
        ({"min_killed": "many"}, 422),
        ({"country": "' OR 1=1 --"}, 422),
    ],
)
def test_event_query_errors(client: TestClient, params: dict[str, Any], status: int) -> None:
    r = client.get("/v1/events", params=params)
    assert r.status_code == status
    assert r.json()["message"]


def test_event_page_has_the_figure_history(client: TestClient) -> None:
    row = _killed_event(client)
    assert (row["killed"], row["injured"], row["place_en"]) == (42, 200, "Kazakhstan")
    detail = client.get(f"/v1/events/{row['id']}").json()
    assert detail["event"]["id"] == row["id"]
    figures = {f["role"]: f for f in detail["figures"]}
    killed = figures["killed"]
    assert sorted(f["value"] for f in killed["history"]) == [16, 16, 26, 164]
    retracted = [f for f in killed["history"] if f["retracted"]]
    assert [(f["value"], f["stance"], f["via"]) for f in retracted] == [(164, "retract", "تلغرام")]
    assert killed["estimate"] == 42
    assert killed["rule"]
    assert figures["injured"]["estimate"] == 200
    assert detail["reports"][0]["doc_id"] == row["id"].split(":")[0]


@pytest.mark.parametrize(
    "path",
    [
        "/v1/events/no-such-event",
        "/v1/documents/0000000000000000",
        "/v1/documents/..%2F..%2Fetc%2Fpasswd",
        "/v1/documents/../../etc/passwd",
        "/v1/../../etc/passwd",
        "/../../../etc/passwd",
        "/v1/nothing-here",
    ],
)
def test_unknown_and_traversal_paths_are_404(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 404
    assert r.json()["message"]


@pytest.mark.parametrize("doc_id", ["' OR 1=1 --", "x; DROP TABLE documents", "a" * 200])
def test_sql_ish_ids_are_refused(client: TestClient, doc_id: str) -> None:
    r = client.get(f"/v1/documents/{doc_id}")
    assert r.status_code in (404, 422)
    assert client.get("/v1/events").status_code == 200


# ----------------------------------------------------------------------------- documents, search


def test_document_round_trips(client: TestClient, docs: list[Document]) -> None:
    body = client.get(f"/v1/documents/{docs[0].id}").json()
    doc = Document.from_dict(body)
    assert doc.text == docs[0].text
    assert doc.events == docs[0].events
    assert doc.claims == docs[0].claims


@pytest.mark.parametrize(
    ("q", "found"),
    [("ألماتي", 1), ("الماتي", 1), ("بغداد", 1), ("نيويورك", 0), ("' OR 1=1 --", 0), ("*", 0)],
)
def test_search(client: TestClient, q: str, found: int) -> None:
    r = client.get("/v1/search", params={"q": q})
    assert r.status_code == 200
    assert len(r.json()["results"]) == found


def test_search_needs_a_query(client: TestClient) -> None:
    assert client.get("/v1/search").status_code == 422
    assert client.get("/v1/search", params={"q": "x" * 201}).status_code == 422


# ----------------------------------------------------------------------------- export


def test_export_jsonl_and_geojson(client: TestClient) -> None:
    r = client.get("/v1/export", params={"format": "jsonl"})
    assert r.status_code == 200
    assert len(r.text.splitlines()) == 4
    geo = client.get("/v1/export", params={"format": "geojson"}).json()
    assert geo["type"] == "FeatureCollection"
    assert all(f["geometry"]["type"] == "Point" for f in geo["features"])
    assert client.get("/v1/export", params={"format": "../../etc/passwd"}).status_code == 422


# ----------------------------------------------------------------------------- the server itself


def test_openapi_schema_lists_every_route(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/v1/analyze", "/v1/documents", "/v1/events", "/v1/events/{event_id}",
                 "/v1/documents/{doc_id}", "/v1/search", "/v1/export"):  # fmt: skip
        assert path in paths


def test_dashboard_is_served_with_a_strict_policy(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert '<script src="app.js"' in r.text
    assert "http" not in r.text.replace("http-equiv", "")  # nothing from the internet
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert client.get("/world.json").json()["countries"]


def test_cors_is_off_by_default(client: TestClient, docs: list[Document]) -> None:
    preflight = {"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"}
    r = client.get("/v1/events", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in r.headers
    allowed = create_app(
        backend=MemoryBackend(docs), options=ApiOptions(cors_origins=("https://a.example",))
    )
    r = TestClient(allowed).options(
        "/v1/events", headers={**preflight, "Origin": "https://a.example"}
    )
    assert r.headers["access-control-allow-origin"] == "https://a.example"


class BrokenBackend(MemoryBackend):
    def get_document(self, doc_id: str) -> dict[str, Any] | None:
        raise RuntimeError("disk on fire")


def test_an_unexpected_error_is_a_json_500_without_details(docs: list[Document]) -> None:
    client = TestClient(create_app(backend=BrokenBackend(docs)), raise_server_exceptions=False)
    r = client.get(f"/v1/documents/{docs[0].id}")
    assert r.status_code == 500
    assert r.json()["message"].startswith("internal error")
    assert "fire" not in r.text
    assert client.get("/v1/health").status_code == 200


class SlowBackend(MemoryBackend):
    def list_events(self, query: EventQuery) -> tuple[int, list[dict[str, Any]]]:
        time.sleep(0.5)
        return super().list_events(query)


def test_slow_queries_are_cut_off(docs: list[Document]) -> None:
    app = create_app(backend=SlowBackend(docs), options=ApiOptions(query_timeout_s=0.05))
    client = TestClient(app)
    r = client.get("/v1/events")
    assert r.status_code == 503
    assert "longer than" in r.json()["message"]
    assert client.get("/v1/health").status_code == 200


# ----------------------------------------------------------------------------- rasd serve


def test_token_comes_from_file_or_environment(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("RASD_API_TOKEN", "from-env")
    assert read_token(None) == "from-env"
    token_file = tmp_path / "token"
    token_file.write_text("from-file\n", encoding="utf-8")
    assert read_token(token_file) == "from-file"
    monkeypatch.delenv("RASD_API_TOKEN")
    assert read_token(None) is None
    token_file.write_text("  \n", encoding="utf-8")
    with pytest.raises(InputError, match="empty"):
        read_token(token_file)
    with pytest.raises(InputError, match="cannot read"):
        read_token(tmp_path / "missing")


# ----------------------------------------------------------------------------- properties


@given(text=st.text(min_size=1, max_size=300))
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_analyze_any_text_keeps_offsets(client: TestClient, text: str) -> None:
    r = client.post("/v1/analyze", json={"text": text})
    assert r.status_code == 200, r.text
    doc = Document.from_dict(r.json())
    assert doc.text == text
    assert all(doc.text[a.start : a.end] == a.surface for a in iter_spans(doc))


@given(q=st.text(max_size=60))
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_query_string_is_answered_without_a_server_error(client: TestClient, q: str) -> None:
    for path in ("/v1/search", "/v1/events"):
        r = client.get(path, params={"q": q, "place": q, "type": q[:40]})
        assert r.status_code < 500, r.text
        assert r.headers["content-type"].startswith("application/json")


def test_export_formats_match_the_schema(client: TestClient) -> None:
    from rasd.api_backend import EXPORT_FORMATS

    params = client.get("/openapi.json").json()["paths"]["/v1/export"]["get"]["parameters"]
    (fmt,) = [p for p in params if p["name"] == "format"]
    assert tuple(fmt["schema"]["enum"]) == EXPORT_FORMATS
