//! The ISMS register: one YAML file, parsed with source positions, then checked into plain data.
//!
//! Parsing (`Raw*` types, with spans) is kept apart from the checked [`Register`] the rest of
//! the crate runs on, so every later stage can rely on what validation proved.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::RangeInclusive;

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use serde_saphyr::{MessageFormatter, Spanned};

use crate::catalogue;
use crate::cycle::RECERTIFICATION_LATEST_WEEKS;
use crate::diagnostic::{Diagnostic, InputError, Loc};

/// The checked register.
#[derive(Debug, Clone, PartialEq)]
pub struct Register {
    /// The file name as the user gave it, for messages.
    pub file: String,
    pub organisation: String,
    pub certification: Certification,
    pub settings: Settings,
    pub auditors: Vec<Auditor>,
    pub scope: Vec<Area>,
    pub exclusions: Vec<Exclusion>,
    /// Internal audits held or booked, in date order.
    pub audits: Vec<AuditRecord>,
    /// Management reviews held or booked, in date order.
    pub reviews: Vec<ReviewRecord>,
}

impl Register {
    /// The Annex A controls some area carries.
    pub fn carried_controls(&self) -> BTreeSet<&str> {
        self.scope.iter().flat_map(|a| a.controls.iter().map(String::as_str)).collect()
    }

    /// The subclauses some area carries.
    pub fn carried_clauses(&self) -> BTreeSet<&str> {
        self.scope.iter().flat_map(|a| a.clauses.iter().map(String::as_str)).collect()
    }
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
    pub decision: Option<Dated>,
    /// Surveillance audits held or booked, in date order, across cycles.
    pub surveillance: Vec<Dated>,
    /// Recertification audits held or booked, in date order, at most one per cycle.
    pub recertification: Vec<Dated>,
    /// Where `certification:` is, for findings about the cycle as a whole.
    pub loc: Loc,
}

/// Numbers the planner works with. The defaults are common certification-body practice
/// (confidence M in `audit-rules.md`), hence settings; outputs say which are defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub internal_audit_lead_weeks: u32,
    pub management_review_lead_weeks: u32,
    pub stage2_after_stage1_weeks: u32,
    pub decision_after_stage2_weeks: u32,
    pub surveillance_before_anniversary_weeks: u32,
    pub recertification_before_expiry_weeks: u32,
    /// Monday first.
    pub workdays: [bool; 7],
    pub blackouts: Vec<Blackout>,
    /// Names of the settings the register gave; the others are defaults.
    pub given: BTreeSet<&'static str>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            internal_audit_lead_weeks: 6,
            management_review_lead_weeks: 2,
            stage2_after_stage1_weeks: 4,
            decision_after_stage2_weeks: 4,
            surveillance_before_anniversary_weeks: 4,
            recertification_before_expiry_weeks: 13,
            workdays: [true, true, true, true, true, false, false],
            blackouts: Vec::new(),
            given: BTreeSet::new(),
        }
    }
}

impl Settings {
    /// The numeric settings with their names, for outputs that list them.
    pub fn weeks(&self) -> [(&'static str, u32); 6] {
        [
            ("internal_audit_lead_weeks", self.internal_audit_lead_weeks),
            ("management_review_lead_weeks", self.management_review_lead_weeks),
            ("stage2_after_stage1_weeks", self.stage2_after_stage1_weeks),
            ("decision_after_stage2_weeks", self.decision_after_stage2_weeks),
            ("surveillance_before_anniversary_weeks", self.surveillance_before_anniversary_weeks),
            ("recertification_before_expiry_weeks", self.recertification_before_expiry_weeks),
        ]
    }

    /// The workdays, `mon` first.
    pub fn workday_names(&self) -> Vec<&'static str> {
        WEEKDAYS.iter().zip(self.workdays).filter(|(_, w)| *w).map(|(d, _)| &d[..3]).collect()
    }

    /// Whether audits and reviews may be planned on `date`: a workday outside every blackout.
    pub fn is_open(&self, date: NaiveDate) -> bool {
        self.workdays[date.weekday().num_days_from_monday() as usize]
            && !self.blackouts.iter().any(|b| b.from <= date && date <= b.to)
    }

    /// The nearest open day on or before `date`. Planned dates move earlier, never later.
    /// Terminates: validation guarantees at least one workday and every blackout is finite.
    pub fn open_on_or_before(&self, date: NaiveDate) -> NaiveDate {
        let mut d = date;
        while !self.is_open(d) {
            d = d.pred_opt().unwrap_or(NaiveDate::MIN);
            if d == NaiveDate::MIN {
                break;
            }
        }
        d
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blackout {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub reason: String,
    pub loc: Loc,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Auditor {
    pub id: String,
    pub name: Option<String>,
    /// Areas this auditor must not audit.
    pub conflicts: Vec<String>,
    pub loc: Loc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Risk {
    High,
    Medium,
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
    pub id: String,
    pub name: String,
    /// The person accountable for the area.
    pub owner: String,
    /// People who run the area.
    pub team: Vec<String>,
    pub risk: Risk,
    /// Subclauses (`4.1` ... `10.2`) the area carries, deduplicated, in catalogue form.
    pub clauses: Vec<String>,
    /// Annex A controls (`A.5.1` ...) the area carries, deduplicated.
    pub controls: Vec<String>,
    pub loc: Loc,
}

/// Ids of areas, auditors and people are compared without case: `Core` and `core` are one area,
/// and `Tom` owns what auditor `tom` would audit.
pub fn same_id(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() { a.eq_ignore_ascii_case(b) } else { a.to_lowercase() == b.to_lowercase() }
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
    /// What keeps `auditor` from auditing this area, if anything: ISO/IEC 27001 9.2.2 c asks for
    /// objectivity and impartiality, so nobody audits an area they own, run, or have declared a
    /// conflict with.
    pub fn conflict_with(&self, auditor: &Auditor) -> Option<Conflict> {
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

    pub fn independent_of(&self, auditor: &Auditor) -> bool {
        self.conflict_with(auditor).is_none()
    }
}

/// A Statement of Applicability exclusion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exclusion {
    pub control: String,
    pub reason: String,
    pub loc: Loc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Done,
    Booked,
}

/// An internal audit held or booked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub date: NaiveDate,
    pub areas: Vec<String>,
    pub auditor: Option<String>,
    /// As written; when absent, done if the date is not after `--today`, else booked.
    pub status: Option<Status>,
    pub loc: Loc,
}

impl AuditRecord {
    pub fn status_on(&self, today: NaiveDate) -> Status {
        self.status.unwrap_or(if self.date <= today { Status::Done } else { Status::Booked })
    }
}

/// A management review held or booked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewRecord {
    pub date: NaiveDate,
    pub loc: Loc,
}

// ---------------------------------------------------------------------------------------------
// Parsing

/// A calendar date written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy)]
struct Date(NaiveDate);

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        parse_date(&text).map(Date).map_err(serde::de::Error::custom)
    }
}

/// Parses a `YYYY-MM-DD` date, as the register and `--today` write them.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let t = text.trim();
    let shaped = t.len() == 10 && t.as_bytes()[4] == b'-' && t.as_bytes()[7] == b'-';
    match NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        // The range keeps all date arithmetic far from chrono's limits.
        Ok(d) if shaped && (1970..=2200).contains(&d.year()) => Ok(d),
        Ok(_) if shaped => Err(format!("date `{t}` is outside the years 1970 to 2200")),
        _ => Err(format!("invalid date `{t}`: expected a calendar date written YYYY-MM-DD")),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegister {
    organisation: Spanned<String>,
    certification: Spanned<RawCertification>,
    #[serde(default)]
    settings: Option<RawSettings>,
    #[serde(default)]
    auditors: Vec<Spanned<RawAuditor>>,
    scope: Spanned<Vec<Spanned<RawArea>>>,
    #[serde(default)]
    soa: Option<RawSoa>,
    #[serde(default)]
    audits: Vec<Spanned<RawAudit>>,
    #[serde(default)]
    reviews: Vec<Spanned<RawReview>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCertification {
    stage1: Option<Spanned<Date>>,
    stage2: Option<Spanned<Date>>,
    decision: Option<Spanned<Date>>,
    #[serde(default)]
    surveillance: Vec<Spanned<Date>>,
    #[serde(default)]
    recertification: Vec<Spanned<Date>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    internal_audit_lead_weeks: Option<Spanned<u32>>,
    management_review_lead_weeks: Option<Spanned<u32>>,
    stage2_after_stage1_weeks: Option<Spanned<u32>>,
    decision_after_stage2_weeks: Option<Spanned<u32>>,
    surveillance_before_anniversary_weeks: Option<Spanned<u32>>,
    recertification_before_expiry_weeks: Option<Spanned<u32>>,
    workdays: Option<Spanned<Vec<Spanned<RawWeekday>>>>,
    #[serde(default)]
    blackout: Vec<Spanned<RawBlackout>>,
}

/// A day of the week, `mon` ... `sun` or written out, in any case; Monday is 0.
#[derive(Clone, Copy)]
struct RawWeekday(usize);

const WEEKDAYS: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

impl<'de> Deserialize<'de> for RawWeekday {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        let lower = text.trim().to_lowercase();
        WEEKDAYS.iter().position(|day| *day == lower || day[..3] == lower).map(RawWeekday).ok_or_else(|| {
            serde::de::Error::custom(format!("unknown day `{text}`: write mon, tue, wed, thu, fri, sat or sun"))
        })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBlackout {
    from: Spanned<Date>,
    to: Spanned<Date>,
    #[serde(default)]
    reason: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAuditor {
    id: Spanned<String>,
    name: Option<String>,
    #[serde(default)]
    conflicts: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArea {
    id: Spanned<String>,
    name: Option<String>,
    owner: Spanned<String>,
    #[serde(default)]
    team: Vec<String>,
    #[serde(default)]
    risk: Risk,
    #[serde(default)]
    clauses: Vec<Spanned<String>>,
    #[serde(default)]
    controls: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSoa {
    #[serde(default)]
    excluded: Vec<Spanned<RawExclusion>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExclusion {
    control: Spanned<String>,
    reason: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAudit {
    date: Spanned<Date>,
    areas: Vec<Spanned<String>>,
    auditor: Option<Spanned<String>>,
    status: Option<Status>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReview {
    date: Spanned<Date>,
}

/// The most days blackouts may close in a row: about a quarter.
pub const MAX_BLACKOUT_DAYS: i64 = 92;

/// A numeric setting: name, value as written, allowed range, why, where it goes.
type WeeksSetting<'a> = (&'static str, Option<Spanned<u32>>, RangeInclusive<u32>, &'static str, &'a mut u32);

fn loc<T>(s: &Spanned<T>) -> Loc {
    Loc::of(s.referenced).unwrap_or_default()
}

/// Parses and checks a register. `file` names it in messages; no I/O happens here.
pub fn parse(file: &str, text: &str) -> Result<Register, InputError> {
    if text.trim().is_empty() {
        let d = Diagnostic::new(None, "the register is empty").hint("write a starter one with `ismsaudit init`");
        return Err(InputError::one(file, d));
    }
    let raw: RawRegister =
        serde_saphyr::from_str(text).map_err(|e| InputError::one(file, yaml_diagnostic(&e, text)))?;
    let mut checker = Checker::default();
    let register = checker.check(file, raw);
    if checker.errors.is_empty() {
        Ok(register)
    } else {
        let mut diagnostics = checker.errors;
        diagnostics.sort_by_key(|d| d.loc);
        Err(InputError { file: file.to_string(), diagnostics })
    }
}

/// Turns a YAML or shape error into a one-line diagnostic in the register's terms: the parser
/// speaks of Rust types and its own options, users of keys, lists and values.
fn yaml_diagnostic(e: &serde_saphyr::Error, text: &str) -> Diagnostic {
    let raw = serde_saphyr::DefaultMessageFormatter.format_message(e.without_snippet()).into_owned();
    let loc = e.location().and_then(Loc::of);
    let (mut message, mut hint) = plain_words(&raw);
    // serde writes "unknown field `x`, expected one of a, b" (and "unknown variant ..."). A close
    // match is a better hint than the whole list.
    for (kind, what) in [("unknown field `", "unknown key"), ("unknown variant `", "unknown value")] {
        if let Some(rest) = raw.strip_prefix(kind)
            && let Some((written, expected)) = rest.split_once('`')
        {
            let options = expected.split_once("one of ").map(|(_, l)| l).unwrap_or("");
            let known = options.split(", ").map(|s| s.trim_matches('`').to_string());
            message = format!("{what} `{written}`");
            hint = Some(match catalogue::closest(written, known) {
                Some(close) => format!("did you mean `{close}`?"),
                None => format!("expected one of {options}"),
            });
        }
    }
    // A key written with nothing after it: name the key rather than the colon.
    let found = loc.and_then(|l| source_at(text, l));
    let empty = found.as_deref().is_none_or(|f| f.starts_with(':'));
    if empty
        && let Some(line) = loc.and_then(|l| text.lines().nth(usize::try_from(l.line).ok()?.checked_sub(1)?))
        && let Some((key, _)) = line.trim_start().trim_start_matches("- ").split_once(':')
    {
        let key = key.trim();
        match message.as_str() {
            "missing value" => message = format!("missing value for `{key}`"),
            "expected a list" => {
                message = format!("`{key}` has no list");
                hint = Some(format!("write `{key}: []` for none, or one `- item` per line"));
            }
            _ => {}
        }
    }
    if !message.contains('`')
        && let Some(found) = found
    {
        message = format!("{message}: found `{found}`");
    }
    let diagnostic = Diagnostic::new(loc, message);
    match hint {
        Some(h) => diagnostic.hint(h),
        None => diagnostic,
    }
}

/// The parser's message in the register's words, with a hint where one helps.
fn plain_words(raw: &str) -> (String, Option<String>) {
    let said = |m: &str, h: &str| (m.to_string(), Some(h.to_string()));
    if let Some(rest) = raw.strip_prefix("duplicate mapping key: ") {
        let key = rest.split(',').next().unwrap_or(rest).trim();
        return (format!("duplicate key `{key}`"), Some("give each key once".to_string()));
    }
    if let Some(rest) = raw.strip_prefix("missing field ") {
        let key = rest.trim_matches('`');
        return (format!("missing key `{key}`"), Some(format!("add `{key}:` with its value")));
    }
    if raw.starts_with("multiple YAML documents") {
        return said(
            "the register holds more than one YAML document",
            "keep one: remove the `---` line and what follows",
        );
    }
    if raw.starts_with("cannot deserialize null") {
        return said("missing value", "write a value after the colon");
    }
    if raw.starts_with("expected sequence") {
        return said("expected a list", "write `[a, b]`, or one `- item` per line");
    }
    if raw.starts_with("expected mapping") {
        return said("expected keys with values", "write `key: value` lines, or `{key: value}`");
    }
    if raw.starts_with("expected string") {
        return said("expected a single value", "write one value here, not a list or a mapping");
    }
    if raw.starts_with("invalid u") || raw.starts_with("invalid i") {
        return said("expected a whole number", "write a number of weeks, e.g. `6`");
    }
    (raw.to_string(), None)
}

/// The text from `loc` to the end of its line, shortened, for messages.
fn source_at(text: &str, loc: Loc) -> Option<String> {
    let line = text.lines().nth(usize::try_from(loc.line).ok()?.checked_sub(1)?)?;
    let rest: String = line.chars().skip(usize::try_from(loc.column).ok()?.saturating_sub(1)).collect();
    let rest = rest.split(" #").next().unwrap_or("").trim();
    if rest.is_empty() {
        return None;
    }
    let mut short: String = rest.chars().take(40).collect();
    if short.len() < rest.len() {
        short.push_str("...");
    }
    Some(short)
}

#[derive(Default)]
struct Checker {
    errors: Vec<Diagnostic>,
}

impl Checker {
    fn error(&mut self, d: Diagnostic) {
        self.errors.push(d);
    }

    fn check(&mut self, file: &str, raw: RawRegister) -> Register {
        let organisation = raw.organisation.value.trim().to_string();
        if organisation.is_empty() {
            self.error(
                Diagnostic::new(loc(&raw.organisation), "`organisation` is empty")
                    .hint("name the organisation the ISMS belongs to"),
            );
        }
        let settings = self.settings(raw.settings);
        let certification = self.certification(raw.certification);
        let scope = self.scope(raw.scope);
        let area_ids: Ids = scope.iter().map(|a| (fold(&a.id), a.id.as_str())).collect();
        let auditors = self.auditors(raw.auditors, &area_ids);
        let auditor_ids: Ids = auditors.iter().map(|a| (fold(&a.id), a.id.as_str())).collect();
        let exclusions = self.exclusions(raw.soa.map(|s| s.excluded).unwrap_or_default());
        let audits = self.audits(raw.audits, &area_ids, &auditor_ids);
        let reviews = self.reviews(raw.reviews);
        Register {
            file: file.to_string(),
            organisation,
            certification,
            settings,
            auditors,
            scope,
            exclusions,
            audits,
            reviews,
        }
    }

    fn settings(&mut self, raw: Option<RawSettings>) -> Settings {
        let mut s = Settings::default();
        let Some(raw) = raw else { return s };
        // Bounds keep the arithmetic meaningful; the upper ones are far past any real practice.
        let review_loc = raw.management_review_lead_weeks.as_ref().map(loc);
        #[rustfmt::skip]
        let weeks: [WeeksSetting<'_>; 6] = [
            ("internal_audit_lead_weeks", raw.internal_audit_lead_weeks, 1..=12,
             "internal audits usually end 4 to 6 weeks before the external audit", &mut s.internal_audit_lead_weeks),
            ("management_review_lead_weeks", raw.management_review_lead_weeks, 1..=11,
             "the management review usually comes about 2 weeks before the external audit", &mut s.management_review_lead_weeks),
            ("stage2_after_stage1_weeks", raw.stage2_after_stage1_weeks, 1..=26,
             "Stage 2 usually follows Stage 1 by about a month", &mut s.stage2_after_stage1_weeks),
            ("decision_after_stage2_weeks", raw.decision_after_stage2_weeks, 0..=26,
             "nonconformities must be corrected within 6 months of Stage 2", &mut s.decision_after_stage2_weeks),
            ("surveillance_before_anniversary_weeks", raw.surveillance_before_anniversary_weeks, 0..=13,
             "certification bodies plan surveillance 9 to 12 months after the decision or anniversary", &mut s.surveillance_before_anniversary_weeks),
            ("recertification_before_expiry_weeks", raw.recertification_before_expiry_weeks, RECERTIFICATION_LATEST_WEEKS..=26,
             "the recertification starts up to 6 months before expiry and ends 4 weeks before it at the latest",
             &mut s.recertification_before_expiry_weeks),
        ];
        for (name, value, range, why, target) in weeks {
            let Some(v) = value else { continue };
            if range.contains(&v.value) {
                *target = v.value;
                s.given.insert(name);
            } else {
                let (lo, hi) = range.into_inner();
                self.error(
                    Diagnostic::new(loc(&v), format!("`{name}` is {}, outside {lo} to {hi}", v.value)).hint(why),
                );
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
        for b in raw.blackout {
            let (from, to) = (b.value.from.value.0, b.value.to.value.0);
            if to < from {
                self.error(Diagnostic::new(
                    loc(&b.value.to),
                    format!("blackout ends `{to}` before it starts `{from}`"),
                ));
            } else {
                let at = loc(&b);
                s.blackouts.push(Blackout { from, to, reason: b.value.reason.unwrap_or_default(), loc: at });
            }
        }
        // Back-to-back or overlapping blackouts close the calendar as one: the span counts. A
        // longer one could push planned dates behind the previous external audit.
        let mut spans: Vec<(NaiveDate, NaiveDate, Loc)> = s.blackouts.iter().map(|b| (b.from, b.to, b.loc)).collect();
        spans.sort();
        let mut merged: Vec<(NaiveDate, NaiveDate, Loc)> = Vec::new();
        for (from, to, at) in spans {
            match merged.last_mut() {
                Some(last) if from <= last.1.succ_opt().unwrap_or(last.1) => last.1 = last.1.max(to),
                _ => merged.push((from, to, at)),
            }
        }
        for (from, to, at) in merged {
            let days = (to - from).num_days() + 1;
            if days > MAX_BLACKOUT_DAYS {
                self.error(
                    Diagnostic::new(at, format!("blackouts close {days} days in a row, from `{from}` to `{to}`"))
                        .hint(format!("blackouts are freezes and holidays: at most {MAX_BLACKOUT_DAYS} days in a row")),
                );
            }
        }
        s
    }

    fn certification(&mut self, raw: Spanned<RawCertification>) -> Certification {
        let at = loc(&raw);
        let raw = raw.value;
        let dated = |s: &Spanned<Date>| Dated { date: s.value.0, loc: loc(s) };
        let c = Certification {
            stage1: raw.stage1.as_ref().map(dated),
            stage2: raw.stage2.as_ref().map(dated),
            decision: raw.decision.as_ref().map(dated),
            surveillance: raw.surveillance.iter().map(dated).collect(),
            recertification: raw.recertification.iter().map(dated).collect(),
            loc: at,
        };
        if c.stage1.is_none() && c.decision.is_none() {
            self.error(
                Diagnostic::new(at, "`certification` has neither `stage1` nor `decision`")
                    .hint("give the planned Stage 1 date, or the certification decision date once certified"),
            );
        }
        if let (Some(s1), Some(s2)) = (c.stage1, c.stage2)
            && s2.date < s1.date
        {
            self.error(
                Diagnostic::new(s2.loc, format!("Stage 2 `{}` is before Stage 1 `{}`", s2.date, s1.date))
                    .hint("Stage 2 follows Stage 1, usually by about a month"),
            );
        }
        if let (Some(s2), Some(d)) = (c.stage2.or(c.stage1), c.decision)
            && d.date < s2.date
        {
            let which = if c.stage2.is_some() { "Stage 2" } else { "Stage 1" };
            self.error(
                Diagnostic::new(d.loc, format!("decision `{}` is before {which} `{}`", d.date, s2.date))
                    .hint("the certification decision follows the Stage 2 audit"),
            );
        }
        self.in_order("surveillance audit", &c.surveillance);
        self.in_order("recertification audit", &c.recertification);
        if let Some(d) = c.decision {
            for s in c.surveillance.iter().chain(&c.recertification) {
                if s.date <= d.date {
                    self.error(
                        Diagnostic::new(
                            s.loc,
                            format!("audit `{}` is not after the certification decision `{}`", s.date, d.date),
                        )
                        .hint("list here only surveillance and recertification audits of the certificate"),
                    );
                }
            }
        } else if let Some(s) = c.surveillance.first().or(c.recertification.first()) {
            self.error(
                Diagnostic::new(s.loc, format!("audit `{}` recorded before a certification decision", s.date))
                    .hint("add `decision:` to `certification`"),
            );
        }
        c
    }

    /// Records must be listed in date order, so a misplaced or mistyped date stands out.
    fn in_order(&mut self, what: &str, dates: &[Dated]) {
        for pair in dates.windows(2) {
            if pair[1].date <= pair[0].date {
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
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for a in raw.value {
            let at = loc(&a);
            let a = a.value;
            let id = a.id.value.trim().to_string();
            if !self.id_ok("area", &id, loc(&a.id)) {
                continue;
            }
            if let Some(&first) = seen.get(&fold(&id)) {
                let first: &Area = &areas[first];
                self.error(duplicate(loc(&a.id), "area", &id, &first.id, first.loc));
                continue;
            }
            seen.insert(fold(&id), areas.len());
            let owner = a.owner.value.trim().to_string();
            if owner.is_empty() {
                self.error(
                    Diagnostic::new(loc(&a.owner), format!("area `{id}` has an empty `owner`"))
                        .hint("name the person accountable for the area"),
                );
            }
            let mut clauses = Vec::new();
            for c in &a.clauses {
                match catalogue::canonical_clause(&c.value) {
                    Ok(id) if !clauses.contains(&id) => clauses.push(id),
                    Ok(_) => {}
                    Err(_) if c.value.trim().starts_with("A.") && catalogue::canonical_control(&c.value).is_ok() => {
                        self.error(
                            Diagnostic::new(
                                loc(c),
                                format!("`{}` in the clauses of area `{id}` is an Annex A control", c.value.trim()),
                            )
                            .hint("list it under `controls`"),
                        )
                    }
                    Err(close) => self.error(unknown(
                        loc(c),
                        "clause",
                        &c.value,
                        &id,
                        close,
                        "clauses are ISO/IEC 27001:2022 4.1 ... 10.2",
                    )),
                }
            }
            let mut controls = Vec::new();
            for c in &a.controls {
                match catalogue::canonical_control(&c.value) {
                    Ok(id) if !controls.contains(&id) => controls.push(id),
                    Ok(_) => {}
                    Err(_) if catalogue::canonical_clause(&c.value).is_ok() => self.error(
                        Diagnostic::new(
                            loc(c),
                            format!(
                                "`{}` in the controls of area `{id}` is not an Annex A control but a clause",
                                c.value.trim()
                            ),
                        )
                        .hint("list it under `clauses` (controls are A.5.1 ... A.8.34)"),
                    ),
                    Err(close) => self.error(unknown(
                        loc(c),
                        "control",
                        &c.value,
                        &id,
                        close,
                        "controls are ISO/IEC 27001:2022 Annex A, A.5.1 ... A.8.34",
                    )),
                }
            }
            areas.push(Area {
                name: a.name.map(|n| n.trim().to_string()).filter(|n| !n.is_empty()).unwrap_or_else(|| id.clone()),
                id,
                owner,
                team: a.team.into_iter().map(|t| t.trim().to_string()).collect(),
                risk: a.risk,
                clauses,
                controls,
                loc: at,
            });
        }
        areas
    }

    fn id_ok(&mut self, what: &str, id: &str, at: Loc) -> bool {
        let ok = !id.is_empty() && id.chars().all(|c| c.is_alphanumeric() || "-_.".contains(c));
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
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for a in raw {
            let at = loc(&a);
            let a = a.value;
            let id = a.id.value.trim().to_string();
            if !self.id_ok("auditor", &id, loc(&a.id)) {
                continue;
            }
            if let Some(&first) = seen.get(&fold(&id)) {
                let first: &Auditor = &auditors[first];
                self.error(duplicate(loc(&a.id), "auditor", &id, &first.id, first.loc));
                continue;
            }
            seen.insert(fold(&id), auditors.len());
            let mut conflicts = Vec::new();
            for c in &a.conflicts {
                let area = c.value.trim();
                if let Some(known) = find_id(areas, area) {
                    conflicts.push(known.to_string());
                } else {
                    self.error(unknown_ref(
                        loc(c),
                        "area",
                        area,
                        &format!("in the conflicts of auditor `{id}`"),
                        areas,
                    ));
                }
            }
            auditors.push(Auditor { id, name: a.name, conflicts, loc: at });
        }
        auditors
    }

    fn exclusions(&mut self, raw: Vec<Spanned<RawExclusion>>) -> Vec<Exclusion> {
        let mut out: Vec<Exclusion> = Vec::new();
        for e in raw {
            let at = loc(&e);
            let e = e.value;
            let control = match catalogue::canonical_control(&e.control.value) {
                Ok(c) => c,
                Err(close) => {
                    self.error(unknown(
                        loc(&e.control),
                        "control",
                        &e.control.value,
                        "the SoA exclusions",
                        close,
                        "controls are ISO/IEC 27001:2022 Annex A, A.5.1 ... A.8.34",
                    ));
                    continue;
                }
            };
            let reason = e.reason.unwrap_or_default().trim().to_string();
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

    fn audits(&mut self, raw: Vec<Spanned<RawAudit>>, areas: &Ids, auditors: &Ids) -> Vec<AuditRecord> {
        let mut out: Vec<AuditRecord> = Vec::new();
        for r in raw {
            let at = loc(&r);
            let r = r.value;
            let date = r.date.value.0;
            if let Some(prev) = out.last()
                && date < prev.date
            {
                self.error(
                    Diagnostic::new(
                        loc(&r.date),
                        format!("audit `{date}` is listed after a later one, `{}`", prev.date),
                    )
                    .hint("list records in date order"),
                );
            }
            if r.areas.is_empty() {
                self.error(
                    Diagnostic::new(at, format!("audit `{date}` has no `areas`"))
                        .hint("name the areas the audit covered"),
                );
            }
            let mut record_areas = Vec::new();
            for a in &r.areas {
                let id = a.value.trim();
                if let Some(known) = find_id(areas, id) {
                    if !record_areas.iter().any(|r| r == known) {
                        record_areas.push(known.to_string());
                    }
                } else {
                    self.error(unknown_ref(loc(a), "area", id, &format!("in the audit of {date}"), areas));
                }
            }
            // An auditor id is kept as the register's `auditors` spells it.
            let mut auditor = r.auditor.as_ref().map(|a| a.value.trim().to_string());
            if let (Some(id), Some(a)) = (&auditor, &r.auditor) {
                match find_id(auditors, id) {
                    Some(known) => auditor = Some(known.to_string()),
                    None => {
                        self.error(unknown_ref(loc(a), "auditor", id, &format!("in the audit of {date}"), auditors))
                    }
                }
            }
            out.push(AuditRecord { date, areas: record_areas, auditor, status: r.status, loc: at });
        }
        out
    }

    fn reviews(&mut self, raw: Vec<Spanned<RawReview>>) -> Vec<ReviewRecord> {
        let dates: Vec<Dated> =
            raw.iter().map(|r| Dated { date: r.value.date.value.0, loc: loc(&r.value.date) }).collect();
        self.in_order("management review", &dates);
        raw.iter().map(|r| ReviewRecord { date: r.value.date.value.0, loc: loc(r) }).collect()
    }
}

fn unknown(at: Loc, what: &str, written: &str, whose: &str, close: Option<String>, rule: &str) -> Diagnostic {
    let place = if whose.starts_with("the ") { whose.to_string() } else { format!("area `{whose}`") };
    let d = Diagnostic::new(at, format!("unknown {what} `{}` in {place}", written.trim()));
    match close {
        Some(c) => d.hint(format!("did you mean `{c}`?")),
        None => d.hint(rule.to_string()),
    }
}

/// Known ids by their case-folded form (see [`same_id`]).
type Ids<'a> = BTreeMap<String, &'a str>;

fn fold(id: &str) -> String {
    id.to_lowercase()
}

/// The known id that `id` names, compared without case.
fn find_id<'a>(known: &Ids<'a>, id: &str) -> Option<&'a str> {
    known.get(&fold(id)).copied()
}

fn duplicate(at: Loc, what: &str, id: &str, first: &str, first_at: Loc) -> Diagnostic {
    let d = Diagnostic::new(at, format!("duplicate {what} id `{id}`"));
    if id == first {
        d.hint(format!("first defined at line {}", first_at.line))
    } else {
        d.hint(format!("`{first}` at line {} is the same id: ids are compared without case", first_at.line))
    }
}

fn unknown_ref(at: Loc, what: &str, id: &str, place: &str, known: &Ids) -> Diagnostic {
    let d = Diagnostic::new(at, format!("unknown {what} `{id}` {place}"));
    match catalogue::closest(id, known.values().map(|k| k.to_string())) {
        Some(c) => d.hint(format!("did you mean `{c}`?")),
        None if what == "auditor" => {
            d.hint("add them to `auditors`, or leave `auditor` out for an outside firm's audit")
        }
        None => d.hint(format!("no {what} has that id")),
    }
}
