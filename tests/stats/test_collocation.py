"""Window collocations and dependency collocates, worked by hand.

Corpus: d1 = "x a b x c" + "a b" (two sentences), d2 = twenty "z": N = 27 word tokens.
Node x (f = 2) with window (2, 2), span 4, inside sentences: x@0 sees a b, x@3 sees a b and c,
so O(a) = O(b) = 2, O(c) = 1. E(a) = 2 * 2 * 4 / 27 = 16/27; MI = log2(27/8);
logDice = 14 + log2(2 * 2 / (2 + 2)) = 14; t = (2 - 16/27) / sqrt(2);
G2 over the table O11 = 2, O12 = 8 - 2, O21 = 2 - 2, O22 = 27 - 8 - 2 + 2 = 19
(E = R C / N) = 5.26144848468302 (scipy's chi2_contingency(lambda_="log-likelihood") agrees).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency

from pipeline.stats.collocation import (
    COLLOCATION_COLUMNS,
    collocations,
    grammatical_collocates,
    log_dice,
    log_likelihood_2x2,
)

from .conftest import make_corpus

DOCS = {"d1": [["x", "a", "b", "x", "c"], ["a", "b"]], "d2": [["z"] * 20]}


@pytest.fixture
def tokens():
    return make_corpus(DOCS)[0]


def test_collocations_hand_worked(tokens):
    got = collocations(tokens, nodes=["x"], window=(2, 2), min_freq=1, families={})
    assert list(got.columns) == COLLOCATION_COLUMNS
    assert got["collocate"].tolist() == ["a", "b", "c"]
    assert got["observed"].tolist() == [2, 2, 1]
    assert got["freq_node"].tolist() == [2, 2, 2]
    assert got["freq_collocate"].tolist() == [2, 2, 1]
    assert got["expected"].tolist() == pytest.approx([16 / 27, 16 / 27, 8 / 27])
    assert got["mi"].tolist() == pytest.approx([math.log2(27 / 8)] * 3)
    assert got["log_dice"].tolist() == pytest.approx([14.0, 14.0, 14 + math.log2(2 / 3)])
    assert got["t_score"].tolist() == pytest.approx([(2 - 16 / 27) / math.sqrt(2)] * 2 + [19 / 27])
    assert got["log_likelihood"].iloc[0] == pytest.approx(5.26144848468302)


@pytest.mark.parametrize(
    ("kwargs", "observed"),
    [
        ({}, {"a": 2, "b": 2, "c": 1}),
        ({"within_sentence": False}, {"a": 3, "b": 2, "c": 1}),
        ({"window": (0, 1)}, {"a": 1, "c": 1}),
        ({"window": (1, 0)}, {"b": 1}),
        ({"min_freq": 2}, {"a": 2, "b": 2}),
        ({"stop_words": {"a"}}, {"b": 2, "c": 1}),
    ],
)
def test_collocation_options(tokens, kwargs, observed):
    params = {"nodes": ["x"], "window": (2, 2), "min_freq": 1, "families": {}} | kwargs
    got = collocations(tokens, **params)
    assert dict(zip(got["collocate"], got["observed"], strict=True)) == observed


def test_windows_never_cross_documents():
    tokens, _ = make_corpus({"e1": [["q", "x"]], "e2": [["y", "q"]]})
    got = collocations(tokens, nodes=["x"], window=(3, 3), min_freq=1, within_sentence=False, families={})
    assert got["collocate"].tolist() == ["q"]


def test_punctuation_takes_no_slot():
    tokens, _ = make_corpus({"d": [["x", ",", "a", "b"]]})
    got = collocations(tokens, nodes=["x"], window=(0, 1), min_freq=1, families={})
    assert got["collocate"].tolist() == ["a"]


def test_family_node_expands_and_min_node_freq(families):
    tokens, _ = make_corpus({"d": [["leader", "good", "."], ["good", "leadership"], ["manager", "bad"]]})
    got = collocations(tokens, window=(1, 1), min_freq=1, min_node_freq=2, families=families)
    # LEADERSHIP = leader + leadership (f = 2); MANAGEMENT (f = 1) is below min_node_freq
    assert got[["node", "collocate", "observed", "freq_node"]].values.tolist() == [["LEADERSHIP", "good", 2, 2]]


def test_log_likelihood_2x2_matches_scipy():
    table = np.array([[10, 90], [40, 860]])
    expected = chi2_contingency(table, correction=False, lambda_="log-likelihood")[0]
    assert float(log_likelihood_2x2(10, 100, 50, 1000)) == pytest.approx(expected)


def test_log_dice_maximum_is_14():
    assert float(log_dice(5, 5, 5)) == 14.0


def _parsed(rows):
    columns = ["doc_id", "sent_id", "token_id", "text", "pos", "dep", "head"]
    df = pd.DataFrame(rows, columns=columns)
    df["lower"] = df["text"].str.lower()
    df["norm"] = df["lower"]
    df["is_punct"] = df["pos"] == "PUNCT"
    return df


PARSED = _parsed(
    [
        # "clinical leadership matters ."
        ("p", 0, 0, "clinical", "ADJ", "amod", 1),
        ("p", 0, 1, "leadership", "NOUN", "nsubj", 2),
        ("p", 0, 2, "matters", "VERB", "ROOT", 2),
        ("p", 0, 3, ".", "PUNCT", "punct", 2),
        # "we invest in leadership and management"
        ("p", 1, 4, "we", "PRON", "nsubj", 5),
        ("p", 1, 5, "invest", "VERB", "ROOT", 5),
        ("p", 1, 6, "in", "ADP", "prep", 5),
        ("p", 1, 7, "leadership", "NOUN", "pobj", 6),
        ("p", 1, 8, "and", "CCONJ", "cc", 7),
        ("p", 1, 9, "management", "NOUN", "conj", 7),
        # "management was restructured ; NHS management ..."
        ("q", 0, 0, "management", "NOUN", "nsubjpass", 2),
        ("q", 0, 1, "was", "AUX", "auxpass", 2),
        ("q", 0, 2, "restructured", "VERB", "ROOT", 2),
        ("q", 1, 3, "they", "PRON", "nsubj", 4),
        ("q", 1, 4, "need", "VERB", "ROOT", 4),
        ("q", 1, 5, "clinical", "ADJ", "amod", 6),
        ("q", 1, 6, "leadership", "NOUN", "dobj", 4),
    ]
)


def test_grammatical_collocates(families):
    got = grammatical_collocates(PARSED, families=families)
    assert got.values.tolist() == [
        ["LEADERSHIP", "amod", "clinical", 2, 2],
        ["LEADERSHIP", "conj", "management", 1, 1],
        ["LEADERSHIP", "object_of", "need", 1, 1],
        ["LEADERSHIP", "prep_object_of", "invest in", 1, 1],
        ["LEADERSHIP", "subject_of", "matters", 1, 1],
        ["MANAGEMENT", "conj", "leadership", 1, 1],
        ["MANAGEMENT", "passive_subject_of", "restructured", 1, 1],
    ]


def test_grammatical_min_count_and_plain_node(families):
    got = grammatical_collocates(PARSED, nodes=["leadership"], min_count=2, families=families)
    assert got.values.tolist() == [["leadership", "amod", "clinical", 2, 2]]
