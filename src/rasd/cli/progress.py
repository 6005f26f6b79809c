"""A progress bar on standard error for long runs (rich): documents done / total, and the rate.

The library reports progress through plain callbacks (``advance(n)`` after ``n`` more items, and
``set_total(n)`` once the total is known); this module renders them. The bar is off when standard
error is not a terminal, so logs and pipes stay clean.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text


class RateColumn(ProgressColumn):
    """Items per second, over the recent window rich keeps."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("—/s" if speed is None else f"{speed:,.1f}/s", style="progress.data.speed")


class CountColumn(ProgressColumn):
    """``done/total``, or just ``done`` while the total is not known yet."""

    def render(self, task: Task) -> Text:
        done = f"{int(task.completed):,}"
        total = "?" if task.total is None else f"{int(task.total):,}"
        return Text(f"{done}/{total}", style="progress.download")


@dataclass
class Bar:
    """The callbacks the library calls: ``advance(n)`` and ``set_total(n)``."""

    progress: Progress
    task: TaskID

    def advance(self, count: int) -> None:
        self.progress.advance(self.task, count)

    def set_total(self, total: int) -> None:
        self.progress.update(self.task, total=total)

    def __call__(self, count: int) -> None:
        self.advance(count)

    def add(self, description: str, *, total: int | None = None) -> Bar:
        """A second line on the same display (e.g. storing, after analysing)."""
        return Bar(self.progress, self.progress.add_task(description, total=total))


@contextmanager
def progress_bar(description: str = "documents", *, total: int | None = None) -> Iterator[Bar]:
    """A live bar while the block runs (disabled when stderr is not a terminal)."""
    console = Console(stderr=True)
    columns: list[Any] = [
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        CountColumn(),
        RateColumn(),
        TimeElapsedColumn(),
    ]
    progress = Progress(*columns, console=console, disable=not sys.stderr.isatty())
    with progress:
        yield Bar(progress, progress.add_task(description, total=total))
