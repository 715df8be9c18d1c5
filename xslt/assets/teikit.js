// teikit HTML edition: what JavaScript adds to pages that work without it.
// - the reading/diplomatic choice is remembered across pages (localStorage)
//   and kept in the address (#view=diplomatic) so a link shares the view;
// - the list of documents can be filtered by sender and addressee;
// - the search page starts pagefind's interface.
(function () {
  "use strict";
  var KEY = "teikit-view";

  function setView(view) {
    var input = document.getElementById("view-" + view);
    if (input) { input.checked = true; }
  }

  function initViews() {
    var inputs = document.querySelectorAll("input[name=view]");
    if (!inputs.length) { return; }
    var fromHash = /view=(reading|diplomatic)/.exec(location.hash);
    var stored = null;
    try { stored = localStorage.getItem(KEY); } catch (e) { /* storage may be off */ }
    setView(fromHash ? fromHash[1] : (stored || "reading"));
    inputs.forEach(function (input) {
      input.addEventListener("change", function () {
        try { localStorage.setItem(KEY, input.value); } catch (e) { /* ignore */ }
        document.documentElement.dataset.view = input.value;
      });
    });
  }

  function initFilter() {
    var form = document.querySelector("form.filter");
    if (!form) { return; }
    form.hidden = false;
    var rows = Array.prototype.slice.call(document.querySelectorAll(".chronology tbody tr"));
    var out = form.querySelector("output");
    function apply() {
      var want = {};
      form.querySelectorAll("select").forEach(function (s) { want[s.dataset.filter] = s.value; });
      var shown = 0;
      rows.forEach(function (row) {
        var ok = Object.keys(want).every(function (role) {
          return !want[role] || (row.dataset[role] || "").split(" ").indexOf(want[role]) >= 0;
        });
        row.hidden = !ok;
        if (ok) { shown += 1; }
      });
      out.textContent = shown + " of " + rows.length + " shown";
    }
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    apply();
  }

  function initSearch() {
    var el = document.getElementById("search");
    if (!el || typeof PagefindUI === "undefined") { return; }
    new PagefindUI({ element: "#search", showSubResults: true, resetStyles: false });
    if (location.protocol !== "file:") {
      var help = document.querySelector(".search-help");
      if (help) { help.hidden = true; }
    }
  }

  initViews();
  initFilter();
  initSearch();
}());
