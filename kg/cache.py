"""A cache of article extractions by content hash, so re-runs only read new or changed articles.

One SQLite file (``extractions-v2.sqlite``) in the cache directory holds one row per
(article content hash, extractor fingerprint). Rows are written in transactions, so a run
killed at any point leaves every committed row usable and none half-written; the next run
picks up where it stopped::

    with ExtractionCache("cache/", extractor_fingerprint()) as cache:
        cached = cache.get(article.content_hash)       # ArticleExtraction or None
        cache.put(extraction)                          # committed in batches

The fingerprint covers the extractor's code and data and the spaCy pipeline, so changing the
rules or the model never serves a stale extraction. Rows are pickled records: the cache is a
private working directory of the person running kg, never input from others.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
import time
import zlib
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from kg.records import ArticleExtraction

CACHE_FILE = "extractions-v2.sqlite"  # v2: with the graph piece of each article

# the code and data whose change can change an extraction
_EXTRACTOR_SOURCES = ("extract", "data", "resolve.py", "records.py", "nlp.py", "iri.py",
                      "rdf.py", "namespaces.py")


@lru_cache(maxsize=8)
def extractor_fingerprint(model: str | None = None, min_confidence: float | None = None) -> str:
    """A short hash of the spaCy pipeline name and version, of kg's extraction code and data, and
    of the confidence floor the extractions were filtered with."""
    import spacy

    from kg import __version__
    from kg.nlp import resolve_model_name

    name = resolve_model_name(model)
    h = hashlib.sha256(f"{__version__}\x00{spacy.__version__}\x00{name}\x00".encode())
    if min_confidence is not None:
        h.update(f"min-confidence {min_confidence!r}\x00".encode())
    try:
        from importlib.metadata import version

        h.update(version(name.replace("_", "-")).encode())
    except Exception:  # a model given by path has no distribution metadata
        pass
    hash_sources(h, _EXTRACTOR_SOURCES)
    return h.hexdigest()[:16]


def hash_sources(h, entries) -> None:
    """Feed ``h`` the path and bytes of each file of kg named in ``entries`` (files, folders)."""
    root = Path(__file__).parent
    for entry in entries:
        path = root / entry
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix != ".pyc") \
            if path.is_dir() else [path]
        for file in files:
            h.update(file.relative_to(root).as_posix().encode() + b"\x00")
            h.update(file.read_bytes())


class CacheError(RuntimeError):
    """The cache cannot be read or written (disk full, not an SQLite file); one line."""


@contextmanager
def _sqlite_errors(path: Path) -> Iterator[None]:
    try:
        yield
    except sqlite3.Error as exc:
        raise CacheError(f"cache {path}: {exc}") from exc


class ExtractionCache:
    """Extractions keyed by :attr:`~kg.records.Article.content_hash` under one fingerprint.

    ``put`` buffers rows and commits them every ``commit_every`` rows or ``commit_seconds``,
    whichever comes first; ``flush`` (and leaving the ``with`` block) commits the rest.
    """

    def __init__(self, directory: str | os.PathLike, fingerprint: str, commit_every: int = 16,
                 commit_seconds: float = 1.0):
        self.path = Path(directory) / CACHE_FILE
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fingerprint = fingerprint
        self.commit_every = commit_every
        self.commit_seconds = commit_seconds
        with _sqlite_errors(self.path):
            self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("CREATE TABLE IF NOT EXISTS extraction (hash TEXT NOT NULL, "
                             "fingerprint TEXT NOT NULL, data BLOB NOT NULL, graph BLOB, "
                             "PRIMARY KEY (hash, fingerprint))")
        self._pending: list[tuple[str, str, bytes, bytes | None]] = []
        self._last_commit = time.monotonic()

    def __enter__(self) -> ExtractionCache:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:  # the run failed: keep what was committed, and let its error through
            self._pending.clear()
            self._db.close()

    def __contains__(self, content_hash: str) -> bool:
        with _sqlite_errors(self.path):
            row = self._db.execute("SELECT 1 FROM extraction WHERE hash = ? AND fingerprint = ?",
                                   (content_hash, self.fingerprint)).fetchone()
        return row is not None

    def __len__(self) -> int:
        return self._db.execute("SELECT count(*) FROM extraction WHERE fingerprint = ?",
                                (self.fingerprint,)).fetchone()[0]

    def get(self, content_hash: str) -> ArticleExtraction | None:
        entry = self.get_entry(content_hash)
        return entry[0] if entry else None

    def get_entry(self, content_hash: str) -> tuple[ArticleExtraction, bytes | None] | None:
        """The extraction and its graph piece (N-Triples, see :func:`kg.rdf.article_ntriples`)."""
        with _sqlite_errors(self.path):
            row = self._db.execute("SELECT data, graph FROM extraction WHERE hash = ? AND "
                                   "fingerprint = ?", (content_hash, self.fingerprint)).fetchone()
        if not row:
            return None
        return (pickle.loads(zlib.decompress(row[0])),
                zlib.decompress(row[1]) if row[1] is not None else None)

    def put(self, extraction: ArticleExtraction, graph: bytes | None = None) -> None:
        data = zlib.compress(pickle.dumps(extraction, protocol=pickle.HIGHEST_PROTOCOL), 1)
        piece = zlib.compress(graph, 1) if graph is not None else None
        self._pending.append((extraction.article.content_hash, self.fingerprint, data, piece))
        if (len(self._pending) >= self.commit_every
                or time.monotonic() - self._last_commit >= self.commit_seconds):
            self.flush()

    def flush(self) -> None:
        """Commit the buffered rows in one transaction."""
        if self._pending:
            with _sqlite_errors(self.path), self._db:
                self._db.execute("BEGIN")
                self._db.executemany("INSERT OR REPLACE INTO extraction VALUES (?, ?, ?, ?)",
                                     self._pending)
            self._pending.clear()
        self._last_commit = time.monotonic()

    def close(self) -> None:
        self.flush()
        self._db.close()
