//! Bookings checked against what the planner honours for the audits it plans itself: an
//! auditor's unavailable days, one audit a day, the sites they cover, and their caps of days a
//! year and a round. A booking is a commitment the planner keeps (it plans around it), so one
//! that breaks these is said while it can still be moved: only bookings ahead are judged; and
//! one whose day passed without being recorded as held is said too.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};

use super::Fact;
use crate::diagnostic::Loc;
use crate::plan::Plan;
use crate::register::{AuditRecord, Status, folded};

pub(super) fn bookings<'r>(plan: &Plan<'r>) -> Vec<Fact<'r>> {
    let (reg, today) = (plan.register, plan.today);
    let auditors: HashMap<Cow<str>, usize> = reg.auditors.iter().enumerate().map(|(j, a)| (folded(&a.id), j)).collect();
    // The areas by id, looked up only for a booking ahead: made when first needed, as a register
    // of 100,000 areas and no bookings would hold the map beside the plan and its facts.
    let areas: OnceCell<HashMap<Cow<str>, usize>> = OnceCell::new();
    let ahead = |r: &AuditRecord| r.date >= today && r.status_on(today) == Status::Booked;
    // Every record of each auditor, held or booked, in date order (validation sorts the record).
    let mut days: Vec<Vec<(NaiveDate, Loc, bool)>> = vec![Vec::new(); reg.auditors.len()];
    let mut out = Vec::new();
    for r in &reg.audits {
        // Booked, its day passed, not recorded as held: the planner still counts on it while its
        // round can hold it, so the record must say what happened.
        if r.date < today && r.status_on(today) == Status::Booked {
            out.push(Fact::BookingPassed { areas: &r.areas, date: r.date, at: r.loc });
        }
        let Some(&j) = r.auditor.as_deref().and_then(|id| auditors.get(&*folded(id))) else { continue };
        let auditor = &reg.auditors[j];
        // Each of its days (an audit of several days gives its `end`).
        let span = std::iter::successors(Some(r.date), |d| d.succ_opt()).take_while(|d| *d <= r.end.unwrap_or(r.date));
        days[j].extend(span.clone().map(|d| (d, r.loc, ahead(r))));
        if !ahead(r) {
            continue;
        }
        if let Some(day) = span.clone().find(|d| auditor.unavailable.iter().any(|u| u.from <= *d && *d <= u.to)) {
            out.push(Fact::BookingAuditorUnavailable { auditor: &auditor.id, date: day, at: r.loc });
        }
        let areas = areas.get_or_init(|| reg.scope.iter().enumerate().map(|(i, a)| (folded(&a.id), i)).collect());
        for area in r.areas.iter().filter_map(|id| areas.get(&*folded(id))).map(|&i| &reg.scope[i]) {
            if let (false, Some(site)) = (auditor.covers_site(area), &area.site) {
                out.push(Fact::BookingOutsideSites {
                    auditor: &auditor.id,
                    area: &area.id,
                    site,
                    date: r.date,
                    at: r.loc,
                });
            }
        }
    }
    for (j, list) in days.iter_mut().enumerate() {
        // (Records are in date order, but an audit of several days may overlap the next.)
        list.sort_by_key(|d| d.0);
        let auditor = &reg.auditors[j];
        for pair in list.windows(2).filter(|p| p[0].0 == p[1].0 && (p[0].2 || p[1].2)) {
            out.push(Fact::BookingSameDay { auditor: &auditor.id, date: pair[1].0, first: pair[0].1, at: pair[1].1 });
        }
        // Days, as the planner counts them: each of a record's days, each day once.
        let mut distinct: Vec<(NaiveDate, Loc, bool)> = list.clone();
        distinct.dedup_by_key(|d| d.0);
        if let Some(cap) = auditor.max_days_per_year {
            let mut years: BTreeMap<i32, Vec<(NaiveDate, Loc, bool)>> = BTreeMap::new();
            for d in &distinct {
                years.entry(d.0.year()).or_default().push(*d);
            }
            for (year, in_year) in years {
                out.extend(over_cap(&auditor.id, year.to_string(), &in_year, cap));
            }
        }
        if let Some(cap) = auditor.max_days_per_round {
            for round in &plan.rounds {
                let in_round: Vec<(NaiveDate, Loc, bool)> =
                    distinct.iter().copied().filter(|d| round.window_contains(d.0)).collect();
                out.extend(over_cap(&auditor.id, format!("round {}", round.label()), &in_round, cap));
            }
        }
    }
    out
}

/// The first booking ahead beyond `cap` days in `period`, if the days recorded there exceed it.
fn over_cap<'r>(auditor: &'r str, period: String, days: &[(NaiveDate, Loc, bool)], cap: u32) -> Option<Fact<'r>> {
    let beyond = days.iter().skip(cap as usize).find(|d| d.2)?;
    Some(Fact::BookingOverCap { auditor, period, days: days.len(), cap, date: beyond.0, at: beyond.1 })
}
