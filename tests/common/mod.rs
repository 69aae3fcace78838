//! What the property tests share: people, days and risks to draw from, and the recertifications
//! that keep a generated certificate from lapsing.

use chrono::{Days, NaiveDate};
use proptest::prelude::*;

use ismsaudit::cycle::anniversary;
use ismsaudit::diagnostic::Loc;
use ismsaudit::register::{ExternalRecord, Risk};

pub const PEOPLE: [&str; 8] = ["ann", "bob", "cat", "dan", "eve", "fay", "gus", "hal"];

/// A day counted from 2020-01-01.
pub fn day(offset: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + Days::new(offset)
}

pub fn risk() -> impl Strategy<Value = Risk> {
    prop_oneof![Just(Risk::High), Just(Risk::Medium), Just(Risk::Low)]
}

/// Recertifications ten weeks before each of the first four expiries of a certificate decided
/// on `decision`, so it does not lapse within the days tested.
pub fn recertified(decision: NaiveDate) -> Vec<ExternalRecord> {
    (1..=4)
        .map(|k| ExternalRecord {
            date: anniversary(decision, 3 * k) - Days::new(70),
            visits: vec![],
            decision: None,
            early: false,
            note: None,
            days: None,
            sites: vec![],
            loc: Loc::default(),
        })
        .collect()
}
