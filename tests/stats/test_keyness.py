"""Keyness: G2, Log Ratio and %DIFF worked by hand from the formulas.

The worked example is our own (we do not quote Rayson & Garside's published figures): a term
seen 10 times in a 1,000-token target and 20 times in a 4,000-token reference. Then
E1 = 1000 * 30 / 5000 = 6, E2 = 4000 * 30 / 5000 = 24 and
G2 = 2 (10 ln(10/6) + 20 ln(20/24)) = 2 (5.108256 - 3.646431) = 2.923650;
Log Ratio = log2((10/1000) / (20/4000)) = log2(2) = 1; %DIFF = (10000 - 5000) * 100 / 5000 = 100.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from pipeline.stats.keyness import (
    KEYNESS_COLUMNS,
    keyness,
    keyness_between,
    log_likelihood,
    log_ratio,
    percent_diff,
    select_documents,
)

from .conftest import make_corpus


@pytest.mark.parametrize(
    ("a", "b", "c", "d", "g2"),
    [
        (10, 20, 1000, 4000, 2.92365020356163),
        # zero reference cell contributes 0: E1 = E2 = 2.5, G2 = 2 * 5 ln 2
        (5, 0, 1000, 1000, 6.931471805599453),
        (0, 5, 1000, 1000, 6.931471805599453),
        # same rate in both: G2 = 0
        (3, 6, 100, 200, 0.0),
    ],
)
def test_log_likelihood(a, b, c, d, g2):
    assert float(log_likelihood(a, b, c, d)) == pytest.approx(g2, abs=1e-12)


@pytest.mark.parametrize(
    ("a", "b", "c", "d", "lr"),
    [
        (10, 20, 1000, 4000, 1.0),
        # Hardie: a zero is replaced by 0.5 -> log2((5/1000) / (0.5/1000)) = log2(10)
        (5, 0, 1000, 1000, 3.321928094887362),
        (0, 5, 1000, 1000, -3.321928094887362),
        (1, 4, 100, 100, -2.0),
    ],
)
def test_log_ratio(a, b, c, d, lr):
    assert float(log_ratio(a, b, c, d)) == pytest.approx(lr, abs=1e-12)


@pytest.mark.parametrize(
    ("nt", "nr", "diff"),
    [(10000.0, 5000.0, 100.0), (2500.0, 5000.0, -50.0), (0.0, 5000.0, -100.0), (5000.0, 0.0, 5e23)],
)
def test_percent_diff(nt, nr, diff):
    assert float(percent_diff(nt, nr)) == pytest.approx(diff)


def test_keyness_table():
    target = pd.Series({"x": 10, "y": 0, "z": 990})
    reference = pd.Series({"x": 20, "y": 8, "z": 3972})
    got = keyness(target, reference, min_freq=1)
    assert list(got.columns) == KEYNESS_COLUMNS
    assert got["term"].tolist() == ["y", "x", "z"]
    x = got.set_index("term").loc["x"]
    assert (x["freq_target"], x["freq_reference"]) == (10, 20)
    assert x["norm_target"] == pytest.approx(10_000.0)
    assert x["norm_reference"] == pytest.approx(5_000.0)
    assert x["log_likelihood"] == pytest.approx(2.92365020356163)
    assert x["p_value"] == pytest.approx(0.08729019706292858)
    assert x["log_ratio"] == pytest.approx(1.0)
    assert x["percent_diff"] == pytest.approx(100.0)
    assert x["direction"] == "positive"
    y = got.set_index("term").loc["y"]
    # y: a = 0, E2 = 4000 * 8 / 5000 = 6.4 -> G2 = 2 * 8 ln(8 / 6.4)
    assert y["log_likelihood"] == pytest.approx(2 * 8 * 1.0 * math.log(8 / 6.4))
    assert y["log_ratio"] == pytest.approx(math.log2((0.5 / 1000) / (8 / 4000)))
    assert y["percent_diff"] == pytest.approx(-100.0)
    assert y["direction"] == "negative"


def test_swapping_sides_flips_log_ratio_and_keeps_g2():
    target = pd.Series({"x": 10, "y": 0, "z": 990})
    reference = pd.Series({"x": 20, "y": 8, "z": 3972})
    forward = keyness(target, reference, min_freq=1).set_index("term").sort_index()
    backward = keyness(reference, target, min_freq=1).set_index("term").sort_index()
    assert backward["log_likelihood"].tolist() == pytest.approx(forward["log_likelihood"].tolist())
    assert backward["log_ratio"].tolist() == pytest.approx((-forward["log_ratio"]).tolist())
    assert (backward["direction"] != forward["direction"]).all()


@pytest.mark.parametrize(
    ("correction", "significant"),
    # p(w) = 0.0318 (22 vs 10 in equal 10,000-token corpora), p(v) tiny; 2 terms tested
    [("bonferroni", {"v": True, "w": False}), (None, {"v": True, "w": True})],
)
def test_bonferroni(correction, significant):
    target = pd.Series({"v": 200, "w": 22, "other": 9778})
    reference = pd.Series({"v": 10, "w": 10, "other": 9980})
    got = keyness(target, reference, min_freq=1, correction=correction, target_size=10000, reference_size=10000)
    got = got.loc[got["term"].isin(["v", "w"])].set_index("term")["significant"].to_dict()
    assert got == significant


def test_bonferroni_divides_by_terms_tested():
    target = pd.Series({"w": 22})
    reference = pd.Series({"w": 10})
    got = keyness(target, reference, min_freq=1, target_size=10000, reference_size=10000)
    assert got["p_value"].iloc[0] == pytest.approx(0.03175099144615634)
    assert bool(got["significant"].iloc[0])


@pytest.mark.parametrize(
    ("min_freq", "min_freq_target", "terms"),
    [(1, 0, ["a", "b", "c"]), (3, 0, ["a", "b"]), (1, 2, ["a", "c"])],
)
def test_minimum_frequencies(min_freq, min_freq_target, terms):
    target = pd.Series({"a": 5, "b": 1, "c": 2})
    reference = pd.Series({"a": 5, "b": 4, "c": 0})
    got = keyness(target, reference, min_freq=min_freq, min_freq_target=min_freq_target)
    assert sorted(got["term"]) == terms


def test_keyness_between_sub_corpora():
    tokens, documents = make_corpus(
        {
            "c1": [["we", "agree", "."], ["agree", "!"]],
            "c2": [["we", "lead"]],
            "b1": [["we", "manage", "and", "lead", "."]],
        },
        {"c1": {"doc_type": "comment"}, "c2": {"doc_type": "comment"}, "b1": {"doc_type": "blog_post"}},
    )
    got = keyness_between(
        tokens,
        documents,
        target={"doc_type": ["comment"]},
        reference={"doc_type": "blog_post"},
        min_freq=1,
    )
    # target: we agree agree we lead (5 words); reference: we manage and lead (4 words)
    assert got["freq_target"].sum() == 5
    assert got["freq_reference"].sum() == 4
    agree = got.set_index("term").loc["agree"]
    # E1 = 5 * 2 / 9, E2 = 4 * 2 / 9; b = 0 contributes 0
    assert agree["log_likelihood"] == pytest.approx(2 * 2 * math.log(2 / (10 / 9)))
    assert agree["norm_target"] == pytest.approx(400_000.0)


def test_keyness_between_complement_and_empty_side(caplog):
    tokens, documents = make_corpus(
        {"c1": [["a", "b"]], "b1": [["a", "c"]]},
        {"c1": {"doc_type": "comment"}, "b1": {"doc_type": "blog_post"}},
    )
    rest = keyness_between(tokens, documents, target={"doc_type": ["comment"]}, min_freq=1)
    assert rest["freq_reference"].sum() == 2
    empty = keyness_between(tokens, documents, target={"doc_type": ["tweet"]}, reference={"doc_type": ["blog_post"]})
    assert empty.empty
    assert list(empty.columns) == KEYNESS_COLUMNS
    assert "no tokens" in caplog.text


def test_keyness_between_separate_reference_corpus():
    tokens, documents = make_corpus({"t": [["a", "b", "b"]]})
    ref_tokens, _ = make_corpus({"r": [["a", "a", "c", "c"]]})
    got = keyness_between(tokens, documents, target={}, reference_tokens=ref_tokens, min_freq=1)
    assert got.set_index("term")[["freq_target", "freq_reference"]].to_dict("index") == {
        "a": {"freq_target": 1, "freq_reference": 2},
        "b": {"freq_target": 2, "freq_reference": 0},
        "c": {"freq_target": 0, "freq_reference": 2},
    }


def test_select_documents():
    _, documents = make_corpus(
        {"a": [["x"]], "b": [["x"]], "c": [["x"]]},
        {
            "a": {"doc_type": "comment", "year": 2012},
            "b": {"doc_type": "comment", "year": 2013},
            "c": {"doc_type": "blog_post", "year": 2012},
        },
    )
    assert list(select_documents(documents, {"doc_type": ["comment"], "year": [2012]})) == ["a"]
    assert list(select_documents(documents, {})) == ["a", "b", "c"]
    with pytest.raises(KeyError):
        select_documents(documents, {"nope": [1]})
