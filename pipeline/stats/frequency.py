"""Frequency lists of lemmas, word forms and phrases, with Gries' DP over documents.

Every count is over *word tokens*: punctuation tokens are left out by default, and the corpus
(or group) size ``N`` that rates are relative to is the number of word tokens. A stop list
removes terms from a list but does not shrink ``N``, so rates stay comparable with and
without one. Documents are the corpus parts for dispersion, each part's size being its number
of word tokens; a document with no word token is not a part.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from pipeline.stats.dispersion import gries_dp_sparse

__all__ = [
    "FREQUENCY_COLUMNS",
    "count_codes",
    "factorize_column",
    "frequency_list",
    "term_counts",
    "word_mask",
]

FREQUENCY_COLUMNS = ["term", "count", "per_million", "doc_freq", "dp", "dp_norm"]


def word_mask(tokens: pd.DataFrame, *, exclude_punct: bool = True) -> np.ndarray:
    """Boolean mask of the tokens that count as words (all, less punctuation if asked)."""
    if exclude_punct and len(tokens):
        return ~tokens["is_punct"].to_numpy(dtype=bool)
    return np.ones(len(tokens), dtype=bool)


def factorize_column(values: pd.Series, *, sort: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes (-1 for null) and distinct values of a column.

    The Series is factorised as it is (Arrow-backed strings take pyarrow's fast path); with
    ``sort`` the codes follow the sorted distinct values, so they do not depend on row order.
    """
    codes, uniques = pd.factorize(values, sort=sort)
    return np.asarray(codes, dtype=np.int64), np.asarray(uniques, dtype=object)


def count_codes(
    codes: np.ndarray, uniques: np.ndarray, mask: np.ndarray, *, stop_words: Iterable[str] | None = None
) -> pd.Series:
    """Frequencies of the coded terms selected by ``mask``, sorted by term, zeros left out."""
    picked = codes[mask & (codes >= 0)]
    counts = np.bincount(picked, minlength=len(uniques)).astype(np.int64)
    out = pd.Series(counts, index=pd.Index(uniques, dtype=object, name="term"), name="count")
    out = out.loc[out.to_numpy() > 0]
    if stop_words is not None:
        out = out.loc[~out.index.isin(list(stop_words))]
    return out.sort_index(kind="mergesort")


def term_counts(
    tokens: pd.DataFrame,
    *,
    unit: str = "norm",
    exclude_punct: bool = True,
    stop_words: Iterable[str] | None = None,
) -> pd.Series:
    """Frequency of every term of ``unit`` (a tokens column), sorted by term.

    Args:
        tokens: The ``tokens`` table (or a subset of it).
        unit: Column to count: ``norm`` (lemma), ``lower`` (word form), ...
        exclude_punct: Leave punctuation tokens out.
        stop_words: Terms to leave out of the result.

    Returns:
        int64 Series indexed by term (name ``count``); nulls are not counted.
    """
    codes, uniques = factorize_column(tokens[unit])
    return count_codes(codes, uniques, word_mask(tokens, exclude_punct=exclude_punct), stop_words=stop_words)


def _as_list(by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    if isinstance(by, str):
        return [by]
    return list(by)


def frequency_list(
    tokens: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    unit: str = "norm",
    by: str | Sequence[str] | None = None,
    exclude_punct: bool = True,
    stop_words: Iterable[str] | None = None,
    min_count: int = 1,
    phrases: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Frequency list with per-million rate, document frequency and Gries' DP.

    For each term (and group, with ``by``): ``count`` its frequency; ``per_million =
    count / N * 1e6`` with ``N`` the number of word tokens in the (sub-)corpus; ``doc_freq`` the
    number of documents it occurs in; ``dp`` Gries' (2008) DP and ``dp_norm`` Lijffijt & Gries'
    (2012) DPnorm over the documents as parts, part sizes = word tokens per document (see
    :mod:`pipeline.stats.dispersion`).

    Args:
        tokens: The ``tokens`` table.
        documents: The ``documents`` table; only needed for ``by`` (documents missing from it
            are left out when grouping).
        unit: ``norm`` (lemmas), ``lower`` (word forms), another tokens column, or ``phrase``
            (the ``phrases`` table's ``phrase``, each span counted once even if it was found
            both as a noun chunk and a collocation).
        by: ``documents`` column(s) to give a list per group, e.g. ``doc_type`` or ``["source",
            "year"]``; each group is its own sub-corpus (its own N, parts and DP).
        exclude_punct: Leave punctuation tokens out (of counts and of N).
        stop_words: Terms to leave out of the list (N unchanged).
        min_count: Smallest count listed.
        phrases: The ``phrases`` table, for ``unit="phrase"``.

    Returns:
        Columns ``*by, term, count, per_million, doc_freq, dp, dp_norm``, sorted by the group
        columns, count descending, then term.
    """
    by_cols = _as_list(by)
    words = word_mask(tokens, exclude_punct=exclude_punct)
    all_doc_codes, doc_values = factorize_column(tokens["doc_id"], sort=True)
    # Parts are the documents with at least one word token: renumber them 0..n-1.
    doc_sizes_all = np.bincount(all_doc_codes[words], minlength=len(doc_values))
    is_part = doc_sizes_all > 0
    renumber = np.cumsum(is_part) - 1
    doc_values = doc_values[is_part]
    doc_sizes = doc_sizes_all[is_part].astype(np.float64)

    if unit == "phrase":
        items = phrases if phrases is not None else pd.DataFrame(columns=["doc_id", "phrase"])
        if len(items):
            span_cols = [c for c in ("doc_id", "start_char", "end_char", "phrase") if c in items]
            items = items.drop_duplicates(span_cols)
        item_docs = (
            pd.Index(doc_values).get_indexer(items["doc_id"].to_numpy()) if len(items) else np.empty(0, np.int64)
        )
        term_codes, term_values = factorize_column(
            items["phrase"] if len(items) else pd.Series([], dtype=object), sort=True
        )
        keep = item_docs >= 0
    else:
        item_docs = renumber[all_doc_codes]
        term_codes, term_values = factorize_column(tokens[unit], sort=True)
        keep = words.copy()
    keep &= term_codes >= 0
    if stop_words is not None:
        keep &= ~np.isin(term_codes, np.flatnonzero(pd.Index(term_values).isin(list(stop_words))))
    item_docs = np.asarray(item_docs, dtype=np.int64)[keep]
    term_codes = term_codes[keep]

    # Group of every part (document).
    if by_cols:
        meta = documents.set_index("doc_id")[by_cols].reindex(pd.Index(doc_values))
        in_docs = pd.Index(doc_values).isin(documents["doc_id"])
        group_keys = pd.MultiIndex.from_frame(meta) if len(by_cols) > 1 else pd.Index(meta[by_cols[0]])
        part_group, group_values = pd.factorize(group_keys, use_na_sentinel=False)
        part_group = np.where(in_docs, part_group, -1)
        doc_ok = part_group[item_docs] >= 0
        item_docs, term_codes = item_docs[doc_ok], term_codes[doc_ok]
        parts = np.flatnonzero(part_group >= 0)
    else:
        part_group = np.zeros(len(doc_values), dtype=np.int64)
        group_values = None
        parts = np.arange(len(doc_values))
    n_groups = int(part_group.max()) + 1 if len(parts) else 0

    columns = [*by_cols, *FREQUENCY_COLUMNS]
    if len(term_codes) == 0:
        return pd.DataFrame({c: pd.Series(dtype=_dtype(c, documents)) for c in columns})

    # Non-zero (document, term) cells: documents determine groups, so each cell has one group.
    n_terms = len(term_values)
    cell_key = item_docs.astype(np.int64) * n_terms + term_codes
    cells, cell_counts = np.unique(cell_key, return_counts=True)
    cell_doc, cell_term = np.divmod(cells, n_terms)
    cell_group = part_group[cell_doc]
    row_key = cell_group * n_terms + cell_term
    rows, cell_row = np.unique(row_key, return_inverse=True)
    row_group, row_term = np.divmod(rows, n_terms)

    count = np.bincount(cell_row, weights=cell_counts, minlength=len(rows)).astype(np.int64)
    doc_freq = np.bincount(cell_row, minlength=len(rows)).astype(np.int64)
    group_size = np.bincount(part_group[parts], weights=doc_sizes[parts], minlength=n_groups)
    # Documents outside every group (not in ``documents``) form one extra group no row uses.
    dp, dp_norm = gries_dp_sparse(
        cell_row,
        cell_doc,
        cell_counts,
        doc_sizes,
        n_terms=len(rows),
        part_group=np.where(part_group >= 0, part_group, n_groups),
        pair_group=row_group,
    )
    out = pd.DataFrame(
        {
            "term": term_values[row_term],
            "count": count,
            "per_million": count / group_size[row_group] * 1_000_000,
            "doc_freq": doc_freq,
            "dp": dp,
            "dp_norm": dp_norm,
        }
    )
    if by_cols and group_values is not None:
        picked = group_values.take(row_group)
        for i, col in enumerate(by_cols):
            values = picked.get_level_values(i) if len(by_cols) > 1 else picked
            out.insert(i, col, pd.Series(np.asarray(values, dtype=object)).astype(documents[col].dtype))
    out = out.loc[out["count"] >= min_count]
    out = out.sort_values(
        [*by_cols, "count", "term"],
        ascending=[True] * len(by_cols) + [False, True],
        kind="mergesort",
        na_position="last",
    )
    return out.reset_index(drop=True)


def _dtype(column: str, documents: pd.DataFrame) -> str:
    if column in ("count", "doc_freq"):
        return "int64"
    if column in ("per_million", "dp", "dp_norm"):
        return "float64"
    if column in documents:
        return str(documents[column].dtype)
    return "object"
