// The configuration form: editing a setting's value chooses "Set here", so a change is not silently left out of
// the layer; the row shows whether it is set here; after a refused submit the error summary takes the focus.
(function () {
  "use strict";
  var form = document.getElementById("settings-form");
  if (!form) { return; }
  function setHere(event) {
    var row = event.target.closest ? event.target.closest(".setting") : null;
    if (!row || (event.target.name || "").indexOf("set:") === 0) { return; }
    var radio = document.getElementById("set:" + row.dataset.key);
    if (radio && !radio.checked) { radio.checked = true; }
    row.classList.add("is-set");
  }
  form.addEventListener("input", setHere);
  form.addEventListener("change", function (event) {
    var name = event.target.name || "";
    if (name.indexOf("set:") === 0) {
      var row = event.target.closest(".setting");
      if (row) { row.classList.toggle("is-set", event.target.value === "on"); }
      return;
    }
    setHere(event);
  });
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
}());
