"""RSS 2.0 and Atom feeds through feedparser (the ``html`` extra): one document per item.

The item's content (or, failing that, its summary) with the HTML stripped is the text; the item's
date is ``published``, its link ``url``, and the feed's title the ``source`` (outlet).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from rasd.document import Document, parse_published
from rasd.errors import InputError
from rasd.pipeline import Skip
from rasd.readers.options import DEFAULT_READ_OPTIONS, ReadOptions

log = logging.getLogger(__name__)

# Elements after which a line break keeps paragraphs apart in the stripped text.
_BLOCKS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "blockquote", "tr", "table", "section", "article"}
    | {"figure", "h1", "h2", "h3", "h4", "h5", "h6"}
)


def iter_feed(
    data: bytes | str, *, name: str, options: ReadOptions = DEFAULT_READ_OPTIONS
) -> Iterator[Document | Skip]:
    """Documents from an RSS/Atom feed: the bytes of a file, or a URL (a ``str``) that feedparser
    fetches. Item ``i`` (from 1) is located as ``name#item-i``. A feed too malformed to yield any
    item, or that cannot be fetched, is one `Skip`."""
    import feedparser

    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    entries = parsed.get("entries") or []
    if parsed.get("bozo") and not entries:
        problem = parsed.get("bozo_exception") or "not an RSS or Atom feed"
        what = "cannot fetch or parse the feed" if isinstance(data, str) else "malformed feed"
        yield Skip(name, f"{what}: {problem}")
        return
    if not entries:
        yield Skip(name, "feed with no items")
        return
    if parsed.get("bozo"):
        log.warning(
            "%s: feed is not well-formed (%s); read what could be parsed",
            name,
            parsed.get("bozo_exception"),
        )
    feed = parsed.get("feed") or {}
    for number, entry in enumerate(entries, start=1):
        location = f"{name}#item-{number}"
        try:
            yield _document(entry, feed, location=location, options=options)
        except InputError as err:
            yield Skip(location, str(err).removeprefix(f"{location}: "))


def _document(entry: Any, feed: Any, *, location: str, options: ReadOptions) -> Document:
    body = _body(entry)
    if len(body.encode("utf-8")) > options.max_bytes:
        raise InputError(f"{location}: item larger than the {options.max_bytes:,}-byte limit")
    text = strip_html(body)
    if not text:
        raise InputError(f"{location}: feed item with no content or summary text")
    return Document(
        text=text,
        published=_date(entry) or parse_published(options.published, name=f"{location}: published"),
        source=feed.get("title") or options.source,
        url=entry.get("link"),
        title=entry.get("title"),
        meta={"location": location, "feed": _feed_meta(entry, feed)},
    )


def _body(entry: Any) -> str:
    for content in entry.get("content") or []:
        value = content.get("value") or ""
        if value.strip():
            return str(value)
    return str(entry.get("summary") or "")


def _date(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            year, month, day, hour, minute, second = parsed[:6]
            return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    return None


def _feed_meta(entry: Any, feed: Any) -> dict[str, Any]:
    values = {
        "feed_title": feed.get("title"),
        "feed_link": feed.get("link"),
        "feed_language": feed.get("language"),
        "id": entry.get("id"),
        "author": entry.get("author"),
        "tags": [t.get("term") for t in entry.get("tags") or [] if t.get("term")],
    }
    return {k: v for k, v in values.items() if v not in (None, "", [])}


def strip_html(fragment: str) -> str:
    """Plain text of an HTML fragment, one line per block element (text as-is if no markup)."""
    if "<" not in fragment:
        return fragment.strip()
    import lxml.etree
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return fragment.strip()
    for bad in root.xpath("//script|//style"):
        bad.drop_tree()
    for node in root.iter():
        if isinstance(node.tag, str) and node.tag in _BLOCKS:
            node.tail = "\n" + (node.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().splitlines())
    return "\n".join(line for line in lines if line)
