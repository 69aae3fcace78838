//! What the programme costs in auditor-days: per round, per auditor and per calendar year. Clause
//! 9.2.2 asks for a programme with its resources; a manager asks for them as a budget.
//!
//! An audit takes the open days from its first to its last (an area's `audit_days` where it is
//! planned; a record's `date` to `end`). Audits held count as held; audits planned without an
//! auditor count as unassigned, for they need someone's days all the same. A missed audit (a day
//! that passed with nothing held, made up elsewhere) takes none, nor a booking whose day passed
//! without it being recorded as held; a record of several areas counts its days once.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use super::{AreaAudit, Round, Source};
use crate::calendar::Calendar;
use crate::register::Register;

/// One round's auditor-days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundEffort {
    pub label: String,
    pub cycle: u32,
    /// The day the round's audits are planned by.
    pub last_day: NaiveDate,
    /// Every audit's days ...
    pub days: u32,
    /// ... of which held (recorded as done), booked ...
    pub held: u32,
    pub booked: u32,
    /// ... and planned with no auditor.
    pub unassigned: u32,
    /// What the auditors' `max_days_per_round` allow together, where every auditor has one.
    pub cap: Option<u32>,
}

/// The programme's effort, gathered round by round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effort {
    pub rounds: Vec<RoundEffort>,
    /// Each auditor's (or outside firm's) days by calendar year: the register's auditors in its
    /// order, then the others as met (see [`Effort::by_auditor`]).
    pub auditors: Vec<(String, BTreeMap<i32, u32>)>,
    /// Every audit's days by calendar year.
    pub years: BTreeMap<i32, u32>,
    /// The days of `years` not yet held.
    pub ahead: BTreeMap<i32, u32>,
    /// How many of `auditors` are the register's.
    listed: usize,
    today: NaiveDate,
}

/// Who an audit's days fall to, when no auditor of the register has it.
pub const UNASSIGNED: &str = "(no auditor yet)";

impl Effort {
    /// An empty account, with a row for each of the register's auditors.
    pub fn new(register: &Register, today: NaiveDate) -> Self {
        let auditors = register.auditors.iter().map(|a| (a.id.clone(), BTreeMap::new())).collect();
        Effort {
            rounds: Vec::new(),
            auditors,
            years: BTreeMap::new(),
            ahead: BTreeMap::new(),
            listed: register.auditors.len(),
            today,
        }
    }

    /// Adds round `r`'s audits.
    pub fn add(&mut self, register: &Register, calendar: &Calendar, r: &Round<'_>) {
        let mut round = RoundEffort {
            label: r.label(),
            cycle: r.cycle,
            last_day: r.last_day,
            days: 0,
            held: 0,
            booked: 0,
            unassigned: 0,
            cap: together(register, |a| a.max_days_per_round),
        };
        // A record of several areas is one audit: its days count once.
        let mut records = std::collections::HashSet::new();
        // A booking whose day passed and that is not recorded as held took no days.
        let today = self.today;
        let passed = |a: &&AreaAudit<'_>| a.source == Source::Booked && a.end < today;
        for a in r.audits.iter().filter(|a| a.source != Source::Missed && !passed(a)) {
            if let Some(k) = a.record_index
                && !records.insert(k)
            {
                continue;
            }
            let firm = a.auditor_org(register);
            let row = match a.auditor_at() {
                Some(k) if k < self.listed => k,
                _ => self.row(firm.unwrap_or(UNASSIGNED)),
            };
            let unassigned = !a.has_auditor() && firm.is_none();
            let mut count = |day: NaiveDate| {
                round.days += 1;
                round.held += u32::from(a.source == Source::Done);
                round.booked += u32::from(a.source == Source::Booked);
                round.unassigned += u32::from(unassigned);
                *self.auditors[row].1.entry(day.year()).or_insert(0) += 1;
                *self.years.entry(day.year()).or_insert(0) += 1;
                if a.source != Source::Done {
                    *self.ahead.entry(day.year()).or_insert(0) += 1;
                }
            };
            a.days(register, calendar).for_each(&mut count);
        }
        self.rounds.push(round);
    }

    /// The row of someone who is not one of the register's auditors (an outside firm, or
    /// nobody yet), added where new: they are few.
    fn row(&mut self, who: &str) -> usize {
        match self.auditors[self.listed..].iter().position(|(id, _)| id == who) {
            Some(k) => self.listed + k,
            None => {
                self.auditors.push((who.to_string(), BTreeMap::new()));
                self.auditors.len() - 1
            }
        }
    }

    /// The effort of a plan's rounds, all at hand.
    pub fn of<'a>(register: &Register, today: NaiveDate, rounds: impl IntoIterator<Item = &'a Round<'a>>) -> Self {
        let calendar = Calendar::new(&register.settings);
        let mut effort = Effort::new(register, today);
        for r in rounds {
            effort.add(register, &calendar, r);
        }
        effort
    }

    /// Each row of `auditors` with the register's auditor where it is one (by index), the
    /// register's auditors first, each group by id: the register's order changes nothing.
    pub fn by_auditor(&self) -> Vec<(Option<usize>, &str, &BTreeMap<i32, u32>)> {
        let mut rows: Vec<_> = self
            .auditors
            .iter()
            .enumerate()
            .map(|(k, (id, days))| ((k < self.listed).then_some(k), id.as_str(), days))
            .collect();
        rows.sort_by(|a, b| (a.0.is_none(), a.1).cmp(&(b.0.is_none(), b.1)));
        rows
    }

    /// What the auditors' `max_days_per_year` allow together in a year, where every auditor has
    /// one.
    pub fn year_cap(register: &Register) -> Option<u32> {
        together(register, |a| a.max_days_per_year)
    }
}

/// What the auditors' caps allow together, where every auditor has one.
fn together(register: &Register, cap: impl Fn(&crate::register::Auditor) -> Option<u32>) -> Option<u32> {
    if register.auditors.is_empty() { None } else { register.auditors.iter().map(cap).sum() }
}
