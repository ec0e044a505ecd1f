"""The reader of every format, and the format of a file.

``READERS`` maps each format name to its reader; every reader is a ``Reader`` (see
``pipeline.ingest.records``): the bytes of one file and its source in, Records and Rejected
out. ``read_corpus`` looks the reader up here, so adding a format is one line in ``READERS``,
plus its file suffixes in ``EXTENSIONS`` when files are to be recognised by name, and its name
in ``BINARY_FORMATS`` when its files are not text. XML files (``.xml``) are told apart by their
root element (``detect_format``).
"""

from __future__ import annotations

import os
import re
from typing import Final

from pipeline.ingest.bibliography import read_bibtex, read_ris
from pipeline.ingest.feeds import read_feed
from pipeline.ingest.folder import read_html, read_page
from pipeline.ingest.pubmed import read_pubmed
from pipeline.ingest.records import Reader
from pipeline.ingest.tabular import read_csv, read_json, read_jsonl, read_parquet, read_tsv, read_xlsx
from pipeline.ingest.wxr import read_wxr

__all__ = ["BINARY_FORMATS", "EXTENSIONS", "FORMATS", "READERS", "detect_format"]

#: Format name -> its reader.
READERS: dict[str, Reader] = {
    "text": read_page,
    "markdown": read_page,
    "html": read_html,
    "csv": read_csv,
    "tsv": read_tsv,
    "json": read_json,
    "jsonl": read_jsonl,
    "parquet": read_parquet,
    "xlsx": read_xlsx,
    "wxr": read_wxr,
    "feed": read_feed,
    "pubmed": read_pubmed,
    "ris": read_ris,
    "bibtex": read_bibtex,
}
#: File suffix (lower case, after any ``.gz``) -> format; ``xml`` means "by the root element".
EXTENSIONS: dict[str, str] = {
    ".txt": "text", ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html",
    ".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".json": "json", ".jsonl": "jsonl",
    ".ndjson": "jsonl", ".parquet": "parquet", ".xlsx": "xlsx", ".xml": "xml", ".rss": "feed",
    ".atom": "feed", ".ris": "ris", ".bib": "bibtex",
}  # fmt: skip
#: Formats whose files are not text (so NUL and control bytes are no sign of a wrong file).
BINARY_FORMATS: set[str] = {"parquet", "xlsx"}
#: The formats registered when the package is imported (``read_corpus`` consults ``READERS``).
FORMATS: Final[frozenset[str]] = frozenset(READERS)

_XML_ROOT = re.compile(rb"<(?![?!])([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)([^>]*)>", flags=re.DOTALL)
_WXR_NAMESPACE = re.compile(rb"xmlns:wp\s*=\s*[\"'][^\"']*/export/", flags=re.IGNORECASE)


def detect_format(name: str, data: bytes) -> str | None:
    """Return the format of a file from its name and (for XML) its root element.

    Args:
        name: The file name; a final ``.gz`` is ignored (the caller decompresses).
        data: The (decompressed) bytes; only the start is looked at.

    Returns:
        A key of ``READERS``, or None when no reader reads the file.
    """
    lower = name.lower()
    if lower.endswith(".gz"):
        lower = lower[:-3]
    fmt = EXTENSIONS.get(os.path.splitext(lower)[1])
    if fmt == "xml":
        fmt = _sniff_xml(data)
    return fmt if fmt in READERS else None


def _sniff_xml(data: bytes) -> str | None:
    head = data[:65536]
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    # Skip the XML declaration, comments, processing instructions and the DOCTYPE.
    head = re.sub(rb"<!--.*?-->|<\?.*?\?>|<!DOCTYPE[^>\[]*(\[.*?\])?\s*>", b"", head, flags=re.DOTALL)
    match = _XML_ROOT.search(head)
    if match is None:
        return None
    root = match[2].decode("ascii", errors="replace")
    if root == "rss":
        return "wxr" if _WXR_NAMESPACE.search(match[3]) else "feed"
    if root in ("feed", "RDF"):
        return "feed"
    if root == "PubmedArticleSet":
        return "pubmed"
    return None
