"""SHA-256 digests of files and of sets of files: the one hashing helper of the pipeline."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

__all__ = ["digest_files", "sha256_file"]


def sha256_file(path: Path, *, chunk: int = 1 << 20) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def digest_files(paths: Iterable[Path], *, root: Path | None = None) -> str:
    """One sha256 over the names (relative to ``root``) and contents of ``paths``, sorted."""
    digest = hashlib.sha256()
    for path in sorted(Path(p) for p in paths):
        name = path.relative_to(root).as_posix() if root else path.as_posix()
        digest.update(name.encode("utf-8") + b"\0" + sha256_file(path).encode("ascii") + b"\n")
    return digest.hexdigest()
