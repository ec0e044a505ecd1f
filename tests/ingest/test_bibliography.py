"""Tests for pipeline.ingest.bibliography: RIS and BibTeX abstracts."""

from __future__ import annotations

import gzip
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.ingest.bibliography import read_bibtex, read_ris, strip_database_furniture
from pipeline.ingest.records import Record, Rejected

FIXTURES = Path(__file__).parents[1] / "fixtures" / "formats"
# tmp_path is reused across examples: each example overwrites the one file it writes.
FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
RIS = FIXTURES / "leadership-refs.ris"
BIB = FIXTURES / "leadership-refs.bib"
# shared/ sits beside the repository (as in CI); LDP_BENCH_DATA points elsewhere.
BENCH_DATA = Path(os.environ.get("LDP_BENCH_DATA", Path(__file__).resolve().parents[3] / "shared" / "bench-data"))
BENCH_RIS = BENCH_DATA / "health_management_abstracts.ris.gz"

RIS_EXPECTED = [
    Record(
        source="leadership-refs.ris",
        position=0,
        text=(
            "Community nursing teams face rising caseloads. This study examines how team leaders' "
            "compassionate leadership relates to staff wellbeing. Leaders who listened and acted "
            "on concerns had teams reporting lower emotional exhaustion."
        ),
        key="ref-001",
        doc_type="abstract",
        title="Compassionate leadership and staff wellbeing in community nursing teams",
        author="Harrington, Clare; Osei, Kwame",
        venue="Journal of Nursing Management",
        date="2022-05-17",
        year=2022,
        meta={
            "abstract_marker": "ABSTRACT FROM AUTHOR",
            "type": "JOUR",
            "doi": "10.1111/jonm.90001",
            "authors": ["Harrington, Clare", "Osei, Kwame"],
            "keywords": ["compassionate leadership", "community nursing", "wellbeing"],
            "language": "English",
        },
    ),
    Rejected("leadership-refs.ris", 2, "no_text", "10.1177/0951484819000002: no AB abstract"),
    Record(
        source="leadership-refs.ris",
        position=2,
        text=(
            "Integrated care systems require leaders to work across organisational boundaries, "
            "where formal authority is weak and influence depends on relationships."
        ),
        key=None,
        doc_type="abstract",
        title="Leading change in integrated care systems",
        author="Bhatt, Meera",
        venue="Handbook of Health Care Management",
        date="2021-11",
        year=2021,
        meta={"type": "CHAP", "authors": ["Bhatt, Meera"]},
    ),
]

BIB_EXPECTED = [
    Record(
        source="leadership-refs.bib",
        position=0,
        text=(
            "Hospital managers in both countries described leadership as setting direction and "
            "management as control \u2013 a distinction that na\u00efve surveys miss."
        ),
        key="Schroder2020",
        doc_type="abstract",
        title="Transformational leadership in German and Spanish hospitals: a comparative study",
        author=("Schr\u00f6der, J\u00fcrgen; Garc\u00eda-L\u00f3pez, Ana; NHS Leadership and Management Team"),
        venue="Health Services Management Research",
        date="2020-03",
        year=2020,
        meta={
            "type": "article",
            "doi": "10.1177/0951484820000003",
            "authors": [
                "Schr\u00f6der, J\u00fcrgen",
                "Garc\u00eda-L\u00f3pez, Ana",
                "NHS Leadership and Management Team",
            ],
            "keywords": ["transformational leadership", "hospital management"],
        },
    ),
    Rejected("leadership-refs.bib", 2, "no_text", "Whitfield2018: no abstract"),
    Rejected(
        "leadership-refs.bib",
        3,
        "malformed_entry",
        "bibtexparser could not read the entry "
        "'@article{Kaur2021, author = {Kaur, Simran}, title = {Clinical leadership in prim'",
    ),
]


@pytest.mark.parametrize(
    ("reader", "path", "expected"),
    [(read_ris, RIS, RIS_EXPECTED), (read_bibtex, BIB, BIB_EXPECTED)],
    ids=["ris", "bibtex"],
)
def test_fixture_exactly(reader, path: Path, expected: list) -> None:
    assert list(reader(path, source=path.name)) == expected


@pytest.mark.parametrize(
    ("path", "pattern", "entries"),
    [
        (RIS, r"(?m)^TY  -", 3),
        (BIB, r"(?m)^@(?!string)\w+\{", 3),
    ],
)
def test_records_plus_rejected_equal_entries(path: Path, pattern: str, entries: int) -> None:
    reader = read_ris if path.suffix == ".ris" else read_bibtex
    assert len(re.findall(pattern, path.read_text(encoding="utf-8"))) == entries
    assert len(list(reader(path, source=path.name))) == entries


def test_read_ris_bench_file(tmp_path: Path) -> None:
    if not BENCH_RIS.exists():
        pytest.skip("shared bench data not available")
    path = tmp_path / "health_management_abstracts.ris"
    path.write_bytes(gzip.decompress(BENCH_RIS.read_bytes()))
    items = list(read_ris(path, source=path.name))
    records = [item for item in items if isinstance(item, Record)]
    assert len(items) == 320
    assert len(records) == 320
    assert sum(r.meta.get("abstract_marker") == "ABSTRACT FROM AUTHOR" for r in records) == 53
    assert sum(r.meta.get("copyright_notice") is True for r in records) == 27
    assert not any("[ABSTRACT FROM" in r.text or "Copyright of" in r.text for r in records)
    assert all(r.doc_type == "abstract" and r.year and r.title and r.author for r in records)


PUBLISHER = "ABSTRACT FROM PUBLISHER"
MID_TEXT = "An [ABSTRACT FROM AUTHOR] marker mid-text stays."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Plain. [ABSTRACT FROM AUTHOR]", ("Plain.", {"abstract_marker": "ABSTRACT FROM AUTHOR"})),
        ("Plain. [Abstract from publisher] ", ("Plain.", {"abstract_marker": PUBLISHER})),
        (
            "Plain. [ABSTRACT FROM AUTHOR] Copyright of MIS Quarterly is the property of MIS "
            "Quarterly and its content may not be copied. (Copyright applies to all Abstracts.)",
            ("Plain.", {"abstract_marker": "ABSTRACT FROM AUTHOR", "copyright_notice": True}),
        ),
        (MID_TEXT, (MID_TEXT, {})),
    ],
)
def test_strip_database_furniture(text: str, expected: tuple) -> None:
    assert strip_database_furniture(text) == expected


def test_read_ris_quarantines_one_bad_record_and_reads_the_others(tmp_path: Path) -> None:
    path = tmp_path / "mixed.ris"
    path.write_text(
        "TY  - JOUR\nTI  - One\nAB  - First abstract.\nER  - \n\n"
        "XX  - JOUR\nTI  - Lost its TY line\nAB  - Orphan.\nER  - \n"
        "TY  - JOUR\nTI  - Two\nAB  - Second abstract.\n"  # no ER: the next TY ends it
        "TY  - JOUR\nTI  - Three\nAB  - Third abstract.\nER  - \n",
        encoding="utf-8",
    )
    got = [
        (r.title, r.text) if isinstance(r, Record) else (r.reason, r.record) for r in read_ris(path, source="mixed.ris")
    ]
    assert got == [
        ("One", "First abstract."),
        ("malformed_entry", 2),
        ("Two", "Second abstract."),
        ("Three", "Third abstract."),
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", [("no_entries", None)]),
        (b"\n\n  \n", [("no_entries", None)]),
        ("TY  - JOUR\nAB  - Caf\u00e9 managers.\nER  -".encode("cp1252"), [("record", 1)]),
        (b"\xff\xfeT", [("undecodable", None)]),  # UTF-16 BOM, odd length
    ],
)
def test_read_ris_whole_file_cases(tmp_path: Path, data: bytes, expected: list) -> None:
    path = tmp_path / "f.ris"
    path.write_bytes(data)
    got = [
        ("record", r.position + 1) if isinstance(r, Record) else (r.reason, r.record)
        for r in read_ris(path, source="f.ris")
    ]
    assert got == expected


def test_read_bibtex_string_macros_survive_the_per_entry_fallback(tmp_path: Path) -> None:
    path = tmp_path / "f.bib"
    path.write_text(
        '@string{jnm = "Journal of Nursing Management"}\n'
        "@article{broken, title = {Unclosed\n"
        "@article{ok, journal = jnm, abstract = {Leaders {\\&} managers.},\n"
        "  year = {2019}, month = {7}}\n",
        encoding="utf-8",
    )
    got = list(read_bibtex(path, source="f.bib"))
    assert [type(g).__name__ for g in got] == ["Rejected", "Record"]
    assert got[0].record == 1
    assert (got[1].key, got[1].venue, got[1].text, got[1].date, got[1].position) == (
        "ok",
        "Journal of Nursing Management",
        "Leaders & managers.",
        "2019-07",
        1,
    )


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        (r"{\"o}", "\u00f6"),
        (r"\'{e}", "\u00e9"),
        (r"{\'\i}", "\u00ed"),
        (r"\c{c}", "\u00e7"),
        (r"\textbf{\textit{Leading}} teams", "Leading teams"),
        (r"{\em Managing} care", "Managing care"),
        (r"pages 1--2 --- done", "pages 1\u20132 \u2014 done"),
    ],
)
def test_bibtex_latex_decoding(tmp_path: Path, field: str, expected: str) -> None:
    path = tmp_path / "f.bib"
    path.write_text(f"@article{{k, abstract = {{{field}}}}}\n", encoding="utf-8")
    (record,) = read_bibtex(path, source="f.bib")
    assert record.text == expected


@pytest.mark.parametrize("reader", [read_ris, read_bibtex])
@settings(FUZZ, max_examples=150)
@given(data=st.binary(max_size=600))
def test_never_raises_on_bytes(tmp_path: Path, reader, data: bytes) -> None:
    path = tmp_path / "random.txt"
    path.write_bytes(data)
    assert all(isinstance(item, Record | Rejected) for item in reader(path, source="r"))


_RIS_LINE = st.sampled_from(
    [
        "TY  - JOUR", "ER  - ", "AB  - An abstract.", "AU  - Doe, J", "KW  - k", "PY  - 20x",
        "DA  - 2019/13/40/", "TI  - T", "  continuation", "", "ZZ  - unknown", "TY  - ",
        "ID  - 1", "AB  - [ABSTRACT FROM AUTHOR]",
    ]
)  # fmt: skip


@settings(FUZZ, max_examples=200)
@given(st.lists(_RIS_LINE, max_size=25))
def test_read_ris_counts_every_ty_record(tmp_path: Path, lines: list[str]) -> None:
    path = tmp_path / "f.ris"
    path.write_text("\n".join(lines), encoding="utf-8")
    got = list(read_ris(path, source="f.ris"))
    assert all(isinstance(item, Record | Rejected) for item in got)
    numbers = [g.position + 1 if isinstance(g, Record) else g.record for g in got]
    if any(line.startswith("TY  -") for line in lines):
        assert sum(isinstance(g, Record) or g.reason != "malformed_entry" for g in got) == sum(
            line.startswith("TY  -") for line in lines
        )
        assert numbers == list(range(1, len(got) + 1))


_BIB_PART = st.sampled_from(
    [
        "@article{a, abstract = {x}}\n", "@book{b, title = {t}}\n", "@article{c, title = {\n",
        "@string{s = \"S\"}\n", "@comment{c}\n", "@misc(d, abstract = \"q\", journal = s)\n",
        "junk } {\n", "@article{e, author = {A and B}, abstract = {{\\\"u}}, year = {20}}\n",
    ]
)  # fmt: skip


@settings(FUZZ, max_examples=60)
@given(st.lists(_BIB_PART, max_size=6))
def test_read_bibtex_counts_every_entry(tmp_path: Path, parts: list[str]) -> None:
    path = tmp_path / "f.bib"
    path.write_text("".join(parts), encoding="utf-8")
    got = list(read_bibtex(path, source="f.bib"))
    entries = sum(not p.startswith(("@string", "@comment", "junk")) for p in parts)
    if entries:
        assert len(got) == entries
        numbers = [g.position + 1 if isinstance(g, Record) else g.record for g in got]
        assert numbers == list(range(1, entries + 1))
    else:
        assert [(g.reason, g.record) for g in got] == [("no_entries", None)]
