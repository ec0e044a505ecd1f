"""Time the whole ``ldp-pipeline`` flow on a bench corpus with the default and the Dask runner.

Prints, from one run: cold and warm wall time with Prefect's default task runner, and cold
time with a 2-worker Dask ``LocalCluster``, over the first N documents of ``scale_50k.jsonl.gz``
(each run in a fresh subprocess with its own ephemeral Prefect server and output folder), and
whether the two runners' tables are byte-identical.

    .venv/bin/python bench/flow_runners.py --limit 50000
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_DATA = Path(os.environ.get("LDP_BENCH_DATA", ROOT.parent / "shared" / "bench-data"))


def write_corpus(folder: Path, limit: int) -> Path:
    path = folder / "corpus" / f"scale_{limit}.jsonl"
    path.parent.mkdir(parents=True)
    with gzip.open(BENCH_DATA / "scale_50k.jsonl.gz", "rt", encoding="utf-8") as source, path.open("w") as out:
        for index, line in enumerate(source):
            if index >= limit:
                break
            out.write(line)
    return path.parent


def config(folder: Path, corpus: Path, runner: str, workers: int) -> Path:
    data = {
        "corpus": {"name": "bench", "path": str(corpus)},
        "nlp": {"batch_size": 256, "n_process": 1},
        "classify": {"labels_file": str(ROOT / "data" / "annotations" / "framing.csv")},
        "output": {"processed_dir": str(folder / "processed"), "reports_dir": str(folder / "reports")},
        "run": {"runner": runner, "dask_workers": workers},
    }
    path = folder / "config.json"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def run(config_path: Path, home: Path) -> float:
    env = os.environ | {"PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    started = time.perf_counter()
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "ldp"), "run", "--config", str(config_path)], check=True, env=env, cwd=ROOT
    )
    return time.perf_counter() - started


def tables(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.suffix in {".parquet", ".csv"} and "cache" not in p.parts and "topics_work" not in p.parts
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=5000, help="documents from scale_50k.jsonl.gz")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ldp-flow-bench-") as tmp:
        tmp = Path(tmp)
        corpus = write_corpus(tmp, args.limit)
        default, dask = tmp / "default", tmp / "dask"
        default.mkdir()
        dask.mkdir()
        cold = run(config(default, corpus, "default", args.workers), tmp / "home-default")
        warm = run(default / "config.json", tmp / "home-default")
        on_dask = run(config(dask, corpus, "dask", args.workers), tmp / "home-dask")
        ours, theirs = tables(default), tables(dask)
        differing = sorted(name for name in ours.keys() | theirs.keys() if ours.get(name) != theirs.get(name))
    figures = {
        "documents": args.limit,
        "default_cold_s": round(cold, 1),
        "default_warm_s": round(warm, 1),
        "warm_over_cold": round(warm / cold, 3),
        f"dask_{args.workers}_workers_cold_s": round(on_dask, 1),
        "dask_over_default": round(on_dask / cold, 3),
        "tables_identical": not differing,
        "tables_differing": differing,
    }
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    sys.exit(main())
