//! `ismsaudit agenda`: what is overdue today and what is due in the next days, for one register
//! or several (a consultant's clients, a group's subsidiaries), each line naming its
//! organisation. Registers are read, planned and written one at a time, each after the one
//! before, and each register's rounds are planned one at a time (see [`agenda`]), so that
//! memory holds one round and one register's items however many are given.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::HashMap;
use std::convert::Infallible;
use std::io::{self, Write};
use std::ops::ControlFlow;

use chrono::{Days, NaiveDate};
use serde::Serialize;

use super::calendar::{Entries, Entry, Mark, Period};
use crate::plan::{Event, Plan};
use crate::text::{name, shortened, write_wrapped};

/// One register's agenda: its items, and the organisation and file every item names, held once
/// beside them (a register of 100,000 overdue audits has as many items).
#[derive(Debug, Clone)]
pub struct Agenda<'r> {
    pub organisation: &'r str,
    /// The file's name as the user gave it (a pull request may have chosen it), shown altered,
    /// cut short or made visible where it must be.
    pub file: Cow<'r, str>,
    /// What is overdue, then what is due, each in date order.
    held: Vec<Held>,
    /// Every item's summary, one after the other.
    texts: String,
    /// Each status once: most items share one of a few (`OVERDUE`, `planned`).
    statuses: Vec<String>,
}

impl Agenda<'_> {
    /// What is overdue, then what is due, each in date order.
    pub fn items(&self) -> impl Iterator<Item = Item<'_>> {
        self.held.iter().map(|h| Item {
            date: h.date,
            end: h.end,
            kind: h.kind.map_or(CORRECTIVE_ACTION, Mark::category),
            summary: &self.texts[h.from..h.from + h.summary as usize],
            status: &self.statuses[h.status as usize],
            overdue: h.overdue,
        })
    }
}

/// One line of the agenda.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Item<'a> {
    pub date: NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<NaiveDate>,
    pub kind: &'static str,
    pub summary: &'a str,
    pub status: &'a str,
    /// Held or recorded neither by its day, which has passed.
    pub overdue: bool,
}

/// What an item that is not one of the plan's events is (those are what their [`Mark`] says).
const CORRECTIVE_ACTION: &str = "Corrective action";

/// An item as the agenda holds it, in 32 bytes: its summary in the agenda's `texts`, its status
/// by its place in `statuses` (a register of 100,000 overdue audits would otherwise hold two
/// strings for each, 14 MB where these take 5.4).
#[derive(Debug, Clone)]
struct Held {
    date: NaiveDate,
    end: Option<NaiveDate>,
    /// How its event is marked; none for a corrective action.
    kind: Option<Mark>,
    overdue: bool,
    /// Its place in the order found, for a sort by date that keeps that order on a day
    /// without a second list of the items' size.
    found: u32,
    /// Its summary is `texts[from..from + summary]` ...
    from: usize,
    summary: u32,
    /// ... and its status `statuses[status]`.
    status: u32,
}

/// The items as they are found, what is overdue apart from what is due, their summaries in one
/// string and their statuses once each.
#[derive(Default)]
struct Found {
    overdue: Vec<Held>,
    due: Vec<Held>,
    texts: String,
    /// Each status, with its place in the agenda's `statuses` (which are made from these, so
    /// that a status is held once, not once here and once there).
    status_at: HashMap<String, u32>,
    count: u32,
}

impl Found {
    /// Adds an item (to what is overdue, or to what is due) for an event marked `kind`, or for a
    /// corrective action.
    fn add(
        &mut self,
        date: NaiveDate,
        end: Option<NaiveDate>,
        kind: Option<Mark>,
        summary: &str,
        status: &str,
        overdue: bool,
    ) {
        // A summary over 4 GiB (an id as long, in a register of as many) is cut to a quarter of
        // that in characters, so that its length in bytes fits 32 bits.
        let summary = match u32::try_from(summary.len()) {
            Ok(_) => Cow::Borrowed(summary),
            Err(_) => shortened(summary, (u32::MAX / 4 - 1) as usize),
        };
        let from = self.texts.len();
        self.texts.push_str(&summary);
        let summary = u32::try_from(summary.len()).unwrap_or(u32::MAX);
        // (Fewer statuses than items, and fewer items than 2^32: as many would take 128 GiB.)
        let status = match self.status_at.get(status) {
            Some(&k) => k,
            None => {
                let k = u32::try_from(self.status_at.len()).unwrap_or(u32::MAX);
                self.status_at.insert(status.to_string(), k);
                k
            }
        };
        self.count = self.count.saturating_add(1);
        let held = Held { date, end, kind, overdue, found: self.count, from, summary, status };
        if overdue { self.overdue.push(held) } else { self.due.push(held) }
    }

    /// Each list in date order (on a day, in the order found), what is overdue first.
    fn agenda<'r>(mut self, organisation: &'r str, file: Cow<'r, str>) -> Agenda<'r> {
        self.overdue.sort_unstable_by_key(|i| (i.date, i.found));
        self.due.sort_unstable_by_key(|i| (i.date, i.found));
        self.overdue.append(&mut self.due);
        // Each status to its place (the places are 0 to one less than their number).
        let mut statuses = vec![String::new(); self.status_at.len()];
        for (status, k) in self.status_at {
            statuses[k as usize] = status;
        }
        Agenda { organisation, file, held: self.overdue, texts: self.texts, statuses }
    }
}

/// The plan's overdue internal audits and reviews (their day passed, not held or recorded),
/// then its events from `today` to `today + days`. Of an [`outline`](crate::plan::outline), the
/// rounds are planned one at a time and only the items are held (a register of 100,000 areas
/// holds one round's audits, not two cycles').
pub fn agenda<'r>(plan: &Plan<'r>, days: u64) -> Agenda<'r> {
    let today = plan.today;
    let until = today.checked_add_days(Days::new(days)).unwrap_or(today);
    // What is chased goes back to the first round's window (or to today, if that opens later),
    // known from that round's first event, which comes before any other round's. An external
    // event is never chased, and is due only from today: read before it, nothing is lost.
    let first = OnceCell::new();
    let keep = |e: &Event<'_>, end: NaiveDate| {
        let Some(r) = e.round else { return ControlFlow::Continue(today <= end && e.date <= until) };
        // A round that opens after the days shown has nothing due in them, and no day of its
        // passed: neither it nor any after it is planned.
        if r.window_start.is_some_and(|w| w > until.max(today)) {
            return ControlFlow::Break(());
        }
        let first = *first.get_or_init(|| r.window_start.unwrap_or(today).min(today));
        // An area that has left the scope can no longer be audited: an audit it missed (its
        // day passed) is `check`'s (until the certification body's acceptance is recorded), not
        // a thing to do. (One recorded for a day ahead is still shown as due.)
        if end < today && e.audit.and_then(|a| a.area_in(plan.register)).is_some_and(|x| x.left_by(today)) {
            return ControlFlow::Continue(false);
        }
        // An audit moved from a day that passed is read where it now is, which may be later.
        let moved = e.audit.and_then(|a| a.passed).is_some_and(|d| first <= d && d < today);
        ControlFlow::Continue(first <= end && (e.date <= until || moved))
    };
    let mut found = Found::default();
    let period = Period::everyone(NaiveDate::MIN, NaiveDate::MAX);
    let Ok(()) = Entries::new(plan, &period).each_kept::<Infallible>(keep, |x| {
        let end = (x.end > x.date).then_some(x.end);
        // A planned day that passed with nothing recorded, the audit planned again: the day
        // missed is chased, as the day it moved to is announced. (Only an audit has one: its
        // round's event set `first`.)
        let first = first.get().copied().unwrap_or(today);
        if let Some(day) = x.passed.filter(|d| first <= *d && *d < today) {
            let status = format!("planned, not held; moved to {}", x.date);
            found.add(day, None, Some(x.mark), &x.summary, &status, true);
        }
        if x.end < today && open(&x, today) {
            found.add(x.date, end, Some(x.mark), &x.summary, &x.status, true);
        } else if x.end >= today && x.date <= until {
            found.add(x.date, end, Some(x.mark), &x.summary, &x.status, false);
        }
        Ok(())
    });
    // Corrective actions open past their due day (`check` fails on them), or due in the days
    // shown (ISO/IEC 27001:2022 10.2).
    for ca in plan.register.corrective_actions.iter().filter(|c| c.open_on(today) && c.due_now() <= until) {
        let severity = ca.severity.key();
        let late = ca.due_now() < today;
        let summary = match &ca.finding {
            Some(f) => format!("Corrective action {} ({severity} nonconformity {f}, {})", ca.id, ca.area),
            None => format!("Corrective action {} ({severity} nonconformity, {})", ca.id, ca.area),
        };
        let status = match (late, ca.revised.is_empty()) {
            (true, true) => "open, OVERDUE".to_string(),
            (false, true) => "open".to_string(),
            (true, false) => format!("open, OVERDUE; due first {}", ca.due),
            (false, false) => format!("open; due first {}", ca.due),
        };
        found.add(ca.due_now(), None, None, &summary, &status, late);
    }
    found.agenda(plan.register.organisation.as_str(), name(&plan.register.file))
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
    if agenda.items().any(|i| i.overdue) {
        writeln!(out, "Overdue on {today}:")?;
        for i in agenda.items().filter(|i| i.overdue) {
            line(&i, organisation, width, out)?;
        }
        writeln!(out)?;
    }
    writeln!(
        out,
        "Due in the next {days} days ({today} to {}):",
        today.checked_add_days(Days::new(days)).unwrap_or(today)
    )?;
    if agenda.items().all(|i| i.overdue) {
        writeln!(out, "  nothing")?;
    }
    for i in agenda.items().filter(|i| !i.overdue) {
        line(&i, organisation, width, out)?;
    }
    Ok(())
}

/// One register's items as a Markdown digest, for a scheduled job to post to mail or chat: a
/// heading naming the register, then what is overdue and what is due, a bullet each. Register
/// text is made inert (no markup, link or mention of its own).
pub fn markdown(agenda: &Agenda, days: u64, today: NaiveDate, out: &mut dyn Write) -> io::Result<()> {
    use super::markdown::md;
    writeln!(out, "\n## {} ({})\n", md(agenda.organisation), md(&agenda.file))?;
    let bullet = |i: Item, out: &mut dyn Write| {
        let date = match i.end {
            Some(end) => format!("{} to {end}", i.date),
            None => i.date.to_string(),
        };
        writeln!(out, "- {date}: {} ({})", md(i.summary), md(i.status))
    };
    if agenda.items().any(|i| i.overdue) {
        writeln!(out, "**Overdue on {today}**\n")?;
        for i in agenda.items().filter(|i| i.overdue) {
            bullet(i, out)?;
        }
        writeln!(out)?;
    }
    let until = today.checked_add_days(Days::new(days)).unwrap_or(today);
    writeln!(out, "**Due in the next {days} days ({today} to {until})**\n")?;
    if agenda.items().all(|i| i.overdue) {
        writeln!(out, "- nothing")?;
    }
    for i in agenda.items().filter(|i| !i.overdue) {
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
            item: Item<'a>,
        }
        for item in agenda.items() {
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
