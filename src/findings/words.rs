//! Every finding in words: the one place where a [`Fact`] becomes a message, a help line, and
//! the area, control, date and place in the register a finding names.

use chrono::NaiveDate;

use super::Finding;
use super::facts::{Capacity, Fact, Later, Left, OnClosedDay, ReviewGap, RoundRef, Stage1Fit};
use crate::catalogue;
use crate::codes::Code;
use crate::diagnostic::Loc;
use crate::register::NonconformitySeverity;
use crate::text::count;

/// "round C1.2 before surveillance 2 of cycle 1 on 2026-05-12".
fn describe(round: &RoundRef) -> String {
    format!("round {} before {}", round.label, round.prepares.describe())
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
        Later::Nothing => "hold the audit and record it with `status: done`; no round left in this cycle plans it, so tell your certification body".to_string(),
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

impl Fact {
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
            Fact::AuditLate { .. } => Code::AuditLate,
            Fact::RoundOverCapacity { .. } => Code::RoundOverCapacity,
            Fact::AreaNotCovered { .. } => Code::AreaNotCovered,
            Fact::FirstAuditLate { .. } => Code::FirstAuditLate,
            Fact::Round0IncompleteAtStage1 { .. } => Code::Round0IncompleteAtStage1,
            Fact::ReviewMissing { .. } => Code::ReviewMissing,
            Fact::SurveillanceLate { .. } => Code::SurveillanceLate,
            Fact::SurveillanceAfterAnniversary { .. } => Code::SurveillanceAfterAnniversary,
            Fact::CalendarYearWithoutAudit { .. } => Code::CalendarYearWithoutAudit,
            Fact::RecertificationLate { .. } => Code::RecertificationLate,
            Fact::CertificateExpired { .. } => Code::CertificateExpired,
            Fact::CertificateRestored { .. } => Code::CertificateRestored,
            Fact::CertificateLapsed { .. } => Code::CertificateLapsed,
            Fact::Uncertified { .. } => Code::Uncertified,
            Fact::CertificateExpiring { .. } => Code::CertificateExpiring,
            Fact::PreviousCycleGap { .. } => Code::PreviousCycleGap,
            Fact::DecisionNotRecorded { .. } => Code::DecisionNotRecorded,
            Fact::DecisionLate { .. } => Code::DecisionLate,
            Fact::AuditIntervalExceeded { .. } => Code::AuditIntervalExceeded,
            Fact::ReviewIntervalExceeded { .. } => Code::ReviewIntervalExceeded,
            Fact::ProgrammeAuditsItself { .. } => Code::ProgrammeAuditsItself,
            Fact::ManagementSystemLowRisk { .. } => Code::ManagementSystemLowRisk,
            Fact::AuditWithoutAuditor { .. } => Code::AuditWithoutAuditor,
            Fact::CorrectiveActionOverdue { .. } => Code::CorrectiveActionOverdue,
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
            help: w.help.unwrap_or_else(|| code.advice().to_string()),
            area: w.area,
            control: w.control,
            date: w.date,
            loc: w.at,
            accepted: None,
        }
    }

    fn words(&self) -> Words {
        match self {
            Fact::ClauseNotCovered { clause } => {
                let title = catalogue::clause_title(clause).unwrap_or_default();
                Words::new(format!("clause {clause} ({title}) is in no area of the scope"))
            }
            Fact::ControlNotCovered { control } => {
                let title = catalogue::control_title(control).unwrap_or_default();
                Words::new(format!("control {control} ({title}) is in no area and not excluded in the SoA")).control(control)
            }
            Fact::ControlExcludedAndCovered { control, area, at } => {
                let title = catalogue::control_title(control).unwrap_or_default();
                Words::new(format!("control {control} ({title}) is excluded in the SoA but area `{area}` carries it"))
                    .control(control)
                    .area(area)
                    .at(*at)
            }
            Fact::NoIndependentAuditor { area, auditors, at } => Words::new(match auditors {
                0 => format!("area `{area}` has no independent auditor: the register lists no auditors"),
                1 => format!("area `{area}` has no independent auditor: its owner, team or conflicts rule out the only auditor"),
                n => format!("area `{area}` has no independent auditor: its owner, team and conflicts rule out all {n} auditors"),
            })
            .area(area)
            .at(*at),
            Fact::AuditorNotIndependent { area, date, auditor, conflict, at } => Words::new(format!(
                "the audit of `{area}` on {date} is by `{auditor}`, who {}",
                conflict.describe()
            ))
            .area(area)
            .date(*date)
            .at(*at),
            Fact::OverdueAudit { area, round, before, held_not_independent, later, at } => Words::new(format!(
                "the audit of `{area}` in round {round} was not held before {}{}",
                before.describe(),
                by_whom(*held_not_independent)
            ))
            .help(later_help(later))
            .area(area)
            .date(before.date)
            .at(*at),
            Fact::ExtensionNotAudited { area, since, before, held_not_independent, later, at } => Words::new(format!(
                "area `{area}` joined the scope on {} and was not audited before the next external audit, {}{}",
                since.map(|d| d.to_string()).unwrap_or_default(),
                before.describe(),
                by_whom(*held_not_independent)
            ))
            .help(later_help(later))
            .area(area)
            .date(before.date)
            .at(*at),
            Fact::AuditLate { area, round, lead_day, before, free_from, held_not_independent, later, at } => {
                let message = match free_from {
                    Some(day) => format!(
                        "the audit of `{area}` in round {round} cannot be held by {lead_day}, the lead before {}: no independent auditor has a free day for it until {day}",
                        before.describe()
                    ),
                    None => format!(
                        "the audit of `{area}` in round {round} was due by {lead_day}, the lead before {}, and is not held{}",
                        before.describe(),
                        by_whom(*held_not_independent)
                    ),
                };
                Words::new(message).help(later_help(later)).area(area).date(*lead_day).at(*at)
            }
            Fact::RoundOverCapacity { area, round, why, due, at } => {
                // A yearly cap makes days unavailable like leave does: say so where one is set.
                let yearly = |caps: bool| {
                    caps.then_some("add auditors, hold audits earlier, or raise an auditor's `max_days_per_year`")
                };
                let (message, help) = match why {
                    Capacity::NoAuditorForSite { site } => (
                        format!(
                            "no independent auditor audits the site of `{area}` ({site}) for the audit in {}",
                            describe(round)
                        ),
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
                let w = Words::new(message).area(area).date(*due).at(*at);
                match help {
                    Some(h) => w.help(h),
                    None => w,
                }
            }
            Fact::AreaNotCovered { area, cycle, start, expiry, at } => Words::new(format!(
                "area `{area}` cannot be covered in cycle {cycle} ({start} to {expiry}): no audit of it is done and no round of the cycle is left to take it"
            ))
            .area(area)
            .at(*at),
            Fact::FirstAuditLate { stage1, last, lead, at } => Words::new(format!(
                "the last internal audit before Stage 1 ({stage1}) is on {last}, {} days before it; at least {lead} weeks are needed so corrective actions can go through management review",
                (*stage1 - *last).num_days()
            ))
            .date(*last)
            .at(*at),
            Fact::Round0IncompleteAtStage1 { last_day, stage1, late, open, stage2, at } => {
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
                .date(*stage1)
                .at(*at)
            }
            Fact::ReviewMissing { round, gap, date, at } => {
                let w = match gap {
                    ReviewGap::NotHeld { booked } => Words::new(format!(
                        "the management review booked for {booked} is not recorded as held ({})",
                        describe(round)
                    ))
                    .help("once held, mark it `status: done`; if it did not take place, hold one and record it"),
                    ReviewGap::None => {
                        Words::new(format!("no management review is recorded for {}", describe(round)))
                    }
                    ReviewGap::BeforeAudits { review, done } => Words::new(format!(
                        "the management review on {review} came before the round's audit on {done}, so it could not take its results ({})",
                        describe(round)
                    )),
                };
                w.date(*date).at(*at)
            }
            Fact::SurveillanceLate { number, cycle, latest, held, at } => surveillance(
                *number,
                *cycle,
                *latest,
                *held,
                "the first surveillance after the initial certification decision is due within 12 months of it (ISO/IEC 17021-1 9.1.3)".to_string(),
                *at,
            ),
            Fact::SurveillanceAfterAnniversary { number, cycle, latest, held, at } => surveillance(
                *number,
                *cycle,
                *latest,
                *held,
                format!("certification bodies usually hold surveillance {number} by the anniversary, {latest}"),
                *at,
            ),
            Fact::CalendarYearWithoutAudit { year, at } => Words::new(format!(
                "no certification-body audit is recorded in {year}, which was not a recertification year: surveillance is due at least once a calendar year"
            ))
            .at(*at),
            Fact::RecertificationLate { cycle, expiry, latest, ended, at } => match ended {
                None => Words::new(format!(
                    "no recertification audit of cycle {cycle} is recorded and {latest} has passed: a decision before expiry on {expiry} is unlikely"
                ))
                .date(*latest)
                .at(*at),
                Some(end) => Words::new(format!(
                    "the recertification of cycle {cycle} ending {end} is after {latest}, which leaves little time for a decision before expiry on {expiry}"
                ))
                .date(*end)
                .at(*at),
            },
            Fact::CertificateExpired { cycle, expiry, deadline, restoring, at } => match restoring {
                Some((audit, on)) => Words::new(format!(
                    "the certificate of cycle {cycle} expired on {expiry}; the recertification recorded on {audit} restores it with the decision on {on}"
                ))
                .help(format!(
                    "complete the recertification by {deadline} (6 months after expiry) and record the decision when it is given"
                )),
                None => Words::new(format!(
                    "the certificate of cycle {cycle} expired on {expiry} with no recertification recorded before it"
                ))
                .help(format!(
                    "complete the recertification by {deadline} (6 months after expiry) to restore the certificate, and record it; after that, only a new initial certification (at least a Stage 2 audit) can"
                )),
            }
            .date(*expiry)
            .at(*at),
            Fact::CertificateRestored { cycle, expiry, on, assumed, at } => Words::new(format!(
                "the certificate of cycle {cycle} expired on {expiry} and was restored by the recertification decision on {on}{}: it was not valid from {} to {}",
                if *assumed { " (assumed)" } else { "" },
                expiry.succ_opt().unwrap_or(*expiry),
                on.pred_opt().unwrap_or(*on)
            ))
            .date(*on)
            .at(*at),
            Fact::CertificateLapsed { cycle, expiry, deadline, late, at } => Words::new(format!(
                "the certificate of cycle {cycle} expired on {expiry} and was not restored by {deadline}, 6 months later: it has lapsed{}",
                late.map(|d| format!("; the recertification recorded on {d} came after that")).unwrap_or_default()
            ))
            .date(*deadline)
            .at(*at),
            Fact::Uncertified { expired, decision, assumed, at } => Words::new(format!(
                "the certificate expired on {expired} and lapsed; the new certification's decision is {decision}{}: until then the ISMS is not certified",
                if *assumed { " (assumed)" } else { "" }
            ))
            .date(*expired)
            .at(*at),
            Fact::CertificateExpiring { expiry, days_left, at } => Words::new(format!(
                "the certificate expires on {expiry} (in {days_left} days) and no recertification audit is booked"
            ))
            .date(*expiry)
            .at(*at),
            Fact::PreviousCycleGap { cycle, first_audit, left } => {
                let ended = if *cycle == 0 { "round 0".to_string() } else { format!("cycle {cycle}") };
                let intro = format!(
                    "{ended} ended with this open; the certification body will ask at surveillance 1 on {first_audit}"
                );
                match left {
                    Left::Other(fact) => {
                        let f = fact.finding();
                        Words {
                            message: format!("{intro}: {}", f.message),
                            help: None,
                            area: f.area,
                            control: f.control,
                            date: f.date,
                            at: f.loc,
                        }
                    }
                    Left::Area { area, rounds, uncovered, at } => {
                        let mut what = Vec::new();
                        match rounds.as_slice() {
                            [] => {}
                            [one] => what.push(format!("its audit in round {one} stayed overdue")),
                            many => what.push(format!("its audits in rounds {} stayed overdue", many.join(", "))),
                        }
                        if *uncovered {
                            what.push(format!("it was not covered in cycle {cycle}"));
                        }
                        Words::new(format!("{intro}: area `{area}`: {}", what.join("; "))).area(area).at(*at)
                    }
                }
            }
            Fact::DecisionNotRecorded { decision, at } => Words::new(format!(
                "the certification decision was assumed for {decision} and that day has passed: add `decision:` to `certification` once the certificate is issued"
            ))
            .date(*decision)
            .at(*at),
            Fact::DecisionLate { decision, stage2, at } => Words::new(format!(
                "the certification decision on {decision} is more than 6 months after Stage 2 on {stage2}"
            ))
            .date(*decision)
            .at(*at),
            Fact::AuditIntervalExceeded { from, to, months, at } => interval("internal audit", *from, *to, *months, *at),
            Fact::ReviewIntervalExceeded { from, to, months, at } => {
                interval("management review", *from, *to, *months, *at)
            }
            Fact::ProgrammeAuditsItself { area, owner, recorded, days, at } => {
                let what = if *recorded { "is audited" } else { "is planned to be audited" };
                let shown: Vec<String> = days.iter().map(NaiveDate::to_string).collect();
                let w = Words::new(format!(
                    "area `{area}` carries clause 9.2 (the audit programme) and {what} by `{owner}`, who manages the programme, on {}",
                    shown.join(", ")
                ))
                .area(area)
                .at(*at);
                match days.first() {
                    Some(first) => w.date(*first),
                    None => w,
                }
            }
            Fact::ManagementSystemLowRisk { area, clauses, at } => Words::new(format!(
                "area `{area}` carries clauses 4-10 ({}) and is low risk, so it is audited once a cycle",
                clauses.join(", ")
            ))
            .area(area)
            .at(*at),
            Fact::AuditWithoutAuditor { areas, date, at } => Words::new(format!(
                "the audit of {} on {date} names no `auditor` and no `auditor_org`",
                areas.join(", ")
            ))
            .date(*date)
            .at(*at),
            Fact::CorrectiveActionOverdue { id, severity, area, due, at } => Words::new(format!(
                "corrective action `{id}` ({} nonconformity, area `{area}`) was due on {due} and is still open",
                match severity {
                    NonconformitySeverity::Major => "major",
                    NonconformitySeverity::Minor => "minor",
                }
            ))
            .area(area)
            .date(*due)
            .at(*at),
            Fact::MajorNonconformityOpen { id, area, ahead, at } => Words::new(format!(
                "corrective action `{id}` on a major nonconformity in area `{area}` is open, with {} ahead",
                ahead.describe()
            ))
            .area(area)
            .at(*at),
            Fact::Stage1TooClose { last_day, stage1, lead, areas, fit, at } => {
                let falls = match areas.len() {
                    1 => "1 area audit falls".to_string(),
                    n => format!("{n} area audits fall"),
                };
                let mut message = format!(
                    "round 0 cannot be completed by {last_day}, {lead} weeks before Stage 1 on {stage1}: {falls} after it ({})",
                    areas.join(", ")
                );
                let mut help = None;
                match fit {
                    Stage1Fit::Placed { last, earliest, weeks } => {
                        message.push_str(&format!(
                            "; the last ends on {last}, so Stage 1 on {earliest} or later leaves {lead} weeks"
                        ));
                        if let Some(weeks) = weeks {
                            message.push_str(&format!(", or a lead of {weeks} weeks fits Stage 1 on {stage1}"));
                        }
                    }
                    Stage1Fit::Unplaced { unplaced } => {
                        let have = if *unplaced == 1 { "1 has".to_string() } else { format!("{unplaced} have") };
                        message.push_str(&format!("; {have} no free day before Stage 2 with these auditors"));
                        // No date to move Stage 1 to: more auditors (or days) is what helps.
                        help = Some(
                            "add auditors, or free the days of those there are (blackouts, leave, caps), so round 0 fits before Stage 1",
                        );
                    }
                }
                let w = Words::new(message).date(*stage1).at(*at);
                match help {
                    Some(h) => w.help(h),
                    None => w,
                }
            }
            Fact::AuditOnClosedDay { what, date, why, at } => {
                let message = match what {
                    OnClosedDay::Audit { areas } => format!(
                        "the internal audit of {} on {date} ({}) is on a day the register closes: {why}",
                        areas.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", "),
                        date.format("%A")
                    ),
                    OnClosedDay::Stage { stage } => format!(
                        "{} ({}) is on a day the register closes: {why}",
                        stage.describe(),
                        date.format("%A")
                    ),
                };
                Words::new(message).date(*date).at(*at)
            }
            Fact::AcceptanceExpired { code, reference, until, covered, at } => Words::new(format!(
                "the accepted deviation `{}` ({reference}) ended on {until}{}",
                code.key(),
                if *covered { ": what it covered counts again" } else { "" }
            ))
            .date(*until)
            .at(*at),
            Fact::AcceptanceUnused { code, area, control, reference, at } => {
                let what = match (area, control) {
                    (Some(area), _) => format!(" for area `{area}`"),
                    (None, Some(c)) => format!(" for control {c}"),
                    _ => String::new(),
                };
                Words::new(format!(
                    "the accepted deviation `{}`{what} ({reference}) matches no finding",
                    code.key()
                ))
                .at(*at)
            }
        }
    }
}

/// A surveillance recorded after its latest day, or not recorded by it.
fn surveillance(
    number: u8,
    cycle: u32,
    latest: NaiveDate,
    held: Option<NaiveDate>,
    rule: String,
    at: Option<Loc>,
) -> Words {
    match held {
        Some(date) => Words::new(format!("surveillance {number} of cycle {cycle} on {date} is after {latest}: {rule}"))
            .date(date)
            .at(at),
        None => Words::new(format!(
            "no surveillance {number} of cycle {cycle} is recorded, and it was due by {latest}: {rule}"
        ))
        .date(latest)
        .at(at),
    }
}

/// More than the interval between two held, or since the last one.
fn interval(what: &str, from: NaiveDate, to: NaiveDate, months: u32, at: Option<Loc>) -> Words {
    let message = match at {
        None => format!("no {what} is recorded as held since {from}, more than {months} months ago"),
        Some(_) => format!("more than {months} months passed between the {what}s held on {from} and {to}"),
    };
    Words::new(message).date(to).at(at)
}
