"""Leadership versus management: the two lemma families compared.

The families (``LEADERSHIP``: leadership, leader, lead, ...; ``MANAGEMENT``: management,
manager, manage, ...) are defined once, in ``pipeline.normalise.FAMILIES``; every function
here takes an optional ``families`` mapping that overrides them (tests pass their own).
Rates are per million tokens, punctuation excluded (``count / tokens * 1e6``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from pipeline.stats.frequency import factorize_column, word_mask

__all__ = [
    "compare_collocates",
    "expand_node",
    "family_cooccurrence",
    "family_rates",
    "load_families",
    "load_stop_words",
]

log = logging.getLogger(__name__)

COMPARED_STATS = ("observed", "expected", "mi", "log_dice", "t_score", "log_likelihood")


def load_families(families: Mapping[str, Iterable[str]] | None = None) -> dict[str, frozenset[str]]:
    """The lemma families, keyed by upper-cased name (``LEADERSHIP``, ``MANAGEMENT``).

    ``families`` if given, else ``pipeline.normalise.FAMILIES``. Names are upper-cased so that a
    node or query ``"LEADERSHIP"`` means the family while ``"leadership"`` means the one lemma.
    """
    if families is None:
        from pipeline.normalise import FAMILIES  # imported late: normalise loads word lists

        families = FAMILIES
    return {name.upper(): frozenset(members) for name, members in families.items()}


def load_stop_words(*, extra: Iterable[str] = (), keep: Iterable[str] = ()) -> frozenset[str]:
    """The project's stop list (``pipeline.normalise.stop_words``) plus ``extra``, less ``keep``."""
    from pipeline.normalise import stop_words

    return frozenset(stop_words(extra=tuple(extra), keep=tuple(keep)))


def expand_node(node: str, families: Mapping[str, frozenset[str]]) -> frozenset[str]:
    """The terms a node stands for: a family's members for a family name, else the node itself.

    ``families`` is keyed as :func:`load_families` returns it (upper-cased names).
    """
    if node in families:
        return frozenset(families[node])
    return frozenset([node])


def _family_of_terms(terms: np.ndarray, families: Mapping[str, frozenset[str]]) -> tuple[np.ndarray, list[str]]:
    """Family index of each distinct term (-1 for none); names in sorted order.

    A term listed in two families is counted for the first in sorted order (families are
    meant to be disjoint).
    """
    names = sorted(families)
    lookup: dict[str, int] = {}
    for i, name in enumerate(names):
        for member in families[name]:
            lookup.setdefault(member, i)
    return np.array([lookup.get(t, -1) for t in terms], dtype=np.int64), names


def family_rates(
    tokens: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    by: str = "doc_type",
    families: Mapping[str, Iterable[str]] | None = None,
    exclude_punct: bool = True,
) -> pd.DataFrame:
    """Frequency of each family per million tokens in each group of documents.

    ``per_million = count / tokens * 1_000_000`` where ``count`` is the number of tokens whose
    ``norm`` belongs to the family and ``tokens`` the group's size (punctuation excluded by
    default). Every (group, family) pair is listed, zeros included.

    Args:
        tokens: The ``tokens`` table.
        documents: The ``documents`` table (for the grouping column).
        by: A ``documents`` column: ``doc_type``, ``source``, ``corpus``, ``year``, ...
        families: Family name -> member lemmas (default ``pipeline.normalise.FAMILIES``).
        exclude_punct: Leave punctuation tokens out of counts and sizes.

    Returns:
        Columns ``group, family, count, tokens, per_million``, sorted by group then family.
    """
    fams = load_families(families)
    doc_codes, doc_values = factorize_column(tokens["doc_id"])
    group_of_doc = documents.set_index("doc_id")[by].reindex(pd.Index(doc_values))
    known_doc = pd.Index(doc_values).isin(documents["doc_id"])
    doc_group, group_values = pd.factorize(group_of_doc, use_na_sentinel=False)
    doc_group = np.where(known_doc, doc_group, -1)
    keep = word_mask(tokens, exclude_punct=exclude_punct) & (doc_codes >= 0)
    keep &= doc_group[np.maximum(doc_codes, 0)] >= 0
    group_codes = doc_group[doc_codes[keep]]
    norm_codes, norm_values = factorize_column(tokens["norm"])
    norm_codes = norm_codes[keep]
    fam_of_term, names = _family_of_terms(norm_values, fams)
    n_groups = len(group_values)
    sizes = np.bincount(group_codes, minlength=n_groups)
    fam = np.where(norm_codes >= 0, fam_of_term[np.maximum(norm_codes, 0)], -1)
    hit = fam >= 0
    counts = np.bincount(group_codes[hit] * len(names) + fam[hit], minlength=n_groups * len(names)).reshape(
        n_groups, len(names)
    )
    out = pd.DataFrame(
        {
            "group": np.repeat(np.asarray(group_values, dtype=object), len(names)),
            "family": np.tile(np.array(names, dtype=object), n_groups),
            "count": counts.ravel().astype(np.int64),
            "tokens": np.repeat(sizes, len(names)).astype(np.int64),
        }
    )
    if len(out):
        out["group"] = out["group"].astype(documents[by].dtype)
    out["per_million"] = out["count"] / out["tokens"] * 1_000_000
    out = out.sort_values(["group", "family"], kind="mergesort", na_position="last")
    return out.reset_index(drop=True)


def compare_collocates(
    colloc_df: pd.DataFrame,
    *,
    a: str = "LEADERSHIP",
    b: str = "MANAGEMENT",
    stats: Sequence[str] = COMPARED_STATS,
) -> pd.DataFrame:
    """Two nodes' collocate profiles side by side.

    Args:
        colloc_df: Output of :func:`pipeline.stats.collocation.collocations`.
        a: First node (column suffix ``_a``).
        b: Second node (column suffix ``_b``).
        stats: Statistic columns to carry over for each node.

    Returns:
        Columns ``collocate, node_a, node_b``, then ``{stat}_a`` and ``{stat}_b`` for each stat
        (NaN where the collocate is not one of that node's), ``log_dice_diff`` (a minus b, NaN
        unless shared) and ``label``: ``shared``, ``only_{a.lower()}`` or ``only_{b.lower()}``.
        Sorted by the larger of the two logDice scores, descending, then collocate.
    """
    cols = ["collocate", *stats]
    side_a = colloc_df.loc[colloc_df["node"] == a, cols].rename(columns={s: f"{s}_a" for s in stats})
    side_b = colloc_df.loc[colloc_df["node"] == b, cols].rename(columns={s: f"{s}_b" for s in stats})
    out = side_a.merge(side_b, on="collocate", how="outer")
    out.insert(1, "node_a", a)
    out.insert(2, "node_b", b)
    ordered = ["collocate", "node_a", "node_b"]
    for s in stats:
        ordered += [f"{s}_a", f"{s}_b"]
    out = out[ordered]
    in_a = out[f"{stats[0]}_a"].notna()
    in_b = out[f"{stats[0]}_b"].notna()
    for side in ("a", "b"):
        if f"observed_{side}" in out:
            out[f"observed_{side}"] = out[f"observed_{side}"].astype("Int64")
    out["label"] = np.where(in_a & in_b, "shared", np.where(in_a, f"only_{a.lower()}", f"only_{b.lower()}"))
    if "log_dice" in stats:
        out["log_dice_diff"] = out["log_dice_a"] - out["log_dice_b"]
        key = np.fmax(out["log_dice_a"].to_numpy(float), out["log_dice_b"].to_numpy(float))
    else:
        key = np.zeros(len(out))
    out["_key"] = -key
    out = out.sort_values(["_key", "collocate"], kind="mergesort").drop(columns="_key")
    return out.reset_index(drop=True)


def family_cooccurrence(
    tokens: pd.DataFrame,
    sentences: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    families: Mapping[str, Iterable[str]] | None = None,
    pair: tuple[str, str] = ("LEADERSHIP", "MANAGEMENT"),
) -> pd.DataFrame:
    """Sentences where a word of each family of ``pair`` occurs.

    Args:
        tokens: The ``tokens`` table (family membership by ``norm``).
        sentences: The ``sentences`` table (for the sentence text).
        documents: The ``documents`` table (for ``doc_type`` and ``source``).
        families: Family name -> member lemmas (default ``pipeline.normalise.FAMILIES``).
        pair: The two families.

    Returns:
        Columns ``doc_id, sent_id, text, doc_type, source`` and, for each family of the pair,
        ``{family.lower()}_terms``: the distinct word forms (``lower``) found, sorted, joined by
        ``"; "``. Sorted by doc_id, sent_id.
    """
    fams = load_families(families)
    columns = ["doc_id", "sent_id", "text", "doc_type", "source"]
    parts = []
    for name in pair:
        members = fams[name]
        hits = tokens.loc[tokens["norm"].isin(members), ["doc_id", "sent_id", "lower"]]
        terms = (
            hits.drop_duplicates()
            .sort_values(["doc_id", "sent_id", "lower"], kind="mergesort")
            .groupby(["doc_id", "sent_id"], sort=True)["lower"]
            .agg("; ".join)
            .rename(f"{name.lower()}_terms")
        )
        parts.append(terms)
    both = pd.concat(parts, axis=1, join="inner").reset_index()
    out = both.merge(sentences[["doc_id", "sent_id", "text"]], on=["doc_id", "sent_id"], how="left")
    out = out.merge(documents[["doc_id", "doc_type", "source"]], on="doc_id", how="left")
    out = out[columns + [f"{name.lower()}_terms" for name in pair]]
    return out.sort_values(["doc_id", "sent_id"], kind="mergesort").reset_index(drop=True)
