"""The dashboard in headless Chromium (Debian's ``chromium`` driven by Playwright).

A real server (uvicorn on a loopback port) over the example article with hand-built events, a few
SaudiNewsNet articles and an XSS article. Checks the events table, sorting and filters, the map,
the timeline, the event page (figure history, retracted figure struck through, estimate), the
article page highlights, and that markup in article text is shown as text and never runs.
Screenshots go to ``$RASD_SCREENSHOTS`` or a pytest temporary folder (never committed).

Skipped only when Chromium is absent on a developer's machine; under CI it must run.
"""

from __future__ import annotations

import json
import os
import shutil
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rasd.api import create_app
from rasd.api_backend import MemoryBackend
from rasd.document import Document
from rasd.pipeline import Pipeline
from rasd.store import Store
from tests.conftest import shared_path
from tests.web_fixtures import (
    XSS_TEXT,
    example_document,
    saudinewsnet_documents,
    serve_in_thread,
    xss_document,
)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-extensions",
    "--no-first-run",
]


def _need_browser() -> Any:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(
                "chromium is not installed: .ci/run must install it (apt-get install chromium)"
            )
        pytest.skip("chromium not installed (apt-get install -y chromium)")
    if os.environ.get("CI"):
        import playwright  # noqa: F401 - must be installed in CI: a missing one fails here
    return pytest.importorskip("playwright.sync_api")


def _app(kind: str, docs: list[Document], pipeline: Pipeline, folder: Path) -> Any:
    if kind == "memory":
        return create_app(backend=MemoryBackend(docs), pipeline=pipeline)
    with Store(folder / "rasd.db") as store:
        for doc in docs:
            store.add_document(doc)
    return create_app(folder / "rasd.db", pipeline=pipeline)


# The real store (the in-memory backend serves the same JSON shapes; pass "memory" to see it).
@pytest.fixture(scope="module", params=["store"])
def server(
    request: pytest.FixtureRequest, example_text: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    pipeline = Pipeline.default()
    example = example_document(example_text, pipeline)
    zip_path = shared_path("data", "news-saudinewsnet", "dataset", "2015-08-07.zip")
    docs = [example, xss_document(pipeline), *saudinewsnet_documents(zip_path, 3, pipeline)]
    app = _app(request.param, docs, pipeline, tmp_path_factory.mktemp("store"))
    with serve_in_thread(app) as (host, port):
        yield {"url": f"http://{host}:{port}/", "docs": docs, "kind": request.param}


@pytest.fixture(scope="module")
def page(server: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    sync_api = _need_browser()
    shots = Path(os.environ.get("RASD_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    shots.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 1000})
        page = context.new_page()
        page.dialogs = []  # any alert() from injected markup lands here
        page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
        page.errors = []
        page.on("pageerror", lambda err: page.errors.append(str(err)))
        external: list[str] = []
        page.on(
            "request", lambda req: external.append(req.url) if "127.0.0.1" not in req.url else None
        )
        page.shots = shots
        page.external = external
        yield page
        browser.close()
    print(f"screenshots in {shots}")


def _open(page: Any, server: dict[str, Any], route: str) -> None:
    page.goto(server["url"] + route)


def _api(server: dict[str, Any], path: str) -> Any:
    with urllib.request.urlopen(server["url"] + path, timeout=30) as response:
        return json.loads(response.read())


def test_events_table_map_and_timeline(page: Any, server: dict[str, Any]) -> None:
    events = _api(server, "v1/events?limit=500")["events"]
    assert len(events) >= 3
    _open(page, server, "#/")
    page.wait_for_selector("table#events tbody tr[data-id]")
    rows = page.locator("table#events tbody tr[data-id]")
    assert rows.count() == len(events)
    table = page.locator("table#events").inner_text()
    assert "Kazakhstan" in table  # English label ...
    assert "كازاخستان" in table  # ... beside the Arabic surface form
    assert "ASSAULT" in table
    assert page.locator("#map-svg path.land").count() > 150
    placed = [e for e in events if e["lat"] is not None and e["lon"] is not None]
    assert page.locator("#map-svg circle.point").count() == len(placed) >= 2
    radius = dict(page.locator("#map-svg circle.point").evaluate_all(
        "cs => cs.map(c => [c.dataset.id, parseFloat(c.getAttribute('r'))])"))  # fmt: skip
    by_killed = sorted(placed, key=lambda e: e["killed"] or 0)
    assert radius[by_killed[0]["id"]] < radius[by_killed[-1]["id"]]  # sized by fatalities
    days = {e["date"][:10] for e in events if e["date"]}
    assert page.locator("#timeline-events rect.bar").count() >= len(days)
    assert page.locator("#timeline-killed rect.bar").count() >= 2
    page.screenshot(path=str(page.shots / f"events-{server['kind']}.png"), full_page=True)
    assert not page.errors
    assert not page.external


def test_table_sorts_and_filters(page: Any, server: dict[str, Any]) -> None:
    expect = _need_browser().expect
    _open(page, server, "#/")
    page.wait_for_selector("table#events tbody tr[data-id]")
    page.click("th[data-key=killed]")
    page.click("th[data-key=killed]")  # descending
    first = page.locator("table#events tbody tr[data-id]").first
    assert "42" in first.inner_text()
    protests = _api(server, "v1/events?type=PROTEST")["events"]
    page.fill("#filters input[name=type]", "PROTEST")
    page.click("#filters button[type=submit]")
    expect(page.locator("table#events tbody tr[data-id]")).to_have_count(len(protests))
    assert "PROTEST" in page.locator("table#events").inner_text()


def test_event_page_shows_the_figure_history(page: Any, server: dict[str, Any]) -> None:
    killed_rows = _api(server, "v1/events?country=KZ&min_killed=1")["events"]
    event_id = max(killed_rows, key=lambda e: e["killed"])["id"]
    detail = _api(server, f"v1/events/{urllib.parse.quote(event_id)}")
    _open(page, server, "#/?country=KZ&min_killed=1")
    page.wait_for_selector("table#events tbody tr[data-id] a")
    page.locator(f"table#events tbody tr[data-id='{event_id}'] a").first.click()
    page.wait_for_selector("#figures .figure[data-role=killed] tbody tr")
    killed = page.locator("#figures .figure[data-role=killed]")
    assert killed.locator("tbody tr").count() == 4  # 16, 164 (retracted), 26, 16
    retracted = killed.locator("tbody tr.retracted")
    assert retracted.count() == 1
    assert "164" in retracted.inner_text()
    assert "تلغرام" in retracted.inner_text()
    style = retracted.locator("td").first.evaluate("td => getComputedStyle(td).textDecorationLine")
    assert "line-through" in style
    assert "Conservative estimate: 42" in killed.locator(".estimate").inner_text()
    assert "rule:" in killed.locator(".estimate").inner_text()
    assert page.locator("#reports li a").count() == len(detail["reports"]) >= 1
    page.screenshot(path=str(page.shots / f"event-{server['kind']}.png"), full_page=True)
    page.locator("#reports li a").first.click()
    page.wait_for_selector("#article-text")


def test_article_page_highlights_by_kind(page: Any, server: dict[str, Any]) -> None:
    example = server["docs"][0]
    _open(page, server, f"#/doc/{example.id}")
    page.wait_for_selector("#article-text .hl")
    article = page.locator("#article-text")
    assert article.get_attribute("dir") == "rtl"
    assert article.inner_text().replace("\n", "") == example.text.replace("\n", "")
    for field, kind in (("entities", "entity"), ("times", "time"), ("quantities", "quantity"),
                        ("events", "event")):  # fmt: skip
        if getattr(example, field):
            assert page.locator(f"#article-text [data-kinds~={kind}]").count() >= 1, kind
    resolved = [t for t in example.times if t.value]
    if resolved:  # hover on a date shows its normalised value
        titles = page.locator("#article-text [data-kinds~=time]").evaluate_all(
            "spans => spans.map(s => s.title)"
        )
        assert any(resolved[0].value in title for title in titles)
    almaty = page.locator("#article-text .hl-entity", has_text="ألماتي").first
    assert "Almaty" in almaty.get_attribute("title")
    assert "rasd:city:kz:almaty" in almaty.get_attribute("title")
    page.screenshot(path=str(page.shots / f"article-{server['kind']}.png"), full_page=True)


def test_xss_article_is_shown_as_text(page: Any, server: dict[str, Any]) -> None:
    xss = server["docs"][1]
    _open(page, server, "#/")
    page.wait_for_selector("table#events tbody tr[data-id]")
    table = page.locator("table#events")
    assert 'onerror="window.__xss = 2"' in table.inner_text()
    assert "<img src=x onerror=alert(3)>" in table.inner_text()
    _open(page, server, f"#/doc/{xss.id}")
    page.wait_for_selector("#article-text")
    assert page.locator("#article-text").inner_text() == XSS_TEXT
    assert page.locator("#main script, #main img").count() == 0
    _open(page, server, "#/")
    page.locator("table#events tbody tr", has_text="<script>").locator("a").first.click()
    page.wait_for_selector("#figures .figure")
    assert "<script>" in page.locator("#event-summary").inner_text()
    page.screenshot(path=str(page.shots / f"xss-{server['kind']}.png"), full_page=True)
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.dialogs == []


def test_analyze_form_renders_the_result(page: Any, server: dict[str, Any]) -> None:
    _open(page, server, "#/analyze")
    page.fill("#analyze-text", "قتل 3 أشخاص في انفجار <b>ببغداد</b>")
    page.click("#main button[type=submit]")
    page.wait_for_selector("#analyze-out #article-text")
    assert "<b>ببغداد</b>" in page.locator("#article-text").inner_text()
    assert page.evaluate("typeof window.__xss") == "undefined"
