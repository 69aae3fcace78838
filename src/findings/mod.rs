//! `ismsaudit check`: compares the register, its record and the plan with the rules, for the
//! certificate cycle that contains `today` (and round 0 before certification). Deviations the
//! certification body accepted are shown as accepted, not counted, until their end date.
//!
//! Each rule module returns [`Fact`]s, data only: `standard` (the standard's clauses and
//! controls in the scope), `programme` (the internal-audit programme: independence, rounds,
//! intervals, round 0), `certificate` (the certification body's audits and the
//! certificate), `record` (corrective actions, closed days, what the cycle before left open).
//! `words.rs` puts every fact in words, and `accepted` marks what accepted deviations cover.

mod accepted;
mod bookings;
mod certificate;
pub mod facts;
mod programme;
mod record;
mod sites;
mod standard;
mod words;

use std::borrow::Cow;

use chrono::NaiveDate;

pub use crate::codes::{Code, Severity};
use crate::diagnostic::Loc;
use crate::plan::{Plan, plan};
use crate::valid::Valid;
pub use facts::Fact;

/// `certificate-expiring` warns this many days ahead.
pub(crate) const EXPIRY_WARNING_DAYS: i64 = 90;

/// One thing `check` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub code: Code,
    pub message: String,
    /// What to do: the code's advice (not copied for each finding), or something more precise
    /// for this finding.
    pub help: Cow<'static, str>,
    pub area: Option<String>,
    pub control: Option<String>,
    pub date: Option<NaiveDate>,
    /// Where in the register, where one place is concerned.
    pub loc: Option<Loc>,
    /// The accepted deviation that covers it (an index into the register's `accepted`).
    pub accepted: Option<usize>,
}

impl Finding {
    pub fn severity(&self) -> Severity {
        self.code.severity()
    }

    /// Whether it counts toward `check`'s verdict: not covered by an accepted deviation.
    pub fn counts(&self) -> bool {
        self.accepted.is_none()
    }
}

/// What the rules find for the register on the day it was validated for, in the order they
/// find it.
pub fn facts(valid: &Valid) -> Vec<Fact> {
    facts_of(&plan(valid, 1))
}

fn facts_of(plan: &Plan<'_>) -> Vec<Fact> {
    let (register, today) = (plan.register, plan.today);
    // Records before the rounds checked belong to cycles already judged.
    let since = plan.rounds.iter().map(|r| r.window_start).min().flatten();
    let mut out = standard::coverage(register, today);
    out.extend(programme::independence(register, today, since, &plan.rounds));
    // The longest list (a round of 100,000 areas without auditors has as many facts), joined
    // without a second copy of it.
    append(&mut out, programme::rounds(register, plan.certificate, today, &plan.rounds, &plan.cycles));
    out.extend(programme::first_audit(plan));
    out.extend(certificate::certificate(plan));
    out.extend(certificate::calendar_years(plan));
    out.extend(certificate::audit_time(plan));
    out.extend(programme::intervals(plan, since));
    out.extend(record::previous_cycle(plan));
    out.extend(record::record_start(plan));
    out.extend(programme::owner_audits_programme(plan));
    out.extend(standard::management_system_low_risk(register, today));
    out.extend(record::audits_without_auditor(register, since));
    out.extend(programme::stage1_too_close(plan));
    out.extend(programme::effort(plan));
    out.extend(sites::sites(plan));
    out.extend(record::corrective_actions(plan));
    out.extend(record::closed_days(plan, since));
    out.extend(bookings::bookings(plan));
    // Grown by doubling: the room not used is given back.
    out.shrink_to_fit();
    out
}

/// Adds `more` after `out`, moving the shorter of the two: the longer list keeps its room.
fn append(out: &mut Vec<Fact>, mut more: Vec<Fact>) {
    if more.len() > out.len() {
        std::mem::swap(out, &mut more);
        out.splice(0..0, more);
    } else {
        out.append(&mut more);
    }
}

/// Every finding for the register on the day it was validated for: errors first, then
/// warnings, then accepted ones, each by code and position.
pub fn check(valid: &Valid) -> Vec<Finding> {
    let (register, today) = (valid.register(), valid.today());
    // A register of 100,000 areas may have as many findings: each fact is dropped once worded,
    // and the list of facts gives back its room as it empties, so the facts and their words are
    // not both held whole. (Worded from the last, then turned round: the order found stays.)
    let mut facts = facts(valid);
    let mut out: Vec<Finding> = Vec::with_capacity(facts.len());
    while let Some(fact) = facts.pop() {
        out.push(fact.finding());
        if facts.len() < facts.capacity() / 2 {
            facts.shrink_to_fit();
        }
    }
    out.reverse();
    // Stable: within a code and a place, findings stay in the order found (catalogue, rounds).
    out.sort_by_key(|f| (f.severity(), f.code, f.loc));
    let acceptances = accepted::accept(register, today, &mut out);
    out.extend(acceptances.iter().map(Fact::finding));
    out.sort_by_key(|f| (f.accepted.is_some(), f.severity(), f.code, f.loc));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Joined in order whichever list is longer (the longer keeps its room, the shorter moves).
    #[test]
    fn append_keeps_the_order_found() {
        let clause = |c: &'static str| Fact::ClauseNotCovered { clause: c };
        for (before, after) in
            [(vec!["4.1"], vec!["4.2", "4.3"]), (vec!["4.1", "4.2"], vec!["4.3"]), (vec![], vec!["4.1"])]
        {
            let mut out: Vec<Fact> = before.iter().map(|c| clause(c)).collect();
            append(&mut out, after.iter().map(|c| clause(c)).collect());
            let all: Vec<Fact> = before.iter().chain(&after).map(|c| clause(c)).collect();
            assert_eq!(out, all);
        }
    }
}
