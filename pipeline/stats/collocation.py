"""Collocations of node words or lemma families: window co-occurrence and dependency relations.

Window collocations follow the surface co-occurrence model of Evert, S. (2008). "Corpora and
collocations". In Lüdeling & Kytö (eds.), *Corpus Linguistics. An International Handbook*,
article 58, section on surface co-occurrence; the same formulas as LancsBox (Brezina, V.,
McEnery, T. & Wattam, S. (2015). "Collocations in context: A new perspective on collocation
networks". *International Journal of Corpus Linguistics* 20(2): 139-173). With ``N`` word
tokens, ``f_n`` the node frequency, ``f_c`` the collocate frequency, ``O`` the number of times
the collocate stands within the window of a node occurrence and ``span = L + R`` the window
size:

* expected ``E = f_n * f_c * span / N`` (the nominal span, also near sentence edges);
* ``MI = log2(O / E)``;
* ``logDice = 14 + log2(2 O / (f_n + f_c))`` (Rychlý, P. (2008). "A lexicographer-friendly
  association score". *Proceedings of RASLAN 2008*, 6-9);
* ``t-score = (O - E) / sqrt(O)``;
* log-likelihood ``G2 = 2 sum_ij O_ij ln(O_ij / E_ij)`` over the four cells of the 2x2 table
  ``O11 = O``, ``R1 = f_n * span``, ``C1 = f_c``, ``O12 = R1 - O11``, ``O21 = C1 - O11``,
  ``O22 = N - R1 - C1 + O11``, ``E_ij = R_i C_j / N`` (Evert 2008; Dunning 1993); a cell that
  is zero (or negative, which overlapping windows can make ``O21``) contributes 0.

Punctuation tokens are removed before windows are laid (they neither count nor take a slot);
stop words keep their slot but are not listed as collocates. Windows stay inside the
sentence by default and never cross documents.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from pipeline.stats.families import expand_node, load_families
from pipeline.stats.frequency import factorize_column, word_mask

__all__ = [
    "COLLOCATION_COLUMNS",
    "GRAMMATICAL_COLUMNS",
    "collocations",
    "grammatical_collocates",
    "log_dice",
    "log_likelihood_2x2",
    "mutual_information",
    "t_score",
]

log = logging.getLogger(__name__)

COLLOCATION_COLUMNS = [
    "node",
    "collocate",
    "observed",
    "expected",
    "mi",
    "log_dice",
    "t_score",
    "log_likelihood",
    "freq_node",
    "freq_collocate",
]
GRAMMATICAL_COLUMNS = ["node_family", "relation", "collocate", "count", "doc_freq"]
MODIFIER_DEPS = ("amod", "compound", "nmod", "poss")
VERB_POS = ("VERB", "AUX")


def mutual_information(observed: npt.ArrayLike, expected: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Pointwise mutual information ``log2(O / E)``."""
    return np.log2(np.asarray(observed, dtype=np.float64) / np.asarray(expected, dtype=np.float64))


def log_dice(
    observed: npt.ArrayLike, freq_node: npt.ArrayLike, freq_collocate: npt.ArrayLike
) -> npt.NDArray[np.float64]:
    """Rychlý's (2008) logDice ``14 + log2(2 O / (f_n + f_c))``."""
    o = np.asarray(observed, dtype=np.float64)
    return 14.0 + np.log2(2.0 * o / (np.asarray(freq_node, np.float64) + np.asarray(freq_collocate, np.float64)))


def t_score(observed: npt.ArrayLike, expected: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """t-score ``(O - E) / sqrt(O)``."""
    o = np.asarray(observed, dtype=np.float64)
    return (o - np.asarray(expected, dtype=np.float64)) / np.sqrt(o)


def log_likelihood_2x2(
    o11: npt.ArrayLike, r1: npt.ArrayLike, c1: npt.ArrayLike, n: npt.ArrayLike
) -> npt.NDArray[np.float64]:
    """Four-cell G2 of a 2x2 table given ``O11``, row total ``R1``, column total ``C1`` and ``N``.

    ``G2 = 2 sum_ij O_ij ln(O_ij / E_ij)`` with ``E_ij = R_i C_j / N`` (Dunning 1993; Evert
    2008); cells that are not positive contribute 0.
    """
    o11, r1, c1, n = (np.asarray(x, dtype=np.float64) for x in (o11, r1, c1, n))
    r2, c2 = n - r1, n - c1
    cells = (
        (o11, r1 * c1 / n),
        (r1 - o11, r1 * c2 / n),
        (c1 - o11, r2 * c1 / n),
        (n - r1 - c1 + o11, r2 * c2 / n),
    )
    total = np.zeros(np.broadcast(o11, r1, c1, n).shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        for observed, expected in cells:
            total = total + np.where(observed > 0, observed * np.log(observed / expected), 0.0)
    return 2.0 * total


def text_order(doc_codes: np.ndarray, token_ids: np.ndarray) -> np.ndarray | None:
    """Row order that groups tokens by document in token order; None if they already are.

    Documents need only be contiguous (not in any particular order) for windows to work.
    """
    d_doc = np.diff(doc_codes)
    if bool(np.all(d_doc >= 0)) and bool(np.all((np.diff(token_ids) > 0) | (d_doc > 0))):
        return None
    return np.lexsort((token_ids, doc_codes))


def collocations(
    tokens: pd.DataFrame,
    *,
    nodes: Sequence[str] = ("LEADERSHIP", "MANAGEMENT"),
    window: tuple[int, int] = (5, 5),
    min_freq: int = 3,
    min_node_freq: int = 1,
    unit: str = "norm",
    exclude_punct: bool = True,
    stop_words: Iterable[str] | None = None,
    within_sentence: bool = True,
    families: Mapping[str, Iterable[str]] | None = None,
) -> pd.DataFrame:
    """Window collocates of each node, with expected frequency, MI, logDice, t-score and G2.

    Args:
        tokens: The ``tokens`` table.
        nodes: Node terms (values of ``unit``) or family names (``LEADERSHIP``,
            ``MANAGEMENT``), a family standing for all its lemmas.
        window: ``(L, R)``: tokens to the left and to the right of the node.
        min_freq: Smallest observed co-occurrence frequency listed.
        min_node_freq: Nodes rarer than this are skipped (logged).
        unit: Tokens column the nodes and collocates are values of.
        exclude_punct: Remove punctuation tokens before laying the windows.
        stop_words: Terms never listed as collocates (they still fill window slots).
        within_sentence: Keep windows inside the node's sentence.
        families: Family name -> member lemmas (default ``pipeline.normalise.FAMILIES``).

    Returns:
        Columns :data:`COLLOCATION_COLUMNS`, sorted by node, logDice descending, collocate.
    """
    left, right = int(window[0]), int(window[1])
    span = left + right
    fams = load_families(families)
    all_codes, terms = factorize_column(tokens[unit])
    all_docs = factorize_column(tokens["doc_id"])[0]
    keep = word_mask(tokens, exclude_punct=exclude_punct) & (all_codes >= 0)
    order = text_order(all_docs, tokens["token_id"].to_numpy())
    rows = np.flatnonzero(keep) if order is None else order[keep[order]]
    codes, doc = all_codes[rows], all_docs[rows]
    sent = tokens["sent_id"].to_numpy()[rows]
    n = len(codes)
    freq = np.bincount(codes, minlength=len(terms))  # terms only in punctuation get 0
    stop_mask = pd.Index(terms).isin(list(stop_words)) if stop_words is not None else np.zeros(len(terms), bool)
    offsets = [k for k in range(-left, right + 1) if k != 0]

    frames = []
    for node in nodes:
        members = expand_node(node, fams)
        member_codes = pd.Index(terms).get_indexer(sorted(members))
        member_codes = member_codes[member_codes >= 0]
        at = np.flatnonzero(np.isin(codes, member_codes))
        f_node = len(at)
        if f_node == 0 or f_node < min_node_freq:
            log.info("collocations: node %r occurs %d times (min %d); skipped", node, f_node, min_node_freq)
            continue
        found = []
        for k in offsets:
            j = at + k
            inside = (j >= 0) & (j < n)
            i_ok, j_ok = at[inside], j[inside]
            same = doc[j_ok] == doc[i_ok]
            if within_sentence:
                same &= sent[j_ok] == sent[i_ok]
            found.append(codes[j_ok[same]])
        observed = np.bincount(np.concatenate(found) if found else np.empty(0, np.int64), minlength=len(terms))
        picked = np.flatnonzero((observed >= max(min_freq, 1)) & ~stop_mask)
        o = observed[picked].astype(np.float64)
        f_c = freq[picked].astype(np.float64)
        expected = f_node * f_c * span / n
        frames.append(
            pd.DataFrame(
                {
                    "node": node,
                    "collocate": terms[picked],
                    "observed": observed[picked].astype(np.int64),
                    "expected": expected,
                    "mi": mutual_information(o, expected),
                    "log_dice": log_dice(o, f_node, f_c),
                    "t_score": t_score(o, expected),
                    "log_likelihood": log_likelihood_2x2(o, f_node * span, f_c, n),
                    "freq_node": np.int64(f_node),
                    "freq_collocate": freq[picked].astype(np.int64),
                }
            )
        )
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=_COLLOCATION_DTYPES[c]) for c in COLLOCATION_COLUMNS})
    out = pd.concat(frames, ignore_index=True)
    out["_neg"] = -out["log_dice"]
    out = out.sort_values(["node", "_neg", "collocate"], kind="mergesort").drop(columns="_neg")
    return out[COLLOCATION_COLUMNS].reset_index(drop=True)


_COLLOCATION_DTYPES = {
    "node": "object",
    "collocate": "object",
    "observed": "int64",
    "expected": "float64",
    "mi": "float64",
    "log_dice": "float64",
    "t_score": "float64",
    "log_likelihood": "float64",
    "freq_node": "int64",
    "freq_collocate": "int64",
}


def grammatical_collocates(
    tokens: pd.DataFrame,
    *,
    nodes: Sequence[str] = ("LEADERSHIP", "MANAGEMENT"),
    min_count: int = 1,
    families: Mapping[str, Iterable[str]] | None = None,
) -> pd.DataFrame:
    """Collocates of the nodes along dependency relations of the parse (spaCy/ClearNLP labels).

    Relations (``N`` a node token, matched on ``norm``):

    * ``amod``, ``compound``, ``nmod``, ``poss``: a child of ``N`` with that label ("clinical
      leadership", "NHS management", "the trust's leadership");
    * ``conj``: a word conjoined with ``N`` either way ("leadership and management");
    * ``subject_of`` / ``passive_subject_of``: the verb ``N`` is ``nsubj`` / ``nsubjpass`` of;
    * ``object_of``: the verb ``N`` is the ``dobj`` of;
    * ``prep_object_of``: ``N`` is the ``pobj`` of a preposition attached to a verb; the
      collocate is ``"verb preposition"`` ("invest in").

    Collocates are ``norm`` values; punctuation is never a collocate.

    Args:
        tokens: The ``tokens`` table (with ``dep``, ``head``, ``pos``).
        nodes: Family names or single ``norm`` values.
        min_count: Smallest count listed.
        families: Family name -> member lemmas (default ``pipeline.normalise.FAMILIES``).

    Returns:
        Columns ``node_family, relation, collocate, count, doc_freq`` (``node_family`` is the
        node as given), sorted by node_family, relation, count descending, collocate.
    """
    fams = load_families(families)
    cols = ["doc_id", "token_id", "head", "dep", "pos", "norm", "lower", "is_punct"]
    t = tokens[cols].copy()
    t["doc"] = pd.factorize(t["doc_id"].to_numpy())[0]
    t = t.loc[t["norm"].notna()]
    ref = t[["doc", "token_id", "head", "dep", "pos", "norm", "lower", "is_punct"]]
    heads = ref.rename(columns={c: f"h_{c}" for c in ref.columns if c != "doc"}).rename(columns={"h_token_id": "head"})
    grand = heads.rename(columns={c: f"g_{c[2:]}" for c in heads.columns if c.startswith("h_")}).rename(
        columns={"head": "h_head"}
    )

    found = []
    for node in nodes:
        members = expand_node(node, fams)
        node_rows = ref.loc[ref["norm"].isin(members), ["doc", "token_id", "head", "dep"]]
        if node_rows.empty:
            continue
        node_found = []
        # Children of the node: modifiers and conjuncts.
        kids = ref.loc[ref["dep"].isin([*MODIFIER_DEPS, "conj"]) & ~ref["is_punct"].astype(bool)]
        kids = kids.loc[kids["token_id"] != kids["head"], ["doc", "head", "dep", "norm"]]
        kids = kids.merge(node_rows[["doc", "token_id"]], left_on=["doc", "head"], right_on=["doc", "token_id"])
        node_found.append(pd.DataFrame({"doc": kids["doc"], "relation": kids["dep"], "collocate": kids["norm"]}))
        # The node's own head: a conjunct, the verb it is subject/object of, a preposition.
        up = node_rows.loc[node_rows["token_id"] != node_rows["head"]].merge(heads, on=["doc", "head"])
        up = up.loc[~up["h_is_punct"].astype(bool)]
        conj = up.loc[up["dep"] == "conj"]
        node_found.append(pd.DataFrame({"doc": conj["doc"], "relation": "conj", "collocate": conj["h_norm"]}))
        verbs = up.loc[up["h_pos"].isin(VERB_POS)]
        for dep, relation in (
            ("nsubj", "subject_of"),
            ("nsubjpass", "passive_subject_of"),
            ("dobj", "object_of"),
        ):
            hit = verbs.loc[verbs["dep"] == dep]
            node_found.append(pd.DataFrame({"doc": hit["doc"], "relation": relation, "collocate": hit["h_norm"]}))
        preps = up.loc[(up["dep"] == "pobj") & (up["h_dep"] == "prep") & (up["head"] != up["h_head"])]
        preps = preps.merge(grand, on=["doc", "h_head"])
        preps = preps.loc[preps["g_pos"].isin(VERB_POS)]
        node_found.append(
            pd.DataFrame(
                {
                    "doc": preps["doc"],
                    "relation": "prep_object_of",
                    "collocate": preps["g_norm"].astype(str) + " " + preps["h_lower"].astype(str),
                }
            )
        )
        node_pairs = pd.concat(node_found, ignore_index=True)
        node_pairs["node_family"] = node
        found.append(node_pairs)
    if not found:
        return pd.DataFrame(
            {c: pd.Series(dtype="int64" if c in ("count", "doc_freq") else "object") for c in GRAMMATICAL_COLUMNS}
        )
    pairs = pd.concat(found, ignore_index=True)
    pairs = pairs.loc[pairs["collocate"].notna()]
    keys = ["node_family", "relation", "collocate"]
    out = pairs.groupby(keys, sort=True).agg(count=("doc", "size"), doc_freq=("doc", "nunique")).reset_index()
    out["count"] = out["count"].astype(np.int64)
    out["doc_freq"] = out["doc_freq"].astype(np.int64)
    out = out.loc[out["count"] >= min_count]
    out["_neg"] = -out["count"]
    out = out.sort_values(["node_family", "relation", "_neg", "collocate"], kind="mergesort").drop(columns="_neg")
    return out[GRAMMATICAL_COLUMNS].reset_index(drop=True)
