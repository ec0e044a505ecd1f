"""Print the framing classifier's cross-validated figures beside its two baselines.

Usage (from the repository root)::

    .venv/bin/python bench/classify.py --tables data/processed \
        --labels data/annotations/framing.csv [--folds 5 --repeats 3 --seed 42 --no-group]

``--tables`` is a folder holding ``sentences.parquet``, ``tokens.parquet`` and
``documents.parquet`` (the nlp stage's output). Prints annotation counts, macro-F1 and accuracy
(mean, std, min, max over folds) per model, per-class F1 and the summed confusion matrices.
A benchmark prints; it asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.classify import framing_analysis, read_annotations
from pipeline.config import ClassifyConfig


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=Path, default=Path("data/processed"))
    parser.add_argument("--labels", type=Path, default=Path("data/annotations/framing.csv"))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--features", default="words+norms", choices=["words+norms", "words"])
    parser.add_argument("--no-group", action="store_true", help="do not group folds by document")
    args = parser.parse_args()

    sentences = pd.read_parquet(args.tables / "sentences.parquet")
    tokens = pd.read_parquet(args.tables / "tokens.parquet")
    documents = pd.read_parquet(args.tables / "documents.parquet")
    annotations = read_annotations(args.labels)
    config = ClassifyConfig(
        folds=args.folds, repeats=args.repeats, group_by_doc=not args.no_group, features=args.features
    )
    started = time.perf_counter()
    out = framing_analysis(sentences, tokens, documents, annotations, config=config, seed=args.seed)
    elapsed = time.perf_counter() - started

    pd.set_option("display.width", 200)
    print(f"params: {config.model_dump(mode='json')}, seed {args.seed}")
    n_annotated = int(out["framing_annotation_counts"]["count"].sum())
    print(
        f"documents={len(documents)} sentences={len(sentences)} "
        f"candidates={len(out['framing_sentences'])} annotated={n_annotated}"
    )
    print("\nannotation counts:")
    print(out["framing_annotation_counts"].to_string(index=False))
    metrics = out["framing_metrics"]
    print("\nmacro-F1 and accuracy over folds:")
    overall = metrics[metrics["class"].isna()].drop(columns="class")
    print(overall.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print("\nper-class F1 over folds (folds where defined):")
    per_class = metrics[metrics["metric"] == "f1"].drop(columns="metric")
    print(per_class.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print("\nconfusion matrices (rows true, columns predicted; summed over folds):")
    for model, group in out["framing_confusion"].groupby("model", sort=True):
        print(f"-- {model}")
        print(group.pivot(index="true", columns="predicted", values="count").to_string())
    print("\npredicted label shares by doc_type:")
    print(out["framing_by_doc_type"].to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print(f"\nframing_analysis wall time: {elapsed:.1f} s")


if __name__ == "__main__":
    main()
