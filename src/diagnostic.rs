//! Located errors in the user's input: one line each, `file:line:col: error: message`.

use std::fmt;

use crate::text::{shortened, visible};

/// The longest message or hint shown: a value echoed from the register never makes a line huge.
const MAX_TEXT_CHARS: usize = 400;

/// Register text in a message, made safe for a terminal or a CI log, and bounded.
fn clean(text: String) -> String {
    shortened(&visible(&text), MAX_TEXT_CHARS).into_owned()
}

/// A 1-based position in the register file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub struct Loc {
    pub line: u64,
    pub column: u64,
}

impl Loc {
    pub fn new(line: u64, column: u64) -> Self {
        Loc { line, column }
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
}

impl InputError {
    pub fn one(file: &str, diagnostic: Diagnostic) -> Self {
        InputError { file: file.to_string(), diagnostics: vec![diagnostic] }
    }
}

impl fmt::Display for InputError {
    /// One line per diagnostic, sorted by position so the file reads top to bottom.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = visible(&self.file);
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            match d.loc {
                Some(Loc { line, column }) => write!(f, "{file}:{line}:{column}: error: {}", d.text())?,
                None => write!(f, "{file}: error: {}", d.text())?,
            }
        }
        Ok(())
    }
}
