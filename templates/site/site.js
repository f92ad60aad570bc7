/* reviewctl site: sorting, filtering and paging of the tables. The tables work without it.
   Filters and sort order are read from the address (#type=sar&stage=report&sort=due&order=desc,
   or ?type=sar), and written back to it, so a filtered view can be bookmarked or shared;
   #all=1 shows every row of a long table at once. */
(function () {
  "use strict";
  var state = new URLSearchParams(location.hash.replace(/^#/, "") || location.search.replace(/^\?/, ""));
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };

  function save() {
    var text = state.toString();
    history.replaceState(null, "", text ? "#" + text : location.pathname + location.search);
  }

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) { return ""; }
    return cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim();
  }

  /* A long table shows its first rows (page size) until "Show all" is chosen: laying out
     10,000 rows takes a browser seconds, and nobody reads them all on screen. */
  function Table(table) {
    this.table = table;
    this.body = table.tBodies[0];
    this.size = Number(table.getAttribute("data-page-size")) || 0;
    this.count = document.querySelector('[data-count-for="' + table.id + '"]');
    this.noun = this.count ? this.count.getAttribute("data-noun") || "rows" : "rows";
    this.more = null;
    if (this.size && this.count) {
      this.more = document.createElement("button");
      this.more.type = "button";
      this.more.className = "more";
      this.count.insertAdjacentElement("afterend", this.more);
      this.more.addEventListener("click", this.showAll.bind(this));
    }
  }

  Table.prototype.showAll = function () {
    state.set("all", "1");
    save();
    this.refresh();
  };

  Table.prototype.refresh = function () {
    var all = state.get("all") === "1", size = this.size, matching = 0, total = this.body.rows.length;
    each(this.body.rows, function (row) {
      if (row.hidden) { return; }
      matching += 1;
      row.classList.toggle("later", Boolean(size) && !all && matching > size);
    });
    var shown = size && !all ? Math.min(matching, size) : matching;
    if (this.count) {
      this.count.textContent = "Showing " + shown + " of " + matching + " " + this.noun +
        (matching < total ? " that match (" + total + " in all)." : ".");
    }
    if (this.more) {
      this.more.hidden = shown >= matching;
      this.more.textContent = "Show all " + matching;
    }
  };

  Table.prototype.sortBy = function (header, order) {
    var index = header.cellIndex, numeric = header.getAttribute("data-type") === "number";
    var keyed = Array.prototype.map.call(this.body.rows, function (row, i) {
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
    this.body.appendChild(fragment);
    each(this.table.tHead.rows[0].cells, function (th) { th.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", order);
  };

  Table.prototype.setUpSorting = function () {
    var self = this;
    each(this.table.tHead.rows[0].cells, function (th) {
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
        self.sortBy(th, order);
        state.set("sort", key);
        state.set("order", order === "ascending" ? "asc" : "desc");
        save();
        self.refresh();
      });
      if (state.get("sort") === key) {
        self.sortBy(th, state.get("order") === "desc" ? "descending" : "ascending");
      }
    });
  };

  Table.prototype.setUpFilters = function (form) {
    var self = this, selects = Array.prototype.slice.call(form.querySelectorAll("select"));

    function apply() {
      var wanted = selects.filter(function (s) { return s.value; });
      each(self.body.rows, function (row) {
        row.hidden = !wanted.every(function (s) { return row.getAttribute("data-" + s.name) === s.value; });
      });
      self.refresh();
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
  };

  each(document.querySelectorAll("table[data-sortable]"), function (element) {
    var table = new Table(element);
    table.setUpSorting();
    var form = document.querySelector('form[data-filter-for="' + element.id + '"]');
    if (form) { table.setUpFilters(form); }
    table.refresh();
  });
  // When the page was ready, in ms from navigation: the benchmark reads it.
  document.documentElement.setAttribute("data-ready-ms", String(Math.round(performance.now())));
})();
