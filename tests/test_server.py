"""kg serve: the SPARQL 1.1 Protocol endpoint, driven by real clients (SPARQLWrapper, rdflib's
SPARQLStore, plain HTTP), on 127.0.0.1 and a free port."""

from __future__ import annotations

import csv
import io
import json
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import httpx
import pytest
import uvicorn
from rdflib import Graph, Literal
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import EndPointInternalError, QueryBadFormed

import kg
from kg.server import create_app, negotiate

VISITS = """PREFIX news: <https://w3id.org/kg-news/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?who ?place WHERE { ?v a news:Visit ; news:actor/rdfs:label ?who ;
                                news:destination/rdfs:label ?place }"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running(graph, **options):
    port = free_port()
    config = uvicorn.Config(create_app(graph, **options), host="127.0.0.1", port=port,
                            log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 10
    while not server.started and time.time() < deadline:
        time.sleep(0.02)
    assert server.started, "the server did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture(scope="module")
def endpoint():
    from conftest import news_records

    with running(kg.KnowledgeGraph.from_extractions(news_records()), timeout=0.5) as base:
        yield base


def test_sparqlwrapper_select_in_every_results_format(endpoint):
    client = SPARQLWrapper(endpoint + "/sparql")
    client.setQuery(VISITS)
    client.setReturnFormat(JSON)
    bindings = client.query().convert()["results"]["bindings"]
    assert [(b["who"]["value"], b["place"]["value"]) for b in bindings] == [("George Bush", "London")]
    client.setReturnFormat(XML)
    xml = client.query().convert()
    assert [n.firstChild.data for n in xml.getElementsByTagName("literal")] == ["George Bush", "London"]
    for fmt, delimiter in ((CSV, ","), (TSV, "\t")):
        client.setReturnFormat(fmt)
        rows = list(csv.reader(io.StringIO(client.query().convert().decode()), delimiter=delimiter))
        assert rows[0] in (["who", "place"], ["?who", "?place"])
        assert [c.strip('"') for c in rows[1]] == ["George Bush", "London"]


def test_sparqlwrapper_post_and_construct_as_turtle_and_jsonld(endpoint):
    client = SPARQLWrapper(endpoint + "/sparql")
    client.setMethod("POST")
    client.setQuery("PREFIX news: <https://w3id.org/kg-news/ontology#> "
                    "CONSTRUCT { ?a news:visited ?b } WHERE { ?a news:visited ?b }")
    client.setReturnFormat(TURTLE)
    turtle = client.query().convert()
    assert len(Graph().parse(data=turtle, format="turtle")) == 2
    jsonld = httpx.post(endpoint + "/sparql", headers={"Accept": "application/ld+json"},
                        data={"query": "DESCRIBE <https://w3id.org/kg-news/resource/entity/place/london>"})
    assert jsonld.headers["content-type"].startswith("application/ld+json")
    doc = jsonld.json()
    assert "@context" in doc and doc["@graph"][0]["@id"] == "res:entity/place/london"
    assert len(Graph().parse(data=jsonld.text, format="json-ld")) >= 3


def test_rdflib_sparqlstore_reads_the_endpoint(endpoint):
    store = SPARQLStore(endpoint + "/sparql", returnFormat="json")
    graph = Graph(store=store)
    rows = list(graph.query(VISITS))
    assert [(str(r.who), str(r.place)) for r in rows] == [("George Bush", "London")]
    assert (None, None, Literal("Tony Blair")) in graph


def test_updates_are_refused(endpoint):
    client = SPARQLWrapper(endpoint + "/sparql")
    client.setMethod("POST")
    client.setQuery("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    with pytest.raises(Exception) as failure:
        client.query()
    assert "403" in str(failure.value) or "read-only" in str(failure.value)
    for request in (
            dict(method="POST", data={"update": "DELETE WHERE { ?s ?p ?o }"}),
            dict(method="POST", content="CLEAR ALL", headers={"Content-Type": "application/sparql-update"}),
            dict(method="GET", params={"query": "PREFIX x: <urn:x#> DELETE WHERE { ?s ?p ?o }"})):
        response = httpx.request(url=endpoint + "/sparql", **request)
        assert response.status_code == 403 and "read-only" in response.text
    ask = httpx.get(endpoint + "/sparql", params={"query": "ASK { ?s ?p ?o }"})
    assert ask.json()["boolean"] is True  # nothing was deleted
    service = httpx.get(endpoint + "/sparql", params={
        "query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"})
    assert service.status_code == 403 and "SERVICE is refused" in service.text


def test_bad_queries_and_formats_are_client_errors(endpoint):
    bad = httpx.get(endpoint + "/sparql", params={"query": "SELECT ?x WHERE { ?x foo:bar ?y }"})
    assert bad.status_code == 400 and "unknown prefix 'foo:'" in bad.text
    client = SPARQLWrapper(endpoint + "/sparql")
    client.setQuery("SELECT ?x WHERE { ?x ?p }")
    with pytest.raises(QueryBadFormed):
        client.query()
    refused = httpx.get(endpoint + "/sparql", params={"query": VISITS}, headers={"Accept": "image/png"})
    assert refused.status_code == 406
    assert httpx.post(endpoint + "/sparql", data={"other": "x"}).status_code == 400


def test_a_get_with_no_query_gives_the_service_description(endpoint):
    response = httpx.get(endpoint + "/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    sd = Graph().parse(data=response.text, format="turtle")
    SD = "http://www.w3.org/ns/sparql-service-description#"
    from rdflib import URIRef

    service = URIRef(endpoint + "/sparql")
    assert (service, URIRef(SD + "endpoint"), service) in sd
    assert (service, URIRef(SD + "supportedLanguage"), URIRef(SD + "SPARQL11Query")) in sd
    formats = set(sd.objects(service, URIRef(SD + "resultFormat")))
    assert URIRef("http://www.w3.org/ns/formats/SPARQL_Results_CSV") in formats
    (triples,) = sd.objects(None, URIRef("http://rdfs.org/ns/void#triples"))
    assert int(triples) > 100


def test_a_slow_query_times_out_and_the_endpoint_goes_on(endpoint):
    slow = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }")
    started = time.perf_counter()
    response = httpx.get(endpoint + "/sparql", params={"query": slow}, timeout=30)
    assert response.status_code == 503 and "longer than 0.5 s" in response.text
    assert time.perf_counter() - started < 5
    ask = httpx.get(endpoint + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=30)
    assert ask.status_code in (200, 503)  # the abandoned query may still hold a worker


def test_concurrent_clients_get_their_own_answers():
    from conftest import news_records

    graph = kg.KnowledgeGraph.from_extractions(news_records())
    with running(graph, timeout=20, workers=2) as base:
        def ask(i):
            who = ("Tony Blair", "George Bush")[i % 2]
            query = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
                     "SELECT ?e WHERE { ?e rdfs:label \"%s\" }" % who)
            response = httpx.get(base + "/sparql", params={"query": query}, timeout=30)
            return who, response.json()["results"]["bindings"][0]["e"]["value"]

        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(ask, range(24)))
    assert len(answers) == 24
    for who, iri in answers:
        assert iri.endswith(who.lower().replace(" ", "-"))


def test_pages_are_served(endpoint):
    index = httpx.get(endpoint + "/")
    assert index.status_code == 200 and 'href="actors"' in index.text
    actors = httpx.get(endpoint + "/actors")
    assert actors.status_code == 200 and "cytoscape" in actors.text and "Tony Blair" in actors.text
    timeline = httpx.get(endpoint + "/timeline")
    assert timeline.status_code == 200 and "kg-timeline" in timeline.text


@pytest.mark.parametrize("accept,expected", [
    (None, "application/sparql-results+json"),
    ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/*", "text/csv"),
    ("*/*;q=0.1, text/tab-separated-values", "text/tab-separated-values"),
    ("image/png", None),
])
def test_content_negotiation(accept, expected):
    from kg.server import RESULT_TYPES

    assert negotiate(accept, RESULT_TYPES) == expected


def test_kg_serve_command_serves_a_graph_file(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    from conftest import news_records

    path = tmp_path / "g.trig"
    kg.KnowledgeGraph.from_extractions(news_records()).serialize(path)
    port = free_port()
    command = [str(Path(sys.executable).with_name("kg")), "serve", str(path), "--port", str(port),
               "--timeout", "5"]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/sparql",
                                     params={"query": VISITS}, headers={"Accept": "text/csv"})
                break
            except httpx.ConnectError:
                time.sleep(0.1)
        else:
            raise AssertionError("kg serve did not answer")
        assert response.status_code == 200
        assert response.text.splitlines()[1] == "George Bush,London"
    finally:
        server.terminate()
        _, err = server.communicate(timeout=10)
    assert f"at http://127.0.0.1:{port}/sparql" in err
