//! `check`'s findings as the reports CI systems read: SARIF 2.1.0 (GitHub code scanning and
//! other SARIF viewers), GitLab Code Quality (merge-request widgets), and Markdown (a job
//! summary). A register that cannot be read is reported the same way, each input error a
//! finding with code `register-invalid`, so a job that uploads the report says why.

use std::borrow::Cow;
use std::collections::{HashMap, hash_map};
use std::fmt::Write as _;
use std::io::{self, Write};

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Value, json};

use crate::codes::{Code, Severity};
use crate::diagnostic::{Diagnostic, InputError, Loc};
use crate::findings::{Counts, Findings};
use crate::register::Acceptance;
use crate::render::check::RULES;
use crate::render::json::Lazy;
use crate::text::{fingerprint, fnv1a, name, visible};

/// One finding as a report shows it.
pub struct Entry<'a> {
    code: Code,
    message: Cow<'a, str>,
    help: Cow<'a, str>,
    area: Option<String>,
    control: Option<String>,
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

/// A report's findings, each made when it is read (a check of 100,000 findings is never held
/// in words), read again by place where a fingerprint must tell two apart.
pub struct Entries<'a> {
    len: usize,
    nth: Box<dyn Fn(usize) -> Entry<'a> + 'a>,
    counts: Counts,
}

impl<'a> Entries<'a> {
    fn iter(&self) -> impl Iterator<Item = Entry<'a>> + '_ {
        (0..self.len).map(|n| (self.nth)(n))
    }
}

/// The findings of `check`, in its order.
pub fn entries<'a>(accepted: &'a [Acceptance], findings: &'a Findings) -> Entries<'a> {
    let nth = move |n: usize| {
        // `Entries` asks only for places below `len`.
        let f = findings.get(n).unwrap_or_else(|| unreachable!("finding {n} of {}", findings.len()));
        Entry {
            code: f.code,
            message: Cow::Owned(f.message),
            help: f.help,
            area: f.area,
            control: f.control,
            date: f.date,
            loc: f.loc,
            accepted: f.accepted.and_then(|i| accepted.get(i)),
        }
    };
    Entries { len: findings.len(), nth: Box::new(nth), counts: findings.counts() }
}

/// A register that cannot be read: each problem an error with code `register-invalid`.
pub fn input_entries(e: &InputError) -> Entries<'_> {
    let code = Code::RegisterInvalid;
    // The lines that count the errors left out, or say there may be more, are no findings.
    let problems: Vec<&Diagnostic> = (e.diagnostics.iter())
        .filter(|d| {
            d.loc.is_some() || !(d.message.starts_with("... and exactly") || d.message.starts_with("there may be more"))
        })
        .collect();
    let counts = Counts { errors: problems.len(), ..Counts::default() };
    let nth = move |n: usize| {
        let d = problems[n];
        Entry {
            code,
            message: Cow::Borrowed(&d.message),
            help: Cow::Borrowed(d.hint.as_deref().unwrap_or(code.advice())),
            area: None,
            control: None,
            date: None,
            loc: d.loc,
            accepted: None,
        }
    };
    Entries { len: counts.errors, nth: Box::new(nth), counts }
}

/// What a fingerprint follows from run to run while the register is edited: a finding's code,
/// what it is about (area, control, day) and its words without their digits (which count days
/// and name dates that move), never its line or its place among the findings.
fn key(e: &Entry<'_>) -> String {
    let date = e.date.map(|d| d.to_string()).unwrap_or_default();
    let words: String = e.message.chars().filter(|c| !c.is_ascii_digit()).collect();
    [e.code.key(), e.area.as_deref().unwrap_or(""), e.control.as_deref().unwrap_or(""), &date, &words].join("\u{1f}")
}

/// Fingerprints of a report's entries, given in order: the hash of each one's [`key`], the n-th
/// with the same key getting `:n`.
///
/// Each key is remembered by its hash, with the place of the entry it was first made of: a
/// check of 100,000 findings does not hold their keys. Where a key's hash was seen before, that
/// entry is made again to tell the keys apart (once for each key that repeats); a key whose hash
/// another key has (never so far) is counted by itself.
struct Fingerprints<'e, 'a> {
    entries: &'e Entries<'a>,
    hash: fn(&[u8]) -> u64,
    /// By hash: the place of the entry whose key it is, and how many times it was seen.
    seen: HashMap<u64, (usize, usize)>,
    others: HashMap<String, usize>,
}

impl<'e, 'a> Fingerprints<'e, 'a> {
    fn new(entries: &'e Entries<'a>) -> Self {
        Self::by(entries, fnv1a)
    }

    /// With the keys remembered by `hash` (which changes no fingerprint).
    fn by(entries: &'e Entries<'a>, hash: fn(&[u8]) -> u64) -> Self {
        // Room for every entry's key at once: a map grown by doubling holds its old table beside
        // the new one while it moves (at 200,000 findings, 3 MB beside 6).
        let seen = HashMap::with_capacity(entries.len);
        Fingerprints { entries, hash, seen, others: HashMap::new() }
    }

    /// The fingerprint of `entry`, the `i`-th.
    fn of(&mut self, i: usize, entry: &Entry<'_>) -> String {
        let k = key(entry);
        let n = match self.seen.entry((self.hash)(k.as_bytes())) {
            hash_map::Entry::Vacant(v) => {
                v.insert((i, 1));
                1
            }
            hash_map::Entry::Occupied(mut o) if key(&(self.entries.nth)(o.get().0)) == k => {
                o.get_mut().1 += 1;
                o.get().1
            }
            hash_map::Entry::Occupied(_) => {
                let n = self.others.entry(k.clone()).or_insert(0);
                *n += 1;
                *n
            }
        };
        let k = if n > 1 { format!("{k}:{n}") } else { k };
        fingerprint(k.as_bytes())
    }
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
pub fn sarif(file: &str, entries: &Entries<'_>, out: &mut dyn Write) -> io::Result<()> {
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
    let result = |e: &Entry<'_>, fingerprint: String| {
        let loc = e.loc.unwrap_or(Loc::new(1, 1));
        let mut result = json!({
            "ruleId": e.code.key(),
            // Every code is in `Code::ALL`, from which `index` is made.
            "ruleIndex": index[&e.code],
            "level": sarif_level(e.severity()),
            "message": {"text": format!("{} Help: {}", sentence(&e.message), e.help)},
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
        for (key, value) in [("area", e.area.as_deref()), ("control", e.control.as_deref())] {
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
    };
    // The members in the order JSON objects are written (by key), each result made as it is
    // written: a report of 100,000 findings is never held as one tree.
    #[derive(Serialize)]
    struct Doc<R: Serialize> {
        #[serde(rename = "$schema")]
        schema: &'static str,
        runs: [Run<R>; 1],
        version: &'static str,
    }
    #[derive(Serialize)]
    struct Run<R: Serialize> {
        #[serde(rename = "columnKind")]
        column_kind: &'static str,
        results: R,
        tool: Value,
    }
    let mut prints = Fingerprints::new(entries);
    let results = Lazy::new(entries.iter().enumerate().map(|(i, e)| result(&e, prints.of(i, &e))));
    let doc = Doc {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        runs: [Run {
            column_kind: "unicodeCodePoints",
            results,
            tool: json!({"driver": {
                "name": "ismsaudit",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": rules,
            }}),
        }],
        version: "2.1.0",
    };
    crate::render::json::to_writer(out, &doc)
}

/// A message ending in a full stop, so that "Help:" starts a sentence of its own.
fn sentence(s: &str) -> String {
    if s.ends_with(['.', '!', '?']) { s.to_string() } else { format!("{s}.") }
}

/// GitLab's Code Quality report (a subset of the Code Climate issue format, as GitLab's
/// documentation lists it): description, check name, fingerprint, severity, location. Errors
/// are `major`, warnings `minor`, notes and accepted deviations `info`.
pub fn gitlab(file: &str, entries: &Entries<'_>, out: &mut dyn Write) -> io::Result<()> {
    // The path as given, not cut short; what JSON leaves as it is but a reader cannot see
    // (a zero-width space, a direction mark) shown as an escape.
    let path = visible(file).replace('\\', "/");
    let mut prints = Fingerprints::new(entries);
    let issues = entries.iter().enumerate().map(|(i, e)| {
        let fingerprint = prints.of(i, &e);
        let severity = match (e.accepted, e.severity()) {
            (Some(_), _) | (None, Severity::Note) => "info",
            (None, Severity::Error) => "major",
            (None, Severity::Warning) => "minor",
        };
        let description = match e.acceptance() {
            Some(note) => format!("{} ({note})", sentence(&e.message)),
            None => format!("{} Help: {}", sentence(&e.message), e.help),
        };
        json!({
            "type": "issue",
            "check_name": e.code.key(),
            "description": description,
            "fingerprint": fingerprint,
            "severity": severity,
            "location": {"path": path, "lines": {"begin": e.loc.map_or(1, |l| l.line.max(1))}},
        })
    });
    // Each issue made as it is written (see `json::Lazy`).
    crate::render::json::to_writer(out, &Lazy::new(issues))
}

/// A job summary (GitHub's `$GITHUB_STEP_SUMMARY`, or a merge-request comment): the verdict,
/// then a table of the findings in `check`'s order, each with its code, place and what to do.
pub fn markdown(file: &str, today: NaiveDate, entries: &Entries<'_>, out: &mut dyn Write) -> io::Result<()> {
    let verdict = super::check::verdict(entries.counts);
    let file = name(file);
    writeln!(out, "## ismsaudit check: {verdict}")?;
    writeln!(out)?;
    writeln!(out, "Register {} on {today}.", super::markdown::md(&file))?;
    if entries.len == 0 {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "| Severity | Code | Where | Finding | What to do |")?;
    writeln!(out, "|---|---|---|---|---|")?;
    for e in entries.iter() {
        let label = if e.accepted.is_some() { "accepted" } else { e.severity().key() };
        let place = e.loc.map_or_else(|| file.to_string(), |l| format!("{file}:{}:{}", l.line, l.column));
        let todo = e.acceptance().unwrap_or_else(|| e.help.to_string());
        writeln!(
            out,
            "| {label} | `{}` | {} | {} | {} |",
            e.code.key(),
            cell(&place),
            quoted(&e.message),
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

    #[test]
    fn the_nth_finding_with_one_key_gets_n_whatever_the_keys_hash_to() {
        // `late 1` and `late 2` in area `a` are one key (digits are left out); area `b` another.
        let list = [("late 1", "a"), ("late 2", "a"), ("late", "b"), ("late 33", "a"), ("late", "b")];
        let made = std::cell::Cell::new(0);
        let nth = |n: usize| {
            made.set(made.get() + 1);
            Entry {
                code: Code::AuditLate,
                message: Cow::Borrowed(list[n].0),
                help: Cow::Borrowed(""),
                area: Some(list[n].1.to_string()),
                control: None,
                date: None,
                loc: None,
                accepted: None,
            }
        };
        let entries = Entries { len: list.len(), nth: Box::new(nth), counts: Counts::default() };
        let all = |hash: fn(&[u8]) -> u64| {
            let mut prints = Fingerprints::by(&entries, hash);
            entries.iter().enumerate().map(|(i, e)| prints.of(i, &e)).collect::<Vec<_>>()
        };
        let key_a = ["audit-late", "a", "", "", "late "].join("\u{1f}");
        let key_b = ["audit-late", "b", "", "", "late"].join("\u{1f}");
        let expected = [
            fingerprint(key_a.as_bytes()),
            fingerprint(format!("{key_a}:2").as_bytes()),
            fingerprint(key_b.as_bytes()),
            fingerprint(format!("{key_a}:3").as_bytes()),
            fingerprint(format!("{key_b}:2").as_bytes()),
        ];
        assert_eq!(all(fnv1a), expected);
        // Each entry is made once as it is written, and once more for each key that repeats.
        assert_eq!(made.get(), list.len() + 3);
        // Every key with one hash: the keys are still told apart.
        assert_eq!(all(|_| 7), expected);
    }
}
