//! `plan --format table`: the terminal view.

use std::io::{self, Write};

use chrono::NaiveDate;
use comfy_table::{Table, presets};

use crate::cycle::{Basis, External, ExternalKind};
use crate::plan::Plan;
use crate::programme::{AreaAudit, Round, Source, Unassigned};
use crate::render::count;

fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED).set_header(header.to_vec());
    t
}

fn external_status(e: &External, plan: &Plan<'_>) -> String {
    let today = plan.today;
    let late = e.latest.is_some_and(|latest| e.date > latest);
    match e.basis {
        // A later cycle's start rests on the previous cycle's recertification.
        Basis::Recorded if e.kind == ExternalKind::CycleStart => {
            let on = plan.certificate.cycle(e.cycle.saturating_sub(1)).recertification.date;
            if on <= today { format!("recertified {on}") } else { format!("recertification booked {on}") }
        }
        Basis::Computed if e.kind == ExternalKind::CycleStart => "if recertified".to_string(),
        Basis::Recorded if late && e.date <= today => "held, LATE".to_string(),
        Basis::Recorded if late => "booked, LATE".to_string(),
        Basis::Recorded if e.date <= today => "held".to_string(),
        Basis::Recorded => "booked".to_string(),
        b @ (Basis::Planned | Basis::Assumed) if e.date < today => format!("{}, past", b.key()),
        b => b.key().to_string(),
    }
}

/// An audit's status for people: a planned audit whose round is over without a record is
/// overdue; a recorded one by an auditor who is not independent does not count.
fn audit_status(audit: &AreaAudit, round: &Round, today: NaiveDate) -> String {
    let status = match audit.source {
        Source::Done => "done",
        Source::Booked if audit.date < today && round.last_day < today => "booked, OVERDUE",
        Source::Booked if audit.date < today => "booked, past",
        Source::Booked => "booked",
        _ if round.last_day < today => "OVERDUE",
        Source::CatchUp => "catch-up",
        _ if audit.date < today => "planned, past",
        _ => "planned",
    };
    if audit.independent { status.to_string() } else { format!("{status}, NOT INDEPENDENT") }
}

/// Writes the plan for a terminal: external audits, each round, the coverage matrix, settings.
pub fn write(plan: &Plan<'_>, out: &mut dyn Write) -> io::Result<()> {
    let reg = plan.register;
    let cert = &plan.certificate;
    writeln!(out, "{}: audit plan as of {}", reg.organisation, plan.today)?;
    let mut initial = Vec::new();
    for e in [cert.stage1, cert.stage2, Some(cert.decision)].into_iter().flatten() {
        let note = if e.basis == Basis::Assumed { " (assumed)" } else { "" };
        initial.push(format!("{} {}{note}", e.kind.label(), e.date));
    }
    writeln!(out, "Certificate: {}", initial.join(", "))?;
    for c in &plan.cycles {
        writeln!(out, "Cycle {}: {} to {}", c.number, c.start, c.expiry)?;
    }

    writeln!(out, "\nExternal audits")?;
    let mut t = table(&["Cycle", "Audit", "Date", "Latest", "Status"]);
    for e in plan.externals() {
        let cycle = if e.cycle == 0 { "initial".to_string() } else { e.cycle.to_string() };
        let latest = e.latest.map(|d| d.to_string()).unwrap_or_default();
        t.add_row(vec![cycle, e.label(), e.date.to_string(), latest, external_status(&e, plan)]);
    }
    writeln!(out, "{t}")?;

    let (mut none_independent, mut no_free_day) = (0, 0);
    for r in &plan.rounds {
        writeln!(out, "\nRound {}: prepares {}", r.label(), r.prepares.describe())?;
        if r.audits.is_empty() {
            writeln!(out, "No area audits: every area is covered elsewhere in the cycle.")?;
        } else {
            let mut t = table(&["Date", "Area", "Risk", "Auditor", "Status"]);
            for a in &r.audits {
                let risk = reg.scope.iter().find(|x| x.id == a.area).map_or("", |x| x.risk.as_str());
                let auditor = match (&a.auditor, a.unassigned) {
                    (Some(id), _) => id.clone(),
                    (None, Some(Unassigned::NoneIndependent)) => {
                        none_independent += 1;
                        "NONE INDEPENDENT".to_string()
                    }
                    (None, Some(Unassigned::NoFreeDay)) => {
                        no_free_day += 1;
                        "NO FREE DAY".to_string()
                    }
                    (None, None) => "(not recorded)".to_string(),
                };
                let status = audit_status(a, r, plan.today);
                t.add_row(vec![a.date.to_string(), a.area.clone(), risk.to_string(), auditor, status]);
            }
            writeln!(out, "{t}")?;
        }
        let review = if r.review.recorded.is_some() { "recorded" } else { "planned" };
        let past = if r.review.date < plan.today && r.review.recorded.is_none() { ", past" } else { "" };
        writeln!(out, "Management review: {} ({review}{past})", r.review.date)?;
    }
    if none_independent > 0 {
        writeln!(
            out,
            "\n{} planned with no auditor (NONE INDEPENDENT): every auditor owns, runs or has a conflict with the area. Add an independent auditor (internal or external) to `auditors`.",
            count(none_independent, "area audit")
        )?;
    }
    if no_free_day > 0 {
        writeln!(
            out,
            "\n{} planned with no auditor (NO FREE DAY): every independent auditor is busy on every open day the round has left. Add auditors, or hold audits earlier.",
            count(no_free_day, "area audit")
        )?;
    }

    writeln!(out, "\nCoverage (catch-up: planned to make up for an audit missed earlier in the cycle)")?;
    let labels: Vec<String> = plan.rounds.iter().map(Round::label).collect();
    let mut header = vec!["Area", "Risk"];
    header.extend(labels.iter().map(String::as_str));
    let mut t = table(&header);
    for area in &reg.scope {
        let mut row = vec![area.id.clone(), area.risk.as_str().to_string()];
        for r in &plan.rounds {
            // The audit that counts, if there is one; else whatever there is.
            let audit = r.audits_of(&area.id).find(|a| a.independent).or_else(|| r.audits_of(&area.id).next());
            row.push(audit.map(|a| audit_status(a, r, plan.today)).unwrap_or_default());
        }
        t.add_row(row);
    }
    writeln!(out, "{t}")?;
    for c in &plan.cycles {
        let uncovered: Vec<&str> =
            reg.scope.iter().filter(|a| !plan.covered_in_cycle(c.number, &a.id)).map(|a| a.id.as_str()).collect();
        if uncovered.is_empty() {
            writeln!(out, "Cycle {}: every area is covered (audited, booked or still planned).", c.number)?;
        } else {
            writeln!(
                out,
                "Cycle {}: NOT COVERED: {} (no audit held, booked or still planned).",
                c.number,
                uncovered.join(", ")
            )?;
        }
    }

    let s = &reg.settings;
    let default = |name: &str| if s.given.contains(name) { "" } else { " (default)" };
    let mut settings: Vec<String> = s.weeks().iter().map(|(name, v)| format!("{name} {v}{}", default(name))).collect();
    settings.push(format!("workdays {}{}", s.workday_names().join(" "), default("workdays")));
    writeln!(out, "\nSettings: {}.", settings.join(", "))?;
    for b in &s.blackouts {
        let why = if b.reason.is_empty() { String::new() } else { format!(" ({})", b.reason) };
        writeln!(out, "Blackout: {} to {}{why}.", b.from, b.to)?;
    }
    writeln!(out, "Planned dates move earlier, never later, to a workday outside blackouts.")?;
    Ok(())
}
