"""Keyness: which terms are more (or less) frequent in a target corpus than in a reference.

For a term with frequency ``a`` in the target (size ``c`` tokens) and ``b`` in the reference
(size ``d``):

* **Log-likelihood G2** (Rayson, P. & Garside, R. (2000). "Comparing corpora using frequency
  profiling". *Proceedings of the Workshop on Comparing Corpora*, ACL 2000, 1-6): expected
  values ``E1 = c (a + b) / (c + d)`` and ``E2 = d (a + b) / (c + d)`` from the 2x2
  contingency table of term versus corpus, and ``G2 = 2 (a ln(a/E1) + b ln(b/E2))``, a cell
  with an observed 0 contributing 0. This is the two-term sum of Rayson & Garside and of
  Rayson's online log-likelihood calculator, not Dunning's (1993) four-cell G2 (which adds the
  "other words" cells); :func:`pipeline.stats.collocation.log_likelihood_2x2` has that one.
* **p-value**: upper tail of the chi-square distribution with 1 degree of freedom at G2.
* **Significance**: ``p < alpha / m`` (Bonferroni) for ``m`` terms tested, or ``p < alpha``.
* **Log Ratio** (Hardie, A. (2014). "Log Ratio: an informal introduction". ESRC Centre for
  Corpus Approaches to Social Science, CASS): ``log2((a / c) / (b / d))``, with a zero
  frequency replaced by 0.5 before normalising, as Hardie specifies.
* **%DIFF** (Gabrielatos, C. & Marchi, A. (2012). "Keyness: appropriate metrics and
  practical issues". CADS International Conference, Bologna): ``(NF_t - NF_r) * 100 / NF_r``
  with NF the normalised (per million) frequencies; a zero ``NF_r`` is replaced by 1e-18 as
  they recommend, so a term absent from the reference gets a very large %DIFF (about 1e20
  times its target rate) rather than an infinity.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.stats import chi2

from pipeline.stats.frequency import count_codes, factorize_column, term_counts, word_mask

__all__ = [
    "KEYNESS_COLUMNS",
    "keyness",
    "keyness_between",
    "log_likelihood",
    "log_ratio",
    "percent_diff",
    "select_documents",
]

log = logging.getLogger(__name__)

KEYNESS_COLUMNS = [
    "term",
    "freq_target",
    "freq_reference",
    "norm_target",
    "norm_reference",
    "log_likelihood",
    "p_value",
    "significant",
    "log_ratio",
    "percent_diff",
    "direction",
]
PERCENT_DIFF_ZERO = 1e-18


def _xlogy_ratio(observed: npt.NDArray[np.float64], expected: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """``O ln(O/E)``, 0 where ``O`` is 0 (the limit), elementwise."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(observed > 0, observed * np.log(observed / expected), 0.0)


def log_likelihood(a: npt.ArrayLike, b: npt.ArrayLike, c: npt.ArrayLike, d: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Rayson & Garside's (2000) log-likelihood G2 of frequencies ``a`` in ``c`` vs ``b`` in ``d``.

    ``E1 = c (a+b)/(c+d)``, ``E2 = d (a+b)/(c+d)``, ``G2 = 2 (a ln(a/E1) + b ln(b/E2))``; a zero
    observed frequency contributes 0.
    """
    a, b, c, d = (np.asarray(x, dtype=np.float64) for x in (a, b, c, d))
    e1 = c * (a + b) / (c + d)
    e2 = d * (a + b) / (c + d)
    return 2.0 * (_xlogy_ratio(a, e1) + _xlogy_ratio(b, e2))


def log_ratio(a: npt.ArrayLike, b: npt.ArrayLike, c: npt.ArrayLike, d: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Hardie's (2014) Log Ratio: ``log2((a/c) / (b/d))``, a zero frequency taken as 0.5."""
    a, b, c, d = (np.asarray(x, dtype=np.float64) for x in (a, b, c, d))
    a = np.where(a == 0, 0.5, a)
    b = np.where(b == 0, 0.5, b)
    return np.log2((a / c) / (b / d))


def percent_diff(norm_target: npt.ArrayLike, norm_reference: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Gabrielatos & Marchi's (2012) %DIFF; a zero reference rate is replaced by 1e-18."""
    nt = np.asarray(norm_target, dtype=np.float64)
    nr = np.asarray(norm_reference, dtype=np.float64)
    nr = np.where(nr == 0, PERCENT_DIFF_ZERO, nr)
    return (nt - nr) * 100.0 / nr


def keyness(
    target_counts: pd.Series,
    reference_counts: pd.Series,
    *,
    target_size: int | None = None,
    reference_size: int | None = None,
    min_freq: int = 5,
    min_freq_target: int = 0,
    alpha: float = 0.05,
    correction: str | None = "bonferroni",
) -> pd.DataFrame:
    """Keyness of every term of two frequency lists.

    Args:
        target_counts: Term -> frequency in the target corpus.
        reference_counts: Term -> frequency in the reference corpus.
        target_size: Target corpus size in tokens (default: the sum of ``target_counts``).
        reference_size: Reference size in tokens (default: the sum of ``reference_counts``).
        min_freq: Smallest ``freq_target + freq_reference`` for a term to be tested.
        min_freq_target: Smallest ``freq_target`` for a term to be tested.
        alpha: Significance level before correction.
        correction: ``"bonferroni"`` (alpha divided by the number of terms tested) or None.

    Returns:
        Columns :data:`KEYNESS_COLUMNS` (``norm_*`` per million; ``direction`` is ``positive``
        when the target rate is higher, ``negative`` when lower, ``none`` when equal), sorted by
        log_likelihood descending, then term.
    """
    if correction not in (None, "none", "bonferroni"):
        raise ValueError(f"unknown correction {correction!r}: use 'bonferroni' or None")
    c = float(target_counts.sum() if target_size is None else target_size)
    d = float(reference_counts.sum() if reference_size is None else reference_size)
    both = pd.concat([target_counts.rename("freq_target"), reference_counts.rename("freq_reference")], axis=1).fillna(0)
    both = both.astype(np.int64)
    both.index = both.index.rename("term")
    total = both["freq_target"] + both["freq_reference"]
    both = both.loc[(total > 0) & (total >= min_freq) & (both["freq_target"] >= min_freq_target)]
    out = both.reset_index()
    if c <= 0 or d <= 0 or out.empty:
        return pd.DataFrame({col: pd.Series(dtype=_KEYNESS_DTYPES[col]) for col in KEYNESS_COLUMNS})
    a = out["freq_target"].to_numpy(np.float64)
    b = out["freq_reference"].to_numpy(np.float64)
    out["norm_target"] = a / c * 1_000_000
    out["norm_reference"] = b / d * 1_000_000
    out["log_likelihood"] = log_likelihood(a, b, c, d)
    out["p_value"] = chi2.sf(out["log_likelihood"].to_numpy(), 1)
    threshold = alpha / len(out) if correction == "bonferroni" else alpha
    out["significant"] = out["p_value"] < threshold
    out["log_ratio"] = log_ratio(a, b, c, d)
    out["percent_diff"] = percent_diff(out["norm_target"], out["norm_reference"])
    rate_t, rate_r = a * d, b * c  # compares a/c with b/d without rounding
    out["direction"] = np.where(rate_t > rate_r, "positive", np.where(rate_t < rate_r, "negative", "none"))
    out["_neg"] = -out["log_likelihood"]
    out = out.sort_values(["_neg", "term"], kind="mergesort").drop(columns="_neg")
    return out[KEYNESS_COLUMNS].reset_index(drop=True)


_KEYNESS_DTYPES = {
    "term": "object",
    "freq_target": "int64",
    "freq_reference": "int64",
    "norm_target": "float64",
    "norm_reference": "float64",
    "log_likelihood": "float64",
    "p_value": "float64",
    "significant": "bool",
    "log_ratio": "float64",
    "percent_diff": "float64",
    "direction": "object",
}


def select_documents(documents: pd.DataFrame, spec: Mapping[str, object]) -> pd.Index:
    """The ``doc_id`` of the documents matching a metadata filter.

    Args:
        documents: The ``documents`` table.
        spec: ``{column: value or list of values}``; a document matches when, for every
            column, its value is one of the listed values (``{}`` matches every document).

    Returns:
        The matching doc_ids, in table order.
    """
    mask = np.ones(len(documents), dtype=bool)
    for column, wanted in spec.items():
        if column not in documents:
            raise KeyError(f"documents has no column {column!r} to select on")
        values = list(wanted) if isinstance(wanted, (list, tuple, set, frozenset)) else [wanted]
        mask &= documents[column].isin(values).to_numpy()
    selected: pd.Index = pd.Index(documents.loc[mask, "doc_id"])
    return selected


def keyness_between(
    tokens: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    target: Mapping[str, object],
    reference: Mapping[str, object] | None = None,
    reference_tokens: pd.DataFrame | None = None,
    unit: str = "norm",
    exclude_punct: bool = True,
    stop_words: Iterable[str] | None = None,
    min_freq: int = 5,
    min_freq_target: int = 0,
    alpha: float = 0.05,
    correction: str | None = "bonferroni",
) -> pd.DataFrame:
    """Keyness of a target sub-corpus against a reference sub-corpus or a separate corpus.

    The corpus sizes are the numbers of word tokens of each side (punctuation excluded by
    default), whether or not a stop list drops terms from the comparison.

    Args:
        tokens: The ``tokens`` table.
        documents: The ``documents`` table.
        target: Metadata filter for the target, e.g. ``{"doc_type": ["comment"]}``.
        reference: Metadata filter for the reference. With neither this nor
            ``reference_tokens``, the reference is every document not in the target.
        reference_tokens: A separate reference corpus's tokens table (all of it is used).
        unit: Tokens column to compare (``norm``, ``lower``, ...).
        exclude_punct: Leave punctuation out of counts and sizes.
        stop_words: Terms to leave out of the comparison.
        min_freq: See :func:`keyness`.
        min_freq_target: See :func:`keyness`.
        alpha: See :func:`keyness`.
        correction: See :func:`keyness`.

    Returns:
        See :func:`keyness`; empty (with the columns) when either side has no token.
    """
    codes, uniques = factorize_column(tokens[unit])
    words = word_mask(tokens, exclude_punct=exclude_punct)
    target_ids = select_documents(documents, target)
    in_target = tokens["doc_id"].isin(target_ids).to_numpy()
    target_counts = count_codes(codes, uniques, words & in_target, stop_words=stop_words)
    c = int((words & in_target).sum())
    if reference_tokens is not None:
        reference_counts = term_counts(reference_tokens, unit=unit, exclude_punct=exclude_punct, stop_words=stop_words)
        d = int(word_mask(reference_tokens, exclude_punct=exclude_punct).sum())
    else:
        if reference is not None:
            in_reference = tokens["doc_id"].isin(select_documents(documents, reference)).to_numpy()
        else:
            in_reference = tokens["doc_id"].isin(documents["doc_id"]).to_numpy() & ~in_target
        reference_counts = count_codes(codes, uniques, words & in_reference, stop_words=stop_words)
        d = int((words & in_reference).sum())
    if c == 0 or d == 0:
        log.warning(
            "keyness: the %s has no tokens; returning an empty table",
            "target" if c == 0 else "reference",
        )
    return keyness(
        target_counts,
        reference_counts,
        target_size=c,
        reference_size=d,
        min_freq=min_freq,
        min_freq_target=min_freq_target,
        alpha=alpha,
        correction=correction,
    )
