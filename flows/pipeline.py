"""The ``ldp-pipeline`` flow and its stage flows: ingest, nlp, analyse, report.

Wiring only. Each stage flow decides, per task, whether Prefect may answer from its cache:
it may when the stage's outputs are still on disk and unchanged (``outputs_intact``) and the
run was not asked to be fresh; otherwise the task runs and refreshes the cache entry.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prefect import flow

from flows import tasks
from flows.runners import task_runner_for
from pipeline import stages
from pipeline.config import Config, config_from_dict, load_config

log = logging.getLogger(__name__)

LOCK_FILE = Path("requirements.lock")
CODEBOOK = Path("docs/codebook.md")

# The config sections each stage reads: a change elsewhere leaves its cache valid.
STAGE_SECTIONS: dict[str, tuple[str, ...]] = {
    "ingest": ("corpus", "output"),
    "nlp": ("nlp", "phrases", "normalise", "output"),
    "stats": ("stats", "normalise", "output"),
    "topics": ("topics", "normalise", "output", "run.seed"),
    "classify": ("classify", "output", "run.seed"),
    "report": ("corpus", "nlp", "phrases", "normalise", "stats", "topics", "classify", "output", "run.seed"),
}
# Which runner ran a stage (run.runner, run.dask_*) is not in any key: the tables are the same.


def stage_key(stage: str, config: Config, *upstream: Any, code: str) -> str:
    """Digest of what a stage depends on: its config sections, upstream results, the code."""
    data = config.as_dict()
    sections = {}
    for name in STAGE_SECTIONS[stage]:
        section, _, key = name.partition(".")
        sections[name] = data[section][key] if key else data[section]
    payload = {
        "stage": stage,
        "sections": sections,
        "upstream": upstream,
        "code": code,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _use_cache(config: Config, stage: str, fresh: bool) -> bool:
    return not fresh and stages.outputs_intact(config, stage)


def _outputs(result: Mapping[str, Any]) -> dict[str, str]:
    return dict(result["outputs"])


@flow(name="ldp-ingest")
def ingest_flow(config: dict[str, Any], fresh: bool = False) -> dict[str, Any]:
    """Corpus files -> documents table, quarantine and summary."""
    cfg = config_from_dict(config)
    corpus_digest = stages.digest_files(stages.corpus_files(cfg.corpus.path))
    key = stage_key("ingest", cfg, corpus_digest, code=stages.code_digest())
    task = tasks.ingest.with_options(refresh_cache=not _use_cache(cfg, "ingest", fresh))
    return task(config, key)


@flow(name="ldp-nlp")
def nlp_flow(config: dict[str, Any], upstream: dict[str, str], fresh: bool = False) -> dict[str, Any]:
    """Documents -> sentences, tokens, entities, phrases (sharded when the runner is Dask)."""
    cfg = config_from_dict(config)
    key = stage_key("nlp", cfg, upstream, code=stages.code_digest())
    refresh = not _use_cache(cfg, "nlp", fresh)
    n_shards = cfg.run.shards or (cfg.run.dask_workers if cfg.run.runner == "dask" else 1)
    documents = cfg.output.processed_dir / "documents.parquet"
    n_docs = _row_count(documents)
    bounds = stages.shard_bounds(n_docs, n_shards)
    shard_task = tasks.nlp_shard.with_options(refresh_cache=refresh)
    futures = [shard_task.submit(config, key, index, len(bounds)) for index in range(len(bounds))]
    metas = [future.result() for future in futures]
    return tasks.nlp_combine.with_options(refresh_cache=refresh)(config, key, metas)


def _row_count(path: Path) -> int:
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).metadata.num_rows


@flow(name="ldp-analyse")
def analyse_flow(config: dict[str, Any], upstream: dict[str, str], fresh: bool = False) -> dict[str, Any]:
    """Tokens -> statistics, topics and framing tables, the three analyses run concurrently."""
    cfg = config_from_dict(config)
    code = stages.code_digest()
    submitted = {}
    for name, task in (("stats", tasks.stats), ("topics", tasks.topics), ("classify", tasks.classify)):
        extra: list[Any] = [upstream]
        if name == "classify" and cfg.classify.labels_file:
            extra.append(stages.sha256_file(cfg.classify.labels_file))
        key = stage_key(name, cfg, *extra, code=code)
        task = task.with_options(refresh_cache=not _use_cache(cfg, name, fresh))
        submitted[name] = task.submit(config, key)
    return {name: future.result() for name, future in submitted.items()}


@flow(name="ldp-report")
def report_flow(config: dict[str, Any], upstream: dict[str, str], fresh: bool = False) -> dict[str, Any]:
    """Analysis tables -> charts, report.html, ldp.duckdb."""
    cfg = config_from_dict(config)
    key = stage_key("report", cfg, upstream, code=stages.code_digest())
    task = tasks.report.with_options(refresh_cache=not _use_cache(cfg, "report", fresh))
    return task(config, key)


@flow(name="ldp-pipeline")
def ldp_pipeline(config_path: str = "configs/seed.toml", fresh: bool = False) -> dict[str, Any]:
    """The whole pipeline on one corpus: ingest, nlp, analyse, report, then the manifest.

    Args:
        config_path: TOML configuration (validated before any work).
        fresh: ignore every cache and recompute all stages.
    """
    started = datetime.now(UTC)
    cfg = load_config(Path(config_path))
    return run_stages(cfg, config_path=Path(config_path), fresh=fresh, started=started)


def run_stages(cfg: Config, *, config_path: Path | None, fresh: bool, started: datetime) -> dict[str, Any]:
    """Run the stage flows in order and write the manifest (called inside the parent flow)."""
    config = cfg.as_dict()
    runner = task_runner_for(cfg)
    results: dict[str, Any] = {}
    results["ingest"] = ingest_flow(config, fresh=fresh)
    nlp = nlp_flow.with_options(task_runner=runner()) if runner else nlp_flow
    results["nlp"] = nlp(config, _outputs(results["ingest"]), fresh=fresh)
    analyse = analyse_flow.with_options(task_runner=runner()) if runner else analyse_flow
    results.update(analyse(config, _outputs(results["nlp"]), fresh=fresh))
    analysis_outputs = {k: v for name in ("stats", "topics", "classify") for k, v in _outputs(results[name]).items()}
    results["report"] = report_flow(config, analysis_outputs, fresh=fresh)
    manifest_path = write_run_manifest(cfg, config_path=config_path, results=results, started=started)
    return {"stages": results, "manifest": manifest_path.as_posix()}


def write_run_manifest(cfg: Config, *, config_path: Path | None, results: Mapping[str, Any], started: datetime) -> Path:
    """The manifest: inputs, config, versions, seeds, commit, times, every output's sha256."""
    from pipeline.manifest import build_manifest, write_manifest

    inputs = stages.corpus_files(cfg.corpus.path)
    if cfg.classify.labels_file and Path(cfg.classify.labels_file).is_file():
        inputs.append(Path(cfg.classify.labels_file))
    if config_path is not None:
        inputs.append(Path(config_path))
    if CODEBOOK.is_file():
        inputs.append(CODEBOOK)
    outputs = sorted({Path(p) for result in results.values() for p in result["outputs"]})
    nlp_meta = json.loads((cfg.output.processed_dir / "nlp_meta.json").read_text(encoding="utf-8"))
    manifest = build_manifest(
        config=cfg.as_dict(),
        config_path=config_path,
        inputs=inputs,
        outputs=outputs,
        lock_file=LOCK_FILE,
        nlp_meta=nlp_meta,
        seeds={"run.seed": cfg.run.seed, "PYTHONHASHSEED": _hash_seed()},
        started=started,
        ended=datetime.now(UTC),
        root=Path.cwd(),
    )
    return write_manifest(manifest, cfg.output.reports_dir / "manifest.json")


def _hash_seed() -> str | None:
    import os

    return os.environ.get("PYTHONHASHSEED")
