"""Segmenting scraped web pages saved as plain text into documents.

A scraped page mixes the writing we study with site furniture (menus, counters, comment
prompts, newsletter boxes, ad-slot dumps) and often holds several documents at once: a listing
of teasers, a blog post with its comments, a listing of paper abstracts. ``segment_page`` reads
the page line by line, drops the furniture (``FURNITURE``, a table of generic patterns, each line
dropped is counted and kept for audit), collapses verbatim repeated paragraphs, recognises the
page's shape from line shapes (date lines, ``#123456 Name`` comment headers, ``N years N months
ago`` stamps, ``Venue, 2011`` citation lines, "About the author" blocks, ``...`` endings) and
returns one ``PageRecord`` per document.

Nothing is silently lost: every non-blank line that is not furniture ends up in a record, in its
``text`` or in one of its metadata fields; a page of an unknown shape becomes one ``web_page``.
The recognisers look at the shape of lines, never at file names or known sentences.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

__all__ = [
    "FURNITURE",
    "FurniturePattern",
    "PageRecord",
    "Segmentation",
    "parse_date_line",
    "segment_page",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PageRecord:
    """One document found on a page.

    Attributes:
        doc_type: ``teaser``, ``blog_post``, ``comment``, ``abstract`` or ``web_page``.
        text: Main text; paragraphs joined by a blank line, lines of one paragraph by ``\\n``.
        title: The document's heading, where the page gives one.
        author: Author's name, where given.
        author_role: Author's job title (comment headers), where given.
        organisation: Author's organisation (comment headers), where given.
        author_bio: The "About the author" biography of a post.
        venue: Journal or conference of an abstract.
        date: ISO 8601 (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``) when the page states an
            absolute date; ``None`` for relative stamps such as "3 days ago".
        year: Year of ``date``.
        parent: Index in ``Segmentation.records`` of the record this one replies to.
        truncated: The page shows only the beginning (text ends in "...", "…" or "[...]").
        meta: Extra strings, e.g. ``date_text`` (the date line as written), ``comment_number``,
            ``page_heading``, ``section``.
    """

    doc_type: str
    text: str
    title: str | None = None
    author: str | None = None
    author_role: str | None = None
    organisation: str | None = None
    author_bio: str | None = None
    venue: str | None = None
    date: str | None = None
    year: int | None = None
    parent: int | None = None
    truncated: bool = False
    meta: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Segmentation:
    """The documents found on one page and what was dropped on the way.

    Attributes:
        page_type: ``teaser_listing``, ``blog_post``, ``abstract_listing`` or ``web_page``.
        records: The documents, in page order; a post precedes its comments.
        boilerplate_lines: Number of furniture items dropped (``len(dropped)``).
        duplicate_paragraphs: Verbatim repeated paragraphs collapsed (each kept once).
        dropped: The furniture dropped, in page order: whole lines, and link-label fragments
            cut from the end of a heading (e.g. ``(original) (raw)``).
    """

    page_type: str
    records: tuple[PageRecord, ...]
    boilerplate_lines: int
    duplicate_paragraphs: int
    dropped: tuple[str, ...]


@dataclass(frozen=True)
class FurniturePattern:
    """A kind of site furniture recognised by a regular expression over one whole line.

    Attributes:
        name: Short name for audit and tests.
        kind: What the line tells about the page's structure: ``about_author`` opens a
            biography, ``bio_note`` and ``section`` close it, ``comments`` opens the comment
            thread, ``blog`` labels a post, ``listing`` marks a listing page, ``counter``
            labels a number, ``prompt`` is a comment prompt; ``noise`` tells nothing.
        pattern: Compiled expression, matched (``fullmatch``) against the stripped line.
    """

    name: str
    kind: str
    pattern: re.Pattern[str]


def _furniture(name: str, kind: str, regex: str) -> FurniturePattern:
    return FurniturePattern(name, kind, re.compile(regex, re.IGNORECASE))


_PAGER_LINK = (
    r"(?:[«‹<]\s*)?(?:first|previous|prev|next|last)(?:\s+page)?(?:\s*[»›>])?"
    r"|\d{1,4}|…|\.\.\."
)

# Generic furniture of content-managed sites (Drupal, WordPress and the like), matched against a
# whole stripped line. Order matters only for the kind reported: the first match wins.
FURNITURE: tuple[FurniturePattern, ...] = (
    # Menus and navigation.
    _furniture("user_menu", "noise", r"(?:authenticated |anonymous )?user (?:menu|account menu)"),
    _furniture(
        "menu",
        "noise",
        r"(?:main |primary |secondary |footer |site |mobile )?(?:menu|navigation)|"
        r"skip to (?:main )?content|back to top|you are here:?|breadcrumbs?|toggle navigation|"
        r"home(?: ?page)?",
    ),
    _furniture("search", "noise", r"search(?: this site| form)?:?|search\s*…?|submit search"),
    # Counters; the bare number beside them is dropped too (see ``_Reader._beside``).
    _furniture(
        "counter",
        "counter",
        r"(?:number of comments|total views|views|page views|reads|likes|shares|comments count|"
        r"replies)(?:\s*:)?(?:\s*\d[\d,.]*)?",
    ),
    _furniture("comment_count", "counter", r"\d[\d,]*\s+(?:comments?|replies|views|likes)"),
    # Comment prompts.
    _furniture(
        "comment_prompt",
        "prompt",
        r"(?:or\s+)?(?:log\s*in|login|register|sign\s*in|sign\s*up)"
        r"(?:\s+or\s+(?:log\s*in|login|register|sign\s*in|sign\s*up))?"
        r"\s+to\s+(?:add|post|leave|make|write)\s+(?:a\s+|new\s+|your\s+)?comments?\.?",
    ),
    _furniture(
        "add_comment",
        "prompt",
        r"(?:add|post|leave|write)\s+(?:a\s+|new\s+|your\s+)?(?:comment|reply)s?:?|"
        r"reply|leave a reply|comment on this (?:article|post|blog)",
    ),
    # Newsletter and social prompts.
    _furniture("keep_up_to_date", "noise", r"keep up to date|stay up to date|stay informed"),
    _furniture(
        "newsletter",
        "noise",
        r"(?:subscribe|sign up|register)\b.{0,80}\bnewsletters?\b.*|"
        r"(?:follow us|share this(?: page| article| post)?|share|tweet|print|email this)"
        r"(?: on (?:twitter|facebook|linkedin|x))?:?",
    ),
    # A PHP print_r dump of ad slots left in the page: "Array ( [0] => sitewide ...".
    _furniture("ad_slots", "noise", r"array\s*\(\s*\[\d+\]\s*=>.*"),
    _furniture("advert", "noise", r"advertisement|sponsored(?: content)?|advert"),
    # Author box of a post.
    _furniture("about_author", "about_author", r"about the authors?:?|about this author"),
    _furniture(
        "bio_note",
        "bio_note",
        r"[\[(](?:biography|bio|profile|author profile)\s+(?:supplied|provided|written)\s+by\s+"
        r"the\s+authors?\.?[\])]\.?",
    ),
    _furniture(
        "picture",
        "picture",
        r".{1,80}['’]s\s+(?:picture|photo|avatar|image|profile picture)|"
        r"(?:picture|photo|avatar|image) of .{1,80}|user avatar",
    ),
    # Section labels; "Comments" opens the comment thread.
    _furniture("comments_section", "comments", r"comments?(?:\s*\(\d+\))?:?"),
    _furniture("blog_label", "blog", r"(?:guest |latest |our )?blogs?(?: post)?:?"),
    _furniture(
        "listing_label",
        "listing",
        r"pages|pager|read more\s*[»›>]*|continue reading\s*[»›>]*|load more|more posts|"
        r"(?:[«‹<]\s*)?(?:first|previous|prev|next|last)(?:\s+page)?(?:\s*[»›>])?|"
        r"page \d+ of \d+|"
        # A pager: two or more page links, at least one a word or three numbers in a row.
        rf"(?=.*(?:first|prev|next|last|\d+\s+\d+\s+\d+))"
        rf"(?:{_PAGER_LINK})(?:\s+(?:{_PAGER_LINK}))+",
    ),
    _furniture(
        "section",
        "section",
        r"jobs|related(?: content| articles| posts| pages| items| links| papers| publications"
        r"| reading)?|"
        r"(?:latest|recent) (?:news|posts|articles|jobs)|most (?:read|popular|viewed)|"
        r"popular(?: content| posts)?|tags|categories|topics|trending",
    ),
)

_COUNTER = next(pattern for pattern in FURNITURE if pattern.name == "counter")
_COUNTER_KINDS = frozenset({"counter"})
# Kinds after which a biography ends.
_SECTION_KINDS = frozenset({"section", "comments", "listing", "blog", "prompt", "bio_note"})
_STRONG_POST_KINDS = frozenset({"about_author", "bio_note", "prompt", "counter", "comments"})

# Link labels cut from the end of a heading: "Title (original) (raw)", "Title [PDF]".
_LINK_SUFFIX = re.compile(
    r"(?:\s*[\[(](?:original|raw|pdf|html|full[ -]?text|download|link|abstract|doi)[\])])+\s*$",
    re.IGNORECASE,
)
_BARE_NUMBER = re.compile(r"\d[\d,.]*\s*[km]?", re.IGNORECASE)
_BULLET = re.compile(r"(?:[-*•·▪‣◦–—]|\(?\d{1,3}[.)]|\(?[a-z]\)|[a-z]\.)\s+\S")
_TRUNCATED_END = re.compile(
    r"(?:\.\.\.|…|\[\s*(?:\.\.\.|…)\s*\]|\(\s*(?:\.\.\.|…)\s*\))[\"'”’)\]]*$"
)
_SENTENCE_END = re.compile(r"[.!?…:;,][\"'”’)\]]*$")
_COMMENT_HEADER = re.compile(r"#\s?(?P<number>\d{1,12})\s+(?P<name>\S.{0,100})")
_SAYS = re.compile(r"(?P<name>[A-Z][^\s:]*(?:\s+[^\s:]+){0,5})\s+(?:says|said|wrote)\s*:")
_BYLINE = re.compile(
    r"(?:by|posted by|written by|submitted by|author\s*:)\s+(?P<name>[^\d,;:]{2,80}?)"
    r"(?:(?:\s*,|\s+on|\s+[|\-–])\s+(?P<date>.+))?",
    re.IGNORECASE,
)
_UNIT = r"(?:years?|yrs?|months?|weeks?|wks?|days?|hours?|hrs?|minutes?|mins?|seconds?|secs?)"
_RELATIVE = re.compile(
    r"(?:posted |submitted |updated |about |over |almost )?"
    rf"(?:\d+|an?|one)\s+{_UNIT}(?:,?\s+(?:and\s+)?\d+\s+{_UNIT})*\s+ago\.?",
    re.IGNORECASE,
)
_VENUE = re.compile(r"(?P<venue>\S.{0,200}?)\s*,\s*(?P<year>(?:1[89]|20)\d{2})\.?")
_BARE_YEAR = re.compile(r"\(?(?P<year>(?:1[89]|20)\d{2})\)?\.?")

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_DATE_PREFIX = r"(?:(?:posted|published|updated|submitted|created|date)(?:\s+on)?\s*:?\s*)?"
_TIME = (
    r"(?:\s*(?:,|-|–|at|\|)?\s*\d{1,2}[:.]\d{2}(?:[:.]\d{2})?\s*(?:am|pm)?(?:\s*[A-Z]{2,4})?)?"
)
_DATE_FORMS = tuple(
    re.compile(_DATE_PREFIX + _WEEKDAY + form + _TIME + r"\.?", re.IGNORECASE)
    for form in (
        r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r",?\s+(?P<year>\d{4})",
        _MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})",
        r"(?P<year>\d{4})-(?P<nmonth>\d{1,2})-(?P<day>\d{1,2})",
        _MONTH + r",?\s+(?P<year>\d{4})",
    )
)

_MAX_HEADING_WORDS = 20
_MAX_HEADING_CHARS = 160
_MAX_AFFILIATION_WORDS = 14
_MAX_NAME_WORDS = 6


@dataclass
class _Line:
    """A content line: its text, position and paragraph.

    ``run`` numbers the runs of lines between blank lines; ``block`` numbers paragraphs, which
    are those runs except on a page with no blank lines at all, where every line is one.
    """

    index: int
    text: str
    block: int
    run: int = -1


def parse_date_line(line: str) -> str | None:
    """Return the ISO 8601 date a whole line states, or ``None``.

    Accepts "14 May 2012", "Monday 14th May 2012 10:32", "May 14, 2012", "2012-05-14",
    "May 2012" (gives ``2012-05``), with an optional "Posted on"/"Published:" prefix.
    Relative stamps ("11 years 7 months ago") are not dates and give ``None``.
    """
    stripped = line.strip()
    for form in _DATE_FORMS:
        match = form.fullmatch(stripped)
        if match is None:
            continue
        groups = match.groupdict()
        year = int(groups["year"])
        if groups.get("nmonth"):
            month = int(groups["nmonth"])
        else:
            # Case-insensitive matching admits letters such as "ſ" whose lower case differs.
            name = groups["month"]
            month = _MONTHS.get(name.lower()) or _MONTHS.get(name.casefold()) or 0
        day = groups.get("day")
        try:
            if day is None:
                dt.date(year, month, 1)
                return f"{year:04d}-{month:02d}"
            return dt.date(year, month, int(day)).isoformat()
        except ValueError:
            continue
    return None


def _classify_furniture(line: str) -> FurniturePattern | None:
    for pattern in FURNITURE:
        if pattern.pattern.fullmatch(line):
            return pattern
    return None


def _words(text: str) -> int:
    return len(text.split())


def _is_bullet(text: str) -> bool:
    return _BULLET.match(text) is not None


def _is_relative(text: str) -> bool:
    return _RELATIVE.fullmatch(text) is not None


def _is_heading(text: str) -> bool:
    """A short line that does not end like a sentence part: a title, label or name line."""
    if _words(text) > _MAX_HEADING_WORDS or len(text) > _MAX_HEADING_CHARS:
        return False
    if not any(ch.isalpha() for ch in text) or _is_bullet(text):
        return False
    stripped = text.rstrip("\"'”’)] ")
    return not stripped.endswith((".", ",", ";", ":", "…"))


def _is_prose(text: str) -> bool:
    return not _is_heading(text) and any(ch.isalpha() for ch in text)


def _is_name(text: str) -> bool:
    """A person's name line: a few words, capitalised, no digits or sentence punctuation."""
    words = text.split()
    if not 1 <= len(words) <= _MAX_NAME_WORDS or any(ch.isdigit() for ch in text):
        return False
    if _SENTENCE_END.search(text) or not words[0][:1].isupper():
        return False
    return sum(word[:1].isupper() for word in words) >= max(1, len(words) - 2)


def _is_author_list(text: str) -> bool:
    """An authors line: names of capitalised words or initials, split by commas or "and"."""
    names = [name for name in re.split(r"\s*(?:[,;&]|\band\b)\s*", text) if name]
    return bool(names) and all(
        1 <= len(name.split()) <= 4
        and all(word[:1].isupper() and word.replace(".", "").replace("-", "").isalpha()
                for word in name.split())
        for name in names
    )


def _is_affiliation(text: str) -> bool:
    return (
        _words(text) <= _MAX_AFFILIATION_WORDS
        and _is_heading(text)
        and not text.rstrip().endswith(("?", "!"))
        and "://" not in text
    )


def _venue(text: str) -> tuple[str | None, int] | None:
    """``(venue, year)`` for a citation line "Venue, 2011" or a bare year line "2011"."""
    match = _BARE_YEAR.fullmatch(text)
    if match:
        return None, int(match["year"])
    match = _VENUE.fullmatch(text)
    if match and _words(match["venue"]) <= _MAX_HEADING_WORDS and not _is_bullet(text):
        venue = match["venue"].strip()
        if any(ch.isalpha() for ch in venue) and not _SENTENCE_END.search(venue):
            return venue, int(match["year"])
    return None


def _join(lines: Sequence[_Line]) -> str:
    """Lines of one block joined by a newline, blocks by a blank line."""
    paragraphs: list[list[str]] = []
    last_block = None
    for line in lines:
        if line.block != last_block:
            paragraphs.append([])
            last_block = line.block
        paragraphs[-1].append(line.text)
    return "\n\n".join("\n".join(paragraph) for paragraph in paragraphs)


def _is_truncated(text: str) -> bool:
    return _TRUNCATED_END.search(text.rstrip()) is not None


def _year_of(date: str | None) -> int | None:
    return int(date[:4]) if date else None


class _Reader:
    """First pass: split a page into content lines, dropping furniture and repeats."""

    def __init__(self, text: str, *, min_duplicate_words: int) -> None:
        self._dropped: list[tuple[int, int, str]] = []  # (line index, 0 line / 1 fragment, text)
        self.kinds: list[tuple[int, str]] = []  # (line index, furniture kind) of dropped lines
        self._lines_dropped: list[tuple[int, str, str]] = []  # (line index, kind, text)
        self._stripped: set[int] = set()
        self.lines: list[_Line] = []
        self.duplicates = 0
        raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        stripped = [" ".join(line.split()) for line in raw]
        furniture = [_classify_furniture(line) if line else None for line in stripped]
        counters = {
            i for i, found in enumerate(furniture) if found and found.kind in _COUNTER_KINDS
        }
        seen: set[str] = set()
        block = 0
        for i, line in enumerate(stripped):
            if not line:
                block += 1
                continue
            match = furniture[i]
            beside_counter = self._beside(i, stripped, counters)
            if match is None and _BARE_NUMBER.fullmatch(line) and beside_counter:
                match = _COUNTER
            if match is not None:
                self._dropped.append((i, 0, line))
                self.kinds.append((i, match.kind))
                self._lines_dropped.append((i, match.kind, line))
                block += 1
                continue
            key = line
            if _is_prose(line) and _words(line) >= min_duplicate_words:
                if key in seen:
                    self.duplicates += 1
                    continue
                seen.add(key)
            self.lines.append(_Line(i, line, block, block))
        if self.lines and not any(
            not line for line in stripped[self.lines[0].index : self.lines[-1].index]
        ):
            # No blank line between the first and last content lines: every line a paragraph.
            for number, line in enumerate(self.lines):
                line.block = number

    @staticmethod
    def _beside(i: int, lines: Sequence[str], counters: set[int]) -> bool:
        """True when the nearest non-blank line before or after line ``i`` is a counter label."""
        for step in (-1, 1):
            j = i + step
            while 0 <= j < len(lines) and not lines[j]:
                j += step
            if j in counters:
                return True
        return False

    @property
    def dropped(self) -> list[str]:
        """Dropped lines and fragments in page order."""
        return [text for _, _, text in sorted(self._dropped)]

    def section_before(self, index: int) -> str | None:
        """The nearest dropped section label above line ``index``."""
        labels = [
            text for i, kind, text in self._lines_dropped if i < index and kind in _SECTION_KINDS
        ]
        return labels[-1] if labels else None

    def first_kind(self, kind: str) -> int | None:
        """Line index of the first dropped line of furniture kind ``kind``."""
        return next((index for index, found in self.kinds if found == kind), None)

    def strip_link_suffix(self, line: _Line) -> _Line:
        """Cut link labels such as "(original) (raw)" from the end of a heading line."""
        match = _LINK_SUFFIX.search(line.text)
        if match is None or match.start() == 0:
            return line
        if line.index not in self._stripped:
            self._stripped.add(line.index)
            self._dropped.append((line.index, 1, match.group().strip()))
        return _Line(line.index, line.text[: match.start()].rstrip(), line.block, line.run)


def _is_comment_start(text: str) -> bool:
    return bool(_COMMENT_HEADER.fullmatch(text) or _is_relative(text) or _SAYS.fullmatch(text))


def _count_citation_units(lines: Sequence[_Line]) -> int:
    """Heading lines directly followed by a "Venue, 2011" or bare-year line."""
    count = 0
    for previous, line in zip(lines, lines[1:], strict=False):
        if _venue(line.text) and _is_heading(previous.text) and not _venue(previous.text):
            count += 1
    return count


def _units(lines: Sequence[_Line], *, by_run: bool = False) -> list[list[_Line]]:
    """Paragraphs (see ``_Line``), or runs between blank and furniture lines, as line lists.

    Runs fall back to single lines when the whole page is one run.
    """
    units: list[list[_Line]] = []
    for line in lines:
        key = line.run if by_run else line.block
        if units and (units[-1][-1].run if by_run else units[-1][-1].block) == key:
            units[-1].append(line)
        else:
            units.append([line])
    if by_run and len(units) == 1:
        return [[line] for line in lines]
    return units


def _page_type(reader: _Reader) -> str:
    """Recognise the page's shape from its line shapes and the furniture it carried.

    In order: citation lines under headings make an abstract listing; an author box or
    ``#123`` comment headers make a post; several prose blocks with listing furniture (a pager,
    "Read more") or "..." endings make a teaser listing; comment prompts, counters, a
    "Comments" label or relative stamps make a post; a heading over a by-line or under a
    "Blog" label makes a post; anything else is a web page.
    """
    lines = reader.lines
    if not lines:
        return "empty"
    kinds = {kind for _, kind in reader.kinds}
    if _count_citation_units(lines) >= 2:
        return "abstract_listing"
    if "about_author" in kinds or any(_COMMENT_HEADER.fullmatch(line.text) for line in lines):
        return "blog_post"
    units = _units(lines, by_run=True)
    prose_units = [unit for unit in units if any(_is_prose(line.text) for line in unit)]
    truncated = sum(_is_truncated(unit[-1].text) for unit in prose_units)
    if len(prose_units) >= 2 and ("listing" in kinds or truncated >= 2):
        return "teaser_listing"
    if kinds & _STRONG_POST_KINDS or any(_is_comment_start(line.text) for line in lines):
        return "blog_post"
    if len(prose_units) >= 3 and truncated:
        return "teaser_listing"
    has_byline = any(_BYLINE.fullmatch(line.text) for line in lines[:6])
    if ("blog" in kinds or has_byline) and _is_heading(lines[0].text) and len(lines) > 1:
        return "blog_post"
    return "web_page"


def _web_page(reader: _Reader, lines: Sequence[_Line]) -> PageRecord:
    """One record holding every line; a first heading line followed by more text is the title."""
    lines = list(lines)
    title = None
    if len(lines) > 1 and _is_heading(lines[0].text) and _is_prose(lines[1].text):
        title = reader.strip_link_suffix(lines[0]).text
        lines = lines[1:]
    text = _join(lines)
    return PageRecord("web_page", text, title=title, truncated=_is_truncated(text))


def _teasers(reader: _Reader) -> list[PageRecord]:
    """One teaser per unit (block, or line on a page without blank lines).

    Date, stamp and by-line lines at the top of a unit go to the teaser's fields. A heading
    line opening a unit of several lines is its title. A unit made of one heading line is the
    title of the next unit only when the listing is titled, i.e. its first unit is such a
    heading or the previous teaser had a title; otherwise it is a teaser of its own, since
    teasers are often one short quotation with no full stop.
    """
    units = _units(reader.lines, by_run=True)
    records: list[PageRecord] = []
    pending: dict[str, str] = {}
    titled = False
    for position, unit in enumerate(units):
        following = units[position + 1] if position + 1 < len(units) else None
        body: list[_Line] = []
        first_prose = next((k for k, line in enumerate(unit) if _is_prose(line.text)), 0)
        headings = [k for k in range(first_prose) if not _is_meta_line(unit[k].text)]
        if len(headings) > 1 and not records and not pending:
            # Labels above the first title are the page's own heading.
            labels = [unit[k] for k in headings[:-1]]
            heading = " / ".join(reader.strip_link_suffix(line).text for line in labels)
            pending["page_heading"] = heading
            unit = [line for line in unit if line not in labels]
        for line in unit:
            date = parse_date_line(line.text)
            byline = _BYLINE.fullmatch(line.text)
            if body:
                body.append(line)
            elif date and "date_text" not in pending:
                pending["date"], pending["date_text"] = date, line.text
            elif _is_relative(line.text) and "date_text" not in pending:
                pending["date_text"] = line.text
            elif byline and _is_name(byline["name"]) and "author" not in pending:
                pending["author"] = byline["name"].strip()
                pending["byline"] = line.text
            elif _is_heading(line.text) and "title" not in pending and line is not unit[-1]:
                pending["title"] = reader.strip_link_suffix(line).text
            elif (
                _is_heading(line.text)
                and "title" not in pending
                and len(unit) == 1
                and following is not None
                and _is_prose(following[0].text)
                and (titled or not records)
            ):
                pending["title"] = reader.strip_link_suffix(line).text
            else:
                body.append(line)
        if len(body) > 1 and "date_text" not in pending and _is_meta_line(body[-1].text):
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


def _is_meta_line(text: str) -> bool:
    """A date, relative stamp or by-line."""
    byline = _BYLINE.fullmatch(text)
    return bool(
        parse_date_line(text) or _is_relative(text) or (byline and _is_name(byline["name"]))
    )


def _teaser(body: Sequence[_Line], pending: Mapping[str, str]) -> PageRecord:
    text = _join(body)
    if not text:
        # Metadata with no text after it: its last line becomes the text.
        key = next(k for k in ("title", "page_heading", "byline", "date_text") if k in pending)
        text, pending = pending[key], {k: v for k, v in pending.items() if k != key}
    meta = {k: v for k, v in pending.items() if k in ("date_text", "byline", "page_heading")}
    date = pending.get("date")
    return PageRecord(
        "teaser",
        text,
        title=pending.get("title"),
        author=pending.get("author"),
        date=date,
        year=_year_of(date),
        truncated=_is_truncated(text),
        meta=meta,
    )


@dataclass
class _Paper:
    """An abstract being read: its heading, citation line fields and body lines."""

    title: str
    author: str | None = None
    venue: str | None = None
    year: int | None = None
    body: list[_Line] = field(default_factory=list)


def _abstracts(reader: _Reader) -> list[PageRecord]:
    """Papers: a heading line, an optional "Venue, Year" line, then the abstract.

    A heading line opens a paper when the next line is a citation line or prose. Heading
    lines before the first paper are the page's own heading (``meta["page_heading"]``, e.g.
    the paper the listing hangs from); prose before it becomes a ``web_page``.
    """
    lines = reader.lines
    papers: list[_Paper] = []
    preamble: list[_Line] = []
    position = 0
    while position < len(lines):
        line = lines[position]
        following = lines[position + 1] if position + 1 < len(lines) else None
        after = lines[position + 2] if position + 2 < len(lines) else None
        current = papers[-1] if papers else None
        citation = _venue(line.text)
        position += 1
        if citation and current is not None and not current.body and current.year is None:
            current.venue, current.year = citation
        elif (
            _is_heading(line.text)
            and not citation
            and following is not None
            and after is not None
            and _is_author_list(following.text)
            and _venue(after.text)
        ):
            # Title, authors line, citation line.
            papers.append(_Paper(reader.strip_link_suffix(line).text, author=following.text))
            position += 1
        elif (
            _is_heading(line.text)
            and not citation
            and following is not None
            and (_venue(following.text) or _is_prose(following.text))
        ):
            papers.append(_Paper(reader.strip_link_suffix(line).text))
        elif current is None:
            preamble.append(line)
        else:
            current.body.append(line)
    records: list[PageRecord] = []
    heading_lines = [line for line in preamble if _is_heading(line.text)]
    page_heading = " / ".join(reader.strip_link_suffix(line).text for line in heading_lines)
    intro = [line for line in preamble if not _is_heading(line.text)]
    if intro:
        records.append(_web_page(reader, intro))
    for paper in papers:
        text = _join(paper.body)
        records.append(
            PageRecord(
                "abstract",
                text,
                title=paper.title,
                author=paper.author,
                venue=paper.venue,
                date=None if paper.year is None else f"{paper.year:04d}",
                year=paper.year,
                truncated=_is_truncated(text),
                meta={"page_heading": page_heading} if page_heading else {},
            )
        )
    return records


@dataclass
class _PostHead:
    """Fields of a post read so far."""

    title: str | None = None
    author: str | None = None
    date: str | None = None
    bio: str | None = None
    meta: dict[str, str] = field(default_factory=dict)


def _post(reader: _Reader) -> list[PageRecord]:
    """A post (title, date, author, body, biography) followed by its comments.

    The post's body runs from its title to the "About the author" label or the comment
    thread. The biography runs from that label to the next section label (or the thread); a
    name line opening it is the author. Content between the biography and the thread (e.g.
    under a "Jobs" label) becomes a ``web_page`` with ``meta["section"]``.
    """
    lines = reader.lines
    last_index = lines[-1].index
    about = reader.first_kind("about_author")
    comments_label = reader.first_kind("comments")
    # The thread starts at the first "#123 Name" header below the top line, the first stamp
    # or "Name says:" line after the post's first prose, or right after a "Comments" label.
    first_prose = next((line.index for line in lines if _is_prose(line.text)), last_index)
    starts = [
        line.index
        for line in lines
        if (line.index > first_prose and _is_comment_start(line.text))
        or (line.index > lines[0].index and _COMMENT_HEADER.fullmatch(line.text))
    ]
    thread = starts[0] if starts else last_index + 1
    if comments_label is not None and comments_label > first_prose:
        thread = min(thread, comments_label)
    if about is not None and about > thread:
        about = None
    body_stop = about if about is not None else thread

    head = _PostHead()
    body = _post_head(reader, [line for line in lines if line.index < body_stop], head)
    aside: list[_Line] = []
    if about is not None:
        bio_lines = [line for line in lines if about < line.index < thread]
        bio_stop = next(
            (i for i, kind in reader.kinds if i > about and kind in _SECTION_KINDS), thread
        )
        aside = [line for line in bio_lines if line.index > bio_stop]
        bio_lines = [line for line in bio_lines if line.index < bio_stop]
        if bio_lines and _is_name(bio_lines[0].text):
            if head.author is None:
                head.author = bio_lines[0].text
            else:
                head.meta["bio_name"] = bio_lines[0].text
            bio_lines = bio_lines[1:]
        if bio_lines:
            head.bio = _join(bio_lines)
    text = _join(body)
    records = [
        PageRecord(
            "blog_post",
            text,
            title=head.title,
            author=head.author,
            author_bio=head.bio,
            date=head.date,
            year=_year_of(head.date),
            truncated=_is_truncated(text),
            meta=head.meta,
        )
    ]
    if aside:
        section = reader.section_before(aside[0].index)
        records.append(
            PageRecord("web_page", _join(aside), meta={"section": section} if section else {})
        )
    records.extend(_comments([line for line in lines if line.index >= thread]))
    return records


def _read_meta_line(line: _Line, following: _Line | None, head: _PostHead) -> bool:
    """Fill a date, stamp or author field of ``head`` from ``line``; False if it is none."""
    date = parse_date_line(line.text)
    byline = _BYLINE.fullmatch(line.text)
    if date and "date_text" not in head.meta:
        head.date, head.meta["date_text"] = date, line.text
    elif _is_relative(line.text) and "date_text" not in head.meta:
        head.meta["date_text"] = line.text
    elif byline and _is_name(byline["name"]) and head.author is None:
        head.author = byline["name"].strip()
        head.meta["byline"] = line.text
        byline_date = parse_date_line(byline["date"] or "")
        if byline_date and head.date is None:
            head.date = byline_date
    elif (
        head.author is None
        and _is_name(line.text)
        and following is not None
        and following.run == line.run
        and parse_date_line(following.text)
    ):
        # A bare name line over a date line: the author.
        head.author = line.text
        head.meta["byline"] = line.text
    else:
        return False
    return True


def _post_head(reader: _Reader, lines: Sequence[_Line], head: _PostHead) -> list[_Line]:
    """Read the title, date and by-line from the top of a post; return the body lines.

    The title is the first heading line (one that does not end like a sentence, so a
    question counts) with more lines after it; date, stamp and by-line lines above or right
    under it fill the post's fields.
    """
    body: list[_Line] = []
    for position, line in enumerate(lines):
        following = lines[position + 1] if position + 1 < len(lines) else None
        if body:
            body.append(line)
        elif _read_meta_line(line, following, head):
            continue
        elif head.title is None and _is_heading(line.text) and following is not None:
            head.title = reader.strip_link_suffix(line).text
        else:
            body.append(line)
    if not body and head.title is not None:
        # A post made of a single heading: the heading is its text.
        body, head.title = [_Line(-1, head.title, -1)], None
    return body


def _comments(lines: Sequence[_Line]) -> list[PageRecord]:
    """Split the thread at comment headers, stamps and date lines; read each comment.

    A start line opens a new comment once the current one has body text (prose, or a line in
    another paragraph than its last start line) or already has a start line of the same sort,
    so a "#12 Name" header and a stamp next to each other open one comment. A name line
    directly above a stamp, in the same run of lines, belongs to the comment the stamp opens.
    """
    groups: list[list[_Line]] = []
    has_body = False
    has_header = has_stamp = False
    last_start_block = None
    for line in lines:
        is_header = _COMMENT_HEADER.fullmatch(line.text) is not None
        is_start = is_header or _is_thread_start(line.text)
        if not groups or (
            is_start and (has_body or (has_header if is_header else has_stamp))
        ):
            moved: list[_Line] = []
            if groups and groups[-1][-1].run == line.run and _is_name(groups[-1][-1].text):
                moved.append(groups[-1].pop())
                if not groups[-1]:
                    groups.pop()
            groups.append(moved)
            has_body = has_header = has_stamp = False
        groups[-1].append(line)
        if is_start:
            last_start_block = line.block
            has_header = has_header or is_header
            has_stamp = has_stamp or not is_header
        elif _is_prose(line.text) or line.block != last_start_block:
            has_body = True
    return [_comment(group) for group in groups]


def _is_thread_start(text: str) -> bool:
    """Inside a comment thread a plain date line or a by-line also opens a comment."""
    if _is_comment_start(text) or parse_date_line(text) is not None:
        return True
    byline = _BYLINE.fullmatch(text)
    return byline is not None and _is_name(byline["name"])


def _comment(lines: Sequence[_Line]) -> PageRecord:
    """A comment: header lines ("#12 Name" + role + organisation, stamps, dates, names),
    then an optional title (a heading line standing alone), then the text."""
    fields: dict[str, str] = {}
    meta: dict[str, str] = {}
    stamp_run = None
    position = 0
    while position < len(lines):
        line = lines[position]
        following = lines[position + 1] if position + 1 < len(lines) else None
        header = _COMMENT_HEADER.fullmatch(line.text)
        says = _SAYS.fullmatch(line.text)
        date = parse_date_line(line.text)
        if header and "author" not in fields:
            meta["comment_number"] = header["number"]
            fields["author"] = header["name"].strip()
            position += 1
            affiliation: list[str] = []
            while position < len(lines) and lines[position].run == line.run:
                candidate = lines[position].text
                if len(affiliation) == 3 or not _is_affiliation(candidate):
                    break
                if parse_date_line(candidate) or _is_relative(candidate):
                    break
                affiliation.append(candidate)
                position += 1
            if affiliation:
                fields["author_role"] = affiliation[0]
            if len(affiliation) > 1:
                fields["organisation"] = ", ".join(affiliation[1:])
            continue
        stamp_next = (
            following is not None
            and following.run == line.run
            and (_is_relative(following.text) or parse_date_line(following.text) is not None)
        )
        byline = _BYLINE.fullmatch(line.text)
        if says and "author" not in fields:
            fields["author"] = says["name"]
            meta["byline"] = line.text
        elif byline and _is_name(byline["name"]) and "author" not in fields:
            fields["author"] = byline["name"].strip()
            meta["byline"] = line.text
            byline_date = parse_date_line(byline["date"] or "")
            if byline_date and "date" not in fields:
                fields["date"] = byline_date
        elif _is_relative(line.text) and "date_text" not in meta:
            meta["date_text"] = line.text
            stamp_run = line.run
        elif date and "date_text" not in meta:
            fields["date"], meta["date_text"] = date, line.text
            stamp_run = line.run
        elif (
            "author" not in fields
            and _is_name(line.text)
            and (stamp_next or stamp_run == line.run)
            and following is not None
        ):
            fields["author"] = line.text
        else:
            break
        position += 1
    rest = lines[position:]
    title = None
    if len(rest) > 1 and _is_heading(rest[0].text) and rest[1].block != rest[0].block:
        title = rest[0].text
        rest = rest[1:]
    text = _join(rest)
    date = fields.get("date")
    return PageRecord(
        "comment",
        text,
        title=title,
        author=fields.get("author"),
        author_role=fields.get("author_role"),
        organisation=fields.get("organisation"),
        date=date,
        year=_year_of(date),
        parent=0,
        truncated=_is_truncated(text),
        meta=meta,
    )


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
    reader = _Reader(text, min_duplicate_words=min_duplicate_words)
    page_type = _page_type(reader)
    records: list[PageRecord] = []
    if page_type == "empty":
        page_type = "web_page"
    elif page_type == "abstract_listing":
        records = _abstracts(reader)
    elif page_type == "blog_post":
        records = _post(reader)
    elif page_type == "teaser_listing":
        records = _teasers(reader)
    else:
        records = [_web_page(reader, reader.lines)]
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
