//! What every subcommand shares: the run context (threads, quiet, progress) and the ingest flags.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// Settings every subcommand runs under.
#[allow(dead_code)]
pub struct Context {
    /// Suppress progress and summaries.
    pub quiet: bool,
    pool: rayon::ThreadPool,
}

#[allow(dead_code)] // helpers used by subcommands as they land
impl Context {
    /// A context with `threads` workers (0 = all cores).
    pub fn new(threads: usize, quiet: bool) -> anyhow::Result<Self> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()?;
        Ok(Self { quiet, pool })
    }

    /// Runs `f` inside the thread pool.
    pub fn install<T: Send>(&self, f: impl FnOnce() -> T + Send) -> T {
        self.pool.install(f)
    }

    /// Whether progress should be drawn: stderr is a terminal and not `--quiet`.
    pub fn show_progress(&self) -> bool {
        !self.quiet && std::io::stderr().is_terminal()
    }

    /// A spinner for a step of unknown length; hidden in pipes and with `--quiet`.
    pub fn spinner(&self, msg: impl Into<String>) -> ProgressBar {
        let pb = if self.show_progress() {
            ProgressBar::new_spinner().with_style(
                ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            )
        } else {
            ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden())
        };
        pb.set_message(msg.into());
        pb.enable_steady_tick(std::time::Duration::from_millis(120));
        pb
    }

    /// Prints a line to stderr unless `--quiet`.
    pub fn note(&self, msg: impl AsRef<str>) {
        if !self.quiet {
            eprintln!("{}", msg.as_ref());
        }
    }
}
