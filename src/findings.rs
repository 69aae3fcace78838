//! `ismsaudit check`: compares the register, its record and the plan with the rules, for the
//! certificate cycle that contains `today` (and round 0 before certification). Deviations the
//! certification body accepted are shown as accepted, not counted, until their end date.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate};

use crate::catalogue;
pub use crate::codes::{Code, Severity};
use crate::cycle::{Basis, Certificate, Cycle, DECISION_MONTHS_AFTER_STAGE2, ExternalKind, months_after};
use crate::diagnostic::{InputError, Loc};
use crate::plan::{Plan, plan};
use crate::programme::{AreaAudit, Behind, Programme, Round, Source, Unassigned};
use crate::register::{Acceptance, Area, Conflicts, Register, Status, folded, same_id};

/// `certificate-expiring` warns this many days ahead.
pub const EXPIRY_WARNING_DAYS: i64 = 90;

/// One thing `check` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub code: Code,
    pub message: String,
    /// What to do: the code's advice, or something more precise for this finding.
    pub help: String,
    pub area: Option<String>,
    pub control: Option<String>,
    pub date: Option<NaiveDate>,
    /// Where in the register, where one place is concerned.
    pub loc: Option<Loc>,
    /// The accepted deviation that covers it (an index into the register's `accepted`).
    pub accepted: Option<usize>,
}

impl Finding {
    fn new(code: Code, message: String) -> Self {
        Finding {
            code,
            message,
            help: code.advice().to_string(),
            area: None,
            control: None,
            date: None,
            loc: None,
            accepted: None,
        }
    }
    fn help(mut self, help: impl Into<String>) -> Self {
        self.help = help.into();
        self
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
    /// Whether it counts toward `check`'s verdict: not covered by an accepted deviation.
    pub fn counts(&self) -> bool {
        self.accepted.is_none()
    }
}

/// Every finding for `register` on `today`: errors first, then warnings, then accepted ones,
/// each by code and position.
pub fn check(register: &Register, today: NaiveDate) -> Result<Vec<Finding>, InputError> {
    let plan = plan(register, today, 1)?;
    let mut out = Vec::new();
    coverage_of_the_standard(register, today, &mut out);
    // Records before the rounds checked belong to cycles already judged.
    let since = plan.rounds.iter().map(|r| r.window_start).min().flatten();
    independence(register, today, since, &plan.rounds, &mut out);
    programme(register, &plan.certificate, today, &plan.rounds, &plan.cycles, &mut out);
    first_audit(&plan, &mut out);
    certificate(&plan, &mut out);
    calendar_years(&plan, &mut out);
    intervals(&plan, since, &mut out);
    previous_cycle(&plan, &mut out);
    hygiene(&plan, since, &mut out);
    stage1_too_close(&plan, &mut out);
    corrective_actions(&plan, &mut out);
    closed_days(&plan, since, &mut out);
    // Stable: within a code and a place, findings stay in the order found (catalogue, rounds).
    out.sort_by_key(|f| (f.severity(), f.code, f.loc));
    let acceptances = accept(register, today, &mut out);
    out.extend(acceptances);
    out.sort_by_key(|f| (f.accepted.is_some(), f.severity(), f.code, f.loc));
    Ok(out)
}

/// Clauses 4-10 and every applicable Annex A control must sit in some area of the scope, so
/// that the internal audits of a cycle cover the whole ISMS (clause 9.2; SoA, clause 6.1.3 d).
fn coverage_of_the_standard(reg: &Register, today: NaiveDate, out: &mut Vec<Finding>) {
    let mut carrier: BTreeMap<&str, &Area> = BTreeMap::new();
    for area in reg.scope.iter().filter(|a| a.until.is_none_or(|u| u >= today)) {
        for c in &area.controls {
            carrier.entry(c).or_insert(area);
        }
    }
    let (clauses, controls) = reg.coverage_gaps(today);
    for clause in clauses {
        let title = catalogue::clause_title(clause).unwrap_or_default();
        out.push(Finding::new(Code::ClauseNotCovered, format!("clause {clause} ({title}) is in no area of the scope")));
    }
    for control in controls {
        let title = catalogue::control_title(control).unwrap_or_default();
        out.push(
            Finding::new(
                Code::ControlNotCovered,
                format!("control {control} ({title}) is in no area and not excluded in the SoA"),
            )
            .control(control),
        );
    }
    for control in catalogue::control_ids() {
        let excluded = reg.exclusions.iter().find(|e| e.control == control);
        if let (Some(e), Some(area)) = (excluded, carrier.get(control)) {
            let title = catalogue::control_title(control).unwrap_or_default();
            out.push(
                Finding::new(
                    Code::ControlExcludedAndCovered,
                    format!("control {control} ({title}) is excluded in the SoA but area `{}` carries it", area.id),
                )
                .control(control)
                .area(&area.id)
                .at(e.loc),
            );
        }
    }
}

fn independence(reg: &Register, today: NaiveDate, since: Option<NaiveDate>, rounds: &[Round], out: &mut Vec<Finding>) {
    let conflicts = Conflicts::new(&reg.scope, &reg.auditors);
    for (i, area) in reg.scope.iter().enumerate().filter(|(_, a)| a.until.is_none_or(|u| u >= today)) {
        if conflicts.independent(i) == 0 {
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
    let window_end = rounds.iter().map(|r| r.window_end).max();
    let areas: BTreeMap<Cow<str>, usize> = reg.scope.iter().enumerate().map(|(i, a)| (folded(&a.id), i)).collect();
    let auditors: BTreeMap<Cow<str>, usize> =
        reg.auditors.iter().enumerate().map(|(j, a)| (folded(&a.id), j)).collect();
    for record in
        reg.audits.iter().filter(|r| since.is_none_or(|s| r.date >= s) && window_end.is_some_and(|e| r.date < e))
    {
        let Some(&j) = record.auditor.as_deref().and_then(|id| auditors.get(&*folded(id))) else {
            continue;
        };
        let auditor = &reg.auditors[j];
        for &i in record.areas.iter().filter_map(|id| areas.get(&*folded(id))) {
            let area = &reg.scope[i];
            if let Some(conflict) = conflicts.between(i, j) {
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
fn programme(
    reg: &Register,
    certificate: &Certificate,
    today: NaiveDate,
    rounds: &[Round],
    cycles: &[Cycle],
    out: &mut Vec<Finding>,
) {
    let areas: BTreeMap<Cow<str>, &Area> = reg.scope.iter().map(|a| (folded(&a.id), a)).collect();
    let area_of = |id: &str| areas.get(&*folded(id)).copied();
    let by_area: Vec<HashMap<&str, Vec<&AreaAudit>>> = rounds.iter().map(Round::by_area).collect();
    let of = |k: usize, area: &str| by_area[k].get(area).into_iter().flatten().copied();
    for (k, round) in rounds.iter().enumerate() {
        for a in round.audits.iter().filter(|a| a.behind.is_some()) {
            let area = area_of(a.area);
            let by_whom = if of(k, a.area).any(|x| x.source == Source::Done && !x.independent) {
                " by an independent auditor"
            } else {
                ""
            };
            // The external audit the area's audit was to precede.
            let before = match area.and_then(|x| x.since).filter(|s| round.window_start.is_none_or(|w| w <= *s)) {
                Some(s) => {
                    let epoch = certificate.epoch_on(s);
                    certificate
                        .next_audit_after(epoch, s)
                        .filter(|e| e.date <= round.window_end)
                        .unwrap_or(round.prepares)
                }
                None => round.prepares,
            };
            let behind = a.behind.unwrap_or(Behind::Late);
            let (code, message) = match behind {
                Behind::Overdue => (
                    Code::OverdueAudit,
                    format!(
                        "the audit of `{}` in round {} was not held before {}{by_whom}",
                        a.area,
                        round.label(),
                        before.describe()
                    ),
                ),
                Behind::ExtensionMissed => (
                    Code::ExtensionNotAudited,
                    format!(
                        "area `{}` joined the scope on {} and was not audited before the next external audit, {}{by_whom}",
                        a.area,
                        area.and_then(|x| x.since).map(|d| d.to_string()).unwrap_or_default(),
                        before.describe()
                    ),
                ),
                Behind::Late => {
                    // Round 0's stragglers are `stage1-too-close`'s before Stage 1, and
                    // `round0-incomplete-at-stage1`'s after it; without a Stage 1 (a restart at
                    // Stage 2), they are late like any other round's.
                    if round.cycle == 0 && round.prepares.kind == ExternalKind::Stage1 {
                        continue;
                    }
                    let message = if round.lead_day >= today {
                        // Still ahead: the round has no room for it before the lead.
                        format!(
                            "the audit of `{}` in round {} cannot be held by {}, the lead before {}: no independent auditor has a free day for it until {}",
                            a.area,
                            round.label(),
                            round.lead_day,
                            before.describe(),
                            a.date
                        )
                    } else {
                        format!(
                            "the audit of `{}` in round {} was due by {}, the lead before {}, and is not held{by_whom}",
                            a.area,
                            round.label(),
                            round.lead_day,
                            before.describe()
                        )
                    };
                    (Code::AuditLate, message)
                }
            };
            // Say what the plan does about it: the audit it schedules, or nothing left to do it in.
            let later = (k..rounds.len())
                .take_while(|&j| rounds[j].cycle == round.cycle)
                .flat_map(|j| of(j, a.area).map(move |x| (&rounds[j], x)))
                .find(|(_, x)| matches!(x.source, Source::Planned | Source::CatchUp) && x.due >= today);
            let help = match later {
                Some((_, x)) if x.auditor.is_none() => format!(
                    "no independent auditor has a free day for it before {}: add auditors, or hold other audits earlier",
                    x.due
                ),
                Some((r, x)) if r.label() == round.label() => format!(
                    "hold it by {} (planned on {}) and record it with `status: done`",
                    x.due, x.date
                ),
                Some((r, x)) => format!(
                    "hold it now, or in round {} at the latest (planned on {}), and record it with `status: done`",
                    r.label(),
                    x.date
                ),
                None => "hold the audit and record it with `status: done`; no round left in this cycle plans it, so tell your certification body".to_string(),
            };
            let date = if behind == Behind::Late { round.lead_day } else { before.date };
            out.push(Finding::new(code, message).help(help).area(a.area).date(date).at(a.loc.or(area.map(|x| x.loc))));
        }
        for a in round.audits.iter().filter(|a| a.due >= today) {
            let first_day = a.from.unwrap_or(today).max(today);
            let site = |a: &AreaAudit| area_of(a.area).and_then(|x| x.site.clone()).unwrap_or_default();
            let message = match a.unassigned {
                None | Some(Unassigned::NoneIndependent) => continue,
                Some(Unassigned::NoAuditorForSite) => format!(
                    "no independent auditor audits the site of `{}` ({}) for the audit in {}",
                    a.area,
                    site(a),
                    describe(round)
                ),
                Some(Unassigned::RoundCap) => format!(
                    "every independent auditor who could audit `{}` in {} has reached their `max_days_per_round`",
                    a.area,
                    describe(round)
                ),
                Some(Unassigned::NoFreeDay) if first_day > a.due => {
                    format!(
                        "{} has no days left for the audit of `{}`: it must be held by {} but cannot start before {first_day}",
                        describe(round),
                        a.area,
                        a.due
                    )
                }
                Some(Unassigned::NoFreeDay) => format!(
                    "no independent auditor has a free day for the audit of `{}` in {} between {first_day} and {}",
                    a.area,
                    describe(round),
                    a.due
                ),
            };
            let mut finding = Finding::new(Code::RoundOverCapacity, message);
            finding = match a.unassigned {
                Some(Unassigned::NoAuditorForSite) => {
                    finding.help("add the site to an independent auditor's `sites`, or an auditor for it")
                }
                Some(Unassigned::RoundCap) => finding.help("raise an auditor's `max_days_per_round`, or add auditors"),
                // A yearly cap makes days unavailable like leave does: say so where one is set.
                Some(Unassigned::NoFreeDay) if reg.auditors.iter().any(|x| x.max_days_per_year.is_some()) => {
                    finding.help("add auditors, hold audits earlier, or raise an auditor's `max_days_per_year`")
                }
                _ => finding,
            };
            out.push(finding.area(a.area).date(a.due).at(area_of(a.area).map(|x| x.loc)));
        }
        if round.prepares.date < today {
            // Any review recorded in the window after the round's last audit held will do, even
            // an early one: it could take the results (9.3.2).
            let last_done = round.audits.iter().filter(|a| a.source == Source::Done).map(|a| a.date).max();
            let reviews: Vec<_> =
                (reg.reviews.iter()).filter(|r| round.window_contains(r.date) && r.stands_on(today)).collect();
            let after_audits = reviews.iter().any(|r| last_done.is_none_or(|done| r.date >= done));
            // A review booked in the window whose day passed without being marked done.
            let unheld = (reg.reviews.iter()).rfind(|r| round.window_contains(r.date) && !r.stands_on(today));
            match (reviews.last(), last_done) {
                (None, _) if let Some(booked) = unheld => out.push(
                    Finding::new(
                        Code::ReviewMissing,
                        format!(
                            "the management review booked for {} is not recorded as held ({})",
                            booked.date,
                            describe(round)
                        ),
                    )
                    .help("once held, mark it `status: done`; if it did not take place, hold one and record it")
                    .date(booked.date)
                    .at(booked.loc),
                ),
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
    // Coverage of each cycle shown, for the areas in its scope (round 0 is all-or-overdue,
    // reported above).
    for cycle in cycles {
        let in_cycle: Vec<&Round> = rounds.iter().filter(|r| r.cycle == cycle.number).collect();
        let covered: BTreeSet<&str> = in_cycle.iter().flat_map(|r| r.covered(today)).collect();
        for area in &reg.scope {
            let in_scope = in_cycle.iter().any(|r| r.includes(area));
            if in_scope && !covered.contains(area.id.as_str()) {
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

/// The first internal audits come at least the lead before Stage 1, so corrective actions can
/// go through management review before the certification body looks (seed rule; Stage 1 checks
/// it, ISO/IEC 17021-1 9.3.1.2.2). Once Stage 1 is past, what is missing is for Stage 2.
fn first_audit(plan: &Plan<'_>, out: &mut Vec<Finding>) {
    let epoch = plan.epoch();
    let (Some(stage1), true) = (epoch.stage1, plan.initial) else { return };
    let reg = plan.register;
    let lead = reg.settings.internal_audit_lead_weeks;
    let after = epoch.begins;
    let before: Vec<_> =
        reg.audits.iter().filter(|a| a.date < stage1.date && after.is_none_or(|b| a.date >= b)).collect();
    if stage1.date >= plan.today {
        if let Some(last) = before.last()
            && (stage1.date - last.date).num_days() < 7 * i64::from(lead)
        {
            out.push(
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
            );
        }
        return;
    }
    // Stage 1 is past: round 0 should have been complete by its last day.
    let Some(round0) = plan.rounds.iter().find(|r| r.cycle == 0) else { return };
    let held = |a: &&AreaAudit| a.independent && a.source == Source::Done;
    let done: BTreeSet<&str> = round0.audits.iter().filter(held).map(|a| a.area).collect();
    let in_time: BTreeSet<&str> =
        round0.audits.iter().filter(|a| held(a) && a.date <= round0.last_day).map(|a| a.area).collect();
    let areas: Vec<&str> = plan.register.scope.iter().filter(|a| round0.includes(a)).map(|a| a.id.as_str()).collect();
    let late: Vec<&str> = areas.iter().copied().filter(|a| !in_time.contains(a) && done.contains(a)).collect();
    let open: Vec<&str> = areas.iter().copied().filter(|a| !done.contains(a)).collect();
    if late.is_empty() && open.is_empty() {
        return;
    }
    let mut parts = Vec::new();
    if !late.is_empty() {
        parts.push(format!("{} audited later ({})", crate::text::count(late.len(), "area"), late.join(", ")));
    }
    if !open.is_empty() {
        parts.push(format!("{} still open ({})", crate::text::count(open.len(), "area"), open.join(", ")));
    }
    let stage2 = epoch.stage2.map(|s| format!("Stage 2 on {}", s.date)).unwrap_or_else(|| "Stage 2".to_string());
    out.push(
        Finding::new(
            Code::Round0IncompleteAtStage1,
            format!(
                "round 0 was not complete by {}, the lead before Stage 1 on {}: {}; {stage2} will check the internal audits held since",
                round0.last_day,
                stage1.date,
                parts.join(", ")
            ),
        )
        .date(stage1.date)
        .at(stage1.loc),
    );
}

/// The certificate: its decision, surveillance, recertification, expiry, restoration and lapse.
fn certificate(plan: &Plan<'_>, out: &mut Vec<Finding>) {
    let epoch = plan.epoch();
    let today = plan.today;
    let decision_loc = epoch.decision.loc;
    if epoch.decision.basis == Basis::Assumed && epoch.decision.date < today {
        out.push(
            Finding::new(
                Code::DecisionNotRecorded,
                format!(
                    "the certification decision was assumed for {} and that day has passed: add `decision:` to `certification` once the certificate is issued",
                    epoch.decision.date
                ),
            )
            .date(epoch.decision.date)
            .at(epoch.stage1.and_then(|s| s.loc)),
        );
    }
    if let (Some(s2), Basis::Given) = (epoch.stage2, epoch.decision.basis) {
        let limit = months_after(s2.end, DECISION_MONTHS_AFTER_STAGE2);
        let first_cycle = plan.cycles.first().is_none_or(|c| c.local == 1);
        if epoch.decision.date > limit && first_cycle {
            out.push(
                Finding::new(
                    Code::DecisionLate,
                    format!(
                        "the certification decision on {} is more than 6 months after Stage 2 on {}",
                        epoch.decision.date, s2.date
                    ),
                )
                .date(epoch.decision.date)
                .at(decision_loc),
            );
        }
    }
    if epoch.index > 0 && plan.initial {
        let previous = &plan.certificate.epochs[epoch.index - 1];
        let expired = plan.certificate.cycle(previous.last_cycle).expiry;
        let assumed = if epoch.decision.basis == Basis::Assumed { " (assumed)" } else { "" };
        out.push(
            Finding::new(
                Code::Uncertified,
                format!(
                    "the certificate expired on {expired} and lapsed; the new certification's decision is {}{assumed}: until then the ISMS is not certified",
                    epoch.decision.date
                ),
            )
            .date(expired)
            .at(epoch.loc),
        );
    }
    if plan.initial {
        return;
    }
    if let Some(lapse) = plan.lapse {
        let late = match lapse.late {
            Some(r) => format!("; the recertification recorded on {} came after that", r.date),
            None => String::new(),
        };
        out.push(
            Finding::new(
                Code::CertificateLapsed,
                format!(
                    "the certificate of cycle {} expired on {} and was not restored by {}, 6 months later: it has lapsed{late}",
                    lapse.cycle, lapse.expiry, lapse.deadline
                ),
            )
            .date(lapse.deadline)
            .at(lapse.late.map(|r| r.loc).or(decision_loc)),
        );
        return;
    }
    let Some(cycle) = plan.cycles.first() else { return };
    let n = cycle.number;
    for (k, s) in (1u8..).zip(cycle.surveillance) {
        let Some(latest) = s.latest else { continue };
        let (code, rule) = if s.hard {
            (Code::SurveillanceLate, "the first surveillance after the initial certification decision is due within 12 months of it (ISO/IEC 17021-1 9.1.3)".to_string())
        } else {
            (
                Code::SurveillanceAfterAnniversary,
                format!("certification bodies usually hold surveillance {k} by the anniversary, {latest}"),
            )
        };
        // An audit in several visits is judged by the day it began.
        if s.date > latest && s.basis == Basis::Recorded {
            out.push(
                Finding::new(code, format!("surveillance {k} of cycle {n} on {} is after {latest}: {rule}", s.date))
                    .date(s.date)
                    .at(s.loc.or(decision_loc)),
            );
        } else if latest < today && s.basis != Basis::Recorded {
            out.push(
                Finding::new(
                    code,
                    format!("no surveillance {k} of cycle {n} is recorded, and it was due by {latest}: {rule}"),
                )
                .date(latest)
                .at(decision_loc),
            );
        }
    }
    recertification_late(cycle, today, decision_loc, out);
    let previous = (n > epoch.first_cycle).then(|| plan.certificate.cycle(n - 1));
    let expired = match previous {
        // Today is past the previous expiry: a recertification recorded within 6 months of it
        // restores the certificate from its last day.
        Some(p) if !p.recertified_in_time() => Some((p, cycle.restored)),
        // Today is past this cycle's expiry and nothing is recorded: the 6 months are running.
        _ if cycle.expiry < today && !cycle.recertified() => Some((cycle, None)),
        _ => None,
    };
    if let Some((expired, restored)) = expired {
        let deadline = expired.restoration_deadline();
        match restored {
            Some(on) if on <= today => {
                let first_surveillance = cycle.surveillance[0].date;
                if today < first_surveillance {
                    let assumed = if expired.recertification.decision_given { "" } else { " (assumed)" };
                    out.push(
                        Finding::new(
                            Code::CertificateRestored,
                            format!(
                                "the certificate of cycle {} expired on {} and was restored by the recertification decision on {on}{assumed}: it was not valid from {} to {}",
                                expired.number,
                                expired.expiry,
                                expired.expiry.succ_opt().unwrap_or(expired.expiry),
                                on.pred_opt().unwrap_or(on)
                            ),
                        )
                        .date(on)
                        .at(expired.recertification.loc),
                    );
                }
            }
            Some(on) => out.push(
                Finding::new(
                    Code::CertificateExpired,
                    format!(
                        "the certificate of cycle {} expired on {}; the recertification recorded on {} restores it with the decision on {on}",
                        expired.number, expired.expiry, expired.recertification.date
                    ),
                )
                .help(format!(
                    "complete the recertification by {deadline} (6 months after expiry) and record the decision when it is given"
                ))
                .date(expired.expiry)
                .at(expired.recertification.loc),
            ),
            None => out.push(
                Finding::new(
                    Code::CertificateExpired,
                    format!(
                        "the certificate of cycle {} expired on {} with no recertification recorded before it",
                        expired.number, expired.expiry
                    ),
                )
                .help(format!(
                    "complete the recertification by {deadline} (6 months after expiry) to restore the certificate, and record it; after that, only a new initial certification (at least a Stage 2 audit) can"
                ))
                .date(expired.expiry)
                .at(decision_loc),
            ),
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

/// The recertification should leave time for a decision before expiry (certification-body
/// practice: it ends 4 weeks before expiry at the latest).
fn recertification_late(cycle: &Cycle, today: NaiveDate, decision_loc: Option<Loc>, out: &mut Vec<Finding>) {
    let r = cycle.recertification;
    let Some(latest) = r.latest else { return };
    // After expiry, a missing recertification is `certificate-expired`'s.
    if r.basis != Basis::Recorded && latest < today && today <= cycle.expiry {
        out.push(
            Finding::new(
                Code::RecertificationLate,
                format!(
                    "no recertification audit of cycle {} is recorded and {latest} has passed: a decision before expiry on {} is unlikely",
                    cycle.number, cycle.expiry
                ),
            )
            .date(latest)
            .at(decision_loc),
        );
    } else if r.basis == Basis::Recorded && r.end > latest && r.end <= cycle.expiry {
        out.push(
            Finding::new(
                Code::RecertificationLate,
                format!(
                    "the recertification of cycle {} ending {} is after {latest}, which leaves little time for a decision before expiry on {}",
                    cycle.number, r.end, cycle.expiry
                ),
            )
            .date(r.end)
            .at(r.loc.or(decision_loc)),
        );
    }
}

/// A certification-body audit in every calendar year but the initial certification's and the
/// recertification years (ISO/IEC 17021-1 9.1.3), judged on the record for whole years past,
/// across cycle boundaries: from the year before the current cycle began.
fn calendar_years(plan: &Plan<'_>, out: &mut Vec<Finding>) {
    if plan.initial || plan.lapse.is_some() {
        return;
    }
    let Some(cycle) = plan.cycles.first() else { return };
    let epoch = plan.epoch();
    let audits = plan.certificate.audits_of(epoch);
    let held = |year: i32| {
        audits.iter().any(|e| {
            matches!(e.basis, Basis::Recorded | Basis::Given)
                && e.kind.is_audit()
                && e.date <= plan.today
                && (e.date.year()..=e.end.year()).contains(&year)
        })
    };
    // A recertification year with no recertification is `certificate-expired`'s to report.
    let exempt = plan.certificate.exempt_years(epoch);
    let from = (cycle.start.year() - 1).max(epoch.decision.date.year() + 1);
    for year in from..plan.today.year() {
        if !held(year) && !exempt.contains(&year) {
            out.push(
                Finding::new(
                    Code::CalendarYearWithoutAudit,
                    format!(
                        "no certification-body audit is recorded in {year}, which was not a recertification year: surveillance is due at least once a calendar year"
                    ),
                )
                .at(epoch.decision.loc),
            );
        }
    }
}

/// Internal audits and management reviews at planned intervals (9.2.1, 9.3.1): no more than
/// `max_months_between_rounds` between two held, or since the last one.
fn intervals(plan: &Plan<'_>, since: Option<NaiveDate>, out: &mut Vec<Finding>) {
    let reg = plan.register;
    let months = reg.settings.max_months_between_rounds;
    let today = plan.today;
    let audits: Vec<(NaiveDate, Option<Loc>)> =
        reg.audits.iter().filter(|a| a.status_on(today) == Status::Done).map(|a| (a.date, Some(a.loc))).collect();
    let reviews: Vec<(NaiveDate, Option<Loc>)> =
        (reg.reviews.iter()).filter(|r| r.status_on(today) == Status::Done).map(|r| (r.date, Some(r.loc))).collect();
    for (code, what, held) in [
        (Code::AuditIntervalExceeded, "internal audit", audits),
        (Code::ReviewIntervalExceeded, "management review", reviews),
    ] {
        let mut dates = held;
        dates.dedup_by_key(|d| d.0);
        let mut gaps: Vec<(NaiveDate, NaiveDate, Option<Loc>)> =
            dates.windows(2).map(|w| (w[0].0, w[1].0, w[1].1)).collect();
        gaps.extend(dates.last().map(|last| (last.0, today, None)));
        for (from, to, loc) in gaps {
            if months_after(from, months) >= to || since.is_some_and(|s| to < s) {
                continue;
            }
            let message = if to == today && loc.is_none() {
                format!("no {what} is recorded as held since {from}, more than {months} months ago")
            } else {
                format!("more than {months} months passed between the {what}s held on {from} and {to}")
            };
            out.push(Finding::new(code, message).date(to).at(loc));
        }
    }
}

/// A cycle's gaps do not vanish when it ends: until the certification body's first audit of the
/// new cycle, which will ask about them, they are carried over as warnings, one per area.
fn previous_cycle(plan: &Plan<'_>, out: &mut Vec<Finding>) {
    let Some(current) = plan.cycles.first() else { return };
    let epoch = plan.epoch();
    let first_audit = current.surveillance[0].date;
    if plan.initial || plan.lapse.is_some() || plan.today >= first_audit {
        return;
    }
    let planner = Programme::new(plan.register, &plan.certificate, plan.today);
    let mut found = Vec::new();
    let (rounds, intro, cycle_number) = if current.number > epoch.first_cycle {
        let previous = plan.certificate.cycle(current.number - 1);
        let rounds = planner.rounds(epoch, previous.number, previous.number, false);
        programme_findings(plan, &rounds, previous, &mut found);
        if previous.recertification.basis == Basis::Recorded && previous.recertified_in_time() {
            recertification_late(previous, plan.today, epoch.decision.loc, &mut found);
        }
        (rounds, format!("cycle {} ended with this open", previous.number), previous.number)
    } else {
        // The first cycle: what round 0 left open, once the decision has moved the plan on.
        let mut rounds = planner.rounds(epoch, current.number, current.number, true);
        rounds.retain(|r| r.cycle == 0);
        programme(plan.register, &plan.certificate, plan.today, &rounds, &[], &mut found);
        (rounds, "round 0 ended with this open".to_string(), 0)
    };
    let intro = format!("{intro}; the certification body will ask at surveillance 1 on {first_audit}");
    // One warning per area: the rounds whose audit stayed overdue, and whether the cycle was
    // left uncovered.
    let mut by_area: BTreeMap<String, (Vec<String>, bool, Option<Loc>)> = BTreeMap::new();
    // The round each area's overdue audit is in.
    let mut overdue_in: BTreeMap<(&str, NaiveDate), String> = BTreeMap::new();
    for r in &rounds {
        for a in r.audits.iter().filter(|a| a.overdue()) {
            overdue_in.insert((a.area, r.prepares.date), r.label());
        }
    }
    for f in found.into_iter().filter(|f| f.severity() == Severity::Error || f.code == Code::RecertificationLate) {
        match f.area.clone() {
            Some(area) => {
                let entry = by_area.entry(area.clone()).or_insert((Vec::new(), false, f.loc));
                match f.code {
                    Code::OverdueAudit => {
                        let round = f.date.and_then(|d| overdue_in.get(&(area.as_str(), d)));
                        entry.0.extend(round.cloned());
                    }
                    Code::AreaNotCovered => entry.1 = true,
                    _ => {}
                }
            }
            None => out.push(Finding {
                code: Code::PreviousCycleGap,
                message: format!("{intro}: {}", f.message),
                help: Code::PreviousCycleGap.advice().to_string(),
                ..f
            }),
        }
    }
    for (area, (rounds, uncovered, loc)) in by_area {
        let mut what = Vec::new();
        match rounds.as_slice() {
            [] => {}
            [one] => what.push(format!("its audit in round {one} stayed overdue")),
            many => what.push(format!("its audits in rounds {} stayed overdue", many.join(", "))),
        }
        if uncovered {
            what.push(format!("it was not covered in cycle {cycle_number}"));
        }
        out.push(
            Finding::new(Code::PreviousCycleGap, format!("{intro}: area `{area}`: {}", what.join("; ")))
                .area(&area)
                .at(loc),
        );
    }
}

fn programme_findings(plan: &Plan<'_>, rounds: &[Round], cycle: &Cycle, out: &mut Vec<Finding>) {
    programme(plan.register, &plan.certificate, plan.today, rounds, std::slice::from_ref(cycle), out);
}

/// What auditors notice in a programme: who audits the audit programme, how often the
/// management system is audited, and records that name nobody.
fn hygiene(plan: &Plan<'_>, since: Option<NaiveDate>, out: &mut Vec<Finding>) {
    let reg = plan.register;
    let today = plan.today;
    if let Some(owner) = &reg.programme_owner {
        // The owner's audits by area, in the order of the rounds: one pass over the rounds.
        let mut owners: HashMap<&str, Vec<&AreaAudit>> = HashMap::new();
        for a in (plan.rounds.iter()).flat_map(|r| &r.audits) {
            if a.auditor.is_some_and(|x| same_id(x, owner)) {
                owners.entry(a.area).or_default().push(a);
            }
        }
        for area in reg.scope.iter().filter(|a| a.carries_audit_programme()) {
            let by_owner = owners.get(area.id.as_str()).map_or(&[][..], Vec::as_slice);
            for recorded in [true, false] {
                let audits: Vec<_> = by_owner.iter().filter(|a| a.source.is_recorded() == recorded).collect();
                let Some(first) = audits.first() else { continue };
                let what = if recorded { "is audited" } else { "is planned to be audited" };
                let days: Vec<String> = audits.iter().map(|a| a.date.to_string()).collect();
                out.push(
                    Finding::new(
                        Code::ProgrammeAuditsItself,
                        format!(
                            "area `{}` carries clause 9.2 (the audit programme) and {what} by `{owner}`, who manages the programme, on {}",
                            area.id,
                            days.join(", ")
                        ),
                    )
                    .area(&area.id)
                    .date(first.date)
                    .at(first.loc.or(Some(area.loc))),
                );
            }
        }
    }
    for area in reg.scope.iter().filter(|a| a.until.is_none_or(|u| u >= today)) {
        if area.risk == crate::register::Risk::Low && !area.clauses.is_empty() {
            out.push(
                Finding::new(
                    Code::ManagementSystemLowRisk,
                    format!(
                        "area `{}` carries clauses 4-10 ({}) and is low risk, so it is audited once a cycle",
                        area.id,
                        area.clauses.join(", ")
                    ),
                )
                .area(&area.id)
                .at(area.loc),
            );
        }
    }
    for r in reg.audits.iter().filter(|r| since.is_none_or(|s| r.date >= s)) {
        if r.auditor.is_none() && r.auditor_org.is_none() {
            out.push(
                Finding::new(
                    Code::AuditWithoutAuditor,
                    format!(
                        "the audit of {} on {} names no `auditor` and no `auditor_org`",
                        r.areas.join(", "),
                        r.date
                    ),
                )
                .date(r.date)
                .at(r.loc),
            );
        }
    }
}

/// Marks the findings an accepted deviation covers; reports acceptances that ended or match
/// nothing. An acceptance covers the findings with its code, and where it names an area
/// (compared without case) or a control, only those; each finding is covered by the first
/// acceptance in force that matches it. Findings are indexed once by what acceptances match on,
/// so each acceptance goes straight to what it covers.
fn accept(reg: &Register, today: NaiveDate, out: &mut [Finding]) -> Vec<Finding> {
    let mut index = Coverable::new(out, &reg.accepted);
    let mut extra = Vec::new();
    for (i, a) in reg.accepted.iter().enumerate() {
        let key = (a.code, a.area.as_deref().map(str::to_lowercase), a.control.clone());
        if a.until < today {
            let again = if index.any_open(&key, out) { ": what it covered counts again" } else { "" };
            extra.push(
                Finding::new(
                    Code::AcceptanceExpired,
                    format!("the accepted deviation `{}` ({}) ended on {}{again}", a.code.key(), a.reference, a.until),
                )
                .date(a.until)
                .at(a.loc),
            );
            continue;
        }
        if !index.cover(&key, i, out) {
            let what = match (&a.area, &a.control) {
                (Some(area), _) => format!(" for area `{area}`"),
                (None, Some(c)) => format!(" for control {c}"),
                _ => String::new(),
            };
            extra.push(
                Finding::new(
                    Code::AcceptanceUnused,
                    format!("the accepted deviation `{}`{what} ({}) matches no finding", a.code.key(), a.reference),
                )
                .at(a.loc),
            );
        }
    }
    extra
}

/// What an acceptance matches on: a code, and an area (case-folded) and a control where it
/// names them.
type CoverKey = (Code, Option<String>, Option<String>);

/// The findings an acceptance can cover, by every key an acceptance gives that matches them: a
/// finding with an area and a control is under its code alone, with its area, with its control,
/// and with both, as far as some acceptance looks for it so. Each list holds positions in the
/// findings, in order; a covered finding is dropped from a list the first time the list is read
/// after, so every position is read a bounded number of times, however many acceptances there
/// are.
struct Coverable {
    lists: HashMap<CoverKey, Open>,
}

/// Positions of findings, those before `first` known to be covered already.
#[derive(Default)]
struct Open {
    positions: Vec<usize>,
    first: usize,
}

impl Coverable {
    fn new(findings: &[Finding], acceptances: &[Acceptance]) -> Self {
        // The shapes of key asked for, by code: whether with an area, whether with a control.
        let mut shapes: HashMap<Code, BTreeSet<(bool, bool)>> = HashMap::new();
        for a in acceptances {
            shapes.entry(a.code).or_default().insert((a.area.is_some(), a.control.is_some()));
        }
        let mut lists: HashMap<CoverKey, Open> = HashMap::new();
        for (n, f) in findings.iter().enumerate() {
            let Some(asked) = shapes.get(&f.code) else { continue };
            let area = f.area.as_deref().map(str::to_lowercase);
            for &(by_area, by_control) in asked {
                if (by_area && area.is_none()) || (by_control && f.control.is_none()) {
                    continue;
                }
                let key = (f.code, area.clone().filter(|_| by_area), f.control.clone().filter(|_| by_control));
                lists.entry(key).or_default().positions.push(n);
            }
        }
        Coverable { lists }
    }

    /// Whether a finding under `key` is not covered yet.
    fn any_open(&mut self, key: &CoverKey, findings: &[Finding]) -> bool {
        let Some(list) = self.lists.get_mut(key) else { return false };
        while list.positions.get(list.first).is_some_and(|&n| findings[n].accepted.is_some()) {
            list.first += 1;
        }
        list.first < list.positions.len()
    }

    /// Marks every finding under `key` not covered yet as covered by acceptance `i`; whether
    /// there was one.
    fn cover(&mut self, key: &CoverKey, i: usize, findings: &mut [Finding]) -> bool {
        let Some(list) = self.lists.get_mut(key) else { return false };
        let mut used = false;
        for &n in &list.positions[list.first..] {
            if findings[n].accepted.is_none() {
                findings[n].accepted = Some(i);
                used = true;
            }
        }
        list.first = list.positions.len();
        used
    }
}

/// Round 0 must be complete the lead before Stage 1 (seed rule; Stage 1 looks at the internal
/// audits, ISO/IEC 17021-1 9.3.1.2.2). Where its audits cannot all fit, that is said once, with
/// the Stage 1 date the programme can meet and the lead that would fit the date booked.
fn stage1_too_close(plan: &Plan<'_>, out: &mut Vec<Finding>) {
    let epoch = plan.epoch();
    let (Some(stage1), true) = (epoch.stage1, plan.initial) else { return };
    let Some(round0) = plan.rounds.iter().find(|r| r.cycle == 0) else { return };
    if stage1.date < plan.today {
        return;
    }
    let after: Vec<&AreaAudit> = (round0.audits.iter())
        .filter(|a| !a.source.is_recorded() && a.source != Source::Missed && a.behind == Some(Behind::Late))
        .collect();
    if after.is_empty() {
        return;
    }
    let lead = plan.register.settings.internal_audit_lead_weeks;
    let areas: Vec<&str> = after.iter().map(|a| a.area).collect();
    let falls = if after.len() == 1 { "1 area audit falls" } else { "area audits fall" };
    let falls = if after.len() == 1 { falls.to_string() } else { format!("{} {falls}", after.len()) };
    let mut message = format!(
        "round 0 cannot be completed by {}, {lead} weeks before Stage 1 on {}: {falls} after it ({})",
        round0.last_day,
        stage1.date,
        areas.join(", ")
    );
    let placed = after.iter().filter(|a| a.auditor.is_some()).map(|a| a.end).max();
    let unplaced = after.iter().filter(|a| a.auditor.is_none()).count();
    let mut help = None;
    match placed {
        Some(last) if unplaced == 0 => {
            let calendar = crate::calendar::Calendar::new(&plan.register.settings);
            let earliest = calendar.open_on_or_after(crate::cycle::weeks_after(last, lead));
            let weeks = (stage1.date - last).num_days() / 7;
            message
                .push_str(&format!("; the last ends on {last}, so Stage 1 on {earliest} or later leaves {lead} weeks"));
            // Only a lead the register accepts: longer than the management review's.
            if weeks > i64::from(plan.register.settings.management_review_lead_weeks) {
                message.push_str(&format!(", or a lead of {weeks} weeks fits Stage 1 on {}", stage1.date));
            }
        }
        _ => {
            let have = if unplaced == 1 { "1 has".to_string() } else { format!("{unplaced} have") };
            message.push_str(&format!("; {have} no free day before Stage 2 with these auditors"));
            // No date to move Stage 1 to: more auditors (or days) is what helps.
            help = Some(
                "add auditors, or free the days of those there are (blackouts, leave, caps), so round 0 fits before Stage 1",
            );
        }
    }
    let finding = Finding::new(Code::Stage1TooClose, message).date(stage1.date).at(stage1.loc);
    out.push(match help {
        Some(h) => finding.help(h),
        None => finding,
    });
}

/// Corrective actions (ISO/IEC 27001:2022 10.2): open past their due date; and before Stage 1
/// or Stage 2, any open on a major nonconformity.
fn corrective_actions(plan: &Plan<'_>, out: &mut Vec<Finding>) {
    let today = plan.today;
    let epoch = plan.epoch();
    let initial_ahead = [epoch.stage1, epoch.stage2]
        .into_iter()
        .flatten()
        .filter(|s| plan.initial && s.date >= today)
        .map(|s| s.describe())
        .next();
    for ca in plan.register.corrective_actions.iter().filter(|c| c.open_on(today)) {
        let severity = match ca.severity {
            crate::register::NonconformitySeverity::Major => "major",
            crate::register::NonconformitySeverity::Minor => "minor",
        };
        if ca.due < today {
            out.push(
                Finding::new(
                    Code::CorrectiveActionOverdue,
                    format!(
                        "corrective action `{}` ({severity} nonconformity, area `{}`) was due on {} and is still open",
                        ca.id, ca.area, ca.due
                    ),
                )
                .area(&ca.area)
                .date(ca.due)
                .at(ca.loc),
            );
        }
        if let (Some(next), crate::register::NonconformitySeverity::Major) = (&initial_ahead, ca.severity) {
            out.push(
                Finding::new(
                    Code::MajorNonconformityOpen,
                    format!(
                        "corrective action `{}` on a major nonconformity in area `{}` is open, with {next} ahead",
                        ca.id, ca.area
                    ),
                )
                .area(&ca.area)
                .at(ca.loc),
            );
        }
    }
}

/// Recorded internal audits of the rounds checked, and the Stage dates, on days the register
/// closes: one of the two is likely wrong.
fn closed_days(plan: &Plan<'_>, since: Option<NaiveDate>, out: &mut Vec<Finding>) {
    let reg = plan.register;
    let calendar = crate::calendar::Calendar::new(&reg.settings);
    for record in reg.audits.iter().filter(|r| since.is_none_or(|s| r.date >= s)) {
        if let Some(why) = calendar.closed_because(record.date) {
            out.push(
                Finding::new(
                    Code::AuditOnClosedDay,
                    format!(
                        "the internal audit of {} on {} ({}) is on a day the register closes: {why}",
                        record.areas.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", "),
                        record.date,
                        record.date.format("%A")
                    ),
                )
                .date(record.date)
                .at(record.loc),
            );
        }
    }
    let epoch = plan.epoch();
    // Stage dates the register gives (not the assumed ones, which are moved to open days).
    for stage in
        [epoch.stage1, epoch.stage2].into_iter().flatten().filter(|s| matches!(s.basis, Basis::Given | Basis::Recorded))
    {
        if let Some(why) = calendar.closed_because(stage.date) {
            out.push(
                Finding::new(
                    Code::AuditOnClosedDay,
                    format!(
                        "{} ({}) is on a day the register closes: {why}",
                        stage.describe(),
                        stage.date.format("%A")
                    ),
                )
                .date(stage.date)
                .at(stage.loc),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::{Acceptance, Auditor, Certification, Risk};
    use crate::settings::Settings;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn area(id: &str, owner: &str, clauses: Vec<&'static str>) -> Area {
        Area {
            id: id.to_string(),
            name: id.to_string(),
            owner: owner.to_string(),
            team: vec![],
            risk: Risk::High,
            clauses,
            controls: vec![],
            since: None,
            until: None,
            site: None,
            audit_days: 1,
            method: None,
            loc: Loc::default(),
        }
    }

    fn auditor(id: &str, conflicts: Vec<String>) -> Auditor {
        Auditor {
            id: id.to_string(),
            name: None,
            conflicts,
            unavailable: vec![],
            max_days_per_round: None,
            max_days_per_year: None,
            sites: None,
            loc: Loc::default(),
        }
    }

    fn register(scope: Vec<Area>, auditors: Vec<Auditor>, accepted: Vec<Acceptance>) -> Register {
        Register {
            file: "isms.yaml".to_string(),
            organisation: "x".to_string(),
            id: None,
            certification: Certification::default(),
            settings: Settings::default(),
            programme_owner: None,
            reports_to: vec![],
            auditors,
            scope,
            exclusions: vec![],
            audits: vec![],
            reviews: vec![],
            accepted,
            corrective_actions: vec![],
        }
    }

    fn acceptance(code: Code, area: Option<&str>, control: Option<&str>, until: &str, n: usize) -> Acceptance {
        Acceptance {
            code,
            area: area.map(str::to_string),
            control: control.map(str::to_string),
            reason: "r".to_string(),
            reference: format!("ref-{n}"),
            until: day(until),
            loc: Loc::new(n as u64 + 1, 3),
        }
    }

    /// `accept` as it was, one pass over the findings per acceptance: the reference the index
    /// must agree with.
    fn accept_by_scanning(reg: &Register, today: NaiveDate, out: &mut [Finding]) -> Vec<Finding> {
        let mut extra = Vec::new();
        for (i, a) in reg.accepted.iter().enumerate() {
            let covers = |f: &Finding| {
                f.accepted.is_none()
                    && f.code == a.code
                    && a.area.as_deref().is_none_or(|x| f.area.as_deref().is_some_and(|y| same_id(x, y)))
                    && a.control.as_deref().is_none_or(|x| f.control.as_deref() == Some(x))
            };
            if a.until < today {
                let again = if out.iter().any(covers) { ": what it covered counts again" } else { "" };
                extra.push(format!("expired {i}{again}"));
                continue;
            }
            let mut used = false;
            for f in out.iter_mut() {
                if covers(f) {
                    f.accepted = Some(i);
                    used = true;
                }
            }
            if !used {
                extra.push(format!("unused {i}"));
            }
        }
        // Only what tells the two apart: which acceptance, and what was said of it.
        extra.into_iter().map(|m| Finding::new(Code::AcceptanceUnused, m)).collect()
    }

    /// What `accept` said, in the reference's words.
    fn said(reg: &Register, extra: &[Finding]) -> Vec<String> {
        extra
            .iter()
            .map(|f| {
                let i = reg.accepted.iter().position(|a| Some(a.loc) == f.loc).unwrap();
                match f.code {
                    Code::AcceptanceExpired if f.message.ends_with("counts again") => {
                        format!("expired {i}: what it covered counts again")
                    }
                    Code::AcceptanceExpired => format!("expired {i}"),
                    _ => format!("unused {i}"),
                }
            })
            .collect()
    }

    #[test]
    fn acceptances_cover_what_scanning_every_finding_would() {
        let codes = [Code::OverdueAudit, Code::ControlNotCovered, Code::AuditLate];
        let areas = [None, Some("core"), Some("CORE"), Some("ops"), Some("Straße")];
        let controls = [None, Some("A.5.1"), Some("A.5.2")];
        let untils = ["2026-01-01", "2027-01-01"];
        // A small generator: every case differs in what is found and what is accepted.
        let mut seed = 7u64;
        let mut pick = |n: usize| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n
        };
        let today = day("2026-11-28");
        for case in 0..300 {
            let mut findings: Vec<Finding> = (0..pick(12))
                .map(|n| {
                    let mut f = Finding::new(codes[pick(codes.len())], format!("finding {n}"));
                    f.area = areas[pick(areas.len())].map(str::to_string);
                    f.control = controls[pick(controls.len())].map(str::to_string);
                    f
                })
                .collect();
            let accepted: Vec<Acceptance> = (0..pick(8))
                .map(|n| {
                    let area = areas[pick(areas.len())].map(|a| if pick(2) == 0 { a.to_uppercase() } else { a.into() });
                    let control = controls[pick(controls.len())];
                    acceptance(codes[pick(codes.len())], area.as_deref(), control, untils[pick(untils.len())], n)
                })
                .collect();
            let reg = register(vec![], vec![], accepted);
            let mut expected = findings.clone();
            let reference = accept_by_scanning(&reg, today, &mut expected);
            let extra = accept(&reg, today, &mut findings);
            assert_eq!(findings, expected, "case {case}: what is covered, and by which acceptance");
            let reference: Vec<String> = reference.into_iter().map(|f| f.message).collect();
            assert_eq!(said(&reg, &extra), reference, "case {case}: expired and unused acceptances");
        }
    }

    /// 30,000 `overdue-audit` findings for 30,000 areas and one for `isms`, last; 30,000
    /// acceptances for `isms` (the first covers it, the others match nothing) and an expired one
    /// for each area: each acceptance goes straight to its findings. Reading the findings per
    /// acceptance, as before, took over a billion comparisons of ids.
    #[test]
    fn many_acceptances_of_many_findings_are_matched_through_an_index() {
        let n = 30_000;
        let today = day("2026-11-28");
        let mut findings: Vec<Finding> =
            (0..n).map(|i| Finding::new(Code::OverdueAudit, format!("finding {i}")).area(&format!("a{i}"))).collect();
        findings.push(Finding::new(Code::OverdueAudit, "the one".to_string()).area("isms"));
        let mut accepted: Vec<Acceptance> =
            (0..n).map(|k| acceptance(Code::OverdueAudit, Some("ISMS"), None, "2027-01-01", k)).collect();
        // Expired, each for an area nobody accepted: what each covered counts again.
        accepted
            .extend((0..n).map(|k| acceptance(Code::OverdueAudit, Some(&format!("A{k}")), None, "2026-01-01", n + k)));
        let reg = register(vec![], vec![], accepted);
        let extra = accept(&reg, today, &mut findings);
        assert_eq!(findings.iter().filter(|f| f.accepted.is_some()).count(), 1);
        assert_eq!(findings[n].accepted, Some(0));
        let unused = extra.iter().filter(|f| f.code == Code::AcceptanceUnused).count();
        let again = extra.iter().filter(|f| f.message.ends_with(": what it covered counts again")).count();
        assert_eq!((unused, again, extra.len()), (n - 1, n, 2 * n - 1));
    }

    /// One auditor with a declared conflict with each of 30,000 areas, and two without: every
    /// area has an independent auditor, found without reading the conflicts list per area (900
    /// million comparisons before).
    #[test]
    fn independence_of_many_areas_is_looked_up() {
        let n = 30_000;
        let scope: Vec<Area> = (0..n).map(|i| area(&format!("a{i}"), "owner", vec![])).collect();
        let conflicts: Vec<String> = (0..n).map(|i| format!("A{i}")).collect();
        let mut auditors = vec![auditor("u0", conflicts), auditor("u1", vec![]), auditor("u2", vec![])];
        let mut out = Vec::new();
        independence(&register(scope.clone(), auditors.clone(), vec![]), day("2026-11-28"), None, &[], &mut out);
        assert!(out.is_empty(), "{:?}", out.first());
        // Without the two, none is left.
        auditors.truncate(1);
        independence(&register(scope, auditors, vec![]), day("2026-11-28"), None, &[], &mut out);
        assert_eq!(out.len(), n);
        assert!(out[0].message.ends_with("rule out the only auditor"), "{}", out[0].message);
    }

    /// 30,000 areas carry clause 9.2 and the programme's owner audits each, in a round of 30,000
    /// audits: the owner's audits are gathered in one pass, not one pass over the round per area
    /// (900 million comparisons before).
    #[test]
    fn the_programme_owner_auditing_many_areas_is_found_in_one_pass() {
        let small = crate::register::parse(
            "isms.yaml",
            "organisation: x\ncertification: {decision: 2024-06-03}\nauditors: [{id: u0}]\nscope: [{id: s, owner: o}]\n",
        )
        .unwrap();
        let n = 30_000;
        let scope: Vec<Area> = (0..n).map(|i| area(&format!("a{i}"), "o", vec!["9.2"])).collect();
        let mut big = register(scope, vec![auditor("u0", vec![])], vec![]);
        big.programme_owner = Some("U0".to_string());
        let today = day("2026-11-28");
        let mut p = plan(&small, today, 1).unwrap();
        p.rounds.truncate(1);
        p.rounds[0].audits = (0..n)
            .map(|i| {
                let mut a = AreaAudit::new(&big.scope[i].id, today, Source::Planned);
                a.auditor = Some(if i % 2 == 0 { "u0" } else { "u1" });
                a
            })
            .collect();
        p.register = &big;
        let mut out = Vec::new();
        hygiene(&p, None, &mut out);
        let owner: Vec<&Finding> = out.iter().filter(|f| f.code == Code::ProgrammeAuditsItself).collect();
        assert_eq!(owner.len(), n / 2);
        assert_eq!(owner[1].area.as_deref(), Some("a2"));
    }
}
