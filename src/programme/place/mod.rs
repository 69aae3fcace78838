//! Placing a round's audits on days and auditors (ISO/IEC 27001:2022 9.2.2: "planning
//! requirements"; ISO 19011:2018 5.4 and 5.5.4: competence, objectivity, availability).
//!
//! An audit goes to an independent auditor who can reach the area's site, is not away, and has
//! not reached their cap of audit days for the round or the year; it takes `audit_days`
//! consecutive open days of that auditor. A round's audits are spread evenly over the
//! `round_weeks` before its last day, each to the least-loaded auditor near its own target day;
//! only when those weeks are full do audits move earlier in the round. Where there is a choice,
//! an area does not get the auditor of its previous audit (rotation), and nobody is audited in
//! two audits on one day (the owner and team of each area). Audits behind their schedule take
//! the first free days instead.
//!
//! Names used below:
//! - *area*, *auditor*, *person*: indices into the register's scope, its auditors, and everyone
//!   audited or auditing (owners, teams, auditors), as [`Index`] numbers them;
//! - *rank*: an auditor's place in id order, which breaks ties;
//! - *task*: one audit to place, with its window (`from` to `due`);
//! - *group*: the tasks that share a window, placed together;
//! - *audit days*: the consecutive open days one audit takes; *latest*: the last day it may end;
//! - *load*: the audit days an auditor has in the round so far;
//! - *diary*: who is taken on which day, across all rounds planned together.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, Days, NaiveDate};

mod again;
mod diary;
mod pool;

use again::Again;
pub(super) use diary::Diary;
use diary::Owed;
#[cfg(test)]
pub(crate) use diary::RUNS;
use pool::Pool;

use super::busy::{Outward, Walk, nearness};
use super::index::Index;
use super::round::{AreaAudit, At, Behind, FollowUp, Round, Source, Unassigned, sort_stably};
use crate::calendar::Calendar;
use crate::cycle::{months_after, weeks_before};
use crate::register::Register;

/// What the rule asks of one area in one round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Need {
    /// Nothing to plan: out of scope, not required, or a record stands for it.
    Nothing,
    /// An audit to place between `from` and `due`: spread over the round's weeks before `due`,
    /// or, once behind its target (`asap`), on the first free day.
    Plan {
        source: Source,
        from: NaiveDate,
        due: NaiveDate,
        asap: bool,
        behind: Option<Behind>,
        follow_up: Option<FollowUp>,
        /// Whether the rule requires it in this round (else the programme prefers it here).
        required: bool,
    },
    /// Required, and the external audit has passed without it.
    Missed { due: NaiveDate, behind: Behind, follow_up: Option<FollowUp> },
}

/// What the rule asks of one area in one round: `now`, as things stand today; and, in a round
/// under way, `planned`: the audit as the round planned it before today (from its window's
/// first day, not from today), which keeps its day while that day is ahead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Wanted {
    pub area: At,
    pub now: Need,
    pub planned: Option<Need>,
    /// With `planned`: the record that stands for the audit, in its place.
    pub pin: Option<At>,
    /// The area's lead day in the round (its audit is late after it) ...
    pub lead: NaiveDate,
    /// ... and the last day its audit can be held for the round.
    pub latest: NaiveDate,
    /// Required in the round, and booked only after its lead: the booking is late.
    pub booked_late: bool,
}

/// Places a round's audits for one programme: its register, look-ups, working calendar and day.
pub(super) struct Placer<'p, 'r> {
    pub register: &'r Register,
    pub index: &'p Index,
    pub calendar: &'p Calendar,
    /// The calendars of sites with closures of their own, and which (if any) each area's is.
    pub sites: &'p SiteCalendars,
    pub today: NaiveDate,
    /// The first day anything newly planned may take: `notice_days` open days after today.
    pub notice: NaiveDate,
}

/// The working calendars of the sites that have closures of their own: the organisation's, with
/// the site's closures besides (`sites[].closed`). Empty where no site has any.
#[derive(Debug, Default)]
pub(crate) struct SiteCalendars {
    calendars: Vec<Calendar>,
    /// Per area of the scope, its site's calendar in `calendars`.
    of_area: Vec<Option<u32>>,
}

impl SiteCalendars {
    pub(crate) fn new(register: &Register) -> Self {
        let sites: Vec<_> =
            register.profile.sites.iter().filter(|s| !s.closed.is_empty() || !s.closed_yearly.is_empty()).collect();
        if sites.is_empty() {
            return SiteCalendars::default();
        }
        let calendars = (sites.iter())
            .map(|s| {
                let mut settings = register.settings.clone();
                settings.blackouts.extend(s.closed.iter().cloned());
                settings.yearly.extend(s.closed_yearly.iter().cloned());
                Calendar::new(&settings)
            })
            .collect();
        let of_area = (register.scope.iter())
            .map(|a| {
                let site = a.site.as_deref()?;
                sites.iter().position(|s| crate::register::same_id(&s.id, site)).map(|k| k as u32)
            })
            .collect();
        SiteCalendars { calendars, of_area }
    }
}

impl SiteCalendars {
    /// Whether no site has closures of its own.
    pub(crate) fn is_empty(&self) -> bool {
        self.calendars.is_empty()
    }

    /// The calendar of the site of the area at `area` in the scope, where it has closures of
    /// its own.
    pub(crate) fn of(&self, area: usize) -> Option<&Calendar> {
        self.of_area.get(area).copied().flatten().map(|k| &self.calendars[k as usize])
    }
}

impl<'p> Placer<'p, '_> {
    /// The working calendar of `area`'s site: the organisation's, with the site's closures.
    pub(super) fn calendar_of(&self, area: usize) -> &'p Calendar {
        self.sites.of(area).unwrap_or(self.calendar)
    }
}

/// One audit to place.
#[derive(Debug, Clone, Copy)]
struct Task {
    area: At,
    source: Source,
    from: NaiveDate,
    due: NaiveDate,
    asap: bool,
    behind: Option<Behind>,
    follow_up: Option<FollowUp>,
    /// Whether the rule requires it in the round (else the programme prefers it there).
    required: bool,
    /// In a round under way, the audit as planned before today (see [`Wanted::planned`]).
    as_planned: bool,
    /// The record that stands in its place: not placed, its auditor's day counted instead.
    pin: Option<At>,
}

/// A day found for an auditor, with what it costs: the auditor audited the area last time
/// (rotation), or someone in the area is already audited that day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Choice {
    repeat: bool,
    clash: bool,
    load: u32,
    rank: usize,
    start: NaiveDate,
    end: NaiveDate,
}

/// Audit days per auditor in the round.
struct Load {
    days: Vec<u32>,
    /// The records counted in the place of planned audits (see [`Task::pin`]), by auditor and day.
    pinned: HashSet<(usize, NaiveDate)>,
}

/// The state of one group of audits with the same window, while it is placed.
struct Group {
    /// The spread weeks' open days.
    days: Vec<NaiveDate>,
    /// Per auditor: their free days in the spread weeks (listed when first needed).
    free: Vec<Option<Vec<NaiveDate>>>,
    /// Per auditor: those of their free days on which they are not audited themselves (listed
    /// when first needed).
    calm: Vec<Option<Vec<NaiveDate>>>,
    /// Per auditor: the latest day before the spread weeks that may still be free.
    before: Vec<Option<NaiveDate>>,
    /// Per auditor: the earliest day that may still be free (for audits placed first-free).
    after: Vec<NaiveDate>,
    /// Per auditor: nothing left in this group's window.
    done: Vec<bool>,
    /// Per phase, the auditors who may still have a day in it, by load then id: an auditor
    /// whose spread weeks are full leaves the first; one with no day left in the window, or at
    /// their cap for the round, both. So a full round moves on, or gives up on an area, without
    /// asking every auditor again.
    open: [Pool; 2],
    /// The auditors who left both, as (load, rank) when they left ...
    gone: Pool,
    /// ... of them, those under their cap for the round when they left ...
    gone_under_cap: Pool,
    /// ... and, per auditor, whether they left.
    left: Vec<bool>,
    /// Per person: in an audit on every day of the spread weeks (days only fill while a group
    /// is placed, so this stays true once it is). Grown as people are found so.
    full: Vec<bool>,
}

impl Group {
    fn new(days: Vec<NaiveDate>, before: Option<NaiveDate>, after: NaiveDate, load: &Load, index: &Index) -> Self {
        let auditors = load.days.len();
        let pool = Pool::new(index, load);
        Group {
            days,
            free: vec![None; auditors],
            calm: vec![None; auditors],
            before: vec![before; auditors],
            after: vec![after; auditors],
            done: vec![false; auditors],
            open: [pool.clone(), pool],
            gone: Pool::default(),
            gone_under_cap: Pool::default(),
            left: vec![false; auditors],
            full: Vec::new(),
        }
    }

    /// Auditor `key`'s load in the round changes to `now`.
    fn reload(&mut self, index: &Index, key: (u32, usize), now: u32) {
        for pool in &mut self.open {
            pool.reload(index, key, now);
        }
    }

    /// Auditor `key` has nothing more for this group: out of the search, kept for why not.
    /// `cap` is their cap for the round.
    fn leave(&mut self, index: &Index, key: (u32, usize), cap: Option<u32>) {
        for pool in &mut self.open {
            pool.remove(index, key);
        }
        self.gone.insert(index, key);
        if cap.is_none_or(|cap| key.0 < cap) {
            self.gone_under_cap.insert(index, key);
        }
        self.left[index.rank[key.1]] = true;
    }
}

impl<'r> Placer<'_, 'r> {
    /// Places the audits the rule asks for in `round`: missed ones as markers, the others as
    /// the module says. `diary` is shared by all rounds planned together.
    ///
    /// A round under way is placed as it was planned before today (each area's `planned`), so
    /// that a planned day does not depend on `--today` until it passes; then the audits whose
    /// day passed with nothing recorded (or that found no auditor) are placed again, as things
    /// stand today (`now`), no closer to today than the notice period and on what the others
    /// left: they displace nothing.
    pub(super) fn fill(&self, round: &mut Round<'r>, wanted: &[Wanted], diary: &mut Diary) {
        // Each wanted area adds at most one task, and one audit or marker to the round: room is
        // made once, not by doubling (a list of 50,000 audits is otherwise moved 16 times).
        round.audits.reserve(wanted.len());
        // Independent bookings by area.
        let mut booked: HashMap<usize, Vec<usize>> = HashMap::new();
        for (n, a) in round.audits.iter().enumerate() {
            if let Some(i) = a.area_at().filter(|_| a.source == Source::Booked && a.independent) {
                booked.entry(i).or_default().push(n);
            }
        }
        // A booking after the lead is late, as a planned audit there would be.
        for want in wanted.iter().filter(|w| w.booked_late) {
            for &n in booked.get(&want.area.get()).into_iter().flatten() {
                if round.audits[n].date > want.lead {
                    round.audits[n].behind = Some(Behind::Late);
                }
            }
        }
        let mut first: Vec<(Task, At)> = Vec::with_capacity(wanted.len());
        for (w, want) in wanted.iter().enumerate() {
            match want.planned.unwrap_or(want.now) {
                Need::Plan { .. } => {
                    let task = self.task(want.area.get(), want.planned.unwrap_or(want.now), diary);
                    let planned = want.planned.is_some();
                    first.extend(task.map(|t| (Task { as_planned: planned, pin: want.pin, ..t }, At::new(w))));
                }
                Need::Missed { .. } => self.mark_missed(round, &booked, want.area.get(), want.now, None),
                Need::Nothing => {}
            }
        }
        self.sort(&mut first);
        // Audit days each auditor has in the round so far, from its records, then as planned.
        let mut load = Load { days: vec![0u32; self.register.auditors.len()], pinned: HashSet::new() };
        // (A record that stands in a planned audit's place counts when that audit is placed,
        // where its auditor has no cap for the round; else from the start, as the cap is.)
        let pins: HashSet<(usize, NaiveDate)> = (first.iter().filter_map(|(t, _)| t.pin))
            .filter_map(|r| Some((self.index.record_auditor[r.get()]?, self.register.audits[r.get()].date)))
            .filter(|(j, _)| diary.round_cap[*j].is_none())
            .collect();
        // A record of several areas is one audit; one of several days takes each of its open
        // days (as the cap counts them).
        let recorded: HashMap<(usize, NaiveDate), NaiveDate> = (round.audits.iter())
            .filter(|a| a.source.is_recorded())
            .filter_map(|a| Some(((a.auditor_at()?, a.date), a.end)))
            .filter(|(k, _)| !pins.contains(k))
            .collect();
        for ((auditor, start), end) in recorded {
            load.days[auditor] += (self.calendar.open_days(start, end).count() as u32).max(1);
        }
        let placed_from = round.audits.len();
        self.place_all(round, &first, &mut load, diary);
        // What the round under way planned for a day that passed, or could not place: as it
        // stands today. Its place in the round is freed (for a yearly cap: the day was not used).
        let mut again: Vec<Again> = Vec::new();
        // Those never placed are kept in `first`'s room, in order, over the tasks already read:
        // a round of 100,000 areas whose days passed does not hold a second list of them.
        let mut kept = 0;
        let mut gone = vec![false; round.audits.len()];
        for q in 0..first.len() {
            let (planned, w) = first[q];
            let want = &wanted[w.get()];
            let a = &round.audits[placed_from + q];
            if want.pin.is_some() {
                gone[placed_from + q] = true;
                continue;
            }
            if want.planned.is_none() || (a.has_auditor() && a.date >= self.today) {
                continue;
            }
            gone[placed_from + q] = true;
            match a.auditor_at() {
                // Placed again as the days passed, whatever is asked of it today (see
                // `Placer::replay`), so that no day given depends on today.
                Some(auditor) => again.push(Again {
                    area: want.area.get(),
                    now: want.now,
                    planned,
                    lead: want.lead,
                    latest: want.latest,
                    auditor,
                    start: a.date,
                    end: a.end,
                    passed: None,
                }),
                // Never placed: as things stand today, after the notice period.
                None => {
                    if let Some(mut task) = self.task(want.area.get(), want.now, diary) {
                        (task.asap, task.from) = (true, task.from.max(self.notice.min(task.due)));
                        // (`kept` <= `q`: the slot written was read already.)
                        first[kept] = (task, w);
                        kept += 1;
                    } else {
                        self.mark_missed(round, &booked, want.area.get(), want.now, None);
                    }
                }
            }
        }
        let mut gone = gone.into_iter();
        round.audits.retain(|_| !gone.next().unwrap_or(false));
        first.truncate(kept);
        let mut others = first;
        self.replay(round, again, &booked, &mut load, diary);
        self.sort(&mut others);
        self.place_all(round, &others, &mut load, diary);
        round.sort_audits(self.index.id_order());
        diary.remember(round);
    }

    /// The task for area `i`'s planned audit `need`, capped by the interval after its audit
    /// before.
    fn task(&self, i: usize, need: Need, diary: &Diary) -> Option<Task> {
        let Need::Plan { source, from, due, asap, behind, follow_up, required } = need else { return None };
        // Never more than the interval after the area's audit before (9.2.1), where the round's
        // window allows.
        let months = self.register.settings.max_months_between_rounds;
        // (An audit the rule does not require here is not pulled forward for it.)
        let (due, late) = match diary.owed[i].filter(|_| required) {
            Some(Owed::Since(d)) => {
                let cap = self.calendar.open_on_or_before(months_after(d, months));
                (if cap >= from && cap < due { cap } else { due }, cap < from)
            }
            Some(Owed::Now) => (due, true),
            None => (due, false),
        };
        // Already past it, or overdue in the round before: as soon as possible, a catch-up.
        let asap = asap || late;
        let source = if late { Source::CatchUp } else { source };
        Some(Task {
            area: At::new(i),
            source,
            from,
            due,
            asap,
            behind,
            follow_up,
            required,
            as_planned: false,
            pin: None,
        })
    }

    /// Marks area `i` as missed in the round (`need` is [`Need::Missed`]): a booking that passed
    /// unheld is the overdue audit; otherwise a marker, with the day the plan had for it.
    fn mark_missed(
        &self,
        round: &mut Round<'r>,
        booked: &HashMap<usize, Vec<usize>>,
        i: usize,
        need: Need,
        passed: Option<NaiveDate>,
    ) {
        let Need::Missed { due, behind, follow_up } = need else { return };
        if let Some(positions) = booked.get(&i) {
            for &n in positions {
                round.audits[n].behind = Some(behind);
                round.audits[n].due = due;
                round.audits[n].follow_up = follow_up;
            }
        } else {
            let mut marker = AreaAudit::new(&self.register.scope[i].id, due, Source::Missed);
            marker.area_index = Some(At::new(i));
            marker.behind = Some(behind);
            marker.follow_up = follow_up;
            marker.passed = passed;
            round.audits.push(marker);
        }
    }

    /// Audits behind first, then the narrowest windows; within a window, the longest audits
    /// (before shorter ones cut the days up) and the most constrained areas (fewest independent
    /// auditors) choose first, then by id (through their places: see [`sort_stably`]).
    fn sort(&self, tasks: &mut [(Task, At)]) {
        let index = self.index;
        sort_stably(tasks, |(task, _)| {
            let eligible = index.eligible(task.area.get());
            let days = std::cmp::Reverse(index.audit_days[task.area.get()]);
            // (The window's length in days, as a number: a duration costs more to compare.)
            let window = task.due.num_days_from_ce() - task.from.num_days_from_ce();
            (!task.asap, window, task.from, task.due, days, eligible, index.area_rank[task.area.get()])
        });
    }

    /// Places sorted `tasks`, a group of those sharing a window at a time, one audit each, in
    /// their order.
    fn place_all(&self, round: &mut Round<'r>, tasks: &[(Task, At)], load: &mut Load, diary: &mut Diary) {
        let mut start = 0;
        while start < tasks.len() {
            let task = tasks[start].0;
            let same = |(u, _): &&(Task, At)| (u.asap, u.from, u.due) == (task.asap, task.from, task.due);
            let end = start + tasks[start..].iter().take_while(same).count();
            self.place_group(round, &tasks[start..end], load, diary);
            start = end;
        }
    }

    /// Places audits that share a window (`from`, `due`, and whether they are behind).
    fn place_group(&self, round: &mut Round<'r>, tasks: &[(Task, At)], load: &mut Load, diary: &mut Diary) {
        let calendar = &self.calendar;
        let index = &self.index;
        let (from, due, asap) = (tasks[0].0.from, tasks[0].0.due, tasks[0].0.asap);
        // The spread weeks: the `round_weeks` up to the window's last day, not before its first.
        let spread_from = weeks_before(due, self.register.settings.round_weeks).succ_opt().unwrap_or(due).max(from);
        let days: Vec<NaiveDate> = if asap { Vec::new() } else { calendar.open_days(spread_from, due).collect() };
        let before_spread = spread_from.pred_opt().map(|d| calendar.open_on_or_before(d)).filter(|d| *d >= from);
        let mut group = Group::new(days, before_spread, calendar.open_on_or_after(from), load, index);
        // Round 0's audits that miss the lead, placed after it: one group for all of them.
        let mut late_group: Option<Group> = None;
        for (q, (task, _)) in tasks.iter().enumerate() {
            // A record in its place: its auditor's day counts here, as the audit would have.
            if let Some(r) = task.pin {
                let uncapped = |j: &usize| diary.round_cap[*j].is_none();
                if let Some(j) = index.record_auditor[r.get()]
                    .filter(uncapped)
                    .filter(|&j| load.pinned.insert((j, self.register.audits[r.get()].date)))
                {
                    let key = (load.days[j], index.rank_of[j]);
                    load.days[j] += 1;
                    group.reload(index, key, load.days[j]);
                }
                round.audits.push(AreaAudit::new(&self.register.scope[task.area.get()].id, task.due, task.source));
                continue;
            }
            // Evenly over the spread weeks, in the order the audits choose.
            let target = (!group.days.is_empty())
                .then(|| group.days[((2 * q + 1) * group.days.len() / (2 * tasks.len())).min(group.days.len() - 1)]);
            let mut placed = self.choose(task, target, &mut group, diary);
            let mut behind = task.behind;
            // An audit with no room before the lead is held after it rather than not at all,
            // up to the external audit (late: a warning, the lead being practice); round 0's up
            // to Stage 2, which verifies them (ISO/IEC 17021-1 9.3.1.3), and `check` says Stage 1
            // is too close. (An audit already behind, or due before today, has what is left of
            // the window already; not one as planned before today.)
            let in_time = due >= self.today || task.as_planned;
            if placed.is_err() && (round.cycle == 0 || (task.behind.is_none() && in_time)) {
                let last = calendar.open_before(round.window_end);
                if let Some(next) = due.succ_opt().filter(|n| *n <= last) {
                    let late = Task { from: next.max(task.from), due: last, asap: true, ..*task };
                    let after = calendar.open_on_or_after(late.from);
                    let lates = late_group.get_or_insert_with(|| Group::new(Vec::new(), None, after, load, index));
                    if let Ok(choice) = self.choose(&late, None, lates, diary) {
                        placed = Ok(choice);
                        behind = Some(Behind::Late);
                    }
                }
            }
            let mut audit = AreaAudit::new(&self.register.scope[task.area.get()].id, due, task.source);
            audit.area_index = Some(task.area);
            audit.from = Some(task.from);
            audit.behind = behind;
            audit.follow_up = task.follow_up;
            match placed {
                Ok(choice) => {
                    let auditor = index.rank[choice.rank];
                    diary.take(auditor, index.people(task.area.get()), choice.start, choice.end, calendar);
                    let key = (load.days[auditor], choice.rank);
                    load.days[auditor] += calendar.open_days(choice.start, choice.end).count() as u32;
                    group.reload(index, key, load.days[auditor]);
                    if let Some(lates) = late_group.as_mut() {
                        lates.reload(index, key, load.days[auditor]);
                    }
                    if let Some(free) = group.free[auditor].as_mut() {
                        free.retain(|d| *d < choice.start || *d > choice.end);
                    }
                    audit.date = choice.start;
                    audit.end = choice.end;
                    // Moved past the lead: due on its own last day, before Stage 2 (which verifies it).
                    audit.due = due.max(choice.end);
                    audit.auditor_index = Some(At::new(auditor));
                }
                Err(why) => audit.unassigned = Some(why),
            }
            round.audits.push(audit);
        }
    }

    /// The best auditor and days for `task`: by [`Choice`]'s order (no repeat of the last auditor,
    /// no auditee clash, least load, then id), within the spread weeks near `target`, else
    /// earlier in the window (latest first), or from the first day for audits behind.
    fn choose(
        &self,
        task: &Task,
        target: Option<NaiveDate>,
        group: &mut Group,
        diary: &Diary,
    ) -> Result<Choice, Unassigned> {
        let index = &self.index;
        let people = index.people(task.area.get());
        let audit_days = index.audit_days[task.area.get()];
        let rotate = self.register.settings.rotation;
        let previous = diary.last[task.area.get()].map(At::get);
        // Only auditors who audit the area's site are asked; of them, whether one is independent
        // of the area and under their cap for the round says why not, where nobody has a day.
        let site = index.site(task.area.get());
        let (mut reachable, mut capped) = (false, true);
        let mut best: Option<Choice> = None;
        // Once a choice is in hand (with a clash, or the last auditor again), a few more
        // auditors, and a few more of their days in all, are tried for a better one: in a
        // crowded round an audit costs no more to place than in a quiet one.
        const MORE_AUDITORS: usize = 16;
        let mut probes = Probes { left: MORE_PROBES, in_hand: false, avoidable: None };
        for phase in [Phase::Spread, Phase::Earlier] {
            let mut further = 0;
            let set = phase as usize;
            let mut next = group.open[set].next(index, site, None);
            while let Some((load, rank)) = next {
                next = group.open[set].next(index, site, Some((load, rank)));
                if best.is_some() {
                    further += 1;
                    if further > MORE_AUDITORS || probes.left == 0 {
                        break;
                    }
                }
                let auditor = index.rank[rank];
                if !index.may_audit(task.area.get(), auditor) {
                    continue;
                }
                reachable = true;
                if let Some(cap) = diary.round_cap[auditor] {
                    // At the cap, nothing more this round (loads only grow): out of the search.
                    if load >= cap {
                        group.leave(index, (load, rank), Some(cap));
                        continue;
                    }
                    if load + audit_days > cap {
                        continue;
                    }
                }
                capped = false;
                let repeat = rotate && previous == Some(auditor);
                // A worse choice than the best so far cannot win: skip the search.
                if best.is_some_and(|b| (b.repeat, b.clash) <= (repeat, false)) {
                    continue;
                }
                probes.in_hand = best.is_some();
                let found = match (phase, target) {
                    (Phase::Spread, Some(target)) => {
                        let site = self.calendar_of(task.area.get());
                        self.near(auditor, (audit_days, site), task.due, target, people, group, diary, &mut probes)
                    }
                    (Phase::Spread, None) => self.first(auditor, audit_days, task, people, group, diary, &mut probes),
                    (Phase::Earlier, _) if task.asap => None,
                    (Phase::Earlier, _) => self.earlier(auditor, audit_days, task, group, diary),
                };
                let Some((start, end, clash)) = found else {
                    if group.done[auditor] {
                        group.leave(index, (load, rank), diary.round_cap[auditor]);
                    } else if phase == Phase::Spread && group.free[auditor].as_ref().is_some_and(Vec::is_empty) {
                        group.open[set].remove(index, (load, rank));
                    }
                    continue;
                };
                let clash = clash && probes.avoidable(&group.days, people, diary, target.is_some(), &mut group.full);
                let choice = Choice { repeat, clash, load, rank, start, end };
                if best.is_none_or(|b| choice < b) {
                    best = Some(choice);
                }
                if !choice.repeat && !choice.clash {
                    break;
                }
            }
            if let Some(choice) = best {
                return Ok(choice);
            }
        }
        // Why not: the auditors who left the group had no day left (or reached their cap), but
        // whether one of them would otherwise have served this area (independent, under a cap)
        // is asked only when those still in it do not already say "no free day".
        let mut next = group.gone.next(index, site, None);
        if (!reachable || capped) && group.gone_under_cap.next(index, site, None).is_none() {
            // All who left and reach the site are at their cap (`capped` stands, as an audit
            // takes a day at least): whether one is independent of the area is counted, as
            // those who left less those kept from the area, not asked of each. In a crowded
            // round with caps, most audits that find nobody end here.
            let kept = (index.kept_from(task.area.get()))
                .filter(|&j| group.left[j] && index.reaches(task.area.get(), j))
                .count();
            reachable |= group.gone.count(index, site) > kept;
            next = None;
        }
        while let Some((load, rank)) = next.filter(|_| !reachable || capped) {
            next = group.gone.next(index, site, Some((load, rank)));
            let auditor = index.rank[rank];
            if index.may_audit(task.area.get(), auditor) {
                reachable = true;
                capped &= diary.round_cap[auditor].is_some_and(|cap| load + audit_days > cap);
            }
        }
        Err(if !reachable && index.eligible(task.area.get()) == 0 {
            Unassigned::NoneIndependent
        } else if !reachable {
            Unassigned::NoAuditorForSite
        } else if capped {
            Unassigned::RoundCap
        } else {
            Unassigned::NoFreeDay
        })
    }

    /// The days nearest `target` in the spread weeks with a run of `audit_days` free days for `auditor` (the
    /// later one on a tie), preferring one with no auditee clash among the next few: a busy
    /// auditee moves an audit a little, not weeks from where the spread puts it, and the
    /// search stays short however crowded the round.
    #[allow(clippy::too_many_arguments)]
    fn near(
        &self,
        auditor: usize,
        (audit_days, calendar): (u32, &Calendar),
        due: NaiveDate,
        target: NaiveDate,
        people: &[usize],
        group: &mut Group,
        diary: &Diary,
        probes: &mut Probes,
    ) -> Option<(NaiveDate, NaiveDate, bool)> {
        let days = &group.days;
        let free = group.free[auditor].get_or_insert_with(|| diary.free_days(auditor, days));
        if free.len() < audit_days as usize {
            return None;
        }
        let (mut nearest, mut taken) = (None, false);
        for k in Outward::new(free, target) {
            if probes.left == 0 {
                break;
            }
            if let Some(end) = diary.run(auditor, free[k], audit_days, due, calendar) {
                nearest = Some((free[k], end));
                break;
            }
            // A day no longer free (the yearly cap reached) stays so while the group is placed.
            taken |= !diary.free(auditor, free[k]);
            probes.tried(false);
        }
        if taken {
            free.retain(|d| diary.free(auditor, *d));
        }
        let (start, end) = nearest?;
        // Where no day is free of the area's people, the nearest day will do.
        if !diary.clash(auditor, people, start, end) || !probes.avoidable(days, people, diary, true, &mut group.full) {
            return Some((start, end, false));
        }
        probes.tried(true);
        // A day without a clash is one on which the auditor is not audited themselves: only
        // those are tried. The list is made when first needed and loses days as the auditor's
        // own audits fill them (days only ever fill while a group is placed), so a crowded
        // round costs a few tries per audit, not a walk over every free day.
        let me = diary.auditor_person[auditor];
        let calm = group.calm[auditor].get_or_insert_with(|| diary.people.not_on(me, free));
        let (mut better, mut filled) = (None, false);
        // Days up to `start` in the outward order were tried above: `start` clashes, the nearer
        // ones had no run.
        let target_day = target.num_days_from_ce();
        for k in
            Outward::new(calm, target).skip_while(|&k| nearness(calm[k], target_day) <= nearness(start, target_day))
        {
            if probes.left == 0 {
                break;
            }
            let d = calm[k];
            if diary.people.on(me, d) {
                filled = true;
                continue;
            }
            // One of the area's people in another audit that day (the auditor is not, above): any
            // run from it clashes, so none is looked for (in a crowded round, most days are such).
            if people.iter().any(|&p| diary.people.on(p, d)) {
                probes.tried(true);
                continue;
            }
            if let Some(e) =
                diary.run(auditor, d, audit_days, due, calendar).filter(|e| !diary.clash(auditor, people, d, *e))
            {
                better = Some((d, e, false));
                break;
            }
            probes.tried(true);
        }
        if filled {
            diary.people.keep_not_on(me, calm);
        }
        better.or(Some((start, end, true)))
    }

    /// The latest run of `audit_days` free days for `auditor` before the spread weeks, in the task's window.
    fn earlier(
        &self,
        auditor: usize,
        audit_days: u32,
        task: &Task,
        group: &mut Group,
        diary: &Diary,
    ) -> Option<(NaiveDate, NaiveDate, bool)> {
        let calendar = &self.calendar;
        // Days at the cursor that are not free stay so: the cursor moves past them for good.
        let mut d = group.before[auditor];
        while let Some(day) = d.filter(|day| *day >= task.from && !diary.free(auditor, *day)) {
            d = day.pred_opt().map(|p| calendar.open_on_or_before(p));
        }
        group.before[auditor] = d.filter(|day| *day >= task.from);
        let Some(mut s) = group.before[auditor] else {
            group.done[auditor] = group.free[auditor].as_ref().is_some_and(Vec::is_empty);
            return None;
        };
        // The cursor moves on the organisation's calendar (it serves every area); the audit's
        // days are the area's site's.
        let site = self.calendar_of(task.area.get());
        loop {
            if let Some(end) = diary.run(auditor, s, audit_days, task.due, site) {
                let clash = diary.clash(auditor, self.index.people(task.area.get()), s, end);
                return Some((s, end, clash));
            }
            s = site.open_on_or_before(s.pred_opt()?);
            if s < task.from {
                return None;
            }
        }
    }

    /// The first run of `audit_days` free days for `auditor` from the task's first day (for audits behind),
    /// preferring, among the next few, one with no auditee clash.
    #[allow(clippy::too_many_arguments)]
    fn first(
        &self,
        auditor: usize,
        audit_days: u32,
        task: &Task,
        people: &[usize],
        group: &mut Group,
        diary: &Diary,
        probes: &mut Probes,
    ) -> Option<(NaiveDate, NaiveDate, bool)> {
        let calendar = &self.calendar;
        let mut d = group.after[auditor];
        while d <= task.due && !diary.free(auditor, d) {
            d = calendar.open_on_or_after(d.succ_opt()?);
        }
        group.after[auditor] = d;
        if d > task.due {
            group.done[auditor] = true;
            return None;
        }
        let mut fallback = None;
        let mut walk: Option<Walk<'_>> = None;
        let site = self.calendar_of(task.area.get());
        while d <= task.due && probes.left > 0 {
            // With a run in hand, a day on which one of the area's people (or the auditor) is in
            // another audit can only give one that clashes: no run is looked for. Their days
            // are walked along with `d`, not searched day by day.
            let busy = walk.as_mut().is_some_and(|walk| walk.any_on(d));
            let run = if busy { None } else { diary.run(auditor, d, audit_days, task.due, site) };
            if let Some(end) = run {
                if !diary.clash(auditor, people, d, end) {
                    return Some((d, end, false));
                }
                if fallback.is_none() {
                    walk = Some(Walk::new(diary.everyone(auditor, people).map(|p| diary.people.days(p)), d));
                }
                fallback.get_or_insert((d, end, true));
            }
            probes.tried(fallback.is_some());
            d = site.open_on_or_after(d.checked_add_days(Days::new(1))?);
        }
        fallback
    }
}

/// How many more days a search tries, across auditors, once it has a choice in hand (one with
/// an auditee clash, or the area's last auditor again) for a better one.
const MORE_PROBES: usize = 64;

/// The days a search may still try for a better choice than the one in hand.
struct Probes {
    left: usize,
    /// Whether an earlier auditor gave a choice already.
    in_hand: bool,
    /// Whether an auditee clash can be avoided at all (see [`Probes::avoidable`]).
    avoidable: Option<bool>,
}

impl Probes {
    /// Whether a day of the spread weeks is free of the area's people: where none is, a clash
    /// cannot be avoided and is no reason to look further. Asked once per audit, when the first
    /// clash is found; an audit placed first-free (no spread) always looks a little further.
    /// `full` marks the people found in an audit every day, so that in a crowded round the
    /// question is answered without looking at the days again.
    fn avoidable(
        &mut self,
        days: &[NaiveDate],
        people: &[usize],
        diary: &Diary,
        spread: bool,
        full: &mut Vec<bool>,
    ) -> bool {
        *self.avoidable.get_or_insert_with(|| {
            if !spread {
                return true;
            }
            if people.iter().any(|&p| full.get(p) == Some(&true)) {
                return false;
            }
            let free = diary.people.any_day_free(people, days);
            if !free {
                for &p in people.iter().filter(|&&p| !diary.people.any_day_free(&[p], days)) {
                    if full.len() <= p {
                        full.resize(p + 1, false);
                    }
                    full[p] = true;
                }
            }
            free
        })
    }

    /// Counts a day tried, when there is a choice in hand (here or from an earlier auditor).
    fn tried(&mut self, in_hand_here: bool) {
        if self.in_hand || in_hand_here {
            self.left = self.left.saturating_sub(1);
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Within the spread weeks (or, for audits behind, from the first free day).
    Spread,
    /// Earlier in the round, when the spread weeks are full.
    Earlier,
}
