//! The certificate and the certification body's audits (ISO/IEC 17021-1 9.1.3, 9.6): the
//! decision, surveillance in time, a certification-body audit every calendar year, the
//! recertification in time for a decision before expiry, expiry, restoration and lapse.

use chrono::{Datelike, NaiveDate};

use super::{EXPIRY_WARNING_DAYS, Fact};
use crate::cycle::estimate::{AuditOf, Estimate};
use crate::cycle::{Basis, Cycle, DECISION_MONTHS_AFTER_STAGE2, External, months_after, weeks_before};
use crate::diagnostic::Loc;
use crate::plan::Plan;
use crate::settings::RECERTIFICATION_LATEST_WEEKS;

/// The certificate: its decision, surveillance, recertification, expiry, restoration and lapse.
pub(super) fn certificate<'r>(plan: &Plan<'r>) -> Vec<Fact<'r>> {
    let mut out = initial(plan);
    if plan.initial {
        return out;
    }
    let epoch = plan.epoch();
    let today = plan.today;
    let decision_loc = epoch.decision.loc;
    if let Some(lapse) = plan.lapse {
        out.push(Fact::CertificateLapsed {
            cycle: lapse.cycle,
            expiry: lapse.expiry,
            deadline: lapse.deadline,
            late: lapse.late.map(|r| r.date),
            at: lapse.late.map(|r| r.loc).or(decision_loc),
        });
        return out;
    }
    let suspended = plan.register.certification.suspensions.iter().find(|s| s.on(today));
    out.extend(suspended.map(|s| Fact::CertificateSuspended {
        from: s.from,
        to: s.to,
        note: s.note.as_deref(),
        at: s.loc,
    }));
    let Some(cycle) = plan.cycles.first() else { return out };
    out.extend(surveillance(cycle, today, decision_loc));
    out.extend(recertification_late(cycle, today, decision_loc));
    out.extend(expired(plan, cycle));
    let days_left = (cycle.expiry - today).num_days();
    // (A recertification booked after expiry is `recertification-late`'s.)
    if (0..=EXPIRY_WARNING_DAYS).contains(&days_left) && cycle.recertification.basis != Basis::Recorded {
        out.push(Fact::CertificateExpiring { expiry: cycle.expiry, days_left, at: decision_loc });
    }
    out
}

/// The initial certification's decision: assumed and passed, late after Stage 2, or after a
/// lapse, not given yet.
fn initial<'r>(plan: &Plan<'r>) -> Vec<Fact<'r>> {
    let epoch = plan.epoch();
    let today = plan.today;
    let mut out = Vec::new();
    if epoch.decision.basis == Basis::Assumed && epoch.decision.date < today {
        out.push(Fact::DecisionNotRecorded {
            decision: epoch.decision.date,
            early: None,
            at: epoch.stage1.and_then(|s| s.loc),
        });
    }
    // An early recertification's decision anchors the cycles after it.
    for n in epoch.first_cycle..=epoch.last_cycle {
        let r = plan.certificate.cycle(n).recertification;
        if let (true, false, Some(decision)) = (r.early, r.decision_given, r.decision)
            && decision < today
        {
            out.push(Fact::DecisionNotRecorded { decision, early: Some(r.date), at: r.loc });
        }
    }
    if let (Some(s2), Basis::Given) = (epoch.stage2, epoch.decision.basis) {
        let limit = months_after(s2.end, DECISION_MONTHS_AFTER_STAGE2);
        let first_cycle = plan.cycles.first().is_none_or(|c| c.local == 1);
        if epoch.decision.date > limit && first_cycle {
            out.push(Fact::DecisionLate { decision: epoch.decision.date, stage2: s2.date, at: epoch.decision.loc });
        }
    }
    if epoch.index > 0 && plan.initial {
        let previous = &plan.certificate.epochs[epoch.index - 1];
        out.push(Fact::Uncertified {
            expired: plan.certificate.cycle(previous.last_cycle).expiry,
            decision: epoch.decision.date,
            assumed: epoch.decision.basis == Basis::Assumed,
            at: epoch.loc,
        });
    }
    out
}

/// Each surveillance of `cycle` held after its latest day, or not held by it.
fn surveillance<'r>(cycle: &Cycle, today: NaiveDate, decision_loc: Option<Loc>) -> Vec<Fact<'r>> {
    let mut out = Vec::new();
    for s in &cycle.surveillance {
        let number = Cycle::round_of(s);
        let Some(latest) = s.latest else { continue };
        // An audit in several visits is complete at its last visit (ISO/IEC 17021-1 9.1.3 asks
        // for the audit, not its first day).
        let (held, at) = if s.end > latest && s.basis == Basis::Recorded {
            (Some((s.date, s.end)), s.loc.or(decision_loc))
        } else if latest < today && s.basis != Basis::Recorded {
            (None, decision_loc)
        } else {
            continue;
        };
        let cycle = cycle.number;
        out.push(if s.hard {
            Fact::SurveillanceLate { number, cycle, latest, held, at }
        } else {
            Fact::SurveillanceAfterAnniversary { number, cycle, latest, held, at }
        });
    }
    out
}

/// The recertification should leave time for a decision before expiry (certification-body
/// practice: it ends 4 weeks before expiry at the latest).
pub(super) fn recertification_late<'r>(cycle: &Cycle, today: NaiveDate, decision_loc: Option<Loc>) -> Option<Fact<'r>> {
    let r = cycle.recertification;
    let latest = r.latest?;
    let (cycle_number, expiry) = (cycle.number, cycle.expiry);
    // After expiry, a missing recertification is `certificate-expired`'s.
    if r.basis != Basis::Recorded && latest < today && today <= expiry {
        Some(Fact::RecertificationLate { cycle: cycle_number, expiry, latest, ended: None, at: decision_loc })
    } else if r.basis == Basis::Recorded && r.restoration && today <= expiry {
        // Booked after expiry, the certificate still valid: it will expire before it.
        Some(Fact::RecertificationLate {
            cycle: cycle_number,
            expiry,
            latest: weeks_before(expiry, RECERTIFICATION_LATEST_WEEKS),
            ended: Some(r.end),
            at: r.loc.or(decision_loc),
        })
    } else if r.basis == Basis::Recorded && r.end > latest && r.end <= expiry {
        Some(Fact::RecertificationLate {
            cycle: cycle_number,
            expiry,
            latest,
            ended: Some(r.end),
            at: r.loc.or(decision_loc),
        })
    } else {
        None
    }
}

/// A certificate expired: restored by a recertification within 6 months (the days between were
/// not certified), to be restored, or with nothing recorded to restore it.
fn expired<'r>(plan: &Plan<'r>, cycle: &Cycle) -> Option<Fact<'r>> {
    let today = plan.today;
    let epoch = plan.epoch();
    let previous = (cycle.number > epoch.first_cycle).then(|| plan.certificate.cycle(cycle.number - 1));
    let (expired, restored) = match previous {
        // Today is past the previous expiry: a recertification recorded within 6 months of it
        // restores the certificate from its last day.
        Some(p) if !p.recertified_in_time() => (p, cycle.restored),
        // Today is past this cycle's expiry and nothing is recorded: the 6 months are running.
        _ if cycle.expiry < today && !cycle.recertified() => (cycle, None),
        // Past it, with a restoration audit booked and still ahead: its round is under way.
        _ if cycle.expiry < today && !cycle.recertified_in_time() => {
            let r = cycle.recertification;
            (cycle, Some(r.decision.unwrap_or(r.end)))
        }
        _ => return None,
    };
    let deadline = expired.restoration_deadline();
    let (number, expiry) = (expired.number, expired.expiry);
    match restored {
        Some(on) if on <= today => (today < cycle.first_audit().date).then_some(Fact::CertificateRestored {
            cycle: number,
            expiry,
            on,
            assumed: !expired.recertification.decision_given,
            at: expired.recertification.loc,
        }),
        Some(on) => Some(Fact::CertificateExpired {
            cycle: number,
            expiry,
            deadline,
            restoring: Some((expired.recertification.date, on)),
            at: expired.recertification.loc,
        }),
        None => {
            Some(Fact::CertificateExpired { cycle: number, expiry, deadline, restoring: None, at: epoch.decision.loc })
        }
    }
}

/// A certification-body surveillance in every calendar year but the initial certification's and
/// the recertification years (ISO/IEC 17021-1 9.1.3), judged on the record for whole years past,
/// across cycle boundaries (from the year before the current cycle began), and on the dates
/// booked or planned for the years to come, while a gap can still be mended.
pub(super) fn calendar_years<'r>(plan: &Plan<'r>) -> Vec<Fact<'r>> {
    if plan.initial || plan.lapse.is_some() {
        return Vec::new();
    }
    let Some(cycle) = plan.cycles.first() else { return Vec::new() };
    let epoch = plan.epoch();
    let today = plan.today;
    let audits: Vec<External> =
        plan.certificate.audits_of(epoch).into_iter().filter(|e| e.kind.counts_for_calendar_year()).collect();
    let in_year = |e: &External, year: i32| (e.date.year()..=e.end.year()).contains(&year);
    let held = |year: i32| {
        audits.iter().any(|e| matches!(e.basis, Basis::Recorded | Basis::Given) && e.date <= today && in_year(e, year))
    };
    // A recertification year with no recertification is `certificate-expired`'s to report.
    let exempt = plan.certificate.exempt_years(epoch);
    let from = (cycle.start.year() - 1).max(epoch.decision.date.year() + 1);
    let mut out: Vec<Fact> = (from..today.year())
        .filter(|year| !held(*year) && !exempt.contains(year))
        .map(|year| Fact::CalendarYearWithoutAudit { year, at: epoch.decision.loc })
        .collect();
    // The years ahead, up to the last shown cycle's recertification or the last audit booked,
    // in whichever cycle: a year that what is booked or planned leaves empty.
    let last = plan.cycles.last().map_or(cycle.recertification, |c| c.recertification);
    let booked = audits.iter().filter(|e| e.basis == Basis::Recorded && e.date > today).map(|e| e.end.year()).max();
    for year in today.year()..=last.date.year().max(booked.unwrap_or(i32::MIN)) {
        // A date that passed unheld is the surveillance rules' to report.
        if !exempt.contains(&year) && !audits.iter().any(|e| in_year(e, year)) {
            let at = audits.iter().filter(|e| e.date > today && e.basis == Basis::Recorded).find_map(|e| e.loc);
            out.push(Fact::CalendarYearUnplanned { year, at: at.or(epoch.decision.loc) });
        }
    }
    out
}

/// Surveillance and recertification audits ahead recorded shorter than the least audit time the
/// rules allow (ISO/IEC 27006-1 Annex C; IAF MD 5).
pub(super) fn audit_time<'r>(plan: &Plan<'r>) -> Vec<Fact<'r>> {
    let reg = plan.register;
    let Some(estimate) = Estimate::of(&reg.profile) else { return Vec::new() };
    let least = |audit| estimate.of_audit(audit).and_then(|a| a.least);
    let c = &reg.certification;
    let records =
        (c.surveillance.iter().map(|r| ("surveillance", AuditOf::Surveillance, r.date, r.end(), r.days, r.loc))).chain(
            c.recertification
                .iter()
                .map(|r| ("recertification", AuditOf::Recertification, r.date, r.end(), r.days, r.loc)),
        );
    // The initial audit, while Stage 2 is ahead: its days are those of Stage 1 and 2 together.
    let epoch = plan.epoch();
    let initial = (plan.initial)
        .then(|| {
            epoch.stage2.map(|s2| {
                (
                    "initial",
                    AuditOf::Initial,
                    epoch.stage1.map_or(s2.date, |s1| s1.date),
                    s2.date,
                    c.initial_days,
                    c.loc,
                )
            })
        })
        .flatten();
    records
        .chain(initial)
        .filter(|(_, _, _, end, _, _)| *end >= plan.today)
        .filter_map(|(audit, of, date, _, days, at)| {
            let (days, least) = (days?, least(of)?);
            (days < least).then_some(Fact::AuditTimeShort { audit, date, days, least, at })
        })
        .collect()
}
