// The project page's small map: the places here and there, and a line from each place here
// to each place there. Hooked on [data-passerelles-project-map="<id of a JSON script>"]; the
// page lists the same places in text, so nothing is lost without JavaScript.
(function () {
  "use strict";
  var el = document.querySelector("[data-passerelles-project-map]");
  if (!el || !window.L) return;
  var cfg = JSON.parse(document.getElementById(el.dataset.passerellesProjectMap).textContent);
  var map = L.map(el, { scrollWheelZoom: false, minZoom: 1, maxZoom: 14 });
  var tiles = L.tileLayer(cfg.tiles, { attribution: cfg.attribution, maxZoom: 14 }).addTo(map);
  if (window.passerellesOutlines) window.passerellesOutlines(map, cfg.outlines, tiles);
  var bounds = [];

  function add(points, side) {
    points.forEach(function (p) {
      var icon = L.divIcon({ className: "project-map-point " + side, iconSize: [14, 14] });
      // Title and alt: the marker's place in words, for keyboard and screen-reader users.
      var label = cfg.labels[side] + " : " + p.label;
      L.marker([p.lat, p.lon], { icon: icon, title: label, alt: label, keyboard: true })
        .bindPopup(document.createTextNode(label))
        .addTo(map);
      bounds.push([p.lat, p.lon]);
    });
  }
  add(cfg.here, "here");
  add(cfg.there, "there");
  var lines = 0;
  cfg.here.forEach(function (a) {
    cfg.there.forEach(function (b) {
      L.polyline([[a.lat, a.lon], [b.lat, b.lon]], {
        color: "#0b5a70", weight: 2, opacity: 0.8, dashArray: "6 6", interactive: false,
        className: "project-link",
      }).addTo(map);
      lines += 1;
    });
  });
  el.dataset.lines = lines;
  el.dataset.markers = bounds.length;
  if (bounds.length === 1) map.setView(bounds[0], 8);
  else map.fitBounds(bounds, { padding: [24, 24], maxZoom: 9 });
})();
