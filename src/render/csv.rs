//! `plan --format csv`: one row per event, for a spreadsheet (RFC 4180).

use std::collections::HashMap;
use std::io::{self, Write};

use super::table::{audit_status, external_status};
use crate::plan::{Event, EventKind, Plan, View};
use crate::register::folded;
use crate::text::visible;

pub(crate) const HEADER: [&str; 20] = [
    "date",
    "kind",
    "cycle",
    "round",
    "area",
    "area name",
    "auditor",
    "auditor name",
    "auditor role",
    "status",
    "prepares",
    "prepares date",
    "latest",
    "end",
    // The columns of an audit-programme spreadsheet (added after the first fourteen, so that a
    // sheet reading those by position still reads them).
    "risk",
    "owner",
    "owner name",
    "site",
    "method",
    "criteria",
];

/// Writes the plan's events in `view` as rows under the header: the rows the workbook has too.
pub fn write(plan: &Plan<'_>, view: &View, out: &mut dyn Write) -> io::Result<()> {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(out);
    w.write_record(HEADER)?;
    for row in rows(plan, view) {
        w.write_record(row.iter().map(|cell| cell_text(cell)))?;
    }
    w.flush()
}

/// The plan's events in `view`, a row each under [`HEADER`], as the CSV and the spreadsheet
/// write them. `kind` and `status` are the words the table uses; `latest` is an external
/// audit's latest date or an internal audit's last day for its round; `end` the last day of an
/// audit of several days or visits. For an internal audit: `risk` as its round judges it, the
/// area's `owner`, `site` and `method`, and `criteria`, the clauses and controls it covers
/// (space-separated ids).
pub(super) fn rows<'p>(plan: &'p Plan<'_>, view: &'p View) -> impl Iterator<Item = [String; 20]> + 'p {
    let reg = plan.register;
    // People's names (without their roles, which have columns of their own for auditors).
    let names: HashMap<String, String> = (reg.auditors.iter().filter_map(|a| Some((a.id.as_str(), a.name.clone()?))))
        .chain(reg.people.iter().filter_map(|p| Some((p.id.as_str(), p.name.clone()?))))
        .map(|(id, name)| (folded(id).into_owned(), name))
        .collect();
    let shown = move |e: &Event<'_>| match (e.external.as_deref(), e.round) {
        (Some(x), _) => view.shows_external(plan, x),
        (None, Some(r)) => {
            view.round.as_ref().is_none_or(|n| r.label().eq_ignore_ascii_case(n)) && {
                let end = e.audit.map_or(e.date, |a| a.end);
                view.shows_days(e.date, end)
            }
        }
        (None, None) => view.round.is_none() && view.shows_days(e.date, e.date),
    };
    plan.events().filter(shown).map(move |e| {
        let audit = e.audit;
        let external = e.external.as_deref();
        let area = audit.map(|a| a.area.as_str());
        let area_of = audit.and_then(|a| a.area_in(reg));
        let auditor = audit.and_then(|a| a.auditor(reg).or(a.auditor_org(reg)));
        let kind = match e.kind {
            EventKind::InternalAudit => "Internal audit".to_string(),
            EventKind::ManagementReview => "Management review".to_string(),
            EventKind::External(_) => external.map(|x| x.label()).unwrap_or_default(),
        };
        let status = match (audit, external) {
            (Some(a), _) => audit_status(a, plan.today),
            (None, Some(x)) => external_status(x, plan),
            (None, None) if e.kind == EventKind::ManagementReview => e.review_status(plan.today).to_string(),
            (None, None) => e.status.to_string(),
        };
        let latest = external.and_then(|x| x.latest).or(audit.filter(|a| !a.source.is_recorded()).map(|a| a.due));
        let end =
            external.filter(|x| x.end > x.date).map(|x| x.end).or(audit.filter(|a| a.end > a.date).map(|a| a.end));
        [
            e.date.to_string(),
            kind,
            e.cycle.to_string(),
            e.round.map(|r| r.label()).unwrap_or_default(),
            area.unwrap_or_default().to_string(),
            area_of.map(|a| a.name().to_string()).unwrap_or_default(),
            auditor.unwrap_or_default().to_string(),
            audit.and_then(|a| a.auditor_in(reg)).and_then(|a| a.name.clone()).unwrap_or_default(),
            audit.and_then(|a| a.auditor_in(reg)).and_then(|a| a.role.clone()).unwrap_or_default(),
            status,
            e.prepares.map(|p| p.label()).unwrap_or_default(),
            e.prepares.map(|p| p.date.to_string()).unwrap_or_default(),
            latest.map(|d| d.to_string()).unwrap_or_default(),
            end.map(|d| d.to_string()).unwrap_or_default(),
            area_of.zip(e.round).map(|(a, r)| a.risk_on(r.lead_day).as_str().to_string()).unwrap_or_default(),
            area_of.map(|a| a.owner.to_string()).unwrap_or_default(),
            area_of.and_then(|a| names.get(&*folded(&a.owner)).cloned()).unwrap_or_default(),
            area_of.and_then(|a| a.site.as_ref()).map(|s| s.to_string()).unwrap_or_default(),
            area_of.and_then(|a| a.method).map(|m| m.key().to_string()).unwrap_or_default(),
            area_of.map(|a| a.criteria().collect::<Vec<_>>().join(" ")).unwrap_or_default(),
        ]
    })
}

/// A cell as a spreadsheet may safely open it: control characters shown as escapes (the file
/// may be printed on a terminal), and text a spreadsheet would run as a formula (`=`, `+`, `-`,
/// `@`, tab, carriage return first) behind an apostrophe, which the spreadsheet shows as text.
pub(super) fn cell_text(cell: &str) -> String {
    let text = visible(cell);
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.into_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_controls_escaped() {
        assert_eq!(cell_text("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell_text("+1"), "'+1");
        assert_eq!(cell_text("-2+3"), "'-2+3");
        assert_eq!(cell_text("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell_text("\tx"), "'\\tx");
        assert_eq!(cell_text("Human resources"), "Human resources");
        assert_eq!(cell_text("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
    }
}
