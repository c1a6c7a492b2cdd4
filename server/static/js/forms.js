/* Submission forms: searchable choices with Tom Select (vendored, server/static/vendor/tom-select/), the error
   summary focused after a failed submission. The forms work without this script: plain selects and checkboxes. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

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
      searchField: ["text"],
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
