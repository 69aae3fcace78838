//! `check`'s reports for CI systems: SARIF 2.1.0 valid against OASIS's schema, GitLab Code
//! Quality valid against GitLab's documented format, and both saying what `check --format
//! json` says, finding for finding, on every register of the check-code cases (each code at
//! least once) and on broken ones.
//!
//! `tests/schemas/sarif-schema-2.1.0.json` is OASIS's published schema (its `$id` names where
//! it is published); `tests/schemas/gitlab-code-quality.json` writes down the fields GitLab's
//! documentation lists, GitLab publishing no schema of its own.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

const CASES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cmd/check-codes.in");

/// (register, today) of every `check` in the check-code cases.
fn cases() -> Vec<(String, String)> {
    let script = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cmd/check-codes.trycmd")).unwrap();
    let cases: Vec<(String, String)> = (script.lines())
        .filter_map(|l| l.strip_prefix("$ ismsaudit check "))
        .filter_map(|l| {
            let words: Vec<&str> = l.split_whitespace().collect();
            let today = words.iter().position(|w| *w == "--today").map(|i| words[i + 1])?;
            Some((words[0].to_string(), today.to_string()))
        })
        .collect();
    assert!(cases.len() >= 50, "{} cases", cases.len());
    cases
}

fn check(register: &str, today: &str, format: &str) -> (Option<i32>, Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_ismsaudit"))
        .args(["check", register, "--today", today, "--format", format])
        .current_dir(CASES)
        .output()
        .unwrap();
    let doc = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{register} {format}: {e}: {}", String::from_utf8_lossy(&out.stdout)));
    (out.status.code(), doc)
}

fn validator(file: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas").join(file)).unwrap();
    // The published SARIF schema's pattern for `run.language` has an unmatched `]`, which a
    // validator checking the schema itself refuses; it is written as meant (ll or ll-CC). No
    // report of ours has a `language`.
    let text = text.replace("^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$", "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$");
    jsonschema::validator_for(&serde_json::from_str(&text).unwrap()).unwrap()
}

fn assert_valid(v: &jsonschema::Validator, what: &str, doc: &Value) {
    let errors: Vec<String> = v.iter_errors(doc).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}");
}

#[test]
fn sarif_is_valid_and_says_what_check_says() {
    let schema = validator("sarif-schema-2.1.0.json");
    let mut suppressed = 0;
    for (register, today) in cases() {
        let (code, sarif) = check(&register, &today, "sarif");
        let (json_code, json) = check(&register, &today, "json");
        assert_valid(&schema, &register, &sarif);
        assert_eq!(code, json_code, "{register}: the exit code does not depend on the format");
        let run = &sarif["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        let results = run["results"].as_array().unwrap();
        let findings = json["findings"].as_array().unwrap();
        assert_eq!(results.len(), findings.len(), "{register}");
        for (r, f) in results.iter().zip(findings) {
            assert_eq!(r["ruleId"], f["code"], "{register}");
            // The rule a result points at is its code's, with the code's severity as default.
            let rule = &rules[r["ruleIndex"].as_u64().unwrap() as usize];
            assert_eq!(rule["id"], f["code"]);
            assert_eq!(rule["defaultConfiguration"]["level"], f["severity"]);
            assert_eq!(r["level"], f["severity"]);
            let region = &r["locations"][0]["physicalLocation"]["region"];
            assert_eq!(region["startLine"], *f.get("line").unwrap_or(&Value::from(1)), "{register}");
            assert_eq!(region["startColumn"], *f.get("column").unwrap_or(&Value::from(1)), "{register}");
            assert_eq!(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], register.as_str());
            let message = r["message"]["text"].as_str().unwrap();
            assert!(message.starts_with(f["message"].as_str().unwrap()), "{register}: {message}");
            // An accepted deviation is a suppressed result, with its reason.
            match f.get("accepted") {
                Some(a) => {
                    suppressed += 1;
                    let justification = r["suppressions"][0]["justification"].as_str().unwrap();
                    assert!(justification.contains(a["reason"].as_str().unwrap()), "{justification}");
                    assert_eq!(r["suppressions"][0]["status"], "accepted");
                }
                None => assert!(r.get("suppressions").is_none(), "{register}"),
            }
        }
        let fingerprints: std::collections::HashSet<&Value> =
            results.iter().map(|r| &r["partialFingerprints"]["ismsaudit/v1"]).collect();
        assert_eq!(fingerprints.len(), results.len(), "{register}: fingerprints are unique");
    }
    assert!(suppressed > 0, "no case had an accepted deviation");
}

#[test]
fn gitlab_code_quality_is_valid_and_says_what_check_says() {
    let schema = validator("gitlab-code-quality.json");
    for (register, today) in cases() {
        let (_, report) = check(&register, &today, "gitlab");
        let (_, json) = check(&register, &today, "json");
        assert_valid(&schema, &register, &report);
        let issues = report.as_array().unwrap();
        let findings = json["findings"].as_array().unwrap();
        assert_eq!(issues.len(), findings.len(), "{register}");
        for (i, f) in issues.iter().zip(findings) {
            assert_eq!(i["check_name"], f["code"]);
            let severity = match (f.get("accepted"), f["severity"].as_str().unwrap()) {
                (Some(_), _) | (None, "note") => "info",
                (None, "error") => "major",
                (None, _) => "minor",
            };
            assert_eq!(i["severity"], severity, "{register}");
            assert_eq!(i["location"]["lines"]["begin"], *f.get("line").unwrap_or(&Value::from(1)));
            assert_eq!(i["location"]["path"], register.as_str());
        }
    }
}

/// A fingerprint follows a finding while the register is edited above it: GitLab and GitHub
/// then show it as the same finding, not one fixed and one new.
#[test]
fn fingerprints_do_not_move_with_the_line() {
    let dir = std::env::temp_dir().join(format!("ismsaudit-reports-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let text = std::fs::read_to_string(Path::new(CASES).join("overdue-audit.yaml")).unwrap();
    std::fs::write(dir.join("a.yaml"), &text).unwrap();
    std::fs::write(dir.join("b.yaml"), format!("# a comment\n# and another\n{text}")).unwrap();
    let fingerprints = |file: &str| {
        let (_, report) = check(dir.join(file).to_str().unwrap(), "2025-07-01", "gitlab");
        let lines: Vec<Value> =
            report.as_array().unwrap().iter().map(|i| i["location"]["lines"]["begin"].clone()).collect();
        let prints: Vec<Value> = report.as_array().unwrap().iter().map(|i| i["fingerprint"].clone()).collect();
        (lines, prints)
    };
    let (lines_a, a) = fingerprints("a.yaml");
    let (lines_b, b) = fingerprints("b.yaml");
    assert!(!a.is_empty());
    assert_ne!(lines_a, lines_b, "the findings moved down two lines");
    assert_eq!(a, b);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_register_that_cannot_be_read_is_reported_in_every_format() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cmd/errors.in");
    let sarif = validator("sarif-schema-2.1.0.json");
    let gitlab = validator("gitlab-code-quality.json");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let file = path.to_str().unwrap();
        if file.ends_with("ok.yaml") || file.contains("record-") {
            continue;
        }
        let (code, report) = check(file, "2026-11-28", "sarif");
        assert_eq!(code, Some(2), "{file}");
        assert_valid(&sarif, file, &report);
        let results = report["runs"][0]["results"].as_array().unwrap();
        assert!(!results.is_empty() && results.iter().all(|r| r["ruleId"] == "register-invalid"), "{file}");
        let (code, report) = check(file, "2026-11-28", "gitlab");
        assert_eq!(code, Some(2), "{file}");
        assert_valid(&gitlab, file, &report);
    }
}

#[test]
fn the_job_summary_gives_the_verdict_and_a_row_per_finding() {
    for (register, today) in cases() {
        let out = Command::new(env!("CARGO_BIN_EXE_ismsaudit"))
            .args(["check", &register, "--today", &today, "--format", "md"])
            .current_dir(CASES)
            .output()
            .unwrap();
        let summary = String::from_utf8(out.stdout).unwrap();
        let text = Command::new(env!("CARGO_BIN_EXE_ismsaudit"))
            .args(["check", &register, "--today", &today])
            .current_dir(CASES)
            .output()
            .unwrap();
        let verdict = String::from_utf8(text.stdout).unwrap().lines().last().unwrap().to_string();
        assert_eq!(summary.lines().next().unwrap(), format!("## ismsaudit check: {verdict}"), "{register}");
        let (_, json) = check(&register, &today, "json");
        let rows = summary.lines().filter(|l| l.starts_with("| ") && !l.starts_with("| Severity |")).count();
        assert_eq!(rows, json["findings"].as_array().unwrap().len(), "{register}");
    }
}

/// A finding keeps its fingerprint when another is fixed: two faults of a register, the first
/// corrected, the second's fingerprint unchanged (and neither is the fingerprint of a file
/// that cannot be read at all).
#[test]
fn fixing_one_finding_leaves_the_others_fingerprints_alone() {
    let dir = std::env::temp_dir().join(format!("ismsaudit-reports-fix-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let both = "organisation: X\ncertification: {decision: 2025-02-30}\nauditors: [{id: a}]\nscope:\n  - {id: x, owner: o, risk: hgh}\n";
    let one = both.replace("2025-02-30", "2025-02-28");
    std::fs::write(dir.join("both.yaml"), both).unwrap();
    std::fs::write(dir.join("one.yaml"), one).unwrap();
    let prints = |file: &str| -> Vec<(String, String)> {
        let (_, report) = check(dir.join(file).to_str().unwrap(), "2026-11-28", "gitlab");
        (report.as_array().unwrap().iter())
            .map(|i| (i["description"].as_str().unwrap().to_string(), i["fingerprint"].as_str().unwrap().to_string()))
            .collect()
    };
    let (before, after) = (prints("both.yaml"), prints("one.yaml"));
    assert_eq!(before.len(), 2, "{before:?}");
    assert_eq!(after.len(), 1, "{after:?}");
    assert_eq!(before[1], after[0], "the remaining finding keeps its fingerprint");
    let (_, missing) = check(dir.join("missing.yaml").to_str().unwrap(), "2026-11-28", "gitlab");
    assert!(before.iter().all(|(_, f)| *f != missing[0]["fingerprint"]));
    std::fs::remove_dir_all(&dir).unwrap();
}
