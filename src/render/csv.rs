//! `plan --format csv`: one row per event, for a spreadsheet (RFC 4180).

use std::io::{self, Write};

use super::table::{audit_status, external_status};
use crate::plan::{EventKind, Plan};
use crate::text::visible;

pub(crate) const HEADER: [&str; 14] = [
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
];

/// Writes every event of the plan as a row under the header. `kind` and `status` are the words
/// the table uses; `latest` is an external audit's latest date or an internal audit's last day
/// for its round; `end` the last day of an audit of several days or visits.
pub fn write(plan: &Plan<'_>, out: &mut dyn Write) -> io::Result<()> {
    let reg = plan.register;
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(out);
    w.write_record(HEADER)?;
    for e in plan.events() {
        let audit = e.audit;
        let external = e.external.as_deref();
        let area = audit.map(|a| a.area);
        let auditor = audit.and_then(|a| a.auditor.or(a.auditor_org));
        let kind = match e.kind {
            EventKind::InternalAudit => "Internal audit".to_string(),
            EventKind::ManagementReview => "Management review".to_string(),
            EventKind::External(_) => external.map(|x| x.label()).unwrap_or_default(),
        };
        let status = match (audit, external) {
            (Some(a), _) => audit_status(a, plan.today),
            (None, Some(x)) => external_status(x, plan),
            (None, None) => e.status.to_string(),
        };
        let latest = external.and_then(|x| x.latest).or(audit.filter(|a| !a.source.is_recorded()).map(|a| a.due));
        let end =
            external.filter(|x| x.end > x.date).map(|x| x.end).or(audit.filter(|a| a.end > a.date).map(|a| a.end));
        let row = [
            e.date.to_string(),
            kind,
            e.cycle.to_string(),
            e.round.map(|r| r.label()).unwrap_or_default(),
            area.unwrap_or_default().to_string(),
            audit.and_then(|a| a.area_in(reg)).map(|a| a.name.clone()).unwrap_or_default(),
            auditor.unwrap_or_default().to_string(),
            audit.and_then(|a| a.auditor_in(reg)).and_then(|a| a.name.clone()).unwrap_or_default(),
            audit.and_then(|a| a.auditor_in(reg)).and_then(|a| a.role.clone()).unwrap_or_default(),
            status,
            e.prepares.map(|p| p.label()).unwrap_or_default(),
            e.prepares.map(|p| p.date.to_string()).unwrap_or_default(),
            latest.map(|d| d.to_string()).unwrap_or_default(),
            end.map(|d| d.to_string()).unwrap_or_default(),
        ];
        w.write_record(row.iter().map(|cell| cell_text(cell)))?;
    }
    w.flush()
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
