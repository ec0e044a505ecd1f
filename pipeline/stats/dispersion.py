"""Dispersion of a term over the parts of a corpus: Gries' DP and its normalised form.

Gries, S. Th. (2008). "Dispersions and adjusted frequencies in corpora". *International
Journal of Corpus Linguistics* 13(4): 403-437. For a term of frequency ``f`` in a corpus
cut into ``n`` parts, with ``v_i`` the term's frequency in part ``i`` and ``s_i`` the part's
share of the corpus size (``sum(s_i) == 1``)::

    DP = 0.5 * sum_i | v_i / f - s_i |

DP is 0 when the term is spread over the parts exactly in proportion to their sizes and
approaches 1 when it is concentrated in one small part.

Lijffijt, J. & Gries, S. Th. (2012). "Correction to Stefan Th. Gries' 'Dispersions and
adjusted frequencies in corpora'". *International Journal of Corpus Linguistics* 17(1):
147-149. The maximum of DP is ``1 - min(s_i)``, so::

    DPnorm = DP / (1 - min_i s_i)

which is undefined (NaN here) for a corpus of a single part.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["gries_dp", "gries_dp_sparse"]


def gries_dp(part_counts: npt.ArrayLike, part_sizes: npt.ArrayLike) -> tuple[float, float]:
    """DP and DPnorm of one term, from its frequency in every part and the parts' sizes.

    The direct form of the formula, for checking :func:`gries_dp_sparse` and for small inputs.

    Args:
        part_counts: Frequency ``v_i`` of the term in each part.
        part_sizes: Size of each part (tokens), same order; every size must be positive.

    Returns:
        ``(dp, dp_norm)``; ``dp_norm`` is NaN when there is one part only, and both are NaN
        when the term does not occur.
    """
    v = np.asarray(part_counts, dtype=np.float64)
    sizes = np.asarray(part_sizes, dtype=np.float64)
    total = v.sum()
    if total == 0:
        return float("nan"), float("nan")
    s = sizes / sizes.sum()
    dp = 0.5 * float(np.abs(v / total - s).sum())
    max_dp = 1.0 - float(s.min())
    return dp, (dp / max_dp if max_dp > 0 else float("nan"))


def gries_dp_sparse(
    term_index: npt.NDArray[np.integer],
    part_index: npt.NDArray[np.integer],
    counts: npt.NDArray[np.integer],
    part_sizes: npt.NDArray[np.floating],
    *,
    n_terms: int,
    part_group: npt.NDArray[np.integer] | None = None,
    pair_group: npt.NDArray[np.integer] | None = None,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """DP and DPnorm of many terms at once, from the non-zero (term, part) counts only.

    Parts where a term is absent contribute ``s_i`` each to the sum, so
    ``sum_i |v_i/f - s_i| = sum_{v_i>0} (|v_i/f - s_i| - s_i) + sum_i s_i`` and only the
    non-zero cells need visiting. With groups (sub-corpora such as doc types), ``s_i`` is the
    part's share of its own group, ``min s_i`` is taken within the group, and ``term_index``
    indexes (group, term) rows.

    Args:
        term_index: Row (term, or group-and-term) of each non-zero cell, in ``[0, n_terms)``.
        part_index: Part of each non-zero cell, indexing ``part_sizes``.
        counts: ``v_i`` of each non-zero cell (positive).
        part_sizes: Size of every part (positive).
        n_terms: Number of rows in the output.
        part_group: Group of each part (default: one group).
        pair_group: Group of each output row (default: one group).

    Returns:
        ``(dp, dp_norm)`` arrays of length ``n_terms`` (NaN for rows with no cells).
    """
    sizes = np.asarray(part_sizes, dtype=np.float64)
    if part_group is None:
        part_group = np.zeros(len(sizes), dtype=np.int64)
    if pair_group is None:
        pair_group = np.zeros(n_terms, dtype=np.int64)
    n_groups = int(part_group.max()) + 1 if len(part_group) else 0
    group_total = np.bincount(part_group, weights=sizes, minlength=n_groups)
    share = sizes / group_total[part_group]
    group_min = np.full(n_groups, np.inf)
    np.minimum.at(group_min, part_group, share)

    v = counts.astype(np.float64)
    freq = np.bincount(term_index, weights=v, minlength=n_terms)
    s = share[part_index]
    cell = np.abs(v / freq[term_index] - s) - s
    with np.errstate(invalid="ignore", divide="ignore"):
        dp = 0.5 * (np.bincount(term_index, weights=cell, minlength=n_terms) + 1.0)
        dp = np.where(freq > 0, np.clip(dp, 0.0, 1.0), np.nan)
        max_dp = 1.0 - group_min[pair_group]
        dp_norm = np.where(max_dp > 0, dp / max_dp, np.nan)
    return dp.astype(np.float64), dp_norm.astype(np.float64)
