// The portal's maps (templates/portal/map.html): the rows of each map's table drawn on a world map, with the
// vendored d3-geo and topojson-client and Natural Earth's countries (vendor/world-atlas, simplified to the map's
// scale by tools/make_map_places.py into static/map/world.json; no tile server). A place
// is a link (an SVG <a>, reached with Tab, named like « La Réunion : 6 projets ») to its filtered list; its shade
// grows with its figure; a place too small to see at this scale (La Réunion, Wallis-et-Futuna…) gets a dot too.
// France's overseas departments are parts of France's shape in Natural Earth: static/map/places.json
// (tools/make_map_places.py) says which parts are which, and they are drawn as places of their own.
// Dots keep a size a finger can hit whatever the map's width, so on a phone neighbours (the Antilles, the
// Balkans) would cover each other: they are pushed apart, each with a line to where it belongs.
// The place under the pointer or focus is named under the map (on a place page, that place until then).
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var WIDTH = 960, HEIGHT = 500, SMALL = 60; // viewBox; a shape under SMALL square units gets a dot
  var DOT_PX = 7, GAP_PX = 4; // a dot's least radius and the least gap between two dots, in CSS pixels
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

  function geometries(topology, codes) {
    var byId = {}, taken = {};
    topojson.feature(topology, topology.objects.countries).features.forEach(function (f) {
      if (f.id !== undefined) { byId[f.id] = f; }
    });
    Object.keys(codes.parts).forEach(function (code) {
      var p = codes.parts[code];
      p[1].forEach(function (i) { (taken[p[0]] = taken[p[0]] || {})[i] = code; });
    });
    return function (code) {
      var part = codes.parts[code], f;
      if (part) {
        f = byId[part[0]];
        if (!f || f.geometry.type !== "MultiPolygon") { return null; }
        var polygons = part[1].map(function (i) { return f.geometry.coordinates[i]; }).filter(Boolean);
        return polygons.length ? { type: "Feature", geometry: { type: "MultiPolygon", coordinates: polygons } } : null;
      }
      f = byId[codes.numeric[code]];
      if (!f) { return null; }
      var own = taken[f.id];
      if (own && f.geometry.type === "MultiPolygon") { // France without its overseas departments
        return { type: "Feature", geometry: { type: "MultiPolygon", coordinates: f.geometry.coordinates.filter(
          function (c, i) { return !(i in own); }) } };
      }
      return f;
    };
  }

  // Push overlapping dots apart (a bounded number of rounds), each pulled a little back to where it belongs.
  function spread(dots, gap) {
    dots.forEach(function (d) { d.x = d.ax; d.y = d.ay; });
    for (var round = 0; round < 120; round += 1) {
      var moved = false;
      for (var i = 0; i < dots.length; i += 1) {
        for (var j = i + 1; j < dots.length; j += 1) {
          var a = dots[i], b = dots[j], dx = b.x - a.x, dy = b.y - a.y;
          var dist = Math.sqrt(dx * dx + dy * dy), need = a.r + b.r + gap;
          if (dist < need) {
            if (dist < 0.01) { dx = 1; dy = (i % 2) ? 1 : -1; dist = Math.SQRT2; }
            var push = (need - dist) / 2 / dist;
            a.x -= dx * push; a.y -= dy * push; b.x += dx * push; b.y += dy * push;
            moved = true;
          }
        }
      }
      dots.forEach(function (d) {
        d.x = Math.min(WIDTH - d.r, Math.max(d.r, d.x + (d.ax - d.x) * 0.02));
        d.y = Math.min(HEIGHT - d.r, Math.max(d.r, d.y + (d.ay - d.y) * 0.02));
      });
      if (!moved) { break; }
    }
  }

  function draw(figure, topology, codes) {
    var rows = Array.prototype.slice.call(figure.querySelectorAll("tbody tr"));
    var geometryOf = geometries(topology, codes);
    var current = figure.getAttribute("data-current") || "";
    var projection = d3.geoNaturalEarth1().fitExtent([[4, 4], [WIDTH - 4, HEIGHT - 4]], { type: "Sphere" });
    var path = d3.geoPath(projection);
    var svg = el("svg", { viewBox: "0 0 " + WIDTH + " " + HEIGHT, "class": "map", role: "group",
                          "aria-labelledby": figure.id + "-title", focusable: "false" });
    var base = el("g", { "class": "map-base", "aria-hidden": "true" });
    base.appendChild(el("path", { "class": "map-sphere", d: path({ type: "Sphere" }) }));
    topojson.feature(topology, topology.objects.countries).features.forEach(function (f) {
      var d = path(f);
      if (d) { base.appendChild(el("path", { "class": "map-land", d: d })); }
    });
    svg.appendChild(base);

    var max = 1;
    rows.forEach(function (r) { max = Math.max(max, parseInt(r.getAttribute("data-count"), 10) || 0); });
    var shapes = el("g", { "class": "map-places" }), leaders = el("g", { "class": "map-leaders", "aria-hidden": "true" });
    var dotLayer = el("g", { "class": "map-places map-dots" });
    var dots = [], readout = figure.querySelector(".map-readout"), resting = "";
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
      if (code === current) {
        link.classList.add("map-current");
        link.setAttribute("aria-current", "location");
        resting = name;
      }
      var small = path.area(g) < SMALL, c = small ? projection(d3.geoCentroid(g)) : null;
      if (c) {
        var dot = { link: link, ax: c[0], ay: c[1], base: 4 + 5 * share,
                    circle: el("circle", { "class": "map-dot" }), leader: el("line", { "class": "map-leader" }) };
        link.appendChild(dot.circle);
        leaders.appendChild(dot.leader);
        dots.push(dot);
      }
      (c ? dotLayer : shapes).appendChild(link);
      link.addEventListener("mouseenter", function () { say(name); });
      link.addEventListener("focus", function () { say(name); });
      link.addEventListener("mouseleave", function () { say(resting); });
      link.addEventListener("blur", function () { say(resting); });
    });
    if (!shapes.childNodes.length && !dots.length) { return; }
    function say(text) {
      if (readout) { readout.textContent = text; readout.hidden = !text; }
    }
    svg.appendChild(shapes);
    svg.appendChild(leaders);
    svg.appendChild(dotLayer);
    var box = figure.querySelector(".map-box");
    box.appendChild(svg);
    box.hidden = false;
    var note = figure.querySelector(".map-note");
    if (note) { note.hidden = false; }
    say(resting);

    var drawnWidth = 0;
    function layout() {
      var width = svg.getBoundingClientRect().width;
      if (!width || Math.abs(width - drawnWidth) < 1) { return; }
      drawnWidth = width;
      var unit = WIDTH / width; // viewBox units per CSS pixel
      dots.forEach(function (d) { d.r = Math.max(d.base, DOT_PX * unit); });
      spread(dots, GAP_PX * unit);
      dots.forEach(function (d) {
        d.circle.setAttribute("cx", d.x.toFixed(1));
        d.circle.setAttribute("cy", d.y.toFixed(1));
        d.circle.setAttribute("r", d.r.toFixed(1));
        d.circle.style.strokeWidth = (1.5 * unit).toFixed(2);
        var far = Math.abs(d.x - d.ax) + Math.abs(d.y - d.ay) > d.r;
        d.leader.setAttribute("x1", d.ax.toFixed(1));
        d.leader.setAttribute("y1", d.ay.toFixed(1));
        d.leader.setAttribute("x2", d.x.toFixed(1));
        d.leader.setAttribute("y2", d.y.toFixed(1));
        d.leader.style.strokeWidth = unit.toFixed(2);
        d.leader.style.display = far ? "" : "none";
      });
    }
    layout();
    if (window.ResizeObserver) { new ResizeObserver(layout).observe(box); }
    else { window.addEventListener("resize", layout); }
    figure.classList.add("map-drawn");
  }

  Array.prototype.forEach.call(figures, function (figure) {
    Promise.all([load(figure.getAttribute("data-topology")), load(figure.getAttribute("data-codes"))])
      .then(function (data) { draw(figure, data[0], data[1]); })
      .catch(function () { /* the table stays: it has every figure */ });
  });
}());
