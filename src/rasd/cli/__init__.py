"""The ``rasd`` command line: a thin skin over the library.

Each command lives in its own module ``rasd.cli.<name>`` with a ``register(subparsers)`` function;
a command parses its arguments, calls one public library function and renders the result.
Exit codes: 0 ok, 1 bad input (any `RasdError` or unreadable file), 2 usage.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence
from typing import Any

from rasd import __version__
from rasd.errors import RasdError

# Command modules, in the order `rasd --help` lists them.
COMMANDS = ("read", "ingest", "events", "search", "export", "eval", "train", "serve")

EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rasd",
        description="rasd (رصد): Arabic news to structured, sourced event data.",
    )
    parser.add_argument("--version", action="version", version=f"rasd {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="log more (-vv: debug)")
    register_modules(
        parser.add_subparsers(dest="command", metavar="COMMAND"), "rasd.cli.", COMMANDS
    )
    return parser


def register_modules(subparsers: Any, prefix: str, names: Sequence[str]) -> None:
    """Let each module ``prefix + name`` add its sub-command (its ``register(subparsers)``)."""
    for name in names:
        importlib.import_module(prefix + name).register(subparsers)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    level = logging.WARNING - 10 * min(args.verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args.func(args) or EXIT_OK)
    except RasdError as err:
        print(f"rasd: error: {err}", file=sys.stderr)
        return EXIT_INPUT
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        print("rasd: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
