"""The DuckDB file: every table loaded, written atomically, the README's queries answered."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from pipeline.report.database import EXAMPLE_QUERIES, query_duckdb, table_name, write_duckdb


@pytest.fixture
def sources(tmp_path: Path) -> dict[str, Path]:
    documents = pd.DataFrame(
        {
            "doc_id": ["d1", "d2", "d3", "d4"],
            "doc_type": ["comment", "blog_post", "comment", "abstract"],
            "n_chars": [10, 300, 31, 1000],
        }
    )
    collocations = pd.DataFrame(
        {
            "node": ["leadership", "leadership", "leadership", "management"],
            "collocate": ["clinical", "team", "vision", "project"],
            "observed": [4, 2, 3, 5],
            "log_dice": [11.204, 9.5, 11.204, 12.0],
        }
    )
    documents.to_parquet(tmp_path / "documents.parquet", index=False)
    collocations.to_csv(tmp_path / "collocations.csv", index=False)
    return {"documents": tmp_path / "documents.parquet", "collocations": tmp_path / "collocations.csv"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "documents_by_type",
            {
                "doc_type": ["comment", "abstract", "blog_post"],
                "documents": [2, 1, 1],
                "mean_chars": [21.0, 1000.0, 300.0],
            },
        ),
        (
            "collocates_of_leadership",
            {"collocate": ["clinical", "vision", "team"], "observed": [4, 3, 2], "log_dice": [11.2, 11.2, 9.5]},
        ),
    ],
)
def test_example_queries(sources, tmp_path: Path, query: str, expected: dict) -> None:
    database = write_duckdb(sources, tmp_path / "out" / "ldp.duckdb")
    result = query_duckdb(database, EXAMPLE_QUERIES[query])
    assert result.to_dict(orient="list") == expected


def test_write_duckdb_replaces_atomically_and_leaves_no_temporary_files(sources, tmp_path: Path) -> None:
    target = tmp_path / "out" / "ldp.duckdb"
    target.parent.mkdir()
    target.write_bytes(b"old")
    write_duckdb(sources, target)
    assert sorted(p.name for p in target.parent.iterdir()) == ["ldp.duckdb"]
    tables = query_duckdb(target, "SELECT table_name FROM information_schema.tables ORDER BY table_name")
    assert tables["table_name"].tolist() == ["collocations", "documents"]


def test_write_duckdb_keeps_the_old_file_when_a_source_is_bad(sources, tmp_path: Path) -> None:
    target = tmp_path / "ldp.duckdb"
    write_duckdb(sources, target)
    before = hashlib.sha256(target.read_bytes()).hexdigest()
    (tmp_path / "broken.parquet").write_bytes(b"not parquet")
    with pytest.raises(Exception):  # noqa: B017 - duckdb's own error type
        write_duckdb({**sources, "broken": tmp_path / "broken.parquet"}, target)
    assert hashlib.sha256(target.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("freq_lemma", "freq_lemma"),
        ("keyness_blog-post vs comment", "keyness_blog_post_vs_comment"),
        ("2020", "t_2020"),
        ("Tokens", "tokens"),
    ],
)
def test_table_name(name: str, expected: str) -> None:
    assert table_name(name) == expected


def test_write_duckdb_rejects_colliding_names_and_unknown_formats(sources, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="both map"):
        write_duckdb({"Documents": sources["documents"], "documents": sources["documents"]}, tmp_path / "x.duckdb")
    with pytest.raises(ValueError, match=r"expected \.parquet or \.csv"):
        write_duckdb({"x": tmp_path / "x.json"}, tmp_path / "x.duckdb")
