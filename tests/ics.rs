//! The iCalendar file as calendar clients use it: audits and reviews block time, people are
//! invited by their addresses, a re-import updates what changed and cancels what left the plan,
//! an audit over a weekend is its working days, reminders come by kind, and anyone named in the
//! register has a calendar of their own.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_ismsaudit");
const TODAY: &str = "2026-11-28";

fn example(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples").join(name).to_str().unwrap().to_string()
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("ics-{name}"));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn calendar(args: &[&str]) -> Output {
    Command::new(BIN).arg("calendar").args(args).output().unwrap()
}

fn ics(args: &[&str]) -> String {
    let mut all = args.to_vec();
    all.extend(["--format", "ics"]);
    let out = calendar(&all);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// The events of a file by UID, each its unfolded content lines.
fn events(text: &str) -> BTreeMap<String, Vec<String>> {
    let unfolded = text.replace("\r\n ", "");
    let mut out = BTreeMap::new();
    let mut current: Option<Vec<String>> = None;
    for line in unfolded.split("\r\n") {
        match line {
            "BEGIN:VEVENT" => current = Some(Vec::new()),
            "END:VEVENT" => {
                let lines = current.take().unwrap();
                let uid = lines.iter().find_map(|l| l.strip_prefix("UID:")).unwrap().to_string();
                assert!(out.insert(uid.clone(), lines).is_none(), "UID {uid} twice");
            }
            _ => {
                if let Some(lines) = current.as_mut() {
                    lines.push(line.to_string());
                }
            }
        }
    }
    out
}

fn get<'a>(event: &'a [String], property: &str) -> Vec<&'a str> {
    event.iter().filter(|l| l.starts_with(property)).map(String::as_str).collect()
}

#[test]
fn audits_and_reviews_block_time_and_certificate_dates_do_not() {
    let text = ics(&[&example("enterprise.yaml"), "--today", TODAY, "--from", "2024-01-01", "--to", "2028-12-31"]);
    let all = events(&text);
    assert!(all.len() > 20);
    let mut kinds = std::collections::BTreeSet::new();
    for event in all.values() {
        let category = get(event, "CATEGORIES:")[0];
        let busy = match category {
            "CATEGORIES:Certificate" => "TRANSP:TRANSPARENT",
            _ => "TRANSP:OPAQUE",
        };
        assert_eq!(get(event, "TRANSP:"), [busy], "{event:?}");
        kinds.insert(category);
    }
    assert_eq!(kinds.len(), 4, "{kinds:?}");
    // A plain iCalendar object, which may carry attendees (an iTIP PUBLISH may not).
    assert!(!text.contains("METHOD:"));
}

#[test]
fn people_taking_part_are_invited_by_their_addresses() {
    let text = ics(&[&example("saas-certified.yaml"), "--today", TODAY, "--year", "2027"]);
    let all = events(&text);
    let audit = all
        .values()
        .find(|e| get(e, "SUMMARY:")[0].starts_with("SUMMARY:Internal audit: Identity and access"))
        .unwrap();
    // The programme owner organises; the auditor (carol) and the area's owner (jonas) attend.
    assert_eq!(get(audit, "ORGANIZER"), ["ORGANIZER;CN=\"Hanna Keller\":mailto:hanna.keller@northwind-cloud.example"]);
    assert_eq!(
        get(audit, "ATTENDEE"),
        [
            "ATTENDEE;CN=\"Carol Diaz\";ROLE=REQ-PARTICIPANT:mailto:carol.diaz@northwind-cloud.example",
            "ATTENDEE;CN=\"Jonas Brandt\";ROLE=REQ-PARTICIPANT:mailto:jonas.brandt@northwind-cloud.example"
        ]
    );
    // A certification audit: top management (the programme owner, who organises).
    let recert = all.values().find(|e| get(e, "SUMMARY:") == ["SUMMARY:Recertification"]).unwrap();
    assert_eq!(get(recert, "ORGANIZER").len(), 1);
    assert!(get(recert, "ATTENDEE").is_empty());
}

/// Exported again with the earlier file: nothing changed, the same bytes; on a later day, the
/// events whose words changed have SEQUENCE 1 and the others 0; an area taken out of the scope
/// has its events cancelled; another register's events in the file are left alone.
#[test]
fn a_reimport_updates_what_changed_and_cancels_what_left_the_plan() {
    let dir = scratch("previous");
    let register = example("enterprise.yaml");
    let period = ["--from", "2026-11-01", "--to", "2027-12-31"];
    let first = ics(&[&[register.as_str(), "--today", TODAY][..], &period].concat());
    let earlier = dir.join("earlier.ics");
    fs::write(&earlier, &first).unwrap();
    let again =
        ics(&[&[register.as_str(), "--today", TODAY, "--previous", earlier.to_str().unwrap()][..], &period].concat());
    assert_eq!(again, first, "nothing changed, nothing to update");

    let later =
        ics(&[&[register.as_str(), "--today", "2027-01-20", "--previous", earlier.to_str().unwrap()][..], &period]
            .concat());
    let (before, after) = (events(&first), events(&later));
    assert_eq!(before.keys().collect::<Vec<_>>(), after.keys().collect::<Vec<_>>());
    let mut changed = 0;
    for (uid, event) in &after {
        let content = |e: &[String]| -> Vec<String> {
            e.iter().filter(|l| !l.starts_with("DTSTAMP") && !l.starts_with("SEQUENCE")).cloned().collect()
        };
        let same = content(event) == content(&before[uid]);
        assert_eq!(get(event, "SEQUENCE:"), [if same { "SEQUENCE:0" } else { "SEQUENCE:1" }], "{uid}");
        changed += usize::from(!same);
    }
    assert!(changed > 0 && changed < after.len(), "{changed} of {}", after.len());

    // The Dublin office taken out of the register, another register's event in the file.
    let text = fs::read_to_string(&register).unwrap();
    let start = text.find("  - id: site-dublin").unwrap();
    let end = start + 1 + text[start + 1..].find("\n  - id: ").unwrap();
    let without = dir.join("without-dublin.yaml");
    fs::write(&without, format!("{}{}", &text[..start], &text[end..])).unwrap();
    let foreign =
        "BEGIN:VEVENT\r\nUID:internal_audit/1/C1.1/x@another-register\r\nDTSTART;VALUE=DATE:20270301\r\nEND:VEVENT\r\n";
    fs::write(&earlier, first.replace("END:VCALENDAR", &format!("{foreign}END:VCALENDAR"))).unwrap();
    let out = calendar(
        &[
            &[without.to_str().unwrap(), "--today", TODAY, "--format", "ics", "--previous", earlier.to_str().unwrap()]
                [..],
            &period,
        ]
        .concat(),
    );
    if !out.status.success() {
        // The register's record may name the area: then this case cannot be made by deleting it.
        panic!("{}", String::from_utf8_lossy(&out.stderr));
    }
    let cancelled = events(&String::from_utf8(out.stdout).unwrap());
    let dublin: Vec<&Vec<String>> =
        cancelled.iter().filter(|(u, _)| u.contains("/site-dublin")).map(|(_, e)| e).collect();
    assert!(!dublin.is_empty());
    for event in dublin {
        assert_eq!(get(event, "STATUS:"), ["STATUS:CANCELLED"]);
        assert_eq!(get(event, "SEQUENCE:"), ["SEQUENCE:1"]);
        assert!(get(event, "SUMMARY:")[0].contains("Dublin"), "{event:?}");
    }
    assert!(!cancelled.keys().any(|u| u.ends_with("@another-register")));
    // The other events are not cancelled.
    assert_eq!(
        cancelled.values().filter(|e| !get(e, "STATUS:CANCELLED").is_empty()).count(),
        cancelled.keys().filter(|u| u.contains("/site-dublin")).count()
    );
}

const WEEKEND: &str = "organisation: Weekend Ltd
id: weekend-ltd
certification: {decision: 2026-01-12}
people:
  - {id: olga, name: Olga Owner, email: olga@weekend.example}
  - {id: ada, name: Ada Auditor, email: ada@weekend.example}
programme: {owner: olga}
auditors: [{id: ada}]
scope:
  - {id: dc, owner: olga, risk: high, audit_days: 2}
audits:
  - {date: 2027-01-15, end: 2027-01-18, areas: [dc], auditor: ada, status: booked}
";

#[test]
fn an_audit_over_a_weekend_is_its_working_days_and_reminders_come_by_kind() {
    let dir = scratch("weekend");
    let register = dir.join("isms.yaml");
    fs::write(&register, WEEKEND).unwrap();
    let reg = register.to_str().unwrap();
    let text = ics(&[reg, "--today", "2026-12-01", "--year", "2027", "--remind", "audit=7", "--remind", "all=1"]);
    let all = events(&text);
    // Friday 15 January and Monday 18 January: two events, not a four-day block.
    let parts: Vec<(&String, &Vec<String>)> = all.iter().filter(|(u, _)| u.contains("/dc")).collect();
    let mut days: Vec<(&str, Vec<&str>, Vec<&str>)> = parts
        .iter()
        .filter(|(_, e)| get(e, "DTSTART")[0].contains("202701"))
        .map(|(u, e)| (u.as_str(), get(e, "DTSTART"), get(e, "DTEND")))
        .collect();
    days.sort_by_key(|d| d.1.clone());
    assert_eq!(days.len(), 2, "{days:?}");
    assert_eq!(days[0].1, ["DTSTART;VALUE=DATE:20270115"]);
    assert_eq!(days[0].2, ["DTEND;VALUE=DATE:20270116"]);
    assert_eq!(days[1].1, ["DTSTART;VALUE=DATE:20270118"]);
    assert_eq!(days[1].2, ["DTEND;VALUE=DATE:20270119"]);
    assert!(days[1].0.starts_with(days[0].0.split('@').next().unwrap()) && days[1].0.contains("/2@"), "{days:?}");
    // Reminders: an audit's own kind (7 days), a review falls back to every kind's (1 day).
    for event in all.values() {
        let triggers = get(event, "TRIGGER:");
        match get(event, "CATEGORIES:")[0] {
            "CATEGORIES:Internal audit" => assert_eq!(triggers, ["TRIGGER:-P7D"]),
            _ => assert_eq!(triggers, ["TRIGGER:-P1D"], "{event:?}"),
        }
    }
    // A bad reminder is refused.
    let out = calendar(&[reg, "--format", "ics", "--remind", "audits=7"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("audit, review, external, certificate or all"));
}

/// A surveillance held on 10 and 13 May 2024 (a Friday and the Monday after), 14 May and 20
/// June is an event for each run of days it took: 10 May, 13 to 14 May (`/2`) and 20 June
/// (`/3`), not one blocking the six weeks between them, nor one that loses a visit.
#[test]
fn a_surveillance_split_into_visits_is_an_event_for_each() {
    let dir = scratch("visits");
    let register = dir.join("isms.yaml");
    let text = "organisation: Split Ltd
id: split
certification:
  decision: 2023-06-01
  surveillance:
    - {date: 2024-05-10, visits: [2024-05-13, 2024-05-14, 2024-06-20]}
auditors: [{id: ann}]
scope: [{id: core, owner: olga}]
";
    fs::write(&register, text).unwrap();
    let all = events(&ics(&[register.to_str().unwrap(), "--today", "2024-04-01", "--year", "2024"]));
    let visits: Vec<(&str, Vec<&str>, Vec<&str>)> = (all.iter())
        .filter(|(u, _)| u.starts_with("surveillance/1/1"))
        .map(|(u, e)| (u.as_str(), get(e, "DTSTART"), get(e, "DTEND")))
        .collect();
    assert_eq!(
        visits,
        [
            ("surveillance/1/1/2@split", vec!["DTSTART;VALUE=DATE:20240513"], vec!["DTEND;VALUE=DATE:20240515"]),
            ("surveillance/1/1/3@split", vec!["DTSTART;VALUE=DATE:20240620"], vec!["DTEND;VALUE=DATE:20240621"]),
            ("surveillance/1/1@split", vec!["DTSTART;VALUE=DATE:20240510"], vec!["DTEND;VALUE=DATE:20240511"]),
        ]
    );
}

/// `--person`: the audits a person holds, those of the areas they own or run, and the reviews
/// and certification audits where they manage the programme or receive its reports.
#[test]
fn anyone_named_has_a_calendar_of_their_own() {
    let register = example("saas-certified.yaml");
    let uids = |args: &[&str]| -> Vec<String> {
        let mut all = vec![register.as_str(), "--today", TODAY, "--year", "2027"];
        all.extend(args);
        events(&ics(&all)).into_keys().collect()
    };
    let everyone = uids(&[]);
    let carol = uids(&["--person", "carol"]);
    // The audits she holds, and those of isms-core, whose team she is on.
    let mut expected: Vec<String> = uids(&["--auditor", "carol"]);
    expected.extend(everyone.iter().filter(|u| u.starts_with("internal_audit/") && u.contains("/isms-core@")).cloned());
    expected.sort();
    expected.dedup();
    assert_eq!(carol, expected);
    // Jonas owns identity-access: its audits, and nothing of the others'.
    let jonas = uids(&["--person", "Jonas"]);
    assert!(
        !jonas.is_empty()
            && jonas.iter().all(|u| u.contains("/identity-access") || u.contains("/platform-engineering")),
        "{jonas:?}"
    );
    // Hanna manages the programme and receives its reports: reviews and certification audits.
    let hanna = uids(&["--person", "hanna"]);
    assert!(
        hanna.iter().any(|u| u.starts_with("management_review"))
            && hanna.iter().any(|u| u.starts_with("recertification"))
    );
    assert!(hanna.len() < everyone.len());
    let out = calendar(&[&register, "--person", "nobody"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--person `nobody` is not named in the register"));
}

#[test]
fn a_previous_file_that_is_no_calendar_is_refused_with_its_place() {
    let dir = scratch("not-ics");
    let earlier = dir.join("earlier.ics");
    fs::write(&earlier, "not a calendar\n").unwrap();
    let out = calendar(&[&example("saas-certified.yaml"), "--format", "ics", "--previous", earlier.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("earlier.ics:1:1: error: not an iCalendar file"), "{stderr}");
    assert!(out.stdout.is_empty());
    let out = calendar(&[&example("saas-certified.yaml"), "--previous", earlier.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("add --format ics"));
}

/// The earlier file is input too: what it says reaches the new file only made visible, and
/// only a date where a date goes.
#[test]
fn nothing_of_a_hostile_previous_file_acts_on_a_terminal() {
    let dir = scratch("hostile-previous");
    let register = example("saas-certified.yaml");
    let id = "isms.northwind-cloud.example";
    let earlier = dir.join("earlier.ics");
    let event = format!(
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:gone\u{1b}[2J/x@{id}\r\nSEQUENCE:1\r\nDTSTART;VALUE=DATE:20270105\r\nDTEND;VALUE=DATE:20270106\r\nSUMMARY:\u{1b}[31mred\u{9b}2J\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:also-gone@{id}\r\nDTSTART;VALUE=DATE:2027\u{1b}]0;x\u{7}0105\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    );
    fs::write(&earlier, event).unwrap();
    let text = ics(&[&register, "--today", TODAY, "--year", "2027", "--previous", earlier.to_str().unwrap()]);
    assert!(!text.chars().any(|c| c.is_control() && c != '\r' && c != '\n'), "a control character in the output");
    let cancelled: Vec<Vec<String>> =
        events(&text).into_values().filter(|e| e.iter().any(|l| l == "STATUS:CANCELLED")).collect();
    // The one with a date that is no date is left out: an event without its first day.
    assert_eq!(cancelled.len(), 1);
    assert_eq!(get(&cancelled[0], "SEQUENCE:"), ["SEQUENCE:2"]);
    assert_eq!(get(&cancelled[0], "DTSTART"), ["DTSTART;VALUE=DATE:20270105"]);
    assert!(get(&cancelled[0], "SUMMARY:")[0].contains("\\u{1b}[31mred"), "{cancelled:?}");
}

/// A file exported over many years, then a year exported with it as the earlier file: nothing
/// still planned is cancelled, however far ahead it lies; and a SEQUENCE at its largest stays
/// there rather than wrapping.
#[test]
fn a_narrower_export_cancels_nothing_still_planned() {
    let dir = scratch("narrower");
    let register = example("saas-certified.yaml");
    let wide = ics(&[&register, "--today", TODAY, "--from", "2026-01-01", "--to", "2040-12-31"]);
    let earlier = dir.join("wide.ics");
    fs::write(&earlier, &wide).unwrap();
    let narrow = ics(&[&register, "--today", TODAY, "--year", "2026", "--previous", earlier.to_str().unwrap()]);
    assert!(!narrow.contains("STATUS:CANCELLED"));
    assert_eq!(events(&narrow).len(), events(&wide).len(), "every earlier event accounted for");
    // The largest SEQUENCE, on an event whose words changed.
    let first_uid = events(&wide).into_keys().next().unwrap();
    let at = wide.find(&format!("UID:{first_uid}\r\n")).unwrap();
    let (before, after) = wide.split_at(at);
    let after = after.replacen("SEQUENCE:0", "SEQUENCE:4294967295", 1).replacen("SUMMARY:", "SUMMARY:x", 1);
    let bumped = format!("{before}{after}");
    fs::write(&earlier, bumped).unwrap();
    let out = calendar(&[
        &register,
        "--today",
        TODAY,
        "--year",
        "2026",
        "--format",
        "ics",
        "--previous",
        earlier.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let again = events(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(get(&again[&first_uid], "SEQUENCE:"), ["SEQUENCE:4294967295"]);
}

/// Once the next cycle has begun, last year is still last year: its calendar shows the audits
/// held in it, and the file exported then, read again as the earlier file, keeps its events
/// (held audits are not cancelled in the subscribers' calendars because their cycle is over).
#[test]
fn a_new_cycle_keeps_the_last_ones_events() {
    let dir = scratch("new-cycle");
    let register = dir.join("isms.yaml");
    fs::write(
        &register,
        "organisation: Rollover Ltd
id: rollover.example
certification:
  decision: 2024-03-15
  surveillance: [2025-02-20, 2026-02-24]
  recertification: [{date: 2026-12-07, decision: 2027-01-20}]
auditors: [{id: ann}, {id: bob}]
scope:
  - {id: core, owner: olga, risk: high}
  - {id: hr, owner: hana}
audits:
  - {date: 2026-10-20, areas: [core, hr], auditor: ann}
",
    )
    .unwrap();
    let reg = register.to_str().unwrap();
    // Exported in cycle 1, then read again in cycle 2 (from 2027-03-15).
    let then = ics(&[reg, "--today", "2026-11-20", "--year", "2026"]);
    let earlier = dir.join("2026.ics");
    fs::write(&earlier, &then).unwrap();
    let now = ics(&[reg, "--today", "2027-03-20", "--year", "2027", "--previous", earlier.to_str().unwrap()]);
    assert!(!now.contains("STATUS:CANCELLED"), "{now}");
    let (then, now) = (events(&then), events(&now));
    for (uid, event) in &then {
        let again = now.get(uid).unwrap_or_else(|| panic!("{uid} left out"));
        assert_eq!(get(again, "DTSTART"), get(event, "DTSTART"), "{uid}");
    }
    assert!(then.keys().any(|uid| uid.starts_with("recertification/")), "{then:?}");
    // Last year's calendar, read in the new cycle: its audits, as held.
    let out = calendar(&[reg, "--today", "2027-03-20", "--year", "2026"]);
    let text = String::from_utf8(out.stdout).unwrap();
    for held in [
        "2026-02-24  Surveillance 2  (held)",
        "2026-10-20  Internal audit: core (ann)  (done)",
        "2026-12-07  Recertification  (held)",
    ] {
        assert!(text.contains(held), "{held}: {text}");
    }
}

/// An area audited more than once in a round has an event for each, numbered after the first
/// (`#2`, `#3`), in each of the round's readings: the file, and the file exported again with it
/// as the earlier one (nothing cancelled, nothing raised). An interim round's audit of the same
/// area is another round's, not a repeat.
#[test]
fn an_area_audited_again_in_a_round_has_an_event_for_each() {
    let dir = scratch("again");
    let text = fs::read_to_string(example("saas-certified.yaml")).unwrap();
    let last = "  - {date: 2026-12-03, areas: [finance], auditor: carol, status: booked}\n";
    let again = "  - {date: 2026-03-10, areas: [platform-engineering], auditor: priya}
  - {date: 2026-03-26, areas: [platform-engineering, people], auditor: dmitri}
  - {date: 2026-03-27, areas: [people], auditor: aurora}
";
    assert!(text.contains(last));
    let register = dir.join("again.yaml");
    fs::write(&register, text.replace(last, &format!("{last}{again}"))).unwrap();
    let register = register.to_str().unwrap();
    let first = ics(&[register, "--today", TODAY, "--year", "2026"]);
    // Each audit of the area in round C1.2, by UID, with its first day.
    let audits = |area: &str| -> Vec<(String, String)> {
        let key = format!("internal_audit/1/C1.2/{area}");
        let at = "@isms.northwind-cloud.example";
        (events(&first).into_iter())
            .filter(|(u, _)| u.strip_prefix(&key).is_some_and(|r| r.starts_with('#') || r.starts_with('@')))
            .map(|(u, e)| {
                (u.replace(&key, "").replace(at, ""), get(&e, "DTSTART")[0].replace("DTSTART;VALUE=DATE:", ""))
            })
            .collect()
    };
    let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
        list.iter().map(|(u, d)| (u.to_string(), d.to_string())).collect()
    };
    // (In the order of the UIDs: `#` before `@`.)
    assert_eq!(audits("platform-engineering"), pairs(&[("#2", "20260324"), ("#3", "20260326"), ("", "20260310")]));
    assert_eq!(audits("people"), pairs(&[("#2", "20260327"), ("", "20260326")]));
    assert_eq!(audits("finance").len(), 1);

    let earlier = dir.join("earlier.ics");
    fs::write(&earlier, &first).unwrap();
    let reimport = ics(&[register, "--today", TODAY, "--year", "2026", "--previous", earlier.to_str().unwrap()]);
    assert_eq!(reimport, first, "nothing changed, nothing to update");

    // Round C1.1a holds `core` 12 months after round 0, round C1.1 again before surveillance 1.
    let interim = dir.join("interim.yaml");
    let long_gap = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cmd/histories.in/long-gap.yaml");
    fs::write(&interim, format!("id: long-gap.example\n{}", fs::read_to_string(long_gap).unwrap())).unwrap();
    let file = ics(&[interim.to_str().unwrap(), "--today", "2027-03-15", "--year", "2027"]);
    let core: Vec<String> = events(&file).into_keys().filter(|u| u.contains("/core")).collect();
    assert_eq!(core, ["internal_audit/1/C1.1/core@long-gap.example", "internal_audit/1/C1.1a/core@long-gap.example"]);
}
