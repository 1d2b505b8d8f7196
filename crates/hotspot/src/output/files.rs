//! Safe output files: atomic single-file writes, output folders that never mix runs, and a guard
//! that refuses any output path that is also an input.
//!
//! - [`AtomicFile`] / [`write_atomic`]: the bytes go to a new temporary file in
//!   the destination's own folder, which is renamed over the destination only
//!   once it is complete and flushed. An interrupted run leaves the old file
//!   (or none), never an empty or truncated one under the final name. The
//!   temporary file is created with `create_new` (it never opens an existing
//!   path), and `rename` replaces a symlink at the destination instead of
//!   writing through it, so a symlink in an output folder cannot redirect a write.
//! - [`OutputDir`]: a run writing several files writes them into a fresh
//!   temporary folder beside the final one and moves the result into place in
//!   [`OutputDir::commit`]. Files of the previous run (those listed in its
//!   `manifest.json`, key `outputs`) that the new run does not write are
//!   removed; any other file in the folder stops the run with an error
//!   (naming each unknown file) unless `force`, which keeps
//!   those unknown files untouched.
//! - [`InputGuard`]: every input path of a command, canonicalised; an output
//!   that resolves to one of them (same file, through any symlink or `..`) is
//!   refused with [`Error::InvalidParameter`] (exit 2) before anything is written.

use crate::error::{Error, Result};
use std::collections::BTreeSet;
use std::fs::{self, File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A name for a temporary sibling of `dest`: hidden, unique in this process and across processes.
fn temp_sibling(dest: &Path, tag: &str) -> PathBuf {
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let k = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let file = format!(".{name}.{tag}-{}-{k}-{nanos:x}", std::process::id());
    match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.join(file),
        _ => PathBuf::from(file),
    }
}

/// A file being written: bytes go to a temporary sibling, [`AtomicFile::commit`] renames it into place.
///
/// Dropped without `commit` (an error, a panic), the temporary file is removed
/// and the destination is untouched.
#[derive(Debug)]
pub struct AtomicFile {
    dest: PathBuf,
    temp: PathBuf,
    writer: Option<BufWriter<File>>,
}

impl AtomicFile {
    /// Starts writing `dest`.
    ///
    /// # Errors
    /// [`Error::Io`] when `dest` is a folder or the temporary file cannot be created.
    pub fn create(dest: &Path) -> Result<Self> {
        if dest.is_dir() {
            return Err(Error::io(
                dest,
                std::io::Error::other("is a folder; give a file name"),
            ));
        }
        let temp = temp_sibling(dest, "tmp");
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
            .map_err(|e| Error::io(dest, e))?;
        Ok(Self {
            dest: dest.to_path_buf(),
            temp,
            writer: Some(BufWriter::new(file)),
        })
    }

    /// The final path.
    pub fn dest(&self) -> &Path {
        &self.dest
    }

    /// Flushes, syncs and renames the temporary file over the destination.
    ///
    /// # Errors
    /// [`Error::Io`] naming the destination.
    pub fn commit(mut self) -> Result<()> {
        let Some(w) = self.writer.take() else {
            return Ok(());
        };
        let file = w
            .into_inner()
            .map_err(|e| Error::io(&self.dest, e.into_error()))?;
        file.sync_all().map_err(|e| Error::io(&self.dest, e))?;
        drop(file);
        fs::rename(&self.temp, &self.dest).map_err(|e| Error::io(&self.dest, e))?;
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.writer {
            Some(w) => w.write(buf),
            None => Err(std::io::Error::other("file already committed")),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.writer {
            Some(w) => w.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.writer.take().is_some() {
            let _ = fs::remove_file(&self.temp);
        }
    }
}

/// Writes `bytes` to `path` atomically (temporary sibling, then rename).
///
/// # Errors
/// [`Error::Io`] naming `path`.
pub fn write_atomic(path: &Path, bytes: impl AsRef<[u8]>) -> Result<()> {
    let mut f = AtomicFile::create(path)?;
    f.write_all(bytes.as_ref())
        .map_err(|e| Error::io(path, e))?;
    f.commit()
}

/// Writes `path` atomically with a closure that streams into it.
///
/// # Errors
/// The closure's error, or [`Error::Io`] naming `path`.
pub fn write_atomic_with<E>(
    path: &Path,
    f: impl FnOnce(&mut AtomicFile) -> std::result::Result<(), E>,
) -> std::result::Result<(), E>
where
    E: From<Error>,
{
    let mut file = AtomicFile::create(path)?;
    f(&mut file)?;
    file.flush().map_err(|e| Error::io(path, e))?;
    file.commit()?;
    Ok(())
}

/// The input files of a command, to refuse outputs that would overwrite them.
#[derive(Clone, Debug, Default)]
pub struct InputGuard {
    inputs: Vec<(PathBuf, PathBuf)>,
}

impl InputGuard {
    /// An empty guard.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an input file (ignored when it does not exist: it cannot be overwritten then).
    pub fn input(&mut self, path: &Path) -> &mut Self {
        if let Ok(c) = fs::canonicalize(path) {
            self.inputs.push((path.to_path_buf(), c));
        }
        self
    }

    /// Adds several input files.
    pub fn inputs<'a>(&mut self, paths: impl IntoIterator<Item = &'a Path>) -> &mut Self {
        for p in paths {
            self.input(p);
        }
        self
    }

    /// Refuses `output` (given with `flag`, e.g. `--rejects`) when it resolves to an input file,
    /// or when it is a folder output (`--out`) that contains one.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the flag, the output and the input.
    pub fn check(&self, flag: &'static str, output: &Path) -> Result<()> {
        let resolved = resolve(output);
        for (given, canon) in &self.inputs {
            if *canon == resolved {
                return Err(Error::invalid(
                    flag,
                    output.display(),
                    format!(
                        "this is the input file {}; writing it would destroy the input: choose another path",
                        given.display()
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Refuses a folder output when writing it could replace an input inside it.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the flag, the folder and the input.
    pub fn check_dir(&self, flag: &'static str, dir: &Path) -> Result<()> {
        self.check(flag, dir)?;
        let resolved = resolve(dir);
        for (given, canon) in &self.inputs {
            if canon.starts_with(&resolved) {
                return Err(Error::invalid(
                    flag,
                    dir.display(),
                    format!(
                        "the folder holds the input file {}; a run replaces the folder's files: choose another folder",
                        given.display()
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// `path` made absolute with its existing part canonicalised (symlinks and `..` resolved).
fn resolve(path: &Path) -> PathBuf {
    if let Ok(c) = fs::canonicalize(path) {
        return c;
    }
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    };
    // Canonicalise the longest existing ancestor and append the rest.
    let mut rest = Vec::new();
    let mut cur = abs.as_path();
    loop {
        if let Ok(c) = fs::canonicalize(cur) {
            let mut out = c;
            for r in rest.iter().rev() {
                out.push(r);
            }
            return out;
        }
        match (cur.file_name(), cur.parent()) {
            (Some(n), Some(p)) => {
                rest.push(n.to_os_string());
                cur = p;
            }
            _ => return abs,
        }
    }
}

/// File-name parts for names (e.g. categories): letters and digits kept, the rest `_`, an empty
/// name `uncategorised`; names that would give the same part (`A/B` and `A_B`, or parts equal
/// but for case, on case-insensitive file systems) get `_2`, `_3`, ... in input order, so no
/// two names write one file.
pub fn distinct_file_parts<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut used: BTreeSet<String> = BTreeSet::new();
    let mut out = Vec::new();
    for name in names {
        let s: String = name
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { '_' })
            .collect();
        let base = if s.is_empty() {
            "uncategorised".to_string()
        } else {
            s
        };
        let mut part = base.clone();
        let mut k = 2;
        while used.contains(&part.to_lowercase()) {
            part = format!("{base}_{k}");
            k += 1;
        }
        used.insert(part.to_lowercase());
        out.push(part);
    }
    out
}

/// The name of the manifest an [`OutputDir`] reads from the previous run.
pub const MANIFEST: &str = "manifest.json";

/// An output folder written as a whole: files go to a temporary folder beside it, and
/// [`OutputDir::commit`] puts the finished set in place, removing the previous run's files.
#[derive(Debug)]
pub struct OutputDir {
    dest: PathBuf,
    staging: PathBuf,
    previous: BTreeSet<PathBuf>,
    unknown: Vec<PathBuf>,
    written: BTreeSet<PathBuf>,
    committed: bool,
}

impl OutputDir {
    /// Prepares writing the folder `dest`.
    ///
    /// An existing `dest` may hold only the files its `manifest.json` lists
    /// (and the manifest itself): anything else is an error unless `force`,
    /// in which case those files are kept as they are.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] (`--out`) when `dest` is a file or holds
    /// files no earlier run wrote; [`Error::Io`] when the staging folder
    /// cannot be created; [`Error::Parse`] for an unreadable manifest.
    pub fn create(dest: &Path, force: bool) -> Result<Self> {
        if dest.exists() && !dest.is_dir() {
            return Err(Error::invalid(
                "--out",
                dest.display(),
                "is a file, not a folder: give a folder name",
            ));
        }
        let mut previous = BTreeSet::new();
        let mut unknown = Vec::new();
        if dest.is_dir() {
            let m = dest.join(MANIFEST);
            if m.is_file() {
                previous = read_manifest_outputs(&m)?;
                previous.insert(PathBuf::from(MANIFEST));
            }
            for f in list_files(dest)? {
                if !previous.contains(&f) {
                    unknown.push(f);
                }
            }
            if !unknown.is_empty() && !force {
                let shown: Vec<String> = unknown
                    .iter()
                    .take(5)
                    .map(|p| p.display().to_string())
                    .collect();
                return Err(Error::invalid(
                    "--out",
                    dest.display(),
                    format!(
                        "the folder holds {} file(s) that no earlier run listed in its {MANIFEST} ({}{}); \
                         choose an empty or new folder, or pass --force to write beside them (they are kept)",
                        unknown.len(),
                        shown.join(", "),
                        if unknown.len() > 5 { ", ..." } else { "" }
                    ),
                ));
            }
        }
        if let Some(parent) = dest.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        let staging = temp_sibling(dest, "partial");
        fs::create_dir(&staging).map_err(|e| Error::io(&staging, e))?;
        Ok(Self {
            dest: dest.to_path_buf(),
            staging,
            previous,
            unknown,
            written: BTreeSet::new(),
            committed: false,
        })
    }

    /// The final folder.
    pub fn dest(&self) -> &Path {
        &self.dest
    }

    /// The temporary folder the run writes into (moved into place by [`OutputDir::commit`]).
    pub fn staging(&self) -> &Path {
        &self.staging
    }

    /// Records `rel` as written by the run, for a file the caller wrote into
    /// [`OutputDir::staging`] itself (with parent folders it created).
    ///
    /// # Errors
    /// As [`OutputDir::path`].
    pub fn record(&mut self, rel: impl AsRef<Path>) -> Result<()> {
        self.path(rel).map(|_| ())
    }

    /// Files in the folder that no earlier run wrote (kept with `force`).
    pub fn unknown_files(&self) -> &[PathBuf] {
        &self.unknown
    }

    /// Where to write `rel` (a relative path such as `layers/density.asc`) during the run.
    /// Parent folders are created; the file is recorded as written.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for an absolute path or one with `..`;
    /// [`Error::Io`] when a parent folder cannot be created.
    pub fn path(&mut self, rel: impl AsRef<Path>) -> Result<PathBuf> {
        let rel = rel.as_ref();
        if rel
            .components()
            .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
            || rel.as_os_str().is_empty()
        {
            return Err(Error::invalid(
                "output file",
                rel.display(),
                "must be a relative path inside the output folder",
            ));
        }
        let p = self.staging.join(rel);
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        self.written.insert(rel.to_path_buf());
        Ok(p)
    }

    /// Writes `bytes` as `rel`.
    ///
    /// # Errors
    /// As [`OutputDir::path`], or [`Error::Io`] when writing fails.
    pub fn write(&mut self, rel: impl AsRef<Path>, bytes: impl AsRef<[u8]>) -> Result<()> {
        let p = self.path(rel)?;
        fs::write(&p, bytes).map_err(|e| Error::io(&p, e))
    }

    /// The files written so far, relative to the folder, sorted (for a manifest).
    pub fn written(&self) -> Vec<String> {
        self.written
            .iter()
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .collect()
    }

    /// Puts the finished run in place: the previous run's files are removed (only those its
    /// manifest listed), the new files moved in, the staging folder removed.
    ///
    /// # Errors
    /// [`Error::Io`] naming the file that could not be moved or removed.
    pub fn commit(mut self) -> Result<PathBuf> {
        self.committed = true;
        if !self.dest.exists() {
            fs::rename(&self.staging, &self.dest).map_err(|e| Error::io(&self.dest, e))?;
            return Ok(self.dest.clone());
        }
        if self.unknown.is_empty() {
            // Only the previous run's files: swap the folders, then delete the old one.
            let old = temp_sibling(&self.dest, "old");
            fs::rename(&self.dest, &old).map_err(|e| Error::io(&self.dest, e))?;
            if let Err(e) = fs::rename(&self.staging, &self.dest) {
                let _ = fs::rename(&old, &self.dest);
                return Err(Error::io(&self.dest, e));
            }
            fs::remove_dir_all(&old).map_err(|e| Error::io(&old, e))?;
            return Ok(self.dest.clone());
        }
        // Unknown files kept (force): replace file by file.
        for rel in &self.previous {
            let p = self.dest.join(rel);
            if p.is_file() || p.is_symlink() {
                fs::remove_file(&p).map_err(|e| Error::io(&p, e))?;
                remove_empty_parents(&self.dest, rel);
            }
        }
        for rel in &self.written {
            let from = self.staging.join(rel);
            let to = self.dest.join(rel);
            // A folder of the destination replaced by a symlink (kept with force) would take the
            // file elsewhere: refuse instead of writing through it.
            let mut sub = self.dest.clone();
            for c in rel.parent().into_iter().flat_map(Path::components) {
                sub.push(c);
                if sub.is_symlink() {
                    return Err(Error::invalid(
                        "--out",
                        sub.display(),
                        "is a symlink inside the output folder; the report does not write through it (remove it)",
                    ));
                }
            }
            if let Some(parent) = to.parent() {
                fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            }
            fs::rename(&from, &to).map_err(|e| Error::io(&to, e))?;
        }
        fs::remove_dir_all(&self.staging).map_err(|e| Error::io(&self.staging, e))?;
        Ok(self.dest.clone())
    }
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

fn remove_empty_parents(root: &Path, rel: &Path) {
    let mut cur = rel.parent();
    while let Some(p) = cur.filter(|p| !p.as_os_str().is_empty()) {
        if fs::remove_dir(root.join(p)).is_err() {
            break;
        }
        cur = p.parent();
    }
}

/// Every file (and symlink) under `dir`, relative to it.
fn list_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let here = dir.join(&rel);
        let entries = fs::read_dir(&here).map_err(|e| Error::io(&here, e))?;
        for e in entries {
            let e = e.map_err(|e| Error::io(&here, e))?;
            let r = rel.join(e.file_name());
            let ft = e.file_type().map_err(|err| Error::io(e.path(), err))?;
            if ft.is_dir() {
                stack.push(r);
            } else {
                out.push(r);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The `outputs` of a manifest: relative paths without `..`.
fn read_manifest_outputs(path: &Path) -> Result<BTreeSet<PathBuf>> {
    let text = fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let bad = |message: String| Error::Parse {
        path: path.to_path_buf(),
        line: None,
        message,
    };
    let v: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| bad(format!("not valid JSON: {e}")))?;
    let list = v
        .get("outputs")
        .and_then(|o| o.as_array())
        .ok_or_else(|| bad("the manifest has no `outputs` list".into()))?;
    let mut out = BTreeSet::new();
    for item in list {
        let Some(s) = item.as_str() else { continue };
        let p = PathBuf::from(s);
        if p.components().all(|c| matches!(c, Component::Normal(_))) {
            out.insert(p);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kde_per_category_a_slash_b_and_a_underscore_b_get_distinct_files() {
        let parts = distinct_file_parts(["A/B", "A_B", "", "a_b", "Skadegörelse"]);
        assert_eq!(
            parts,
            ["A_B", "A_B_2", "uncategorised", "a_b_3", "Skadegörelse"]
        );
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temporary() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("a.csv");
        write_atomic(&p, "one").unwrap();
        write_atomic(&p, "two").unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "two");
        assert_eq!(fs::read_dir(d.path()).unwrap().count(), 1);
    }

    #[test]
    fn interrupted_write_keeps_the_old_file() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("a.csv");
        write_atomic(&p, "old").unwrap();
        {
            let mut f = AtomicFile::create(&p).unwrap();
            f.write_all(b"half").unwrap();
            // dropped without commit, as on an error
        }
        assert_eq!(fs::read_to_string(&p).unwrap(), "old");
        assert_eq!(fs::read_dir(d.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn symlinked_subfolder_in_a_forced_output_is_not_written_through() {
        let d = tempfile::tempdir().unwrap();
        let elsewhere = d.path().join("elsewhere");
        fs::create_dir(&elsewhere).unwrap();
        let out = d.path().join("out");
        fs::create_dir(&out).unwrap();
        std::os::unix::fs::symlink(&elsewhere, out.join("layers")).unwrap();
        let mut dir = OutputDir::create(&out, true).unwrap();
        dir.write("layers/a.txt", "new").unwrap();
        let e = dir.commit().unwrap_err();
        assert!(e.to_string().contains("symlink"), "{e}");
        assert!(!elsewhere.join("a.txt").exists());
    }

    #[cfg(unix)]
    #[test]
    fn symlink_in_output_is_replaced_not_written_through() {
        let d = tempfile::tempdir().unwrap();
        let target = d.path().join("precious.txt");
        fs::write(&target, "keep").unwrap();
        let link = d.path().join("out.csv");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        write_atomic(&link, "new").unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "keep");
        assert!(!link.is_symlink());
        assert_eq!(fs::read_to_string(&link).unwrap(), "new");
    }

    #[test]
    fn rejects_naming_the_input_is_refused() {
        let d = tempfile::tempdir().unwrap();
        let input = d.path().join("work.csv");
        fs::write(&input, "x,y\n").unwrap();
        let mut g = InputGuard::new();
        g.input(&input);
        let again = d.path().join(".").join("work.csv");
        let e = g.check("--rejects", &again).unwrap_err();
        assert!(matches!(
            e,
            Error::InvalidParameter {
                name: "--rejects",
                ..
            }
        ));
        assert!(e.to_string().contains("destroy the input"), "{e}");
        g.check("--rejects", &d.path().join("rejects.csv")).unwrap();
        assert!(g.check_dir("--out", d.path()).is_err());
        assert_eq!(fs::read_to_string(&input).unwrap(), "x,y\n");
    }

    fn manifest(outputs: &[&str]) -> String {
        serde_json::json!({ "outputs": outputs }).to_string()
    }

    #[test]
    fn output_dir_removes_only_the_previous_runs_files() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("rep");
        let mut o = OutputDir::create(&out, false).unwrap();
        o.write("layers/incidents.geojson", "points").unwrap();
        o.write("report.html", "internal").unwrap();
        o.write(
            MANIFEST,
            manifest(&["layers/incidents.geojson", "report.html"]),
        )
        .unwrap();
        o.commit().unwrap();
        assert!(out.join("layers/incidents.geojson").is_file());
        // A second (public) run does not write the incident layer: it is gone afterwards.
        let mut o = OutputDir::create(&out, false).unwrap();
        o.write("report.html", "public").unwrap();
        o.write(MANIFEST, manifest(&["report.html"])).unwrap();
        // Before commit, the old run is untouched.
        assert_eq!(
            fs::read_to_string(out.join("report.html")).unwrap(),
            "internal"
        );
        o.commit().unwrap();
        assert!(!out.join("layers/incidents.geojson").exists());
        assert_eq!(
            fs::read_to_string(out.join("report.html")).unwrap(),
            "public"
        );
        let siblings = fs::read_dir(d.path()).unwrap().count();
        assert_eq!(siblings, 1, "no staging folder left beside --out");
    }

    #[test]
    fn output_dir_refuses_unknown_files_unless_forced() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("rep");
        fs::create_dir(&out).unwrap();
        fs::write(out.join("notes.txt"), "mine").unwrap();
        let e = OutputDir::create(&out, false).unwrap_err();
        assert!(e.to_string().contains("notes.txt"), "{e}");
        assert!(e.to_string().contains("--force"), "{e}");
        let mut o = OutputDir::create(&out, true).unwrap();
        assert_eq!(o.unknown_files(), [PathBuf::from("notes.txt")]);
        o.write("a.csv", "1").unwrap();
        o.commit().unwrap();
        assert_eq!(fs::read_to_string(out.join("notes.txt")).unwrap(), "mine");
        assert_eq!(fs::read_to_string(out.join("a.csv")).unwrap(), "1");
    }

    #[test]
    fn output_dir_dropped_before_commit_leaves_nothing() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("rep");
        {
            let mut o = OutputDir::create(&out, false).unwrap();
            o.write("a.csv", "1").unwrap();
        }
        assert!(!out.exists());
        assert_eq!(fs::read_dir(d.path()).unwrap().count(), 0);
    }

    #[test]
    fn output_dir_refuses_paths_leaving_the_folder() {
        let d = tempfile::tempdir().unwrap();
        let mut o = OutputDir::create(&d.path().join("rep"), false).unwrap();
        assert!(o.path("../x.csv").is_err());
        assert!(o.path("/tmp/x.csv").is_err());
    }
}
