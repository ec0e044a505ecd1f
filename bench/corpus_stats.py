"""Time the corpus statistics (frequency, keyness, collocations, concordance) at 1M and 10M tokens.

A real 10M-token table from spaCy takes too long to make here, so the benchmark corpora
(shared/bench-data: scale_50k, news_articles, health_management_abstracts) are cut into
tokens by a regular expression (words, numbers, single punctuation marks), in the tokens
schema: ``lemma = norm = lower``, sentences split after . ! ?, no parse (pos/tag/dep "X",
head = self). The statistics do not look at the parse, except grammatical_collocates, which
is not timed. When the corpora hold fewer tokens than asked, they are repeated with new
doc_ids (``:r1``, ``:r2``, ...).

    .venv/bin/python bench/corpus_stats.py --sizes 1000000,10000000
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.stats.collocation import collocations
from pipeline.stats.concordance import concordance
from pipeline.stats.frequency import frequency_list
from pipeline.stats.keyness import keyness_between

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "bench-data"
TOKEN = re.compile(r"\w+(?:[-'’]\w+)*|[^\w\s]")
SENT_END = {".", "!", "?"}


def read_texts(data: Path) -> Iterator[tuple[str, str, str, str]]:
    """(doc_id, source, doc_type, text) of the bench corpora, mixed file first."""
    with gzip.open(data / "scale_50k.jsonl.gz", "rt", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            yield f"scale:{row['id']}", "scale_50k.jsonl.gz", row["doc_type"], row["text"]
    with gzip.open(data / "news_articles.csv.gz", "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            yield f"news:{row['id']}", "news_articles.csv.gz", "news_article", row["text"]
    with gzip.open(data / "health_management_abstracts.jsonl.gz", "rt", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            yield f"hma:{row['id']}", "health_management_abstracts.jsonl.gz", "abstract", row["abstract"]


def build_tables(data: Path, n_tokens: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Tokens and documents tables of at least ``n_tokens`` tokens (whole documents)."""
    doc_rows: list[tuple[str, str, str, str]] = []
    doc_col: list[np.ndarray] = []
    starts: list[int] = []
    texts: list[str] = []
    total, round_ = 0, 0
    while total < n_tokens:
        before = total
        for doc_id, source, doc_type, text in read_texts(data):
            if not text:
                continue
            found = [(m.start(), m.group()) for m in TOKEN.finditer(text)]
            if not found:
                continue
            doc_id = doc_id if round_ == 0 else f"{doc_id}:r{round_}"
            doc_rows.append((doc_id, source, doc_type, text))
            doc_col.append(np.full(len(found), len(doc_rows) - 1, dtype=np.int64))
            starts.extend(s for s, _ in found)
            texts.extend(t for _, t in found)
            total += len(found)
            if total >= n_tokens:
                break
        if total == before:
            raise SystemExit(f"no tokens found under {data}")
        round_ += 1
    doc_index = np.concatenate(doc_col)
    documents = pd.DataFrame(doc_rows, columns=["doc_id", "source", "doc_type", "text"])
    documents["corpus"] = "bench"
    token_text = pd.Series(texts, dtype="str")
    lower = token_text.str.lower()
    first = np.r_[True, doc_index[1:] != doc_index[:-1]]
    token_id = np.arange(len(doc_index)) - np.flatnonzero(first)[np.cumsum(first) - 1]
    ends = token_text.isin(SENT_END).to_numpy()
    after_end = np.r_[False, ends[:-1]] & ~first
    running = np.cumsum(after_end)
    sent_id = running - running[np.flatnonzero(first)][np.cumsum(first) - 1]
    is_punct = ~token_text.str.contains(r"\w", regex=True).to_numpy()
    tokens = pd.DataFrame(
        {
            "doc_id": documents["doc_id"].to_numpy()[doc_index],
            "sent_id": sent_id,
            "token_id": token_id,
            "start_char": np.asarray(starts, dtype=np.int64),
            "text": token_text,
            "lower": lower,
            "lemma": lower,
            "norm": lower,
            "pos": "X",
            "tag": "X",
            "dep": "X",
            "head": token_id,
            "is_stop": False,
            "is_punct": is_punct,
            "is_alpha": token_text.str.isalpha().to_numpy(),
            "ent_type": "",
            "ent_iob": "O",
        }
    )
    return tokens, documents


def timed(label: str, func: Callable[[], pd.DataFrame]) -> None:
    """Print wall-clock and CPU seconds (CPU is the fairer figure on a shared machine)."""
    start, cpu = time.perf_counter(), time.process_time()
    result = func()
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    print(
        f"  {label:<44} wall {seconds:7.2f} s  cpu {cpu_seconds:7.2f} s  ({len(result):,} rows)",
        flush=True,
    )


def time_statistics(tokens: pd.DataFrame, documents: pd.DataFrame) -> None:
    """Time each statistic once over one token table."""
    timed("frequency_list(unit='norm')", lambda: frequency_list(tokens, documents))
    timed(
        "frequency_list(unit='lower', by='doc_type')",
        lambda: frequency_list(tokens, documents, unit="lower", by="doc_type"),
    )
    timed(
        "keyness_between(abstract vs news_article)",
        lambda: keyness_between(
            tokens,
            documents,
            target={"doc_type": ["abstract"]},
            reference={"doc_type": ["news_article"]},
        ),
    )
    timed(
        "collocations(leadership, management; 5/5)",
        lambda: collocations(tokens, nodes=["leadership", "management"], window=(5, 5), min_freq=3, families={}),
    )
    timed("concordance('management', width 8)", lambda: concordance(tokens, documents, query="management"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000000,10000000", help="token-table sizes, comma-separated")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    print("tokens: regex tokeniser over the bench corpora; lemma = norm = lower; no parse (pos/dep 'X')")
    start = time.perf_counter()
    all_tokens, all_documents = build_tables(args.data, sizes[-1])
    seconds = time.perf_counter() - start
    print(f"built {len(all_tokens):,} tokens in {len(all_documents):,} documents in {seconds:.1f} s")
    token_docs = all_tokens["doc_id"].to_numpy()
    for size in sizes:
        # Whole documents up to the size (the mixed file comes first, so a prefix is a fair sample).
        last_doc = token_docs[min(size, len(all_tokens)) - 1]
        documents = all_documents.loc[: int(np.flatnonzero(all_documents["doc_id"].to_numpy() == last_doc)[0])]
        tokens = all_tokens.iloc[: int(np.flatnonzero(token_docs == last_doc)[-1]) + 1]
        doc_types = sorted(documents["doc_type"].unique())
        print(f"\n{len(tokens):,} tokens, {len(documents):,} documents, doc types {doc_types}")
        time_statistics(tokens, documents)


if __name__ == "__main__":
    main()
