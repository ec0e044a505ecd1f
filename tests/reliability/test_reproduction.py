"""Two ``ldp run`` from clean folders give the same bytes; ``ldp reproduce`` confirms a run.

Each run is a real ``ldp`` process with its own temporary ``PREFECT_HOME`` (Prefect's local
ephemeral server, no ``PREFECT_API_URL``), in its own working folder holding a copy of the
seed corpus, the annotations, the lock file and the same relative config,
so that even the config file's bytes are the same. Every table and chart is compared byte for
byte; the manifests must be equal once the times are dropped (and the sha256 of outputs the
manifest itself marks as not reproducible, the DuckDB file).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from pipeline.config import load_config

ROOT = Path(__file__).resolve().parents[2]
LDP = ROOT / ".venv" / "bin" / "ldp"
TIME_FIELDS = ("started", "ended", "duration_seconds")


def _work_folder(folder: Path) -> Path:
    shutil.copytree(ROOT / "data" / "raw" / "seed", folder / "data" / "raw" / "seed")
    (folder / "data" / "annotations").mkdir(parents=True)
    shutil.copyfile(ROOT / "data/annotations/framing.csv", folder / "data/annotations/framing.csv")
    shutil.copyfile(ROOT / "requirements.lock", folder / "requirements.lock")
    # the seed configuration with its paths relative to the work folder, where config.json sits
    data = load_config(ROOT / "configs" / "seed.toml").relative_to(ROOT).as_dict()
    data["topics"] |= {"k_max": 4, "passes": 5}
    (folder / "config.json").write_text(json.dumps(data, indent=2, sort_keys=True), encoding="utf-8")
    return folder


def _ldp(folder: Path, *args: str, prefect_home: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PREFECT_HOME=str(prefect_home), PREFECT_SERVER_ANALYTICS_ENABLED="false",
               PREFECT_LOGGING_LEVEL="WARNING", PYTHONHASHSEED="0",
               # the default 20 s is too short for the ephemeral server on a busy 2-core machine
               PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="120")  # fmt: skip
    env.pop("PREFECT_API_URL", None)
    return subprocess.run([str(LDP), *args], cwd=folder, env=env, capture_output=True, text=True, timeout=900)


def _outputs(folder: Path) -> dict[str, bytes]:
    """Every output file but the parse cache and the stages' hidden stamps (``.stage-*.json``,
    which record the sha256 of every output, the DuckDB file's included)."""
    found = {}
    for base in (folder / "data" / "processed", folder / "reports"):
        for path in sorted(base.rglob("*")):
            relative = path.relative_to(folder)
            if path.is_file() and "cache" not in relative.parts and not path.name.startswith("."):
                found[relative.as_posix()] = path.read_bytes()
    return found


def _duckdb_tables(path: Path) -> dict:
    import duckdb

    with duckdb.connect(str(path), read_only=True) as con:
        names = [row[0] for row in con.execute("select table_name from information_schema.tables").fetchall()]
        return {name: con.execute(f'select * from "{name}"').fetchall() for name in sorted(names)}


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("reproduction")
    folders, seconds = {}, {}
    for name in ("a", "b"):
        folder = _work_folder(base / name)
        started = time.perf_counter()
        done = _ldp(folder, "run", "--config", "config.json", prefect_home=base / f"prefect-{name}")
        seconds[name] = round(time.perf_counter() - started, 1)
        assert done.returncode == 0, done.stderr[-3000:]
        folders[name] = folder
    print(f"ldp run seconds: {seconds}")
    return {"base": base, **folders}


def _manifest(folder: Path) -> dict:
    return json.loads((folder / "reports" / "manifest.json").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_two_runs_write_the_same_tables_and_charts(two_runs: dict) -> None:
    a, b = _outputs(two_runs["a"]), _outputs(two_runs["b"])
    assert sorted(a) == sorted(b)
    assert {"data/processed/documents.parquet", "data/processed/tokens.parquet", "reports/report.html"} <= set(a)
    assert any(name.startswith("reports/tables/") for name in a)
    assert any(name.startswith("reports/charts/") for name in a)
    not_reproducible = {o["path"] for o in _manifest(two_runs["a"])["outputs"] if not o["reproducible"]}
    assert not_reproducible <= {name for name in a if name.endswith(".duckdb")}
    skipped = {"reports/manifest.json", *not_reproducible}
    differ = [name for name in sorted(a) if name not in skipped and a[name] != b[name]]
    assert differ == []
    # the DuckDB file's bytes may differ, its contents may not
    for name in sorted(not_reproducible):
        assert _duckdb_tables(two_runs["a"] / name) == _duckdb_tables(two_runs["b"] / name)


@pytest.mark.slow
def test_the_manifests_differ_only_in_their_times(two_runs: dict) -> None:
    manifests = []
    for name in ("a", "b"):
        manifest = _manifest(two_runs[name])
        assert all(field in manifest for field in TIME_FIELDS)
        for field in TIME_FIELDS:
            manifest.pop(field)
        for output in manifest["outputs"]:
            if not output["reproducible"]:
                output.pop("sha256")
                output.pop("bytes", None)
        manifests.append(manifest)
    assert manifests[0] == manifests[1]
    paths = {o["path"] for o in manifests[0]["outputs"]}
    assert {"data/processed/documents.parquet", "reports/report.html"} <= paths
    # the run's own inputs are recorded relative to its folder; the codebook is the package's
    outside = [i["path"] for i in manifests[0]["inputs"] if Path(i["path"]).is_absolute()]
    assert outside == [str(ROOT / "docs" / "codebook.md")]


@pytest.mark.slow
def test_ldp_reproduce_reports_a_match(two_runs: dict) -> None:
    done = _ldp(two_runs["a"], "reproduce", "reports/manifest.json", prefect_home=two_runs["base"] / "prefect-a")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    counts = json.loads(done.stdout.strip().splitlines()[-1])
    n_outputs = len(_manifest(two_runs["a"])["outputs"])
    not_reproducible = sum(not o["reproducible"] for o in _manifest(two_runs["a"])["outputs"])
    assert (counts["differs"], counts["missing"], counts.get("input_problems", 0)) == (0, 0, 0)
    assert counts["match"] + counts.get("not_reproducible_by_design", 0) == n_outputs
    assert counts["match"] >= n_outputs - not_reproducible > 0
