//! Tests of the page: escaping, compaction, and what it embeds.

use super::*;

fn fc(features: Vec<Value>) -> Value {
    json!({"type": "FeatureCollection", "features": features})
}

fn point(lon: f64, lat: f64, props: Value) -> Value {
    json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": props})
}

/// The JSON data block of a page.
fn data_of(html: &str) -> Value {
    let a = html.find("id=\"map-data\">").unwrap() + "id=\"map-data\">".len();
    let b = a + html[a..].find("</script>").unwrap();
    serde_json::from_str(&html[a..b]).unwrap()
}

#[test]
fn text_from_the_input_cannot_break_out_of_the_page() {
    let evil = "</script><script>alert(1)</script><b>";
    let html = WebMap::new(evil)
        .subtitle(evil)
        .overlay(
            evil,
            fc(vec![point(15.87, 59.05, json!({"name": evil}))]),
            Style::points("#d55e00", 5.0),
            &[("name", evil)],
        )
        .legend("#d55e00", evil)
        .render();
    assert_eq!(
        html.matches("<script").count(),
        3,
        "only the page's own three script elements"
    );
    assert!(!html.contains("<b>"));
    assert!(
        html.contains(
            "<title>&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;</title>"
        )
    );
    // The data survive unchanged through the JSON block.
    let d = data_of(&html);
    assert_eq!(d["title"], json!(evil));
    assert_eq!(d["layers"][0]["name"], json!(evil));
    assert_eq!(
        d["layers"][0]["data"]["features"][0]["properties"]["name"],
        json!(evil)
    );
    assert_eq!(d["legend"][0]["label"], json!(evil));
}

#[test]
fn geometry_is_simplified_and_rounded_to_the_resolution() {
    // A 1 km east-west line with 101 nearly collinear vertices (wiggles of 0.1 m) and 7-decimal input.
    let coords: Vec<Value> = (0..=100)
        .map(|k| {
            let lon = 15.8 + 0.000_174_6 * k as f64;
            let lat = 59.05 + if k % 2 == 0 { 0.0 } else { 0.000_000_9 };
            json!([lon, lat])
        })
        .collect();
    let line = json!({"type": "Feature", "geometry": {"type": "LineString", "coordinates": coords}, "properties": {}});
    let html = WebMap::new("t")
        .overlay("route", fc(vec![line]), Style::line("#542788", 3.0), &[])
        .render();
    let d = data_of(&html);
    let c = d["layers"][0]["data"]["features"][0]["geometry"]["coordinates"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(c.len(), 2, "wiggles below 1 m are gone: {c:?}");
    assert_eq!(c[0], json!([15.8, 59.05]));
    // 1 m = 9e-6 degrees of latitude: 6 decimals are kept, no more.
    let last = c[1][0].as_f64().unwrap();
    assert_eq!(last, (last * 1e6).round() / 1e6);
    assert!((last - (15.8 + 0.017_46)).abs() < 1e-6);
    // A coarser map keeps fewer decimals.
    let html = WebMap::new("t")
        .resolution_m(10.0)
        .overlay(
            "p",
            fc(vec![point(15.123_456_78, 59.987_654_32, json!({}))]),
            Style::points("#000000", 3.0),
            &[],
        )
        .render();
    assert_eq!(
        data_of(&html)["layers"][0]["data"]["features"][0]["geometry"]["coordinates"],
        json!([15.12346, 59.98765])
    );
}

#[test]
fn the_page_is_offline_unless_tiles_are_asked_for() {
    let m = WebMap::new("t").overlay(
        "a",
        fc(vec![point(15.0, 59.0, json!({"n": 1}))]),
        Style::points("#000000", 3.0),
        &[("n", "N")],
    );
    let html = m.clone().render();
    assert!(
        html.contains("img-src data:\""),
        "CSP allows only inline resources"
    );
    assert!(
        !html.contains("url(images/"),
        "Leaflet's CSS images are inlined"
    );
    assert!(html.contains("url(data:image/png;base64,"));
    assert!(html.contains("Leaflet 1.9.4") && html.contains("BSD 2-Clause"));
    assert!(data_of(&html)["tiles"].is_null());
    assert!(!html.contains("{z}"));
    let html = m
        .tiles("https://tiles.example/{z}/{x}/{y}.png", "© Example")
        .render();
    assert!(html.contains("img-src data: https: http:"));
    assert_eq!(
        data_of(&html)["tiles"]["url"],
        json!("https://tiles.example/{z}/{x}/{y}.png")
    );
}

#[test]
fn counts_and_order_follow_the_caller() {
    let m = WebMap::new("t")
        .basemap("Roads", fc(vec![]), Style::line("#b0b0b0", 1.0))
        .overlay(
            "Zones",
            fc(vec![
                point(15.0, 59.0, json!({})),
                point(15.1, 59.0, json!({})),
            ]),
            Style::area("#542788"),
            &[],
        )
        .overlay(
            "One",
            point(15.0, 59.0, json!({})),
            Style::points("#000", 3.0).hidden(),
            &[],
        );
    assert_eq!(
        m.feature_counts(),
        vec![("Roads".into(), 0), ("Zones".into(), 2), ("One".into(), 1)]
    );
    let d = data_of(&m.render());
    assert_eq!(d["layers"][0]["basemap"], json!(true));
    assert_eq!(d["layers"][2]["style"]["shown"], json!(false));
}

#[test]
fn css_minification_keeps_rules() {
    let m = minify_css("/* c */ .a  .b {\n  color: red;\n}\n.c>d , e { x: 1 }");
    assert_eq!(m, ".a .b{color:red;}.c>d,e{x:1}");
}
