"""kg's extraction as spaCy components, one decision each, after the names components of
:mod:`kg.extract.names`::

    ... ner, kg_stash_ontonotes, kg_names, kg_entities,
    kg_mentions, kg_titles, kg_coref, kg_events, kg_relation_model, kg_assemble

The components read and write Doc extension attributes: ``doc._.kg_article`` and
``doc._.kg_prepared`` (the article and its text with boilerplate blanked, set by
:class:`~kg.extract.Extractor`; a Doc made from a bare string gets a stand-in article), the
working state ``doc._.kg_state``, and the result ``doc._.kg_extraction``, an
:class:`~kg.records.ArticleExtraction`:

- ``kg_triggers`` (trained, saved with ``to_disk``): the event trigger classifier
  (:mod:`kg.extract.trigger_model`), which decides which words are events and of which class,
  with a calibrated confidence, in ``doc._.kg_triggers``;
- ``kg_mentions``: name, demonym and pronoun mentions, names clustered into the article's
  entities (:mod:`kg.extract.mentions`, :mod:`kg.resolve`);
- ``kg_titles``: relations from titles and appositions, residence and organisation places;
- ``kg_coref``: descriptions ("the Hamas leader") and pronouns join their entities;
- ``kg_events``: events, statements and casualty figures with roles and dates, and the direct
  relations verbs and events give; the roles are the parse rules', or the learned role
  classifier's (:mod:`kg.extract.role_model`) where ``kg/data/role_model.json`` ships;
- ``kg_relation_model`` (trained, saved with ``to_disk``): the CoNLL04 relation classifier, which
  gives the rules' readings between two names their confidence (the rule is one of its features;
  a reading it overrules is kept with that low confidence, below the floor) and reads the pairs
  the rules leave; every other rule-made relation takes the
  measured confidence of its rule family;
- ``kg_assemble``: the extraction record.

>>> nlp = load_pipeline()
>>> ex = nlp("Hamas chief Ismail Haniyeh arrived in Tehran on Tuesday.")._.kg_extraction
>>> [(r.subject, r.predicate, r.object) for r in ex.relations][:1]
[('person/ismail-haniyeh', 'leaderOf', 'organization/hamas')]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract import casualties, coref, events, relations as rel, role_model
from kg.extract.assemble import ResolvedNames, assemble, resolve_names
from kg.extract.relation_model import RelationModel
from kg.extract.trigger_model import DEFAULT_PATH as TRIGGER_MODEL, TriggerModel
from kg.extract.text import PreparedText
from kg.records import Article, Relation


for _name in ("kg_article", "kg_prepared", "kg_state", "kg_extraction", "kg_triggers"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


@dataclass
class ExtractionState:
    """What the components have read of one article so far."""

    article: Article
    prep: PreparedText
    names: ResolvedNames | None = None
    relations: list[Relation] = field(default_factory=list)
    drafts: list = field(default_factory=list)  # event drafts (kg.extract.events.EventDraft)
    casualties: list = field(default_factory=list)


def state_of(doc: Doc) -> ExtractionState:
    if doc._.kg_state is None:
        article = doc._.kg_article or Article("doc", doc.text)
        prep = doc._.kg_prepared or PreparedText(doc.text, (), None, None, None)
        doc._.kg_state = ExtractionState(article, prep)
    return doc._.kg_state


@Language.factory("kg_triggers", default_config={"path": None})
def make_triggers(nlp: Language, name: str, path: str | None):
    """The trained trigger classifier; ``path`` is its JSON (default: the shipped one; with
    none shipped, the lexicon reads the triggers)."""
    if path is None:
        return TriggerComponent(TriggerModel.shipped() if TRIGGER_MODEL.exists() else None)
    return TriggerComponent(TriggerModel.load(path))


class SavedModelComponent:
    """A trained component whose model is one JSON file, ``FILE``, saved and read with spaCy's
    ``to_disk``/``from_disk``; ``MODEL`` is the model class (it has ``save`` and ``load``)."""

    FILE: str
    MODEL: type

    def to_disk(self, path, *, exclude=()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        self.model.save(path / self.FILE)

    def from_disk(self, path, *, exclude=()):
        self.model = self.MODEL.load(Path(path) / self.FILE)
        return self


class TriggerComponent(SavedModelComponent):
    """Event triggers: token index -> (event class, calibrated confidence) in
    ``doc._.kg_triggers`` (:meth:`~kg.extract.trigger_model.TriggerModel.triggers`)."""

    FILE = "trigger_model.json"
    MODEL = TriggerModel

    def __init__(self, model: TriggerModel | None):
        self.model = model

    def __call__(self, doc: Doc) -> Doc:
        doc._.kg_triggers = None if self.model is None else self.model.triggers(doc)
        return doc


@Language.component("kg_mentions")
def find_names(doc: Doc) -> Doc:
    """Mentions and the article's entities."""
    state = state_of(doc)
    state.names = resolve_names(doc, state.article.id)
    return doc


@Language.component("kg_titles")
def title_relations(doc: Doc) -> Doc:
    """Titles and appositions, residence, organisation places."""
    state = state_of(doc)
    names = state.names
    persons, organisations = names.names_of("Person"), names.names_of("Organization")
    state.relations += rel.title_relations(doc, names.index, persons)
    state.relations += rel.residence_relations(doc, names.index, persons)
    state.relations += rel.organisation_places(doc, names.index, organisations)
    return doc


@Language.component("kg_coref")
def join_references(doc: Doc) -> Doc:
    """Descriptions and pronouns join the entities they stand for."""
    state = state_of(doc)
    coref.nominal_mentions(doc, state.names.index, state.relations)
    coref.pronoun_mentions(doc, state.names.index, state.names.pronouns)
    return doc


@Language.component("kg_events")
def find_events(doc: Doc) -> Doc:
    """Events, statements, casualty figures, dates; the relations of verbs and events."""
    state = state_of(doc)
    index = state.names.index
    state.casualties = casualties.find_casualties(doc, index)
    # a speech verb in the trigger lexicon is read once, as the statement with its speaker
    statements = events.find_statements(doc, index)
    spoken = {d.trigger.i for d in statements}
    # a statement is somebody's: a lexicon reading with no speaker is dropped
    drafts = [d for d in events.find_events(doc, index)
              if not (d.type == "Statement" and (d.trigger.i in spoken
                                                 or not any(r == "actor" for r, _, _ in d.args)))]
    drafts += statements
    drafts.sort(key=lambda d: d.trigger.i)
    events.date_events(drafts, state.article.date)
    events.relative_event_dates(doc, drafts, index)
    drafts = events.described_patients(events.merge_coreferent_events(drafts), index)
    state.drafts = role_model.assign_roles(drafts, index, role_model.active())
    state.relations += rel.verb_relations(doc, index, state.drafts)
    state.relations += rel.event_relations(doc, state.drafts)
    state.relations += events.event_edges(doc, state.drafts, index)
    return doc


@Language.factory("kg_relation_model", default_config={"path": None})
def make_relation_model(nlp: Language, name: str, path: str | None):
    """The trained relation classifier; ``path`` is its JSON (default: the shipped one)."""
    return RelationModelComponent(RelationModel.shipped() if path is None else RelationModel.load(path))


class RelationModelComponent(SavedModelComponent):
    """Learned relations for the pairs the rules leave, then every relation's confidence
    calibrated (:meth:`~kg.extract.relation_model.RelationModel.calibrate`)."""

    FILE = "relation_model.json"
    MODEL = RelationModel

    def __init__(self, model: RelationModel):
        self.model = model

    def __call__(self, doc: Doc) -> Doc:
        state = state_of(doc)
        mentions = state.names.name_mentions()
        # the rules' readings between two names: the model, with the rule as a feature, gives
        # their confidence; one it overrules stays a claim, below the floor (nothing is lost)
        kept, overruled = self.model.score_rules(doc, state.relations, mentions)
        learned = rel.learned_relations(doc, state.names.index, self.model, mentions,
                                        kept + overruled)
        state.relations = self.model.calibrate(kept + overruled + learned)
        return doc


@Language.component("kg_assemble")
def assemble_extraction(doc: Doc) -> Doc:
    """The :class:`~kg.records.ArticleExtraction` of the article, in ``doc._.kg_extraction``."""
    state = state_of(doc)
    ev = [events.to_event(doc, d) for d in state.drafts]
    ev += [casualties.casualty_event(c) for c in state.casualties]
    doc._.kg_extraction = assemble(doc, state.article, state.prep, state.names, state.relations, ev)
    doc._.kg_state = doc._.kg_triggers = None
    return doc


COMPONENTS = ("kg_triggers", "kg_mentions", "kg_titles", "kg_coref", "kg_events", "kg_relation_model", "kg_assemble")
_RULE_STEPS = {"kg_mentions": find_names, "kg_titles": title_relations, "kg_coref": join_references,
               "kg_events": find_events, "kg_assemble": assemble_extraction}


def run_components(doc: Doc, relation_model: RelationModel | None = None) -> Doc:
    """Run kg's components on an already parsed ``doc``, in pipeline order, without a pipeline;
    ``relation_model`` None leaves ``kg_relation_model`` out."""
    for name in COMPONENTS:
        if name == "kg_triggers":
            if doc._.kg_triggers is None and TRIGGER_MODEL.exists():
                TriggerComponent(TriggerModel.shipped())(doc)
        elif name != "kg_relation_model":
            _RULE_STEPS[name](doc)
        elif relation_model is not None:
            RelationModelComponent(relation_model)(doc)
    return doc


def add_components(nlp: Language, relation_model: str | None = None) -> None:
    """Add kg's extraction components at the end of ``nlp``."""
    for name in COMPONENTS:
        if name not in nlp.pipe_names:
            config = {"path": relation_model} if name == "kg_relation_model" else {}
            nlp.add_pipe(name, config=config)
