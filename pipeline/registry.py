"""The stage registry: what every stage reads, writes and depends on, declared once.

Each :class:`Stage` names the config sections it reads, the artefacts of earlier stages it
reads, the artefacts it writes, and the files from outside the run it depends on (the corpus,
the hand labels, the codebook). Everything that used to be written down beside the flows is
derived from these declarations:

* the order and grouping of the flows (:func:`stage_groups`: a stage runs after every stage
  that writes what it reads; stages of one group run concurrently);
* a stage's cache key (:func:`stage_key`): its config sections, the sha256 of the outputs of
  the stages it reads from, the sha256 of its outside inputs and the library's source;
* the manifest's inputs (:func:`external_inputs`);
* an in-process run of any stage (:func:`run_stage`), for tests and the benchmarks.

The Prefect flows in ``flows/`` loop over :data:`REGISTRY`; they hold no stage knowledge.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline import stages
from pipeline.config import Config
from pipeline.digests import digest_files, sha256_file
from pipeline.stages import StageResult

__all__ = [
    "REGISTRY",
    "Shards",
    "Stage",
    "code_digest",
    "external_inputs",
    "get_stage",
    "run_all",
    "run_stage",
    "stage_groups",
    "stage_key",
    "upstream_of",
]

PIPELINE_ROOT = Path(__file__).resolve().parent


def _none(config: Config) -> list[Path]:
    return []


@dataclass(frozen=True)
class Shards:
    """How a sharded stage splits its work: the parts run independently, then ``Stage.run``
    combines them (it receives the parts' results)."""

    count: Callable[[Config], int]
    run: Callable[..., dict[str, Any]]
    size: Callable[..., int]


@dataclass(frozen=True)
class Stage:
    """One stage of the pipeline, as the flows, cache keys and manifest see it.

    Attributes:
        name: The stage's name (stamp ``.stage-NAME.json``, Prefect task name).
        group: The flow it runs in (``ldp-GROUP``); stages of one group run concurrently.
        sections: Config sections (or ``section.key``) the stage reads: a change elsewhere
            leaves its cache valid.
        reads: Artefacts of earlier stages it reads.
        writes: Artefacts it writes (table names; ``*`` ends a family of tables).
        run: ``run(config) -> StageResult``; for a sharded stage ``run(config, parts)``.
        external: Files from outside the run it reads (hashed into its key and the manifest).
        distributed: Runs on the configured task runner (Dask) rather than in the flow's process.
        shards: Set for a stage whose work is split into independent parts.
    """

    name: str
    group: str
    sections: tuple[str, ...]
    reads: tuple[str, ...]
    writes: tuple[str, ...]
    run: Callable[..., StageResult]
    external: Callable[[Config], list[Path]] = _none
    distributed: bool = False
    shards: Shards | None = None
    doc: str = field(default="", compare=False)


def _corpus(config: Config) -> list[Path]:
    return stages.corpus_files(config.corpus.path)


def _labels(config: Config) -> list[Path]:
    labels = config.classify.labels_file
    return [Path(labels)] if labels and Path(labels).is_file() else []


def _codebook(config: Config) -> list[Path]:
    return [stages.CODEBOOK] if stages.CODEBOOK.is_file() else []


def _nlp_shards(config: Config) -> int:
    return config.run.shards or (config.run.dask_workers if config.run.runner == "dask" else 1)


NLP_TABLES = ("sentences", "tokens", "entities", "noun_chunks", "phrases", "nlp_meta")
STATS_TABLES = ("freq_*", "keyness_*", "collocations", "grammatical_collocates", "concordance", "family_*")
TOPICS_TABLES = ("topic_*", "doc_topics", "coherence_by_k")
CLASSIFY_TABLES = ("framing_*",)

REGISTRY: tuple[Stage, ...] = (
    Stage(
        name="ingest",
        group="ingest",
        sections=("corpus", "output"),
        reads=(),
        writes=("documents", "quarantine", "ingest_summary"),
        run=stages.run_ingest,
        external=_corpus,
        doc="corpus files -> documents table, quarantine and summary",
    ),
    Stage(
        name="nlp",
        group="nlp",
        sections=("nlp", "phrases", "normalise", "output"),
        reads=("documents",),
        writes=NLP_TABLES,
        run=stages.combine_nlp,
        distributed=True,
        shards=Shards(count=_nlp_shards, run=stages.run_nlp_shard, size=stages.nlp_shard_size),
        doc="documents -> sentences, tokens, entities, noun chunks, phrases",
    ),
    Stage(
        name="stats",
        group="analyse",
        sections=("stats", "normalise", "output"),
        reads=("documents", "sentences", "tokens", "phrases"),
        writes=STATS_TABLES,
        run=stages.run_stats,
        distributed=True,
        doc="frequencies, keyness, collocations, concordances, leadership versus management",
    ),
    Stage(
        name="topics",
        group="analyse",
        sections=("topics", "normalise", "output", "run.seed"),
        reads=("documents", "tokens", "phrases"),
        writes=TOPICS_TABLES,
        run=stages.run_topics,
        distributed=True,
        doc="LDA and NMF over a k range, chosen by coherence",
    ),
    Stage(
        name="classify",
        group="analyse",
        sections=("classify", "output", "run.seed"),
        reads=("documents", "sentences", "tokens"),
        writes=CLASSIFY_TABLES,
        run=stages.run_classify,
        external=_labels,
        distributed=True,
        doc="framing classification of candidate sentences",
    ),
    Stage(
        name="report",
        group="report",
        # the report prints the whole configuration in its methods section
        sections=("corpus", "nlp", "phrases", "normalise", "stats", "topics", "classify", "report", "output", "run"),
        reads=("documents", "quarantine", "ingest_summary", *NLP_TABLES, *STATS_TABLES, *TOPICS_TABLES,
               *CLASSIFY_TABLES),
        writes=("charts", "report.html", "ldp.duckdb"),
        run=stages.run_report,
        external=_codebook,
        doc="charts, the self-contained HTML report and the DuckDB file",
    ),
)  # fmt: skip
"""Every stage, in an order where each comes after the stages it reads from."""


def get_stage(name: str) -> Stage:
    """The registered stage called ``name``."""
    for stage in REGISTRY:
        if stage.name == name:
            return stage
    raise KeyError(f"no stage {name!r} (stages: {', '.join(s.name for s in REGISTRY)})")


def upstream_of(stage: Stage) -> tuple[str, ...]:
    """Names of the earlier stages that write an artefact ``stage`` reads."""
    position = REGISTRY.index(stage)
    return tuple(s.name for s in REGISTRY[:position] if set(s.writes) & set(stage.reads))


def stage_groups() -> list[tuple[str, tuple[Stage, ...]]]:
    """The flows in order, each with its stages: ``[("ingest", (ingest,)), ..., ("report", ...)]``.

    Raises:
        ValueError: A stage reads from a stage of its own or of a later group.
    """
    groups: dict[str, list[Stage]] = {}
    for stage in REGISTRY:
        groups.setdefault(stage.group, []).append(stage)
    order = list(groups)
    for stage in REGISTRY:
        for name in upstream_of(stage):
            if order.index(get_stage(name).group) >= order.index(stage.group):
                raise ValueError(f"stage {stage.name} reads from {name}, which does not run before it")
    return [(name, tuple(members)) for name, members in groups.items()]


def code_digest(*, root: Path = PIPELINE_ROOT) -> str:
    """sha256 over the library's source, so a change of code invalidates cached stages."""
    return digest_files(root.rglob("*.py"), root=root)


def _section_values(config: Config, names: tuple[str, ...]) -> dict[str, Any]:
    data = config.as_dict()
    values = {}
    for name in names:
        section, _, key = name.partition(".")
        values[name] = data[section][key] if key else data[section]
    return values


def stage_key(stage: Stage, config: Config, upstream: Mapping[str, Mapping[str, str]], *, code: str) -> str:
    """Digest of everything a stage's outputs depend on.

    Args:
        stage: The stage.
        config: The run's configuration (only ``stage.sections`` enter the key).
        upstream: ``{stage name: {output path: sha256}}`` of the stages run before it; the
            outputs of the stages ``stage`` reads from enter the key.
        code: :func:`code_digest` of the library.
    """
    wanted = upstream_of(stage)
    payload = {
        "stage": stage.name,
        "sections": _section_values(config, stage.sections),
        "upstream": {name: dict(sorted(upstream[name].items())) for name in wanted if name in upstream},
        "external": {path.as_posix(): sha256_file(path) for path in sorted(stage.external(config))},
        "code": code,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def external_inputs(config: Config) -> list[Path]:
    """Every file from outside the run that some stage reads, sorted and without repeats."""
    return sorted({path for stage in REGISTRY for path in stage.external(config)})


def run_stage(config: Config, name: str) -> StageResult:
    """Run one stage in this process (a sharded stage's parts one after the other)."""
    stage = get_stage(name)
    if stage.shards is None:
        return stage.run(config)
    n_parts = stage.shards.count(config)
    parts = [stage.shards.run(config, shard=part, n_shards=n_parts) for part in range(n_parts)]
    return stage.run(config, parts)


def run_all(config: Config) -> dict[str, StageResult]:
    """Every stage in registry order, in this process (no Prefect)."""
    return {stage.name: run_stage(config, stage.name) for stage in REGISTRY}
