// The service form's repeatable rows (materials, steps): add a blank row from its <template>, remove a row.
// Without JavaScript the form still works: one blank row is always there, and an empty row is deleted on save.
(function () {
  "use strict";
  document.querySelectorAll(".add-row").forEach(function (button) {
    button.addEventListener("click", function () {
      var body = document.querySelector("#" + button.dataset.table + " tbody");
      var next = 0;
      body.querySelectorAll(".repeat-row").forEach(function (row) {
        next = Math.max(next, Number(row.dataset.index) + 1);
      });
      var html = document.getElementById(button.dataset.table + "-row").innerHTML.split("__i__").join(String(next));
      body.insertAdjacentHTML("beforeend", html);
      var first = body.lastElementChild.querySelector("input, textarea");
      if (first) first.focus();
    });
  });
  document.addEventListener("click", function (event) {
    if (event.target.classList.contains("remove-row")) event.target.closest("tr").remove();
  });
})();
