// Refresh the terminal list every 10 s from the server-rendered rows; on any failure keep the last rows.
(function () {
  "use strict";
  var rows = document.getElementById("terminal-rows");
  if (!rows) { return; }
  function refresh() {
    fetch("/console/terminals/rows", { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (reply) {
        if (reply.redirected || !reply.ok) { throw new Error("status " + reply.status); }
        return reply.text();
      })
      .then(function (html) { rows.innerHTML = html; })
      .catch(function () { /* offline or signed out: the next page load shows why */ });
  }
  window.setInterval(refresh, 10000);
}());
