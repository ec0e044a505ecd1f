"""All of a run's tables in one DuckDB file, so they can be queried with SQL.

The database is built in a fresh temporary folder beside the destination and renamed over it
once complete (``os.replace`` is atomic on one file system), so a reader never opens a
half-written file. DuckDB's file layout is not byte-stable between runs (block allocation and
headers vary), so the manifest marks the file as not reproducible; its *contents* are: each
table is loaded from a byte-identical Parquet or CSV file.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

import duckdb
import pandas as pd

logger = logging.getLogger(__name__)

__all__ = ["EXAMPLE_QUERIES", "query_duckdb", "table_name", "write_duckdb"]

#: Two example queries for the README, run by the tests against a real database.
EXAMPLE_QUERIES: dict[str, str] = {
    "documents_by_type": (
        "SELECT doc_type, count(*) AS documents, round(avg(n_chars)) AS mean_chars\n"
        "FROM documents\n"
        "GROUP BY doc_type\n"
        "ORDER BY documents DESC, doc_type;"
    ),
    "collocates_of_leadership": (
        "SELECT collocate, observed, round(log_dice, 2) AS log_dice\n"
        "FROM collocations\n"
        "WHERE lower(node) = 'leadership'\n"
        "ORDER BY log_dice DESC, collocate\n"
        "LIMIT 10;"
    ),
}


def table_name(name: str) -> str:
    """Return ``name`` as a plain SQL identifier: lower case, ``[a-z0-9_]``, not starting with a digit."""
    cleaned = re.sub(r"[^0-9a-z_]+", "_", name.lower()).strip("_") or "table"
    return f"t_{cleaned}" if cleaned[0].isdigit() else cleaned


def write_duckdb(tables: Mapping[str, Path], path: Path) -> Path:
    """Load every table into one DuckDB database at ``path``, atomically.

    Args:
        tables: Table name -> a ``.parquet`` or ``.csv`` file. Names become SQL identifiers
            through :func:`table_name`; tables are created in name order.
        path: The database file to write (replaced if it exists).

    Returns:
        ``path``.

    Raises:
        ValueError: if two names map to the same identifier, or a file is neither Parquet nor CSV.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    names: dict[str, Path] = {}
    for name, source in sorted(tables.items()):
        ident = table_name(name)
        if ident in names:
            raise ValueError(f"tables {name!r} and another both map to SQL name {ident!r}")
        if Path(source).suffix not in {".parquet", ".csv"}:
            raise ValueError(f"cannot load {source}: expected .parquet or .csv")
        names[ident] = Path(source)
    workdir = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        tmp = workdir / path.name
        connection = duckdb.connect(str(tmp))
        try:
            connection.execute("SET threads TO 1")
            for ident, source in names.items():
                reader = "read_parquet" if source.suffix == ".parquet" else "read_csv"
                options = "" if source.suffix == ".parquet" else ", header = true, all_varchar = false"
                connection.execute(f'CREATE TABLE "{ident}" AS SELECT * FROM {reader}(?{options})', [str(source)])
            connection.execute("CHECKPOINT")
        finally:
            connection.close()
        os.replace(tmp, path)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    logger.info("wrote %d tables to %s", len(names), path)
    return path


def query_duckdb(path: Path, sql: str) -> pd.DataFrame:
    """Run ``sql`` read-only against the database at ``path`` and return the result."""
    connection = duckdb.connect(str(path), read_only=True)
    try:
        return connection.execute(sql).fetchdf()
    finally:
        connection.close()
