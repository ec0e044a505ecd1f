"""Topic-model throughput: LDA training documents/second at one k, and the time of the k sweep.

Input: the first ``--limit`` records of /work/shared/bench-data/health_management_abstracts.jsonl.gz
(field ``abstract``). The nlp stage is not part of this benchmark, so the text is tokenised
cheaply: spaCy's blank English tokenizer, lower-cased, with spaCy's ``is_stop``/``is_alpha``
lexical flags; there is no tagger, so the part-of-speech filter is switched off (``pos=()``) and
``norm`` is the lower-cased word, not a lemma. The script says so in its output.

Figures printed:
- bag-of-words building (units, sorted dictionary, filtering, Matrix Market serialisation);
- LDA training at ``--k`` from the serialised corpus (gensim ``LdaModel``, one worker, the stage's
  default passes/iterations unless overridden): documents/second = documents x passes / seconds,
  and documents/second of one whole training (documents / seconds);
- the whole stage ``topic_models`` over ``--k-min..--k-max`` (LDA + c_v/c_npmi/u_mass coherence +
  NMF + its coherence), with and without NMF when ``--without-nmf`` is given.

Usage:
    .venv/bin/python bench/topics.py [--limit 1000] [--k 10] [--k-min 2] [--k-max 10]
        [--passes 10] [--without-nmf]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import tempfile
import time
from pathlib import Path

import pandas as pd
import spacy
from gensim.corpora import MmCorpus
from gensim.models import LdaModel

from pipeline.config import NormaliseConfig, RunConfig, TopicsConfig
from pipeline.normalise import stop_words
from pipeline.topics import (
    bag_of_words_units,
    sorted_dictionary,
    topic_models,
)

# shared/ sits beside the repository; LDP_BENCH_DATA points elsewhere.
BENCH_DATA = Path(os.environ.get("LDP_BENCH_DATA", Path(__file__).resolve().parents[2] / "shared" / "bench-data"))
DATA = BENCH_DATA / "health_management_abstracts.jsonl.gz"


def read_abstracts(limit: int) -> pd.DataFrame:
    """The first ``limit`` records with an abstract, as a minimal documents table."""
    rows = []
    with gzip.open(DATA, "rt", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if record.get("abstract"):
                rows.append({"doc_id": f"bench:hma:{record['id']}", "doc_type": "abstract", "text": record["abstract"]})
            if len(rows) == limit:
                break
    return pd.DataFrame(rows)


def cheap_tokens(documents: pd.DataFrame) -> pd.DataFrame:
    """A tokens table from spaCy's blank English tokenizer (no tagger, no lemmatiser)."""
    nlp = spacy.blank("en")
    rows = []
    for doc_id, doc in zip(documents["doc_id"], nlp.pipe(documents["text"], batch_size=256), strict=True):
        for token in doc:
            rows.append(
                (doc_id, 0, token.i, token.idx, token.lower_, "", token.is_stop, token.is_punct, token.is_alpha)
            )
    return pd.DataFrame(
        rows, columns=["doc_id", "sent_id", "token_id", "start_char", "norm", "pos", "is_stop", "is_punct", "is_alpha"]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=1000)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--k-min", type=int, default=2)
    parser.add_argument("--k-max", type=int, default=10)
    parser.add_argument("--passes", type=int, default=TopicsConfig().passes)
    parser.add_argument("--without-nmf", action="store_true", help="also time the sweep without NMF")
    args = parser.parse_args()

    start = time.perf_counter()
    documents = read_abstracts(args.limit)
    tokens = cheap_tokens(documents)
    print(
        f"input: {len(documents)} abstracts, {len(tokens)} tokens from {DATA.name} "
        f"(tokenised in {time.perf_counter() - start:.1f} s)"
    )
    print(
        "tokenisation: spaCy blank('en') tokenizer, lower-cased; stop words (spaCy is_stop + "
        "pipeline.normalise list) and non-alphabetic tokens removed; no tagger, so pos=() "
        "(no part-of-speech filter) and norm is the lower-cased word, not a lemma"
    )

    p = TopicsConfig(pos=[], passes=args.passes)
    seed = RunConfig().seed
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        t0 = time.perf_counter()
        units = bag_of_words_units(tokens, documents, None, pos=(), stop_words=stop_words())
        texts = units["terms"].tolist()
        dictionary = sorted_dictionary(texts)
        dictionary.filter_extremes(no_below=p.no_below, no_above=p.no_above, keep_n=p.keep_n)
        MmCorpus.serialize(str(work / "bow.mm"), (dictionary.doc2bow(t) for t in texts))
        corpus = MmCorpus(str(work / "bow.mm"))
        t_bow = time.perf_counter() - t0
        print(
            f"bag of words: {len(texts)} units, vocabulary {len(dictionary)} after "
            f"filter_extremes(no_below={p.no_below}, no_above={p.no_above}): "
            f"{t_bow:.2f} s ({len(texts) / t_bow:,.0f} documents/s)"
        )

        t0, c0 = time.perf_counter(), time.process_time()
        LdaModel(
            corpus=corpus,
            id2word=dictionary,
            num_topics=args.k,
            passes=p.passes,
            iterations=p.iterations,
            chunksize=p.chunksize,
            alpha=p.alpha,
            random_state=seed,
            eval_every=None,
        )
        t_lda, c_lda = time.perf_counter() - t0, time.process_time() - c0
        print(
            f"LDA k={args.k}, passes={p.passes}, iterations={p.iterations}, one worker: "
            f"{t_lda:.2f} s wall ({c_lda:.2f} s CPU) = "
            f"{len(texts) * p.passes / t_lda:,.0f} documents/s per pass, "
            f"{len(texts) / t_lda:,.1f} documents/s for the whole training"
        )

    sweeps = [True, False] if args.without_nmf else [True]
    for include_nmf in sweeps:
        config = TopicsConfig(pos=[], k_min=args.k_min, k_max=args.k_max, passes=args.passes, include_nmf=include_nmf)
        with tempfile.TemporaryDirectory() as tmp:
            t0, c0 = time.perf_counter(), time.process_time()
            result = topic_models(
                tokens, documents, None, config=config, normalise=NormaliseConfig(), seed=seed, work_dir=Path(tmp)
            )
            t_sweep, c_sweep = time.perf_counter() - t0, time.process_time() - c0
        info = result["topic_model_info"].set_index("key")["value"]
        what = "LDA + coherence + NMF + coherence" if include_nmf else "LDA + coherence"
        print(
            f"k sweep {info['k_range']} ({what}): {t_sweep:.1f} s wall, {c_sweep:.1f} s CPU, "
            f"{t_sweep / len(result['coherence_by_k']):.2f} s per (model, k); "
            f"chosen k={info['chosen_k']}"
        )
        if include_nmf:
            print(result["coherence_by_k"].to_string(index=False))


if __name__ == "__main__":
    main()
