"""Tests for pipeline.ingest.text: charset detection and text normalisation."""

from __future__ import annotations

import codecs
import contextlib
import unicodedata

import ftfy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.ingest.text import (
    _FTFY_CONFIG,
    UndecodableError,
    decode_bytes,
    looks_binary,
    normalise_text,
    normalise_whitespace,
)

SAMPLE = "Café naïve “leadership” – the manager’s role, 5 €."


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (SAMPLE.encode("utf-8"), SAMPLE),
        (codecs.BOM_UTF8 + SAMPLE.encode("utf-8"), SAMPLE),
        (SAMPLE.encode("utf-16"), SAMPLE),  # with its byte-order mark
        (codecs.BOM_UTF16_BE + SAMPLE.encode("utf-16-be"), SAMPLE),
        (SAMPLE.encode("cp1252"), SAMPLE),
        ("Leadership in the NHS: a manager’s view.\n".encode("cp1252"), "Leadership in the NHS: a manager’s view.\n"),
        (b"plain ascii", "plain ascii"),
        (b"", ""),
    ],
)
def test_decode_bytes(data: bytes, expected: str) -> None:
    assert decode_bytes(data) == expected


@pytest.mark.parametrize(
    "data",
    [bytes(range(256)), b"\x80\x81\x8d\x8f\x90\x9d" * 20, codecs.BOM_UTF16_LE + b"\x00\xd8"],
)
def test_decode_bytes_raises_undecodable(data: bytes) -> None:
    with pytest.raises(UndecodableError):
        decode_bytes(data)


def test_undecodable_is_a_value_error() -> None:
    assert issubclass(UndecodableError, ValueError)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  a   b \t c  ", "a b c"),
        ("line one\r\nline two", "line one\nline two"),
        ("para one\n\n\n\n  para two  \n", "para one\n\npara two"),
        ("para one\n \t \npara two", "para one\n\npara two"),
        ("non\u00a0breaking", "non breaking"),
        ("CafÃ© au lait", "Café au lait"),  # UTF-8 read as Windows-1252
        ("e\u0301t\u00e9", "été"),  # NFC
        ("“curly” quotes stay", "“curly” quotes stay"),
        ("   \n\t\n ", ""),
        ("", ""),
    ],
)
def test_normalise_text(text: str, expected: str) -> None:
    assert normalise_text(text) == expected


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"plain text\n", False),
        (b"", False),
        (b"text with a NUL \x00 byte", True),
        (b"\x01\x02\x03\x04\x05\x06 mostly control", True),
        ("utf-16 text".encode("utf-16"), False),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", True),
    ],
)
def test_looks_binary(data: bytes, expected: bool) -> None:
    assert looks_binary(data) is expected


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_decode_bytes_never_raises_anything_else(data: bytes) -> None:
    with contextlib.suppress(UndecodableError):
        assert isinstance(decode_bytes(data), str)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_normalise_text_shape(text: str) -> None:
    out = normalise_text(text)
    assert out == out.strip()
    assert "\n\n\n" not in out
    assert "  " not in out
    assert "\t" not in out and "\r" not in out


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=200))
def test_ascii_fast_path_matches_ftfy(text: str) -> None:
    slow = unicodedata.normalize("NFC", ftfy.fix_text(text, _FTFY_CONFIG))
    assert normalise_text(text) == normalise_whitespace(slow)
