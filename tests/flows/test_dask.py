"""The seed pipeline on a 2-worker Dask LocalCluster gives the same tables as the default runner."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]


def table_bytes(folder):
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.suffix in {".parquet", ".csv"} and "cache" not in p.parts and "topics_work" not in p.parts
    }


def test_dask_runner_matches_the_default_runner(tmp_path, make_config) -> None:
    from flows.pipeline import ldp_pipeline

    default = make_config(tmp_path / "default")
    dask = make_config(tmp_path / "dask", runner="dask", dask_workers=2)
    ldp_pipeline(config_path=str(default))
    result = ldp_pipeline(config_path=str(dask))
    assert result["stages"]["nlp"]["summary"]["shards"] == 2
    ours, theirs = table_bytes(tmp_path / "default"), table_bytes(tmp_path / "dask")
    assert ours.keys() == theirs.keys()
    assert [name for name in ours if ours[name] != theirs[name]] == []
