//! `ismsaudit check`: compares the register, its record and the plan with the rules, for the
//! certificate cycle that contains `today` (and round 0 before certification). Deviations the
//! certification body accepted are shown as accepted, not counted, until their end date.
//!
//! Each rule module returns [`Fact`]s, data only: `standard` (the standard's clauses and
//! controls in the scope), `programme` (the internal-audit programme: independence, rounds,
//! intervals, round 0), `certificate` (the certification body's audits and the
//! certificate), `record` (corrective actions, closed days, what the cycle before left open).
//! `words.rs` puts every fact in words, and `accepted` marks what accepted deviations cover.
//! [`check`] keeps the facts, in report order, and each finding is worded as it is read.

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
use crate::plan::{Plan, with_previous};
use crate::valid::Valid;
use accepted::Acceptances;
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
pub fn facts(valid: &Valid) -> Vec<Fact<'_>> {
    found(&with_previous(valid, 1)).into_iter().flatten().collect()
}

/// What the rules find, in the order they find it: a list per rule (per round, for the
/// rounds'), kept as each was made. A register of 100,000 areas may have as many facts of a
/// kind, twice: they are not copied into one list.
fn found<'r>(plan: &Plan<'r>) -> Vec<Vec<Fact<'r>>> {
    let (register, today) = (plan.register, plan.today);
    // Records before the rounds checked belong to cycles already judged.
    let since = plan.rounds.iter().map(|r| r.window_start).min().flatten();
    let mut parts =
        vec![standard::coverage(register, today), programme::independence(register, today, since, &plan.rounds)];
    parts.extend(programme::rounds(register, plan.certificate, today, &plan.rounds, &plan.cycles));
    parts.push(programme::first_audit(plan).into_iter().collect());
    parts.push(certificate::certificate(plan));
    parts.push(certificate::calendar_years(plan));
    parts.push(certificate::audit_time(plan));
    parts.push(programme::intervals(plan, since));
    parts.push(record::previous_cycle(plan));
    parts.push(record::record_start(plan).into_iter().collect());
    parts.push(programme::owner_audits_programme(plan).into_iter().collect());
    parts.push(standard::management_system_low_risk(register, today).into_iter().collect());
    parts.push(record::audits_without_auditor(register, since));
    parts.push(programme::stage1_too_close(plan).into_iter().collect());
    parts.push(programme::effort(plan));
    parts.push(sites::sites(plan));
    parts.push(record::corrective_actions(plan));
    parts.push(record::closed_days(plan, since));
    parts.push(bookings::bookings(plan));
    parts.retain(|part| !part.is_empty());
    parts
}

/// `check`'s findings in its order: errors first, then warnings, then accepted ones, each by
/// code and position. Each is worded when it is read: a register of 100,000 areas may have as
/// many findings, and only their facts are held, never all their words at once. The facts
/// borrow the register's ids (`'r`); nothing of the plan is kept.
#[derive(Debug)]
pub struct Findings<'r> {
    /// The facts the rules found, in the order found, a list per rule as each was made; what
    /// the acceptances say of themselves last.
    parts: Vec<Vec<Fact<'r>>>,
    /// Where each list starts in the order found.
    starts: Vec<usize>,
    /// In report order, which fact (its place in the order found).
    order: Vec<usize>,
    /// The facts an accepted deviation covers, by place, and which covers each.
    covered: Vec<(usize, usize)>,
}

/// How many findings of each kind count toward the verdict, and how many were accepted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub accepted: usize,
    pub notes: usize,
}

/// Where a finding goes in `check`'s order: accepted or not, severity, code, place in the
/// register.
type Place = (bool, Severity, Code, Option<Loc>);

impl<'r> Findings<'r> {
    /// The findings of the facts in `parts` (in the order found), with what `acceptances`
    /// cover and say of themselves.
    fn new(mut parts: Vec<Vec<Fact<'r>>>, mut acceptances: Acceptances<'r>) -> Self {
        // Each fact is worded here for what it names (where, and for acceptances what about),
        // and its words dropped: it is worded once more as it is written.
        let mut covered = Vec::new();
        let by_rules: usize = parts.iter().map(Vec::len).sum();
        // Room for every fact, the acceptances' own included, at once.
        let mut order: Vec<(Place, usize)> = Vec::with_capacity(by_rules + acceptances.len());
        for (n, fact) in parts.iter().flatten().enumerate() {
            let f = fact.finding();
            let accepted = acceptances.cover(f.code, f.area.as_deref(), f.control.as_deref());
            covered.extend(accepted.map(|a| (n, a)));
            order.push(((accepted.is_some(), f.severity(), f.code, f.loc), n));
        }
        parts.push(acceptances.finish());
        order.extend(parts[parts.len() - 1].iter().enumerate().map(|(n, fact)| {
            let f = fact.finding();
            ((false, f.severity(), f.code, f.loc), by_rules + n)
        }));
        // Ties in the order found (each fact's place breaks them: no two keys are equal, so
        // the sort needs no room of its own).
        order.sort_unstable();
        // (A list of its own length: the keys' room is given back.)
        let order = order.iter().map(|&(_, fact)| fact).collect();
        let starts = (parts.iter())
            .scan(0, |start, part| {
                let here = *start;
                *start += part.len();
                Some(here)
            })
            .collect();
        Findings { parts, starts, order, covered }
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    fn fact(&self, n: usize) -> &Fact<'r> {
        // `order` holds places below the facts' number only, and the first list starts at 0.
        let part = self.starts.partition_point(|&start| start <= n) - 1;
        &self.parts[part][n - self.starts[part]]
    }

    /// The accepted deviation that covers fact `fact`.
    fn accepted(&self, fact: usize) -> Option<usize> {
        let at = self.covered.binary_search_by_key(&fact, |&(f, _)| f).ok()?;
        Some(self.covered[at].1)
    }

    /// The finding of fact `fact`, in words.
    fn finding(&self, fact: usize) -> Finding {
        Finding { accepted: self.accepted(fact), ..self.fact(fact).finding() }
    }

    /// The `n`-th finding, in words.
    pub fn get(&self, n: usize) -> Option<Finding> {
        self.order.get(n).map(|&fact| self.finding(fact))
    }

    /// Every finding in order, each worded as it is read.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Finding> + '_ {
        self.order.iter().map(|&fact| self.finding(fact))
    }

    /// The counts, from the codes alone (nothing is worded).
    pub fn counts(&self) -> Counts {
        let mut counts = Counts::default();
        for &fact in &self.order {
            match (self.accepted(fact), self.fact(fact).code().severity()) {
                (Some(_), _) => counts.accepted += 1,
                (None, Severity::Error) => counts.errors += 1,
                (None, Severity::Warning) => counts.warnings += 1,
                (None, Severity::Note) => counts.notes += 1,
            }
        }
        counts
    }
}

/// Every finding for the register on the day it was validated for: errors first, then
/// warnings, then accepted ones, each by code and position; within a code and a position, in
/// the order found (catalogue, rounds), and an acceptance's own after the others. The findings
/// borrow `valid` (the register's ids): keep it while they are read.
pub fn check(valid: &Valid) -> Findings<'_> {
    // The plan goes before the findings are put in order: the facts borrow the register only.
    let found = found(&with_previous(valid, 1));
    Findings::new(found, Acceptances::new(valid.register(), valid.today()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::{Acceptance, Register};

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    /// In the order two stable sorts of every finding in words give (by severity, code and
    /// place; then accepted ones last, an acceptance's own after the others), with what the
    /// acceptances cover, whatever lists the facts come in (empty ones too).
    #[test]
    fn findings_are_in_check_order_across_lists() {
        let not_covered = |area: &'static str, line: u32| Fact::AreaNotCovered {
            area,
            cycle: 1,
            start: day("2025-01-01"),
            expiry: day("2027-12-31"),
            at: Loc::new(u64::from(line), 3),
        };
        let clause = |c: &'static str| Fact::ClauseNotCovered { clause: c };
        let parts = vec![
            vec![clause("4.2"), not_covered("b", 9)],
            vec![],
            vec![not_covered("a", 9), clause("4.1"), not_covered("c", 2)],
            vec![not_covered("d", 9)],
        ];
        let acceptance = |area: Option<&str>, until: &str, line: u64| Acceptance {
            code: Code::AreaNotCovered,
            area: area.map(str::to_string),
            control: None,
            reason: "r".to_string(),
            reference: format!("ref {line}"),
            until: day(until),
            loc: Loc::new(line, 3),
        };
        let today = day("2026-06-01");
        for accepted in [
            vec![],
            vec![acceptance(Some("A"), "2026-12-31", 40)],
            vec![acceptance(None, "2026-01-01", 41), acceptance(Some("d"), "2026-12-31", 42)],
            vec![acceptance(Some("zz"), "2026-12-31", 43), acceptance(Some("c"), "2026-12-31", 44)],
        ] {
            let reg = Register { accepted, ..Register::example(vec![], vec![]) };
            let findings = Findings::new(parts.clone(), Acceptances::new(&reg, today));
            let mut expected: Vec<Finding> = parts.iter().flatten().map(Fact::finding).collect();
            expected.sort_by_key(|f| (f.severity(), f.code, f.loc));
            let said = accepted::tests::accept(&reg, today, &mut expected);
            expected.extend(said.iter().map(Fact::finding));
            expected.sort_by_key(|f| (f.accepted.is_some(), f.severity(), f.code, f.loc));
            assert_eq!(findings.iter().collect::<Vec<_>>(), expected);
            assert_eq!(findings.len(), expected.len());
            assert_eq!(findings.get(findings.len() - 1).as_ref(), expected.last());
            assert_eq!(findings.get(findings.len()), None);
            let of = |s: Severity| expected.iter().filter(|f| f.counts() && f.severity() == s).count();
            let counts = Counts {
                errors: of(Severity::Error),
                warnings: of(Severity::Warning),
                accepted: expected.iter().filter(|f| !f.counts()).count(),
                notes: of(Severity::Note),
            };
            assert_eq!(findings.counts(), counts);
        }
    }
}
