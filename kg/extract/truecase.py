"""Title-case headlines in sentence case, so the NER reads them as it reads the story.

Many outlets write headlines in title case: "Lindsay Lohan Checks Into Rehab At Betty Ford
Center", "Esther Williams Dies At 91". A NER trained on running text takes a capital for a
name, so such lines give no names ("Lindsay Lohan" missed) or broken ones ("Technicolor Star
Dies", "Colts Clinch Playoff Spot"). :func:`sentence_case` finds the lines written in title
case and lower-cases each word that running news text writes in lower case: "Lindsay Lohan
checks into rehab at Betty Ford Center". A word news text capitalises ("Lohan", "Colts"), or
does not know, keeps its capital, and so do the two words of a pair it capitalises together
("White House", "Supreme Court").

How news text writes each word is counted by :mod:`kg.train.truecase` over the running text of
the training splits (BBC bodies, CoNLL-2003 and CoNLL04 train, ECB+ train topics), where a word
does not start a sentence, and ships as ``kg/data/truecase.tsv``. Only letters change case, so
the text keeps its length and every offset into it is an offset into the article (as
:func:`kg.extract.text.prepare_text` needs).

>>> sentence_case("Lindsay Lohan Checks Into Rehab\\nShe checked in on Thursday.")
'Lindsay Lohan checks into rehab\\nShe checked in on Thursday.'
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterator

from kg.extract.lexicon import _rows

# words a title-case headline may leave in lower case ("Checks Out of Rehab")
_SMALL = frozenset("a an and as at but by for from in into of on or over per the to up via vs "
                   "with".split())
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
MIN_WORDS = 3  # content words a line needs to be read as a title-case headline
MIN_COMMON = 2  # ... and capitalised common words
# The last word of an institution's name, which keeps its capital after a name ("Betty Ford
# Center", "Kraft Foods Group").
NAME_HEADS = frozenset("""
academy agency airlines airways association authority bank board center centre church clinic
club co college commission committee company corp corporation council court department
federation foundation fund group hospital inc institute league llc ltd ministry museum party plc
school service services society theater theatre trust union university
""".split())
ADDRESS = re.compile(r"^\s*(?:https?|www)\b")  # a web address line, above many a headline


def content_words(line: str) -> list[str]:
    """The words of ``line`` other than the small ones a title may leave in lower case."""
    return [w for w in _WORD.findall(line) if w.lower() not in _SMALL]


def title_case_lines(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each headline line of ``text`` written in title case.

    A headline stands above the story: only lines before its first line of running text (a line
    with a word in lower case besides the small ones, and no web address) are read, so a table,
    a list of names or a single line ("Havana Radio Reloj Network") never is. A line is in title
    case when it has :data:`MIN_WORDS` words or more besides the small ones, every one of them
    capitalised, fewer than half in capitals throughout (an all-capitals line is another
    style), and at least :data:`MIN_COMMON` words after the first that news text writes in
    lower case (a line of names is no headline)."""
    pos, found = 0, []
    for line in text.split("\n"):
        words = content_words(line)
        if words and not ADDRESS.search(line):
            if not all(w[0].isupper() for w in words):
                yield from found  # the story has begun, under these headline lines
                return
            shouting = sum(w.isupper() and len(w) > 1 for w in words)
            common = sum(_written_lower(w.lower()) for w in words[1:])
            if len(words) >= MIN_WORDS and shouting < 0.5 * len(words) and common >= MIN_COMMON:
                found.append((pos, pos + len(line)))
        pos += len(line) + 1


@lru_cache(maxsize=1)
def _lexicon() -> tuple[frozenset[str], frozenset[str], frozenset[tuple[str, str]]]:
    """(words news text writes in lower case, words it capitalises, pairs of words it
    capitalises together)."""
    lower, capital, pairs = set(), set(), set()
    for row in _rows("truecase.tsv"):
        if row[0] == "w":
            lower.add(row[1])
        elif row[0] == "c":
            capital.add(row[1])
        elif row[0] == "b":
            a, b = row[1].split(" ")
            pairs.add((a, b))
    return frozenset(lower), frozenset(capital), frozenset(pairs)


def _written_lower(key: str) -> bool:
    """Whether news text writes ``key`` in lower case. A word it has not seen keeps its capital:
    most are names ("Gaines" is no plural of "gain")."""
    return key in _lexicon()[0]


def _capital_pairs(line: str, words: list, keys: list[str], n: int) -> Iterator[tuple[str, str]]:
    """The pairs word ``n`` makes with a capitalised neighbour it stands next to."""
    for j in (n - 1, n + 1):
        if 0 <= j < len(words) and words[j].group()[0].isupper():
            a, b = sorted((n, j))
            if not line[words[a].end():words[b].start()].strip():
                yield keys[a], keys[b]


def _institution_words(line: str, words: list, keys: list[str]) -> set[int]:
    """Indices of the :data:`NAME_HEADS` words that end a name: right after a word news text
    capitalises ("Betty Ford Center", not "Leaving Hospital")."""
    return {n for n, key in enumerate(keys) if key in NAME_HEADS and n > 0
            and not _written_lower(keys[n - 1]) and keys[n - 1] not in _SMALL
            and words[n - 1].group()[0].isupper()
            and not line[words[n - 1].end():words[n].start()].strip()}


def _sentence_case_line(line: str) -> str:
    pairs = _lexicon()[2]
    words = list(_WORD.finditer(line))
    keys = [m.group().lower() for m in words]
    named = _institution_words(line, words, keys)
    chars = list(line)
    for n, m in enumerate(words):
        word, key = m.group(), keys[n]
        if n == 0 or len(word) < 2 or not word[0].isupper() or word.isupper() \
                or (line[m.end():m.end() + 1] == "." and len(word) < 4):
            continue  # the first word keeps its capital, as a sentence's does; "US", "P." stay
        if n in named or key not in _SMALL and not _written_lower(key):
            continue
        if any(pair in pairs for pair in _capital_pairs(line, words, keys, n)):
            continue  # "White House", "Supreme Court": capitalised together
        low = word.lower()
        if len(low) == len(word):
            chars[m.start():m.end()] = low
    return "".join(chars)


def sentence_case(text: str) -> str:
    """``text`` with its title-case lines in sentence case (see the module doc); same length."""
    spans = list(title_case_lines(text))
    if not spans:
        return text
    out, pos = [], 0
    for start, end in spans:
        out.append(text[pos:start])
        out.append(_sentence_case_line(text[start:end]))
        pos = end
    out.append(text[pos:])
    return "".join(out)
