//! `calendar --format html`: the year planner. One self-contained page (inline CSS, no
//! scripts, nothing fetched) that prints the period's months on one landscape page, A4 or
//! Letter: each day with an event labelled in it (S1, SV1, R, MR, the area for an internal
//! audit), planned, booked and held told apart by the cell's border and a tick as well as by
//! colour, weekends shaded and closures striped, with a key; the organisation and the day the
//! plan is as of in the heading; then the agenda on the following pages, its header repeated
//! and no row split across pages.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io::{self, Write};

use chrono::{Datelike, Days, NaiveDate};

use super::calendar::{Entries, MONTHS, Mark, Period, SHORT, State, months};
use crate::calendar::Calendar;
use crate::register::Register;

/// The paper the year is printed on, landscape. A4 is the default: it is the paper of every
/// country but the United States, Canada and a few others (ISO 216), where most certificates
/// are issued; `--paper letter` for the others. The year is laid out to fit both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Paper {
    #[default]
    A4,
    Letter,
}

impl Paper {
    fn css(self) -> &'static str {
        match self {
            Paper::A4 => "A4 landscape",
            Paper::Letter => "letter landscape",
        }
    }
}

const STYLE: &str = "
* { box-sizing: border-box; print-color-adjust: exact; -webkit-print-color-adjust: exact; }
body { font-family: 'Helvetica Neue', Arial, sans-serif; color: #222; margin: 0; }
h1 { font-size: 14pt; margin: 0 0 0.5mm 0; }
p.sub { font-size: 8.5pt; margin: 0 0 1.5mm 0; color: #444; }
.year { width: 255mm; display: grid; grid-template-columns: repeat(4, 1fr); gap: 1.5mm 4mm; }
.month h2 { font-size: 9.5pt; margin: 0 0 0.3mm 0; text-align: center; }
.month table { width: 100%; border-collapse: separate; border-spacing: 0.3mm; table-layout: fixed; }
.month th { font-size: 6.5pt; font-weight: normal; color: #777; }
.month td { font-size: 7pt; text-align: center; vertical-align: top; height: 6.6mm; padding: 0.2mm 0;
  border: 0.3mm solid transparent; overflow: hidden; white-space: nowrap; line-height: 1.05; }
.month td i { display: block; font-style: normal; font-size: 4.6pt; overflow: hidden; text-overflow: clip; }
.weekend { background: #ececec; color: #888; }
.closed { background: repeating-linear-gradient(135deg, #dcdcdc 0 0.6mm, #fff 0.6mm 1.4mm); color: #888; }
.internal { background: #b7e4c7; }
.review { background: #a9c9f5; }
.external { background: #f5a3a3; font-weight: bold; }
.certificate { background: #dcb6f0; font-weight: bold; }
.month td.planned, .key .planned { border: 0.3mm dashed #333; }
.month td.booked, .key .booked { border: 0.3mm solid #222; }
.key { font-size: 7pt; margin-top: 1.5mm; line-height: 1.6; }
.key span.cell { display: inline-block; width: 5mm; height: 3mm; margin: 0 1mm 0 3mm; vertical-align: middle;
  font-size: 6pt; text-align: center; line-height: 3mm; }
.agenda { break-before: page; }
.agenda h2 { font-size: 12pt; }
.agenda table { border-collapse: collapse; font-size: 9pt; width: 100%; }
.agenda thead { display: table-header-group; }
.agenda tr { break-inside: avoid; }
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

fn state_class(state: State) -> &'static str {
    match state {
        State::Planned => "planned",
        State::Booked => "booked",
        State::Done => "done",
    }
}

/// What a printed day shows: its most important kind of event, where the least settled of its
/// events stands, the labels of its events and, for the page's readers, their summaries. A day
/// may have thousands of internal audits (a year of a large register's overdue audits): of
/// those only the first label and how many there are is kept, and the first
/// [`SUMMARIES_SHOWN`] summaries as one text.
#[derive(Default)]
struct Day {
    mark: Option<Mark>,
    state: Option<State>,
    /// The labels of its events, by kind (most important first); of internal audits, the first.
    labels: BTreeMap<Mark, Vec<String>>,
    /// How many internal audits.
    audits: usize,
    /// "Summary (status)" of each event, in turn, joined by "; ", up to [`SUMMARIES_SHOWN`] ...
    summaries: String,
    /// ... how many it lists, and how many more there are.
    shown: usize,
    more: usize,
}

/// The events a day's tooltip lists by name: past these it says how many more there are, and
/// the agenda on the same page lists them all. (A tooltip of a day of 100,000 overdue audits
/// helps nobody, and held whole it took more memory than the rest of the page.)
const SUMMARIES_SHOWN: usize = 10;

impl Day {
    /// "SV1 3 IA", "finance": the certification body's and the certificate's labels, then the
    /// internal audits (the area where there is one, else how many), each at most 7 characters.
    fn label(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        for (mark, labels) in &self.labels {
            match mark {
                Mark::InternalAudit if self.audits > 1 => parts.push(format!("{} IA", self.audits)),
                _ => parts.extend(labels.iter().map(|l| l.chars().take(7).collect())),
            }
        }
        let tick = if self.state == Some(State::Done) { "\u{2713}" } else { "" };
        format!("{tick}{}", parts.join(" "))
    }

    /// The cell's tooltip, escaped: the summaries it lists, and how many more the agenda has.
    fn title(&self) -> String {
        match self.more {
            0 => esc(&self.summaries),
            more => format!("{}; and {more} more (the agenda lists them all)", esc(&self.summaries)),
        }
    }
}

/// Writes the page, as of `today`, for `paper`.
pub fn write(
    reg: &Register,
    period: &Period,
    entries: &Entries,
    today: NaiveDate,
    paper: Paper,
    out: &mut dyn Write,
) -> io::Result<()> {
    let title = format!("{}: audit calendar", reg.organisation);
    let who = period.who.as_ref().map(|w| format!("for {}, ", w.id())).unwrap_or_default();
    writeln!(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">")?;
    writeln!(out, "<title>{}</title>", esc(&title))?;
    writeln!(out, "<style>@page {{ size: {}; margin: 10mm; }}{STYLE}</style>\n</head>\n<body>", paper.css())?;
    writeln!(out, "<section class=\"calendar\">\n<h1>{}</h1>", esc(&title))?;
    writeln!(out, "<p class=\"sub\">{}{} to {}; as of {today}</p>", esc(&who), period.from, period.to)?;
    let days = days(entries)?;
    let cal = Calendar::new(&reg.settings);
    writeln!(out, "<div class=\"year\">")?;
    for (y, m) in months(period.from, period.to) {
        month(y, m, period, &days, &cal, out)?;
    }
    writeln!(out, "</div>")?;
    key(&days, out)?;
    writeln!(out, "</section>")?;
    writeln!(
        out,
        "<section class=\"agenda\" id=\"agenda\">\n<h2>Agenda, {} to {}; as of {today}</h2>",
        period.from, period.to
    )?;
    writeln!(
        out,
        "<table>\n<thead><tr><th>Date</th><th>Event</th><th>Status</th><th>Details</th></tr></thead>\n<tbody>"
    )?;
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
    writeln!(out, "</tbody>\n</table>\n</section>\n</body>\n</html>")
}

/// Each day of the period with an event, as it is printed.
fn days(entries: &Entries) -> io::Result<HashMap<NaiveDate, Day>> {
    let mut days: HashMap<NaiveDate, Day> = HashMap::new();
    entries.each(|x| {
        for &d in &x.days {
            let day = days.entry(d).or_default();
            day.mark = Some(day.mark.map_or(x.mark, |m| m.min(x.mark)));
            day.state = Some(day.state.map_or(x.state, |s| s.min(x.state)));
            let labels = day.labels.entry(x.mark).or_default();
            if x.mark != Mark::InternalAudit || labels.is_empty() {
                labels.push(x.short.clone());
            }
            day.audits += usize::from(x.mark == Mark::InternalAudit);
            if day.shown < SUMMARIES_SHOWN {
                let sep = if day.summaries.is_empty() { "" } else { "; " };
                _ = write!(day.summaries, "{sep}{} ({})", x.summary, x.status);
                day.shown += 1;
            } else {
                day.more += 1;
            }
        }
        Ok::<(), io::Error>(())
    })?;
    Ok(days)
}

/// The key: the colours of the kinds, the borders of planned and booked, the tick of what is
/// held, the shading of weekends and closures, and the labels used.
fn key(days: &HashMap<NaiveDate, Day>, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "<div class=\"key\">")?;
    for mark in [Mark::InternalAudit, Mark::ManagementReview, Mark::External, Mark::Certificate] {
        writeln!(out, "<span class=\"cell {}\"></span>{}", class(mark), mark.label())?;
    }
    writeln!(out, "<br><span class=\"cell planned\"></span>planned (dashed)")?;
    writeln!(out, "<span class=\"cell booked\"></span>booked (solid)")?;
    writeln!(out, "<span class=\"cell\">\u{2713}</span>held")?;
    writeln!(out, "<span class=\"cell weekend\"></span>not a workday")?;
    writeln!(out, "<span class=\"cell closed\"></span>closed (a blackout or a closure)")?;
    // The labels that appear, in the order of the list.
    let used: Vec<&str> = days
        .values()
        .flat_map(|d| d.labels.iter().filter(|(m, _)| **m != Mark::InternalAudit))
        .flat_map(|(_, l)| l.iter().map(String::as_str))
        .collect();
    let shown: Vec<String> = (SHORT.iter())
        .filter(|(labels, _)| labels.split(", ").any(|l| used.contains(&l)))
        .map(|(labels, meaning)| format!("<strong>{labels}</strong> {meaning}"))
        .collect();
    let internal = "an area's id (its first 7 characters): its internal audit; <strong>3 IA</strong>: three internal audits that day";
    writeln!(out, "<br>{}; {internal}", shown.join("; "))?;
    writeln!(out, "</div>")
}

fn month(
    year: i32,
    month: u32,
    period: &Period,
    days: &HashMap<NaiveDate, Day>,
    cal: &Calendar,
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
                let closed = match (cal.workday(day), cal.is_open(day)) {
                    (false, _) => " weekend",
                    (true, false) => " closed",
                    (true, true) => "",
                };
                match days.get(&day) {
                    Some(d) => {
                        let kind = d.mark.map_or("", class);
                        let state = d.state.map_or("", state_class);
                        write!(
                            out,
                            "<td class=\"{kind} {state}{closed}\" title=\"{}\">{}<i>{}</i></td>",
                            d.title(),
                            day.day(),
                            esc(&d.label())
                        )?;
                    }
                    None if closed.is_empty() => write!(out, "<td>{}</td>", day.day())?,
                    None => write!(out, "<td class=\"{}\">{}</td>", closed.trim(), day.day())?,
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
