// The directory map: Leaflet, markers clustered by the server (views/map.py), hooked on
// [data-passerelles-map="<id of a JSON config script>"]. Kept small and dependency-free
// besides Leaflet, for phones on slow connections.
(function () {
  "use strict";
  var el = document.querySelector("[data-passerelles-map]");
  if (!el || !window.L) return;
  var cfg = JSON.parse(document.getElementById(el.dataset.passerellesMap).textContent);
  var status = document.getElementById("map-status");
  var form = document.querySelector("[data-passerelles-map-form]");
  var listLink = document.getElementById("map-list-link");
  var dataUrl = cfg.data;
  var controller = null;

  function format(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_, key) {
      return Number(values[key]).toLocaleString(document.documentElement.lang);
    });
  }

  var map = L.map(el, { center: cfg.center, zoom: cfg.zoom, minZoom: 1, maxZoom: cfg.maxZoom });
  L.tileLayer(cfg.tiles, { attribution: cfg.attribution, maxZoom: cfg.maxZoom }).addTo(map);
  var layer = L.layerGroup().addTo(map);

  // Two buttons to jump between the region (here) and the world (there), since partners
  // abroad are out of the first view.
  var Views = L.Control.extend({
    options: { position: "topright" },
    onAdd: function () {
      var box = L.DomUtil.create("div", "leaflet-bar map-views");
      [[cfg.labels.region, cfg.region, cfg.regionZoom], [cfg.labels.world, [10, 0], 2]]
        .forEach(function (view) {
          var button = L.DomUtil.create("button", "", box);
          button.type = "button";
          button.textContent = view[0];
          L.DomEvent.on(button, "click", function (e) {
            L.DomEvent.stop(e);
            map.setView(view[1], view[2]);
          });
        });
      L.DomEvent.disableClickPropagation(box);
      return box;
    },
  });
  map.addControl(new Views());

  function clusterIcon(count) {
    // Size grows with the log of the count, so a big town does not hide its neighbours.
    var size = Math.round(30 + 8 * Math.log10(count));
    return L.divIcon({
      className: "map-cluster",
      html: "<span>" + count + "</span>",
      iconSize: [size, size],
    });
  }
  var pointIcon = L.divIcon({ className: "map-point", iconSize: [18, 18] });

  function popupFor(marker, id) {
    marker.bindPopup(cfg.labels.loading);
    marker.on("popupopen", function () {
      fetch(cfg.api + id, { headers: { Accept: "application/json" } })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (org) {
          // Built with text nodes: names come from contributors, never as HTML.
          var box = document.createElement("div");
          var title = document.createElement("strong");
          title.textContent = org.name;
          box.appendChild(title);
          var place = [org.commune || org.locality, org.country !== "FR" ? org.country : ""]
            .filter(Boolean).join(", ");
          if (place) { box.appendChild(document.createElement("br")); box.appendChild(document.createTextNode(place)); }
          box.appendChild(document.createElement("br"));
          var link = document.createElement("a");
          link.href = org.url;
          link.textContent = cfg.labels.open;
          box.appendChild(link);
          marker.setPopupContent(box);
        })
        .catch(function () { marker.setPopupContent(cfg.labels.error); });
    });
  }

  function render(data) {
    layer.clearLayers();
    data.clusters.forEach(function (c) {
      var marker = L.marker([c[0], c[1]], {
        icon: clusterIcon(c[2]),
        title: format(cfg.labels.cluster, { count: c[2] }),
        alt: format(cfg.labels.cluster, { count: c[2] }),
        riseOnHover: true,
      });
      function zoomIn() { map.setView([c[0], c[1]], Math.min(map.getZoom() + 2, cfg.maxZoom)); }
      marker.on("click", zoomIn);
      // Markers are focusable; Enter on a cluster zooms in, as a click does.
      marker.on("keypress", function (e) { if (e.originalEvent.key === "Enter") zoomIn(); });
      layer.addLayer(marker);
    });
    // Organisations sharing one point (a town hall) are fanned out on a small ring.
    var seen = {};
    data.points.forEach(function (p) {
      var key = p[1] + "," + p[2];
      var rank = (seen[key] = (seen[key] || 0) + 1) - 1;
      var latlng = L.latLng(p[1], p[2]);
      if (rank) {
        var angle = rank * 2.4, radius = 12 + 3 * Math.sqrt(rank);
        var xy = map.latLngToLayerPoint(latlng).add([radius * Math.cos(angle), radius * Math.sin(angle)]);
        latlng = map.layerPointToLatLng(xy);
      }
      // Keyboard users reach each marker (Tab, then Enter opens the popup with its name).
      var marker = L.marker(latlng, { icon: pointIcon, riseOnHover: true, title: cfg.labels.point });
      popupFor(marker, p[0]);
      layer.addLayer(marker);
    });
    el.dataset.markers = data.clusters.length + data.points.length;
    el.dataset.shown = data.shown;
    status.textContent = format(cfg.labels.count, { shown: data.shown, total: data.total });
  }

  function load() {
    var b = map.getBounds().pad(0.2);
    // Round the box outwards so that small pans reuse a cached answer.
    var bbox = [
      Math.max(-180, Math.floor(b.getWest())), Math.max(-90, Math.floor(b.getSouth())),
      Math.min(180, Math.ceil(b.getEast())), Math.min(90, Math.ceil(b.getNorth())),
    ].join(",");
    var url = dataUrl + (dataUrl.indexOf("?") < 0 ? "?" : "&") + "zoom=" + map.getZoom() + "&bbox=" + bbox;
    if (controller) controller.abort();
    controller = new AbortController();
    status.textContent = cfg.labels.loading;
    return fetch(url, { signal: controller.signal, headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(render)
      .catch(function (e) { if (e.name !== "AbortError") status.textContent = cfg.labels.error; });
  }

  if (form) {
    // The form reloads the page without JavaScript; with it, only the markers change, and the
    // address (and the link to the list) follow, so the view stays shareable.
    function apply(event) {
      if (event.type === "submit") event.preventDefault();
      var params = new URLSearchParams();
      new FormData(form).forEach(function (value, key) { if (value) params.append(key, value); });
      var qs = params.toString();
      dataUrl = cfg.data.split("?")[0] + (qs ? "?" + qs : "");
      history.replaceState(null, "", location.pathname + (qs ? "?" + qs : ""));
      if (listLink) listLink.href = listLink.href.split("?")[0] + "?" + qs;
      // One request after the other: the markers first, then the counts (lighter on the server).
      load().then(function () { refreshCounts(qs); });
    }
    // The facet counts depend on the other filters: read them from the page the server would
    // render for the new address, and copy them in place (the controls themselves stay, so
    // focus and what the keyboard user was doing are kept).
    function refreshCounts(qs) {
      fetch(location.pathname + (qs ? "?" + qs : ""))
        .then(function (r) { return r.text(); })
        .then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          form.querySelectorAll("input[id]").forEach(function (input) {
            var fresh = doc.getElementById(input.id);
            var count = input.parentNode.querySelector(".facet-count");
            var freshCount = fresh && fresh.parentNode.querySelector(".facet-count");
            if (count) count.textContent = freshCount ? freshCount.textContent : "(0)";
          });
          form.querySelectorAll("select[id] option[value]").forEach(function (option) {
            if (!option.value) return;
            var fresh = doc.querySelector("#" + option.parentNode.id + ' option[value="' + option.value + '"]');
            if (fresh) option.textContent = fresh.textContent;
          });
          var summary = document.querySelector(".map-alternative");
          var freshSummary = doc.querySelector(".map-alternative");
          if (summary && freshSummary) {
            summary.innerHTML = freshSummary.innerHTML;
            listLink = document.getElementById("map-list-link");
          }
        })
        .catch(function () { /* counts stay as they were; the markers are what matters */ });
    }
    form.addEventListener("change", apply);
    form.addEventListener("submit", apply);
  }
  map.on("moveend", load);
  load();
})();
