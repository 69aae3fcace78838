//! The register's `settings`: each number in its range, the working week and closures, and
//! room for a programme in every year a plan can reach.

use super::*;

impl Checker<'_> {
    /// The settings, and where the register gives its workdays.
    pub(super) fn settings(&mut self, raw: Option<RawSettings>) -> (Settings, Option<Loc>) {
        let mut s = Settings::default();
        let Some(raw) = raw else { return (s, None) };
        // Bounds keep the arithmetic meaningful; the upper ones are far past any real practice.
        // The relation of the two leads is reported at whichever of them the register gives.
        let review_loc =
            (raw.management_review_lead_weeks.as_ref().or(raw.internal_audit_lead_weeks.as_ref())).map(loc);
        for (n, value) in Settings::NUMBERS.iter().zip(raw.numbers()) {
            let Some(v) = value else { continue };
            if (n.min..=n.max).contains(&v.value) {
                (n.set)(&mut s, v.value);
                s.given.insert(n.key);
            } else {
                let message = format!("`{}` is {}, outside {} to {}", n.key, v.value, n.min, n.max);
                self.error(Diagnostic::new(loc(v), message).hint(n.why));
            }
        }
        if s.management_review_lead_weeks >= s.internal_audit_lead_weeks {
            self.error(
                Diagnostic::new(review_loc, format!(
                    "`management_review_lead_weeks` ({}) must be less than `internal_audit_lead_weeks` ({})",
                    s.management_review_lead_weeks, s.internal_audit_lead_weeks
                ))
                .hint("the management review takes the internal-audit results as input (clause 9.3), so it comes after the audits"),
            );
        }
        let workdays_loc = raw.workdays.as_ref().map(loc);
        if let Some(rotation) = &raw.rotation {
            s.rotation = rotation.value;
            s.given.insert("rotation");
        }
        if let Some(days) = raw.workdays {
            let mut workdays = [false; 7];
            for d in &days.value {
                workdays[d.value.0] = true;
            }
            if workdays.iter().any(|w| *w) {
                s.workdays = workdays;
                s.given.insert("workdays");
            } else {
                self.error(
                    Diagnostic::new(loc(&days), "`workdays` is empty")
                        .hint("list the days audits can take place, e.g. [mon, tue, wed, thu, fri]"),
                );
            }
        }
        let (dated, yearly) = self.closures(raw.blackout, true);
        (s.blackouts, s.yearly) = (dated, yearly);
        (s, workdays_loc)
    }

    /// What the workdays and blackouts leave together: room for a programme in any 12 months of
    /// the years a plan of the register can reach (see [`horizon`]), however the closures are
    /// cut up.
    pub(super) fn room_for_a_programme(&mut self, register: &Register, workdays_loc: Option<Loc>) {
        let (s, (first, last)) = (&register.settings, horizon(register));
        let workdays_a_year = 52 * s.workdays.iter().filter(|w| **w).count() as u32;
        if workdays_a_year < MIN_OPEN_DAYS_A_YEAR {
            self.error(
                Diagnostic::new(workdays_loc, format!("`workdays` leave {workdays_a_year} open days a year")).hint(
                    format!(
                        "a programme needs at least {MIN_OPEN_DAYS_A_YEAR} open days a year: list two workdays or more"
                    ),
                ),
            );
        } else if let Some(open) =
            Calendar::new(&Settings { blackouts: Vec::new(), ..s.clone() }).short_year(first, last).map(|y| y.2)
        {
            // The closures every year alone leave too little: the same in every year.
            let at = s.yearly.iter().map(|b| b.loc).min().or(workdays_loc);
            self.error(
                Diagnostic::new(at, format!("the workdays and the closures every year leave {open} open days a year"))
                    .hint(format!(
                        "a programme needs at least {MIN_OPEN_DAYS_A_YEAR} open days in any 12 months: shorten the closures or add workdays"
                    )),
            );
        } else if let Some((from, to, open)) = Calendar::new(s).short_year(first, last) {
            let dated = s.blackouts.iter().filter(|b| b.from <= to && b.to >= from).map(|b| b.loc);
            let at = dated.chain(s.yearly.iter().map(|b| b.loc)).min().or(workdays_loc);
            self.error(
                Diagnostic::new(at, format!("the workdays and blackouts leave {open} open days from `{from}` to `{to}`"))
                    .hint(format!(
                        "a programme needs at least {MIN_OPEN_DAYS_A_YEAR} open days in any 12 months: shorten the blackouts or add workdays"
                    )),
            );
        }
    }

    /// Blackouts or an auditor's unavailable days: dated spans, and (where `yearly` is allowed)
    /// spans written `MM-DD` that close the same days every year.
    pub(super) fn closures(
        &mut self,
        raw: Vec<Spanned<RawBlackout>>,
        yearly: bool,
    ) -> (Vec<Blackout>, Vec<YearlyBlackout>) {
        let (mut dated, mut every_year) = (Vec::new(), Vec::new());
        for b in raw {
            let at = loc(&b);
            let reason = self.note("a `reason`", b.value.reason.as_deref(), at).unwrap_or_default();
            match (b.value.from.value, b.value.to.value) {
                (Day::Date(from), Day::Date(to)) if to < from => self.error(Diagnostic::new(
                    loc(&b.value.to),
                    format!("the span ends `{to}` before it starts `{from}`"),
                )),
                (Day::Date(from), Day::Date(to)) => dated.push(Blackout { from, to, reason, loc: at }),
                (Day::Yearly(fm, fd), Day::Yearly(tm, td)) if yearly => {
                    every_year.push(YearlyBlackout { from: (fm, fd), to: (tm, td), reason, loc: at })
                }
                (Day::Yearly(..), Day::Yearly(..)) => self.error(
                    Diagnostic::new(at, "an auditor's unavailable days are dated")
                        .hint("write `from` and `to` as YYYY-MM-DD; closures every year go under `settings.blackout`"),
                ),
                _ => self.error(
                    Diagnostic::new(loc(&b.value.to), "`from` and `to` mix a date and a day of the year")
                        .hint("write both as YYYY-MM-DD, or both as MM-DD for the same days every year"),
                ),
            }
        }
        (dated, every_year)
    }
}

/// The years a plan of `register` can reach: from a year before its first date to 33 years
/// after its last (ten certificate cycles, and the one it is in), within the years dates are
/// read for. Room for a programme is checked there.
fn horizon(register: &Register) -> (NaiveDate, NaiveDate) {
    let c = &register.certification;
    let external = c
        .surveillance
        .iter()
        .chain(&c.recertification)
        .flat_map(|r| std::iter::once(r.date).chain(r.visits.iter().copied()).chain(r.decision));
    let initial = [c.stage1, c.stage2, c.decision, c.expiry].into_iter().flatten().map(|d| d.date);
    let restarts = c.restarts.iter().flat_map(|r| [r.stage1, r.stage2, r.decision]).flatten().map(|d| d.date);
    let records = (register.audits.iter().map(|a| a.date)).chain(register.reviews.iter().map(|r| r.date)).chain(
        register
            .corrective_actions
            .iter()
            .flat_map(|ca| [Some(ca.raised), Some(ca.due_now()), ca.closed, ca.verified])
            .flatten(),
    );
    let closures = register.settings.blackouts.iter().flat_map(|b| [b.from, b.to]);
    let dates = external
        .chain(initial)
        .chain(restarts)
        .chain(c.special.iter().map(|s| s.date))
        .chain(records)
        .chain(closures)
        .chain(register.accepted.iter().map(|a| a.until));
    let (min, max) = dates.fold((NaiveDate::MAX, NaiveDate::MIN), |(lo, hi), d| (lo.min(d), hi.max(d)));
    let earliest = NaiveDate::from_ymd_opt(1969, 1, 1).unwrap_or(NaiveDate::MIN);
    let latest = NaiveDate::from_ymd_opt(2232, 12, 31).unwrap_or(NaiveDate::MAX);
    if min > max {
        return (earliest, earliest);
    }
    let first = min.checked_sub_months(chrono::Months::new(12)).unwrap_or(min).max(earliest);
    let last = max.checked_add_months(chrono::Months::new(12 * 33)).unwrap_or(max).min(latest);
    (first.min(last), last)
}
