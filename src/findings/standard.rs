//! The standard in the scope: every clause of ISO/IEC 27001:2022 4-10 and every applicable
//! Annex A control sits in some area, so that a cycle's internal audits cover the whole ISMS
//! (9.2; the Statement of Applicability, 6.1.3 d); and the area carrying the management system
//! is not audited as rarely as a low-risk one.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::Fact;
use crate::catalogue;
use crate::register::{Area, Register, Risk};

/// Clauses and controls in no area (and controls not excluded either), and controls both
/// excluded and carried.
pub(super) fn coverage(reg: &Register, today: NaiveDate) -> Vec<Fact<'_>> {
    let mut carrier: BTreeMap<&str, &Area> = BTreeMap::new();
    for area in reg.scope.iter().filter(|a| !a.left_by(today)) {
        for c in &area.controls {
            carrier.entry(c.id()).or_insert(area);
        }
    }
    let (clauses, controls) = reg.coverage_gaps(today);
    let mut out: Vec<Fact> = clauses.into_iter().map(|clause| Fact::ClauseNotCovered { clause }).collect();
    out.extend(controls.into_iter().map(|control| Fact::ControlNotCovered { control }));
    for control in catalogue::control_ids() {
        let excluded = reg.exclusions.iter().find(|e| e.control == control);
        if let (Some(e), Some(area)) = (excluded, carrier.get(control)) {
            out.push(Fact::ControlExcludedAndCovered { control, area: &area.id, at: e.loc });
        }
    }
    out
}

/// An area carrying clauses 4-10 at low risk is audited once a cycle: auditors notice.
pub(super) fn management_system_low_risk(reg: &Register, today: NaiveDate) -> Vec<Fact<'_>> {
    (reg.scope.iter())
        .filter(|a| !a.left_by(today) && a.risk == Risk::Low && !a.clauses.is_empty())
        .map(|a| Fact::ManagementSystemLowRisk { area: &a.id, clauses: &a.clauses, at: a.loc })
        .collect()
}
