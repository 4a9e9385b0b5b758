// Repeatable rows (a service's materials and steps, feedback categories, announcements): add a blank row from
// the table's <template>, remove a row, move a row up or down (the form sends rows in the order they stand).
// Without JavaScript the form still works (the buttons stay hidden): one blank row is always there, an emptied row
// is left out on save.
(function () {
  "use strict";
  // The buttons are rendered hidden: without this script they would do nothing.
  document.querySelectorAll(".add-row, .remove-row, .move-up, .move-down").forEach(function (button) {
    button.hidden = false;
  });
  document.querySelectorAll(".add-row").forEach(function (button) {
    button.addEventListener("click", function () {
      var body = document.querySelector("#" + button.dataset.table + " tbody");
      var next = 0;
      body.querySelectorAll(".repeat-row").forEach(function (row) {
        next = Math.max(next, Number(row.dataset.index) + 1);
      });
      var html = document.getElementById(button.dataset.table + "-row").innerHTML.split("__i__").join(String(next));
      body.insertAdjacentHTML("beforeend", html);
      body.lastElementChild.querySelectorAll("button[hidden]").forEach(function (b) { b.hidden = false; });
      var first = body.lastElementChild.querySelector("input, textarea");
      if (first) first.focus();
      body.dispatchEvent(new Event("change", { bubbles: true }));
    });
  });
  document.addEventListener("click", function (event) {
    var target = event.target;
    var row = target.closest ? target.closest("tr") : null;
    if (!row) return;
    if (target.classList.contains("remove-row")) {
      var next = row.nextElementSibling || row.previousElementSibling;
      var table = row.closest("table");
      row.remove();
      var focusable = next && next.querySelector("button, input");
      if (focusable) focusable.focus();
      if (table) table.dispatchEvent(new Event("change", { bubbles: true }));
    } else if (target.classList.contains("move-up") && row.previousElementSibling) {
      row.parentNode.insertBefore(row, row.previousElementSibling);
      target.focus();
      row.dispatchEvent(new Event("change", { bubbles: true }));
    } else if (target.classList.contains("move-down") && row.nextElementSibling) {
      row.parentNode.insertBefore(row.nextElementSibling, row);
      target.focus();
      row.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });
})();
