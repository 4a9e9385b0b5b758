// Refresh the terminal list every 10 s from the server-rendered rows, cell by cell in place: a row or cell that
// did not change is left alone, and the cell holding the keyboard focus is never replaced, so focus and scroll
// position stay where the reader left them. On any failure the last rows stay.
(function () {
  "use strict";
  var rows = document.getElementById("terminal-rows");
  if (!rows) { return; }
  function holdsFocus(node) { return node.contains(document.activeElement); }
  function update(html) {
    var fresh = document.createElement("tbody");
    fresh.innerHTML = html;
    var seen = {};
    Array.prototype.forEach.call(fresh.rows, function (row) {
      var id = row.dataset.terminal;
      var current = id && rows.querySelector('tr[data-terminal="' + id + '"]');
      if (id) { seen[id] = true; }
      if (!current) {
        if (!id) { return; }
        var placeholder = rows.querySelector("tr:not([data-terminal])");
        if (placeholder) { placeholder.remove(); }
        rows.appendChild(row.cloneNode(true));
        return;
      }
      Array.prototype.forEach.call(row.cells, function (cell, index) {
        var old = current.cells[index];
        if (old && old.innerHTML !== cell.innerHTML && !holdsFocus(old)) {
          old.innerHTML = cell.innerHTML;
          old.className = cell.className;
        }
      });
    });
    Array.prototype.forEach.call(rows.querySelectorAll("tr[data-terminal]"), function (row) {
      if (!seen[row.dataset.terminal] && !holdsFocus(row)) { row.remove(); }
    });
  }
  function refresh() {
    return fetch("/console/terminals/rows", { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (reply) {
        if (reply.redirected || !reply.ok) { throw new Error("status " + reply.status); }
        return reply.text();
      })
      .then(update)
      .catch(function () { /* offline or signed out: the next page load shows why */ });
  }
  window.refreshTerminals = refresh;  // the browser tests call it instead of waiting 10 s
  window.setInterval(refresh, 10000);
}());
