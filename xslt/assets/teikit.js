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

  // A tip that would run off the screen is moved back inside it.
  function fitTip(event) {
    var host = event.target.closest && event.target.closest(".mk, .name");
    var tip = host && host.querySelector(":scope > .tip");
    if (!tip) { return; }
    tip.style.left = "";
    var box = tip.getBoundingClientRect();
    var room = document.documentElement.clientWidth - 6;
    if (box.right > room) { tip.style.left = (room - box.right) + "px"; }
    box = tip.getBoundingClientRect();
    if (box.left < 6) { tip.style.left = (parseFloat(tip.style.left || "0") + 6 - box.left) + "px"; }
  }

  function initTips() {
    document.addEventListener("mouseover", fitTip);
    document.addEventListener("focusin", fitTip);
  }

  // pagefind's box gets the page's visible label (it has only a placeholder).
  function labelSearch(tries) {
    var input = document.querySelector("#search input[type=text], #search input[type=search]");
    var label = document.getElementById("search-label");
    if (input) {
      input.id = "search-input";
      if (label) { label.htmlFor = "search-input"; }
      return;
    }
    if (tries > 0) { setTimeout(function () { labelSearch(tries - 1); }, 50); }
  }

  // The index is several pagefind bundles (pagefind/shards.json lists them, the
  // first one first); the search box searches them all at once (mergeIndex).
  function startSearch(base, listing) {
    var bundles = (listing.bundles || []).map(function (b) { return new URL(b, base).pathname; });
    if (!bundles.length) { return; }
    new PagefindUI({
      element: "#search", showSubResults: true, resetStyles: false, bundlePath: bundles[0],
      mergeIndex: bundles.slice(1).map(function (b) { return { bundlePath: b }; })
    });
    labelSearch(40);
  }

  function initSearch() {
    var el = document.getElementById("search");
    var script = document.querySelector("script[src$='pagefind-ui.js']");
    if (!el || !script || typeof PagefindUI === "undefined") { return; }
    if (location.protocol !== "file:") {
      var help = document.querySelector(".search-help");
      if (help) { help.hidden = true; }
    }
    var base = new URL(".", script.src);
    fetch(new URL("shards.json", base), { cache: "no-cache" })
      .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
      .then(function (listing) { startSearch(base, listing); })
      .catch(function (e) { console.error("teikit: no search index: " + e); });
  }

  initViews();
  initTips();
  initFilter();
  initSearch();
}());
