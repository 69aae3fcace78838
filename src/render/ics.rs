//! `calendar --format ics`: the period's events as an iCalendar file (RFC 5545) to import into
//! Outlook, Google Calendar or any client.

use std::io::{self, Write};

use chrono::{Days, NaiveDate};

use super::calendar::Entries;
use crate::register::Register;

/// Writes one all-day VEVENT per entry. Each UID is the event's key (what it is: kind, cycle,
/// round, area; not its date) at the register's `id`: importing a later plan updates the
/// events it moved instead of adding copies, and two registers' events never share a UID (the
/// organisation's name, which two registers may share, plays no part). DTSTAMP is `today`, so
/// the same input gives the same bytes.
pub fn write(reg: &Register, id: &str, today: NaiveDate, entries: &Entries, out: &mut dyn Write) -> io::Result<()> {
    let mut w = Lines { out };
    w.line("BEGIN:VCALENDAR")?;
    w.line("VERSION:2.0")?;
    w.line(&format!("PRODID:-//ismsaudit//ismsaudit {}//EN", env!("CARGO_PKG_VERSION")))?;
    w.line("CALSCALE:GREGORIAN")?;
    w.line("METHOD:PUBLISH")?;
    w.line(&format!("X-WR-CALNAME:{}", escape(&format!("{}: audits", reg.organisation))))?;
    let stamp = format!("{}T000000Z", today.format("%Y%m%d"));
    entries.each(|x| {
        w.line("BEGIN:VEVENT")?;
        w.line(&format!("UID:{}", escape(&format!("{}@{id}", x.key))))?;
        w.line(&format!("DTSTAMP:{stamp}"))?;
        w.line(&format!("DTSTART;VALUE=DATE:{}", x.date.format("%Y%m%d")))?;
        // DTEND of an all-day event is the day after its last (RFC 5545 3.6.1).
        let after = x.end.checked_add_days(Days::new(1)).unwrap_or(x.end);
        w.line(&format!("DTEND;VALUE=DATE:{}", after.format("%Y%m%d")))?;
        w.line(&format!("SUMMARY:{}", escape(&x.summary)))?;
        let description = std::iter::once(format!("Status: {}", x.status)).chain(x.details.iter().cloned());
        w.line(&format!("DESCRIPTION:{}", escape(&description.collect::<Vec<_>>().join("\n"))))?;
        w.line(&format!("CATEGORIES:{}", escape(x.category)))?;
        w.line("TRANSP:TRANSPARENT")?;
        w.line("END:VEVENT")
    })?;
    w.line("END:VCALENDAR")
}

/// Content lines: CRLF ends, folded at 75 octets without cutting a UTF-8 character (RFC 5545
/// 3.1), and never so that a continuation line is a CI command (see [`fold_at`]).
struct Lines<'a> {
    out: &'a mut dyn Write,
}

impl Lines<'_> {
    fn line(&mut self, text: &str) -> io::Result<()> {
        let mut rest = text;
        let mut limit = 75;
        while rest.len() > limit {
            let cut = fold_at(rest, limit);
            if cut == rest.len() {
                break;
            }
            self.out.write_all(&rest.as_bytes()[..cut])?;
            self.out.write_all(b"\r\n ")?;
            rest = &rest[cut..];
            // A continuation line starts with the space, which counts.
            limit = 74;
        }
        self.out.write_all(rest.as_bytes())?;
        self.out.write_all(b"\r\n")
    }
}

/// Where to fold `line` to keep it within `limit` octets: the last character boundary at or
/// before it whose continuation does not start with `::` once blanks are trimmed. A GitHub
/// runner trims the space that starts a continuation line and runs a line that then starts with
/// `::`: folding a name at the wrong place would forge a workflow command in any job that
/// prints the file. Where no cut within the limit is safe (a line of colons and blanks), the
/// first safe one after it, or none: RFC 5545 only asks that lines SHOULD NOT be longer.
fn fold_at(line: &str, limit: usize) -> usize {
    let safe = |cut: &usize| line.is_char_boundary(*cut) && !line[*cut..].trim_start().starts_with("::");
    (1..=limit).rev().find(safe).or_else(|| (limit + 1..line.len()).find(safe)).unwrap_or(line.len())
}

/// TEXT values escaped (RFC 5545 3.3.11): backslash, semicolon, comma, newline.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_fold_at_75_octets_between_characters() {
        let mut bytes = Vec::new();
        let text = format!("SUMMARY:{}", "Zürich é ".repeat(20));
        Lines { out: &mut bytes }.line(&text).unwrap();
        let out = String::from_utf8(bytes).unwrap();
        for (i, line) in out.split("\r\n").filter(|l| !l.is_empty()).enumerate() {
            assert!(line.len() <= 75, "{line}");
            assert_eq!(line.starts_with(' '), i > 0);
        }
        assert_eq!(out.replace("\r\n ", ""), format!("{text}\r\n"));
    }

    #[test]
    fn no_fold_starts_a_line_with_a_workflow_command() {
        // A name padded so that `::` would fall at each place a fold can come, then long runs
        // of colons and blanks.
        let mut texts: Vec<String> =
            (0..80).map(|pad| format!("SUMMARY:{}::error::forged ::x:: :: ::", "a".repeat(pad))).collect();
        texts.push(format!("SUMMARY:{}", ": :".repeat(60)));
        texts.push(format!("SUMMARY:{}", ":".repeat(300)));
        texts.push(format!("SUMMARY:{}x", " ".repeat(200)));
        for text in texts {
            let mut bytes = Vec::new();
            Lines { out: &mut bytes }.line(&text).unwrap();
            let out = String::from_utf8(bytes).unwrap();
            for line in out.split("\r\n").skip(1) {
                assert!(!line.trim_start().starts_with("::"), "{line:?} of {text}");
            }
            assert_eq!(out.replace("\r\n ", ""), format!("{text}\r\n"));
        }
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }
}
