//! `check`'s findings as the reports CI systems read: SARIF 2.1.0 (GitHub code scanning and
//! other SARIF viewers), GitLab Code Quality (merge-request widgets), and Markdown (a job
//! summary). A register that cannot be read is reported the same way, each input error a
//! finding with code `register-invalid`, so a job that uploads the report says why.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use chrono::NaiveDate;
use serde_json::{Value, json};

use crate::codes::{Code, Severity};
use crate::diagnostic::{InputError, Loc};
use crate::findings::Finding;
use crate::register::Acceptance;
use crate::render::check::RULES;
use crate::text::{fingerprint, name, visible};

/// One finding as a report shows it.
pub struct Entry<'a> {
    code: Code,
    message: &'a str,
    help: &'a str,
    area: Option<&'a str>,
    control: Option<&'a str>,
    date: Option<NaiveDate>,
    loc: Option<Loc>,
    /// The accepted deviation that covers it: shown, never failing.
    accepted: Option<&'a Acceptance>,
}

impl Entry<'_> {
    fn severity(&self) -> Severity {
        self.code.severity()
    }

    /// "accepted until 2026-06-30: reason (reference)", where accepted.
    fn acceptance(&self) -> Option<String> {
        self.accepted.map(super::check::acceptance_note)
    }
}

/// The findings of `check`, in its order.
pub fn entries<'a>(accepted: &'a [Acceptance], findings: &'a [Finding]) -> Vec<Entry<'a>> {
    (findings.iter())
        .map(|f| Entry {
            code: f.code,
            message: &f.message,
            help: &f.help,
            area: f.area.as_deref(),
            control: f.control.as_deref(),
            date: f.date,
            loc: f.loc,
            accepted: f.accepted.and_then(|i| accepted.get(i)),
        })
        .collect()
}

/// A register that cannot be read: each problem an error with code `register-invalid`.
pub fn input_entries(e: &InputError) -> Vec<Entry<'_>> {
    let code = Code::RegisterInvalid;
    // The lines that count the errors left out, or say there may be more, are no findings.
    (e.diagnostics.iter())
        .filter(|d| {
            d.loc.is_some() || !(d.message.starts_with("... and exactly") || d.message.starts_with("there may be more"))
        })
        .map(|d| Entry {
            code,
            message: &d.message,
            help: d.hint.as_deref().unwrap_or(code.advice()),
            area: None,
            control: None,
            date: None,
            loc: d.loc,
            accepted: None,
        })
        .collect()
}

/// A key that follows a finding from run to run while the register is edited: its code, what
/// it is about (area, control, day) and its words without their digits (which count days and
/// name dates that move), never its line or its place among the findings; the n-th finding
/// with the same key gets `:n`.
fn fingerprints(entries: &[Entry<'_>]) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    (entries.iter())
        .map(|e| {
            let date = e.date.map(|d| d.to_string()).unwrap_or_default();
            let words: String = e.message.chars().filter(|c| !c.is_ascii_digit()).collect();
            let key = [e.code.key(), e.area.unwrap_or(""), e.control.unwrap_or(""), &date, &words].join("\u{1f}");
            let n = seen.entry(key.clone()).or_insert(0);
            *n += 1;
            let key = if *n > 1 { format!("{key}:{n}") } else { key };
            fingerprint(key.as_bytes())
        })
        .collect()
}

/// The register's path as a URI reference relative to where the job runs (SARIF 3.10.2):
/// separators as `/`, anything but unreserved characters percent-encoded; an absolute path as
/// a `file:` URI.
fn uri(file: &str) -> String {
    let path = file.replace('\\', "/");
    let mut out = String::with_capacity(path.len());
    if path.starts_with('/') {
        out.push_str("file://");
    }
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// SARIF 2.1.0 (OASIS): one run of ismsaudit with every check code as a rule (its help and
/// source), and a result per finding with the register's path, line and column. An accepted
/// deviation is a result with an external, accepted suppression (GitHub shows it dismissed).
/// A finding without a place points at the register's first line: code scanning drops
/// results without a location.
pub fn sarif(file: &str, entries: &[Entry<'_>], out: &mut dyn Write) -> io::Result<()> {
    let index: HashMap<Code, usize> = Code::ALL.iter().enumerate().map(|(i, c)| (*c, i)).collect();
    let rules: Vec<Value> = (Code::ALL.iter())
        .map(|c| {
            let d = c.doc();
            let source = if d.source.is_empty() { "ismsaudit's own consistency check" } else { d.source };
            json!({
                "id": d.key,
                "shortDescription": {"text": d.when},
                "fullDescription": {"text": d.when},
                "help": {"text": format!("{}\n\nRule: {source}", d.help)},
                "helpUri": RULES,
                "defaultConfiguration": {"level": sarif_level(d.severity)},
                "properties": {"source": source},
            })
        })
        .collect();
    // The path as given (every character outside the unreserved ones is percent-encoded).
    let artifact = uri(file);
    let results: Vec<Value> = (entries.iter().zip(fingerprints(entries)))
        .map(|(e, fingerprint)| {
            let loc = e.loc.unwrap_or(Loc::new(1, 1));
            let mut result = json!({
                "ruleId": e.code.key(),
                // Every code is in `Code::ALL`, from which `index` is made.
                "ruleIndex": index[&e.code],
                "level": sarif_level(e.severity()),
                "message": {"text": format!("{} Help: {}", sentence(e.message), e.help)},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": artifact},
                    "region": {"startLine": loc.line.max(1), "startColumn": loc.column.max(1)},
                }}],
                "partialFingerprints": {"ismsaudit/v1": fingerprint},
            });
            if let Some(note) = e.acceptance() {
                result["suppressions"] = json!([{"kind": "external", "status": "accepted", "justification": note}]);
            }
            let mut props = serde_json::Map::new();
            for (key, value) in [("area", e.area), ("control", e.control)] {
                if let Some(v) = value {
                    props.insert(key.into(), v.into());
                }
            }
            if let Some(d) = e.date {
                props.insert("date".into(), d.to_string().into());
            }
            if !props.is_empty() {
                result["properties"] = Value::Object(props);
            }
            result
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "ismsaudit",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    crate::render::json::to_writer(out, &doc)
}

/// A message ending in a full stop, so that "Help:" starts a sentence of its own.
fn sentence(s: &str) -> String {
    if s.ends_with(['.', '!', '?']) { s.to_string() } else { format!("{s}.") }
}

/// GitLab's Code Quality report (a subset of the Code Climate issue format, as GitLab's
/// documentation lists it): description, check name, fingerprint, severity, location. Errors
/// are `major`, warnings `minor`, notes and accepted deviations `info`.
pub fn gitlab(file: &str, entries: &[Entry<'_>], out: &mut dyn Write) -> io::Result<()> {
    // The path as given, not cut short; what JSON leaves as it is but a reader cannot see
    // (a zero-width space, a direction mark) shown as an escape.
    let path = visible(file).replace('\\', "/");
    let issues: Vec<Value> = (entries.iter().zip(fingerprints(entries)))
        .map(|(e, fingerprint)| {
            let severity = match (e.accepted, e.severity()) {
                (Some(_), _) | (None, Severity::Note) => "info",
                (None, Severity::Error) => "major",
                (None, Severity::Warning) => "minor",
            };
            let description = match e.acceptance() {
                Some(note) => format!("{} ({note})", sentence(e.message)),
                None => format!("{} Help: {}", sentence(e.message), e.help),
            };
            json!({
                "type": "issue",
                "check_name": e.code.key(),
                "description": description,
                "fingerprint": fingerprint,
                "severity": severity,
                "location": {"path": path, "lines": {"begin": e.loc.map_or(1, |l| l.line.max(1))}},
            })
        })
        .collect();
    crate::render::json::to_writer(out, &issues)
}

/// A job summary (GitHub's `$GITHUB_STEP_SUMMARY`, or a merge-request comment): the verdict,
/// then a table of the findings in `check`'s order, each with its code, place and what to do.
pub fn markdown(file: &str, today: NaiveDate, entries: &[Entry<'_>], out: &mut dyn Write) -> io::Result<()> {
    let of = |s: Severity| entries.iter().filter(|e| e.accepted.is_none() && e.severity() == s).count();
    let accepted = entries.iter().filter(|e| e.accepted.is_some()).count();
    let verdict = super::check::verdict(of(Severity::Error), of(Severity::Warning), accepted, of(Severity::Note));
    let file = name(file);
    writeln!(out, "## ismsaudit check: {verdict}")?;
    writeln!(out)?;
    writeln!(out, "Register {} on {today}.", super::markdown::md(&file))?;
    if entries.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "| Severity | Code | Where | Finding | What to do |")?;
    writeln!(out, "|---|---|---|---|---|")?;
    for e in entries {
        let label = if e.accepted.is_some() { "accepted" } else { e.severity().key() };
        let place = e.loc.map_or_else(|| file.to_string(), |l| format!("{file}:{}:{}", l.line, l.column));
        let todo = e.acceptance().unwrap_or_else(|| e.help.to_string());
        writeln!(
            out,
            "| {label} | `{}` | {} | {} | {} |",
            e.code.key(),
            cell(&place),
            quoted(e.message),
            quoted(&todo)
        )?;
    }
    Ok(())
}

/// Text in a table cell: made inert, on one line.
fn cell(text: &str) -> String {
    super::markdown::md(&one_line(text))
}

/// Words with quoted ids in a table cell: code spans, the rest inert, on one line.
fn quoted(text: &str) -> String {
    super::markdown::quoted(&one_line(text))
}

fn one_line(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri("isms.yaml"), "isms.yaml");
        assert_eq!(uri("compliance/isms register.yaml"), "compliance/isms%20register.yaml");
        assert_eq!(uri("C:\\isms\\r#1.yaml"), "C%3A/isms/r%231.yaml");
        assert_eq!(uri("/srv/isms.yaml"), "file:///srv/isms.yaml");
        assert_eq!(uri("régistre.yaml"), "r%C3%A9gistre.yaml");
    }
}
