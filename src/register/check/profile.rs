//! The persons, sites and audit-time table: each number in range, one central function, and
//! every site named elsewhere (an area's, an auditor's, an external audit's) one of the sites
//! listed, where the register lists them.

use std::collections::HashMap;

use super::*;

/// The most bands an audit-time table may have (the published one has 22).
const MAX_BANDS: usize = 200;

impl Checker<'_> {
    /// Audit days as written (`3.5`), in tenths of a day.
    pub(super) fn days(&mut self, raw: Option<&Spanned<f64>>) -> Option<Tenths> {
        let v = raw?;
        let tenths = v.value * 10.0;
        if !(5.0..=10_000.0).contains(&tenths) || (tenths - tenths.round()).abs() > 1e-6 {
            self.error(
                Diagnostic::new(loc(v), format!("audit days `{}` are not 0.5 to 1000 in tenths of a day", v.value))
                    .hint("write the days as the certification body gives them, e.g. `3.5`"),
            );
            return None;
        }
        // In range and whole in tenths, checked above.
        Some(Tenths(tenths.round() as u32))
    }

    pub(super) fn profile(&mut self, raw: RawProfile<'_>, register: &mut Register) {
        let persons = raw.persons.as_ref().map(|p| {
            self.number(
                "`persons`",
                Some(p),
                1..=1_000_000,
                1,
                "persons are 1 to 1,000,000 (full-time equivalents in the scope)",
            )
        });
        let mut simple = Vec::new();
        for s in &raw.simple_activities {
            let activity = self.text("`activity`", &s.value.activity, loc(s));
            let n =
                self.number("`persons`", Some(&s.value.persons), 1..=1_000_000, 1, "a group is 1 to 1,000,000 persons");
            simple.push(SimpleActivity { activity, persons: n, loc: loc(s) });
        }
        let in_groups: u64 = simple.iter().map(|s| u64::from(s.persons)).sum();
        if let Some(first) = raw.simple_activities.first() {
            match persons {
                None => self.error(
                    Diagnostic::new(loc(first), "`simple_activities` without `persons`")
                        .hint("give `persons`, the whole scope's head count, of which the groups are a part"),
                ),
                Some(p) if in_groups > u64::from(p) => self.error(
                    Diagnostic::new(
                        loc(first),
                        format!("`simple_activities` count {in_groups} persons, more than `persons` ({p})"),
                    )
                    .hint("the groups are part of `persons`, the whole scope's head count"),
                ),
                Some(_) => {}
            }
        }
        let sites = self.sites(raw.sites);
        let audit_time = raw.audit_time.and_then(|t| self.audit_time(&t));
        let profile = Profile {
            persons,
            simple_activities: simple,
            site_sampling: raw.site_sampling.is_none_or(|s| s.value),
            sites,
            audit_time,
            loc: raw.persons.as_ref().map(loc).unwrap_or_default(),
        };
        self.sites_named(&profile, register);
        register.profile = profile;
    }

    fn sites(&mut self, raw: Vec<Spanned<RawSite<'_>>>) -> Vec<Site> {
        let mut sites: Vec<Site> = Vec::new();
        let mut seen: HashMap<Str, usize> = HashMap::new();
        let first_at = raw.first().map(loc);
        for s in raw {
            let at = loc(&s);
            let first = |k: usize| (sites[k].id.clone(), sites[k].loc);
            let Some(id) = self.new_id("site", &s.value.id, &mut seen, sites.len(), first) else { continue };
            let name = self.note("`name`", s.value.name.as_deref(), at).unwrap_or_else(|| id.clone());
            let (closed, closed_yearly) = self.closures(s.value.closed, true);
            sites.push(Site { id, name, central: s.value.central, closed, closed_yearly, loc: at });
        }
        let central: Vec<&Site> = sites.iter().filter(|s| s.central).collect();
        match (central.as_slice(), first_at) {
            ([], Some(first)) => {
                self.error(Diagnostic::new(first, "no site is marked `central: true`").hint(
                    "mark the site where the ISMS is managed (the central function, IAF MD 1) with `central: true`",
                ))
            }
            ([_, second, ..], _) => self.error(
                Diagnostic::new(second.loc, format!("site `{}` is a second central function", second.id))
                    .hint("one site is the central function, where the ISMS is managed"),
            ),
            _ => {}
        }
        sites
    }

    fn audit_time(&mut self, raw: &RawAuditTime<'_>) -> Option<AuditTimeTable> {
        let source = self.text("`audit_time.source`", &raw.source.value, loc(&raw.source));
        if source.is_empty() {
            self.error(
                Diagnostic::new(loc(&raw.source), "`audit_time.source` is empty")
                    .hint("say where the table comes from: the certification body's rules or quote"),
            );
        }
        let rows = &raw.table.value;
        if rows.is_empty() || rows.len() > MAX_BANDS {
            self.error(
                Diagnostic::new(loc(&raw.table), format!("`audit_time.table` has {} bands", rows.len()))
                    .hint(format!("give 1 to {MAX_BANDS} bands, each `{{persons: N, days: D}}`")),
            );
            return None;
        }
        let mut bands: Vec<(u32, Tenths)> = Vec::with_capacity(rows.len());
        for row in rows {
            let days = self.days(Some(&row.value.days))?;
            let persons = row.value.persons.value;
            if let Some(&(before, _)) = bands.last()
                && persons <= before
            {
                self.error(
                    Diagnostic::new(
                        loc(&row.value.persons),
                        format!("band of {persons} persons after one of {before}"),
                    )
                    .hint("list the bands by `persons` increasing, each the most persons in it"),
                );
                return None;
            }
            bands.push((persons, days));
        }
        Some(AuditTimeTable { source, bands, loc: loc(&raw.table) })
    }

    /// Where sites are listed, every site named elsewhere is one of them.
    fn sites_named(&mut self, profile: &Profile, register: &Register) {
        let c = &register.certification;
        if profile.sites.is_empty() {
            // Sites visited name the sites listed: without a list, they name nothing.
            if let Some(r) = c.surveillance.iter().chain(&c.recertification).find(|r| !r.sites.is_empty()) {
                self.error(
                    Diagnostic::new(
                        r.loc,
                        format!(
                            "the audit of {} names the sites it visited, but the register lists no `sites`",
                            r.date
                        ),
                    )
                    .hint("list the organisation's sites under `sites:`, one of them `central: true`"),
                );
            }
            return;
        }
        let ids: Vec<&str> = profile.sites.iter().map(|s| s.id.as_str()).collect();
        let mut unknown = |what: String, site: &str, at: Loc| {
            if ids.iter().any(|s| same_id(s, site)) {
                return;
            }
            let hint = match catalogue::closest(site, ids.iter().copied()) {
                Some(close) => format!("did you mean `{close}`? Sites are the ids in `sites`"),
                None => format!("sites are the ids in `sites`: {}", ids.join(", ")),
            };
            self.error(
                Diagnostic::new(at, format!("{what} names site `{site}`, which `sites` does not list")).hint(hint),
            );
        };
        for a in &register.scope {
            if let Some(site) = &a.site {
                unknown(format!("area `{}`", a.id), site, a.loc);
            }
        }
        for a in &register.auditors {
            for site in a.sites.iter().flatten() {
                unknown(format!("auditor `{}`", a.id), site, a.loc);
            }
        }
        for r in c.surveillance.iter().chain(&c.recertification) {
            for site in &r.sites {
                unknown(format!("the audit of {}", r.date), site, r.loc);
            }
        }
    }
}

/// The register's keys for the profile, as read.
pub(super) struct RawProfile<'a> {
    pub persons: Option<Spanned<u32>>,
    pub simple_activities: Vec<Spanned<RawSimpleActivity<'a>>>,
    pub sites: Vec<Spanned<RawSite<'a>>>,
    pub site_sampling: Option<Spanned<bool>>,
    pub audit_time: Option<RawAuditTime<'a>>,
}
