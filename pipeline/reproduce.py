"""Reproducing a recorded run: its inputs, checked, in a clean folder, and the verdict.

:func:`prepare_reproduction` copies the manifest's inputs into a fresh run root and writes the
recorded configuration there (its relative paths then resolve inside that root: no change of
working directory is needed); the caller runs the pipeline on it; :func:`reproduction_verdict`
compares every recorded output with the rerun's and counts the outcomes.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.config import config_from_dict
from pipeline.digests import sha256_file
from pipeline.manifest import compare_outputs

__all__ = ["prepare_reproduction", "reproduction_verdict", "stage_inputs"]

EXPECTED = "differs (expected)"


def stage_inputs(manifest: Mapping[str, Any], *, source_root: Path, work: Path) -> list[str]:
    """Copy the manifest's inputs from ``source_root`` into ``work`` at the same relative paths.

    Each input is checked against the sha256 the manifest recorded. An input recorded by an
    absolute path (outside the run's root, e.g. the package's own codebook) is not copied: it is
    read where it is, so it is only checked. Returns one line per problem (missing, or changed
    since the run); an empty list means every input is as it was.
    """
    problems = []
    for item in manifest.get("inputs", []):
        relative = Path(item["path"])
        if relative.is_absolute():
            if not relative.is_file():
                problems.append(f"{relative}: missing")
            elif sha256_file(relative) != item["sha256"]:
                problems.append(f"{relative}: changed since the run (sha256 differs)")
            continue
        if ".." in relative.parts:
            problems.append(f"{relative}: not inside the project; not copied")
            continue
        source = source_root / relative
        if not source.is_file():
            problems.append(f"{relative}: missing")
            continue
        if sha256_file(source) != item["sha256"]:
            problems.append(f"{relative}: changed since the run (sha256 differs)")
        target = work / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return problems


def prepare_reproduction(manifest: Mapping[str, Any], *, source_root: Path, work: Path) -> tuple[Path, list[str]]:
    """Stage the inputs in ``work`` and write the recorded configuration as ``work/config.json``.

    Returns:
        The configuration file to run and the input problems (:func:`stage_inputs`).

    Raises:
        ConfigError: the recorded configuration is not valid.
    """
    work.mkdir(parents=True, exist_ok=True)
    problems = stage_inputs(manifest, source_root=source_root, work=work)
    config = config_from_dict(dict(manifest["config"]), origin="manifest")
    config_path = work / "config.json"
    config_path.write_text(json.dumps(config.as_dict(), indent=2, sort_keys=True), encoding="utf-8")
    return config_path, problems


def reproduction_verdict(
    manifest: Mapping[str, Any], *, work: Path, problems: list[str]
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Every recorded output against the rerun in ``work``, and the counts of each outcome.

    A difference in an output the manifest marks as not reproducible (the DuckDB file) is
    ``differs (expected)``, not a failure. ``ok`` is true when nothing differs, nothing is
    missing and every input was as recorded.
    """
    comparison = compare_outputs(manifest, root=work)
    comparison["status"] = comparison["status"].where(
        comparison["reproducible"] | (comparison["status"] != "differs"), EXPECTED
    )
    counts = comparison["status"].value_counts().to_dict()
    summary: dict[str, Any] = {
        "match": int(counts.get("match", 0)),
        "differs": int(counts.get("differs", 0)),
        "missing": int(counts.get("missing", 0)),
        "not_reproducible_by_design": int(counts.get(EXPECTED, 0)),
        "input_problems": len(problems),
    }
    summary["ok"] = not (summary["differs"] or summary["missing"] or problems)
    return comparison, summary
