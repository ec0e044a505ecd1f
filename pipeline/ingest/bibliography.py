"""Read bibliography exports, RIS (rispy) and BibTeX (bibtexparser 1.x), into ``abstract`` records.

Both formats are decoded with ``pipeline.ingest.text.decode_bytes`` and read one entry at a
time, so that one broken entry is quarantined and the others are read:

- RIS (the Research Information Systems tagged format of reference managers and databases,
  https://en.wikipedia.org/wiki/RIS_(file_format)): the file is cut at its ``ER  -`` lines;
  each piece holding a ``TY  -`` line is one entry (a piece holding two ``TY`` lines, i.e. a
  missing ``ER``, is two entries) and is parsed by rispy on its own. Non-blank lines that
  belong to no ``TY`` record are one rejected entry.
- BibTeX: entries are found by their ``@type{`` / ``@type(`` openings at the start of a line
  (``@string``, ``@preamble`` and ``@comment`` are not entries) and each is parsed on its own
  by one bibtexparser parser that has read the file's ``@string`` macros first. bibtexparser
  drops a malformed entry silently; parsing entry by entry tells which one it was.

Entries are numbered from 1 in file order; a record's ``position`` is its entry number minus one.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bibtexparser.bparser import BibTexParser
from bibtexparser.customization import convert_to_unicode
from rispy.parser import RisParser

from pipeline.ingest.dates import date_from_fields, most_precise_date
from pipeline.ingest.records import NO_OPTIONS, ReadOptions, Record, Rejected, abstract_record, source_bytes
from pipeline.ingest.text import UndecodableError, decode_bytes

__all__ = ["read_bibtex", "read_ris", "strip_database_furniture"]

logger = logging.getLogger(__name__)

# Database furniture at the end of an abstract: EBSCO's source note and its copyright notice.
_MARKER = re.compile(r"\s*\[(ABSTRACT FROM (?:THE )?(?:AUTHOR|PUBLISHER))\]\s*$", re.IGNORECASE)
_COPYRIGHT = re.compile(
    r"\s*Copyright of .{1,300}? is the property of .*?\(Copyright applies to all Abstracts\.\)\s*$",
    re.DOTALL,
)


def strip_database_furniture(text: str) -> tuple[str, dict[str, object]]:
    """Remove the notes bibliographic databases append to an abstract.

    EBSCOhost ends abstracts with "[ABSTRACT FROM AUTHOR]" (or "... PUBLISHER") and, for some
    journals, a "Copyright of JOURNAL is the property of ... (Copyright applies to all
    Abstracts.)" notice. Neither is the author's text.

    Args:
        text: The abstract as found.

    Returns:
        The abstract without them, and ``meta`` flags: ``abstract_marker`` (the marker's text,
        e.g. "ABSTRACT FROM AUTHOR") and ``copyright_notice`` (True) for what was removed.
    """
    meta: dict[str, object] = {}
    stripped = _COPYRIGHT.sub("", text)
    if stripped != text:
        meta["copyright_notice"] = True
    match = _MARKER.search(stripped)
    if match:
        meta["abstract_marker"] = match.group(1).upper()
        stripped = stripped[: match.start()]
    return stripped.strip(), meta


def _read_text(data: bytes | Path, source: str) -> str | Rejected:
    raw = source_bytes(data, source)
    if isinstance(raw, Rejected):
        return raw
    try:
        return decode_bytes(raw)
    except UndecodableError as exc:
        return Rejected(source, None, "undecodable", str(exc))


# ----------------------------------------------------------------------------------------- RIS

_RIS_TY = re.compile(r"^TY  -")
_RIS_ER = re.compile(r"^ER  -")
# rispy's names for T2 (journal or book), JO, JF and J2 (abbreviated journal), in that order.
_RIS_VENUE_FIELDS = ("secondary_title", "journal_name", "alternate_title3", "alternate_title1")


def _ris_entries(lines: list[str]) -> Iterator[tuple[list[str], bool]]:
    """Split RIS lines into entries: (lines, starts_with_TY). Blank-only pieces are skipped."""
    current: list[str] = []

    def flush() -> Iterator[tuple[list[str], bool]]:
        if any(line.strip() for line in current):
            head = next(i for i, line in enumerate(current) if line.strip())
            if _RIS_TY.match(current[head]):
                yield current[head:], True
            else:
                # Lines before a TY line that belong to no record; a TY further down starts one.
                starts = [i for i, line in enumerate(current) if _RIS_TY.match(line)]
                cut = starts[0] if starts else len(current)
                yield current[:cut], False
                if starts:
                    yield current[cut:], True

    for line in lines:
        if _RIS_ER.match(line):
            yield from flush()
            current = []
        elif _RIS_TY.match(line) and any(_RIS_TY.match(seen) for seen in current):
            # A second TY before any ER: the previous record lacked its ER line.
            yield from flush()
            current = [line]
        else:
            current.append(line)
    yield from flush()


def _clean(value: Any) -> str | None:
    if isinstance(value, list):
        value = " ".join(str(v) for v in value)
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _clean_list(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    cleaned = (_clean(item) for item in items if item is not None)
    return [item for item in cleaned if item]


def read_ris(data: bytes | Path, *, source: str, options: ReadOptions = NO_OPTIONS) -> Iterator[Record | Rejected]:
    """Read the abstracts of a RIS file.

    Each record with an abstract becomes an ``abstract`` record: text from ``AB`` (else
    ``N2``) with database furniture removed (see ``strip_database_furniture``); title from
    ``TI`` (else ``T1``); author the ``AU`` and ``A1`` names joined by "; " (a list in
    ``meta['authors']``); venue from ``T2``, ``JO``, ``JF`` or ``J2``; date and year the most
    precise of ``DA``, ``PY`` and ``Y1``; key ``ID``, else ``DO``; ``doi``, ``keywords``,
    ``type`` (``TY``), ``urls`` and ``language`` in ``meta``. A record without an abstract is
    rejected as ``no_text``; a piece of the file rispy cannot read as ``malformed_entry``.

    Args:
        data: The RIS file's bytes (or the file, see ``source_bytes``).
        source: Its path relative to the corpus root.
        options: Not used.

    Yields:
        A Record or a Rejected per entry in file order, or one Rejected (record None) for the
        whole file when it cannot be decoded or holds no entry.
    """
    text = _read_text(data, source)
    if isinstance(text, Rejected):
        yield text
        return
    number = 0
    for lines, has_ty in _ris_entries(text.splitlines()):
        number += 1
        if not has_ty:
            first = next(line for line in lines if line.strip())
            yield Rejected(source, number, "malformed_entry", f"lines outside a TY record: {first[:80]!r}")
            continue
        try:
            parsed = RisParser().parse_lines(iter([*lines, "ER  - "]))
        except Exception as exc:  # rispy raises on some broken records; a reader never does
            yield Rejected(source, number, "malformed_entry", f"rispy: {type(exc).__name__}: {exc}")
            continue
        if len(parsed) != 1:
            yield Rejected(source, number, "malformed_entry", f"rispy read {len(parsed)} records")
            continue
        try:
            yield _ris_record(parsed[0], number, source)
        except Exception as exc:
            logger.warning("%s: RIS entry %d: %s", source, number, exc)
            yield Rejected(source, number, "malformed_entry", f"{type(exc).__name__}: {exc}")
    if number == 0:
        yield Rejected(source, None, "no_entries", "no TY record in the file")


def _ris_record(entry: dict[str, Any], number: int, source: str) -> Record | Rejected:
    title = _clean(entry.get("title")) or _clean(entry.get("primary_title"))
    doi = _clean(entry.get("doi"))
    key = _clean(entry.get("id")) or doi
    abstract = _clean(entry.get("abstract")) or _clean(entry.get("notes_abstract"))
    if not abstract:
        label = key or title or "untitled"
        return Rejected(source, number, "no_text", f"{label}: no AB abstract")
    text, meta = strip_database_furniture(abstract)
    if not text:
        return Rejected(source, number, "no_text", f"{key or title}: abstract is only a marker")
    authors: list[str] = []
    for name in _clean_list(entry.get("authors", [])) + _clean_list(entry.get("first_authors", [])):
        if name not in authors:
            authors.append(name)
    venues = (_clean(entry.get(field)) for field in _RIS_VENUE_FIELDS)
    venue = next((v for v in venues if v), None)
    date, year = most_precise_date(_clean(entry.get(field)) for field in ("date", "year", "publication_year"))
    if entry.get("type_of_reference"):
        meta["type"] = _clean(entry["type_of_reference"])
    if doi:
        meta["doi"] = doi
    keywords = _clean_list(entry.get("keywords", []))
    if keywords:
        meta["keywords"] = keywords
    urls = _clean_list(entry.get("urls", []))
    if urls:
        meta["urls"] = urls
    language = _clean(entry.get("language"))
    if language:
        meta["language"] = language
    return abstract_record(
        source=source,
        number=number,
        text=text,
        key=key,
        title=title,
        authors=authors,
        venue=venue,
        date=date,
        year=year,
        meta=meta,
    )


# -------------------------------------------------------------------------------------- BibTeX

_BIB_START = re.compile(r"(?m)^[ \t]*@[ \t]*([A-Za-z][\w-]*)[ \t]*[{(]")
_NOT_ENTRIES = frozenset({"comment", "string", "preamble"})
# LaTeX markup that convert_to_unicode leaves behind ("\textit{all}" -> "\textitall").
_LATEX_FORMAT = re.compile(
    r"\\(?:textit|textbf|emph|textsc|texttt|textrm|textsf|textup|mathrm|mathit|mbox|underline)"
    r"\s*\{([^{}]*)\}"
)
_LATEX_SWITCH = re.compile(r"\\(?:em|it|bf|sc|tt|rm|sf|itshape|bfseries|scshape)(?![A-Za-z])\s*")
# convert_to_unicode turns {\'\i} into a dotless i plus a combining accent; NFC needs an "i".
_DOTLESS_ACCENTED = re.compile("\u0131(?=[\u0300-\u036f])")
_TEXT_FIELDS = ("title", "abstract", "journal", "booktitle", "series", "publisher")


def _split_names(value: str) -> list[str]:
    """Split a BibTeX name list on `` and `` at brace depth 0 (``{Barnes and Noble}`` is one)."""
    names: list[str] = []
    depth = 0
    start = 0
    index = 0
    while index < len(value):
        char = value[index]
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        elif depth == 0 and value[index : index + 5].lower() == " and " and index > start:
            names.append(value[start:index])
            start = index + 5
            index += 5
            continue
        index += 1
    names.append(value[start:])
    return [name.strip() for name in names if name.strip()]


def _latex_to_text(value: str) -> str:
    """Decode LaTeX accents and markup to Unicode text and drop grouping braces."""
    if "\\" not in value and "{" not in value and "--" not in value:
        return " ".join(value.split())  # nothing to decode (convert_to_unicode is slow)
    previous = None
    while previous != value:  # nested \textit{\textbf{x}}
        previous, value = value, _LATEX_FORMAT.sub(r"\1", value)
    value = _LATEX_SWITCH.sub("", value)
    value = convert_to_unicode({"field": value})["field"]
    value = unicodedata.normalize("NFC", _DOTLESS_ACCENTED.sub("i", value))
    value = value.replace("---", "\u2014").replace("--", "\u2013")
    value = value.replace("{", "").replace("}", "")
    return " ".join(value.split())


def _bib_customise(entry: dict[str, Any]) -> dict[str, Any]:
    for field in _TEXT_FIELDS:
        if isinstance(entry.get(field), str):
            entry[field] = _latex_to_text(entry[field])
    for field in ("author", "editor"):
        if isinstance(entry.get(field), str):
            entry[field] = [_latex_to_text(name) for name in _split_names(entry[field])]
    return entry


def _bib_parser() -> BibTexParser:
    parser = BibTexParser(common_strings=True, ignore_nonstandard_types=False, interpolate_strings=True)
    parser.customization = _bib_customise
    return parser


def _bib_chunks(text: str) -> tuple[list[str], str]:
    """The entry chunks (``@type{...}`` to the next ``@``) and the ``@string`` definitions."""
    starts = list(_BIB_START.finditer(text))
    entries: list[str] = []
    strings: list[str] = []
    for index, match in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(text)
        chunk = text[match.start() : end]
        kind = match.group(1).lower()
        if kind == "string":
            strings.append(chunk)
        elif kind not in _NOT_ENTRIES:
            entries.append(chunk)
    return entries, "\n".join(strings)


def read_bibtex(data: bytes | Path, *, source: str, options: ReadOptions = NO_OPTIONS) -> Iterator[Record | Rejected]:
    """Read the abstracts of a BibTeX file.

    Each entry with an ``abstract`` field becomes an ``abstract`` record: LaTeX accents and
    markup decoded (bibtexparser's ``convert_to_unicode`` after removing formatting commands),
    grouping braces dropped; author the ``and``-separated names joined by "; " (a list in
    ``meta['authors']``); title; venue ``journal``, else ``booktitle``; year, and date
    ``YYYY-MM`` when a month is given; key the entry's citation key; ``doi``, ``keywords``,
    ``type`` (the entry type) and ``url`` in ``meta``. An entry without an abstract is rejected
    as ``no_text``; one bibtexparser cannot read as ``malformed_entry``.

    Args:
        data: The ``.bib`` file's bytes (or the file, see ``source_bytes``).
        source: Its path relative to the corpus root.
        options: Not used.

    Yields:
        A Record or a Rejected per entry in file order, or one Rejected (record None) for the
        whole file when it cannot be decoded or holds no entry.
    """
    text = _read_text(data, source)
    if isinstance(text, Rejected):
        yield text
        return
    chunks, strings = _bib_chunks(text)
    if not chunks:
        yield Rejected(source, None, "no_entries", "no @type{...} entry in the file")
        return
    # One parser for the whole file: the @string macros it reads first stay defined for every
    # entry, and each entry is parsed on its own, so a broken one cannot swallow its neighbours.
    parser = _bib_parser()
    parser.expect_multiple_parse = True
    if strings:
        try:
            parser.parse(strings)
        except Exception as exc:  # broken macros: entries using them fail on their own
            logger.warning("%s: @string definitions unreadable: %s", source, exc)
    for number, chunk in enumerate(chunks, start=1):
        head = " ".join(chunk.split())[:80]
        before = len(parser.bib_database.entries)
        try:
            parser.parse(chunk)
        except Exception as exc:
            detail = f"bibtexparser: {type(exc).__name__}: {exc}; entry {head!r}"
            yield Rejected(source, number, "malformed_entry", detail)
            continue
        added = parser.bib_database.entries[before:]
        if len(added) != 1:
            detail = f"bibtexparser could not read the entry {head!r}"
            yield Rejected(source, number, "malformed_entry", detail)
            continue
        try:
            yield _bib_record(added[0], number, source)
        except Exception as exc:
            logger.warning("%s: BibTeX entry %d: %s", source, number, exc)
            yield Rejected(source, number, "malformed_entry", f"{type(exc).__name__}: {exc}")


def _bib_record(entry: dict[str, Any], number: int, source: str) -> Record | Rejected:
    key = _clean(entry.get("ID"))
    title = _clean(entry.get("title"))
    abstract = entry.get("abstract")
    text = _clean(abstract) if isinstance(abstract, str) else None
    if not text:
        return Rejected(source, number, "no_text", f"{key or title or 'untitled'}: no abstract")
    text, meta = strip_database_furniture(text)
    if not text:
        return Rejected(source, number, "no_text", f"{key}: abstract is only a marker")
    authors = _clean_list(entry.get("author", []))
    year_text = _clean(entry.get("year")) or ""
    match = re.search(r"\d{4}", year_text)
    year = int(match.group()) if match else None
    date = date_from_fields(str(year), _clean(entry.get("month"))) if year is not None else None
    meta["type"] = _clean(entry.get("ENTRYTYPE"))
    doi = _clean(entry.get("doi"))
    if doi:
        meta["doi"] = doi
    raw_keywords = re.split(r"[;,]", _clean(entry.get("keywords")) or "")
    keywords = [k.strip() for k in raw_keywords if k.strip()]
    if keywords:
        meta["keywords"] = keywords
    url = _clean(entry.get("url"))
    if url:
        meta["url"] = url
    return abstract_record(
        source=source,
        number=number,
        text=text,
        key=key,
        title=title,
        authors=authors,
        venue=_clean(entry.get("journal")) or _clean(entry.get("booktitle")),
        date=date,
        year=year,
        meta=meta,
    )
