//! What the rules find, as data: one variant per check code, holding what the finding is about
//! (areas, dates, rounds, where in the register) and nothing worded. `words.rs` is the one place
//! that turns a fact into a sentence; rule tests assert facts, wording tests assert words.

use chrono::NaiveDate;

use crate::codes::Code;
use crate::cycle::External;
use crate::diagnostic::Loc;
use crate::register::{Conflict, NonconformitySeverity, Tenths};

/// A round, as findings name it: its label and the external audit it prepares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundRef {
    pub label: String,
    pub prepares: External,
    /// For an interim round (see [`crate::programme::Round::interim`]): its last day, which
    /// keeps the interval after the round before.
    pub interim: Option<NaiveDate>,
}

/// What the plan does about an audit that is behind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Later {
    /// A later round of the cycle plans it, but no auditor has a free day before `due`.
    NoAuditor { due: NaiveDate },
    /// Its own round still plans it, on `date`, by `due`.
    ThisRound { due: NaiveDate, date: NaiveDate },
    /// A later round of the cycle plans it, on `date`.
    Round { label: String, date: NaiveDate },
    /// No round left in the cycle plans it.
    Nothing,
}

/// Why an audit a round plans has no auditor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Capacity {
    NoAuditorForSite {
        site: String,
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
pub enum OnClosedDay {
    Audit { areas: Vec<String> },
    Stage { stage: External },
}

/// What an earlier cycle (or round 0) left open, carried into the current one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Left {
    /// An area whose audits in `rounds` stayed overdue, or that was not covered in the cycle.
    Area { area: String, rounds: Vec<String>, uncovered: bool, at: Option<Loc> },
    /// Any other error of that cycle, as it was found then.
    Other(Box<Fact>),
}

/// One thing a rule found: one variant per check code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fact {
    ClauseNotCovered {
        clause: &'static str,
    },
    ControlNotCovered {
        control: &'static str,
    },
    ControlExcludedAndCovered {
        control: &'static str,
        area: String,
        at: Loc,
    },
    NoIndependentAuditor {
        area: String,
        auditors: usize,
        at: Loc,
    },
    AuditorNotIndependent {
        area: String,
        date: NaiveDate,
        auditor: String,
        conflict: Conflict,
        at: Loc,
    },
    OverdueAudit {
        area: String,
        round: String,
        before: External,
        held_not_independent: bool,
        later: Later,
        at: Option<Loc>,
    },
    ExtensionNotAudited {
        area: String,
        since: Option<NaiveDate>,
        before: External,
        held_not_independent: bool,
        later: Later,
        at: Option<Loc>,
    },
    AuditLate {
        area: String,
        round: String,
        /// An interim round: `lead_day` keeps the interval, it is not the lead before `before`.
        interim: bool,
        lead_day: NaiveDate,
        before: External,
        /// Still ahead of the lead: the first day an auditor is free for it.
        free_from: Option<NaiveDate>,
        /// Where the cause is not the auditors: the first day the audit may be held at all (the
        /// round's window opens, or the area joins the scope: `true`), after the lead.
        opens: Option<(NaiveDate, bool)>,
        /// Placed again: its planned day, which passed with nothing recorded (the notice period
        /// then takes it past the lead).
        passed: Option<NaiveDate>,
        /// Booked: the day it is booked for, after the lead.
        booked: Option<NaiveDate>,
        held_not_independent: bool,
        later: Later,
        at: Option<Loc>,
    },
    RoundOverCapacity {
        area: String,
        round: RoundRef,
        why: Capacity,
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
        site: String,
        stage1: NaiveDate,
        /// Whether any area of the scope is at the site.
        has_areas: bool,
        at: Loc,
    },
    CentralFunctionNotAudited {
        site: String,
        round: RoundRef,
        has_areas: bool,
        at: Loc,
    },
    AreaNotCovered {
        area: String,
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
        late: Vec<String>,
        open: Vec<String>,
        stage2: Option<NaiveDate>,
        at: Option<Loc>,
    },
    ReviewMissing {
        round: RoundRef,
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
        note: Option<String>,
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
        left: Left,
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
        rounds: Vec<String>,
        at: Loc,
    },
    /// Rounds over before the first internal audit recorded, with audits overdue.
    RecordStartsLater {
        first: NaiveDate,
        rounds: Vec<String>,
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
        area: String,
        owner: String,
        recorded: bool,
        days: Vec<NaiveDate>,
        at: Loc,
    },
    ManagementSystemLowRisk {
        area: String,
        clauses: Vec<&'static str>,
        at: Loc,
    },
    /// A booking whose day passed without it being recorded as held.
    BookingPassed {
        areas: Vec<String>,
        date: NaiveDate,
        at: Loc,
    },
    /// A booking ahead on a day its auditor is recorded as unavailable.
    BookingAuditorUnavailable {
        auditor: String,
        date: NaiveDate,
        at: Loc,
    },
    /// An auditor with two audits on one day, the later record booked ahead.
    BookingSameDay {
        auditor: String,
        date: NaiveDate,
        first: Loc,
        at: Loc,
    },
    /// A booking ahead at a site its auditor does not cover.
    BookingOutsideSites {
        auditor: String,
        area: String,
        site: String,
        date: NaiveDate,
        at: Loc,
    },
    /// An auditor's days recorded in a year (or a round) beyond their cap, the booking ahead that
    /// goes beyond it named.
    BookingOverCap {
        auditor: String,
        /// "2026", or "round C1.2".
        period: String,
        days: usize,
        cap: u32,
        date: NaiveDate,
        at: Loc,
    },
    AuditWithoutAuditor {
        areas: Vec<String>,
        date: NaiveDate,
        at: Loc,
    },
    CorrectiveActionOverdue {
        id: String,
        severity: NonconformitySeverity,
        area: String,
        due: NaiveDate,
        at: Loc,
    },
    FindingWithoutCorrectiveAction {
        id: String,
        severity: NonconformitySeverity,
        area: String,
        date: NaiveDate,
        at: Loc,
    },
    MajorNonconformityOpen {
        id: String,
        area: String,
        ahead: External,
        at: Loc,
    },
    Stage1TooClose {
        last_day: NaiveDate,
        stage1: NaiveDate,
        lead: u32,
        areas: Vec<String>,
        fit: Stage1Fit,
        at: Option<Loc>,
    },
    AuditOnClosedDay {
        what: OnClosedDay,
        date: NaiveDate,
        why: String,
        at: Option<Loc>,
    },
    AcceptanceExpired {
        code: Code,
        reference: String,
        until: NaiveDate,
        covered: bool,
        at: Loc,
    },
    AcceptanceUnused {
        code: Code,
        area: Option<String>,
        control: Option<String>,
        reference: String,
        at: Loc,
    },
}
