"""Gries' DP and DPnorm, checked against values worked by hand from the formulas."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pipeline.stats.dispersion import gries_dp, gries_dp_sparse


@pytest.mark.parametrize(
    ("counts", "sizes", "dp", "dp_norm"),
    [
        # s = .3 .2 .5; v/f = 2/3 1/3 0: (.3667 + .1333 + .5) / 2 = .5; / (1 - .2) = .625
        ([2, 1, 0], [3, 2, 5], 0.5, 0.625),
        # v/f = 1/3 0 2/3: (.0333 + .2 + .1667) / 2 = .2; / .8 = .25
        ([1, 0, 2], [3, 2, 5], 0.2, 0.25),
        # perfectly proportional: DP 0
        ([3, 2, 5], [3, 2, 5], 0.0, 0.0),
        # all in the smallest part: DP = 1 - min(s), DPnorm = 1
        ([0, 4, 0], [3, 2, 5], 0.8, 1.0),
        # equal parts, one of four: DP = .75 = max, DPnorm 1
        ([7, 0, 0, 0], [10, 10, 10, 10], 0.75, 1.0),
    ],
)
def test_gries_dp(counts, sizes, dp, dp_norm):
    got = gries_dp(counts, sizes)
    assert got == pytest.approx((dp, dp_norm), abs=1e-12)


def test_gries_dp_one_part_has_no_dp_norm():
    dp, dp_norm = gries_dp([5], [10])
    assert dp == 0.0
    assert math.isnan(dp_norm)


def test_sparse_matches_direct_form():
    rng = np.random.default_rng(7)
    sizes = rng.integers(1, 50, size=12).astype(float)
    dense = rng.integers(0, 4, size=(9, 12))
    dense[:, 0] += 1  # every term occurs somewhere
    term, part = np.nonzero(dense)
    dp, dp_norm = gries_dp_sparse(term, part, dense[term, part], sizes, n_terms=9)
    for i in range(9):
        assert (dp[i], dp_norm[i]) == pytest.approx(gries_dp(dense[i], sizes), abs=1e-12)


def test_sparse_groups_use_their_own_parts():
    # parts 0,1 in group 0 (sizes 3, 2), part 2 alone in group 1; rows: (g0, t) and (g1, t)
    dp, dp_norm = gries_dp_sparse(
        np.array([0, 0, 1]),
        np.array([0, 1, 2]),
        np.array([2, 1, 3]),
        np.array([3.0, 2.0, 5.0]),
        n_terms=2,
        part_group=np.array([0, 0, 1]),
        pair_group=np.array([0, 1]),
    )
    # group 0: s = .6 .4, v/f = 2/3 1/3 -> (.0667 + .0667) / 2 = 1/15; / (1 - .4)
    assert dp[0] == pytest.approx(1 / 15)
    assert dp_norm[0] == pytest.approx((1 / 15) / 0.6)
    assert dp[1] == 0.0
    assert math.isnan(dp_norm[1])
