"""Prefect tasks, one per library call, cached on the hashes of what they read.

A task's cache key is built from its ``cache_key`` argument (a digest of the upstream files'
sha256s, the config sections the stage reads, and the library's source) plus the task's own
source (``TASK_SOURCE``): re-running an unchanged corpus recomputes nothing, and changing one
stage's parameters re-runs that stage and the ones after it. The ``config`` argument is left
out of the key (``INPUTS - "config"``) because each stage reads only part of it.
"""

from __future__ import annotations

from typing import Any

import pyarrow.parquet as pq
from prefect import task
from prefect.cache_policies import INPUTS, TASK_SOURCE

from flows.progress import progress_bar
from pipeline import stages
from pipeline.config import config_from_dict

STAGE_CACHE = (INPUTS - "config") + TASK_SOURCE

_cached = {"cache_policy": STAGE_CACHE, "persist_result": True, "retries": 2, "retry_delay_seconds": 2}


@task(name="ingest", **_cached)
def ingest(config: dict[str, Any], cache_key: str) -> dict[str, Any]:
    """Read the corpus into the documents table (file reading retries on failure)."""
    return stages.run_ingest(config_from_dict(config)).as_dict()


@task(name="nlp-shard", **_cached)
def nlp_shard(config: dict[str, Any], cache_key: str, shard: int, n_shards: int) -> dict[str, Any]:
    """Parse one shard of the documents with spaCy into part files."""
    cfg = config_from_dict(config)
    n_documents = pq.ParquetFile(cfg.output.processed_dir / "documents.parquet").metadata.num_rows
    start, stop = stages.shard_bounds(n_documents, n_shards)[shard]
    with progress_bar(f"spaCy (shard {shard + 1}/{n_shards})", stop - start) as advance:
        return stages.run_nlp_shard(cfg, shard=shard, n_shards=n_shards, progress=advance)


@task(name="nlp-combine", **_cached)
def nlp_combine(config: dict[str, Any], cache_key: str, shard_meta: list[dict[str, Any]]) -> dict[str, Any]:
    """Merge the shards' part files and learn phrases."""
    return stages.combine_nlp(config_from_dict(config), shard_meta).as_dict()


@task(name="stats", **_cached)
def stats(config: dict[str, Any], cache_key: str) -> dict[str, Any]:
    """Frequencies, keyness, collocations, concordances."""
    return stages.run_stats(config_from_dict(config)).as_dict()


@task(name="topics", **_cached)
def topics(config: dict[str, Any], cache_key: str) -> dict[str, Any]:
    """Topic models chosen by coherence."""
    return stages.run_topics(config_from_dict(config)).as_dict()


@task(name="classify", **_cached)
def classify(config: dict[str, Any], cache_key: str) -> dict[str, Any]:
    """Framing classification."""
    return stages.run_classify(config_from_dict(config)).as_dict()


@task(name="report", **_cached)
def report(config: dict[str, Any], cache_key: str) -> dict[str, Any]:
    """Charts, HTML report and DuckDB file."""
    return stages.run_report(config_from_dict(config)).as_dict()
