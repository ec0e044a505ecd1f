"""pipeline/tables.py: CSV cells a spreadsheet would evaluate are guarded; writes are atomic."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from pipeline.tables import guard_formula, write_csv, write_table


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+SUM(A1:A2)", "'+SUM(A1:A2)"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("plain", "plain"),
        ("a=b", "a=b"),
        ("", ""),
        (-2, -2),
        (1.5, 1.5),
        (None, None),
    ],
)
def test_guard_formula(value, expected) -> None:
    assert guard_formula(value) == expected


def test_write_csv_guards_text_cells_but_not_numbers(tmp_path: Path) -> None:
    frame = pd.DataFrame({"term": ["=cmd|' /C calc'!A0", "leadership", None], "count": [-1, 2, 3]})
    path = write_csv(frame, tmp_path / "t.csv")
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows == [["term", "count"], ["'=cmd|' /C calc'!A0", "-1"], ["leadership", "2"], ["", "3"]]
    assert frame["term"].iloc[0] == "=cmd|' /C calc'!A0"  # the caller's frame is untouched


def test_write_table_keeps_parquet_unguarded_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    frame = pd.DataFrame({"term": ["=1+1", "@x"]})
    paths = write_table(frame, tmp_path / "t")
    assert [p.name for p in paths] == ["t.parquet", "t.csv"]
    assert pd.read_parquet(paths[0])["term"].tolist() == ["=1+1", "@x"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv", "t.parquet"]
