//! Hand-built cases for the evaluation measures, ranking and splits.

use super::*;
use crate::crs::Crs;
use crate::incident::{IncidentRecord, IncidentsBuilder};
use crate::time::{IncidentTime, TimeResolution};
use chrono::{FixedOffset, TimeZone};
use chrono_tz::Europe::Stockholm;

/// Incidents at the centres of cells of a 10 m grid with origin (0, 0): `(col, row, count)`.
fn at_cells(cells: &[(usize, usize, usize)]) -> Incidents {
    let (mut x, mut y) = (Vec::new(), Vec::new());
    for &(c, r, n) in cells {
        for _ in 0..n {
            x.push(c as f64 * 10.0 + 5.0);
            y.push(r as f64 * 10.0 + 5.0);
        }
    }
    Incidents::from_xy(Crs::SWEREF99_TM, &x, &y).unwrap()
}

fn line4() -> EvalGrid {
    EvalGrid::new(GridSpec::new(0.0, 0.0, 10.0, 4, 1).unwrap(), None).unwrap()
}

fn approx(a: Option<f64>, b: f64) {
    let a = a.expect("value expected");
    assert!((a - b).abs() < 1e-12, "{a} != {b}");
}

#[test]
fn hit_rate_pai_pei_rri_by_hand() {
    // Train counts per cell: 3 1 0 2 ; test counts: 2 0 5 1 (N = 8, N_train = 6).
    let train = at_cells(&[(0, 0, 3), (1, 0, 1), (3, 0, 2)]);
    let test = at_cells(&[(0, 0, 2), (2, 0, 5), (3, 0, 1)]);
    let g = line4();
    let split = Split {
        train: &train,
        test: &test,
        train_period: None,
        test_period: None,
        shares: None,
    };
    let res = evaluate(&g, &split, &[&GridCounts], &[0.25, 0.5, 1.0]).unwrap();
    assert_eq!(res[0].method, "grid");
    let r = &res[0].rows;
    // 25 %: cell 0 only. n = 2, hit 2/8, PAI (2/8)/(1/4) = 1, n* = 5, RRI (2/3)/(8/6) = 0.5.
    assert_eq!(r[0].cells, 1);
    approx(r[0].counts.hit_rate, 0.25);
    approx(r[0].counts.pai, 1.0);
    approx(r[0].counts.pei_star, 0.4);
    approx(r[0].rri, 0.5);
    // 50 %: cells 0 and 3. n = 3, hit 3/8, PAI 0.75, n* = 5 + 2 = 7, RRI (3/5)/(8/6) = 0.45.
    assert_eq!(r[1].cells, 2);
    approx(r[1].counts.hit_rate, 0.375);
    approx(r[1].counts.pai, 0.75);
    approx(r[1].counts.pei_star, 3.0 / 7.0);
    approx(r[1].rri, 0.45);
    // Everything: all measures 1.
    approx(r[2].counts.hit_rate, 1.0);
    approx(r[2].counts.pai, 1.0);
    approx(r[2].counts.pei_star, 1.0);
    approx(r[2].rri, 1.0);
    assert!(r[0].harm.is_none());
    assert_eq!(r[0].area_km2, 100.0 / 1e6);
}

#[test]
fn ties_are_broken_by_cell_index_and_nan_ranks_last() {
    let g = line4();
    assert_eq!(g.rank(&[1.0, 1.0, 1.0, 1.0]).unwrap(), vec![0, 1, 2, 3]);
    assert_eq!(g.rank(&[0.0, 2.0, 2.0, 5.0]).unwrap(), vec![3, 1, 2, 0]);
    assert_eq!(
        g.rank(&[f64::NAN, 1.0, f64::INFINITY, 0.0]).unwrap(),
        vec![1, 3, 0, 2]
    );
    assert!(g.rank(&[1.0]).is_err());
}

#[test]
fn pei_star_is_one_for_the_best_map_even_with_ties() {
    // Test counts 4 4 1 0: any 1-cell pick of cell 0 or 1 is optimal.
    let test = at_cells(&[(0, 0, 4), (1, 0, 4), (2, 0, 1)]);
    let train = at_cells(&[(1, 0, 1)]);
    let g = line4();
    let ranked = g.rank(&g.counts(&train, false)).unwrap();
    let r = measure(&g, &ranked, &train, &test, &[0.25]).unwrap();
    approx(r[0].counts.pei_star, 1.0);
    approx(r[0].counts.pai, (4.0 / 9.0) / 0.25);
}

#[test]
fn study_area_mask_limits_cells_and_incidents() {
    use geo::{MultiPolygon, polygon};
    // Only cells 0 and 1 (centres 5 and 15) inside a 0..20 box.
    let area = crate::study_area::StudyArea::new(MultiPolygon(vec![polygon![
        (x: 0.0, y: 0.0), (x: 20.0, y: 0.0), (x: 20.0, y: 10.0), (x: 0.0, y: 10.0)
    ]]))
    .unwrap();
    let g = EvalGrid::new(GridSpec::new(0.0, 0.0, 10.0, 4, 1).unwrap(), Some(&area)).unwrap();
    assert_eq!(g.n_active(), 2);
    let train = at_cells(&[(3, 0, 9), (1, 0, 1)]);
    let test = at_cells(&[(1, 0, 3), (3, 0, 100), (0, 0, 1)]);
    let ranked = g.rank(&g.counts(&train, false)).unwrap();
    assert_eq!(ranked, vec![1, 0]);
    let r = measure(&g, &ranked, &train, &test, &[0.5]).unwrap();
    assert_eq!(r[0].counts.total, 4.0);
    approx(r[0].counts.hit_rate, 0.75);
    approx(r[0].counts.pai, 1.5);
}

#[test]
fn harm_weights_give_weighted_measures() {
    let train = at_cells(&[(0, 0, 1), (1, 0, 2)]);
    // Test: cell 1 has 2 incidents of harm 1, cell 2 one incident of harm 10.
    let test = at_cells(&[(1, 0, 2), (2, 0, 1)])
        .with_weights(vec![1.0, 1.0, 10.0])
        .unwrap();
    let g = line4();
    let ranked = g.rank(&g.counts(&train, false)).unwrap();
    let r = measure(&g, &ranked, &train, &test, &[0.25]).unwrap();
    approx(r[0].counts.hit_rate, 2.0 / 3.0);
    let h = r[0].harm.expect("harm measures");
    approx(h.hit_rate, 2.0 / 12.0);
    approx(h.pei_star, 2.0 / 10.0);
    approx(h.pai, (2.0 / 12.0) / 0.25);
}

#[test]
fn degenerate_inputs_give_none_not_nan() {
    let empty = Incidents::empty(Crs::SWEREF99_TM).unwrap();
    let g = line4();
    let ranked = g.rank(&[0.0; 4]).unwrap();
    let r = measure(&g, &ranked, &empty, &empty, &[0.5]).unwrap();
    assert_eq!(r[0].counts.hit_rate, None);
    assert_eq!(r[0].counts.pei_star, None);
    assert_eq!(r[0].rri, None);
    assert!(measure(&g, &ranked, &empty, &empty, &[0.0]).is_err());
    assert!(measure(&g, &ranked, &empty, &empty, &[1.5]).is_err());
    assert!(measure(&g, &ranked, &empty, &empty, &[f64::NAN]).is_err());
    // Coverage rounds to at least one cell.
    assert_eq!(g.cells_for(0.0001), 1);
    assert_eq!(g.cells_for(0.6), 2);
}

fn timed(cells: &[(usize, i32, u32, u32)]) -> Incidents {
    let off = FixedOffset::east_opt(3600).unwrap();
    let mut b = IncidentsBuilder::new(Crs::SWEREF99_TM).unwrap();
    for (k, &(c, y, m, d)) in cells.iter().enumerate() {
        let t = off.with_ymd_and_hms(y, m, d, 0, 0, 0).unwrap();
        b.push(IncidentRecord {
            x: c as f64 * 10.0 + 5.0,
            y: 5.0,
            weight: 1.0,
            category: "",
            time: Some(IncidentTime::new(t, TimeResolution::Day)),
            id: k.to_string(),
            lonlat: None,
        })
        .unwrap();
    }
    b.build()
}

#[test]
fn previous_uses_the_last_test_length_of_training() {
    // Training year 2025: cell 0 busy in spring, cell 2 in December. Test: January 2026 (31 days).
    let all = timed(&[
        (0, 2025, 3, 1),
        (0, 2025, 4, 1),
        (0, 2025, 5, 1),
        (2, 2025, 12, 1),
        (2, 2025, 12, 31),
        (1, 2025, 11, 30), // one day outside a 31-day window ending 31 Dec
        (2, 2026, 1, 10),
    ]);
    let tp = Period::parse("train", "2025").unwrap();
    let sp = Period::parse("test", "2026-01").unwrap();
    assert_eq!(
        PreviousPeriod::window(tp, sp).to_string(),
        "2025-12-01..2025-12-31"
    );
    let train = all.subset(&tp.select(&all));
    let test = all.subset(&sp.select(&all));
    assert_eq!((train.len(), test.len()), (6, 1));
    let split = Split {
        train: &train,
        test: &test,
        train_period: Some(tp),
        test_period: Some(sp),
        shares: None,
    };
    let g = line4();
    let s = PreviousPeriod.score(g.spec(), &split).unwrap();
    assert_eq!(s, vec![0.0, 0.0, 2.0, 0.0]);
    let res = evaluate(&g, &split, &[&PreviousPeriod, &GridCounts], &[0.25]).unwrap();
    approx(res[0].rows[0].counts.hit_rate, 1.0);
    approx(res[1].rows[0].counts.hit_rate, 0.0);
    // Without periods `previous` says what it needs.
    let nop = Split {
        train_period: None,
        test_period: None,
        ..split
    };
    let e = PreviousPeriod.score(g.spec(), &nop).unwrap_err();
    assert!(e.to_string().contains("previous"), "{e}");
}

#[test]
fn rolling_monthly_steps_through_months() {
    let all = timed(&[
        (0, 2026, 1, 5),
        (0, 2026, 1, 6),
        (1, 2026, 2, 5),
        (1, 2026, 2, 7),
        (1, 2026, 3, 3),
        (0, 2026, 3, 3),
    ]);
    let span = Period::parse("test", "2026-02..2026-03").unwrap();
    let steps =
        rolling_monthly(&line4(), &all, 1, span, &[&GridCounts], &[0.25], Stockholm).unwrap();
    assert_eq!(steps.len(), 2);
    assert_eq!(steps[0].test.to_string(), "2026-02-01..2026-02-28");
    assert_eq!(steps[0].train.to_string(), "2026-01-01..2026-01-31");
    // February is predicted from January (cell 0): miss. March from Feb (cell 1): half.
    approx(steps[0].results[0].rows[0].counts.hit_rate, 0.0);
    approx(steps[1].results[0].rows[0].counts.hit_rate, 0.5);
    assert!(rolling_monthly(&line4(), &all, 0, span, &[&GridCounts], &[0.25], Stockholm).is_err());
}

#[test]
fn same_input_same_result() {
    let train = at_cells(&[(0, 0, 3), (1, 0, 3), (3, 0, 2)]);
    let test = at_cells(&[(0, 0, 2), (2, 0, 5), (1, 0, 1)]);
    let g = line4();
    let split = Split {
        train: &train,
        test: &test,
        train_period: None,
        test_period: None,
        shares: None,
    };
    let a = evaluate(&g, &split, &[&GridCounts], &[0.25, 0.5]).unwrap();
    let b = evaluate(&g, &split, &[&GridCounts], &[0.25, 0.5]).unwrap();
    assert_eq!(a[0].rows, b[0].rows);
}

/// Incidents at cell centres of the 10 m line grid from `(col, from, to)` texts read in Stockholm time
/// (`to` empty: an exact time).
fn intervals(rows: &[(usize, &str, &str)]) -> Incidents {
    use crate::ingest::{interval_len, parse_time};
    let mut b = IncidentsBuilder::new(Crs::SWEREF99_TM).unwrap();
    for (k, &(c, from, to)) in rows.iter().enumerate() {
        let t = parse_time(from, Stockholm).unwrap();
        let len = if to.is_empty() {
            0
        } else {
            interval_len(&t, &parse_time(to, Stockholm).unwrap(), Stockholm).unwrap()
        };
        b.push_interval(
            IncidentRecord {
                x: c as f64 * 10.0 + 5.0,
                y: 5.0,
                weight: 1.0,
                category: "",
                time: Some(t),
                id: k.to_string(),
                lonlat: None,
            },
            len,
        )
        .unwrap();
    }
    b.build()
}

#[test]
fn interval_incidents_are_judged_and_trained_on_by_their_share() {
    // Train Mon 10 - Sun 16 March 2025, test Mon 17 - Sun 23.
    let all = intervals(&[
        (0, "2025-03-14 16:00", "2025-03-17 07:00"), // 63 h: 56/63 train, 7/63 test
        (2, "2025-03-18 12:00", ""),                 // test
        (1, "2025-03-12 09:00", ""),                 // train
        (3, "2025-03-22 12:00", "2025-03-24 12:00"), // 48 h: 36/48 test, 12 h after it
    ]);
    let tp = Period::parse("train", "2025-03-10..2025-03-16").unwrap();
    let sp = Period::parse("test", "2025-03-17..2025-03-23").unwrap();
    let ps = PeriodSplit::new(&all, tp, sp, Stockholm);
    assert_eq!((ps.train.len(), ps.test.len()), (2, 3));
    assert_eq!(ps.split_intervals, 2);
    let close = |a: f64, b: f64| assert!((a - b).abs() < 1e-12, "{a} != {b}");
    close(ps.train_count(), 56.0 / 63.0 + 1.0);
    close(ps.test_count(), 7.0 / 63.0 + 1.0 + 0.75);
    let split = ps.split();
    let g = line4();
    // `grid` trains on the shares: cell 1 (1) before cell 0 (56/63).
    let s = GridCounts.score(g.spec(), &split).unwrap();
    close(s[0], 56.0 / 63.0);
    assert_eq!(&s[1..], &[1.0, 0.0, 0.0]);
    let r = &evaluate(&g, &split, &[&GridCounts], &[0.25, 0.5]).unwrap()[0].rows;
    let n = 7.0 / 63.0 + 1.75;
    // 25 %: cell 1, no test incident.
    approx(r[0].counts.hit_rate, 0.0);
    // 50 %: cells 1 and 0 capture 7/63 of N; n* = 1 + 0.75; RRI = (1/9) / (67/36) * 1 = 4/67.
    close(r[1].counts.captured, 1.0 / 9.0);
    close(r[1].counts.total, n);
    approx(r[1].counts.hit_rate, (1.0 / 9.0) / n);
    approx(r[1].counts.pai, (1.0 / 9.0) / n / 0.5);
    approx(r[1].counts.pei_star, (1.0 / 9.0) / 1.75);
    close(r[1].train_captured, 1.0 + 56.0 / 63.0);
    approx(r[1].rri, 4.0 / 67.0);
    // Clustering takes the points with at least half their interval in training.
    assert_eq!(split.train_whole().len(), 2);
    let late = PeriodSplit::new(
        &all,
        Period::parse("train", "2025-03-10..2025-03-14").unwrap(),
        sp,
        Stockholm,
    );
    // 8 of 63 hours before Saturday: a share of 8/63, weight in `grid`, no point for DBSCAN.
    let ls = late.split();
    assert_eq!(ls.train.len(), 2);
    close(ls.train_share(0), 8.0 / 63.0);
    assert_eq!(ls.train_whole().len(), 1);
    close(ls.train_by_share().weights()[0], 8.0 / 63.0);
}

#[test]
fn previous_counts_an_interval_by_its_share_of_the_window() {
    // Training March 1-16, test 7 days: the window is March 10-16. An interval from 9 March 12:00 to
    // 10 March 12:00 is wholly in training but only half in the window.
    let all = intervals(&[
        (1, "2025-03-09 12:00", "2025-03-10 12:00"),
        (2, "2025-03-11 12:00", ""),
        (3, "2025-03-16 20:00", "2025-03-17 04:00"), // 4 of 8 hours in training
        (0, "2025-03-18 12:00", ""),
    ]);
    let tp = Period::parse("train", "2025-03-01..2025-03-16").unwrap();
    let sp = Period::parse("test", "2025-03-17..2025-03-23").unwrap();
    let ps = PeriodSplit::new(&all, tp, sp, Stockholm);
    let s = PreviousPeriod.score(line4().spec(), &ps.split()).unwrap();
    assert_eq!(s, vec![0.0, 0.5, 1.0, 0.5]);
}

#[test]
fn rolling_months_share_an_interval_across_a_month_edge() {
    let all = intervals(&[
        (0, "2026-01-10 12:00", ""),
        (1, "2026-01-31 12:00", "2026-02-01 12:00"), // half in January, half in February
        (1, "2026-02-10 12:00", ""),
        (0, "2026-03-05 12:00", ""),
    ]);
    let span = Period::parse("test", "2026-02..2026-03").unwrap();
    let steps =
        rolling_monthly(&line4(), &all, 1, span, &[&GridCounts], &[0.25], Stockholm).unwrap();
    // February: trained on January (cell 0: 1, cell 1: 0.5), judged on cell 1's 0.5 + 1 of 1.5: miss.
    let f = &steps[0].results[0].rows[0];
    approx(Some(f.counts.total), 1.5);
    approx(f.counts.hit_rate, 0.0);
    // March: trained on February (cell 1: 1.5), March's incident is in cell 0: miss; N = 1.
    let m = &steps[1].results[0].rows[0];
    approx(Some(m.counts.total), 1.0);
    approx(Some(m.train_captured), 1.5);
}

#[test]
fn shares_of_consecutive_periods_add_up_to_one() {
    let all = intervals(&[
        (0, "2025-03-14 16:00", "2025-03-17 07:00"),
        (1, "2025-03-29 22:00", "2025-04-02 04:00"), // across the spring DST change and a month
        (2, "2025-03-01 00:00", "2025-04-01 00:00"),
        (3, "2025-03-20 08:15", ""),
    ]);
    let weeks: Vec<Period> = (0..8)
        .map(|k| {
            let s = chrono::NaiveDate::from_ymd_opt(2025, 2, 24).unwrap()
                + chrono::TimeDelta::days(7 * k);
            Period::new(s, s + chrono::TimeDelta::days(6)).unwrap()
        })
        .collect();
    for i in 0..all.len() {
        let total: f64 = weeks.iter().map(|w| w.share(&all, i, Stockholm)).sum();
        assert!((total - 1.0).abs() < 1e-12, "incident {i}: {total}");
    }
}

#[test]
fn data_without_intervals_split_as_whole_incidents() {
    let all = timed(&[(0, 2025, 12, 1), (1, 2025, 12, 31), (2, 2026, 1, 10)]);
    let tp = Period::parse("train", "2025").unwrap();
    let sp = Period::parse("test", "2026-01").unwrap();
    let ps = PeriodSplit::new(&all, tp, sp, Stockholm);
    assert!(ps.split().shares.is_none());
    assert_eq!(ps.split_intervals, 0);
    let old_train = all.subset(&tp.select(&all));
    let old_test = all.subset(&sp.select(&all));
    assert_eq!(ps.train.ids(), old_train.ids());
    assert_eq!(ps.test.ids(), old_test.ids());
}

/// A [`MethodEvaluation`] of `method` with rows `(requested, reached, pai)`.
fn evaluation(method: &str, rows: &[(f64, f64, Option<f64>)]) -> MethodEvaluation {
    MethodEvaluation {
        method: method.into(),
        params: String::new(),
        seconds: 0.0,
        rows: rows
            .iter()
            .map(|&(req, cov, pai)| CoverageResult {
                coverage_requested: req,
                coverage: cov,
                cells: 1,
                area_km2: 0.0,
                counts: Capture {
                    captured: 0.0,
                    total: 0.0,
                    best_possible: 0.0,
                    hit_rate: None,
                    pai,
                    pei_star: None,
                },
                train_captured: 0.0,
                rri: None,
                harm: None,
            })
            .collect(),
    }
}

#[test]
fn mean_pai_curve_averages_over_origins_by_hand() {
    // Two origins; kde at 1 %: reached 0.01 and 0.03 (mean 0.02), PAI 4 and 2 (mean 3); at 10 %:
    // reached 0.1 twice, PAI defined only at the first origin (6), so its mean is 6 over 1 origin.
    let o1 = vec![
        evaluation("kde", &[(0.1, 0.1, Some(6.0)), (0.01, 0.01, Some(4.0))]),
        evaluation("grid", &[(0.01, 0.01, Some(100.0))]),
    ];
    let o2 = vec![evaluation(
        "kde",
        &[(0.01, 0.03, Some(2.0)), (0.1, 0.1, None)],
    )];
    let c = mean_pai_curve([o1.as_slice(), o2.as_slice()], "kde");
    assert_eq!(c.len(), 2);
    assert_eq!(c[0].coverage_requested, 0.01);
    assert!((c[0].coverage - 0.02).abs() < 1e-15);
    approx(c[0].pai, 3.0);
    assert_eq!(c[0].origins, 2);
    assert_eq!(c[1].coverage_requested, 0.1);
    assert!((c[1].coverage - 0.1).abs() < 1e-15);
    approx(c[1].pai, 6.0);
    assert_eq!(c[1].origins, 2);
    // No PAI anywhere: the point stays, without a mean.
    let o3 = vec![evaluation("gistar", &[(0.05, 0.05, None)])];
    let g = mean_pai_curve([o3.as_slice()], "gistar");
    assert_eq!(g.len(), 1);
    assert_eq!(g[0].pai, None);
    // A method in no origin: no point.
    assert!(mean_pai_curve([o1.as_slice()], "dbscan").is_empty());
}

/// The data of `interval_incidents_are_judged_and_trained_on_by_their_share` as before (10-16 March
/// 2025) and after (17-23 March) periods.
fn before_after_case() -> (Incidents, BeforeAfter) {
    let all = intervals(&[
        (0, "2025-03-14 16:00", "2025-03-17 07:00"), // 63 h: 56/63 before, 7/63 after
        (2, "2025-03-18 12:00", ""),                 // after
        (1, "2025-03-12 09:00", ""),                 // before
        (3, "2025-03-22 12:00", "2025-03-24 12:00"), // 48 h: 36/48 after, 12 h later
    ]);
    let bp = Period::parse("before", "2025-03-10..2025-03-16").unwrap();
    let ap = Period::parse("after", "2025-03-17..2025-03-23").unwrap();
    let p = BeforeAfter::new(&all, bp, ap, Stockholm);
    (all, p)
}

#[test]
fn change_cells_count_intervals_by_share_per_30_days() {
    let (all, p) = before_after_case();
    let close = |a: f64, b: f64| assert!((a - b).abs() < 1e-12, "{a} != {b}");
    let cells = change_cells(&line4(), &all, &p).unwrap();
    // Every cell has an incident in one period or the other; both periods are 7 days long.
    assert_eq!(
        cells.iter().map(|c| c.col).collect::<Vec<_>>(),
        [0, 1, 2, 3]
    );
    let expect = [
        (56.0 / 63.0, 7.0 / 63.0),
        (1.0, 0.0),
        (0.0, 1.0),
        (0.0, 0.75),
    ];
    for (c, (b, a)) in cells.iter().zip(expect) {
        close(c.before, b);
        close(c.after, a);
        close(c.change_per_30d, (a / 7.0 - b / 7.0) * 30.0);
    }
    // By hand: cell 0 (7/63 - 56/63) / 7 * 30 = -10/3.
    close(cells[0].change_per_30d, -10.0 / 3.0);
    // Shares of another incident set are refused.
    let other = at_cells(&[(0, 0, 1)]);
    assert!(change_cells(&line4(), &other, &p).is_err());
}

#[test]
fn hotspot_zones_by_share_sum_shares_against_the_minimum() {
    let (all, p) = before_after_case();
    let g = line4();
    // Before counts 56/63, 1, 0, 0: the top half is cells 1 and 0, touching, 1 + 56/63 < 2.
    let z = hotspot_zones_by_share(&g, &all, &p.before_shares, 0.5, 1).unwrap();
    assert_eq!(z.len(), 1);
    use geo::Area;
    assert!((z[0].area.polygons().unsigned_area() - 200.0).abs() < 1e-9);
    assert!(
        hotspot_zones_by_share(&g, &all, &p.before_shares, 0.5, 2)
            .unwrap()
            .is_empty()
    );
    // Counting the interval whole where it starts (14 March) reaches 2: the rule matters here.
    let starts = all.subset(&p.before.select(&all));
    assert_eq!(hotspot_zones(&g, &starts, 0.5, 2).unwrap().len(), 1);
}

#[test]
fn density_difference_by_share_weights_each_period_by_its_shares() {
    let (all, p) = before_after_case();
    let g = EvalGrid::new(GridSpec::new(-50.0, -50.0, 10.0, 14, 11).unwrap(), None).unwrap();
    let got = density_difference_by_share(&g, &all, &p, Some(30.0)).unwrap();
    // Independently: the same points with the shares as explicit weights.
    let weighted = |shares: &[f64]| {
        let keep: Vec<usize> = (0..all.len()).filter(|&i| shares[i] > 0.0).collect();
        let w: Vec<f64> = keep.iter().map(|&i| shares[i]).collect();
        all.subset(&keep).with_weights(w).unwrap()
    };
    let want = density_difference(
        &g,
        &all,
        &weighted(&p.before_shares),
        &weighted(&p.after_shares),
        p.before,
        p.after,
        Some(30.0),
    )
    .unwrap();
    assert_eq!(got.raster.values, want.raster.values);
    assert_eq!((got.bandwidth_m, got.method), (30.0, "fixed"));
    // Some cell changed, so the comparison above is not between two empty surfaces.
    assert!(got.raster.values.iter().any(|v| v.abs() > 1e-9));
}

#[test]
fn exact_times_give_the_same_zones_and_surface_by_share_as_by_start() {
    // With exact times the shares are 1 or 0.
    let ex = intervals(&[
        (0, "2025-03-11 10:00", ""),
        (0, "2025-03-12 10:00", ""),
        (1, "2025-03-13 10:00", ""),
        (3, "2025-03-20 10:00", ""),
        (2, "2025-03-21 10:00", ""),
    ]);
    let bp = Period::parse("before", "2025-03-10..2025-03-16").unwrap();
    let ap = Period::parse("after", "2025-03-17..2025-03-23").unwrap();
    let p = BeforeAfter::new(&ex, bp, ap, Stockholm);
    assert!(
        p.before_shares
            .iter()
            .chain(&p.after_shares)
            .all(|&s| s == 0.0 || s == 1.0)
    );
    // 2 m cells: under the ArcGIS bandwidth of these five points (about 7.6 m).
    let g = EvalGrid::new(GridSpec::new(-50.0, -50.0, 2.0, 70, 55).unwrap(), None).unwrap();
    let (b, a) = (ex.subset(&bp.select(&ex)), ex.subset(&ap.select(&ex)));
    let by_start = density_difference(&g, &ex, &b, &a, bp, ap, None).unwrap();
    let by_share = density_difference_by_share(&g, &ex, &p, None).unwrap();
    assert_eq!(by_start.raster.values, by_share.raster.values);
    assert_eq!(by_start.bandwidth_m, by_share.bandwidth_m);
    let line = line4();
    let z1 = hotspot_zones(&line, &b, 0.5, 1).unwrap();
    let z2 = hotspot_zones_by_share(&line, &ex, &p.before_shares, 0.5, 1).unwrap();
    assert_eq!(z1.len(), z2.len());
    assert_eq!(
        z1.iter().map(|z| &z.name).collect::<Vec<_>>(),
        z2.iter().map(|z| &z.name).collect::<Vec<_>>()
    );
}
