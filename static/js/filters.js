// The filter panel is a <details>: folded on phones so products come first, opened on wide screens
// where it sits beside the grid. Without JavaScript it stays usable, just folded.
(function () {
  var panel = document.getElementById("filters");
  if (panel && window.matchMedia("(min-width: 900px)").matches) panel.open = true;
})();
