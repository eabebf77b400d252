"""``kg serve``: a read-only SPARQL 1.1 Protocol endpoint over the embedded store, and the pages.

A small Starlette application run by uvicorn, on 127.0.0.1 unless told otherwise:

- ``GET /sparql?query=...``, ``POST /sparql`` with a form (``query=...``) or with the query as an
  ``application/sparql-query`` body, as the SPARQL 1.1 Protocol has them;
- SELECT and ASK results as JSON, XML, CSV or TSV, CONSTRUCT and DESCRIBE results as Turtle,
  JSON-LD, N-Triples or RDF/XML, chosen by the ``Accept`` header (or a ``format`` parameter);
- updates refused (403): the endpoint never changes the graph; SERVICE too (it would make the
  server send queries to other hosts);
- each query runs in a worker thread, at most ``workers`` at a time, and is answered with 503
  when it takes longer than ``timeout`` seconds (pyoxigraph cannot stop a query midway: it runs
  on in its thread, which stays counted against ``workers`` until it ends);
- a GET of ``/sparql`` with no query gives the SPARQL 1.1 Service Description (Turtle, or
  JSON-LD, ... by Accept);
- ``/`` links the pages, ``/actors`` is the actor page and ``/timeline`` the timeline of events
  (made on first request and kept).

Example::

    app = create_app(kg.read("out/graph.ttl"))
    uvicorn.run(app, host="127.0.0.1", port=8000)
"""

from __future__ import annotations

import html
import logging
import time

import anyio
import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from kg.query import SPARQL_PREFIXES

log = logging.getLogger("kg.serve")

DEFAULT_TIMEOUT = 30.0
DEFAULT_WORKERS = 2

# media type -> pyoxigraph results format, for SELECT and ASK (the first is the default)
RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    "text/xml": ox.QueryResultsFormat.XML,
}
# media type -> kg graph format, for CONSTRUCT and DESCRIBE (the first is the default)
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/json": "json-ld",
    "application/n-triples": "nt",
    "text/plain": "nt",
    "application/rdf+xml": "xml",
    "application/xml": "xml",
}
# the ``format`` parameter some clients send instead of (or beside) Accept
_FORMAT_PARAMETER = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                     "csv": "text/csv", "tsv": "text/tab-separated-values", "turtle": "text/turtle",
                     "json-ld": "application/ld+json", "jsonld": "application/ld+json",
                     "nt": "application/n-triples", "rdfxml": "application/rdf+xml"}
_UPDATES = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD"}


class _Refused(Exception):
    def __init__(self, status: int, message: str):
        self.status, self.message = status, message


class _Describe(Exception):
    """A GET of the endpoint with no query: answered with its service description."""


_SD = "http://www.w3.org/ns/sparql-service-description#"
_FORMATS = "http://www.w3.org/ns/formats/"


def service_description(endpoint: str, triples: int) -> ox.Store:
    """The SPARQL 1.1 Service Description of the endpoint at ``endpoint``: SPARQL 1.1 Query, the
    result formats it answers in, the default graph as the union of the graph, its size."""
    store = ox.Store()
    service, dataset, graph = ox.NamedNode(endpoint), ox.BlankNode("dataset"), ox.BlankNode("graph")
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

    def add(s, p, o):
        store.add(ox.Quad(s, p if isinstance(p, ox.NamedNode) else ox.NamedNode(p), o,
                          ox.DefaultGraph()))

    add(service, rdf_type, ox.NamedNode(_SD + "Service"))
    add(service, _SD + "endpoint", service)
    add(service, _SD + "supportedLanguage", ox.NamedNode(_SD + "SPARQL11Query"))
    add(service, _SD + "feature", ox.NamedNode(_SD + "UnionDefaultGraph"))
    for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
                 "SPARQL_Results_TSV", "Turtle", "JSON-LD", "N-Triples", "RDF_XML"):
        add(service, _SD + "resultFormat", ox.NamedNode(_FORMATS + name))
    add(service, _SD + "defaultDataset", dataset)
    add(dataset, rdf_type, ox.NamedNode(_SD + "Dataset"))
    add(dataset, _SD + "defaultGraph", graph)
    add(graph, rdf_type, ox.NamedNode(_SD + "Graph"))
    add(graph, "http://rdfs.org/ns/void#triples",
        ox.Literal(str(triples), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")))
    return store


def negotiate(accept: str | None, offered: dict) -> str | None:
    """The media type of ``offered`` that ``accept`` prefers (q-values, ``*/*``, ``type/*``);
    the first offered when ``accept`` is empty; None when it accepts none of them."""
    if not accept or not accept.strip():
        return next(iter(offered))
    ranked = []
    for position, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media, q = fields[0].lower(), 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if q > 0:
            ranked.append((-q, position, media))
    for _, _, media in sorted(ranked):
        if media in offered:
            return media
        if media == "*/*":
            return next(iter(offered))
        if media.endswith("/*"):
            family = media[:-1]
            match = next((m for m in offered if m.startswith(family)), None)
            if match:
                return match
    return None


async def _query_text(request: Request) -> str:
    """The query of a Protocol request; updates and dataset parameters are refused."""
    params = request.query_params
    form = {}
    if request.method == "POST":
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type == "application/sparql-update":
            raise _Refused(403, "this endpoint is read-only: updates are refused")
        if content_type == "application/sparql-query":
            body = (await request.body()).decode("utf-8", errors="replace")
            return _checked(body, params)
        if content_type == "application/x-www-form-urlencoded":
            from urllib.parse import parse_qsl

            form = dict(parse_qsl((await request.body()).decode("utf-8", errors="replace")))
        else:
            raise _Refused(415, "POST a query as application/x-www-form-urlencoded (query=...) "
                                "or as application/sparql-query")
    if "update" in form or "update" in params:
        raise _Refused(403, "this endpoint is read-only: updates are refused")
    query = form.get("query") or params.get("query")
    if not query:
        if request.method == "GET" and not params:
            raise _Describe()
        raise _Refused(400, "give a SPARQL query in the query parameter")
    return _checked(str(query), {**params, **form})


def _checked(query: str, params) -> str:
    if "default-graph-uri" in params or "named-graph-uri" in params:
        raise _Refused(400, "this endpoint serves one graph: default-graph-uri and "
                            "named-graph-uri are not supported")
    from kg.sparql_policy import QueryRefused, check_query, keywords

    if keywords(query) & _UPDATES:
        raise _Refused(403, "this endpoint is read-only: updates are refused")
    try:
        check_query(query)  # SERVICE would make the server a client of any host
    except QueryRefused as exc:
        raise _Refused(403, str(exc).replace(" (kg query --allow-service allows it)", "")) from None
    return query


def _run(store: ox.Store, query: str, accept: str | None) -> tuple[bytes, str]:
    """Evaluate and serialise, in a worker thread; returns (body, media type)."""
    try:
        result = store.query(query, prefixes=SPARQL_PREFIXES, use_default_graph_as_union=True)
    except SyntaxError as exc:
        from kg.query import _syntax_message

        raise _Refused(400, f"SPARQL syntax error at {_syntax_message(str(exc), query)}") from None
    except OSError as exc:
        raise _Refused(500, f"SPARQL query failed: {exc}") from None
    if isinstance(result, ox.QueryTriples):
        media = negotiate(accept, GRAPH_TYPES)
        if media is None:
            raise _Refused(406, "a CONSTRUCT or DESCRIBE answers in "
                                + ", ".join(dict.fromkeys(GRAPH_TYPES)))
        from kg.serialize import generate_rdf

        graph = ox.Store()
        graph.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in result)
        return b"".join(generate_rdf(graph, GRAPH_TYPES[media])), media
    media = negotiate(accept, RESULT_TYPES)
    if media is None:
        raise _Refused(406, "a SELECT or ASK answers in " + ", ".join(dict.fromkeys(RESULT_TYPES)))
    fmt = RESULT_TYPES[media]
    if media in ("application/json", "application/xml", "text/xml"):
        media = "application/sparql-results+json" if fmt == ox.QueryResultsFormat.JSON \
            else "application/sparql-results+xml"
    return result.serialize(format=fmt), media


def create_app(graph, *, timeout: float = DEFAULT_TIMEOUT, workers: int = DEFAULT_WORKERS,
               title: str = "kg") -> Starlette:
    """The ASGI application serving ``graph`` (a :class:`kg.KnowledgeGraph`)."""
    store = graph.store
    limiter = anyio.CapacityLimiter(workers)
    pages: dict[str, str] = {}

    async def sparql(request: Request) -> Response:
        started = time.perf_counter()
        try:
            query = await _query_text(request)
            accept = request.headers.get("accept")
            fmt = request.query_params.get("format") or request.query_params.get("output")
            if fmt and fmt.lower() in _FORMAT_PARAMETER and (not accept or accept == "*/*"):
                accept = _FORMAT_PARAMETER[fmt.lower()]
            with anyio.fail_after(timeout):
                body, media = await anyio.to_thread.run_sync(_run, store, query, accept,
                                                             limiter=limiter,
                                                             abandon_on_cancel=True)
        except _Refused as exc:
            return PlainTextResponse(exc.message + "\n", status_code=exc.status)
        except _Describe:
            from kg.serialize import generate_rdf

            media = negotiate(request.headers.get("accept"), GRAPH_TYPES) or "text/turtle"
            described = service_description(str(request.url).split("?")[0], len(store))
            return Response(b"".join(generate_rdf(described, GRAPH_TYPES[media])),
                            media_type=media, headers={"Vary": "Accept"})
        except TimeoutError:
            log.warning("query timed out after %.0f s", timeout)
            return PlainTextResponse(f"the query took longer than {timeout:g} s and was "
                                     f"abandoned\n", status_code=503)
        log.info("answered %s in %.3f s", media, time.perf_counter() - started)
        charset = "" if media.endswith("json") or "xml" in media else "; charset=utf-8"
        return Response(body, media_type=media + charset,
                        headers={"Vary": "Accept", "Cache-Control": "no-store"})

    async def page(request: Request) -> Response:
        name = request.url.path.strip("/")
        if name not in pages:
            pages[name] = await anyio.to_thread.run_sync(_page, graph, name, title,
                                                         limiter=limiter)
        return HTMLResponse(pages[name])

    async def index(request: Request) -> Response:
        return HTMLResponse(_INDEX.format(title=html.escape(title), triples=len(store)))

    return Starlette(routes=[
        Route("/", index),
        Route("/sparql", sparql, methods=["GET", "POST"]),
        Route("/actors", page),
        Route("/timeline", page),
        Route("/favicon.ico", lambda request: Response(status_code=204)),
    ])


def _page(graph, name: str, title: str) -> str:
    from kg.property_graph import to_property_graph
    from kg.viz.html import generate_html
    from kg.viz.model import actor_view

    view = actor_view(to_property_graph(graph.store))
    if name == "timeline":
        from kg.viz.html import generate_timeline_html

        return generate_timeline_html(view, title=f"{title}: events in time")
    return generate_html(view, title=f"{title}: actors")


_INDEX = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 2em auto">
<h1>{title}</h1>
<p>{triples} triples, read-only.</p>
<ul>
<li><a href="actors">Actors</a>: who relates to whom, with the evidence of each edge.</li>
<li><a href="timeline">Timeline</a>: events by date and class.</li>
<li><code>sparql</code>: the SPARQL 1.1 endpoint (GET or POST <code>query=</code>).</li>
</ul>
</body></html>
"""


def serve(graph, host: str = "127.0.0.1", port: int = 8000, *, timeout: float = DEFAULT_TIMEOUT,
          workers: int = DEFAULT_WORKERS, title: str = "kg", log_level: str = "info") -> None:
    """Serve ``graph`` until interrupted (Ctrl-C)."""
    import uvicorn

    uvicorn.run(create_app(graph, timeout=timeout, workers=workers, title=title), host=host,
                port=port, log_level=log_level)
