//! The working calendar: the days audits and reviews can be held on, from the workdays and the
//! blackouts. Built once per register; every look-up is a binary search, and moving to an open
//! day skips a whole closure at once, whatever the number or length of the blackouts.

use chrono::{Datelike, Days, Months, NaiveDate};

use crate::settings::{Blackout, Settings};

/// The years a plan can reach: register dates from 1970 to 2200, ten cycles beyond.
const FIRST_YEAR: i32 = 1968;
const LAST_YEAR: i32 = 2233;

/// At least this many open days in any 12 months: fewer leave no room for a programme
/// (the workdays and blackouts are checked against it when the register is read).
pub const MIN_OPEN_DAYS_A_YEAR: u32 = 100;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    /// Monday first.
    workdays: [bool; 7],
    closed: Spans,
}

/// Spans of days, merged and sorted: the closures of a calendar, or an auditor's absences.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Spans(Vec<(NaiveDate, NaiveDate)>);

impl Spans {
    pub fn new(blackouts: &[Blackout]) -> Self {
        let mut spans: Vec<(NaiveDate, NaiveDate)> = blackouts.iter().map(|b| (b.from, b.to)).collect();
        spans.sort();
        let mut merged: Vec<(NaiveDate, NaiveDate)> = Vec::with_capacity(spans.len());
        for (from, to) in spans {
            match merged.last_mut() {
                Some(last) if from <= last.1.succ_opt().unwrap_or(last.1) => last.1 = last.1.max(to),
                _ => merged.push((from, to)),
            }
        }
        Spans(merged)
    }

    /// The span that contains `date`, if any.
    pub fn find(&self, date: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
        let i = self.0.partition_point(|(from, _)| *from <= date);
        i.checked_sub(1).map(|i| self.0[i]).filter(|(_, to)| date <= *to)
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.find(date).is_some()
    }
}

impl Calendar {
    pub fn new(settings: &Settings) -> Self {
        let mut spans = settings.blackouts.clone();
        // Closures every year, as dated spans over every year a plan can reach.
        for y in &settings.yearly {
            for year in FIRST_YEAR..=LAST_YEAR {
                let from = NaiveDate::from_ymd_opt(year, y.from.0, y.from.1);
                // Over New Year, the span ends the year after.
                let to_year = if y.to < y.from { year + 1 } else { year };
                let to = NaiveDate::from_ymd_opt(to_year, y.to.0, y.to.1);
                // A 29 February end or start falls on the 28th in common years.
                let or_28 = |m: u32, d: u32, yr: i32| {
                    NaiveDate::from_ymd_opt(yr, m, d).or(NaiveDate::from_ymd_opt(yr, m, d - 1))
                };
                let from = from.or_else(|| or_28(y.from.0, y.from.1, year));
                let to = to.or_else(|| or_28(y.to.0, y.to.1, to_year));
                if let (Some(from), Some(to)) = (from, to) {
                    spans.push(Blackout { from, to, reason: String::new(), loc: y.loc });
                }
            }
        }
        Calendar::from_parts(settings.workdays, &spans)
    }

    pub fn from_parts(workdays: [bool; 7], blackouts: &[Blackout]) -> Self {
        Calendar { workdays, closed: Spans::new(blackouts) }
    }

    pub fn workday(&self, date: NaiveDate) -> bool {
        self.workdays[date.weekday().num_days_from_monday() as usize]
    }

    /// The closed span that contains `date`, if any.
    fn closure(&self, date: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
        self.closed.find(date)
    }

    /// Why `date` is closed, if it is: not a workday, or inside a blackout.
    pub fn closed_because(&self, date: NaiveDate) -> Option<&'static str> {
        if !self.workday(date) {
            Some("not a workday")
        } else if self.closure(date).is_some() {
            Some("inside a blackout")
        } else {
            None
        }
    }

    /// The open days from `from` to `to`, in order.
    pub fn open_days(&self, from: NaiveDate, to: NaiveDate) -> impl Iterator<Item = NaiveDate> + '_ {
        let first = self.open_on_or_after(from);
        std::iter::successors(Some(first), move |d| d.succ_opt().map(|n| self.open_on_or_after(n)))
            .take_while(move |d| *d <= to)
    }

    /// Whether audits and reviews may be held on `date`: a workday outside every blackout.
    pub fn is_open(&self, date: NaiveDate) -> bool {
        self.workday(date) && self.closure(date).is_none()
    }

    /// The nearest open day on or before `date`. Planned dates move earlier, never later.
    /// Terminates: a week has a workday (validation) and closures are skipped whole.
    pub fn open_on_or_before(&self, date: NaiveDate) -> NaiveDate {
        let mut d = date;
        loop {
            if let Some((from, _)) = self.closure(d) {
                d = match from.pred_opt() {
                    Some(p) => p,
                    None => return NaiveDate::MIN,
                };
            } else if !self.workday(d) {
                d = match d.pred_opt() {
                    Some(p) => p,
                    None => return NaiveDate::MIN,
                };
            } else {
                return d;
            }
        }
    }

    /// The nearest open day on or after `date`.
    pub fn open_on_or_after(&self, date: NaiveDate) -> NaiveDate {
        let mut d = date;
        loop {
            if let Some((_, to)) = self.closure(d) {
                d = match to.succ_opt() {
                    Some(n) => n,
                    None => return NaiveDate::MAX,
                };
            } else if !self.workday(d) {
                d = match d.succ_opt() {
                    Some(n) => n,
                    None => return NaiveDate::MAX,
                };
            } else {
                return d;
            }
        }
    }

    /// The first 12 months (as `(first day, last day, open days)`) with fewer than
    /// [`MIN_OPEN_DAYS_A_YEAR`] open days, if any: checked for every start day from a year
    /// before the first blackout to the last one, or for any year without blackouts.
    pub fn short_year(&self) -> Option<(NaiveDate, NaiveDate, u32)> {
        let first = self.closed.0.first().map_or(NaiveDate::from_ymd_opt(2001, 1, 1)?, |c| c.0);
        let last = self.closed.0.last().map_or(first, |c| c.1);
        let start = first.checked_sub_months(Months::new(12))?;
        let end = last.checked_add_months(Months::new(12))?;
        // Open days before each day of [start, end], as a running sum.
        let days = usize::try_from((end - start).num_days()).ok()? + 1;
        let mut before = Vec::with_capacity(days + 1);
        before.push(0u32);
        let mut d = start;
        for _ in 0..days {
            let open = u32::from(self.is_open(d));
            before.push(before.last().copied().unwrap_or(0) + open);
            d = d.succ_opt()?;
        }
        let mut from = start;
        while from <= last {
            let to = from.checked_add_months(Months::new(12))?.pred_opt()?;
            let (i, j) = ((from - start).num_days() as usize, (to - start).num_days() as usize + 1);
            let open = before[j] - before[i];
            if open < MIN_OPEN_DAYS_A_YEAR {
                return Some((from, to, open));
            }
            from = from.checked_add_days(Days::new(1))?;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Loc;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn blackout(from: &str, to: &str) -> Blackout {
        Blackout { from: date(from), to: date(to), reason: String::new(), loc: Loc::default() }
    }

    const WEEKDAYS: [bool; 7] = [true, true, true, true, true, false, false];

    #[test]
    fn open_days_skip_weekends_and_whole_closures() {
        let cal = Calendar::from_parts(
            WEEKDAYS,
            &[blackout("2027-01-04", "2027-01-08"), blackout("2027-01-06", "2027-01-12")],
        );
        // Saturday 2027-01-16 -> Friday 2027-01-15; inside the merged closure -> Friday 2027-01-01.
        assert_eq!(cal.open_on_or_before(date("2027-01-16")), date("2027-01-15"));
        assert_eq!(cal.open_on_or_before(date("2027-01-10")), date("2027-01-01"));
        assert_eq!(cal.open_on_or_after(date("2027-01-05")), date("2027-01-13"));
        assert!(!cal.is_open(date("2027-01-12")) && cal.is_open(date("2027-01-13")));
    }

    #[test]
    fn a_year_needs_a_hundred_open_days() {
        // Five workdays a week and a month of freeze: plenty.
        assert_eq!(Calendar::from_parts(WEEKDAYS, &[blackout("2027-12-01", "2027-12-31")]).short_year(), None);
        // Closures separated by one open Sunday close every workday for a year.
        let mut weekly = Vec::new();
        let mut d = date("2027-01-04");
        while d < date("2028-01-01") {
            weekly.push(blackout(&d.to_string(), &(d + Days::new(5)).to_string()));
            d = d + Days::new(7);
        }
        let (_, _, open) = Calendar::from_parts(WEEKDAYS, &weekly).short_year().unwrap();
        assert!(open < MIN_OPEN_DAYS_A_YEAR);
        // One workday a week is 52 or 53 open days a year.
        let mondays = [true, false, false, false, false, false, false];
        assert!(Calendar::from_parts(mondays, &[]).short_year().is_some());
    }
}
