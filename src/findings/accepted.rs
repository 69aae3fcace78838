//! Deviations the certification body accepted (a late surveillance, an area not covered):
//! the findings they cover are shown as accepted, not counted, until their end date; one that
//! ended, or matches nothing, is a finding of its own.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;

use super::{Code, Fact};
use crate::register::{Acceptance, Register};

/// The acceptances of a register, asked finding by finding which covers it. An acceptance
/// covers the findings with its code, and where it names an area (compared without case) or a
/// control, only those; each finding is covered by the first acceptance in force that matches
/// it. Acceptances are indexed once by what they match on, so a finding goes straight to those
/// that may cover it, and no finding is kept: a check of 100,000 findings is matched as it is
/// worded.
pub(super) struct Acceptances<'r> {
    accepted: &'r [Acceptance],
    today: NaiveDate,
    /// The shapes of key asked for, by code: whether with an area, whether with a control.
    shapes: HashMap<Code, BTreeSet<(bool, bool)>>,
    lists: HashMap<CoverKey, List>,
    /// Per acceptance: it covers a finding (one in force), or a finding it matches is covered
    /// by no acceptance before it in force (one that ended: what it covered counts again).
    matched: Vec<bool>,
    /// Positions read in the lists so far: the work, which stays in proportion to the findings
    /// and acceptances however they combine.
    reads: usize,
}

/// What an acceptance matches on: a code, and an area (case-folded) and a control where it
/// names them.
type CoverKey = (Code, Option<String>, Option<String>);

/// The acceptances with one key, in the register's order.
struct List {
    acceptances: Vec<usize>,
    /// The first in force among them (a finding under the key goes no further).
    in_force: Option<usize>,
    /// How many at the front are marked matched already (all ended: those before the first in
    /// force).
    marked: usize,
}

impl<'r> Acceptances<'r> {
    pub(super) fn new(reg: &'r Register, today: NaiveDate) -> Self {
        let mut shapes: HashMap<Code, BTreeSet<(bool, bool)>> = HashMap::new();
        let mut lists: HashMap<CoverKey, List> = HashMap::new();
        for (i, a) in reg.accepted.iter().enumerate() {
            shapes.entry(a.code).or_default().insert((a.area.is_some(), a.control.is_some()));
            let key = (a.code, a.area.as_deref().map(str::to_lowercase), a.control.clone());
            let list = lists.entry(key).or_insert(List { acceptances: Vec::new(), in_force: None, marked: 0 });
            list.acceptances.push(i);
            if a.until >= today && list.in_force.is_none() {
                list.in_force = Some(i);
            }
        }
        Acceptances {
            accepted: &reg.accepted,
            today,
            shapes,
            lists,
            matched: vec![false; reg.accepted.len()],
            reads: 0,
        }
    }

    /// How many acceptances there are: at most as many facts as [`Acceptances::finish`] gives.
    pub(super) fn len(&self) -> usize {
        self.accepted.len()
    }

    /// The acceptance in force that covers a finding with `code` about `area` and `control`,
    /// if any; the acceptances that ended before it in the register, and match it, are noted
    /// as matched.
    pub(super) fn cover(&mut self, code: Code, area: Option<&str>, control: Option<&str>) -> Option<usize> {
        let asked = self.shapes.get(&code)?;
        let area = area.map(str::to_lowercase);
        let keys: Vec<CoverKey> = (asked.iter())
            .filter(|&&(by_area, by_control)| (!by_area || area.is_some()) && (!by_control || control.is_some()))
            .map(|&(by_area, by_control)| {
                (code, area.clone().filter(|_| by_area), control.map(str::to_string).filter(|_| by_control))
            })
            .collect();
        // The first in force among every list the finding is under.
        let cover = keys.iter().filter_map(|k| self.lists.get(k)?.in_force).min();
        for k in &keys {
            let Some(list) = self.lists.get_mut(k) else { continue };
            // Those before `cover` ended (each list's first in force is `cover` or after):
            // each is marked once, however many findings it matches.
            while let Some(&i) = list.acceptances.get(list.marked).filter(|&&i| cover.is_none_or(|c| i < c)) {
                self.matched[i] = true;
                list.marked += 1;
                self.reads += 1;
            }
            self.reads += 1;
        }
        if let Some(c) = cover {
            self.matched[c] = true;
        }
        cover
    }

    /// What the acceptances say of themselves, in the register's order: those that ended, and
    /// those in force that covered nothing.
    pub(super) fn finish(self) -> Vec<Fact<'r>> {
        let mut out = Vec::new();
        for (a, matched) in self.accepted.iter().zip(self.matched) {
            if a.until < self.today {
                out.push(Fact::AcceptanceExpired {
                    code: a.code,
                    reference: &a.reference,
                    until: a.until,
                    covered: matched,
                    at: a.loc,
                });
            } else if !matched {
                out.push(Fact::AcceptanceUnused {
                    code: a.code,
                    area: a.area.as_deref(),
                    control: a.control.as_deref(),
                    reference: &a.reference,
                    at: a.loc,
                });
            }
        }
        out
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::diagnostic::Loc;
    use crate::findings::Finding;
    use crate::register::same_id;

    /// Marks the findings an accepted deviation covers, in order; what the acceptances say of
    /// themselves, and the positions read.
    fn accept_counting<'r>(reg: &'r Register, today: NaiveDate, out: &mut [Finding]) -> (Vec<Fact<'r>>, usize) {
        let mut acceptances = Acceptances::new(reg, today);
        for f in out.iter_mut() {
            f.accepted = acceptances.cover(f.code, f.area.as_deref(), f.control.as_deref());
        }
        let reads = acceptances.reads;
        (acceptances.finish(), reads)
    }

    pub(in crate::findings) fn accept<'r>(reg: &'r Register, today: NaiveDate, out: &mut [Finding]) -> Vec<Fact<'r>> {
        accept_counting(reg, today, out).0
    }

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn register(accepted: Vec<Acceptance>) -> Register {
        Register { accepted, ..Register::example(vec![], vec![]) }
    }

    fn finding(code: Code, message: String, area: Option<&str>, control: Option<&str>) -> Finding {
        Finding {
            code,
            message,
            help: Default::default(),
            area: area.map(str::to_string),
            control: control.map(str::to_string),
            date: None,
            loc: None,
            accepted: None,
        }
    }

    fn acceptance(code: Code, area: Option<&str>, control: Option<&str>, until: &str, n: usize) -> Acceptance {
        Acceptance {
            code,
            area: area.map(str::to_string),
            control: control.map(str::to_string),
            reason: "r".to_string(),
            reference: format!("ref-{n}"),
            until: day(until),
            loc: Loc::new(n as u64 + 1, 3),
        }
    }

    /// The rule written plainly, one pass over the findings per acceptance: an acceptance
    /// covers the findings with its code, its area (without case) and its control where it
    /// names them, not covered by an earlier one; what it says of each acceptance.
    fn accept_by_scanning(reg: &Register, today: NaiveDate, out: &mut [Finding]) -> Vec<String> {
        let mut said = Vec::new();
        for (i, a) in reg.accepted.iter().enumerate() {
            let covers = |f: &Finding| {
                f.accepted.is_none()
                    && f.code == a.code
                    && a.area.as_deref().is_none_or(|x| f.area.as_deref().is_some_and(|y| same_id(x, y)))
                    && a.control.as_deref().is_none_or(|x| f.control.as_deref() == Some(x))
            };
            if a.until < today {
                let again = if out.iter().any(covers) { ": what it covered counts again" } else { "" };
                said.push(format!("expired {i}{again}"));
                continue;
            }
            let mut used = false;
            for f in out.iter_mut() {
                if covers(f) {
                    f.accepted = Some(i);
                    used = true;
                }
            }
            if !used {
                said.push(format!("unused {i}"));
            }
        }
        said
    }

    /// What `accept` said, in the same words.
    fn said(reg: &Register, facts: &[Fact]) -> Vec<String> {
        facts
            .iter()
            .map(|f| match f {
                Fact::AcceptanceExpired { at, covered, .. } => {
                    let i = reg.accepted.iter().position(|a| a.loc == *at).unwrap();
                    format!("expired {i}{}", if *covered { ": what it covered counts again" } else { "" })
                }
                Fact::AcceptanceUnused { at, .. } => {
                    format!("unused {}", reg.accepted.iter().position(|a| a.loc == *at).unwrap())
                }
                other => panic!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn acceptances_cover_what_the_rule_written_plainly_covers() {
        let codes = [Code::OverdueAudit, Code::ControlNotCovered, Code::AuditLate];
        let areas = [None, Some("core"), Some("CORE"), Some("ops"), Some("Straße")];
        let controls = [None, Some("A.5.1"), Some("A.5.2")];
        let untils = ["2026-01-01", "2027-01-01"];
        // A small generator: every case differs in what is found and what is accepted.
        let mut seed = 7u64;
        let mut pick = |n: usize| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n
        };
        let today = day("2026-11-28");
        for case in 0..300 {
            let mut findings: Vec<Finding> = (0..pick(12))
                .map(|n| {
                    let (code, area, control) =
                        (codes[pick(codes.len())], areas[pick(areas.len())], controls[pick(controls.len())]);
                    finding(code, format!("finding {n}"), area, control)
                })
                .collect();
            let accepted: Vec<Acceptance> = (0..pick(8))
                .map(|n| {
                    let area = areas[pick(areas.len())].map(|a| if pick(2) == 0 { a.to_uppercase() } else { a.into() });
                    let control = controls[pick(controls.len())];
                    acceptance(codes[pick(codes.len())], area.as_deref(), control, untils[pick(untils.len())], n)
                })
                .collect();
            let reg = register(accepted);
            let mut expected = findings.clone();
            let reference = accept_by_scanning(&reg, today, &mut expected);
            let facts = accept(&reg, today, &mut findings);
            assert_eq!(findings, expected, "case {case}: what is covered, and by which acceptance");
            assert_eq!(said(&reg, &facts), reference, "case {case}: expired and unused acceptances");
        }
    }

    /// `n` `overdue-audit` findings for `isms`, then one for each of `n` areas; `n`
    /// acceptances for `isms` (the first covers its findings, the others match nothing), an
    /// expired one for each area (its area's finding counts again), and `n` expired ones for
    /// the code alone, whose findings start with the `n` covered ones. What it finds; how many
    /// acceptances it says are unused, expired but covering, and in all; and how many places in
    /// the index it read.
    fn many(n: usize) -> (Vec<Finding>, [usize; 3], usize) {
        let mut findings: Vec<Finding> =
            (0..n).map(|i| finding(Code::OverdueAudit, format!("isms {i}"), Some("isms"), None)).collect();
        findings.extend((0..n).map(|i| finding(Code::OverdueAudit, format!("area {i}"), Some(&format!("a{i}")), None)));
        let mut accepted: Vec<Acceptance> =
            (0..n).map(|k| acceptance(Code::OverdueAudit, Some("ISMS"), None, "2027-01-01", k)).collect();
        accepted
            .extend((0..n).map(|k| acceptance(Code::OverdueAudit, Some(&format!("A{k}")), None, "2026-01-01", n + k)));
        accepted.extend((0..n).map(|k| acceptance(Code::OverdueAudit, None, None, "2026-01-01", 2 * n + k)));
        let reg = register(accepted);
        let (facts, reads) = accept_counting(&reg, day("2026-11-28"), &mut findings);
        let unused = facts.iter().filter(|f| matches!(f, Fact::AcceptanceUnused { .. })).count();
        let again = facts.iter().filter(|f| matches!(f, Fact::AcceptanceExpired { covered: true, .. })).count();
        (findings, [unused, again, facts.len()], reads)
    }

    /// Each finding reads a bounded number of places in the index of acceptances, however many
    /// acceptances look for it: the index is read about as often as there are findings and
    /// acceptances (a walk over every acceptance that matches, for each finding, reads `n`
    /// times as often), and twice the input reads twice as many.
    #[test]
    fn many_acceptances_of_many_findings() {
        let n = 2_000;
        let (findings, said, reads) = many(n);
        assert!(findings[..n].iter().all(|f| f.accepted == Some(0)));
        assert!(findings[n..].iter().all(|f| f.accepted.is_none()));
        assert_eq!(said, [n - 1, 2 * n, 3 * n - 1]);
        assert!(reads <= 4 * (2 * n + 3 * n), "{reads} reads for {} findings and {} acceptances", 2 * n, 3 * n);
        let (.., twice) = many(2 * n);
        assert!(twice <= 2 * reads + 8, "{reads} reads, then {twice} for twice as much");
    }
}
