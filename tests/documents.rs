//! The plan as documents for people and spreadsheets (`--format csv`, `--format markdown`,
//! `--output`): read back by a parser, checked against the plan's own JSON.

use std::collections::BTreeMap;
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
                "auditor role",
                "status",
                "prepares",
                "prepares date",
                "latest",
                "end",
                "risk",
                "owner",
                "owner name",
                "site",
                "method",
                "criteria"
            ]
        );
        let register_json: serde_json::Value = serde_saphyr::from_str(&fs::read_to_string(&register).unwrap()).unwrap();
        let areas: BTreeMap<&str, &serde_json::Value> =
            register_json["scope"].as_array().unwrap().iter().map(|a| (a["id"].as_str().unwrap(), a)).collect();
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), events.len(), "{name}");
        let yaml = fs::read_to_string(&register).unwrap();
        for (row, event) in rows.iter().zip(events) {
            assert_eq!(row.len(), 20);
            // An internal audit's area as the register gives it; nothing for other events.
            match areas.get(event["area"].as_str().unwrap_or("")) {
                Some(area) => {
                    assert!(["high", "medium", "low"].contains(&&row[14]), "{name}: risk {}", &row[14]);
                    assert_eq!(&row[15], area["owner"].as_str().unwrap());
                    assert_eq!(&row[17], area["site"].as_str().unwrap_or(""));
                    assert_eq!(&row[18], area["method"].as_str().unwrap_or(""));
                    let criteria: Vec<&str> = (event["clauses"].as_array().unwrap().iter())
                        .chain(event["controls"].as_array().unwrap())
                        .map(|c| c.as_str().unwrap())
                        .collect();
                    assert_eq!(&row[19], criteria.join(" "), "{name}");
                }
                None => assert!(row.iter().skip(14).all(str::is_empty), "{name}: {row:?}"),
            }
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
    // The text shows each audit's area by name as well as by id, and its risk, owner and site.
    let text = plan(&example("saas-certified.yaml"), "csv");
    let row = ",finance,Finance and procurement,carol,Carol Diaz,Security analyst,booked,";
    assert!(text.contains(row), "{text}");
    let text = plan(&example("enterprise.yaml"), "csv");
    let row = "2026-12-02,Internal audit,2,C2.3,dc-frankfurt,Frankfurt data centre (colocation),amara,Amara Okoye (ISMS office),,\"catch-up, moved from 2026-11-18\",Recertification,2027-06-08,2027-04-27,,high,ravi,,frankfurt,,A.7.4 A.7.5 A.7.8 A.7.11 A.7.12 A.7.13 A.7.14 A.8.14";
    assert!(text.contains(row), "{text}");
}

/// `--format md` is `--format markdown`, in every command that writes Markdown.
#[test]
fn md_is_markdown() {
    let register = example("saas-certified.yaml");
    assert_eq!(plan(&register, "md"), plan(&register, "markdown"));
    let reg = register.to_str().unwrap();
    for command in [&["soa", reg][..], &["audit-plan", reg, "finance"], &["agenda", reg], &["check", reg]] {
        let with = |format: &str| run(&[command, &["--today", TODAY, "--format", format]].concat()).stdout;
        let markdown = with("markdown");
        assert!(!markdown.is_empty(), "{command:?}");
        assert_eq!(with("md"), markdown, "{command:?}");
    }
}

/// `--round` and `--from`/`--to` cut the whole plan: the CSV rows they give are exactly the
/// whole plan's rows of that round, or on those days, in the same order.
#[test]
fn a_part_of_the_plan_is_the_whole_plan_cut() {
    for name in ["startup.yaml", "saas-certified.yaml", "enterprise.yaml"] {
        let register = example(name);
        let whole = plan(&register, "csv");
        let rows = |text: &str| -> Vec<Vec<String>> {
            let mut reader = csv::Reader::from_reader(text.as_bytes());
            reader.records().map(|r| r.unwrap().iter().map(String::from).collect()).collect()
        };
        let all = rows(&whole);
        let part = |extra: &[&str]| {
            let mut args =
                vec!["plan", register.to_str().unwrap(), "--today", TODAY, "--cycles", "2", "--format", "csv"];
            args.extend(extra);
            let out = run(&args);
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            rows(&String::from_utf8(out.stdout).unwrap())
        };
        let rounds: std::collections::BTreeSet<&str> =
            all.iter().map(|r| r[3].as_str()).filter(|r| !r.is_empty()).collect();
        assert!(rounds.len() >= 2, "{name}");
        for round in rounds {
            // The round's rows, and the external audit it prepares.
            let prepares: Vec<(String, String)> = all
                .iter()
                .filter(|r| r[3] == round && !r[10].is_empty())
                .map(|r| (r[10].clone(), r[11].clone()))
                .collect();
            let expected: Vec<Vec<String>> = (all.iter())
                .filter(|r| r[3] == round || (r[3].is_empty() && prepares.contains(&(r[1].clone(), r[0].clone()))))
                .cloned()
                .collect();
            assert_eq!(part(&["--round", &round.to_lowercase()]), expected, "{name} {round}");
        }
        for (from, to) in [("2026-12-01", "2026-12-31"), ("2027-01-01", "2027-06-30"), ("2027-02-16", "2027-02-16")] {
            let end = |r: &Vec<String>| if r[13].is_empty() { r[0].clone() } else { r[13].clone() };
            let expected: Vec<Vec<String>> =
                all.iter().filter(|r| end(r).as_str() >= from && r[0].as_str() <= to).cloned().collect();
            assert_eq!(part(&["--from", from, "--to", to]), expected, "{name} {from} {to}");
        }
    }
}

/// A name that a spreadsheet would run as a formula is shown as text, and a quote or a comma
/// in it does not shift the columns.
#[test]
fn csv_cells_cannot_be_formulas() {
    let dir = scratch("csv-formulas");
    let register = dir.join("isms.yaml");
    fs::write(
        &register,
        "organisation: x\ncertification: {decision: 2026-01-12}\nauditors:\n  - {id: u1, name: \"=HYPERLINK(\\\"http://x\\\", \\\"a, b\\\")\"}\nscope:\n  - {id: a, name: \"@SUM(1+1)\", owner: o, risk: high}\n  - {id: b, name: \"+cmd\", owner: u1, risk: high}\npeople:\n  - {id: o, name: \"-2+3\"}\n",
    )
    .unwrap();
    let text = plan(&register, "csv");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut audits = 0;
    for row in reader.records().map(Result::unwrap) {
        assert_eq!(row.len(), 20);
        for cell in row.iter() {
            assert!(!cell.starts_with(['=', '+', '-', '@']), "{cell}");
        }
        if &row[1] == "Internal audit" && &row[4] == "a" {
            audits += 1;
            assert_eq!(&row[5], "'@SUM(1+1)");
            assert_eq!(&row[7], "'=HYPERLINK(\"http://x\", \"a, b\")");
            assert_eq!(&row[16], "'-2+3");
        }
    }
    assert!(audits > 0, "{text}");
}

/// Each Markdown table has as many cells in every row as in its header, whatever the register's
/// names hold; register text cannot open a link, an image or HTML.
/// The HTML page is converted from the Markdown a piece at a time (a table a batch of rows at a
/// time): it is the page the whole Markdown document gives, converted at once.
#[test]
fn the_html_page_is_the_markdown_converted_whole() {
    // And one whose tables are several batches long (64 KiB each).
    let dir = scratch("html-page");
    let mut many = String::from(
        "organisation: Many\ncertification: {decision: 2025-02-03}\nauditors: [{id: ann}, {id: bob}]\nscope:\n",
    );
    for i in 0..3500 {
        many.push_str(&format!("  - {{id: area-{i}, name: Area {i} `x` | y, owner: o{}, controls: [A.5.1]}}\n", i % 7));
    }
    fs::write(dir.join("many.yaml"), many).unwrap();
    for register in ["startup.yaml", "saas-certified.yaml", "enterprise.yaml"]
        .map(example)
        .into_iter()
        .chain([dir.join("many.yaml")])
    {
        let name = register.display();
        let markdown = plan(&register, "md");
        let page = plan(&register, "html");
        let mut options = comrak::Options::default();
        options.extension.table = true;
        let whole = comrak::markdown_to_html(&markdown, &options).replace('\u{200b}', "&#8203;");
        let body = page.split_once("<body>\n").and_then(|(_, b)| b.strip_suffix("</body>\n</html>\n"));
        assert_eq!(body, Some(whole.as_str()), "{name}");
    }
}

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

fn calendar(args: &[&str]) -> Output {
    let mut all = vec!["calendar"];
    all.extend_from_slice(args);
    run(&all)
}

/// The iCalendar file parses with an iCalendar parser, with one event per event of the plan in
/// the year, each on its dates, named, with a UID of its own; the same run twice gives the same
/// bytes, and a later plan keeps the UIDs of the events it moves.
#[test]
fn the_ics_parses_with_every_event_date_and_name() {
    use icalendar::{Calendar, Component, DatePerhapsTime};
    let register = example("saas-certified.yaml");
    let reg = register.to_str().unwrap();
    let args = ["--today", TODAY, "--year", "2027", "--format", "ics"];
    let out = calendar(&[&[reg][..], &args].concat());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.stdout, calendar(&[&[reg][..], &args].concat()).stdout, "byte-identical");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.split_terminator('\n').all(|l| l.ends_with('\r') && l.len() <= 76), "CRLF, folded at 75 octets");
    let parsed: Calendar = text.parse().unwrap();
    let events: Vec<&icalendar::Event> = parsed.components.iter().filter_map(|c| c.as_event()).collect();
    // What the plan has in 2027, from its JSON.
    let json: serde_json::Value = serde_json::from_str(&plan(&register, "json")).unwrap();
    let in_2027 = (json["events"].as_array().unwrap().iter())
        .filter(|e| {
            e["date"].as_str().unwrap().starts_with("2027") || e["end"].as_str().is_some_and(|d| d.starts_with("2027"))
        })
        .count();
    assert_eq!(events.len(), in_2027);
    let uids: std::collections::BTreeSet<&str> = events.iter().map(|e| e.get_uid().unwrap()).collect();
    assert_eq!(uids.len(), events.len(), "each UID once");
    let day = |d: Option<DatePerhapsTime>| match d {
        Some(DatePerhapsTime::Date(d)) => d.to_string(),
        other => panic!("not an all-day date: {other:?}"),
    };
    let booked = events
        .iter()
        .find(|e| {
            e.get_summary()
                == Some("Internal audit: ISMS management system (Aurora Audit Partners (Contracted internal auditor))")
        })
        .unwrap();
    assert_eq!(day(booked.get_start()), "2027-01-12");
    assert_eq!(day(booked.get_end()), "2027-01-13", "DTEND is the day after");
    assert!(booked.get_description().unwrap().contains("Controls: A.5.1, A.5.2"), "escaped commas read back");
    let recert = events.iter().find(|e| e.get_summary() == Some("Recertification")).unwrap();
    assert_eq!(day(recert.get_start()), "2027-03-02");
    // A later plan (after an audit was held) moves no UID of an event it still has.
    let later = calendar(&[reg, "--today", "2027-01-20", "--year", "2027", "--format", "ics"]);
    let later: Calendar = String::from_utf8(later.stdout).unwrap().parse().unwrap();
    let later_uids: std::collections::BTreeSet<&str> =
        later.components.iter().filter_map(|c| c.as_event()).map(|e| e.get_uid().unwrap()).collect();
    assert!(uids.iter().filter(|u| later_uids.contains(*u)).count() >= events.len() - 2);
}

/// A calendar file's UIDs belong to its register: two registers of one name (two subsidiaries
/// both called "Acme GmbH", or one copying another) never share one, and renaming the
/// organisation keeps them. A register without an `id` is told which to add.
#[test]
fn calendar_uids_belong_to_the_register() {
    let dir = scratch("uids");
    let text = fs::read_to_string(example("saas-certified.yaml")).unwrap();
    let with = |id: &str, organisation: &str| {
        text.replace("id: isms.northwind-cloud.example", &format!("id: {id}"))
            .replace("organisation: Northwind Cloud GmbH", &format!("organisation: {organisation}"))
    };
    let uids = |name: &str, register: String| -> Vec<String> {
        let path = dir.join(name);
        fs::write(&path, register).unwrap();
        let out = calendar(&[path.to_str().unwrap(), "--today", TODAY, "--year", "2027", "--format", "ics"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8(out.stdout).unwrap().replace("\r\n ", "");
        text.lines().filter_map(|l| l.strip_prefix("UID:")).map(|u| u.trim_end().to_string()).collect()
    };
    let a = uids("a.yaml", with("acme-gmbh-frankfurt", "Acme GmbH"));
    let b = uids("b.yaml", with("acme-gmbh-wien", "Acme GmbH"));
    assert!(a.len() > 10 && a.len() == b.len());
    assert!(a.iter().all(|u| !b.contains(u)), "no UID shared: {a:?} {b:?}");
    assert!(a.iter().all(|u| u.ends_with("@acme-gmbh-frankfurt")), "{a:?}");
    assert_eq!(a, uids("renamed.yaml", with("acme-gmbh-frankfurt", "Acme Holding GmbH")), "a new name keeps them");
    // Without an `id`: exit 2, and an id made for the register to add.
    let path = dir.join("none.yaml");
    fs::write(&path, text.replace("id: isms.northwind-cloud.example", "")).unwrap();
    let out = calendar(&[path.to_str().unwrap(), "--today", TODAY, "--format", "ics"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    let suggested = err.split("add `id: ").nth(1).and_then(|s| s.split('`').next()).unwrap();
    assert_eq!(suggested.len(), 36, "a UUID: {err}");
    // The text and HTML calendars need none.
    assert!(calendar(&[path.to_str().unwrap(), "--today", TODAY]).status.success());
    // The suggestion is the same for the same file, and another for a copy with one name changed.
    let again = calendar(&[path.to_str().unwrap(), "--today", TODAY, "--format", "ics"]);
    assert_eq!(String::from_utf8(again.stderr).unwrap(), err);
    let other = dir.join("other.yaml");
    fs::write(&other, fs::read_to_string(&path).unwrap().replace("Platform engineering", "Platform")).unwrap();
    let out = calendar(&[other.to_str().unwrap(), "--today", TODAY, "--format", "ics"]);
    assert!(!String::from_utf8(out.stderr).unwrap().contains(suggested));
    fs::write(&path, text.replace("isms.northwind-cloud.example", suggested)).unwrap();
    assert!(calendar(&[path.to_str().unwrap(), "--today", TODAY, "--format", "ics"]).status.success());
}

/// An auditor's own calendar gives each event the UID it has in the whole calendar (an area
/// audited twice in a round, by two auditors), and a certification started again after a lapse
/// gives its round 0 and Stages UIDs of their own, apart from those of the first.
#[test]
fn calendar_uids_are_the_same_in_every_view_and_apart_across_restarts() {
    let dir = scratch("uids-views");
    let uids = |path: &Path, args: &[&str]| -> BTreeMap<String, String> {
        let out = calendar(&[&[path.to_str().unwrap(), "--format", "ics"][..], args].concat());
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8(out.stdout).unwrap().replace("\r\n ", "");
        let mut map = BTreeMap::new();
        let mut uid = String::new();
        for line in text.lines() {
            if let Some(u) = line.strip_prefix("UID:") {
                uid = u.trim_end().to_string();
            } else if let Some(summary) = line.strip_prefix("SUMMARY:") {
                map.insert(uid.clone(), format!("{summary} "));
            } else if let Some(day) = line.strip_prefix("DTSTART;VALUE=DATE:") {
                map.entry(uid.clone()).and_modify(|s: &mut String| s.push_str(day));
            }
        }
        map
    };
    let twice = dir.join("twice.yaml");
    fs::write(
        &twice,
        "organisation: Acme\nid: acme-test\ncertification: {decision: 2024-06-03}\nauditors: [{id: carol}, {id: bob}]\nscope:\n  - {id: isms, owner: dave, risk: high}\naudits:\n  - {date: 2026-02-02, areas: [isms], auditor: carol}\n  - {date: 2026-02-09, areas: [isms], auditor: bob}\n",
    )
    .unwrap();
    let all = uids(&twice, &["--today", TODAY, "--year", "2026"]);
    for who in ["bob", "carol"] {
        let mine = uids(&twice, &["--today", TODAY, "--year", "2026", "--auditor", who]);
        assert!(!mine.is_empty());
        for (uid, event) in &mine {
            assert_eq!(all.get(uid), Some(event), "{who}: {uid}");
        }
    }
    let restart = dir.join("restart.yaml");
    fs::write(
        &restart,
        "organisation: Acme\nid: acme-test\ncertification:\n  stage1: 2018-01-15\n  decision: 2018-04-02\n  restart: [{stage1: 2022-09-05, stage2: 2022-10-10, decision: 2022-11-07}]\nauditors: [{id: carol}]\nscope:\n  - {id: isms, owner: dave, risk: high}\n",
    )
    .unwrap();
    let first = uids(&restart, &["--today", "2017-12-01", "--from", "2017-01-01", "--to", "2018-12-31"]);
    let again = uids(&restart, &["--today", "2022-08-01", "--from", "2022-01-01", "--to", "2023-12-31"]);
    assert!(first.keys().any(|u| u.starts_with("stage1/")) && again.keys().any(|u| u.starts_with("restart1/stage1/")));
    assert!(first.keys().all(|u| !again.contains_key(u)), "{first:?}\n{again:?}");
}

/// `--auditor` gives one auditor's own audits; an unknown one is a usage error naming the known.
#[test]
fn an_auditors_own_calendar() {
    let register = example("saas-certified.yaml");
    let reg = register.to_str().unwrap();
    let out = calendar(&[reg, "--today", TODAY, "--year", "2027", "--auditor", "DMITRI"]);
    let text = String::from_utf8(out.stdout).unwrap();
    let agenda: Vec<&str> = text.lines().filter(|l| l.starts_with("20")).collect();
    assert!(!agenda.is_empty());
    // (A long line wraps after the auditor's name.)
    assert!(agenda.iter().all(|l| l.contains("(Dmitri Volkov (QA")), "{text}");
    let out = calendar(&[reg, "--today", TODAY, "--auditor", "nobody"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "error: --auditor `nobody` is not in the register's auditors (carol, dmitri, priya, aurora)\n"
    );
}

/// `agenda` over several registers: one block each, in the order given, under a line naming
/// the register; in each, overdue items first, then those due, in date order, each line naming
/// its organisation. A register that cannot be read is reported, the others still shown, and
/// the exit code is 2.
#[test]
fn an_agenda_over_several_registers_one_broken() {
    let dir = scratch("agenda");
    let broken = dir.join("broken.yaml");
    fs::write(&broken, "organisation: [\n").unwrap();
    let saas = example("saas-certified.yaml");
    let enterprise = example("enterprise.yaml");
    let out = run(&[
        "agenda",
        saas.to_str().unwrap(),
        broken.to_str().unwrap(),
        enterprise.to_str().unwrap(),
        "--today",
        TODAY,
        "--days",
        "30",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("broken.yaml:"), "{err}");
    let text = String::from_utf8(out.stdout).unwrap();
    // Blocks apart by a blank line; in each, an item wrapped to 80 columns goes on in lines
    // indented under its text: one item a line.
    let blocks: Vec<Vec<String>> = text
        .split("\n\n")
        .map(|block| {
            let mut items: Vec<String> = Vec::new();
            for line in block.lines() {
                match (line.strip_prefix("              "), items.last_mut()) {
                    (Some(more), Some(item)) => item.push_str(&format!(" {}", more.trim_start())),
                    _ => items.push(line.to_string()),
                }
            }
            items
        })
        .collect();
    // The title, then what is due (the SaaS register has nothing overdue) ...
    assert_eq!(blocks[0][0], format!("Northwind Cloud GmbH ({}):", saas.display()));
    assert!(blocks[0][1].starts_with("Due in the next 30 days (2026-11-28 to 2026-12-28):"), "{text}");
    assert!(blocks[0][2..].iter().any(|l| l.contains("Northwind Cloud GmbH: Internal audit: Finance and procurement")));
    // ... the other one's title and overdue items, then what it has due.
    assert_eq!(blocks[1][0], format!("Meridian Group plc ({}):", enterprise.display()));
    assert_eq!(blocks[1][1], "Overdue on 2026-11-28:");
    assert!(blocks[1][2].contains("Meridian Group plc: Internal audit: Frankfurt data centre"), "{text}");
    assert!(blocks[2][0].starts_with("Due in the next 30 days"), "{text}");
    for due in [&blocks[0][2..], &blocks[2][1..]] {
        let dates: Vec<&str> = due.iter().map(|l| l.trim_start().split(' ').next().unwrap()).collect();
        assert!(!dates.is_empty() && dates.windows(2).all(|w| w[0] <= w[1]), "date order: {dates:?}");
        assert!(dates.iter().all(|d| *d >= TODAY && *d <= "2026-12-28"), "{dates:?}");
    }
    assert_eq!(blocks.len(), 3, "{text}");
    // One register: no title. As JSON: the same items, each naming its organisation.
    let one = run(&["agenda", saas.to_str().unwrap(), "--today", TODAY, "--days", "30"]);
    assert!(String::from_utf8(one.stdout).unwrap().starts_with("Due in the next 30 days"));
    let out =
        run(&["agenda", saas.to_str().unwrap(), enterprise.to_str().unwrap(), "--today", TODAY, "--format", "json"]);
    assert!(out.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let items = doc["items"].as_array().unwrap();
    let organisations: Vec<&str> = items.iter().map(|i| i["organisation"].as_str().unwrap()).collect();
    let first = organisations.iter().take_while(|o| **o == "Northwind Cloud GmbH").count();
    assert!(first > 0 && organisations[first..].iter().all(|o| *o == "Meridian Group plc"), "{organisations:?}");
    assert_eq!(doc["today"], TODAY);
}

/// The printable page: twelve months, self-contained (no script, nothing fetched), names
/// escaped. (`.ci/print-check` prints it in Chromium and checks the year fits one page.)
#[test]
fn the_html_calendar_is_one_self_contained_page_with_names_escaped() {
    let dir = scratch("html");
    let register = dir.join("isms.yaml");
    fs::write(
        &register,
        "organisation: \"<script>alert(1)</script> & Co\"\ncertification: {decision: 2026-01-12}\nauditors:\n  - {id: u1, name: \"<img src=x onerror=alert(1)>\"}\nscope:\n  - {id: a, name: \"A & <b>B</b>\", owner: o, risk: high}\n",
    )
    .unwrap();
    let out = calendar(&[register.to_str().unwrap(), "--today", TODAY, "--year", "2027", "--format", "html"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let html = String::from_utf8(out.stdout).unwrap();
    assert_eq!(html.matches("<div class=\"month\">").count(), 12);
    assert!(!html.contains("<script") && !html.contains("<img") && !html.contains("<b>"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co: audit calendar"));
    assert!(html.contains("Internal audit: A &amp; &lt;b&gt;B&lt;/b&gt; (&lt;img src=x onerror=alert(1)&gt;)"));
    assert!(!html.contains("<link") && !html.contains(" src=\"") && !html.contains("url("), "nothing fetched");
}

/// The people the register lists reach every output: the JSON lists them with their roles and
/// addresses, the CSV gives an auditor's name and role in columns of their own, and the table
/// and the programme document name the programme's owner, the report recipients, area owners
/// and auditors by name and role.
#[test]
fn people_reach_every_output() {
    let register = scratch("people").join("isms.yaml");
    fs::write(
        &register,
        "organisation: x\ncertification: {decision: 2026-01-12}\nprogramme: {owner: hanna, reports_to: [board, hanna]}\npeople:\n  - {id: hanna, name: Hanna Keller, role: CISO, email: hanna@example.org}\n  - {id: ann, name: Ann Lee, role: QA lead}\nauditors: [{id: ann}]\nscope:\n  - {id: core, owner: hanna, risk: high}\n",
    )
    .unwrap();
    let json: serde_json::Value = serde_json::from_str(&plan(&register, "json")).unwrap();
    assert_eq!(
        json["people"],
        serde_json::json!([
            {"id": "hanna", "name": "Hanna Keller", "role": "CISO", "email": "hanna@example.org"},
            {"id": "ann", "name": "Ann Lee", "role": "QA lead"}
        ])
    );
    let csv = plan(&register, "csv");
    assert!(csv.lines().any(|l| l.contains(",core,core,ann,Ann Lee,QA lead,")), "{csv}");
    let table = plan(&register, "table");
    assert!(table.contains("Audit programme managed by Hanna Keller (CISO)"), "{table}");
    assert!(table.contains("Audit reports go to board, Hanna Keller (CISO)"), "{table}");
    let md = plan(&register, "markdown");
    assert!(md.contains("Programme managed by: Hanna Keller (CISO)"), "{md}");
    assert!(md.contains("| core | Hanna Keller (CISO) |"), "{md}");
    assert!(md.contains("Ann Lee (QA lead)"), "{md}");
}

/// The Statement of Applicability lists the 93 controls once each, in Annex A's order, each
/// exclusion with the register's reason; for saas-certified's A.5.1, carried by `isms-core`
/// alone: last audited on 2026-03-24 (its last full audit held) and next on 2027-01-12 (booked).
#[test]
fn the_soa_lists_the_93_controls_with_each_exclusions_reason() {
    for name in ["startup.yaml", "saas-certified.yaml", "enterprise.yaml"] {
        let register = example(name);
        let out = run(&["soa", register.to_str().unwrap(), "--today", "2026-12-06", "--format", "csv"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let mut reader = csv::Reader::from_reader(&out.stdout[..]);
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 93, "{name}");
        let ids: Vec<&str> = rows.iter().map(|r| &r[0]).collect();
        let unique: std::collections::BTreeSet<&str> = ids.iter().copied().collect();
        assert_eq!(unique.len(), 93, "{name}");
        assert_eq!((ids[0], ids[36], ids[37], ids[92]), ("A.5.1", "A.5.37", "A.6.1", "A.8.34"), "{name}");
        let text = fs::read_to_string(&register).unwrap();
        let reg = ismsaudit::register::parse(name, &text).unwrap();
        for e in &reg.exclusions {
            let row = rows.iter().find(|r| &r[0] == e.control).unwrap();
            let carried = reg.scope.iter().any(|a| a.controls.iter().any(|c| c.id() == e.control));
            if !carried {
                assert_eq!((&row[3], &row[4]), ("excluded", e.reason.as_str()), "{name} {}", e.control);
            }
        }
        if name == "saas-certified.yaml" {
            let a51 = rows.iter().find(|r| &r[0] == "A.5.1").unwrap();
            assert_eq!((&a51[5], &a51[6], &a51[7]), ("isms-core", "2026-03-24", "2027-01-12"));
        }
    }
}

/// The programme document has the sections clause 9.2.2 and ISO 19011 5.2-5.5 ask of a
/// programme, in the Markdown and in the page to print, which holds the same headings; the
/// certification body's estimate where the register gives `persons`.
#[test]
fn the_programme_document_has_every_section_of_a_programme() {
    let sections = [
        "Objectives",
        "Certification audits",
        "Scope",
        "Criteria",
        "Frequency, and why",
        "Methods",
        "Auditors: competence and independence",
        "Responsibilities",
        "Rounds",
        "Coverage",
        "Results of audits held",
        "Reporting",
        "Resources: internal audit effort",
        "Audit criteria",
        "Assumptions",
    ];
    for name in ["saas-certified.yaml", "enterprise.yaml"] {
        let register = example(name);
        let markdown = plan(&register, "markdown");
        let html = plan(&register, "html");
        let headings: Vec<&str> = markdown.lines().filter_map(|l| l.strip_prefix("## ")).collect();
        for s in sections {
            assert!(headings.contains(&s), "{name}: no section {s} in {headings:?}");
            assert!(html.contains(&format!("<h2>{s}</h2>")), "{name}: no <h2>{s}</h2> in the page");
        }
        let estimate = headings.iter().any(|h| h.starts_with("Certification-body audit time"));
        assert_eq!(estimate, name == "enterprise.yaml", "{name}");
    }
}

/// The SoA counts only independent audits as a control's last, takes an area into the scope
/// only from its `since`, and says where a control is both carried and excluded.
#[test]
fn the_soa_counts_independent_audits_of_areas_in_the_scope() {
    let dir = scratch("soa");
    let register = dir.join("isms.yaml");
    fs::write(
        &register,
        "organisation: SoA Ltd
certification: {decision: 2025-01-13}
auditors: [{id: ann, conflicts: [plant]}, {id: bob}]
scope:
  - {id: plant, owner: pete, controls: [A.7.1, A.7.2]}
  - {id: lab, owner: lena, since: 2027-09-01, controls: [A.7.3]}
soa:
  excluded: [{control: A.7.2, reason: No premises}]
audits:
  - {date: 2025-11-03, areas: [plant], auditor: bob}
  - {date: 2026-11-02, areas: [plant], auditor: ann}
",
    )
    .unwrap();
    let out = run(&["soa", register.to_str().unwrap(), "--today", "2026-12-06", "--format", "csv"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rows: Vec<csv::StringRecord> =
        csv::Reader::from_reader(&out.stdout[..]).records().map(Result::unwrap).collect();
    let row = |id: &str| rows.iter().find(|r| &r[0] == id).unwrap().clone();
    // ann has a conflict with `plant`: bob's audit of 2025-11-03 is the last that counts.
    assert_eq!((&row("A.7.1")[3], &row("A.7.1")[6]), ("applicable", "2025-11-03"));
    assert_eq!((&row("A.7.2")[3], &row("A.7.2")[4]), ("applicable and excluded", "No premises"));
    // `lab` joins the scope in September 2027: A.7.3 is carried by no area yet.
    assert_eq!((&row("A.7.3")[3], &row("A.7.3")[5]), ("not decided", ""));
}

/// The printed year as the board reads it: the organisation and the day it is as of, each
/// event labelled in its day, planned, booked and held told apart by more than colour, weekends
/// and closures shaded, a key, and the agenda's header repeated on every page it runs to.
#[test]
fn the_printed_year_labels_its_days_and_says_where_each_stands() {
    let register = example("saas-certified.yaml");
    let reg = register.to_str().unwrap();
    let html = |args: &[&str]| {
        let out = calendar(&[&[reg, "--today", TODAY, "--year", "2027", "--format", "html"][..], args].concat());
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let page = html(&[]);
    assert!(page.contains("<h1>Northwind Cloud GmbH: audit calendar</h1>"));
    assert!(page.contains("2027-01-01 to 2027-12-31; as of 2026-11-28"));
    assert!(page.contains("size: A4 landscape"), "A4 by default");
    assert!(html(&["--paper", "letter"]).contains("size: letter landscape"));
    // The recertification on Tuesday 2 March, booked: labelled R, with a solid border.
    assert!(page.contains("<td class=\"external booked\" title=\"Recertification (booked)\">2<i>R</i></td>"), "{page}");
    // A booked internal audit (5 January, continuity), and a planned one (1 November).
    assert!(page.contains("<td class=\"internal booked\" title=\"Internal audit: Business continuity"));
    assert!(page.contains("<td class=\"internal planned\""));
    // Saturday 2 January is not a workday; Monday 4 January is in the year-end closure.
    assert!(page.contains("<td class=\"weekend\">2</td>"));
    assert!(page.contains("<td class=\"closed\">4</td>"));
    // Held: a tick, in the year of the audits held (2026).
    let held = calendar(&[reg, "--today", TODAY, "--year", "2026", "--format", "html"]);
    let held = String::from_utf8(held.stdout).unwrap();
    assert!(held.contains("internal done") && held.contains("<i>\u{2713}"), "a held audit is ticked");
    // The key explains the labels it uses, and the agenda repeats its header on each page.
    assert!(page.contains("<strong>R</strong> recertification") && page.contains("planned (dashed)"));
    assert!(
        page.contains("<thead><tr><th>Date</th>") && page.contains(".agenda thead { display: table-header-group; }")
    );
    assert!(page.contains(".agenda tr { break-inside: avoid; }"));
    // --paper is for the page to print.
    let out = calendar(&[reg, "--paper", "letter"]);
    assert_eq!(out.status.code(), Some(2));
}

/// A day of many audits names the first ten in its tooltip and says how many more there are;
/// the agenda on the same page lists every one.
#[test]
fn a_crowded_day_names_ten_audits_and_counts_the_rest() {
    let dir = scratch("crowded-day");
    let register = dir.join("isms.yaml");
    let areas: Vec<String> = (1..=14).map(|k| format!("area{k:02}")).collect();
    let scope: String = areas.iter().map(|a| format!("  - {{id: {a}, owner: olga}}\n")).collect();
    fs::write(
        &register,
        format!(
            "organisation: Crowded Ltd
certification: {{decision: 2025-01-13}}
auditors: [{{id: ann}}]
scope:
{scope}audits:
  - {{date: 2026-03-02, areas: [{}], auditor: ann}}
",
            areas.join(", ")
        ),
    )
    .unwrap();
    let out = calendar(&[register.to_str().unwrap(), "--today", TODAY, "--year", "2026", "--format", "html"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let page = String::from_utf8(out.stdout).unwrap();
    let cell = page.lines().flat_map(|l| l.split("<td")).find(|c| c.contains("area01")).unwrap();
    let title = cell.split("title=\"").nth(1).and_then(|t| t.split('"').next()).unwrap();
    let named: Vec<&str> = areas.iter().map(String::as_str).filter(|a| title.contains(a)).collect();
    assert_eq!(named, &areas[..10], "{title}");
    assert!(title.ends_with("; and 4 more (the agenda lists them all)"), "{title}");
    assert!(cell.contains("<i>\u{2713}14 IA</i>"), "{cell}");
    for a in &areas {
        let row = format!("<tr><td>2026-03-02</td><td>Internal audit: {a} (ann)</td><td>done</td>");
        assert_eq!(page.matches(&row).count(), 1, "{row}");
    }
}

/// The workbook waits in temporary files while it is written: where none can be made,
/// the plan is refused in one line that says where it looked and what to set (exit 2), and
/// nothing is written.
#[cfg(unix)]
#[test]
fn a_workbook_without_a_temporary_directory_is_refused_in_words() {
    let dir = scratch("xlsx-tmpdir");
    let path = dir.join("plan.xlsx");
    let register = example("startup.yaml");
    let out = Command::new(BIN)
        .args(["plan", register.to_str().unwrap(), "--today", TODAY, "--format", "xlsx", "--output"])
        .arg(&path)
        .env("TMPDIR", dir.join("missing"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let missing = dir.join("missing");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "error: cannot write {}: no temporary file for the spreadsheet in {}: No such file or directory (os error 2); set TMPDIR to a directory that can be written\n",
            path.display(),
            missing.display()
        )
    );
    assert!(!path.exists());
}

/// The programme as a workbook, read back by a spreadsheet reader (calamine): a "Programme"
/// sheet with the CSV's rows (dates as dates) and a "Coverage" sheet with a row per area; text
/// that a spreadsheet would run is text, not a formula; the same input gives the same bytes.
#[test]
fn the_workbook_reads_back_as_the_csv_and_the_coverage() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let dir = scratch("xlsx");
    for name in ["startup.yaml", "enterprise.yaml"] {
        let register = example(name);
        let path = dir.join(format!("{name}.xlsx"));
        let out = run(&[
            "plan",
            register.to_str().unwrap(),
            "--today",
            TODAY,
            "--cycles",
            "2",
            "--format",
            "xlsx",
            "--output",
            path.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let again = run(&["plan", register.to_str().unwrap(), "--today", TODAY, "--cycles", "2", "--format", "xlsx"]);
        assert_eq!(fs::read(&path).unwrap(), again.stdout, "byte-identical");
        let mut book: Xlsx<_> = open_workbook(&path).unwrap();
        assert_eq!(book.sheet_names(), ["Programme", "Coverage"]);
        let sheet = book.worksheet_range("Programme").unwrap();
        let csv_text = plan(&register, "csv");
        let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
        let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        let mut sheet_rows = sheet.rows();
        let first: Vec<String> = sheet_rows.next().unwrap().iter().map(|c| c.to_string()).collect();
        assert_eq!(first, header);
        let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
        let mut n = 0;
        for (cells, row) in sheet_rows.zip(&rows) {
            for (c, (cell, expected)) in cells.iter().zip(row.iter()).enumerate() {
                match cell {
                    Data::DateTime(d) => {
                        let day = epoch + chrono::Days::new(d.as_f64() as u64);
                        assert_eq!(day.to_string(), expected, "{name} column {}", header[c]);
                    }
                    Data::Empty => assert_eq!(expected, "", "{name} column {}", header[c]),
                    Data::Float(n) => {
                        assert_eq!(header[c], "cycle", "{name}: a number in {}", header[c]);
                        assert_eq!(n.to_string(), expected);
                    }
                    other => assert_eq!(other.to_string(), expected, "{name} column {}", header[c]),
                }
            }
            n += 1;
        }
        assert_eq!(n, rows.len(), "{name}: a row per event");
        let coverage = book.worksheet_range("Coverage").unwrap();
        let head: Vec<String> = coverage.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
        assert_eq!(&head[..2], ["Area", "Risk"]);
        assert!(head.len() > 3 && head[2..].iter().all(|h| h.starts_with('R') || h.starts_with('C')), "{head:?}");
        let areas = fs::read_to_string(&register).unwrap().matches("\n  - id: ").count();
        assert!(coverage.rows().count() > 1 && coverage.rows().count() <= areas + 1, "{name}");
    }
    // A name a spreadsheet would run: text in the workbook, no formula anywhere.
    let register = dir.join("formulas.yaml");
    fs::write(&register, "organisation: x\ncertification: {decision: 2026-01-12}\nauditors:\n  - {id: u1, name: \"=HYPERLINK(\\\"http://x\\\", \\\"a\\\")\"}\nscope:\n  - {id: a, name: \"@SUM(1+1)\", owner: o, risk: high}\n").unwrap();
    let path = dir.join("formulas.xlsx");
    let out = run(&[
        "plan",
        register.to_str().unwrap(),
        "--today",
        TODAY,
        "--format",
        "xlsx",
        "--output",
        path.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    let sheet = book.worksheet_range("Programme").unwrap();
    let texts: Vec<String> = sheet.rows().flat_map(|r| r.iter().map(|c| c.to_string())).collect();
    assert!(texts.iter().any(|t| t == "@SUM(1+1)") && texts.iter().any(|t| t.starts_with("=HYPERLINK(")), "{texts:?}");
    let formulas = book.worksheet_formula("Programme").unwrap();
    assert!(formulas.rows().flatten().all(String::is_empty), "a formula in the workbook");
}
