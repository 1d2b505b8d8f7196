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
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read an incident file and report what was found: columns, CRS, extent, categories, times, rejected rows.
    Inspect(crate::cmd::inspect::Args),
    /// Fit hotspot methods on a training period and judge them on a test period: hit rate, PAI, PEI*, RRI per area coverage.
    Evaluate(crate::cmd::evaluate::Args),
    /// Emerging hot spots: space-time cube, Gi* per bin, Mann-Kendall trend, ArcGIS pattern per cell (GeoJSON).
    Emerging(crate::cmd::emerging::Args),
    /// Incidents before and after per zone (patrol zones, school zones, hotspots): rate ratios with exact intervals, beside the rest of the area.
    Compare(crate::cmd::compare::Args),
    /// Write a synthetic, seeded Vingåker-like scene: incidents, schools, places, planted hotspots, boundary.
    #[command(long_about = crate::cmd::sample::LONG_ABOUT)]
    Sample(crate::cmd::sample::Args),
}
