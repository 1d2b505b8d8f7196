//! Each emerging class on a constructed series; the cube Gi* against brute force and the Memphis reference.

use super::*;
use crate::crs::Crs;
use crate::incident::{IncidentRecord, IncidentsBuilder};
use crate::time::{IncidentTime, TimeResolution};
use EmergingClass::*;

fn s(v: &[i8]) -> Vec<BinState> {
    v.to_vec()
}

#[test]
fn every_hot_class_on_a_constructed_series() {
    assert_eq!(classify(&s(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 1]), 0), NewHotSpot);
    assert_eq!(
        classify(&s(&[0, 0, 0, 0, 0, 0, 0, 0, 1, 1]), 1),
        ConsecutiveHotSpot
    );
    assert_eq!(
        classify(&s(&[0, 0, 0, 0, 1, 1, 1, 1, 1, 1]), 0),
        ConsecutiveHotSpot
    );
    assert_eq!(classify(&[1; 10], 1), IntensifyingHotSpot);
    assert_eq!(classify(&[1; 10], 0), PersistentHotSpot);
    assert_eq!(classify(&[1; 10], -1), DiminishingHotSpot);
    // 9 of 10 hot (90%) with a gap: still persistent.
    assert_eq!(
        classify(&s(&[1, 1, 0, 1, 1, 1, 1, 1, 1, 1]), 0),
        PersistentHotSpot
    );
    // A run of 9 at the end reaches 90%: not consecutive but persistent.
    assert_eq!(
        classify(&s(&[0, 1, 1, 1, 1, 1, 1, 1, 1, 1]), 0),
        PersistentHotSpot
    );
    assert_eq!(
        classify(&s(&[1, 0, 1, 0, 0, 1, 0, 0, 0, 1]), 0),
        SporadicHotSpot
    );
    // Hot again after a break: on-and-off, not consecutive.
    assert_eq!(
        classify(&s(&[1, 0, 0, 0, 0, 0, 0, 0, 1, 1]), 0),
        SporadicHotSpot
    );
    assert_eq!(
        classify(&s(&[-1, 0, 1, 0, 0, 0, 0, 0, 0, 1]), 0),
        OscillatingHotSpot
    );
    assert_eq!(
        classify(&s(&[1, 1, 1, 1, 1, 1, 1, 1, 1, 0]), 0),
        HistoricalHotSpot
    );
    assert_eq!(
        classify(&s(&[1, 1, 1, 1, 1, 1, 1, 1, 1, 0]), -1),
        HistoricalHotSpot
    );
}

#[test]
fn every_cold_class_mirrors() {
    let neg = |v: &[i8]| v.iter().map(|x| -x).collect::<Vec<_>>();
    assert_eq!(
        classify(&neg(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 1]), 0),
        NewColdSpot
    );
    assert_eq!(
        classify(&neg(&[0, 0, 0, 0, 0, 0, 0, 0, 1, 1]), 0),
        ConsecutiveColdSpot
    );
    // Cold intensifies as z falls.
    assert_eq!(classify(&[-1; 10], -1), IntensifyingColdSpot);
    assert_eq!(classify(&[-1; 10], 0), PersistentColdSpot);
    assert_eq!(classify(&[-1; 10], 1), DiminishingColdSpot);
    assert_eq!(
        classify(&neg(&[1, 0, 1, 0, 0, 1, 0, 0, 0, 1]), 0),
        SporadicColdSpot
    );
    assert_eq!(
        classify(&neg(&[-1, 0, 1, 0, 0, 0, 0, 0, 0, 1]), 0),
        OscillatingColdSpot
    );
    assert_eq!(
        classify(&neg(&[1, 1, 1, 1, 1, 1, 1, 1, 1, 0]), 0),
        HistoricalColdSpot
    );
}

#[test]
fn no_pattern_cases() {
    assert_eq!(classify(&[0; 10], 0), NoPattern);
    assert_eq!(classify(&s(&[1, 0, 0, 0, 0, 0, 0, 0, 0, 0]), 1), NoPattern);
    assert_eq!(classify(&s(&[1, 1, 1, 1, 1, 0, 0, 0, 0, 0]), -1), NoPattern);
    assert_eq!(classify(&[], 0), NoPattern);
}

/// Brute force: every bin against every bin, the formula written out with Σw².
fn brute_gistar(cube: &SpaceTimeCube, band: f64, tw: usize) -> Vec<f64> {
    let c = cube.spec.len();
    let t_n = cube.n_steps();
    let n = (c * t_n) as f64;
    let x = &cube.counts;
    let mean = x.iter().sum::<f64>() / n;
    let s = (x.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n).sqrt();
    let mut out = vec![0.0; c * t_n];
    for t in 0..t_n {
        for i in 0..c {
            let (ci, ri) = cube.spec.col_row(i);
            let pi = cube.spec.centre(ci, ri);
            let (mut sw, mut sw2, mut swx) = (0.0, 0.0, 0.0);
            for u in 0..t_n {
                if u > t || t - u > tw {
                    continue;
                }
                for j in 0..c {
                    let (cj, rj) = cube.spec.col_row(j);
                    let pj = cube.spec.centre(cj, rj);
                    if ((pi[0] - pj[0]).powi(2) + (pi[1] - pj[1]).powi(2)).sqrt() <= band {
                        sw += 1.0;
                        sw2 += 1.0;
                        swx += x[u * c + j];
                    }
                }
            }
            out[t * c + i] = (swx - mean * sw) / (s * ((n * sw2 - sw * sw) / (n - 1.0)).sqrt());
        }
    }
    out
}

#[test]
fn cube_gistar_matches_brute_force() {
    use rand::{RngExt, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let spec = GridSpec::new(0.0, 0.0, 100.0, 6, 5).unwrap();
    let t_n = 7;
    let counts: Vec<f64> = (0..spec.len() * t_n)
        .map(|_| rng.random_range(0..6) as f64)
        .collect();
    let cube = SpaceTimeCube {
        spec,
        steps: vec![Period::parse("p", "2025-01").unwrap(); t_n],
        counts,
    };
    for (band, tw) in [(0.0, 0), (100.0, 1), (150.0, 2), (250.0, 0), (350.0, 3)] {
        let fast = cube_gistar(&cube, band, tw).unwrap();
        let slow = brute_gistar(&cube, band, tw);
        for (a, b) in fast.iter().zip(&slow) {
            assert!((a - b).abs() < 1e-9, "band {band} tw {tw}: {a} vs {b}");
        }
    }
    // A neighbourhood holding the whole cube has no variance: z is defined as 0.
    let all = cube_gistar(&cube, 1000.0, 10).unwrap();
    assert_eq!(all[(t_n - 1) * spec.len()], 0.0);
    assert!(cube_gistar(&cube, -1.0, 0).is_err());
}

/// With one time step and no time lag the cube Gi* is the ordinary Gi*: compare with
/// the PySAL esda values for the Memphis robberies grid (data/reference-values/SOURCE.md).
#[test]
fn one_step_cube_matches_memphis_reference() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/reference-values/memphis_robberies_grid1000m_gistar_d1500.csv"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let spec = GridSpec::new(214000.0, 3876000.0, 1000.0, 38, 30).unwrap();
    let mut counts = vec![0.0; spec.len()];
    let mut want = vec![f64::NAN; spec.len()];
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let (c, r): (usize, usize) = (f[0].parse().unwrap(), f[1].parse().unwrap());
        counts[spec.index(c, r)] = f[4].parse().unwrap();
        want[spec.index(c, r)] = f[5].parse().unwrap();
    }
    assert_eq!(counts.iter().sum::<f64>(), 2245.0);
    let cube = SpaceTimeCube {
        spec,
        steps: vec![Period::parse("p", "2019").unwrap()],
        counts,
    };
    let z = cube_gistar(&cube, 1500.0, 1).unwrap();
    for (a, b) in z.iter().zip(&want) {
        assert!((a - b).abs() < 1e-9, "{a} vs {b}");
    }
}

fn month_incidents(events: &[(f64, f64, i32, u32, usize)]) -> Incidents {
    let off = chrono::FixedOffset::east_opt(3600).unwrap();
    let mut b = IncidentsBuilder::new(Crs::SWEREF99_TM).unwrap();
    let mut k = 0;
    for &(x, y, yr, m, n) in events {
        for _ in 0..n {
            use chrono::TimeZone;
            let t = off.with_ymd_and_hms(yr, m, 15, 12, 0, 0).unwrap();
            b.push(IncidentRecord {
                x,
                y,
                weight: 1.0,
                category: "",
                time: Some(IncidentTime::new(t, TimeResolution::Minute)),
                id: k.to_string(),
                lonlat: None,
            })
            .unwrap();
            k += 1;
        }
    }
    b.build()
}

#[test]
fn end_to_end_new_hot_spot_and_steps() {
    // A 7 x 7 grid of 100 m cells, 12 months, one incident per cell per month everywhere,
    // and 25 more in the centre cell in the last month only.
    let mut ev = Vec::new();
    for m in 1..=12 {
        for c in 0..7 {
            for r in 0..7 {
                ev.push((c as f64 * 100.0 + 50.0, r as f64 * 100.0 + 50.0, 2025, m, 1));
            }
        }
    }
    ev.push((350.0, 350.0, 2025, 12, 25));
    let inc = month_incidents(&ev);
    let spec = GridSpec::new(0.0, 0.0, 100.0, 7, 7).unwrap();
    let (cube, dropped) = SpaceTimeCube::build(
        &inc,
        spec,
        TimeStep::Month,
        None,
        chrono_tz::Europe::Stockholm,
    )
    .unwrap();
    assert_eq!((cube.n_steps(), dropped), (12, 0));
    assert_eq!(cube.count(spec.index(3, 3), 11), 26.0);
    assert_eq!(cube.count(spec.index(3, 3), 10), 1.0);
    let p = EmergingParams::new(0.0, 0, 0.05, false, 0.05).unwrap();
    let res = emerging_hot_spots(cube.clone(), &p).unwrap();
    let centre = res
        .cells
        .iter()
        .find(|c| c.cell == spec.index(3, 3))
        .unwrap();
    assert_eq!(centre.class, NewHotSpot);
    assert_eq!(res.cells.len(), 49);
    let corner = res.cells.iter().find(|c| c.cell == 0).unwrap();
    assert_eq!(corner.class, NoPattern);
    // Counts per pattern: all 17 classes in legend order, each the number of cells of that class.
    let counts = res.pattern_counts();
    assert_eq!(counts.len(), 17);
    assert_eq!(counts[0].0, NewHotSpot);
    assert_eq!(counts[16].0, NoPattern);
    for (class, n) in &counts {
        assert_eq!(
            *n,
            res.cells.iter().filter(|c| c.class == *class).count(),
            "{class:?}"
        );
    }
    assert_eq!(counts.iter().map(|c| c.1).sum::<usize>(), 49);
    assert!(counts[0].1 >= 1 && counts[16].1 >= 1);
    // Same input, same output.
    let again = emerging_hot_spots(cube.clone(), &p).unwrap();
    assert_eq!(res.z, again.z);
    // Too few steps is refused with a hint.
    let short = SpaceTimeCube {
        steps: cube.steps[..3].to_vec(),
        counts: cube.counts[..3 * 49].to_vec(),
        ..cube
    };
    let e = emerging_hot_spots(short, &p).unwrap_err();
    assert!(e.to_string().contains("at least 10"), "{e}");
}

#[test]
fn steps_are_calendar_aligned() {
    let p = Period::parse("p", "2026-01-07..2026-01-20").unwrap();
    let w = TimeStep::Week.steps(p);
    // 2026-01-05 is a Monday.
    assert_eq!(w[0].to_string(), "2026-01-05..2026-01-11");
    assert_eq!(w.len(), 3);
    assert_eq!(TimeStep::Month.steps(p).len(), 1);
    assert_eq!(TimeStep::Day.steps(p).len(), 14);
    assert!("fortnight".parse::<TimeStep>().is_err());
}

#[test]
fn fdr_is_stricter_than_plain_alpha() {
    let p = [0.001, 0.01, 0.03, 0.04, 0.2];
    assert_eq!(
        significant(&p, 0.05, false),
        vec![true, true, true, true, false]
    );
    // BH thresholds 0.01, 0.02, 0.03, 0.04, 0.05: ranks 1-4 pass (0.04 <= 0.04).
    assert_eq!(
        significant(&p, 0.05, true),
        vec![true, true, true, true, false]
    );
    let q = [0.001, 0.03, 0.035, 0.045, 0.2];
    assert_eq!(
        significant(&q, 0.05, true),
        vec![true, false, false, false, false]
    );
}

#[test]
fn an_interval_adds_its_share_to_each_step_it_overlaps() {
    use crate::incident::{IncidentRecord, IncidentsBuilder};
    use crate::ingest::{interval_len, parse_time};
    use chrono_tz::Europe::Stockholm;
    let rows = [
        (50.0, "2025-03-14 16:00", "2025-03-17 07:00"), // Fri-Mon: 56/63 in week 11, 7/63 in week 12
        (150.0, "2025-03-12 10:00", ""),                // exact, week 11
        (150.0, "2025-03-23 18:00", "2025-03-24 06:00"), // Sun-Mon: 6 of 12 h in week 12, rest after
    ];
    let mut b = IncidentsBuilder::new(crate::crs::Crs::SWEREF99_TM).unwrap();
    for (k, &(x, from, to)) in rows.iter().enumerate() {
        let t = parse_time(from, Stockholm).unwrap();
        let len = if to.is_empty() {
            0
        } else {
            interval_len(&t, &parse_time(to, Stockholm).unwrap(), Stockholm).unwrap()
        };
        b.push_interval(
            IncidentRecord {
                x,
                y: 50.0,
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
    let inc = b.build();
    let spec = GridSpec::new(0.0, 0.0, 100.0, 2, 1).unwrap();
    let close = |a: f64, b: f64| assert!((a - b).abs() < 1e-12, "{a} != {b}");
    // Default span: 12 March to 24 March (the last interval's last day): weeks 11, 12 and 13.
    let (cube, dropped) =
        SpaceTimeCube::build(&inc, spec, TimeStep::Week, None, Stockholm).unwrap();
    assert_eq!((cube.n_steps(), dropped), (3, 0));
    close(cube.count(0, 0), 56.0 / 63.0);
    close(cube.count(0, 1), 7.0 / 63.0);
    assert_eq!(cube.count(1, 0), 1.0);
    assert_eq!((cube.count(1, 1), cube.count(1, 2)), (0.5, 0.5));
    // Every incident adds 1 in all when its interval lies inside the span.
    close(cube.counts.iter().sum::<f64>(), 3.0);
    // A span ending on Sunday 23 March keeps the part inside: 0.5 of the last, nothing dropped.
    let span = Period::parse("p", "2025-03-10..2025-03-23").unwrap();
    let (cube, dropped) =
        SpaceTimeCube::build(&inc, spec, TimeStep::Week, Some(span), Stockholm).unwrap();
    assert_eq!((cube.n_steps(), dropped), (2, 0));
    assert_eq!(cube.count(1, 1), 0.5);
    // A span from Monday 17 March: 7/63 of the first, the exact incident dropped.
    let span = Period::parse("p", "2025-03-17..2025-03-30").unwrap();
    let (cube, dropped) =
        SpaceTimeCube::build(&inc, spec, TimeStep::Week, Some(span), Stockholm).unwrap();
    assert_eq!(dropped, 1);
    close(cube.count(0, 0), 7.0 / 63.0);
    assert_eq!((cube.count(1, 0), cube.count(1, 1)), (0.5, 0.5));
}
