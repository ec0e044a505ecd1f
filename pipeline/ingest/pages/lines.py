"""The line reader: a page split into content lines, with its furniture and repeats dropped.

``LineReader`` makes the first pass over a page: each line is whitespace-normalised, furniture
(``pipeline.ingest.pages.furniture``) is dropped and counted, verbatim repeated prose lines are
collapsed, and every kept line becomes a ``Line`` that knows its paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.ingest.pages.furniture import COUNTER_KINDS, COUNTER_PATTERN, SECTION_KINDS, classify_furniture
from pipeline.ingest.pages.shapes import USERNAME, is_name, is_prose, word_count

# Link labels cut from the end of a heading: "Title (original) (raw)", "Title [PDF]".
_LINK_SUFFIX = re.compile(
    r"(?:\s*[\[(](?:original|raw|pdf|html|full[ -]?text|download|link|abstract|doi)[\])])+\s*$",
    re.IGNORECASE,
)

_BARE_NUMBER = re.compile(r"\d[\d,.]*\s*[km]?", re.IGNORECASE)


@dataclass
class Line:
    """A content line: its text, position and paragraph.

    ``run`` numbers the runs of lines between blank lines; ``block`` numbers paragraphs, which
    are those runs except on a page with no blank lines at all, where every line is one.
    """

    index: int
    text: str
    block: int
    run: int = -1


def join_lines(lines: Sequence[Line]) -> str:
    """Lines of one block joined by a newline, blocks by a blank line."""
    paragraphs: list[list[str]] = []
    last_block = None
    for line in lines:
        if line.block != last_block:
            paragraphs.append([])
            last_block = line.block
        paragraphs[-1].append(line.text)
    return "\n\n".join("\n".join(paragraph) for paragraph in paragraphs)


def split_units(lines: Sequence[Line], *, by_run: bool = False) -> list[list[Line]]:
    """Paragraphs (see ``Line``), or runs between blank and furniture lines, as line lists.

    Runs fall back to single lines when the whole page is one run.
    """
    units: list[list[Line]] = []
    for line in lines:
        key = line.run if by_run else line.block
        if units and (units[-1][-1].run if by_run else units[-1][-1].block) == key:
            units[-1].append(line)
        else:
            units.append([line])
    if by_run and len(units) == 1:
        return [[line] for line in lines]
    return units


class LineReader:
    """First pass: split a page into content lines, dropping furniture and repeats."""

    def __init__(self, text: str, *, min_duplicate_words: int) -> None:
        self._dropped: list[tuple[int, int, str]] = []  # (line index, 0 line / 1 fragment, text)
        self.kinds: list[tuple[int, str]] = []  # (line index, furniture kind) of dropped lines
        self._lines_dropped: list[tuple[int, str, str]] = []  # (line index, kind, text)
        self._stripped: set[int] = set()
        self.lines: list[Line] = []
        self.duplicates = 0
        raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        stripped = [" ".join(line.split()) for line in raw]
        furniture = [classify_furniture(line) if line else None for line in stripped]
        counters = {i for i, found in enumerate(furniture) if found and found.kind in COUNTER_KINDS}
        seen: set[str] = set()
        block = 0
        for i, line in enumerate(stripped):
            if not line:
                block += 1
                continue
            match = furniture[i]
            beside_counter = self._beside(i, stripped, counters)
            if match is None and _BARE_NUMBER.fullmatch(line) and beside_counter:
                match = COUNTER_PATTERN
            below = furniture[i + 1] if i + 1 < len(stripped) else None
            if (
                match is None
                and below is not None
                and below.kind == "profile"
                and (USERNAME.fullmatch(line) or is_name(line))
            ):
                # The poster's name heading a forum profile box ("Posts: 41", "Joined: ...").
                match = below
            if match is not None:
                self._dropped.append((i, 0, line))
                self.kinds.append((i, match.kind))
                self._lines_dropped.append((i, match.kind, line))
                block += 1
                continue
            key = line
            if is_prose(line) and word_count(line) >= min_duplicate_words:
                if key in seen:
                    self.duplicates += 1
                    continue
                seen.add(key)
            self.lines.append(Line(i, line, block, block))
        if self.lines and not any(not line for line in stripped[self.lines[0].index : self.lines[-1].index]):
            # No blank line between the first and last content lines: every line a paragraph.
            for number, content in enumerate(self.lines):
                content.block = number

    @staticmethod
    def _beside(i: int, lines: Sequence[str], counters: set[int]) -> bool:
        """True when the nearest non-blank line before or after line ``i`` is a counter label."""
        for step in (-1, 1):
            j = i + step
            while 0 <= j < len(lines) and not lines[j]:
                j += step
            if j in counters:
                return True
        return False

    @property
    def dropped(self) -> list[str]:
        """Dropped lines and fragments in page order."""
        return [text for _, _, text in sorted(self._dropped)]

    def section_before(self, index: int) -> str | None:
        """The nearest dropped section label above line ``index``."""
        labels = [text for i, kind, text in self._lines_dropped if i < index and kind in SECTION_KINDS]
        return labels[-1] if labels else None

    def first_kind(self, kind: str) -> int | None:
        """Line index of the first dropped line of furniture kind ``kind``."""
        return next((index for index, found in self.kinds if found == kind), None)

    def drop_label(self, line: Line, label: str) -> None:
        """Record the label cut from a line whose value went to a field ("Tags:", "PMID:")."""
        if line.index not in self._stripped:
            self._stripped.add(line.index)
            self._dropped.append((line.index, 1, label))

    def strip_link_suffix(self, line: Line) -> Line:
        """Cut link labels such as "(original) (raw)" from the end of a heading line."""
        match = _LINK_SUFFIX.search(line.text)
        if match is None or match.start() == 0:
            return line
        if line.index not in self._stripped:
            self._stripped.add(line.index)
            self._dropped.append((line.index, 1, match.group().strip()))
        return Line(line.index, line.text[: match.start()].rstrip(), line.block, line.run)
