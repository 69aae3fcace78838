//! `plan --format json`: the plan as one JSON document (schema_version 1).

use std::io::{self, Write};

use chrono::NaiveDate;
use serde::Serialize;

use crate::cycle::{External, ExternalKind};
use crate::plan::{EventKind, Plan};
use crate::programme::Unassigned;

/// Bumped when a field changes meaning or disappears; new fields may appear at any time.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Doc<'a> {
    schema_version: u32,
    organisation: &'a str,
    today: NaiveDate,
    certification: Certification,
    settings: Vec<Setting>,
    cycles: Vec<CycleDoc>,
    rounds: Vec<RoundDoc>,
    events: Vec<EventDoc<'a>>,
}

#[derive(Serialize)]
struct Certification {
    #[serde(skip_serializing_if = "Option::is_none")]
    stage1: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stage2: Option<NaiveDate>,
    decision: NaiveDate,
    assumed: Vec<&'static str>,
}

#[derive(Serialize)]
struct Setting {
    name: &'static str,
    value: serde_json::Value,
    default: bool,
}

#[derive(Serialize)]
struct CycleDoc {
    number: u32,
    start: NaiveDate,
    expiry: NaiveDate,
}

#[derive(Serialize)]
struct RoundDoc {
    round: String,
    cycle: u32,
    prepares: Prepares,
    last_day: NaiveDate,
    review: NaiveDate,
    areas: Vec<String>,
}

#[derive(Serialize, Clone, Copy)]
struct Prepares {
    kind: &'static str,
    date: NaiveDate,
}

impl From<External> for Prepares {
    fn from(e: External) -> Self {
        Prepares { kind: e.kind.key(), date: e.date }
    }
}

#[derive(Serialize)]
struct EventDoc<'a> {
    date: NaiveDate,
    kind: &'static str,
    cycle: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    number: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    round: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    area: Option<&'a str>,
    /// Present (possibly null) on internal audits only.
    #[serde(skip_serializing_if = "Option::is_none")]
    auditor: Option<Option<&'a str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    prepares: Option<Prepares>,
    #[serde(skip_serializing_if = "Option::is_none")]
    latest: Option<NaiveDate>,
    status: &'static str,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    assumed: bool,
    /// Why an internal audit has no auditor: `none_independent` or `no_free_day`.
    #[serde(skip_serializing_if = "Option::is_none")]
    unassigned: Option<&'static str>,
    /// Present, false, on a recorded audit by an auditor who is not independent of the area.
    #[serde(skip_serializing_if = "Option::is_none")]
    independent: Option<bool>,
    past: bool,
}

/// Writes the plan as pretty-printed JSON, with a final newline.
pub fn write(plan: &Plan<'_>, out: &mut dyn Write) -> io::Result<()> {
    let reg = plan.register;
    let settings = &reg.settings;
    let mut setting_docs: Vec<Setting> = settings
        .weeks()
        .into_iter()
        .map(|(name, v)| Setting { name, value: v.into(), default: !settings.given.contains(name) })
        .collect();
    let workdays = settings.workday_names();
    setting_docs.push(Setting {
        name: "workdays",
        value: workdays.into(),
        default: !settings.given.contains("workdays"),
    });
    let blackouts: Vec<serde_json::Value> = (settings.blackouts.iter())
        .map(|b| serde_json::json!({"from": b.from, "to": b.to, "reason": b.reason}))
        .collect();
    setting_docs.push(Setting { name: "blackout", default: blackouts.is_empty(), value: blackouts.into() });
    let doc = Doc {
        schema_version: SCHEMA_VERSION,
        organisation: &reg.organisation,
        today: plan.today,
        certification: Certification {
            stage1: plan.certificate.stage1.map(|s| s.date),
            stage2: plan.certificate.stage2.map(|s| s.date),
            decision: plan.certificate.decision.date,
            assumed: plan.assumed(),
        },
        settings: setting_docs,
        cycles: plan.cycles.iter().map(|c| CycleDoc { number: c.number, start: c.start, expiry: c.expiry }).collect(),
        rounds: plan
            .rounds
            .iter()
            .map(|r| RoundDoc {
                round: r.label(),
                cycle: r.cycle,
                prepares: r.prepares.into(),
                last_day: r.last_day,
                review: r.review.date,
                areas: r.audits.iter().map(|a| a.area.clone()).collect(),
            })
            .collect(),
        events: plan
            .events()
            .into_iter()
            .map(|e| EventDoc {
                date: e.date,
                kind: e.kind.key(),
                cycle: e.cycle,
                number: match e.kind {
                    EventKind::External(ExternalKind::Surveillance(n)) => Some(n),
                    _ => None,
                },
                round: e.round,
                area: e.area,
                auditor: (e.kind == EventKind::InternalAudit).then_some(e.auditor),
                prepares: e.prepares.map(Prepares::from),
                latest: e.external.and_then(|x| x.latest),
                status: e.status,
                assumed: e.status == "assumed",
                past: e.date < plan.today,
                independent: (!e.independent).then_some(false),
                unassigned: e.unassigned.map(|u| match u {
                    Unassigned::NoneIndependent => "none_independent",
                    Unassigned::NoFreeDay => "no_free_day",
                }),
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::other)?;
    writeln!(out)
}
