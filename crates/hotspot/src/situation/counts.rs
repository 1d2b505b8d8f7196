//! Counting for the situation: incidents by problem area, category, month and hour × weekday, and
//! counts on an aggregation grid. Counts are exact here; public-mode suppression is applied when they
//! are shown ([`crate::disclosure::Suppress`]).

use crate::categories::{Classification, ProblemArea};
use crate::error::Result;
use crate::grid::GridSpec;
use crate::incident::Incidents;

/// Counts of the (period-filtered) incidents.
#[derive(Clone, Debug)]
pub struct Counts {
    /// Incidents.
    pub total: u64,
    /// By problem area, in `ProblemArea::ALL` order.
    pub by_area: [u64; 6],
    /// By raw category: name, area, count; most frequent first.
    pub by_category: Vec<(String, ProblemArea, u64)>,
    /// Months `(year, month)` from the first to the last incident, no gaps.
    pub months: Vec<(i32, u32)>,
    /// Per month, per area.
    pub monthly: Vec<[u64; 6]>,
    /// `[weekday Mon=0][hour]`, incidents whose time has an hour.
    pub hour_weekday: [[u64; 24]; 7],
    /// Incidents with a time but no hour (day or month resolution).
    pub without_hour: u64,
    /// Incidents without any time.
    pub without_time: u64,
}

/// Counts every incident of `inc` (classified by `cls`).
pub fn count(inc: &Incidents, cls: &Classification) -> Counts {
    let all: Vec<usize> = (0..inc.len()).collect();
    let idx = &all;
    let mut by_area = [0u64; 6];
    let mut by_cat = vec![0u64; inc.category_names().len()];
    let mut hw = [[0u64; 24]; 7];
    let mut without_hour = 0;
    let mut without_time = 0;
    let mut first: Option<(i32, u32)> = None;
    let mut last: Option<(i32, u32)> = None;
    for &i in idx {
        by_area[cls.area(i).index()] += 1;
        by_cat[inc.category_ids()[i] as usize] += 1;
        match &inc.times()[i] {
            Some(t) => {
                let ym = t.year_month();
                first = Some(first.map_or(ym, |f| f.min(ym)));
                last = Some(last.map_or(ym, |l| l.max(ym)));
                match (t.hour(), t.weekday()) {
                    (Some(h), Some(w)) => hw[w.num_days_from_monday() as usize][h as usize] += 1,
                    _ => without_hour += 1,
                }
            }
            None => without_time += 1,
        }
    }
    let mut months = Vec::new();
    if let (Some(mut m), Some(l)) = (first, last) {
        while m <= l {
            months.push(m);
            m = if m.1 == 12 {
                (m.0 + 1, 1)
            } else {
                (m.0, m.1 + 1)
            };
        }
    }
    let mut monthly = vec![[0u64; 6]; months.len()];
    for &i in idx {
        if let Some(t) = &inc.times()[i]
            && let Ok(k) = months.binary_search(&t.year_month())
        {
            monthly[k][cls.area(i).index()] += 1;
        }
    }
    let names = inc.category_names();
    // The area of a category: that of any of its incidents (one table lookup per name).
    let mut cat_area = vec![ProblemArea::Other; names.len()];
    for &i in idx {
        cat_area[inc.category_ids()[i] as usize] = cls.area(i);
    }
    let mut by_category: Vec<(String, ProblemArea, u64)> = by_cat
        .iter()
        .enumerate()
        .filter(|(_, c)| **c > 0)
        .map(|(k, c)| (names[k].clone(), cat_area[k], *c))
        .collect();
    by_category.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
    Counts {
        total: idx.len() as u64,
        by_area,
        by_category,
        months,
        monthly,
        hour_weekday: hw,
        without_hour,
        without_time,
    }
}

/// Incident counts on an aligned grid.
#[derive(Clone, Debug)]
pub struct CountGrid {
    /// The grid.
    pub spec: GridSpec,
    /// Incidents per cell, in the grid's cell order.
    pub counts: Vec<u64>,
}

/// Incident counts on an aligned grid of `cell_m` cells covering `bbox`.
///
/// # Errors
/// Those of [`GridSpec::covering`] (bad cell size, too many cells).
pub fn grid_counts(inc: &Incidents, bbox: [f64; 4], cell_m: f64) -> Result<CountGrid> {
    let spec = GridSpec::covering(bbox, cell_m, 0.0)?;
    let mut counts = vec![0u64; spec.len()];
    for i in 0..inc.len() {
        let [x, y] = inc.position(i);
        if let Some((c, r)) = spec.cell_of(x, y) {
            counts[spec.index(c, r)] += 1;
        }
    }
    Ok(CountGrid { spec, counts })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crs::Crs;

    #[test]
    fn grid_counts_sum_to_the_incidents_inside() {
        let inc = Incidents::from_xy(
            Crs::SWEREF99_TM,
            &[10.0, 20.0, 260.0, 499.0],
            &[10.0, 30.0, 10.0, 499.0],
        )
        .unwrap();
        let g = grid_counts(&inc, [0.0, 0.0, 499.0, 499.0], 250.0).unwrap();
        assert_eq!(g.spec.len(), 4);
        assert_eq!(g.counts, vec![2, 1, 0, 1]);
    }
}
