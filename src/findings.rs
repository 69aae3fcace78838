//! `ismsaudit check`: compares the register, its record and the plan with the rules, for the
//! certificate cycle that contains `today` (and round 0 before certification).

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate};

use crate::catalogue;
use crate::cycle::{Basis, Cycle};
use crate::diagnostic::{InputError, Loc};
use crate::plan::{Plan, plan};
use crate::programme::{Programme, Round, Source, Unassigned};
use crate::register::{Register, Status};

/// `certificate-expiring` warns this many days ahead.
pub const EXPIRY_WARNING_DAYS: i64 = 90;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn key(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// The stable finding codes. Their names never change; new ones may be added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Code {
    ClauseNotCovered,
    ControlNotCovered,
    ControlExcludedAndCovered,
    NoIndependentAuditor,
    AuditorNotIndependent,
    OverdueAudit,
    RoundOverCapacity,
    AreaNotCovered,
    FirstAuditLate,
    ReviewMissing,
    SurveillanceLate,
    RecertificationLate,
    CertificateExpired,
    CertificateExpiring,
    PreviousCycleGap,
    DecisionNotRecorded,
}

impl Code {
    pub const ALL: [Code; 16] = [
        Code::ClauseNotCovered,
        Code::ControlNotCovered,
        Code::ControlExcludedAndCovered,
        Code::NoIndependentAuditor,
        Code::AuditorNotIndependent,
        Code::OverdueAudit,
        Code::RoundOverCapacity,
        Code::AreaNotCovered,
        Code::FirstAuditLate,
        Code::ReviewMissing,
        Code::SurveillanceLate,
        Code::RecertificationLate,
        Code::CertificateExpired,
        Code::CertificateExpiring,
        Code::PreviousCycleGap,
        Code::DecisionNotRecorded,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Code::ClauseNotCovered => "clause-not-covered",
            Code::ControlNotCovered => "control-not-covered",
            Code::ControlExcludedAndCovered => "control-excluded-and-covered",
            Code::NoIndependentAuditor => "no-independent-auditor",
            Code::AuditorNotIndependent => "auditor-not-independent",
            Code::OverdueAudit => "overdue-audit",
            Code::RoundOverCapacity => "round-over-capacity",
            Code::AreaNotCovered => "area-not-covered",
            Code::FirstAuditLate => "first-audit-late",
            Code::ReviewMissing => "review-missing",
            Code::SurveillanceLate => "surveillance-late",
            Code::RecertificationLate => "recertification-late",
            Code::CertificateExpired => "certificate-expired",
            Code::CertificateExpiring => "certificate-expiring",
            Code::PreviousCycleGap => "previous-cycle-gap",
            Code::DecisionNotRecorded => "decision-not-recorded",
        }
    }

    /// What to do about it, in a sentence (the README's table says more).
    pub fn advice(self) -> &'static str {
        match self {
            Code::ClauseNotCovered => "add the clause to the `clauses` of the area that runs it, usually `isms-core`",
            Code::ControlNotCovered => {
                "add the control to an area's `controls`, or exclude it in `soa.excluded` with a reason"
            }
            Code::ControlExcludedAndCovered => {
                "remove the exclusion or take the control off the area: the SoA must match the scope"
            }
            Code::NoIndependentAuditor => {
                "add an auditor independent of the area (another team's, or an outside firm) to `auditors`"
            }
            Code::AuditorNotIndependent => "have the area audited by an independent auditor; rebook a booked audit",
            Code::OverdueAudit => {
                "hold the audit (the next round plans it as a catch-up) and record it with `status: done`"
            }
            Code::RoundOverCapacity => "add auditors, hold audits earlier, or review the external audit's date",
            Code::AreaNotCovered => "audit the area before the next external audit and tell your certification body",
            Code::FirstAuditLate => "hold and record the internal audits, or move Stage 1",
            Code::ReviewMissing => {
                "record the management review under `reviews`, or hold one and take its outputs to the next audit"
            }
            Code::SurveillanceLate => {
                "record the surveillance audit held; if it was late, talk to your certification body now"
            }
            Code::RecertificationLate => "book the recertification earlier and record it under `recertification`",
            Code::CertificateExpired => {
                "record the recertification held; otherwise restoration is possible within 6 months, then a new Stage 2"
            }
            Code::CertificateExpiring => "book the recertification audit and record it under `recertification`",
            Code::PreviousCycleGap => {
                "prepare the answer for the certification body and audit the area early in this cycle"
            }
            Code::DecisionNotRecorded => "add `decision:` to `certification`",
        }
    }

    pub fn severity(self) -> Severity {
        match self {
            Code::ControlExcludedAndCovered
            | Code::ReviewMissing
            | Code::CertificateExpiring
            | Code::PreviousCycleGap
            | Code::DecisionNotRecorded => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

/// One thing `check` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub code: Code,
    pub message: String,
    pub area: Option<String>,
    pub control: Option<String>,
    pub date: Option<NaiveDate>,
    /// Where in the register, where one place is concerned.
    pub loc: Option<Loc>,
}

impl Finding {
    fn new(code: Code, message: String) -> Self {
        Finding { code, message, area: None, control: None, date: None, loc: None }
    }
    fn area(mut self, area: &str) -> Self {
        self.area = Some(area.to_string());
        self
    }
    fn control(mut self, control: &str) -> Self {
        self.control = Some(control.to_string());
        self
    }
    fn date(mut self, date: NaiveDate) -> Self {
        self.date = Some(date);
        self
    }
    fn at(mut self, loc: impl Into<Option<Loc>>) -> Self {
        self.loc = loc.into();
        self
    }
    pub fn severity(&self) -> Severity {
        self.code.severity()
    }
}

/// Every finding for `register` on `today`, errors first, then by code and position.
pub fn check(register: &Register, today: NaiveDate) -> Result<Vec<Finding>, InputError> {
    let plan = plan(register, today, 1)?;
    let mut out = Vec::new();
    coverage_of_the_standard(register, &mut out);
    // Records before the rounds checked belong to cycles already judged.
    let since = plan.rounds.iter().map(|r| r.window_start).min().flatten();
    independence(register, since, &mut out);
    programme(register, today, &plan.rounds, &plan.cycles, &mut out);
    first_audit(&plan, &mut out);
    certificate(&plan, &mut out);
    previous_cycle(&plan, &mut out);
    // Stable: within a code and a place, findings stay in the order found (catalogue, rounds).
    out.sort_by_key(|f| (f.severity(), f.code, f.loc));
    Ok(out)
}

/// Clauses 4-10 and every applicable Annex A control must sit in some area of the scope, so
/// that the internal audits of a cycle cover the whole ISMS (clause 9.2; SoA, clause 6.1.3 d).
fn coverage_of_the_standard(reg: &Register, out: &mut Vec<Finding>) {
    let carried = |control: &str| reg.scope.iter().find(|a| a.controls.iter().any(|c| c == control));
    let clauses = reg.carried_clauses();
    for clause in catalogue::clause_ids() {
        if !clauses.contains(clause) {
            let title = catalogue::clause_title(clause).unwrap_or_default();
            out.push(Finding::new(
                Code::ClauseNotCovered,
                format!("clause {clause} ({title}) is in no area of the scope"),
            ));
        }
    }
    for control in catalogue::control_ids() {
        let title = catalogue::control_title(&control).unwrap_or_default();
        let excluded = reg.exclusions.iter().find(|e| e.control == control);
        match (excluded, carried(&control)) {
            (None, None) => out.push(
                Finding::new(
                    Code::ControlNotCovered,
                    format!("control {control} ({title}) is in no area and not excluded in the SoA"),
                )
                .control(&control),
            ),
            (Some(e), Some(area)) => out.push(
                Finding::new(
                    Code::ControlExcludedAndCovered,
                    format!("control {control} ({title}) is excluded in the SoA but area `{}` carries it", area.id),
                )
                .control(&control)
                .area(&area.id)
                .at(e.loc),
            ),
            _ => {}
        }
    }
}

fn independence(reg: &Register, since: Option<NaiveDate>, out: &mut Vec<Finding>) {
    for area in &reg.scope {
        if !reg.auditors.iter().any(|a| area.independent_of(a)) {
            let n = reg.auditors.len();
            out.push(
                Finding::new(
                    Code::NoIndependentAuditor,
                    match n {
                        0 => format!("area `{}` has no independent auditor: the register lists no auditors", area.id),
                        1 => format!("area `{}` has no independent auditor: its owner, team or conflicts rule out the only auditor", area.id),
                        _ => format!("area `{}` has no independent auditor: its owner, team and conflicts rule out all {n} auditors", area.id),
                    },
                )
                .area(&area.id)
                .at(area.loc),
            );
        }
    }
    for record in reg.audits.iter().filter(|r| since.is_none_or(|s| r.date >= s)) {
        let Some(auditor) = record.auditor.as_deref().and_then(|id| reg.auditors.iter().find(|a| a.id == id)) else {
            continue;
        };
        for area in reg.scope.iter().filter(|a| record.areas.contains(&a.id)) {
            if let Some(conflict) = area.conflict_with(auditor) {
                out.push(
                    Finding::new(
                        Code::AuditorNotIndependent,
                        format!(
                            "the audit of `{}` on {} is by `{}`, who {}",
                            area.id,
                            record.date,
                            auditor.id,
                            conflict.describe()
                        ),
                    )
                    .area(&area.id)
                    .date(record.date)
                    .at(record.loc),
                );
            }
        }
    }
}

fn describe(round: &Round) -> String {
    format!("round {} before {}", round.label(), round.prepares.describe())
}

/// Overdue audits, rounds without room for their audits, areas a cycle can no longer cover, and
/// missing management reviews.
fn programme(reg: &Register, today: NaiveDate, rounds: &[Round], cycles: &[Cycle], out: &mut Vec<Finding>) {
    let area_loc = |id: &str| reg.scope.iter().find(|a| a.id == id).map(|a| a.loc);
    for (k, round) in rounds.iter().enumerate() {
        // An audit held late, in a later round of the same cycle, makes up for a missed one.
        let caught_up =
            |area: &str| round.cycle > 0 && rounds[k + 1..].iter().any(|r| r.cycle == round.cycle && r.done(area));
        for a in &round.audits {
            let open = match a.source {
                Source::Planned | Source::CatchUp => true,
                Source::Booked => a.date < today,
                Source::Done => false,
            };
            if round.last_day < today && open && !round.done(&a.area) && !caught_up(&a.area) {
                let by_whom = if round.audits_of(&a.area).any(|x| x.source == Source::Done && !x.independent) {
                    " by an independent auditor"
                } else {
                    ""
                };
                out.push(
                    Finding::new(
                        Code::OverdueAudit,
                        format!(
                            "the audit of `{}` in {} was due by {} and has no done record{by_whom}",
                            a.area,
                            describe(round),
                            round.last_day
                        ),
                    )
                    .area(&a.area)
                    .date(round.last_day)
                    .at(a.loc.or(area_loc(&a.area))),
                );
            }
            if round.last_day >= today && a.unassigned == Some(Unassigned::NoFreeDay) {
                let first_day = round.first_day(today);
                let message = if first_day > round.last_day {
                    format!(
                        "{} has no days left for the audit of `{}`: it must end by {} but cannot start before {first_day}",
                        describe(round),
                        a.area,
                        round.last_day
                    )
                } else {
                    format!(
                        "no independent auditor has a free day for the audit of `{}` in {} between {first_day} and {}",
                        a.area,
                        describe(round),
                        round.last_day
                    )
                };
                out.push(
                    Finding::new(Code::RoundOverCapacity, message)
                        .area(&a.area)
                        .date(round.last_day)
                        .at(area_loc(&a.area)),
                );
            }
        }
        if round.prepares.date < today {
            // Any review recorded in the window after the round's last audit held will do, even
            // an early one: it could take the results (9.3.2).
            let last_done = round.audits.iter().filter(|a| a.source == Source::Done).map(|a| a.date).max();
            let reviews: Vec<_> = reg.reviews.iter().filter(|r| round.window_contains(r.date)).collect();
            let after_audits = reviews.iter().any(|r| last_done.is_none_or(|done| r.date >= done));
            match (reviews.last(), last_done) {
                (None, _) => out.push(
                    Finding::new(
                        Code::ReviewMissing,
                        format!("no management review is recorded for {}", describe(round)),
                    )
                    .date(round.prepares.date)
                    .at(round.prepares.loc),
                ),
                (Some(review), Some(done)) if !after_audits => out.push(
                    Finding::new(
                        Code::ReviewMissing,
                        format!(
                            "the management review on {} came before the round's audit on {done}, so it could not take its results ({})",
                            review.date,
                            describe(round)
                        ),
                    )
                    .date(review.date)
                    .at(review.loc),
                ),
                _ => {}
            }
        }
    }
    // Coverage of each cycle shown (round 0 is all-or-overdue, reported above).
    for cycle in cycles {
        let covered: BTreeSet<&str> =
            rounds.iter().filter(|r| r.cycle == cycle.number).flat_map(|r| r.covered(today)).collect();
        for area in &reg.scope {
            if !covered.contains(area.id.as_str()) {
                out.push(
                    Finding::new(
                        Code::AreaNotCovered,
                        format!(
                            "area `{}` cannot be covered in cycle {} ({} to {}): no audit of it is done and no round of the cycle is left to take it",
                            area.id, cycle.number, cycle.start, cycle.expiry
                        ),
                    )
                    .area(&area.id)
                    .at(area.loc),
                );
            }
        }
    }
}

/// The first internal audit comes at least the lead before Stage 1, so corrective actions can go
/// through management review before the certification body looks (seed rule; Stage 1 checks it).
fn first_audit(plan: &Plan<'_>, out: &mut Vec<Finding>) {
    let (Some(stage1), true) = (plan.certificate.stage1, plan.initial) else { return };
    let reg = plan.register;
    let lead = reg.settings.internal_audit_lead_weeks;
    let before: Vec<_> = reg.audits.iter().filter(|a| a.date < stage1.date).collect();
    match before.last() {
        Some(last) if (stage1.date - last.date).num_days() < 7 * i64::from(lead) => out.push(
            Finding::new(
                Code::FirstAuditLate,
                format!(
                    "the last internal audit before Stage 1 ({}) is on {}, {} days before it; at least {lead} weeks are needed so corrective actions can go through management review",
                    stage1.date,
                    last.date,
                    (stage1.date - last.date).num_days()
                ),
            )
            .date(last.date)
            .at(last.loc),
        ),
        _ => {}
    }
    // A booked audit is no evidence of one held.
    let held = before.iter().any(|a| a.status_on(plan.today) == Status::Done);
    if stage1.date < plan.today && !held {
        out.push(
            Finding::new(
                Code::FirstAuditLate,
                format!("Stage 1 on {} is past and no internal audit is recorded as done before it", stage1.date),
            )
            .date(stage1.date)
            .at(stage1.loc),
        );
    }
}

/// Surveillance, recertification and expiry of the cycle that contains `today`.
fn certificate(plan: &Plan<'_>, out: &mut Vec<Finding>) {
    let cert = &plan.certificate;
    let today = plan.today;
    let decision_loc = cert.decision.loc;
    if cert.decision.basis == Basis::Assumed && cert.decision.date < today {
        out.push(
            Finding::new(
                Code::DecisionNotRecorded,
                format!(
                    "the certification decision was assumed for {} and that day has passed: add `decision:` to `certification` once the certificate is issued",
                    cert.decision.date
                ),
            )
            .date(cert.decision.date)
            .at(cert.stage1.and_then(|s| s.loc)),
        );
    }
    if plan.initial {
        return;
    }
    let Some(cycle) = plan.cycles.first() else { return };
    let n = cycle.number;
    for (k, s) in (1u8..).zip(cycle.surveillance) {
        let Some(latest) = s.latest else { continue };
        let rule = if n == 1 && k == 1 {
            "the first surveillance is due within 12 months of the certification decision".to_string()
        } else {
            format!("surveillance {k} is due by anniversary {latest}")
        };
        if s.date > latest {
            out.push(
                Finding::new(
                    Code::SurveillanceLate,
                    format!("surveillance {k} of cycle {n} on {} is after its deadline {latest}: {rule}", s.date),
                )
                .date(s.date)
                .at(s.loc.or(decision_loc)),
            );
        } else if latest < today && s.basis != Basis::Recorded {
            out.push(
                Finding::new(
                    Code::SurveillanceLate,
                    format!("no surveillance audit is recorded for year {k} of cycle {n}, due by {latest}"),
                )
                .date(latest)
                .at(decision_loc),
            );
        }
    }
    // Surveillance at least once per calendar year (ISO/IEC 17021-1 9.6.2.2, a hard rule),
    // judged on the record for whole years past, once the anniversaries are in order.
    let anniversaries_kept = !out.iter().any(|f| f.code == Code::SurveillanceLate);
    let held: Vec<NaiveDate> = cycle.audits().iter().filter(|a| a.basis == Basis::Recorded).map(|a| a.date).collect();
    let last_year = today.year().saturating_sub(1).min(cycle.expiry.year());
    for year in cycle.start.year() + 1..=last_year {
        if anniversaries_kept && !held.iter().any(|d| d.year() == year) {
            out.push(
                Finding::new(
                    Code::SurveillanceLate,
                    format!("no certification-body audit is recorded in calendar year {year} of cycle {n}: surveillance is due at least once per calendar year"),
                )
                .at(decision_loc),
            );
        }
    }
    recertification_late(cycle, today, decision_loc, out);
    if n > 1 {
        let previous = cert.cycle(n - 1);
        if !previous.recertified_in_time() {
            out.push(
                Finding::new(
                    Code::CertificateExpired,
                    format!(
                        "the certificate of cycle {} expired on {} with no recertification recorded before it",
                        n - 1,
                        previous.expiry
                    ),
                )
                .date(previous.expiry)
                .at(decision_loc),
            );
        }
    }
    let days_left = (cycle.expiry - today).num_days();
    if (0..=EXPIRY_WARNING_DAYS).contains(&days_left) && cycle.recertification.basis != Basis::Recorded {
        out.push(
            Finding::new(
                Code::CertificateExpiring,
                format!(
                    "the certificate expires on {} (in {days_left} days) and no recertification audit is booked",
                    cycle.expiry
                ),
            )
            .date(cycle.expiry)
            .at(decision_loc),
        );
    }
}

/// The recertification must leave time for a decision before expiry.
fn recertification_late(cycle: &Cycle, today: NaiveDate, decision_loc: Option<Loc>, out: &mut Vec<Finding>) {
    let r = cycle.recertification;
    if let Some(latest) = r.latest
        && r.basis != Basis::Recorded
        && latest < today
    {
        out.push(
            Finding::new(
                Code::RecertificationLate,
                format!(
                    "no recertification audit of cycle {} is recorded and its latest date {latest} has passed: a decision before expiry on {} is no longer possible",
                    cycle.number, cycle.expiry
                ),
            )
            .date(latest)
            .at(decision_loc),
        );
        return;
    }
    if let Some(latest) = r.latest
        && r.date > latest
    {
        out.push(
            Finding::new(
                Code::RecertificationLate,
                format!(
                    "the recertification of cycle {} on {} is after {latest}, too late for a decision before expiry on {}",
                    cycle.number, r.date, cycle.expiry
                ),
            )
            .date(r.date)
            .at(r.loc.or(decision_loc)),
        );
    }
}

/// A cycle's gaps do not vanish when it ends: until the certification body's first audit of the
/// new cycle, which will ask about them, they are carried over as warnings.
fn previous_cycle(plan: &Plan<'_>, out: &mut Vec<Finding>) {
    let Some(current) = plan.cycles.first() else { return };
    let first_audit = current.surveillance[0].date;
    if plan.initial || current.number < 2 || plan.today >= first_audit {
        return;
    }
    let previous = plan.certificate.cycle(current.number - 1);
    let rounds = Programme::new(plan.register, &plan.certificate, plan.today).cycle_rounds(&previous);
    let mut found = Vec::new();
    programme(plan.register, plan.today, &rounds, std::slice::from_ref(&previous), &mut found);
    // An unrecorded recertification is `certificate-expired`'s; a late one is carried over.
    if previous.recertification.basis == Basis::Recorded {
        recertification_late(&previous, plan.today, plan.certificate.decision.loc, &mut found);
    }
    for f in found.into_iter().filter(|f| f.severity() == Severity::Error) {
        out.push(Finding {
            code: Code::PreviousCycleGap,
            message: format!(
                "cycle {} ended with this open; the certification body will ask at surveillance 1 on {first_audit}: {}",
                previous.number, f.message
            ),
            ..f
        });
    }
}
