//! `ismsaudit soa`: the Statement of Applicability as Markdown, CSV or JSON.

use std::io::{self, Write};

use chrono::NaiveDate;
use serde::Serialize;

use super::csv::cell_text;
use super::markdown::md;
use crate::soa::{Applicability, Line};

fn date(d: Option<NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// The reason column: an exclusion's reason, or what to do about a control not decided.
fn reason<'a>(line: &Line<'a>) -> &'a str {
    match line.applicability {
        Applicability::Excluded(reason) | Applicability::Contradictory(reason) => reason,
        Applicability::Undecided => "in no area and not excluded: carry it in an area, or exclude it with a reason",
        Applicability::Applicable => "",
    }
}

/// The statement as a Markdown document; register text escaped as in the programme.
pub fn markdown(lines: &[Line<'_>], organisation: &str, today: NaiveDate, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "# Statement of Applicability: {}\n", md(organisation))?;
    let count = |k: &str| lines.iter().filter(|l| l.applicability.key() == k).count();
    writeln!(
        out,
        "ISO/IEC 27001:2022 Annex A, as of {today}: {} controls applicable, {} excluded, {} not decided, {} both carried and excluded (ISO/IEC 27001:2022 6.1.3 d). The areas are those of the ISMS scope that carry each control; the dates are the last full internal audit held of one of them and the next one held, booked or planned.\n",
        count("applicable"),
        count("excluded"),
        count("not decided"),
        count("applicable and excluded")
    )?;
    writeln!(
        out,
        "| Control | Title | Theme | Applicable | Reason for exclusion | Areas | Last audited | Next audit |"
    )?;
    writeln!(out, "|---|---|---|---|---|---|---|---|")?;
    for l in lines {
        let areas: Vec<String> = l.areas.iter().map(|a| md(a)).collect();
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            l.control,
            l.title,
            l.theme,
            l.applicability.key(),
            md(reason(l)),
            areas.join(", "),
            date(l.last_audited),
            date(l.next_planned)
        )?;
    }
    Ok(())
}

/// The statement as CSV (RFC 4180, CRLF), one row per control, formulas neutralised.
pub fn csv(lines: &[Line<'_>], out: &mut dyn Write) -> io::Result<()> {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(out);
    w.write_record(["control", "title", "theme", "applicable", "reason", "areas", "last audited", "next audit"])?;
    for l in lines {
        let row = [
            l.control.to_string(),
            l.title.to_string(),
            l.theme.to_string(),
            l.applicability.key().to_string(),
            reason(l).to_string(),
            l.areas.join(" "),
            date(l.last_audited),
            date(l.next_planned),
        ];
        w.write_record(row.iter().map(|c| cell_text(c)))?;
    }
    w.flush()
}

#[derive(Serialize)]
struct Doc<'a> {
    today: NaiveDate,
    controls: Vec<ControlDoc<'a>>,
}

#[derive(Serialize)]
struct ControlDoc<'a> {
    control: &'a str,
    title: &'a str,
    theme: &'a str,
    applicability: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    areas: &'a [&'a str],
    last_audited: Option<NaiveDate>,
    next_audit: Option<NaiveDate>,
}

/// The statement as JSON.
pub fn json(lines: &[Line<'_>], today: NaiveDate, out: &mut dyn Write) -> io::Result<()> {
    let doc = Doc {
        today,
        controls: (lines.iter())
            .map(|l| ControlDoc {
                control: l.control,
                title: l.title,
                theme: l.theme,
                applicability: l.applicability.key(),
                reason: match l.applicability {
                    Applicability::Excluded(r) | Applicability::Contradictory(r) => Some(r),
                    _ => None,
                },
                areas: &l.areas,
                last_audited: l.last_audited,
                next_audit: l.next_planned,
            })
            .collect(),
    };
    super::json::to_writer(out, &doc)
}
