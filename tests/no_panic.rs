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

fn run_everything(text: &str, today: NaiveDate, cycles: u32) {
    let Ok(reg) = ismsaudit::register::parse("fuzz.yaml", text) else { return };
    if let Ok(plan) = ismsaudit::plan::plan(&reg, today, cycles) {
        let mut out = Vec::new();
        ismsaudit::render::table::write(&plan, &mut out).unwrap();
        ismsaudit::render::json::write(&plan, &mut out).unwrap();
    }
    if let Ok(findings) = ismsaudit::findings::check(&reg, today) {
        let mut out = Vec::new();
        ismsaudit::render::check::text("fuzz.yaml", &reg.accepted, &findings, &mut out).unwrap();
        ismsaudit::render::check::json("fuzz.yaml", today, &reg.accepted, &findings, &mut out).unwrap();
        ismsaudit::render::check::github("fuzz.yaml", &reg.accepted, &findings, &mut out).unwrap();
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
    let reg = ismsaudit::register::parse("edge.yaml", text).unwrap();
    for today in ["1970-01-01", "2200-12-31"] {
        let today = NaiveDate::parse_from_str(today, "%Y-%m-%d").unwrap();
        ismsaudit::plan::plan(&reg, today, 10).unwrap();
        ismsaudit::findings::check(&reg, today).unwrap();
        run_everything(text, today, 10);
    }
}
