"""The pipeline's stages as plain functions: read inputs by path, call the library, write outputs.

Each ``run_*`` function takes the validated :class:`~pipeline.config.Config`, reads only the
outputs of the stages before it (by path from the config), writes its own outputs atomically,
and returns a :class:`StageResult` naming every file it wrote with its sha256. Each stage also
leaves a stamp (``.stage-NAME.json``) listing those files, so a caller can tell whether a
stage's outputs are still there and unchanged (:func:`outputs_intact`). What each stage reads
and writes is declared in :mod:`pipeline.registry`, from which the flows, cache keys and the
manifest are derived.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.config import Config
from pipeline.digests import sha256_file
from pipeline.tables import write_csv, write_json, write_parquet, write_table

log = logging.getLogger(__name__)

__all__ = [
    "TOKEN_COLUMNS",
    "StageResult",
    "combine_nlp",
    "corpus_files",
    "nlp_shard_size",
    "outputs_intact",
    "run_classify",
    "run_ingest",
    "run_nlp_shard",
    "run_report",
    "run_stats",
    "run_topics",
    "shard_bounds",
]

RUN_DEPENDENT_NLP_KEYS = ("parsed", "cached", "cache_files_rebuilt", "n_process")
CODEBOOK = Path(__file__).resolve().parent.parent / "docs" / "codebook.md"


@dataclass(frozen=True)
class StageResult:
    """What a stage wrote: file path (as given by the config) -> sha256, and its figures."""

    stage: str
    outputs: dict[str, str]
    summary: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def corpus_files(path: Path) -> list[Path]:
    """The regular files under a corpus path (the path itself if it is a file), sorted."""
    path = Path(path)
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def _stamp_path(config: Config, stage: str) -> Path:
    return config.output.processed_dir / f".stage-{stage}.json"


def _finish(config: Config, stage: str, paths: Iterable[Path], summary: Mapping[str, Any]) -> StageResult:
    outputs = {Path(p).as_posix(): sha256_file(Path(p)) for p in sorted(set(map(Path, paths)))}
    result = StageResult(stage=stage, outputs=outputs, summary=dict(summary))
    write_json(result.as_dict(), _stamp_path(config, stage))
    return result


def outputs_intact(config: Config, stage: str) -> bool:
    """True if the stage's stamp exists and every file it lists is present and unchanged."""
    stamp = _stamp_path(config, stage)
    try:
        recorded = json.loads(stamp.read_text(encoding="utf-8"))["outputs"]
    except (OSError, ValueError, KeyError):
        return False
    for name, sha in recorded.items():
        path = Path(name)
        if not path.is_file() or sha256_file(path) != sha:
            return False
    return True


# --- ingest -------------------------------------------------------------------------------------


def run_ingest(config: Config) -> StageResult:
    """Read the corpus into ``documents``, ``quarantine.csv`` and ``ingest_summary.json``."""
    from pipeline.ingest.documents import read_corpus

    corpus = config.corpus
    result = read_corpus(
        corpus.path,
        fmt=corpus.format,
        corpus=corpus.name,
        mapping=dict(corpus.mapping) or None,
        max_file_bytes=int(corpus.max_file_mb * 1_000_000),
        max_doc_chars=corpus.max_doc_chars,
    )
    out = config.output.processed_dir
    paths = write_table(result.documents, out / "documents")
    paths.append(write_csv(result.quarantine, out / "quarantine.csv"))
    paths.append(write_json(result.summary, out / "ingest_summary.json"))
    return _finish(config, "ingest", paths, result.summary)


# --- nlp ----------------------------------------------------------------------------------------


def shard_bounds(n_documents: int, n_shards: int) -> list[tuple[int, int]]:
    """Contiguous [start, stop) row ranges splitting ``n_documents`` into ``n_shards`` parts.

    Contiguous ranges of the doc_id-sorted table keep every part sorted, so concatenating the
    parts in order gives the same rows as one unsharded run.
    """
    n_shards = max(1, min(n_shards, n_documents or 1))
    step, extra = divmod(n_documents, n_shards)
    bounds, start = [], 0
    for index in range(n_shards):
        stop = start + step + (1 if index < extra else 0)
        bounds.append((start, stop))
        start = stop
    return bounds


def nlp_shard_size(config: Config, *, shard: int, n_shards: int) -> int:
    """Documents in one shard (for a progress bar), read from the documents table's footer."""
    import pyarrow.parquet as pq

    n_documents = pq.ParquetFile(config.output.processed_dir / "documents.parquet").metadata.num_rows
    start, stop = shard_bounds(n_documents, n_shards)[shard]
    return stop - start


def run_nlp_shard(
    config: Config,
    *,
    shard: int,
    n_shards: int,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Parse one contiguous shard of the documents into part files (``*.part-NNN.parquet``)."""
    from pipeline.nlp import TABLES, parse_documents
    from pipeline.tables import remove_stale_temporaries

    out = config.output.processed_dir
    # A run killed while parsing leaves its part files' temporaries behind: this shard's only.
    for name in (*(f"{table}.part-{shard:03d}.parquet" for table in TABLES), f"nlp_meta.part-{shard:03d}.json"):
        remove_stale_temporaries(out / name)
    documents = pd.read_parquet(out / "documents.parquet", columns=["doc_id", "text"])
    start, stop = shard_bounds(len(documents), n_shards)[shard]
    return parse_documents(
        documents.iloc[start:stop].reset_index(drop=True),
        out,
        config=config.nlp,
        cache_dir=(out / "cache" / "nlp") if config.nlp.cache else None,
        shard=f"{shard:03d}",
        progress=progress,
    )


def combine_nlp(config: Config, shard_meta: list[Mapping[str, Any]]) -> StageResult:
    """Merge the shards' part files into the final tables, then build the phrases table.

    ``shard_meta`` (what each shard returned) is not read here: the part files carry their own
    metadata; it is a parameter so that the flow orders this step after every shard.
    """
    from pipeline.nlp import combine_parts
    from pipeline.phrases import build_phrases

    out = config.output.processed_dir
    meta = combine_parts(out)
    tokens = pd.read_parquet(out / "tokens.parquet")
    noun_chunks = pd.read_parquet(out / "noun_chunks.parquet")
    phrases = build_phrases(tokens, noun_chunks, config=config.phrases)
    meta = dict(meta) | {"phrases": len(phrases)}
    # Cache hits differ between a cold and a warm run of the same inputs: they belong to this
    # run's summary (stamp and manifest), not to the reproducible nlp_meta.json.
    run_counts = {key: meta.pop(key) for key in RUN_DEPENDENT_NLP_KEYS if key in meta}
    paths = [out / f"{name}.parquet" for name in ("sentences", "tokens", "entities", "noun_chunks")]
    paths.append(write_parquet(phrases, out / "phrases.parquet"))
    paths.append(write_json(meta, out / "nlp_meta.json"))
    return _finish(config, "nlp", paths, meta | run_counts | {"shards": len(shard_meta)})


# --- analyses -----------------------------------------------------------------------------------


# The token columns each analysis reads: loading only these keeps its peak memory down
# (the tokens table is the largest thing in memory after spaCy).
TOKEN_COLUMNS = {
    "topics": ["doc_id", "sent_id", "token_id", "start_char", "norm", "pos", "is_stop", "is_alpha"],
    "classify": ["doc_id", "sent_id", "token_id", "norm", "is_punct"],
}


def _read_processed(config: Config, *names: str, token_columns: list[str] | None = None) -> dict[str, pd.DataFrame]:
    out = config.output.processed_dir
    return {
        name: pd.read_parquet(out / f"{name}.parquet", columns=token_columns if name == "tokens" else None)
        for name in names
    }


def _write_analysis(
    config: Config, stage: str, tables: Mapping[str, pd.DataFrame], summary: Mapping[str, Any]
) -> StageResult:
    paths: list[Path] = []
    for name in sorted(tables):
        paths.extend(write_table(tables[name], config.output.tables_dir / name))
    return _finish(config, stage, paths, {"tables": sorted(tables), **summary})


def run_stats(config: Config) -> StageResult:
    """Frequencies, keyness, collocations, concordances, leadership versus management."""
    from pipeline.stats import corpus_statistics

    data = _read_processed(config, "documents", "sentences", "tokens", "phrases")
    tables = corpus_statistics(
        data["tokens"],
        data["documents"],
        data["sentences"],
        data["phrases"],
        config=config.stats,
        normalise=config.normalise,
    )
    return _write_analysis(config, "stats", tables, {})


def run_topics(config: Config) -> StageResult:
    """gensim LDA and scikit-learn NMF over a k range, chosen by coherence."""
    from pipeline.topics import topic_models

    data = _read_processed(config, "documents", "tokens", "phrases", token_columns=TOKEN_COLUMNS["topics"])
    tables = topic_models(
        data["tokens"],
        data["documents"],
        data["phrases"],
        config=config.topics,
        normalise=config.normalise,
        seed=config.run.seed,
        work_dir=config.output.processed_dir / "topics_work",
    )
    return _write_analysis(config, "topics", tables, {})


def run_classify(config: Config) -> StageResult:
    """Framing classification with the annotations named in the config."""
    from pipeline.classify import framing_analysis, read_annotations

    data = _read_processed(config, "documents", "sentences", "tokens", token_columns=TOKEN_COLUMNS["classify"])
    labels_file = config.classify.labels_file
    annotations = read_annotations(labels_file) if labels_file else None
    tables = framing_analysis(
        data["sentences"],
        data["tokens"],
        data["documents"],
        annotations,
        config=config.classify,
        seed=config.run.seed,
    )
    return _write_analysis(config, "classify", tables, {})


# --- report -------------------------------------------------------------------------------------


def run_report(config: Config) -> StageResult:
    """Charts, the self-contained HTML report and the DuckDB file."""
    from pipeline.report import build_report

    paths = build_report(
        processed_dir=config.output.processed_dir,
        tables_dir=config.output.tables_dir,
        reports_dir=config.output.reports_dir,
        config=config,
        codebook_path=CODEBOOK,
    )
    return _finish(config, "report", paths, {})
