//! `hotspot inspect`: what a user checks first about an incident file.

use crate::common::Context;
use std::path::PathBuf;

/// Flags of `hotspot inspect`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Incident file (CSV or GeoJSON).
    pub input: PathBuf,
}

/// Runs `hotspot inspect`.
pub fn run(_ctx: &Context, args: Args) -> anyhow::Result<()> {
    anyhow::bail!("inspect: ingest not built yet ({})", args.input.display())
}
