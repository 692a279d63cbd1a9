// carecoop: the page behaviour that used to sit in inline attributes, so the Content-Security-Policy
// can forbid inline script. A select marked data-submit sends its form when changed (the language
// switcher); a button marked data-print prints the page (receipts, minutes). Enter in a search
// picker's box searches (htmx listens for "search") instead of sending the form. A table wider
// than the screen scrolls sideways: it is made a stop of the Tab key, so that it can be scrolled
// from the keyboard too.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    const select = event.target.closest && event.target.closest("select[data-submit]");
    if (select && select.form) select.form.submit();
  });
  document.addEventListener("keydown", function (event) {
    const box = event.key === "Enter" && event.target.closest && event.target.closest("[data-picker-q]");
    if (box && window.htmx) {
      event.preventDefault();
      box.dispatchEvent(new Event("search"));
    }
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) window.print();
  });
  function scrollable() {
    document.querySelectorAll("table").forEach(function (table) {
      if (table.scrollWidth > table.clientWidth + 1) table.tabIndex = 0;
      else if (table.tabIndex === 0) table.removeAttribute("tabindex");
    });
  }
  document.addEventListener("DOMContentLoaded", scrollable);
  document.addEventListener("htmx:afterSettle", scrollable);
  window.addEventListener("resize", scrollable);
})();
