"""``segment_page``: a scraped page in, its documents out; and ``lost_lines``, the audit.

The line reader drops the furniture, ``_page_type`` recognises the page's shape from its line
shapes and the furniture it carried, and the reader of that shape (teasers, abstracts, a post
and its comments, or one web page) makes the records.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.ingest.pages.abstracts import abstracts, count_citation_units
from pipeline.ingest.pages.furniture import STRONG_POST_KINDS
from pipeline.ingest.pages.lines import Line, LineReader, split_units
from pipeline.ingest.pages.posts import post_and_comments
from pipeline.ingest.pages.shapes import (
    COMMENT_HEADER,
    is_comment_start,
    is_heading,
    is_prose,
    is_truncated,
    read_byline,
    word_count,
)
from pipeline.ingest.pages.teasers import teasers
from pipeline.ingest.pages.web_pages import web_page
from pipeline.ingest.records import PageRecord

__all__ = ["Segmentation", "lost_lines", "segment_page"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Segmentation:
    """The documents found on one page and what was dropped on the way.

    Attributes:
        page_type: ``teaser_listing``, ``blog_post``, ``abstract_listing`` or ``web_page``.
        records: The documents, in page order; a post precedes its comments.
        boilerplate_lines: Number of furniture items dropped (``len(dropped)``).
        duplicate_paragraphs: Verbatim repeated paragraphs collapsed (each kept once).
        dropped: The furniture dropped, in page order: whole lines, link-label fragments
            cut from the end of a heading (e.g. ``(original) (raw)``), and labels cut from
            lines whose value went to ``meta`` (``Tags:``, ``doi:``, ``PMID:``).
    """

    page_type: str
    records: tuple[PageRecord, ...]
    boilerplate_lines: int
    duplicate_paragraphs: int
    dropped: tuple[str, ...]


_ARTICLE_WORDS = 250

_ARTICLE_PARAGRAPHS = 6


def _has_article_body(units: Sequence[Sequence[Line]]) -> bool:
    """A long stretch of running text: consecutive prose paragraphs, none cut short, of at
    least ``_ARTICLE_WORDS`` words over at least ``_ARTICLE_PARAGRAPHS`` paragraphs (or twice
    the words in fewer). Teasers are short and often cut; an article page is not a listing
    of its own paragraphs, whatever pager or "Read more" links its sidebars carry."""
    paragraphs = words = 0
    for unit in units:
        if all(is_prose(line.text) for line in unit) and not is_truncated(unit[-1].text):
            paragraphs += 1
            words += sum(word_count(line.text) for line in unit)
            if words >= _ARTICLE_WORDS and (paragraphs >= _ARTICLE_PARAGRAPHS or words >= 2 * _ARTICLE_WORDS):
                return True
        else:
            paragraphs = words = 0
    return False


def _page_type(reader: LineReader) -> str:
    """Recognise the page's shape from its line shapes and the furniture it carried.

    In order: citation lines under headings make an abstract listing; an author box or
    ``#123`` comment headers make a post; several prose blocks with listing furniture (a pager,
    "Read more") or "..." endings make a teaser listing, unless the page holds a long stretch
    of running text (``_has_article_body``); comment prompts, counters, a
    "Comments" label or relative stamps make a post; a heading over a by-line or under a
    "Blog" label makes a post; anything else is a web page.
    """
    lines = reader.lines
    if not lines:
        return "empty"
    kinds = {kind for _, kind in reader.kinds}
    if count_citation_units(lines) >= 2:
        return "abstract_listing"
    if "about_author" in kinds or any(COMMENT_HEADER.fullmatch(line.text) for line in lines):
        return "blog_post"
    units = split_units(lines, by_run=True)
    prose_units = [unit for unit in units if any(is_prose(line.text) for line in unit)]
    truncated = sum(is_truncated(unit[-1].text) for unit in prose_units)
    # A listing is mostly teasers: a page whose text blocks are mostly lone headings (menus,
    # link lists around an article) is not one, whatever links it carries.
    article = _has_article_body(units) or len(prose_units) * 3 < len(units)
    if len(prose_units) >= 2 and ("listing" in kinds or truncated >= 2) and not article:
        return "teaser_listing"
    if kinds & STRONG_POST_KINDS or any(is_comment_start(line.text) for line in lines):
        return "blog_post"
    if len(prose_units) >= 3 and truncated and not article:
        return "teaser_listing"
    has_byline = any(read_byline(line.text) for line in lines[:6])
    if ("blog" in kinds or has_byline) and is_heading(lines[0].text) and len(lines) > 1:
        return "blog_post"
    return "web_page"


def segment_page(text: str, *, min_duplicate_words: int = 3) -> Segmentation:
    """Split a scraped page (plain text) into documents, dropping site furniture.

    Args:
        text: The page as plain text, one visual line per line.
        min_duplicate_words: A prose line (a paragraph, or one line of a paragraph) of at least
            this many words that repeats one earlier on the page verbatim (up to runs of
            whitespace) is kept once; each repeat is counted in ``duplicate_paragraphs``.
            Headings, names and other short lines may legitimately repeat and are kept.

    Returns:
        The page type, one ``PageRecord`` per document in page order (a post before its
        comments, whose ``parent`` is the post's index), and the furniture dropped. A blank
        page, or one of furniture only, is a ``web_page`` with no records.
    """
    reader = LineReader(text, min_duplicate_words=min_duplicate_words)
    page_type = _page_type(reader)
    records: list[PageRecord] = []
    if page_type == "empty":
        page_type = "web_page"
    elif page_type == "abstract_listing":
        records = abstracts(reader)
    elif page_type == "blog_post":
        records = post_and_comments(reader)
    elif page_type == "teaser_listing":
        records = teasers(reader)
    else:
        records = [web_page(reader, reader.lines)]
    logger.debug(
        "page_type=%s records=%d dropped=%d duplicates=%d",
        page_type,
        len(records),
        len(reader.dropped),
        reader.duplicates,
    )
    return Segmentation(
        page_type=page_type,
        records=tuple(records),
        boilerplate_lines=len(reader.dropped),
        duplicate_paragraphs=reader.duplicates,
        dropped=tuple(reader.dropped),
    )


def _record_fields(record: PageRecord) -> list[str]:
    values = [
        record.text,
        record.title,
        record.author,
        record.author_role,
        record.organisation,
        record.author_bio,
        record.venue,
        record.date,
        None if record.year is None else str(record.year),
        *record.meta.values(),
    ]
    return [value for value in values if value]


def lost_lines(text: str, segmentation: Segmentation) -> list[str]:
    """The non-blank input lines that landed in no record and were not dropped as furniture.

    The audit of "nothing silently lost": empty for every page the segmenter handles. A line
    counts as kept when, whitespace-normalised, it appears inside a kept field (text or any
    metadata) or a dropped item, or when every word of it does (a line split into fields, such
    as "Venue, 2011" or "#12 Name").
    """
    kept = [value for record in segmentation.records for value in _record_fields(record)]
    haystack = "\n".join([*kept, *segmentation.dropped])
    flat = " ".join(haystack.split())
    words = set(re.findall(r"\w+", haystack.casefold()))
    lost = []
    for raw in re.split(r"\r\n|\r|\n", text):
        line = " ".join(raw.split())
        if line and line not in flat and not set(re.findall(r"\w+", line.casefold())) <= words:
            lost.append(line)
    return lost
