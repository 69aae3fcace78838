//! The register's own tests, and registers built in code for the library's tests.

use super::*;

/// Registers built in code for the library's own tests: every field at its default, the
/// tests setting what they are about (a field added to the register is added here once).
impl Area {
    pub(crate) fn example(id: &str, owner: &str, risk: Risk) -> Area {
        Area {
            id: id.into(),
            name: None,
            owner: owner.into(),
            team: List::new(),
            risk,
            clauses: List::new(),
            controls: List::new(),
            since: None,
            until: None,
            site: None,
            audit_days: 1,
            risk_history: List::new(),
            method: None,
            loc: Loc::default(),
        }
    }
}

impl Auditor {
    pub(crate) fn example(id: &str, conflicts: &[&str]) -> Auditor {
        Auditor {
            id: id.to_string(),
            name: None,
            role: None,
            conflicts: conflicts.iter().map(|c| c.to_string()).collect(),
            unavailable: vec![],
            max_days_per_round: None,
            max_days_per_year: None,
            sites: None,
            loc: Loc::default(),
        }
    }
}

impl Register {
    pub(crate) fn example(scope: Vec<Area>, auditors: Vec<Auditor>) -> Register {
        Register {
            file: "isms.yaml".to_string(),
            organisation: "x".to_string(),
            id: None,
            certification: Certification::default(),
            settings: Settings::default(),
            programme_owner: None,
            reports_to: vec![],
            criteria: vec![],
            record_from: None,
            people: vec![],
            auditors,
            scope,
            exclusions: vec![],
            audits: vec![],
            reviews: vec![],
            accepted: vec![],
            corrective_actions: vec![],
            profile: Profile::default(),
        }
    }
}

fn area(id: &str, owner: &str, team: &[&str]) -> Area {
    Area { team: team.iter().map(|&t| t.into()).collect(), ..Area::example(id, owner, Risk::Low) }
}

fn auditor(id: &str, conflicts: &[&str]) -> Auditor {
    Auditor::example(id, conflicts)
}

/// The index says of every area and auditor what `conflict_with` says: owner before team
/// before a declared conflict, ids without case (`Ärzte` is `ärzte`), and for a register
/// built in code, repeated ids too.
#[test]
fn conflicts_are_what_conflict_with_says() {
    let scope = vec![
        area("core", "Ann", &["bob", "ANN"]),
        area("Ops", "carl", &["Bob"]),
        area("Ärzte", "dora", &[]),
        area("ops", "ann", &["dora", "eve"]),
        area("free", "nobody", &[]),
    ];
    let auditors = vec![
        auditor("ann", &["ops", "free"]),
        auditor("BOB", &["CORE", "ärzte", "unknown"]),
        auditor("carl", &["OPS"]),
        auditor("Dora", &[]),
        auditor("eve", &["ÄRZTE", "core", "Core"]),
        auditor("ann", &[]),
    ];
    let index = Conflicts::new(&scope, &auditors);
    for (i, a) in scope.iter().enumerate() {
        for (j, x) in auditors.iter().enumerate() {
            assert_eq!(index.between(i, j), a.conflict_with(x), "{} and {}", a.id, x.id);
        }
        assert_eq!(index.independent(i), auditors.iter().filter(|x| a.independent_of(x)).count(), "{}", a.id);
    }
    assert_eq!(index.between(0, 0), Some(Conflict::Owner));
    assert_eq!(index.between(0, 1), Some(Conflict::Team));
    assert_eq!(index.between(2, 4), Some(Conflict::Declared));
    assert_eq!(index.independent(4), 5);
}
