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
pub(crate) const MIN_OPEN_DAYS_A_YEAR: u32 = 100;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    /// Monday first.
    workdays: [bool; 7],
    closed: Spans,
}

/// Spans of days, merged and sorted: the closures of a calendar, or an auditor's absences.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Spans(Vec<(NaiveDate, NaiveDate)>);

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
    pub(crate) fn closed_because(&self, date: NaiveDate) -> Option<&'static str> {
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
    pub(crate) fn open_on_or_before(&self, date: NaiveDate) -> NaiveDate {
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

    /// The day a notice of `days` open days given the day after `date` runs out: the
    /// `days`-th open day after `date` (the day after it, for none). A date planned again after
    /// `date` passed is no earlier.
    pub(crate) fn notice_after(&self, date: NaiveDate, days: u32) -> NaiveDate {
        let next = date.succ_opt().unwrap_or(date);
        match days.checked_sub(1) {
            None => next,
            Some(n) => self.open_days(next, NaiveDate::MAX).nth(n as usize).unwrap_or(NaiveDate::MAX),
        }
    }

    /// The last open day before `date` (a round's last day before the external audit it
    /// prepares, say).
    pub(crate) fn open_before(&self, date: NaiveDate) -> NaiveDate {
        self.open_on_or_before(date.pred_opt().unwrap_or(date))
    }

    /// The nearest open day on or after `date`.
    pub(crate) fn open_on_or_after(&self, date: NaiveDate) -> NaiveDate {
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

    /// The first 12 months starting on a day from `first` to `last` (as `(first day, last day,
    /// open days)`) with fewer than [`MIN_OPEN_DAYS_A_YEAR`] open days, if any. The days are
    /// walked once, by number rather than as dates: this runs for every register read.
    pub(crate) fn short_year(&self, first: NaiveDate, last: NaiveDate) -> Option<(NaiveDate, NaiveDate, u32)> {
        let end = last.checked_add_months(Months::new(12))?;
        let (base, days) = (first.num_days_from_ce(), usize::try_from((end - first).num_days()).ok()? + 1);
        // Open days before each day, as a running sum; the closures, merged and sorted, are
        // passed with a cursor.
        let mut before = Vec::with_capacity(days + 1);
        before.push(0u32);
        let mut weekday = first.weekday().num_days_from_monday() as usize;
        let mut spans = self.closed.0.iter().map(|(f, t)| (f.num_days_from_ce() - base, t.num_days_from_ce() - base));
        let mut span = spans.next();
        for i in 0..days as i32 {
            while span.is_some_and(|(_, to)| to < i) {
                span = spans.next();
            }
            let closed = span.is_some_and(|(from, _)| from <= i);
            let open = u32::from(self.workdays[weekday] && !closed);
            before.push(before.last().copied().unwrap_or(0) + open);
            weekday = (weekday + 1) % 7;
        }
        // Each start day, by year and day of the year: 12 months from it hold 366 days where
        // they take in a 29 February (but from a 29 February itself, to the 27th next year).
        let leap = |y: i32| NaiveDate::from_ymd_opt(y, 2, 29).is_some();
        let (mut year, mut ordinal) = (first.year(), first.ordinal());
        for i in 0..=usize::try_from((last - first).num_days()).ok()? {
            let (leap_now, leap_next) = (leap(year), leap(year + 1));
            let march = if leap_now { 61 } else { 60 };
            let length = if leap_now && ordinal == 60 {
                365
            } else {
                365 + usize::from((leap_now && ordinal < 60) || (leap_next && ordinal >= march))
            };
            let open = before[i + length] - before[i];
            if open < MIN_OPEN_DAYS_A_YEAR {
                let from = first.checked_add_days(Days::new(i as u64))?;
                return Some((from, from.checked_add_days(Days::new(length as u64 - 1))?, open));
            }
            ordinal += 1;
            if ordinal > if leap_now { 366 } else { 365 } {
                (year, ordinal) = (year + 1, 1);
            }
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

    fn years(cal: &Calendar) -> Option<(NaiveDate, NaiveDate, u32)> {
        cal.short_year(date("2020-01-01"), date("2035-12-31"))
    }

    #[test]
    fn a_year_needs_a_hundred_open_days() {
        // Five workdays a week and a month of freeze: plenty.
        assert_eq!(years(&Calendar::from_parts(WEEKDAYS, &[blackout("2027-12-01", "2027-12-31")])), None);
        // Closures separated by one open Sunday close every workday for a year.
        let mut weekly = Vec::new();
        let mut d = date("2027-01-04");
        while d < date("2028-01-01") {
            weekly.push(blackout(&d.to_string(), &(d + Days::new(5)).to_string()));
            d = d + Days::new(7);
        }
        let (_, _, open) = years(&Calendar::from_parts(WEEKDAYS, &weekly)).unwrap();
        assert!(open < MIN_OPEN_DAYS_A_YEAR);
        // One workday a week is 52 or 53 open days a year.
        let mondays = [true, false, false, false, false, false, false];
        assert!(years(&Calendar::from_parts(mondays, &[])).is_some());
    }

    /// The scan by numbers finds what a plain one finds, 12 months by the calendar from each
    /// day: over leap years and 29 February, 2100 (no 29 February), closures across New Year.
    #[test]
    fn the_year_scan_agrees_with_the_calendar() {
        let plain = |cal: &Calendar, first: NaiveDate, last: NaiveDate| {
            let mut from = first;
            while from <= last {
                let to = from.checked_add_months(Months::new(12)).unwrap().pred_opt().unwrap();
                let open = cal.open_days(from, to).count() as u32;
                if open < MIN_OPEN_DAYS_A_YEAR {
                    return Some((from, to, open));
                }
                from = from.succ_opt().unwrap();
            }
            None
        };
        let mut seed = 11u64;
        let mut pick = |n: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        for case in 0..40 {
            // Two or three workdays, and closures around the leap days of 2096, 2100 and 2104.
            let mut workdays = [false; 7];
            for _ in 0..2 + pick(2) {
                workdays[pick(7) as usize] = true;
            }
            let closures: Vec<Blackout> = (0..pick(6))
                .map(|_| {
                    let from = date("2095-06-01") + Days::new(pick(3600));
                    blackout(&from.to_string(), &(from + Days::new(pick(120))).to_string())
                })
                .collect();
            let cal = Calendar::from_parts(workdays, &closures);
            let (first, last) = (date("2095-01-01"), date("2105-12-31"));
            assert_eq!(cal.short_year(first, last), plain(&cal, first, last), "case {case}: {workdays:?} {closures:?}");
        }
    }
}
