//! The risk rule: which rounds an area must be audited in, judged on what its earlier rounds
//! had (ISO 19011:2018 5.2 and 5.3: a risk-based audit programme; ISO/IEC 27001:2022 9.2.2:
//! "the importance of the processes concerned and the results of previous audits").
//!
//! | risk | required | where the rule leaves a choice |
//! |---|---|---|
//! | high | every round | - |
//! | medium | never two rounds in a row without an audit, and in at least two of a cycle's three | the two rounds its pattern gives it |
//! | low | once a cycle (the last round, if none before it had one) | the round its pattern gives it, or the first one when the cycle before left it unaudited |
//!
//! Every area is required in round 0 (before Stage 1), and in the round in which it joins the
//! scope (an extension). An audit that found a major nonconformity brings the area into the
//! next round; a minor one into the next but one at the latest (10.2: the effectiveness of
//! corrective action). Everything here is a pure function of the area's past rounds: dates,
//! records and auditors are the caller's.

use super::index::id_ranks;
use super::round::{FollowUp, ROUNDS_PER_CYCLE};
use crate::register::{Area, Nonconformities, Risk};

/// Which of a cycle's three rounds take each area's audits where the rule leaves a choice
/// (indexed like `scope`), chosen once from the register so it is the same in every cycle. High
/// areas take every round; each medium area skips the currently busiest round, each low area
/// takes the currently quietest one, which keeps the rounds' sizes within one of each other.
/// Areas are taken in id order, so the order of the register changes nothing.
pub fn risk_pattern(scope: &[Area]) -> Vec<[bool; ROUNDS_PER_CYCLE]> {
    pattern_by_rank(scope, &id_ranks(scope))
}

/// [`risk_pattern`], with each area's place in id order (`id_ranks`) already known.
pub(super) fn pattern_by_rank(scope: &[Area], rank: &[u32]) -> Vec<[bool; ROUNDS_PER_CYCLE]> {
    let mut load = [0usize; ROUNDS_PER_CYCLE];
    let mut pattern = vec![[false; ROUNDS_PER_CYCLE]; scope.len()];
    // Each area's risk read once, in order: read at each comparison, it is read at random, and
    // at 50,000 areas most such reads miss the processor's caches (docs/performance.md, the
    // fifteenth pass). (Ranks are distinct: the place only carries the area.)
    let mut order: Vec<(Risk, u32, usize)> =
        (scope.iter().zip(rank).enumerate()).map(|(i, (a, &r))| (a.risk, r, i)).collect();
    order.sort_unstable();
    for (risk, _, i) in order {
        let rounds = match risk {
            Risk::High => [true; ROUNDS_PER_CYCLE],
            Risk::Medium => {
                // Busiest round, the later one on a tie (`max_by_key` keeps the last maximum).
                let skip = (0..ROUNDS_PER_CYCLE).max_by_key(|&k| load[k]).unwrap_or(0);
                std::array::from_fn(|k| k != skip)
            }
            Risk::Low => {
                // Quietest round, the earlier one on a tie.
                let take = (0..ROUNDS_PER_CYCLE).min_by_key(|&k| load[k]).unwrap_or(0);
                std::array::from_fn(|k| k == take)
            }
        };
        for k in 0..ROUNDS_PER_CYCLE {
            load[k] += usize::from(rounds[k]);
        }
        pattern[i] = rounds;
    }
    pattern
}

/// What one area's earlier rounds leave for the rule to judge the next one by.
#[derive(Debug, Clone, Copy)]
pub(super) struct AreaState {
    // Kept small (18 bytes): the planner holds one for each area of the scope. The counts are of
    // rounds in one cycle (three, and at most four interim rounds before each external audit),
    // so a byte holds them; the cycles fit 16 bits (see `cycle_u16`).
    /// Whether the round before had the area's audit (held, booked, or planned); `None` where
    /// the area was out of the scope then, or there was no round before.
    previous_has: Option<bool>,
    /// The rounds of the current cycle so far that had it.
    count: u8,
    /// The current cycle (`u16::MAX` before the first round) ...
    cycle: u16,
    /// ... and how many of its rounds have the area in the scope.
    in_cycle: u8,
    /// The cycle (or round 0) before left the area without an audit it needed, so the first
    /// round ahead takes it.
    owed: bool,
    /// A nonconformity found by the last audit held, and the rounds left before the area must
    /// be audited again: a major one in the next round, a minor one in the next but one at the
    /// latest.
    pending: Option<(FollowUp, u8)>,
    /// The round judged last, and whether it is an interim round ...
    at: Slot,
    interim: bool,
    /// The places (slots) of the current cycle judged so far, as bits.
    seen: u8,
    /// ... and the last one that had the area. An interim round shares its slot with the round
    /// after it: the two count as one for the pattern and for "never two in a row without".
    had_at: Slot,
}

/// A round's place as the rule counts it: its cycle, and its slot in the cycle (0 to 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Slot {
    cycle: u16,
    slot: u8,
}

impl Slot {
    /// No round yet: no round's place equals it (a slot is 0 to 2).
    const NONE: Slot = Slot { cycle: u16::MAX, slot: u8::MAX };

    fn of(at: &RoundAt) -> Slot {
        Slot { cycle: cycle_u16(at.cycle), slot: saturating_u8(at.slot) }
    }
}

impl Default for AreaState {
    fn default() -> Self {
        AreaState {
            previous_has: None,
            count: 0,
            cycle: u16::MAX,
            in_cycle: 0,
            owed: false,
            pending: None,
            at: Slot::NONE,
            interim: false,
            seen: 0,
            had_at: Slot::NONE,
        }
    }
}

/// A round as the rule sees it, for one area in its scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct RoundAt {
    /// 0 for round 0, else the certificate cycle.
    pub cycle: u32,
    /// The round's place in its cycle, 0 to 2 (0 for round 0).
    pub slot: usize,
    /// How many rounds after it in its cycle have the area in the scope.
    pub remaining: usize,
    /// The area joins the scope in this round's window.
    pub joining: bool,
    /// An interim round (see [`crate::programme::Round::interim`]): one without the area is as
    /// if it were not there.
    pub interim: bool,
}

/// What the rule says of one area in one round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Verdict {
    /// Required by the risk rule, a follow-up due now, or round 0: without it, the area is
    /// overdue once the external audit has passed.
    pub by_risk: bool,
    /// Required: `by_risk`, or the area joins the scope.
    pub required: bool,
    /// Where the rule leaves a choice, the programme takes this round (the area's pattern).
    pub preferred: bool,
    /// Planned later than the pattern intended: the round it had is over without it.
    pub catch_up: bool,
    /// Nonconformities of the last audit that this round follows up.
    pub follow_up: Option<FollowUp>,
}

impl AreaState {
    /// The area is out of the scope in a round: the next one has no round before it to judge by.
    pub(crate) fn out_of_scope(&mut self) {
        self.previous_has = None;
    }

    /// The rule for an area of `risk` whose `pattern` (see [`risk_pattern`]) spreads its audits,
    /// in round `at`, the next round with the area in the scope.
    pub(crate) fn judge(&mut self, risk: Risk, pattern: [bool; ROUNDS_PER_CYCLE], at: RoundAt) -> Verdict {
        let cycle = cycle_u16(at.cycle);
        if cycle != self.cycle {
            // A cycle (or round 0) that ends with the area unaudited leaves it owed.
            self.owed =
                (self.cycle != u16::MAX && self.count == 0) || (self.cycle == 0 && self.previous_has == Some(false));
            (self.cycle, self.count, self.in_cycle, self.seen) = (cycle, 0, saturating_u8(at.remaining + 1), 0);
        }
        // The pattern's places in this cycle before this round that had no round (an early
        // recertification ends a cycle before its second surveillance): a round after them is
        // not later than the pattern intended.
        let unseen = |s: usize| pattern[s] && self.seen & (1 << s) == 0;
        let skipped = (0..at.slot.min(ROUNDS_PER_CYCLE)).any(unseen);
        self.seen |= 1 << at.slot.min(7);
        let round_zero = at.cycle == 0;
        let pattern_round = pattern.iter().position(|p| *p).unwrap_or(0);
        let follow_up_now = self.pending.is_some_and(|(_, left)| left == 0);
        let risk_requires = match risk {
            Risk::High => true,
            Risk::Medium => {
                self.previous_has == Some(false)
                    || self.count.saturating_add(saturating_u8(at.remaining)) < self.in_cycle.min(2)
            }
            Risk::Low => self.count == 0 && at.remaining == 0,
        };
        let by_risk = round_zero || follow_up_now || risk_requires;
        let slot_had = self.had_at == Slot::of(&at);
        (self.at, self.interim) = (Slot::of(&at), at.interim);
        let preferred = round_zero
            || match risk {
                Risk::High => true,
                Risk::Medium => pattern[at.slot] && self.count < 2 && !slot_had,
                Risk::Low => self.count == 0 && (at.slot >= pattern_round || self.owed),
            };
        // A round taken only to follow up findings is a follow-up, not a catch-up.
        let catch_up = !round_zero
            && !at.joining
            && (!follow_up_now || risk_requires)
            && match risk {
                Risk::High => false,
                Risk::Medium => !pattern[at.slot] && !skipped,
                Risk::Low => (at.slot > pattern_round && !skipped) || (self.owed && at.slot < pattern_round),
            };
        Verdict {
            by_risk,
            required: by_risk || at.joining,
            preferred,
            catch_up,
            follow_up: self.pending.map(|(kind, _)| kind),
        }
    }

    /// What the round judged last had: an audit (held, booked, or planned), and, where one was
    /// held, what the last one held found.
    pub fn after(&mut self, has: bool, found: Option<Nonconformities>) {
        if self.interim && !has {
            return;
        }
        self.pending = match found {
            Some(n) if n.major > 0 => Some((FollowUp::Major, 0)),
            Some(n) if n.minor > 0 => Some((FollowUp::Minor, 1)),
            Some(_) => None,
            // An audit ahead follows the nonconformity up; its results are not known yet.
            None if has => None,
            None => self.pending.map(|(kind, left)| (kind, left.saturating_sub(1))),
        };
        let slot_had = self.had_at != Slot::NONE && self.had_at == self.at;
        if has {
            self.had_at = self.at;
        }
        self.count = self.count.saturating_add(u8::from(has));
        self.previous_has = Some(has || slot_had);
    }
}

/// A count or place of rounds in a byte (a cycle has at most fifteen rounds): an area's state is
/// kept for every area in the scope.
fn saturating_u8(n: usize) -> u8 {
    u8::try_from(n).unwrap_or(u8::MAX)
}

/// A cycle's number in 16 bits: a certificate's cycles are its three-year cycles from 1970 to
/// 2200 (under a hundred), one more for each early recertification and each restart the register
/// records (each list holds at most 1,000 dates), so some 2,200 at most. (`u16::MAX` stands for
/// no round yet, and is never a cycle's.)
fn cycle_u16(cycle: u32) -> u16 {
    u16::try_from(cycle).unwrap_or(u16::MAX).min(u16::MAX - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The planner holds a state for each area of the scope: 100,000 of them (a hostile
    /// register) take 1.8 MB, not 2.8 (docs/performance.md, the twelfth pass).
    #[test]
    fn an_areas_state_takes_18_bytes() {
        assert_eq!(std::mem::size_of::<AreaState>(), 18);
    }

    /// What an area's record (or the plan) has in each round of a row: `A` an audit that found
    /// nothing, `M` one that found a major nonconformity, `m` a minor one, `-` none, and `?`
    /// whatever the rule asks for (a round still ahead, planned as the rule says).
    fn had(c: char) -> (Option<bool>, Option<Nonconformities>) {
        let found = |major, minor| Some(Nonconformities { major, minor });
        match c {
            'A' => (Some(true), found(0, 0)),
            'M' => (Some(true), found(1, 0)),
            'm' => (Some(true), found(0, 1)),
            '-' => (Some(false), None),
            _ => (None, None),
        }
    }

    /// The rule over cycles of three rounds (`|` between cycles; a leading `0` is round 0), each
    /// round written as `R` (required by the rule), `C` (required, and later than the pattern
    /// intended: a catch-up), `p` (not required, but the pattern's round for it), `c` (the same,
    /// a catch-up) or `.`.
    fn judged(risk: Risk, pattern: [bool; 3], rounds: &str) -> String {
        let mut st = AreaState::default();
        let mut out = String::new();
        for (n, cycle) in rounds.split('|').enumerate() {
            if n > 0 {
                out.push('|');
            }
            let cycle_number = if cycle == "0" { 0 } else { n as u32 + 1 };
            let marks: Vec<char> = cycle.chars().collect();
            for (slot, &c) in marks.iter().enumerate() {
                let at = RoundAt {
                    cycle: cycle_number,
                    slot,
                    remaining: marks.len() - slot - 1,
                    joining: false,
                    interim: false,
                };
                let v = st.judge(risk, pattern, at);
                out.push(match (v.by_risk, v.preferred, v.catch_up) {
                    (true, _, true) => 'C',
                    (true, _, false) => 'R',
                    (false, true, false) => 'p',
                    (false, true, true) => 'c',
                    (false, false, _) => '.',
                });
                let (has, found) = had(c);
                st.after(has.unwrap_or(v.required || v.preferred), found);
            }
        }
        out
    }

    /// An interim round (before round 1 here) shares its place in the cycle with the round after
    /// it: an area it has is not wanted again there, and counts for "never two in a row
    /// without"; one it does not have is judged in the round after as if there were no interim.
    #[test]
    fn an_interim_round_shares_its_place_with_the_round_after_it() {
        let medium = [true, false, true];
        let at = |slot, remaining, interim| RoundAt { cycle: 1, slot, remaining, joining: false, interim };
        let mut st = AreaState::default();
        let v = st.judge(Risk::Medium, medium, at(0, 3, true));
        assert!(v.preferred && !v.required);
        st.after(true, None);
        let v = st.judge(Risk::Medium, medium, at(0, 2, false));
        assert!(!v.preferred && !v.required, "had in the interim round: not again in round 1");
        st.after(false, None);
        let v = st.judge(Risk::Medium, medium, at(1, 1, false));
        assert!(!v.required, "round 1's place had it: round 2 may go without");
        st.after(false, None);
        assert!(st.judge(Risk::Medium, medium, at(2, 0, false)).required, "two in a row without: round 3");

        let mut st = AreaState::default();
        st.judge(Risk::Medium, medium, at(0, 3, true));
        st.after(false, None);
        let v = st.judge(Risk::Medium, medium, at(0, 2, false));
        assert!(v.preferred && !v.required, "not had in the interim round: round 1 as if none");
        // A major nonconformity found before the interim round: followed up there, or else in
        // the round after it.
        let mut st = AreaState::default();
        st.judge(Risk::Low, [false, true, false], at(0, 3, false));
        st.after(true, Some(Nonconformities { major: 1, minor: 0 }));
        assert!(st.judge(Risk::Low, [false, true, false], at(1, 2, true)).required);
        st.after(false, None);
        assert!(st.judge(Risk::Low, [false, true, false], at(1, 1, false)).required);
    }

    /// A cycle cut short (an early recertification before surveillance 2) has no round 2: a
    /// low-risk area whose pattern chose it is taken in round 3, required, but not a catch-up.
    #[test]
    fn a_round_the_cycle_does_not_have_is_not_missed() {
        let at = |slot, remaining| RoundAt { cycle: 1, slot, remaining, joining: false, interim: false };
        let mut st = AreaState::default();
        let v = st.judge(Risk::Low, [false, true, false], at(0, 1));
        assert!(!v.required && !v.preferred);
        st.after(false, None);
        let v = st.judge(Risk::Low, [false, true, false], at(2, 0));
        assert!(v.required && !v.catch_up, "{v:?}");
        // With round 2 there and missed, round 3 is a catch-up.
        let mut st = AreaState::default();
        for slot in 0..2 {
            st.judge(Risk::Low, [false, true, false], at(slot, 2 - slot));
            st.after(false, None);
        }
        assert!(st.judge(Risk::Low, [false, true, false], at(2, 0)).catch_up);
    }

    /// The rule's table, row by row: each row is worked out by hand from the module's table.
    #[test]
    fn the_risk_rule_table() {
        use Risk::*;
        let (first, second, third) = ([true, false, false], [false, true, false], [false, false, true]);
        let rows: &[(Risk, [bool; 3], &str, &str, &str)] = &[
            // High: every round, whatever the record.
            (High, [true; 3], "???|???", "RRR|RRR", "every round"),
            (High, [true; 3], "A-A|???", "RRR|RRR", "a round missed changes nothing"),
            // Medium, planned ahead: the pattern's two rounds. A cycle whose third round has
            // none makes the next cycle's first required (never two in a row without).
            (Medium, [true, true, false], "???|???", "pp.|Rp.", "two of three by the pattern"),
            (Medium, [false, true, true], "???", ".RR", "the first round without: the next two required"),
            (Medium, [true, true, false], "-??", "pRC", "a first round missed: the next two required"),
            (Medium, [true, false, true], "A-?", "p.R", "after a round without, the next is required"),
            (
                Medium,
                [false, true, true],
                "A??|???",
                ".p.|Cp.",
                "across cycles: the last round without, the first of the next",
            ),
            (Medium, [true, true, false], "A-?", "ppC", "at least two of three: one audit, one round left"),
            (Medium, [true, false, true], "-??", "pCR", "missed: required in the two rounds left"),
            // Low: once a cycle, in its pattern's round; the last round if none before had it.
            (Low, second, "???|???", ".p.|.p.", "the pattern's round"),
            (Low, first, "-??", "pc.", "the pattern's round missed: caught up in the next"),
            (Low, first, "--?", "pcC", "missed twice: required in the last"),
            (Low, first, "A??", "p..", "audited once: nothing more"),
            (Low, third, "??-|???", "..R|c..", "a cycle left without: owed, taken first in the next"),
            // Round 0 audits the whole scope.
            (Low, third, "0|???", "R|..R", "round 0, then the pattern"),
            // Follow-ups: a major nonconformity the next round, a minor one the next but one.
            (Low, third, "M??", ".R.", "a major one: the next round"),
            (Low, second, "m-?", "..R", "a minor one: the next but one at the latest"),
            (Low, first, "mA?", "p..", "a minor one followed up in the next round: done"),
            (Low, first, "M??", "pR.", "a major one in the pattern's round: followed up, not caught up"),
            (Medium, [true, true, false], "AM?", "ppR", "a major one on top of the medium rule"),
        ];
        for (risk, pattern, rounds, expected, why) in rows {
            assert_eq!(judged(*risk, *pattern, rounds), *expected, "{why}: {risk:?} {pattern:?} {rounds}");
        }
    }

    fn area(id: &str, risk: Risk) -> Area {
        Area::example(id, "owner", risk)
    }

    #[test]
    fn pattern_spreads_medium_and_low_areas_evenly() {
        use Risk::*;
        let scope: Vec<Area> = [High, Medium, Medium, Medium, Low, Low, Low, Low]
            .iter()
            .enumerate()
            .map(|(i, r)| area(&format!("a{i}"), *r))
            .collect();
        let p = risk_pattern(&scope);
        assert_eq!(p[0], [true, true, true]);
        assert_eq!(p[1..4], [[true, true, false], [true, false, true], [false, true, true]]);
        assert_eq!(p[4..], [[true, false, false], [false, true, false], [false, false, true], [true, false, false]]);
        let sizes: Vec<usize> = (0..3).map(|k| p.iter().filter(|r| r[k]).count()).collect();
        assert_eq!(sizes, [5, 4, 4]);
    }

    #[test]
    fn pattern_does_not_depend_on_the_order_of_the_register() {
        use Risk::*;
        let scope: Vec<Area> = [("b", Medium), ("a", Medium), ("c", Low), ("d", High), ("e", Low)]
            .iter()
            .map(|(id, r)| area(id, *r))
            .collect();
        let mut reversed = scope.clone();
        reversed.reverse();
        let by_id = |scope: &[Area], p: Vec<[bool; 3]>| {
            let mut v: Vec<(String, [bool; 3])> = scope.iter().map(|a| a.id.to_string()).zip(p).collect();
            v.sort();
            v
        };
        assert_eq!(by_id(&scope, risk_pattern(&scope)), by_id(&reversed, risk_pattern(&reversed)));
    }
}
