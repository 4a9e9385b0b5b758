// The console menu's groups are <details>: they open and close without this script. It keeps one open at a time
// and closes it on a click elsewhere or Escape (focus back on its summary), as a menu bar does.
(function () {
  const groups = Array.from(document.querySelectorAll(".main-nav details.menu-group"));
  groups.forEach(function (group) {
    group.addEventListener("toggle", function () {
      if (group.open) groups.forEach(function (other) { if (other !== group) other.open = false; });
    });
  });
  document.addEventListener("click", function (event) {
    groups.forEach(function (group) { if (group.open && !group.contains(event.target)) group.open = false; });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    groups.forEach(function (group) {
      if (!group.open) return;
      group.open = false;
      group.querySelector("summary").focus();
    });
  });
})();
