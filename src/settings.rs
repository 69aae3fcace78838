//! The planner's settings: the numbers that come from certification-body practice rather than
//! from a standard (so a register may change them, and every output says which are defaults),
//! the workdays, and the closures. Each numeric setting is written once, in `numbers!`'s table:
//! its key, default, range, what it sets and why its range; the checked [`Settings`], the
//! register's raw settings, their range check, the JSON Schema's bounds and the starter
//! register's list all come from it. `docs/rules.md` gives each rule with its source.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use crate::diagnostic::Loc;

/// The latest a recertification audit should end before expiry, for a decision in time
/// (certification-body practice): the smallest `recertification_before_expiry_weeks`.
pub(crate) const RECERTIFICATION_LATEST_WEEKS: u32 = 4;

/// The days of the week as a register writes them, Monday first.
pub(crate) const WEEKDAYS: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

/// One numeric setting, from the table.
#[derive(Debug)]
pub struct Number {
    pub key: &'static str,
    pub default: u32,
    pub min: u32,
    pub max: u32,
    /// What it sets, in a sentence (the schema's description and the starter's comment).
    pub about: &'static str,
    /// Why its range, for the error when a register leaves it.
    pub why: &'static str,
    /// Its value in `Settings`.
    pub get: fn(&Settings) -> u32,
    pub set: fn(&mut Settings, u32),
}

/// Gives the table of numeric settings to the macro `$then`, which makes from it what it needs.
/// Each row: `key: default, min..=max, "what it sets", why "why its range";`.
macro_rules! numbers {
    ($then:ident) => {
        $then! {
            internal_audit_lead_weeks: 6, 1..=12,
                "A round's last audit is at least this many weeks before the external audit it prepares, so that corrective actions can go through the management review",
                why "internal audits usually end 4 to 6 weeks before the external audit";
            management_review_lead_weeks: 2, 1..=11,
                "The management review is this many weeks before the external audit (less than `internal_audit_lead_weeks`: it takes the audits' results)",
                why "the management review usually comes about 2 weeks before the external audit";
            stage2_after_stage1_weeks: 4, 1..=26,
                "Assumed weeks from Stage 1 to Stage 2, where the register does not give Stage 2",
                why "Stage 2 usually follows Stage 1 by about a month";
            decision_after_stage2_weeks: 4, 0..=26,
                "Assumed weeks from Stage 2 (or a recertification audit) to the certification body's decision, where the register does not give it",
                why "nonconformities must be corrected within 6 months of Stage 2";
            surveillance_before_anniversary_weeks: 4, 0..=13,
                "Surveillance is planned this many weeks before the anniversary of the decision",
                why "certification bodies plan surveillance 9 to 12 months after the decision or anniversary";
            recertification_before_expiry_weeks: 13, 4..=26,
                "Recertification is planned this many weeks before expiry",
                why "the recertification starts up to 6 months before expiry and ends 4 weeks before it at the latest";
            max_months_between_rounds: 12, 12..=18,
                "Rounds, and management reviews, are never further apart than this many months",
                why "internal audits and management reviews at least yearly; with one round per external audit, rounds cannot be closer";
            round_weeks: 8, 1..=26,
                "A round's audits are spread over this many weeks before its last day",
                why "a round's audits are spread over some weeks before its last day, 8 by default";
            corrective_action_days: 30, 1..=90,
                "A nonconformity found in an internal audit has a corrective action recorded (naming the finding) within this many days of the audit",
                why "auditees usually have a few weeks to agree a corrective action with the auditor, 30 days by default";
            notice_days: 10, 0..=60,
                "Nothing newly planned (an audit whose planned day passed, one behind, a review) falls closer to today than this many open days",
                why "auditees and auditors need notice of an audit: two working weeks by default, at most about three months";
        }
    };
}
pub(crate) use numbers;

/// Makes [`Settings`] and its table [`Settings::NUMBERS`] from [`numbers!`]'s rows.
macro_rules! settings {
    ($($key:ident: $default:literal, $min:literal..=$max:literal, $about:literal, why $why:literal;)*) => {
        /// The settings the planner works with. The numbers' defaults are common
        /// certification-body practice, hence settings; outputs say which are defaults.
        #[derive(Debug, Clone, PartialEq)]
        pub struct Settings {
            $(#[doc = $about] pub $key: u32,)*
            /// Whether an area's auditor changes from one round to the next where another can audit it.
            pub rotation: bool,
            /// Monday first.
            pub workdays: [bool; 7],
            pub blackouts: Vec<Blackout>,
            /// Closures on the same days every year.
            pub yearly: Vec<YearlyBlackout>,
            /// Keys of the settings the register gave; the others are defaults.
            pub given: BTreeSet<&'static str>,
        }

        impl Default for Settings {
            fn default() -> Self {
                Settings {
                    $($key: $default,)*
                    rotation: true,
                    workdays: [true, true, true, true, true, false, false],
                    blackouts: Vec::new(),
                    yearly: Vec::new(),
                    given: BTreeSet::new(),
                }
            }
        }

        impl Settings {
            /// The numeric settings, in the table's order.
            pub const NUMBERS: &'static [Number] = &[$(Number {
                key: stringify!($key),
                default: $default,
                min: $min,
                max: $max,
                about: $about,
                why: $why,
                get: |s| s.$key,
                set: |s, v| s.$key = v,
            },)*];
        }
    };
}

numbers!(settings);

impl Settings {
    /// The numeric settings with their values, for outputs that list them.
    pub fn numbers(&self) -> impl Iterator<Item = (&'static Number, u32)> + '_ {
        Self::NUMBERS.iter().map(|n| (n, (n.get)(self)))
    }

    /// The workdays, `mon` first.
    pub(crate) fn workday_names(&self) -> Vec<&'static str> {
        WEEKDAYS.iter().zip(self.workdays).filter(|(_, w)| *w).map(|(d, _)| &d[..3]).collect()
    }
}

/// A closure (a freeze, a public holiday) or an auditor's absence, on dated days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blackout {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub reason: String,
    pub loc: Loc,
}

/// A closure that repeats every year, `(month, day)` to `(month, day)`; it may run over New Year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearlyBlackout {
    pub from: (u32, u32),
    pub to: (u32, u32),
    pub reason: String,
    pub loc: Loc,
}

impl YearlyBlackout {
    /// Its first and last days as written, `MM-DD`.
    pub fn days(&self) -> (String, String) {
        let day = |(m, d): (u32, u32)| format!("{m:02}-{d:02}");
        (day(self.from), day(self.to))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_is_in_its_range_and_the_table_sets_what_it_reads() {
        let mut s = Settings::default();
        for n in Settings::NUMBERS {
            assert!((n.min..=n.max).contains(&n.default), "{}", n.key);
            assert_eq!((n.get)(&s), n.default, "{}", n.key);
            (n.set)(&mut s, n.max);
            assert_eq!((n.get)(&s), n.max, "{}", n.key);
        }
        assert_eq!(
            Settings::NUMBERS.iter().find(|n| n.key == "recertification_before_expiry_weeks").unwrap().min,
            RECERTIFICATION_LATEST_WEEKS
        );
    }
}
