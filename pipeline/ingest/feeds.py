"""Read RSS 0.9x/1.0/2.0 and Atom feeds with feedparser, one record per entry.

The bytes are first checked by ``pipeline.ingest.xmlsafe.parse_xml``: a feed that declares any
entity is refused (``xml_entity``) before feedparser sees it. A feed that is merely not
well-formed is handed to feedparser, whose loose parser reads many broken real-world feeds; if
it finds no entry the file is rejected as ``xml_malformed``. feedparser is always given a
stream, never a string or bytes, because given ``bytes`` it first tries to open them as a file
name (and given a ``str`` URL it would fetch it).

Entries are numbered from 1 in feed order; a record's ``position`` is its entry number minus one.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser

from pipeline.ingest.dates import struct_time_date
from pipeline.ingest.records import NO_OPTIONS, ReadOptions, Record, Rejected, source_bytes
from pipeline.ingest.xmlsafe import (
    MalformedXMLError,
    UnsafeXMLError,
    html_fragment_text,
    parse_xml,
)

__all__ = ["read_feed"]

logger = logging.getLogger(__name__)

_FEED_ROOTS = frozenset({"rss", "feed", "RDF", "channel"})
_PLAIN_TYPES = frozenset({"text/plain", "text"})
# A summary that ends like this shows only the beginning of the article.
_TRUNCATION = re.compile(r"(\.\.\.|\u2026|\[(\.\.\.|\u2026)\])\s*$")


def _detail_text(value: str | None, detail: Any) -> str:
    """Plain text of a feedparser text construct (``title``/``summary``/a ``content`` item)."""
    if not value:
        return ""
    kind = (detail or {}).get("type", "text/html") if isinstance(detail, dict) else "text/html"
    if kind in _PLAIN_TYPES:
        return "\n\n".join(" ".join(part.split()) for part in re.split(r"\n\s*\n", value) if part.strip())
    return html_fragment_text(value)


def _one_line(text: str) -> str | None:
    return " ".join(text.split()) or None


def _date(entry: Any) -> tuple[str | None, int | None]:
    for parsed_key, raw_key in (("published_parsed", "published"), ("updated_parsed", "updated")):
        parsed = struct_time_date(entry.get(parsed_key))
        if parsed is not None:
            return parsed
        raw = entry.get(raw_key)
        if raw:
            return str(raw).strip() or None, None
    return None, None


def read_feed(data: bytes | Path, *, source: str, options: ReadOptions = NO_OPTIONS) -> Iterator[Record | Rejected]:
    """Read the entries of an RSS or Atom feed.

    Each entry with text becomes an ``article`` record: text from the entry's content
    (``content:encoded`` in RSS, ``<content>`` in Atom) or else its summary/description, HTML
    converted to plain text with paragraphs kept; title; author (name, else the raw author
    field); date from ``published``, else ``updated`` (``YYYY-MM-DD`` in UTC when feedparser
    can parse it, else as found); venue the feed's title; key the entry's id/guid, else its link; ``link``
    and ``categories`` in ``meta``. A record whose only text is a summary ending in "..." or
    "[…]" is marked ``truncated``. An entry with no text is rejected as ``no_text``.

    Args:
        data: The feed's bytes (or the file, see ``source_bytes``).
        source: Its path relative to the corpus root.
        options: Not used.

    Yields:
        A Record or a Rejected per entry, in feed order, or one Rejected (record None) for the
        whole file when it is unsafe, unreadable, not a feed or has no entries.
    """
    raw = source_bytes(data, source)
    if isinstance(raw, Rejected):
        yield raw
        return
    malformed: str | None = None
    try:
        root = parse_xml(raw)
    except UnsafeXMLError as exc:
        yield Rejected(source, None, "xml_entity", str(exc))
        return
    except MalformedXMLError as exc:
        malformed = str(exc)
    else:
        localname = root.tag.rsplit("}", 1)[-1] if isinstance(root.tag, str) else ""
        if localname not in _FEED_ROOTS:
            yield Rejected(source, None, "not_feed", f"root element <{localname}> is not a feed")
            return
    try:
        parsed = feedparser.parse(io.BytesIO(raw), sanitize_html=True, resolve_relative_uris=False)
    except Exception as exc:  # feedparser is not supposed to raise; a reader never does
        yield Rejected(source, None, "xml_malformed", f"feedparser: {type(exc).__name__}: {exc}")
        return
    entries = list(parsed.get("entries", []))
    if not entries:
        if malformed is not None:
            yield Rejected(source, None, "xml_malformed", malformed)
        else:
            yield Rejected(source, None, "no_entries", "the feed has no entries")
        return
    if malformed is not None:
        logger.warning("%s: not well-formed XML, read loosely: %s", source, malformed)
    feed = parsed.get("feed", {})
    venue = _one_line(_detail_text(feed.get("title"), feed.get("title_detail")))
    for number, entry in enumerate(entries, start=1):
        try:
            yield _entry(entry, number, source, venue)
        except Exception as exc:  # a reader never raises for bad content
            logger.warning("%s: entry %d: %s", source, number, exc)
            yield Rejected(source, number, "malformed_entry", f"{type(exc).__name__}: {exc}")


def _entry(entry: Any, number: int, source: str, venue: str | None) -> Record | Rejected:
    key = entry.get("id") or entry.get("link") or None
    title = _one_line(_detail_text(entry.get("title"), entry.get("title_detail")))
    text = ""
    for content in entry.get("content", []) or []:
        text = _detail_text(content.get("value"), content)
        if text:
            break
    truncated = False
    if not text:
        text = _detail_text(entry.get("summary"), entry.get("summary_detail"))
        truncated = bool(_TRUNCATION.search(text))
    if not text:
        label = key or title or "untitled"
        return Rejected(source, number, "no_text", f"entry {label}: no content or summary")
    author_detail = entry.get("author_detail") or {}
    author = _one_line(author_detail.get("name") or entry.get("author") or "")
    date, year = _date(entry)
    meta: dict[str, object] = {}
    if entry.get("link"):
        meta["link"] = entry["link"]
    categories = [tag.get("term") for tag in entry.get("tags", []) or [] if tag.get("term")]
    if categories:
        meta["categories"] = categories
    return Record(
        source=source,
        position=number - 1,
        text=text,
        key=str(key) if key else None,
        doc_type="article",
        title=title,
        author=author,
        venue=venue,
        date=date,
        year=year,
        truncated=truncated,
        meta=meta,
    )
