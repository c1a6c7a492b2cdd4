/* Submission forms: searchable choices with Tom Select (vendored, tsc_graph/web/static/vendor/tom-select/), the error
   summary focused after a failed submission. The forms work without this script: plain selects and checkboxes. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // "6", "cible 6", "target 6", "T6", "#6": a person asking for one numbered entry (a GBF target) by its number
  var NUMBER_QUERY = /^(?:cible|target|t|#)?\s*0*(\d{1,3})$/i;

  /* Tom Select's own score ranks by where the digits fall in the text, so "6" put target 16 first (its label is
     shorter) and Enter took it. For a select marked data-numbered, whose option labels begin with their number
     ("Cible 6 : …", "Target 6: …"), the option with exactly the number typed comes before every text match. */
  function numberedScore(query) {
    var text = this.getScoreFunction(query);
    var asked = NUMBER_QUERY.exec(query.trim());
    if (!asked) { return text; }
    var wanted = parseInt(asked[1], 10);
    return function (item) {
      var own = /\d+/.exec(item.text || "");
      return own && parseInt(own[0], 10) === wanted ? 100 : text(item);
    };
  }

  function enhance(select) {
    if (typeof TomSelect === "undefined") { return; }
    var multiple = select.multiple;
    var describedBy = select.getAttribute("aria-describedby");
    var invalid = select.getAttribute("aria-invalid");
    var required = select.getAttribute("aria-required");
    var widget = new TomSelect(select, {
      plugins: multiple ? { remove_button: { title: select.dataset.remove || "Remove" } }
        : { clear_button: { title: select.dataset.remove || "Remove" } },
      maxOptions: null,
      create: false,
      allowEmptyOption: false,
      placeholder: select.dataset.placeholder || "",
      hidePlaceholder: false,
      closeAfterSelect: !multiple,
      // the list is filtered as each key is typed, not 300 ms later: an Enter typed right after "6" took (or, list
      // still closed, submitted the form with) what was highlighted before the search had run
      refreshThrottle: 0,
      searchField: ["text"],
      score: select.hasAttribute("data-numbered") ? numberedScore : undefined,
      render: {
        no_results: function () {
          var div = document.createElement("div");
          div.className = "no-results";
          div.textContent = select.dataset.noResults || "";
          return div;
        }
      }
    });
    var input = widget.control_input;
    if (input) {
      // Enter in the search box chooses (Tom Select's own handler, which runs first); it never submits the form
      input.addEventListener("keydown", function (event) {
        if (event.key === "Enter") { event.preventDefault(); }
      });
      if (describedBy) { input.setAttribute("aria-describedby", describedBy); }
      if (invalid) { input.setAttribute("aria-invalid", invalid); }
      if (required) { input.setAttribute("aria-required", required); }
      // Tom Select points the label at its own input; the hidden original select keeps its name through the label
      var label = document.getElementById(input.getAttribute("aria-labelledby") || "") ||
        document.querySelector("label[for='" + select.id + "']");
      if (label) {
        if (!label.id) { label.id = select.id + "-label"; }
        select.setAttribute("aria-labelledby", label.id);
      }
    }
    if (invalid) { widget.wrapper.classList.add("is-invalid"); }
  }

  document.querySelectorAll("select.searchable").forEach(enhance);

  var summary = document.getElementById("error-summary") || document.getElementById("notice");
  if (summary) { summary.focus(); }
})();
