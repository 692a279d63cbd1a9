// carecoop attendance: records go to an outbox in IndexedDB with an id made here, and are sent
// when there is a connection. The server applies each id once, so sending twice is harmless.
(function () {
  "use strict";
  const sheet = document.getElementById("sheet");
  if (!sheet) return;
  const data = sheet.dataset;
  const outbox = document.getElementById("outbox");

  const box = window.carecoopOutbox("carecoop-outbox", "ops", "op_id");
  const put = box.put;
  const uuid = window.carecoopOutbox.uuid;
  const csrf = () => window.carecoopOutbox.csrf(data.csrf);
  function now() {
    const d = new Date();
    return String(d.getHours()).padStart(2, "0") + ":" + String(d.getMinutes()).padStart(2, "0");
  }

  const show = () => box.show(outbox);
  const send = () => box.send(data.sync, "operations", csrf(), document.getElementById("problems"), outbox);

  sheet.addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-kind]");
    if (!button) return;
    event.preventDefault();
    const row = button.closest("[data-child]");
    const op = {
      op_id: uuid(), kind: button.dataset.kind, child: Number(row.dataset.child),
      centre: Number(data.centre), date: data.date, time: now(),
    };
    if (op.kind === "check_out") {
      const who = row.querySelector("select.collector").value;
      op.collector = who;
      if (who === "other") {
        op.collector_name = row.querySelector("input[name=other]").value.trim();
        op.override = row.querySelector("input[name=override]").value.trim();
        if (!op.collector_name || !op.override) {
          row.querySelector(".other").hidden = false;
          row.querySelector(".need").hidden = false;
          return;
        }
      }
    }
    if (op.kind === "absent") op.reason = row.querySelector("select[name=reason]").value;
    row.querySelector(".state").textContent = button.dataset.done + " " + op.time;
    await put(op);
    await show();
    send();
  });
  sheet.addEventListener("change", (event) => {
    if (event.target.matches("select.collector")) {
      event.target.closest("[data-child]").querySelector(".other").hidden = event.target.value !== "other";
    }
  });
  window.addEventListener("online", send);
  show().then(send);
  if ("serviceWorker" in navigator && self.caches) {
    // Keep this page for use without a connection: the service worker answers from this cache.
    navigator.serviceWorker
      .register(data.sw, { scope: data.scope })
      .then(() => navigator.serviceWorker.ready)
      .then(() => caches.open(data.cache))
      .then((cache) => cache.add(location.href).then(() => cache.match(location.href)))
      .then((kept) => { if (kept) sheet.dataset.offlineReady = "1"; })
      .catch(() => {});
  }
})();
