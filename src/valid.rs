//! The one validation stage: a register is usable when its text has the register's shape
//! (`register::parse`: keys, values, ids, references), its certification dates agree with each
//! other (`cycle::Certificate`), and its record agrees with the day the plan is made for
//! (nothing held after it). A [`Valid`] is only made when all three hold, so planning and
//! checking on one cannot fail on input; `validate` stops here, without placing an audit.

use chrono::NaiveDate;

use crate::cycle::Certificate;
use crate::diagnostic::{Diagnostic, Errors, InputError, Loc};
use crate::register::{AuditRecord, Register, Status};

/// A register found usable on `today`, with its certificate laid out.
#[derive(Debug, Clone)]
pub struct Valid {
    register: Register,
    certificate: Certificate,
    today: NaiveDate,
}

impl Valid {
    /// Reads `text` (the register called `file`) and validates it for `today`.
    pub fn parse(file: &str, text: &str, today: NaiveDate) -> Result<Valid, InputError> {
        Valid::new(crate::register::parse(file, text)?, today)
    }

    /// Validates a parsed register for `today`: the certificate's dates and the record against
    /// the day, every error of both found in one pass.
    pub fn new(register: Register, today: NaiveDate) -> Result<Valid, InputError> {
        let (mut certificate, diagnostics) = Certificate::lay_out(&register);
        certificate.as_of(&register.settings, today);
        let mut errors = Errors::new();
        errors.extend(diagnostics);
        record_against(&register, today, &mut errors);
        if errors.is_empty() {
            Ok(Valid { register, certificate, today })
        } else {
            Err(errors.into_error(&register.file))
        }
    }

    pub fn register(&self) -> &Register {
        &self.register
    }

    pub fn certificate(&self) -> &Certificate {
        &self.certificate
    }

    /// The day the register was validated for, and plans are made for.
    pub fn today(&self) -> NaiveDate {
        self.today
    }
}

/// A record cannot say something was done after the day the plan is made for, nor give the
/// results of an audit not held yet.
fn record_against(register: &Register, today: NaiveDate, errors: &mut Errors) {
    // An error is worded only when it would be shown (a register can hold a million records).
    let mut push = |at: Loc, d: &dyn Fn() -> Diagnostic| {
        if errors.wants(at) { errors.push(d()) } else { errors.skip() }
    };
    for a in register.audits.iter().filter(|a| a.status == Some(Status::Done) && a.end.unwrap_or(a.date) > today) {
        push(a.loc, &|| {
            let message = match a.end {
                Some(last) if a.date <= today => {
                    format!("audit `{}` is marked done but ends `{last}`, after today ({today})", a.date)
                }
                _ => format!("audit `{}` is marked done but is after today ({today})", a.date),
            };
            Diagnostic::new(a.loc, message).hint("mark it `booked`, or pass the day it was done with `--today`")
        });
    }
    for r in register.reviews.iter().filter(|r| r.status == Some(Status::Done) && r.date > today) {
        push(r.loc, &|| {
            Diagnostic::new(
                r.loc,
                format!("management review `{}` is marked done but is after today ({today})", r.date),
            )
            .hint("mark it `booked`, or pass the day it was held with `--today`")
        });
    }
    // Results come from an audit held: a booked one (or one after today) has none yet.
    let booked = |a: &&AuditRecord| a.status == Some(Status::Booked) || (a.status.is_none() && a.date > today);
    let results = |a: &&AuditRecord| a.nonconformities.major > 0 || a.nonconformities.minor > 0 || a.observations > 0;
    for a in register.audits.iter().filter(booked).filter(results) {
        push(a.loc, &|| {
            Diagnostic::new(a.loc, format!("audit `{}` records results but is not held yet (booked)", a.date)).hint(
                "record its `findings` (or `nonconformities` and `observations`) once it is held, with `status: done`",
            )
        });
    }
    for ca in &register.corrective_actions {
        let future = [("raised", Some(ca.raised)), ("closed", ca.closed), ("verified", ca.verified)];
        for (what, day) in future.into_iter().filter_map(|(w, d)| Some((w, d.filter(|d| *d > today)?))) {
            push(ca.loc, &|| {
                Diagnostic::new(
                    ca.loc,
                    format!("corrective action `{}` is {what} on {day}, after today ({today})", ca.id),
                )
                .hint("record it on the day it happens, or pass that day with `--today`")
            });
        }
    }
}

/// The examples' registers, each validated for a day before, within and after their first
/// cycles (a day one is not valid for left out): for tests that compare two readings of a plan.
#[cfg(test)]
pub(crate) fn examples_on_days() -> Vec<(&'static str, &'static str, Valid)> {
    let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut out = Vec::new();
    for name in ["saas-certified.yaml", "enterprise.yaml", "startup.yaml"] {
        let text = std::fs::read_to_string(examples.join(name)).unwrap();
        for today in ["2025-11-03", "2026-11-28", "2027-06-15"] {
            if let Ok(valid) = Valid::parse(name, &text, today.parse().unwrap()) {
                out.push((name, today, valid));
            }
        }
    }
    out
}
