"""The documented table of site furniture: lines that are a site's, not an author's.

``FURNITURE`` lists generic patterns of content-managed sites (menus, counters, comment prompts,
newsletter and cookie boxes, share buttons, footers, forum and journal-listing furniture), each
matched against a whole stripped line. A line that matches is dropped and kept for audit; its
``kind`` tells the segmenter something about the page's structure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "COUNTER_KINDS",
    "COUNTER_PATTERN",
    "FURNITURE",
    "SECTION_KINDS",
    "STRONG_POST_KINDS",
    "FurniturePattern",
    "classify_furniture",
]


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
    # Counters; the bare number beside them is dropped too (see ``LineReader._beside``).
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

COUNTER_PATTERN = next(pattern for pattern in FURNITURE if pattern.name == "counter")

COUNTER_KINDS = frozenset({"counter"})

# Kinds after which a biography ends.
SECTION_KINDS = frozenset({"section", "comments", "listing", "blog", "prompt", "bio_note"})

STRONG_POST_KINDS = frozenset({"about_author", "bio_note", "prompt", "counter", "comments"})


def classify_furniture(line: str) -> FurniturePattern | None:
    for pattern in FURNITURE:
        if pattern.pattern.fullmatch(line):
            return pattern
    return None
