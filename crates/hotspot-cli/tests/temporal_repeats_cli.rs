//! `hotspot temporal` (the aoristic weekday x hour table, from/to columns detected by name) and
//! `hotspot repeats` (every location with two or more incidents, public mode), each checked against
//! an independent computation in the test.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

mod common;

use chrono::{Datelike, NaiveDateTime, Timelike};
use common::{bin, stderr};
use std::collections::BTreeMap;
use std::path::Path;

/// Independent aoristic table: minute by minute over [from, to) (local times without offset and
/// no daylight-saving change inside the intervals used here), each minute weighing 1/len.
fn minute_table(rows: &[(NaiveDateTime, Option<NaiveDateTime>)], max_days: i64) -> [[f64; 24]; 7] {
    let mut t = [[0.0; 24]; 7];
    for &(a, b) in rows {
        match b {
            Some(b) if b > a => {
                let mins = (b - a).num_minutes();
                if mins > max_days * 24 * 60 {
                    continue;
                }
                for k in 0..mins {
                    let m = a + chrono::Duration::minutes(k);
                    t[m.weekday().num_days_from_monday() as usize][m.hour() as usize] +=
                        1.0 / mins as f64;
                }
            }
            _ => t[a.weekday().num_days_from_monday() as usize][a.hour() as usize] += 1.0,
        }
    }
    t
}

fn dt(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

fn run_temporal(
    dir: &Path,
    header: (&str, &str),
    rows: &[(&str, &str)],
) -> (String, serde_json::Value) {
    let mut text = format!("id,latitude,longitude,category,{},{}\n", header.0, header.1);
    for (k, (a, b)) in rows.iter().enumerate() {
        text.push_str(&format!(
            "{},{:.6},{:.6},Skadegörelse,{a},{b}\n",
            k + 1,
            59.04 + 0.0001 * k as f64,
            15.87
        ));
    }
    let input = dir.join(format!("in-{}.csv", header.0));
    std::fs::write(&input, text).unwrap();
    let out = dir.join(format!("out-{}.csv", header.0));
    let o = bin()
        .args(["-q", "temporal"])
        .arg(&input)
        .arg("--csv")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let json = serde_json::from_str(&std::fs::read_to_string(out.with_extension("json")).unwrap())
        .unwrap();
    (std::fs::read_to_string(&out).unwrap(), json)
}

#[test]
fn temporal_reproduces_an_independent_aoristic_table_with_detected_from_to_columns() {
    let dir = tempfile::tempdir().unwrap();
    // Friday 16:00 - Monday 07:00 (a school weekend), across midnight, exact (empty to), equal
    // from and to, a 20-day interval (time unknown), and a 45-minute interval inside one hour.
    let rows = [
        ("2025-03-07 16:00", "2025-03-10 07:00"),
        ("2025-03-11 23:20", "2025-03-12 02:05"),
        ("2025-03-12 09:15", ""),
        ("2025-03-13 13:30", "2025-03-13 13:30"),
        ("2025-04-01 08:00", "2025-04-21 08:00"),
        ("2025-03-14 10:05", "2025-03-14 10:50"),
    ];
    let parsed: Vec<(NaiveDateTime, Option<NaiveDateTime>)> = rows
        .iter()
        .map(|(a, b)| (dt(a), (!b.is_empty()).then(|| dt(b))))
        .collect();
    let want = minute_table(&parsed, 14);
    for header in [
        ("from", "to"),
        ("starttid", "sluttid"),
        ("tidigast", "senast"),
        ("first_occurrence", "last_occurrence"),
        ("start", "end"),
        ("från", "till"),
    ] {
        let (csv, json) = run_temporal(dir.path(), header, &rows);
        let mut lines = csv.lines();
        let head: Vec<String> = std::iter::once("weekday".to_string())
            .chain((0..24).map(|h| format!("h{h:02}")))
            .collect();
        assert_eq!(lines.next().unwrap(), head.join(","), "{header:?}");
        let days = [
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        ];
        for (d, line) in lines.enumerate() {
            let f: Vec<&str> = line.split(',').collect();
            assert_eq!(f[0], days[d]);
            for h in 0..24 {
                let got: f64 = f[h + 1].parse().unwrap();
                assert!(
                    (got - want[d][h]).abs() < 1e-6,
                    "{header:?} {} h{h:02}: {got} vs {}",
                    days[d],
                    want[d][h]
                );
            }
        }
        let t = &json["tables"][0]["totals"];
        assert_eq!(
            (
                t["exact"].as_u64(),
                t["interval"].as_u64(),
                t["unknown"].as_u64()
            ),
            (Some(2), Some(3), Some(1)),
            "{header:?}: {t}"
        );
    }
}

fn run_repeats(input: &Path, out: &Path, extra: &[&str]) -> String {
    let o = bin()
        .args(["-q", "repeats"])
        .arg(input)
        .arg("--csv")
        .arg(out)
        .args(extra)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::read_to_string(out).unwrap()
}

#[test]
fn repeats_lists_every_location_with_two_or_more_and_public_mode_hides_small_ones() {
    let dir = tempfile::tempdir().unwrap();
    // Locations with 1..=7 incidents (identical coordinates), deterministic.
    let mut text = String::from("id,datetime,latitude,longitude,category\n");
    let mut id = 0;
    let mut direct: BTreeMap<(String, String), usize> = BTreeMap::new();
    for loc in 0..14usize {
        let n = 1 + loc % 7;
        let (lat, lon) = (
            format!("{:.6}", 59.03 + 0.002 * loc as f64),
            format!("{:.6}", 15.86 + 0.001 * (loc % 3) as f64),
        );
        for k in 0..n {
            id += 1;
            text.push_str(&format!(
                "{id},2025-0{}-{:02}T12:00:00+01:00,{lat},{lon},Stöld\n",
                1 + k % 6,
                1 + (loc + 3 * k) % 27
            ));
        }
        *direct.entry((lat, lon)).or_default() += n;
    }
    let input = dir.path().join("rep.csv");
    std::fs::write(&input, text).unwrap();
    let parse = |csv: &str| -> BTreeMap<(String, String), usize> {
        let mut r = csv::Reader::from_reader(csv.as_bytes());
        let h = r.headers().unwrap().clone();
        let col = |n: &str| h.iter().position(|x| x == n).unwrap();
        let (lo, la, n) = (col("lon"), col("lat"), col("incidents"));
        r.records()
            .map(|rec| {
                let rec = rec.unwrap();
                (
                    (
                        format!("{:.6}", rec[la].parse::<f64>().unwrap()),
                        format!("{:.6}", rec[lo].parse::<f64>().unwrap()),
                    ),
                    rec[n].parse().unwrap(),
                )
            })
            .collect()
    };
    let got = parse(&run_repeats(&input, &dir.path().join("all.csv"), &[]));
    let want: BTreeMap<_, _> = direct
        .iter()
        .filter(|(_, n)| **n >= 2)
        .map(|(k, v)| (k.clone(), *v))
        .collect();
    assert_eq!(got, want);
    let public = parse(&run_repeats(
        &input,
        &dir.path().join("pub.csv"),
        &["--public", "--min-count", "5"],
    ));
    let want: BTreeMap<_, _> = direct
        .iter()
        .filter(|(_, n)| **n >= 5)
        .map(|(k, v)| (k.clone(), *v))
        .collect();
    assert_eq!(public, want);
    assert!(public.values().all(|&n| n >= 5));
    let j: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("pub.json")).unwrap())
            .unwrap();
    // Totals stay those of every repeat location.
    let repeat_incidents: usize = direct.values().filter(|n| **n >= 2).sum();
    assert_eq!(
        j["incidents_at_repeat_locations"].as_u64().unwrap() as usize,
        repeat_incidents
    );
}
