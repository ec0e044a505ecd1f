"""Choosing the task runner: Prefect's default, or Dask through ``prefect-dask``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pipeline.config import Config


def task_runner_for(config: Config) -> Callable[[], Any] | None:
    """A factory for the configured task runner, or ``None`` for Prefect's default.

    With ``run.runner = "dask"`` the NLP shards and the analyses run on a Dask cluster: the
    one at ``run.dask_address`` if given, else a temporary ``LocalCluster`` of
    ``run.dask_workers`` single-threaded worker processes.
    """
    if config.run.runner != "dask":
        return None
    from prefect_dask import DaskTaskRunner

    if config.run.dask_address:
        address = config.run.dask_address
        return lambda: DaskTaskRunner(address=address)
    workers = config.run.dask_workers
    return lambda: DaskTaskRunner(
        cluster_class="distributed.LocalCluster",
        cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True, "dashboard_address": None},
    )
