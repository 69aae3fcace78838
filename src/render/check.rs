//! `check` outputs: text for a terminal, JSON for tools, GitHub workflow commands for annotations.

use std::borrow::Cow;
use std::io::{self, Write};

use chrono::NaiveDate;
use serde::Serialize;

use crate::codes::Code;
use crate::diagnostic::InputError;
use crate::findings::{Counts, Finding, Findings, Severity};
use crate::register::Acceptance;
use crate::render::json::Lazy;
use crate::text::{count, name, visible, wrap, write_wrapped};

/// "2 errors, 1 warning", and ", 1 accepted" where deviations were accepted, ", 1 note" where
/// there are notes.
pub(super) fn verdict(counts: Counts) -> String {
    let Counts { errors, warnings, accepted, notes } = counts;
    let mut s = format!("{}, {}", count(errors, "error"), count(warnings, "warning"));
    if accepted > 0 {
        s.push_str(&format!(", {accepted} accepted"));
    }
    if notes > 0 {
        s.push_str(&format!(", {}", count(notes, "note")));
    }
    s
}

/// How a finding is labelled: its severity, or `accepted`.
fn label(f: &Finding) -> &'static str {
    if f.counts() { f.severity().key() } else { "accepted" }
}

/// "accepted until 2026-06-30: reason (reference)".
pub(super) fn acceptance_note(a: &Acceptance) -> String {
    format!("accepted until {}: {} ({})", a.until, a.reason, a.reference)
}

/// One finding at a time, errors first and grouped by code, each group followed by what to do,
/// then the summary; wrapped to `width` columns.
pub fn text(
    file: &str,
    accepted: &[Acceptance],
    findings: &Findings,
    width: usize,
    out: &mut dyn Write,
) -> io::Result<()> {
    let file = name(file);
    let mut all = findings.iter().peekable();
    while let Some(f) = all.next() {
        let place = match f.loc {
            Some(l) => format!("{file}:{}:{}", l.line, l.column),
            None => file.to_string(),
        };
        write_wrapped(out, &format!("{}[{}] {place}: {}", label(&f), f.code.key(), f.message), width, 2)?;
        if let Some(a) = f.accepted.and_then(|i| accepted.get(i)) {
            write_wrapped(out, &format!("  {}", acceptance_note(a)), width, 4)?;
        } else if all.peek().is_none_or(|next| next.code != f.code || next.help != f.help || !next.counts()) {
            write_wrapped(out, &format!("  help: {}", f.help), width, 8)?;
        }
    }
    if !findings.is_empty() {
        writeln!(out)?;
    }
    writeln!(out, "{}", verdict(findings.counts()))
}

#[derive(Serialize)]
struct Doc<F> {
    schema_version: u32,
    today: NaiveDate,
    errors: usize,
    warnings: usize,
    accepted: usize,
    /// Present where there are notes (what `check` did not judge).
    #[serde(skip_serializing_if = "is_zero")]
    notes: usize,
    /// The findings: a list, or (for a register's) each laid out as it is written.
    findings: F,
}

#[derive(Serialize)]
struct FindingDoc<'a> {
    code: &'static str,
    severity: &'static str,
    message: Cow<'a, str>,
    help: Cow<'a, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    accepted: Option<AcceptedDoc<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    area: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    control: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<NaiveDate>,
    file: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<u32>,
}

#[derive(Serialize)]
struct AcceptedDoc<'a> {
    reason: &'a str,
    reference: &'a str,
    until: NaiveDate,
    line: u32,
    column: u32,
}

pub fn json(
    file: &str,
    today: NaiveDate,
    accepted: &[Acceptance],
    findings: &Findings,
    out: &mut dyn Write,
) -> io::Result<()> {
    let counts = findings.counts();
    // The path as the other outputs show it (a JSON string escapes only C0 controls).
    let file = &*name(file);
    let doc = Doc {
        schema_version: crate::render::json::SCHEMA_VERSION,
        today,
        errors: counts.errors,
        warnings: counts.warnings,
        accepted: counts.accepted,
        notes: counts.notes,
        findings: Lazy::new(findings.iter().map(|f| FindingDoc {
            code: f.code.key(),
            severity: f.severity().key(),
            accepted: f.accepted.and_then(|i| accepted.get(i)).map(|a| AcceptedDoc {
                reason: &a.reason,
                reference: &a.reference,
                until: a.until,
                line: a.loc.line,
                column: a.loc.column,
            }),
            line: f.loc.map(|l| l.line),
            column: f.loc.map(|l| l.column),
            message: Cow::Owned(f.message),
            help: f.help,
            area: f.area,
            control: f.control,
            date: f.date,
            file,
        })),
    };
    crate::render::json::to_writer(out, &doc)
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// GitHub Actions workflow commands, so findings show as annotations on a pull request.
pub fn github(file: &str, accepted: &[Acceptance], findings: &Findings, out: &mut dyn Write) -> io::Result<()> {
    for f in findings.iter() {
        let mut props = format!("file={}", escape_property(file));
        if let Some(l) = f.loc {
            props.push_str(&format!(",line={},col={}", l.line, l.column));
        }
        props.push_str(&format!(",title={}", escape_property(f.code.key())));
        // An accepted deviation is a notice: visible, not failing.
        let (command, message) = match f.accepted.and_then(|i| accepted.get(i)) {
            Some(a) => ("notice", format!("{}; {}", f.message, acceptance_note(a))),
            None if f.severity() == Severity::Note => ("notice", format!("{}; {}", f.message, f.help)),
            None => (f.severity().key(), format!("{}; {}", f.message, f.help)),
        };
        // Annotations are plain text: ids are not quoted Markdown-style there.
        writeln!(out, "::{command} {props}::{}", escape_data(&message.replace('`', "")))?;
    }
    writeln!(out, "{}", verdict(findings.counts()))
}

/// A bad register as GitHub workflow commands, one per problem.
pub fn github_input_error(e: &InputError, out: &mut dyn Write) -> io::Result<()> {
    for d in &e.diagnostics {
        let mut props = format!("file={}", escape_property(&e.file));
        if let Some(l) = d.loc {
            props.push_str(&format!(",line={},col={}", l.line, l.column));
        }
        let title = Code::RegisterInvalid.key();
        writeln!(out, "::error {props},title={title}::{}", escape_data(&d.text()))?;
    }
    Ok(())
}

/// A register that cannot be read, as the JSON document `check` writes: each input error a
/// finding with code `register-invalid`, so a job that keeps the JSON keeps the reason.
pub fn json_input_error(e: &InputError, today: NaiveDate, out: &mut dyn Write) -> io::Result<()> {
    let file = &*name(&e.file);
    let code = Code::RegisterInvalid;
    let doc = Doc {
        schema_version: crate::render::json::SCHEMA_VERSION,
        today,
        errors: e.total,
        warnings: 0,
        accepted: 0,
        notes: 0,
        findings: (e.diagnostics.iter())
            .map(|d| FindingDoc {
                code: code.key(),
                severity: code.severity().key(),
                message: Cow::Borrowed(&d.message),
                help: Cow::Borrowed(d.hint.as_deref().unwrap_or(code.advice())),
                accepted: None,
                area: None,
                control: None,
                date: None,
                file,
                line: d.loc.map(|l| l.line),
                column: d.loc.map(|l| l.column),
            })
            .collect::<Vec<_>>(),
    };
    crate::render::json::to_writer(out, &doc)
}

/// What a check code means, why, and what to do, wrapped to `width` columns.
pub fn explain(code: Code, width: usize, out: &mut dyn Write) -> io::Result<()> {
    let d = code.doc();
    writeln!(out, "{} ({})", d.key, d.severity.key())?;
    let rule = if d.source.is_empty() { "ismsaudit's own consistency check" } else { d.source };
    for (label, text) in [("When", d.when), ("What to do", d.help), ("Rule", rule)] {
        writeln!(out)?;
        writeln!(out, "{label}:")?;
        for line in wrap(text, width - 2, 0) {
            writeln!(out, "  {line}")?;
        }
    }
    writeln!(out)?;
    writeln!(out, "Every rule, with its source:")?;
    writeln!(out, "  {RULES}")
}

/// Where every rule is written down with its source.
pub(crate) const RULES: &str = "https://github.com/ismsaudit/ismsaudit/blob/main/docs/rules.md";

/// Every check code with its severity and when it is reported, wrapped to `width` columns.
pub fn code_list(width: usize, out: &mut dyn Write) -> io::Result<()> {
    for code in Code::ALL {
        let d = code.doc();
        writeln!(out, "{} ({})", d.key, d.severity.key())?;
        for line in wrap(d.when, width - 2, 0) {
            writeln!(out, "  {line}")?;
        }
    }
    writeln!(out)?;
    writeln!(out, "`ismsaudit explain CODE` says why and what to do.")
}

// Escaping as GitHub's runner (toolkit/core `command.ts`) does it, after any other control
// character is made visible: none reaches the log.
fn escape_data(s: &str) -> String {
    visible(&s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")).into_owned()
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}
