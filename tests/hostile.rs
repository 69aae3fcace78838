//! Registers written by someone hostile: anyone who can open a pull request can edit the
//! register a CI gate runs on. Nothing they write may act on a terminal or a CI log, hang the
//! tool, exhaust memory, or make `init` lose a file.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_ismsaudit");

/// A fresh directory under the target folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).stdin(Stdio::null()).output().unwrap()
}

/// Runs the tool and kills it if it has not finished in `limit`: a guard against hangs, not a
/// measure of speed (the benchmark measures speed). Its output is read as it comes, so a full
/// pipe never stalls it.
fn run_within(args: &[&str], limit: Duration) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let read = |mut from: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = from.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = read(Box::new(child.stdout.take().unwrap()));
    let stderr = read(Box::new(child.stderr.take().unwrap()));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("`ismsaudit {}` did not finish within {limit:?}", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output { status, stdout: stdout.join().unwrap(), stderr: stderr.join().unwrap() }
}

mod inert;
mod payloads;

use payloads::{BROKEN, COMMANDS, FIELDS, PAYLOADS, TEMPLATE};

/// Everything the tool printed is inert (see [`inert::assert_inert`]), on each stream.
fn assert_safe(what: &str, out: &Output) {
    for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        inert::assert_inert(&format!("{what}: {stream}"), &String::from_utf8_lossy(bytes));
    }
}

/// Markdown as GitHub renders it (GFM, with its autolinks) holds no link, image or HTML from
/// the register, and no `@mention`.
fn assert_markdown_inert(what: &str, markdown: &str) {
    let mut options = comrak::Options::default();
    options.extension.autolink = true;
    options.extension.table = true;
    options.extension.strikethrough = true;
    // Raw HTML kept, as GitHub keeps an image: the test must see it if escaping lets it through.
    options.render.r#unsafe = true;
    let html = comrak::markdown_to_html(markdown, &options);
    for tag in ["<a ", "<img", "<script", "<b>"] {
        assert!(!html.contains(tag), "{what}: {tag} in\n{html}");
    }
    // GitHub notifies `@name` where a word character follows the `@`.
    let mention = html.match_indices('@').find(|(i, _)| html[i + 1..].starts_with(|c: char| c.is_alphanumeric()));
    assert!(mention.is_none(), "{what}: a mention in\n{html}");
}

#[test]
fn no_register_text_acts_on_a_terminal_a_ci_log_or_a_markdown_page() {
    let dir = scratch("control-characters");
    let mut registers: Vec<(String, String)> = Vec::new();
    for (p, payload) in PAYLOADS.iter().enumerate() {
        for (f, field) in FIELDS.iter().enumerate().filter(|(f, field)| !field.is_empty() || *f == FIELDS.len() - 1) {
            let mut text = TEMPLATE.to_string();
            for other in FIELDS.iter().filter(|f| !f.is_empty()) {
                let value = if other == field { payload } else { "plain" };
                text = text.replace(&format!("{{{other}}}"), value);
            }
            let name = if field.is_empty() { "none".to_string() } else { format!("{field}-{f}") };
            registers.push((format!("field-{name}-{p}"), text));
        }
        for (i, broken) in BROKEN.iter().enumerate() {
            registers.push((format!("broken-{i}-{p}"), broken.replace("{P}", payload)));
        }
    }
    for (name, text) in &registers {
        // Workflow commands, log commands and escapes are also in the file name, for the
        // messages that name the file: at its start, where a message's line starts.
        let path = dir.join(format!("::error::{name}\u{1b}[2J##[x]##vso[y]\u{200b}.yaml"));
        fs::write(&path, text).unwrap();
        for command in COMMANDS {
            let mut args: Vec<&str> = command.to_vec();
            args.insert(1, path.to_str().unwrap());
            args.extend(["--today", "2026-11-28"]);
            let out = run(&args);
            // The registers with the payload in a field are valid, so it reaches every output.
            let expected = if name.starts_with("field-") { 0..=1 } else { 2..=2 };
            assert!(
                out.status.code().is_some_and(|c| expected.contains(&c)),
                "{name} {command:?}: {:?} {}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            );
            assert_safe(&format!("{name} {command:?}"), &out);
            if command.contains(&"html") && name.starts_with("field-") {
                let html = String::from_utf8_lossy(&out.stdout);
                for tag in ["<a ", "<img", "<script", "<b>", "<iframe"] {
                    assert!(!html.contains(tag), "{name} {command:?}: {tag} in the page");
                }
            }
            if command.contains(&"markdown") && name.starts_with("field-") {
                assert_markdown_inert(&format!("{name} {command:?}"), &String::from_utf8_lossy(&out.stdout));
            }
        }
    }
}

/// A name padded so that a workflow command falls at each place the iCalendar writer folds a
/// line: no continuation line starts with it, in the summary (area and auditor) nor the
/// calendar's name (organisation).
#[test]
fn folding_a_calendar_never_starts_a_line_with_a_command() {
    let dir = scratch("ics-folding");
    for pad in 0..80 {
        let name = format!("{}::error::forged ::add-mask::x", "a".repeat(pad));
        let text = format!(
            "organisation: \"{name}\"\nid: fold\ncertification: {{decision: 2026-01-12}}\nauditors: [{{id: u, name: \"{name}\"}}]\nscope: [{{id: a, name: \"{name}\", owner: o, risk: high}}]\n"
        );
        let path = dir.join(format!("fold-{pad}.yaml"));
        fs::write(&path, text).unwrap();
        let out = run(&["calendar", path.to_str().unwrap(), "--format", "ics", "--today", "2026-11-28"]);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        assert_safe(&format!("pad {pad}"), &out);
        // Folded, not changed (but where the name starts with `::`, which is escaped).
        let text = String::from_utf8(out.stdout).unwrap();
        let summary = format!("SUMMARY:Internal audit: {name} ({name})");
        assert!(pad == 0 || text.replace("\r\n ", "").contains(&summary), "{text}");
    }
}

#[test]
fn a_fifo_a_device_or_a_directory_is_refused_without_reading() {
    let dir = scratch("special-files");
    let mut cases = vec![dir.clone()];
    if cfg!(unix) && Path::new("/dev/zero").exists() {
        cases.push(PathBuf::from("/dev/zero"));
    }
    #[cfg(unix)]
    {
        let fifo = dir.join("fifo.yaml");
        let made = Command::new("mkfifo").arg(&fifo).status().is_ok_and(|s| s.success());
        if made {
            cases.push(fifo);
        }
    }
    for path in cases {
        let out = run_within(&["validate", path.to_str().unwrap()], Duration::from_secs(20));
        assert_eq!(out.status.code(), Some(2), "{}", path.display());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.ends_with(": error: is not a regular file; give the path of the register, a YAML file\n"),
            "{stderr}"
        );
    }
}

#[test]
fn a_register_over_the_size_limit_is_refused() {
    let dir = scratch("size-limit");
    let path = dir.join("big.yaml");
    fs::write(&path, format!("organisation: x\n# {}\n", "x".repeat(1024 * 1024))).unwrap();
    let out = run(&["validate", path.to_str().unwrap(), "--max-size", "1"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("error: the register is over 1 MiB (1048595 bytes); check that this file is the register, or raise the limit with `--max-size`"),
        "{stderr}"
    );
    // Raised, the same file is read (and found to lack the rest of a register).
    let out = run(&["validate", path.to_str().unwrap(), "--max-size", "2"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing key `certification`"));
}

/// Inputs built to make the tool work hard: each finishes within the guard's limit, which is
/// far above what any of them takes (the benchmark measures time; this only catches a hang).
#[test]
fn no_register_makes_the_tool_hang() {
    let dir = scratch("hard-work");
    let guard = Duration::from_secs(120);
    let mut cases: Vec<(&str, String)> = Vec::new();
    // Thousands of unknown references, each asking for a "did you mean".
    let mut many =
        String::from("organisation: x\ncertification: {decision: 2024-06-03}\nauditors: [{id: a}]\nscope:\n");
    for i in 0..3000 {
        many.push_str(&format!("  - {{id: area-{i:05}, owner: o}}\n"));
    }
    many.push_str("audits:\n");
    for i in 0..3000 {
        many.push_str(&format!("  - {{date: 2025-01-06, areas: [aera-{i:05}], auditor: a}}\n"));
    }
    cases.push(("unknown-references", many));
    // Ids at the length limit everywhere, and one over it.
    let long = "x".repeat(100);
    let mut ids = String::from("organisation: x\ncertification: {decision: 2024-06-03}\nauditors: [{id: a}]\nscope:\n");
    for i in 0..2000 {
        ids.push_str(&format!("  - {{id: {long}{i}, owner: {long}}}\n"));
    }
    cases.push(("long-ids", ids));
    // Two auditors for 10,000 areas, Stage 1 past, no decision: round 0 late, every area to place.
    let mut crowded = String::from(
        "organisation: x\ncertification: {stage1: 2026-10-05, stage2: 2026-12-14}\nauditors: [{id: a}, {id: b}]\nscope:\n",
    );
    for i in 0..10000 {
        crowded.push_str(&format!("  - {{id: area-{i:05}, owner: o, risk: high}}\n"));
    }
    cases.push(("one-auditor-many-areas", crowded));
    // An alias bomb.
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let prev = i - 1;
        bomb.push_str(&format!("a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"));
    }
    cases.push(("alias-bomb", bomb));
    for (name, text) in cases {
        let path = dir.join(format!("{name}.yaml"));
        fs::write(&path, text).unwrap();
        for command in [&["validate"][..], &["plan", "--format", "json"], &["check"]] {
            let mut args = command.to_vec();
            args.extend([path.to_str().unwrap(), "--today", "2026-11-28"]);
            let out = run_within(&args, guard);
            assert!(matches!(out.status.code(), Some(0..=2)), "{name} {command:?}");
            assert_safe(name, &out);
        }
    }
}

/// The parser's limits are reported in the register's words, never the parser's.
#[test]
fn the_parsers_limits_are_told_in_plain_words() {
    // More aliases than the reader expands.
    let team = vec!["*p"; 60_000].join(", ");
    let text = format!(
        "organisation: x\ncertification: {{decision: 2024-06-03}}\nscope:\n  - {{id: a, owner: &p olga, team: [{team}]}}\n"
    );
    let err = ismsaudit::register::parse("aliases.yaml", &text).unwrap_err().to_string();
    assert!(
        err.starts_with("aliases.yaml:") && err.ends_with("error: the register uses too many aliases (`*name`); aliases expanding this much look like a YAML bomb: write the values out"),
        "{err}"
    );
    // Nesting deeper than any register.
    let deep = format!("organisation: x\nscope: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
    let err = ismsaudit::register::parse("deep.yaml", &deep).unwrap_err().to_string();
    assert!(err.starts_with("deep.yaml:2:263: error: the register nests lists and keys too deep: found `[[["), "{err}");
    assert!(err.ends_with("; a register is a few levels deep: check the indentation"), "{err}");
    // Merge keys nested forty wide, four deep: a kilobyte that would copy millions of values.
    let mut merges =
        String::from("organisation: x\ncertification: {decision: 2024-06-03}\nauditors:\n  - &m0 {id: u0, name: n}\n");
    for k in 1..=4 {
        let refs = vec![format!("*m{}", k - 1); 40].join(", ");
        merges.push_str(&format!("  - &m{k} {{<<: [{refs}], id: u{k}}}\n"));
    }
    merges.push_str("scope: [{id: a, owner: o}]\n");
    let err = ismsaudit::register::parse("merges.yaml", &merges).unwrap_err().to_string();
    assert!(err.contains("error: the register's anchors and merge keys (`<<: *name`) copy too much"), "{err}");
}

/// How many values a register may hold follows its size, not a fixed number: 600,000 values
/// written as a register writes them (team members with ids of ten characters) load, the same
/// number written one letter each is refused, located where the reader stopped.
#[test]
fn the_values_a_register_may_hold_follow_its_size() {
    let head = "organisation: x\ncertification: {decision: 2024-06-03}\nauditors: [{id: u0}]\nscope:\n";
    let members = |name: &dyn Fn(usize) -> String, comma| (0..600_000).map(name).collect::<Vec<_>>().join(comma);
    let written = format!("{head}  - {{id: a, owner: o, team: [{}]}}\n", members(&|i| format!("p-{i:08}"), ", "));
    let reg = ismsaudit::register::parse("written.yaml", &written).unwrap();
    assert_eq!(reg.scope[0].team.len(), 600_000);
    let dense = format!("{head}  - {{id: a, owner: o, team: [{}]}}\n", members(&|_| "b".to_string(), ","));
    let err = ismsaudit::register::parse("dense.yaml", &dense).unwrap_err().to_string();
    let most = ismsaudit::register::max_values(dense.len());
    assert_eq!(most, dense.len() / 4 + 262_144);
    assert!(
        err.starts_with("dense.yaml:5:")
            && err.contains(&format!(
                "error: the register holds more than {} values, more than its size allows (one for every four bytes); \
                 a register writes a value in 9 to 13 bytes on average: check that this file is the register",
                ismsaudit::diagnostic::thousands(most)
            )),
        "{err}"
    );
}

/// Lists longer than any ISMS has are one located error, before any other check runs: a
/// register of a million small areas fits in 40 MB and took 40 s and 3 GiB to check.
#[test]
fn a_list_beyond_its_limit_is_one_located_error() {
    let head = "organisation: x\ncertification: {decision: 2024-06-03}\n";
    let areas: String = (0..100_001).map(|i| format!("  - {{id: a{i}, owner: o}}\n")).collect();
    let text = format!("{head}auditors: [{{id: u0}}]\nscope:\n{areas}");
    let err = ismsaudit::register::parse("big.yaml", &text).unwrap_err().to_string();
    assert_eq!(
        err,
        "big.yaml:100005:5: error: the register lists 100,001 areas in `scope`; at most 100,000 are read; \
         check that this file is the register; the limits are in the README"
    );
    // One auditor's leave, listed day by day for three years.
    let days: String =
        (0..1_001).map(|k| format!("      - {{from: 2030-01-01, to: 2030-01-01, reason: r{k}}}\n")).collect();
    let text =
        format!("{head}auditors:\n  - id: u0\n  - id: u1\n    unavailable:\n{days}scope: [{{id: a, owner: o}}]\n");
    let err = ismsaudit::register::parse("leave.yaml", &text).unwrap_err().to_string();
    assert!(
        err.starts_with("leave.yaml:1007:9: error: the register lists 1,001 `unavailable` periods of one auditor"),
        "{err}"
    );
}

#[test]
fn arguments_are_echoed_escaped() {
    let dir = scratch("arguments");
    let path = dir.join("::error::init\u{1b}]0;t\u{7}\u{202e}.yaml");
    // As a pull request's file names reach a command through a glob (`agenda *.yaml`): the
    // parser quotes them in part, or changed (an escape sequence stripped), or not at all.
    let cases: [Vec<&str>; 9] = [
        vec!["validate", "x", "--today", "\n::error::clap"],
        vec!["validate", "--foo\n::error::x"],
        vec!["plan", "x", "--cycles", "\u{202e}9"],
        vec!["init", path.to_str().unwrap(), "--today", "2026-11-28"],
        vec!["agenda", "a.yaml", "--format=x\n::error title=pwn::owned.yaml"],
        vec!["agenda", "a.yaml", "--x##vso[task.setvariable variable=X]1.yaml"],
        vec!["plan", "a.yaml", "--today", "\u{1b}[0mX\n::error::pwn ##vso[task.complete result=Failed]"],
        vec!["plan", "a.yaml", "--today=X\u{9b}31m\u{202e}Y"],
        vec!["validate", ":"],
    ];
    for args in cases {
        let out = run(&args);
        assert_safe(&format!("{args:?}"), &out);
    }
    assert!(path.exists());
    // A file name that is a workflow command, where a message's line starts with it.
    fs::copy("examples/saas-certified.yaml", dir.join("::error::x.yaml")).unwrap();
    for args in [["validate", "::error::x.yaml"], ["validate", "::warning::missing.yaml"], ["check", "::error::x.yaml"]]
    {
        let out = Command::new(BIN).args(args).args(["--today", "2026-11-28"]).current_dir(&dir).output().unwrap();
        assert_safe(&format!("{args:?}"), &out);
    }
}

#[cfg(unix)]
#[test]
fn a_link_out_of_its_directory_or_into_proc_is_not_read() {
    use std::os::unix::fs::symlink;
    let dir = scratch("links");
    let inner = dir.join("inner");
    fs::create_dir_all(inner.join("compliance")).unwrap();
    fs::write(dir.join("credentials"), "https://x-access-token:ghs_secret@github.com\n").unwrap();
    fs::copy("examples/saas-certified.yaml", inner.join("compliance/isms.yaml")).unwrap();
    symlink("../credentials", inner.join("up.yaml")).unwrap();
    symlink("/proc/self/environ", inner.join("environ.yaml")).unwrap();
    symlink("compliance/isms.yaml", inner.join("isms.yaml")).unwrap();
    for (name, code) in [("up.yaml", 2), ("environ.yaml", 2), ("isms.yaml", 0)] {
        let path = inner.join(name);
        let out = run(&["validate", path.to_str().unwrap(), "--today", "2026-11-28"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{name}: {stderr}");
        assert!(!stderr.contains("ghs_") && !stderr.contains("PATH"), "{stderr}");
    }
    let out = run(&["validate", "/proc/self/status"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .ends_with("error: is not a regular file; give the path of the register, a YAML file\n")
    );
}

#[cfg(unix)]
#[test]
fn init_never_follows_a_link_nor_leaves_half_a_file() {
    use std::os::unix::fs::symlink;
    let dir = scratch("init");
    let (target, link) = (dir.join("target.yaml"), dir.join("isms.yaml"));
    fs::write(&target, "precious\n").unwrap();
    symlink(&target, &link).unwrap();
    let today = ["--today", "2026-11-28"];
    // Without --force, a link is left alone, and what it points to too.
    let out = run(&[&["init", link.to_str().unwrap()][..], &today].concat());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(fs::read_to_string(&target).unwrap(), "precious\n");
    // A dangling link is not followed to create a file elsewhere.
    let (dangling, elsewhere) = (dir.join("dangling.yaml"), dir.join("elsewhere.yaml"));
    symlink(&elsewhere, &dangling).unwrap();
    let out = run(&[&["init", dangling.to_str().unwrap()][..], &today].concat());
    assert_eq!(out.status.code(), Some(2));
    assert!(!elsewhere.exists());
    // With --force, the link itself is replaced by the register; its target keeps its bytes.
    let out = run(&[&["init", link.to_str().unwrap(), "--force"][..], &today].concat());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert!(fs::read_to_string(&link).unwrap().contains("organisation:"));
    assert_eq!(fs::read_to_string(&target).unwrap(), "precious\n");
    // No temporary file is left beside it.
    let names: Vec<String> =
        fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
}

#[test]
fn invalid_utf8_is_located() {
    let dir = scratch("utf8");
    let path = dir.join("latin1.yaml");
    fs::write(&path, b"organisation: Acme\nscope:\n  - id: z\xfcrich\n").unwrap();
    let out = run(&["validate", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.ends_with("latin1.yaml:3:10: error: byte 0xfc is not UTF-8 text; save the register as UTF-8\n"),
        "{stderr}"
    );
}

/// A register with errors beyond the first 50 in file order gets those 50 and one line with the
/// exact count of the rest: 2,000 reviews on one day do not print 1,999 lines.
#[test]
fn errors_beyond_the_first_fifty_are_counted_not_printed() {
    let dir = scratch("many-errors");
    let path = dir.join("reviews.yaml");
    let mut text =
        String::from("organisation: x\ncertification: {decision: 2024-06-03}\nscope: [{id: a, owner: o}]\nreviews:\n");
    text.push_str(&"  - {date: 2025-03-03}\n".repeat(2_000));
    fs::write(&path, text).unwrap();
    let out = run(&["validate", path.to_str().unwrap(), "--today", "2026-11-28"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 51, "{stderr}");
    let name = path.to_str().unwrap();
    for (k, line) in lines[..50].iter().enumerate() {
        let expected = format!(
            "{name}:{}:12: error: management review `2025-03-03` is recorded twice; remove one of them (the other is at line {})",
            k + 6,
            k + 5
        );
        assert_eq!(*line, expected);
    }
    assert_eq!(
        lines[50],
        format!(
            "{name}: error: ... and exactly 1,949 more errors (1,999 in all); only the first 50 in file order are shown: correct them and run again"
        )
    );
}

/// The items of one long list are located in one pass, each from the one before: 20,000 bad
/// clause ids on one line. Searched for from the start of the list each, they took 200 million
/// searches (12 s in a release build).
#[test]
fn a_long_list_of_bad_ids_is_located_in_one_pass() {
    let n = 20_000;
    let text = format!(
        "organisation: x\ncertification: {{decision: 2024-06-03}}\nauditors: [{{id: a}}]\nscope:\n  - id: s\n    owner: o\n    clauses: [{}]\n",
        vec!["1"; n].join(",")
    );
    let err = ismsaudit::register::parse("r1.yaml", &text).unwrap_err();
    assert_eq!(err.diagnostics.len(), 51);
    for (k, d) in err.diagnostics[..50].iter().enumerate() {
        assert_eq!(d.loc, Some(ismsaudit::diagnostic::Loc::new(7, 15 + 2 * k as u64)), "item {k}");
        assert_eq!(d.text(), "unknown clause `1` in area `s`; did you mean `4.1`?");
    }
    assert_eq!(
        err.diagnostics[50].text(),
        "... and exactly 19,950 more errors (20,000 in all); only the first 50 in file order are shown: correct them and run again"
    );
    // Past the first 50, an item is located only to be counted; a list whose items all come
    // after them is not searched at all. Both lists here give the same count.
    let text = format!("{text}  - id: t\n    owner: o\n    controls: [{}]\n", vec!["A.1"; 1000].join(","));
    let err = ismsaudit::register::parse("r1.yaml", &text).unwrap_err();
    assert!(err.to_string().ends_with("... and exactly 20,950 more errors (21,000 in all); only the first 50 in file order are shown: correct them and run again"));
}

#[cfg(unix)]
#[test]
fn init_writes_any_name_the_system_takes_and_says_why_it_cannot() {
    let dir = scratch("init-names");
    let today = ["--today", "2026-11-28"];
    // 245 bytes: the longest file names leave no room for a suffix on a temporary name.
    let long = dir.join(format!("{}.yaml", "r".repeat(240)));
    let out = run(&[&["init", long.to_str().unwrap()][..], &today].concat());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(fs::read_to_string(&long).unwrap().contains("organisation:"));
    let names: Vec<String> =
        fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(names.len(), 1, "{names:?}");
    // Where it cannot write, the system's reason is given, the names escaped.
    let missing = dir.join("gone\u{1b}[2J");
    let path = missing.join("isms.yaml");
    let out = run(&[&["init", path.to_str().unwrap()][..], &today].concat());
    assert_eq!(out.status.code(), Some(2));
    assert_safe("init into a missing directory", &out);
    let reason = fs::File::open(&path).unwrap_err().to_string();
    let shown = |p: &Path| p.to_str().unwrap().replace('\u{1b}', "\\u{1b}");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!("error: cannot write {}: cannot open the folder {}: {reason}\n", shown(&path), shown(&missing))
    );
}

#[cfg(unix)]
#[test]
fn init_force_keeps_the_permissions_of_the_file_it_replaces() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch("init-mode");
    let path = dir.join("isms.yaml");
    for mode in [0o600, 0o640, 0o604] {
        fs::write(&path, "old\n").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
        let out = run(&["init", path.to_str().unwrap(), "--force", "--today", "2026-11-28"]);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(fs::read_to_string(&path).unwrap().contains("organisation:"));
        assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o7777, mode, "{mode:o}");
    }
}

/// What is in `dir`, by name, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

/// `--output` writes only over a plain file (or, through a link, the plain file it points to,
/// as `cp` would), never over a device, a FIFO, a directory, the register being read, or a
/// read-only file unless asked; the file it replaces keeps its permissions (and owner, where
/// the system lets it be kept); no temporary file is left in any case.
#[cfg(unix)]
#[test]
fn output_goes_only_over_a_plain_file() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};
    let dir = scratch("output-targets");
    let register = dir.join("isms.yaml");
    fs::copy("examples/saas-certified.yaml", &register).unwrap();
    let original = fs::read(&register).unwrap();
    let reg = register.to_str().unwrap();
    let plan = |output: &Path, extra: &[&str]| {
        let args = [&["plan", reg, "--today", "2026-11-28", "--output", output.to_str().unwrap()][..], extra].concat();
        run_within(&args, Duration::from_secs(60))
    };
    let refused = |output: &Path, says: &str| {
        let out = plan(output, &[]);
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(2), "{}: {err}", output.display());
        assert!(err.starts_with("error: cannot write ") && err.contains(says), "{err}");
        assert_safe("refused", &out);
    };
    // A FIFO (never opened, so never blocked on), a directory, a link to a device.
    let fifo = dir.join("fifo.md");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    refused(&fifo, "it is a FIFO, not a regular file");
    let folder = dir.join("folder.md");
    fs::create_dir(&folder).unwrap();
    refused(&folder, "it is a directory, not a regular file");
    let null = dir.join("null.md");
    symlink("/dev/null", &null).unwrap();
    refused(&null, "it is a symbolic link to a character device, not to a regular file");
    assert!(fs::symlink_metadata(&null).unwrap().file_type().is_symlink());
    refused(&dir.join("nowhere.md").join("..").join("x"), "");
    let dangling = dir.join("dangling.md");
    symlink(dir.join("gone"), &dangling).unwrap();
    refused(&dangling, "it is a symbolic link to nothing");
    // The register itself: by its path, through a link, through a hard link.
    refused(&register, "it is the register being read");
    let link = dir.join("link.yaml");
    symlink("isms.yaml", &link).unwrap();
    refused(&link, "it is the register being read");
    let hard = dir.join("hard.yaml");
    fs::hard_link(&register, &hard).unwrap();
    refused(&hard, "it is the register being read");
    assert_eq!(fs::read(&register).unwrap(), original);
    // A link to a plain file: the file gets the plan, the link stays.
    let target = dir.join("target.txt");
    fs::write(&target, "old\n").unwrap();
    let to_target = dir.join("plan.txt");
    symlink("target.txt", &to_target).unwrap();
    assert_eq!(plan(&to_target, &[]).status.code(), Some(0));
    assert!(fs::symlink_metadata(&to_target).unwrap().file_type().is_symlink());
    assert!(fs::read_to_string(&target).unwrap().starts_with("Northwind Cloud GmbH: audit plan"));
    // Read-only: refused, then replaced when asked, keeping its mode (and its owner).
    let locked = dir.join("locked.txt");
    fs::write(&locked, "keep\n").unwrap();
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o444)).unwrap();
    let root = fs::metadata(&locked).unwrap().uid() == 0;
    if root {
        assert!(Command::new("chown").args(["65534:65534", locked.to_str().unwrap()]).status().unwrap().success());
    }
    refused(&locked, "it is read-only; pass --force to replace it");
    assert_eq!(fs::read_to_string(&locked).unwrap(), "keep\n");
    let out = plan(&locked, &["--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(fs::read_to_string(&locked).unwrap().starts_with("Northwind"));
    let m = fs::metadata(&locked).unwrap();
    assert_eq!(m.permissions().mode() & 0o777, 0o444);
    if root {
        assert_eq!((m.uid(), m.gid()), (65534, 65534), "the owner is kept");
    }
    // Nothing else appeared.
    assert_eq!(
        names(&dir),
        [
            "dangling.md",
            "fifo.md",
            "folder.md",
            "hard.yaml",
            "isms.yaml",
            "link.yaml",
            "locked.txt",
            "null.md",
            "plan.txt",
            "target.txt"
        ]
    );
}

/// `man --dir` writes a page over a link, not through it; a FIFO among the pages is refused
/// without blocking; and the pages are all written or none: with a write failing half way (a
/// full disk, as a file size limit makes it), the old pages stay as they were.
#[cfg(unix)]
#[test]
fn man_pages_are_written_all_or_none_never_through_a_link() {
    use std::os::unix::fs::symlink;
    let dir = scratch("man-pages");
    let pages = dir.join("man1");
    fs::create_dir(&pages).unwrap();
    let outside = dir.join("outside.txt");
    fs::write(&outside, "precious\n").unwrap();
    symlink("../outside.txt", pages.join("ismsaudit.1")).unwrap();
    let out = run_within(&["man", "--dir", pages.to_str().unwrap()], Duration::from_secs(60));
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(fs::read_to_string(&outside).unwrap(), "precious\n");
    assert!(fs::symlink_metadata(pages.join("ismsaudit.1")).unwrap().is_file());
    let written = names(&pages);
    assert!(written.len() > 8 && written.contains(&"ismsaudit-plan.1".to_string()), "{written:?}");
    // Old pages, one of them a FIFO: refused, and every other page left as it was.
    for name in &written {
        fs::write(pages.join(name), "old\n").unwrap();
    }
    fs::remove_file(pages.join("ismsaudit-plan.1")).unwrap();
    assert!(Command::new("mkfifo").arg(pages.join("ismsaudit-plan.1")).status().unwrap().success());
    let out = run_within(&["man", "--dir", pages.to_str().unwrap()], Duration::from_secs(60));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ismsaudit-plan.1: it is a FIFO"), "{out:?}");
    fs::remove_file(pages.join("ismsaudit-plan.1")).unwrap();
    fs::write(pages.join("ismsaudit-plan.1"), "old\n").unwrap();
    // A full disk: no file may grow past 1 KiB (the shell's `ulimit -f 1`, with the signal it
    // sends ignored so that the write fails instead).
    let full = "trap '' XFSZ; ulimit -f 1; exec \"$0\" man --dir \"$1\"";
    let out = Command::new("sh").args(["-c", full, BIN, pages.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    for name in &written {
        assert_eq!(fs::read_to_string(pages.join(name)).unwrap(), "old\n", "{name}");
    }
    assert_eq!(names(&pages), written, "no temporary file is left");
}

/// `init` into a full standard output: the register is written, and that is a success (the
/// message saying so is all that is lost).
#[cfg(unix)]
#[test]
fn init_with_nowhere_to_say_so_still_writes() {
    let dir = scratch("init-full-stdout");
    let path = dir.join("isms.yaml");
    let full = fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let out = Command::new(BIN)
        .args(["init", path.to_str().unwrap(), "--today", "2026-11-28"])
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(fs::read_to_string(&path).unwrap().contains("organisation:"));
}

/// Every symbolic link on the way to the register is checked, not only the last: a directory
/// that is a link out of its own directory is refused, and so is a link into `.git`.
#[cfg(unix)]
#[test]
fn every_link_on_the_way_to_the_register_is_checked() {
    use std::os::unix::fs::symlink;
    let dir = scratch("links-on-the-way");
    let checkout = dir.join("checkout");
    fs::create_dir_all(checkout.join(".git")).unwrap();
    fs::create_dir_all(dir.join("secrets")).unwrap();
    fs::copy("examples/saas-certified.yaml", dir.join("secrets/isms.yaml")).unwrap();
    fs::copy("examples/saas-certified.yaml", checkout.join(".git/isms.yaml")).unwrap();
    fs::create_dir_all(checkout.join("compliance")).unwrap();
    fs::copy("examples/saas-certified.yaml", checkout.join("compliance/isms.yaml")).unwrap();
    symlink("../secrets", checkout.join("reg")).unwrap();
    symlink(".git/isms.yaml", checkout.join("git.yaml")).unwrap();
    symlink("compliance", checkout.join("here")).unwrap();
    for (path, code, says) in [
        ("reg/isms.yaml", 2, "is a symbolic link that leads outside its own directory"),
        ("git.yaml", 2, "is a symbolic link into a `.git` directory"),
        ("here/isms.yaml", 0, ""),
        ("./here/../compliance/isms.yaml", 0, ""),
    ] {
        let out = Command::new(BIN)
            .args(["validate", path, "--today", "2026-11-28"])
            .current_dir(&checkout)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{path}: {err}");
        assert!(err.contains(says), "{path}: {err}");
        // Where a link leads outside is not said.
        assert!(!err.contains("secrets"), "{err}");
    }
}

/// A very long argument is echoed cut short, by the tool and by the argument parser.
#[test]
fn long_arguments_are_cut_short_in_messages() {
    let long = format!("{}.yaml", "x".repeat(5000));
    let today = format!("--today={}", "x".repeat(5000));
    for args in [
        vec!["validate", long.as_str()],
        vec!["plan", "isms.yaml", "--cycles", long.as_str()],
        vec!["plan", "isms.yaml", "--today", long.as_str()],
        vec!["agenda", today.as_str()],
        vec!["calendar", "examples/saas-certified.yaml", "--auditor", long.as_str(), "--today", "2026-11-28"],
    ] {
        let out = run(&args);
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.lines().all(|l| l.chars().count() < 700), "{args:?}: {err}");
        assert!(err.contains("xxxxx..."), "{err}");
    }
    // Help asked for beside such an argument is help still: on standard output, exit 0.
    let out = run(&["plan", "--help", "x\ny"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Usage: ismsaudit plan"));
}

/// A write killed half way leaves no file behind: what is written has no name until it is
/// whole (Linux's unnamed files). The folder is watched while a long calendar is written.
#[cfg(target_os = "linux")]
#[test]
fn a_killed_write_leaves_nothing_behind() {
    let dir = scratch("killed-write");
    let mut text = String::from("organisation: x\nid: killed\ncertification: {decision: 2024-06-03}\nauditors:\n");
    for a in 0..50 {
        text.push_str(&format!("  - {{id: au{a}}}\n"));
    }
    text.push_str("scope:\n");
    for i in 0..10_000 {
        text.push_str(&format!("  - {{id: a{i}, owner: o{}, risk: high}}\n", i % 100));
    }
    let register = dir.join("isms.yaml");
    fs::write(&register, text).unwrap();
    let output = dir.join("calendar.ics");
    let mut child = Command::new(BIN)
        .args(["calendar", register.to_str().unwrap(), "--format", "ics", "--today", "2026-11-28"])
        .args(["--from", "1970-01-01", "--to", "2200-12-31", "--output", output.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let mut seen = std::collections::BTreeSet::new();
    loop {
        seen.extend(names(&dir));
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > Duration::from_millis(400) {
            let _ = child.kill();
            let _ = child.wait();
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    seen.extend(names(&dir));
    assert!(seen.iter().all(|n| n == "isms.yaml" || n == "calendar.ics"), "{seen:?}");
}
