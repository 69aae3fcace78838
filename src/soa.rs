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

/// The statement for the plan's day: every control of Annex A, in its order. Of a
/// [`plan`](crate::plan::plan) or an [`outline`](crate::plan::outline) alike.
pub fn statement<'r>(plan: &Plan<'r>) -> Vec<Line<'r>> {
    let reg = plan.register;
    let today = plan.today;
    // The last full audit held of each area by an auditor independent of it (one who owns,
    // runs or has a conflict with the area is shown in the plan, but does not count). Kept by
    // the areas' places in the scope, and the records' areas looked up once each: a scope of
    // 100,000 areas is not copied into a map.
    let conflicts = Conflicts::new(&reg.scope, &reg.auditors);
    let auditor_at: HashMap<String, usize> =
        reg.auditors.iter().enumerate().map(|(j, a)| (folded(&a.id).into_owned(), j)).collect();
    // For each area the records name: the last day held by each auditor (none listed: an
    // outside firm, or an auditor the register does not list), so that it grows with the
    // areas and their auditors, not with the records.
    let mut held: HashMap<String, Vec<(NaiveDate, Option<usize>)>> = HashMap::new();
    for record in reg.audits.iter().filter(|r| r.status_on(today) == Status::Done && r.kind == AuditKind::Full) {
        let day = record.end.unwrap_or(record.date);
        if day > today {
            continue;
        }
        let auditor = record.auditor.as_deref().and_then(|a| auditor_at.get(&*folded(a)).copied());
        for area in &record.areas {
            let by = held.entry(folded(area).into_owned()).or_default();
            match by.iter_mut().find(|(_, j)| *j == auditor) {
                Some((last, _)) => *last = (*last).max(day),
                None => by.push((day, auditor)),
            }
        }
    }
    let last: Vec<Option<NaiveDate>> = if held.is_empty() {
        vec![None; reg.scope.len()]
    } else {
        (reg.scope.iter().enumerate())
            .map(|(i, a)| {
                let held = held.get(&*folded(&a.id))?;
                let independent = |j: &Option<usize>| j.is_none_or(|j| conflicts.between(i, j).is_none());
                held.iter().filter(|(_, j)| independent(j)).map(|(day, _)| *day).max()
            })
            .collect()
    };
    // The first audit ahead of each area, by its place in the scope.
    // (Of an outline, the rounds are planned one at a time, and each dropped once read.)
    let mut next: Vec<Option<NaiveDate>> = vec![None; reg.scope.len()];
    let Ok(()) = plan.each_round::<std::convert::Infallible>(|r| {
        let ahead = r.audits.iter().filter(|a| a.source != Source::Missed && a.date > today);
        for a in ahead.filter(|a| a.source != Source::Done) {
            if let Some(i) = a.area_as_written(reg) {
                next[i] = Some(next[i].map_or(a.date, |d| d.min(a.date)));
            }
        }
        Ok(())
    });
    // In the scope on the day: joined (`since`), and not yet left (`until`).
    let in_scope: Vec<usize> = (0..reg.scope.len())
        .filter(|&i| !reg.scope[i].left_by(today) && reg.scope[i].since.is_none_or(|s| s <= today))
        .collect();
    catalogue::control_ids()
        .map(|control| {
            let of = catalogue::Control::of(control);
            let carrying: Vec<usize> =
                in_scope.iter().copied().filter(|&i| reg.scope[i].controls.iter().any(|&c| Some(c) == of)).collect();
            let areas: Vec<&'r str> = carrying.iter().map(|&i| reg.scope[i].id.as_str()).collect();
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
                last_audited: carrying.iter().filter_map(|&i| last[i]).max(),
                next_planned: carrying.iter().filter_map(|&i| next[i]).min(),
                areas,
            }
        })
        .collect()
}
