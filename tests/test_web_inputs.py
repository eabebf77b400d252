"""Inputs as news arrives: saved pages (trafilatura), web archives (warcio), RSS and Atom feeds
(feedparser), and the headline of a plain text file. The fixtures in tests/data/web are ours."""

from __future__ import annotations

import gzip
from datetime import date
from pathlib import Path

import pytest

import kg
from kg.readers import Skipped, iter_articles, text_headline

WEB = Path(__file__).resolve().parent / "data" / "web"


def _read(*paths):
    items = list(iter_articles([str(p) for p in paths]))
    return ([i for i in items if not isinstance(i, Skipped)], [i for i in items if isinstance(i, Skipped)])


def test_a_saved_page_gives_its_main_text_and_metadata():
    (page,), skipped = _read(WEB / "blair-bush.html")
    assert not skipped
    assert page.id == "blair-bush" and page.title == "Blair meets Bush in Washington"
    assert page.date == date(2005, 1, 10) and page.url == "https://news.example.org/2005/01/blair-bush"
    assert page.source == "Example News" and page.author == "Jane Reporter"
    assert "Tony Blair met President George Bush in Washington" in page.text
    for boilerplate in ("Subscribe", "Most read", "Madonna", "Vladimir Putin", "Angela Merkel",
                        "Copyright", "Privacy"):
        assert boilerplate not in page.text  # navigation, comments, footer


def test_a_web_archive_gives_one_article_per_html_response():
    pages, skipped = _read(WEB / "crawl.warc.gz")
    assert not skipped
    assert [p.url for p in pages] == ["https://news.example.org/2005/04/putin-visit",
                                      "https://news.example.org/2005/04/annan-geneva"]
    assert [p.id for p in pages] == [p.url for p in pages]
    assert [p.title for p in pages] == ["Putin visits Rome", "Annan in Geneva"]
    assert pages[0].date == date(2005, 4, 12)
    assert all("Home" not in p.text and "Copyright" not in p.text for p in pages)
    # uncompressed, the same
    plain = WEB.parent / "plain.warc"
    try:
        plain.write_bytes(gzip.decompress((WEB / "crawl.warc.gz").read_bytes()))
        again, _ = _read(plain)
        assert [p.text for p in again] == [p.text for p in pages]
    finally:
        plain.unlink()


def test_feeds_give_one_article_per_entry(tmp_path):
    rss, skipped = _read(WEB / "world.rss")
    assert not skipped
    chirac, annan = rss
    assert chirac.text.startswith("French President Jacques Chirac visited Berlin")  # the content
    assert "Short summary" not in chirac.text
    assert annan.text.startswith("UN Secretary General Kofi Annan")  # the summary, with no content
    assert (chirac.url, chirac.date, chirac.source, chirac.title) == (
        "https://news.example.org/2005/02/chirac-berlin", date(2005, 2, 1), "Example World Feed",
        "Chirac visits Berlin")
    (atom,), _ = _read(WEB / "europe.atom")
    assert (atom.id, atom.date, atom.source, atom.author) == (
        "urn:example:europe:1", date(2005, 3, 4), "Example Europe", "Carlos Writer")
    assert atom.text.strip() == "German Chancellor Gerhard Schroeder visited Madrid on Friday."


def test_bad_pages_archives_and_feeds_are_skipped_with_a_reason(tmp_path):
    (tmp_path / "menu.html").write_text("<html><head><title>Gallery</title></head><body><img src=a.png></body></html>")
    (tmp_path / "broken.warc.gz").write_bytes(b"\x1f\x8b not really gzip")
    (tmp_path / "data.xml").write_text("<?xml version='1.0'?><catalog><book>x</book></catalog>")
    pages, skipped = _read(tmp_path)
    reasons = {Path(s.source).name: s.reason for s in skipped}
    assert pages == []
    assert reasons["menu.html"] == "no article text found in the page"
    assert reasons["broken.warc.gz"].startswith("not a readable WARC file")
    assert reasons["data.xml"] == "not an RSS or Atom feed"


@pytest.mark.parametrize("text,headline", [
    ("Ad sales boost Time Warner profit\n\nQuarterly profits at US media giant TimeWarner jumped.",
     "Ad sales boost Time Warner profit"),
    ("Dollar gains on Greenspan speech\r\n\r\nThe dollar has hit its highest level.", "Dollar gains on Greenspan speech"),
    ("Hamas chief Ismail Haniyeh arrived in Tehran on Tuesday.\n\nHe met officials.", None),
    ("One line with no blank line after it\nand a second line.", None),
])
def test_the_headline_of_a_text_file(text, headline):
    assert text_headline(text) == headline


def test_a_text_files_headline_becomes_the_title_and_the_article_label(tmp_path):
    (tmp_path / "001.txt").write_text("Ad sales boost Time Warner profit\n\nQuarterly profits rose.\n")
    (article,), _ = _read(tmp_path / "001.txt")
    assert article.title == "Ad sales boost Time Warner profit"
    assert article.text.startswith("Ad sales boost")  # offsets stay those of the file


@pytest.mark.model
def test_build_reads_pages_archives_and_feeds_into_one_graph():
    graph = kg.build([str(WEB)], date="2005-06-01")
    assert graph.report.articles == 6 and not graph.report.skipped
    rows = graph.sparql("""
        SELECT ?id ?label ?url ?day ?source WHERE {
          ?a a schema:NewsArticle ; schema:identifier ?id ; rdfs:label ?label ; schema:url ?url ;
             schema:datePublished ?day .
          OPTIONAL { ?a news:source ?source } }""").records()
    by_id = {r["id"]: r for r in rows}
    assert by_id["blair-bush"]["label"] == "Blair meets Bush in Washington"
    assert by_id["blair-bush"]["source"] == "Example News"
    assert by_id["urn:example:europe:1"]["day"] == "2005-03-04"
    assert len(by_id) == 6
    assert graph.sparql("ASK { ?a schema:identifier 'blair-bush' ; schema:author 'Jane Reporter' }").rows == [(True,)]
    # nothing is read from the page's navigation, comments or footer
    page_mentions = {r[0] for r in graph.sparql("""
        SELECT ?text WHERE { ?a schema:identifier "blair-bush" . ?m news:article ?a ; news:text ?text }""").rows}
    assert page_mentions and not page_mentions & {"Vladimir Putin", "Sergei Ivanov", "Angela Merkel",
                                                  "Jacques Chirac", "Madonna"}
    assert graph.validate().conforms
