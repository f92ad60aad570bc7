/* reviewctl serve: "Add another" beside a repeated field. The forms work without it:
   each repeated field has a few entries already, and a refused form keeps what was typed. */
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
})();
