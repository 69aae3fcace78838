//! The command line as a user sees it: trycmd cases in `tests/cmd` (arguments, exit code,
//! expected stdout and stderr, word for word). Update them with `TRYCMD=overwrite cargo test`
//! and review the diff.

use std::process::Command;

#[test]
fn cli_cases() {
    // README.md's `console` example is checked too, so the README never shows stale output.
    trycmd::TestCases::new().case("tests/cmd/*.toml").case("tests/cmd/*.trycmd").case("README.md");
}

/// Bad input prints nothing on stdout, so a pipeline never consumes half a result.
#[test]
fn bad_registers_exit_2_with_nothing_on_stdout() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cmd/errors.in");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        // (Those judged against the day, which the clock would make valid some day.)
        if ["ok.yaml", "record-done-in-future.yaml", "record-end-done.yaml"].contains(&name.as_str()) {
            continue;
        }
        for command in ["validate", "plan", "check"] {
            let out =
                Command::new(env!("CARGO_BIN_EXE_ismsaudit"))
                    .args(
                        [command, path.to_str().unwrap(), "--today", "2026-11-28"]
                            .iter()
                            .take(if command == "validate" { 2 } else { 4 }),
                    )
                    .output()
                    .unwrap();
            assert_eq!(out.status.code(), Some(2), "{command} {name}");
            assert!(out.stdout.is_empty(), "{command} {name} printed on stdout");
            let stderr = String::from_utf8(out.stderr).unwrap();
            assert!(stderr.lines().all(|l| l.contains(&name) && l.contains(": error: ")), "{command} {name}: {stderr}");
        }
        seen += 1;
    }
    assert!(seen >= 20, "only {seen} bad registers found");
}

/// The README's table of check codes is the one `codes.rs` holds, word for word. Refresh it with
/// `UPDATE_README=1 cargo test --test cli`, then review the diff.
#[test]
fn readme_documents_every_check_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let readme = std::fs::read_to_string(path).unwrap();
    let (start, end) = ("<!-- check-codes: start -->\n", "<!-- check-codes: end -->");
    let from = readme.find(start).expect("README lacks the check-codes start marker") + start.len();
    let to = readme[from..].find(end).expect("README lacks the check-codes end marker") + from;
    let table = ismsaudit::codes::markdown_table();
    if std::env::var_os("UPDATE_README").is_some() {
        std::fs::write(path, format!("{}{table}{}", &readme[..from], &readme[to..])).unwrap();
        return;
    }
    assert_eq!(&readme[from..to], table, "README's table of check codes differs from src/codes.rs");
}

/// Same input, same bytes: the output depends on nothing but the register and `--today`, not on
/// the time zone, the locale or the terminal.
#[test]
fn output_is_the_same_in_any_environment() {
    let run = |tz: &str, lang: &str| {
        Command::new(env!("CARGO_BIN_EXE_ismsaudit"))
            .args(["plan", "examples/enterprise.yaml", "--today", "2026-11-28", "--cycles", "2"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("TZ", tz)
            .env("LANG", lang)
            .env("COLUMNS", "40")
            .output()
            .unwrap()
            .stdout
    };
    let first = run("UTC", "C");
    assert!(!first.is_empty());
    assert_eq!(first, run("Pacific/Kiritimati", "de_DE.UTF-8"));
}

fn ismsaudit(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_ismsaudit")).args(args).output().unwrap()
}

/// `explain CODE` says, for every code in the README's table, what the table says: when, what
/// to do and the rule (the words may be wrapped differently).
#[test]
fn explain_agrees_with_the_readme_for_every_code() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let table =
        &readme[readme.find("<!-- check-codes: start -->").unwrap()..readme.find("<!-- check-codes: end -->").unwrap()];
    let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut seen = 0;
    for row in table.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = row.trim_matches('|').split(" | ").map(str::trim).collect();
        let code = cells[0].trim_matches('`');
        let out = ismsaudit(&["explain", code]);
        assert_eq!(out.status.code(), Some(0), "{code}");
        let text = words(&String::from_utf8(out.stdout).unwrap());
        assert!(text.starts_with(&format!("{code} ({})", cells[1])), "{code}: {text}");
        for cell in &cells[2..] {
            assert!(cell.is_empty() || text.contains(&words(cell)), "{code}: `{cell}` not in: {text}");
        }
        seen += 1;
    }
    assert!(seen >= 25, "only {seen} codes in the README's table");
    let list = String::from_utf8(ismsaudit(&["explain"]).stdout).unwrap();
    assert_eq!(list.lines().filter(|l| !l.starts_with(' ') && l.ends_with(')')).count(), seen);
}

/// Explanations fit 80 columns when piped.
#[test]
fn explanations_fit_80_columns() {
    for args in [&["explain"][..], &["explain", "overdue-audit"], &["explain", "register-invalid"]] {
        let out = String::from_utf8(ismsaudit(args).stdout).unwrap();
        assert!(out.lines().all(|l| l.chars().count() <= 80), "{args:?}:\n{out}");
    }
}

/// The completion scripts are what the shells accept, and the manual page is roff.
#[test]
fn completions_and_the_manual_page() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = ismsaudit(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = String::from_utf8(out.stdout).unwrap();
        for command in ["plan", "calendar", "agenda", "check", "validate", "explain", "init"] {
            assert!(script.contains(command), "{shell} completion lacks {command}");
        }
    }
    let bash = ismsaudit(&["completions", "bash"]).stdout;
    let dir = std::env::temp_dir().join(format!("ismsaudit-completion-{}", std::process::id()));
    std::fs::write(&dir, &bash).unwrap();
    let checked = Command::new("bash").arg("-n").arg(&dir).status();
    let _ = std::fs::remove_file(&dir);
    if let Ok(status) = checked {
        assert!(status.success(), "bash -n rejects the completion script");
    }
    // `explain` completes the check codes.
    assert!(String::from_utf8_lossy(&bash).contains("overdue-audit"));
    let dir = std::env::temp_dir().join(format!("ismsaudit-man-{}", std::process::id()));
    let out = ismsaudit(&["man", "--dir", dir.join("man1").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    for page in ["ismsaudit.1", "ismsaudit-plan.1", "ismsaudit-check.1", "ismsaudit-explain.1"] {
        let text = std::fs::read_to_string(dir.join("man1").join(page)).unwrap_or_default();
        assert!(text.lines().any(|l| l.starts_with(".TH ismsaudit")), "{page}");
    }
    let _ = std::fs::remove_dir_all(&dir);
    let man = String::from_utf8(ismsaudit(&["man"]).stdout).unwrap();
    assert!(man.lines().any(|l| l.starts_with(".TH ismsaudit 1")), "{man}");
    assert!(man.contains(".SH NAME") && man.contains(".SH SUBCOMMANDS") || man.contains(".SH SYNOPSIS"), "{man}");
    assert_eq!(ismsaudit(&["completions", "tcsh"]).status.code(), Some(2));
}

/// Colour only when asked for or on a terminal (tests run piped, as CI does): `--color never`,
/// `NO_COLOR` and a pipe leave no escape code; `--color always` colours the tool's own words,
/// on stdout and on stderr.
#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let today = ["--today", "2026-11-28"];
    let commands: [&[&str]; 4] = [
        &["check", "examples/enterprise.yaml"],
        &["plan", "examples/enterprise.yaml"],
        // (An agenda coloured: one with a review overdue in a round still open.)
        &["agenda", "examples/enterprise.yaml", "tests/cmd/histories.in/record-from.yaml", "--days", "400"],
        &["calendar", "examples/saas-certified.yaml"],
    ];
    let run = |args: &[&str], color: Option<&str>, no_color: bool| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_ismsaudit"));
        c.args(args).args(today).current_dir(env!("CARGO_MANIFEST_DIR"));
        if let Some(when) = color {
            c.args(["--color", when]);
        }
        if no_color {
            c.env("NO_COLOR", "1");
        } else {
            c.env_remove("NO_COLOR");
        }
        let out = c.output().unwrap();
        (String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
    };
    for args in commands {
        for (color, no_color) in [(None, false), (Some("never"), false), (Some("auto"), true), (None, true)] {
            let (out, err) = run(args, color, no_color);
            assert!(!out.is_empty(), "{args:?}");
            assert!(!out.contains('\x1b') && !err.contains('\x1b'), "{args:?} {color:?} NO_COLOR={no_color}");
        }
        let (out, _) = run(args, Some("always"), true);
        assert!(out.contains("\x1b["), "{args:?} --color always");
        let plain: String = out
            .split("\x1b[")
            .enumerate()
            .map(|(i, part)| if i == 0 { part } else { part.split_once('m').map_or(part, |(_, rest)| rest) })
            .collect();
        // (The calendar marks a day by colour or, without it, by a symbol beside it.)
        if args[0] != "calendar" {
            assert_eq!(plain, run(args, Some("never"), false).0, "{args:?}: colour changed more than colour");
        }
    }
    let (_, err) = run(&["validate", "no-such-register.yaml"], Some("always"), false);
    assert!(err.contains("\x1b[1;31merror\x1b[0m"), "{err}");
}

/// Every text output fits 80 columns when piped (and `COLUMNS` says 80), for every example:
/// tables wrap their cells, the coverage matrix comes a cycle at a time, sentences wrap.
#[test]
fn text_outputs_fit_80_columns() {
    let commands: [&[&str]; 8] = [
        &["plan"],
        &["plan", "--detail"],
        &["plan", "--cycles", "3"],
        &["check"],
        &["agenda", "--days", "400"],
        &["calendar"],
        &["validate"],
        &["calendar", "--year", "2027"],
    ];
    for example in ["examples/startup.yaml", "examples/saas-certified.yaml", "examples/enterprise.yaml"] {
        for args in commands {
            let out = Command::new(env!("CARGO_BIN_EXE_ismsaudit"))
                .args(args)
                .args([example, "--today", "2026-11-28"])
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .env("COLUMNS", "80")
                .output()
                .unwrap();
            let text = String::from_utf8(out.stdout).unwrap();
            assert!(!text.is_empty(), "{args:?} {example}");
            for line in text.lines() {
                assert!(line.chars().count() <= 80, "{args:?} {example}: {} columns:\n{line}", line.chars().count());
            }
        }
    }
    for args in
        [&["--help"][..], &["plan", "--help"], &["calendar", "--help"], &["check", "--help"], &["schema", "--help"]]
    {
        let text = String::from_utf8(ismsaudit(args).stdout).unwrap();
        assert!(text.lines().all(|l| l.chars().count() <= 80), "{args:?}:\n{text}");
    }
}

/// `check --format json` on a register with more errors than are shown counts them all.
#[test]
fn json_for_an_unreadable_register_counts_every_error() {
    let path = std::env::temp_dir().join(format!("ismsaudit-many-{}.yaml", std::process::id()));
    let mut text =
        String::from("organisation: x\ncertification: {decision: 2024-06-03}\nscope: [{id: a, owner: o}]\nreviews:\n");
    text.push_str(&"  - {date: 2025-03-03}\n".repeat(120));
    std::fs::write(&path, text).unwrap();
    let out = ismsaudit(&["check", path.to_str().unwrap(), "--format", "json", "--today", "2026-11-28"]);
    let _ = std::fs::remove_file(&path);
    assert_eq!(out.status.code(), Some(2));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["errors"], 119);
    assert!(doc["findings"].as_array().unwrap().iter().all(|f| f["code"] == "register-invalid"));
}

/// The README's register, every key written out, is a register the tool reads (on a day after
/// everything it records).
#[test]
fn the_readmes_register_example_validates() {
    let readme = include_str!("../README.md");
    let start = readme.find("```yaml\norganisation: Acme Ltd").expect("README lacks its register example") + 8;
    let end = readme[start..].find("```").unwrap() + start;
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("readme-register");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("isms.yaml");
    std::fs::write(&path, &readme[start..end]).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ismsaudit"))
        .args(["validate", path.to_str().unwrap(), "--today", "2027-08-01"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}
