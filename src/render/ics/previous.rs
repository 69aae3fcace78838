//! The calendar file exported last time (`calendar --previous FILE`): its events by UID, each
//! with its SEQUENCE and a fingerprint of what it said, so that the new file raises the
//! SEQUENCE of an event that changed (a client then takes the new copy) and cancels one that
//! left the plan (a client that imported the old file would keep it forever otherwise).

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::text::{fingerprint, shortened};

/// One event of the earlier file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Earlier {
    pub sequence: u32,
    /// The fingerprint of its content lines: all but UID, DTSTAMP and SEQUENCE.
    pub content: String,
    pub cancelled: bool,
    /// Its first day, where DTSTART gives it as a date.
    pub start: Option<NaiveDate>,
    /// Its DTSTART, DTEND and SUMMARY lines as written (a long one cut short), for its
    /// cancellation.
    pub when: Vec<String>,
}

/// The earlier file's events, by UID.
#[derive(Debug, Clone, Default)]
pub struct Previous {
    pub events: BTreeMap<String, Earlier>,
}

/// The properties that say which copy an event is, not what it is: left out of its fingerprint.
const VERSIONING: [&str; 3] = ["UID", "DTSTAMP", "SEQUENCE"];

/// A property's name: up to its first `;` or `:`, in upper case.
fn property(line: &str) -> String {
    line.split([';', ':']).next().unwrap_or_default().to_ascii_uppercase()
}

/// A property's value: after the first `:` outside a quoted parameter value.
fn value(line: &str) -> &str {
    let mut quoted = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ':' if !quoted => return &line[i + 1..],
            _ => {}
        }
    }
    ""
}

/// What an event says, as a fingerprint of its unfolded content lines in order, but for the
/// lines that only say which copy it is (UID, DTSTAMP, SEQUENCE). The writer fingerprints its
/// own events the same way, so an event unchanged since the earlier file matches it.
pub fn content_fingerprint<'a>(lines: impl IntoIterator<Item = &'a str>) -> String {
    let kept: Vec<&str> = lines.into_iter().filter(|l| !VERSIONING.contains(&property(l).as_str())).collect();
    fingerprint(kept.join("\n").as_bytes())
}

/// Reads an iCalendar file (RFC 5545: CRLF or LF line ends, folded lines). On failure, the line
/// and what is wrong.
pub fn parse(text: &str) -> Result<Previous, (usize, String)> {
    // Unfolded lines, each with the number of the line it starts on.
    let mut lines: Vec<(usize, String)> = Vec::new();
    for (n, raw) in text.split('\n').enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        match (raw.strip_prefix([' ', '\t']), lines.last_mut()) {
            (Some(more), Some((_, line))) => line.push_str(more),
            _ if raw.is_empty() => {}
            _ => lines.push((n + 1, raw.to_string())),
        }
    }
    match lines.first() {
        Some((_, first)) if first.eq_ignore_ascii_case("BEGIN:VCALENDAR") => {}
        _ => return Err((1, "not an iCalendar file: it does not begin with BEGIN:VCALENDAR".to_string())),
    }
    let mut previous = Previous::default();
    let unended = |start: usize| (start, "an event that does not end (BEGIN:VEVENT without END:VEVENT)".to_string());
    // The line the event being read began on, and its lines.
    let mut start: Option<usize> = None;
    let mut body: Vec<&str> = Vec::new();
    for (n, line) in &lines {
        match (line.to_ascii_uppercase().as_str(), start) {
            ("BEGIN:VEVENT", Some(s)) => return Err(unended(s)),
            ("BEGIN:VEVENT", None) => {
                start = Some(*n);
                body.clear();
            }
            ("END:VEVENT", Some(s)) => {
                add(&mut previous, s, &body)?;
                start = None;
            }
            (_, Some(_)) => body.push(line),
            _ => {}
        }
    }
    match start {
        Some(s) => Err(unended(s)),
        None => Ok(previous),
    }
}

/// One event's lines into `previous`; an event without a UID is not one of ours, and is left.
fn add(previous: &mut Previous, start: usize, body: &[&str]) -> Result<(), (usize, String)> {
    let get = |name: &str| body.iter().find(|l| property(l) == name).map(|l| value(l));
    let Some(uid) = get("UID") else { return Ok(()) };
    let sequence = match get("SEQUENCE") {
        None => 0,
        Some(s) => s.trim().parse().map_err(|_| (start, format!("SEQUENCE `{}` is not a number", s.trim())))?,
    };
    let cancelled = get("STATUS").is_some_and(|s| s.trim().eq_ignore_ascii_case("CANCELLED"));
    let when = (body.iter())
        .filter(|l| ["DTSTART", "DTEND", "SUMMARY"].contains(&property(l).as_str()))
        .map(|l| shortened(l, 1000).into_owned())
        .collect();
    let start = get("DTSTART").and_then(|d| NaiveDate::parse_from_str(d.trim(), "%Y%m%d").ok());
    let content = content_fingerprint(body.iter().copied());
    previous.events.insert(uid.to_string(), Earlier { sequence, content, cancelled, start, when });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_read_by_uid_with_folded_lines_joined() {
        let text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a@x\r\nSEQUENCE:3\r\nDTSTART;VALUE=DATE:20270105\r\nSUMMARY:Internal audit: Fin\r\n ance\r\nATTENDEE;CN=\"A: B\":mailto:a@b.org\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:b@x\r\nSTATUS:CANCELLED\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let p = parse(text).unwrap();
        let a = &p.events["a@x"];
        assert_eq!(a.sequence, 3);
        assert!(!a.cancelled && p.events["b@x"].cancelled);
        assert_eq!(a.when, ["DTSTART;VALUE=DATE:20270105", "SUMMARY:Internal audit: Finance"]);
        // The same content, another copy: the same fingerprint.
        let same = [
            "UID:other",
            "DTSTAMP:20300101T000000Z",
            "DTSTART;VALUE=DATE:20270105",
            "SUMMARY:Internal audit: Finance",
            "ATTENDEE;CN=\"A: B\":mailto:a@b.org",
        ];
        assert_eq!(a.content, content_fingerprint(same));
        assert_eq!(value("ATTENDEE;CN=\"A: B\":mailto:a@b.org"), "mailto:a@b.org");
    }

    #[test]
    fn what_is_no_calendar_is_refused_with_its_line() {
        assert_eq!(parse("hello").unwrap_err().0, 1);
        let unterminated = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:a\nEND:VCALENDAR\n";
        assert_eq!(parse(unterminated).unwrap_err().0, 2);
        let bad = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:a\nSEQUENCE:x\nEND:VEVENT\n";
        assert!(parse(bad).unwrap_err().1.contains("SEQUENCE `x`"));
    }
}
