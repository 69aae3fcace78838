//! The register's `certification`: the initial audit, surveillance, recertification, special
//! audits and restarts, each dated in order.

use super::*;

impl Checker<'_> {
    pub(super) fn certification(&mut self, raw: Spanned<RawCertification>) -> Certification {
        let at = loc(&raw);
        let raw = raw.value;
        let c = Certification {
            stage1: raw.stage1.as_ref().map(dated),
            stage2: raw.stage2.as_ref().map(dated),
            initial_days: self.days(raw.initial_days.as_ref()),
            decision: raw.decision.as_ref().map(dated),
            expiry: raw.expiry.as_ref().map(dated),
            surveillance: raw.surveillance.iter().map(|s| self.surveillance(s)).collect(),
            recertification: raw.recertification.iter().map(|r| self.recertification(r)).collect(),
            special: raw
                .special
                .iter()
                .map(|s| SpecialAudit {
                    date: s.value.date.value.0,
                    kind: s.value.kind,
                    replaces_surveillance: s.value.replaces_surveillance,
                    note: self.note("`note`", s.value.note.as_deref(), loc(s)),
                    loc: loc(s),
                })
                .collect(),
            restarts: raw
                .restart
                .iter()
                .map(|r| Restart {
                    stage1: r.value.stage1.as_ref().map(dated),
                    stage2: r.value.stage2.as_ref().map(dated),
                    decision: r.value.decision.as_ref().map(dated),
                    loc: loc(r),
                })
                .collect(),
            suspensions: raw.suspended.iter().map(|s| self.suspension(s)).collect(),
            loc: at,
        };
        self.suspensions_in_order(&c);
        if c.stage1.is_none() && c.decision.is_none() {
            self.error(
                Diagnostic::new(at, "`certification` has neither `stage1` nor `decision`")
                    .hint("give the planned Stage 1 date, or the initial certification decision once certified"),
            );
        }
        self.initial_audit(c.stage1, c.stage2, c.decision);
        self.history_in_order(&c);
        self.restarts_in_order(&c);
        c
    }

    /// A recertification audit recorded, and its decision (never before the audit).
    pub(super) fn recertification(&mut self, r: &Spanned<DateOr<RawRecertification>>) -> ExternalRecord {
        match &r.value {
            DateOr::Date(d) => self.visits(d.0, &[], None, loc(r)),
            DateOr::Full(f) => {
                let note = self.note("`note`", f.note.as_deref(), loc(r));
                let record = self.visits(f.date.value.0, &f.visits, note, loc(r));
                if let Some(d) = &f.decision
                    && d.value.0 < record.end()
                {
                    self.error(
                        Diagnostic::new(
                            loc(d),
                            format!("decision `{}` is before the recertification audit `{}`", d.value.0, record.end()),
                        )
                        .hint("the certification body decides after the audit"),
                    );
                }
                ExternalRecord {
                    decision: f.decision.as_ref().map(|d| d.value.0),
                    early: f.early,
                    days: self.days(f.days.as_ref()),
                    sites: self.visited(&f.sites),
                    ..record
                }
            }
        }
    }

    /// The certification body's audits in date order, each after the initial decision, and the
    /// printed expiry after it too.
    pub(super) fn history_in_order(&mut self, c: &Certification) {
        let dates = |records: &[ExternalRecord]| -> Vec<Dated> {
            records.iter().map(|r| Dated { date: r.date, loc: r.loc }).collect()
        };
        self.in_order("surveillance audit", &dates(&c.surveillance));
        self.in_order("recertification audit", &dates(&c.recertification));
        self.in_order(
            "special audit",
            &c.special.iter().map(|s| Dated { date: s.date, loc: s.loc }).collect::<Vec<_>>(),
        );
        if let Some(d) = c.decision {
            // A follow-up visit between Stage 2 and the decision (to verify the correction of a
            // Stage 2 nonconformity, ISO/IEC 17021-1 9.4.9) belongs to the initial audit.
            let stage2 = c.stage2.or(c.stage1).map(|s| s.date);
            let initial_follow_up =
                |s: &&SpecialAudit| s.kind == SpecialKind::FollowUp && stage2.is_some_and(|s2| s.date > s2);
            let records = (c.surveillance.iter().chain(&c.recertification).map(|r| (r.date, r.loc)))
                .chain(c.special.iter().filter(|s| !initial_follow_up(s)).map(|s| (s.date, s.loc)));
            for (date, at) in records {
                if date <= d.date {
                    self.error(
                        Diagnostic::new(
                            at,
                            format!("audit `{date}` is not after the certification decision `{}`", d.date),
                        )
                        .hint("list here only the certification body's audits after the initial certification"),
                    );
                }
            }
            if let Some(e) = c.expiry
                && e.date <= d.date
            {
                self.error(
                    Diagnostic::new(
                        e.loc,
                        format!("expiry `{}` is not after the certification decision `{}`", e.date, d.date),
                    )
                    .hint("give the expiry date printed on the certificate"),
                );
            }
        } else if let Some(s) = c.surveillance.first().or(c.recertification.first()) {
            self.error(
                Diagnostic::new(s.loc, format!("audit `{}` recorded before a certification decision", s.date))
                    .hint("add `decision:` to `certification`"),
            );
        }
    }

    fn suspension(&mut self, s: &Spanned<RawSuspension>) -> Suspension {
        let (from, to) = (s.value.from.value.0, s.value.to.as_ref().map(|t| t.value.0));
        if let (Some(to), Some(at)) = (to, s.value.to.as_ref())
            && to < from
        {
            self.error(
                Diagnostic::new(loc(at), format!("suspension ends `{to}` before it begins `{from}`"))
                    .hint("`from` is the first day of the suspension, `to` the last"),
            );
        }
        Suspension { from, to, note: self.note("`note`", s.value.note.as_deref(), loc(s)), loc: loc(s) }
    }

    /// Suspensions come after the decision, in date order, each lifted before the next.
    fn suspensions_in_order(&mut self, c: &Certification) {
        let mut before: Option<(NaiveDate, &str)> = c.decision.map(|d| (d.date, "the certification decision"));
        for (k, s) in c.suspensions.iter().enumerate() {
            if k > 0 && c.suspensions[k - 1].to.is_none() {
                self.error(
                    Diagnostic::new(s.loc, format!("suspension from `{}` follows one not lifted", s.from))
                        .hint("give the earlier suspension's last day as `to`"),
                );
            } else if let Some((day, what)) = before.filter(|(day, _)| s.from <= *day) {
                self.error(
                    Diagnostic::new(s.loc, format!("suspension from `{}` is not after {what} `{day}`", s.from))
                        .hint("list suspensions in date order, each after the certificate was issued and the one before was lifted"),
                );
            }
            before = s.to.map(|to| (to, "the end of the suspension before"));
        }
    }

    /// Each restart gives a date, and comes after the certification before it.
    pub(super) fn restarts_in_order(&mut self, c: &Certification) {
        let mut previous = c.decision.or(c.stage2).or(c.stage1).map(|d| d.date);
        for r in &c.restarts {
            if r.stage1.is_none() && r.stage2.is_none() && r.decision.is_none() {
                self.error(
                    Diagnostic::new(r.loc, "`restart` gives no dates")
                        .hint("give the new certification's `stage2` (at least) and its `decision` once given"),
                );
                continue;
            }
            self.initial_audit(r.stage1, r.stage2, r.decision);
            let first = [r.stage1, r.stage2, r.decision].into_iter().flatten().next();
            if let (Some(first), Some(before)) = (first, previous)
                && first.date <= before
            {
                self.error(
                    Diagnostic::new(first.loc, format!("restart `{}` is not after `{before}`", first.date))
                        .hint("a restart is a new initial certification after the certificate lapsed; list restarts in date order"),
                );
            }
            previous = [r.decision, r.stage2, r.stage1].into_iter().flatten().next().map(|d| d.date);
        }
    }

    /// Stage 1, Stage 2 and the decision of an initial certification come in that order.
    pub(super) fn initial_audit(&mut self, stage1: Option<Dated>, stage2: Option<Dated>, decision: Option<Dated>) {
        if let (Some(s1), Some(s2)) = (stage1, stage2)
            && s2.date < s1.date
        {
            self.error(
                Diagnostic::new(s2.loc, format!("Stage 2 `{}` is before Stage 1 `{}`", s2.date, s1.date))
                    .hint("Stage 2 follows Stage 1, usually by about a month"),
            );
        }
        if let (Some(s2), Some(d)) = (stage2.or(stage1), decision)
            && d.date < s2.date
        {
            let which = if stage2.is_some() { "Stage 2" } else { "Stage 1" };
            self.error(
                Diagnostic::new(d.loc, format!("decision `{}` is before {which} `{}`", d.date, s2.date))
                    .hint("the certification decision follows the Stage 2 audit"),
            );
        }
    }

    /// A surveillance audit, written as a date or with its further visits.
    pub(super) fn surveillance(&mut self, raw: &Spanned<DateOr<RawExternal>>) -> ExternalRecord {
        match &raw.value {
            DateOr::Date(d) => self.visits(d.0, &[], None, loc(raw)),
            DateOr::Full(f) => {
                let note = self.note("`note`", f.note.as_deref(), loc(raw));
                let record = self.visits(f.date.value.0, &f.visits, note, loc(raw));
                ExternalRecord { days: self.days(f.days.as_ref()), sites: self.visited(&f.sites), ..record }
            }
        }
    }

    /// The sites an external audit visited, as written (checked against `sites` with them).
    fn visited(&mut self, raw: &[Spanned<Text<'_>>]) -> Vec<String> {
        raw.iter().map(|s| self.person("a `sites` entry", &s.value, loc(s))).filter(|s| !s.is_empty()).collect()
    }

    /// Further visits of a split audit follow its first day and each other.
    pub(super) fn visits(
        &mut self,
        date: NaiveDate,
        visits: &[Spanned<Date>],
        note: Option<String>,
        at: Loc,
    ) -> ExternalRecord {
        let mut last = date;
        for v in visits {
            if v.value.0 <= last {
                self.error(
                    Diagnostic::new(loc(v), format!("visit `{}` is not after `{last}`", v.value.0))
                        .hint("`visits` lists the further days of the same audit, after its `date`, in order"),
                );
            }
            last = last.max(v.value.0);
        }
        ExternalRecord {
            date,
            visits: visits.iter().map(|v| v.value.0).collect(),
            decision: None,
            early: false,
            note,
            days: None,
            sites: vec![],
            loc: at,
        }
    }

    /// Records must be listed in date order, so a misplaced or mistyped date stands out.
    pub(super) fn in_order(&mut self, what: &str, dates: &[Dated]) {
        for pair in dates.windows(2) {
            if pair[1].date <= pair[0].date && self.shown(pair[1].loc) {
                self.error(
                    Diagnostic::new(
                        pair[1].loc,
                        format!("{what} `{}` is not after the one before it, `{}`", pair[1].date, pair[0].date),
                    )
                    .hint("list records in date order"),
                );
            }
        }
    }
}
