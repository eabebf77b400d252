"""Offline means offline: untrusted graphs, queries and article metadata reach nothing outside.

A local HTTP server stands in for the internet and counts what reaches it.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from click.testing import CliRunner
from rdflib import Literal, URIRef
from rdflib.namespace import RDFS

from kg.cli import main
from kg.jsonld import CONTEXT_IRI, ContextRefused, inline_contexts, parse_jsonld
from kg.namespaces import NEWS, SCHEMA
from kg.property_graph import to_property_graph
from kg.query import QueryError, QueryResult, format_result, run_sparql, store_from_graph
from kg.sparql_policy import QueryRefused, check_query, keywords
from kg.viz.html import page_data
from kg.viz.model import actor_view, web_url

CONTEXT = {"@context": {"name": "http://schema.org/name"}}


@pytest.fixture
def internet():
    """A server on 127.0.0.1 that answers anything with a JSON-LD context and records requests."""
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def _answer(self):
            requests.append(f"{self.command} {self.path}")
            body = json.dumps(CONTEXT).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/ld+json")
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", requests
    server.shutdown()
    server.server_close()


def kg(*args: str):
    return CliRunner().invoke(main, list(args))


def _document(context) -> dict:
    return {"@context": context, "@id": "http://example.org/x", "name": "X"}


# ---------------------------------------------------------------- JSON-LD contexts

@pytest.mark.parametrize("command", [
    ["validate"], ["export", "-o", "{out}/x.ttl"], ["viz", "-o", "{out}/x.html"],
    ["query", "--sparql", "SELECT * WHERE { ?s ?p ?o }"],
    ["query", "--cypher", "MATCH (n) RETURN n.label AS l"]])
def test_remote_context_is_never_fetched(internet, tmp_path, command):
    base, requests = internet
    doc = tmp_path / "untrusted.jsonld"
    doc.write_text(json.dumps(_document(f"{base}/context.jsonld")))
    args = [a.replace("{out}", str(tmp_path)) for a in command]
    result = kg(args[0], str(doc), *args[1:])
    assert result.exit_code == 1, result.output
    assert "kg never fetches a remote or file context" in result.output
    assert "Traceback" not in result.output
    assert requests == []


def test_file_and_relative_contexts_are_not_read(tmp_path):
    context_file = tmp_path / "context.json"
    context_file.write_text(json.dumps(CONTEXT))
    for named in (context_file.as_uri(), "context.json", str(context_file)):
        with pytest.raises(ContextRefused):
            parse_jsonld(json.dumps(_document(named)), base=(tmp_path / "d.jsonld").as_uri())


def test_contexts_named_anywhere_are_refused(internet):
    base, requests = internet
    scoped = {"@context": {"p": {"@id": "http://e/p", "@context": f"{base}/scoped"}},
              "@id": "http://e/x", "p": {"@id": "http://e/y"}}
    imported = _document({"@import": f"{base}/imported", "name": "http://schema.org/name"})
    in_list = _document([{"name": "http://schema.org/name"}, f"{base}/listed"])
    for doc in (scoped, imported, in_list):
        with pytest.raises(ContextRefused):
            parse_jsonld(json.dumps(doc))
    assert requests == []


def test_inline_context_is_read():
    graph = parse_jsonld(json.dumps(_document(CONTEXT["@context"])))
    assert (URIRef("http://example.org/x"), URIRef("http://schema.org/name"), Literal("X")) in graph


def test_the_projects_own_context_is_read_from_the_shipped_file(tmp_path, monkeypatch):
    shipped = tmp_path / "context.jsonld"
    shipped.write_text(json.dumps({"@context": {"label": str(RDFS.label)}}))
    monkeypatch.setattr("kg.jsonld.CONTEXT_FILE", shipped)
    doc = {"@context": CONTEXT_IRI, "@id": "http://example.org/x", "label": "X"}
    graph = parse_jsonld(json.dumps(doc))
    assert (URIRef("http://example.org/x"), RDFS.label, Literal("X")) in graph
    assert inline_contexts({"@context": [CONTEXT_IRI]})["@context"] == [{"label": str(RDFS.label)}]


# ---------------------------------------------------------------- SPARQL SERVICE and LOAD

def test_service_is_refused_by_default(internet, small_graph):
    base, requests = internet
    store = store_from_graph(small_graph)
    for query in (f"SELECT * WHERE {{ SERVICE <{base}/sparql> {{ ?s ?p ?o }} }}",
                  f"SELECT * WHERE {{ service silent<{base}/sparql>{{ ?s ?p ?o }} }}",
                  f"ASK {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{base}/x> {{ ?s ?p ?o }} }} }}"):
        with pytest.raises(QueryError, match="SERVICE is refused"):
            run_sparql(store, query)
    assert requests == []


def test_kg_query_refuses_service_and_load_with_a_message(internet, tmp_path, small_graph):
    base, requests = internet
    graph = tmp_path / "g.ttl"
    small_graph.serialize(graph, format="turtle")
    service = kg("query", str(graph), "--sparql", f"SELECT * WHERE {{ SERVICE <{base}/q> {{ ?s ?p ?o }} }}")
    assert service.exit_code == 1
    assert "SPARQL SERVICE is refused" in service.output and "--allow-service" in service.output
    load = kg("query", str(graph), "--sparql", f"LOAD <{base}/data.ttl>")
    assert load.exit_code == 1 and "SPARQL LOAD is refused" in load.output
    assert requests == []


def test_allowed_service_with_a_reply_that_is_no_sparql_result_is_a_clear_error(internet, tmp_path,
                                                                                small_graph):
    base, requests = internet
    graph = tmp_path / "g.ttl"
    small_graph.serialize(graph, format="turtle")
    result = kg("query", str(graph), "--allow-service", "--sparql",
                f"SELECT * WHERE {{ SERVICE <{base}/q> {{ ?s ?p ?o }} }}")
    assert requests and requests[0].startswith("POST /q")
    assert result.exit_code == 1 and result.output.startswith("Error: SPARQL query failed:")
    assert "Traceback" not in result.output
    unbound = kg("query", str(graph), "--allow-service", "--sparql",
                 "SELECT * WHERE { SERVICE ?nowhere { ?s ?p ?o } }")
    assert unbound.exit_code == 1 and "unbound" in unbound.output


def test_words_that_only_look_like_service_are_no_keywords():
    check_query('SELECT ?service WHERE { ?service <http://e/SERVICE> "SERVICE <x>" } # SERVICE')
    check_query("SELECT * WHERE { ?s ex:SERVICE ?o ; ex:a\\#SERVICE ?load }")
    assert "SERVICE" in keywords("SELECT * WHERE{?a ?b ?c FILTER(?a<?b)SERVICE<http://x>{}}")
    with pytest.raises(QueryRefused):
        check_query("SELECT * WHERE { ex:a\\' SERVICE <http://x> {} }")


# ---------------------------------------------------------------- links on the page

@pytest.mark.parametrize("url", ["javascript:alert(1)", "JavaScript:alert(1)", " javascript:x",
                                 "java\tscript:x", "data:text/html,<script>x</script>",
                                 "vbscript:msgbox(1)", "file:///etc/passwd"])
def test_only_http_urls_become_evidence_links(graph_builder, url):
    gb = graph_builder()
    gb.graph.add((gb.article, SCHEMA.url, Literal(url)))
    a = gb.entity(NEWS.Person, "person/a", "A")
    b = gb.entity(NEWS.Organization, "organization/b", "B")
    gb.relation(a, NEWS.leaderOf, b, "A leads B.")
    assert web_url(url) is None
    data = page_data(actor_view(to_property_graph(gb.graph)))
    evidence = [ev for e in data["edges"] for ev in e["evidence"]]
    assert evidence and all(ev["url"] is None for ev in evidence)
    assert all(ev["article"] == str(gb.article) for ev in evidence)   # the IRI stays the link


def test_http_urls_stay_links():
    assert web_url("https://www.bbc.co.uk/news/1") == "https://www.bbc.co.uk/news/1"
    assert web_url("HTTP://example.org/a?b=c#d") == "HTTP://example.org/a?b=c#d"


# ---------------------------------------------------------------- terminal escapes

ESCAPES = "Bad\x1b]0;owned\x07 actor\x1b[2J\x9b31m"


def test_query_tables_show_control_characters_escaped():
    table = format_result(QueryResult(["name"], [(ESCAPES,)]), "table")
    assert "\x1b" not in table and "\x07" not in table and "\x9b" not in table
    assert "Bad\\x1b]0;owned\\x07 actor\\x1b[2J\\x9b31m" in table


def test_kg_query_and_validate_print_no_raw_escapes(graph_builder, tmp_path):
    gb = graph_builder()
    gb.entity(NEWS.Person, "person/x", ESCAPES)
    gb.graph.add((URIRef("http://example.org/bad"), RDFS.label, Literal(ESCAPES)))
    graph = tmp_path / "g.ttl"
    gb.graph.serialize(graph, format="turtle")
    query = kg("query", str(graph), "--sparql", "SELECT ?l WHERE { ?x rdfs:label ?l }")
    assert query.exit_code == 0 and "\\x1b]0;owned" in query.output
    assert "\x1b" not in query.output


def test_build_summary_and_skip_lines_print_no_raw_escapes(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty\x1b[2J.txt").write_text("")
    result = CliRunner().invoke(main, ["build", str(folder), "-o",
                                         str(tmp_path / "g.ttl"), "-j", "1"])
    assert "empty\\x1b[2J.txt: empty file" in result.stderr  # named once, as it is skipped
    assert "\x1b" not in result.stdout and "\x1b" not in result.stderr
