"""Cross-document entity resolution: one node per real-world thing across a corpus.

Within an article :mod:`kg.resolve` has already grouped mentions into entities, and entities of
one type bucket and name meet on one IRI. This stage decides which of the remaining nodes are
the same thing, in three steps over plain records (:class:`CorpusEntity`), never a store:

1. **Blocking** (:func:`block_keys`): only nodes that share a key are compared: the name with
   company suffixes, plurals, a leading "the" and titles taken off; an acronym and the name it
   abbreviates; a person's surname (and the parts of a hyphenated one); a known alias.
2. **Scoring** (:func:`pair_features`, :class:`PairModel`): a logistic model over name
   similarity (exact, suffix, acronym, alias, rapidfuzz ratio), type compatibility, the
   entities both co-occur with, whether one article holds both apart, and titles. Its weights
   and threshold are trained on ECB+ train topics (``kg train DATA --only resolver``) and ship in
   ``kg/data/resolver.json``.
3. **Clustering under constraints** (:func:`resolve_entities`): pairs join best first; a join is
   refused when the merged group would hold two different full person names ("George Bush" and
   "George W Bush"), titles of both genders ("Mrs Howard" and Michael Howard, "Mr Howard"), a
   royal title and a full name ("Prince Charles" and Charles Kennedy), a name with a conjunction
   and a person ("Brown and Williamson"), or an organisation and a country or city of the same
   name (a club and its city, a team and its country). A bare surname that fits several full names
   joins one only when it is mentioned at least :data:`DOMINANT` times as often as the next.

The result maps every merged-away node to the node it joins, chosen from the group alone
(its majority class, then the fullest, most mentioned name, then the IRI), so the same set of
articles gives the same IRIs whatever their order.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Iterable, Sequence

from rapidfuzz import fuzz

from kg.disjoint_sets import DisjointSets
from kg.iri import normalise_name
from kg.resolve import acronym

DOMINANT = 5
"""A bare name fitting several full names joins the most mentioned only at this many times the
mentions of the next ("Blair": Tony Blair, not Cherie Blair)."""

_GENERATIONS = frozenset("jr sr ii iii iv".split())
_SUFFIXES = frozenset("corp corporation inc incorporated ltd limited plc llc co company".split())
# British and American spellings of the words names share ("Betty Ford Centre" / "Center")
_SPELLINGS = {"centre": "center", "centres": "centers", "theatre": "theater", "theatres": "theaters",
              "harbour": "harbor", "organisation": "organization", "organisations": "organizations"}
_MALE = frozenset("mr sir lord king prince duke".split())
_FEMALE = frozenset("mrs ms miss lady queen princess dame duchess".split())
_ROYAL = frozenset("prince princess king queen duke duchess".split())
TITLES = _MALE | _FEMALE | frozenset("dr president senator sen gov governor judge".split())
_TITLE_BEFORE = re.compile(r"\b(" + "|".join(sorted(TITLES, key=len, reverse=True)) +
                           r")\.?\s+$", re.IGNORECASE)
_PLACES = frozenset({"Country", "City", "Region", "Place"})
_ACTORS = frozenset({"Person", "Organization", "Group", "Country"})  # news:Actor's classes
_BUCKET = {"Person": "person", "Organization": "organization", "Group": "group",
           "Country": "place", "City": "place", "Region": "place", "Place": "place"}
_SPECIFICITY = {"Country": 3, "City": 3, "Region": 2, "Person": 2, "Organization": 2,
                "Group": 2, "Place": 1, "Other": 0}


@dataclass(frozen=True)
class CorpusEntity:
    """A named node of the corpus graph as resolution sees it.

    ``cls`` is the class local name (Person, Organization, City, ...), ``names`` its canonical
    name and alternative names, ``articles`` the articles that mention it, ``titles`` the
    honorifics seen before its mentions ("mrs", "prince"), ``neighbours`` the other named nodes
    of its articles."""

    node: str
    label: str
    cls: str
    mentions: int
    names: tuple[str, ...] = ()
    articles: frozenset[str] = frozenset()
    titles: frozenset[str] = frozenset()
    neighbours: frozenset[str] = frozenset()
    country: bool = False  # the gazetteer knows the name as a country
    sport: bool = False  # most of its mentions are in sentences about sport (a team, a club)
    placed: bool = False  # an event has it as its place, destination or origin
    acted: bool = False  # an event has it as an actor, participant, target or employer

    @property
    def words(self) -> tuple[str, ...]:
        return name_words(self.label)

    @property
    def person(self) -> bool:
        return self.cls == "Person"

    @property
    def full_person(self) -> bool:
        return self.person and len(self.words) >= 2 and not _conjoined(self.label)


_QUOTED = re.compile(r"""\s(?:``|''|["'(\[\u201c\u2018])\s*"""  # an opening quote or bracket,
                     r"""([^"'()\[\]\u201c\u201d\u2018\u2019]{1,40}?)\s*"""  # the nickname,
                     r"""(?:''|["')\]\u201d\u2019])(?=\s)""")  # a closing one, then a space


def nickname_split(name: str) -> tuple[str, str]:
    """A name with the nickname written inside it taken out, and that nickname:
    "Vincent 'The Chin' Gigante" -> ``("Vincent Gigante", "The Chin")``, "Luis Gerardo (Jerry)
    Ortiz" -> ``("Luis Gerardo Ortiz", "Jerry")``; ``(name, "")`` when it holds none."""
    m = _QUOTED.search(name)
    if not m or not name[m.end():].strip() or not name[:m.start()].strip() \
            or len(m.group(1).strip()) < 2 or not m.group(1).strip()[0].isupper():
        return name, ""  # "Guns 'N' Roses", "Rock 'n' Roll" hold no nickname
    return f"{name[:m.start()].strip()} {name[m.end():].strip()}", m.group(1).strip()


@lru_cache(maxsize=1 << 16)
def name_words(name: str) -> tuple[str, ...]:
    """The words a name is compared by: casefolded, without a nickname written inside it, a
    leading "the", a title or a company suffix, in American spelling ("Intel Corp." ->
    ``("intel",)``, "Mrs Howard" -> ``("howard",)``, "Promises Treatment Centre" ->
    ``("promises", "treatment", "center")``, "Mark 'Deep Throat' Felt" -> ``("mark", "felt")``)."""
    words = [_SPELLINGS.get(w, w) for w in normalise_name(nickname_split(name)[0]).split()]
    while len(words) > 1 and words[0] in TITLES | {"the"}:
        words = words[1:]
    while len(words) > 1 and words[-1] in _SUFFIXES:
        words = words[:-1]
    return tuple(words)


def _plain(words: Sequence[str]) -> tuple[str, ...]:
    """``words`` with the last one singular ("oscars" -> "oscar")."""
    if words and len(words[-1]) > 3 and words[-1].endswith("s") and not words[-1].endswith("ss"):
        return tuple(words[:-1]) + (words[-1][:-1],)
    return tuple(words)


def _conjoined(name: str) -> bool:
    return bool(re.search(r"\s(and|&)\s", name))


def _is_acronym(name: str) -> bool:
    text = name.replace(".", "").replace("&", "")
    return text.isupper() and 2 <= len(text) <= 6 and " " not in text and text.isalpha()


def _acronym_of(name: str) -> str:
    letters = acronym(name)
    return letters if len(letters) >= 2 else ""


@lru_cache(maxsize=1)
def _aliases() -> dict[tuple[str, ...], tuple[str, ...]]:
    """Known aliases (``kg/data/aliases.tsv``) as name words -> canonical name words."""
    text = resources.files("kg").joinpath("data", "aliases.tsv").read_text(encoding="utf-8")
    out = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            alias, canonical = line.split("\t")[:2]
            out[name_words(alias)] = name_words(canonical)
    return out


def nickname_forms(name: str) -> tuple[str, ...]:
    """The name a one-word nickname written inside a person's name makes with the surname:
    "Jerry Ortiz" of "Luis Gerardo (Jerry) Ortiz". A nickname of several words is a name of its
    own (ECB+ keeps "Deep Throat" apart from Mark 'Deep Throat' Felt) and makes none."""
    plain, nick = nickname_split(name)
    if not nick or " " in nick:
        return ()
    return (f"{nick} {plain.split()[-1]}",)


def _nickname_names(e: CorpusEntity) -> tuple[str, ...]:
    """For a person, the names the nicknames written inside its names make
    (:func:`nickname_forms`); none for anything else."""
    if not e.person:
        return ()
    return tuple(f for n in (e.label,) + tuple(e.names) for f in nickname_forms(n))


def all_names(e: CorpusEntity) -> tuple[str, ...]:
    """A node's label, its other names, and the names its nicknames make."""
    return (e.label,) + tuple(e.names) + _nickname_names(e)


def block_keys(e: CorpusEntity) -> set[str]:
    """The blocking keys of a node: two nodes are compared only when they share one."""
    keys = set()
    for name in all_names(e):
        words = name_words(name)
        if not words:
            continue
        keys.add("n:" + " ".join(_plain(words)))
        canonical = _aliases().get(words)
        if canonical:
            keys.add("n:" + " ".join(_plain(canonical)))
        if _is_acronym(name):
            if name == e.label:  # a node called by an acronym, not one that has it as alias
                keys.add("a:" + name.replace(".", "").upper())
        elif len(words) > 1 or "-" in name:
            letters = _acronym_of(" ".join(words))
            if letters:
                keys.add("A:" + letters)  # meets "a:" keys only: two names of one acronym differ
        if len(words) == 1:
            keys.add("l:" + words[0])
        elif e.person and not _conjoined(name):
            for w in words[1:]:  # the surname, and the parts of a hyphenated or double one
                keys.add("l:" + w)
        elif e.cls == "Organization" and not _conjoined(name):
            keys.add("l:" + words[-1])  # "United" of Manchester United
    return keys


def _relation(a: tuple[str, ...], b: tuple[str, ...]) -> str:
    if a == b:
        return "exact"
    if _plain(a) == _plain(b):
        return "plural"
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if long_[-len(short):] == short:
        return "tail"
    if long_[:len(short)] == short:
        return "head"
    if len(short) == 1 and short[0] in long_:
        return "inner"
    if any(long_[k:k + len(short)] == short for k in range(len(long_) - len(short) + 1)):
        return "inner"  # "Lindsay Lohan" in the headline span "Lindsay Lohan Checks Out"
    if same_with_initials(a, b):
        return "initials"
    if middle_dropped(a, b):
        return "middle"
    if _shared_bigram(a, b):
        return "bigram"  # "Actress Lindsay Lohan" and "Lindsay Lohan Checks Out"
    return ""


_PARTICLES = frozenset("van der de la le da di du von al el bin ben of the o mc mac st d".split())


def _shared_bigram(a: Sequence[str], b: Sequence[str]) -> bool:
    """Two consecutive words both names share, the second a surname (a name's last word) and
    the first no particle nor initial: "Lindsay Lohan", not the "O Brien" of Neil and Mike
    O'Brien, nor the "W Bush" of George W Bush and George H W Bush."""
    shared = set(zip(a, a[1:])) & set(zip(b, b[1:]))
    return any(pair[0] not in _PARTICLES and len(pair[0]) > 1 and pair[1] in (a[-1], b[-1])
               for pair in shared)


def same_given_name(x: str, y: str) -> bool:
    """Whether two given names (casefolded) may name one person: equal, or one an initial of
    the other ("w", "william"). Familiar forms ("Fred", "Frederick") are not read: on BBC, the
    ``nicknames`` package's list joined John and Jonathan Miller, Steve and Stephen Jones."""
    return x == y or (len(x) == 1 and y.startswith(x)) or (len(y) == 1 and x.startswith(y))


def same_with_initials(a: Sequence[str], b: Sequence[str]) -> bool:
    """One full name with initials for some given names: "W Mark Felt", "William Mark Felt"."""
    if len(a) != len(b) or len(a) < 2 or a[-1] != b[-1]:
        return False
    return all(same_given_name(x, y) for x, y in zip(a[:-1], b[:-1]))


def _ungenerated(words: Sequence[str]) -> tuple[str, ...]:
    words = tuple(words)
    while len(words) > 2 and words[-1] in _GENERATIONS:
        words = words[:-1]
    return words


def middle_dropped(a: Sequence[str], b: Sequence[str]) -> bool:
    """One person's given name and surname, and their name with middle initials: "Richard
    Nixon" and "Richard M Nixon", "Dirk Kempthorne" and "Dirk A Kempthorne". Across articles
    only: within one, "George Bush" beside "George W Bush" names two people (see
    :meth:`_Group.compatible`).

    The short name is a spelt-out given name and a surname (so "George W Bush" is not "George H
    W Bush", and BBC's rugby "J Kelly" is not IBM's John E Kelly); the long one adds initials
    only ("Jerry Lee Lewis" is not Jerry Lewis, "Daniel Day-Lewis" not Dan Lewis, "Eddie
    O'Sullivan" not Ed Sullivan)."""
    a, b = _ungenerated(a), _ungenerated(b)
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) == 2 and len(long_) > 2 and short[-1] == long_[-1] and len(short[0]) > 1 \
        and same_given_name(short[0], long_[0]) \
        and all(len(w) == 1 and w not in _PARTICLES for w in long_[1:-1])


def compatible_full_names(a: Sequence[str], b: Sequence[str]) -> bool:
    """Two full names that may be one person's: equal, one inside the other ("Kilroy Silk",
    "Robert Kilroy Silk"; a headline's "Lindsay Lohan Checks Out"), or equal but for initials.
    "George Bush" and "George H W Bush" are two names; "George Bush" and "George W Bush" may be
    one across articles (:func:`middle_dropped`)."""
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if {w for w in a if w in _GENERATIONS} ^ {w for w in b if w in _GENERATIONS}:
        if {w for w in a if w in _GENERATIONS} and {w for w in b if w in _GENERATIONS}:
            return False  # "John Smith Jr" and "John Smith Sr"
    return (any(tuple(long_[k:k + len(short)]) == tuple(short)
                for k in range(len(long_) - len(short) + 1)) or same_with_initials(a, b)
            or _shared_bigram(a, b) or middle_dropped(a, b))


FEATURES = ("exact", "plural", "acronym", "alias", "tail", "tail_multi", "head", "inner",
            "initials", "middle", "bigram", "fuzzy", "same_bucket", "person_other", "org_place",
            "cooccur", "same_article", "title_match")


def _abbreviates(short: CorpusEntity, long_: CorpusEntity) -> bool:
    if not _is_acronym(short.label):
        return False
    letters = short.label.replace(".", "").upper()
    return any(_acronym_of(n) == letters for n in (long_.label,) + long_.names
               if not _is_acronym(n) and len(n.split()) > 1 or "-" in n)


def pair_features(a: CorpusEntity, b: CorpusEntity) -> list[float]:
    """The features of a pair of nodes, in the order of :data:`FEATURES`."""
    wa, wb = a.words, b.words
    rel = _relation(wa, wb)
    if rel in ("bigram", "head", "inner", "tail_multi", "middle") and not (a.person and b.person):
        # only people are called by part of their name: "BBC" is not BBC News, "Labour" not the
        # Parliamentary Labour Party, "Promises Treatment Center" not "Betty Ford Treatment Center"
        rel = ""
    short = min(len(wa), len(wb))
    names_a = {name_words(n) for n in all_names(a)}
    names_b = {name_words(n) for n in all_names(b)}
    # an acronym node ("AMD") and a node that has its expansion as a name; only a node called
    # by the acronym counts, not one that merely has it among its names, else every "European
    # C..." would meet the European Commission through its alias "EC"
    acr = _abbreviates(a, b) or _abbreviates(b, a)
    aliases = _aliases()
    alias = any(aliases.get(x) in names_b or aliases.get(y) in names_a
                for x in names_a for y in names_b)
    if not rel and names_a & names_b:
        rel = "exact"
    ba, bb = _BUCKET.get(a.cls, "other"), _BUCKET.get(b.cls, "other")
    overlap = 0.0
    if a.neighbours and b.neighbours:
        shared = len((a.neighbours & b.neighbours) - {a.node, b.node})
        overlap = shared / min(len(a.neighbours), len(b.neighbours))
    return [
        float(rel == "exact"), float(rel == "plural"), float(acr), float(alias),
        float(rel == "tail" and short == 1), float(rel == "tail" and short > 1),
        float(rel == "head"), float(rel == "inner"), float(rel == "initials"),
        float(rel == "middle"), float(rel == "bigram"),
        fuzz.token_sort_ratio(" ".join(wa), " ".join(wb)) / 100.0,
        float(ba == bb), float(a.person != b.person),
        float({ba, bb} == {"organization", "place"}),
        overlap, float(bool(a.articles & b.articles)),
        float(bool(a.titles & b.titles)),
    ]


@dataclass(frozen=True)
class PairModel:
    """Logistic weights over :data:`FEATURES` and the probability at which a pair joins."""

    weights: tuple[float, ...]
    bias: float
    threshold: float
    features: tuple[str, ...] = FEATURES
    info: dict = field(default_factory=dict, compare=False)

    def probability(self, x: Sequence[float]) -> float:
        z = self.bias + sum(w * v for w, v in zip(self.weights, x))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_json(self) -> dict:
        return {"features": list(self.features), "weights": [round(w, 6) for w in self.weights],
                "bias": round(self.bias, 6), "threshold": self.threshold, "info": self.info}

    @classmethod
    def from_json(cls, data: dict) -> "PairModel":
        if tuple(data["features"]) != FEATURES:
            raise ValueError("resolver model features differ from kg.resolve_corpus.FEATURES; "
                             "retrain with `kg train DATA --only resolver`")
        return cls(tuple(data["weights"]), data["bias"], data["threshold"], FEATURES,
                   data.get("info", {}))

    @classmethod
    @lru_cache(maxsize=1)
    def shipped(cls) -> "PairModel":
        """The model in ``kg/data/resolver.json``."""
        text = resources.files("kg").joinpath("data", "resolver.json").read_text(encoding="utf-8")
        return cls.from_json(json.loads(text))


BLOCK_LIMIT = 200
"""Members past which a blocking key ("l:john") is too common to say anything; the corpus step
(:mod:`kg.settle`) reads the same limit to know which blocks a change opens or closes."""


def candidate_pairs(entities: Sequence[CorpusEntity]) -> list[tuple[int, int]]:
    """Index pairs of nodes sharing a blocking key, each once, in a fixed order."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for i, e in enumerate(entities):
        for k in block_keys(e):
            blocks[k].append(i)
    pairs = set()
    for key, members in blocks.items():
        if key.startswith("A:"):
            continue
        others = blocks.get("A:" + key[2:], []) if key.startswith("a:") else []
        if len(members) + len(others) > BLOCK_LIMIT:
            continue
        for x, i in enumerate(members):
            for j in members[x + 1:] + others:
                if i != j:
                    pairs.add((min(i, j), max(i, j)))
    return sorted(pairs)


NAME_EVIDENCE = frozenset({"exact", "plural", "acronym", "alias", "tail", "tail_multi", "head",
                           "inner", "initials", "middle", "bigram"})
"""The features that say two names can name one thing; a pair with none of them (and a name
similarity under :data:`FUZZY_MATCH`) never joins, whatever else it shares."""
FUZZY_MATCH = 0.9


def name_evidence(x: Sequence[float]) -> bool:
    """Whether the features ``x`` of a pair (:data:`FEATURES` order) hold name evidence."""
    return any(v for f, v in zip(FEATURES, x) if f in NAME_EVIDENCE) or \
        x[FEATURES.index("fuzzy")] >= FUZZY_MATCH


class _Group:
    """What the constraints need to know of a group being formed."""

    __slots__ = ("members", "full_names", "nicknames", "genders", "royal", "conjoined", "person",
                 "org_names", "place_names", "long_names", "placed", "unplaceable")

    def __init__(self, e: CorpusEntity):
        self.members = [e]
        self.full_names = {e.words} if e.full_person else set()
        self.nicknames = {name_words(f) for f in _nickname_names(e)}
        self.genders = {("m" if e.titles & _MALE else "")} - {""} | \
            ({"f"} if e.titles & _FEMALE else set())
        self.royal = bool(e.titles & _ROYAL) or (e.words and normalise_name(e.label).split()[0] in _ROYAL)
        self.conjoined = _conjoined(e.label)
        self.person = e.person and not self.conjoined
        self.long_names = {e.words} if not e.person and len(e.words) > 1 else set()
        self.placed = e.placed
        self.unplaceable = e.cls not in _PLACES
        self.org_names = {e.words} if e.cls == "Organization" and (e.sport or e.country) else set()
        self.place_names = {e.words} if e.cls in _PLACES else set()

    def compatible(self, other: "_Group") -> bool:
        full = self.full_names | other.full_names
        nicknames = self.nicknames | other.nicknames
        if any(not compatible_full_names(f, g) and f not in nicknames and g not in nicknames
               for f in self.full_names for g in other.full_names):
            return False  # two full names ("Jerry Ortiz" is Luis Gerardo (Jerry) Ortiz's, though)
        if len(self.genders | other.genders) > 1:
            return False
        if (self.royal or other.royal) and full:
            return False
        if (self.conjoined and other.person) or (other.conjoined and self.person):
            return False
        if any(p != f for p in self.place_names for f in other.full_names) or \
                any(p != f for p in other.place_names for f in self.full_names):
            return False  # "Washington" the city is not Denzel Washington
        if (self.org_names & other.place_names) or (other.org_names & self.place_names):
            return False  # the club and its city, the team (or state) and its country
        if (self.placed and other.unplaceable) or (other.placed and self.unplaceable):
            return False  # an event's place stays a place (Bournemouth the town, not the club)
        if any(not _same_long_name(x, y) for x in self.long_names for y in other.long_names):
            return False  # "Booker Prize" and "Buckingham Palace" through "BP"
        if any(not _same_long_name(x, y) for x in self.long_names for y in other.full_names) or \
                any(not _same_long_name(x, y) for x in other.long_names for y in self.full_names):
            return False  # Joss Stone and the Rolling Stones through "Stone"
        for a in self.members:
            for b in other.members:
                # readings of one name an article kept apart as two things; "George Bush" beside
                # "George W Bush" in one article, two people
                if ((a.words == b.words and _BUCKET.get(a.cls) != _BUCKET.get(b.cls))
                        or (a.full_person and b.full_person and middle_dropped(a.words, b.words))) \
                        and a.articles & b.articles:
                    return False
        return True

    def absorb(self, other: "_Group") -> None:
        self.members += other.members
        self.full_names |= other.full_names
        self.nicknames |= other.nicknames
        self.genders |= other.genders
        self.royal = self.royal or other.royal
        self.conjoined = self.conjoined or other.conjoined
        self.person = self.person or other.person
        self.org_names |= other.org_names
        self.long_names |= other.long_names
        self.placed = self.placed or other.placed
        self.unplaceable = self.unplaceable or other.unplaceable
        self.place_names |= other.place_names


def scored_pairs(entities: Sequence[CorpusEntity], model: PairModel) -> list[tuple[float, int, int]]:
    """``(probability, i, j)`` of every candidate pair, best first (ties by index)."""
    out = []
    for i, j in candidate_pairs(entities):
        x = pair_features(entities[i], entities[j])
        out.append((model.probability(x) if name_evidence(x) else 0.0, i, j))
    out.sort(key=lambda t: (-t[0], t[1], t[2]))
    return out


def _same_long_name(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Two names of several words that may name one thing that is not a person: equal but for
    a plural, one inside the other, or spelt nearly alike ("Centre", "Center")."""
    if _plain(a) == _plain(b):
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if any(long_[k:k + len(short)] == short for k in range(len(long_) - len(short) + 1)):
        return True
    return fuzz.ratio(" ".join(a), " ".join(b)) >= 100 * FUZZY_MATCH


def _fuller(e: CorpusEntity) -> bool:
    """A name a bare word may stand for: a full person name, or an organisation's name of two
    or more words ("United" for Manchester United, "Center" for no one in particular)."""
    return e.full_person or (e.cls == "Organization" and len(e.words) > 1)


def cluster(entities: Sequence[CorpusEntity], scored: Iterable[tuple[float, int, int]],
            threshold: float) -> list[list[int]]:
    """Groups of node indexes: pairs at or above ``threshold`` join best first, under the
    constraints of the module doc. Bare names (one word) that may join a longer name (see
    :func:`_fuller`) wait for a second pass, once the longer names have formed their groups;
    then one joins the group it fits only when no other group it fits has more than
    1/:data:`DOMINANT` of its mentions ("Blair": Tony Blair, not Cherie Blair; "Bush" with both
    presidents stays apart; "United" joins Manchester United only where it dominates)."""
    scored = [t for t in scored if t[0] >= threshold]
    sets = DisjointSets(len(entities))
    find = sets.find
    groups = {i: _Group(e) for i, e in enumerate(entities)}

    def join(i: int, j: int) -> None:
        ri, rj = find(i), find(j)
        if ri == rj or not groups[ri].compatible(groups[rj]):
            return
        kept = sets.union(ri, rj)
        groups[kept].absorb(groups.pop(rj if kept == ri else ri))

    def bare_to_full(i: int, j: int) -> int | None:
        for bare, full in ((i, j), (j, i)):
            if len(entities[bare].words) == 1 and (
                    _fuller(entities[full])
                    or _is_acronym(entities[bare].label) and len(entities[full].words) > 1):
                return bare  # a surname, a bare word, an acronym: each may fit several
        return None

    later: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for p, i, j in scored:
        bare = bare_to_full(i, j)
        if bare is not None:
            later[bare].append((p, j if bare == i else i))
    rest = []
    for p, i, j in scored:
        if bare_to_full(i, j) is None:
            if i in later or j in later:
                rest.append((i, j))  # a bare name settles its full name first
            else:
                join(i, j)
    for bare in sorted(later):
        mentions: dict[int, int] = {}
        best: dict[int, float] = {}
        for p, full in later[bare]:
            root = find(full)
            if root == find(bare):
                continue
            mentions[root] = sum(m.mentions for m in groups[root].members)
            best[root] = max(best.get(root, 0.0), p)
        if not mentions:
            continue
        ranked = sorted(mentions, key=lambda r: (-mentions[r], -best[r], r))
        if len(ranked) == 1 or mentions[ranked[0]] >= DOMINANT * mentions[ranked[1]]:
            join(bare, ranked[0])
    for i, j in rest:
        join(i, j)
    return sets.groups()


def representative(members: Sequence[CorpusEntity]) -> tuple[CorpusEntity, str]:
    """The node a group keeps and its class: the class with the most mentions (a country of the
    gazetteer, a person with a full name first; "Other" only when nothing else; an actor's
    class when an event has a member as its actor); within it a person's fullest name, anything
    else's fullest name among those with a third of the mentions of the most used; then the
    smallest IRI."""
    by_class = Counter()
    for e in members:
        by_class[e.cls] += e.mentions
    if any(e.cls == "Country" or (e.country and e.cls in _PLACES) for e in members):
        cls = next(e.cls for e in sorted(members, key=lambda e: (e.cls != "Country", e.node))
                   if e.cls == "Country" or e.country)  # the gazetteer's country of that name
    elif any(e.full_person for e in members) or (
            any(e.acted for e in members) and any(e.person for e in members)
            and not any(e.cls in _ACTORS - {"Person"} for e in members)):
        cls = "Person"  # an event's actor read as a person and as a place is the person
    else:
        if len(by_class) > 1:
            by_class.pop("Person", None)  # a one-word name read as a person is its other reading
        if len(by_class) > 1:
            by_class.pop("Other", None)  # any reading says more than "Other"
        if any(e.acted for e in members) and by_class.keys() & _ACTORS:
            by_class = Counter({c: n for c, n in by_class.items() if c in _ACTORS})
        cls = max(by_class, key=lambda c: (by_class[c], _SPECIFICITY.get(c, 0), c))
    if cls == "Person":  # a person by the fullest name: Tony Blair, not "Blair"; Kevin Maggs,
        # not the team sheets' "K Maggs" (an initial is no word of the name)
        rank = lambda e: (-min(sum(len(w) > 1 for w in e.words), 3), -e.mentions,  # noqa: E731
                          -len(normalise_name(e.label).split()), e.node)
    else:  # anything else by its fullest name among the much used: "Manchester United", not
        # "United"; but "Labour Party", not the rare "Parliamentary Labour Party"
        top = max(e.mentions for e in members if e.cls == cls)
        rank = lambda e: (3 * e.mentions < top, -len(e.words), -e.mentions, e.node)  # noqa: E731
    keep = min((e for e in members if e.cls == cls), key=rank)
    return keep, cls


def resolve_entities(entities: Sequence[CorpusEntity], model: PairModel | None = None,
                     threshold: float | None = None) -> dict[str, tuple[str, str]]:
    """``{node: (kept node, class)}`` for every node of a group of two or more.

    >>> a = CorpusEntity("e:amd", "AMD", "Organization", 3)
    >>> b = CorpusEntity("e:advanced", "Advanced Micro Devices", "Organization", 1)
    >>> resolve_entities([a, b])["e:amd"]
    ('e:advanced', 'Organization')
    """
    model = model or PairModel.shipped()
    ordered = sorted(entities, key=lambda e: e.node)  # the order of the input never matters
    return decide_groups(ordered, scored_pairs(ordered, model),
                         model.threshold if threshold is None else threshold)


def decide_groups(ordered: Sequence[CorpusEntity], scored: Iterable[tuple[float, int, int]],
                  threshold: float) -> dict[str, tuple[str, str]]:
    """:func:`cluster` ``ordered`` (nodes in IRI order) by its ``scored`` pairs, and give
    ``{node: (kept node, class)}`` for every node of a group of two or more."""
    out = {}
    for members in cluster(ordered, scored, threshold):
        if len(members) < 2:
            continue
        keep, cls = representative([ordered[i] for i in members])
        for i in members:
            out[ordered[i].node] = (keep.node, cls)
    return out


SPORT_WORDS = frozenset("""
match matches beat beaten win won wins draw drew defeat defeated goal goals scored score scorer
striker midfielder defender goalkeeper keeper manager coach club side team squad league cup
champions championship premiership season fixture fans stadium final semi-final quarter-final
tournament title game games play played player players victory try tries referee kick
""".split())


def about_sport(sentence: str) -> bool:
    """Whether a sentence reads as sport: it holds a word of :data:`SPORT_WORDS`."""
    return any(w in SPORT_WORDS for w in re.findall(r"[a-z-]+", sentence.lower()))


def titles_before(text: str, sentence: str) -> set[str]:
    """Honorifics written just before ``text`` in ``sentence``: "Mrs", "Prince"."""
    out = set()
    start = sentence.find(text)
    while start >= 0:
        m = _TITLE_BEFORE.search(sentence[max(0, start - 12):start])
        if m:
            out.add(m.group(1).lower())
        start = sentence.find(text, start + 1)
    first = normalise_name(text).split()[:1]
    if first and first[0] in TITLES:
        out.add(first[0])
    return out


@lru_cache(maxsize=1)
def _countries() -> frozenset[str]:
    text = resources.files("kg").joinpath("data", "countries.tsv").read_text(encoding="utf-8")
    out = set()
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            row = line.split("\t")
            out.add(normalise_name(row[0]))
            if len(row) > 2:
                out.update(normalise_name(a) for a in row[2].split(",") if a.strip())
    return frozenset(out)


def is_country(name: str) -> bool:
    """Whether the gazetteer (``kg/data/countries.tsv``) knows ``name`` as a country."""
    return normalise_name(name) in _countries()
