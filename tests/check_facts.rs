//! The `check` rules as facts: what each rule finds on a register, worked out by hand from the
//! rule. The words of every finding are tested in `tests/cmd/check-codes.trycmd`.

use chrono::NaiveDate;

use ismsaudit::findings::facts::Later;
use ismsaudit::findings::{Fact, facts};
use ismsaudit::register::{Conflict, NonconformitySeverity};
use ismsaudit::valid::Valid;

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// The facts borrow the register; a test's register is kept for the rest of the test run.
fn facts_of(text: &str, today: &str) -> Vec<Fact<'static>> {
    facts(Box::leak(Box::new(Valid::parse("facts.yaml", text, date(today)).unwrap())))
}

/// Certified 2021-03-01, surveillance in February 2022 and 2023, recertified in November 2023
/// (decision assumed four weeks later, also 2023); nothing recorded since. On 2025-06-01:
/// 2023 is a recertification year and had an audit anyway; 2024 had none (ISO/IEC 17021-1
/// 9.1.3); surveillance 1 of cycle 2 was due by its anniversary, 2025-03-01 (practice), and
/// 2025 is not over.
#[test]
fn a_calendar_year_without_a_certification_body_audit() {
    let text = "organisation: x
certification:
  decision: 2021-03-01
  surveillance: [2022-02-15, 2023-02-14]
  recertification: [2023-11-20]
auditors: [{id: ann}]
scope: [{id: core, owner: olga}]
";
    let found = facts_of(text, "2025-06-01");
    let years: Vec<i32> = found
        .iter()
        .filter_map(|f| match f {
            Fact::CalendarYearWithoutAudit { year, .. } => Some(*year),
            _ => None,
        })
        .collect();
    assert_eq!(years, [2024]);
    assert!(found.iter().any(|f| matches!(
        f,
        Fact::SurveillanceAfterAnniversary { number: 1, cycle: 2, held: None, latest, .. } if *latest == date("2025-03-01")
    )));
}

/// The enterprise example, as its comments say: `dc-frankfurt` was due in round C2.2, before
/// surveillance 2 of cycle 2 on 2026-08-25, and is planned in C2.3 as soon as possible (its last
/// audit is more than 12 months back): on 2026-08-26, the first open day after surveillance 2.
/// Nothing recorded, it is planned again 10 open days after each planned day passes: 09-09,
/// 09-23, 10-07, 10-21, 11-04, 11-18, and on 2026-11-28 it stands on 2026-12-02; diego, on the payments team,
/// audited `payments-app` on 2025-03-19.
#[test]
fn the_enterprise_examples_overdue_audit_and_audit_by_its_own_team() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/enterprise.yaml")).unwrap();
    let found = facts_of(&text, "2026-11-28");
    let overdue: Vec<_> = found.iter().filter(|f| matches!(f, Fact::OverdueAudit { .. })).collect();
    let [Fact::OverdueAudit { area, round, before, later, .. }] = overdue[..] else { panic!("{overdue:?}") };
    assert_eq!((*area, round.to_string(), before.date), ("dc-frankfurt", "C2.2".to_string(), date("2026-08-25")));
    let Later::Round { label, date: planned } = later else { panic!("{later:?}") };
    assert_eq!((label.to_string(), *planned), ("C2.3".to_string(), date("2026-12-02")));
    assert!(found.iter().any(|f| matches!(
        f,
        Fact::AuditorNotIndependent { area, auditor, conflict: Conflict::Team, date: d, .. }
            if *area == "payments-app" && *auditor == "diego" && *d == date("2025-03-19")
    )));
}

/// A high-risk area missed round C1.1 (surveillance 1 on 2025-05-06) and left the scope after
/// 2025-06-30. In June, round C1.2 still plans it; once it has left, nothing can: the miss
/// stands (it was in the scope at surveillance 1), and what the plan does about it is that the
/// area left, not that no round is left.
#[test]
fn an_audit_missed_by_an_area_that_has_since_left_cannot_be_held() {
    let text = "organisation: x
certification: {decision: 2024-06-03, surveillance: [2025-05-06]}
auditors: [{id: ann}]
audits: [{date: 2025-03-10, areas: [core], auditor: ann}]
scope:
  - {id: core, owner: olga, risk: high}
  - {id: lab, owner: lena, risk: high, until: 2025-06-30}
";
    let later_of = |today: &str| -> Vec<Later> {
        (facts_of(text, today).iter())
            .filter_map(|f| match f {
                Fact::OverdueAudit { area: "lab", later, .. } => Some(*later),
                _ => None,
            })
            .collect()
    };
    assert!(matches!(later_of("2025-06-01")[..], [Later::Round { .. }]), "{:?}", later_of("2025-06-01"));
    assert_eq!(later_of("2025-08-01"), [Later::Left { until: date("2025-06-30") }]);
}

/// A corrective action on a minor nonconformity due 2025-06-30 and still open on 2025-07-01
/// is overdue (ISO/IEC 27001:2022 10.2); closed on 2025-06-30, it is not.
#[test]
fn an_open_corrective_action_past_its_due_date() {
    let text = "organisation: x
certification: {decision: 2024-06-03}
auditors: [{id: ann}]
scope: [{id: core, owner: olga}]
corrective_actions:
  - {id: CA-1, area: core, raised: 2025-03-20, due: 2025-06-30}
";
    let overdue = |found: &[Fact]| {
        found
            .iter()
            .filter(|f| {
                matches!(f, Fact::CorrectiveActionOverdue { id, severity: NonconformitySeverity::Minor, due, .. }
                if *id == "CA-1" && *due == date("2025-06-30"))
            })
            .count()
    };
    assert_eq!(overdue(&facts_of(text, "2025-07-01")), 1);
    assert_eq!(overdue(&facts_of(text, "2025-06-30")), 0);
    let closed = text.replace("due: 2025-06-30}", "due: 2025-06-30, closed: 2025-06-30}");
    assert_eq!(overdue(&facts_of(&closed, "2025-07-01")), 0);
}

/// A certificate restarted with Stage 2 on 2025-03-10 (decision 2025-04-14); round 0 before it
/// audited nothing, and surveillance 1 of the new cycle came on 2026-03-17 with still nothing
/// held. The medium-risk `ops` went without an audit in round 0 and in C2.1: two rounds in a
/// row, so C2.1's audit of it is overdue (medium: never two rounds in a row without). The plan
/// is made after the round 0 that `check` judges, so it knows; planned from C2.1 on its own,
/// it did not (fixed 2026-12-06).
#[test]
fn after_a_restart_the_round_before_counts_for_the_next() {
    let text = "organisation: Restart Ltd
certification:
  decision: 2021-09-01
  surveillance: [2022-08-02, 2023-08-08]
  restart:
    - {stage2: 2025-03-10, decision: 2025-04-14}
auditors: [{id: ann}, {id: bob}]
scope:
  - {id: core, name: ISMS core, owner: olga, risk: high}
  - {id: ops, name: Operations, owner: pete, risk: medium}
";
    let found = facts_of(text, "2026-06-15");
    let overdue: Vec<(&str, String)> = found
        .iter()
        .filter_map(|f| match f {
            Fact::OverdueAudit { area, round, .. } => Some((*area, round.to_string())),
            _ => None,
        })
        .collect();
    assert!(overdue.contains(&("ops", "C2.1".to_string())), "{overdue:?}");
    assert!(overdue.contains(&("core", "C2.1".to_string())), "{overdue:?}");
}

/// Bookings are judged while they can be moved: a held audit on a day of leave, or two held the
/// same day, are history; the same bookings ahead are findings. `bob` may audit 2 days a round:
/// in round C1.1 (up to surveillance 1, planned 2025-05-06) he has 2025-02-04 (held) and the
/// bookings of 2025-03-04 and 2025-03-11, so the one of 2025-03-11 goes beyond the cap.
#[test]
fn bookings_ahead_are_checked_against_what_the_planner_keeps() {
    let text = "organisation: x
certification: {decision: 2024-06-03}
auditors:
  - {id: ann, unavailable: [{from: 2025-01-06, to: 2025-03-31, reason: leave}]}
  - {id: bob, max_days_per_round: 2}
scope: [{id: core, owner: olga}, {id: ops, owner: olga}]
audits:
  - {date: 2025-01-07, areas: [core], auditor: ann}
  - {date: 2025-02-04, areas: [core], auditor: bob}
  - {date: 2025-02-04, areas: [ops], auditor: bob}
  - {date: 2025-03-04, areas: [ops], auditor: bob, status: booked}
  - {date: 2025-03-11, areas: [core], auditor: bob, status: booked}
  - {date: 2025-03-18, areas: [ops], auditor: ann, status: booked}
";
    let found = facts_of(text, "2025-02-10");
    let bookings: Vec<String> = found
        .iter()
        .filter_map(|f| match f {
            Fact::BookingAuditorUnavailable { auditor, date, .. } => Some(format!("away {auditor} {date}")),
            Fact::BookingSameDay { auditor, date, .. } => Some(format!("same day {auditor} {date}")),
            Fact::BookingOverCap { auditor, period, days, cap, date, .. } => {
                Some(format!("cap {auditor} {period} {days}/{cap} {date}"))
            }
            _ => None,
        })
        .collect();
    assert_eq!(bookings, ["away ann 2025-03-18", "cap bob round C1.1 3/2 2025-03-11"]);
}

/// A site with no area gets no internal audit before Stage 1; a central function whose only
/// area is low risk is audited in one round of three (IAF MD 1).
#[test]
fn every_site_before_stage1_and_the_central_function_every_round() {
    let before = facts_of(include_str!("cmd/check-codes.in/sites-before-stage1.yaml"), "2025-12-01");
    let sites: Vec<(&str, bool)> = before
        .iter()
        .filter_map(|f| match f {
            Fact::SiteNotAuditedBeforeStage1 { site, has_areas, .. } => Some((*site, *has_areas)),
            _ => None,
        })
        .collect();
    assert_eq!(sites, [("hull", false)]);
    let certified = facts_of(include_str!("cmd/check-codes.in/central-function.yaml"), "2025-02-03");
    let rounds: Vec<String> = certified
        .iter()
        .filter_map(|f| match f {
            Fact::CentralFunctionNotAudited { round, .. } => Some(round.label.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(rounds, ["C1.2", "C1.3"]);
}

/// Sites listed but no area at the central function: one cause, said once, not once a round.
#[test]
fn a_central_function_with_no_area_is_said_once() {
    let text = "organisation: x
certification: {decision: 2025-01-13}
sites: [{id: hq, central: true}, {id: depot}]
auditors: [{id: ann}]
scope: [{id: core, owner: olga, risk: high, site: depot}]
";
    let found = facts_of(text, "2025-02-03");
    let central: Vec<bool> = found
        .iter()
        .filter_map(|f| match f {
            Fact::CentralFunctionNotAudited { has_areas, .. } => Some(*has_areas),
            _ => None,
        })
        .collect();
    assert_eq!(central, [false]);
}
