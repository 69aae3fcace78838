//! `plan --format table`: the terminal view.

use std::collections::HashMap;
use std::io::{self, Write};

use chrono::NaiveDate;

use crate::catalogue::{Clause, Control};
use crate::cycle::{Basis, External, ExternalKind};
use crate::plan::{Plan, View};
use crate::programme::{AreaAudit, Behind, Effort, Round, Source, Unassigned};
use crate::register::{Area, AuditKind, Register};
use crate::text::count;
use crate::text::write_wrapped;

use super::cost;
use super::grid::{self, Columns};

pub(super) fn external_status(e: &External, plan: &Plan<'_>) -> String {
    let today = plan.today;
    let late = e.latest.is_some_and(|latest| e.end > latest);
    match e.basis {
        // A later cycle's start rests on the previous cycle's recertification.
        Basis::Recorded if e.kind == ExternalKind::CycleStart => {
            let previous = plan.certificate.cycle(e.cycle.saturating_sub(1));
            let restored = plan.certificate.cycle(e.cycle).restored;
            let on = restored.unwrap_or(previous.recertification.end);
            match (on <= today, restored.is_some()) {
                (true, true) => format!("restored {on}"),
                (true, false) => format!("recertified {on}"),
                (false, true) => format!("restoration booked {on}"),
                (false, false) => format!("recertification booked {on}"),
            }
        }
        Basis::Computed if e.kind == ExternalKind::CycleStart => "if recertified".to_string(),
        Basis::Computed if e.kind == ExternalKind::Lapse => "not restored".to_string(),
        Basis::Computed if e.kind == ExternalKind::RestorationDeadline => "recertify by then".to_string(),
        _ if matches!(e.kind, ExternalKind::Suspended | ExternalKind::Reinstated) => "recorded".to_string(),
        // A Stage 1 or 2 the register dates: held once its day has passed, booked before.
        Basis::Given if matches!(e.kind, ExternalKind::Stage1 | ExternalKind::Stage2) && e.end <= today => {
            "held".to_string()
        }
        Basis::Given if matches!(e.kind, ExternalKind::Stage1 | ExternalKind::Stage2) => "booked".to_string(),
        // The decision the register dates ahead: the day the body means to give it.
        Basis::Given if e.kind == ExternalKind::Certification && e.date > today => "expected".to_string(),
        Basis::Recorded if late && e.end <= today => "held, LATE".to_string(),
        Basis::Recorded if late => "booked, LATE".to_string(),
        Basis::Recorded if e.end <= today => "held".to_string(),
        Basis::Recorded => "booked".to_string(),
        b @ (Basis::Planned | Basis::Assumed) if e.date < today => format!("{}, past", b.key()),
        b => b.key().to_string(),
    }
}

/// An audit's status for people: a required audit past its round's lead day is LATE, one not
/// held before its external audit OVERDUE; a recorded one by an auditor who is not independent
/// does not count.
pub(super) fn audit_status(audit: &AreaAudit, today: NaiveDate) -> String {
    // Planned again: the day the plan had, which passed with nothing recorded.
    match audit.passed {
        Some(day) if audit.source == Source::Missed => format!("{}, planned {day}", status(audit, today)),
        Some(day) => format!("{}, moved from {day}", status(audit, today)),
        None => status(audit, today),
    }
}

/// An audit's status, as [`audit_status`] without the day it moved from (the coverage matrix).
fn status(audit: &AreaAudit, today: NaiveDate) -> String {
    let late = audit.behind == Some(Behind::Late);
    let status = match audit.source {
        Source::Done => "done",
        Source::Booked if audit.overdue() => "booked, OVERDUE",
        Source::Booked if late && audit.date >= today => "booked, LATE",
        Source::Booked if audit.date < today => "booked, past",
        Source::Booked => "booked",
        // Missed where the round could not have it (an interim round, an unannounced audit):
        // late, made up in the next round.
        Source::Missed if late => "not held, LATE",
        Source::Missed => "OVERDUE",
        Source::CatchUp if late => "catch-up, LATE",
        Source::CatchUp => "catch-up",
        Source::Planned if late => "planned, LATE",
        Source::Planned if audit.date < today => "planned, past",
        Source::Planned => "planned",
    };
    let follow_up = if audit.follow_up.is_some() && audit.source != Source::Done { ", follow-up" } else { "" };
    // A record's own kind, where it is not the area's full audit for the round.
    let kind = if audit.kind == AuditKind::Full { String::new() } else { format!(" ({})", audit.kind.key()) };
    let independence = if audit.independent { "" } else { ", NOT INDEPENDENT" };
    format!("{status}{kind}{follow_up}{independence}")
}

/// Why an audit has no auditor: the label in the round's table, and the note below the rounds.
pub(super) fn unassigned(why: Unassigned) -> (&'static str, &'static str) {
    match why {
        Unassigned::NoneIndependent => (
            "NONE INDEPENDENT",
            "every auditor owns, runs or has a conflict with the area. Add an independent auditor (internal or external) to `auditors`.",
        ),
        Unassigned::NoFreeDay => (
            "NO FREE DAY",
            "every independent auditor is busy, away or at their yearly cap on every open day the round has left (or has no run of the audit's consecutive days). Add auditors, or hold audits earlier.",
        ),
        Unassigned::NoAuditorForSite => (
            "NO AUDITOR FOR SITE",
            "no independent auditor audits the area's site. Add the site to an auditor's `sites`, or an auditor for it.",
        ),
        Unassigned::RoundCap => (
            "ROUND CAP REACHED",
            "every independent auditor who can audit the area has reached their `max_days_per_round`. Raise a cap, or add auditors.",
        ),
    }
}

/// Clauses or controls with their titles, in the standard's order (A.5.2 before A.5.10),
/// whatever order the register lists them in: they are ordered as the catalogue lists them.
fn titled<T: Copy + Ord + std::fmt::Display>(ids: &[T], title: fn(T) -> &'static str) -> String {
    let mut ids = ids.to_vec();
    ids.sort();
    ids.iter().map(|&c| format!("{c} {}", title(c))).collect::<Vec<_>>().join("; ")
}

/// What an audit covers, for the detail view: its method and length, then its clauses and
/// controls with their titles (the audit criteria, ISO 19011 6.2.2).
fn criteria(area: &Area) -> String {
    let mut parts = Vec::new();
    let mut how = Vec::new();
    if let Some(m) = area.method {
        how.push(m.key().to_string());
    }
    if area.audit_days > 1 {
        how.push(format!("{} days", area.audit_days));
    }
    if !area.clauses.is_empty() {
        parts.push(format!("clauses {}", titled(&area.clauses, Clause::title)));
    }
    if !area.controls.is_empty() {
        parts.push(format!("controls {}", titled(&area.controls, Control::title)));
    }
    if parts.is_empty() {
        parts.push("no clauses or controls listed".to_string());
    }
    let how = if how.is_empty() { String::new() } else { format!(" ({})", how.join(", ")) };
    format!("  {}{how}: {}", area.id, parts.join("; "))
}

/// Whose plan, as of when, who runs the programme, and the certificate's dates.
fn heading(plan: &Plan<'_>, width: usize, out: &mut dyn Write) -> io::Result<()> {
    let reg = plan.register;
    let epoch = plan.epoch();
    write_wrapped(out, &format!("{}: audit plan as of {}", reg.organisation, plan.today), width, 2)?;
    // People by name and role, where the register gives them.
    let labels =
        if reg.programme_owner.is_some() || !reg.reports_to.is_empty() { reg.labels() } else { Default::default() };
    let named = |id: &String| labels.get(&*crate::register::folded(id)).cloned().unwrap_or_else(|| id.clone());
    if let Some(owner) = &reg.programme_owner {
        write_wrapped(out, &format!("Audit programme managed by {}", named(owner)), width, 2)?;
    }
    if !reg.reports_to.is_empty() {
        let to: Vec<String> = reg.reports_to.iter().map(named).collect();
        write_wrapped(out, &format!("Audit reports go to {}", to.join(", ")), width, 2)?;
    }
    if epoch.index > 0 {
        let previous = &plan.certificate.epochs[epoch.index - 1];
        let last = plan.certificate.cycle(previous.last_cycle);
        let text = format!(
            "Earlier certificate: initial decision {}, lapsed after cycle {} expired on {}; restarted",
            previous.decision.date, last.number, last.expiry
        );
        write_wrapped(out, &text, width, 2)?;
    }
    let mut initial = Vec::new();
    for e in [epoch.stage1, epoch.stage2, Some(epoch.decision)].into_iter().flatten() {
        let note = if e.basis == Basis::Assumed { " (assumed)" } else { "" };
        initial.push(format!("{} {}{note}", e.kind.label(), e.date));
    }
    write_wrapped(out, &format!("Certificate: {}", initial.join(", ")), width, 2)?;
    for c in &plan.cycles {
        // A restart's first cycle is a new initial certification, not a recertified cycle.
        let restart = if c.local == 1 && c.epoch > 0 { " (new initial certification)" } else { "" };
        let after_early = (c.number > epoch.first_cycle)
            .then(|| plan.certificate.cycle(c.number - 1).recertification)
            .filter(|r| r.early)
            .map(|r| format!(" (from the decision on the early recertification of {})", r.date))
            .unwrap_or_default();
        let r = c.recertification;
        let early = match (r.early, r.decision_given) {
            (true, true) => format!(" (recertified early on {}: the next cycle counts from its decision)", r.date),
            (true, false) => {
                format!(" (recertified early on {}: the next cycle counts from its decision, assumed)", r.date)
            }
            (false, _) => String::new(),
        };
        let text = format!("Cycle {}{restart}{after_early}: {} to {}{early}", c.number, c.start, c.expiry);
        write_wrapped(out, &text, width, 2)?;
    }
    Ok(())
}

/// One round: its audits as a table (and with `detail`, their criteria), then its review; the
/// audits planned with no auditor are counted into `without`, by why.
fn round<'p>(
    plan: &'p Plan<'_>,
    r: &'p Round<'_>,
    detail: bool,
    view: &View,
    width: usize,
    without: &mut std::collections::BTreeMap<&'static str, (usize, &'static str)>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let reg = plan.register;
    writeln!(out)?;
    write_wrapped(out, &r.heading(), width, 2)?;
    let shown = |a: &&AreaAudit| view.shows_days(a.date, a.end);
    if r.audits.is_empty() {
        writeln!(out, "No area audits: every area is covered elsewhere in the cycle.")?;
    } else if !r.audits.iter().any(|a| shown(&a)) {
        writeln!(out, "No area audits on these days.")?;
    } else {
        // Measured in a first pass, written in a second: a round of 100,000 audits is not held.
        let header = ["Date", "Area", "Risk", "Auditor", "Status"];
        let row = |a: &AreaAudit| {
            let area = a.area_in(reg);
            // The risk the round judges the area with (`risk_history`).
            let risk = area.map_or("", |x| x.risk_on(r.lead_day).as_str());
            let auditor = match (a.auditor_in(reg), a.unassigned) {
                (Some(auditor), _) => auditor.label(),
                (None, Some(why)) => unassigned(why).0.to_string(),
                (None, None) if a.source == Source::Missed => String::new(),
                (None, None) => a.auditor_org(reg).unwrap_or("(not recorded)").to_string(),
            };
            let status = audit_status(a, plan.today);
            let date = if a.end > a.date { format!("{} to {}", a.date, a.end) } else { a.date.to_string() };
            let area = area.map_or_else(|| a.area.to_string(), area_label);
            [date, area, risk.to_string(), auditor, status]
        };
        let mut columns = Columns::new(&header);
        for a in r.audits.iter().filter(shown) {
            columns.measure(&row(a));
        }
        let widths = columns.fit(width);
        widths.header(&header, out)?;
        for a in r.audits.iter().filter(shown) {
            if let (false, Some(why)) = (a.has_auditor(), a.unassigned) {
                let (label, note) = unassigned(why);
                without.entry(label).or_insert((0, note)).0 += 1;
            }
            widths.row(&row(a), out)?;
        }
        widths.end(out)?;
        if detail {
            writeln!(out, "Criteria:")?;
            let mut seen = std::collections::BTreeSet::new();
            for a in r.audits.iter().filter(shown).filter(|a| seen.insert(a.area)) {
                if let Some(area) = a.area_in(reg) {
                    write_wrapped(out, &criteria(area), width, 2)?;
                }
            }
        }
    }
    let review = r.review.wording();
    let past = match (r.review.date < plan.today, r.review.not_held) {
        (true, true) => ", past, not recorded as held",
        (true, false) if r.review.recorded.is_none() => ", past",
        _ => "",
    };
    let on = |day: NaiveDate| view.shows_days(day, day);
    if on(r.review.date) {
        writeln!(out, "Management review: {} ({review}{past})", r.review.date)?;
    }
    if let Some(extra) = r.review_before_stage2.filter(|x| on(x.date)) {
        writeln!(out, "Management review before Stage 2: {} (recorded)", extra.date)?;
    }
    for other in r.other_reviews.iter().filter(|x| on(x.date)) {
        writeln!(out, "Other management review recorded in the round: {} ({})", other.date, other.wording())?;
    }
    Ok(())
}

/// Writes the plan for a terminal `width` columns wide: external audits, each round, the coverage
/// matrix, settings. With `detail`, each round lists what its audits cover. A partial `view`
/// shows the external audits, rounds, audits and reviews it asks for, without the sections
/// about the whole programme (audit time, coverage, effort).
pub fn write(plan: &Plan<'_>, detail: bool, view: &View, width: usize, out: &mut dyn Write) -> io::Result<()> {
    let reg = plan.register;
    heading(plan, width, out)?;
    if !view.whole() {
        let text = format!("Shown: {} only", view.describe());
        write_wrapped(out, &text, width, 2)?;
    }
    writeln!(out, "\nExternal audits")?;
    let rows: Vec<Vec<String>> = plan
        .externals()
        .into_iter()
        .filter(|e| view.shows_external(plan, e))
        .map(|e| {
            let cycle = if e.cycle == 0 { "initial".to_string() } else { e.cycle.to_string() };
            let latest = e.latest.map(|d| d.to_string()).unwrap_or_default();
            let date = if e.end > e.date { format!("{} to {}", e.date, e.end) } else { e.date.to_string() };
            vec![cycle, e.label(), date, latest, external_status(&e, plan)]
        })
        .collect();
    if rows.is_empty() && !view.whole() {
        writeln!(out, "None on these days.")?;
    } else {
        grid::write(&["Cycle", "Audit", "Date", "Latest", "Status"], &rows, width, out)?;
    }

    if let Some(e) = crate::cycle::estimate::Estimate::of(&reg.profile).filter(|_| view.whole()) {
        writeln!(out)?;
        write_wrapped(out, cost::HEADING, width, 2)?;
        let visits = plan.cycles.first().and_then(|c| cost::not_visited(reg, c));
        for line in cost::basis(reg, &e).iter().chain(&visits) {
            write_wrapped(out, line, width, 2)?;
        }
        grid::write(&cost::header(&e), &cost::rows(&e), width, out)?;
    }

    if let Some(l) = plan.lapse {
        writeln!(out)?;
        let text = format!(
            "The certificate of cycle {} expired on {} and was not restored by {}: it has lapsed, and no surveillance is planned for it. Record the new initial certification (at least a Stage 2 audit) under `certification.restart` to plan from it.",
            l.cycle, l.expiry, l.deadline
        );
        write_wrapped(out, &text, width, 2)?;
    }

    // Each round is written as it comes (an outline plans it then), and what the coverage
    // matrix needs of it kept small: a plan of 100,000 areas is never held whole.
    let mut without: std::collections::BTreeMap<&str, (usize, &str)> = std::collections::BTreeMap::new();
    let mut matrix = Coverage::new();
    let calendar = crate::calendar::Calendar::new(&reg.settings);
    let mut effort = Effort::new(reg, plan.today);
    plan.each_round(|r| {
        if !view.shows_round(r) {
            return Ok(());
        }
        matrix.add(plan, r);
        effort.add(reg, &calendar, r);
        round(plan, r, detail, view, width, &mut without, out)
    })?;
    for (label, (n, note)) in without {
        writeln!(out)?;
        write_wrapped(out, &format!("{} planned with no auditor ({label}): {note}", count(n, "area audit")), width, 2)?;
    }

    if !view.whole() {
        writeln!(out)?;
        write_wrapped(
            out,
            "Coverage, effort and audit time are for the whole plan: run `plan` without --round, --from and --to.",
            width,
            2,
        )?;
    } else if !matrix.is_empty() {
        coverage(plan, &matrix, width, out)?;
        effort_tables(reg, &effort, width, out)?;
    }

    writeln!(out)?;
    for line in settings_lines(reg) {
        write_wrapped(out, &line, width, 2)?;
    }
    Ok(())
}

/// The programme's effort: auditor-days per round, then per auditor and calendar year.
fn effort_tables(reg: &Register, effort: &Effort, width: usize, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out)?;
    let note = "Internal audit effort in auditor-days (the open days each audit takes: its area's `audit_days` where planned), over the rounds shown: a calendar year they cover in part counts only their days";
    write_wrapped(out, note, width, 2)?;
    let blank_zero = |n: u32| if n == 0 { String::new() } else { n.to_string() };
    let rows: Vec<Vec<String>> = (effort.rounds.iter())
        .map(|r| {
            let cap = r.cap.map(|c| c.to_string()).unwrap_or_default();
            let (held, booked, unassigned) = (blank_zero(r.held), blank_zero(r.booked), blank_zero(r.unassigned));
            vec![r.label.clone(), r.last_day.to_string(), r.days.to_string(), held, booked, unassigned, cap]
        })
        .collect();
    let header = ["Round", "Last day", "Days", "Held", "Booked", "No auditor", "Caps allow"];
    grid::write(&header, &rows, width, out)?;
    writeln!(out, "By auditor and calendar year:")?;
    let years: Vec<i32> = effort.years.keys().copied().collect();
    let mut header = vec!["Auditor".to_string()];
    header.extend(years.iter().map(i32::to_string));
    header.extend(["Total".to_string(), "Yearly cap".to_string()]);
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (k, who, by_year) in effort.by_auditor() {
        let auditor = k.and_then(|k| reg.auditors.get(k));
        let mut row = vec![auditor.map_or_else(|| who.to_string(), crate::register::Auditor::label)];
        row.extend(years.iter().map(|y| blank_zero(by_year.get(y).copied().unwrap_or(0))));
        row.push(by_year.values().sum::<u32>().to_string());
        row.push(auditor.and_then(|a| a.max_days_per_year).map(|c| c.to_string()).unwrap_or_default());
        rows.push(row);
    }
    let mut all = vec!["All".to_string()];
    all.extend(years.iter().map(|y| effort.years[y].to_string()));
    all.push(effort.years.values().sum::<u32>().to_string());
    all.push(Effort::year_cap(reg).map(|c| c.to_string()).unwrap_or_default());
    rows.push(all);
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    grid::write(&header, &rows, width, out)
}

/// An area as people know it: its name, with its id where the two differ.
fn area_label(a: &Area) -> String {
    if a.name() == a.id { a.id.to_string() } else { format!("{} ({})", a.name(), a.id) }
}

/// The settings the plan was made with (which are defaults), the closures, and how dates move.
pub(super) fn settings_lines(reg: &Register) -> Vec<String> {
    let s = &reg.settings;
    let default = |name: &str| if s.given.contains(name) { "" } else { " (default)" };
    let mut settings: Vec<String> = s.numbers().map(|(n, v)| format!("{} {v}{}", n.key, default(n.key))).collect();
    settings.push(format!("rotation {}{}", if s.rotation { "on" } else { "off" }, default("rotation")));
    settings.push(format!("workdays {}{}", s.workday_names().join(" "), default("workdays")));
    let mut out = vec![format!("Settings: {}.", settings.join(", "))];
    let why = |reason: &str| if reason.is_empty() { String::new() } else { format!(" ({reason})") };
    for b in &s.blackouts {
        out.push(format!("Blackout: {} to {}{}.", b.from, b.to, why(&b.reason)));
    }
    for b in &s.yearly {
        let (from, to) = b.days();
        let days = if from == to { from } else { format!("{from} to {to}") };
        out.push(format!("Closed every year: {days}{}.", why(&b.reason)));
    }
    out.push("Planned dates fall on workdays outside blackouts, moved earlier, never later; each round's audits are spread over the round_weeks before its last day.".to_string());
    out
}

/// The coverage matrix: each area's audit per round, one table per cycle (a cycle's rounds fit
/// a terminal; several cycles' do not), and each cycle's verdict.
fn coverage(plan: &Plan<'_>, matrix: &Coverage, width: usize, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out)?;
    let note =
        "Coverage (catch-up: planned later than intended, the round before being over; -: not in the scope then)";
    write_wrapped(out, note, width, 2)?;
    let verdicts = matrix.verdicts(plan);
    // Each cycle's rounds are together.
    let mut start = 0;
    while start < matrix.rounds.len() {
        let cycle = matrix.rounds[start].0;
        let end = start + matrix.rounds[start..].iter().take_while(|r| r.0 == cycle).count();
        let header = matrix.header(start..end);
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        // Areas in the scope for at least one of the cycle's rounds, measured, then written.
        let mut columns = Columns::new(&header);
        for row in matrix.rows(plan, start..end) {
            columns.measure(&row);
        }
        let widths = columns.fit(width);
        widths.header(&header, out)?;
        for row in matrix.rows(plan, start..end) {
            widths.row(&row, out)?;
        }
        widths.end(out)?;
        // The verdict of each cycle whose rounds this table shows (round 0 has none of its own).
        for (c, line) in plan.cycles.iter().zip(&verdicts) {
            if c.number == cycle {
                write_wrapped(out, line, width, 2)?;
            }
        }
        start = end;
    }
    Ok(())
}

/// The coverage matrix, kept small as the rounds go by: for each round and each area of the
/// scope, a number standing for its cell (`-` where the area was not in the scope then, blank
/// where it had no audit, else the status of the audit that counts), and whether the round
/// covers it (see [`Round::covers`]).
pub(super) struct Coverage {
    /// Each round's cycle and label.
    rounds: Vec<(u32, String)>,
    /// Per round, per area.
    cells: Vec<Vec<u16>>,
    covered: Vec<Vec<bool>>,
    /// The statuses seen, each once: cell `k + 2` is `statuses[k]`.
    statuses: Vec<String>,
    numbers: HashMap<String, u16>,
}

/// A cell: the area was not in the scope for the round ...
const OUT_OF_SCOPE: u16 = 0;
/// ... or was, and had no audit in it.
const NO_AUDIT: u16 = 1;

impl Coverage {
    pub(super) fn new() -> Self {
        Coverage {
            rounds: Vec::new(),
            cells: Vec::new(),
            covered: Vec::new(),
            statuses: Vec::new(),
            numbers: HashMap::new(),
        }
    }

    /// The matrix of a plan's rounds, all at hand.
    pub(super) fn of(plan: &Plan<'_>) -> Self {
        let mut matrix = Coverage::new();
        for r in &plan.rounds {
            matrix.add(plan, r);
        }
        matrix
    }

    pub(super) fn is_empty(&self) -> bool {
        self.rounds.is_empty()
    }

    /// How many rounds it has.
    pub(super) fn len(&self) -> usize {
        self.rounds.len()
    }

    /// Keeps what the matrix needs of round `r`.
    pub(super) fn add(&mut self, plan: &Plan<'_>, r: &Round<'_>) {
        let scope = &plan.register.scope;
        let mut cells: Vec<u16> = scope.iter().map(|a| if r.includes(a) { NO_AUDIT } else { OUT_OF_SCOPE }).collect();
        let mut covered = vec![false; scope.len()];
        // The audit that counts, if there is one (independent, and a full audit); else the
        // first there is.
        let mut shown: Vec<Option<&AreaAudit>> = vec![None; scope.len()];
        let counts = |a: &AreaAudit| a.independent && a.kind == AuditKind::Full;
        for a in &r.audits {
            let Some(i) = a.area_at().filter(|i| *i < scope.len()) else { continue };
            if shown[i].is_none_or(|b| !counts(b) && counts(a)) {
                shown[i] = Some(a);
            }
        }
        for (i, a) in shown.iter().enumerate() {
            if let Some(a) = a {
                let status = status(a, plan.today);
                let n = self.statuses.len() as u16 + 2;
                cells[i] = *self.numbers.entry(status.clone()).or_insert_with(|| {
                    self.statuses.push(status);
                    n
                });
            }
        }
        for a in r.audits.iter().filter(|a| r.counts(a, plan.today)) {
            if let Some(i) = a.area_at().filter(|i| *i < scope.len()) {
                covered[i] = true;
            }
        }
        self.rounds.push((r.cycle, r.label()));
        self.cells.push(cells);
        self.covered.push(covered);
    }

    /// The header of the rounds `rounds`: area, risk, then each round.
    pub(super) fn header(&self, rounds: std::ops::Range<usize>) -> Vec<String> {
        let mut header = vec!["Area".to_string(), "Risk".to_string()];
        header.extend(self.rounds[rounds].iter().map(|(_, label)| label.clone()));
        header
    }

    /// A row for each area in the scope for at least one of the rounds `rounds`: its name, its
    /// risk, then its cell in each.
    pub(super) fn rows<'a>(
        &'a self,
        plan: &'a Plan<'_>,
        rounds: std::ops::Range<usize>,
    ) -> impl Iterator<Item = Vec<String>> + 'a {
        let cells = &self.cells[rounds];
        plan.register.scope.iter().enumerate().filter(move |(i, _)| cells.iter().any(|c| c[*i] != OUT_OF_SCOPE)).map(
            move |(i, area)| {
                let mut row = vec![area_label(area), area.risk.as_str().to_string()];
                row.extend(cells.iter().map(|c| match c[i] {
                    OUT_OF_SCOPE => "-".to_string(),
                    NO_AUDIT => String::new(),
                    k => self.statuses[usize::from(k) - 2].clone(),
                }));
                row
            },
        )
    }

    /// Each cycle's coverage verdict, one sentence each.
    pub(super) fn verdicts(&self, plan: &Plan<'_>) -> Vec<String> {
        let scope = &plan.register.scope;
        let mut out = Vec::new();
        for c in &plan.cycles {
            let rounds: Vec<usize> = (0..self.rounds.len()).filter(|&k| self.rounds[k].0 == c.number).collect();
            let uncovered: Vec<&str> = (0..scope.len())
                .filter(|&i| !scope[i].left_by(plan.today))
                .filter(|&i| rounds.iter().any(|&k| self.cells[k][i] != OUT_OF_SCOPE))
                .filter(|&i| !rounds.iter().any(|&k| self.covered[k][i]))
                .map(|i| scope[i].id.as_str())
                .collect();
            out.push(if uncovered.is_empty() {
                format!("Cycle {}: every area is covered (audited, booked or still planned).", c.number)
            } else {
                format!(
                    "Cycle {}: NOT COVERED: {} (no audit held, booked or still planned).",
                    c.number,
                    uncovered.join(", ")
                )
            });
        }
        out
    }
}
