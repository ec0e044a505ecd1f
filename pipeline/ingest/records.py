"""What every reader shares: the ``Reader`` signature and the ``Record`` / ``Rejected`` it yields.

A reader turns the bytes of one file into ``Record`` items (one document as found) and
``Rejected`` items (a record, or the whole file, that cannot become a document), in source
order. ``pipeline.ingest.readers`` registers one reader per format; ``pipeline.ingest.documents``
turns the Records into the ``documents`` table and the Rejected into the ``quarantine`` table
(see docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

__all__ = ["NO_OPTIONS", "PageRecord", "ReadOptions", "Reader", "Record", "Rejected", "abstract_record", "source_bytes"]


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


@dataclass
class PageRecord(Record):
    """A ``Record`` as the page segmenter finds it, before its reader places it in its file.

    The segmenter (``pipeline.ingest.pages.segment_page``) knows neither the file nor the final
    order, so ``source`` and ``position`` keep their defaults until
    ``pipeline.ingest.folder.read_page`` sets them; it also writes ``parent`` as ``parent_key``.

    Attributes:
        parent: Index in ``Segmentation.records`` of the record this one replies to.
    """

    source: str = ""
    position: int = 0
    text: str = ""
    parent: int | None = None


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


@dataclass(frozen=True)
class ReadOptions:
    """What ``read_corpus`` tells every reader besides the bytes and the source.

    Attributes:
        mapping: For tabular formats, target field -> source column (see
            ``pipeline.ingest.tabular.resolve_mapping``); other readers ignore it.
    """

    mapping: Mapping[str, str] | None = None


#: The options of a reader called without any.
NO_OPTIONS = ReadOptions()


class Reader(Protocol):
    """Read one file: its (decompressed) bytes and its source -> Records and Rejected in source order.

    A reader rejects what it cannot read (a record, or the whole file with ``record`` None) and
    raises only ``UndecodableError`` for bytes in no encoding (quarantined as 'undecodable') or
    ``MappingError`` for a column mapping the file cannot satisfy (stops the run); anything else
    it raises is quarantined as 'reader_error' for the whole file.
    """

    def __call__(
        self, data: bytes, /, *, source: str, options: ReadOptions = NO_OPTIONS
    ) -> Iterable[Record | Rejected]: ...


def source_bytes(data: bytes | Path, source: str) -> bytes | Rejected:
    """The bytes a reader was given, or those of the file it was given.

    Readers take bytes (``read_corpus`` reads each file once, within its size limit); a path is
    accepted for callers reading one file on its own.

    Returns:
        The bytes, or a whole-file Rejected 'unreadable' when the file cannot be read.
    """
    if isinstance(data, bytes):
        return data
    try:
        return Path(data).read_bytes()
    except OSError as exc:
        return Rejected(source, None, "unreadable", str(exc))


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
