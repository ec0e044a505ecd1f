"""Readers for tabular files: CSV, TSV, JSON, JSON Lines, Parquet and Excel (.xlsx).

Each row becomes a Record. A column mapping says which source column holds each document
field (``text``, ``title``, ``author``, ``date``, ...); fields not mapped fall back to the
usual column names, compared case-insensitively (``DEFAULT_COLUMNS``). Columns that are not
mapped to a field go to ``meta``. Readers are line-robust: a row that cannot be read (wrong
field count, malformed JSON) becomes a Rejected with its 1-based record number, and every
other row is still read.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from pipeline.ingest.dates import year_of
from pipeline.ingest.records import NO_OPTIONS, ReadOptions, Record, Rejected
from pipeline.ingest.text import UndecodableError, decode_bytes

__all__ = [
    "DEFAULT_COLUMNS",
    "MAPPING_TARGETS",
    "MappingError",
    "check_mapping",
    "read_csv",
    "read_delimited",
    "read_json",
    "read_jsonl",
    "read_parquet",
    "read_rows",
    "read_tsv",
    "read_xlsx",
    "resolve_mapping",
]

#: Field -> column names tried, in order, when the mapping does not name a column.
DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content", "abstract", "full_text", "tweet"),
    "title": ("title", "headline"),
    "author": ("author", "authors", "creator", "by"),
    "date": ("date", "published", "publish_date", "created_at", "year"),
    "id": ("id", "doc_id", "pmid", "uuid"),
    "doc_type": ("type", "doc_type", "kind"),
    "parent_id": ("parent_id", "in_reply_to", "reply_to"),
    "venue": ("journal", "venue", "source_title"),
    "author_role": ("author_role",),
    "organisation": ("organisation", "organization"),
    "author_bio": ("author_bio",),
    "year": ("year",),
}
MAPPING_TARGETS = frozenset(DEFAULT_COLUMNS)
# Raise the csv module's 128 KiB field limit: an abstract or a news article can be longer.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


class MappingError(ValueError):
    """A column mapping names an unknown field or a column the file does not have."""


def check_mapping(mapping: Mapping[str, str]) -> None:
    """Raise MappingError if ``mapping`` has a target that is not a document field."""
    unknown = sorted(set(mapping) - MAPPING_TARGETS)
    if unknown:
        raise MappingError(f"unknown mapping target(s) {unknown}; expected some of {sorted(MAPPING_TARGETS)}")


def resolve_mapping(columns: Sequence[str], mapping: Mapping[str, str] | None = None) -> dict[str, str]:
    """Return field -> column for the columns of one file.

    An explicit mapping wins (exact column name, else case-insensitive); the remaining fields
    take the first of their ``DEFAULT_COLUMNS`` present (case-insensitive). One column may
    serve two fields (a ``year`` column gives both ``date`` and ``year``).

    Args:
        columns: The file's column names.
        mapping: field -> column name.

    Returns:
        field -> column name, for the fields found.

    Raises:
        MappingError: For an unknown field or a mapped column the file lacks.
    """
    mapping = dict(mapping or {})
    check_mapping(mapping)
    by_lower: dict[str, str] = {}
    for column in columns:
        by_lower.setdefault(column.lower(), column)
    resolved: dict[str, str] = {}
    for target, column in mapping.items():
        if column in columns:
            resolved[target] = column
        elif column.lower() in by_lower:
            resolved[target] = by_lower[column.lower()]
        else:
            raise MappingError(
                f"mapping {target!r} -> column {column!r}, but the file has no such column (columns: {list(columns)})"
            )
    for target, candidates in DEFAULT_COLUMNS.items():
        if target in resolved:
            continue
        for candidate in candidates:
            if candidate in by_lower:
                resolved[target] = by_lower[candidate]
                break
    return resolved


def _plain(value: Any) -> Any:
    """A cell value as JSON-ready Python (None for missing)."""
    if value is None:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, bool | int):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return _plain(value.tolist())
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return str(value)


def _as_text(value: Any, *, joiner: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        parts = [_as_text(v, joiner=joiner) for v in value]
        return joiner.join(p for p in parts if p) or None
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    text = str(value)
    return text if text.strip() else None


def _record(row: Mapping[str, Any], fields: Mapping[str, str], *, source: str, position: int) -> Record:
    used = set(fields.values())
    values = {target: _plain(row.get(column)) for target, column in fields.items()}
    meta = {str(k): _plain(v) for k, v in row.items() if k not in used}
    text = _as_text(values.get("text"), joiner="\n\n")
    date_value = values.get("date")
    return Record(
        source=source,
        position=position,
        text=text,
        key=_as_text(values.get("id"), joiner=";"),
        doc_type=_as_text(values.get("doc_type"), joiner=";"),
        title=_as_text(values.get("title"), joiner=" "),
        author=_as_text(values.get("author"), joiner="; "),
        author_role=_as_text(values.get("author_role"), joiner="; "),
        organisation=_as_text(values.get("organisation"), joiner="; "),
        author_bio=_as_text(values.get("author_bio"), joiner=" "),
        venue=_as_text(values.get("venue"), joiner="; "),
        date=_as_text(date_value, joiner=" ") if not isinstance(date_value, list) else None,
        year=year_of(values.get("year")),
        parent_key=_as_text(values.get("parent_id"), joiner=";"),
        meta={k: v for k, v in sorted(meta.items()) if v is not None},
    )


def read_rows(
    rows: Iterable[Mapping[str, Any] | Rejected],
    columns: Sequence[str],
    *,
    source: str,
    mapping: Mapping[str, str] | None = None,
) -> Iterator[Record | Rejected]:
    """Turn rows (dicts, or Rejected for rows already found unreadable) into Records.

    The position of a row is its 0-based index among all rows, rejected ones included, so
    a Rejected's ``record`` is ``position + 1`` of the row it stands for.

    Raises:
        MappingError: For an unknown field or a mapped column the file lacks.
    """
    fields = resolve_mapping(list(columns), mapping)
    for position, row in enumerate(rows):
        if isinstance(row, Rejected):
            yield row
        else:
            yield _record(row, fields, source=source, position=position)


def _decoded(data: bytes, source: str) -> str | Rejected:
    try:
        return decode_bytes(data)
    except UndecodableError as exc:
        return Rejected(source, None, "undecodable", str(exc))


def _unique_header(header: Sequence[str]) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    for i, raw in enumerate(header):
        name = raw.strip().lstrip("\ufeff") or f"column_{i + 1}"
        candidate, n = name, 1
        while candidate in seen:
            n += 1
            candidate = f"{name}_{n}"
        seen.add(candidate)
        names.append(candidate)
    return names


def _unclosed_quote_line(lines: Sequence[str], start: int, delimiter: str) -> int | None:
    """The 1-based line where a quoted field opens and never closes, if one does.

    Scans ``lines[start:]`` (``start`` is the first line of a row) with the state machine
    of Python's csv module in non-strict mode with ``doublequote``: a quote opens a quoted
    field only at the start of a field; inside one, a doubled quote is a literal quote and a
    single quote closes it; anything after the closing quote up to the delimiter is literal.

    Returns:
        The line of the opening quote when the text ends inside a quoted field, else None.
    """
    field_start, in_field, quoted, quote_seen = range(4)
    state, opened = field_start, None
    special = re.compile('["\r\n' + re.escape(delimiter) + "]")
    for index in range(start, len(lines)):
        line = lines[index]
        position = 0
        for match in special.finditer(line):
            if match.start() > position and state in (field_start, quote_seen):  # ordinary characters before
                state = in_field
            char = match.group()
            position = match.end()
            if char == '"':
                if state == field_start:
                    state, opened = quoted, index + 1
                elif state == quoted:
                    state = quote_seen
                elif state == quote_seen:
                    state = quoted
            elif state != quoted:  # a delimiter or a line break ends the field (or the row)
                state = field_start
        if position < len(line) and state in (field_start, quote_seen):
            state = in_field
    return opened if state == quoted else None


def read_delimited(
    data: bytes, *, source: str, delimiter: str = ",", mapping: Mapping[str, str] | None = None
) -> Iterator[Record | Rejected]:
    """Read a CSV or TSV file (header row first) into Records, row by row.

    RFC 4180 quoting: quoted fields may hold the delimiter, doubled quotes and line breaks.
    A row whose field count differs from the header's becomes Rejected 'wrong_field_count';
    a row the csv module cannot parse becomes Rejected 'malformed_csv'; blank lines are
    skipped. Every other row is read.

    Args:
        data: The file's bytes.
        source: The file's path relative to the corpus root.
        delimiter: "," for CSV, a tab for TSV.
        mapping: field -> column (see ``resolve_mapping``).

    Yields:
        One Record or Rejected per row (the record number is the 1-based data row); one
        Rejected 'undecodable' for bytes in no identifiable encoding.

    Raises:
        MappingError: For a mapped column the file lacks.
    """
    text = _decoded(data, source)
    if isinstance(text, Rejected):
        yield text
        return
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    header = _csv_header(reader, source)
    if header is None:
        return
    if isinstance(header, Rejected):
        yield header
        return
    # The physical lines the reader sees, to find a quote that never closes.
    lines = io.StringIO(text, newline="").readlines()
    rows = _delimited_rows(reader, lines, header, source=source, delimiter=delimiter)
    yield from read_rows(rows, header, source=source, mapping=mapping)


def _csv_header(reader: Any, source: str) -> list[str] | Rejected | None:
    """The header (the first non-blank row), a Rejected if it cannot be parsed, None if there is none."""
    while True:
        try:
            first = next(reader)
        except StopIteration:
            return None
        except csv.Error as exc:
            return Rejected(source, None, "malformed_csv", f"header: {exc}")
        if any(cell.strip() for cell in first):
            return _unique_header(first)


def _parsed_rows(body: Any, offset: int) -> Iterator[tuple[int, int, list[str] | csv.Error]]:
    """(first line, last line, row or error) for each non-blank row of the csv reader ``body``."""
    while True:
        start = offset + body.line_num + 1
        try:
            row = next(body)
        except StopIteration:
            return
        except csv.Error as exc:
            yield start, offset + body.line_num, exc
            continue
        if any(cell.strip() for cell in row):
            yield start, offset + body.line_num, row


def _row_item(
    row: list[str] | csv.Error, *, number: int, end: int, header: Sequence[str], source: str
) -> dict[str, Any] | Rejected:
    """A parsed row as a dict, or the Rejected of data row ``number`` (ending on line ``end``)."""
    if isinstance(row, csv.Error):
        return Rejected(source, number, "malformed_csv", f"line {end}: {row}")
    if len(row) != len(header):
        return Rejected(
            source, number, "wrong_field_count",
            f"line {end}: expected {len(header)} fields, found {len(row)}",
        )  # fmt: skip
    return dict(zip(header, row, strict=True))


def _delimited_rows(
    reader: Any, lines: Sequence[str], header: Sequence[str], *, source: str, delimiter: str
) -> Iterator[dict[str, Any] | Rejected]:
    """The data rows after the header, numbered from 1, each a dict or a Rejected.

    A quote that never closes swallows the rest of the file into the last row (the csv module
    reads to the end in non-strict mode): that row is quarantined and the lines after the
    quote's line are read again as rows, so one stray quote costs one row, not the rest of the
    file.
    """
    number = 0
    body: Any = reader
    offset = 0
    while body is not None:
        pending = None  # each row is held back until the next is read: is it the last?
        for start, end, row in _parsed_rows(body, offset):
            if pending is not None:
                number += 1
                yield _row_item(pending[2], number=number, end=pending[1], header=header, source=source)
            pending = (start, end, row)
        body = None
        if pending is None:
            break
        start, end, row = pending
        opened = None
        if not isinstance(row, csv.Error) and end == len(lines):
            opened = _unclosed_quote_line(lines, start - 1, delimiter)
        number += 1
        if opened is None:
            yield _row_item(row, number=number, end=end, header=header, source=source)
            continue
        yield Rejected(
            source, number, "malformed_csv",
            f"line {opened}: a quote opens and never closes; the row is dropped and the "
            f"lines after it are read again",
        )  # fmt: skip
        if opened < len(lines):
            body = csv.reader(io.StringIO("".join(lines[opened:]), newline=""), delimiter=delimiter, strict=False)
            offset = opened


def read_csv(data: bytes, *, source: str, options: ReadOptions = NO_OPTIONS) -> Iterator[Record | Rejected]:
    """Read a comma-separated file (see ``read_delimited``); ``options.mapping`` maps its columns."""
    return read_delimited(data, source=source, delimiter=",", mapping=options.mapping)


def read_tsv(data: bytes, *, source: str, options: ReadOptions = NO_OPTIONS) -> Iterator[Record | Rejected]:
    """Read a tab-separated file (see ``read_delimited``); ``options.mapping`` maps its columns."""
    return read_delimited(data, source=source, delimiter="\t", mapping=options.mapping)


def _object_rows(items: Iterable[Any], source: str) -> Iterator[dict[str, Any] | Rejected]:
    for number, item in enumerate(items, start=1):
        if isinstance(item, dict):
            yield item
        else:
            found = type(item).__name__
            yield Rejected(source, number, "not_an_object", f"expected a JSON object, found {found}")


def _columns(rows: Iterable[Mapping[str, Any] | Rejected]) -> list[str]:
    seen: dict[str, None] = {}
    for row in rows:
        if not isinstance(row, Rejected):
            seen.update(dict.fromkeys(str(k) for k in row))
    return list(seen)


def read_json(data: bytes, *, source: str, options: ReadOptions = NO_OPTIONS) -> Iterator[Record | Rejected]:
    """Read a JSON file: an array of objects, or an object whose ``records`` (or only) value is one.

    Args:
        data: The file's bytes.
        source: The file's path relative to the corpus root.
        options: ``options.mapping``: field -> column (see ``resolve_mapping``).

    Yields:
        One Record or Rejected per object; a file that is not valid JSON, or holds no array
        of records, is one Rejected ('malformed_json' / 'not_records' / 'undecodable').

    Raises:
        MappingError: For a mapped column the file lacks.
    """
    text = _decoded(data, source)
    if isinstance(text, Rejected):
        yield text
        return
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        yield Rejected(source, None, "malformed_json", str(exc))
        return
    except RecursionError:
        yield Rejected(source, None, "malformed_json", "nested too deeply")
        return
    if isinstance(parsed, dict):
        lists = [v for v in parsed.values() if isinstance(v, list)]
        if isinstance(parsed.get("records"), list):
            parsed = parsed["records"]
        elif len(lists) == 1:
            parsed = lists[0]
        else:
            parsed = [parsed]
    if not isinstance(parsed, list):
        found = type(parsed).__name__
        yield Rejected(source, None, "not_records", f"expected an array of objects, found {found}")
        return
    rows = list(_object_rows(parsed, source))
    yield from read_rows(rows, _columns(rows), source=source, mapping=options.mapping)


def read_jsonl(data: bytes, *, source: str, options: ReadOptions = NO_OPTIONS) -> Iterator[Record | Rejected]:
    """Read a JSON Lines file: one JSON object per line.

    A line that is not valid JSON becomes Rejected 'malformed_json' (a line that is valid
    JSON but not an object, 'not_an_object'); blank lines are skipped; every other line is
    read. The record number is the 1-based count of non-blank lines.

    Args:
        data: The file's bytes.
        source: The file's path relative to the corpus root.
        options: ``options.mapping``: field -> column (see ``resolve_mapping``).

    Yields:
        One Record or Rejected per non-blank line; one Rejected 'undecodable' for bytes in
        no identifiable encoding.

    Raises:
        MappingError: For a mapped column the file lacks.
    """
    text = _decoded(data, source)
    if isinstance(text, Rejected):
        yield text
        return
    rows: list[dict[str, Any] | Rejected] = []
    # Only \n ends a JSON Lines record (str.splitlines would also split on U+2028 etc.).
    for line_number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        number = len(rows) + 1
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            rows.append(Rejected(source, number, "malformed_json", f"line {line_number}: {exc}"))
            continue
        except RecursionError:
            rows.append(Rejected(source, number, "malformed_json", f"line {line_number}: nested too deeply"))
            continue
        if isinstance(item, dict):
            rows.append(item)
        else:
            found = type(item).__name__
            rows.append(Rejected(source, number, "not_an_object", f"line {line_number}: found {found}"))
    yield from read_rows(rows, _columns(rows), source=source, mapping=options.mapping)


def read_parquet(data: bytes, *, source: str, options: ReadOptions = NO_OPTIONS) -> Iterator[Record | Rejected]:
    """Read a Parquet file, one Record per row.

    Raises:
        MappingError: For a mapped column the file lacks.
    """
    import pyarrow.parquet as pq

    table = pq.read_table(io.BytesIO(data))
    columns = [str(c) for c in table.column_names]
    yield from read_rows(table.to_pylist(), columns, source=source, mapping=options.mapping)


def read_xlsx(data: bytes, *, source: str, options: ReadOptions = NO_OPTIONS) -> Iterator[Record | Rejected]:
    """Read the first worksheet of an Excel workbook (header row first), one Record per row.

    Cells are read as their stored values (formulas are not evaluated; a formula cell gives
    its cached value). Entirely empty rows are skipped.

    Raises:
        MappingError: For a mapped column the file lacks.
    """
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        values = sheet.iter_rows(values_only=True)
        header: list[str] | None = None
        for first in values:
            if any(cell is not None and str(cell).strip() for cell in first):
                header = _unique_header(["" if c is None else str(c) for c in first])
                break
        if header is None:
            return
        rows: list[dict[str, Any]] = []
        for row in values:
            if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in row):
                continue
            cells = list(row)[: len(header)] + [None] * max(0, len(header) - len(row))
            rows.append(dict(zip(header, cells, strict=True)))
    finally:
        workbook.close()
    yield from read_rows(rows, header, source=source, mapping=options.mapping)
