//! PNG files written atomically: drawn into a new temporary sibling (`.NAME.tmp-PID-K.png`),
//! renamed over the destination only once complete. An interrupted run leaves the old file or
//! none, never a truncated one, and `rename` replaces a symlink at the destination instead of
//! writing through it.

use crate::error::{RenderError, Result};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn temp_png(dest: &Path) -> PathBuf {
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let k = COUNTER.fetch_add(1, Ordering::Relaxed);
    let file = format!(".{name}.tmp-{}-{k}.png", std::process::id());
    match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.join(file),
        _ => PathBuf::from(file),
    }
}

/// Runs `draw` on a temporary PNG path beside `path`, then renames it to `path`; on error the
/// temporary file is removed and `path` is untouched.
pub(crate) fn png_atomic<T>(path: &Path, draw: impl FnOnce(&Path) -> Result<T>) -> Result<T> {
    if path.is_dir() {
        return Err(RenderError::Io {
            path: path.to_path_buf(),
            source: std::io::Error::other("is a folder; give a file name"),
        });
    }
    let tmp = temp_png(path);
    match draw(&tmp) {
        Ok(v) => {
            std::fs::rename(&tmp, path).map_err(|source| {
                let _ = std::fs::remove_file(&tmp);
                RenderError::Io {
                    path: path.to_path_buf(),
                    source,
                }
            })?;
            Ok(v)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    #[cfg(unix)]
    #[test]
    fn png_through_a_symlink_replaces_the_link_and_keeps_its_target() {
        use crate::{Chart, Size};
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim.txt");
        std::fs::write(&victim, "precious").unwrap();
        let link = dir.path().join("chart.png");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        let chart = Chart::Bars(crate::chart::BarChart {
            title: "t".into(),
            bars: vec![crate::chart::Bar {
                label: "a".into(),
                value: Some(3.0),
                colour: crate::palette::HOTSPOT,
            }],
            suppressed: "<5".into(),
            note: String::new(),
            locale: crate::Locale::EN,
        });
        chart.render_png(Size::CHART_SCREEN, &link).unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        assert!(!link.is_symlink());
        assert!(std::fs::read(&link).unwrap().starts_with(b"\x89PNG"));
        // No temporary file is left behind.
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 2);
    }
}
