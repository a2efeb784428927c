// Suggestions under the search box from /search/autocomplete/?q= (the page works without this).
(function () {
  var input = document.getElementById("search-q");
  var list = document.getElementById("search-suggestions");
  if (!input || !list || !window.fetch) return;
  var timer = null;
  var latest = 0;
  function clear() { list.textContent = ""; list.hidden = true; }
  function show(items) {
    clear();
    items.forEach(function (item) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = item.url;
      a.textContent = item.name;  // text, never HTML
      li.setAttribute("role", "option");
      li.appendChild(a);
      list.appendChild(li);
    });
    list.hidden = items.length === 0;
  }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    var q = input.value.trim();
    if (q.length < 2) { clear(); return; }
    timer = setTimeout(function () {
      var ticket = ++latest;
      fetch(input.dataset.autocompleteUrl + "?q=" + encodeURIComponent(q), {headers: {Accept: "application/json"}})
        .then(function (r) { return r.ok ? r.json() : {suggestions: []}; })
        .then(function (data) { if (ticket === latest) show(data.suggestions || []); })
        .catch(clear);
    }, 150);
  });
  input.addEventListener("keydown", function (e) { if (e.key === "Escape") clear(); });
})();
