"""Run every stage without Prefect and print the sha256 of every table and chart it wrote.

Used to show that a refactoring leaves the outputs byte-identical: run it before and after
and compare the two JSON files.

    .venv/bin/python bench/output_hashes.py --corpus seed --out /tmp/before-seed.json
    .venv/bin/python bench/output_hashes.py --corpus bench1k --out /tmp/before-1k.json
    .venv/bin/python bench/output_hashes.py --compare /tmp/before-1k.json /tmp/after-1k.json

``seed`` is ``data/raw/seed``; ``bench1k`` is the first 1,000 lines of ``scale_50k.jsonl.gz``
beside the seed pages (as ``bench/run_all.py`` builds it). The run uses the defaults of
``configs/seed.toml`` with the corpus and output folders replaced.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_DATA = Path(os.environ.get("LDP_BENCH_DATA", ROOT.parent / "shared" / "bench-data"))
SKIP_PARTS = {"cache", "topics_work"}
# report.html and the manifest name the run's absolute folders; the DuckDB file and the model are not
# byte-reproducible by design (see the manifest's "not reproducible" list).
SKIP_NAMES = {"ldp.duckdb", "manifest.json", "model.skops", "report.html"}


def build_corpus(kind: str, folder: Path) -> Path:
    corpus = folder / "seed"
    shutil.copytree(ROOT / "data" / "raw" / "seed", corpus)
    if kind == "bench1k":
        with gzip.open(BENCH_DATA / "scale_50k.jsonl.gz", "rt", encoding="utf-8") as source:
            lines = [line for _, line in zip(range(1000), source, strict=False)]
        (corpus / "scale_1000.jsonl").write_text("".join(lines), encoding="utf-8")
    return corpus


def run_stages(corpus: Path, work: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from pipeline.config import config_from_dict, load_config

    base = load_config(ROOT / "configs" / "seed.toml").as_dict()
    base["corpus"]["path"] = str(corpus)
    base["output"] = {"processed_dir": str(work / "processed"), "reports_dir": str(work / "reports")}
    base["classify"]["labels_file"] = str(ROOT / "data" / "annotations" / "framing.csv")
    config = config_from_dict(base)
    try:
        from pipeline.registry import run_all
    except ImportError:  # before the stage registry (for a baseline from an older commit)
        from pipeline import stages

        cwd = Path.cwd()
        os.chdir(ROOT)
        try:
            for name in stages.STAGES:
                getattr(stages, f"run_{name}")(config)
        finally:
            os.chdir(cwd)
        return
    run_all(config)


def hashes(work: Path) -> dict[str, str]:
    out = {}
    for path in sorted(work.rglob("*")):
        if not path.is_file() or SKIP_PARTS & set(path.parts) or path.name in SKIP_NAMES:
            continue
        if path.name.startswith(".stage-"):
            continue
        out[path.relative_to(work).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def compare(a: Path, b: Path) -> int:
    first, second = json.loads(a.read_text()), json.loads(b.read_text())
    names = sorted(set(first) | set(second))
    differ = [n for n in names if first.get(n) != second.get(n)]
    print(f"{len(names)} files, {len(names) - len(differ)} identical, {len(differ)} differ")
    for name in differ:
        print(f"  {name}: {first.get(name, 'absent')[:12]} -> {second.get(name, 'absent')[:12]}")
    return 1 if differ else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=["seed", "bench1k"], default="seed")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--compare", nargs=2, type=Path)
    parser.add_argument("--keep", type=Path, help="also copy the outputs to this folder")
    args = parser.parse_args()
    if args.compare:
        return compare(*args.compare)
    with tempfile.TemporaryDirectory(prefix="ldp-hashes-") as tmp:
        tmp = Path(tmp)
        corpus = build_corpus(args.corpus, tmp)
        run_stages(corpus, tmp / "work")
        result = hashes(tmp / "work")
        if args.keep:
            shutil.copytree(tmp / "work", args.keep, dirs_exist_ok=True)
    text = json.dumps(result, indent=1, sort_keys=True)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    print(f"{len(result)} files hashed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
