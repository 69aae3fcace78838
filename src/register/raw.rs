//! The register as written: YAML shapes with source positions ([`super::yaml`] reads them),
//! each described for the JSON Schema next to its definition. [`super::check`] turns these into
//! the checked [`super::Register`].
//!
//! The marker types at the end (a clause id, a control id, a check code, a yes-or-no) exist for
//! the schema only: what the loader reads as text is described as the values it accepts.

use std::borrow::Cow;
use std::marker::PhantomData;

use super::yaml::{Chunked, Spanned};
mod profile;
use chrono::{Datelike, NaiveDate};
pub(super) use profile::*;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, de::MapAccess, de::Visitor};

use super::{AuditKind, FindingKind, Method, NonconformitySeverity, Risk, SpecialKind, Status};
use crate::catalogue;
use crate::codes::Code;
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
    /// The people the register names (owners, team members, auditors, the programme's owner,
    /// report recipients), with their names, roles and e-mail addresses.
    #[serde(default)]
    #[schemars(with = "Vec<RawPerson>")]
    pub people: Vec<Spanned<RawPerson<'a>>>,
    /// The internal auditors (staff or contracted).
    #[serde(default)]
    #[schemars(with = "Vec<RawAuditor>")]
    pub auditors: Vec<Spanned<RawAuditor<'a>>>,
    /// The ISMS scope, split into auditable areas: departments, processes, sites, systems.
    #[schemars(with = "Vec<RawArea>")]
    pub scope: Spanned<Chunked<Spanned<RawArea<'a>>>>,
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
    /// Persons doing work under the organisation's control in the scope (full-time equivalents, every shift): the certification body's audit time grows with it (ISO/IEC 27006-1 Annex C).
    #[serde(default)]
    #[schemars(with = "Option<u32>", range(min = 1, max = 1000000))]
    pub persons: Option<Spanned<u32>>,
    /// Groups among `persons` doing identical simple activities: each counts as the square root of its head count, rounded up (ISO/IEC 27006-1 C.3.4).
    #[serde(default)]
    #[schemars(with = "Vec<RawSimpleActivity>")]
    pub simple_activities: Vec<Spanned<RawSimpleActivity<'a>>>,
    /// The organisation's sites, one marked `central: true`: the certification body's site sample follows from them (IAF MD 1). Areas' `site` and auditors' `sites` then name these ids.
    #[serde(default)]
    #[schemars(with = "Vec<RawSite>")]
    pub sites: Vec<Spanned<RawSite<'a>>>,
    /// Whether the certification body may audit a sample of the sites (IAF MD 1): true (the default) where the sites run the same processes under one ISMS.
    #[serde(default)]
    #[schemars(with = "Option<bool>")]
    pub site_sampling: Option<Spanned<bool>>,
    /// The certification body's own audit-time table, to replace the one ismsaudit estimates from.
    #[serde(default)]
    pub audit_time: Option<RawAuditTime<'a>>,
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
    /// The initial audit's days, Stage 1 and Stage 2 together, as booked or quoted (e.g. `9.5`).
    #[schemars(with = "Option<AuditDays>")]
    pub initial_days: Option<Spanned<f64>>,
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
    /// Periods in which the certification body suspended the certificate (ISO/IEC 17021-1 9.6.5), in date order.
    #[serde(default)]
    #[schemars(with = "Vec<RawSuspension>")]
    pub suspended: Vec<Spanned<RawSuspension<'a>>>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, bound(deserialize = "'de: 'a"))]
#[schemars(rename = "Suspension")]
pub(super) struct RawSuspension<'a> {
    /// The first day of the suspension (YYYY-MM-DD).
    #[schemars(with = "Date")]
    pub from: Spanned<Date>,
    /// The last day, once the certification body has lifted it (YYYY-MM-DD); leave it out while it lasts.
    #[schemars(with = "Option<Date>")]
    pub to: Option<Spanned<Date>>,
    /// Why, or the certification body's reference: shown in the plan.
    pub note: Option<Text<'a>>,
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
    /// The audit days the certification body spent (or quoted), e.g. `3.5`.
    #[serde(default)]
    #[schemars(with = "Option<AuditDays>")]
    pub days: Option<Spanned<f64>>,
    /// The sites it visited (ids from `sites`).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub sites: Vec<Spanned<Text<'a>>>,
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
    /// An early recertification, before the cycle's third year (as when certificates are merged): the new cycle starts from its decision, and the anniversaries count from it.
    #[serde(default)]
    pub early: bool,
    /// The audit days the certification body spent (or quoted), e.g. `3.5`.
    #[serde(default)]
    #[schemars(with = "Option<AuditDays>")]
    pub days: Option<Spanned<f64>>,
    /// The sites it visited (ids from `sites`).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub sites: Vec<Spanned<Text<'a>>>,
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
    /// Whether the certification body recorded it as replacing the surveillance audit due: it then counts as that surveillance.
    #[serde(default)]
    pub replaces_surveillance: bool,
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
    /// The audit criteria besides ISO/IEC 27001: the policies, and the legal, regulatory and contractual requirements audited against (free text each).
    #[schemars(with = "Option<Vec<String>>")]
    pub criteria: Option<Spanned<Vec<Text<'a>>>>,
    /// The day from which the record of internal audits and management reviews is complete (YYYY-MM-DD), for a programme taken over mid-cycle: rounds that began before it are not judged.
    #[schemars(with = "Option<Date>")]
    pub record_from: Option<Spanned<Date>>,
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
#[schemars(rename = "Person")]
pub(super) struct RawPerson<'a> {
    /// A unique id (at most 100 characters), as owners, teams, auditors and `programme` name
    /// people.
    #[schemars(with = "String")]
    pub id: Spanned<Text<'a>>,
    /// Their name (default: the id).
    pub name: Option<Text<'a>>,
    /// Their role or job title.
    pub role: Option<Text<'a>>,
    /// Their e-mail address.
    #[schemars(with = "Option<String>")]
    pub email: Option<Spanned<Text<'a>>>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, bound(deserialize = "'de: 'a"))]
#[schemars(rename = "Area")]
pub(super) struct RawArea<'a> {
    // Held whole before it is checked: what most areas leave out is boxed and lists have no spare
    // room (a minimal area with its place, `Spanned<RawArea>`, takes 192 bytes, not 376).
    /// A unique id (at most 100 characters).
    #[schemars(with = "String")]
    pub id: Spanned<Text<'a>>,
    /// The area's name, shown in plans (default: the id).
    pub name: Option<Box<Text<'a>>>,
    /// The person accountable for the area; never audits it.
    #[schemars(with = "String")]
    pub owner: Spanned<Text<'a>>,
    /// People who run the area; none of them audits it.
    #[serde(default)]
    pub team: Box<[Text<'a>]>,
    /// How often it is audited: high every round, medium two rounds of three, low once a cycle (default low).
    #[serde(default)]
    pub risk: Risk,
    /// The ISO/IEC 27001:2022 clauses the area carries, 4.1 to 10.2; a third level (6.1.2) counts toward its subclause.
    // Lists of short ids are read with one position for the list, not one per item (most of a
    // large register's memory otherwise); an item's place is found when it is needed.
    #[schemars(with = "Option<Vec<ClauseId>>")]
    pub clauses: Option<Box<Spanned<Vec<Text<'a>>>>>,
    /// The Annex A controls the area carries, A.5.1 to A.8.34 (`5.1` means A.5.1).
    #[schemars(with = "Option<Vec<ControlId>>")]
    pub controls: Option<Box<Spanned<Vec<Text<'a>>>>>,
    /// The day the area joined the scope (a scope extension), YYYY-MM-DD.
    #[schemars(with = "Option<Date>")]
    pub since: Option<Box<Spanned<Date>>>,
    /// The area's last day in the scope, YYYY-MM-DD.
    #[schemars(with = "Option<Date>")]
    pub until: Option<Box<Spanned<Date>>>,
    /// The site the area is at: only auditors whose `sites` include it (or who have none) audit it.
    #[schemars(with = "Option<String>")]
    pub site: Option<Box<Spanned<Text<'a>>>>,
    /// Consecutive open days one auditor spends on its audit (1-10, default 1).
    #[schemars(with = "Option<u32>")]
    pub audit_days: Option<Box<Spanned<u32>>>,
    /// How it is audited, shown in the plan.
    pub method: Option<Method>,
    /// Earlier risk levels, where the area's risk changed: each `{until: YYYY-MM-DD, risk: ...}` the risk up to and including that day, in date order; `risk` is the current one. Each round is judged with the risk the area had then.
    #[serde(default)]
    #[schemars(with = "Vec<RawRiskPeriod>")]
    pub risk_history: Box<[Spanned<RawRiskPeriod>]>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "RiskPeriod")]
pub(super) struct RawRiskPeriod {
    /// The last day the risk applied (YYYY-MM-DD).
    #[schemars(with = "Date")]
    pub until: Spanned<Date>,
    /// The risk until then.
    pub risk: Risk,
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
    /// Its last day, YYYY-MM-DD, for an audit of several days (default: its day).
    #[schemars(with = "Option<Date>")]
    pub end: Option<Spanned<Date>>,
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
    /// full (default): the area's audit for its round; follow-up: a visit to verify corrective
    /// actions; partial: part of the area. Only a full audit counts as the area's round audit.
    pub kind: Option<AuditKind>,
    /// What the audit found: major and minor nonconformities (each default 0).
    pub nonconformities: Option<RawNonconformities>,
    /// The number of observations (opportunities for improvement).
    pub observations: Option<u32>,
    /// What the audit found, one by one; the counts (`nonconformities`, `observations`) then
    /// follow from them.
    #[schemars(with = "Option<Vec<RawFinding>>")]
    pub findings: Option<Spanned<Vec<Spanned<RawFinding<'a>>>>>,
    /// Where its report is: a document id or an address.
    pub report: Option<Text<'a>>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, bound(deserialize = "'de: 'a"))]
#[schemars(rename = "Finding")]
pub(super) struct RawFinding<'a> {
    /// A unique id, such as F-2027-03, that a corrective action's `finding` names.
    #[schemars(with = "String")]
    pub id: Spanned<Text<'a>>,
    /// major or minor (a nonconformity), observation, or opportunity (for improvement).
    pub kind: FindingKind,
    /// The area (id) it was found in: one of the audit's `areas`; may be left out where the
    /// audit covers one.
    #[schemars(with = "Option<String>")]
    pub area: Option<Spanned<Text<'a>>>,
    /// The clause it is against, such as 9.2.
    #[schemars(with = "Option<String>")]
    pub clause: Option<Spanned<Text<'a>>>,
    /// The Annex A control it is against, such as A.8.13.
    #[schemars(with = "Option<String>")]
    pub control: Option<Spanned<Text<'a>>>,
    /// What was found, in a sentence.
    pub text: Option<Text<'a>>,
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
    /// The finding (an id from an audit's `findings`) that raised it; its area, severity and
    /// day then follow from it.
    #[schemars(with = "Option<String>")]
    pub finding: Option<Spanned<Text<'a>>>,
    /// The area (id) the nonconformity was found in (from `finding` where it names one).
    #[schemars(with = "Option<String>")]
    pub area: Option<Spanned<Text<'a>>>,
    /// The nonconformity's severity (from `finding` where it names one; else default minor).
    #[schemars(with = "Option<NonconformitySeverity>")]
    pub severity: Option<Spanned<NonconformitySeverity>>,
    /// The day the nonconformity was found, YYYY-MM-DD (the audit's day where `finding` names it).
    #[schemars(with = "Option<Date>")]
    pub raised: Option<Spanned<Date>>,
    /// The completion date first agreed, YYYY-MM-DD.
    #[schemars(with = "Date")]
    pub due: Spanned<Date>,
    /// New completion dates agreed since, each with why, in the order agreed: the last holds.
    #[serde(default)]
    #[schemars(with = "Vec<RawRevision>")]
    pub revised: Vec<Spanned<RawRevision<'a>>>,
    /// The day it was closed, YYYY-MM-DD; open until recorded.
    #[schemars(with = "Option<Date>")]
    pub closed: Option<Spanned<Date>>,
    /// The day its effectiveness was verified (ISO/IEC 27001:2022 10.2 d), YYYY-MM-DD.
    #[schemars(with = "Option<Date>")]
    pub verified: Option<Spanned<Date>>,
    /// Free text: what was done, evidence, who verified it.
    pub note: Option<Text<'a>>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, bound(deserialize = "'de: 'a"))]
#[schemars(rename = "Revision")]
pub(super) struct RawRevision<'a> {
    /// The new completion date, YYYY-MM-DD.
    #[schemars(with = "Date")]
    pub due: Spanned<Date>,
    /// Why it was agreed.
    pub reason: Option<Text<'a>>,
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

/// One of the listed values, each with its description: editors offer them with the text.
fn one_of(values: impl Iterator<Item = (String, String)>) -> Vec<serde_json::Value> {
    values.map(|(value, description)| serde_json::json!({"const": value, "description": description})).collect()
}

/// Text is a string in the schema, however it is held.
impl JsonSchema for Text<'_> {
    fn schema_name() -> Cow<'static, str> {
        String::schema_name()
    }

    fn inline_schema() -> bool {
        String::inline_schema()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        String::json_schema(generator)
    }
}

impl JsonSchema for Date {
    fn schema_name() -> Cow<'static, str> {
        "Date".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            "description": "A calendar date, YYYY-MM-DD, from 1970 to 2200."
        })
    }
}

impl<T: JsonSchema> JsonSchema for DateOr<T> {
    fn schema_name() -> Cow<'static, str> {
        format!("DateOr{}", T::schema_name()).into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let (date, full) = (generator.subschema_for::<Date>(), generator.subschema_for::<T>());
        json_schema!({ "anyOf": [date, full] })
    }
}

impl JsonSchema for Day {
    fn schema_name() -> Cow<'static, str> {
        "Day".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let date = generator.subschema_for::<Date>();
        json_schema!({
            "anyOf": [
                date,
                {"type": "string", "pattern": "^[0-9]{2}-[0-9]{2}$", "description": "MM-DD: the same day every year."}
            ]
        })
    }
}

impl JsonSchema for RawWeekday {
    fn schema_name() -> Cow<'static, str> {
        "Weekday".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let names: Vec<&str> = WEEKDAYS.iter().flat_map(|d| [&d[..3], *d]).collect();
        json_schema!({ "type": "string", "enum": names, "description": "A day of the week: mon ... sun, or written out." })
    }
}

/// A yes-or-no setting: YAML's `true` and `false`, or the words the loader reads as them, in
/// any case (`yes`, `no`, `on`, `off`, `y`, `n`).
pub(super) struct YamlBool;

impl JsonSchema for YamlBool {
    fn schema_name() -> Cow<'static, str> {
        "YamlBool".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "anyOf": [
                {"type": "boolean"},
                {"type": "string", "pattern": "^([Yy]([Ee][Ss])?|[Nn][Oo]?|[Oo]([Nn]|[Ff][Ff])|[Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])$"}
            ]
        })
    }
}

/// A clause of ISO/IEC 27001:2022, 4.1 to 10.2, or a third-level one such as 6.1.2.
pub(super) struct ClauseId;

impl JsonSchema for ClauseId {
    fn schema_name() -> Cow<'static, str> {
        "ClauseId".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let titled = (catalogue::clause_ids().map(|id| (id, catalogue::clause_title(id).unwrap_or_default())))
            .chain(catalogue::third_level_clauses())
            .map(|(id, title)| (id.to_string(), format!("{id} {title}")));
        json_schema!({
            "anyOf": [
                {"type": "string", "oneOf": one_of(titled)},
                // A plain `9.2` is a number to YAML; the loader reads it as written.
                {"type": "number"}
            ]
        })
    }
}

/// An Annex A control of ISO/IEC 27001:2022, A.5.1 to A.8.34 (`5.1` means A.5.1).
pub(super) struct ControlId;

impl JsonSchema for ControlId {
    fn schema_name() -> Cow<'static, str> {
        "ControlId".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let titled = catalogue::control_ids()
            .map(|id| (id.to_string(), format!("{id} {}", catalogue::control_title(id).unwrap_or_default())));
        let bare: Vec<&str> = catalogue::control_ids().filter_map(|id| id.strip_prefix("A.")).collect();
        json_schema!({
            "anyOf": [
                {"type": "string", "oneOf": one_of(titled)},
                {"type": "string", "enum": bare},
                {"type": "number"}
            ]
        })
    }
}

/// A check code an accepted deviation may cover.
pub(super) struct CheckCode;

impl JsonSchema for CheckCode {
    fn schema_name() -> Cow<'static, str> {
        "CheckCode".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let codes =
            (Code::ALL.iter().filter(|c| c.acceptable())).map(|c| (c.key().to_string(), c.doc().when.to_string()));
        json_schema!({ "type": "string", "oneOf": one_of(codes) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
