//! Command-line flags (clap): one struct per subcommand lives in its `cmd` module; this file lists them.

use clap::{Parser, Subcommand};

/// Crime hotspot analysis: where incidents concentrate, whether that is chance,
/// which schools are affected, and where and when joint patrols should go.
#[derive(Debug, Parser)]
#[command(name = "hotspot", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// Worker threads for parallel analyses (0 = all cores). Results are identical for every value.
    #[arg(long, global = true, default_value_t = 0, value_name = "N")]
    pub threads: usize,
    /// No progress bars or summaries on stderr (errors are still printed).
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
// Parsed once per run: the size difference between variants costs nothing.
// Parsed once per process: the size of the largest variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read an incident file and report what was found: columns, CRS, extent, categories, times, rejected rows.
    Inspect(crate::cmd::inspect::Args),
    /// Write a situation report ("lägesbild"): HTML with maps and charts, GeoJSON layers, CSV tables, summary.json and a manifest.
    Report(crate::cmd::report::Args),
    /// Fit hotspot methods on a training period and judge them on a test period: hit rate, PAI, PEI*, RRI per area coverage.
    Evaluate(crate::cmd::evaluate::Args),
    /// Emerging hot spots: space-time cube, Gi* per bin, Mann-Kendall trend, ArcGIS pattern per cell (GeoJSON).
    Emerging(crate::cmd::emerging::Args),
    /// Incidents before and after per zone (patrol zones, school zones, hotspots): rate ratios with exact intervals, beside the rest of the area.
    Compare(crate::cmd::compare::Args),
    /// Write a synthetic, seeded Vingåker-like scene: incidents, schools, places, planted hotspots, boundary.
    #[command(long_about = crate::cmd::sample::LONG_ABOUT)]
    Sample(crate::cmd::sample::Args),
    /// Kernel density surface (ESRI ASCII grid), hotspot polygons (GeoJSON), relative risk and Monte-Carlo thresholds.
    Kde(crate::cmd::kde::Args),
    /// Find clusters of incidents (DBSCAN or HDBSCAN): labels, cluster polygons and summaries; --suggest-eps helps choose eps.
    Cluster(crate::cmd::cluster::Args),
    /// Getis-Ord Gi* hot spots on a fishnet of counts (empty cells included), with FDR and ArcGIS bins.
    Gistar(crate::cmd::gistar::Args),
    /// The global statistical picture: centrography, nearest neighbour index, Moran's I, Knox (and Ripley's L).
    Stats(crate::cmd::stats::Args),
    /// Near-repeat analysis (Ratcliffe's calculator): pairs by distance band and time band against permutations.
    NearRepeat(crate::cmd::near_repeat::Args),
    /// School zones: incidents, harm and exact rate ratios per school and problem area, time of day
    /// (school hours against evenings, nights, weekends, holidays) and distance decay.
    Schools(crate::cmd::schools::Args),
    /// Patrol zones chosen by harm-weighted maximal coverage, when to patrol them (2-hour windows, Koper
    /// visit plan) and a route through them.
    Patrol(crate::cmd::patrol::Args),
    /// Perceived unsafety (pins, safety walks, map surveys) beside recorded incidents per cell:
    /// Fisher exact tests with Holm adjustment, Andresen's S-index, bivariate and class maps.
    Perception(crate::cmd::perception::Args),
    /// Follow zones up period by period (tertial, month, quarter) against a baseline, with
    /// overdispersion-aware intervals, displacement (WDQ) and the patrol log's minutes.
    FollowUp(crate::cmd::follow_up::Args),
    /// Weekday x hour table with aoristic weights: incidents recorded as "between from and to" spread
    /// over the hours of their interval (CSV, JSON totals, heat-table chart).
    Temporal(crate::cmd::temporal::Args),
    /// Repeat locations (places with 2+ incidents), the share of incidents there, and the repeat curve
    /// (next incident at the same place within 7, 14, 30, 90 days) against the base rate.
    Repeats(crate::cmd::repeats::Args),
}
