"""``rasd serve``: the HTTP API and the offline dashboard, served by uvicorn."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from rasd.errors import InputError


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "serve",
        help="serve the HTTP API and the web dashboard",
        description="Serve the HTTP API (/v1/...) and the offline dashboard (/) over the store. "
        "Read-only unless a write token is given by RASD_API_TOKEN or --token-file.",
    )
    p.add_argument("--db", default="rasd.db", help="the store (SQLite file)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on")
    p.add_argument("--port", type=int, default=8000, help="port to listen on")
    p.add_argument("--token-file", type=Path, help="file holding the bearer token for writes")
    p.add_argument("--cors-origin", action="append", default=[], help="allow this origin (CORS)")
    p.set_defaults(func=run)


def read_token(token_file: Path | None) -> str | None:
    """The write token: from ``--token-file`` if given, else ``RASD_API_TOKEN``, else None."""
    if token_file is None:
        return os.environ.get("RASD_API_TOKEN") or None
    try:
        token = token_file.read_text(encoding="utf-8").strip()
    except OSError as err:
        raise InputError(f"{token_file}: cannot read the token file: {err.strerror}") from err
    if not token:
        raise InputError(f"{token_file}: the token file is empty; put the token in it")
    return token


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from rasd.api import ApiOptions, create_app
    from rasd.pipeline import default_pipeline, make_document

    options = ApiOptions(cors_origins=tuple(args.cors_origin))
    app = create_app(args.db, token=read_token(args.token_file), options=options)
    default_pipeline()(make_document("قتل 3 أشخاص في بغداد أمس"))  # load models before serving
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    return 0
