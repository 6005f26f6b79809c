"""Property-based run of schemathesis against the served OpenAPI schema: no server errors.

Every operation gets a bounded number of generated requests (valid and invalid); the checks are
no 5xx, and status codes, content types and response bodies that match the schema. Writes run
with the token so the ingest path is exercised too.
"""

from __future__ import annotations

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


def _app():
    pipeline = Pipeline.default()
    example = example_document(EXAMPLE_TEXT.read_text(encoding="utf-8"), pipeline)
    backend = MemoryBackend([example, xss_document(pipeline)])
    return create_app(backend=backend, token=TOKEN, pipeline=pipeline)


schema = schemathesis.openapi.from_asgi("/openapi.json", _app())


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_errors(case) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {TOKEN}"},
        checks=[
            schemathesis.checks.not_a_server_error,
            schemathesis.checks.status_code_conformance,
            schemathesis.checks.content_type_conformance,
            schemathesis.checks.response_schema_conformance,
        ],
    )
