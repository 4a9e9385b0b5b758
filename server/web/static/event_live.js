// The live attendance page: every 3 s fetch the counter and the latest scans as JSON and redraw them, as text
// (never as HTML: names come from the public). On any failure keep what is shown and say so.
(function () {
  "use strict";
  var table = document.getElementById("scans");
  if (!table) { return; }
  var rows = document.getElementById("scan-rows");
  var note = document.getElementById("live-note");
  var labels = JSON.parse(document.getElementById("live-labels").textContent);
  var audit = table.getAttribute("data-audit") === "1";
  var label = function (key) { return labels[key] || key; };
  var counters = {
    "count-checked-in": "checked_in", "count-registered": "registered", "count-capacity": "capacity",
    "count-duplicates": "duplicates", "count-would-refuse": "would_refuse"
  };

  function cell(tr, text, className) {
    var td = document.createElement("td");
    td.textContent = text;
    if (className) { td.className = className; }
    tr.appendChild(td);
    return td;
  }

  function row(scan) {
    var tr = document.createElement("tr");
    tr.setAttribute("data-scan", String(scan.id));
    tr.className = scan.flag ? "flag-" + scan.flag : (scan.counted ? "is-counted" : "is-refused");
    cell(tr, scan.time, "nowrap");
    cell(tr, scan.attendee || "—");
    cell(tr, scan.terminal);
    cell(tr, label(scan.mode));
    cell(tr, label(scan.terminal_verdict));
    cell(tr, label(scan.server_verdict));
    var flag = cell(tr, "");
    if (scan.flag) {
      var badge = document.createElement("span");
      badge.className = "badge badge-bad";
      badge.textContent = "\u26A0 " + label(scan.flag);
      flag.appendChild(badge);
    }
    if (audit) { cell(tr, scan.detail, "detail"); }
    return tr;
  }

  function show(data) {
    Object.keys(counters).forEach(function (id) {
      var value = data.attendance[counters[id]];
      document.getElementById(id).textContent = value === null ? "\u221E" : String(value);
    });
    var body = document.createDocumentFragment();
    data.scans.forEach(function (scan) { body.appendChild(row(scan)); });
    rows.replaceChildren(body);
    note.textContent = "\u21BB " + label("Updated") + " " + new Date().toLocaleTimeString();
    note.classList.remove("bad");
  }

  function refresh() {
    fetch(table.getAttribute("data-source"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (reply) {
        if (reply.redirected || !reply.ok) { throw new Error("status " + reply.status); }
        return reply.json();
      })
      .then(show)
      .catch(function () {
        note.textContent = "\u26A0 " + label("Not updated: the server did not answer; trying again.");
        note.classList.add("bad");
      });
  }
  window.setInterval(refresh, 3000);
}());
