//! The ISMS register: one YAML file, read with source positions (`raw`), then checked
//! (`check`) into the plain data defined here.
//!
//! Reading is kept apart from the checked [`Register`]: its shape, ids and references are
//! proved here. Whether its certification dates agree with each other and its record with the
//! day is proved by [`crate::valid`], which the rest of the crate runs on.

mod check;
mod list;
mod profile;
mod raw;
mod recover;
pub mod schema;
mod yaml;

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::Deserialize;

use crate::catalogue::{self, Clause, Control};
use crate::codes::Code;
use crate::diagnostic::{Diagnostic, InputError, Loc};
use crate::grouped::Grouped;
use crate::settings::{Blackout, Settings};

pub use list::List;
pub use profile::{AuditTimeTable, Profile, SimpleActivity, Site, Tenths};
pub use raw::parse_date;
pub use yaml::{decode, max_values, options as parser_options};

/// A short text of the register, an id, a name or a person: kept inline up to 24 bytes, so
/// that the many of a large register cost no allocation each.
pub type Str = compact_str::CompactString;

/// The checked register.
#[derive(Debug, Clone, PartialEq)]
pub struct Register {
    /// The file name as the user gave it, for messages.
    pub file: String,
    pub organisation: String,
    /// The register's own name, where it gives one: calendar files take their events' UIDs
    /// from it (see [`suggested_id`] for one that has none).
    pub id: Option<String>,
    pub certification: Certification,
    pub settings: Settings,
    /// The person who manages the internal-audit programme, if the register names one.
    pub programme_owner: Option<String>,
    /// Who receives the audit reports (clause 9.2.2 d: results reported to relevant management).
    pub reports_to: Vec<String>,
    /// The audit criteria besides the standard (9.2.2 b): policies, laws, contracts.
    pub criteria: Vec<String>,
    /// The day from which the record of audits and reviews is complete, where the register
    /// says: rounds over before it are not judged (a programme adopted mid-cycle).
    pub record_from: Option<Dated>,
    /// The people the register names, where it lists them.
    pub people: Vec<Person>,
    pub auditors: Vec<Auditor>,
    pub scope: Vec<Area>,
    pub exclusions: Vec<Exclusion>,
    /// Internal audits held or booked, in date order.
    pub audits: Vec<AuditRecord>,
    /// Management reviews held or booked, in date order.
    pub reviews: Vec<ReviewRecord>,
    /// Deviations the certification body accepted.
    pub accepted: Vec<Acceptance>,
    /// Corrective actions raised on nonconformities (clause 10.2).
    pub corrective_actions: Vec<CorrectiveAction>,
    /// Persons and sites, for the certification body's audit time and site sample.
    pub profile: Profile,
}

impl Register {
    /// How outputs name each person the register lists or has as an auditor, by case-folded
    /// id: their name, with their role where known (built once, for outputs that name many).
    pub fn labels(&self) -> HashMap<String, String> {
        let mut out: HashMap<String, String> =
            self.auditors.iter().map(|a| (folded(&a.id).into_owned(), a.label())).collect();
        for p in &self.people {
            let label = labelled(p.name.as_deref().unwrap_or(&p.id), p.role.as_deref());
            out.entry(folded(&p.id).into_owned()).or_insert(label);
        }
        out
    }

    /// Whether a round is judged on the record: not where the register says its record is
    /// complete only from a day (`programme.record_from`) after the round's audits began, the
    /// `round_weeks` before its last day (or its window's start, where later; round 0's window
    /// has none), for audits held before it may be missing from it.
    pub(crate) fn judges(&self, window_start: Option<NaiveDate>, last_day: NaiveDate) -> bool {
        let weeks = u64::from(self.settings.round_weeks) * 7;
        let spread = last_day.checked_sub_days(chrono::Days::new(weeks.saturating_sub(1))).unwrap_or(last_day);
        let began = window_start.map_or(spread, |w| w.max(spread));
        self.record_from.is_none_or(|from| began >= from.date)
    }

    /// The Annex A controls carried by some area still in the scope on `day`.
    pub(crate) fn carried_controls(&self, day: NaiveDate) -> BTreeSet<&str> {
        self.scope.iter().filter(|a| !a.left_by(day)).flat_map(|a| a.controls.iter().map(|c| c.id())).collect()
    }

    /// The gaps in the coverage of the standard on `day`: the subclauses no area carries, and
    /// the Annex A controls no area carries and the SoA does not exclude (ISO/IEC 27001:2022
    /// clauses 4-10; 6.1.3 d), in catalogue order.
    pub(crate) fn coverage_gaps(&self, day: NaiveDate) -> (Vec<&'static str>, Vec<&'static str>) {
        let (clauses, controls) = (self.carried_clauses(day), self.carried_controls(day));
        let excluded = |c: &str| self.exclusions.iter().any(|e| e.control == c);
        (
            catalogue::clause_ids().filter(|c| !clauses.contains(c)).collect(),
            catalogue::control_ids().filter(|c| !controls.contains(c) && !excluded(c)).collect(),
        )
    }

    /// The subclauses carried by some area still in the scope on `day`.
    pub(crate) fn carried_clauses(&self, day: NaiveDate) -> BTreeSet<&str> {
        self.scope
            .iter()
            .filter(|a| a.until.is_none_or(|u| u >= day))
            .flat_map(|a| a.clauses.iter().map(|c| c.id()))
            .collect()
    }
}

/// An `id` for a register that has none, made from its file's name (as given) and bytes and
/// written as a UUID: the same for the same file named the same way, and a different one for
/// any other file (FNV-1a, 128 bits: a name, not a secret, and not proof against a collision
/// made on purpose), so that two copies of one template are not told the same id.
pub fn suggested_id(file: &str, bytes: &[u8]) -> String {
    let mut h: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    // The name ends with a byte no UTF-8 text has, so ("ab", "c") and ("a", "bc") differ.
    for &b in file.as_bytes().iter().chain(&[0xff]).chain(bytes) {
        h = (h ^ u128::from(b)).wrapping_mul(0x0000_0000_0100_0000_0000_0000_0000_013b);
    }
    // The version (8: made by the application) and variant bits of RFC 9562.
    let h = (h & !(0xf << 76) & !(0x3 << 62)) | (0x8 << 76) | (0x2 << 62);
    let x = format!("{h:032x}");
    format!("{}-{}-{}-{}-{}", &x[..8], &x[8..12], &x[12..16], &x[16..20], &x[20..])
}

/// A date from the register and where it was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dated {
    pub date: NaiveDate,
    pub loc: Loc,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Certification {
    pub stage1: Option<Dated>,
    pub stage2: Option<Dated>,
    /// The initial audit's days (Stage 1 and 2), as booked or quoted.
    pub initial_days: Option<Tenths>,
    /// The initial certification decision: the anchor of every anniversary, which
    /// recertifications and transfers (IAF MD 2) keep.
    pub decision: Option<Dated>,
    /// The expiry printed on the certificate, if given: a cross-check of `decision`.
    pub expiry: Option<Dated>,
    /// Surveillance audits held or booked, in date order, across cycles.
    pub surveillance: Vec<ExternalRecord>,
    /// Recertification audits held or booked, in date order, at most one per cycle.
    pub recertification: Vec<ExternalRecord>,
    /// Special audits (extensions to scope, short-notice audits), in date order.
    pub special: Vec<SpecialAudit>,
    /// New initial certifications after the certificate lapsed, in date order.
    pub restarts: Vec<Restart>,
    /// Suspensions of the certificate, in date order.
    pub suspensions: Vec<Suspension>,
    /// Where `certification:` is, for findings about the cycle as a whole.
    pub loc: Loc,
}

/// A period in which the certificate was (or is) suspended: temporarily invalid (ISO/IEC
/// 17021-1 9.6.5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suspension {
    pub from: NaiveDate,
    /// The last day; `None` while it lasts.
    pub to: Option<NaiveDate>,
    pub note: Option<String>,
    pub loc: Loc,
}

impl Suspension {
    /// Whether the certificate is suspended on `day`.
    pub fn on(&self, day: NaiveDate) -> bool {
        self.from <= day && self.to.is_none_or(|to| day <= to)
    }
}

/// A surveillance or recertification audit held or booked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalRecord {
    /// Its first day.
    pub date: NaiveDate,
    /// Further visits of the same audit, where it was split; after `date`, in order.
    pub visits: Vec<NaiveDate>,
    /// For a recertification: the certification body's decision, where recorded.
    pub decision: Option<NaiveDate>,
    /// For a recertification: early, before the cycle's third year; the next cycle starts from
    /// its decision, with new anniversaries.
    pub early: bool,
    pub note: Option<String>,
    /// The audit days the certification body spent or quoted, where recorded.
    pub days: Option<Tenths>,
    /// The sites it visited, where recorded.
    pub sites: Vec<String>,
    pub loc: Loc,
}

impl ExternalRecord {
    /// The audit's last day: it is complete then.
    pub fn end(&self) -> NaiveDate {
        self.visits.last().copied().unwrap_or(self.date)
    }
}

/// What a special audit is for (ISO/IEC 17021-1 9.6.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SpecialKind {
    ScopeExtension,
    ShortNotice,
    FollowUp,
    Other,
}

impl SpecialKind {
    pub fn key(self) -> &'static str {
        match self {
            SpecialKind::ScopeExtension => "scope-extension",
            SpecialKind::ShortNotice => "short-notice",
            SpecialKind::FollowUp => "follow-up",
            SpecialKind::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SpecialKind::ScopeExtension => "scope extension",
            SpecialKind::ShortNotice => "short notice",
            SpecialKind::FollowUp => "follow-up",
            SpecialKind::Other => "special",
        }
    }
}

/// A special audit held or booked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecialAudit {
    pub date: NaiveDate,
    pub kind: SpecialKind,
    /// Recorded by the certification body as replacing the surveillance due: it is that
    /// surveillance (and counts for the calendar-year rule).
    pub replaces_surveillance: bool,
    pub note: Option<String>,
    pub loc: Loc,
}

/// A new initial certification after the certificate lapsed: cycles count from its decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Restart {
    pub stage1: Option<Dated>,
    pub stage2: Option<Dated>,
    pub decision: Option<Dated>,
    pub loc: Loc,
}

/// A person as outputs name them: their name, with their role where known.
fn labelled(name: &str, role: Option<&str>) -> String {
    match role {
        Some(role) => format!("{name} ({role})"),
        None => name.to_string(),
    }
}

/// Someone the register names (an owner, a team member, an auditor, a report recipient).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: String,
    pub name: Option<String>,
    pub role: Option<String>,
    pub email: Option<String>,
    pub loc: Loc,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Auditor {
    pub id: String,
    /// Their name: as the auditor gives it, else as `people` does.
    pub name: Option<String>,
    /// Their role, from `people`.
    pub role: Option<String>,
    /// Areas this auditor must not audit.
    pub conflicts: Vec<String>,
    /// Days the auditor cannot audit (leave, other duties).
    pub unavailable: Vec<Blackout>,
    /// The most audit days in one round, and in one calendar year.
    pub max_days_per_round: Option<u32>,
    pub max_days_per_year: Option<u32>,
    /// The sites the auditor can audit (compared without case); `None`: any.
    pub sites: Option<Vec<String>>,
    pub loc: Loc,
}

impl Auditor {
    /// How outputs name the auditor: their name (else the id), with their role where known.
    pub fn label(&self) -> String {
        labelled(self.name.as_deref().unwrap_or(&self.id), self.role.as_deref())
    }

    /// Whether the auditor can go to `area`'s site (an area without a site is anywhere).
    pub fn covers_site(&self, area: &Area) -> bool {
        match (&self.sites, &area.site) {
            (Some(sites), Some(site)) => sites.iter().any(|s| same_id(s, site)),
            _ => true,
        }
    }

    /// Whether the auditor is away on `day`.
    pub fn away(&self, day: NaiveDate) -> bool {
        self.unavailable.iter().any(|u| u.from <= day && day <= u.to)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Default, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Risk {
    /// Audited in every round.
    High,
    /// Audited in two rounds of a cycle's three, never two in a row without.
    Medium,
    /// Audited once a cycle.
    #[default]
    Low,
}

impl Risk {
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::High => "high",
            Risk::Medium => "medium",
            Risk::Low => "low",
        }
    }
}

/// An auditable part of the ISMS scope: a department, process, site or system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Area {
    // A register may hold a hundred thousand areas: short texts are kept inline (up to 24
    // bytes, no allocation each), lists as one pointer (none when empty, see `List`), and the
    // texts most areas leave out (a site, a name other than the id) boxed. An area that has
    // them pays an allocation for each; one that has none takes 120 bytes and no allocation.
    pub id: Str,
    /// Its name, where the register gives one other than its id (see [`Area::name`]), boxed as
    /// `site` is.
    pub name: Option<Box<Str>>,
    /// The person accountable for the area.
    pub owner: Str,
    /// People who run the area.
    pub team: List<Str>,
    pub risk: Risk,
    /// Subclauses (`4.1` ... `10.2`) the area carries, deduplicated, in catalogue form.
    pub clauses: List<Clause>,
    /// Annex A controls (`A.5.1` ...) the area carries, deduplicated.
    pub controls: List<Control>,
    /// The first day the area is in the scope (a scope extension), if not from the start.
    pub since: Option<NaiveDate>,
    /// The last day the area is in the scope, if it leaves it.
    pub until: Option<NaiveDate>,
    /// Where the area is, for auditors who audit some sites only (boxed: most areas name
    /// none, and a pointer takes 8 bytes where a text takes 24).
    pub site: Option<Box<Str>>,
    /// How many consecutive days its audit takes.
    pub audit_days: u32,
    /// Earlier risk levels, each up to and including its day, in date order (`risk` is the
    /// current one).
    pub risk_history: List<(NaiveDate, Risk)>,
    /// How it is audited, if the register says.
    pub method: Option<Method>,
    pub loc: Loc,
}

/// How an area is audited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    OnSite,
    Remote,
    Hybrid,
}

impl Method {
    pub fn key(self) -> &'static str {
        match self {
            Method::OnSite => "on-site",
            Method::Remote => "remote",
            Method::Hybrid => "hybrid",
        }
    }
}

/// Ids of areas, auditors and people are compared without case: `Core` and `core` are one area,
/// and `Tom` owns what auditor `tom` would audit.
pub fn same_id(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() { a.eq_ignore_ascii_case(b) } else { a.to_lowercase() == b.to_lowercase() }
}

/// `id` as [`same_id`] compares it: lower case, borrowed where it is already.
pub(crate) fn folded(id: &str) -> Cow<'_, str> {
    if id.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
        Cow::Borrowed(id)
    } else {
        Cow::Owned(id.to_lowercase())
    }
}

/// Why an auditor is not independent of an area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    Owner,
    Team,
    Declared,
}

impl Conflict {
    /// "carol {describe}", e.g. "carol owns it".
    pub fn describe(self) -> &'static str {
        match self {
            Conflict::Owner => "owns it",
            Conflict::Team => "is on its team",
            Conflict::Declared => "has a declared conflict with it",
        }
    }
}

impl Area {
    /// Its name: the register's `name`, else its id.
    pub fn name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }

    /// What keeps `auditor` from auditing this area, if anything: ISO/IEC 27001 9.2.2 c asks for
    /// objectivity and impartiality, so nobody audits an area they own, run, or have declared a
    /// conflict with. This reads the auditor's whole `conflicts` list: for many look-ups, build
    /// [`Conflicts`] once.
    pub(crate) fn conflict_with(&self, auditor: &Auditor) -> Option<Conflict> {
        if same_id(&self.owner, &auditor.id) {
            Some(Conflict::Owner)
        } else if self.team.iter().any(|t| same_id(t, &auditor.id)) {
            Some(Conflict::Team)
        } else if auditor.conflicts.iter().any(|c| same_id(c, &self.id)) {
            Some(Conflict::Declared)
        } else {
            None
        }
    }

    /// Whether nothing keeps `auditor` from auditing the area (see `conflict_with`). For many
    /// look-ups, `Conflicts` answers each at once.
    pub fn independent_of(&self, auditor: &Auditor) -> bool {
        self.conflict_with(auditor).is_none()
    }

    /// The area's risk on `day`: from `risk_history`, where an entry covers it, else the current
    /// `risk`.
    pub fn risk_on(&self, day: NaiveDate) -> Risk {
        self.risk_history.iter().find(|(until, _)| day <= *until).map_or(self.risk, |(_, risk)| *risk)
    }

    /// Whether the area has left the scope by `today` (its `until:` is past): from then on it is
    /// owed nothing more, neither the audit of a round whose external audit comes after it left
    /// nor a cycle's coverage. (An audit it missed while in the scope stays missed: it can no
    /// longer be held, and `check` says so.)
    pub(crate) fn left_by(&self, today: NaiveDate) -> bool {
        self.until.is_some_and(|u| u < today)
    }

    /// Whether the area carries clause 9.2, the internal-audit programme itself.
    pub(crate) fn carries_audit_programme(&self) -> bool {
        self.clauses.iter().any(|c| c.id() == "9.2")
    }

    /// The audit criteria it carries, by id: its clauses, then its controls.
    pub fn criteria(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.clauses.iter().map(|c| c.id()).chain(self.controls.iter().map(|c| c.id()))
    }
}

/// Who may not audit what, for a whole register at once: what [`Area::conflict_with`] says of
/// every area and auditor, built in one pass over owners, teams and declared conflicts (ids
/// case-folded, as [`same_id`] compares them), so a look-up never reads a conflicts list. Memory
/// grows with areas, team members and conflicts, never with their product.
#[derive(Debug, Clone)]
pub(crate) struct Conflicts {
    /// For each area (indexed like `scope`): the auditors (indices into `auditors`) who may not
    /// audit it, sorted, each with the first reason `conflict_with` gives.
    by_area: Grouped<(u32, Conflict)>,
    auditors: usize,
}

impl Conflicts {
    pub fn new(scope: &[Area], auditors: &[Auditor]) -> Self {
        // Ids are unique in a checked register; a register built in code may repeat one.
        let mut auditor_ids: HashMap<Cow<'_, str>, Vec<usize>> = HashMap::with_capacity(auditors.len());
        for (j, a) in auditors.iter().enumerate() {
            auditor_ids.entry(folded(&a.id)).or_default().push(j);
        }
        // (area, auditor, why).
        let mut pairs: Vec<(usize, u32, Conflict)> = Vec::new();
        for (i, a) in scope.iter().enumerate() {
            let people = std::iter::once((&a.owner, Conflict::Owner)).chain(a.team.iter().map(|t| (t, Conflict::Team)));
            for (person, why) in people {
                if let Some(js) = auditor_ids.get(&folded(person)) {
                    pairs.extend(js.iter().map(|&j| (i, crate::grouped::place32(j), why)));
                }
            }
        }
        // Declared conflicts are few beside the areas: the areas are looked up in a map of the
        // ids declared, not the declared ids in a map of every area (which, at 50,000 areas,
        // costs 50,000 entries and as many lists each time a plan is made).
        let mut declared: HashMap<Cow<'_, str>, Vec<u32>> = HashMap::new();
        for (j, auditor) in auditors.iter().enumerate() {
            for c in &auditor.conflicts {
                declared.entry(folded(c)).or_default().push(crate::grouped::place32(j));
            }
        }
        if !declared.is_empty() {
            for (i, a) in scope.iter().enumerate() {
                for &j in declared.get(&folded(&a.id)).into_iter().flatten() {
                    pairs.push((i, j, Conflict::Declared));
                }
            }
        }
        // Stable: for each auditor the owner comes first, then the team, then a declared
        // conflict, the order `conflict_with` tries them in.
        pairs.sort_by_key(|&(i, j, _)| (i, j));
        pairs.dedup_by_key(|&mut (i, j, _)| (i, j));
        let by_area = Grouped::from_sorted(scope.len(), pairs.into_iter().map(|(i, j, why)| (i, (j, why))));
        Conflicts { by_area, auditors: auditors.len() }
    }

    /// What keeps auditor `j` from auditing area `i`: `scope[i].conflict_with(&auditors[j])`.
    pub fn between(&self, i: usize, j: usize) -> Option<Conflict> {
        let list = self.by_area.get(i);
        list.binary_search_by_key(&j, |&(x, _)| x as usize).ok().map(|k| list[k].1)
    }

    /// The auditors kept from auditing area `i`, each once, by index.
    pub fn of(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        self.by_area.get(i).iter().map(|&(j, _)| j as usize)
    }

    /// How many (area, auditor) pairs it keeps: one for each conflict, never one for each area
    /// and auditor.
    #[cfg(test)]
    pub(crate) fn pairs(&self) -> usize {
        self.by_area.items().len()
    }

    /// How many auditors are independent of area `i`.
    pub fn independent(&self, i: usize) -> usize {
        self.auditors - self.by_area.get(i).len()
    }
}

/// A Statement of Applicability exclusion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exclusion {
    pub control: &'static str,
    pub reason: String,
    pub loc: Loc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Held.
    Done,
    /// Booked, not yet held.
    Booked,
}

/// What an internal audit set out to do (ISO 19011:2018 5.5.2: an audit's objectives and scope).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum AuditKind {
    /// The area's audit for the round: the whole area, against its criteria.
    #[default]
    Full,
    /// A visit to verify the corrections and corrective actions of earlier findings.
    FollowUp,
    /// Part of the area (some controls or processes only).
    Partial,
}

impl AuditKind {
    pub fn key(self) -> &'static str {
        match self {
            AuditKind::Full => "full",
            AuditKind::FollowUp => "follow-up",
            AuditKind::Partial => "partial",
        }
    }
}

/// An internal audit held or booked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub date: NaiveDate,
    /// Its last day, for an audit of several days.
    pub end: Option<NaiveDate>,
    /// Only a full audit counts as an area's audit for its round.
    pub kind: AuditKind,
    pub areas: Vec<Str>,
    pub auditor: Option<String>,
    /// The outside firm that audited, for a record without an `auditor`.
    pub auditor_org: Option<String>,
    /// As written; when absent, done if the date is not after `--today`, else booked.
    pub status: Option<Status>,
    /// What the audit found, once held: counted from `findings` where it lists them.
    pub nonconformities: Nonconformities,
    pub observations: u32,
    /// What the audit found, one by one (may be empty: the counts then stand alone).
    pub findings: Vec<Finding>,
    /// Where its report is: a document id or an address.
    pub report: Option<String>,
    pub loc: Loc,
}

/// One finding of an audit (ISO 19011 6.4.8): a nonconformity, an observation or an
/// opportunity for improvement, in one area, against a clause or a control.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub id: String,
    pub kind: FindingKind,
    /// One of the audit's areas.
    pub area: String,
    pub clause: Option<String>,
    pub control: Option<String>,
    pub text: String,
    pub loc: Loc,
}

/// What a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FindingKind {
    /// A major nonconformity.
    Major,
    /// A minor nonconformity.
    Minor,
    /// An observation: no nonconformity, a risk of one.
    Observation,
    /// An opportunity for improvement.
    Opportunity,
}

impl FindingKind {
    /// As the register writes it.
    pub fn key(self) -> &'static str {
        match self {
            FindingKind::Major => "major",
            FindingKind::Minor => "minor",
            FindingKind::Observation => "observation",
            FindingKind::Opportunity => "opportunity",
        }
    }

    /// The nonconformity it is, if it is one (which calls for a corrective action, 10.2).
    pub fn severity(self) -> Option<NonconformitySeverity> {
        match self {
            FindingKind::Major => Some(NonconformitySeverity::Major),
            FindingKind::Minor => Some(NonconformitySeverity::Minor),
            FindingKind::Observation | FindingKind::Opportunity => None,
        }
    }
}

/// Nonconformities an audit found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Nonconformities {
    pub major: u32,
    pub minor: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum NonconformitySeverity {
    Major,
    #[default]
    Minor,
}

impl NonconformitySeverity {
    /// "major" or "minor", as the register writes it.
    pub fn key(self) -> &'static str {
        match self {
            NonconformitySeverity::Major => "major",
            NonconformitySeverity::Minor => "minor",
        }
    }
}

/// A corrective action raised on a nonconformity (ISO/IEC 27001:2022 10.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorrectiveAction {
    pub id: String,
    pub area: String,
    pub severity: NonconformitySeverity,
    /// The finding that raised it (an id from an audit's `findings`), where it names one.
    pub finding: Option<String>,
    pub raised: NaiveDate,
    /// The completion date first agreed ...
    pub due: NaiveDate,
    /// ... and each new one agreed since, with why, in the order recorded.
    pub revised: Vec<Revision>,
    pub closed: Option<NaiveDate>,
    /// The day its effectiveness was verified (10.2 d), once closed.
    pub verified: Option<NaiveDate>,
    pub note: Option<String>,
    pub loc: Loc,
}

/// A new completion date agreed for a corrective action, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub due: NaiveDate,
    pub reason: String,
    pub loc: Loc,
}

impl CorrectiveAction {
    /// Whether it is still open on `day`.
    pub(crate) fn open_on(&self, day: NaiveDate) -> bool {
        self.raised <= day && self.closed.is_none_or(|c| c > day)
    }

    /// The completion date that holds: the last one agreed.
    pub fn due_now(&self) -> NaiveDate {
        self.revised.last().map_or(self.due, |r| r.due)
    }
}

impl AuditRecord {
    pub(crate) fn status_on(&self, today: NaiveDate) -> Status {
        self.status.unwrap_or(if self.date <= today { Status::Done } else { Status::Booked })
    }

    /// The nonconformities its findings place in `area`, where it lists findings one by one.
    pub(crate) fn found_in(&self, area: &str) -> Option<Nonconformities> {
        if self.findings.is_empty() {
            return None;
        }
        let mut found = Nonconformities::default();
        for f in self.findings.iter().filter(|f| f.area == area) {
            match f.kind.severity() {
                Some(NonconformitySeverity::Major) => found.major += 1,
                Some(NonconformitySeverity::Minor) => found.minor += 1,
                None => {}
            }
        }
        Some(found)
    }
}

/// A management review held or booked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewRecord {
    pub date: NaiveDate,
    pub loc: Loc,
    /// As written; when absent, done if the date is not after `--today`, else booked.
    pub status: Option<Status>,
}

impl ReviewRecord {
    pub(crate) fn status_on(&self, today: NaiveDate) -> Status {
        self.status.unwrap_or(if self.date <= today { Status::Done } else { Status::Booked })
    }

    /// Whether the programme can count on it on `today`: held, or booked for a day still to
    /// come. A booked review whose day passed is neither; the programme plans another.
    pub(crate) fn stands_on(&self, today: NaiveDate) -> bool {
        self.status_on(today) == Status::Done || self.date >= today
    }
}

/// A deviation the certification body accepted: findings with this code (and area or control,
/// where given) are shown as accepted, not counted, until the end date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acceptance {
    pub code: Code,
    pub area: Option<String>,
    pub control: Option<String>,
    pub reason: String,
    pub reference: String,
    /// The last day the acceptance holds.
    pub until: NaiveDate,
    pub loc: Loc,
}

/// Parses and checks a register. `file` names it in messages; no I/O happens here.
pub fn parse(file: &str, text: &str) -> Result<Register, InputError> {
    if text.trim().is_empty() {
        let d = Diagnostic::new(None, "the register is empty").hint("write a starter one with `ismsaudit init`");
        return Err(InputError::one(file, d));
    }
    let raw: raw::RawRegister = match serde_saphyr::from_str_with_options(text, yaml::options(text.len())) {
        Ok(raw) => raw,
        Err(e) => return Err(recover::all_errors(file, text, &e)),
    };
    check::check(file, raw, text)
}

#[cfg(test)]
mod tests;
