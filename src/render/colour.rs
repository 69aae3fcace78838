//! Colour on a terminal for ismsaudit's own words: severities, OVERDUE, LATE, NOT
//! INDEPENDENT, `help:`. Outputs are written plain and coloured line by line on their way to
//! the terminal, so piped output, and every width a table computed, stay as they are. The
//! register's text cannot send escape sequences of its own: every control character in it, ESC
//! included, was made visible before it got here. (A register word that is one of the words
//! above, an area named "OVERDUE", is coloured like them: painting lines, not cells, cannot
//! tell them apart.)

use std::io::{self, Write};

const RED: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[1;33m";
const GREEN: &str = "\x1b[32m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

/// Words coloured wherever they stand as words: the statuses the plan and the agenda print.
const WORDS: [(&str, &str); 3] = [("NOT INDEPENDENT", RED), ("OVERDUE", RED), ("LATE", YELLOW)];

/// Line openings coloured: `check`'s labels, the diagnostics' `error:`, and `help:`.
const OPENINGS: [(&str, &str); 5] =
    [("error[", RED), ("warning[", YELLOW), ("accepted[", GREEN), ("error:", RED), ("  help:", DIM)];

/// `line` (without its newline) with ismsaudit's own words in colour.
pub fn paint(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 16);
    let mut rest = line;
    if let Some((open, style)) = OPENINGS.iter().find(|(o, _)| line.starts_with(o)) {
        let word = open.trim_end_matches(['[', ':']);
        out.push_str(&format!("{style}{word}{RESET}"));
        rest = &line[word.len()..];
    } else if let Some(at) = line.find(": error: ") {
        // A diagnostic: `file:line:col: error: message`.
        out.push_str(&format!("{}: {RED}error{RESET}: ", &line[..at]));
        rest = &line[at + ": error: ".len()..];
    }
    'text: while !rest.is_empty() {
        for (word, style) in WORDS {
            if rest.starts_with(word) && !out.ends_with(|c: char| c.is_alphanumeric()) {
                let after = rest[word.len()..].chars().next();
                if after.is_none_or(|c| !c.is_alphanumeric()) {
                    out.push_str(&format!("{style}{word}{RESET}"));
                    rest = &rest[word.len()..];
                    continue 'text;
                }
            }
        }
        let c = rest.chars().next().unwrap_or_default();
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// A writer that colours each line it passes on with [`paint`].
pub struct Painted<W: Write> {
    out: W,
    line: Vec<u8>,
}

impl<W: Write> Painted<W> {
    pub fn new(out: W) -> Self {
        Painted { out, line: Vec::new() }
    }

    fn emit(&mut self) -> io::Result<()> {
        let text = String::from_utf8_lossy(&self.line);
        let (body, newline) = match text.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (&*text, ""),
        };
        let painted = paint(body);
        self.out.write_all(painted.as_bytes())?;
        self.out.write_all(newline.as_bytes())?;
        self.line.clear();
        Ok(())
    }
}

impl<W: Write> Write for Painted<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        for &b in buf {
            self.line.push(b);
            if b == b'\n' {
                self.emit()?;
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.line.is_empty() {
            self.emit()?;
        }
        self.out.flush()
    }
}

impl<W: Write> Drop for Painted<W> {
    fn drop(&mut self) {
        // What is left is written; an error here has nowhere to go (flush first to see it).
        let _ = self.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_words_are_coloured_and_nothing_else_changes() {
        let plain = "warning[audit-late] isms.yaml:4:11: hr planned, LATE; ops OVERDUE, NOT INDEPENDENT";
        let painted = paint(plain);
        assert!(painted.starts_with("\x1b[1;33mwarning\x1b[0m[audit-late]"), "{painted:?}");
        assert!(painted.contains("\x1b[1;33mLATE\x1b[0m;"));
        assert!(painted.contains("\x1b[1;31mOVERDUE\x1b[0m"));
        assert!(painted.contains("\x1b[1;31mNOT INDEPENDENT\x1b[0m"));
        let stripped = painted.replace(RED, "").replace(YELLOW, "").replace(RESET, "");
        assert_eq!(stripped, plain);
        // Part of a longer word is not a status.
        assert_eq!(paint("PLATES and LATERAL"), "PLATES and LATERAL");
        assert_eq!(paint("a.yaml:3:1: error: bad"), "a.yaml:3:1: \x1b[1;31merror\x1b[0m: bad");
        assert_eq!(paint("  help: do this"), "\x1b[2m  help\x1b[0m: do this");
    }

    #[test]
    fn the_writer_colours_line_by_line() {
        let mut out = Vec::new();
        {
            let mut p = Painted::new(&mut out);
            p.write_all(b"error[x] a\nplain OVER").unwrap();
            p.write_all(b"DUE\nlast").unwrap();
            p.flush().unwrap();
        }
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text, "\x1b[1;31merror\x1b[0m[x] a\nplain \x1b[1;31mOVERDUE\x1b[0m\nlast");
    }
}
