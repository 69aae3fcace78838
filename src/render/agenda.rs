//! `ismsaudit agenda`: what is overdue today and what is due in the next days, for one register
//! or several (a consultant's clients, a group's subsidiaries), each line naming its
//! organisation.

use std::io::{self, Write};

use chrono::{Days, NaiveDate};
use serde::Serialize;

use super::calendar::{Entry, Mark, Period, entries};
use crate::plan::Plan;
use crate::text::write_wrapped;

/// One line of the agenda.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub organisation: String,
    pub file: String,
    pub date: NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<NaiveDate>,
    pub kind: &'static str,
    pub summary: String,
    pub status: String,
    /// Held or recorded neither by its day, which has passed.
    pub overdue: bool,
}

/// The plan's overdue internal audits and reviews (their day passed, not held or recorded),
/// then its events from `today` to `today + days`.
pub fn items(plan: &Plan<'_>, days: u64) -> Vec<Item> {
    let today = plan.today;
    let until = today.checked_add_days(Days::new(days)).unwrap_or(today);
    let first = plan.rounds.first().map_or(today, |r| r.window_start.unwrap_or(today).min(today));
    let all = entries(plan, &Period { from: first, to: until, auditor: None });
    let item = |x: &Entry, overdue: bool| Item {
        organisation: plan.register.organisation.clone(),
        file: plan.register.file.clone(),
        date: x.date,
        end: (x.end > x.date).then_some(x.end),
        kind: x.category,
        summary: x.summary.clone(),
        status: x.status.clone(),
        overdue,
    };
    let mut out: Vec<Item> = (all.iter()).filter(|x| x.end < today && open(x)).map(|x| item(x, true)).collect();
    out.extend(all.iter().filter(|x| x.end >= today).map(|x| item(x, false)));
    out
}

/// An internal audit or review whose day has passed without it being held or recorded.
fn open(x: &Entry) -> bool {
    matches!(x.mark, Mark::InternalAudit | Mark::ManagementReview) && !x.settled
}

/// Overdue items first, then the others, each in date order, one each, wrapped to `width`.
pub fn text(items: &[Item], days: u64, today: NaiveDate, width: usize, out: &mut dyn Write) -> io::Result<()> {
    let (overdue, due): (Vec<&Item>, Vec<&Item>) = items.iter().partition(|i| i.overdue);
    if !overdue.is_empty() {
        writeln!(out, "Overdue on {today}:")?;
        for i in &overdue {
            line(i, width, out)?;
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
        line(i, width, out)?;
    }
    Ok(())
}

fn line(i: &Item, width: usize, out: &mut dyn Write) -> io::Result<()> {
    let date = match i.end {
        Some(end) => format!("{} to {end}", i.date),
        None => i.date.to_string(),
    };
    // Continued under the text, past the date.
    write_wrapped(out, &format!("  {date}  {}: {} ({})", i.organisation, i.summary, i.status), width, 14)
}

/// The items as one JSON document: `{"today", "days", "items": [...]}`.
pub fn json(items: &[Item], days: u64, today: NaiveDate, out: &mut dyn Write) -> io::Result<()> {
    #[derive(Serialize)]
    struct Doc<'a> {
        today: NaiveDate,
        days: u64,
        items: &'a [Item],
    }
    crate::render::json::to_writer(out, &Doc { today, days, items })
}
