"""Tests for pipeline.ingest.dates: one month table and the date readers of every reader."""

from __future__ import annotations

import re
import time
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.ingest.dates import (
    MONTH_ABBREVIATIONS,
    MONTHS,
    date_from_fields,
    field_month,
    iso_date,
    month_number,
    most_precise_date,
    normalise_date,
    parse_date_line,
    rfc822_date,
    struct_time_date,
    wordpress_date,
    year_of,
)

ISO = re.compile(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?")
AS_WRITTEN = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
DATEISH = st.from_regex(r"[0-9]{1,4}[/ .-][0-9]{1,2}[/ .-][0-9]{1,4}", fullmatch=True)
WORDS = st.sampled_from(
    ["14", "May", "sept", "2012", "Mon,", "at", "10:15", "pm", "+0000", "GMT", "Posted", "on", "-", "/", "ſept",
     "\u0663", "\u00b2", "99999999999999999999", "2012-05-14", "T", "00", "0000"]
)  # fmt: skip
TEXTS = st.text(max_size=40) | DATEISH | st.lists(WORDS, max_size=8).map(" ".join)
PROPERTY = settings(max_examples=300, deadline=None)


def test_one_month_table() -> None:
    assert len(set(MONTHS.values())) == 12
    assert [MONTHS[name] for name in MONTH_ABBREVIATIONS] == list(range(1, 13))
    assert (MONTHS["september"], MONTHS["sept"], MONTHS["may"]) == (9, 9, 5)
    assert all(name == name.lower() for name in MONTHS)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("May", 5), ("sept", 9), ("SEPTEMBER", 9), ("Dec", 12), ("ſept", 9), ("Smarch", None), ("", None)],
)
def test_month_number(name: str, expected: int | None) -> None:
    assert month_number(name) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("6", 6),
        ("06", 6),
        (" 12 ", 12),
        ("13", None),
        ("0", None),
        ("Jun", 6),
        ("June", 6),
        ("Sept", 9),
        ("dec.", 12),
        ("Ju", None),
        ("\u00b2", None),  # a superscript two is a digit but no number
        ("", None),
        (None, None),
    ],
)
def test_field_month(value: str | None, expected: int | None) -> None:
    assert field_month(value) == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((2012,), "2012"),
        ((2012, 5), "2012-05"),
        ((2012, 5, 14), "2012-05-14"),
        ((2012, 2, 30), None),
        ((2012, 13), None),
        ((999,), None),
        ((3000, 1, 1), None),
    ],
)
def test_iso_date(args: tuple[int, ...], expected: str | None) -> None:
    assert iso_date(*args) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Mon, 14 May 2012 23:30:00 +0000", "2012-05-14"),
        ("3 ſept 2019", "2019-09-03"),
        ("Mon, 14 May 99999999999999999999 10:00:00 +0000", None),  # raised OverflowError before
        (date(2012, 5, 14), "2012-05-14"),
        (2012.5, None),
    ],
)
def test_normalise_date_edges(value: object, expected: str | None) -> None:
    assert normalise_date(value) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Published: 3 May 2019", "2019-05-03"),
        ("6 min read · Apr 2, 2021", "2021-04-02"),
        ("Tue Mar 05, 2019 9:14 pm", "2019-03-05"),
        ("2012-5-4", "2012-05-04"),
        ("Sept 2019", "2019-09"),
        ("0000-01-01", None),
        ("2012", None),
        ("14/05/2012", None),
    ],
)
def test_parse_date_line(line: str, expected: str | None) -> None:
    assert parse_date_line(line) == expected


@pytest.mark.parametrize(
    ("year", "month", "day", "expected"),
    [
        ("2019", None, None, "2019"),
        ("2019", "Nov", None, "2019-11"),
        ("2019", "11", "5", "2019-11-05"),
        ("2019", "11", "32", "2019-11"),
        ("2019", "Spring", "5", "2019"),
        ("2019", "2", "31", "2019-02-31"),  # the calendar is normalise_date's to check
        ("2019", "2", "\u00b2", "2019-02"),
    ],
)
def test_date_from_fields(year: str, month: str | None, day: str | None, expected: str) -> None:
    assert date_from_fields(year, month, day) == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["2011/06/05/May", "2011"], ("2011-06-05", 2011)),
        ([None, "2012///", "2012/07//"], ("2012-07", 2012)),
        (["2013/13/01"], ("2013", 2013)),
        (["Spring 2014", None], (None, None)),
        ([], (None, None)),
    ],
)
def test_most_precise_date(values: list[str | None], expected: tuple[str | None, int | None]) -> None:
    assert most_precise_date(values) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-05 09:12:00", ("2024-03-05", 2024)),
        ("2024-03-00 00:00:00", ("2024-03", 2024)),
        ("2024-00-00 00:00:00", ("2024", 2024)),
        ("0000-00-00 00:00:00", (None, None)),
        ("yesterday", (None, None)),
        (None, (None, None)),
    ],
)
def test_wordpress_date(value: str | None, expected: tuple[str | None, int | None]) -> None:
    assert wordpress_date(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Tue, 05 Mar 2024 09:12:00 +0000", ("2024-03-05", 2024)),
        ("Tue, 05 Mar 2024 23:59:00 -0800", ("2024-03-05", 2024)),  # as written, no shift to UTC
        ("Tue, 05 Mar 0999 09:12:00 +0000", (None, None)),
        ("Mon, 14 May 2012 99999999999:00:00", (None, None)),
        ("", (None, None)),
    ],
)
def test_rfc822_date(value: str, expected: tuple[str | None, int | None]) -> None:
    assert rfc822_date(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (time.struct_time((2019, 3, 5, 9, 14, 0, 1, 64, 0)), ("2019-03-05", 2019)),
        (time.struct_time((999, 3, 5, 9, 14, 0, 1, 64, 0)), None),
        ("2019-03-05", None),
        (None, None),
    ],
)
def test_struct_time_date(value: object, expected: tuple[str, int] | None) -> None:
    assert struct_time_date(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (2019, 2019),
        ("2019", 2019),
        ("2019-05-14", 2019),
        (" 2019 ", 2019),
        (2019.0, 2019),
        ("20190", None),
        ("999", None),
        (999, None),
        (True, None),
        ("\u00b2\u2070\u00b9\u2079", None),  # superscript digits: raised ValueError before
        (None, None),
    ],
)
def test_year_of(value: object, expected: int | None) -> None:
    assert year_of(value) == expected


@PROPERTY
@given(TEXTS)
def test_text_readers_never_raise_and_give_iso(text: str) -> None:
    for result in (normalise_date(text), parse_date_line(text), rfc822_date(text)[0]):
        assert result is None or ISO.fullmatch(result)
    # These keep the year as written, in whatever decimal digits the source used.
    for date_text, year in (most_precise_date([text]), wordpress_date(text)):
        assert (date_text, year) == (None, None) or (
            AS_WRITTEN.fullmatch(date_text or "") and year == int(date_text[:4])
        )
    assert field_month(text) in {None, *range(1, 13)}
    found = year_of(text)
    assert found is None or 1000 <= found <= 2999


@PROPERTY
@given(st.from_regex(r"[0-9]{4}", fullmatch=True), st.none() | TEXTS, st.none() | TEXTS)
def test_date_from_fields_gives_iso_for_a_year(year: str, month: str | None, day: str | None) -> None:
    result = date_from_fields(year, month, day)
    assert ISO.fullmatch(result) and result.startswith(year)
