//! Errors of the renderer.

use std::path::PathBuf;

/// Why a map or chart could not be drawn.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RenderError {
    /// A parameter of the map or chart is out of range.
    #[error("invalid {name} = {value}: {reason}")]
    Invalid {
        /// Parameter name.
        name: &'static str,
        /// The value given.
        value: String,
        /// What is allowed.
        reason: String,
    },
    /// The drawing backend failed.
    #[error("drawing failed: {0}")]
    Draw(String),
    /// The embedded font could not be registered.
    #[error("embedded font: {0}")]
    Font(String),
    /// An output file could not be written.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

/// Result with [`RenderError`].
pub type Result<T> = std::result::Result<T, RenderError>;

impl RenderError {
    /// An [`RenderError::Invalid`] error.
    pub fn invalid(name: &'static str, value: impl ToString, reason: impl Into<String>) -> Self {
        Self::Invalid {
            name,
            value: value.to_string(),
            reason: reason.into(),
        }
    }
}

pub(crate) fn draw_err(e: impl std::fmt::Display) -> RenderError {
    RenderError::Draw(e.to_string())
}

pub(crate) fn png_err(path: &std::path::Path, e: impl std::fmt::Display) -> RenderError {
    RenderError::Io {
        path: path.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    }
}
