//! `calendar --format ics`: the period's events as an iCalendar file (RFC 5545) to import into
//! Outlook, Google Calendar or any client, or to publish at an address they subscribe to.

mod previous;

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::io::{self, Write};
use std::str::FromStr;

use chrono::{Days, NaiveDate};

pub use previous::{Earlier, Previous, parse as parse_previous};

use super::calendar::{Entries, Entry, Mark};
use crate::register::{Register, folded};
use crate::text::visible;

/// A reminder `days` before the events of a kind (`--remind audit=7`), or of every kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reminder {
    pub kind: Option<Mark>,
    pub days: u32,
}

impl FromStr for Reminder {
    type Err = String;

    /// `KIND=DAYS`, KIND one of `audit`, `review`, `external`, `certificate`, `all`; DAYS 0 to 365.
    fn from_str(s: &str) -> Result<Reminder, String> {
        let kinds = "audit, review, external, certificate or all";
        let (kind, days) = s.split_once('=').ok_or_else(|| format!("write it as KIND=DAYS, KIND one of {kinds}"))?;
        let kind = match kind.trim() {
            "audit" => Some(Mark::InternalAudit),
            "review" => Some(Mark::ManagementReview),
            "external" => Some(Mark::External),
            "certificate" => Some(Mark::Certificate),
            "all" => None,
            _ => return Err(format!("the kind is one of {kinds}")),
        };
        let days = days.trim().parse().ok().filter(|d| *d <= 365).ok_or("DAYS is a whole number from 0 to 365")?;
        Ok(Reminder { kind, days })
    }
}

/// What an iCalendar file is made with besides the period's events.
#[derive(Default)]
pub struct Options<'a> {
    /// The file exported last time: a changed event's SEQUENCE is raised, an event that left
    /// the plan is written as cancelled.
    pub previous: Option<&'a Previous>,
    /// The plan's events at any date, for the same people: an earlier event outside the period
    /// but still in the plan is written as it is now, not cancelled.
    pub whole: Option<&'a Entries<'a>>,
    /// The last day `whole` plans: an earlier event after it is neither kept nor cancelled.
    pub horizon: Option<NaiveDate>,
    pub reminders: &'a [Reminder],
}

/// Writes one all-day VEVENT per entry; an internal audit of days that are not consecutive (over
/// a weekend, a closure), or a certification audit split into visits, as one per run of
/// consecutive days, the first with the entry's UID, the next with `/2`, `/3` after it. Each
/// UID is the event's key (what it is: kind, cycle, round, area; not its date) at the
/// register's `id`: importing a later plan updates the events it moved instead of adding
/// copies, and two registers' events never share a UID.
/// Audits and reviews block time (OPAQUE), dates of the certificate do not. ORGANIZER is the
/// programme owner and ATTENDEE each person taking part, where `people` gives their e-mail.
/// DTSTAMP is `today`, so the same input gives the same bytes. With no METHOD, the file is a
/// plain iCalendar object, which may carry attendees (a PUBLISH message may not).
pub fn write(
    reg: &Register,
    id: &str,
    today: NaiveDate,
    entries: &Entries,
    options: &Options,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut w = Lines { out };
    w.line("BEGIN:VCALENDAR")?;
    w.line("VERSION:2.0")?;
    w.line(&format!("PRODID:-//ismsaudit//ismsaudit {}//EN", env!("CARGO_PKG_VERSION")))?;
    w.line("CALSCALE:GREGORIAN")?;
    let who = entries.period().who.as_ref().map(|w| format!(" for {}", w.id())).unwrap_or_default();
    w.line(&format!("X-WR-CALNAME:{}", escape(&format!("{}: audits{who}", reg.organisation))))?;
    let writer = Events { reg, id, stamp: format!("{}T000000Z", today.format("%Y%m%d")), options, emails: emails(reg) };
    let mut written: BTreeSet<String> = BTreeSet::new();
    entries.each(|x| writer.entry(&x, &mut written, &mut w))?;
    if let Some(previous) = options.previous {
        writer.settle(previous, &mut written, &mut w)?;
    }
    w.line("END:VCALENDAR")
}

/// Writes events: what every event of one file shares.
struct Events<'a> {
    reg: &'a Register,
    id: &'a str,
    stamp: String,
    options: &'a Options<'a>,
    /// E-mail addresses by case-folded id, where `people` gives them.
    emails: HashMap<String, (String, String)>,
}

impl Events<'_> {
    /// `x`'s VEVENTs, each once: their UIDs added to `written` where another may repeat them.
    fn entry(&self, x: &Entry, written: &mut BTreeSet<String>, w: &mut Lines) -> io::Result<()> {
        // An internal audit's or a review's UID is the plan's only one: its key names its round,
        // repeats within a round are numbered (`#2`), and ids (unique, as validation has them)
        // hold no `/` or `#` that would make one key another's part. Those are remembered only where the earlier file asks whether
        // they were written (see `settle`), not each of a round of 100,000 audits (13 MB). Any
        // other event's key may come again another day.
        let unique = matches!(x.mark, Mark::InternalAudit | Mark::ManagementReview);
        for (n, (first, last)) in parts(x).into_iter().enumerate() {
            let uid = self.uid(x, n + 1);
            let earlier = self.options.previous.and_then(|p| p.events.get(&uid));
            if (!unique || earlier.is_some()) && !written.insert(uid.clone()) {
                continue;
            }
            let content = self.content(x, first, last);
            let sequence = match earlier {
                Some(e)
                    if e.cancelled
                        || e.content != previous::content_fingerprint(content.iter().map(String::as_str)) =>
                {
                    e.sequence.saturating_add(1)
                }
                Some(e) => e.sequence,
                None => 0,
            };
            self.event(&uid, sequence, &content, w)?;
        }
        Ok(())
    }

    /// The UID of part `n` (from 1) of `x`: its key, `/n` after the first part, at the register.
    fn uid(&self, x: &Entry, n: usize) -> String {
        if n == 1 { format!("{}@{}", x.key, self.id) } else { format!("{}/{n}@{}", x.key, self.id) }
    }

    fn event(&self, uid: &str, sequence: u32, content: &[String], w: &mut Lines) -> io::Result<()> {
        w.line("BEGIN:VEVENT")?;
        // (An earlier file's UID is input: no control character of it reaches the output.)
        w.line(&format!("UID:{}", escape(&visible(uid))))?;
        w.line(&format!("DTSTAMP:{}", self.stamp))?;
        w.line(&format!("SEQUENCE:{sequence}"))?;
        for line in content {
            w.line(line)?;
        }
        w.line("END:VEVENT")
    }

    /// The lines that say what an event is, from its first day to its last.
    fn content(&self, x: &Entry, first: NaiveDate, last: NaiveDate) -> Vec<String> {
        let mut lines = vec![format!("DTSTART;VALUE=DATE:{}", first.format("%Y%m%d"))];
        // DTEND of an all-day event is the day after its last (RFC 5545 3.6.1).
        let after = last.checked_add_days(Days::new(1)).unwrap_or(last);
        lines.push(format!("DTEND;VALUE=DATE:{}", after.format("%Y%m%d")));
        lines.push(format!("SUMMARY:{}", escape(&x.summary)));
        let description = std::iter::once(format!("Status: {}", x.status)).chain(x.details.iter().cloned());
        lines.push(format!("DESCRIPTION:{}", escape(&description.collect::<Vec<_>>().join("\n"))));
        lines.push(format!("CATEGORIES:{}", escape(x.category)));
        // An audit or a review takes the people's time; a certificate's date is only a date.
        let busy = if x.mark == Mark::Certificate { "TRANSPARENT" } else { "OPAQUE" };
        lines.push(format!("TRANSP:{busy}"));
        let organiser = self.reg.programme_owner.as_deref().and_then(|o| self.emails.get(&*folded(o)));
        if let Some((name, mail)) = organiser {
            lines.push(format!("ORGANIZER;CN={}:{mail}", parameter(name)));
        }
        for (name, mail) in
            (x.people.iter()).filter_map(|p| self.emails.get(&*folded(p))).filter(|m| Some(*m) != organiser)
        {
            lines.push(format!("ATTENDEE;CN={};ROLE=REQ-PARTICIPANT:{mail}", parameter(name)));
        }
        // Reminders for what is still to be done: those of its kind, else those for all kinds.
        if !x.settled {
            let reminders = self.options.reminders;
            let of_kind: Vec<&Reminder> = reminders.iter().filter(|r| r.kind == Some(x.mark)).collect();
            let chosen =
                if of_kind.is_empty() { reminders.iter().filter(|r| r.kind.is_none()).collect() } else { of_kind };
            for r in chosen {
                lines.push("BEGIN:VALARM".to_string());
                lines.push("ACTION:DISPLAY".to_string());
                lines.push(format!("DESCRIPTION:{}", escape(&x.summary)));
                lines.push(if r.days == 0 { "TRIGGER:PT0S".to_string() } else { format!("TRIGGER:-P{}D", r.days) });
                lines.push("END:VALARM".to_string());
            }
        }
        lines
    }

    /// The earlier file's events of this register not written yet: each still in the plan
    /// (moved out of the period) as it is now, each gone from it cancelled. An earlier event
    /// already cancelled keeps its SEQUENCE; other registers' events are left alone.
    fn settle(&self, previous: &Previous, written: &mut BTreeSet<String>, w: &mut Lines) -> io::Result<()> {
        let ours = format!("@{}", self.id);
        let missing: BTreeSet<&str> = previous
            .events
            .keys()
            .map(String::as_str)
            .filter(|u| u.ends_with(&ours) && !written.contains(*u))
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        if let Some(whole) = self.options.whole {
            whole.each(|x| {
                if (1..=parts(&x).len()).any(|n| missing.contains(self.uid(&x, n).as_str())) {
                    self.entry(&x, written, w)?;
                }
                Ok::<(), io::Error>(())
            })?;
        }
        for uid in missing.into_iter().filter(|u| !written.contains(*u)) {
            // `missing` is made of the earlier file's UIDs.
            let earlier = &previous.events[uid];
            // Beyond what the plan reaches, gone from it cannot be told: left as it is.
            if earlier.start.is_none_or(|d| self.options.horizon.is_some_and(|h| d > h)) {
                continue;
            }
            let sequence = if earlier.cancelled { earlier.sequence } else { earlier.sequence.saturating_add(1) };
            // The earlier file is input: its lines made visible, and only dates as dates.
            let date =
                |l: &str| l.split_once(':').is_some_and(|(_, v)| v.len() == 8 && v.bytes().all(|b| b.is_ascii_digit()));
            let mut content: Vec<String> = (earlier.when.iter())
                .filter(|l| l.starts_with("SUMMARY:") || date(l))
                .map(|l| visible(l).into_owned())
                .collect();
            // (An event without its first day is no event: nothing to cancel.)
            if !content.iter().any(|l| l.starts_with("DTSTART")) {
                continue;
            }
            content.push("STATUS:CANCELLED".to_string());
            content.push("TRANSP:TRANSPARENT".to_string());
            self.event(uid, sequence, &content, w)?;
        }
        Ok(())
    }
}

/// The runs of consecutive days an entry takes: an internal audit's open days may skip a
/// weekend or a closure, and a certification audit split into visits is a run for each run of
/// consecutive visit days (not the weeks between them, which an opaque event would block).
fn parts(x: &Entry) -> Vec<(NaiveDate, NaiveDate)> {
    if x.days.is_empty() {
        return vec![(x.date, x.end)];
    }
    let mut runs: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    for &d in &x.days {
        match runs.last_mut() {
            Some((_, last)) if last.succ_opt() == Some(d) => *last = d,
            _ => runs.push((d, d)),
        }
    }
    runs
}

/// The people's names and `mailto:` addresses, by case-folded id.
fn emails(reg: &Register) -> HashMap<String, (String, String)> {
    (reg.people.iter())
        .filter_map(|p| {
            let mail = p.email.as_deref()?;
            let name = p.name.clone().unwrap_or_else(|| p.id.clone());
            Some((folded(&p.id).into_owned(), (name, mailto(mail))))
        })
        .collect()
}

/// An address as a `mailto:` URI (RFC 6068): anything but the characters an address is made of
/// percent-encoded, so that nothing in it ends the line's value or starts a parameter.
fn mailto(address: &str) -> String {
    let mut out = String::from("mailto:");
    for b in address.bytes() {
        if b.is_ascii_alphanumeric() || b"@.-_+!*'~$&=".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// A parameter value (RFC 5545 3.2): quoted, without the quotes and control characters a
/// quoted value cannot hold.
fn parameter(text: &str) -> String {
    let clean: String = text.chars().filter(|c| *c != '"' && !c.is_control()).collect();
    format!("\"{clean}\"")
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
    // The search past the limit is bounded, so that a long run of blanks and colons is written
    // in linear time (unfolded from there on) rather than searched again at every fold.
    let far = line.len().min(limit + 1024);
    (1..=limit).rev().find(safe).or_else(|| (limit + 1..far).find(safe)).unwrap_or(line.len())
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
