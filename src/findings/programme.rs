//! The internal-audit programme (ISO/IEC 27001:2022 9.2, 9.3): independent auditors, each
//! round's audits held in time, rounds with room for their audits, a management review after
//! each round, every area covered in a cycle, round 0 complete before Stage 1, and audits and
//! reviews at planned intervals.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};

use super::Fact;
use super::facts::{Capacity, LateAudit, Later, ReviewGap, RoundRef, Stage1Fit};
use crate::cycle::{Basis, Certificate, Cycle, External, ExternalKind, months_after, weeks_after};
use crate::diagnostic::Loc;
use crate::plan::Plan;
use crate::programme::{AreaAudit, Behind, Effort, Round, Source, Unassigned};
use crate::register::{Area, AuditKind, Conflicts, Register, Status, folded, same_id};

/// Shared by the findings of the round: a round of 100,000 areas may have as many.
pub(super) fn round_ref(round: &Round) -> Arc<RoundRef> {
    Arc::new(RoundRef {
        label: round.short_name(),
        prepares: round.prepares,
        interim: (round.interim > 0).then_some(round.last_day),
    })
}

/// Areas no auditor may audit (owner, team and conflicts rule out all), and recorded audits in
/// the rounds checked by someone who owns, runs or has a conflict with the area (9.2.2 c).
pub(super) fn independence<'r>(
    reg: &'r Register,
    today: NaiveDate,
    since: Option<NaiveDate>,
    rounds: &[Round],
) -> Vec<Fact<'r>> {
    let mut out = Vec::new();
    let conflicts = Conflicts::new(&reg.scope, &reg.auditors);
    for (i, area) in reg.scope.iter().enumerate().filter(|(_, a)| !a.left_by(today)) {
        if conflicts.independent(i) == 0 {
            out.push(Fact::NoIndependentAuditor { area: &area.id, auditors: reg.auditors.len(), at: area.loc });
        }
    }
    let window_end = rounds.iter().map(|r| r.window_end).max();
    let areas: BTreeMap<Cow<str>, usize> = reg.scope.iter().enumerate().map(|(i, a)| (folded(&a.id), i)).collect();
    let auditors: BTreeMap<Cow<str>, usize> =
        reg.auditors.iter().enumerate().map(|(j, a)| (folded(&a.id), j)).collect();
    for record in
        reg.audits.iter().filter(|r| since.is_none_or(|s| r.date >= s) && window_end.is_some_and(|e| r.date < e))
    {
        let Some(&j) = record.auditor.as_deref().and_then(|id| auditors.get(&*folded(id))) else {
            continue;
        };
        for &i in record.areas.iter().filter_map(|id| areas.get(&*folded(id))) {
            if let Some(conflict) = conflicts.between(i, j) {
                out.push(Fact::AuditorNotIndependent {
                    area: &reg.scope[i].id,
                    date: record.date,
                    auditor: &reg.auditors[j].id,
                    conflict,
                    at: record.loc,
                });
            }
        }
    }
    out
}

/// What the rounds found: audits behind (overdue, late, an extension not audited), audits with
/// no auditor (no room in the round), rounds over without a review that counts, and areas a
/// cycle of `cycles` can no longer cover. A list for each, in that order, each made at its
/// length: a round of 100,000 areas may have as many facts of one kind, which are neither
/// grown by doubling nor copied into one list.
pub(super) fn rounds<'r>(
    reg: &'r Register,
    certificate: &Certificate,
    today: NaiveDate,
    rounds: &[Round<'r>],
    cycles: &[Cycle],
) -> Vec<Vec<Fact<'r>>> {
    // An audit's area by its place in the scope; by its id (without case) only for one the
    // plan did not place (a record in a planned audit's place, an area not in the scope), the
    // look-up made when first needed.
    let areas: OnceCell<BTreeMap<Cow<str>, &Area>> = OnceCell::new();
    let area_of = |a: &AreaAudit| match a.area_at() {
        Some(i) => reg.scope.get(i),
        None => {
            areas.get_or_init(|| reg.scope.iter().map(|x| (folded(&x.id), x)).collect()).get(&*folded(a.area)).copied()
        }
    };
    let by_area: Vec<Vec<usize>> = rounds.iter().map(Round::by_area).collect();
    let mut out = Vec::new();
    for (k, round) in rounds.iter().enumerate() {
        out.push(without_auditor(reg, today, round, area_of));
        // A round that began before the record is complete is not judged on it.
        if reg.judges(round.window_start, round.last_day) {
            out.push(behind(reg, certificate, today, rounds, &by_area, k, area_of));
            out.push(review(reg, today, round).into_iter().collect());
        }
    }
    out.push(not_covered(reg, today, rounds, cycles));
    out
}

/// The round's audits behind: not held by the lead (late), or by the external audit (overdue),
/// or an area that joined the scope not audited before the next external audit.
fn behind<'a, 'r>(
    reg: &Register,
    certificate: &Certificate,
    today: NaiveDate,
    rounds: &'a [Round<'r>],
    by_area: &'a [Vec<usize>],
    k: usize,
    area_of: impl Fn(&AreaAudit) -> Option<&'r Area>,
) -> Vec<Fact<'r>> {
    let round = &rounds[k];
    let of = |k: usize, area: &'a str| rounds[k].audits_in(&by_area[k], area);
    let is_behind = |a: &&AreaAudit| a.behind.is_some();
    let mut out = Vec::with_capacity(round.audits.iter().filter(is_behind).count());
    // One copy of each external audit named, shared by the facts that name it: most name the
    // one the round prepares; areas that joined the scope in the round, the next after they
    // joined (a few for a round, however many areas).
    let mut named = vec![Arc::new(round.prepares)];
    let mut share = |e: External| match named.iter().find(|n| ***n == e) {
        Some(n) => Arc::clone(n),
        None => {
            let n = Arc::new(e);
            named.push(Arc::clone(&n));
            n
        }
    };
    for a in round.audits.iter().filter(is_behind) {
        let area = area_of(a);
        let held_not_independent = of(k, a.area).any(|x| x.source == Source::Done && !x.independent);
        // The external audit the area's audit was to precede.
        let before = share(match area.and_then(|x| x.since).filter(|s| round.window_start.is_none_or(|w| w <= *s)) {
            Some(s) => {
                let epoch = certificate.epoch_on(s);
                (certificate.next_audit_after(epoch, s))
                    .filter(|e| e.date <= round.window_end)
                    .unwrap_or(round.prepares)
            }
            None => round.prepares,
        });
        // What the plan does about it: the audit it schedules, or nothing left to do it in.
        let planned = (k..rounds.len())
            .take_while(|&j| rounds[j].cycle == round.cycle)
            .flat_map(|j| of(j, a.area).map(move |x| (&rounds[j], x)))
            .find(|(_, x)| matches!(x.source, Source::Planned | Source::CatchUp) && x.due >= today);
        let later = match planned {
            Some((_, x)) if !x.has_auditor() => Later::NoAuditor { due: x.due },
            Some((r, x)) if r.short_name() == round.short_name() => Later::ThisRound { due: x.due, date: x.date },
            Some((r, x)) => Later::Round { label: r.short_name(), date: x.date },
            None => match area.filter(|x| x.left_by(today)).and_then(|x| x.until) {
                Some(until) => Later::Left { until },
                None => Later::Nothing,
            },
        };
        let (area_id, at) = (a.area, a.loc(reg).or(area.map(|x| x.loc)));
        out.push(match a.behind.unwrap_or(Behind::Late) {
            Behind::Overdue => {
                // (A day the plan had for it that passed, none recorded: not one ahead, nor
                // today's.)
                let before_unrecorded = matches!(before.basis, Basis::Planned | Basis::Assumed) && before.date < today;
                Fact::OverdueAudit {
                    area: area_id,
                    round: round.short_name(),
                    before,
                    before_unrecorded,
                    held_not_independent,
                    later,
                    at,
                }
            }
            Behind::ExtensionMissed => Fact::ExtensionNotAudited {
                area: area_id,
                since: area.and_then(|x| x.since),
                before,
                held_not_independent,
                later,
                at,
            },
            Behind::Late => {
                // Round 0's stragglers are `stage1-too-close`'s before Stage 1, and
                // `round0-incomplete-at-stage1`'s after it; without a Stage 1 (a restart at
                // Stage 2), they are late like any other round's.
                if round.cycle == 0 && round.prepares.kind == ExternalKind::Stage1 {
                    continue;
                }
                Fact::AuditLate(Box::new(LateAudit {
                    area: area_id,
                    round: round.short_name(),
                    interim: round.interim > 0,
                    lead_day: round.lead_day,
                    before,
                    // Still ahead: the round has no room for it before the lead.
                    free_from: (round.lead_day >= today).then_some(a.date),
                    opens: a.from.filter(|f| *f > round.lead_day).map(|f| (f, area.and_then(|x| x.since) == Some(f))),
                    passed: a.passed.filter(|_| round.lead_day >= today),
                    booked: (a.source == Source::Booked).then_some(a.date),
                    held_not_independent,
                    later,
                    at,
                }))
            }
        });
    }
    // (Round 0's late ones before Stage 1 are left out.)
    out.shrink_to_fit();
    out
}

/// The round's audits still ahead that have no auditor, but for want of an independent one
/// (`no-independent-auditor`'s).
fn without_auditor<'r>(
    reg: &Register,
    today: NaiveDate,
    round: &Round<'r>,
    area_of: impl Fn(&AreaAudit) -> Option<&'r Area>,
) -> Vec<Fact<'r>> {
    let yearly_caps = reg.auditors.iter().any(|x| x.max_days_per_year.is_some());
    // Why an audit still ahead has no auditor, where the round has no room for it.
    let short = |a: &AreaAudit| {
        let first_day = a.from.unwrap_or(today).max(today);
        match a.unassigned.filter(|_| a.due >= today)? {
            Unassigned::NoneIndependent => None,
            Unassigned::NoAuditorForSite => Some(Capacity::NoAuditorForSite {
                site: area_of(a).and_then(|x| x.site.as_deref()).map_or("", |s| s.as_str()),
            }),
            Unassigned::RoundCap => Some(Capacity::RoundCap),
            Unassigned::NoFreeDay if first_day > a.due => {
                Some(Capacity::NoDaysLeft { first_day, due: a.due, yearly_caps })
            }
            Unassigned::NoFreeDay => Some(Capacity::NoFreeDay { first_day, due: a.due, yearly_caps }),
        }
    };
    // Counted first, so that the list is made at its length.
    let mut out = Vec::with_capacity(round.audits.iter().filter(|a| short(a).is_some()).count());
    let this_round = round_ref(round);
    for a in &round.audits {
        let Some(why) = short(a) else { continue };
        out.push(Fact::RoundOverCapacity {
            area: a.area,
            round: Arc::clone(&this_round),
            why,
            due: a.due,
            at: area_of(a).map(|x| x.loc),
        });
    }
    out
}

/// A round whose external audit has passed without a management review recorded after its
/// audits (9.3.2: the review takes their results). Any review recorded in the window after the
/// round's last audit held will do, even an early one.
fn review<'r>(reg: &Register, today: NaiveDate, round: &Round) -> Option<Fact<'r>> {
    // An interim round's review keeps the interval: `review-interval-exceeded` judges it. Nor
    // can a review be held for an unannounced audit that replaced a surveillance.
    if round.interim > 0 || round.prepares.unannounced(reg.settings.surveillance_before_anniversary_weeks) {
        return None;
    }
    if round.prepares.date >= today {
        // Still ahead: a review booked before an audit of the round still to be held (the plan
        // adds one after it).
        let booked = (round.other_reviews.iter()).rfind(|r| r.recorded.is_some() && r.date >= today)?;
        let planned = round.audits.iter().filter(|a| a.has_auditor() && !a.source.is_recorded());
        let audit = planned.map(|a| a.end).filter(|d| *d > booked.date).max()?;
        let gap = ReviewGap::BookedBeforeAudit { review: booked.date, audit };
        return Some(Fact::ReviewMissing { round: round_ref(round), gap, date: booked.date, at: booked.recorded });
    }
    let last_done = round.audits.iter().filter(|a| a.source == Source::Done).map(|a| a.date).max();
    let reviews: Vec<_> =
        (reg.reviews.iter()).filter(|r| round.window_contains(r.date) && r.stands_on(today)).collect();
    let after_audits = reviews.iter().any(|r| last_done.is_none_or(|done| r.date >= done));
    // A review booked in the window whose day passed without being marked done.
    let unheld = (reg.reviews.iter()).rfind(|r| round.window_contains(r.date) && !r.stands_on(today));
    let (gap, date, at) = match (reviews.last(), last_done) {
        (None, _) if let Some(booked) = unheld => {
            (ReviewGap::NotHeld { booked: booked.date }, booked.date, Some(booked.loc))
        }
        (None, _) => (ReviewGap::None, round.prepares.date, round.prepares.loc),
        (Some(review), Some(done)) if !after_audits => {
            (ReviewGap::BeforeAudits { review: review.date, done }, review.date, Some(review.loc))
        }
        _ => return None,
    };
    Some(Fact::ReviewMissing { round: round_ref(round), gap, date, at })
}

/// The areas in the scope of a cycle of `cycles` that none of its rounds covers any more (round
/// 0 is all-or-overdue, reported as overdue audits).
fn not_covered<'r>(reg: &'r Register, today: NaiveDate, rounds: &[Round], cycles: &[Cycle]) -> Vec<Fact<'r>> {
    // Which first, a flag per area and cycle, then the facts at their number (see `rounds`).
    let uncovered: Vec<(&Cycle, Vec<bool>)> = (cycles.iter())
        .map(|cycle| {
            let in_cycle: Vec<&Round> = rounds.iter().filter(|r| r.cycle == cycle.number).collect();
            // Covered: by place where an audit names its area as the scope writes it, else by
            // the id the audit names (a record the plan did not place).
            let (mut at, mut named) = (vec![false; reg.scope.len()], BTreeSet::new());
            for a in in_cycle.iter().flat_map(|r| r.covering(today)) {
                match a.area_as_written(reg) {
                    Some(i) => at[i] = true,
                    None => _ = named.insert(a.area.as_str()),
                }
            }
            let missing = (reg.scope.iter().enumerate())
                .map(|(i, area)| {
                    let in_scope = !area.left_by(today) && in_cycle.iter().any(|r| r.includes(area));
                    in_scope && !at[i] && !named.contains(area.id.as_str())
                })
                .collect();
            (cycle, missing)
        })
        .collect();
    let mut out = Vec::with_capacity(uncovered.iter().map(|(_, m)| m.iter().filter(|&&m| m).count()).sum());
    for (cycle, missing) in uncovered {
        out.extend(reg.scope.iter().zip(missing).filter(|(_, m)| *m).map(|(area, _)| Fact::AreaNotCovered {
            area: &area.id,
            cycle: cycle.number,
            start: cycle.start,
            expiry: cycle.expiry,
            at: area.loc,
        }));
    }
    out
}

/// The first internal audits come at least the lead before Stage 1, so corrective actions can
/// go through management review before the certification body looks (Stage 1 checks it,
/// ISO/IEC 17021-1 9.3.1.2.2). Once Stage 1 is past, what is missing is for Stage 2.
pub(super) fn first_audit<'r>(plan: &Plan<'r>) -> Option<Fact<'r>> {
    let epoch = plan.epoch();
    let (Some(stage1), true) = (epoch.stage1, plan.initial) else { return None };
    let reg = plan.register;
    let lead = reg.settings.internal_audit_lead_weeks;
    let after = epoch.begins;
    let before: Vec<_> =
        reg.audits.iter().filter(|a| a.date < stage1.date && after.is_none_or(|b| a.date >= b)).collect();
    if stage1.date >= plan.today {
        let last = before.last().filter(|last| (stage1.date - last.date).num_days() < 7 * i64::from(lead))?;
        return Some(Fact::FirstAuditLate { stage1: stage1.date, last: last.date, lead, at: last.loc });
    }
    // Stage 1 is past: round 0 should have been complete by its last day.
    let round0 = plan.rounds.iter().find(|r| r.cycle == 0)?;
    let held = |a: &&AreaAudit| a.independent && a.kind == AuditKind::Full && a.source == Source::Done;
    let done: BTreeSet<&str> = round0.audits.iter().filter(held).map(|a| a.area.as_str()).collect();
    let in_time: BTreeSet<&str> =
        round0.audits.iter().filter(|a| held(a) && a.date <= round0.last_day).map(|a| a.area.as_str()).collect();
    let areas: Vec<&str> = reg.scope.iter().filter(|a| round0.includes(a)).map(|a| a.id.as_str()).collect();
    let late: Vec<&str> = areas.iter().filter(|a| !in_time.contains(*a) && done.contains(*a)).copied().collect();
    let open: Vec<&str> = areas.iter().filter(|a| !done.contains(*a)).copied().collect();
    if late.is_empty() && open.is_empty() {
        return None;
    }
    Some(Fact::Round0IncompleteAtStage1 {
        last_day: round0.last_day,
        stage1: stage1.date,
        late: late.into(),
        open: open.into(),
        stage2: epoch.stage2.map(|s| s.date),
        at: stage1.loc,
    })
}

/// Round 0 must be complete the lead before Stage 1 (Stage 1 looks at the internal audits,
/// ISO/IEC 17021-1 9.3.1.2.2). Where its audits cannot all fit, that is said once, with the
/// Stage 1 date the programme can meet and the lead that would fit the date booked.
pub(super) fn stage1_too_close<'r>(plan: &Plan<'r>) -> Option<Fact<'r>> {
    let epoch = plan.epoch();
    let (Some(stage1), true) = (epoch.stage1, plan.initial) else { return None };
    let round0 = plan.rounds.iter().find(|r| r.cycle == 0)?;
    if stage1.date < plan.today {
        return None;
    }
    let after: Vec<&AreaAudit> = (round0.audits.iter())
        .filter(|a| !a.source.is_recorded() && a.source != Source::Missed && a.behind == Some(Behind::Late))
        .collect();
    if after.is_empty() {
        return None;
    }
    let settings = &plan.register.settings;
    let lead = settings.internal_audit_lead_weeks;
    let placed = after.iter().filter(|a| a.has_auditor()).map(|a| a.end).max();
    let unplaced = after.iter().filter(|a| !a.has_auditor()).count();
    let fit = match placed {
        Some(last) if unplaced == 0 => {
            let calendar = crate::calendar::Calendar::new(settings);
            let weeks = (stage1.date - last).num_days() / 7;
            Stage1Fit::Placed {
                last,
                earliest: calendar.open_on_or_after(weeks_after(last, lead)),
                // Only a lead the register accepts: longer than the management review's.
                weeks: (weeks > i64::from(settings.management_review_lead_weeks)).then_some(weeks),
            }
        }
        _ => Stage1Fit::Unplaced { unplaced },
    };
    Some(Fact::Stage1TooClose {
        last_day: round0.last_day,
        stage1: stage1.date,
        lead,
        areas: after.iter().map(|a| a.area.as_str()).collect(),
        fit,
        at: stage1.loc,
    })
}

/// Internal audits and management reviews at planned intervals (9.2.1, 9.3.1): no more than
/// `max_months_between_rounds` between two held, or since the last one.
pub(super) fn intervals<'r>(plan: &Plan<'r>, since: Option<NaiveDate>) -> Vec<Fact<'r>> {
    let reg = plan.register;
    let months = reg.settings.max_months_between_rounds;
    let today = plan.today;
    let audits: Vec<(NaiveDate, Loc)> =
        reg.audits.iter().filter(|a| a.status_on(today) == Status::Done).map(|a| (a.date, a.loc)).collect();
    let reviews: Vec<(NaiveDate, Loc)> =
        (reg.reviews.iter()).filter(|r| r.status_on(today) == Status::Done).map(|r| (r.date, r.loc)).collect();
    let mut out = Vec::new();
    for (audit, mut dates) in [(true, audits), (false, reviews)] {
        dates.dedup_by_key(|d| d.0);
        // Between two held (the later one's place), and since the last one (no place).
        let mut gaps: Vec<(NaiveDate, NaiveDate, Option<Loc>)> =
            dates.windows(2).map(|w| (w[0].0, w[1].0, Some(w[1].1))).collect();
        gaps.extend(dates.last().map(|last| (last.0, today, None)));
        for (from, to, at) in gaps {
            let unjudged = reg.record_from.is_some_and(|f| from < f.date);
            if months_after(from, months) >= to || since.is_some_and(|s| to < s) || unjudged {
                continue;
            }
            out.push(if audit {
                Fact::AuditIntervalExceeded { from, to, months, at }
            } else {
                Fact::ReviewIntervalExceeded { from, to, months, at }
            });
        }
    }
    out
}

/// Who audits the audit programme: not the person who manages it (ISO 19011 objectivity), in
/// the record or in the plan.
pub(super) fn owner_audits_programme<'r>(plan: &Plan<'r>) -> Vec<Fact<'r>> {
    let reg = plan.register;
    let Some(owner) = &reg.programme_owner else { return Vec::new() };
    // The owner's audits by area, in the order of the rounds: one pass over the rounds.
    let mut owners: HashMap<&str, Vec<&AreaAudit>> = HashMap::new();
    for a in (plan.rounds.iter()).flat_map(|r| &r.audits) {
        if a.auditor(reg).is_some_and(|x| same_id(x, owner)) {
            owners.entry(a.area).or_default().push(a);
        }
    }
    let mut out = Vec::new();
    for area in reg.scope.iter().filter(|a| a.carries_audit_programme()) {
        let by_owner = owners.get(area.id.as_str()).map_or(&[][..], Vec::as_slice);
        for recorded in [true, false] {
            let audits: Vec<_> = by_owner.iter().filter(|a| a.source.is_recorded() == recorded).collect();
            let Some(first) = audits.first() else { continue };
            out.push(Fact::ProgrammeAuditsItself {
                area: &area.id,
                owner,
                recorded,
                days: audits.iter().map(|a| a.date).collect(),
                at: first.loc(reg).unwrap_or(area.loc),
            });
        }
    }
    out
}

/// Rounds still ahead, and calendar years from today's on, that need more auditor-days than the
/// auditors' caps allow together (where every auditor has one: else there is no limit).
pub(super) fn effort<'r>(plan: &Plan<'r>) -> Vec<Fact<'r>> {
    let (reg, today) = (plan.register, plan.today);
    let effort = Effort::of(reg, today, &plan.rounds);
    let mut out = Vec::new();
    for (round, e) in plan.rounds.iter().zip(&effort.rounds) {
        match e.cap {
            Some(cap) if e.days > cap && round.last_day >= today => out.push(Fact::EffortOverCaps {
                period: format!("round {}", e.label),
                days: e.days,
                cap,
                setting: "max_days_per_round",
            }),
            _ => {}
        }
    }
    if let Some(cap) = Effort::year_cap(reg) {
        // Only where days not yet held are part of it: the rest is history.
        let ahead = |y: &i32| effort.ahead.get(y).is_some_and(|d| *d > 0);
        for (&year, &days) in effort.years.range(today.year()..).filter(|(y, d)| **d > cap && ahead(y)) {
            out.push(Fact::EffortOverCaps { period: year.to_string(), days, cap, setting: "max_days_per_year" });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::{Auditor, Risk};

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn area(id: &str, owner: &str, clauses: Vec<&'static str>) -> Area {
        let clauses = clauses.into_iter().filter_map(crate::catalogue::Clause::of).collect();
        Area { clauses, ..Area::example(id, owner, Risk::High) }
    }

    fn auditor(id: &str, conflicts: Vec<String>) -> Auditor {
        Auditor { conflicts, ..Auditor::example(id, &[]) }
    }

    fn register(scope: Vec<Area>, auditors: Vec<Auditor>) -> Register {
        Register::example(scope, auditors)
    }

    /// One auditor with a declared conflict with each of 2,000 areas (written in another case),
    /// and two without: every area has an independent auditor; without the two, none. Who may
    /// audit what is kept as the conflicts themselves (2,000 pairs), not as a table of every
    /// area and auditor.
    #[test]
    fn independence_of_many_areas_against_declared_conflicts() {
        let n = 2_000;
        let scope: Vec<Area> = (0..n).map(|i| area(&format!("a{i}"), "owner", vec![])).collect();
        let conflicts: Vec<String> = (0..n).map(|i| format!("A{i}")).collect();
        let mut auditors = vec![auditor("u0", conflicts), auditor("u1", vec![]), auditor("u2", vec![])];
        assert_eq!(Conflicts::new(&scope, &auditors).pairs(), n);
        let reg = register(scope.clone(), auditors.clone());
        let facts = independence(&reg, day("2026-11-28"), None, &[]);
        assert!(facts.is_empty(), "{:?}", facts.first());
        auditors.truncate(1);
        let reg = register(scope, auditors);
        let facts = independence(&reg, day("2026-11-28"), None, &[]);
        assert_eq!(facts.len(), n);
        assert_eq!(facts[0], Fact::NoIndependentAuditor { area: "a0", auditors: 1, at: Loc::default() });
    }

    /// The programme's owner (written in another case) audits `a0` (held, then planned in a
    /// later round) and `a2`, areas that carry clause 9.2, and `a4`, which does not; someone
    /// else audits `a1`. One fact for each area and kind of audit, in the order of the scope,
    /// with the days.
    #[test]
    fn the_programme_owner_auditing_the_areas_that_carry_the_programme() {
        let today = day("2026-11-28");
        let small = crate::valid::Valid::parse(
            "isms.yaml",
            "organisation: x\ncertification: {decision: 2024-06-03}\nauditors: [{id: u0}]\nscope: [{id: s, owner: o}]\n",
            today,
        )
        .unwrap();
        let mut scope: Vec<Area> = (0..4).map(|i| area(&format!("a{i}"), "o", vec!["9.2"])).collect();
        scope.push(area("a4", "o", vec!["8.1"]));
        let mut big = register(scope, vec![auditor("u0", vec![]), auditor("u1", vec![])]);
        big.programme_owner = Some("U0".to_string());
        let mut p = crate::plan::plan(&small, 1);
        p.rounds.truncate(2);
        // `who`: the auditor's place in `big`.
        let audit = |area: usize, date: &str, source: Source, who: usize| {
            let mut a = AreaAudit::new(&big.scope[area].id, day(date), source);
            a.auditor_index = Some(crate::programme::At::new(who));
            a
        };
        p.rounds[0].audits = vec![
            audit(0, "2026-03-02", Source::Done, 0),
            audit(1, "2026-03-03", Source::Done, 1),
            audit(4, "2026-03-04", Source::Done, 0),
        ];
        p.rounds[1].audits =
            vec![audit(0, "2027-03-01", Source::Planned, 0), audit(2, "2027-03-02", Source::Planned, 0)];
        p.register = &big;
        let owner = |area: &'static str, recorded, days: &[&str]| Fact::ProgrammeAuditsItself {
            area,
            owner: "U0",
            recorded,
            days: days.iter().map(|d| day(d)).collect(),
            at: Loc::default(),
        };
        assert_eq!(
            owner_audits_programme(&p),
            [
                owner("a0", true, &["2026-03-02"]),
                owner("a0", false, &["2027-03-01"]),
                owner("a2", false, &["2027-03-02"])
            ]
        );
    }
}
