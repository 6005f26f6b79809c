"""The HTTP API and the dashboard: a FastAPI skin over the library and the store.

``create_app(db_path)`` builds the app; ``rasd serve`` runs it under uvicorn. Every route calls one
library function (`rasd.pipeline` for ``/v1/analyze``, a `rasd.api_backend.Backend` for the rest)
and returns its JSON. Errors are JSON ``{"status": 4xx, "message": "..."}``. Limits: request body
size, page size and query time are bounded by `ApiOptions`; writes need a bearer token and are
disabled when none is configured; CORS is off unless origins are given. The dashboard (static
files in ``rasd/web``) is served at ``/`` and needs nothing from the internet.
"""

import asyncio
import hmac
import json
import logging
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path as FilePath
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Depends, FastAPI, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rasd import __version__
from rasd.api_backend import Backend, EventQuery, open_backend
from rasd.document import Document
from rasd.errors import InputError, RasdError, StoreError
from rasd.pipeline import Pipeline, Skip, default_pipeline, make_document

log = logging.getLogger(__name__)

WEB_DIR = FilePath(__file__).parent / "web"
HARD_MAX_PAGE = 1000
ID_PATTERN = r"^[A-Za-z0-9_.:\-]{1,128}$"
T = TypeVar("T")

# Served with every response: the dashboard loads only its own files (no CDN, no inline script).
SECURITY_HEADERS = {
    "content-security-policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
    "script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


@dataclass(frozen=True, slots=True)
class ApiOptions:
    """Limits and switches of the API (one frozen object, passed explicitly)."""

    max_body_bytes: int = 2_000_000
    max_page_size: int = 500
    default_page_size: int = 50
    query_timeout_s: float = 10.0
    max_documents_per_request: int = 100
    cors_origins: tuple[str, ...] = ()


class Article(BaseModel):
    """One article to analyse or ingest."""

    text: str = Field(min_length=1, max_length=1_000_000, description="the article's text")
    published: date | None = Field(None, description="publication date, ISO 8601")
    source: str | None = Field(None, max_length=500, description="outlet")
    url: str | None = Field(None, max_length=2000)
    title: str | None = Field(None, max_length=2000)


class AnalyzeRequest(Article):
    tokens: bool = Field(False, description="include tokens in the output")


class IngestRequest(BaseModel):
    documents: list[Article] = Field(min_length=1, max_length=1000)


class ErrorBody(BaseModel):
    status: int
    message: str


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (400, 401, 403, 404, 413, 422, 503)
}


# --------------------------------------------------------------------------- the app


def create_app(
    db_path: str | FilePath | None = None,
    *,
    token: str | None = None,
    backend: Backend | None = None,
    options: ApiOptions | None = None,
    pipeline: Pipeline | None = None,
) -> FastAPI:
    """The API and dashboard over the store at ``db_path`` (or the given ``backend``).

    ``token`` enables writes (``POST /v1/documents``) for requests bearing it; without one the
    server is read-only. ``pipeline`` defaults to the library's default pipeline.
    """
    options = options or ApiOptions()
    app = FastAPI(
        title="rasd",
        version=__version__,
        description="Arabic news to structured, sourced event data. Offline; read-only unless "
        "started with a token.",
        docs_url=None,  # Swagger UI and ReDoc load from a CDN: the schema is at /openapi.json
        redoc_url=None,
    )
    if backend is None:
        backend = open_backend(db_path, query_timeout_s=options.query_timeout_s)
    app.state.backend = backend
    app.state.token = token.strip() if token and token.strip() else None
    app.state.options = options
    app.state.pipeline = pipeline
    app.state.write_lock = threading.Lock()
    app.include_router(router)
    _add_error_handlers(app)
    if options.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=list(options.cors_origins))
    app.add_middleware(Guard, max_bytes=options.max_body_bytes)
    app.mount("/", StaticFiles(directory=WEB_DIR, html=True), name="web")
    return app


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"status": status, "message": message}, status_code=status)


def _add_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(HTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(RasdError, _rasd_error)  # type: ignore[arg-type]
    app.add_exception_handler(TimeoutError, _timeout_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _internal_error)


async def _http_error(request: Request, err: HTTPException) -> Response:
    response = _error(err.status_code, str(err.detail))
    response.headers.update(err.headers or {})
    return response


async def _validation_error(request: Request, err: RequestValidationError) -> Response:
    problems = err.errors()
    bad_json = [p for p in problems if p.get("type") == "json_invalid"]
    if bad_json:
        ctx = bad_json[0].get("ctx") or {}
        return _error(400, f"the request body is not valid JSON: {ctx.get('error', 'parse error')}")
    parts = []
    for problem in problems[:5]:
        where = ".".join(str(x) for x in problem.get("loc", ()))
        parts.append(f"{where}: {problem.get('msg', 'invalid')}")
    return _error(422, "invalid request: " + "; ".join(parts))


async def _rasd_error(request: Request, err: RasdError) -> Response:
    if isinstance(err, StoreError):
        log.error("store error on %s: %s", request.url.path, err)
        return _error(503, f"the store cannot answer: {err}")
    return _error(400, str(err))


async def _internal_error(request: Request, err: Exception) -> Response:
    log.exception("internal error on %s", request.url.path, exc_info=err)
    return _error(500, "internal error: the server log has the details")


async def _timeout_error(request: Request, err: TimeoutError) -> Response:
    limit = request.app.state.options.query_timeout_s
    return _error(503, f"the request took longer than {limit:g} s; narrow the query and retry")


class _BodyTooLargeError(Exception):
    pass


class Guard:
    """Refuse request bodies over ``max_bytes`` (by Content-Length, and while streaming) and add
    the security headers to every response."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = _with_security_headers(send)
        too_large = _error(413, f"the request body is larger than {self.max_bytes} bytes")
        declared = dict(scope.get("headers") or []).get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > self.max_bytes:
            await too_large(scope, receive, send)
            return
        seen = 0
        replaced = False

        async def counting_receive() -> Message:
            nonlocal seen
            msg = await receive()
            seen += len(msg.get("body", b""))
            if seen > self.max_bytes:
                raise _BodyTooLargeError
            return msg

        async def checking_send(msg: Message) -> None:
            # The app may turn the aborted read into its own error: answer 413 instead.
            nonlocal replaced
            if seen <= self.max_bytes:
                await send(msg)
            elif not replaced:
                replaced = True
                await too_large(scope, receive, send)

        try:
            await self.app(scope, counting_receive, checking_send)
        except _BodyTooLargeError:
            if not replaced:
                await too_large(scope, receive, send)


def _with_security_headers(send: Send) -> Send:
    extra = [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]

    async def send_with_headers(msg: Message) -> None:
        if msg["type"] == "http.response.start":
            msg = {**msg, "headers": [*msg.get("headers", []), *extra]}
        await send(msg)

    return send_with_headers


# --------------------------------------------------------------------------- dependencies


def get_backend(request: Request) -> Backend:
    backend: Backend = request.app.state.backend
    return backend


def get_options(request: Request) -> ApiOptions:
    options: ApiOptions = request.app.state.options
    return options


_bearer = HTTPBearer(auto_error=False, description="the server's write token")


def require_token(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """Writes need ``Authorization: Bearer TOKEN`` matching the configured token."""
    expected: str | None = request.app.state.token
    if expected is None:
        raise HTTPException(
            403, "writes are disabled: start the server with RASD_API_TOKEN or --token-file"
        )
    given = credentials.credentials if credentials else ""
    if not hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
        raise HTTPException(
            401, "missing or wrong bearer token", headers={"WWW-Authenticate": "Bearer"}
        )


async def _bounded(request: Request, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a blocking library call off the event loop, within the query time limit."""
    limit = request.app.state.options.query_timeout_s
    call: Awaitable[T] = run_in_threadpool(func, *args, **kwargs)
    return await asyncio.wait_for(call, timeout=limit)


def _pipeline(request: Request) -> Pipeline:
    pipeline: Pipeline | None = request.app.state.pipeline
    return pipeline if pipeline is not None else default_pipeline()


def _document(article: Article) -> Document:
    return make_document(
        article.text,
        published=article.published,
        source=_blank_to_none(article.source),
        url=_blank_to_none(article.url),
        title=_blank_to_none(article.title),
    )


def _blank_to_none(value: str | None) -> str | None:
    return value if value and value.strip() else None


def _page(limit: int | None, options: ApiOptions) -> int:
    if limit is None:
        return options.default_page_size
    if limit > options.max_page_size:
        raise InputError(f"limit={limit} is over the page size limit of {options.max_page_size}")
    return limit


# --------------------------------------------------------------------------- routes

ExportFormat = Literal["jsonl", "geojson", "acled-csv", "plover-json"]  # = EXPORT_FORMATS
router = APIRouter(prefix="/v1", responses=ERRORS)
BackendDep = Annotated[Backend, Depends(get_backend)]
OptionsDep = Annotated[ApiOptions, Depends(get_options)]
Limit = Annotated[int | None, Query(ge=1, le=HARD_MAX_PAGE, description="page size")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="rows to skip")]
Text = Annotated[str | None, Query(max_length=200)]


DOCUMENT_JSON: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "the analysed document: JSON Schema in schema/document.schema.json",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}


def _json(data: Any) -> Response:
    """Serialise plain JSON values directly (documents are large: skip FastAPI's re-encoding)."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Response(body.encode("utf-8"), media_type="application/json")


@router.post(
    "/analyze",
    summary="Analyse one article (nothing is stored)",
    response_class=Response,
    responses=DOCUMENT_JSON,
)
async def analyze(request: Request, body: AnalyzeRequest) -> Response:
    doc = await _bounded(request, _pipeline(request), _document(body))
    return _json(doc.to_dict(tokens=body.tokens))


@router.post(
    "/documents",
    summary="Analyse and store articles (needs the write token)",
    dependencies=[Depends(require_token)],
)
async def add_documents(
    request: Request, body: IngestRequest, backend: BackendDep, options: OptionsDep
) -> dict[str, Any]:
    if len(body.documents) > options.max_documents_per_request:
        raise InputError(
            f"{len(body.documents)} documents in one request; the limit is "
            f"{options.max_documents_per_request}: send them in batches"
        )
    docs = [_document(article) for article in body.documents]
    analysed = await _bounded(request, _analyse_all, _pipeline(request), docs)
    done = [item for item in analysed if isinstance(item, Document)]
    skipped = [{"id": s.doc_id, "reason": s.reason} for s in analysed if isinstance(s, Skip)]
    lock = request.app.state.write_lock
    result = await _bounded(request, _add_locked, lock, backend, done)
    return {**result, "skipped": skipped}


def _add_locked(lock: threading.Lock, backend: Backend, docs: list[Document]) -> dict[str, Any]:
    """One writer at a time (taken in the worker thread, never on the event loop)."""
    with lock:
        return backend.add_documents(docs)


def _analyse_all(pipeline: Pipeline, docs: list[Document]) -> list[Document | Skip]:
    return list(pipeline.pipe(docs, on_error="skip"))


@router.get("/events", summary="List events (clusters), newest first")
async def list_events(
    request: Request,
    *,
    backend: BackendDep,
    options: OptionsDep,
    type: Annotated[str | None, Query(max_length=40, description="PLOVER type")] = None,
    country: Annotated[str | None, Query(max_length=3, description="ISO 3166 code")] = None,
    place: Text = None,
    since: date | None = None,
    until: date | None = None,
    min_killed: Annotated[int | None, Query(ge=0, le=10_000_000)] = None,
    limit: Limit = None,
    offset: Offset = 0,
) -> dict[str, Any]:
    query = EventQuery(
        type=type,
        country=country,
        place=place,
        since=since,
        until=until,
        min_killed=min_killed,
        limit=_page(limit, options),
        offset=offset,
    )
    total, rows = await _bounded(request, backend.list_events, query)
    return {"total": total, "limit": query.limit, "offset": offset, "events": rows}


@router.get("/events/{event_id}", summary="One event: cluster, member reports, figure history")
async def get_event(
    request: Request,
    backend: BackendDep,
    event_id: Annotated[str, Path(pattern=ID_PATTERN)],
) -> dict[str, Any]:
    found = await _bounded(request, backend.get_event, event_id)
    if found is None:
        raise HTTPException(404, f"no event with id {event_id!r}")
    return found


@router.get(
    "/documents/{doc_id}",
    summary="One stored document: text and annotations",
    response_class=Response,
    responses=DOCUMENT_JSON,
)
async def get_document(
    request: Request,
    backend: BackendDep,
    doc_id: Annotated[str, Path(pattern=ID_PATTERN)],
) -> Response:
    found = await _bounded(request, backend.get_document, doc_id)
    if found is None:
        raise HTTPException(404, f"no document with id {doc_id!r}")
    return _json(found)


@router.get("/search", summary="Full-text search over stored documents")
async def search(
    request: Request,
    *,
    backend: BackendDep,
    options: OptionsDep,
    q: Annotated[str, Query(min_length=1, max_length=200, description="words to find")],
    limit: Limit = None,
    offset: Offset = 0,
) -> dict[str, Any]:
    size = _page(limit, options)
    hits = await _bounded(request, backend.search, q, limit=size, offset=offset)
    return {"q": q, "limit": size, "offset": offset, "results": hits}


@router.get("/export", summary="Export all events", response_class=Response)
async def export(
    request: Request,
    backend: BackendDep,
    format: ExportFormat = "jsonl",
) -> Response:
    body, media_type = await _bounded(request, backend.export, format)
    return Response(body, media_type=media_type)


@router.get("/health", summary="Liveness and what this server allows")
async def health(request: Request) -> dict[str, Any]:
    return {
        "status": "ok",
        "version": __version__,
        "writes": request.app.state.token is not None,
        "backend": type(request.app.state.backend).__name__,
    }
