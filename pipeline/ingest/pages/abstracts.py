"""A listing of papers (journal contents, PubMed results): one ``abstract`` record per paper."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from pipeline.ingest.dates import MONTHS, parse_date_line
from pipeline.ingest.pages.lines import Line, LineReader, join_lines
from pipeline.ingest.pages.shapes import (
    JOURNAL_CITATION,
    MAX_HEADING_WORDS,
    is_author_list,
    is_heading,
    is_prose,
    is_truncated,
    read_byline,
    read_record_id,
    venue_year,
    word_count,
)
from pipeline.ingest.pages.web_pages import web_page
from pipeline.ingest.records import PageRecord


def is_paper_head(lines: Sequence[Line], position: int) -> bool:
    """A title line, an authors line ("Smith J, Jones K."), then a citation or DOI/PMID line.

    The title may end in a full stop here (database listings write titles that way).
    """
    if position + 2 >= len(lines):
        return False
    title, authors, after = lines[position], lines[position + 1], lines[position + 2]
    return (
        word_count(title.text) <= 2 * MAX_HEADING_WORDS
        and any(ch.isalpha() for ch in title.text)
        and not venue_year(title.text)
        and not read_record_id(title.text)
        and not is_author_list(title.text)
        and is_author_list(authors.text)
        and read_byline(authors.text) is None
        and all(len(name.split()) >= 2 for name in re.split(r"\s*(?:[,;&]|\band\b)\s*", authors.text) if name)
        and bool(venue_year(after.text) or read_record_id(after.text))
    )


def is_paper_title(text: str) -> bool:
    """A heading that can title a paper: not a month, date, year or by-line, and above a
    bare year line at least three words long (archive menus list "January" over "2017")."""
    return (
        is_heading(text)
        and not venue_year(text)
        and parse_date_line(text) is None
        and text.casefold().rstrip(".") not in MONTHS
        and read_byline(text) is None
    )


def count_citation_units(lines: Sequence[Line]) -> int:
    """Heading lines directly followed by a "Venue, 2011" or bare-year line, and paper heads
    (title, authors line, citation or DOI line)."""
    count = 0
    for position, (previous, line) in enumerate(zip(lines, lines[1:], strict=False)):
        citation = venue_year(line.text)
        titled = (
            citation and is_paper_title(previous.text) and (citation[0] is not None or word_count(previous.text) >= 3)
        )
        if titled or is_paper_head(lines, position):
            count += 1
    return count


@dataclass
class _Paper:
    """An abstract being read: its heading, citation line fields and body lines."""

    title: str
    author: str | None = None
    venue: str | None = None
    year: int | None = None
    body: list[Line] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)


def abstracts(reader: LineReader) -> list[PageRecord]:
    """Papers: a heading line, an optional "Venue, Year" line, then the abstract.

    A heading line opens a paper when the next line is a citation line or prose. Heading
    lines before the first paper are the page's own heading (``meta["page_heading"]``, e.g.
    the paper the listing hangs from); prose before it becomes a ``web_page``.
    """
    papers: list[_Paper] = []
    preamble: list[Line] = []
    position = 0
    while position < len(reader.lines):
        position = _read_line(reader, position, papers, preamble)
    records: list[PageRecord] = []
    heading_lines = [line for line in preamble if is_heading(line.text)]
    page_heading = " / ".join(reader.strip_link_suffix(line).text for line in heading_lines)
    intro = [line for line in preamble if not is_heading(line.text)]
    if intro:
        records.append(web_page(reader, intro))
    records.extend(_abstract(paper, page_heading) for paper in papers)
    return records


def _read_line(reader: LineReader, position: int, papers: list[_Paper], preamble: list[Line]) -> int:
    """Read the line at ``position`` into the current paper, a new paper or the preamble.

    Returns:
        The position of the next line to read.
    """
    lines = reader.lines
    line = lines[position]
    following = lines[position + 1] if position + 1 < len(lines) else None
    after = lines[position + 2] if position + 2 < len(lines) else None
    current = papers[-1] if papers else None
    citation = venue_year(line.text)
    record_id = read_record_id(line.text)
    if citation and current is not None and not current.body and current.year is None:
        current.venue, current.year = citation
        if JOURNAL_CITATION.fullmatch(line.text):
            # Volume, issue and pages are kept with the line as written.
            current.meta["citation"] = line.text
    elif record_id and current is not None and not current.body and record_id[0] not in current.meta:
        current.meta[record_id[0]] = record_id[1]
        reader.drop_label(line, line.text[: line.text.find(record_id[1])].strip())
    elif following is not None and (
        is_paper_head(lines, position)
        or (
            is_heading(line.text)
            and not citation
            and after is not None
            and is_author_list(following.text)
            and venue_year(after.text)
        )
    ):
        # Title, authors line, then a citation or DOI line.
        papers.append(_Paper(reader.strip_link_suffix(line).text, author=following.text))
        return position + 2
    elif (
        is_heading(line.text)
        and not citation
        and following is not None
        and (venue_year(following.text) or is_prose(following.text))
    ):
        papers.append(_Paper(reader.strip_link_suffix(line).text))
    elif current is None:
        preamble.append(line)
    else:
        current.body.append(line)
    return position + 1


def _abstract(paper: _Paper, page_heading: str) -> PageRecord:
    text = join_lines(paper.body)
    return PageRecord(
        doc_type="abstract",
        text=text,
        title=paper.title,
        author=paper.author,
        venue=paper.venue,
        date=None if paper.year is None else f"{paper.year:04d}",
        year=paper.year,
        truncated=is_truncated(text),
        meta={**paper.meta, **({"page_heading": page_heading} if page_heading else {})},
    )
