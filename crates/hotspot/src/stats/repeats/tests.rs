use super::*;
use crate::crs::Crs;
use crate::incident::{IncidentRecord, IncidentsBuilder};
use crate::time::{IncidentTime, TimeResolution};
use chrono::{FixedOffset, TimeZone};
use rand::{RngExt, SeedableRng};

/// Incidents at `(x, y, day, category)`, day = days after 2025-01-01 12:00+01:00 (`None`: no time).
fn scene(rows: &[(f64, f64, Option<i64>, &str)]) -> Incidents {
    let off = FixedOffset::east_opt(3600).unwrap();
    let t0 = off
        .with_ymd_and_hms(2025, 1, 1, 12, 0, 0)
        .unwrap()
        .timestamp();
    let mut b = IncidentsBuilder::new(Crs::SWEREF99_TM).unwrap();
    for (k, &(x, y, day, cat)) in rows.iter().enumerate() {
        b.push(IncidentRecord {
            x,
            y,
            weight: 1.0,
            category: cat,
            time: day.map(|d| {
                IncidentTime::new(
                    off.timestamp_opt(t0 + d * 86_400, 0).unwrap(),
                    TimeResolution::Minute,
                )
            }),
            id: (k + 1).to_string(),
            lonlat: None,
        })
        .unwrap();
    }
    b.build()
}

fn proj() -> Projector {
    Projector::new(Crs::SWEREF99_TM).unwrap()
}

#[test]
fn hand_computed_locations_and_curve() {
    let (ax, ay) = (550_000.0, 6_545_000.0);
    let inc = scene(&[
        (ax, ay, Some(0), "Klotter"),
        (ax, ay, Some(5), "Klotter"),
        (ax, ay, Some(40), "Skadegörelse"),
        (ax + 300.0, ay, Some(10), "Stöld"),
        (ax + 300.0, ay, Some(12), "Stöld"),
        (ax + 600.0, ay, Some(100), "Stöld"),
        (ax + 900.0, ay, None, "Stöld"),
    ]);
    let r = repeats(&inc, &proj(), &RepeatOptions::default()).unwrap();
    assert_eq!(
        (r.total_incidents, r.locations, r.repeat_locations),
        (7, 4, 2)
    );
    assert_eq!(r.incidents_at_repeat_locations, 5);
    assert!((r.share_at_repeat_locations - 5.0 / 7.0).abs() < 1e-12);
    assert_eq!(r.listed.len(), 2);
    let a = &r.listed[0];
    assert_eq!((a.x, a.y, a.incidents), (ax, ay, 3));
    assert_eq!(a.members, vec![0, 1, 2]);
    assert_eq!(a.first.as_deref(), Some("2025-01-01T12:00:00+01:00"));
    assert_eq!(a.last.as_deref(), Some("2025-02-10T12:00:00+01:00"));
    // Gaps 5 and 35 days: median 20.
    assert_eq!(a.median_days_between, Some(20.0));
    assert_eq!(
        a.categories,
        vec![
            CategoryCount {
                name: "Klotter".into(),
                count: 2
            },
            CategoryCount {
                name: "Skadegörelse".into(),
                count: 1
            },
        ]
    );
    assert_eq!(r.listed[1].median_days_between, Some(2.0));
    // Curve: the data run from day 0 to day 100.
    // 7 days: at risk = incidents with t + 7 <= 100: days 0, 5, 40, 10, 12 (not 100) = 5;
    // repeats within 7: day 0 -> 5 (yes), 5 -> 40 (no), 40 -> none, 10 -> 12 (yes), 12 -> none = 2.
    let c7 = r.curve[0];
    assert_eq!((c7.days, c7.at_risk, c7.repeats), (7, 5, 2));
    assert!((c7.probability - 0.4).abs() < 1e-12);
    // Base rate: 6 timed incidents over 3 timed locations and 100 days.
    let base = 1.0 - (-6.0 * 7.0 / (3.0 * 100.0f64)).exp();
    assert!((c7.base_rate - base).abs() < 1e-12 && (c7.ratio - 0.4 / base).abs() < 1e-9);
    // Random times: at-risk incidents at locations of 3, 3, 3, 2, 2 incidents, d/T = 0.07.
    let q: f64 = 1.0 - 0.07;
    let exp = (3.0 * (1.0 - q.powi(2)) + 2.0 * (1.0 - q)) / 5.0;
    assert!((c7.expected_random_times - exp).abs() < 1e-12);
    // 90 days: at risk = days 0, 5, 10 (t + 90 <= 100) = 3; repeats: 0 -> 5, 5 -> 40, 10 -> 12 = 3.
    let c90 = r.curve[3];
    assert_eq!((c90.at_risk, c90.repeats), (3, 3));
    // --min 3 lists only the first; public mode with min_count 4 lists none but keeps the totals.
    let r3 = repeats(
        &inc,
        &proj(),
        &RepeatOptions {
            min_incidents: 3,
            ..RepeatOptions::default()
        },
    )
    .unwrap();
    assert_eq!(r3.listed.len(), 1);
    let public = RepeatOptions {
        public_min_count: Some(4),
        ..RepeatOptions::default()
    };
    let rp = repeats(&inc, &proj(), &public).unwrap();
    assert!(rp.listed.is_empty());
    assert_eq!((rp.not_listed, rp.incidents_at_repeat_locations), (2, 5));
    assert_eq!(rp.to_csv().lines().count(), 1);
    // CSV layout.
    let csv = r.to_csv();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "lon,lat,incidents,first,last,categories,median_days_between"
    );
    assert!(lines[1].contains(",3,2025-01-01T12:00:00+01:00,2025-02-10T12:00:00+01:00,Klotter (2); Skadegörelse (1),20.00"), "{}", lines[1]);
    assert_eq!(lines.len(), 3);
}

#[test]
fn tolerance_groups_around_the_busiest_position_without_chaining() {
    let (ax, ay) = (550_000.0, 6_545_000.0);
    // Positions on a line 8 m apart: A (3 incidents), B at +8 (1), C at +16 (2), D at +24 (1).
    // Tolerance 10: C is busier than B and D, but A (3) goes first and takes B; C then takes D.
    let rows = vec![
        (ax, ay, Some(0), "a"),
        (ax, ay, Some(1), "a"),
        (ax, ay, Some(2), "a"),
        (ax + 8.0, ay, Some(3), "b"),
        (ax + 16.0, ay, Some(4), "c"),
        (ax + 16.0, ay, Some(5), "c"),
        (ax + 24.0, ay, Some(6), "d"),
    ];
    let opts = RepeatOptions {
        tolerance_m: 10.0,
        ..RepeatOptions::default()
    };
    let r = repeats(&scene(&rows), &proj(), &opts).unwrap();
    assert_eq!(r.locations, 2);
    let got: Vec<(f64, usize)> = r.listed.iter().map(|l| (l.x - ax, l.incidents)).collect();
    assert_eq!(got, vec![(0.0, 4), (16.0, 3)]);
    // The same groups whatever the order of the rows.
    let mut rev = rows.clone();
    rev.reverse();
    let r2 = repeats(&scene(&rev), &proj(), &opts).unwrap();
    let got2: Vec<(f64, usize)> = r2.listed.iter().map(|l| (l.x - ax, l.incidents)).collect();
    assert_eq!(got2, got);
    assert_eq!(r2.to_csv(), r.to_csv());
    assert!(
        repeats(
            &scene(&rows),
            &proj(),
            &RepeatOptions {
                tolerance_m: -1.0,
                ..opts
            }
        )
        .is_err()
    );
    assert!(
        repeats(
            &scene(&rows),
            &proj(),
            &RepeatOptions {
                min_incidents: 1,
                ..opts
            }
        )
        .is_err()
    );
}

/// Counts and curve against a direct count on a random scene with many shared positions.
#[test]
fn counts_and_curve_match_a_direct_count() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let places: Vec<(f64, f64)> = (0..60)
        .map(|_| {
            (
                550_000.0 + rng.random_range(0..2000) as f64,
                6_545_000.0 + rng.random_range(0..2000) as f64,
            )
        })
        .collect();
    let cats = ["Klotter", "Stöld", "Misshandel"];
    let rows: Vec<(f64, f64, Option<i64>, &str)> = (0..500)
        .map(|k| {
            // Skewed: low place numbers are more common.
            let p = places[(rng.random_range(0..60) * rng.random_range(0..60)) / 60];
            let day = (k % 13 != 0).then(|| rng.random_range(0..365));
            (p.0, p.1, day, cats[rng.random_range(0..3)])
        })
        .collect();
    let inc = scene(&rows);
    let r = repeats(&inc, &proj(), &RepeatOptions::default()).unwrap();
    // Direct count of incidents per identical position.
    let mut direct: Vec<((f64, f64), usize)> = Vec::new();
    for row in &rows {
        match direct.iter_mut().find(|(p, _)| *p == (row.0, row.1)) {
            Some(e) => e.1 += 1,
            None => direct.push(((row.0, row.1), 1)),
        }
    }
    let mut want: Vec<((f64, f64), usize)> = direct.iter().copied().filter(|d| d.1 >= 2).collect();
    want.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap());
    let mut got: Vec<((f64, f64), usize)> =
        r.listed.iter().map(|l| ((l.x, l.y), l.incidents)).collect();
    got.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap());
    assert_eq!(got, want);
    assert_eq!(r.locations, direct.len());
    assert_eq!(
        r.incidents_at_repeat_locations,
        want.iter().map(|w| w.1).sum::<usize>()
    );
    for l in &r.listed {
        let n = l.categories.iter().map(|c| c.count).sum::<usize>();
        assert_eq!(n, l.incidents);
    }
    // Curve by brute force over all pairs.
    let end = rows.iter().filter_map(|r| r.2).max().unwrap();
    for c in &r.curve {
        let d = i64::from(c.days);
        let (mut at_risk, mut rep) = (0, 0);
        for (i, a) in rows.iter().enumerate() {
            let Some(ta) = a.2 else { continue };
            if ta + d > end {
                continue;
            }
            at_risk += 1;
            let hit = rows.iter().enumerate().any(|(j, b)| {
                j != i && (b.0, b.1) == (a.0, a.1) && b.2.is_some_and(|tb| tb > ta && tb - ta <= d)
            });
            rep += u64::from(hit);
        }
        assert_eq!((c.at_risk, c.repeats), (at_risk, rep), "{} days", c.days);
    }
}
