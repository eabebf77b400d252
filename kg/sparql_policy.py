"""What a SPARQL query kg runs may do: no outbound requests unless asked.

``SERVICE <http://...>`` makes pyoxigraph send the query to that address, and ``LOAD`` fetches a
document; a query read from a file or a client could reach any host the machine can. kg is
offline, so :func:`check_query` refuses both before the engine sees the query, unless the caller
allows ``SERVICE`` explicitly (``kg query --allow-service``). ``LOAD`` is an update, and kg's
queries are read-only, so it is always refused.

The check reads the query's keywords the way the SPARQL grammar does: words inside IRIs,
strings, comments, variables and prefixed names (``?service``, ``ex:SERVICE``) are not keywords.
"""

from __future__ import annotations

import re

_LEXEMES = re.compile(
    r"<[^<>\"{}|^`\\\x00-\x20]*>"                       # IRI
    r'|"""(?:[^"\\]|\\.|"(?!""))*"""' r"|'''(?:[^'\\]|\\.|'(?!''))*'''"  # long strings
    r'|"(?:[^"\\\n\r]|\\.)*"' r"|'(?:[^'\\\n\r]|\\.)*'"  # strings
    r"|#[^\n\r]*"                                       # comment
    r"|[?$]\w+"                                         # variable
    r"|[A-Za-z_][\w.-]*:(?:[\w.:%-]|\\.)*|:(?:[\w.:%-]|\\.)*"  # prefixed name
    r"|\\."                                             # an escape outside any of those
    r"|(?P<word>[A-Za-z]+)", re.S)


class QueryRefused(ValueError):
    """A query that would reach outside the machine (``SERVICE``, ``LOAD``)."""


def keywords(query: str) -> set[str]:
    """The bare words of ``query`` in upper case: its keywords (and ``a``)."""
    return {m.group("word").upper() for m in _LEXEMES.finditer(query) if m.group("word")}


def check_query(query: str, allow_service: bool = False) -> None:
    """Raise :class:`QueryRefused` if ``query`` uses ``LOAD``, or ``SERVICE`` unless allowed."""
    words = keywords(query)
    if "LOAD" in words:
        raise QueryRefused("SPARQL LOAD is refused: kg runs read-only queries and never fetches "
                           "documents")
    if "SERVICE" in words and not allow_service:
        raise QueryRefused("SPARQL SERVICE is refused: it would send the query to another "
                           "server, and kg works offline (kg query --allow-service allows it)")
