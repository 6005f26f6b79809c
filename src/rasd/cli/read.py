"""``rasd read``: analyse one article (or a JSONL stream of articles) and print the result."""

from __future__ import annotations

import argparse
import io
import sys
from typing import Any

from rasd.cli.argtypes import count, positive
from rasd.cli.render import render_text
from rasd.document import Document
from rasd.errors import InputError
from rasd.pipeline import Skip, default_pipeline
from rasd.readers import MAX_DOCUMENT_BYTES, document_from_file, iter_jsonl, read_text


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "read",
        help="analyse an article and print it with its annotations",
        description="Analyse one Arabic article (a text file or - for stdin) and print the "
        "analysed document: JSON by default, or the text with its annotations per sentence. "
        "With --jsonl, read one article per line and print one analysed document per line.",
    )
    p.add_argument("path", metavar="FILE", help="text file, or - for standard input")
    p.add_argument("--published", help="publication date, ISO 8601 (YYYY-MM-DD)")
    p.add_argument("--source", help="outlet / source name")
    p.add_argument("--url", help="the article's URL")
    p.add_argument("--title", help="the article's title")
    p.add_argument("--format", choices=("json", "text"), default="json", help="output format")
    p.add_argument("--jsonl", action="store_true", help="input is JSONL, one article per line")
    p.add_argument("--tokens", action="store_true", help="include tokens in JSON output")
    p.add_argument("--indent", type=count, default=None, help="indent JSON output")
    p.add_argument(
        "--max-bytes", type=positive, default=MAX_DOCUMENT_BYTES, help="largest document accepted"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    pipeline = default_pipeline()
    if args.jsonl:
        return _run_jsonl(args, pipeline)
    doc = _read_one(args)
    _emit(pipeline(doc), args)
    return 0


def _read_one(args: argparse.Namespace) -> Document:
    if args.path == "-":
        text = read_text(sys.stdin.buffer.read(), name="<stdin>", max_bytes=args.max_bytes)
        return Document(
            text=text,
            published=_published(args.published),
            source=args.source,
            url=args.url,
            title=args.title,
        )
    return document_from_file(
        args.path,
        published=args.published,
        source=args.source,
        url=args.url,
        title=args.title,
        max_bytes=args.max_bytes,
    )


def _published(value: str | None) -> Any:
    from rasd.document import parse_published

    return parse_published(value, name="--published")


def _run_jsonl(args: argparse.Namespace, pipeline: Any) -> int:
    if args.path == "-":
        stream = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="strict")
        name = "<stdin>"
    else:
        try:
            stream = open(args.path, encoding="utf-8")  # noqa: SIM115 - closed below
        except OSError as err:
            raise InputError(f"{args.path}: cannot open: {err.strerror or err}") from err
        name = args.path
    skipped = 0
    with stream:
        docs = iter_jsonl(stream, name=name, published=args.published, source=args.source)
        for item in pipeline.pipe(docs, on_error="skip"):
            if isinstance(item, Skip):
                skipped += 1
                print(f"rasd: skipped {item.location}: {item.reason}", file=sys.stderr)
                continue
            _emit(item, args)
    return 1 if skipped else 0


def _emit(doc: Document, args: argparse.Namespace) -> None:
    if args.format == "text":
        sys.stdout.write(render_text(doc) + "\n")
    else:
        sys.stdout.write(doc.to_json(indent=args.indent, tokens=args.tokens) + "\n")
    sys.stdout.flush()
