//! The register's keys for the certification body's estimates, as written.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;

use super::Text;
use crate::register::yaml::Spanned;

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, bound(deserialize = "'de: 'a"))]
#[schemars(rename = "SimpleActivity")]
pub(in crate::register) struct RawSimpleActivity<'a> {
    /// What the group does, e.g. `Warehouse picking`.
    #[schemars(with = "String")]
    pub activity: Text<'a>,
    /// How many persons do it (full-time equivalents, every shift): part of `persons`.
    #[schemars(with = "u32", range(min = 1))]
    pub persons: Spanned<u32>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, bound(deserialize = "'de: 'a"))]
#[schemars(rename = "Site")]
pub(in crate::register) struct RawSite<'a> {
    /// A unique id, as areas' `site` and auditors' `sites` name it.
    #[schemars(with = "String")]
    pub id: Spanned<Text<'a>>,
    /// Its name (default: the id).
    pub name: Option<Text<'a>>,
    /// The central function, where the ISMS is managed: exactly one site is.
    #[serde(default)]
    pub central: bool,
    /// The site's own closures (its public holidays, a site shutdown), besides `settings.blackout`: no audit of an area at the site is planned on them. Dates, or MM-DD for every year.
    #[serde(default)]
    #[schemars(with = "Vec<super::RawBlackout>")]
    pub closed: Vec<Spanned<super::RawBlackout<'a>>>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, bound(deserialize = "'de: 'a"))]
#[schemars(rename = "AuditTime")]
pub(in crate::register) struct RawAuditTime<'a> {
    /// Where the table comes from: the certification body, its document or quote.
    #[schemars(with = "String")]
    pub source: Spanned<Text<'a>>,
    /// The bands, by `persons` increasing: each the most persons in the band and the initial audit's days (Stage 1 and Stage 2 together).
    #[schemars(with = "Vec<RawBand>")]
    pub table: Spanned<Vec<Spanned<RawBand>>>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "AuditTimeBand")]
pub(in crate::register) struct RawBand {
    /// The most persons in the band.
    #[schemars(with = "u32", range(min = 1))]
    pub persons: Spanned<u32>,
    /// The initial audit's days for the band (Stage 1 and Stage 2), in tenths at most (8.5).
    #[schemars(with = "AuditDays")]
    pub days: Spanned<f64>,
}

/// Audit days as the schema gives them: a number of days in tenths.
pub(in crate::register) struct AuditDays;

impl JsonSchema for AuditDays {
    fn schema_name() -> Cow<'static, str> {
        "AuditDays".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "number",
            "minimum": 0.5,
            "maximum": 1000,
            "description": "Audit days, in tenths of a day at most (3.5)."
        })
    }
}
