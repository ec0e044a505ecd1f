"""Multi-word phrases: noun chunks from the parse and collocations learnt from the corpus.

The ``phrases`` table (``doc_id, sent_id, phrase, kind, start_char, end_char``) holds one row
per phrase occurrence; ``phrase`` is normalised (norms joined by one space) and ``kind`` is

- ``noun_chunk``: spaCy's base noun phrases, written by :func:`pipeline.nlp.parse_documents`
  to ``noun_chunks.parquet`` (leading determiners, pronouns and stop words already removed);
- ``collocation``: word pairs that co-occur more than chance, learnt with gensim's
  ``Phrases`` (Mikolov et al. 2013, "Distributed representations of words and phrases and
  their compositionality", NIPS, section 4) and scored by normalised pointwise mutual
  information (Bouma 2009, "Normalized (pointwise) mutual information in collocation
  extraction", GSCL)::

      npmi(a, b) = ln(p(a, b) / (p(a) p(b))) / -ln p(a, b)

  in [-1, 1]: 1 when a and b only occur together, 0 when independent. A pair is a
  collocation when it occurs at least ``min_count`` times and scores above ``threshold``.

Collocations are learnt over sequences of norms: a sentence is cut at punctuation, at tokens
without a letter or digit, and at stop words other than gensim's English connector words (a,
an, the, for, of, with, without, at, from, to, in, on, by, and, or), so "We must improve
quality of care." gives the sequence "improve quality of care". Connector words may join the
two content words of a phrase ("quality of care") but never start or end one, so a
collocation has exactly two content words (one layer of ``Phrases``). gensim ``Phrases`` is
deterministic for a given input order, and tokens are read in ``(doc_id, sent_id,
token_id)`` order.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator

import numpy as np
import pandas as pd
from gensim.models.phrases import ENGLISH_CONNECTOR_WORDS, FrozenPhrases, Phrases

from pipeline.config import PhrasesConfig

__all__ = [
    "PHRASE_COLUMNS",
    "build_phrases",
    "learn_phrases",
    "noun_chunk_phrases",
]

log = logging.getLogger(__name__)

PHRASE_COLUMNS = ["doc_id", "sent_id", "phrase", "kind", "start_char", "end_char"]
_SORT = ["doc_id", "sent_id", "start_char", "end_char", "kind", "phrase"]


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[PHRASE_COLUMNS].sort_values(_SORT, kind="stable").reset_index(drop=True)
    return out.astype({"sent_id": "int64", "start_char": "int64", "end_char": "int64"})


def noun_chunk_phrases(noun_chunks: pd.DataFrame) -> pd.DataFrame:
    """Return the ``noun_chunks`` table as phrases rows of kind ``noun_chunk``."""
    return _sorted(noun_chunks.assign(kind="noun_chunk"))


def _segments(tokens: pd.DataFrame, connectors: frozenset[str]) -> pd.DataFrame:
    """Return content tokens with a ``segment`` number: runs unbroken by punctuation/stop words."""
    frame = tokens[["doc_id", "sent_id", "start_char", "text", "norm", "is_punct", "is_stop"]]
    norm = frame["norm"].to_numpy(dtype=object)
    is_connector = np.fromiter((n in connectors for n in norm), dtype=bool, count=len(norm))
    # symbols such as "=" or "@" are not punctuation to spaCy but are no content word either
    wordless = ~frame["norm"].str.contains(r"[^\W_]", regex=True).to_numpy(dtype=bool)
    breaks = frame["is_punct"].to_numpy(dtype=bool) | wordless | (frame["is_stop"].to_numpy(dtype=bool) & ~is_connector)
    doc_id = frame["doc_id"].to_numpy(dtype=object)
    sent_id = frame["sent_id"].to_numpy()
    new_sentence = np.ones(len(frame), dtype=bool)
    if len(frame):
        new_sentence[1:] = (doc_id[1:] != doc_id[:-1]) | (sent_id[1:] != sent_id[:-1])
    after_break = np.r_[False, breaks[:-1]] if len(frame) else breaks
    segment = np.cumsum(new_sentence | after_break)
    kept: pd.DataFrame = frame.loc[~breaks].assign(segment=segment[~breaks])
    return kept.reset_index(drop=True)


def _sequences(segments: pd.DataFrame) -> list[list[str]]:
    norms = segments["norm"].to_numpy(dtype=object)
    seg = segments["segment"].to_numpy()
    cuts = np.flatnonzero(seg[1:] != seg[:-1]) + 1
    return [list(part) for part in np.split(norms, cuts)] if len(norms) else []


def _detect(model: FrozenPhrases, words: list[str]) -> Iterator[tuple[int, int]]:
    """Yield ``(first, last)`` word positions of the phrases ``model`` finds in ``words``.

    Mirrors ``gensim.models.phrases._PhrasesTransformation.analyze_sentence``, which yields
    the joined phrase but not where it is.
    """
    start: int | None = None
    between: list[str] = []
    for position, word in enumerate(words):
        if word in model.connector_words:
            if start is not None:
                between.append(word)
            continue
        if start is not None:
            _, score = model.score_candidate(words[start], word, between)
            if score is not None:
                yield start, position
                start, between = None, []
                continue
        start, between = position, []


def learn_phrases(
    tokens: pd.DataFrame,
    *,
    min_count: int = 5,
    threshold: float = 0.3,
    scoring: str = "npmi",
    connector_words: Iterable[str] = ENGLISH_CONNECTOR_WORDS,
) -> pd.DataFrame:
    """Learn collocations from the tokens table and return their occurrences.

    Args:
        tokens: The tokens table, sorted by ``(doc_id, sent_id, token_id)`` (needs
            ``doc_id, sent_id, start_char, text, norm, is_punct, is_stop``).
        min_count: Fewest occurrences of a pair (gensim ``min_count``).
        threshold: Lowest score of a collocation (gensim ``threshold``; in [-1, 1] for
            ``"npmi"``).
        scoring: ``"npmi"`` (Bouma 2009) or ``"default"`` (Mikolov et al. 2013:
            ``(count(a b) - min_count) / (count(a) count(b)) * vocabulary size``).
        connector_words: Words that may join two content words inside a phrase.

    Returns:
        Phrases rows of kind ``collocation``, one per occurrence, sorted.
    """
    connectors = frozenset(connector_words)
    segments = _segments(tokens, connectors)
    sentences = _sequences(segments)
    if not sentences:
        return _sorted(
            pd.DataFrame(
                {
                    c: pd.Series(dtype="int64" if c.endswith(("_id", "_char")) and c != "doc_id" else "str")
                    for c in PHRASE_COLUMNS
                }
            )
        )
    model = Phrases(
        sentences, min_count=min_count, threshold=threshold, scoring=scoring, connector_words=connectors, delimiter=" "
    ).freeze()
    log.info("learnt %d collocations from %d sequences", len(model.phrasegrams), len(sentences))
    seg_start = np.r_[0, np.cumsum([len(s) for s in sentences])[:-1]]
    firsts: list[int] = []
    lasts: list[int] = []
    for base, words in zip(seg_start.tolist(), sentences):
        for first, last in _detect(model, words):
            firsts.append(base + first)
            lasts.append(base + last)
    first_rows = segments.iloc[firsts]
    last_rows = segments.iloc[lasts]
    norms = segments["norm"].to_numpy(dtype=object)
    phrases = [" ".join(norms[a : b + 1]) for a, b in zip(firsts, lasts)]
    out = pd.DataFrame(
        {
            "doc_id": first_rows["doc_id"].to_numpy(dtype=object),
            "sent_id": first_rows["sent_id"].to_numpy(),
            "phrase": phrases,
            "kind": "collocation",
            "start_char": first_rows["start_char"].to_numpy(),
            "end_char": (last_rows["start_char"] + last_rows["text"].str.len()).to_numpy(),
        }
    )
    return _sorted(out)


def build_phrases(
    tokens: pd.DataFrame,
    noun_chunks: pd.DataFrame,
    *,
    config: PhrasesConfig,
) -> pd.DataFrame:
    """Return the full ``phrases`` table: noun chunks plus learnt collocations, sorted.

    ``config`` is the ``[phrases]`` section (``min_count``, ``threshold``, ``scoring`` of
    :func:`learn_phrases`). Rows are sorted by ``(doc_id, sent_id, start_char, end_char, kind,
    phrase)``.
    """
    collocations = learn_phrases(tokens, min_count=config.min_count, threshold=config.threshold, scoring=config.scoring)
    return _sorted(pd.concat([noun_chunk_phrases(noun_chunks), collocations], ignore_index=True))
