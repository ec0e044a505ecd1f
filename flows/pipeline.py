"""The ``ldp-pipeline`` flow: one Prefect flow per stage group of the registry, in order.

Wiring only: the stages, their order, groups, cache keys and the manifest all come from
:mod:`pipeline.registry` and :mod:`pipeline.manifest`. Per stage, Prefect may answer from its
cache when the stage's outputs are still on disk and unchanged (``outputs_intact``) and the
run was not asked to be fresh; otherwise the task runs and refreshes the cache entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prefect import Flow, flow

from flows import tasks
from flows.runners import task_runner_for
from pipeline.config import Config, config_from_dict, load_config
from pipeline.manifest import write_run_manifest
from pipeline.registry import Stage, code_digest, stage_groups, stage_key
from pipeline.stages import outputs_intact

Results = dict[str, dict[str, Any]]


def _outputs(results: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, str]]:
    return {name: dict(result["outputs"]) for name, result in results.items()}


def _submit(stage: Stage, cfg: Config, config: dict[str, Any], upstream: Results, fresh: bool) -> Any:
    key = stage_key(stage, cfg, _outputs(upstream), code=code_digest())
    refresh = fresh or not outputs_intact(cfg, stage.name)
    if stage.shards is None:
        task = tasks.run_stage.with_options(name=stage.name, refresh_cache=refresh)
        return task.submit(stage.name, config, key)
    n_parts = stage.shards.count(cfg)
    part_task = tasks.run_part.with_options(name=f"{stage.name}-part", refresh_cache=refresh)
    parts = [part_task.submit(stage.name, config, key, part, n_parts) for part in range(n_parts)]
    task = tasks.run_stage.with_options(name=stage.name, refresh_cache=refresh)
    return task.submit(stage.name, config, key, [part.result() for part in parts])


def _group_flow(group: str, members: tuple[Stage, ...]) -> Flow[..., Results]:
    @flow(name=f"ldp-{group}")
    def run_group(config: dict[str, Any], upstream: Results, fresh: bool = False) -> Results:
        cfg = config_from_dict(config)
        futures = {stage.name: _submit(stage, cfg, config, upstream, fresh) for stage in members}
        return {name: future.result() for name, future in futures.items()}

    run_group.__doc__ = "Stages " + ", ".join(s.name for s in members) + (" (concurrently)" if len(members) > 1 else "")
    return run_group


GROUP_FLOWS: dict[str, tuple[Flow[..., Results], bool]] = {
    group: (_group_flow(group, members), any(s.distributed for s in members)) for group, members in stage_groups()
}
"""One flow per stage group, and whether it runs on the configured task runner (Dask)."""


def run_groups(
    cfg: Config, *, groups: list[str] | None = None, upstream: Results | None = None, fresh: bool
) -> Results:
    """Run the stage groups in registry order (all of them, or ``groups``); return every result."""
    config = cfg.as_dict()
    runner = task_runner_for(cfg)
    results: Results = dict(upstream or {})
    for group, (group_flow, distributed) in GROUP_FLOWS.items():
        if groups is not None and group not in groups:
            continue
        run = group_flow.with_options(task_runner=runner()) if runner and distributed else group_flow
        results.update(run(config, results, fresh=fresh))
    return results


@flow(name="ldp-pipeline")
def ldp_pipeline(
    config_path: str = "configs/seed.toml", fresh: bool = False, root: str | None = None
) -> dict[str, Any]:
    """The whole pipeline on one corpus: every stage group in order, then the manifest.

    Args:
        config_path: TOML configuration (validated before any work).
        fresh: ignore every cache and recompute all stages.
        root: the folder the manifest's paths are relative to (default: the working directory).
    """
    started = datetime.now(UTC)
    cfg = load_config(Path(config_path))
    results = run_groups(cfg, fresh=fresh)
    run_root = Path(root) if root is not None else Path.cwd()
    manifest = write_run_manifest(cfg, config_path=Path(config_path), results=results, started=started, root=run_root)
    return {"stages": results, "manifest": manifest.as_posix()}
