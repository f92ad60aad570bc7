/* reviewctl site: sorting and filtering of the tables. The tables work without it.
   Filters and sort order are read from the address (#type=sar&stage=report&sort=due&order=desc,
   or ?type=sar), and written back to it, so a filtered view can be bookmarked or shared. */
(function () {
  "use strict";
  var state = new URLSearchParams(location.hash.replace(/^#/, "") || location.search.replace(/^\?/, ""));

  function save() {
    var text = state.toString();
    history.replaceState(null, "", text ? "#" + text : location.pathname + location.search);
  }

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) { return ""; }
    return cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim();
  }

  function sortBy(table, header, order) {
    var index = header.cellIndex, numeric = header.getAttribute("data-type") === "number";
    var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
    var keyed = rows.map(function (row, i) {
      var v = cellValue(row, index);
      return { row: row, i: i, v: numeric ? (v === "" ? -Infinity : Number(v)) : v };
    });
    var sign = order === "descending" ? -1 : 1;
    keyed.sort(function (a, b) {
      if (a.v < b.v) { return -sign; }
      if (a.v > b.v) { return sign; }
      return a.i - b.i;
    });
    var fragment = document.createDocumentFragment();
    keyed.forEach(function (k) { fragment.appendChild(k.row); });
    body.appendChild(fragment);
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) { th.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", order);
  }

  function setUpSorting(table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      var key = th.getAttribute("data-key");
      if (!key) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var order = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
        sortBy(table, th, order);
        state.set("sort", key);
        state.set("order", order === "ascending" ? "asc" : "desc");
        save();
      });
      if (state.get("sort") === key) {
        sortBy(table, th, state.get("order") === "desc" ? "descending" : "ascending");
      }
    });
  }

  function setUpFilters(form) {
    var table = document.getElementById(form.getAttribute("data-filter-for"));
    if (!table) { return; }
    var count = document.querySelector('[data-count-for="' + table.id + '"]');
    var selects = Array.prototype.slice.call(form.querySelectorAll("select"));
    var total = table.tBodies[0].rows.length;

    function apply() {
      var wanted = selects.filter(function (s) { return s.value; });
      var shown = 0;
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var keep = wanted.every(function (s) { return row.getAttribute("data-" + s.name) === s.value; });
        row.hidden = !keep;
        shown += keep ? 1 : 0;
      });
      if (count) { count.textContent = "Showing " + shown + " of " + total + "."; }
    }

    selects.forEach(function (select) {
      var given = state.get(select.name);
      if (given && select.querySelector('option[value="' + CSS.escape(given) + '"]')) { select.value = given; }
      select.addEventListener("change", function () {
        if (select.value) { state.set(select.name, select.value); } else { state.delete(select.name); }
        save();
        apply();
      });
    });
    form.addEventListener("reset", function () {
      setTimeout(function () {
        selects.forEach(function (s) { state.delete(s.name); });
        save();
        apply();
      }, 0);
    });
    form.hidden = false;
    if (selects.some(function (s) { return s.value; })) { apply(); }
  }

  Array.prototype.forEach.call(document.querySelectorAll("table[data-sortable]"), setUpSorting);
  Array.prototype.forEach.call(document.querySelectorAll("form[data-filter-for]"), setUpFilters);
  // When the page was ready, in ms from navigation: the benchmark reads it.
  document.documentElement.setAttribute("data-ready-ms", String(Math.round(performance.now())));
})();
