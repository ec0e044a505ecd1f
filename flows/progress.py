"""Progress bars (rich) for long stages when a person is watching a terminal."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn


@contextlib.contextmanager
def progress_bar(description: str, total: int) -> Iterator[Callable[[int], None] | None]:
    """Yield a callback advancing a bar by n documents, or ``None`` when not on a terminal."""
    if not sys.stderr.isatty() or total <= 0:
        yield None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, transient=True) as progress:
        bar = progress.add_task(description, total=total)
        yield lambda n: progress.advance(bar, n)
