//! The internal-audit programme (ISO/IEC 27001:2022 clause 9.2): a round of area audits before
//! each external audit, then a management review (9.3) between the round and that audit.
//!
//! Round 0 prepares Stage 1 and audits the whole scope; audits held after Stage 1 and before
//! Stage 2 still count for it (Stage 2 verifies them). Each certificate cycle has three rounds,
//! preparing surveillance 1, surveillance 2 and the recertification. Rounds and reviews are never
//! more than `max_months_between_rounds` apart (9.2.1, 9.3.1: planned intervals).
//!
//! Which areas a round must audit is judged on the record, by the risk rule (`audit-rules.md`:
//! ISO 19011 risk-based programme, M): `high` in every round; `medium` never two rounds in a row
//! without an audit and in at least two of a cycle's three; `low` once a cycle; an area that
//! joins the scope before the next external audit. The [`risk_pattern`] only says which rounds
//! still ahead take the audits the rule leaves free, to spread the load.

mod place;

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;

use crate::calendar::Calendar;
use crate::cycle::{Certificate, Epoch, External, ExternalKind, months_after, weeks_before};
use crate::diagnostic::Loc;
use crate::register::{Area, AuditRecord, Auditor, Conflicts, Register, ReviewRecord, Risk, Status};
use place::Diary;

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
    /// Borrowed from the register, as are the auditor's id and firm: a plan of 50,000 areas
    /// holds a quarter of a million audits, and copying their ids would cost as many
    /// allocations again, each freed with the plan.
    pub area: &'r str,
    /// The audit's first day ...
    pub date: NaiveDate,
    /// ... and its last: consecutive open days of one auditor (a record gives one day).
    pub end: NaiveDate,
    /// The last day this audit can be held for its round.
    pub due: NaiveDate,
    pub auditor: Option<&'r str>,
    /// For a record without an auditor: the outside firm, if named.
    pub auditor_org: Option<&'r str>,
    /// For a planned audit without an auditor: why.
    pub unassigned: Option<Unassigned>,
    pub source: Source,
    /// The record this comes from, if any.
    pub loc: Option<Loc>,
    /// False for a recorded audit whose auditor owns, runs or has a conflict with the area: it
    /// is shown, but it does not count as coverage (clause 9.2.2 c), so the area is planned again.
    pub independent: bool,
    /// For a planned audit: the first day it may be held on.
    pub from: Option<NaiveDate>,
    /// Where the audit is behind: past the lead before its external audit, or not held by it.
    pub behind: Option<Behind>,
    /// Where the area's last audit's nonconformities put it in this round.
    pub follow_up: Option<FollowUp>,
    /// The area's and the auditor's places in the register, where known: the planner looks
    /// them up by these, not by case-folding ids again (32 bits: a register under the size
    /// limit holds far fewer, and an audit is kept small).
    pub(crate) area_index: Option<u32>,
    pub(crate) auditor_index: Option<u32>,
}

impl<'r> AreaAudit<'r> {
    /// An audit of `area` on `date` from `source`, with nobody assigned yet.
    pub(crate) fn new(area: &'r str, date: NaiveDate, source: Source) -> Self {
        AreaAudit {
            area,
            date,
            end: date,
            due: date,
            auditor: None,
            auditor_org: None,
            unassigned: None,
            source,
            loc: None,
            independent: true,
            from: None,
            behind: None,
            follow_up: None,
            area_index: None,
            auditor_index: None,
        }
    }

    /// The area's place in the register, where known.
    pub(crate) fn area_at(&self) -> Option<usize> {
        self.area_index.map(|i| i as usize)
    }

    /// The auditor's place in the register, where known.
    pub(crate) fn auditor_at(&self) -> Option<usize> {
        self.auditor_index.map(|j| j as usize)
    }

    /// The audited area in `register`, the one the plan was made from: `None` for a record
    /// naming an area the scope does not have. A look-up by place, not by id.
    pub fn area_in<'g>(&self, register: &'g Register) -> Option<&'g Area> {
        self.area_at().and_then(|i| register.scope.get(i))
    }

    /// The auditor in `register`, the one the plan was made from, where they are listed there.
    pub fn auditor_in<'g>(&self, register: &'g Register) -> Option<&'g Auditor> {
        self.auditor_at().and_then(|j| register.auditors.get(j))
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
}

impl Review {
    fn planned(date: NaiveDate) -> Self {
        Review { date, recorded: None, not_held: false }
    }

    fn recorded(r: &ReviewRecord, today: NaiveDate) -> Self {
        let not_held = r.status_on(today) == Status::Booked && r.date < today;
        Review { date: r.date, recorded: Some(r.loc), not_held }
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
}

/// A round of internal audits and the review that prepare one external audit.
#[derive(Debug, Clone, PartialEq)]
pub struct Round<'r> {
    /// 0 for round 0 (before Stage 1), else the certificate cycle.
    pub cycle: u32,
    /// 0 for round 0, else 1 to 3 within the cycle.
    pub number: u8,
    pub prepares: External,
    /// Audits on or after this day (the previous external audit) count toward this round.
    pub window_start: Option<NaiveDate>,
    /// ... and before this day: the external audit prepared, or for round 0, Stage 2.
    pub window_end: NaiveDate,
    /// The day the programme plans the round's audits by: the lead before the external audit,
    /// or earlier, to keep rounds no more than `max_months_between_rounds` apart.
    pub last_day: NaiveDate,
    /// The lead before the external audit: audits after it are late (their results may miss the
    /// management review); after the external audit itself, overdue.
    pub lead_day: NaiveDate,
    pub review: Review,
    /// Round 0 only: a management review recorded between Stage 1 and Stage 2.
    pub review_before_stage2: Option<Review>,
    /// Sorted by date, then area.
    pub audits: Vec<AreaAudit<'r>>,
}

impl<'r> Round<'r> {
    /// A short name: `R0` for round 0, `C2.1` for cycle 2's first round.
    pub fn label(&self) -> String {
        self.short_name().to_string()
    }

    /// [`Round::label`], written where it goes rather than made a string first.
    pub fn short_name(&self) -> RoundName {
        RoundName { cycle: self.cycle, number: self.number }
    }

    /// Whether `date` falls in this round's window.
    pub fn window_contains(&self, date: NaiveDate) -> bool {
        self.window_start.is_none_or(|w| w <= date) && date < self.window_end
    }

    /// Whether `area` is in the scope for this round: it joined before the round's window ends
    /// and had not left when it began.
    pub fn includes(&self, area: &Area) -> bool {
        area.since.is_none_or(|s| s < self.window_end)
            && area.until.is_none_or(|u| self.window_start.is_none_or(|w| u >= w))
    }

    pub fn audits_of<'a>(&'a self, area: &'a str) -> impl Iterator<Item = &'a AreaAudit<'r>> + 'a {
        self.audits.iter().filter(move |a| a.area == area)
    }

    /// The round's audits by area, for many look-ups.
    pub fn by_area(&self) -> HashMap<&'r str, Vec<&AreaAudit<'r>>> {
        let mut map: HashMap<&str, Vec<&AreaAudit>> = HashMap::with_capacity(self.audits.len());
        for a in &self.audits {
            map.entry(a.area).or_default().push(a);
        }
        map
    }

    /// Whether the round has an independent audit of `area` that is done, or still ahead: booked
    /// for a day not past, or planned and not yet due. This is coverage, for `plan` and `check`
    /// alike.
    pub fn covers(&self, area: &str, today: NaiveDate) -> bool {
        self.audits_of(area).any(|a| self.counts(a, today))
    }

    /// The areas the round covers (see [`Round::covers`]), for many look-ups.
    pub fn covered(&self, today: NaiveDate) -> BTreeSet<&str> {
        self.audits.iter().filter(|a| self.counts(a, today)).map(|a| a.area).collect()
    }

    fn counts(&self, a: &AreaAudit, today: NaiveDate) -> bool {
        a.independent
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
        self.audits_of(area).any(|a| a.independent && a.source == Source::Done)
    }

    /// The first day the programme may plan on: not before the round's window opens, nor in the
    /// past.
    pub fn first_day(&self, today: NaiveDate) -> NaiveDate {
        self.window_start.map_or(today, |start| start.max(today))
    }
}

/// Which of a cycle's three rounds take each area's audits where the rule leaves a choice
/// (indexed like `scope`), chosen once from the register so it is the same in every cycle. High
/// areas take every round; each medium area skips the currently busiest round, each low area
/// takes the currently quietest one, which keeps the rounds' sizes within one of each other.
/// Areas are taken in id order, so the order of the register changes nothing.
pub fn risk_pattern(scope: &[Area]) -> Vec<[bool; ROUNDS_PER_CYCLE]> {
    pattern_by_rank(scope, &id_ranks(scope))
}

/// [`risk_pattern`], with each area's place in id order (`id_ranks`) already known.
fn pattern_by_rank(scope: &[Area], rank: &[usize]) -> Vec<[bool; ROUNDS_PER_CYCLE]> {
    let mut load = [0usize; ROUNDS_PER_CYCLE];
    let mut pattern = vec![[false; ROUNDS_PER_CYCLE]; scope.len()];
    let mut order: Vec<usize> = (0..scope.len()).collect();
    order.sort_unstable_by_key(|&i| (scope[i].risk, rank[i]));
    for i in order {
        let rounds = match scope[i].risk {
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

/// Each area's place when areas are sorted by case-folded id (as [`same_id`] compares them),
/// the earlier on a tie: ties between areas are broken by these, so the order of the register
/// changes nothing.
///
/// [`same_id`]: crate::register::same_id
fn id_ranks(scope: &[Area]) -> Vec<usize> {
    let mut by_id: Vec<usize> = (0..scope.len()).collect();
    by_id.sort_by_cached_key(|&i| crate::register::folded(&scope[i].id));
    let mut rank = vec![0; scope.len()];
    for (pos, i) in by_id.into_iter().enumerate() {
        rank[i] = pos;
    }
    rank
}

/// A round's short name (see [`Round::label`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoundName {
    cycle: u32,
    number: u8,
}

impl std::fmt::Display for RoundName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.cycle == 0 { f.write_str("R0") } else { write!(f, "C{}.{}", self.cycle, self.number) }
    }
}

/// An index as an audit keeps it (see [`AreaAudit::area_index`]).
fn small(i: Option<usize>) -> Option<u32> {
    i.and_then(|i| u32::try_from(i).ok())
}

/// Look-ups built once per register: areas and auditors in the order of their ids, who may
/// audit what, and the record by area, with each record's areas and auditor as indices (so no
/// id is case-folded and hashed again while planning). Memory grows with areas, auditors and
/// conflicts, never their product.
struct Index {
    /// Auditor indices sorted by id: ties in the auditor choice go to the earlier id.
    rank: Vec<usize>,
    /// Each auditor's position in `rank`.
    rank_of: Vec<usize>,
    /// The people audited with each area (owner and team), as indices: area `i`'s are
    /// `people[people_from[i]..people_from[i + 1]]` (one list, not an allocation per area).
    people: Vec<usize>,
    people_from: Vec<usize>,
    /// Each auditor as a person, an index among the same people.
    auditor_person: Vec<usize>,
    /// How many people there are: owners, team members and auditors.
    persons: usize,
    /// For each area, its site (an index); for each auditor, the sites they audit, sorted, or
    /// `None` for any.
    site: Vec<Option<usize>>,
    auditor_sites: Vec<Option<Vec<usize>>>,
    /// The auditors who may not audit each area (owner, team, declared conflicts).
    conflicts: Conflicts,
    /// The programme's owner, an auditor, is kept from the areas marked here: those carrying
    /// clause 9.2 where another auditor is independent.
    owner: Option<usize>,
    owner_kept_off: Vec<bool>,
    /// For each area, its records as (record index), in date order.
    records: Vec<Vec<usize>>,
    /// Each record's auditor, where the register lists them, and its areas, as the record
    /// lists them.
    record_auditor: Vec<Option<usize>>,
    record_areas: Vec<Vec<Option<usize>>>,
    /// Each area's position when areas are sorted by case-folded id: ties go to the earlier.
    area_rank: Vec<usize>,
}

impl Index {
    fn new<'r>(register: &'r Register) -> Self {
        // Ids as `same_id` compares them, borrowed from the register where already lower case.
        let fold = crate::register::folded;
        let areas: HashMap<Cow<'_, str>, usize> =
            register.scope.iter().enumerate().map(|(i, a)| (fold(&a.id), i)).collect();
        let auditors: HashMap<Cow<'_, str>, usize> =
            register.auditors.iter().enumerate().map(|(i, a)| (fold(&a.id), i)).collect();
        let mut rank: Vec<usize> = (0..register.auditors.len()).collect();
        rank.sort_by_cached_key(|&i| fold(&register.auditors[i].id));
        let conflicts = Conflicts::new(&register.scope, &register.auditors);
        // Nobody audits the programme they manage, where someone else can (ISO 19011 objectivity);
        // `check` warns when the record shows it.
        let owner = register.programme_owner.as_deref().and_then(|o| auditors.get(&fold(o)).copied());
        let owner_kept_off = (register.scope.iter().enumerate())
            .map(|(i, area)| {
                owner.is_some_and(|p| {
                    area.carries_audit_programme() && conflicts.independent(i) > 1 && conflicts.between(i, p).is_none()
                })
            })
            .collect();
        let mut records: Vec<Vec<usize>> = vec![Vec::new(); register.scope.len()];
        let mut record_areas = Vec::with_capacity(register.audits.len());
        for (r, record) in register.audits.iter().enumerate() {
            let ids: Vec<Option<usize>> = record.areas.iter().map(|id| areas.get(&fold(id)).copied()).collect();
            for &i in ids.iter().flatten() {
                records[i].push(r);
            }
            record_areas.push(ids);
        }
        // Records are in date order already; keep it that way whatever the register did.
        for list in &mut records {
            list.sort_by_key(|&r| register.audits[r].date);
        }
        let record_auditor = register
            .audits
            .iter()
            .map(|r| r.auditor.as_deref().and_then(|a| auditors.get(&fold(a)).copied()))
            .collect();
        let area_rank = id_ranks(&register.scope);
        let mut rank_of = vec![0; rank.len()];
        for (pos, &j) in rank.iter().enumerate() {
            rank_of[j] = pos;
        }
        // Sized for everyone named at once: a map that grows hashes every id it holds again.
        let named = register.auditors.len() + register.scope.iter().map(|a| 1 + a.team.len()).sum::<usize>();
        let mut names: HashMap<Cow<'r, str>, usize> = HashMap::with_capacity(named);
        let mut intern = |s: &'r str| {
            let n = names.len();
            *names.entry(fold(s)).or_insert(n)
        };
        // Each area's people, sorted and without repeats, one area after another in one list.
        let (mut people, mut people_from) = (Vec::with_capacity(named), Vec::with_capacity(register.scope.len() + 1));
        let mut mine = Vec::new();
        for a in &register.scope {
            people_from.push(people.len());
            mine.clear();
            mine.extend(std::iter::once(&a.owner).chain(&a.team).map(|s| intern(s)));
            mine.sort_unstable();
            mine.dedup();
            people.extend_from_slice(&mine);
        }
        people_from.push(people.len());
        let auditor_person: Vec<usize> = register.auditors.iter().map(|a| intern(&a.id)).collect();
        let persons = names.len();
        let mut sites: HashMap<Cow<'r, str>, usize> = HashMap::new();
        let mut site_of = |s: &'r str| {
            let n = sites.len();
            *sites.entry(fold(s)).or_insert(n)
        };
        let site: Vec<Option<usize>> = register.scope.iter().map(|a| a.site.as_deref().map(&mut site_of)).collect();
        let auditor_sites = (register.auditors.iter())
            .map(|a| {
                a.sites.as_ref().map(|list| {
                    let mut v: Vec<usize> = list.iter().map(|s| site_of(s)).collect();
                    v.sort_unstable();
                    v
                })
            })
            .collect();
        Index {
            rank,
            rank_of,
            people,
            people_from,
            auditor_person,
            persons,
            site,
            auditor_sites,
            conflicts,
            owner,
            owner_kept_off,
            records,
            record_auditor,
            record_areas,
            area_rank,
        }
    }

    /// The people audited with area `i`: its owner and team.
    fn people(&self, i: usize) -> &[usize] {
        &self.people[self.people_from[i]..self.people_from[i + 1]]
    }

    /// Whether auditor `j` audits area `i`'s site (an area without one, or an auditor without a
    /// list of sites, is anywhere).
    fn reaches(&self, j: usize, i: usize) -> bool {
        match (&self.auditor_sites[j], self.site[i]) {
            (Some(list), Some(site)) => list.binary_search(&site).is_ok(),
            _ => true,
        }
    }

    /// Whether the programme may give area `i` to auditor `j`: independent of it, and not the
    /// programme's owner where it is kept off.
    fn may_audit(&self, i: usize, j: usize) -> bool {
        self.conflicts.between(i, j).is_none() && !(self.owner_kept_off[i] && self.owner == Some(j))
    }

    /// How many auditors the programme may give area `i` to.
    fn eligible(&self, i: usize) -> usize {
        self.conflicts.independent(i) - usize::from(self.owner_kept_off[i])
    }
}

/// A round's dates before any area is placed in it.
#[derive(Debug, Clone)]
struct Frame {
    cycle: u32,
    number: u8,
    prepares: External,
    window_start: Option<NaiveDate>,
    window_end: NaiveDate,
    last_day: NaiveDate,
    lead_day: NaiveDate,
    review: Review,
    review_before_stage2: Option<Review>,
}

impl Frame {
    fn contains(&self, date: NaiveDate) -> bool {
        self.window_start.is_none_or(|w| w <= date) && date < self.window_end
    }
}

/// What the rule asks of one area in one round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Need {
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
    },
    /// Required, and the external audit has passed without it.
    Missed { due: NaiveDate, behind: Behind, follow_up: Option<FollowUp> },
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

/// Builds rounds for a register on a given day. `today` decides which records are done, which
/// rounds are over, and so which audits are missed and which still to plan.
pub struct Programme<'r, 'c> {
    /// The rounds borrow their ids from the register, so its lifetime is theirs.
    register: &'r Register,
    certificate: &'c Certificate,
    today: NaiveDate,
    pattern: Vec<[bool; ROUNDS_PER_CYCLE]>,
    index: Index,
    calendar: Calendar,
}

impl<'r, 'c> Programme<'r, 'c> {
    pub fn new(register: &'r Register, certificate: &'c Certificate, today: NaiveDate) -> Self {
        let index = Index::new(register);
        Programme {
            register,
            certificate,
            today,
            pattern: pattern_by_rank(&register.scope, &index.area_rank),
            index,
            calendar: Calendar::new(&register.settings),
        }
    }

    /// The rounds of `epoch`'s cycles `first..=last`, preceded by its round 0 when `round_zero`.
    pub fn rounds(&self, epoch: &Epoch, first: u32, last: u32, round_zero: bool) -> Vec<Round<'r>> {
        self.each_round(epoch, first, last, round_zero).collect()
    }

    /// [`Programme::rounds`], one round at a time, each planned as it is asked for: a reader that
    /// keeps one round at a time (a calendar of thirty years) holds one round's audits, not all.
    pub fn each_round<'p>(&'p self, epoch: &Epoch, first: u32, last: u32, round_zero: bool) -> Rounds<'p, 'r, 'c> {
        let frames = self.frames(epoch, last);
        // The rule looks back (medium areas: never two rounds in a row without; an area the last
        // cycle left uncovered is owed), so the cycle before the first one shown is judged too.
        let shown = |f: &Frame| if f.cycle == 0 { round_zero } else { (first..=last).contains(&f.cycle) };
        let start = frames.iter().position(|f| shown(f) || f.cycle + 1 >= first).unwrap_or(frames.len());
        let frames: Vec<(Frame, bool)> =
            frames.into_iter().skip(start).map(|f| (shown(&f), f)).map(|(s, f)| (f, s)).collect();
        Rounds {
            programme: self,
            frames,
            next: 0,
            areas: vec![AreaState::default(); self.register.scope.len()],
            diary: Diary::new(self.register, &self.index),
            previous_review: None,
        }
    }

    /// A planned review takes the round's results (ISO/IEC 27001:2022 9.3.2): where audits are
    /// planned on or after its day (a round that runs late), it moves to the first open day
    /// after the last of them, while that is before the external audit it prepares and within
    /// `max_months_between_rounds` of the review before.
    fn review_after_audits(&self, round: &mut Round, previous: Option<NaiveDate>) {
        if round.review.recorded.is_some() {
            return;
        }
        let latest = previous.map(|p| months_after(p, self.register.settings.max_months_between_rounds));
        let latest = latest.map(|l| self.calendar.open_on_or_before(l));
        let planned = round.audits.iter().filter(|a| a.auditor.is_some() && !a.source.is_recorded());
        let Some(last) = planned.map(|a| a.end.max(a.date)).max() else {
            // Every audit held: a review recorded after the last of them, before the external
            // audit, is the round's (as `check` accepts it), even before the round's last day.
            let held = round.audits.iter().filter(|a| a.source == Source::Done).map(|a| a.date).max();
            let recorded = held.and_then(|h| self.recorded_review(|r| r.date > h && r.date < round.prepares.date));
            if let Some(r) = recorded {
                round.review = Review::recorded(r, self.today);
            } else if let Some(l) =
                latest.filter(|l| *l < round.review.date && held.is_none_or(|h| *l > h) && round.window_contains(*l))
            {
                // Within the interval from the review before, where the round's audits allow.
                round.review.date = l;
            }
            return;
        };
        if last < round.review.date {
            if let Some(l) = latest.filter(|l| *l < round.review.date && *l > last) {
                round.review.date = l;
            }
            return;
        }
        let after = last.succ_opt().map(|d| self.calendar.open_on_or_after(d));
        let day = after.filter(|d| *d < round.prepares.date).map(|d| latest.map_or(d, |l| d.min(l)));
        if let Some(day) = day.filter(|d| *d > round.review.date) {
            round.review.date = day;
        }
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
            let mut f = self.frame(None, 0, 0, prepares, epoch.begins, end.date.max(prepares.date));
            if end.kind == ExternalKind::Stage2 {
                f.review_before_stage2 = self
                    .recorded_review(|r| prepares.date <= r.date && r.date < end.date)
                    .map(|r| Review::recorded(r, self.today));
            }
            frames.push(f);
        }
        let mut window_start = epoch.stage2.map_or(epoch.decision.date, |s2| s2.date);
        for n in epoch.first_cycle..=last.min(epoch.last_cycle) {
            let cycle = self.certificate.cycle(n);
            for (k, external) in cycle.audits().into_iter().enumerate() {
                let f = self.frame(frames.last(), n, k as u8 + 1, external, Some(window_start), external.date);
                window_start = external.date;
                frames.push(f);
            }
        }
        frames
    }

    fn frame(
        &self,
        previous: Option<&Frame>,
        cycle: u32,
        number: u8,
        prepares: External,
        window_start: Option<NaiveDate>,
        window_end: NaiveDate,
    ) -> Frame {
        let s = &self.register.settings;
        let in_window = |d: NaiveDate| window_start.is_none_or(|w| w <= d) && d < prepares.date;
        // The round ends at least the lead before the external audit (clause 9.2 results in
        // time for corrective action) ...
        let lead_day = self.calendar.open_on_or_before(weeks_before(prepares.date, s.internal_audit_lead_weeks));
        let mut last_day = lead_day;
        let mut review_day =
            self.calendar.open_on_or_before(weeks_before(prepares.date, s.management_review_lead_weeks));
        // ... and no more than the interval after the round before it, counted from the audits
        // that round actually held once it is over, so the schedule never drifts (9.2.1, 9.3.1).
        if let Some(p) = previous {
            let held = (p.window_end <= self.today)
                .then(|| {
                    (self.register.audits.iter())
                        .filter(|r| p.contains(r.date) && r.status_on(self.today) == Status::Done)
                        .map(|r| r.date)
                        .max()
                })
                .flatten();
            let base = held.unwrap_or(p.last_day);
            last_day = last_day.min(self.calendar.open_on_or_before(months_after(base, s.max_months_between_rounds)));
            review_day = review_day
                .min(self.calendar.open_on_or_before(months_after(p.review.date, s.max_months_between_rounds)));
        }
        // The review that takes its results (9.3.2) comes after the round: a review recorded
        // earlier in the window (a mid-year one, say) is not this round's and does not pull it.
        let recorded = self.recorded_review(|r| in_window(r.date) && r.date > last_day);
        let mut review = match recorded {
            Some(r) => Review::recorded(r, self.today),
            None => Review::planned(review_day),
        };
        if last_day >= review.date {
            last_day = self.calendar.open_on_or_before(review.date.pred_opt().unwrap_or(review.date));
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
            prepares,
            window_start,
            window_end,
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
            prepares: f.prepares,
            window_start: f.window_start,
            window_end: f.window_end,
            last_day: f.last_day,
            lead_day: f.lead_day,
            review: f.review,
            review_before_stage2: f.review_before_stage2,
            audits,
        }
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
            a.auditor = record.auditor.as_deref();
            a.auditor_org = record.auditor_org.as_deref();
            a.loc = Some(record.loc);
            a.independent = independent;
            (a.area_index, a.auditor_index) = (small(area), small(auditor));
            a
        })
    }

    /// Whether area `i` is in the scope for frame `f`: it joined before the window closes and
    /// had not left when it opened (as [`Round::includes`]).
    fn in_scope(area: &Area, f: &Frame) -> bool {
        area.since.is_none_or(|s| s < f.window_end) && area.until.is_none_or(|u| f.window_start.is_none_or(|w| u >= w))
    }

    /// What area `i` holds in frame `f`, from its record: an independent audit held (and what
    /// the last one found), booked for a day ahead, or booked for a day that passed unheld.
    fn record_in(&self, i: usize, f: &Frame) -> Held {
        let records = &self.index.records[i];
        let audits = &self.register.audits;
        let mut out = Held::default();
        let from = records.partition_point(|&r| f.window_start.is_some_and(|w| audits[r].date < w));
        for &r in &records[from..] {
            let record = &audits[r];
            if record.date >= f.window_end {
                break;
            }
            if self.index.record_auditor[r].is_some_and(|j| self.index.conflicts.between(i, j).is_some()) {
                continue;
            }
            match record.status_on(self.today) {
                Status::Done => {
                    out.held = true;
                    out.found = Some(record.nonconformities);
                }
                Status::Booked if record.date >= self.today => out.booked_ahead = true,
                Status::Booked => out.booked_past = true,
            }
        }
        out
    }

    /// What the rule asks of area `i` in frame `k` of `frames`, judged on its record; `st` carries
    /// what the area's earlier frames left (see [`AreaState`]) and is moved on past frame `k`.
    fn need(&self, i: usize, frames: &[(Frame, bool)], k: usize, st: &mut AreaState) -> Need {
        let today = self.today;
        let area = &self.register.scope[i];
        let f = &frames[k].0;
        if !Self::in_scope(area, f) {
            st.previous_has = None;
            return Need::Nothing;
        }
        // The frames after `k` in its cycle (none for round 0), and those of them in the scope.
        let same_cycle = |j: &usize| frames[*j].0.cycle == f.cycle && f.cycle > 0;
        let later_in_cycle = || (k + 1..frames.len()).take_while(same_cycle);
        let remaining = later_in_cycle().filter(|&j| Self::in_scope(area, &frames[j].0)).count();
        if f.cycle != st.cycle {
            st.owed = (st.cycle != u32::MAX && st.count == 0) || (st.cycle == 0 && st.previous_has == Some(false));
            (st.cycle, st.count) = (f.cycle, 0);
            // The area's rounds in the cycle: this one and those after it.
            st.in_cycle = remaining + 1;
        }
        let record = self.record_in(i, f);
        let pattern = self.pattern[i];
        let pattern_round = pattern.iter().position(|p| *p).unwrap_or(0);
        let joining = area.since.is_some_and(|s| f.window_start.is_none_or(|w| w <= s) && s < f.window_end);
        let slot = usize::from(f.number.max(1) - 1);
        let follow_up = st.pending.map(|(kind, _)| kind);
        let by_risk = f.cycle == 0
            || st.pending.is_some_and(|(_, left)| left == 0)
            || match area.risk {
                Risk::High => true,
                Risk::Medium => st.previous_has == Some(false) || st.count + remaining < st.in_cycle.min(2),
                Risk::Low => st.count == 0 && remaining == 0,
            };
        let required = by_risk || joining;
        let preferred = match area.risk {
            Risk::High => true,
            Risk::Medium => pattern[slot] && st.count < 2,
            Risk::Low => st.count == 0 && (slot >= pattern_round || st.owed),
        } || f.cycle == 0;
        // Planned later than the programme intended: the round it had is over without it.
        let catch_up = f.cycle > 0
            && !joining
            && match area.risk {
                Risk::High => false,
                Risk::Medium => !pattern[slot],
                Risk::Low => slot > pattern_round || (st.owed && slot < pattern_round),
            };
        let source = if catch_up { Source::CatchUp } else { Source::Planned };
        let d = self.area_dates(area, f, joining);
        let mut need = Need::Nothing;
        let has = if record.held || record.booked_ahead || (record.booked_past && today < d.end) {
            // A booking that passed unheld still stands for the audit while it can be held.
            true
        } else if today >= d.end && joining && today < f.window_end {
            // Joined, and the external audit after it passed without an audit of it: as soon
            // as possible, in what is left of the round.
            let normal = self.area_dates(area, f, false);
            let late = today > normal.lead;
            let due = if late {
                self.calendar.open_on_or_before(f.window_end.pred_opt().unwrap_or(f.window_end))
            } else {
                normal.lead
            };
            let from = normal.from.max(today);
            need = Need::Plan { source, from, due, asap: true, behind: Some(Behind::ExtensionMissed), follow_up };
            true
        } else if today >= d.end {
            let caught_up = later_in_cycle().any(|j| self.record_in(i, &frames[j].0).held);
            if required && !caught_up {
                let behind = if by_risk { Behind::Overdue } else { Behind::ExtensionMissed };
                need = Need::Missed { due: d.lead, behind, follow_up };
            }
            false
        } else if today > d.lead {
            // Past the lead, the external audit still ahead: the required audit can be held late.
            if required {
                let due = self.calendar.open_on_or_before(d.end.pred_opt().unwrap_or(d.end));
                let from = d.from.max(today);
                need = Need::Plan { source, from, due, asap: true, behind: Some(Behind::Late), follow_up };
            }
            required
        } else if required || preferred {
            // Past the target (the interval after the last round), the lead still ahead:
            // as soon as possible.
            let asap = today > d.target;
            let due = if asap { d.lead } else { d.target };
            need = Need::Plan { source, from: d.from.max(today), due, asap, behind: None, follow_up };
            true
        } else {
            false
        };
        st.pending = match (record.held, record.found) {
            (true, Some(n)) if n.major > 0 => Some((FollowUp::Major, 0)),
            (true, Some(n)) if n.minor > 0 => Some((FollowUp::Minor, 1)),
            (true, _) => None,
            // An audit ahead follows the nonconformity up; its results are not known yet.
            (false, _) if has => None,
            (false, _) => st.pending.map(|(kind, left)| (kind, left.saturating_sub(1))),
        };
        st.count += usize::from(has);
        st.previous_has = Some(has);
        need
    }

    /// Area's dates in frame `f`. An area that joins the scope in the round is audited before
    /// the next external audit after it joins (a special audit, if one comes first); an area
    /// that leaves it, while it is still in it.
    fn area_dates(&self, area: &Area, f: &Frame, joining: bool) -> AreaDates {
        let mut d = AreaDates {
            from: f.window_start.unwrap_or(NaiveDate::MIN).max(area.since.unwrap_or(NaiveDate::MIN)),
            target: f.last_day,
            lead: f.lead_day,
            end: f.window_end,
        };
        if let (Some(since), true) = (area.since, joining) {
            let epoch = self.certificate.epoch_on(since);
            let next = (self.certificate.next_audit_after(epoch, since).map(|e| e.date))
                .filter(|n| *n <= f.window_end)
                .unwrap_or(f.window_end);
            if since > f.lead_day || next < f.prepares.date {
                // Never due before it joins: with no open day in between, `check` says the round
                // has no room.
                let before = self.calendar.open_on_or_before(next.pred_opt().unwrap_or(next)).max(since);
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
    fn no_empty_round(&self, f: &Frame, round: &Round, wanted: &mut Vec<(usize, Need)>) {
        let empty = wanted.iter().all(|(_, n)| !matches!(n, Need::Plan { .. })) && round.audits.is_empty();
        if f.cycle == 0 || !empty || f.lead_day < self.today {
            return;
        }
        let last_held = |i: usize| {
            (self.index.records[i].iter().map(|&r| &self.register.audits[r]))
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
            let need = Need::Plan {
                source: Source::Planned,
                from: d.from.max(self.today),
                due: if asap { d.lead } else { d.target },
                asap,
                behind: None,
                follow_up: None,
            };
            wanted.push((i, need));
        }
    }
}

/// What one area's earlier frames leave for the risk rule to judge the next one by.
#[derive(Debug, Clone, Copy)]
struct AreaState {
    /// Whether the frame before had the area's audit (held, booked, or planned); `None` where
    /// the area was out of the scope then, or there was no frame before.
    previous_has: Option<bool>,
    /// The frames of the current cycle so far that had it.
    count: usize,
    /// The current cycle (`u32::MAX` before the first frame) ...
    cycle: u32,
    /// ... and how many of its frames have the area in the scope.
    in_cycle: usize,
    /// The cycle (or round 0) before left the area without an audit it needed, so the first
    /// round ahead takes it.
    owed: bool,
    /// A nonconformity found by the last audit held, and the rounds left before the area must
    /// be audited again: a major one in the next round, a minor one in the next but one at the
    /// latest (9.2.2, "the results of previous audits"; 10.2 effectiveness).
    pending: Option<(FollowUp, u8)>,
}

impl Default for AreaState {
    fn default() -> Self {
        AreaState { previous_has: None, count: 0, cycle: u32::MAX, in_cycle: 0, owed: false, pending: None }
    }
}

/// What an area's record holds in one frame (see [`Programme::record_in`]).
#[derive(Debug, Clone, Copy, Default)]
struct Held {
    held: bool,
    booked_ahead: bool,
    booked_past: bool,
    /// What the last audit held in the frame found.
    found: Option<crate::register::Nonconformities>,
}

/// The rounds of a [`Programme`], planned one at a time as they are read (see
/// [`Programme::each_round`]). Each round is judged and placed after the one before, which
/// leaves what the next needs: each area's `AreaState`, and the `Diary` of who is taken when.
pub struct Rounds<'p, 'r, 'c> {
    programme: &'p Programme<'r, 'c>,
    /// Every frame planned, and whether its round is shown (the cycle before the first shown is
    /// planned for what it leaves, not shown).
    frames: Vec<(Frame, bool)>,
    next: usize,
    areas: Vec<AreaState>,
    diary: Diary,
    previous_review: Option<NaiveDate>,
}

impl<'r> Iterator for Rounds<'_, 'r, '_> {
    type Item = Round<'r>;

    fn next(&mut self) -> Option<Round<'r>> {
        let p = self.programme;
        while self.next < self.frames.len() {
            let k = self.next;
            self.next += 1;
            let (f, shown) = &self.frames[k];
            let mut wanted: Vec<(usize, Need)> = Vec::new();
            for (i, st) in self.areas.iter_mut().enumerate() {
                let need = p.need(i, &self.frames, k, st);
                if need != Need::Nothing {
                    wanted.push((i, need));
                }
            }
            let mut round = p.round(f);
            p.no_empty_round(f, &round, &mut wanted);
            p.fill(&mut round, &wanted, &mut self.diary);
            p.review_after_audits(&mut round, self.previous_review);
            self.previous_review = Some(round.review.date);
            if *shown {
                return Some(round);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn area(id: &str, risk: Risk) -> Area {
        Area {
            id: id.into(),
            name: id.into(),
            owner: "owner".into(),
            team: vec![],
            risk,
            clauses: vec![],
            controls: vec![],
            since: None,
            until: None,
            site: None,
            audit_days: 1,
            method: None,
            loc: Loc::default(),
        }
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
            let mut v: Vec<(String, [bool; 3])> = scope.iter().map(|a| a.id.clone()).zip(p).collect();
            v.sort();
            v
        };
        assert_eq!(by_id(&scope, risk_pattern(&scope)), by_id(&reversed, risk_pattern(&reversed)));
    }
}
