//! The diary: who is taken on which day across every round planned together, and what each
//! area's last audits leave the next round (rotation, the interval).

use chrono::{Datelike, NaiveDate};

use super::super::busy::{Busy, Years};
use super::super::index::Index;
use super::super::round::{At, Round, Source};
use crate::calendar::{Calendar, Spans};
use crate::register::{AuditKind, Register};

#[cfg(test)]
thread_local! {
    /// How many times [`Diary::run`] was asked on this thread: tests count the search's work.
    pub(crate) static RUNS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Who is taken when, across every round planned together: auditors by recorded and planned
/// audits and their own absences and yearly caps, auditees (each area's owner and team) by the
/// audits of their areas, and each area's last auditor, for rotation.
pub(in crate::programme) struct Diary {
    /// Each auditor's audit days.
    pub(super) taken: Busy,
    /// Each person's days in an audit, audited or auditing.
    pub(super) people: Busy,
    pub(super) away: Vec<Spans>,
    pub(super) per_year: Years,
    pub(super) year_cap: Vec<Option<u32>>,
    pub(super) round_cap: Vec<Option<u32>>,
    /// Each area's last auditor (for rotation).
    pub(super) last: Vec<Option<At>>,
    /// What the round just planned leaves each area owed in the next (see [`Owed`]).
    pub(super) owed: Vec<Option<Owed>>,
    /// Each auditor as a person (an auditor may be an auditee elsewhere on the same day).
    pub(super) auditor_person: Vec<usize>,
}

impl Diary {
    pub(in crate::programme) fn new(register: &Register, index: &Index, external: Vec<NaiveDate>) -> Self {
        let mut diary = Diary {
            taken: Busy::new(register.auditors.len()),
            people: Busy::new(index.persons),
            away: register.auditors.iter().map(|a| Spans::new(&a.unavailable)).collect(),
            per_year: Years::new(register.auditors.len()),
            year_cap: register.auditors.iter().map(|a| a.max_days_per_year).collect(),
            round_cap: register.auditors.iter().map(|a| a.max_days_per_round).collect(),
            last: vec![None; register.scope.len()],
            owed: vec![None; register.scope.len()],
            auditor_person: index.auditor_person.clone(),
        };
        // A record occupies its auditor on its days (its day, or to its `end`), and the owner
        // and team of each area it covers.
        for (r, record) in register.audits.iter().enumerate() {
            let days = std::iter::successors(Some(record.date), |d| d.succ_opt())
                .take_while(|d| *d <= record.end.unwrap_or(record.date));
            for day in days {
                if let Some(auditor) = index.record_auditor[r] {
                    diary.people.push(diary.auditor_person[auditor], day);
                    diary.taken.push(auditor, day);
                }
                for &i in index.record_areas[r].iter().flatten() {
                    for &p in index.people(i) {
                        diary.people.push(p, day);
                    }
                }
            }
        }
        diary.taken.sort();
        diary.people.sort();
        for auditor in (0..diary.year_cap.len()).filter(|a| diary.year_cap[*a].is_some()) {
            for d in diary.taken.days(auditor) {
                diary.per_year.add(auditor, d.year());
            }
        }
        // The certification body's audit days take every auditor (and the people they would
        // audit are busy with the external audit): no internal audit is planned on them. Taken
        // after the yearly counts, which they are not part of.
        for auditor in 0..register.auditors.len() {
            for &d in &external {
                diary.taken.push(auditor, d);
            }
        }
        diary.taken.sort();
        diary
    }

    /// Whether auditor `auditor` can audit on open day `d`: not taken, not away, below the yearly cap.
    pub(super) fn free(&self, auditor: usize, d: NaiveDate) -> bool {
        !self.taken.on(auditor, d) && self.available(auditor, d)
    }

    /// Whether auditor `auditor` is not away on `d` and below their yearly cap.
    pub(super) fn available(&self, auditor: usize, d: NaiveDate) -> bool {
        !self.away[auditor].contains(d)
            && self.year_cap[auditor].is_none_or(|cap| self.per_year.get(auditor, d.year()) < cap)
    }

    /// Those of the sorted open `days` on which auditor `auditor` can audit (as [`Diary::free`]).
    pub(super) fn free_days(&self, auditor: usize, days: &[NaiveDate]) -> Vec<NaiveDate> {
        let mut free = self.taken.not_on(auditor, days);
        free.retain(|d| self.available(auditor, *d));
        free
    }

    /// The last day of a run of `audit_days` consecutive open days from `start` (non-workdays may fall
    /// between them, closures may not), all free for `auditor` and not after `latest`, if there is one.
    pub(super) fn run(
        &self,
        auditor: usize,
        start: NaiveDate,
        audit_days: u32,
        latest: NaiveDate,
        calendar: &Calendar,
    ) -> Option<NaiveDate> {
        #[cfg(test)]
        RUNS.with(|n| n.set(n.get() + 1));
        let mut d = start;
        let mut years: Vec<(i32, u32)> = Vec::new();
        for n in 0..audit_days {
            if n > 0 {
                // The next workday: a weekend may fall inside an audit, a closure may not (an
                // audit does not stop for a two-week freeze and resume after it).
                d = d.succ_opt()?;
                while !calendar.workday(d) {
                    d = d.succ_opt()?;
                }
            }
            if d > latest || !calendar.is_open(d) || !self.free(auditor, d) {
                return None;
            }
            if self.year_cap[auditor].is_some() {
                match years.iter_mut().find(|(y, _)| *y == d.year()) {
                    Some((_, count)) => *count += 1,
                    None => years.push((d.year(), 1)),
                }
            }
        }
        // A run across New Year counts against each year's cap.
        let fits = years
            .iter()
            .all(|&(y, count)| self.year_cap[auditor].is_none_or(|cap| self.per_year.get(auditor, y) + count <= cap));
        fits.then_some(d)
    }

    /// Whether any of `people`, or auditor `auditor` as a person, is in another audit (audited, or
    /// auditing) on a day from `start` to `end`.
    pub(super) fn clash(&self, auditor: usize, people: &[usize], start: NaiveDate, end: NaiveDate) -> bool {
        self.everyone(auditor, people).any(|p| self.people.between(p, start, end))
    }

    /// Who is in an audit of `auditor` with `people`: they, and the auditor as a person.
    pub(super) fn everyone<'a>(&'a self, auditor: usize, people: &'a [usize]) -> impl Iterator<Item = usize> + 'a {
        people.iter().copied().chain([self.auditor_person[auditor]])
    }

    pub(super) fn take(
        &mut self,
        auditor: usize,
        people: &[usize],
        start: NaiveDate,
        end: NaiveDate,
        calendar: &Calendar,
    ) {
        for d in calendar.open_days(start, end) {
            if self.taken.insert(auditor, d) && self.year_cap[auditor].is_some() {
                self.per_year.add(auditor, d.year());
            }
            for p in people.iter().copied().chain([self.auditor_person[auditor]]) {
                self.people.insert(p, d);
            }
        }
    }

    /// An audit from `start` to `end` by `auditor` that did not take place: its days no longer
    /// count toward the auditor's yearly cap.
    pub(super) fn release_year(&mut self, auditor: usize, start: NaiveDate, end: NaiveDate, calendar: &Calendar) {
        if self.year_cap[auditor].is_some() {
            for d in calendar.open_days(start, end) {
                self.per_year.sub(auditor, d.year());
            }
        }
    }

    /// Remembers the auditor of each area's last audit in `round`, for the next round's rotation.
    pub(super) fn remember(&mut self, round: &Round) {
        // The interval runs between audits in consecutive rounds only: an area the risk rule
        // audits less often (low risk: once a cycle) is not owed one within it. An interim round
        // leaves what it does not audit as the round before left it.
        if round.interim == 0 {
            self.owed.fill(None);
        }
        for a in round.audits.iter().filter(|a| a.independent) {
            let Some(i) = a.area_at() else { continue };
            // Missed (overdue, or late where the round could not have it: an interim round, an
            // unannounced audit): as soon as possible in the next.
            if a.overdue() || a.source == Source::Missed {
                self.owed[i] = Some(Owed::Now);
                continue;
            }
            if let (Some(auditor), false) = (a.auditor_at(), a.source == Source::Missed) {
                self.last[i] = Some(At::new(auditor));
            }
            // From the record only: capping from planned audits (spread over their round's
            // weeks, or brought forward) would pull each round's audits earlier than the one
            // before, and the schedule would drift away from the external audits. An audit
            // planned after the last recorded one takes over from it: the rounds' interval holds
            // from there.
            let anchors = a.source.is_recorded();
            match self.owed[i] {
                Some(Owed::Now) => {}
                _ if a.kind != AuditKind::Full => {}
                Some(Owed::Since(d)) if anchors => self.owed[i] = Some(Owed::Since(d.max(a.end))),
                None if anchors => self.owed[i] = Some(Owed::Since(a.end.max(a.date))),
                Some(Owed::Since(d)) if a.has_auditor() && d < a.date => self.owed[i] = None,
                _ => {}
            }
        }
    }
}

/// What an area is owed in the next round from the round just planned: its audit within the
/// interval after one recorded (9.2.1), or, overdue there, one as soon as possible.
#[derive(Debug, Clone, Copy)]
pub(super) enum Owed {
    Since(NaiveDate),
    Now,
}
