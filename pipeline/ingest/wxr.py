"""Read a WordPress eXtended RSS (WXR) export: posts, pages and their approved comments.

WXR is the RSS 2.0 file that WordPress's Tools > Export writes: one ``<item>`` per post, page,
attachment, menu item, ..., with WordPress fields in the ``wp:`` namespace
(``http://wordpress.org/export/1.2/``; 1.0 and 1.1 exports are read the same way) and the
comments nested inside their item as ``<wp:comment>``.

Entries are numbered in document order, each item followed by its comments, from 1; a record's
``position`` is its entry number minus one, so a record and a rejection never share a number and
``records + rejected == entries``. Nothing is dropped silently: attachments, menu items and other
non-content items are rejected as ``not_content``, posts whose ``wp:status`` is not
``publish`` (drafts, private, trash) as ``not_published``, the comments of either as
``parent_not_content``, unapproved or spam comments as ``comment_not_approved``, pingbacks and
trackbacks as ``not_content``, and empty posts or comments as ``no_text``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path

from lxml import etree

from pipeline.ingest.dates import rfc822_date, wordpress_date
from pipeline.ingest.records import NO_OPTIONS, ReadOptions, Record, Rejected
from pipeline.ingest.xmlsafe import html_fragment_text, xml_root

__all__ = ["CONTENT_POST_TYPES", "read_wxr"]

logger = logging.getLogger(__name__)

#: WordPress post types that carry prose, and the ``doc_type`` each becomes.
CONTENT_POST_TYPES = {"post": "blog_post", "page": "web_page"}
_PUBLISHED = frozenset({"publish", ""})
_NOT_HUMAN_COMMENTS = frozenset({"pingback", "trackback"})
_WP_PREFIX = "http://wordpress.org/export/"
_CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
_DC_NS = "http://purl.org/dc/elements/1.1/"


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _ns(element: etree._Element) -> str:
    return etree.QName(element).namespace or "" if isinstance(element.tag, str) else ""


def _is_wp(namespace: str) -> bool:
    return namespace.startswith(_WP_PREFIX) and not namespace.endswith("/excerpt/")


def _is_excerpt(namespace: str) -> bool:
    return namespace.startswith(_WP_PREFIX) and namespace.endswith("/excerpt/")


def _child_text(parent: etree._Element, name: str, namespace: str | Callable[[str], bool] | None) -> str | None:
    """Stripped text of the first child ``name`` whose namespace is or satisfies ``namespace``."""
    for child in parent:
        if _local(child) != name:
            continue
        ns = _ns(child)
        matched = namespace(ns) if callable(namespace) else ns == (namespace or "")
        if matched:
            text = "".join(child.itertext()).strip()
            return text or None
    return None


def _authors(channel: etree._Element) -> dict[str, str]:
    """Map each ``wp:author_login`` to its ``wp:author_display_name``."""
    names: dict[str, str] = {}
    for author in channel:
        if _local(author) == "author" and _is_wp(_ns(author)):
            login = _child_text(author, "author_login", _is_wp)
            display = _child_text(author, "author_display_name", _is_wp)
            if login and display:
                names[login] = display
    return names


def _terms(item: etree._Element) -> tuple[list[str], list[str]]:
    categories: list[str] = []
    tags: list[str] = []
    for child in item:
        if _local(child) != "category" or _ns(child):
            continue
        label = "".join(child.itertext()).strip()
        if not label:
            continue
        domain = child.get("domain", "category")
        if domain == "post_tag":
            tags.append(label)
        elif domain == "category":
            categories.append(label)
    return categories, tags


def read_wxr(data: bytes | Path, *, source: str, options: ReadOptions = NO_OPTIONS) -> Iterator[Record | Rejected]:
    """Read the posts, pages and approved comments of a WordPress WXR export.

    Posts become ``blog_post`` records and pages ``web_page`` records: key ``wp:post_id``,
    title, author (the display name of the ``dc:creator`` login when the export lists it, else
    the login), date (``wp:post_date_gmt``, else ``wp:post_date``, else ``pubDate``), text from
    ``content:encoded`` converted from HTML (paragraphs kept), and ``categories``, ``tags``,
    ``link``, ``status``, ``post_type``, ``author_login`` and ``excerpt`` in ``meta``. Each
    approved comment (``wp:comment_approved`` = 1) becomes a ``comment`` record keyed
    ``{post_id}-c{comment_id}`` whose ``parent_key`` is the replied-to comment's key when
    ``wp:comment_parent`` is not 0, else the post's key.

    Args:
        data: The export's bytes (or the file, see ``source_bytes``).
        source: Its path relative to the corpus root.
        options: Not used.

    Yields:
        A Record or a Rejected for every item and every comment, in document order; a single
        Rejected (record None) if the file is unreadable, unsafe or malformed XML.
    """
    root = xml_root(data, source=source)
    if isinstance(root, Rejected):
        yield root
        return
    channel = next((c for c in root if _local(c) == "channel" and not _ns(c)), None)
    if _local(root) != "rss" or channel is None:
        yield Rejected(source, None, "not_wxr", f"root element <{_local(root)}> has no <channel>")
        return
    authors = _authors(channel)
    venue = _child_text(channel, "title", None)
    number = 0
    for item in channel:
        if _local(item) != "item" or _ns(item):
            continue
        number += 1
        try:
            post, post_id, post_ok = _post(item, number, source, authors, venue)
        except Exception as exc:  # a reader never raises for bad content
            logger.warning("%s: item %d: %s", source, number, exc)
            post, post_id, post_ok = (
                Rejected(source, number, "malformed_entry", f"{type(exc).__name__}: {exc}"),
                None,
                False,
            )
        yield post
        for comment in item:
            if _local(comment) != "comment" or not _is_wp(_ns(comment)):
                continue
            number += 1
            try:
                yield _comment(comment, number, source, post_id, post_ok)
            except Exception as exc:
                logger.warning("%s: comment entry %d: %s", source, number, exc)
                yield Rejected(source, number, "malformed_entry", f"{type(exc).__name__}: {exc}")
    if number == 0:
        yield Rejected(source, None, "no_entries", "the export has no <item>")


def _post(
    item: etree._Element, number: int, source: str, authors: dict[str, str], venue: str | None
) -> tuple[Record | Rejected, str | None, bool]:
    """Build the record for one item; return it, the post id and whether comments may follow."""
    post_id = _child_text(item, "post_id", _is_wp)
    post_type = _child_text(item, "post_type", _is_wp) or "post"
    status = _child_text(item, "status", _is_wp) or ""
    title = _child_text(item, "title", None)
    label = f"item {post_id or '?'} ({title or 'untitled'})"
    if post_type not in CONTENT_POST_TYPES:
        rejected = Rejected(source, number, "not_content", f"{label}: post_type {post_type}")
        return rejected, None, False
    if status not in _PUBLISHED:
        rejected = Rejected(source, number, "not_published", f"{label}: status {status}")
        return rejected, None, False
    login = _child_text(item, "creator", _DC_NS)
    date, year = wordpress_date(_child_text(item, "post_date_gmt", _is_wp))
    if date is None:
        date, year = wordpress_date(_child_text(item, "post_date", _is_wp))
    if date is None:
        date, year = rfc822_date(_child_text(item, "pubDate", None))
    categories, tags = _terms(item)
    excerpt = html_fragment_text(_child_text(item, "encoded", _is_excerpt) or "")
    meta: dict[str, object] = {"post_type": post_type}
    if status:
        meta["status"] = status
    if categories:
        meta["categories"] = categories
    if tags:
        meta["tags"] = tags
    if login:
        meta["author_login"] = login
    link = _child_text(item, "link", None)
    if link:
        meta["link"] = link
    if excerpt:
        meta["excerpt"] = excerpt
    text = html_fragment_text(_child_text(item, "encoded", _CONTENT_NS) or "")
    if not text:
        rejected = Rejected(source, number, "no_text", f"{label}: empty content:encoded")
        return rejected, post_id, True
    record = Record(
        source=source,
        position=number - 1,
        text=text,
        key=post_id,
        doc_type=CONTENT_POST_TYPES[post_type],
        title=title,
        author=authors.get(login, login) if login else None,
        venue=venue,
        date=date,
        year=year,
        meta=meta,
    )
    return record, post_id, True


def _comment(
    comment: etree._Element, number: int, source: str, post_id: str | None, post_ok: bool
) -> Record | Rejected:
    comment_id = _child_text(comment, "comment_id", _is_wp)
    key = f"{post_id}-c{comment_id}" if post_id and comment_id else None
    label = f"comment {key or comment_id or '?'}"
    if not post_ok:
        return Rejected(source, number, "parent_not_content", f"{label}: its item is not read")
    approved = _child_text(comment, "comment_approved", _is_wp) or "0"
    if approved != "1":
        return Rejected(source, number, "comment_not_approved", f"{label}: approved={approved}")
    comment_type = _child_text(comment, "comment_type", _is_wp) or ""
    if comment_type in _NOT_HUMAN_COMMENTS:
        return Rejected(source, number, "not_content", f"{label}: comment_type {comment_type}")
    text = html_fragment_text(_child_text(comment, "comment_content", _is_wp) or "")
    if not text:
        return Rejected(source, number, "no_text", f"{label}: empty comment_content")
    parent = _child_text(comment, "comment_parent", _is_wp) or "0"
    parent_key = f"{post_id}-c{parent}" if parent != "0" and post_id else post_id
    date, year = wordpress_date(_child_text(comment, "comment_date_gmt", _is_wp))
    if date is None:
        date, year = wordpress_date(_child_text(comment, "comment_date", _is_wp))
    meta: dict[str, object] = {}
    url = _child_text(comment, "comment_author_url", _is_wp)
    if url:
        meta["author_url"] = url
    if comment_type not in ("", "comment"):
        meta["comment_type"] = comment_type
    return Record(
        source=source,
        position=number - 1,
        text=text,
        key=key,
        doc_type="comment",
        author=_child_text(comment, "comment_author", _is_wp),
        date=date,
        year=year,
        parent_key=parent_key,
        meta=meta,
    )
