"""Prefect tasks: one for a stage, one for a part of a sharded stage, cached on the stage key.

A task's cache key is built from its ``cache_key`` argument (:func:`pipeline.registry.stage_key`:
the config sections the stage reads, the sha256 of what it reads, the library's source) plus
the stage name and the task's own source (``TASK_SOURCE``): re-running an unchanged corpus
recomputes nothing, and changing one stage's parameters re-runs that stage and the ones after
it. The ``config`` argument is left out of the key (``INPUTS - "config"``) because each stage
reads only part of it.
"""

from __future__ import annotations

from typing import Any

from prefect import task
from prefect.cache_policies import INPUTS, TASK_SOURCE

from flows.progress import progress_bar
from pipeline.config import config_from_dict
from pipeline.registry import get_stage

STAGE_CACHE = (INPUTS - "config") + TASK_SOURCE

_cached: dict[str, Any] = {"cache_policy": STAGE_CACHE, "persist_result": True, "retries": 2, "retry_delay_seconds": 2}


@task(name="stage", **_cached)
def run_stage(
    stage: str, config: dict[str, Any], cache_key: str, parts: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """Run a registered stage (a sharded stage combines its ``parts``)."""
    declared = get_stage(stage)
    cfg = config_from_dict(config)
    result = declared.run(cfg) if declared.shards is None else declared.run(cfg, parts or [])
    return result.as_dict()


@task(name="stage-part", **_cached)
def run_part(stage: str, config: dict[str, Any], cache_key: str, part: int, n_parts: int) -> dict[str, Any]:
    """Run one part of a sharded stage (the spaCy shards)."""
    shards = get_stage(stage).shards
    if shards is None:
        raise ValueError(f"stage {stage} is not sharded")
    cfg = config_from_dict(config)
    total = shards.size(cfg, shard=part, n_shards=n_parts)
    with progress_bar(f"{stage} (part {part + 1}/{n_parts})", total) as advance:
        return shards.run(cfg, shard=part, n_shards=n_parts, progress=advance)
