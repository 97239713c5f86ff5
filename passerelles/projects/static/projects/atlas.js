// The small map of an atlas country page: the country's organisations and the places of the
// projects working there, from a JSON script (no request of its own). Hooked on
// [data-passerelles-atlas-map="<id of the JSON script>"]; the page lists the same things.
(function () {
  "use strict";
  var el = document.querySelector("[data-passerelles-atlas-map]");
  if (!el || !window.L) return;
  var data = JSON.parse(document.getElementById(el.dataset.passerellesAtlasMap).textContent);
  var map = L.map(el, { scrollWheelZoom: false, maxZoom: 12 });
  var tiles = L.tileLayer(el.dataset.tiles || "https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    attribution: '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
    maxZoom: 12,
  }).addTo(map);
  if (window.passerellesOutlines) window.passerellesOutlines(map, data.outlines, tiles);
  var bounds = [];
  // Built from text nodes: names come from contributors, never as HTML.
  function popup(text, url) {
    var box = document.createElement("div");
    var node = url ? document.createElement("a") : document.createElement("strong");
    if (url) node.href = url;
    node.textContent = text;
    box.appendChild(node);
    return box;
  }
  data.places.forEach(function (p) {
    // Project places: squares, organisations: circles, so shape tells them apart, not colour.
    var size = 8 + 2 * Math.min(p[3], 5);
    var icon = L.divIcon({ className: "atlas-place", iconSize: [size, size] });
    L.marker([p[0], p[1]], { icon: icon, title: p[2] + " (" + p[3] + ")" })
      .bindPopup(popup(p[2] + " (" + p[3] + ")")).addTo(map);
    bounds.push([p[0], p[1]]);
  });
  data.organisations.forEach(function (o) {
    var icon = L.divIcon({ className: "atlas-organisation", iconSize: [14, 14] });
    L.marker([o[0], o[1]], { icon: icon, title: o[2] }).bindPopup(popup(o[2], o[3])).addTo(map);
    bounds.push([o[0], o[1]]);
  });
  if (bounds.length) {
    map.fitBounds(bounds, { padding: [24, 24], maxZoom: 8 });
  } else {
    el.hidden = true;
  }
})();
