"""Load on the HTTP API over loopback: concurrent GET /v1/events, and POST /v1/analyze latency.

    python benchmarks/api_load.py [--db rasd.db] [--requests 1000] [--concurrency 1000]
        [--analyze 30] [--articles 50] [--backend store|memory] [--markdown]

The server (uvicorn, one worker) runs in a child process; the client (asyncio streams) fires
``--requests`` GET /v1/events requests with up to ``--concurrency`` open at once, then POSTs
the example to /v1/analyze ``--analyze`` times one after another (httpx). Latencies are wall-clock
(that is what a client sees), so other load on the machine shows in them. Without ``--db`` the
server holds the example with its hand-built events (as the tests use) plus ``--articles``
SaudiNewsNet articles analysed by the default pipeline, in a temporary SQLite store
(``--backend store``, the default) or in memory. Bounded: every request has
a timeout and the whole run a deadline. Not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

EXAMPLE = ROOT / "examples" / "kazakhstan-2022-01-10.ar.txt"


def build_app(db: str | None, articles: int, backend: str) -> Any:
    from rasd.api import create_app
    from rasd.api_backend import MemoryBackend
    from rasd.pipeline import Pipeline

    pipeline = Pipeline.default()
    if db:
        return create_app(db, pipeline=pipeline)
    from corpus import iter_articles

    from rasd.document import Document
    from tests.web_fixtures import example_document

    docs = [example_document(EXAMPLE.read_text(encoding="utf-8"), pipeline)]
    for art in iter_articles(articles):
        if art.get("content", "").strip():
            docs.append(pipeline(Document(text=art["content"], source=art.get("source"))))
    if backend == "memory":
        return create_app(backend=MemoryBackend(docs), pipeline=pipeline)
    from rasd.store import Store

    path = Path(tempfile.mkdtemp(prefix="rasd-api-load-")) / "rasd.db"
    with Store(path) as store:
        for doc in docs:
            store.add_document(doc)
    return create_app(path, pipeline=pipeline)


def serve(port: int, db: str | None, articles: int, backend: str) -> None:
    import uvicorn

    app = build_app(db, articles, backend)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="error", backlog=4096)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc), 0.0 where unavailable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def wait_ready(base: str, deadline_s: float) -> None:
    import httpx

    deadline = time.monotonic() + deadline_s
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            try:
                if (await client.get(base + "/v1/health")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise SystemExit(f"server did not start within {deadline_s:.0f} s")


async def raw_get(host: str, port: int, target: str) -> int:
    """One HTTP/1.1 GET on its own connection with a minimal client (so that the client's own CPU
    cost, which shares the machine with the server, stays small); returns the status code."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        request = f"GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        writer.write(request.encode("ascii"))
        await writer.drain()
        status_line = await reader.readline()
        await reader.read()  # the rest, until the server closes
        return int(status_line.split()[1])
    finally:
        writer.close()


async def load_events(base: str, n: int, concurrency: int) -> dict[str, Any]:
    host, port = base.removeprefix("http://").split(":")
    gate = asyncio.Semaphore(concurrency)
    latencies: list[float] = []
    statuses: dict[int | str, int] = {}

    async def one(i: int) -> None:
        target = "/v1/events?limit=50" if i % 2 else "/v1/events?min_killed=1"
        async with gate:
            start = time.perf_counter()
            try:
                status: int | str = await asyncio.wait_for(raw_get(host, int(port), target), 60)
            except (OSError, TimeoutError, ValueError, IndexError) as err:
                status = type(err).__name__
            latencies.append(time.perf_counter() - start)
        statuses[status] = statuses.get(status, 0) + 1

    start = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(n)))
    wall = time.perf_counter() - start
    latencies.sort()
    return {
        "n": n,
        "statuses": statuses,
        "wall_s": wall,
        "p50_ms": 1000 * latencies[len(latencies) // 2],
        "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        "max_ms": 1000 * latencies[-1],
    }


async def time_analyze(base: str, n: int) -> dict[str, Any]:
    import httpx

    body = {"text": EXAMPLE.read_text(encoding="utf-8"), "published": "2022-01-10"}
    times = []
    async with httpx.AsyncClient(timeout=60) as client:
        await client.post(base + "/v1/analyze", json=body)  # one more warm-up request
        for _ in range(n):
            start = time.perf_counter()
            response = await client.post(base + "/v1/analyze", json=body)
            times.append(time.perf_counter() - start)
            response.raise_for_status()
    return {"n": n, "median_ms": 1000 * statistics.median(times), "max_ms": 1000 * max(times)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="serve this store instead of the in-memory example")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=1000)
    parser.add_argument("--analyze", type=int, default=30, help="POST /v1/analyze repetitions")
    parser.add_argument("--articles", type=int, default=50, help="SaudiNewsNet articles to hold")
    parser.add_argument(
        "--backend",
        choices=("store", "memory"),
        default="store",
        help="without --db: hold the documents in a temporary SQLite store, or in memory",
    )
    parser.add_argument("--deadline", type=float, default=300, help="give up after this many s")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    ctx = multiprocessing.get_context("spawn")
    server = ctx.Process(
        target=serve, args=(port, args.db, args.articles, args.backend), daemon=True
    )
    server.start()
    try:
        events, analyze = asyncio.run(
            asyncio.wait_for(run(base, args, server.pid or 0), timeout=args.deadline)
        )
    finally:
        server.terminate()
        server.join(10)
    report(events, analyze, args.markdown, args.db or args.backend)


async def run(
    base: str, args: argparse.Namespace, pid: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    await wait_ready(base, 120)
    cpu = cpu_seconds(pid)
    events = await load_events(base, args.requests, args.concurrency)
    events["server_cpu_ms_per_request"] = 1000 * (cpu_seconds(pid) - cpu) / args.requests
    await time_analyze(base, 1)  # warm-up: models load on first use
    cpu = cpu_seconds(pid)
    analyze = await time_analyze(base, args.analyze)
    analyze["server_cpu_ms"] = 1000 * (cpu_seconds(pid) - cpu) / (args.analyze + 1)
    return events, analyze


def report(events: dict[str, Any], analyze: dict[str, Any], markdown: bool, backend: str) -> None:
    from rasd.pipeline import Pipeline

    answered = sum(v for k, v in events["statuses"].items() if k == 200)
    if markdown:
        print("| measure | value |\n|---|---:|")
        print(f"| GET /v1/events requests (all at once) | {events['n']:,} |")
        print(f"| answered 200 | {answered:,} |")
        print(f"| wall time for all | {events['wall_s']:.2f} s |")
        print(f"| latency p50 / p99 / max | {events['p50_ms']:.0f} / {events['p99_ms']:.0f} / "
              f"{events['max_ms']:.0f} ms |")  # fmt: skip
        print(f"| server CPU per GET /v1/events | {events['server_cpu_ms_per_request']:.1f} ms |")
        print(f"| POST /v1/analyze of the example, median of {analyze['n']} | "
              f"{analyze['median_ms']:.1f} ms (max {analyze['max_ms']:.1f}) |")  # fmt: skip
        print(f"| server CPU per POST /v1/analyze | {analyze['server_cpu_ms']:.1f} ms |")
        stages = ", ".join(Pipeline.default().names)
        print(f"\nBackend: {backend}; pipeline stages: {stages}; statuses {events['statuses']}")
    else:
        print({"events": events, "analyze": analyze})


if __name__ == "__main__":
    main()
