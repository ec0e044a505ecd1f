"""Run configurations for flow tests: the seed corpus, outputs in a temporary folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.config import load_config


def seed_config_file(repo_root: Path, folder: Path, **run: object) -> Path:
    """A JSON config: the seed config with absolute inputs and outputs under ``folder``."""
    data = load_config(repo_root / "configs" / "seed.toml").as_dict()
    data["corpus"]["path"] = str(repo_root / "data" / "raw" / "seed")
    data["classify"]["labels_file"] = str(repo_root / "data" / "annotations" / "framing.csv")
    data["output"] = {"processed_dir": str(folder / "processed"), "reports_dir": str(folder / "reports")}
    data["topics"] |= {"k_max": 4, "passes": 5}
    data["run"] |= run
    path = folder / "config.json"
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def make_config(repo_root: Path):
    """``make_config(folder, **run)`` writes a seed config with outputs under ``folder``."""
    return lambda folder, **run: seed_config_file(repo_root, folder, **run)
