"""A comment thread: split at comment headers, stamps and by-lines; one ``comment`` record each."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from pipeline.ingest.dates import parse_date_line
from pipeline.ingest.pages.lines import Line, join_lines
from pipeline.ingest.pages.shapes import (
    COMMENT_HEADER,
    SAYS,
    is_affiliation,
    is_author_start,
    is_heading,
    is_name,
    is_prose,
    is_relative,
    is_thread_start,
    is_truncated,
    iso_year,
    read_byline,
    read_name_stamp,
)
from pipeline.ingest.records import PageRecord


def comment_groups(lines: Sequence[Line]) -> list[list[Line]]:
    """Split the thread at comment headers, stamps and date lines; read each comment.

    A start line opens a new comment once the current one has body text (prose, or a line in
    another paragraph than its last start line) or already has a start line of the same sort,
    so a "#12 Name" header and a stamp next to each other open one comment. A name line
    directly above a stamp, in the same run of lines, belongs to the comment the stamp opens.
    """
    groups: list[list[Line]] = []
    has_body = False
    has_header = has_stamp = False
    last_start_block = None
    for line in lines:
        # Lines naming the author ("#12 Name", "Name says:", "Post by name", "Name • 2 days
        # ago") and stamps are two sorts of start line: one of each opens a single comment.
        named = is_author_start(line.text)
        is_stamp = not named or read_name_stamp(line.text) is not None
        is_start = named or is_thread_start(line.text)
        if not groups or (is_start and (has_body or (named and has_header) or (is_stamp and has_stamp))):
            moved: list[Line] = []
            previous = groups[-1][-1] if groups else None
            if (
                previous is not None
                and previous.run == line.run
                and (
                    is_name(previous.text)
                    or (
                        named
                        and COMMENT_HEADER.fullmatch(line.text) is None
                        and is_heading(previous.text)
                        and not is_thread_start(previous.text)
                    )
                )
            ):
                # A name over a stamp, or a reply's title ("Re: ...") over its by-line.
                moved.append(groups[-1].pop())
                if not groups[-1]:
                    groups.pop()
            groups.append(moved)
            has_body = has_header = has_stamp = False
        groups[-1].append(line)
        if is_start:
            last_start_block = line.block
            has_header = has_header or named
            has_stamp = has_stamp or is_stamp
        elif is_prose(line.text) or line.block != last_start_block:
            has_body = True
    return groups


@dataclass
class _CommentHead:
    """Fields of a comment read from its header lines so far, and the run of its stamp line."""

    fields: dict[str, str] = field(default_factory=dict)
    meta: dict[str, str] = field(default_factory=dict)
    stamp_run: int | None = None


def comment(lines: Sequence[Line]) -> PageRecord:
    """A comment: header lines ("#12 Name" + role + organisation, stamps, dates, names),
    then an optional title (a heading line standing alone), then the text."""
    title, position = _reply_title(lines)
    head = _CommentHead()
    while position < len(lines):
        after_header = _numbered_header(lines, position, head)
        if after_header is not None:
            position = after_header
        elif _header_line(lines, position, head):
            position += 1
        else:
            break
    rest = lines[position:]
    if title is None and len(rest) > 1 and is_heading(rest[0].text) and rest[1].block != rest[0].block:
        title = rest[0].text
        rest = rest[1:]
    text = join_lines(rest)
    date = head.fields.get("date")
    return PageRecord(
        doc_type="comment",
        text=text,
        title=title,
        author=head.fields.get("author"),
        author_role=head.fields.get("author_role"),
        organisation=head.fields.get("organisation"),
        date=date,
        year=iso_year(date),
        parent=0,
        truncated=is_truncated(text),
        meta=head.meta,
    )


def _reply_title(lines: Sequence[Line]) -> tuple[str | None, int]:
    """A reply's own title over its header line, and the position where the header starts."""
    if (
        len(lines) > 1
        and lines[1].run == lines[0].run
        and is_heading(lines[0].text)
        and not is_thread_start(lines[0].text)
        and not is_name(lines[0].text)
        and is_author_start(lines[1].text)
    ):
        return lines[0].text, 1
    return None, 0


def _numbered_header(lines: Sequence[Line], position: int, head: _CommentHead) -> int | None:
    """Read a "#12 Name" header and the role and organisation lines under it into ``head``.

    Returns:
        The position after the header, or None when the line at ``position`` is none (or the
        author is known already).
    """
    line = lines[position]
    header = COMMENT_HEADER.fullmatch(line.text)
    if header is None or "author" in head.fields:
        return None
    head.meta["comment_number"] = header["number"]
    head.fields["author"] = header["name"].strip()
    position += 1
    affiliation: list[str] = []
    while position < len(lines) and lines[position].run == line.run:
        candidate = lines[position].text
        if len(affiliation) == 3 or not is_affiliation(candidate):
            break
        if parse_date_line(candidate) or is_relative(candidate):
            break
        affiliation.append(candidate)
        position += 1
    if affiliation:
        head.fields["author_role"] = affiliation[0]
    if len(affiliation) > 1:
        head.fields["organisation"] = ", ".join(affiliation[1:])
    return position


def _header_line(lines: Sequence[Line], position: int, head: _CommentHead) -> bool:
    """Read one header line ("Name says:", "Name • 2 days ago", a by-line, a stamp, a date, or a
    name over a stamp) into ``head``; False when the line is none of them."""
    line = lines[position]
    following = lines[position + 1] if position + 1 < len(lines) else None
    fields, meta = head.fields, head.meta
    says = SAYS.fullmatch(line.text)
    date = parse_date_line(line.text)
    stamp_next = (
        following is not None
        and following.run == line.run
        and (is_relative(following.text) or parse_date_line(following.text) is not None)
    )
    byline = read_byline(line.text)
    name_stamp = read_name_stamp(line.text)
    if says and "author" not in fields:
        fields["author"] = says["name"]
        meta["byline"] = line.text
    elif name_stamp and "author" not in fields:
        fields["author"], meta["byline"] = name_stamp[0], line.text
        date = parse_date_line(name_stamp[1])
        meta["date_text"] = name_stamp[1]
        if date:
            fields["date"] = date
        head.stamp_run = line.run
    elif byline and "author" not in fields:
        fields["author"] = byline.name
        meta["byline"] = line.text
        if byline.date and "date" not in fields:
            fields["date"] = byline.date
    elif is_relative(line.text) and "date_text" not in meta:
        meta["date_text"] = line.text
        head.stamp_run = line.run
    elif date and "date_text" not in meta:
        fields["date"], meta["date_text"] = date, line.text
        head.stamp_run = line.run
    elif (
        "author" not in fields
        and is_name(line.text)
        and (stamp_next or head.stamp_run == line.run)
        and following is not None
    ):
        fields["author"] = line.text
    else:
        return False
    return True
