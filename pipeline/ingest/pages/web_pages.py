"""A page, or part of one, of no other shape: one ``web_page`` record."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.ingest.pages.lines import Line, LineReader, join_lines
from pipeline.ingest.pages.shapes import is_heading, is_prose, is_truncated
from pipeline.ingest.records import PageRecord

_MAX_LEAD_HEADINGS = 8


def web_page(reader: LineReader, lines: Sequence[Line]) -> PageRecord:
    """One record holding every line; a first heading line followed by more text is the title."""
    lines = list(lines)
    title = None
    meta: dict[str, str] = {}
    first_prose = next((k for k, line in enumerate(lines) if is_prose(line.text)), 0)
    if 1 <= first_prose <= _MAX_LEAD_HEADINGS and all(is_heading(line.text) for line in lines[:first_prose]):
        # Heading lines over the first prose: the nearest is the title, those above it
        # (site name, menu entries, breadcrumbs) the page's own heading.
        if first_prose > 1:
            meta["page_heading"] = " / ".join(reader.strip_link_suffix(line).text for line in lines[: first_prose - 1])
        title = reader.strip_link_suffix(lines[first_prose - 1]).text
        lines = lines[first_prose:]
    text = join_lines(lines)
    return PageRecord(doc_type="web_page", text=text, title=title, truncated=is_truncated(text), meta=meta)
