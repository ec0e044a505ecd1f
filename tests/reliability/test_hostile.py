"""The hostile corpus (tests/fixtures/hostile/make_hostile.py) through the whole pipeline.

The slow test runs every stage (``pipeline.stages.run_*`` in order, a JSON config in a
temporary folder) over the generated corpus and checks, file by file, where each record
ended up: every good record in ``documents`` with its known id and text, every bad one in
``quarantine.csv`` with its reason, the summary reconciled, and nothing read through the
entity and symlink attacks (``/etc/passwd``) anywhere in any output file. The fast tests pin
the ingest behaviours the hostile corpus first exposed, on tiny inputs.
"""

from __future__ import annotations

import importlib.util
import json
import re
import time
from pathlib import Path

import pandas as pd
import pytest

from pipeline.ingest import read_corpus
from pipeline.ingest.tabular import read_delimited

ROOT = Path(__file__).resolve().parents[2]
GENERATOR = ROOT / "tests" / "fixtures" / "hostile" / "make_hostile.py"


def _generator():
    spec = importlib.util.spec_from_file_location("make_hostile", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _passwd_lines() -> list[str]:
    """Lines of /etc/passwd long enough not to occur by chance in our own outputs."""
    try:
        text = Path("/etc/passwd").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    return [line for line in text.splitlines() if len(line) >= 20 and line.count(":") >= 6]


# --- fast: the ingest behaviours ----------------------------------------------------------------


def test_symlinks_are_quarantined_not_followed(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "page.txt").write_text("Leaders listen to the night staff before they act.\n")
    (root / "sub" / "parent").symlink_to("..", target_is_directory=True)
    (root / "passwd.txt").symlink_to("/etc/passwd")
    (root / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    result = read_corpus(root, corpus="c")
    assert result.documents["doc_id"].tolist() == ["c:sub/page.txt:000000"]
    got = result.quarantine[["source", "reason"]].values.tolist()
    assert got == [["dangling.txt", "symlink"], ["passwd.txt", "symlink"], ["sub/parent", "symlink"]]
    assert result.quarantine["record"].isna().all()
    summary = result.summary
    assert (summary["records_seen"], summary["documents_written"], summary["quarantined"]) == (4, 1, 3)


def test_a_corpus_root_that_is_a_symlink_is_read(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "page.txt").write_text("Managers keep the rota and the budget in order.\n")
    (tmp_path / "link").symlink_to(real, target_is_directory=True)
    result = read_corpus(tmp_path / "link", corpus="c")
    assert result.documents["doc_id"].tolist() == ["c:page.txt:000000"]


@pytest.mark.parametrize(
    "text",
    ["!!! ??? ...\n\n--- *** ;;;", "— – … “ ” ‘ ’", "((( ))) [[ ]]"],
)
def test_a_document_without_letters_or_digits_is_quarantined(tmp_path: Path, text: str) -> None:
    (tmp_path / "p.txt").write_text(text, encoding="utf-8")
    (tmp_path / "ok.txt").write_text("Leaders listen.\n", encoding="utf-8")
    result = read_corpus(tmp_path, corpus="c")
    assert result.documents["doc_id"].tolist() == ["c:ok.txt:000000"]
    assert result.quarantine[["source", "record", "reason"]].astype(object).values.tolist() == [["p.txt", 1, "no_text"]]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        # the quote in row 2 never closes: row 2 is quarantined, row 3 is still read
        (
            'id,text\nc1,Leaders reflect.\nc2,"never closed\nc3,Nobody lost.\n',
            [("record", 1, "c1", "Leaders reflect."), ("rejected", 2, "malformed_csv", 3),
             ("record", 3, "c3", "Nobody lost.")],
        ),
        # a quoted field with a line break that does close is one row
        (
            'id,text\nc1,"two\nlines"\nc2,after\n',
            [("record", 1, "c1", "two\nlines"), ("record", 2, "c2", "after")],
        ),
        # an unclosed quote on the last row: nothing after it to recover
        (
            'id,text\nc1,ok\nc2,"open to the end\n',
            [("record", 1, "c1", "ok"), ("rejected", 2, "malformed_csv", 3)],
        ),
        # the first data row opens the quote: the rows after it are still read
        (
            'id,text\na,"x\nb,ok\nc,fine\n',
            [("rejected", 1, "malformed_csv", 2), ("record", 2, "b", "ok"), ("record", 3, "c", "fine")],
        ),
        # a quote inside an unquoted field is a literal character, not an opening quote
        (
            'id,text\nc1,a 5" screen\nc2,fine\n',
            [("record", 1, "c1", 'a 5" screen'), ("record", 2, "c2", "fine")],
        ),
    ],
)  # fmt: skip
def test_csv_unclosed_quote_costs_one_row(data: str, expected: list[tuple]) -> None:
    got = []
    for item in read_delimited(data.encode("utf-8"), source="u.csv"):
        if hasattr(item, "reason"):
            line = int(re.search(r"line (\d+)", item.detail)[1])
            got.append(("rejected", item.record, item.reason, line))
        else:
            got.append(("record", item.position + 1, item.key, item.text))
    assert got == expected


def test_a_document_over_max_doc_chars_is_quarantined(tmp_path: Path) -> None:
    """A 50 MB single line is one 50-million-character document: the default file limit
    (100 MB) lets it through, and spaCy would need an hour and far more memory than a laptop
    has; ``max_doc_chars`` quarantines such a record as 'too_long'."""
    (tmp_path / "long.txt").write_text("Leaders listen. " * 100, encoding="utf-8")
    (tmp_path / "rows.jsonl").write_text('{"id": "a", "text": "short"}\n{"id": "b", "text": "%s"}\n' % ("x " * 600),
                                         encoding="utf-8")  # fmt: skip
    result = read_corpus(tmp_path, corpus="c", max_doc_chars=1000)
    assert result.documents["doc_id"].tolist() == ["c:rows.jsonl:a"]
    got = result.quarantine[["source", "record", "reason"]].astype(object).values.tolist()
    assert got == [["long.txt", 1, "too_long"], ["rows.jsonl", 2, "too_long"]]
    assert read_corpus(tmp_path, corpus="c", max_doc_chars=None).summary["documents_written"] == 3


def test_the_default_config_protects_against_a_50_million_character_document() -> None:
    from pipeline.config import Config

    assert Config().corpus.max_doc_chars < 50_000_000


_CONCORDANCE_SCRIPT = """
import resource, sys
import pandas as pd
from pipeline.stats.concordance import concordance
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[1]), int(sys.argv[1])))
words = ["leadership", "matters"] * 4000
starts, position = [], 0
for word in words:
    starts.append(position)
    position += len(word) + 1
text = " ".join(words) + " " + "x" * 1_000_000
tokens = pd.DataFrame({"doc_id": "d", "sent_id": 0, "token_id": range(len(words)), "start_char": starts,
                       "text": words, "norm": words, "lower": words})
documents = pd.DataFrame({"doc_id": ["d"], "text": [text], "source": ["s"], "doc_type": ["other"]})
lines = concordance(tokens, documents, query="leadership", by="norm", width=3)
print(len(lines))
"""


def test_concordance_does_not_copy_a_long_text_once_per_hit(tmp_path: Path) -> None:
    """4000 hits in a 1 MB document: one copy of the text per hit would need 4 GB."""
    import subprocess
    import sys

    script = tmp_path / "kwic.py"
    script.write_text(_CONCORDANCE_SCRIPT, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script), str(3 * 1024**3)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["4000"]


# --- slow: the whole pipeline on the hostile corpus ---------------------------------------------

EXPECTED_DOCUMENTS = {
    # doc_id -> text (None: checked separately below)
    "hostile:good/Führungsqualität – café.txt:000000":
        "Führungsqualität matters in the café of a Zürich clinic: leaders greet every porter.",
    "hostile:good/name with spaces.txt:000000":
        "Leaders on a renal unit listen to patients before they change a single procedure.",
    "hostile:good/page.txt:000000":
        "Ward sisters who lead by example shape how junior nurses handle a busy night shift. They explain "
        "their decisions, share the workload and speak up for patients.\n\nManagers, by contrast, keep the "
        "rota, the budget and the audit trail in order; a good hospital needs both kinds of work, done by "
        "people who respect each other.",
    "hostile:good/rows.jsonl:g1": "Leadership is a relationship between people, not a position on a chart.",
    "hostile:good/rows.jsonl:g2": "Management keeps the lights on; leadership asks which lights we need.",
    "hostile:good/rows.jsonl:g3": "Distributed leadership spreads responsibility across the whole clinical team.",
    "hostile:good/utf16_bom.txt:000000": "Leadership in nursing homes depends on trust, continuity and time to talk.",
    "hostile:good/windows_1252.txt:000000":
        "The matron’s “open door” policy – café chats with staff – built trust in Málaga.",
    "hostile:long/prose_2m.jsonl:long": None,
    "hostile:mixed/broken_middle.jsonl:b1": "Team leaders in theatres run the safety briefing every morning.",
    "hostile:mixed/broken_middle.jsonl:b2": "Middle managers translate strategy into rotas and budgets.",
    "hostile:mixed/broken_middle.jsonl:b4": "Compassionate leadership lowers staff turnover in community care.",
    "hostile:mixed/broken_middle.jsonl:b5": "Boards hold executives to account for the quality of care.",
    "hostile:mixed/invalid_utf8.txt:000000": None,
    "hostile:mixed/unbalanced_quotes.csv:c1": "Leaders in general practice protect time for reflection.",
    "hostile:mixed/unbalanced_quotes.csv:c3": "Nobody will read this row as a row.",
}  # fmt: skip
EXPECTED_QUARANTINE = [
    # (source, record, reason); record None = the whole file
    ("bad/billion_laughs.xml", None, "xml_entity"),
    ("bad/binary.txt", None, "binary"),
    ("bad/empty.txt", None, "empty_file"),
    ("bad/punctuation_only.txt", 1, "no_text"),
    ("bad/single_line.txt", None, "too_large"),
    ("bad/undecodable.txt", None, "undecodable"),
    ("bad/whitespace_only.txt", None, "empty_file"),
    ("bad/xxe_passwd.xml", None, "xml_entity"),
    ("bad/xxe_pubmed.xml", None, "xml_entity"),
    ("loop/parent", None, "symlink"),
    ("loop/passwd.txt", None, "symlink"),
    ("mixed/broken_middle.jsonl", 3, "malformed_json"),
    ("mixed/unbalanced_quotes.csv", 2, "malformed_csv"),
]
LONG_CHARS = 2_000_000


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory, repo_root: Path) -> dict:
    """Generate the hostile corpus and run every stage on it; record each stage's time."""
    from pipeline.config import load_config
    from pipeline.registry import REGISTRY, run_stage

    work = tmp_path_factory.mktemp("hostile")
    corpus = work / "corpus"
    _generator().make_hostile(corpus, big_mb=50, long_chars=LONG_CHARS)
    data = load_config(repo_root / "configs" / "seed.toml").as_dict()
    # max_file_mb 10 puts the 50 MB single line over the limit. The 2 MB document is parsed in
    # 100,000-character chunks, 8 chunks per spaCy batch: with the defaults (1,000,000 and 64)
    # its chunks share one batch and the parse peaks near 6 GB of memory.
    data["corpus"] |= {"path": str(corpus), "name": "hostile", "max_file_mb": 10}
    data["nlp"] |= {"max_chars": 100_000, "batch_size": 8}
    # The long document is made of seed sentences, so the seed annotations would all match
    # inside one document (fewer groups than folds): classify runs unlabelled here.
    data["classify"]["labels_file"] = None
    data["output"] = {"processed_dir": str(work / "out" / "processed"), "reports_dir": str(work / "out" / "reports")}
    data["topics"] |= {"k_max": 3, "passes": 3}
    config_file = work / "config.json"
    config_file.write_text(json.dumps(data, indent=2), encoding="utf-8")
    cfg = load_config(config_file)
    seconds, results = {}, {}
    for stage in REGISTRY:
        started = time.perf_counter()
        results[stage.name] = run_stage(cfg, stage.name)
        seconds[stage.name] = round(time.perf_counter() - started, 1)
    print(f"hostile corpus stage seconds: {seconds}")
    processed = cfg.output.processed_dir
    return {
        "cfg": cfg,
        "out": work / "out",
        "corpus": corpus,
        "results": results,
        "documents": pd.read_parquet(processed / "documents.parquet"),
        "quarantine": pd.read_csv(processed / "quarantine.csv", dtype={"record": "Int64"}, keep_default_na=False,
                                  na_values={"record": [""]}),
        "summary": json.loads((processed / "ingest_summary.json").read_text(encoding="utf-8")),
    }  # fmt: skip


@pytest.mark.slow
def test_hostile_good_records_are_documents(hostile_run: dict) -> None:
    documents = hostile_run["documents"].set_index("doc_id")
    assert sorted(documents.index) == sorted(EXPECTED_DOCUMENTS)
    for doc_id, text in EXPECTED_DOCUMENTS.items():
        if text is not None:
            assert documents.at[doc_id, "text"] == text, doc_id
    assert documents.at["hostile:good/page.txt:000000", "title"] == "Clinical leadership in a district hospital"
    # invalid UTF-8: the file is decoded with a best-guess code page; every word survives
    garbled = documents.at["hostile:mixed/invalid_utf8.txt:000000", "text"]
    words = re.findall(r"[A-Za-z]{2,}", _generator().INVALID_UTF8.decode("ascii", errors="ignore"))
    assert re.findall(r"[A-Za-z]{2,}", garbled)[: len(words)] == words
    long_text = documents.at["hostile:long/prose_2m.jsonl:long", "text"]
    assert len(long_text) >= LONG_CHARS and long_text.count("\n\n") > 1000


@pytest.mark.slow
def test_hostile_bad_records_are_quarantined_with_their_reason(hostile_run: dict) -> None:
    quarantine = hostile_run["quarantine"]
    got = [(row.source, None if pd.isna(row.record) else int(row.record), row.reason)
           for row in quarantine.itertuples()]  # fmt: skip
    assert got == EXPECTED_QUARANTINE
    assert quarantine["detail"].str.len().gt(0).all()


@pytest.mark.slow
def test_hostile_summary_reconciles(hostile_run: dict) -> None:
    summary = hostile_run["summary"]
    accounted = summary["documents_written"] + summary["duplicates_collapsed"] + summary["quarantined"]
    assert summary["records_seen"] == accounted
    assert (summary["files_read"], summary["records_seen"], summary["documents_written"], summary["quarantined"]) == (
        21,
        len(EXPECTED_DOCUMENTS) + len(EXPECTED_QUARANTINE),
        len(EXPECTED_DOCUMENTS),
        len(EXPECTED_QUARANTINE),
    )
    for source, counts in summary["by_source"].items():
        assert counts["records_seen"] == counts["documents"] + counts["duplicates"] + counts["quarantined"], source


@pytest.mark.slow
def test_hostile_long_document_is_parsed_in_chunks_with_document_offsets(hostile_run: dict) -> None:
    processed = hostile_run["cfg"].output.processed_dir
    meta = hostile_run["results"]["nlp"].summary
    assert meta["chunks"] > meta["documents"] == len(EXPECTED_DOCUMENTS)
    doc_id = "hostile:long/prose_2m.jsonl:long"
    text = hostile_run["documents"].set_index("doc_id").at[doc_id, "text"]
    filters = [("doc_id", "==", doc_id)]
    sentences = pd.read_parquet(processed / "sentences.parquet", filters=filters)
    columns = ["sent_id", "token_id", "start_char", "text", "head"]
    tokens = pd.read_parquet(processed / "tokens.parquet", filters=filters, columns=columns)
    assert sentences["sent_id"].tolist() == list(range(len(sentences)))
    spans = zip(sentences["start_char"], sentences["end_char"], sentences["text"], strict=True)
    assert all(text[start:end] == sentence for start, end, sentence in spans)
    assert tokens["token_id"].is_monotonic_increasing and tokens["token_id"].is_unique
    assert tokens["head"].isin(tokens["token_id"]).all()
    assert all(text[s : s + len(t)] == t for s, t in zip(tokens["start_char"], tokens["text"], strict=True))
    assert tokens["start_char"].max() > LONG_CHARS - 1000


@pytest.mark.slow
def test_hostile_every_stage_wrote_its_outputs(hostile_run: dict) -> None:
    results = hostile_run["results"]
    assert list(results) == ["ingest", "nlp", "stats", "topics", "classify", "report"]
    for result in results.values():
        assert result.outputs and all(Path(name).is_file() for name in result.outputs)
    assert (hostile_run["cfg"].output.reports_dir / "report.html").is_file()


def _readable_text(path: Path) -> str:
    """A file's bytes as text, and for Parquet and DuckDB files their decoded cell values too."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    data = path.read_bytes()
    parts = [data.decode("utf-8", errors="replace"), data.decode("latin-1")]
    tables = []
    if path.suffix == ".parquet":
        tables.append(pq.read_table(path))
    elif path.suffix == ".duckdb":
        import duckdb

        with duckdb.connect(str(path), read_only=True) as con:
            for (name,) in con.execute("select table_name from information_schema.tables").fetchall():
                tables.append(con.sql(f'select * from "{name}"').to_arrow_table())
    for table in tables:
        for column in table.columns:
            values = column.cast(pa.string()) if not pa.types.is_nested(column.type) else column
            parts.append("\n".join(str(v) for v in values.to_pylist() if v is not None))
    return "\n".join(parts)


@pytest.mark.slow
def test_hostile_nothing_from_etc_passwd_in_any_output(hostile_run: dict) -> None:
    secrets = _passwd_lines()
    if not secrets:
        pytest.skip("/etc/passwd has no lines to look for on this machine")
    files = [p for p in hostile_run["out"].rglob("*") if p.is_file()]
    assert any(p.suffix == ".duckdb" for p in files) and any(p.suffix == ".parquet" for p in files)
    for path in files:
        text = _readable_text(path)
        assert "root:x:0:0" not in text, path
        leaked = [line for line in secrets if line in text]
        assert not leaked, (path, leaked[:2])


def test_the_output_scanner_reads_inside_parquet_and_duckdb(tmp_path: Path) -> None:
    """The leak check must see a string stored compressed in Parquet or inside DuckDB."""
    import duckdb

    secret = "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin"
    pd.DataFrame({"n": range(500), "text": ["leadership"] * 499 + [secret]}).to_parquet(
        tmp_path / "t.parquet", compression="zstd"
    )
    with duckdb.connect(str(tmp_path / "t.duckdb")) as con:
        con.execute("create table t as select * from read_parquet(?)", [str(tmp_path / "t.parquet")])
    assert secret in _readable_text(tmp_path / "t.parquet")
    assert secret in _readable_text(tmp_path / "t.duckdb")
