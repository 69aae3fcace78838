//! The internal-audit programme (ISO/IEC 27001:2022 clause 9.2): a round of area audits before
//! each external audit, then a management review (9.3) between the round and that audit.
//!
//! Round 0 prepares Stage 1 and audits the whole scope; audits held after Stage 1 and before
//! Stage 2 still count for it (Stage 2 verifies them). Each certificate cycle has three rounds,
//! preparing surveillance 1, surveillance 2 and the recertification. Rounds and reviews are never
//! more than `max_months_between_rounds` apart (9.2.1, 9.3.1: planned intervals).
//!
//! The modules follow the work: `round` (what a programme is made of), `index` (look-ups built
//! once per register), `risk` (which rounds an area must be audited in: the risk rule, a pure
//! function of its past rounds), `place` (days and auditors for the audits a round needs), and
//! this one, which lays out each round's dates and judges every area in it on its record.

mod busy;
mod effort;
mod index;
mod place;
mod risk;
mod round;

use chrono::{Days, NaiveDate};

use crate::calendar::Calendar;
use crate::cycle::{Certificate, Cycle, Epoch, External, ExternalKind, months_after, weeks_after, weeks_before};
use crate::register::{Area, AuditKind, AuditRecord, Register, ReviewRecord, Status};
pub use effort::{Effort, RoundEffort, UNASSIGNED};
use index::Index;
#[cfg(test)]
pub(crate) use place::RUNS;
pub(crate) use place::SiteCalendars;
use place::{Diary, Need, Placer, Wanted};
pub use risk::risk_pattern;
use risk::{AreaState, RoundAt, pattern_by_rank};
pub(crate) use round::At;
pub use round::{AreaAudit, Behind, FollowUp, ROUNDS_PER_CYCLE, Review, Round, RoundName, Source, Unassigned};

/// A round's dates before any area is placed in it.
#[derive(Debug, Clone)]
struct Frame {
    cycle: u32,
    number: u8,
    /// 0 for the round that prepares `prepares`; 1, 2, ... for the interim rounds before it
    /// (see [`Programme::frames`]).
    interim: u8,
    /// The day its audits are held by at the latest: the window's end, or for an interim round
    /// the day its results are for (its window runs on, for what was held late).
    audits_end: NaiveDate,
    prepares: External,
    window_start: Option<NaiveDate>,
    window_end: NaiveDate,
    /// The first day of its cycle (none for round 0), as [`Round::cycle_start`].
    cycle_start: Option<NaiveDate>,
    last_day: NaiveDate,
    lead_day: NaiveDate,
    review: Review,
    review_before_stage2: Option<Review>,
}

impl Frame {
    fn contains(&self, date: NaiveDate) -> bool {
        self.window_start.is_none_or(|w| w <= date) && date < self.window_end
    }

    /// The day its results are for, as [`Round::due`].
    fn due(&self) -> NaiveDate {
        if self.interim > 0 { self.window_end } else { self.prepares.date }
    }
}

/// One area's dates in one round: plan by `target`, the lead ends at `lead`, and the round's
/// window closes (the external audit, or the area leaving the scope) on `end`.
#[derive(Debug, Clone, Copy)]
struct AreaDates {
    from: NaiveDate,
    target: NaiveDate,
    lead: NaiveDate,
    end: NaiveDate,
}

/// The most interim rounds before one external audit: a gap of five intervals (a certificate
/// cannot leave longer between its audits and stay valid).
const MAX_INTERIM_ROUNDS: u8 = 4;
// Each interim round is named by a letter of its own (`C1.2a`): names, and the calendar's keys
// and UIDs made of them, stay apart.
const _: () = assert!(MAX_INTERIM_ROUNDS <= 26);

/// Builds rounds for a register on a given day. `today` decides which records are done, which
/// rounds are over, and so which audits are missed and which still to plan.
pub(crate) struct Programme<'r, 'c> {
    /// The rounds borrow their ids from the register, so its lifetime is theirs.
    register: &'r Register,
    certificate: &'c Certificate,
    today: NaiveDate,
    /// The first day anything newly planned may take (see [`Placer::notice`]).
    notice: NaiveDate,
    pattern: Vec<[bool; ROUNDS_PER_CYCLE]>,
    index: Index,
    calendar: Calendar,
    sites: place::SiteCalendars,
}

impl<'r, 'c> Programme<'r, 'c> {
    pub fn new(register: &'r Register, certificate: &'c Certificate, today: NaiveDate) -> Self {
        let index = Index::new(register);
        let calendar = Calendar::new(&register.settings);
        let notice = calendar.notice_after(today.pred_opt().unwrap_or(today), register.settings.notice_days);
        Programme {
            register,
            certificate,
            today,
            notice,
            pattern: pattern_by_rank(&register.scope, &index.area_rank),
            index,
            calendar,
            sites: place::SiteCalendars::new(register),
        }
    }

    /// The rounds of `epoch`'s cycles `first..=last`, preceded by its round 0 when `round_zero`,
    /// one at a time, each planned as it is asked for: a reader that keeps one round at a time (a
    /// calendar of thirty years) holds one round's audits, not all.
    pub(crate) fn each_round<'p>(
        &'p self,
        epoch: &Epoch,
        first: u32,
        last: u32,
        round_zero: bool,
    ) -> Rounds<'p, 'r, 'c> {
        let frames = self.frames(epoch, last);
        // The rule looks back (medium areas: never two rounds in a row without; an area the last
        // cycle left uncovered is owed), so the cycle before the first one shown is judged too,
        // on what the one before it left: `check` judges it (what it left open), and it is the
        // same cycle the rounds shown were planned after.
        let role = |f: &Frame| {
            let previous = if first > epoch.first_cycle { f.cycle + 1 == first } else { f.cycle == 0 };
            match f.cycle {
                0 if round_zero => Role::Shown,
                n if n > 0 && (first..=last).contains(&n) => Role::Shown,
                _ if previous => Role::Previous,
                _ => Role::Before,
            }
        };
        let start = frames.iter().position(|f| role(f) != Role::Before || f.cycle + 2 >= first).unwrap_or(frames.len());
        let frames: Vec<(Frame, Role)> =
            frames.into_iter().skip(start).map(|f| (role(&f), f)).map(|(r, f)| (f, r)).collect();
        let diary = Diary::new(self.register, &self.index, self.external_days(&frames));
        Rounds {
            programme: self,
            frames,
            next: 0,
            areas: vec![AreaState::default(); self.register.scope.len()],
            diary,
            previous_review: None,
            previous: None,
        }
    }

    /// The days of every certification-body audit, held, booked or planned (first and last day
    /// of each), in the windows of `frames`: no internal audit is planned on them.
    fn external_days(&self, frames: &[(Frame, Role)]) -> Vec<NaiveDate> {
        let from = frames.first().and_then(|(f, _)| f.window_start).unwrap_or(NaiveDate::MIN);
        let to = frames.last().map_or(NaiveDate::MAX, |(f, _)| f.window_end);
        let mut days: Vec<NaiveDate> = (self.certificate.epochs.iter())
            .flat_map(|e| self.certificate.audits_of(e))
            .filter(|e| e.kind.is_audit())
            .flat_map(|e| [e.date, e.end])
            .filter(|d| from <= *d && *d <= to)
            .collect();
        days.sort_unstable();
        days.dedup();
        days
    }

    /// Places this programme's audits (see [`place`]).
    fn placer(&self) -> Placer<'_, 'r> {
        Placer {
            register: self.register,
            index: &self.index,
            calendar: &self.calendar,
            sites: &self.sites,
            today: self.today,
            notice: self.notice,
        }
    }

    /// A planned review takes the round's results (ISO/IEC 27001:2022 9.3.2): it comes after
    /// the round's last audit (held, or planned with an auditor) and never in the past, before
    /// the external audit it prepares; within that, no later than `max_months_between_rounds`
    /// after the review before (9.3.1) where that leaves it after the audits. Where the audits
    /// are all held, a review recorded after the last of them and before the external audit is
    /// the round's (as `check` accepts it), even before the round's last day.
    fn review_after_audits(&self, round: &mut Round, previous: Option<NaiveDate>) {
        let due = round.due();
        if round.review.recorded.is_some() {
            // A review recorded before an audit of the round (held late, or still to be held)
            // cannot take its results: while the external audit is ahead, the round gets a
            // planned one after it (the recorded one is shown too).
            let assigned = |a: &&AreaAudit| a.source != Source::Missed && (a.has_auditor() || a.source.is_recorded());
            let later = round.audits.iter().filter(assigned).any(|a| a.end.max(a.date) > round.review.date);
            if !later || due <= self.today {
                return;
            }
            round.review = Review::planned(round.review.date);
        }
        let planned = round.audits.iter().any(|a| a.has_auditor() && !a.source.is_recorded());
        if !planned {
            let held = round.audits.iter().filter(|a| a.source == Source::Done).map(|a| a.date).max();
            let recorded = held.and_then(|h| self.recorded_review(|r| r.date > h && r.date < due));
            if let Some(r) = recorded {
                round.review = Review::recorded(r, self.today);
                return;
            }
        }
        // The first day it may take: after the last audit (held, booked or planned with an
        // auditor); where no open day is left between it and the external audit, the day of the
        // last audit itself, after it.
        let last = (round.audits.iter())
            .filter(|a| a.source != Source::Missed && (a.has_auditor() || a.source.is_recorded()))
            .map(|a| a.end.max(a.date))
            .max();
        let after_audits = last.and_then(|d| d.succ_opt()).map(|d| self.calendar.open_on_or_after(d));
        let earliest = (after_audits.filter(|d| *d < due))
            .or(last.filter(|d| *d < due && self.calendar.open_on_or_after(*d) == *d));
        let interval = previous.map(|p| {
            self.calendar.open_on_or_before(months_after(p, self.register.settings.max_months_between_rounds))
        });
        let mut day = round.review.date;
        if let Some(l) = interval.filter(|l| *l < day && round.window_contains(*l)) {
            day = l;
        }
        if let Some(e) = earliest.filter(|e| *e > day) {
            day = e;
        }
        // A day that passed, the external audit still ahead: planned again the notice period
        // after it, and again after that one where it passed too, up to a day not before today
        // (as audits are: see `Placer::replay`), so that it does not move with today until it
        // passes; the last open day before the external audit where the notice runs past it.
        if day < self.today && self.today < due {
            let mut again = day;
            while again < self.today {
                again = self.calendar.notice_after(again, self.register.settings.notice_days);
            }
            let again = self.calendar.open_on_or_after(again);
            let before_due = self.calendar.open_before(due);
            day = if again < due { again } else { before_due.max(day) };
        }
        round.review.date = day;
    }

    /// The last recorded review that `fits`: one held (or booked ahead) before one booked for a
    /// day that passed without it being marked done.
    fn recorded_review(&self, fits: impl Fn(&ReviewRecord) -> bool) -> Option<&ReviewRecord> {
        let reviews = &self.register.reviews;
        reviews.iter().rfind(|r| fits(r) && r.stands_on(self.today)).or_else(|| reviews.iter().rfind(|r| fits(r)))
    }

    /// Every round's dates for `epoch` up to cycle `last`, in order: round 0 where the epoch has
    /// an initial audit to prepare, then three per cycle.
    fn frames(&self, epoch: &Epoch, last: u32) -> Vec<Frame> {
        let mut frames: Vec<Frame> = Vec::new();
        let first_audit = epoch.stage1.or(epoch.stage2);
        let round0_end = epoch.stage2.or(epoch.stage1);
        if let (Some(prepares), Some(end)) = (first_audit, round0_end) {
            // Round 0's window runs to Stage 2: audits after Stage 1 complete it (Stage 2
            // verifies them, ISO/IEC 17021-1 9.3.1.3).
            let mut f = self.frame(None, 0, 0, prepares, epoch.begins, end.date.max(prepares.date), 0);
            if end.kind == ExternalKind::Stage2 {
                f.review_before_stage2 = self
                    .recorded_review(|r| prepares.date <= r.date && r.date < end.date)
                    .map(|r| Review::recorded(r, self.today));
            }
            frames.push(f);
        }
        let mut window_start = epoch.stage2.map_or(epoch.decision.date, |s2| s2.date);
        for n in epoch.first_cycle..=last.min(epoch.last_cycle) {
            for external in self.certificate.cycle(n).audits() {
                let f = self.round_and_interims(&mut frames, n, external, window_start);
                window_start = external.date;
                frames.push(f);
            }
        }
        frames
    }

    /// Whether an audit or a review is recorded as held from `start` to the day before `end`.
    fn held_between(&self, start: NaiveDate, end: NaiveDate) -> bool {
        let reg = self.register;
        let audits = &reg.audits[reg.audits.partition_point(|r| r.date < start)..];
        let reviews = &reg.reviews[reg.reviews.partition_point(|r| r.date < start)..];
        audits.iter().take_while(|r| r.date < end).any(|r| r.status_on(self.today) == Status::Done)
            || reviews.iter().take_while(|r| r.date < end).any(|r| r.stands_on(self.today))
    }

    /// The round of cycle `n` that prepares `external`, its window opening on `window_start`;
    /// before it, pushed to `frames`, the interim rounds it needs. Where the interval after the
    /// round before pulls it more than half an interval before its lead, the gap to the external
    /// audit is too long for one round: an interim round at the interval keeps it (9.2.1,
    /// 9.3.1), and this one stays before the external audit, so the audit sees results at most
    /// half an interval old, and the rounds after it are not pulled earlier for good.
    fn round_and_interims(&self, frames: &mut Vec<Frame>, n: u32, external: External, from: NaiveDate) -> Frame {
        let s = &self.register.settings;
        let number = Cycle::round_of(&external);
        let mut window_start = from;
        let mut f = self.frame(frames.last(), n, number, external, Some(window_start), external.date, 0);
        let drift = s.max_months_between_rounds.div_ceil(2);
        let mut interim = 0;
        // (Where the interval ran out before the window opened, there is no room for one: this
        // round is as soon as possible.)
        while interim < MAX_INTERIM_ROUNDS && months_after(f.last_day, drift) < f.lead_day && f.last_day > window_start
        {
            // It ends as if it prepared an audit the lead after its last day ...
            let end = weeks_after(f.last_day, s.internal_audit_lead_weeks);
            let mut i = self.frame(frames.last(), n, number, external, Some(window_start), end, interim + 1);
            // ... and its window runs on halfway to where the round after it begins, so that an
            // audit of it held late, and the review after it, are its own, and those held nearer
            // the external audit are that round's.
            let next = self.frame(Some(&i), n, number, external, Some(end), external.date, 0);
            let begins = weeks_before(next.last_day, s.round_weeks).max(end);
            let split = end + Days::new(((begins - end).num_days() / 2) as u64);
            // Its window closed with nothing recorded in it: it did not take place, and the round
            // after it stays where the interval puts it, as soon as possible. (Until then its
            // audits are late, then missed: a plan changes as a window closes, not on any day.)
            if split <= self.today && !self.held_between(window_start, split) {
                break;
            }
            i.window_end = split;
            // A review recorded after its last day and before the split is its own.
            if i.review.recorded.is_none()
                && let Some(r) = self.recorded_review(|r| i.last_day < r.date && r.date < split)
            {
                i.review = Review::recorded(r, self.today);
            }
            interim += 1;
            window_start = split;
            f = self.frame(Some(&i), n, number, external, Some(split), external.date, 0);
            frames.push(i);
        }
        f
    }

    /// The dates of a round that prepares `prepares` (an interim one ends at `window_end`
    /// instead, as if it prepared an audit on that day).
    #[allow(clippy::too_many_arguments)] // (where the round stands)
    fn frame(
        &self,
        previous: Option<&Frame>,
        cycle: u32,
        number: u8,
        prepares: External,
        window_start: Option<NaiveDate>,
        window_end: NaiveDate,
        interim: u8,
    ) -> Frame {
        let s = &self.register.settings;
        let due = if interim > 0 { window_end } else { prepares.date };
        let in_window = |d: NaiveDate| window_start.is_none_or(|w| w <= d) && d < due;
        // The round ends at least the lead before the external audit (clause 9.2 results in
        // time for corrective action) ...
        let lead_day = self.calendar.open_on_or_before(weeks_before(due, s.internal_audit_lead_weeks));
        let mut last_day = lead_day;
        let mut review_day = self.calendar.open_on_or_before(weeks_before(due, s.management_review_lead_weeks));
        // ... and no more than the interval after the round before it, counted from the audits
        // that round actually held once it is over, so the schedule never drifts (9.2.1, 9.3.1).
        if let Some(p) = previous {
            let held = (self.register.audits.iter())
                .filter(|r| p.contains(r.date) && r.status_on(self.today) == Status::Done)
                .map(|r| r.date)
                .max();
            // Every area of its scope audited and a review held after the last audit, before
            // the external audit it prepares: the round is over in substance, whatever its last
            // day as planned (a round 0 held for a Stage 1 that was then moved months later),
            // and that review is its own (see `review_after_audits`).
            let reviewed = |h: NaiveDate| {
                self.recorded_review(|r| h < r.date && r.date < p.due() && r.status_on(self.today) == Status::Done)
            };
            let closed = held.and_then(reviewed).filter(|_| self.all_held(p) && !self.booked_in(p));
            // (While it is under way, from its last day as planned, whatever today is: a plan
            // does not move as the days pass, only as the record changes.)
            let base = match held {
                Some(h) if p.window_end <= self.today || closed.is_some() => h,
                _ => p.last_day,
            };
            last_day = last_day.min(self.calendar.open_on_or_before(months_after(base, s.max_months_between_rounds)));
            // The reviews' interval runs from the review before where it stands: recorded, or
            // planned and still ahead (or its round still under way: planned again, see
            // `review_after_audits`); not from a planned one whose round closed without it.
            let planned_ahead = p.review.recorded.is_none() && self.today < p.window_end;
            let before = match closed {
                Some(r) => Some(r.date),
                None => (p.review.stands(self.today) || planned_ahead).then_some(p.review.date),
            };
            if let Some(before) = before {
                review_day =
                    review_day.min(self.calendar.open_on_or_before(months_after(before, s.max_months_between_rounds)));
            }
        }
        // The review that takes its results (9.3.2) comes after the round, from its last day on:
        // a review recorded earlier in the window (a mid-year one, say) is not this round's and
        // does not pull it.
        let recorded = self.recorded_review(|r| in_window(r.date) && r.date >= last_day);
        let mut review = match recorded {
            Some(r) => Review::recorded(r, self.today),
            None => Review::planned(review_day),
        };
        if last_day >= review.date {
            last_day = self.calendar.open_before(review.date);
        }
        // Nothing of a round falls before its window opens (the external audit before it): a
        // review the interval or the lead would put earlier goes to the window's first open day
        // (as its audits do: see `area_dates`).
        if let (Some(start), None) = (window_start, review.recorded) {
            review.date = review.date.max(self.first_open(start, window_end));
        }
        Frame {
            cycle,
            number,
            interim,
            audits_end: window_end,
            prepares,
            window_start,
            window_end,
            cycle_start: (cycle > 0).then(|| self.certificate.cycle(cycle).start),
            last_day,
            lead_day: lead_day.max(last_day),
            review,
            review_before_stage2: None,
        }
    }

    /// A round with its recorded audits, before any planning.
    fn round(&self, f: &Frame) -> Round<'r> {
        let mut audits = Vec::new();
        for (r, record) in self.register.audits.iter().enumerate().filter(|(_, r)| f.contains(r.date)) {
            audits.extend(self.recorded(r, record));
        }
        Round {
            cycle: f.cycle,
            number: f.number,
            interim: f.interim,
            prepares: f.prepares,
            window_start: f.window_start,
            window_end: f.window_end,
            cycle_start: f.cycle_start,
            last_day: f.last_day,
            lead_day: f.lead_day,
            review: f.review,
            review_before_stage2: f.review_before_stage2,
            other_reviews: Vec::new(),
            audits,
        }
    }

    /// The reviews recorded in `round`'s window that are neither its review nor the one before
    /// Stage 2 (see [`Round::other_reviews`]).
    fn other_reviews(&self, round: &Round) -> Vec<Review> {
        let reviews = &self.register.reviews;
        let from = round.window_start.map_or(0, |w| reviews.partition_point(|r| r.date < w));
        let taken =
            [Some(round.review), round.review_before_stage2].into_iter().flatten().filter(|r| r.recorded.is_some());
        let taken: Vec<NaiveDate> = taken.map(|r| r.date).collect();
        (reviews[from..].iter())
            .take_while(|r| r.date < round.window_end)
            .filter(|r| !taken.contains(&r.date))
            .map(|r| Review::recorded(r, self.today))
            .collect()
    }

    /// The audits of record `r`, one per area.
    fn recorded<'a>(&'a self, r: usize, record: &'r AuditRecord) -> impl Iterator<Item = AreaAudit<'r>> + 'a {
        let source = match record.status_on(self.today) {
            Status::Done => Source::Done,
            Status::Booked => Source::Booked,
        };
        // A record without an auditor is taken as independent (an outside firm's audit).
        let auditor = self.index.record_auditor[r];
        record.areas.iter().zip(&self.index.record_areas[r]).map(move |(id, &area)| {
            let independent = match (area, auditor) {
                (Some(i), Some(j)) => self.index.conflicts.between(i, j).is_none(),
                _ => true,
            };
            let mut a = AreaAudit::new(id, record.date, source);
            a.end = record.end.unwrap_or(record.date);
            a.record_index = Some(At::new(r));
            a.independent = independent;
            a.kind = record.kind;
            (a.area_index, a.auditor_index) = (area.map(At::new), auditor.map(At::new));
            a
        })
    }

    /// Whether every area in the scope for frame `f` has its audit for it held (independent,
    /// full; as [`Programme::record_in`] reads the record).
    fn all_held(&self, f: &Frame) -> bool {
        (self.register.scope.iter().enumerate()).all(|(i, area)| !Self::in_scope(area, f) || self.record_in(i, f).held)
    }

    /// Whether an audit is booked in frame `f`'s window (ahead, or passed without being marked
    /// done): the round expects more of itself.
    fn booked_in(&self, f: &Frame) -> bool {
        (self.register.audits.iter()).any(|r| f.contains(r.date) && r.status_on(self.today) == Status::Booked)
    }

    /// Whether area `i` is in the scope for frame `f` (as [`Round::includes`]).
    fn in_scope(area: &Area, f: &Frame) -> bool {
        round::in_scope(area, f.window_start, f.window_end, f.cycle_start, f.interim)
    }

    /// What area `i` holds in frame `f`, from its record: an independent audit held (and what
    /// the last one found), booked for a day ahead, or booked for a day that passed unheld.
    fn record_in(&self, i: usize, f: &Frame) -> Held {
        let records = self.index.records.get(i);
        let audits = &self.register.audits;
        let mut out = Held::default();
        let from = records.partition_point(|&r| f.window_start.is_some_and(|w| audits[r].date < w));
        for &r in &records[from..] {
            let record = &audits[r];
            if record.date >= f.window_end {
                break;
            }
            // Neither an audit by someone not independent of the area nor a follow-up or partial
            // audit is the area's audit for the round (9.2.2 c; ISO 19011 5.5.2); what a
            // follow-up or partial audit found is followed up all the same (9.2.2, 10.2).
            let dependent = self.index.record_auditor[r].is_some_and(|j| self.index.conflicts.between(i, j).is_some());
            if dependent {
                continue;
            }
            // What it found in this area: its findings there, where it lists them one by one;
            // else its counts, unless corrective actions of its day name only other areas.
            let area = &self.register.scope[i].id;
            let found = (record.found_in(area)).unwrap_or(if self.index.spared(r, i) {
                Default::default()
            } else {
                record.nonconformities
            });
            if record.kind != AuditKind::Full {
                let held = record.status_on(self.today) == Status::Done;
                if held && found.major + found.minor > 0 {
                    out.found = Some(found);
                }
                continue;
            }
            out.first.get_or_insert(r);
            match record.status_on(self.today) {
                Status::Done => {
                    out.held = true;
                    out.found = Some(found);
                }
                Status::Booked if record.date >= self.today => {
                    out.booked_ahead = true;
                    out.booked_on.get_or_insert(record.date);
                }
                Status::Booked => out.booked_past = true,
            }
        }
        out
    }

    /// What the rule asks of area `i` in frame `k` of `frames`, judged on its record; `st` carries
    /// what the area's earlier frames left (see [`AreaState`]) and is moved on past frame `k`.
    fn need(&self, i: usize, frames: &[(Frame, Role)], k: usize, st: &mut AreaState) -> Wanted {
        let today = self.today;
        let area = &self.register.scope[i];
        let f = &frames[k].0;
        if !Self::in_scope(area, f) {
            st.out_of_scope();
            return Wanted {
                area: At::new(i),
                now: Need::Nothing,
                planned: None,
                pin: None,
                lead: f.lead_day,
                latest: f.window_end,
                booked_late: false,
            };
        }
        // The frames after `k` in its cycle (none for round 0), and those of them in the scope.
        let same_cycle = |j: &usize| frames[*j].0.cycle == f.cycle && f.cycle > 0;
        let later_in_cycle = || (k + 1..frames.len()).take_while(same_cycle);
        let remaining = later_in_cycle().filter(|&j| Self::in_scope(area, &frames[j].0)).count();
        // An area that joins in an interim round's window joins for the round after it, which
        // prepares the external audit.
        let opened = (0..k)
            .rev()
            .take_while(|&j| frames[j].0.interim > 0)
            .last()
            .map_or(f.window_start, |j| frames[j].0.window_start);
        let joining = f.interim == 0 && area.since.is_some_and(|s| opened.is_none_or(|w| w <= s) && s < f.window_end);
        let slot = usize::from(f.number.max(1) - 1);
        // The risk the area had when the round's audits were due (a change is not applied to
        // rounds before it).
        let risk = area.risk_on(f.lead_day);
        let at = RoundAt { cycle: f.cycle, slot, remaining, joining, interim: f.interim > 0 };
        let rule = st.judge(risk, self.pattern[i], at);
        let (required, follow_up) = (rule.required, rule.follow_up);
        let source = if rule.catch_up { Source::CatchUp } else { Source::Planned };
        let record = self.record_in(i, f);
        let d = self.area_dates(area, f, joining);
        // In a round under way, the audit as the round planned it before today: from its first
        // day, by its target (as a round still ahead is planned). It keeps its day while that day
        // is ahead, so a planned date does not move as `--today` does until it passes.
        // Where a record stands for it, the round is still placed as planned, the record in the
        // audit's place: recording an audit moves no other.
        let planned = (self.under_way(f) && (required || rule.preferred))
            .then(|| self.as_planned(i, source, &d, follow_up, required));
        let pin = record.first.filter(|_| planned.is_some());
        // Required here, not held, and booked only after the lead: late, as a planned one would be.
        let booked_late = required && !record.held && record.booked_on.is_some_and(|b| b > d.lead && b < d.end);
        let mut need = Need::Nothing;
        // The last day its audit can be held for the round: by the external audit after it
        // joins, for an area joining; once that passed without it, in what is left of the round.
        let mut end = d.end;
        let has = if record.held || record.booked_ahead || (record.booked_past && today < d.end) {
            // A booking that passed unheld still stands for the audit while it can be held.
            true
        } else if today >= d.end && joining && today < f.window_end && !area.left_by(today) {
            // Joined, and the external audit after it passed without an audit of it: as soon
            // as possible, in what is left of the round.
            let normal = self.area_dates(area, f, false);
            let late = today > normal.lead;
            let due = if late { self.calendar.open_before(f.window_end) } else { normal.lead };
            let from = normal.from.max(today);
            let behind = Some(Behind::ExtensionMissed);
            need = Need::Plan { source, from, due, asap: true, behind, follow_up, required: true };
            end = normal.end;
            true
        } else if today >= d.end {
            let caught_up = later_in_cycle().any(|j| self.record_in(i, &frames[j].0).held);
            // Left the scope before the round's external audit: it is not owed (scope reduction).
            let left = area.left_by(today) && area.until.is_some_and(|u| u < f.window_end);
            // Opened before the register's record is complete: not judged. Missed in an interim
            // round, the area is late for its interval, not overdue for an external audit; before
            // an unannounced audit that replaced a surveillance (ISO/IEC 17021-1 9.6.4.2), it
            // could not be planned for: late too. The round after it takes it.
            if required && !caught_up && !left && self.register.judges(f.window_start, f.last_day) {
                let unannounced = f.prepares.unannounced(self.register.settings.surveillance_before_anniversary_weeks);
                let behind = match (f.interim > 0 || unannounced, rule.by_risk) {
                    (true, _) => Behind::Late,
                    (false, true) => Behind::Overdue,
                    (false, false) => Behind::ExtensionMissed,
                };
                need = Need::Missed { due: d.lead, behind, follow_up };
            }
            false
        } else if today > d.lead {
            // Past the lead, the external audit still ahead: the required audit can be held late.
            if required {
                let due = self.calendar.open_before(d.end);
                let from = d.from.max(today);
                let behind = Some(Behind::Late);
                need = Need::Plan { source, from, due, asap: true, behind, follow_up, required: true };
            }
            required
        } else if required || rule.preferred {
            // Past the target (the interval after the last round), the lead still ahead: as
            // soon as possible; so too in a round under way, where this is the audit placed
            // again after the day it was planned for passed (see `planned`).
            let asap = today > d.target || planned.is_some();
            let due = if asap { d.lead } else { d.target };
            need = Need::Plan { source, from: d.from.max(today), due, asap, behind: None, follow_up, required };
            true
        } else {
            false
        };
        st.after(has, record.found);
        let latest = self.calendar.open_before(end);
        Wanted { area: At::new(i), now: need, planned, pin: pin.map(At::new), lead: d.lead, latest, booked_late }
    }

    /// Whether `f`'s window is open today: its round is under way.
    fn under_way(&self, f: &Frame) -> bool {
        f.window_start.is_none_or(|w| w <= self.today) && self.today < f.window_end
    }

    /// An audit to plan in `d`'s dates as a round still ahead plans it: from the window's first
    /// day (a round with no first day, round 0 before a first certification: from its spread
    /// weeks), spread before the target; and not before the register's record starts
    /// (`programme.record_from`), for nothing was planned here before then.
    fn as_planned(
        &self,
        area: usize,
        source: Source,
        d: &AreaDates,
        follow_up: Option<FollowUp>,
        required: bool,
    ) -> Need {
        let spread = weeks_before(d.target, self.register.settings.round_weeks).succ_opt().unwrap_or(d.target);
        let from = if d.from == NaiveDate::MIN { self.site_spread(area, spread, d.target) } else { d.from };
        let from = self.register.record_from.map_or(from, |r| from.max(r.date));
        Need::Plan { source, from, due: d.target.max(from), asap: false, behind: None, follow_up, required }
    }

    /// Where the spread weeks from `spread` to `target` begin for `area`: at an area whose site
    /// closes days of its own, as many open days back as the organisation's calendar gives the
    /// spread weeks (a site shut for the spread weeks is audited before them, not after the
    /// lead), up to a year earlier.
    fn site_spread(&self, area: usize, spread: NaiveDate, target: NaiveDate) -> NaiveDate {
        let Some(site) = self.sites.of(area) else { return spread };
        let want = self.calendar.open_days(spread, target).count();
        let (mut from, mut have) = (spread, site.open_days(spread, target).count());
        let limit = spread.checked_sub_days(chrono::Days::new(366)).unwrap_or(spread);
        while have < want && from > limit {
            let Some(before) = from.pred_opt() else { break };
            from = before;
            have += usize::from(site.is_open(from));
        }
        from
    }

    /// Area's dates in frame `f`. An area that joins the scope in the round is audited before
    /// the next external audit after it joins (a special audit, if one comes first); an area
    /// that leaves it, while it is still in it.
    fn area_dates(&self, area: &Area, f: &Frame, joining: bool) -> AreaDates {
        let mut d = AreaDates {
            from: f.window_start.unwrap_or(NaiveDate::MIN).max(area.since.unwrap_or(NaiveDate::MIN)),
            target: f.last_day,
            lead: f.lead_day,
            end: f.audits_end,
        };
        if let (Some(since), true) = (area.since, joining) {
            let epoch = self.certificate.epoch_on(since);
            let next = (self.certificate.next_audit_after(epoch, since).map(|e| e.date))
                .filter(|n| *n <= f.window_end)
                .unwrap_or(f.window_end);
            if since > f.lead_day || next < f.prepares.date {
                // Never due before it joins: with no open day in between, `check` says the round
                // has no room.
                let before = self.calendar.open_before(next).max(since);
                d = AreaDates { from: d.from, target: before, lead: before, end: next };
            }
            // Joining after the round's target: by the lead, then.
            if d.target < since {
                d.target = d.lead;
            }
        }
        if let Some(until) = area.until {
            let after = until.succ_opt().unwrap_or(until);
            d.end = d.end.min(after);
            d.lead = d.lead.min(until);
            d.target = d.target.min(until);
        }
        // Never due before the round's window opens (or the area joins): where the interval
        // from the round before, or a lead longer than the window, ends earlier, as soon as it
        // opens.
        if d.from > NaiveDate::MIN {
            let opens = self.first_open(d.from, d.end);
            (d.target, d.lead) = (d.target.max(opens), d.lead.max(opens));
        }
        d
    }

    /// The first open day from `start`, before `end`; `start` itself where there is none.
    fn first_open(&self, start: NaiveDate, end: NaiveDate) -> NaiveDate {
        Some(self.calendar.open_on_or_after(start)).filter(|d| *d < end).unwrap_or(start)
    }

    /// A round still ahead with nothing to audit would leave more than a year without an
    /// internal audit (9.2.1): it takes the area in its scope audited longest ago (ties by id).
    fn no_empty_round(&self, f: &Frame, round: &Round, wanted: &mut Vec<Wanted>) {
        let empty = wanted.iter().all(|w| !matches!(w.now, Need::Plan { .. })) && round.audits.is_empty();
        if f.cycle == 0 || !empty || f.lead_day < self.today {
            return;
        }
        let last_held = |i: usize| {
            (self.index.records.get(i).iter().map(|&r| &self.register.audits[r]))
                .filter(|r| {
                    r.date < f.window_start.unwrap_or(NaiveDate::MAX) && r.status_on(self.today) == Status::Done
                })
                .map(|r| r.date)
                .max()
        };
        let candidate = (0..self.register.scope.len())
            .filter(|&i| Self::in_scope(&self.register.scope[i], f))
            .min_by_key(|&i| (last_held(i), self.index.area_rank[i]));
        if let Some(i) = candidate {
            let d = self.area_dates(&self.register.scope[i], f, false);
            let asap = self.today > d.target;
            let now = Need::Plan {
                source: Source::Planned,
                from: d.from.max(self.today),
                due: if asap { d.lead } else { d.target },
                asap,
                behind: None,
                follow_up: None,
                required: false,
            };
            let planned = self.under_way(f).then(|| self.as_planned(i, Source::Planned, &d, None, false));
            let latest = self.calendar.open_before(d.end);
            wanted.push(Wanted { area: At::new(i), now, planned, pin: None, lead: d.lead, latest, booked_late: false });
        }
    }
}

/// What an area's record holds in one frame (see [`Programme::record_in`]).
#[derive(Debug, Clone, Copy, Default)]
struct Held {
    held: bool,
    booked_ahead: bool,
    booked_past: bool,
    /// The first record that stands for the area's audit in the frame (held or booked).
    first: Option<usize>,
    /// The day of the first booked for a day ahead.
    booked_on: Option<NaiveDate>,
    /// What the last audit held in the frame found.
    found: Option<crate::register::Nonconformities>,
}

/// The rounds of a [`Programme`], planned one at a time as they are read (see
/// [`Programme::each_round`]). Each round is judged and placed after the one before, which
/// leaves what the next needs: each area's `AreaState`, and the `Diary` of who is taken when.
pub(crate) struct Rounds<'p, 'r, 'c> {
    programme: &'p Programme<'r, 'c>,
    /// Every frame planned, and what its round is to the reader.
    frames: Vec<(Frame, Role)>,
    next: usize,
    areas: Vec<AreaState>,
    diary: Diary,
    previous_review: Option<NaiveDate>,
    /// The rounds of the cycle before the first shown, where asked for (see
    /// [`Rounds::keeping_previous`]).
    previous: Option<Vec<Round<'r>>>,
}

/// What a round planned is to the reader of [`Rounds`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// One of the rounds asked for.
    Shown,
    /// Of the cycle before the first asked for (round 0, before the first cycle of a
    /// certification): what it left open is judged, not shown.
    Previous,
    /// Planned only for what it leaves the rounds after it.
    Before,
}

impl<'r> Rounds<'_, 'r, '_> {
    /// Keeps the rounds of the cycle before the first shown, for [`Rounds::previous`].
    pub(crate) fn keeping_previous(mut self) -> Self {
        self.previous = Some(Vec::new());
        self
    }

    /// The rounds of the cycle before the first shown, as planned on the way to those shown
    /// (once every round has been read; empty unless asked for).
    pub(crate) fn previous(&mut self) -> Vec<Round<'r>> {
        self.previous.take().unwrap_or_default()
    }
}

impl<'r> Iterator for Rounds<'_, 'r, '_> {
    type Item = Round<'r>;

    fn next(&mut self) -> Option<Round<'r>> {
        let p = self.programme;
        while self.next < self.frames.len() {
            let k = self.next;
            self.next += 1;
            let (f, role) = &self.frames[k];
            // Room for every area at once, not grown by doubling (which holds the list one and a
            // half times over while it moves). What no area wants is never written to: on Linux
            // an allocation this large is mapped as it is written (a counting allocator, as the
            // benchmark's, counts it whole).
            let mut wanted: Vec<Wanted> = Vec::with_capacity(self.areas.len());
            for (i, st) in self.areas.iter_mut().enumerate() {
                let want = p.need(i, &self.frames, k, st);
                if want.now != Need::Nothing || want.planned.is_some() || want.booked_late {
                    wanted.push(want);
                }
            }
            let mut round = p.round(f);
            p.no_empty_round(f, &round, &mut wanted);
            p.placer().fill(&mut round, &wanted, &mut self.diary);
            p.review_after_audits(&mut round, self.previous_review);
            round.other_reviews = p.other_reviews(&round);
            // The next review's interval runs from a review that stands: recorded, or planned
            // and still ahead; never from a planned one whose day passed without it.
            if round.review.stands(p.today) {
                self.previous_review = Some(round.review.date);
            }
            match (role, self.previous.as_mut()) {
                (Role::Shown, _) => return Some(round),
                (Role::Previous, Some(kept)) => kept.push(round),
                _ => {}
            }
        }
        None
    }
}
