//! Deviations the certification body accepted (a late surveillance, an area not covered):
//! the findings they cover are shown as accepted, not counted, until their end date; one that
//! ended, or matches nothing, is a finding of its own.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;

use super::{Code, Fact, Finding};
use crate::register::{Acceptance, Register};

/// Marks the findings an accepted deviation covers; reports acceptances that ended or match
/// nothing. An acceptance covers the findings with its code, and where it names an area
/// (compared without case) or a control, only those; each finding is covered by the first
/// acceptance in force that matches it. Findings are indexed once by what acceptances match on,
/// so each acceptance goes straight to what it covers.
pub(super) fn accept(reg: &Register, today: NaiveDate, out: &mut [Finding]) -> Vec<Fact> {
    accept_counting(reg, today, out).0
}

/// [`accept`], and how many times a finding's position was read from the index: the work,
/// which stays in proportion to the findings and acceptances however they combine.
fn accept_counting(reg: &Register, today: NaiveDate, out: &mut [Finding]) -> (Vec<Fact>, usize) {
    let mut index = Coverable::new(out, &reg.accepted);
    let mut extra = Vec::new();
    for (i, a) in reg.accepted.iter().enumerate() {
        let key = (a.code, a.area.as_deref().map(str::to_lowercase), a.control.clone());
        if a.until < today {
            let covered = index.any_open(&key, out);
            extra.push(Fact::AcceptanceExpired {
                code: a.code,
                reference: a.reference.clone(),
                until: a.until,
                covered,
                at: a.loc,
            });
            continue;
        }
        if !index.cover(&key, i, out) {
            extra.push(Fact::AcceptanceUnused {
                code: a.code,
                area: a.area.clone(),
                control: a.control.clone(),
                reference: a.reference.clone(),
                at: a.loc,
            });
        }
    }
    (extra, index.reads)
}

/// What an acceptance matches on: a code, and an area (case-folded) and a control where it
/// names them.
type CoverKey = (Code, Option<String>, Option<String>);

/// The findings an acceptance can cover, by every key an acceptance gives that matches them: a
/// finding with an area and a control is under its code alone, with its area, with its control,
/// and with both, as far as some acceptance looks for it so. Each list holds positions in the
/// findings, in order; a covered finding is dropped from a list the first time the list is read
/// after, so every position is read a bounded number of times, however many acceptances there
/// are.
struct Coverable {
    lists: HashMap<CoverKey, Open>,
    /// Positions read so far.
    reads: usize,
}

/// Positions of findings, those before `first` known to be covered already.
#[derive(Default)]
struct Open {
    positions: Vec<usize>,
    first: usize,
}

impl Coverable {
    fn new(findings: &[Finding], acceptances: &[Acceptance]) -> Self {
        // The shapes of key asked for, by code: whether with an area, whether with a control.
        let mut shapes: HashMap<Code, BTreeSet<(bool, bool)>> = HashMap::new();
        for a in acceptances {
            shapes.entry(a.code).or_default().insert((a.area.is_some(), a.control.is_some()));
        }
        let mut lists: HashMap<CoverKey, Open> = HashMap::new();
        for (n, f) in findings.iter().enumerate() {
            let Some(asked) = shapes.get(&f.code) else { continue };
            let area = f.area.as_deref().map(str::to_lowercase);
            for &(by_area, by_control) in asked {
                if (by_area && area.is_none()) || (by_control && f.control.is_none()) {
                    continue;
                }
                let key = (f.code, area.clone().filter(|_| by_area), f.control.clone().filter(|_| by_control));
                lists.entry(key).or_default().positions.push(n);
            }
        }
        Coverable { lists, reads: 0 }
    }

    /// Whether a finding under `key` is not covered yet.
    fn any_open(&mut self, key: &CoverKey, findings: &[Finding]) -> bool {
        let Some(list) = self.lists.get_mut(key) else { return false };
        self.reads += 1;
        while list.positions.get(list.first).is_some_and(|&n| findings[n].accepted.is_some()) {
            list.first += 1;
            self.reads += 1;
        }
        list.first < list.positions.len()
    }

    /// Marks every finding under `key` not covered yet as covered by acceptance `i`; whether
    /// there was one.
    fn cover(&mut self, key: &CoverKey, i: usize, findings: &mut [Finding]) -> bool {
        let Some(list) = self.lists.get_mut(key) else { return false };
        let mut used = false;
        self.reads += list.positions.len() - list.first;
        for &n in &list.positions[list.first..] {
            if findings[n].accepted.is_none() {
                findings[n].accepted = Some(i);
                used = true;
            }
        }
        list.first = list.positions.len();
        used
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Loc;
    use crate::register::same_id;

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
    /// the code alone, whose findings start with the `n` covered ones. What it finds, and how
    /// many positions it read.
    fn many(n: usize) -> (Vec<Finding>, Vec<Fact>, usize) {
        let mut findings: Vec<Finding> =
            (0..n).map(|i| finding(Code::OverdueAudit, format!("isms {i}"), Some("isms"), None)).collect();
        findings.extend((0..n).map(|i| finding(Code::OverdueAudit, format!("area {i}"), Some(&format!("a{i}")), None)));
        let mut accepted: Vec<Acceptance> =
            (0..n).map(|k| acceptance(Code::OverdueAudit, Some("ISMS"), None, "2027-01-01", k)).collect();
        accepted
            .extend((0..n).map(|k| acceptance(Code::OverdueAudit, Some(&format!("A{k}")), None, "2026-01-01", n + k)));
        accepted.extend((0..n).map(|k| acceptance(Code::OverdueAudit, None, None, "2026-01-01", 2 * n + k)));
        let (facts, reads) = accept_counting(&register(accepted), day("2026-11-28"), &mut findings);
        (findings, facts, reads)
    }

    /// Every finding's position is read a bounded number of times however many acceptances
    /// look for it: the index is read about as often as there are findings and acceptances (a
    /// scan of the findings per acceptance reads `n` times as often), and twice the input
    /// reads twice as many.
    #[test]
    fn many_acceptances_of_many_findings() {
        let n = 2_000;
        let (findings, facts, reads) = many(n);
        assert!(findings[..n].iter().all(|f| f.accepted == Some(0)));
        assert!(findings[n..].iter().all(|f| f.accepted.is_none()));
        let unused = facts.iter().filter(|f| matches!(f, Fact::AcceptanceUnused { .. })).count();
        let again = facts.iter().filter(|f| matches!(f, Fact::AcceptanceExpired { covered: true, .. })).count();
        assert_eq!((unused, again, facts.len()), (n - 1, 2 * n, 3 * n - 1));
        assert!(reads <= 4 * (2 * n + 3 * n), "{reads} reads for {} findings and {} acceptances", 2 * n, 3 * n);
        let (.., twice) = many(2 * n);
        assert!(twice <= 2 * reads + 8, "{reads} reads, then {twice} for twice as much");
    }
}
