//! CSV cells that are safe to open in a spreadsheet (CSV injection, also called formula injection).
//!
//! A spreadsheet reads a cell beginning with `=`, `+`, `-` or `@` as a formula,
//! and tab or carriage return can start one after the spreadsheet trims them,
//! so a category or place name such as `=1+1`, `+cmd|' /C calc'!A0` or
//! `@SUM(A1:A9)` taken from input would run when an output CSV is opened.
//! Following OWASP's "CSV Injection" guidance, every text cell that begins
//! with one of these characters is written with a leading apostrophe (`'`),
//! which spreadsheets show as text and do not evaluate. Numbers are untouched:
//! a cell that parses as a number (`-3.5`, `+1e3`) is written as it is, so
//! negative values stay numeric. Every CSV writer of the crate and the CLI
//! passes text cells through [`safe_cell`]; [`SafeCsv`] is a CSV file writer
//! that does so for every cell and puts the file in place atomically.

use crate::error::{Error, Result};
use crate::output::AtomicFile;
use std::borrow::Cow;
use std::path::Path;

/// Characters that make a spreadsheet start a formula at the beginning of a cell.
pub const FORMULA_TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The cell as written to a CSV file: a leading apostrophe when a text cell begins with
/// `=`, `+`, `-`, `@`, tab or carriage return; numbers and other text unchanged.
pub fn safe_cell(s: &str) -> Cow<'_, str> {
    match s.chars().next() {
        Some(c) if FORMULA_TRIGGERS.contains(&c) && s.trim().parse::<f64>().is_err() => {
            Cow::Owned(format!("'{s}"))
        }
        _ => Cow::Borrowed(s),
    }
}

/// [`safe_cell`] for every cell of a record.
pub fn safe_record<'a, I, S>(cells: I) -> Vec<Cow<'a, str>>
where
    I: IntoIterator<Item = &'a S>,
    S: AsRef<str> + ?Sized + 'a,
{
    cells.into_iter().map(|c| safe_cell(c.as_ref())).collect()
}

/// A CSV file written atomically, with every text cell made spreadsheet-safe
/// ([`safe_cell`]: a leading apostrophe before `=`, `+`, `-`, `@`, tab, CR).
///
/// A drop-in for `csv::Writer::from_path`: [`SafeCsv::write_record`], then [`SafeCsv::flush`]
/// (or [`SafeCsv::finish`]), which puts the complete file in place; dropped before that, the
/// destination is untouched.
pub struct SafeCsv {
    w: Option<csv::Writer<AtomicFile>>,
    dest: std::path::PathBuf,
}

impl SafeCsv {
    /// Starts writing `path`.
    ///
    /// # Errors
    /// [`Error::Io`] when the temporary file beside `path` cannot be created.
    pub fn create(path: impl AsRef<Path>) -> Result<Self> {
        let f = AtomicFile::create(path.as_ref())?;
        Ok(Self {
            w: Some(csv::Writer::from_writer(f)),
            dest: path.as_ref().to_path_buf(),
        })
    }

    /// Writes one record, each cell through [`safe_cell`].
    ///
    /// # Errors
    /// [`Error::Io`] naming the file when writing fails or the file is already finished.
    pub fn record<I, S>(&mut self, cells: I) -> Result<()>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let cells: Vec<String> = cells
            .into_iter()
            .map(|c| safe_cell(c.as_ref()).into_owned())
            .collect();
        match &mut self.w {
            Some(w) => w
                .write_record(&cells)
                .map_err(|e| Error::io(&self.dest, e.into())),
            None => Err(Error::io(
                &self.dest,
                std::io::Error::other("CSV file already finished"),
            )),
        }
    }

    /// Same as [`SafeCsv::record`] (the name `csv::Writer` uses).
    ///
    /// # Errors
    /// As [`SafeCsv::record`].
    pub fn write_record<I, S>(&mut self, cells: I) -> Result<()>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.record(cells)
    }

    /// Finishes the file: flushes it and renames it into place (later writes are errors).
    ///
    /// # Errors
    /// [`Error::Io`] naming the file when flushing or renaming fails.
    pub fn flush(&mut self) -> Result<()> {
        if let Some(w) = self.w.take() {
            let f = w
                .into_inner()
                .map_err(|e| Error::io(&self.dest, e.into_error()))?;
            f.commit()?;
        }
        Ok(())
    }

    /// Flushes and renames the file into place.
    ///
    /// # Errors
    /// As [`SafeCsv::flush`].
    pub fn finish(mut self) -> Result<()> {
        self.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_injection_payloads_get_an_apostrophe() {
        for payload in [
            "=1+1",
            "+cmd|' /C calc'!A0",
            "@SUM(A1:A9)",
            "-2+3+cmd|' /C calc'!A0",
            "\t=1+1",
            "\r=1+1",
            "=HYPERLINK(\"http://x.invalid\",\"click\")",
        ] {
            let out = safe_cell(payload);
            assert_eq!(out, format!("'{payload}"), "{payload:?}");
        }
    }

    #[test]
    fn numbers_and_plain_text_are_untouched() {
        for v in [
            "-3.5",
            "+1e3",
            "-0",
            "12",
            "Skadegörelse",
            "",
            "a=b",
            "'quoted",
        ] {
            assert_eq!(safe_cell(v), v, "{v:?}");
        }
        let rec = safe_record(["=1+1", "2"]);
        assert_eq!(rec, ["'=1+1", "2"]);
    }

    #[test]
    fn safe_csv_escapes_every_cell_and_appears_only_when_finished() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.csv");
        let mut w = SafeCsv::create(&p).unwrap();
        w.write_record(["name", "n"]).unwrap();
        w.write_record(["=1+1", "-3"]).unwrap();
        assert!(!p.exists(), "nothing under the final name before finish");
        w.finish().unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "name,n\n'=1+1,-3\n");
    }

    #[test]
    fn safe_csv_dropped_unfinished_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.csv");
        let mut w = SafeCsv::create(&p).unwrap();
        w.write_record(["a"]).unwrap();
        drop(w);
        assert!(!p.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn safe_csv_refuses_writes_after_flush() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.csv");
        let mut w = SafeCsv::create(&p).unwrap();
        w.flush().unwrap();
        let e = w.write_record(["a"]).unwrap_err().to_string();
        assert!(e.contains("already finished"), "{e}");
    }
}
