// Staff UI behaviour. No inline scripts anywhere (the CSP forbids them): everything is here.
"use strict";

// htmx requests carry the session's CSRF token in a header (forms also carry it as a field).
document.addEventListener("htmx:configRequest", (event) => {
  const meta = document.querySelector('meta[name="csrf-token"]');
  if (meta && meta.content) {
    event.detail.headers["X-CSRF-Token"] = meta.content;
  }
});

// After htmx swaps a page in, move focus to the main landmark so screen readers follow.
document.addEventListener("htmx:afterSettle", (event) => {
  if (event.detail.boosted) {
    const main = document.getElementById("inhoud");
    if (main) {
      main.focus();
    }
  }
});
