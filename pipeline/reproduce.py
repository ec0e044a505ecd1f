"""Setting up a reproduction of a recorded run: its inputs, checked, in a clean folder."""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pipeline.stages import sha256_file

__all__ = ["stage_inputs"]


def stage_inputs(manifest: Mapping[str, Any], *, source_root: Path, work: Path) -> list[str]:
    """Copy the manifest's inputs from ``source_root`` into ``work`` at the same relative paths.

    Each input is checked against the sha256 the manifest recorded. Returns one line per
    problem (missing, or changed since the run); an empty list means every input is as it was.
    """
    problems = []
    for item in manifest.get("inputs", []):
        relative = Path(item["path"])
        if relative.is_absolute() or ".." in relative.parts:
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
