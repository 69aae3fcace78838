//! `calendar --format ics`: the period's events as an iCalendar file (RFC 5545) to import into
//! Outlook, Google Calendar or any client.

use std::io::{self, Write};

use chrono::{Days, NaiveDate};

use super::calendar::Entry;
use crate::register::Register;

/// Writes one all-day VEVENT per entry. Each UID comes from what the event is (organisation,
/// kind, cycle, round, area), not its date, so importing a later plan updates the events it
/// moved instead of adding copies; DTSTAMP is `today`, so the same input gives the same bytes.
pub fn write(reg: &Register, today: NaiveDate, entries: &[Entry], out: &mut dyn Write) -> io::Result<()> {
    let mut w = Lines { out };
    w.line("BEGIN:VCALENDAR")?;
    w.line("VERSION:2.0")?;
    w.line(&format!("PRODID:-//ismsaudit//ismsaudit {}//EN", env!("CARGO_PKG_VERSION")))?;
    w.line("CALSCALE:GREGORIAN")?;
    w.line("METHOD:PUBLISH")?;
    w.line(&format!("X-WR-CALNAME:{}", escape(&format!("{}: audits", reg.organisation))))?;
    let stamp = format!("{}T000000Z", today.format("%Y%m%d"));
    for x in entries {
        w.line("BEGIN:VEVENT")?;
        w.line(&format!("UID:{:016x}@ismsaudit", fnv1a(x.key.as_bytes())))?;
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
        w.line("END:VEVENT")?;
    }
    w.line("END:VCALENDAR")
}

/// Content lines: CRLF ends, folded at 75 octets without cutting a UTF-8 character (RFC 5545
/// 3.1).
struct Lines<'a> {
    out: &'a mut dyn Write,
}

impl Lines<'_> {
    fn line(&mut self, text: &str) -> io::Result<()> {
        let mut rest = text;
        let mut limit = 75;
        while rest.len() > limit {
            let mut cut = limit;
            while !rest.is_char_boundary(cut) {
                cut -= 1;
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

/// FNV-1a, 64 bits: a short stable id from an event's key (not a secret, just stable).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
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
    fn text_is_escaped() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }
}
