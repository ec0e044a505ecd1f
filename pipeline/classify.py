"""Stance / framing classification of sentences: leadership, management, contrast, neither.

The default scheme (``docs/codebook.md``) labels *candidate sentences*: sentences that mention
the LEADERSHIP or MANAGEMENT lemma family (``pipeline.normalise.FAMILIES``) or one of the
activities the two words name (:data:`ACTIVITIES`, after Kotter 1990, "What leaders really do",
Harvard Business Review 68(3): 103-111: leadership sets a direction, aligns, motivates and
inspires people and copes with change; management plans and budgets, organises and staffs,
controls and solves problems).

The classifier is a plain scikit-learn :class:`~sklearn.pipeline.Pipeline`: TF-IDF over word
1-2 grams of the sentence text joined (``ColumnTransformer``, i.e. a feature union over columns)
with TF-IDF over the sentence's normalised lemmas, then a class-balanced logistic regression.
It is evaluated by repeated stratified k-fold cross-validation grouped by document
(``StratifiedGroupKFold``, a new shuffling seed per repeat), beside a majority-class baseline
and the lemma-family lexicon rule, on the same folds. Any label set can be trained
(:func:`train_classifier`, :func:`classify_command`); the model is saved with skops and a model
card.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import platform
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import skops.io
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.compose import ColumnTransformer
from sklearn.dummy import DummyClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from pipeline.config import ClassifyConfig
from pipeline.normalise import FAMILIES
from pipeline.tables import FORMULA_PREFIXES, write_csv, write_json, write_table

__all__ = [
    "ACTIVITIES",
    "ANNOTATION_COLUMNS",
    "FRAMING_LABELS",
    "TRUSTED_TYPES",
    "Fold",
    "LexiconRuleClassifier",
    "TooFewExamplesError",
    "align_annotations",
    "annotation_counts",
    "build_classifier",
    "candidate_sentences",
    "check_label_counts",
    "classify_command",
    "cross_validate",
    "cv_folds",
    "framing_analysis",
    "labelled_examples",
    "lexicon_label",
    "load_model",
    "model_card",
    "predict_labels",
    "read_annotations",
    "save_model",
    "sentence_norms",
    "train_classifier",
    "uncertain_sentences",
]

logger = logging.getLogger(__name__)

FRAMING_LABELS: tuple[str, ...] = ("leadership", "management", "contrast", "neither")
"""The default scheme's labels, defined in ``docs/codebook.md``."""

ANNOTATION_COLUMNS: tuple[str, ...] = ("doc_id", "sent_id", "text", "label", "note")
"""Columns of an annotation file (``data/annotations/framing.csv``)."""

ACTIVITIES: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        # Kotter (1990): setting direction, aligning people, motivating and inspiring, change.
        "leadership": frozenset(
            {
                "change",
                "direction",
                "empower",
                "empowerment",
                "engage",
                "engagement",
                "influence",
                "influential",
                "inspiration",
                "inspirational",
                "inspire",
                "inspiring",
                "motivate",
                "motivation",
                "transform",
                "transformation",
                "transformational",
                "vision",
                "visionary",
            }
        ),
        # Kotter (1990): planning and budgeting, organising and staffing, controlling.
        "management": frozenset(
            {
                "administer",
                "administration",
                "administrative",
                "administrator",
                "budget",
                "budgeting",
                "bureaucracy",
                "bureaucratic",
                "control",
                "efficiency",
                "organise",
                "planning",
                "procedure",
                "process",
                "resource",
                "staffing",
                "target",
            }
        ),
    }
)
"""The activity lexicon (normalised lemmas, British spelling) that widens candidate selection.

It is the single definition the codebook documents; the lexicon baseline does not use it (the
baseline counts only the LEADERSHIP / MANAGEMENT lemma families).
"""

FAMILY_NAMES: tuple[str, str] = ("leadership", "management")

TRUSTED_TYPES: tuple[str, ...] = (
    "sklearn.compose._column_transformer.ColumnTransformer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.pipeline.Pipeline",
)
"""The types of a model written by :func:`save_model`, passed to ``skops.io.load(trusted=...)``.

skops 0.16 already trusts these scikit-learn classes and the numpy/builtin values inside
them; listing them makes the trust explicit, and any other type (e.g. a pickled function or a
custom class) still makes loading fail.
"""

_WORD_TOKEN_PATTERN = r"(?u)\b\w\w+\b"
_NORM_TOKEN_PATTERN = r"[^ ]+"


LabelArray = Sequence[str] | np.ndarray | pd.Series
"""Labels or group keys, one per example, in any of the shapes callers hold them."""


class TooFewExamplesError(ValueError):
    """Labelled data too small for the requested cross-validation; the message names the labels."""


class Fold(NamedTuple):
    """One train/test split of repeated k-fold cross-validation (row positions)."""

    repeat: int
    fold: int
    train: np.ndarray
    test: np.ndarray


def _resolve_families(families: Mapping[str, Iterable[str]] | None) -> dict[str, frozenset[str]]:
    """The two families keyed ``leadership`` / ``management`` (keys matched case-insensitively)."""
    source = FAMILIES if families is None else families
    by_lower = {str(key).lower(): key for key in source}
    missing = [name for name in FAMILY_NAMES if name not in by_lower]
    if missing:
        got = ", ".join(map(str, source))
        raise KeyError(f"families lack {', '.join(missing)} (got keys: {got})")
    return {name: frozenset(source[by_lower[name]]) for name in FAMILY_NAMES}


# --------------------------------------------------------------------------- candidates


def sentence_norms(sentences: pd.DataFrame, tokens: pd.DataFrame) -> pd.DataFrame:
    """Each sentence with its normalised lemmas joined by single spaces.

    Punctuation and whitespace tokens are left out; a norm containing whitespace has it
    replaced by ``_`` so the joined string splits back into the same norms.

    Args:
        sentences: the ``sentences`` table.
        tokens: the ``tokens`` table (``doc_id, sent_id, token_id, norm, is_punct`` used).

    Returns:
        ``doc_id, sent_id, text, norms`` sorted by ``doc_id, sent_id``.
    """
    keep = tokens
    if "is_punct" in keep.columns:
        keep = keep[~keep["is_punct"].astype(bool)]
    keep = keep[keep["norm"].notna()]
    norm = keep["norm"].astype(str).str.strip().str.replace(r"\s+", "_", regex=True)
    keep = keep.assign(norm=norm)
    keep = keep[keep["norm"] != ""].sort_values(["doc_id", "sent_id", "token_id"], kind="mergesort")
    joined = keep.groupby(["doc_id", "sent_id"], sort=True)["norm"].agg(" ".join).rename("norms")
    out = sentences[["doc_id", "sent_id", "text"]].merge(joined.reset_index(), on=["doc_id", "sent_id"], how="left")
    out["norms"] = out["norms"].fillna("")
    return out.sort_values(["doc_id", "sent_id"], kind="mergesort").reset_index(drop=True)


def _count_in(norms: str, vocabulary: frozenset[str]) -> int:
    return sum(1 for norm in norms.split() if norm in vocabulary)


def candidate_sentences(
    sentences: pd.DataFrame,
    tokens: pd.DataFrame,
    *,
    families: Mapping[str, Iterable[str]] | None = None,
    activities: Mapping[str, Iterable[str]] = ACTIVITIES,
) -> pd.DataFrame:
    """Sentences that mention a lemma family or one of the activities the families name.

    Args:
        sentences: the ``sentences`` table.
        tokens: the ``tokens`` table.
        families: ``{"leadership": norms, "management": norms}`` (keys case-insensitive); default
            ``pipeline.normalise.FAMILIES``.
        activities: the activity lexicon, same keys; default :data:`ACTIVITIES`.

    Returns:
        ``doc_id, sent_id, text, norms, n_leadership, n_management, n_leadership_activity,
        n_management_activity`` (token counts), one row per candidate, sorted by key.
    """
    fams = _resolve_families(families)
    acts = _resolve_families(activities)
    frame = sentence_norms(sentences, tokens)
    for name in FAMILY_NAMES:
        for column, vocabulary in ((f"n_{name}", fams[name]), (f"n_{name}_activity", acts[name])):
            counts = frame["norms"].map(lambda norms, v=vocabulary: _count_in(norms, v))
            frame[column] = counts.astype("int64")
    columns = ["n_leadership", "n_management", "n_leadership_activity", "n_management_activity"]
    is_candidate = frame[columns].sum(axis=1) > 0
    return frame[is_candidate].reset_index(drop=True)


# --------------------------------------------------------------------------- lexicon rule


def lexicon_label(n_leadership: int, n_management: int) -> str:
    """The lexicon baseline's label from the counts of the two lemma families in a sentence.

    Only LEADERSHIP -> ``leadership``; only MANAGEMENT -> ``management``; both -> ``contrast``;
    neither -> ``neither``.
    """
    if n_leadership > 0 and n_management > 0:
        return "contrast"
    if n_leadership > 0:
        return "leadership"
    if n_management > 0:
        return "management"
    return "neither"


class LexiconRuleClassifier(ClassifierMixin, BaseEstimator):
    """The lemma-family rule of :func:`lexicon_label` as a (non-learning) scikit-learn classifier.

    Args:
        families: ``{"leadership": norms, "management": norms}`` (keys case-insensitive);
            ``None`` uses ``pipeline.normalise.FAMILIES`` when fitted.
        norms_column: column of ``X`` holding the space-joined norms.
    """

    def __init__(self, families: Mapping[str, Iterable[str]] | None = None, norms_column: str = "norms") -> None:
        self.families = families
        self.norms_column = norms_column

    def fit(self, X: pd.DataFrame, y: Sequence[str]) -> LexiconRuleClassifier:
        """Record the classes and resolve the families; the rule itself learns nothing."""
        self.classes_ = np.unique(np.asarray(y, dtype=object))
        self.families_ = _resolve_families(self.families)
        return self

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Apply :func:`lexicon_label` to each row's norms."""
        leadership, management = self.families_["leadership"], self.families_["management"]
        labels = [
            lexicon_label(_count_in(norms, leadership), _count_in(norms, management))
            for norms in X[self.norms_column].fillna("")
        ]
        return np.asarray(labels, dtype=object)


# --------------------------------------------------------------------------- model


def build_classifier(config: ClassifyConfig | None = None, *, seed: int = 42) -> Pipeline:
    """The unfitted classifier: TF-IDF features and a class-balanced logistic regression.

    Features: TF-IDF (sublinear tf, l2 norm; Salton & Buckley 1988) of word 1..``ngram_max``
    grams of ``text``, and with ``features="words+norms"`` also of the normalised lemmas in
    ``norms``, concatenated. Classifier: multinomial logistic regression, L2 penalty with
    inverse strength ``c``, class weights ``n_samples / (n_classes * n_c)`` (King & Zeng 2001
    style balancing, scikit-learn ``class_weight="balanced"``), whose ``predict_proba`` gives
    the class probabilities.

    Args:
        config: the ``[classify]`` section (:class:`~pipeline.config.ClassifyConfig`).
        seed: seed of the logistic regression (``run.seed``).

    Returns:
        ``Pipeline([("features", ColumnTransformer), ("classifier", LogisticRegression)])``
        taking a DataFrame with ``text`` (and ``norms``) columns.
    """
    p = config or ClassifyConfig()
    transformers = [
        (
            "words",
            TfidfVectorizer(
                lowercase=True,
                token_pattern=_WORD_TOKEN_PATTERN,
                ngram_range=(1, p.ngram_max),
                min_df=p.min_df,
                sublinear_tf=True,
                dtype=np.float64,
            ),
            "text",
        )
    ]
    if p.features == "words+norms":
        transformers.append(
            (
                "norms",
                TfidfVectorizer(
                    lowercase=False,
                    token_pattern=_NORM_TOKEN_PATTERN,
                    ngram_range=(1, 1),
                    min_df=p.min_df,
                    sublinear_tf=True,
                    dtype=np.float64,
                ),
                "norms",
            )
        )
    return Pipeline(
        [
            ("features", ColumnTransformer(transformers, remainder="drop", sparse_threshold=1.0)),
            (
                "classifier",
                LogisticRegression(C=p.c, class_weight="balanced", max_iter=p.max_iter, random_state=seed),
            ),
        ]
    )


def _baselines(labels: Sequence[str], families: Mapping[str, Iterable[str]] | None) -> dict[str, Any]:
    models: dict[str, Any] = {"majority": DummyClassifier(strategy="most_frequent")}
    # The family rule predicts the default scheme's labels, so it is a baseline only there.
    if set(labels) <= set(FRAMING_LABELS):
        models["lexicon"] = LexiconRuleClassifier(families=families)
    return models


# --------------------------------------------------------------------------- labelled data


def _unguard(value: object) -> object:
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def read_annotations(path: Path) -> pd.DataFrame:
    """Read an annotation CSV: ``label`` and either ``text`` or ``doc_id, sent_id``.

    Cells guarded against spreadsheet formulas by :func:`pipeline.tables.write_csv` are
    unguarded. Rows with an empty label are dropped (an exported, not yet labelled row).

    Raises:
        ValueError: the file lacks ``label`` or both ``text`` and ``doc_id``/``sent_id``.
    """
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    if "label" not in frame.columns:
        raise ValueError(f"{path}: no 'label' column (columns: {', '.join(frame.columns)})")
    has_key = {"doc_id", "sent_id"} <= set(frame.columns)
    if "text" not in frame.columns and not has_key:
        raise ValueError(f"{path}: needs a 'text' column or 'doc_id' and 'sent_id' columns")
    for column in frame.columns:
        frame[column] = frame[column].map(_unguard)
        if column != "label":
            frame[column] = frame[column].mask(frame[column] == "", None)
    frame["label"] = frame["label"].str.strip()
    frame = frame[frame["label"] != ""].copy()
    if has_key:
        frame["sent_id"] = pd.to_numeric(frame["sent_id"], errors="coerce").astype("Int64")
    for column in ANNOTATION_COLUMNS:
        if column not in frame.columns:
            frame[column] = pd.NA
    return frame.reset_index(drop=True)


def align_annotations(annotations: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """Attach annotations to sentences: by ``doc_id, sent_id`` when the text agrees, else by text.

    A row whose key names a sentence with exactly the annotated text keeps that key; any other
    row (no key, or ids that shifted after re-segmentation) is matched to every sentence with
    exactly its text. Rows matching nothing are dropped with a warning.

    Returns:
        ``doc_id, sent_id, text, label`` sorted by key; one row per sentence (a sentence
        labelled twice keeps its first row in file order).
    """
    ann = annotations.reset_index(drop=True).assign(_row=lambda f: np.arange(len(f)))
    sents = sentences[["doc_id", "sent_id", "text"]]
    keyed = pd.DataFrame(columns=["doc_id", "sent_id", "text", "label", "_row"])
    rest = ann
    if {"doc_id", "sent_id"} <= set(ann.columns) and ann["doc_id"].notna().any():
        with_key = ann[ann["doc_id"].notna() & ann["sent_id"].notna()].copy()
        with_key["sent_id"] = with_key["sent_id"].astype("int64")
        merged = with_key[["doc_id", "sent_id", "text", "label", "_row"]].merge(
            sents, on=["doc_id", "sent_id"], how="inner", suffixes=("_ann", "")
        )
        agree = merged["text_ann"].isna() | (merged["text_ann"] == merged["text"])
        keyed = merged.loc[agree, ["doc_id", "sent_id", "text", "label", "_row"]]
        rest = ann[~ann["_row"].isin(keyed["_row"])]
    with_text = rest[rest["text"].notna()][["text", "label", "_row"]]
    by_text = with_text.merge(sents, on="text", how="inner")
    unmatched = sorted(set(rest["_row"]) - set(by_text["_row"]))
    if unmatched:
        logger.warning("%d annotation rows match no sentence and are ignored", len(unmatched))
    columns = ["doc_id", "sent_id", "text", "label", "_row"]
    out = pd.concat([keyed[columns], by_text[columns]], ignore_index=True)
    out = out.sort_values(["doc_id", "sent_id", "_row"], kind="mergesort")
    out = out.drop_duplicates(["doc_id", "sent_id"], keep="first").drop(columns="_row")
    out["sent_id"] = out["sent_id"].astype("int64")
    return out.reset_index(drop=True)


def labelled_examples(
    labelled: pd.DataFrame,
    *,
    sentences: pd.DataFrame | None = None,
    tokens: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Labelled sentences as the classifier reads them: ``doc_id, sent_id, text, norms, label``.

    With ``sentences`` the labels are aligned by :func:`align_annotations` (key or text) and
    with ``tokens`` as well the norms are attached. Without ``sentences`` the rows are taken as
    given (``text`` required; ``doc_id`` defaults to one group per row, ``norms`` to empty).
    """
    if sentences is not None:
        frame = align_annotations(labelled, sentences)
        if tokens is not None:
            norms = sentence_norms(sentences, tokens)[["doc_id", "sent_id", "norms"]]
            frame = frame.merge(norms, on=["doc_id", "sent_id"], how="left")
    else:
        if "text" not in labelled.columns:
            raise ValueError("labelled data without sentences needs a 'text' column")
        frame = labelled.reset_index(drop=True).copy()
        if "doc_id" not in frame.columns or frame["doc_id"].isna().any():
            frame["doc_id"] = [f"row:{i:06d}" for i in range(len(frame))]
        if "sent_id" not in frame.columns:
            frame["sent_id"] = 0
    if "norms" not in frame.columns:
        frame["norms"] = ""
    frame["norms"] = frame["norms"].fillna("")
    frame = frame[["doc_id", "sent_id", "text", "norms", "label"]].astype({"label": str})
    return frame.sort_values(["doc_id", "sent_id"], kind="mergesort").reset_index(drop=True)


def check_label_counts(labels: LabelArray, groups: LabelArray, *, folds: int, group_by_doc: bool) -> None:
    """Raise :class:`TooFewExamplesError` unless every label can appear in each of ``folds`` folds.

    Each label needs at least ``folds`` examples, there must be two labels or more and, when
    grouping by document, at least ``folds`` documents.
    """
    counts = pd.Series(list(labels), dtype=object).value_counts().sort_index()
    shown = ", ".join(f"{label}={count}" for label, count in counts.items())
    if len(counts) < 2:
        raise TooFewExamplesError(f"need at least two labels to classify, got: {shown or 'none'}")
    small = counts[counts < folds]
    if len(small):
        named = ", ".join(f"{label}={count}" for label, count in small.items())
        raise TooFewExamplesError(
            f"labels with fewer examples than folds={folds}: {named} "
            f"(all counts: {shown}); label more examples, merge labels or lower folds"
        )
    n_groups = len(set(groups))
    if group_by_doc and n_groups < folds:
        raise TooFewExamplesError(
            f"labelled sentences come from {n_groups} documents, fewer than folds={folds}; "
            "lower folds or set group_by_doc=false"
        )


# --------------------------------------------------------------------------- evaluation


def cv_folds(
    labels: LabelArray,
    groups: LabelArray,
    *,
    folds: int = 5,
    repeats: int = 3,
    seed: int = 42,
    group_by_doc: bool = True,
) -> list[Fold]:
    """Repeated stratified k-fold splits, grouped by document when ``group_by_doc``.

    Repeat ``r`` shuffles with seed ``seed + r``: ``StratifiedGroupKFold`` keeps all rows of a
    group in one test fold while balancing the label distribution across folds;
    ``StratifiedKFold`` stratifies rows alone.
    """
    y = np.asarray(labels, dtype=object)
    g = np.asarray(groups, dtype=object)
    check_label_counts(y, g, folds=folds, group_by_doc=group_by_doc)
    out = []
    for repeat in range(repeats):
        if group_by_doc:
            grouped = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed + repeat)
            splits = grouped.split(np.zeros(len(y)), y, g)
        else:
            splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed + repeat)
            splits = splitter.split(np.zeros(len(y)), y)
        for fold, (train, test) in enumerate(splits):
            out.append(Fold(repeat, fold, np.sort(train), np.sort(test)))
    return out


def _summary(values: Sequence[float]) -> dict[str, float]:
    series = pd.Series(values, dtype="float64").dropna()
    if series.empty:
        return {"mean": np.nan, "std": np.nan, "min": np.nan, "max": np.nan, "n_folds": 0}
    return {
        "mean": float(series.mean()),
        "std": float(series.std(ddof=1)) if len(series) > 1 else np.nan,
        "min": float(series.min()),
        "max": float(series.max()),
        "n_folds": len(series),
    }


def cross_validate(
    examples: pd.DataFrame,
    *,
    config: ClassifyConfig | None = None,
    seed: int = 42,
    families: Mapping[str, Iterable[str]] | None = None,
) -> dict[str, pd.DataFrame]:
    """Repeated (grouped) stratified k-fold evaluation of the classifier and its baselines.

    Every model is fitted and scored on the same folds (:func:`cv_folds`). Per fold:
    macro-F1 (unweighted mean of per-class F1 over the labels occurring in the fold's truth or
    predictions, scikit-learn's ``average="macro"``), accuracy, per-class precision, recall and
    F1 (undefined - no true and no predicted row of the class - is left out of that class's
    summary) and the confusion matrix. Summaries over folds: mean, sample std (ddof=1), min,
    max and the number of folds with a defined value.

    Args:
        examples: :func:`labelled_examples` output.
        config: the ``[classify]`` section (:class:`~pipeline.config.ClassifyConfig`).
        seed: seed of the splits and the classifier (``run.seed``).
        families: lemma families for the lexicon baseline (default from ``pipeline.normalise``).

    Returns:
        ``{"metrics": model, metric, class, mean, std, min, max, n_folds;
        "confusion": model, true, predicted, count (summed over folds), mean, std, min, max}``,
        models ``logreg``, ``majority`` and, for a label set within the default scheme,
        ``lexicon``.
    """
    p = _usable_params(config or ClassifyConfig(), examples)
    y = examples["label"].to_numpy(dtype=object)
    labels = sorted(set(y))
    splits = cv_folds(
        y,
        examples["doc_id"],
        folds=p.folds,
        repeats=p.repeats,
        seed=seed,
        group_by_doc=p.group_by_doc,
    )
    models = {"logreg": build_classifier(p, seed=seed), **_baselines(labels, families)}
    scores: list[dict[str, Any]] = []
    cells: list[dict[str, Any]] = []
    X = examples[["text", "norms"]]
    # Sentence-level problems are tiny: multi-threaded BLAS in L-BFGS-B costs far more than it
    # saves (seconds instead of milliseconds per fit on a busy machine).
    with threadpool_limits(limits=1, user_api="blas"):
        _score_folds(splits, models, X, y, labels, scores, cells)
    score_frame = pd.DataFrame(scores)
    metric_rows = []
    for (model, metric, label), group in score_frame.groupby(
        ["model", "metric", score_frame["class"].fillna("")], sort=True
    ):
        metric_rows.append(
            {"model": model, "metric": metric, "class": label or None, **_summary(group["value"].tolist())}
        )
    metrics = pd.DataFrame(metric_rows)
    metrics["n_folds"] = metrics["n_folds"].astype("int64")
    cell_frame = pd.DataFrame(cells)
    confusion_rows = []
    for (model, true, pred), group in cell_frame.groupby(["model", "true", "predicted"], sort=True):
        stats = _summary(group["count"].tolist())
        confusion_rows.append(
            {
                "model": model,
                "true": true,
                "predicted": pred,
                "count": int(group["count"].sum()),
                **{k: stats[k] for k in ("mean", "std", "min", "max")},
            }
        )
    confusion = pd.DataFrame(confusion_rows)
    return {"metrics": metrics.reset_index(drop=True), "confusion": confusion.reset_index(drop=True)}


def _score_folds(
    splits: list[Fold],
    models: Mapping[str, Any],
    X: pd.DataFrame,
    y: np.ndarray,
    labels: list[str],
    scores: list[dict[str, Any]],
    cells: list[dict[str, Any]],
) -> None:
    """Fit each model on each fold's training rows; append its fold scores and confusion cells."""
    for split in splits:
        y_train, y_test = y[split.train], y[split.test]
        if len(set(y_train)) < 2:
            raise TooFewExamplesError(
                f"repeat {split.repeat} fold {split.fold}: training part holds one label only; "
                "label more documents or lower folds"
            )
        for name, template in models.items():
            model = clone(template).fit(X.iloc[split.train], y_train)
            predicted = np.asarray(model.predict(X.iloc[split.test]), dtype=object)
            scores.append(
                {
                    "model": name,
                    "metric": "macro_f1",
                    "class": None,
                    "value": f1_score(y_test, predicted, average="macro", zero_division=0),
                }
            )
            scores.append(
                {"model": name, "metric": "accuracy", "class": None, "value": accuracy_score(y_test, predicted)}
            )
            precision, recall, f1, _ = precision_recall_fscore_support(
                y_test, predicted, labels=labels, zero_division=np.nan
            )
            for i, label in enumerate(labels):
                for metric, values in (("precision", precision), ("recall", recall), ("f1", f1)):
                    scores.append({"model": name, "metric": metric, "class": label, "value": values[i]})
            matrix = confusion_matrix(y_test, predicted, labels=labels)
            for i, true in enumerate(labels):
                for j, pred in enumerate(labels):
                    cells.append({"model": name, "true": true, "predicted": pred, "count": int(matrix[i, j])})


def _usable_params(params: ClassifyConfig, examples: pd.DataFrame) -> ClassifyConfig:
    """``params`` with ``features="words"`` when no labelled sentence has norms (no tokens)."""
    if params.features == "words+norms" and not examples["norms"].astype(bool).any():
        logger.warning("no norms for the labelled sentences (no tokens?): using word features only")
        return params.model_copy(update={"features": "words"})
    return params


def annotation_counts(examples: pd.DataFrame) -> pd.DataFrame:
    """``label, count`` of labelled examples, sorted by label."""
    counts = examples["label"].value_counts().sort_index()
    return pd.DataFrame({"label": counts.index.astype(str), "count": counts.to_numpy(dtype="int64")})


def train_classifier(
    labelled: pd.DataFrame,
    *,
    sentences: pd.DataFrame | None = None,
    tokens: pd.DataFrame | None = None,
    config: ClassifyConfig | None = None,
    seed: int = 42,
    families: Mapping[str, Iterable[str]] | None = None,
) -> tuple[Pipeline, dict[str, pd.DataFrame]]:
    """Evaluate by cross-validation, then fit the classifier on all labelled sentences.

    Any label set works (e.g. ``for / against / neutral`` stance toward doctors in leadership
    roles). ``labelled`` holds ``label`` and ``text`` or ``doc_id, sent_id``; with
    ``sentences`` (and ``tokens``) it is aligned by :func:`align_annotations`.

    Returns:
        The fitted :class:`~sklearn.pipeline.Pipeline` and ``{"metrics", "confusion",
        "annotation_counts"}`` tables.

    Raises:
        TooFewExamplesError: a label has fewer examples than folds (message names them).
    """
    examples = labelled_examples(labelled, sentences=sentences, tokens=tokens)
    p = _usable_params(config or ClassifyConfig(), examples)
    tables = cross_validate(examples, config=p, seed=seed, families=families)
    tables["annotation_counts"] = annotation_counts(examples)
    with threadpool_limits(limits=1, user_api="blas"):
        model = build_classifier(p, seed=seed).fit(
            examples[["text", "norms"]], examples["label"].to_numpy(dtype=object)
        )
    return model, tables


# --------------------------------------------------------------------------- applying


def predict_labels(model: Pipeline, frame: pd.DataFrame) -> pd.DataFrame:
    """Label and class probabilities for each row of ``frame`` (``text`` and ``norms`` columns).

    Returns:
        ``doc_id, sent_id, text, label, p_<class>...`` in the order of ``model.classes_``.
    """
    X = frame[["text", "norms"]]
    out = frame[["doc_id", "sent_id", "text"]].reset_index(drop=True).copy()
    if len(frame) == 0:
        out["label"] = pd.Series(dtype=object)
        for label in model.classes_:
            out[f"p_{label}"] = pd.Series(dtype="float64")
        return out
    proba = model.predict_proba(X)
    classes = np.asarray(model.classes_, dtype=object)
    # argmax of the probabilities (first class on a tie) so label and probabilities agree.
    out["label"] = classes[np.argmax(proba, axis=1)]
    for i, label in enumerate(classes):
        out[f"p_{label}"] = proba[:, i]
    return out


def uncertain_sentences(
    model: Pipeline,
    candidates: pd.DataFrame,
    *,
    annotations: pd.DataFrame | None = None,
    n: int = 50,
) -> pd.DataFrame:
    """The ``n`` unlabelled candidates the model is least sure about (margin uncertainty sampling).

    Margin = p(top class) - p(second class) (Scheffer, Decomain & Wrobel 2001, "Active hidden
    Markov models for information extraction"); smallest margins first, ties by
    ``doc_id, sent_id``. Sentences already in ``annotations`` (by key or text) are skipped.

    Returns:
        Annotation-format rows ``doc_id, sent_id, text, label, note`` with empty ``label`` and
        ``note``, followed by ``predicted`` and ``margin`` to help the annotator.
    """
    pool = candidates
    if annotations is not None and len(annotations):
        done = align_annotations(annotations, candidates[["doc_id", "sent_id", "text"]])
        keys = set(zip(done["doc_id"], done["sent_id"], strict=True))
        mask = [key not in keys for key in zip(pool["doc_id"], pool["sent_id"], strict=True)]
        pool = pool[mask]
    predictions = predict_labels(model, pool)
    columns = ["doc_id", "sent_id", "text", "label", "note", "predicted", "margin"]
    if predictions.empty or n == 0:
        return pd.DataFrame({column: pd.Series(dtype=object) for column in columns})
    proba = predictions[[f"p_{label}" for label in model.classes_]].to_numpy()
    top_two = -np.sort(-proba, axis=1)[:, :2]
    predictions["margin"] = top_two[:, 0] - top_two[:, 1]
    predictions["predicted"] = predictions["label"]
    predictions["label"] = None
    predictions["note"] = None
    ranked = predictions.sort_values(["margin", "doc_id", "sent_id"], kind="mergesort")
    return ranked.head(n)[columns].reset_index(drop=True)


def framing_analysis(
    sentences: pd.DataFrame,
    tokens: pd.DataFrame,
    documents: pd.DataFrame,
    annotations: pd.DataFrame | None,
    *,
    config: ClassifyConfig | None = None,
    seed: int = 42,
    families: Mapping[str, Iterable[str]] | None = None,
) -> dict[str, pd.DataFrame]:
    """The default framing scheme over a corpus: evaluation, labels for every candidate, shares.

    Args:
        sentences: the ``sentences`` table.
        tokens: the ``tokens`` table.
        documents: the ``documents`` table (``doc_id, doc_type`` used).
        annotations: hand labels (:func:`read_annotations` of ``data/annotations/framing.csv``);
            ``None`` or empty gives the candidates unlabelled (no model, empty metrics) and the
            first ``uncertain_n`` of them as the sheet to label.
        config: the ``[classify]`` section (:class:`~pipeline.config.ClassifyConfig`).
        seed: seed of the splits and the classifier (``run.seed``).
        families: lemma families (default ``pipeline.normalise.FAMILIES``).

    Returns:
        ``framing_sentences`` (doc_id, sent_id, text, label, p_<label>..., annotated_label),
        ``framing_docs`` (doc_id, doc_type, n_candidates, share_<label>...; shares of predicted
        labels, null without candidates), ``framing_by_doc_type`` (doc_type, n_documents,
        n_candidates, share_<label>... pooled over sentences), ``framing_metrics``,
        ``framing_confusion``, ``framing_annotation_counts`` and ``framing_uncertain``.
    """
    p = config or ClassifyConfig()
    candidates = candidate_sentences(sentences, tokens, families=families)
    keys = candidates[["doc_id", "sent_id", "text"]]
    if annotations is None or annotations.empty:
        note = "no framing annotations: candidates are listed but not classified"
        logger.warning(note)
        return _unlabelled_framing(candidates, documents, n=p.uncertain_n) | _note(note)
    try:
        model, tables = train_classifier(
            annotations, sentences=keys, tokens=tokens, config=p, seed=seed, families=families
        )
    except TooFewExamplesError as error:
        # A new corpus with annotations made for another one: the run goes on, unclassified,
        # and says why; `ldp classify --labels` trains once sentences of this corpus are labelled.
        note = f"not classified: the annotations match too few sentences of this corpus ({error})"
        logger.warning(note)
        return _unlabelled_framing(candidates, documents, n=p.uncertain_n) | _note(note)
    labelled = align_annotations(annotations, keys)
    predicted = predict_labels(model, candidates).merge(
        labelled[["doc_id", "sent_id", "label"]].rename(columns={"label": "annotated_label"}),
        on=["doc_id", "sent_id"],
        how="left",
    )
    predicted = predicted.sort_values(["doc_id", "sent_id"], kind="mergesort")
    predicted = predicted.reset_index(drop=True)
    classes = [str(label) for label in model.classes_]
    return {
        "framing_sentences": predicted,
        "framing_docs": _label_shares(predicted, documents, classes),
        "framing_by_doc_type": _shares_by_doc_type(predicted, documents, classes),
        "framing_metrics": tables["metrics"],
        "framing_confusion": tables["confusion"],
        "framing_annotation_counts": tables["annotation_counts"],
        "framing_uncertain": uncertain_sentences(model, candidates, annotations=annotations, n=p.uncertain_n),
    } | _note(f"classified with a model trained on {len(labelled)} labelled sentences")


def _note(text: str) -> dict[str, pd.DataFrame]:
    """The ``framing_notes`` table: what the stage did, in words, for the report."""
    return {"framing_notes": pd.DataFrame({"note": [text]})}


def _unlabelled_framing(candidates: pd.DataFrame, documents: pd.DataFrame, *, n: int) -> dict[str, pd.DataFrame]:
    """The framing tables when nothing is labelled: candidates, no labels, no metrics."""
    classes = sorted(FRAMING_LABELS)
    sents = candidates[["doc_id", "sent_id", "text"]].copy()
    sents["label"] = pd.Series([None] * len(sents), dtype=object)
    for label in classes:
        sents[f"p_{label}"] = np.nan
    sents["annotated_label"] = pd.Series([None] * len(sents), dtype=object)
    sheet = candidates[["doc_id", "sent_id", "text"]].head(n).copy()
    for column in ("label", "note", "predicted"):
        sheet[column] = pd.Series([None] * len(sheet), dtype=object)
    sheet["margin"] = np.nan
    metric_columns = ["model", "metric", "class", "mean", "std", "min", "max", "n_folds"]
    return {
        "framing_sentences": sents,
        "framing_docs": _label_shares(sents, documents, classes),
        "framing_by_doc_type": _shares_by_doc_type(sents, documents, classes),
        "framing_metrics": pd.DataFrame(columns=metric_columns),
        "framing_confusion": pd.DataFrame(columns=["model", "true", "predicted", "count", "mean", "std", "min", "max"]),
        "framing_annotation_counts": pd.DataFrame(columns=["label", "count"]),
        "framing_uncertain": sheet.reset_index(drop=True),
    }


def _label_shares(predicted: pd.DataFrame, documents: pd.DataFrame, classes: list[str]) -> pd.DataFrame:
    """Per document: candidates and the share of each predicted label (null when none)."""
    docs = documents[["doc_id", "doc_type"]].sort_values("doc_id", kind="mergesort")
    docs = docs.reset_index(drop=True)
    n_candidates = predicted.groupby("doc_id").size()
    docs["n_candidates"] = docs["doc_id"].map(n_candidates).fillna(0).astype("int64")
    labelled = predicted[predicted["label"].notna()]
    counts = pd.crosstab(labelled["doc_id"], labelled["label"])
    counts = counts.reindex(columns=classes, fill_value=0)
    for label in classes:
        share = counts[label] / counts.sum(axis=1)
        docs[f"share_{label}"] = docs["doc_id"].map(share).astype("float64")
    return docs


def _shares_by_doc_type(predicted: pd.DataFrame, documents: pd.DataFrame, classes: list[str]) -> pd.DataFrame:
    """Per doc_type: documents, candidates and predicted label shares pooled over sentences."""
    doc_types = documents[["doc_id", "doc_type"]]
    joined = predicted[["doc_id", "label"]].merge(doc_types, on="doc_id", how="left")
    rows = []
    for doc_type, group in doc_types.groupby("doc_type", sort=True):
        mine = joined[joined["doc_type"] == doc_type]
        labelled = mine[mine["label"].notna()]
        row: dict[str, Any] = {"doc_type": doc_type, "n_documents": len(group), "n_candidates": len(mine)}
        for label in classes:
            row[f"share_{label}"] = float((labelled["label"] == label).mean()) if len(labelled) else np.nan
        rows.append(row)
    columns = ["doc_type", "n_documents", "n_candidates", *[f"share_{label}" for label in classes]]
    return pd.DataFrame(rows, columns=columns)


# --------------------------------------------------------------------------- persistence


def save_model(model: Pipeline, path: Path) -> Path:
    """Write ``model`` with skops (no pickle); load it back with :func:`load_model`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    skops.io.dump(model, path)
    return path


def load_model(path: Path, *, trusted: Sequence[str] = TRUSTED_TYPES) -> Pipeline:
    """Load a model written by :func:`save_model`, trusting only the listed types.

    Raises:
        skops.io.exceptions.UntrustedTypesFoundException: the file holds another type.
    """
    return skops.io.load(Path(path), trusted=list(trusted))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def model_card(
    *,
    labels_path: Path,
    examples_counts: pd.DataFrame,
    metrics: pd.DataFrame,
    config: ClassifyConfig,
    seed: int,
    model_file: str,
) -> dict[str, Any]:
    """The model card: data file and checksum, labels and counts, CV metrics with baselines,
    parameters and seeds, package versions, the trusted types needed to load the model."""
    packages = {
        name: importlib.metadata.version(name) for name in ("scikit-learn", "skops", "numpy", "scipy", "pandas")
    }
    packages["python"] = platform.python_version()
    summary = {}
    for row in metrics[metrics["metric"] == "macro_f1"].itertuples(index=False):
        summary[row.model] = {"mean": row.mean, "std": row.std, "min": row.min, "max": row.max}
    return {
        "model_file": model_file,
        "estimator": ("TF-IDF (word 1-n grams + lemma unigrams) -> LogisticRegression(class_weight='balanced')"),
        "data": {"path": Path(labels_path).as_posix(), "sha256": _sha256(Path(labels_path))},
        "labels": {str(label): int(count) for label, count in zip(examples_counts["label"], examples_counts["count"])},
        "n_examples": int(examples_counts["count"].sum()),
        "evaluation": (
            f"{config.repeats} x {config.folds}-fold stratified cross-validation"
            + (" grouped by document" if config.group_by_doc else "")
            + f", seeds {seed}..{seed + config.repeats - 1}"
        ),
        "macro_f1": summary,
        "metrics": metrics.astype(object).where(metrics.notna(), None).to_dict(orient="records"),
        "params": _card_params(config, seed),
        "packages": packages,
        "trusted_types": list(TRUSTED_TYPES),
    }


def _card_params(config: ClassifyConfig, seed: int) -> dict[str, Any]:
    """The card's parameters: the modelling knobs of ``[classify]`` and the seed."""
    params = config.model_dump(mode="json", exclude={"labels_file"})
    return {**params, "seed": seed}


def classify_command(
    labels_path: Path,
    *,
    sentences_path: Path,
    tokens_path: Path,
    out_dir: Path,
    config: ClassifyConfig | None = None,
    seed: int = 42,
    families: Mapping[str, Iterable[str]] | None = None,
) -> dict[str, Any]:
    """Load labels, train and evaluate, save the model, its card, predictions and metrics.

    Writes to ``out_dir``: ``model.skops``, ``model_card.json``, ``classify_predictions``,
    ``classify_metrics``, ``classify_confusion`` and ``classify_annotation_counts`` (each
    ``.parquet`` + ``.csv``) and ``classify_uncertain.csv`` (the next sentences to label).

    Returns:
        Printable scalars ``model``, ``model_card``, ``predictions``, ``uncertain`` (paths as
        str), ``n_examples``, ``labels_counts`` and ``macro_f1_<model>`` ("mean +/- std"), plus
        ``paths`` ({name: Path}), ``macro_f1`` ({model: {mean, std, min, max}}) and ``labels``
        ({label: count}).
    """
    p = config or ClassifyConfig()
    out_dir = Path(out_dir)
    sentences = pd.read_parquet(sentences_path)
    tokens = pd.read_parquet(tokens_path)
    annotations = read_annotations(Path(labels_path))
    model, tables = train_classifier(
        annotations, sentences=sentences, tokens=tokens, config=p, seed=seed, families=families
    )
    if p.predict_on == "candidates":
        pool = candidate_sentences(sentences, tokens, families=families)
    else:
        pool = sentence_norms(sentences, tokens)
    predictions = predict_labels(model, pool)
    labelled = align_annotations(annotations, sentences)
    predictions = predictions.merge(
        labelled[["doc_id", "sent_id", "label"]].rename(columns={"label": "annotated_label"}),
        on=["doc_id", "sent_id"],
        how="left",
    )
    paths: dict[str, Path] = {"model": save_model(model, out_dir / "model.skops")}
    outputs = {
        "classify_predictions": predictions,
        "classify_metrics": tables["metrics"],
        "classify_confusion": tables["confusion"],
        "classify_annotation_counts": tables["annotation_counts"],
    }
    for name, frame in outputs.items():
        paths[name] = write_table(frame, out_dir / name)[0]
    uncertain = uncertain_sentences(model, pool, annotations=annotations, n=p.uncertain_n)
    paths["classify_uncertain"] = write_csv(uncertain, out_dir / "classify_uncertain.csv")
    used = [name for name, _, _ in model.named_steps["features"].transformers]
    card = model_card(
        labels_path=Path(labels_path),
        examples_counts=tables["annotation_counts"],
        metrics=tables["metrics"],
        model_file="model.skops",
        config=p.model_copy(update={"features": "+".join(used)}),
        seed=seed,
    )
    paths["model_card"] = write_json(card, out_dir / "model_card.json")
    logger.info("classifier trained on %d sentences; outputs in %s", card["n_examples"], out_dir)
    summary: dict[str, Any] = {
        "model": str(paths["model"]),
        "model_card": str(paths["model_card"]),
        "predictions": str(paths["classify_predictions"]),
        "uncertain": str(paths["classify_uncertain"]),
        "n_examples": card["n_examples"],
        "labels_counts": ", ".join(f"{label}={count}" for label, count in card["labels"].items()),
    }
    for model_name, stats in card["macro_f1"].items():
        summary[f"macro_f1_{model_name}"] = f"{stats['mean']:.3f} +/- {stats['std']:.3f}"
    return {**summary, "paths": paths, "macro_f1": card["macro_f1"], "labels": card["labels"]}
