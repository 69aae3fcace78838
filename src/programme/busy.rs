//! Who is busy on which days, kept as sorted lists (no key hashed), audit days counted per
//! calendar year, and the order in which the search tries days around a target: the planner's
//! bookkeeping, searched once per audit it places.

use chrono::{Datelike, NaiveDate};
use smallvec::SmallVec;

/// Audit days per calendar year, of each auditor with a yearly cap: a short list per auditor
/// (a plan reaches some thirty years), searched without hashing.
pub(super) struct Years(Vec<Vec<(i32, u32)>>);

impl Years {
    pub(super) fn new(auditors: usize) -> Self {
        Years(vec![Vec::new(); auditors])
    }

    pub(super) fn get(&self, auditor: usize, year: i32) -> u32 {
        self.0[auditor].iter().find(|(y, _)| *y == year).map_or(0, |(_, n)| *n)
    }

    pub(super) fn add(&mut self, auditor: usize, year: i32) {
        let years = &mut self.0[auditor];
        match years.iter_mut().find(|(y, _)| *y == year) {
            Some((_, n)) => *n += 1,
            None => years.push((year, 1)),
        }
    }

    /// Takes back a day [`Years::add`] counted.
    pub(super) fn sub(&mut self, auditor: usize, year: i32) {
        if let Some((_, n)) = self.0[auditor].iter_mut().find(|(y, _)| *y == year) {
            *n = n.saturating_sub(1);
        }
    }
}

/// Days on which each of a number of people (or auditors) is busy, sorted: whether someone is
/// busy at all during an audit of several days is one search, and no key is hashed. A list's
/// first four days are held in place, in the size of a `Vec`: most people are in a few audits,
/// and a list of its own for each of 150,000 people was as many allocations, each read through
/// a pointer (docs/performance.md, the fifteenth pass).
pub(super) struct Busy(Vec<SmallVec<[NaiveDate; 4]>>);

impl Busy {
    pub(super) fn new(n: usize) -> Self {
        Busy(vec![SmallVec::new(); n])
    }

    /// Adds a day unsorted, while the diary is built; [`Busy::sort`] puts them in order.
    pub(super) fn push(&mut self, who: usize, d: NaiveDate) {
        self.0[who].push(d);
    }

    /// `who`'s busy days, in order once sorted.
    pub(super) fn days(&self, who: usize) -> &[NaiveDate] {
        &self.0[who]
    }

    /// Sorts the days pushed unsorted, once, while the diary is built.
    pub(super) fn sort(&mut self) {
        for days in &mut self.0 {
            days.sort_unstable();
            days.dedup();
        }
    }

    /// Marks `who` busy on `d`; false if they were already.
    pub(super) fn insert(&mut self, who: usize, d: NaiveDate) -> bool {
        let days = &mut self.0[who];
        let at = days.partition_point(|x| *x < d);
        let new = days.get(at) != Some(&d);
        if new {
            days.insert(at, d);
        }
        new
    }

    pub(super) fn on(&self, who: usize, d: NaiveDate) -> bool {
        self.0[who].binary_search(&d).is_ok()
    }

    /// Those of the sorted `days` on which `who` is not busy, in one pass over both lists.
    pub(super) fn not_on(&self, who: usize, days: &[NaiveDate]) -> Vec<NaiveDate> {
        let mut busy = self.since(who, days.first());
        days.iter().copied().filter(|d| !step_to(&mut busy, *d)).collect()
    }

    /// Keeps those of the sorted `days` on which `who` is not busy, as [`Busy::not_on`] does, in
    /// place.
    pub(super) fn keep_not_on(&self, who: usize, days: &mut Vec<NaiveDate>) {
        let mut busy = self.since(who, days.first());
        days.retain(|d| !step_to(&mut busy, *d));
    }

    /// Whether one of the sorted `days` finds none of `who` busy. One pass over the days and
    /// each one's busy days among them (this is asked for every audit of a crowded round, where
    /// most days are busy).
    pub(super) fn any_day_free(&self, who: &[usize], days: &[NaiveDate]) -> bool {
        let Some(&first) = days.first() else { return false };
        let mut walk = Walk::new(who.iter().map(|&p| self.days(p)), first);
        days.iter().any(|d| !walk.any_on(*d))
    }

    /// `who`'s busy days from `first` on (all of them without one).
    pub(super) fn since(&self, who: usize, first: Option<&NaiveDate>) -> &[NaiveDate] {
        let list = self.0[who].as_slice();
        first.map_or(list, |first| from(list, *first))
    }

    /// Whether `who` is busy on any day from `start` to `end`.
    pub(super) fn between(&self, who: usize, start: NaiveDate, end: NaiveDate) -> bool {
        let days = &self.0[who];
        days.get(days.partition_point(|x| *x < start)).is_some_and(|d| *d <= end)
    }
}

/// Several busy lists walked forward together from a day: whether someone is busy on each of a
/// rising series of days, without a search per list and day (a search that adds up where the
/// same few people are asked about thirty days in a row, each with a long list).
pub(super) struct Walk<'b>(Vec<&'b [NaiveDate]>);

impl<'b> Walk<'b> {
    /// The walk over `lists`, each sorted, from their days on or after `first`.
    pub(super) fn new(lists: impl IntoIterator<Item = &'b [NaiveDate]>, first: NaiveDate) -> Self {
        Walk(lists.into_iter().map(|list| from(list, first)).collect())
    }

    /// Whether `d` is on one of the lists. The days asked must not go back.
    pub(super) fn any_on(&mut self, d: NaiveDate) -> bool {
        self.0.iter_mut().any(|list| step_to(list, d))
    }
}

/// The days of the sorted `list` from `first` on.
fn from(list: &[NaiveDate], first: NaiveDate) -> &[NaiveDate] {
    &list[list.partition_point(|x| *x < first)..]
}

/// Whether `d` is on the sorted `list`, moving the list past the days before `d`: two sorted
/// lists walked in step.
fn step_to(list: &mut &[NaiveDate], d: NaiveDate) -> bool {
    while list.first().is_some_and(|x| *x < d) {
        *list = &list[1..];
    }
    list.first() == Some(&d)
}

/// The order in which [`Outward`] gives days around the target day `target` (days from the common
/// era, as plain numbers: chrono's durations cost more than the search): nearest first, the
/// later one on a tie.
pub(super) fn nearness(d: NaiveDate, target: i32) -> (i32, bool) {
    let n = d.num_days_from_ce();
    ((n - target).abs(), n < target)
}

/// Indices of the sorted `days`, nearest `target` first, alternating outwards; on a tie the
/// later day first (the target itself, where it is one of them): in [`nearness`] order.
pub(super) struct Outward<'a> {
    days: &'a [NaiveDate],
    /// The next earlier day is at `lo - 1`, the next later one at `hi`.
    lo: usize,
    hi: usize,
    target: i32,
}

impl<'a> Outward<'a> {
    pub(super) fn new(days: &'a [NaiveDate], target: NaiveDate) -> Self {
        let at = days.partition_point(|d| *d < target);
        Outward { days, lo: at, hi: at, target: target.num_days_from_ce() }
    }
}

impl Iterator for Outward<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        let near = |k: usize| nearness(self.days[k], self.target);
        let later = self.hi < self.days.len() && (self.lo == 0 || near(self.hi) < near(self.lo - 1));
        if later {
            self.hi += 1;
            Some(self.hi - 1)
        } else if self.lo > 0 {
            self.lo -= 1;
            Some(self.lo)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2027, 3, d).unwrap_or_default()
    }

    #[test]
    fn days_kept_in_place_are_those_on_which_someone_is_not_busy() {
        let mut busy = Busy::new(2);
        for d in [1, 3, 4, 9] {
            busy.push(1, day(d));
        }
        busy.sort();
        let mut days: Vec<NaiveDate> = (2..=10).map(day).collect();
        let expected = busy.not_on(1, &days);
        busy.keep_not_on(1, &mut days);
        assert_eq!(days, [2, 5, 6, 7, 8, 10].map(day));
        assert_eq!(days, expected);
        // Nobody busy: every day stays.
        busy.keep_not_on(0, &mut days);
        assert_eq!(days, [2, 5, 6, 7, 8, 10].map(day));
    }

    #[test]
    fn a_list_past_the_days_held_in_place_stays_sorted_and_found() {
        let mut busy = Busy::new(1);
        // Twenty days, latest first: the first four are held in place, the rest move out.
        let new: Vec<bool> = (1..=20).rev().map(|d| busy.insert(0, day(d))).collect();
        assert!(new.iter().all(|n| *n));
        assert!(!busy.insert(0, day(7)), "a day already taken is not taken again");
        assert_eq!(busy.days(0), (1..=20).map(day).collect::<Vec<_>>());
        assert!((1..=20).all(|d| busy.on(0, day(d))) && !busy.on(0, day(21)));
        assert!(busy.between(0, day(20), day(25)) && !busy.between(0, day(21), day(25)));
        // Held in place, a list costs no more than the `Vec` it replaces.
        assert_eq!(std::mem::size_of::<SmallVec<[NaiveDate; 4]>>(), std::mem::size_of::<Vec<NaiveDate>>());
    }

    #[test]
    fn a_walk_finds_whoever_is_busy_on_each_day_as_a_search_would() {
        let mut busy = Busy::new(3);
        for (who, d) in [(0, 2), (0, 9), (1, 3), (1, 4), (1, 9), (2, 12)] {
            busy.push(who, day(d));
        }
        busy.sort();
        // From day 3 on, over persons 0 and 1 (2 is not asked): busy on 3, 4 and 9 only.
        let mut walk = Walk::new([busy.days(0), busy.days(1)], day(3));
        let found: Vec<u32> = (3..=14).filter(|&d| walk.any_on(day(d))).collect();
        assert_eq!(found, [3, 4, 9]);
        let searched: Vec<u32> = (3..=14).filter(|&d| busy.on(0, day(d)) || busy.on(1, day(d))).collect();
        assert_eq!(found, searched);
        // Days skipped in between are stepped over, not missed: day 9 after day 2.
        let mut walk = Walk::new([busy.days(0)], day(1));
        assert!(walk.any_on(day(2)) && walk.any_on(day(9)) && !walk.any_on(day(10)));
    }
}
