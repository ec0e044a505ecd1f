"""Tests for pipeline.phrases: collocations learnt with gensim Phrases, noun-chunk phrases."""

from __future__ import annotations

import random
import re
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from pipeline import nlp as N
from pipeline.config import PhrasesConfig
from pipeline.normalise import stop_words
from pipeline.phrases import PHRASE_COLUMNS, build_phrases, learn_phrases, noun_chunk_phrases

SEED = Path(__file__).resolve().parents[1] / "data" / "raw" / "seed"
STOP = stop_words()

FILLERS = ["patient", "nurse", "ward", "budget", "staff", "team", "board", "plan", "risk", "trust", "audit", "policy"]


def constructed_sentences() -> list[str]:
    """150 sentences of five random filler words; planted phrases in some of them.

    Filler pairs meet by chance (about four times each), "clinical leadership" is planted in
    10 sentences and "quality of care" in 5; 4 sentences split "clinical" and "leadership"
    with a full stop.
    """
    rng = random.Random(7)
    sentences = []
    for number in range(150):
        words = [rng.choice(FILLERS) for _ in range(5)]
        if number % 15 == 0:
            words.insert(rng.randrange(6), "clinical leadership")
        elif number % 30 == 7:
            words.insert(rng.randrange(6), "quality of care")
        elif number % 30 == 8:
            words.insert(rng.randrange(6), "clinical . leadership")
        sentences.append(" ".join(words) + " .")
    return sentences


SENTENCES = constructed_sentences()


def token_table(sentences: list[str]) -> pd.DataFrame:
    """Whitespace-tokenised sentences as a tokens table, one document per sentence."""
    rows = []
    for number, sentence in enumerate(sentences):
        for match in re.finditer(r"\S+", sentence):
            word = match.group()
            rows.append(
                {
                    "doc_id": f"c:{number:03d}",
                    "sent_id": 0,
                    "token_id": len(rows),
                    "start_char": match.start(),
                    "text": word,
                    "norm": word.lower(),
                    "is_punct": word in {".", ","},
                    "is_stop": word.lower() in STOP,
                }
            )
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def constructed() -> pd.DataFrame:
    return token_table(SENTENCES)


def test_planted_bigram_learnt_and_chance_pairs_not(constructed) -> None:
    pairs = Counter(
        (a, b)
        for sentence in SENTENCES
        for a, b in zip(sentence.split(), sentence.split()[1:])
        if a in FILLERS and b in FILLERS
    )
    assert max(pairs.values()) >= 6  # chance pairs are frequent enough to pass min_count
    found = learn_phrases(constructed, min_count=3, threshold=0.3)
    assert found["phrase"].value_counts().to_dict() == {"clinical leadership": 10, "quality of care": 5}


def test_collocation_rows_exact(constructed) -> None:
    found = learn_phrases(constructed, min_count=3, threshold=0.3)
    assert list(found.columns) == PHRASE_COLUMNS
    expected = sorted(
        [f"c:{number:03d}", 0, match.group(), "collocation", match.start(), match.end()]
        for number, sentence in enumerate(SENTENCES)
        for match in re.finditer(r"clinical leadership|quality of care", sentence)
    )
    assert found.values.tolist() == expected


def test_punctuation_breaks_a_pair(constructed) -> None:
    found = learn_phrases(constructed, min_count=3, threshold=0.3)
    split = [f"c:{n:03d}" for n, s in enumerate(SENTENCES) if "clinical . leadership" in s]
    assert len(split) == 5 and not found["doc_id"].isin(split).any()


@pytest.mark.parametrize(
    ("min_count", "threshold", "expected"),
    [
        (3, 0.3, {"clinical leadership", "quality of care"}),
        (6, 0.3, {"clinical leadership"}),
        (11, 0.3, set()),
        (3, 0.95, {"quality of care"}),  # its words never occur apart: npmi = 1
    ],
)
def test_parameters_gate_phrases(constructed, min_count, threshold, expected) -> None:
    found = learn_phrases(constructed, min_count=min_count, threshold=threshold)
    assert set(found["phrase"]) == expected


def test_negative_threshold_admits_chance_pairs(constructed) -> None:
    found = learn_phrases(constructed, min_count=3, threshold=-1.0)
    assert any(phrase.split()[0] in FILLERS for phrase in found["phrase"])


def test_empty_tokens() -> None:
    empty = pd.DataFrame(columns=["doc_id", "sent_id", "token_id", "start_char", "text", "norm", "is_punct", "is_stop"])
    found = learn_phrases(empty)
    assert found.empty and list(found.columns) == PHRASE_COLUMNS


@pytest.fixture(scope="module")
def seed_parse(tmp_path_factory) -> dict[str, pd.DataFrame]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEED.glob("*.txt"))]
    documents = pd.DataFrame({"doc_id": [f"s:{i}" for i in range(len(texts))], "text": texts})
    out = tmp_path_factory.mktemp("seed_phrases")
    N.parse_documents(documents, out)
    tables = {name: pd.read_parquet(out / f"{name}.parquet") for name in ["tokens", "noun_chunks"]}
    tables["text"] = documents
    return tables


def test_seed_corpus_collocations(seed_parse) -> None:
    found = learn_phrases(seed_parse["tokens"], min_count=5, threshold=0.3)
    phrases = set(found["phrase"])
    assert {"clinical leadership", "quality improvement", "medical leadership", "public health"} <= phrases
    # a stricter threshold keeps the tighter compounds only
    strict = set(learn_phrases(seed_parse["tokens"], min_count=5, threshold=0.5)["phrase"])
    assert "quality improvement" in strict and "clinical leadership" not in strict


def test_build_phrases_on_seed(seed_parse) -> None:
    config = PhrasesConfig(min_count=5, threshold=0.3)
    table = build_phrases(seed_parse["tokens"], seed_parse["noun_chunks"], config=config)
    # the order of the documents must not matter (each keeps its tokens in order, as the
    # tokens table's contract says)
    reordered = [
        seed_parse[name].sort_values("doc_id", ascending=False, kind="stable") for name in ("tokens", "noun_chunks")
    ]
    again = build_phrases(*reordered, config=config)
    pd.testing.assert_frame_equal(table, again)
    assert list(table.columns) == PHRASE_COLUMNS
    assert set(table["kind"]) == {"noun_chunk", "collocation"}
    assert table.equals(
        table.sort_values(["doc_id", "sent_id", "start_char", "end_char", "kind", "phrase"]).reset_index(drop=True)
    )
    chunks = noun_chunk_phrases(seed_parse["noun_chunks"])
    assert len(table) == len(chunks) + len(learn_phrases(seed_parse["tokens"], min_count=5, threshold=0.3))
    text = dict(zip(seed_parse["text"]["doc_id"], seed_parse["text"]["text"]))
    collocations = table[table["kind"] == "collocation"]
    spans = [
        text[d][a:b] for d, a, b in zip(collocations["doc_id"], collocations["start_char"], collocations["end_char"])
    ]
    # a phrase's span holds exactly its words (norms are lemmas, so compare word counts)
    assert [len(span.split()) for span in spans] == [len(p.split()) for p in collocations["phrase"]]
    assert all(span == span.strip() for span in spans)
