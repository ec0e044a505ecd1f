"""Hand-made tables in the contracted schema for the stats tests.

``make_corpus`` turns documents written as lists of sentences (each a list of words) into a
``documents`` and a ``tokens`` table: the text is the words joined by single spaces, lemma and
norm are the lower-cased word, a word made of punctuation only is ``is_punct``.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence

import pandas as pd
import pytest

FAMILIES = {
    "LEADERSHIP": frozenset({"lead", "leader", "leadership"}),
    "MANAGEMENT": frozenset({"manage", "manager", "management"}),
}


def make_corpus(
    docs: Mapping[str, Sequence[Sequence[str]]], meta: Mapping[str, Mapping[str, object]] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows, doc_rows = [], []
    for doc_id, sentences in docs.items():
        text, token_id = "", 0
        for sent_id, words in enumerate(sentences):
            for word in words:
                if text:
                    text += " "
                rows.append(
                    {
                        "doc_id": doc_id,
                        "sent_id": sent_id,
                        "token_id": token_id,
                        "start_char": len(text),
                        "text": word,
                        "lower": word.lower(),
                        "lemma": word.lower(),
                        "norm": word.lower(),
                        "pos": "X",
                        "tag": "X",
                        "dep": "dep",
                        "head": token_id,
                        "is_stop": False,
                        "is_punct": all(ch in string.punctuation for ch in word),
                        "is_alpha": word.isalpha(),
                        "ent_type": "",
                        "ent_iob": "O",
                    }
                )
                text += word
                token_id += 1
        doc_rows.append({"doc_id": doc_id, "text": text, "n_chars": len(text), **(meta or {}).get(doc_id, {})})
    documents = pd.DataFrame(doc_rows).sort_values("doc_id").reset_index(drop=True)
    for column, default in (("source", "s.txt"), ("doc_type", "other"), ("corpus", "test")):
        if column not in documents:
            documents[column] = default
    return pd.DataFrame(rows), documents


@pytest.fixture
def families() -> dict[str, frozenset[str]]:
    return dict(FAMILIES)
