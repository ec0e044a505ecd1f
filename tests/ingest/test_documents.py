"""Tests for pipeline.ingest.documents: dates, format detection and the corpus-level rules."""

from __future__ import annotations

import gzip
import json
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.ingest import readers
from pipeline.ingest.documents import DOCUMENT_COLUMNS, detect_format, normalise_date, read_corpus


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("14 May 2012", "2012-05-14"),
        ("14th May 2012", "2012-05-14"),
        ("Monday 14 May 2012 at 10:15", "2012-05-14"),
        ("May 14, 2012", "2012-05-14"),
        ("Sept 3, 2019", "2019-09-03"),
        ("2017/2/7", "2017-02-07"),
        ("          2016/12/30 7:11", "2016-12-30"),
        ("2012-05-14", "2012-05-14"),
        ("2012-05-14T23:30:00Z", "2012-05-14"),
        ("2012-05-14T23:30:00+05:00", "2012-05-14"),  # as written, no shift to UTC
        ("2012-05-14 08:00:00", "2012-05-14"),
        ("Mon, 14 May 2012 23:30:00 +0000", "2012-05-14"),
        ("Mon, 14 May 2012 23:30:00 GMT", "2012-05-14"),
        ("14/05/2012", "2012-05-14"),  # day first
        ("May 2012", "2012-05"),
        ("2012-05", "2012-05"),
        ("2012", "2012"),
        (2012, "2012"),
        (2012.0, "2012"),
        (date(2012, 5, 14), "2012-05-14"),
        (datetime(2012, 5, 14, 10, 0), "2012-05-14"),
        ("not a date", None),
        ("31 February 2012", None),
        ("2012/13/01", None),
        ("Smarch 2012", None),
        ("0999", None),
        ("", None),
        (None, None),
        (True, None),
        (float("nan"), None),
    ],
)
def test_normalise_date(value: object, expected: str | None) -> None:
    assert normalise_date(value) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40) | st.from_regex(r"\d{1,4}[/ .-]\d{1,2}[/ .-]\d{1,4}", fullmatch=True))
def test_normalise_date_never_raises(value: str) -> None:
    result = normalise_date(value)
    assert result is None or re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", result)


WXR_HEAD = b'<?xml version="1.0"?>\n<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/">'


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("a.txt", b"x", "text"),
        ("a.MD", b"x", "markdown"),
        ("a.htm", b"x", "html"),
        ("a.html.gz", b"x", "html"),
        ("a.csv", b"x", "csv"),
        ("a.tsv", b"x", "tsv"),
        ("a.json", b"x", "json"),
        ("a.ndjson", b"x", "jsonl"),
        ("a.jsonl.gz", b"x", "jsonl"),
        ("a.parquet", b"x", "parquet"),
        ("a.xlsx", b"x", "xlsx"),
        ("a.ris", b"x", "ris"),
        ("a.bib", b"x", "bibtex"),
        ("a.atom", b"x", "feed"),
        ("a.xml", b'<?xml version="1.0"?><rss version="2.0"><channel/></rss>', "feed"),
        ("a.xml", WXR_HEAD + b"<channel/></rss>", "wxr"),
        ("a.xml", b'<!-- c --><feed xmlns="http://www.w3.org/2005/Atom"></feed>', "feed"),
        ("a.xml", b'<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle//EN" '
                  b'"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_190101.dtd">\n<PubmedArticleSet>', "pubmed"),
        ("a.xml", b"<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>", "feed"),
        ("a.xml", b"<catalog><book/></catalog>", None),
        ("a.docx", b"x", None),
        ("README", b"x", None),
    ],
)  # fmt: skip
def test_detect_format(name: str, data: bytes, expected: str | None) -> None:
    assert detect_format(name, data) == expected


def _write(folder: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return folder


def _reconciles(summary: dict) -> bool:
    return summary["records_seen"] == (
        summary["documents_written"] + summary["duplicates_collapsed"] + summary["quarantined"]
    )


def test_file_level_rejections(tmp_path: Path) -> None:
    folder = _write(
        tmp_path / "c",
        {
            "empty.txt": b"",
            "blank.csv": b"  \n\n",
            "binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
            "slides.pptx": b"PK\x03\x04 not ours",
            "big.jsonl": b'{"text": "' + b"x" * 200 + b'"}\n',
            "bad.xml": b"<catalog><book/></catalog>",
            "ok.jsonl": b'{"text": "Leaders listen."}\n',
            "broken.csv.gz": b"\x1f\x8b\x08\x00not really gzip",
        },
    )
    result = read_corpus(folder, corpus="c", max_file_bytes=150)
    assert result.quarantine.to_dict("records") == [
        {"source": "bad.xml", "record": None, "reason": "unsupported_format", "detail": "no reader for 'bad.xml'"},
        {"source": "big.jsonl", "record": None, "reason": "too_large", "detail": "over max_file_bytes=150"},
        {"source": "binary.txt", "record": None, "reason": "binary", "detail": "NUL or control bytes: not a text file"},
        {"source": "blank.csv", "record": None, "reason": "empty_file", "detail": "4 bytes, no content"},
        {"source": "broken.csv.gz", "record": None, "reason": "unreadable",
         "detail": result.quarantine.loc[4, "detail"]},
        {"source": "empty.txt", "record": None, "reason": "empty_file", "detail": "0 bytes, no content"},
        {"source": "slides.pptx", "record": None, "reason": "unsupported_format",
         "detail": "no reader for 'slides.pptx'"},
    ]  # fmt: skip
    assert list(result.documents["doc_id"]) == ["c:ok.jsonl:000000"]
    summary = result.summary
    assert (summary["files_read"], summary["records_seen"], summary["quarantined"]) == (8, 8, 7)
    assert _reconciles(summary)
    assert summary["by_format"]["unsupported"] == {"records_seen": 2, "documents": 0, "duplicates": 0, "quarantined": 2}


def test_a_reader_that_raises_does_not_stop_the_corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(data: bytes, **_: object) -> list:
        raise RuntimeError("reader bug")

    monkeypatch.setitem(readers.READERS, "tsv", explode)
    folder = _write(tmp_path / "c", {"a.tsv": b"text\nfine\n", "b.jsonl": b'{"text": "Leaders listen."}\n'})
    result = read_corpus(folder, corpus="c")
    assert result.quarantine.to_dict("records") == [
        {"source": "a.tsv", "record": None, "reason": "reader_error", "detail": "RuntimeError: reader bug"}
    ]
    assert list(result.documents["doc_id"]) == ["c:b.jsonl:000000"]
    assert _reconciles(result.summary)


def test_duplicates_near_duplicates_and_parents(tmp_path: Path) -> None:
    rows = [
        {"id": "p", "text": "Leaders  listen to staff."},
        {"id": "c1", "text": "I agree!", "parent_id": "p"},
        {"id": "c2", "text": "Leaders listen to staff.", "parent_id": "p"},  # exact duplicate of p
        {"id": "c3", "text": "LEADERS listen, to staff", "parent_id": "c2"},  # near duplicate; parent collapsed
        {"id": "c4", "text": "Who is my manager?", "parent_id": "nope"},
        {"id": "c5", "text": "   ", "parent_id": "p"},
    ]
    folder = _write(tmp_path / "c", {"t.jsonl": "\n".join(json.dumps(r) for r in rows).encode()})
    result = read_corpus(folder, corpus="c")
    docs = result.documents.set_index("doc_id")
    assert list(docs.index) == ["c:t.jsonl:c1", "c:t.jsonl:c3", "c:t.jsonl:c4", "c:t.jsonl:p"]
    assert docs.loc["c:t.jsonl:p", "text"] == "Leaders listen to staff."
    assert docs["parent_id"].fillna("-").tolist() == ["c:t.jsonl:p", "c:t.jsonl:p", "-", "-"]
    assert docs["dup_of"].fillna("-").tolist() == ["-", "c:t.jsonl:p", "-", "-"]
    assert docs.loc["c:t.jsonl:c4", "meta"] == '{"orphan_parent": "nope"}'
    summary = result.summary
    assert summary["duplicates"] == [["c:t.jsonl:c2", "c:t.jsonl:p"]]
    assert (summary["duplicates_collapsed"], summary["near_duplicates_flagged"], summary["orphans"]) == (1, 1, 1)
    assert result.quarantine.to_dict("records") == [
        {"source": "t.jsonl", "record": 6, "reason": "no_text", "detail": "no text after normalisation"}
    ]
    assert _reconciles(summary)


def test_duplicate_keys_in_one_source_are_quarantined(tmp_path: Path) -> None:
    folder = _write(tmp_path / "c", {"k.csv": b"id,text\n1,first text\n1,second text\n"})
    result = read_corpus(folder, corpus="c")
    assert list(result.documents["doc_id"]) == ["c:k.csv:1"]
    assert result.quarantine[["record", "reason"]].values.tolist() == [[2, "duplicate_key"]]


def test_documents_table_contract(tmp_path: Path) -> None:
    folder = _write(
        tmp_path / "c",
        {
            "sub/a.csv": b'title,text,date,author,extra\nT,"One\n\n\n two  ",14 May 2012,,x\nU,Other,someday,,\n',
            "b.jsonl.gz": gzip.compress(b'{"text": "Gz text", "year": 2019, "tags": ["a", "b"]}\n'),
        },
    )
    result = read_corpus(folder, corpus="demo")
    docs = result.documents
    assert tuple(docs.columns) == DOCUMENT_COLUMNS
    assert {c: str(t) for c, t in docs.dtypes.items()} == {
        **dict.fromkeys(DOCUMENT_COLUMNS, "string"),
        "position": "int64", "year": "Int64", "truncated": "bool", "n_chars": "int64",
    }  # fmt: skip
    assert docs.to_dict("records") == [
        {"doc_id": "demo:b.jsonl.gz:000000", "corpus": "demo", "source": "b.jsonl.gz", "position": 0,
         "doc_type": "other", "title": None, "author": None, "author_role": None, "organisation": None,
         "author_bio": None, "venue": None, "date": "2019", "year": 2019, "parent_id": None,
         "truncated": False, "text": "Gz text", "n_chars": 7, "dup_of": None, "meta": '{"tags": ["a", "b"]}'},
        {"doc_id": "demo:sub/a.csv:000000", "corpus": "demo", "source": "sub/a.csv", "position": 0,
         "doc_type": "other", "title": "T", "author": None, "author_role": None, "organisation": None,
         "author_bio": None, "venue": None, "date": "2012-05-14", "year": 2012, "parent_id": None,
         "truncated": False, "text": "One\n\ntwo", "n_chars": 8, "dup_of": None, "meta": '{"extra": "x"}'},
        {"doc_id": "demo:sub/a.csv:000001", "corpus": "demo", "source": "sub/a.csv", "position": 1,
         "doc_type": "other", "title": "U", "author": None, "author_role": None, "organisation": None,
         "author_bio": None, "venue": None, "date": None, "year": None, "parent_id": None,
         "truncated": False, "text": "Other", "n_chars": 5, "dup_of": None, "meta": '{"date_text": "someday"}'},
    ]  # fmt: skip


def test_directory_symlinks_are_not_followed(tmp_path: Path) -> None:
    folder = _write(tmp_path / "c", {"a/t.jsonl": b'{"text": "Leaders listen."}\n'})
    (folder / "a" / "loop").symlink_to(folder, target_is_directory=True)
    result = read_corpus(folder, corpus="c")
    # the link is not followed: it is quarantined as one whole-file record (reliability issue)
    assert result.documents["doc_id"].tolist() == ["c:a/t.jsonl:000000"]
    assert result.quarantine[["source", "reason"]].values.tolist() == [["a/loop", "symlink"]]
    assert result.summary["files_read"] == 2


def test_single_file_and_forced_format(tmp_path: Path) -> None:
    path = _write(tmp_path, {"export.dat": b"text\tauthor\nLeaders listen.\tAnn\n"}) / "export.dat"
    auto = read_corpus(path)
    assert auto.quarantine["reason"].tolist() == ["unsupported_format"]
    forced = read_corpus(path, fmt="tsv")
    assert forced.documents[["doc_id", "author"]].values.tolist() == [["export:export.dat:000000", "Ann"]]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"fmt": "docx"}, "unknown format 'docx'"),
        ({"mapping": {"body": "text"}}, "unknown mapping target"),
    ],
)
def test_bad_arguments(tmp_path: Path, kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        read_corpus(tmp_path, **kwargs)


def test_missing_mapped_column_is_raised_not_quarantined(tmp_path: Path) -> None:
    folder = _write(tmp_path / "c", {"a.csv": b"body\nLeaders listen.\n"})
    with pytest.raises(ValueError, match="column 'message'"):
        read_corpus(folder, mapping={"text": "message"})


def test_missing_path() -> None:
    with pytest.raises(FileNotFoundError):
        read_corpus(Path("/nonexistent/corpus"))
