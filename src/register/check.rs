//! Validation: the register as written ([`super::raw`]) checked into a [`Register`], every
//! problem collected as a located [`Diagnostic`].

use std::cell::OnceCell;
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::ops::RangeInclusive;

use chrono::NaiveDate;
use serde_saphyr::Spanned;

use super::raw::*;
use super::*;
use crate::calendar::{Calendar, MIN_OPEN_DAYS_A_YEAR};
use crate::catalogue::{self, UnknownControl};
use crate::diagnostic::{Errors, thousands};
use crate::settings::{Blackout, Settings, YearlyBlackout};
use crate::text::{hidden, shortened, visible};

/// The longest id of an area, an auditor or a person, in characters.
pub const MAX_ID_CHARS: usize = 100;

/// The longest free text (a name, a note, a reason), in characters.
pub const MAX_TEXT_CHARS: usize = 500;

/// The most entries each list of a register may hold: far beyond any ISMS (the largest have a
/// few thousand scope areas), and low enough that planning and checking the largest register
/// allowed take seconds, not minutes (a million areas took 40 s and 3 GiB).
pub const LIMITS: [(&str, usize); 9] = [
    ("areas in `scope`", 100_000),
    ("`auditors`", 10_000),
    ("audit records in `audits`", 500_000),
    ("management reviews in `reviews`", 10_000),
    ("`accepted` deviations", 100_000),
    ("`corrective_actions`", 500_000),
    ("dates in each `certification` list", 1_000),
    ("`settings.blackout` periods", 10_000),
    ("`unavailable` periods of one auditor", 1_000),
];

/// The first list longer than its limit, reported at its first entry beyond the limit; every
/// other check waits, so an oversized register costs no more than its reading.
fn over_limit(raw: &RawRegister) -> Option<Diagnostic> {
    let cert = &raw.certification.value;
    let lists: [Vec<(usize, Loc)>; 9] = [
        vec![list_at(&raw.scope.value, LIMITS[0].1)],
        vec![list_at(&raw.auditors, LIMITS[1].1)],
        vec![list_at(&raw.audits, LIMITS[2].1)],
        vec![list_at(&raw.reviews, LIMITS[3].1)],
        vec![list_at(&raw.accepted, LIMITS[4].1)],
        vec![list_at(&raw.corrective_actions, LIMITS[5].1)],
        vec![
            list_at(&cert.surveillance, LIMITS[6].1),
            list_at(&cert.recertification, LIMITS[6].1),
            list_at(&cert.special, LIMITS[6].1),
            list_at(&cert.restart, LIMITS[6].1),
        ],
        vec![raw.settings.as_ref().map_or((0, Loc::default()), |s| list_at(&s.blackout, LIMITS[7].1))],
        raw.auditors.iter().map(|a| list_at(&a.value.unavailable, LIMITS[8].1)).collect(),
    ];
    for ((what, limit), found) in LIMITS.iter().zip(lists) {
        if let Some(&(n, at)) = found.iter().find(|(n, _)| n > limit) {
            return Some(
                Diagnostic::new(
                    at,
                    format!("the register lists {} {what}; at most {} are read", thousands(n), thousands(*limit)),
                )
                .hint("check that this file is the register; the limits are in the README"),
            );
        }
    }
    None
}

/// A list's length, and where its first entry beyond `limit` is written.
fn list_at<T>(list: &[Spanned<T>], limit: usize) -> (usize, Loc) {
    (list.len(), list.get(limit).map(loc).unwrap_or_default())
}

pub(super) fn check(file: &str, raw: RawRegister, text: &str) -> Result<Register, InputError> {
    if let Some(d) = over_limit(&raw) {
        return Err(InputError::one(file, d));
    }
    let mut checker = Checker { errors: Errors::new(), locator: Locator::new(text), suggestions: 0 };
    let register = checker.register(file, raw);
    if checker.errors.is_empty() { Ok(register) } else { Err(checker.errors.into_error(file)) }
}

struct Checker<'t> {
    /// The first errors in file order, and how many there are in all.
    errors: Errors,
    locator: Locator<'t>,
    /// "Did you mean" hints given so far.
    suggestions: usize,
}

/// The most "did you mean" hints for unknown ids one register gets.
const MAX_SUGGESTIONS: usize = 50;

impl Checker<'_> {
    fn error(&mut self, d: Diagnostic) {
        self.errors.push(d);
    }

    /// Whether an error at `at` (or after it) would be shown; if not, it is counted, and the
    /// caller spends nothing more on it.
    fn shown(&mut self, at: impl Into<Option<Loc>>) -> bool {
        let shown = self.errors.wants(at);
        if !shown {
            self.errors.skip();
        }
        shown
    }

    /// Where item `k` of `list` is written, for an error about it; `None` when the error would
    /// not be shown (it is counted): an item is never before its list, so the list's place
    /// answers that without looking for the item.
    fn item_error_at(&mut self, list: &Spanned<Vec<Text<'_>>>, k: usize) -> Option<Loc> {
        if !self.errors.wants(loc(list)) {
            self.errors.skip();
            return None;
        }
        let at = self.locator.item(list, k);
        self.shown(at).then_some(at)
    }

    /// An id that names no known area or auditor, with a "did you mean" for the first few (a
    /// suggestion compares with many ids: a register full of typos must not take long).
    fn unknown_ref(&mut self, at: Loc, what: &str, id: &str, place: &str, known: &Ids) {
        if !self.shown(at) {
            return;
        }
        let d = Diagnostic::new(at, format!("unknown {what} `{id}` {place}"));
        let close =
            (self.suggestions < MAX_SUGGESTIONS).then(|| catalogue::closest(id, known.in_order().iter())).flatten();
        self.suggestions += 1;
        self.error(match close {
            Some(c) => d.hint(format!("did you mean `{c}`?")),
            None if what == "auditor" => {
                d.hint("add them to `auditors`, or leave `auditor` out and name the firm with `auditor_org`")
            }
            None => d.hint(format!("no {what} has that id")),
        });
    }

    /// Free text from the register, trimmed, with control characters shown as escapes (it
    /// reaches terminals and CI logs); an error beyond the length limit.
    fn text(&mut self, what: &str, raw: &str, at: Loc) -> String {
        self.bounded(what, raw, at, MAX_TEXT_CHARS)
    }

    /// A person's id (an owner, a team member), held like free text, up to an id's length.
    fn person(&mut self, what: &str, raw: &str, at: Loc) -> String {
        self.bounded(what, raw, at, MAX_ID_CHARS)
    }

    fn bounded(&mut self, what: &str, raw: &str, at: Loc, max: usize) -> String {
        let t = raw.trim();
        // Characters are counted only where the bytes could be too many (never fewer).
        let n = if t.len() > max { t.chars().count() } else { t.len() };
        if n > max {
            self.error(
                Diagnostic::new(at, format!("{what} is {n} characters long: `{}`", shortened(t, 40)))
                    .hint(format!("keep it to {max} characters")),
            );
        }
        visible(t).into_owned()
    }

    /// A whole number in `range`, or `default` where not given.
    fn number(
        &mut self,
        what: &str,
        raw: Option<&Spanned<u32>>,
        range: RangeInclusive<u32>,
        default: u32,
        why: &str,
    ) -> u32 {
        match raw {
            Some(v) if range.contains(&v.value) => v.value,
            Some(v) => {
                let (lo, hi) = range.into_inner();
                self.error(Diagnostic::new(loc(v), format!("{what} is {}, outside {lo} to {hi}", v.value)).hint(why));
                default
            }
            None => default,
        }
    }

    /// Optional free text: none when empty.
    fn note(&mut self, what: &str, raw: Option<&str>, at: Loc) -> Option<String> {
        raw.map(|t| self.text(what, t, at)).filter(|t| !t.is_empty())
    }

    fn register(&mut self, file: &str, raw: RawRegister) -> Register {
        let organisation = self.text("`organisation`", &raw.organisation.value, loc(&raw.organisation));
        if organisation.is_empty() {
            self.error(
                Diagnostic::new(loc(&raw.organisation), "`organisation` is empty")
                    .hint("name the organisation the ISMS belongs to"),
            );
        }
        let id =
            raw.id.filter(|id| self.id_ok("register", id.value.trim(), loc(id))).map(|id| id.value.trim().to_string());
        let (settings, workdays_loc) = self.settings(raw.settings);
        let certification = self.certification(raw.certification);
        let scope = self.scope(raw.scope);
        let area_ids: Ids = scope.iter().map(|a| a.id.as_str()).collect();
        let auditors = self.auditors(raw.auditors, &area_ids);
        let auditor_ids: Ids = auditors.iter().map(|a| a.id.as_str()).collect();
        let exclusions = self.exclusions(raw.soa.map(|s| s.excluded).unwrap_or_default());
        let audits = self.audits(raw.audits, &area_ids, &auditor_ids);
        let reviews = self.reviews(raw.reviews);
        let accepted = self.accepted(raw.accepted, &area_ids);
        let corrective_actions = self.corrective_actions(raw.corrective_actions, &area_ids);
        let reports_to = match raw.programme.as_ref().and_then(|p| p.reports_to.as_ref()) {
            Some(list) => (list.value.iter())
                .map(|r| self.text("a `reports_to` entry", r, loc(list)))
                .filter(|r| !r.is_empty())
                .collect(),
            None => Vec::new(),
        };
        let programme_owner = raw.programme.and_then(|p| p.owner).and_then(|o| {
            let owner = self.person("`programme.owner`", &o.value, loc(&o));
            if owner.is_empty() {
                self.error(
                    Diagnostic::new(loc(&o), "`programme.owner` is empty")
                        .hint("name the person who manages the internal-audit programme, or leave the key out"),
                );
            }
            (!owner.is_empty()).then_some(owner)
        });
        let register = Register {
            file: file.to_string(),
            organisation,
            id,
            certification,
            settings,
            programme_owner,
            reports_to,
            auditors,
            scope,
            exclusions,
            audits,
            reviews,
            accepted,
            corrective_actions,
        };
        self.room_for_a_programme(&register.settings, workdays_loc, horizon(&register));
        register
    }

    /// The settings, and where the register gives its workdays.
    fn settings(&mut self, raw: Option<RawSettings>) -> (Settings, Option<Loc>) {
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
    /// the years a plan of the register can reach (`first` to `last`), however the closures are
    /// cut up.
    fn room_for_a_programme(&mut self, s: &Settings, workdays_loc: Option<Loc>, (first, last): (NaiveDate, NaiveDate)) {
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
    fn closures(&mut self, raw: Vec<Spanned<RawBlackout>>, yearly: bool) -> (Vec<Blackout>, Vec<YearlyBlackout>) {
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

    fn certification(&mut self, raw: Spanned<RawCertification>) -> Certification {
        let at = loc(&raw);
        let raw = raw.value;
        let c = Certification {
            stage1: raw.stage1.as_ref().map(dated),
            stage2: raw.stage2.as_ref().map(dated),
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
            loc: at,
        };
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
    fn recertification(&mut self, r: &Spanned<DateOr<RawRecertification>>) -> ExternalRecord {
        match &r.value {
            DateOr::Date(d) => ExternalRecord { date: d.0, visits: vec![], decision: None, note: None, loc: loc(r) },
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
                ExternalRecord { decision: f.decision.as_ref().map(|d| d.value.0), ..record }
            }
        }
    }

    /// The certification body's audits in date order, each after the initial decision, and the
    /// printed expiry after it too.
    fn history_in_order(&mut self, c: &Certification) {
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
            let records = (c.surveillance.iter().chain(&c.recertification).map(|r| (r.date, r.loc)))
                .chain(c.special.iter().map(|s| (s.date, s.loc)));
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

    /// Each restart gives a date, and comes after the certification before it.
    fn restarts_in_order(&mut self, c: &Certification) {
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
    fn initial_audit(&mut self, stage1: Option<Dated>, stage2: Option<Dated>, decision: Option<Dated>) {
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
    fn surveillance(&mut self, raw: &Spanned<DateOr<RawExternal>>) -> ExternalRecord {
        match &raw.value {
            DateOr::Date(d) => ExternalRecord { date: d.0, visits: vec![], decision: None, note: None, loc: loc(raw) },
            DateOr::Full(f) => {
                let note = self.note("`note`", f.note.as_deref(), loc(raw));
                self.visits(f.date.value.0, &f.visits, note, loc(raw))
            }
        }
    }

    /// Further visits of a split audit follow its first day and each other.
    fn visits(&mut self, date: NaiveDate, visits: &[Spanned<Date>], note: Option<String>, at: Loc) -> ExternalRecord {
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
        ExternalRecord { date, visits: visits.iter().map(|v| v.value.0).collect(), decision: None, note, loc: at }
    }

    /// Records must be listed in date order, so a misplaced or mistyped date stands out.
    fn in_order(&mut self, what: &str, dates: &[Dated]) {
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

    fn scope(&mut self, raw: Spanned<Vec<Spanned<RawArea>>>) -> Vec<Area> {
        if raw.value.is_empty() {
            self.error(
                Diagnostic::new(loc(&raw), "`scope` is empty")
                    .hint("list the areas of the ISMS scope: departments, processes, sites, systems"),
            );
        }
        let mut areas: Vec<Area> = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::with_capacity(raw.value.len());
        for a in raw.value {
            let at = loc(&a);
            let a = a.value;
            let id = a.id.value.trim().to_string();
            if !self.id_ok("area", &id, loc(&a.id)) {
                continue;
            }
            if let Some(first) = earlier(&mut seen, &id, areas.len()) {
                let first: &Area = &areas[first];
                self.error(duplicate(loc(&a.id), "area", &id, &first.id, first.loc));
                continue;
            }
            let owner = self.person("`owner`", &a.owner.value, loc(&a.owner));
            if owner.is_empty() {
                self.error(
                    Diagnostic::new(loc(&a.owner), format!("area `{id}` has an empty `owner`"))
                        .hint("name the person accountable for the area"),
                );
            }
            let clauses = self.clauses(&id, a.clauses.as_ref());
            let controls = self.controls(&id, a.controls.as_ref());
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
            let name = self.note("`name`", a.name.as_deref(), at).unwrap_or_else(|| id.clone());
            let team = a.team.iter().map(|t| self.person("a `team` member", t, at)).collect();
            let site = a.site.as_ref().map(|s| self.person("`site`", &s.value, loc(s))).filter(|s| !s.is_empty());
            let audit_days = self.number("`audit_days`", a.audit_days.as_ref(), 1..=10, 1, "an audit is 1 to 10 days");
            areas.push(Area {
                name,
                id,
                owner,
                team,
                risk: a.risk,
                clauses,
                controls,
                since,
                until,
                site,
                audit_days,
                method: a.method,
                loc: at,
            });
        }
        areas
    }

    /// An area's clauses, in catalogue form, deduplicated.
    fn clauses(&mut self, id: &str, list: Option<&Spanned<Vec<Text<'_>>>>) -> Vec<&'static str> {
        let mut out = Vec::new();
        let Some(list) = list else { return out };
        for (k, value) in list.value.iter().enumerate() {
            let written = value.trim();
            // The "did you mean" is looked for only for an error that is shown.
            let problem = match catalogue::clause(value) {
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
    fn controls(&mut self, id: &str, list: Option<&Spanned<Vec<Text<'_>>>>) -> Vec<&'static str> {
        let mut out = Vec::new();
        let Some(list) = list else { return out };
        for (k, value) in list.value.iter().enumerate() {
            // Why an id is not a control (a suggestion, 2013 counterparts) is looked for only for
            // an error that is shown.
            let problem = match catalogue::control(value) {
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

    fn id_ok(&mut self, what: &str, id: &str, at: Loc) -> bool {
        let n = id.chars().count();
        if n > MAX_ID_CHARS {
            self.error(
                Diagnostic::new(at, format!("{what} id `{}` is {n} characters long", shortened(id, 40)))
                    .hint(format!("ids are at most {MAX_ID_CHARS} characters")),
            );
            return false;
        }
        // (A Hangul filler counts as a letter but draws nothing: ids that look alike are alike.)
        let ok = !id.is_empty() && id.chars().all(|c| (c.is_alphanumeric() && !hidden(c)) || "-_.".contains(c));
        if !ok {
            self.error(
                Diagnostic::new(at, format!("invalid {what} id `{id}`"))
                    .hint("use letters, digits, `-`, `_` or `.`, e.g. `it-ops`"),
            );
        }
        ok
    }

    fn auditors(&mut self, raw: Vec<Spanned<RawAuditor>>, areas: &Ids) -> Vec<Auditor> {
        let mut auditors: Vec<Auditor> = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::with_capacity(raw.len());
        for a in raw {
            let at = loc(&a);
            let a = a.value;
            let id = a.id.value.trim().to_string();
            if !self.id_ok("auditor", &id, loc(&a.id)) {
                continue;
            }
            if let Some(first) = earlier(&mut seen, &id, auditors.len()) {
                let first: &Auditor = &auditors[first];
                self.error(duplicate(loc(&a.id), "auditor", &id, &first.id, first.loc));
                continue;
            }
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
            let name = self.note("`name`", a.name.as_deref(), at);
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

    fn exclusions(&mut self, raw: Vec<Spanned<RawExclusion>>) -> Vec<Exclusion> {
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
    fn control(&mut self, written: &Spanned<Text<'_>>, place: &str) -> Option<&'static str> {
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

    fn audits(&mut self, raw: Vec<Spanned<RawAudit>>, areas: &Ids, auditors: &Ids) -> Vec<AuditRecord> {
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
    fn reviews(&mut self, raw: Vec<Spanned<RawReview>>) -> Vec<ReviewRecord> {
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

    fn corrective_actions(&mut self, raw: Vec<Spanned<RawCorrectiveAction>>, areas: &Ids) -> Vec<CorrectiveAction> {
        let mut out: Vec<CorrectiveAction> = Vec::new();
        let mut seen: HashMap<String, Loc> = HashMap::new();
        for c in raw {
            let at = loc(&c);
            let c = c.value;
            let id = c.id.value.trim().to_string();
            if !self.id_ok("corrective action", &id, loc(&c.id)) {
                continue;
            }
            if let Some(first) = earlier(&mut seen, &id, loc(&c.id)) {
                self.error(duplicate(loc(&c.id), "corrective action", &id, &id, first));
                continue;
            }
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

    fn accepted(&mut self, raw: Vec<Spanned<RawAcceptance>>, areas: &Ids) -> Vec<Acceptance> {
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
    let records = (register.audits.iter().map(|a| a.date))
        .chain(register.reviews.iter().map(|r| r.date))
        .chain(register.corrective_actions.iter().flat_map(|ca| [Some(ca.raised), Some(ca.due), ca.closed]).flatten());
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

fn dated(s: &Spanned<Date>) -> Dated {
    Dated { date: s.value.0, loc: loc(s) }
}

fn unknown(at: Loc, what: &str, written: &str, whose: &str, close: Option<String>, rule: &str) -> Diagnostic {
    let place = if whose.starts_with("the ") || whose.starts_with("an ") {
        whose.to_string()
    } else {
        format!("area `{whose}`")
    };
    let d = Diagnostic::new(at, format!("unknown {what} `{}` in {place}", written.trim()));
    match close {
        Some(c) => d.hint(format!("did you mean `{c}`?")),
        None => d.hint(rule.to_string()),
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

/// Known ids by their case-folded form (see [`same_id`]), each as the register spells it; for
/// "did you mean", the same ids in case-folded order, listed when first needed.
#[derive(Default)]
struct Ids<'a> {
    by_fold: HashMap<Cow<'a, str>, &'a str>,
    in_order: OnceCell<Vec<&'a str>>,
}

impl<'a> FromIterator<&'a str> for Ids<'a> {
    fn from_iter<I: IntoIterator<Item = &'a str>>(ids: I) -> Self {
        Ids { by_fold: ids.into_iter().map(|id| (folded(id), id)).collect(), in_order: OnceCell::new() }
    }
}

impl<'a> Ids<'a> {
    /// The known id that `id` names, compared without case.
    fn find(&self, id: &str) -> Option<&'a str> {
        self.by_fold.get(&*folded(id)).copied()
    }

    /// In case-folded order, so that of two ids as close the same one is suggested every time;
    /// sorted once, however many suggestions are asked.
    fn in_order(&self) -> &[&'a str] {
        self.in_order.get_or_init(|| {
            let mut ids: Vec<(&Cow<'a, str>, &&'a str)> = self.by_fold.iter().collect();
            ids.sort_unstable();
            ids.into_iter().map(|(_, id)| *id).collect()
        })
    }
}

/// The place of an earlier id that `id` repeats (compared without case), or `None` after
/// noting `id` at place `next`.
fn earlier<T: Copy>(seen: &mut HashMap<String, T>, id: &str, next: T) -> Option<T> {
    match seen.entry(folded(id).into_owned()) {
        Entry::Occupied(first) => Some(*first.get()),
        Entry::Vacant(slot) => {
            slot.insert(next);
            None
        }
    }
}

fn duplicate(at: Loc, what: &str, id: &str, first: &str, first_at: Loc) -> Diagnostic {
    let d = Diagnostic::new(at, format!("duplicate {what} id `{id}`"));
    if id == first {
        d.hint(format!("first defined at line {}", first_at.line))
    } else {
        d.hint(format!("`{first}` at line {} is the same id: ids are compared without case", first_at.line))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_saphyr::Location;

    fn spanned<T>(value: T) -> Spanned<T> {
        Spanned::new(value, Location::UNKNOWN, Location::UNKNOWN)
    }

    /// An audit record naming 50,000 areas, each twice (the second time in capitals): each is
    /// kept once, as the scope spells it, in the order named, found in a set rather than in
    /// the list kept so far (over a billion comparisons before).
    #[test]
    fn an_audit_naming_many_areas_keeps_each_once() {
        let ids: Vec<String> = (0..50_000).map(|i| format!("a{i}")).collect();
        let areas: Ids = ids.iter().map(String::as_str).collect();
        let named: Vec<Text> =
            ids.iter().cloned().chain(ids.iter().map(|id| id.to_uppercase())).map(|id| Text(id.into())).collect();
        let date = Date(NaiveDate::from_ymd_opt(2025, 3, 3).unwrap());
        let record = RawAudit {
            date: spanned(date),
            areas: spanned(named),
            auditor: None,
            auditor_org: None,
            status: None,
            nonconformities: None,
            observations: None,
        };
        let mut checker = Checker { errors: Errors::new(), locator: Locator::new(""), suggestions: 0 };
        let audits = checker.audits(vec![spanned(record)], &areas, &Ids::default());
        assert!(checker.errors.is_empty());
        assert_eq!(audits[0].areas, ids);
    }
}
