//! What a programme is made of: rounds, each with its area audits and the management review
//! that takes their results to the external audit it prepares.

use std::num::NonZeroU32;

use chrono::NaiveDate;

use crate::calendar::Calendar;
use crate::cycle::External;
use crate::diagnostic::Loc;
use crate::grouped::place32;
use crate::register::{Area, AuditKind, Auditor, Register, ReviewRecord, Status, Str};

/// Rounds per certificate cycle: one before each surveillance and one before recertification.
pub const ROUNDS_PER_CYCLE: usize = 3;

/// How an area audit in a round came about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    /// Scheduled by the programme.
    Planned,
    /// Scheduled in a later round than the programme intended, because the round it had is over
    /// without the audit.
    CatchUp,
    /// Required by the rule in a round that is over, and not held: nothing can be planned.
    Missed,
    /// Held, from the register's record.
    Done,
    /// Booked, from the register's record.
    Booked,
}

impl Source {
    pub fn key(self) -> &'static str {
        match self {
            Source::Planned => "planned",
            Source::CatchUp => "catch_up",
            Source::Missed => "missed",
            Source::Done => "done",
            Source::Booked => "booked",
        }
    }

    pub fn is_recorded(self) -> bool {
        matches!(self, Source::Done | Source::Booked)
    }
}

/// Why a planned audit has no auditor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unassigned {
    /// Every auditor owns, runs or has a conflict with the area.
    NoneIndependent,
    /// Every independent auditor who can reach the area is busy, away or at their yearly cap on
    /// every open day the round has left (or has no run of the audit's consecutive days).
    NoFreeDay,
    /// No independent auditor audits the area's site.
    NoAuditorForSite,
    /// Every independent auditor who can reach the area has reached their cap for the round.
    RoundCap,
}

impl Unassigned {
    pub fn key(self) -> &'static str {
        match self {
            Unassigned::NoneIndependent => "none_independent",
            Unassigned::NoFreeDay => "no_free_day",
            Unassigned::NoAuditorForSite => "no_auditor_for_site",
            Unassigned::RoundCap => "round_cap",
        }
    }
}

/// Why an audit is in a round although the risk rule alone would not put it there: the area's
/// last audit found nonconformities (ISO/IEC 27001:2022 9.2.2, "the results of previous audits").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FollowUp {
    /// A major nonconformity: audited again in the next round.
    Major,
    /// A minor one: in the next round but one at the latest.
    Minor,
}

impl FollowUp {
    pub fn key(self) -> &'static str {
        match self {
            FollowUp::Major => "major_nonconformity",
            FollowUp::Minor => "minor_nonconformity",
        }
    }
}

/// One area audited on one day by one auditor (or by nobody, which outputs say plainly).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaAudit<'r> {
    /// Borrowed from the register (the auditor's id and firm are read there by place): a plan
    /// of 50,000 areas holds a quarter of a million audits, and copying their ids would cost as
    /// many allocations again, each freed with the plan. A reference to the id as the register
    /// holds it takes 8 bytes where a `&str` takes 16 (an audit is 48 bytes, not 56).
    pub area: &'r Str,
    /// The audit's first day ...
    pub date: NaiveDate,
    /// ... and its last: consecutive open days of one auditor (a record gives one day).
    pub end: NaiveDate,
    /// The last day this audit can be held for its round.
    pub due: NaiveDate,
    /// For a planned audit without an auditor: why.
    pub unassigned: Option<Unassigned>,
    pub source: Source,
    /// False for a recorded audit whose auditor owns, runs or has a conflict with the area: it
    /// is shown, but it does not count as coverage (clause 9.2.2 c), so the area is planned again.
    pub independent: bool,
    /// For a planned audit: the first day it may be held on.
    pub from: Option<NaiveDate>,
    /// Where the audit is behind: past the lead before its external audit, or not held by it.
    pub behind: Option<Behind>,
    /// Where the area's last audit's nonconformities put it in this round.
    pub follow_up: Option<FollowUp>,
    /// Planned again (or missed): the day the plan had for it, which passed with nothing recorded.
    pub passed: Option<NaiveDate>,
    /// For a record: what it set out to do; only a full audit is the area's audit for the round.
    pub kind: AuditKind,
    /// The area's and the auditor's places in the register, where known: the planner looks
    /// them up by these, not by case-folding ids again.
    pub(crate) area_index: Option<At>,
    pub(crate) auditor_index: Option<At>,
    /// For a record: its place in the register's `audits` (its `auditor_org` and place in the
    /// file are read there).
    pub(crate) record_index: Option<At>,
}

impl<'r> AreaAudit<'r> {
    /// An audit of `area` on `date` from `source`, with nobody assigned yet.
    pub(crate) fn new(area: &'r Str, date: NaiveDate, source: Source) -> Self {
        AreaAudit {
            area,
            date,
            end: date,
            due: date,
            unassigned: None,
            source,
            independent: true,
            from: None,
            behind: None,
            follow_up: None,
            passed: None,
            kind: AuditKind::Full,
            area_index: None,
            auditor_index: None,
            record_index: None,
        }
    }

    /// The area's place in the register, where known.
    pub(crate) fn area_at(&self) -> Option<usize> {
        self.area_index.map(At::get)
    }

    /// The auditor's place in the register, where known.
    pub(crate) fn auditor_at(&self) -> Option<usize> {
        self.auditor_index.map(At::get)
    }

    /// The area's place in `register`'s scope where the audit names it as the scope writes its
    /// id, case and all (what the programme document and the SoA count an area's audits by: a
    /// record naming `HR` for the area `hr` is not counted there).
    pub(crate) fn area_as_written(&self, register: &Register) -> Option<usize> {
        self.area_at().filter(|&i| register.scope.get(i).is_some_and(|x| x.id == self.area))
    }

    /// The audited area in `register`, the one the plan was made from: `None` for a record
    /// naming an area the scope does not have. A look-up by place, not by id.
    pub(crate) fn area_in<'g>(&self, register: &'g Register) -> Option<&'g Area> {
        self.area_at().and_then(|i| register.scope.get(i))
    }

    /// The open days the audit takes, in order: from its first day to its last; for one planned
    /// with no auditor (not placed), its area's `audit_days` open days from its day; at least its
    /// first day (a record may fall on a closed day). The programme's effort and an audit's plan
    /// count these.
    pub fn days<'c>(&self, register: &Register, calendar: &'c Calendar) -> impl Iterator<Item = NaiveDate> + 'c {
        // (Only a record names an outside firm, and a record is not `Planned`.)
        let placed = self.source != Source::Planned || self.has_auditor();
        let (to, take) = match self.area_in(register) {
            _ if placed => (self.end, usize::MAX),
            Some(area) => (NaiveDate::MAX, area.audit_days as usize),
            None => (self.end, usize::MAX),
        };
        let mut open = calendar.open_days(self.date, to).take(take).peekable();
        let none_open = open.peek().is_none();
        std::iter::once(self.date).filter(move |_| none_open).chain(open)
    }

    /// The record it comes from in `register`, the one the plan was made from.
    pub(crate) fn record_in<'g>(&self, register: &'g Register) -> Option<&'g crate::register::AuditRecord> {
        self.record_index.and_then(|r| register.audits.get(r.get()))
    }

    /// For a record without an auditor: the outside firm that held it, if named (read in
    /// `register`, the one the plan was made from).
    pub fn auditor_org<'g>(&self, register: &'g Register) -> Option<&'g str> {
        self.record_in(register).and_then(|r| r.auditor_org.as_deref())
    }

    /// For a record: where it is in the register file.
    pub fn loc(&self, register: &Register) -> Option<Loc> {
        self.record_in(register).map(|r| r.loc)
    }

    /// The auditor in `register`, the one the plan was made from, where they are listed there.
    pub(crate) fn auditor_in<'g>(&self, register: &'g Register) -> Option<&'g Auditor> {
        self.auditor_at().and_then(|j| register.auditors.get(j))
    }

    /// Whether one of the register's auditors holds it: assigned by the plan, or named by its
    /// record (a record held by an outside firm names none).
    pub fn has_auditor(&self) -> bool {
        self.auditor_index.is_some()
    }

    /// Its auditor's id as `register` (the one the plan was made from) spells it, as a record
    /// naming them is read too. Found by place: an audit does not carry the id (a plan of
    /// 50,000 areas holds a quarter of a million audits). That a record's auditor is one of the
    /// register's, spelled as it spells them, is the register's checks' (`register::parse`):
    /// a register changed in code after it was read must keep it so.
    pub fn auditor<'g>(&self, register: &'g Register) -> Option<&'g str> {
        self.auditor_in(register).map(|x| x.id.as_str())
    }

    /// Whether the rule required it before its external audit, which has passed without it.
    pub fn overdue(&self) -> bool {
        self.behind == Some(Behind::Overdue)
            || (self.behind == Some(Behind::ExtensionMissed) && self.source == Source::Missed)
    }
}

/// How far behind an audit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behind {
    /// Past the lead before the external audit it prepares (practice: its results may not reach
    /// the management review), but that audit is still ahead: it can be held.
    Late,
    /// Required by the risk rule, and the external audit it prepared has passed without it (and
    /// no later round of the cycle has made up for it).
    Overdue,
    /// An area that joined the scope and was not audited before the next external audit.
    ExtensionMissed,
}

/// The management review that takes a round's results to the external audit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Review {
    pub date: NaiveDate,
    /// Where the register records it; `None` when planned.
    pub recorded: Option<Loc>,
    /// Recorded as booked, and its day passed without it being marked done.
    pub not_held: bool,
    /// Recorded as booked, its day still ahead.
    pub booked: bool,
}

impl Review {
    pub(super) fn planned(date: NaiveDate) -> Self {
        Review { date, recorded: None, not_held: false, booked: false }
    }

    pub(super) fn recorded(r: &ReviewRecord, today: NaiveDate) -> Self {
        let booked = r.status_on(today) == Status::Booked;
        Review {
            date: r.date,
            recorded: Some(r.loc),
            not_held: booked && r.date < today,
            booked: booked && r.date >= today,
        }
    }

    /// Whether the review stands on `today`: recorded, or planned and still ahead. A planned one
    /// whose day passed did not take place: the next review's interval does not run from it.
    pub(crate) fn stands(&self, today: NaiveDate) -> bool {
        self.recorded.is_some() || self.date >= today
    }

    /// `planned`, `recorded`, or `booked` for one booked whose day passed without it being
    /// marked done.
    pub fn status(&self) -> &'static str {
        match (self.recorded, self.not_held) {
            (_, true) => "booked",
            (Some(_), false) => "recorded",
            (None, false) => "planned",
        }
    }

    /// As [`Review::status`], for people: `booked` for one booked and still ahead, not
    /// `recorded`, which reads as held.
    pub fn wording(&self) -> &'static str {
        if self.booked { "booked" } else { self.status() }
    }
}

/// Whether `area` is in the scope for a round whose window runs from `window_start` to
/// `window_end`, in a cycle that begins on `cycle_start`: it joined before the window closes,
/// and had not left when the window opened; nor, for a round that prepares an external audit,
/// when the cycle began. (The first round of a cycle opens at the recertification, before the
/// cycle: an area that leaves in between would be audited for a scope it is no longer in. An
/// interim round keeps the interval between audits while an area is in the scope: it is
/// judged by its window alone.)
pub(crate) fn in_scope(
    area: &Area,
    window_start: Option<NaiveDate>,
    window_end: NaiveDate,
    cycle_start: Option<NaiveDate>,
    interim: u8,
) -> bool {
    let opened = if interim == 0 { window_start.max(cycle_start) } else { window_start };
    area.since.is_none_or(|s| s < window_end) && area.until.is_none_or(|u| opened.is_none_or(|w| u >= w))
}

/// A round of internal audits and the review that prepare one external audit.
#[derive(Debug, Clone, PartialEq)]
pub struct Round<'r> {
    /// 0 for round 0 (before Stage 1), else the certificate cycle.
    pub cycle: u32,
    /// 0 for round 0, else 1 to 3 within the cycle.
    pub number: u8,
    /// 0 for the round that prepares `prepares`; 1, 2, ... for interim rounds before it, where
    /// the gap to that audit is longer than the interval between rounds (labelled `C1.1a`, ...).
    pub interim: u8,
    pub prepares: External,
    /// Audits on or after this day (the previous external audit) count toward this round.
    pub window_start: Option<NaiveDate>,
    /// ... and before this day: the external audit prepared, or for round 0, Stage 2.
    pub window_end: NaiveDate,
    /// The first day of its cycle (none for round 0). The first round of a cycle opens at the
    /// recertification, before the cycle begins: an area that leaves the scope in between is
    /// never in the cycle's scope, and not this round's (unless it is an interim round, which
    /// keeps the interval: see [`Round::includes`]).
    pub cycle_start: Option<NaiveDate>,
    /// The day the programme plans the round's audits by: the lead before the external audit,
    /// or earlier, to keep rounds no more than `max_months_between_rounds` apart.
    pub last_day: NaiveDate,
    /// The lead before the external audit: audits after it are late (their results may miss the
    /// management review); after the external audit itself, overdue.
    pub lead_day: NaiveDate,
    pub review: Review,
    /// Round 0 only: a management review recorded between Stage 1 and Stage 2.
    pub review_before_stage2: Option<Review>,
    /// The other management reviews recorded in the round's window (a mid-year one, say): shown,
    /// though not the review that takes the round's results. In date order.
    pub other_reviews: Vec<Review>,
    /// Sorted by date, then area.
    pub audits: Vec<AreaAudit<'r>>,
}

impl<'r> Round<'r> {
    /// Sorts the audits by date, then area id, equals kept in order (see [`sort_stably`]).
    /// `id_order` gives each area's place in the scope sorted by id: where every audit knows its
    /// area (every register read and checked), the places are compared, not the ids (which are
    /// read through a pointer each, at random: in a round of 50,000 audits most such reads
    /// missed the processor's caches; docs/performance.md, the eleventh pass).
    pub(super) fn sort_audits(&mut self, id_order: &[u32]) {
        if self.audits.iter().all(|a| a.area_index.is_some()) {
            sort_stably(&mut self.audits, |a| (a.date, a.area_at().map_or(0, |i| id_order[i])));
        } else {
            sort_stably(&mut self.audits, |a| (a.date, a.area));
        }
    }

    /// A short name: `R0` for round 0, `C2.1` for cycle 2's first round.
    pub fn label(&self) -> String {
        self.short_name().to_string()
    }

    /// The day the round's results are for: the external audit it prepares, or, for an interim
    /// round, the end of its window.
    pub fn due(&self) -> NaiveDate {
        if self.interim > 0 { self.window_end } else { self.prepares.date }
    }

    /// "Round C1.2: prepares surveillance 2 of cycle 1 on 2026-05-12", the heading of the round
    /// in the plan's documents.
    pub fn heading(&self) -> String {
        if self.interim > 0 {
            let next = RoundName { interim: 0, ..self.short_name() };
            format!(
                "Round {}: an interim round by {}, to keep the interval between rounds; round {next} prepares {}",
                self.label(),
                self.last_day,
                self.prepares.describe()
            )
        } else {
            format!("Round {}: prepares {}", self.label(), self.prepares.describe())
        }
    }

    /// [`Round::label`], written where it goes rather than made a string first.
    pub fn short_name(&self) -> RoundName {
        RoundName { cycle: self.cycle, number: self.number, interim: self.interim }
    }

    /// Whether `date` falls in this round's window.
    pub fn window_contains(&self, date: NaiveDate) -> bool {
        self.window_start.is_none_or(|w| w <= date) && date < self.window_end
    }

    /// Whether `area` is in the scope for this round: it joined before the window closes, and
    /// had not left when the window opened; nor, unless this is an interim round, when the cycle
    /// began.
    pub fn includes(&self, area: &Area) -> bool {
        in_scope(area, self.window_start, self.window_end, self.cycle_start, self.interim)
    }

    pub fn audits_of<'a>(&'a self, area: &'a str) -> impl Iterator<Item = &'a AreaAudit<'r>> + 'a {
        self.audits.iter().filter(move |a| a.area == area)
    }

    /// The places of the round's audits by area, and in the round's order within an area, for
    /// many look-ups with [`Round::audits_in`] (a word per audit: a map of lists takes ten).
    pub(crate) fn by_area(&self) -> Vec<usize> {
        let mut places: Vec<usize> = (0..self.audits.len()).collect();
        // Stable: an area's audits stay in the round's order.
        places.sort_by_key(|&n| self.audits[n].area);
        places
    }

    /// The audits of `area`, in the round's order, looked up in `places` from
    /// [`Round::by_area`].
    pub(crate) fn audits_in<'a>(
        &'a self,
        places: &'a [usize],
        area: &'a str,
    ) -> impl Iterator<Item = &'a AreaAudit<'r>> + 'a {
        let first = places.partition_point(|&n| self.audits[n].area.as_str() < area);
        places[first..].iter().map(|&n| &self.audits[n]).take_while(move |a| a.area == area)
    }

    /// Whether the round has an independent audit of `area` that is done, or still ahead: booked
    /// for a day not past, or planned and not yet due. This is coverage, for `plan` and `check`
    /// alike.
    pub fn covers(&self, area: &str, today: NaiveDate) -> bool {
        self.audits_of(area).any(|a| self.counts(a, today))
    }

    /// The audits that cover their area (see [`Round::covers`]), for many look-ups.
    pub fn covering(&self, today: NaiveDate) -> impl Iterator<Item = &AreaAudit<'r>> {
        self.audits.iter().filter(move |a| self.counts(a, today))
    }

    /// Whether audit `a`, one of the round's, covers its area (see [`Round::covers`]).
    pub fn counts(&self, a: &AreaAudit, today: NaiveDate) -> bool {
        a.independent
            && a.kind == AuditKind::Full
            && match a.source {
                Source::Done => true,
                // A booking whose day passed stands for the audit while the round is open (its
                // record is still to be marked done); it is overdue once the round is over.
                Source::Booked => a.date >= today || (today < self.window_end && a.behind.is_none()),
                // Without an auditor it is still the round's to take; `check` reports the
                // missing auditor on its own (no-independent-auditor, round-over-capacity).
                Source::Planned | Source::CatchUp => a.due >= today,
                Source::Missed => false,
            }
    }

    /// Whether the round has an independent audit of `area` that was held.
    pub fn done(&self, area: &str) -> bool {
        self.audits_of(area).any(|a| a.independent && a.kind == AuditKind::Full && a.source == Source::Done)
    }

    /// The first day the programme may plan on: not before the round's window opens, nor in the
    /// past.
    pub fn first_day(&self, today: NaiveDate) -> NaiveDate {
        self.window_start.map_or(today, |start| start.max(today))
    }
}

/// A round's short name (see [`Round::label`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoundName {
    cycle: u32,
    number: u8,
    interim: u8,
}

impl RoundName {
    fn write(&self, out: &mut impl std::fmt::Write) -> std::fmt::Result {
        if self.cycle == 0 {
            return out.write_str("R0");
        }
        write!(out, "C{}.{}", self.cycle, self.number)?;
        // Interim rounds before round n: na, nb, ...
        match self.interim {
            0 => Ok(()),
            k => out.write_char(char::from(b'a' + (k - 1).min(25))),
        }
    }
}

impl std::fmt::Display for RoundName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Padded or cut as a label string would be, where a width or precision is asked for.
        if f.width().is_some() || f.precision().is_some() {
            let mut name = String::new();
            self.write(&mut name)?;
            return f.pad(&name);
        }
        self.write(f)
    }
}

/// Sorts `items` by `key` as a stable sort does, equals kept in order. Each key is taken once,
/// in order, and the keys with the items' places (4 bytes) are sorted, then each item is moved
/// once, along the permutation's cycles: a stable sort of the items themselves takes a scratch
/// copy of at least half of them, and a key taken at each comparison reads the items (and what
/// the key reads through them) at random, which at 50,000 audits mostly misses the processor's
/// caches (docs/performance.md, the fifteenth pass).
pub(super) fn sort_stably<T, K: Ord>(items: &mut [T], key: impl Fn(&T) -> K) {
    // (The place breaks ties between equal keys: an unstable sort of the pairs is stable.)
    let mut keyed: Vec<(K, u32)> = items.iter().map(&key).zip(0..place32(items.len())).collect();
    keyed.sort_unstable();
    permute(items, keyed.into_iter().map(|(_, place)| place).collect());
}

/// Puts the item at `order[p]` in place `p`, moving each item once, along the permutation's
/// cycles.
fn permute<T>(items: &mut [T], mut order: Vec<u32>) {
    // A place done is marked `order[p] == p`.
    for start in 0..order.len() {
        let mut at = start;
        loop {
            let from = std::mem::replace(&mut order[at], place32(at)) as usize;
            if from == start || from == at {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

/// A place in one of the register's lists (its scope, auditors, audits or sites) as the
/// planner's per-area lists keep it: 32 bits, and no more as an `Option` (it holds the place
/// plus one, never zero). A round of 100,000 areas holds as many audits, and as many wanted
/// areas and tasks while it is planned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct At(NonZeroU32);

impl At {
    pub(crate) fn new(i: usize) -> At {
        // `place32` holds the place of any of the register's values in 32 bits; there are
        // fewer than 2^32 of them, so the place plus one fits too (never saturates).
        At(NonZeroU32::MIN.saturating_add(place32(i)))
    }

    pub(crate) fn get(self) -> usize {
        (self.0.get() - 1) as usize
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::At;

    /// A round's name reads as its label does, padded like a string where a width is asked for.
    #[test]
    fn a_round_name_reads_and_pads_as_its_label() {
        use super::RoundName;
        let name = |cycle, number, interim| RoundName { cycle, number, interim };
        assert_eq!(name(0, 0, 0).to_string(), "R0");
        assert_eq!(name(2, 3, 0).to_string(), "C2.3");
        assert_eq!(name(1, 2, 2).to_string(), "C1.2b");
        assert_eq!(
            format!("[{:<6}][{:>5}][{:.2}]", name(1, 2, 0), name(0, 0, 0), name(1, 1, 1)),
            "[C1.2  ][   R0][C1]"
        );
    }

    #[test]
    fn a_place_comes_back_as_it_went_in_and_takes_four_bytes_even_as_an_option() {
        for i in [0, 1, 99_999, 4_000_000_000] {
            assert_eq!(At::new(i).get(), i);
        }
        assert_eq!(std::mem::size_of::<Option<At>>(), 4);
    }

    /// A plan of 100,000 areas holds hundreds of thousands of audits: a field that grows one by
    /// eight bytes costs megabytes on a hostile register (docs/performance.md, the twelfth pass).
    #[test]
    fn an_audit_takes_48_bytes() {
        assert_eq!(std::mem::size_of::<super::AreaAudit<'_>>(), 48);
    }

    proptest! {
        /// Sorting through the items' places gives what a stable sort gives: equal keys keep
        /// their order (the items carry their first place to tell them apart).
        #[test]
        fn sorts_as_a_stable_sort_does(keys in proptest::collection::vec(0u8..6, 0..200)) {
            let items: Vec<(u8, usize)> = keys.iter().copied().zip(0..).collect();
            let mut expected = items.clone();
            expected.sort_by_key(|&(k, _)| k);
            let mut sorted = items;
            super::sort_stably(&mut sorted, |&(k, _)| k);
            prop_assert_eq!(sorted, expected);
        }
    }
}
