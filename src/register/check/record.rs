//! The record: audits held and booked, management reviews, corrective actions and the
//! deviations the certification body accepted.

use std::borrow::Cow;

use super::*;

/// The most days an audit record may span, from its day to its `end`.
const MAX_AUDIT_SPAN_DAYS: u64 = 31;

impl Checker<'_> {
    pub(super) fn audits(&mut self, raw: Vec<Spanned<RawAudit>>, areas: &Ids, auditors: &Ids) -> Vec<AuditRecord> {
        let mut out: Vec<AuditRecord> = Vec::new();
        // Finding ids across the record: case-folded, by their place in `ids`.
        let mut finding_ids: (HashMap<Str, usize>, Vec<(String, Loc)>) = (HashMap::new(), Vec::new());
        for r in raw {
            let at = loc(&r);
            let r = r.value;
            let date = r.date.value.0;
            if r.areas.value.is_empty() {
                self.error(
                    Diagnostic::new(at, format!("audit `{date}` has no `areas`"))
                        .hint("name the areas the audit covered"),
                );
            }
            let mut record_areas: Vec<Str> = Vec::new();
            let mut named: HashSet<&str> = HashSet::new();
            for (k, a) in r.areas.value.iter().enumerate() {
                let id = a.trim();
                if let Some(known) = areas.find(id) {
                    if named.insert(known) {
                        record_areas.push(Str::from(known));
                    }
                } else if let Some(at) = self.item_error_at(&r.areas, k) {
                    self.unknown_ref(at, "area", id, &format!("in the audit of {date}"), areas);
                }
            }
            // An auditor id is kept as the register's `auditors` spells it.
            let mut auditor = r.auditor.as_ref().map(|a| a.value.trim().to_string());
            if let (Some(id), Some(a)) = (&auditor, &r.auditor) {
                match auditors.find(id) {
                    Some(known) => auditor = Some(known.to_string()),
                    None => self.unknown_ref(loc(a), "auditor", id, &format!("in the audit of {date}"), auditors),
                }
            }
            let auditor_org = self.note("`auditor_org`", r.auditor_org.as_deref(), at);
            let report = self.note("`report`", r.report.as_deref(), at);
            let findings = self.findings(r.findings, date, &record_areas, &mut finding_ids);
            let counted = r.nonconformities.map(|n| Nonconformities { major: n.major, minor: n.minor });
            let (nonconformities, observations) = match findings.is_empty() {
                true => (counted.unwrap_or_default(), r.observations.unwrap_or(0)),
                false => self.counted(&findings, date, at, counted, r.observations),
            };
            let end = r.end.as_ref().map(|e| e.value.0);
            if let (Some(last), Some(written)) = (end, &r.end) {
                // An area's audit takes days, not months: a longer span is a slip of the pen.
                let month = date.checked_add_days(chrono::Days::new(MAX_AUDIT_SPAN_DAYS)).unwrap_or(date);
                if last < date {
                    self.error(
                        Diagnostic::new(loc(written), format!("audit `{date}` ends `{last}`, before it begins"))
                            .hint("`end` is the last day of an audit of several days"),
                    );
                } else if last > month {
                    self.error(
                        Diagnostic::new(loc(written), format!("audit `{date}` ends `{last}`, more than a month later"))
                            .hint("record each visit of an audit held in parts as an audit of its own"),
                    );
                }
            }
            out.push(AuditRecord {
                date,
                end: end.filter(|e| *e > date),
                kind: r.kind.unwrap_or_default(),
                areas: record_areas,
                auditor,
                auditor_org,
                status: r.status,
                nonconformities,
                observations,
                findings,
                report,
                loc: at,
            });
        }
        // The record in date order, whatever the register's (equal dates in its order).
        out.sort_by_key(|a| a.date);
        out
    }

    /// The findings of the audit of `date` covering `areas`: ids unique across the record
    /// (`seen`), each in one of the audit's areas (the one, where it covers one), a known clause
    /// or control, and a text.
    fn findings(
        &mut self,
        raw: Option<Spanned<Vec<Spanned<RawFinding>>>>,
        date: NaiveDate,
        areas: &[Str],
        (seen, ids): &mut (HashMap<Str, usize>, Vec<(String, Loc)>),
    ) -> Vec<Finding> {
        let mut out = Vec::new();
        for f in raw.map(|list| list.value).unwrap_or_default() {
            let at = loc(&f);
            let f = f.value;
            let first = |k: usize| ids[k].clone();
            let Some(id) = self.new_id("finding", &f.id, seen, ids.len(), first) else { continue };
            ids.push((id.clone(), loc(&f.id)));
            let area = match &f.area {
                Some(a) => {
                    let written = a.value.trim();
                    let known = areas.iter().find(|x| same_id(x, written));
                    if known.is_none() && self.shown(loc(a)) {
                        self.error(
                            Diagnostic::new(
                                loc(a),
                                format!(
                                    "finding `{id}` is in area `{written}`, which the audit of {date} did not cover"
                                ),
                            )
                            .hint(format!("give one of its areas: {}", areas.join(", "))),
                        );
                    }
                    known.cloned()
                }
                None if areas.len() == 1 => areas.first().cloned(),
                None => {
                    self.error(
                        Diagnostic::new(at, format!("finding `{id}` does not say which area it is in"))
                            .hint(format!("the audit of {date} covered {}: give `area`", areas.join(", "))),
                    );
                    None
                }
            };
            let place = format!("the finding `{id}`");
            let clause = f.clause.as_ref().and_then(|c| self.clause(c, &place)).map(str::to_string);
            let control = f.control.as_ref().and_then(|c| self.control(c, &place)).map(str::to_string);
            let text = self.note("`text`", f.text.as_deref(), at);
            if text.is_none() {
                self.error(
                    Diagnostic::new(at, format!("finding `{id}` has no `text`"))
                        .hint("say in a sentence what was found, and against what requirement"),
                );
            }
            if let (Some(area), Some(text)) = (area, text) {
                out.push(Finding { id, kind: f.kind, area: area.into(), clause, control, text, loc: at });
            }
        }
        out
    }

    /// The counts that `findings` make; counts written beside them must agree.
    fn counted(
        &mut self,
        findings: &[Finding],
        date: NaiveDate,
        at: Loc,
        written: Option<Nonconformities>,
        observations: Option<u32>,
    ) -> (Nonconformities, u32) {
        let count = |k: &[FindingKind]| findings.iter().filter(|f| k.contains(&f.kind)).count() as u32;
        let found = Nonconformities { major: count(&[FindingKind::Major]), minor: count(&[FindingKind::Minor]) };
        let seen = count(&[FindingKind::Observation, FindingKind::Opportunity]);
        let nc = |n: Nonconformities| format!("{} major, {} minor", n.major, n.minor);
        if let Some(n) = written.filter(|n| *n != found) {
            self.error(
                Diagnostic::new(
                    at,
                    format!("the audit of {date} counts {} nonconformities, its findings {}", nc(n), nc(found)),
                )
                .hint("leave `nonconformities` out: the findings count them"),
            );
        }
        if let Some(n) = observations.filter(|n| *n != seen) {
            self.error(
                Diagnostic::new(at, format!("the audit of {date} counts {n} observations, its findings {seen}"))
                    .hint("leave `observations` out: the findings count them (observations and opportunities)"),
            );
        }
        (found, seen)
    }

    /// Reviews in date order, whatever the register's order; one review a day.
    pub(super) fn reviews(&mut self, raw: Vec<Spanned<RawReview>>) -> Vec<ReviewRecord> {
        let mut out: Vec<(ReviewRecord, Loc)> = (raw.iter())
            .map(|r| {
                let date = r.value.date.value.0;
                (ReviewRecord { date, loc: loc(r), status: r.value.status }, loc(&r.value.date))
            })
            .collect();
        out.sort_by_key(|(r, _)| r.date);
        for pair in out.windows(2) {
            // The sort is stable: of two on one day, the second is the later in the file.
            let ((first, earlier), (again, later)) = (&pair[0], &pair[1]);
            if again.date == first.date && self.shown(*later) {
                self.error(
                    Diagnostic::new(*later, format!("management review `{}` is recorded twice", again.date))
                        .hint(format!("remove one of them (the other is at line {})", earlier.line)),
                );
            }
        }
        out.into_iter().map(|(r, _)| r).collect()
    }

    pub(super) fn corrective_actions(
        &mut self,
        raw: Vec<Spanned<RawCorrectiveAction>>,
        areas: &Ids,
        audits: &[AuditRecord],
    ) -> Vec<CorrectiveAction> {
        let mut out: Vec<CorrectiveAction> = Vec::new();
        // Each id as written and where, by the index `seen` keeps (an action with an unknown
        // area is not kept, but its id is taken).
        let mut ids: Vec<(String, Loc)> = Vec::new();
        let mut seen: HashMap<Str, usize> = HashMap::new();
        // The findings by case-folded id, with their audit's day.
        let findings: HashMap<Cow<str>, (&Finding, NaiveDate)> =
            audits.iter().flat_map(|a| a.findings.iter().map(move |f| (folded(&f.id), (f, a.date)))).collect();
        // Those a corrective action may name, for a "did you mean".
        let nonconformities: Ids =
            (findings.values()).filter(|(f, _)| f.kind.severity().is_some()).map(|(f, _)| f.id.as_str()).collect();
        for c in raw {
            let at = loc(&c);
            let c = c.value;
            let first = |k: usize| ids[k].clone();
            let Some(id) = self.new_id("corrective action", &c.id, &mut seen, ids.len(), first) else { continue };
            ids.push((id.clone(), loc(&c.id)));
            let finding = match &c.finding {
                Some(f) => match findings.get(&folded(f.value.trim())) {
                    Some(found) => Some(*found),
                    None => {
                        let place = format!("in corrective action `{id}`");
                        self.unknown_ref(loc(f), "finding", f.value.trim(), &place, &nonconformities);
                        continue;
                    }
                },
                None => None,
            };
            let Some(area) = self.action_area(&c, &id, finding.map(|f| f.0), areas) else { continue };
            let Some(severity) = self.action_severity(&c, &id, finding.map(|f| f.0), at) else { continue };
            let Some(raised) = self.action_raised(&c, &id, finding, at) else { continue };
            let due = c.due.value.0;
            if due < raised {
                self.error(
                    Diagnostic::new(
                        loc(&c.due),
                        format!("corrective action `{id}` is due `{due}` before it was raised `{raised}`"),
                    )
                    .hint("`raised` is the day the nonconformity was found, `due` the agreed completion"),
                );
            }
            let revised = self.revisions(&c.revised, &id, raised);
            let closed = c.closed.as_ref().map(|d| d.value.0);
            if let (Some(day), Some(written)) = (closed, &c.closed)
                && day < raised
            {
                self.error(Diagnostic::new(
                    loc(written),
                    format!("corrective action `{id}` is closed `{day}` before it was raised `{raised}`"),
                ));
            }
            let verified = c.verified.as_ref().map(|d| d.value.0);
            if let (Some(day), Some(written)) = (verified, &c.verified)
                && closed.is_none_or(|closed| day < closed)
            {
                let d = match closed {
                    Some(closed) => Diagnostic::new(
                        loc(written),
                        format!("corrective action `{id}` is verified `{day}` before it was closed `{closed}`"),
                    ),
                    None => Diagnostic::new(
                        loc(written),
                        format!("corrective action `{id}` is verified `{day}` but not closed"),
                    ),
                };
                self.error(d.hint("effectiveness is verified once the action is taken: record `closed` first"));
            }
            let note = self.note("`note`", c.note.as_deref(), at);
            out.push(CorrectiveAction {
                id,
                area: area.to_string(),
                severity,
                finding: finding.map(|(f, _)| f.id.clone()),
                raised,
                due,
                revised,
                closed,
                verified,
                note,
                loc: at,
            });
        }
        out
    }

    /// A corrective action's severity: its finding's (which must be a nonconformity, and agree
    /// where `severity` is written), else as written (default minor).
    fn action_severity(
        &mut self,
        c: &RawCorrectiveAction,
        id: &str,
        finding: Option<&Finding>,
        at: Loc,
    ) -> Option<NonconformitySeverity> {
        Some(match (finding, &c.severity) {
            (Some(f), written) => {
                match (f.kind.severity(), written) {
                    (Some(s), Some(w)) if s != w.value => {
                        self.error(
                            Diagnostic::new(
                                loc(w),
                                format!(
                                    "corrective action `{id}` is `{}`, its finding `{}` `{}`",
                                    w.value.key(),
                                    f.id,
                                    s.key()
                                ),
                            )
                            .hint("leave `severity` out: the finding gives it"),
                        );
                        s
                    }
                    (Some(s), _) => s,
                    (None, _) => {
                        self.error(Diagnostic::new(
                            c.finding.as_ref().map_or(at, loc),
                            format!("corrective action `{id}` names finding `{}`, an {}, not a nonconformity", f.id, f.kind.key()),
                        ).hint("corrective actions answer nonconformities (major or minor); record improvements elsewhere"));
                        return None;
                    }
                }
            }
            (None, written) => written.as_ref().map_or(NonconformitySeverity::Minor, |w| w.value),
        })
    }

    /// The day a corrective action was raised: as written (not before its finding's audit),
    /// else its finding's audit's day.
    fn action_raised(
        &mut self,
        c: &RawCorrectiveAction,
        id: &str,
        finding: Option<(&Finding, NaiveDate)>,
        at: Loc,
    ) -> Option<NaiveDate> {
        Some(match (c.raised.as_ref(), finding) {
            (Some(r), Some((f, day))) if r.value.0 < day => {
                self.error(
                    Diagnostic::new(
                        loc(r),
                        format!(
                            "corrective action `{id}` is raised `{}`, before the audit of {day} found `{}`",
                            r.value.0, f.id
                        ),
                    )
                    .hint("leave `raised` out: it is the audit's day"),
                );
                day
            }
            (Some(r), _) => r.value.0,
            (None, Some((_, day))) => day,
            (None, None) => {
                self.error(
                    Diagnostic::new(at, format!("corrective action `{id}` has no `raised` day"))
                        .hint("give the day the nonconformity was found, or the `finding` it answers"),
                );
                return None;
            }
        })
    }

    /// A corrective action's area: as written (a known area, and its finding's where it names
    /// one), else its finding's.
    fn action_area<'i>(
        &mut self,
        c: &RawCorrectiveAction,
        id: &str,
        finding: Option<&Finding>,
        areas: &Ids<'i>,
    ) -> Option<&'i str> {
        match (&c.area, finding) {
            (Some(written), finding) => {
                let name = written.value.trim();
                let Some(area) = areas.find(name) else {
                    self.unknown_ref(loc(written), "area", name, &format!("in corrective action `{id}`"), areas);
                    return None;
                };
                if let Some(f) = finding.filter(|f| !same_id(&f.area, area)) {
                    self.error(
                        Diagnostic::new(
                            loc(written),
                            format!(
                                "corrective action `{id}` is in area `{name}`, its finding `{}` in `{}`",
                                f.id, f.area
                            ),
                        )
                        .hint("leave `area` out: the finding gives it"),
                    );
                }
                Some(area)
            }
            (None, Some(f)) => areas.find(&f.area),
            (None, None) => {
                self.error(
                    Diagnostic::new(loc(&c.id), format!("corrective action `{id}` names no `area`"))
                        .hint("give the area the nonconformity was found in, or the `finding` it answers"),
                );
                None
            }
        }
    }

    /// A corrective action's new due dates, each with its reason, none before it was raised.
    fn revisions(&mut self, raw: &[Spanned<RawRevision>], id: &str, raised: NaiveDate) -> Vec<Revision> {
        let mut out = Vec::new();
        for r in raw {
            let at = loc(r);
            let due = r.value.due.value.0;
            if due < raised {
                self.error(Diagnostic::new(
                    loc(&r.value.due),
                    format!("corrective action `{id}` is revised to be due `{due}`, before it was raised `{raised}`"),
                ));
            }
            match self.note("`reason`", r.value.reason.as_deref(), at) {
                Some(reason) => out.push(Revision { due, reason, loc: at }),
                None => self.error(
                    Diagnostic::new(
                        at,
                        format!("the new due date `{due}` of corrective action `{id}` has no `reason`"),
                    )
                    .hint("say why it was agreed, and by whom: an auditor will ask"),
                ),
            }
        }
        out
    }

    pub(super) fn accepted(&mut self, raw: Vec<Spanned<RawAcceptance>>, areas: &Ids) -> Vec<Acceptance> {
        let mut out = Vec::new();
        for a in raw {
            let at = loc(&a);
            let a = a.value;
            let written = a.code.value.trim();
            let code = match Code::from_key(written) {
                Some(code) if code.acceptable() => Some(code),
                Some(_) => {
                    self.error(
                        Diagnostic::new(loc(&a.code), format!("`{written}` cannot be accepted"))
                            .hint("it is about the acceptances themselves: renew or remove the acceptance"),
                    );
                    None
                }
                None if !self.shown(loc(&a.code)) => None,
                None => {
                    let keys = Code::ALL.iter().map(|c| c.key().to_string());
                    let d = Diagnostic::new(loc(&a.code), format!("unknown check code `{written}`"));
                    self.error(match catalogue::closest(written, keys) {
                        Some(close) => d.hint(format!("did you mean `{close}`?")),
                        None => d.hint("give the code `check` reported, e.g. `surveillance-late`"),
                    });
                    None
                }
            };
            let area = a.area.as_ref().and_then(|s| {
                let id = s.value.trim();
                let known = areas.find(id);
                if known.is_none() {
                    self.unknown_ref(loc(s), "area", id, "in an accepted deviation", areas);
                }
                known.map(str::to_string)
            });
            let control = a.control.as_ref().and_then(|c| self.control(c, "an accepted deviation"));
            let (reason, reference) =
                (self.note("`reason`", a.reason.as_deref(), at), self.note("`reference`", a.reference.as_deref(), at));
            for (key, value, what) in [
                ("reason", reason.is_none(), "why the certification body accepted it"),
                ("reference", reference.is_none(), "the certification body's letter, report or ticket"),
            ] {
                if value {
                    self.error(
                        Diagnostic::new(at, format!("accepted deviation `{written}` has no `{key}`"))
                            .hint(format!("give {what}")),
                    );
                }
            }
            if a.until.is_none() {
                let example = match code.and_then(Code::reported_until) {
                    Some(why) => format!("the certificate's expiry ({why})"),
                    None => "the next external audit".to_string(),
                };
                self.error(
                    Diagnostic::new(at, format!("accepted deviation `{written}` has no `until`"))
                        .hint(format!("give the last day the acceptance holds, e.g. {example}")),
                );
            }
            if let (Some(code), Some(reason), Some(reference), Some(until)) = (code, reason, reference, a.until) {
                let control = control.map(str::to_string);
                out.push(Acceptance { code, area, control, reason, reference, until: until.value.0, loc: at });
            }
        }
        out
    }
}
