"""kg: offline knowledge graphs from news articles.

Articles flow through a linear pipeline of small typed stages::

    Article -> spaCy Doc (kg.extract only) -> Extraction records -> resolved entities
            -> RDF graph under ontology/news.ttl -> stores, queries, exports, pictures
"""

__version__ = "0.1.0"

import os

# One OpenBLAS thread per process, unless the user says otherwise. It must be set before numpy
# loads OpenBLAS: capping the threads later (threadpoolctl) does not give the time back. spaCy's
# matrices on a CPU are too small for BLAS threads to pay, and kg runs one extractor per core
# (--jobs), so they only contend with the other workers: on 2,000 short BBC articles, `kg extract
# --jobs 1` spends about 10% less CPU with one thread (3 alternated runs each: 20.0-24.6 s
# against 23.2-25.0 s), for the same output.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from kg.api import KnowledgeGraph, build, read  # noqa: E402  (the public API)

__all__ = ["KnowledgeGraph", "build", "read", "__version__"]
