//! Located errors in the user's input: one line each, `file:line:col: error: message`.

use std::collections::BinaryHeap;
use std::fmt;

use crate::text::{name, shortened, visible};

/// The longest message or hint shown: a value echoed from the register never makes a line huge.
const MAX_TEXT_CHARS: usize = 400;

/// Register text in a message, made safe for a terminal or a CI log, and bounded.
fn clean(text: String) -> String {
    shortened(&visible(&text), MAX_TEXT_CHARS).into_owned()
}

/// A 1-based position in the register file. 32 bits each: every area, audit and record keeps
/// one, and a file under the size limit has far fewer lines and columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub struct Loc {
    pub line: u32,
    pub column: u32,
}

impl Loc {
    /// (A position past 32 bits, in a file read with a raised `--max-size`, is shown as the
    /// largest there is.)
    pub fn new(line: u64, column: u64) -> Self {
        let small = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
        Loc { line: small(line), column: small(column) }
    }

    pub(crate) fn of(location: serde_saphyr::Location) -> Option<Loc> {
        (location.line() > 0).then(|| Loc::new(location.line(), location.column()))
    }
}

/// One problem with the input, with where it is and, where it helps, what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub loc: Option<Loc>,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    /// A problem at `loc`. The message may quote the register: what it quotes is shown with
    /// control characters escaped, and cut short if very long.
    pub fn new(loc: impl Into<Option<Loc>>, message: impl Into<String>) -> Self {
        Diagnostic { loc: loc.into(), message: clean(message.into()), hint: None }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(clean(hint.into()));
        self
    }

    /// The message and, after a semicolon, the hint.
    pub fn text(&self) -> String {
        match &self.hint {
            Some(hint) => format!("{}; {hint}", self.message),
            None => self.message.clone(),
        }
    }
}

/// Bad input: the register (or another file) could not be used as given. Exit code 2.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct InputError {
    pub file: String,
    pub diagnostics: Vec<Diagnostic>,
    /// How many errors were found, shown or not (the last diagnostic counts those left out).
    pub total: usize,
}

impl InputError {
    pub fn one(file: &str, diagnostic: Diagnostic) -> Self {
        InputError { file: file.to_string(), diagnostics: vec![diagnostic], total: 1 }
    }
}

/// The most errors shown for one register: the first ones in file order. A register with more is
/// counted to the end and gets one more line saying how many were left out.
pub(crate) const MAX_ERRORS: usize = 50;

/// The errors found in one register, kept up to [`MAX_ERRORS`]: those first in file order
/// (position, then the order found), the others only counted. Memory stays the same however many
/// there are, and [`Errors::wants`] tells before any work is spent on an error whether it would
/// be shown.
#[derive(Debug, Default)]
pub(crate) struct Errors {
    /// The kept ones, the last in file order on top (to be the first dropped).
    kept: BinaryHeap<Kept>,
    /// All found so far, kept or not.
    total: usize,
}

#[derive(Debug)]
struct Kept {
    loc: Option<Loc>,
    /// The order found, which decides among errors at the same place.
    seq: usize,
    diagnostic: Diagnostic,
}

impl PartialEq for Kept {
    fn eq(&self, other: &Self) -> bool {
        (self.loc, self.seq) == (other.loc, other.seq)
    }
}

impl Eq for Kept {}

impl PartialOrd for Kept {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Kept {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.loc, self.seq).cmp(&(other.loc, other.seq))
    }
}

impl Errors {
    pub fn new() -> Self {
        Errors::default()
    }

    /// Whether an error found now at `at`, or anywhere after it in the file, would be shown. When
    /// not, the caller counts it with [`Errors::skip`] and spends nothing more on it (locating it,
    /// a "did you mean"). Once false for a place, it stays false for it.
    pub(crate) fn wants(&self, at: impl Into<Option<Loc>>) -> bool {
        // Found later than every kept one, it goes before one only by its position.
        self.kept.len() < MAX_ERRORS || self.kept.peek().is_some_and(|last| at.into() < last.loc)
    }

    /// Adds an error: kept if it is among the first in file order, else only counted.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        let seq = self.total;
        self.total += 1;
        if !self.wants(diagnostic.loc) {
            return;
        }
        if self.kept.len() == MAX_ERRORS {
            self.kept.pop();
        }
        self.kept.push(Kept { loc: diagnostic.loc, seq, diagnostic });
    }

    /// Counts an error that [`Errors::wants`] said would not be shown.
    pub fn skip(&mut self) {
        self.total += 1;
    }

    /// How many errors were found, shown or not.
    #[cfg(test)]
    fn total(&self) -> usize {
        self.total
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// The errors of `file`, in file order; where some were left out, a last line says how many.
    pub fn into_error(self, file: &str) -> InputError {
        let mut kept = self.kept.into_vec();
        kept.sort_unstable();
        let shown = kept.len();
        let mut diagnostics: Vec<Diagnostic> = kept.into_iter().map(|k| k.diagnostic).collect();
        let left_out = self.total - shown;
        if left_out > 0 {
            let errors = if left_out == 1 { "error" } else { "errors" };
            diagnostics.push(
                Diagnostic::new(
                    None,
                    format!("... and exactly {} more {errors} ({} in all)", thousands(left_out), thousands(self.total)),
                )
                .hint(format!("only the first {shown} in file order are shown: correct them and run again")),
            );
        }
        InputError { file: file.to_string(), diagnostics, total: self.total }
    }
}

impl Extend<Diagnostic> for Errors {
    fn extend<I: IntoIterator<Item = Diagnostic>>(&mut self, iter: I) {
        for d in iter {
            self.push(d);
        }
    }
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl fmt::Display for InputError {
    /// One line per diagnostic, sorted by position so the file reads top to bottom.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = name(&self.file);
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            let line = match d.loc {
                Some(Loc { line, column }) => format!("{file}:{line}:{column}: error: {}", d.text()),
                None => format!("{file}: error: {}", d.text()),
            };
            // A file named `:` would start the line with `::`.
            write!(f, "{}", visible(&line))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: u64) -> Diagnostic {
        Diagnostic::new(Loc::new(line, 1), format!("problem on line {line}"))
    }

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(499_950), "499,950");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn up_to_the_cap_every_error_is_shown_in_file_order() {
        let mut errors = Errors::new();
        // Found out of order, as checks of different parts of the register find them; two at
        // one place keep the order they were found in.
        for line in (1..=MAX_ERRORS as u64 - 1).rev() {
            errors.push(at(line));
        }
        errors.push(Diagnostic::new(Loc::new(7, 1), "second on line 7"));
        let e = errors.into_error("r.yaml");
        assert_eq!(e.diagnostics.len(), MAX_ERRORS);
        assert!(e.diagnostics.windows(2).all(|w| w[0].loc <= w[1].loc));
        let seven: Vec<&str> =
            e.diagnostics.iter().filter(|d| d.loc == Some(Loc::new(7, 1))).map(|d| d.message.as_str()).collect();
        assert_eq!(seven, ["problem on line 7", "second on line 7"]);
    }

    #[test]
    fn past_the_cap_the_first_in_file_order_are_kept_and_the_rest_counted_exactly() {
        let mut errors = Errors::new();
        // Lines 1000 down to 1, then 1000 more that are never built.
        for line in (1..=1000).rev() {
            errors.push(at(line));
        }
        assert!(!errors.wants(Loc::new(MAX_ERRORS as u64 + 1, 1)));
        assert!(errors.wants(Loc::new(MAX_ERRORS as u64, 0)));
        assert!(errors.wants(None));
        for _ in 0..1000 {
            errors.skip();
        }
        assert_eq!(errors.total(), 2000);
        let e = errors.into_error("r.yaml");
        assert_eq!(e.diagnostics.len(), MAX_ERRORS + 1);
        let lines: Vec<u32> = e.diagnostics[..MAX_ERRORS].iter().map(|d| d.loc.unwrap().line).collect();
        assert_eq!(lines, (1..=MAX_ERRORS as u32).collect::<Vec<_>>());
        assert_eq!(
            e.to_string().lines().last().unwrap(),
            "r.yaml: error: ... and exactly 1,950 more errors (2,000 in all); only the first 50 in file order are shown: correct them and run again"
        );
    }

    #[test]
    fn one_more_error_is_one_error() {
        let mut errors = Errors::new();
        errors.extend((1..=MAX_ERRORS as u64 + 1).map(at));
        let e = errors.into_error("r.yaml");
        assert!(e.diagnostics.last().unwrap().message.starts_with("... and exactly 1 more error (51 in all)"));
    }
}
