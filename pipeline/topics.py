"""Topic models of the corpus: LDA (gensim) and NMF (scikit-learn) over a k sweep, with coherence.

The stage turns the ``tokens`` (and learnt collocations in ``phrases``) of the documents into a
bag-of-words corpus of content lemmas, serialises it to disk in Matrix Market format, and fits
for every k in a configured range

* Latent Dirichlet Allocation (Blei, Ng & Jordan 2003, "Latent Dirichlet Allocation", JMLR 3,
  993-1022) with gensim's online variational Bayes (Hoffman, Blei & Bach 2010), and
* Non-negative Matrix Factorisation of the TF-IDF matrix (Lee & Seung 1999; scikit-learn's
  coordinate-descent solver, NNDSVDa initialisation of Boutsidis & Gallopoulos 2008),

scores each fit with the topic-coherence measures of Röder, Both & Hinneburg (2015), "Exploring
the Space of Topic Coherence Measures", WSDM: ``c_v`` (the number k is chosen by it),
``c_npmi`` (normalised PMI of Bouma 2009 over a sliding window) and ``u_mass`` (Mimno et al. 2011,
document co-occurrence, as a check). A reader sees in ``coherence_by_k`` how the choice was made
and, in ``topic_matching``, whether the LDA topics are also found by NMF.

Every fit is single-threaded with a fixed seed, and the dictionary assigns term ids in sorted
order, so the same inputs and parameters give identical tables.

Choice of the LDA document-topic prior: ``alpha="symmetric"`` (1/k for each topic) by default.
Learning an asymmetric prior (``"auto"``, Wallach, Mimno & McCallum 2009, "Rethinking LDA: Why
Priors Matter") helps on large corpora, but its Newton updates are driven by few documents here
(the seed corpus has about thirty), where a learnt prior tends to inflate one or two topics and
makes the k sweep less comparable across k. ``alpha="auto"`` remains available as a parameter.
"""

from __future__ import annotations

import logging
import math
import re
import warnings
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import gensim
import numpy as np
import pandas as pd
import scipy.sparse as sp
import sklearn
from gensim.corpora import Dictionary, MmCorpus
from gensim.matutils import corpus2csc
from gensim.models import CoherenceModel, LdaModel
from sklearn.decomposition import NMF
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfTransformer
from threadpoolctl import threadpool_limits

from pipeline.config import NormaliseConfig, TopicsConfig
from pipeline.normalise import stop_words

__all__ = [
    "TABLE_COLUMNS",
    "bag_of_words_units",
    "choose_k",
    "document_topic_weights",
    "k_range",
    "lda_passes",
    "sorted_dictionary",
    "topic_models",
]

logger = logging.getLogger(__name__)

TABLE_COLUMNS: dict[str, list[str]] = {
    "topic_terms": ["model", "topic", "rank", "term", "weight"],
    "doc_topics": ["model", "doc_id", "topic", "weight"],
    "topic_summary": ["model", "topic", "label", "prevalence", "c_v"],
    "topic_prevalence_by_doc_type": ["model", "doc_type", "topic", "prevalence"],
    "coherence_by_k": ["model", "k", "c_v", "c_npmi", "u_mass", "chosen"],
    "topic_matching": ["k", "lda_topic", "lda_label", "nmf_topic", "nmf_label", "jaccard", "shared_terms"],
    "topic_model_info": ["key", "value"],
}

_UNITS = ("document", "paragraph")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_MIN_UNITS = 4  # k >= 2 and k <= units / 2


@dataclass(frozen=True)
class _Fit:
    """One fitted model at one k: topic-term weights (k x V), unit-topic weights (units x k)."""

    model: str
    k: int
    topic_term: np.ndarray
    unit_topic: np.ndarray


def _paragraph_index(tokens: pd.DataFrame, documents: pd.DataFrame) -> np.ndarray:
    """0-based paragraph of each token: the number of blank-line breaks before its offset."""
    breaks = {
        doc_id: np.array([m.end() for m in _PARAGRAPH_BREAK.finditer(text or "")], dtype=np.int64)
        for doc_id, text in zip(documents["doc_id"], documents["text"], strict=True)
    }
    out = np.zeros(len(tokens), dtype=np.int64)
    for doc_id, idx in tokens.groupby("doc_id", sort=False).indices.items():
        ends = breaks.get(doc_id)
        if ends is not None and len(ends):
            starts = tokens["start_char"].to_numpy()[idx]
            out[idx] = np.searchsorted(ends, starts, side="right")
    return out


def bag_of_words_units(
    tokens: pd.DataFrame,
    documents: pd.DataFrame,
    phrases: pd.DataFrame | None = None,
    *,
    unit: str = "document",
    pos: Sequence[str] = ("NOUN", "PROPN", "ADJ", "VERB"),
    min_length: int = 2,
    stop_words: frozenset[str] = frozenset(),
    keep_words: Sequence[str] = (),
    phrase_kinds: Sequence[str] = ("collocation",),
) -> pd.DataFrame:
    """The content terms of each unit (document or paragraph), in text order.

    A term is the ``norm`` of a token whose part of speech is in ``pos`` (no filter when ``pos``
    is empty), that is alphabetic, at least ``min_length`` characters long and not a stop word
    (``is_stop`` or in ``stop_words``, unless in ``keep_words``); or a learnt phrase of a kind in
    ``phrase_kinds``, its words joined by ``_`` (``quality_improvement``). As gensim's
    ``Phrases`` does, a phrase replaces the tokens it spans.

    A paragraph is a stretch of the document's text between blank lines; it is found from the
    tokens' ``start_char`` and the blank lines in ``documents.text``.

    Args:
        tokens: The ``tokens`` table.
        documents: The ``documents`` table (``doc_id``, ``text``).
        phrases: The ``phrases`` table, or None.
        unit: ``"document"`` or ``"paragraph"``.
        pos: Universal part-of-speech tags kept.
        min_length: Shortest term kept, in characters.
        stop_words: Norms never kept.
        keep_words: Norms kept even when spaCy marks them ``is_stop``.
        phrase_kinds: Kinds of phrase added as terms.

    Returns:
        Columns ``doc_id, paragraph, terms`` (a list of str, possibly empty), one row per unit that
        has at least one token, sorted by ``doc_id, paragraph`` (``paragraph`` is 0 for document
        units).
    """
    if unit not in _UNITS:
        raise ValueError(f"unit must be one of {_UNITS}, got {unit!r}")
    cols = ["doc_id", "token_id", "start_char", "norm", "pos", "is_stop", "is_alpha"]
    tok = tokens[cols].sort_values(["doc_id", "token_id"], kind="mergesort").reset_index(drop=True)
    tok["paragraph"] = _paragraph_index(tok, documents) if unit == "paragraph" else 0
    norm = tok["norm"].fillna("").astype(str)
    keep = set(keep_words)
    content = (
        tok["is_alpha"].fillna(False).astype(bool).to_numpy()
        & (norm.str.len() >= min_length).to_numpy()
        & ~(tok["is_stop"].fillna(False).astype(bool) & ~norm.isin(keep)).to_numpy()
        & ~norm.isin(stop_words).to_numpy()
    )
    if len(pos):
        content &= tok["pos"].isin(list(pos)).to_numpy()
    tok["term"] = norm
    tok["order"] = tok["start_char"].astype(np.int64)

    if phrases is not None and len(phrases):
        phr = phrases[phrases["kind"].isin(list(phrase_kinds))]
        phr = phr[phr["doc_id"].isin(set(tok["doc_id"]))]
    else:
        phr = None
    if phr is not None and len(phr):
        phr = phr.sort_values(["doc_id", "start_char", "end_char", "phrase"], kind="mergesort")
        # Global offsets (document rank * stride + char) make span look-up one searchsorted.
        doc_rank = {d: i for i, d in enumerate(sorted(set(tok["doc_id"])))}
        stride = int(max(tok["start_char"].max(), phr["end_char"].max())) + 1
        t_pos = tok["doc_id"].map(doc_rank).to_numpy(np.int64) * stride + tok["order"].to_numpy()
        p_base = phr["doc_id"].map(doc_rank).to_numpy(np.int64) * stride
        p_start = p_base + phr["start_char"].to_numpy(np.int64)
        # Running maximum of the ends, so a token inside a long span that a later, shorter span
        # starts within is still found (spans of a document end before the next one's base).
        p_end = np.maximum.accumulate(p_base + phr["end_char"].to_numpy(np.int64))
        hit = np.searchsorted(p_start, t_pos, side="right") - 1
        inside = (hit >= 0) & (t_pos < p_end[np.clip(hit, 0, None)])
        content &= ~inside
        if unit == "paragraph":
            first_tok = np.searchsorted(t_pos, p_start, side="left")
            para = tok["paragraph"].to_numpy()[np.clip(first_tok, 0, len(tok) - 1)]
        else:
            para = np.zeros(len(phr), dtype=np.int64)
        phrase_rows = pd.DataFrame(
            {
                "doc_id": phr["doc_id"].to_numpy(),
                "paragraph": para,
                "order": phr["start_char"].to_numpy(np.int64),
                "term": phr["phrase"]
                .astype(str)
                .str.strip()
                .str.replace(r"\s+", "_", regex=True)
                .str.lower()
                .to_numpy(),
            }
        )
    else:
        phrase_rows = pd.DataFrame(columns=["doc_id", "paragraph", "order", "term"])

    units = tok[["doc_id", "paragraph"]].drop_duplicates()
    terms = pd.concat(
        [tok.loc[content, ["doc_id", "paragraph", "order", "term"]], phrase_rows],
        ignore_index=True,
    )
    terms = terms.astype({"paragraph": np.int64, "order": np.int64})
    terms = terms.sort_values(["doc_id", "paragraph", "order", "term"], kind="mergesort")
    grouped = terms.groupby(["doc_id", "paragraph"], sort=True)["term"].agg(list)
    out = units.merge(grouped.rename("terms").reset_index(), on=["doc_id", "paragraph"], how="left")
    out["terms"] = [t if isinstance(t, list) else [] for t in out["terms"]]
    out = out.astype({"paragraph": np.int64})
    return out.sort_values(["doc_id", "paragraph"], kind="mergesort").reset_index(drop=True)


def sorted_dictionary(texts: Iterable[Sequence[str]]) -> Dictionary:
    """A gensim ``Dictionary`` of ``texts`` whose term ids follow the terms' sorted order.

    gensim numbers terms by first appearance; numbering them alphabetically instead makes the ids,
    ``filter_extremes``' tie-breaks (a stable sort by document frequency) and everything fitted on
    the ids independent of the order in which units arrive.
    """
    dfs: Counter[str] = Counter()
    cfs: Counter[str] = Counter()
    num_docs = num_pos = num_nnz = 0
    for text in texts:
        counts = Counter(text)
        cfs.update(counts)
        dfs.update(counts.keys())
        num_docs += 1
        num_pos += len(text)
        num_nnz += len(counts)
    dictionary = Dictionary()
    dictionary.token2id = {term: i for i, term in enumerate(sorted(dfs))}
    dictionary.dfs = {dictionary.token2id[t]: n for t, n in dfs.items()}
    dictionary.cfs = {dictionary.token2id[t]: n for t, n in cfs.items()}
    dictionary.num_docs, dictionary.num_pos, dictionary.num_nnz = num_docs, num_pos, num_nnz
    return dictionary


def k_range(n_units: int, n_terms: int, *, k_min: int, k_max: int) -> list[int]:
    """The numbers of topics tried: ``k_min..k_max`` clipped to ``2 <= k <= units / 2`` and vocab.

    When ``k_min`` is above what the units support, the largest supported k alone is tried.
    Returns an empty list when not even k = 2 is supported (fewer than 4 units or 2 terms).
    """
    hi = min(k_max, n_units // 2, n_terms)
    if hi < 2:
        return []
    return list(range(min(max(2, k_min), hi), hi + 1))


def choose_k(ks: Sequence[int], c_v: Sequence[float]) -> tuple[int, str]:
    """The k with the highest c_v, compared to 6 decimals (ties -> smaller k; NaN never wins).

    Returns:
        The chosen k and a sentence saying why.
    """
    scored = [(round(float(c), 6), k) for k, c in zip(ks, c_v, strict=True) if not math.isnan(c)]
    if not scored:
        return int(min(ks)), f"c_v undefined for every k; the smallest k={min(ks)} is reported"
    best = max(scored, key=lambda s: (s[0], -s[1]))
    rest = sorted((s for s in scored if s[1] != best[1]), key=lambda s: (-s[0], s[1]))
    reason = f"k={best[1]} has the highest LDA c_v ({best[0]:.4f}) of k={min(ks)}..{max(ks)}"
    if rest:
        reason += f"; next best k={rest[0][1]} (c_v {rest[0][0]:.4f})"
    if sum(1 for s in scored if s[0] == best[0]) > 1:
        reason += "; tied values resolved to the smaller k"
    undefined = sorted(k for k, c in zip(ks, c_v, strict=True) if math.isnan(c))
    if undefined:
        reason += f"; c_v undefined for k={', '.join(map(str, undefined))}"
    return int(best[1]), reason


def _top_terms(topic_term: np.ndarray, vocab: np.ndarray, n: int) -> list[list[tuple[str, float]]]:
    """The n highest-weighted (term, weight) of each topic, ties broken by term."""
    out = []
    for row in topic_term:
        order = np.lexsort((vocab, -row))[:n]
        out.append([(str(vocab[i]), float(row[i])) for i in order])
    return out


def _coherence_per_topic(
    topics: list[list[str]],
    *,
    texts: list[list[str]],
    corpus: MmCorpus,
    dictionary: Dictionary,
) -> dict[str, list[float]]:
    """c_v, c_npmi and u_mass of each topic (a list of its top terms), by gensim's CoherenceModel.

    All fits of the sweep are scored in one call per measure, so the word and co-occurrence
    probabilities are estimated once, from the same windows (gensim counts only the texts that
    contain one of the topics' words), and differences across k and models come from the topics.
    Sliding windows are gensim's defaults: 110 tokens for c_v, 10 for c_npmi (Röder et al. 2015).
    """
    topn = min(len(t) for t in topics)
    common = {"topics": [t[:topn] for t in topics], "dictionary": dictionary, "topn": topn, "processes": 1}
    return {
        "c_v": CoherenceModel(texts=texts, coherence="c_v", **common).get_coherence_per_topic(),
        "c_npmi": CoherenceModel(texts=texts, coherence="c_npmi", **common).get_coherence_per_topic(),
        "u_mass": CoherenceModel(corpus=corpus, coherence="u_mass", **common).get_coherence_per_topic(),
    }


def lda_passes(n_units: int, *, passes: int, pass_budget: int) -> int:
    """Passes of online LDA over ``n_units`` units: ``passes``, cut to ``pass_budget // n_units``.

    Online variational Bayes (Hoffman, Blei & Bach 2010, "Online Learning for Latent Dirichlet
    Allocation", NIPS) updates the topics after every chunk, so a large corpus gives many
    updates in one pass; the paper's large corpora converge in a single pass. Repeating passes
    is what a small corpus needs. So the number of unit visits (passes x units) is capped at
    ``pass_budget``, never below one pass: with the defaults (10 passes, a budget of 20,000) a
    corpus of up to 2,000 units gets all 10 passes, 5,000 units get 4, 20,000 or more get 1, and
    the time of the k sweep stops growing faster than the corpus. Fewer passes leave a fit less
    converged: on the bench corpus (bench/README.md) c_v falls and at 10,000 units the chosen k
    moved from 3 to 2; a larger ``pass_budget`` trades time back for convergence.
    """
    return max(1, min(passes, pass_budget // max(n_units, 1)))


def _fit_lda(corpus: MmCorpus, dictionary: Dictionary, k: int, p: TopicsConfig, seed: int) -> _Fit:
    """LDA at k on the serialised corpus; unit-topic weights are the normalised variational gamma."""
    passes = lda_passes(len(corpus), passes=p.passes, pass_budget=p.pass_budget)
    lda = LdaModel(
        corpus=corpus,
        id2word=dictionary,
        num_topics=k,
        passes=passes,
        iterations=p.iterations,
        chunksize=p.chunksize,
        alpha=p.alpha,
        eta=None,
        random_state=seed,
        eval_every=None,
        update_every=1,
    )
    gammas = []
    chunk: list[list[tuple[int, float]]] = []
    for bow in corpus:
        chunk.append(bow)
        if len(chunk) == p.chunksize:
            gammas.append(lda.inference(chunk)[0])
            chunk = []
    if chunk:
        gammas.append(lda.inference(chunk)[0])
    gamma = np.vstack(gammas).astype(np.float64)
    return _Fit("lda", k, lda.get_topics().astype(np.float64), gamma / gamma.sum(axis=1, keepdims=True))


def _fit_nmf(tfidf: sp.csr_matrix, k: int, p: TopicsConfig, seed: int) -> _Fit:
    """NMF at k of the TF-IDF matrix; both factors' rows are scaled to sum to one."""
    nmf = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=p.nmf_max_iter)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        w = nmf.fit_transform(tfidf)
    if any(issubclass(c.category, ConvergenceWarning) for c in caught):
        logger.warning("NMF at k=%d did not converge in %d iterations", k, p.nmf_max_iter)
    h = nmf.components_.astype(np.float64)
    h_sum = h.sum(axis=1, keepdims=True)
    w_sum = w.sum(axis=1, keepdims=True)
    return _Fit(
        "nmf",
        k,
        np.divide(h, h_sum, out=np.zeros_like(h), where=h_sum > 0),
        np.divide(w, w_sum, out=np.zeros_like(w, dtype=np.float64), where=w_sum > 0),
    )


def _passes_note(n_units: int, p: TopicsConfig) -> str:
    """The LDA passes run, saying so when the pass budget cut them."""
    run = lda_passes(n_units, passes=p.passes, pass_budget=p.pass_budget)
    if run == p.passes:
        return str(run)
    return f"{run} (of {p.passes}: pass_budget {p.pass_budget} / {n_units} units)"


def _bow_stream(dictionary: Dictionary, texts: Iterable[Sequence[str]]) -> Iterator[list[tuple[int, int]]]:
    for text in texts:
        yield dictionary.doc2bow(list(text))


_INT_COLUMNS = frozenset({"topic", "rank", "k", "lda_topic", "nmf_topic"})
_FLOAT_COLUMNS = frozenset({"weight", "prevalence", "c_v", "c_npmi", "u_mass", "jaccard"})


def _empty_tables(info: list[tuple[str, str]]) -> dict[str, pd.DataFrame]:
    """Zero-row tables with the contracted columns and dtypes, and the info table."""

    def column(name: str) -> pd.Series:
        dtype = (
            "int64"
            if name in _INT_COLUMNS
            else "float64"
            if name in _FLOAT_COLUMNS
            else "bool"
            if name == "chosen"
            else "object"
        )
        return pd.Series([], dtype=dtype)

    tables = {name: pd.DataFrame({c: column(c) for c in cols}) for name, cols in TABLE_COLUMNS.items()}
    tables["topic_model_info"] = _info_table(info)
    return tables


def _info_table(info: list[tuple[str, str]]) -> pd.DataFrame:
    """The key/value table sorted by key; an empty value is a null, as in every table."""
    rows = sorted((key, value if value != "" else None) for key, value in info)
    return pd.DataFrame(rows, columns=TABLE_COLUMNS["topic_model_info"], dtype=object)


def topic_models(
    tokens: pd.DataFrame,
    documents: pd.DataFrame,
    phrases: pd.DataFrame | None,
    *,
    config: TopicsConfig,
    normalise: NormaliseConfig,
    seed: int,
    work_dir: Path,
) -> dict[str, pd.DataFrame]:
    """Fit LDA (and NMF) for each k in range, score their coherence, and describe the chosen k.

    The chosen k is the one whose LDA topics have the highest c_v coherence (Röder et al. 2015);
    NMF is reported at the same k so that the two models can be compared topic by topic.

    Args:
        tokens: The ``tokens`` table (``doc_id, token_id, start_char, norm, pos, is_stop,
            is_alpha`` are used).
        documents: The ``documents`` table (``doc_id, doc_type, text`` are used).
        phrases: The ``phrases`` table, or None when the nlp stage made none.
        config: The ``[topics]`` section (parameters documented on
            :class:`~pipeline.config.TopicsConfig`).
        normalise: The ``[normalise]`` section (stop list).
        seed: Seed of LDA and NMF (``run.seed``).
        work_dir: Folder for the serialised bag-of-words corpus (``bow.mm``, ``dictionary.txt``).

    Returns:
        Tables by name: ``topic_terms``, ``doc_topics`` (paragraph units aggregated to documents by
        the token-weighted mean of their topic weights), ``topic_summary``,
        ``topic_prevalence_by_doc_type``, ``coherence_by_k``, ``topic_matching``,
        ``topic_model_info``. When the corpus is too small for two topics (fewer than 4 units
        with terms, or fewer than 2 terms after filtering) every table but ``topic_model_info``
        is empty and its ``note`` says why.
    """
    # BLAS threads change the order of floating-point sums, so LDA and NMF could differ in the
    # last bits between a 2-core laptop, a Dask worker (one thread) and CI: one thread gives
    # the same tables everywhere (and costs nothing measurable here).
    with threadpool_limits(limits=1, user_api="blas"):
        p = config
        work_dir = Path(work_dir)
        work_dir.mkdir(parents=True, exist_ok=True)
        n_duplicates = 0
        if p.drop_duplicates and "dup_of" in documents.columns:
            duplicate = documents["dup_of"].notna()
            n_duplicates = int(duplicate.sum())
            tokens = tokens[~tokens["doc_id"].isin(set(documents.loc[duplicate, "doc_id"]))]
            if phrases is not None:
                phrases = phrases[~phrases["doc_id"].isin(set(documents.loc[duplicate, "doc_id"]))]
        extra, keep = tuple(normalise.stop_extra), tuple(normalise.stop_keep)
        units = bag_of_words_units(
            tokens,
            documents,
            phrases,
            unit=p.unit,
            pos=tuple(p.pos),
            min_length=p.min_length,
            stop_words=stop_words(extra=extra, keep=keep),
            keep_words=keep,
            phrase_kinds=tuple(p.phrase_kinds),
        )
        # Units without a content term would count in the document frequencies of no_above.
        units = units[units["terms"].map(len) > 0].reset_index(drop=True)
        dictionary = sorted_dictionary(units["terms"])
        dictionary.filter_extremes(no_below=p.no_below, no_above=float(p.no_above), keep_n=p.keep_n)
        vocab = np.array([dictionary[i] for i in range(len(dictionary))], dtype=object)
        kept = set(vocab.tolist())
        n_kept = np.array([sum(1 for t in terms if t in kept) for terms in units["terms"]])
        units = units[n_kept > 0].reset_index(drop=True)
        unit_size = n_kept[n_kept > 0].astype(np.float64)
        n_units, n_docs = len(units), int(units["doc_id"].nunique())

        info: list[tuple[str, str]] = [
            ("unit", p.unit),
            ("units", str(n_units)),
            ("documents", str(len(documents))),
            ("documents_with_terms", str(n_docs)),
            ("duplicates_left_out", str(n_duplicates)),
            ("vocabulary_size", str(len(dictionary))),
            ("k_requested", f"{p.k_min}..{p.k_max}"),
            ("seed", str(seed)),
            ("alpha", p.alpha),
            ("passes", _passes_note(n_units, p)),
            ("iterations", str(p.iterations)),
            ("coherence_topn", str(p.coherence_topn)),
            ("gensim_version", gensim.__version__),
            ("sklearn_version", sklearn.__version__),
            ("stop_extra", ", ".join(sorted(extra))),
            ("stop_keep", ", ".join(sorted(keep))),
        ]
        ks = k_range(n_units, len(dictionary), k_min=p.k_min, k_max=p.k_max)
        if not ks:
            note = (
                f"too small for topic models: {n_units} units with terms and a vocabulary of "
                f"{len(dictionary)} after filtering (need >= {_MIN_UNITS} units and >= 2 terms)"
            )
            logger.warning(note)
            return _empty_tables([*info, ("note", note)])
        note = ""  # no note: written as a null
        if n_units < p.small_corpus_units:
            note = f"only {n_units} units (< {p.small_corpus_units}): topics on so few texts are indicative only"
            logger.warning(note)
        info.append(("k_range", f"{ks[0]}..{ks[-1]}"))

        # Train from disk: the bag-of-words is streamed into Matrix Market and read back per pass.
        mm_path = work_dir / "bow.mm"
        MmCorpus.serialize(str(mm_path), _bow_stream(dictionary, units["terms"]), id2word=dictionary)
        dictionary.save_as_text(str(work_dir / "dictionary.txt"))
        corpus = MmCorpus(str(mm_path))
        texts = [list(t) for t in units["terms"]]

        fits: dict[tuple[str, int], _Fit] = {}
        rows = []
        models = ["lda", "nmf"] if p.include_nmf else ["lda"]
        tfidf = None
        if p.include_nmf:
            counts = corpus2csc(corpus, num_terms=len(dictionary), num_docs=n_units).T.tocsr()
            tfidf = TfidfTransformer(norm="l2", smooth_idf=True).fit_transform(counts)
        tops: list[list[str]] = []
        for k in ks:
            for model in models:
                if model == "lda":
                    fit = _fit_lda(corpus, dictionary, k, p, seed)
                else:
                    assert tfidf is not None  # built above whenever NMF is fitted
                    fit = _fit_nmf(tfidf, k, p, seed)
                fits[(model, k)] = fit
                tops += [[t for t, _ in topic] for topic in _top_terms(fit.topic_term, vocab, p.coherence_topn)]
                logger.info("fitted %s at k=%d", model, k)
        scores = _coherence_per_topic(tops, texts=texts, corpus=corpus, dictionary=dictionary)
        # Each measure of a fit is the arithmetic mean over its topics, as gensim aggregates.
        per_topic_cv: dict[tuple[str, int], list[float]] = {}
        first = 0
        for model, k in fits:
            part = {m: [float(x) for x in v[first : first + k]] for m, v in scores.items()}
            first += k
            per_topic_cv[(model, k)] = part["c_v"]
            rows.append((model, k, *(float(np.mean(part[m])) for m in ("c_v", "c_npmi", "u_mass"))))
            logger.info("%s k=%d c_v=%.4f c_npmi=%.4f u_mass=%.4f", model, k, *rows[-1][2:])
        coherence = pd.DataFrame(rows, columns=["model", "k", "c_v", "c_npmi", "u_mass"])
        lda_rows = coherence[coherence["model"] == "lda"]
        chosen_k, reason = choose_k(lda_rows["k"].tolist(), lda_rows["c_v"].tolist())
        coherence["chosen"] = coherence["k"] == chosen_k
        coherence = coherence.sort_values(["model", "k"], kind="mergesort").reset_index(drop=True)
        if p.include_nmf:
            nmf_rows = coherence[coherence["model"] == "nmf"]
            nmf_k, _ = choose_k(nmf_rows["k"].tolist(), nmf_rows["c_v"].tolist())
            info.append(("nmf_best_k", str(nmf_k)))
            reason += f"; NMF is reported at the same k for comparison (its own highest c_v is at k={nmf_k})"
        info += [("chosen_k", str(chosen_k)), ("reason", reason), ("note", note)]

        tables = _describe(
            [fits[(m, chosen_k)] for m in models],
            units=units,
            unit_size=unit_size,
            vocab=vocab,
            documents=documents,
            n_terms=p.n_terms,
            per_topic_cv=per_topic_cv,
        )
        tables["coherence_by_k"] = coherence[TABLE_COLUMNS["coherence_by_k"]]
        tables["topic_model_info"] = _info_table(info)
        return tables


def document_topic_weights(doc_ids: Sequence[str], unit_topic: np.ndarray, unit_size: np.ndarray) -> pd.DataFrame:
    """Topic weights of documents: the size-weighted mean of their units' topic weights.

    For a document d with units u of n_u terms and topic weights theta_u,
    ``theta_d = sum_u n_u * theta_u / sum_u n_u`` (the identity when units are documents).

    Args:
        doc_ids: The document of each unit.
        unit_topic: Units x topics weights.
        unit_size: Number of terms of each unit (> 0).

    Returns:
        Documents x topics, index ``doc_id`` (sorted), columns the 0-based topic numbers.
    """
    size = np.asarray(unit_size, dtype=np.float64)
    weighted = pd.DataFrame(np.asarray(unit_topic, dtype=np.float64) * size[:, None])
    weighted["doc_id"] = list(doc_ids)
    weighted["size"] = size
    summed = weighted.groupby("doc_id", sort=True).sum()
    return summed.drop(columns="size").div(summed["size"], axis=0)


def _describe(
    fits: list[_Fit],
    *,
    units: pd.DataFrame,
    unit_size: np.ndarray,
    vocab: np.ndarray,
    documents: pd.DataFrame,
    n_terms: int,
    per_topic_cv: Mapping[tuple[str, int], list[float]],
) -> dict[str, pd.DataFrame]:
    """The term, document, summary, prevalence and matching tables of the fits at the chosen k."""
    term_rows, doc_frames, summary_rows, prevalence_frames = [], [], [], []
    labels: dict[str, list[str]] = {}
    top_sets: dict[str, list[set[str]]] = {}
    doc_type = documents.set_index("doc_id")["doc_type"]
    for fit in fits:
        top = _top_terms(fit.topic_term, vocab, n_terms)
        labels[fit.model] = [", ".join(t for t, _ in topic[:5]) for topic in top]
        top_sets[fit.model] = [{t for t, _ in topic[:10]} for topic in top]
        for topic, terms in enumerate(top):
            term_rows += [(fit.model, topic, rank, term, weight) for rank, (term, weight) in enumerate(terms, start=1)]
        doc_weights = document_topic_weights(units["doc_id"].tolist(), fit.unit_topic, unit_size)
        long = cast(pd.Series, doc_weights.stack()).rename("weight").reset_index()
        long.columns = ["doc_id", "topic", "weight"]
        long.insert(0, "model", fit.model)
        doc_frames.append(long)
        prevalence = doc_weights.mean(axis=0)
        for topic in range(fit.k):
            summary_rows.append(
                (
                    fit.model,
                    topic,
                    labels[fit.model][topic],
                    float(prevalence[topic]),
                    per_topic_cv[(fit.model, fit.k)][topic],
                )
            )
        by_type = doc_weights.groupby(doc_type.reindex(doc_weights.index).fillna("other")).mean()
        by_type = cast(pd.Series, by_type.stack()).rename("prevalence").reset_index()
        by_type.columns = ["doc_type", "topic", "prevalence"]
        by_type.insert(0, "model", fit.model)
        prevalence_frames.append(by_type)

    def _sorted(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
        return frame.sort_values(keys, kind="mergesort").reset_index(drop=True)

    doc_topics = pd.concat(doc_frames, ignore_index=True).astype({"topic": np.int64})
    by_type = pd.concat(prevalence_frames, ignore_index=True).astype({"topic": np.int64})
    tables = {
        "topic_terms": _sorted(
            pd.DataFrame(term_rows, columns=TABLE_COLUMNS["topic_terms"]), ["model", "topic", "rank"]
        ),
        "doc_topics": _sorted(doc_topics, ["model", "doc_id", "topic"]),
        "topic_summary": _sorted(
            pd.DataFrame(summary_rows, columns=TABLE_COLUMNS["topic_summary"]), ["model", "topic"]
        ),
        "topic_prevalence_by_doc_type": _sorted(by_type, ["model", "doc_type", "topic"]),
    }
    match_rows = []
    if "nmf" in top_sets:
        for i, lda_set in enumerate(top_sets["lda"]):
            scores = [len(lda_set & s) / len(lda_set | s) for s in top_sets["nmf"]]
            j = int(np.argmax(scores))  # first maximum: ties go to the smaller NMF topic
            match_rows.append(
                (
                    fits[0].k,
                    i,
                    labels["lda"][i],
                    j,
                    labels["nmf"][j],
                    float(scores[j]),
                    ", ".join(sorted(lda_set & top_sets["nmf"][j])),
                )
            )
    tables["topic_matching"] = pd.DataFrame(match_rows, columns=TABLE_COLUMNS["topic_matching"])
    return tables
