"""WARC and WARC.gz web archives through warcio (the ``html`` extra).

HTML responses go through the HTML reader; every other record (``warcinfo``, ``request``,
``metadata``, non-HTML or non-200 responses) is a routine `Skip` with the reason (a crawl is
full of them; they are no fault of the archive). A truncated or corrupt
archive yields what it could read, then one `Skip` for the rest.
"""

from __future__ import annotations

import io
import logging
import zlib
from collections.abc import Iterator
from typing import IO, Any

from rasd.document import Document
from rasd.errors import InputError
from rasd.pipeline import Skip
from rasd.readers.html import document_from_html
from rasd.readers.options import DEFAULT_READ_OPTIONS, ReadOptions

log = logging.getLogger(__name__)


def iter_warc(
    stream: IO[bytes], *, name: str, options: ReadOptions = DEFAULT_READ_OPTIONS
) -> Iterator[Document | Skip]:
    """Documents from a WARC (or WARC.gz) stream; record ``n`` (from 1) is ``name#record-n``."""
    from warcio.archiveiterator import ArchiveIterator

    head = stream.read(2)
    checked = _GzipCheck(stream, head) if head == b"\x1f\x8b" else _Prefixed(stream, head)
    records = ArchiveIterator(checked)
    number, record = 0, None
    while True:
        number += 1
        location = f"{name}#record-{number}"
        try:
            record = next(records)
        except StopIteration:
            if record is not None and _missing(record):
                yield Skip(
                    f"{name}#record-{number - 1}",
                    f"truncated WARC: {_missing(record):,} bytes of the last record are missing",
                )
            elif checked.finish():
                yield Skip(location, "truncated WARC.gz: the last gzip member is cut off")
            return
        except Exception as err:  # warcio/zlib raise many kinds on bad input
            yield Skip(location, f"truncated or corrupt WARC: {type(err).__name__}: {err}")
            return
        try:
            yield _read_record(record, location=location, options=options)
        except InputError as err:
            yield Skip(location, str(err).removeprefix(f"{location}: "))
        except Exception as err:  # a record cut off mid-body
            yield Skip(location, f"truncated or corrupt WARC record: {type(err).__name__}: {err}")
            return


def _read_record(record: Any, *, location: str, options: ReadOptions) -> Document | Skip:
    kind = record.rec_type
    uri = record.rec_headers.get_header("WARC-Target-URI")
    if kind != "response":
        return Skip(
            location, f"WARC {kind} record, not a response ({uri or 'no URI'})", routine=True
        )
    http = record.http_headers
    status = http.get_statuscode() if http is not None else None
    content_type = (http.get_header("Content-Type") if http is not None else None) or ""
    if status is not None and status != "200":
        return Skip(location, f"HTTP {status} response for {uri}, not a page", routine=True)
    if not any(k in content_type.lower() for k in options.html_kinds):
        return Skip(
            location,
            f"response is {content_type or 'of unknown type'}, not HTML ({uri})",
            routine=True,
        )
    data = record.content_stream().read(options.max_bytes + 1)
    if len(data) <= options.max_bytes and _missing(record):
        raise InputError(
            f"{location}: truncated WARC: {_missing(record):,} bytes of the page are missing"
        )
    warc_date = record.rec_headers.get_header("WARC-Date")
    doc = document_from_html(
        data,
        location=location,
        url=uri,
        content_type=content_type,
        published=(warc_date or "")[:10] or options.published,
        source=options.source,
        options=options,
    )
    meta = dict(doc.meta)
    meta["warc"] = {"date": warc_date, "record_id": record.rec_headers.get_header("WARC-Record-ID")}
    return _with_meta(doc, meta)


def _missing(record: Any) -> int:
    """Bytes of the record's declared length that the archive did not hold (0 when complete)."""
    return int(getattr(record.raw_stream, "limit", 0) or 0)


def _with_meta(doc: Document, meta: dict[str, Any]) -> Document:
    from dataclasses import replace

    return replace(doc, meta=meta)


class _Prefixed(io.RawIOBase):
    """A binary stream with its first bytes (already read for sniffing) put back in front."""

    def __init__(self, stream: IO[bytes], head: bytes) -> None:
        self._stream = stream
        self._head = head
        self.truncated = False

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self._head:
            data, self._head = self._head, b""
            rest = self._stream.read(-1 if size < 0 else max(size - len(data), 0))
            return self._seen(data + rest)
        return self._seen(self._stream.read(size))

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def _seen(self, data: bytes) -> bytes:
        return data

    def finish(self) -> bool:
        """Read what is left; True when the stream was cut off (only a gzip stream can tell)."""
        while self.read(1 << 16):
            pass
        return self.truncated


class _GzipCheck(_Prefixed):
    """Decompresses what passes through on the side, to tell a WARC.gz that ends cleanly from one
    cut off inside a gzip member (warcio stops silently on the latter)."""

    def __init__(self, stream: IO[bytes], head: bytes) -> None:
        super().__init__(stream, head)
        self._inflater = zlib.decompressobj(wbits=31)
        self._pending = False

    def _seen(self, data: bytes) -> bytes:
        chunk = data
        while chunk:
            try:
                self._inflater.decompress(chunk)
            except zlib.error:
                self.truncated = True
                return data
            self._pending = not self._inflater.eof
            chunk = self._inflater.unused_data if self._inflater.eof else b""
            if self._inflater.eof:
                self._inflater = zlib.decompressobj(wbits=31)
        return data

    def finish(self) -> bool:
        super().finish()
        return self.truncated or self._pending
