"""`iter_documents`: one entry point for files, folders and archives of every supported kind.

The reader is chosen by the file name's extension, else by sniffing the first bytes. Folders are
walked recursively in sorted order (hidden files, ``*.meta.json`` sidecars and ``*.md`` notes
left out), so two runs over the same inputs see the same documents in the same order. Every input
is accounted for: each yields documents or a `Skip` with its location and reason, and the run goes
on.
"""

from __future__ import annotations

import io
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from rasd.document import Document
from rasd.errors import InputError
from rasd.pipeline import Skip
from rasd.readers.archives import inflate_gzip, iter_zip_members
from rasd.readers.options import DEFAULT_READ_OPTIONS, ReadOptions, check_language
from rasd.readers.plain import document_from_bytes, document_from_file, iter_json, iter_jsonl
from rasd.text import decode

log = logging.getLogger(__name__)

MAX_ARCHIVE_DEPTH = 3
"""Archives inside archives are opened this deep at most."""

_EXTENSIONS = (
    (".warc.gz", "warc"),
    (".warc", "warc"),
    (".zip", "zip"),
    (".gz", "gz"),
    (".gzip", "gz"),
    (".jsonl", "jsonl"),
    (".ndjson", "jsonl"),
    (".json", "json"),
    (".html", "html"),
    (".htm", "html"),
    (".xhtml", "html"),
    (".shtml", "html"),
    (".rss", "feed"),
    (".atom", "feed"),
    (".xml", "feed"),
    (".txt", "text"),
    (".text", "text"),
)
# Files a folder walk leaves out: metadata sidecars and documentation beside the articles.
_NOT_ARTICLES = (".meta.json", ".md")
_STREAMED = frozenset({"warc", "jsonl", "zip", "gz"})
_ONE_DOCUMENT = frozenset({"html", "text"})


def detect_kind(name: str, head: bytes = b"") -> str:
    """``warc``, ``zip``, ``gz``, ``jsonl``, ``json``, ``html``, ``feed`` or ``text``: from the
    extension of ``name``, else from the first bytes ``head``."""
    lower = name.lower()
    for suffix, kind in _EXTENSIONS:
        if lower.endswith(suffix):
            return kind
    return sniff_kind(head)


def sniff_kind(head: bytes) -> str:
    """The kind of an input from its first bytes (a few hundred are enough)."""
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\x1f\x8b"):
        return "gz"
    if head.startswith(b"WARC/"):
        return "warc"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<?xml", b"<rss", b"<feed")):
        return "feed" if any(t in start for t in (b"<rss", b"<feed", b"<rdf")) else "html"
    if start.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<!--")):
        return "html"
    if start.startswith(b"{"):
        return "jsonl"
    if start.startswith(b"["):
        return "json"
    return "text"


def iter_documents(
    paths: Iterable[str | os.PathLike[str]], *, options: ReadOptions = DEFAULT_READ_OPTIONS
) -> Iterator[Document | Skip]:
    """Every document in ``paths`` (files, folders, archives; ``http(s)://`` feed URLs where a
    network exists), in a stable order, each checked to be Arabic; whatever cannot be read is a
    `Skip` naming its location and the reason."""
    for raw in paths:
        items = _iter_url(str(raw), options) if _is_url(raw) else _iter_path(raw, options)
        for item in items:
            if isinstance(item, Document):
                yield check_language(item, options, location=_location(item))
            else:
                yield item


def _is_url(raw: str | os.PathLike[str]) -> bool:
    return isinstance(raw, str) and raw.lower().startswith(("http://", "https://"))


def _iter_path(raw: str | os.PathLike[str], options: ReadOptions) -> Iterator[Document | Skip]:
    for path in iter_input_files([raw]):
        if isinstance(path, Skip):
            yield path
        else:
            yield from _iter_file(path, options)


def _iter_url(url: str, options: ReadOptions) -> Iterator[Document | Skip]:
    """A feed fetched by feedparser (which reports a failed fetch as a malformed feed)."""
    from rasd.readers.feeds import iter_feed

    yield from iter_feed(url, name=url, options=options)


def iter_input_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path | Skip]:
    """The files named by ``paths``, folders walked recursively in sorted order."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = False
            for file in _walk(path):
                found = True
                yield file
            if not found:
                yield Skip(
                    str(raw),
                    "folder holds no files to read (hidden files and .md notes are not read)",
                )
        elif path.is_file():
            yield path
        else:
            yield Skip(str(raw), "no such file or folder")


def _walk(folder: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for filename in sorted(filenames):
            if filename.startswith(".") or filename.endswith(_NOT_ARTICLES):
                continue
            yield Path(dirpath) / filename


def _location(doc: Document) -> str:
    return str(doc.meta.get("location") or doc.url or doc.id)


def _iter_file(path: Path, options: ReadOptions) -> Iterator[Document | Skip]:
    name = str(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as stream:
            head = stream.read(512)
    except OSError as err:
        yield Skip(name, f"cannot read: {err.strerror or err}")
        return
    kind = detect_kind(path.name, head)
    limit = options.max_bytes if kind in _ONE_DOCUMENT else options.max_container_bytes
    if kind not in _STREAMED and size > limit:
        yield Skip(
            name, f"{size:,} bytes is larger than the {limit:,}-byte limit for a {kind} file"
        )
        return
    if kind == "text":
        yield _guard(
            name,
            lambda: document_from_file(
                path,
                published=options.published,
                source=options.source,
                max_bytes=options.max_bytes,
            ),
        )
        return
    yield from _iter_stream_or_bytes(path, kind, options)


def _iter_stream_or_bytes(path: Path, kind: str, options: ReadOptions) -> Iterator[Document | Skip]:
    name = str(path)
    if kind == "warc":
        from rasd.readers.warc import iter_warc

        with path.open("rb") as stream:
            yield from iter_warc(stream, name=name, options=options)
    elif kind == "jsonl":
        yield from _iter_jsonl_file(path, options)
    elif kind == "zip":
        yield from _iter_zip(path, name=name, options=options, depth=1)
    elif kind == "gz":
        yield from _iter_gzip(path, name=name, options=options, depth=1)
    else:
        try:
            data = path.read_bytes()
        except OSError as err:
            yield Skip(name, f"cannot read: {err.strerror or err}")
            return
        yield from iter_bytes(data, name=name, kind=kind, options=options)


def _iter_jsonl_file(path: Path, options: ReadOptions) -> Iterator[Document | Skip]:
    name = str(path)
    with path.open(encoding="utf-8", errors="strict") as stream:
        try:
            yield from iter_jsonl(
                stream,
                name=name,
                fields=options.fields,
                published=options.published,
                source=options.source,
            )
        except UnicodeDecodeError as err:
            yield Skip(name, f"invalid UTF-8 ({err.reason}); the rest of the file is skipped")


def iter_bytes(
    data: bytes,
    *,
    name: str,
    kind: str | None = None,
    options: ReadOptions = DEFAULT_READ_OPTIONS,
    depth: int = 0,
) -> Iterator[Document | Skip]:
    """Documents from the bytes of one input (a file's content, an archive member); ``kind``
    (see `detect_kind`) is found from ``name`` and the bytes when not given. Not language-checked:
    `iter_documents` does that."""
    kind = kind or detect_kind(name, data[:512])
    if kind in ("zip", "gz"):
        if depth >= MAX_ARCHIVE_DEPTH:
            yield Skip(name, f"archive nested more than {MAX_ARCHIVE_DEPTH} deep")
        elif kind == "zip":
            yield from _iter_zip(io.BytesIO(data), name=name, options=options, depth=depth + 1)
        else:
            yield from _iter_gzip(io.BytesIO(data), name=name, options=options, depth=depth + 1)
    elif kind == "warc":
        from rasd.readers.warc import iter_warc

        yield from iter_warc(io.BytesIO(data), name=name, options=options)
    elif kind == "feed":
        from rasd.readers.feeds import iter_feed

        yield from iter_feed(data, name=name, options=options)
    elif kind == "json":
        yield from iter_json(
            data,
            name=name,
            fields=options.fields,
            published=options.published,
            source=options.source,
        )
    elif kind == "jsonl":
        yield from _iter_jsonl_bytes(data, name=name, options=options)
    elif kind == "html":
        yield _guard(name, lambda: _html(data, name, options))
    else:
        yield _guard(
            name,
            lambda: document_from_bytes(
                data,
                location=name,
                published=options.published,
                source=options.source,
                max_bytes=options.max_bytes,
            ),
        )


def _html(data: bytes, name: str, options: ReadOptions) -> Document:
    from rasd.readers.html import document_from_html

    return document_from_html(
        data, location=name, published=options.published, source=options.source, options=options
    )


def _iter_jsonl_bytes(data: bytes, *, name: str, options: ReadOptions) -> Iterator[Document | Skip]:
    try:
        lines = decode(data, name=name).splitlines()
    except InputError as err:
        yield Skip(name, str(err).removeprefix(f"{name}: "))
        return
    yield from iter_jsonl(
        lines, name=name, fields=options.fields, published=options.published, source=options.source
    )


def _iter_zip(
    source: Path | io.BytesIO, *, name: str, options: ReadOptions, depth: int
) -> Iterator[Document | Skip]:
    for member in iter_zip_members(source, name=name, limit=options.max_inflated_bytes):
        if isinstance(member, Skip):
            yield member
            continue
        location, data = member
        yield from iter_bytes(data, name=location, options=options, depth=depth)


def _iter_gzip(
    source: Path | io.BytesIO, *, name: str, options: ReadOptions, depth: int
) -> Iterator[Document | Skip]:
    try:
        data = inflate_gzip(source, name=name, limit=options.max_inflated_bytes)
    except InputError as err:
        yield Skip(name, str(err).removeprefix(f"{name}: "))
        return
    inner = name.rsplit(".", 1)[0] if name.lower().endswith((".gz", ".gzip")) else ""
    kind = detect_kind(inner, data[:512])
    yield from iter_bytes(data, name=name, kind=kind, options=options, depth=depth)


def _guard(name: str, read: Callable[[], Document]) -> Document | Skip:
    try:
        return read()
    except InputError as err:
        return Skip(name, str(err).removeprefix(f"{name}: "))
