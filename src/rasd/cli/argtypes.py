"""Argparse types for numeric options: a value out of range is a usage error (exit 2) naming
the option, not a silently odd result (``--limit -1`` listing everything)."""

from __future__ import annotations

import argparse


def _integer(text: str, least: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < least:
        raise argparse.ArgumentTypeError(f"{value} is too small (at least {least})")
    return value


def positive(text: str) -> int:
    """A whole number ≥ 1 (limits, sizes)."""
    return _integer(text, 1)


def count(text: str) -> int:
    """A whole number ≥ 0 (worker counts, indents)."""
    return _integer(text, 0)
