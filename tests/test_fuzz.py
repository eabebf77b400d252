"""Random bytes, random JSON and random Turtle through the commands: never a traceback, never a
hang. Bounded (200 cases in all) and derandomized, so the suite stays fast and repeatable."""

from __future__ import annotations

import json
import signal
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.cli import main

pytestmark = pytest.mark.model

FUZZ = settings(derandomize=True, database=None, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SECONDS = 30  # a case that takes longer than this hangs


class Hang(Exception):
    pass


@contextmanager
def no_hang(seconds: int = SECONDS):
    def alarm(signum, frame):
        raise Hang(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run(*args: str):
    """Run kg; fail on a traceback (an exception that is not a clean exit) or a hang."""
    with no_hang():
        result = CliRunner().invoke(main, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"kg {' '.join(args)} raised {result.exception!r}") \
            from result.exception
    assert "Traceback" not in result.output, result.output
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.output)
    return result


# ---------------------------------------------------------------- articles

SUFFIXES = st.sampled_from([".txt", ".md", ".jsonl"])
ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=30)  # lone surrogates too
DATES = st.one_of(st.from_regex(r"\A-?[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9:]{0,8}Z?|junk)?\Z"),
                  st.sampled_from(["2024-02-30", "yesterday", "", "2024-03-26T10:00:00+01:00"]))
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | ANY_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12)
FIELD = st.one_of(st.none(), st.booleans(), st.integers(), ANY_TEXT, JSON_VALUES)
ARTICLES = st.fixed_dictionaries(
    {"id": FIELD, "text": st.one_of(st.text(max_size=300), ANY_TEXT, FIELD)},
    optional={"date": st.one_of(DATES, FIELD, st.dates().map(lambda d: d.isoformat())),
              "title": FIELD, "url": FIELD, "source": FIELD, "author": FIELD})
DEEP = st.integers(1, 120_000).map(lambda n: "[" * n + "]" * n)  # a line, not a JSON value


@settings(FUZZ, max_examples=50)
@given(data=st.binary(max_size=2000), suffix=SUFFIXES, command=st.sampled_from(["build", "extract"]))
def test_random_bytes_in_build_and_extract(data, suffix, command):
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / f"input{suffix}"
        source.write_bytes(data)
        out = Path(tmp) / ("g.ttl" if command == "build" else "x.jsonl")
        run(command, str(source), "-j", "1", "-q", "-o", str(out))


@settings(FUZZ, max_examples=60)
@given(lines=st.lists(st.one_of(JSON_VALUES.map(json.dumps), ARTICLES.map(json.dumps), DEEP),
                      min_size=1, max_size=4),
       command=st.sampled_from(["build", "extract"]))
def test_random_json_lines_in_build_and_extract(lines, command):
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "feed.jsonl"
        source.write_text("\n".join(lines) + "\n", encoding="utf-8")
        out = Path(tmp) / ("g.ttl" if command == "build" else "x.jsonl")
        run(command, str(source), "-j", "1", "-q", "-o", str(out))


# ---------------------------------------------------------------- graphs

IRIS = st.sampled_from(["<https://w3id.org/kg-news/resource/entity/person/a>", "res:x", "news:Person",
                        "<http://e/p>", "news:label", "rdfs:label", "a", "news:mention",
                        "<bad iri>", "_:b0", "schema:NewsArticle", "news:startOffset", "<>"])
LITERALS = st.one_of(
    st.text(max_size=20).map(json.dumps),
    st.tuples(st.text(max_size=12), st.sampled_from(["xsd:integer", "xsd:date", "xsd:decimal",
                                                     "xsd:boolean", "xsd:gYear", "<http://e/dt>"]))
    .map(lambda t: f"{json.dumps(t[0])}^^{t[1]}"),
    st.integers().map(str), st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.sampled_from(["true", "false", '"x"@en', '"x"@', '"""long\nstring"""', "( 1 2 )", "[ ]"]))
TOKENS = st.one_of(IRIS, LITERALS, st.sampled_from([".", ";", ",", "[", "]", "(", ")", "\n",
                                                    "@prefix", "PREFIX", "@base", "^^", "#"]),
                   st.text(max_size=6))
HEADER = ("@prefix news: <https://w3id.org/kg-news/ontology#> .\n"
          "@prefix res: <https://w3id.org/kg-news/resource/> .\n"
          "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
          "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
          "@prefix schema: <https://schema.org/> .\n")
TRIPLES = st.lists(st.tuples(IRIS, IRIS, st.one_of(IRIS, LITERALS)), max_size=8).map(
    lambda ts: "".join(f"{s} {p} {o} .\n" for s, p, o in ts))
TURTLE = st.one_of(
    st.tuples(st.booleans(), TRIPLES).map(lambda t: (HEADER if t[0] else "") + t[1]),
    st.lists(TOKENS, max_size=40).map(lambda ts: HEADER + " ".join(ts)),
    st.binary(max_size=300).map(lambda b: b.decode("latin-1")))
COMMANDS = st.sampled_from([
    ["validate"], ["export", "-o", "{tmp}/x.jsonld"], ["export", "-o", "{tmp}/x.graphml"],
    ["export", "-o", "{tmp}/x.nt"], ["query", "--sparql", "SELECT * WHERE { ?s ?p ?o } LIMIT 5"],
    ["query", "--cypher", "MATCH (n) RETURN n.label AS label LIMIT 5"]])


@settings(FUZZ, max_examples=90)
@given(turtle=TURTLE, commands=st.lists(COMMANDS, min_size=1, max_size=3, unique_by=str))
def test_random_turtle_in_query_validate_export(turtle, commands):
    with tempfile.TemporaryDirectory() as tmp:
        graph = Path(tmp) / "g.ttl"
        graph.write_text(turtle, encoding="utf-8", errors="surrogatepass")
        for command in commands:
            args = [a.replace("{tmp}", tmp) for a in command]
            run(args[0], str(graph), *args[1:])
