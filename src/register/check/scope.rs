//! The scope's areas with their clauses and controls, the auditors, and the Statement of
//! Applicability's exclusions.

use std::borrow::Cow;

use super::*;

impl Checker<'_> {
    pub(super) fn scope(&mut self, raw: Spanned<Chunked<Spanned<RawArea>>>) -> Vec<Area> {
        if raw.value.is_empty() {
            self.error(
                Diagnostic::new(loc(&raw), "`scope` is empty")
                    .hint("list the areas of the ISMS scope: departments, processes, sites, systems"),
            );
        }
        let mut areas: Vec<Area> = Vec::with_capacity(raw.value.len());
        let mut seen: HashMap<Str, usize> = HashMap::with_capacity(raw.value.len());
        for a in raw.value {
            let at = loc(&a);
            let a = a.value;
            let first = |k: usize| (areas[k].id.to_string(), areas[k].loc);
            let Some(id) = self.new_id("area", &a.id, &mut seen, areas.len(), first) else { continue };
            let owner = self.person("`owner`", &a.owner.value, loc(&a.owner));
            if owner.is_empty() {
                self.error(
                    Diagnostic::new(loc(&a.owner), format!("area `{id}` has an empty `owner`"))
                        .hint("name the person accountable for the area"),
                );
            }
            let clauses = self.clauses(&id, a.clauses.as_deref());
            let controls = self.controls(&id, a.controls.as_deref());
            let since = a.since.as_ref().map(|s| s.value.0);
            let until = a.until.as_ref().map(|u| u.value.0);
            if let (Some(s), Some(u)) = (since, &a.until)
                && u.value.0 < s
            {
                self.error(
                    Diagnostic::new(
                        loc(u),
                        format!("area `{id}` leaves the scope `{}` before it joins it `{s}`", u.value.0),
                    )
                    .hint("`since` is the first day in the scope, `until` the last"),
                );
            }
            // (None where it is the id: `Area::name` gives the id then.)
            let name = (self.note("`name`", a.name.as_deref().map(|n| &**n), at))
                .filter(|n| **n != *id)
                .map(|n| Box::new(Str::from(&*n)));
            let team = a.team.iter().map(|t| Str::from(&*self.person("a `team` member", t, at))).collect();
            let site = a.site.as_ref().map(|s| self.person("`site`", &s.value, loc(s))).filter(|s| !s.is_empty());
            let audit_days =
                self.number("`audit_days`", a.audit_days.as_deref(), 1..=10, 1, "an audit is 1 to 10 days");
            let risk_history = self.risk_history(&id, &a.risk_history);
            areas.push(Area {
                name,
                id: Str::from(&*id),
                owner: Str::from(&*owner),
                team,
                risk: a.risk,
                clauses: clauses.into(),
                controls: controls.into(),
                since,
                until,
                site: site.map(|s| Box::new(Str::from(&*s))),
                audit_days,
                risk_history: risk_history.into(),
                method: a.method,
                loc: at,
            });
        }
        areas
    }

    /// An area's earlier risk levels, each up to its `until`, in date order.
    fn risk_history(&mut self, id: &str, list: &[Spanned<RawRiskPeriod>]) -> Vec<(NaiveDate, Risk)> {
        let mut out: Vec<(NaiveDate, Risk)> = Vec::with_capacity(list.len());
        for p in list {
            let until = p.value.until.value.0;
            if let Some(&(before, _)) = out.last().filter(|(before, _)| *before >= until) {
                self.error(
                    Diagnostic::new(
                        loc(&p.value.until),
                        format!(
                            "area `{id}`: `risk_history` entry until `{until}` is not after the one until `{before}`"
                        ),
                    )
                    .hint("list the earlier risk levels in date order, each with the last day it applied"),
                );
                continue;
            }
            out.push((until, p.value.risk));
        }
        out
    }

    /// An area's clauses, in catalogue form, deduplicated.
    pub(super) fn clauses(&mut self, id: &str, list: Option<&Spanned<Vec<Text<'_>>>>) -> Vec<Clause> {
        let mut out = Vec::new();
        let Some(list) = list else { return out };
        for (k, value) in list.value.iter().enumerate() {
            let written = value.trim();
            // The "did you mean" is looked for only for an error that is shown.
            let problem = match Clause::of(value) {
                Some(c) => {
                    if !out.contains(&c) {
                        out.push(c);
                    }
                    None
                }
                None => {
                    let Some(at) = self.item_error_at(list, k) else { continue };
                    let close = catalogue::canonical_clause(value).err().flatten();
                    Some(match catalogue::canonical_control(value) {
                        Ok(_) if written.starts_with("A.") => Diagnostic::new(
                            at,
                            format!("`{written}` in the clauses of area `{id}` is an Annex A control"),
                        )
                        .hint("list it under `controls`"),
                        Err(e @ UnknownControl::Edition2013 { .. }) if written.starts_with("A.") => {
                            edition_2013(at, value, &format!("the clauses of area `{id}`"), e)
                        }
                        _ => unknown(at, "clause", value, id, close, "clauses are ISO/IEC 27001:2022 4.1 ... 10.2"),
                    })
                }
            };
            if let Some(d) = problem {
                self.error(d);
            }
        }
        out
    }

    /// An area's controls, in catalogue form, deduplicated.
    pub(super) fn controls(&mut self, id: &str, list: Option<&Spanned<Vec<Text<'_>>>>) -> Vec<Control> {
        let mut out = Vec::new();
        let Some(list) = list else { return out };
        for (k, value) in list.value.iter().enumerate() {
            // Why an id is not a control (a suggestion, 2013 counterparts) is looked for only for
            // an error that is shown.
            let problem = match Control::of(value) {
                Some(c) => {
                    if !out.contains(&c) {
                        out.push(c);
                    }
                    None
                }
                None => {
                    let Some(at) = self.item_error_at(list, k) else { continue };
                    // Not a control, as just found.
                    let Err(e) = catalogue::canonical_control(value) else { continue };
                    Some(match e {
                        UnknownControl::Unknown(_) if catalogue::clause(value).is_some() => Diagnostic::new(
                            at,
                            format!(
                                "`{}` in the controls of area `{id}` is not an Annex A control but a clause",
                                value.trim()
                            ),
                        )
                        .hint("list it under `clauses` (controls are A.5.1 ... A.8.34)"),
                        e @ UnknownControl::Edition2013 { .. } => {
                            edition_2013(at, value, &format!("the controls of area `{id}`"), e)
                        }
                        UnknownControl::Unknown(close) => unknown(
                            at,
                            "control",
                            value,
                            id,
                            close,
                            "controls are ISO/IEC 27001:2022 Annex A, A.5.1 ... A.8.34",
                        ),
                    })
                }
            };
            if let Some(d) = problem {
                self.error(d);
            }
        }
        out
    }

    /// The people the register lists: ids unique, names and roles as text, e-mail addresses
    /// that look like one.
    pub(super) fn people(&mut self, raw: Vec<Spanned<RawPerson>>) -> Vec<Person> {
        let mut people: Vec<Person> = Vec::new();
        let mut seen: HashMap<Str, usize> = HashMap::with_capacity(raw.len());
        for p in raw {
            let at = loc(&p);
            let p = p.value;
            let first = |k: usize| (people[k].id.clone(), people[k].loc);
            let Some(id) = self.new_id("person", &p.id, &mut seen, people.len(), first) else { continue };
            let name = self.note("`name`", p.name.as_deref(), at);
            let role = self.note("`role`", p.role.as_deref(), at);
            let email = p.email.as_ref().and_then(|e| {
                let written = e.value.trim();
                // One `@` with something on both sides, a dot in the domain, no space or
                // control character: enough to catch a slip, not a validation of the address.
                let ok = written.split_once('@').is_some_and(|(user, domain)| {
                    !user.is_empty() && domain.contains('.') && !domain.contains('@') && !domain.starts_with('.')
                }) && !written.chars().any(|c| c.is_whitespace() || c.is_control());
                if !ok && self.shown(loc(e)) {
                    self.error(
                        Diagnostic::new(
                            loc(e),
                            format!("`{}` is not an e-mail address (person `{id}`)", visible(written)),
                        )
                        .hint("write it as name@example.org"),
                    );
                }
                ok.then(|| written.to_string())
            });
            people.push(Person { id, name, role, email, loc: at });
        }
        people
    }

    /// Where the register lists its people, an owner, team member or programme owner it does
    /// not list, with an id close to one it does, is a slip (independence turns on these ids:
    /// a misspelt owner could be given their own area to audit).
    pub(super) fn people_named(
        &mut self,
        people: &[Person],
        auditors: &[Auditor],
        scope: &[Area],
        owner: Option<(&str, Loc)>,
    ) {
        if people.is_empty() {
            return;
        }
        let known: HashSet<Cow<str>> =
            people.iter().map(|p| folded(&p.id)).chain(auditors.iter().map(|a| folded(&a.id))).collect();
        let ids = || people.iter().map(|p| p.id.as_str()).chain(auditors.iter().map(|a| a.id.as_str()));
        let named = scope.iter().flat_map(|a| {
            std::iter::once((a.owner.as_str(), "owner", a))
                .chain(a.team.iter().map(move |t| (t.as_str(), "team member", a)))
        });
        let mut slips: Vec<(Loc, String, String)> = Vec::new();
        for (id, what, area) in named {
            if known.contains(&folded(id)) {
                continue;
            }
            if let Some(close) = catalogue::closest(id, ids()) {
                slips.push((area.loc, format!("{what} `{id}` of area `{}` is not in `people`", area.id), close));
            }
        }
        if let Some((id, at)) = owner.filter(|(id, _)| !known.contains(&folded(id)))
            && let Some(close) = catalogue::closest(id, ids())
        {
            slips.push((at, format!("`programme.owner` `{id}` is not in `people`"), close));
        }
        for (at, message, close) in slips {
            let hint = format!(
                "did you mean `{close}`? People are compared by id, so a misspelt one is someone else; if it is, list them under `people`"
            );
            self.error(Diagnostic::new(at, message).hint(hint));
        }
    }

    pub(super) fn auditors(&mut self, raw: Vec<Spanned<RawAuditor>>, areas: &Ids, people: &[Person]) -> Vec<Auditor> {
        // Each person by case-folded id, for the auditors' names and roles.
        let by_id: HashMap<Cow<str>, &Person> = people.iter().map(|p| (folded(&p.id), p)).collect();
        let mut auditors: Vec<Auditor> = Vec::new();
        let mut seen: HashMap<Str, usize> = HashMap::with_capacity(raw.len());
        for a in raw {
            let at = loc(&a);
            let a = a.value;
            let first = |k: usize| (auditors[k].id.clone(), auditors[k].loc);
            let Some(id) = self.new_id("auditor", &a.id, &mut seen, auditors.len(), first) else { continue };
            let mut conflicts = Vec::new();
            if let Some(list) = &a.conflicts {
                for (k, c) in list.value.iter().enumerate() {
                    let area = c.trim();
                    if let Some(known) = areas.find(area) {
                        conflicts.push(known.to_string());
                    } else if let Some(at) = self.item_error_at(list, k) {
                        let place = format!("in the conflicts of auditor `{id}`");
                        self.unknown_ref(at, "area", area, &place, areas);
                    }
                }
            }
            let person = by_id.get(&folded(&id)).copied();
            let name = self.note("`name`", a.name.as_deref(), at).or_else(|| person.and_then(|p| p.name.clone()));
            let role = person.and_then(|p| p.role.clone());
            let (unavailable, _) = self.closures(a.unavailable, false);
            let max_days_per_round = a.max_days_per_round.as_ref().map(|v| {
                self.number(
                    "`max_days_per_round`",
                    Some(v),
                    1..=200,
                    1,
                    "the auditor's audit days in one round at most",
                )
            });
            let max_days_per_year = a.max_days_per_year.as_ref().map(|v| {
                self.number(
                    "`max_days_per_year`",
                    Some(v),
                    1..=366,
                    1,
                    "the auditor's audit days in a calendar year at most",
                )
            });
            let sites =
                a.sites.as_ref().map(|list| list.value.iter().map(|s| self.person("a site", s, loc(list))).collect());
            auditors.push(Auditor {
                id,
                name,
                role,
                conflicts,
                unavailable,
                max_days_per_round,
                max_days_per_year,
                sites,
                loc: at,
            });
        }
        auditors
    }

    pub(super) fn exclusions(&mut self, raw: Vec<Spanned<RawExclusion>>) -> Vec<Exclusion> {
        let mut out: Vec<Exclusion> = Vec::new();
        for e in raw {
            let at = loc(&e);
            let e = e.value;
            let Some(control) = self.control(&e.control, "the SoA exclusions") else { continue };
            let reason = self.note("`reason`", e.reason.as_deref(), at).unwrap_or_default();
            if reason.is_empty() {
                self.error(
                    Diagnostic::new(at, format!("exclusion of `{control}` has no `reason`"))
                        .hint("the Statement of Applicability must justify every exclusion"),
                );
                continue;
            }
            if out.iter().any(|x| x.control == control) {
                self.error(Diagnostic::new(loc(&e.control), format!("`{control}` is excluded twice")));
                continue;
            }
            out.push(Exclusion { control, reason, loc: at });
        }
        out
    }

    /// A control named outside an area (an exclusion, an acceptance), in its canonical form.
    /// A clause named in `place` (a finding), in catalogue form.
    pub(super) fn clause(&mut self, written: &Spanned<Text<'_>>, place: &str) -> Option<&'static str> {
        if let Some(c) = catalogue::clause(&written.value) {
            return Some(c);
        }
        if self.shown(loc(written)) {
            let close = catalogue::canonical_clause(&written.value).err().flatten();
            let rule = "clauses are ISO/IEC 27001:2022 4.1 ... 10.2 (Annex A controls go under `control`)";
            self.error(unknown(loc(written), "clause", &written.value, place, close, rule));
        }
        None
    }

    pub(super) fn control(&mut self, written: &Spanned<Text<'_>>, place: &str) -> Option<&'static str> {
        if let Some(c) = catalogue::control(&written.value) {
            return Some(c);
        }
        // Why it is not one is looked for only for an error that is shown.
        if !self.shown(loc(written)) {
            return None;
        }
        match catalogue::canonical_control(&written.value) {
            Ok(c) => Some(c),
            Err(e @ UnknownControl::Edition2013 { .. }) => {
                self.error(edition_2013(loc(written), &written.value, place, e));
                None
            }
            Err(UnknownControl::Unknown(close)) => {
                self.error(unknown(
                    loc(written),
                    "control",
                    &written.value,
                    place,
                    close,
                    "controls are ISO/IEC 27001:2022 Annex A, A.5.1 ... A.8.34",
                ));
                None
            }
        }
    }
}

/// An ISO/IEC 27001:2013 id where a 2022 control belongs: say which edition it is from and what
/// corresponds to it, never a 2022 control that merely looks alike.
fn edition_2013(at: Loc, written: &str, place: &str, e: UnknownControl) -> Diagnostic {
    let UnknownControl::Edition2013 { what, counterparts } = e else {
        return Diagnostic::new(at, format!("unknown control `{}` in {place}", written.trim()));
    };
    let written = written.trim();
    if counterparts.is_empty() {
        return Diagnostic::new(at, format!("`{written}` in {place} is not an ISO/IEC 27001:2022 control"))
            .hint("it has the shape of a 2013 id, but no 2013 control has it; controls are A.5.1 ... A.8.34");
    }
    let list = counterparts.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ");
    let one = counterparts.len() == 1;
    Diagnostic::new(at, format!("`{written}` in {place} is an ISO/IEC 27001:2013 {what}, not a 2022 control")).hint(
        format!(
            "its 2022 counterpart{} {} {list} (ISO/IEC 27002:2022 Annex B)",
            if one { "" } else { "s" },
            if one { "is" } else { "are" }
        ),
    )
}
