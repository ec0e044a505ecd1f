"""Reading and writing the pipeline's tables, atomically and reproducibly.

Every table is written to a temporary file in the destination folder and then renamed over
the destination, so a reader never sees a half-written file (``os.replace`` is atomic on one
file system). Parquet is written without the pandas index and with fixed options, so the same
DataFrame gives the same bytes; CSV cells that a spreadsheet would evaluate as a formula are
guarded (OWASP "CSV injection": a leading ``=``, ``+``, ``-``, ``@``, tab or carriage return
is prefixed with a single quote).
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

__all__ = [
    "atomic_path",
    "guard_formula",
    "read_table",
    "remove_stale_temporaries",
    "write_csv",
    "write_json",
    "write_parquet",
    "write_table",
]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it over ``path`` if the block succeeds.

    The temporary file is removed if the block raises, so nothing half-written is left.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        # mkstemp creates 0600; give the file the mode an ordinary open() would have.
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def remove_stale_temporaries(path: Path) -> int:
    """Delete the temporary files a killed writer of ``path`` left beside it.

    :func:`atomic_path` writes ``path`` through a hidden ``.NAME.XXXXXXXX.tmp`` file in the
    same folder; a process killed while writing (SIGKILL, power loss) leaves it behind, and a
    streaming writer's temporary file can be as large as the table. Only the temporaries of
    ``path`` itself are removed, so a caller that owns ``path`` never touches another
    writer's files. Call it before writing ``path`` again.

    Returns:
        The number of files removed.
    """
    path = Path(path)
    removed = 0
    for stale in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        stale.unlink(missing_ok=True)
        removed += 1
    return removed


@contextlib.contextmanager
def atomic_open(path: Path, mode: str = "w", **kwargs: Any) -> Iterator[IO[Any]]:
    """Open a temporary file for writing that replaces ``path`` only once it is complete."""
    with atomic_path(path) as tmp, open(tmp, mode, **kwargs) as handle:
        yield handle


def guard_formula(value: object) -> object:
    """Return ``value`` with a leading quote if a spreadsheet would read it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _guarded(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(guard_formula, na_action="ignore")
    return out


def write_parquet(frame: pd.DataFrame, path: Path) -> Path:
    """Write ``frame`` to Parquet atomically, without its index, with fixed writer options."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp, compression="zstd", write_statistics=True)
    return Path(path)


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Write ``frame`` to UTF-8 CSV atomically, with formula-looking cells guarded."""
    with atomic_open(path, "w", encoding="utf-8", newline="") as handle:
        _guarded(frame).to_csv(handle, index=False, lineterminator="\n")
    return Path(path)


def write_table(frame: pd.DataFrame, stem: Path, *, csv: bool = True) -> list[Path]:
    """Write ``stem.parquet`` (and ``stem.csv`` when ``csv``) holding the same rows."""
    stem = Path(stem)
    paths = [write_parquet(frame, stem.with_suffix(".parquet"))]
    if csv:
        paths.append(write_csv(frame, stem.with_suffix(".csv")))
    return paths


def write_json(data: Any, path: Path) -> Path:
    """Write ``data`` as indented, key-sorted JSON atomically."""
    with atomic_open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2, sort_keys=True, ensure_ascii=False, default=str)
        handle.write("\n")
    return Path(path)


def read_table(path: Path) -> pd.DataFrame:
    """Read a Parquet table written by :func:`write_parquet`."""
    return pd.read_parquet(path)
