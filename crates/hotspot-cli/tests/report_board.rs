//! What a municipal board reads in the report of the bundled Vingåker sample (issue 16, review
//! points): the schools table in rank order, the Gi* legend in plain words, the follow-up
//! charts' note on partial periods only when a period is partial, and the days the weekday test
//! does not tell apart written as "alla dagar" (no "any day" / "any hour").
#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

mod common;

use common::{bin, data, stderr};
use std::path::Path;

fn report(config: &Path, out: &Path) -> String {
    let o = bin()
        .args(["-q", "report"])
        .arg(config)
        .args(["--print", "false", "--out"])
        .arg(out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::read_to_string(out.join("report.html")).unwrap()
}

/// The cells of the first column of the table whose header row starts with `first_head`.
fn first_column(html: &str, first_head: &str) -> Vec<String> {
    let start = html
        .find(&format!("<th class=\"n\">{first_head}</th>"))
        .unwrap();
    let table = &html[start..start + html[start..].find("</table>").unwrap()];
    table
        .split("<tr><td")
        .skip(1)
        .map(|row| {
            let cell = &row[row.find('>').unwrap() + 1..];
            cell[..cell.find("</td>").unwrap()].to_string()
        })
        .collect()
}

#[test]
fn the_board_reads_ranks_in_order_plain_legends_and_notes_only_where_they_apply() {
    let dir = tempfile::tempdir().unwrap();
    let html = report(&data("vingaker/report.toml"), &dir.path().join("sv"));

    // The schools table lists the schools by their rank, 1, 2, 3, ...
    let ranks: Vec<usize> = first_column(&html, "Rang")
        .iter()
        .map(|r| r.parse().unwrap())
        .collect();
    assert_eq!(ranks.len(), 6, "{ranks:?}");
    assert_eq!(ranks, (1..=ranks.len()).collect::<Vec<_>>());
    // Problem areas, whose names hold commas, are listed with semicolons.
    assert!(
        html.contains("<td>Unga i riskzon för droger och kriminalitet; Skadegörelse, klotter och nedskräpning</td>"),
        "areas of a school not separated by a semicolon"
    );
    // Tiny p-values are written as below a thousandth, not as zero.
    assert!(
        html.contains("<td class=\"n\">&lt; 0,001</td>"),
        "no p < 0,001"
    );
    assert!(!html.contains("<td class=\"n\">0,000</td>"));

    // The Gi* legend says what the colours mean, not the name of the correction.
    // (Wrapped onto two lines in the legend.)
    assert!(
        html.contains("Fler eller färre händelser än väntat\n")
            && html.contains("(Gi*, justerat för många test)"),
        "no plain Gi* legend"
    );
    assert!(!html.contains("FDR-justerat"));

    // The sample follows 2026 up in whole tertials: no chart is marked partial, so no note
    // explains the mark.
    assert!(
        html.contains("Torget (fiktiv) – alla händelser"),
        "no follow-up charts"
    );
    assert!(
        !html.contains("perioden är inte hel"),
        "partial-period note without a partial period"
    );

    // Days: the weekday test's "no difference" reads as Swedish words.
    assert!(html.contains("alla dagar"));
    for s in ["any day", "any hour", "alla tider"] {
        assert!(!html.contains(s), "{s:?} in the Swedish report");
    }

    // Followed up to mid-November: the last tertial is partial, marked and explained.
    let cut = dir.path().join("cut");
    std::fs::create_dir(&cut).unwrap();
    for e in std::fs::read_dir(data("vingaker")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, cut.join(p.file_name().unwrap())).unwrap();
    }
    let toml = std::fs::read_to_string(cut.join("report.toml")).unwrap();
    assert!(toml.contains("followup_to = \"2026-12-31\""));
    std::fs::write(
        cut.join("report.toml"),
        toml.replace(
            "followup_to = \"2026-12-31\"",
            "followup_to = \"2026-11-15\"",
        ),
    )
    .unwrap();
    let html = report(&cut.join("report.toml"), &dir.path().join("cut_out"));
    assert!(
        html.contains("T3 2026*"),
        "the partial tertial is not marked"
    );
    assert!(
        html.contains("* = perioden är inte hel"),
        "no note for the partial tertial"
    );
    assert!(html.contains("(perioden är inte hel)"));
}
