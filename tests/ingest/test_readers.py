"""Tests for pipeline.ingest.readers: one Reader per format, looked up by read_corpus."""

from __future__ import annotations

import inspect
import io
import typing
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.ingest import read_corpus
from pipeline.ingest.readers import BINARY_FORMATS, EXTENSIONS, FORMATS, READERS, detect_format
from pipeline.ingest.records import NO_OPTIONS, ReadOptions, Record, Rejected
from pipeline.ingest.text import decode_bytes

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _parquet() -> bytes:
    sink = io.BytesIO()
    pq.write_table(pa.table({"id": ["p1"], "text": ["Leaders listen to staff."]}), sink)
    return sink.getvalue()


def _xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["id", "text"])
    sheet.append(["x1", "Managers who listen keep staff."])
    sink = io.BytesIO()
    workbook.save(sink)
    return sink.getvalue()


#: One real file of every registered format: (source name, bytes).
SAMPLES: dict[str, tuple[str, bytes]] = {
    "text": ("news_article.txt", (FIXTURES / "pages" / "news_article.txt").read_bytes()),
    "markdown": ("notes.md", (FIXTURES / "folder" / "notes.md").read_bytes()),
    "html": ("article.html", (FIXTURES / "folder" / "article.html").read_bytes()),
    "csv": ("articles.csv", (FIXTURES / "tabular" / "articles.csv").read_bytes()),
    "tsv": ("posts.tsv", (FIXTURES / "tabular" / "posts.tsv").read_bytes()),
    "json": ("reports.json", (FIXTURES / "tabular" / "reports.json").read_bytes()),
    "jsonl": ("abstracts.jsonl", (FIXTURES / "tabular" / "abstracts.jsonl").read_bytes()),
    "parquet": ("t.parquet", _parquet()),
    "xlsx": ("t.xlsx", _xlsx()),
    "wxr": ("export.xml", (FIXTURES / "formats" / "wordpress-export.xml").read_bytes()),
    "feed": ("feed.xml", (FIXTURES / "formats" / "nhs-leadership-rss.xml").read_bytes()),
    "pubmed": ("efetch.xml", (FIXTURES / "formats" / "pubmed-efetch.xml").read_bytes()),
    "ris": ("refs.ris", (FIXTURES / "formats" / "leadership-refs.ris").read_bytes()),
    "bibtex": ("refs.bib", (FIXTURES / "formats" / "leadership-refs.bib").read_bytes()),
}


def test_every_registered_format_has_a_sample() -> None:
    assert set(SAMPLES) == set(READERS) == FORMATS


@pytest.mark.parametrize("fmt", sorted(READERS))
def test_reader_signature_is_the_protocol(fmt: str) -> None:
    reader = READERS[fmt]
    parameters = list(inspect.signature(reader).parameters.values())
    assert parameters[0].kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    by_name = {parameter.name: parameter for parameter in parameters}
    assert by_name["source"].kind is inspect.Parameter.KEYWORD_ONLY
    assert by_name["options"].kind is inspect.Parameter.KEYWORD_ONLY
    assert by_name["options"].default is NO_OPTIONS
    # Anything else a reader takes has a default: read_corpus passes only the three.
    assert all(p.default is not inspect.Parameter.empty for p in parameters[1:] if p.name != "source")
    hints = typing.get_type_hints(reader)
    assert bytes in typing.get_args(hints[parameters[0].name]) or hints[parameters[0].name] is bytes
    assert hints["options"] is ReadOptions


@pytest.mark.parametrize("fmt", sorted(READERS))
def test_reader_reads_its_sample(fmt: str) -> None:
    source, data = SAMPLES[fmt]
    items = list(READERS[fmt](data, source=source, options=ReadOptions()))
    assert items and all(isinstance(item, Record | Rejected) for item in items)
    records = [item for item in items if isinstance(item, Record)]
    assert records and all(record.source == source for record in records)
    assert [record.position for record in records] == sorted({record.position for record in records})


@pytest.mark.parametrize("fmt", sorted(READERS))
def test_read_corpus_picks_the_registered_reader(fmt: str, tmp_path: Path) -> None:
    source, data = SAMPLES[fmt]
    (tmp_path / source).write_bytes(data)
    direct = [item for item in READERS[fmt](data, source=source) if isinstance(item, Record)]
    result = read_corpus(tmp_path / source, fmt=fmt, corpus="c")
    assert result.summary["by_format"].keys() == {fmt}
    assert result.summary["records_seen"] >= len(direct) > 0


@pytest.mark.parametrize(("suffix", "fmt"), sorted(EXTENSIONS.items()))
def test_every_extension_names_a_reader(suffix: str, fmt: str) -> None:
    assert fmt in READERS or fmt == "xml"
    if fmt != "xml":
        assert detect_format(f"a{suffix}", b"x") == fmt
        assert detect_format(f"a{suffix.upper()}.gz", b"x") == fmt


def test_binary_formats_are_registered() -> None:
    assert set(BINARY_FORMATS) <= set(READERS)


def read_shouting(data: bytes, /, *, source: str, options: ReadOptions = NO_OPTIONS) -> Iterator[Record | Rejected]:
    """A reader for a made-up format: one record per line, shouted."""
    for number, line in enumerate(decode_bytes(data).splitlines(), start=1):
        if line.strip():
            yield Record(source=source, position=number - 1, text=line.upper(), doc_type="shout")
        else:
            yield Rejected(source, number, "no_text", "blank line")


def test_a_registered_reader_is_picked_up_by_read_corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(READERS, "shout", read_shouting)
    monkeypatch.setitem(EXTENSIONS, ".shout", "shout")
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "a.shout").write_bytes(b"leaders listen\n\nmanagers manage\n")
    (tmp_path / "c" / "b.jsonl").write_bytes(b'{"text": "Staff stay."}\n')
    result = read_corpus(tmp_path / "c", corpus="c")
    assert result.documents[["doc_id", "doc_type", "text"]].values.tolist() == [
        ["c:a.shout:000000", "shout", "LEADERS LISTEN"],
        ["c:a.shout:000002", "shout", "MANAGERS MANAGE"],
        ["c:b.jsonl:000000", "other", "Staff stay."],
    ]
    assert result.quarantine[["source", "record", "reason"]].values.tolist() == [["a.shout", 2, "no_text"]]
    assert result.summary["by_format"]["shout"]["records_seen"] == 3
    forced = read_corpus(tmp_path / "c" / "b.jsonl", fmt="shout", corpus="c")
    assert forced.documents["text"].tolist() == ['{"TEXT": "STAFF STAY."}']


def test_an_unregistered_format_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"Leaders listen.")
    with pytest.raises(ValueError, match="unknown format 'shout'"):
        read_corpus(tmp_path, fmt="shout")
