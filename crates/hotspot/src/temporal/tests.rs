use super::*;
use crate::crs::Crs;
use crate::incident::{IncidentRecord, IncidentsBuilder};
use crate::ingest::{interval_len, parse_time};
use chrono::Weekday;
use chrono_tz::Europe::Stockholm;
use rand::{RngExt, SeedableRng};

/// Incidents from `(from, to)` texts read in Stockholm time (`to` empty: exact; `from` empty: no time).
pub(crate) fn scene(rows: &[(&str, &str)]) -> Incidents {
    let mut b = IncidentsBuilder::new(Crs::SWEREF99_TM).unwrap();
    for (k, (from, to)) in rows.iter().enumerate() {
        let t = (!from.is_empty()).then(|| parse_time(from, Stockholm).unwrap());
        let len = match (&t, to.is_empty()) {
            (Some(f), false) => {
                interval_len(f, &parse_time(to, Stockholm).unwrap(), Stockholm).unwrap()
            }
            _ => 0,
        };
        b.push_interval(
            IncidentRecord {
                x: 550_000.0 + k as f64,
                y: 6_545_000.0,
                weight: 1.0,
                category: "Skadegörelse",
                time: t,
                id: (k + 1).to_string(),
                lonlat: None,
            },
            len,
        )
        .unwrap();
    }
    b.build()
}

fn table(rows: &[(&str, &str)]) -> WeekHourTable {
    WeekHourTable::compute(&scene(rows), None, &AoristicOptions::default()).unwrap()
}

fn cell(t: &WeekHourTable, d: Weekday, h: usize) -> f64 {
    t.weights[d.num_days_from_monday() as usize][h]
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

fn total(t: &WeekHourTable) -> f64 {
    t.weights.iter().flatten().sum()
}

#[test]
fn interval_across_midnight() {
    // Tuesday 2025-03-11 23:30 to Wednesday 00:30: half in each hour.
    let t = table(&[("2025-03-11 23:30", "2025-03-12 00:30")]);
    assert!(close(cell(&t, Weekday::Tue, 23), 0.5));
    assert!(close(cell(&t, Weekday::Wed, 0), 0.5));
    assert!(close(total(&t), 1.0));
    assert_eq!((t.totals.interval, t.totals.exact), (1, 0));
}

#[test]
fn interval_across_the_week_boundary() {
    // Sunday 2025-03-16 22:45 to Monday 01:15 (150 minutes).
    let t = table(&[("2025-03-16 22:45", "2025-03-17 01:15")]);
    assert!(close(cell(&t, Weekday::Sun, 22), 15.0 / 150.0));
    assert!(close(cell(&t, Weekday::Sun, 23), 60.0 / 150.0));
    assert!(close(cell(&t, Weekday::Mon, 0), 60.0 / 150.0));
    assert!(close(cell(&t, Weekday::Mon, 1), 15.0 / 150.0));
    assert!(close(total(&t), 1.0));
}

#[test]
fn intervals_across_daylight_saving_changes() {
    // Spring: Sunday 2025-03-30 01:30 to 03:30 is one real hour; 02:00-03:00 does not exist.
    let t = table(&[("2025-03-30 01:30", "2025-03-30 03:30")]);
    assert!(close(cell(&t, Weekday::Sun, 1), 0.5));
    assert_eq!(cell(&t, Weekday::Sun, 2), 0.0);
    assert!(close(cell(&t, Weekday::Sun, 3), 0.5));
    // Autumn: Sunday 2025-10-26 01:30+02:00 to 03:30+01:00 is three real hours; 02:00-03:00 twice.
    let t = table(&[("2025-10-26 01:30", "2025-10-26 03:30")]);
    assert!(close(cell(&t, Weekday::Sun, 1), 0.5 / 3.0));
    assert!(close(cell(&t, Weekday::Sun, 2), 2.0 / 3.0));
    assert!(close(cell(&t, Weekday::Sun, 3), 0.5 / 3.0));
    assert!(close(total(&t), 1.0));
}

#[test]
fn three_day_weekend_window() {
    // School vandalism found Monday morning: Friday 2025-03-14 16:00 to Monday 07:00 = 63 hours.
    let t = table(&[("2025-03-14 16:00", "2025-03-17 07:00")]);
    let w = 1.0 / 63.0;
    for h in 0..24 {
        let fri = if h >= 16 { w } else { 0.0 };
        let mon = if h < 7 { w } else { 0.0 };
        assert!(close(cell(&t, Weekday::Fri, h), fri), "fri {h}");
        assert!(close(cell(&t, Weekday::Sat, h), w), "sat {h}");
        assert!(close(cell(&t, Weekday::Sun, h), w), "sun {h}");
        assert!(close(cell(&t, Weekday::Mon, h), mon), "mon {h}");
        assert_eq!(cell(&t, Weekday::Wed, h), 0.0);
    }
    assert!(close(total(&t), 1.0));
}

#[test]
fn exact_unknown_and_too_long_are_counted() {
    let t = table(&[
        ("2025-03-11 10:15", ""),
        ("2025-03-11 10:15", "2025-03-11 10:15"),
        ("2025-03-11", ""),
        ("2025-03", ""),
        ("", ""),
        ("2025-03-01 10:00", "2025-03-20 10:00"),
        ("2025-03-11 10:00", "2025-03-11 12:00"),
    ]);
    let tot = t.totals;
    assert_eq!(
        (
            tot.incidents,
            tot.exact,
            tot.interval,
            tot.no_hour,
            tot.no_time,
            tot.too_long,
            tot.unknown
        ),
        (7, 2, 1, 2, 1, 1, 4)
    );
    assert!(close(cell(&t, Weekday::Tue, 10), 2.5));
    assert!(close(cell(&t, Weekday::Tue, 11), 0.5));
    assert!(close(total(&t), 3.0));
    // With a longer maximum span the 19-day interval counts too.
    let long = AoristicOptions {
        max_span_days: 30.0,
        ..AoristicOptions::default()
    };
    let t2 = WeekHourTable::compute(
        &scene(&[("2025-03-01 10:00", "2025-03-20 10:00")]),
        None,
        &long,
    )
    .unwrap();
    assert_eq!(t2.totals.interval, 1);
    assert!(close(total(&t2), 1.0));
    assert!(
        AoristicOptions {
            max_span_days: 0.0,
            ..long
        }
        .validate()
        .is_err()
    );
}

#[test]
fn csv_has_the_documented_layout() {
    let t = table(&[("2025-03-11 23:30", "2025-03-12 00:30")]);
    let csv = t.to_csv();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 8);
    assert!(lines[0].starts_with("weekday,h00,h01,") && lines[0].ends_with(",h23"));
    assert!(lines[1].starts_with("Monday,0.000000,"));
    assert!(lines[2].starts_with("Tuesday,") && lines[2].ends_with(",0.500000"));
    assert!(lines[3].starts_with("Wednesday,0.500000,"));
    assert!(lines[7].starts_with("Sunday,"));
}

/// The table against a minute-by-minute count on random intervals (many across the 2025 DST changes),
/// and the same table for any thread count.
#[test]
fn table_matches_brute_force_minute_by_minute() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(19);
    let starts = [
        "2025-03-27 12:00",
        "2025-10-23 12:00",
        "2025-06-02 00:00",
        "2025-12-30 18:00",
    ];
    let mut rows: Vec<(String, String)> = Vec::new();
    for k in 0..400 {
        let base = parse_time(starts[k % 4], Stockholm).unwrap().timestamp();
        let from = base + 60 * rng.random_range(0..7 * 1440);
        let len = if k % 5 == 0 {
            0
        } else {
            60 * rng.random_range(1..6 * 1440)
        };
        let text = |ts: i64| {
            Stockholm
                .timestamp_opt(ts, 0)
                .unwrap()
                .format("%Y-%m-%d %H:%M%:z")
                .to_string()
        };
        rows.push((
            text(from),
            if len == 0 {
                String::new()
            } else {
                text(from + len)
            },
        ));
    }
    let refs: Vec<(&str, &str)> = rows.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let inc = scene(&refs);
    let mut want = [[0.0f64; 24]; 7];
    for i in 0..inc.len() {
        let (a, b) = inc.interval(i).unwrap();
        let t = inc.times()[i].unwrap();
        if a == b {
            let l = t.instant();
            want[l.weekday().num_days_from_monday() as usize][l.hour() as usize] += 1.0;
            continue;
        }
        let minutes = (b - a) / 60;
        for m in 0..minutes {
            let l = Stockholm.timestamp_opt(a + 60 * m, 0).unwrap();
            want[l.weekday().num_days_from_monday() as usize][l.hour() as usize] +=
                1.0 / minutes as f64;
        }
    }
    let opts = AoristicOptions::default();
    let got = WeekHourTable::compute(&inc, None, &opts).unwrap();
    for (g, w) in got.weights.iter().zip(&want) {
        for (a, b) in g.iter().zip(w) {
            assert!((a - b).abs() < 1e-6, "{a} {b}");
        }
    }
    assert!((total(&got) - 400.0).abs() < 1e-6);
    for threads in [1, 3] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let again = pool.install(|| WeekHourTable::compute(&inc, None, &opts).unwrap());
        assert_eq!(again.to_csv(), got.to_csv());
    }
}

#[test]
fn share_in_a_range() {
    let inc = scene(&[
        ("2025-03-14 16:00", "2025-03-17 07:00"),
        ("2025-03-14 16:00", ""),
    ]);
    let day = |s: &str| parse_time(s, Stockholm).unwrap().timestamp();
    // Saturday 00:00 to Monday 00:00: 48 of 63 hours.
    let (a, b) = (day("2025-03-15"), day("2025-03-17"));
    assert!(close(share_in(&inc, 0, a, b).unwrap(), 48.0 / 63.0));
    assert_eq!(share_in(&inc, 1, a, b), Some(0.0));
    assert_eq!(share_in(&inc, 1, day("2025-03-14"), a), Some(1.0));
}

/// From/to columns read from CSV and GeoJSON without flags: intervals, exact rows, rejections.
#[test]
fn from_to_columns_are_read_from_files() {
    use crate::ingest::{ReadOptions, RejectReason, read_path};
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("t.csv");
    std::fs::write(
        &csv,
        "lat,lon,brottstyp,tidigast,senast\n\
         59.04,15.87,Klotter,2025-03-14 16:00,2025-03-17 07:00\n\
         59.04,15.87,Klotter,2025-03-14 16:00,\n\
         59.04,15.87,Klotter,2025-03-14 16:00,2025-03-14 16:00\n\
         59.04,15.87,Klotter,2025-03-14 16:00,2025-03-14 15:00\n\
         59.04,15.87,Klotter,2025-03-14 16:00,soon\n\
         59.04,15.87,Klotter,2025-03-01 00:00,2025-03-20 00:00\n",
    )
    .unwrap();
    let d = read_path(&csv, &ReadOptions::default()).unwrap();
    assert_eq!(d.incidents.len(), 4);
    assert_eq!(
        d.incidents.interval_lengths(),
        &[63 * 3600, 0, 0, 19 * 86_400]
    );
    let reasons: Vec<(u64, RejectReason)> = d
        .report
        .rejections
        .iter()
        .map(|r| (r.line, r.reason))
        .collect();
    assert_eq!(
        reasons,
        vec![
            (5, RejectReason::TimeToBeforeFrom),
            (6, RejectReason::UnreadableTime)
        ]
    );
    assert!(d.report.rejections[0].detail.contains("before"));
    assert_eq!(d.report.columns["time"], "tidigast");
    assert_eq!(d.report.columns["time_to"], "senast");
    assert!(
        d.report.notes.iter().any(
            |n| n.contains("2 of 4 incidents have a from/to time interval")
                && n.contains("1 of them span more than 14 days")
        ),
        "{:?}",
        d.report.notes
    );
    let t = WeekHourTable::compute(&d.incidents, None, &AoristicOptions::default()).unwrap();
    assert_eq!(
        (t.totals.exact, t.totals.interval, t.totals.too_long),
        (2, 1, 1)
    );
    // The same from GeoJSON properties.
    let gj = dir.path().join("t.geojson");
    std::fs::write(
        &gj,
        r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","geometry":{"type":"Point","coordinates":[15.87,59.04]},
         "properties":{"start":"2025-03-14 16:00","end":"2025-03-17 07:00"}},
        {"type":"Feature","geometry":{"type":"Point","coordinates":[15.87,59.04]},
         "properties":{"start":"2025-03-14 16:00","end":"2025-03-13"}}]}"#,
    )
    .unwrap();
    let d = read_path(&gj, &ReadOptions::default()).unwrap();
    assert_eq!(d.incidents.interval_lengths(), &[63 * 3600]);
    assert_eq!(
        d.report.rejections[0].reason,
        RejectReason::TimeToBeforeFrom
    );
}

#[test]
fn by_problem_area_splits_the_table_by_area_in_area_order() {
    // Two vandalism incidents (Mon 10:xx, Tue 23:xx) and one assault (Mon 10:xx), exact times.
    let rows = [
        ("2025-03-03 10:15", "Skadegörelse"),
        ("2025-03-03 10:45", "Misshandel"),
        ("2025-03-04 23:00", "Skadegörelse"),
    ];
    let mut b = IncidentsBuilder::new(Crs::SWEREF99_TM).unwrap();
    for (k, (t, cat)) in rows.iter().enumerate() {
        b.push(IncidentRecord {
            x: 550_000.0 + k as f64,
            y: 6_545_000.0,
            weight: 1.0,
            category: cat,
            time: Some(parse_time(t, Stockholm).unwrap()),
            id: (k + 1).to_string(),
            lonlat: None,
        })
        .unwrap();
    }
    let inc = b.build();
    let cls = crate::categories::CategoryTable::default_table().classify(&inc);
    let opts = AoristicOptions {
        timezone: Stockholm,
        ..AoristicOptions::default()
    };
    let t = WeekHourTable::by_problem_area(&inc, &cls, &opts).unwrap();
    let areas: Vec<&str> = t.iter().map(|(a, _)| a.id()).collect();
    // Violence comes before vandalism in ProblemArea::ALL; areas without incidents are left out.
    assert_eq!(areas, ["violence", "vandalism"]);
    let (v, d) = (&t[0].1, &t[1].1);
    assert_eq!(v.totals.incidents, 1);
    assert_eq!(v.weights[0][10], 1.0);
    assert_eq!(v.weights.iter().flatten().sum::<f64>(), 1.0);
    assert_eq!(d.totals.incidents, 2);
    assert_eq!((d.weights[0][10], d.weights[1][23]), (1.0, 1.0));
    assert_eq!(d.weights.iter().flatten().sum::<f64>(), 2.0);
}

fn date(s: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn day_shares_of_a_weekend_window_exact_and_no_time() {
    let inc = scene(&[
        ("2025-03-14 16:00", "2025-03-17 07:00"),
        ("2025-03-14 23:59", ""),
        ("", ""),
    ]);
    // Friday 16-24 = 8 h, Saturday 24 h, Sunday 24 h, Monday 0-7 = 7 h: of 63 h.
    let got = day_shares(&inc, 0, Stockholm);
    let want = [
        ("2025-03-14", 8.0),
        ("2025-03-15", 24.0),
        ("2025-03-16", 24.0),
        ("2025-03-17", 7.0),
    ];
    assert_eq!(got.len(), want.len());
    for ((d, s), (wd, h)) in got.iter().zip(want) {
        assert_eq!(*d, date(wd));
        assert!(close(*s, h / 63.0), "{d}: {s}");
    }
    assert_eq!(
        day_shares(&inc, 1, Stockholm),
        vec![(date("2025-03-14"), 1.0)]
    );
    assert!(day_shares(&inc, 2, Stockholm).is_empty());
}

#[test]
fn day_shares_across_a_month_boundary_and_a_dst_change_agree_with_period_share() {
    // 2025-03-30 is the spring-forward day in Stockholm (23 h): Saturday 29 March 12:00 to Tuesday
    // 1 April 12:00 is 12 + 23 + 24 + 12 = 71 real hours.
    let inc = scene(&[("2025-03-29 12:00", "2025-04-01 12:00")]);
    let got = day_shares(&inc, 0, Stockholm);
    let hours: Vec<f64> = got.iter().map(|(_, s)| s * 71.0).collect();
    for (h, w) in hours.iter().zip([12.0, 23.0, 24.0, 12.0]) {
        assert!(close(*h, w), "{hours:?}");
    }
    let march = crate::period::Period::new(date("2025-03-01"), date("2025-03-31")).unwrap();
    let in_march: f64 = got
        .iter()
        .filter(|(d, _)| march.start <= *d && *d <= march.end)
        .map(|(_, s)| s)
        .sum();
    assert!(close(in_march, 59.0 / 71.0));
    assert!(close(in_march, march.share(&inc, 0, Stockholm)));
    assert!(close(got.iter().map(|(_, s)| s).sum::<f64>(), 1.0));
}
