"""The stats stage's single entry: every table by name, deterministic."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.config import NormaliseConfig, StatsConfig
from pipeline.stats import corpus_statistics

from .conftest import FAMILIES, make_corpus

DOCS = {
    "b1": [
        ["Clinical", "leadership", "matters", "."],
        ["Good", "management", "helps", "clinical", "leadership", "."],
    ],
    "b2": [["Leadership", "and", "management", "differ", "."]],
    "c1": [["I", "agree", "about", "leadership", "!"], ["I", "agree", "."]],
}
META = {
    "b1": {"doc_type": "blog_post", "year": 2012},
    "b2": {"doc_type": "blog_post", "year": 2013},
    "c1": {"doc_type": "comment", "year": 2013},
}
TABLES = [
    "collocations",
    "concordance",
    "family_collocates_compared",
    "family_cooccurrence",
    "family_rates_by_doc_type",
    "family_rates_by_source",
    "freq_content_lemma",
    "freq_lemma",
    "freq_lemma_by_corpus",
    "freq_lemma_by_doc_type",
    "freq_lemma_by_source",
    "freq_lemma_by_year",
    "freq_phrase",
    "freq_word",
    "grammatical_collocates",
    "keyness_comment_vs_blog_post",
]


def _run(params=None, *, shuffle=None):
    tokens, documents = make_corpus(DOCS, META)
    sentences = tokens.groupby(["doc_id", "sent_id"], as_index=False).agg(text=("text", " ".join))
    if shuffle is not None:  # row order of the inputs must not matter
        tokens = tokens.sample(frac=1, random_state=shuffle).reset_index(drop=True)
        documents = documents.sample(frac=1, random_state=shuffle).reset_index(drop=True)
        sentences = sentences.sample(frac=1, random_state=shuffle).reset_index(drop=True)
    phrases = pd.DataFrame(
        {
            "doc_id": ["b1", "b1"],
            "sent_id": [0, 1],
            "phrase": ["clinical leadership"] * 2,
            "kind": ["noun_chunk"] * 2,
            "start_char": [0, 44],
            "end_char": [19, 63],
        }
    )
    return corpus_statistics(
        tokens,
        documents,
        sentences,
        phrases,
        config=StatsConfig(**(params or {"min_freq": 1})),
        normalise=NormaliseConfig(),
        families=FAMILIES,
        stop_list=frozenset({"i", "and"}),
    )


def test_every_table_is_there():
    tables = _run()
    assert sorted(tables) == TABLES
    assert tables["freq_phrase"][["term", "count"]].values.tolist() == [["clinical leadership", 2]]
    assert tables["concordance"]["query"].unique().tolist() == ["LEADERSHIP", "MANAGEMENT"]
    assert len(tables["concordance"]) == 6
    assert set(tables["collocations"]["node"]) == {"LEADERSHIP", "MANAGEMENT"}
    assert "and" not in set(tables["collocations"]["collocate"])
    assert tables["family_cooccurrence"][["doc_id", "sent_id"]].values.tolist() == [["b1", 1], ["b2", 0]]
    keyness = tables["keyness_comment_vs_blog_post"]
    assert keyness.set_index("term").loc["agree", "freq_target"] == 2


def test_results_do_not_depend_on_input_row_order():
    first, second = _run(), _run(shuffle=3)
    for name in TABLES:
        pd.testing.assert_frame_equal(first[name], second[name], check_exact=True)


def test_comparison_with_an_empty_side_gives_an_empty_table(caplog):
    params = {
        "keyness": [
            {
                "name": "tweets_vs_rest",
                "target": {"doc_type": ["tweet"]},
                "reference": {"doc_type": ["comment"]},
            }
        ]
    }
    tables = _run(params)
    assert tables["keyness_tweets_vs_rest"].empty
    assert "keyness_comment_vs_blog_post" not in tables
    assert "no tokens" in caplog.text


@pytest.mark.parametrize("window", [2, [1, 3]])
def test_window_int_or_pair(window):
    assert not _run({"window": window, "min_freq": 1})["collocations"].empty


def test_seed_corpus_smoke(seed_tables):
    """The real parsed seed pages go through every analysis with the project's families."""
    tables = corpus_statistics(
        seed_tables["tokens"],
        seed_tables["documents"],
        seed_tables["sentences"],
        seed_tables["phrases"],
        config=StatsConfig(),
        normalise=NormaliseConfig(),
    )
    assert sorted(tables)[:2] == ["collocations", "concordance"]
    words = seed_tables["tokens"].loc[~seed_tables["tokens"]["is_punct"]]
    assert tables["freq_lemma"]["count"].sum() == words["norm"].notna().sum()
    from pipeline.normalise import FAMILIES as PROJECT_FAMILIES

    in_family = seed_tables["tokens"]["norm"].isin(set().union(*PROJECT_FAMILIES.values()))
    assert len(tables["concordance"]) == in_family.sum() > 0
    assert {"LEADERSHIP", "MANAGEMENT"} <= set(tables["family_rates_by_doc_type"]["family"])


def test_content_frequencies_leave_out_exactly_the_stop_words(seed_tables) -> None:
    from pipeline.normalise import stop_words
    from pipeline.stats import corpus_statistics

    tables = corpus_statistics(
        seed_tables["tokens"],
        seed_tables["documents"],
        seed_tables["sentences"],
        seed_tables["phrases"],
        config=StatsConfig(),
        normalise=NormaliseConfig(),
    )
    everything = tables["freq_lemma"].set_index("term")["count"]
    content = tables["freq_content_lemma"].set_index("term")["count"]
    stops = stop_words()
    assert not set(content.index) & stops
    assert content.to_dict() == everything[~everything.index.isin(stops)].to_dict()
