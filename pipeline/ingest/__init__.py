"""Ingest: read raw files of many formats into the ``documents`` and ``quarantine`` tables.

``read_corpus`` is the entry point. It looks each file's reader up in ``readers.READERS``; the
readers live in ``folder`` (text and Markdown pages through the ``pages`` segmenter, HTML),
``tabular`` (CSV, TSV, JSON, JSON Lines, Parquet, Excel), ``wxr``, ``feeds``, ``pubmed`` and
``bibliography``; each is a ``records.Reader`` and yields ``Record`` or ``Rejected`` items. Dates
are read by ``dates``.
"""

from pipeline.ingest.records import Record, Rejected
from pipeline.ingest.text import UndecodableError, decode_bytes, normalise_text

__all__ = [
    "IngestResult",
    "Record",
    "Rejected",
    "UndecodableError",
    "decode_bytes",
    "normalise_text",
    "read_corpus",
]


def __getattr__(name: str) -> object:
    # read_corpus pulls in every reader; import it on first use so that a reader module
    # importing ``pipeline.ingest.records`` does not import the whole package in a cycle.
    if name in ("IngestResult", "read_corpus"):
        from pipeline.ingest import documents

        return getattr(documents, name)
    raise AttributeError(f"module 'pipeline.ingest' has no attribute {name!r}")
