//! `ismsaudit book`: planned audits and reviews written into the register as booked. A user's
//! register is their record, so the lines added are the only change: comments, order, quoting
//! and layout of every other line stay byte for byte (an empty `audits: []` becomes the list it
//! starts).

use chrono::NaiveDate;

use crate::diagnostic::{Diagnostic, Loc};
use crate::plan::Plan;
use crate::programme::{AreaAudit, Round, Source};

/// What a plan has to book: its planned audits with an auditor, its planned reviews, and the
/// planned audits it cannot book for want of an auditor (day and area).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    pub audits: Vec<Booking>,
    pub reviews: Vec<NaiveDate>,
    pub without_auditor: Vec<(NaiveDate, String)>,
}

/// What `plan` has to book from its day on: round `round` (as the plan names it), or with
/// `until`, every round with something planned up to that day, whole: booking part of a round
/// would let the plan move the rest of it into the days booked, and a second run would book
/// more. An error where the plan has no such round.
pub fn selection(plan: &Plan<'_>, round: Option<&str>, until: Option<NaiveDate>) -> Result<Selection, Diagnostic> {
    let today = plan.today;
    let planned = |a: &&AreaAudit| !a.source.is_recorded() && a.source != Source::Missed && a.date >= today;
    let review = |r: &Round| (r.review.recorded.is_none() && r.review.date >= today).then_some(r.review.date);
    let reaches = |r: &Round| {
        until.is_none_or(|u| review(r).is_some_and(|d| d <= u) || r.audits.iter().filter(planned).any(|a| a.date <= u))
    };
    // Of an outline, the rounds are planned one at a time and only what is booked is kept.
    let (mut out, mut found, mut names, mut more) = (Selection::default(), false, Vec::new(), false);
    let _ = plan.each_round(|r| {
        if names.len() < 6 {
            names.push(r.label());
        } else {
            more = true;
        }
        // Named in any case, as `plan --round` takes it (`c1.2` is `C1.2`).
        if round.is_some_and(|l| !r.label().eq_ignore_ascii_case(l)) {
            return Ok(());
        }
        found = true;
        let reached = reaches(r);
        for a in r.audits.iter().filter(planned).filter(|_| reached) {
            match a.auditor(plan.register) {
                Some(auditor) => {
                    let end = (a.end > a.date).then_some(a.end);
                    out.audits.push(Booking { date: a.date, end, area: a.area.to_string(), auditor: auditor.into() })
                }
                None => out.without_auditor.push((a.date, a.area.to_string())),
            }
        }
        out.reviews.extend(review(r).filter(|_| reached));
        // The round asked for is found: the rounds after it cannot change it, and are not planned.
        if round.is_some() { Err(()) } else { Ok(()) }
    });
    if let (Some(label), false) = (round, found) {
        let hint = match (names.is_empty(), more) {
            (true, _) => plan.why_no_rounds().to_string(),
            (false, true) => format!("the plan's rounds are {}, ... (`ismsaudit plan` shows them)", names.join(", ")),
            (false, false) => format!("the plan's rounds are {}", names.join(", ")),
        };
        return Err(Diagnostic::new(None, format!("the plan has no round `{label}`")).hint(hint));
    }
    Ok(out)
}

/// An internal audit to book: its first day (and last, for one of several days), its area and
/// its auditor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booking {
    pub date: NaiveDate,
    pub end: Option<NaiveDate>,
    pub area: String,
    pub auditor: String,
}

/// `text` with `audits` added to its top-level `audits:` list and `reviews` to its `reviews:`
/// list, each as booked; a key the register does not have is added at its end. An error (what
/// to do, in words) where a list is written in flow style with items in it, which cannot take
/// new lines without rewriting the line.
pub fn book(text: &str, audits: &[Booking], reviews: &[NaiveDate]) -> Result<String, Diagnostic> {
    let audit_lines: Vec<String> = audits
        .iter()
        .map(|b| {
            let end = b.end.map(|e| format!(", end: {e}")).unwrap_or_default();
            format!(
                "{{date: {}{end}, areas: [{}], auditor: {}, status: booked}}",
                b.date,
                quoted(&b.area),
                quoted(&b.auditor)
            )
        })
        .collect();
    let review_lines: Vec<String> = reviews.iter().map(|d| format!("{{date: {d}, status: booked}}")).collect();
    let text = append(text, "audits", &audit_lines)?;
    append(&text, "reviews", &review_lines)
}

/// A register id as YAML reads it back: as it is where it is a plain word (letters, digits,
/// `.`, `_`, `-`, starting with a letter, and not a word YAML reads as something else), else in
/// double quotes.
fn quoted(s: &str) -> String {
    const SPECIAL: [&str; 10] = ["true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"];
    let plain = s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
        && !SPECIAL.iter().any(|w| s.eq_ignore_ascii_case(w));
    if plain { s.to_string() } else { format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"")) }
}

/// `text` with `items` appended to the block list under the top-level `key`.
fn append(text: &str, key: &str, items: &[String]) -> Result<String, Diagnostic> {
    if items.is_empty() {
        return Ok(text.to_string());
    }
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    // The lines, each with its own line end (the last may have none).
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    fn body(l: &str) -> &str {
        l.trim_end_matches(['\n', '\r'])
    }
    // The key at column 0, plain or quoted.
    let spellings = [format!("{key}:"), format!("\"{key}\":"), format!("'{key}':")];
    let at = lines
        .iter()
        .enumerate()
        .find_map(|(k, l)| spellings.iter().find(|sp| body(l).starts_with(sp.as_str())).map(|sp| (k, sp.len())));
    let Some((at, key_len)) = at else {
        // No such key: the list is added at the end of the document (before a closing `...`).
        let end = lines.iter().rposition(|l| !body(l).trim().is_empty());
        let closing = end.filter(|&k| body(lines[k]).trim_end() == "...");
        let (before, after) = match closing {
            Some(k) => (lines[..k].concat(), lines[k..].concat()),
            None => (text.to_string(), String::new()),
        };
        let mut out = before;
        if !out.is_empty() && !out.ends_with('\n') {
            out.push_str(eol);
        }
        out.push_str(&format!("{key}:{eol}"));
        for item in items {
            out.push_str(&format!("  - {item}{eol}"));
        }
        out.push_str(&after);
        return Ok(out);
    };
    let after_key = body(lines[at])[key_len..].trim_start();
    let value = after_key.split(" #").next().unwrap_or("").trim();
    if value == "[]" {
        // An empty list in flow style: the key's line starts the block list (its comment kept).
        // (The key as written, and its comment where it was.)
        let kept = body(lines[at]).replacen("[]", "  ", 1).trim_end().to_string();
        let mut out: String = lines[..at].concat();
        out.push_str(&format!("{kept}{eol}"));
        for item in items {
            out.push_str(&format!("  - {item}{eol}"));
        }
        out.push_str(&lines[at + 1..].concat());
        return Ok(out);
    }
    if !value.is_empty() && !value.starts_with('#') {
        // Where the list starts: after the key and the spaces that follow it.
        let column = body(lines[at]).len() - after_key.len() + 1;
        return Err(Diagnostic::new(
            Loc::new(at as u64 + 1, column as u64),
            format!("`{key}:` is written on one line: `{}`", crate::text::shortened(value, 40)),
        )
        .hint(format!("to book into it, write it as a list of lines (`{key}:`, then one `- ...` line an entry)")));
    }
    // The block list: the lines after the key that are indented, or items at column 0, with
    // blank lines among them; a comment or key at column 0 ends it.
    let mut last = at;
    let mut indent: Option<String> = None;
    for (k, line) in lines.iter().enumerate().skip(at + 1) {
        let b = body(line);
        if b.trim().is_empty() {
            continue;
        }
        let starts_item = b.trim_start().starts_with("- ") || b.trim_start() == "-";
        if !(b.starts_with([' ', '\t']) || b.starts_with('-')) {
            break;
        }
        if starts_item && indent.is_none() {
            indent = Some(b[..b.len() - b.trim_start().len()].to_string());
        }
        last = k;
    }
    let indent = indent.unwrap_or_else(|| "  ".to_string());
    let mut out: String = lines[..=last].concat();
    if !out.ends_with('\n') {
        out.push_str(eol);
    }
    for item in items {
        out.push_str(&format!("{indent}- {item}{eol}"));
    }
    out.push_str(&lines[last + 1..].concat());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Planned a round at a time (an outline), stopping at the round asked for, the selection is
    /// the one the whole plan gives: for each round of the examples, for days up to some dates,
    /// and for a round the plan does not have (its error names the same rounds).
    #[test]
    fn an_outline_books_what_the_whole_plan_books() {
        use crate::plan::{MAX_CYCLES, outline, plan};
        let mut booked = 0;
        for (name, today, valid) in crate::valid::examples_on_days() {
            let (whole, outline) = (plan(&valid, MAX_CYCLES), outline(&valid, MAX_CYCLES));
            let mut asked: Vec<(Option<String>, Option<NaiveDate>)> =
                whole.rounds.iter().map(|r| (Some(r.label()), None)).collect();
            asked.extend([
                (Some("C9.9".into()), None),
                (None, Some(day("2027-12-31"))),
                (None, Some(day("2031-01-01"))),
            ]);
            for (round, until) in asked {
                let a = selection(&whole, round.as_deref(), until);
                assert_eq!(a, selection(&outline, round.as_deref(), until), "{name} {today} {round:?} {until:?}");
                booked += a.map_or(0, |s| s.audits.len());
            }
        }
        assert!(booked > 100, "{booked}");
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn one() -> Vec<Booking> {
        vec![Booking { date: day("2027-01-12"), end: None, area: "core".into(), auditor: "ann".into() }]
    }

    const ADDED: &str = "  - {date: 2027-01-12, areas: [core], auditor: ann, status: booked}\n";

    #[test]
    fn an_audit_of_several_days_is_booked_with_its_last_day() {
        let two = vec![Booking {
            date: day("2027-01-12"),
            end: Some(day("2027-01-13")),
            area: "core".into(),
            auditor: "ann".into(),
        }];
        let out = book("organisation: x\naudits:\n", &two, &[]).unwrap();
        assert_eq!(
            out,
            "organisation: x\naudits:\n  - {date: 2027-01-12, end: 2027-01-13, areas: [core], auditor: ann, status: booked}\n"
        );
    }

    #[test]
    fn appends_to_a_block_list_and_keeps_every_other_line() {
        let text = "organisation: x # the name\naudits:   # held\n  - {date: 2026-01-05, areas: [core]}\n\n  # last one\n  - date: 2026-06-01\n    areas: [core]\n# next\nreviews: []\n";
        let out = book(text, &one(), &[day("2027-02-01")]).unwrap();
        let expected = format!(
            "organisation: x # the name\naudits:   # held\n  - {{date: 2026-01-05, areas: [core]}}\n\n  # last one\n  - date: 2026-06-01\n    areas: [core]\n{ADDED}# next\nreviews:\n  - {{date: 2027-02-01, status: booked}}\n"
        );
        assert_eq!(out, expected);
    }

    #[test]
    fn adds_the_key_at_the_end_with_the_files_line_ends() {
        let out = book("organisation: x\r\nscope: []", &one(), &[]).unwrap();
        assert_eq!(out, format!("organisation: x\r\nscope: []\r\naudits:\r\n{}", ADDED.replace('\n', "\r\n")));
    }

    #[test]
    fn items_at_column_zero_keep_their_indent_and_comments_survive() {
        let out = book("audits:\n- {date: 2026-01-05, areas: [core]}  # first\n", &one(), &[]).unwrap();
        assert_eq!(out, format!("audits:\n- {{date: 2026-01-05, areas: [core]}}  # first\n{}", &ADDED[2..]));
    }

    #[test]
    fn an_empty_flow_list_starts_the_block_and_a_full_one_is_refused() {
        let out = book("audits: []   # none yet\nreviews: []\n", &one(), &[]).unwrap();
        assert_eq!(out, format!("audits:      # none yet\n{ADDED}reviews: []\n"));
        let refused = book("audits: [{date: 2026-01-05, areas: [core]}]\n", &one(), &[]).unwrap_err();
        assert_eq!(
            (refused.loc, refused.message.as_str()),
            (Some(Loc::new(1, 9)), "`audits:` is written on one line: `[{date: 2026-01-05, areas: [core]}]`")
        );
    }

    #[test]
    fn a_quoted_key_is_the_key_and_a_closing_marker_stays_last() {
        let out = book("\"audits\":\n  - {date: 2026-01-05, areas: [core]}\n", &one(), &[]).unwrap();
        assert_eq!(out, format!("\"audits\":\n  - {{date: 2026-01-05, areas: [core]}}\n{ADDED}"));
        let out = book("---\norganisation: x\n...\n", &one(), &[]).unwrap();
        assert_eq!(out, format!("---\norganisation: x\naudits:\n{ADDED}...\n"));
    }

    #[test]
    fn ids_are_quoted_so_they_read_back_as_written() {
        let b = vec![Booking { date: day("2027-01-12"), end: None, area: "a, b: \"c\"".into(), auditor: "#x".into() }];
        let out = book("audits:\n", &b, &[]).unwrap();
        assert_eq!(
            out,
            "audits:\n  - {date: 2027-01-12, areas: [\"a, b: \\\"c\\\"\"], auditor: \"#x\", status: booked}\n"
        );
        let b = vec![Booking { date: day("2027-01-12"), end: None, area: "No".into(), auditor: "9x".into() }];
        assert!(book("audits:\n", &b, &[]).unwrap().contains("areas: [\"No\"], auditor: \"9x\""));
    }
}
