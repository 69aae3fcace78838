//! `ismsaudit agenda`: what is overdue today and what is due in the next days, for one register
//! or several (a consultant's clients, a group's subsidiaries), each line naming its
//! organisation. Registers are read, planned and written one at a time, each after the one
//! before, so that memory holds one register's plan however many are given.

use std::borrow::Cow;
use std::convert::Infallible;
use std::io::{self, Write};

use chrono::{Days, NaiveDate};
use serde::Serialize;

use super::calendar::{Entries, Entry, Mark, Period};
use crate::plan::Plan;
use crate::text::{name, write_wrapped};

/// One register's agenda: its items, and the organisation and file every item names, held once
/// beside them (a register of 100,000 overdue audits has as many items).
#[derive(Debug, Clone)]
pub struct Agenda<'r> {
    pub organisation: &'r str,
    /// The file's name as the user gave it (a pull request may have chosen it), shown altered,
    /// cut short or made visible where it must be.
    pub file: Cow<'r, str>,
    /// What is overdue, then what is due, each in date order.
    pub items: Vec<Item>,
}

/// One line of the agenda.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub date: NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<NaiveDate>,
    pub kind: &'static str,
    pub summary: String,
    pub status: String,
    /// Held or recorded neither by its day, which has passed.
    pub overdue: bool,
    /// Its place in the order found, for a sort by date that keeps that order on a day
    /// without a second list of the items' size.
    #[serde(skip)]
    found: u32,
}

/// The plan's overdue internal audits and reviews (their day passed, not held or recorded),
/// then its events from `today` to `today + days`.
pub fn agenda<'r>(plan: &Plan<'r>, days: u64) -> Agenda<'r> {
    let today = plan.today;
    let until = today.checked_add_days(Days::new(days)).unwrap_or(today);
    let first = plan.rounds.first().map_or(today, |r| r.window_start.unwrap_or(today).min(today));
    // An audit moved from a day that passed is read where it now is, which may be later.
    let moved = (plan.rounds.iter().flat_map(|r| &r.audits))
        .filter(|a| a.passed.is_some_and(|d| first <= d && d < today))
        .map(|a| a.end)
        .max();
    let period = Period::everyone(first, until.max(moved.unwrap_or(until)));
    let mut found = 0u32;
    let mut next = || {
        found = found.saturating_add(1);
        found
    };
    let mut item = |x: &Entry, overdue: bool| Item {
        date: x.date,
        end: (x.end > x.date).then_some(x.end),
        kind: x.category,
        summary: x.summary.clone(),
        status: x.status.clone(),
        overdue,
        found: next(),
    };
    let (mut overdue, mut due) = (Vec::new(), Vec::new());
    let Ok(()) = Entries::new(plan, &period).each::<Infallible>(|x| {
        // A planned day that passed with nothing recorded, the audit planned again: the day
        // missed is chased, as the day it moved to is announced.
        if let Some(day) = x.passed.filter(|d| first <= *d && *d < today) {
            let status = format!("planned, not held; moved to {}", x.date);
            overdue.push(Item { date: day, end: None, status, ..item(&x, true) });
        }
        if x.end < today && open(&x, today) {
            overdue.push(item(&x, true));
        } else if x.end >= today && x.date <= until {
            due.push(item(&x, false));
        }
        Ok(())
    });
    // Corrective actions open past their due day (`check` fails on them), or due in the days
    // shown (ISO/IEC 27001:2022 10.2).
    for ca in plan.register.corrective_actions.iter().filter(|c| c.open_on(today) && c.due_now() <= until) {
        let severity = ca.severity.key();
        let late = ca.due_now() < today;
        let x = Item {
            date: ca.due_now(),
            end: None,
            kind: "Corrective action",
            summary: match &ca.finding {
                Some(f) => format!("Corrective action {} ({severity} nonconformity {f}, {})", ca.id, ca.area),
                None => format!("Corrective action {} ({severity} nonconformity, {})", ca.id, ca.area),
            },
            status: match (late, ca.revised.is_empty()) {
                (true, true) => "open, OVERDUE".to_string(),
                (false, true) => "open".to_string(),
                (true, false) => format!("open, OVERDUE; due first {}", ca.due),
                (false, false) => format!("open; due first {}", ca.due),
            },
            overdue: late,
            found: next(),
        };
        if late { overdue.push(x) } else { due.push(x) }
    }
    // In date order, each list: on a day, the plan's order, then the actions.
    overdue.sort_unstable_by_key(|i| (i.date, i.found));
    due.sort_unstable_by_key(|i| (i.date, i.found));
    overdue.extend(due);
    Agenda { organisation: plan.register.organisation.as_str(), file: name(&plan.register.file), items: overdue }
}

/// An internal audit or review whose day has passed without it being held or recorded, and that
/// can still be held for the external audit it prepares (`today` is before it); or an audit
/// overdue there, until a later round makes it up (`check` fails on it).
fn open(x: &Entry, today: NaiveDate) -> bool {
    matches!(x.mark, Mark::InternalAudit | Mark::ManagementReview)
        && !x.settled
        && (x.overdue || x.prepares.is_none_or(|p| today < p))
}

/// One register's items: overdue ones first, then the others, each in date order, one each,
/// wrapped to `width`; `titled` (when several registers are shown), under a line naming the
/// register.
pub fn text(
    agenda: &Agenda,
    titled: bool,
    days: u64,
    today: NaiveDate,
    width: usize,
    out: &mut dyn Write,
) -> io::Result<()> {
    let organisation = agenda.organisation;
    if titled {
        write_wrapped(out, &format!("{organisation} ({}):", agenda.file), width, 2)?;
    }
    let (overdue, due): (Vec<&Item>, Vec<&Item>) = agenda.items.iter().partition(|i| i.overdue);
    if !overdue.is_empty() {
        writeln!(out, "Overdue on {today}:")?;
        for i in &overdue {
            line(i, organisation, width, out)?;
        }
        writeln!(out)?;
    }
    writeln!(
        out,
        "Due in the next {days} days ({today} to {}):",
        today.checked_add_days(Days::new(days)).unwrap_or(today)
    )?;
    if due.is_empty() {
        writeln!(out, "  nothing")?;
    }
    for i in &due {
        line(i, organisation, width, out)?;
    }
    Ok(())
}

/// One register's items as a Markdown digest, for a scheduled job to post to mail or chat: a
/// heading naming the register, then what is overdue and what is due, a bullet each. Register
/// text is made inert (no markup, link or mention of its own).
pub fn markdown(agenda: &Agenda, days: u64, today: NaiveDate, out: &mut dyn Write) -> io::Result<()> {
    use super::markdown::md;
    writeln!(out, "\n## {} ({})\n", md(agenda.organisation), md(&agenda.file))?;
    let (overdue, due): (Vec<&Item>, Vec<&Item>) = agenda.items.iter().partition(|i| i.overdue);
    let bullet = |i: &Item, out: &mut dyn Write| {
        let date = match i.end {
            Some(end) => format!("{} to {end}", i.date),
            None => i.date.to_string(),
        };
        writeln!(out, "- {date}: {} ({})", md(&i.summary), md(&i.status))
    };
    if !overdue.is_empty() {
        writeln!(out, "**Overdue on {today}**\n")?;
        for i in overdue {
            bullet(i, out)?;
        }
        writeln!(out)?;
    }
    let until = today.checked_add_days(Days::new(days)).unwrap_or(today);
    writeln!(out, "**Due in the next {days} days ({today} to {until})**\n")?;
    if due.is_empty() {
        writeln!(out, "- nothing")?;
    }
    for i in due {
        bullet(i, out)?;
    }
    Ok(())
}

fn line(i: &Item, organisation: &str, width: usize, out: &mut dyn Write) -> io::Result<()> {
    let date = match i.end {
        Some(end) => format!("{} to {end}", i.date),
        None => i.date.to_string(),
    };
    // Continued under the text, past the date.
    write_wrapped(out, &format!("  {date}  {}: {} ({})", organisation, i.summary, i.status), width, 14)
}

/// The agenda as one JSON document, `{"today", "days", "items": [...]}`, written one
/// register's items at a time: [`Json::start`], [`Json::items`] for each register, [`Json::end`].
pub struct Json {
    /// Whether an item has been written.
    any: bool,
}

impl Json {
    pub fn start(today: NaiveDate, days: u64, out: &mut dyn Write) -> io::Result<Json> {
        write!(out, "{{\n  \"today\": \"{today}\",\n  \"days\": {days},\n  \"items\": [")?;
        Ok(Json { any: false })
    }

    pub fn items(&mut self, agenda: &Agenda, out: &mut dyn Write) -> io::Result<()> {
        /// An item as the document gives it: with its register's organisation and file.
        #[derive(Serialize)]
        struct Shown<'a> {
            organisation: &'a str,
            file: &'a str,
            #[serde(flatten)]
            item: &'a Item,
        }
        for item in &agenda.items {
            // Each item laid out as the whole document would lay it out, two levels in.
            let mut text = Vec::new();
            let shown = Shown { organisation: agenda.organisation, file: &agenda.file, item };
            crate::render::json::to_writer(&mut text, &shown)?;
            out.write_all(if self.any { b",\n" } else { b"\n" })?;
            for (k, line) in text.trim_ascii_end().split(|b| *b == b'\n').enumerate() {
                out.write_all(if k > 0 { b"\n    " } else { b"    " })?;
                out.write_all(line)?;
            }
            self.any = true;
        }
        Ok(())
    }

    pub fn end(self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(if self.any { b"\n  ]\n}\n" } else { b"]\n}\n" })
    }
}
