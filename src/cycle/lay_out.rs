//! Laying out an epoch's cycles: the register's certification-body records filed under the
//! cycles whose dates contain them, planned dates for the audits not recorded, and the stretches
//! an early recertification starts (see [`Anchor`]).

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate};

use super::{
    Basis, Cycle, Epoch, External, ExternalKind, HORIZON_YEAR, RESTORATION_MONTHS, anniversary, exempt_years,
    expiry_of, months_after, weeks_after, weeks_before,
};
use crate::calendar::Calendar;
use crate::diagnostic::{Diagnostic, Loc};
use crate::register::{Dated, ExternalRecord, SpecialAudit};
use crate::settings::{RECERTIFICATION_LATEST_WEEKS, Settings};

/// The records that fall in one epoch, or in one stretch of it (see [`Anchor`]).
pub(super) struct EpochRecords<'r> {
    pub surveillance: Vec<&'r ExternalRecord>,
    pub recertification: Vec<&'r ExternalRecord>,
    pub special: Vec<&'r SpecialAudit>,
}

impl<'r> EpochRecords<'r> {
    /// Those dated from `from` (where given) to the day before `until` (where given), without
    /// the early recertifications, which end stretches.
    fn between(&self, from: Option<NaiveDate>, until: Option<NaiveDate>) -> EpochRecords<'r> {
        let within = |d: NaiveDate| from.is_none_or(|f| d >= f) && until.is_none_or(|u| d < u);
        EpochRecords {
            surveillance: self.surveillance.iter().copied().filter(|r| within(r.date)).collect(),
            recertification: self.recertification.iter().copied().filter(|r| !r.early && within(r.date)).collect(),
            special: self.special.iter().copied().filter(|r| within(r.date)).collect(),
        }
    }
}

/// The decision a stretch of an epoch's cycles counts its anniversaries from: the initial
/// certification decision, or an early recertification's. A recertification in year 3 keeps
/// the anniversaries (ISO/IEC 17021-1 9.6.3); an early one, before it (as when certificates are
/// merged), starts the new certificate's cycle from its own decision (certification-body
/// practice).
#[derive(Debug, Clone, Copy)]
struct Anchor {
    date: NaiveDate,
    /// The number of its first cycle, counted across the certificate.
    first_cycle: u32,
    /// How many of the epoch's cycles come before it (for [`Cycle::local`]).
    offset: u32,
    /// Whether it is the initial certification decision: the 12 months to the first
    /// surveillance are then a rule (ISO/IEC 17021-1 9.1.3).
    initial: bool,
}

impl Anchor {
    /// The number of its `k`-th cycle (1-based).
    fn number(&self, k: u32) -> u32 {
        self.first_cycle + k - 1
    }
}
/// Stage 1, Stage 2 and the decision of an initial certification, with the dates the register
/// does not give assumed from the settings. `None` without any date.
pub(super) fn initial_audit(
    s: &Settings,
    cal: &Calendar,
    stage1: Option<Dated>,
    stage2: Option<Dated>,
    decision: Option<Dated>,
) -> Option<(Option<External>, Option<External>, External)> {
    let given = |kind, d: Dated| External { loc: Some(d.loc), ..External::new(kind, 0, d.date, Basis::Given) };
    let stage1 = stage1.map(|d| given(ExternalKind::Stage1, d));
    // Stage 2 is an audit on site, so an assumed one moves earlier to an open day (but not onto
    // Stage 1 itself). The decision is the certification body's act: no workday rule.
    let stage2 = stage2.map(|d| given(ExternalKind::Stage2, d)).or_else(|| {
        stage1.map(|s1| {
            let nominal = weeks_after(s1.date, s.stage2_after_stage1_weeks);
            let open = cal.open_on_or_before(nominal);
            let mut date = if open > s1.date { open } else { nominal };
            // A given decision came after Stage 2, whenever that was.
            if let Some(d) = decision {
                date = date.min(d.date);
            }
            External::new(ExternalKind::Stage2, 0, date, Basis::Assumed)
        })
    });
    let decision = match (decision, stage2) {
        (Some(d), _) => given(ExternalKind::Certification, d),
        (None, Some(s2)) => External::new(
            ExternalKind::Certification,
            0,
            weeks_after(s2.date, s.decision_after_stage2_weeks),
            Basis::Assumed,
        ),
        (None, None) => return None,
    };
    Some((stage1, stage2, decision))
}

/// The cycle of an epoch anchored on `anchor` (1 for its first) whose dates contain `date`; 1
/// before the decision.
fn containing(anchor: NaiveDate, date: NaiveDate) -> u32 {
    let mut k = 1;
    while expiry_of(anchor, k) < date && k < 200 {
        k += 1;
    }
    k
}

/// The cycles of one epoch: recorded audits filed under them, planned dates for the others. An
/// early recertification ends the cycle it falls in and anchors the cycles after it on its
/// decision, recorded or assumed (a new stretch; see [`Anchor`]).
pub(super) fn epoch_cycles(
    s: &Settings,
    cal: &Calendar,
    epoch: &mut Epoch,
    records: &EpochRecords,
    errors: &mut Vec<Diagnostic>,
) -> Vec<Cycle> {
    let early: Vec<&ExternalRecord> = records.recertification.iter().copied().filter(|r| r.early).collect();
    let mut anchor = Anchor { date: epoch.decision.date, first_cycle: epoch.first_cycle, offset: 0, initial: true };
    let mut cycles: Vec<Cycle> = Vec::new();
    let mut from = None;
    for k in 0..=early.len() {
        let ends = early.get(k).copied();
        let stretch = records.between(from, ends.map(|r| r.date));
        let laid = stretch_cycles(s, cal, epoch, anchor, &stretch, ends, cycles.last(), errors);
        let Some(last) = laid.last() else { break };
        // Laid out without it where the early recertification does not fit (reported).
        let ends = ends.filter(|_| last.recertification.early);
        if let Some(r) = ends {
            let decision = last.recertification.decision.unwrap_or(r.end());
            // A surveillance after the early audit and before its decision belongs to neither
            // certificate's cycle.
            for s in records.surveillance.iter().filter(|s| r.date < s.date && s.date < decision) {
                errors.push(
                    Diagnostic::new(
                        s.loc,
                        format!(
                            "surveillance audit `{}` is between the early recertification `{}` and its decision `{decision}`",
                            s.date, r.date
                        ),
                    )
                    .hint("the recertification audit covers that time; record a visit of it under its `visits`, or another certification-body audit under `special`"),
                );
            }
            let count = laid.len() as u32;
            anchor = Anchor {
                date: decision,
                first_cycle: anchor.first_cycle + count,
                offset: anchor.offset + count,
                initial: false,
            };
            from = Some(r.date);
        }
        cycles.extend(laid);
        if ends.is_none() {
            break;
        }
    }
    calendar_years(cal, epoch, &mut cycles);
    cycles
}

/// The cycles of one stretch of an epoch, anchored on `anchor`; `ends`, where given, is the
/// early recertification that ends it (in its last cycle), and `previous` the cycle before it.
#[allow(clippy::too_many_arguments)] // (the epoch, the stretch and where it ends)
fn stretch_cycles(
    s: &Settings,
    cal: &Calendar,
    epoch: &mut Epoch,
    anchor: Anchor,
    records: &EpochRecords,
    ends: Option<&ExternalRecord>,
    previous: Option<&Cycle>,
    errors: &mut Vec<Diagnostic>,
) -> Vec<Cycle> {
    let mut recert = recertifications(epoch, anchor, records, errors);
    // The epoch goes on while each cycle is recertified (in time or restored). A restart ends it;
    // so does a recertification too late to restore. Otherwise later cycles are computed up to
    // the horizon, to be planned as "if recertified".
    let mut count = 1;
    while recert.contains_key(&count) {
        count += 1;
    }
    // Where the early recertification does not fit, it is reported, and the stretch laid out
    // without it: every epoch has a cycle.
    let ends = ends.and_then(|r| match early_cycle(anchor, r, count, &recert) {
        Ok(k) => Some((k, r)),
        Err(d) => {
            errors.push(d);
            None
        }
    });
    let capped = match ends {
        Some((k, r)) => {
            recert.insert(k, r);
            count = k;
            true
        }
        None => epoch.superseded || epoch.late_recertification.is_some_and(|(n, _)| n == anchor.number(count)),
    };
    if !capped {
        while anniversary(anchor.date, 3 * count).year() <= HORIZON_YEAR && count < 200 {
            count += 1;
        }
    }
    let last_expiry = (capped && ends.is_none()).then(|| expiry_of(anchor.date, count));
    let (surveillance, mut special) = surveillance_and_special(anchor, records, last_expiry, errors);
    let mut cycles: Vec<Cycle> = Vec::new();
    for k in 1..=count {
        let recorded = surveillance.get(&k).map(Vec::as_slice).unwrap_or_default();
        let special = special.remove(&k).unwrap_or_default();
        let before = cycles.last().or(previous);
        let cycle = lay_out_cycle(s, cal, epoch.index, anchor, k, recorded, recert.get(&k).copied(), special, before);
        // A surveillance recorded after the cycle's recertification audit belongs to no cycle.
        let r = cycle.recertification;
        for sv in cycle
            .surveillance
            .iter()
            .filter(|e| r.basis == Basis::Recorded && e.basis == Basis::Recorded && e.date > r.date)
        {
            let (what, hint) = match sv.replacing {
                Some(_) => (
                    "special audit replacing a surveillance",
                    "a special audit after the recertification does not replace a surveillance: drop its `replaces_surveillance`",
                ),
                None => (
                    "surveillance audit",
                    "the recertification audit covers the cycle's last year; record another certification-body audit under `special`",
                ),
            };
            errors.push(
                Diagnostic::new(
                    sv.loc.unwrap_or_default(),
                    format!(
                        "{what} `{}` is after the recertification audit `{}` of cycle {}",
                        sv.date, r.date, cycle.number
                    ),
                )
                .hint(hint),
            );
        }
        cycles.push(cycle);
    }
    cycles
}

/// The cycle of the stretch anchored on `anchor` (1 for its first) that the early
/// recertification `r` ends: the one it falls in, which must follow the stretch's decision, and
/// whose cycles before it must all be recertified (`recertified` of them are, from the first).
fn early_cycle(
    anchor: Anchor,
    r: &ExternalRecord,
    recertified: u32,
    recert: &BTreeMap<u32, &ExternalRecord>,
) -> Result<u32, Diagnostic> {
    if r.date <= anchor.date {
        return Err(Diagnostic::new(
            r.loc,
            format!(
                "early recertification `{}` is not after the decision `{}` its cycle starts from",
                r.date, anchor.date
            ),
        )
        .hint("an early recertification ends a cycle under way: list it after that cycle's decision"));
    }
    let k = containing(anchor.date, r.date);
    if k > recertified {
        let expiry = expiry_of(anchor.date, recertified);
        return Err(Diagnostic::new(
            r.loc,
            format!(
                "early recertification `{}` is after cycle {} expired on {expiry} without recertification",
                r.date,
                anchor.number(recertified)
            ),
        )
        .hint("record that cycle's recertification, or the new certification under `certification.restart`"));
    }
    let expiry = expiry_of(anchor.date, k);
    if let Some(decision) = r.decision.filter(|d| *d > expiry) {
        return Err(Diagnostic::new(
            r.loc,
            format!("the early recertification's decision `{decision}` is after cycle {} expired on {expiry}", anchor.number(k)),
        )
        .hint("an early recertification is decided while the certificate is valid; check the date with your certification body"));
    }
    if let Some(other) = recert.get(&k) {
        return Err(Diagnostic::new(
            r.loc,
            format!("recertification audits `{}` and `{}` both fall to cycle {}", other.date, r.date, anchor.number(k)),
        )
        .hint("each cycle has one recertification audit; an early one ends its cycle"));
    }
    Ok(k)
}

/// The recertifications of an epoch, by cycle (1 for its first): each belongs to the cycle
/// whose expiry is nearest, in its third year or up to 6 months after its expiry (a
/// restoration); later, the certificate had lapsed.
fn recertifications<'r>(
    epoch: &mut Epoch,
    anchor: Anchor,
    records: &EpochRecords<'r>,
    errors: &mut Vec<Diagnostic>,
) -> BTreeMap<u32, &'r ExternalRecord> {
    let expiry = |k: u32| expiry_of(anchor.date, k);
    let mut recert: BTreeMap<u32, &ExternalRecord> = BTreeMap::new();
    for r in &records.recertification {
        let mut k = (1..=containing(anchor.date, r.date) + 1)
            .min_by_key(|&k| (expiry(k) - r.date).num_days().abs())
            .unwrap_or(1);
        // Well after an expiry, nearer the next one: still the expired cycle's, too late.
        if k > 1 && r.date < anniversary(anchor.date, 3 * k - 1) && r.date > expiry(k - 1) {
            k -= 1;
        }
        let year3 = anniversary(anchor.date, 3 * k - 1);
        if r.date < year3 {
            errors.push(
                Diagnostic::new(
                    r.loc,
                    format!("recertification audit `{}` is not in the third year of a cycle", r.date),
                )
                .hint(format!(
                    "cycle {}'s third year runs from {year3} to {}; an audit before it is a surveillance, or an early recertification: if the new certificate's cycle starts from this audit's decision (as when certificates are merged), write `{{date: {}, early: true}}`",
                    anchor.number(k),
                    expiry(k),
                    r.date
                )),
            );
            continue;
        }
        if r.date > months_after(expiry(k), RESTORATION_MONTHS) {
            // Too late to restore: the certificate lapsed; `check` says so.
            epoch.late_recertification.get_or_insert((anchor.number(k), Dated { date: r.date, loc: r.loc }));
            continue;
        }
        if let Some(first) = recert.insert(k, r) {
            errors.push(
                Diagnostic::new(
                    r.loc,
                    format!(
                        "recertification audits `{}` and `{}` both fall to cycle {}",
                        first.date,
                        r.date,
                        anchor.number(k)
                    ),
                )
                .hint("each cycle has one recertification audit, before its expiry"),
            );
        }
    }
    recert
}

/// A surveillance audit as the register records it: under `surveillance`, or a special audit
/// the certification body recorded as replacing the surveillance due.
#[derive(Debug, Clone, Copy)]
enum Filed<'r> {
    Surveillance(&'r ExternalRecord),
    Special(&'r SpecialAudit),
}

impl Filed<'_> {
    fn date(&self) -> NaiveDate {
        match self {
            Filed::Surveillance(r) => r.date,
            Filed::Special(r) => r.date,
        }
    }

    fn loc(&self) -> Loc {
        match self {
            Filed::Surveillance(r) => r.loc,
            Filed::Special(r) => r.loc,
        }
    }

    /// It as surveillance `number` of cycle `cycle`.
    fn surveillance(&self, number: u8, cycle: u32) -> External {
        let kind = ExternalKind::Surveillance(number);
        match self {
            Filed::Surveillance(r) => External::recorded(kind, cycle, r),
            Filed::Special(r) => External {
                replacing: Some(r.kind),
                loc: Some(r.loc),
                ..External::new(kind, cycle, r.date, Basis::Recorded)
            },
        }
    }
}

/// The surveillance and special audits of a stretch, by the cycle whose dates contain them (1
/// for its first); none after `last_expiry` where the certificate lapsed then. The first
/// surveillance of a cycle is surveillance 1, however late, and the second surveillance 2; a
/// special audit recorded as replacing a surveillance is one.
#[allow(clippy::type_complexity)] // (two maps by cycle)
fn surveillance_and_special<'r>(
    anchor: Anchor,
    records: &EpochRecords<'r>,
    last_expiry: Option<NaiveDate>,
    errors: &mut Vec<Diagnostic>,
) -> (BTreeMap<u32, Vec<Filed<'r>>>, BTreeMap<u32, Vec<External>>) {
    let mut surveillance: BTreeMap<u32, Vec<Filed>> = BTreeMap::new();
    let mut special: BTreeMap<u32, Vec<External>> = BTreeMap::new();
    for r in &records.surveillance {
        if let Some(last) = last_expiry.filter(|last| r.date > *last) {
            errors.push(after_lapse(r.loc, "surveillance audit", r.date, last));
            continue;
        }
        surveillance.entry(containing(anchor.date, r.date)).or_default().push(Filed::Surveillance(r));
    }
    for r in &records.special {
        if let Some(last) = last_expiry.filter(|last| r.date > *last) {
            errors.push(after_lapse(r.loc, "special audit", r.date, last));
            continue;
        }
        let k = containing(anchor.date, r.date);
        if r.replaces_surveillance {
            surveillance.entry(k).or_default().push(Filed::Special(r));
            continue;
        }
        // A follow-up visit before the initial decision is the initial audit's (cycle 0, as
        // Stage 2).
        let cycle = if anchor.initial && r.date <= anchor.date { 0 } else { anchor.number(k) };
        let e = External {
            loc: Some(r.loc),
            ..External::new(ExternalKind::Special(r.kind), cycle, r.date, Basis::Recorded)
        };
        special.entry(k).or_default().push(e);
    }
    for (&k, list) in surveillance.iter_mut() {
        list.sort_by_key(Filed::date);
        let n = anchor.number(k);
        let hint = "a cycle has surveillance 1 and 2; write a split surveillance as `{date: ..., visits: [...]}` and a special audit under `special`";
        if let [first, second, ..] = list.as_slice()
            && second.date() <= anniversary(anchor.date, 3 * (k - 1) + 1)
        {
            errors.push(
                Diagnostic::new(
                    second.loc(),
                    format!(
                        "surveillance audits `{}` and `{}` both fall in year 1 of cycle {n}",
                        first.date(),
                        second.date()
                    ),
                )
                .hint(hint),
            );
        }
        for extra in list.iter().skip(2) {
            let (what, hint) = match extra {
                Filed::Surveillance(_) => ("surveillance audit", hint),
                Filed::Special(_) => (
                    "special audit replacing a surveillance",
                    "a cycle has surveillance 1 and 2; `replaces_surveillance: true` makes a special audit one of them, so keep it only where the certification body said so",
                ),
            };
            errors.push(
                Diagnostic::new(extra.loc(), format!("{what} `{}` is a third surveillance in cycle {n}", extra.date()))
                    .hint(hint),
            );
        }
    }
    (surveillance, special)
}

/// Cycle `k` of a stretch (1 for its first): its recorded surveillance and recertification, and
/// planned dates for the others; `previous` is the cycle before, whose late recertification may
/// have restored this one. A cycle recertified early ends the day before the decision, with no
/// surveillance planned after the audit.
#[allow(clippy::too_many_arguments)] // (what the stretch has filed for the cycle)
fn lay_out_cycle(
    s: &Settings,
    cal: &Calendar,
    epoch: usize,
    anchor: Anchor,
    k: u32,
    recorded: &[Filed],
    recert: Option<&ExternalRecord>,
    special: Vec<External>,
    previous: Option<&Cycle>,
) -> Cycle {
    let mut expiry = expiry_of(anchor.date, k);
    let n = anchor.number(k);
    let anniversary_k = |year: u32| anniversary(anchor.date, 3 * (k - 1) + year);
    let planned_surveillance =
        |year: u32| cal.open_on_or_before(weeks_before(anniversary_k(year), s.surveillance_before_anniversary_weeks));
    let latest_recert = weeks_before(expiry, RECERTIFICATION_LATEST_WEEKS);
    let decision =
        |r: &ExternalRecord| r.decision.unwrap_or_else(|| weeks_after(r.end(), s.decision_after_stage2_weeks));
    let recertification = match recert {
        Some(r) if r.early => {
            // Assumed, the decision is no later than the day after expiry (a recorded one is
            // refused after it: see `early_cycle`).
            let decided = r.decision.unwrap_or_else(|| decision(r).min(expiry.succ_opt().unwrap_or(expiry)));
            expiry = decided.pred_opt().unwrap_or(decided);
            External {
                decision: Some(decided),
                decision_given: r.decision.is_some(),
                early: true,
                ..External::recorded(ExternalKind::Recertification, n, r)
            }
        }
        // A restoration's latest day is the restoration deadline (ISO/IEC 17021-1 9.6.3.2.5).
        Some(r) if r.date > expiry => External {
            latest: Some(months_after(expiry, RESTORATION_MONTHS)),
            decision: Some(decision(r)),
            decision_given: r.decision.is_some(),
            restoration: true,
            ..External::recorded(ExternalKind::Recertification, n, r)
        },
        Some(r) => External {
            latest: Some(latest_recert),
            decision: Some(decision(r)),
            decision_given: r.decision.is_some(),
            ..External::recorded(ExternalKind::Recertification, n, r)
        },
        None => {
            let date = cal.open_on_or_before(weeks_before(expiry, s.recertification_before_expiry_weeks));
            External {
                latest: Some(latest_recert),
                decision: Some(weeks_after(date, s.decision_after_stage2_weeks)),
                ..External::new(ExternalKind::Recertification, n, date, Basis::Planned)
            }
        }
    };
    // The first surveillance after an initial decision is due within 12 months (ISO/IEC
    // 17021-1 9.1.3, a rule); the others by their anniversary (practice).
    let s1 = match recorded.first() {
        Some(r) => r.surveillance(1, n),
        None => External::new(ExternalKind::Surveillance(1), n, planned_surveillance(1), Basis::Planned),
    };
    let s1 = External { latest: Some(anniversary_k(1)), hard: k == 1 && anchor.initial, ..s1 };
    let s2 = match recorded.get(1) {
        Some(r) => r.surveillance(2, n),
        None => {
            // After a late surveillance 1, the second comes no sooner than halfway between it
            // and the recertification (for one on time, that is before the anniversary rule).
            let middle = s1.end + Days::new(((recertification.date - s1.end).num_days().max(2) / 2) as u64);
            let date =
                planned_surveillance(2).max(cal.open_on_or_before(middle)).max(s1.end.succ_opt().unwrap_or(s1.end));
            External::new(ExternalKind::Surveillance(2), n, date, Basis::Planned)
        }
    };
    let s2 = External { latest: Some(anniversary_k(2)), ..s2 };
    // A planned recertification follows the surveillance recorded before it: after a late
    // surveillance 2 it goes halfway to the latest day that leaves time for a decision.
    let mut recertification = recertification;
    let last_surveillance = [s1, s2].iter().filter(|e| e.basis == Basis::Recorded).map(|e| e.end).max();
    if let (Basis::Planned, Some(held)) = (recertification.basis, last_surveillance)
        && recertification.date <= held
    {
        let after = held.succ_opt().unwrap_or(held);
        let middle = held + Days::new(((latest_recert - held).num_days().max(2) / 2) as u64);
        let date = cal.open_on_or_before(middle).max(after);
        recertification.date = date;
        recertification.end = date;
        recertification.decision = Some(weeks_after(date, s.decision_after_stage2_weeks));
    }
    // An early recertification replaces the surveillance audits planned after it.
    let surveillance = [s1, s2]
        .into_iter()
        .filter(|e| !recertification.early || e.basis == Basis::Recorded || e.date < recertification.date)
        .collect();
    let restored = previous
        .filter(|p| p.recertification.basis == Basis::Recorded && !p.recertified_in_time())
        .and_then(|p| p.recertification.decision);
    Cycle {
        number: n,
        epoch,
        local: anchor.offset + k,
        start: anniversary(anchor.date, 3 * (k - 1)),
        expiry,
        surveillance,
        recertification,
        special,
        restored,
    }
}

fn after_lapse(at: Loc, what: &str, date: NaiveDate, expiry: NaiveDate) -> Diagnostic {
    Diagnostic::new(at, format!("{what} `{date}` is after the certificate expired on {expiry} without recertification"))
        .hint(
            "a certificate that lapsed has no surveillance; record the new certification under `certification.restart`",
        )
}

/// No calendar year without a certification-body audit, except the initial certification's year
/// and recertification years (ISO/IEC 17021-1 9.1.3). Where planned dates would leave a year
/// empty, as after a recertification late in the year before a January anniversary, the next
/// planned surveillance moves into that year: no more than 12 months after the audit before it.
fn calendar_years(cal: &Calendar, epoch: &Epoch, cycles: &mut [Cycle]) {
    let exempt = exempt_years(epoch, cycles);
    let mut previous_end = epoch.stage2.map_or(epoch.decision.date, |s2| s2.end.max(epoch.decision.date));
    // Special audits do not count (see `ExternalKind::counts_for_calendar_year`); one recorded as
    // replacing a surveillance is that surveillance.
    for c in cycles.iter_mut() {
        for e in c.surveillance.iter_mut() {
            if e.basis == Basis::Planned {
                let empty = (previous_end.year() + 1..e.date.year()).find(|y| !exempt.contains(y));
                if let Some(year) = empty {
                    let year_end = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(e.date);
                    let moved = cal.open_on_or_before(e.date.min(months_after(previous_end, 12)).min(year_end));
                    if moved > previous_end && moved.year() == year {
                        e.date = moved;
                        e.end = moved;
                    }
                }
            }
            previous_end = previous_end.max(e.end);
        }
        previous_end = previous_end.max(c.recertification.end);
    }
}
