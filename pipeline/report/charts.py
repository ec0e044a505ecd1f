"""Charts for the report, drawn with matplotlib and saved as byte-identical PNG and SVG.

Each ``*_chart`` function takes the table it draws and returns a :class:`~matplotlib.figure.Figure`
(or ``None`` when the table lacks what the chart needs); :func:`save_figure` writes it. Every
figure is drawn inside :data:`STYLE` (Agg backend, DejaVu Sans bundled with matplotlib, fixed
sizes and dpi, a fixed SVG hash salt, no mathtext) and saved without date or software metadata,
so the same table gives the same bytes on every run.

Colours are the Okabe-Ito palette (Okabe & Ito 2008, "Color Universal Design"), distinguishable
with the common forms of colour-vision deficiency; the heatmap and confusion matrix use
``viridis``, which is perceptually uniform and colour-blind safe.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np
import pandas as pd
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from pipeline.tables import atomic_path

logger = logging.getLogger(__name__)

OKABE_ITO = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermilion
    "#F0E442",  # yellow
    "#000000",  # black
)

STYLE: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.titlesize": 12,
    "axes.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "axes.prop_cycle": cycler(color=list(OKABE_ITO)),
    "figure.dpi": 100,
    "savefig.dpi": 120,
    "svg.hashsalt": "ldp-report",
    "svg.fonttype": "path",
    "text.parse_math": False,
    "path.simplify": True,
}

LABEL_CHARS = 38

__all__ = [
    "OKABE_ITO",
    "STYLE",
    "coherence_chart",
    "collocate_profiles_chart",
    "collocates_chart",
    "confusion_chart",
    "document_lengths_chart",
    "documents_by_type_chart",
    "family_rates_chart",
    "framing_share_chart",
    "keyness_chart",
    "save_figure",
    "topic_prevalence_chart",
]


def _short(label: object, limit: int = LABEL_CHARS) -> str:
    """Return ``label`` as text cut to ``limit`` characters with an ellipsis."""
    text = "(missing)" if label is None or (isinstance(label, float) and math.isnan(label)) else str(label)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _new_figure(width: float, height: float) -> Figure:
    with plt.rc_context(cast(Any, STYLE)):
        return Figure(figsize=(width, height), layout="constrained")


def first_column(frame: pd.DataFrame, candidates: Sequence[str]) -> str | None:
    """Return the first of ``candidates`` that is a column of ``frame``, else ``None``."""
    for name in candidates:
        if name in frame.columns:
            return name
    return None


def save_figure(figure: Figure, stem: Path) -> list[Path]:
    """Save ``figure`` as ``stem.png`` and ``stem.svg``, atomically and byte-reproducibly.

    Date, creator and software metadata are dropped and the SVG ids come from the fixed
    ``svg.hashsalt`` in :data:`STYLE`, so two renders of the same data are identical. The
    figures use constrained layout, which keeps labels and outside legends in the canvas, so no
    tight-bbox pass (a second draw) is needed.
    """
    stem = Path(stem)
    paths = []
    with plt.rc_context(cast(Any, STYLE)):
        for suffix, metadata in ((".png", {"Software": None}), (".svg", {"Date": None, "Creator": None})):
            path = stem.with_suffix(suffix)
            with atomic_path(path) as tmp:
                figure.savefig(
                    tmp,
                    format=suffix[1:],
                    metadata=metadata,
                    facecolor="white",
                )
            paths.append(path)
    return paths


def _bar_counts(ax: Axes, counts: pd.Series, *, title: str, xlabel: str, colour: str) -> None:
    labels = [_short(v) for v in counts.index]
    y = np.arange(len(counts))
    ax.barh(y, counts.to_numpy(), color=colour)
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    for yi, value in zip(y, counts.to_numpy(), strict=True):
        ax.annotate(f"{int(value):,}", (value, yi), xytext=(3, 0), textcoords="offset points", va="center", fontsize=8)
    ax.margins(x=0.12)


def _sorted_counts(values: pd.Series, top: int) -> pd.Series:
    counts = values.fillna("(missing)").astype(str).value_counts()
    frame = counts.rename_axis("key").reset_index(name="n").sort_values(["n", "key"], ascending=[False, True])
    return frame.head(top).set_index("key")["n"]


def documents_by_type_chart(documents: pd.DataFrame, *, top: int = 15) -> Figure | None:
    """Horizontal bars: documents per ``doc_type`` and per ``source`` (the ``top`` largest)."""
    panels = [c for c in ("doc_type", "source") if c in documents.columns]
    if documents.empty or not panels:
        return None
    heights = [max(1.2, 0.32 * min(top, documents[c].nunique(dropna=False)) + 0.9) for c in panels]
    with plt.rc_context(cast(Any, STYLE)):
        fig = _new_figure(8.5, sum(heights) + 0.3)
        axes = fig.subplots(len(panels), 1, height_ratios=heights, squeeze=False)[:, 0]
        for ax, column, colour in zip(axes, panels, OKABE_ITO, strict=False):
            counts = _sorted_counts(documents[column], top)
            shown = "" if documents[column].nunique(dropna=False) <= top else f" (top {top})"
            _bar_counts(
                ax, counts, title=f"Documents by {column.replace('_', ' ')}{shown}", xlabel="documents", colour=colour
            )
    return fig


def document_lengths_chart(documents: pd.DataFrame) -> Figure | None:
    """Histogram of document length in characters (log-spaced bins), one line per ``doc_type``."""
    if documents.empty or "n_chars" not in documents.columns:
        return None
    lengths = pd.to_numeric(documents["n_chars"], errors="coerce").dropna()
    lengths = lengths[lengths > 0]
    if lengths.empty:
        return None
    low, high = math.log10(lengths.min()), math.log10(lengths.max())
    bins = np.logspace(low, high if high > low else low + 1, 30)
    with plt.rc_context(cast(Any, STYLE)):
        fig = _new_figure(8.5, 3.6)
        ax = fig.subplots()
        types = ["all documents"]
        if "doc_type" in documents.columns and documents["doc_type"].nunique() > 1:
            types = sorted(documents["doc_type"].dropna().astype(str).unique())[: len(OKABE_ITO)]
        for doc_type, colour in zip(types, OKABE_ITO, strict=False):
            if doc_type == "all documents":
                values = lengths
            else:
                values = pd.to_numeric(documents.loc[documents["doc_type"] == doc_type, "n_chars"], errors="coerce")
                values = values[values > 0]
            ax.hist(
                values, bins=bins.tolist(), histtype="step", linewidth=1.8, color=colour, label=_short(doc_type, 24)
            )
        ax.set_xscale("log")
        # mathtext is off (corpus strings may hold "$"), so log ticks are plain numbers
        ax.xaxis.set_major_locator(matplotlib.ticker.LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _pos: f"{v:,.0f}"))
        ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
        ax.set_xlabel("document length (characters, log scale)")
        ax.set_ylabel("documents")
        ax.set_title("Document lengths")
        ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return fig


def family_rates_chart(rates: pd.DataFrame, *, group_label: str = "document type") -> Figure | None:
    """Grouped bars of family frequency per million tokens, the families side by side per group."""
    needed = {"group", "family", "per_million"}
    if rates.empty or not needed <= set(rates.columns):
        return None
    table = rates.pivot_table(index="group", columns="family", values="per_million", aggfunc="sum", fill_value=0.0)
    table = table.sort_index().reindex(sorted(table.columns, key=str), axis=1)
    groups = [_short(g, 24) for g in table.index]
    width = 0.8 / max(1, len(table.columns))
    x = np.arange(len(groups))
    with plt.rc_context(cast(Any, STYLE)):
        fig = _new_figure(max(6.0, 1.1 * len(groups) + 3), 3.8)
        ax = fig.subplots()
        for i, (family, colour) in enumerate(zip(table.columns, OKABE_ITO, strict=False)):
            ax.bar(
                x + (i - (len(table.columns) - 1) / 2) * width,
                table[family].to_numpy(),
                width,
                label=str(family),
                color=colour,
            )
        ax.set_xticks(x, groups, rotation=30 if len(groups) > 4 else 0, ha="right" if len(groups) > 4 else "center")
        ax.set_ylabel("occurrences per million tokens")
        ax.yaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
        ax.set_xlabel(group_label)
        ax.set_title(f"Leadership and management vocabulary by {group_label}")
        ax.grid(axis="x", visible=False)
        ax.legend(frameon=False, title="family", loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return fig


def keyness_chart(keyness: pd.DataFrame, *, top: int = 15, title: str = "Keywords") -> Figure | None:
    """Diverging bars of the ``top`` positive and negative keywords by log-likelihood (G2).

    Bars extend right for terms over-used in the target corpus and left for terms over-used in
    the reference; each bar is annotated with its Log Ratio (Hardie 2014). Terms that are not
    significant after the Bonferroni correction (``significant`` false) are drawn pale.
    """
    if keyness.empty or not {"term", "log_likelihood"} <= set(keyness.columns):
        return None
    frame = keyness.copy()
    if "direction" in frame.columns:
        frame["_positive"] = frame["direction"].astype(str).str.lower().isin({"positive", "target", "+", "over"})
    elif "log_ratio" in frame.columns:
        frame["_positive"] = frame["log_ratio"] > 0
    else:
        frame["_positive"] = True
    frame["_significant"] = frame["significant"].fillna(False).astype(bool) if "significant" in frame.columns else True
    by, ascending = ["log_likelihood", "term"], [False, True]
    plus = frame[frame["_positive"]].sort_values(by, ascending=ascending, kind="mergesort").head(top)
    minus = frame[~frame["_positive"]].sort_values(by, ascending=ascending, kind="mergesort").head(top)
    if plus.empty and minus.empty:
        return None
    rows = pd.concat([plus.assign(_sign=1.0), minus.iloc[::-1].assign(_sign=-1.0)], ignore_index=True)
    values = rows["log_likelihood"].to_numpy(dtype=float) * rows["_sign"].to_numpy()
    with plt.rc_context(cast(Any, STYLE)):
        fig = _new_figure(8.5, max(2.5, 0.26 * len(rows) + 1.4))
        ax = fig.subplots()
        y = np.arange(len(rows))
        colours = [OKABE_ITO[0] if v >= 0 else OKABE_ITO[5] for v in values]
        alphas = [1.0 if sig else 0.35 for sig in rows["_significant"]]
        for yi, value, colour, alpha in zip(y, values, colours, alphas, strict=True):
            ax.barh(yi, value, color=colour, alpha=alpha)
        ax.set_yticks(y, [_short(t, 30) for t in rows["term"]])
        ax.invert_yaxis()
        ax.axvline(0, color="#333333", linewidth=0.8)
        ax.grid(axis="y", visible=False)
        if "log_ratio" in rows.columns:
            for yi, value, ratio in zip(y, values, rows["log_ratio"], strict=True):
                if pd.notna(ratio):
                    ax.annotate(
                        f"LR {float(ratio):+.1f}",
                        (value, yi),
                        xytext=(3 if value >= 0 else -3, 0),
                        textcoords="offset points",
                        ha="left" if value >= 0 else "right",
                        va="center",
                        fontsize=7,
                        color="#333333",
                    )
        ax.margins(x=0.18)
        ax.set_xlabel("log-likelihood G\u00b2 (right: over-used in target; left: in reference)")
        note = "" if all(rows["_significant"]) else "  (pale: not significant after Bonferroni)"
        ax.set_title(_short(title, 70) + note, fontsize=11)
    return fig


def collocates_chart(collocations: pd.DataFrame, *, nodes: Sequence[str], top: int = 12) -> Figure | None:
    """One panel per node, side by side: its ``top`` collocates ranked by logDice (Rychly 2008)."""
    if collocations.empty or not {"node", "collocate", "log_dice"} <= set(collocations.columns):
        return None
    nodes = [n for n in nodes if (collocations["node"] == n).any()]
    if not nodes:
        return None
    with plt.rc_context(cast(Any, STYLE)):
        fig = _new_figure(min(4.2 * len(nodes), 13.0), 0.28 * top + 1.4)
        axes = fig.subplots(1, len(nodes), squeeze=False)[0]
        for ax, node, colour in zip(axes, nodes, OKABE_ITO, strict=False):
            rows = (
                collocations[collocations["node"] == node]
                .sort_values(["log_dice", "collocate"], ascending=[False, True])
                .head(top)
            )
            y = np.arange(len(rows))
            ax.barh(y, rows["log_dice"].to_numpy(dtype=float), color=colour)
            ax.set_yticks(y, [_short(c, 22) for c in rows["collocate"]])
            ax.invert_yaxis()
            ax.grid(axis="y", visible=False)
            ax.set_title(_short(node, 30))
            ax.set_xlabel("logDice")
        fig.suptitle("Strongest collocates by logDice")
    return fig


def collocate_profiles_chart(compared: pd.DataFrame, *, top: int = 15) -> Figure | None:
    """Grouped bars: the logDice of each collocate with family a and with family b.

    Takes the family comparison table (``collocate``, ``node_a``, ``node_b``, ``log_dice_a``,
    ``log_dice_b``); shows the ``top`` collocates by their stronger logDice. A missing bar means
    the word is not a collocate of that family.
    """
    needed = {"collocate", "log_dice_a", "log_dice_b"}
    if compared.empty or not needed <= set(compared.columns):
        return None
    frame = compared.assign(_best=compared[["log_dice_a", "log_dice_b"]].max(axis=1))
    frame = frame.sort_values(["_best", "collocate"], ascending=[False, True], kind="mergesort").head(top)
    names = [
        str(compared[c].dropna().iloc[0]) if c in compared.columns and compared[c].notna().any() else fallback
        for c, fallback in (("node_a", "family a"), ("node_b", "family b"))
    ]
    y = np.arange(len(frame))
    with plt.rc_context(cast(Any, STYLE)):
        fig = _new_figure(8.5, max(2.5, 0.36 * len(frame) + 1.3))
        ax = fig.subplots()
        for offset, column, name, colour in (
            (-0.2, "log_dice_a", names[0], OKABE_ITO[0]),
            (0.2, "log_dice_b", names[1], OKABE_ITO[1]),
        ):
            ax.barh(
                y + offset, frame[column].fillna(0.0).to_numpy(dtype=float), 0.4, color=colour, label=_short(name, 24)
            )
        ax.set_yticks(y, [_short(c, 26) for c in frame["collocate"]])
        ax.invert_yaxis()
        ax.grid(axis="y", visible=False)
        ax.set_xlabel("logDice")
        ax.set_title("Collocate profiles side by side")
        ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return fig


def topic_prevalence_chart(
    prevalence: pd.DataFrame,
    *,
    labels: dict[object, str] | None = None,
    title: str = "Topic prevalence by document type",
) -> Figure | None:
    """Heatmap of mean topic prevalence (rows: topics, columns: document types), values printed."""
    if prevalence.empty or not {"doc_type", "topic", "prevalence"} <= set(prevalence.columns):
        return None
    table = prevalence.pivot_table(
        index="topic", columns="doc_type", values="prevalence", aggfunc="mean", fill_value=0.0
    )
    table = table.sort_index().reindex(sorted(table.columns, key=str), axis=1)
    labels = labels or {}
    row_labels = [_short(f"{t}: {labels[t]}" if t in labels else f"topic {t}", 40) for t in table.index]
    with plt.rc_context(cast(Any, STYLE)):
        fig = _new_figure(max(5.5, 1.0 * len(table.columns) + 4.5), max(2.5, 0.38 * len(table.index) + 1.5))
        ax = fig.subplots()
        values = table.to_numpy(dtype=float)
        image = ax.imshow(values, aspect="auto", cmap="viridis", vmin=0.0)
        ax.set_xticks(np.arange(len(table.columns)), [_short(c, 20) for c in table.columns], rotation=30, ha="right")
        ax.set_yticks(np.arange(len(table.index)), row_labels)
        ax.grid(False)
        top_value = values.max() if values.size else 0.0
        for (i, j), value in np.ndenumerate(values):
            ax.text(
                j,
                i,
                f"{value:.2f}",
                ha="center",
                va="center",
                fontsize=7,
                color="black" if value > 0.6 * top_value else "white",
            )
        fig.colorbar(image, ax=ax, label="mean topic share")
        ax.set_title(_short(title, 80))
    return fig


def coherence_chart(coherence: pd.DataFrame) -> Figure | None:
    """One panel per coherence measure (c_v, c_npmi, u_mass): score by k, one line per model."""
    if coherence.empty or "k" not in coherence.columns:
        return None
    measures = [m for m in ("c_v", "c_npmi", "u_mass") if m in coherence.columns and coherence[m].notna().any()]
    if not measures:
        return None
    models = sorted(coherence["model"].astype(str).unique()) if "model" in coherence.columns else ["model"]
    with plt.rc_context(cast(Any, STYLE)):
        fig = _new_figure(3.4 * len(measures) + 0.6, 3.3)
        axes = fig.subplots(1, len(measures), squeeze=False)[0]
        for ax, measure in zip(axes, measures, strict=True):
            for model, colour, marker in zip(models, OKABE_ITO, "osD^v<>p", strict=False):
                rows = (
                    coherence
                    if "model" not in coherence.columns
                    else coherence[coherence["model"].astype(str) == model]
                )
                rows = rows.sort_values("k")
                ax.plot(rows["k"], rows[measure], marker=marker, color=colour, label=model)
                if "chosen" in rows.columns:
                    chosen = rows[rows["chosen"].fillna(False).astype(bool)]
                    ax.scatter(
                        chosen["k"],
                        chosen[measure],
                        s=120,
                        facecolors="none",
                        edgecolors="#000000",
                        linewidths=1.2,
                        zorder=3,
                    )
            ax.set_xlabel("number of topics k")
            ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
            ax.set_title(measure)
        axes[0].set_ylabel("coherence")
        axes[-1].legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        fig.suptitle("Topic coherence by k (circled: chosen k)")
    return fig


def confusion_chart(confusion: pd.DataFrame, *, title: str = "Confusion matrix") -> Figure | None:
    """Confusion matrix heatmap (rows: true class, columns: predicted class) with counts."""
    if confusion.empty or not {"true", "predicted", "count"} <= set(confusion.columns):
        return None
    classes = sorted(set(confusion["true"].astype(str)) | set(confusion["predicted"].astype(str)))
    table = confusion.assign(true=confusion["true"].astype(str), predicted=confusion["predicted"].astype(str))
    table = table.pivot_table(index="true", columns="predicted", values="count", aggfunc="sum", fill_value=0)
    table = table.reindex(index=classes, columns=classes, fill_value=0)
    values = table.to_numpy(dtype=float)
    with plt.rc_context(cast(Any, STYLE)):
        # small enough to show at about its own size when two sit side by side in the report
        size = max(3.2, 0.5 * len(classes) + 2.2)
        fig = _new_figure(size + 0.7, size)
        ax = fig.subplots()
        image = ax.imshow(values, cmap="viridis", vmin=0)
        ax.set_xticks(np.arange(len(classes)), [_short(c, 18) for c in classes], rotation=30, ha="right")
        ax.set_yticks(np.arange(len(classes)), [_short(c, 18) for c in classes])
        ax.grid(False)
        top_value = values.max() if values.size else 0.0
        for (i, j), value in np.ndenumerate(values):
            ax.text(
                j, i, f"{int(value)}", ha="center", va="center", color="black" if value > 0.6 * top_value else "white"
            )
        ax.set_xlabel("predicted")
        ax.set_ylabel("true (annotated)")
        fig.colorbar(image, ax=ax, label="sentences")
        ax.set_title(_short(title, 60))
    return fig


def framing_share_chart(framing: pd.DataFrame) -> Figure | None:
    """Stacked horizontal bars: the share of each framing label within each document type.

    Takes a long table (``doc_type``, ``label``, a count or share) or a wide one with one
    ``share_<label>`` column per label.
    """
    wide = [c for c in framing.columns if str(c).startswith("share_")]
    if wide and "label" not in framing.columns:
        group_column = first_column(framing, ("doc_type", "group"))
        if group_column is None:
            return None
        framing = framing.melt(id_vars=[group_column], value_vars=wide, var_name="label", value_name="share")
        framing["label"] = framing["label"].str.removeprefix("share_")
    label = first_column(framing, ("label", "frame", "framing", "predicted", "class"))
    value = first_column(framing, ("share", "proportion", "fraction", "count", "n", "n_sentences", "sentences"))
    group = first_column(framing, ("doc_type", "group"))
    if framing.empty or label is None or value is None or group is None:
        return None
    table = framing.pivot_table(index=group, columns=label, values=value, aggfunc="sum", fill_value=0.0)
    totals = table.sum(axis=1).replace(0, np.nan)
    table = table.div(totals, axis=0).fillna(0.0).sort_index()
    table = table.reindex(sorted(table.columns, key=str), axis=1)
    with plt.rc_context(cast(Any, STYLE)):
        fig = _new_figure(8.5, max(2.2, 0.45 * len(table.index) + 1.6))
        ax = fig.subplots()
        y = np.arange(len(table.index))
        left = np.zeros(len(table.index))
        for column, colour in zip(table.columns, OKABE_ITO, strict=False):
            share = table[column].to_numpy(dtype=float)
            ax.barh(y, share, left=left, color=colour, label=_short(column, 24), edgecolor="white", linewidth=0.5)
            for yi, start, width in zip(y, left, share, strict=True):
                if width >= 0.08:
                    ax.text(
                        start + width / 2,
                        float(yi),
                        f"{width:.0%}",
                        ha="center",
                        va="center",
                        fontsize=8,
                        color="white"
                        if colour in (OKABE_ITO[0], OKABE_ITO[5], OKABE_ITO[7], OKABE_ITO[2])
                        else "black",
                    )
            left += share
        ax.set_yticks(y, [_short(g, 24) for g in table.index])
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
        ax.grid(axis="y", visible=False)
        ax.set_xlabel("share of sentences")
        ax.set_title("Framing by document type")
        ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0), title=label)
    return fig
