//! The report's language and legibility on the bundled Vingåker sample (issue 16): the Swedish
//! report uses Swedish terms (no "Hot spot"/"Cold spot", no flag names, hours as "16–24"), the
//! English report has no Swedish generated text outside the names marked as given, and no map
//! or chart text is below 11 px when the page is 1280 px wide (figures shown 855 px wide).
#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

mod common;

use common::{bin, data, stderr};
use std::path::Path;

/// The width the report's CSS shows every figure at on a 1280 px page (`figure svg { width:
/// 100%; max-width: 855px }` in a column wider than that).
const SHOWN_PX: f64 = 855.0;

fn report(out: &Path, extra: &[&str]) -> String {
    let mut c = bin();
    c.args(["-q", "report"])
        .arg(data("vingaker/report.toml"))
        .args(["--print", "false", "--out"])
        .arg(out)
        .args(extra);
    let o = c.output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::read_to_string(out.join("report.html")).unwrap()
}

/// The text of the HTML body outside inline SVG, tags dropped (entities kept), with the
/// spans marked as given (`class="given"`) left out when `drop_given`.
fn prose(html: &str, drop_given: bool) -> String {
    let body = &html[html.find("<body>").unwrap()..];
    let mut out = String::new();
    let (mut svg, mut given) = (0usize, 0usize);
    let mut rest = body;
    while let Some(lt) = rest.find('<') {
        if svg == 0 && given == 0 {
            out.push_str(&rest[..lt]);
        }
        let gt = rest[lt..].find('>').unwrap() + lt;
        let tag = &rest[lt..=gt];
        if tag.starts_with("<svg") {
            svg += 1;
        } else if tag.starts_with("</svg") {
            svg -= 1;
        } else if drop_given && tag.starts_with("<span class=\"given\"") {
            given += 1;
        } else if given > 0 && tag.starts_with("</span") {
            given -= 1;
        }
        // Block-level tags and table cells separate words.
        out.push(' ');
        rest = &rest[gt + 1..];
    }
    out.push_str(rest);
    out
}

/// The text drawn in the inline SVG figures.
fn svg_text(html: &str) -> String {
    let mut out = String::new();
    for part in html.split("<text").skip(1) {
        let Some(start) = part.find('>') else {
            continue;
        };
        let Some(end) = part.find("</text>") else {
            continue;
        };
        if start < end {
            out.push_str(&part[start + 1..end]);
            out.push('\n');
        }
    }
    out
}

/// An hour range written with a hyphen ("16-00") rather than an en dash: two digits, a hyphen,
/// two digits, not part of a date ("2025-03-21") or a longer number.
fn hyphen_hours(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    let mut found = Vec::new();
    for i in 0..b.len().saturating_sub(4) {
        let d = |k: usize| b.get(k).is_some_and(u8::is_ascii_digit);
        let before = i.checked_sub(1).map(|k| b[k]);
        if d(i)
            && d(i + 1)
            && b[i + 2] == b'-'
            && d(i + 3)
            && d(i + 4)
            && !before.is_some_and(|c| c.is_ascii_digit() || c == b'-')
            && !d(i + 5)
            && b.get(i + 5) != Some(&b'-')
        {
            found.push(text[i..i + 5].to_string());
        }
    }
    found
}

/// Smallest font size shown (CSS px at [`SHOWN_PX`]) over the inline SVG figures, with the
/// figure's label.
fn smallest_text(html: &str) -> Vec<(f64, String)> {
    let mut v = Vec::new();
    for fig in html.split("<svg viewBox=\"0 0 ").skip(1) {
        let w: f64 = fig.split(' ').next().unwrap().parse().unwrap();
        let label = fig
            .split("aria-label=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap_or("")
            .chars()
            .take(60)
            .collect::<String>();
        let body = &fig[..fig.find("</svg>").unwrap_or(fig.len())];
        let min = body
            .split("font-size=\"")
            .skip(1)
            .filter_map(|s| {
                s.split('"')
                    .next()?
                    .trim_end_matches("px")
                    .parse::<f64>()
                    .ok()
            })
            .fold(f64::INFINITY, f64::min);
        if min.is_finite() {
            v.push((min * SHOWN_PX / w, label));
        }
    }
    v
}

#[test]
fn swedish_and_english_reports_read_as_written_in_their_language_and_are_legible() {
    let dir = tempfile::tempdir().unwrap();
    let sv = report(&dir.path().join("sv"), &[]);
    let en = report(&dir.path().join("en"), &["--lang", "en"]);

    // Swedish: no anglicisms, flag names or words the board would stumble over, in the text
    // and in the maps' and charts' legends.
    let sv_text = format!("{}\n{}", prose(&sv, false), svg_text(&sv));
    for banned in [
        "Hot spot",
        "Cold spot",
        "hot spot,",
        "--",
        "Sekretess",
        "publik",
        "så mycket",
        "undertryck",
        "regel: arcgis",
        "screening",
        "bekymmer",
        "nyckeln ",
        "rutcell",
        "&quot;",
    ] {
        assert!(
            !sv_text.contains(banned),
            "Swedish report contains {banned:?}: …{}…",
            sv_text
                .find(banned)
                .map(|i| &sv_text[i.saturating_sub(80)..(i + 80).min(sv_text.len())])
                .unwrap_or("")
        );
    }
    assert!(
        hyphen_hours(&sv_text).is_empty(),
        "{:?}",
        hyphen_hours(&sv_text)
    );
    // Hours are written with an en dash, and the board's own words are used.
    let en_dash_hours = (0..=24)
        .flat_map(|a| (0..=24).map(move |b| format!("{a:02}–{b:02}")))
        .any(|r| sv_text.contains(&r));
    assert!(en_dash_hours, "no hour range in the Swedish report");
    for term in [
        "trygghetsskapande",
        "medborgarlöfte",
        "problemområde",
        "Förhöjd nivå",
    ] {
        assert!(sv_text.contains(term), "Swedish report lacks {term:?}");
    }
    // Harm is explained where it first appears and under the table that has it as a column.
    let first = sv_text.find("skadevärde").unwrap();
    assert!(sv_text[first..first + 120].contains("vägda efter brottets allvar"));
    assert!(sv_text.contains("Skadevärde*") && sv_text.contains("* Skadevärde:"));

    // English: the generated text is English; what is Swedish is a name marked as given.
    assert!(en.contains("<html lang=\"en\">"));
    assert!(en.contains("<span class=\"given\" lang=\"sv\">Torget (fiktiv)</span>"));
    let en_text = prose(&en, true);
    let padded = format!(
        " {} ",
        en_text.split_whitespace().collect::<Vec<_>>().join(" ")
    );
    for sv_word in [
        " och ",
        " händelser ",
        " inom ",
        " eller ",
        " för ",
        " med ",
        " är ",
        " av ",
        " som ",
        " inte ",
        " alla ",
        " dagar ",
        " skola ",
        " fiktiv",
        " Källa",
        " mån",
        "–sön",
    ] {
        assert!(
            !padded.contains(sv_word),
            "English report has Swedish {sv_word:?} outside the marked names: …{}…",
            padded
                .find(sv_word)
                .map(|i| &padded[i.saturating_sub(100)..(i + 60).min(padded.len())])
                .unwrap_or("")
        );
    }
    assert!(!en_text.contains("Hot spot, 99 % konfidens"));
    assert!(
        hyphen_hours(&en_text).is_empty(),
        "{:?}",
        hyphen_hours(&en_text)
    );
    assert!(en_text.contains("Harm*") && en_text.contains("* Harm:"));
    // No private marker or span leaked into a map, chart or table file.
    for f in ["maps/patrol.svg", "tables/patrol_zones.csv", "summary.json"] {
        let t = std::fs::read_to_string(dir.path().join("en").join(f)).unwrap();
        assert!(!t.contains("class=\"given\""), "{f}");
    }

    // Legible: every map and chart text at least 11 px on a 1280 px page, in both languages.
    for (lang, html) in [("sv", &sv), ("en", &en)] {
        let sizes = smallest_text(html);
        assert!(sizes.len() >= 20, "{lang}: only {} figures", sizes.len());
        for (px, label) in sizes {
            assert!(px >= 10.99, "{lang}: {label}: text {px:.2} px at 1280 px");
        }
    }
}

#[test]
fn hour_ranges_with_a_hyphen_are_found_and_dates_are_not() {
    assert_eq!(hyphen_hours("fre 16-00, lör"), vec!["16-00".to_string()]);
    assert!(hyphen_hours("2025-03-21, 16–24, 1234-5678").is_empty());
    let html = "<body><p>a <span class=\"given\" lang=\"sv\">Torget</span> b</p>\
                <svg viewBox=\"0 0 1710 100\"><text font-size=\"20\">x</text></svg></body>";
    assert_eq!(
        prose(html, true).split_whitespace().collect::<Vec<_>>(),
        ["a", "b"]
    );
    assert!(prose(html, false).contains("Torget"));
    let s = smallest_text(html);
    assert_eq!(s.len(), 1);
    assert!((s[0].0 - 10.0).abs() < 1e-9);
}
