"""Read news articles from files, folders, JSON Lines and stdin.

One bad input never stops a run: :func:`iter_articles` yields :class:`Article` records and
:class:`Skipped` records naming each input it could not use and why. Text that is not UTF-8 is
decoded as cp1252 with a warning rather than dropped.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import IO, Iterable, Iterator

from kg.records import Article

TEXT_SUFFIXES = {".txt", ".md"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}


@dataclass(frozen=True)
class Skipped:
    """An input that was not read, with the reason a person can act on."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"skipped {self.source}: {self.reason}"


@dataclass(frozen=True)
class Warning_:
    """Something a person should know about an input that was still read."""

    source: str
    message: str

    def __str__(self) -> str:
        return f"warning {self.source}: {self.message}"


Item = Article | Skipped | Warning_


def iter_articles(inputs: Iterable[str], default_date: date | None = None,
                  stdin: IO[bytes] | None = None) -> Iterator[Item]:
    """Yield the articles of ``inputs`` (paths, folders, or ``-`` for stdin) in a stable order.

    ``default_date`` applies to articles whose metadata and dateline give no date.
    """
    seen: dict[str, tuple[str, str | None]] = {}  # id -> (content hash, source)
    for item in _iter_raw(inputs, stdin):
        if isinstance(item, Article):
            if item.date is None:
                found = dateline_date(item.text) or default_date
                if found is not None:
                    item = replace(item, date=found)
            if item.id in seen:
                first_hash, first_source = seen[item.id]
                if first_hash == item.content_hash:
                    yield Skipped(item.path or item.id, f"same article as {first_source}")
                    continue
                n = 2
                while f"{item.id}~{n}" in seen:
                    n += 1
                yield Warning_(item.path or item.id, f"article id {item.id!r} is already used by "
                                                     f"{first_source}; read as {item.id}~{n}")
                item = replace(item, id=f"{item.id}~{n}")
            seen[item.id] = (item.content_hash, item.path)
        yield item


def _iter_raw(inputs: Iterable, stdin: IO[bytes] | None) -> Iterator[Item]:
    for n, spec in enumerate(inputs, start=1):
        if isinstance(spec, Article):
            yield spec
            continue
        if isinstance(spec, dict):
            yield from _read_object(spec, f"<input {n}>")
            continue
        spec = str(spec)
        if spec == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            yield from _read_stdin(stream.read())
            continue
        path = Path(spec)
        if path.is_dir():
            for file in folder_files(path):
                yield from _read_file(file, file.relative_to(path).with_suffix("").as_posix())
        elif path.is_file():
            yield from _read_file(path, path.stem)
        else:
            yield Skipped(spec, "no such file or folder")


def folder_files(folder: Path) -> list[Path]:
    """The files of ``folder`` and its subfolders that kg reads, in a stable order (hidden files
    and folders are left out)."""
    return sorted(p for p in folder.rglob("*") if p.is_file()
                  and not any(part.startswith(".") for part in p.relative_to(folder).parts))


def _read_file(path: Path, article_id: str) -> Iterator[Item]:
    suffix = path.suffix.lower()
    if suffix not in TEXT_SUFFIXES | JSONL_SUFFIXES:
        yield Skipped(str(path), f"not a .txt, .md or .jsonl file ({suffix or 'no extension'})")
        return
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield Skipped(str(path), f"cannot read: {exc.strerror or exc}")
        return
    if b"\x00" in data[:8192]:
        yield Skipped(str(path), "binary file")
        return
    text, warning = decode(data)
    if warning:
        yield Warning_(str(path), warning)
    if suffix in JSONL_SUFFIXES:
        yield from parse_jsonl(text, str(path))
        return
    meta: dict[str, str] = {}
    if suffix == ".md":
        meta, text = split_front_matter(text)
    if not text.strip():
        yield Skipped(str(path), "empty file")
        return
    yield _article_from_fields(article_id, text, meta, str(path))


def _read_stdin(data: bytes) -> Iterator[Item]:
    text, warning = decode(data)
    if warning:
        yield Warning_("<stdin>", warning)
    if not text.strip():
        yield Skipped("<stdin>", "empty input")
    elif text.lstrip().startswith("{"):
        yield from parse_jsonl(text, "<stdin>")
    else:
        meta, body = split_front_matter(text)
        yield _article_from_fields("stdin", body, meta, "<stdin>")


def decode(data: bytes) -> tuple[str, str | None]:
    """UTF-8 text of ``data``, or its cp1252 reading with a warning."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        where = f"byte {exc.start}"
    try:
        return data.decode("cp1252"), f"not valid UTF-8 ({where}); decoded as cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), f"not valid UTF-8 ({where}); decoded as latin-1"


def parse_jsonl(text: str, source: str) -> Iterator[Item]:
    """Articles of a JSON Lines text; a bad line is skipped with its line number."""
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{source}:{lineno}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Skipped(where, f"invalid JSON ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(obj, dict):
            yield Skipped(where, "expected a JSON object")
            continue
        yield from _read_object(obj, where)


def _read_object(obj: dict, where: str) -> Iterator[Item]:
    """The article of one JSON object (a JSON Lines line, or a dict given to ``kg.build``)."""
    missing = [k for k in ("id", "text") if k not in obj]
    if missing:
        yield Skipped(where, f"missing {' and '.join(repr(k) for k in missing)}")
        return
    if not isinstance(obj["text"], str) or not obj["text"].strip():
        yield Skipped(where, "'text' is empty or not a string")
        return
    try:
        yield _article_from_fields(str(obj["id"]), obj["text"], obj, where)
    except ValueError as exc:
        yield Skipped(where, str(exc))


def _article_from_fields(article_id: str, text: str, meta: dict, source: str) -> Article:
    raw_date = meta.get("date")
    parsed = parse_date(raw_date) if raw_date not in (None, "") else None
    if raw_date not in (None, "") and parsed is None:
        raise ValueError(f"cannot read date {raw_date!r} (expected YYYY-MM-DD)")

    def opt(key: str) -> str | None:
        value = meta.get(key)
        return str(value).strip() or None if value is not None else None

    return Article(id=str(meta.get("id") or article_id), text=text, title=opt("title"),
                   date=parsed, url=opt("url"), source=opt("source"), path=source)


def parse_date(value) -> date | None:
    """A date from ISO text (``2024-03-26``, ``2024-03-26T10:00:00Z``) or None."""
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        return None


_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n", re.S)


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """``key: value`` front matter of a Markdown file, and the body after it."""
    m = _FRONT_MATTER.match(text)
    if not m:
        return {}, text
    meta = {}
    for line in m.group(1).splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip():
            meta[key.strip().lower()] = value.strip().strip("'\"")
    return meta, text[m.end():]


_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_DATELINE_DATE = re.compile(
    r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})\b")


def dateline_date(text: str) -> date | None:
    """The date of a dateline such as ``"WASHINGTON, March 26, 2024 (Reuters) -"``.

    Only the opening of the first line is read, up to its dash; a date later in the text is
    what happened, not when it was written.
    """
    first = text.lstrip().split("\n", 1)[0][:120]
    head = re.split(r"\s[–—-]{1,2}\s", first, maxsplit=1)
    if len(head) < 2:
        return None
    m = _DATELINE_DATE.search(head[0])
    if not m or not re.match(r"^[A-Z][A-Za-z .'’-]{1,40},\s*(?:\(?[A-Za-z]+\)?,?\s*)?$",
                             head[0][:m.start()]):
        return None
    try:
        return date(int(m.group(3)), _MONTHS[m.group(1)[:3].lower()], int(m.group(2)))
    except ValueError:
        return None
