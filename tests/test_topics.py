"""Tests of pipeline.topics: bag-of-words units, dictionary, k range/choice, LDA and NMF fits."""

from __future__ import annotations

import random
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from pipeline.config import NormaliseConfig, TopicsConfig
from pipeline.topics import (
    TABLE_COLUMNS,
    bag_of_words_units,
    choose_k,
    document_topic_weights,
    k_range,
    sorted_dictionary,
    topic_models,
)

PLANTED = [
    ["budget", "finance", "cost", "audit", "invoice", "payroll", "revenue", "spending"],
    ["nurse", "ward", "patient", "bedside", "shift", "clinic", "wound", "triage"],
    ["vision", "mentor", "coach", "inspire", "empower", "trust", "values", "courage"],
]
FAST = {"passes": 5, "iterations": 50, "coherence_topn": 5, "seed": 7}


def fit_topics(tokens, documents, phrases, *, params, work_dir):
    """topic_models with a [topics] section built from ``params`` (``seed`` and ``normalise`` apart)."""
    params = dict(params)
    seed = params.pop("seed", 42)
    normalise = NormaliseConfig(**params.pop("normalise", {}))
    return topic_models(
        tokens, documents, phrases, config=TopicsConfig(**params), normalise=normalise, seed=seed, work_dir=work_dir
    )


def make_tables(texts: dict[str, str], *, doc_type: str = "blog_post") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Documents and tokens tables from whitespace-separated texts (a cheap, exact 'parse').

    ``the``/``and`` are stop determiners/conjunctions, ``.`` punctuation, words ending in ``ly``
    adverbs, ``X9``-like words non-alphabetic nouns, every other word a noun with itself as norm.
    """
    doc_rows, tok_rows = [], []
    for doc_id in sorted(texts):
        text = texts[doc_id]
        doc_rows.append({"doc_id": doc_id, "doc_type": doc_type, "text": text})
        pos = 0
        for token_id, word in enumerate(text.split()):
            start = text.index(word, pos)
            pos = start + len(word)
            tag = (
                "DET"
                if word in ("the", "and")
                else "PUNCT"
                if word == "."
                else "ADV"
                if word.endswith("ly")
                else "NOUN"
            )
            tok_rows.append(
                {
                    "doc_id": doc_id,
                    "sent_id": 0,
                    "token_id": token_id,
                    "start_char": start,
                    "text": word,
                    "norm": word.lower(),
                    "pos": tag,
                    "is_stop": word in ("the", "and"),
                    "is_punct": word == ".",
                    "is_alpha": word.isalpha(),
                }
            )
    return pd.DataFrame(doc_rows), pd.DataFrame(tok_rows)


def planted_corpus(n_docs: int = 60, length: int = 20, seed: int = 0) -> dict[str, str]:
    """Short documents, each drawn from one of the planted topics' disjoint word sets."""
    rng = random.Random(seed)
    texts = {}
    for i in range(n_docs):
        words = PLANTED[i % len(PLANTED)]
        texts[f"syn:d:{i:03d}"] = " ".join(["the", *rng.choices(words, k=length), "."])
    return texts


@pytest.fixture(scope="module")
def planted_result(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    documents, tokens = make_tables(planted_corpus())
    params = {**FAST, "k_min": 2, "k_max": 6, "coherence_topn": 10}
    return fit_topics(tokens, documents, None, params=params, work_dir=tmp_path_factory.mktemp("topics"))


# ---------------------------------------------------------------- bag of words


def test_bag_of_words_filters_and_orders_terms() -> None:
    documents, tokens = make_tables(
        {
            "c:a:1": "the Budget and X9 quickly a ward cost .",
            "c:a:0": "nurse the ward",
        }
    )
    units = bag_of_words_units(tokens, documents, None, stop_words=frozenset({"cost"}))
    assert units.to_dict("list") == {
        "doc_id": ["c:a:0", "c:a:1"],
        "paragraph": [0, 0],
        # 'X9' is not alphabetic, 'quickly' an adverb, 'a' too short, 'cost' a stop word.
        "terms": [["nurse", "ward"], ["budget", "ward"]],
    }


@pytest.mark.parametrize(
    ("pos", "keep_words", "expected"),
    [
        (("NOUN",), (), ["budget", "ward"]),
        ((), (), ["budget", "quickly", "ward"]),
        (("NOUN", "DET"), ("the",), ["the", "budget", "the", "ward"]),
    ],
)
def test_bag_of_words_pos_and_keep_words(pos, keep_words, expected) -> None:
    documents, tokens = make_tables({"c:a:0": "the budget quickly the ward ."})
    units = bag_of_words_units(tokens, documents, None, pos=pos, keep_words=keep_words)
    assert units["terms"].tolist() == [expected]


def test_collocation_replaces_the_tokens_it_spans() -> None:
    text = "quality improvement helps the ward and quality staff"
    documents, tokens = make_tables({"c:a:0": text})
    phrases = pd.DataFrame(
        {
            "doc_id": ["c:a:0", "c:a:0"],
            "sent_id": [0, 0],
            "phrase": ["quality improvement", "the ward"],
            "kind": ["collocation", "noun_chunk"],
            "start_char": [0, 29],
            "end_char": [19, 37],
        }
    )
    units = bag_of_words_units(tokens, documents, phrases)
    assert units["terms"].tolist() == [["quality_improvement", "helps", "ward", "quality", "staff"]]


def test_overlapping_collocations_remove_every_token_they_span() -> None:
    text = "patient safety culture change matters"
    documents, tokens = make_tables({"c:a:0": text})
    phrases = pd.DataFrame(
        {
            "doc_id": ["c:a:0", "c:a:0"],
            "sent_id": [0, 0],
            "kind": ["collocation"] * 2,
            "phrase": ["patient safety culture change", "safety culture"],
            "start_char": [0, 8],
            "end_char": [29, 22],
        }
    )
    units = bag_of_words_units(tokens, documents, phrases)
    assert units["terms"].tolist() == [["patient_safety_culture_change", "safety_culture", "matters"]]


def test_paragraph_units_follow_blank_lines() -> None:
    text = "budget cost\n\nnurse ward ward\n \nthe .\n\ncoach"
    documents, tokens = make_tables({"c:a:0": text, "c:b:0": "vision trust"})
    phrases = pd.DataFrame(
        {
            "doc_id": ["c:a:0"],
            "sent_id": [1],
            "phrase": ["nurse ward"],
            "kind": ["collocation"],
            "start_char": [13],
            "end_char": [23],
        }
    )
    units = bag_of_words_units(tokens, documents, phrases, unit="paragraph")
    assert units.to_dict("list") == {
        "doc_id": ["c:a:0", "c:a:0", "c:a:0", "c:a:0", "c:b:0"],
        "paragraph": [0, 1, 2, 3, 0],
        "terms": [["budget", "cost"], ["nurse_ward", "ward"], [], ["coach"], ["vision", "trust"]],
    }


# ---------------------------------------------------------------- dictionary, k


def test_sorted_dictionary_ids_do_not_depend_on_unit_order() -> None:
    texts = [["zeta", "alpha", "mid"], ["mid", "beta"], ["alpha", "mid", "zeta", "zeta"]]
    forward, backward = sorted_dictionary(texts), sorted_dictionary(texts[::-1])
    assert forward.token2id == backward.token2id == {"alpha": 0, "beta": 1, "mid": 2, "zeta": 3}
    assert forward.dfs == {0: 2, 1: 1, 2: 3, 3: 2}
    assert forward.cfs == {0: 2, 1: 1, 2: 3, 3: 3}
    assert (forward.num_docs, forward.num_pos, forward.num_nnz) == (3, 9, 8)
    # keep_n=1 among the tied df=2 terms keeps the alphabetically first, then ids are compacted.
    forward.filter_extremes(no_below=2, no_above=0.9, keep_n=1)
    assert forward.token2id == {"alpha": 0}


@pytest.mark.parametrize(
    ("n_units", "n_terms", "k_min", "k_max", "expected"),
    [
        (60, 100, 2, 6, [2, 3, 4, 5, 6]),
        (30, 100, 2, 20, list(range(2, 16))),
        (10, 100, 8, 12, [5]),
        (10, 3, 2, 12, [2, 3]),
        (3, 100, 2, 12, []),
        (10, 1, 2, 12, []),
    ],
)
def test_k_range(n_units, n_terms, k_min, k_max, expected) -> None:
    assert k_range(n_units, n_terms, k_min=k_min, k_max=k_max) == expected


@pytest.mark.parametrize(
    ("ks", "c_v", "k", "reason"),
    [
        ([2, 3, 4], [0.4, 0.6, 0.5], 3, "k=3 has the highest LDA c_v (0.6000) of k=2..4; next best k=4 (c_v 0.5000)"),
        (
            [2, 3, 4],
            [0.5, 0.5000000001, 0.2],
            2,
            "k=2 has the highest LDA c_v (0.5000) of k=2..4; next best k=3 (c_v 0.5000); "
            "tied values resolved to the smaller k",
        ),
        ([2, 3], [float("nan"), 0.1], 3, "k=3 has the highest LDA c_v (0.1000) of k=2..3; c_v undefined for k=2"),
        ([3, 2], [float("nan"), float("nan")], 2, "c_v undefined for every k; the smallest k=2 is reported"),
    ],
)
def test_choose_k(ks, c_v, k, reason) -> None:
    assert choose_k(ks, c_v) == (k, reason)


def test_document_topic_weights_are_token_weighted_means() -> None:
    weights = document_topic_weights(
        ["b", "a", "b"],
        np.array([[1.0, 0.0], [0.25, 0.75], [0.0, 1.0]]),
        np.array([3, 2, 1]),
    )
    assert weights.index.tolist() == ["a", "b"]
    assert weights.to_numpy().tolist() == [[0.25, 0.75], [0.75, 0.25]]


# ---------------------------------------------------------------- the stage


def _top_sets(result: dict[str, pd.DataFrame], model: str, n: int) -> list[set[str]]:
    terms = result["topic_terms"]
    terms = terms[(terms["model"] == model) & (terms["rank"] <= n)]
    return [set(g["term"]) for _, g in terms.groupby("topic")]


@pytest.mark.parametrize("model", ["lda", "nmf"])
def test_planted_topics_are_recovered(planted_result, model) -> None:
    assert planted_result["topic_model_info"].set_index("key").loc["chosen_k", "value"] == "3"
    assert sorted(map(sorted, _top_sets(planted_result, model, 8))) == sorted(map(sorted, PLANTED))


def test_coherence_peaks_at_the_planted_k(planted_result) -> None:
    coherence = planted_result["coherence_by_k"].set_index(["model", "k"])
    for model in ("lda", "nmf"):
        assert coherence.loc[(model, 3), "c_v"] > coherence.loc[(model, 6), "c_v"]
        assert coherence.loc[(model, 3), "c_npmi"] > coherence.loc[(model, 6), "c_npmi"]
    assert coherence["chosen"].groupby("model").sum().tolist() == [1, 1]
    assert coherence.loc[coherence["chosen"]].index.get_level_values("k").tolist() == [3, 3]


def test_tables_have_contracted_columns_and_consistent_weights(planted_result) -> None:
    for name, columns in TABLE_COLUMNS.items():
        assert planted_result[name].columns.tolist() == columns, name
    doc_topics = planted_result["doc_topics"]
    assert len(doc_topics) == 2 * 60 * 3
    np.testing.assert_allclose(doc_topics.groupby(["model", "doc_id"])["weight"].sum(), 1.0)
    summary = planted_result["topic_summary"]
    np.testing.assert_allclose(summary.groupby("model")["prevalence"].sum(), 1.0)
    assert (summary["prevalence"] > 0.2).all()  # three equal planted topics
    by_type = planted_result["topic_prevalence_by_doc_type"]
    assert by_type["doc_type"].unique().tolist() == ["blog_post"]
    matching = planted_result["topic_matching"]
    # Each LDA topic meets a different NMF topic sharing its whole planted word set (the top-10
    # lists end in two near-zero foreign words, so the Jaccard overlap is at least 8/12).
    assert sorted(matching["nmf_topic"]) == [0, 1, 2]
    assert (matching["jaccard"] >= 8 / 12).all()
    for shared in matching["shared_terms"]:
        assert any(set(words) <= set(shared.split(", ")) for words in PLANTED)


def test_small_corpus_note(planted_result) -> None:
    info = planted_result["topic_model_info"].set_index("key")["value"]
    assert info["note"] == "only 60 units (< 200): topics on so few texts are indicative only"
    assert info["units"] == "60" and info["vocabulary_size"] == "24" and info["k_range"] == "2..6"
    assert info["reason"].startswith("k=3 has the highest LDA c_v")
    assert info["reason"].endswith(
        f"; NMF is reported at the same k for comparison (its own highest c_v is at k={info['nmf_best_k']})"
    )


def test_repeated_runs_give_identical_tables(tmp_path: Path) -> None:
    documents, tokens = make_tables(planted_corpus(n_docs=24, seed=3))
    params = {**FAST, "k_min": 2, "k_max": 4, "alpha": "auto"}
    first = fit_topics(tokens, documents, None, params=params, work_dir=tmp_path / "a")
    # Row order of the inputs must not matter either.
    second = fit_topics(
        tokens.sample(frac=1.0, random_state=1), documents[::-1], None, params=params, work_dir=tmp_path / "b"
    )
    assert first.keys() == second.keys()
    for name in first:
        pd.testing.assert_frame_equal(first[name], second[name], check_exact=True)


def test_paragraph_units_aggregate_to_documents(tmp_path: Path) -> None:
    base = planted_corpus(n_docs=24, seed=5)
    # Pair documents so each has two paragraphs from different planted topics.
    keys = sorted(base)
    texts = {f"syn:p:{i:03d}": base[keys[2 * i]] + "\n\n" + base[keys[2 * i + 1]] for i in range(12)}
    documents, tokens = make_tables(texts)
    result = fit_topics(tokens, documents, None, params={**FAST, "unit": "paragraph"}, work_dir=tmp_path)
    info = result["topic_model_info"].set_index("key")["value"]
    assert (info["unit"], info["units"], info["documents_with_terms"]) == ("paragraph", "24", "12")
    doc_topics = result["doc_topics"]
    assert sorted(doc_topics["doc_id"].unique()) == sorted(texts)
    np.testing.assert_allclose(doc_topics.groupby(["model", "doc_id"])["weight"].sum(), 1.0)


def test_too_small_corpus_gives_empty_tables_with_a_note(tmp_path: Path) -> None:
    documents, tokens = make_tables({"c:a:0": "budget cost", "c:a:1": "budget nurse", "c:a:2": "the ."})
    result = fit_topics(tokens, documents, None, params={"no_above": 1.0}, work_dir=tmp_path)
    assert sorted(result) == sorted(TABLE_COLUMNS)
    for name in TABLE_COLUMNS:
        if name != "topic_model_info":
            assert result[name].empty and result[name].columns.tolist() == TABLE_COLUMNS[name]
    assert result["coherence_by_k"].dtypes.astype(str).tolist() == [
        "object",
        "int64",
        "float64",
        "float64",
        "float64",
        "bool",
    ]
    info = result["topic_model_info"].set_index("key")["value"]
    assert info["note"] == (
        "too small for topic models: 2 units with terms and a vocabulary of 1 "
        "after filtering (need >= 4 units and >= 2 terms)"
    )


@pytest.mark.parametrize(
    ("section", "params", "key"),
    [
        (TopicsConfig, {"unit": "sentence"}, "unit"),
        (TopicsConfig, {"alpha": "asymmetric"}, "alpha"),
        (TopicsConfig, {"k_min": 5, "k_max": 3}, "k_max must be >= k_min"),
        (TopicsConfig, {"passes": 0}, "passes"),
        (TopicsConfig, {"no_above": 1.5}, "no_above"),
        (TopicsConfig, {"pos": "NOUN"}, "pos"),
        (TopicsConfig, {"topics": 3}, "topics"),
        (TopicsConfig, {"include_nmf": "no"}, "include_nmf"),
        (NormaliseConfig, {"stop_list": []}, "stop_list"),
        (NormaliseConfig, {"stop_extra": "nhs"}, "stop_extra"),
    ],
)
def test_bad_params_are_refused_by_the_schema(section, params, key) -> None:
    with pytest.raises(ValidationError, match=re.escape(key)):
        section(**params)


def test_normalise_stop_extra_and_keep_reach_the_vocabulary(tmp_path: Path) -> None:
    texts = {k: v.replace(" .", " and .") for k, v in planted_corpus(n_docs=12).items()}
    documents, tokens = make_tables(texts)
    params = {
        **FAST,
        "k_max": 2,
        "include_nmf": False,
        "pos": (),
        "no_above": 1.0,
        "normalise": {"stop_extra": ["budget", "ward"], "stop_keep": ["and"]},
    }
    result = fit_topics(tokens, documents, None, params=params, work_dir=tmp_path)
    vocab = set((tmp_path / "dictionary.txt").read_text().split())
    assert {"budget", "ward", "the"}.isdisjoint(vocab) and {"and", "cost", "nurse"} <= vocab
    info = result["topic_model_info"].set_index("key")["value"]
    assert (info["stop_extra"], info["stop_keep"]) == ("budget, ward", "and")


def test_near_duplicates_are_left_out(tmp_path: Path) -> None:
    documents, tokens = make_tables(planted_corpus(n_docs=12))
    documents["dup_of"] = [None] * 10 + ["syn:d:000", "syn:d:001"]
    result = fit_topics(tokens, documents, None, params={**FAST, "k_max": 2, "include_nmf": False}, work_dir=tmp_path)
    assert sorted(result["doc_topics"]["doc_id"].unique()) == sorted(documents["doc_id"][:10])
    info = result["topic_model_info"].set_index("key")["value"]
    assert (info["duplicates_left_out"], info["units"]) == ("2", "10")


def test_training_reads_the_serialised_corpus(tmp_path: Path) -> None:
    documents, tokens = make_tables(planted_corpus(n_docs=12))
    fit_topics(tokens, documents, None, params={**FAST, "k_max": 2, "include_nmf": False}, work_dir=tmp_path)
    assert (tmp_path / "bow.mm").stat().st_size > 0
    lines = (tmp_path / "dictionary.txt").read_text().splitlines()
    assert lines[0] == "12" and len(lines) == 1 + 24  # number of units, then one line per term


def test_seed_corpus_runs(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    try:
        seed = request.getfixturevalue("seed_tables")
    except pytest.FixtureLookupError:
        pytest.skip("the seed_tables fixture (tests/conftest.py) is not available")
    result = fit_topics(
        seed["tokens"], seed["documents"], seed["phrases"], params={**FAST, "k_max": 4}, work_dir=tmp_path
    )
    info = result["topic_model_info"].set_index("key")["value"]
    assert "indicative only" in info["note"]
    chosen = int(info["chosen_k"])
    assert 2 <= chosen <= min(4, int(info["units"]) // 2)
    assert len(result["topic_summary"]) == 2 * chosen
    assert set(result["doc_topics"]["doc_id"]) <= set(seed["documents"]["doc_id"])


def test_models_are_fitted_with_one_blas_thread(monkeypatch, tmp_path) -> None:
    # Found at 5,000 documents: BLAS threads change floating-point sums, so topic tables from a
    # Dask worker (one thread) differed from the default runner's (two). One thread everywhere.
    from threadpoolctl import threadpool_info

    import pipeline.topics as topics

    seen = []
    fit_nmf = topics._fit_nmf

    def recording(*args, **kwargs):
        seen.extend(pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas")
        return fit_nmf(*args, **kwargs)

    monkeypatch.setattr(topics, "_fit_nmf", recording)
    documents, tokens = make_tables(planted_corpus(n_docs=12))
    fit_topics(tokens, documents, None, params={**FAST, "k_min": 2, "k_max": 2}, work_dir=tmp_path)
    assert seen and set(seen) == {1}
