"""The graph of record on disk: a directory holding a pyoxigraph (RocksDB) store.

``kg build CORPUS --store graph.kg`` writes the settled graph into ``graph.kg/``; ``kg query``,
``kg serve``, ``kg export``, ``kg viz``, ``kg load`` and ``kg validate`` open that directory as
they open a graph file, without parsing anything. Layout::

    graph.kg/
        kg-store.json    what the directory is (format, kg version, triple count, fingerprint)
        oxigraph/        the pyoxigraph store of the graph of record (its default graph only)
        pieces/          a pyoxigraph store of each article's piece, a named graph each
        index.sqlite     what the corpus steps need to work on what changed (kg.corpus_index)

A build brings the store up to date with its inputs: articles it holds are not read again, new
ones are added, gone ones taken out, and the corpus steps run only where those reach
(:mod:`kg.settle`); with nothing new the store is not touched. It works on a copy beside the old
store (``.graph.kg.partial-PID``: a RocksDB checkpoint, hard links, and a copy of the index)
and swaps it in only when it is complete, so a killed build leaves the previous store as it
was; the next build removes the leftover and does the work again (with ``--cache``, only the
extraction it had not committed). A store written by another version of kg's extraction or
corpus code (its fingerprint differs) is built again from scratch.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pyoxigraph as ox

MARKER = "kg-store.json"
FORMAT = "kg pyoxigraph store"
LAYOUT = 2  # 2: with pieces/ and index.sqlite, so builds can be incremental
INDEX = "index.sqlite"

# the code and data whose change can change the settled graph of the same pieces
_CORPUS_SOURCES = ("corpus_index.py", "settle.py", "resolve_corpus.py", "corroborate.py",
                   "disjoint_sets.py", "rdf.py", "data")


def store_fingerprint(model: str | None = None, min_confidence: float | None = None) -> str:
    """A short hash of the extractor (:func:`kg.cache.extractor_fingerprint`), of the corpus
    steps' code and data and of the ontology: a store made under another is built again."""
    import hashlib

    from kg.cache import extractor_fingerprint, hash_sources
    from kg.namespaces import ONTOLOGY_FILE

    h = hashlib.sha256(extractor_fingerprint(model, min_confidence).encode())
    hash_sources(h, _CORPUS_SOURCES)
    h.update(ONTOLOGY_FILE.read_bytes())
    return h.hexdigest()[:16]


class NotAStore(ValueError):
    """A path that should be a kg store directory but is something else."""


def is_store(path: str | os.PathLike) -> bool:
    """``path`` is a directory a kg build wrote its store into."""
    p = Path(path)
    return p.is_dir() and (p / MARKER).is_file()


def open_store(path: str | os.PathLike) -> ox.Store:
    """The store in the kg store directory ``path``, opened read-only (any number of readers
    may open it at once)."""
    p = Path(path)
    if not is_store(p):
        raise NotAStore(f"{path} is not a kg store (no {MARKER})")
    return ox.Store.read_only(str(p / "oxigraph"))


def describe(path: str | os.PathLike) -> dict:
    """What ``kg-store.json`` says of the store at ``path``."""
    with open(Path(path) / MARKER, encoding="utf-8") as f:
        return json.load(f)


class StoreBuild:
    """The store at ``target`` brought up to date aside and swapped in by :meth:`commit`::

        build = StoreBuild("graph.kg", store_fingerprint())
        build.live                  # content hashes of the articles the store holds
        corpus = CorpusGraph(*build.open(), spool=build.spool)  # on a copy (made on the first call)
        ...
        del corpus
        build.commit()      # graph.kg/ now holds the new graph; the old one is gone

    ``target`` must be absent, empty, or a kg store (never a file or another directory). A kg
    store of the same layout and ``fingerprint`` is the starting point; any other is built
    again from nothing. :meth:`commit` without an :meth:`open` call changes nothing.
    """

    def __init__(self, target: str | os.PathLike, fingerprint: str | None = None):
        self.target = Path(target)
        if self.target.exists() and not is_store(self.target) and not (
                self.target.is_dir() and not any(self.target.iterdir())):
            raise NotAStore(f"{target} exists and is not a kg store: not replacing it")
        parent = self.target.absolute().parent
        parent.mkdir(parents=True, exist_ok=True)
        for leftover in parent.glob(f".{self.target.name}.partial-*"):  # of a killed build
            shutil.rmtree(leftover, ignore_errors=True)
        self.partial = parent / f".{self.target.name}.partial-{os.getpid()}"
        self.fingerprint = fingerprint
        self.live: set[str] = set()
        self.previous_triples = 0
        self.previous = False
        if is_store(self.target) and fingerprint is not None:
            about = describe(self.target)
            if (about.get("layout") == LAYOUT and about.get("fingerprint") == fingerprint
                    and (self.target / INDEX).is_file() and (self.target / "pieces").is_dir()):
                import sqlite3

                self.previous = True
                self.previous_triples = about.get("triples", 0)
                uri = (self.target / INDEX).absolute().as_uri() + "?mode=ro"
                with sqlite3.connect(uri, uri=True) as db:
                    self.live = {h for (h,) in db.execute("SELECT hash FROM article")}
                db.close()
        self._opened = None

    def open(self) -> tuple:
        """``(store, index, pieces)`` to bring up to date (see :class:`kg.rdf.CorpusGraph`): a
        checkpoint of the old store when it is the starting point, else new empty ones."""
        if self._opened is None:
            import sqlite3

            from kg.corpus_index import CorpusIndex

            self.partial.mkdir()
            if self.previous:
                for name in ("oxigraph", "pieces"):
                    old = ox.Store.read_only(str(self.target / name))
                    old.backup(str(self.partial / name))
                    del old
                src = sqlite3.connect((self.target / INDEX).absolute().as_uri() + "?mode=ro",
                                      uri=True)
                dst = sqlite3.connect(self.partial / INDEX)
                src.backup(dst)
                src.close()
                dst.close()
            self._opened = (ox.Store(str(self.partial / "oxigraph")),
                            CorpusIndex(self.partial / INDEX),
                            ox.Store(str(self.partial / "pieces")))
        return self._opened

    @property
    def spool(self) -> Path:
        """Where the new articles' pieces wait for the pieces store (:class:`kg.rdf.PieceSpool`):
        inside the copy, so a killed build's leftover goes with it."""
        return self.partial / "pieces.nq"

    @property
    def store(self) -> ox.Store:
        """The store of the new graph of record (see :meth:`open`)."""
        return self.open()[0]

    def commit(self) -> Path:
        """Flush the new store and put it where ``target`` was; returns ``target``."""
        from kg import __version__

        if self._opened is None:  # nothing changed
            return self.target
        store, index, pieces = self._opened
        self._opened = None
        hashes = index.hashes()
        if len(hashes ^ self.live) * 10 >= max(len(hashes), 1):
            # The corpus steps write through the bulk loader, file upon file. Compacted, the
            # 100,000-article store answers queries/*.rq in about half the time (co_mentions
            # 175 -> 73 ms), for 4 s; worth it when a tenth of the articles or more changed,
            # while RocksDB's own compaction takes care of small updates
            store.optimize()
        store.flush()
        pieces.flush()
        count = len(store)
        articles = len(hashes)
        index.close()
        del store, pieces  # close the RocksDB files before the directory moves
        with open(self.partial / MARKER, "w", encoding="utf-8") as f:
            json.dump({"format": FORMAT, "kg": __version__, "triples": count, "layout": LAYOUT,
                       "fingerprint": self.fingerprint, "articles": articles}, f)
            f.write("\n")
        old = None
        if self.target.exists():
            old = self.target.with_name(f".{self.target.name}.old-{os.getpid()}")
            os.replace(self.target, old)
        os.replace(self.partial, self.target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return self.target

    def abandon(self) -> None:
        """Remove the new store (a build that failed or read nothing)."""
        opened, self._opened = self._opened, None
        if opened is not None:
            try:
                opened[1].db.close()
            except Exception:
                pass
            del opened
        shutil.rmtree(self.partial, ignore_errors=True)
