"""Tests for pipeline.normalise: spelling map, stop list, lemma families."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.normalise import (
    FAMILIES,
    LEADERSHIP,
    MANAGEMENT,
    SPELLING_MAP,
    family_of,
    normalise_lemma,
    normalise_series,
    stop_words,
)


@pytest.mark.parametrize(
    ("lemma", "expected"),
    [
        # dictionary entries
        ("behavior", "behaviour"),
        ("Behavioral", "behavioural"),
        ("color", "colour"),
        ("favor", "favour"),
        ("labor", "labour"),
        ("center", "centre"),
        ("modeling", "modelling"),
        ("counselor", "counsellor"),
        ("pediatric", "paediatric"),
        ("anesthetist", "anaesthetist"),
        ("program", "programme"),
        ("judgment", "judgement"),
        # the -ize rule, all endings
        ("organization", "organisation"),
        ("Organizations", "organisations"),
        ("organizational", "organisational"),
        ("organize", "organise"),
        ("organized", "organised"),
        ("prioritize", "prioritise"),
        ("prioritizing", "prioritising"),
        ("recognize", "recognise"),
        ("realize", "realise"),
        ("standardization", "standardisation"),
        ("optimizer", "optimiser"),
        ("optimizes", "optimises"),
        ("specialize", "specialise"),
        ("hospitalize", "hospitalise"),
        ("emphasize", "emphasise"),
        ("randomized", "randomised"),
        # the -lyze rule
        ("analyze", "analyse"),
        ("paralyzed", "paralysed"),
        # words the rules must not touch
        ("size", "size"),
        ("sized", "sized"),
        ("prize", "prize"),
        ("capsize", "capsize"),
        ("downsize", "downsize"),
        ("downsizing", "downsizing"),
        ("bite-size", "bite-size"),
        ("seize", "seize"),
        ("maize", "maize"),
        ("citizen", "citizen"),
        ("horizon", "horizon"),
        ("doctor", "doctor"),
        ("honour", "honour"),
        ("organisation", "organisation"),
        ("analysis", "analysis"),
        # case and whitespace
        ("  Leadership ", "leadership"),
        ("New York", "new_york"),
        ("", ""),
    ],
)
def test_normalise_lemma(lemma: str, expected: str) -> None:
    assert normalise_lemma(lemma) == expected


def test_spelling_map_values_are_fixed_points() -> None:
    assert all(normalise_lemma(british) == british for british in SPELLING_MAP.values())


def test_normalise_series_keeps_nulls_index_and_name() -> None:
    series = pd.Series(["Organization", None, "size", "Organization"], index=[3, 1, 2, 0], name="lemma", dtype="object")
    out = normalise_series(series)
    assert out.name == "lemma" and out.dtype == object
    assert out.index.tolist() == [3, 1, 2, 0]
    assert out.isna().tolist() == [False, True, False, False]
    assert out.dropna().tolist() == ["organisation", "size", "organisation"]


def test_normalise_series_string_dtype() -> None:
    series = pd.Series(["Centers", pd.NA], dtype="string")
    out = normalise_series(series)
    assert out.dtype == "string"
    assert out.tolist() == ["centers", pd.NA]


@pytest.mark.parametrize(
    ("extra", "keep", "present", "absent"),
    [
        ((), (), ["the", "and", "we"], ["leadership", "nhs"]),
        (("NHS", "Trust"), (), ["nhs", "trust", "the"], ["leadership"]),
        ((), ("we", "Our"), ["the"], ["we", "our"]),
        (("nhs",), ("nhs",), ["the"], ["nhs"]),
    ],
)
def test_stop_words(extra, keep, present, absent) -> None:
    words = stop_words(extra=extra, keep=keep)
    assert isinstance(words, frozenset)
    assert all(word in words for word in present)
    assert not any(word in words for word in absent)


@pytest.mark.parametrize(
    ("norm", "family"),
    [
        ("lead", "leadership"),
        ("leader", "leadership"),
        ("leadership", "leadership"),
        ("leading", "leadership"),
        ("co-lead", "leadership"),
        ("manage", "management"),
        ("manager", "management"),
        ("management", "management"),
        ("managerial", "management"),
        ("managing", "management"),
        ("mismanagement", "management"),
        ("manageable", None),
        ("misleading", None),
        ("doctor", None),
        ("Leadership", None),  # family_of takes norms, which are lower-case
    ],
)
def test_family_of(norm: str, family: str | None) -> None:
    assert family_of(norm) == family


def test_families_are_disjoint_normalised_and_complete() -> None:
    assert set(FAMILIES) == {"leadership", "management"}
    assert FAMILIES["leadership"] is LEADERSHIP and FAMILIES["management"] is MANAGEMENT
    assert not LEADERSHIP & MANAGEMENT
    for norms in FAMILIES.values():
        assert all(normalise_lemma(norm) == norm for norm in norms)
