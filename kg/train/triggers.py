"""Train the event trigger classifier (:mod:`kg.extract.trigger_model`).

    python -m kg.train.triggers DATA [-o kg/data/trigger_model.json]

Training data: WikiEvents dev (``DATA/wikievents/dev.jsonl``, every word labelled), RAMS dev
(``DATA/rams/dev.jsonlines``, one labelled trigger per passage, so it gives positives only) and
``kg/train/trigger_senses.tsv``, sentences of our own writing for the senses the two benchmarks
lack (sport and award "beat", market "shot up", a deal "struck", an earthquake, "heart attack").

How it is measured, since WikiEvents dev is training data: a fixed fifth of its documents
(:func:`aside_ids`) is never trained on; the other documents are cross-validated by document
(each fold's model sees RAMS, the senses and the other folds, and its trigger list is built from
them alone), the whole extractor runs on the held-out documents, and ``kg eval``'s scorer scores
them. The Platt map is fitted on those out-of-fold predictions and the threshold is the one
with the best cross-validated F1 over all types. The shipped model is trained on everything but
the aside part and keeps the aside ids, so ``kg eval wikievents --aside`` scores it there.
Training draws nothing at random (full-batch optimisation, folds by file order), so it is
deterministic without a seed.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import statistics
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from kg.eval.datasets import WikiEventsDoc, read_wikievents
from kg.extract.trigger_model import (DEFAULT_PATH, NONE, TriggerModel, candidate_key,
                                      lexicon_classes, trigger_features)

SENSES = Path(__file__).resolve().parent / "trigger_senses.tsv"
SENSE_WEIGHT = 5
# kg classes after the trigger component: what the training parse runs through
_AFTER_TRIGGERS = ("kg_triggers", "kg_mentions", "kg_titles", "kg_coref", "kg_events",
                   "kg_relation_model", "kg_assemble")

# RAMS (AIDA) type prefix -> kg event class; the longest prefix wins. Types with no kg class
# (yield, spy, inspection, ...) give no example.
RAMS_TO_CLASS = {
    "conflict.attack": "Attack",
    "conflict.demonstrate": "Protest",
    "life.die": "Death",
    "life.injure": "Injury",
    "contact.discussion": "Meeting",
    "contact.collaborate": "Meeting",
    "contact.negotiate": "Meeting",
    "contact.mediastatement": "Statement",
    "contact.publicstatementinperson": "Statement",
    "contact.prevarication": "Statement",
    "contact.commitmentpromiseexpressintent": "Statement",
    "contact.commandorder": "Request",
    "contact.requestadvise": "Request",
    "contact.threatencoerce": "Threat",
    "movement.transportperson": "Travel",
    "movement.transportperson.evacuationrescue": "Evacuation",
    "movement.transportperson.preventexit": "Arrest",
    "movement.transportartifact": "Travel",
    "justice.arrestjaildetain": "Arrest",
    "justice.initiatejudicialprocess.chargeindict": "Charge",
    "justice.initiatejudicialprocess.trialhearing": "Trial",
    "justice.investigate": "Investigation",
    "justice.judicialconsequences.convict": "Conviction",
    "justice.judicialconsequences.execute": "Death",
    "artifactexistence.damagedestroy": "Damage",
    "manufacture.artifact": "Manufacture",
    "transaction.transfermoney.purchase": "Acquisition",
    "transaction.transferownership.purchase": "Acquisition",
    "transaction.transfermoney.giftgrantprovideaid": "Donation",
    "transaction.transferownership.giftgrantprovideaid": "Donation",
    "transaction.transaction.giftgrantprovideaid": "Donation",
    "transaction.transfermoney.embargosanction": "Sanction",
    "transaction.transferownership.embargosanction": "Sanction",
    "transaction.transaction.embargosanction": "Sanction",
    "personnel.elect": "Election",
    "personnel.startposition": "Appointment",
    "personnel.endposition": "Resignation",
    "disaster.accidentcrash": "Crash",
    "government.agreements.acceptagreementcontractceasefire": "Agreement",
    "government.vote": "Vote",
    "government.legislate": "Legislation",
}

# WikiEvents (KAIROS) two-level type -> kg class, where one class holds it.
KAIROS_TO_CLASS = {
    "Conflict.Attack": "Attack",
    "Conflict.Demonstrate": "Protest",
    "Life.Die": "Death",
    "Life.Injure": "Injury",
    "Justice.ArrestJailDetain": "Arrest",
    "ArtifactExistence.DamageDestroyDisableDismantle": "Damage",
    "ArtifactExistence.ManufactureAssemble": "Manufacture",
    "Contact.RequestCommand": "Request",
    "Contact.ThreatenCoerce": "Threat",
    "GenericCrime.GenericCrime": "Crime",
    "Disaster.DiseaseOutbreak": "Outbreak",
    "Disaster.Crash": "Crash",
    "Justice.ChargeIndict": "Charge",
    "Justice.TrialHearing": "Trial",
    "Justice.InvestigateCrime": "Investigation",
    "Justice.ReleaseParole": "Release",
    "Justice.Convict": "Conviction",
    "Justice.Sentence": "Sentencing",
    "Justice.Acquit": "Acquittal",
    "Transaction.ExchangeBuySell": "Acquisition",
    "Transaction.Donation": "Donation",
    "Personnel.StartPosition": "Appointment",
    "Personnel.EndPosition": "Resignation",
    "Personnel.Elect": "Election",
    "Control.ImpedeInterfereWith": "Obstruction",
    "Medical.Intervention": "MedicalTreatment",
    "Movement.Transportation": "Travel",
}
# Contact.Contact is a Meeting for these words, else a Statement. (Movement is all Travel; the
# extractor calls travel by "visit", "trip", "tour" or "arrive" a Visit.)
MEETING_WORDS = frozenset("meet meeting talk talks summit conference interview negotiation "
                          "negotiate hold gathering".split())


def kg_class(kairos_type: str, lemma: str) -> str | None:
    """The kg class a WikiEvents gold event of ``kairos_type`` (full type) and trigger lemma is."""
    parts = kairos_type.split(".")
    two = ".".join(parts[:2])
    if two == "Contact.Contact":
        return "Meeting" if lemma in MEETING_WORDS or parts[2:3] == ["Meet"] and lemma not in (
            "say", "tell", "ask", "declare", "reply") else "Statement"
    if two == "Movement.Transportation":
        return "Evacuation" if parts[2:3] == ["Evacuation"] else "Travel"
    return KAIROS_TO_CLASS.get(two)


def rams_class(rams_type: str, lemma: str = "") -> str | None:
    best = None
    for prefix, cls in RAMS_TO_CLASS.items():
        if rams_type.startswith(prefix) and (best is None or len(prefix) > len(best[0])):
            best = (prefix, cls)
    if best is None:
        return None
    return best[1]


# ------------------------------------------------------------------ examples

@dataclass(frozen=True)
class Example:
    features: tuple[str, ...]
    label: str
    key: str  # lemma/POS
    source: str  # wikievents doc id, "rams" or "senses"


def parse_pipeline(model: str | None = None):
    """kg's pipeline up to the trigger component (the parse and the names NER it reads)."""
    from kg.nlp import load_pipeline

    nlp = load_pipeline(model)
    return nlp, [p for p in _AFTER_TRIGGERS if p in nlp.pipe_names]


def _root(doc, start: int, end: int):
    span = doc.char_span(start, end, alignment_mode="expand")
    return span.root if span is not None and len(span) else None


def wikievents_examples(docs: Sequence[WikiEventsDoc], parsed, lexicon) -> list[list[tuple]]:
    """Per document, ``(token, gold class or O)`` for every word that could be a trigger."""
    out = []
    for d, doc in zip(docs, parsed):
        gold = {}
        for g in d.events:
            root = _root(doc, *g.trigger)
            if root is not None:
                cls = kg_class(g.type, (root.lemma_ or root.text).lower())
                gold[root.i] = cls or "unmapped"
        rows = []
        for tok in doc:
            if tok.i in gold or _could_be(tok, lexicon):
                rows.append((tok, gold.get(tok.i, NONE)))
        out.append(rows)
    return out


def _could_be(tok, lexicon) -> bool:
    from kg.extract.trigger_model import CANDIDATE_POS, NOT_TRIGGER_ENTS

    return tok.pos_ in CANDIDATE_POS and tok.ent_type_ not in NOT_TRIGGER_ENTS and (
        (tok.lemma_ or tok.text).lower() in lexicon)


def rams_examples(path: Path, nlp, disable, limit: int | None = None) -> list[tuple]:
    """``(token, class)`` of each RAMS gold trigger kg has a class for (its syntactic head)."""
    from spacy.tokens import Doc

    items = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            words = [t for s in d["sentences"] for t in s]
            for start, end, types in d["evt_triggers"]:
                items.append((words, start, end + 1, types[0][0]))
    items = items[:limit]
    docs = (Doc(nlp.vocab, words=w) for w, *_ in items)
    out = []
    with nlp.select_pipes(disable=disable):
        for doc, (_w, s, e, rams_type) in zip(nlp.pipe(docs, batch_size=64), items):
            root = doc[s:e].root
            cls = rams_class(rams_type, (root.lemma_ or root.text).lower())
            if cls:
                out.append((root, cls))
    return out


_MARK = re.compile(r"\[\[([^|\]]+)\|([A-Za-z]+)\]\]")


def read_senses(path: Path = SENSES) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """Sentences of ``trigger_senses.tsv``: text, and (start, end, class) of each marked word
    (``[[beat|O]]``, ``[[struck|NaturalDisaster]]``)."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        text, marks, pos = "", [], 0
        for m in _MARK.finditer(line):
            text += line[pos:m.start()]
            marks.append((len(text), len(text) + len(m.group(1)), m.group(2)))
            text += m.group(1)
            pos = m.end()
        out.append((text + line[pos:], marks))
    return out


def sense_examples(nlp, disable, path: Path = SENSES) -> list[tuple]:
    rows = read_senses(path)
    out = []
    with nlp.select_pipes(disable=disable):
        for doc, (_text, marks) in zip(nlp.pipe(t for t, _ in rows), rows):
            for s, e, cls in marks:
                root = _root(doc, s, e)
                if root is not None:
                    out.append((root, cls))
    return out


# ------------------------------------------------------------------ training

def aside_ids(docs: Sequence[WikiEventsDoc], every: int = 5) -> list[str]:
    """The fixed part of WikiEvents dev never trained on: every fifth document in file order."""
    return [d.article.id for n, d in enumerate(docs) if n % every == every - 1]


def build_candidates(positives: Sequence[tuple], lexicon) -> set[str]:
    """``lemma/POS`` keys that may be triggers: the training triggers and the lexicon's words."""
    keys = {candidate_key(tok) for tok, cls in positives if cls not in (NONE, "unmapped")}
    from kg.extract.lexicon import triggers

    for lemma, readings in triggers().items():
        for r in readings:
            for pos in (("NOUN", "VERB", "ADJ") if r.pos == "*" else (r.pos,)):
                keys.add(f"{lemma}/{pos}")
    return keys


def _examples(rows: Sequence[tuple], lexicon, source: str) -> list[Example]:
    return [Example(tuple(trigger_features(tok, lexicon)), cls, candidate_key(tok), source)
            for tok, cls in rows if cls != "unmapped"]


def fit_model(examples: Sequence[Example], classes: Sequence[str], candidates, l2: float,
              epochs: int, meta: dict | None = None) -> TriggerModel:
    from kg.train.relations import fit

    fitted = fit(examples, classes, l2=l2, epochs=epochs)  # an Example has features and label
    return TriggerModel(classes, fitted.weights, fitted.bias, candidates, meta=meta)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="kg train --only triggers", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", type=Path, help="the shared data folder (../shared/data)")
    ap.add_argument("-o", "--output", type=Path, default=DEFAULT_PATH)
    ap.add_argument("--folds", type=int, default=4)
    ap.add_argument("--l2", type=float, default=1e-2)
    ap.add_argument("--epochs", type=int, default=200)
    ap.add_argument("--model", default=None, help="spaCy pipeline to parse with")
    args = ap.parse_args(argv)
    report = train(args.data, args.output, folds=args.folds, l2=args.l2, epochs=args.epochs,
                   model=args.model)
    print(json.dumps(report, indent=2))
    return 0


def train(data: Path, output: Path, folds: int = 4, l2: float = 1e-2, epochs: int = 200,
          model: str | None = None) -> dict:
    """Cross-validate, fit the shipped model and write it to ``output``; returns the figures."""
    from kg.eval.scoring import score_wikievents_all
    from kg.train.relations import platt

    nlp, disable = parse_pipeline(model)
    lexicon = lexicon_classes()
    docs = read_wikievents(data / "wikievents" / "dev.jsonl")
    aside = set(aside_ids(docs))
    cv_docs = [d for d in docs if d.article.id not in aside]
    with nlp.select_pipes(disable=disable):
        parsed = list(nlp.pipe(d.article.text for d in cv_docs))
    wiki_rows = wikievents_examples(cv_docs, parsed, lexicon)
    rams_rows = rams_examples(data / "rams" / "dev.jsonlines", nlp, disable)
    sense_rows = sense_examples(nlp, disable)
    # the senses are few and written to the point: each counts as SENSE_WEIGHT examples
    shared = _examples(rams_rows, lexicon, "rams") + _examples(sense_rows, lexicon, "senses") * SENSE_WEIGHT
    wiki_ex = [_examples(rows, lexicon, d.article.id) for rows, d in zip(wiki_rows, cv_docs)]
    classes = [NONE] + sorted({e.label for e in shared + [x for ex in wiki_ex for x in ex]} - {NONE})
    fold_of = {d.article.id: n % folds for n, d in enumerate(cv_docs)}

    # pass 1: out-of-fold raw probabilities of the best class, for the Platt map
    fold_models, raw, right = [], [], []
    for f in range(folds):
        train_rows = rams_rows + sense_rows + [r for rows, d in zip(wiki_rows, cv_docs)
                                               if fold_of[d.article.id] != f for r in rows]
        cands = build_candidates(train_rows, lexicon)
        train_ex = shared + [x for ex, d in zip(wiki_ex, cv_docs) if fold_of[d.article.id] != f
                             for x in ex]
        m = fit_model(train_ex, classes, cands, l2, epochs)
        fold_models.append(m)
        for ex, d in zip(wiki_ex, cv_docs):
            if fold_of[d.article.id] != f:
                continue
            for x in ex:
                if x.key in cands:
                    cls, p = m.best(x.features)
                    raw.append(p)
                    right.append(cls == x.label)
    a, b = platt(raw, right)

    # pass 2: the whole extractor on each held-out fold, every trigger kept with its confidence
    from kg.eval.runner import extract_records
    from kg.extract.role_model import use_role_model

    records = {}
    for f, m in enumerate(fold_models):
        m.platt, m.threshold = (a, b), 0.0
        held = [d for d in cv_docs if fold_of[d.article.id] == f]
        # the parse rules' roles: the shipped role classifier learned on these documents, so its
        # arguments here would be in-sample (its own cross-validation is kg.train.roles')
        with use_trigger_model(m), use_role_model(None):
            records.update({r["id"]: r for r in extract_records([d.article for d in held], model)})
    best_t, best = 0.5, None
    sweep = {}
    for t in [x / 100 for x in range(5, 95, 5)]:
        scores = score_wikievents_all(cv_docs, _above(records, t))
        sweep[t] = scores
        if best is None or scores["all_types_f1"] > best["all_types_f1"]:
            best_t, best = t, scores
    # how far one fold's documents move the figure: the standard error of the per-fold F1
    best = {**best, "all_types_f1_standard_error": round(standard_error([score_wikievents_all(
        [d for d in cv_docs if fold_of[d.article.id] == f], _above(records, best_t))["all_types_f1"]
        for f in range(folds)]), 4)}
    # the shipped model: everything but the aside part
    all_rows = rams_rows + sense_rows + [r for rows in wiki_rows for r in rows]
    final = fit_model(shared + [x for ex in wiki_ex for x in ex], classes,
                      build_candidates(all_rows, lexicon), l2, epochs,
                      meta={"aside": sorted(aside), "folds": folds, "l2": l2, "epochs": epochs,
                            "rams_examples": len(rams_rows), "sense_examples": len(sense_rows),
                            "wikievents_docs": len(cv_docs), "cv": best})
    final.platt, final.threshold = (a, b), best_t
    output.parent.mkdir(parents=True, exist_ok=True)
    final.save(output)
    counts = Counter(e.label for e in shared)
    return {"cv": best, "threshold": best_t, "platt": [a, b], "classes": len(classes),
            "rams_positives": len(rams_rows), "sense_examples": len(sense_rows),
            "per_class_shared": dict(counts.most_common()),
            "sweep_all_types_f1": {t: s["all_types_f1"] for t, s in sweep.items()}}


def standard_error(values: Sequence[float]) -> float:
    """The standard error of the mean of per-fold figures (0 for fewer than two)."""
    return statistics.stdev(values) / math.sqrt(len(values)) if len(values) > 1 else 0.0


def _above(records: dict, t: float) -> dict:
    return {k: {**r, "events": [e for e in r.get("events", ()) if e.get("confidence", 1) >= t
                                or e["type"].endswith(("#Statement", "#CasualtyReport"))]}
            for k, r in records.items()}


class use_trigger_model:
    """``with use_trigger_model(model):`` the shipped pipeline's trigger component uses ``model``."""

    def __init__(self, model: TriggerModel, name: str | None = None):
        from kg.nlp import load_pipeline

        self.pipe = load_pipeline(name).get_pipe("kg_triggers")
        self.model = model

    def __enter__(self):
        self.saved, self.pipe.model = self.pipe.model, self.model
        return self

    def __exit__(self, *exc):
        self.pipe.model = self.saved


if __name__ == "__main__":
    raise SystemExit(main())
