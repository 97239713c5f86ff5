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
  var linksUrl = cfg.links;
  var controller = null;
  var linksController = null;
  var linksBox = document.querySelector("[data-passerelles-map-links]");
  var linksStatus = document.getElementById("map-links-status");

  function format(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_, key) {
      return Number(values[key]).toLocaleString(document.documentElement.lang);
    });
  }

  var map = L.map(el, { center: cfg.center, zoom: cfg.zoom, minZoom: 1, maxZoom: cfg.maxZoom });
  var tiles = L.tileLayer(cfg.tiles, { attribution: cfg.attribution, maxZoom: cfg.maxZoom });
  tiles.addTo(map);
  if (window.passerellesOutlines) window.passerellesOutlines(map, cfg.outlines, tiles);
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

  // The API gives ISO codes ("LB"): the popup says "Liban" / "Lebanon", in the page's language.
  var regionNames = window.Intl && Intl.DisplayNames
    ? new Intl.DisplayNames([document.documentElement.lang || "fr"], { type: "region" }) : null;
  function countryName(code) {
    try { return (regionNames && code && regionNames.of(code)) || code; } catch (e) { return code; }
  }

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
          var place = [org.commune || org.locality, org.country !== "FR" ? countryName(org.country) : ""]
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

  function view() {
    var b = map.getBounds().pad(0.2);
    // Round the box outwards so that small pans reuse a cached answer.
    var bbox = [
      Math.max(-180, Math.floor(b.getWest())), Math.max(-90, Math.floor(b.getSouth())),
      Math.min(180, Math.ceil(b.getEast())), Math.min(90, Math.ceil(b.getNorth())),
    ].join(",");
    return "zoom=" + map.getZoom() + "&bbox=" + bbox;
  }

  function load() {
    var url = dataUrl + (dataUrl.indexOf("?") < 0 ? "?" : "&") + view();
    if (controller) controller.abort();
    controller = new AbortController();
    status.textContent = cfg.labels.loading;
    return fetch(url, { signal: controller.signal, headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(render)
      .catch(function (e) { if (e.name !== "AbortError") status.textContent = cfg.labels.error; });
  }


  // Links here ↔ there: one line per pair of grid cells that projects link, thicker with
  // more projects (the count is in the tooltip and in the list in words below the map).
  // Polylines sit in Leaflet's overlay pane, under the markers.
  var linksLayer = L.layerGroup();

  function arc(a, b) {
    // A gentle curve rather than a straight line, so that links from one town to
    // neighbouring places abroad stay apart.
    var points = [], n = 16;
    var mid = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
    var ctrl = [mid[0] + (b[1] - a[1]) * 0.15, mid[1] - (b[0] - a[0]) * 0.15];
    for (var i = 0; i <= n; i++) {
      var t = i / n, u = 1 - t;
      points.push([u * u * a[0] + 2 * u * t * ctrl[0] + t * t * b[0],
                   u * u * a[1] + 2 * u * t * ctrl[1] + t * t * b[1]]);
    }
    return points;
  }

  function renderLinks(data) {
    linksLayer.clearLayers();
    data.links.forEach(function (l) {
      var weight = Math.min(1.5 + 1.5 * Math.log2(l[4]), 8);
      var line = L.polyline(arc([l[0], l[1]], [l[2], l[3]]), {
        color: "#a13d14", weight: weight, opacity: 0.6, className: "map-link",
      });
      // Singular and plural are told apart here (the labels come translated from the server).
      var tip = l[4] === 1 ? cfg.labels.linkOne : cfg.labels.link;
      line.bindTooltip(format(tip, { count: l[4] }), { sticky: true });
      linksLayer.addLayer(line);
    });
    el.dataset.links = data.links.length;
    var label = data.total > data.links.length ? cfg.labels.linksSome
      : data.links.length === 1 ? cfg.labels.linksOne : cfg.labels.links;
    linksStatus.textContent = format(label, { count: data.links.length, total: data.total });
  }

  function loadLinks() {
    if (!linksBox || !linksBox.checked) return Promise.resolve();
    var url = linksUrl + (linksUrl.indexOf("?") < 0 ? "?" : "&") + view();
    if (linksController) linksController.abort();
    linksController = new AbortController();
    linksStatus.textContent = cfg.labels.loading;
    return fetch(url, { signal: linksController.signal, headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(renderLinks)
      .catch(function (e) { if (e.name !== "AbortError") linksStatus.textContent = cfg.labels.linksError; });
  }

  // The address says whether the links are shown, so a view with links can be shared.
  function address(qs) {
    var params = new URLSearchParams(qs);
    params.delete("links");
    if (linksBox && linksBox.checked) params.set("links", "1");
    var text = params.toString();
    history.replaceState(null, "", location.pathname + (text ? "?" + text : ""));
  }

  if (linksBox) {
    linksBox.parentNode.hidden = false;
    linksBox.addEventListener("change", function () {
      if (linksBox.checked) {
        linksLayer.addTo(map);
        loadLinks();
      } else {
        if (linksController) linksController.abort();
        map.removeLayer(linksLayer);
        linksLayer.clearLayers();
        el.dataset.links = 0;
        linksStatus.textContent = "";
      }
      address(location.search.slice(1));
    });
    if (linksBox.checked) linksLayer.addTo(map);
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
      linksUrl = cfg.links.split("?")[0] + (qs ? "?" + qs : "");
      address(qs);
      if (listLink) listLink.href = listLink.href.split("?")[0] + "?" + qs;
      // One request after the other: the markers first, then the links and the counts
      // (lighter on the server).
      load().then(loadLinks).then(function () { refreshCounts(qs); });
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
          // The links in words follow the filters too (the open/closed state is kept).
          var linksText = document.getElementById("map-links-text");
          var freshLinks = doc.getElementById("map-links-text");
          if (linksText && freshLinks) {
            var open = linksText.open;
            linksText.innerHTML = freshLinks.innerHTML;
            linksText.open = open;
          }
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
  map.on("moveend", function () { load().then(loadLinks); });
  load().then(loadLinks);
})();
