//! Benchmark: how long parsing, planning and checking take as registers grow.
//!
//!     cargo run --release --example bench
//!
//! Prints a table of medians over repeated runs. Registers are generated here (areas with all
//! 93 controls spread over them, auditors, a year of records), so the numbers are comparable
//! from machine to machine and commit to commit.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use chrono::NaiveDate;

fn register(areas: usize, auditors: usize) -> String {
    let mut y = String::from(
        "organisation: Bench Ltd\ncertification:\n  decision: 2024-06-03\n  surveillance: [2025-05-06]\nauditors:\n",
    );
    for a in 0..auditors {
        let _ = writeln!(y, "  - id: aud{a}\n    conflicts: [area{}]", (a * 7) % areas);
    }
    y.push_str("scope:\n");
    let controls: Vec<String> = (1..=37)
        .map(|i| format!("A.5.{i}"))
        .chain((1..=8).map(|i| format!("A.6.{i}")))
        .chain((1..=14).map(|i| format!("A.7.{i}")))
        .chain((1..=34).map(|i| format!("A.8.{i}")))
        .collect();
    for i in 0..areas {
        let risk = ["high", "medium", "low"][i % 3];
        let mine: Vec<&str> = controls.iter().skip(i % 93).step_by(areas.clamp(1, 93)).map(String::as_str).collect();
        let _ = writeln!(y, "  - id: area{i}\n    owner: owner{i}\n    team: [aud{}]\n    risk: {risk}", i % auditors);
        if i == 0 {
            y.push_str("    clauses: [\"4.1\", \"4.2\", \"4.3\", \"4.4\", \"5.1\", \"5.2\", \"5.3\", \"6.1\", \"6.2\", \"6.3\", \"7.1\", \"7.2\", \"7.3\", \"7.4\", \"7.5\", \"8.1\", \"8.2\", \"8.3\", \"9.1\", \"9.2\", \"9.3\", \"10.1\", \"10.2\"]\n");
        }
        if !mine.is_empty() {
            let _ = writeln!(y, "    controls: [{}]", mine.join(", "));
        }
    }
    y.push_str("audits:\n");
    let mut audits: Vec<(usize, usize)> = (0..areas).map(|i| (3 + i % 20, i)).collect();
    audits.sort();
    for (day, i) in audits {
        let _ = writeln!(y, "  - {{date: 2025-03-{day:02}, areas: [area{i}], auditor: aud{}}}", (i + 1) % auditors);
    }
    y.push_str("reviews:\n  - date: 2025-04-22\n");
    y
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    let samples = (0..runs)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(f());
            start.elapsed()
        })
        .collect();
    median(samples)
}

fn main() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
    println!("| areas | auditors | register bytes | parse | plan (3 cycles) | check | runs |");
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    for (areas, auditors, runs) in [(10, 3, 101), (30, 8, 101), (300, 40, 31), (3000, 200, 5)] {
        let text = register(areas, auditors);
        let reg = ismsaudit::register::parse("bench.yaml", &text).expect("the generated register is valid");
        let parse = time(runs, || ismsaudit::register::parse("bench.yaml", &text));
        let plan = time(runs, || ismsaudit::plan::plan(&reg, today, 3).map(|p| p.rounds.len()));
        let check = time(runs, || ismsaudit::findings::check(&reg, today).map(|f| f.len()));
        println!("| {areas} | {auditors} | {} | {parse:.2?} | {plan:.2?} | {check:.2?} | {runs} |", text.len());
    }
}
