"""``kg query`` and ``kg load``: SPARQL and Cypher on a graph file, loading into Neo4j.

Registered on the ``kg`` group in :mod:`kg.cli`. Query syntax errors exit 2, connection errors
and failed queries exit 1, each with a one-line message and no traceback.
"""

from __future__ import annotations

import click

from kg.neo4j_store import DEFAULT_BATCH_SIZE

from kg.query import FORMATS, GRAPH_FORMATS

from kg.cli_errors import EXIT_STATUS  # noqa: F401  (kg.cli_query.EXIT_STATUS, as before)


class QuerySyntaxFailure(click.ClickException):
    """A query that does not parse: a usage mistake, exit status 2."""

    exit_code = 2


def _neo4j_options(f):
    f = click.option("--database", default=None, envvar="NEO4J_DATABASE",
                     help="Neo4j database (default: the server's default).")(f)
    f = click.option("--password", envvar="NEO4J_PASSWORD", default="", show_envvar=True,
                     help="Neo4j password.")(f)
    f = click.option("--user", envvar="NEO4J_USER", default="neo4j", show_default=True,
                     show_envvar=True, help="Neo4j user.")(f)
    return f


def _open_store(uri, user, password, database):
    import logging

    from kg.neo4j_store import Neo4jAddressError, Neo4jConnectionError, Neo4jStore

    # the driver logs a warning for each retry and an error for each dropped connection; kg
    # says once, in one line, what happened
    logging.getLogger("neo4j").setLevel(logging.CRITICAL)
    try:
        return Neo4jStore(uri, user, password, database)
    except Neo4jAddressError as exc:
        raise click.BadParameter(str(exc), param_hint="'--neo4j'") from None
    except Neo4jConnectionError as exc:
        raise click.ClickException(str(exc)) from None


def _parameter(ctx, param, values):
    from kg.query import parse_parameter

    params = {}
    for text in values:
        try:
            name, value = parse_parameter(text)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None
        params[name] = value
    return params


def write_graph_result(result, fmt: str) -> None:
    """The triples of a CONSTRUCT or DESCRIBE on standard output, as RDF."""
    import sys

    import pyoxigraph as ox

    from kg.serialize import write_store

    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
                 for t in result.triples)
    write_store(store, sys.stdout.buffer, {"table": "ttl", "json": "jsonld"}.get(fmt, fmt))
    sys.stdout.buffer.flush()


@click.command(epilog=EXIT_STATUS)
@click.argument("graph", required=False, type=click.Path(exists=True))
@click.option("--sparql", metavar="QUERY|FILE", help="A SPARQL query or a .rq file (embedded pyoxigraph).")
@click.option("--cypher", metavar="QUERY|FILE", help="A Cypher query or a .cypher file.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", callback=_parameter,
              help="Bind a parameter: SPARQL's VALUES ?NAME { UNDEF }, Cypher's $NAME. "
                   "2024-03-20 is a date, 12 a number, <...> an IRI, anything else text. Repeatable.")
@click.option("--neo4j", "neo4j_uri", metavar="bolt://HOST:PORT",
              help="Run the Cypher query on this Neo4j instead of on GRAPH.")
@_neo4j_options
@click.option("--format", "fmt", type=click.Choice(FORMATS + GRAPH_FORMATS), default="table",
              show_default=True,
              help="Rows as table, json, csv or tsv; a CONSTRUCT or DESCRIBE writes RDF: ttl (for "
                   "table), jsonld (for json), nt or rdf.")
@click.option("--allow-service", is_flag=True,
              help="Let SPARQL SERVICE send the query to the servers it names (refused by "
              "default: kg works offline).")
def query(graph, sparql, cypher, params, neo4j_uri, user, password, database, fmt, allow_service):
    """Run a SPARQL or Cypher query on GRAPH (embedded), or a Cypher query on Neo4j.

    \b
    kg query out/graph.ttl --sparql queries/visits.rq
    kg query out/graph.ttl --sparql queries/statements.rq --param speaker="Tony Blair"
    kg query out/graph.ttl --cypher 'MATCH (p:Person) RETURN p.label AS name' --format json
    kg query --neo4j bolt://127.0.0.1:7687 --cypher queries/visits.cypher
    """
    from kg.cli_errors import read_graph_file
    from kg.query import (QueryError, QueryFileNotFound, QuerySyntaxError, format_result,
                          read_query)

    if (sparql is None) == (cypher is None):
        raise click.UsageError("give exactly one of --sparql and --cypher")
    if neo4j_uri and sparql is not None:
        raise click.UsageError("Neo4j runs Cypher only; use --cypher with --neo4j")
    if (graph is None) == (neo4j_uri is None):
        raise click.UsageError("give a GRAPH file or --neo4j URI (one of them)")
    try:
        text = read_query(sparql if sparql is not None else cypher)
    except QueryFileNotFound as exc:
        raise click.BadParameter(str(exc), param_hint="'--sparql'" if sparql else "'--cypher'")
    try:
        if neo4j_uri:
            from kg.neo4j_store import Neo4jConnectionError

            with _open_store(neo4j_uri, user, password, database) as store:
                try:
                    result = store.cypher(text, params)
                except Neo4jConnectionError as exc:
                    raise click.ClickException(str(exc)) from None
        else:
            embedded = read_graph_file(graph)
            result = (embedded.sparql(text, params, allow_service) if sparql is not None
                      else embedded.cypher(text, params))
    except QuerySyntaxError as exc:
        raise QuerySyntaxFailure(str(exc)) from None
    except QueryError as exc:
        raise click.ClickException(str(exc)) from None
    if result.triples is not None:
        if fmt in ("csv", "tsv"):
            raise click.UsageError(f"a CONSTRUCT or DESCRIBE writes RDF: use --format "
                                   f"{', '.join(GRAPH_FORMATS)}")
        write_graph_result(result, fmt)
        return
    if fmt in GRAPH_FORMATS:
        raise click.UsageError(f"--format {fmt} is for CONSTRUCT and DESCRIBE; rows are "
                               f"{', '.join(FORMATS)}")
    click.echo(format_result(result, fmt))


@click.command(epilog=EXIT_STATUS)
@click.argument("graph", type=click.Path(exists=True))
@click.option("--neo4j", "neo4j_uri", required=True, envvar="NEO4J_URI", show_envvar=True,
              metavar="bolt://HOST:PORT", help="The Neo4j to load into.")
@_neo4j_options
@click.option("--batch-size", type=click.IntRange(min=1), default=DEFAULT_BATCH_SIZE, show_default=True,
              help="Rows per UNWIND batch.")
def load(graph, neo4j_uri, user, password, database, batch_size):
    """Load GRAPH into Neo4j (idempotent and incremental: nodes merge on their IRI)."""
    from kg.cli_errors import read_graph_file
    from kg.neo4j_store import Neo4jConnectionError
    from kg.query import QueryError

    rdf = read_graph_file(graph).store  # projected with SPARQL: no rdflib graph is made
    with _open_store(neo4j_uri, user, password, database) as store:
        try:
            report = store.load(rdf, batch_size=batch_size)
            nodes, relationships = store.counts()
        except (Neo4jConnectionError, QueryError) as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(report.summary())
    click.echo(f"database now holds {nodes} nodes and {relationships} relationships")
