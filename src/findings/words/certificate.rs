//! The words of the certificate's facts and the record's (see [`super`]).

use super::*;
use crate::catalogue::Clause;

impl Fact<'_> {
    /// The words of the certificate's facts and the record's.
    pub(super) fn certificate_words(&self) -> Words {
        match self {
            Fact::SurveillanceLate { number, cycle, latest, held, at } => {
                let rule = "the first surveillance after the initial certification decision is due within 12 months of it (ISO/IEC 17021-1 9.1.3)";
                surveillance(*number, *cycle, *latest, *held, rule.to_string(), *at)
            }
            Fact::SurveillanceAfterAnniversary { number, cycle, latest, held, at } => {
                let rule =
                    format!("certification bodies usually hold surveillance {number} by the anniversary, {latest}");
                surveillance(*number, *cycle, *latest, *held, rule, *at)
            }
            Fact::EffortOverCaps { period, days, cap, setting } => effort_over_caps(period, *days, *cap, setting),
            Fact::AuditTimeShort { audit, date, days, least, at } => audit_time_short(audit, *date, *days, *least, *at),
            Fact::SiteNotAuditedBeforeStage1 { site, stage1, has_areas, at } => {
                site_not_audited(site, *stage1, *has_areas, *at)
            }
            Fact::CentralFunctionNotAudited { site, round, has_areas, at } => {
                central_not_audited(site, round, *has_areas, *at)
            }
            Fact::CalendarYearWithoutAudit { year, at } => calendar_year(*year, "is recorded", "was", *at),
            Fact::CalendarYearUnplanned { year, at } => calendar_year(*year, "is booked or planned", "is", *at),
            Fact::RecertificationLate { cycle, expiry, latest, ended, at } => {
                recertification_late(*cycle, *expiry, *latest, *ended, *at)
            }
            Fact::CertificateExpired { cycle, expiry, deadline, restoring, at } => {
                certificate_expired(*cycle, *expiry, *deadline, *restoring, *at)
            }
            Fact::CertificateRestored { cycle, expiry, on, assumed, at } => {
                certificate_restored(*cycle, *expiry, *on, *assumed, *at)
            }
            Fact::CertificateLapsed { cycle, expiry, deadline, late, at } => {
                lapsed(*cycle, *expiry, *deadline, *late, *at)
            }
            Fact::Uncertified { expired, decision, assumed, at } => uncertified(*expired, *decision, *assumed, *at),
            Fact::CertificateExpiring { expiry, days_left, at } => Words::new(format!(
                "the certificate expires on {expiry} (in {days_left} days) and no recertification audit is booked"
            ))
            .date(*expiry)
            .at(*at),
            Fact::PreviousCycleGap { cycle, first_audit, left } => previous_cycle_gap(*cycle, *first_audit, left),
            Fact::DecisionNotRecorded { decision, early, at } => decision_not_recorded(*decision, *early, *at),
            Fact::DecisionLate { decision, stage2, at } => Words::new(format!(
                "the certification decision on {decision} is more than 6 months after Stage 2 on {stage2}"
            ))
            .date(*decision)
            .at(*at),
            Fact::CertificateSuspended { from, to, note, at } => certificate_suspended(*from, *to, *note, *at),
            Fact::RecordNotJudged { from, rounds, at } => record_not_judged(*from, rounds, *at),
            Fact::RecordStartsLater { first, rounds, overdue } => record_starts_later(*first, rounds, *overdue),
            Fact::AuditIntervalExceeded { from, to, months, at } => {
                interval("internal audit", *from, *to, *months, *at)
            }
            Fact::ReviewIntervalExceeded { from, to, months, at } => {
                interval("management review", *from, *to, *months, *at)
            }
            Fact::ProgrammeAuditsItself { area, owner, recorded, days, at } => {
                programme_audits_itself(area, owner, *recorded, days, *at)
            }
            Fact::ManagementSystemLowRisk { area, clauses, at } => low_risk(area, clauses, *at),
            f @ (Fact::BookingPassed { .. }
            | Fact::BookingAuditorUnavailable { .. }
            | Fact::BookingSameDay { .. }
            | Fact::BookingOutsideSites { .. }
            | Fact::BookingOverCap { .. }) => booking(f),
            Fact::AuditWithoutAuditor { areas, date, at } => {
                let areas = areas.join(", ");
                Words::new(format!("the audit of {areas} on {date} names no `auditor` and no `auditor_org`"))
                    .date(*date)
                    .at(*at)
            }
            Fact::CorrectiveActionOverdue { id, severity, area, due, at } => {
                corrective_action_overdue(id, *severity, area, *due, *at)
            }
            Fact::FindingWithoutCorrectiveAction { id, severity, area, date, at } => Words::new(format!(
                "the {} nonconformity `{id}` found in area `{area}` on {date} has no corrective action",
                severity.key()
            ))
            .area(area)
            .date(*date)
            .at(*at),
            Fact::MajorNonconformityOpen { id, area, ahead, at } => major_open(id, area, ahead, *at),
            Fact::Stage1TooClose { last_day, stage1, lead, areas, fit, at } => {
                stage1_too_close(*last_day, *stage1, *lead, areas, fit, *at)
            }
            Fact::AuditOnClosedDay { what, date, why, at } => on_closed_day(what, *date, why, *at),
            Fact::AcceptanceExpired { code, reference, until, covered, at } => {
                acceptance_expired(*code, reference, *until, *covered, *at)
            }
            Fact::AcceptanceUnused { code, area, control, reference, at } => {
                acceptance_unused(*code, area.as_deref(), control.as_deref(), reference, *at)
            }
            // Every other fact is worded by `words`; were one missed, its code's description.
            other => Words::new(other.code().doc().when.to_string()),
        }
    }
}

fn acceptance_expired(code: Code, reference: &str, until: NaiveDate, covered: bool, at: Loc) -> Words {
    let words = Words::new(format!(
        "the accepted deviation `{}` ({reference}) ended on {until}{}",
        code.key(),
        if covered { ": what it covered counts again" } else { "" }
    ))
    .date(until)
    .at(at);
    match code.reported_until() {
        Some(why) if covered => words.help(format!(
            "{why}: where the certification body's acceptance stands, set `until` to the certificate's expiry, or after it to the expected recertification decision; else renew it with its new reference, or remove it"
        )),
        _ => words,
    }
}

fn acceptance_unused(code: Code, area: Option<&str>, control: Option<&str>, reference: &str, at: Loc) -> Words {
    let what = match (area, control) {
        (Some(area), _) => format!(" for area `{area}`"),
        (None, Some(c)) => format!(" for control {c}"),
        _ => String::new(),
    };
    Words::new(format!("the accepted deviation `{}`{what} ({reference}) matches no finding", code.key())).at(at)
}

fn audit_time_short(audit: &str, date: NaiveDate, days: Tenths, least: Tenths, at: Loc) -> Words {
    Words::new(format!(
        "the {audit} audit on {date} is recorded at {days} audit days, fewer than the {least} the rules allow for the register's `persons` (an estimate)"
    ))
    .date(date)
    .at(at)
}

/// A booking ahead that breaks what the planner keeps (see `bookings.rs`).
fn booking(fact: &Fact) -> Words {
    match fact {
        Fact::BookingPassed { areas, date, at } => Words::new(format!(
            "the internal audit of {} booked for {date} is not recorded as held, and that day has passed",
            areas.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ")
        ))
        .date(*date)
        .at(Some(*at)),
        Fact::BookingAuditorUnavailable { auditor, date, at } => Words::new(format!(
            "the internal audit booked for {date} is by `{auditor}`, who is recorded as unavailable that day"
        ))
        .date(*date)
        .at(Some(*at)),
        Fact::BookingSameDay { auditor, date, first, at } => Words::new(format!(
            "`{auditor}` has two internal audits on {date} (the other at line {}): an auditor holds one audit a day",
            first.line
        ))
        .date(*date)
        .at(Some(*at)),
        Fact::BookingOutsideSites { auditor, area, site, date, at } => Words::new(format!(
            "the internal audit of `{area}` booked for {date} is at site `{site}`, which `{auditor}`'s `sites` does not list"
        ))
        .area(area)
        .date(*date)
        .at(Some(*at)),
        Fact::BookingOverCap { auditor, period, days, cap, date, at } => Words::new(format!(
            "with the audit booked for {date}, `{auditor}` has {days} audit days in {period}, more than their cap of {cap}"
        ))
        .date(*date)
        .at(Some(*at)),
        // The one caller, `Fact::words`, passes only the four booking facts above.
        _ => unreachable!("booking() is given booking facts only"),
    }
}

/// A calendar year with no certification-body audit (17021-1 9.1.3).
fn calendar_year(year: i32, recorded: &str, was: &str, at: Option<Loc>) -> Words {
    Words::new(format!(
        "no surveillance or recertification audit {recorded} in {year}, which {was} not a recertification year: surveillance is due at least once a calendar year"
    ))
    .at(at)
}

fn central_not_audited(site: &str, round: &RoundRef, has_areas: bool, at: Loc) -> Words {
    if !has_areas {
        // Said once for every round: the cause is the scope, not a round.
        return Words::new(format!("no round can audit the central function, `{site}`: no area of the scope is at it"))
            .at(at);
    }
    Words::new(format!(
        "{} does not audit the central function, `{site}`: none of its areas is audited in it",
        describe(round)
    ))
    .at(at)
}

fn certificate_expired(
    cycle: u32,
    expiry: NaiveDate,
    deadline: NaiveDate,
    restoring: Option<(NaiveDate, NaiveDate)>,
    at: Option<Loc>,
) -> Words {
    match restoring {
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
    .date(expiry)
    .at(at)
}

fn certificate_restored(cycle: u32, expiry: NaiveDate, on: NaiveDate, assumed: bool, at: Option<Loc>) -> Words {
    Words::new(format!(
        "the certificate of cycle {cycle} expired on {expiry} and was restored by the recertification decision on {on}{}: it was not valid from {} to {}",
        if assumed { " (assumed)" } else { "" },
        expiry.succ_opt().unwrap_or(expiry),
        on.pred_opt().unwrap_or(on)
    ))
    .date(on)
    .at(at)
}

fn certificate_suspended(from: NaiveDate, to: Option<NaiveDate>, note: Option<&str>, at: Loc) -> Words {
    Words::new(format!(
        "the certificate is suspended from {from}{}{}: while suspended it is not valid, and certification may not be claimed",
        to.map(|t| format!(" to {t}")).unwrap_or_default(),
        note.map(|n| format!(" ({n})")).unwrap_or_default(),
    ))
    .date(from)
    .at(Some(at))
}

fn corrective_action_overdue(id: &str, severity: NonconformitySeverity, area: &str, due: NaiveDate, at: Loc) -> Words {
    let severity = severity.key();
    Words::new(format!(
        "corrective action `{id}` ({severity} nonconformity, area `{area}`) was due on {due} and is still open"
    ))
    .area(area)
    .date(due)
    .at(at)
}

fn decision_not_recorded(decision: NaiveDate, early: Option<NaiveDate>, at: Option<Loc>) -> Words {
    let (message, help) = match early {
        Some(audit) => (
            format!(
                "the decision on the early recertification of {audit} was assumed for {decision} and that day has passed: the new cycle and its anniversaries count from it, so add `decision:` to that recertification once the certificate is issued"
            ),
            format!("add `decision:` to the recertification of {audit}"),
        ),
        None => (
            format!(
                "the certification decision was assumed for {decision} and that day has passed: add `decision:` to `certification` once the certificate is issued"
            ),
            "add `decision:` to `certification`".to_string(),
        ),
    };
    Words::new(message).help(help).date(decision).at(at)
}

fn effort_over_caps(period: &str, days: u32, cap: u32, setting: &str) -> Words {
    Words::new(format!("{period} needs {days} auditor-days, and the auditors' `{setting}` allow {cap} together"))
}

/// More than the interval between two held, or since the last one.
fn interval(what: &str, from: NaiveDate, to: NaiveDate, months: u32, at: Option<Loc>) -> Words {
    let message = match at {
        None => format!("no {what} is recorded as held since {from}, more than {months} months ago"),
        Some(_) => format!("more than {months} months passed between the {what}s held on {from} and {to}"),
    };
    Words::new(message).date(to).at(at)
}

fn lapsed(cycle: u32, expiry: NaiveDate, deadline: NaiveDate, late: Option<NaiveDate>, at: Option<Loc>) -> Words {
    Words::new(format!(
        "the certificate of cycle {cycle} expired on {expiry} and was not restored by {deadline}, 6 months later: it has lapsed{}",
        late.map(|d| format!("; the recertification recorded on {d} came after that")).unwrap_or_default()
    ))
    .date(deadline)
    .at(at)
}

fn low_risk(area: &str, clauses: &[Clause], at: Loc) -> Words {
    let clauses: Vec<&str> = clauses.iter().map(|c| c.id()).collect();
    Words::new(format!(
        "area `{area}` carries clauses 4-10 ({}) and is low risk, so it is audited once a cycle",
        clauses.join(", ")
    ))
    .area(area)
    .at(at)
}

fn major_open(id: &str, area: &str, ahead: &External, at: Loc) -> Words {
    Words::new(format!(
        "corrective action `{id}` on a major nonconformity in area `{area}` is open, with {} ahead",
        ahead.describe()
    ))
    .area(area)
    .at(at)
}

fn on_closed_day(what: &OnClosedDay, date: NaiveDate, why: &str, at: Option<Loc>) -> Words {
    let message = match what {
        OnClosedDay::Audit { areas } => format!(
            "the internal audit of {} on {date} ({}) is on a day the register closes: {why}",
            areas.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", "),
            date.format("%A")
        ),
        OnClosedDay::Stage { stage } => {
            format!("{} ({}) is on a day the register closes: {why}", stage.describe(), date.format("%A"))
        }
    };
    Words::new(message).date(date).at(at)
}

/// What a cycle (or round 0) left open, said until the first external audit of the next.
fn previous_cycle_gap(cycle: u32, first_audit: NaiveDate, left: &Left) -> Words {
    let ended = if cycle == 0 { "round 0".to_string() } else { format!("cycle {cycle}") };
    let intro =
        format!("{ended} ended with this open; the certification body will ask at surveillance 1 on {first_audit}");
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
        Left::Area { area, rounds, uncovered, left, at } => {
            let mut what = Vec::new();
            match &rounds[..] {
                [] => {}
                [one] => what.push(format!("its audit in round {one} stayed overdue")),
                many => what.push(format!("its audits in rounds {} stayed overdue", listed(many))),
            }
            if *uncovered {
                what.push(format!("it was not covered in cycle {cycle}"));
            }
            let w = Words::new(format!("{intro}: area `{area}`: {}", what.join("; "))).area(area).at(*at);
            match left {
                Some(until) => w.help(format!(
                    "prepare the answer for the certification body; the area left the scope after {until}, so no audit of it is owed now"
                )),
                None => w,
            }
        }
    }
}

fn programme_audits_itself(area: &str, owner: &str, recorded: bool, days: &[NaiveDate], at: Loc) -> Words {
    let what = if recorded { "is audited" } else { "is planned to be audited" };
    let shown: Vec<String> = days.iter().map(NaiveDate::to_string).collect();
    let w = Words::new(format!(
        "area `{area}` carries clause 9.2 (the audit programme) and {what} by `{owner}`, who manages the programme, on {}",
        shown.join(", ")
    ))
    .area(area)
    .at(at);
    match days.first() {
        Some(first) => w.date(*first),
        None => w,
    }
}

fn recertification_late(
    cycle: u32,
    expiry: NaiveDate,
    latest: NaiveDate,
    ended: Option<NaiveDate>,
    at: Option<Loc>,
) -> Words {
    match ended {
        None => Words::new(format!(
            "no recertification audit of cycle {cycle} is recorded and {latest} has passed: a decision before expiry on {expiry} is unlikely"
        ))
        .date(latest)
        .at(at),
        Some(end) if end > expiry => Words::new(format!(
            "the recertification of cycle {cycle} is booked for {end}, after the certificate expires on {expiry}: it will not be valid from then until a restoration decision"
        ))
        .date(end)
        .at(at),
        Some(end) => Words::new(format!(
            "the recertification of cycle {cycle} ending {end} is after {latest}, which leaves little time for a decision before expiry on {expiry}"
        ))
        .date(end)
        .at(at),
    }
}

fn record_not_judged(from: NaiveDate, rounds: &[RoundName], at: Loc) -> Words {
    Words::new(format!(
        "the record is complete from {from} (`programme.record_from`): {}, begun before it, {} not judged",
        rounds_named(rounds),
        if rounds.len() == 1 { "is" } else { "are" }
    ))
    .date(from)
    .at(Some(at))
}

fn record_starts_later(first: NaiveDate, rounds: &[RoundName], overdue: usize) -> Words {
    Words::new(format!(
        "{} over before the first internal audit recorded ({first}) {} {} overdue: the record probably starts later than the certificate",
        rounds_named(rounds),
        if rounds.len() == 1 { "leaves" } else { "leave" },
        count(overdue, "audit")
    ))
    .date(first)
}

fn site_not_audited(site: &str, stage1: NaiveDate, has_areas: bool, at: Loc) -> Words {
    let why = if has_areas { "its areas' audits fall after it" } else { "no area of the scope is at it" };
    Words::new(format!("site `{site}` has no internal audit before Stage 1 on {stage1}: {why}")).date(stage1).at(at)
}

/// Round 0's audits that fall after the lead before Stage 1, and what Stage 1 date or lead would fit.
fn stage1_too_close(
    last_day: NaiveDate,
    stage1: NaiveDate,
    lead: u32,
    areas: &[&str],
    fit: &Stage1Fit,
    at: Option<Loc>,
) -> Words {
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
            message
                .push_str(&format!("; the last ends on {last}, so Stage 1 on {earliest} or later leaves {lead} weeks"));
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
    let w = Words::new(message).date(stage1).at(at);
    match help {
        Some(h) => w.help(h),
        None => w,
    }
}

/// A surveillance recorded after its latest day, or not recorded by it.
fn surveillance(
    number: u8,
    cycle: u32,
    latest: NaiveDate,
    held: Option<(NaiveDate, NaiveDate)>,
    rule: String,
    at: Option<Loc>,
) -> Words {
    match held {
        Some((date, end)) if date == end => {
            Words::new(format!("surveillance {number} of cycle {cycle} on {date} is after {latest}: {rule}"))
                .date(date)
                .at(at)
        }
        Some((date, end)) => Words::new(format!(
            "surveillance {number} of cycle {cycle}, in visits from {date} to {end}, is complete after {latest}: {rule}"
        ))
        .date(end)
        .at(at),
        None => Words::new(format!(
            "no surveillance {number} of cycle {cycle} is recorded, and it was due by {latest}: {rule}"
        ))
        .date(latest)
        .at(at),
    }
}

fn uncertified(expired: NaiveDate, decision: NaiveDate, assumed: bool, at: Option<Loc>) -> Words {
    Words::new(format!(
        "the certificate expired on {expired} and lapsed; the new certification's decision is {decision}{}: until then the ISMS is not certified",
        if assumed { " (assumed)" } else { "" }
    ))
    .date(expired)
    .at(at)
}
