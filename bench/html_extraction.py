"""HTML main-text extraction quality: our HTML reader against trafilatura with its defaults.

Scores every page of /work/shared/bench-data/web_pages/ against ``articleBody`` in its
``ground-truth.json`` with two measures, printed side by side:

- token P/R/F1: multiset overlap of ``\\w+`` tokens;
- shingle P/R/F1: the same over word 4-grams, as the benchmark's own evaluation does
  (scrapinghub/article-extraction-benchmark, ``evaluate.py``): per page, true/false positive
  and false negative counts normalised to sum to 1; precision averaged over pages with a
  prediction, recall over pages with ground truth; F1 from the two averages.

Usage:
    .venv/bin/python bench/html_extraction.py [--limit N] [--variants]

``--variants`` also scores trafilatura's ``favor_precision`` and ``favor_recall`` settings and our
``html_main_text`` modes (without the title-block removal of ``read_html``) and without its
short-extraction retry, to show what each choice gains.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import trafilatura

from pipeline.ingest.folder import html_main_text, read_html
from pipeline.ingest.text import decode_bytes, normalise_text

# shared/ sits beside the repository; LDP_BENCH_DATA points elsewhere.
BENCH_DATA = Path(os.environ.get("LDP_BENCH_DATA", Path(__file__).resolve().parents[2] / "shared" / "bench-data"))
DATA = BENCH_DATA / "web_pages"
_TOKEN = re.compile(r"\w+")


def _ngrams(text: str, n: int) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n])


def tp_fp_fn(true: str, pred: str, n: int) -> tuple[float, float, float]:
    """Counts of matched, extra and missed n-grams of one page, normalised to sum to 1."""
    t, p = _ngrams(true, n), _ngrams(pred, n)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def scores(counts: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    """Macro precision, recall and their F1, the benchmark's way."""

    def precision(tp: float, fp: float, fn: float) -> float:
        return 1.0 if fp == fn == 0 else (0.0 if tp == fp == 0 else tp / (tp + fp))

    def recall(tp: float, fp: float, fn: float) -> float:
        return 1.0 if fp == fn == 0 else (0.0 if tp == fn == 0 else tp / (tp + fn))

    p = statistics.mean([precision(*c) for c in counts if c[0] + c[1] > 0] or [0.0])
    r = statistics.mean([recall(*c) for c in counts if c[0] + c[2] > 0] or [0.0])
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def ours(html: str) -> str:
    (record,) = read_html(html.encode("utf-8"), source="page.html")
    return normalise_text(record.text or "")


def ours_mode(mode: str, **options: int) -> Callable[[str], str]:
    def extract(html: str) -> str:
        text, _ = html_main_text(html, mode=mode, **options)
        return normalise_text(text or "")

    return extract


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="score only the first N pages")
    parser.add_argument("--variants", action="store_true", help="also score other settings")
    args = parser.parse_args()

    truth = json.loads((DATA / "ground-truth.json").read_text(encoding="utf-8"))
    page_ids = sorted(truth)[: args.limit]
    extractors: dict[str, Callable[[str], str]] = {
        "ldp read_html": ours,
        "trafilatura.extract()": lambda html: trafilatura.extract(html) or "",
    }
    if args.variants:
        extractors |= {
            "main_text balanced": ours_mode("balanced"),
            "main_text no retry": ours_mode("balanced", min_chars=0),
            "main_text precision": ours_mode("precision"),
            "main_text default": ours_mode("default"),
            "main_text recall": ours_mode("recall"),
            "traf. favor_precision": lambda html: trafilatura.extract(html, favor_precision=True) or "",
            "traf. favor_recall": lambda html: trafilatura.extract(html, favor_recall=True) or "",
            "traf. no comments": lambda html: trafilatura.extract(html, include_comments=False) or "",
        }
    counts: dict[str, dict[int, list[tuple[float, float, float]]]] = {name: {1: [], 4: []} for name in extractors}
    seconds = dict.fromkeys(extractors, 0.0)
    wins = Counter[str]()
    for page_id in page_ids:
        html = decode_bytes(gzip.decompress((DATA / f"{page_id}.html.gz").read_bytes()))
        body = truth[page_id]["articleBody"]
        f1s = {}
        for name, extract in extractors.items():
            start = time.perf_counter()
            predicted = extract(html)
            seconds[name] += time.perf_counter() - start
            for n in (1, 4):
                counts[name][n].append(tp_fp_fn(body, predicted, n))
            f1s[name] = scores([counts[name][4][-1]])[2]
        ours_f1, theirs_f1 = f1s["ldp read_html"], f1s["trafilatura.extract()"]
        wins[
            "ours better" if ours_f1 > theirs_f1 + 1e-9 else "theirs better" if theirs_f1 > ours_f1 + 1e-9 else "tie"
        ] += 1

    print(f"{len(page_ids)} pages from {DATA}")
    header = f"{'extractor':<24}{'tok P':>8}{'tok R':>8}{'tok F1':>8}{'4g P':>8}{'4g R':>8}{'4g F1':>8}{'s/page':>9}"
    print(header)
    print("-" * len(header))
    for name in extractors:
        tp, tr, tf = scores(counts[name][1])
        sp, sr, sf = scores(counts[name][4])
        print(f"{name:<24}{tp:8.3f}{tr:8.3f}{tf:8.3f}{sp:8.3f}{sr:8.3f}{sf:8.3f}{seconds[name] / len(page_ids):9.3f}")
    print(f"per page (4-gram F1), ldp vs trafilatura defaults: {dict(sorted(wins.items()))}")


if __name__ == "__main__":
    main()
