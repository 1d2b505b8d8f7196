//! Incidents as columns: x and y in metres, weight, interned category, optional time, id and original lon/lat.
//!
//! The columnar layout keeps the hot loops of every analysis (density, clustering,
//! statistics) over contiguous `f64` slices, which is what rayon and the CPU
//! caches want. Incidents are built with [`IncidentsBuilder`] (the readers in
//! [`crate::ingest`] use it) or, for quick library use, [`Incidents::from_xy`].

use crate::crs::Crs;
use crate::error::{Error, Result};
use crate::time::{IncidentTime, TimeResolution};
use std::collections::HashMap;
use std::sync::Arc;

/// Index of a category in [`Incidents::category_names`].
pub type CategoryId = u32;

/// One incident, as handed to [`IncidentsBuilder::push`].
#[derive(Clone, Debug, PartialEq)]
pub struct IncidentRecord<'a> {
    /// Easting in metres of the working CRS.
    pub x: f64,
    /// Northing in metres of the working CRS.
    pub y: f64,
    /// Weight (1.0 unless a weight column or harm table says otherwise); must be finite and >= 0.
    pub weight: f64,
    /// Category as written in the input (empty when the input has none).
    pub category: &'a str,
    /// When it happened, if known (the start of the interval for an interval
    /// incident: see [`IncidentsBuilder::push_interval`]).
    pub time: Option<IncidentTime>,
    /// The id from the input, or the 1-based data row.
    pub id: String,
    /// Original WGS84 `[lon, lat]` in degrees, when the input gave lon/lat.
    pub lonlat: Option<[f64; 2]>,
}

/// A set of incidents stored column by column, all in one metric working CRS.
///
/// Indices `0..len()` address the same incident in every column. Invariants
/// (checked on construction): all columns have the same length, coordinates and
/// weights are finite, weights are non-negative, the CRS is metric.
///
/// The columns are shared (`Arc`): a clone costs a few pointer copies, not a copy of a million
/// rows, so an analysis can keep the set it was given (the situation holds the incidents of its
/// period) without doubling the memory of a large file. The set is immutable once built;
/// [`Incidents::subset`] and [`Incidents::with_weights`] make new columns.
#[derive(Clone, Debug)]
pub struct Incidents {
    crs: Crs,
    x: Arc<Vec<f64>>,
    y: Arc<Vec<f64>>,
    weight: Arc<Vec<f64>>,
    category: Arc<Vec<CategoryId>>,
    category_names: Arc<Vec<String>>,
    time: Arc<Vec<Option<IncidentTime>>>,
    interval_len: Arc<Vec<u32>>,
    id: Arc<Vec<String>>,
    lonlat: Arc<Vec<Option<[f64; 2]>>>,
}

impl Incidents {
    /// Incidents at the given positions (metres in `crs`), weight 1, no category,
    /// no time, ids `1..=n`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when the slices differ in length or hold a
    /// non-finite value; [`Error::Crs`] when `crs` is not metric.
    ///
    /// # Example
    /// ```
    /// use hotspot::{Crs, Incidents};
    /// let inc = Incidents::from_xy(Crs::SWEREF99_TM, &[549_900.0, 550_100.0], &[6_545_400.0, 6_545_380.0])?;
    /// assert_eq!(inc.len(), 2);
    /// assert_eq!(inc.total_weight(), 2.0);
    /// # Ok::<(), hotspot::Error>(())
    /// ```
    pub fn from_xy(crs: Crs, x: &[f64], y: &[f64]) -> Result<Self> {
        if x.len() != y.len() {
            return Err(Error::invalid(
                "y",
                format!("{} values", y.len()),
                format!("x and y must have the same length ({})", x.len()),
            ));
        }
        let mut b = IncidentsBuilder::new(crs)?;
        for (i, (&xi, &yi)) in x.iter().zip(y).enumerate() {
            b.push(IncidentRecord {
                x: xi,
                y: yi,
                weight: 1.0,
                category: "",
                time: None,
                id: (i + 1).to_string(),
                lonlat: None,
            })?;
        }
        Ok(b.build())
    }

    /// An empty set in `crs`.
    ///
    /// # Errors
    /// [`Error::Crs`] when `crs` is not metric.
    pub fn empty(crs: Crs) -> Result<Self> {
        Ok(IncidentsBuilder::new(crs)?.build())
    }

    /// The working CRS of `x` and `y`.
    pub fn crs(&self) -> Crs {
        self.crs
    }
    /// Number of incidents.
    pub fn len(&self) -> usize {
        self.x.len()
    }
    /// Whether there are no incidents.
    pub fn is_empty(&self) -> bool {
        self.x.is_empty()
    }
    /// Eastings in metres.
    pub fn x(&self) -> &[f64] {
        &self.x
    }
    /// Northings in metres.
    pub fn y(&self) -> &[f64] {
        &self.y
    }
    /// Position `[x, y]` of incident `i`. Panics if `i >= len()`, like slice indexing.
    pub fn position(&self, i: usize) -> [f64; 2] {
        [self.x[i], self.y[i]]
    }
    /// Weights (1.0 by default).
    pub fn weights(&self) -> &[f64] {
        &self.weight
    }
    /// Sum of all weights.
    pub fn total_weight(&self) -> f64 {
        self.weight.iter().sum()
    }
    /// Whether every weight is exactly 1.
    pub fn is_unweighted(&self) -> bool {
        self.weight.iter().all(|&w| w == 1.0)
    }
    /// Category id of each incident; see [`Incidents::category_names`].
    pub fn category_ids(&self) -> &[CategoryId] {
        &self.category
    }
    /// Distinct category names, indexed by [`CategoryId`], in order of first appearance.
    pub fn category_names(&self) -> &[String] {
        &self.category_names
    }
    /// Category name of incident `i`.
    pub fn category(&self, i: usize) -> &str {
        &self.category_names[self.category[i] as usize]
    }
    /// The id of a category name, if present.
    pub fn category_id(&self, name: &str) -> Option<CategoryId> {
        self.category_names
            .iter()
            .position(|n| n == name)
            .map(|p| p as CategoryId)
    }
    /// Count of incidents per category id.
    pub fn category_counts(&self) -> Vec<usize> {
        let mut c = vec![0usize; self.category_names.len()];
        for &k in self.category.iter() {
            c[k as usize] += 1;
        }
        c
    }
    /// Times (`None` where the input had none).
    pub fn times(&self) -> &[Option<IncidentTime>] {
        &self.time
    }
    /// Whether at least one incident has a time.
    pub fn has_times(&self) -> bool {
        self.time.iter().any(Option::is_some)
    }
    /// The coarsest resolution among the incidents that have a time.
    pub fn time_resolution(&self) -> Option<TimeResolution> {
        self.time.iter().flatten().map(|t| t.resolution()).min()
    }
    /// First and last time, by instant.
    pub fn time_span(&self) -> Option<(IncidentTime, IncidentTime)> {
        use rayon::prelude::*;
        // Like the iterator methods, rayon's return the first of equal minima
        // and the last of equal maxima: the same span for any thread count.
        let times = || self.time.par_iter().with_min_len(8192).flatten();
        let (first, last) = rayon::join(
            || times().min_by_key(|t| t.timestamp()),
            || times().max_by_key(|t| t.timestamp()),
        );
        Some((*first?, *last?))
    }
    /// Length in seconds of each incident's time interval: an incident read with
    /// a from and a to time happened somewhere in `[from, from + span)`, where
    /// [`Incidents::times`] holds `from`; 0 means an exact time (no to time, or
    /// to equal to from). A `to` recorded as a date or month runs to the end of that
    /// day or month. See [`crate::temporal`] for the aoristic weights built on it.
    pub fn interval_lengths(&self) -> &[u32] {
        &self.interval_len
    }
    /// Whether at least one incident has a time interval (a span > 0).
    pub fn has_intervals(&self) -> bool {
        self.interval_len.iter().any(|&s| s > 0)
    }
    /// The interval `[start, end)` of incident `i` in seconds since 1970 (UTC), `None`
    /// without a time; an exact time gives `start == end`. Panics if `i >= len()`.
    pub fn interval(&self, i: usize) -> Option<(i64, i64)> {
        let t = self.time[i]?.timestamp();
        Some((t, t + i64::from(self.interval_len[i])))
    }
    /// Ids as given in the input (or the 1-based data row).
    pub fn ids(&self) -> &[String] {
        &self.id
    }
    /// Original lon/lat where the input gave it.
    pub fn lonlat(&self) -> &[Option<[f64; 2]>] {
        &self.lonlat
    }
    /// Bounding box `[min_x, min_y, max_x, max_y]` in metres, `None` when empty.
    pub fn bbox(&self) -> Option<[f64; 4]> {
        if self.is_empty() {
            return None;
        }
        let mut b = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        for (&x, &y) in self.x.iter().zip(self.y.iter()) {
            b[0] = b[0].min(x);
            b[1] = b[1].min(y);
            b[2] = b[2].max(x);
            b[3] = b[3].max(y);
        }
        Some(b)
    }

    /// A new set holding the incidents at `indices`, in that order (categories keep their ids).
    ///
    /// Panics if an index is out of range, like slice indexing.
    pub fn subset(&self, indices: &[usize]) -> Incidents {
        Incidents {
            crs: self.crs,
            x: Arc::new(indices.iter().map(|&i| self.x[i]).collect()),
            y: Arc::new(indices.iter().map(|&i| self.y[i]).collect()),
            weight: Arc::new(indices.iter().map(|&i| self.weight[i]).collect()),
            category: Arc::new(indices.iter().map(|&i| self.category[i]).collect()),
            category_names: Arc::clone(&self.category_names),
            time: Arc::new(indices.iter().map(|&i| self.time[i]).collect()),
            interval_len: Arc::new(indices.iter().map(|&i| self.interval_len[i]).collect()),
            id: Arc::new(indices.iter().map(|&i| self.id[i].clone()).collect()),
            lonlat: Arc::new(indices.iter().map(|&i| self.lonlat[i]).collect()),
        }
    }

    /// The incidents for which `keep(i)` is true, in order.
    pub fn filter(&self, mut keep: impl FnMut(usize) -> bool) -> Incidents {
        let idx: Vec<usize> = (0..self.len()).filter(|&i| keep(i)).collect();
        self.subset(&idx)
    }

    /// The same incidents with new weights.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when the length differs or a weight is negative or not finite.
    pub fn with_weights(mut self, weights: Vec<f64>) -> Result<Incidents> {
        if weights.len() != self.len() {
            return Err(Error::invalid(
                "weights",
                format!("{} values", weights.len()),
                format!("one weight per incident ({}) is needed", self.len()),
            ));
        }
        if let Some((i, w)) = weights
            .iter()
            .enumerate()
            .find(|(_, w)| !w.is_finite() || **w < 0.0)
        {
            return Err(Error::invalid(
                "weights",
                w,
                format!("weight of incident {} must be finite and >= 0", self.id[i]),
            ));
        }
        self.weight = Arc::new(weights);
        Ok(self)
    }
}

/// The columns of an [`Incidents`], for building one in a single step inside the crate.
#[derive(Debug)]
pub(crate) struct Columns {
    pub x: Vec<f64>,
    pub y: Vec<f64>,
    pub weight: Vec<f64>,
    pub category: Vec<CategoryId>,
    pub category_names: Vec<String>,
    pub time: Vec<Option<IncidentTime>>,
    /// Interval lengths in seconds; empty means all 0 (exact times).
    pub interval_len: Vec<u32>,
    pub id: Vec<String>,
    pub lonlat: Vec<Option<[f64; 2]>>,
}

impl Incidents {
    /// Incidents from whole columns (the readers build them in parallel), with the
    /// same checks as [`IncidentsBuilder::push`].
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when the columns differ in length, a coordinate
    /// is not finite, a weight is negative or not finite, or a category id has no name.
    pub(crate) fn from_columns(crs: Crs, c: Columns) -> Result<Self> {
        crs.require_metric()?;
        let n = c.x.len();
        let interval_len = if c.interval_len.is_empty() {
            vec![0; n]
        } else {
            c.interval_len
        };
        let lens = [
            interval_len.len(),
            c.y.len(),
            c.weight.len(),
            c.category.len(),
            c.time.len(),
            c.id.len(),
            c.lonlat.len(),
        ];
        if lens.iter().any(|&l| l != n) {
            return Err(Error::invalid(
                "columns",
                format!("{n} positions, other columns {lens:?}"),
                "every column needs one value per incident",
            ));
        }
        if let Some(i) = (0..n).find(|&i| !(c.x[i].is_finite() && c.y[i].is_finite())) {
            return Err(Error::invalid(
                "position",
                format!("({}, {})", c.x[i], c.y[i]),
                format!("incident {}: coordinates must be finite", c.id[i]),
            ));
        }
        if let Some(i) = (0..n).find(|&i| !(c.weight[i].is_finite() && c.weight[i] >= 0.0)) {
            return Err(Error::invalid(
                "weight",
                c.weight[i],
                format!("incident {}: weight must be finite and >= 0", c.id[i]),
            ));
        }
        if let Some(i) = (0..n).find(|&i| c.category[i] as usize >= c.category_names.len()) {
            return Err(Error::invalid(
                "category",
                c.category[i],
                format!("incident {}: no such category", c.id[i]),
            ));
        }
        Ok(Self::from_checked(crs, Columns { interval_len, ..c }))
    }

    /// Incidents from columns already checked (equal lengths, finite values, known categories).
    fn from_checked(crs: Crs, c: Columns) -> Self {
        Self {
            crs,
            x: Arc::new(c.x),
            y: Arc::new(c.y),
            weight: Arc::new(c.weight),
            category: Arc::new(c.category),
            category_names: Arc::new(c.category_names),
            time: Arc::new(c.time),
            interval_len: Arc::new(c.interval_len),
            id: Arc::new(c.id),
            lonlat: Arc::new(c.lonlat),
        }
    }
}

/// Builds an [`Incidents`] set one record at a time, interning categories.
#[derive(Debug)]
pub struct IncidentsBuilder {
    crs: Crs,
    inner: Columns,
    lookup: HashMap<String, CategoryId>,
}

impl IncidentsBuilder {
    /// A builder for incidents in the metric CRS `crs`.
    ///
    /// # Errors
    /// [`Error::Crs`] when `crs` is geographic or not in metres.
    pub fn new(crs: Crs) -> Result<Self> {
        crs.require_metric()?;
        Ok(Self {
            crs,
            inner: Columns {
                x: Vec::new(),
                y: Vec::new(),
                weight: Vec::new(),
                category: Vec::new(),
                category_names: Vec::new(),
                time: Vec::new(),
                interval_len: Vec::new(),
                id: Vec::new(),
                lonlat: Vec::new(),
            },
            lookup: HashMap::new(),
        })
    }

    /// Reserves room for `n` more incidents.
    pub fn reserve(&mut self, n: usize) {
        let s = &mut self.inner;
        s.x.reserve(n);
        s.y.reserve(n);
        s.weight.reserve(n);
        s.category.reserve(n);
        s.time.reserve(n);
        s.interval_len.reserve(n);
        s.id.reserve(n);
        s.lonlat.reserve(n);
    }

    /// Number of incidents pushed so far.
    pub fn len(&self) -> usize {
        self.inner.x.len()
    }

    /// Whether nothing has been pushed.
    pub fn is_empty(&self) -> bool {
        self.inner.x.is_empty()
    }

    /// Interns a category name, returning its id.
    pub fn intern(&mut self, name: &str) -> CategoryId {
        if let Some(&id) = self.lookup.get(name) {
            return id;
        }
        let id = self.inner.category_names.len() as CategoryId;
        self.inner.category_names.push(name.to_string());
        self.lookup.insert(name.to_string(), id);
        id
    }

    /// Adds one incident.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when a coordinate is not finite or the weight
    /// is negative or not finite; the set is unchanged then.
    pub fn push(&mut self, r: IncidentRecord<'_>) -> Result<()> {
        self.push_interval(r, 0)
    }

    /// Adds one incident that happened somewhere in `[r.time, r.time + interval_len
    /// seconds)` (see [`Incidents::interval_lengths`]); `interval_len` 0 is an exact time
    /// and is what [`IncidentsBuilder::push`] gives. Without a time the span is 0.
    ///
    /// # Errors
    /// As [`IncidentsBuilder::push`].
    pub fn push_interval(&mut self, r: IncidentRecord<'_>, interval_len: u32) -> Result<()> {
        if !r.x.is_finite() || !r.y.is_finite() {
            return Err(Error::invalid(
                "position",
                format!("({}, {})", r.x, r.y),
                format!("incident {}: coordinates must be finite", r.id),
            ));
        }
        if !r.weight.is_finite() || r.weight < 0.0 {
            return Err(Error::invalid(
                "weight",
                r.weight,
                format!("incident {}: weight must be finite and >= 0", r.id),
            ));
        }
        let c = self.intern(r.category);
        let s = &mut self.inner;
        s.x.push(r.x);
        s.y.push(r.y);
        s.weight.push(r.weight);
        s.category.push(c);
        s.time.push(r.time);
        s.interval_len
            .push(if r.time.is_some() { interval_len } else { 0 });
        s.id.push(r.id);
        s.lonlat.push(r.lonlat);
        Ok(())
    }

    /// The finished set.
    pub fn build(self) -> Incidents {
        Incidents::from_checked(self.crs, self.inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_span_is_the_first_earliest_and_the_last_latest_instant() {
        use crate::time::TimeResolution;
        use chrono::{FixedOffset, TimeZone};
        // 50k times over a few hours, many at the same instant written with
        // different offsets; every 7th incident has none.
        let n = 50_000;
        let time: Vec<Option<IncidentTime>> = (0..n)
            .map(|i| {
                let off = FixedOffset::east_opt(3600 * (i % 3) as i32)?;
                let utc = 1_750_000_000 + 60 * ((i * 7919) % 500) as i64;
                let dt = off.timestamp_opt(utc, 0).single()?;
                (i % 7 != 0).then(|| IncidentTime::new(dt, TimeResolution::Minute))
            })
            .collect();
        let c = Columns {
            x: vec![1.0; n],
            y: vec![6_545_000.0; n],
            weight: vec![1.0; n],
            category: vec![0; n],
            category_names: vec!["a".into()],
            id: (1..=n).map(|i| i.to_string()).collect(),
            lonlat: vec![None; n],
            time: time.clone(),
            interval_len: vec![],
        };
        let inc = Incidents::from_columns(Crs::SWEREF99_TM, c).unwrap();
        // Brute force: scan in order, keep the first minimum and the last maximum.
        let (mut lo, mut hi): (Option<IncidentTime>, Option<IncidentTime>) = (None, None);
        for t in time.iter().flatten() {
            if lo.is_none_or(|l| t.timestamp() < l.timestamp()) {
                lo = Some(*t);
            }
            if hi.is_none_or(|h| t.timestamp() >= h.timestamp()) {
                hi = Some(*t);
            }
        }
        let want = (lo.unwrap(), hi.unwrap());
        for threads in [1, 2, 4] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let got = pool.install(|| inc.time_span()).unwrap();
            // Equal instants with different offsets differ: compare the offsets too.
            assert_eq!(got, want, "{threads} threads");
            assert_eq!(got.0.to_string(), want.0.to_string());
            assert_eq!(got.1.to_string(), want.1.to_string());
        }
        let none = Incidents::from_columns(
            Crs::SWEREF99_TM,
            Columns {
                x: vec![1.0],
                y: vec![2.0],
                weight: vec![1.0],
                category: vec![0],
                category_names: vec!["a".into()],
                id: vec!["1".into()],
                lonlat: vec![None],
                time: vec![None],
                interval_len: vec![],
            },
        )
        .unwrap();
        assert_eq!(none.time_span(), None);
    }

    #[test]
    fn categories_are_interned_in_order_of_first_appearance() {
        let mut b = IncidentsBuilder::new(Crs::SWEREF99_TM).unwrap();
        for (i, c) in ["Klotter", "Misshandel", "Klotter"].iter().enumerate() {
            b.push(IncidentRecord {
                x: i as f64,
                y: 0.0,
                weight: 1.0,
                category: c,
                time: None,
                id: format!("{}", i + 1),
                lonlat: None,
            })
            .unwrap();
        }
        let inc = b.build();
        assert_eq!(inc.category_names(), &["Klotter", "Misshandel"]);
        assert_eq!(inc.category_ids(), &[0, 1, 0]);
        assert_eq!(inc.category_counts(), vec![2, 1]);
        assert_eq!(inc.category(2), "Klotter");
    }

    #[test]
    fn non_finite_input_is_refused() {
        assert!(Incidents::from_xy(Crs::SWEREF99_TM, &[f64::NAN], &[0.0]).is_err());
        assert!(Incidents::from_xy(Crs::SWEREF99_TM, &[0.0, 1.0], &[0.0]).is_err());
        assert!(Incidents::from_xy(Crs::WGS84, &[0.0], &[0.0]).is_err());
        let inc = Incidents::from_xy(Crs::SWEREF99_TM, &[0.0], &[0.0]).unwrap();
        assert!(inc.clone().with_weights(vec![-1.0]).is_err());
        assert!(inc.with_weights(vec![2.5]).unwrap().total_weight() == 2.5);
    }

    #[test]
    fn subset_and_bbox() {
        let inc =
            Incidents::from_xy(Crs::SWEREF99_TM, &[0.0, 10.0, 5.0], &[1.0, -2.0, 3.0]).unwrap();
        assert_eq!(inc.bbox(), Some([0.0, -2.0, 10.0, 3.0]));
        let s = inc.subset(&[2, 0]);
        assert_eq!(s.x(), &[5.0, 0.0]);
        assert_eq!(s.ids(), &["3".to_string(), "1".to_string()]);
        assert_eq!(Incidents::empty(Crs::SWEREF99_TM).unwrap().bbox(), None);
    }

    #[test]
    fn from_columns_checks_like_push() {
        let cols = |x: Vec<f64>, w: Vec<f64>, c: Vec<CategoryId>| Columns {
            y: vec![6_545_000.0; x.len()],
            time: vec![None; x.len()],
            interval_len: vec![],
            id: (1..=x.len()).map(|i| i.to_string()).collect(),
            lonlat: vec![None; x.len()],
            x,
            weight: w,
            category: c,
            category_names: vec!["a".into()],
        };
        let ok = Incidents::from_columns(
            Crs::SWEREF99_TM,
            cols(vec![1.0, 2.0], vec![1.0, 0.5], vec![0, 0]),
        )
        .unwrap();
        assert_eq!(ok.len(), 2);
        assert_eq!(ok.total_weight(), 1.5);
        let bad = [
            cols(vec![1.0, f64::NAN], vec![1.0, 1.0], vec![0, 0]),
            cols(vec![1.0, 2.0], vec![1.0, -1.0], vec![0, 0]),
            cols(vec![1.0, 2.0], vec![1.0, 1.0], vec![0, 1]),
            cols(vec![1.0, 2.0], vec![1.0], vec![0, 0]),
        ];
        for c in bad {
            assert!(matches!(
                Incidents::from_columns(Crs::SWEREF99_TM, c),
                Err(Error::InvalidParameter { .. })
            ));
        }
    }
}
