// carecoop attendance: records go to an outbox in IndexedDB with an id made here, and are sent
// when there is a connection. The server applies each id once, so sending twice is harmless.
(function () {
  "use strict";
  const sheet = document.getElementById("sheet");
  if (!sheet) return;
  const data = sheet.dataset;
  const outbox = document.getElementById("outbox");

  function open() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open("carecoop-outbox", 1);
      request.onupgradeneeded = () => request.result.createObjectStore("ops", { keyPath: "op_id" });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  function store(mode, action) {
    return open().then((db) => new Promise((resolve, reject) => {
      const tx = db.transaction("ops", mode);
      const request = action(tx.objectStore("ops"));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error);
    }));
  }
  const put = (op) => store("readwrite", (s) => s.put(op));
  const all = () => store("readonly", (s) => s.getAll());
  const remove = (id) => store("readwrite", (s) => s.delete(id));

  function uuid() {
    if (self.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join("-");
  }
  function now() {
    const d = new Date();
    return String(d.getHours()).padStart(2, "0") + ":" + String(d.getMinutes()).padStart(2, "0");
  }
  function csrf() {
    const m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : data.csrf;
  }

  async function show() {
    const waiting = (await all()).length;
    outbox.textContent = waiting ? outbox.dataset.waiting.replace("%(n)s", waiting) : outbox.dataset.synced;
    outbox.dataset.count = String(waiting);
  }

  let sending = false;
  async function send() {
    if (sending || !navigator.onLine) return;
    sending = true;
    try {
      const ops = await all();
      if (!ops.length) return;
      const response = await fetch(data.sync, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
        body: JSON.stringify({ operations: ops }),
      });
      if (!response.ok) return;
      const body = await response.json();
      for (const result of body.results) {
        await remove(result.op_id);
        if (result.status === "conflict" || result.status === "rejected") {
          const p = document.createElement("p");
          p.className = "msg error";
          p.textContent = result.message;
          document.getElementById("problems").append(p);
        }
      }
    } catch (error) {
      // Offline or the server is unreachable: the outbox keeps everything for the next try.
    } finally {
      sending = false;
      show();
    }
  }

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
