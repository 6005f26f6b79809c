"""Bad input against a real server (uvicorn on loopback, raw HTTP): each gets a 4xx with a
message, and the server keeps serving."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator

import pytest

pytest.importorskip("uvicorn")

from rasd.api import ApiOptions, create_app
from rasd.api_backend import MemoryBackend
from rasd.cli import main
from rasd.pipeline import Pipeline
from tests.web_fixtures import serve_in_thread

TOKEN = "live-test-token"


@pytest.fixture(scope="module")
def address() -> Iterator[tuple[str, int]]:
    app = create_app(
        backend=MemoryBackend(),
        token=TOKEN,
        pipeline=Pipeline.default(until="text"),
        options=ApiOptions(max_body_bytes=10_000),
    )
    with serve_in_thread(app) as addr:
        yield addr


def raw(address: tuple[str, int], request: bytes) -> tuple[int, dict]:
    """Send bytes as they are (no client-side cleaning of paths) and parse the JSON answer."""
    with socket.create_connection(address, timeout=30) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split()[1])
    return status, json.loads(body) if body.startswith(b"{") else {}


def get(path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()


def post(path: str, body: bytes, *headers: str) -> bytes:
    lines = [
        f"POST {path} HTTP/1.1",
        "Host: x",
        "Connection: close",
        "Content-Type: application/json",
        f"Content-Length: {len(body)}",
        *headers,
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


BAD = [
    ("oversize body", post("/v1/analyze", b'{"text": "' + b"a" * 20_000 + b'"}'), 413),
    ("invalid JSON", post("/v1/analyze", b'{"text": "unterminated'), 400),
    ("not UTF-8", post("/v1/analyze", b'{"text": "\xff\xfe"}'), 400),
    (
        "wrong token",
        post("/v1/documents", b'{"documents": [{"text": "x"}]}', "Authorization: Bearer wrong"),
        401,
    ),
    ("no token", post("/v1/documents", b'{"documents": [{"text": "x"}]}'), 401),
    ("SQL-ish filter", get("/v1/events?country=%27%20OR%201%3D1%20--"), 422),
    ("SQL-ish limit", get("/v1/events?limit=1;DROP%20TABLE%20events"), 422),
    ("SQL-ish id", get("/v1/documents/x%27%20OR%20%271%27%3D%271"), 422),
    ("traversal in path", get("/../../../../etc/passwd"), 404),
    ("encoded traversal", get("/%2e%2e/%2e%2e/etc/passwd"), 404),
    ("traversal in id", get("/v1/documents/..%2F..%2Fetc%2Fpasswd"), 404),
    ("traversal in export", get("/v1/export?format=../../etc/passwd"), 422),
    ("unknown route", get("/v1/admin"), 404),
]


@pytest.mark.parametrize(("what", "request_bytes", "status"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_a_4xx_and_the_server_keeps_serving(
    address: tuple[str, int], what: str, request_bytes: bytes, status: int
) -> None:
    got, body = raw(address, request_bytes)
    assert got == status, (what, body)
    assert body.get("message"), what
    assert "root:" not in json.dumps(body)
    ok, health = raw(address, get("/v1/health"))
    assert (ok, health["status"]) == (200, "ok")


def test_serve_refuses_an_unreadable_token_file(tmp_path, capsys) -> None:
    assert main(["serve", "--token-file", str(tmp_path / "missing")]) == 1
    assert "token file" in capsys.readouterr().err
