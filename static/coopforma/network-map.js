// SPDX-License-Identifier: AGPL-3.0-or-later
// The network map (offers/_map_panel.html): a choropleth of the départements drawn on the shipped outlines, with
// the sessions as clustered markers, on a tile layer only when the settings give one (MAP_TILE_URL).
// Two modes, chosen by the data attributes of the #network-map wrapper:
// - search: data-aggregates-url (offers per département) and data-points-url (GeoJSON of the sessions); both are
//   read again with the search form's filters after each htmx swap of the results;
// - gaps: data-gaps-url (per département, the number of themes without offer within reach).
// The figures are also written in the table under the map (its accessible equivalent). No inline script or style
// attribute (CSP): colours are set through the CSSOM.
(function () {
  "use strict";

  var METRO_BOUNDS = [[41.3, -5.3], [51.2, 9.7]];
  var OFFER_COLOURS = ["#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c"]; // ColorBrewer Blues
  var GAP_COLOURS = ["#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15"]; // ColorBrewer Reds
  var ZERO_COLOUR = "#f4f4f2";

  function text(tag, value, className) {
    var node = document.createElement(tag);
    node.textContent = value;
    if (className) node.className = className;
    return node;
  }

  // Up to five classes of the positive values: one per value when there are few, quantiles otherwise.
  function classes(values, colours) {
    var positive = values.filter(function (v) { return v > 0; }).sort(function (a, b) { return a - b; });
    var distinct = positive.filter(function (v, i) { return i === 0 || v !== positive[i - 1]; });
    var result = [];
    if (distinct.length <= colours.length) {
      distinct.forEach(function (v, i) {
        result.push({ min: v, max: v, colour: colours[colours.length - distinct.length + i] });
      });
      return result;
    }
    var bounds = [];
    for (var q = 1; q < colours.length; q++) {
      var cut = positive[Math.floor((q * positive.length) / colours.length)];
      if (bounds.indexOf(cut) < 0) bounds.push(cut);
    }
    var low = positive[0];
    bounds.forEach(function (cut) {
      if (cut > low) { result.push({ min: low, max: cut - 1 }); low = cut; }
    });
    result.push({ min: low, max: positive[positive.length - 1] });
    result.forEach(function (c, i) { c.colour = colours[colours.length - result.length + i]; });
    return result;
  }

  function colourOf(value, scale) {
    if (!value) return ZERO_COLOUR;
    for (var i = 0; i < scale.length; i++) {
      if (value <= scale[i].max) return scale[i].colour;
    }
    return scale[scale.length - 1].colour;
  }

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error(url + ": " + r.status);
      return r.json();
    });
  }

  // The search form whose filters the map follows: data-map-filters, else the page's search form.
  function filtersForm() {
    return document.querySelector("form[data-map-filters]") || document.querySelector("form[role='search']");
  }

  function withFilters(base) {
    var url = new URL(base, window.location.href);
    var form = filtersForm();
    var params = form ? new URLSearchParams(new FormData(form)) : new URLSearchParams(window.location.search);
    var seen = {};
    params.forEach(function (value, key) {
      if (key === "csrfmiddlewaretoken" || key === "page" || key === "network" || value === "") return;
      if (!seen[key]) { url.searchParams.delete(key); seen[key] = true; }
      url.searchParams.append(key, value);
    });
    return url.toString();
  }

  function NetworkMap(wrapper, panel) {
    this.wrapper = wrapper;
    this.panel = panel;
    this.mode = wrapper.dataset.gapsUrl ? "gaps" : "search";
    this.canvas = panel.querySelector(".network-map__canvas");
    this.status = panel.querySelector(".network-map__status");
    this.legend = panel.querySelector(".network-map__legend ul");
    this.tbody = panel.querySelector(".network-map__figures tbody");
    this.outlines = null;
    this.choropleth = null;
    this.points = null;
    this.request = 0;

    var tileUrl = panel.dataset.tileUrl;
    this.map = L.map(this.canvas, { zoomSnap: 0.25, minZoom: 2, maxZoom: 16, attributionControl: true });
    if (tileUrl) {
      L.tileLayer(tileUrl, { attribution: panel.dataset.tileAttribution || "", maxZoom: 18 }).addTo(this.map);
      this.canvas.classList.add("network-map__canvas--tiles");
    }
    this.map.fitBounds(METRO_BOUNDS);
  }

  NetworkMap.prototype.say = function (message) {
    this.status.textContent = message || "";
  };

  NetworkMap.prototype.load = function () {
    var self = this;
    var request = ++this.request;
    var panel = this.panel;
    this.say(panel.dataset.labelLoading);
    var outlines = this.outlines ? Promise.resolve(this.outlines) : getJSON(panel.dataset.outlinesUrl);
    var figures = this.mode === "gaps"
      ? getJSON(this.wrapper.dataset.gapsUrl)
      : getJSON(withFilters(this.wrapper.dataset.aggregatesUrl));
    var points = this.mode === "search" && this.wrapper.dataset.pointsUrl
      ? getJSON(withFilters(this.wrapper.dataset.pointsUrl))
      : Promise.resolve(null);
    return Promise.all([outlines, figures, points]).then(function (results) {
      if (request !== self.request) return; // a newer search was asked meanwhile
      self.outlines = results[0];
      self.draw(results[1]);
      self.drawPoints(results[2]);
      self.say("");
    }).catch(function () {
      if (request === self.request) self.say(panel.dataset.labelError);
    });
  };

  NetworkMap.prototype.values = function (figures) {
    var byCode = {};
    var key = this.mode === "gaps" ? "gaps" : "offers";
    (figures.departements || []).forEach(function (d) { byCode[d.code] = { value: d[key] || 0, name: d.name }; });
    return byCode;
  };

  NetworkMap.prototype.draw = function (figures) {
    var self = this;
    var byCode = this.values(figures);
    var features = this.outlines.features;
    var values = features.map(function (f) { return (byCode[f.properties.code] || {}).value || 0; });
    var scale = classes(values, this.mode === "gaps" ? GAP_COLOURS : OFFER_COLOURS);
    var unit = this.panel.dataset.labelUnit;
    if (this.choropleth) this.map.removeLayer(this.choropleth);
    var tiles = !!this.panel.dataset.tileUrl;
    this.choropleth = L.geoJSON(this.outlines, {
      attribution: this.panel.dataset.outlinesAttribution,
      style: function (feature) {
        var value = (byCode[feature.properties.code] || {}).value || 0;
        return {
          color: "#4a5568", weight: 1, fillColor: colourOf(value, scale), fillOpacity: tiles ? 0.6 : 0.9,
          className: "network-map__departement",
        };
      },
      onEachFeature: function (feature, layer) {
        var value = (byCode[feature.properties.code] || {}).value || 0;
        layer.bindTooltip(feature.properties.name + " (" + feature.properties.code + ") : " + value + " " + unit);
      },
    }).addTo(this.map);
    var svg = this.canvas.querySelector(".leaflet-overlay-pane svg");
    if (svg) {
      svg.setAttribute("role", "img");
      svg.setAttribute("aria-label", this.panel.dataset.labelSvg);
    }
    this.drawLegend(scale);
    this.drawTable(features, byCode);
  };

  NetworkMap.prototype.drawLegend = function (scale) {
    var legend = this.legend;
    legend.textContent = "";
    var entries = [{ label: "0", colour: ZERO_COLOUR }].concat(scale.map(function (c) {
      return { label: c.min === c.max ? String(c.min) : c.min + " – " + c.max, colour: c.colour };
    }));
    entries.forEach(function (entry) {
      var item = document.createElement("li");
      var swatch = document.createElement("span");
      swatch.className = "network-map__swatch";
      swatch.setAttribute("aria-hidden", "true");
      swatch.style.backgroundColor = entry.colour;
      item.appendChild(swatch);
      item.appendChild(text("span", entry.label));
      legend.appendChild(item);
    });
  };

  NetworkMap.prototype.drawTable = function (features, byCode) {
    var tbody = this.tbody;
    tbody.textContent = "";
    features.slice().sort(function (a, b) {
      return a.properties.code < b.properties.code ? -1 : 1;
    }).forEach(function (f) {
      var row = document.createElement("tr");
      var head = text("th", f.properties.code + " — " + f.properties.name);
      head.setAttribute("scope", "row");
      row.appendChild(head);
      row.appendChild(text("td", String((byCode[f.properties.code] || {}).value || 0), "num"));
      tbody.appendChild(row);
    });
  };

  NetworkMap.prototype.drawPoints = function (collection) {
    if (this.points) { this.map.removeLayer(this.points); this.points = null; }
    if (!collection || !collection.features) return;
    var linkLabel = this.panel.dataset.labelLink;
    var group = typeof L.markerClusterGroup === "function" ? L.markerClusterGroup() : L.layerGroup();
    L.geoJSON(collection, {
      onEachFeature: function (feature, layer) {
        var p = feature.properties || {};
        var content = document.createElement("div");
        content.appendChild(text("strong", p.title || ""));
        if (p.url) {
          var link = text("a", linkLabel);
          link.href = p.url;
          content.appendChild(document.createElement("br"));
          content.appendChild(link);
        }
        layer.bindPopup(content);
        if (p.title && layer.options) layer.options.alt = p.title;
      },
    }).eachLayer(function (layer) { group.addLayer(layer); });
    this.points = group.addTo(this.map);
  };

  function start() {
    if (typeof L === "undefined") return;
    var maps = [];
    document.querySelectorAll("#network-map").forEach(function (wrapper) {
      var panel = wrapper.querySelector(".network-map");
      if (!panel || panel.dataset.started) return;
      panel.dataset.started = "1";
      var map = new NetworkMap(wrapper, panel);
      maps.push(map);
      map.load();
    });
    // The search results were swapped by htmx: the same filters on both URLs (the map itself is never swapped).
    document.body.addEventListener("htmx:afterSettle", function (event) {
      maps.forEach(function (map) {
        if (map.mode === "search" && !map.wrapper.contains(event.target)) map.load();
      });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
