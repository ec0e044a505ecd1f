"""Ingest throughput: MB/s (uncompressed) and documents/s of the JSONL, CSV and HTML readers.

Two figures per input:
- ``reader``: the format reader alone, from decompressed bytes to Records (no normalisation);
- ``read_corpus``: the whole ingest of that input (gunzip, reader, ``normalise_text``, date
  normalisation, duplicate detection, building the documents table).

Inputs (from /work/shared/bench-data/): ``health_management_abstracts.jsonl.gz`` and
``scale_50k.jsonl.gz`` (JSONL reader), ``news_articles.csv.gz`` (CSV reader) and the
``web_pages/*.html.gz`` pages (HTML reader; ``--limit`` pages).

Usage:
    .venv/bin/python bench/ingest_throughput.py [--limit 40]
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from pipeline.ingest.documents import read_corpus
from pipeline.ingest.folder import read_html
from pipeline.ingest.records import Record
from pipeline.ingest.tabular import read_delimited, read_jsonl

# shared/ sits beside the repository; LDP_BENCH_DATA points elsewhere.
BENCH_DATA = Path(os.environ.get("LDP_BENCH_DATA", Path(__file__).resolve().parents[2] / "shared" / "bench-data"))
DATA = BENCH_DATA


def _time(run: Callable[[], int]) -> tuple[float, int]:
    start = time.perf_counter()
    documents = run()
    return time.perf_counter() - start, documents


def _count(items: Iterable[object]) -> int:
    return sum(isinstance(item, Record) for item in items)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=40, help="HTML pages to read (default 40)")
    args = parser.parse_args()

    rows: list[tuple[str, str, float, float, int]] = []
    for name, reader in (
        ("health_management_abstracts.jsonl.gz", lambda d, s: read_jsonl(d, source=s)),
        ("scale_50k.jsonl.gz", lambda d, s: read_jsonl(d, source=s)),
        ("news_articles.csv.gz", lambda d, s: read_delimited(d, source=s)),
    ):
        path = DATA / name
        data = gzip.decompress(path.read_bytes())
        mb = len(data) / 1e6
        seconds, documents = _time(lambda: _count(reader(data, name)))  # noqa: B023
        rows.append((name, "reader", mb, seconds, documents))
        seconds, documents = _time(lambda: len(read_corpus(path).documents))  # noqa: B023
        rows.append((name, "read_corpus", mb, seconds, documents))

    pages = sorted((DATA / "web_pages").glob("*.html.gz"))[: args.limit]
    htmls = [gzip.decompress(p.read_bytes()) for p in pages]
    mb = sum(len(h) for h in htmls) / 1e6
    seconds, documents = _time(lambda: sum(_count(read_html(h, source="page.html")) for h in htmls))
    label = f"web_pages ({len(pages)} pages)"
    rows.append((label, "reader", mb, seconds, documents))
    with tempfile.TemporaryDirectory(prefix="ldp-bench-") as tmp:
        for page in pages:
            shutil.copy(page, tmp)
        seconds, documents = _time(lambda: len(read_corpus(Path(tmp)).documents))
    rows.append((label, "read_corpus", mb, seconds, documents))

    header = f"{'input':<40}{'stage':<13}{'MB':>8}{'seconds':>9}{'docs':>8}{'MB/s':>8}{'docs/s':>10}"
    print(header)
    print("-" * len(header))
    for name, stage, mb, seconds, documents in rows:
        print(
            f"{name:<40}{stage:<13}{mb:8.1f}{seconds:9.2f}{documents:8d}{mb / seconds:8.2f}{documents / seconds:10.0f}"
        )


if __name__ == "__main__":
    main()
