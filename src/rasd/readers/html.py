"""HTML pages: main text, title, date and outlet through trafilatura (the ``html`` extra).

trafilatura drops menus, boilerplate and (by default) comments; its metadata is kept in
``Document.meta["html"]``. Bytes are decoded here, not by trafilatura, so that Windows-1256 pages
come out right: the charset a page declares (HTTP header or ``<meta>``) is tried first, then
`rasd.text.decode` sniffs UTF-8 / UTF-16 / Windows-1256 / ISO-8859-6.
"""

from __future__ import annotations

import codecs
import logging
import re
from typing import Any

from rasd.document import Document, parse_published
from rasd.errors import InputError
from rasd.readers.options import DEFAULT_READ_OPTIONS, ReadOptions
from rasd.text import decode

log = logging.getLogger(__name__)

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_WESTERN = frozenset({"ascii", "latin-1", "iso8859-1", "cp1252"})
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# trafilatura metadata kept in Document.meta (``filedate`` is left out: it is the extraction day,
# which would make two runs on the same page differ).
_META_FIELDS = (
    "author",
    "hostname",
    "sitename",
    "date",
    "description",
    "categories",
    "tags",
    "language",
    "pagetype",
    "license",
    "image",
    "fingerprint",
)


def decode_html(data: bytes, *, name: str, content_type: str | None = None) -> str:
    """Decode an HTML page: the charset it declares, else sniffed by `rasd.text.decode`."""
    for declared in (_charset_from_header(content_type), _charset_from_meta(data)):
        if declared is None:
            continue
        if declared in _WESTERN:  # often mislabelled Arabic pages: sniff first
            try:
                return decode(data, name=name)
            except InputError:
                pass
        try:
            return data.decode(declared)
        except UnicodeDecodeError:
            log.debug("%s: not valid %s as declared; sniffing the encoding", name, declared)
    return decode(data, name=name)


def _charset_from_header(content_type: str | None) -> str | None:
    match = _HEADER_CHARSET.search(content_type or "")
    return _known_codec(match.group(1)) if match else None


def _charset_from_meta(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    return _known_codec(match.group(1).decode("ascii")) if match else None


def _known_codec(label: str) -> str | None:
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def document_from_html(
    data: bytes | str,
    *,
    location: str,
    url: str | None = None,
    content_type: str | None = None,
    published: str | None = None,
    source: str | None = None,
    options: ReadOptions = DEFAULT_READ_OPTIONS,
) -> Document:
    """One article from an HTML page. Raises `InputError` (naming ``location``) when the page is
    too big or holds no main text. ``published``/``source`` are used when the page has none."""
    import trafilatura

    if len(data) > options.max_bytes:
        raise InputError(
            f"{location}: {len(data):,} bytes is larger than the {options.max_bytes:,}-byte "
            "limit for one page"
        )
    html = (
        data
        if isinstance(data, str)
        else decode_html(data, name=location, content_type=content_type)
    )
    html = _XML_DECLARATION.sub("", html, count=1)  # lxml refuses str input with one
    result = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=options.include_comments,
        deduplicate=False,
    )
    text = (getattr(result, "text", None) or "").strip()
    if result is None or isinstance(result, dict) or not text:
        raise InputError(
            f"{location}: HTML page with no main text (nothing left after boilerplate)"
        )
    return Document(
        text=text,
        published=_published(result.date, published, location),
        source=result.sitename or result.hostname or source,
        url=url or result.url,
        title=result.title,
        meta={"location": location, "html": _metadata(result)},
    )


def _published(found: str | None, fallback: str | None, location: str) -> Any:
    if found and _ISO_DATE.match(found):
        return parse_published(found, name=f"{location}: date")
    return parse_published(fallback, name=f"{location}: published")


def _metadata(result: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in _META_FIELDS:
        value = getattr(result, name, None)
        if value in (None, "", []):
            continue
        out[name] = list(value) if isinstance(value, list | tuple) else str(value)
    return out
