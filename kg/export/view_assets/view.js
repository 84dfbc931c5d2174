/* The event knowledge-graph view. Data comes from the JSON script element #kg-data: the nodes,
   edges and vis-network options of the pyvis Network the page was rendered from, and `meta`;
   every text is put into the page with textContent (never innerHTML), and vis-network draws labels
   on a canvas and tooltips as plain text. Nothing is fetched. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var N = data.nodes.length, meta = data.meta;
  var ROLE_ORDER = ["has_actor", "actor", "agent", "target", "instrument", "has_place", "place", "location", "has_time",
    "creator", "speaker", "about", "medium", "stance", "funder", "recipient", "amount", "affiliation", "job_title",
    "contained_in_place", "seat", "publisher", "mentioned_in"];

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }
  function byId(id) { return document.getElementById(id); }
  function roleRank(rel) { var i = ROLE_ORDER.indexOf(rel); return i < 0 ? ROLE_ORDER.length : i; }
  function format(value) {
    if (Array.isArray(value)) { return value.map(format).join("; "); }
    if (value !== null && typeof value === "object") {
      return Object.keys(value).map(function (k) { return k.replace(/_/g, " ") + ": " + format(value[k]); }).join(", ");
    }
    return String(value);
  }

  var kinds = {};
  meta.kinds.forEach(function (k) { kinds[k.kind] = k; });
  var outAdj = [], inAdj = [];
  for (var i = 0; i < N; i++) { outAdj.push([]); inAdj.push([]); }
  data.edges.forEach(function (e) { outAdj[e.from].push(e); inAdj[e.to].push(e); });

  var hidden = meta.view.hidden_kinds || [];
  function defaultKinds() { return new Set(Object.keys(kinds).filter(function (k) { return hidden.indexOf(k) < 0; })); }
  var state = { kinds: defaultKinds(), sources: new Set(), from: "", to: "", top: meta.view.top, pinned: new Set() };
  var visible = new Uint8Array(N);

  function passes(i) {
    var n = data.nodes[i];
    if (!state.kinds.has(n.kind)) { return false; }
    if (!state.sources.size && !state.from && !state.to) { return true; }
    return n.arts.some(function (a) {
      var art = meta.articles[a];
      if (state.sources.size && !state.sources.has(a)) { return false; }
      if ((state.from || state.to) && !art.date) { return false; }
      if (state.from && art.date.slice(0, 10) < state.from) { return false; }
      if (state.to && art.date.slice(0, 10) > state.to) { return false; }
      return true;
    });
  }
  function compute() {
    visible.fill(0);
    var shown = 0;
    for (var r = 0; r < meta.order.length; r++) {
      var i = meta.order[r];
      if (shown < state.top && passes(i)) { visible[i] = 1; shown++; }
    }
    state.pinned.forEach(function (i) { visible[i] = 1; });
  }
  compute();

  // The pyvis Network's nodes and edges as they are (vis-network ignores the page's own fields).
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var nodeView = new vis.DataView(nodes, { filter: function (item) { return visible[item.id] === 1; } });
  var edgeView = new vis.DataView(edges, { filter: function (item) { return visible[item.from] === 1 && visible[item.to] === 1; } });
  var options = data.options;
  var network = new vis.Network(byId("kg-network"), { nodes: nodeView, edges: edgeView }, options);
  network.once("stabilizationIterationsDone", function () { network.setOptions({ physics: { enabled: false } }); });
  network.once("afterDrawing", function () {
    window.kgDrawnAt = performance.now();
    document.body.setAttribute("data-drawn", "1");
  });
  if (!meta.view.physics) { network.fit({ animation: false }); }

  function stats() {
    byId("kg-stats").textContent = nodeView.length + " of " + N + " nodes, " + edgeView.length + " of " + data.edges.length + " edges shown";
  }
  // Every filter re-fits the view to what it shows, so that what the header counts is on screen.
  function apply() { compute(); nodeView.refresh(); edgeView.refresh(); stats(); network.fit({ animation: false }); }
  stats();

  // Legend: one checkbox per kind (the type filter).
  var legend = byId("kg-legend");
  meta.kinds.forEach(function (k) {
    var li = el("li"), box = el("input"), label = el("label");
    box.type = "checkbox"; box.checked = state.kinds.has(k.kind); box.id = "kg-kind-" + k.kind; box.value = k.kind;
    box.addEventListener("change", function () { if (box.checked) { state.kinds.add(k.kind); } else { state.kinds.delete(k.kind); } apply(); });
    var swatch = el("span", null, "kg-swatch " + k.shape); swatch.style.background = k.colour;
    label.htmlFor = box.id; label.append(swatch, " " + k.kind + " (" + k.count + ")");
    if (hidden.indexOf(k.kind) >= 0) { label.append(el("span", " \u2014 as nodes; their words are in the panels", "kg-hint")); }
    li.append(box, label); legend.append(li);
  });
  // Source and date filters, top-N.
  var sources = byId("kg-sources");
  meta.articles.forEach(function (a, i) {
    var option = el("option", (a.date ? a.date.slice(0, 10) + " " : "") + a.label);
    option.value = String(i); sources.append(option);
  });
  sources.addEventListener("change", function () {
    state.sources = new Set(Array.prototype.filter.call(sources.options, function (o) { return o.selected; }).map(function (o) { return Number(o.value); }));
    apply();
  });
  ["from", "to"].forEach(function (which) {
    var input = byId("kg-date-" + which);
    input.addEventListener("change", function () { state[which] = input.value; apply(); });
  });
  var top = byId("kg-top");
  top.max = String(N); top.value = String(state.top);
  top.addEventListener("change", function () { state.top = Math.max(1, Number(top.value) || N); apply(); });
  byId("kg-reset").addEventListener("click", function () {
    state.kinds = defaultKinds(); state.sources = new Set(); state.from = state.to = ""; state.pinned = new Set();
    legend.querySelectorAll("input").forEach(function (b) { b.checked = state.kinds.has(b.value); });
    Array.prototype.forEach.call(sources.options, function (o) { o.selected = false; });
    byId("kg-date-from").value = byId("kg-date-to").value = "";
    state.top = meta.view.top; top.value = String(state.top);
    apply();
  });

  // Search over labels, other names and types.
  var results = byId("kg-results"), timer = null;
  function search(query) {
    results.replaceChildren();
    var q = query.trim().toLowerCase();
    if (q.length < 2) { return []; }
    var found = [];
    for (var r = 0; r < meta.order.length && found.length < 30; r++) {
      var n = data.nodes[meta.order[r]];
      var hay = [n.name].concat(n.alt, n.types).join("\n").toLowerCase();
      if (hay.indexOf(q) >= 0) { found.push(meta.order[r]); }
    }
    found.forEach(function (i) {
      var li = el("li"), b = el("button", data.nodes[i].name + " (" + data.nodes[i].kind + ")");
      b.type = "button"; b.addEventListener("click", function () { select(i); });
      li.append(b); results.append(li);
    });
    if (!found.length) { results.append(el("li", "no match", "kg-hint")); }
    return found;
  }
  byId("kg-search").addEventListener("input", function (ev) {
    clearTimeout(timer); timer = setTimeout(function () { search(ev.target.value); }, 120);
  });
  byId("kg-search").addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") { var found = search(ev.target.value); if (found.length) { select(found[0]); } }
  });

  function select(i) {
    if (!visible[i]) { state.pinned.add(i); apply(); }
    network.selectNodes([i]);
    network.focus(i, { scale: 1.1, animation: false });
    show(i);
  }
  function link(i) {
    var b = el("button", data.nodes[i].name, "kg-link"); b.type = "button";
    b.addEventListener("click", function () { select(i); });
    return b;
  }
  function relations(body, list, outgoing) {
    var groups = {};
    list.forEach(function (e) { (groups[e.label] = groups[e.label] || []).push(e); });
    Object.keys(groups).sort(function (a, b) { return roleRank(a) - roleRank(b) || (a < b ? -1 : 1); }).forEach(function (rel) {
      var dl = el("dl"), dd = el("dd"), items = groups[rel];
      dl.append(el("dt", (outgoing ? "" : "\u2190 ") + rel.replace(/_/g, " ")), dd);
      items.slice(0, 50).forEach(function (e, k) {
        if (k) { dd.append("; "); }
        dd.append(link(outgoing ? e.to : e.from));
        if (e.weight > 1) { dd.append(" \u00d7" + e.weight); }
      });
      if (items.length > 50) { dd.append(" \u2026 and " + (items.length - 50) + " more"); }
      body.append(dl);
    });
  }
  function show(i) {
    var n = data.nodes[i], body = byId("kg-panel-body");
    body.replaceChildren();
    body.append(el("h2", n.name));
    var dl = el("dl");
    function row(key, value) { if (value === undefined || value === "" || (Array.isArray(value) && !value.length)) { return; } dl.append(el("dt", key), el("dd", format(value))); }
    row("kind", n.kind); row("types", n.types.join(", ")); row("also called", n.alt); row("IRI", n.iri);
    row("importance", n.imp); row("community", n.community);
    Object.keys(n.attrs).forEach(function (k) { row(k.replace(/_/g, " "), n.attrs[k]); });
    body.append(dl);
    if (outAdj[i].length || inAdj[i].length) {
      body.append(el("h3", "Relations"));
      relations(body, outAdj[i], true); relations(body, inAdj[i], false);
    }
    if (n.ev.length) {
      body.append(el("h3", "Evidence"));
      n.ev.forEach(function (ev) {
        var quote = el("blockquote"), pos = 0, s = ev.s;
        ev.m.forEach(function (span) {
          if (span[0] < pos) { return; }
          quote.append(s.slice(pos, span[0]), el("mark", s.slice(span[0], span[1]))); pos = span[1];
        });
        quote.append(s.slice(pos));
        var art = typeof ev.a === "number" ? meta.articles[ev.a] : { label: String(ev.a), date: "" };
        var source = el("div", null, "kg-source");
        source.append("\u2014 ");
        if (typeof ev.a === "number") { source.append(link(art.node)); } else { source.append(art.label); }
        if (art.date) { source.append(", " + art.date.slice(0, 10)); }
        quote.append(source); body.append(quote);
      });
      if (n.more) { body.append(el("p", "\u2026 and " + n.more + " more sentences", "kg-hint")); }
    }
    byId("kg-panel").hidden = false;
  }
  network.on("click", function (params) { if (params.nodes.length) { show(params.nodes[0]); } });
  byId("kg-close").addEventListener("click", function () { byId("kg-panel").hidden = true; });
  byId("kg-fit").addEventListener("click", function () { network.fit({ animation: false }); });

  window.kgView = { network: network, nodes: nodeView, edges: edgeView, data: data, show: show, select: select, search: search,
    apply: apply, state: state, shownCount: function () { return nodeView.length; } };
}());
