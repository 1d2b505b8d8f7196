//! Repeat locations: places with two or more incidents, how many incidents they hold, and how soon an
//! incident is followed by another at the same place (the repeat curve).
//!
//! # Locations
//! With tolerance 0 a location is an identical position as read (the lon/lat of the input, or x/y for
//! projected input). With a tolerance of `M` metres, the distinct positions are grouped greedily in a
//! fixed order: positions are sorted by their number of incidents (most first), then by x, then by y;
//! the first position not yet in a group becomes a group's centre and takes every position not yet in
//! a group within `M` metres of it; and so on. Every member is within `M` of its centre (no chaining
//! along a street), the centre is a real position (the busiest), and the groups do not depend on the
//! order of the input rows or the thread count. A location is reported at its centre.
//!
//! # Repeat curve
//! After Farrell, G. & Pease, K. (1993). *Once bitten, twice bitten: repeat victimisation and its
//! implications for crime prevention*. Police Research Group, Crime Prevention Unit Paper 46, and Polvi,
//! N., Looman, T., Humphries, C. & Pease, K. (1991). The time course of repeat burglary victimization.
//! *British Journal of Criminology* 31(4), 411-414: for each window of `d` days (7, 14, 30, 90), the
//! probability that an incident is followed by another at the same location within `d` days
//! (`0 < t_next - t <= d`; records at the same instant are taken as one event recorded twice and do not
//! count as a repeat). Only incidents whose window ends by the last time in the data are at risk (no
//! censored windows). The comparison is the area's base rate: the probability that a given location
//! gets at least one incident within `d` days if the `N` timed incidents of the `T` observed days were
//! spread evenly in time over the `L` locations that have any incident, `1 - exp(-N d / (L T))`
//! (Poisson). Counting only locations with an incident makes the base rate high, so a ratio above 1 is
//! a conservative sign of repeats. A second comparison keeps the places and their counts and asks only
//! about timing: were the times of each location's `k` incidents independent and uniform over the
//! observed `T` days, an incident at risk would be followed within `d` days with probability
//! `1 - (1 - d/T)^(k-1)` (exact for uniform times, as its window lies inside the span); the mean of
//! this over the incidents at risk is `expected_random_times`. Observed above it means repeats come
//! sooner than chance (Polvi et al. 1991's time course). Interval incidents use their from time.
//!
//! # Public mode
//! With [`RepeatOptions::public_min_count`], a location with fewer incidents is never listed; the totals
//! (share at repeat locations, the curve) are kept, as they reveal no single place.

use crate::crs::Projector;
use crate::error::{Error, Result};
use crate::incident::Incidents;
use rstar::RTree;
use rstar::primitives::GeomWithData;
use serde::Serialize;
use std::collections::HashMap;

/// The windows of the repeat curve, in days.
pub const CURVE_DAYS: [u32; 4] = [7, 14, 30, 90];

/// Parameters of [`repeats`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RepeatOptions {
    /// Positions within this many metres form one location (0: identical positions).
    pub tolerance_m: f64,
    /// Locations with at least this many incidents are listed (at least 2).
    pub min_incidents: usize,
    /// Public mode: never list a location with fewer incidents than this.
    pub public_min_count: Option<usize>,
}

impl Default for RepeatOptions {
    fn default() -> Self {
        Self {
            tolerance_m: 0.0,
            min_incidents: 2,
            public_min_count: None,
        }
    }
}

impl RepeatOptions {
    /// Checks the options before any work.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a negative or non-finite tolerance, `min_incidents < 2`, or a
    /// public minimum of 0.
    pub fn validate(&self) -> Result<()> {
        if !(self.tolerance_m >= 0.0 && self.tolerance_m.is_finite()) {
            return Err(Error::invalid(
                "tolerance",
                self.tolerance_m,
                "must be a distance in metres >= 0 (0 = identical positions)",
            ));
        }
        if self.min_incidents < 2 {
            return Err(Error::invalid(
                "min",
                self.min_incidents,
                "a repeat location has at least 2 incidents: use --min 2 or more",
            ));
        }
        if self.public_min_count == Some(0) {
            return Err(Error::invalid(
                "min_count",
                0,
                "the public minimum count must be at least 1",
            ));
        }
        Ok(())
    }
}

/// Incidents of one category at a location.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CategoryCount {
    /// Category as written in the input.
    pub name: String,
    /// Incidents of it at the location.
    pub count: usize,
}

/// One repeat location.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RepeatLocation {
    /// Longitude of the location's centre (WGS84 degrees).
    pub lon: f64,
    /// Latitude of the centre.
    pub lat: f64,
    /// Easting of the centre in the working CRS (metres).
    pub x: f64,
    /// Northing of the centre.
    pub y: f64,
    /// Number of incidents.
    pub incidents: usize,
    /// Earliest time, as written in outputs (`None` when no incident there has a time).
    pub first: Option<String>,
    /// Latest time.
    pub last: Option<String>,
    /// Categories, most incidents first (ties by name).
    pub categories: Vec<CategoryCount>,
    /// Median of the days between consecutive incidents in time order (`None` with fewer than 2 times).
    pub median_days_between: Option<f64>,
    /// Indices of the incidents (into the input set), ascending.
    #[serde(skip)]
    pub members: Vec<usize>,
}

/// One point of the repeat curve.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct CurvePoint {
    /// Window in days.
    pub days: u32,
    /// Incidents whose whole window lies inside the data's time span.
    pub at_risk: u64,
    /// Of those, followed by another incident at the same location within the window.
    pub repeats: u64,
    /// `repeats / at_risk` (`NaN`, written as null, when none is at risk).
    pub probability: f64,
    /// The area's base rate for the window (see the module doc).
    pub base_rate: f64,
    /// `probability / base_rate`.
    pub ratio: f64,
    /// The probability expected if the same locations kept their incident counts but the times were
    /// independent and uniform over the observed span: the mean over the incidents at risk of
    /// `1 - (1 - d / T)^(k - 1)`, `k` the incidents at its location (see the module doc).
    pub expected_random_times: f64,
}

/// Repeat locations and the repeat curve of a set of incidents.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Repeats {
    /// The tolerance used, metres.
    pub tolerance_m: f64,
    /// Minimum incidents of a listed location.
    pub min_incidents: usize,
    /// Public minimum count, when in public mode.
    pub public_min_count: Option<usize>,
    /// Incidents looked at.
    pub total_incidents: usize,
    /// Distinct locations (after grouping).
    pub locations: usize,
    /// Locations with 2 or more incidents.
    pub repeat_locations: usize,
    /// Incidents at locations with 2 or more incidents.
    pub incidents_at_repeat_locations: usize,
    /// `incidents_at_repeat_locations / total_incidents`.
    pub share_at_repeat_locations: f64,
    /// Locations with at least `min_incidents` not listed because of the public minimum.
    pub not_listed: usize,
    /// The listed locations, most incidents first (ties: earliest first time, then lon, then lat).
    pub listed: Vec<RepeatLocation>,
    /// Incidents with a time, used by the curve.
    pub timed_incidents: usize,
    /// Days between the first and the last time.
    pub observed_days: f64,
    /// The repeat curve for [`CURVE_DAYS`].
    pub curve: Vec<CurvePoint>,
}

/// The location (group) index of every incident, and the number of locations, by the rule in the
/// module doc. Group ids are numbered in the greedy order (busiest centre first).
fn group(incidents: &Incidents, tolerance_m: f64) -> (Vec<usize>, usize) {
    let n = incidents.len();
    // Distinct positions as read.
    let key = |i: usize| -> (u64, u64) {
        match incidents.lonlat()[i] {
            Some([a, b]) => (a.to_bits(), b.to_bits()),
            None => (incidents.x()[i].to_bits(), incidents.y()[i].to_bits()),
        }
    };
    let mut pos_of: HashMap<(u64, u64), usize> = HashMap::new();
    let mut first: Vec<usize> = Vec::new();
    let mut count: Vec<usize> = Vec::new();
    let mut distinct = vec![0usize; n];
    for (i, d) in distinct.iter_mut().enumerate() {
        let k = *pos_of.entry(key(i)).or_insert_with(|| {
            first.push(i);
            count.push(0);
            first.len() - 1
        });
        count[k] += 1;
        *d = k;
    }
    let m = first.len();
    let xy = |k: usize| [incidents.x()[first[k]], incidents.y()[first[k]]];
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| {
        count[b]
            .cmp(&count[a])
            .then(xy(a)[0].total_cmp(&xy(b)[0]))
            .then(xy(a)[1].total_cmp(&xy(b)[1]))
            .then(key(first[a]).cmp(&key(first[b])))
    });
    let mut gid = vec![usize::MAX; m];
    let mut groups = 0;
    if tolerance_m == 0.0 {
        for &k in &order {
            gid[k] = groups;
            groups += 1;
        }
    } else {
        let tree = RTree::bulk_load((0..m).map(|k| GeomWithData::new(xy(k), k)).collect());
        let r2 = tolerance_m * tolerance_m;
        for &k in &order {
            if gid[k] != usize::MAX {
                continue;
            }
            for p in tree.locate_within_distance(xy(k), r2) {
                if gid[p.data] == usize::MAX {
                    gid[p.data] = groups;
                }
            }
            groups += 1;
        }
    }
    (distinct.iter().map(|&k| gid[k]).collect(), groups)
}

fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    })
}

/// Repeat locations and the repeat curve (see the module doc).
///
/// # Errors
/// [`Error::InvalidParameter`] for bad options; [`Error::Crs`] when a centre cannot be projected back
/// to lon/lat.
pub fn repeats(
    incidents: &Incidents,
    projector: &Projector,
    opts: &RepeatOptions,
) -> Result<Repeats> {
    opts.validate()?;
    let n = incidents.len();
    let (gid, groups) = group(incidents, opts.tolerance_m);
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); groups];
    for (i, &g) in gid.iter().enumerate() {
        members[g].push(i);
    }
    let times = incidents.times();
    let ts = |i: usize| times[i].map(|t| t.timestamp());
    let repeat_locations = members.iter().filter(|m| m.len() >= 2).count();
    let at_repeat: usize = members.iter().filter(|m| m.len() >= 2).map(Vec::len).sum();
    let min_listed = opts.min_incidents.max(opts.public_min_count.unwrap_or(0));
    let mut listed = Vec::new();
    let mut not_listed = 0;
    for m in members.iter().filter(|m| m.len() >= opts.min_incidents) {
        if m.len() < min_listed {
            not_listed += 1;
            continue;
        }
        // The centre: the busiest position, which is the group's first member in greedy order. With
        // tolerance 0 all members share it; otherwise find the member at the most common position.
        let centre = centre_of(incidents, m);
        let (x, y) = (incidents.x()[centre], incidents.y()[centre]);
        let [lon, lat] = match incidents.lonlat()[centre] {
            Some(ll) => ll,
            None => projector.to_lonlat(x, y)?,
        };
        let mut timed: Vec<(i64, usize)> = m.iter().filter_map(|&i| Some((ts(i)?, i))).collect();
        timed.sort();
        let first = timed
            .first()
            .and_then(|&(_, i)| times[i])
            .map(|t| t.to_string());
        let last = timed
            .last()
            .and_then(|&(_, i)| times[i])
            .map(|t| t.to_string());
        let gaps: Vec<f64> = timed
            .windows(2)
            .map(|w| (w[1].0 - w[0].0) as f64 / 86_400.0)
            .collect();
        let mut cats: HashMap<&str, usize> = HashMap::new();
        for &i in m {
            *cats.entry(incidents.category(i)).or_default() += 1;
        }
        let mut categories: Vec<CategoryCount> = cats
            .into_iter()
            .map(|(name, count)| CategoryCount {
                name: name.to_string(),
                count,
            })
            .collect();
        categories.sort_by(|a, b| b.count.cmp(&a.count).then(a.name.cmp(&b.name)));
        listed.push((
            timed.first().map(|t| t.0),
            RepeatLocation {
                lon,
                lat,
                x,
                y,
                incidents: m.len(),
                first,
                last,
                categories,
                median_days_between: median(gaps),
                members: m.clone(),
            },
        ));
    }
    listed.sort_by(|(ta, a), (tb, b)| {
        b.incidents
            .cmp(&a.incidents)
            .then(ta.unwrap_or(i64::MAX).cmp(&tb.unwrap_or(i64::MAX)))
            .then(a.lon.total_cmp(&b.lon))
            .then(a.lat.total_cmp(&b.lat))
    });
    let listed = listed.into_iter().map(|(_, l)| l).collect();

    // Repeat curve.
    let mut per_loc: Vec<Vec<i64>> = vec![Vec::new(); groups];
    for i in 0..n {
        if let Some(t) = ts(i) {
            per_loc[gid[i]].push(t);
        }
    }
    per_loc.iter_mut().for_each(|v| v.sort_unstable());
    let timed_incidents: usize = per_loc.iter().map(Vec::len).sum();
    let timed_locations = per_loc.iter().filter(|v| !v.is_empty()).count();
    let t0 = per_loc.iter().filter_map(|v| v.first()).min().copied();
    let t1 = per_loc.iter().filter_map(|v| v.last()).max().copied();
    let observed_days = match (t0, t1) {
        (Some(a), Some(b)) => (b - a) as f64 / 86_400.0,
        _ => 0.0,
    };
    let curve = CURVE_DAYS
        .iter()
        .map(|&d| {
            let w = i64::from(d) * 86_400;
            let (mut at_risk, mut rep) = (0u64, 0u64);
            let mut expected = 0.0;
            let frac = if observed_days > 0.0 {
                (f64::from(d) / observed_days).min(1.0)
            } else {
                1.0
            };
            if let Some(end) = t1 {
                for v in &per_loc {
                    for &t in v {
                        if t + w > end {
                            continue;
                        }
                        at_risk += 1;
                        expected += 1.0 - (1.0 - frac).powi(v.len() as i32 - 1);
                        let next = v.partition_point(|&u| u <= t);
                        if next < v.len() && v[next] - t <= w {
                            rep += 1;
                        }
                    }
                }
            }
            let probability = rep as f64 / at_risk as f64;
            let base_rate = if observed_days > 0.0 && timed_locations > 0 {
                1.0 - (-(timed_incidents as f64) * f64::from(d)
                    / (timed_locations as f64 * observed_days))
                    .exp()
            } else {
                f64::NAN
            };
            CurvePoint {
                days: d,
                at_risk,
                repeats: rep,
                probability,
                base_rate,
                ratio: probability / base_rate,
                expected_random_times: expected / at_risk as f64,
            }
        })
        .collect();
    Ok(Repeats {
        tolerance_m: opts.tolerance_m,
        min_incidents: opts.min_incidents,
        public_min_count: opts.public_min_count,
        total_incidents: n,
        locations: groups,
        repeat_locations,
        incidents_at_repeat_locations: at_repeat,
        share_at_repeat_locations: at_repeat as f64 / n as f64,
        not_listed,
        listed,
        timed_incidents,
        observed_days,
        curve,
    })
}

/// The member at the most common position of a group (ties: smallest x, then y), i.e. the centre.
fn centre_of(incidents: &Incidents, m: &[usize]) -> usize {
    let mut by: HashMap<(u64, u64), (usize, usize)> = HashMap::new();
    for &i in m {
        let e = by
            .entry((incidents.x()[i].to_bits(), incidents.y()[i].to_bits()))
            .or_insert((0, i));
        e.0 += 1;
    }
    let mut best = m[0];
    let mut best_n = 0;
    for &(c, i) in by.values() {
        let better = c > best_n
            || (c == best_n
                && (incidents.x()[i], incidents.y()[i])
                    .partial_cmp(&(incidents.x()[best], incidents.y()[best]))
                    == Some(std::cmp::Ordering::Less));
        if better {
            best = i;
            best_n = c;
        }
    }
    best
}

/// A CSV field: quoted when it holds a separator, quote or line break (RFC 4180); text that a
/// spreadsheet would run as a formula (a leading `=` `+` `-` `@`, tab or CR) gets a leading `'`.
fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

impl Repeats {
    /// The listed locations as CSV: `lon,lat,incidents,first,last,categories,median_days_between`;
    /// categories as `name (count)` joined by `; `, empty fields for unknown values.
    pub fn to_csv(&self) -> String {
        let mut out = String::from("lon,lat,incidents,first,last,categories,median_days_between\n");
        for l in &self.listed {
            let cats: Vec<String> = l
                .categories
                .iter()
                .map(|c| format!("{} ({})", c.name, c.count))
                .collect();
            out.push_str(&format!(
                "{:.7},{:.7},{},{},{},{},{}\n",
                l.lon,
                l.lat,
                l.incidents,
                l.first.as_deref().unwrap_or(""),
                l.last.as_deref().unwrap_or(""),
                csv_field(&cats.join("; ")),
                l.median_days_between
                    .map(|d| format!("{d:.2}"))
                    .unwrap_or_default(),
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests;
