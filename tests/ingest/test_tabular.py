"""Tests for pipeline.ingest.tabular: CSV, TSV, JSON, JSON Lines, Parquet and Excel readers."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.ingest.records import Record, Rejected
from pipeline.ingest.tabular import (
    MappingError,
    read_delimited,
    read_json,
    read_jsonl,
    read_parquet,
    read_xlsx,
    resolve_mapping,
)

FIXTURES = Path(__file__).parent.parent / "fixtures" / "tabular"


def _read(name: str, reader, **kwargs) -> list[Record | Rejected]:
    return list(reader((FIXTURES / name).read_bytes(), source=name, **kwargs))


def test_csv_quoted_newlines_and_wrong_field_count() -> None:
    items = _read("articles.csv", read_delimited)
    assert len(items) == 7
    rejected = [i for i in items if isinstance(i, Rejected)]
    assert rejected == [Rejected("articles.csv", 3, "wrong_field_count", "line 5: expected 6 fields, found 7")]
    records = [i for i in items if isinstance(i, Record)]
    assert [(r.position, r.key) for r in records] == [
        (0, "a1"), (1, "a2"), (3, "a4"), (4, "a5"), (5, "a6"), (6, "a7"),
    ]  # fmt: skip
    first = records[0]
    assert first.text == "Leadership on the ward starts with listening.\nManagers who listen, keep staff."
    assert (first.title, first.author, first.date) == ("Ward leadership", "Ann Lee", "2017/2/7")
    assert first.meta == {"url": "http://example.org/a1"}
    assert records[1].title == 'Budgets, rotas and "management"'
    assert records[2].text is None  # empty field
    assert records[2].date == "          2016/12/30 7:11"


def test_tsv_with_case_insensitive_default_columns() -> None:
    items = _read("posts.tsv", read_delimited, delimiter="\t")
    assert [
        (r.key, r.title, r.text, r.date, r.venue, r.meta) for r in items if isinstance(r, Record)
    ] == [
        ("t1", "Distributed leadership", "Leadership is shared across the team.", "2015-03-02",
         "BMJ Leader", {"Keywords": "leadership;teams"}),
        ("t2", "Middle managers", "Middle managers translate strategy into practice.", "2019",
         "Health Serv J", {}),
    ]  # fmt: skip


def test_jsonl_broken_line_in_the_middle() -> None:
    items = _read("abstracts.jsonl", read_jsonl)
    assert [type(i).__name__ for i in items] == ["Record", "Record", "Rejected", "Record", "Record"]
    assert items[2].reason == "malformed_json" and items[2].record == 3
    assert items[2].detail.startswith("line 3:")
    first = items[0]
    assert (first.key, first.title, first.venue, first.year, first.date) == (
        "100", "Physician leadership", "BMJ Lead", 2018, "2018",
    )  # fmt: skip
    assert first.meta == {"keywords": ["leadership", "physicians"]}  # a list stays a list
    assert items[3].text is None
    assert (items[4].position, items[4].key) == (4, "104")


def test_json_records_object() -> None:
    items = _read("reports.json", read_json)
    assert [type(i).__name__ for i in items] == ["Record", "Record", "Record", "Rejected"]
    assert items[3] == Rejected("reports.json", 4, "not_an_object", "expected a JSON object, found str")
    assert [(r.key, r.doc_type, r.parent_key, r.date) for r in items[:3]] == [
        ("1", "report", None, "2021-06-01T09:30:00Z"),
        ("2", "reply", "1", "2021-06-02"),
        ("3", "reply", "99", None),
    ]
    assert items[0].meta == {"tags": ["board", "leadership"]}


@pytest.mark.parametrize(
    ("payload", "reasons"),
    [
        (b'[{"text": "a"}, {"text": "b"}]', ["Record", "Record"]),
        (b'{"items": [{"body": "a"}]}', ["Record"]),
        (b'{"text": "one object"}', ["Record"]),
        (b'[1, {"text": "b"}]', ["not_an_object", "Record"]),
        (b"{not json", ["malformed_json"]),
        (b'"a string"', ["not_records"]),
    ],
)
def test_json_shapes(payload: bytes, reasons: list[str]) -> None:
    items = list(read_json(payload, source="x.json"))
    assert [i.reason if isinstance(i, Rejected) else "Record" for i in items] == reasons


def test_xlsx_made_in_the_test(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["ID", "Title", "Text", "Date", "Score"])
    sheet.append(["x1", "Ward rounds", "Leaders walk the wards.", datetime(2014, 3, 5), 4])
    sheet.append([None, None, None, None, None])
    sheet.append(["x2", "Budgets", "Managers count the money.", "2015", 2.5])
    workbook.save(tmp_path / "book.xlsx")
    items = list(read_xlsx((tmp_path / "book.xlsx").read_bytes(), source="book.xlsx"))
    assert [(r.position, r.key, r.title, r.text, r.date, r.meta) for r in items] == [
        (0, "x1", "Ward rounds", "Leaders walk the wards.", "2014-03-05T00:00:00", {"Score": 4}),
        (1, "x2", "Budgets", "Managers count the money.", "2015", {"Score": 2.5}),
    ]


def test_parquet_made_in_the_test(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "uuid": ["p1", "p2"],
            "content": ["Leadership text.", None],
            "kind": ["tweet", "tweet"],
            "likes": [3, 7],
            "tags": [["nhs"], []],
        }
    )
    frame.to_parquet(tmp_path / "t.parquet")
    items = list(read_parquet((tmp_path / "t.parquet").read_bytes(), source="t.parquet"))
    assert [(r.key, r.text, r.doc_type, r.meta) for r in items] == [
        ("p1", "Leadership text.", "tweet", {"likes": 3, "tags": ["nhs"]}),
        ("p2", None, "tweet", {"likes": 7, "tags": []}),
    ]


@pytest.mark.parametrize(
    ("columns", "mapping", "expected"),
    [
        (["Body", "HEADLINE", "by"], None, {"text": "Body", "title": "HEADLINE", "author": "by"}),
        (["abstract", "year"], None, {"text": "abstract", "date": "year", "year": "year"}),
        (["tweet", "created_at", "in_reply_to"], None,
         {"text": "tweet", "date": "created_at", "parent_id": "in_reply_to"}),
        (["message", "text"], {"text": "message"}, {"text": "message"}),
        (["Message"], {"text": "message"}, {"text": "Message"}),
        (["PMID", "Journal", "type"], None, {"id": "PMID", "venue": "Journal", "doc_type": "type"}),
    ],
)  # fmt: skip
def test_resolve_mapping(columns: list[str], mapping: dict[str, str] | None, expected: dict[str, str]) -> None:
    assert resolve_mapping(columns, mapping) == expected


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"body_text": "text"}, "unknown mapping target(s) ['body_text']"),
        ({"text": "message"}, "mapping 'text' -> column 'message', but the file has no such column"),
    ],
)
def test_bad_mapping_is_a_clear_value_error(mapping: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        list(read_delimited(b"text,title\na,b\n", source="x.csv", mapping=mapping))
    assert issubclass(MappingError, ValueError)


def test_mapped_columns_are_not_in_meta() -> None:
    data = b"msg,who,when,extra\nLeaders listen.,Ann,2012,x\n"
    (record,) = read_delimited(data, source="m.csv", mapping={"text": "msg", "author": "who", "date": "when"})
    assert (record.text, record.author, record.date, record.meta) == ("Leaders listen.", "Ann", "2012", {"extra": "x"})


def _csv_rows(text: str) -> int:
    rows = list(csv.reader(io.StringIO(text, newline=""), strict=False))
    non_blank = [r for r in rows if any(c.strip() for c in r)]
    return max(0, len(non_blank) - 1)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_csv_reader_never_raises_on_bytes(data: bytes) -> None:
    for item in read_delimited(data, source="h.csv"):
        assert isinstance(item, Record) != isinstance(item, Rejected)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.text(max_size=12), min_size=1, max_size=4), min_size=1, max_size=8))
def test_csv_every_row_is_a_record_or_a_rejected(rows: list[list[str]]) -> None:
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(rows)
    text = buffer.getvalue()
    items = list(read_delimited(text.encode("utf-8"), source="h.csv"))
    assert all(isinstance(i, Record) != isinstance(i, Rejected) for i in items)
    header_is_blank = not any(c.strip() for c in rows[0])
    if not header_is_blank:
        assert len(items) == _csv_rows(text)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_jsonl_reader_never_raises_on_bytes(data: bytes) -> None:
    for item in read_jsonl(data, source="h.jsonl"):
        assert isinstance(item, Record) != isinstance(item, Rejected)


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_JSON_VALUES.map(json.dumps) | st.text(alphabet='{}[]":,ab 1', max_size=15), max_size=8))
def test_jsonl_every_line_is_a_record_or_a_rejected(lines: list[str]) -> None:
    data = "\n".join(lines).encode("utf-8")
    items = list(read_jsonl(data, source="h.jsonl"))
    assert len(items) == sum(1 for line in lines if line.strip())
    assert all(isinstance(i, Record) != isinstance(i, Rejected) for i in items)
