"""Reading JSON-LD offline: contexts are never fetched.

A JSON-LD document may name its ``@context`` (or ``@import`` one into it) by IRI, and a parser
left to itself fetches that IRI over HTTP or reads it from disk (``file://``, or a relative
path). kg reads untrusted documents, so it dereferences nothing: the context a document names
must be kg's own (:data:`CONTEXT_IRI`, read from the shipped ``ontology/context.jsonld``) or be
written inline as a JSON object; any other context named by IRI is refused with
:class:`ContextRefused` before the parser sees the document.

Example::

    >>> graph = parse_jsonld(Path("graph.jsonld").read_bytes())
"""

from __future__ import annotations

import json
from typing import Any

from rdflib import Graph

from kg.namespaces import CONTEXT_FILE, CONTEXT_IRI  # noqa: F401  (kg's own context, shipped)


class JsonLdError(ValueError):
    """A JSON-LD document kg cannot read: not JSON, or too deeply nested."""


class ContextRefused(JsonLdError):
    """A document names a context kg will not dereference (remote, ``file:`` or relative)."""


def local_contexts() -> dict[str, Any]:
    """The contexts a document may name by IRI: kg's own, when the shipped file is there."""
    if not CONTEXT_FILE.is_file():
        return {}
    shipped = json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))
    return {CONTEXT_IRI: shipped.get("@context", shipped) if isinstance(shipped, dict) else shipped}


def inline_contexts(document: Any, known: dict[str, Any] | None = None) -> Any:
    """``document`` with every context named by IRI replaced by the context itself.

    Raises :class:`ContextRefused` for an IRI that is not in ``known`` (default:
    :func:`local_contexts`). Walks the whole document, so contexts scoped to a node or a term
    and ``@import`` are covered too.
    """
    known = local_contexts() if known is None else known

    def named(iri: str) -> Any:
        try:
            return known[iri]
        except KeyError:
            raise ContextRefused(f"JSON-LD context {iri!r} is not loaded: kg never fetches a "
                                 f"remote or file context; inline it as a JSON object"
                                 + (f" or use {CONTEXT_IRI}" if CONTEXT_IRI in known else "")) from None

    def context(value: Any) -> Any:
        if isinstance(value, str):
            return named(value)
        if isinstance(value, list):
            return [context(v) for v in value]
        return walk(value)

    def walk(value: Any) -> Any:
        if isinstance(value, list):
            return [walk(v) for v in value]
        if not isinstance(value, dict):
            return value
        out = {}
        imported = value.get("@import")
        if isinstance(imported, str):  # JSON-LD 1.1: the named context, under this one's terms
            out.update(walk(named(imported)))
        for key, item in value.items():
            if key == "@context":
                out[key] = context(item)
            elif key != "@import" or not isinstance(item, str):
                out[key] = walk(item)
        return out

    try:
        return walk(document)
    except RecursionError:
        raise JsonLdError("JSON-LD document nested too deeply") from None


def parse_jsonld(data: bytes | str, graph: Graph | None = None, base: str | None = None) -> Graph:
    """Parse a JSON-LD document into ``graph`` (a new one by default), offline."""
    try:
        document = json.loads(data)
    except RecursionError:
        raise JsonLdError("JSON-LD document nested too deeply") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise JsonLdError(f"not valid JSON: {exc}") from None
    graph = Graph() if graph is None else graph
    data = json.dumps(inline_contexts(document))
    try:
        graph.parse(data=data, format="json-ld", publicID=base)
    except RecursionError:
        raise JsonLdError("JSON-LD document nested too deeply") from None
    except Exception as exc:  # rdflib's JSON-LD parser has no error class of its own
        raise JsonLdError(f"not valid JSON-LD: {type(exc).__name__}: {exc}") from None
    return graph
