// Listing pages: on narrow screens the results come first and the facets open from a « Filtrer (N) » button.
// Without JavaScript the facets sit in a <details> (templates/portal/listing.html); this turns its summary into a
// real <button aria-expanded> controlling the facets, so the state is announced and desktop layouts show the
// facets beside the results as before (the button is only displayed on narrow screens, style.css).
(function () {
  "use strict";
  var fold = document.querySelector(".facets-fold");
  if (!fold) { return; }
  var facets = fold.querySelector(".facets");
  var button = document.createElement("button");
  button.type = "button";
  button.className = "facets-toggle";
  button.textContent = fold.querySelector("summary").textContent;
  button.setAttribute("aria-controls", facets.id);
  button.setAttribute("aria-expanded", "false");
  facets.classList.add("facets-closed");
  button.addEventListener("click", function () {
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    facets.classList.toggle("facets-closed", !open);
  });
  fold.replaceWith(button, facets);
}());
