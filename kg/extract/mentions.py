"""Typed entity mentions from a spaCy Doc: NER refined by rules.

The rules map demonyms to their state where the text means the state ("Iranian officials" are
Iran) or to a group where it means the people ("Palestinians"), give places their class from a
gazetteer, apply the alias table ("UNSC"), strip honorifics from names, and drop spaCy's junk
(single title words such as "Supreme", headlines tagged as organizations, agency codes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from kg.extract.lexicon import (HONORIFICS, JUNK_ENTITY_WORDS, LEADER_TITLES, MALWARE_NOUNS,
                                ORGANISATION_DESCRIPTORS, PEOPLE_NOUNS, PLACE_DESCRIPTORS,
                                STATE_NOUNS, TITLE_WORDS, WORK_DESCRIPTORS, WORK_TITLES,
                                gazetteer)
from kg.extract.text import doc_text


@dataclass(frozen=True)
class MentionCandidate:
    """A mention before resolution. ``name`` is the canonical name this mention proposes."""

    start: int  # character offsets into the article text
    end: int
    text: str
    type: str  # ontology class local name
    name: str
    kind: str  # "name", "demonym", "pronoun" or "nominal"
    token_start: int
    token_end: int
    sent_start: int  # character offsets of the sentence
    sent_end: int


_LABEL_TYPES = {"PERSON": "Person", "ORG": "Organization", "GPE": "City", "LOC": "Region",
                "FAC": "Place", "EVENT": "Other", "LAW": "Other", "WORK_OF_ART": "Other",
                "PRODUCT": "Other", "MISC": "Other"}
_PRONOUNS = {"he", "him", "his", "she", "her"}
_NAME_JUNK = re.compile(r"[/\d@#<>{}=_|]|https?:")


def find_mentions(doc: Doc) -> list[MentionCandidate]:
    """All entity mentions of ``doc``, named and demonym ones, in text order."""
    found: list[MentionCandidate] = []
    for ent in doc.ents:
        cand = _classify(ent)
        if cand is not None:
            found.append(cand)
    taken = {i for c in found for i in range(c.token_start, c.token_end)}
    for token in doc:
        if token.i not in taken and token.lower_ in _PRONOUNS and token.pos_ == "PRON":
            found.append(_make(doc[token.i:token.i + 1], "Person", token.text, "pronoun"))
    found.sort(key=lambda c: c.start)
    return found


def _make(span: SpacySpan, type_: str, name: str, kind: str) -> MentionCandidate:
    sent = span.sent
    return MentionCandidate(span.start_char, span.end_char, span.text, type_, name, kind,
                            span.start, span.end, sent.start_char, sent.end_char)


def _classify(ent: SpacySpan) -> MentionCandidate | None:
    label = ent.label_
    if label == "NORP":
        return _demonym(ent)
    type_ = _LABEL_TYPES.get(label)
    if type_ is None:
        return None
    ent = _trim(ent)
    if ent is not None and type_ == "Person":
        ent = _without_affiliation(_after_lowercase_words(ent))
    if ent is None or _is_junk(ent):
        return None
    ent = _with_initial(ent)
    text = ent.text
    gaz = gazetteer()
    key = text.casefold()
    spelled = _compass_spelled(ent)
    if type_ != "Person" and _initial_and_surname(ent, gaz, spelled):
        return _make(ent, "Person", person_name(text), "name")  # "G Gregan (Aus, capt)"
    if spelled in gaz.country_of:
        return _make(ent, "Country", gaz.country_of[spelled], "name")  # "J Fourie (S Africa)"
    if key in gaz.aliases:
        canonical, cls = gaz.aliases[key]
        return _make(ent, cls, canonical, "name")
    if type_ in ("City", "Region", "Organization", "Place") and key in gaz.country_of:
        return _make(ent, "Country", gaz.country_of[key], "name")
    if type_ == "Organization" and key in gaz.demonym_of:
        return None  # "Israeli" tagged ORG: a demonym outside a state phrase
    if type_ != "Other" and _counted(ent):
        return _make(ent, "Other", text, "name")  # "won an Oscar", "a Bafta in 1999": a thing
    described = _described_as(ent)
    if described == "Organization" and type_ in ("Person", "City", "Region", "Place"):
        type_ = "Organization"  # "research firm Gartner", "magazine Der Spiegel"
    elif described == "City" and type_ in ("Person", "Organization"):
        type_ = "City"
    elif described == "Other":
        type_ = "Other"
    elif type_ == "Person" and _traded(ent):
        type_ = "Organization"  # "Pernod shares rose"; a place so written is the market
    if type_ == "Person":
        name = person_name(text)
        if name.casefold() in JUNK_ENTITY_WORDS:
            return None  # "General Election" read as a person
        return _make(ent, "Person", name, "name")
    if type_ == "Organization" and len(ent) == 2 and ent[0].lower_.rstrip(".") in _COURTESY \
            and ent[1].text[:1].isupper() and ent[1].lower_ not in JUNK_ENTITY_WORDS:
        return _make(ent, "Person", person_name(text), "name")  # "Mr Balls" read as ORG
    # (a rank is no courtesy title: "General Motors", "General Electric" are companies)
    return _make(ent, type_, _expand_un(text), "name")


_COURTESY = frozenset({"mr", "mrs", "ms", "miss", "dr"})
_COMPASS = {"n": "north", "s": "south", "e": "east", "w": "west"}


def _initial_and_surname(ent: SpacySpan, gaz, spelled: str | None) -> bool:
    """An initial and a capitalised word, as team sheets and bylines name people ("G Gregan",
    "C. Hoeft"): on CoNLL-2003 train 260 of the 277 such names are people. The others are places
    and nationalities with a compass point ("S. Africa", "S. Korean"), which stay what they are
    when the gazetteer knows them spelled out or when they stand in parentheses, where a team
    sheet puts places ("H Webb (S Yorkshire)"); ``spelled`` is the name with its compass point
    spelled out (:func:`_compass_spelled`)."""
    words = [t for t in ent if t.text != "."]
    if len(words) != 2:
        return False
    initial, word = words[0].text.rstrip("."), words[1]
    if not (len(initial) == 1 and initial.isupper() and word.is_alpha and word.text[0].isupper()
            and not word.is_upper):
        return False
    if spelled and (spelled in gaz.country_of or spelled in gaz.demonym_of or spelled in gaz.aliases
                    or _in_parentheses(ent)):
        return False
    return True


def _with_initial(ent: SpacySpan) -> SpacySpan:
    """``ent`` with the initial before it that the NER left out ("B" of "; B Lima (Samoa)"): a
    lone capital the tagger reads as a proper noun, after punctuation or at a sentence start."""
    doc, i = ent.doc, ent.start - 1
    if len(ent) != 1 or i < 0:
        return ent
    t = doc[i]
    if not (len(t.text.rstrip(".")) == 1 and t.text[0].isupper() and t.tag_ == "NNP"):
        return ent
    if t.is_sent_start or (i > 0 and doc[i - 1].is_punct):
        return SpacySpan(doc, i, ent.end, label=ent.label_)
    return ent


def _compass_spelled(ent: SpacySpan) -> str | None:
    """"south africa" for "S Africa" or "S. Africa"; None for anything else."""
    words = [t for t in ent if t.text != "."]
    if len(words) != 2:
        return None
    compass = _COMPASS.get(words[0].text.rstrip(".").lower())
    return f"{compass} {words[1].lower_}" if compass else None


def _in_parentheses(ent: SpacySpan) -> bool:
    doc = ent.doc
    return (ent.start > 0 and doc[ent.start - 1].text == "(" and ent.end < len(doc)
            and doc[ent.end].text in (")", ","))


_ONTONOTES_NAMES = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP"})


def _ontonotes_name(ent: SpacySpan) -> bool:
    """The OntoNotes NER (kept by ``kg_stash_ontonotes``) read a name in these words too."""
    return any(s.start < ent.end and ent.start < s.end and s.label_ in _ONTONOTES_NAMES
               for s in ent.doc.spans.get("ontonotes", ()))


def _described_as(ent: SpacySpan) -> str | None:
    """The class a descriptor noun before or beside the name gives it: "research firm Gartner",
    "Dell, the computer maker" (Organization); "the town of Leeds" is read by the NER already,
    "the port city Basra" (City); "the film Vera Drake", "UMD, Sony's own disc format", "the
    Zafi virus" (Other: a work or a product)."""
    root = ent.root
    nouns = [c for c in root.children if c.dep_ in ("compound", "appos") and c.i < ent.start
             or c.dep_ == "appos" and c.i >= ent.end]
    if root.dep_ == "appos" and root.head.i < ent.start:
        nouns.append(root.head)
    for noun in nouns:
        lemma = noun.lemma_.lower()
        if noun.pos_ == "NOUN" and lemma in ORGANISATION_DESCRIPTORS:
            return "Organization"
        if noun.pos_ == "NOUN" and lemma in PLACE_DESCRIPTORS:
            return "City"
        if noun.pos_ == "NOUN" and lemma in WORK_DESCRIPTORS:
            return "Other"
    head = root.head
    if root.dep_ == "compound" and head.i >= ent.end and head.lemma_.lower() in MALWARE_NOUNS:
        return "Other"
    before = ent.doc[ent.start - 1] if ent.start > ent.sent.start else None
    if before is not None and before.lower_ in WORK_DESCRIPTORS \
            and (before.pos_ == "NOUN" or before.lower_ == "musical") \
            and (ent.start <= before.head.i < ent.end or before.head == head):
        # "abortion drama Vera Drake", "hit musical Mamma Mia!" (tagged an adjective), parsed
        # apart; but "a single Microsoft licence" is no record
        return "Other"
    if _employer(ent) or _held(ent) or _led(ent):
        return "Organization"
    return None


_BOSS_WORDS = frozenset("chief executive chairman chairwoman boss manager coach owner ceo".split())
"""Titles of those who run a firm or a club; not a city's or a state's (mayor, governor,
president), nor a person's staff (aide, adviser), nor a film's or a portfolio's ("Kill Bill
director Quentin Tarantino", "Hong Kong director Wong Kar-Wai", "Britain's Europe Director"),
nor what a founder may have founded ("Linux founder Linus Torvalds"). "Managing director"
is a firm's."""


def _led(ent: SpacySpan) -> bool:
    """A name before the title of one who runs a firm or a club and that one's name is what
    they run: "Burberry chief executive Rose Marie Bravo", "Leeds chairman Gerald Krasner"
    (the club). "London mayor Ken Livingstone" and "Blair aide Jonathan Powell" are no such
    case."""
    doc, i = ent.doc, ent.end
    while i < len(doc):
        if doc[i].lower_ == "managing" and i + 1 < len(doc) and doc[i + 1].lower_ == "director":
            i += 2
        elif doc[i].lower_ in _BOSS_WORDS:
            i += 1
        else:
            break
    return ent.end < i < len(doc) and doc[i].ent_type_ == "PERSON" and doc[i].ent_iob_ == "B"


def _traded(ent: SpacySpan) -> bool:
    """A name written before "shares" or "stock" as their kind ("Pernod shares", "Krispy Kreme
    shares fell"): a company's, or a market's ("Tokyo shares"), never a person's."""
    root = ent.root
    return root.dep_ == "compound" and root.head.pos_ == "NOUN" \
        and root.head.lemma_.lower() in ("share", "stock") and root.head.i >= ent.end


_HOLDINGS = frozenset("share stake shareholding holding".split())


def _held(ent: SpacySpan) -> bool:
    """A name that shares or a stake are held in is a company: "Shares in Wimpey were up", "a
    20% stake in Southcorp", "the remaining shares of Sun Interbrew". Not where the
    shares have an owner of their own, since then the name may be the market they trade on
    ("Pernod's shares in London", "Allied Domecq shares in Paris"), nor a name the NER cut
    short ("Shares in Munich Re": the next word is capitalised)."""
    noun = _governed_by(ent, ("in", "of"))
    lemma = noun.lemma_.lower() if noun is not None else ""
    if noun is None or noun.pos_ != "NOUN" or lemma not in _HOLDINGS:
        return False
    if lemma == "share" and any(c.dep_ in ("poss", "compound", "nmod") for c in noun.children):
        return False
    return not _cut_short(ent)


def _governed_by(ent: SpacySpan, preps: tuple[str, ...]):
    """The word a name hangs on through one of ``preps`` ("analyst" of "an analyst at
    Petercam", "shares" of "Shares in Wimpey"), None when the name is no such object."""
    root = ent.root
    prep = root.head
    if root.dep_ != "pobj" or prep.lower_ not in preps or prep.head.i == prep.i:
        return None
    return prep.head


def _cut_short(ent: SpacySpan) -> bool:
    """Whether the next word is capitalised: a name the NER cut short ("an executive at the
    London Stock Exchange" read as "London")."""
    doc = ent.doc
    return ent.end < len(doc) and doc[ent.end].text[:1].isupper()


_EMPLOYEE_NOUNS = WORK_TITLES | LEADER_TITLES | frozenset(
    "professor lecturer researcher scientist strategist consultant partner".split())


def _employer(ent: SpacySpan) -> bool:
    """A name after a job and "at" or "with" employs the holder: "an analyst at Petercam",
    "project manager at the Hansard Society", "manager at Southampton" (the club). A name the
    NER cut short ("an executive at the London Stock Exchange" read as "London") is left as it
    is: the next word is capitalised."""
    job = _governed_by(ent, ("at", "with"))
    if job is None or job.pos_ != "NOUN" or job.lemma_.lower() not in _EMPLOYEE_NOUNS:
        return False
    return not _cut_short(ent)


def _counted(ent: SpacySpan) -> bool:
    """A name with an indefinite article of its own is no person, place or organisation but a
    thing of that name: "won an Oscar", "a Grammy in 1998", "a Bafta". ("an Arafat adviser" is no
    such case: the article belongs to "adviser".)"""
    if ent.start == 0:
        return False
    det = ent.doc[ent.start - 1]
    return det.lower_ in ("a", "an") and det.dep_ == "det" and det.head.i in range(ent.start, ent.end)


def _trim(ent: SpacySpan) -> SpacySpan | None:
    """Drop leading determiners, trailing possessives and punctuation."""
    start, end = ent.start, ent.end
    doc = ent.doc
    while start < end and (doc[start].lower_ in ("the", "a", "an") or doc[start].is_punct
                           or doc[start].is_space):
        start += 1
    while end > start and (doc[end - 1].tag_ == "POS" or doc[end - 1].is_punct
                           or doc[end - 1].is_space or doc[end - 1].lower_ in ("'s", "’s")):
        end -= 1
    if start >= end:
        return None
    return doc[start:end]


_NAME_PARTICLES = frozenset("""
al bin bint ibn abu da de del della der di dos du el la le van von y
""".split())


def _after_lowercase_words(ent: SpacySpan) -> SpacySpan:
    """A person span cut after its last lowercase word that is no name particle: "she rang
    Lucy" tagged as one name is "Lucy"; "Ludwig van Beethoven" stays whole."""
    start = ent.start
    for token in ent[:-1]:
        if token.is_lower and token.is_alpha and token.lower_ not in _NAME_PARTICLES:
            start = token.i + 1
    return ent.doc[start:ent.end]


_NATIONALITY_NOUNS = frozenset("briton britons scot scots welshman englishman irishman".split())


def _without_affiliation(ent: SpacySpan) -> SpacySpan:
    """A person span without the party or nationality word it starts with ("Tory Liam Fox",
    "Briton Tim Henman", "Labour Alan Milburn"), when a name of two words or more is left; the
    word stays in the text, where titles and residence rules read it."""
    gaz = gazetteer()
    start = ent.start
    while ent.end - start > 2:
        word = ent.doc[start].lower_
        if word in _NATIONALITY_NOUNS or word in gaz.demonym_of or \
                gaz.aliases.get(word, (None, None))[1] == "Organization":
            start += 1
        else:
            break
    return ent.doc[start:ent.end]


def _is_junk(ent: SpacySpan) -> bool:
    text = ent.text
    if not any(c.isalpha() for c in text) or _NAME_JUNK.search(text):
        return True
    if len(ent) == 1 and (ent[0].lower_ in JUNK_ENTITY_WORDS or ent[0].lower_ in TITLE_WORDS
                          or not ent[0].text[:1].isupper()):
        return True
    if len(ent) == 1 and ent.label_ == "PERSON" and ent[0].is_sent_start \
            and ent[0].tag_ in ("NN", "NNS") and not ent[0].is_upper and not _ontonotes_name(ent):
        return True  # a capitalised common noun opening a sentence ("Drones were flying low")
    if any(t.tag_ in ("VBZ", "VBD", "VBP") for t in ent) and len(ent) >= 3:
        return True  # a headline clause ("Israel Launches Iron Wall Operation")
    return _in_headline(ent)


def _in_headline(ent: SpacySpan) -> bool:
    """A span of three or more words covering most of a title-case line with no full stop."""
    if len(ent) < 3:
        return False
    text = doc_text(ent.doc)
    line_start = text.rfind("\n", 0, ent.start_char) + 1
    line_end = text.find("\n", ent.end_char)
    line = text[line_start:line_end if line_end != -1 else len(text)].strip()
    words = [w for w in line.split() if w[:1].isalpha()]
    if not words or line.endswith((".", "!", "?", "”", '"')):
        return False
    capitalised = sum(w[0].isupper() for w in words) / len(words)
    return capitalised >= 0.7 and len(ent.text) >= 0.5 * len(line)


def person_name(text: str) -> str:
    """A person's canonical name: honorifics and titles stripped ("Ayatollah Ali Khamenei" ->
    "Ali Khamenei"), unless nothing would be left."""
    words = text.replace("’", "'").split()
    while len(words) > 1 and (words[0].lower().rstrip(".") in HONORIFICS
                              or words[0].lower() in TITLE_WORDS):
        words = words[1:]
    if len(words) > 1 and words[-1].lower() in ("'s", "s"):
        words = words[:-1]
    return " ".join(words)


def _expand_un(text: str) -> str:
    """"UN Security Council" -> "United Nations Security Council" (then the alias table)."""
    expanded = re.sub(r"^(?:the\s+)?(?:UN|U\.N\.)\s+", "United Nations ", text)
    return gazetteer().aliases.get(expanded.casefold(), (expanded, None))[0]


def _demonym(ent: SpacySpan) -> MentionCandidate | None:
    """A nationality word: the state where the text means the state, the people where it means
    the people, and nothing where it only describes ("the Palestinian enclave")."""
    gaz = gazetteer()
    ent = _trim(ent)
    if ent is None:
        return None
    root = ent.root
    key = ent.text.casefold()
    if key in gaz.aliases:  # parties and other named groups: "Tories", "Lib Dems"
        canonical, cls = gaz.aliases[key]
        return _make(ent, cls, canonical, "name")
    country = gaz.demonym_of.get(key)
    if root.dep_ in ("amod", "compound") and root.head.i >= ent.end:
        head = root.head
        noun = head.lower_
        if country and (noun in STATE_NOUNS or head.lemma_.lower() in STATE_NOUNS):
            return _make(ent, "Country", country, "demonym")
        if country and head.head.ent_type_ == "PERSON" and head.dep_ in ("compound", "amod"):
            return _make(ent, "Country", country, "demonym")  # "Soviet historian Roy Medvedev"
        if noun in PEOPLE_NOUNS or head.lemma_.lower() in PEOPLE_NOUNS:
            name = gaz.group_name.get(country, ent.text) if country else ent.text
            return _make(ent, "Group", name, "demonym")
        return None
    if root.tag_ in ("NNS", "NNPS") or (key.endswith("s") and key in gaz.demonym_of):
        name = gaz.group_name.get(country, ent.text) if country else ent.text
        return _make(ent, "Group", name, "demonym")
    return None
