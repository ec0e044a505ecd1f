"""The whole-pipeline benchmark behind ``make bench``: every stage at several corpus sizes.

For each size N the first N documents of ``scale_50k.jsonl.gz`` (a fair sample: every prefix
has the same mix of news, abstracts and tweets; see the bench-data README) are written as one
JSON Lines file, and each stage of ``pipeline/stages.py`` runs over it in its own fresh
subprocess, in pipeline order (ingest, nlp, stats, topics, classify, report), so that each
row's peak RSS belongs to that stage alone. Sizes above 50,000 concatenate copies of the shard
with the ``:round`` suffix of every id changed (``:1``, ``:2``, ...), as the README describes.

Extra rows per size:
- ``nlp_bare``: bare ``nlp.pipe`` over the same texts with the same settings (model, excluded
  components, batch size, n_process), docs discarded: the ceiling for the nlp stage.
- ``flow_cold`` / ``flow_warm`` (at the ``--flow-sizes`` only): the Prefect flow
  (``ldp run --config``) on a fresh output folder and fresh ``PREFECT_HOME``, then again on the
  same config; the second run is served from Prefect's cache and the stage stamps.

Each row: wall seconds, CPU seconds (the stage process and its children), documents/s and
words/s (words = ``str.split()`` over ``documents.text``, as in the bench-data README), peak RSS
(largest ``ru_maxrss`` of the stage process or any child it waited for, so spaCy worker
processes count). Then the ratios that matter, all from the same run (the machine is shared
and noisy, so absolute figures drift; ratios much less):

- ``nlp_vs_bare`` = bare ``nlp.pipe`` seconds / nlp stage seconds (aim >= 0.9);
- ``end_to_end_vs_nlp`` = sum of the six stage times / nlp stage time (aim <= 1.3);
- ``warm_vs_cold`` = warm flow seconds / cold flow seconds (aim <= 0.05);
- ``rss_50k_vs_5k`` = largest stage peak RSS at 50k / at 5k (aim <= 1.5);
- ``time_50k_vs_5k`` = total stage time at 50k / at 5k (10 would be linear).

Writes ``bench/results.json`` (every row, the ratios, the settings and the machine) and
``bench/results.md`` (the same as markdown tables).

Usage::

    .venv/bin/python bench/run_all.py                       # 1k, 5k, 10k, 50k (make bench)
    .venv/bin/python bench/run_all.py --quick               # 1k and 5k, flow at 1k
    .venv/bin/python bench/run_all.py --sizes 1000,100000 --flow-sizes 1000
    LDP_BENCH_DATA=/path/to/bench-data .venv/bin/python bench/run_all.py --data /other/path
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = Path(os.environ.get("LDP_BENCH_DATA", ROOT.parents[0] / "shared" / "bench-data"))
SHARD = "scale_50k.jsonl.gz"
SEED = ROOT / "data" / "raw" / "seed"
STAGES = ("ingest", "nlp_bare", "nlp", "stats", "topics", "classify", "report")
PIPELINE_STAGES = ("ingest", "nlp", "stats", "topics", "classify", "report")


# --- corpus ---------------------------------------------------------------------------------------


def write_corpus(data: Path, size: int, target: Path) -> None:
    """Write the first ``size`` documents of the scale shard (copies with a new round past 50k)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with open(target, "w", encoding="utf-8") as out:
        copy = 0
        while written < size:
            with gzip.open(data / SHARD, "rt", encoding="utf-8") as handle:
                for line in handle:
                    if written == size:
                        break
                    record = json.loads(line)
                    if copy:
                        stem, _, _ = record["id"].rpartition(":")
                        record["id"] = f"{stem}:{copy}"
                    out.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
                    written += 1
            copy += 1


def bench_config(work: Path, *, batch_size: int, n_process: int) -> dict[str, Any]:
    """The run configuration for one size: the seed defaults but for corpus, keyness and output.

    The corpus is named ``seed`` and holds the five seed pages beside the scale sample, so the
    hand labels in ``data/annotations/framing.csv`` (keyed by seed doc_ids) match their
    sentences and the classify stage trains, cross-validates and predicts over every candidate
    sentence of the large corpus, as a real run with a labelled subset would.
    """
    return {
        "corpus": {"name": "seed", "path": str(work / "corpus"), "format": "auto"},
        "nlp": {"batch_size": batch_size, "n_process": n_process, "cache": True},
        "stats": {
            "groupings": ["doc_type", "year"],
            "keyness": [
                {
                    "name": "abstract_vs_news",
                    "target": {"doc_type": ["abstract"]},
                    "reference": {"doc_type": ["news_article"]},
                },
                {
                    "name": "tweet_vs_rest",
                    "target": {"doc_type": ["tweet"]},
                    "reference": {"doc_type": ["abstract", "news_article"]},
                },
            ],
        },
        "output": {"processed_dir": str(work / "processed"), "reports_dir": str(work / "reports")},
    }


# --- worker (one stage in this process) ----------------------------------------------------------


def _peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def worker(stage: str, config_path: Path, profile: Path | None) -> dict[str, Any]:
    """Run one stage and return its figures."""
    sys.path.insert(0, str(ROOT))
    from pipeline.config import load_config
    from pipeline.registry import run_stage

    config = load_config(config_path)
    profiler = None
    if profile is not None:
        from pyinstrument import Profiler

        profiler = Profiler()
    if stage == "nlp_bare":
        import pandas as pd

        from pipeline.nlp import load_pipeline

        texts = pd.read_parquet(config.output.processed_dir / "documents.parquet", columns=["text"])["text"].tolist()
        load_start = time.perf_counter()
        nlp = load_pipeline(config.nlp.model)
        load_seconds = time.perf_counter() - load_start
    start_wall, start_cpu = time.perf_counter(), _cpu_seconds()
    if profiler:
        profiler.start()
    summary: dict[str, Any] = {}
    if stage == "nlp_bare":
        for _ in nlp.pipe(texts, batch_size=config.nlp.batch_size, n_process=config.nlp.n_process):
            pass
        summary = {"model_load_seconds": round(load_seconds, 3)}
    else:
        result = run_stage(config, stage)
        summary = {k: v for k, v in result.summary.items() if isinstance(v, (int, float, str))}
    seconds = time.perf_counter() - start_wall
    cpu = _cpu_seconds() - start_cpu
    if profiler:
        profiler.stop()
        profile.write_text(profiler.output_html(), encoding="utf-8")
        profile.with_suffix(".txt").write_text(profiler.output_text(unicode=True, show_all=False), encoding="utf-8")
    return {"seconds": seconds, "cpu_seconds": cpu, "peak_rss_mb": _peak_rss_mb(), "summary": summary}


# --- driver ---------------------------------------------------------------------------------------


def run_stage(stage: str, config_path: Path, profile: Path | None = None) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", stage, "--config", str(config_path)]
    if profile is not None:
        command += ["--profile-out", str(profile)]
    env = dict(os.environ, PYTHONHASHSEED="0")
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"stage {stage} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_flow(config_path: Path, prefect_home: Path) -> dict[str, Any]:
    """``ldp run --config`` in a subprocess: wall seconds and the peak RSS of the run."""
    env = dict(
        os.environ,
        PREFECT_HOME=str(prefect_home),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_LOGGING_LEVEL="WARNING",
        # The ephemeral API server can be slow to start on a loaded machine (default 20 s).
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="180",
        PYTHONHASHSEED="0",
    )
    env.pop("PREFECT_API_URL", None)
    from pipeline.registry import code_digest

    code_before = code_digest()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [str(Path(sys.executable).parent / "ldp"), "run", "--config", str(config_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"flow failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    # RUSAGE_CHILDREN's maxrss is a running maximum over all children: a lower bound here.
    # The stage keys include a digest of pipeline/*.py: an edit during the run re-runs stages.
    summary = {"code_changed_during_run": code_digest() != code_before}
    return {"seconds": seconds, "cpu_seconds": cpu, "peak_rss_mb": None, "summary": summary}


def _row(size: int, stage: str, figures: dict[str, Any], documents: int, words: int) -> dict[str, Any]:
    seconds = figures["seconds"]
    return {
        "size": size,
        "stage": stage,
        "documents": documents,
        "words": words,
        "seconds": round(seconds, 3),
        "cpu_seconds": round(figures["cpu_seconds"], 3),
        "docs_per_s": round(documents / seconds, 1) if seconds else None,
        "words_per_s": round(words / seconds, 1) if seconds else None,
        "peak_rss_mb": round(figures["peak_rss_mb"], 1) if figures["peak_rss_mb"] is not None else None,
        "summary": figures.get("summary", {}),
    }


def corpus_counts(work: Path) -> tuple[int, int]:
    import pandas as pd

    texts = pd.read_parquet(work / "processed" / "documents.parquet", columns=["text"])["text"]
    return len(texts), int(sum(len(t.split()) for t in texts))


def bench_size(size: int, args: argparse.Namespace, root: Path, log: Any) -> list[dict[str, Any]]:
    work = root / f"n{size}"
    if work.exists():
        shutil.rmtree(work)
    write_corpus(args.data, size, work / "corpus" / "scale.jsonl")
    for page in sorted(SEED.glob("*.txt")):
        shutil.copyfile(page, work / "corpus" / page.name)
    config_path = work / "config.json"
    config_path.write_text(
        json.dumps(bench_config(work, batch_size=args.batch_size, n_process=args.n_process), indent=2), encoding="utf-8"
    )
    rows: list[dict[str, Any]] = []
    documents = words = 0
    for stage in () if args.flow_only else STAGES:
        profile = None
        if args.profile_dir and size in args.profile_sizes and stage != "nlp_bare":
            args.profile_dir.mkdir(parents=True, exist_ok=True)
            profile = args.profile_dir / f"{stage}-{size}.html"
        if stage == "nlp_bare" and size not in args.bare_sizes:
            continue
        figures = run_stage(stage, config_path, profile)
        if stage == "ingest":
            documents, words = corpus_counts(work)
        rows.append(_row(size, stage, figures, documents, words))
        log(f"{size:>7} {stage:<9} {figures['seconds']:>8.1f}s  {figures['peak_rss_mb']:>7.0f} MB")
    if size in args.flow_sizes:
        flow_work = root / f"flow{size}"
        if flow_work.exists():
            shutil.rmtree(flow_work)
        shutil.copytree(work / "corpus", flow_work / "corpus")  # same files, so same doc_ids
        flow_config = flow_work / "config.json"
        flow_config.write_text(
            json.dumps(bench_config(flow_work, batch_size=args.batch_size, n_process=args.n_process), indent=2),
            encoding="utf-8",
        )
        home = flow_work / "prefect"
        for name in ("flow_cold", "flow_warm"):
            try:
                figures = run_flow(flow_config, home)
            except RuntimeError as error:  # a flow failure is reported, the stage rows are kept
                log(f"{size:>7} {name:<9} FAILED: {str(error)[-300:]}")
                break
            if args.flow_only and not documents:
                documents, words = corpus_counts(flow_work)
            rows.append(_row(size, name, figures, documents, words))
            log(f"{size:>7} {name:<9} {figures['seconds']:>8.1f}s")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(root / f"flow{size}", ignore_errors=True)
    return rows


def ratios(rows: list[dict[str, Any]], *, small: int, large: int) -> dict[str, Any]:
    """The five ratios (and their inputs) from rows measured in one run."""
    by = {(r["size"], r["stage"]): r for r in rows}
    sizes = sorted({r["size"] for r in rows})
    out: dict[str, Any] = {
        "nlp_vs_bare": {},
        "nlp_vs_bare_cpu": {},
        "end_to_end_vs_nlp": {},
        "end_to_end_vs_nlp_cpu": {},
        "flow_cold_vs_nlp": {},
        "warm_vs_cold": {},
    }
    cpu_totals = {}
    totals = {}
    peaks = {}
    for size in sizes:
        nlp = by.get((size, "nlp"))
        bare = by.get((size, "nlp_bare"))
        if nlp and bare:
            out["nlp_vs_bare"][size] = round(bare["seconds"] / nlp["seconds"], 3)
            out["nlp_vs_bare_cpu"][size] = round(bare["cpu_seconds"] / nlp["cpu_seconds"], 3)
        stage_rows = [by[(size, s)] for s in PIPELINE_STAGES if (size, s) in by]
        if len(stage_rows) == len(PIPELINE_STAGES):
            totals[size] = sum(r["seconds"] for r in stage_rows)
            peaks[size] = max(r["peak_rss_mb"] for r in stage_rows)
            out["end_to_end_vs_nlp"][size] = round(totals[size] / nlp["seconds"], 3)
            cpu_totals[size] = sum(r["cpu_seconds"] for r in stage_rows)
            out["end_to_end_vs_nlp_cpu"][size] = round(cpu_totals[size] / nlp["cpu_seconds"], 3)
        cold, warm = by.get((size, "flow_cold")), by.get((size, "flow_warm"))
        if cold and warm:
            out["warm_vs_cold"][size] = round(warm["seconds"] / cold["seconds"], 4)
            if nlp:
                out["flow_cold_vs_nlp"][size] = round(cold["seconds"] / nlp["seconds"], 3)
    out["total_seconds"] = {s: round(t, 1) for s, t in totals.items()}
    out["peak_rss_mb"] = dict(peaks.items())
    if small in totals and large in totals:
        out[f"time_{large}_vs_{small}"] = round(totals[large] / totals[small], 2)
        out[f"time_cpu_{large}_vs_{small}"] = round(cpu_totals[large] / cpu_totals[small], 2)
        out[f"rss_{large}_vs_{small}"] = round(peaks[large] / peaks[small], 3)
        per_stage = {}
        for stage in PIPELINE_STAGES:
            a, b = by[(small, stage)], by[(large, stage)]
            per_stage[stage] = {
                "time": round(b["seconds"] / a["seconds"], 2),
                "cpu": round(b["cpu_seconds"] / a["cpu_seconds"], 2),
                "rss": round(b["peak_rss_mb"] / a["peak_rss_mb"], 3),
            }
        out[f"per_stage_{large}_vs_{small}"] = per_stage
    return out


def _fmt(value: Any, spec: str) -> str:
    return "" if value is None else format(value, spec)


def markdown(results: dict[str, Any]) -> str:
    s = results["settings"]
    m = results["machine"] if isinstance(results["machine"], dict) else results["machine"][0]
    lines = [
        "# ldp benchmark results",
        "",
        f"Written by `bench/run_all.py` ({s['command']}). Corpus: first N documents of "
        f"`{SHARD}`; nlp batch_size={s['batch_size']}, n_process={s['n_process']}, "
        f"model {s['model']}. Machine: {m['cpus']} CPUs, "
        f"Python {m['python']}; load average at start "
        f"{m['load_average_start']}. Invocations: "
        + "; ".join(f"`{c}`" for c in s.get("invocations", [s["command"]]))
        + ". See bench/README.md for what each figure means.",
        "",
        "| size | stage | documents | words | wall s | CPU s | docs/s | words/s | peak RSS MB |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results["rows"]:
        lines.append(
            f"| {r['size']:,} | {r['stage']} | {r['documents']:,} | {r['words']:,} | {r['seconds']:.2f} | "
            f"{r['cpu_seconds']:.1f} | {_fmt(r['docs_per_s'], ',.0f')} | {_fmt(r['words_per_s'], ',.0f')} | "
            f"{_fmt(r['peak_rss_mb'], ',.0f')} |"
        )
    q = results["ratios"]
    lines += [
        "",
        "## Ratios (same run)",
        "",
        "| ratio | aim | " + " | ".join(f"{size:,}" for size in results["settings"]["sizes"]) + " |",
        "|---|---|" + "---:|" * len(results["settings"]["sizes"]),
    ]
    for key, aim in (
        ("nlp_vs_bare", ">= 0.9"),
        ("nlp_vs_bare_cpu", ">= 0.9"),
        ("end_to_end_vs_nlp", "<= 1.3"),
        ("end_to_end_vs_nlp_cpu", "<= 1.3"),
        ("flow_cold_vs_nlp", ""),
        ("warm_vs_cold", "<= 0.05"),
    ):
        cells = [_fmt(q[key].get(size), "") for size in results["settings"]["sizes"]]
        lines.append(f"| {key} | {aim} | " + " | ".join(cells) + " |")
    lines.append("")
    for key in sorted(q):
        if key.startswith(("time_", "rss_")):
            aim = "<= 1.5" if key.startswith("rss_") else "~10 (linear), never worse"
            lines.append(f"- `{key}` = **{q[key]}** (aim {aim})")
    for key in sorted(q):
        if key.startswith("per_stage_"):
            lines += [
                "",
                f"Per stage, {key.removeprefix('per_stage_').replace('_', ' ')}:",
                "",
                "| stage | wall time ratio | CPU time ratio | peak RSS ratio |",
                "|---|---:|---:|---:|",
            ]
            for stage, v in q[key].items():
                lines.append(f"| {stage} | {v['time']} | {v['cpu']} | {v['rss']} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_DATA,
        help="bench-data folder (default: $LDP_BENCH_DATA or ../shared/bench-data)",
    )
    parser.add_argument("--sizes", default="1000,5000,10000,50000", help="comma-separated document counts")
    parser.add_argument("--quick", action="store_true", help="sizes 1000,5000; flow at 1000")
    parser.add_argument(
        "--flow-sizes",
        default=None,
        help="sizes at which to time the Prefect flow cold and warm (default: the smallest)",
    )
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--n-process", type=int, default=1)
    parser.add_argument("--small", type=int, default=5000, help="base size of the scaling ratios")
    parser.add_argument("--large", type=int, default=50000, help="large size of the scaling ratios")
    parser.add_argument("--work", type=Path, default=None, help="working folder (default: a temp folder)")
    parser.add_argument("--keep", action="store_true", help="keep each size's outputs")
    parser.add_argument("--profile-dir", type=Path, default=None, help="pyinstrument profiles of each stage here")
    parser.add_argument("--profile-sizes", default="", help="sizes to profile (with --profile-dir)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.json")
    parser.add_argument(
        "--bare-sizes", default=None, help="sizes at which to time bare nlp.pipe (default: the sizes up to 10,000)"
    )
    parser.add_argument(
        "--flow-only", action="store_true", help="time only the flow (cold and warm) at the --flow-sizes, no stage rows"
    )
    parser.add_argument(
        "--merge",
        type=Path,
        nargs="+",
        default=None,
        help="combine these results files into --out (no benchmark is run)",
    )
    parser.add_argument("--worker", choices=STAGES, help=argparse.SUPPRESS)
    parser.add_argument("--config", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--profile-out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.config, args.profile_out)))
        return
    if args.merge:
        print(markdown(merge(args.merge, args.out, small=args.small, large=args.large)))
        return
    if args.quick:
        args.sizes = "1000,5000"
        args.flow_sizes = args.flow_sizes or "1000"
        args.large = 5000 if args.large == 50000 else args.large
        args.small = 1000 if args.small == 5000 else args.small
    args.sizes = [int(s) for s in args.sizes.split(",")]
    if args.flow_only:
        args.flow_sizes = args.flow_sizes or ",".join(map(str, args.sizes))
    args.flow_sizes = (
        [int(s) for s in args.flow_sizes.split(",") if s] if args.flow_sizes is not None else sorted(args.sizes)[:1]
    )
    args.profile_sizes = {int(s) for s in args.profile_sizes.split(",") if s}
    args.bare_sizes = (
        {int(s) for s in args.bare_sizes.split(",") if s}
        if args.bare_sizes is not None
        else {s for s in args.sizes if s <= 10_000}
    )
    if not (args.data / SHARD).is_file():
        sys.exit(f"{args.data / SHARD} not found: pass --data or set LDP_BENCH_DATA")

    def log(message: str) -> None:
        print(message, flush=True)

    sys.path.insert(0, str(ROOT))
    from pipeline.config import NlpConfig

    settings = {
        "command": ("python bench/run_all.py " + " ".join(sys.argv[1:])).strip(),
        "sizes": args.sizes,
        "bare_sizes": sorted(args.bare_sizes),
        "flow_sizes": args.flow_sizes,
        "batch_size": args.batch_size,
        "n_process": args.n_process,
        "model": NlpConfig().model,
        "corpus": SHARD,
        "small": args.small,
        "large": args.large,
    }
    load_start = os.getloadavg()
    root = args.work or Path(tempfile.mkdtemp(prefix="ldp-bench-"))
    rows: list[dict[str, Any]] = []
    started = time.perf_counter()
    try:
        for size in args.sizes:
            rows.extend(bench_size(size, args, root, log))
            # Written after every size, so an interrupted run still leaves its figures.
            results = assemble([settings], rows, machine(load_start, started))
            write_results(results, args.out)
    finally:
        if args.work is None and not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    log(markdown(results))


def machine(load_start: tuple[float, ...], started: float) -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_start": [round(x, 2) for x in load_start],
        "load_average_end": [round(x, 2) for x in os.getloadavg()],
        "bench_wall_seconds": round(time.perf_counter() - started, 1),
    }


def assemble(settings: list[dict[str, Any]], rows: list[dict[str, Any]], machine_info: Any) -> dict[str, Any]:
    """One results document: settings of each invocation, rows sorted by size and stage, ratios."""
    order = {name: i for i, name in enumerate((*STAGES, "flow_cold", "flow_warm"))}
    rows = sorted(rows, key=lambda r: (r["size"], order[r["stage"]]))
    first = settings[0]
    return {
        "settings": {
            **first,
            "sizes": sorted({r["size"] for r in rows}),
            "invocations": [s["command"] for s in settings],
        },
        "machine": machine_info,
        "rows": rows,
        "ratios": ratios(rows, small=first["small"], large=first["large"]),
    }


def write_results(results: dict[str, Any], out: Path) -> None:
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    out.with_suffix(".md").write_text(markdown(results), encoding="utf-8")


def merge(paths: list[Path], out: Path, *, small: int, large: int) -> dict[str, Any]:
    """Combine the rows of several result files (e.g. sizes run side by side) into one.

    The scaling ratios are recomputed for ``small`` and ``large``.
    """
    loaded = [json.loads(p.read_text(encoding="utf-8")) for p in paths]
    settings = [
        {**d["settings"], "command": c, "small": small, "large": large}
        for d in loaded
        for c in d["settings"]["invocations"]
    ]
    rows = [r for d in loaded for r in d["rows"]]
    results = assemble(settings, rows, [d["machine"] for d in loaded])
    write_results(results, out)
    return results


if __name__ == "__main__":
    main()
