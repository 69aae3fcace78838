//! What the rules find, as data: one variant per check code, holding what the finding is about
//! (areas, dates, rounds, where in the register) and nothing worded. `words.rs` is the one place
//! that turns a fact into a sentence; rule tests assert facts, wording tests assert words.
//!
//! A register of 100,000 areas may have twice as many facts, so each is kept small (72 bytes):
//! ids and notes are borrowed from the register (`'a`), rounds are named by [`RoundName`],
//! what the facts of a round share (the round, the external audits they name) is shared rather
//! than copied, and the variants that would be the largest keep their lists and external audits
//! out of line (a test holds the size).

use std::sync::Arc;

use chrono::NaiveDate;

use crate::catalogue::Clause;
use crate::codes::Code;
use crate::cycle::External;
use crate::diagnostic::Loc;
use crate::programme::RoundName;
use crate::register::{Conflict, NonconformitySeverity, Str, Tenths};

/// A round, as findings name it: its label and the external audit it prepares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoundRef {
    pub label: RoundName,
    pub prepares: External,
    /// For an interim round (see [`crate::programme::Round::interim`]): its last day, which
    /// keeps the interval after the round before.
    pub interim: Option<NaiveDate>,
}

/// What the plan does about an audit that is behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Later {
    /// A later round of the cycle plans it, but no auditor has a free day before `due`.
    NoAuditor { due: NaiveDate },
    /// Its own round still plans it, on `date`, by `due`.
    ThisRound { due: NaiveDate, date: NaiveDate },
    /// A later round of the cycle plans it, on `date`.
    Round { label: RoundName, date: NaiveDate },
    /// No round left in the cycle plans it.
    Nothing,
    /// The area left the scope after `until`, before today: it can no longer be audited, and
    /// no round plans it (once it has left, it is owed nothing more: see `Area::left_by`).
    Left { until: NaiveDate },
}

/// Why an audit a round plans has no auditor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Capacity<'a> {
    NoAuditorForSite {
        site: &'a str,
    },
    RoundCap,
    /// The round's window closes before the audit could start.
    NoDaysLeft {
        first_day: NaiveDate,
        due: NaiveDate,
        yearly_caps: bool,
    },
    NoFreeDay {
        first_day: NaiveDate,
        due: NaiveDate,
        yearly_caps: bool,
    },
}

/// Why a round over has no management review that counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewGap {
    /// One was booked for a day that passed without being marked done.
    NotHeld {
        booked: NaiveDate,
    },
    None,
    /// The review came before the round's last audit held.
    BeforeAudits {
        review: NaiveDate,
        done: NaiveDate,
    },
    /// The review is booked before an audit of the round still to be held.
    BookedBeforeAudit {
        review: NaiveDate,
        audit: NaiveDate,
    },
}

/// Where round 0's audits that miss the lead before Stage 1 leave Stage 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage1Fit {
    /// All placed, the last ending on `last`: Stage 1 fits on `earliest`, or the lead of
    /// `weeks` (where the register would accept it) fits the date booked.
    Placed { last: NaiveDate, earliest: NaiveDate, weeks: Option<i64> },
    /// `unplaced` of them have no free day before Stage 2.
    Unplaced { unplaced: usize },
}

/// What is on a closed day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OnClosedDay<'a> {
    /// The record's areas, as it lists them.
    Audit {
        areas: &'a [Str],
    },
    Stage {
        stage: Box<External>,
    },
}

/// What an earlier cycle (or round 0) left open, carried into the current one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Left<'a> {
    /// An area whose audits in `rounds` stayed overdue, or that was not covered in the cycle
    /// (its id as that cycle's findings name it: one copy an area, made from their words);
    /// `left`, the last day it was in the scope, where that has passed: no audit is owed now.
    Area { area: Box<str>, rounds: Box<[RoundName]>, uncovered: bool, left: Option<NaiveDate>, at: Option<Loc> },
    /// Any other error of that cycle, as it was found then.
    Other(Box<Fact<'a>>),
}

/// An audit held, booked or planned after its round's lead (`audit-late`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LateAudit<'a> {
    pub area: &'a str,
    pub round: RoundName,
    /// An interim round: `lead_day` keeps the interval, it is not the lead before `before`.
    pub interim: bool,
    pub lead_day: NaiveDate,
    pub before: Arc<External>,
    /// Still ahead of the lead: the first day an auditor is free for it.
    pub free_from: Option<NaiveDate>,
    /// Where the cause is not the auditors: the first day the audit may be held at all (the
    /// round's window opens, or the area joins the scope: `true`), after the lead.
    pub opens: Option<(NaiveDate, bool)>,
    /// Placed again: its planned day, which passed with nothing recorded (the notice period
    /// then takes it past the lead).
    pub passed: Option<NaiveDate>,
    /// Booked: the day it is booked for, after the lead.
    pub booked: Option<NaiveDate>,
    pub held_not_independent: bool,
    pub later: Later,
    pub at: Option<Loc>,
}

/// One thing a rule found: one variant per check code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fact<'a> {
    ClauseNotCovered {
        clause: &'static str,
    },
    ControlNotCovered {
        control: &'static str,
    },
    ControlExcludedAndCovered {
        control: &'static str,
        area: &'a str,
        at: Loc,
    },
    NoIndependentAuditor {
        area: &'a str,
        auditors: usize,
        at: Loc,
    },
    AuditorNotIndependent {
        area: &'a str,
        date: NaiveDate,
        auditor: &'a str,
        conflict: Conflict,
        at: Loc,
    },
    OverdueAudit {
        area: &'a str,
        round: RoundName,
        before: Arc<External>,
        /// `before` is the plan's day for an external audit, which passed with none recorded.
        before_unrecorded: bool,
        held_not_independent: bool,
        later: Later,
        at: Option<Loc>,
    },
    ExtensionNotAudited {
        area: &'a str,
        since: Option<NaiveDate>,
        before: Arc<External>,
        held_not_independent: bool,
        later: Later,
        at: Option<Loc>,
    },
    /// (Rare, and the largest: kept out of line, so that every fact takes less room.)
    AuditLate(Box<LateAudit<'a>>),
    RoundOverCapacity {
        area: &'a str,
        round: Arc<RoundRef>,
        why: Capacity<'a>,
        due: NaiveDate,
        at: Option<Loc>,
    },
    EffortOverCaps {
        /// "round C1.2", or "2027".
        period: String,
        days: u32,
        cap: u32,
        /// The setting that caps it: `max_days_per_round` or `max_days_per_year`.
        setting: &'static str,
    },
    AuditTimeShort {
        /// "surveillance", "recertification".
        audit: &'static str,
        date: NaiveDate,
        days: Tenths,
        least: Tenths,
        at: Loc,
    },
    SiteNotAuditedBeforeStage1 {
        site: &'a str,
        stage1: NaiveDate,
        /// Whether any area of the scope is at the site.
        has_areas: bool,
        at: Loc,
    },
    CentralFunctionNotAudited {
        site: &'a str,
        round: Arc<RoundRef>,
        has_areas: bool,
        at: Loc,
    },
    AreaNotCovered {
        area: &'a str,
        cycle: u32,
        start: NaiveDate,
        expiry: NaiveDate,
        at: Loc,
    },
    FirstAuditLate {
        stage1: NaiveDate,
        last: NaiveDate,
        lead: u32,
        at: Loc,
    },
    Round0IncompleteAtStage1 {
        last_day: NaiveDate,
        stage1: NaiveDate,
        late: Box<[&'a str]>,
        open: Box<[&'a str]>,
        stage2: Option<NaiveDate>,
        at: Option<Loc>,
    },
    ReviewMissing {
        round: Arc<RoundRef>,
        gap: ReviewGap,
        date: NaiveDate,
        at: Option<Loc>,
    },
    /// `held`: its first and last day (one day unless split into visits).
    SurveillanceLate {
        number: u8,
        cycle: u32,
        latest: NaiveDate,
        held: Option<(NaiveDate, NaiveDate)>,
        at: Option<Loc>,
    },
    SurveillanceAfterAnniversary {
        number: u8,
        cycle: u32,
        latest: NaiveDate,
        held: Option<(NaiveDate, NaiveDate)>,
        at: Option<Loc>,
    },
    CalendarYearWithoutAudit {
        year: i32,
        at: Option<Loc>,
    },
    /// The certificate is suspended today.
    CertificateSuspended {
        from: NaiveDate,
        to: Option<NaiveDate>,
        note: Option<&'a str>,
        at: Loc,
    },
    /// A coming calendar year with no surveillance or recertification booked or planned in it.
    CalendarYearUnplanned {
        year: i32,
        at: Option<Loc>,
    },
    RecertificationLate {
        cycle: u32,
        expiry: NaiveDate,
        latest: NaiveDate,
        /// The recorded recertification's last day, where one is recorded.
        ended: Option<NaiveDate>,
        at: Option<Loc>,
    },
    CertificateExpired {
        cycle: u32,
        expiry: NaiveDate,
        deadline: NaiveDate,
        /// A recertification recorded after expiry, and the decision that restores it.
        restoring: Option<(NaiveDate, NaiveDate)>,
        at: Option<Loc>,
    },
    CertificateRestored {
        cycle: u32,
        expiry: NaiveDate,
        on: NaiveDate,
        assumed: bool,
        at: Option<Loc>,
    },
    CertificateLapsed {
        cycle: u32,
        expiry: NaiveDate,
        deadline: NaiveDate,
        late: Option<NaiveDate>,
        at: Option<Loc>,
    },
    Uncertified {
        expired: NaiveDate,
        decision: NaiveDate,
        assumed: bool,
        at: Option<Loc>,
    },
    CertificateExpiring {
        expiry: NaiveDate,
        days_left: i64,
        at: Option<Loc>,
    },
    PreviousCycleGap {
        /// The cycle that ended, or 0 for round 0.
        cycle: u32,
        first_audit: NaiveDate,
        left: Left<'a>,
    },
    DecisionNotRecorded {
        decision: NaiveDate,
        /// For an early recertification's decision: the day of its audit.
        early: Option<NaiveDate>,
        at: Option<Loc>,
    },
    DecisionLate {
        decision: NaiveDate,
        stage2: NaiveDate,
        at: Option<Loc>,
    },
    /// Rounds over before `programme.record_from`, not judged.
    RecordNotJudged {
        from: NaiveDate,
        rounds: Vec<RoundName>,
        at: Loc,
    },
    /// Rounds over before the first internal audit recorded, with audits overdue.
    RecordStartsLater {
        first: NaiveDate,
        rounds: Vec<RoundName>,
        overdue: usize,
    },
    AuditIntervalExceeded {
        from: NaiveDate,
        to: NaiveDate,
        months: u32,
        at: Option<Loc>,
    },
    ReviewIntervalExceeded {
        from: NaiveDate,
        to: NaiveDate,
        months: u32,
        at: Option<Loc>,
    },
    ProgrammeAuditsItself {
        area: &'a str,
        owner: &'a str,
        recorded: bool,
        days: Box<[NaiveDate]>,
        at: Loc,
    },
    ManagementSystemLowRisk {
        area: &'a str,
        clauses: &'a [Clause],
        at: Loc,
    },
    /// A booking whose day passed without it being recorded as held.
    BookingPassed {
        areas: &'a [Str],
        date: NaiveDate,
        at: Loc,
    },
    /// A booking ahead on a day its auditor is recorded as unavailable.
    BookingAuditorUnavailable {
        auditor: &'a str,
        date: NaiveDate,
        at: Loc,
    },
    /// An auditor with two audits on one day, the later record booked ahead.
    BookingSameDay {
        auditor: &'a str,
        date: NaiveDate,
        first: Loc,
        at: Loc,
    },
    /// A booking ahead at a site its auditor does not cover.
    BookingOutsideSites {
        auditor: &'a str,
        area: &'a str,
        site: &'a str,
        date: NaiveDate,
        at: Loc,
    },
    /// An auditor's days recorded in a year (or a round) beyond their cap, the booking ahead that
    /// goes beyond it named.
    BookingOverCap {
        auditor: &'a str,
        /// "2026", or "round C1.2".
        period: String,
        days: usize,
        cap: u32,
        date: NaiveDate,
        at: Loc,
    },
    AuditWithoutAuditor {
        areas: &'a [Str],
        date: NaiveDate,
        at: Loc,
    },
    CorrectiveActionOverdue {
        id: &'a str,
        severity: NonconformitySeverity,
        area: &'a str,
        due: NaiveDate,
        at: Loc,
    },
    FindingWithoutCorrectiveAction {
        id: &'a str,
        severity: NonconformitySeverity,
        area: &'a str,
        date: NaiveDate,
        at: Loc,
    },
    MajorNonconformityOpen {
        id: &'a str,
        area: &'a str,
        ahead: Box<External>,
        at: Loc,
    },
    Stage1TooClose {
        last_day: NaiveDate,
        stage1: NaiveDate,
        lead: u32,
        areas: Box<[&'a str]>,
        fit: Stage1Fit,
        at: Option<Loc>,
    },
    AuditOnClosedDay {
        what: OnClosedDay<'a>,
        date: NaiveDate,
        /// "not a workday", or "inside a blackout".
        why: &'static str,
        at: Option<Loc>,
    },
    AcceptanceExpired {
        code: Code,
        reference: &'a str,
        until: NaiveDate,
        covered: bool,
        at: Loc,
    },
    AcceptanceUnused {
        code: Code,
        area: Option<&'a str>,
        control: Option<&'a str>,
        reference: &'a str,
        at: Loc,
    },
}

#[cfg(test)]
mod tests {
    /// `check` holds every fact at once, two an area on a bad day: a variant that grows makes
    /// every fact grow (the largest sets the size of all), so a large one goes out of line.
    #[test]
    fn a_fact_takes_72_bytes_at_most() {
        assert!(std::mem::size_of::<super::Fact>() <= 72, "{} bytes", std::mem::size_of::<super::Fact>());
    }
}
