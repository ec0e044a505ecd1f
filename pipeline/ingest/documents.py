"""The ingest core: walk a corpus, dispatch each file to its reader, build the tables.

``read_corpus`` turns a folder (or one file) into the ``documents`` and ``quarantine`` tables
described in docs/architecture.md, plus a summary whose counts reconcile:
``records_seen == documents_written + duplicates_collapsed + quarantined``.

Every file yields Records and Rejected items (see ``pipeline.ingest.records``); a file-level
rejection (empty, binary, too large, unsupported, a reader that crashed) counts as one record
seen. Documents are normalised (``normalise_text``), dates put in ISO 8601, exact duplicates
(same normalised text) collapsed onto the first in (source, position) order, and
near-duplicates (same text but for whitespace, case and punctuation) flagged in ``dup_of``.
A record whose text has no letter or digit (only punctuation or symbols) is quarantined as
'no_text'. Symlinks inside a corpus folder are quarantined as 'symlink', never followed.
"""

from __future__ import annotations

import gzip
import json
import logging
import math
import os
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.ingest import tabular
from pipeline.ingest.dates import normalise_date
from pipeline.ingest.folder import PageRead
from pipeline.ingest.readers import BINARY_FORMATS, FORMATS, READERS, detect_format
from pipeline.ingest.records import ReadOptions, Record, Rejected
from pipeline.ingest.text import UndecodableError, looks_binary, normalise_text

# FORMATS, detect_format and normalise_date live in readers and dates; they stay importable here.
__all__ = [
    "DOCUMENT_COLUMNS",
    "FORMATS",
    "QUARANTINE_COLUMNS",
    "IngestResult",
    "detect_format",
    "normalise_date",
    "read_corpus",
]

logger = logging.getLogger(__name__)

DOCUMENT_COLUMNS = (
    "doc_id", "corpus", "source", "position", "doc_type", "title", "author", "author_role",
    "organisation", "author_bio", "venue", "date", "year", "parent_id", "truncated", "text",
    "n_chars", "dup_of", "meta",
)  # fmt: skip
QUARANTINE_COLUMNS = ("source", "record", "reason", "detail")
_STRING_FIELDS = ("title", "author", "author_role", "organisation", "author_bio", "venue")


@dataclass(frozen=True)
class IngestResult:
    """What ``read_corpus`` returns.

    Attributes:
        documents: The ``documents`` table (docs/architecture.md), sorted by ``doc_id``.
        quarantine: ``source, record, reason, detail``, sorted.
        summary: Counts; see ``read_corpus``.
    """

    documents: pd.DataFrame
    quarantine: pd.DataFrame
    summary: dict[str, Any]


# ---------------------------------------------------------------------------------------------
# Files and formats


def _read_bytes(path: Path, max_bytes: int) -> bytes | None:
    """Read (and gunzip) ``path``; None when the content is over ``max_bytes``."""
    if path.name.lower().endswith(".gz"):
        out = bytearray()
        with gzip.open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                out += chunk
                if len(out) > max_bytes:
                    return None
        return bytes(out)
    if path.stat().st_size > max_bytes:
        return None
    return path.read_bytes()


def _walk(root: Path) -> list[Path]:
    """All files and symlinks under ``root``, sorted by relative path; no symlink is followed.

    Symlinks (to files or directories) are returned so that ``_read_file`` quarantines them:
    a link may point outside the corpus (``/etc/passwd``) or at its own parent (a loop), and
    the stage cache digests only regular files (``pipeline.stages.corpus_files``).
    """
    files = []
    for directory, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        for name in dirnames:
            if (Path(directory) / name).is_symlink():
                files.append(Path(directory) / name)
        for filename in filenames:
            files.append(Path(directory) / filename)
    return sorted(files, key=lambda p: p.relative_to(root).as_posix())


@dataclass
class _FileResult:
    source: str
    fmt: str
    items: list[Record | Rejected]
    boilerplate_lines: int = 0
    duplicate_paragraphs: int = 0


def _read_file(
    path: Path,
    *,
    source: str,
    fmt: str,
    options: ReadOptions,
    max_file_bytes: int,
    follow_symlink: bool = False,
) -> _FileResult:
    def whole(reason: str, detail: str, fmt_: str = fmt) -> _FileResult:
        return _FileResult(source, fmt_, [Rejected(source, None, reason, detail)])

    if path.is_symlink() and not follow_symlink:
        return whole("symlink", f"symbolic link to {os.readlink(path)!r}; links are not followed")
    try:
        data = _read_bytes(path, max_file_bytes)
    except (OSError, EOFError, zlib.error) as exc:  # unreadable file or broken gzip stream
        return whole("unreadable", f"{type(exc).__name__}: {exc}")
    if data is None:
        return whole("too_large", f"over max_file_bytes={max_file_bytes}")
    if fmt == "auto":
        detected = detect_format(path.name, data)
        if detected is None:
            if data.strip():
                return whole("unsupported_format", f"no reader for {path.name!r}", "unsupported")
            fmt = "unsupported"
        else:
            fmt = detected
    if not data.strip():
        return whole("empty_file", f"{len(data)} bytes, no content", fmt)
    if fmt not in BINARY_FORMATS and looks_binary(data):
        return whole("binary", "NUL or control bytes: not a text file", fmt)
    try:
        read = READERS[fmt](data, source=source, options=options)
        items = list(read)
    except UndecodableError as exc:
        return whole("undecodable", str(exc))
    except tabular.MappingError:
        raise
    except Exception as exc:
        logger.warning("reader for %s failed: %r", source, exc)
        return whole("reader_error", f"{type(exc).__name__}: {exc}")
    if isinstance(read, PageRead):  # the page segmenter also counts what it dropped
        return _FileResult(source, fmt, items, read.boilerplate_lines, read.duplicate_paragraphs)
    return _FileResult(source, fmt, items)


# ---------------------------------------------------------------------------------------------
# Records -> documents


def _clean_field(value: object) -> str | None:
    if value is None:
        return None
    text = " ".join(normalise_text(str(value)).split())
    return text or None


class _AlnumOnly(dict[int, str | None]):
    """A ``str.translate`` table that keeps letters and digits and deletes everything else."""

    def __missing__(self, codepoint: int) -> str | None:
        char = chr(codepoint)
        kept = char if char.isalnum() else None
        self[codepoint] = kept
        return kept


def _near_duplicate_key(text: str, table: _AlnumOnly) -> str:
    """The text without case, whitespace and punctuation (what near-duplicates share)."""
    return text.casefold().translate(table)


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Mapping):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def _meta_json(meta: Mapping[str, Any]) -> str | None:
    cleaned = {k: v for k, v in _json_safe(meta).items() if v is not None}
    if not cleaned:
        return None
    return json.dumps(cleaned, sort_keys=True, ensure_ascii=False, default=str)


def _empty_counts() -> dict[str, int]:
    return {"records_seen": 0, "documents": 0, "duplicates": 0, "quarantined": 0}


def read_corpus(
    path: Path | str,
    *,
    fmt: str = "auto",
    corpus: str | None = None,
    mapping: Mapping[str, str] | None = None,
    max_file_bytes: int = 100_000_000,
    max_doc_chars: int | None = None,
) -> IngestResult:
    """Read a folder of raw files (or one file) into the documents and quarantine tables.

    Args:
        path: A folder (walked recursively in sorted order; symlinks inside it, to files or
            folders, are not followed but quarantined as 'symlink') or a single file.
            ``.gz`` files are decompressed.
        fmt: "auto" (from the extension; XML by its root element) or a format registered in
            ``pipeline.ingest.readers.READERS``, to read every file with its reader.
        corpus: Corpus label, the first part of every ``doc_id``; defaults to the folder name
            (or the file name without extensions).
        mapping: For tabular files, target field -> source column (targets: text, title,
            author, date, doc_type, id, parent_id, author_role, organisation, author_bio,
            venue, year); unmapped targets fall back to the usual column names.
        max_file_bytes: Files larger than this (uncompressed) are quarantined as 'too_large'.
        max_doc_chars: Documents whose normalised text is longer than this are quarantined
            as 'too_long' (None: no limit). A 50 MB file of one line is one document that
            would take spaCy hours; a file-size limit cannot tell it from 50 MB of records.

    Returns:
        The documents (docs/architecture.md), the quarantine and a summary with
        ``files_read, records_seen, documents_written, duplicates_collapsed, quarantined,
        boilerplate_lines_dropped, duplicate_paragraphs_collapsed, near_duplicates_flagged,
        orphans, duplicates`` (``[dropped_doc_id, kept_doc_id]`` pairs), ``by_format`` and
        ``by_source``.

    Raises:
        FileNotFoundError: If ``path`` does not exist.
        ValueError: For an unknown ``fmt``, an unknown mapping target or a mapped column that
            a tabular file lacks.
    """
    root = Path(path)
    if not root.exists():
        raise FileNotFoundError(f"corpus path {root} does not exist")
    if fmt != "auto" and fmt not in READERS:
        raise ValueError(f"unknown format {fmt!r}; expected 'auto' or one of {sorted(READERS)}")
    if mapping is not None:
        tabular.check_mapping(mapping)
    options = ReadOptions(mapping=mapping)
    if root.is_dir():
        files = [(p, p.relative_to(root).as_posix()) for p in _walk(root)]
        label = corpus or root.resolve().name
    else:
        files = [(root, root.name)]
        label = corpus or root.name.split(".")[0]

    # A file named as the corpus is read even through a symlink; links inside a folder are not.
    results = [
        _read_file(
            p, source=src, fmt=fmt, options=options, max_file_bytes=max_file_bytes, follow_symlink=not root.is_dir()
        )
        for p, src in files
    ]
    return _build(results, corpus=label, max_doc_chars=max_doc_chars)


def _build(results: list[_FileResult], *, corpus: str, max_doc_chars: int | None = None) -> IngestResult:
    found = _Documents(corpus, max_doc_chars)
    by_source: dict[str, dict[str, Any]] = {}
    by_format: dict[str, dict[str, int]] = {}
    for result in results:
        counts = found.add_file(result)
        by_source[result.source] = {"format": result.fmt, **counts}
        fmt_counts = by_format.setdefault(result.fmt, _empty_counts())
        for name, value in counts.items():
            fmt_counts[name] += value
    orphans = found.link_parents()
    for row in found.rows:
        row["meta"] = _meta_json(row["meta"])

    documents = _documents_frame(found.rows)
    quarantine = _quarantine_frame(found.rejected)
    records_seen = sum(s["records_seen"] for s in by_source.values())
    summary: dict[str, Any] = {
        "files_read": len(results),
        "records_seen": records_seen,
        "documents_written": len(documents),
        "duplicates_collapsed": len(found.duplicates),
        "quarantined": len(quarantine),
        "boilerplate_lines_dropped": sum(result.boilerplate_lines for result in results),
        "duplicate_paragraphs_collapsed": sum(result.duplicate_paragraphs for result in results),
        "near_duplicates_flagged": int(documents["dup_of"].notna().sum()),
        "orphans": orphans,
        "duplicates": sorted(found.duplicates),
        "by_format": dict(sorted(by_format.items())),
        "by_source": dict(sorted(by_source.items())),
    }
    accounted = summary["documents_written"] + summary["duplicates_collapsed"] + summary["quarantined"]
    if records_seen != accounted:
        raise AssertionError(f"ingest counts do not reconcile: {summary}")  # pragma: no cover
    logger.info(
        "ingest %s: %d files, %d records, %d documents, %d duplicates, %d quarantined",
        corpus, len(results), records_seen, len(documents), len(found.duplicates), len(quarantine),
    )  # fmt: skip
    return IngestResult(documents=documents, quarantine=quarantine, summary=summary)


@dataclass
class _Documents:
    """The document rows, rejections and duplicates found so far in the files of one corpus."""

    corpus: str
    max_doc_chars: int | None
    rows: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    exact_seen: dict[str, str] = field(default_factory=dict)  # normalised text -> first doc_id
    near_seen: dict[str, str] = field(default_factory=dict)  # near-duplicate key -> first doc_id
    duplicates: list[list[str]] = field(default_factory=list)  # [dropped doc_id, kept doc_id]
    alias: dict[str, str] = field(default_factory=dict)  # dropped doc_id -> kept doc_id
    # (row, parent key, the row's source's key -> doc_id), linked once every file is read
    pending_parents: list[tuple[dict[str, Any], str, dict[str, str]]] = field(default_factory=list)
    alnum_only: _AlnumOnly = field(default_factory=_AlnumOnly)

    def add_file(self, result: _FileResult) -> dict[str, int]:
        """Add the items of one file; return its ``records_seen`` and where they went."""
        counts = _empty_counts()
        key_to_doc: dict[str, str] = {}
        used_ids: set[str] = set()
        for item in result.items:
            counts["records_seen"] += 1
            counts[self._add(item, result.source, key_to_doc, used_ids)] += 1
        return counts

    def _add(self, item: Record | Rejected, source: str, key_to_doc: dict[str, str], used_ids: set[str]) -> str:
        """Add one item; return where it went: ``quarantined``, ``duplicates`` or ``documents``."""
        if isinstance(item, Rejected):
            self.rejected.append(item)
            return "quarantined"
        text = normalise_text(item.text) if item.text is not None else ""
        if not text:
            return self._reject(source, item, "no_text", "no text after normalisation")
        if self.max_doc_chars is not None and len(text) > self.max_doc_chars:
            return self._reject(
                source, item, "too_long", f"{len(text)} characters, over max_doc_chars={self.max_doc_chars}"
            )
        near_key = _near_duplicate_key(text, self.alnum_only)
        if not near_key:  # only punctuation, symbols or marks: nothing to analyse
            return self._reject(source, item, "no_text", "no letters or digits")
        key = str(item.key).strip() if item.key is not None else ""
        own_key = key or str(item.position)
        doc_id = f"{self.corpus}:{source}:{key or f'{item.position:06d}'}"
        if doc_id in used_ids:
            return self._reject(source, item, "duplicate_key", f"key {own_key!r} already used in this source")
        used_ids.add(doc_id)
        if text in self.exact_seen:
            kept = self.exact_seen[text]
            self.alias[doc_id] = kept
            key_to_doc[own_key] = kept
            self.duplicates.append([doc_id, kept])
            return "duplicates"
        self.exact_seen[text] = doc_id
        key_to_doc[own_key] = doc_id
        dup_of = self.near_seen.get(near_key)
        if dup_of is None:
            self.near_seen[near_key] = doc_id
        row = _document_row(item, doc_id, corpus=self.corpus, source=source, text=text, dup_of=dup_of)
        self.rows.append(row)
        if item.parent_key is not None and str(item.parent_key).strip():
            self.pending_parents.append((row, str(item.parent_key).strip(), key_to_doc))
        return "documents"

    def _reject(self, source: str, item: Record, reason: str, detail: str) -> str:
        self.rejected.append(Rejected(source, item.position + 1, reason, detail))
        return "quarantined"

    def link_parents(self) -> int:
        """Set each row's ``parent_id`` from its parent key; return the number of orphans.

        A parent collapsed as a duplicate is replaced by the document it duplicates; a parent
        not found in the row's source (or the row itself) makes an orphan, its key kept in
        ``meta["orphan_parent"]``.
        """
        orphans = 0
        for row, parent_key, key_to_doc in self.pending_parents:
            parent = key_to_doc.get(parent_key)
            parent = self.alias.get(parent, parent) if parent is not None else None
            if parent is None or parent == row["doc_id"]:
                orphans += 1
                row["meta"]["orphan_parent"] = parent_key
                logger.info("%s: parent %r not found in its source", row["doc_id"], parent_key)
            else:
                row["parent_id"] = parent
        return orphans


def _document_row(
    item: Record, doc_id: str, *, corpus: str, source: str, text: str, dup_of: str | None
) -> dict[str, Any]:
    """The ``documents`` row of a record (``meta`` still a dict), its date in ISO 8601."""
    meta = dict(item.meta)
    iso = normalise_date(item.date)
    if item.date is not None and iso is None and str(item.date).strip():
        meta["date_text"] = str(item.date).strip()
    year = item.year
    if year is None and iso is not None:
        year = int(iso[:4])
    return {
        "doc_id": doc_id,
        "corpus": corpus,
        "source": source,
        "position": int(item.position),
        "doc_type": _clean_field(item.doc_type) or "other",
        **{name: _clean_field(getattr(item, name)) for name in _STRING_FIELDS},
        "date": iso,
        "year": int(year) if year is not None else None,
        "parent_id": None,
        "truncated": bool(item.truncated),
        "text": text,
        "n_chars": len(text),
        "dup_of": dup_of,
        "meta": meta,
    }


def _documents_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(DOCUMENT_COLUMNS))
    for column in DOCUMENT_COLUMNS:
        if column in ("position", "n_chars"):
            frame[column] = frame[column].astype("int64")
        elif column == "year":
            frame[column] = frame[column].astype("Int64")
        elif column == "truncated":
            frame[column] = frame[column].astype(bool)
        else:
            frame[column] = frame[column].astype("string")
    return frame.sort_values("doc_id", kind="mergesort").reset_index(drop=True)


def _quarantine_frame(rejected: list[Rejected]) -> pd.DataFrame:
    frame = pd.DataFrame([(r.source, r.record, r.reason, r.detail) for r in rejected], columns=list(QUARANTINE_COLUMNS))
    frame = frame.astype({"source": "string", "record": "Int64", "reason": "string", "detail": "string"})
    frame["_order"] = frame["record"].fillna(0)
    frame = frame.sort_values(["source", "_order", "reason", "detail"], kind="mergesort")
    return frame.drop(columns="_order").reset_index(drop=True)
