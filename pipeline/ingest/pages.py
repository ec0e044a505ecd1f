"""Segmenting scraped web pages saved as plain text into documents.

A scraped page mixes the writing we study with site furniture (menus, counters, comment
prompts, newsletter boxes, ad-slot dumps) and often holds several documents at once: a listing
of teasers, a blog post with its comments, a listing of paper abstracts. ``segment_page`` reads
the page line by line, drops the furniture (``FURNITURE``, a table of generic patterns, each line
dropped is counted and kept for audit), collapses verbatim repeated paragraphs, recognises the
page's shape from line shapes (date lines, ``#123456 Name`` comment headers, ``N years N months
ago`` stamps, ``Venue, 2011`` citation lines, "About the author" blocks, ``...`` endings) and
returns one ``PageRecord`` per document.

The shapes of common CMSs are recognised too: WordPress ("Posted on March 3, 2019 by Jane
Smith", "N thoughts on “Title”", "Jane says:" over "March 4, 2019 at 9:12 am", "Leave a Reply"
forms, "Categories:"/"Tags:" lines to ``meta``), Disqus ("Name • 6 years ago", "Reply • Share
›"), phpBB-style forums ("Post by name » Tue Mar 05, 2019 9:14 pm", "Re: Title" replies,
"Posts:"/"Joined:" profile boxes), Medium ("6 min read · Apr 2, 2021", "Responses (2)"),
journal contents and PubMed listings (title, "Smith J, Jones K." authors line, "J Nurs Manag.
2020 Jan;28(1):12-20." citation, ``doi:``/``PMID:`` lines to ``meta``), and the furniture of
news and organisation sites (cookie banners, share buttons, copyright and legal footers,
breadcrumbs, "Related articles" asides kept apart as ``web_page`` records). Heading lines
above a page's title (site name, menu entries) go to ``meta["page_heading"]``. A long stretch
of running text makes an article, never a teaser listing of its own paragraphs.

Nothing is silently lost: every non-blank line that is not furniture ends up in a record, in its
``text`` or in one of its metadata fields; a page of an unknown shape becomes one ``web_page``.
The recognisers look at the shape of lines, never at file names or known sentences.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from pipeline.ingest.dates import MONTH_ABBREVIATIONS, MONTHS, parse_date_line

__all__ = [
    "FURNITURE",
    "FurniturePattern",
    "PageRecord",
    "Segmentation",
    "lost_lines",
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
        meta: Extra strings, e.g. ``date_text`` (the date line as written), ``byline``,
            ``comment_number``, ``page_heading``, ``section``, ``categories``, ``tags``,
            ``doi``, ``pmid``, ``citation`` (a journal citation line as written).
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
        dropped: The furniture dropped, in page order: whole lines, link-label fragments
            cut from the end of a heading (e.g. ``(original) (raw)``), and labels cut from
            lines whose value went to ``meta`` (``Tags:``, ``doi:``, ``PMID:``).
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

_FOOTER_LINK = (
    r"(?:privacy(?: (?:policy|notice|statement))?|"
    r"terms(?: (?:and|&) conditions| of (?:use|service))?|"
    r"accessibility(?: statement)?|contact(?: us)?|about(?: us)?|site ?map|cookies|legal|"
    r"disclaimer|faqs?|a-z)"
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
    _furniture(
        "account",
        "noise",
        r"log\s*in|login|log out|logout|sign in|sign out|sign up|register|my account|subscribe",
    ),
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
        r"(?:older|newer) (?:posts|entries|articles)\s*[»›>]*|(?:[«‹<]\s*)?(?:older|newer)"
        r" (?:posts|entries|articles)|view all|see all|show more|all (?:news|posts|articles)|"
        r"(?:[«‹<]\s*)?(?:first|previous|prev|next|last)(?:\s+page)?(?:\s*[»›>])?|"
        r"page \d+ of \d+|"
        # A pager: two or more page links, at least one a word or three numbers in a row.
        rf"(?=.*(?:first|prev|next|last|\d+\s+\d+\s+\d+))"
        rf"(?:{_PAGER_LINK})(?:\s+(?:{_PAGER_LINK}))+",
    ),
    # Cookie banners and consent buttons.
    _furniture(
        "cookie_banner",
        "noise",
        r"(?:this (?:web)?site|we|our (?:web)?site)\s+(?:uses?|use|places?)\s+cookies\b.{0,300}|"
        r"(?:accept|reject|allow|decline|refuse)(?: all| necessary| optional)?(?: cookies)?|"
        r"(?:manage |change |update )?cookies?(?: settings| preferences| policy| notice| consent)?|"
        r"got it|i (?:agree|accept)|do not sell my (?:data|personal information)|"
        r".{0,40}\bdisqus\b.{0,40}",
    ),
    # Footers: copyright lines, legal and contact links, alone or in a row split by | or ·.
    _furniture(
        "copyright",
        "noise",
        # "Copyright" only alone or before a sign, year or policy: "Copyright law ..." is text.
        r"(?:©|\(c\)|copyright\s*(?:©|\(c\)|\d{4}|@|$)|copyright (?:policy|notice|and reprints?))"
        r".{0,200}|.{0,200}\ball rights reserved\.?|"
        r"(?:proudly )?powered by [\w\-]+(?:[ .][\w\-]+){0,4}",
    ),
    _furniture(
        "footer_links",
        "noise",
        rf"{_FOOTER_LINK}(?:\s*[|·•/]\s*{_FOOTER_LINK})*",
    ),
    # Social sharing buttons as one-word lines, and WordPress' "Like this:" box.
    _furniture(
        "share_buttons",
        "noise",
        r"(?:share on |share via |share to )?(?:facebook|twitter|linkedin|whatsapp|pinterest|"
        r"reddit|email|e-mail|x)|like this:?|like loading\.*…?|loading\.\.\.|"
        r"(?:share|copy|email) (?:link|url)|share this story:?",
    ),
    # Reading-platform buttons (Medium and the like).
    _furniture(
        "platform",
        "noise",
        r"follow|following|get started|get the app|open in app|\d{1,3}\s*min(?:ute)?s? read|"
        r"listen|member-only story|clap",
    ),
    _furniture(
        "responses",
        "comments",
        # Not "Discussion": a section of a paper.
        r"responses(?:\s*\(\d+\))?:?|"
        r"what are your thoughts\??|what do you think\?",
    ),
    # Comment forms and comment actions (WordPress, Disqus): "Reply • Share ›", "2 • Reply".
    _furniture(
        "comment_form",
        "prompt",
        r"your email address will not be published\..{0,120}|required fields are marked \*?\.?|"
        r"(?:name|email|e-mail|website|comment)\s*\*|website|post comment|submit comment|"
        r"save my name, email,? and website.{0,120}|notify me of .{0,80}|"
        r"join the discussion…?\.*|sort by (?:best|newest|oldest|top)|"
        r"post reply|reply to (?:this )?(?:topic|thread|post)|"
        r"(?:\d+\s*[•·|]\s*)?(?:reply|share\s*›?|recommend|report|flag|edit|permalink|quote)"
        r"(?:\s*[•·|]\s*(?:reply|share\s*›?|recommend|report|flag|edit|permalink|quote))*",
    ),
    _furniture(
        "comments_heading",
        "comments",
        r"\d+\s+(?:thoughts|responses|replies|comments?) (?:on|to) .{1,200}|"
        r"(?:one|two|three|four|five|six|seven|eight|nine|ten) "
        r"(?:thoughts?|responses?|repl(?:y|ies)|comments?) (?:on|to) .{1,200}",
    ),
    # Forum furniture (phpBB and the like).
    _furniture(
        "forum",
        "profile",
        r"(?:posts|joined|reputation|karma|messages)\s*:\s*\S.{0,60}",
    ),
    _furniture(
        "forum_nav",
        "noise",
        r"top|\d+ posts?\s*[•·|]\s*page \d+ of \d+|display posts from previous:.{0,80}|"
        # "Return to “Careers”", not "Return to work after illness".
        r"return to (?:top|[“\"].{1,80}[”\"]|(?:the )?(?:board )?index|(?:the )?forums?\b.{0,40})|"
        r"jump to|who is online|users browsing this forum:.{0,120}|"
        r"(?:board|forum) index(?:\s*[‹›»>].{0,200})?",
    ),
    # Breadcrumb trails: short parts split by ‹ › » or >.
    _furniture(
        "breadcrumb",
        "noise",
        r"[^‹›»>\n]{1,60}(?:\s[‹›»>]\s[^‹›»>\n]{1,60}){2,}",
    ),
    # Journal and database listings.
    _furniture(
        "listing_actions",
        "noise",
        r"cite(?: this (?:article|paper))?|full[ -]?text(?: \(?(?:pdf|html)\)?)?|pdf|"
        r"(?:download|view) (?:pdf|article|abstract|full[ -]?text|citation)|"
        r"free (?:pmc )?article\.?|"
        r"similar articles|search results|items:?\s*\d+\s*(?:to|-)\s*\d+ of \d+|"
        r"abstract:?|open access|rights and permissions|article metrics",
    ),
    _furniture(
        "review_date",
        "noise",
        r"(?:page )?(?:last (?:reviewed|updated)|next review due)\s*:?\s*\S.{0,40}",
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
_TRUNCATED_END = re.compile(r"(?:\.\.\.|…|\[\s*(?:\.\.\.|…)\s*\]|\(\s*(?:\.\.\.|…)\s*\))[\"'”’)\]]*$")
_SENTENCE_END = re.compile(r"[.!?…:;,][\"'”’)\]]*$")
_COMMENT_HEADER = re.compile(r"#\s?(?P<number>\d{1,12})\s+(?P<name>\S.{0,100})")
_SAYS = re.compile(r"(?P<name>[A-Z][^\s:]*(?:\s+[^\s:]+){0,5}|[\w.\-]{2,30})\s+(?:says|said|wrote)\s*:")
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
_USERNAME = re.compile(r"(?=[\w.\-]*[^\W\d_])[\w.\-]{2,30}")
# Disqus-style comment header: "Helen Ward • 6 years ago", "Amir Khan (Mod) · 3 May 2019".
_NAME_STAMP = re.compile(r"(?P<name>[^•·|]{2,80}?)\s*[•·|]\s*(?P<stamp>[^•·|]{3,60})")
_MODERATOR = re.compile(r"\s*\((?:mod|moderator|admin|author)\)\s*$", re.IGNORECASE)
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
_UNIT = r"(?:years?|yrs?|months?|weeks?|wks?|days?|hours?|hrs?|minutes?|mins?|seconds?|secs?)"
_RELATIVE = re.compile(
    r"(?:posted |submitted |updated |about |over |almost )?"
    rf"(?:\d+|an?|one)\s+{_UNIT}(?:,?\s+(?:and\s+)?\d+\s+{_UNIT})*\s+ago\.?",
    re.IGNORECASE,
)
_VENUE = re.compile(r"(?P<venue>\S.{0,200}?)\s*,\s*(?P<year>(?:1[89]|20)\d{2})\.?")
# "J Health Organ Manag. 2019 Mar 18;33(2):145-160.", "BMJ Open. 2018;8(6):e021437."
_JOURNAL_CITATION = re.compile(
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

_MAX_HEADING_WORDS = 20
_MAX_HEADING_CHARS = 160
_MAX_AFFILIATION_WORDS = 14
_MAX_NAME_WORDS = 6
_MAX_LEAD_HEADINGS = 8
_ARTICLE_WORDS = 250
_LABEL_REACH = 3
_ARTICLE_PARAGRAPHS = 6


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


@dataclass(frozen=True)
class _Byline:
    """An author line read: the name, the ISO date it states, and any other trailing part."""

    name: str
    date: str | None = None
    rest: str | None = None


def _byline(text: str) -> _Byline | None:
    """Read a by-line: "By Ann Lee", "Posted by Ann Lee on 3 May 2019", "Post by annl » Tue
    Mar 05, 2019 9:14 pm", "Posted on March 3, 2019 by Ann Lee", "By Ann Lee, Health
    Correspondent" (the trailing part goes to ``rest``). A one-token user name is accepted
    after an explicit "by"; otherwise the name must look like a person's name."""
    match = _DATE_BYLINE.fullmatch(text)
    if match is not None:
        date = parse_date_line(match["date"])
        name = match["name"].strip()
        if date is not None and (_is_name(name) or _USERNAME.fullmatch(name)):
            return _Byline(name, date)
    match = _BYLINE.fullmatch(text)
    if match is None:
        return None
    name = match["name"].strip()
    if not (_is_name(name) or _USERNAME.fullmatch(name)):
        return None
    rest = (match["date"] or "").strip() or None
    date = parse_date_line(rest) if rest else None
    return _Byline(name, date, None if date else rest)


def _name_stamp(text: str) -> tuple[str, str] | None:
    """``(name, stamp)`` of a comment header "Name • 6 years ago" (or a date after the dot)."""
    match = _NAME_STAMP.fullmatch(text)
    if match is None:
        return None
    name = _MODERATOR.sub("", match["name"]).strip()
    stamp = match["stamp"].strip()
    if not (_is_name(name) or _USERNAME.fullmatch(name)):
        return None
    if not (_is_relative(stamp) or parse_date_line(stamp)):
        return None
    return name, stamp


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
        and all(word[:1].isupper() and word.replace(".", "").replace("-", "").isalpha() for word in name.split())
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
    match = _JOURNAL_CITATION.fullmatch(text)
    if match and _words(match["venue"]) <= _MAX_HEADING_WORDS and not _is_bullet(text):
        return match["venue"].strip(), int(match["year"])
    if parse_date_line(text) is not None or _DATELIKE.search(text):
        # "Apr 3, 2021" or "Updated 10:01 pm PST, Tuesday, November 19, 2019" is a date, not a
        # venue called "Apr 3".
        return None
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
        counters = {i for i, found in enumerate(furniture) if found and found.kind in _COUNTER_KINDS}
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
            if (
                match is None
                and i + 1 < len(stripped)
                and furniture[i + 1] is not None
                and furniture[i + 1].kind == "profile"
                and (_USERNAME.fullmatch(line) or _is_name(line))
            ):
                # The poster's name heading a forum profile box ("Posts: 41", "Joined: ...").
                match = furniture[i + 1]
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
        if self.lines and not any(not line for line in stripped[self.lines[0].index : self.lines[-1].index]):
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
        labels = [text for i, kind, text in self._lines_dropped if i < index and kind in _SECTION_KINDS]
        return labels[-1] if labels else None

    def first_kind(self, kind: str) -> int | None:
        """Line index of the first dropped line of furniture kind ``kind``."""
        return next((index for index, found in self.kinds if found == kind), None)

    def drop_label(self, line: _Line, label: str) -> None:
        """Record the label cut from a line whose value went to a field ("Tags:", "PMID:")."""
        if line.index not in self._stripped:
            self._stripped.add(line.index)
            self._dropped.append((line.index, 1, label))

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
    return bool(_COMMENT_HEADER.fullmatch(text) or _is_relative(text) or _SAYS.fullmatch(text) or _name_stamp(text))


def _record_id(text: str) -> tuple[str, str] | None:
    """``(key, value)`` of a DOI or PubMed id line: ``("doi", "10.1136/x")``."""
    match = _DOI.fullmatch(text)
    if match:
        return "doi", match["doi"].rstrip(".")
    match = _PMID.fullmatch(text)
    if match:
        return match["key"].casefold(), match["id"]
    return None


def _is_paper_head(lines: Sequence[_Line], position: int) -> bool:
    """A title line, an authors line ("Smith J, Jones K."), then a citation or DOI/PMID line.

    The title may end in a full stop here (database listings write titles that way).
    """
    if position + 2 >= len(lines):
        return False
    title, authors, after = lines[position], lines[position + 1], lines[position + 2]
    return (
        _words(title.text) <= 2 * _MAX_HEADING_WORDS
        and any(ch.isalpha() for ch in title.text)
        and not _venue(title.text)
        and not _record_id(title.text)
        and not _is_author_list(title.text)
        and _is_author_list(authors.text)
        and _byline(authors.text) is None
        and all(len(name.split()) >= 2 for name in re.split(r"\s*(?:[,;&]|\band\b)\s*", authors.text) if name)
        and bool(_venue(after.text) or _record_id(after.text))
    )


def _is_paper_title(text: str) -> bool:
    """A heading that can title a paper: not a month, date, year or by-line, and above a
    bare year line at least three words long (archive menus list "January" over "2017")."""
    return (
        _is_heading(text)
        and not _venue(text)
        and parse_date_line(text) is None
        and text.casefold().rstrip(".") not in MONTHS
        and _byline(text) is None
    )


def _count_citation_units(lines: Sequence[_Line]) -> int:
    """Heading lines directly followed by a "Venue, 2011" or bare-year line, and paper heads
    (title, authors line, citation or DOI line)."""
    count = 0
    for position, (previous, line) in enumerate(zip(lines, lines[1:], strict=False)):
        citation = _venue(line.text)
        titled = citation and _is_paper_title(previous.text) and (citation[0] is not None or _words(previous.text) >= 3)
        if titled or _is_paper_head(lines, position):
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


def _has_article_body(units: Sequence[Sequence[_Line]]) -> bool:
    """A long stretch of running text: consecutive prose paragraphs, none cut short, of at
    least ``_ARTICLE_WORDS`` words over at least ``_ARTICLE_PARAGRAPHS`` paragraphs (or twice
    the words in fewer). Teasers are short and often cut; an article page is not a listing
    of its own paragraphs, whatever pager or "Read more" links its sidebars carry."""
    paragraphs = words = 0
    for unit in units:
        if all(_is_prose(line.text) for line in unit) and not _is_truncated(unit[-1].text):
            paragraphs += 1
            words += sum(_words(line.text) for line in unit)
            if words >= _ARTICLE_WORDS and (paragraphs >= _ARTICLE_PARAGRAPHS or words >= 2 * _ARTICLE_WORDS):
                return True
        else:
            paragraphs = words = 0
    return False


def _page_type(reader: _Reader) -> str:
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
    if _count_citation_units(lines) >= 2:
        return "abstract_listing"
    if "about_author" in kinds or any(_COMMENT_HEADER.fullmatch(line.text) for line in lines):
        return "blog_post"
    units = _units(lines, by_run=True)
    prose_units = [unit for unit in units if any(_is_prose(line.text) for line in unit)]
    truncated = sum(_is_truncated(unit[-1].text) for unit in prose_units)
    # A listing is mostly teasers: a page whose text blocks are mostly lone headings (menus,
    # link lists around an article) is not one, whatever links it carries.
    article = _has_article_body(units) or len(prose_units) * 3 < len(units)
    if len(prose_units) >= 2 and ("listing" in kinds or truncated >= 2) and not article:
        return "teaser_listing"
    if kinds & _STRONG_POST_KINDS or any(_is_comment_start(line.text) for line in lines):
        return "blog_post"
    if len(prose_units) >= 3 and truncated and not article:
        return "teaser_listing"
    has_byline = any(_byline(line.text) for line in lines[:6])
    if ("blog" in kinds or has_byline) and _is_heading(lines[0].text) and len(lines) > 1:
        return "blog_post"
    return "web_page"


def _web_page(reader: _Reader, lines: Sequence[_Line]) -> PageRecord:
    """One record holding every line; a first heading line followed by more text is the title."""
    lines = list(lines)
    title = None
    meta: dict[str, str] = {}
    first_prose = next((k for k, line in enumerate(lines) if _is_prose(line.text)), 0)
    if 1 <= first_prose <= _MAX_LEAD_HEADINGS and all(_is_heading(line.text) for line in lines[:first_prose]):
        # Heading lines over the first prose: the nearest is the title, those above it
        # (site name, menu entries, breadcrumbs) the page's own heading.
        if first_prose > 1:
            meta["page_heading"] = " / ".join(reader.strip_link_suffix(line).text for line in lines[: first_prose - 1])
        title = reader.strip_link_suffix(lines[first_prose - 1]).text
        lines = lines[first_prose:]
    text = _join(lines)
    return PageRecord("web_page", text, title=title, truncated=_is_truncated(text), meta=meta)


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
    # Units of heading lines only at the top, each followed by another unit that opens with a
    # heading (site name, menu entries), are the page's own heading, not teasers.
    lead = 0
    while (
        lead + 1 < len(units)
        and all(_is_heading(line.text) and not _is_meta_line(line.text) for line in units[lead])
        and _is_heading(units[lead + 1][0].text)
    ):
        lead += 1
    if lead:
        pending["page_heading"] = " / ".join(
            reader.strip_link_suffix(line).text for unit in units[:lead] for line in unit
        )
        units = units[lead:]
    for position, unit in enumerate(units):
        following = units[position + 1] if position + 1 < len(units) else None
        body: list[_Line] = []
        first_prose = next((k for k, line in enumerate(unit) if _is_prose(line.text)), 0)
        headings = [k for k in range(first_prose) if not _is_meta_line(unit[k].text)]
        if len(headings) > 1 and not records and set(pending) <= {"page_heading"}:
            # Labels above the first title are the page's own heading.
            labels = [unit[k] for k in headings[:-1]]
            heading = " / ".join(reader.strip_link_suffix(line).text for line in labels)
            if "page_heading" in pending:
                heading = pending["page_heading"] + " / " + heading
            pending["page_heading"] = heading
            unit = [line for line in unit if line not in labels]
        for line in unit:
            date = parse_date_line(line.text)
            byline = _byline(line.text)
            if body:
                body.append(line)
            elif date and "date_text" not in pending:
                pending["date"], pending["date_text"] = date, line.text
            elif _is_relative(line.text) and "date_text" not in pending:
                pending["date_text"] = line.text
            elif byline and "author" not in pending:
                pending["author"] = byline.name
                pending["byline"] = line.text
            elif (_is_heading(line.text) and "title" not in pending and line is not unit[-1]) or (
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
    return bool(parse_date_line(text) or _is_relative(text) or _byline(text) or _name_stamp(text))


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
    meta: dict[str, str] = field(default_factory=dict)


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
        record_id = _record_id(line.text)
        paper_head = _is_paper_head(lines, position)
        position += 1
        if citation and current is not None and not current.body and current.year is None:
            current.venue, current.year = citation
            if _JOURNAL_CITATION.fullmatch(line.text):
                # Volume, issue and pages are kept with the line as written.
                current.meta["citation"] = line.text
        elif record_id and current is not None and not current.body and record_id[0] not in current.meta:
            current.meta[record_id[0]] = record_id[1]
            reader.drop_label(line, line.text[: line.text.find(record_id[1])].strip())
        elif paper_head:
            # Title, authors line, citation or DOI line.
            papers.append(_Paper(reader.strip_link_suffix(line).text, author=following.text))
            position += 1
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
                meta={**paper.meta, **({"page_heading": page_heading} if page_heading else {})},
            )
        )
    return records


@dataclass
class _PostHead:
    """Fields of a post read so far."""

    title: str | None = None
    author: str | None = None
    role: str | None = None
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
    # The thread starts at the first "#123 Name" header below the top line, the first stamp
    # or "Name says:" line after the post's first prose, or right after a "Comments" label.
    first_prose = next((line.index for line in lines if _is_prose(line.text)), last_index)
    # On a forum page every post has a by-line: one below the first post's text opens a reply.
    post_byline = any(_byline(line.text) for line in lines if line.index < first_prose)
    # A bare stamp ("13 hours ago") opens the thread only under a comment label or prompt:
    # elsewhere it dates a headline in a sidebar.
    signal = min((i for i, kind in reader.kinds if kind in ("comments", "prompt")), default=last_index + 1)
    starts = [
        position
        for position, line in enumerate(lines)
        if (
            line.index > first_prose
            and _is_comment_start(line.text)
            and (line.index > signal or _is_author_start(line.text))
        )
        or (line.index > lines[0].index and _COMMENT_HEADER.fullmatch(line.text))
        or (post_byline and line.index > first_prose and _byline(line.text))
    ]
    thread = last_index + 1
    if starts:
        position = starts[0]
        thread = lines[position].index
        above = lines[position - 1] if position > 0 else None
        if (
            above is not None
            and above.index > first_prose
            and above.run == lines[position].run
            and _is_author_start(lines[position].text)
            and _is_heading(above.text)
            and not _is_meta_line(above.text)
        ):
            # A reply's title ("Re: ...") over its by-line opens the thread.
            thread = above.index
    # A "Comments" label opens the thread when a comment header, stamp or by-line follows it
    # closely; elsewhere (a "Comment" button under the headline) it opens nothing.
    comments_label = next(
        (
            i
            for i, kind in reader.kinds
            if kind == "comments"
            and i > first_prose
            and any(_is_thread_start(line.text) for line in [line for line in lines if line.index > i][:_LABEL_REACH])
        ),
        None,
    )
    if comments_label is not None:
        thread = min(thread, comments_label)
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
    aside: list[_Line] = []
    if section_label is not None:
        aside = [line for line in lines if section_label < line.index < thread]
    if about is not None:
        bio_lines = [line for line in lines if about < line.index < thread]
        bio_stop = next((i for i, kind in reader.kinds if i > about and kind in _SECTION_KINDS), thread)
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
            author_role=head.role,
            author_bio=head.bio,
            date=head.date,
            year=_year_of(head.date),
            truncated=_is_truncated(text),
            meta=head.meta,
        )
    ]
    if aside:
        section = reader.section_before(aside[0].index)
        records.append(PageRecord("web_page", _join(aside), meta={"section": section} if section else {}))
    comments: list[PageRecord] = []
    headlines: list[_Line] = []
    for group in _comment_groups([line for line in lines if line.index >= thread]):
        comment = _comment(group)
        by_byline = _byline(comment.meta.get("byline", "")) is not None
        sentence = any(
            _is_prose(line.text) and not _is_meta_line(line.text) and not _is_truncated(line.text) for line in group
        )
        if (comment.author is None or by_byline) and not sentence:
            # Dated or signed headlines in a sidebar ("November 19, 2019" or "by Ann Lee" over
            # a link or a cut teaser): no whole sentence, so no comment. Kept as a web page.
            headlines.extend(group)
        else:
            comments.append(comment)
    if headlines:
        section = reader.section_before(headlines[0].index)
        records.append(PageRecord("web_page", _join(headlines), meta={"section": section} if section else {}))
    records.extend(comments)
    return records


def _taxonomy(reader: _Reader, lines: Sequence[_Line], meta: dict[str, str]) -> list[_Line]:
    """Move "Categories: ...", "Tags: ...", "Filed under ..." lines into ``meta``; the label
    goes to the dropped items."""
    kept: list[_Line] = []
    for line in lines:
        match = _TAXONOMY.fullmatch(line.text)
        key = None if match is None else _TAXONOMY_KEYS[match["key"].casefold()]
        if key is None or key in meta or len(lines) == 1:
            kept.append(line)
        else:
            meta[key] = match["value"].strip()
            reader.drop_label(line, line.text[: match.start("value")].strip())
    return kept


def _adjacent(upper: _Line, lower: _Line) -> bool:
    """Two lines of one run, or with a single furniture or blank line between them."""
    return upper.run == lower.run or 0 < lower.index - upper.index <= 2


def _read_meta_line(line: _Line, following: _Line | None, head: _PostHead) -> bool:
    """Fill a date, stamp or author field of ``head`` from ``line``; False if it is none."""
    date = parse_date_line(line.text)
    byline = _byline(line.text)
    if date and "date_text" not in head.meta:
        head.date, head.meta["date_text"] = date, line.text
    elif _is_relative(line.text) and "date_text" not in head.meta:
        head.meta["date_text"] = line.text
    elif byline and head.author is None:
        head.author = byline.name
        head.meta["byline"] = line.text
        if byline.date and head.date is None:
            head.date = byline.date
        if byline.rest and _is_affiliation(byline.rest):
            head.role = byline.rest
    elif (
        head.author is None
        and _is_name(line.text)
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


def _post_head(reader: _Reader, lines: Sequence[_Line], head: _PostHead) -> list[_Line]:
    """Read the title, date and by-line from the top of a post; return the body lines.

    The title is the first heading line (one that does not end like a sentence, so a
    question counts) with more lines after it; date, stamp and by-line lines above or right
    under it fill the post's fields. When a date or by-line sits under several heading
    lines (site name, menu, section), the title is the heading nearest above it and the
    headings above the title are the page's own heading (``meta["page_heading"]``).
    """
    lines = list(lines)
    top_end = next((k for k, line in enumerate(lines) if _is_prose(line.text)), len(lines))
    first_meta = next((k for k in range(top_end) if _is_meta_line(lines[k].text)), None)
    if first_meta is not None:
        headings = [k for k in range(first_meta) if _is_heading(lines[k].text)]
        if (
            headings
            and headings[-1] == first_meta - 1
            and _adjacent(lines[first_meta - 1], lines[first_meta])
            and _is_name(lines[first_meta - 1].text)
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
    """The comments of a thread (see ``_comment_groups``)."""
    return [_comment(group) for group in _comment_groups(lines)]


def _comment_groups(lines: Sequence[_Line]) -> list[list[_Line]]:
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
        # Lines naming the author ("#12 Name", "Name says:", "Post by name", "Name • 2 days
        # ago") and stamps are two sorts of start line: one of each opens a single comment.
        named = _is_author_start(line.text)
        is_stamp = not named or _name_stamp(line.text) is not None
        is_start = named or _is_thread_start(line.text)
        if not groups or (is_start and (has_body or (named and has_header) or (is_stamp and has_stamp))):
            moved: list[_Line] = []
            previous = groups[-1][-1] if groups else None
            if (
                previous is not None
                and previous.run == line.run
                and (
                    _is_name(previous.text)
                    or (
                        named
                        and _COMMENT_HEADER.fullmatch(line.text) is None
                        and _is_heading(previous.text)
                        and not _is_thread_start(previous.text)
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
        elif _is_prose(line.text) or line.block != last_start_block:
            has_body = True
    return groups


def _is_author_start(text: str) -> bool:
    """A comment start line that names the author."""
    return bool(_COMMENT_HEADER.fullmatch(text) or _SAYS.fullmatch(text) or _name_stamp(text) or _byline(text))


def _is_thread_start(text: str) -> bool:
    """Inside a comment thread a plain date line or a by-line also opens a comment."""
    if _is_comment_start(text) or parse_date_line(text) is not None:
        return True
    return _byline(text) is not None


def _comment(lines: Sequence[_Line]) -> PageRecord:
    """A comment: header lines ("#12 Name" + role + organisation, stamps, dates, names),
    then an optional title (a heading line standing alone), then the text."""
    fields: dict[str, str] = {}
    meta: dict[str, str] = {}
    stamp_run = None
    position = 0
    title = None
    if (
        len(lines) > 1
        and lines[1].run == lines[0].run
        and _is_heading(lines[0].text)
        and not _is_thread_start(lines[0].text)
        and not _is_name(lines[0].text)
        and _is_author_start(lines[1].text)
    ):
        # A reply's own title over its header line.
        title = lines[0].text
        position = 1
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
        byline = _byline(line.text)
        name_stamp = _name_stamp(line.text)
        if says and "author" not in fields:
            fields["author"] = says["name"]
            meta["byline"] = line.text
        elif name_stamp and "author" not in fields:
            fields["author"], meta["byline"] = name_stamp[0], line.text
            date = parse_date_line(name_stamp[1])
            meta["date_text"] = name_stamp[1]
            if date:
                fields["date"] = date
            stamp_run = line.run
        elif byline and "author" not in fields:
            fields["author"] = byline.name
            meta["byline"] = line.text
            if byline.date and "date" not in fields:
                fields["date"] = byline.date
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
    if title is None and len(rest) > 1 and _is_heading(rest[0].text) and rest[1].block != rest[0].block:
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
