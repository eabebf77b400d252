"""Train the names NER: PER, ORG, LOC and MISC on CoNLL-2003 English and CoNLL04 train.

The component starts from the OntoNotes NER of ``en_core_web_sm`` (its own tok2vec and
transition model; spaCy's small model is trained on far more news than CoNLL-2003 has) and is
fine-tuned on the CoNLL label set. CoNLL04's ``Peop``/``Org``/``Loc`` become PER/ORG/LOC and its
``Other`` spans (mostly dates and quantities) are marked as missing, so they teach nothing.

The number of epochs and how often CoNLL04's sentences are repeated (its news is older and
shaped differently: datelines, all-caps places) are chosen on a held-out fifth of the CoNLL-2003
training documents and of the CoNLL04 training sentences (fixed, seeded splits), and so are the
label pairs on which the OntoNotes NER overrules this one in
``kg_entities`` (:func:`learn_preferences`); the shipped model is then trained on all of the
training data for that many epochs. ``eng.testa`` is the dev split: it is never read here.

    python -m kg.train.ner DATA -o kg/data/names_ner
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from kg.eval.datasets import Conll03Doc, iob_spans, read_conll03

LABELS = ("PER", "ORG", "LOC", "MISC")
SCORED = ("PER", "ORG", "LOC")
CONLL04_LABELS = {"Peop": "PER", "Org": "ORG", "Loc": "LOC"}


@dataclass(frozen=True)
class NerSentence:
    """One training sentence: its text (tokens joined by spaces), its entities as character
    offsets, and the character spans whose label is unknown."""

    text: str
    entities: tuple[tuple[int, int, str], ...]
    missing: tuple[tuple[int, int], ...] = ()


def _sentence(tokens: Sequence[str], spans: Iterable[tuple[int, int, str | None]]) -> NerSentence:
    starts, pos = [], 0
    for tok in tokens:
        starts.append(pos)
        pos += len(tok) + 1
    ents, missing = [], []
    for a, b, label in spans:
        char = (starts[a], starts[b - 1] + len(tokens[b - 1]))
        if label is None:
            missing.append(char)
        else:
            ents.append((*char, label))
    return NerSentence(" ".join(tokens), tuple(ents), tuple(missing))


def conll03_sentences(docs: Sequence[Conll03Doc], group: int = 1) -> list[NerSentence]:
    """Training texts of CoNLL-2003 documents: ``group`` consecutive sentences of a document
    joined by line breaks, as kg reads an article (one line a sentence or paragraph)."""
    out = []
    for d in docs:
        for k in range(0, len(d.sentences), group):
            parts = [_sentence(s.tokens, iob_spans(s.tags)) for s in d.sentences[k:k + group]]
            out.append(_join(parts))
    return out


def _join(parts: Sequence[NerSentence]) -> NerSentence:
    text, ents, missing, pos = [], [], [], 0
    for p in parts:
        ents.extend((a + pos, b + pos, t) for a, b, t in p.entities)
        missing.extend((a + pos, b + pos) for a, b in p.missing)
        text.append(p.text)
        pos += len(p.text) + 1
    return NerSentence("\n".join(text), tuple(ents), tuple(missing))


def conll04_sentences(data: list[dict]) -> list[NerSentence]:
    """SpERT JSON sentences; ``Other`` spans are unknown, not outside."""
    return [_sentence(item["tokens"], [(e["start"], e["end"], CONLL04_LABELS.get(e["type"]))
                                       for e in item["entities"]]) for item in data]


def split_documents(docs: Sequence, fold: int = 0, k: int = 5, seed: int = 0) -> tuple[list, list]:
    """(train, held out): document ``i`` of a seeded shuffle is held out when ``i % k == fold``."""
    order = list(range(len(docs)))
    random.Random(seed).shuffle(order)
    held = {j for n, j in enumerate(order) if n % k == fold}
    return [d for i, d in enumerate(docs) if i not in held], [d for i, d in enumerate(docs) if i in held]


def _gold(nlp, s: NerSentence):
    """The sentence as parsed by ``nlp``'s tokenizer, with its entities; tokens that no entity
    boundary fits, and unknown spans, are missing."""
    from spacy.training import offsets_to_biluo_tags, biluo_tags_to_spans

    doc = nlp.make_doc(s.text)
    tags = offsets_to_biluo_tags(doc, list(s.entities))
    for start, end in s.missing:
        for tok in doc:
            if tok.idx < end and start < tok.idx + len(tok):
                tags[tok.i] = "-"
    missing = [doc[i:i + 1] for i, t in enumerate(tags) if t == "-"]
    doc.set_ents(biluo_tags_to_spans(doc, [t if t != "-" else "O" for t in tags]),
                 missing=missing, default="outside")
    return doc


def base_pipeline(model: str | None = None):
    """A pipeline holding only the NER of ``en_core_web_sm`` (or ``model``), with CoNLL labels."""
    from kg.nlp import resolve_model_name
    import spacy

    source = spacy.load(resolve_model_name(model))
    nlp = spacy.blank("en", vocab=source.vocab)
    nlp.tokenizer = source.tokenizer
    nlp.add_pipe("ner", source=source)
    ner = nlp.get_pipe("ner")
    for label in LABELS:
        ner.add_label(label)
    return nlp


def score(nlp, sentences: Sequence[NerSentence], labels: Sequence[str] = SCORED) -> dict[str, float]:
    """Strict character-span F1 over ``labels`` (micro) and per label."""
    per: dict[str, list[int]] = {lab: [0, 0, 0] for lab in labels}
    for doc, s in zip(nlp.pipe((x.text for x in sentences), batch_size=256), sentences):
        gold = {e for e in s.entities if e[2] in labels}
        pred = {(e.start_char, e.end_char, e.label_) for e in doc.ents if e.label_ in labels}
        for key in gold | pred:
            c = per[key[2]]
            if key in gold and key in pred:
                c[0] += 1
            elif key in pred:
                c[1] += 1
            else:
                c[2] += 1
    out = {lab: _f1(*c) for lab, c in per.items()}
    out["micro"] = _f1(*(sum(c[i] for c in per.values()) for i in range(3)))
    return out


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def train(nlp, sentences: Sequence[NerSentence], epochs: int, *, seed: int = 0,
          dropout: float = 0.2, held_out: Sequence[NerSentence] | dict = (), log=print) -> list[float]:
    """Fine-tune ``nlp``'s NER on ``sentences`` for ``epochs``; returns the held-out micro F1
    after each epoch (empty when nothing is held out). ``held_out`` may name several sets
    (``{"CoNLL-2003": [...], "CoNLL04": [...]}``): the figure is then their mean."""
    from spacy.training import Example
    from spacy.util import compounding, fix_random_seed, minibatch

    fix_random_seed(seed)
    rng = random.Random(seed)
    examples = [Example(nlp.make_doc(s.text), _gold(nlp, s)) for s in sentences]
    optimizer = nlp.resume_training()
    history = []
    for epoch in range(1, epochs + 1):
        t0 = time.time()
        rng.shuffle(examples)
        losses: dict[str, float] = {}
        for batch in minibatch(examples, size=compounding(8.0, 64.0, 1.001)):
            nlp.update(batch, sgd=optimizer, drop=dropout, losses=losses)
        line = f"epoch {epoch}: loss {losses.get('ner', 0.0):.0f} ({time.time() - t0:.0f} s)"
        sets = held_out if isinstance(held_out, dict) else {"held-out": held_out} if held_out else {}
        figures = []
        for name, part in sets.items():
            s = score(nlp, part)
            figures.append(s["micro"])
            line += f"  {name} " + "  ".join(f"{k} {v:.3f}" for k, v in s.items())
        if figures:
            history.append(sum(figures) / len(figures))
        log(line)
    return history


ONTONOTES_AS_CONLL = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC",
                      "NORP": "MISC", "EVENT": "MISC", "WORK_OF_ART": "MISC", "PRODUCT": "MISC",
                      "LAW": "MISC", "LANGUAGE": "MISC"}


def learn_preferences(names_nlp, sentences: Sequence[NerSentence], model: str | None = None,
                      min_count: int = 5, log=print) -> tuple[list[list[str]], dict]:
    """The pairs ``[names label, OntoNotes label]`` for which, where both NERs read the same
    words with different classes, the OntoNotes reading was right more often than the names
    NER's on ``sentences`` (held out from ``names_nlp``'s training), seen ``min_count`` times or
    more; and the counts behind them."""
    import spacy

    from kg.nlp import resolve_model_name

    onto = spacy.load(resolve_model_name(model), disable=["tagger", "parser", "attribute_ruler",
                                                          "lemmatizer"])
    counts: dict[tuple[str, str], list[int]] = {}
    texts = [s.text for s in sentences]
    for doc_n, doc_o, s in zip(names_nlp.pipe(texts, batch_size=64), onto.pipe(texts, batch_size=64),
                               sentences):
        gold = {(a, b): t for a, b, t in s.entities}
        other = {(e.start_char, e.end_char): e.label_ for e in doc_o.ents}
        for e in doc_n.ents:
            key = (e.start_char, e.end_char)
            o = other.get(key)
            if o is None or ONTONOTES_AS_CONLL.get(o) == e.label_:
                continue
            c = counts.setdefault((e.label_, o), [0, 0, 0])
            c[0] += 1
            c[1] += gold.get(key) == e.label_
            c[2] += gold.get(key) == ONTONOTES_AS_CONLL.get(o, "none")
    prefer = sorted([list(k) for k, (n, names_right, onto_right) in counts.items()
                     if n >= min_count and onto_right > names_right])
    table = {f"{a}/{b}": {"n": n, "names_right": r1, "ontonotes_right": r2}
             for (a, b), (n, r1, r2) in sorted(counts.items())}
    for k, row in table.items():
        log(f"  disagreement {k}: n={row['n']} names right {row['names_right']}, "
            f"OntoNotes right {row['ontonotes_right']}")
    log(f"OntoNotes decides: {prefer}")
    return prefer, table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path, help="the shared data folder (holding conll03/, conll04/)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="where to save the pipeline")
    parser.add_argument("--epochs", type=int, default=0,
                        help="epochs for the final model (default: chosen on the held-out fold)")
    parser.add_argument("--max-epochs", type=int, default=5)
    parser.add_argument("--conll04-weight", type=int, nargs="+", default=[1, 3],
                        help="times CoNLL04's sentences are repeated in training (held-out picks one)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--group", type=int, default=8,
                        help="CoNLL-2003 sentences per training text, joined by line breaks")
    parser.add_argument("--model", default=None, help="spaCy pipeline whose NER to start from")
    args = parser.parse_args(argv)
    import json

    docs = read_conll03(args.data / "conll03" / "eng.train")
    with open(args.data / "conll04" / "conll04_train.json", encoding="utf-8") as f:
        conll04 = conll04_sentences(json.load(f))
    fit, held = split_documents(docs, seed=args.seed)
    fit04, held04 = split_documents(conll04, seed=args.seed)
    held_out = {"CoNLL-2003": conll03_sentences(held, args.group), "CoNLL04": held04}
    print(f"held out: {len(held)} of {len(docs)} CoNLL-2003 training documents, "
          f"{len(held04)} of {len(conll04)} CoNLL04 training sentences", flush=True)
    best = None
    for weight in args.conll04_weight:
        fold_nlp = base_pipeline(args.model)
        print(f"CoNLL04 sentences repeated {weight}x:", flush=True)
        history = train(fold_nlp, conll03_sentences(fit, args.group) + fit04 * weight,
                        args.epochs or args.max_epochs, seed=args.seed, held_out=held_out,
                        log=lambda s: print(s, flush=True))
        chosen = args.epochs or max(range(len(history)), key=history.__getitem__) + 1
        if best is None or history[chosen - 1] > best[0]:
            best = (history[chosen - 1], weight, chosen, fold_nlp, history)
    figure, weight, epochs, fold_nlp, history = best
    print(f"chose CoNLL04 x{weight}, {epochs} epochs (held-out PER/ORG/LOC F1, mean of the two "
          f"sets, {figure:.3f})", flush=True)
    prefer, measured = learn_preferences(fold_nlp, held_out["CoNLL-2003"] + held04, args.model,
                                         log=lambda s: print(s, flush=True))
    nlp = base_pipeline(args.model)
    train(nlp, conll03_sentences(docs, args.group) + conll04 * weight, epochs, seed=args.seed,
          log=lambda s: print(s, flush=True))
    nlp.meta["kg_train"] = {"epochs": epochs, "group": args.group, "seed": args.seed,
                            "conll04_weight": weight,
                            "held_out_f1_by_epoch": [round(h, 4) for h in history]}
    nlp.meta["kg_entities"] = {"prefer_ontonotes": prefer, "measured_on_held_out": measured}
    nlp.meta["name"] = "kg_names_ner"
    nlp.meta["description"] = (f"PER/ORG/LOC/MISC NER fine-tuned from en_core_web_sm on CoNLL-2003 "
                               f"eng.train and CoNLL04 train, {epochs} epochs, seed {args.seed}")
    nlp.to_disk(args.output)
    print(f"saved {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
