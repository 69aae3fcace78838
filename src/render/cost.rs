//! The certification body's audit time and site sample, as the table and the programme document
//! word them: one set of sentences and rows for both.

use crate::cycle::Cycle;
use crate::cycle::estimate::{AuditOf, Estimate, MAX_REDUCTION_PERCENT};
use crate::register::{Register, Tenths, same_id};
use crate::text::count;

/// The heading.
pub(super) const HEADING: &str = "Certification-body audit time and site sample (an estimate: the certification body determines audit time, ISO/IEC 17021-1 9.1.4)";

/// What the estimate rests on, a sentence each: the persons, the table, the sites.
pub(super) fn basis(reg: &Register, e: &Estimate) -> Vec<String> {
    let mut out = Vec::new();
    if let (Some(p), Some(eff)) = (e.persons, e.effective) {
        let groups = &reg.profile.simple_activities;
        let counted = if groups.is_empty() {
            String::new()
        } else {
            let in_groups: u32 = groups.iter().map(|g| g.persons).sum();
            format!(
                ", counted as {eff}: {} in identical simple activities count as the square root of each group, rounded up (ISO/IEC 27006-1 C.3.4)",
                count(in_groups as usize, "person")
            )
        };
        out.push(format!(
            "{} doing work under the organisation's control in the scope{counted}.",
            count(p as usize, "person")
        ));
        out.push(format!(
            "Days from: {}; surveillance about a third and recertification about two thirds of the initial audit, and at most {MAX_REDUCTION_PERCENT}% less for a simpler organisation (ISO/IEC 27006-1 Annex C, as IAF MD 5 sets them for other standards); more where sites add time. Stage 1 is commonly about 30% of the initial audit.",
            e.source
        ));
    } else {
        out.push("Give `persons` (full-time equivalents in the scope, every shift) for the audit days.".to_string());
    }
    if let (Some(x), Some(central)) = (e.other_sites, reg.profile.central()) {
        let how = if e.sampling {
            "sampled: the square root of the other sites at the initial audit, 0.6 times it at each surveillance, 0.8 times it at recertification where the system proved effective over the cycle (else as at the initial audit), each rounded up"
        } else {
            "not sampled (`site_sampling: false`): every site at the initial and recertification audits, 30% of them (rounded up) at each surveillance"
        };
        out.push(format!(
            "Sites: the central function, {}, at every audit, and {} besides it, {how} (IAF MD 1).",
            central.name,
            count(x as usize, "other site")
        ));
    }
    out
}

/// The other sites no surveillance or recertification audit recorded in `cycle` visited, where
/// the register records which sites its external audits visited: the sample at the next audit
/// usually favours them (IAF MD 1).
pub(super) fn not_visited(reg: &Register, cycle: &Cycle) -> Option<String> {
    let c = &reg.certification;
    let records: Vec<_> = c.surveillance.iter().chain(&c.recertification).collect();
    if records.iter().all(|r| r.sites.is_empty()) || reg.profile.sites.is_empty() {
        return None;
    }
    let in_cycle = records.iter().filter(|r| (cycle.start..=cycle.expiry).contains(&r.date));
    let visited: Vec<&str> = in_cycle.flat_map(|r| r.sites.iter().map(String::as_str)).collect();
    let left: Vec<&str> = (reg.profile.sites.iter())
        .filter(|s| !s.central && !visited.iter().any(|v| same_id(v, &s.id)))
        .map(|s| s.name.as_str())
        .collect();
    Some(if left.is_empty() {
        format!("Every site has been visited by a certification-body audit recorded in cycle {}.", cycle.number)
    } else {
        format!(
            "Not yet visited by a certification-body audit recorded in cycle {}: {} (the sample usually favours them, IAF MD 1).",
            cycle.number,
            left.join(", ")
        )
    })
}

/// The header of the table.
pub(super) fn header(e: &Estimate) -> Vec<&'static str> {
    let mut h = vec!["Audit", "Audit days", "Least the rules allow"];
    if e.other_sites.is_some() {
        h.push("Sites besides the central function");
    }
    h
}

/// A row for each audit: its days, the least the rules allow, the sites sampled.
pub(super) fn rows(e: &Estimate) -> Vec<Vec<String>> {
    let days = |d: Option<Tenths>| d.map_or_else(|| "beyond the table".to_string(), |d| d.to_string());
    AuditOf::ALL
        .iter()
        .filter_map(|&a| e.of_audit(a))
        .map(|a| {
            let mut row = vec![a.audit.label().to_string(), days(a.days), days(a.least)];
            if let Some(n) = a.sites {
                row.push(n.to_string());
            }
            row
        })
        .collect()
}
