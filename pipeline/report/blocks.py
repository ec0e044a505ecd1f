"""The building blocks of the report: sections holding paragraphs, figures and tables.

A block is plain data (strings, numbers, lists); nothing here is markup. Every string that
reaches the page, corpus text above all, is escaped by the template (Jinja2 with
``autoescape=True``). Only :class:`Prose` written by the pipeline itself may carry markup, and
it is built with :class:`markupsafe.Markup` so any value interpolated into it is escaped too.
"""

from __future__ import annotations

import base64
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from markupsafe import Markup

__all__ = [
    "Concordance",
    "Figure",
    "Heading",
    "Missing",
    "Paragraph",
    "Prose",
    "Row",
    "Section",
    "Table",
    "format_cell",
    "table_block",
]


WIDE_TEXT_CHARS = 50
PLAIN_NUMBER_COLUMN = re.compile(r"(^|_)(year|id|k|topic|rank|position|record|n_folds)$")


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of plain text (escaped when rendered)."""

    text: str
    kind: str = "paragraph"


@dataclass(frozen=True)
class Prose:
    """Markup written by the pipeline (never corpus text): method notes, links."""

    markup: Markup
    kind: str = "prose"


@dataclass(frozen=True)
class Missing:
    """What a section would show had its table been computed in this run."""

    what: str
    kind: str = "missing"


@dataclass(frozen=True)
class Figure:
    """A chart inlined as a base64 PNG, with links to its PNG and SVG files."""

    title: str
    png_base64: str
    alt: str
    files: tuple[str, ...]
    kind: str = "figure"

    @classmethod
    def from_files(cls, paths: list[Path], *, title: str, alt: str, relative_to: Path) -> Figure:
        """Inline the PNG among ``paths`` and link every file relative to ``relative_to``."""
        png = next(p for p in paths if p.suffix == ".png")
        return cls(
            title=title,
            png_base64=base64.b64encode(png.read_bytes()).decode("ascii"),
            alt=alt,
            files=tuple(p.relative_to(relative_to).as_posix() for p in paths),
        )


@dataclass(frozen=True)
class Table:
    """The first rows of a table, formatted for display, and where the full table lives."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]
    wide: tuple[bool, ...]
    total_rows: int
    source: str | None
    kind: str = "table"


@dataclass(frozen=True)
class Heading:
    """A sub-heading within a section."""

    text: str
    kind: str = "heading"


@dataclass(frozen=True)
class Concordance:
    """The interactive concordance browser with its lines embedded as escaped JSON.

    ``json`` is the data block's content: JSON whose ``<``, ``>`` and ``&`` are written as
    ``\\u003c``, ``\\u003e``, ``\\u0026``, so no corpus string can close the ``<script>``
    element or open a comment in it (the JSON still parses to the same strings).
    """

    json: Markup
    embedded: int
    total_rows: int
    source: str | None
    kind: str = "concordance"


@dataclass(frozen=True)
class Row:
    """Blocks shown side by side (e.g. the leadership and management profiles)."""

    blocks: tuple[Any, ...]
    kind: str = "row"


@dataclass
class Section:
    """A numbered section of the report with its own anchor in the table of contents."""

    anchor: str
    title: str
    blocks: list[Any] = field(default_factory=list)


def format_cell(value: object, *, max_chars: int = 300) -> str:
    """Format one cell for display: thousands separators, 4 significant digits, cut long text."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    if isinstance(value, float | np.floating):
        number = float(value)
        if math.isnan(number):
            return ""
        if math.isinf(number):
            return "\u221e" if number > 0 else "-\u221e"
        if number.is_integer() and abs(number) < 1e15:
            return f"{number:,.0f}"
        if 100 <= abs(number) < 1e15:
            return f"{number:,.1f}"
        if number == 0 or abs(number) >= 1e-3:
            return f"{number:.4g}"
        return f"{number:.3g}"
    if isinstance(value, list | tuple | np.ndarray):
        text = ", ".join(format_cell(v, max_chars=max_chars) for v in value)
    else:
        text = str(value)
    text = " ".join(text.split())
    return text if len(text) <= max_chars else text[: max_chars - 1] + "\u2026"


def table_block(
    frame: pd.DataFrame,
    *,
    title: str,
    source: str | None,
    top_n: int,
    columns: list[str] | None = None,
    max_chars: int = 300,
) -> Table:
    """Build a :class:`Table` of the first ``top_n`` rows of ``frame`` (its order kept).

    Args:
        frame: The rows, already in display order.
        title: The table's heading.
        source: The file holding the full table (shown under the truncated one).
        top_n: How many rows to show.
        columns: The columns to show, in order; those absent from ``frame`` are skipped.
        max_chars: Longer text cells are cut with an ellipsis.
    """
    shown = [c for c in (columns or list(frame.columns)) if c in frame.columns]
    head = frame.loc[:, shown].head(top_n)
    numeric = tuple(pd.api.types.is_numeric_dtype(head[c]) and not pd.api.types.is_bool_dtype(head[c]) for c in shown)
    # years, ids and ranks are labels, not quantities: no thousands separator
    plain = [bool(PLAIN_NUMBER_COLUMN.search(str(c))) for c in shown]
    rows = tuple(
        tuple(
            str(v) if is_plain and isinstance(v, int | np.integer) else format_cell(v, max_chars=max_chars)
            for v, is_plain in zip(record, plain, strict=True)
        )
        for record in head.itertuples(index=False, name=None)
    )
    # a column of sentences needs room to be read; ids and short labels do not
    wide = tuple(
        bool(rows) and sorted(len(row[i]) for row in rows)[len(rows) // 2] >= WIDE_TEXT_CHARS for i in range(len(shown))
    )
    return Table(
        title=title,
        columns=tuple(str(c) for c in shown),
        rows=rows,
        numeric=numeric,
        wide=wide,
        total_rows=len(frame),
        source=source,
    )
