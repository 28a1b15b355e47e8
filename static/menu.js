// The site menu: on a phone it folds behind one button; on a desk the groups open one at a
// time and close on a click elsewhere or Escape. Without this script every link stays visible.
(function () {
  "use strict";
  var root = document.documentElement;
  var nav = document.getElementById("site-nav");
  var toggle = document.getElementById("menu-toggle");
  if (!nav || !toggle) return;
  root.classList.add("js");
  toggle.hidden = false;
  toggle.addEventListener("click", function () {
    var open = nav.classList.toggle("open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });
  var groups = nav.querySelectorAll("details.menu-group");
  var desk = window.matchMedia("(min-width: 48rem)");
  groups.forEach(function (group) {
    group.addEventListener("toggle", function () {
      if (!group.open || !desk.matches) return;
      groups.forEach(function (other) {
        if (other !== group) other.open = false;
      });
    });
  });
  document.addEventListener("click", function (event) {
    if (!desk.matches) return;
    groups.forEach(function (group) {
      if (!group.contains(event.target)) group.open = false;
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    groups.forEach(function (group) {
      group.open = false;
    });
  });
})();
