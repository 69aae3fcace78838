//! What `ismsaudit plan` shows for a given day: the initial audit before certification, else
//! the certificate cycle that contains `today`, and the requested number of cycles from there;
//! for a certificate that lapsed, the lapse.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use chrono::{Datelike, NaiveDate};

use crate::cycle::{Basis, Certificate, Cycle, Epoch, External, ExternalKind, Lapse};
use crate::programme::{AreaAudit, Programme, Round};
use crate::register::Register;
use crate::valid::Valid;

/// The laid-out plan: external audits, internal-audit rounds and reviews.
#[derive(Debug, Clone)]
pub struct Plan<'r> {
    pub register: &'r Register,
    pub today: NaiveDate,
    pub certificate: &'r Certificate,
    /// The certification planned (an index into `certificate.epochs`): the one that governs today.
    pub epoch: usize,
    /// True until the epoch's certification decision (before it, or while the register does not
    /// give it), and for a calendar of days before it ([`outline_over`]): the plan starts with
    /// round 0 and the initial audit.
    pub initial: bool,
    pub cycles: Vec<Cycle>,
    /// In date order: round 0 (when `initial`), then three per cycle.
    pub rounds: Vec<Round<'r>>,
    /// The rounds of the cycle before the first shown (round 0, before a certification's first
    /// cycle), as planned on the way to `rounds`: what they left open is `check`'s. Kept by
    /// [`with_previous`] only (a format that shows the plan does not read them); empty where
    /// there is none.
    pub previous: Vec<Round<'r>>,
    /// Set when the certificate has lapsed: no surveillance is planned for it any more.
    pub lapse: Option<Lapse>,
    /// Made by [`outline`]: the rounds are planned as [`Plan::each_event`] reads them.
    outline: bool,
}

/// What an event is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EventKind {
    InternalAudit,
    ManagementReview,
    External(ExternalKind),
}

impl EventKind {
    pub fn key(self) -> &'static str {
        match self {
            EventKind::InternalAudit => "internal_audit",
            EventKind::ManagementReview => "management_review",
            EventKind::External(k) => k.key(),
        }
    }
}

/// One dated line of the plan, borrowing what it shows from the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Event<'p> {
    pub date: NaiveDate,
    pub kind: EventKind,
    pub cycle: u32,
    /// For internal audits and reviews: their round.
    pub round: Option<&'p Round<'p>>,
    /// For internal audits.
    pub audit: Option<&'p AreaAudit<'p>>,
    /// For internal audits and reviews: the external audit they prepare.
    pub prepares: Option<&'p External>,
    /// For internal audits: planned, catch_up, missed, done, booked. For reviews: planned or
    /// recorded. For external events: their basis.
    pub status: &'static str,
    /// For external events (few, so kept out of line).
    pub external: Option<Box<External>>,
}

impl Event<'_> {
    /// A management review's status in words: `recorded` (held), `booked` (in the record, not
    /// held: ahead, or passed without being marked done) or `planned`. [`Event::status`] says
    /// `recorded` for a booking still ahead (the JSON keeps it); the record cannot hold a
    /// review done after today, so a recorded one ahead is booked.
    pub fn review_status(&self, today: NaiveDate) -> &'static str {
        match self.status {
            "recorded" if self.date > today => "booked",
            status => status,
        }
    }
}

/// The order of events: by date, then kind, then area.
type Order<'p> = (NaiveDate, EventKind, Option<&'p str>);

fn order<'p>(e: &Event<'p>) -> Order<'p> {
    (e.date, e.kind, e.audit.map(|a| a.area.as_str()))
}

/// One round's events and the external events dated before its window closes: lanes, each in
/// order already (the external events, the round's audits, each review), merged as they are
/// read. Equal events keep the order of the lanes, as a stable sort would.
struct Merge<'p> {
    lanes: Vec<Box<dyn Iterator<Item = Event<'p>> + 'p>>,
    /// Each lane's next event ...
    heads: Vec<Option<Event<'p>>>,
    /// ... by its order, then its lane.
    queue: BinaryHeap<Reverse<(Order<'p>, usize)>>,
}

impl<'p> Merge<'p> {
    fn new(mut lanes: Vec<Box<dyn Iterator<Item = Event<'p>> + 'p>>) -> Self {
        let heads: Vec<Option<Event<'p>>> = lanes.iter_mut().map(|l| l.next()).collect();
        let queue = (heads.iter().enumerate()).filter_map(|(k, e)| Some(Reverse((order(e.as_ref()?), k)))).collect();
        Merge { lanes, heads, queue }
    }
}

impl<'p> Iterator for Merge<'p> {
    type Item = Event<'p>;

    fn next(&mut self) -> Option<Event<'p>> {
        let Reverse((_, k)) = self.queue.pop()?;
        let next = self.lanes[k].next();
        if let Some(e) = &next {
            self.queue.push(Reverse((order(e), k)));
        }
        std::mem::replace(&mut self.heads[k], next)
    }
}

/// [`Plan::events`]: round after round, each round's events merged with the external events
/// dated before its window closes, then the external events after the last round. A round's
/// events fall in its window (on or after the external audit before, before the one it
/// prepares), so this is date order; and a reader that plans one round at a time
/// ([`Plan::each_event`]) gives the same events in the same order. A plan of 50,000 areas has
/// a quarter of a million events: they are neither gathered nor sorted.
pub struct Events<'p> {
    plan: &'p Plan<'p>,
    rounds: std::slice::Iter<'p, Round<'p>>,
    externals: Externals,
    current: Option<Merge<'p>>,
}

impl<'p> Iterator for Events<'p> {
    type Item = Event<'p>;

    fn next(&mut self) -> Option<Event<'p>> {
        loop {
            if let Some(e) = self.current.as_mut().and_then(Iterator::next) {
                return Some(e);
            }
            self.current = Some(match self.rounds.next() {
                Some(r) => self.plan.round_events(r, self.externals.before(r.window_end)),
                None if self.externals.is_empty() => return None,
                None => Merge::new(vec![external_lane(self.externals.rest())]),
            });
        }
    }
}

/// The plan's external events, in order, handed out a window at a time.
struct Externals(std::iter::Peekable<std::vec::IntoIter<External>>);

impl Externals {
    /// Those dated before `end` not handed out yet.
    fn before(&mut self, end: NaiveDate) -> Vec<External> {
        std::iter::from_fn(|| self.0.next_if(|e| e.date < end)).collect()
    }

    fn rest(&mut self) -> Vec<External> {
        self.0.by_ref().collect()
    }

    fn is_empty(&mut self) -> bool {
        self.0.peek().is_none()
    }
}

fn external_lane<'p>(externals: Vec<External>) -> Box<dyn Iterator<Item = Event<'p>> + 'p> {
    Box::new(externals.into_iter().map(|e| Event {
        date: e.date,
        kind: EventKind::External(e.kind),
        cycle: e.cycle,
        round: None,
        audit: None,
        prepares: None,
        status: e.basis.key(),
        external: Some(Box::new(e)),
    }))
}

/// The part of a plan a reader asked for (`plan --round`, `--from`, `--to`): one round, or the
/// events in a range of days, or the whole plan.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct View {
    /// A round by its name (`C1.2`, `R0`; any case).
    pub round: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl View {
    pub fn whole(&self) -> bool {
        *self == View::default()
    }

    /// Whether something held from `first` to `last` falls in the range of days.
    pub fn shows_days(&self, first: NaiveDate, last: NaiveDate) -> bool {
        self.from.is_none_or(|f| last >= f) && self.to.is_none_or(|t| first <= t)
    }

    /// Whether `r` is shown: the round asked for, and with its audits or review in the range.
    pub fn shows_round(&self, r: &Round<'_>) -> bool {
        let named = self.round.as_deref().is_none_or(|name| r.label().eq_ignore_ascii_case(name));
        let first = r.window_start.unwrap_or(r.review.date).min(r.review.date);
        named && self.shows_days(first, r.window_end.max(r.review.date))
    }

    /// Whether the external event `e` is shown: on the days asked for, and, where a round is
    /// asked for, the one it prepares.
    pub fn shows_external(&self, plan: &Plan<'_>, e: &External) -> bool {
        let prepared = || {
            plan.rounds.iter().any(|r| self.shows_round(r) && r.prepares.date == e.date && r.prepares.kind == e.kind)
        };
        self.shows_days(e.date, e.end) && (self.round.is_none() || prepared())
    }

    /// This view with the round asked for named as `plan` names it (`c1.2` is `C1.2`); the
    /// names of the plan's rounds where it has no such round.
    pub fn named_as_in(&self, plan: &Plan<'_>) -> Result<View, Vec<String>> {
        let Some(name) = &self.round else { return Ok(self.clone()) };
        match plan.rounds.iter().map(Round::label).find(|label| label.eq_ignore_ascii_case(name)) {
            Some(label) => Ok(View { round: Some(label), ..self.clone() }),
            None => Err(plan.rounds.iter().map(Round::label).collect()),
        }
    }

    /// "round C1.2", "2027-01-01 to 2027-03-31", "from 2027-01-01": what is shown, in words.
    pub fn describe(&self) -> String {
        let days = match (self.from, self.to) {
            (Some(f), Some(t)) => format!("{f} to {t}"),
            (Some(f), None) => format!("from {f}"),
            (None, Some(t)) => format!("up to {t}"),
            (None, None) => String::new(),
        };
        match (&self.round, days.is_empty()) {
            (Some(r), true) => format!("round {r}"),
            (Some(r), false) => format!("round {r}, {days}"),
            (None, _) => days,
        }
    }
}

/// The most certificate cycles one plan shows (30 years).
pub const MAX_CYCLES: u32 = 10;

/// How many cycles a plan made on `today` shows to reach `end` (three years each, and the one
/// `today` is in), at most [`MAX_CYCLES`].
pub fn cycles_reaching(today: NaiveDate, end: NaiveDate) -> u32 {
    let years = u32::try_from(end.year() - today.year()).unwrap_or(0);
    (years / 3 + 2).min(MAX_CYCLES)
}

/// Lays out the plan for the day `valid` was validated for, showing `cycles` certificate cycles
/// (1 to [`MAX_CYCLES`]).
pub fn plan(valid: &Valid, cycles: u32) -> Plan<'_> {
    planned(valid, cycles, false)
}

/// [`plan`], keeping the rounds of the cycle before the first shown as they were planned on the
/// way (`previous`), for `check` to judge what they left open. (A plan of 100,000 areas holds
/// them only where they are read.)
pub fn with_previous(valid: &Valid, cycles: u32) -> Plan<'_> {
    planned(valid, cycles, true)
}

fn planned(valid: &Valid, cycles: u32, previous: bool) -> Plan<'_> {
    let mut plan = outline(valid, cycles);
    if let Some((programme, run)) = plan.programme() {
        let rounds = programme.each_round(plan.epoch(), run.first, run.last, run.initial);
        let mut rounds = if previous { rounds.keeping_previous() } else { rounds };
        let shown: Vec<Round> = rounds.by_ref().collect();
        (plan.previous, plan.rounds) = (rounds.previous(), shown);
    }
    plan.outline = false;
    plan
}

/// [`plan`] without its rounds, for a reader that takes the plan's events one round at a time
/// with [`Plan::each_event`] (a calendar of thirty years holds one round's audits, not all):
/// its `rounds` are empty.
pub fn outline(valid: &Valid, cycles: u32) -> Plan<'_> {
    let (certificate, today) = (valid.certificate(), valid.today());
    let epoch = certificate.epoch_on(today);
    // Until the register gives the decision, the plan stays with the initial audit.
    let initial = epoch.decision.basis == Basis::Assumed || today < epoch.decision.date;
    let lapse = if initial { None } else { certificate.lapse(epoch, today) };
    let first = if initial { epoch.first_cycle } else { certificate.cycle_on(epoch, today) };
    let (first, last) = match lapse {
        // What is left of a lapsed certificate is the cycle that lapsed: nothing to plan.
        Some(l) => (l.cycle, l.cycle),
        None => (first, (first + cycles.clamp(1, MAX_CYCLES) - 1).min(epoch.last_cycle)),
    };
    let shown: Vec<Cycle> = (first..=last).map(|n| certificate.cycle(n).clone()).collect();
    Plan {
        register: valid.register(),
        today,
        certificate,
        epoch: epoch.index,
        initial,
        cycles: shown,
        rounds: Vec::new(),
        previous: Vec::new(),
        lapse,
        outline: true,
    }
}

/// [`outline`] for a period from `from` to `to`, as a calendar reads it: the cycles shown reach
/// `to` (as [`cycles_reaching`] counts them) and begin with the one `from` falls in, where that
/// is earlier than today's: a calendar of a year past shows the audits held in it, and a
/// calendar file exported in an earlier cycle keeps its events when read again. Not before the
/// certification that governs today: where `from` is before its decision, the plan starts with
/// round 0 and the initial audit (where it had one).
pub fn outline_over(valid: &Valid, from: NaiveDate, to: NaiveDate) -> Plan<'_> {
    let mut plan = outline(valid, cycles_reaching(valid.today(), to));
    let Some(shown) = plan.cycles.first().map(|c| c.number) else { return plan };
    if plan.initial || plan.lapse.is_some() {
        return plan;
    }
    let (certificate, epoch) = (plan.certificate, plan.epoch());
    let first = if from < epoch.decision.date { epoch.first_cycle } else { certificate.cycle_on(epoch, from) };
    plan.initial = from < epoch.decision.date && (epoch.stage1.is_some() || epoch.stage2.is_some());
    let earlier: Vec<Cycle> = (first..shown).map(|n| certificate.cycle(n).clone()).collect();
    plan.cycles.splice(0..0, earlier);
    plan
}

/// Which rounds a plan shows: those of cycles `first..=last`, after round 0 when `initial`.
#[derive(Debug, Clone, Copy)]
struct Run {
    first: u32,
    last: u32,
    initial: bool,
}

impl<'r> Plan<'r> {
    /// The certification planned.
    pub fn epoch(&self) -> &Epoch {
        &self.certificate.epochs[self.epoch]
    }

    /// The external events shown: the initial audit when `initial`, then each cycle's.
    pub fn externals(&self) -> Vec<External> {
        let mut out = Vec::new();
        let epoch = self.epoch();
        if self.initial {
            out.extend(epoch.stage1);
            out.extend(epoch.stage2);
        }
        for c in &self.cycles {
            let start = if c.local == 1 {
                epoch.decision
            } else {
                // A recertified cycle starts the day after the previous expiry, keeping the
                // anniversary; whether it was recertified is for the record to say.
                let previous = self.certificate.cycle(c.number - 1);
                let basis = match (previous.recertified(), previous.recertification) {
                    // Recertified early, the cycle starts on the decision: assumed until recorded.
                    (true, r) if r.early && !r.decision_given => Basis::Assumed,
                    (true, _) => Basis::Recorded,
                    (false, _) => Basis::Computed,
                };
                External::new(ExternalKind::CycleStart, c.number, c.start, basis)
            };
            out.push(start);
            out.extend(c.surveillance.iter().copied());
            // A recertification too late to restore the certificate is shown as held, late.
            out.push(match self.lapse.filter(|l| l.cycle == c.number).and_then(|l| l.late) {
                Some(late) => External {
                    loc: Some(late.loc),
                    ..External { date: late.date, end: late.date, basis: Basis::Recorded, ..c.recertification }
                },
                None => c.recertification,
            });
            // A restoration is valid again from the certification body's decision, recorded
            // or assumed after the audit.
            if let (true, Some(decision)) = (c.recertification.restoration, c.recertification.decision) {
                let basis = if c.recertification.decision_given { Basis::Recorded } else { Basis::Assumed };
                out.push(External::new(ExternalKind::RestorationDecision, c.number, decision, basis));
            }
            out.extend(c.special.iter().copied());
            // Recertified early, the certificate is replaced at the decision (the next cycle's
            // start), not left to expire.
            if !c.recertification.early {
                out.push(External::new(ExternalKind::Expiry, c.number, c.expiry, Basis::Computed));
            }
            if let Some(l) = self.lapse.filter(|l| l.cycle == c.number) {
                out.push(External::new(ExternalKind::Lapse, c.number, l.deadline, Basis::Computed));
            } else if c.expiry < self.today && !c.recertified() {
                // Expired, still within the 6 months in which a recertification restores it.
                let deadline = c.restoration_deadline();
                out.push(External::new(ExternalKind::RestorationDeadline, c.number, deadline, Basis::Computed));
            }
        }
        out.extend(self.suspensions());
        out.sort_by_key(|e| (e.date, e.kind));
        out
    }

    /// The suspensions of the certificate in the cycles shown: the day it was suspended, and the
    /// day after the suspension's last, when it was valid again.
    fn suspensions(&self) -> Vec<External> {
        let (Some(first), Some(last)) = (self.cycles.first(), self.cycles.last()) else { return Vec::new() };
        let shown = |d: NaiveDate| first.start <= d && d <= last.expiry;
        let cycle_of = |d: NaiveDate| self.cycles.iter().rfind(|c| c.start <= d).map_or(first.number, |c| c.number);
        let mut out = Vec::new();
        for s in &self.register.certification.suspensions {
            let lifted = s.to.and_then(|to| to.succ_opt());
            let events = [(ExternalKind::Suspended, Some(s.from)), (ExternalKind::Reinstated, lifted)];
            for (kind, day) in events {
                if let Some(day) = day.filter(|d| shown(*d)) {
                    let e = External::new(kind, cycle_of(day), day, Basis::Recorded);
                    out.push(External { loc: Some(s.loc), ..e });
                }
            }
        }
        out
    }

    /// For a message that asks for a round by name where the plan has none: why. (A lapsed
    /// certificate plans no rounds until a new certification is recorded.)
    pub fn why_no_rounds(&self) -> &'static str {
        match self.lapse {
            Some(_) => {
                "the certificate has lapsed, so the plan has no rounds; record the new initial certification under `certification.restart` to plan from it"
            }
            None => "the plan has no rounds (`ismsaudit plan` says why)",
        }
    }

    /// Every event, sorted by date, then kind, then area (on a tie, in the order of the rounds;
    /// see [`Events`]).
    pub fn events(&self) -> Events<'_> {
        let externals = Externals(self.externals().into_iter().peekable());
        Events { plan: self, rounds: self.rounds.iter(), externals, current: None }
    }

    /// Gives `visit` each event [`Plan::events`] gives, in the same order. Of an [`outline`],
    /// the events the [`plan`] of the same register, day and cycles has, each as its round is
    /// planned: the rounds are planned one at a time, and each is dropped once its events are
    /// visited.
    pub fn each_event<E>(&self, mut visit: impl FnMut(&Event<'_>) -> Result<(), E>) -> Result<(), E> {
        if !self.outline {
            return self.events().try_for_each(|e| visit(&e));
        }
        let mut externals = Externals(self.externals().into_iter().peekable());
        self.each_round(|round| {
            for e in self.round_events(round, externals.before(round.window_end)) {
                visit(&e)?;
            }
            Ok(())
        })?;
        for e in Merge::new(vec![external_lane(externals.rest())]) {
            visit(&e)?;
        }
        Ok(())
    }

    /// Gives `visit` each of the plan's rounds, in order. Of an [`outline`], the rounds the
    /// [`plan`] of the same register, day and cycles has, each planned as it is asked for and
    /// dropped once visited: a reader that keeps what it needs of each holds one round at a time.
    pub(crate) fn each_round<E>(&self, mut visit: impl FnMut(&Round<'_>) -> Result<(), E>) -> Result<(), E> {
        if !self.outline {
            return self.rounds.iter().try_for_each(visit);
        }
        if let Some((programme, run)) = self.programme() {
            for round in programme.each_round(self.epoch(), run.first, run.last, run.initial) {
                visit(&round)?;
            }
        }
        Ok(())
    }

    /// The planner of this plan's rounds, and which rounds it shows; none for a certificate
    /// that lapsed.
    fn programme(&self) -> Option<(Programme<'r, '_>, Run)> {
        let run = Run { first: self.cycles.first()?.number, last: self.cycles.last()?.number, initial: self.initial };
        self.lapse.is_none().then(|| (Programme::new(self.register, self.certificate, self.today), run))
    }

    /// `round`'s events merged with `externals`, the external events of its window.
    fn round_events<'p>(&'p self, r: &'p Round<'p>, externals: Vec<External>) -> Merge<'p> {
        let mut lanes: Vec<Box<dyn Iterator<Item = Event<'p>> + 'p>> = vec![external_lane(externals)];
        // A round's audits are sorted by date, then area, already (`fill` leaves them so).
        debug_assert!(r.audits.is_sorted_by_key(|a| (a.date, a.area)), "round {} not in order", r.label());
        lanes.push(Box::new(r.audits.iter().map(move |a| Event {
            date: a.date,
            kind: EventKind::InternalAudit,
            cycle: r.cycle,
            round: Some(r),
            audit: Some(a),
            prepares: Some(&r.prepares),
            status: a.source.key(),
            external: None,
        })));
        let stage2 = self.epoch().stage2.as_ref();
        let reviews = [Some((r.review, &r.prepares)), r.review_before_stage2.zip(stage2)];
        let others = r.other_reviews.iter().map(|o| (*o, &r.prepares));
        for (review, prepares) in reviews.into_iter().flatten().chain(others) {
            lanes.push(Box::new(std::iter::once(Event {
                date: review.date,
                kind: EventKind::ManagementReview,
                cycle: r.cycle,
                round: Some(r),
                audit: None,
                prepares: Some(prepares),
                status: review.status(),
                external: None,
            })));
        }
        Merge::new(lanes)
    }

    /// The initial-audit dates the register did not give.
    pub fn assumed(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        let epoch = self.epoch();
        if epoch.stage2.is_some_and(|s| s.basis == Basis::Assumed) {
            out.push("stage2");
        }
        if epoch.decision.basis == Basis::Assumed {
            out.push("decision");
        }
        // An early recertification's decision not given, where a cycle shown ends on it or starts
        // from it (the cycle before the first shown included).
        if let (Some(first), Some(last)) = (self.cycles.first(), self.cycles.last()) {
            let from = first.number.saturating_sub(1).max(epoch.first_cycle);
            let early = |n| self.certificate.cycle(n).recertification;
            if (from..=last.number).map(early).any(|r| r.early && !r.decision_given) {
                out.push("early_recertification_decision");
            }
        }
        out
    }

    /// Whether one of the cycle's rounds covers `area` (see [`Round::covers`]).
    pub fn covered_in_cycle(&self, cycle: u32, area: &str) -> bool {
        self.rounds.iter().filter(|r| r.cycle == cycle).any(|r| r.covers(area, self.today))
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use chrono::NaiveDate;

    use crate::programme::RUNS;
    use crate::valid::Valid;

    /// The benchmark's shape at a hundred areas per auditor: 1,000 areas, each auditor on the
    /// team of a hundred, owners of four areas each, a year of records of four areas each.
    fn crowded() -> String {
        let mut y = String::from(
            "organisation: Crowded Ltd\ncertification:\n  decision: 2024-06-03\n  surveillance: [2025-05-06]\nauditors:\n",
        );
        for j in 0..10 {
            let _ = writeln!(y, "  - id: auditor-{j}");
        }
        y.push_str("scope:\n");
        for i in 0..1000 {
            let risk = ["high", "medium", "medium", "low", "low"][i % 5];
            let _ = writeln!(
                y,
                "  - {{id: a{i:04}, owner: owner-{}, team: [auditor-{}, person-{i}], risk: {risk}}}",
                i / 4,
                i % 10
            );
        }
        y.push_str("audits:\n");
        let mut day = NaiveDate::from_ymd_opt(2025, 3, 3).unwrap_or_default();
        for r in 0..250 {
            while chrono::Datelike::weekday(&day).number_from_monday() > 5 {
                day = day.succ_opt().unwrap_or(day);
            }
            let areas: Vec<String> = (4 * r..4 * r + 4).map(|i| format!("a{i:04}")).collect();
            let _ =
                writeln!(y, "  - {{date: {day}, areas: [{}], auditor: auditor-{}}}", areas.join(", "), (r + 3) % 10);
            day = day.succ_opt().unwrap_or(day);
        }
        y
    }

    /// Where the auditors cannot hold a round, every audit's search for a day without an
    /// auditee clash runs to its budget; a day on which one of the area's people is already in
    /// an audit is passed over without asking whether the auditor has the audit's days free
    /// there. Counted: the auditor's days are looked at about twice per audit (9,812 times for
    /// 5,250 audits), where asking on every day tried took eleven times as many (56,558;
    /// docs/performance.md, the thirteenth pass).
    #[test]
    fn a_crowded_round_looks_at_an_auditors_days_a_few_times_per_audit() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap_or_default();
        let valid = Valid::parse("crowded.yaml", &crowded(), today).unwrap_or_else(|e| panic!("{e}"));
        RUNS.with(|n| n.set(0));
        let plan = super::plan(&valid, 3);
        let runs = RUNS.with(std::cell::Cell::get);
        let placed = plan.rounds.iter().flat_map(|r| &r.audits).filter(|a| a.has_auditor()).count() as u64;
        assert!(placed > 5_000, "{placed} audits placed");
        assert!(runs <= 3 * placed, "{runs} look-ups for {placed} audits");
    }
}
