//! The crate's error type: what can stop a report, with the file or step it concerns.
//!
//! Errors of the analysis library ([`hotspot::Error`]), of drawing ([`RenderError`]) and of
//! writing are kept as they are, so that a caller can tell bad input (a key out of range, an
//! unreadable file: [`Error::library_error`]) from a failure to write; [`Error::Context`] adds
//! the file or step concerned in front of its cause, which stays reachable through
//! [`std::error::Error::source`].

use hotspot_render::RenderError;
use std::path::PathBuf;

/// Everything that can stop a report.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An error of the analysis library: bad input, a parameter out of range, a file that cannot
    /// be read or written.
    #[error(transparent)]
    Library(#[from] hotspot::Error),
    /// A map or chart could not be drawn.
    #[error(transparent)]
    Render(#[from] RenderError),
    /// Reading or writing a file failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// A JSON document (summary, manifest, layer) could not be written.
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    /// A file could not be written (the path names it).
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The config names no incident file.
    #[error(
        "{}: no `incidents` file given (set `incidents = \"incidents.csv\"` in the config or pass --incidents)",
        config.display()
    )]
    NoIncidents {
        /// The config file.
        config: PathBuf,
    },
    /// An error with the file or step it happened in.
    #[error("{message}")]
    Context {
        /// The file or step (e.g. "cannot write report/maps/overview.svg").
        message: String,
        /// The cause.
        #[source]
        source: Box<Error>,
    },
}

impl Error {
    /// The analysis library's error behind this one, through any [`Error::Context`]: a bad input
    /// or parameter (the CLI's exit code 2) is one of these.
    pub fn library_error(&self) -> Option<&hotspot::Error> {
        match self {
            Error::Library(e) => Some(e),
            Error::Context { source, .. } => source.library_error(),
            _ => None,
        }
    }
}

/// The crate's result type.
pub type Result<T> = std::result::Result<T, Error>;

/// `.with_context(|| ...)` on any result whose error converts into [`Error`]: the message goes in
/// front of the cause (as `anyhow::Context` does, with a typed error).
pub(crate) trait ResultExt<T> {
    /// Wraps the error in [`Error::Context`] with the message `f` returns.
    fn with_context<S: Into<String>, F: FnOnce() -> S>(self, f: F) -> Result<T>;
}

impl<T, E: Into<Error>> ResultExt<T> for std::result::Result<T, E> {
    fn with_context<S: Into<String>, F: FnOnce() -> S>(self, f: F) -> Result<T> {
        self.map_err(|e| Error::Context {
            message: f().into(),
            source: Box::new(e.into()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    #[test]
    fn context_keeps_the_library_error_reachable() {
        let r: std::result::Result<(), hotspot::Error> =
            Err(hotspot::Error::invalid("cell_m", -1, "must be positive"));
        let e = r.with_context(|| "reading the config").unwrap_err();
        assert_eq!(e.to_string(), "reading the config");
        let cause = e.source().map(|c| c.to_string()).unwrap_or_default();
        assert!(cause.contains("cell_m"), "{cause}");
        assert!(matches!(
            e.library_error(),
            Some(hotspot::Error::InvalidParameter { name: "cell_m", .. })
        ));
    }

    #[test]
    fn io_errors_are_not_library_errors() {
        let r: std::result::Result<(), std::io::Error> = Err(std::io::Error::other("disk full"));
        let e = r.with_context(|| "cannot write x").unwrap_err();
        assert!(e.library_error().is_none());
        assert_eq!(
            e.source().map(|c| c.to_string()).as_deref(),
            Some("disk full")
        );
    }
}
