"""Options shared by every reader, and the language check that keeps non-Arabic text out."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rasd.document import Document
from rasd.pipeline import Skip
from rasd.readers.plain import DEFAULT_FIELDS, MAX_DOCUMENT_BYTES, FieldNames

MAX_CONTAINER_BYTES = 2_000_000_000
"""Largest feed, JSON array or archive member read into memory at once (2 GB)."""

MAX_INFLATED_BYTES = 1_000_000_000
"""Most bytes one ``.zip``/``.gz`` may inflate to (1 GB): past it the archive is a zip bomb or a
mistake, and is skipped with a reason instead of filling memory or disk."""

# Runs of what is *not* a letter / an Arabic letter: deleting them and measuring what is left is
# about twice as fast as finding every letter.
_NOT_LETTER = re.compile(r"[\W\d_]+")
_NOT_ARABIC_LETTER = re.compile("[^\u0621-\u063a\u0641-\u064a\u0671-\u06d3\u06fa-\u06fc]+")


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How `rasd.readers.iter_documents` reads its inputs (one frozen object, passed explicitly).

    ``published`` and ``source`` (from the command line) override JSON fields, as in `rasd read`,
    and fill in HTML and feed documents that lack their own; the byte limits
    bound what one input may make rasd hold in memory; ``min_arabic`` is the least share of
    Arabic letters among all letters for a document to count as Arabic (0 turns the check off).
    """

    fields: FieldNames = DEFAULT_FIELDS
    published: str | None = None
    source: str | None = None
    max_bytes: int = MAX_DOCUMENT_BYTES
    max_container_bytes: int = MAX_CONTAINER_BYTES
    max_inflated_bytes: int = MAX_INFLATED_BYTES
    min_arabic: float = 0.5
    include_comments: bool = False
    html_kinds: tuple[str, ...] = field(default=("text/html", "application/xhtml+xml"))


DEFAULT_READ_OPTIONS = ReadOptions()


LANGUAGE_SAMPLE = 6000
"""Characters from the start of a document that the language check looks at (enough to tell, and
it keeps the check cheap on long documents)."""


def arabic_share(text: str, *, sample: int = LANGUAGE_SAMPLE) -> tuple[float, int]:
    """(share of Arabic letters among all letters, number of letters) in the first ``sample``
    characters of ``text``."""
    head = text[:sample]
    letters = len(_NOT_LETTER.sub("", head))
    if not letters:
        return 0.0, 0
    return len(_NOT_ARABIC_LETTER.sub("", head)) / letters, letters


def check_language(doc: Document, options: ReadOptions, *, location: str) -> Document | Skip:
    """The document itself, or a `Skip` "not Arabic (…)" saying what was found."""
    if options.min_arabic <= 0:
        return doc
    share, letters = arabic_share(doc.text)
    if share >= options.min_arabic:
        return doc
    if not letters:
        found = "no letters at all"
    else:
        found = f"{share:.0%} Arabic letters among {letters:,} letters"
    return Skip(location, f"not Arabic ({found}; at least {options.min_arabic:.0%} needed)")
