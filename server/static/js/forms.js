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
      plugins: multiple ? { remove_button: { title: select.dataset.remove || "Remove" } } : {},
      maxOptions: null,
      create: false,
      allowEmptyOption: !multiple,
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
      var label = document.querySelector("label[for='" + select.id + "']");
      if (label && input.id) { label.setAttribute("for", input.id); label.id = label.id || select.id + "-label"; }
    }
    if (invalid) { widget.wrapper.classList.add("is-invalid"); }
  }

  document.querySelectorAll("select.searchable").forEach(enhance);

  var summary = document.getElementById("error-summary") || document.getElementById("notice");
  if (summary) { summary.focus(); }
})();
