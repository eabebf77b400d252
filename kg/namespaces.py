"""Namespaces of the kg graph and where the ontology files live.

``NEWS`` is closed over the terms of ``ontology/news.ttl``: a misspelt term raises instead of
silently minting a new IRI.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Namespace
from rdflib.namespace import PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"
ONTOLOGY_FILE = ONTOLOGY_DIR / "news.ttl"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"
CONTEXT_FILE = ONTOLOGY_DIR / "context.jsonld"
CONTEXT_IRI = "https://w3id.org/kg-news/context.jsonld"
"""The IRI by which a document names kg's own JSON-LD context, the one ``CONTEXT_FILE`` holds
(kg writes it embedded; :mod:`kg.jsonld` reads a document that names it from the file)."""

SCHEMA = Namespace("https://schema.org/")
RES = Namespace("https://w3id.org/kg-news/resource/")


class NEWS(DefinedNamespace):
    """The kg news ontology (``ontology/news.ttl``)."""

    _NS = Namespace("https://w3id.org/kg-news/ontology#")
    _fail = True

    # classes
    Entity: object; Actor: object; Person: object; Organization: object; Group: object
    Place: object; Country: object; City: object; Region: object; Other: object
    Event: object; Visit: object; Meeting: object; Statement: object; Resolution: object
    Attack: object; Death: object; Injury: object; Arrest: object; Protest: object
    Damage: object; CasualtyReport: object; Ceasefire: object; EventReport: object
    ConflictEvent: object; LifeEvent: object; JusticeEvent: object; TransactionEvent: object
    PersonnelEvent: object; DisasterEvent: object; MovementEvent: object; ContactEvent: object
    GovernmentEvent: object; ArtifactEvent: object
    Travel: object; Evacuation: object; Request: object; Threat: object; Vote: object
    Legislation: object; Sanction: object; Obstruction: object; MedicalTreatment: object
    Crime: object; Investigation: object; Charge: object; Trial: object; Conviction: object
    Sentencing: object; Acquittal: object; Release: object; Acquisition: object; Sale: object
    Merger: object; Agreement: object; Donation: object; Appointment: object; Resignation: object
    Election: object; NaturalDisaster: object; Crash: object; Outbreak: object
    Manufacture: object; ProductLaunch: object
    Claim: object; Factuality: object; Asserted: object; Reported: object; Hedged: object
    Negated: object; Former: object; Evidence: object; Mention: object; Extractor: object
    # direct relations
    relatedTo: object; worksFor: object; leaderOf: object; memberOf: object
    spokespersonFor: object; basedIn: object; livesIn: object; locatedIn: object
    killed: object; visited: object; metWith: object; rejected: object; praised: object
    thanked: object; condemned: object; accused: object; acquired: object; appointedTo: object
    charged: object
    # event roles and attributes
    role: object; actor: object; target: object; participant: object; place: object
    instrument: object; destination: object; origin: object; affectedGroup: object
    employer: object
    date: object; dateText: object; cameoCode: object; kairosType: object; trigger: object; quote: object
    negated: object; deathCount: object; injuryCount: object; atLeast: object
    report: object; reportCount: object; firstReported: object
    # claims and provenance
    factuality: object; asserted: object; attributedTo: object; evidence: object; mention: object
    article: object; sentence: object; text: object; startOffset: object; endOffset: object
    confidence: object; extractor: object; extractorVersion: object; rule: object
    dateline: object; contentHash: object; source: object; unnamed: object


EVENT_ROLES = {name: NEWS[name] for name in (
    "actor", "target", "participant", "place", "instrument", "destination", "origin",
    "affectedGroup", "employer")}
"""An event's roles: the :class:`kg.records.Argument` role name -> its ontology property."""


PREFIXES = {
    "news": str(NEWS._NS),
    "res": str(RES),
    "schema": str(SCHEMA),
    "prov": str(PROV),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "skos": str(SKOS),
    "xsd": str(XSD),
}


def bind_prefixes(graph) -> None:
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True)
