"""Safe XML parsing and HTML-fragment-to-text conversion for the markup readers.

XML from the outside world is data, never instructions: a document may declare entities that
expand exponentially ("billion laughs") or that point at local files or URLs (XML external
entity injection, XXE; OWASP "XML External Entity Prevention Cheat Sheet"). ``parse_xml`` parses
with entity substitution, DTD loading and network access switched off, and then refuses any
document whose internal DTD subset declares an entity at all, so no entity is ever expanded or
fetched. An external DTD *reference* (``<!DOCTYPE PubmedArticleSet PUBLIC "..." "https://...">``,
as in every PubMed efetch file) is allowed: it is recorded by the parser but never loaded.
``xml_root`` parses a reader's file so, turning an unreadable, unsafe or malformed file into the
whole-file ``Rejected``.

``html_fragment_text`` turns the HTML found inside feeds and WordPress exports into plain text
with paragraphs separated by a blank line.
"""

from __future__ import annotations

import html
import logging
import re
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

from pipeline.ingest.records import Rejected, source_bytes

__all__ = [
    "MalformedXMLError",
    "UnsafeXMLError",
    "declares_entities",
    "html_fragment_text",
    "parse_xml",
    "xml_root",
]

logger = logging.getLogger(__name__)


class UnsafeXMLError(ValueError):
    """The document declares entities (internal or external); it is refused unparsed."""


class MalformedXMLError(ValueError):
    """The document is not well-formed XML."""


# Matches an entity declaration in the raw bytes once NUL bytes (UTF-16/32) are removed.
_ENTITY_DECL = re.compile(rb"<!\s*ENTITY", re.IGNORECASE)


def _xml_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def declares_entities(data: bytes) -> bool:
    """Tell whether raw XML bytes contain an entity declaration anywhere.

    A byte-level check used when a document is not well-formed (so its DTD could not be
    inspected): ``<!ENTITY`` is searched after dropping NUL bytes, which also catches UTF-16 and
    UTF-32 encodings of ASCII markup.

    Args:
        data: The raw document.

    Returns:
        True if ``<!ENTITY`` (any case, optional blanks after ``<!``) occurs.
    """
    return _ENTITY_DECL.search(data.replace(b"\x00", b"")) is not None


def parse_xml(data: bytes) -> etree._Element:
    """Parse XML bytes without expanding or fetching any entity.

    The encoding comes from the byte-order mark or the XML declaration (libxml2 handles it).

    Args:
        data: The raw document.

    Returns:
        The root element.

    Raises:
        UnsafeXMLError: The document declares an entity (billion laughs, XXE, parameter entities).
        MalformedXMLError: The document is not well-formed, or is empty.
    """
    try:
        root = etree.fromstring(data, _xml_parser())
    except etree.XMLSyntaxError as exc:
        if declares_entities(data):
            detail = f"declares entities; refused (the parser stopped: {exc})"
            raise UnsafeXMLError(detail) from None
        raise MalformedXMLError(str(exc)) from None
    except ValueError as exc:  # e.g. lxml refusing a str with an encoding declaration
        raise MalformedXMLError(str(exc)) from None
    if root is None:
        raise MalformedXMLError("empty document")
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None:
        names = [entity.name for entity in dtd.iterentities()]
        if names:
            shown = ", ".join(sorted(names)[:5])
            raise UnsafeXMLError(f"the DTD declares {len(names)} entities ({shown}); refused")
    return root


def xml_root(data: bytes | Path, *, source: str) -> etree._Element | Rejected:
    """Parse a file with ``parse_xml``, or say why the whole file is rejected.

    Args:
        data: The file's bytes (or the file, see ``source_bytes``).
        source: Its path relative to the corpus root.

    Returns:
        The root element, or a Rejected (record None) with reason ``unreadable`` (the file
        cannot be read), ``xml_entity`` (``UnsafeXMLError``) or ``xml_malformed``
        (``MalformedXMLError``).
    """
    raw = source_bytes(data, source)
    if isinstance(raw, Rejected):
        return raw
    try:
        return parse_xml(raw)
    except UnsafeXMLError as exc:
        return Rejected(source, None, "xml_entity", str(exc))
    except MalformedXMLError as exc:
        return Rejected(source, None, "xml_malformed", str(exc))


# Elements whose start and end break a paragraph.
_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "div",
        "dl", "dt", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
        "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table",
        "td", "th", "tr", "ul",
    }
)  # fmt: skip
# Elements whose content is never prose.
_SKIP_TAGS = frozenset({"script", "style", "noscript", "iframe", "object", "embed", "template", "svg", "head"})
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
_SPACES = re.compile(r"\s+")


def _walk(root: etree._Element) -> list[str]:
    """Text chunks of ``root`` in document order, with a blank line around block elements.

    Iterative (an explicit stack), so deeply nested markup cannot exhaust Python's recursion.
    """
    chunks: list[str] = []
    # Each stack item is an element to open, or a string to emit when its element closes.
    stack: list[etree._Element | str] = [root]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            chunks.append(item)
            continue
        tag = item.tag.lower() if isinstance(item.tag, str) else None
        closing = item.tail or ""
        if tag is not None and tag not in _SKIP_TAGS:
            block = tag in _BLOCK_TAGS
            if block:
                chunks.append("\n\n")
            if item.text:
                chunks.append(item.text)
            stack.append(("\n\n" if block else "") + closing)
            stack.extend(reversed(list(item)))
        elif closing:
            chunks.append(closing)
    return chunks


def html_fragment_text(markup: str) -> str:
    """Convert an HTML fragment (a post body, a feed summary) to plain text.

    Tags are stripped; block elements (``p``, ``div``, ``li``, headings, ``br``, ...) and blank
    lines in the source (WordPress stores paragraphs as blank-line-separated text and adds the
    ``<p>`` tags only when it displays a post) both end a paragraph. Scripts, styles and comments
    (Gutenberg's ``<!-- wp:paragraph -->`` block markers) are dropped. Character references are
    decoded by the HTML parser; no DTD or network is ever used.

    Args:
        markup: The HTML fragment.

    Returns:
        The paragraphs, each whitespace-collapsed, joined by a blank line ("" if no text).
    """
    if not markup or not markup.strip():
        return ""
    # huge_tree lifts libxml2's nesting limit (256), past which it silently drops text; the
    # HTML parser never reads a DTD or expands a declared entity, so it adds no entity risk.
    parser = lxml_html.HTMLParser(
        no_network=True,
        remove_comments=True,
        remove_pis=True,
        default_doctype=False,
        huge_tree=True,
    )
    try:
        wrapper = lxml_html.fragment_fromstring(markup, create_parent="div", parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        wrapper = None
    fatal = any(error.level_name == "FATAL" for error in parser.error_log)
    if wrapper is None or fatal:
        # libxml2 gave up (e.g. nesting deeper than 2048) and would drop the rest of the text.
        logger.debug("HTML fragment the parser could not read; stripping tags with regexes")
        return _strip_tags(markup)
    return _paragraphs("".join(_walk(wrapper)))


_UNREAD = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL)
_BLOCK_TAG = re.compile(r"</?(?:" + "|".join(sorted(_BLOCK_TAGS)) + r")\b[^>]*>", re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^>]*>")


def _strip_tags(markup: str) -> str:
    """Regex fallback for markup libxml2 cannot read: drop scripts, break at blocks, unescape."""
    text = _UNREAD.sub("", markup)
    text = _ANY_TAG.sub("", _BLOCK_TAG.sub("\n\n", text))
    return _paragraphs(html.unescape(text))


def _paragraphs(text: str) -> str:
    text = text.replace("\xa0", " ")
    parts = (_SPACES.sub(" ", part).strip() for part in _BLANK_LINE.split(text))
    return "\n\n".join(part for part in parts if part)
