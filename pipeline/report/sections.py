"""The report's sections, each built from whichever of its tables this run produced.

A section shows what exists and says "not computed in this run" for what does not; optional
columns are looked up, never assumed. Tables no section uses go to the "Other tables" appendix.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
from markupsafe import Markup
from matplotlib.figure import Figure as MplFigure

from pipeline.config import ReportConfig
from pipeline.report import charts
from pipeline.report.blocks import Figure, Heading, Missing, Paragraph, Prose, Row, Section, table_block
from pipeline.report.database import EXAMPLE_QUERIES
from pipeline.report.html import concordance_block

logger = logging.getLogger(__name__)

__all__ = ["ReportContext", "TableStore", "build_sections"]

MAX_PANELS = 8
PANEL_COLUMNS = ["term", "count", "per_million", "doc_freq"]
DOCUMENT_COLUMNS = ("doc_id", "corpus", "source", "doc_type", "title", "author", "date", "year", "n_chars", "dup_of")


class TableStore:
    """The analysis tables of a run, read on first use; remembers which were used."""

    def __init__(self, tables_dir: Path, *, root: Path) -> None:
        self.tables_dir = Path(tables_dir)
        self.root = Path(root)
        self.paths = {p.stem: p for p in sorted(self.tables_dir.glob("*.parquet"))} if self.tables_dir.is_dir() else {}
        self.used: set[str] = set()
        self._cache: dict[str, pd.DataFrame] = {}

    def names(self, prefix: str = "") -> list[str]:
        """Names of the available tables starting with ``prefix``, sorted."""
        return sorted(n for n in self.paths if n.startswith(prefix))

    def get(self, name: str) -> pd.DataFrame | None:
        """The table ``name``, or ``None`` if this run did not write it (or it is unreadable)."""
        if name not in self.paths:
            return None
        self.used.add(name)
        if name not in self._cache:
            try:
                self._cache[name] = pd.read_parquet(self.paths[name])
            except (OSError, ValueError) as error:  # a corrupt table must not sink the report
                logger.warning("cannot read table %s: %s", self.paths[name], error)
                return None
        return self._cache[name]

    def source(self, name: str) -> str:
        """The CSV (else Parquet) file of table ``name``, relative to the report root."""
        parquet = self.paths[name]
        csv = parquet.with_suffix(".csv")
        return _relative(csv if csv.exists() else parquet, self.root)


def _relative(path: Path, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()


@dataclass
class ReportContext:
    """Everything the sections read, and where charts are written."""

    store: TableStore
    options: ReportConfig
    charts_dir: Path
    reports_dir: Path
    root: Path
    documents: pd.DataFrame | None = None
    documents_source: str | None = None
    quarantine: pd.DataFrame | None = None
    quarantine_source: str | None = None
    ingest_summary: Mapping[str, Any] | None = None
    ingest_summary_source: str | None = None
    nlp_meta: Mapping[str, Any] | None = None
    config: Mapping[str, Any] = field(default_factory=dict)
    codebook_href: str | None = None
    chart_paths: list[Path] = field(default_factory=list)

    def figure(self, name: str, figure: MplFigure | None, *, title: str, alt: str) -> Figure | None:
        """Save ``figure`` as ``charts/NAME.png|svg`` and return its block (``None`` if no figure)."""
        if figure is None:
            return None
        # names carry model or comparison names from tables: keep file names to a safe alphabet
        paths = charts.save_figure(
            figure, self.charts_dir / (re.sub(r"[^A-Za-z0-9_-]+", "_", name).strip("_") or "chart")
        )
        self.chart_paths.extend(paths)
        return Figure.from_files(paths, title=title, alt=alt, relative_to=self.reports_dir)

    def table(
        self,
        frame: pd.DataFrame,
        *,
        title: str,
        source: str | None,
        columns: list[str] | None = None,
        top_n: int | None = None,
    ) -> Any:
        """A truncated table block with this report's options (a note if the table is empty)."""
        if frame.empty:
            where = f" ({source})" if source else ""
            return Paragraph(f"{title}: the table is empty in this run{where}.")
        return table_block(
            frame,
            title=title,
            source=source,
            top_n=top_n or self.options.top_n,
            columns=columns,
            max_chars=self.options.max_cell_chars,
        )

    def stored(
        self,
        name: str,
        *,
        title: str,
        sort: Sequence[str] = (),
        ascending: Sequence[bool] | bool = True,
        columns: list[str] | None = None,
    ) -> Any:
        """A table block for stored table ``name`` (sorted by ``sort`` where present), or Missing."""
        frame = self.store.get(name)
        if frame is None:
            return Missing(f"{title} (table {name})")
        keys = [c for c in sort if c in frame.columns]
        if keys:
            order = (
                ascending
                if isinstance(ascending, bool)
                else [a for c, a in zip(sort, ascending, strict=True) if c in frame.columns]
            )
            frame = frame.sort_values(keys, ascending=order, kind="mergesort")
        return self.table(frame, title=title, source=self.store.source(name), columns=columns)


def _add(blocks: list[Any], block: Any) -> None:
    if block is not None:
        blocks.append(block)


def _count_table(values: pd.Series, name: str) -> pd.DataFrame:
    counts = values.fillna("(missing)").astype(str).value_counts().rename_axis(name).reset_index(name="documents")
    share = counts["documents"] / max(1, int(counts["documents"].sum()))
    counts["share"] = share.map(lambda v: f"{v:.1%}")
    return counts.sort_values(["documents", name], ascending=[False, True], kind="mergesort")


def corpus_section(ctx: ReportContext) -> Section:
    """Documents by type and source, lengths, the ingest summary and the quarantine."""
    section = Section("corpus", "Corpus overview")
    blocks = section.blocks
    docs = ctx.documents
    if docs is None:
        blocks.append(Missing("The document table (data/processed/documents.parquet)"))
    else:
        n_chars = (
            pd.to_numeric(docs["n_chars"], errors="coerce") if "n_chars" in docs.columns else pd.Series(dtype=float)
        )
        dup = int(docs["dup_of"].notna().sum()) if "dup_of" in docs.columns else 0
        text = f"The corpus holds {len(docs):,} documents"
        if "source" in docs.columns:
            text += f" from {docs['source'].nunique():,} source files"
        if not n_chars.empty and n_chars.notna().any():
            text += f", {int(n_chars.sum()):,} characters in all (median {n_chars.median():,.0f} per document)"
        text += f"; {dup:,} are flagged as near-duplicates of an earlier document."
        blocks.append(Paragraph(text))
        _add(
            blocks,
            ctx.figure(
                "documents_by_type",
                charts.documents_by_type_chart(docs),
                title="Documents by type and by source",
                alt="Bar charts of the number of documents per document type and per source file",
            ),
        )
        _add(
            blocks,
            ctx.figure(
                "document_lengths",
                charts.document_lengths_chart(docs),
                title="Distribution of document lengths",
                alt="Histogram of document lengths in characters on a log scale, by document type",
            ),
        )
        row = []
        for column, title in (("doc_type", "Documents by type"), ("source", "Documents by source")):
            if column in docs.columns:
                row.append(ctx.table(_count_table(docs[column], column), title=title, source=ctx.documents_source))
        if "corpus" in docs.columns and docs["corpus"].nunique() > 1:
            row.append(
                ctx.table(
                    _count_table(docs["corpus"], "corpus"), title="Documents by corpus", source=ctx.documents_source
                )
            )
        if row:
            blocks.append(Row(tuple(row)))
        listing = docs.sort_values("doc_id", kind="mergesort") if "doc_id" in docs.columns else docs
        blocks.append(
            ctx.table(
                listing,
                title="Documents",
                source=ctx.documents_source,
                columns=["doc_id", "doc_type", "title", "author", "date", "n_chars", "dup_of"],
            )
        )
    blocks.append(Heading("Ingest summary"))
    summary = ctx.ingest_summary
    if summary is None:
        blocks.append(Missing("The ingest summary (ingest_summary.json)"))
    else:
        scalars = [(k, v) for k, v in sorted(summary.items()) if not isinstance(v, Mapping | list)]
        blocks.append(
            ctx.table(
                pd.DataFrame(scalars, columns=["measure", "value"]),
                title="Ingest counts",
                source=ctx.ingest_summary_source,
                top_n=max(ctx.options.top_n, len(scalars)),
            )
        )
        breakdowns = []
        for key, value in sorted(summary.items()):
            if isinstance(value, Mapping) and value:
                breakdowns.append(
                    ctx.table(
                        _breakdown(value, key),
                        title=f"Ingest {key.replace('_', ' ')}",
                        source=ctx.ingest_summary_source,
                    )
                )
        if breakdowns:
            blocks.append(Row(tuple(breakdowns)))
    blocks.append(Heading("Quarantine"))
    if ctx.quarantine is None:
        blocks.append(Missing("The quarantine list (quarantine.csv)"))
    elif ctx.quarantine.empty:
        blocks.append(Paragraph("No record was quarantined."))
    else:
        quarantine = ctx.quarantine
        blocks.append(
            Paragraph(
                f"{len(quarantine):,} records or files were set aside rather than guessed at; each row gives the reason."
            )
        )
        if "reason" in quarantine.columns:
            reasons = (
                quarantine["reason"]
                .fillna("(missing)")
                .astype(str)
                .value_counts()
                .rename_axis("reason")
                .reset_index(name="records")
            )
            reasons = reasons.sort_values(["records", "reason"], ascending=[False, True], kind="mergesort")
            blocks.append(ctx.table(reasons, title="Quarantined records by reason", source=ctx.quarantine_source))
        blocks.append(ctx.table(quarantine, title="Quarantined records", source=ctx.quarantine_source))
    return section


def _breakdown(value: Mapping[str, Any], key: str) -> pd.DataFrame:
    """Turn a ``{name: number}`` or ``{name: {measure: number}}`` mapping into a table."""
    rows = []
    for name, item in sorted(value.items(), key=lambda kv: str(kv[0])):
        if isinstance(item, Mapping):
            rows.append(
                {
                    key: name,
                    **{
                        k: (json.dumps(v, sort_keys=True) if isinstance(v, Mapping | list) else v)
                        for k, v in sorted(item.items())
                    },
                }
            )
        else:
            rows.append({key: name, "count": item})
    return pd.DataFrame(rows)


def frequency_section(ctx: ReportContext) -> Section:
    """The most frequent lemmas, words and phrases, overall and by document type."""
    section = Section("frequencies", "Frequencies")
    section.blocks.append(
        Paragraph(
            "Counts are normalised per million tokens; doc_freq is the number of documents a term occurs in, "
            "and DP (Gries 2008) measures how unevenly it is dispersed over documents (0 = even, 1 = in one place)."
        )
    )
    tables = [
        ctx.stored(name, title=title, sort=("count", "term"), ascending=(False, True))
        for name, title in (
            ("freq_lemma", "Most frequent lemmas"),
            ("freq_word", "Most frequent words"),
            ("freq_phrase", "Most frequent phrases"),
        )
    ]
    content = ctx.stored(
        "freq_content_lemma",
        title="Most frequent content lemmas (stop words removed)",
        sort=("count", "term"),
        ascending=(False, True),
    )
    section.blocks.append(Row((content, tables[2])))
    section.blocks.append(Row(tuple(tables[:2])))
    for name in [n for n in ctx.store.names("freq_") if "_by_" in n]:
        frame = ctx.store.get(name)
        if frame is None:
            continue
        unit, group = name.removeprefix("freq_").split("_by_", 1)
        section.blocks.append(Heading(f"{unit.capitalize()} frequencies by {group.replace('_', ' ')}"))
        keys = [c for c in ("count", "term") if c in frame.columns]
        order = [k != "count" for k in keys]
        n_groups = frame[group].nunique() if group in frame.columns else 0
        if n_groups == 1:
            section.blocks.append(
                Paragraph(
                    f"Only one {group.replace('_', ' ')} in this run: the counts are those above (full table: {ctx.store.source(name)})."
                )
            )
        elif group in frame.columns and 1 < n_groups <= MAX_PANELS:
            panels = []
            for value in sorted(frame[group].dropna().unique(), key=str):
                rows = (
                    frame[frame[group] == value].sort_values(keys, ascending=order, kind="mergesort")
                    if keys
                    else frame[frame[group] == value]
                )
                panels.append(
                    ctx.table(
                        rows,
                        title=f"{group}: {value}",
                        source=ctx.store.source(name),
                        columns=PANEL_COLUMNS,
                        top_n=min(ctx.options.top_n, 10),
                    )
                )
            section.blocks.append(Row(tuple(panels)))
        else:
            keys = [c for c in (group, "count", "term") if c in frame.columns]
            ordered = (
                frame.sort_values(keys, ascending=[k != "count" for k in keys], kind="mergesort") if keys else frame
            )
            section.blocks.append(
                ctx.table(ordered, title=f"{unit.capitalize()} frequencies by {group}", source=ctx.store.source(name))
            )
    return section


KEYNESS_METHOD = Markup(
    '<p class="note">Keyness compares a target sub-corpus with a reference. '
    "<strong>Log-likelihood G\u00b2</strong> (Rayson &amp; Garside 2000) tests whether a term's frequency differs "
    "between the two; a term counts as key when its p-value is below 0.05 after a "
    "<strong>Bonferroni</strong> correction for the number of terms tested. Effect size is given by Hardie's (2014) "
    "<strong>Log Ratio</strong> (the binary log of the ratio of relative frequencies: +1 means twice as frequent in the "
    "target) and by <strong>%DIFF</strong> (Gabrielatos &amp; Marchi 2012), the percentage difference of the "
    "normalised frequencies. Positive keywords are over-used in the target, negative ones in the reference.</p>"
)


def keyness_section(ctx: ReportContext) -> Section:
    """One chart and table per ``keyness_<name>`` comparison."""
    section = Section("keyness", "Keyness")
    section.blocks.append(Prose(KEYNESS_METHOD))
    names = ctx.store.names("keyness_")
    if not names:
        section.blocks.append(Missing("Keyness comparisons (tables keyness_*)"))
    for name in names:
        frame = ctx.store.get(name)
        if frame is None:
            continue
        comparison = name.removeprefix("keyness_").replace("_", " ")
        section.blocks.append(Heading(f"Comparison: {comparison}"))
        if "significant" in frame.columns:
            n_key = int(frame["significant"].fillna(False).astype(bool).sum())
            section.blocks.append(
                Paragraph(f"{n_key:,} of {len(frame):,} terms are significant after the Bonferroni correction.")
            )
        _add(
            section.blocks,
            ctx.figure(
                name,
                charts.keyness_chart(frame, top=ctx.options.top_terms, title=f"Top keywords: {comparison}"),
                title=f"Keywords by log-likelihood, {comparison} (LR = Log Ratio)",
                alt=f"Diverging bar chart of the strongest positive and negative keywords for {comparison}",
            ),
        )
        section.blocks.append(
            ctx.stored(
                name,
                title=f"Keywords, {comparison}, by G\u00b2",
                sort=("log_likelihood", "term"),
                ascending=(False, True),
            )
        )
    return section


def _family_nodes(ctx: ReportContext, collocations: pd.DataFrame) -> list[str]:
    families: list[str] = []
    for name in ("family_rates_by_doc_type", "family_rates_by_source"):
        rates = ctx.store.get(name)
        if rates is not None and "family" in rates.columns:
            families.extend(str(f) for f in rates["family"].dropna().unique())
    nodes = sorted(collocations["node"].dropna().astype(str).unique())
    preferred = [n for n in sorted(set(families)) if n in nodes]
    return preferred or nodes


def collocation_section(ctx: ReportContext) -> Section:
    """Collocates of each node, by logDice, with MI, t-score and G\u00b2 in the table."""
    section = Section("collocations", "Collocations")
    section.blocks.append(
        Paragraph(
            "Collocates are counted in a window around each node. logDice (Rychl\u00fd 2008) ranks them by the strength of "
            "association, independent of corpus size (maximum 14); MI (Church & Hanks 1990) favours rare pairs, the "
            "t-score favours frequent ones, and G\u00b2 tests the association."
        )
    )
    frame = ctx.store.get("collocations")
    if frame is None:
        section.blocks.append(Missing("Collocations (table collocations)"))
        return section
    if {"node", "collocate", "log_dice"} <= set(frame.columns):
        nodes = _family_nodes(ctx, frame)
        for start in range(0, min(len(nodes), 9), 3):
            chunk = nodes[start : start + 3]
            _add(
                section.blocks,
                ctx.figure(
                    f"collocates_{start // 3 + 1}",
                    charts.collocates_chart(frame, nodes=chunk, top=ctx.options.top_terms),
                    title=f"Strongest collocates of {', '.join(chunk)} by logDice",
                    alt=f"Bar charts of the collocates of {', '.join(chunk)} ranked by logDice",
                ),
            )
        ordered = frame.sort_values(["node", "log_dice", "collocate"], ascending=[True, False, True], kind="mergesort")
    else:
        ordered = frame
    section.blocks.append(ctx.table(ordered, title="Collocations", source=ctx.store.source("collocations")))
    return section


def families_section(ctx: ReportContext) -> Section:
    """Leadership versus management: rates by group, collocate profiles and modifiers."""
    section = Section("families", "Leadership versus management")
    blocks = section.blocks
    blocks.append(
        Paragraph(
            "Each family gathers the word forms of one concept (e.g. lead, leader, leadership versus manage, manager, "
            "management). Rates are occurrences per million tokens within each group."
        )
    )
    for name, label in (("family_rates_by_doc_type", "document type"), ("family_rates_by_source", "source")):
        rates = ctx.store.get(name)
        blocks.append(Heading(f"Rates by {label}"))
        if rates is None:
            blocks.append(Missing(f"Family rates by {label} (table {name})"))
            continue
        _add(
            blocks,
            ctx.figure(
                name,
                charts.family_rates_chart(rates, group_label=label),
                title=f"Family rates per million tokens by {label}",
                alt=f"Grouped bar chart of leadership and management rates by {label}",
            ),
        )
        ordered = (
            rates.sort_values([c for c in ("group", "family") if c in rates.columns], kind="mergesort")
            if {"group", "family"} & set(rates.columns)
            else rates
        )
        blocks.append(ctx.table(ordered, title=f"Family rates by {label}", source=ctx.store.source(name)))
    blocks.append(Heading("Collocate profiles side by side"))
    compared = ctx.store.get("family_collocates_compared")
    if compared is None:
        blocks.append(Missing("Family collocate comparison (table family_collocates_compared)"))
    else:
        _add(
            blocks,
            ctx.figure(
                "collocate_profiles",
                charts.collocate_profiles_chart(compared, top=ctx.options.top_terms),
                title="Collocates of the two families side by side (logDice)",
                alt="Grouped bar chart comparing the logDice of each collocate with the two families",
            ),
        )
        keys = [c for c in ("label", "log_dice_diff", "collocate") if c in compared.columns]
        # "shared" before "only_*": the collocates both families have come first
        ordered = (
            compared.sort_values(keys, ascending=[k == "collocate" for k in keys], kind="mergesort")
            if keys
            else compared
        )
        shown = [
            c
            for c in (
                "collocate",
                "label",
                "node_a",
                "node_b",
                "observed_a",
                "observed_b",
                "log_dice_a",
                "log_dice_b",
                "log_dice_diff",
            )
            if c in compared.columns
        ]
        blocks.append(
            ctx.table(
                ordered,
                title="Collocates compared between families (a, b: the two families)",
                source=ctx.store.source("family_collocates_compared"),
                columns=shown if len(shown) >= 3 else None,
            )
        )
    blocks.append(Heading("Modifiers and grammatical relations"))
    grammar = ctx.store.get("grammatical_collocates")
    if grammar is None:
        blocks.append(Missing("Grammatical collocates (table grammatical_collocates)"))
    else:
        family = charts.first_column(grammar, ("node_family", "family", "node"))
        if family is not None:
            panels = []
            for value in sorted(grammar[family].dropna().astype(str).unique()):
                rows = grammar[grammar[family].astype(str) == value]
                keys = [c for c in ("count", "relation", "collocate") if c in rows.columns]
                rows = rows.sort_values(keys, ascending=[k != "count" for k in keys], kind="mergesort")
                panels.append(
                    ctx.table(
                        rows.drop(columns=[family]), title=f"{value}", source=ctx.store.source("grammatical_collocates")
                    )
                )
            blocks.append(Row(tuple(panels)))
        else:
            blocks.append(
                ctx.table(grammar, title="Grammatical collocates", source=ctx.store.source("grammatical_collocates"))
            )
    cooc = ctx.store.get("family_cooccurrence")
    blocks.append(Heading("Sentences using both families"))
    if cooc is None:
        blocks.append(Missing("Family co-occurrence (table family_cooccurrence)"))
    else:
        first = [c for c in ("doc_type", "text") if c in cooc.columns] + [
            c for c in cooc.columns if str(c).endswith("_terms")
        ]
        blocks.append(
            ctx.table(
                cooc,
                title="Sentences where leadership and management co-occur",
                source=ctx.store.source("family_cooccurrence"),
                columns=first + [c for c in cooc.columns if c not in first],
            )
        )
    return section


SMALL_CORPUS_NOTE = (
    "Topic models need many documents: on a small corpus (tens of documents) topics are unstable, coherence "
    "scores are noisy and a different seed or k can change them. Read the topics as a description of this "
    "corpus, not as evidence of themes in the wider literature."
)


def topics_section(ctx: ReportContext) -> Section:
    """Top terms, prevalence by document type, coherence by k and the model settings."""
    section = Section("topics", "Topics")
    blocks = section.blocks
    info = ctx.store.get("topic_model_info")
    n_docs = len(ctx.documents) if ctx.documents is not None else None
    note = (
        SMALL_CORPUS_NOTE
        if n_docs is None
        else f"This run modelled a corpus of {n_docs:,} documents. " + SMALL_CORPUS_NOTE
    )
    blocks.append(Prose(Markup('<p class="note">{}</p>').format(note)))
    if info is not None:
        blocks.append(
            ctx.table(
                info,
                title="Topic model settings",
                source=ctx.store.source("topic_model_info"),
                top_n=max(ctx.options.top_n, len(info)),
            )
        )
    terms = ctx.store.get("topic_terms")
    summary = ctx.store.get("topic_summary")
    blocks.append(Heading("Top terms per topic"))
    if terms is not None and {"topic", "term"} <= set(terms.columns):
        keys = [c for c in ("model", "topic", "rank") if c in terms.columns]
        ordered = terms.sort_values(keys, kind="mergesort")
        group = [c for c in ("model", "topic") if c in terms.columns]
        top = (
            ordered.groupby(group, sort=True)["term"]
            .apply(lambda s: ", ".join(str(t) for t in s.head(10)))
            .reset_index(name="top terms")
        )
        if summary is not None:
            extra = [c for c in summary.columns if c not in top.columns and c not in ("top_terms", "terms")]
            join = [c for c in group if c in summary.columns]
            if join:
                top = top.merge(summary[join + extra], on=join, how="left")
        blocks.append(
            ctx.table(top, title="Topics and their ten most weighted terms", source=ctx.store.source("topic_terms"))
        )
    elif summary is not None:
        blocks.append(ctx.table(summary, title="Topic summary", source=ctx.store.source("topic_summary")))
    else:
        blocks.append(Missing("Topic terms (table topic_terms)"))
    blocks.append(Heading("Prevalence by document type"))
    prevalence = ctx.store.get("topic_prevalence_by_doc_type")
    if prevalence is None:
        blocks.append(Missing("Topic prevalence by document type (table topic_prevalence_by_doc_type)"))
    else:
        models = sorted(prevalence["model"].astype(str).unique()) if "model" in prevalence.columns else [None]
        for model in models:
            rows = prevalence if model is None else prevalence[prevalence["model"].astype(str) == model]
            labels: dict[object, str] = {}
            if summary is not None and {"topic", "label"} <= set(summary.columns):
                lab = (
                    summary
                    if model is None or "model" not in summary.columns
                    else summary[summary["model"].astype(str) == model]
                )
                labels = {t: str(lbl) for t, lbl in zip(lab["topic"], lab["label"], strict=True) if pd.notna(lbl)}
            suffix = "" if model is None else f" ({model})"
            _add(
                blocks,
                ctx.figure(
                    f"topic_prevalence_{model or 'model'}",
                    charts.topic_prevalence_chart(
                        rows, labels=labels, title=f"Topic prevalence by document type{suffix}"
                    ),
                    title=f"Mean topic share by document type{suffix}",
                    alt=f"Heatmap of topic prevalence by document type{suffix}",
                ),
            )
        blocks.append(
            ctx.table(
                prevalence,
                title="Topic prevalence by document type",
                source=ctx.store.source("topic_prevalence_by_doc_type"),
            )
        )
    blocks.append(Heading("Coherence by number of topics"))
    coherence = ctx.store.get("coherence_by_k")
    if coherence is None:
        blocks.append(Missing("Coherence by k (table coherence_by_k)"))
    else:
        blocks.append(
            Paragraph(
                "c_v and c_npmi (R\u00f6der et al. 2015) are higher when a topic's top words co-occur; u_mass (Mimno et al. 2011) is a log ratio, higher (closer to zero) is better."
            )
        )
        _add(
            blocks,
            ctx.figure(
                "coherence_by_k",
                charts.coherence_chart(coherence),
                title="Coherence by k for each model",
                alt="Line charts of topic coherence against the number of topics, one line per model",
            ),
        )
        blocks.append(ctx.table(coherence, title="Coherence by k", source=ctx.store.source("coherence_by_k")))
    if "topic_matching" in ctx.store.paths:
        blocks.append(Heading("Matching topics across models"))
        blocks.append(
            Paragraph(
                "Each topic of one model is paired with its closest topic of the other by the Jaccard overlap of their top terms: topics found by both models are the more trustworthy."
            )
        )
        blocks.append(ctx.stored("topic_matching", title="Topics matched across models"))
    if ctx.store.get("doc_topics") is not None:
        blocks.append(ctx.stored("doc_topics", title="Document-topic shares"))
    return section


def classification_section(ctx: ReportContext) -> Section:
    """Metrics against baselines, the confusion matrices and framing by document type."""
    section = Section("classification", "Classification of framing")
    blocks = section.blocks
    if ctx.codebook_href:
        blocks.append(
            Prose(
                Markup(
                    '<p>Sentences are labelled with the framing categories defined in the <a href="{}">codebook</a>; '
                    "a classifier trained on the annotated sentences labels the rest.</p>"
                ).format(ctx.codebook_href)
            )
        )
    else:
        blocks.append(
            Paragraph(
                "Sentences are labelled with framing categories; a classifier trained on the annotated sentences labels the rest."
            )
        )
    blocks.append(
        ctx.stored(
            "framing_annotation_counts",
            title="Annotated sentences per label",
            sort=("count", "label"),
            ascending=(False, True),
        )
    )
    blocks.append(Heading("Metrics and baselines"))
    blocks.append(
        Paragraph(
            "Cross-validated scores (mean and spread over folds). Baseline models (e.g. majority class) show what a score means: a useful classifier beats them clearly."
        )
    )
    metrics = ctx.store.get("framing_metrics")
    if metrics is not None and {"model", "metric", "mean"} <= set(metrics.columns):
        overall = metrics[metrics["class"].isna()] if "class" in metrics.columns else metrics
        if not overall.empty:
            cell = overall["mean"].map(lambda v: "" if pd.isna(v) else f"{v:.3f}")
            if "std" in overall.columns:
                cell = cell + overall["std"].map(lambda v: "" if pd.isna(v) else f" \u00b1 {v:.3f}")
            summary = (
                overall.assign(cell=cell)
                .pivot_table(index="model", columns="metric", values="cell", aggfunc="first")
                .reset_index()
            )
            summary.columns.name = None
            blocks.append(
                ctx.table(
                    summary,
                    title="Overall scores by model (mean \u00b1 standard deviation over folds)",
                    source=ctx.store.source("framing_metrics"),
                )
            )
    blocks.append(
        ctx.stored("framing_metrics", title="Classifier metrics, all rows", sort=("metric", "class", "model"))
    )
    blocks.append(Heading("Confusion matrices"))
    confusion = ctx.store.get("framing_confusion")
    if confusion is None:
        blocks.append(Missing("Confusion matrix (table framing_confusion)"))
    else:
        models = sorted(confusion["model"].astype(str).unique()) if "model" in confusion.columns else [None]
        figures: list[Any] = []
        for model in models[:4]:
            rows = confusion if model is None else confusion[confusion["model"].astype(str) == model]
            title = "Confusion matrix" + ("" if model is None else f": {model}")
            _add(
                figures,
                ctx.figure(
                    f"confusion_{model or 'model'}",
                    charts.confusion_chart(rows, title=title),
                    title=title,
                    alt=f"Confusion matrix heatmap{'' if model is None else ' for ' + model}",
                ),
            )
        if figures:
            blocks.append(Row(tuple(figures)))
        blocks.append(ctx.table(confusion, title="Confusion counts", source=ctx.store.source("framing_confusion")))
    blocks.append(Heading("Framing by document type"))
    framing = ctx.store.get("framing_by_doc_type")
    if framing is None:
        blocks.append(Missing("Framing by document type (table framing_by_doc_type)"))
    else:
        _add(
            blocks,
            ctx.figure(
                "framing_by_doc_type",
                charts.framing_share_chart(framing),
                title="Share of each framing label by document type",
                alt="Stacked bar chart of framing label shares by document type",
            ),
        )
        blocks.append(
            ctx.table(framing, title="Framing by document type", source=ctx.store.source("framing_by_doc_type"))
        )
    for name, title in (("framing_docs", "Framing per document"), ("framing_sentences", "Labelled sentences")):
        if name in ctx.store.paths:
            blocks.append(ctx.stored(name, title=title))
    return section


def concordance_section(ctx: ReportContext) -> Section:
    """The interactive KWIC browser: search box, query filter, sort by left or right context."""
    section = Section("concordance", "Concordance browser")
    frame = ctx.store.get("concordance")
    if frame is None:
        section.blocks.append(Missing("The concordance (table concordance)"))
        return section
    section.blocks.append(
        Paragraph(
            "Every line shows a query term (node) in its context. Type to filter the lines, choose a query, and sort by the words left or right of the node to see its recurring patterns."
        )
    )
    section.blocks.append(
        concordance_block(
            frame,
            max_lines=ctx.options.concordance_max_lines,
            display_limit=ctx.options.concordance_display,
            source=ctx.store.source("concordance"),
        )
    )
    return section


def methods_section(ctx: ReportContext) -> Section:
    """The run's configuration and the NLP pipeline's description."""
    section = Section("methods", "Methods and parameters")
    section.blocks.append(Paragraph("The configuration this report was built with (every parameter of every stage):"))
    section.blocks.append(
        Prose(Markup("<pre>{}</pre>").format(json.dumps(dict(ctx.config), indent=2, sort_keys=True, default=str)))
    )
    section.blocks.append(Heading("NLP pipeline"))
    if ctx.nlp_meta is None:
        section.blocks.append(Missing("The NLP metadata (nlp_meta.json)"))
    else:
        section.blocks.append(
            Prose(Markup("<pre>{}</pre>").format(json.dumps(dict(ctx.nlp_meta), indent=2, sort_keys=True, default=str)))
        )
    return section


def reproduce_section(ctx: ReportContext) -> Section:
    """How to rerun the pipeline, check it against the manifest, and query the database."""
    section = Section("reproduce", "How to reproduce")
    section.blocks.append(
        Prose(
            Markup(
                "<p>Every output is listed with its SHA-256 checksum in <code>reports/manifest.json</code>, together with the "
                "inputs' checksums, the configuration, package versions, seeds and git commit. To rerun the pipeline from the "
                "same configuration and compare every output with the manifest:</p>"
                "<pre>.venv/bin/ldp run --config CONFIG.toml\n.venv/bin/ldp reproduce reports/manifest.json</pre>"
                "<p>Files marked as not reproducible in the manifest (the DuckDB database, whose file layout varies) hold the "
                "same rows but not the same bytes. All tables are also in <code>reports/ldp.duckdb</code>; for example, "
                "with the <code>duckdb</code> command line or Python package:</p>"
            )
        )
    )
    for name, sql in EXAMPLE_QUERIES.items():
        section.blocks.append(Prose(Markup("<pre>-- {}\n{}</pre>").format(name.replace("_", " "), sql)))
    return section


def other_tables_section(ctx: ReportContext) -> Section:
    """Every table no section used, truncated."""
    section = Section("other-tables", "Other tables")
    others = [n for n in ctx.store.names() if n not in ctx.store.used]
    if not others:
        section.blocks.append(Paragraph("Every table of this run is shown in a section above."))
    for name in others:
        section.blocks.append(ctx.stored(name, title=name))
    return section


SECTIONS: tuple[Callable[[ReportContext], Section], ...] = (
    corpus_section,
    frequency_section,
    keyness_section,
    collocation_section,
    families_section,
    topics_section,
    classification_section,
    concordance_section,
    methods_section,
    reproduce_section,
    other_tables_section,
)


def build_sections(
    ctx: ReportContext, builders: Iterable[Callable[[ReportContext], Section]] = SECTIONS
) -> list[Section]:
    """Build every section in order (the appendix last, so it sees which tables were used)."""
    return [build(ctx) for build in builders]


def read_documents(path: Path) -> pd.DataFrame | None:
    """Read the document table's display columns (not the text), or ``None`` if absent."""
    if not Path(path).exists():
        return None
    available = set(pq.read_schema(path).names)
    return pd.read_parquet(path, columns=[c for c in DOCUMENT_COLUMNS if c in available])
