"""Property-based run of schemathesis against the served OpenAPI schema: no server errors.

Every operation gets a bounded number of generated requests (valid and invalid); the checks are
no 5xx, and status codes, content types and response bodies that match the schema. Writes run
with the token so the ingest path is exercised too.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

schemathesis = pytest.importorskip("schemathesis")
pytest.importorskip("fastapi")

from rasd.api import create_app  # noqa: E402
from rasd.api_backend import MemoryBackend  # noqa: E402
from rasd.pipeline import Pipeline  # noqa: E402
from tests.conftest import EXAMPLE_TEXT  # noqa: E402
from tests.web_fixtures import example_document, xss_document  # noqa: E402

TOKEN = "schema-test-token"


PIPELINE = Pipeline.default()
DOCS = [
    example_document(EXAMPLE_TEXT.read_text(encoding="utf-8"), PIPELINE),
    xss_document(PIPELINE),
]
SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))


def _store_app():
    """The same documents in a real store (in a temporary folder), when the store is built."""
    from rasd.store import Store

    folder = tempfile.mkdtemp(prefix="rasd-schema-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    with Store(Path(folder) / "rasd.db") as store:
        for doc in DOCS:
            store.add_document(doc)
    return create_app(Path(folder) / "rasd.db", token=TOKEN, pipeline=PIPELINE)


memory_app = create_app(backend=MemoryBackend(DOCS), token=TOKEN, pipeline=PIPELINE)
schema = schemathesis.openapi.from_asgi("/openapi.json", memory_app)


@schema.parametrize()
@SETTINGS
def test_no_server_errors(case) -> None:
    _call(case)


store_schema = schemathesis.openapi.from_asgi("/openapi.json", _store_app())


@store_schema.parametrize()
@SETTINGS
def test_no_server_errors_on_the_store(case) -> None:
    _call(case)


def _call(case) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {TOKEN}"},
        checks=[
            schemathesis.checks.not_a_server_error,
            schemathesis.checks.status_code_conformance,
            schemathesis.checks.content_type_conformance,
            schemathesis.checks.response_schema_conformance,
        ],
    )
