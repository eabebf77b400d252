"""Entity resolution: one node per real-world thing.

Within an article, mentions are clustered by normalised name, a surname joins the one full name
it ends ("Haniyeh" -> "Ismail Haniyeh"), an acronym joins the name it abbreviates ("UNSC" ->
"United Nations Security Council"), and each cluster takes the majority type. Across articles the
same entity gets the same key, because keys are minted from type bucket and canonical name alone
(:func:`kg.iri.entity_key`).

This module is pure: it works on names, types and offsets, never on a spaCy Doc.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from kg.disjoint_sets import DisjointSets
from kg.iri import entity_key, normalise_name, type_bucket

_STOP = {"of", "the", "and", "for", "on", "in", "de", "al", "&"}
_PLACE_CLASSES = frozenset({"Country", "City", "Region", "Place"})
# How specific a type is, to break ties between readings of the same name.
_SPECIFICITY = {"Country": 3, "City": 3, "Region": 2, "Person": 2, "Organization": 2,
                "Group": 2, "Place": 1, "Other": 0}


@dataclass(frozen=True)
class NamedMention:
    """What resolution needs of a mention: where it is, what it is called, what it is."""

    start: int
    end: int
    text: str
    type: str
    name: str


@dataclass(frozen=True)
class Cluster:
    key: str
    type: str
    label: str
    members: tuple[int, ...]  # indexes into the mention list
    aliases: tuple[str, ...]


def acronym(name: str) -> str:
    """Initials of the content words of ``name``: "United Nations Security Council" -> "UNSC"."""
    words = [w for w in name.replace("-", " ").split() if w.lower() not in _STOP]
    return "".join(w[0] for w in words if w[:1].isalpha()).upper()


def cluster_mentions(mentions: list[NamedMention]) -> list[Cluster]:
    """Group the named mentions of one article into entities (see the module doc)."""
    sets = DisjointSets(len(mentions))
    find, union = sets.find, sets.union

    # 1. the same normalised name in the same type bucket is the same thing
    by_name: dict[tuple[str, str], int] = {}
    for i, m in enumerate(mentions):
        k = (type_bucket(m.type), normalise_name(m.name))
        if k in by_name:
            union(by_name[k], i)
        else:
            by_name[k] = i
    # a name read as a person and as something else is one thing in one article (the cluster
    # then takes the majority type); but a place and an organisation of one name are two: the
    # NER types names from their context, and "Leeds" the club is not "Leeds" the city
    by_norm: dict[str, list[int]] = {}
    for i, m in enumerate(mentions):
        by_norm.setdefault(normalise_name(m.name), []).append(i)
    for idxs in by_norm.values():
        places = [i for i in idxs if mentions[i].type in _PLACE_CLASSES]
        rest = [i for i in idxs if mentions[i].type not in _PLACE_CLASSES]
        apart = places and any(mentions[i].type == "Organization" for i in rest)
        for group in ([places, rest] if apart else [idxs]):
            for i in group[1:]:
                union(group[0], i)

    # 2. a person's partial name joins the one full name it is part of
    full_names: dict[str, set[int]] = {}
    for i, m in enumerate(mentions):
        if m.type == "Person" and len(m.name.split()) > 1:
            full_names.setdefault(normalise_name(m.name), set()).add(find(i))
    for i, m in enumerate(mentions):
        # spaCy often reads a bare surname as an organisation ("Fox said"); a place name from
        # the gazetteer keeps its reading
        if m.type not in ("Person", "Organization", "Other"):
            continue
        tokens = normalise_name(m.name).split()
        if len(tokens) >= 2 or not tokens:
            continue
        hosts = {find(j) for name, roots in full_names.items()
                 for j in roots if tokens[0] in name.split()[1:] or tokens[0] == name.split()[0]}
        surname_hosts = {find(j) for name, roots in full_names.items()
                         for j in roots if name.split()[-1] == tokens[0]}
        chosen = surname_hosts or (hosts if m.type == "Person" else set())
        if len(chosen) == 1:
            union(next(iter(chosen)), i)

    # 3. an acronym joins the organisation it abbreviates
    for i, m in enumerate(mentions):
        text = m.name.replace(".", "")
        if not (text.isupper() and 2 <= len(text) <= 6 and " " not in text):
            continue
        hosts = {find(j) for j, o in enumerate(mentions)
                 if j != i and len(o.name.split()) > 1 and acronym(o.name) == text}
        if len(hosts) == 1:
            union(next(iter(hosts)), i)

    return [_make_cluster(mentions, members) for members in sets.groups()]


def _make_cluster(mentions: list[NamedMention], members: list[int]) -> Cluster:
    types = Counter(mentions[i].type for i in members)
    full_person = any(mentions[i].type == "Person" and len(mentions[i].name.split()) > 1
                      for i in members)
    if full_person:
        type_ = "Person"  # "Alastair Campbell" and the bare "Campbell" spaCy read as an ORG
    else:
        if "Person" in types and len(types) > 1:
            del types["Person"]  # a one-word name also read as a place or organisation
        type_ = max(types, key=lambda t: (types[t], _SPECIFICITY.get(t, 0)))
    names = Counter(mentions[i].name for i in members if mentions[i].type == type_)
    # the fullest name wins: most words, then most frequent, then alphabetical for determinism
    label = max(names, key=lambda n: (len(n.split()), names[n], len(n), n))
    surface = sorted({mentions[i].text for i in members} | set(names) - {label})
    return Cluster(entity_key(type_, label), type_, label, tuple(sorted(members)),
                   tuple(s for s in surface if s != label))
