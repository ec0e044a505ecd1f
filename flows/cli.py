"""The ``ldp`` command line: run the pipeline or one stage, classify, reproduce a run."""

from __future__ import annotations

import json
import logging
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

import pipeline
from pipeline.config import DEFAULT_CONFIG, Config, ConfigError, load_config

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
console = Console(stderr=True)

ConfigOption = Annotated[Path, typer.Option("--config", "-c", help="TOML run configuration.")]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ldp {pipeline.__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log the library's progress.")] = False,
) -> None:
    """Leadership Discourse Pipeline."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )


def _load(path: Path) -> Config:
    """Validate the configuration before any work, exiting with the bad key named."""
    try:
        return load_config(path)
    except ConfigError as error:
        console.print(f"[red]configuration error[/red] {error}")
        raise typer.Exit(2) from None


@app.command()
def run(
    config: ConfigOption = DEFAULT_CONFIG,
    fresh: Annotated[bool, typer.Option("--fresh", help="Ignore every cache and recompute.")] = False,
) -> None:
    """Run the whole pipeline (ingest, nlp, analyse, report) and write the manifest."""
    cfg = _load(config)
    from flows.pipeline import ldp_pipeline

    started = datetime.now(UTC)
    result = ldp_pipeline(config_path=str(config), fresh=fresh)
    _summary(cfg, result, seconds=(datetime.now(UTC) - started).total_seconds())


@app.command()
def ingest(
    path: Annotated[Path, typer.Argument(help="A corpus file or folder.")],
    config: ConfigOption = DEFAULT_CONFIG,
    fmt: Annotated[str, typer.Option("--format", "-f", help="Format, or auto.")] = "auto",
    corpus: Annotated[str | None, typer.Option(help="Corpus label (default: the folder name).")] = None,
    out: Annotated[Path | None, typer.Option(help="Output folder for the documents table.")] = None,
) -> None:
    """Read one corpus into the documents table (quarantine and summary beside it)."""
    from flows.pipeline import run_groups
    from pipeline.config import config_from_dict

    data = _load(config).as_dict()
    data["corpus"] |= {"path": str(path.resolve()), "format": fmt, "name": corpus or _label(path)}
    if out is not None:
        data["output"]["processed_dir"] = str(out.resolve())
    try:
        cfg = config_from_dict(data, origin="command line")
    except ConfigError as error:
        console.print(f"[red]configuration error[/red] {error}")
        raise typer.Exit(2) from None
    result = run_groups(cfg, groups=["ingest"], fresh=False)["ingest"]
    _print_mapping("ingest summary", {k: v for k, v in result["summary"].items() if not isinstance(v, dict | list)})
    for name in result["outputs"]:
        typer.echo(name)


def _label(path: Path) -> str:
    import re

    stem = path.resolve().name.split(".")[0] or "corpus"
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", stem)


@app.command()
def classify(
    labels: Annotated[Path, typer.Option("--labels", help="CSV of text,label or doc_id,sent_id,label.")],
    config: ConfigOption = DEFAULT_CONFIG,
    out: Annotated[Path, typer.Option(help="Folder for the model, its card and predictions.")] = Path(
        "reports/classifier"
    ),
) -> None:
    """Train and evaluate a classifier on your own labels; save it with skops and a model card."""
    from pipeline.classify import classify_command

    cfg = _load(config)
    processed = cfg.output.processed_dir
    try:
        result = classify_command(
            labels,
            sentences_path=processed / "sentences.parquet",
            tokens_path=processed / "tokens.parquet",
            out_dir=out,
            config=cfg.classify,
            seed=cfg.run.seed,
        )
    except (ValueError, FileNotFoundError) as error:
        console.print(f"[red]cannot train[/red] {error}")
        raise typer.Exit(2) from None
    _print_mapping("classifier", {k: v for k, v in result.items() if not isinstance(v, dict | list)})


@app.command()
def report(config: ConfigOption = DEFAULT_CONFIG) -> None:
    """Rebuild charts, report.html and ldp.duckdb from the analysis tables."""
    from flows.pipeline import run_groups

    cfg = _load(config)
    result = run_groups(cfg, groups=["report"], fresh=True)["report"]
    for name in result["outputs"]:
        typer.echo(name)


@app.command()
def reproduce(
    manifest: Annotated[Path, typer.Argument(help="A manifest.json written by `ldp run`.")],
    keep: Annotated[Path | None, typer.Option(help="Keep the rerun in this folder.")] = None,
) -> None:
    """Rerun the pipeline from a manifest in a clean folder and compare every output's bytes."""
    from flows.pipeline import ldp_pipeline
    from pipeline.reproduce import prepare_reproduction, reproduction_verdict

    recorded = json.loads(manifest.read_text(encoding="utf-8"))
    work = Path(keep).resolve() if keep else Path(tempfile.mkdtemp(prefix="ldp-reproduce-"))
    try:
        config_path, problems = prepare_reproduction(recorded, source_root=Path.cwd(), work=work)
    except ConfigError as error:
        console.print(f"[red]configuration error[/red] {error}")
        raise typer.Exit(2) from None
    for problem in problems:
        console.print(f"[yellow]input[/yellow] {problem}")
    ldp_pipeline(config_path=str(config_path), fresh=True, root=str(work))
    comparison, summary = reproduction_verdict(recorded, work=work, problems=problems)
    table = Table(title=f"reproduction of {manifest}")
    for column in ("path", "status"):
        table.add_column(column)
    for row in comparison.itertuples(index=False):
        style = "green" if row.status.startswith(("match", "differs (expected)")) else "red"
        table.add_row(row.path, f"[{style}]{row.status}[/{style}]")
    Console(stderr=True).print(table)
    summary["folder"] = str(work) if keep else None
    typer.echo(json.dumps(summary))
    if not keep:
        shutil.rmtree(work, ignore_errors=True)
    if not summary["ok"]:
        raise typer.Exit(1)


@app.command(name="config")
def show_config(
    config: ConfigOption = DEFAULT_CONFIG,
    explain: Annotated[bool, typer.Option("--explain", help="Describe every parameter.")] = False,
) -> None:
    """Print the run configuration (validated), or with --explain every parameter and its meaning."""
    from pipeline.config import explain as explain_parameters

    cfg = _load(config)
    if not explain:
        typer.echo(json.dumps(cfg.as_dict(), indent=2, sort_keys=True))
        return
    table = Table(title=f"parameters of {config}")
    for column in ("key", "value", "default", "meaning"):
        table.add_column(column, overflow="fold")
    for key, value, default, description in explain_parameters(cfg):
        shown = json.dumps(value, default=str)
        table.add_row(key, shown, "" if value == default else json.dumps(default, default=str), description)
    Console().print(table)


def _print_mapping(title: str, data: dict[str, Any]) -> None:
    table = Table(title=title, show_header=False)
    table.add_column("key")
    table.add_column("value", justify="right")
    for key in sorted(data):
        table.add_row(key, str(data[key]))
    Console().print(table)


def _summary(cfg: Config, result: dict[str, Any], *, seconds: float) -> None:
    """One screen: documents, tokens, topics, outputs."""
    stages_ = result["stages"]
    ingest_summary = stages_["ingest"]["summary"]
    nlp_summary = stages_["nlp"]["summary"]
    figures = {
        "documents": ingest_summary.get("documents_written"),
        "quarantined records": ingest_summary.get("quarantined"),
        "duplicates collapsed": ingest_summary.get("duplicates_collapsed"),
        "sentences": nlp_summary.get("sentences"),
        "tokens": nlp_summary.get("tokens"),
        "spaCy pipeline": f"{nlp_summary.get('model')} {nlp_summary.get('model_version', '')}".strip(),
        "analysis tables": sum(len(stages_[n]["summary"].get("tables", [])) for n in ("stats", "topics", "classify")),
        "outputs written": sum(len(s["outputs"]) for s in stages_.values()),
        "manifest": result["manifest"],
        "report": str(cfg.output.reports_dir / "report.html"),
        "seconds": f"{seconds:.1f}",
    }
    topics_info = cfg.output.tables_dir / "topic_model_info.parquet"
    if topics_info.is_file():
        import pandas as pd

        info = pd.read_parquet(topics_info)
        chosen = info.loc[info["key"] == "chosen_k", "value"]
        if len(chosen):
            figures["topics (chosen k)"] = chosen.iloc[0]
    _print_mapping("ldp run", figures)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
