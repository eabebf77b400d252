"""The actor view: who relates to whom, read off the property-graph projection.

Both pictures (the HTML page and the static image) draw an :class:`ActorView`. It is made by
:func:`actor_view` from the ``networkx.MultiDiGraph`` that :func:`kg.property_graph.to_property_graph`
projects from the RDF graph of record, so the pictures show exactly the facts that SPARQL and
Cypher see. Everything here is pure: no files, no drawing.

Example::

    from kg.property_graph import to_property_graph
    view = actor_view(to_property_graph(rdf_graph), events="fold", focus="Ismail Haniyeh", hops=2)
    len(view.nodes), len(view.edges)
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

import networkx as nx

EventsMode = Literal["fold", "show"]

# Most specific first: a Country is both a Place and an Actor, and is drawn as a Country.
ENTITY_KINDS = ("Person", "Organization", "Group", "Country", "City", "Region", "Place", "Other")
_ENTITY_MARKERS = frozenset(ENTITY_KINDS) | {"Entity", "Actor"}
_NOT_EVENT_KINDS = frozenset({"Event", "Resource", "Thing"})

# Event roles in the order their fillers are tried as the acting side of a folded edge.
_ACTING_ROLES = ("ACTOR", "PARTICIPANT", "ATTRIBUTED_TO")
# Edges of the projection that are bookkeeping, never relations between actors.
_NOT_RELATIONS = frozenset({"MENTION", "EVIDENCE", "ARTICLE", "EXTRACTOR", "FACTUALITY", "TYPE"})
# Event values worth showing beside the evidence.
_EVENT_FACTS = ("trigger", "quote", "deathCount", "injuryCount", "atLeast", "cameoCode", "negated")


class FocusNotFound(LookupError):
    """``--focus`` named no actor of the graph; carries the closest names for the message."""

    def __init__(self, name: str, close_matches: list[str]):
        self.name = name
        self.close_matches = close_matches
        hint = (f" Close matches: {', '.join(repr(m) for m in close_matches)}."
                if close_matches else " No close matches.")
        super().__init__(f"no actor named {name!r} in the graph.{hint}")


@dataclass(frozen=True)
class Evidence:
    """A sentence a fact was read from, and the article it came from."""

    sentence: str
    article: str | None = None       # article IRI
    url: str | None = None           # the article's own URL, when the graph has one
    title: str | None = None
    confidence: float | None = None


@dataclass(frozen=True)
class ViewNode:
    """An actor (or, with ``events="show"``, an event) to draw."""

    id: str
    label: str
    kind: str                        # Person, Organization, ... or the event class (Visit, ...)
    is_event: bool = False
    aliases: tuple[str, ...] = ()
    uri: str | None = None


@dataclass(frozen=True)
class ViewEdge:
    """A labelled edge: a direct relation, a folded event, or an event role."""

    id: str
    source: str
    target: str
    type: str                        # UPPER_SNAKE_CASE: VISITED, MET_WITH, VISIT, ACTOR, ...
    label: str                       # for people: "visited", "Visit: Haniyeh to Tehran"
    date: str | None = None          # ISO date of the event, else the article's date
    factuality: str | None = None
    evidence: tuple[Evidence, ...] = ()
    event: str | None = None         # IRI of the event an edge was folded from or belongs to
    event_label: str | None = None   # "Visit: Ismail Haniyeh to Tehran"
    date_text: str | None = None     # an event's date as written, when it could not be resolved
    facts: tuple[tuple[str, str], ...] = ()   # an event's other values: quote, deathCount, ...


@dataclass(frozen=True)
class ActorView:
    """What a picture draws: nodes, edges, and what was left out and why."""

    nodes: tuple[ViewNode, ...]
    edges: tuple[ViewEdge, ...]
    events: EventsMode = "fold"
    focus: str | None = None
    hops: int | None = None
    left_out: Mapping[str, int] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.nodes

    def degrees(self) -> dict[str, int]:
        deg = dict.fromkeys((n.id for n in self.nodes), 0)
        for e in self.edges:
            deg[e.source] += 1
            deg[e.target] += 1
        return deg

    def summary(self) -> str:
        kinds = defaultdict(int)
        for n in self.nodes:
            kinds[n.kind] += 1
        per_kind = ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))
        text = f"{len(self.nodes)} nodes ({per_kind}), {len(self.edges)} edges"
        if self.focus:
            text += (f", focused on {self.focus!r} within {self.hops} "
                     f"hop{'' if self.hops == 1 else 's'}")
        return text


def actor_view(pg: nx.MultiDiGraph, *, events: EventsMode = "fold", focus: str | None = None,
               hops: int = 2) -> ActorView:
    """Make the actor view of a property graph.

    Args:
        pg: the projection of the RDF graph (:func:`kg.property_graph.to_property_graph`).
        events: ``"fold"`` turns each event into edges from its acting side (actor, else
            participants) to its other role fillers; ``"show"`` draws events as nodes joined to
            their fillers by role edges (ACTOR, TARGET, PLACE, ...).
        focus: the name (label or alias, case-insensitive) of an actor to centre on.
        hops: with ``focus``, keep actors at most this many actor-to-actor steps away; an event
            shown as a node does not count as a step.

    Raises:
        FocusNotFound: ``focus`` names no actor; the exception lists close matches.
    """
    if events not in ("fold", "show"):
        raise ValueError(f"events must be 'fold' or 'show', not {events!r}")
    reader = _Reader(pg)
    entities = {n: reader.entity_node(n) for n in pg.nodes if reader.is_entity(n)}
    event_ids = [n for n in pg.nodes if reader.is_event(n) and n not in entities]

    relations = list(reader.relation_edges(entities))
    folded: list[ViewEdge] = []
    event_nodes: list[ViewNode] = []
    role_edges: list[ViewEdge] = []
    for ev in event_ids:
        node, roles = reader.event(ev, entities)
        if not roles:
            continue
        folded.extend(_fold(node, roles, reader.event_info(ev)))
        event_nodes.append(node)
        role_edges.extend(_role_edges(node, roles, reader.event_info(ev)))

    # Which actors are in a drawn edge: entities only mentioned, or (when events are folded) only
    # in an event with no one else, are not drawn.
    drawn = relations + (folded if events == "fold" else role_edges)
    linked = {e.source for e in drawn} | {e.target for e in drawn}
    focus_id = None
    if focus is not None:
        focus_id = _find_focus(focus, entities)
        keep = _within_hops(focus_id, relations + folded, hops)
        linked = (linked & keep) | {focus_id}
    else:
        keep = set(entities)

    def kept(edge: ViewEdge) -> bool:
        return edge.source in keep and edge.target in keep

    if events == "fold":
        edges = [e for e in relations + folded if kept(e)]
        extra_nodes: list[ViewNode] = []
    else:
        role_edges = [e for e in role_edges if e.target in keep]
        shown_events = {e.source for e in role_edges}
        edges = [e for e in relations if kept(e)] + role_edges
        extra_nodes = [n for n in event_nodes if n.id in shown_events]
    nodes = [entities[n] for n in entities if n in linked] + extra_nodes
    nodes.sort(key=lambda n: (n.is_event, n.kind, n.label.casefold(), n.id))
    edges.sort(key=lambda e: (e.source, e.target, e.type, e.id))
    reason = "outside the focus" if focus_id else "with no edge to draw"
    left_out = {f"entities {reason}": len(set(entities) - linked)}
    return ActorView(nodes=tuple(nodes), edges=tuple(edges), events=events,
                     focus=entities[focus_id].label if focus_id else None,
                     hops=hops if focus_id else None,
                     left_out={k: v for k, v in left_out.items() if v})


# ---------------------------------------------------------------------------------------------
# Reading the projection


_WEB_URL = re.compile(r"https?://[^\s\x00-\x1f\x7f]+", re.I)


def web_url(value: Any) -> str | None:
    """``value`` if it is an http or https URL, else None: a ``javascript:``, ``data:`` or
    ``vbscript:`` URL from an article's metadata never becomes a link on the page."""
    return str(value) if value is not None and _WEB_URL.fullmatch(str(value)) else None


def _first(value: Any) -> Any:
    if isinstance(value, (list, tuple, set, frozenset)):
        return sorted(value, key=str)[0] if value else None
    return value


def _strings(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, (list, tuple, set, frozenset)):
        return tuple(sorted(str(v) for v in value))
    return (str(value),)


def _iso_date(value: Any) -> str | None:
    value = _first(value)
    if value is None:
        return None
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return text[:10] if re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", text) else None


def _local_name(value: Any) -> str | None:
    value = _first(value)
    if value is None:
        return None
    return re.split(r"[#/]", str(value))[-1] or None


def _words(type_name: str) -> str:
    """``MET_WITH`` -> ``met with``."""
    return type_name.replace("_", " ").lower()


class _Reader:
    """Reads nodes and edges of the projection, whichever way it attaches evidence."""

    def __init__(self, pg: nx.MultiDiGraph):
        self.pg = pg

    def labels(self, n: str) -> set[str]:
        attrs = self.pg.nodes[n]
        return set(_strings(attrs.get("__labels__", attrs.get("labels"))))

    def is_entity(self, n: str) -> bool:
        """A named entity: unnamed role fillers ("13 people") are left out of the pictures,
        one per article would crowd them."""
        return bool(self.labels(n) & _ENTITY_MARKERS) and not self.pg.nodes[n].get("unnamed")

    def is_event(self, n: str) -> bool:
        return "Event" in self.labels(n)

    def name(self, n: str) -> str:
        attrs = self.pg.nodes[n]
        return str(_first(attrs.get("label")) or _first(attrs.get("name")) or _local_name(n) or n)

    def entity_node(self, n: str) -> ViewNode:
        labels = self.labels(n)
        kind = next((k for k in ENTITY_KINDS if k in labels), "Other")
        attrs = self.pg.nodes[n]
        label = self.name(n)
        aliases = tuple(a for a in _strings(attrs.get("altLabel")) if a != label)
        return ViewNode(id=str(n), label=label, kind=kind, aliases=aliases,
                        uri=str(attrs.get("uri") or n))

    def article(self, ref: Any) -> tuple[str | None, str | None, str | None, str | None]:
        """(IRI, URL, headline, date) of an article, given its IRI or node key."""
        ref = _first(ref)
        if ref is None:
            return None, None, None, None
        key = str(ref)
        attrs = self.pg.nodes[key] if key in self.pg else {}
        url = web_url(_first(attrs.get("url")))
        title = (_first(attrs.get("headline")) or _first(attrs.get("label"))
                 or (f"article {_first(attrs['identifier'])}" if attrs.get("identifier") else None))
        return (str(attrs.get("uri") or key), str(url) if url else None,
                str(title) if title else None, _iso_date(attrs.get("datePublished")))

    def evidence(self, attrs: Mapping[str, Any], owner: str | None = None
                 ) -> tuple[tuple[Evidence, ...], str | None]:
        """Evidence carried as attributes, else by EVIDENCE edges from ``owner``; and the date
        of the first article it cites."""
        sources: list[Mapping[str, Any]] = []
        if attrs.get("sentence"):
            sources.append(attrs)
        elif owner is not None:
            for _, ev, data in self.pg.out_edges(owner, data=True):
                if data.get("type") == "EVIDENCE":
                    sources.append(self.pg.nodes[ev] | {"_node": ev})
        found: list[Evidence] = []
        first_date = None
        for src in sources:
            sentences = _strings(src.get("sentence"))
            articles = _strings(src.get("article"))
            if not articles and "_node" in src:
                articles = tuple(str(t) for _, t, d in self.pg.out_edges(src["_node"], data=True)
                                 if d.get("type") == "ARTICLE")
            confidences = src.get("confidence")
            conf_list = (list(confidences) if isinstance(confidences, (list, tuple))
                         else [confidences] * max(len(sentences), 1))
            for i, sentence in enumerate(sentences):
                art = articles[i] if i < len(articles) else (articles[0] if articles else None)
                iri, url, title, published = self.article(art)
                conf = conf_list[i] if i < len(conf_list) else None
                found.append(Evidence(sentence=sentence, article=iri, url=url, title=title,
                                      confidence=float(conf) if conf is not None else None))
                first_date = first_date or published
        return tuple(found), first_date

    def relation_edges(self, entities: Mapping[str, ViewNode]) -> Iterable[ViewEdge]:
        from kg.ontology import load_ontology, local_name, upper_snake

        symmetric = {upper_snake(local_name(p)) for p in load_ontology().symmetric}
        for u, v, k, data in self.pg.edges(keys=True, data=True):
            type_ = str(data.get("type") or k).upper()
            if u not in entities or v not in entities or type_ in _NOT_RELATIONS:
                continue
            if type_ in symmetric and str(u) > str(v) and self.pg.has_edge(v, u, key=k):
                continue  # one edge for a relation that holds both ways
            evidence, published = self.evidence(data)
            yield ViewEdge(id=f"r:{u}|{type_}|{v}|{k}", source=str(u), target=str(v), type=type_,
                           label=str(data.get("label") or _words(type_)),
                           date=_iso_date(data.get("date")) or published,
                           factuality=_local_name(data.get("factuality")),
                           evidence=evidence)

    def event_info(self, ev: str) -> dict[str, Any]:
        attrs = self.pg.nodes[ev]
        evidence, published = self.evidence(attrs, owner=ev)
        date_text = _first(attrs.get("dateText"))
        facts = tuple((name, ", ".join(_strings(attrs[name]))) for name in _EVENT_FACTS
                      if attrs.get(name) not in (None, "", []))
        return {"date": _iso_date(attrs.get("date")) or (None if date_text else published),
                "date_text": str(date_text) if date_text else None,
                "factuality": _local_name(attrs.get("factuality")),
                "evidence": evidence, "facts": facts}

    def event(self, ev: str, entities: Mapping[str, ViewNode]
              ) -> tuple[ViewNode, list[tuple[str, str]]]:
        labels = self.labels(ev)
        kinds = sorted(labels - _NOT_EVENT_KINDS - _ENTITY_MARKERS)
        kind = _most_specific(kinds) if kinds else "Event"
        roles = sorted((str(data.get("type") or k).upper(), str(v))
                       for _, v, k, data in self.pg.out_edges(ev, keys=True, data=True)
                       if v in entities and str(data.get("type") or k).upper() not in _NOT_RELATIONS)
        label = str(_first(self.pg.nodes[ev].get("label")) or kind)
        return ViewNode(id=str(ev), label=label, kind=kind, is_event=True,
                        uri=str(self.pg.nodes[ev].get("uri") or ev)), roles


def _most_specific(kinds: list[str]) -> str:
    """The event class of a node that carries its superclasses' labels too ("Visit" among
    Visit, Travel, MovementEvent): the one with the most ancestors in the ontology."""
    return max(kinds, key=lambda k: (_ancestors(k), k))


@lru_cache(maxsize=None)
def _ancestors(kind: str) -> int:
    """How many labels an instance of the news class ``kind`` carries (asked once a class: the
    BBC graph has 13,000 events of a few dozen classes)."""
    from rdflib import URIRef

    from kg.namespaces import NEWS
    from kg.ontology import load_ontology

    return len(load_ontology().labels_of(URIRef(str(NEWS._NS) + kind)))


def _snake(kind: str) -> str:
    """``CasualtyReport`` -> ``CASUALTY_REPORT``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", kind).upper()


def _fold(event: ViewNode, roles: list[tuple[str, str]], info: Mapping[str, Any]) -> list[ViewEdge]:
    """Actor-to-actor edges standing for one event."""
    acting_role = next((r for r in _ACTING_ROLES if any(role == r for role, _ in roles)), None)
    if acting_role is None:
        # No one acts (a casualty report, a death): the first filler stands for the event.
        acting = [roles[0][1]]
    else:
        acting = sorted({who for role, who in roles if role == acting_role})
    others = sorted({who for _, who in roles} - set(acting))
    pairs = [(a, o) for a in acting for o in others]
    if acting_role == "PARTICIPANT":   # participants of a meeting meet each other
        pairs += [(a, b) for i, a in enumerate(acting) for b in acting[i + 1:]]
    type_ = _snake(event.kind)
    return [ViewEdge(id=f"e:{event.id}|{a}|{b}", source=a, target=b, type=type_,
                     label=_words(type_), event=event.id, event_label=event.label, **info)
            for a, b in pairs]


def _role_edges(event: ViewNode, roles: list[tuple[str, str]], info: Mapping[str, Any]
                ) -> list[ViewEdge]:
    return [ViewEdge(id=f"x:{event.id}|{role}|{who}", source=event.id, target=who, type=role,
                     label=_words(role), event=event.id, event_label=event.label, **info)
            for role, who in roles]


def _within_hops(start: str, edges: Iterable[ViewEdge], hops: int) -> set[str]:
    g = nx.Graph()
    g.add_node(start)
    g.add_edges_from((e.source, e.target) for e in edges)
    return set(nx.single_source_shortest_path_length(g, start, cutoff=hops))


def _find_focus(name: str, entities: Mapping[str, ViewNode]) -> str:
    wanted = name.strip().casefold()
    by_name: dict[str, list[str]] = defaultdict(list)
    for n in entities.values():
        for alias in (n.label, *n.aliases):
            by_name[alias.casefold()].append(n.id)
    if wanted in by_name:
        # A canonical label beats an alias; then the first in a stable order.
        hits = sorted(by_name[wanted], key=lambda i: (entities[i].label.casefold() != wanted, i))
        return hits[0]
    labels = sorted({n.label for n in entities.values()})
    close = difflib.get_close_matches(name, labels, n=5, cutoff=0.5)
    if len(close) < 5:
        folded = {label.casefold(): label for label in labels}
        for hit in difflib.get_close_matches(wanted, list(folded), n=5, cutoff=0.5):
            if folded[hit] not in close:
                close.append(folded[hit])
    for label in labels:   # a part of a name ("Haniyeh") is as good a hint as a near spelling
        if len(close) < 5 and wanted and wanted in label.casefold() and label not in close:
            close.append(label)
    raise FocusNotFound(name, close[:5])


def top_actors(view: ActorView, n: int) -> ActorView:
    """``view`` with its ``n`` most connected nodes only (by degree, then name) and the edges
    between them; what went is counted in ``left_out``.

    A node among the ``n`` with no edge to another of them would stand alone in the picture: it
    gives its place to the next most connected node that has an edge to those kept."""
    if len(view.nodes) <= n:
        return view
    degrees = view.degrees()
    ranked = sorted(view.nodes, key=lambda nd: (-degrees[nd.id], nd.label.casefold(), nd.id))
    neighbours: dict[str, set[str]] = defaultdict(set)
    for e in view.edges:
        if e.source != e.target:
            neighbours[e.source].add(e.target)
            neighbours[e.target].add(e.source)
    keep = {nd.id for nd in ranked[:max(n, 0)]}
    keep = {node for node in keep if neighbours[node] & keep}
    for nd in ranked[n:]:
        if len(keep) >= n:
            break
        if neighbours[nd.id] & keep:
            keep.add(nd.id)
    left_out = dict(view.left_out)
    left_out[f"entities beyond the top {n}"] = len(view.nodes) - len(keep)
    return ActorView(nodes=tuple(nd for nd in view.nodes if nd.id in keep),
                     edges=tuple(e for e in view.edges if e.source in keep and e.target in keep),
                     events=view.events, focus=view.focus, hops=view.hops, left_out=left_out)


def without(view: ActorView, ids: set[str]) -> ActorView:
    """``view`` less the nodes ``ids`` (and their edges), counted in ``left_out``."""
    left_out = dict(view.left_out)
    key = "entities whose label found no room"
    left_out[key] = left_out.get(key, 0) + len(ids)
    return ActorView(nodes=tuple(nd for nd in view.nodes if nd.id not in ids),
                     edges=tuple(e for e in view.edges if e.source not in ids and e.target not in ids),
                     events=view.events, focus=view.focus, hops=view.hops, left_out=left_out)


@dataclass(frozen=True)
class TimelineEvent:
    """One dated event of a view: what the timeline draws."""

    id: str                          # the event's IRI
    label: str                       # "Visit: George Bush - London (2005-02-01)"
    date: str                        # ISO, as precise as the text gave it
    kind: str                        # the event class: Visit, Meeting, CasualtyReport, ...
    edges: tuple[str, ...]           # ids of the view's edges that stand for it


def timeline_events(view: ActorView) -> list[TimelineEvent]:
    """The dated events of ``view``, one each however many edges stand for it, by date."""
    found: dict[str, tuple[ViewEdge, list[str]]] = {}
    for e in view.edges:
        if e.event and e.date:
            found.setdefault(e.event, (e, []))[1].append(e.id)
    out = []
    for event, (e, edges) in found.items():
        label = e.event_label or e.label
        kind = label.split(":", 1)[0] if ":" in label else e.type.replace("_", " ").title().replace(" ", "")
        out.append(TimelineEvent(event, label, e.date, kind, tuple(edges)))
    return sorted(out, key=lambda t: (t.date, t.kind, t.label, t.id))
