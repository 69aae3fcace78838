//! `calendar --format html`: one self-contained page (inline CSS, no scripts, nothing fetched)
//! that prints the period's months on one landscape page, A4 or Letter, each kind of event in
//! its own colour with a legend, and the agenda on the following page(s).

use std::collections::HashMap;
use std::io::{self, Write};

use chrono::{Datelike, Days, NaiveDate};

use super::calendar::{Entries, MONTHS, Mark, Period, months};
use crate::register::Register;

const STYLE: &str = "
@page { size: landscape; margin: 10mm; }
* { box-sizing: border-box; }
body { font-family: 'Helvetica Neue', Arial, sans-serif; color: #222; margin: 0; }
h1 { font-size: 15pt; margin: 0 0 1mm 0; }
p.sub { font-size: 9pt; margin: 0 0 2mm 0; color: #555; }
.year { width: 255mm; display: grid; grid-template-columns: repeat(4, 1fr); gap: 2mm 4mm; }
.month h2 { font-size: 10pt; margin: 0 0 0.5mm 0; text-align: center; }
.month table { width: 100%; border-collapse: collapse; table-layout: fixed; }
.month th { font-size: 7pt; font-weight: normal; color: #777; }
.month td { font-size: 8pt; text-align: center; height: 6.2mm; border: 0.2mm solid #e4e4e4; }
td.closed { color: #aaa; }
.internal { background: #b7e4c7; }
.review { background: #a9c9f5; }
.external { background: #f5a3a3; font-weight: bold; }
.certificate { background: #dcb6f0; font-weight: bold; }
.legend { font-size: 8pt; margin-top: 2mm; }
.legend span { display: inline-block; width: 4mm; height: 3mm; margin: 0 1mm 0 4mm; vertical-align: middle; }
.agenda { break-before: page; }
.agenda h2 { font-size: 12pt; }
.agenda table { border-collapse: collapse; font-size: 9pt; width: 100%; }
.agenda td, .agenda th { border-bottom: 0.2mm solid #ddd; padding: 1mm 2mm; text-align: left; vertical-align: top; }
";

fn class(mark: Mark) -> &'static str {
    match mark {
        Mark::InternalAudit => "internal",
        Mark::ManagementReview => "review",
        Mark::External => "external",
        Mark::Certificate => "certificate",
    }
}

/// Writes the page.
pub fn write(reg: &Register, period: &Period, entries: &Entries, out: &mut dyn Write) -> io::Result<()> {
    let title = format!("{}: audit calendar", reg.organisation);
    let who = period.who.as_ref().map(|w| format!(" for {}", w.id())).unwrap_or_default();
    writeln!(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">")?;
    writeln!(out, "<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>", esc(&title))?;
    writeln!(out, "<section class=\"calendar\">\n<h1>{}</h1>", esc(&title))?;
    writeln!(out, "<p class=\"sub\">{}{} to {}</p>", esc(&who), period.from, period.to)?;
    let marks = entries.marks();
    writeln!(out, "<div class=\"year\">")?;
    for (y, m) in months(period.from, period.to) {
        month(y, m, period, &marks, out)?;
    }
    writeln!(out, "</div>\n<div class=\"legend\">")?;
    for mark in [Mark::InternalAudit, Mark::ManagementReview, Mark::External, Mark::Certificate] {
        writeln!(out, "<span class=\"{}\"></span>{}", class(mark), mark.label())?;
    }
    writeln!(out, "</div>\n</section>")?;
    writeln!(out, "<section class=\"agenda\" id=\"agenda\">\n<h2>Agenda, {} to {}</h2>", period.from, period.to)?;
    writeln!(out, "<table>\n<tr><th>Date</th><th>Event</th><th>Status</th><th>Details</th></tr>")?;
    entries.each(|x| {
        let date = if x.end > x.date { format!("{} to {}", x.date, x.end) } else { x.date.to_string() };
        let details: Vec<String> = x.details.iter().map(|d| esc(d)).collect();
        writeln!(
            out,
            "<tr><td>{date}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&x.summary),
            esc(&x.status),
            details.join("<br>")
        )
    })?;
    writeln!(out, "</table>\n</section>\n</body>\n</html>")
}

fn month(
    year: i32,
    month: u32,
    period: &Period,
    marks: &HashMap<NaiveDate, Mark>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let Some(first) = NaiveDate::from_ymd_opt(year, month, 1) else { return Ok(()) };
    writeln!(out, "<div class=\"month\"><h2>{} {year}</h2><table>", MONTHS[(month - 1) as usize])?;
    writeln!(out, "<tr><th>Mo</th><th>Tu</th><th>We</th><th>Th</th><th>Fr</th><th>Sa</th><th>Su</th></tr>")?;
    // Six rows always, so every month's box is the same height.
    let mut day = first - Days::new(u64::from(first.weekday().num_days_from_monday()));
    for _ in 0..6 {
        write!(out, "<tr>")?;
        for _ in 0..7 {
            if day.month() != month || day < period.from || day > period.to {
                write!(out, "<td></td>")?;
            } else {
                match marks.get(&day) {
                    Some(m) => write!(out, "<td class=\"{}\">{}</td>", class(*m), day.day())?,
                    None => write!(out, "<td>{}</td>", day.day())?,
                }
            }
            day = day.checked_add_days(Days::new(1)).unwrap_or(day);
        }
        writeln!(out, "</tr>")?;
    }
    writeln!(out, "</table></div>")
}

/// Text escaped for HTML content and attributes.
pub(super) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_are_escaped() {
        assert_eq!(super::esc("<script>a&b\"'</script>"), "&lt;script&gt;a&amp;b&quot;&#39;&lt;/script&gt;");
    }
}
