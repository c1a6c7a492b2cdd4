/* The header's search box suggests as one types: names from /api/search (the last word may be unfinished) in the
   box's <datalist>, which the browser shows and the keyboard walks like any list of choices. Without this script
   the box is a plain search form. */
(function () {
  "use strict";
  var input = document.getElementById("site-search-q");
  var list = document.getElementById("site-search-suggestions");
  if (!input || !list || !window.fetch) { return; }
  var timer = null, asked = "";

  function suggest() {
    var q = input.value.trim();
    if (q.length < 2 || q === asked) { return; }
    asked = q;
    fetch("/api/search?q=" + encodeURIComponent(q), { headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { results: [] }; })
      .then(function (data) {
        if (q !== input.value.trim()) { return; }  // an older answer than what the box holds now
        list.replaceChildren.apply(list, data.results.map(function (hit) {
          var option = document.createElement("option");
          option.value = hit.label;
          option.label = hit.kindLabel;
          return option;
        }));
      })
      .catch(function () { /* no suggestions: the form still works */ });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(suggest, 150);
  });
}());
