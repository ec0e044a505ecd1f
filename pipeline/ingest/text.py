"""Turning raw bytes into clean text: charset detection and text normalisation.

``decode_bytes`` honours a byte-order mark, then tries strict UTF-8, then asks
charset-normalizer (which scores candidate code pages by "chaos" and language coherence) for
the best decoding. ``normalise_text`` repairs mojibake with ftfy (Speer 2019, "ftfy", Zenodo,
doi 10.5281/zenodo.2591652), applies Unicode NFC and normalises whitespace.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

import charset_normalizer
import ftfy
from charset_normalizer.utils import is_multi_byte_encoding

__all__ = ["UndecodableError", "decode_bytes", "looks_binary", "normalise_text", "normalise_whitespace"]

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_BLANK_LINES = re.compile(r"\n{2,}")
# ftfy's defaults also straighten curly quotes; those are the author's text, so keep them.
_FTFY_CONFIG = ftfy.TextFixerConfig(uncurl_quotes=False, normalization="NFC")
_ASCII_FTFY_WORK = re.compile(r"[\x00-\x08\x0b-\x1f\x7f&]")
_TEXT_CONTROL = frozenset(b"\t\n\r\f\v\x1b")


class UndecodableError(ValueError):
    """The bytes are in no character encoding that can be identified."""


def decode_bytes(data: bytes) -> str:
    """Decode ``data`` to text, detecting its character encoding.

    Order: a byte-order mark (UTF-8/16/32) wins; then strict UTF-8 (which almost never
    decodes non-UTF-8 text by accident); then charset-normalizer's best guess, with
    Windows-1252 preferred among equally good guesses, and chosen over a double-byte guess
    when every non-ASCII byte stands alone (as in English text with curly quotes).

    Args:
        data: The raw bytes of a file or field.

    Returns:
        The decoded text, byte-order mark removed.

    Raises:
        UndecodableError: If no encoding decodes the bytes into plausible text.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise UndecodableError(f"byte-order mark says {encoding} but {exc}") from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    matches = list(charset_normalizer.from_bytes(data))
    if (not matches or is_multi_byte_encoding(matches[0].encoding)) and _isolated_high_bytes(data):
        # Double-byte encodings (Big5, GBK, Shift_JIS, ...) write almost every character as
        # two bytes >= 0x80; lone high bytes between ASCII are single-byte text (English
        # with curly quotes, accented Latin), which detectors misjudge in short samples.
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            pass
    if not matches:
        raise UndecodableError("no character encoding fits these bytes")
    best = matches[0]
    # Code pages that decode the bytes equally well tie; Windows-1252 is then the likeliest
    # for English text (WHATWG maps latin-1 labels to it too), so it wins the tie.
    tied = [m for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)]
    best = next((m for m in tied if m.encoding == "cp1252"), best)
    try:
        return data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError) as exc:  # pragma: no cover - detector said it fits
        raise UndecodableError(f"detected {best.encoding} but {exc}") from exc


def _isolated_high_bytes(data: bytes) -> bool:
    """True if ``data`` has bytes >= 0x80 and none of them is next to another."""
    high = [i for i, byte in enumerate(data) if byte >= 0x80]
    return bool(high) and all(b - a > 1 for a, b in zip(high, high[1:], strict=False))


def looks_binary(data: bytes, *, sample: int = 8192, max_control_share: float = 0.1) -> bool:
    """Say whether ``data`` looks like a binary file rather than text.

    A NUL byte outside UTF-16/32 text, or more than ``max_control_share`` of C0 control
    bytes (other than tab, newlines, form feed, escape) in the first ``sample`` bytes, marks
    binary data (the heuristic of ``file(1)`` and git's ``buffer_is_binary``).
    """
    head = data[:sample]
    if not head:
        return False
    if any(head.startswith(bom) for bom, encoding in _BOMS if encoding != "utf-8"):
        return False
    if b"\x00" in head:
        return True
    control = sum(1 for byte in head if byte < 0x20 and byte not in _TEXT_CONTROL)
    return control / len(head) > max_control_share


def normalise_text(text: str) -> str:
    """Return ``text`` repaired, NFC-normalised and with whitespace normalised.

    Mojibake (UTF-8 read as Windows-1252 and the like) is repaired with ftfy; the text is put
    in Unicode normalisation form C; runs of spaces and tabs within a line become one space;
    lines are stripped; blank lines separate paragraphs (exactly one between two paragraphs);
    the result has no leading or trailing whitespace.

    Args:
        text: Any text.

    Returns:
        The normalised text ("" if nothing but whitespace was left).
    """
    if text.isascii() and not _ASCII_FTFY_WORK.search(text):
        fixed = text  # nothing for ftfy to repair: no mojibake, entities or control characters
    else:
        fixed = unicodedata.normalize("NFC", ftfy.fix_text(text, _FTFY_CONFIG))
    return normalise_whitespace(fixed)


def normalise_whitespace(text: str) -> str:
    """Collapse spaces within lines, strip lines, keep one blank line between paragraphs."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
