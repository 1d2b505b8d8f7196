//! Geocoding quality in the situation: the positional quality of the period's incidents
//! ([`crate::ingest::quality`]) and which incidents on stacked positions the density surface and
//! hotspots leave out (all of them unless `keep_stacked`).

use super::SituationParams;
use crate::incident::Incidents;
use crate::ingest::quality::{PositionalQuality, positional_quality};
use std::borrow::Cow;

/// The situation's geocoding quality and what the density surface left out.
#[derive(Clone, Debug)]
pub struct Geocoding {
    /// Positional quality of the period's incidents against the rows read (usable share against
    /// Ratcliffe's 85 % minimum, stacked share with `stack_min`).
    pub quality: PositionalQuality,
    /// Whether stacked positions were kept in density and hotspots (`keep_stacked`).
    pub kept_stacked: bool,
    /// Indices (into the situation's incidents) of the incidents on stacks left out of the
    /// density surface and hotspots, ascending; empty with `keep_stacked`.
    pub left_out: Vec<usize>,
}

impl Geocoding {
    /// Measures `inc` (the period's incidents, of `rows_read` rows read).
    pub fn measure(inc: &Incidents, rows_read: u64, params: &SituationParams) -> Self {
        let stack_min = usize::try_from(params.stack_min).unwrap_or(usize::MAX);
        let quality = positional_quality(inc, rows_read, stack_min);
        let left_out = if params.keep_stacked || quality.stacks == 0 {
            Vec::new()
        } else {
            let mut count: std::collections::HashMap<(i64, i64), u64> =
                std::collections::HashMap::new();
            let key = |i: usize| {
                let [x, y] = inc.position(i);
                ((x * 100.0).round() as i64, (y * 100.0).round() as i64)
            };
            for i in 0..inc.len() {
                *count.entry(key(i)).or_default() += 1;
            }
            (0..inc.len())
                .filter(|&i| count.get(&key(i)).is_some_and(|&c| c >= quality.stack_min))
                .collect()
        };
        Self {
            quality,
            kept_stacked: params.keep_stacked,
            left_out,
        }
    }

    /// The incidents the density surface and hotspots are computed from: `inc` without
    /// [`Geocoding::left_out`].
    pub fn density_input<'a>(&self, inc: &'a Incidents) -> Cow<'a, Incidents> {
        if self.left_out.is_empty() {
            return Cow::Borrowed(inc);
        }
        let mut out = self.left_out.iter().peekable();
        let keep: Vec<usize> = (0..inc.len())
            .filter(|i| {
                if out.peek() == Some(&i) {
                    out.next();
                    false
                } else {
                    true
                }
            })
            .collect();
        Cow::Owned(inc.subset(&keep))
    }

    /// The summary for `summary.json`.
    pub fn to_json(&self) -> serde_json::Value {
        let q = &self.quality;
        serde_json::json!({
            "rows_read": q.rows_read,
            "usable_share": q.usable_share,
            "ratcliffe_minimum": crate::ingest::quality::RATCLIFFE_MIN_HIT_RATE,
            "meets_ratcliffe_minimum": q.meets_ratcliffe_minimum,
            "distinct_positions": q.distinct_positions,
            "largest_stack": q.largest_stack,
            "stack_min": q.stack_min,
            "stacks": q.stacks,
            "stacked_incidents": q.stacked_incidents,
            "stacked_share": q.stacked_share,
            "kept_stacked": self.kept_stacked,
            "left_out_of_density": self.left_out.len(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stacked_positions_are_left_out_of_density_unless_kept() {
        // 12 on one point (a placeholder), 8 spread.
        let mut x = vec![100.0; 12];
        let mut y = vec![100.0; 12];
        for k in 0..8 {
            x.push(500.0 + 30.0 * k as f64);
            y.push(700.0);
        }
        let inc = Incidents::from_xy(crate::Crs::SWEREF99_TM, &x, &y).unwrap();
        let p = SituationParams::default();
        let g = Geocoding::measure(&inc, 25, &p);
        assert_eq!(g.left_out, (0..12).collect::<Vec<_>>());
        assert_eq!(g.quality.stacked_incidents, 12);
        assert!((g.quality.usable_share - 0.8).abs() < 1e-12);
        let d = g.density_input(&inc);
        assert_eq!(d.len(), 8);
        assert!(d.x().iter().all(|&v| v >= 500.0));
        let kept = Geocoding::measure(
            &inc,
            25,
            &SituationParams {
                keep_stacked: true,
                ..SituationParams::default()
            },
        );
        assert!(kept.left_out.is_empty());
        assert_eq!(kept.density_input(&inc).len(), 20);
        assert_eq!(g.to_json()["left_out_of_density"], 12);
    }
}
