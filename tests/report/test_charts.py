"""Charts: drawn from small tables, skipped when their columns are missing, byte-reproducible."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipeline.report import charts

DOCS = pd.DataFrame(
    {
        "doc_type": ["blog_post", "comment", "comment"],
        "source": ["a.txt", "$b$.txt", "$b$.txt"],
        "n_chars": [120, 4000, 35],
    }
)
RATES = pd.DataFrame(
    {"group": ["a", "a", "b", "b"], "family": ["leadership", "management"] * 2, "per_million": [10.0, 20.0, 30.0, 5.0]}
)
KEYNESS = pd.DataFrame(
    {
        "term": ["lead", "budget", "$x$"],
        "log_likelihood": [20.0, 10.0, 8.0],
        "log_ratio": [2.0, -1.0, 1.5],
        "direction": ["positive", "negative", "positive"],
        "significant": [True, True, True],
    }
)
COLLOCATIONS = pd.DataFrame(
    {"node": ["leadership", "management"], "collocate": ["clinical", "project"], "log_dice": [10.0, 8.0]}
)
PROFILES = pd.DataFrame(
    {
        "collocate": ["care", "budget"],
        "node_a": ["LEADERSHIP"] * 2,
        "node_b": ["MANAGEMENT"] * 2,
        "log_dice_a": [11.0, None],
        "log_dice_b": [9.0, 12.0],
    }
)
PREVALENCE = pd.DataFrame({"doc_type": ["a", "a", "b", "b"], "topic": [0, 1, 0, 1], "prevalence": [0.7, 0.3, 0.2, 0.8]})
COHERENCE = pd.DataFrame({"model": ["lda", "lda"], "k": [2, 3], "c_v": [0.3, 0.4], "chosen": [False, True]})
CONFUSION = pd.DataFrame({"true": ["a", "a", "b"], "predicted": ["a", "b", "b"], "count": [5, 1, 7]})
FRAMING = pd.DataFrame({"doc_type": ["x", "x", "y"], "label": ["leading", "managing", "leading"], "count": [3, 1, 2]})

CASES = [
    ("documents_by_type", lambda f: charts.documents_by_type_chart(f), DOCS),
    ("document_lengths", lambda f: charts.document_lengths_chart(f), DOCS),
    ("family_rates", lambda f: charts.family_rates_chart(f), RATES),
    ("keyness", lambda f: charts.keyness_chart(f), KEYNESS),
    ("collocates", lambda f: charts.collocates_chart(f, nodes=["leadership", "management"]), COLLOCATIONS),
    ("collocate_profiles", lambda f: charts.collocate_profiles_chart(f), PROFILES),
    ("topic_prevalence", lambda f: charts.topic_prevalence_chart(f, labels={0: "care"}), PREVALENCE),
    ("coherence", lambda f: charts.coherence_chart(f), COHERENCE),
    ("confusion", lambda f: charts.confusion_chart(f), CONFUSION),
    ("framing_share", lambda f: charts.framing_share_chart(f), FRAMING),
]


@pytest.mark.parametrize(("name", "draw", "frame"), CASES, ids=[c[0] for c in CASES])
def test_chart_is_byte_identical_across_renders(tmp_path: Path, name, draw, frame) -> None:
    first = charts.save_figure(draw(frame), tmp_path / "one" / name)
    second = charts.save_figure(draw(frame), tmp_path / "two" / name)
    assert [p.suffix for p in first] == [".png", ".svg"]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes()
    svg = first[1].read_text(encoding="utf-8")
    assert "<dc:date>" not in svg and "matplotlib.org" not in svg
    assert b"Software" not in first[0].read_bytes()


@pytest.mark.parametrize(("name", "draw", "frame"), CASES, ids=[c[0] for c in CASES])
def test_chart_is_none_without_its_columns(name, draw, frame) -> None:
    assert draw(pd.DataFrame({"unrelated": [1]})) is None
    assert draw(frame.iloc[0:0]) is None


def test_keyness_chart_orders_terms_and_pales_non_significant_ones() -> None:
    frame = KEYNESS.assign(significant=[True, False, False])
    figure = charts.keyness_chart(frame)
    labels = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    assert labels == ["lead", "$x$", "budget"]
    assert [bar.get_alpha() for bar in figure.axes[0].patches] == [1.0, 0.35, 0.35]
    assert [bar.get_width() for bar in figure.axes[0].patches] == [20.0, 8.0, -10.0]


def test_framing_share_chart_normalises_counts_to_shares() -> None:
    figure = charts.framing_share_chart(FRAMING)
    widths = sorted(round(bar.get_width(), 4) for bar in figure.axes[0].patches)
    assert widths == [0.0, 0.25, 0.75, 1.0]


@pytest.mark.parametrize(
    ("label", "expected"),
    [("short", "short"), ("a" * 50, "a" * 37 + "\u2026"), (None, "(missing)"), ("two\n lines", "two lines")],
)
def test_short_labels(label, expected) -> None:
    assert charts._short(label) == expected
