"""Plain text and JSON readers: one article per file, per JSONL line or per JSON-array item.

Each reader yields ``Document | Skip``; every input is accounted for. Plain text and JSONL live
here; HTML, feeds and WARC archives have their own modules (see `rasd.readers`).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from rasd.document import Document, parse_published
from rasd.errors import InputError
from rasd.pipeline import Skip
from rasd.text import decode

log = logging.getLogger(__name__)

MAX_DOCUMENT_BYTES = 10_000_000
"""Largest single article accepted (10 MB): news articles are kilobytes; anything this big is a
dump or a mistake, and would hold the pipeline for minutes."""


@dataclass(frozen=True, slots=True)
class FieldNames:
    """JSONL field names (configurable for other corpora's conventions)."""

    text: str = "text"
    title: str = "title"
    published: str = "published"
    source: str = "source"
    url: str = "url"


DEFAULT_FIELDS = FieldNames()


def read_bytes(path: str | os.PathLike[str], *, max_bytes: int = MAX_DOCUMENT_BYTES) -> bytes:
    """Read a file's bytes with clear errors for missing paths, folders, empty and huge files."""
    p = Path(path)
    name = str(path)
    if not p.exists():
        raise InputError(f"{name}: no such file")
    if p.is_dir():
        raise InputError(f"{name}: is a directory; give a file (or use `rasd ingest` for folders)")
    size = p.stat().st_size
    if size > max_bytes:
        raise InputError(
            f"{name}: {size:,} bytes is larger than the {max_bytes:,}-byte limit for one "
            "document; split it, or raise the limit with --max-bytes"
        )
    try:
        data = p.read_bytes()
    except OSError as err:
        raise InputError(f"{name}: cannot read: {err.strerror or err}") from err
    return data


def read_text(
    data: bytes, *, name: str, max_bytes: int = MAX_DOCUMENT_BYTES, allow_empty: bool = False
) -> str:
    """Decode one document's bytes and check it holds text."""
    if len(data) > max_bytes:
        raise InputError(f"{name}: {len(data):,} bytes is larger than the {max_bytes:,}-byte limit")
    text = decode(data, name=name)
    if not allow_empty and not text.strip():
        raise InputError(f"{name}: empty document (no text)")
    return text


def document_from_file(
    path: str | os.PathLike[str],
    *,
    published: str | None = None,
    source: str | None = None,
    url: str | None = None,
    title: str | None = None,
    max_bytes: int = MAX_DOCUMENT_BYTES,
) -> Document:
    """One plain-text article from a file. Metadata from a sibling ``NAME.meta.json`` (as bundled
    with the example) is used where the arguments leave it open."""
    text = read_text(read_bytes(path, max_bytes=max_bytes), name=str(path), max_bytes=max_bytes)
    meta = _sidecar_meta(Path(path))
    return Document(
        text=text,
        published=parse_published(published or meta.get("published"), name=f"{path}: published"),
        source=source or meta.get("source"),
        url=url or meta.get("url"),
        title=title or meta.get("title"),
        meta={"location": str(path)},
    )


def _sidecar_meta(path: Path) -> dict[str, Any]:
    stem = path.name.split(".")[0]
    candidates = [path.with_name(stem + ".meta.json"), path.with_name(path.name + ".meta.json")]
    for candidate in candidates:
        if candidate.is_file():
            try:
                data = json.loads(candidate.read_text(encoding="utf-8"))
            except (OSError, ValueError) as err:
                raise InputError(f"{candidate}: unreadable metadata file: {err}") from err
            return data if isinstance(data, dict) else {}
    return {}


def document_from_record(
    record: Mapping[str, Any],
    *,
    location: str,
    fields: FieldNames = DEFAULT_FIELDS,
    published: str | None = None,
    source: str | None = None,
) -> Document:
    """One document from a JSON object (a JSONL line, an API request body)."""
    if not isinstance(record, Mapping):
        raise InputError(f"{location}: expected a JSON object, got {type(record).__name__}")
    text = record.get(fields.text)
    if not isinstance(text, str):
        raise InputError(f"{location}: missing or non-string field {fields.text!r}")
    if not text.strip():
        raise InputError(f"{location}: empty {fields.text!r}")
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError as err:  # a lone surrogate, e.g. from a JSON "\ud800" escape
        raise InputError(
            f"{location}: {fields.text!r} is not valid Unicode (lone surrogate "
            f"U+{ord(err.object[err.start]):04X})"
        ) from err
    if size > MAX_DOCUMENT_BYTES:
        raise InputError(f"{location}: text is larger than {MAX_DOCUMENT_BYTES:,} bytes")
    return Document(
        text=text,
        published=parse_published(
            published or _str(record.get(fields.published)), name=f"{location}: published"
        ),
        source=source or _str(record.get(fields.source)),
        url=_str(record.get(fields.url)),
        title=_str(record.get(fields.title)),
        meta={"location": location},
    )


def _str(value: Any) -> str | None:
    if value is None:
        return None
    return str(value)


def iter_jsonl(
    stream: IO[str] | Iterable[str],
    *,
    name: str,
    fields: FieldNames = DEFAULT_FIELDS,
    published: str | None = None,
    source: str | None = None,
) -> Iterator[Document | Skip]:
    """Documents from a JSONL stream, one per line; a bad line becomes a `Skip` naming
    ``name:LINE`` and the problem. Blank lines are ignored."""
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        location = f"{name}:{number}"
        try:
            record = json.loads(line)
            yield document_from_record(
                record, location=location, fields=fields, published=published, source=source
            )
        except json.JSONDecodeError as err:
            yield Skip(location, f"invalid JSON: {err.msg} at column {err.colno}")
        except InputError as err:
            yield Skip(location, str(err).removeprefix(f"{location}: "))


def document_from_bytes(
    data: bytes,
    *,
    location: str,
    published: str | None = None,
    source: str | None = None,
    max_bytes: int = MAX_DOCUMENT_BYTES,
) -> Document:
    """One plain-text article from bytes (an archive member, a WARC resource)."""
    text = read_text(data, name=location, max_bytes=max_bytes)
    return Document(
        text=text,
        published=parse_published(published, name=f"{location}: published"),
        source=source,
        meta={"location": location},
    )


def iter_json(
    data: bytes,
    *,
    name: str,
    fields: FieldNames = DEFAULT_FIELDS,
    published: str | None = None,
    source: str | None = None,
) -> Iterator[Document | Skip]:
    """Documents from a JSON file holding one article object or an array of them (the layout of
    SaudiNewsNet's daily files); item ``i`` of an array is located as ``name[i]``. A file that
    is not one JSON value is read as JSONL."""
    try:
        value = json.loads(decode(data, name=name))
    except json.JSONDecodeError as err:
        if err.msg == "Extra data":
            yield from iter_jsonl(
                decode(data, name=name).splitlines(),
                name=name,
                fields=fields,
                published=published,
                source=source,
            )
            return
        yield Skip(name, f"invalid JSON: {err.msg} at line {err.lineno} column {err.colno}")
        return
    except InputError as err:
        yield Skip(name, str(err).removeprefix(f"{name}: "))
        return
    items = value if isinstance(value, list) else [value]
    for index, record in enumerate(items):
        location = f"{name}[{index}]" if isinstance(value, list) else name
        try:
            yield document_from_record(
                record, location=location, fields=fields, published=published, source=source
            )
        except InputError as err:
            yield Skip(location, str(err).removeprefix(f"{location}: "))
