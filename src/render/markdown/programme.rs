//! The sections that make the schedule an audit programme (ISO/IEC 27001:2022 9.2.2; ISO 19011
//! 5.2 to 5.5): its objectives, criteria, the frequency of each area's audits and why, the
//! methods, how auditors are chosen (with the independence matrix), responsibilities, the
//! results of the audits held and how results are reported.

use std::collections::HashMap;
use std::io::{self, Write};

use chrono::NaiveDate;

use super::{area_name, md, person, table};
use crate::audit_plan::{REPORT_WITHIN_DAYS, action_status};
use crate::plan::Plan;
use crate::register::{Area, Conflict, Conflicts, FindingKind, Register, Risk, Status, same_id};

/// Why the programme audits: conformity and effectiveness (9.2.1), and what an effectiveness
/// audit looks at.
pub(super) fn objectives(out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "\n## Objectives\n")?;
    writeln!(out, "The programme provides information on whether the information security management system:\n")?;
    writeln!(
        out,
        "- conforms to the organisation's own requirements for it and to ISO/IEC 27001:2022 (9.2.1 a): the audit criteria below;"
    )?;
    writeln!(
        out,
        "- is effectively implemented and maintained (9.2.1 b): each audit samples the evidence of the period since the area's last audit (records of operation, changes, incidents, reviews and measurements, interviews with the people who do the work, observation), to judge whether the controls work and achieve their intended results, not only that they are documented;"
    )?;
    writeln!(
        out,
        "- acts on what earlier audits found: nonconformities are followed up until their corrective actions are verified effective (10.2);"
    )?;
    writeln!(
        out,
        "- is ready for each certification-body audit: every round ends before its external audit with time for the management review to take its results (9.3.2 c)."
    )
}

/// What audits are judged against: the standard, the register's own criteria, the SoA.
pub(super) fn criteria(reg: &Register, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "\n## Criteria\n")?;
    writeln!(
        out,
        "- ISO/IEC 27001:2022 clauses 4 to 10, and the Annex A controls of the Statement of Applicability (`ismsaudit soa`), as each area carries them (the scope table; titles under Audit criteria)."
    )?;
    for c in &reg.criteria {
        writeln!(out, "- {}", md(c))?;
    }
    if reg.criteria.is_empty() {
        writeln!(
            out,
            "- The organisation's information security policy and the policies and procedures of each area, and the legal, regulatory and contractual requirements that apply."
        )?;
    }
    Ok(())
}

/// How often each area is audited, and why: its risk, the results of its last audit, changes.
pub(super) fn frequency(plan: &Plan<'_>, out: &mut dyn Write) -> io::Result<()> {
    let reg = plan.register;
    writeln!(out, "\n## Frequency, and why\n")?;
    writeln!(
        out,
        "Each area is audited as its risk requires, within every certificate cycle: high risk in every round, medium risk in two rounds of three (never two rounds in a row without), low risk once a cycle; an area whose last audit found a major nonconformity is audited again in the next round, a minor one by the round after at the latest, until an audit finds none; an area that joins the scope is audited before the next external audit (9.2.2: frequency taking into consideration the importance of the processes, changes and the results of previous audits).\n"
    )?;
    // For each round, the areas with an audit in it (not missed), by their places in the scope:
    // a byte an area and round, not a list of labels for each area.
    let audited: Vec<(String, Vec<bool>)> = (plan.rounds.iter())
        .map(|r| {
            let mut has = vec![false; reg.scope.len()];
            for a in r.audits.iter().filter(|a| a.source != crate::programme::Source::Missed) {
                if let Some(i) = a.area_as_written(reg) {
                    has[i] = true;
                }
            }
            (r.label(), has)
        })
        .collect();
    let rows = (reg.scope.iter().enumerate()).map(|(i, a)| {
        let mut labels: Vec<&str> = audited.iter().filter(|(_, has)| has[i]).map(|(label, _)| label.as_str()).collect();
        labels.dedup();
        let audited = labels.join(", ");
        vec![area_name(a), a.risk.as_str().to_string(), rule(a.risk).to_string(), why(reg, a, plan.today), audited]
    });
    table(out, &["Area", "Risk", "Frequency", "Also", "Rounds in this plan"], rows)
}

fn rule(risk: Risk) -> &'static str {
    match risk {
        Risk::High => "every round",
        Risk::Medium => "two rounds of three",
        Risk::Low => "once a cycle",
    }
}

/// The changes and results that bear on an area's frequency.
fn why(reg: &Register, a: &Area, today: NaiveDate) -> String {
    let mut out = Vec::new();
    if let Some(since) = a.since {
        out.push(format!("joined the scope on {since}"));
    }
    if let Some(until) = a.until {
        out.push(format!("leaves the scope after {until}"));
    }
    if let Some((until, risk)) = a.risk_history.last() {
        out.push(format!("{} risk until {until}", risk.as_str()));
    }
    let last =
        reg.audits.iter().rfind(|r| r.status_on(today) == Status::Done && r.areas.iter().any(|x| same_id(x, &a.id)));
    if let Some(r) = last {
        let found = r.found_in(&a.id).unwrap_or(r.nonconformities);
        match (found.major, found.minor) {
            (0, 0) => {}
            (0, minor) => out.push(format!(
                "its last audit ({}) found {minor} minor nonconformit{}: followed up by the round after next at the latest",
                r.date,
                if minor == 1 { "y" } else { "ies" }
            )),
            (major, _) => out.push(format!(
                "its last audit ({}) found {major} major nonconformit{}: followed up in the next round",
                r.date,
                if major == 1 { "y" } else { "ies" }
            )),
        }
    }
    out.join("; ")
}

/// The methods: on site, remote or both, and what an audit does.
pub(super) fn methods(reg: &Register, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "\n## Methods\n")?;
    let count = |m: Option<crate::register::Method>| reg.scope.iter().filter(|a| a.method == m).count();
    use crate::register::Method::{Hybrid, OnSite, Remote};
    writeln!(
        out,
        "Audits are held on site ({}), remotely ({}) or both ({}), as the scope table says ({} areas with no method set: agreed with their owners before each audit). Each audit interviews the people who do the work, observes it, and samples its records (ISO 19011 6.4.7); a remote audit uses screen sharing and records shared for the audit, with the same sampling (ISO 19011 A.16). An audit takes its area's `audit_days`.",
        count(Some(OnSite)),
        count(Some(Remote)),
        count(Some(Hybrid)),
        count(None)
    )
}

/// How auditors are chosen (competence, independence, rotation), and who may audit what.
pub(super) fn auditors(reg: &Register, labels: &HashMap<String, String>, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "\n## Auditors: competence and independence\n")?;
    writeln!(
        out,
        "Auditors are chosen for their competence in auditing and in the area audited (ISO 19011 7), and so that the audit is objective and impartial (9.2.2 c): nobody audits an area they own, are on the team of, or have declared a conflict with. Where another can take it, an area does not get the auditor of its previous audit (rotation{}). The auditors:\n",
        if reg.settings.rotation { "" } else { ", off in this register" }
    )?;
    for a in &reg.auditors {
        let mut limits = Vec::new();
        limits.extend(a.max_days_per_round.map(|d| format!("at most {d} audit days a round")));
        limits.extend(a.max_days_per_year.map(|d| format!("{d} a year")));
        limits.extend(a.sites.as_ref().map(|s| format!("sites {}", s.join(", "))));
        let limits = if limits.is_empty() { String::new() } else { format!(": {}", limits.join(", ")) };
        writeln!(out, "- {}{}", md(&person(&a.id, labels)), md(&limits))?;
    }
    writeln!(out, "\nWho may audit which area (✓ may; otherwise why not):\n")?;
    let conflicts = Conflicts::new(&reg.scope, &reg.auditors);
    let mut header = vec!["Area".to_string()];
    header.extend(reg.auditors.iter().map(|a| md(&a.id)));
    let rows = (reg.scope.iter().enumerate()).map(|(i, area)| {
        let mut row = vec![area_name(area)];
        row.extend((0..reg.auditors.len()).map(|j| match conflicts.between(i, j) {
            None => "✓".to_string(),
            Some(Conflict::Owner) => "owner".to_string(),
            Some(Conflict::Team) => "team".to_string(),
            Some(Conflict::Declared) => "conflict".to_string(),
        }));
        row
    });
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    table(out, &header, rows)
}

/// Who does what in the programme.
pub(super) fn responsibilities(
    reg: &Register,
    labels: &HashMap<String, String>,
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(out, "\n## Responsibilities\n")?;
    let owner = reg
        .programme_owner
        .as_deref()
        .map_or_else(|| "the programme's owner (not named in the register)".to_string(), |o| md(&person(o, labels)));
    writeln!(out, "- Programme: {owner} establishes, implements, monitors and reviews it (ISO 19011 5.3, 5.6).")?;
    writeln!(
        out,
        "- Auditors: plan each audit (`ismsaudit audit-plan`), hold it, and report its findings with evidence."
    )?;
    writeln!(
        out,
        "- Area owners: make the people and records of their area available, and raise and carry out corrective actions on nonconformities (10.2)."
    )?;
    writeln!(out, "- Top management: takes the results in the management review (9.3).")
}

/// The audits held in the plan's period and what they found; the corrective actions.
pub(super) fn results(plan: &Plan<'_>, out: &mut dyn Write) -> io::Result<()> {
    let reg = plan.register;
    let today = plan.today;
    writeln!(out, "\n## Results of audits held\n")?;
    let held: Vec<_> = reg.audits.iter().filter(|r| r.status_on(today) == Status::Done && r.date <= today).collect();
    let since = plan.rounds.iter().filter_map(|r| r.window_start).min();
    let in_period: Vec<_> = held.iter().filter(|r| since.is_none_or(|s| r.date >= s)).collect();
    let mut kinds: [usize; 4] = [0; 4];
    for r in &in_period {
        if r.findings.is_empty() {
            kinds[0] += r.nonconformities.major as usize;
            kinds[1] += r.nonconformities.minor as usize;
            kinds[2] += r.observations as usize;
        }
        for f in &r.findings {
            let k = match f.kind {
                FindingKind::Major => 0,
                FindingKind::Minor => 1,
                FindingKind::Observation => 2,
                FindingKind::Opportunity => 3,
            };
            kinds[k] += 1;
        }
    }
    let period = since.map_or_else(String::new, |s| format!(" since {s}"));
    let n = |k: usize, one: &str, many: &str| format!("{k} {}", if k == 1 { one } else { many });
    writeln!(
        out,
        "{} held{period}: {}, {}, {}, {}.\n",
        n(in_period.len(), "internal audit", "internal audits"),
        n(kinds[0], "major nonconformity", "major nonconformities"),
        n(kinds[1], "minor nonconformity", "minor nonconformities"),
        n(kinds[2], "observation", "observations"),
        n(kinds[3], "opportunity for improvement", "opportunities for improvement")
    )?;
    let actions = &reg.corrective_actions;
    let open = actions.iter().filter(|c| c.closed.is_none()).count();
    let overdue = actions.iter().filter(|c| c.closed.is_none() && c.due_now() < today).count();
    let unverified = actions.iter().filter(|c| c.closed.is_some() && c.verified.is_none()).count();
    let verified = actions.iter().filter(|c| c.verified.is_some()).count();
    writeln!(
        out,
        "Corrective actions (10.2): {} in all; {open} open ({overdue} overdue), {unverified} closed and awaiting verification of their effectiveness, {verified} verified.",
        actions.len()
    )?;
    if !actions.is_empty() {
        writeln!(out)?;
        let rows: Vec<Vec<String>> = (actions.iter())
            .map(|c| {
                let finding = c.finding.as_deref().map(md).unwrap_or_default();
                vec![md(&c.id), md(&c.area), c.severity.key().to_string(), finding, action_status(c, today)]
            })
            .collect();
        table(out, &["Corrective action", "Area", "Severity", "Finding", "Where it stands"], &rows)?;
    }
    Ok(())
}

/// How results are reported: to whom, by when.
pub(super) fn reporting(reg: &Register, labels: &HashMap<String, String>, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "\n## Reporting\n")?;
    let to = if reg.reports_to.is_empty() {
        "the programme's owner and relevant management".to_string()
    } else {
        reg.reports_to.iter().map(|r| md(&person(r, labels))).collect::<Vec<_>>().join(", ")
    };
    writeln!(
        out,
        "Each audit's report goes to {to} within {REPORT_WITHIN_DAYS} days of the audit, and before the management review that takes the round's results (9.2.2 d, 9.3.2 c); each round's review is shown under its round. The reports, this programme and the record of audits are kept as documented information (9.2.2)."
    )
}
