"""SHACL validation of kg graphs against ``ontology/shapes.ttl``, reported in words a person can
act on: which node, which property, what is wrong.

The shapes are compiled once into checks that run on a pyoxigraph store: each ``sh:sparql``
constraint becomes one query over the whole graph (``$this`` joined with the shape's targets),
and each property shape reads its predicate's triples once, its constraint components then
judged in Python with the same rules as pySHACL (ill-typed literals, literal comparison). The
ontology is mixed into (a copy of) the data, as pySHACL does with ``ont_graph``. pySHACL itself
parsed every ``sh:sparql`` query again for every focus node: 0.3 s an article, 13 minutes
extrapolated for the BBC corpus; this reads the same 810k-triple graph in well under a minute
(``bench/validate_speed.py``). ``tests/test_validate.py`` checks that the verdicts are pySHACL's
on graphs that break each constraint.

Only the SHACL features the shapes use are supported: ``sh:targetClass``; property shapes with
an IRI ``sh:path`` and ``sh:minCount``, ``sh:maxCount``, ``sh:datatype``, ``sh:class``,
``sh:in``, ``sh:minLength``, ``sh:pattern``, ``sh:minInclusive``, ``sh:maxInclusive``,
``sh:lessThan``, ``sh:lessThanOrEquals``, ``sh:or``; node-level ``sh:or`` and ``sh:sparql``
SELECT constraints. A shape using anything else is an error, never silently skipped.

Example::

    >>> report = validate_graph(graph)
    >>> report.conforms, report.text()
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache
from typing import Any, Callable, Iterable

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD

from kg.namespaces import ONTOLOGY_FILE, SHAPES_FILE, bind_prefixes


@dataclass(frozen=True)
class Violation:
    focus: str
    path: str | None
    message: str
    value: str | None

    def __str__(self) -> str:
        where = f" {self.path}" if self.path else ""
        value = f" (value: {self.value})" if self.value else ""
        return f"- {self.focus}{where}: {self.message}{value}"


@dataclass(frozen=True)
class ValidationReport:
    conforms: bool
    violations: tuple[Violation, ...]

    def text(self) -> str:
        if self.conforms:
            return "the graph conforms to the kg shapes"
        lines = [f"the graph does not conform: {len(self.violations)} violation(s)"]
        lines += [str(v) for v in self.violations[:200]]
        if len(self.violations) > 200:
            lines.append(f"... and {len(self.violations) - 200} more")
        return "\n".join(lines)


class UnsupportedShape(ValueError):
    """The shapes use a SHACL feature this validator does not implement."""


def validate_graph(graph: Graph) -> ValidationReport:
    """Validate an rdflib ``graph`` against the kg shapes, with the ontology's class hierarchy."""
    store = ox.Store()
    store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return _validate(store)


def validate_store(store: ox.Store) -> ValidationReport:
    """Validate the default graph of a pyoxigraph ``store`` (left unchanged: the checks run on
    an in-memory copy that the ontology is added to, made through a temporary N-Triples file, so
    no copy of the text is held in memory beside it)."""
    import tempfile

    copy = ox.Store()
    with tempfile.TemporaryDirectory(prefix="kg-validate-") as folder:
        dump = f"{folder}/graph.nt"
        store.dump(dump, format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
        copy.bulk_load(path=dump, format=ox.RdfFormat.N_TRIPLES)
    return _validate(copy)


_EMPTY = Violation("the graph", None, "holds no triples, so it is no kg graph (a JSON-LD file "
                   "whose keys no context maps to IRIs reads as empty)", None)


def _validate(store: ox.Store) -> ValidationReport:
    """Validate ``store``, which this may change (the ontology is added to it)."""
    if len(store) == 0:  # an empty graph would "conform" to every shape
        return ValidationReport(False, (_EMPTY,))
    store.bulk_load(_ontology_ntriples(), format=ox.RdfFormat.N_TRIPLES)
    data = _Data(store)
    violations = [v for check in _compiled() for v in check(data)]
    violations.sort(key=lambda v: (v.focus or "", v.path or "", v.message, v.value or ""))
    return ValidationReport(not violations, tuple(violations))


@lru_cache(maxsize=1)
def _ontology_ntriples() -> bytes:
    return Graph().parse(ONTOLOGY_FILE).serialize(format="nt", encoding="utf-8")


# ---------------------------------------------------------------- the data, as checks see it

_XSD_STRING = str(XSD.string)
_RDF_TYPE = ox.NamedNode(str(RDF.type))


def to_rdflib(term: Any) -> Any:
    """An rdflib term for a pyoxigraph one (``xsd:string`` literals plain, as kg reads them)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == _XSD_STRING:
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


class _Data:
    """The store, with what several checks read kept once: instances of a class, the values of
    a predicate by subject."""

    def __init__(self, store: ox.Store):
        self.store = store
        self._instances: dict[str, set] = {}
        self._values: dict[str, dict[Any, list]] = {}
        self._names = Graph()
        bind_prefixes(self._names)

    def instances(self, cls: str) -> set:
        """Nodes typed ``cls`` or a subclass of it (``rdf:type/rdfs:subClassOf*``)."""
        if cls not in self._instances:
            self._instances[cls] = {row[0] for row in self.store.query(
                f"SELECT DISTINCT ?x WHERE {{ ?x <{RDF.type}>/<{RDFS.subClassOf}>* <{cls}> }}")}
        return self._instances[cls]

    def values(self, predicate: str) -> dict[Any, list]:
        """Objects of ``predicate`` by subject."""
        if predicate not in self._values:
            by_subject: dict[Any, list] = defaultdict(list)
            for q in self.store.quads_for_pattern(None, ox.NamedNode(predicate), None,
                                                  ox.DefaultGraph()):
                by_subject[q.subject].append(q.object)
            self._values[predicate] = by_subject
        return self._values[predicate]

    def name(self, term: Any) -> str | None:
        """How a report shows a node: ``news:visited``, ``<iri>``, or a literal's text."""
        if term is None:
            return None
        node = term if isinstance(term, (URIRef, BNode, Literal)) else to_rdflib(term)
        return str(node) if isinstance(node, Literal) else self._names.namespace_manager.normalizeUri(node)


# ---------------------------------------------------------------- judging one value as pySHACL

_PYTHON_TYPES = {XSD.string: (str, bytes), XSD.integer: int, XSD.float: float, XSD.decimal: Decimal,
                 XSD.boolean: bool, XSD.date: date, XSD.time: time, XSD.dateTime: datetime}


def _has_datatype(value: Any, datatype: URIRef) -> bool:
    """pySHACL's sh:datatype: the literal's datatype, and a well-formed lexical form of it."""
    if not isinstance(value, Literal):
        return False
    if value.datatype == datatype:
        if getattr(value, "ill_typed", None) is True:
            return False
    elif not (value.datatype is None and value.language is None and datatype == XSD.string) \
            and not (datatype == RDF.langString and value.language):
        return datatype in (RDFS.Literal,) or (datatype == RDFS.Datatype and value.datatype is not None)
    python_type = _PYTHON_TYPES.get(datatype)
    if datatype == RDF.langString:
        python_type = (str, bytes)
    return python_type is None or isinstance(value.value, python_type)


def _compare(a: Literal, b: Literal) -> int | None:
    """pySHACL's literal order: -1, 0, 1, or None when the two do not compare."""
    from pyshacl.rdfutil.compare import compare_literal

    try:
        return compare_literal(a, b)
    except (TypeError, NotImplementedError):
        return None


def _in_range(value: Any, bound: Literal, ok: Callable[[int], bool]) -> bool:
    """sh:minInclusive / sh:maxInclusive on one value, as pySHACL compares."""
    if not isinstance(value, Literal):
        return False
    if isinstance(bound.value, str) != isinstance(value.value, str):
        return False
    order = _compare(value, bound)
    return order is not None and ok(order)


def _ordered_before(value: Any, other: Any, strict: bool) -> bool:
    """sh:lessThan (``strict``) / sh:lessThanOrEquals between two values, as pySHACL does."""
    def plain(node):
        if isinstance(node, URIRef):
            return str(node), True
        if isinstance(node, Literal) and isinstance(node.value, str):
            return node.value, True
        return node, False

    a, a_text = plain(value)
    b, b_text = plain(other)
    if a_text != b_text or isinstance(a, BNode) or isinstance(b, BNode):
        return False
    try:
        return a < b if strict else a <= b
    except TypeError:
        return False


# ---------------------------------------------------------------- compiling the shapes

Check = Callable[[_Data], Iterable[Violation]]

_PROPERTY_KEYS = {SH.path, SH.minCount, SH.maxCount, SH.datatype, SH["class"], SH["in"],
                  SH.minLength, SH.pattern, SH.flags, SH.minInclusive, SH.maxInclusive,
                  SH.lessThan, SH.lessThanOrEquals, SH["or"], SH.message, SH.name,
                  SH.description, RDF.type}
_NODE_KEYS = {SH.targetClass, SH.property, SH.sparql, SH["or"], SH.message, RDF.type,
              RDFS.label, RDFS.comment}


@dataclass
class _PropertyShape:
    path: URIRef
    message: str | None
    rules: dict[URIRef, Any] = field(default_factory=dict)


@lru_cache(maxsize=1)
def _compiled() -> tuple[Check, ...]:
    shapes = Graph().parse(SHAPES_FILE)
    checks: list[Check] = []
    for shape in sorted(set(shapes.subjects(RDF.type, SH.NodeShape)), key=str):
        checks.extend(_node_shape_checks(shapes, shape))
    return tuple(checks)


def _node_shape_checks(shapes: Graph, shape) -> list[Check]:
    unknown = set(shapes.predicates(shape)) - _NODE_KEYS
    if unknown:
        raise UnsupportedShape(f"{shape} uses {sorted(map(str, unknown))}")
    targets = [str(c) for c in shapes.objects(shape, SH.targetClass)]
    message = shapes.value(shape, SH.message)
    checks: list[Check] = []
    for prop in shapes.objects(shape, SH.property):
        checks.append(_property_check(targets, _property_shape(shapes, prop)))
    for alternatives in shapes.objects(shape, SH["or"]):
        members = [_property_shape(shapes, s) for s in Collection(shapes, alternatives)]
        checks.append(_node_or_check(targets, members, str(message) if message else None))
    prefixes = _declared_prefixes(shapes)
    for constraint in shapes.objects(shape, SH.sparql):
        checks.append(_sparql_check(targets, str(shapes.value(constraint, SH.select)),
                                    str(shapes.value(constraint, SH.message) or message or
                                        "SPARQL constraint violated"), prefixes))
    return checks


def _property_shape(shapes: Graph, node) -> _PropertyShape:
    unknown = set(shapes.predicates(node)) - _PROPERTY_KEYS
    if unknown:
        raise UnsupportedShape(f"property shape {node} uses {sorted(map(str, unknown))}")
    path = shapes.value(node, SH.path)
    if path is not None and not isinstance(path, URIRef):
        raise UnsupportedShape(f"property shape {node}: only IRI paths are supported")
    message = shapes.value(node, SH.message)
    shape = _PropertyShape(path, str(message) if message is not None else None)
    for key in _PROPERTY_KEYS - {SH.path, SH.message, SH.name, SH.description, RDF.type}:
        value = shapes.value(node, key)
        if value is None:
            continue
        if key == SH["in"]:
            value = set(Collection(shapes, value))
        elif key == SH["or"]:
            value = [_property_shape(shapes, member) for member in Collection(shapes, value)]
        shape.rules[key] = value
    return shape


def _focus_nodes(data: _Data, targets: list[str]) -> set:
    return set().union(*(data.instances(t) for t in targets)) if targets else set()


def _value_problems(data: _Data, shape: _PropertyShape, focus, values: list) -> list[tuple[Any, str]]:
    """(value or None, default message) for each constraint ``values`` of ``focus`` break."""
    rules, name = shape.rules, data.name(shape.path)
    out: list[tuple[Any, str]] = []
    distinct = list(dict.fromkeys(values))
    if SH.minCount in rules and len(distinct) < rules[SH.minCount].value:
        out.append((None, f"fewer than {rules[SH.minCount]} value(s) of {name}"))
    if SH.maxCount in rules and len(distinct) > rules[SH.maxCount].value:
        out.append((None, f"more than {rules[SH.maxCount]} value(s) of {name}"))
    if len(rules.keys() - {SH.minCount, SH.maxCount}) == 0:
        return out
    terms = [to_rdflib(v) for v in distinct]
    if SH.datatype in rules:
        dt = rules[SH.datatype]
        out += [(v, f"value is not a literal of datatype {data.name(dt)}")
                for v in terms if not _has_datatype(v, dt)]
    if SH["class"] in rules:
        cls = rules[SH["class"]]
        members = data.instances(str(cls))
        out += [(v, f"value is not a {data.name(cls)}")
                for v, raw in zip(terms, distinct) if raw not in members]
    if SH["in"] in rules:
        allowed = rules[SH["in"]]
        out += [(v, "value is not one of the allowed values") for v in terms if v not in allowed]
    if SH.minLength in rules:
        n = rules[SH.minLength].value
        out += [(v, f"value is shorter than {n} character(s)")
                for v in terms if isinstance(v, BNode) or len(str(v)) < n]
    if SH.pattern in rules:
        flags = re.I if "i" in str(rules.get(SH.flags, "")) else 0
        pattern = re.compile(str(rules[SH.pattern]), flags)
        out += [(v, f"value does not match {rules[SH.pattern]}")
                for v in terms if isinstance(v, BNode) or not pattern.search(str(v))]
    if SH.minInclusive in rules:
        low = rules[SH.minInclusive]
        out += [(v, f"value is not >= {low}") for v in terms
                if not _in_range(v, low, lambda order: order >= 0)]
    if SH.maxInclusive in rules:
        high = rules[SH.maxInclusive]
        out += [(v, f"value is not <= {high}") for v in terms
                if not _in_range(v, high, lambda order: order <= 0)]
    for key, strict in ((SH.lessThan, True), (SH.lessThanOrEquals, False)):
        if key in rules:
            others = [to_rdflib(o) for o in data.values(str(rules[key])).get(focus, [])]
            word = "<" if strict else "<="
            out += [(v, f"value is not {word} {data.name(rules[key])} ({o})")
                    for v in terms for o in others if not _ordered_before(v, o, strict)]
    if SH["or"] in rules:  # alternatives of sh:datatype only (checked when compiled)
        datatypes = [m.rules[SH.datatype] for m in rules[SH["or"]]]
        out += [(v, "value conforms to none of the alternatives") for v in terms
                if not any(_has_datatype(v, dt) for dt in datatypes)]
    return out


def _property_check(targets: list[str], shape: _PropertyShape) -> Check:
    if shape.path is None or any(m.rules.keys() != {SH.datatype}
                                 for m in shape.rules.get(SH["or"], [])):
        raise UnsupportedShape(f"property shape on {shape.path}: sh:or of more than datatypes")

    def check(data: _Data) -> Iterable[Violation]:
        focus_nodes = _focus_nodes(data, targets)
        by_subject = data.values(str(shape.path))
        needs_all = bool(shape.rules.keys() & {SH.minCount, SH.lessThan, SH.lessThanOrEquals})
        candidates = focus_nodes if needs_all else focus_nodes & by_subject.keys()
        path = data.name(shape.path)
        for focus in candidates:
            for value, default in _value_problems(data, shape, focus, by_subject.get(focus, [])):
                yield Violation(data.name(focus), path, shape.message or default, data.name(value))
    return check


def _node_or_check(targets: list[str], members: list[_PropertyShape], message: str | None) -> Check:
    if any(m.rules.keys() - {SH.minCount} or m.rules[SH.minCount].value != 1 for m in members):
        raise UnsupportedShape("node sh:or supports only alternatives of [sh:path P; sh:minCount 1]")

    def check(data: _Data) -> Iterable[Violation]:
        having = set().union(*(data.values(str(m.path)).keys() for m in members))
        for focus in _focus_nodes(data, targets) - having:
            yield Violation(data.name(focus), None, message or "conforms to none of the "
                            "alternatives", data.name(focus))
    return check


def _declared_prefixes(shapes: Graph) -> str:
    return "".join(f"PREFIX {shapes.value(d, SH.prefix)}: <{shapes.value(d, SH.namespace)}>\n"
                   for d in shapes.objects(None, SH.declare))


_VARIABLE = re.compile(r"[?$](\w+)")
_NOT_EXISTS = re.compile(r"FILTER\s+NOT\s+EXISTS\s*\{", re.I)
_COMMENT = re.compile(r"<[^<>\s]*>|#[^\n]*")  # an IRI is kept whole, a comment dropped


def _closing_brace(text: str, start: int) -> int:
    """The index just past the ``}`` that closes the ``{`` before ``start``."""
    depth = 1
    for i in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        if depth == 0:
            return i + 1
    raise UnsupportedShape("unbalanced braces in a sh:sparql query")


def _top_level(body: str) -> str:
    """The text of a group outside its nested groups and parentheses: its own triple patterns,
    whose variables every solution binds."""
    out, braces, parens = [], 0, 0
    for ch in body:
        if ch == "{":
            braces += 1
        elif ch == "}":
            braces -= 1
        elif ch == "(":
            parens += 1
        elif ch == ")":
            parens -= 1
        elif braces == 0 and parens == 0:
            out.append(ch)
    return "".join(out)


def anti_joins(body: str) -> str:
    """``body`` (a WHERE group's inside) with each ``FILTER NOT EXISTS { P }`` as ``MINUS { P }``
    where the two mean the same: every variable P shares with the rest is bound by the group's
    own triple patterns (and there is one). pyoxigraph evaluates NOT EXISTS row by row (33 s for
    the BBC graph's relations) and MINUS as one anti-join (0.1 s); SHACL forbids MINUS in the
    shapes themselves, so the rewrite happens here."""
    body = _COMMENT.sub(lambda m: m.group() if m.group().startswith("<") else "", body)
    blocks, position = [], 0
    for match in _NOT_EXISTS.finditer(body):
        if match.start() >= position:
            position = _closing_brace(body, match.end())
            blocks.append((match.start(), match.end(), position))
    # what the group binds without the blocks: their own variables are theirs alone
    outside, last = [], 0
    for start, _, end in blocks:
        outside.append(body[last:start])
        last = end
    outside = "".join(outside) + body[last:]
    everywhere, bound = set(_VARIABLE.findall(outside)), set(_VARIABLE.findall(_top_level(outside)))
    out, last = [], 0
    for start, inner_start, end in blocks:
        shared = set(_VARIABLE.findall(body[inner_start:end])) & everywhere
        out.append(body[last:start])
        out.append(f"MINUS {{{body[inner_start:end]}" if shared and shared <= bound
                   else body[start:end])
        last = end
    return "".join(out) + body[last:]


_THIS = re.compile(r"\$this\b")
_SELECT = re.compile(r"\bSELECT\b(.*?)\bWHERE\s*\{", re.I | re.S)
_MESSAGE_VAR = re.compile(r"\{[?$](\w+)\}")


def _sparql_check(targets: list[str], select: str, message: str, prefixes: str) -> Check:
    """A SELECT constraint as one query over the graph: ``$this`` is every focus node at once."""
    match = _SELECT.search(select)
    if match is None or len(targets) != 1:
        raise UnsupportedShape("sh:sparql needs a SELECT ... WHERE { } and one target class")
    head = _THIS.sub("?this", match.group(1))
    body = anti_joins(_THIS.sub("?this", select[match.end():].rstrip().removesuffix("}")))
    query = (f"{prefixes}SELECT {head} WHERE {{ {{ SELECT DISTINCT ?this WHERE {{ ?this "
             f"<{RDF.type}>/<{RDFS.subClassOf}>* <{targets[0]}> }} }} {body} }}")

    def check(data: _Data) -> Iterable[Violation]:
        solutions = data.store.query(query)
        names = [v.value for v in solutions.variables]
        for row in solutions:
            bound = {n: row[n] for n in names if row[n] is not None}
            text = _MESSAGE_VAR.sub(lambda m: str(to_rdflib(bound[m.group(1)]))
                                    if m.group(1) in bound else m.group(0), message)
            focus = bound["this"]
            yield Violation(data.name(focus), data.name(bound.get("path")), text,
                            data.name(bound.get("value", focus)))
    return check
