//! The `hotspot` command: thin `main` that parses flags, runs a subcommand and reports errors with a hint.

use clap::{CommandFactory, FromArgMatches};
use std::process::ExitCode;

mod cli;
mod cmd;
mod common;

fn main() -> ExitCode {
    // Negative numbers reach the parameter checks (`--bandwidth -300` says the bandwidth must be
    // positive) instead of being read as unknown flags.
    let command = cli::Cli::command().mut_subcommands(|s| {
        s.mut_args(|a| {
            if a.get_action().takes_values() && !a.is_positional() {
                a.allow_negative_numbers(true)
            } else {
                a
            }
        })
    });
    let cli = match cli::Cli::from_arg_matches(&command.get_matches()) {
        Ok(c) => c,
        Err(e) => e.exit(),
    };
    match cmd::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // A closed pipe (`hotspot inspect x | head`) is not an error.
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            // Each cause once: a library error's message often already ends with its source's.
            let mut shown = format!("{e}");
            eprintln!("error: {shown}");
            for cause in e.chain().skip(1) {
                let c = cause.to_string();
                if !shown.contains(&c) {
                    eprintln!("  caused by: {c}");
                    shown.push_str(&c);
                }
            }
            ExitCode::from(cmd::exit_code(&e))
        }
    }
}
