/* kg viz: draws the actor view embedded as JSON in #kg-data with cytoscape.js.
 * Positions come precomputed from Python (preset layout), so nothing is laid out here.
 * window.kgViz exposes the cytoscape instance and the filter state for tests. */
(function () {
  "use strict";
  performance.mark("kg-start");
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  performance.mark("kg-parsed");
  var $ = function (id) { return document.getElementById(id); };

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }

  var elements = [];
  data.nodes.forEach(function (n) {
    elements.push({ group: "nodes", data: n, position: { x: n.x, y: n.y },
                    classes: n.event ? "event" : "" });
  });
  data.edges.forEach(function (e) {
    var unasserted = e.factuality && e.factuality !== "Asserted";
    elements.push({ group: "edges", data: e, classes: unasserted ? "unasserted" : "" });
  });

  var fast = data.fast;
  var cy = cytoscape({
    container: $("cy"),
    elements: elements,
    layout: { name: "preset", fit: false },
    minZoom: 0.02, maxZoom: 6,
    pixelRatio: fast ? 1 : "auto",
    hideEdgesOnViewport: fast, textureOnViewport: fast, motionBlur: false,
    boxSelectionEnabled: false,
    style: [
      { selector: "node", style: {
        "background-color": "data(colour)", "width": "data(size)", "height": "data(size)",
        "label": "", "font-size": 14,
        "text-valign": "bottom", "text-margin-y": 3, "color": "#222",
        "text-outline-color": "#fff", "text-outline-width": 2,
        "border-width": 1, "border-color": "#555", "border-opacity": 0.5 } },
      { selector: "node.event", style: {
        "shape": "diamond", "border-color": data.eventBorder, "font-size": 11, "color": "#555" } },
      { selector: "edge", style: {
        "width": 1.2, "line-color": "#9aa5b1", "target-arrow-color": "#9aa5b1",
        "curve-style": fast ? "haystack" : "bezier", "control-point-step-size": 34,
        "target-arrow-shape": fast ? "none" : "triangle", "arrow-scale": 0.8,
        "font-size": 11, "color": "#445",
        "text-background-color": "#fff", "text-background-opacity": 0.85,
        "text-background-padding": 1 } },
      // Edge labels, like node labels, only where placeLabels() found room (and on hover):
      // measuring 10,000 labels would also stall every full redraw for seconds.
      { selector: "edge.labelled, edge.hover, edge:selected",
        style: { "label": "data(label)", "min-zoomed-font-size": 0 } },
      // Node labels: only those placeLabels() found room for, at LABEL_PX on screen.
      { selector: "node.labelled, node.hover, node:selected",
        style: { "label": "data(label)", "min-zoomed-font-size": 0, "z-index": 20,
                 "text-background-color": "#fff", "text-background-opacity": 0.75,
                 "text-background-shape": "roundrectangle" } },
      { selector: "edge.unasserted", style: { "line-style": "dashed" } },
      { selector: ".hidden", style: { "display": "none" } },
      { selector: "node.focus", style: { "border-width": 4, "border-color": "#000" } },
      { selector: "node:selected", style: { "border-width": 4, "border-color": "#d00" } },
      { selector: "edge:selected", style: {
        "width": 3, "line-color": "#d00", "target-arrow-color": "#d00", "z-index": 10 } },
      { selector: "edge.hover", style: { "width": 3, "line-color": "#333" } },
      { selector: "node.hover", style: { "border-width": 3, "border-color": "#333" } }
    ]
  });

  performance.mark("kg-cytoscape");

  /* ---- node labels: the most connected first, each where it overlaps no other and stays in
   * view, at LABEL_PX on screen whatever the zoom; more appear as you zoom in or filter ---- */
  var LABEL_PX = 13, LABEL_FONT = LABEL_PX + "px system-ui, 'DejaVu Sans', sans-serif";
  var EDGE_PX = 11, EDGE_FONT = EDGE_PX + "px system-ui, 'DejaVu Sans', sans-serif";
  var measurer = document.createElement("canvas").getContext("2d");
  measurer.font = LABEL_FONT;
  var labelWidth = {};
  function widthOf(n) {
    var id = n.id();
    if (labelWidth[id] === undefined) labelWidth[id] = measurer.measureText(n.data("label")).width + 6;
    return labelWidth[id];
  }
  var byDegree = cy.nodes().sort(function (a, b) {
    return b.data("degree") - a.data("degree") || (a.data("label") < b.data("label") ? -1 : 1);
  });
  var labelBoxes = [];
  var MIN_NODE_PX = 6;   // a node is never drawn smaller than this on screen
  var sizedAt = null;
  function keepNodesVisible(zoom) {
    if (sizedAt === zoom) return;
    sizedAt = zoom;
    var least = MIN_NODE_PX / zoom;
    cy.style().selector("node").style({
      "width": function (n) { return Math.max(n.data("size"), least); },
      "height": function (n) { return Math.max(n.data("size"), least); } }).update();
  }
  function placeLabels() {
    var zoom = cy.zoom(), w = cy.width(), h = cy.height(), cell = 64, grid = {};
    keepNodesVisible(zoom);
    var margin = 4, lineH = LABEL_PX + 6, limit = fast ? 400 : 1500;
    function keys(b) {
      var out = [];
      for (var i = Math.floor(b.x1 / cell); i <= Math.floor(b.x2 / cell); i++)
        for (var j = Math.floor(b.y1 / cell); j <= Math.floor(b.y2 / cell); j++) out.push(i + "," + j);
      return out;
    }
    function free(b) {
      return keys(b).every(function (k) {
        return !(grid[k] || []).some(function (o) {
          return b.x1 < o.x2 + 2 && o.x1 < b.x2 + 2 && b.y1 < o.y2 + 2 && o.y1 < b.y2 + 2;
        });
      });
    }
    function take(b) { keys(b).forEach(function (k) { (grid[k] = grid[k] || []).push(b); }); }
    var chosen = [];
    labelBoxes = [];
    byDegree.forEach(function (n) {
      if (chosen.length >= limit || n.hasClass("hidden")) return;
      var p = n.renderedPosition(), r = n.renderedHeight() / 2, tw = widthOf(n);
      // the box cytoscape draws the label in (text, outline and background), measured
      var b = { x1: p.x - tw / 2 - 1, x2: p.x + tw / 2 + 1, y1: p.y + r - 1, y2: p.y + r - 1 + lineH };
      // a labelled node's disc is an obstacle too: no label covers it, nor it a label
      var disc = { x1: p.x - r, x2: p.x + r, y1: p.y - r, y2: p.y + r };
      if (b.x1 < margin || b.x2 > w - margin || b.y1 < margin || b.y2 > h - margin) return;
      if (!free(b) || !free(disc)) return;
      take(b); take(disc); chosen.push(n); b.id = n.id(); labelBoxes.push(b);
    });
    var labelledNode = {};
    chosen.forEach(function (n) { labelledNode[n.id()] = true; });
    // then the edges between labelled nodes, once zoomed in far enough to tell them apart
    var edges = [];
    if (zoom >= 0.5) {
      measurer.font = EDGE_FONT;
      cy.edges().forEach(function (e) {
        if (edges.length >= 300 || e.hasClass("hidden")) return;
        if (!labelledNode[e.source().id()] || !labelledNode[e.target().id()]) return;
        var m = e.renderedMidpoint(), tw = measurer.measureText(e.data("label")).width + 4;
        var b = { x1: m.x - tw / 2, x2: m.x + tw / 2, y1: m.y - EDGE_PX / 2 - 2, y2: m.y + EDGE_PX / 2 + 2 };
        if (b.x1 < margin || b.x2 > w - margin || b.y1 < margin || b.y2 > h - margin || !free(b)) return;
        take(b); edges.push(e); b.id = e.id(); labelBoxes.push(b);
      });
      measurer.font = LABEL_FONT;
    }
    var next = cy.collection(chosen), nextEdges = cy.collection(edges);
    cy.batch(function () {
      cy.nodes(".labelled").difference(next).removeClass("labelled");
      next.addClass("labelled");
      cy.edges(".labelled").difference(nextEdges).removeClass("labelled");
      nextEdges.addClass("labelled");
      cy.style().selector("node.labelled, node.hover, node:selected").style({
        "font-size": LABEL_PX / zoom, "text-margin-y": 2 / zoom,
        "text-outline-width": 2 / zoom, "text-background-padding": 1 / zoom }).update();
      cy.style().selector("edge.labelled, edge.hover, edge:selected").style({
        "font-size": EDGE_PX / zoom, "text-background-padding": 1 / zoom }).update();
    });
  }
  var labelTimer = null;
  function placeLabelsSoon() {
    clearTimeout(labelTimer);
    labelTimer = setTimeout(placeLabels, 120);
  }
  cy.on("viewport", placeLabelsSoon);

  // Fit to node positions only: cytoscape's own fit measures every label first, which takes
  // seconds at 10,000 edges. The margin leaves room for the labels of the most connected
  // nodes; a small graph is not blown up past 1.4x.
  function viewportFor(eles) {
    var bb = eles.nodes().boundingBox({ includeLabels: false, includeOverlays: false });
    var w = cy.width(), h = cy.height();
    if (!isFinite(bb.w) || !eles.nodes().length) return null;
    var widest = 0;
    byDegree.slice(0, 30).forEach(function (n) { widest = Math.max(widest, widthOf(n)); });
    var padX = Math.max(40, widest / 2 + 8), padY = 30 + LABEL_PX;
    var zoom = Math.min(1.4, (w - 2 * padX) / Math.max(bb.w, 1), (h - 2 * padY) / Math.max(bb.h, 1));
    zoom = Math.max(cy.minZoom(), zoom);
    return { zoom: zoom, pan: { x: w / 2 - zoom * (bb.x1 + bb.w / 2), y: h / 2 - zoom * (bb.y1 + bb.h / 2) } };
  }
  function fitTo(eles, animate) {
    var vp = viewportFor(eles);
    if (!vp) return;
    if (animate) cy.animate(vp, { duration: 250 }); else cy.viewport(vp);
  }
  // A large graph opens on its most connected actors (Fit and Reset show it all): at the
  // scale of the whole, hundreds of small clusters leave no room for a readable label.
  var OPEN_ON = 60;
  function openingView() {
    return byDegree.length > 1.5 * OPEN_ON ? byDegree.slice(0, OPEN_ON) : cy.elements();
  }
  fitTo(openingView(), false);
  placeLabels();
  /* ---- filters ---------------------------------------------------------------------- */
  var state = { search: "", kinds: {}, relations: {}, from: "", to: "", undated: true };
  data.kinds.forEach(function (k) { state.kinds[k.name] = true; });
  data.relationTypes.forEach(function (r) { state.relations[r.name] = true; });

  function checkbox(group, name, label, count, swatch) {
    var box = el("input", { type: "checkbox", "data-group": group, "data-name": name });
    box.checked = true;
    box.addEventListener("change", function () {
      state[group][name] = box.checked; applyFilters();
    });
    return el("label", {}, [box, swatch, document.createTextNode(label + " "),
                            el("span", { "class": "count", text: "(" + count + ")" })]);
  }
  data.kinds.forEach(function (k) {
    var sw = el("span", { "class": "swatch" + (k.event ? " event" : ""),
                          style: "background:" + k.colour });
    $("kind-filters").appendChild(checkbox("kinds", k.name, k.name, k.count, sw));
  });
  data.relationTypes.forEach(function (r) {
    $("relation-filters").appendChild(checkbox("relations", r.name, r.label || r.name, r.count, null));
  });
  ["date-from", "date-to"].forEach(function (id) {
    if (data.dateMin) { $(id).min = data.dateMin; $(id).max = data.dateMax; }
  });

  function nameMatches(n, q) {
    if (n.data("label").toLowerCase().indexOf(q) >= 0) return true;
    var aliases = n.data("aliases") || [];
    for (var i = 0; i < aliases.length; i++) {
      if (aliases[i].toLowerCase().indexOf(q) >= 0) return true;
    }
    return false;
  }

  function edgeInDates(e) {
    var d = e.data("date");
    if (!d) return state.undated;
    return (!state.from || d >= state.from) && (!state.to || d <= state.to);
  }

  function applyFilters() {
    var q = state.search.trim().toLowerCase();
    var edgeFilter = !state.undated || state.from || state.to ||
      Object.keys(state.relations).some(function (k) { return !state.relations[k]; });
    var matched = null;
    if (q) {
      matched = {};
      cy.nodes().forEach(function (n) {
        if (state.kinds[n.data("kind")] && nameMatches(n, q)) matched[n.id()] = true;
      });
    }
    var showNode = {};
    var visibleEdges = 0;
    cy.batch(function () {
      cy.edges().forEach(function (e) {
        var s = e.source(), t = e.target();
        var ok = state.relations[e.data("type")] && edgeInDates(e) &&
          state.kinds[s.data("kind")] && state.kinds[t.data("kind")] &&
          (!matched || matched[s.id()] || matched[t.id()]);
        if (ok) { showNode[s.id()] = true; showNode[t.id()] = true; visibleEdges++; }
        if (ok) e.removeClass("hidden"); else e.addClass("hidden");
      });
      cy.nodes().forEach(function (n) {
        var ok = state.kinds[n.data("kind")] &&
          (matched ? (matched[n.id()] || showNode[n.id()]) : (showNode[n.id()] || !edgeFilter));
        if (ok) n.removeClass("hidden"); else n.addClass("hidden");
      });
    });
    var shown = showCounts(visibleEdges);
    if (q && shown) fitTo(cy.elements().not(".hidden"), true);
    placeLabelsSoon();
  }

  function showCounts(visibleEdges) {
    var shown = cy.nodes().not(".hidden").length;
    $("counts").textContent = "Showing " + shown + " of " + cy.nodes().length + " nodes, " +
      visibleEdges + " of " + cy.edges().length + " edges.";
    return shown;
  }

  var searchTimer = null;
  $("search").addEventListener("input", function () {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(function () { state.search = $("search").value; applyFilters(); }, 120);
  });
  $("search").addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") { clearTimeout(searchTimer); state.search = $("search").value; applyFilters(); }
  });
  $("date-from").addEventListener("change", function () { state.from = this.value; applyFilters(); });
  $("date-to").addEventListener("change", function () { state.to = this.value; applyFilters(); });
  $("undated").addEventListener("change", function () { state.undated = this.checked; applyFilters(); });
  $("reset").addEventListener("click", function () {
    state.search = ""; state.from = ""; state.to = ""; state.undated = true;
    $("search").value = ""; $("date-from").value = ""; $("date-to").value = "";
    $("undated").checked = true;
    document.querySelectorAll("#panel input[data-group]").forEach(function (box) {
      box.checked = true; state[box.dataset.group][box.dataset.name] = true;
    });
    applyFilters(); fitTo(cy.elements(), false);
  });
  $("fit").addEventListener("click", function () {
    fitTo(cy.elements().not(".hidden"), false);
  });

  /* ---- details ---------------------------------------------------------------------- */
  function row(dl, term, value) {
    if (value === null || value === undefined || value === "") return;
    dl.appendChild(el("dt", { text: term }));
    dl.appendChild(el("dd", { text: String(value) }));
  }

  /* Only http(s) addresses become links: a javascript:, data: or vbscript: URL from an
     article's metadata (or a hostile graph's IRI) must never run when clicked. */
  function webLink(address) {
    return typeof address === "string" && /^https?:\/\/[^\s\u0000-\u001f\u007f]+$/i.test(address)
      ? address : null;
  }

  function evidenceBlock(ev) {
    var href = webLink(ev.url) || webLink(ev.article);
    var source = el("div", { "class": "source" });
    if (href) {
      source.appendChild(el("a", { href: href, target: "_blank", rel: "noopener",
                                   text: ev.title || "article" }));
    } else if (ev.title) {
      source.appendChild(document.createTextNode(ev.title));
    }
    if (ev.confidence !== null && ev.confidence !== undefined) {
      source.appendChild(document.createTextNode(" · confidence " + ev.confidence));
    }
    return el("div", { "class": "evidence" },
              [el("blockquote", { "class": "sentence", text: ev.sentence }), source]);
  }

  function dateSpan(first, last) {
    if (!first) return null;
    return first === last ? first : first + " – " + last;
  }

  function describe(ele) {
    var box = $("details");
    box.textContent = "";
    var d = ele.data();
    var dl = el("dl");
    if (ele.isEdge()) {
      box.appendChild(el("h2", { text: d.label }));
      row(dl, "type", d.type);
      row(dl, "from", ele.source().data("label"));
      row(dl, "to", ele.target().data("label"));
      // A relation has no date of its own: its date is the day the article was published.
      row(dl, d.event ? "date" : "reported", d.date || (d.dateText ? d.dateText + " (as written)" : null));
      row(dl, "event", d.eventLabel);
      row(dl, "factuality", d.factuality);
      (d.facts || []).forEach(function (f) { row(dl, f[0], f[1]); });
      box.appendChild(dl);
      (d.evidence || []).forEach(function (ev) { box.appendChild(evidenceBlock(ev)); });
      if (!(d.evidence || []).length) box.appendChild(el("p", { "class": "muted", text: "No evidence recorded." }));
    } else {
      box.appendChild(el("h2", { text: d.label }));
      row(dl, "type", d.kind + (d.event ? " (event)" : ""));
      row(dl, "also", (d.aliases || []).join(", "));
      row(dl, "dates", dateSpan(d.first, d.last));
      row(dl, "edges", d.degree);
      row(dl, "IRI", d.uri);
      box.appendChild(dl);
      // Its edges, each with its evidence; an event's roles share one sentence, shown once.
      var seen = {};
      var edges = ele.connectedEdges().not(".hidden").toArray().slice(0, 8);
      edges.forEach(function (e) {
        var ed = e.data();
        var other = e.source().id() === ele.id() ? e.target() : e.source();
        box.appendChild(el("p", { "class": "muted",
          text: ed.label + " — " + other.data("label") + (ed.date ? " (" + ed.date + ")" : "") }));
        var ev = (ed.evidence || [])[0];
        if (ev && !seen[ev.sentence]) { seen[ev.sentence] = true; box.appendChild(evidenceBlock(ev)); }
      });
    }
  }

  var pinned = null;
  cy.on("mouseover", "node, edge", function (evt) { evt.target.addClass("hover"); describe(evt.target); });
  cy.on("mouseout", "node, edge", function (evt) {
    evt.target.removeClass("hover");
    if (pinned && pinned.inside()) describe(pinned); else $("details").textContent = "";
  });
  cy.on("tap", "node, edge", function (evt) { pinned = evt.target; describe(pinned); });
  cy.on("tap", function (evt) {
    if (evt.target === cy) {
      pinned = null;
      $("details").textContent = "";
    }
  });

  if (data.focus) {
    var f = cy.getElementById(data.focus);
    f.addClass("focus");
  }
  /* ---- timeline: events by date (x) and class (rows); a brush filters the network -------- */
  var SVG = "http://www.w3.org/2000/svg";
  var timeline = { marks: [], brushed: null };
  function svgEl(tag, attrs, text) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function dayNumber(iso) {   // days since 1970 of YYYY, YYYY-MM or YYYY-MM-DD (UTC)
    var p = iso.split("-");
    return Date.UTC(+p[0], p[1] ? +p[1] - 1 : 0, p[2] ? +p[2] : 1) / 86400000;
  }
  function isoDay(n) { return new Date(n * 86400000).toISOString().slice(0, 10); }
  function drawTimeline() {
    var svg = $("timeline-svg");
    if (!svg) return;
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var events = data.events || [];
    var w = svg.clientWidth, h = svg.clientHeight;
    if (!events.length || !w || !h) {
      svg.appendChild(svgEl("text", { x: 8, y: 18 }, "No dated events."));
      return;
    }
    var kinds = [];
    events.forEach(function (ev) { if (kinds.indexOf(ev.kind) < 0) kinds.push(ev.kind); });
    kinds.sort();
    var probe = svgEl("text", { x: 0, y: 0, "class": "lane-label" }, "");
    svg.appendChild(probe);
    var left = 0;
    kinds.forEach(function (k) { probe.textContent = k; left = Math.max(left, probe.getBBox().width); });
    svg.removeChild(probe);
    left += 14;
    var right = 12, top = 4, axis = 22;
    var lane = Math.max(8, (h - top - axis) / kinds.length);
    var lo = dayNumber(events[0].date), hi = dayNumber(events[events.length - 1].date);
    if (hi - lo < 1) { lo -= 1; hi += 1; }
    var span = hi - lo;
    var x = function (iso) { return left + (dayNumber(iso) - lo) / span * (w - left - right); };
    timeline.x = x; timeline.left = left; timeline.right = w - right; timeline.lo = lo; timeline.span = span;
    kinds.forEach(function (k, i) {
      var y = top + i * lane + lane / 2;
      svg.appendChild(svgEl("line", { x1: left, x2: w - right, y1: y, y2: y, stroke: "#e3e3e3" }));
      svg.appendChild(svgEl("text", { x: left - 8, y: y + 4, "text-anchor": "end", "class": "lane-label" }, k));
    });
    // date ticks in ISO on whole days, as many as fit without touching
    var room = Math.max(2, Math.min(8, Math.floor((w - left - right) / 90)));
    var step = Math.max(1, Math.ceil(span / room));
    var base = top + kinds.length * lane;
    svg.appendChild(svgEl("line", { x1: left, x2: w - right, y1: base, y2: base, stroke: "#999" }));
    for (var day = Math.ceil(lo); day <= hi; day += step) {
      var tx = left + (day - lo) / span * (w - left - right);
      var anchor = tx - left < 40 ? "start" : w - right - tx < 40 ? "end" : "middle";
      svg.appendChild(svgEl("line", { x1: tx, x2: tx, y1: base, y2: base + 4, stroke: "#999" }));
      svg.appendChild(svgEl("text", { x: tx, y: base + 16, "text-anchor": anchor, "class": "tick" },
                            isoDay(day)));
    }
    var colour = {};
    (data.kinds || []).forEach(function (k) { if (k.event) colour[k.name] = k.colour; });
    var radius = Math.max(3, Math.min(6, lane / 3));
    timeline.marks = events.map(function (ev) {
      var y = top + kinds.indexOf(ev.kind) * lane + lane / 2;
      var mark = svgEl("circle", { cx: x(ev.date), cy: y, r: radius, "class": "mark",
                                   fill: colour[ev.kind] || "#F0E442", "data-id": ev.id });
      mark.appendChild(svgEl("title", {}, ev.date + " · " + ev.label));
      mark.addEventListener("mousedown", function (e) { e.stopPropagation(); });
      mark.addEventListener("click", function (e) {
        e.stopPropagation();
        var edge = cy.getElementById(ev.edges[0]);
        if (edge.length) { pinned = edge; describe(edge); }
      });
      svg.appendChild(mark);
      return { ev: ev, node: mark };
    });
    timeline.brushRect = svgEl("rect", { x: 0, y: top, width: 0, height: base - top, "class": "brush",
                                         visibility: "hidden" });
    svg.appendChild(timeline.brushRect);
    markSelection();
  }
  function markSelection() {
    timeline.marks.forEach(function (m) {
      var d = m.ev.date, inside = (!state.from || d >= state.from) && (!state.to || d <= state.to);
      m.node.setAttribute("class", "mark" + (inside ? "" : " dim"));
    });
  }
  function brushTo(from, to) {
    state.from = from; state.to = to;
    $("date-from").value = from; $("date-to").value = to;
    applyFilters(); markSelection();
  }
  (function brushing() {
    var svg = $("timeline-svg"), start = null;
    if (!svg) return;
    function dayAt(px) {
      var f = Math.min(1, Math.max(0, (px - timeline.left) / (timeline.right - timeline.left)));
      return isoDay(Math.round(timeline.lo + f * timeline.span));
    }
    function px(e) { return e.clientX - svg.getBoundingClientRect().left; }
    svg.addEventListener("mousedown", function (e) { start = px(e); });
    svg.addEventListener("mousemove", function (e) {
      if (start === null || !timeline.brushRect) return;
      var a = Math.min(start, px(e)), b = Math.max(start, px(e));
      timeline.brushRect.setAttribute("x", a); timeline.brushRect.setAttribute("width", b - a);
      timeline.brushRect.setAttribute("visibility", "visible");
    });
    window.addEventListener("mouseup", function (e) {
      if (start === null) return;
      var a = Math.min(start, px(e)), b = Math.max(start, px(e));
      start = null;
      if (b - a < 3) { timeline.brushRect.setAttribute("visibility", "hidden"); return; }
      brushTo(dayAt(a), dayAt(b));
    });
    svg.addEventListener("dblclick", function () {
      timeline.brushRect.setAttribute("visibility", "hidden");
      brushTo("", "");
    });
  })();
  drawTimeline();
  window.addEventListener("resize", drawTimeline);
  ["date-from", "date-to"].forEach(function (id) { $(id).addEventListener("change", markSelection); });

  window.kgViz = { cy: cy, data: data, state: state, applyFilters: applyFilters,
                   describe: describe, ready: false, timeline: timeline, brushTo: brushTo,
                   labelPx: LABEL_PX, placeLabels: placeLabels,
                   labelBoxes: function () { return labelBoxes; } };
  showCounts(cy.edges().length);   // nothing is filtered yet
  performance.mark("kg-filtered");
  cy.ready(function () {
    window.kgViz.ready = true;
    document.body.setAttribute("data-ready", "1");
  });
})();
