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
//! passes text cells through [`safe_cell`].

use std::borrow::Cow;

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
}
