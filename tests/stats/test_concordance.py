"""KWIC lines cut from the document text, and AntConc-style L1/R1 sorting."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.stats.concordance import CONCORDANCE_COLUMNS, concordance, sort_concordance

TEXT = "Good  leadership matters.\nBad management hurts; good management helps."
WORDS = [  # (sent_id, start_char, text, norm)
    (0, 0, "Good", "good"),
    (0, 6, "leadership", "leadership"),
    (0, 17, "matters", "matter"),
    (0, 24, ".", "."),
    (1, 26, "Bad", "bad"),
    (1, 30, "management", "management"),
    (1, 41, "hurts", "hurt"),
    (1, 46, ";", ";"),
    (1, 48, "good", "good"),
    (1, 53, "management", "management"),
    (1, 64, "helps", "help"),
    (1, 69, ".", "."),
]


@pytest.fixture
def tables():
    tokens = pd.DataFrame(
        [
            {
                "doc_id": "d",
                "sent_id": s,
                "token_id": i,
                "start_char": c,
                "text": w,
                "lower": w.lower(),
                "norm": n,
            }
            for i, (s, c, w, n) in enumerate(WORDS)
        ]
    )
    for _, c, w, _ in WORDS:
        assert TEXT[c : c + len(w)] == w
    documents = pd.DataFrame([{"doc_id": "d", "text": TEXT, "source": "s.txt", "doc_type": "blog_post"}])
    return tokens, documents


def test_concordance_by_norm_keeps_spacing(tables):
    tokens, documents = tables
    got = concordance(tokens, documents, query="leadership", width=2)
    assert list(got.columns) == CONCORDANCE_COLUMNS
    assert got.values.tolist() == [["leadership", "d", 0, 1, "Good", "leadership", "matters.", "s.txt", "blog_post"]]


@pytest.mark.parametrize(
    ("query", "by", "width", "unit", "lines"),
    [
        (
            "MANAGEMENT",
            "family",
            3,
            "tokens",
            [("matters. Bad", "management", "hurts; good"), ("hurts; good", "management", "helps.")],
        ),
        (
            "Management",
            "lower",
            1,
            "tokens",
            [("Bad", "management", "hurts"), ("good", "management", "helps")],
        ),
        ("good management", "phrase", 1, "tokens", [(";", "good management", "helps")]),
        ("matter", "norm", 5, "chars", [("ship", "matters", ". Bad")]),
        (
            "leadership",
            "norm",
            40,
            "tokens",
            [("Good", "leadership", "matters. Bad management hurts; good management helps.")],
        ),
    ],
)
def test_concordance_queries(tables, query, by, width, unit, lines):
    tokens, documents = tables
    got = concordance(
        tokens,
        documents,
        query=query,
        by=by,
        width=width,
        width_unit=unit,
        families={"management": {"management"}},
    )
    assert list(zip(got["left"], got["node"], got["right"], strict=True)) == lines


def test_no_hit_gives_empty_table(tables):
    tokens, documents = tables
    got = concordance(tokens, documents, query="absent")
    assert got.empty
    assert list(got.columns) == CONCORDANCE_COLUMNS


def test_bad_by_is_refused(tables):
    tokens, documents = tables
    with pytest.raises(ValueError):
        concordance(tokens, documents, query="x", by="pos")


LINES = pd.DataFrame(
    {
        "doc_id": ["a", "a", "b", "c"],
        "token_id": [1, 9, 2, 3],
        "left": ["the new", "a Good", "the", "good"],
        "node": ["leader"] * 4,
        "right": ["was late", "is rare", "Was early", "was"],
    }
)


@pytest.mark.parametrize(
    ("by", "order"),
    [
        # R1 "was" x3 then "is"... R2: "" < "early" < "late"
        ("right", [("a", 9), ("c", 3), ("b", 2), ("a", 1)]),
        # L1: good good new the; the two "good": L2 "" (c) < "a" (a,9)
        ("left", [("c", 3), ("a", 9), ("a", 1), ("b", 2)]),
    ],
)
def test_sort_concordance(by, order):
    got = sort_concordance(LINES, by=by)
    assert list(zip(got["doc_id"], got["token_id"], strict=True)) == order
    assert list(got.columns) == list(LINES.columns)
