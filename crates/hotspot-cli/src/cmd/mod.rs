//! Subcommands: each module holds its flags (`Args`) and its `run`.

pub mod cluster;
pub mod compare;
pub mod emerging;
pub mod evaluate;
pub mod follow_up;
pub mod gistar;
pub mod inspect;
pub mod kde;
pub mod near_repeat;
pub mod patrol;
pub mod perception;
pub mod repeats;
pub mod report;
pub mod sample;
pub mod schools;
pub mod stats;
pub mod temporal;

use crate::cli::{Cli, Command};

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    let ctx = crate::common::Context::new(cli.threads, cli.quiet)?;
    ctx.install(|| match cli.command {
        Command::Inspect(a) => inspect::run(&ctx, a),
        Command::Report(a) => report::run(&ctx, a),
        Command::Evaluate(a) => evaluate::run(&ctx, a),
        Command::Emerging(a) => emerging::run(&ctx, a),
        Command::Compare(a) => compare::run(&ctx, a),
        Command::Sample(a) => sample::run(&ctx, a),
        Command::Kde(a) => kde::run(&ctx, a),
        Command::Cluster(a) => cluster::run(&ctx, a),
        Command::Gistar(a) => gistar::run(&ctx, a),
        Command::Stats(a) => stats::run(&ctx, a),
        Command::NearRepeat(a) => near_repeat::run(&ctx, a),
        Command::Schools(a) => schools::run(&ctx, a),
        Command::Patrol(a) => patrol::run(&ctx, a),
        Command::Perception(a) => perception::run(&ctx, a),
        Command::FollowUp(a) => follow_up::run(&ctx, a),
        Command::Temporal(a) => temporal::run(&ctx, a),
        Command::Repeats(a) => repeats::run(&ctx, a),
    })
}

/// Exit code for an error: 2 for bad input or parameters, 1 otherwise.
pub fn exit_code(e: &anyhow::Error) -> u8 {
    // The report's typed error carries the library's error behind its context.
    let lib = e.downcast_ref::<hotspot::Error>().or_else(|| {
        e.downcast_ref::<hotspot_report::Error>()
            .and_then(hotspot_report::Error::library_error)
    });
    match lib {
        Some(
            hotspot::Error::Parse { .. }
            | hotspot::Error::Rejected { .. }
            | hotspot::Error::InvalidParameter { .. }
            | hotspot::Error::LimitExceeded { .. }
            | hotspot::Error::Crs { .. }
            | hotspot::Error::Config { .. }
            | hotspot::Error::InsufficientData(_),
        ) => 2,
        Some(hotspot::Error::Io { source, .. })
            if source.kind() == std::io::ErrorKind::NotFound =>
        {
            2
        }
        _ => 1,
    }
}
