"""kg: offline knowledge graphs from news articles.

Articles flow through a linear pipeline of small typed stages::

    Article -> spaCy Doc (kg.extract only) -> Extraction records -> resolved entities
            -> RDF graph under ontology/news.ttl -> stores, queries, exports, pictures
"""

__version__ = "0.1.0"

from kg.api import KnowledgeGraph, build, read  # noqa: E402  (the public API)

__all__ = ["KnowledgeGraph", "build", "read", "__version__"]
