//! The certification body's cycle rules (ISO/IEC 17021-1; `docs/rules.md`): anniversaries,
//! surveillance and recertification dates, leap days, blackouts, the record of external audits,
//! restoration, lapse and restart, the calendar-year rule.

use chrono::{Datelike, NaiveDate};

use ismsaudit::cycle::{Basis, Certificate, ExternalKind, anniversary};
use ismsaudit::register::{Register, parse};

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A one-area register with `certification` (indented keys) and `settings` (indented keys).
fn register(certification: &str, settings: &str) -> Register {
    let settings = if settings.is_empty() { String::new() } else { format!("settings:\n{settings}") };
    let text = format!(
        "organisation: Test\ncertification:\n{certification}{settings}auditors: [{{id: ann}}]\nscope:\n  - {{id: core, owner: olga, risk: high}}\n"
    );
    parse("test.yaml", &text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn certified(decision: &str) -> Register {
    register(&format!("  decision: {decision}\n"), "")
}

fn certificate(reg: &Register) -> Certificate {
    Certificate::new(reg).unwrap()
}

#[test]
fn seed_example_certified_2017() {
    // Certified in 2017 -> surveillance 2018 and 2019, recertification 2020,
    // surveillance 2021 and 2022, recertification 2023.
    let cert = certificate(&certified("2017-06-14"));
    let years: Vec<_> =
        (1..=2).flat_map(|n| cert.cycle(n).audits().into_iter().map(|a| (a.kind, a.date.year()))).collect();
    use ExternalKind::*;
    assert_eq!(
        years,
        [
            (Surveillance(1), 2018),
            (Surveillance(2), 2019),
            (Recertification, 2020),
            (Surveillance(1), 2021),
            (Surveillance(2), 2022),
            (Recertification, 2023)
        ]
    );
    let c1 = cert.cycle(1);
    assert_eq!(c1.expiry, date("2020-06-13"));
    assert_eq!(cert.cycle(2).start, date("2020-06-14"), "the next cycle starts the day after expiry");
    // 2018-06-14 - 4 weeks = Thursday 2018-05-17.
    assert_eq!(c1.surveillance[0].date, date("2018-05-17"));
    assert_eq!(c1.surveillance[0].latest, Some(date("2018-06-14")));
    assert!(c1.surveillance[0].hard, "the first surveillance's 12 months are a rule of the standard");
    assert!(!c1.surveillance[1].hard && !cert.cycle(2).surveillance[0].hard, "later anniversaries are practice");
    // 2020-06-13 - 13 weeks = Saturday 2020-03-14 -> Friday 2020-03-13; latest 2020-05-16.
    assert_eq!(c1.recertification.date, date("2020-03-13"));
    assert_eq!(c1.recertification.latest, Some(date("2020-05-16")));
}

#[test]
fn first_surveillance_within_twelve_months_for_any_decision() {
    let mut d = date("2023-01-01");
    while d < date("2025-01-01") {
        let cert = certificate(&certified(&d.to_string()));
        let s1 = cert.cycle(1).surveillance[0];
        assert!(s1.date <= anniversary(d, 1) && s1.date > d, "{d}: {}", s1.date);
        d = d.succ_opt().unwrap();
    }
}

/// ISO/IEC 17021-1 9.1.3: a certification-body audit in every calendar year, except the initial
/// certification's year and recertification years (the audit's year or its decision's). Over ten
/// cycles, for every decision day of a leap year and of a common year.
#[test]
fn no_calendar_year_without_an_audit_over_ten_cycles() {
    for year in [2024, 2025] {
        let mut d = NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
        while d.year() == year {
            let cert = certificate(&certified(&d.to_string()));
            let epoch = &cert.epochs[0];
            let audits = cert.audits_of(epoch);
            // Recertification years, by the rule: the year of each recertification audit and
            // of its decision, four weeks later (the default), may have no surveillance.
            let exempt: Vec<i32> = (1..=10)
                .map(|k| cert.cycle(k).recertification.date)
                .flat_map(|r| [r.year(), (r + chrono::Days::new(28)).year()])
                .collect();
            let last = cert.cycle(10).expiry.year();
            for y in d.year() + 1..last {
                let audited = audits.iter().any(|e| e.kind.is_audit() && e.date.year() == y);
                assert!(audited || exempt.contains(&y), "decision {d}: no audit planned in {y}");
            }
            d = d.succ_opt().unwrap();
        }
    }
}

/// An early recertification (before the cycle's third year, as when certificates are merged)
/// ends its cycle the day before its decision, and the next cycle counts from that decision:
/// for every week of a cycle, no surveillance is planned after the audit, the new
/// anniversaries set the next surveillance, and no calendar year is left without an audit.
#[test]
fn an_early_recertification_starts_the_next_cycle_from_its_decision() {
    let decision = date("2024-03-15");
    let mut audit = date("2024-04-01");
    while audit < date("2027-03-01") {
        let reg =
            register(&format!("  decision: {decision}\n  recertification: [{{date: {audit}, early: true}}]\n"), "");
        let cert = certificate(&reg);
        // Decision not recorded: assumed 4 weeks after the audit (the default), and no later
        // than the day after the old certificate's expiry (2027-03-14).
        let new = (audit + chrono::Days::new(28)).min(date("2027-03-15"));
        let (c1, c2) = (cert.cycle(1), cert.cycle(2));
        assert_eq!((c1.expiry, c2.start), (new.pred_opt().unwrap(), new), "early recertification {audit}");
        assert!(c1.recertification.early && c1.recertified_in_time());
        assert!(c1.surveillance.iter().all(|s| s.date < audit), "{audit}: {:?}", c1.surveillance);
        assert_eq!(c2.expiry, anniversary(new, 3).pred_opt().unwrap());
        let s1 = c2.surveillance[0];
        assert!(s1.date <= anniversary(new, 1) && !s1.hard, "{audit}: {s1:?}");
        let audits = cert.audits_of(&cert.epochs[0]);
        let exempt: Vec<i32> = (1..=5)
            .map(|k| cert.cycle(k).recertification.date)
            .flat_map(|r| [r.year(), (r + chrono::Days::new(28)).year()])
            .collect();
        for y in decision.year() + 1..cert.cycle(5).expiry.year() {
            let audited = audits.iter().any(|e| e.kind.counts_for_calendar_year() && e.date.year() == y);
            assert!(audited || exempt.contains(&y), "early recertification {audit}: no audit planned in {y}");
        }
        audit = audit + chrono::Days::new(7);
    }
}

#[test]
fn a_february_decision_gets_its_first_surveillance_of_cycle_two_in_the_year_after_recertification() {
    // Decision 2024-02-10: recertification planned 2026-11-10 (expiry 2027-02-09 - 13 weeks),
    // its decision assumed 2026-12-08; the anniversary rule would put the next surveillance in
    // January 2028 and leave 2027 empty. It moves into 2027: 12 months after the recertification.
    let cert = certificate(&certified("2024-02-10"));
    assert_eq!(cert.cycle(1).recertification.date, date("2026-11-10"));
    let s1 = cert.cycle(2).surveillance[0];
    assert_eq!((s1.date, s1.basis), (date("2027-11-10"), Basis::Planned));
    assert_eq!(s1.latest, Some(date("2028-02-10")), "the anniversary stays the practice limit");
    // ... and then the second surveillance 12 months later, in 2028, not January 2029.
    assert_eq!(cert.cycle(2).surveillance[1].date, date("2028-11-10"));
}

#[test]
fn leap_day_decision_keeps_its_anniversary() {
    let cert = certificate(&certified("2024-02-29"));
    assert_eq!(cert.cycle(1).surveillance[0].latest, Some(date("2025-02-28")));
    assert_eq!(cert.cycle(1).expiry, date("2027-02-27"));
    assert_eq!(cert.cycle(2).start, date("2027-02-28"));
    // In cycle 2 the year-1 anniversary falls in a leap year again: 29 February.
    assert_eq!(cert.cycle(2).surveillance[0].latest, Some(date("2028-02-29")));
}

#[test]
fn blackout_over_a_planned_date_moves_it_earlier() {
    // Surveillance 1 would be Tuesday 2025-05-06 (2025-06-03 - 4 weeks); block that week.
    let reg = register("  decision: 2024-06-03\n", "  blackout: [{from: 2025-05-01, to: 2025-05-09}]\n");
    let s1 = certificate(&reg).cycle(1).surveillance[0];
    assert_eq!(s1.date, date("2025-04-30"), "moved to the last workday before the blackout");
    assert_eq!(s1.basis, Basis::Planned);
}

#[test]
fn initial_audit_defaults_are_assumed() {
    let cert = certificate(&register("  stage1: 2027-03-15\n", ""));
    let epoch = &cert.epochs[0];
    let s2 = epoch.stage2.unwrap();
    assert_eq!((s2.date, s2.basis), (date("2027-04-12"), Basis::Assumed));
    assert_eq!((epoch.decision.date, epoch.decision.basis), (date("2027-05-10"), Basis::Assumed));
    assert_eq!(cert.cycle(1).expiry, date("2030-05-09"));
}

#[test]
fn recorded_audits_replace_planned_ones_in_their_slot() {
    let reg = register(
        "  decision: 2024-06-03\n  surveillance: [2025-06-20, 2026-05-12]\n  recertification: [2027-03-02]\n",
        "",
    );
    let cert = certificate(&reg);
    let c = cert.cycle(1);
    assert_eq!([c.surveillance[0].date, c.surveillance[1].date], [date("2025-06-20"), date("2026-05-12")]);
    assert_eq!(c.recertification.date, date("2027-03-02"));
    assert_eq!(c.recertification.basis, Basis::Recorded);
    assert_eq!(cert.cycle(2).surveillance[0].basis, Basis::Planned);
}

#[test]
fn two_surveillance_audits_in_year_one_are_an_input_error_unless_written_as_a_split() {
    let text = "organisation: T\ncertification:\n  decision: 2024-06-03\n  surveillance: [2025-05-06, 2025-06-01]\nscope: [{id: a, owner: o}]\n";
    let err = parse("test.yaml", text).and_then(|r| Certificate::new(&r).map(|_| ())).unwrap_err();
    assert_eq!(
        err.to_string(),
        "test.yaml:4:30: error: surveillance audits `2025-05-06` and `2025-06-01` both fall in year 1 of cycle 1; a cycle has surveillance 1 and 2; write a split surveillance as `{date: ..., visits: [...]}` and a special audit under `special`"
    );
    // The same two days as one surveillance in two visits, and a special audit: no error.
    let reg = register(
        "  decision: 2024-06-03\n  surveillance: [{date: 2025-05-06, visits: [2025-06-01]}]\n  special: [{date: 2025-09-10, kind: scope-extension}]\n",
        "",
    );
    let c = certificate(&reg).cycle(1).clone();
    assert_eq!((c.surveillance[0].date, c.surveillance[0].end), (date("2025-05-06"), date("2025-06-01")));
    assert_eq!(c.surveillance[1].basis, Basis::Planned, "surveillance 2 is still due");
    assert_eq!(c.special.len(), 1);
}

#[test]
fn a_late_first_surveillance_stays_the_first() {
    // Held seven months late, the first surveillance is still surveillance 1, and the second
    // follows: both can be recorded.
    let reg = register("  decision: 2024-06-03\n  surveillance: [2026-01-12, 2026-05-12]\n", "");
    let cert = certificate(&reg);
    let c = cert.cycle(1);
    assert_eq!([c.surveillance[0].date, c.surveillance[1].date], [date("2026-01-12"), date("2026-05-12")]);
    assert!(c.surveillance[0].date > c.surveillance[0].latest.unwrap(), "late, for check to report");
}

#[test]
fn a_lone_very_late_surveillance_is_the_first_and_the_second_is_still_due() {
    // Held 23 months after the decision: still surveillance 1, never surveillance 2.
    let reg = register("  decision: 2024-06-03\n  surveillance: [2026-05-05]\n", "");
    let cert = certificate(&reg);
    let c = cert.cycle(1);
    assert_eq!((c.surveillance[0].date, c.surveillance[0].basis), (date("2026-05-05"), Basis::Recorded));
    let s2 = c.surveillance[1];
    assert_eq!(s2.basis, Basis::Planned);
    assert!(s2.date > date("2026-05-05") && s2.date < c.recertification.date, "between them: {}", s2.date);
}

#[test]
fn an_assumed_stage2_never_follows_a_given_decision() {
    let cert = certificate(&register("  stage1: 2024-05-20\n  decision: 2024-06-03\n", ""));
    assert!(cert.epochs[0].stage2.unwrap().date <= date("2024-06-03"));
}

#[test]
fn a_recertification_within_six_months_after_expiry_restores_the_cycle() {
    // Expiry 2027-06-02; recertified 2027-09-15, within 6 months: cycle 2 follows, keeping the
    // anniversary, and the certificate is valid again from the decision (assumed 4 weeks later).
    let reg = register("  decision: 2024-06-03\n  recertification: [2027-09-15]\n", "");
    let cert = certificate(&reg);
    assert!(cert.cycle(1).recertified() && !cert.cycle(1).recertified_in_time());
    let c2 = cert.cycle(2);
    assert_eq!((c2.start, c2.restored), (date("2027-06-03"), Some(date("2027-10-13"))));
    assert_eq!(c2.expiry, date("2030-06-02"), "expiry based on the prior cycle");
    assert_eq!(cert.lapse(&cert.epochs[0], date("2028-01-01")), None);
}

#[test]
fn a_recertification_decision_after_expiry_is_a_restoration() {
    // The audit before expiry, the decision after it: not recertified in time (ISO/IEC 17021-1
    // 9.6.3.2.4), restored from the decision.
    let reg = register("  decision: 2021-09-01\n  recertification: [{date: 2024-08-06, decision: 2024-09-20}]\n", "");
    let cert = certificate(&reg);
    assert!(!cert.cycle(1).recertified_in_time() && cert.cycle(1).recertified());
    assert_eq!(cert.cycle(2).restored, Some(date("2024-09-20")));
}

#[test]
fn a_recertification_more_than_six_months_after_expiry_does_not_restore() {
    let reg = register("  decision: 2024-06-03\n  recertification: [2028-01-20]\n", "");
    let cert = certificate(&reg);
    let lapse = cert.lapse(&cert.epochs[0], date("2028-02-01")).unwrap();
    assert_eq!((lapse.cycle, lapse.expiry, lapse.deadline), (1, date("2027-06-02"), date("2027-12-02")));
    assert_eq!(lapse.late.map(|d| d.date), Some(date("2028-01-20")));
}

#[test]
fn without_a_recertification_the_certificate_lapses_six_months_after_expiry() {
    let cert = certificate(&certified("2024-06-03"));
    let epoch = &cert.epochs[0];
    assert_eq!(cert.lapse(epoch, date("2027-12-02")), None, "the last day it can be restored");
    assert_eq!(cert.cycle_on(epoch, date("2027-09-01")), 1, "expired, still cycle 1 while it can be restored");
    let lapse = cert.lapse(epoch, date("2027-12-03")).unwrap();
    assert_eq!((lapse.cycle, lapse.deadline), (1, date("2027-12-02")));
}

#[test]
fn a_restart_counts_cycles_from_its_own_decision() {
    let reg = register(
        "  decision: 2020-03-02\n  recertification: [2022-12-06]\n  restart: [{stage2: 2026-02-10, decision: 2026-03-16}]\n",
        "",
    );
    let cert = certificate(&reg);
    assert_eq!(cert.epochs.len(), 2);
    let (old, new) = (&cert.epochs[0], &cert.epochs[1]);
    // Cycle 1 recertified, cycle 2 (2023-03-02 to 2026-03-01) lapsed: the restart follows.
    assert_eq!((old.first_cycle, old.last_cycle), (1, 2));
    assert_eq!(new.first_cycle, 3);
    assert_eq!(new.begins, Some(date("2026-03-02")));
    let c3 = cert.cycle(3);
    assert_eq!((c3.start, c3.expiry), (date("2026-03-16"), date("2029-03-15")));
    assert!(c3.surveillance[0].hard, "the first surveillance after a new initial decision: 12 months");
    assert_eq!(cert.epoch_on(date("2026-01-01")).index, 0);
    assert_eq!(cert.epoch_on(date("2026-03-02")).index, 1);
}

#[test]
fn a_printed_expiry_that_disagrees_names_the_anchor_and_the_fix() {
    // The certificate reissued on a transfer in July 2024 prints 2027-06-30; the anchor is the
    // initial decision, so `decision` must say 2024-07-01 if that expiry is right.
    let text =
        "organisation: T\ncertification:\n  decision: 2024-06-03\n  expiry: 2027-06-30\nscope: [{id: a, owner: o}]\n";
    let err = parse("test.yaml", text).and_then(|r| Certificate::new(&r).map(|_| ())).unwrap_err();
    assert_eq!(
        err.to_string(),
        "test.yaml:4:11: error: expiry `2027-06-30` is not one the decision `2024-06-03` gives: cycle 1 expires on 2027-06-02; `decision` is the initial certification decision, which recertifications and transfers keep (IAF MD 2); if the printed expiry is right, it was 2024-07-01: write `decision: 2024-07-01`"
    );
    // The expiry of a later cycle, as on a recertified certificate, agrees; so does the third
    // anniversary itself, which some bodies print, as for a 29 February decision.
    certificate(&register("  decision: 2021-06-03\n  expiry: 2027-06-02\n", ""));
    certificate(&register("  decision: 2024-06-03\n  expiry: 2027-06-03\n", ""));
    certificate(&register("  decision: 2024-02-29\n  expiry: 2027-02-28\n", ""));
}
