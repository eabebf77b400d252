"""Readers for the benchmark formats kg is evaluated on.

Each reader turns a dataset file into documents that carry an :class:`~kg.records.Article`
(the text kg extracts from) and the gold annotation as character offsets into that text, so the
scorer never sees tokens. Readers take a path or an open text file.

- CoNLL04 in SpERT JSON: one article per sentence, the text is the tokens joined by single spaces.
- WikiEvents (``dev.jsonl``): one article per document, the text is the sentences joined by
  newlines.
- CoNLL-2003 (``eng.train``, ``eng.testa``): one article per ``-DOCSTART-`` document, its
  sentences joined by newlines and each sentence's tokens by single spaces.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Callable, Iterator

from kg.records import Article

CharSpan = tuple[int, int]


class DatasetError(ValueError):
    """A dataset file that cannot be read as the format it claims to be."""


@dataclass(frozen=True)
class GoldEntity:
    span: CharSpan
    type: str  # CoNLL04 type: Peop, Org, Loc, Other


@dataclass(frozen=True)
class GoldRelation:
    head: CharSpan
    head_type: str
    tail: CharSpan
    tail_type: str
    type: str  # Work_For, Kill, OrgBased_In, Live_In, Located_In


@dataclass(frozen=True)
class Conll04Doc:
    article: Article
    entities: tuple[GoldEntity, ...]
    relations: tuple[GoldRelation, ...]


@dataclass(frozen=True)
class Conll03Sentence:
    tokens: tuple[str, ...]
    tags: tuple[str, ...]  # IOB1 or IOB2 NER tags as in the file: I-PER, B-LOC, O


@dataclass(frozen=True)
class Conll03Doc:
    article: Article
    entities: tuple[GoldEntity, ...]  # types PER, ORG, LOC, MISC
    sentences: tuple[Conll03Sentence, ...]


@dataclass(frozen=True)
class GoldArgument:
    span: CharSpan
    role: str  # KAIROS role: Attacker, Victim, Place, ...
    text: str


@dataclass(frozen=True)
class GoldEvent:
    trigger: CharSpan
    type: str  # full KAIROS type: Conflict.Attack.DetonateExplode
    arguments: tuple[GoldArgument, ...]
    text: str

    @property
    def type2(self) -> str:
        """The two-level KAIROS type the scorer compares: ``Conflict.Attack``."""
        return ".".join(self.type.split(".")[:2])


@dataclass(frozen=True)
class WikiEventsDoc:
    article: Article
    events: tuple[GoldEvent, ...]


def _open(source: str | Path | IO[str]):
    if hasattr(source, "read"):
        return source, False
    return open(source, encoding="utf-8"), True


def json_lines(source: str | Path | IO[str],
               error: Callable[[int, Exception], Exception]) -> Iterator[tuple[int, Any]]:
    """``(line number, object)`` for each non-blank line of a JSON Lines file or open text file;
    a line that is not JSON raises ``error(line number, exception)``."""
    f, close = _open(source)
    try:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                yield lineno, json.loads(line)
            except json.JSONDecodeError as exc:
                raise error(lineno, exc) from None
    finally:
        if close:
            f.close()


def _token_offsets(tokens: list[str]) -> list[CharSpan]:
    offsets, pos = [], 0
    for tok in tokens:
        offsets.append((pos, pos + len(tok)))
        pos += len(tok) + 1
    return offsets


def parse_conll04(data: list[dict], id_prefix: str = "conll04") -> list[Conll04Doc]:
    """Gold documents from parsed SpERT JSON (a list of ``{tokens, entities, relations}``)."""
    docs = []
    for n, item in enumerate(data):
        try:
            tokens = item["tokens"]
            offsets = _token_offsets(tokens)
            ents = []
            for e in item["entities"]:
                ents.append(GoldEntity((offsets[e["start"]][0], offsets[e["end"] - 1][1]), e["type"]))
            rels = []
            for r in item["relations"]:
                h, t = ents[r["head"]], ents[r["tail"]]
                rels.append(GoldRelation(h.span, h.type, t.span, t.type, r["type"]))
        except (KeyError, IndexError, TypeError) as exc:
            raise DatasetError(f"item {n}: not SpERT JSON ({exc!r})") from None
        doc_id = f"{id_prefix}-{item.get('orig_id', n)}"
        docs.append(Conll04Doc(Article(id=doc_id, text=" ".join(tokens)), tuple(ents), tuple(rels)))
    return docs


def read_conll04(source: str | Path | IO[str]) -> list[Conll04Doc]:
    """Read a CoNLL04 split in SpERT JSON (``conll04_dev.json``)."""
    f, close = _open(source)
    try:
        data = json.load(f)
    except json.JSONDecodeError as exc:
        raise DatasetError(f"not JSON: {exc}") from None
    finally:
        if close:
            f.close()
    if not isinstance(data, list):
        raise DatasetError("expected a JSON list of sentences (SpERT format)")
    return parse_conll04(data)


def parse_wikievents_doc(doc: dict) -> WikiEventsDoc:
    """One WikiEvents document (a parsed line of ``dev.jsonl``) as text plus gold events."""
    try:
        texts, token_spans, pos = [], [], 0
        for toks, sent_text in doc["sentences"]:
            base = toks[0][1] if toks else 0
            for _tok, start, end in toks:
                token_spans.append((pos + start - base, pos + end - base))
            texts.append(sent_text)
            pos += len(sent_text) + 1
        text = "\n".join(texts)
        mentions = {m["id"]: m for m in doc.get("entity_mentions", [])}

        def span(start: int, end: int) -> CharSpan:
            return token_spans[start][0], token_spans[end - 1][1]

        events = []
        for ev in doc.get("event_mentions", []):
            trig = span(ev["trigger"]["start"], ev["trigger"]["end"])
            args = []
            for a in ev.get("arguments", []):
                m = mentions[a["entity_id"]]
                s = span(m["start"], m["end"])
                args.append(GoldArgument(s, a["role"], text[s[0]:s[1]]))
            events.append(GoldEvent(trig, ev["event_type"], tuple(args), text[trig[0]:trig[1]]))
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise DatasetError(f"document {doc.get('doc_id', '?')}: not WikiEvents ({exc!r})") from None
    return WikiEventsDoc(Article(id=str(doc["doc_id"]), text=text), tuple(events))


def iter_wikievents(source: str | Path | IO[str]) -> Iterator[WikiEventsDoc]:
    """Read WikiEvents JSON Lines (``dev.jsonl``), one document a line."""
    for _, doc in json_lines(source, lambda n, exc: DatasetError(f"line {n}: not JSON: {exc}")):
        yield parse_wikievents_doc(doc)


def read_wikievents(source: str | Path | IO[str]) -> list[WikiEventsDoc]:
    return list(iter_wikievents(source))


def resolve_split(path: str | Path, dataset: str) -> Path:
    """A dataset file, or the dev split inside a dataset folder."""
    p = Path(path)
    if p.is_dir():
        name = {"conll04": "conll04_dev.json", "wikievents": "dev.jsonl", "conll03": "eng.testa"}[dataset]
        for cand in (p / name, p / dataset / name):
            if cand.exists():
                return cand
        raise DatasetError(f"no {name} in {p}")
    return p


def iob_spans(tags: list[str] | tuple[str, ...]) -> list[tuple[int, int, str]]:
    """``(first token, end token, type)`` of the entities an IOB1 or IOB2 tag sequence marks.

    >>> iob_spans(["I-PER", "I-PER", "O", "B-LOC", "I-LOC", "B-LOC"])
    [(0, 2, 'PER'), (3, 5, 'LOC'), (5, 6, 'LOC')]
    """
    spans: list[tuple[int, int, str]] = []
    start, type_ = None, None
    for i, tag in enumerate(list(tags) + ["O"]):
        prefix, _, label = tag.partition("-")
        if start is not None and (prefix in ("O", "B") or label != type_):
            spans.append((start, i, type_))
            start, type_ = None, None
        if prefix in ("B", "I") and start is None:
            start, type_ = i, label
    return spans


def parse_conll03(lines: Iterator[str], id_prefix: str = "conll03") -> list[Conll03Doc]:
    """Documents of a CoNLL-2003 file: ``token POS chunk NER`` per line, blank lines between
    sentences, ``-DOCSTART-`` lines between documents."""
    docs: list[list[Conll03Sentence]] = [[]]
    tokens: list[str] = []
    tags: list[str] = []

    def end_sentence():
        if tokens:
            docs[-1].append(Conll03Sentence(tuple(tokens), tuple(tags)))
            tokens.clear()
            tags.clear()

    for lineno, line in enumerate(lines, 1):
        parts = line.split()
        if not parts:
            end_sentence()
        elif parts[0] == "-DOCSTART-":
            end_sentence()
            if docs[-1]:
                docs.append([])
        elif len(parts) < 2:
            raise DatasetError(f"line {lineno}: expected 'token ... NER-tag', got {line.strip()!r}")
        else:
            tokens.append(parts[0])
            tags.append(parts[-1])
    end_sentence()
    out = []
    for n, sentences in enumerate(d for d in docs if d):
        text_parts, ents, pos = [], [], 0
        for sent in sentences:
            offsets = _token_offsets(list(sent.tokens))
            for a, b, t in iob_spans(sent.tags):
                ents.append(GoldEntity((pos + offsets[a][0], pos + offsets[b - 1][1]), t))
            line = " ".join(sent.tokens)
            text_parts.append(line)
            pos += len(line) + 1
        out.append(Conll03Doc(Article(id=f"{id_prefix}-{n}", text="\n".join(text_parts)),
                              tuple(ents), tuple(sentences)))
    return out


def read_conll03(source: str | Path | IO[str]) -> list[Conll03Doc]:
    """Read a CoNLL-2003 English file (``eng.train``, ``eng.testa``)."""
    f, close = _open(source)
    try:
        return parse_conll03(iter(f))
    except UnicodeDecodeError as exc:
        raise DatasetError(f"not a text file: {exc}") from None
    finally:
        if close:
            f.close()
