"""Property tests for the parsers that tests/ingest/ does not already fuzz.

tests/ingest/ covers ``segment_page`` (never raises, every line lands somewhere), the CSV and
JSON Lines readers, WXR, feeds, PubMed, RIS and BibTeX on random bytes and random entries.
Here: ``read_page`` and ``read_html`` on any bytes, ``read_json`` and the TSV reader on
random structures, and ``read_corpus`` over a folder of generated files in every format,
where each record must end up in exactly one place (a document, a collapsed duplicate or the
quarantine) and the summary must reconcile, file by file.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.ingest import read_corpus
from pipeline.ingest.folder import read_html, read_page
from pipeline.ingest.records import Record, Rejected
from pipeline.ingest.tabular import read_delimited, read_json
from pipeline.ingest.text import UndecodableError

FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

_WORDS = st.sampled_from(
    ["leadership", "management", "NHS", "Leaders", "listen.", "ward", "—", "“quoted”", "é", "&amp;",
     "2012", "14 May 2012", "Reply", "Comments", "...", "\n", "\n\n", "  ", "\t", "<p>", "</p>", "#"]
)  # fmt: skip
_TEXTISH = st.lists(_WORDS, max_size=40).map(" ".join)


@settings(FUZZ, max_examples=150)
@given(st.binary(max_size=400) | _TEXTISH.map(str.encode))
def test_read_page_never_raises_and_numbers_records(data: bytes) -> None:
    try:
        page = read_page(data, source="p.txt")
    except UndecodableError:
        return
    assert all(isinstance(item, Record) for item in page.items)
    assert [item.position for item in page.items] == list(range(len(page.items)))
    assert page.boilerplate_lines >= 0 and page.duplicate_paragraphs >= 0
    for item in page.items:
        parent = item.parent_key
        assert parent is None or 0 <= int(parent) < item.position


@settings(FUZZ, max_examples=40)
@given(st.binary(max_size=300) | _TEXTISH.map(lambda t: f"<html><body><p>{t}</p></body></html>".encode()))
def test_read_html_never_raises_and_gives_one_record(data: bytes) -> None:
    try:
        items = list(read_html(data, source="p.html"))
    except UndecodableError:
        return
    assert len(items) == 1
    assert isinstance(items[0], Record) and items[0].position == 0


_JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
_JSON_VALUES = st.recursive(
    _JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
_OBJECTS = st.dictionaries(st.sampled_from(["text", "id", "title", "date", "author", "x"]), _JSON_VALUES, max_size=5)


@settings(FUZZ, max_examples=200)
@given(st.lists(_OBJECTS | _JSON_VALUES, max_size=8))
def test_read_json_array_gives_one_item_per_element(elements: list) -> None:
    data = json.dumps(elements).encode("utf-8")
    items = list(read_json(data, source="a.json"))
    assert all(isinstance(i, Record) != isinstance(i, Rejected) for i in items)
    if elements:
        assert len(items) == len(elements)
        numbers = [i.record if isinstance(i, Rejected) else i.position + 1 for i in items]
        assert numbers == list(range(1, len(elements) + 1))
    else:
        assert items == []


@settings(FUZZ, max_examples=200)
@given(st.binary(max_size=300))
def test_read_json_never_raises_on_bytes(data: bytes) -> None:
    assert all(isinstance(i, Record) != isinstance(i, Rejected) for i in read_json(data, source="b.json"))


@settings(FUZZ, max_examples=200)
@given(st.lists(st.lists(st.text(alphabet='ab \t"\n,é', max_size=8), min_size=1, max_size=4), min_size=1, max_size=8))
def test_tsv_every_row_is_a_record_or_a_rejected(rows: list[list[str]]) -> None:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter="\t").writerows(rows)
    text = buffer.getvalue()
    items = list(read_delimited(text.encode("utf-8"), source="t.tsv", delimiter="\t"))
    assert all(isinstance(i, Record) != isinstance(i, Rejected) for i in items)
    parsed = [r for r in csv.reader(io.StringIO(text, newline=""), delimiter="\t", strict=False)
              if any(c.strip() for c in r)]  # fmt: skip
    if any(c.strip() for c in rows[0]):
        assert len(items) == max(0, len(parsed) - 1)


# --- read_corpus over a folder of generated files ----------------------------------------------

_SENTENCE = st.lists(st.sampled_from(["Leaders", "listen", "to", "nurses", "managers", "plan", "rotas", "é", "!"]),
                     min_size=1, max_size=8).map(" ".join)  # fmt: skip
_FIELD_TEXT = _SENTENCE | st.just("") | st.text(max_size=6)


def _jsonl(rows: list[tuple[str, str]], broken: list[bool]) -> bytes:
    lines = []
    for (key, text), bad in zip(rows, broken, strict=True):
        line = json.dumps({"id": key, "text": text})
        lines.append(line[: len(line) // 2] if bad else line)
    return ("\n".join(lines) + "\n").encode("utf-8")


def _csv(rows: list[tuple[str, str]], delimiter: str) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(["id", "text"])
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _rss(texts: list[str]) -> bytes:
    items = "".join(f"<item><guid>{i}</guid><title>t{i}</title><description>{t}</description></item>"
                    for i, t in enumerate(texts))  # fmt: skip
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>f</title>{items}</channel></rss>'.encode()


def _ris(texts: list[str]) -> bytes:
    return "".join(f"TY  - JOUR\nTI  - t{i}\nAB  - {t}\nER  - \n\n" for i, t in enumerate(texts)).encode()


def _bib(texts: list[str]) -> bytes:
    return "".join(f"@article{{k{i},\n  title = {{t{i}}},\n  abstract = {{{t}}}\n}}\n\n"
                   for i, t in enumerate(texts)).encode()  # fmt: skip


_ROWS = st.lists(st.tuples(st.sampled_from(["a", "b", "c", "d", ""]), _FIELD_TEXT), min_size=0, max_size=5)
_FILES = st.one_of(
    st.tuples(st.just(".txt"), st.lists(_SENTENCE, max_size=6).map(lambda s: "\n\n".join(s).encode())),
    st.tuples(st.just(".md"), st.lists(_SENTENCE, max_size=4).map(lambda s: ("# T\n\n" + "\n\n".join(s)).encode())),
    st.tuples(st.just(".jsonl"), _ROWS.flatmap(
        lambda rows: st.lists(st.booleans(), min_size=len(rows), max_size=len(rows)).map(lambda b: _jsonl(rows, b)))),
    st.tuples(st.just(".csv"), _ROWS.map(lambda rows: _csv(rows, ","))),
    st.tuples(st.just(".tsv"), _ROWS.map(lambda rows: _csv(rows, "\t"))),
    st.tuples(st.just(".json"), _ROWS.map(lambda rows: json.dumps([{"id": k, "text": t} for k, t in rows]).encode())),
    st.tuples(st.just(".xml"), st.lists(_FIELD_TEXT, max_size=4).map(_rss)),
    st.tuples(st.just(".ris"), st.lists(_FIELD_TEXT, max_size=4).map(_ris)),
    st.tuples(st.just(".bib"), st.lists(_FIELD_TEXT, max_size=4).map(_bib)),
    st.tuples(st.sampled_from([".txt", ".csv", ".jsonl", ".xml", ".ris", ".json", ".xyz"]), st.binary(max_size=80)),
)  # fmt: skip
_NAMES = st.text(alphabet="abcé ü_-", min_size=1, max_size=6).filter(lambda n: n.strip(" .") == n)


@settings(FUZZ, max_examples=40)
@given(st.dictionaries(_NAMES, _FILES, min_size=1, max_size=6))
def test_read_corpus_puts_every_record_in_exactly_one_place(files: dict[str, tuple[str, bytes]]) -> None:
    with tempfile.TemporaryDirectory(prefix="ldp-prop-") as tmp:
        root = Path(tmp) / "corpus"
        for index, (name, (ext, data)) in enumerate(sorted(files.items())):
            path = root / f"d{index % 2}" / f"{name}{ext}"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        result = read_corpus(root, corpus="prop")
    docs, quarantine, summary = result.documents, result.quarantine, result.summary

    assert summary["files_read"] == len(files) == len(summary["by_source"])
    assert summary["records_seen"] == (
        summary["documents_written"] + summary["duplicates_collapsed"] + summary["quarantined"]
    )
    assert len(docs) == summary["documents_written"] and len(quarantine) == summary["quarantined"]
    assert docs["doc_id"].is_unique

    dropped = pd.Series([pair[0] for pair in summary["duplicates"]], dtype="string")
    assert not dropped.isin(docs["doc_id"]).any()
    kept = {pair[1] for pair in summary["duplicates"]}
    assert kept <= set(docs["doc_id"])
    for source, counts in summary["by_source"].items():
        in_docs = int((docs["source"] == source).sum())
        in_quarantine = int((quarantine["source"] == source).sum())
        in_dups = int(dropped.str.startswith(f"prop:{source}:").sum())
        assert (counts["documents"], counts["quarantined"], counts["duplicates"]) == (in_docs, in_quarantine, in_dups)
        assert counts["records_seen"] == in_docs + in_quarantine + in_dups

    # never both: a record number is either a document's (position + 1) or a quarantine row's
    doc_records = set(zip(docs["source"], docs["position"] + 1, strict=True))
    rejected = quarantine.dropna(subset=["record"])
    assert not doc_records & set(zip(rejected["source"], rejected["record"].astype(int), strict=True))
    whole_file = set(quarantine.loc[quarantine["record"].isna(), "source"])
    assert not whole_file & set(docs["source"])
    for source in whole_file:
        assert summary["by_source"][source]["records_seen"] == 1
