"""The HTML report: sections, escaping of corpus strings, self-containment, reproducibility."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.config import Config, ReportConfig, load_config
from pipeline.report import build_report
from pipeline.report.blocks import Section, Table, format_cell, table_block
from pipeline.report.html import concordance_block, escape_json_for_html, render_html

HOSTILE_TEXT = "<script>alert(1)</script>"  # as planted by conftest.write_sample_run
HOSTILE_ATTR = '" onmouseover="alert(2)'


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        (float("nan"), ""),
        (pd.NA, ""),
        (True, "yes"),
        (12345, "12,345"),
        (12000.0, "12,000"),
        (1234.5678, "1,234.6"),
        (0.123456, "0.1235"),
        (0.00001234, "1.23e-05"),
        (0.0, "0"),
        (float("inf"), "\u221e"),
        ("a  b\nc", "a b c"),
        (["x", "y"], "x, y"),
    ],
)
def test_format_cell(value, expected) -> None:
    assert format_cell(value) == expected


def test_format_cell_cuts_long_text() -> None:
    assert format_cell("abcdef", max_chars=4) == "abc\u2026"


def test_table_block_writes_years_and_ids_without_separators() -> None:
    frame = pd.DataFrame({"year": pd.array([2012, None], dtype="Int64"), "sent_id": [1200, 3], "count": [1200, 3]})
    assert table_block(frame, title="T", source=None, top_n=5).rows == (("2012", "1200", "1,200"), ("", "3", "3"))


def test_table_block_marks_columns_of_long_text_wide() -> None:
    frame = pd.DataFrame({"doc_id": ["d1", "d2", "d3"], "text": ["x" * 60, "y" * 70, "short"]})
    assert table_block(frame, title="T", source=None, top_n=5).wide == (False, True)


def test_table_block_keeps_order_truncates_and_counts() -> None:
    frame = pd.DataFrame({"term": ["c", "a", "b"], "count": [3, 2, 1], "extra": [1, 1, 1]})
    block = table_block(frame, title="T", source="reports/tables/t.csv", top_n=2, columns=["term", "count", "absent"])
    assert block == Table(
        title="T",
        columns=("term", "count"),
        rows=(("c", "3"), ("a", "2")),
        numeric=(False, True),
        wide=(False, False),
        total_rows=3,
        source="reports/tables/t.csv",
    )


@pytest.mark.parametrize(
    "text", ["</script><script>alert(1)</script>", "<!-- x", "a & b", "\u2028", '" onmouseover="x']
)
def test_escape_json_for_html_round_trips_and_hides_markup(text: str) -> None:
    escaped = str(escape_json_for_html({"s": text}))
    assert "<" not in escaped and ">" not in escaped and "&" not in escaped
    assert json.loads(escaped) == {"s": text}


def test_concordance_block_fills_absent_columns_and_caps_lines() -> None:
    frame = pd.DataFrame({"left": ["a", "b", "c"], "node": ["x", "x", "x"], "right": ["1", None, "3"]})
    block = concordance_block(frame, max_lines=2, display_limit=10, source=None)
    payload = json.loads(str(block.json))
    assert payload == {
        "columns": ["query", "doc_id", "doc_type", "left", "node", "right"],
        "limit": 10,
        "rows": [["", "", "", "a", "x", "1"], ["", "", "", "b", "x", ""]],
    }
    assert (block.embedded, block.total_rows) == (2, 3)


def test_render_html_escapes_block_strings() -> None:
    section = Section(
        "s",
        HOSTILE_TEXT,
        [table_block(pd.DataFrame({HOSTILE_ATTR: [HOSTILE_TEXT]}), title=HOSTILE_TEXT, source=None, top_n=5)],
    )
    html = render_html([section], title="T", subtitle="S", footer="F")
    assert HOSTILE_TEXT not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'onmouseover="alert(2)' not in html


def test_report_writes_charts_html_and_database(built_report) -> None:
    reports = built_report["reports_dir"]
    names = [p.relative_to(reports).as_posix() for p in built_report["paths"]]
    assert names == sorted(names)
    assert {
        "report.html",
        "ldp.duckdb",
        "charts/documents_by_type.png",
        "charts/documents_by_type.svg",
        "charts/keyness_blog_post_vs_comment.svg",
        "charts/confusion_logreg.png",
        "charts/framing_by_doc_type.png",
        "charts/coherence_by_k.png",
        "charts/topic_prevalence_lda.png",
        "charts/collocates_1.png",
        "charts/family_rates_by_doc_type.png",
        "charts/document_lengths.png",
    } <= set(names)
    assert sorted(p.relative_to(reports).as_posix() for p in (reports / "charts").iterdir()) == [
        n for n in names if n.startswith("charts/")
    ]


def _html(built_report) -> str:
    return (built_report["reports_dir"] / "report.html").read_text(encoding="utf-8")


class _Elements(HTMLParser):
    """Every start tag with its attributes, and the text of the JSON data block."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.data_block: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data) -> None:
        if self.tags and self.tags[-1] == ("script", {"type": "application/json", "id": "kwic-data"}):
            self.data_block.append(data)


def test_report_escapes_every_corpus_string(built_report, hostile) -> None:
    assert hostile == {"text": HOSTILE_TEXT, "attr": HOSTILE_ATTR}
    html = _html(built_report)
    assert HOSTILE_TEXT not in html
    assert (
        html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 5
    )  # title, quarantine, freq, collocates, topics, appendix
    parser = _Elements()
    parser.feed(html)
    assert [tag for tag, _ in parser.tags].count("script") == 2
    assert not [(tag, name) for tag, attrs in parser.tags for name in attrs if name.startswith("on")]
    lines = json.loads("".join(parser.data_block))["rows"]
    assert lines[0][3:] == [HOSTILE_TEXT, "leadership", "matters " + HOSTILE_ATTR]


def test_report_is_self_contained(built_report) -> None:
    html = _html(built_report)
    assert not re.search(r"(?i)(src|href)\s*=\s*[\"']?\s*(https?:|//)", html)
    assert not re.search(r"(?i)@import|url\(|<link\b|<iframe|<object|<embed", html)
    assert re.findall(r'<img src="([a-z]+:)', html) == ["data:"] * html.count("<img ")
    assert "default-src 'none'" in html


def test_report_sections_and_missing_tables(built_report) -> None:
    html = _html(built_report)
    for title in (
        "Corpus overview",
        "Frequencies",
        "Keyness",
        "Collocations",
        "Leadership versus management",
        "Topics",
        "Classification of framing",
        "Concordance browser",
        "Methods and parameters",
        "How to reproduce",
        "Other tables",
    ):
        assert f'">{title}</a></li>' in html
    assert "Most frequent phrases (table freq_phrase): not computed in this run." in html
    assert "Rayson &amp; Garside" in html and "Bonferroni" in html and "Log Ratio" in html and "%DIFF" in html
    # the codebook travels with the report: a copy beside it, linked relatively
    assert '<a href="codebook.md">codebook</a>' in html
    reports = built_report["reports_dir"]
    assert (reports / "codebook.md").read_bytes() == built_report["codebook_path"].read_bytes()
    assert "<caption>unexpected_extra</caption>" in html


def test_report_truncates_tables_and_names_the_full_file(tmp_path: Path) -> None:
    tables = tmp_path / "reports" / "tables"
    tables.mkdir(parents=True)
    frame = pd.DataFrame({"term": [f"t{i:02d}" for i in range(30)], "count": list(range(30, 0, -1))})
    frame.to_parquet(tables / "freq_phrase.parquet")
    build_report(
        processed_dir=tmp_path / "none",
        tables_dir=tables,
        reports_dir=tmp_path / "reports",
        config=Config(report=ReportConfig(top_n=7)),
        codebook_path=None,
    )
    html = (tmp_path / "reports" / "report.html").read_text(encoding="utf-8")
    assert "First 7 of 30 rows; full table: <code>reports/tables/freq_phrase.parquet</code>" in html
    assert ">t06<" in html and ">t07<" not in html


def test_report_without_any_tables_still_renders(tmp_path: Path) -> None:
    paths = build_report(
        processed_dir=tmp_path / "none",
        tables_dir=tmp_path / "none",
        reports_dir=tmp_path / "reports",
        config=Config(),
        codebook_path=None,
    )
    assert [p.name for p in paths] == ["ldp.duckdb", "report.html"]
    html = (tmp_path / "reports" / "report.html").read_text(encoding="utf-8")
    assert html.count("not computed in this run") >= 10


def test_report_is_byte_identical_across_runs_and_folders(
    built_report, tmp_path: Path, report_config, make_sample_run
) -> None:
    first = built_report["reports_dir"]
    again = make_sample_run(tmp_path / "elsewhere")
    paths = build_report(config=report_config, **again)
    second = again["reports_dir"]
    assert [p.relative_to(second) for p in paths] == [p.relative_to(first) for p in built_report["paths"]]
    for path in paths:
        if path.suffix != ".duckdb":
            assert path.read_bytes() == (first / path.relative_to(second)).read_bytes(), path.name


@given(st.text())
def test_escaped_json_never_holds_markup_characters(text: str) -> None:
    escaped = str(escape_json_for_html([text]))
    assert not set(escaped) & {"<", ">", "&", "\u2028", "\u2029"}
    assert json.loads(escaped) == [text]


def test_report_section_of_a_toml_file_reaches_the_report(tmp_path: Path) -> None:
    """[report] in a config file sets the report's options (Config used to refuse the section)."""
    config_file = tmp_path / "run.toml"
    config_file.write_text("[report]\ntop_n = 3\n", encoding="utf-8")
    tables = tmp_path / "reports" / "tables"
    tables.mkdir(parents=True)
    frame = pd.DataFrame({"term": [f"t{i:02d}" for i in range(9)], "count": list(range(9, 0, -1))})
    frame.to_parquet(tables / "freq_phrase.parquet")
    build_report(
        processed_dir=tmp_path / "none",
        tables_dir=tables,
        reports_dir=tmp_path / "reports",
        config=load_config(config_file),
        codebook_path=None,
    )
    html = (tmp_path / "reports" / "report.html").read_text(encoding="utf-8")
    assert "First 3 of 9 rows" in html
