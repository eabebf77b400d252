"""The interactive page: one self-contained, offline HTML file.

The page inlines the vendored cytoscape.js (``kg/viz/static/cytoscape.min.js``, reproduced by
``scripts/vendor-js.sh``), its own script and style, and the actor view as JSON. Positions are
computed in Python (:mod:`kg.viz.layout`) and drawn with cytoscape's ``preset`` layout, so the
browser runs no layout however large the graph.

Like networkx's readwrite modules: :func:`generate_html` is pure and returns the text;
:func:`write_html` writes it to a path or an open text file.
"""

from __future__ import annotations

import html
import json
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import IO, Any

from kg.viz.layout import Positions, layout_positions
from kg.viz.model import ActorView, timeline_events
from kg.viz.palette import EVENT_BORDER, KIND_COLOURS, colour_of, node_size

# Pixels per layout unit (the median edge is one unit long).
_SCALE = 150.0
# Above this many edges the page draws straight, arrowless "haystack" edges and hides edges
# while panning, which keeps 10,000 edges responsive on a software-rendered canvas.
_FAST_EDGES = 2000


def _static(name: str) -> str:
    return resources.files("kg.viz").joinpath("static", name).read_text(encoding="utf-8")


def page_data(view: ActorView, positions: Positions | None = None) -> dict[str, Any]:
    """The JSON the page script reads: nodes with positions, edges with evidence, filters."""
    if positions is None:
        positions = layout_positions(view)
    degrees = view.degrees()
    dates: dict[str, list[str]] = {n.id: [] for n in view.nodes}
    for e in view.edges:
        if e.date:
            dates[e.source].append(e.date)
            dates[e.target].append(e.date)
    nodes = []
    for n in view.nodes:
        x, y = positions.get(n.id, (0.0, 0.0))
        d = sorted(dates[n.id])
        nodes.append({
            "id": n.id, "label": n.label, "kind": n.kind, "event": n.is_event,
            "aliases": list(n.aliases), "uri": n.uri,
            "colour": colour_of(n.kind, n.is_event), "size": node_size(degrees[n.id]),
            "degree": degrees[n.id], "first": d[0] if d else None, "last": d[-1] if d else None,
            "x": round(x * _SCALE, 1), "y": round(y * _SCALE, 1),
        })
    edges = [{
        "id": e.id, "source": e.source, "target": e.target, "type": e.type, "label": e.label,
        "date": e.date, "factuality": e.factuality, "event": e.event, "eventLabel": e.event_label,
        "dateText": e.date_text, "facts": [list(f) for f in e.facts],
        "evidence": [{"sentence": ev.sentence, "article": ev.article, "url": ev.url,
                      "title": ev.title, "confidence": ev.confidence} for ev in e.evidence],
    } for e in view.edges]
    kind_counts = Counter((n.kind, n.is_event) for n in view.nodes)
    kinds = [{"name": k, "event": is_event, "count": c, "colour": colour_of(k, is_event)}
             for (k, is_event), c in sorted(kind_counts.items(),
                                             key=lambda kv: (kv[0][1], _kind_order(kv[0][0])))]
    all_dates = sorted(e.date for e in view.edges if e.date)

    return {
        "nodes": nodes, "edges": edges, "kinds": kinds,
        "relationTypes": [{"name": t, "label": t.replace("_", " ").lower(), "count": c}
                          for t, c in sorted(Counter(e.type for e in view.edges).items())],
        "events": [{"id": t.id, "label": t.label, "date": t.date, "kind": t.kind,
                    "edges": list(t.edges)} for t in timeline_events(view)],
        "dateMin": all_dates[0] if all_dates else None,
        "dateMax": all_dates[-1] if all_dates else None,
        "focus": next((n.id for n in view.nodes if n.label == view.focus and not n.is_event),
                      None) if view.focus else None,
        "summary": view.summary(), "leftOut": dict(view.left_out),
        "fast": len(edges) > _FAST_EDGES, "eventBorder": EVENT_BORDER,
    }


def _kind_order(kind: str) -> int:
    order = list(KIND_COLOURS)
    return order.index(kind) if kind in order else len(order)


def _json_for_script(data: Any) -> str:
    """JSON that is safe inside a <script> element, whatever the article text holds."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def generate_timeline_html(view: ActorView, *, title: str = "Events in time",
                           positions: Positions | None = None) -> str:
    """The page for ``view`` opened on its timeline (the network stays beside it)."""
    return generate_html(view, title=title, positions=positions, timeline_first=True)


def generate_html(view: ActorView, *, title: str = "Actors", positions: Positions | None = None,
                  timeline_first: bool = False) -> str:
    """The page for ``view`` as one HTML string; it loads nothing from the network.

    Example::

        text = generate_html(actor_view(pg), title="Seed graph")
    """
    if view.empty:
        body = _EMPTY_BODY.format(message=html.escape(_empty_message(view)))
        return _PAGE.format(title=html.escape(title), style=_static("actors.css"), body=body,
                            scripts="")
    data = page_data(view, positions)
    scripts = (f'<script type="application/json" id="kg-data">{_json_for_script(data)}</script>\n'
               f"<script>{_static('cytoscape.min.js')}</script>\n"
               f"<script>{_static('actors.js')}</script>")
    body = _BODY.format(title=html.escape(title), summary=html.escape(data["summary"]))
    page = _PAGE.format(title=html.escape(title), style=_static("actors.css"), body=body,
                        scripts=scripts)
    if timeline_first:
        page = page.replace("<body>", '<body class="timeline-first">', 1)
    return page


def write_html(view: ActorView, out: str | Path | IO[str], *, title: str = "Actors",
               positions: Positions | None = None, timeline_first: bool = False) -> None:
    """Write the page for ``view`` to a path (atomically) or an open text file."""
    from kg.serialize import atomic_write

    text = generate_html(view, title=title, positions=positions, timeline_first=timeline_first)
    if hasattr(out, "write"):
        out.write(text)
    else:
        with atomic_write(out, "w") as handle:
            handle.write(text)


def _empty_message(view: ActorView) -> str:
    dropped = sum(view.left_out.values())
    text = "No actors to draw: the graph has no entities that take part in a relation or an event."
    if dropped:
        text += f" ({dropped} entities are only mentioned.)"
    return text


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="kg viz">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
{body}
{scripts}
</body>
</html>
"""

_EMPTY_BODY = """<main id="empty" class="empty" role="status">
<h1>No actors</h1>
<p id="empty-message">{message}</p>
</main>"""

_BODY = """<aside id="panel">
  <h1 id="title">{title}</h1>
  <p id="summary" class="muted">{summary}</p>
  <label class="field">Search
    <input id="search" type="search" placeholder="Name or alias" autocomplete="off">
  </label>
  <p id="counts" class="muted" aria-live="polite"></p>
  <details open><summary>Entity types</summary><div id="kind-filters" class="filters"></div></details>
  <details open><summary>Relation types</summary><div id="relation-filters" class="filters"></div></details>
  <details open><summary>Dates</summary>
    <div class="dates">
      <label>From <input id="date-from" type="date"></label>
      <label>To <input id="date-to" type="date"></label>
      <label class="check"><input id="undated" type="checkbox" checked> undated</label>
    </div>
  </details>
  <p><button id="reset" type="button">Reset</button> <button id="fit" type="button">Fit</button></p>
  <p class="muted hint">Hover over or click a node or an edge for its evidence; click the
  background to close.</p>
</aside>
<div id="stage">
  <div id="cy" role="img" aria-label="Actor relationship graph"></div>
  <section id="details" aria-live="polite"></section>
  <section id="kg-timeline" aria-label="Events by date and class">
    <div class="timeline-head"><strong>Timeline</strong> <span class="muted">drag across it to
    show the events of those dates in the network; double-click to show all; click an event for
    its evidence</span></div>
    <svg id="timeline-svg" role="img"></svg>
  </section>
</div>"""
