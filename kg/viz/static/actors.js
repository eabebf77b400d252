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
        "label": "data(label)", "font-size": 14, "min-zoomed-font-size": 7,
        "text-valign": "bottom", "text-margin-y": 3, "color": "#222",
        "text-outline-color": "#fff", "text-outline-width": 2,
        "border-width": 1, "border-color": "#555", "border-opacity": 0.5 } },
      { selector: "node.event", style: {
        "shape": "diamond", "border-color": data.eventBorder, "font-size": 11, "color": "#555" } },
      { selector: "edge", style: {
        "width": 1.2, "line-color": "#9aa5b1", "target-arrow-color": "#9aa5b1",
        "curve-style": fast ? "haystack" : "bezier", "control-point-step-size": 34,
        "target-arrow-shape": fast ? "none" : "triangle", "arrow-scale": 0.8,
        "font-size": 11, "min-zoomed-font-size": 7,
        "text-rotation": "autorotate", "color": "#445",
        "text-background-color": "#fff", "text-background-opacity": 0.85,
        "text-background-padding": 1 } },
      // A large graph labels only the edges in view once zoomed in (see labelEdgesInView):
      // measuring 10,000 labels would stall every full redraw for seconds.
      { selector: fast ? "edge.labelled, edge.hover, edge:selected" : "edge",
        style: { "label": "data(label)" } },
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

  // Fit to node positions only: cytoscape's own fit measures every label first, which takes
  // seconds at 10,000 edges. A small graph is not blown up past 1.4x.
  function viewportFor(eles) {
    var bb = eles.nodes().boundingBox({ includeLabels: false, includeOverlays: false });
    var pad = 60, w = cy.width(), h = cy.height();
    if (!isFinite(bb.w) || !eles.nodes().length) return null;
    var zoom = Math.min(1.4, (w - 2 * pad) / Math.max(bb.w, 1), (h - 2 * pad) / Math.max(bb.h, 1));
    zoom = Math.max(cy.minZoom(), zoom);
    return { zoom: zoom, pan: { x: w / 2 - zoom * (bb.x1 + bb.w / 2), y: h / 2 - zoom * (bb.y1 + bb.h / 2) } };
  }
  function fitTo(eles, animate) {
    var vp = viewportFor(eles);
    if (!vp) return;
    if (animate) cy.animate(vp, { duration: 250 }); else cy.viewport(vp);
  }
  fitTo(cy.elements(), false);
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
    $("relation-filters").appendChild(checkbox("relations", r.name, r.name, r.count, null));
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
  var labelled = cy.collection();
  function labelEdgesInView() {
    var next = cy.collection();
    if (cy.zoom() >= 0.6) {
      var ext = cy.extent();
      var inView = function (p) {
        return p.x >= ext.x1 && p.x <= ext.x2 && p.y >= ext.y1 && p.y <= ext.y2;
      };
      var both = cy.collection(), either = cy.collection();
      cy.edges().not(".hidden").forEach(function (e) {
        var s = inView(e.source().position()), t = inView(e.target().position());
        if (s && t) both.merge(e);
        if (s || t) either.merge(e);
      });
      // Edges within view first; past 600 labels there are too many to read anyway.
      next = either.length <= 600 ? either : (both.length <= 600 ? both : cy.collection());
    }
    cy.batch(function () {
      labelled.difference(next).removeClass("labelled");
      next.difference(labelled).addClass("labelled");
    });
    labelled = next;
  }
  if (fast) {
    var labelTimer = null;
    cy.on("viewport", function () {
      clearTimeout(labelTimer);
      labelTimer = setTimeout(labelEdgesInView, 250);
    });
  }

  window.kgViz = { cy: cy, data: data, state: state, applyFilters: applyFilters,
                   describe: describe, ready: false };
  showCounts(cy.edges().length);   // nothing is filtered yet
  performance.mark("kg-filtered");
  cy.ready(function () {
    window.kgViz.ready = true;
    document.body.setAttribute("data-ready", "1");
  });
})();
