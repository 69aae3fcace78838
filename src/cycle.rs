//! The certification body's cycle: Stage 1, Stage 2, decision, surveillance, recertification,
//! expiry (ISO/IEC 17021-1 9.1 and ISO/IEC 27006-1; see `audit-rules.md`).

use std::collections::BTreeMap;

use chrono::{Days, Months, NaiveDate};

use crate::diagnostic::{Diagnostic, InputError, Loc};
use crate::register::{Dated, Register, Settings};

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
    Expiry,
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
            ExternalKind::Expiry => "expiry",
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
            ExternalKind::Expiry => "Certificate expiry".into(),
        }
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
    /// 0 for the initial audit (Stage 1, Stage 2), else the certificate cycle.
    pub cycle: u32,
    pub date: NaiveDate,
    /// The last date the rules allow, where they set one.
    pub latest: Option<NaiveDate>,
    pub basis: Basis,
    /// Where the register gives this date, if it does.
    pub loc: Option<Loc>,
}

impl External {
    /// The name a person reads.
    pub fn label(&self) -> String {
        match self.kind {
            ExternalKind::CycleStart => format!("Cycle {} starts", self.cycle),
            k => k.label(),
        }
    }

    /// "surveillance 1 of cycle 2 on 2026-05-12", for sentences.
    pub fn describe(&self) -> String {
        match self.kind {
            ExternalKind::Surveillance(k) => format!("surveillance {k} of cycle {} on {}", self.cycle, self.date),
            ExternalKind::Recertification => format!("the recertification of cycle {} on {}", self.cycle, self.date),
            _ => format!("{} on {}", self.label(), self.date),
        }
    }
}

/// One three-year certificate cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cycle {
    pub number: u32,
    pub start: NaiveDate,
    pub expiry: NaiveDate,
    pub surveillance: [External; 2],
    pub recertification: External,
}

impl Cycle {
    /// The external audits internal-audit rounds 1, 2 and 3 prepare.
    pub fn audits(&self) -> [External; 3] {
        [self.surveillance[0], self.surveillance[1], self.recertification]
    }

    /// Whether the record shows the recertification held by expiry, so the next cycle follows.
    pub fn recertified_in_time(&self) -> bool {
        self.recertification.basis == Basis::Recorded && self.recertification.date <= self.expiry
    }
}

/// The recertification audit ends at least this long before expiry, so the certification
/// decision can precede expiry (audit-rules.md, M; the bound of its setting).
pub const RECERTIFICATION_LATEST_WEEKS: u32 = 4;

/// The certificate: its initial audit, its decision, and the record of later external audits.
#[derive(Debug, Clone, PartialEq)]
pub struct Certificate {
    pub stage1: Option<External>,
    pub stage2: Option<External>,
    pub decision: External,
    settings: Settings,
    /// Recorded surveillance audits by (cycle, number).
    surveillance: BTreeMap<(u32, u8), Dated>,
    /// Recorded recertification audits by cycle.
    recertification: BTreeMap<u32, Dated>,
}

pub(crate) fn weeks_before(date: NaiveDate, weeks: u32) -> NaiveDate {
    date.checked_sub_days(Days::new(7 * u64::from(weeks))).unwrap_or(NaiveDate::MIN)
}

pub(crate) fn weeks_after(date: NaiveDate, weeks: u32) -> NaiveDate {
    date.checked_add_days(Days::new(7 * u64::from(weeks))).unwrap_or(NaiveDate::MAX)
}

/// The `years`-th anniversary of `date`. An anniversary of 29 February falls on 28 February
/// in common years (chrono clamps to the month's last day).
pub fn anniversary(date: NaiveDate, years: u32) -> NaiveDate {
    date.checked_add_months(Months::new(12 * years)).unwrap_or(NaiveDate::MAX)
}

impl Certificate {
    /// Lays out the initial audit and files the recorded external audits under their cycles.
    pub fn new(register: &Register) -> Result<Certificate, InputError> {
        let s = &register.settings;
        let c = &register.certification;
        let given = |kind, d: Dated| External {
            kind,
            cycle: 0,
            date: d.date,
            latest: None,
            basis: Basis::Given,
            loc: Some(d.loc),
        };
        let stage1 = c.stage1.map(|d| given(ExternalKind::Stage1, d));
        // Stage 2 is an audit on site, so an assumed one moves earlier to an open day (but not
        // onto Stage 1 itself). The decision is the certification body's act: no workday rule.
        let stage2 = c.stage2.map(|d| given(ExternalKind::Stage2, d)).or_else(|| {
            stage1.map(|s1| {
                let nominal = weeks_after(s1.date, s.stage2_after_stage1_weeks);
                let open = s.open_on_or_before(nominal);
                let mut date = if open > s1.date { open } else { nominal };
                // A given decision came after Stage 2, whenever that was.
                if let Some(d) = c.decision {
                    date = date.min(d.date);
                }
                External { kind: ExternalKind::Stage2, cycle: 0, date, latest: None, basis: Basis::Assumed, loc: None }
            })
        });
        let decision = match (c.decision, stage2) {
            (Some(d), _) => External { cycle: 1, ..given(ExternalKind::Certification, d) },
            (None, Some(s2)) => External {
                kind: ExternalKind::Certification,
                cycle: 1,
                date: weeks_after(s2.date, s.decision_after_stage2_weeks),
                latest: None,
                basis: Basis::Assumed,
                loc: None,
            },
            (None, None) => {
                // Validation requires stage1 or decision; this is the register's own error then.
                return Err(InputError::one(
                    &register.file,
                    Diagnostic::new(c.loc, "`certification` has neither `stage1` nor `decision`"),
                ));
            }
        };
        let mut cert = Certificate {
            stage1,
            stage2,
            decision,
            settings: s.clone(),
            surveillance: BTreeMap::new(),
            recertification: BTreeMap::new(),
        };
        let mut errors = Vec::new();
        // Recorded surveillance audits are filed by cycle: the first of a cycle is surveillance
        // 1 and the second surveillance 2 (so a late first one stays the first); a lone one is
        // the year whose anniversary is nearest.
        let mut by_cycle: BTreeMap<u32, Vec<Dated>> = BTreeMap::new();
        for d in &c.surveillance {
            by_cycle.entry(cert.cycle_containing(d.date)).or_default().push(*d);
        }
        for (n, records) in by_cycle {
            match records.as_slice() {
                [one] => {
                    let distance =
                        |k: u32| (anniversary(cert.decision.date, 3 * (n - 1) + k) - one.date).num_days().abs();
                    let k = if distance(2) < distance(1) { 2 } else { 1 };
                    cert.surveillance.insert((n, k), *one);
                }
                [first, second, rest @ ..] => {
                    let year1_ends = anniversary(cert.decision.date, 3 * (n - 1) + 1);
                    if second.date <= year1_ends {
                        errors.push(
                            Diagnostic::new(
                                second.loc,
                                format!(
                                    "surveillance audits `{}` and `{}` both fall in year 1 of cycle {n}",
                                    first.date, second.date
                                ),
                            )
                            .hint("each cycle has one surveillance audit in year 1 and one in year 2; list only those"),
                        );
                    }
                    cert.surveillance.insert((n, 1), *first);
                    cert.surveillance.insert((n, 2), *second);
                    for extra in rest {
                        errors.push(
                            Diagnostic::new(
                                extra.loc,
                                format!("surveillance audit `{}` is a third one in cycle {n}", extra.date),
                            )
                            .hint("each cycle has one surveillance audit in year 1 and one in year 2; list only those"),
                        );
                    }
                }
                [] => {}
            }
        }
        for d in &c.recertification {
            let slot = cert.recertification_slot(d.date);
            // The recertification audit is in the cycle's third year (audit-rules.md: around
            // month 33, starting up to 6 months before expiry).
            let year3 = anniversary(cert.decision.date, 3 * (slot - 1) + 2);
            if d.date < year3 {
                errors.push(
                    Diagnostic::new(
                        d.loc,
                        format!("recertification audit `{}` is not in the third year of a cycle", d.date),
                    )
                    .hint(format!(
                        "cycle {slot}'s third year runs from {year3} to {}; an audit before it is a surveillance",
                        cert.expiry(slot)
                    )),
                );
                continue;
            }
            if let Some(first) = cert.recertification.insert(slot, *d) {
                errors.push(
                    Diagnostic::new(
                        d.loc,
                        format!("recertification audits `{}` and `{}` both fall to cycle {slot}", first.date, d.date),
                    )
                    .hint("each cycle has one recertification audit, before its expiry"),
                );
            }
        }
        if errors.is_empty() { Ok(cert) } else { Err(InputError { file: register.file.clone(), diagnostics: errors }) }
    }

    /// The first day of cycle `n` (1-based). Cycles keep the decision's anniversary.
    pub fn start(&self, n: u32) -> NaiveDate {
        anniversary(self.decision.date, 3 * (n.max(1) - 1))
    }

    /// The last day of cycle `n`: the day before its third anniversary.
    pub fn expiry(&self, n: u32) -> NaiveDate {
        anniversary(self.decision.date, 3 * n.max(1)).pred_opt().unwrap_or(NaiveDate::MIN)
    }

    /// The cycle that contains `date`; 1 for any date before the decision.
    pub fn cycle_containing(&self, date: NaiveDate) -> u32 {
        let mut n = 1;
        while self.expiry(n) < date && n < 10_000 {
            n += 1;
        }
        n
    }

    /// The recorded recertification at `date` belongs to the cycle whose expiry is nearest.
    fn recertification_slot(&self, date: NaiveDate) -> u32 {
        let last = self.cycle_containing(date) + 1;
        (1..=last).min_by_key(|&n| (self.expiry(n) - date).num_days().abs()).unwrap_or(1)
    }

    /// Cycle `n` with its external audits: recorded dates where the register has them, else
    /// planned by the rules.
    pub fn cycle(&self, n: u32) -> Cycle {
        let n = n.max(1);
        let s = &self.settings;
        let (start, expiry) = (self.start(n), self.expiry(n));
        let surveillance = [1u8, 2].map(|k| {
            // Surveillance is due by each anniversary; the first within 12 months of the
            // decision (ISO/IEC 17021-1 9.6.2.2, hard rule). Planned some weeks before as buffer.
            let due = anniversary(self.decision.date, 3 * (n - 1) + u32::from(k));
            let planned = s.open_on_or_before(weeks_before(due, s.surveillance_before_anniversary_weeks));
            self.external(ExternalKind::Surveillance(k), n, planned, due, self.surveillance.get(&(n, k)))
        });
        // Recertification must end in time for a decision before expiry.
        let latest = weeks_before(expiry, RECERTIFICATION_LATEST_WEEKS);
        let planned = s.open_on_or_before(weeks_before(expiry, s.recertification_before_expiry_weeks));
        let recertification =
            self.external(ExternalKind::Recertification, n, planned, latest, self.recertification.get(&n));
        Cycle { number: n, start, expiry, surveillance, recertification }
    }

    fn external(
        &self,
        kind: ExternalKind,
        cycle: u32,
        planned: NaiveDate,
        latest: NaiveDate,
        record: Option<&Dated>,
    ) -> External {
        match record {
            Some(r) => {
                External { kind, cycle, date: r.date, latest: Some(latest), basis: Basis::Recorded, loc: Some(r.loc) }
            }
            None => External { kind, cycle, date: planned, latest: Some(latest), basis: Basis::Planned, loc: None },
        }
    }
}
