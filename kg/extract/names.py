"""Names and their types: the trained names NER merged with the OntoNotes NER, as spaCy components.

kg reads two NERs. ``en_core_web_sm``'s own (OntoNotes labels) is the better source for dates,
numbers, money and nationality words (``NORP``); the names NER (``kg_names``, a spaCy ``ner``
trained by :mod:`kg.train.ner` on CoNLL-2003 and CoNLL04 news, shipped in ``kg/data/names_ner``)
is the better source for people, organisations and places, which it types from their context as
well as their string ("Leeds beat Chelsea" names two clubs). Three components put them together:

- ``kg_stash_ontonotes`` (after ``ner``) moves the OntoNotes entities to ``doc.spans["ontonotes"]``
  and clears ``doc.ents``, so the names NER starts from a clean slate;
- ``kg_names`` (a sourced ``ner``) writes PER/ORG/LOC/MISC entities;
- ``kg_entities`` merges both into ``doc.ents`` under OntoNotes labels, which the mention rules of
  :mod:`kg.extract.mentions` read: the names NER decides every name, except where both NERs read
  the same words and held-out training data showed the OntoNotes reading of that pair of labels
  to be right more often (a names-NER ``PER`` that OntoNotes reads as an ``ORG``); the OntoNotes
  entities fill the tokens it leaves (dates, numbers, nationality words). The names NER's raw
  entities stay in ``doc.spans["kg_names"]``.

>>> nlp = load_pipeline()
>>> [(e.text, e.label_) for e in nlp("Leeds beat Chelsea on Tuesday.").ents]
[('Leeds', 'ORG'), ('Chelsea', 'ORG'), ('Tuesday', 'DATE')]
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.extract.lexicon import gazetteer

NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC"})
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# OntoNotes labels a CoNLL MISC span keeps when both NERs read the same words
MISC_LABELS = frozenset({"NORP", "EVENT", "LAW", "WORK_OF_ART", "PRODUCT", "LANGUAGE"})


@Language.component("kg_stash_ontonotes")
def stash_ontonotes(doc: Doc) -> Doc:
    """Keep the OntoNotes entities in ``doc.spans["ontonotes"]`` and clear ``doc.ents``."""
    doc.spans["ontonotes"] = list(doc.ents)
    doc.set_ents([], default="outside")
    return doc


@Language.factory("kg_entities", default_config={"prefer_ontonotes": []})
def make_entity_merger(nlp: Language, name: str, prefer_ontonotes: list[list[str]]):
    """The merge of the two NERs; ``prefer_ontonotes`` lists ``[names label, OntoNotes label]``
    pairs whose OntoNotes reading wins when both NERs read the same words differently, as
    measured on held-out training data (:func:`kg.train.ner.learn_preferences`)."""
    return EntityMerger(prefer_ontonotes)


class EntityMerger:
    """``doc.ents`` from the names NER (in ``doc.ents``) and ``doc.spans["ontonotes"]``."""

    def __init__(self, prefer_ontonotes=()):
        self.prefer_ontonotes = {tuple(p) for p in prefer_ontonotes}

    def __call__(self, doc: Doc) -> Doc:
        names = list(doc.ents)
        doc.spans["kg_names"] = names
        onto = list(doc.spans.get("ontonotes", ()))
        label_of = {(s.start, s.end): s.label_ for s in onto}
        merged = [self.relabel(n, label_of.get((n.start, n.end))) for n in names]
        taken = {i for s in merged for i in range(s.start, s.end)}
        for span in onto:
            if span.label_ in NAME_LABELS:
                continue  # the names NER found no name here
            if not any(i in taken for i in range(span.start, span.end)):
                merged.append(span)
                taken.update(range(span.start, span.end))
        doc.set_ents(joined_aliases(sorted(merged, key=lambda s: s.start)), default="outside")
        return doc

    def relabel(self, name: Span, same: str | None) -> Span:
        """``name`` under the label the mention rules read; ``same`` is the OntoNotes label of
        the same words, if any."""
        if same is not None and (name.label_, same) in self.prefer_ontonotes:
            return Span(name.doc, name.start, name.end, label=same)
        return _relabel(name, same)


def joined_aliases(ents: list[Span]) -> list[Span]:
    """``ents`` (in text order), with two names side by side that together spell a known alias
    read as one organisation: the "Liberal" (ORG) and "Democrat" (NORP) of "Liberal Democrat
    leader Charles Kennedy" are the Liberal Democrats, not a party called "Liberal" and a
    nationality word."""
    aliases = gazetteer().aliases
    out: list[Span] = []
    for ent in ents:
        prev = out[-1] if out else None
        if prev is not None and prev.end == ent.start \
                and aliases.get(ent.doc[prev.start:ent.end].text.casefold(), ("", ""))[1] == "Organization":
            out[-1] = Span(ent.doc, prev.start, ent.end, label="ORG")
        else:
            out.append(ent)
    return out


def _relabel(name: Span, same: str | None) -> Span:
    """A names-NER span under the OntoNotes label the mention rules read; ``same`` is the
    OntoNotes label of the same words, if any."""
    label = name.label_
    if label == "PER":
        new = "PERSON"
    elif label == "ORG":
        new = "ORG"
    elif label == "LOC" and name.text.casefold() in gazetteer().demonym_of:
        new = "NORP"  # "Soviet historian Roy Medvedev": a nationality word, not a place name
    elif label == "LOC":
        new = same if same in PLACE_LABELS else "GPE"
    else:  # MISC: a nationality word, an event, a work, a product, a law, ...
        if same in MISC_LABELS:
            new = same
        elif name.text.casefold() in gazetteer().demonym_of:
            new = "NORP"
        else:
            new = "MISC"
    return Span(name.doc, name.start, name.end, label=new)
