//! The record: corrective actions (ISO/IEC 27001:2022 10.2) on time, audits that name their
//! auditor, record and Stage dates on open days, and what the cycle before left open, until
//! the certification body's first audit of the new cycle asks about it.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;

use super::facts::{Left, OnClosedDay};
use super::{Fact, Severity};
use crate::codes::Code;
use crate::cycle::Basis;
use crate::diagnostic::Loc;
use crate::plan::Plan;
use crate::programme::{Round, RoundName};
use crate::register::{NonconformitySeverity, Register, Status};

/// Corrective actions open past their due date; and before Stage 1 or Stage 2, any open on a
/// major nonconformity.
pub(super) fn corrective_actions<'r>(plan: &Plan<'r>) -> Vec<Fact<'r>> {
    let today = plan.today;
    let epoch = plan.epoch();
    let ahead = [epoch.stage1, epoch.stage2].into_iter().flatten().find(|s| plan.initial && s.date >= today);
    let mut out = Vec::new();
    for ca in plan.register.corrective_actions.iter().filter(|c| c.open_on(today)) {
        if ca.due_now() < today {
            out.push(Fact::CorrectiveActionOverdue {
                id: &ca.id,
                severity: ca.severity,
                area: &ca.area,
                due: ca.due_now(),
                at: ca.loc,
            });
        }
        if let (Some(ahead), NonconformitySeverity::Major) = (ahead, ca.severity) {
            out.push(Fact::MajorNonconformityOpen { id: &ca.id, area: &ca.area, ahead: Box::new(ahead), at: ca.loc });
        }
    }
    // Each nonconformity found in an audit held has its corrective action (10.2).
    let answered: BTreeSet<&str> =
        plan.register.corrective_actions.iter().filter_map(|c| c.finding.as_deref()).collect();
    // (After the days the auditees have to agree one with the auditor.)
    let days = chrono::Days::new(u64::from(plan.register.settings.corrective_action_days));
    let due = |a: &&crate::register::AuditRecord| a.date.checked_add_days(days).is_some_and(|d| d < today);
    for audit in plan.register.audits.iter().filter(|a| a.status_on(today) == Status::Done).filter(due) {
        for f in audit.findings.iter().filter(|f| !answered.contains(f.id.as_str())) {
            let Some(severity) = f.kind.severity() else { continue };
            let (id, area) = (&f.id, &f.area);
            out.push(Fact::FindingWithoutCorrectiveAction { id, severity, area, date: audit.date, at: f.loc });
        }
    }
    out
}

/// Recorded internal audits of the rounds checked, and the Stage dates, on days the register
/// closes: one of the two is likely wrong.
pub(super) fn closed_days<'r>(plan: &Plan<'r>, since: Option<NaiveDate>) -> Vec<Fact<'r>> {
    let reg = plan.register;
    let calendar = crate::calendar::Calendar::new(&reg.settings);
    let sites = crate::programme::SiteCalendars::new(reg);
    // The records' areas are looked up only where a site has closures of its own.
    let area_at: HashMap<Cow<str>, usize> = if sites.is_empty() {
        HashMap::new()
    } else {
        reg.scope.iter().enumerate().map(|(i, a)| (crate::register::folded(&a.id), i)).collect()
    };
    let mut out = Vec::new();
    for record in reg.audits.iter().filter(|r| since.is_none_or(|s| r.date >= s)) {
        // The organisation's closures, and those of its areas' sites; every day it takes (a
        // weekend may fall inside an audit of several days, a closure may not).
        let own = (record.areas.iter())
            .filter(|_| !sites.is_empty())
            .filter_map(|a| sites.of(*area_at.get(&*crate::register::folded(a))?));
        let calendars: Vec<&crate::calendar::Calendar> = std::iter::once(&calendar).chain(own).collect();
        let end = record.end.unwrap_or(record.date).max(record.date);
        let closed = std::iter::successors(Some(record.date), |d| d.succ_opt().filter(|n| *n <= end)).find_map(|d| {
            let ends = d == record.date || d == end;
            calendars.iter().find_map(|c| c.closed_because(d).filter(|_| ends || c.workday(d))).map(|why| (d, why))
        });
        if let Some((date, why)) = closed {
            out.push(Fact::AuditOnClosedDay {
                what: OnClosedDay::Audit { areas: &record.areas },
                date,
                why,
                at: Some(record.loc),
            });
        }
    }
    let epoch = plan.epoch();
    // Stage dates the register gives (not the assumed ones, which are moved to open days).
    let stages = [epoch.stage1, epoch.stage2].into_iter().flatten();
    for stage in stages.filter(|s| matches!(s.basis, Basis::Given | Basis::Recorded)) {
        if let Some(why) = calendar.closed_because(stage.date) {
            out.push(Fact::AuditOnClosedDay {
                what: OnClosedDay::Stage { stage: Box::new(stage) },
                date: stage.date,
                why,
                at: stage.loc,
            });
        }
    }
    out
}

/// Audits of the rounds checked that name no auditor and no outside firm.
pub(super) fn audits_without_auditor(reg: &Register, since: Option<NaiveDate>) -> Vec<Fact<'_>> {
    (reg.audits.iter())
        .filter(|r| since.is_none_or(|s| r.date >= s) && r.auditor.is_none() && r.auditor_org.is_none())
        .map(|r| Fact::AuditWithoutAuditor { areas: &r.areas, date: r.date, at: r.loc })
        .collect()
}

/// A cycle's gaps do not vanish when it ends: until the certification body's first audit of the
/// new cycle, which will ask about them, they are carried over as warnings, one per area.
/// Rounds the record cannot speak for: those over before `programme.record_from` (not judged,
/// said once), or, without it, those over before the first internal audit recorded that leave
/// audits overdue (the likely cause named once, beside the overdue audits).
pub(super) fn record_start<'r>(plan: &Plan<'r>) -> Option<Fact<'r>> {
    let reg = plan.register;
    // The rounds whose audits `check` judges: those shown, and the cycle before while
    // `previous_cycle` reports on it.
    let previous: &[Round] = if previous_judged(plan) { &plan.previous } else { &[] };
    let rounds = || previous.iter().chain(&plan.rounds);
    if let Some(from) = reg.record_from {
        let before: Vec<RoundName> =
            rounds().filter(|r| !reg.judges(r.window_start, r.last_day)).map(Round::short_name).collect();
        return (!before.is_empty()).then_some(Fact::RecordNotJudged { from: from.date, rounds: before, at: from.loc });
    }
    let first = reg.audits.iter().map(|a| a.date).min()?;
    let (mut labels, mut overdue) = (Vec::new(), 0);
    for r in rounds().filter(|r| r.window_end <= first) {
        let n = r.audits.iter().filter(|a| a.overdue()).count();
        if n > 0 {
            labels.push(r.short_name());
            overdue += n;
        }
    }
    (overdue > 0).then_some(Fact::RecordStartsLater { first, rounds: labels, overdue })
}

/// Whether `check` still reports what the previous cycle's rounds left open: until the current
/// cycle's first surveillance.
fn previous_judged(plan: &Plan<'_>) -> bool {
    let first_audit = plan.cycles.first().map(|c| c.first_audit().date);
    !plan.initial && plan.lapse.is_none() && first_audit.is_some_and(|d| plan.today < d)
}

pub(super) fn previous_cycle<'r>(plan: &Plan<'r>) -> Vec<Fact<'r>> {
    let Some(current) = plan.cycles.first() else { return Vec::new() };
    let epoch = plan.epoch();
    if !previous_judged(plan) {
        return Vec::new();
    }
    let first_audit = current.first_audit().date;
    // The rounds the plan was made after, planned once with it.
    let rounds = &plan.previous;
    let (found, cycle) = if current.number > epoch.first_cycle {
        let previous = plan.certificate.cycle(current.number - 1);
        let mut found = super::programme::rounds(
            plan.register,
            plan.certificate,
            plan.today,
            rounds,
            std::slice::from_ref(previous),
        );
        if previous.recertification.basis == Basis::Recorded && previous.recertified_in_time() {
            found.push(
                super::certificate::recertification_late(previous, plan.today, epoch.decision.loc)
                    .into_iter()
                    .collect(),
            );
        }
        (found, previous.number)
    } else {
        // The first cycle: what round 0 left open, once the decision has moved the plan on.
        (super::programme::rounds(plan.register, plan.certificate, plan.today, rounds, &[]), 0)
    };
    // The round each area's overdue audit is in, by the external audit it prepared.
    let mut overdue_in: BTreeMap<(&str, NaiveDate), RoundName> = BTreeMap::new();
    for r in rounds {
        for a in r.audits.iter().filter(|a| a.overdue()) {
            overdue_in.insert((a.area, r.prepares.date), r.short_name());
        }
    }
    // One warning per area: the rounds whose audit stayed overdue, and whether the cycle was
    // left uncovered; the other errors as they were found.
    let mut by_area: BTreeMap<String, (Vec<RoundName>, bool, Option<Loc>)> = BTreeMap::new();
    let mut out = Vec::new();
    let kept = |f: &Fact| f.code().severity() == Severity::Error || f.code() == Code::RecertificationLate;
    for fact in found.into_iter().flatten().filter(kept) {
        let f = fact.finding();
        let Some(area) = f.area else {
            out.push(Fact::PreviousCycleGap { cycle, first_audit, left: Left::Other(Box::new(fact)) });
            continue;
        };
        let entry = by_area.entry(area.clone()).or_insert((Vec::new(), false, f.loc));
        match f.code {
            Code::OverdueAudit => entry.0.extend(f.date.and_then(|d| overdue_in.get(&(area.as_str(), d))).copied()),
            Code::AreaNotCovered => entry.1 = true,
            _ => {}
        }
    }
    // Those that have left the scope since: nothing to audit now (one walk of the scope, and
    // none where no area is left open).
    let mut gone: BTreeMap<&str, NaiveDate> = BTreeMap::new();
    if !by_area.is_empty() {
        for a in plan.register.scope.iter().filter(|a| a.left_by(plan.today)) {
            if let (Some(until), true) = (a.until, by_area.contains_key(a.id.as_str())) {
                gone.insert(&a.id, until);
            }
        }
    }
    for (area, (rounds, uncovered, at)) in by_area {
        let left = gone.get(area.as_str()).copied();
        let (area, rounds) = (area.into(), rounds.into());
        out.push(Fact::PreviousCycleGap { cycle, first_audit, left: Left::Area { area, rounds, uncovered, left, at } });
    }
    out
}
