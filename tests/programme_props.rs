//! Property tests: the programme's invariants hold over random registers, settings and days.

use std::collections::BTreeSet;

use chrono::{Days, NaiveDate};
use proptest::prelude::*;

use ismsaudit::cycle::anniversary;
use ismsaudit::diagnostic::Loc;
use ismsaudit::findings::{Code, check};
use ismsaudit::plan::plan;
use ismsaudit::programme::{ROUNDS_PER_CYCLE, Source, Unassigned, risk_pattern};
use ismsaudit::register::{
    Area, AuditRecord, Auditor, Blackout, Certification, Dated, Register, Risk, Settings, Status,
};

mod common;
use common::{PEOPLE, day, recertified, risk};

prop_compose! {
    fn area()(risk in risk(), owner in 0..PEOPLE.len(), team in proptest::collection::btree_set(0..PEOPLE.len(), 0..3)) -> (Risk, usize, BTreeSet<usize>) {
        (risk, owner, team)
    }
}

prop_compose! {
    fn settings()(
        lead in 1u32..=10,
        review in 1u32..=9,
        surveillance in 0u32..=13,
        recert in 4u32..=26,
        workdays in proptest::array::uniform7(any::<bool>()),
        blackouts in proptest::collection::vec((0u64..4000, 0u64..30), 0..4),
    ) -> Settings {
        let mut s = Settings {
            internal_audit_lead_weeks: lead,
            management_review_lead_weeks: review.min(lead - 1).max(1),
            surveillance_before_anniversary_weeks: surveillance,
            recertification_before_expiry_weeks: recert,
            blackouts: blackouts.into_iter().map(|(from, len)| Blackout { from: day(from), to: day(from + len), reason: "freeze".into(), loc: Loc::default() }).collect(),
            ..Settings::default()
        };
        if workdays.iter().any(|w| *w) {
            s.workdays = workdays;
        }
        if s.management_review_lead_weeks >= s.internal_audit_lead_weeks {
            // Validation rejects this; a lead of 1 leaves no room for a review, so widen it.
            s.internal_audit_lead_weeks = s.management_review_lead_weeks + 1;
        }
        s
    }
}

prop_compose! {
    fn register()(reg in register_with(false)) -> Register { reg }
}

prop_compose! {
    /// A register; with `records`, also internal audits held or booked, some by auditors who
    /// are not independent, some without an auditor.
    fn register_with(records: bool)(
        areas in proptest::collection::vec(area(), 1..20),
        auditors in proptest::collection::btree_set(0..PEOPLE.len(), 0..6),
        conflicts in proptest::collection::vec((0..PEOPLE.len(), 0..20usize), 0..6),
        initial in any::<bool>(),
        start in 0u64..3000,
        settings in settings(),
        audits in proptest::collection::vec(
            (0u64..1600, proptest::collection::btree_set(0..20usize, 1..4), proptest::option::of(0..PEOPLE.len()), any::<bool>()),
            0..if records { 14 } else { 1 },
        ),
    ) -> Register {
        let scope: Vec<Area> = areas.iter().enumerate().map(|(i, (risk, owner, team))| Area {
            id: format!("area-{i:02}"),
            name: format!("Area {i}"),
            owner: PEOPLE[*owner].to_string(),
            team: team.iter().map(|t| PEOPLE[*t].to_string()).collect(),
            risk: *risk,
            clauses: vec![],
            controls: vec![],
            since: None,
            until: None,
            loc: Loc::default(),
        }).collect();
        let auditors = auditors.iter().map(|a| Auditor {
            id: PEOPLE[*a].to_string(),
            name: None,
            conflicts: conflicts.iter().filter(|(who, area)| who == a && *area < scope.len()).map(|(_, area)| format!("area-{area:02}")).collect(),
            loc: Loc::default(),
        }).collect();
        let date = Dated { date: day(start), loc: Loc::default() };
        let recertification = recertified(date.date);
        let certification = if initial {
            Certification { stage1: Some(date), ..Default::default() }
        } else {
            Certification { decision: Some(date), recertification, ..Default::default() }
        };
        let auditors: Vec<Auditor> = auditors;
        let mut audits: Vec<AuditRecord> = audits
            .into_iter()
            .filter(|_| records)
            .map(|(offset, areas, auditor, booked)| AuditRecord {
                // From a little before the first date, over about four years.
                date: day((start + offset).saturating_sub(200)),
                areas: areas.iter().filter(|a| **a < scope.len()).map(|a| format!("area-{a:02}")).collect(),
                auditor: auditor.and_then(|i| auditors.get(i % auditors.len().max(1))).map(|a| a.id.clone()),
                auditor_org: None,
                status: booked.then_some(Status::Booked),
                loc: Loc::default(),
            })
            .filter(|r| !r.areas.is_empty())
            .collect();
        audits.sort_by_key(|r| r.date);
        Register { file: "prop.yaml".into(), organisation: "Prop".into(), certification, settings, programme_owner: None, auditors, scope, exclusions: vec![], audits, reviews: vec![], accepted: vec![] }
    }
}

/// What holds of every plan: the round's dates, independence, one audit a day per auditor,
/// open days only, planned days inside the round and not in the past.
fn structural_invariants(reg: &Register, p: &ismsaudit::plan::Plan<'_>) -> Result<(), TestCaseError> {
    let s = &reg.settings;
    let cal = ismsaudit::calendar::Calendar::new(s);
    let mut busy: BTreeSet<(String, NaiveDate)> =
        reg.audits.iter().filter_map(|r| Some((r.auditor.clone()?, r.date))).collect();
    for round in &p.rounds {
        let e = round.prepares;
        // The round ends at least the lead before its external audit.
        prop_assert!(round.last_day <= e.date - Days::new(7 * u64::from(s.internal_audit_lead_weeks)));
        // The review comes after the round's planned audits and before the external audit.
        prop_assert!(round.review.date < e.date);
        prop_assert!(cal.is_open(round.review.date), "review on a closed day {}", round.review.date);
        for a in round.audits.iter().filter(|a| !a.source.is_recorded() && a.source != Source::Missed) {
            // Inside the round: by its due day, before the round's window closes; a usual audit
            // by the round's last day, before the review that takes its results.
            prop_assert!(a.date <= a.due && a.due < round.window_end, "{a:?}");
            // Not late: by the round's lead day (by its last day unless behind the target).
            if round.cycle > 0 && a.behind.is_none() {
                prop_assert!(a.due <= round.lead_day, "{a:?}");
            }
            let area = reg.scope.iter().find(|x| x.id == a.area).unwrap();
            let eligible = reg.auditors.iter().any(|x| area.independent_of(x));
            match (&a.auditor, a.unassigned) {
                (Some(id), None) => {
                    let auditor = reg.auditors.iter().find(|x| &x.id == id).unwrap();
                    prop_assert!(area.independent_of(auditor), "{id} audits {}", area.id);
                    prop_assert!(cal.is_open(a.date), "audit on a closed day {}", a.date);
                    // Inside the round's window, and never in the past for a round still ahead.
                    prop_assert!(a.date >= round.first_day(p.today), "{} before {}", a.date, round.first_day(p.today));
                    // At most one audit a day per auditor, across rounds and records.
                    prop_assert!(busy.insert((id.clone(), a.date)), "{id} twice on {}", a.date);
                }
                (None, Some(Unassigned::NoneIndependent)) => prop_assert!(!eligible),
                (None, Some(Unassigned::NoFreeDay)) => prop_assert!(eligible),
                other => prop_assert!(false, "planned audit with {other:?}"),
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// With a record, the plan keeps its structure, and `plan` and `check` agree on coverage.
    #[test]
    fn programme_with_records(reg in register_with(true), today_offset in 0u64..5000) {
        let today = day(today_offset);
        let p = plan(&reg, today, 1).unwrap();
        structural_invariants(&reg, &p)?;
        let findings = check(&reg, today).unwrap();
        for c in &p.cycles {
            let rounds: Vec<_> = p.rounds.iter().filter(|r| r.cycle == c.number).collect();
            for area in reg.scope.iter().filter(|a| rounds.iter().any(|r| r.includes(a))) {
                let reported = findings.iter().any(|f| f.code == Code::AreaNotCovered && f.area.as_deref() == Some(&area.id));
                prop_assert_eq!(p.covered_in_cycle(c.number, &area.id), !reported, "{} in cycle {}", area.id, c.number);
            }
        }
    }

    #[test]
    fn programme_invariants(reg in register(), today_offset in 0u64..5000) {
        let today = day(today_offset);
        let p = plan(&reg, today, 3).unwrap();
        structural_invariants(&reg, &p)?;
        // Round 0 audits the whole scope before Stage 1.
        if let Some(r0) = p.rounds.iter().find(|r| r.cycle == 0) {
            for area in &reg.scope {
                prop_assert_eq!(r0.audits_of(&area.id).count(), 1);
            }
        }
        // Per cycle: whole scope covered; risk frequencies; medium never two rounds in a row without.
        for c in &p.cycles {
            let rounds: Vec<_> = p.rounds.iter().filter(|r| r.cycle == c.number).collect();
            prop_assert_eq!(rounds.len(), ROUNDS_PER_CYCLE);
            for area in &reg.scope {
                let hits: Vec<bool> = rounds.iter().map(|r| r.audits_of(&area.id).next().is_some()).collect();
                let n = hits.iter().filter(|h| **h).count();
                match area.risk {
                    Risk::High => prop_assert_eq!(n, 3),
                    Risk::Medium => prop_assert!(n >= 2),
                    Risk::Low => prop_assert!(n >= 1),
                }
            }
        }
        let all: Vec<_> = p.rounds.iter().filter(|r| r.cycle > 0).collect();
        for area in reg.scope.iter().filter(|a| a.risk == Risk::Medium) {
            for pair in all.windows(2) {
                let audited = |r: &&ismsaudit::programme::Round| r.audits_of(&area.id).next().is_some();
                prop_assert!(audited(&pair[0]) || audited(&pair[1]), "{} skips {} and {}", area.id, pair[0].label(), pair[1].label());
            }
        }
        // The certification body's dates keep the hard rules.
        for c in &p.cycles {
            let decision = p.epoch().decision.date;
            for (k, sv) in c.surveillance.iter().enumerate() {
                let due = anniversary(decision, 3 * (c.number - 1) + k as u32 + 1);
                prop_assert!(sv.date <= due && sv.latest == Some(due));
            }
            prop_assert!(c.surveillance[0].date > c.start);
            prop_assert!(c.recertification.date <= c.expiry - Days::new(28));
            prop_assert_eq!(c.expiry.succ_opt().unwrap(), anniversary(decision, 3 * c.number));
        }
    }

    #[test]
    fn same_input_same_bytes(reg in register(), today_offset in 0u64..5000) {
        let today = day(today_offset);
        let render = || {
            let p = plan(&reg, today, 2).unwrap();
            let mut json = Vec::new();
            ismsaudit::render::json::write(&p, &mut json).unwrap();
            let mut table = Vec::new();
            ismsaudit::render::table::write(&p, &mut table).unwrap();
            (json, table)
        };
        prop_assert_eq!(render(), render());
    }

    #[test]
    fn round_sizes_differ_by_at_most_one(risks in proptest::collection::vec(risk(), 0..60)) {
        let scope: Vec<Area> = risks.iter().enumerate().map(|(i, r)| Area {
            id: format!("a{i}"), name: String::new(), owner: "o".into(), team: vec![], risk: *r,
            clauses: vec![], controls: vec![], since: None, until: None, loc: Loc::default(),
        }).collect();
        let pattern = risk_pattern(&scope);
        let sizes: Vec<usize> = (0..ROUNDS_PER_CYCLE).map(|k| pattern.iter().filter(|p| p[k]).count()).collect();
        prop_assert!(sizes.iter().max().unwrap() - sizes.iter().min().unwrap() <= 1, "{sizes:?}");
    }
}
