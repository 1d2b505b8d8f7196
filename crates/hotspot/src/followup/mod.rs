//! Following the promise up period by period: tertials, months or quarters
//! against a baseline with an overdispersion-aware interval, the weighted
//! displacement quotient, and the patrol log (dose per zone and period).
//!
//! # Expected count and interval
//! The baseline gives a rate per day (its incidents over its days); a period's
//! `expected` is that rate times the period's covered days (a period the data
//! or `--to` cover only partly is scaled to the days covered and marked
//! `partial`). With the seasonal option ([`follow_seasonal`]) the expected count
//! is the count of the same calendar span (the covered days) in the latest
//! baseline year that holds it.
//!
//! The 95 % interval is that of a **negative binomial** count with mean
//! `expected` and variance `phi * expected` (the quasi-Poisson variance of
//! McCullagh & Nelder 1989, *Generalized Linear Models*, 2nd ed., section
//! 4.5; negative binomial quantiles for it as in Farrington et al. 1996,
//! *JRSS A* 159, and Noufaily et al. 2013, *Statistics in Medicine* 32).
//! The dispersion `phi` is Pearson's estimate from the baseline's monthly counts,
//! `phi = sum (y_m - mu_m)^2 / mu_m / (k - 1)` with `mu_m` the baseline rate times
//! month `m`'s days, floored at 1 (no underdispersion); with `phi = 1` the
//! interval is Poisson. `lower` and `upper` are the 2.5 % and 97.5 % quantiles
//! (smallest `x` with `F(x) >= q`); the signal is `lower` when the count is
//! below `lower`, `higher` when above `upper`, else `none`, so a period with no
//! change is signalled with probability at most 5 %.
//!
//! # Incidents with a from/to interval
//! An incident recorded as "between from and to" counts in every local day of its interval by the
//! share of the interval's time in that day ([`crate::temporal::day_shares`], in the zone the times
//! were read in): the aoristic rule of Ratcliffe (2002) applied to days, the same as
//! [`crate::period::Period::share`]. So it counts in the baseline, in a follow-up period, in a
//! month of the dispersion estimate and in the before and after counts of the displacement by the
//! share of its interval inside them; a Friday 16:00 to Monday 07:00 window split by a period
//! ending on Sunday counts 56/63 in it and 7/63 in the next. An exact time counts 1 on its date as
//! written. The rate, the expected counts, the dispersion and the displacement counts use the
//! weighted counts as they are; the integer `count` of a period or baseline (and the monthly counts
//! shown) is the weighted count rounded to the nearest integer (halves up), and the signal compares
//! that integer with the interval's integer quantiles. With exact times only, every weighted count
//! is a whole number and nothing changes. The data end on the last day with a share of an incident
//! ([`last_day`]).
//!
//! # Displacement
//! [`wdq`]: the weighted displacement quotient of Bowers & Johnson (2003,
//! *Journal of Quantitative Criminology* 19(3), "Measuring the geographical
//! displacement and diffusion of benefit effects of crime prevention
//! activity"): `WDQ = (B_a/C_a - B_b/C_b) / (R_a/C_a - R_b/C_b)` with R the
//! zone, B the buffer ring, C the control, b before and a after.

mod analysis;
mod changes;
mod patrols;
mod periods;
mod stats;
mod zones;

pub use analysis::{
    ALL_ZONES, Followup, FollowupInput, FollowupParams, Series, ZoneDisplacement, analyse,
    follow_seasonal, last_day, seasonal_span,
};
pub use changes::relative_change;
pub use patrols::{
    Dose, PatrolLog, PatrolRow, SHORT_VISIT_MAX_MIN, dose, parse_patrols, read_patrols,
};
pub use periods::{FollowupPeriod, PeriodKind, periods};
pub use stats::{
    Baseline, DayWeight, Displacement, Interval, PeriodRow, Signal, Wdq, WdqReading, baseline,
    count_displacement, count_displacement_weighted, dispersion, follow, interval, rounded_count,
    signal, wdq,
};
pub use zones::{FollowupZone, read_zones};

#[cfg(test)]
mod tests;
