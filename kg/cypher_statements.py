"""Every Cypher statement kg sends to Neo4j, as functions returning parameterised text.

Only labels and relationship types are spliced into the text, and only after they are checked
against the ontology's vocabulary (:mod:`kg.ontology`) and quoted with backticks; every value
derived from article text travels in ``$rows``. Writes are ``UNWIND $rows AS row ... MERGE``, so
loading is batched and idempotent.

Example::

    >>> merge_nodes("Entity", ["City", "Place"])
    'UNWIND $rows AS row MERGE (n:`Entity` {uri: row.uri}) SET n += row.props, n:`City`:`Place`'
"""

from __future__ import annotations

import re

from kg.ontology import load_ontology

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


class UnknownName(ValueError):
    """A label or relationship type the ontology does not define."""


def _label(name: str) -> str:
    if not _NAME.match(name) or name not in load_ontology().node_labels:
        raise UnknownName(f"not a node label of the ontology: {name!r}")
    return f"`{name}`"


def _rel_type(name: str) -> str:
    if not _NAME.match(name) or name not in load_ontology().relationship_types:
        raise UnknownName(f"not a relationship type of the ontology: {name!r}")
    return f"`{name}`"


def key_labels() -> list[str]:
    """The labels that carry the uniqueness constraint: every node has exactly one of them."""
    return ["Entity", "Event", "NewsArticle"]


def create_uri_constraint(label: str) -> str:
    """A uniqueness constraint on ``uri`` for ``label`` (also the index MERGE looks up)."""
    name = f"kg_{label.lower()}_uri"
    return f"CREATE CONSTRAINT {name} IF NOT EXISTS FOR (n:{_label(label)}) REQUIRE n.uri IS UNIQUE"


def merge_nodes(key_label: str, extra_labels: list[str]) -> str:
    """Merge nodes by ``uri`` under ``key_label``, set their properties, add their other labels.

    Rows: ``{uri: str, props: map}``.
    """
    statement = f"UNWIND $rows AS row MERGE (n:{_label(key_label)} {{uri: row.uri}}) SET n += row.props"
    extras = [label for label in sorted(extra_labels) if label != key_label]
    if extras:
        statement += ", n" + "".join(f":{_label(label)}" for label in extras)
    return statement


def merge_relationships(rel_type: str, source_label: str, target_label: str) -> str:
    """Merge one relationship of ``rel_type`` per (source, target) and set its properties.

    Rows: ``{source: uri, target: uri, props: map}``.
    """
    return (
        f"UNWIND $rows AS row "
        f"MATCH (a:{_label(source_label)} {{uri: row.source}}) "
        f"MATCH (b:{_label(target_label)} {{uri: row.target}}) "
        f"MERGE (a)-[r:{_rel_type(rel_type)}]->(b) SET r += row.props"
    )


def count_nodes_and_relationships() -> str:
    """Totals in the database: ``nodes``, ``relationships``."""
    return ("CALL () { MATCH (n) RETURN count(n) AS nodes } "
            "CALL () { MATCH ()-[r]->() RETURN count(r) AS relationships } "
            "RETURN nodes, relationships")


def delete_all() -> str:
    """Delete every node and relationship in one transaction (tests use it to start clean)."""
    return "MATCH (n) DETACH DELETE n"
