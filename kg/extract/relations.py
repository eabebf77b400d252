"""Direct relations from the parse: titles and appositions ("Hamas chief Ismail Haniyeh",
"Iranian Foreign Minister Hossein Amir-Abdollahian") give ``leaderOf``/``worksFor``/
``spokespersonFor``/``memberOf``; residence and organisation places; verbs ("visit", "meet",
"reject", ...); the relations events imply; and the learned classifier's relations for the pairs
the rules leave, never between names that merely stand side by side."""

from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Doc, Token

from kg.extract.events import EventDraft, event_edge
from kg.extract.index import (ACTOR_TYPES, ADDRESS_VERBS, EntityIndex, Factuality, ORG_TYPES,
                              PLACE_TYPES, UNNAMED, evidence_of, factuality, objects_of,
                              prep_objects_of, sentence_of, subjects_of)
from kg.extract.lexicon import (LEADER_TITLES, MEMBER_TITLES, RELATION_VERBS, SPEECH_VERBS,
                                SPOKES_TITLES, TITLE_WORDS, WORK_TITLES)
from kg.records import Relation, Span


# ---------------------------------------------------------------- titles and appositions

# two-word titles that name an organisation's head, though their last word alone does not
LEADER_PHRASES = frozenset({("chief", "executive"), ("managing", "director"),
                            ("director", "general"), ("secretary", "general"),
                            ("general", "secretary"), ("head", "coach"), ("chief", "constable")})
# a title under another: "deputy leader", "assistant chief constable", "vice president"; and an
# opposition portfolio: "Tory shadow chancellor Oliver Letwin" does not lead the party
UNDER_WORDS = frozenset({"deputy", "assistant", "vice", "associate", "shadow"})
# heads of one function, not of the organisation: "sales director", "sporting director", "EU
# foreign policy chief", "Labour election chief"; a director, head or chief is the
# organisation's only with no other word before it than these
FUNCTION_HEADS = frozenset({"director", "head", "chief"})
WHOLE_HEAD_WORDS = frozenset({"managing", "executive", "general", "chief", "co", "acting",
                              "interim", "new", "current", "former", "ex", "outgoing", "incoming",
                              "founding", "overall", "top", "the", "a", "an", "-"})


def title_predicate(words: list[str]) -> str | None:
    """The relation a title gives, its words in text order. The title's own noun, the last title
    word, decides ("chief economist" works for the firm; "chief executive" leads it), and a
    title under another leads nothing ("deputy leader", "assistant chief constable")."""
    lowered = [w.lower().rstrip(".") for w in words]
    if "prime" in lowered or "supreme" in lowered and "leader" in lowered:
        predicate = "leaderOf"
    elif any(pair in LEADER_PHRASES for pair in zip(lowered, lowered[1:])):
        predicate = "leaderOf"
    else:
        predicate = None
        for w in reversed(lowered):
            if w in SPOKES_TITLES:
                predicate = "spokespersonFor"
            elif w in LEADER_TITLES:
                predicate = "leaderOf"
            elif w in MEMBER_TITLES:
                predicate = "memberOf"
            elif w in WORK_TITLES:
                predicate = "worksFor"
            else:
                continue
            break
    if predicate == "leaderOf" and UNDER_WORDS & set(lowered):
        return "worksFor"
    if predicate == "leaderOf" and lowered and lowered[-1] in FUNCTION_HEADS \
            and any(w not in WHOLE_HEAD_WORDS for w in lowered[:-1]):
        return "worksFor"  # "RNID technology director", "Spurs sporting director Frank Arnesen"
    return predicate


def heads_a_function(noun: Token, index: EntityIndex) -> bool:
    """"director of marketing", "head of tax", "chief of staff": a head or director of a common
    noun, not of a named organisation, heads that part of it."""
    if noun.lower_ not in FUNCTION_HEADS:
        return False
    return any(p.dep_ == "pobj" and p.pos_ == "NOUN" and p.i not in index.key_at
               for prep in noun.children if prep.dep_ == "prep" and prep.lower_ == "of"
               for p in prep.children)


def title_relations(doc: Doc, index: EntityIndex, persons: list[tuple[int, int, str]]) -> list[Relation]:
    """Relations read from titles next to person names. ``persons`` holds token ranges and keys
    of person name mentions."""
    out: list[Relation] = []
    for start, end, key in persons:
        person_span = index.span_at[start]
        # "Hamas chief Ismail Haniyeh": the words before the name inside its noun phrase
        # a title the mention itself starts with ("President Volodymyr Zelensky")
        name_start = start
        while name_start < end - 1 and doc[name_start].lower_.rstrip(".") in TITLE_WORDS:
            name_start += 1
        left: list[Token] = [doc[k] for k in range(start, name_start)]
        i = start - 1
        while i >= 0 and doc[i].dep_ in ("compound", "amod", "nmod", "punct", "poss", "case") \
                and doc[i].head.i in range(i + 1, end) and doc[i].text not in (",", "(", "“", '"'):
            left.insert(0, doc[i])
            i -= 1
        titles = [t for t in left if t.i not in index.key_at or start <= t.i < name_start]
        predicate = title_predicate([t.text for t in titles])
        if predicate:
            # the organisation nearest the title holds it: "UK Independence Party leader Roger
            # Knapman" leads the party, not the country
            for t in reversed(left):
                org = index.key_at.get(t.i)
                if not org or org == key or index.type_of.get(org) not in ORG_TYPES:
                    continue
                if t.ent_type_ == "NORP" and not GOVERNMENT_TITLES & {x.lower_ for x in titles}:
                    break  # "Dutch director Theo van Gogh": a nationality, not an employer
                out.append(Relation(key, predicate, org, person_span, index.span_at[t.i],
                                    evidence_of(doc, [doc[start]] + left, [person_span],
                                              f"title:{'-'.join(x.lower_ for x in titles)}",
                                              "title"),
                                    factuality="Former" if _former(titles) else "Asserted"))
                break
        # "Ismail Haniyeh, the leader of Hamas," and "the leader of Hamas, Ismail Haniyeh"
        root = doc[start:end].root
        nouns = [c for c in root.children if c.dep_ == "appos" and c.i not in index.key_at]
        if root.dep_ == "appos" and root.head.i not in index.key_at:
            nouns.append(root.head)
        for noun in nouns:
            predicate = title_predicate([c.text for c in noun.children if c.dep_ in ("compound", "amod")
                                         and c.i < noun.i and c.i not in index.key_at] + [noun.text])
            if predicate == "leaderOf" and heads_a_function(noun, index):
                predicate = "worksFor"
            if not predicate:
                continue
            modifiers = [c for c in noun.children if c.dep_ in ("amod", "compound", "advmod")]
            for org, org_span in _organisations_of(noun, index):
                if org != key:
                    out.append(Relation(key, predicate, org, person_span, org_span,
                                        evidence_of(doc, [doc[start], noun], [person_span, org_span],
                                                  f"apposition:{noun.lower_}", "apposition"),
                                        factuality="Former" if _former(modifiers) else "Asserted"))
    return out


# words that put a title in the past: "former Labour leader Neil Kinnock", "Tory ex-minister
# Douglas Hogg", "Neil Kinnock, the one-time leader of the party"
FORMER_WORDS = frozenset({"former", "ex", "erstwhile", "one-time", "onetime", "then"})


ROLE_PREDICATES = frozenset({"worksFor", "leaderOf", "memberOf", "spokespersonFor"})


def _former_title_of(doc: Doc, person: Span, org: Span) -> bool:
    """``org`` is named in a former title before ``person`` ("Tory ex-minister Douglas Hogg",
    "former Liverpool manager Gerard Houllier"); the title says nothing of other organisations
    ("former Labour MP George Galloway, who founded Respect")."""
    left = _left_modifiers(doc, person.start, person.end)
    if left and left[0].text == "-" and left[0].i > 0 and doc[left[0].i - 1].lower_ == "ex":
        ex = left[0].i - 1  # the parser may hang the "ex" of "ex-minister" outside the phrase
        left = _left_modifiers(doc, ex, person.end) + [doc[ex]] + left
    return _former(left) and left[0].i <= org.start and org.end <= person.start


def _former(words: list[Token]) -> bool:
    """A title held once and no longer: the relation is about the past, not asserted as now.
    The parser may hang the "ex" of "ex-minister" elsewhere; the hyphen before the title stays."""
    return any(w.lower_ in FORMER_WORDS or w.lower_.startswith("ex-") or
               w.text == "-" and w.i > 0 and w.doc[w.i - 1].lower_ == "ex" for w in words)


# titles a nationality word before them makes the state's ("Iranian Foreign Minister", "Kenyan
# President"); before any other title it only says where the person is from ("Dutch director")
GOVERNMENT_TITLES = frozenset("""
president prime premier minister chancellor king queen emir ambassador envoy official officials
diplomat foreign
""".split())

RESIDENCE_NOUNS = frozenset("native resident residents citizen citizens inhabitant".split())


def _left_modifiers(doc: Doc, start: int, end: int) -> list[Token]:
    """The words before a name inside its noun phrase ("the U.S." of "the U.S. Congress")."""
    left: list[Token] = []
    i = start - 1
    while i >= 0 and doc[i].dep_ in ("compound", "amod", "nmod", "punct", "poss", "case", "det") \
            and doc[i].head.i in range(i + 1, end) and doc[i].text not in (",", "(", "“", '"'):
        left.insert(0, doc[i])
        i -= 1
    return left


def residence_relations(doc: Doc, index: EntityIndex,
                        persons: list[tuple[int, int, str]]) -> list[Relation]:
    """``livesIn`` from nationality and residence: "Soviet historian Roy Medvedev", "U.S.
    Ambassador Vernon Walters", "Marie Ferraro, 50, of Bethany", "born in North Bend",
    "a native of Chisholm"."""
    out: list[Relation] = []
    for start, end, key in persons:
        person_span = index.span_at[start]
        root = doc[start:end].root
        found: list[tuple[str, Span, Token, str]] = []
        for t in _left_modifiers(doc, start, end):
            place = index.key_at.get(t.i)
            if place and index.type_of.get(place) == "Country":
                found.append((place, index.span_at[t.i], t, "nationality"))
        heads = [root] + [c for c in root.children if c.dep_ in ("appos", "amod", "nummod")]
        for h in heads:
            for prep, place, span in prep_objects_of(h, index):
                if prep == "of":
                    found.append((place, span, h, "of-place"))
        head = root.head
        if root.dep_ == "nsubjpass" and head.lemma_ == "bear":
            found += [(k, sp, head, "born-in") for p, k, sp in prep_objects_of(head, index)
                      if p in ("in", "at")]
        if root.dep_ == "nsubj" and head.lemma_ == "be":
            for attr in head.children:
                if attr.dep_ == "attr" and attr.lower_ in RESIDENCE_NOUNS:
                    found += [(k, sp, attr, "native-of") for p, k, sp in prep_objects_of(attr, index)
                              if p in ("of", "from")]
        seen = set()
        for place, span, token, rule in found:
            if index.type_of.get(place) not in PLACE_TYPES or place in seen or place == key:
                continue
            seen.add(place)
            fact = factuality(root.head if root.head is not root else root, index)
            out.append(Relation(key, "livesIn", place, person_span, span,
                                evidence_of(doc, [doc[start], token], [person_span, span],
                                          f"residence:{rule}", "title"),
                                fact.value, fact.speaker))
    return out


def organisation_places(doc: Doc, index: EntityIndex,
                        organisations: list[tuple[int, int, str]]) -> list[Relation]:
    """``basedIn`` from a place in the organisation's own phrase: "the U.S. Congress",
    "Sun Hung Kai Properties, a Hong Kong construction firm", "a bank in Zurich"."""
    out: list[Relation] = []
    for start, end, key in organisations:
        org_span = index.span_at[start]
        root = doc[start:end].root
        found = [(index.key_at[t.i], index.span_at[t.i], t) for t in _left_modifiers(doc, start, end)
                 if t.i in index.key_at]
        for appos in (c for c in root.children if c.dep_ == "appos" and c.i not in index.key_at):
            found += [(index.key_at[c.i], index.span_at[c.i], appos) for c in appos.children
                      if c.dep_ in ("compound", "amod", "nmod") and c.i in index.key_at]
            found += [(k, sp, appos) for p, k, sp in prep_objects_of(appos, index) if p in ("in", "of")]
        seen = set()
        for place, span, token in found:
            if index.type_of.get(place) not in PLACE_TYPES or place in seen or place == key:
                continue
            seen.add(place)
            out.append(Relation(key, "basedIn", place, org_span, span,
                                evidence_of(doc, [doc[start], token], [org_span, span],
                                          "organisation:place-modifier", "apposition")))
    return out


def _organisations_of(noun: Token, index: EntityIndex) -> list[tuple[str, Span]]:
    found = []
    for child in noun.children:
        if child.dep_ in ("compound", "amod", "poss", "nmod") and child.i in index.key_at:
            found.append((index.key_at[child.i], index.span_at[child.i]))
        if child.dep_ == "prep" and child.lower_ in ("of", "for", "at"):
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    found.extend(index.entities_of(pobj))
    return [(k, s) for k, s in found if index.type_of.get(k) in ORG_TYPES]


# ---------------------------------------------------------------- direct relations from verbs

def verb_relations(doc: Doc, index: EntityIndex, drafts: list[EventDraft]) -> list[Relation]:
    """"Haniyeh thanked Iran", "Israel rejected the cease-fire call" (the call of the body that
    passed the resolution before it), "based in" and "headquartered in"."""
    out: list[Relation] = []
    for token in doc:
        lemma = token.lemma_.lower()
        if token.pos_ == "VERB" and lemma in RELATION_VERBS and lemma not in ("visit", "meet", "kill",
                                                                              "assassinate", "murder"):
            predicate = RELATION_VERBS[lemma]
            subjects = subjects_of(token, index)
            objects = objects_of(token, index)
            if not objects and lemma == "reject":
                objects = _proposal_owner(token, drafts)
            fact = factuality(token, index)
            for s_key, s_span in subjects:
                for o_key, o_span in objects:
                    if s_key != o_key and index.type_of.get(s_key) in ACTOR_TYPES:
                        out.append(Relation(s_key, predicate, o_key, s_span, o_span,
                                            evidence_of(doc, [token], [s_span, o_span],
                                                      f"verb:{lemma}", "verb"),
                                            fact.value, fact.speaker))
        if lemma in ("base", "headquarter") and token.tag_ == "VBN":
            out.extend(_based_in(doc, token, index))
    return out


def _based_in(doc: Doc, token: Token, index: EntityIndex) -> list[Relation]:
    """"X, which is headquartered in Y", "X, a group based in Y", "the Y-based X"."""
    places = [(k, s) for p, k, s in prep_objects_of(token, index) if p in ("in", "at")]
    places += [e for c in token.children if c.dep_ in ("npadvmod", "compound")
               for e in index.entities_of(c)]
    if token.dep_ in ("acl", "amod", "relcl"):
        owner_token = token.head
        if owner_token.dep_ == "appos" and owner_token.i not in index.key_at:
            owner_token = owner_token.head
        owners = index.entities_of(owner_token)
    else:
        owners = subjects_of(token, index) or objects_of(token, index)
    out = []
    fact = factuality(token, index)
    for o_key, o_span in owners:
        for p_key, p_span in places:
            if index.type_of.get(o_key) == "Organization" and index.type_of.get(p_key) in PLACE_TYPES:
                out.append(Relation(o_key, "basedIn", p_key, o_span, p_span,
                                    evidence_of(doc, [token], [o_span, p_span],
                                              f"verb:{token.lemma_.lower()}-in", "verb"),
                                    fact.value, fact.speaker))
    return out


def _proposal_owner(verb: Token, drafts: list[EventDraft]) -> list[tuple[str, Span]]:
    obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
    if obj is None or obj.lemma_.lower() not in ("call", "resolution", "demand", "proposal", "plan",
                                                 "offer", "request", "ceasefire", "cease-fire"):
        return []
    earlier = [d for d in drafts if d.type == "Resolution" and d.trigger.i < verb.i]
    if not earlier:
        return []
    return [(k, s) for r, k, s in earlier[-1].args if r == "actor"]


def learned_relations(doc: Doc, index: EntityIndex, model, mentions: list[tuple[int, int, str, str]],
                      known: list[Relation]) -> list[Relation]:
    """Relations the CoNLL04-trained classifier reads between name ``mentions`` (token start,
    token end, entity key, class) of one sentence, for the pairs the rules did not relate;
    factual status as for any verb of the sentence."""
    found = model.relations(doc, mentions, known={(r.subject, r.object) for r in known}
                            | {(r.object, r.subject) for r in known})
    out = []
    for r in found:
        head = doc.char_span(r.subject_span.start, r.subject_span.end, alignment_mode="expand")
        tail = doc.char_span(r.object_span.start, r.object_span.end, alignment_mode="expand")
        if head is not None and tail is not None and _across_speech(head.root, tail.root):
            continue  # "Haniyeh said the UN resolution ...": the speaker and what was said
        if head is not None and tail is not None and side_by_side(head, tail, index):
            continue  # "firms like Dell, LG, Samsung": names in a list say nothing of each other
        if tail is not None and _addressee(tail.root):
            continue  # "Mr Hain told BBC Radio Four": whom one speaks to is no employer
        # countries side by side ("in Northern Ireland ..., in Wales ..."), and no country lies
        # in a city ("the match against Ireland in Dublin": the team played there)
        if r.predicate == "locatedIn" and index.type_of.get(r.subject) == "Country" \
                and index.type_of.get(r.object) in ("Country", "City"):
            continue

        fact = factuality(head.root.head, index) if head is not None else Factuality()
        value = fact.value
        if value == "Asserted" and r.predicate in ROLE_PREDICATES and head is not None \
                and tail is not None and _former_title_of(doc, head, tail):
            value = "Former"  # "former Liverpool manager Gerard Houllier": a role held once
        sentence = sentence_of(head.root) if head is not None else r.evidence.sentence
        out.append(replace(r, factuality=value, attributed_to=fact.speaker,
                           evidence=replace(r.evidence, sentence=sentence)))
    return out


_LIST_WORDS = frozenset({",", "and", "or", "&", "/", "-", "–", "nor"})


def side_by_side(a, b, index: EntityIndex) -> bool:
    """Two name spans that merely stand side by side: conjuncts of one list ("Dell, LG and
    Samsung"), or nothing but list punctuation between them. "Paris, France" (two places and a
    comma) is a place and where it lies, not a list."""
    first, second = (a, b) if a.start <= b.start else (b, a)
    if second.root in first.root.conjuncts:
        return True
    between = first.doc[first.end:second.start]
    if any(t.lower_ not in _LIST_WORDS for t in between):
        return False
    types = {index.type_of.get(index.key_at.get(s.start)) for s in (first, second)}
    if types <= PLACE_TYPES and [t.text for t in between] == [","]:
        nxt = second.end
        # "Paris, France" unless the list goes on: "Paris, Rome, Berlin"
        return nxt < len(first.doc) and first.doc[nxt].lower_ in _LIST_WORDS \
            and nxt + 1 < len(first.doc) and first.doc[nxt + 1].i in index.key_at
    return True


def _addressee(token: Token) -> bool:
    """``token`` names whom a verb of saying addresses ("told the BBC", "told BBC Radio Four's
    Today programme", "said to Reuters")."""
    node = token
    for _ in range(6):
        head = node.head
        if node.dep_ in ("dative", "dobj") and head.lemma_.lower() in ADDRESS_VERBS:
            return True
        if node.dep_ == "pobj" and head.lower_ == "to" and head.head.lemma_.lower() in SPEECH_VERBS:
            return True
        if node.dep_ not in ("poss", "compound") or head is node:
            return False
        node = head  # "BBC Radio Four's Today programme": up to the programme
    return False


def _across_speech(a: Token, b: Token) -> bool:
    """One of the two is the subject of a verb of saying and the other sits in what was said."""
    for x, y in ((a, b), (b, a)):
        verb = x.head
        if x.dep_ in ("nsubj", "nsubjpass") and verb.lemma_.lower() in SPEECH_VERBS:
            complements = [c for c in verb.children if c.dep_ in ("ccomp", "xcomp")]
            if any(y.i in {t.i for t in c.subtree} for c in complements):
                return True
    return False


def event_relations(doc: Doc, drafts: list[EventDraft]) -> list[Relation]:
    """The direct edges an event implies: visited, metWith, killed."""
    out = []
    for d in drafts:
        actors = [(k, s) for r, k, s in d.args if r == "actor"]
        if d.type == "Visit":
            pairs = [(a, b) for a in actors for r, *b in d.args if r == "destination"]
            predicate = "visited"
        elif d.type == "Meeting":  # who met: the participants, not who held the gathering
            people = [(k, s) for r, k, s in d.args if r == "participant"]
            pairs = [(people[0], p) for p in people[1:]] if people else []
            predicate = "metWith"
        elif d.type == "Death" and d.trigger.lemma_.lower() in ("kill", "assassinate", "murder"):
            pairs = [(a, b) for a in actors for r, *b in d.args if r == "target"]
            predicate = "killed"
        else:
            continue
        for (s_key, s_span), (o_key, o_span) in pairs:
            if s_key == o_key or s_key.startswith(UNNAMED) or o_key.startswith(UNNAMED):
                continue
            out.append(event_edge(doc, d, predicate, s_key, s_span, o_key, o_span))
    return out
