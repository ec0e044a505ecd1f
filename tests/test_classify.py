"""Tests for pipeline.classify: the framing classifier, its evaluation and persistence."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import skops.io
from pydantic import ValidationError
from skops.io.exceptions import UntrustedTypesFoundException

from pipeline import classify
from pipeline.classify import (
    ACTIVITIES,
    LexiconRuleClassifier,
    TooFewExamplesError,
    align_annotations,
    candidate_sentences,
    classify_command,
    cross_validate,
    cv_folds,
    framing_analysis,
    labelled_examples,
    lexicon_label,
    load_model,
    read_annotations,
    save_model,
    train_classifier,
    uncertain_sentences,
)
from pipeline.config import ClassifyConfig

FAMILIES = {
    "leadership": frozenset({"lead", "leader", "leadership"}),
    "management": frozenset({"manage", "manager", "management"}),
}

FAST = {"config": ClassifyConfig(folds=3, repeats=2), "seed": 7}


def _tables(rows: list[tuple[str, int, str]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``sentences`` and ``tokens`` for (doc_id, sent_id, text) rows; norm = lower-cased word."""
    sentences, tokens = [], []
    for doc_id, sent_id, text in rows:
        sentences.append({"doc_id": doc_id, "sent_id": sent_id, "start_char": 0, "end_char": len(text), "text": text})
        for word in text.replace(".", " .").split():
            tokens.append({"doc_id": doc_id, "sent_id": sent_id, "norm": word.lower(), "is_punct": word == "."})
    tokens_frame = pd.DataFrame(tokens)
    tokens_frame["token_id"] = tokens_frame.groupby("doc_id").cumcount()
    return pd.DataFrame(sentences), tokens_frame


def _planted(n_docs: int = 16, per_doc: int = 4, *, shuffled: bool = False) -> pd.DataFrame:
    """Two balanced classes told apart by one word, ``alpha`` or ``beta``, unless shuffled.

    Sentences come in a/b pairs sharing their filler words, so only the class word carries
    information; shuffling the labels (fixed seed) destroys it.
    """
    filler = [f"w{i}" for i in range(10)]
    rows = []
    for d in range(n_docs):
        for s in range(per_doc):
            label = "a" if s % 2 == 0 else "b"
            pair = d * per_doc + s // 2
            word = "alpha" if label == "a" else "beta"
            words = [filler[pair % 10], filler[(pair * 3 + 1) % 10], word]
            rows.append({"doc_id": f"d{d:02d}", "sent_id": s, "text": " ".join(words), "label": label})
    frame = pd.DataFrame(rows)
    if shuffled:
        frame["label"] = np.random.default_rng(11).permutation(frame["label"].to_numpy())
    return frame


def _macro_f1(metrics: pd.DataFrame, model: str) -> pd.Series:
    row = metrics[(metrics["model"] == model) & (metrics["metric"] == "macro_f1")]
    assert len(row) == 1
    return row.iloc[0]


@pytest.mark.parametrize(
    ("n_leadership", "n_management", "expected"),
    [
        (1, 0, "leadership"),
        (3, 0, "leadership"),
        (0, 1, "management"),
        (0, 2, "management"),
        (1, 1, "contrast"),
        (2, 5, "contrast"),
        (0, 0, "neither"),
    ],
)
def test_lexicon_label(n_leadership: int, n_management: int, expected: str) -> None:
    assert lexicon_label(n_leadership, n_management) == expected


@pytest.mark.parametrize(
    ("norms", "expected"),
    [
        ("the leader lead the team", "leadership"),
        ("a manager manage budget", "management"),
        ("leadership be not management", "contrast"),
        ("vision and change", "neither"),
        ("", "neither"),
    ],
)
def test_lexicon_rule_classifier(norms: str, expected: str) -> None:
    X = pd.DataFrame({"text": [norms], "norms": [norms]})
    rule = LexiconRuleClassifier(families=FAMILIES).fit(X, ["neither"])
    assert rule.predict(X).tolist() == [expected]


def test_lexicon_rule_families_keys_case_insensitive() -> None:
    upper = {"LEADERSHIP": FAMILIES["leadership"], "MANAGEMENT": FAMILIES["management"]}
    X = pd.DataFrame({"norms": ["leader manager", "manager"]})
    assert LexiconRuleClassifier(families=upper).fit(X, ["x", "y"]).predict(X).tolist() == ["contrast", "management"]


def test_candidate_sentences_counts_families_and_activities() -> None:
    sentences, tokens = _tables(
        [
            ("d1", 0, "The leader sets a vision."),
            ("d1", 1, "It rained all day."),
            ("d1", 2, "Managers control the budget."),
            ("d2", 0, "Leadership is not management."),
            ("d2", 1, "We must change."),
        ]
    )
    tokens.loc[tokens["norm"] == "managers", "norm"] = "manager"
    got = candidate_sentences(sentences, tokens, families=FAMILIES)
    assert list(zip(got["doc_id"], got["sent_id"], strict=True)) == [("d1", 0), ("d1", 2), ("d2", 0), ("d2", 1)]
    assert got["n_leadership"].tolist() == [1, 0, 1, 0]
    assert got["n_management"].tolist() == [0, 1, 1, 0]
    assert got["n_leadership_activity"].tolist() == [1, 0, 0, 1]
    assert got["n_management_activity"].tolist() == [0, 2, 0, 0]
    assert got.loc[0, "norms"] == "the leader sets a vision"


def test_activity_lexicon_is_disjoint_from_each_other() -> None:
    assert not ACTIVITIES["leadership"] & ACTIVITIES["management"]


def test_planted_separable_task_is_learnt_perfectly() -> None:
    tables = cross_validate(labelled_examples(_planted()), **FAST, families=FAMILIES)
    row = _macro_f1(tables["metrics"], "logreg")
    assert (row["mean"], row["min"], row["max"]) == (1.0, 1.0, 1.0)
    assert row["n_folds"] == 6
    assert _macro_f1(tables["metrics"], "majority")["mean"] < 0.5
    # labels a/b are outside the default scheme: no lexicon baseline
    assert set(tables["metrics"]["model"]) == {"logreg", "majority"}
    logreg = tables["confusion"][tables["confusion"]["model"] == "logreg"]
    off_diagonal = logreg[logreg["true"] != logreg["predicted"]]
    assert off_diagonal["count"].sum() == 0
    assert logreg["count"].sum() == 2 * 64


def test_shuffled_labels_are_at_chance() -> None:
    examples = labelled_examples(_planted(shuffled=True))
    tables = cross_validate(examples, **FAST, families=FAMILIES)
    assert _macro_f1(tables["metrics"], "logreg")["mean"] < 0.6


def test_group_by_doc_keeps_documents_in_one_fold() -> None:
    frame = _planted(n_docs=10, per_doc=3)
    folds = cv_folds(frame["label"], frame["doc_id"], folds=5, repeats=3, seed=1, group_by_doc=True)
    assert len(folds) == 15
    groups = frame["doc_id"].to_numpy()
    for fold in folds:
        assert not set(groups[fold.train]) & set(groups[fold.test])
    for repeat in range(3):
        tested = np.concatenate([f.test for f in folds if f.repeat == repeat])
        assert sorted(tested.tolist()) == list(range(len(frame)))


def test_without_grouping_documents_are_split() -> None:
    frame = _planted(n_docs=10, per_doc=3)
    folds = cv_folds(frame["label"], frame["doc_id"], folds=5, repeats=1, seed=1, group_by_doc=False)
    groups = frame["doc_id"].to_numpy()
    assert any(set(groups[f.train]) & set(groups[f.test]) for f in folds)


def test_repeats_use_different_shuffles() -> None:
    frame = _planted(n_docs=10, per_doc=3)
    folds = cv_folds(frame["label"], frame["doc_id"], folds=5, repeats=2, seed=1)
    first = sorted(tuple(f.test.tolist()) for f in folds if f.repeat == 0)
    second = sorted(tuple(f.test.tolist()) for f in folds if f.repeat == 1)
    assert first != second


def _train_and_score(labelled: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame, pd.DataFrame]:
    model, tables = train_classifier(labelled, **FAST, families=FAMILIES)
    X = labelled_examples(labelled)[["text", "norms"]]
    return model.predict_proba(X), tables["metrics"], tables["confusion"]


def test_predictions_and_metrics_are_reproducible_in_another_process() -> None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    labelled = _planted(shuffled=True)
    here = _train_and_score(labelled)
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        there = pool.submit(_train_and_score, labelled).result()
    np.testing.assert_array_equal(here[0], there[0])
    pd.testing.assert_frame_equal(here[1], there[1])
    pd.testing.assert_frame_equal(here[2], there[2])


@pytest.mark.parametrize(
    ("counts", "folds", "named"),
    [
        ({"for": 6, "against": 2, "neutral": 9}, 5, "against=2"),
        ({"for": 6, "against": 4, "neutral": 3}, 5, "against=4, neutral=3"),
        ({"for": 3, "against": 3}, 4, "against=3, for=3"),
    ],
)
def test_too_few_examples_names_labels_and_counts(counts: dict[str, int], folds: int, named: str) -> None:
    labels = [label for label, n in counts.items() for _ in range(n)]
    labelled = pd.DataFrame(
        {
            "doc_id": [f"d{i}" for i in range(len(labels))],
            "sent_id": 0,
            "text": [f"text {i}" for i in range(len(labels))],
            "label": labels,
        }
    )
    with pytest.raises(TooFewExamplesError, match=named) as caught:
        train_classifier(labelled, config=ClassifyConfig(folds=folds, repeats=1))
    assert isinstance(caught.value, ValueError)


def test_too_few_documents_for_grouped_folds() -> None:
    labelled = _planted(n_docs=4, per_doc=4)
    with pytest.raises(TooFewExamplesError, match="4 documents, fewer than folds=5"):
        train_classifier(labelled, config=ClassifyConfig(folds=5, repeats=1))


def test_one_label_is_refused() -> None:
    labelled = _planted().assign(label="a")
    with pytest.raises(TooFewExamplesError, match="at least two labels"):
        train_classifier(labelled, **FAST)


def test_skops_round_trip(tmp_path: Path) -> None:
    labelled = _planted()
    model, _ = train_classifier(labelled, **FAST, families=FAMILIES)
    path = save_model(model, tmp_path / "model.skops")
    assert skops.io.get_untrusted_types(file=path) == []
    loaded = load_model(path)
    X = labelled_examples(labelled)[["text", "norms"]]
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    assert loaded.classes_.tolist() == ["a", "b"]


def test_untrusted_type_is_refused(tmp_path: Path) -> None:
    X = pd.DataFrame({"norms": ["leader"]})
    skops.io.dump(LexiconRuleClassifier(families=FAMILIES).fit(X, ["x"]), tmp_path / "rule.skops")
    with pytest.raises(UntrustedTypesFoundException):
        load_model(tmp_path / "rule.skops")


def test_align_annotations_by_key_then_by_text() -> None:
    sentences, _ = _tables([("d1", 0, "One."), ("d1", 1, "Two."), ("d2", 0, "Three."), ("d2", 1, "One.")])
    annotations = pd.DataFrame(
        {
            "doc_id": ["d1", "d1", None, "d9"],
            "sent_id": [0, 5, None, 0],
            "text": ["One.", "Two.", "Three.", "Nowhere."],
            "label": ["x", "y", "z", "w"],
        }
    )
    got = align_annotations(annotations, sentences)
    assert got.to_dict(orient="list") == {
        "doc_id": ["d1", "d1", "d2"],
        "sent_id": [0, 1, 0],
        "text": ["One.", "Two.", "Three."],
        "label": ["x", "y", "z"],
    }


def test_align_annotations_text_only_labels_every_copy() -> None:
    sentences, _ = _tables([("d1", 0, "One."), ("d2", 3, "One.")])
    got = align_annotations(pd.DataFrame({"text": ["One."], "label": ["x"]}), sentences)
    assert list(zip(got["doc_id"], got["sent_id"], got["label"], strict=True)) == [("d1", 0, "x"), ("d2", 3, "x")]


def test_read_annotations_unguards_and_drops_empty_labels(tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    path.write_text(
        "doc_id,sent_id,text,label,note\n"
        "d1,0,'- a list item,management,\n"
        "d1,1,plain,,\n"
        "d1,2,'plain quote,leadership,hard one\n"
        ",,keyed by text only, neither ,\n",
        encoding="utf-8",
    )
    got = read_annotations(path)
    assert got["text"].tolist() == ["- a list item", "'plain quote", "keyed by text only"]
    assert got["label"].tolist() == ["management", "leadership", "neither"]
    assert got["sent_id"].tolist()[:2] == [0, 2]
    assert got[["doc_id", "sent_id", "note"]].iloc[2].isna().all()
    assert got["note"].isna().tolist() == [True, False, True]


def test_uncertain_sentences_smallest_margin_first() -> None:
    labelled = _planted()
    model, _ = train_classifier(labelled, **FAST, families=FAMILIES)
    pool = labelled_examples(
        pd.DataFrame(
            {
                "doc_id": ["u1", "u2", "u3", "u4"],
                "sent_id": [0, 0, 0, 0],
                "text": ["alpha alpha", "alpha beta", "beta", "w1 w2"],
                "label": "",
            }
        )
    )
    got = uncertain_sentences(model, pool, annotations=labelled.head(3), n=3)
    assert list(got.columns) == ["doc_id", "sent_id", "text", "label", "note", "predicted", "margin"]
    assert got["label"].isna().all()
    assert got["margin"].is_monotonic_increasing
    assert len(got) == 3
    assert "u1" not in set(got["doc_id"])  # "alpha alpha" is the surest


def test_uncertain_sentences_skips_annotated() -> None:
    labelled = _planted()
    model, _ = train_classifier(labelled, **FAST, families=FAMILIES)
    pool = labelled_examples(labelled)
    got = uncertain_sentences(model, pool, annotations=labelled.iloc[:40], n=100)
    assert len(got) == 24
    assert set(zip(got["doc_id"], got["sent_id"], strict=True)) == set(
        zip(labelled["doc_id"].iloc[40:], labelled["sent_id"].iloc[40:], strict=True)
    )


def _framing_corpus() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    texts = {
        "leadership": "The leader sets a vision for change.",
        "management": "The manager controls the budget.",
        "contrast": "Leadership differs from management.",
        "neither": "We must change the rota.",
    }
    rows, labels = [], []
    for d in range(6):
        for s, (label, text) in enumerate(texts.items()):
            rows.append((f"c:{d}", s, text.replace(".", f" number {d}.")))
            labels.append(label)
        rows.append((f"c:{d}", 4, "Nothing here."))
    sentences, tokens = _tables(rows)
    documents = pd.DataFrame(
        {"doc_id": [f"c:{d}" for d in range(6)] + ["c:9"], "doc_type": ["blog_post"] * 3 + ["comment"] * 4}
    )
    candidates = sentences[sentences["sent_id"] < 4]
    annotations = candidates[["doc_id", "sent_id", "text"]].assign(label=labels, note=None)
    return sentences, tokens, documents, annotations


def test_framing_analysis_tables() -> None:
    sentences, tokens, documents, annotations = _framing_corpus()
    out = framing_analysis(sentences, tokens, documents, annotations.iloc[:-1], **FAST, families=FAMILIES)
    assert sorted(out) == [
        "framing_annotation_counts",
        "framing_by_doc_type",
        "framing_confusion",
        "framing_docs",
        "framing_metrics",
        "framing_notes",
        "framing_sentences",
        "framing_uncertain",
    ]
    assert out["framing_notes"]["note"].tolist() == ["classified with a model trained on 23 labelled sentences"]
    sents = out["framing_sentences"]
    assert len(sents) == 24
    assert list(sents.columns) == [
        "doc_id",
        "sent_id",
        "text",
        "label",
        "p_contrast",
        "p_leadership",
        "p_management",
        "p_neither",
        "annotated_label",
    ]
    np.testing.assert_allclose(sents.filter(like="p_").sum(axis=1), 1.0)
    assert sents["annotated_label"].isna().sum() == 1
    docs = out["framing_docs"]
    assert docs["doc_id"].tolist() == [f"c:{d}" for d in range(6)] + ["c:9"]
    assert docs["n_candidates"].tolist() == [4, 4, 4, 4, 4, 4, 0]
    assert docs.filter(like="share_").iloc[6].isna().all()
    by_type = out["framing_by_doc_type"]
    assert by_type[["doc_type", "n_documents", "n_candidates"]].to_dict(orient="list") == {
        "doc_type": ["blog_post", "comment"],
        "n_documents": [3, 4],
        "n_candidates": [12, 12],
    }
    counts = out["framing_annotation_counts"]
    assert counts.to_dict(orient="list") == {
        "label": ["contrast", "leadership", "management", "neither"],
        "count": [6, 6, 6, 5],
    }
    assert set(out["framing_metrics"]["model"]) == {"logreg", "majority", "lexicon"}
    assert len(out["framing_uncertain"]) == 1
    lexicon = _macro_f1(out["framing_metrics"], "lexicon")
    # "We must change the rota." names no family: the rule says neither, as annotated.
    assert lexicon["mean"] == 1.0


def test_classify_command_writes_model_card_and_predictions(tmp_path: Path) -> None:
    sentences, tokens, _, annotations = _framing_corpus()
    sentences.to_parquet(tmp_path / "sentences.parquet", index=False)
    tokens.to_parquet(tmp_path / "tokens.parquet", index=False)
    labels_path = tmp_path / "labels.csv"
    annotations.to_csv(labels_path, index=False)
    result = classify_command(
        labels_path,
        sentences_path=tmp_path / "sentences.parquet",
        tokens_path=tmp_path / "tokens.parquet",
        out_dir=tmp_path / "out",
        config=ClassifyConfig(folds=3, repeats=2, predict_on="all"),
        seed=7,
        families=FAMILIES,
    )
    assert result["labels"] == {"contrast": 6, "leadership": 6, "management": 6, "neither": 6}
    assert result["labels_counts"] == "contrast=6, leadership=6, management=6, neither=6"
    assert result["n_examples"] == 24
    assert result["macro_f1_lexicon"] == "1.000 +/- 0.000"
    assert set(result["macro_f1"]) == {"logreg", "majority", "lexicon"}
    for path in result["paths"].values():
        assert Path(path).exists()
    card = json.loads((tmp_path / "out" / "model_card.json").read_text(encoding="utf-8"))
    assert card["data"]["sha256"] == hashlib.sha256(labels_path.read_bytes()).hexdigest()
    assert card["params"]["seed"] == 7
    assert "scikit-learn" in card["packages"]
    predictions = pd.read_parquet(tmp_path / "out" / "classify_predictions.parquet")
    assert len(predictions) == len(sentences)
    model = load_model(tmp_path / "out" / "model.skops")
    assert model.classes_.tolist() == ["contrast", "leadership", "management", "neither"]


def test_params_reject_unknown_keys() -> None:
    with pytest.raises(ValidationError, match="fold"):
        ClassifyConfig(fold=3)


def test_params_validate_values() -> None:
    with pytest.raises(ValidationError, match="features"):
        ClassifyConfig(features="chars")


def test_pipeline_obeys_estimator_rules() -> None:
    from sklearn.base import clone

    model = classify.build_classifier(**FAST)
    assert clone(model).get_params()["classifier__random_state"] == 7
    assert clone(model).get_params()["classifier__class_weight"] == "balanced"


REPO = Path(__file__).resolve().parents[1]


def test_codebook_lists_the_activity_lexicon() -> None:
    text = (REPO / "docs" / "codebook.md").read_text(encoding="utf-8")
    for side in ("leadership", "management"):
        line = next(ln for ln in text.splitlines() if ln.startswith(f"- {side} activities: "))
        words = {w.strip() for w in line.split(": ", 1)[1].split(",")}
        assert words == set(ACTIVITIES[side])


def test_seed_annotations_match_codebook_counts() -> None:
    annotations = read_annotations(REPO / "data" / "annotations" / "framing.csv")
    assert set(annotations["label"]) == set(classify.FRAMING_LABELS)
    assert annotations["text"].str.len().gt(0).all()
    assert not annotations.duplicated(["doc_id", "sent_id"]).any()
    text = (REPO / "docs" / "codebook.md").read_text(encoding="utf-8")
    for label, count in annotations["label"].value_counts().items():
        assert f"| {label} | {count} |" in text
    assert f"| total | {len(annotations)} |" in text


def test_seed_annotations_cover_every_candidate_of_the_real_pipeline(seed_tables: dict) -> None:
    sentences, tokens = seed_tables["sentences"], seed_tables["tokens"]
    candidates = candidate_sentences(sentences, tokens)
    annotations = read_annotations(REPO / "data" / "annotations" / "framing.csv")
    key = ["doc_id", "sent_id", "text"]
    keyed = annotations.merge(candidates[key], on=key)
    assert len(keyed) == len(annotations) == len(candidates)
    out = framing_analysis(
        sentences, tokens, seed_tables["documents"], annotations, config=ClassifyConfig(folds=5, repeats=1)
    )
    assert out["framing_sentences"]["annotated_label"].notna().all()
    assert len(out["framing_docs"]) == len(seed_tables["documents"])
    confusion = out["framing_confusion"]
    assert confusion.groupby("model")["count"].sum().tolist() == [len(candidates)] * 3


@pytest.mark.parametrize("annotations", [None, pd.DataFrame(columns=["doc_id", "sent_id", "text", "label"])])
def test_framing_analysis_without_annotations_lists_candidates(
    annotations: pd.DataFrame | None,
) -> None:
    sentences, tokens, documents, _ = _framing_corpus()
    out = framing_analysis(
        sentences, tokens, documents, annotations, config=ClassifyConfig(uncertain_n=5), families=FAMILIES
    )
    assert len(out["framing_sentences"]) == 24
    assert out["framing_sentences"]["label"].isna().all()
    assert out["framing_docs"]["n_candidates"].tolist() == [4, 4, 4, 4, 4, 4, 0]
    assert out["framing_docs"].filter(like="share_").isna().all().all()
    assert out["framing_by_doc_type"]["n_candidates"].tolist() == [12, 12]
    assert out["framing_metrics"].empty and out["framing_confusion"].empty
    sheet = out["framing_uncertain"]
    assert list(zip(sheet["doc_id"], sheet["sent_id"], strict=True)) == [
        ("c:0", 0),
        ("c:0", 1),
        ("c:0", 2),
        ("c:0", 3),
        ("c:1", 0),
    ]


def test_annotations_of_another_corpus_leave_the_run_unclassified_with_a_note() -> None:
    # a new corpus with the default (seed) annotations: nothing aligns; the stage must not stop the run
    sentences, tokens, documents, _ = _framing_corpus()
    foreign = pd.DataFrame(
        {
            "doc_id": ["seed:x.txt:000000"] * 2,
            "sent_id": [0, 1],
            "text": ["Leaders inspire.", "Managers budget."],
            "label": ["leadership", "management"],
        }
    )
    out = framing_analysis(
        sentences, tokens, documents, foreign, config=ClassifyConfig(uncertain_n=5), families=FAMILIES
    )
    assert out["framing_sentences"]["label"].isna().all()
    assert len(out["framing_sentences"]) == 24
    assert out["framing_metrics"].empty
    assert out["framing_notes"]["note"].iloc[0].startswith("not classified: the annotations match too few")
