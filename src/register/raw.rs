//! The register as written: YAML shapes with source positions, and the parser's messages put in
//! the register's words. [`super::check`] turns these into the checked [`super::Register`].

use std::borrow::Cow;
use std::collections::HashMap;
use std::marker::PhantomData;

use chrono::{Datelike, NaiveDate};
use schemars::JsonSchema;
use serde::Deserialize;
use serde::de::{MapAccess, Visitor};
use serde_saphyr::{MessageFormatter, Spanned};

use super::schema::{CheckCode, ClauseId, ControlId, YamlBool};
use super::{Method, NonconformitySeverity, Risk, SpecialKind, Status};
use crate::catalogue;
use crate::diagnostic::{Diagnostic, Errors, Loc};
use crate::settings::WEEKDAYS;

/// Text as written in the register: borrowed from it where the parser can (most scalars), owned
/// where the parser had to change it (escapes, folded lines). Reading a register so copies next
/// to none of its strings; the check keeps what the plan needs, once. (A large register is
/// mostly short strings: ids, owners, controls.)
#[derive(Debug)]
pub(super) struct Text<'a>(pub Cow<'a, str>);

impl std::ops::Deref for Text<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

/// For the schema, which writes fields' defaults (`[]`, `null`) by serializing them.
impl serde::Serialize for Text<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Str;
        impl<'de> Visitor<'de> for Str {
            type Value = Cow<'de, str>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Cow::Borrowed(v))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Cow::Owned(v.to_owned()))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Cow::Owned(v))
            }
        }
        d.deserialize_str(Str).map(Text)
    }
}

/// A calendar date written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Date(pub NaiveDate);

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = Text::deserialize(d)?;
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
        _ => Err(match impossible(t) {
            Some(why) => format!("invalid date `{t}`: {why}"),
            None => format!("invalid date `{t}`: expected a calendar date written YYYY-MM-DD"),
        }),
    }
}

/// Why a date written as digits in the YYYY-MM-DD shape is not a day of the calendar: "February
/// 2027 has 28 days", "there is no month 13". `None` when it is not written that way.
fn impossible(t: &str) -> Option<String> {
    let digits = t.len() == 10
        && t.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    if !digits {
        return None;
    }
    let (year, month, day): (i32, u32, u32) = (t[..4].parse().ok()?, t[5..7].parse().ok()?, t[8..].parse().ok()?);
    let Some(name) = u8::try_from(month).ok().and_then(|m| chrono::Month::try_from(m).ok()) else {
        return Some(format!("there is no month {month:02}; months run from 01 to 12"));
    };
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let days = first.checked_add_months(chrono::Months::new(1))?.signed_duration_since(first).num_days();
    match day {
        0 => Some(format!("there is no day 00; days run from 01 to {days}")),
        d if i64::from(d) > days => Some(format!("{} {year} has {days} days", name.name())),
        _ => None,
    }
}

/// A record written either as a bare date or as a mapping with more keys (`{date: ..., note: ...}`).
pub(super) enum DateOr<T> {
    Date(Date),
    Full(T),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for DateOr<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Either<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for Either<T> {
            type Value = DateOr<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a date written YYYY-MM-DD, or `{date: YYYY-MM-DD, ...}`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                parse_date(v).map(|d| DateOr::Date(Date(d))).map_err(E::custom)
            }
            // Keys are read by the parser itself, so their values keep their positions.
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(DateOr::Full)
            }
        }
        d.deserialize_any(Either(PhantomData))
    }
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, bound(deserialize = "'de: 'a"))]
#[schemars(rename = "Register")]
pub(super) struct RawRegister<'a> {
    /// The organisation whose ISMS this is, as on the certificate.
    #[schemars(with = "String")]
    pub organisation: Spanned<Text<'a>>,
    /// The register's own name, which no other register uses: a UUID (`ismsaudit init` writes one) or a name under a domain you own. Calendar files take their events' UIDs from it, so that re-importing keeps them and two registers' events never replace each other's. Letters, digits, `-`, `_` and `.`.
    #[serde(default)]
    #[schemars(with = "Option<String>", length(min = 1, max = 100))]
    pub id: Option<Spanned<Text<'a>>>,
    /// The certification body's dates: Stage 1 and 2, the initial decision, and the record of external audits.
    #[schemars(with = "RawCertification")]
    pub certification: Spanned<RawCertification<'a>>,
    /// Scheduling settings; every key is optional and has a default.
    #[serde(default)]
    pub settings: Option<RawSettings<'a>>,
    /// Who manages the internal-audit programme and who receives its reports (ISO/IEC 27001:2022 9.2.2).
    #[serde(default)]
    pub programme: Option<RawProgramme<'a>>,
    /// The internal auditors (staff or contracted).
    #[serde(default)]
    #[schemars(with = "Vec<RawAuditor>")]
    pub auditors: Vec<Spanned<RawAuditor<'a>>>,
    /// The ISMS scope, split into auditable areas: departments, processes, sites, systems.
    #[schemars(with = "Vec<RawArea>")]
    pub scope: Spanned<Vec<Spanned<RawArea<'a>>>>,
    /// The Statement of Applicability: the Annex A controls excluded, each with a reason.
    #[serde(default)]
    pub soa: Option<RawSoa<'a>>,
    /// The record of internal audits held or booked, in any order.
    #[serde(default)]
    #[schemars(with = "Vec<RawAudit>")]
    pub audits: Vec<Spanned<RawAudit<'a>>>,
    /// The record of management reviews held or booked, in any order.
    #[serde(default)]
    #[schemars(with = "Vec<RawReview>")]
    pub reviews: Vec<Spanned<RawReview>>,
    /// Deviations the certification body accepted: findings they cover are shown, not counted, until their end date.
    #[serde(default)]
    #[schemars(with = "Vec<RawAcceptance>")]
    pub accepted: Vec<Spanned<RawAcceptance<'a>>>,
    /// Corrective actions raised on nonconformities (ISO/IEC 27001:2022 10.2).
    #[serde(default)]
    #[schemars(with = "Vec<RawCorrectiveAction>")]
    pub corrective_actions: Vec<Spanned<RawCorrectiveAction<'a>>>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, bound(deserialize = "'de: 'a"))]
#[schemars(rename = "Certification")]
pub(super) struct RawCertification<'a> {
    /// Stage 1, planned or held (YYYY-MM-DD).
    #[schemars(with = "Option<Date>")]
    pub stage1: Option<Spanned<Date>>,
    /// Stage 2 (YYYY-MM-DD); default Stage 1 plus `stage2_after_stage1_weeks`, shown as assumed.
    #[schemars(with = "Option<Date>")]
    pub stage2: Option<Spanned<Date>>,
    /// The initial certification decision (YYYY-MM-DD), the anchor of every anniversary; required without `stage1`. Recertifications and transfers keep it.
    #[schemars(with = "Option<Date>")]
    pub decision: Option<Spanned<Date>>,
    /// The expiry printed on the certificate (YYYY-MM-DD), checked against `decision`.
    #[schemars(with = "Option<Date>")]
    pub expiry: Option<Spanned<Date>>,
    /// Surveillance audits held or booked, in date order: a date, or `{date, visits, note}` for one split into visits.
    #[serde(default)]
    #[schemars(with = "Vec<DateOr<RawExternal>>")]
    pub surveillance: Vec<Spanned<DateOr<RawExternal<'a>>>>,
    /// Recertification audits held or booked: a date, or `{date, visits, decision, note}`.
    #[serde(default)]
    #[schemars(with = "Vec<DateOr<RawRecertification>>")]
    pub recertification: Vec<Spanned<DateOr<RawRecertification<'a>>>>,
    /// Special audits (ISO/IEC 17021-1 9.6.4): scope extensions, short-notice and follow-up audits.
    #[serde(default)]
    #[schemars(with = "Vec<RawSpecial>")]
    pub special: Vec<Spanned<RawSpecial<'a>>>,
    /// New initial certifications after the certificate lapsed, in date order.
    #[serde(default)]
    #[schemars(with = "Vec<RawRestart>")]
    pub restart: Vec<Spanned<RawRestart>>,
}

/// A surveillance audit: its first day, and further visits where it was split.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, bound(deserialize = "'de: 'a"))]
#[schemars(rename = "External")]
pub(super) struct RawExternal<'a> {
    /// The audit's first day (YYYY-MM-DD).
    #[schemars(with = "Date")]
    pub date: Spanned<Date>,
    /// Further visits of the same audit, where it was split (YYYY-MM-DD each).
    #[serde(default)]
    #[schemars(with = "Vec<Date>")]
    pub visits: Vec<Spanned<Date>>,
    /// Free text, shown in the plan.
    pub note: Option<Text<'a>>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, bound(deserialize = "'de: 'a"))]
#[schemars(rename = "Recertification")]
pub(super) struct RawRecertification<'a> {
    /// The audit's first day (YYYY-MM-DD).
    #[schemars(with = "Date")]
    pub date: Spanned<Date>,
    /// Further visits of the same audit (YYYY-MM-DD each).
    #[serde(default)]
    #[schemars(with = "Vec<Date>")]
    pub visits: Vec<Spanned<Date>>,
    /// The recertification decision (YYYY-MM-DD), once taken.
    #[schemars(with = "Option<Date>")]
    pub decision: Option<Spanned<Date>>,
    /// Free text, shown in the plan.
    pub note: Option<Text<'a>>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, bound(deserialize = "'de: 'a"))]
#[schemars(rename = "Special")]
pub(super) struct RawSpecial<'a> {
    /// The special audit's day (YYYY-MM-DD).
    #[schemars(with = "Date")]
    pub date: Spanned<Date>,
    /// What kind of special audit it is.
    pub kind: SpecialKind,
    /// Free text, shown in the plan.
    pub note: Option<Text<'a>>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Restart")]
pub(super) struct RawRestart {
    /// The new Stage 1 (YYYY-MM-DD).
    #[schemars(with = "Option<Date>")]
    pub stage1: Option<Spanned<Date>>,
    /// The new Stage 2 (YYYY-MM-DD).
    #[schemars(with = "Option<Date>")]
    pub stage2: Option<Spanned<Date>>,
    /// The new initial certification decision (YYYY-MM-DD).
    #[schemars(with = "Option<Date>")]
    pub decision: Option<Spanned<Date>>,
}

/// Makes [`RawSettings`] from [`crate::settings::numbers!`]'s rows: the numeric settings as the
/// register writes them, each with its description and range, then the others.
macro_rules! raw_settings {
    ($($key:ident: $default:literal, $min:literal..=$max:literal, $about:literal, why $why:literal;)*) => {
        #[derive(Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields, bound(deserialize = "'de: 'a"))]
        #[schemars(rename = "Settings")]
        pub(super) struct RawSettings<'a> {
            $(
                #[doc = concat!($about, " (", $min, "-", $max, ", default ", $default, ").")]
                #[schemars(with = "Option<u32>")]
                pub $key: Option<Spanned<u32>>,
            )*
            /// No auditor audits an area in two rounds in a row where another can (default true).
            #[schemars(with = "Option<YamlBool>")]
            pub rotation: Option<Spanned<bool>>,
            /// The days audits may be held (default mon to fri).
            #[schemars(with = "Option<Vec<RawWeekday>>")]
            pub workdays: Option<Spanned<Vec<Spanned<RawWeekday>>>>,
            /// Closures: nothing is planned on these days. Dates, or MM-DD for every year.
            #[serde(default)]
            #[schemars(with = "Vec<RawBlackout>")]
            pub blackout: Vec<Spanned<RawBlackout<'a>>>,
        }

        impl RawSettings<'_> {
            /// The numeric settings given, in the order of [`crate::settings::Settings::NUMBERS`].
            pub(super) fn numbers(&self) -> Vec<Option<&Spanned<u32>>> {
                vec![$(self.$key.as_ref(),)*]
            }
        }
    };
}

crate::settings::numbers!(raw_settings);

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, bound(deserialize = "'de: 'a"))]
#[schemars(rename = "Programme")]
pub(super) struct RawProgramme<'a> {
    /// The auditor who manages the internal-audit programme (an id from `auditors`).
    #[schemars(with = "Option<String>")]
    pub owner: Option<Spanned<Text<'a>>>,
    /// Who receives the audit reports (free text each).
    #[schemars(with = "Option<Vec<String>>")]
    pub reports_to: Option<Spanned<Vec<Text<'a>>>>,
}

/// A day of the week, `mon` ... `sun` or written out, in any case; Monday is 0.
#[derive(Clone, Copy)]
pub(super) struct RawWeekday(pub usize);

impl<'de> Deserialize<'de> for RawWeekday {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = Text::deserialize(d)?;
        let lower = text.trim().to_lowercase();
        WEEKDAYS.iter().position(|day| *day == lower || day[..3] == lower).map(RawWeekday).ok_or_else(|| {
            serde::de::Error::custom(format!("unknown day `{}`: write mon, tue, wed, thu, fri, sat or sun", &*text))
        })
    }
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, bound(deserialize = "'de: 'a"))]
#[schemars(rename = "Blackout")]
pub(super) struct RawBlackout<'a> {
    /// The first closed day: YYYY-MM-DD, or MM-DD for every year.
    #[schemars(with = "Day")]
    pub from: Spanned<Day>,
    /// The last closed day: YYYY-MM-DD, or MM-DD for every year (may run over New Year).
    #[schemars(with = "Day")]
    pub to: Spanned<Day>,
    /// Why: shown in the plan and the calendar.
    #[serde(default)]
    pub reason: Option<Text<'a>>,
}

/// A blackout's day: a date, or `MM-DD` for the same day every year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Day {
    Date(NaiveDate),
    Yearly(u32, u32),
}

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = Text::deserialize(d)?;
        let t = text.trim();
        let yearly = t.len() == 5 && t.as_bytes()[2] == b'-';
        if yearly {
            let (m, day) = (t[..2].parse::<u32>().ok(), t[3..].parse::<u32>().ok());
            // A day of some year (checked against a leap year: `02-29` falls on the 28th in common years).
            return match (m, day) {
                (Some(m), Some(day)) if NaiveDate::from_ymd_opt(2024, m, day).is_some() => Ok(Day::Yearly(m, day)),
                _ => Err(serde::de::Error::custom(format!(
                    "invalid day `{t}`: expected a day of the year written MM-DD"
                ))),
            };
        }
        parse_date(t).map(Day::Date).map_err(serde::de::Error::custom)
    }
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, bound(deserialize = "'de: 'a"))]
#[schemars(rename = "Auditor")]
pub(super) struct RawAuditor<'a> {
    /// A unique id (at most 100 characters), used in `audits`, `conflicts` and `programme.owner`.
    #[schemars(with = "String")]
    pub id: Spanned<Text<'a>>,
    /// The auditor's name, shown in plans and calendars (default: the id).
    pub name: Option<Text<'a>>,
    /// Areas (ids) this auditor must not audit, besides those they own or work in.
    #[schemars(with = "Option<Vec<String>>")]
    pub conflicts: Option<Spanned<Vec<Text<'a>>>>,
    /// Leave and other duties: no audit is planned for this auditor on these days.
    #[serde(default)]
    #[schemars(with = "Vec<RawBlackout>")]
    pub unavailable: Vec<Spanned<RawBlackout<'a>>>,
    /// Audit days in one round at most (1-200).
    #[schemars(with = "Option<u32>")]
    pub max_days_per_round: Option<Spanned<u32>>,
    /// Audit days in one calendar year at most (1-366).
    #[schemars(with = "Option<u32>")]
    pub max_days_per_year: Option<Spanned<u32>>,
    /// The only sites this auditor audits (default: any).
    #[schemars(with = "Option<Vec<String>>")]
    pub sites: Option<Spanned<Vec<Text<'a>>>>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, bound(deserialize = "'de: 'a"))]
#[schemars(rename = "Area")]
pub(super) struct RawArea<'a> {
    /// A unique id (at most 100 characters).
    #[schemars(with = "String")]
    pub id: Spanned<Text<'a>>,
    /// The area's name, shown in plans (default: the id).
    pub name: Option<Text<'a>>,
    /// The person accountable for the area; never audits it.
    #[schemars(with = "String")]
    pub owner: Spanned<Text<'a>>,
    /// People who run the area; none of them audits it.
    #[serde(default)]
    pub team: Vec<Text<'a>>,
    /// How often it is audited: high every round, medium two rounds of three, low once a cycle (default low).
    #[serde(default)]
    pub risk: Risk,
    /// The ISO/IEC 27001:2022 clauses the area carries, 4.1 to 10.2; a third level (6.1.2) counts toward its subclause.
    // Lists of short ids are read with one position for the list, not one per item (most of a
    // large register's memory otherwise); an item's place is found when it is needed.
    #[schemars(with = "Option<Vec<ClauseId>>")]
    pub clauses: Option<Spanned<Vec<Text<'a>>>>,
    /// The Annex A controls the area carries, A.5.1 to A.8.34 (`5.1` means A.5.1).
    #[schemars(with = "Option<Vec<ControlId>>")]
    pub controls: Option<Spanned<Vec<Text<'a>>>>,
    /// The day the area joined the scope (a scope extension), YYYY-MM-DD.
    #[schemars(with = "Option<Date>")]
    pub since: Option<Spanned<Date>>,
    /// The area's last day in the scope, YYYY-MM-DD.
    #[schemars(with = "Option<Date>")]
    pub until: Option<Spanned<Date>>,
    /// The site the area is at: only auditors whose `sites` include it (or who have none) audit it.
    #[schemars(with = "Option<String>")]
    pub site: Option<Spanned<Text<'a>>>,
    /// Consecutive open days one auditor spends on its audit (1-10, default 1).
    #[schemars(with = "Option<u32>")]
    pub audit_days: Option<Spanned<u32>>,
    /// How it is audited, shown in the plan.
    pub method: Option<Method>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, bound(deserialize = "'de: 'a"))]
#[schemars(rename = "Soa")]
pub(super) struct RawSoa<'a> {
    /// Annex A controls excluded from the Statement of Applicability, each with a reason.
    #[serde(default)]
    #[schemars(with = "Vec<RawExclusion>")]
    pub excluded: Vec<Spanned<RawExclusion<'a>>>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, bound(deserialize = "'de: 'a"))]
#[schemars(rename = "Exclusion")]
pub(super) struct RawExclusion<'a> {
    /// The excluded control, A.5.1 to A.8.34.
    #[schemars(with = "ControlId")]
    pub control: Spanned<Text<'a>>,
    /// The justification for the exclusion (required by ISO/IEC 27001:2022 6.1.3 d).
    pub reason: Option<Text<'a>>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, bound(deserialize = "'de: 'a"))]
#[schemars(rename = "Audit")]
pub(super) struct RawAudit<'a> {
    /// The audit's (first) day, YYYY-MM-DD.
    #[schemars(with = "Date")]
    pub date: Spanned<Date>,
    /// The areas (ids) it covered.
    #[schemars(with = "Vec<String>")]
    pub areas: Spanned<Vec<Text<'a>>>,
    /// Who audited (an id from `auditors`); leave it out for an outside party and give `auditor_org`.
    #[schemars(with = "Option<String>")]
    pub auditor: Option<Spanned<Text<'a>>>,
    /// The outside firm that audited, for a record without `auditor`.
    pub auditor_org: Option<Text<'a>>,
    /// done or booked; default done if the date is not after --today, else booked.
    pub status: Option<Status>,
    /// What the audit found: major and minor nonconformities (each default 0).
    pub nonconformities: Option<RawNonconformities>,
    /// The number of observations (opportunities for improvement).
    pub observations: Option<u32>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Nonconformities")]
pub(super) struct RawNonconformities {
    /// Major nonconformities found (default 0).
    #[serde(default)]
    pub major: u32,
    /// Minor nonconformities found (default 0).
    #[serde(default)]
    pub minor: u32,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, bound(deserialize = "'de: 'a"))]
#[schemars(rename = "CorrectiveAction")]
pub(super) struct RawCorrectiveAction<'a> {
    /// A unique id, such as CA-2027-01.
    #[schemars(with = "String")]
    pub id: Spanned<Text<'a>>,
    /// The area (id) the nonconformity was found in.
    #[schemars(with = "String")]
    pub area: Spanned<Text<'a>>,
    /// The nonconformity's severity (default minor).
    #[serde(default)]
    pub severity: NonconformitySeverity,
    /// The day the nonconformity was found, YYYY-MM-DD.
    #[schemars(with = "Date")]
    pub raised: Spanned<Date>,
    /// The agreed completion date, YYYY-MM-DD.
    #[schemars(with = "Date")]
    pub due: Spanned<Date>,
    /// The day it was closed, YYYY-MM-DD; open until recorded.
    #[schemars(with = "Option<Date>")]
    pub closed: Option<Spanned<Date>>,
    /// Free text.
    pub note: Option<Text<'a>>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Review")]
pub(super) struct RawReview {
    /// The management review's day, YYYY-MM-DD.
    #[schemars(with = "Date")]
    pub date: Spanned<Date>,
    /// done or booked, as for audits: a booked review whose day passed does not count.
    pub status: Option<Status>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, bound(deserialize = "'de: 'a"))]
#[schemars(rename = "Acceptance")]
pub(super) struct RawAcceptance<'a> {
    /// The check code the deviation is about.
    #[schemars(with = "CheckCode")]
    pub code: Spanned<Text<'a>>,
    /// Only findings about this area (id).
    #[schemars(with = "Option<String>")]
    pub area: Option<Spanned<Text<'a>>>,
    /// Only findings about this control.
    #[schemars(with = "Option<ControlId>")]
    pub control: Option<Spanned<Text<'a>>>,
    /// Why the certification body accepted it.
    pub reason: Option<Text<'a>>,
    /// The certification body's reference (letter, report).
    pub reference: Option<Text<'a>>,
    /// The last day it is accepted, YYYY-MM-DD; after it the finding counts again.
    #[schemars(with = "Option<Date>")]
    pub until: Option<Spanned<Date>>,
}

pub(super) fn loc<T>(s: &Spanned<T>) -> Loc {
    Loc::of(s.referenced).unwrap_or_default()
}

/// Finds where an item of a list is written, from where the list starts: each item is looked for
/// as a whole word after the one before it. Only needed for a problem, so the line starts are
/// counted once, the first time.
///
/// Problems come item by item, in list order, so the search goes on from where the last one
/// stopped (`cursor`): locating every item of a list costs one pass over it, however many there
/// are. Likewise a column is counted on from the last one found on the same line.
pub(super) struct Locator<'t> {
    text: &'t str,
    line_starts: std::cell::OnceCell<Vec<usize>>,
    cursor: std::cell::Cell<Option<Cursor>>,
    column: std::cell::Cell<Option<Column>>,
}

/// How far the last search went in one list.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Cursor {
    /// The list, by where it starts.
    list: usize,
    /// The items looked for so far, and the byte after the last one found; `None` when it was
    /// not found (nor can any after it be).
    items: usize,
    after: Option<usize>,
}

/// The last column counted: `byte` on the line starting at `line_start` is in `column`.
#[derive(Clone, Copy)]
struct Column {
    line_start: usize,
    byte: usize,
    column: usize,
}

/// How far after a list's start its items are looked for.
const LIST_WINDOW: usize = 1 << 16;

impl<'t> Locator<'t> {
    pub fn new(text: &'t str) -> Self {
        Locator {
            text,
            line_starts: std::cell::OnceCell::new(),
            cursor: std::cell::Cell::new(None),
            column: std::cell::Cell::new(None),
        }
    }

    /// Where item `k` of `list` is written; the list's own position where it cannot be told.
    pub fn item<T: std::ops::Deref<Target = str>>(&self, list: &Spanned<Vec<T>>, k: usize) -> Loc {
        let fallback = loc(list);
        let Some(start) = list.referenced.span().byte_offset().and_then(|o| usize::try_from(o).ok()) else {
            return fallback;
        };
        // Go on from the last search in this list if it stopped before item `k`; else start over.
        let resumed = self.cursor.get().filter(|c| c.list == start && c.items <= k);
        let (mut i, mut from) = match resumed {
            Some(Cursor { after: None, .. }) => return fallback,
            Some(Cursor { items, after: Some(after), .. }) => (items, after),
            None => (0, start),
        };
        let mut found = None;
        for item in list.value.iter().skip(i).take(k + 1 - i) {
            match self.word(from, item.trim()) {
                Some(at) => {
                    found = Some(at);
                    from = at + item.trim().len();
                    i += 1;
                }
                None => {
                    self.cursor.set(Some(Cursor { list: start, items: i, after: None }));
                    return fallback;
                }
            }
        }
        self.cursor.set(Some(Cursor { list: start, items: i, after: Some(from) }));
        match found {
            // A quoted item starts at its quote, as the parser counts it.
            Some(at) if i == k + 1 => {
                let quoted = self.text[..at].ends_with(['"', '\'']);
                self.loc_at(if quoted { at - 1 } else { at })
            }
            _ => fallback,
        }
    }

    /// The first place at or after `from` where `word` stands on its own.
    fn word(&self, from: usize, word: &str) -> Option<usize> {
        let part = |c: char| c.is_alphanumeric() || "._-".contains(c);
        let end = (from + LIST_WINDOW).min(self.text.len());
        let window = self.text.get(from..end)?;
        let mut start = 0;
        while !word.is_empty() {
            let at = start + window.get(start..)?.find(word)?;
            let before = window[..at].chars().next_back().is_none_or(|c| !part(c));
            let after = window[at + word.len()..].chars().next().is_none_or(|c| !part(c));
            if before && after {
                return Some(from + at);
            }
            start = at + word.len();
        }
        None
    }

    fn loc_at(&self, byte: usize) -> Loc {
        let starts = self
            .line_starts
            .get_or_init(|| std::iter::once(0).chain(self.text.match_indices('\n').map(|(i, _)| i + 1)).collect());
        let line = starts.partition_point(|&s| s <= byte);
        let start = starts[line.saturating_sub(1)];
        // Counted on from the last column on this line, if it is before `byte`.
        let (from, before) = match self.column.get() {
            Some(c) if c.line_start == start && c.byte <= byte => (c.byte, c.column - 1),
            _ => (start, 0),
        };
        let column = match self.text.get(from..byte) {
            Some(t) => {
                let column = before + t.chars().count() + 1;
                self.column.set(Some(Column { line_start: start, byte, column }));
                column
            }
            None => 1,
        };
        Loc::new(line as u64, column as u64)
    }
}

/// The most values (YAML nodes) a register may hold: a realistic area (an owner, a team,
/// controls) is 20 to 40 of them, so this reads the 100,000 areas a scope may have (the
/// benchmark's 100,000 are 2.4 million values), while reading the most it allows takes seconds
/// and an alias bomb still stops early (`max_aliases`, `max_total_replayed_events`).
pub const MAX_NODES: usize = 4_000_000;

/// The parser's options: budgets set for registers of up to a few hundred thousand areas.
pub fn options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_nodes = MAX_NODES;
    budget.max_events = 2 * MAX_NODES;
    // Anchors and merge keys (`<<: *name`) save typing in a register, a few dozen times; a
    // kilobyte of nested merges could otherwise copy a million events (hundreds of MiB).
    budget.max_recorded_anchor_events = 100_000;
    budget.max_merge_keys = 1_000;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options
}

/// A limit of the YAML reader, in the register's words, or `None` for any other error.
fn limit_reached(e: &serde_saphyr::Error) -> Option<(String, &'static str)> {
    use serde_saphyr::Error as E;
    use serde_saphyr::budget::BudgetBreach as B;
    let aliases = "aliases expanding this much look like a YAML bomb: write the values out";
    // The error itself, under the alias that led to it.
    let mut e = e;
    while let E::AliasError { error, .. } | E::WithSnippet { error, .. } = e {
        e = error;
    }
    Some(match e {
        E::Budget { breach, .. } => match breach {
            B::Nodes { .. } | B::Events { .. } => (
                format!("the register holds more than {} values", crate::diagnostic::thousands(MAX_NODES)),
                "that is far beyond the largest ISMS scope; check that this file is the register",
            ),
            B::Aliases { .. } | B::Anchors { .. } | B::AliasAnchorRatio { .. } => {
                ("the register uses too many aliases (`*name`)".to_string(), aliases)
            }
            B::RecordedAnchorEvents { .. } | B::MergeKeys { .. } => {
                ("the register's anchors and merge keys (`<<: *name`) copy too much".to_string(), aliases)
            }
            B::Depth { .. } => (
                "the register nests lists and keys too deep".to_string(),
                "a register is a few levels deep: check the indentation",
            ),
            B::ScalarBytes { .. } | B::InputBytes { .. } => {
                ("the register holds more than 64 MiB of text".to_string(), "check that this file is the register")
            }
            _ => ("the register is beyond what the YAML reader accepts".to_string(), aliases),
        },
        E::AliasReplayLimitExceeded { .. }
        | E::AliasExpansionLimitExceeded { .. }
        | E::AliasReplayStackDepthExceeded { .. } => {
            ("the register's aliases (`*name`) expand too far".to_string(), aliases)
        }
        _ => return None,
    })
}

/// The register's bytes as text: UTF-8, or an error at the line and column of the first byte
/// that is not.
pub fn decode<'a>(file: &str, bytes: &'a [u8]) -> Result<&'a str, crate::diagnostic::InputError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let good = &bytes[..e.valid_up_to()];
        let line = good.iter().filter(|b| **b == b'\n').count() + 1;
        let start = good.iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1);
        // Everything before the bad byte is UTF-8, so its characters can be counted.
        let column = std::str::from_utf8(&good[start..]).map_or(1, |s| s.chars().count() + 1);
        let byte = bytes[e.valid_up_to()];
        crate::diagnostic::InputError::one(
            file,
            Diagnostic::new(Loc::new(line as u64, column as u64), format!("byte 0x{byte:02x} is not UTF-8 text"))
                .hint("save the register as UTF-8"),
        )
    })
}

/// Turns a YAML or shape error into a one-line diagnostic in the register's terms: the parser
/// speaks of Rust types and its own options, users of keys, lists and values.
pub(super) fn yaml_diagnostic(e: &serde_saphyr::Error, text: &str) -> Diagnostic {
    let loc = e.location().and_then(Loc::of);
    if let Some((message, hint)) = limit_reached(e.without_snippet()) {
        return Diagnostic::new(loc, message).hint(hint);
    }
    let raw = serde_saphyr::DefaultMessageFormatter.format_message(e.without_snippet()).into_owned();
    // A tab where YAML wants spaces: point at the tab itself, which the parser does not.
    if raw.contains("found a tab") || raw.contains("tabs") {
        let from = loc.map_or(0, |l| line_start(text, l.line));
        if let Some(at) = text.get(from..).and_then(|t| t.find('\t')).map(|i| from + i) {
            let line = text[..at].matches('\n').count() + 1;
            let column = text[line_start(text, line as u64)..at].chars().count() + 1;
            return Diagnostic::new(Loc::new(line as u64, column as u64), "a tab in the indentation")
                .hint("YAML indents with spaces: replace the tab with spaces");
        }
    }
    let (mut message, mut hint) = plain_words(&raw);
    // serde writes "unknown field `x`, expected one of a, b" (and "unknown variant ..."). A close
    // match is a better hint than the whole list.
    for (kind, what) in [("unknown field `", "unknown key"), ("unknown variant `", "unknown value")] {
        if let Some(rest) = raw.strip_prefix(kind)
            && let Some((written, expected)) = rest.split_once('`')
        {
            let options = expected.split_once("one of ").map(|(_, l)| l).unwrap_or("");
            let known = options.split(", ").map(|s| s.trim_matches('`'));
            message = format!("{what} `{written}`");
            hint = Some(match catalogue::closest(written, known) {
                Some(close) => format!("did you mean `{close}`?"),
                // `{note: a, b}` reads `b` as a key: the usual slip inside braces.
                None if what == "unknown key" && written.contains(' ') => {
                    "inside `{...}` a comma ends a value: put text with commas in quotes".to_string()
                }
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

/// Every key given twice in one mapping, at its second place, in file order. The parser stops
/// at the first; this second pass, made only then, finds the rest. Keys are compared as written
/// (as the parser does), and a mapping whose key is itself a list or mapping is left alone.
pub(super) fn duplicate_keys(text: &str, errors: &mut Errors) {
    use granit_parser::{Event, Parser};
    /// An open mapping (its keys so far, and whether the next node is a key) or list.
    enum Open {
        Mapping { keys: HashMap<String, u64>, key_next: bool },
        List,
    }
    let mut open: Vec<Open> = Vec::new();
    for item in Parser::new_from_str(text) {
        let Ok((event, span)) = item else { break };
        let node =
            matches!(event, Event::Scalar(..) | Event::MappingStart(..) | Event::SequenceStart(..) | Event::Alias(..));
        let is_key = match open.last_mut() {
            Some(Open::Mapping { key_next, .. }) if node => std::mem::replace(key_next, !*key_next),
            _ => false,
        };
        match event {
            // `<<` is YAML's merge key, which a mapping may repeat.
            Event::Scalar(key, ..) if is_key && key != "<<" => {
                let line = span.start.line() as u64;
                if let Some(Open::Mapping { keys, .. }) = open.last_mut()
                    && let Some(first) = keys.insert(key.to_string(), line)
                {
                    keys.insert(key.to_string(), first);
                    let at = Loc::new(line, span.start.col() as u64 + 1);
                    if !errors.wants(at) {
                        errors.skip();
                        continue;
                    }
                    let message = format!("duplicate key `{}`", crate::text::shortened(&key, 60));
                    errors.push(
                        Diagnostic::new(at, message).hint(format!("give each key once (it is also on line {first})")),
                    );
                }
            }
            Event::MappingStart(..) => open.push(Open::Mapping { keys: HashMap::new(), key_next: true }),
            Event::SequenceStart(..) => open.push(Open::List),
            Event::MappingEnd | Event::SequenceEnd => _ = open.pop(),
            _ => {}
        }
    }
}

/// The byte where line `line` (1-based) starts.
fn line_start(text: &str, line: u64) -> usize {
    if line <= 1 {
        return 0;
    }
    text.match_indices('\n').nth(line as usize - 2).map_or(text.len(), |(i, _)| i + 1)
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
    if raw.starts_with("recursion limit exceeded") {
        return said(
            "the register nests lists and keys too deep",
            "a register is a few levels deep: check the indentation",
        );
    }
    if raw.starts_with("invalid u") || raw.starts_with("invalid i") {
        return said("expected a whole number, 0 or more", "write digits only, e.g. `6`");
    }
    if raw.starts_with("invalid type") && raw.ends_with("`{date: YYYY-MM-DD, ...}`") {
        return said("expected a date", "write YYYY-MM-DD, or `{date: YYYY-MM-DD, ...}`");
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

#[cfg(test)]
mod tests {
    #[test]
    fn every_duplicate_key_but_merge_keys() {
        let text = "base: &b {x: 1}\nother: &o {y: 2}\nm:\n  <<: *b\n  <<: *o\n  z: 1\n  z: 2\nm: 3\n";
        let mut errors = Errors::new();
        duplicate_keys(text, &mut errors);
        let said = errors.into_error("t.yaml").to_string();
        assert_eq!(
            said,
            "t.yaml:7:3: error: duplicate key `z`; give each key once (it is also on line 6)\n\
             t.yaml:8:1: error: duplicate key `m`; give each key once (it is also on line 3)"
        );
    }

    #[test]
    fn an_impossible_date_says_why() {
        let why = |t: &str| parse_date(t).err().unwrap_or_default();
        assert_eq!(why("2024-02-30"), "invalid date `2024-02-30`: February 2024 has 29 days");
        assert_eq!(why("2100-02-29"), "invalid date `2100-02-29`: February 2100 has 28 days");
        assert_eq!(why("2026-06-31"), "invalid date `2026-06-31`: June 2026 has 30 days");
        assert_eq!(why("2026-06-00"), "invalid date `2026-06-00`: there is no day 00; days run from 01 to 30");
        assert_eq!(why("2026-00-01"), "invalid date `2026-00-01`: there is no month 00; months run from 01 to 12");
        assert_eq!(why("2026-6-1"), "invalid date `2026-6-1`: expected a calendar date written YYYY-MM-DD");
        assert_eq!(why("2026-0٦-01"), "invalid date `2026-0٦-01`: expected a calendar date written YYYY-MM-DD");
        assert!(parse_date("2024-02-29").is_ok());
    }

    use super::*;

    #[derive(Deserialize)]
    struct Lists {
        a: Spanned<Vec<String>>,
        b: Spanned<Vec<String>>,
    }

    /// Items located in list order, going on from the last one, are where a search from the
    /// list's start finds them: repeated words, quotes, items spread over lines, a second list
    /// in between, an item asked for again, and a list whose item cannot be found.
    #[test]
    fn items_located_in_turn_are_where_a_search_from_the_start_finds_them() {
        let text = "a: [x1, 'x1', x10, \"Zürich\", x1,\n    y, ä.b, x1]\nb:\n  - one\n  - \"two\"\n  - x1\n";
        let lists: Lists = serde_saphyr::from_str(text).unwrap();
        let fresh = |list: &Spanned<Vec<String>>, k: usize| Locator::new(text).item(list, k);
        let expected: Vec<Loc> = (0..lists.a.value.len()).map(|k| fresh(&lists.a, k)).collect();
        let columns: Vec<(u64, u64)> = expected.iter().map(|l| (l.line, l.column)).collect();
        assert_eq!(columns, [(1, 5), (1, 9), (1, 15), (1, 20), (1, 30), (2, 5), (2, 8), (2, 13)]);
        let locator = Locator::new(text);
        let mut seen = Vec::new();
        for k in 0..lists.a.value.len() {
            seen.push(locator.item(&lists.a, k));
            // Another list in between, and an item asked for again, start over.
            assert_eq!(locator.item(&lists.b, 1), Loc::new(5, 5));
            assert_eq!(locator.item(&lists.a, k), seen[k]);
        }
        assert_eq!(seen, expected);
        // Skipping items goes on from the last one found, too.
        let locator = Locator::new(text);
        assert_eq!(locator.item(&lists.a, 2), expected[2]);
        assert_eq!(locator.item(&lists.a, 6), expected[6]);
        // An item not written as the list holds it (here, changed after parsing): it and every
        // item after it are reported at the list.
        let mut changed = Lists { a: lists.a, b: lists.b };
        changed.b.value[1] = "three".to_string();
        let locator = Locator::new(text);
        assert_eq!(locator.item(&changed.b, 0), Loc::new(4, 5));
        assert_eq!(locator.item(&changed.b, 1), loc(&changed.b));
        assert_eq!(locator.item(&changed.b, 2), loc(&changed.b));
        assert_eq!(locator.item(&changed.b, 0), Loc::new(4, 5));
    }
}
