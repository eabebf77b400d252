"""Articles from what the web gives: saved pages, web archives and feeds.

- A saved page (``.html``, ``.htm``) goes through trafilatura: its main text becomes the article,
  navigation, comments and footers are left behind, and the page's title, date, author, site
  name and canonical URL become the article's metadata.
- A web archive (``.warc``, ``.warc.gz``, read with warcio) gives one article per HTML response
  record, read like a saved page, its id and URL the record's target URI, its date the page's
  or else the capture's.
- A feed (RSS or Atom: ``.rss``, ``.atom``, ``.xml``, read with feedparser) gives one article per
  entry: its content, else its summary, as text; its link, date and title; the feed's title as
  the source.

Each reader yields :class:`~kg.records.Article` and :class:`~kg.readers.Skipped` records, as
:mod:`kg.readers` does for text files; nothing is fetched, links are only recorded.
"""

from __future__ import annotations

import io
from datetime import date, datetime, timezone
from typing import Iterator

from kg.records import Article

HTML_SUFFIXES = {".html", ".htm"}
FEED_SUFFIXES = {".rss", ".atom", ".xml"}
WARC_SUFFIXES = {".warc"}  # and .warc.gz, told by the name's end


def is_warc(name: str) -> bool:
    return name.lower().endswith((".warc", ".warc.gz"))


def _date(value) -> date | None:
    from kg.records import parse_date

    return parse_date(value) if value else None


def page_article(html: str | bytes, article_id: str, source: str, *, url: str | None = None,
                 fallback_date: date | None = None):
    """The article of one HTML page, or a :class:`~kg.readers.Skipped` saying why there is none."""
    import trafilatura

    from kg.records import Skipped

    try:
        # favour precision: a short page's menu must not pass for its text
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, favor_precision=True,
                                          include_comments=False, include_tables=False,
                                          include_images=False)
    except Exception as exc:  # trafilatura and lxml raise many kinds on broken markup
        return Skipped(source, f"cannot read the page: {type(exc).__name__}: {exc}")
    text = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    if not text:
        return Skipped(source, "no article text found in the page")

    def field(name: str) -> str | None:
        value = getattr(doc, name, None)
        return str(value).strip() or None if value else None

    return Article(id=article_id, text=text + "\n", title=field("title"),
                   date=_date(field("date")) or fallback_date, url=field("url") or url,
                   source=field("sitename"), author=field("author"), path=source)


def read_page(data: bytes, article_id: str, source: str) -> Iterator:
    yield page_article(data, article_id, source)


def read_warc(data: bytes, stem: str, source: str) -> Iterator:
    """One article per HTML response record of a WARC file (gzipped or not)."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    from kg.records import Skipped

    found = 0
    try:
        for n, record in enumerate(ArchiveIterator(io.BytesIO(data)), start=1):
            if record.rec_type != "response" or record.http_headers is None:
                continue
            content_type = (record.http_headers.get_header("Content-Type") or "").lower()
            if "html" not in content_type:
                continue
            uri = record.rec_headers.get_header("WARC-Target-URI")
            captured = _date(record.rec_headers.get_header("WARC-Date"))
            where = f"{source}#{n}" + (f" ({uri})" if uri else "")
            found += 1
            yield page_article(record.content_stream().read(), uri or f"{stem}-{n}", where,
                               url=uri, fallback_date=captured)
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
        yield Skipped(source, f"not a readable WARC file: {exc}")
        return
    if not found:
        yield Skipped(source, "no HTML response records in the archive")


def _html_text(fragment: str) -> str:
    """The text of an HTML fragment (a feed entry's content), one line per block."""
    import lxml.html

    if "<" not in fragment:
        return fragment.strip()
    try:
        root = lxml.html.fromstring(f"<div>{fragment}</div>")
    except Exception:  # lxml's errors for broken markup vary
        return fragment.strip()
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for block in root.iter("p", "div", "li", "h1", "h2", "h3", "h4", "blockquote", "tr"):
        block.tail = "\n" + (block.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().splitlines())
    return "\n".join(line for line in lines if line)


def _entry_date(entry) -> date | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return datetime(*value[:6], tzinfo=timezone.utc).date()
    return _date(entry.get("published") or entry.get("updated"))


def read_feed(data: bytes, stem: str, source: str) -> Iterator:
    """One article per entry of an RSS or Atom feed."""
    import feedparser

    from kg.records import Skipped

    feed = feedparser.parse(data)
    if not feed.entries:
        reason = "not an RSS or Atom feed" if feed.get("bozo") or not feed.get("version") \
            else "a feed with no entries"
        yield Skipped(source, reason)
        return
    site = (feed.feed.get("title") or "").strip() or None
    for n, entry in enumerate(feed.entries, start=1):
        where = f"{source}#{n}"
        body = ""
        for content in entry.get("content") or []:
            body = _html_text(content.get("value") or "")
            if body:
                break
        if not body:
            body = _html_text(entry.get("summary") or entry.get("description") or "")
        if not body:
            yield Skipped(where, "entry has no content or summary")
            continue
        link = (entry.get("link") or "").strip() or None
        title = " ".join((entry.get("title") or "").split()) or None
        author = (entry.get("author") or "").strip() or None
        yield Article(id=str(entry.get("id") or link or f"{stem}-{n}"), text=body + "\n",
                      title=title, date=_entry_date(entry), url=link, source=site, author=author,
                      path=where)
