// The portal's maps (templates/portal/map.html): the rows of each map's table drawn on a world map, with the
// vendored d3-geo and topojson-client and Natural Earth's countries (vendor/world-atlas; no tile server). A place
// is a link (an SVG <a>, reached with Tab, named like « La Réunion : 6 projets ») to its filtered list; its shade
// grows with its figure; a place too small to see at this scale (La Réunion, Wallis-et-Futuna…) gets a dot too.
// France's overseas departments are parts of France's shape in Natural Earth: static/map/places.json
// (tools/make_map_places.py) says which part is which, and they are drawn as places of their own.
// Links follow the table's order, the shapes first, then the dots (drawn last, so that they stay on top).
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var WIDTH = 960, HEIGHT = 500, SMALL = 60; // viewBox; a shape under SMALL square units gets a dot
  var figures = document.querySelectorAll("figure.place-map");
  var d3 = window.d3, topojson = window.topojson;
  if (!figures.length || !d3 || !d3.geoPath || !topojson || !window.fetch) { return; }
  var cache = {};

  function load(url) {
    if (!cache[url]) {
      cache[url] = fetch(url, { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) { throw new Error(url + ": " + r.status); }
        return r.json();
      });
    }
    return cache[url];
  }

  function el(name, attrs) {
    var e = document.createElementNS(SVG, name);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }

  function draw(figure, topology, codes) {
    var rows = Array.prototype.slice.call(figure.querySelectorAll("tbody tr"));
    var features = topojson.feature(topology, topology.objects.countries).features;
    var byId = {}, taken = {};
    features.forEach(function (f) { if (f.id !== undefined) { byId[f.id] = f; } });
    Object.keys(codes.parts).forEach(function (code) {
      var p = codes.parts[code];
      (taken[p[0]] = taken[p[0]] || {})[p[1]] = code;
    });

    function geometryOf(code) {
      var part = codes.parts[code], f;
      if (part) {
        f = byId[part[0]];
        if (!f || f.geometry.type !== "MultiPolygon" || !f.geometry.coordinates[part[1]]) { return null; }
        return { type: "Feature", geometry: { type: "Polygon", coordinates: f.geometry.coordinates[part[1]] } };
      }
      f = byId[codes.numeric[code]];
      if (!f) { return null; }
      var own = taken[f.id];
      if (own && f.geometry.type === "MultiPolygon") { // France without its overseas departments
        return { type: "Feature", geometry: { type: "MultiPolygon", coordinates: f.geometry.coordinates.filter(
          function (c, i) { return !(i in own); }) } };
      }
      return f;
    }

    var projection = d3.geoNaturalEarth1().fitExtent([[4, 4], [WIDTH - 4, HEIGHT - 4]], { type: "Sphere" });
    var path = d3.geoPath(projection);
    var svg = el("svg", { viewBox: "0 0 " + WIDTH + " " + HEIGHT, "class": "map", role: "group",
                          "aria-labelledby": figure.id + "-title", focusable: "false" });
    var base = el("g", { "class": "map-base", "aria-hidden": "true" });
    base.appendChild(el("path", { "class": "map-sphere", d: path({ type: "Sphere" }) }));
    features.forEach(function (f) {
      var d = path(f);
      if (d) { base.appendChild(el("path", { "class": "map-land", d: d })); }
    });
    svg.appendChild(base);

    var max = 1;
    rows.forEach(function (r) { max = Math.max(max, parseInt(r.getAttribute("data-count"), 10) || 0); });
    var shapes = el("g", { "class": "map-places" }), dots = el("g", { "class": "map-places map-dots" });
    var drawn = 0;
    rows.forEach(function (row) {
      var code = row.getAttribute("data-code"), g = code ? geometryOf(code) : null;
      if (!g) { row.classList.add("not-on-map"); return; }
      var share = Math.sqrt((parseInt(row.getAttribute("data-count"), 10) || 0) / max);
      var name = row.getAttribute("data-name");
      var link = el("a", { href: row.getAttribute("data-href"), "class": "map-place", "aria-label": name,
                           "data-code": code });
      var title = el("title");
      title.textContent = name;
      link.appendChild(title);
      link.appendChild(el("path", { "class": "map-shape", d: path(g), "fill-opacity": (0.3 + 0.7 * share).toFixed(2) }));
      var small = path.area(g) < SMALL;
      if (small) {
        var c = projection(d3.geoCentroid(g));
        if (c) {
          link.appendChild(el("circle", { "class": "map-dot", cx: c[0].toFixed(1), cy: c[1].toFixed(1),
                                          r: (5 + 5 * share).toFixed(1) }));
        }
      }
      (small ? dots : shapes).appendChild(link);
      drawn += 1;
    });
    if (!drawn) { return; }
    svg.appendChild(shapes);
    svg.appendChild(dots);
    var box = figure.querySelector(".map-box");
    box.appendChild(svg);
    box.hidden = false;
    var note = figure.querySelector(".map-note");
    if (note) { note.hidden = false; }
    figure.classList.add("map-drawn");
  }

  Array.prototype.forEach.call(figures, function (figure) {
    Promise.all([load(figure.getAttribute("data-topology")), load(figure.getAttribute("data-codes"))])
      .then(function (data) { draw(figure, data[0], data[1]); })
      .catch(function () { /* the table stays: it has every figure */ });
  });
}());
