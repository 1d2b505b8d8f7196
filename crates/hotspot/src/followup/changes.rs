//! Relative changes of the displacement counts and the dose's total of other measures: the
//! figures the follow-up tables print beside the counts, computed here so every caller (the
//! `follow-up` command, the report) gives the same.

use super::patrols::Dose;
use super::stats::Displacement;

/// The relative change `after / before - 1` (e.g. -0.25 for a quarter fewer), the change
/// measure of before/after designs beside the WDQ (Bowers & Johnson 2003, *J. Quant. Criminol.*
/// 19:275-301); `None` when `before` is 0.
pub fn relative_change(before: f64, after: f64) -> Option<f64> {
    (before > 0.0).then(|| after / before - 1.0)
}

impl Displacement {
    /// The zone's relative change ([`relative_change`] of `zone_before`, `zone_after`).
    pub fn zone_change(&self) -> Option<f64> {
        relative_change(self.zone_before, self.zone_after)
    }

    /// The buffer ring's relative change.
    pub fn buffer_change(&self) -> Option<f64> {
        relative_change(self.buffer_before, self.buffer_after)
    }

    /// The control's relative change.
    pub fn control_change(&self) -> Option<f64> {
        relative_change(self.control_before, self.control_after)
    }
}

impl Dose {
    /// Minutes of all other measures together (the sum over [`Dose::other`], in kind order).
    pub fn other_minutes(&self) -> f64 {
        self.other.values().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_changes_by_hand() {
        let d = Displacement {
            zone_before: 20.0,
            zone_after: 15.0,
            buffer_before: 8.0,
            buffer_after: 10.0,
            control_before: 0.0,
            control_after: 3.0,
        };
        assert_eq!(d.zone_change(), Some(-0.25));
        assert_eq!(d.buffer_change(), Some(0.25));
        assert_eq!(d.control_change(), None);
        assert_eq!(relative_change(4.0, 4.0), Some(0.0));
    }

    #[test]
    fn other_minutes_sum_every_kind() {
        let mut d = Dose::default();
        assert_eq!(d.other_minutes(), 0.0);
        d.other.insert("camera".into(), 30.0);
        d.other.insert("lighting".into(), 12.5);
        assert_eq!(d.other_minutes(), 42.5);
    }
}
