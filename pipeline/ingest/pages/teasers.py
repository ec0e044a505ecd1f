"""A listing of teasers: one ``teaser`` record per block, with its title, date and by-line."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pipeline.ingest.dates import parse_date_line
from pipeline.ingest.pages.lines import Line, LineReader, join_lines, split_units
from pipeline.ingest.pages.shapes import (
    is_heading,
    is_meta_line,
    is_prose,
    is_relative,
    is_truncated,
    iso_year,
    read_byline,
)
from pipeline.ingest.records import PageRecord


def teasers(reader: LineReader) -> list[PageRecord]:
    """One teaser per unit (block, or line on a page without blank lines).

    Date, stamp and by-line lines at the top of a unit go to the teaser's fields. A heading
    line opening a unit of several lines is its title. A unit made of one heading line is the
    title of the next unit only when the listing is titled, i.e. its first unit is such a
    heading or the previous teaser had a title; otherwise it is a teaser of its own, since
    teasers are often one short quotation with no full stop.
    """
    records: list[PageRecord] = []
    pending: dict[str, str] = {}
    units = _after_page_heading(reader, split_units(reader.lines, by_run=True), pending)
    titled = False
    for position, unit in enumerate(units):
        following = units[position + 1] if position + 1 < len(units) else None
        if not records and set(pending) <= {"page_heading"}:
            unit = _after_labels(reader, unit, pending)
        body = _unit_body(reader, unit, following, pending, may_title=titled or not records)
        if len(body) > 1 and "date_text" not in pending and is_meta_line(body[-1].text):
            # A date or stamp line under the teaser text.
            last = body.pop()
            date = parse_date_line(last.text)
            if date:
                pending["date"] = date
            pending["date_text"] = last.text
        if not body:
            continue
        records.append(_teaser(body, pending))
        titled = "title" in pending
        pending = {}
    if pending:
        # Metadata with no text after it: keep it rather than lose it.
        records.append(_teaser([], pending))
    return records


def _after_page_heading(reader: LineReader, units: list[list[Line]], pending: dict[str, str]) -> list[list[Line]]:
    """The units after the page's own heading, which goes to ``pending["page_heading"]``.

    Units of heading lines only at the top, each followed by another unit that opens with a
    heading (site name, menu entries), are the page's own heading, not teasers.
    """
    lead = 0
    while (
        lead + 1 < len(units)
        and all(is_heading(line.text) and not is_meta_line(line.text) for line in units[lead])
        and is_heading(units[lead + 1][0].text)
    ):
        lead += 1
    if not lead:
        return units
    pending["page_heading"] = " / ".join(reader.strip_link_suffix(line).text for unit in units[:lead] for line in unit)
    return units[lead:]


def _after_labels(reader: LineReader, unit: list[Line], pending: dict[str, str]) -> list[Line]:
    """The first unit without the labels above its title, which join ``pending["page_heading"]``."""
    first_prose = next((k for k, line in enumerate(unit) if is_prose(line.text)), 0)
    headings = [k for k in range(first_prose) if not is_meta_line(unit[k].text)]
    if len(headings) <= 1:
        return unit
    labels = [unit[k] for k in headings[:-1]]
    heading = " / ".join(reader.strip_link_suffix(line).text for line in labels)
    if "page_heading" in pending:
        heading = pending["page_heading"] + " / " + heading
    pending["page_heading"] = heading
    return [line for line in unit if line not in labels]


def _unit_body(
    reader: LineReader, unit: list[Line], following: list[Line] | None, pending: dict[str, str], *, may_title: bool
) -> list[Line]:
    """Read the date, stamp, by-line and title lines at the top of ``unit`` into ``pending``.

    A lone heading line titles the next unit when that opens with prose and ``may_title``.

    Returns:
        The lines of the teaser's text.
    """
    body: list[Line] = []
    for line in unit:
        date = parse_date_line(line.text)
        byline = read_byline(line.text)
        if body:
            body.append(line)
        elif date and "date_text" not in pending:
            pending["date"], pending["date_text"] = date, line.text
        elif is_relative(line.text) and "date_text" not in pending:
            pending["date_text"] = line.text
        elif byline and "author" not in pending:
            pending["author"] = byline.name
            pending["byline"] = line.text
        elif (is_heading(line.text) and "title" not in pending and line is not unit[-1]) or (
            is_heading(line.text)
            and "title" not in pending
            and len(unit) == 1
            and following is not None
            and is_prose(following[0].text)
            and may_title
        ):
            pending["title"] = reader.strip_link_suffix(line).text
        else:
            body.append(line)
    return body


def _teaser(body: Sequence[Line], pending: Mapping[str, str]) -> PageRecord:
    text = join_lines(body)
    if not text:
        # Metadata with no text after it: its last line becomes the text.
        key = next(k for k in ("title", "page_heading", "byline", "date_text") if k in pending)
        text, pending = pending[key], {k: v for k, v in pending.items() if k != key}
    meta = {k: v for k, v in pending.items() if k in ("date_text", "byline", "page_heading")}
    date = pending.get("date")
    return PageRecord(
        doc_type="teaser",
        text=text,
        title=pending.get("title"),
        author=pending.get("author"),
        date=date,
        year=iso_year(date),
        truncated=is_truncated(text),
        meta=meta,
    )
