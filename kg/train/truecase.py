"""Count how news text writes each word, for :mod:`kg.extract.truecase`.

    python -m kg.train.truecase DATA [-o kg/data/truecase.tsv]

Reads running news text of the training splits only: the bodies of the BBC articles (every line
but the headline), CoNLL-2003 ``eng.train`` (sentences not all in capitals), CoNLL04 train and
the ECB+ train topics. Lines in title case are left out, so headlines do not count their
capitals. A word is counted where it does not start a sentence: in lower case, or capitalised.
The table keeps each word written in lower case more often than capitalised (``w``), each word
capitalised at least as often (``c``), and each pair of neighbouring words capitalised together
more often than not where one of them is usually in lower case (``b``: "White House"); each
seen at least twice. Counting draws nothing at random: the same data give the same table.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path
from typing import Iterable, Iterator

from kg.extract.truecase import _WORD, ADDRESS, MIN_WORDS, content_words

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "truecase.tsv"
MIN_COUNT = 2
_TOKEN = re.compile(_WORD.pattern + r"|[.!?:;\"“”()]")  # words, and the marks that start a sentence
_OPENERS = frozenset('.!?:;"“”(')


class CaseCounts:
    """Counts of words in lower case and capitalised, and of capitalised pairs, away from the
    start of a sentence."""

    def __init__(self):
        self.lower, self.capital = Counter(), Counter()
        self.pair_lower, self.pair_capital = Counter(), Counter()

    def add(self, tokens: Iterable[str]) -> None:
        """Count one sentence or line, given as tokens (words and punctuation)."""
        initial, prev = True, None
        for t in tokens:
            if not t[0].isalpha():
                initial = initial or t in _OPENERS
                prev = None
                continue
            kind = None
            if not initial:
                key = t.lower()
                if t.islower():
                    kind, counts, pairs = "l", self.lower, self.pair_lower
                elif t[0].isupper() and not t.isupper():
                    kind, counts, pairs = "c", self.capital, self.pair_capital
                if kind:
                    counts[key] += 1
                    if prev is not None and prev[1] == kind:
                        pairs[(prev[0], key)] += 1
            prev = (t.lower(), kind) if kind else None
            initial = False

    def rows(self) -> Iterator[str]:
        for k in sorted(set(self.lower) | set(self.capital)):
            low, cap = self.lower[k], self.capital[k]
            if low > cap and low >= MIN_COUNT:
                yield f"w\t{k}\t{low}\t{cap}"
            elif cap >= low and cap >= MIN_COUNT:
                yield f"c\t{k}\t{low}\t{cap}"
        for (a, b), n in sorted(self.pair_capital.items()):
            usually_lower = self.lower[a] > self.capital[a] or self.lower[b] > self.capital[b]
            if n >= MIN_COUNT and n > self.pair_lower[(a, b)] and usually_lower:
                yield f"b\t{a} {b}\t{self.pair_lower[(a, b)]}\t{n}"


def tokens(line: str) -> list[str]:
    return _TOKEN.findall(line)


def _is_title_case(line: str) -> bool:
    words = content_words(line)
    return len(words) >= MIN_WORDS and all(w[0].isupper() for w in words)


def _running_lines(text: str) -> Iterator[str]:
    for line in text.split("\n"):
        if line.strip() and not _is_title_case(line) and not ADDRESS.search(line):
            yield line


def training_text(data: Path) -> Iterator[list[str]]:
    """Token lists of the training splits' running text (see the module doc); a source that
    is not there is skipped."""
    for f in sorted((data / "bbc").glob("*/*.txt")):
        body = f.read_text(encoding="latin-1").split("\n", 1)[1:]
        for line in _running_lines(body[0] if body else ""):
            yield tokens(line)
    conll03 = data / "conll03" / "eng.train"
    if conll03.exists():
        sentence: list[str] = []
        for line in conll03.read_text(encoding="utf-8").splitlines() + [""]:
            word = line.split(" ", 1)[0]
            if word and word != "-DOCSTART-":
                sentence.append(word)
            elif sentence:
                if not all(w.isupper() or not w.isalpha() for w in sentence):
                    yield sentence
                sentence = []
    conll04 = data / "conll04" / "conll04_train.json"
    if conll04.exists():
        for s in json.loads(conll04.read_text(encoding="utf-8")):
            if not _is_title_case(" ".join(s["tokens"])):
                yield s["tokens"]
    ecb = data / "ecbplus" / "train_dev.jsonl"
    if ecb.exists():
        with ecb.open(encoding="utf-8") as f:
            for line in f:
                d = json.loads(line)
                if d.get("split") == "train":
                    for text_line in _running_lines(d["text"]):
                        yield tokens(text_line)


def build(data: Path, output: Path = DEFAULT_PATH) -> dict:
    counts = CaseCounts()
    for toks in training_text(data):
        counts.add(toks)
    rows = list(counts.rows())
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text("# how news text writes each word away from a sentence's start: w (lower case), "
                      "c (capitalised), b (a pair capitalised together), then the lower-case and "
                      "capitalised counts; built by python -m kg.train.truecase DATA\n"
                      + "".join(r + "\n" for r in rows), encoding="utf-8")
    kinds = Counter(r[0] for r in rows)
    return {"lower": kinds["w"], "capital": kinds["c"], "pairs": kinds["b"]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="kg train --only truecase", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", type=Path, help="the shared data folder (../shared/data)")
    ap.add_argument("-o", "--output", type=Path, default=DEFAULT_PATH)
    args = ap.parse_args(argv)
    print(json.dumps(build(args.data, args.output)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
