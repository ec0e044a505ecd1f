"""Dates as sources write them, read as ISO 8601: ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``.

One month table (``MONTHS``) and the date readers of every ingest reader:

- ``normalise_date``: any date a record carries; the ingest core applies it to every record.
- ``parse_date_line``: a whole line of a scraped page that states a date (the page segmenter).
- ``date_from_fields``, ``field_month``: the year, month and day fields of a bibliographic
  record (PubMed ``PubDate``, BibTeX ``year``/``month``); ``most_precise_date``: RIS dates.
- ``wordpress_date``, ``rfc822_date``: the two date fields of a WordPress export;
  ``struct_time_date``: the dates feedparser parses out of a feed.
- ``year_of``: a year cell of a table.

A date is taken as written, in the time zone of its source (no conversion to UTC, so a day never
shifts). Every function returns None, never raises, for a value that is no date.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import math
import re
import time
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Final

__all__ = [
    "MONTHS",
    "MONTH_ABBREVIATIONS",
    "date_from_fields",
    "field_month",
    "iso_date",
    "month_number",
    "most_precise_date",
    "normalise_date",
    "parse_date_line",
    "rfc822_date",
    "struct_time_date",
    "wordpress_date",
    "year_of",
]

_MONTH_NAMES = (
    ("january", "jan"),
    ("february", "feb"),
    ("march", "mar"),
    ("april", "apr"),
    ("may",),
    ("june", "jun"),
    ("july", "jul"),
    ("august", "aug"),
    ("september", "sep", "sept"),
    ("october", "oct"),
    ("november", "nov"),
    ("december", "dec"),
)
#: Lower-case English month names and abbreviations -> month number (1-12).
MONTHS: Final[Mapping[str, int]] = MappingProxyType(
    {name: number for number, names in enumerate(_MONTH_NAMES, start=1) for name in names}
)
#: The three-letter abbreviations, January first.
MONTH_ABBREVIATIONS: Final[tuple[str, ...]] = tuple(names[0][:3] for names in _MONTH_NAMES)
MIN_YEAR, MAX_YEAR = 1000, 2999


def month_number(name: str) -> int | None:
    """The number of a month written as its English name or abbreviation ("May", "Sept"), or None."""
    # Case-insensitive regexes admit letters such as "ſ" whose lower case differs from their case fold.
    return MONTHS.get(name.lower()) or MONTHS.get(name.casefold())


def _decimal(text: str) -> int | None:
    """A small whole number written in decimal digits ("07"), or None."""
    if not text.isdecimal() or len(text.lstrip("0")) > 4:
        return None
    return int(text)


def field_month(value: str | None) -> int | None:
    """The month of a record's month field: a number 1-12, or a name by its first three letters.

    "6", "06", "Jun", "June", "Sept" and "December" are read; anything else gives None.
    """
    if not value:
        return None
    value = value.strip()
    number = _decimal(value)
    if number is not None:
        return number if 1 <= number <= 12 else None
    return MONTHS.get(value[:3].lower())


def iso_date(year: int, month: int | None = None, day: int | None = None) -> str | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; None outside years 1000-2999 or the calendar."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    if month is None:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


# ---------------------------------------------------------------------------------------------
# Any date a record carries

_ISO = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
                  r"\s*(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT)?")  # fmt: skip
_YMD_SLASH = re.compile(
    r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})(?:,?\s+\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?)?", flags=re.IGNORECASE
)
_DMY_SLASH = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?:,?\s+\d{1,2}:\d{2}(?::\d{2})?)?")
_WEEKDAY = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*,?\s+)?"
_TIME_TAIL = r"(?:,?\s+(?:at\s+)?\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?(?:\s*[A-Z]{2,4}|\s*[+-]\d{4})?)?"
_D_MONTH_Y = re.compile(
    _WEEKDAY + r"(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([a-z]+)\.?,?\s+(\d{4})" + _TIME_TAIL, flags=re.IGNORECASE
)
_MONTH_D_Y = re.compile(
    _WEEKDAY + r"([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})" + _TIME_TAIL, flags=re.IGNORECASE
)
_MONTH_Y = re.compile(r"([a-z]+)\.?,?\s+(\d{4})", flags=re.IGNORECASE)
_YEAR = re.compile(r"(\d{4})(?:\.0)?")


def _named_month_date(year: str, month: str, day: str | None = None) -> str | None:
    number = month_number(month)
    if number is None:
        return None
    return iso_date(int(year), number, None if day is None else int(day))


def _text_date(text: str) -> str | None:
    if match := _ISO.fullmatch(text):
        month, day = match[2], match[3]
        return iso_date(int(match[1]), int(month) if month else None, int(day) if day else None)
    if match := _YMD_SLASH.fullmatch(text):
        return iso_date(int(match[1]), int(match[2]), int(match[3]))
    if match := _DMY_SLASH.fullmatch(text):
        return iso_date(int(match[3]), int(match[2]), int(match[1]))
    if match := _D_MONTH_Y.fullmatch(text):
        return _named_month_date(match[3], match[2], match[1])
    if match := _MONTH_D_Y.fullmatch(text):
        return _named_month_date(match[3], match[1], match[2])
    if match := _MONTH_Y.fullmatch(text):
        return _named_month_date(match[2], match[1])
    if match := _YEAR.fullmatch(text):
        return iso_date(int(match[1]))
    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return iso_date(parsed.year, parsed.month, parsed.day)


def normalise_date(value: object) -> str | None:
    """Return ``value`` as an ISO 8601 date (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``), or None.

    Accepted: ISO dates and datetimes (``2012-05-14``, ``2012-05-14T10:00:00Z``), ``2017/2/7``
    with or without a time, ``14/05/2012`` (day first, the British order), ``14 May 2012``,
    ``May 14, 2012``, RFC 822 dates from feeds (``Mon, 14 May 2012 10:00:00 +0000``),
    ``May 2012``, ``2012``, and ``date``/``datetime`` objects. The date is taken as written,
    in the time zone of the source (no conversion to UTC, so a day never shifts).

    Args:
        value: The date as found.

    Returns:
        The ISO date, or None when the value is empty or cannot be read as a date.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime | dt.date):
        return iso_date(value.year, value.month, value.day)
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        if isinstance(value, float) and (math.isnan(value) or not value.is_integer()):
            return None
        return iso_date(int(value))
    text = " ".join(str(value).split())
    return _text_date(text) if text else None


# ---------------------------------------------------------------------------------------------
# A line of a scraped page

_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_LINE_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_DATE_PREFIX = (
    r"(?:\d{1,3}\s*min(?:ute)?s?\s+read\s*[·•|]\s*)?"
    r"(?:(?:posted|published|updated|submitted|created|date)(?:\s+on)?\s*:?\s*)?"
)
_READING_TIME = r"(?:\s*[·•|]\s*\d{1,3}\s*min(?:ute)?s?\s+read)?"
_TIME = r"(?:\s*(?:,|-|–|at|\|)?\s*\d{1,2}[:.]\d{2}(?:[:.]\d{2})?\s*(?:am|pm)?(?:\s*[A-Z]{2,4})?)?"
_DATE_FORMS = tuple(
    re.compile(_DATE_PREFIX + _LINE_WEEKDAY + form + _TIME + r"\.?" + _READING_TIME, re.IGNORECASE)
    for form in (
        r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r",?\s+(?P<year>\d{4})",
        _MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})",
        r"(?P<year>\d{4})-(?P<nmonth>\d{1,2})-(?P<day>\d{1,2})",
        _MONTH + r",?\s+(?P<year>\d{4})",
    )
)


def parse_date_line(line: str) -> str | None:
    """Return the ISO 8601 date a whole line states, or ``None``.

    Accepts "14 May 2012", "Monday 14th May 2012 10:32", "May 14, 2012", "2012-05-14",
    "May 2012" (gives ``2012-05``), with an optional "Posted on"/"Published:" prefix.
    Relative stamps ("11 years 7 months ago") are not dates and give ``None``.
    """
    stripped = line.strip()
    for form in _DATE_FORMS:
        match = form.fullmatch(stripped)
        if match is None:
            continue
        groups = match.groupdict()
        year = int(groups["year"])
        month = int(groups["nmonth"]) if groups.get("nmonth") else month_number(groups["month"]) or 0
        day = groups.get("day")
        try:
            if day is None:
                dt.date(year, month, 1)
                return f"{year:04d}-{month:02d}"
            return dt.date(year, month, int(day)).isoformat()
        except ValueError:
            continue
    return None


# ---------------------------------------------------------------------------------------------
# Fields of bibliographic records

_RIS_DATE = re.compile(r"^\s*(\d{4})(?:[/-](\d{1,2})?(?:[/-](\d{1,2})?)?)?")


def date_from_fields(year: str, month: str | None = None, day: str | None = None) -> str:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` from a record's year, month and day fields.

    The year is kept as written (the caller has found it to be digits). The month is read by
    ``field_month``; a month that is none leaves the year alone, and a day outside 1-31 leaves
    the year and month. The calendar is not checked: ``normalise_date`` does that downstream.

    Args:
        year: The year, e.g. "2019".
        month: The month field as written ("06", "Jun", "June"), if any.
        day: The day field as written ("5", "05"), if any.
    """
    number = field_month(month)
    if number is None:
        return year
    day_number = _decimal(day.strip()) if day else None
    if day_number is None or not 1 <= day_number <= 31:
        return f"{year}-{number:02d}"
    return f"{year}-{number:02d}-{day_number:02d}"


def most_precise_date(values: Iterable[str | None]) -> tuple[str | None, int | None]:
    """The most precise ``YYYY[-MM[-DD]]`` among RIS-style dates (``2011/06/05/May``, ``2012///``).

    Args:
        values: The date fields of one record (RIS ``DA``, ``PY``, ``Y1``), in order of preference.

    Returns:
        The date and its year; the first of the longest wins; (None, None) if none has a year.
    """
    best: tuple[str | None, int | None] = (None, None)
    for value in values:
        match = _RIS_DATE.match(value or "")
        if match is None:
            continue
        iso = date_from_fields(match[1], match[2], match[3])
        if best[0] is None or len(iso) > len(best[0]):
            best = (iso, int(match[1]))
    return best


# ---------------------------------------------------------------------------------------------
# Dates of exports and feeds

_WP_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")


def wordpress_date(value: str | None) -> tuple[str | None, int | None]:
    """``2024-03-05 09:12:00`` -> (``2024-03-05``, 2024); WordPress's zero date -> (None, None).

    A zero month (``2024-00-00``) gives the year alone, a zero day the year and month.
    """
    if not value:
        return None, None
    match = _WP_DATE.match(value)
    if match is None or match[1] == "0000":
        return None, None
    year, month, day = match.groups()
    if month == "00":
        return year, int(year)
    if day == "00":
        return f"{year}-{month}", int(year)
    return f"{year}-{month}-{day}", int(year)


def rfc822_date(value: str | None) -> tuple[str | None, int | None]:
    """``Tue, 05 Mar 2024 09:12:00 +0000`` (RSS ``pubDate``) -> (``2024-03-05``, 2024)."""
    if not value:
        return None, None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None, None
    if parsed is None or parsed.year < MIN_YEAR:
        return None, None
    return parsed.date().isoformat(), parsed.year


def struct_time_date(value: object) -> tuple[str, int] | None:
    """(``YYYY-MM-DD``, year) of a ``time.struct_time`` (feedparser's ``published_parsed``), or None."""
    if not isinstance(value, time.struct_time) or value.tm_year < MIN_YEAR:
        return None
    return time.strftime("%Y-%m-%d", value), value.tm_year


def year_of(value: object) -> int | None:
    """The year of a table cell: an int, or text opening with four digits ("2019", "2019-05"), in 1000-2999."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value if MIN_YEAR <= value <= MAX_YEAR else None
    text = str(value).strip()
    if len(text) >= 4 and text[:4].isdecimal() and (len(text) == 4 or not text[4].isdigit()):
        year = int(text[:4])
        return year if MIN_YEAR <= year <= MAX_YEAR else None
    return None
