// carecoop outbox: what a page records without a connection waits in IndexedDB, each record
// under an id made on the phone, until it is sent. window.carecoopOutbox(database, store, key)
// gives put, all and remove over one store; uuid() makes the ids, csrf() reads the form token.
(function () {
  "use strict";
  function outbox(database, name, keyPath) {
    function open() {
      return new Promise((resolve, reject) => {
        const request = indexedDB.open(database, 1);
        request.onupgradeneeded = () => request.result.createObjectStore(name, { keyPath });
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    }
    function store(mode, action) {
      return open().then((db) => new Promise((resolve, reject) => {
        const tx = db.transaction(name, mode);
        const request = action(tx.objectStore(name));
        tx.oncomplete = () => resolve(request.result);
        tx.onerror = () => reject(tx.error);
      }));
    }
    const box = {
      put: (item) => store("readwrite", (s) => s.put(item)),
      all: () => store("readonly", (s) => s.getAll()),
      remove: (id) => store("readwrite", (s) => s.delete(id)),
    };
    // How many records wait, said in ``status`` (its data-waiting and data-synced texts).
    box.show = async (status) => {
      const waiting = (await box.all()).length;
      status.textContent = waiting ? status.dataset.waiting.replace("%(n)s", waiting) : status.dataset.synced;
      status.dataset.count = String(waiting);
    };
    // Send every waiting record to ``url`` as {field: [...]}; each answered is removed, and a
    // refusal's message is shown in ``problems``. Offline, or the server unreachable: they wait.
    let sending = false;
    box.send = async (url, field, token, problems, status) => {
      if (sending || !navigator.onLine) return;
      sending = true;
      try {
        const items = await box.all();
        if (!items.length) return;
        const response = await fetch(url, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": token },
          body: JSON.stringify({ [field]: items }),
        });
        if (!response.ok) return;
        for (const result of (await response.json()).results) {
          await box.remove(result[keyPath]);
          if (result.status === "conflict" || result.status === "rejected") {
            const p = document.createElement("p");
            p.className = "msg error";
            p.textContent = result.message;
            problems.append(p);
          }
        }
      } catch (error) {
        // The outbox keeps everything for the next try.
      } finally {
        sending = false;
        box.show(status);
      }
    };
    return box;
  }
  outbox.uuid = function () {
    if (self.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join("-");
  };
  outbox.csrf = function (fallback) {
    const m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : fallback;
  };
  window.carecoopOutbox = outbox;
})();
