//! Dual kernel relative risk: where a category is over-represented relative to all incidents (Kelsall & Diggle 1995).
//!
//! With `f` the kernel density of one category and `g` that of all incidents,
//! each normalised to integrate to one (divided by its total weight), the log
//! relative risk surface is
//!
//! `rho(c) = ln( f(c) / g(c) ) = ln( (lambda_cat(c) / W_cat) / (lambda_all(c) / W_all) )`
//!
//! Kelsall, J. E. & Diggle, P. J. (1995). Non-parametric estimation of spatial
//! variation in relative risk. *Statistics in Medicine* 14, 2335-2342. As they
//! recommend, both surfaces share one kernel, one bandwidth (resolved once from
//! all incidents) and one grid. `rho = 0` where the category has its average
//! share, `> 0` where it is over-represented (`ln 2`: twice its average share).
//!
//! **Zero denominators.** Where no incident of any kind lies within the kernel
//! support, `g = 0` and the ratio is undefined; where only other categories lie
//! within it, `f = 0` and `ln 0 = -inf`. Both kinds of cell are NaN (written as
//! `NODATA` in rasters) and counted in [`RelativeRisk::undefined_cells`]; they are
//! "no evidence", not "no risk".

use super::kde::{DensitySurface, Kde, Resolved, scatter};
use crate::error::{Error, Result};
use crate::grid::Raster;
use crate::incident::Incidents;

/// A log relative risk surface.
#[derive(Clone, Debug)]
pub struct RelativeRisk {
    /// `ln(f/g)` per cell; NaN where undefined (see the module documentation).
    pub log_ratio: Raster,
    /// The category.
    pub category: String,
    /// Incidents of the category.
    pub category_incidents: usize,
    /// Their total weight.
    pub category_weight: f64,
    /// Total weight of all incidents.
    pub all_weight: f64,
    /// Cells where the ratio is undefined (NaN).
    pub undefined_cells: usize,
    /// The surface of all incidents the ratio was made from.
    pub all: DensitySurface,
}

/// The log relative risk of `category` against all incidents.
///
/// # Errors
/// [`Error::InvalidParameter`] when the category is not present (the message
/// lists those present); [`Error::InsufficientData`] when its total weight is
/// zero; otherwise as [`Kde::estimate`].
pub fn relative_risk(kde: &Kde, inc: &Incidents, category: &str) -> Result<RelativeRisk> {
    let cid = inc.category_id(category).ok_or_else(|| {
        Error::invalid(
            "category",
            category,
            format!(
                "not among the categories present: {}",
                inc.category_names().join(", ")
            ),
        )
    })?;
    let idx: Vec<usize> = (0..inc.len())
        .filter(|&i| inc.category_ids()[i] == cid)
        .collect();
    let sub = inc.subset(&idx);
    let wc = sub.total_weight();
    if !(wc > 0.0) {
        return Err(Error::InsufficientData(format!(
            "category `{category}` has no incidents with positive weight, so its relative risk is undefined"
        )));
    }
    let all = kde.estimate(inc)?;
    let resolved = match &all.per_incident_h {
        Some(h) => Resolved::PerIncident(idx.iter().map(|&i| h[i]).collect()),
        None => Resolved::Fixed(all.bandwidth.bandwidth_m),
    };
    let cat = scatter(
        &all.raster.spec,
        all.kernel,
        all.units,
        sub.x(),
        sub.y(),
        sub.weights(),
        &resolved,
    );
    let wa = all.total_weight;
    let mut undefined = 0;
    let values: Vec<f64> = cat
        .iter()
        .zip(&all.raster.values)
        .map(|(&f, &g)| {
            if f > 0.0 && g > 0.0 {
                ((f / wc) / (g / wa)).ln()
            } else {
                undefined += 1;
                f64::NAN
            }
        })
        .collect();
    Ok(RelativeRisk {
        log_ratio: Raster {
            spec: all.raster.spec,
            values,
        },
        category: category.to_string(),
        category_incidents: sub.len(),
        category_weight: wc,
        all_weight: wa,
        undefined_cells: undefined,
        all,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crs::Crs;
    use crate::density::KdeOptions;
    use crate::incident::{IncidentRecord, IncidentsBuilder};

    fn two_groups() -> Incidents {
        // Category a: 1 incident at (1000, 1000); b: 3 incidents far east, one of
        // which shares a's place.
        let mut b = IncidentsBuilder::new(Crs::SWEREF99_TM).unwrap();
        for (i, (x, c)) in [(1000.0, "a"), (3000.0, "b"), (3000.0, "b"), (1000.0, "b")]
            .iter()
            .enumerate()
        {
            b.push(IncidentRecord {
                x: *x,
                y: 1000.0,
                weight: 1.0,
                category: c,
                time: None,
                id: i.to_string(),
                lonlat: None,
            })
            .unwrap();
        }
        b.build()
    }

    #[test]
    fn log_ratio_by_hand() {
        let inc = two_groups();
        let kde = Kde::new(KdeOptions::new(300.0, 50.0)).unwrap();
        let rr = relative_risk(&kde, &inc, "a").unwrap();
        let g = rr.log_ratio.spec;
        // Near x = 1000 the all-incident density is twice a's (a and one b stacked):
        // rho = ln((f/1) / (2f/4)) = ln 2.
        let (c, r) = g.cell_of(1010.0, 1010.0).unwrap();
        assert!((rr.log_ratio.get(c, r) - 2f64.ln()).abs() < 1e-12);
        // Near x = 3000 only b: f = 0, undefined.
        let (c, r) = g.cell_of(3010.0, 1010.0).unwrap();
        assert!(rr.log_ratio.get(c, r).is_nan());
        // Half-way, nobody within 300 m: undefined.
        let (c, r) = g.cell_of(2000.0, 1000.0).unwrap();
        assert!(rr.log_ratio.get(c, r).is_nan());
        let nan = rr.log_ratio.values.iter().filter(|v| v.is_nan()).count();
        assert_eq!(nan, rr.undefined_cells);
        assert_eq!(rr.category_incidents, 1);
    }

    #[test]
    fn unknown_category_lists_the_known_ones() {
        let kde = Kde::new(KdeOptions::new(300.0, 50.0)).unwrap();
        let e = relative_risk(&kde, &two_groups(), "c")
            .unwrap_err()
            .to_string();
        assert!(e.contains("a, b"), "{e}");
    }
}
