//! `ismsaudit calendar`: the plan's events in a period, as a year of month grids for a terminal
//! or a printer, followed by the agenda of the period. The words for each event are shared with
//! the iCalendar output.

use std::cell::OnceCell;
use std::collections::HashMap;
use std::convert::Infallible;
use std::io::{self, Write};
use std::ops::ControlFlow;

use chrono::{Datelike, Days, NaiveDate, Weekday};

use super::table::{audit_status, external_status};
use crate::calendar::Calendar;
use crate::cycle::{Basis, ExternalKind};
use crate::plan::{Event, EventKind, Plan};
use crate::programme::{RoundName, Source};
use crate::register::{Area, Register, same_id};
use crate::text::{visible, write_wrapped};

/// Where an event stands: told apart on the printed year by more than colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum State {
    /// Planned by ismsaudit (or assumed, or computed), not yet agreed with anyone.
    Planned,
    /// Booked: a date agreed, not yet held.
    Booked,
    /// Held (an audit), recorded (a review), or a certificate's date that has passed.
    Done,
}

/// The short labels of the certification body's audits and the certificate's dates, for the
/// printed year's key.
pub const SHORT: &[(&str, &str)] = &[
    ("S1", "Stage 1"),
    ("S2", "Stage 2"),
    ("D", "certification decision"),
    ("SV1, SV2", "surveillance audits"),
    ("R", "recertification"),
    ("SP", "special audit"),
    ("C", "a new cycle's first day"),
    ("EXP", "certificate expiry"),
    ("RD", "last day to restore"),
    ("RES", "restoration decision"),
    ("SUS, REI", "suspended, reinstated"),
    ("LAP", "lapse"),
    ("MR", "management review"),
];

/// The days shown and, optionally, whose calendar it is.
#[derive(Debug, Clone)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub who: Option<Who>,
}

/// Whose calendar: an id as the register spells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Who {
    /// The audits the auditor holds.
    Auditor(String),
    /// Everything the person takes part in: the audits they hold, the audits of the areas they
    /// own or run, and, as programme owner or a recipient of the reports, the management reviews
    /// and the certification body's audits (see [`Entry::people`]).
    Person(String),
}

impl Who {
    pub fn id(&self) -> &str {
        match self {
            Who::Auditor(id) | Who::Person(id) => id,
        }
    }
}

impl Period {
    /// The calendar year `year`, for `who` if given; `None` outside chrono's range.
    pub fn year(year: i32, who: Option<Who>) -> Option<Period> {
        Some(Period { from: NaiveDate::from_ymd_opt(year, 1, 1)?, to: NaiveDate::from_ymd_opt(year, 12, 31)?, who })
    }

    /// The same days, for everyone.
    pub fn everyone(from: NaiveDate, to: NaiveDate) -> Period {
        Period { from, to, who: None }
    }
}

/// How a day with events is marked in a month grid, most important first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Mark {
    /// Stage 1, Stage 2, surveillance, recertification, special audits: the certification body.
    External,
    /// Expiry, lapse, restoration deadline, decision, a cycle's start: dates of the certificate.
    Certificate,
    ManagementReview,
    InternalAudit,
}

impl Mark {
    /// What an event so marked is, in words (the agenda's and the calendar file's categories).
    pub fn category(self) -> &'static str {
        match self {
            Mark::InternalAudit => "Internal audit",
            Mark::ManagementReview => "Management review",
            Mark::External => "Certification audit",
            Mark::Certificate => "Certificate",
        }
    }

    pub fn of(kind: EventKind) -> Mark {
        match kind {
            EventKind::InternalAudit => Mark::InternalAudit,
            EventKind::ManagementReview => Mark::ManagementReview,
            EventKind::External(k) if k.is_audit() || matches!(k, ExternalKind::Special(_)) => Mark::External,
            EventKind::External(_) => Mark::Certificate,
        }
    }

    /// The character beside a marked day where there is no colour.
    pub fn symbol(self) -> char {
        match self {
            Mark::External => '#',
            Mark::Certificate => '!',
            Mark::ManagementReview => '+',
            Mark::InternalAudit => '*',
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Mark::External => "certification-body audit",
            Mark::Certificate => "certificate date",
            Mark::ManagementReview => "management review",
            Mark::InternalAudit => "internal audit",
        }
    }

    /// The ANSI colour of a marked day on a terminal.
    fn colour(self) -> &'static str {
        match self {
            Mark::External => "\x1b[1;31m",
            Mark::Certificate => "\x1b[1;35m",
            Mark::ManagementReview => "\x1b[1;34m",
            Mark::InternalAudit => "\x1b[1;32m",
        }
    }
}

/// One event in words: its first and last day, what it is and who, and more for a description.
#[derive(Debug, Clone)]
pub struct Entry {
    pub date: NaiveDate,
    pub end: NaiveDate,
    pub mark: Mark,
    /// The days it takes: an internal audit's open days, an external audit's visits (its first
    /// and last day where the register does not record them).
    pub days: Vec<NaiveDate>,
    /// E.g. "Internal audit: Human resources (Carol Diaz)", "Surveillance 1".
    pub summary: String,
    /// Its status in the table's words: "planned", "done", "booked, OVERDUE" ...
    pub status: String,
    /// Held (an internal audit) or recorded (a review): nothing left to do for it.
    pub settled: bool,
    /// For an internal audit or a review: the day of the external audit it prepares, after which
    /// it can no longer be held for it.
    pub prepares: Option<NaiveDate>,
    /// An internal audit required and not held before its external audit, with no later round
    /// of the cycle holding it (`overdue-audit`): to chase until it is made up.
    pub overdue: bool,
    /// The round, what it prepares, the latest day, the criteria; one item each.
    pub details: Vec<String>,
    /// Identifies the event among the register's from run to run, whatever its date: kind,
    /// cycle, round, area (`internal_audit/1/C1.2/hr`).
    pub key: String,
    /// A category for calendar clients.
    pub category: &'static str,
    /// An internal audit planned again: the day the plan had for it, which passed with nothing
    /// recorded.
    pub passed: Option<NaiveDate>,
    /// A label short enough for a day of a printed year: the area's id for an internal audit,
    /// `MR` for a management review, `S1`, `S2`, `D`, `SV1`, `R`, `EXP` ... for the
    /// certification body's audits and the certificate's dates (see [`SHORT`]).
    pub short: String,
    /// Held, booked or only planned.
    pub state: State,
    /// Who takes part, by id, each once (the first spelling): an internal audit's auditor, then
    /// the area's owner and team; a management review's and a certification audit's programme
    /// owner and report recipients (top management attends both); a certificate date's
    /// programme owner.
    pub people: Vec<String>,
}

/// The plan's events that touch a period, in date order, in words, for a reader that may read
/// them more than once (the month grids, then the agenda). Of an outline, each reading plans
/// the rounds afresh, one at a time (see [`Plan::each_event`]), so a calendar of thirty years
/// holds one round's audits and the period's marked days, never all its entries.
pub struct Entries<'a> {
    plan: &'a Plan<'a>,
    period: &'a Period,
}

impl<'a> Entries<'a> {
    /// The entries of `plan` in `period`; for an [`outline`](crate::plan::outline), each
    /// reading plans the rounds afresh, one at a time.
    pub fn new(plan: &'a Plan<'a>, period: &'a Period) -> Self {
        Entries { plan, period }
    }

    /// The days and the person the entries are for.
    pub fn period(&self) -> &Period {
        self.period
    }

    /// Gives `visit` each entry in turn, until it fails.
    pub fn each<E>(&self, visit: impl FnMut(Entry) -> Result<(), E>) -> Result<(), E> {
        self.each_kept(|_, _| ControlFlow::Continue(true), visit)
    }

    /// [`Entries::each`] for the events `keep` keeps, asked of each event in the period with its
    /// last day, in order, before its entry is worded (which takes a dozen texts). Reading ends
    /// where `keep` breaks (of an outline, no round after is planned).
    pub fn each_kept<E>(
        &self,
        mut keep: impl FnMut(&Event<'_>, NaiveDate) -> ControlFlow<(), bool>,
        mut visit: impl FnMut(Entry) -> Result<(), E>,
    ) -> Result<(), E> {
        let (plan, period) = (self.plan, self.period);
        let cal = Calendar::new(&plan.register.settings);
        let mine = |e: &Event<'_>| match &period.who {
            None => true,
            Some(Who::Auditor(id)) => e.audit.and_then(|a| a.auditor(plan.register)).is_some_and(|a| same_id(a, id)),
            Some(Who::Person(id)) => people(plan.register, e).iter().any(|p| same_id(p, id)),
        };
        // Two events with the same key (an area audited twice in a round, a record and a booking
        // say; two special audits on one day) each get their own: `#2` after the second. Such
        // events share a round, or are external events of one day: what is remembered of a
        // round is forgotten when the next begins, of a day's external events the next day.
        let (mut in_round, mut on_day) = (RoundKeys::new(plan.register), Seen::new());
        // A restart's events (its round 0, its Stages) are apart from those of the certification
        // before: their keys begin with it.
        let restart = (plan.epoch > 0).then(|| format!("restart{}/", plan.epoch));
        let read = plan.each_event(|e| {
            // Numbered before an auditor's own are picked, so that each keeps its key.
            let key = format!("{}{}", restart.as_deref().unwrap_or_default(), key(e));
            let key = match e.round {
                Some(r) => in_round.number(r.short_name(), e, key),
                None => {
                    on_day.enter(e.date);
                    let n = on_day.count(&key);
                    numbered(key, n)
                }
            };
            if !mine(e) {
                return Ok(());
            }
            let end = end(e);
            if end < period.from || e.date > period.to {
                return Ok(());
            }
            match keep(e, end) {
                ControlFlow::Continue(true) => visit(entry(plan, e, end, key, &cal)).map_err(Some),
                ControlFlow::Continue(false) => Ok(()),
                ControlFlow::Break(()) => Err(None),
            }
        });
        // (`None`: `keep` ended the reading.)
        read.or_else(|e| e.map_or(Ok(()), Err))
    }

    /// Each day with an event, marked by its most important one.
    pub fn marks(&self) -> HashMap<NaiveDate, Mark> {
        let mut marks: HashMap<NaiveDate, Mark> = HashMap::new();
        let Ok(()) = self.each::<Infallible>(|x| {
            for &d in &x.days {
                let m = marks.entry(d).or_insert(x.mark);
                *m = (*m).min(x.mark);
            }
            Ok(())
        });
        marks
    }
}

/// The keys seen within one group of events (a day's external events, a round's): a key seen
/// before gets its number (`#2`, see [`numbered`]).
struct Seen<T> {
    within: Option<T>,
    keys: HashMap<String, usize>,
}

impl<T: PartialEq> Seen<T> {
    fn new() -> Self {
        Seen { within: None, keys: HashMap::new() }
    }

    /// Goes on to group `within`: whether it is a new one (what was seen is then forgotten).
    fn enter(&mut self, within: T) -> bool {
        if self.within.as_ref() == Some(&within) {
            return false;
        }
        self.keys.clear();
        self.within = Some(within);
        true
    }

    /// How many times `key` has been seen in the group, this time included.
    fn count(&mut self, key: &str) -> usize {
        let n = self.keys.entry(key.to_string()).or_insert(0);
        *n += 1;
        *n
    }
}

/// `key` as the `n`-th event of its group with that key has it: `#n` after the first.
fn numbered(key: String, n: usize) -> String {
    if n > 1 { format!("{key}#{n}") } else { key }
}

/// The keys seen within one round (told by its name: an interim round is one of its own), to
/// number repeats. An internal audit's key differs from the round's others only by its area's
/// id, so its audits are counted by the area's place in the scope, a number each, where a round
/// of 100,000 audits would hold as many keys in a map (9 MB). Anything else (a review) by its
/// key, in `others`.
struct RoundKeys<'r> {
    register: &'r Register,
    /// By place in the scope: how many of the area's audits the round has had so far (set back
    /// to 0 when the next round begins: a write for each area of the scope for each round, where
    /// a list of the places counted would hold as many as the round has audits).
    audits: Vec<u32>,
    /// The scope's places by id as written, for an audit the plan did not place (made when
    /// first needed).
    places: OnceCell<HashMap<&'r str, usize>>,
    others: Seen<RoundName>,
}

impl<'r> RoundKeys<'r> {
    fn new(register: &'r Register) -> Self {
        RoundKeys { register, audits: Vec::new(), places: OnceCell::new(), others: Seen::new() }
    }

    fn number(&mut self, within: RoundName, e: &Event<'_>, key: String) -> String {
        if self.others.enter(within) {
            self.audits.fill(0);
        }
        let reg = self.register;
        // The place of the area whose id the audit names, exactly as the key spells it: two
        // audits have the same place if and only if they have the same key (ids are unique, as
        // validation has them).
        let place = e.audit.filter(|_| e.kind == EventKind::InternalAudit).and_then(|a| {
            a.area_as_written(reg).or_else(|| {
                let places =
                    self.places.get_or_init(|| reg.scope.iter().enumerate().map(|(i, x)| (&*x.id, i)).collect());
                places.get(a.area.as_str()).copied()
            })
        });
        let n = match place {
            Some(i) => {
                if self.audits.is_empty() {
                    self.audits = vec![0; reg.scope.len()];
                }
                self.audits[i] += 1;
                self.audits[i] as usize
            }
            None => self.others.count(&key),
        };
        numbered(key, n)
    }
}

/// What an event is, whatever its date, among the register's: the kind, then what the kind has
/// (cycle, round, area, a surveillance's number, a special audit's day). The kind says which
/// parts follow, so leaving the empty ones out keeps two events apart.
fn key(e: &Event<'_>) -> String {
    let round = e.round.map(|r| r.label()).unwrap_or_default();
    let area = e.audit.map_or("", |a| a.area);
    let number = match e.kind {
        EventKind::External(ExternalKind::Surveillance(n)) => n.to_string(),
        EventKind::External(ExternalKind::Special(_) | ExternalKind::Suspended | ExternalKind::Reinstated) => {
            e.date.to_string()
        }
        _ => String::new(),
    };
    let parts = [e.kind.key(), &e.cycle.to_string(), &round, area, &number];
    parts.into_iter().filter(|p| !p.is_empty()).collect::<Vec<_>>().join("/")
}

/// An event's last day.
fn end(e: &Event<'_>) -> NaiveDate {
    match (e.kind, e.audit, e.external.as_deref()) {
        (EventKind::InternalAudit, Some(a), _) => a.end.max(a.date),
        (EventKind::ManagementReview, ..) => e.date,
        (_, _, Some(x)) => x.end.max(x.date),
        _ => e.date,
    }
}

/// The days of a certification audit from `date` to `end`: each visit the register records
/// for it (a surveillance or recertification split into visits), else its first and last day.
fn visit_days(reg: &Register, date: NaiveDate, end: NaiveDate) -> Vec<NaiveDate> {
    let c = &reg.certification;
    match c.surveillance.iter().chain(&c.recertification).find(|r| r.date == date && r.end() == end) {
        Some(r) => std::iter::once(r.date).chain(r.visits.iter().copied()).collect(),
        None => vec![date, end],
    }
}

fn entry(plan: &Plan<'_>, e: &Event<'_>, end: NaiveDate, key: String, cal: &Calendar) -> Entry {
    let reg = plan.register;
    let round = e.round.map(|r| r.label()).unwrap_or_default();
    let mut details = Vec::new();
    let settled = match (e.kind, e.audit) {
        // A held audit that does not count (not independent) is settled too: its replacement
        // is an entry of its own.
        (EventKind::InternalAudit, Some(a)) => a.source == Source::Done,
        (EventKind::ManagementReview, _) => e.review_status(plan.today) == "recorded",
        _ => false,
    };
    let (summary, status) = match (e.kind, e.audit, e.external.as_deref()) {
        (EventKind::InternalAudit, Some(a), _) => {
            let area = a.area_in(reg);
            let name = area.map_or(a.area.as_str(), |x| x.name());
            let who = match (a.auditor_in(reg), a.auditor_org(reg)) {
                (Some(auditor), _) => auditor.label(),
                (None, Some(org)) => org.to_string(),
                // Missed: its status says so (OVERDUE, not held).
                (None, None) if a.source == Source::Missed => String::new(),
                (None, None) => "no auditor".to_string(),
            };
            if let Some(x) = area {
                details.extend(criteria(x));
            }
            if !a.source.is_recorded() {
                details.push(format!("Latest: {}", a.due));
            }
            let summary = if who.is_empty() {
                format!("Internal audit: {name}")
            } else {
                format!("Internal audit: {name} ({who})")
            };
            (summary, audit_status(a, plan.today))
        }
        (EventKind::ManagementReview, ..) => ("Management review".to_string(), e.review_status(plan.today).to_string()),
        (_, _, Some(x)) => {
            if let Some(latest) = x.latest {
                details.push(format!("Latest: {latest}"));
            }
            (x.label(), external_status(x, plan))
        }
        _ => (e.kind.key().to_string(), e.status.to_string()),
    };
    if let Some(p) = e.prepares {
        details.insert(0, format!("Prepares: {}", p.describe()));
    }
    if !round.is_empty() {
        details.insert(0, format!("Round: {round}"));
    }
    let category = Mark::of(e.kind).category();
    let days = match e.kind {
        EventKind::InternalAudit if end > e.date => cal.open_days(e.date, end).collect(),
        _ if end > e.date => visit_days(reg, e.date, end),
        _ => vec![e.date],
    };
    let prepares = e.prepares.map(|p| p.date);
    let overdue = e.audit.is_some_and(|a| a.overdue());
    let mark = Mark::of(e.kind);
    let passed = e.audit.and_then(|a| a.passed);
    let people = people(reg, e).into_iter().map(str::to_string).collect();
    let (short, state) = short_and_state(plan, e, end);
    Entry {
        date: e.date,
        end,
        mark,
        days,
        summary,
        status,
        settled,
        prepares,
        overdue,
        details,
        key,
        category,
        passed,
        short,
        state,
        people,
    }
}

/// An event's short label and where it stands (see [`Entry::short`], [`State`]).
fn short_and_state(plan: &Plan<'_>, e: &Event<'_>, end: NaiveDate) -> (String, State) {
    let today = plan.today;
    let by_day = |held: bool| if end <= today && held { State::Done } else { State::Booked };
    match (e.kind, e.audit, e.external.as_deref()) {
        (EventKind::InternalAudit, Some(a), _) => {
            let state = match a.source {
                Source::Done => State::Done,
                Source::Booked => State::Booked,
                _ => State::Planned,
            };
            (a.area.to_string(), state)
        }
        (EventKind::ManagementReview, ..) => {
            let state = match e.review_status(today) {
                "recorded" => State::Done,
                "booked" => State::Booked,
                _ => State::Planned,
            };
            ("MR".to_string(), state)
        }
        (_, _, Some(x)) => {
            let short = match x.kind {
                ExternalKind::Stage1 => "S1".to_string(),
                ExternalKind::Stage2 => "S2".to_string(),
                ExternalKind::Certification => "D".to_string(),
                ExternalKind::CycleStart => "C".to_string(),
                ExternalKind::Surveillance(n) => format!("SV{n}"),
                ExternalKind::Recertification => "R".to_string(),
                ExternalKind::Special(_) => "SP".to_string(),
                ExternalKind::Expiry => "EXP".to_string(),
                ExternalKind::RestorationDeadline => "RD".to_string(),
                ExternalKind::RestorationDecision => "RES".to_string(),
                ExternalKind::Suspended => "SUS".to_string(),
                ExternalKind::Reinstated => "REI".to_string(),
                ExternalKind::Lapse => "LAP".to_string(),
            };
            // A certificate's date (expiry, a cycle's start) is a date, not something to book.
            let state = match x.basis {
                Basis::Recorded | Basis::Given => by_day(true),
                _ if Mark::of(e.kind) == Mark::Certificate => by_day(true),
                _ => State::Planned,
            };
            (short, state)
        }
        _ => (e.kind.key().to_string(), State::Planned),
    }
}

/// Who takes part in `e` (see [`Entry::people`]).
fn people<'r>(reg: &'r Register, e: &Event<'r>) -> Vec<&'r str> {
    let management = || reg.programme_owner.iter().chain(&reg.reports_to).map(String::as_str);
    let mut out: Vec<&str> = match (Mark::of(e.kind), e.audit) {
        (Mark::InternalAudit, Some(a)) => {
            let area = a.area_in(reg);
            let auditees = area
                .into_iter()
                .flat_map(|x| std::iter::once(x.owner.as_str()).chain(x.team.iter().map(|t| t.as_str())));
            a.auditor(reg).into_iter().chain(auditees).collect()
        }
        (Mark::ManagementReview | Mark::External, _) => management().collect(),
        _ => reg.programme_owner.iter().map(String::as_str).collect(),
    };
    let mut seen = std::collections::HashSet::new();
    out.retain(|p| seen.insert(crate::register::folded(p)));
    out
}

/// An area's audit criteria as short lines: its clauses, its controls.
fn criteria(area: &Area) -> Vec<String> {
    let mut out = Vec::new();
    if !area.clauses.is_empty() {
        out.push(format!("Clauses: {}", joined(&area.clauses)));
    }
    if !area.controls.is_empty() {
        out.push(format!("Controls: {}", joined(&area.controls)));
    }
    out
}

/// Clause or control ids, as the area lists them, separated by commas.
fn joined<T: std::fmt::Display>(ids: &[T]) -> String {
    ids.iter().map(T::to_string).collect::<Vec<_>>().join(", ")
}

/// Writes the period's months as grids, three to a row, weeks from Monday, each day with an
/// event marked (in colour with `colour`, else by a symbol beside it), a legend, then the
/// agenda of the period.
pub fn text(reg: &Register, period: &Period, entries: &Entries, colour: bool, out: &mut dyn Write) -> io::Result<()> {
    let who = period.who.as_ref().map(|w| format!(" for {}", w.id())).unwrap_or_default();
    // (An organisation named `:` would start the line with a workflow command.)
    let title = format!("{}: audit calendar{who}, {} to {}", reg.organisation, period.from, period.to);
    writeln!(out, "{}", visible(&title))?;
    let marks = entries.marks();
    let months = months(period.from, period.to);
    for row in months.chunks(3) {
        writeln!(out)?;
        let grids: Vec<Vec<String>> = row.iter().map(|&(y, m)| grid(y, m, period, &marks, colour)).collect();
        let height = grids.iter().map(Vec::len).max().unwrap_or(0);
        for line in 0..height {
            let cells: Vec<String> =
                (grids.iter()).map(|g| g.get(line).cloned().unwrap_or_else(|| " ".repeat(GRID_WIDTH))).collect();
            writeln!(out, "{}", cells.join("  ").trim_end())?;
        }
    }
    let legend: Vec<String> = [Mark::InternalAudit, Mark::ManagementReview, Mark::External, Mark::Certificate]
        .iter()
        .map(|m| {
            if colour {
                format!("{}{}\x1b[0m {}", m.colour(), m.symbol(), m.label())
            } else {
                format!("{} {}", m.symbol(), m.label())
            }
        })
        .collect();
    // Two to a line: the four side by side are wider than 80 columns.
    writeln!(out)?;
    for pair in legend.chunks(2) {
        writeln!(out, "{}", pair.join("   "))?;
    }
    writeln!(out)?;
    // Every entry marks a day.
    if marks.is_empty() {
        writeln!(out, "Nothing planned in this period.")?;
    }
    entries.each(|x| {
        let date = if x.end > x.date { format!("{} to {}", x.date, x.end) } else { x.date.to_string() };
        let line = format!("{date}  {}  ({})", x.summary, x.status);
        write_wrapped(out, &line, 80, 12)
    })
}

pub(super) const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The width of one month's grid: seven days of three characters.
const GRID_WIDTH: usize = 21;

/// Each (year, month) from `from`'s month to `to`'s.
pub(super) fn months(from: NaiveDate, to: NaiveDate) -> Vec<(i32, u32)> {
    let mut out = Vec::new();
    let (mut y, mut m) = (from.year(), from.month());
    while (y, m) <= (to.year(), to.month()) {
        out.push((y, m));
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    out
}

/// One month as lines of `GRID_WIDTH` characters: its name, the weekdays, then its weeks from
/// Monday; a day outside the period is left blank.
pub(crate) fn grid(
    year: i32,
    month: u32,
    period: &Period,
    marks: &HashMap<NaiveDate, Mark>,
    colour: bool,
) -> Vec<String> {
    let title = format!("{} {year}", MONTHS[(month - 1) as usize]);
    let mut lines = vec![format!("{title:^GRID_WIDTH$}"), "Mo Tu We Th Fr Sa Su ".to_string()];
    let Some(first) = NaiveDate::from_ymd_opt(year, month, 1) else { return lines };
    let mut line = " ".repeat(3 * first.weekday().num_days_from_monday() as usize);
    let mut day = first;
    while day.month() == month {
        let cell = if day < period.from || day > period.to {
            "   ".to_string()
        } else {
            match marks.get(&day) {
                Some(m) if colour => format!("{}{:>2}\x1b[0m ", m.colour(), day.day()),
                Some(m) => format!("{:>2}{}", day.day(), m.symbol()),
                None => format!("{:>2} ", day.day()),
            }
        };
        line.push_str(&cell);
        if day.weekday() == Weekday::Sun {
            lines.push(std::mem::take(&mut line));
        }
        match day.checked_add_days(Days::new(1)) {
            Some(next) => day = next,
            None => break,
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    // Every line as wide as the grid (colour codes take no room on the screen).
    lines
        .into_iter()
        .map(|l| {
            let shown = if colour { strip_colour(&l).chars().count() } else { l.chars().count() };
            format!("{l}{}", " ".repeat(GRID_WIDTH.saturating_sub(shown)))
        })
        .collect()
}

fn strip_colour(s: &str) -> String {
    let mut out = String::new();
    let mut in_code = false;
    for c in s.chars() {
        match c {
            '\x1b' => in_code = true,
            'm' if in_code => in_code = false,
            c if !in_code => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::wrap;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn year(y: i32) -> Period {
        Period::everyone(d(y, 1, 1), d(y, 12, 31))
    }

    /// February of a leap year starting on a Thursday: 29 days, the 1st under `Th`, each week
    /// from Monday.
    #[test]
    fn a_leap_february_is_laid_out_day_by_day() {
        let marks = HashMap::from([(d(2024, 2, 29), Mark::InternalAudit), (d(2024, 2, 5), Mark::External)]);
        let g = grid(2024, 2, &year(2024), &marks, false);
        assert_eq!(
            g,
            [
                "    February 2024    ",
                "Mo Tu We Th Fr Sa Su ",
                "          1  2  3  4 ",
                " 5# 6  7  8  9 10 11 ",
                "12 13 14 15 16 17 18 ",
                "19 20 21 22 23 24 25 ",
                "26 27 28 29*         ",
            ]
        );
    }

    /// 2023 starts on a Sunday: the 1st is alone in the first week, under `Su`.
    #[test]
    fn a_year_starting_on_sunday() {
        let g = grid(2023, 1, &year(2023), &HashMap::new(), false);
        assert_eq!(g[2], "                   1 ");
        assert_eq!(g[3], " 2  3  4  5  6  7  8 ");
        assert_eq!(g.last().unwrap(), "30 31                ");
        assert!(g.iter().all(|l| l.chars().count() == GRID_WIDTH));
    }

    #[test]
    fn agenda_lines_wrap_at_80_columns() {
        let text = "2027-01-12  Internal audit: ISMS management system (Aurora Audit Partners (contracted internal auditor))  (booked)";
        let lines = wrap(text, 80, 12);
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|l| l.chars().count() <= 80), "{lines:?}");
        assert!(lines[1].starts_with("            ") && !lines[1].starts_with("             "));
        assert_eq!(lines.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" "), text);
    }

    #[test]
    fn months_of_a_period_cross_years() {
        assert_eq!(months(d(2026, 11, 28), d(2027, 2, 1)), [(2026, 11), (2026, 12), (2027, 1), (2027, 2)]);
    }
}
