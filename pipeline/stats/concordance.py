"""Key word in context (KWIC) concordances of a word, lemma, family or phrase.

Each hit is one line: the node as written in the document and its left and right contexts,
cut from the document's ``text`` by character offsets so that the original spacing and
punctuation are kept (a line break inside a context becomes one space, so a line stays one
line). Contexts stay inside the document. Sorting follows AntConc's KWIC sort: by the first,
second, third word to the right of the node (R1, R2, R3), or to the left read outwards
(L1 the word just before the node, then L2, L3).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from pipeline.stats.collocation import text_order
from pipeline.stats.families import load_families
from pipeline.stats.frequency import factorize_column

__all__ = ["CONCORDANCE_COLUMNS", "concordance", "sort_concordance"]

CONCORDANCE_COLUMNS = [
    "query",
    "doc_id",
    "sent_id",
    "token_id",
    "left",
    "node",
    "right",
    "source",
    "doc_type",
]
_LINE_BREAK = re.compile(r"\s*[\r\n]+\s*")
_WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")


def _one_line(text: str) -> str:
    return _LINE_BREAK.sub(" ", text)


def concordance(
    tokens: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    query: str,
    by: str = "norm",
    width: int = 8,
    width_unit: str = "tokens",
    families: Mapping[str, Iterable[str]] | None = None,
) -> pd.DataFrame:
    """KWIC lines for every occurrence of ``query``.

    Args:
        tokens: The ``tokens`` table.
        documents: The ``documents`` table (``text`` for the contexts, ``source``, ``doc_type``).
        query: What to find: a norm (lemma), a word form, a family name, or a phrase (norms
            separated by spaces, matched as consecutive tokens).
        by: ``norm``, ``lower`` (case-insensitive word form), ``family`` or ``phrase``.
        width: Context size on each side.
        width_unit: ``tokens`` (``width`` tokens, punctuation included) or ``chars``.
        families: Family name -> member lemmas, for ``by="family"`` (default
            ``pipeline.normalise.FAMILIES``; names are matched case-insensitively).

    Returns:
        Columns :data:`CONCORDANCE_COLUMNS` (``token_id`` of the node's first token; ``left``
        and ``right`` stripped at their outer ends), in text order: doc_id, token_id.
    """
    if width_unit not in ("tokens", "chars"):
        raise ValueError(f"width_unit must be 'tokens' or 'chars', not {width_unit!r}")
    doc_codes, doc_values = factorize_column(tokens["doc_id"], sort=True)
    order = text_order(doc_codes, tokens["token_id"].to_numpy())
    rows = np.arange(len(tokens)) if order is None else order  # text order, documents by doc_id
    doc_codes = doc_codes[rows]
    n = len(rows)
    if by in ("norm", "lower"):
        column = tokens[by]
        first = column.eq(query.lower()).fillna(False).to_numpy(dtype=bool)[rows]
        length = 1
    elif by == "family":
        members = load_families(families)[query.upper()]
        first = tokens["norm"].isin(members).to_numpy(dtype=bool)[rows]
        length = 1
    elif by == "phrase":
        words = query.lower().split()
        length = len(words)
        norm_codes, norm_values = factorize_column(tokens["norm"])
        norm_codes = norm_codes[rows]
        wanted = pd.Index(norm_values).get_indexer(words)
        first = np.zeros(n, dtype=bool)
        if length and n >= length and (wanted >= 0).all():
            m = n - length + 1
            first[:m] = True
            for k, code in enumerate(wanted):
                first[:m] &= (norm_codes[k : k + m] == code) & (doc_codes[k : k + m] == doc_codes[:m])
    else:
        raise ValueError(f"by must be 'norm', 'lower', 'family' or 'phrase', not {by!r}")
    at = np.flatnonzero(first)
    if len(at) == 0:
        return pd.DataFrame(
            {c: pd.Series(dtype="int64" if c in ("sent_id", "token_id") else "object") for c in CONCORDANCE_COLUMNS}
        )

    doc_first = np.searchsorted(doc_codes, doc_codes[at], side="left")
    starts = tokens["start_char"].to_numpy()[rows]
    last = at + length - 1
    ends = starts[last] + tokens["text"].iloc[rows[last]].str.len().to_numpy()
    node_start, node_end = starts[at], ends
    if width_unit == "tokens":
        # The document's first and last row bound the context (rows are in text order).
        doc_last = np.searchsorted(doc_codes, doc_codes[last], side="right") - 1
        lo = np.maximum(at - width, doc_first)
        hi = np.minimum(last + width, doc_last)
        left_start = starts[lo]
        right_end = starts[hi] + tokens["text"].iloc[rows[hi]].str.len().to_numpy()
    else:
        left_start = np.maximum(node_start - width, 0)
        right_end = node_end + width

    doc_ids = doc_values[doc_codes[at]]
    # One Python string per document, shared by its hits: reindexing the text column per hit
    # copied a document's whole text once per hit (4000 hits in a 1 MB text: 4 GB).
    text_of = dict(zip(documents["doc_id"].tolist(), documents["text"].tolist(), strict=True))
    doc_text = [text_of.get(doc_id) for doc_id in doc_ids]
    left, node, right = [], [], []
    for text, ls, ns, ne, re_ in zip(doc_text, left_start, node_start, node_end, right_end, strict=True):
        text = text if isinstance(text, str) else ""
        left.append(_one_line(text[ls:ns]).strip())
        node.append(_one_line(text[ns:ne]))
        right.append(_one_line(text[ne:re_]).strip())
    meta = documents.set_index("doc_id")[["source", "doc_type"]].reindex(doc_ids)
    out = pd.DataFrame(
        {
            "query": query,
            "doc_id": doc_ids,
            "sent_id": tokens["sent_id"].to_numpy()[rows[at]].astype(np.int64),
            "token_id": tokens["token_id"].to_numpy()[rows[at]].astype(np.int64),
            "left": left,
            "node": node,
            "right": right,
            "source": meta["source"].to_numpy(),
            "doc_type": meta["doc_type"].to_numpy(),
        }
    )
    return out[CONCORDANCE_COLUMNS]


def _context_words(contexts: pd.Series, *, reverse: bool, levels: int) -> list[pd.Series]:
    words = contexts.fillna("").str.lower().map(_WORD.findall)
    if reverse:
        words = words.map(lambda w: w[::-1])
    return [words.map(lambda w, i=i: w[i] if len(w) > i else "") for i in range(levels)]


def sort_concordance(
    df: pd.DataFrame,
    *,
    by: str = "right",
    levels: int = 3,
    then: Sequence[str] = ("doc_id", "token_id"),
) -> pd.DataFrame:
    """Sort KWIC lines by the words nearest the node, as AntConc's L1/R1 sort.

    Words are runs of letters and digits (inner apostrophes and hyphens kept), compared
    lower-cased; a missing word sorts first. ``by="left"`` compares L1 (the word just before
    the node), then L2, ...; ``by="right"`` compares R1, R2, ...

    Args:
        df: Output of :func:`concordance`.
        by: ``left`` or ``right``.
        levels: How many words out from the node to compare.
        then: Columns that break the remaining ties.

    Returns:
        The same rows, re-ordered, with a fresh index.
    """
    if by not in ("left", "right"):
        raise ValueError(f"by must be 'left' or 'right', not {by!r}")
    keys = _context_words(df[by], reverse=by == "left", levels=levels)
    work = df.copy()
    names = [f"_k{i}" for i in range(levels)]
    for name, key in zip(names, keys, strict=True):
        work[name] = key
    work = work.sort_values([*names, *then], kind="mergesort")
    return work.drop(columns=names).reset_index(drop=True)
