"""Frequency lists: counts, rates, document frequency and DP worked by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from pipeline.stats.frequency import frequency_list, term_counts

from .conftest import make_corpus

# d1: a b a .   (3 words)   d2: a c   (2 words)   d3: b b c c c   (5 words)   N = 10
DOCS = {"d1": [["a", "b", "a", "."]], "d2": [["A", "c"]], "d3": [["b", "b"], ["c", "c", "c"]]}
META = {"d1": {"doc_type": "x"}, "d2": {"doc_type": "x"}, "d3": {"doc_type": "y"}}


@pytest.fixture
def corpus():
    return make_corpus(DOCS, META)


def _rows(df: pd.DataFrame) -> list[tuple]:
    return [
        tuple(None if isinstance(v, float) and math.isnan(v) else v for v in row) for row in df.itertuples(index=False)
    ]


def test_frequency_list_whole_corpus(corpus):
    tokens, documents = corpus
    got = frequency_list(tokens, documents)
    assert list(got.columns) == ["term", "count", "per_million", "doc_freq", "dp", "dp_norm"]
    # c: v/f = 0 .25 .75 against s = .3 .2 .5 -> (.3 + .05 + .25)/2 = .3, /.8 = .375
    # a: (.3667 + .1333 + .5)/2 = .5, /.8 = .625; b: (.0333 + .2 + .1667)/2 = .2, /.8 = .25
    expected = [
        ("c", 4, 400_000.0, 2, 0.3, 0.375),
        ("a", 3, 300_000.0, 2, 0.5, 0.625),
        ("b", 3, 300_000.0, 2, 0.2, 0.25),
    ]
    assert [r[:4] for r in _rows(got)] == [e[:4] for e in expected]
    assert got["dp"].tolist() == pytest.approx([e[4] for e in expected])
    assert got["dp_norm"].tolist() == pytest.approx([e[5] for e in expected])


def test_counts_sum_to_word_tokens(corpus):
    tokens, documents = corpus
    assert frequency_list(tokens, documents)["count"].sum() == 10
    assert frequency_list(tokens, documents, exclude_punct=False)["count"].sum() == 11


@pytest.mark.parametrize(
    ("unit", "terms"),
    [("norm", ["c", "a", "b"]), ("text", ["c", "b", "a", "A"])],
)
def test_unit_column(corpus, unit, terms):
    tokens, documents = corpus
    assert frequency_list(tokens, documents, unit=unit)["term"].tolist() == terms


def test_by_doc_type_each_group_is_a_subcorpus(corpus):
    tokens, documents = corpus
    got = frequency_list(tokens, documents, by="doc_type")
    assert list(got.columns) == ["doc_type", "term", "count", "per_million", "doc_freq", "dp", "dp_norm"]
    # x: d1 (3) + d2 (2) = 5 words; y: d3 = 5 words, one part -> DP 0, DPnorm undefined
    assert [r[:5] for r in _rows(got)] == [
        ("x", "a", 3, 600_000.0, 2),
        ("x", "b", 1, 200_000.0, 1),
        ("x", "c", 1, 200_000.0, 1),
        ("y", "c", 3, 600_000.0, 1),
        ("y", "b", 2, 400_000.0, 1),
    ]
    # x, s = .6 .4: a v/f 2/3 1/3 -> 1/15, /.6; b (.4 + .4)/2; c (.6 + .6)/2
    assert got["dp"].tolist() == pytest.approx([1 / 15, 0.4, 0.6, 0.0, 0.0])
    assert got["dp_norm"].tolist()[:3] == pytest.approx([1 / 9, 2 / 3, 1.0])
    assert got["dp_norm"].iloc[3:].isna().all()


def test_stop_words_drop_terms_but_not_corpus_size(corpus):
    tokens, documents = corpus
    got = frequency_list(tokens, documents, stop_words={"a"})
    assert got["term"].tolist() == ["c", "b"]
    assert got["per_million"].tolist() == [400_000.0, 300_000.0]


def test_min_count(corpus):
    tokens, documents = corpus
    assert frequency_list(tokens, documents, min_count=4)["term"].tolist() == ["c"]


def test_phrases_count_each_span_once(corpus):
    tokens, documents = corpus
    phrases = pd.DataFrame(
        [
            ("d1", 0, "a b", "noun_chunk", 0, 3),
            ("d1", 0, "a b", "collocation", 0, 3),
            ("d3", 0, "b c", "collocation", 2, 5),
            ("d3", 1, "b c", "collocation", 6, 9),
        ],
        columns=["doc_id", "sent_id", "phrase", "kind", "start_char", "end_char"],
    )
    got = frequency_list(tokens, documents, unit="phrase", phrases=phrases)
    # "b c": all in d3 (s = .5): (|1 - .5| + .3 + .2)/2 = .5; "a b": in d1 (s = .3): (.7 + .2 + .5)/2
    assert [r[:4] for r in _rows(got)] == [("b c", 2, 200_000.0, 1), ("a b", 1, 100_000.0, 1)]
    assert got["dp"].tolist() == pytest.approx([0.5, 0.7])


def test_empty_phrases_give_empty_table_with_columns(corpus):
    tokens, documents = corpus
    got = frequency_list(tokens, documents, unit="phrase", phrases=None, by="doc_type")
    assert got.empty
    assert list(got.columns) == ["doc_type", "term", "count", "per_million", "doc_freq", "dp", "dp_norm"]


def test_term_counts_sorted_by_term(corpus):
    tokens, _ = corpus
    got = term_counts(tokens, stop_words={"b"})
    assert got.to_dict() == {"a": 3, "c": 4}
    assert list(got.index) == ["a", "c"]


def test_deterministic(corpus):
    tokens, documents = corpus
    first = frequency_list(tokens, documents, by="doc_type")
    second = frequency_list(tokens.sample(frac=1, random_state=3), documents, by="doc_type")
    pd.testing.assert_frame_equal(first, second, check_exact=True)
