//! The certification body's cycle: Stage 1, Stage 2, decision, surveillance, recertification,
//! expiry, and what real certificates do besides: split and special audits, restoration after
//! expiry, lapse and a new initial certification (ISO/IEC 17021-1 9.1.3, 9.6; IAF MD 2; the
//! rules with their sources are in `docs/rules.md`).
//!
//! A certificate's history is a list of [`Epoch`]s: the initial certification and each restart
//! after a lapse. Each epoch has its cycles, anchored on its own decision; cycles are numbered
//! across epochs (1, 2, ...), so every round has one name.

use std::collections::BTreeSet;

use chrono::{Datelike, Days, Months, NaiveDate};

use crate::calendar::Calendar;
use crate::diagnostic::{Diagnostic, Errors, InputError, Loc};
use crate::register::{Dated, ExternalRecord, Register, SpecialKind};
use crate::settings::Settings;

pub mod estimate;
mod lay_out;

use lay_out::{EpochRecords, epoch_cycles, initial_audit};

/// A certification-body event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ExternalKind {
    Stage1,
    Stage2,
    /// The certification decision: the certificate's issue date and cycle 1's start.
    Certification,
    /// A later cycle's start: the day after the previous expiry, for a recertified certificate.
    CycleStart,
    /// Surveillance audit 1 or 2 of a cycle.
    Surveillance(u8),
    Recertification,
    /// A special audit: extension to scope, short notice (ISO/IEC 17021-1 9.6.4).
    Special(SpecialKind),
    Expiry,
    /// The last day an expired certificate can be restored (6 months after expiry).
    RestorationDeadline,
    /// The certification body's decision on a restoration audit: the certificate is valid again.
    RestorationDecision,
    /// The certification body suspended the certificate: temporarily invalid (17021-1 9.6.5).
    Suspended,
    /// The suspension was lifted: valid again from this day.
    Reinstated,
    /// The last day the certificate could have been restored: it lapsed.
    Lapse,
}

impl ExternalKind {
    /// The name used in JSON and other machine-readable outputs.
    pub fn key(self) -> &'static str {
        match self {
            ExternalKind::Stage1 => "stage1",
            ExternalKind::Stage2 => "stage2",
            ExternalKind::Certification => "certification",
            ExternalKind::CycleStart => "cycle_start",
            ExternalKind::Surveillance(_) => "surveillance",
            ExternalKind::Recertification => "recertification",
            ExternalKind::Special(_) => "special",
            ExternalKind::Expiry => "expiry",
            ExternalKind::RestorationDeadline => "restoration_deadline",
            ExternalKind::RestorationDecision => "restoration_decision",
            ExternalKind::Suspended => "suspended",
            ExternalKind::Reinstated => "reinstated",
            ExternalKind::Lapse => "lapse",
        }
    }

    /// The name a person reads.
    pub fn label(self) -> String {
        match self {
            ExternalKind::Stage1 => "Stage 1".into(),
            ExternalKind::Stage2 => "Stage 2".into(),
            ExternalKind::Certification => "Certification decision".into(),
            ExternalKind::CycleStart => "Cycle starts".into(),
            ExternalKind::Surveillance(n) => format!("Surveillance {n}"),
            ExternalKind::Recertification => "Recertification".into(),
            ExternalKind::Special(SpecialKind::Other) => "Special audit".into(),
            ExternalKind::Special(k) => format!("Special audit ({})", k.label()),
            ExternalKind::Expiry => "Certificate expiry".into(),
            ExternalKind::RestorationDeadline => "Restoration deadline".into(),
            ExternalKind::RestorationDecision => "Restoration decision".into(),
            ExternalKind::Suspended => "Certificate suspended".into(),
            ExternalKind::Reinstated => "Suspension lifted".into(),
            ExternalKind::Lapse => "Certificate lapsed".into(),
        }
    }

    /// Whether this audit is a surveillance in the sense of the calendar-year rule (ISO/IEC
    /// 17021-1 9.1.3): a surveillance or recertification audit, or the initial audit. A special
    /// audit (short notice, extension to scope, follow-up) is not: it has a purpose of its own.
    pub fn counts_for_calendar_year(self) -> bool {
        matches!(
            self,
            ExternalKind::Stage1 | ExternalKind::Stage2 | ExternalKind::Surveillance(_) | ExternalKind::Recertification
        )
    }

    /// Whether the certification body audits on this day.
    pub fn is_audit(self) -> bool {
        matches!(
            self,
            ExternalKind::Stage1
                | ExternalKind::Stage2
                | ExternalKind::Surveillance(_)
                | ExternalKind::Recertification
                | ExternalKind::Special(_)
        )
    }
}

/// Where a date comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// Written in the register's `certification` dates.
    Given,
    /// Not in the register: derived from a default (e.g. Stage 2 = Stage 1 + 4 weeks).
    Assumed,
    /// Planned by the cycle rules (surveillance, recertification).
    Planned,
    /// Follows from the decision (expiry, a later cycle's start).
    Computed,
    /// Held or booked, from the register's record.
    Recorded,
}

impl Basis {
    /// The name used in machine-readable outputs.
    pub fn key(self) -> &'static str {
        match self {
            Basis::Given => "given",
            Basis::Assumed => "assumed",
            Basis::Planned => "planned",
            Basis::Computed => "computed",
            Basis::Recorded => "recorded",
        }
    }
}

/// One certification-body event with its date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct External {
    pub kind: ExternalKind,
    /// 0 for an initial audit (Stage 1, Stage 2), else the certificate cycle.
    pub cycle: u32,
    pub date: NaiveDate,
    /// The last day: the last visit of a split audit, else `date`.
    pub end: NaiveDate,
    /// The last date the rules allow, where they set one.
    pub latest: Option<NaiveDate>,
    /// Whether `latest` is a rule of the standard (the first surveillance after an initial
    /// certification, ISO/IEC 17021-1 9.1.3) rather than certification-body practice.
    pub hard: bool,
    /// For a recertification: the certification body's decision, recorded or assumed.
    pub decision: Option<NaiveDate>,
    /// Whether `decision` is recorded in the register (else assumed from the settings).
    pub decision_given: bool,
    /// For a recertification: whether it falls after the cycle's expiry, where it restores the
    /// certificate (ISO/IEC 17021-1 9.6.3.2.5).
    pub restoration: bool,
    /// For a recertification: early, before the cycle's third year; the next cycle starts from
    /// its decision, with new anniversaries.
    pub early: bool,
    /// For a surveillance: the special audit the certification body recorded as replacing it.
    pub replacing: Option<SpecialKind>,
    pub basis: Basis,
    /// Where the register gives this date, if it does.
    pub loc: Option<Loc>,
}

impl External {
    pub fn new(kind: ExternalKind, cycle: u32, date: NaiveDate, basis: Basis) -> Self {
        External {
            kind,
            cycle,
            date,
            end: date,
            latest: None,
            hard: false,
            decision: None,
            decision_given: false,
            restoration: false,
            early: false,
            replacing: None,
            basis,
            loc: None,
        }
    }

    /// The name a person reads.
    pub fn label(&self) -> String {
        match self.kind {
            ExternalKind::CycleStart => format!("Cycle {} starts", self.cycle),
            ExternalKind::Recertification if self.restoration => "Recertification (restoration)".into(),
            ExternalKind::Recertification if self.early => "Recertification (early)".into(),
            ExternalKind::Surveillance(n) => match self.replacing {
                Some(special) => format!("Surveillance {n}: {}", ExternalKind::Special(special).label()),
                None => format!("Surveillance {n}"),
            },
            k => k.label(),
        }
    }

    /// A surveillance replaced by a short-notice audit (ISO/IEC 17021-1 9.6.4.2) that came
    /// before the surveillance would have been planned (`before_anniversary_weeks` before its
    /// anniversary): the internal audits meant for it could not all be ready.
    pub fn unannounced(&self, before_anniversary_weeks: u32) -> bool {
        self.replacing == Some(SpecialKind::ShortNotice)
            && self.latest.is_some_and(|l| self.date < weeks_before(l, before_anniversary_weeks))
    }

    /// "surveillance 1 of cycle 2 on 2026-05-12", for sentences.
    pub fn describe(&self) -> String {
        match self.kind {
            ExternalKind::Surveillance(k) => format!("surveillance {k} of cycle {} on {}", self.cycle, self.date),
            ExternalKind::Recertification if self.restoration => {
                format!("the restoration audit of cycle {} on {}", self.cycle, self.date)
            }
            ExternalKind::Recertification if self.early => {
                format!("the early recertification of cycle {} on {}", self.cycle, self.date)
            }
            ExternalKind::Recertification => format!("the recertification of cycle {} on {}", self.cycle, self.date),
            ExternalKind::Special(k) => format!("the special audit ({}) on {}", k.label(), self.date),
            _ => format!("{} on {}", self.label(), self.date),
        }
    }

    fn recorded(kind: ExternalKind, cycle: u32, r: &ExternalRecord) -> Self {
        External { end: r.end(), loc: Some(r.loc), ..External::new(kind, cycle, r.date, Basis::Recorded) }
    }
}

/// One three-year certificate cycle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cycle {
    /// Counted across restarts: 1, 2, ...
    pub number: u32,
    /// The epoch (0: the initial certification, then each restart) it belongs to.
    pub epoch: usize,
    /// Its place in the epoch: 1 for the cycle after an initial certification decision.
    pub local: u32,
    pub start: NaiveDate,
    /// The day before its third anniversary; for a cycle recertified early, the day before the
    /// early recertification's decision, when the new certificate replaced it.
    pub expiry: NaiveDate,
    /// Surveillance 1 and 2; fewer where an early recertification came before them.
    pub surveillance: Vec<External>,
    pub recertification: External,
    /// Special audits recorded in the cycle.
    pub special: Vec<External>,
    /// Where the previous cycle expired and was restored within 6 months: the day the
    /// certificate was valid again, the restoration decision (recorded, or assumed after the
    /// audit). From the previous expiry to the day before, it was not.
    pub restored: Option<NaiveDate>,
}

impl Cycle {
    /// The external audits internal-audit rounds 1, 2 and 3 prepare (fewer where the cycle was
    /// recertified early), in order.
    pub fn audits(&self) -> Vec<External> {
        self.surveillance.iter().copied().chain([self.recertification]).collect()
    }

    /// The cycle's first external audit: surveillance 1, or an early recertification before it.
    pub fn first_audit(&self) -> External {
        self.surveillance.first().copied().unwrap_or(self.recertification)
    }

    /// The round (1 to 3) that prepares `audit`, one of the cycle's: 1 and 2 for the
    /// surveillance audits, 3 for the recertification, however many came before it.
    pub fn round_of(audit: &External) -> u8 {
        match audit.kind {
            ExternalKind::Surveillance(n) => n,
            _ => 3,
        }
    }

    /// Whether the record shows the certificate recertified by expiry: the decision before it
    /// where the register records one (ISO/IEC 17021-1 9.6.3.2.4), else the audit.
    pub fn recertified_in_time(&self) -> bool {
        let r = self.recertification;
        let by = match (r.decision, r.decision_given) {
            (Some(d), true) => d,
            _ => r.end,
        };
        // An early recertification's cycle ends the day before its decision, by construction.
        r.basis == Basis::Recorded && (r.early || by <= self.expiry)
    }

    /// The last day a recertification can restore the certificate after expiry (ISO/IEC 17021-1
    /// 9.6.3.2.5: 6 months).
    pub(crate) fn restoration_deadline(&self) -> NaiveDate {
        months_after(self.expiry, RESTORATION_MONTHS)
    }

    /// Whether the record shows the cycle recertified, in time or restored: the next one follows.
    pub fn recertified(&self) -> bool {
        self.recertification.basis == Basis::Recorded && self.recertification.end <= self.restoration_deadline()
    }
}

/// How a certificate ended without recertification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lapse {
    /// The cycle that expired.
    pub cycle: u32,
    pub expiry: NaiveDate,
    /// The last day it could have been restored.
    pub deadline: NaiveDate,
    /// A recertification recorded after the deadline: too late to restore.
    pub late: Option<Dated>,
}

/// One certification: the initial one, or a restart after a lapse (a new initial certification,
/// with at least a Stage 2 audit).
#[derive(Debug, Clone, PartialEq)]
pub struct Epoch {
    pub index: usize,
    pub stage1: Option<External>,
    pub stage2: Option<External>,
    /// The initial certification decision: every anniversary of the epoch counts from it.
    pub decision: External,
    /// The first and last cycle numbers computed for it.
    pub first_cycle: u32,
    pub last_cycle: u32,
    /// For a restart: the first day it governs, the day after the previous certificate expired.
    pub begins: Option<NaiveDate>,
    /// Whether a restart follows, so its last cycle lapsed.
    pub superseded: bool,
    /// A recertification recorded too late to restore the certificate.
    pub late_recertification: Option<(u32, Dated)>,
    /// For a restart, where it is written.
    pub loc: Option<Loc>,
}

/// An expired certificate can be restored within this many months (ISO/IEC 17021-1 9.6.3.2.5).
pub(crate) const RESTORATION_MONTHS: u32 = 6;

/// The certification decision normally comes within this many months of the last Stage 2 day;
/// later, Stage 2 is repeated (ISO/IEC 17021-1 9.5; practice).
pub(crate) const DECISION_MONTHS_AFTER_STAGE2: u32 = 6;

/// Cycles are computed up to this year: the latest register date (2200) plus ten cycles.
const HORIZON_YEAR: i32 = 2231;

/// The certificate's whole history: its epochs and their cycles.
#[derive(Debug, Clone, PartialEq)]
pub struct Certificate {
    pub epochs: Vec<Epoch>,
    /// Every cycle computed, in order: cycle `n` is `cycles[n - 1]`.
    cycles: Vec<Cycle>,
}

pub(crate) fn weeks_before(date: NaiveDate, weeks: u32) -> NaiveDate {
    date.checked_sub_days(Days::new(7 * u64::from(weeks))).unwrap_or(NaiveDate::MIN)
}

pub(crate) fn weeks_after(date: NaiveDate, weeks: u32) -> NaiveDate {
    date.checked_add_days(Days::new(7 * u64::from(weeks))).unwrap_or(NaiveDate::MAX)
}

pub fn months_after(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_add_months(Months::new(months)).unwrap_or(NaiveDate::MAX)
}

/// The `years`-th anniversary of `date`. An anniversary of 29 February falls on 28 February
/// in common years (chrono clamps to the month's last day).
pub fn anniversary(date: NaiveDate, years: u32) -> NaiveDate {
    months_after(date, 12 * years)
}

/// The last day of the `k`-th cycle (1-based) anchored on `anchor`: the day before its third
/// anniversary.
fn expiry_of(anchor: NaiveDate, k: u32) -> NaiveDate {
    anniversary(anchor, 3 * k).pred_opt().unwrap_or(NaiveDate::MIN)
}

impl Certificate {
    /// Lays out the certificate's history: each certification's initial audit, its cycles with
    /// the recorded external audits filed under them, and the dates planned for the others.
    pub fn new(register: &Register) -> Result<Certificate, InputError> {
        let (cert, errors) = Certificate::lay_out(register);
        if errors.is_empty() {
            Ok(cert)
        } else {
            // The first in file order, and how many more.
            let mut capped = Errors::new();
            capped.extend(errors);
            Err(capped.into_error(&register.file))
        }
    }

    /// [`Certificate::new`], with the dates that contradict each other as diagnostics: where there
    /// are any, the certificate is not one to plan on.
    pub(crate) fn lay_out(register: &Register) -> (Certificate, Vec<Diagnostic>) {
        let s = &register.settings;
        let cal = Calendar::new(s);
        let c = &register.certification;
        let mut errors = Vec::new();
        let mut starts = vec![(c.stage1, c.stage2, c.decision, None)];
        starts.extend(c.restarts.iter().map(|r| (r.stage1, r.stage2, r.decision, Some(r.loc))));
        // Records are filed under the epoch whose dates they fall in: from its first date to
        // the next epoch's.
        let first_dates: Vec<Option<NaiveDate>> =
            starts.iter().map(|(a, b, d, _)| [*a, *b, *d].into_iter().flatten().map(|x| x.date).min()).collect();
        let mut cert = Certificate { epochs: Vec::new(), cycles: Vec::new() };
        for (i, &(stage1, stage2, decision, at)) in starts.iter().enumerate() {
            let Some((stage1, stage2, decision)) = initial_audit(s, &cal, stage1, stage2, decision) else {
                errors.push(
                    Diagnostic::new(at.unwrap_or(c.loc), "`certification` has neither `stage1` nor `decision`")
                        .hint("give the planned Stage 1 date, or the initial certification decision once certified"),
                );
                break;
            };
            let from = if i == 0 { None } else { first_dates[i] };
            let until = first_dates.get(i + 1).copied().flatten();
            let in_epoch = |d: NaiveDate| from.is_none_or(|f| d >= f) && until.is_none_or(|u| d < u);
            let records = EpochRecords {
                surveillance: c.surveillance.iter().filter(|r| in_epoch(r.date)).collect(),
                recertification: c.recertification.iter().filter(|r| in_epoch(r.date)).collect(),
                special: c.special.iter().filter(|r| in_epoch(r.date)).collect(),
            };
            let superseded = i + 1 < starts.len();
            let first_cycle = cert.cycles.len() as u32 + 1;
            let mut epoch = Epoch {
                index: i,
                stage1,
                stage2,
                decision: External { cycle: first_cycle, ..decision },
                first_cycle,
                last_cycle: first_cycle,
                begins: cert.cycles.last().map(|c: &Cycle| c.expiry.succ_opt().unwrap_or(c.expiry)),
                superseded,
                late_recertification: None,
                loc: at,
            };
            if let Some(previous) = cert.cycles.last()
                && decision.basis == Basis::Given
                && decision.date <= previous.expiry
            {
                errors.push(
                    Diagnostic::new(decision.loc, format!(
                        "the restart's decision `{}` is before the certificate it replaces expired on {}",
                        decision.date, previous.expiry
                    ))
                    .hint("a restart is a new certification after a lapse; a certificate still valid continues, even when transferred to another certification body (IAF MD 2)"),
                );
            }
            let cycles = epoch_cycles(s, &cal, &mut epoch, &records, &mut errors);
            epoch.last_cycle = first_cycle + cycles.len().saturating_sub(1) as u32;
            cert.cycles.extend(cycles);
            cert.epochs.push(epoch);
        }
        if let (Some(printed), true) = (c.expiry, errors.is_empty()) {
            cert.check_printed_expiry(printed, &mut errors);
        }
        (cert, errors)
    }

    /// The certificate as it stands on `today`: a cycle that expired without recertification and
    /// can still be restored (ISO/IEC 17021-1 9.6.3.2.5: within 6 months of expiry) has its
    /// recertification planned as a restoration audit, by the restoration deadline, where the
    /// recertification planned before expiry (now past) stood, and the round that prepares it
    /// goes on. Outside that window nothing changes: before expiry the recertification is still
    /// ahead, after the deadline the certificate has lapsed.
    pub(crate) fn as_of(&mut self, s: &Settings, today: NaiveDate) {
        let cal = Calendar::new(s);
        for epoch in &self.epochs {
            // A certificate given and not superseded; its first cycle not recertified only.
            if epoch.decision.basis == Basis::Assumed || epoch.superseded || epoch.late_recertification.is_some() {
                continue;
            }
            let first_open =
                (epoch.first_cycle..=epoch.last_cycle).map(|n| n as usize - 1).find(|&i| !self.cycles[i].recertified());
            let Some(i) = first_open.filter(|&i| {
                let c = &self.cycles[i];
                c.recertification.basis == Basis::Planned && c.expiry < today && today <= c.restoration_deadline()
            }) else {
                continue;
            };
            let c = &self.cycles[i];
            let deadline = c.restoration_deadline();
            // The usual margin before the deadline (as surveillance before its anniversary).
            let date = cal
                .open_on_or_before(weeks_before(deadline, s.surveillance_before_anniversary_weeks))
                .max(cal.open_on_or_after(today))
                .min(deadline);
            self.cycles[i].recertification = External {
                latest: Some(deadline),
                decision: Some(weeks_after(date, s.decision_after_stage2_weeks)),
                restoration: true,
                ..External::new(ExternalKind::Recertification, c.number, date, Basis::Planned)
            };
        }
    }

    /// The certificate's printed expiry must be one the cycles compute: if not, `decision` is
    /// probably not the initial decision (a recertification or transfer reissues the certificate
    /// but keeps the anniversaries).
    fn check_printed_expiry(&self, printed: Dated, errors: &mut Vec<Diagnostic>) {
        // Some certification bodies print the third anniversary itself, one day later.
        if self.cycles.iter().any(|c| c.expiry == printed.date || c.expiry.succ_opt() == Some(printed.date)) {
            return;
        }
        let Some(epoch) = self.epochs.iter().rev().find(|e| self.cycle(e.first_cycle).start <= printed.date) else {
            return;
        };
        // After an early recertification, the cycles count from its decision.
        let early = (epoch.first_cycle..epoch.last_cycle)
            .map(|n| self.cycle(n).recertification)
            .rfind(|r| r.early && r.decision.is_some_and(|d| d <= printed.date));
        let anchor = early.and_then(|r| r.decision).unwrap_or(epoch.decision.date);
        let nearest = (epoch.first_cycle..=epoch.last_cycle)
            .map(|n| self.cycle(n))
            .min_by_key(|c| (c.expiry - printed.date).num_days().abs())
            .map(|c| (c.number, c.expiry));
        // The anchor that would give the printed expiry, in the same cycle.
        let day_after = printed.date.succ_opt().unwrap_or(printed.date);
        let suggested = (1..=80u32)
            .map_while(|k| day_after.checked_sub_months(Months::new(36 * k)))
            .min_by_key(|d| (*d - anchor).num_days().abs());
        let mut d = Diagnostic::new(
            printed.loc,
            match nearest {
                Some((n, expiry)) => format!(
                    "expiry `{}` is not one the decision `{anchor}` gives: cycle {n} expires on {expiry}",
                    printed.date
                ),
                None => format!("expiry `{}` is not one the decision `{anchor}` gives", printed.date),
            },
        );
        d = match (suggested, early) {
            (Some(s), Some(r)) => d.hint(format!(
                "after the early recertification of {}, the cycles count from its decision; if the printed expiry is right, that decision was {s}: write `decision: {s}` in that recertification",
                r.date
            )),
            (Some(s), None) => d.hint(format!(
                "`decision` is the initial certification decision, which recertifications and transfers keep (IAF MD 2); if the printed expiry is right, it was {s}: write `decision: {s}`"
            )),
            (None, _) => d.hint("`decision` is the initial certification decision, which recertifications and transfers keep (IAF MD 2)"),
        };
        errors.push(d);
    }

    /// Cycle `n` (counted across restarts), clamped to the cycles computed.
    pub fn cycle(&self, n: u32) -> &Cycle {
        let i = (n.max(1) as usize - 1).min(self.cycles.len().saturating_sub(1));
        // `new` computes at least one cycle per epoch, and there is always one epoch.
        &self.cycles[i]
    }

    /// The epoch that governs `day`: the last one that has begun.
    pub fn epoch_on(&self, day: NaiveDate) -> &Epoch {
        let i = self.epochs.iter().rposition(|e| e.begins.is_none_or(|b| b <= day)).unwrap_or(0);
        &self.epochs[i]
    }

    /// The cycle of `epoch` that `day` falls in; a day in the 6 months after an unrecertified
    /// expiry stays with the expired cycle, which can still be restored, and so does a day up to
    /// a restoration audit booked after expiry: its round is still under way.
    pub fn cycle_on(&self, epoch: &Epoch, day: NaiveDate) -> u32 {
        let mut n = epoch.first_cycle;
        while n < epoch.last_cycle && self.cycle(n).expiry < day {
            let c = self.cycle(n);
            if (!c.recertified() && day <= c.restoration_deadline()) || c.recertification.end >= day {
                break;
            }
            n += 1;
        }
        n
    }

    /// Whether the epoch's certificate has lapsed as of `day`, and how.
    pub fn lapse(&self, epoch: &Epoch, day: NaiveDate) -> Option<Lapse> {
        for n in epoch.first_cycle..=epoch.last_cycle {
            let c = self.cycle(n);
            if c.recertified() {
                continue;
            }
            let late = epoch.late_recertification.filter(|(k, _)| *k == n).map(|(_, d)| d);
            let deadline = c.restoration_deadline();
            let lapsed = epoch.superseded || late.is_some() || day > deadline;
            return lapsed.then_some(Lapse { cycle: n, expiry: c.expiry, deadline, late });
        }
        None
    }

    /// Every external audit of the epoch's certification, held, booked or planned, in date order.
    pub fn audits_of(&self, epoch: &Epoch) -> Vec<External> {
        let mut out: Vec<External> = epoch.stage1.into_iter().chain(epoch.stage2).collect();
        for n in epoch.first_cycle..=epoch.last_cycle {
            let c = self.cycle(n);
            out.extend(c.audits());
            out.extend(c.special.iter().copied());
        }
        out.sort_by_key(|e| (e.date, e.kind));
        out
    }

    /// The epoch's first certification-body audit after `day`, held, booked or planned.
    pub(crate) fn next_audit_after(&self, epoch: &Epoch, day: NaiveDate) -> Option<External> {
        self.audits_of(epoch).into_iter().find(|e| e.date > day)
    }

    /// Years in which the epoch needs no certification-body audit (see the free function
    /// `exempt_years`, which the planning of surveillance dates uses too).
    pub(crate) fn exempt_years(&self, epoch: &Epoch) -> BTreeSet<i32> {
        let cycles = &self.cycles[epoch.first_cycle as usize - 1..epoch.last_cycle as usize];
        exempt_years(epoch, cycles)
    }
}

/// The years of `epoch` (whose `cycles` these are) that need no certification-body audit
/// (ISO/IEC 17021-1 9.1.3): the initial certification's year, and each recertification year, the
/// year of the audit or of its decision (recorded, or assumed `decision_after_stage2_weeks` after
/// it); after a restoration, the year of expiry too, which was the recertification's.
fn exempt_years(epoch: &Epoch, cycles: &[Cycle]) -> BTreeSet<i32> {
    let mut years: BTreeSet<i32> =
        [Some(epoch.decision), epoch.stage2].into_iter().flatten().map(|e| e.date.year()).collect();
    for c in cycles {
        let r = c.recertification;
        years.extend([r.date.year(), r.end.year()]);
        years.extend(r.decision.map(|d| d.year()));
        if r.restoration {
            years.insert(c.expiry.year());
        }
    }
    years
}
