//! The certification body's cycle rules (`audit-rules.md`, ISO/IEC 17021-1): anniversaries,
//! surveillance and recertification dates, leap days, blackouts, the record of external audits.

use chrono::NaiveDate;

use ismsaudit::cycle::{Basis, Certificate, ExternalKind, anniversary};
use ismsaudit::diagnostic::Loc;
use ismsaudit::register::{Blackout, Certification, Dated, Register, Settings};

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn certified(decision: &str) -> Register {
    register(Certification {
        decision: Some(Dated { date: date(decision), loc: Loc::default() }),
        ..Default::default()
    })
}

fn register(certification: Certification) -> Register {
    Register {
        file: "test.yaml".into(),
        organisation: "Test".into(),
        certification,
        settings: Settings::default(),
        auditors: vec![],
        scope: vec![],
        exclusions: vec![],
        audits: vec![],
        reviews: vec![],
    }
}

#[test]
fn seed_example_certified_2017() {
    // Certified in 2017 -> surveillance 2018 and 2019, recertification 2020,
    // surveillance 2021 and 2022, recertification 2023.
    let cert = Certificate::new(&certified("2017-06-14")).unwrap();
    let years: Vec<_> = (1..=2)
        .flat_map(|n| {
            let c = cert.cycle(n);
            c.audits().map(|a| (a.kind, chrono::Datelike::year(&a.date)))
        })
        .collect();
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
    // 2020-06-13 - 13 weeks = Saturday 2020-03-14 -> Friday 2020-03-13; latest 2020-05-16.
    assert_eq!(c1.recertification.date, date("2020-03-13"));
    assert_eq!(c1.recertification.latest, Some(date("2020-05-16")));
}

#[test]
fn first_surveillance_within_twelve_months_for_any_decision() {
    let mut d = date("2023-01-01");
    while d < date("2025-01-01") {
        let cert = Certificate::new(&certified(&d.to_string())).unwrap();
        let s1 = cert.cycle(1).surveillance[0];
        assert!(s1.date <= anniversary(d, 1) && s1.date > d, "{d}: {}", s1.date);
        d = d.succ_opt().unwrap();
    }
}

#[test]
fn leap_day_decision_keeps_its_anniversary() {
    let cert = Certificate::new(&certified("2024-02-29")).unwrap();
    assert_eq!(cert.cycle(1).surveillance[0].latest, Some(date("2025-02-28")));
    assert_eq!(cert.cycle(1).expiry, date("2027-02-27"));
    assert_eq!(cert.cycle(2).start, date("2027-02-28"));
    // In cycle 2 the year-1 anniversary falls in a leap year again: 29 February.
    assert_eq!(cert.cycle(2).surveillance[0].latest, Some(date("2028-02-29")));
}

#[test]
fn blackout_over_a_planned_date_moves_it_earlier() {
    let mut reg = certified("2024-06-03");
    // Surveillance 1 would be Tuesday 2025-05-06 (2025-06-03 - 4 weeks); block that week.
    reg.settings.blackouts.push(Blackout {
        from: date("2025-05-01"),
        to: date("2025-05-09"),
        reason: "freeze".into(),
        loc: Loc::default(),
    });
    let cert = Certificate::new(&reg).unwrap();
    let s1 = cert.cycle(1).surveillance[0];
    assert_eq!(s1.date, date("2025-04-30"), "moved to the last workday before the blackout");
    assert_eq!(s1.basis, Basis::Planned);
}

#[test]
fn initial_audit_defaults_are_assumed() {
    let reg = register(Certification {
        stage1: Some(Dated { date: date("2027-03-15"), loc: Loc::default() }),
        ..Default::default()
    });
    let cert = Certificate::new(&reg).unwrap();
    let s2 = cert.stage2.unwrap();
    assert_eq!((s2.date, s2.basis), (date("2027-04-12"), Basis::Assumed));
    assert_eq!((cert.decision.date, cert.decision.basis), (date("2027-05-10"), Basis::Assumed));
    assert_eq!(cert.expiry(1), date("2030-05-09"));
}

#[test]
fn recorded_audits_replace_planned_ones_in_their_slot() {
    let mut reg = certified("2024-06-03");
    reg.certification.surveillance = vec![
        Dated { date: date("2025-06-20"), loc: Loc::new(4, 5) }, // late first surveillance: still slot 1
        Dated { date: date("2026-05-12"), loc: Loc::new(4, 19) },
    ];
    reg.certification.recertification = vec![Dated { date: date("2027-03-02"), loc: Loc::new(5, 5) }];
    let cert = Certificate::new(&reg).unwrap();
    let c = cert.cycle(1);
    assert_eq!([c.surveillance[0].date, c.surveillance[1].date], [date("2025-06-20"), date("2026-05-12")]);
    assert_eq!(c.recertification.date, date("2027-03-02"));
    assert_eq!(c.recertification.basis, Basis::Recorded);
    assert_eq!(cert.cycle(2).surveillance[0].basis, Basis::Planned);
}

#[test]
fn two_surveillance_audits_in_year_one_are_an_input_error() {
    let mut reg = certified("2024-06-03");
    reg.certification.surveillance = vec![
        Dated { date: date("2025-05-06"), loc: Loc::new(4, 5) },
        Dated { date: date("2025-06-01"), loc: Loc::new(4, 17) },
    ];
    let err = Certificate::new(&reg).unwrap_err();
    assert_eq!(
        err.to_string(),
        "test.yaml:4:17: error: surveillance audits `2025-05-06` and `2025-06-01` both fall in year 1 of cycle 1; each cycle has one surveillance audit in year 1 and one in year 2; list only those"
    );
}

#[test]
fn a_late_first_surveillance_stays_the_first() {
    // Held seven months late, the first surveillance is still surveillance 1, and the second
    // follows: both can be recorded.
    let mut reg = certified("2024-06-03");
    reg.certification.surveillance = vec![
        Dated { date: date("2026-01-12"), loc: Loc::new(4, 5) },
        Dated { date: date("2026-05-12"), loc: Loc::new(4, 17) },
    ];
    let c = Certificate::new(&reg).unwrap().cycle(1);
    assert_eq!([c.surveillance[0].date, c.surveillance[1].date], [date("2026-01-12"), date("2026-05-12")]);
    assert!(c.surveillance[0].date > c.surveillance[0].latest.unwrap(), "late, for check to report");
}

#[test]
fn an_assumed_stage2_never_follows_a_given_decision() {
    let mut reg = certified("2024-06-03");
    reg.certification.stage1 = Some(Dated { date: date("2024-05-20"), loc: Loc::default() });
    let cert = Certificate::new(&reg).unwrap();
    assert!(cert.stage2.unwrap().date <= date("2024-06-03"));
}
