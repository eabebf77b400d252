"""Every IRI kg writes is minted here, deterministically.

The same entity gets the same IRI in every run and every article: the IRI depends only on the
entity's type bucket and normalised name. Article-bound nodes (mentions, events, claims,
evidence) are keyed by the article and character offsets. User text never reaches an IRI
unescaped: names are reduced to a slug of ``[a-z0-9-]``, and anything else is hashed.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from rdflib import URIRef

from kg.namespaces import RES

# The type buckets entity keys start with; kept coarse so that a name typed City in one article
# and Place in another still meets.
_BUCKETS = {
    "Person": "person",
    "Organization": "organization",
    "Group": "group",
    "Country": "place",
    "City": "place",
    "Region": "place",
    "Place": "place",
    "Other": "other",
}


def normalise_name(name: str) -> str:
    """Casefolded ASCII words of ``name``: ``"Amir-Abdollahian’s"`` -> ``"amir abdollahian"``."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("’", "'")
    text = re.sub(r"'s\b", "", text)
    text = re.sub(r"[^0-9A-Za-z]+", " ", text).strip().casefold()
    return text


def slug(text: str, limit: int = 80) -> str:
    s = normalise_name(text).replace(" ", "-")
    if not s:
        return "x" + _digest(text, 12)
    if len(s) > limit:
        s = s[:limit].rstrip("-") + "-" + _digest(text, 8)
    return s


def _digest(text: str, n: int) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:n]


def type_bucket(entity_type: str) -> str:
    """The coarse kind an entity key starts with: ``"City"`` -> ``"place"``."""
    return _BUCKETS.get(entity_type, "other")


def entity_key(entity_type: str, name: str) -> str:
    """The identity of an entity across articles: ``"person/ismail-haniyeh"``."""
    return f"{type_bucket(entity_type)}/{slug(name)}"


def entity_iri(key: str) -> URIRef:
    return RES[f"entity/{key}"]


def article_key(article_id: str) -> str:
    """A short, stable, IRI-safe key for an article id."""
    s = slug(article_id, limit=40)
    return f"{s}-{_digest(article_id, 8)}"


def article_iri(article_id: str) -> URIRef:
    return RES[f"article/{article_key(article_id)}"]


def mention_iri(article_id: str, start: int, end: int) -> URIRef:
    return RES[f"mention/{article_key(article_id)}/{start}-{end}"]


def event_iri(article_id: str, event_type: str, start: int, end: int) -> URIRef:
    return RES[f"event/{article_key(article_id)}/{start}-{end}-{event_type.lower()}"]


def reported_event_iri(event_type: str, first_report: str) -> URIRef:
    """The event several articles report, named after its first report (a corpus node: it
    belongs to no article's graph)."""
    return RES[f"reported-event/{event_type.lower()}-{_digest(first_report, 16)}"]


def claim_iri(article_id: str, subject: str, predicate: str, obj: str, start: int, end: int) -> URIRef:
    digest = _digest("\x00".join((subject, predicate, obj, str(start), str(end))), 16)
    return RES[f"claim/{article_key(article_id)}/{digest}"]


def evidence_iri(owner: URIRef) -> URIRef:
    """Evidence belongs to one claim or event; its IRI follows from the owner's."""
    return URIRef(str(owner).replace(str(RES), str(RES) + "evidence/", 1))


def extractor_iri(name: str) -> URIRef:
    return RES[f"extractor/{slug(name)}"]


_ARTICLE_BOUND = re.compile(
    re.escape(str(RES)) + r"(?:evidence/)?(?:article|mention|event|claim|entity/unnamed)/([^/]+)")


def article_graph_of(node: str) -> URIRef | None:
    """The named graph (the article's IRI) that an article-bound node belongs to: the article
    itself, its mentions, events, claims, their evidence and its unnamed role fillers. None for
    the nodes of the whole corpus (named entities, extractors), which live in the default graph.

    >>> article_graph_of(str(RES) + "claim/seed-1a2b3c4d/9f")
    rdflib.term.URIRef('https://w3id.org/kg-news/resource/article/seed-1a2b3c4d')
    """
    m = _ARTICLE_BOUND.match(node)
    return RES[f"article/{m.group(1)}"] if m else None
