//! Every finding in words: the one place where a [`Fact`] becomes a message, a help line, and
//! the area, control, date and place in the register a finding names.

mod certificate;

use std::borrow::Cow;
use std::fmt::Write as _;

use chrono::NaiveDate;

use super::Finding;
use super::facts::{Capacity, Fact, LateAudit, Later, Left, OnClosedDay, ReviewGap, RoundRef, Stage1Fit};
use crate::catalogue;
use crate::codes::Code;
use crate::cycle::External;
use crate::diagnostic::Loc;
use crate::programme::RoundName;
use crate::register::{NonconformitySeverity, Tenths};
use crate::text::count;

/// "round C1.2 before surveillance 2 of cycle 1 on 2026-05-12"; for an interim round, "interim
/// round C1.2a, due by 2026-01-14 to keep the interval".
fn describe(round: &RoundRef) -> String {
    match round.interim {
        Some(by) => format!("interim round {}, due by {by} to keep the interval", round.label),
        None => format!("round {} before {}", round.label, round.prepares.describe()),
    }
}

/// What to do about an audit behind, from what the plan does about it.
fn later_help(later: &Later) -> String {
    match later {
        Later::NoAuditor { due } => {
            format!("no independent auditor has a free day for it before {due}: add auditors, or hold other audits earlier")
        }
        Later::ThisRound { due, date } => format!("hold it by {due} (planned on {date}) and record it with `status: done`"),
        Later::Round { label, date } => format!(
            "hold it now, or in round {label} at the latest (planned on {date}), and record it with `status: done`"
        ),
        Later::Nothing => "hold the audit and record it with `status: done`; no round left in this cycle plans it, so tell your certification body, and record its acceptance under `accepted:`".to_string(),
        Later::Left { until } => format!("the area left the scope after {until}, so it can no longer be audited: tell your certification body, and record its acceptance under `accepted:`"),
    }
}

fn by_whom(held_not_independent: bool) -> &'static str {
    if held_not_independent { " by an independent auditor" } else { "" }
}

/// The finding's message, help and what it names, before an acceptance covers it.
struct Words {
    message: String,
    help: Option<String>,
    area: Option<String>,
    control: Option<String>,
    date: Option<NaiveDate>,
    at: Option<Loc>,
}

impl Words {
    fn new(message: String) -> Self {
        Words { message, help: None, area: None, control: None, date: None, at: None }
    }
    fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
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
    fn at(mut self, at: impl Into<Option<Loc>>) -> Self {
        self.at = at.into();
        self
    }
}

impl Fact<'_> {
    /// The code the fact is reported under.
    pub fn code(&self) -> Code {
        match self {
            Fact::ClauseNotCovered { .. } => Code::ClauseNotCovered,
            Fact::ControlNotCovered { .. } => Code::ControlNotCovered,
            Fact::ControlExcludedAndCovered { .. } => Code::ControlExcludedAndCovered,
            Fact::NoIndependentAuditor { .. } => Code::NoIndependentAuditor,
            Fact::AuditorNotIndependent { .. } => Code::AuditorNotIndependent,
            Fact::OverdueAudit { .. } => Code::OverdueAudit,
            Fact::ExtensionNotAudited { .. } => Code::ExtensionNotAudited,
            Fact::AuditLate(_) => Code::AuditLate,
            Fact::RoundOverCapacity { .. } => Code::RoundOverCapacity,
            Fact::EffortOverCaps { .. } => Code::EffortOverCaps,
            Fact::AuditTimeShort { .. } => Code::AuditTimeShort,
            Fact::SiteNotAuditedBeforeStage1 { .. } => Code::SiteNotAuditedBeforeStage1,
            Fact::CentralFunctionNotAudited { .. } => Code::CentralFunctionNotAudited,
            Fact::AreaNotCovered { .. } => Code::AreaNotCovered,
            Fact::FirstAuditLate { .. } => Code::FirstAuditLate,
            Fact::Round0IncompleteAtStage1 { .. } => Code::Round0IncompleteAtStage1,
            Fact::ReviewMissing { .. } => Code::ReviewMissing,
            Fact::SurveillanceLate { .. } => Code::SurveillanceLate,
            Fact::SurveillanceAfterAnniversary { .. } => Code::SurveillanceAfterAnniversary,
            Fact::CalendarYearWithoutAudit { .. } => Code::CalendarYearWithoutAudit,
            Fact::CalendarYearUnplanned { .. } => Code::CalendarYearUnplanned,
            Fact::CertificateSuspended { .. } => Code::CertificateSuspended,
            Fact::RecertificationLate { .. } => Code::RecertificationLate,
            Fact::CertificateExpired { .. } => Code::CertificateExpired,
            Fact::CertificateRestored { .. } => Code::CertificateRestored,
            Fact::CertificateLapsed { .. } => Code::CertificateLapsed,
            Fact::Uncertified { .. } => Code::Uncertified,
            Fact::CertificateExpiring { .. } => Code::CertificateExpiring,
            Fact::PreviousCycleGap { .. } => Code::PreviousCycleGap,
            Fact::DecisionNotRecorded { .. } => Code::DecisionNotRecorded,
            Fact::DecisionLate { .. } => Code::DecisionLate,
            Fact::RecordNotJudged { .. } => Code::RecordNotJudged,
            Fact::RecordStartsLater { .. } => Code::RecordStartsLater,
            Fact::AuditIntervalExceeded { .. } => Code::AuditIntervalExceeded,
            Fact::ReviewIntervalExceeded { .. } => Code::ReviewIntervalExceeded,
            Fact::ProgrammeAuditsItself { .. } => Code::ProgrammeAuditsItself,
            Fact::ManagementSystemLowRisk { .. } => Code::ManagementSystemLowRisk,
            Fact::AuditWithoutAuditor { .. } => Code::AuditWithoutAuditor,
            Fact::BookingPassed { .. } => Code::BookingPassed,
            Fact::BookingAuditorUnavailable { .. } => Code::BookingAuditorUnavailable,
            Fact::BookingSameDay { .. } => Code::BookingSameDay,
            Fact::BookingOutsideSites { .. } => Code::BookingOutsideSites,
            Fact::BookingOverCap { .. } => Code::BookingOverCap,
            Fact::CorrectiveActionOverdue { .. } => Code::CorrectiveActionOverdue,
            Fact::FindingWithoutCorrectiveAction { .. } => Code::FindingWithoutCorrectiveAction,
            Fact::MajorNonconformityOpen { .. } => Code::MajorNonconformityOpen,
            Fact::Stage1TooClose { .. } => Code::Stage1TooClose,
            Fact::AuditOnClosedDay { .. } => Code::AuditOnClosedDay,
            Fact::AcceptanceExpired { .. } => Code::AcceptanceExpired,
            Fact::AcceptanceUnused { .. } => Code::AcceptanceUnused,
        }
    }

    /// The fact in words.
    pub fn finding(&self) -> Finding {
        let code = self.code();
        let w = self.words();
        Finding {
            code,
            message: w.message,
            help: w.help.map_or(Cow::Borrowed(code.advice()), Cow::Owned),
            area: w.area,
            control: w.control,
            date: w.date,
            loc: w.at,
            accepted: None,
        }
    }

    /// One arm per code: each fact's words are written by a function of its own below (the
    /// certificate's and the record's in [`Fact::certificate_words`]).
    fn words(&self) -> Words {
        match self {
            Fact::ClauseNotCovered { clause } => clause_not_covered(clause),
            Fact::ControlNotCovered { control } => control_not_covered(control),
            Fact::ControlExcludedAndCovered { control, area, at } => excluded_and_covered(control, area, *at),
            Fact::NoIndependentAuditor { area, auditors, at } => no_independent_auditor(area, *auditors, *at),
            Fact::AuditorNotIndependent { area, date, auditor, conflict, at } => {
                not_independent(area, *date, auditor, conflict.describe(), *at)
            }
            Fact::OverdueAudit { area, round, before, before_unrecorded, held_not_independent: by, later, at } => {
                overdue(area, *round, before, *before_unrecorded, *by, later, *at)
            }
            Fact::ExtensionNotAudited { area, since, before, held_not_independent: by, later, at } => {
                extension_not_audited(area, *since, before, *by, later, *at)
            }
            Fact::AuditLate(late) => audit_late_of(late),
            Fact::RoundOverCapacity { area, round, why, due, at } => round_over_capacity(area, round, why, *due, *at),
            Fact::AreaNotCovered { area, cycle, start, expiry, at } => {
                area_not_covered(area, *cycle, *start, *expiry, *at)
            }
            Fact::FirstAuditLate { stage1, last, lead, at } => first_audit_late(*stage1, *last, *lead, *at),
            Fact::Round0IncompleteAtStage1 { last_day, stage1, late, open, stage2, at } => {
                round0_incomplete(*last_day, *stage1, late, open, *stage2, *at)
            }
            Fact::ReviewMissing { round, gap, date, at } => review_missing(round, gap, *date, *at),
            _ => self.certificate_words(),
        }
    }
}

fn not_independent(area: &str, date: NaiveDate, auditor: &str, conflict: &str, at: Loc) -> Words {
    Words::new(format!("the audit of `{area}` on {date} is by `{auditor}`, who {conflict}"))
        .area(area)
        .date(date)
        .at(at)
}

fn area_not_covered(area: &str, cycle: u32, start: NaiveDate, expiry: NaiveDate, at: Loc) -> Words {
    Words::new(format!(
        "area `{area}` cannot be covered in cycle {cycle} ({start} to {expiry}): no audit of it is done and no round of the cycle is left to take it"
    ))
    .area(area)
    .at(at)
}

fn clause_not_covered(clause: &str) -> Words {
    let title = catalogue::clause_title(clause).unwrap_or_default();
    Words::new(format!("clause {clause} ({title}) is in no area of the scope"))
}

fn control_not_covered(control: &str) -> Words {
    let title = catalogue::control_title(control).unwrap_or_default();
    Words::new(format!("control {control} ({title}) is in no area and not excluded in the SoA")).control(control)
}

fn excluded_and_covered(control: &str, area: &str, at: Loc) -> Words {
    let title = catalogue::control_title(control).unwrap_or_default();
    Words::new(format!("control {control} ({title}) is excluded in the SoA but area `{area}` carries it"))
        .control(control)
        .area(area)
        .at(at)
}

fn no_independent_auditor(area: &str, auditors: usize, at: Loc) -> Words {
    Words::new(match auditors {
        0 => format!("area `{area}` has no independent auditor: the register lists no auditors"),
        1 => {
            format!("area `{area}` has no independent auditor: its owner, team or conflicts rule out the only auditor")
        }
        n => {
            format!("area `{area}` has no independent auditor: its owner, team and conflicts rule out all {n} auditors")
        }
    })
    .area(area)
    .at(at)
}

fn overdue(
    area: &str,
    round: RoundName,
    before: &External,
    unrecorded: bool,
    by: bool,
    later: &Later,
    at: Option<Loc>,
) -> Words {
    // The external audit's day passed with none recorded: the day is the plan's. (Said in the
    // help: the message is part of the finding's fingerprint, which should not move.)
    let help = match unrecorded {
        true => format!(
            "{} is only planned: none is recorded (record it under `certification` if it was held); {}",
            before.describe(),
            later_help(later)
        ),
        false => later_help(later),
    };
    Words::new(format!(
        "the audit of `{area}` in round {round} was not held before {}{}",
        before.describe(),
        by_whom(by)
    ))
    .help(help)
    .area(area)
    .date(before.date)
    .at(at)
}

fn extension_not_audited(
    area: &str,
    since: Option<NaiveDate>,
    before: &External,
    by: bool,
    later: &Later,
    at: Option<Loc>,
) -> Words {
    Words::new(format!(
        "area `{area}` joined the scope on {} and was not audited before the next external audit, {}{}",
        since.map(|d| d.to_string()).unwrap_or_default(),
        before.describe(),
        by_whom(by)
    ))
    .help(later_help(later))
    .area(area)
    .date(before.date)
    .at(at)
}

/// The words of a `Fact::AuditLate`.
fn audit_late_of(late: &LateAudit) -> Words {
    let LateAudit {
        area,
        round,
        interim,
        lead_day,
        before,
        free_from,
        opens,
        passed,
        booked,
        held_not_independent,
        later,
        at,
    } = late;
    if let Some(day) = booked {
        let message = format!(
            "the audit of `{area}` in round {round} is booked for {day}, after {lead_day}, the lead before {}: its results may miss the management review",
            before.describe()
        );
        let help =
            "book it earlier, by the lead, or be ready to show the certification body why it comes after the review";
        return Words::new(message).help(help).area(area).date(*lead_day).at(*at);
    }
    let why = (*free_from, *opens, *passed);
    audit_late(area, *round, *interim, *lead_day, before, why, *held_not_independent, later, *at)
}

#[allow(clippy::too_many_arguments)] // (the fields of one fact)
fn audit_late(
    area: &str,
    round: RoundName,
    interim: bool,
    lead_day: NaiveDate,
    before: &External,
    (free_from, opens, passed): (Option<NaiveDate>, Option<(NaiveDate, bool)>, Option<NaiveDate>),
    by: bool,
    later: &Later,
    at: Option<Loc>,
) -> Words {
    // "the lead before surveillance 1 of cycle 1 on 2026-10-21"
    let lead = if interim {
        "the interval after the round before (an interim round)".to_string()
    } else {
        format!("the lead before {}", before.describe())
    };
    let message = match (free_from, opens) {
        (Some(day), _) if let Some(missed) = passed => format!(
            "the audit of `{area}` in round {round} cannot be held by {lead_day}, {lead}: its planned day, {missed}, passed with nothing recorded, and with the notice period (`notice_days`) it is planned again on {day}"
        ),
        (Some(day), Some((opens, joins))) => format!(
            "the audit of `{area}` in round {round} cannot be held by {lead_day}, {lead}: {} {opens}, and it is planned on {day}",
            if joins {
                "the area joins the scope only on"
            } else {
                "the round opens only with the certification-body audit before it, on"
            }
        ),
        (Some(day), None) => format!(
            "the audit of `{area}` in round {round} cannot be held by {lead_day}, {lead}: no independent auditor has a free day for it until {day}"
        ),
        (None, _) => format!(
            "the audit of `{area}` in round {round} was due by {lead_day}, {lead}, and is not held{}",
            by_whom(by)
        ),
    };
    Words::new(message).help(later_help(later)).area(area).date(lead_day).at(at)
}

fn first_audit_late(stage1: NaiveDate, last: NaiveDate, lead: u32, at: Loc) -> Words {
    Words::new(format!(
        "the last internal audit before Stage 1 ({stage1}) is on {last}, {} days before it; at least {lead} weeks are needed so corrective actions can go through management review",
        (stage1 - last).num_days()
    ))
    .date(last)
    .at(at)
}

fn review_missing(round: &RoundRef, gap: &ReviewGap, date: NaiveDate, at: Option<Loc>) -> Words {
    let w = match gap {
        ReviewGap::NotHeld { booked } => Words::new(format!(
            "the management review booked for {booked} is not recorded as held ({})",
            describe(round)
        ))
        .help("once held, mark it `status: done`; if it did not take place, hold one and record it"),
        ReviewGap::None => Words::new(format!("no management review is recorded for {}", describe(round))),
        ReviewGap::BeforeAudits { review, done } => Words::new(format!(
            "the management review on {review} came before the round's audit on {done}, so it could not take its results ({})",
            describe(round)
        )),
        ReviewGap::BookedBeforeAudit { review, audit } => Words::new(format!(
            "the management review booked for {review} comes before the round's audit planned on {audit}, so it cannot take its results ({})",
            describe(round)
        ))
        .help("move the review after the round's last audit, or hold the audit before it"),
    };
    w.date(date).at(at)
}

/// "round C1.1" or "rounds C1.1, C1.2".
fn rounds_named(rounds: &[RoundName]) -> String {
    match rounds {
        [one] => format!("round {one}"),
        more => format!("rounds {}", listed(more)),
    }
}

/// "C1.1, C1.2": names as a list in a sentence.
fn listed(names: &[impl std::fmt::Display]) -> String {
    let mut list = String::new();
    for (k, name) in names.iter().enumerate() {
        let comma = if k > 0 { ", " } else { "" };
        _ = write!(list, "{comma}{name}");
    }
    list
}

/// An audit a round plans with no auditor: why, and what helps.
fn round_over_capacity(area: &str, round: &RoundRef, why: &Capacity, due: NaiveDate, at: Option<Loc>) -> Words {
    // A yearly cap makes days unavailable like leave does: say so where one is set.
    let yearly =
        |caps: bool| caps.then_some("add auditors, hold audits earlier, or raise an auditor's `max_days_per_year`");
    let (message, help) = match why {
        Capacity::NoAuditorForSite { site } => (
            format!("no independent auditor audits the site of `{area}` ({site}) for the audit in {}", describe(round)),
            Some("add the site to an independent auditor's `sites`, or an auditor for it"),
        ),
        Capacity::RoundCap => (
            format!(
                "every independent auditor who could audit `{area}` in {} has reached their `max_days_per_round`",
                describe(round)
            ),
            Some("raise an auditor's `max_days_per_round`, or add auditors"),
        ),
        Capacity::NoDaysLeft { first_day, due, yearly_caps } => (
            format!(
                "{} has no days left for the audit of `{area}`: it must be held by {due} but cannot start before {first_day}",
                describe(round)
            ),
            yearly(*yearly_caps),
        ),
        Capacity::NoFreeDay { first_day, due, yearly_caps } => (
            format!(
                "no independent auditor has a free day for the audit of `{area}` in {} between {first_day} and {due}",
                describe(round)
            ),
            yearly(*yearly_caps),
        ),
    };
    let w = Words::new(message).area(area).date(due).at(at);
    match help {
        Some(h) => w.help(h),
        None => w,
    }
}

/// Round 0 not complete by its last day before Stage 1: which areas were audited later, which not yet.
fn round0_incomplete(
    last_day: NaiveDate,
    stage1: NaiveDate,
    late: &[&str],
    open: &[&str],
    stage2: Option<NaiveDate>,
    at: Option<Loc>,
) -> Words {
    let mut parts = Vec::new();
    if !late.is_empty() {
        parts.push(format!("{} audited later ({})", count(late.len(), "area"), late.join(", ")));
    }
    if !open.is_empty() {
        parts.push(format!("{} still open ({})", count(open.len(), "area"), open.join(", ")));
    }
    let stage2 = stage2.map(|s| format!("Stage 2 on {s}")).unwrap_or_else(|| "Stage 2".to_string());
    Words::new(format!(
        "round 0 was not complete by {last_day}, the lead before Stage 1 on {stage1}: {}; {stage2} will check the internal audits held since",
        parts.join(", ")
    ))
    .date(stage1)
    .at(at)
}
