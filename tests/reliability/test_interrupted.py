"""A run killed with SIGKILL in the middle of the spaCy stage, then run again.

The killed run's outputs must all be complete (every file a reader can see parses; writers
only leave hidden ``.NAME.*.tmp`` files), the second run must finish, reuse the chunks parsed
before the kill, clear the killed writers' temporaries, and write tables and charts
byte-identical to an uninterrupted run in another folder with the same relative config.

The runs call ``pipeline.stages`` in a subprocess (``python -c``), not ``ldp run``: no Prefect
server to start, so three runs fit in the time budget; tests/reliability/test_reproduction.py
covers ``ldp run`` itself.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipeline.manifest import NON_REPRODUCIBLE_SUFFIXES
from pipeline.tables import remove_stale_temporaries, write_json

ROOT = Path(__file__).resolve().parents[2]
N_DOCS = 480
RUN_STAGES = "from pipeline.config import load_config; from pipeline.registry import run_all; run_all(load_config('config.json'))"
CONFIG = {
    "corpus": {"name": "prose", "path": "corpus"},
    "nlp": {"batch_size": 32},
    "topics": {"k_max": 3, "passes": 3},
    "classify": {"labels_file": "data/annotations/framing.csv", "group_by_doc": False, "folds": 3, "repeats": 1},
    "output": {"processed_dir": "data/processed", "reports_dir": "reports"},
}


def _generator():
    spec = importlib.util.spec_from_file_location("make_hostile", ROOT / "tests/fixtures/hostile/make_hostile.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _work_folder(folder: Path, corpus_text: str) -> Path:
    (folder / "corpus").mkdir(parents=True)
    (folder / "corpus" / "prose.jsonl").write_text(corpus_text, encoding="utf-8")
    (folder / "data" / "annotations").mkdir(parents=True)
    shutil.copyfile(ROOT / "data/annotations/framing.csv", folder / "data/annotations/framing.csv")
    (folder / "config.json").write_text(json.dumps(CONFIG, indent=2), encoding="utf-8")
    return folder


def _env() -> dict[str, str]:
    env = dict(os.environ, PYTHONHASHSEED="0")
    env.pop("PREFECT_API_URL", None)
    return env


def _run(folder: Path) -> None:
    done = subprocess.run([sys.executable, "-c", RUN_STAGES], cwd=folder, env=_env(), capture_output=True,
                          text=True, timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]


def _kill_during_nlp(folder: Path) -> dict:
    """Start a run; SIGKILL it once the NLP cache has a file but tokens.parquet does not exist."""
    processed = folder / "data" / "processed"
    cache = processed / "cache" / "nlp"
    process = subprocess.Popen([sys.executable, "-c", RUN_STAGES], cwd=folder, env=_env(),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and process.poll() is None:
            cached = list(cache.rglob("*.json")) if cache.is_dir() else []
            if cached and not (processed / "tokens.parquet").exists():
                process.send_signal(signal.SIGKILL)
                process.wait(timeout=60)
                return {"cache_files": len(cached)}
            time.sleep(0.02)
        raise AssertionError(f"the run ended (code {process.poll()}) before the kill: {process.stderr.read()[-2000:]}")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def _visible_files(folder: Path) -> dict[str, bytes]:
    """Every output file a reader would open: not the parse cache, nor hidden files (the
    writers' temporaries, and the stamps, which record the DuckDB file's sha256)."""
    out = {}
    for base in (folder / "data" / "processed", folder / "reports"):
        for path in sorted(base.rglob("*")):
            relative = path.relative_to(folder)
            if path.is_file() and "cache" not in relative.parts and not path.name.startswith("."):
                out[relative.as_posix()] = path.read_bytes()
    return out


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict:
    corpus_text = _generator().prose_records(N_DOCS, paragraphs=1)
    base = tmp_path_factory.mktemp("interrupted")
    killed = _work_folder(base / "killed", corpus_text)
    reference = _work_folder(base / "reference", corpus_text)
    started = time.perf_counter()
    kill = _kill_during_nlp(killed)
    seconds = {"until_kill": round(time.perf_counter() - started, 1)}
    after_kill = {
        "visible": sorted(_visible_files(killed)),
        "temporaries": sorted(p.name for p in (killed / "data" / "processed").glob(".*.tmp")),
        "unreadable": _unreadable(killed),
    }
    started = time.perf_counter()
    _run(killed)
    seconds["resumed"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    _run(reference)
    seconds["reference"] = round(time.perf_counter() - started, 1)
    print(f"interrupted run seconds: {seconds}; cache files at the kill: {kill['cache_files']}")
    return {"killed": killed, "reference": reference, "after_kill": after_kill, "kill": kill}


def _unreadable(folder: Path) -> list[str]:
    bad = []
    for name in _visible_files(folder):
        path = folder / name
        try:
            if path.suffix == ".parquet":
                pq.read_table(path)
            elif path.suffix == ".csv":
                pd.read_csv(path)
            elif path.suffix == ".json":
                json.loads(path.read_text(encoding="utf-8"))
        except Exception as error:
            bad.append(f"{name}: {error!r}")
    return bad


@pytest.mark.slow
def test_killed_run_leaves_only_complete_files(runs: dict) -> None:
    after = runs["after_kill"]
    assert after["unreadable"] == []
    assert "data/processed/documents.parquet" in after["visible"]
    assert "data/processed/tokens.parquet" not in after["visible"]
    # the streaming NLP writers were killed mid-write: their temporaries are hidden files
    assert any(name.startswith(".tokens.part-000.parquet.") for name in after["temporaries"])


@pytest.mark.slow
def test_rerun_reuses_the_parses_made_before_the_kill(runs: dict) -> None:
    processed = runs["killed"] / "data" / "processed"
    stamp = json.loads((processed / ".stage-nlp.json").read_text(encoding="utf-8"))["summary"]
    meta = json.loads((processed / "nlp_meta.json").read_text(encoding="utf-8"))
    cached = stamp.get("cached", meta.get("cached"))
    parsed = stamp.get("parsed", meta.get("parsed"))
    assert cached > 0 and parsed > 0
    assert cached + parsed == meta["chunks"] == N_DOCS


@pytest.mark.slow
def test_rerun_removes_the_killed_writers_temporaries(runs: dict) -> None:
    processed = runs["killed"] / "data" / "processed"
    assert sorted(p.name for p in processed.glob(".*.tmp")) == []
    assert sorted(p.name for p in processed.glob("*.part-*")) == []


@pytest.mark.slow
def test_rerun_outputs_are_byte_identical_to_an_uninterrupted_run(runs: dict) -> None:
    killed, reference = _visible_files(runs["killed"]), _visible_files(runs["reference"])
    assert sorted(killed) == sorted(reference)
    assert any(name.startswith("reports/charts/") for name in killed)
    skipped = {name for name in killed if name.endswith("manifest.json")}
    skipped |= {name for name in killed if Path(name).suffix in NON_REPRODUCIBLE_SUFFIXES}  # the DuckDB file
    differ = [name for name in sorted(killed) if name not in skipped and killed[name] != reference[name]]
    assert differ == []


def test_remove_stale_temporaries_only_touches_the_named_file(tmp_path: Path) -> None:
    write_json({"a": 1}, tmp_path / "t.json")
    for name in (".t.json.abc123.tmp", ".t.json.x.tmp", ".tokens.json.abc.tmp", ".t.jsonl.abc.tmp", "t.json.tmp"):
        (tmp_path / name).write_bytes(b"half")
    assert remove_stale_temporaries(tmp_path / "t.json") == 2
    kept = sorted(p.name for p in tmp_path.iterdir())
    assert kept == [".t.jsonl.abc.tmp", ".tokens.json.abc.tmp", "t.json", "t.json.tmp"]
    assert remove_stale_temporaries(tmp_path / "[t].json") == 0
