"""A post: its title, date, author and biography, then its comment thread.

The body runs from the title to the "About the author" label or the comment thread; what stands
between the post and the thread (a "Related articles" aside, dated headlines in a sidebar) is
kept apart as ``web_page`` records.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from pipeline.ingest.dates import parse_date_line
from pipeline.ingest.pages.comments import comment, comment_groups
from pipeline.ingest.pages.furniture import SECTION_KINDS
from pipeline.ingest.pages.lines import Line, LineReader, join_lines
from pipeline.ingest.pages.shapes import (
    COMMENT_HEADER,
    is_affiliation,
    is_author_start,
    is_comment_start,
    is_heading,
    is_meta_line,
    is_name,
    is_prose,
    is_relative,
    is_thread_start,
    is_truncated,
    iso_year,
    read_byline,
)
from pipeline.ingest.records import PageRecord

_LABEL_REACH = 3

_TAXONOMY = re.compile(
    r"(?P<key>categories|category|tags|tagged(?: with)?|filed under|posted in|topics|keywords)"
    r"\s*:?\s+(?P<value>\S.{0,300})",
    re.IGNORECASE,
)

_TAXONOMY_KEYS = {
    "categories": "categories",
    "category": "categories",
    "filed under": "categories",
    "posted in": "categories",
    "tags": "tags",
    "tagged": "tags",
    "tagged with": "tags",
    "topics": "tags",
    "keywords": "keywords",
}


@dataclass
class _PostHead:
    """Fields of a post read so far."""

    title: str | None = None
    author: str | None = None
    role: str | None = None
    date: str | None = None
    bio: str | None = None
    meta: dict[str, str] = field(default_factory=dict)


def post_and_comments(reader: LineReader) -> list[PageRecord]:
    """A post (title, date, author, body, biography) followed by its comments.

    The post's body runs from its title to the "About the author" label or the comment
    thread. The biography runs from that label to the next section label (or the thread); a
    name line opening it is the author. Content between the biography and the thread (e.g.
    under a "Jobs" label) becomes a ``web_page`` with ``meta["section"]``.
    """
    lines = reader.lines
    first_prose = next((line.index for line in lines if is_prose(line.text)), lines[-1].index)
    thread = _thread_start(reader, first_prose)
    about = reader.first_kind("about_author")
    if about is not None and about > thread:
        about = None
    # A section label ("Related articles", "Most read") under the post's text closes it; what
    # follows, up to the thread, is kept apart as a web page.
    section_label = next(
        (i for i, kind in reader.kinds if kind == "section" and first_prose < i < thread and about is None),
        None,
    )
    body_stop = about if about is not None else thread
    if section_label is not None:
        body_stop = section_label

    head = _PostHead()
    body = _post_head(reader, [line for line in lines if line.index < body_stop], head)
    body = _taxonomy(reader, body, head.meta)
    aside: list[Line] = []
    if section_label is not None:
        aside = [line for line in lines if section_label < line.index < thread]
    if about is not None:
        aside = _biography(reader, about, thread, head)
    records = [_post_record(join_lines(body), head)]
    if aside:
        records.append(_section_record(reader, aside))
    records.extend(_thread_records(reader, [line for line in lines if line.index >= thread]))
    return records


def _thread_start(reader: LineReader, first_prose: int) -> int:
    """Line index where the comment thread starts; past the last line when there is none.

    The thread starts at the first reply (``_first_reply``) or right after a "Comments" label
    (``_comments_label``), whichever comes first.
    """
    thread = _first_reply(reader, first_prose)
    label = _comments_label(reader, first_prose)
    return thread if label is None else min(thread, label)


def _first_reply(reader: LineReader, first_prose: int) -> int:
    """Line index of the first reply: a "#123 Name" header below the top line, or a stamp or
    "Name says:" line after the post's first prose; past the last line when there is none."""
    lines = reader.lines
    last_index = lines[-1].index
    # On a forum page every post has a by-line: one below the first post's text opens a reply.
    post_byline = any(read_byline(line.text) for line in lines if line.index < first_prose)
    # A bare stamp ("13 hours ago") opens the thread only under a comment label or prompt:
    # elsewhere it dates a headline in a sidebar.
    signal = min((i for i, kind in reader.kinds if kind in ("comments", "prompt")), default=last_index + 1)
    starts = [
        position
        for position, line in enumerate(lines)
        if (
            line.index > first_prose
            and is_comment_start(line.text)
            and (line.index > signal or is_author_start(line.text))
        )
        or (line.index > lines[0].index and COMMENT_HEADER.fullmatch(line.text))
        or (post_byline and line.index > first_prose and read_byline(line.text))
    ]
    if not starts:
        return last_index + 1
    position = starts[0]
    above = lines[position - 1] if position > 0 else None
    if (
        above is not None
        and above.index > first_prose
        and above.run == lines[position].run
        and is_author_start(lines[position].text)
        and is_heading(above.text)
        and not is_meta_line(above.text)
    ):
        # A reply's title ("Re: ...") over its by-line opens the thread.
        return above.index
    return lines[position].index


def _comments_label(reader: LineReader, first_prose: int) -> int | None:
    """Line index of a "Comments" label that opens the thread: one that a comment header, stamp
    or by-line follows closely; elsewhere (a "Comment" button under the headline) it opens nothing."""
    return next(
        (
            i
            for i, kind in reader.kinds
            if kind == "comments"
            and i > first_prose
            and any(
                is_thread_start(line.text) for line in [line for line in reader.lines if line.index > i][:_LABEL_REACH]
            )
        ),
        None,
    )


def _biography(reader: LineReader, about: int, thread: int, head: _PostHead) -> list[Line]:
    """Read the biography under the "About the author" label at ``about`` into ``head``.

    The biography runs to the next section label (or the thread); a name line opening it is the
    author (or, when the by-line named one, ``meta["bio_name"]``).

    Returns:
        The lines after the biography and before the thread.
    """
    bio_lines = [line for line in reader.lines if about < line.index < thread]
    bio_stop = next((i for i, kind in reader.kinds if i > about and kind in SECTION_KINDS), thread)
    aside = [line for line in bio_lines if line.index > bio_stop]
    bio_lines = [line for line in bio_lines if line.index < bio_stop]
    if bio_lines and is_name(bio_lines[0].text):
        if head.author is None:
            head.author = bio_lines[0].text
        else:
            head.meta["bio_name"] = bio_lines[0].text
        bio_lines = bio_lines[1:]
    if bio_lines:
        head.bio = join_lines(bio_lines)
    return aside


def _post_record(text: str, head: _PostHead) -> PageRecord:
    return PageRecord(
        doc_type="blog_post",
        text=text,
        title=head.title,
        author=head.author,
        author_role=head.role,
        author_bio=head.bio,
        date=head.date,
        year=iso_year(head.date),
        truncated=is_truncated(text),
        meta=head.meta,
    )


def _section_record(reader: LineReader, lines: Sequence[Line]) -> PageRecord:
    """A ``web_page`` of lines kept apart from the post, with the section label above them."""
    section = reader.section_before(lines[0].index)
    return PageRecord(doc_type="web_page", text=join_lines(lines), meta={"section": section} if section else {})


def _thread_records(reader: LineReader, lines: Sequence[Line]) -> list[PageRecord]:
    """The comments of the thread, after one ``web_page`` of the headlines that are no comment."""
    comments: list[PageRecord] = []
    headlines: list[Line] = []
    for group in comment_groups(lines):
        reply = comment(group)
        by_byline = read_byline(reply.meta.get("byline", "")) is not None
        sentence = any(
            is_prose(line.text) and not is_meta_line(line.text) and not is_truncated(line.text) for line in group
        )
        if (reply.author is None or by_byline) and not sentence:
            # Dated or signed headlines in a sidebar ("November 19, 2019" or "by Ann Lee" over
            # a link or a cut teaser): no whole sentence, so no comment. Kept as a web page.
            headlines.extend(group)
        else:
            comments.append(reply)
    return [_section_record(reader, headlines), *comments] if headlines else comments


def _taxonomy(reader: LineReader, lines: Sequence[Line], meta: dict[str, str]) -> list[Line]:
    """Move "Categories: ...", "Tags: ...", "Filed under ..." lines into ``meta``; the label
    goes to the dropped items."""
    kept: list[Line] = []
    for line in lines:
        match = _TAXONOMY.fullmatch(line.text)
        key = None if match is None else _TAXONOMY_KEYS[match["key"].casefold()]
        if match is None or key is None or key in meta or len(lines) == 1:
            kept.append(line)
        else:
            meta[key] = match["value"].strip()
            reader.drop_label(line, line.text[: match.start("value")].strip())
    return kept


def _adjacent(upper: Line, lower: Line) -> bool:
    """Two lines of one run, or with a single furniture or blank line between them."""
    return upper.run == lower.run or 0 < lower.index - upper.index <= 2


def _read_meta_line(line: Line, following: Line | None, head: _PostHead) -> bool:
    """Fill a date, stamp or author field of ``head`` from ``line``; False if it is none."""
    date = parse_date_line(line.text)
    byline = read_byline(line.text)
    if date and "date_text" not in head.meta:
        head.date, head.meta["date_text"] = date, line.text
    elif is_relative(line.text) and "date_text" not in head.meta:
        head.meta["date_text"] = line.text
    elif byline and head.author is None:
        head.author = byline.name
        head.meta["byline"] = line.text
        if byline.date and head.date is None:
            head.date = byline.date
        if byline.rest and is_affiliation(byline.rest):
            head.role = byline.rest
    elif (
        head.author is None
        and is_name(line.text)
        and following is not None
        and _adjacent(line, following)
        and parse_date_line(following.text)
    ):
        # A bare name line over a date line: the author.
        head.author = line.text
        head.meta["byline"] = line.text
    else:
        return False
    return True


def _post_head(reader: LineReader, lines: Sequence[Line], head: _PostHead) -> list[Line]:
    """Read the title, date and by-line from the top of a post; return the body lines.

    The title is the first heading line (one that does not end like a sentence, so a
    question counts) with more lines after it; date, stamp and by-line lines above or right
    under it fill the post's fields. When a date or by-line sits under several heading
    lines (site name, menu, section), the title is the heading nearest above it and the
    headings above the title are the page's own heading (``meta["page_heading"]``).
    """
    lines = list(lines)
    top_end = next((k for k, line in enumerate(lines) if is_prose(line.text)), len(lines))
    first_meta = next((k for k in range(top_end) if is_meta_line(lines[k].text)), None)
    if first_meta is not None:
        headings = [k for k in range(first_meta) if is_heading(lines[k].text)]
        if (
            headings
            and headings[-1] == first_meta - 1
            and _adjacent(lines[first_meta - 1], lines[first_meta])
            and is_name(lines[first_meta - 1].text)
            and parse_date_line(lines[first_meta].text)
        ):
            # A bare author name over a date line is no title.
            headings.pop()
        if len(headings) > 1:
            labels = {lines[k].index for k in headings[:-1]}
            head.meta["page_heading"] = " / ".join(
                reader.strip_link_suffix(line).text for line in lines if line.index in labels
            )
            lines = [line for line in lines if line.index not in labels]
    body: list[Line] = []
    for position, line in enumerate(lines):
        following = lines[position + 1] if position + 1 < len(lines) else None
        if body:
            body.append(line)
        elif _read_meta_line(line, following, head):
            continue
        elif head.title is None and is_heading(line.text) and following is not None:
            head.title = reader.strip_link_suffix(line).text
        else:
            body.append(line)
    if not body and head.title is not None:
        # A post made of a single heading: the heading is its text.
        body, head.title = [Line(-1, head.title, -1)], None
    return body
