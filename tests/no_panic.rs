//! No input makes ismsaudit panic: random text, and the shipped examples with random edits,
//! go through parse, plan, check and every renderer, and come out as a result or an error.

use chrono::{Days, NaiveDate};
use proptest::prelude::*;

const EXAMPLES: [&str; 3] = [
    include_str!("../examples/startup.yaml"),
    include_str!("../examples/saas-certified.yaml"),
    include_str!("../examples/enterprise.yaml"),
];

const TOKENS: [&str; 24] = [
    ": ",
    "- ",
    "[",
    "]",
    "{",
    "}",
    ",",
    "\n",
    "  ",
    "\t",
    "2027-02-29",
    "2024-02-29",
    "-1",
    "99999999999",
    "high",
    "A.5.1",
    "9.2",
    "&a ",
    "*a",
    "<<: *a",
    "!!binary ",
    "~",
    "\"",
    "9999-12-31",
];

use ismsaudit::valid::Valid;

mod inert;

/// Everything a register can be shown as, in-process: the plan in every format, the calendar
/// of three years as text, HTML and iCalendar, the agenda as text and JSON, and `check` in
/// every format, or the one-line errors of a register that cannot be used. Nothing may panic,
/// and nothing printed may act on a terminal or a CI log.
fn run_everything(text: &str, today: NaiveDate, cycles: u32) {
    use ismsaudit::render;
    let valid = match Valid::parse("fuzz.yaml", text, today) {
        Ok(valid) => valid,
        Err(e) => {
            // One line per problem, each naming the file.
            let shown = e.to_string();
            inert::assert_inert("errors", &shown);
            assert!(shown.lines().all(|l| l.starts_with("fuzz.yaml")), "{shown}");
            return;
        }
    };
    let reg = valid.register();
    {
        let plan = ismsaudit::plan::plan(&valid, cycles);
        let mut out = Vec::new();
        render::table::write(&plan, true, &Default::default(), 80, &mut out).unwrap();
        render::json::write(&plan, &mut out).unwrap();
        render::markdown::write(&plan, &mut out).unwrap();
        render::csv::write(&plan, &Default::default(), &mut out).unwrap();
        let agenda = render::agenda::agenda(&plan, 400);
        render::agenda::text(&agenda, true, 400, today, 80, &mut out).unwrap();
        let mut json = render::agenda::Json::start(today, 400, &mut out).unwrap();
        json.items(&agenda, &mut out).unwrap();
        json.end(&mut out).unwrap();
        inert::assert_inert("plan", &String::from_utf8_lossy(&out));
    }
    {
        let outline = ismsaudit::plan::outline(&valid, 2);
        let period = render::calendar::Period::everyone(today - Days::new(400), today + Days::new(800));
        let entries = render::calendar::Entries::new(&outline, &period);
        let mut out = Vec::new();
        render::calendar::text(reg, &period, &entries, false, &mut out).unwrap();
        render::html::write(reg, &period, &entries, today, Default::default(), &mut out).unwrap();
        render::ics::write(reg, "fuzz-id", today, &entries, &Default::default(), &mut out).unwrap();
        inert::assert_inert("calendar", &String::from_utf8_lossy(&out));
    }
    {
        let findings = ismsaudit::findings::check(&valid);
        let mut out = Vec::new();
        render::check::text("fuzz.yaml", &reg.accepted, &findings, 80, &mut out).unwrap();
        render::check::json("fuzz.yaml", today, &reg.accepted, &findings, &mut out).unwrap();
        render::check::github("fuzz.yaml", &reg.accepted, &findings, &mut out).unwrap();
        inert::assert_inert("check", &String::from_utf8_lossy(&out));
    }
}

/// How a valid register is damaged: a line dropped, a value replaced by one of another type, a
/// control character or a very long string inserted, a date moved far, an alias.
#[derive(Debug, Clone)]
enum Mutation {
    DropLine(prop::sample::Index),
    Value(prop::sample::Index, usize),
    Insert(prop::sample::Index, char),
}

/// Values of every kind, for `Mutation::Value`.
fn hostile_values() -> Vec<String> {
    vec![
        "[a, b]".into(),
        "{k: v}".into(),
        "~".into(),
        "\"\\e]0;title\\a\\r\\n::error::x\"".into(),
        "\"\\x9b2J\\0\\x7f\\u202e\"".into(),
        "x".repeat(5000),
        format!("[{}]", vec!["A.5.1"; 3000].join(", ")),
        "1970-01-01".into(),
        "2200-12-31".into(),
        "1969-12-31".into(),
        "&anchor value".into(),
        "*anchor".into(),
        "!!binary aGVsbG8=".into(),
        "-99999999999999999999".into(),
        "|\n  two\n  lines".into(),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let controls = prop_oneof![
        Just('\u{1b}'),
        Just('\r'),
        Just('\u{0}'),
        Just('\u{7f}'),
        Just('\u{9b}'),
        Just('\u{202e}'),
        Just('\t')
    ];
    prop_oneof![
        any::<prop::sample::Index>().prop_map(Mutation::DropLine),
        (any::<prop::sample::Index>(), 0..15usize).prop_map(|(i, v)| Mutation::Value(i, v)),
        (any::<prop::sample::Index>(), controls).prop_map(|(i, c)| Mutation::Insert(i, c)),
    ]
}

fn mutate(text: &str, mutations: &[Mutation]) -> String {
    let values = hostile_values();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for m in mutations {
        if lines.is_empty() {
            break;
        }
        match m {
            Mutation::DropLine(i) => {
                lines.remove(i.index(lines.len()));
            }
            Mutation::Value(i, v) => {
                let i = i.index(lines.len());
                if let Some((key, _)) = lines[i].split_once(": ") {
                    lines[i] = format!("{key}: {}", values[*v % values.len()]);
                }
            }
            Mutation::Insert(i, c) => {
                let i = i.index(lines.len());
                let at = lines[i].char_indices().map(|(p, _)| p).nth(lines[i].chars().count() / 2).unwrap_or(0);
                lines[i].insert(at, *c);
            }
        }
    }
    lines.join("\n")
}

/// A damaged example, and the day to plan it for.
fn damaged(which: usize, mutations: &[Mutation], today: u64) -> (String, NaiveDate) {
    (mutate(EXAMPLES[which], mutations), NaiveDate::from_ymd_opt(1975, 1, 1).unwrap() + Days::new(today))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Damaged registers are read, planned and checked, or refused with one line per problem:
    /// never a panic, never a control character or a workflow command in what is printed.
    #[test]
    fn damaged_registers_are_handled_and_shown_safely(
        which in 0..EXAMPLES.len(),
        mutations in proptest::collection::vec(mutation(), 1..6),
        today in 0u64..20_000,
    ) {
        let (text, today) = damaged(which, &mutations, today);
        run_everything(&text, today, 2);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// A hang guard, not a measure of speed: no damaged register takes more than a few seconds
    /// (the benchmark measures speed; these take milliseconds).
    #[test]
    fn damaged_registers_never_hang(
        which in 0..EXAMPLES.len(),
        mutations in proptest::collection::vec(mutation(), 1..6),
        today in 0u64..20_000,
    ) {
        let (text, today) = damaged(which, &mutations, today);
        let start = std::time::Instant::now();
        run_everything(&text, today, 10);
        prop_assert!(start.elapsed() < std::time::Duration::from_secs(20), "took {:?}", start.elapsed());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn random_text_never_panics(text in "[a-z0-9:\\-\\[\\]{}, \n\"'&*!.#|>]{0,300}") {
        run_everything(&text, NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(), 1);
    }

    #[test]
    fn edited_examples_never_panic(
        which in 0..EXAMPLES.len(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), 0usize..40, 0..TOKENS.len()), 1..6),
        today in 0u64..20_000,
        cycles in 1u32..=10,
    ) {
        let mut text: Vec<char> = EXAMPLES[which].chars().collect();
        for (at, delete, token) in edits {
            let start = at.index(text.len() + 1);
            let end = (start + delete).min(text.len());
            text.splice(start..end, TOKENS[token].chars());
        }
        let text: String = text.into_iter().collect();
        let today = NaiveDate::from_ymd_opt(1975, 1, 1).unwrap() + Days::new(today);
        run_everything(&text, today, cycles);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Values swapped on random lines keep the YAML well-formed, so these reach plan and check.
    #[test]
    fn examples_with_swapped_values_never_panic(
        which in 0..EXAMPLES.len(),
        swaps in proptest::collection::vec((any::<prop::sample::Index>(), 0..VALUES.len()), 1..4),
        today in 0u64..20_000,
    ) {
        let mut lines: Vec<String> = EXAMPLES[which].lines().map(str::to_string).collect();
        for (at, value) in swaps {
            let i = at.index(lines.len());
            if let Some((key, _)) = lines[i].split_once(": ") {
                lines[i] = format!("{key}: {}", VALUES[value]);
            }
        }
        let today = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + Days::new(today % 4000);
        run_everything(&lines.join("\n"), today, 2);
    }
}

const VALUES: [&str; 16] = [
    "2024-02-29",
    "2021-01-04",
    "2030-12-31",
    "2026-11-28",
    "high",
    "low",
    "medium",
    "[]",
    "ann",
    "0",
    "26",
    "4",
    "[mon]",
    "[sat, sun]",
    "[A.5.1, 9.2]",
    "{from: 2025-01-01, to: 2027-12-31, reason: x}",
];

/// Pieces of what a pull request can write into a register's text to act on a terminal, a CI
/// log, a calendar client or a Markdown renderer.
const FRAGMENTS: [&str; 35] = [
    "::",
    "::error file=x::",
    "::add-mask::",
    "##",
    "##[",
    "##vso[task.setvariable variable=X]1",
    "##teamcity[",
    "##VSO[",
    "[",
    "]",
    "#",
    "vso",
    "\r",
    "\n",
    "\u{1b}[2J",
    "\u{9b}",
    "\u{202e}",
    "\u{61c}",
    "\u{200b}",
    "\u{2028}",
    "\u{e0041}",
    "\u{feff}",
    "https://evil.example",
    "www.evil.example",
    "ceo@evil.example",
    "@octocat",
    "#12",
    " ",
    "a",
    "Zürich",
    // Characters of several bytes, next to the text that is looked at around them.
    "€",
    "w.",
    "\u{301}",
    "€w.",
    "ẃww.x",
];

/// A valid register whose every free-text field is `{T}`, written as a YAML double-quoted
/// string (so escapes reach the parser as the characters they stand for).
const EVERY_FIELD: &str = r#"organisation: "{T}"
id: fuzz-register
certification:
  decision: 2024-06-03
  surveillance: [{date: 2025-05-06, note: "{T}"}]
  special: [{date: 2025-09-16, kind: other, note: "{T}"}]
settings:
  blackout: [{from: 2025-12-22, to: 2026-01-02, reason: "{T}"}]
programme: {owner: "{T}", reports_to: ["{T}"]}
auditors:
  - {id: carol, name: "{T}", unavailable: [{from: 2026-08-03, to: 2026-08-14, reason: "{T}"}]}
  - {id: dmitri, name: "{T}"}
scope:
  - {id: isms, name: "{T}", owner: "{T}", team: ["{T}"], risk: high, clauses: ["9.2"], controls: [A.5.1], site: "{T}"}
  - {id: hr, name: "{T}", owner: "o{T}", risk: medium, controls: [A.6.1]}
soa:
  excluded: [{control: A.7.5, reason: "{T}"}]
audits:
  - {date: 2025-03-20, areas: [isms], auditor_org: "{T}"}
accepted:
  - {code: control-not-covered, reason: "{T}", reference: "{T}", until: 2027-01-01}
corrective_actions:
  - {id: CA-1, area: hr, raised: 2025-03-20, due: 2025-06-30, note: "{T}"}
"#;

/// The text a field gets: fragments in any order.
fn hostile_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(0..FRAGMENTS.len(), 1..8)
        .prop_map(|picks| picks.into_iter().map(|k| FRAGMENTS[k]).collect())
}

/// `text` inside a YAML double-quoted string: every character but printable ASCII written as an
/// escape (`\U0000001b`), so that the parser reads the very characters.
fn yaml_escapes(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '"' | '\\' => format!("\\{c}"),
            ' '..='~' => c.to_string(),
            c => format!("\\U{:08x}", c as u32),
        })
        .collect()
}

/// How many hostile registers the fuzz test tries: a few hundred here, many more where
/// `ISMSAUDIT_FUZZ_CASES` says (`docs/hostile-input.md`).
fn fuzz_cases() -> u32 {
    std::env::var("ISMSAUDIT_FUZZ_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(200)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(fuzz_cases()))]

    /// Hostile text in every free-text field of a valid register: every output of every
    /// command stays inert, for any day.
    #[test]
    fn hostile_text_in_every_field_stays_inert(text in hostile_text(), today in 0u64..1500) {
        let register = EVERY_FIELD.replace("{T}", &yaml_escapes(&text));
        let today = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + Days::new(today);
        run_everything(&register, today, 2);
    }
}

/// Extremes the validation allows: the edges of the date range and of every setting.
#[test]
fn extreme_but_valid_registers_plan_and_check() {
    let text = "organisation: Edge
certification: {stage1: 2200-12-31}
settings:
  internal_audit_lead_weeks: 12
  management_review_lead_weeks: 11
  stage2_after_stage1_weeks: 26
  decision_after_stage2_weeks: 26
  surveillance_before_anniversary_weeks: 13
  recertification_before_expiry_weeks: 26
  workdays: [fri, sat, sun]
  blackout:
    - {from: 2200-09-01, to: 2200-12-01}
    - {from: 1970-01-01, to: 1970-04-02}
auditors: [{id: a}]
scope: [{id: x, owner: a}]
";
    for today in ["1970-01-01", "2200-12-31"] {
        let today = NaiveDate::parse_from_str(today, "%Y-%m-%d").unwrap();
        let valid = Valid::parse("edge.yaml", text, today).unwrap();
        ismsaudit::plan::plan(&valid, 10);
        ismsaudit::findings::check(&valid);
        run_everything(text, today, 10);
    }
}
