"""The two things every reader yields: a ``Record`` (one document as found) or a ``Rejected``.

Readers (``folder``, ``tabular``, ``wxr``, ``feeds``, ``pubmed``, ``bibliography``) yield these in
source order; ``pipeline.ingest.documents`` turns the Records into the ``documents`` table and the
Rejected into the ``quarantine`` table (see docs/architecture.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Record", "Rejected", "abstract_record"]


@dataclass
class Record:
    """One document as a reader found it, before normalisation.

    Attributes:
        source: Path of the file relative to the corpus root, ``/``-separated.
        position: 0-based order of the record within its source.
        text: The main text, or None when the record has none (it is then rejected as 'no_text').
        key: The record's own id (PMID, a mapped id column, a WXR post/comment id), if any.
        doc_type: ``teaser``, ``blog_post``, ``comment``, ``abstract``, ``web_page``, ...
        date: The date as found; the core normalises it to ISO 8601.
        year: The year, if the source gives one separately.
        parent_key: Key of the parent record in the same source (``str(position)`` if keyless).
        truncated: The source shows only the beginning of the text.
        meta: Extra metadata the source carried (written as sorted-key JSON).
    """

    source: str
    position: int
    text: str | None
    key: str | None = None
    doc_type: str | None = None
    title: str | None = None
    author: str | None = None
    author_role: str | None = None
    organisation: str | None = None
    author_bio: str | None = None
    venue: str | None = None
    date: str | None = None
    year: int | None = None
    parent_key: str | None = None
    truncated: bool = False
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Rejected:
    """A record (or a whole file) that could not become a document.

    Attributes:
        source: Path of the file relative to the corpus root, ``/``-separated.
        record: 1-based record number in the source, or None for the whole file.
        reason: Short code: 'malformed_json', 'wrong_field_count', 'no_text', 'undecodable',
            'binary', 'empty_file', 'too_large', 'xml_entity', 'xml_malformed',
            'unsupported_format', 'reader_error', 'symlink', ...
        detail: Human-readable explanation.
    """

    source: str
    record: int | None
    reason: str
    detail: str


def abstract_record(
    *,
    source: str,
    number: int,
    text: str,
    key: str | None,
    title: str | None,
    authors: list[str],
    venue: str | None,
    date: str | None,
    year: int | None,
    meta: dict[str, Any],
) -> Record:
    """The ``abstract`` Record of a bibliographic entry (RIS, BibTeX, PubMed).

    Args:
        source: Path of the file relative to the corpus root.
        number: 1-based entry number in the source; the record's position is one less.
        text: The abstract.
        key: The entry's id (citation key, RIS ``ID``/DOI, PMID), if any.
        title: The entry's title.
        authors: Author names in order; joined by "; " as ``author`` and listed in
            ``meta['authors']`` when there are any.
        venue: Journal or book title.
        date: The date as found.
        year: The year, if known.
        meta: The other metadata; ``authors`` is added to a copy.

    Returns:
        The Record.
    """
    return Record(
        source=source,
        position=number - 1,
        text=text,
        key=key,
        doc_type="abstract",
        title=title,
        author="; ".join(authors) or None,
        venue=venue,
        date=date,
        year=year,
        meta={**meta, "authors": authors} if authors else meta,
    )
