// The base map that needs no tile server: country and department outlines bundled with the app
// (geo/*.geojson, see NOTICE), drawn in a pane *under* the tiles. When the tiles load they cover
// the outlines; when the tile server is slow, filtered or offline, the outlines still show where
// the markers are. Loaded with a fetch only when a map is on the page.
// Usage from a map script: passerellesOutlines(map, cfg.outlines).
(function () {
  "use strict";
  // Sea blue, land off-white, the place the map is about in a warm tint: the markers (teal
  // and rust) stand out on all three.
  var SEA = "#c9dde8";
  var COUNTRY = { color: "#8c8c8c", weight: 0.6, fillColor: "#f4f1ea", fillOpacity: 1 };
  var COUNTRY_SHOWN = {
    color: "#8a4b12", weight: 1.2, fillColor: "#fbe7cf", fillOpacity: 1, className: "outline-shown",
  };
  var DEPARTMENT = { color: "#b4b0a8", weight: 0.5, fill: false };
  var DEPARTMENT_REGION = {
    color: "#8a4b12", weight: 1, fillColor: "#fbe7cf", fillOpacity: 1, className: "outline-region",
  };
  // Below this zoom France's departments are a blur: the world view shows countries only.
  var DEPARTMENTS_FROM_ZOOM = 5;

  function get(url) {
    return fetch(url, { headers: { Accept: "application/geo+json, application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); });
  }

  window.passerellesOutlines = function (map, cfg, tiles) {
    // A tile that fails is hidden rather than shown as a broken image over the outlines.
    if (tiles) tiles.on("tileerror", function (e) { e.tile.style.visibility = "hidden"; });
    if (!cfg || !window.fetch) return;
    // Below the tile pane (z-index 200): tiles, once loaded, are drawn over the outlines.
    var pane = map.createPane("outlines");
    pane.style.zIndex = 150;
    pane.style.pointerEvents = "none";
    var renderer = L.svg({ pane: "outlines", padding: 0.5 });
    var container = map.getContainer();
    Promise.all([get(cfg.countries), get(cfg.departments)])
      .then(function (data) {
        // Set through the CSSOM (allowed by the CSP), only once there is something to show.
        container.style.background = SEA;
        var options = { pane: "outlines", renderer: renderer, interactive: false };
        L.geoJSON(data[0], L.extend({
          attribution: cfg.attribution,
          style: function (f) { return cfg.country && f.properties.code === cfg.country ? COUNTRY_SHOWN : COUNTRY; },
        }, options)).addTo(map);
        var departments = L.geoJSON(data[1], L.extend({
          style: function (f) { return f.properties.region === cfg.region ? DEPARTMENT_REGION : DEPARTMENT; },
        }, options));
        function follow() {
          if (map.getZoom() >= DEPARTMENTS_FROM_ZOOM) departments.addTo(map);
          else departments.remove();
        }
        map.on("zoomend", follow);
        follow();
        container.dataset.outlines = data[0].features.length + data[1].features.length;
      })
      .catch(function () { /* the tiles, if they load, are the base map */ });
  };
})();
