//! `check` outputs: text for a terminal, JSON for tools, GitHub workflow commands for annotations.

use std::io::{self, Write};

use chrono::NaiveDate;
use serde::Serialize;

use crate::diagnostic::InputError;
use crate::findings::{Finding, Severity};
use crate::render::count;

/// "2 errors, 1 warning".
pub fn summary(findings: &[Finding]) -> String {
    let errors = findings.iter().filter(|f| f.severity() == Severity::Error).count();
    let warnings = findings.len() - errors;
    format!("{}, {}", count(errors, "error"), count(warnings, "warning"))
}

/// One line per finding, errors first and grouped by code, each group followed by what to do,
/// then the summary.
pub fn text(file: &str, findings: &[Finding], out: &mut dyn Write) -> io::Result<()> {
    for (i, f) in findings.iter().enumerate() {
        let place = match f.loc {
            Some(l) => format!("{file}:{}:{}", l.line, l.column),
            None => file.to_string(),
        };
        writeln!(out, "{}[{}] {place}: {}", f.severity().key(), f.code.key(), f.message)?;
        if findings.get(i + 1).is_none_or(|next| next.code != f.code) {
            writeln!(out, "  help: {}", f.code.advice())?;
        }
    }
    if !findings.is_empty() {
        writeln!(out)?;
    }
    writeln!(out, "{}", summary(findings))
}

#[derive(Serialize)]
struct Doc<'a> {
    schema_version: u32,
    today: NaiveDate,
    errors: usize,
    warnings: usize,
    findings: Vec<FindingDoc<'a>>,
}

#[derive(Serialize)]
struct FindingDoc<'a> {
    code: &'static str,
    severity: &'static str,
    message: &'a str,
    help: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    area: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    control: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<NaiveDate>,
    file: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<u64>,
}

pub fn json(file: &str, today: NaiveDate, findings: &[Finding], out: &mut dyn Write) -> io::Result<()> {
    let errors = findings.iter().filter(|f| f.severity() == Severity::Error).count();
    let doc = Doc {
        schema_version: crate::render::json::SCHEMA_VERSION,
        today,
        errors,
        warnings: findings.len() - errors,
        findings: findings
            .iter()
            .map(|f| FindingDoc {
                code: f.code.key(),
                severity: f.severity().key(),
                message: &f.message,
                help: f.code.advice(),
                area: f.area.as_deref(),
                control: f.control.as_deref(),
                date: f.date,
                file,
                line: f.loc.map(|l| l.line),
                column: f.loc.map(|l| l.column),
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::other)?;
    writeln!(out)
}

/// GitHub Actions workflow commands, so findings show as annotations on a pull request.
pub fn github(file: &str, findings: &[Finding], out: &mut dyn Write) -> io::Result<()> {
    for f in findings {
        let mut props = format!("file={}", escape_property(file));
        if let Some(l) = f.loc {
            props.push_str(&format!(",line={},col={}", l.line, l.column));
        }
        props.push_str(&format!(",title={}", escape_property(f.code.key())));
        let message = format!("{}; {}", f.message, f.code.advice());
        writeln!(out, "::{} {props}::{}", f.severity().key(), escape_data(&message))?;
    }
    writeln!(out, "{}", summary(findings))
}

/// A bad register as GitHub workflow commands, one per problem.
pub fn github_input_error(e: &InputError, out: &mut dyn Write) -> io::Result<()> {
    for d in &e.diagnostics {
        let mut props = format!("file={}", escape_property(&e.file));
        if let Some(l) = d.loc {
            props.push_str(&format!(",line={},col={}", l.line, l.column));
        }
        writeln!(out, "::error {props},title=invalid-register::{}", escape_data(&d.text()))?;
    }
    Ok(())
}

// Escaping as GitHub's runner (toolkit/core `command.ts`) does it.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}
