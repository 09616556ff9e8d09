// The «Печать» buttons: shown only when scripts run (the CSP forbids inline handlers), they open the print dialog.
document.querySelectorAll("button[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
