//! The plan as documents for people and spreadsheets (`--format csv`, `--format markdown`,
//! `--output`): read back by a parser, checked against the plan's own JSON.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_ismsaudit");
const TODAY: &str = "2026-11-28";

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples").join(name)
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().unwrap()
}

fn plan(register: &Path, format: &str) -> String {
    let out = run(&["plan", register.to_str().unwrap(), "--today", TODAY, "--cycles", "2", "--format", format]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every event of the JSON plan is one CSV row, with the same date, area and auditor, and the
/// names the register gives them.
#[test]
fn the_csv_has_one_row_per_event_with_ids_and_names() {
    for name in ["startup.yaml", "saas-certified.yaml", "enterprise.yaml"] {
        let register = example(name);
        let json: serde_json::Value = serde_json::from_str(&plan(&register, "json")).unwrap();
        let events = json["events"].as_array().unwrap();
        let text = plan(&register, "csv");
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(
            header,
            [
                "date",
                "kind",
                "cycle",
                "round",
                "area",
                "area name",
                "auditor",
                "auditor name",
                "status",
                "prepares",
                "prepares date",
                "latest",
                "end"
            ]
        );
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), events.len(), "{name}");
        let yaml = fs::read_to_string(&register).unwrap();
        for (row, event) in rows.iter().zip(events) {
            assert_eq!(row.len(), 13);
            assert_eq!(row[0], *event["date"].as_str().unwrap(), "{name}");
            assert_eq!(row[2], event["cycle"].to_string());
            assert_eq!(&row[4], event["area"].as_str().unwrap_or(""));
            if let Some(auditor) = event["auditor"].as_str() {
                assert_eq!(&row[6], auditor);
            }
            // A name shown is the register's, as written there.
            for cell in [&row[5], &row[7]] {
                assert!(cell.is_empty() || yaml.contains(&format!("name: {cell}")), "{name}: {cell}");
            }
        }
    }
    // The text shows each audit's area by name as well as by id.
    let text = plan(&example("saas-certified.yaml"), "csv");
    let row = ",platform-engineering,Platform engineering (production SaaS),priya,Priya Nair (finance controller),\"planned, follow-up\",";
    assert!(text.contains(row), "{text}");
}

/// A name that a spreadsheet would run as a formula is shown as text, and a quote or a comma
/// in it does not shift the columns.
#[test]
fn csv_cells_cannot_be_formulas() {
    let dir = scratch("csv-formulas");
    let register = dir.join("isms.yaml");
    fs::write(
        &register,
        "organisation: x\ncertification: {decision: 2026-01-12}\nauditors:\n  - {id: u1, name: \"=HYPERLINK(\\\"http://x\\\", \\\"a, b\\\")\"}\nscope:\n  - {id: a, name: \"@SUM(1+1)\", owner: o, risk: high}\n  - {id: b, name: \"+cmd\", owner: u1, risk: high}\n",
    )
    .unwrap();
    let text = plan(&register, "csv");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut audits = 0;
    for row in reader.records().map(Result::unwrap) {
        assert_eq!(row.len(), 13);
        for cell in row.iter() {
            assert!(!cell.starts_with(['=', '+', '-', '@']), "{cell}");
        }
        if &row[1] == "Internal audit" && &row[4] == "a" {
            audits += 1;
            assert_eq!(&row[5], "'@SUM(1+1)");
            assert_eq!(&row[7], "'=HYPERLINK(\"http://x\", \"a, b\")");
        }
    }
    assert!(audits > 0, "{text}");
}

/// Each Markdown table has as many cells in every row as in its header, whatever the register's
/// names hold; register text cannot open a link, an image or HTML.
#[test]
fn markdown_tables_keep_their_columns() {
    let dir = scratch("markdown");
    let register = dir.join("isms.yaml");
    fs::write(
        &register,
        "organisation: \"R&D | <b>Labs</b>\"\ncertification: {decision: 2026-01-12}\nprogramme: {owner: \"[x](http://e)\", reports_to: [\"a|b\"]}\nauditors:\n  - {id: u1, name: \"Pipe | Name\"}\nscope:\n  - {id: a, name: \"A | ![img](http://e/i.png)\", owner: o, risk: high}\n  - {id: b, owner: u1, risk: low}\n",
    )
    .unwrap();
    for register in [register, example("enterprise.yaml"), example("startup.yaml")] {
        let text = plan(&register, "markdown");
        let mut columns = None;
        for line in text.lines() {
            if !line.starts_with('|') {
                columns = None;
                continue;
            }
            // Cells are split on pipes that are not escaped.
            let cells = line.replace("\\|", "").matches('|').count() - 1;
            match columns {
                None => columns = Some(cells),
                Some(n) => assert_eq!(cells, n, "{line}"),
            }
        }
        assert!(!text.contains("](http") || text.contains("\\]"), "{text}");
        assert!(!text.contains("<b>"), "{text}");
    }
}

/// `--output` writes the file whole; a folder that does not exist is an error naming it, with
/// nothing left behind.
#[test]
fn output_goes_to_a_file_whole() {
    let dir = scratch("output");
    let file = dir.join("plan.csv");
    fs::write(&file, "old").unwrap();
    let register = example("saas-certified.yaml");
    let args = ["plan", register.to_str().unwrap(), "--today", TODAY, "--format", "csv"];
    let out = run(&[&args[..], &["--output", file.to_str().unwrap()]].concat());
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    assert_eq!(fs::read(&file).unwrap(), run(&args).stdout);
    assert_eq!(fs::read_dir(&dir).unwrap().count(), 1, "no temporary file is left");
    let missing = dir.join("no-such-folder").join("plan.md");
    let out = run(&["plan", register.to_str().unwrap(), "--today", TODAY, "--output", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.starts_with("error: cannot write ") && err.contains("no-such-folder"), "{err}");
}
