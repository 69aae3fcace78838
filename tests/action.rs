//! The GitHub Action (`action.yml`) as a runner runs it: its `check` step's script, run by bash
//! with the variables a runner sets, on a register that passes, one that fails and one that
//! cannot be read; and its pinned version is the crate's.
#![cfg(unix)]

use std::fs;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

fn action() -> Value {
    let text = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/action.yml")).unwrap();
    serde_saphyr::from_str(&text).unwrap()
}

#[test]
fn the_action_runs_the_version_of_its_own_commit() {
    assert_eq!(action()["inputs"]["version"]["default"], env!("CARGO_PKG_VERSION"), "bump action.yml with Cargo.toml");
}

/// What the `check` step wrote: (exit code in its outputs, the outputs file, the summary, the log).
fn check_step(inputs: &[(&str, &str)]) -> (String, String, String, String) {
    let action = action();
    let step = action["runs"]["steps"].as_array().unwrap().iter().find(|s| s["id"] == "check").unwrap().clone();
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    let run = RUNS.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("ismsaudit-action-{}-{run}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    let (output, summary) = (dir.join("output"), dir.join("summary"));
    let bin = Path::new(env!("CARGO_BIN_EXE_ismsaudit")).parent().unwrap();
    let mut cmd = Command::new("bash");
    cmd.args(["-e", "-c", step["run"].as_str().unwrap()])
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/examples"))
        .env("PATH", format!("{}:{}", bin.display(), std::env::var("PATH").unwrap()))
        .env("GITHUB_OUTPUT", &output)
        .env("GITHUB_STEP_SUMMARY", &summary);
    // Each input's default, as the runner fills them in, then the ones given.
    for (name, input) in action["inputs"].as_object().unwrap() {
        let env = step["env"]
            .as_object()
            .unwrap()
            .iter()
            .find(|(_, v)| v.as_str() == Some(&format!("${{{{ inputs.{name} }}}}")));
        if let Some((var, _)) = env {
            let value = inputs.iter().find(|(n, _)| n == name).map_or(input["default"].as_str().unwrap(), |(_, v)| v);
            cmd.env(var, value);
        }
    }
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(0), "the step itself never fails: the verdict step does");
    let read = |p: &Path| fs::read_to_string(p).unwrap_or_default();
    let outputs = read(&output);
    let code = outputs.lines().find_map(|l| l.strip_prefix("exit-code=")).unwrap_or("").to_string();
    let result = (code, outputs, read(&summary), String::from_utf8(out.stdout).unwrap());
    fs::remove_dir_all(&dir).unwrap();
    result
}

#[test]
fn the_check_step_reports_and_passes_the_verdict_on() {
    let (code, _, summary, log) = check_step(&[("register", "saas-certified.yaml"), ("today", "2026-11-28")]);
    assert_eq!(code, "0");
    assert!(summary.starts_with("## ismsaudit check: 0 errors"), "{summary}");
    assert!(log.ends_with("0 errors, 0 warnings\n"), "{log}");

    let (code, outputs, summary, log) = check_step(&[
        ("register", "enterprise.yaml"),
        ("today", "2026-11-28"),
        ("sarif", "true"),
        ("sarif-file", "/dev/null"),
    ]);
    assert_eq!(code, "1");
    assert!(summary.starts_with("## ismsaudit check: 3 errors"), "{summary}");
    assert!(log.contains("::error file=enterprise.yaml,line=89,col=5,title=no-independent-auditor::"), "{log}");
    assert!(outputs.contains("sarif-file=/dev/null"));
}

#[test]
fn a_register_that_cannot_be_read_fails_with_2_and_says_why_in_the_summary() {
    let (code, _, summary, _) = check_step(&[("register", "missing.yaml"), ("strict", "true")]);
    assert_eq!(code, "2");
    assert!(summary.contains("`register-invalid`"), "{summary}");
}

/// The workflow recipes the README shows are the files `.ci/actionlint` checks, word for word.
#[test]
fn the_readmes_workflow_recipes_are_the_checked_files() {
    let readme = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/workflows");
    let mut seen = 0;
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let recipe = fs::read_to_string(&path).unwrap();
        assert!(readme.contains(&format!("```yaml\n{recipe}```")), "{} is not in the README as it is", path.display());
        seen += 1;
    }
    assert_eq!(seen, 2);
}
