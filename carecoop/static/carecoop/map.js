// The public map over tiles (Leaflet), when the installation names a tile server. The server-drawn
// outline stays in place until a first tile has loaded: without tiles, or when they cannot be
// reached, the points are still seen on it, and the list beside the map works without any of this.
(function () {
  "use strict";
  function start() {
    var figure = document.getElementById("map");
    if (!figure || !figure.dataset.tiles || !window.L) return;
    var holder = document.createElement("div");
    holder.className = "tiles";
    holder.hidden = true;
    figure.insertBefore(holder, figure.firstChild);
    var map = L.map(holder, { zoomControl: true, attributionControl: true });
    var layer = L.tileLayer(figure.dataset.tiles, {
      attribution: figure.dataset.attribution || "",
      maxZoom: 18,
    });
    layer.once("tileload", function () {
      holder.hidden = false;
      document.getElementById("outline").hidden = true;
      map.invalidateSize();
    });
    layer.addTo(map);
    map.setView([0, 0], 1);
    fetch(figure.dataset.geojson)
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var points = L.geoJSON(data, {
          pointToLayer: function (feature, at) {
            // A centre of another installation (its feed in "source") in another colour.
            var fill = feature.properties.source ? "#36c" : "#b33";
            return L.circleMarker(at, { radius: 6, color: "#fff", weight: 1, fillColor: fill, fillOpacity: 0.9 });
          },
          onEachFeature: function (feature, marker) {
            var link = document.createElement("a");
            link.href = feature.properties.url;
            link.textContent = feature.properties.name;
            marker.bindPopup(link);
          },
        }).addTo(map);
        figure.dataset.points = String(data.features.length);
        if (data.features.length) map.fitBounds(points.getBounds(), { maxZoom: 14, padding: [16, 16] });
      });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
