//! `ismsaudit audit-plan`: one audit's plan, as Markdown to hand to the auditor and auditees,
//! or as JSON.

use std::io::{self, Write};

use chrono::NaiveDate;
use serde::Serialize;

use super::markdown::md;
use crate::audit_plan::AuditPlan;

/// Writes the plan as a Markdown document; register text is escaped as in the programme.
pub fn markdown(p: &AuditPlan<'_>, organisation: &str, today: NaiveDate, out: &mut dyn Write) -> io::Result<()> {
    let area = p.area;
    let title = if area.name() == area.id { md(&area.id) } else { format!("{} ({})", md(area.name()), md(&area.id)) };
    writeln!(out, "# Audit plan: {title}\n")?;
    writeln!(
        out,
        "Internal audit of round {} of the {} ISMS audit programme, which prepares {}. Planned with ismsaudit as of {today}.\n",
        p.round,
        md(organisation),
        p.prepares
    )?;
    let when = if p.end > p.date { format!("{} to {}", p.date, p.end) } else { p.date.to_string() };
    let days = if p.on.len() == 1 { "1 day".to_string() } else { format!("{} days", p.on.len()) };
    let mut place = Vec::new();
    place.extend(p.site.as_deref().map(|s| format!("site {}", md(s))));
    place.push(p.method.map_or_else(|| "on-site or remote, as agreed with the auditees".to_string(), str::to_string));
    let (owner, team) = p.auditees.split_first().map_or((String::new(), &[][..]), |(o, t)| (md(o), t));
    let auditees = if team.is_empty() {
        format!("owner {owner}")
    } else {
        format!("owner {owner}; team {}", team.iter().map(|t| md(t)).collect::<Vec<_>>().join(", "))
    };
    writeln!(out, "| | |\n|---|---|")?;
    writeln!(out, "| Date | {when} ({days}) |")?;
    let status = match p.status {
        "booked" if p.end < today => "booked, past: not recorded as held".to_string(),
        s => s.replace('_', "-"),
    };
    writeln!(out, "| Status | {status} |")?;
    writeln!(out, "| Place and method | {} |", place.join("; "))?;
    writeln!(out, "| Auditor | {} |", p.auditor.as_deref().map_or_else(|| "**not yet assigned**".to_string(), md))?;
    writeln!(out, "| Auditees | {auditees} |")?;
    if !p.contacts.is_empty() {
        let contacts: Vec<String> =
            p.contacts.iter().map(|(who, email)| format!("{}: {}", md(who), md(email))).collect();
        writeln!(out, "| Contacts | {} |", contacts.join("; "))?;
    }
    writeln!(out, "| Report due | {}, before the management review on {} |", p.report_due, p.review)?;

    writeln!(out, "\n## Objectives\n")?;
    for o in &p.objectives {
        writeln!(out, "- {}", md(o))?;
    }
    writeln!(out, "\n## Scope\n")?;
    let at = p.site.as_deref().map(|s| format!(" at {}", md(s))).unwrap_or_default();
    writeln!(
        out,
        "The area {title}{at}: its processes, the records they keep and the people who run them, for the period since its last audit."
    )?;
    if let Some(until) = area.until {
        writeln!(out, "\nThe area leaves the scope after {until}.")?;
    }
    writeln!(out, "\n## Criteria\n")?;
    writeln!(
        out,
        "ISO/IEC 27001:2022; the organisation's ISMS documentation for the area (policies, procedures, the Statement of Applicability, the risk treatment plan); and the legal, regulatory and contractual requirements that apply to it.\n"
    )?;
    for d in p.documents {
        writeln!(out, "- {}", md(d))?;
    }
    if !p.documents.is_empty() {
        writeln!(out)?;
    }
    writeln!(out, "The clauses and controls it carries:\n")?;
    if p.criteria.is_empty() {
        writeln!(out, "The register lists none for the area: agree them with its owner before the audit.")?;
    } else {
        writeln!(out, "| Clause or control | Title |\n|---|---|")?;
        for (id, title) in &p.criteria {
            writeln!(out, "| {id} | {title} |")?;
        }
    }
    if !p.follow_up.is_empty() {
        writeln!(out, "\n## Earlier findings to follow up\n")?;
        writeln!(out, "| Finding | Kind | Found | What | Corrective action |\n|---|---|---|---|---|")?;
        for f in &p.follow_up {
            let action = f.action.as_ref().map_or_else(
                || if f.kind.severity().is_some() { "**none recorded**".to_string() } else { String::new() },
                |(id, status)| format!("{}: {status}", md(id)),
            );
            writeln!(out, "| {} | {} | {} | {} | {action} |", md(&f.id), f.kind.key(), f.found, md(&f.text))?;
        }
    }
    conduct(p, out)
}

/// How the audit is held and reported: its timetable, method and reporting.
fn conduct(p: &AuditPlan<'_>, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "\n## Timetable\n")?;
    let last = p.on.len();
    for (k, day) in p.on.iter().enumerate() {
        let mut parts = Vec::new();
        if k == 0 {
            parts.push("opening meeting with the owner: scope, method, timetable, confidentiality and the guide (ISO 19011 6.4.3)");
        }
        parts.push("interviews, observation and samples of records");
        if k + 1 == last {
            parts.push("closing meeting: the findings and conclusions presented, nonconformities agreed with the owner (ISO 19011 6.4.10)");
        }
        writeln!(out, "- Day {} ({day}): {}.", k + 1, parts.join("; "))?;
    }
    writeln!(out, "\n## Method\n")?;
    writeln!(
        out,
        "Interviews with the auditees, observation of the work, and samples of records from the period audited (ISO 19011 6.4.7): enough to judge effectiveness, not only that documents exist. Each finding is recorded with its evidence and the requirement it is judged against; nonconformities are graded major or minor. Evidence is handled as the organisation classifies it (A.5.12, A.5.13): records sampled are referenced in the report, not copied, and nothing confidential leaves the area without its owner's consent."
    )?;
    writeln!(out, "\n## Reporting\n")?;
    let to = if p.report_to.is_empty() {
        "the programme's owner".to_string()
    } else {
        p.report_to.iter().map(|r| md(r)).collect::<Vec<_>>().join(", ")
    };
    writeln!(
        out,
        "The auditor reports to {to} by {}: the findings, with evidence, and the conclusion on conformity and effectiveness. The results go to the management review on {} (ISO/IEC 27001:2022 9.2.2 d, 9.3.2 c); nonconformities get a corrective action (10.2).",
        p.report_due, p.review
    )?;
    Ok(())
}

#[derive(Serialize)]
struct Doc<'a> {
    area: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    site: Option<&'a str>,
    round: &'a str,
    prepares: &'a str,
    date: NaiveDate,
    end: NaiveDate,
    days: usize,
    status: &'a str,
    auditor: Option<&'a str>,
    auditees: &'a [String],
    on: &'a [NaiveDate],
    #[serde(skip_serializing_if = "Option::is_none")]
    method: Option<&'a str>,
    objectives: &'a [String],
    criteria: Vec<Criterion<'a>>,
    documents: &'a [String],
    follow_up: Vec<FollowUpDoc<'a>>,
    report_to: &'a [String],
    report_due: NaiveDate,
    review: NaiveDate,
}

#[derive(Serialize)]
struct Criterion<'a> {
    id: &'a str,
    title: &'a str,
}

#[derive(Serialize)]
struct FollowUpDoc<'a> {
    id: &'a str,
    kind: &'a str,
    found: NaiveDate,
    text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    corrective_action: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    corrective_action_status: Option<&'a str>,
}

/// Writes the plan as JSON.
pub fn json(p: &AuditPlan<'_>, out: &mut dyn Write) -> io::Result<()> {
    let doc = Doc {
        area: &p.area.id,
        name: p.area.name(),
        site: p.site.as_deref(),
        round: &p.round,
        prepares: &p.prepares,
        date: p.date,
        end: p.end,
        days: p.on.len(),
        status: p.status,
        auditor: p.auditor.as_deref(),
        auditees: &p.auditees,
        on: &p.on,
        method: p.method,
        objectives: &p.objectives,
        criteria: p.criteria.iter().map(|(id, title)| Criterion { id, title }).collect(),
        documents: p.documents,
        follow_up: (p.follow_up.iter())
            .map(|f| FollowUpDoc {
                id: &f.id,
                kind: f.kind.key(),
                found: f.found,
                text: &f.text,
                corrective_action: f.action.as_ref().map(|(id, _)| id.as_str()),
                corrective_action_status: f.action.as_ref().map(|(_, s)| s.as_str()),
            })
            .collect(),
        report_to: &p.report_to,
        report_due: p.report_due,
        review: p.review,
    };
    super::json::to_writer(out, &doc)
}
