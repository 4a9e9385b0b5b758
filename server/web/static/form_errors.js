// Every console form's field errors tied to their fields (aria-invalid, aria-describedby: a screen reader reads
// the error with the field), and after a refused submit the page's error alert takes the focus, so it is read
// first and Tab leads on to the fields. The configuration page does this itself (settings_form.js).
(function () {
  "use strict";
  document.querySelectorAll(".field-error[id^='error-']").forEach(function (error) {
    var field = document.getElementById("f-" + error.id.slice("error-".length));
    if (!field || field.hasAttribute("aria-invalid")) { return; }
    field.setAttribute("aria-invalid", "true");
    var described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", (described ? described + " " : "") + error.id);
  });
  if (document.getElementById("error-summary")) { return; }
  var alert = document.querySelector("main .alert-bad[role='alert']:not(#feedback-alert)");
  if (alert) {
    alert.setAttribute("tabindex", "-1");
    alert.focus();
  }
}());
