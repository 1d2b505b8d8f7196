//! # hotspot-webmap
//!
//! A self-contained, offline, interactive map page (`map.html`) of hotspot's result layers, built
//! on [Leaflet](https://leafletjs.com) 1.9.4, vendored from its npm package with its BSD-2
//! licence (`vendor/leaflet/`) and embedded in the page, so the page needs no network: every
//! layer is a toggleable overlay, features open popups with the figures and names the caller
//! chose, with a scale bar and a legend. An optional tile URL template adds a tile basemap for
//! readers who are online; otherwise the caller's vector basemap layers are drawn.
//!
//! The page shows exactly what the caller passes: a public version simply passes the public
//! layers (no incident points, suppressed counts already suppressed). Text from the input
//! (layer names, property values, the title) is escaped: the data travel as JSON inside a
//! `<script type="application/json">` element and are put on the page with `textContent`,
//! never as HTML.
//!
//! Coordinates are RFC 7946 lon/lat. To keep the page small enough to e-mail, lines and
//! polygons are simplified (Douglas–Peucker) to the map's resolution ([`WebMap::resolution_m`],
//! 1 m by default) and every coordinate is rounded to the decimals that resolution needs.
//!
//! ```
//! use hotspot_webmap::{Style, WebMap};
//! let zones = serde_json::json!({"type": "FeatureCollection", "features": [{"type": "Feature",
//!     "geometry": {"type": "Point", "coordinates": [15.87, 59.045]},
//!     "properties": {"name": "Torget", "incidents": 12}}]});
//! let html = WebMap::new("Vingåker")
//!     .overlay("Patrol zones", zones, Style::area("#542788"), &[("name", "Zone"), ("incidents", "Incidents")])
//!     .render();
//! assert!(html.contains("Vingåker") && html.contains("L.map("));
//! ```

use base64::Engine as _;
use serde_json::{Map, Value, json};

const LEAFLET_JS: &str = include_str!("../vendor/leaflet/leaflet.js");
const LEAFLET_CSS: &str = include_str!("../vendor/leaflet/leaflet.css");
const LAYERS_PNG: &[u8] = include_bytes!("../vendor/leaflet/layers.png");
const LAYERS_2X_PNG: &[u8] = include_bytes!("../vendor/leaflet/layers-2x.png");
/// Leaflet's licence text (BSD 2-Clause), kept in the page beside the library.
pub const LEAFLET_LICENSE: &str = include_str!("../vendor/leaflet/LICENSE");

/// Colours per value of one property, for layers drawn by class (Gi* bins, problem areas).
#[derive(Clone, Debug, PartialEq)]
pub struct ClassColours {
    /// The property whose value picks the colour.
    pub field: String,
    /// `(value, colour)`: features whose property equals `value` get `colour` (`#rrggbb`).
    pub colours: Vec<(Value, String)>,
}

/// How an overlay is drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct Style {
    /// Line or outline colour (`#rrggbb`).
    pub stroke: String,
    /// Line width in pixels (0 for none).
    pub weight: f64,
    /// Fill colour; `None` for no fill.
    pub fill: Option<String>,
    /// Fill opacity, 0 to 1.
    pub fill_opacity: f64,
    /// Point marker radius in pixels.
    pub radius: f64,
    /// Dash pattern (e.g. `"4 3"`), solid when `None`.
    pub dash: Option<String>,
    /// Per-feature fill colours by a property, overriding `fill`.
    pub classes: Option<ClassColours>,
    /// Whether the overlay is shown when the page opens (it can always be toggled).
    pub shown: bool,
}

impl Style {
    /// A filled area with a matching outline (fill opacity 0.35).
    pub fn area(colour: &str) -> Self {
        Self {
            stroke: colour.into(),
            weight: 1.5,
            fill: Some(colour.into()),
            fill_opacity: 0.35,
            radius: 5.0,
            dash: None,
            classes: None,
            shown: true,
        }
    }

    /// An outline only.
    pub fn outline(colour: &str, weight: f64) -> Self {
        Self {
            fill: None,
            weight,
            ..Self::area(colour)
        }
    }

    /// Lines (roads, a route).
    pub fn line(colour: &str, weight: f64) -> Self {
        Self::outline(colour, weight)
    }

    /// Point markers: filled circles of `radius` pixels with a white ring.
    pub fn points(colour: &str, radius: f64) -> Self {
        Self {
            stroke: "#ffffff".into(),
            weight: 1.0,
            fill: Some(colour.into()),
            fill_opacity: 0.9,
            radius,
            dash: None,
            classes: None,
            shown: true,
        }
    }

    /// Fill by the value of `field`: `(value, colour)` pairs.
    pub fn by_class(mut self, field: &str, colours: Vec<(Value, String)>) -> Self {
        self.classes = Some(ClassColours {
            field: field.into(),
            colours,
        });
        self
    }

    /// Dashed lines.
    pub fn dashed(mut self, pattern: &str) -> Self {
        self.dash = Some(pattern.into());
        self
    }

    /// Hidden when the page opens (the reader can switch it on).
    pub fn hidden(mut self) -> Self {
        self.shown = false;
        self
    }

    fn to_json(&self) -> Value {
        json!({
            "stroke": self.stroke,
            "weight": self.weight,
            "fill": self.fill,
            "fillOpacity": self.fill_opacity,
            "radius": self.radius,
            "dash": self.dash,
            "classField": self.classes.as_ref().map(|c| c.field.clone()),
            "classes": self.classes.as_ref().map(|c| c.colours.iter().map(|(v, col)| json!([v, col])).collect::<Vec<_>>()),
            "shown": self.shown,
        })
    }
}

/// One legend row: a colour swatch and its label.
#[derive(Clone, Debug, PartialEq)]
pub struct LegendEntry {
    /// Swatch colour (`#rrggbb`).
    pub colour: String,
    /// Label.
    pub label: String,
    /// Drawn as a line rather than a filled square.
    pub line: bool,
}

#[derive(Clone, Debug)]
struct Overlay {
    name: String,
    data: Value,
    style: Style,
    popup: Vec<(String, String)>,
    basemap: bool,
}

/// An interactive map page under construction. See the crate documentation.
#[derive(Clone, Debug)]
pub struct WebMap {
    title: String,
    subtitle: String,
    lang: String,
    overlays: Vec<Overlay>,
    legend: Vec<LegendEntry>,
    tiles: Option<(String, String)>,
    resolution_m: f64,
}

impl WebMap {
    /// A map titled `title` (shown in the page and its `<title>`).
    pub fn new(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            subtitle: String::new(),
            lang: "sv".into(),
            overlays: Vec::new(),
            legend: Vec::new(),
            tiles: None,
            resolution_m: 1.0,
        }
    }

    /// A line under the title (e.g. the period and the version: internal or public).
    pub fn subtitle(mut self, s: impl Into<String>) -> Self {
        self.subtitle = s.into();
        self
    }

    /// The page language (`sv`, `en`): the `lang` attribute and number formatting in popups.
    pub fn lang(mut self, lang: impl Into<String>) -> Self {
        self.lang = lang.into();
        self
    }

    /// Adds an overlay: a GeoJSON FeatureCollection (or Feature) in lon/lat, drawn with `style`;
    /// clicking a feature shows `popup_fields` as `(property, label)` rows (properties missing
    /// from a feature are left out). Overlays are listed and drawn in the order added (later on top).
    pub fn overlay(
        mut self,
        name: impl Into<String>,
        geojson: Value,
        style: Style,
        popup_fields: &[(&str, &str)],
    ) -> Self {
        self.overlays.push(Overlay {
            name: name.into(),
            data: geojson,
            style,
            popup: popup_fields
                .iter()
                .map(|(k, l)| (k.to_string(), l.to_string()))
                .collect(),
            basemap: false,
        });
        self
    }

    /// Adds a vector basemap layer (roads, water, places): drawn under the overlays, not
    /// clickable, toggleable like them.
    pub fn basemap(mut self, name: impl Into<String>, geojson: Value, style: Style) -> Self {
        self.overlays.push(Overlay {
            name: name.into(),
            data: geojson,
            style,
            popup: Vec::new(),
            basemap: true,
        });
        self
    }

    /// A tile basemap from a URL template (`https://.../{z}/{x}/{y}.png`) with its attribution,
    /// for readers who are online; without it the page makes no request at all.
    pub fn tiles(
        mut self,
        url_template: impl Into<String>,
        attribution: impl Into<String>,
    ) -> Self {
        self.tiles = Some((url_template.into(), attribution.into()));
        self
    }

    /// Adds a legend row with a filled swatch.
    pub fn legend(mut self, colour: &str, label: impl Into<String>) -> Self {
        self.legend.push(LegendEntry {
            colour: colour.into(),
            label: label.into(),
            line: false,
        });
        self
    }

    /// Adds a legend row with a line swatch.
    pub fn legend_line(mut self, colour: &str, label: impl Into<String>) -> Self {
        self.legend.push(LegendEntry {
            colour: colour.into(),
            label: label.into(),
            line: true,
        });
        self
    }

    /// The smallest detail worth keeping, in metres (default 1 m): lines and polygons are
    /// simplified to it and coordinates rounded to it. Values below 0.01 m are taken as 0.01 m.
    pub fn resolution_m(mut self, m: f64) -> Self {
        self.resolution_m = if m.is_finite() { m.max(0.01) } else { 1.0 };
        self
    }

    /// Number of features in each overlay, in order, as the page will hold them.
    pub fn feature_counts(&self) -> Vec<(String, usize)> {
        self.overlays
            .iter()
            .map(|o| (o.name.clone(), features_of(&o.data).len()))
            .collect()
    }

    /// The page: one HTML document with Leaflet, its CSS and the data inside.
    pub fn render(&self) -> String {
        // Degrees per metre of latitude: 1 / 111 320. Decimals so that one unit of the last
        // decimal is at most the resolution.
        let deg = self.resolution_m / 111_320.0;
        let decimals = (-deg.log10()).ceil().clamp(0.0, 9.0) as i32;
        let layers: Vec<Value> = self
            .overlays
            .iter()
            .map(|o| {
                json!({
                    "name": o.name,
                    "basemap": o.basemap,
                    "style": o.style.to_json(),
                    "popup": o.popup.iter().map(|(k, l)| json!([k, l])).collect::<Vec<_>>(),
                    "data": compact(&o.data, deg, decimals),
                })
            })
            .collect();
        let data = json!({
            "title": self.title,
            "lang": self.lang,
            "layers": layers,
            "legend": self.legend.iter().map(|e| json!({"colour": e.colour, "label": e.label, "line": e.line})).collect::<Vec<_>>(),
            "tiles": self.tiles.as_ref().map(|(u, a)| json!({"url": u, "attribution": a})),
        });
        let data = script_safe(&data.to_string());
        let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
        let css = minify_css(LEAFLET_CSS)
            .replace(
                "url(images/layers.png)",
                &format!("url(data:image/png;base64,{})", b64(LAYERS_PNG)),
            )
            .replace(
                "url(images/layers-2x.png)",
                &format!("url(data:image/png;base64,{})", b64(LAYERS_2X_PNG)),
            )
            // Markers are drawn as circles; the icon image is never used, so it is never fetched.
            .replace("url(images/marker-icon.png)", "none");
        let mut h = String::with_capacity(LEAFLET_JS.len() + css.len() + data.len() + 8192);
        h.push_str("<!DOCTYPE html>\n<html lang=\"");
        h.push_str(&html_escape(&self.lang));
        h.push_str("\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        // No request may leave the page: only inline scripts, styles and data: images.
        h.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:");
        if self.tiles.is_some() {
            h.push_str(" https: http:");
        }
        h.push_str("\">\n<title>");
        h.push_str(&html_escape(&self.title));
        h.push_str("</title>\n<style>\n");
        h.push_str(&css);
        h.push('\n');
        h.push_str(PAGE_CSS);
        h.push_str("</style>\n</head>\n<body>\n<header><h1>");
        h.push_str(&html_escape(&self.title));
        h.push_str("</h1>");
        if !self.subtitle.is_empty() {
            h.push_str("<p>");
            h.push_str(&html_escape(&self.subtitle));
            h.push_str("</p>");
        }
        h.push_str(
            "</header>\n<div id=\"map\"></div>\n<script type=\"application/json\" id=\"map-data\">",
        );
        h.push_str(&data);
        h.push_str("</script>\n<script>\n/* Leaflet 1.9.4, BSD 2-Clause licence:\n");
        h.push_str(&LEAFLET_LICENSE.replace("*/", "* /"));
        h.push_str("*/\n");
        h.push_str(LEAFLET_JS);
        h.push_str("\n</script>\n<script>\n");
        h.push_str(PAGE_JS);
        h.push_str("</script>\n</body>\n</html>\n");
        h
    }
}

const PAGE_CSS: &str = "html,body{margin:0;height:100%;font-family:\"DejaVu Sans\",\"Segoe UI\",Helvetica,Arial,sans-serif}\
body{display:flex;flex-direction:column}\
header{padding:.4rem .8rem;border-bottom:1px solid #ccc;background:#fafafa}\
header h1{font-size:1.1rem;margin:0}header p{margin:.1rem 0 0;color:#555;font-size:.85rem}\
#map{flex:1;min-height:300px;background:#f4f4f0}\
.hs-legend{background:rgba(255,255,255,.92);padding:6px 8px;border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.3);font-size:12px;line-height:18px;max-width:260px}\
.hs-legend i{display:inline-block;width:14px;height:14px;margin-right:6px;vertical-align:-2px;border:1px solid rgba(0,0,0,.25)}\
.hs-legend i.line{height:0;border:0;border-top:3px solid;vertical-align:4px}\
.hs-pop table{border-collapse:collapse}.hs-pop td{padding:1px 6px 1px 0;vertical-align:top}\
.hs-pop td.v{text-align:right;font-variant-numeric:tabular-nums}.hs-pop h3{margin:0 0 4px;font-size:13px}\
.leaflet-control-layers-overlays label{white-space:nowrap}\n";

const PAGE_JS: &str = r#"(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("map-data").textContent);
  var map = L.map("map", { preferCanvas: false, zoomSnap: 0.25 });
  var nf = new Intl.NumberFormat(D.lang || "sv", { maximumFractionDigits: 3 });
  if (D.tiles) {
    L.tileLayer(D.tiles.url, { attribution: D.tiles.attribution, maxZoom: 19 }).addTo(map);
  }
  function colourOf(s, props) {
    if (s.classField && s.classes && props) {
      var v = props[s.classField];
      for (var i = 0; i < s.classes.length; i++) {
        if (s.classes[i][0] === v || String(s.classes[i][0]) === String(v)) return s.classes[i][1];
      }
    }
    return s.fill;
  }
  function styleFn(s) {
    return function (f) {
      var fill = colourOf(s, f && f.properties);
      return {
        color: s.classField ? (s.stroke || fill) : s.stroke, weight: s.weight, dashArray: s.dash || null,
        fill: !!fill, fillColor: fill || s.stroke, fillOpacity: fill ? s.fillOpacity : 0
      };
    };
  }
  function fmt(v) {
    if (typeof v === "number") return nf.format(v);
    if (v === null || v === undefined) return "";
    if (typeof v === "object") return JSON.stringify(v);
    return String(v);
  }
  function popupFor(layerName, fields) {
    return function (lyr) {
      var p = (lyr.feature && lyr.feature.properties) || {};
      var div = document.createElement("div");
      div.className = "hs-pop";
      var h = document.createElement("h3");
      h.textContent = layerName;
      div.appendChild(h);
      var t = document.createElement("table");
      fields.forEach(function (kl) {
        if (!(kl[0] in p) || p[kl[0]] === null) return;
        var tr = document.createElement("tr");
        var a = document.createElement("td");
        a.textContent = kl[1];
        var b = document.createElement("td");
        b.textContent = fmt(p[kl[0]]);
        if (typeof p[kl[0]] === "number") b.className = "v";
        tr.appendChild(a);
        tr.appendChild(b);
        t.appendChild(tr);
      });
      div.appendChild(t);
      return div;
    };
  }
  var overlays = {};
  var counts = {};
  var bounds = L.latLngBounds([]);
  D.layers.forEach(function (l) {
    var s = l.style;
    var st = styleFn(s);
    var g = L.geoJSON(l.data, {
      style: st,
      interactive: !l.basemap,
      pointToLayer: function (f, ll) {
        var o = st(f);
        return L.circleMarker(ll, {
          radius: s.radius, color: s.stroke, weight: s.weight, fillColor: o.fillColor,
          fillOpacity: o.fill ? s.fillOpacity : 0, interactive: !l.basemap
        });
      }
    });
    if (!l.basemap && l.popup.length) g.bindPopup(popupFor(l.name, l.popup));
    var n = 0;
    g.eachLayer(function () { n++; });
    counts[l.name] = n;
    if (s.shown) g.addTo(map);
    if (!l.basemap && n > 0) bounds.extend(g.getBounds());
    var label = document.createElement("span");
    label.textContent = l.name + (l.basemap ? "" : " (" + nf.format(n) + ")");
    overlays[label.innerHTML] = g;
  });
  if (!bounds.isValid()) {
    D.layers.forEach(function (l) { var b = L.geoJSON(l.data).getBounds(); if (b.isValid()) bounds.extend(b); });
  }
  if (bounds.isValid()) map.fitBounds(bounds, { padding: [12, 12] }); else map.setView([59.05, 15.87], 11);
  L.control.layers(null, overlays, { collapsed: window.innerWidth < 700 }).addTo(map);
  L.control.scale({ metric: true, imperial: false, maxWidth: 160 }).addTo(map);
  if (D.legend.length) {
    var Legend = L.Control.extend({
      onAdd: function () {
        var div = L.DomUtil.create("div", "hs-legend");
        D.legend.forEach(function (e) {
          var row = document.createElement("div");
          var sw = document.createElement("i");
          if (e.line) { sw.className = "line"; sw.style.borderTopColor = e.colour; }
          else sw.style.background = e.colour;
          row.appendChild(sw);
          row.appendChild(document.createTextNode(e.label));
          div.appendChild(row);
        });
        L.DomEvent.disableClickPropagation(div);
        return div;
      }
    });
    new Legend({ position: "bottomright" }).addTo(map);
  }
  map.attributionControl.setPrefix("Leaflet");
  window.hotspotMap = { map: map, overlays: overlays, counts: counts };
})();
"#;

/// Escapes text for HTML content and attributes.
pub fn html_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// JSON text made safe inside `<script>`: no `</` (which could close the element) and no
/// `<!--`; `<` is written as the JSON escape `\u003c`, which JSON.parse reads back unchanged.
fn script_safe(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// Removes comments and runs of whitespace from CSS.
fn minify_css(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(i) = rest.find("/*") {
        out.push_str(&rest[..i]);
        match rest[i + 2..].find("*/") {
            Some(j) => rest = &rest[i + 2 + j + 2..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    let mut o = String::with_capacity(out.len());
    let mut space = false;
    for c in out.chars() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space
            && !o.is_empty()
            && !matches!(o.chars().last(), Some('{' | '}' | ';' | ':' | ',' | '>'))
            && !matches!(c, '{' | '}' | ';' | ',' | '>')
        {
            o.push(' ');
        }
        space = false;
        o.push(c);
    }
    o
}

fn features_of(v: &Value) -> Vec<&Value> {
    match v.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => v
            .get("features")
            .and_then(Value::as_array)
            .map(|a| a.iter().collect())
            .unwrap_or_default(),
        Some("Feature") => vec![v],
        _ => Vec::new(),
    }
}

/// The layer as a FeatureCollection with only `type`, `geometry` and `properties` per feature,
/// lines and polygons simplified to `eps` degrees and coordinates rounded to `decimals`.
fn compact(v: &Value, eps: f64, decimals: i32) -> Value {
    let feats: Vec<Value> = features_of(v)
        .into_iter()
        .map(|f| {
            let geometry = f
                .get("geometry")
                .filter(|g| !g.is_null())
                .map(|g| compact_geometry(g, eps, decimals))
                .unwrap_or(Value::Null);
            let mut o = Map::new();
            o.insert("type".into(), "Feature".into());
            o.insert("geometry".into(), geometry);
            o.insert(
                "properties".into(),
                f.get("properties").cloned().unwrap_or(Value::Null),
            );
            Value::Object(o)
        })
        .collect();
    json!({"type": "FeatureCollection", "features": feats})
}

fn compact_geometry(g: &Value, eps: f64, decimals: i32) -> Value {
    use geo::Simplify;
    let parsed: Option<geo::Geometry<f64>> = serde_json::from_value::<geojson::Geometry>(g.clone())
        .ok()
        .and_then(|g| g.try_into().ok());
    let Some(geom) = parsed else {
        return g.clone();
    };
    let simplified = match geom {
        geo::Geometry::LineString(l) => geo::Geometry::LineString(l.simplify(eps)),
        geo::Geometry::MultiLineString(l) => geo::Geometry::MultiLineString(l.simplify(eps)),
        geo::Geometry::Polygon(p) => geo::Geometry::Polygon(p.simplify(eps)),
        geo::Geometry::MultiPolygon(p) => geo::Geometry::MultiPolygon(p.simplify(eps)),
        other => other,
    };
    let mut v = serde_json::to_value(geojson::Geometry::from(&simplified)).unwrap_or(Value::Null);
    round_coords(&mut v, 10f64.powi(decimals));
    v
}

fn round_coords(v: &mut Value, scale: f64) {
    match v {
        Value::Array(a) => {
            for x in a {
                round_coords(x, scale);
            }
        }
        Value::Number(n) => {
            if let Some(f) = n.as_f64() {
                let r = (f * scale).round() / scale;
                if let Some(m) = serde_json::Number::from_f64(r) {
                    *n = m;
                }
            }
        }
        Value::Object(o) => {
            if let Some(c) = o.get_mut("coordinates") {
                round_coords(c, scale);
            }
            if let Some(Value::Array(gs)) = o.get_mut("geometries") {
                for g in gs {
                    round_coords(g, scale);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests;
