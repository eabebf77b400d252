"""Read news articles from files, folders, JSON Lines and stdin (web pages, web archives and feeds
through :mod:`kg.web`).

One bad input never stops a run: :func:`iter_articles` yields :class:`Article` records and
:class:`Skipped` records naming each input it could not use and why. Text that is not UTF-8 is
decoded as cp1252 with a warning rather than dropped.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import IO, Iterable, Iterator

from kg.records import Article, Skipped, Warning_, parse_date  # noqa: F401  (kg.readers' API)

TEXT_SUFFIXES = {".txt", ".md"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
READ_SUFFIXES = TEXT_SUFFIXES | JSONL_SUFFIXES | {".html", ".htm", ".rss", ".atom", ".xml"}
"""Suffixes of the files kg reads (and .warc.gz); see :mod:`kg.web` for pages, archives, feeds."""


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
            for entry in _folder_entries(path):
                if entry.is_file():
                    yield from _read_file(entry, entry.relative_to(path).with_suffix("").as_posix())
                else:
                    yield Skipped(str(entry), _not_a_file(entry))
        elif path.is_file():
            yield from _read_file(path, path.stem)
        elif path.exists() or path.is_symlink():
            yield Skipped(spec, _not_a_file(path))
        else:
            yield Skipped(spec, "no such file or folder")


def _folder_entries(folder: Path) -> list[Path]:
    """Everything in ``folder`` and its subfolders but the folders, in a stable order (hidden
    files and folders are left out)."""
    return sorted(p for p in folder.rglob("*") if not p.is_dir()
                  and not any(part.startswith(".") for part in p.relative_to(folder).parts))


def folder_files(folder: Path) -> list[Path]:
    """The files of ``folder`` and its subfolders that kg reads, in a stable order (hidden files
    and folders are left out)."""
    return [p for p in _folder_entries(folder) if p.is_file()]


def _not_a_file(path: Path) -> str:
    """Why ``path``, found in a folder, is not read: it is no regular file."""
    if path.is_symlink() and not path.exists():
        return "broken symbolic link"
    if path.is_fifo():
        return "a named pipe (FIFO), not a file"
    if path.is_socket():
        return "a socket, not a file"
    if path.is_block_device() or path.is_char_device():
        return "a device, not a file"
    return "not a regular file"


def _read_file(path: Path, article_id: str) -> Iterator[Item]:
    from kg import web

    suffix = path.suffix.lower()
    warc = web.is_warc(path.name)
    if not warc and suffix not in READ_SUFFIXES:
        yield Skipped(str(path), "not a file kg reads: .txt .md .jsonl .html .warc(.gz) .rss "
                                 f".atom .xml ({suffix or 'no extension'})")
        return
    if suffix in JSONL_SUFFIXES and not warc:
        yield from _read_jsonl_file(path)
        return
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield Skipped(str(path), f"cannot read: {exc.strerror or exc}")
        return
    if warc:
        yield from web.read_warc(data, article_id, str(path))
        return
    if suffix in web.HTML_SUFFIXES:
        yield from web.read_page(data, article_id, str(path))
        return
    if suffix in web.FEED_SUFFIXES:
        yield from web.read_feed(data, article_id, str(path))
        return
    if looks_binary(data):
        yield Skipped(str(path), "binary file")
        return
    text, warning = decode(data)
    if warning:
        yield Warning_(str(path), warning)
    meta: dict[str, str] = {}
    if suffix == ".md":
        meta, text = split_front_matter(text)
    if not text.strip():
        yield Skipped(str(path), "empty file")
        return
    if suffix == ".txt" and (headline := text_headline(text)):
        meta = {"title": headline}
    yield _article_or_skip(article_id, text, meta, str(path))


_HEADLINE = re.compile(r"\A[ \t]*([^\n]{1,200}?)[ \t]*\r?\n[ \t]*\r?\n")


def text_headline(text: str) -> str | None:
    """The headline of a plain text: its first line when a blank line follows it (BBC files have
    this shape) and it reads as a headline, not as a sentence (no closing full stop)."""
    m = _HEADLINE.match(text)
    if not m:
        return None
    line = m.group(1).strip()
    if not line or line.endswith((".", ":", ";", ",")) or len(line.split()) > 25:
        return None
    return line


def _read_stdin(data: bytes) -> Iterator[Item]:
    text, warning = decode(data)
    if warning:
        yield Warning_("<stdin>", warning)
    if not text.strip():
        yield Skipped("<stdin>", "empty input")
    elif _looks_like_jsonl(text):
        yield from parse_jsonl(text, "<stdin>")
    else:
        meta, body = split_front_matter(text)
        yield _article_or_skip("stdin", body, meta, "<stdin>")


def _looks_like_jsonl(text: str) -> bool:
    """Whether stdin is JSON Lines: its first line is a JSON object (text may start with "{")."""
    first = text.lstrip().split("\n", 1)[0]
    if not first.startswith("{"):
        return False
    try:
        return isinstance(json.loads(first), dict)
    except (ValueError, RecursionError):
        return False


_UNICODE_BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
                 (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def unicode_bom(data: bytes) -> str | None:
    """The encoding a UTF-16 or UTF-32 byte order mark at the start of ``data`` names."""
    return next((encoding for bom, encoding in _UNICODE_BOMS if data.startswith(bom)), None)


def looks_binary(data: bytes) -> bool:
    """NUL bytes in the first 8 KiB of ``data``, which is not UTF-16 or UTF-32 text (those have
    NUL bytes and a byte order mark)."""
    return b"\x00" in data[:8192] and unicode_bom(data) is None


def decode(data: bytes) -> tuple[str, str | None]:
    """UTF-8 text of ``data`` (UTF-16 or UTF-32 with a byte order mark), or its cp1252 reading
    with a warning."""
    encoding = unicode_bom(data)
    if encoding is not None:
        try:
            return data.decode(encoding).removeprefix("\ufeff"), None
        except UnicodeDecodeError as exc:
            return data.decode(encoding, errors="replace").removeprefix("\ufeff"), \
                f"not valid {encoding.upper()} (byte {exc.start}); bad bytes replaced"
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


def _read_jsonl_file(path: Path) -> Iterator[Item]:
    """Articles of a JSON Lines file, read a line at a time: a corpus file is never held whole
    (a build forks its workers while reading it, and each would hold a copy). Each line is
    UTF-8, else its cp1252 reading with a warning; a file with a UTF-16 or UTF-32 byte order
    mark is read whole, as other text files are."""
    try:
        f = open(path, "rb")
    except OSError as exc:
        yield Skipped(str(path), f"cannot read: {exc.strerror or exc}")
        return
    with f:
        try:
            head = f.read(8192)
            if unicode_bom(head) is not None:
                text, warning = decode(head + f.read())
                if warning:
                    yield Warning_(str(path), warning)
                yield from parse_jsonl(text, str(path))
                return
            if looks_binary(head):
                yield Skipped(str(path), "binary file")
                return
            f.seek(0)
            yield from _parse_jsonl_lines(_decoded_lines(f, str(path)), str(path))
        except OSError as exc:
            yield Skipped(str(path), f"cannot read: {exc.strerror or exc}")


def _decoded_lines(f, source: str) -> Iterator[str | Warning_]:
    for lineno, raw in enumerate(f, start=1):
        text, warning = decode(raw)  # which drops a UTF-8 byte order mark
        if warning:
            yield Warning_(f"{source}:{lineno}", warning)
        yield text


def parse_jsonl(text: str, source: str) -> Iterator[Item]:
    """Articles of a JSON Lines text; a bad line is skipped with its line number."""
    yield from _parse_jsonl_lines(text.split("\n"), source)


def _parse_jsonl_lines(lines: Iterable[str | Warning_], source: str) -> Iterator[Item]:
    """Lines are split at line feeds alone: JSON strings may hold U+2028 and other characters
    that ``str.splitlines`` would break a line at."""
    lineno = 0
    for line in lines:
        if isinstance(line, Warning_):
            yield line
            continue
        lineno += 1
        if not line.strip():
            continue
        where = f"{source}:{lineno}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Skipped(where, f"invalid JSON ({exc.msg} at column {exc.colno})")
            continue
        except RecursionError:
            yield Skipped(where, "invalid JSON (nested too deeply)")
            continue
        if not isinstance(obj, dict):
            yield Skipped(where, "expected a JSON object")
            continue
        yield from _read_object(obj, where)


_METADATA = ("title", "url", "source", "author")


def _read_object(obj: dict, where: str) -> Iterator[Item]:
    """The article of one JSON object (a JSON Lines line, or a dict given to ``kg.build``).

    Values are taken as they are, never as Python reprs: an id is a non-empty string or an
    integer, the text a non-empty string, ``title``, ``url``, ``source`` and ``author`` strings
    (or null), and anything else is a skip with its reason.
    """
    missing = [k for k in ("id", "text") if k not in obj]
    if missing:
        yield Skipped(where, f"missing {' and '.join(repr(k) for k in missing)}")
        return
    article_id = obj["id"]
    if isinstance(article_id, int) and not isinstance(article_id, bool):
        article_id = str(article_id)
    if not isinstance(article_id, str) or not article_id.strip():
        yield Skipped(where, f"'id' must be a non-empty string or an integer, not "
                             f"{json.dumps(obj['id'], ensure_ascii=False)[:40]}")
        return
    if not isinstance(obj["text"], str) or not obj["text"].strip():
        yield Skipped(where, "'text' is empty or not a string")
        return
    wrong = [k for k in _METADATA if obj.get(k) is not None and not isinstance(obj[k], str)]
    if wrong:
        yield Skipped(where, f"{' and '.join(repr(k) for k in wrong)} must be a string")
        return
    yield _article_or_skip(article_id, obj["text"], obj, where)


def _article_or_skip(article_id: str, text: str, meta: dict, source: str) -> Article | Skipped:
    """The article, or a skip naming what is wrong with its metadata (a date that is no date,
    text that is not valid Unicode)."""
    try:
        return _article_from_fields(article_id, text, meta, source)
    except ValueError as exc:
        return Skipped(source, str(exc))


def _article_from_fields(article_id: str, text: str, meta: dict, source: str) -> Article:
    raw_date = meta.get("date")
    parsed = parse_date(raw_date) if raw_date not in (None, "") else None
    if raw_date not in (None, "") and parsed is None:
        raise ValueError(f"cannot read date {str(raw_date)[:40]!r} (expected YYYY-MM-DD)")

    def opt(key: str) -> str | None:
        value = meta.get(key)
        return str(value).strip() or None if value is not None else None

    article = Article(id=str(meta.get("id") or article_id), text=text, title=opt("title"),
                      date=parsed, url=opt("url"), source=opt("source"), path=source,
                      author=opt("author"))
    for name, value in (("id", article.id), ("text", article.text), ("title", article.title),
                        ("url", article.url), ("source", article.source),
                        ("author", article.author)):
        if value is not None and not _valid_unicode(value):
            raise ValueError(f"{name!r} is not valid Unicode (a lone surrogate such as \\ud800)")
    return article


def _valid_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


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
