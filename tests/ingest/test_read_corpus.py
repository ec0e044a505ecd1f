"""End-to-end tests of read_corpus on the seed corpus and the hand-written fixtures."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pipeline.ingest import IngestResult, read_corpus
from pipeline.ingest.documents import DOCUMENT_COLUMNS

ROOT = Path(__file__).parent.parent.parent
SEED = ROOT / "data" / "raw" / "seed"
FIXTURES = ROOT / "tests" / "fixtures"


def _check_contract(result: IngestResult) -> None:
    docs, summary = result.documents, result.summary
    assert tuple(docs.columns) == DOCUMENT_COLUMNS
    assert docs["doc_id"].is_unique
    assert docs["doc_id"].tolist() == sorted(docs["doc_id"].tolist())
    for column in docs.columns:
        if pd.api.types.is_string_dtype(docs[column]):
            assert not (docs[column] == "").any(), column
    assert (docs["n_chars"] == docs["text"].str.len()).all()
    assert summary["records_seen"] == (
        summary["documents_written"] + summary["duplicates_collapsed"] + summary["quarantined"]
    )
    for counts in [*summary["by_format"].values(), *summary["by_source"].values()]:
        assert counts["records_seen"] == counts["documents"] + counts["duplicates"] + counts["quarantined"]
    assert summary["documents_written"] == len(docs) and summary["quarantined"] == len(result.quarantine)
    quarantine = result.quarantine
    assert quarantine.columns.tolist() == ["source", "record", "reason", "detail"]
    assert quarantine.equals(
        quarantine.assign(_r=quarantine["record"].fillna(0))
        .sort_values(["source", "_r", "reason", "detail"], kind="mergesort")
        .drop(columns="_r")
        .reset_index(drop=True)
    )


def test_seed_corpus() -> None:
    first = read_corpus(SEED, corpus="seed")
    second = read_corpus(SEED, corpus="seed")
    _check_contract(first)
    assert first.documents.equals(second.documents)
    assert first.summary == second.summary
    summary = first.summary
    assert summary["files_read"] == 5
    assert summary["quarantined"] == 0
    assert sorted(first.documents["source"].unique()) == sorted(p.name for p in SEED.glob("*.txt"))
    assert set(summary["by_format"]) == {"text"}
    assert summary["boilerplate_lines_dropped"] > 0
    assert first.documents["doc_id"].str.fullmatch(r"seed:\d{3}_[0-9a-f]{16}\.txt:\d{6}").all()
    # every comment points at a document of its own page
    replies = first.documents.dropna(subset=["parent_id"])
    assert (replies["parent_id"].str.split(":").str[1] == replies["source"]).all()
    assert replies["parent_id"].isin(first.documents["doc_id"]).all()


def test_tabular_fixtures() -> None:
    result = read_corpus(FIXTURES / "tabular", corpus="fx")
    _check_contract(result)
    assert result.summary["by_format"] == {
        "csv": {"records_seen": 7, "documents": 4, "duplicates": 1, "quarantined": 2},
        "json": {"records_seen": 4, "documents": 3, "duplicates": 0, "quarantined": 1},
        "jsonl": {"records_seen": 5, "documents": 3, "duplicates": 0, "quarantined": 2},
        "tsv": {"records_seen": 2, "documents": 2, "duplicates": 0, "quarantined": 0},
    }
    assert result.quarantine[["source", "record", "reason"]].values.tolist() == [
        ["abstracts.jsonl", 3, "malformed_json"],
        ["abstracts.jsonl", 4, "no_text"],
        ["articles.csv", 3, "wrong_field_count"],
        ["articles.csv", 4, "no_text"],
        ["reports.json", 4, "not_an_object"],
    ]
    docs = result.documents.set_index("doc_id")
    assert docs.loc["fx:articles.csv:a7", "dup_of"] == "fx:articles.csv:a1"
    assert docs.loc["fx:reports.json:2", "parent_id"] == "fx:reports.json:1"
    assert docs["date"].dropna().tolist() == [
        "2018", "2020", "2016", "2017-02-07", "2012-05-14", "2012-05", "2012", "2015-03-02", "2019",
        "2021-06-01", "2021-06-02",
    ]  # fmt: skip
    assert result.summary["duplicates"] == [["fx:articles.csv:a6", "fx:articles.csv:a1"]]


def test_folder_fixtures() -> None:
    result = read_corpus(FIXTURES / "folder", corpus="fx")
    _check_contract(result)
    docs = result.documents.set_index("doc_id")
    html = docs.loc["fx:article.html:000000"]
    assert (html["doc_type"], html["title"], html["author"], html["date"]) == (
        "article", "Why clinicians should lead", "Jane Smith", "2013-04-22",
    )  # fmt: skip
    assert "Subscribe" not in html["text"] and "Copyright" not in html["text"]
    markdown = docs[docs["source"] == "notes.md"]
    assert len(markdown) >= 1
    text = "\n\n".join(markdown["text"])
    assert "**" not in text and "](" not in text
    assert "Practice managers and GP partners share the work of running a practice." in text


def test_every_format_reconciles(tmp_path: Path) -> None:
    """One folder holding every supported format (and rejects): the counts always reconcile."""
    corpus = tmp_path / "all"
    for sub in ("tabular", "folder", "formats"):
        if (FIXTURES / sub).is_dir():
            shutil.copytree(FIXTURES / sub, corpus / sub)
    shutil.copy(SEED / sorted(p.name for p in SEED.glob("*.txt"))[0], corpus / "seed.txt")
    pd.DataFrame({"text": ["Parquet leadership.", None], "kind": ["x", "y"]}).to_parquet(corpus / "p.parquet")
    workbook = openpyxl.Workbook()
    workbook.active.append(["text", "title"])
    workbook.active.append(["Excel management.", "X"])
    workbook.save(corpus / "w.xlsx")
    (corpus / "win.txt").write_bytes("The manager’s “café” meeting, with naïve plans.\n".encode("cp1252"))
    (corpus / "empty.md").write_bytes(b"")
    (corpus / "notes.docx").write_bytes(b"PK\x03\x04")
    result = read_corpus(corpus, corpus="all")
    _check_contract(result)
    formats = set(result.summary["by_format"])
    assert {"csv", "tsv", "json", "jsonl", "parquet", "xlsx", "text", "markdown", "html", "unsupported"} <= formats
    win = result.documents[result.documents["source"] == "win.txt"]
    assert "The manager’s “café” meeting, with naïve plans." in "\n".join(win["text"])
    assert result.quarantine.query("source == 'empty.md'")["reason"].tolist() == ["empty_file"]
    assert result.quarantine.query("source == 'notes.docx'")["reason"].tolist() == ["unsupported_format"]


@pytest.mark.parametrize(
    "name", sorted(p.name for p in (FIXTURES / "formats").glob("*")) if (FIXTURES / "formats").is_dir() else []
)
def test_xml_and_bibliography_fixtures_reconcile(name: str) -> None:
    result = read_corpus(FIXTURES / "formats" / name, corpus="fx")
    _check_contract(result)
    assert "reader_error" not in result.quarantine["reason"].tolist()
