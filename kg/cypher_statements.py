"""Every Cypher statement kg sends to Neo4j, as functions returning parameterised text.

Only labels and relationship types are spliced into the text, and only after they are checked
against the ontology's vocabulary (:mod:`kg.ontology`) and quoted with backticks; every value
derived from article text travels in ``$rows``. Writes are ``UNWIND $rows AS row ...``, so
loading is batched. :mod:`kg.neo4j_store` uses ``CREATE`` only for what it knows is new (a node
whose ``uri`` is not in the database yet, a relationship with a new endpoint) and ``MERGE`` for
the rest, so loading stays idempotent.

Example::

    >>> create_nodes(["City", "Entity", "Place"])
    'UNWIND $rows AS row CREATE (n:`City`:`Entity`:`Place`) SET n = row RETURN collect(row.uri) AS uris, collect(elementId(n)) AS ids'
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
    return ["Entity", "Event", "EventReport", "NewsArticle"]


def create_uri_constraint(label: str) -> str:
    """A uniqueness constraint on ``uri`` for ``label`` (also the index MERGE looks up)."""
    name = f"kg_{label.lower()}_uri"
    return f"CREATE CONSTRAINT {name} IF NOT EXISTS FOR (n:{_label(label)}) REQUIRE n.uri IS UNIQUE"


_NODE_IDS = "RETURN collect(row.uri) AS uris, collect(elementId(n)) AS ids"


def count_label(label: str) -> str:
    """How many nodes carry ``label`` (``count``; Neo4j answers from its count store)."""
    return f"MATCH (n:{_label(label)}) RETURN count(n) AS count"


def find_nodes(key_label: str) -> str:
    """Which of the ``uri`` values in ``$rows`` a ``key_label`` node has already.

    Rows: ``str`` (a uri). Returns one record: ``uris``, those found.
    """
    return f"UNWIND $rows AS uri MATCH (n:{_label(key_label)} {{uri: uri}}) RETURN collect(uri) AS uris"


def create_nodes(labels: list[str]) -> str:
    """Create one node per row with all of ``labels`` and the row as its properties.

    Only for uris the database does not hold yet (the uniqueness constraint rejects a
    duplicate). Rows: property maps with ``uri``. Returns one record: ``uris`` and, in step,
    ``ids`` (element ids).
    """
    names = "".join(f":{_label(label)}" for label in sorted(labels))
    return f"UNWIND $rows AS row CREATE (n{names}) SET n = row {_NODE_IDS}"


def merge_nodes(key_label: str, extra_labels: list[str]) -> str:
    """Merge nodes by ``uri`` under ``key_label``, set their properties, add their other labels.

    Rows: property maps with ``uri``. Returns ``uris``, ``ids`` as :func:`create_nodes`.
    """
    statement = f"UNWIND $rows AS row MERGE (n:{_label(key_label)} {{uri: row.uri}}) SET n += row"
    extras = [label for label in sorted(extra_labels) if label != key_label]
    if extras:
        statement += ", n" + "".join(f":{_label(label)}" for label in extras)
    return f"{statement} {_NODE_IDS}"


_ENDPOINTS_BY_ID = (
    # The element id finds the node without an index seek; the uri check makes sure it is still
    # the node that id was given to (ids of deleted nodes are reused).
    "MATCH (a) WHERE elementId(a) = row.a AND a.uri = row.source "
    "MATCH (b) WHERE elementId(b) = row.b AND b.uri = row.target ")

REPORT_LISTS = ("claims", "articles", "sentences", "confidences")
"""The relationship properties that hold every report of a relation, in step (one item a claim)."""


def _merge_reports(rel_type: str) -> str:
    """MERGE a relationship and add the reports (claims) of ``row.props`` it does not hold yet,
    so a relation read in several articles, loaded graph by graph, keeps each one's evidence;
    the single ``article``/``sentence``/``confidence`` stay those of its first report."""
    had = ", ".join(f"coalesce(r.{name}, []) AS had_{name}" for name in REPORT_LISTS)
    lists = ", ".join(
        f"r.{name} = CASE WHEN row.props.claims IS NULL THEN r.{name} "
        f"ELSE had_{name} + [i IN fresh | row.props.{name}[i]] END" for name in REPORT_LISTS)
    return (
        f"MERGE (a)-[r:{_rel_type(rel_type)}]->(b) "
        f"WITH r, row, {had} "
        f"WITH r, row, {', '.join('had_' + n for n in REPORT_LISTS)}, "
        f"[i IN range(0, size(coalesce(row.props.claims, [])) - 1) "
        f"WHERE NOT row.props.claims[i] IN had_claims] AS fresh "
        f"SET r += row.props, {lists} "
        f"WITH r, row WHERE row.props.claims IS NOT NULL "
        f"SET r.reports = size(r.claims), r.article = r.articles[0], "
        f"r.sentence = r.sentences[0], r.confidence = r.confidences[0] ")


def create_relationships(rel_type: str) -> str:
    """Create one relationship of ``rel_type`` per row between nodes known by element id.

    Only for relationships that cannot exist yet (one endpoint was created by this load).
    Rows: ``{a: element id, source: uri, b: element id, target: uri, props: map}``.
    Returns ``written``: the rows whose two endpoints were found.
    """
    return (f"UNWIND $rows AS row {_ENDPOINTS_BY_ID}"
            f"CREATE (a)-[r:{_rel_type(rel_type)}]->(b) SET r = row.props "
            f"RETURN count(*) AS written")


def merge_relationships(rel_type: str) -> str:
    """Merge one relationship of ``rel_type`` per row, as :func:`create_relationships` rows;
    the reports of a relationship already there are added to, not replaced
    (:data:`REPORT_LISTS`)."""
    return (f"UNWIND $rows AS row {_ENDPOINTS_BY_ID}"
            f"CALL (a, b, row) {{ {_merge_reports(rel_type)}}} RETURN count(*) AS written")


def merge_relationships_by_uri(rel_type: str, source_label: str, target_label: str) -> str:
    """Merge one relationship of ``rel_type`` per (source, target), finding nodes by ``uri``.

    The fallback for a batch whose element ids went stale. Rows: ``{source: uri, target: uri,
    props: map}`` (other keys are ignored).
    """
    return (
        f"UNWIND $rows AS row "
        f"MATCH (a:{_label(source_label)} {{uri: row.source}}) "
        f"MATCH (b:{_label(target_label)} {{uri: row.target}}) "
        f"CALL (a, b, row) {{ {_merge_reports(rel_type)}}}"
    )


def count_nodes_and_relationships() -> str:
    """Totals in the database: ``nodes``, ``relationships``."""
    return ("CALL () { MATCH (n) RETURN count(n) AS nodes } "
            "CALL () { MATCH ()-[r]->() RETURN count(r) AS relationships } "
            "RETURN nodes, relationships")


def delete_all() -> str:
    """Delete every node and relationship in one transaction (tests use it to start clean)."""
    return "MATCH (n) DETACH DELETE n"


# ---------------------------------------------------------------- the load lock
# One node, (:KgLoadLock {name: "kg load"}), says which loader is writing: two loads at once
# could write one relationship twice (see kg.neo4j_store). It lives only while a load runs.

LOAD_LOCK_LABEL = "KgLoadLock"


def create_load_lock_constraint() -> str:
    """Uniqueness of the lock's name, so two loaders MERGE one lock node, never two."""
    return (f"CREATE CONSTRAINT kg_load_lock IF NOT EXISTS FOR (l:{LOAD_LOCK_LABEL}) "
            "REQUIRE l.name IS UNIQUE")


def acquire_load_lock() -> str:
    """Take the lock for ``$owner`` if it is free, ours, or its holder's heartbeat is older than
    ``$stale_ms`` (a killed loader); returns ``free`` (whether we hold it now) and ``owner``.

    The first SET takes the node's write lock before the owner is read, so two loaders cannot
    both see it free (Neo4j's documented way to avoid lost updates)."""
    return (f"MERGE (l:{LOAD_LOCK_LABEL} {{name: 'kg load'}}) SET l.claimed = true "
            "WITH l, (l.owner IS NULL OR l.owner = $owner "
            "OR l.heartbeat < timestamp() - $stale_ms) AS free "
            "SET l.owner = CASE WHEN free THEN $owner ELSE l.owner END, "
            "l.heartbeat = CASE WHEN free THEN timestamp() ELSE l.heartbeat END "
            "RETURN free, l.owner AS owner")


def renew_load_lock() -> str:
    """The holder's heartbeat."""
    return (f"MATCH (l:{LOAD_LOCK_LABEL} {{name: 'kg load'}}) WHERE l.owner = $owner "
            "SET l.heartbeat = timestamp()")


def release_load_lock() -> str:
    """Remove the lock node if ``$owner`` holds it."""
    return (f"MATCH (l:{LOAD_LOCK_LABEL} {{name: 'kg load'}}) WHERE l.owner = $owner "
            "DELETE l")
