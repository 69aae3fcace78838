//! `plan --format json`: the plan as one JSON document (schema_version 1).

use std::collections::BTreeMap;
use std::io::{self, Write};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use serde::ser::SerializeSeq;
use serde_json::ser::{CompactFormatter, Formatter};

use crate::catalogue::{Clause, Control};
use crate::cycle::estimate::{Estimate, MAX_REDUCTION_PERCENT};
use crate::cycle::{External, ExternalKind};
use crate::plan::{Event, EventKind, Plan};
use crate::programme::{AreaAudit, Behind, Effort, Round, RoundName, Unassigned};
use crate::register::{Area, AuditKind, Register, SpecialKind, Tenths};

/// A list written as its items are made, once: an iterator serialized as a JSON array (a
/// report of 100,000 findings is not laid out whole before it is written).
pub(crate) struct Lazy<I>(std::cell::Cell<Option<I>>);

impl<I> Lazy<I> {
    pub(crate) fn new(items: I) -> Self {
        Lazy(std::cell::Cell::new(Some(items)))
    }
}

impl<I: Iterator<Item = T>, T: Serialize> Serialize for Lazy<I> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0.take() {
            Some(items) => serializer.collect_seq(items),
            None => Err(serde::ser::Error::custom("a lazy list is written once")),
        }
    }
}

/// Bumped when a field changes meaning or disappears; new fields may appear at any time.
pub(crate) const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Doc<'a> {
    schema_version: u32,
    organisation: &'a str,
    today: NaiveDate,
    programme: ProgrammeDoc<'a>,
    /// The people the register lists: ids as owners, teams, auditors and the programme name them.
    people: Vec<PersonDoc<'a>>,
    /// The title of every clause and control the scope's areas carry, once for all audits.
    titles: BTreeMap<&'static str, &'static str>,
    certification: Certification,
    settings: Vec<Setting>,
    cycles: Vec<CycleDoc>,
    rounds: Vec<RoundDoc<'a>>,
    /// The programme's auditor-days: per round, per auditor and per calendar year.
    effort: EffortDoc,
    /// The certification body's audit time and site sample, estimated, where the register
    /// gives `persons` or `sites`.
    #[serde(skip_serializing_if = "Option::is_none")]
    audit_time: Option<AuditTimeDoc>,
    events: Events<'a>,
}

#[derive(Serialize)]
struct AuditTimeDoc {
    /// Always true: the certification body determines audit time (ISO/IEC 17021-1 9.1.4).
    estimate: bool,
    persons: Option<u32>,
    effective_persons: Option<u32>,
    source: String,
    max_reduction_percent: u32,
    audits: Vec<AuditTimeEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sites: Option<SitesDoc>,
}

#[derive(Serialize)]
struct AuditTimeEntry {
    audit: &'static str,
    /// `null` past the table's last band.
    days: Option<Tenths>,
    least: Option<Tenths>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sites_besides_central: Option<u32>,
}

#[derive(Serialize)]
struct SitesDoc {
    central: String,
    others: u32,
    sampling: bool,
}

impl AuditTimeDoc {
    fn of(reg: &Register) -> Option<Self> {
        let e = Estimate::of(&reg.profile)?;
        Some(AuditTimeDoc {
            estimate: true,
            persons: e.persons,
            effective_persons: e.effective,
            max_reduction_percent: MAX_REDUCTION_PERCENT,
            audits: (e.audits.iter())
                .map(|a| AuditTimeEntry {
                    audit: a.audit.key(),
                    days: a.days,
                    least: a.least,
                    sites_besides_central: a.sites,
                })
                .collect(),
            sites: (reg.profile.central()).zip(e.other_sites).map(|(c, others)| SitesDoc {
                central: c.id.clone(),
                others,
                sampling: e.sampling,
            }),
            source: e.source,
        })
    }
}

#[derive(Serialize)]
struct EffortDoc {
    rounds: Vec<RoundEffortDoc>,
    auditors: Vec<AuditorEffortDoc>,
    years: BTreeMap<i32, u32>,
    /// What every auditor's `max_days_per_year` allow together, where each has one.
    year_cap: Option<u32>,
}

#[derive(Serialize)]
struct RoundEffortDoc {
    round: String,
    days: u32,
    held: u32,
    booked: u32,
    unassigned: u32,
    /// What every auditor's `max_days_per_round` allow together, where each has one.
    cap: Option<u32>,
}

#[derive(Serialize)]
struct AuditorEffortDoc {
    /// An auditor's id, an outside firm's name, or "(no auditor yet)".
    auditor: String,
    days: BTreeMap<i32, u32>,
    total: u32,
}

impl EffortDoc {
    fn of(plan: &Plan<'_>) -> Self {
        let effort = Effort::of(plan.register, plan.today, &plan.rounds);
        EffortDoc {
            rounds: (effort.rounds.iter().cloned())
                .map(|r| RoundEffortDoc {
                    round: r.label,
                    days: r.days,
                    held: r.held,
                    booked: r.booked,
                    unassigned: r.unassigned,
                    cap: r.cap,
                })
                .collect(),
            auditors: (effort.by_auditor().into_iter())
                .map(|(_, auditor, days)| AuditorEffortDoc {
                    auditor: auditor.to_string(),
                    total: days.values().sum(),
                    days: days.clone(),
                })
                .collect(),
            years: effort.years.clone(),
            year_cap: Effort::year_cap(plan.register),
        }
    }
}

/// The events, each written as it is reached rather than all held as documents first: a plan of
/// a large scope has hundreds of thousands.
struct Events<'a> {
    plan: &'a Plan<'a>,
}

impl Serialize for Events<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(None)?;
        for e in self.plan.events() {
            seq.serialize_element(&EventDoc::of(&e, self.plan.register, self.plan.today))?;
        }
        seq.end()
    }
}

/// Someone the register lists.
#[derive(Serialize)]
struct PersonDoc<'a> {
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
}

/// Who runs the programme and receives its reports (9.2.2: responsibilities, reporting).
#[derive(Serialize)]
struct ProgrammeDoc<'a> {
    owner: Option<&'a str>,
    reports_to: &'a [String],
}

#[derive(Serialize)]
struct Certification {
    #[serde(skip_serializing_if = "Option::is_none")]
    stage1: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stage2: Option<NaiveDate>,
    decision: NaiveDate,
    assumed: Vec<&'static str>,
    /// Which certification this is: 0 for the initial one, then each restart after a lapse.
    #[serde(skip_serializing_if = "is_zero")]
    restart: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    lapse: Option<LapseDoc>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

#[derive(Serialize)]
struct LapseDoc {
    cycle: u32,
    expiry: NaiveDate,
    restoration_deadline: NaiveDate,
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
struct RoundDoc<'a> {
    round: String,
    cycle: u32,
    /// An interim round, keeping the interval before the round that prepares `prepares`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    interim: bool,
    prepares: Prepares,
    last_day: NaiveDate,
    review: NaiveDate,
    areas: AreaIds<'a>,
}

/// A round's areas, written from its audits as they are reached (three rounds of 100,000
/// audits are not copied as lists of ids before the first is written).
struct AreaIds<'a>(&'a [AreaAudit<'a>]);

impl Serialize for AreaIds<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|a| a.area.as_str()))
    }
}

#[derive(Serialize, Clone, Copy)]
struct Prepares {
    kind: &'static str,
    date: Day,
}

impl From<&External> for Prepares {
    fn from(e: &External) -> Self {
        Prepares { kind: e.kind.key(), date: Day(e.date) }
    }
}

/// A round's name, written straight into the output (one for each of a plan's events).
struct Name(RoundName);

impl Serialize for Name {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

/// A date written as chrono writes it (`2026-11-28`) but without `fmt`, which took a fifth of
/// the time to write a plan: each event has up to four dates.
#[derive(Clone, Copy)]
struct Day(NaiveDate);

impl Serialize for Day {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (year, month, day) = (self.0.year(), self.0.month(), self.0.day());
        let Ok(year @ 0..=9999) = u32::try_from(year) else {
            return self.0.serialize(serializer);
        };
        let digit = |n: u32| b'0' + (n % 10) as u8;
        let text = [
            digit(year / 1000),
            digit(year / 100),
            digit(year / 10),
            digit(year),
            b'-',
            digit(month / 10),
            digit(month),
            b'-',
            digit(day / 10),
            digit(day),
        ];
        serializer.serialize_str(std::str::from_utf8(&text).map_err(serde::ser::Error::custom)?)
    }
}

impl<'a> EventDoc<'a> {
    fn of(e: &'a Event<'a>, register: &'a Register, today: NaiveDate) -> Self {
        let audit = e.audit;
        let external = e.external.as_deref();
        // What a planned or recorded audit covers, from its area (a record may name an area the
        // scope no longer has).
        let area = audit.and_then(|a| a.area_in(register));
        EventDoc {
            date: Day(e.date),
            kind: e.kind.key(),
            cycle: e.cycle,
            number: match e.kind {
                EventKind::External(ExternalKind::Surveillance(n)) => Some(n),
                _ => None,
            },
            round: e.round.map(Round::short_name).map(Name),
            area: audit.map(|a| a.area.as_str()),
            auditor: audit.map(|a| a.auditor(register)),
            prepares: e.prepares.map(Prepares::from),
            latest: external.and_then(|x| x.latest).map(Day),
            end: (external.filter(|x| x.end > x.date).map(|x| x.end))
                .or(audit.filter(|a| a.end > a.date).map(|a| a.end))
                .map(Day),
            audit_days: area.filter(|_| audit.is_some_and(|a| !a.source.is_recorded())).map(|a| a.audit_days),
            method: area.and_then(|a| a.method).map(|m| m.key()),
            clauses: area.map(|a| &*a.clauses),
            controls: area.map(|a| &*a.controls),
            follow_up: audit.and_then(|a| a.follow_up).map(|f| f.key()),
            audit_kind: audit.map(|a| a.kind).filter(|k| *k != AuditKind::Full).map(AuditKind::key),
            restoration: external.is_some_and(|x| x.restoration),
            early: external.is_some_and(|x| x.early),
            due: audit.filter(|a| !a.source.is_recorded() || a.behind.is_some()).map(|a| Day(a.due)),
            passed: audit.and_then(|a| a.passed).map(Day),
            report: audit.and_then(|a| a.record_in(register)).and_then(|r| r.report.as_deref()),
            findings: audit
                .and_then(|a| Some((a, a.record_in(register)?)))
                .map(|(a, r)| r.findings.iter().filter(|f| f.area == a.area).map(FindingDoc::of).collect())
                .filter(|f: &Vec<FindingDoc>| !f.is_empty()),
            status: e.status,
            overdue: audit.is_some_and(|a| matches!(a.behind, Some(Behind::Overdue | Behind::ExtensionMissed))),
            late: audit.is_some_and(|a| a.behind == Some(Behind::Late)),
            special: match e.kind {
                EventKind::External(ExternalKind::Special(k)) => Some(k.key()),
                _ => external.and_then(|x| x.replacing).map(SpecialKind::key),
            },
            assumed: e.status == "assumed",
            past: e.date < today,
            independent: audit.filter(|a| !a.independent).map(|_| false),
            unassigned: audit.and_then(|a| a.unassigned).map(Unassigned::key),
        }
    }
}

/// One finding of a recorded audit.
#[derive(Serialize)]
struct FindingDoc<'a> {
    id: &'a str,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    clause: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    control: Option<&'a str>,
    text: &'a str,
}

impl<'a> FindingDoc<'a> {
    fn of(f: &'a crate::register::Finding) -> Self {
        FindingDoc {
            id: &f.id,
            kind: f.kind.key(),
            clause: f.clause.as_deref(),
            control: f.control.as_deref(),
            text: &f.text,
        }
    }
}

#[derive(Serialize)]
struct EventDoc<'a> {
    date: Day,
    kind: &'static str,
    cycle: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    number: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    round: Option<Name>,
    #[serde(skip_serializing_if = "Option::is_none")]
    area: Option<&'a str>,
    /// Present (possibly null) on internal audits only.
    #[serde(skip_serializing_if = "Option::is_none")]
    auditor: Option<Option<&'a str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    prepares: Option<Prepares>,
    #[serde(skip_serializing_if = "Option::is_none")]
    latest: Option<Day>,
    /// The last visit of a split external audit, or the last day of an internal audit of
    /// several days.
    #[serde(skip_serializing_if = "Option::is_none")]
    end: Option<Day>,
    /// For planned internal audits: the days it takes.
    #[serde(skip_serializing_if = "Option::is_none")]
    audit_days: Option<u32>,
    /// For internal audits whose area names one: on-site, remote or hybrid.
    #[serde(skip_serializing_if = "Option::is_none")]
    method: Option<&'static str>,
    /// For internal audits: the audit criteria, the area's clauses and controls (their titles
    /// are in the document's `titles`).
    #[serde(skip_serializing_if = "Option::is_none")]
    clauses: Option<&'a [Clause]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    controls: Option<&'a [Control]>,
    /// Why the area is audited in this round besides its risk: what its last audit found.
    #[serde(skip_serializing_if = "Option::is_none")]
    follow_up: Option<&'static str>,
    /// On a recertification after expiry, which restores the certificate.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    restoration: bool,
    /// On an early recertification, which ends its cycle: the next starts from its decision.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    early: bool,
    /// For a recorded internal audit that is not the area's full audit: follow-up or partial.
    #[serde(skip_serializing_if = "Option::is_none")]
    audit_kind: Option<&'static str>,
    /// For internal audits: the last day it can be held for its round.
    #[serde(skip_serializing_if = "Option::is_none")]
    due: Option<Day>,
    /// For an internal audit planned again: the day the plan had for it, which passed with
    /// nothing recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    passed: Option<Day>,
    /// For a recorded internal audit: where its report is.
    #[serde(skip_serializing_if = "Option::is_none")]
    report: Option<&'a str>,
    /// For a recorded internal audit that lists them: its findings in the area.
    #[serde(skip_serializing_if = "Option::is_none")]
    findings: Option<Vec<FindingDoc<'a>>>,
    status: &'static str,
    /// On internal audits the rule required and that were not held before their external audit.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    overdue: bool,
    /// On internal audits past their round's lead day, with the external audit still ahead.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    late: bool,
    /// For a special audit, and a surveillance the certification body held as one (a special
    /// audit recorded as replacing it): scope-extension, short-notice, follow-up or other.
    #[serde(skip_serializing_if = "Option::is_none")]
    special: Option<&'static str>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    assumed: bool,
    /// Why an internal audit has no auditor: `none_independent`, `no_free_day`,
    /// `no_auditor_for_site` or `round_cap`.
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
        .numbers()
        .map(|(n, v)| Setting { name: n.key, value: v.into(), default: !settings.given.contains(n.key) })
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
    let yearly = settings.yearly.iter().map(|b| {
        let (from, to) = b.days();
        serde_json::json!({"from": from, "to": to, "reason": b.reason, "every_year": true})
    });
    let blackouts: Vec<serde_json::Value> = blackouts.into_iter().chain(yearly).collect();
    setting_docs.push(Setting { name: "blackout", default: blackouts.is_empty(), value: blackouts.into() });
    setting_docs.push(Setting {
        name: "rotation",
        value: settings.rotation.into(),
        default: !settings.given.contains("rotation"),
    });
    let epoch = plan.epoch();
    let doc = Doc {
        schema_version: SCHEMA_VERSION,
        organisation: &reg.organisation,
        today: plan.today,
        certification: Certification {
            stage1: epoch.stage1.map(|s| s.date),
            stage2: epoch.stage2.map(|s| s.date),
            decision: epoch.decision.date,
            assumed: plan.assumed(),
            restart: epoch.index,
            lapse: plan.lapse.map(|l| LapseDoc { cycle: l.cycle, expiry: l.expiry, restoration_deadline: l.deadline }),
        },
        settings: setting_docs,
        cycles: plan.cycles.iter().map(|c| CycleDoc { number: c.number, start: c.start, expiry: c.expiry }).collect(),
        rounds: plan
            .rounds
            .iter()
            .map(|r| RoundDoc {
                round: r.label(),
                cycle: r.cycle,
                interim: r.interim > 0,
                prepares: (&r.prepares).into(),
                last_day: r.last_day,
                review: r.review.date,
                areas: AreaIds(&r.audits),
            })
            .collect(),
        programme: ProgrammeDoc { owner: reg.programme_owner.as_deref(), reports_to: &reg.reports_to },
        people: (reg.people.iter())
            .map(|p| PersonDoc {
                id: &p.id,
                name: p.name.as_deref(),
                role: p.role.as_deref(),
                email: p.email.as_deref(),
            })
            .collect(),
        titles: titles(&reg.scope),
        effort: EffortDoc::of(plan),
        audit_time: AuditTimeDoc::of(reg),
        events: Events { plan },
    };
    to_writer(out, &doc)
}

/// The title of each clause and control the scope carries, once: a look-up in a map of a
/// hundred titles for each of an area's ids, rather than a list of every area's ids sorted.
fn titles(scope: &[Area]) -> BTreeMap<&'static str, &'static str> {
    let mut titles = BTreeMap::new();
    for area in scope {
        titles.extend(area.clauses.iter().map(|c| (c.id(), c.title())));
        titles.extend(area.controls.iter().map(|c| (c.id(), c.title())));
    }
    titles
}

/// Writes `value` as pretty-printed JSON with a final newline, arrays of scalars on one line.
pub fn to_writer<T: Serialize>(out: &mut dyn Write, value: &T) -> io::Result<()> {
    // Buffered here, where the writer's type is known, so that serde_json's many small writes
    // are copies rather than calls through `dyn Write`.
    let mut out = io::BufWriter::with_capacity(1 << 16, out);
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, Layout::default());
    value.serialize(&mut serializer).map_err(io::Error::other)?;
    writeln!(out)?;
    out.flush()
}

/// Pretty JSON as `serde_json::ser::PrettyFormatter` writes it, indented by two spaces, except
/// that an array whose first item is a scalar stays on one line: `"controls": ["A.5.1",
/// "A.8.2"]`. A plan lists every audit's criteria, and one line each made the output three
/// times as long and most of the time spent writing it.
#[derive(Default)]
struct Layout {
    indent: usize,
    /// Whether the innermost object has a member (`{}` when not).
    has_value: bool,
    /// The open arrays, innermost last: whether each is written one item per line.
    arrays: Vec<bool>,
    /// An array has begun its first item, and how it is laid out waits on what the item is.
    first_item: bool,
}

impl Layout {
    /// Called as each value starts: the first item of an array decides the array's layout.
    fn value<W: ?Sized + Write>(&mut self, w: &mut W, container: bool) -> io::Result<()> {
        if !std::mem::take(&mut self.first_item) || !container {
            return Ok(());
        }
        if let Some(block) = self.arrays.last_mut() {
            *block = true;
        }
        self.indent += 1;
        self.newline(w)
    }

    fn newline<W: ?Sized + Write>(&self, w: &mut W) -> io::Result<()> {
        w.write_all(b"\n")?;
        const SPACES: &[u8; 64] = &[b' '; 64];
        let mut n = 2 * self.indent;
        while n > 0 {
            let k = n.min(SPACES.len());
            w.write_all(&SPACES[..k])?;
            n -= k;
        }
        Ok(())
    }
}

/// The scalar writers: each starts a value, then writes as the compact formatter does.
macro_rules! scalars {
    ($($name:ident: $t:ty),*) => {$(
        fn $name<W: ?Sized + Write>(&mut self, w: &mut W, v: $t) -> io::Result<()> {
            self.value(w, false)?;
            CompactFormatter.$name(w, v)
        }
    )*};
}

impl Formatter for Layout {
    scalars!(write_bool: bool, write_i8: i8, write_i16: i16, write_i32: i32, write_i64: i64, write_i128: i128,
        write_u8: u8, write_u16: u16, write_u32: u32, write_u64: u64, write_u128: u128, write_f32: f32,
        write_f64: f64, write_number_str: &str, write_raw_fragment: &str);

    fn write_null<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.value(w, false)?;
        w.write_all(b"null")
    }

    fn begin_string<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.value(w, false)?;
        w.write_all(b"\"")
    }

    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.value(w, true)?;
        self.arrays.push(false);
        w.write_all(b"[")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if first {
            self.first_item = true;
            return Ok(());
        }
        match self.arrays.last() {
            Some(true) => {
                w.write_all(b",")?;
                self.newline(w)
            }
            _ => w.write_all(b", "),
        }
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        Ok(())
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        if self.arrays.pop() == Some(true) {
            self.indent -= 1;
            self.newline(w)?;
        }
        w.write_all(b"]")
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.value(w, true)?;
        self.indent += 1;
        self.has_value = false;
        w.write_all(b"{")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        self.newline(w)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.indent -= 1;
        if self.has_value {
            self.newline(w)?;
        }
        w.write_all(b"}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text<T: Serialize>(value: &T) -> String {
        let mut out = Vec::new();
        to_writer(&mut out, value).expect("writing to a Vec cannot fail");
        String::from_utf8(out).expect("serde_json writes UTF-8")
    }

    #[test]
    fn a_date_is_written_as_chrono_writes_it() {
        let mut d = NaiveDate::from_ymd_opt(1968, 12, 25).expect("a valid date");
        let last = NaiveDate::from_ymd_opt(2205, 1, 5).expect("a valid date");
        while d <= last {
            assert_eq!(serde_json::to_string(&Day(d)).ok(), serde_json::to_string(&d).ok(), "{d}");
            d = d.succ_opt().expect("within chrono's range");
        }
        for d in [NaiveDate::MIN, NaiveDate::MAX, NaiveDate::from_ymd_opt(0, 1, 1).expect("a valid date")] {
            assert_eq!(serde_json::to_string(&Day(d)).ok(), serde_json::to_string(&d).ok(), "{d}");
        }
    }

    #[test]
    fn scalar_arrays_stay_on_one_line_and_the_rest_is_indented() {
        let value = serde_json::json!({
            "ids": ["A.5.1", "A.8.2"],
            "none": [],
            "empty": {},
            "rounds": [{"n": 1, "areas": ["a"]}, {"n": 2, "areas": []}],
            "nested": [[1, 2], [null, true]],
        });
        let expected = r#"{
  "empty": {},
  "ids": ["A.5.1", "A.8.2"],
  "nested": [
    [1, 2],
    [null, true]
  ],
  "none": [],
  "rounds": [
    {
      "areas": ["a"],
      "n": 1
    },
    {
      "areas": [],
      "n": 2
    }
  ]
}
"#;
        assert_eq!(text(&value), expected);
        let back: serde_json::Value = serde_json::from_str(&text(&value)).expect("valid JSON");
        assert_eq!(back, value);
    }
}
