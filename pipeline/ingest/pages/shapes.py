"""The shapes of single lines: headings, names, by-lines, stamps, citations and record ids.

Every recogniser looks at one whitespace-normalised line and its shape only (capitals, length,
punctuation, the words around a name), never at known sentences or file names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.ingest.dates import MONTH_ABBREVIATIONS, parse_date_line

_BULLET = re.compile(r"(?:[-*•·▪‣◦–—]|\(?\d{1,3}[.)]|\(?[a-z]\)|[a-z]\.)\s+\S")

_TRUNCATED_END = re.compile(r"(?:\.\.\.|…|\[\s*(?:\.\.\.|…)\s*\]|\(\s*(?:\.\.\.|…)\s*\))[\"'”’)\]]*$")

_SENTENCE_END = re.compile(r"[.!?…:;,][\"'”’)\]]*$")

COMMENT_HEADER = re.compile(r"#\s?(?P<number>\d{1,12})\s+(?P<name>\S.{0,100})")

SAYS = re.compile(r"(?P<name>[A-Z][^\s:]*(?:\s+[^\s:]+){0,5}|[\w.\-]{2,30})\s+(?:says|said|wrote)\s*:")

_BYLINE = re.compile(
    r"(?P<prefix>by|posted by|post by|written by|submitted by|author\s*:)\s+"
    r"(?P<name>[^\d,;:»•·|]{2,80}?)"
    r"(?:(?:\s*,|\s+on|\s*[|»•·]|\s+[\-–])\s*(?P<date>\S.*))?",
    re.IGNORECASE,
)

# "Posted on March 3, 2019 by Jane Smith": the date first.
_DATE_BYLINE = re.compile(
    r"(?:posted|published|written|submitted)(?:\s+on)?\s*:?\s*(?P<date>\S.*?)\s+by\s+"
    r"(?P<name>[^\d,;:»•·|]{2,80}?)",
    re.IGNORECASE,
)

# A forum or CMS user name given after an explicit "by": one token such as "nursekate".
USERNAME = re.compile(r"(?=[\w.\-]*[^\W\d_])[\w.\-]{2,30}")

# Disqus-style comment header: "Helen Ward • 6 years ago", "Amir Khan (Mod) · 3 May 2019".
_NAME_STAMP = re.compile(r"(?P<name>[^•·|]{2,80}?)\s*[•·|]\s*(?P<stamp>[^•·|]{3,60})")

_MODERATOR = re.compile(r"\s*\((?:mod|moderator|admin|author)\)\s*$", re.IGNORECASE)

_UNIT = r"(?:years?|yrs?|months?|weeks?|wks?|days?|hours?|hrs?|minutes?|mins?|seconds?|secs?)"

_RELATIVE = re.compile(
    r"(?:posted |submitted |updated |about |over |almost )?"
    rf"(?:\d+|an?|one)\s+{_UNIT}(?:,?\s+(?:and\s+)?\d+\s+{_UNIT})*\s+ago\.?",
    re.IGNORECASE,
)

_VENUE = re.compile(r"(?P<venue>\S.{0,200}?)\s*,\s*(?P<year>(?:1[89]|20)\d{2})\.?")

# "J Health Organ Manag. 2019 Mar 18;33(2):145-160.", "BMJ Open. 2018;8(6):e021437."
JOURNAL_CITATION = re.compile(
    r"(?P<venue>[A-Z][^.;:]{0,120}?)\.\s+(?P<year>(?:1[89]|20)\d{2})"
    r"(?:\s+[A-Z][a-z]{2}(?:\s+\d{1,2})?)?\s*[;:.](?:\S.{0,160})?"
)

_DOI = re.compile(r"(?:doi\s*:?\s*|https?://(?:dx\.)?doi\.org/)(?P<doi>10\.\d{4,9}/\S+)", re.I)

_PMID = re.compile(r"(?P<key>pmid|pmcid)\s*:?\s*(?P<id>(?:pmc)?\d{1,10})\.?", re.IGNORECASE)

# Signs of a date or time stamp inside a line: "Nov 19, 2019", "19 November", "10:01 pm".
_MONTH_PREFIX = "(?:" + "|".join(MONTH_ABBREVIATIONS) + ")"

_DATELIKE = re.compile(
    rf"\b{_MONTH_PREFIX}[a-z]*\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b|"
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH_PREFIX}[a-z]*\b|"
    r"\b\d{1,2}[:.]\d{2}\s*(?:am|pm|[ap]\.m\.|gmt|utc|[ecmp][sd]t)?\b|"
    r"^(?:published|updated|posted|air date|last (?:updated|modified))\b",
    re.IGNORECASE,
)

_BARE_YEAR = re.compile(r"\(?(?P<year>(?:1[89]|20)\d{2})\)?\.?")

MAX_HEADING_WORDS = 20

_MAX_HEADING_CHARS = 160

_MAX_AFFILIATION_WORDS = 14

_MAX_NAME_WORDS = 6


@dataclass(frozen=True)
class Byline:
    """An author line read: the name, the ISO date it states, and any other trailing part."""

    name: str
    date: str | None = None
    rest: str | None = None


def read_byline(text: str) -> Byline | None:
    """Read a by-line: "By Ann Lee", "Posted by Ann Lee on 3 May 2019", "Post by annl » Tue
    Mar 05, 2019 9:14 pm", "Posted on March 3, 2019 by Ann Lee", "By Ann Lee, Health
    Correspondent" (the trailing part goes to ``rest``). A one-token user name is accepted
    after an explicit "by"; otherwise the name must look like a person's name."""
    match = _DATE_BYLINE.fullmatch(text)
    if match is not None:
        date = parse_date_line(match["date"])
        name = match["name"].strip()
        if date is not None and (is_name(name) or USERNAME.fullmatch(name)):
            return Byline(name, date)
    match = _BYLINE.fullmatch(text)
    if match is None:
        return None
    name = match["name"].strip()
    if not (is_name(name) or USERNAME.fullmatch(name)):
        return None
    rest = (match["date"] or "").strip() or None
    date = parse_date_line(rest) if rest else None
    return Byline(name, date, None if date else rest)


def read_name_stamp(text: str) -> tuple[str, str] | None:
    """``(name, stamp)`` of a comment header "Name • 6 years ago" (or a date after the dot)."""
    match = _NAME_STAMP.fullmatch(text)
    if match is None:
        return None
    name = _MODERATOR.sub("", match["name"]).strip()
    stamp = match["stamp"].strip()
    if not (is_name(name) or USERNAME.fullmatch(name)):
        return None
    if not (is_relative(stamp) or parse_date_line(stamp)):
        return None
    return name, stamp


def word_count(text: str) -> int:
    return len(text.split())


def is_bullet(text: str) -> bool:
    return _BULLET.match(text) is not None


def is_relative(text: str) -> bool:
    return _RELATIVE.fullmatch(text) is not None


def is_heading(text: str) -> bool:
    """A short line that does not end like a sentence part: a title, label or name line."""
    if word_count(text) > MAX_HEADING_WORDS or len(text) > _MAX_HEADING_CHARS:
        return False
    if not any(ch.isalpha() for ch in text) or is_bullet(text):
        return False
    stripped = text.rstrip("\"'”’)] ")
    return not stripped.endswith((".", ",", ";", ":", "…"))


def is_prose(text: str) -> bool:
    return not is_heading(text) and any(ch.isalpha() for ch in text)


def is_name(text: str) -> bool:
    """A person's name line: a few words, capitalised, no digits or sentence punctuation."""
    words = text.split()
    if not 1 <= len(words) <= _MAX_NAME_WORDS or any(ch.isdigit() for ch in text):
        return False
    if _SENTENCE_END.search(text) or not words[0][:1].isupper():
        return False
    return sum(word[:1].isupper() for word in words) >= max(1, len(words) - 2)


def is_author_list(text: str) -> bool:
    """An authors line: names of capitalised words or initials, split by commas or "and"."""
    names = [name for name in re.split(r"\s*(?:[,;&]|\band\b)\s*", text) if name]
    return bool(names) and all(
        1 <= len(name.split()) <= 4
        and all(word[:1].isupper() and word.replace(".", "").replace("-", "").isalpha() for word in name.split())
        for name in names
    )


def is_affiliation(text: str) -> bool:
    return (
        word_count(text) <= _MAX_AFFILIATION_WORDS
        and is_heading(text)
        and not text.rstrip().endswith(("?", "!"))
        and "://" not in text
    )


def venue_year(text: str) -> tuple[str | None, int] | None:
    """``(venue, year)`` for a citation line "Venue, 2011" or a bare year line "2011"."""
    match = _BARE_YEAR.fullmatch(text)
    if match:
        return None, int(match["year"])
    match = JOURNAL_CITATION.fullmatch(text)
    if match and word_count(match["venue"]) <= MAX_HEADING_WORDS and not is_bullet(text):
        return match["venue"].strip(), int(match["year"])
    if parse_date_line(text) is not None or _DATELIKE.search(text):
        # "Apr 3, 2021" or "Updated 10:01 pm PST, Tuesday, November 19, 2019" is a date, not a
        # venue called "Apr 3".
        return None
    match = _VENUE.fullmatch(text)
    if match and word_count(match["venue"]) <= MAX_HEADING_WORDS and not is_bullet(text):
        venue = match["venue"].strip()
        if any(ch.isalpha() for ch in venue) and not _SENTENCE_END.search(venue):
            return venue, int(match["year"])
    return None


def is_truncated(text: str) -> bool:
    return _TRUNCATED_END.search(text.rstrip()) is not None


def iso_year(date: str | None) -> int | None:
    return int(date[:4]) if date else None


def is_comment_start(text: str) -> bool:
    return bool(COMMENT_HEADER.fullmatch(text) or is_relative(text) or SAYS.fullmatch(text) or read_name_stamp(text))


def read_record_id(text: str) -> tuple[str, str] | None:
    """``(key, value)`` of a DOI or PubMed id line: ``("doi", "10.1136/x")``."""
    match = _DOI.fullmatch(text)
    if match:
        return "doi", match["doi"].rstrip(".")
    match = _PMID.fullmatch(text)
    if match:
        return match["key"].casefold(), match["id"]
    return None


def is_meta_line(text: str) -> bool:
    """A date, relative stamp or by-line."""
    return bool(parse_date_line(text) or is_relative(text) or read_byline(text) or read_name_stamp(text))


def is_author_start(text: str) -> bool:
    """A comment start line that names the author."""
    return bool(COMMENT_HEADER.fullmatch(text) or SAYS.fullmatch(text) or read_name_stamp(text) or read_byline(text))


def is_thread_start(text: str) -> bool:
    """Inside a comment thread a plain date line or a by-line also opens a comment."""
    if is_comment_start(text) or parse_date_line(text) is not None:
        return True
    return read_byline(text) is not None
