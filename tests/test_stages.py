"""Stage wiring: what the stages read is enough for what they compute."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipeline import stages
from pipeline.classify import framing_analysis, read_annotations
from pipeline.config import Config
from pipeline.topics import topic_models


@pytest.mark.parametrize("analysis", sorted(stages.TOKEN_COLUMNS))
def test_the_token_columns_read_give_the_same_tables(
    analysis: str, seed_tables: dict, repo_root: Path, tmp_path: Path
) -> None:
    config = Config()
    full = seed_tables["tokens"]
    subset = full[stages.TOKEN_COLUMNS[analysis]]

    def run(tokens: pd.DataFrame, work: Path) -> dict[str, pd.DataFrame]:
        if analysis == "topics":
            topics = config.topics.model_copy(update={"k_max": 3, "passes": 2})
            return topic_models(
                tokens,
                seed_tables["documents"],
                seed_tables["phrases"],
                config=topics,
                normalise=config.normalise,
                seed=42,
                work_dir=work,
            )
        annotations = read_annotations(repo_root / "data" / "annotations" / "framing.csv")
        classify = config.classify.model_copy(update={"repeats": 1})
        return framing_analysis(
            seed_tables["sentences"], tokens, seed_tables["documents"], annotations, config=classify, seed=42
        )

    expected, got = run(full, tmp_path / "a"), run(subset, tmp_path / "b")
    assert expected.keys() == got.keys()
    for name in expected:
        pd.testing.assert_frame_equal(got[name], expected[name], check_exact=True)


@pytest.mark.parametrize(
    ("n", "shards", "bounds"),
    [
        (10, 1, [(0, 10)]),
        (10, 3, [(0, 4), (4, 7), (7, 10)]),
        (2, 4, [(0, 1), (1, 2)]),
        (0, 2, [(0, 0)]),
    ],
)
def test_shard_bounds_cover_every_row_once(n: int, shards: int, bounds: list[tuple[int, int]]) -> None:
    assert stages.shard_bounds(n, shards) == bounds
