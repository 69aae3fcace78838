//! The record: audits held and booked, management reviews, corrective actions and the
//! deviations the certification body accepted.

use super::*;

impl Checker<'_> {
    pub(super) fn audits(&mut self, raw: Vec<Spanned<RawAudit>>, areas: &Ids, auditors: &Ids) -> Vec<AuditRecord> {
        let mut out: Vec<AuditRecord> = Vec::new();
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
            let mut record_areas: Vec<String> = Vec::new();
            let mut named: HashSet<&str> = HashSet::new();
            for (k, a) in r.areas.value.iter().enumerate() {
                let id = a.trim();
                if let Some(known) = areas.find(id) {
                    if named.insert(known) {
                        record_areas.push(known.to_string());
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
            let nonconformities = r
                .nonconformities
                .map_or_else(Nonconformities::default, |n| Nonconformities { major: n.major, minor: n.minor });
            out.push(AuditRecord {
                date,
                kind: r.kind.unwrap_or_default(),
                areas: record_areas,
                auditor,
                auditor_org,
                status: r.status,
                nonconformities,
                observations: r.observations.unwrap_or(0),
                loc: at,
            });
        }
        // The record in date order, whatever the register's (equal dates in its order).
        out.sort_by_key(|a| a.date);
        out
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
    ) -> Vec<CorrectiveAction> {
        let mut out: Vec<CorrectiveAction> = Vec::new();
        // Each id as written and where, by the index `seen` keeps (an action with an unknown
        // area is not kept, but its id is taken).
        let mut ids: Vec<(String, Loc)> = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        for c in raw {
            let at = loc(&c);
            let c = c.value;
            let first = |k: usize| ids[k].clone();
            let Some(id) = self.new_id("corrective action", &c.id, &mut seen, ids.len(), first) else { continue };
            ids.push((id.clone(), loc(&c.id)));
            let written = c.area.value.trim();
            let Some(area) = areas.find(written) else {
                self.unknown_ref(loc(&c.area), "area", written, &format!("in corrective action `{id}`"), areas);
                continue;
            };
            let (raised, due) = (c.raised.value.0, c.due.value.0);
            if due < raised {
                self.error(
                    Diagnostic::new(
                        loc(&c.due),
                        format!("corrective action `{id}` is due `{due}` before it was raised `{raised}`"),
                    )
                    .hint("`raised` is the day the nonconformity was found, `due` the agreed completion"),
                );
            }
            let closed = c.closed.as_ref().map(|d| d.value.0);
            if let (Some(day), Some(written)) = (closed, &c.closed)
                && day < raised
            {
                self.error(Diagnostic::new(
                    loc(written),
                    format!("corrective action `{id}` is closed `{day}` before it was raised `{raised}`"),
                ));
            }
            let note = self.note("`note`", c.note.as_deref(), at);
            out.push(CorrectiveAction {
                id,
                area: area.to_string(),
                severity: c.severity,
                raised,
                due,
                closed,
                note,
                loc: at,
            });
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
                self.error(
                    Diagnostic::new(at, format!("accepted deviation `{written}` has no `until`"))
                        .hint("give the last day the acceptance holds, e.g. the next external audit"),
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
