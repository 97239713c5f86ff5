// The base map that needs no tile server: country and department outlines bundled with the app
// (geo/*.geojson, see NOTICE), drawn in a pane *under* the tiles. When the tiles load they cover
// the outlines; when the tile server is slow, filtered or offline, the outlines still show where
// the markers are. Loaded with a fetch only when a map is on the page.
// Usage from a map script: passerellesOutlines(map, cfg.outlines).
(function () {
  "use strict";
  var SEA = "#dce9ef";
  var COUNTRY = { color: "#8c8c8c", weight: 0.6, fillColor: "#f3f0e8", fillOpacity: 1 };
  var COUNTRY_SHOWN = {
    color: "#0b5a70", weight: 1.2, fillColor: "#e3eef0", fillOpacity: 1, className: "outline-shown",
  };
  var DEPARTMENT = { color: "#a8a8a8", weight: 0.5, fill: false };
  var DEPARTMENT_REGION = {
    color: "#0b5a70", weight: 1, fillColor: "#d6e8ec", fillOpacity: 1, className: "outline-region",
  };

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
          style: function (f) { return f.properties.code === cfg.country ? COUNTRY_SHOWN : COUNTRY; },
        }, options)).addTo(map);
        L.geoJSON(data[1], L.extend({
          style: function (f) { return f.properties.region === cfg.region ? DEPARTMENT_REGION : DEPARTMENT; },
        }, options)).addTo(map);
        container.dataset.outlines = data[0].features.length + data[1].features.length;
      })
      .catch(function () { /* the tiles, if they load, are the base map */ });
  };
})();
