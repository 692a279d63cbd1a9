// carecoop survey form: asks a questionnaire on a phone, with or without a connection. Skip
// logic, constraints and calculations are the trees the server parsed (window.carecoopXPath
// evaluates them as the server does). A longer form is walked page by page, the answers of the
// pages before kept on the phone; the finished submission goes to an outbox in IndexedDB under
// its id (made here, as ODK makes them) and is sent when there is a connection. The server
// records each id once, so sending twice is harmless.
(function () {
  "use strict";
  const form = document.getElementById("survey");
  if (!form || !window.carecoopXPath) return;
  const X = window.carecoopXPath;
  const data = form.dataset;
  const outbox = document.getElementById("outbox");
  const draftKey = "carecoop-survey-" + data.round;

  const box = window.carecoopOutbox("carecoop-surveys", "submissions", "instance_id");
  const put = box.put;
  const uuid = window.carecoopOutbox.uuid;
  const csrf = () => window.carecoopOutbox.csrf(data.csrf);
  function draft() {
    try { return JSON.parse(sessionStorage.getItem(draftKey)) || null; } catch (e) { return null; }
  }
  const trees = (el) => (el.dataset.trees ? JSON.parse(el.dataset.trees) : {});
  // The rows directly inside a container (the form, or a repeat's instance), in order.
  const rows = (box) => Array.from(box.querySelectorAll("[data-q]")).filter(
    (el) => el.parentElement.closest(".instance, [data-kind=repeat], form") === box
  );
  function value(el) {
    const inputs = el.querySelectorAll("input");
    if (el.dataset.kind === "select_one") return (Array.from(inputs).find((i) => i.checked) || {}).value || "";
    if (el.dataset.kind === "select_multiple") return Array.from(inputs).filter((i) => i.checked).map((i) => i.value).join(" ");
    return inputs.length ? inputs[0].value.trim() : "";
  }
  const own = (el) => el.dataset.q.split(".").pop();

  // Walk the rows as the form asks them: skip logic shows or hides each row; what is shown is
  // read (and calculated) for the rows after it. Returns the answers, and marks what is wrong
  // when ``check`` is set.
  function walk(box, read, check) {
    const answers = {};
    let wrong = null;
    for (const el of rows(box)) {
      const t = trees(el);
      const shown = !t.relevant || X.truth(X.evaluate(t.relevant, read, "", data.today));
      el.hidden = !shown;
      if (!shown) continue;
      const name = own(el);
      const kind = el.dataset.kind;
      if (kind === "calculate") {
        const got = t.calculation ? X.evaluate(t.calculation, read, "", data.today) : "";
        read[name] = typeof got === "number" && !isFinite(got) ? "" : String(got === true ? "true" : got === false ? "false" : got);
        continue;
      }
      if (kind === "repeat") {
        // A row of the repeat left empty adds no one (as on the server).
        const filled = Array.from(el.querySelectorAll(":scope > .instances > .instance")).filter(
          (inst) => inst.querySelector("input:checked") ||
            Array.from(inst.querySelectorAll("input:not([type=radio]):not([type=checkbox])")).some((i) => i.value.trim())
        );
        answers[name] = filled.map((inst) => {
          const inner = walk(inst, Object.assign({}, read), check);
          if (inner.wrong && !wrong) wrong = inner.wrong;
          return inner.answers;
        });
        continue;
      }
      if (kind === "note") continue;
      const given = value(el);
      let problem = "";
      const required = el.hasAttribute("data-required") || (t.required && X.truth(X.evaluate(t.required, read, "", data.today)));
      if (!given) { if (required) problem = data.needed; }
      else if (kind === "integer" && !/^-?\d{1,15}$/.test(given)) problem = data.whole;
      else if (kind === "decimal" && !/^-?\d+(\.\d+)?$/.test(given)) problem = data.number;
      else {
        read[name] = given;
        if (t.constraint && !X.truth(X.evaluate(t.constraint, read, given, data.today))) problem = el.dataset.message || data.refused;
      }
      if (given && !problem) answers[name] = given;
      if (check) {
        const shownError = el.querySelector(".errors");
        el.classList.toggle("invalid", !!problem);
        if (shownError) { shownError.textContent = problem; shownError.hidden = !problem; }
        if (problem && !wrong) wrong = el;
      }
    }
    return { answers, wrong };
  }
  function refresh(check) {
    const earlier = draft();
    return walk(form, Object.assign({}, earlier ? earlier.answers : {}), check);
  }

  function instance(repeat) {
    const template = repeat.querySelector(":scope > template");
    const box = document.createElement("div");
    box.className = "instance";
    const number = repeat.querySelectorAll(":scope > .instances > .instance").length + 1;
    box.innerHTML = template.innerHTML.replaceAll("__n__", String(number));
    repeat.querySelector(":scope > .instances").append(box);
  }

  const show = () => box.show(outbox);
  const send = () => box.send(data.sync, "submissions", csrf(), document.getElementById("problems"), outbox);

  form.querySelectorAll("[data-add]").forEach((button) => { button.hidden = false; });
  form.addEventListener("input", () => refresh(false));
  form.addEventListener("click", (event) => {
    const add = event.target.closest("[data-add]");
    if (add) { instance(add.closest("[data-kind=repeat]")); refresh(false); }
    const drop = event.target.closest("[data-remove]");
    if (drop) { drop.closest(".instance").remove(); refresh(false); }
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const walked = refresh(true);
    if (walked.wrong) { walked.wrong.scrollIntoView(); return; }
    const part = Number(data.part);
    const earlier = draft() || { instance_id: "uuid:" + uuid(), answers: {} };
    if (part === 1) earlier.member = form.elements.member.value.trim();
    Object.assign(earlier.answers, walked.answers);
    if (part < Number(data.parts)) {
      sessionStorage.setItem(draftKey, JSON.stringify(earlier));
      location.search = "?part=" + (part + 1);
      return;
    }
    sessionStorage.removeItem(draftKey);
    await put({
      instance_id: earlier.instance_id, round: Number(data.round), member: earlier.member || "",
      answered_on: data.today, answers: earlier.answers,
    });
    form.reset();
    form.querySelectorAll(".instance ~ .instance").forEach((el) => el.remove());
    if (part > 1) { location.search = "?part=1"; return; }
    refresh(false);
    const kept = document.createElement("p");
    kept.className = "msg success";
    kept.setAttribute("role", "status");
    kept.textContent = data.kept;
    document.getElementById("problems").replaceChildren(kept);
    await show();
    send();
  });
  window.addEventListener("online", send);
  if (Number(data.part) > 1 && !draft()) location.search = "?part=1";
  refresh(false);
  show().then(send);
  if ("serviceWorker" in navigator && self.caches) {
    // Keep every page of this form for use without a connection.
    const pages = Array.from({ length: Number(data.parts) }, (_, i) => location.pathname + "?part=" + (i + 1));
    navigator.serviceWorker
      .register(data.sw, { scope: data.scope })
      .then(() => navigator.serviceWorker.ready)
      .then(() => caches.open(data.cache))
      .then((cache) => cache.addAll([location.pathname, ...pages]).then(() => cache.match(location.href)))
      .then((kept) => { if (kept) form.dataset.offlineReady = "1"; })
      .catch(() => {});
  }
})();
