// The «Печать» buttons: shown only when scripts run (the CSP forbids inline handlers), they open the print dialog.
// Each print button loads this file; a button is bound once however many times it runs.
document.querySelectorAll("button[data-print]:not([data-bound])").forEach(function (button) {
  button.dataset.bound = "1";
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
