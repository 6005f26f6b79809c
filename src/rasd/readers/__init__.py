"""Readers: turn files, folders, archives and streams into `Document` objects, or `Skip` records
that say where an input was and why it was not read (every input is accounted for).

`iter_documents` is the one entry point for paths: plain text, JSON/JSONL, HTML pages (trafilatura),
RSS/Atom feeds (feedparser), WARC archives (warcio) and ``.zip``/``.gz`` of any of these. The
HTML, feed and WARC readers need the ``html`` extra and import it only when used.
"""

from __future__ import annotations

from rasd.readers.dispatch import detect_kind, iter_bytes, iter_documents, iter_input_files
from rasd.readers.options import DEFAULT_READ_OPTIONS, ReadOptions, arabic_share, check_language
from rasd.readers.plain import (
    DEFAULT_FIELDS,
    MAX_DOCUMENT_BYTES,
    FieldNames,
    document_from_bytes,
    document_from_file,
    document_from_record,
    iter_json,
    iter_jsonl,
    read_bytes,
    read_text,
)

__all__ = [
    "DEFAULT_FIELDS",
    "DEFAULT_READ_OPTIONS",
    "MAX_DOCUMENT_BYTES",
    "FieldNames",
    "ReadOptions",
    "arabic_share",
    "check_language",
    "detect_kind",
    "document_from_bytes",
    "document_from_file",
    "document_from_record",
    "iter_bytes",
    "iter_documents",
    "iter_input_files",
    "iter_json",
    "iter_jsonl",
    "read_bytes",
    "read_text",
]
