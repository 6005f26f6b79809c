"""``.zip`` and ``.gz`` archives, read with hard limits so that a zip bomb (a small archive that
inflates to gigabytes) is skipped with a reason instead of filling memory.

The declared sizes in a zip's directory are checked first (cheap), and every member is then read
with a bounded ``read(limit + 1)``, because declared sizes can lie.
"""

from __future__ import annotations

import gzip
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from rasd.errors import InputError
from rasd.pipeline import Skip

ZIP_BOMB_HINT = "a zip bomb or a dump; raise the limit (max_inflated_bytes) if it is real"


def inflate_gzip(source: Path | IO[bytes], *, name: str, limit: int) -> bytes:
    """All of a gzip stream's content, or `InputError` when it is corrupt, truncated or inflates
    past ``limit`` bytes."""
    try:
        with gzip.open(source, "rb") as stream:
            data = stream.read(limit + 1)
    except (OSError, EOFError, zlib.error) as err:
        raise InputError(f"{name}: truncated or corrupt gzip data: {err}") from err
    if len(data) > limit:
        raise InputError(f"{name}: inflates past the {limit:,}-byte limit ({ZIP_BOMB_HINT})")
    return data


def iter_zip_members(
    source: Path | IO[bytes], *, name: str, limit: int
) -> Iterator[tuple[str, bytes] | Skip]:
    """``(location, bytes)`` of each file in a zip archive, in name order, or a `Skip` for a
    member (or the whole archive) that cannot be read within ``limit`` inflated bytes in all."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, EOFError) as err:
        yield Skip(name, f"not a readable zip archive: {err}")
        return
    with archive:
        members = sorted(
            (i for i in archive.infolist() if not i.is_dir()), key=lambda i: i.filename
        )
        declared = sum(i.file_size for i in members)
        if declared > limit:
            yield Skip(
                name,
                f"declares {declared:,} bytes inflated, past the {limit:,}-byte limit "
                f"({ZIP_BOMB_HINT})",
            )
            return
        budget = limit
        for info in members:
            location = f"{name}!{info.filename}"
            try:
                with archive.open(info) as stream:
                    data = stream.read(budget + 1)
            except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, zlib.error) as err:
                yield Skip(location, f"unreadable zip member: {err}")
                continue
            if len(data) > budget:
                yield Skip(
                    location,
                    f"archive inflates past the {limit:,}-byte limit ({ZIP_BOMB_HINT}); "
                    "the rest of the archive is skipped",
                )
                return
            budget -= len(data)
            yield location, data
