"""Readable RDF text: Turtle, TriG and compact JSON-LD written the way a person lays them out.

Pure generators over *subject blocks*, ``(graph, subject, [(predicate, object), ...])`` of
pyoxigraph terms, in the order they are to be written (:func:`kg.serialize.subject_blocks` makes
them from a store); each yields pieces of text. :mod:`kg.serialize` writes them to files.

- Turtle and TriG: the ``@prefix`` lines of the namespaces actually used, one block per subject
  with its type first, a blank line between subjects, objects of one predicate on one line while
  it stays under :data:`LINE` characters and one per line after that. Resource IRIs are written
  as ``res:`` names, with the slashes of their paths escaped as Turtle requires
  (``res:entity\\/person\\/ismail-haniyeh``). TriG puts the corpus's settled entities in the
  default graph and each article's own nodes (the article, its mentions, claims, events and
  their evidence) in a graph named by the article's IRI.
- JSON-LD: compact, with the context of ``ontology/context.jsonld`` embedded, one node object per
  subject in ``@graph``, IRIs as compact ``res:`` / ``news:`` names.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Iterable, Iterator

import pyoxigraph as ox

from kg.namespaces import CONTEXT_FILE, PREFIXES

Block = tuple[object, object, list]  # (graph name or None, subject, [(predicate, object), ...])

LINE = 100
"""Objects of one predicate share a line while it stays this short."""

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_STRING = _XSD + "string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
# Turtle's PN_LOCAL, simplified: plain characters pass, these few are escaped with a backslash,
# anything else keeps the IRI whole.
_LOCAL_PLAIN = re.compile(r"[A-Za-z0-9_\-.:/]*")
_BARE = {_XSD + "integer": re.compile(r"[+-]?\d+"),
         _XSD + "decimal": re.compile(r"[+-]?\d*\.\d+"),
         _XSD + "boolean": re.compile(r"true|false")}
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_NEEDS_ESCAPE = re.compile(r'[\\"\n\r\t]')


class TermWriter:
    """Turtle text for terms, with prefixed names, remembering which prefixes it used."""

    def __init__(self, prefixes: dict[str, str] = PREFIXES):
        # longest namespace first, so res:entity/... never matches a shorter one by accident
        self._prefixes = sorted(prefixes.items(), key=lambda kv: -len(kv[1]))
        self.used: set[str] = set()
        self._iris: dict[str, tuple[str, str | None]] = {}

    def iri(self, value: str) -> str:
        known = self._iris.get(value)
        if known is None:
            known = self._iris[value] = self._name(value)
        text, prefix = known
        if prefix is not None:
            self.used.add(prefix)
        return text

    def _name(self, value: str) -> tuple[str, str | None]:
        for prefix, ns in self._prefixes:
            if value.startswith(ns):
                local = value[len(ns):]
                if _LOCAL_PLAIN.fullmatch(local) and not local.endswith(".") \
                        and not local.startswith((".", "-", ":")):
                    return f"{prefix}:{local.replace('/', chr(92) + '/')}", prefix
        return f"<{value}>", None

    def term(self, t) -> str:
        if isinstance(t, ox.NamedNode):
            return self.iri(t.value)
        if isinstance(t, ox.BlankNode):
            return f"_:{t.value}"
        text = quote(t.value)
        if t.language:
            return f"{text}@{t.language}"
        datatype = t.datatype.value
        if datatype == _XSD_STRING:
            return text
        bare = _BARE.get(datatype)
        if bare is not None and bare.fullmatch(t.value):
            return t.value
        return f"{text}^^{self.iri(datatype)}"

    def header(self) -> str:
        used = sorted(p for p, _ in self._prefixes if p in self.used)
        return "".join(f"@prefix {p}: <{PREFIXES[p]}> .\n" for p in used) + ("\n" if used else "")


def quote(text: str) -> str:
    """A Turtle string literal."""
    if _NEEDS_ESCAPE.search(text):
        text = _NEEDS_ESCAPE.sub(lambda m: _ESCAPES[m.group()], text)
    return f'"{text}"'


def _subject_text(terms: TermWriter, subject, pairs: list, indent: str) -> str:
    """One subject's block, ending in `` .`` and a newline."""
    grouped: list[tuple[str, list[str]]] = []
    for p, o in pairs:
        name = "a" if p.value == _RDF_TYPE else terms.iri(p.value)
        if grouped and grouped[-1][0] == name:
            grouped[-1][1].append(terms.term(o))
        else:
            grouped.append((name, [terms.term(o)]))
    chunks = []
    first = f"{indent}{terms.term(subject)} "
    step = indent + "    "
    for i, (name, objects) in enumerate(grouped):
        lead = first if i == 0 else step
        one_line = f"{lead}{name} {', '.join(objects)}"
        if len(one_line) + 2 <= LINE or len(objects) == 1:
            chunks.append(one_line)
        else:
            chunks.append(f"{lead}{name} {objects[0]},\n"
                          + ",\n".join(f"{step}    {o}" for o in objects[1:]))
    return " ;\n".join(chunks) + " .\n"


def generate_turtle(blocks: Iterable[Block], terms: TermWriter | None = None) -> Iterator[str]:
    """Turtle body text, subject by subject (graph names are ignored).

    The prefixes are known only once every block is written: write :meth:`TermWriter.header`
    of ``terms`` before the body (see :func:`kg.serialize.write_store`).
    """
    terms = terms or TermWriter()
    for i, (_, subject, pairs) in enumerate(blocks):
        yield ("\n" if i else "") + _subject_text(terms, subject, pairs, "")


def generate_trig(blocks: Iterable[Block], terms: TermWriter | None = None) -> Iterator[str]:
    """TriG body text: the default graph's subjects first, then one ``NAME { }`` block per named
    graph; ``blocks`` come sorted by graph (None first)."""
    terms = terms or TermWriter()
    started = in_graph = False
    current = None
    for graph, subject, pairs in blocks:
        gap = "\n" if started else ""
        if graph != current or not started:
            if in_graph:
                yield "}\n"
                in_graph = False
            if graph is not None:
                yield f"{gap}{terms.term(graph)} {{\n"
                in_graph, gap = True, ""
            current = graph
        yield gap + _subject_text(terms, subject, pairs, "    " if in_graph else "")
        started = True
    if in_graph:
        yield "}\n"


@lru_cache(maxsize=1)
def jsonld_context() -> dict:
    """The JSON-LD context of kg graphs, as shipped in ``ontology/context.jsonld``."""
    return json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))["@context"]


class _Compactor:
    """Compact IRIs and values under :func:`jsonld_context`."""

    def __init__(self, context: dict):
        self.prefixes = sorted(((k, v) for k, v in context.items() if isinstance(v, str)
                                and v.endswith(("/", "#"))), key=lambda kv: -len(kv[1]))
        self.coerced: dict[str, str] = {}  # compact property name -> "@id" or datatype IRI
        for key, value in context.items():
            if isinstance(value, dict) and "@type" in value:
                self.coerced[key] = self.expand(value["@type"]) if value["@type"] != "@id" else "@id"
        self._names: dict[str, str] = {}

    def expand(self, name: str) -> str:
        prefix, _, local = name.partition(":")
        return dict(self.prefixes).get(prefix, prefix + ":") + local if local else name

    def compact(self, iri: str) -> str:
        name = self._names.get(iri)
        if name is None:
            name = iri
            for prefix, ns in self.prefixes:
                if iri.startswith(ns) and len(iri) > len(ns) and not iri[len(ns):].startswith("/"):
                    name = f"{prefix}:{iri[len(ns):]}"
                    break
            self._names[iri] = name
        return name

    def value(self, prop: str, t):
        coercion = self.coerced.get(prop)
        if isinstance(t, ox.NamedNode):
            return self.compact(t.value) if coercion == "@id" else {"@id": self.compact(t.value)}
        if isinstance(t, ox.BlankNode):
            return f"_:{t.value}" if coercion == "@id" else {"@id": f"_:{t.value}"}
        if t.language:
            return {"@value": t.value, "@language": t.language}
        datatype = t.datatype.value
        if coercion == datatype:
            return t.value
        if coercion is None:
            if datatype == _XSD_STRING:
                return t.value
            if datatype == _XSD + "boolean" and t.value in ("true", "false"):
                return t.value == "true"
            if datatype == _XSD + "integer" and re.fullmatch(r"-?[1-9]\d*|0", t.value):
                return int(t.value)
        return {"@value": t.value, "@type": self.compact(datatype)}


def generate_jsonld(blocks: Iterable[Block]) -> Iterator[str]:
    """Compact JSON-LD text: the embedded context, then one node object per subject."""
    context = jsonld_context()
    c = _Compactor(context)
    terms = ",\n".join(f"  {json.dumps(k)}: {json.dumps(v)}" for k, v in context.items())
    yield '{\n"@context": {\n' + terms + '\n},\n"@graph": ['
    for i, (_, subject, pairs) in enumerate(blocks):
        node: dict = {"@id": c.compact(subject.value) if isinstance(subject, ox.NamedNode)
                      else f"_:{subject.value}"}
        types = [c.compact(o.value) for p, o in pairs
                 if p.value == _RDF_TYPE and isinstance(o, ox.NamedNode)]
        if types:
            node["@type"] = types[0] if len(types) == 1 else types
        for p, o in pairs:
            if p.value == _RDF_TYPE and isinstance(o, ox.NamedNode):
                continue
            prop = c.compact(p.value)
            value = c.value(prop, o)
            if prop in node:
                if not isinstance(node[prop], list):
                    node[prop] = [node[prop]]
                node[prop].append(value)
            else:
                node[prop] = value
        yield ("," if i else "") + "\n" + json.dumps(node, ensure_ascii=False)
    yield "\n]}\n"
