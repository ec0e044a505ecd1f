"""The page segmenter on real pages it was never written against: crashes, losses, furniture.

Turns every page of /work/shared/bench-data/web_pages/ into plain text the way a text-mode
scrape does (the whole page, menus and footers included: lxml, scripts and styles dropped, a
newline around every block element), runs ``segment_page`` on it and prints:

- page types found and the distribution of records per page (and per doc_type);
- furniture lines dropped: total, per page, and the most common dropped lines (to check by eye
  that none of them is real content);
- lines lost: non-blank input lines neither in a record field nor in ``dropped`` (must be 0);
- exceptions (must be none).

Usage:
    .venv/bin/python bench/pages_unseen.py [--limit N] [--top 30] [--show-lost 10]
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import time
import traceback
from collections import Counter
from pathlib import Path

import lxml.etree
import lxml.html

from pipeline.ingest.pages import lost_lines, segment_page

# shared/ sits beside the repository; LDP_BENCH_DATA points elsewhere.
BENCH_DATA = Path(os.environ.get("LDP_BENCH_DATA", Path(__file__).resolve().parents[2] / "shared" / "bench-data"))
DATA = BENCH_DATA / "web_pages"

_BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tr",
        "td",
        "th",
        "ul",
        "option",
        "title",
        "button",
        "label",
    ]
)
_DROP_TAGS = ("script", "style", "noscript", "template", "svg", "head")


def page_text(html: str) -> str:
    """Plain text of a whole page as a text-mode browser dump gives it, one block per line."""
    root = lxml.html.fromstring(html)
    title = root.findtext(".//title") or ""
    # Collected first: dropping while iterating skips elements.
    for element in list(root.iter(*_DROP_TAGS)):
        if element.getparent() is not None:
            element.drop_tree()
    for element in list(root.iter(lxml.etree.Comment)):
        if element.getparent() is not None:
            element.drop_tree()
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in _BLOCK_TAGS:
            element.text = "\n" + (element.text or "")
            element.tail = "\n" + (element.tail or "")
    body = root.text_content()
    lines = [" ".join(line.split()) for line in body.split("\n")]
    # Collapse runs of blank lines into one, as text dumps do.
    out: list[str] = [title.strip()] if title.strip() else []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip() + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="first N pages only")
    parser.add_argument("--top", type=int, default=30, help="most common dropped lines shown")
    parser.add_argument("--show-lost", type=int, default=10, help="lost lines shown")
    args = parser.parse_args()

    paths = sorted(DATA.glob("*.html.gz"))[: args.limit]
    page_types: Counter[str] = Counter()
    records_per_page: list[int] = []
    doc_types: Counter[str] = Counter()
    dropped: Counter[str] = Counter()
    dropped_per_page: list[int] = []
    input_lines = 0
    lost: list[tuple[str, str]] = []
    errors: list[tuple[str, str]] = []
    seconds = 0.0
    for path in paths:
        html = gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
        text = page_text(html)
        input_lines += sum(1 for line in text.splitlines() if line.strip())
        start = time.perf_counter()
        try:
            result = segment_page(text)
        except Exception:
            errors.append((path.name[:12], traceback.format_exc(limit=3)))
            continue
        seconds += time.perf_counter() - start
        page_types[result.page_type] += 1
        records_per_page.append(len(result.records))
        doc_types.update(record.doc_type for record in result.records)
        dropped.update(result.dropped)
        dropped_per_page.append(len(result.dropped))
        lost.extend((path.name[:12], line) for line in lost_lines(text, result))

    print(f"pages: {len(paths)}  non-blank input lines: {input_lines}")
    print(f"exceptions: {len(errors)}")
    for name, trace in errors[:5]:
        print(f"  {name}: {trace.strip().splitlines()[-1]}")
    print("page types:", dict(sorted(page_types.items())))
    print("records by doc_type:", dict(sorted(doc_types.items())))
    if records_per_page:
        spread = Counter(min(n, 10) for n in records_per_page)
        print(
            "records per page: median",
            statistics.median(records_per_page),
            "max",
            max(records_per_page),
            "histogram (10 = 10+):",
            dict(sorted(spread.items())),
        )
        print(
            f"furniture dropped: {sum(dropped_per_page)} items, "
            f"median {statistics.median(dropped_per_page)} per page, "
            f"{len(dropped)} distinct"
        )
        per_page = seconds / len(records_per_page) * 1000
        print(f"segment_page time: {seconds:.2f} s total, {per_page:.1f} ms/page")
    print(f"lines lost: {len(lost)}")
    for name, line in lost[: args.show_lost]:
        print(f"  {name}: {line[:100]!r}")
    print(f"top {args.top} dropped lines (count, line):")
    for line, count in dropped.most_common(args.top):
        print(f"  {count:4d}  {line[:90]!r}")


if __name__ == "__main__":
    main()
