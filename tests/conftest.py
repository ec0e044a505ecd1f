"""Shared fixtures.

Prefect state goes to a temporary ``PREFECT_HOME`` with telemetry off, set before anything
imports Prefect; flow tests share one ``prefect_test_harness`` per session (its ephemeral
server takes 12-20 s to start). The seed corpus is ingested and parsed once per session.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="ldp-test-prefect-")
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
os.environ.pop("PREFECT_API_URL", None)
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "raw" / "seed"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def seed_dir() -> Path:
    return SEED


@pytest.fixture(scope="session")
def prefect_harness():
    """One ephemeral Prefect API for every flow test of the session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def seed_tables(tmp_path_factory) -> dict:
    """The seed corpus through ingest and the spaCy stage: documents, sentences, tokens,
    entities and phrases as DataFrames (computed once per session)."""
    import pandas as pd

    from pipeline.ingest import read_corpus
    from pipeline.nlp import parse_documents
    from pipeline.phrases import learn_phrases

    out = tmp_path_factory.mktemp("seed-nlp")
    documents = read_corpus(SEED, corpus="seed").documents
    parse_documents(documents, out, cache_dir=out / "cache")
    tables = {"documents": documents}
    for name in ("sentences", "tokens", "entities"):
        tables[name] = pd.read_parquet(out / f"{name}.parquet")
    tables["phrases"] = learn_phrases(tables["tokens"])
    return tables
