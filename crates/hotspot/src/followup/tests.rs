//! Tests of the follow-up statistics against hand and SciPy values and seeded scenes.

use super::*;
use crate::period::Period;
use chrono::NaiveDate;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use statrs::distribution::{DiscreteCDF, NegativeBinomial};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn intervals_match_scipy_quantiles() {
    // python3 -c "from scipy.stats import poisson, nbinom; print(poisson.ppf([.025,.975],10),
    //   nbinom.ppf([.025,.975],20,0.5), nbinom.ppf([.025,.975],30.5,1/3), poisson.ppf([.025,.975],2.5))"
    // -> [4 17] [9 34] [37 90] [0 6]  (SciPy 1.17.1; nbinom(n, p) has mean n(1-p)/p, variance mean/p)
    assert_eq!(
        interval(10.0, 1.0, 0.95).unwrap(),
        Interval {
            lower: 4,
            upper: 17
        }
    );
    assert_eq!(
        interval(20.0, 2.0, 0.95).unwrap(),
        Interval {
            lower: 9,
            upper: 34
        }
    );
    assert_eq!(
        interval(61.0, 3.0, 0.95).unwrap(),
        Interval {
            lower: 37,
            upper: 90
        }
    );
    assert_eq!(
        interval(2.5, 1.0, 0.95).unwrap(),
        Interval { lower: 0, upper: 6 }
    );
    // By hand: Poisson(10) has P(X <= 3) = 0.0103 < 0.025 <= P(X <= 4) = 0.0293.
    assert_eq!(
        interval(0.0, 1.0, 0.95).unwrap(),
        Interval { lower: 0, upper: 0 }
    );
    assert!(interval(-1.0, 1.0, 0.95).is_err());
    assert!(interval(1.0, 0.5, 0.95).is_err());
    assert!(interval(1.0, 1.0, 1.0).is_err());
    assert_eq!(
        signal(
            3,
            Interval {
                lower: 4,
                upper: 17
            }
        ),
        Signal::Lower
    );
    assert_eq!(
        signal(
            18,
            Interval {
                lower: 4,
                upper: 17
            }
        ),
        Signal::Higher
    );
    assert_eq!(
        signal(
            4,
            Interval {
                lower: 4,
                upper: 17
            }
        ),
        Signal::None
    );
}

#[test]
fn dispersion_by_hand() {
    // y = 2, 6, 10 against mu = 6: (16 + 0 + 16) / 6 / 2 = 2.6667.
    let phi = dispersion(&[2.0, 6.0, 10.0], &[6.0, 6.0, 6.0]);
    assert!((phi - 32.0 / 6.0 / 2.0).abs() < 1e-12);
    // Underdispersed counts are floored at 1.
    assert_eq!(dispersion(&[6.0, 6.0, 6.0], &[6.0, 6.0, 6.0]), 1.0);
}

/// A draw from NB(mean, phi) by inverse CDF.
fn nb_draw(rng: &mut ChaCha8Rng, mean: f64, phi: f64) -> u64 {
    let nb = NegativeBinomial::new(mean / (phi - 1.0), 1.0 / phi).unwrap();
    let u: f64 = rng.random();
    nb.inverse_cdf(u.clamp(1e-12, 1.0 - 1e-12))
}

#[test]
fn overdispersed_counts_signal_about_five_percent_of_periods() {
    // Baseline year 2025 of monthly NB(15, phi 2.5) counts, follow-up 2026 tertials
    // from the same process: every signal is false.
    let mut rng = ChaCha8Rng::seed_from_u64(21);
    let base_p = Period::new(d(2025, 1, 1), d(2025, 12, 31)).unwrap();
    let pers = periods(
        PeriodKind::Tertial,
        d(2026, 1, 1),
        d(2026, 12, 31),
        d(2026, 12, 31),
    )
    .unwrap();
    let (mut signals, mut total) = (0, 0);
    for _ in 0..300 {
        let mut dates = Vec::new();
        for y in [2025, 2026] {
            for m in 1..=12 {
                // Mean 15 per 30-day month, scaled to the month's days.
                let days = Period::parse("m", &format!("{y}-{m:02}")).unwrap().days() as f64;
                let n = nb_draw(&mut rng, 15.0 * days / 30.0, 2.5);
                for k in 0..n {
                    dates.push(d(y, m, 1 + (k % 28) as u32));
                }
            }
        }
        let b = baseline(&dates, base_p);
        for r in follow(&dates, &b, &pers, 0.95).unwrap() {
            total += 1;
            signals += usize::from(r.signal != Signal::None);
        }
    }
    let rate = signals as f64 / total as f64;
    // Estimated phi from 12 months is noisy, so allow 2-10 %; a Poisson
    // interval (phi = 1) on these counts signals about 30 % (checked below).
    assert!((0.02..=0.10).contains(&rate), "false-signal rate {rate}");
    let iv = interval(15.0 * 120.0 / 30.0, 1.0, 0.95).unwrap();
    let mut pois_false = 0;
    for _ in 0..1000 {
        let c = nb_draw(&mut rng, 60.0, 2.5);
        pois_false += usize::from(signal(c, iv) != Signal::None);
    }
    assert!(
        pois_false > 150,
        "a Poisson interval would be too narrow: {pois_false}"
    );
}

#[test]
fn tertials_months_quarters_and_partial_periods() {
    let p = periods(
        PeriodKind::Tertial,
        d(2026, 1, 1),
        d(2026, 12, 31),
        d(2026, 6, 15),
    )
    .unwrap();
    // T3 lies after the data: not invented; T2 is partial (May 1 - June 15).
    assert_eq!(p.len(), 2);
    assert_eq!((p[0].label.as_str(), p[0].partial), ("2026-T1", false));
    assert_eq!(
        p[0].full,
        Period::new(d(2026, 1, 1), d(2026, 4, 30)).unwrap()
    );
    assert_eq!((p[1].label.as_str(), p[1].partial), ("2026-T2", true));
    assert_eq!(p[1].covered.days(), 46);
    let q = periods(
        PeriodKind::Quarter,
        d(2025, 11, 1),
        d(2026, 3, 31),
        d(2026, 12, 31),
    )
    .unwrap();
    let labels: Vec<_> = q.iter().map(|x| x.label.as_str()).collect();
    assert_eq!(labels, ["2025-Q4", "2026-Q1"]);
    assert!(q[0].partial && !q[1].partial);
    let m = periods(
        PeriodKind::Month,
        d(2026, 12, 1),
        d(2026, 12, 31),
        d(2027, 1, 5),
    )
    .unwrap();
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].label, "2026-12");
    assert!(
        periods(
            PeriodKind::Month,
            d(2026, 2, 1),
            d(2026, 1, 1),
            d(2026, 12, 1)
        )
        .is_err()
    );
    assert!(
        periods(
            PeriodKind::Month,
            d(2026, 2, 1),
            d(2026, 3, 1),
            d(2025, 12, 1)
        )
        .is_err()
    );
    assert!(PeriodKind::parse("week").is_err());
    // A partial period's expected count is scaled to its covered days.
    let dates: Vec<NaiveDate> = (0..365)
        .map(|k| d(2025, 1, 1) + chrono::TimeDelta::days(k))
        .collect();
    let b = baseline(&dates, Period::new(d(2025, 1, 1), d(2025, 12, 31)).unwrap());
    let rows = follow(&dates, &b, &p, 0.95).unwrap();
    assert!((rows[1].expected - 46.0).abs() < 1e-9);
}

#[test]
fn a_zone_that_halves_is_signalled_lower_and_a_steady_one_is_not() {
    let mut rng = ChaCha8Rng::seed_from_u64(2026);
    let base_p = Period::new(d(2025, 1, 1), d(2025, 12, 31)).unwrap();
    let pers = periods(
        PeriodKind::Tertial,
        d(2026, 1, 1),
        d(2026, 12, 31),
        d(2026, 12, 31),
    )
    .unwrap();
    let scene = |rng: &mut ChaCha8Rng, after_factor: f64| {
        let mut dates = Vec::new();
        for y in [2025, 2026] {
            for m in 1..=12 {
                let f = if y == 2026 { after_factor } else { 1.0 };
                let n = nb_draw(rng, 20.0 * f, 1.5);
                for k in 0..n {
                    dates.push(d(y, m, 1 + (k % 28) as u32));
                }
            }
        }
        dates
    };
    let torget = scene(&mut rng, 0.4);
    let stationen = scene(&mut rng, 1.0);
    let rows_t = follow(&torget, &baseline(&torget, base_p), &pers, 0.95).unwrap();
    let rows_s = follow(&stationen, &baseline(&stationen, base_p), &pers, 0.95).unwrap();
    assert!(
        rows_t.iter().all(|r| r.signal == Signal::Lower),
        "{rows_t:?}"
    );
    assert!(
        rows_s.iter().all(|r| r.signal != Signal::Lower),
        "{rows_s:?}"
    );
}

fn square(x0: f64, y0: f64, s: f64) -> geo::MultiPolygon<f64> {
    geo::MultiPolygon(vec![
        geo::Rect::new(
            geo::coord! {x: x0, y: y0},
            geo::coord! {x: x0 + s, y: y0 + s},
        )
        .to_polygon(),
    ])
}

#[test]
fn wdq_reproduces_an_independent_count() {
    // Study area 0..2000 m square; zone 900..1100; buffer 200 m (ring to 700..1300 with
    // rounded corners). Incidents uniform; after: the zone loses 60 %, the buffer 20 %.
    let area = square(0.0, 0.0, 2000.0);
    let zone = square(900.0, 900.0, 200.0);
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let dist = |x: f64, y: f64| {
        let dx = (900.0 - x).max(x - 1100.0).max(0.0);
        let dy = (900.0 - y).max(y - 1100.0).max(0.0);
        (dx * dx + dy * dy).sqrt()
    };
    let mut draw = |keep_zone: f64, keep_buf: f64| {
        let mut pts = Vec::new();
        for _ in 0..20_000 {
            let (x, y): (f64, f64) = (rng.random::<f64>() * 2000.0, rng.random::<f64>() * 2000.0);
            let dd = dist(x, y);
            let keep = if dd == 0.0 {
                keep_zone
            } else if dd <= 200.0 {
                keep_buf
            } else {
                1.0
            };
            if rng.random::<f64>() < keep {
                pts.push([x, y]);
            }
        }
        pts
    };
    let before = draw(1.0, 1.0);
    let after = draw(0.4, 0.8);
    // The independent count: by the closed-form distance to the square.
    let count = |pts: &[[f64; 2]]| {
        let mut c = [0.0; 3];
        for &[x, y] in pts {
            let dd = dist(x, y);
            c[if dd == 0.0 {
                0
            } else if dd <= 200.0 {
                1
            } else {
                2
            }] += 1.0;
        }
        c
    };
    let (b, a) = (count(&before), count(&after));
    let want = (a[1] / a[2] - b[1] / b[2]) / (a[0] / a[2] - b[0] / b[2]);
    let disp = count_displacement(&before, &after, &zone, 200.0, &area).unwrap();
    assert_eq!(
        [disp.zone_before, disp.buffer_before, disp.control_before],
        b
    );
    let w = wdq(&disp);
    let got = w.wdq.unwrap();
    assert!((got - want).abs() <= 0.01 * want.abs(), "{got} vs {want}");
    // The buffer improved with the zone: diffusion of benefit. Expected size: the ring
    // (200^2 pi + 4 * 200 * 200 = 285,664 m2) holds 7.14 times the zone's 40,000 m2, so
    // WDQ ~ 0.2 * 7.14 / 0.6 = 2.38 (the run gave 2.28).
    assert_eq!(w.reading, WdqReading::DiffusionOfBenefit);
    assert!((1.9..2.9).contains(&got), "{got}");
    assert!(w.net_effect.unwrap() > 0.0);
}

#[test]
fn wdq_by_hand_displacement_and_undefined() {
    // R 100 -> 50, B 80 -> 120, C 1000 -> 1000: sm = 0.05 - 0.1 = -0.05;
    // (0.12 - 0.08) / -0.05 = -0.8: displacement. Net = (100 - 50) + (80 - 120) = 10.
    let dd = Displacement {
        zone_before: 100.0,
        zone_after: 50.0,
        buffer_before: 80.0,
        buffer_after: 120.0,
        control_before: 1000.0,
        control_after: 1000.0,
    };
    let w = wdq(&dd);
    assert!((w.wdq.unwrap() + 0.8).abs() < 1e-12);
    assert_eq!(w.reading, WdqReading::Displacement);
    assert!((w.net_effect.unwrap() - 10.0).abs() < 1e-12);
    let up = Displacement {
        zone_after: 150.0,
        ..dd
    };
    assert_eq!(wdq(&up).reading, WdqReading::Undefined);
    assert_eq!(wdq(&up).wdq, None);
}

#[test]
fn buffers_are_clipped_by_the_study_area_and_overlapping_zones_count_alone() {
    // The zone sits in the study area's corner: the ring beyond the area is not counted.
    let area = square(0.0, 0.0, 1000.0);
    let zone = square(0.0, 0.0, 100.0);
    let other = square(50.0, 50.0, 100.0); // overlaps `zone`
    let pts = vec![
        [50.0, 50.0],
        [120.0, 120.0],
        [-50.0, 50.0],
        [150.0, 10.0],
        [900.0, 900.0],
    ];
    let dd = count_displacement(&pts, &pts, &zone, 100.0, &area).unwrap();
    // (-50, 50) is outside the area: not counted; (120,120) and (150,10) are in the ring.
    assert_eq!(
        (dd.zone_before, dd.buffer_before, dd.control_before),
        (1.0, 2.0, 1.0)
    );
    let d2 = count_displacement(&pts, &pts, &other, 100.0, &area).unwrap();
    // The overlapping zone counts (50,50) and (120,120) itself.
    assert_eq!(d2.zone_before, 2.0);
    assert!(count_displacement(&pts, &pts, &zone, -1.0, &area).is_err());
}

#[test]
fn an_empty_zone_has_zero_counts_and_no_signal_below_zero() {
    let base_p = Period::new(d(2025, 1, 1), d(2025, 12, 31)).unwrap();
    let pers = periods(
        PeriodKind::Tertial,
        d(2026, 1, 1),
        d(2026, 12, 31),
        d(2026, 12, 31),
    )
    .unwrap();
    let none: [NaiveDate; 0] = [];
    let b = baseline(&none, base_p);
    assert_eq!((b.count, b.phi), (0, 1.0));
    let rows = follow(&none, &b, &pers, 0.95).unwrap();
    assert!(
        rows.iter()
            .all(|r| r.count == 0 && r.expected == 0.0 && r.signal == Signal::None)
    );
}

#[test]
fn patrol_log_with_bad_rows_counts_and_reports_them() {
    let text = "zone,start,end,crew,kind\n\
Torget,2026-01-10T20:00,2026-01-10T20:12,A1,patrol\n\
Torget,2026-01-11 21:00,2026-01-11 22:30,A1,\n\
Torget,2026-02-01T20:00,2026-02-01T19:00,A1,patrol\n\
Okänd,2026-02-01T20:00,2026-02-01T21:00,A1,patrol\n\
Torget,igår,2026-02-01T21:00,A1,patrol\n\
Torget,2026-02-01T20:00\n\
Stationen,2026-05-02T10:00,2026-05-02T11:00,,lighting\n";
    let zones = vec!["Torget".to_string(), "Stationen".to_string()];
    let log = parse_patrols(text, std::path::Path::new("patrols.csv"), &zones).unwrap();
    assert_eq!(log.rows.len(), 3);
    let lines: Vec<u64> = log.rejected.iter().map(|r| r.0).collect();
    assert_eq!(lines, [4, 5, 6, 7]);
    assert!(log.rejected[1].1.contains("unknown zone"));
    let pers = periods(
        PeriodKind::Tertial,
        d(2026, 1, 1),
        d(2026, 12, 31),
        d(2026, 12, 31),
    )
    .unwrap();
    let dose = dose(&log, &pers);
    assert_eq!(dose.len(), 2);
    let t = &dose[1];
    assert_eq!((t.zone.as_str(), t.period.as_str()), ("Torget", "2026-T1"));
    assert_eq!((t.short_visits, t.short_minutes), (1, 12.0));
    assert_eq!((t.long_visits, t.long_minutes), (1, 90.0));
    assert_eq!(dose[0].other.get("lighting"), Some(&60.0));
    assert!(parse_patrols("", std::path::Path::new("p.csv"), &zones).is_err());
    assert!(parse_patrols("a,b\n", std::path::Path::new("p.csv"), &zones).is_err());
}

#[test]
fn seasonal_expected_is_the_same_span_of_the_baseline_year() {
    // Baseline 2025: 10 incidents in January, 40 in July; 2026 repeats it.
    let mut dates = Vec::new();
    for y in [2025, 2026] {
        for k in 0..10 {
            dates.push(d(y, 1, 1 + k));
        }
        for k in 0..40 {
            dates.push(d(y, 7, 1 + k % 31));
        }
    }
    let base_p = Period::new(d(2025, 1, 1), d(2025, 12, 31)).unwrap();
    let b = baseline(&dates, base_p);
    let pers = periods(
        PeriodKind::Month,
        d(2026, 1, 1),
        d(2026, 7, 31),
        d(2026, 7, 31),
    )
    .unwrap();
    let seas = follow_seasonal(&dates, &b, &pers, 0.95).unwrap();
    let flat = follow(&dates, &b, &pers, 0.95).unwrap();
    // By hand: seasonal expected = last January's 10 and last July's 40, February..June 0.
    assert_eq!(seas[0].expected, 10.0);
    assert_eq!(seas[6].expected, 40.0);
    assert_eq!(seas[1].expected, 0.0);
    assert!(seas.iter().all(|r| r.signal == Signal::None), "{seas:?}");
    // The flat rate (50 / 365 a day, 4.25 in July) calls July higher.
    assert!((flat[6].expected - 50.0 / 365.0 * 31.0).abs() < 1e-9);
    assert_eq!(flat[6].signal, Signal::Higher);
    // A partial period is compared with the same covered days.
    let part = periods(
        PeriodKind::Month,
        d(2026, 7, 1),
        d(2026, 7, 10),
        d(2026, 7, 31),
    )
    .unwrap();
    let r = follow_seasonal(&dates, &b, &part, 0.95).unwrap();
    let direct = dates
        .iter()
        .filter(|x| d(2025, 7, 1) <= **x && **x <= d(2025, 7, 10))
        .count() as f64;
    assert!(r[0].partial);
    assert_eq!(r[0].expected, direct);
}

#[test]
fn seasonal_spans_handle_leap_days_and_short_baselines() {
    let base = Period::new(d(2027, 1, 1), d(2027, 12, 31)).unwrap();
    let feb = Period::new(d(2028, 2, 1), d(2028, 2, 29)).unwrap();
    assert_eq!(
        seasonal_span(&feb, &base),
        Some(Period::new(d(2027, 2, 1), d(2027, 2, 28)).unwrap())
    );
    // Two baseline years: the latest one holding the span.
    let two = Period::new(d(2024, 1, 1), d(2025, 12, 31)).unwrap();
    let may = Period::new(d(2026, 5, 1), d(2026, 8, 31)).unwrap();
    assert_eq!(
        seasonal_span(&may, &two),
        Some(Period::new(d(2025, 5, 1), d(2025, 8, 31)).unwrap())
    );
    // A half-year baseline holds no July: a clear error.
    let half = Period::new(d(2025, 1, 1), d(2025, 6, 30)).unwrap();
    let b = baseline(&[d(2025, 3, 3)], half);
    let pers = periods(
        PeriodKind::Month,
        d(2026, 7, 1),
        d(2026, 7, 31),
        d(2026, 7, 31),
    )
    .unwrap();
    let e = follow_seasonal(&[d(2025, 3, 3)], &b, &pers, 0.95).unwrap_err();
    assert!(e.to_string().contains("whole years"), "{e}");
}

#[test]
fn analyse_gives_the_direct_follow_up_of_every_zone_and_area() {
    use crate::Crs;
    use crate::incident::{IncidentRecord, IncidentsBuilder};
    use crate::time::{IncidentTime, TimeResolution};
    use chrono::TimeZone;
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let mut b = IncidentsBuilder::new(Crs::SWEREF99_TM).unwrap();
    let tz = chrono::FixedOffset::east_opt(3600).unwrap();
    let mut truth: Vec<(f64, f64, NaiveDate)> = Vec::new();
    for i in 0..600 {
        let (x, y) = (rng.random_range(0.0..2000.0), rng.random_range(0.0..2000.0));
        let day = d(2025, 1, 1) + chrono::Days::new(rng.random_range(0..700));
        let t = tz
            .from_local_datetime(&day.and_hms_opt(12, 0, 0).unwrap())
            .unwrap();
        b.push(IncidentRecord {
            x,
            y,
            weight: 1.0,
            category: "Skadegörelse",
            time: Some(IncidentTime::new(t, TimeResolution::Second)),
            id: i.to_string(),
            lonlat: None,
        })
        .unwrap();
        truth.push((x, y, day));
    }
    let inc = b.build();
    let cls = crate::categories::CategoryTable::default_table().classify(&inc);
    let zones = vec![
        FollowupZone {
            name: "A".into(),
            area: square(0.0, 0.0, 500.0),
        },
        FollowupZone {
            name: "B".into(),
            area: square(1000.0, 1000.0, 400.0),
        },
    ];
    let params = FollowupParams {
        baseline: Period::new(d(2025, 1, 1), d(2025, 12, 31)).unwrap(),
        from: d(2026, 1, 1),
        to: d(2026, 12, 31),
        kind: PeriodKind::Tertial,
        buffer_m: 100.0,
        seasonal: false,
        level: 0.95,
    };
    let f = analyse(
        FollowupInput {
            incidents: &inc,
            classification: &cls,
            zones: &zones,
            study: None,
            patrols: None,
            timezone: chrono_tz::Europe::Stockholm,
        },
        &params,
    )
    .unwrap();
    // 3 zone selections (A, B, all zones) x all + each problem area.
    assert_eq!(
        f.series.len(),
        3 * (1 + crate::categories::ProblemArea::ALL.len())
    );
    // The data end on day 699 (2026-12-01 at the latest): the last tertial is partial or absent.
    let a = f.series_of("A", None).unwrap();
    let direct: Vec<NaiveDate> = truth
        .iter()
        .filter(|(x, y, _)| *x < 500.0 && *y < 500.0)
        .map(|t| t.2)
        .collect();
    let want = follow(
        &direct,
        &baseline(&direct, params.baseline),
        &f.periods,
        0.95,
    )
    .unwrap();
    assert_eq!(a.rows, want);
    let all = f.series_of(ALL_ZONES, None).unwrap();
    let in_any = truth
        .iter()
        .filter(|(x, y, _)| {
            (*x < 500.0 && *y < 500.0)
                || (1000.0 <= *x && *x <= 1400.0 && 1000.0 <= *y && *y <= 1400.0)
        })
        .filter(|t| t.2 >= d(2025, 1, 1) && t.2 <= d(2025, 12, 31))
        .count() as u64;
    assert_eq!(all.baseline.count, in_any);
    assert_eq!(f.displacement.len(), 2);
    assert_eq!(
        f.displacement[0].counts.zone_before as u64,
        a.baseline.count
    );
}

/// Incidents at `(x, y, from, to)` read in Stockholm time (`to` empty: an exact time).
fn interval_scene(rows: &[(f64, f64, &str, &str)]) -> crate::incident::Incidents {
    use crate::Crs;
    use crate::incident::{IncidentRecord, IncidentsBuilder};
    use crate::ingest::{interval_len, parse_time};
    use chrono_tz::Europe::Stockholm;
    let mut b = IncidentsBuilder::new(Crs::SWEREF99_TM).unwrap();
    for (k, (x, y, from, to)) in rows.iter().enumerate() {
        let t = parse_time(from, Stockholm).unwrap();
        let len = if to.is_empty() {
            0
        } else {
            interval_len(&t, &parse_time(to, Stockholm).unwrap(), Stockholm).unwrap()
        };
        b.push_interval(
            IncidentRecord {
                x: *x,
                y: *y,
                weight: 1.0,
                category: "Skadegörelse",
                time: Some(t),
                id: (k + 1).to_string(),
                lonlat: None,
            },
            len,
        )
        .unwrap();
    }
    b.build()
}

fn near(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

/// Interval incidents count by the share of their interval in the baseline, each period, each month
/// of the dispersion and the displacement's before and after (all by hand).
#[test]
fn interval_incidents_count_by_their_share_of_each_day() {
    let rows = [
        // Zone A (0..100 m), baseline 2025.
        (50.0, 50.0, "2025-03-10 12:00", ""),
        // 12 h: 6 in January, 6 in February.
        (50.0, 50.0, "2025-01-31 18:00", "2025-02-01 06:00"),
        // 12 h across the year boundary: 1/2 in the baseline (December), 1/2 in January 2026.
        (50.0, 50.0, "2025-12-31 18:00", "2026-01-01 06:00"),
        // Follow-up. 12 h: 4 in January (1/3), 8 in February (2/3).
        (50.0, 50.0, "2026-01-31 20:00", "2026-02-01 08:00"),
        (50.0, 50.0, "2026-02-15 10:00", ""),
        // 24 h: 1/2 in February, 1/2 on 1 March, the last day the data cover.
        (50.0, 50.0, "2026-02-28 12:00", "2026-03-01 12:00"),
        // Control (far from the zone): 1 before, 1 after.
        (1000.0, 1000.0, "2025-06-01 12:00", ""),
        (1000.0, 1000.0, "2026-01-10 00:00", "2026-01-10 12:00"),
    ];
    let inc = interval_scene(&rows);
    let tz = chrono_tz::Europe::Stockholm;
    assert_eq!(last_day(&inc, tz), Some(d(2026, 3, 1)));
    let cls = crate::categories::CategoryTable::default_table().classify(&inc);
    let zones = vec![FollowupZone {
        name: "A".into(),
        area: square(0.0, 0.0, 100.0),
    }];
    let base_p = Period::new(d(2025, 1, 1), d(2025, 12, 31)).unwrap();
    let mut params = FollowupParams {
        baseline: base_p,
        from: d(2026, 1, 1),
        to: d(2026, 12, 31),
        kind: PeriodKind::Month,
        buffer_m: 50.0,
        seasonal: false,
        level: 0.95,
    };
    let input = FollowupInput {
        incidents: &inc,
        classification: &cls,
        zones: &zones,
        study: None,
        patrols: None,
        timezone: tz,
    };
    let f = analyse(input, &params).unwrap();
    let labels: Vec<&str> = f.periods.iter().map(|p| p.label.as_str()).collect();
    assert_eq!(labels, ["2026-01", "2026-02", "2026-03"]);
    assert!(f.periods[2].partial);
    let a = f.series_of("A", None).unwrap();
    // Baseline: 1 + (1/2 + 1/2) + 1/2 = 2.5, shown as 3; rate 2.5 / 365.
    assert!(near(a.baseline.weighted_count, 2.5));
    assert_eq!(a.baseline.count, 3);
    assert!(near(a.baseline.rate_per_day, 2.5 / 365.0));
    // Monthly: January 1/2, February 1/2, March 1, December 1/2.
    let mut y = [0.0; 12];
    y[0] = 0.5;
    y[1] = 0.5;
    y[2] = 1.0;
    y[11] = 0.5;
    assert_eq!(a.baseline.monthly, [1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    let mdays = [
        31.0, 28.0, 31.0, 30.0, 31.0, 30.0, 31.0, 31.0, 30.0, 31.0, 30.0, 31.0,
    ];
    let x2: f64 = y
        .iter()
        .zip(mdays)
        .map(|(y, n)| {
            let mu = 2.5 / 365.0 * n;
            (y - mu) * (y - mu) / mu
        })
        .sum();
    assert!(near(a.baseline.phi, (x2 / 11.0).max(1.0)));
    // January 1/2 + 1/3, February 2/3 + 1 + 1/2, March (1 day) 1/2.
    let want = [(5.0 / 6.0, 1, 31), (2.0 / 3.0 + 1.5, 2, 28), (0.5, 1, 1)];
    for (r, (w, c, days)) in a.rows.iter().zip(want) {
        assert!(
            near(r.weighted_count, w),
            "{}: {}",
            r.period,
            r.weighted_count
        );
        assert_eq!((r.count, r.days), (c, days), "{}", r.period);
        assert!(near(r.expected, 2.5 / 365.0 * days as f64));
    }
    // Displacement: before = 2025, after = 2026-01-01..2026-03-01.
    let dz = &f.displacement[0].counts;
    assert!(near(dz.zone_before, 2.5));
    assert!(near(dz.zone_after, 0.5 + 1.0 + 1.0 + 1.0));
    assert_eq!((dz.control_before, dz.control_after), (1.0, 1.0));
    assert_eq!((dz.buffer_before, dz.buffer_after), (0.0, 0.0));
    // Seasonal: the same month of 2025.
    params.seasonal = true;
    let f = analyse(input, &params).unwrap();
    let a = f.series_of("A", None).unwrap();
    let got: Vec<f64> = a.rows.iter().map(|r| r.expected).collect();
    assert!(
        near(got[0], 0.5) && near(got[1], 0.5) && near(got[2], 0.0),
        "{got:?}"
    );
    assert!(near(a.rows[1].weighted_count, 2.0 / 3.0 + 1.5));
}

/// With exact times only the weighted counts are whole and equal the plain counts.
#[test]
fn exact_times_give_whole_counts_as_before() {
    let dates = [d(2025, 1, 5), d(2025, 1, 20), d(2025, 7, 1), d(2026, 2, 3)];
    let pairs: Vec<(NaiveDate, f64)> = dates.iter().map(|&x| (x, 1.0)).collect();
    let base_p = Period::new(d(2025, 1, 1), d(2025, 12, 31)).unwrap();
    let (b1, b2) = (baseline(&dates, base_p), baseline(&pairs, base_p));
    assert_eq!(b1, b2);
    assert_eq!((b1.count, b1.weighted_count), (3, 3.0));
    assert_eq!(b1.monthly, [2, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0]);
    let pers = periods(
        PeriodKind::Month,
        d(2026, 1, 1),
        d(2026, 2, 28),
        d(2026, 2, 28),
    )
    .unwrap();
    let r = follow(&dates, &b1, &pers, 0.95).unwrap();
    assert_eq!(r, follow(&pairs, &b2, &pers, 0.95).unwrap());
    assert_eq!((r[1].count, r[1].weighted_count), (1, 1.0));
    assert_eq!(rounded_count(2.5), 3);
    assert_eq!(rounded_count(2.49), 2);
    assert_eq!(rounded_count(-0.0), 0);
}
