"""Tests of the LDA pass budget of pipeline.topics (passes x units capped for large corpora)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import TopicsConfig
from pipeline.topics import lda_passes
from tests.test_topics import FAST, PLANTED, _top_sets, fit_topics, make_tables, planted_corpus


@pytest.mark.parametrize(
    ("n_units", "passes", "budget", "expected"),
    [
        (5, 10, 20_000, 10),  # a seed-sized corpus keeps every pass
        (2_000, 10, 20_000, 10),
        (2_001, 10, 20_000, 9),
        (5_000, 10, 20_000, 4),
        (10_000, 10, 20_000, 2),
        (20_000, 10, 20_000, 1),
        (50_000, 10, 20_000, 1),  # never below one pass
        (60, 5, 120, 2),
        (0, 3, 10, 3),
    ],
)
def test_lda_passes(n_units: int, passes: int, budget: int, expected: int) -> None:
    assert lda_passes(n_units, passes=passes, pass_budget=budget) == expected


def test_config_default_matches_the_library_default() -> None:
    assert TopicsConfig().pass_budget == 20_000


@pytest.mark.parametrize(
    ("budget", "passes_info"),
    [
        (20_000, "5"),
        (300, "5"),
        (120, "2 (of 5: pass_budget 120 / 60 units)"),
    ],
)
def test_pass_budget_is_reported(tmp_path: Path, budget: int, passes_info: str) -> None:
    documents, tokens = make_tables(planted_corpus())
    params = {**FAST, "k_min": 3, "k_max": 3, "include_nmf": False, "pass_budget": budget}
    result = fit_topics(tokens, documents, None, params=params, work_dir=tmp_path)
    info = result["topic_model_info"].set_index("key")["value"]
    assert info["passes"] == passes_info
    if passes_info == "5":  # the budget leaves the passes alone: the planted topics are found
        assert sorted(map(sorted, _top_sets(result, "lda", 8))) == sorted(map(sorted, PLANTED))


def test_bad_pass_budget_is_refused() -> None:
    with pytest.raises(ValueError, match="pass_budget"):
        TopicsConfig(pass_budget=0)
