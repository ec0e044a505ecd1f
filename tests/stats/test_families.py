"""Leadership versus management: rates, collocate profiles, co-occurring sentences."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from pipeline.stats.families import compare_collocates, family_cooccurrence, family_rates, load_families

from .conftest import make_corpus

DOCS = {
    "a": [["Leadership", "and", "management", "."], ["Leaders", "lead", "."]],
    "b": [["manager", "x", "y", "z"]],
    "c": [["nothing", "here"]],
}
META = {
    "a": {"doc_type": "blog_post", "source": "s1"},
    "b": {"doc_type": "comment", "source": "s1"},
    "c": {"doc_type": "comment", "source": "s2"},
}
FAMS = {"leadership": {"leadership", "leaders", "lead"}, "management": {"management", "manager"}}


@pytest.fixture
def corpus():
    return make_corpus(DOCS, META)


def test_family_names_are_upper_cased():
    assert sorted(load_families(FAMS)) == ["LEADERSHIP", "MANAGEMENT"]


@pytest.mark.parametrize(
    ("by", "rows"),
    [
        (
            "doc_type",
            [
                ("blog_post", "LEADERSHIP", 3, 5),
                ("blog_post", "MANAGEMENT", 1, 5),
                ("comment", "LEADERSHIP", 0, 6),
                ("comment", "MANAGEMENT", 1, 6),
            ],
        ),
        (
            "source",
            [
                ("s1", "LEADERSHIP", 3, 9),
                ("s1", "MANAGEMENT", 2, 9),
                ("s2", "LEADERSHIP", 0, 2),
                ("s2", "MANAGEMENT", 0, 2),
            ],
        ),
    ],
)
def test_family_rates(corpus, by, rows):
    tokens, documents = corpus
    got = family_rates(tokens, documents, by=by, families=FAMS)
    assert list(got.columns) == ["group", "family", "count", "tokens", "per_million"]
    assert [tuple(r) for r in got[["group", "family", "count", "tokens"]].values.tolist()] == rows
    assert got["per_million"].tolist() == pytest.approx([c / n * 1e6 for _, _, c, n in rows])


def test_compare_collocates():
    colloc = pd.DataFrame(
        {
            "node": ["LEADERSHIP", "LEADERSHIP", "MANAGEMENT", "MANAGEMENT"],
            "collocate": ["clinical", "team", "team", "budget"],
            "observed": [5, 3, 4, 6],
            "expected": [1.0, 1.0, 1.0, 1.0],
            "mi": [1.0, 2.0, 3.0, 4.0],
            "log_dice": [12.0, 10.0, 11.0, 13.0],
            "t_score": [1.0, 1.0, 1.0, 1.0],
            "log_likelihood": [1.0, 1.0, 1.0, 1.0],
        }
    )
    got = compare_collocates(colloc)
    assert got["collocate"].tolist() == ["budget", "clinical", "team"]
    assert got["label"].tolist() == ["only_management", "only_leadership", "shared"]
    team = got.set_index("collocate").loc["team"]
    assert (team["observed_a"], team["observed_b"], team["log_dice_diff"]) == (3, 4, -1.0)
    assert math.isnan(got.set_index("collocate").loc["budget", "log_dice_diff"])


def test_family_cooccurrence(corpus):
    tokens, documents = corpus
    sentences = pd.DataFrame(
        {
            "doc_id": ["a", "a", "b"],
            "sent_id": [0, 1, 0],
            "text": ["Leadership and management .", "Leaders lead .", "manager x y z"],
        }
    )
    got = family_cooccurrence(tokens, sentences, documents, families=FAMS)
    assert got.values.tolist() == [
        ["a", 0, "Leadership and management .", "blog_post", "s1", "leadership", "management"]
    ]
    assert list(got.columns)[-2:] == ["leadership_terms", "management_terms"]
