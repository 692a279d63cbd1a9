{% load static %}// carecoop: keeps the pages under "{{ path }}" and their files for use without a connection.
const CACHE = "{{ cache }}";
const FILES = [{% for file in files %}"{% static file %}"{% if not forloop.last %}, {% endif %}{% endfor %}];
self.addEventListener("install", (event) => {
  self.skipWaiting();
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES)));
});
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));
self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (!url.pathname.includes("{{ path }}") && !url.pathname.startsWith("{% get_static_prefix %}")) return;
  event.respondWith(
    fetch(request)
      .then(async (response) => {
        if (response.ok) {
          // Stored before the page gets the answer, so "kept for offline use" is never half-true.
          const cache = await caches.open(CACHE);
          await cache.put(request, response.clone());
        }
        return response;
      })
      .catch(() =>
        caches
          .match(request, { ignoreVary: true })
          .then((hit) => hit || caches.match(request, { ignoreSearch: true, ignoreVary: true }))
      )
  );
});
