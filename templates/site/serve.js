/* reviewctl serve: "Add another" beside a repeated field, and a folded form opened when a
   link leads to it. The forms work without it: each repeated field has a few entries
   already, a refused form keeps what was typed, and a folded form opens by its summary. */
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("fieldset[data-repeat]"), function (set) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "another";
    button.textContent = "Add another";
    button.setAttribute("aria-label", "Add another: " + set.querySelector("legend").textContent);
    set.appendChild(button);
    button.addEventListener("click", function () {
      var entries = set.querySelectorAll(".entry"), last = entries[entries.length - 1];
      var copy = last.cloneNode(true), number = entries.length + 1, base = set.getAttribute("data-repeat");
      var input = copy.querySelector("input, select"), label = copy.querySelector("label");
      input.id = base + "-" + number;
      input.value = "";
      input.removeAttribute("autofocus");
      label.htmlFor = input.id;
      label.textContent = label.textContent.replace(/\d+$/, String(number));
      set.insertBefore(copy, button);
      input.focus();
    });
  });
  // A link to a step ("Steps allowed now") or to a field ("still missing: ...") opens its folded form.
  function reveal() {
    var target = location.hash.length > 1 && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (!target) { return; }
    // Its form, and "More options" within it where the field is one of those.
    var folded = target.matches("section.step") ? [target.querySelector("details.form")] : [], opened = false;
    for (var d = target.closest("details"); d; d = d.parentElement && d.parentElement.closest("details")) {
      folded.push(d);
    }
    folded.forEach(function (d) {
      if (d && !d.open) { d.open = true; opened = true; }
    });
    if (opened) { target.scrollIntoView(); }
    if (target.matches("input, select, textarea")) { target.focus(); }
  }
  window.addEventListener("hashchange", reveal);
  reveal();
})();
