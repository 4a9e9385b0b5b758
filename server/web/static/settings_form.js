// Editing a setting's value ticks its "set here" box, so a change is not silently left out of the layer.
(function () {
  "use strict";
  var form = document.getElementById("settings-form");
  if (!form) { return; }
  function tick(event) {
    var name = event.target.name || "";
    if (name.indexOf("value:") !== 0) { return; }
    var key = name.slice("value:".length).replace(/\.(zh|en)$/, "");
    var box = document.getElementById("set:" + key);
    if (box) { box.checked = true; }
  }
  form.addEventListener("input", tick);
  form.addEventListener("change", tick);
}());
