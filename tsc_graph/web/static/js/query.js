// The query page: YASGUI on this node's endpoint (vendored, no CDN), our prefixes, the named queries as examples.
// Without JavaScript the form below it works on its own; with it, YASGUI replaces the form.
(function () {
  "use strict";
  var root = document.getElementById("yasgui");
  var fallback = document.getElementById("query-fallback");
  if (!root || !window.Yasgui) { return; }
  var config = JSON.parse(root.getAttribute("data-config"));
  var textarea = document.getElementById("query-text");

  // canonical IRIs → this server's paths, so result links stay on this site (tsc_graph/web/uris.py does the same)
  function localHref(iri) {
    for (var i = 0; i < config.spaces.length; i++) {
      var s = config.spaces[i];
      if (iri.indexOf(s.uri) === 0) {
        var rest = iri.slice(s.uri.length);
        if (s.path.charAt(s.path.length - 1) === "/") { return s.path + rest; }
        if (rest === "") { return s.path; }
        if (rest.charAt(0) === "#" || s.uri.charAt(s.uri.length - 1) === "#") { return s.path + "#" + rest.replace(/^#/, ""); }
      }
    }
    return null;
  }

  function rewriteLinks(container) {
    var links = container.querySelectorAll("a[href]");
    for (var i = 0; i < links.length; i++) {
      var local = localHref(links[i].getAttribute("href"));
      if (local) { links[i].setAttribute("href", local); links[i].removeAttribute("target"); }
    }
  }

  var yasgui = new window.Yasgui(root, {
    persistenceId: null,
    populateFromUrl: true,
    copyEndpointOnNewTab: true,
    autofocus: false,
    requestConfig: {
      endpoint: config.endpoint,
      method: "POST",
      acceptHeaderSelect: "application/sparql-results+json",
      acceptHeaderGraph: "text/turtle"
    },
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: config.endpoint }]; } },
    yasqe: { value: textarea.value, autocompleters: ["variables"], editorHeight: "320px" },
    yasr: { prefixes: config.prefixes }
  });
  fallback.hidden = true;

  function attach(tab) {
    var yasr = tab.getYasr();
    if (yasr && !yasr.__tscLinks) {
      yasr.__tscLinks = true;
      // the table's "Simple view" by default: values as people read them (1, not "1"^^xsd:integer)
      var table = yasr.config.plugins.table;
      if (table) { table.dynamicConfig = Object.assign({ compact: true }, table.dynamicConfig); }
      yasr.on("drawn", function () { rewriteLinks(yasr.rootEl); });
    }
    var editor = root.querySelector(".CodeMirror textarea");
    if (editor && !editor.getAttribute("aria-label")) { editor.setAttribute("aria-label", root.getAttribute("data-label")); }
    var scrollers = root.querySelectorAll(".CodeMirror-scroll");  // keyboard users can scroll a long query
    for (var i = 0; i < scrollers.length; i++) {
      scrollers[i].setAttribute("tabindex", "0");
      scrollers[i].setAttribute("aria-label", root.getAttribute("data-label"));
    }
  }
  attach(yasgui.getTab());
  yasgui.on("tabSelect", function (y, id) { attach(yasgui.getTab(id)); });
  yasgui.on("tabAdd", function (y, id) { window.setTimeout(function () { if (yasgui.getTab(id)) { attach(yasgui.getTab(id)); } }, 0); });

  var tab = yasgui.getTab();
  if (tab && tab.getQuery() !== textarea.value && textarea.value) { tab.setQuery(textarea.value); }
  if (config.run && tab) { tab.query().catch(function () {}); }

  var examples = document.querySelectorAll(".example-list a[data-query]");
  for (var i = 0; i < examples.length; i++) {
    examples[i].addEventListener("click", function (event) {
      event.preventDefault();
      var current = yasgui.getTab();
      current.setQuery(this.getAttribute("data-query"));
      current.setName(this.getAttribute("data-title").slice(0, 40));
      for (var j = 0; j < examples.length; j++) { examples[j].removeAttribute("aria-current"); }
      this.setAttribute("aria-current", "true");
      current.query().catch(function () {});
    });
  }
})();
