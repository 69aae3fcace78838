//! The stable codes `check` reports, each with its severity, when it is reported, what to do and
//! the rule behind it. This table is the one source for `check`'s help lines and the README's
//! table of check codes (a test keeps the two in step).

/// How much a finding weighs: errors fail `check` (exit 1), warnings only with `--strict`, notes
/// never (they say what `check` did not judge, and why).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Note,
}

impl Severity {
    pub fn key(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

/// One documented code.
pub struct CodeDoc {
    pub key: &'static str,
    pub severity: Severity,
    /// When it is reported, for the README's table.
    pub when: &'static str,
    /// What to do, in a sentence; a finding may give a more precise help of its own.
    pub help: &'static str,
    /// The rule and where it comes from.
    pub source: &'static str,
}

macro_rules! codes {
    ($($variant:ident => $key:literal, $severity:ident, when: $when:literal, help: $help:literal, source: $source:literal;)*) => {
        /// The stable finding codes. Their names never change; new ones may be added.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($variant,)* }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            pub fn doc(self) -> &'static CodeDoc {
                match self {
                    $(Code::$variant => &CodeDoc {
                        key: $key,
                        severity: Severity::$severity,
                        when: $when,
                        help: $help,
                        source: $source,
                    },)*
                }
            }
        }
    };
}

codes! {
    ClauseNotCovered => "clause-not-covered", Error,
        when: "a clause 4.1-10.2 is in no area of the scope",
        help: "add the clause to the `clauses` of the area that runs it, usually `isms-core`",
        source: "ISO/IEC 27001:2022 clauses 4-10 are all requirements; 9.2.1 audits the whole ISMS";
    ControlNotCovered => "control-not-covered", Error,
        when: "an Annex A control is in no area and not excluded",
        help: "add the control to an area's `controls`, or exclude it in `soa.excluded` with a reason",
        source: "ISO/IEC 27001:2022 6.1.3 d (Statement of Applicability)";
    ControlExcludedAndCovered => "control-excluded-and-covered", Warning,
        when: "an excluded control is also carried by an area",
        help: "remove the exclusion or take the control off the area: the SoA must match the scope",
        source: "ISO/IEC 27001:2022 6.1.3 d";
    NoIndependentAuditor => "no-independent-auditor", Error,
        when: "owner, team and conflicts rule out every auditor for an area",
        help: "add an auditor independent of the area (another team's, or an outside firm) to `auditors`",
        source: "ISO/IEC 27001:2022 9.2.2 c: auditors are objective and impartial";
    AuditorNotIndependent => "auditor-not-independent", Error,
        when: "a recorded audit in the rounds checked was (or is booked to be) done by the area's owner, a team member, or an auditor with a conflict; it does not count as coverage",
        help: "have the area audited by an independent auditor; rebook a booked audit",
        source: "ISO/IEC 27001:2022 9.2.2 c";
    OverdueAudit => "overdue-audit", Error,
        when: "an audit the risk rule requires (high every round; medium never two rounds in a row without, two of three in a cycle; low once a cycle; round 0 the whole scope) was not held before the external audit its round prepares, and no later round of the cycle has held it since",
        help: "hold the audit and record it with `status: done`",
        source: "ISO/IEC 27001:2022 9.2.2 (frequency by importance and previous results); ISO 19011 risk-based programme";
    AuditLate => "audit-late", Warning,
        when: "a required audit is not held by its round's lead day (`internal_audit_lead_weeks` before the external audit), which is still ahead",
        help: "hold it before the external audit, so its results can reach the management review",
        source: "certification-body practice: internal audits end 4 to 6 weeks before the external audit; ISO/IEC 27001:2022 9.2.2";
    ExtensionNotAudited => "extension-not-audited", Warning,
        when: "an area that joined the scope (`since:`) was not audited before the next external audit after it joined",
        help: "audit the area and record it; the certification body looks at the extension next",
        source: "ISO/IEC 17021-1 9.6.4 (extension to scope); practice";
    RoundOverCapacity => "round-over-capacity", Error,
        when: "a round still ahead has no free day for an audit: every independent auditor is busy on every open day between the round's first day (its window's start, or today) and its last",
        help: "add auditors, hold audits earlier, or review the external audit's date",
        source: "programme rule: one audit per auditor per day";
    EffortOverCaps => "effort-over-caps", Warning,
        when: "a round still ahead, or a calendar year from this one on, needs more auditor-days than the auditors' `max_days_per_round` (or `max_days_per_year`) allow together, where every auditor has such a cap",
        help: "add auditors, raise a cap, or give the programme more time: the plan's internal effort shows the days each round needs",
        source: "ISO/IEC 27001:2022 9.2.2 (an audit programme with its resources) and 7.1 (resources)";
    AuditTimeShort => "audit-time-short", Warning,
        when: "a surveillance or recertification audit on or after today records `days:` (or, before Stage 2, `certification.initial_days` for Stage 1 and 2) fewer than the least audit time the rules allow for the register's `persons`: the table's time for that audit, less 30%",
        help: "ask the certification body how it worked out the audit time: its accreditation body checks it against the same rules",
        source: "ISO/IEC 27006-1 Annex C (audit time by persons); IAF MD 5 (surveillance a third, recertification two thirds of the initial audit; reductions at most 30%)";
    SiteNotAuditedBeforeStage1 => "site-not-audited-before-stage1", Error,
        when: "the register lists its `sites`, Stage 1 is ahead (or round 0 is still open), and a site has no internal audit held, booked or planned before Stage 1: no area of the scope is at it, or its audits fall after Stage 1",
        help: "give the site's areas `site: ID` and audit at least one of them in round 0, before Stage 1",
        source: "IAF MD 1 (a multi-site organisation's internal audits cover every site before the initial certification audit)";
    CentralFunctionNotAudited => "central-function-not-audited", Warning,
        when: "the register lists its `sites`, and a round holds, books or plans no audit of an area at the central function",
        help: "give the areas managed at the central function `site: ID` (the ISMS office, risk management) and audit one of them every round",
        source: "IAF MD 1 (the central function is audited at every certification audit; each round prepares one)";
    AreaNotCovered => "area-not-covered", Error,
        when: "the cycle can no longer cover an area in its scope: no audit done and no round left",
        help: "audit the area before the next external audit and tell your certification body; once it accepts the gap, record that under `accepted:`",
        source: "ISO/IEC 27001:2022 9.2; ISO/IEC 27006-1 (the whole scope is audited within each certificate cycle)";
    FirstAuditLate => "first-audit-late", Warning,
        when: "Stage 1 is still ahead and the last internal audit before it is less than the lead (`internal_audit_lead_weeks`) before it",
        help: "make sure the management review takes the results before Stage 1, or move Stage 1",
        source: "product rule, so corrective actions can go through management review; ISO/IEC 17021-1 9.3.1.2.2 (Stage 1 reviews internal audits)";
    Round0IncompleteAtStage1 => "round0-incomplete-at-stage1", Warning,
        when: "Stage 1 is past and round 0 was not complete, the lead before it: Stage 2 will check the internal audits held since",
        help: "complete round 0 before Stage 2 and take the results through a management review",
        source: "ISO/IEC 17021-1 9.3.1.2.2 and 9.3.1.3 (Stage 2 verifies implementation)";
    ReviewMissing => "review-missing", Warning,
        when: "an external audit is past with no management review recorded between its round and it",
        help: "record the management review under `reviews`, or hold one and take its outputs to the next audit",
        source: "ISO/IEC 27001:2022 9.3.2 (the review takes the audit results)";
    SurveillanceLate => "surveillance-late", Error,
        when: "the first surveillance after an initial certification decision is more than 12 months after it, or none is recorded by then",
        help: "record the surveillance held; if it really was late, talk to your certification body now, and record its acceptance under `accepted:`",
        source: "ISO/IEC 17021-1 9.1.3: the first surveillance not later than 12 months from the initial certification decision";
    SurveillanceAfterAnniversary => "surveillance-after-anniversary", Warning,
        when: "a later surveillance is after its anniversary, or none is recorded by it",
        help: "record the surveillance held or booked; certification bodies usually hold it before the anniversary",
        source: "certification-body practice (the standard fixes the calendar year, see calendar-year-without-audit)";
    CalendarYearWithoutAudit => "calendar-year-without-audit", Error,
        when: "a calendar year passed with no surveillance or recertification audit recorded (a special audit does not count), and it was not a recertification year (the year of the recertification audit or of its decision)",
        help: "record the audits held that year; if there was none, talk to your certification body now, and record its acceptance under `accepted:`",
        source: "ISO/IEC 17021-1 9.1.3: surveillance at least once a calendar year, except in recertification years";
    CalendarYearUnplanned => "calendar-year-unplanned", Warning,
        when: "the certification-body audits booked (or planned around them) leave a coming calendar year, not a recertification year, without a surveillance or recertification",
        help: "agree a surveillance date in that year with your certification body and record it",
        source: "ISO/IEC 17021-1 9.1.3: surveillance at least once a calendar year, except in recertification years";
    RecordNotJudged => "record-not-judged", Note,
        when: "`programme.record_from` says the record is complete only from a day, and rounds began before it: they are not judged",
        help: "nothing to do; move `record_from` earlier as older records are added",
        source: "product rule: a programme taken over mid-cycle is judged on the record it has";
    RecordStartsLater => "record-starts-later", Note,
        when: "rounds over before the first internal audit recorded leave audits overdue: the record probably starts later than the certificate",
        help: "if the record of audits and reviews is complete only from some day, give it as `programme.record_from`; rounds that began before it are then not judged",
        source: "product rule, to explain overdue audits a programme adopted mid-cycle never had on record";
    RecertificationLate => "recertification-late", Warning,
        when: "the recertification is after expiry minus 4 weeks, or none is recorded and that day has passed",
        help: "book the recertification earlier and record it under `recertification`",
        source: "certification-body practice: the audit leaves time for a decision before expiry (ISO/IEC 17021-1 9.6.3)";
    CertificateSuspended => "certificate-suspended", Error,
        when: "the certificate is suspended today (`certification.suspended`, with no `to` or one not past)",
        help: "resolve what caused the suspension in the time the certification body set, or it withdraws the certificate or reduces its scope; record `to:` when it is lifted",
        source: "ISO/IEC 17021-1 9.6.5: a suspended certification is temporarily invalid";
    CertificateExpired => "certificate-expired", Error,
        when: "the certificate expired with no recertification recorded before expiry, and the 6 months in which it can be restored are not over",
        help: "complete the recertification within 6 months of expiry to restore the certificate, and record it",
        source: "ISO/IEC 17021-1 9.6.3.2.5 (restoration)";
    CertificateRestored => "certificate-restored", Warning,
        when: "the recertification was after expiry but within 6 months of it: the certificate is restored, with an uncertified gap",
        help: "keep the restoration decision on file; the cycle keeps its anniversaries",
        source: "ISO/IEC 17021-1 9.6.3.2.5";
    CertificateLapsed => "certificate-lapsed", Error,
        when: "more than 6 months passed after expiry with no recertification: the certificate has lapsed",
        help: "record the new initial certification (at least a Stage 2 audit) under `certification.restart`",
        source: "ISO/IEC 17021-1 9.6.3.2.5: after 6 months, at least a Stage 2 audit";
    Uncertified => "uncertified", Warning,
        when: "the certificate lapsed and a new certification (`restart:`) is under way: no certificate until its decision",
        help: "tell customers who rely on the certificate; record the new decision when it is given",
        source: "ISO/IEC 17021-1 9.6.3.2.5";
    CertificateExpiring => "certificate-expiring", Warning,
        when: "expiry within 90 days with no recertification recorded",
        help: "book the recertification audit and record it under `recertification`",
        source: "ISO/IEC 17021-1 9.6.3";
    PreviousCycleGap => "previous-cycle-gap", Warning,
        when: "the last cycle ended with an overdue audit, an area not covered or a late recertification; one warning per area, shown until the first surveillance of the new cycle, which will ask about it",
        help: "prepare the answer for the certification body and audit the area early in this cycle",
        source: "ISO/IEC 17021-1 9.6.2 (surveillance reviews the previous findings)";
    DecisionNotRecorded => "decision-not-recorded", Warning,
        when: "the register gives no `decision:` and the assumed decision date has passed (the plan stays with the initial audit until it is recorded); or an early recertification has no `decision:` and its assumed day has passed (the next cycle counts from it)",
        help: "add `decision:` to `certification`, or to the early recertification",
        source: "";
    DecisionLate => "decision-late", Warning,
        when: "the certification decision is more than 6 months after the last Stage 2 day",
        help: "check with your certification body: after 6 months Stage 2 is normally repeated",
        source: "ISO/IEC 17021-1 9.5 (corrections verified within 6 months of the last Stage 2 day)";
    AuditIntervalExceeded => "audit-interval-exceeded", Warning,
        when: "more than `max_months_between_rounds` (12) passed between internal audits held, or since the last one",
        help: "hold an internal audit; keep rounds no more than the setting apart",
        source: "ISO/IEC 27001:2022 9.2.1 (planned intervals); certification bodies look for a yearly audit";
    ReviewIntervalExceeded => "review-interval-exceeded", Warning,
        when: "more than `max_months_between_rounds` (12) passed between management reviews held, or since the last one",
        help: "hold a management review and record it under `reviews`",
        source: "ISO/IEC 27001:2022 9.3.1 (planned intervals); certification bodies look for a yearly review";
    ProgrammeAuditsItself => "programme-audits-itself", Warning,
        when: "an area carrying clause 9.2 (the audit programme) is audited by the programme's owner",
        help: "have someone who does not manage the audit programme audit it",
        source: "ISO/IEC 27001:2022 9.2.2 c; ISO 19011 5.5.4 (objectivity)";
    ManagementSystemLowRisk => "management-system-low-risk", Warning,
        when: "an area carrying clauses 4-10 is low risk, so it is audited once a cycle",
        help: "make the area medium or high risk: most certification bodies expect the management system audited yearly",
        source: "certification-body practice";
    AuditWithoutAuditor => "audit-without-auditor", Warning,
        when: "a recorded audit names no `auditor` and no `auditor_org`, so nobody evidences it",
        help: "name the outside firm with `auditor_org`, or the auditor with `auditor`",
        source: "ISO/IEC 27001:2022 9.2.2 (documented evidence of the audit programme and results)";
    CorrectiveActionOverdue => "corrective-action-overdue", Error,
        when: "a corrective action is open after its `due` date (the last one agreed under `revised`)",
        help: "close it and record `closed`, or agree a new due date and record it under `revised` with its `reason`",
        source: "ISO/IEC 27001:2022 10.2 (corrective action, retained as evidence); ISO/IEC 17021-1 9.4.9 (the certification body checks corrections and corrective actions)";
    FindingWithoutCorrectiveAction => "finding-without-corrective-action", Error,
        when: "a nonconformity recorded as a finding of an audit held (`findings:` with `kind: major` or `minor`) has no corrective action naming it (`finding:`) `corrective_action_days` (30) after the audit",
        help: "raise a corrective action for it under `corrective_actions`, with `finding:` naming it and its `due` date",
        source: "ISO/IEC 27001:2022 10.2 (react to each nonconformity, take action, retain evidence of it); ISO/IEC 17021-1 9.4.9";
    MajorNonconformityOpen => "major-nonconformity-open", Warning,
        when: "a corrective action for a major nonconformity is open with Stage 1 or Stage 2 ahead",
        help: "close it before the audit, or be ready to show the certification body its plan",
        source: "ISO/IEC 17021-1 9.3.1.2.2 and 9.3.1.3 (Stage 1 and 2 review internal audits and their follow-up); 9.4.9";
    Stage1TooClose => "stage1-too-close", Warning,
        when: "round 0 cannot be completed the lead before Stage 1: said once, with the earliest Stage 1 that leaves the lead",
        help: "move Stage 1 to the date given, or add auditors, or record a shorter `internal_audit_lead_weeks` if the results can still reach the management review",
        source: "ISO/IEC 17021-1 9.3.1.2.2 (Stage 1 checks internal audits are planned and performed); seed rule (lead before Stage 1)";
    AuditOnClosedDay => "audit-on-closed-day", Warning,
        when: "a recorded internal audit (on any of its days: a weekend may fall inside one of several days), or a Stage 1 or Stage 2 date, falls on a day the register closes (not a workday, a blackout, or a closure of the site of one of its areas)",
        help: "check the date; if the audit was held that day, the closure may be wrong",
        source: "register consistency (`workdays`, `blackout`, `sites[].closed`)";
    BookingAuditorUnavailable => "booking-auditor-unavailable", Warning,
        when: "an internal audit booked ahead falls on a day its auditor is recorded as `unavailable`",
        help: "move the booking to a day the auditor is available, or book another independent auditor",
        source: "register consistency: the planner never plans an auditor on their unavailable days";
    BookingSameDay => "booking-same-day", Warning,
        when: "an auditor has two internal audits on one day, one of them booked ahead",
        help: "move one of the bookings: an auditor holds one audit a day",
        source: "register consistency: the planner gives an auditor one audit a day";
    BookingOutsideSites => "booking-outside-sites", Warning,
        when: "an internal audit booked ahead is at a site its auditor's `sites` does not list",
        help: "book an auditor who covers the site, or add the site to the auditor's `sites`",
        source: "register consistency: the planner sends auditors only to the sites they cover";
    BookingPassed => "booking-passed", Warning,
        when: "an internal audit booked for a day that has passed is not recorded as held",
        help: "record it with `status: done` if it was held, or book it again",
        source: "ISO/IEC 27001:2022 9.2.2 (retain documented information as evidence of the audit programme and results)";
    BookingOverCap => "booking-over-cap", Warning,
        when: "the audits booked for an auditor go beyond their `max_days_per_year` in a calendar year, or their `max_days_per_round` in a round",
        help: "move the bookings beyond the cap to another auditor, or raise the cap if it is agreed",
        source: "register consistency: the planner keeps each auditor within their caps (an outside firm's contract, a part-time role)";
    AcceptanceExpired => "acceptance-expired", Warning,
        when: "an accepted deviation is past its `until` date: the finding it covered counts again",
        help: "renew the acceptance with the certification body's new reference, or remove it",
        source: "";
    AcceptanceUnused => "acceptance-unused", Warning,
        when: "an accepted deviation matches no finding any more",
        help: "remove the entry from `accepted`",
        source: "";
    RegisterInvalid => "register-invalid", Error,
        when: "the register cannot be read or breaks its format: each input error, in `check`'s reports other than text (which prints the errors themselves); exit code 2, not 1",
        help: "correct the register at the line and column given; `ismsaudit validate` lists every error",
        source: "the register format (README)";
}

impl Code {
    pub fn key(self) -> &'static str {
        self.doc().key
    }

    pub fn severity(self) -> Severity {
        self.doc().severity
    }

    /// What to do about it, in a sentence.
    pub(crate) fn advice(self) -> &'static str {
        self.doc().help
    }

    /// The code written as `key`, e.g. `overdue-audit`.
    pub fn from_key(key: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.key() == key)
    }

    /// Whether an accepted deviation may cover it: not the acceptances' own findings.
    pub(crate) fn acceptable(self) -> bool {
        !matches!(self, Code::AcceptanceExpired | Code::AcceptanceUnused | Code::RegisterInvalid)
    }

    /// For a finding reported long after the audit it is about, why an acceptance of it must
    /// last longer than to the next external audit (which would turn the gate red again): a
    /// late surveillance is reported until the next cycle begins.
    pub(crate) fn reported_until(self) -> Option<&'static str> {
        match self {
            Code::SurveillanceLate | Code::SurveillanceAfterAnniversary => {
                Some("a late surveillance is reported until the next cycle begins")
            }
            _ => None,
        }
    }
}

/// The table of check codes as Markdown, for the README (a test keeps the two the same).
pub fn markdown_table() -> String {
    let mut s = String::from("| code | severity | when | what to do | rule, source |\n|---|---|---|---|---|\n");
    for code in Code::ALL {
        let d = code.doc();
        let source = if d.source.is_empty() { "" } else { d.source };
        s.push_str(&format!("| `{}` | {} | {} | {} | {source} |\n", d.key, d.severity.key(), d.when, d.help));
    }
    s
}
