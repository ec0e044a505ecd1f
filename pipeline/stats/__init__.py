"""Corpus-linguistic statistics of leadership and management discourse.

One module per family of statistics: :mod:`~pipeline.stats.frequency` (frequency lists),
:mod:`~pipeline.stats.dispersion` (Gries' DP), :mod:`~pipeline.stats.keyness`,
:mod:`~pipeline.stats.collocation` (window and dependency collocates),
:mod:`~pipeline.stats.concordance` (KWIC) and :mod:`~pipeline.stats.families` (leadership
versus management). :func:`corpus_statistics` runs them all with one parameter mapping and
returns every table by name, for the flow to write.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import pandas as pd

from pipeline.config import NormaliseConfig, StatsConfig
from pipeline.stats.collocation import collocations, grammatical_collocates
from pipeline.stats.concordance import CONCORDANCE_COLUMNS, concordance, sort_concordance
from pipeline.stats.dispersion import gries_dp
from pipeline.stats.families import (
    compare_collocates,
    family_cooccurrence,
    family_rates,
    load_families,
    load_stop_words,
)
from pipeline.stats.frequency import frequency_list, term_counts
from pipeline.stats.keyness import keyness, keyness_between

__all__ = [
    "collocations",
    "compare_collocates",
    "concordance",
    "corpus_statistics",
    "family_cooccurrence",
    "family_rates",
    "frequency_list",
    "grammatical_collocates",
    "gries_dp",
    "keyness",
    "keyness_between",
    "sort_concordance",
    "term_counts",
]

log = logging.getLogger(__name__)

FAMILY_PAIR = ("LEADERSHIP", "MANAGEMENT")
"""The two families compared side by side (names as :func:`load_families` gives them)."""


def _window(value: int | tuple[int, int]) -> tuple[int, int]:
    if isinstance(value, int):
        return value, value
    left, right = value
    return int(left), int(right)


def _query_kind(query: str | Mapping[str, str], families: Mapping[str, frozenset[str]]) -> tuple[str, str]:
    """``(query, by)`` for a configured concordance query.

    A mapping gives both explicitly; a string in capitals that names a family is that family,
    a string with a space is a phrase, any other string a lemma (normalised as ``norm`` is).
    """
    if isinstance(query, Mapping):
        return str(query["query"]), str(query.get("by", "norm"))
    if query.isupper() and query in families:
        return query, "family"
    if " " in query.strip():
        return " ".join(query.lower().split()), "phrase"
    from pipeline.normalise import normalise_lemma

    return normalise_lemma(query), "norm"


def corpus_statistics(
    tokens: pd.DataFrame,
    documents: pd.DataFrame,
    sentences: pd.DataFrame,
    phrases: pd.DataFrame | None,
    *,
    config: StatsConfig,
    normalise: NormaliseConfig,
    families: Mapping[str, frozenset[str]] | None = None,
    stop_list: frozenset[str] | None = None,
) -> dict[str, pd.DataFrame]:
    """Every analysis table of the stats stage, by name.

    Tables: ``freq_lemma``, ``freq_content_lemma`` (stop words removed), ``freq_word``,
    ``freq_phrase``, ``freq_lemma_by_<g>`` for each
    grouping ``g``, ``keyness_<name>`` for each comparison, ``collocations``,
    ``grammatical_collocates``, ``concordance``, ``family_rates_by_doc_type``,
    ``family_rates_by_source``, ``family_collocates_compared``, ``family_cooccurrence``.

    Args:
        tokens: The ``tokens`` table.
        documents: The ``documents`` table.
        sentences: The ``sentences`` table.
        phrases: The ``phrases`` table (None or empty gives an empty ``freq_phrase``).
        config: The ``[stats]`` section (every parameter is documented on
            :class:`~pipeline.config.StatsConfig`).
        normalise: The ``[normalise]`` section (the stop list).
        families: Override of ``pipeline.normalise.FAMILIES``.
        stop_list: Override of the stop list built from ``normalise``.

    Returns:
        Table name -> DataFrame (each sorted with full tie-breaks).
    """
    fams = load_families(families)
    unit = config.unit
    stop_in = set(config.stop_words_in)
    if stop_list is None:
        stop_list = load_stop_words(extra=normalise.stop_extra, keep=normalise.stop_keep)

    def stops(analysis: str) -> frozenset[str] | None:
        return stop_list if analysis in stop_in else None

    tables: dict[str, pd.DataFrame] = {}
    tables["freq_lemma"] = frequency_list(
        tokens, documents, unit=unit, stop_words=stops("frequency"), min_count=config.min_count
    )
    # The same list without stop words: what a reader scans for the discourse's content.
    tables["freq_content_lemma"] = frequency_list(
        tokens, documents, unit=unit, stop_words=stop_list, min_count=config.min_count
    )
    tables["freq_word"] = frequency_list(
        tokens, documents, unit="lower", stop_words=stops("frequency"), min_count=config.min_count
    )
    tables["freq_phrase"] = frequency_list(
        tokens, documents, unit="phrase", phrases=phrases, min_count=config.min_count
    )
    groupings = list(dict.fromkeys(["doc_type", *config.groupings]))
    for group in groupings:
        if group not in documents:
            log.warning("stats: documents has no column %r; freq_lemma_by_%s skipped", group, group)
            continue
        tables[f"freq_lemma_by_{group}"] = frequency_list(
            tokens,
            documents,
            unit=unit,
            by=group,
            stop_words=stops("frequency"),
            min_count=config.min_count,
        )

    for comparison in config.keyness:
        tables[f"keyness_{comparison.name}"] = keyness_between(
            tokens,
            documents,
            target=comparison.target,
            reference=comparison.reference,
            unit=unit,
            stop_words=stops("keyness"),
            min_freq=config.keyness_min_freq,
            alpha=config.alpha,
            correction=config.correction,
        )

    colloc = collocations(
        tokens,
        nodes=config.nodes,
        window=_window(config.window),
        min_freq=config.min_freq,
        min_node_freq=config.min_node_freq,
        unit=unit,
        stop_words=stops("collocations"),
        within_sentence=config.within_sentence,
        families=fams,
    )
    tables["collocations"] = colloc
    tables["grammatical_collocates"] = grammatical_collocates(
        tokens, nodes=config.nodes, min_count=config.grammatical_min_count, families=fams
    )

    lines = []
    for query in config.concordance_queries:
        text, by = _query_kind(query, fams)
        lines.append(
            concordance(
                tokens,
                documents,
                query=text,
                by=by,
                width=config.kwic_width,
                width_unit=config.kwic_width_unit,
                families=fams,
            )
        )
    tables["concordance"] = pd.concat(lines, ignore_index=True) if lines else pd.DataFrame(columns=CONCORDANCE_COLUMNS)

    tables["family_rates_by_doc_type"] = family_rates(tokens, documents, by="doc_type", families=fams)
    tables["family_rates_by_source"] = family_rates(tokens, documents, by="source", families=fams)
    a, b = FAMILY_PAIR
    tables["family_collocates_compared"] = compare_collocates(colloc, a=a, b=b)
    tables["family_cooccurrence"] = family_cooccurrence(tokens, sentences, documents, families=fams, pair=(a, b))
    return tables
