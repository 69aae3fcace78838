//! The Statement of Applicability as a document (ISO/IEC 27001:2022 6.1.3 d): each of the 93
//! Annex A controls, applicable or excluded (with the reason), the areas that carry it, when it
//! was last audited and when it is next planned. Read off the register and the plan.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::catalogue;
use crate::plan::Plan;
use crate::programme::Source;
use crate::register::{AuditKind, Conflicts, Status, folded};

/// Whether a control applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applicability<'r> {
    /// Carried by an area of the scope.
    Applicable,
    /// Excluded, for this reason.
    Excluded(&'r str),
    /// Neither carried nor excluded: a gap `check` reports (`control-not-covered`).
    Undecided,
    /// Carried by an area and excluded too, for this reason: a contradiction `check` reports
    /// (`control-excluded-and-covered`).
    Contradictory(&'r str),
}

impl Applicability<'_> {
    pub fn key(self) -> &'static str {
        match self {
            Applicability::Applicable => "applicable",
            Applicability::Excluded(_) => "excluded",
            Applicability::Undecided => "not decided",
            Applicability::Contradictory(_) => "applicable and excluded",
        }
    }
}

/// One control's line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line<'r> {
    pub control: &'static str,
    pub title: &'static str,
    /// Organizational, People, Physical or Technological (Annex A 5 to 8).
    pub theme: &'static str,
    pub applicability: Applicability<'r>,
    /// The areas in the scope on the day that carry it, in register order.
    pub areas: Vec<&'r str>,
    /// The last full audit held of an area that carries it, on or before the day.
    pub last_audited: Option<NaiveDate>,
    /// The first audit held, booked or planned after the day of an area that carries it.
    pub next_planned: Option<NaiveDate>,
}

/// Annex A's four themes, by the control's clause.
fn theme(control: &str) -> &'static str {
    match control.split('.').nth(1) {
        Some("5") => "Organizational",
        Some("6") => "People",
        Some("7") => "Physical",
        _ => "Technological",
    }
}

/// The statement for the plan's day: every control of Annex A, in its order.
pub fn statement<'r>(plan: &Plan<'r>) -> Vec<Line<'r>> {
    let reg = plan.register;
    let today = plan.today;
    // The last full audit held of each area by an auditor independent of it (one who owns,
    // runs or has a conflict with the area is shown in the plan, but does not count).
    let conflicts = Conflicts::new(&reg.scope, &reg.auditors);
    let area_at: HashMap<String, usize> =
        reg.scope.iter().enumerate().map(|(i, a)| (folded(&a.id).into_owned(), i)).collect();
    let auditor_at: HashMap<String, usize> =
        reg.auditors.iter().enumerate().map(|(j, a)| (folded(&a.id).into_owned(), j)).collect();
    let mut last: HashMap<String, NaiveDate> = HashMap::new();
    for record in reg.audits.iter().filter(|r| r.status_on(today) == Status::Done && r.kind == AuditKind::Full) {
        let day = record.end.unwrap_or(record.date);
        if day > today {
            continue;
        }
        let auditor = record.auditor.as_deref().and_then(|a| auditor_at.get(&*folded(a)));
        for area in &record.areas {
            let key = folded(area).into_owned();
            let independent = match (area_at.get(&key), auditor) {
                (Some(&i), Some(&j)) => conflicts.between(i, j).is_none(),
                _ => true,
            };
            if independent {
                let entry = last.entry(key).or_insert(day);
                *entry = (*entry).max(day);
            }
        }
    }
    let mut next: HashMap<&str, NaiveDate> = HashMap::new();
    let ahead = plan.rounds.iter().flat_map(|r| &r.audits).filter(|a| a.source != Source::Missed && a.date > today);
    for a in ahead.filter(|a| a.source != Source::Done) {
        let entry = next.entry(a.area).or_insert(a.date);
        *entry = (*entry).min(a.date);
    }
    // In the scope on the day: joined (`since`), and not yet left (`until`).
    let in_scope: Vec<_> =
        reg.scope.iter().filter(|a| !a.left_by(today) && a.since.is_none_or(|s| s <= today)).collect();
    catalogue::control_ids()
        .map(|control| {
            let areas: Vec<&'r str> =
                in_scope.iter().filter(|a| a.controls.contains(&control)).map(|a| a.id.as_str()).collect();
            let excluded = reg.exclusions.iter().find(|e| e.control == control).map(|e| e.reason.as_str());
            let applicability = match (areas.is_empty(), excluded) {
                (false, Some(reason)) => Applicability::Contradictory(reason),
                (false, None) => Applicability::Applicable,
                (true, Some(reason)) => Applicability::Excluded(reason),
                (true, None) => Applicability::Undecided,
            };
            Line {
                control,
                title: catalogue::control_title(control).unwrap_or_default(),
                theme: theme(control),
                applicability,
                last_audited: areas.iter().filter_map(|a| last.get(&*folded(a)).copied()).max(),
                next_planned: areas.iter().filter_map(|a| next.get(a).copied()).min(),
                areas,
            }
        })
        .collect()
}
