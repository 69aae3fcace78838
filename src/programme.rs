//! The internal-audit programme (ISO/IEC 27001:2022 clause 9.2): a round of area audits before
//! each external audit, then a management review (9.3) between the round and that audit.
//!
//! Round 0 prepares Stage 1 and audits the whole scope. Each certificate cycle has three rounds,
//! preparing surveillance 1, surveillance 2 and the recertification. Within a cycle an area is
//! audited by its risk: `high` in every round, `medium` in two of three (never two rounds in a
//! row without), `low` once (`audit-rules.md`: risk-based programme, ISO 19011; M).

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use crate::cycle::{Certificate, Cycle, External, weeks_before};
use crate::diagnostic::Loc;
use crate::register::{Area, AuditRecord, Auditor, Register, Risk, Status};

/// Rounds per certificate cycle: one before each surveillance and one before recertification.
pub const ROUNDS_PER_CYCLE: usize = 3;

/// How an area audit in a round came about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    /// Scheduled by the programme.
    Planned,
    /// Scheduled by the programme to make up for an audit missed in an earlier round.
    CatchUp,
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
    /// Every independent auditor is busy on every open day the round has left.
    NoFreeDay,
}

/// One area audited on one day by one auditor (or by nobody, which outputs say plainly).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaAudit {
    pub area: String,
    pub date: NaiveDate,
    pub auditor: Option<String>,
    /// For a planned audit without an auditor: why.
    pub unassigned: Option<Unassigned>,
    pub source: Source,
    /// The record this comes from, if any.
    pub loc: Option<Loc>,
    /// False for a recorded audit whose auditor owns, runs or has a conflict with the area: it
    /// is shown, but it does not count as coverage (clause 9.2.2 c), so the area is planned again.
    pub independent: bool,
}

/// The management review that takes a round's results to the external audit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Review {
    pub date: NaiveDate,
    /// Where the register records it; `None` when planned.
    pub recorded: Option<Loc>,
}

/// A round of internal audits and the review that prepare one external audit.
#[derive(Debug, Clone, PartialEq)]
pub struct Round {
    /// 0 for round 0 (before Stage 1), else the certificate cycle.
    pub cycle: u32,
    /// 0 for round 0, else 1 to 3 within the cycle.
    pub number: u8,
    pub prepares: External,
    /// Audits on or after this day (the previous external audit) count toward this round.
    pub window_start: Option<NaiveDate>,
    /// The latest day the programme plans an audit of this round on.
    pub last_day: NaiveDate,
    pub review: Review,
    /// Sorted by date, then area.
    pub audits: Vec<AreaAudit>,
}

impl Round {
    /// A short name: `R0` for round 0, `C2.1` for cycle 2's first round.
    pub fn label(&self) -> String {
        if self.cycle == 0 { "R0".to_string() } else { format!("C{}.{}", self.cycle, self.number) }
    }

    /// Whether `date` falls in this round's window.
    pub fn window_contains(&self, date: NaiveDate) -> bool {
        self.window_start.is_none_or(|w| w <= date) && date < self.prepares.date
    }

    pub fn audits_of<'a>(&'a self, area: &'a str) -> impl Iterator<Item = &'a AreaAudit> + 'a {
        self.audits.iter().filter(move |a| a.area == area)
    }

    /// Whether the round has an independent audit of `area` that is done, or still ahead: booked
    /// for a day not past, or planned in a round not over. This is coverage, for `plan` and
    /// `check` alike.
    pub fn covers(&self, area: &str, today: NaiveDate) -> bool {
        self.audits_of(area).any(|a| self.counts(a, today))
    }

    /// The areas the round covers (see [`Round::covers`]), for many look-ups.
    pub fn covered(&self, today: NaiveDate) -> BTreeSet<&str> {
        self.audits.iter().filter(|a| self.counts(a, today)).map(|a| a.area.as_str()).collect()
    }

    fn counts(&self, a: &AreaAudit, today: NaiveDate) -> bool {
        a.independent
            && match a.source {
                Source::Done => true,
                Source::Booked => a.date >= today,
                // Without an auditor it is still the round's to take; `check` reports the
                // missing auditor on its own (no-independent-auditor, round-over-capacity).
                Source::Planned | Source::CatchUp => self.last_day >= today,
            }
    }

    /// Whether the round has an independent audit of `area` that was held.
    pub fn done(&self, area: &str) -> bool {
        self.audits_of(area).any(|a| a.independent && a.source == Source::Done)
    }

    /// The first day the programme may plan on: not before the round's window opens, and for a
    /// round not yet over, not in the past.
    pub fn first_day(&self, today: NaiveDate) -> NaiveDate {
        let start = self.window_start.unwrap_or(NaiveDate::MIN);
        if self.last_day >= today { start.max(today) } else { start }
    }
}

/// Which of a cycle's three rounds audit each area (indexed like `scope`), chosen once from the
/// register so it is the same in every cycle. High areas take every round; each medium area
/// skips the currently busiest round, each low area takes the currently quietest one, which keeps
/// the rounds' sizes within one of each other.
pub fn risk_pattern(scope: &[Area]) -> Vec<[bool; ROUNDS_PER_CYCLE]> {
    let mut load = [0usize; ROUNDS_PER_CYCLE];
    let mut pattern = vec![[false; ROUNDS_PER_CYCLE]; scope.len()];
    for risk in [Risk::High, Risk::Medium, Risk::Low] {
        for (i, area) in scope.iter().enumerate().filter(|(_, a)| a.risk == risk) {
            let rounds = match area.risk {
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
    }
    pattern
}

/// Builds rounds for a register on a given day. `today` decides which records are done, which
/// planned audits were missed, and so which later rounds catch up on them.
pub struct Programme<'r> {
    register: &'r Register,
    certificate: &'r Certificate,
    today: NaiveDate,
    pattern: Vec<[bool; ROUNDS_PER_CYCLE]>,
    /// Areas by id, for records.
    areas: BTreeMap<&'r str, &'r Area>,
    /// For each area (indexed like `scope`), the auditors independent of it.
    eligible: Vec<Vec<&'r Auditor>>,
}

impl<'r> Programme<'r> {
    pub fn new(register: &'r Register, certificate: &'r Certificate, today: NaiveDate) -> Self {
        let areas = register.scope.iter().map(|a| (a.id.as_str(), a)).collect();
        let eligible = (register.scope.iter())
            .map(|area| register.auditors.iter().filter(|a| area.independent_of(a)).collect())
            .collect();
        Programme { register, certificate, today, pattern: risk_pattern(&register.scope), areas, eligible }
    }

    /// Round 0: the whole scope before Stage 1. `None` without a Stage 1 date.
    pub fn round_zero(&self) -> Option<Round> {
        let stage1 = self.certificate.stage1?;
        let mut round = self.frame(0, 0, stage1, None);
        // A record in the round stands for its audit (if booked and not held, `check` says so).
        let wanted: Vec<(usize, Source)> = (self.register.scope.iter().enumerate())
            .filter(|(_, area)| !round.audits_of(&area.id).any(|a| a.independent))
            .map(|(i, _)| (i, Source::Planned))
            .collect();
        self.fill(&mut round, &wanted, &mut self.busy());
        Some(round)
    }

    /// The three rounds of cycle `n`.
    pub fn cycle_rounds(&self, cycle: &Cycle) -> [Round; ROUNDS_PER_CYCLE] {
        let n = cycle.number;
        let previous = if n == 1 {
            self.certificate.stage2.map_or(self.certificate.decision.date, |s| s.date)
        } else {
            self.certificate.cycle(n - 1).recertification.date
        };
        let external = cycle.audits();
        let starts = [previous, external[0].date, external[1].date];
        let mut rounds: [Round; ROUNDS_PER_CYCLE] =
            std::array::from_fn(|k| self.frame(n, k as u8 + 1, external[k], Some(starts[k])));
        // Before planning, a round holds only its records. A record stands for the round's audit
        // of its areas (if booked and not held, `check` says so); only a held one (or one still
        // ahead) covers an area.
        let held: [BTreeSet<&str>; ROUNDS_PER_CYCLE] = std::array::from_fn(|k| {
            rounds[k].audits.iter().filter(|a| a.independent).map(|a| a.area.as_str()).collect()
        });
        let today = self.today;
        let covered: [BTreeSet<&str>; ROUNDS_PER_CYCLE] = std::array::from_fn(|k| rounds[k].covered(today));
        let done: [BTreeSet<&str>; ROUNDS_PER_CYCLE] = std::array::from_fn(|k| {
            rounds[k]
                .audits
                .iter()
                .filter(|a| a.independent && a.source == Source::Done)
                .map(|a| a.area.as_str())
                .collect()
        });

        let mut wanted: [Vec<(usize, Source)>; ROUNDS_PER_CYCLE] = Default::default();
        for (i, area) in self.register.scope.iter().enumerate() {
            let id = area.id.as_str();
            let mut need: [Option<Source>; ROUNDS_PER_CYCLE] = self.pattern[i].map(|p| p.then_some(Source::Planned));
            // Any audit of a low-risk area in the cycle gives it its once-per-cycle coverage.
            if area.risk == Risk::Low && covered.iter().any(|c| c.contains(id)) {
                need = [None; ROUNDS_PER_CYCLE];
            }
            // A required audit whose round is over without being held is missed: the next round
            // still ahead takes the area too, so the cycle's coverage can still be met.
            for k in 0..ROUNDS_PER_CYCLE {
                let missed = need[k].is_some() && rounds[k].last_day < today && !done[k].contains(id);
                if missed
                    && let Some(j) = (k + 1..ROUNDS_PER_CYCLE).find(|&j| rounds[j].last_day >= today)
                    && need[j].is_none()
                    && !held[j].contains(id)
                {
                    need[j] = Some(Source::CatchUp);
                }
            }
            for k in 0..ROUNDS_PER_CYCLE {
                if let Some(source) = need[k]
                    && !held[k].contains(id)
                {
                    wanted[k].push((i, source));
                }
            }
        }
        // One calendar of busy days for the whole cycle: an auditor is never booked twice.
        let mut busy = self.busy();
        for (round, wanted) in rounds.iter_mut().zip(&wanted) {
            self.fill(round, wanted, &mut busy);
        }
        rounds
    }

    /// A round's dates and its recorded audits, before any planning.
    fn frame(&self, cycle: u32, number: u8, prepares: External, window_start: Option<NaiveDate>) -> Round {
        let s = &self.register.settings;
        // As `Round::window_contains`, before the round exists.
        let in_window = |d: NaiveDate| window_start.is_none_or(|w| w <= d) && d < prepares.date;
        // The round ends at least the lead before the external audit (clause 9.2 results in
        // time for corrective action) ...
        let lead_day = s.open_on_or_before(weeks_before(prepares.date, s.internal_audit_lead_weeks));
        // ... and the review that takes its results (9.3.2) comes after that: a review recorded
        // earlier in the window (a mid-year one, say) is not this round's and does not pull it.
        let review = match self.register.reviews.iter().rfind(|r| in_window(r.date) && r.date > lead_day) {
            Some(r) => Review { date: r.date, recorded: Some(r.loc) },
            None => Review {
                date: s.open_on_or_before(weeks_before(prepares.date, s.management_review_lead_weeks)),
                recorded: None,
            },
        };
        let mut last_day = lead_day;
        if last_day >= review.date {
            last_day = s.open_on_or_before(review.date.pred_opt().unwrap_or(review.date));
        }
        let audits = self.register.audits.iter().filter(|r| in_window(r.date)).flat_map(|r| self.recorded(r)).collect();
        Round { cycle, number, prepares, window_start, last_day, review, audits }
    }

    fn recorded<'a>(&'a self, r: &'a AuditRecord) -> impl Iterator<Item = AreaAudit> + 'a {
        let source = match r.status_on(self.today) {
            Status::Done => Source::Done,
            Status::Booked => Source::Booked,
        };
        let (date, loc) = (r.date, r.loc);
        // A record without an auditor is taken as independent (e.g. an outside firm's audit).
        let auditor = r.auditor.as_deref().and_then(|id| self.register.auditors.iter().find(|a| a.id == id));
        r.areas.iter().map(move |id| {
            let independent = match (self.areas.get(id.as_str()), auditor) {
                (Some(area), Some(auditor)) => area.independent_of(auditor),
                _ => true,
            };
            AreaAudit {
                area: id.clone(),
                date,
                auditor: r.auditor.clone(),
                unassigned: None,
                source,
                loc: Some(loc),
                independent,
            }
        })
    }

    /// The days auditors are taken by recorded audits.
    fn busy(&self) -> BTreeSet<(&'r str, NaiveDate)> {
        self.register.audits.iter().filter_map(|r| Some((r.auditor.as_deref()?, r.date))).collect()
    }

    /// Plans `wanted` areas into `round`, packed backwards from its last day: each to the
    /// least-loaded independent auditor in the round (ties by id) who has a free open day
    /// between the round's first and last day, on the latest such day. An auditor does at most
    /// one audit a day (`busy`, shared by the rounds planned together).
    fn fill(&self, round: &mut Round, wanted: &[(usize, Source)], busy: &mut BTreeSet<(&'r str, NaiveDate)>) {
        let settings = &self.register.settings;
        let first_day = round.first_day(self.today);
        let mut load: BTreeMap<&str, usize> = self.register.auditors.iter().map(|a| (a.id.as_str(), 0)).collect();
        for a in &round.audits {
            if let Some(n) = a.auditor.as_deref().and_then(|id| load.get_mut(id)) {
                *n += 1;
            }
        }
        let eligible = |i: usize| self.eligible[i].iter().copied();
        // The latest open day in the round on which `auditor` is free.
        let free_day = |auditor: &str, busy: &BTreeSet<(&str, NaiveDate)>| {
            let mut day = settings.open_on_or_before(round.last_day);
            while day >= first_day && busy.contains(&(auditor, day)) {
                day = settings.open_on_or_before(day.pred_opt()?);
            }
            (day >= first_day).then_some(day)
        };
        // The most constrained areas (fewest independent auditors) choose first, so the free
        // auditors are still free when they are the only ones left for an area.
        let mut order = wanted.to_vec();
        order.sort_by_key(|&(i, _)| (self.eligible[i].len(), i));
        for (i, source) in order {
            let area = &self.register.scope[i];
            let by_load = |a: &&'r Auditor| (load.get(a.id.as_str()).copied().unwrap_or(0), a.id.as_str());
            // Usually the least-loaded auditor has a free day; only if not, try the others in turn.
            let first = eligible(i).min_by_key(by_load);
            let chosen = first.and_then(|a| Some((a, free_day(&a.id, busy)?))).or_else(|| {
                let mut others: Vec<&'r Auditor> = eligible(i).collect();
                others.sort_by_key(by_load);
                others.into_iter().find_map(|a| Some((a, free_day(&a.id, busy)?)))
            });
            let (date, auditor, unassigned) = match chosen {
                Some((auditor, day)) => {
                    busy.insert((auditor.id.as_str(), day));
                    *load.entry(auditor.id.as_str()).or_default() += 1;
                    (day, Some(auditor.id.clone()), None)
                }
                None if first.is_none() => (round.last_day, None, Some(Unassigned::NoneIndependent)),
                None => (round.last_day, None, Some(Unassigned::NoFreeDay)),
            };
            round.audits.push(AreaAudit {
                area: area.id.clone(),
                date,
                auditor,
                unassigned,
                source,
                loc: None,
                independent: true,
            });
        }
        round.audits.sort_by(|a, b| (a.date, &a.area).cmp(&(b.date, &b.area)));
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
}
