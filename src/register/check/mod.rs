//! Validation: the register as written ([`super::raw`]) checked into a [`Register`], every
//! problem collected as a located [`Diagnostic`]. The checks follow the register's sections:
//! `settings`, `certification`, `scope` (areas, auditors, the Statement of Applicability) and
//! `record` (audits, reviews, corrective actions, accepted deviations).

mod certification;
mod profile;
mod record;
mod scope;
mod settings;

use std::cell::OnceCell;
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::ops::RangeInclusive;

use super::yaml::{Chunked, Spanned};
use chrono::NaiveDate;

use super::raw::*;
use super::yaml::{Locator, loc};
use super::*;
use crate::calendar::{Calendar, MIN_OPEN_DAYS_A_YEAR};
use crate::catalogue::{self, UnknownControl};
use crate::diagnostic::{Errors, thousands};
use crate::settings::{Blackout, Settings, YearlyBlackout};
use crate::text::{hidden, shortened, visible};

/// The longest id of an area, an auditor or a person, in characters.
pub(crate) const MAX_ID_CHARS: usize = 100;

/// The longest free text (a name, a note, a reason), in characters.
pub(crate) const MAX_TEXT_CHARS: usize = 500;

/// The most entries each list of a register may hold: far beyond any ISMS (the largest have a
/// few thousand scope areas), and low enough that planning and checking the largest register
/// allowed take seconds, not minutes (a million areas took 40 s and 3 GiB).
pub(crate) const LIMITS: [(&str, usize); 9] = [
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
        vec![(raw.scope.value.len(), raw.scope.value.get(LIMITS[0].1).map(loc).unwrap_or_default())],
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
        let people = self.people(raw.people);
        let auditors = self.auditors(raw.auditors, &area_ids, &people);
        let auditor_ids: Ids = auditors.iter().map(|a| a.id.as_str()).collect();
        let exclusions = self.exclusions(raw.soa.map(|s| s.excluded).unwrap_or_default());
        let audits = self.audits(raw.audits, &area_ids, &auditor_ids);
        let reviews = self.reviews(raw.reviews);
        let accepted = self.accepted(raw.accepted, &area_ids);
        let corrective_actions = self.corrective_actions(raw.corrective_actions, &area_ids, &audits);
        let reports_to = match raw.programme.as_ref().and_then(|p| p.reports_to.as_ref()) {
            Some(list) => (list.value.iter())
                .map(|r| self.text("a `reports_to` entry", r, loc(list)))
                .filter(|r| !r.is_empty())
                .collect(),
            None => Vec::new(),
        };
        let criteria = match raw.programme.as_ref().and_then(|p| p.criteria.as_ref()) {
            Some(list) => (list.value.iter())
                .map(|c| self.text("a `criteria` entry", c, loc(list)))
                .filter(|c| !c.is_empty())
                .collect(),
            None => Vec::new(),
        };
        let record_from = raw.programme.as_ref().and_then(|p| p.record_from.as_ref()).map(dated);
        let owner_at = raw.programme.as_ref().and_then(|p| p.owner.as_ref()).map(loc);
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
        let owner = programme_owner.as_deref().zip(owner_at);
        self.people_named(&people, &auditors, &scope, owner);
        let mut register = Register {
            file: file.to_string(),
            organisation,
            id,
            certification,
            settings,
            programme_owner,
            reports_to,
            criteria,
            record_from,
            people,
            auditors,
            scope,
            exclusions,
            audits,
            reviews,
            accepted,
            corrective_actions,
            profile: Profile::default(),
        };
        let profile = profile::RawProfile {
            persons: raw.persons,
            simple_activities: raw.simple_activities,
            sites: raw.sites,
            site_sampling: raw.site_sampling,
            audit_time: raw.audit_time,
        };
        self.profile(profile, &mut register);
        self.room_for_a_programme(&register, workdays_loc);
        register
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
impl Checker<'_> {
    /// The trimmed id of the next `what` (an area, an auditor, a corrective action), where it is
    /// well formed and no earlier one has it, without case; else `None`, reported. `seen` holds
    /// the ids so far, case-folded, each with `next` as it was; `first` turns that into the first
    /// one's id and place, for the hint (only on that path).
    fn new_id<T: Copy>(
        &mut self,
        what: &str,
        raw: &Spanned<Text<'_>>,
        seen: &mut HashMap<Str, T>,
        next: T,
        first: impl FnOnce(T) -> (String, Loc),
    ) -> Option<String> {
        let id = raw.value.trim().to_string();
        if !self.id_ok(what, &id, loc(raw)) {
            return None;
        }
        if let Some(k) = earlier(seen, &id, next) {
            let (first_id, first_at) = first(k);
            self.error(duplicate(loc(raw), what, &id, &first_id, first_at));
            return None;
        }
        Some(id)
    }
}

fn earlier<T: Copy>(seen: &mut HashMap<Str, T>, id: &str, next: T) -> Option<T> {
    match seen.entry(Str::from(&*folded(id))) {
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
    fn spanned<T>(value: T) -> Spanned<T> {
        Spanned::unplaced(value)
    }

    /// An audit record naming areas more than once, in another case too: each is kept once,
    /// as the scope spells it, in the order first named.
    #[test]
    fn an_audit_naming_areas_twice_keeps_each_once() {
        let scope = ["Ops", "core", "hr"];
        let areas: Ids = scope.into_iter().collect();
        let named: Vec<Text> =
            ["core", "OPS", "Core", "ops", "hr", "CORE"].into_iter().map(|id| Text(id.into())).collect();
        let date = Date(NaiveDate::from_ymd_opt(2025, 3, 3).unwrap());
        let record = RawAudit {
            date: spanned(date),
            end: None,
            areas: spanned(named),
            auditor: None,
            auditor_org: None,
            status: None,
            kind: None,
            nonconformities: None,
            observations: None,
            findings: None,
            report: None,
        };
        let mut checker = Checker { errors: Errors::new(), locator: Locator::new(""), suggestions: 0 };
        let audits = checker.audits(vec![spanned(record)], &areas, &Ids::default());
        assert!(checker.errors.is_empty());
        assert_eq!(audits[0].areas, ["core", "Ops", "hr"]);
    }
}
