//! How a report tells its caller what it is doing: steps that start and end (a spinner and the
//! step's time in the CLI) and notes (a basemap feature left out). The report never prints;
//! [`Silent`] ignores everything.

use std::time::Duration;

/// The caller's side of a report's progress. Every method has an empty default.
pub trait Progress {
    /// A step starts (`msg` is translated, e.g. "Ritar kartor").
    fn begin(&self, msg: &str) {
        let _ = msg;
    }
    /// The step `msg` begun last ends, `ok` when it succeeded, after `elapsed`.
    fn end(&self, msg: &str, ok: bool, elapsed: Duration) {
        let _ = (msg, ok, elapsed);
    }
    /// A line for the user (the CLI prints it on stderr unless `--quiet`).
    fn note(&self, msg: &str) {
        let _ = msg;
    }
}

/// Progress that shows nothing.
#[derive(Clone, Copy, Debug, Default)]
pub struct Silent;

impl Progress for Silent {}

/// What the sections take as their run context: the caller's progress.
pub(crate) type Context<'a> = dyn Progress + 'a;

/// Runs one step between [`Progress::begin`] and [`Progress::end`].
pub(crate) fn step<T>(
    ctx: &Context,
    msg: &str,
    f: impl FnOnce() -> crate::Result<T>,
) -> crate::Result<T> {
    ctx.begin(msg);
    let t = std::time::Instant::now();
    let r = f();
    ctx.end(msg, r.is_ok(), t.elapsed());
    r
}
