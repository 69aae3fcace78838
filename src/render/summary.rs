//! `ismsaudit validate`: the register in one line.

use chrono::NaiveDate;

use crate::catalogue;
use crate::register::Register;
use crate::text::count;

/// "isms.yaml: ok: 6 areas, 2 auditors, 93 of 93 controls covered (0 excluded), 23 of 23
/// clauses covered", and the number of coverage gaps where there are any: what `check` reports
/// as clause-not-covered and control-not-covered, said here so that "ok" is not read as "the
/// gate will pass". `file` is the name as messages show it.
pub fn validate(file: &str, reg: &Register, today: NaiveDate) -> String {
    let (controls, clauses) = (reg.carried_controls(today), reg.carried_clauses(today));
    let (clause_gaps, control_gaps) = reg.coverage_gaps(today);
    let gaps = clause_gaps.len() + control_gaps.len();
    let mut line = format!(
        "{file}: ok: {}, {}, {} of {} controls covered ({} excluded), {} of {} clauses covered",
        count(reg.scope.len(), "area"),
        count(reg.auditors.len(), "auditor"),
        controls.len(),
        catalogue::CONTROL_COUNT,
        reg.exclusions.len(),
        clauses.len(),
        catalogue::CLAUSE_COUNT
    );
    if gaps > 0 {
        line.push_str(&format!("; {}: run `ismsaudit check`", count(gaps, "coverage gap")));
    }
    line
}
