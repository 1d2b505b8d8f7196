//! Hotspot methods as cell scorers: the trait, the two baselines (`grid`, `previous`) and an adapter for closures.

use super::Split;
use crate::error::{Error, Result};
use crate::grid::GridSpec;
use crate::incident::Incidents;
use crate::period::Period;

/// A hotspot method as the evaluation sees it: training data in, one score per grid cell out (higher = hotter).
pub trait HotspotMethod: Send + Sync {
    /// Short name used in tables and JSON (`kde`, `grid`, ...).
    fn name(&self) -> &str;
    /// Parameters, `key=value` separated by spaces, for the report.
    fn params(&self) -> String;
    /// One score per cell of `spec` (`spec.len()` values, row-major as [`GridSpec::index`]), fitted on `split.train` only.
    ///
    /// # Errors
    /// Whatever the method reports for its parameters or data.
    fn score(&self, spec: &GridSpec, split: &Split<'_>) -> Result<Vec<f64>>;
}

fn cell_sums(spec: &GridSpec, inc: &Incidents, keep: impl Fn(usize) -> bool) -> Vec<f64> {
    let mut v = vec![0.0; spec.len()];
    for i in 0..inc.len() {
        if !keep(i) {
            continue;
        }
        let [x, y] = inc.position(i);
        if let Some((c, r)) = spec.cell_of(x, y) {
            v[spec.index(c, r)] += inc.weights()[i];
        }
    }
    v
}

/// `grid`: the cell's (weighted) count of training incidents — the naive "hot cells" map. An
/// interval incident counts by its share of the training period ([`Split::train_by_share`]).
#[derive(Clone, Copy, Debug, Default)]
pub struct GridCounts;

impl HotspotMethod for GridCounts {
    fn name(&self) -> &str {
        "grid"
    }
    fn params(&self) -> String {
        String::new()
    }
    fn score(&self, spec: &GridSpec, split: &Split<'_>) -> Result<Vec<f64>> {
        Ok(cell_sums(spec, &split.train_by_share(), |_| true))
    }
}

/// `previous`: the cell's (weighted) count in the most recent part of the training
/// period as long as the test period — "last period's hot cells predict the next".
///
/// Precisely: with a test period of `D` days, the window is the last `D` days of the
/// training period (the whole training period when it is shorter); incidents without
/// a time are not counted. A 6-month test after a year of training is therefore
/// predicted from the training year's last 181-184 days. With [`Split::shares`] an interval
/// incident counts by its share of the window ([`Period::share`], weight × share).
#[derive(Clone, Copy, Debug, Default)]
pub struct PreviousPeriod;

impl PreviousPeriod {
    /// The window used for a split: last `test.days()` days of `train`.
    pub fn window(train: Period, test: Period) -> Period {
        train.last_days(test.days())
    }
}

impl HotspotMethod for PreviousPeriod {
    fn name(&self) -> &str {
        "previous"
    }
    fn params(&self) -> String {
        "window=last test-length of training".to_string()
    }
    fn score(&self, spec: &GridSpec, split: &Split<'_>) -> Result<Vec<f64>> {
        let (Some(tr), Some(te)) = (split.train_period, split.test_period) else {
            return Err(Error::InsufficientData(
                "method `previous` needs training and test periods (split by time)".into(),
            ));
        };
        let w = Self::window(tr, te);
        if let Some(sh) = split.shares {
            let inc = split.train;
            let f = w.shares(inc, sh.tz);
            let weights: Vec<f64> = inc.weights().iter().zip(&f).map(|(h, s)| h * s).collect();
            let mut v = vec![0.0; spec.len()];
            for (i, wi) in weights.iter().enumerate() {
                let [x, y] = inc.position(i);
                if let Some((c, r)) = spec.cell_of(x, y) {
                    v[spec.index(c, r)] += wi;
                }
            }
            return Ok(v);
        }
        let times = split.train.times();
        Ok(cell_sums(spec, split.train, |i| {
            times[i].as_ref().is_some_and(|t| w.contains(t))
        }))
    }
}

/// A method from a closure: how the CLI and the benchmark plug in KDE, DBSCAN, HDBSCAN and Gi*.
pub struct ScoreFn<F> {
    name: String,
    params: String,
    f: F,
}

impl<F> ScoreFn<F>
where
    F: Fn(&GridSpec, &Split<'_>) -> Result<Vec<f64>> + Send + Sync,
{
    /// A method named `name` with parameter description `params`, scoring with `f`.
    pub fn new(name: impl Into<String>, params: impl Into<String>, f: F) -> Self {
        Self {
            name: name.into(),
            params: params.into(),
            f,
        }
    }
}

impl<F> HotspotMethod for ScoreFn<F>
where
    F: Fn(&GridSpec, &Split<'_>) -> Result<Vec<f64>> + Send + Sync,
{
    fn name(&self) -> &str {
        &self.name
    }
    fn params(&self) -> String {
        self.params.clone()
    }
    fn score(&self, spec: &GridSpec, split: &Split<'_>) -> Result<Vec<f64>> {
        (self.f)(spec, split)
    }
}

/// Parameters of the built-in methods, each `None` for its documented default.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct MethodOptions {
    /// KDE bandwidth in metres.
    pub bandwidth_m: Option<f64>,
    /// DBSCAN neighbourhood radius in metres.
    pub eps_m: Option<f64>,
    /// DBSCAN minimum points (the point itself included).
    pub min_points: Option<usize>,
    /// HDBSCAN minimum cluster size.
    pub min_cluster_size: Option<usize>,
    /// Gi* distance band in metres.
    pub band_m: Option<f64>,
}

/// Names accepted by [`builtin`], in the order of the issue (`kde-arcgis`: KDE with the old rule bandwidth).
pub const METHOD_NAMES: [&str; 7] = [
    "kde",
    "kde-arcgis",
    "dbscan",
    "hdbscan",
    "gistar",
    "grid",
    "previous",
];

/// A built-in method by name (`kde`, `kde-arcgis`, `dbscan`, `hdbscan`, `gistar`, `grid`, `previous`).
///
/// # Errors
/// [`Error::InvalidParameter`] naming `method` for an unknown name or a method whose
/// module is not available in this build, or for a bad parameter.
pub fn builtin(name: &str, opts: &MethodOptions) -> Result<Box<dyn HotspotMethod>> {
    match name {
        "grid" => Ok(Box::new(GridCounts)),
        "previous" => Ok(Box::new(PreviousPeriod)),
        _ => super::adapters::analysis_method(name, opts).ok_or_else(|| {
            Error::invalid(
                "method",
                name,
                format!("unknown method; use one of {}", METHOD_NAMES.join(", ")),
            )
        }),
    }
}
