//! Audits of a round under way placed again after their planned day passed with nothing
//! recorded (see [`Placer::replay`]), so that no day given depends on today until it passes.

use std::cell::Cell;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use chrono::NaiveDate;

use super::super::busy::{Busy, Walk};
use super::super::round::{AreaAudit, At, Behind, Round, Unassigned};
use super::{Diary, Load, Need, Placer, Task};
use crate::calendar::Calendar;

/// An audit of a round under way whose planned day passed, as it is placed again (see
/// [`Placer::replay`]): what the round planned, what is asked of the area today, and its
/// auditor and days as last given.
pub(super) struct Again {
    pub(super) area: usize,
    /// What is asked of the area today: decides only what is shown.
    pub(super) now: Need,
    /// The task as planned: its window's first day, and whether the rule requires it.
    pub(super) planned: Task,
    /// The area's lead day in the round: one the rule does not require is not placed after it.
    pub(super) lead: NaiveDate,
    /// The last day it can be held for the round.
    pub(super) latest: NaiveDate,
    pub(super) auditor: usize,
    pub(super) start: NaiveDate,
    pub(super) end: NaiveDate,
    /// The last of its days that passed.
    pub(super) passed: Option<NaiveDate>,
}

/// The days an audit placed again may take (see [`Placer::replay`]): from `from` (the notice
/// after the day that passed), not before `after`, up to `last`.
struct Span {
    from: NaiveDate,
    after: NaiveDate,
    last: NaiveDate,
}

/// Who was given days that passed too, while audits are placed again: per auditor, and per
/// person (auditees, auditors), their days, in order. A person's list holds each day once, so it
/// stays within the round's days however many audits are placed again; days mostly come in
/// order, so a day is mostly added at the end.
struct Passed {
    auditors: Busy,
    people: Busy,
    /// Per auditor, a stretch of days on which they are taken for good, grown as walks reach it
    /// (see [`Passed::past_taken`]). In a cell: [`Placer::first_run`] holds the people's lists
    /// (for its walk) across the loop that also asks for the stretch.
    stretch: Vec<Cell<Option<(NaiveDate, NaiveDate)>>>,
}

impl Passed {
    /// A day from open day `d` on before which `auditor` is taken for good on every day open on
    /// the organisation's `calendar` from `d` (`d` itself where they are not): in an audit (in
    /// the diary, or given and passed) or away. Days are only ever taken while audits are
    /// placed again, so a stretch found stays taken and is stepped over at once the next time:
    /// an auditor's audits placed again walk the same busy weeks, and in a crowded round they
    /// are long. (A yearly cap is not for good: an audit that did not take place gives its
    /// days back.)
    fn past_taken(&self, auditor: usize, d: NaiveDate, diary: &Diary, calendar: &Calendar) -> NaiveDate {
        let known = self.stretch[auditor].get();
        let taken = |d| diary.taken.on(auditor, d) || diary.away[auditor].contains(d) || self.auditors.on(auditor, d);
        let mut e = d;
        loop {
            // The stretch found before is stepped over whole.
            if let Some((from, to)) = known
                && from <= e
                && e < to
            {
                e = to;
            }
            if !taken(e) {
                break;
            }
            let Some(next) = e.succ_opt() else { break };
            e = calendar.open_on_or_after(next);
        }
        // A walk into or on from the stretch found before makes one stretch with it: walks that
        // start inside it (an auditor's audits placed again start on its later days) do not
        // lose its start, and one that ends before it leaves it be.
        let stretch = match known {
            Some((from, to)) if from <= d && d <= to => Some((from, e)),
            Some((from, _)) if e < from => known,
            _ => (e > d).then_some((d, e)),
        };
        self.stretch[auditor].set(stretch.or(known));
        e
    }
}

/// How many more days an audit placed again tries for one without an auditee clash, once it has
/// one with.
const CLASH_TRIES: usize = 30;

impl<'r> Placer<'_, 'r> {
    /// Places again the audits of a round under way whose planned day passed with nothing
    /// recorded, as the days passed: each, when its day passes, goes to its auditor's first free
    /// run of days the notice period after it (up to the round's end: late past its due day),
    /// and again when that day passes, up to today. So a day given again does not depend on
    /// today either until it passes, each came with the notice period, and none displaces an
    /// audit whose day is still ahead. One whose auditor has no day left goes to another who
    /// has; with none, it is left without an auditor.
    pub(super) fn replay(
        &self,
        round: &mut Round<'r>,
        mut again: Vec<Again>,
        booked: &HashMap<usize, Vec<usize>>,
        load: &mut Load,
        diary: &mut Diary,
    ) {
        let calendar = self.calendar;
        let round_last = calendar.open_before(round.window_end);
        let mut days: BinaryHeap<Reverse<(NaiveDate, u32, usize)>> =
            again.iter().enumerate().map(|(k, a)| Reverse((a.start, self.index.area_rank[a.area], k))).collect();
        let mut lost = vec![false; again.len()];
        // Per auditor: a window (first day, last day, audit days) found without a run of days.
        let mut full: Vec<Option<(NaiveDate, NaiveDate, u32)>> = vec![None; self.register.auditors.len()];
        // The days given that passed too, kept apart from the diary: only the last, not before
        // today, goes into it (a list kept in order, which a day given and passed would grow).
        let mut passed = Passed {
            auditors: Busy::new(self.register.auditors.len()),
            people: Busy::new(self.index.persons),
            stretch: vec![Cell::new(None); self.register.auditors.len()],
        };
        while let Some(Reverse((day, rank, k))) = days.pop() {
            if day >= self.today {
                break;
            }
            let a = &mut again[k];
            // Its first day passed was the plan's, in the diary: it was not held.
            if a.passed.is_none() {
                diary.release_year(a.auditor, a.start, a.end, calendar);
            }
            a.passed = Some(a.start);
            let area = a.area;
            let audit_days = self.index.audit_days[area];
            // (One the rule does not require in the round is not held late for it.)
            let last = if a.planned.required { round_last.min(a.latest) } else { a.lead.min(round_last) };
            let window = Span {
                from: calendar.notice_after(a.end, self.register.settings.notice_days),
                after: a.end.succ_opt().unwrap_or(a.end).max(a.planned.from),
                last,
            };
            // Its auditor; where they have no day left, another who may audit the area, reaches
            // its site and is under their cap for the round, by id.
            let under_cap = |j: usize| diary.round_cap[j].is_none_or(|cap| load.days[j] + audit_days <= cap);
            let others = (0..self.register.auditors.len()).map(|rank| self.index.rank[rank]);
            // (Days are only taken as audits are placed again: an auditor found with no run of
            // days in a window has none in any window within it, for as many days or more.)
            let searched = if window.from <= window.last { window.from.max(window.after) } else { window.after };
            let candidates = std::iter::once(a.auditor).chain(
                others.filter(|&j| j != a.auditor && self.index.may_audit(area, j) && self.index.reaches(area, j)),
            );
            let mut found = None;
            for j in candidates.filter(|&j| j == a.auditor || under_cap(j)) {
                if full[j].is_some_and(|(from, to, days)| from <= searched && window.last <= to && days <= audit_days) {
                    continue;
                }
                match self.first_run(j, area, audit_days, &window, diary, &passed) {
                    Some((start, end)) => {
                        found = Some((j, start, end));
                        break;
                    }
                    None => full[j] = Some((searched, window.last, audit_days)),
                }
            }
            match found {
                Some((j, start, end)) => {
                    if j != a.auditor {
                        load.days[a.auditor] = load.days[a.auditor].saturating_sub(audit_days);
                        load.days[j] += audit_days;
                    }
                    let people = self.index.people(area);
                    if start >= self.today {
                        diary.take(j, people, start, end, calendar);
                    } else {
                        for d in calendar.open_days(start, end) {
                            passed.auditors.insert(j, d);
                            for p in diary.everyone(j, people) {
                                passed.people.insert(p, d);
                            }
                        }
                    }
                    (a.auditor, a.start, a.end) = (j, start, end);
                    days.push(Reverse((start, rank, k)));
                }
                None => lost[k] = true,
            }
        }
        // What is shown: as things stand today, on the days given.
        for (a, lost) in again.into_iter().zip(lost) {
            let task = match a.now {
                Need::Plan { .. } => self.task(a.area, a.now, diary),
                Need::Missed { .. } => {
                    self.mark_missed(round, booked, a.area, a.now, a.passed);
                    continue;
                }
                Need::Nothing => continue,
            };
            let Some(task) = task else { continue };
            let mut audit = AreaAudit::new(&self.register.scope[a.area].id, a.start, task.source);
            audit.area_index = Some(At::new(a.area));
            audit.from = Some(task.from);
            audit.follow_up = task.follow_up;
            audit.passed = a.passed;
            if lost {
                // No auditor has a day left for it in the round.
                (audit.date, audit.end, audit.due) = (task.due, task.due, task.due);
                audit.behind = task.behind;
                audit.unassigned = Some(Unassigned::NoFreeDay);
            } else {
                audit.behind = task.behind.or((a.end > task.due).then_some(Behind::Late));
                audit.end = a.end;
                audit.due = task.due.max(a.end);
                audit.auditor_index = Some(At::new(a.auditor));
            }
            round.audits.push(audit);
        }
    }

    /// `auditor`'s first free run of `audit_days` for area `area` in `window`, from its first
    /// day (where the notice runs past its last day, the last run before it): of it and the few
    /// runs after it, the first on which no auditee of the area is in another audit, else it.
    fn first_run(
        &self,
        auditor: usize,
        area: usize,
        audit_days: u32,
        window: &Span,
        diary: &Diary,
        passed: &Passed,
    ) -> Option<(NaiveDate, NaiveDate)> {
        // The days of the area's site (its closures besides the organisation's).
        let calendar = self.calendar_of(area);
        let forward = window.from <= window.last;
        let mut d = if forward { calendar.open_on_or_after(window.from.max(window.after)) } else { window.last };
        let mut clashing = None;
        let mut walk: Option<Walk<'_>> = None;
        let mut tries = 0;
        while window.after <= d && d <= window.last && tries < CLASH_TRIES {
            // Until a run is found, days the auditor is taken are stepped over whole: the
            // organisation's open days include the site's.
            if forward && clashing.is_none() {
                let free = passed.past_taken(auditor, d, diary, self.calendar);
                if free > d {
                    d = calendar.open_on_or_after(free);
                    continue;
                }
            }
            let people = self.index.people(area);
            let everyone = || diary.everyone(auditor, people);
            // With a run in hand, a day on which one of them is in another audit can only give
            // one that clashes: no run is looked for (in a crowded round, most days are such).
            let busy = clashing.is_some()
                && match &mut walk {
                    Some(walk) => walk.any_on(d),
                    None => diary.clash(auditor, people, d, d) || everyone().any(|p| passed.people.on(p, d)),
                };
            let run = if busy { None } else { diary.run(auditor, d, audit_days, window.last, calendar) };
            if let Some(end) = run.filter(|end| !passed.auditors.between(auditor, d, *end)) {
                let clash =
                    diary.clash(auditor, people, d, end) || everyone().any(|p| passed.people.between(p, d, end));
                if !clash {
                    return Some((d, end));
                }
                if clashing.is_none() && forward {
                    // Whose days are asked from here on, day after day: walked, not searched.
                    let lists = everyone().flat_map(|p| [diary.people.days(p), passed.people.days(p)]);
                    walk = Some(Walk::new(lists, d));
                }
                clashing = clashing.or(Some((d, end)));
            }
            if clashing.is_some() {
                tries += 1;
            }
            let next = if forward { d.succ_opt() } else { d.pred_opt() };
            let Some(next) = next else { break };
            d = if forward { calendar.open_on_or_after(next) } else { calendar.open_on_or_before(next) };
        }
        clashing
    }
}
