//! Benchmark: how long reading, planning and checking take, and how much memory, as registers
//! grow to 100,000 areas.
//!
//!     cargo run --release --example bench                  # every size
//!     cargo run --release --example bench -- 10000 50000   # these numbers of areas only
//!     cargo run --release --example bench -- --runs 7 --keep DIR
//!
//! Registers are generated here, realistic and deterministic: areas with owners, teams,
//! controls and risk, 500 auditors with declared conflicts, a year of audit records. Times are
//! the process's CPU time where the system reports it (a shared virtual machine's wall clock
//! varies by a third from run to run). Each run takes every size in turn, each in a process of
//! its own (a fresh heap, as the command line has), so that a slow spell of the machine falls
//! on every size alike; within a run, the steps are taken in turn, three times, after one pass
//! to warm up. The table gives, per size, the median over the runs of each run's median:
//! - `yaml`: the YAML parser alone, reading the text into nothing (`serde::de::IgnoredAny`);
//! - `validate`: what `ismsaudit validate` does: parse and validate the register (`Valid::parse`);
//! - `plan`: lay out 3 cycles and write the plan as JSON, from the checked register;
//! - `check`: every finding, from the checked register;
//! - `peak`: the most heap in use at once over validate, plan and check (a counting allocator);
//! - `table peak`: the same while `plan` writes its table (each round as it is planned), with
//!   the register's text, against the limit of ten times the text and 20 MiB;
//! - `python`: Python's yaml.load with libyaml (CSafeLoader), for scale, where installed (wall
//!   clock, measured by Python);
//! - the targets' ratios, each the median of the ratios within the runs: validate against the
//!   parser alone, plan against validate, and plan against plan at 10,000 areas.
//!
//! `--keep DIR` writes each register there as `bench-N.yaml`, to profile the command line on.

use std::alloc::{GlobalAlloc, Layout, System};
use std::fmt::Write as _;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use chrono::NaiveDate;
use ismsaudit::valid::Valid;

/// The system allocator, counting the bytes in use and their peak.
struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed on to the system allocator unchanged; the counters are only read.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = IN_USE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            let now = if new_size >= layout.size() {
                IN_USE.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size - layout.size()
            } else {
                IN_USE.fetch_sub(layout.size() - new_size, Ordering::Relaxed) - (layout.size() - new_size)
            };
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const CONTROLS: usize = 93;

fn controls() -> Vec<String> {
    (1..=37)
        .map(|i| format!("A.5.{i}"))
        .chain((1..=8).map(|i| format!("A.6.{i}")))
        .chain((1..=14).map(|i| format!("A.7.{i}")))
        .chain((1..=34).map(|i| format!("A.8.{i}")))
        .collect()
}

/// The families of registers the benchmark generates: each stresses the planner differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// 500 auditors with two declared conflicts each, teams of 2, a year of records.
    Base,
    /// 40 sites, each auditor reaching three of them, two weeks of leave each, caps of days per
    /// round and per year.
    Sites,
    /// Teams of 8 and 12 conflicts per auditor.
    Teams,
    /// Before Stage 1: no certificate yet, no records, round 0 audits the whole scope.
    Stage1,
}

impl Shape {
    const ALL: [Shape; 4] = [Shape::Base, Shape::Sites, Shape::Teams, Shape::Stage1];

    fn name(self) -> &'static str {
        match self {
            Shape::Base => "base",
            Shape::Sites => "sites",
            Shape::Teams => "teams",
            Shape::Stage1 => "stage1",
        }
    }

    fn parse(s: &str) -> Option<Shape> {
        Shape::ALL.into_iter().find(|shape| shape.name() == s)
    }
}

const SITES: usize = 40;

/// A register of `areas` areas and `auditors` auditors of `shape`; but for [`Shape::Stage1`],
/// certified in June 2024 with a year of internal audits held: every area once between March
/// 2025 and March 2026.
fn register(areas: usize, auditors: usize, shape: Shape) -> String {
    let mut y = String::with_capacity(areas * 300);
    y.push_str("organisation: Bench Group plc\n");
    if shape == Shape::Stage1 {
        y.push_str("certification:\n  stage1: 2027-03-01\n");
    } else {
        y.push_str("certification:\n  decision: 2024-06-03\n  surveillance: [2025-05-06]\n");
    }
    y.push_str("settings:\n  blackout:\n    - {from: 2025-12-22, to: 2026-01-02, reason: Year-end freeze}\n");
    y.push_str("auditors:\n");
    let conflicts = if shape == Shape::Teams { 12 } else { 2 };
    for a in 0..auditors {
        let mine: Vec<String> = (0..conflicts).map(|c| format!("area-{:06}", (a * 7 + c * 13 + c) % areas)).collect();
        let _ = writeln!(y, "  - id: auditor-{a:04}\n    name: Auditor {a}\n    conflicts: [{}]", mine.join(", "));
        if shape == Shape::Sites {
            let sites: Vec<String> = (0..3).map(|s| format!("site-{:02}", (a + s * 7) % SITES)).collect();
            // Two weeks of leave, staggered over the summer.
            let week = 26 + (a % 10) as u32;
            let from = NaiveDate::from_isoywd_opt(2027, week, chrono::Weekday::Mon).unwrap_or_default();
            let to = from + chrono::Days::new(13);
            let _ = writeln!(
                y,
                "    sites: [{}]\n    max_days_per_round: 40\n    max_days_per_year: 60\n    unavailable:\n      - {{from: {from}, to: {to}, reason: Leave}}",
                sites.join(", ")
            );
        }
    }
    y.push_str("scope:\n");
    let controls = controls();
    for i in 0..areas {
        let risk = ["high", "medium", "medium", "low", "low"][i % 5];
        let team: Vec<String> = if shape == Shape::Teams {
            std::iter::once(format!("auditor-{:04}", i % auditors))
                .chain((1..8).map(|k| format!("person-{i}-{k}")))
                .collect()
        } else {
            vec![format!("auditor-{:04}", i % auditors), format!("person-{i}")]
        };
        let _ = write!(
            y,
            "  - id: area-{i:06}\n    name: Area {i} operations\n    owner: owner-{:05}\n    team: [{}]\n    risk: {risk}\n",
            i / 4,
            team.join(", ")
        );
        if shape == Shape::Sites {
            let _ = writeln!(y, "    site: site-{:02}", i % SITES);
        }
        if i == 0 {
            y.push_str("    clauses: [\"4.1\", \"4.2\", \"4.3\", \"4.4\", \"5.1\", \"5.2\", \"5.3\", \"6.1\", \"6.2\", \"6.3\", \"7.1\", \"7.2\", \"7.3\", \"7.4\", \"7.5\", \"8.1\", \"8.2\", \"8.3\", \"9.1\", \"9.2\", \"9.3\", \"10.1\", \"10.2\"]\n");
        }
        let mine: Vec<&str> = (0..6).map(|k| controls[(i * 6 + k) % CONTROLS].as_str()).collect();
        let _ = writeln!(y, "    controls: [{}]", mine.join(", "));
    }
    if shape == Shape::Stage1 {
        return y;
    }
    y.push_str("audits:\n");
    // A year of records: the areas spread over the workdays of March 2025 to March 2026.
    let start = NaiveDate::from_ymd_opt(2025, 3, 3).unwrap_or_default();
    let mut days: Vec<NaiveDate> = Vec::new();
    let mut d = start;
    while days.len() < 250 {
        if chrono::Datelike::weekday(&d).number_from_monday() <= 5 {
            days.push(d);
        }
        d = d.succ_opt().unwrap_or(d);
    }
    let per_record = 4;
    let records = areas.div_ceil(per_record);
    let mut by_day: Vec<Vec<usize>> = vec![Vec::new(); days.len()];
    for r in 0..records {
        by_day[r % days.len()].push(r);
    }
    for (k, rs) in by_day.iter().enumerate() {
        for &r in rs {
            let list: Vec<String> =
                (r * per_record..((r + 1) * per_record).min(areas)).map(|i| format!("area-{i:06}")).collect();
            let auditor = (r + 11) % auditors;
            let _ =
                writeln!(y, "  - {{date: {}, areas: [{}], auditor: auditor-{auditor:04}}}", days[k], list.join(", "));
        }
    }
    y.push_str("reviews:\n  - date: 2025-04-22\n  - date: 2026-04-14\n");
    y
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn median_f64(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

/// The CPU time this process has used (Unix); elsewhere, the wall clock.
#[cfg(unix)]
fn now() -> Duration {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ProcessCPUTime);
    Duration::new(u64::try_from(t.tv_sec).unwrap_or(0), u32::try_from(t.tv_nsec).unwrap_or(0))
}

#[cfg(not(unix))]
fn now() -> Duration {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    START.get_or_init(std::time::Instant::now).elapsed()
}

/// How long `f` takes.
fn time<T>(f: impl FnOnce() -> T) -> Duration {
    let start = now();
    std::hint::black_box(f());
    now().saturating_sub(start)
}

/// Python with libyaml reading the same file, median over `runs`, if Python and PyYAML with
/// libyaml are installed.
fn python(text: &str, runs: usize) -> Option<Duration> {
    let path = std::env::temp_dir().join(format!("ismsaudit-bench-{}.yaml", std::process::id()));
    std::fs::write(&path, text).ok()?;
    let script = format!(
        "import sys, time, yaml\nts = []\nfor _ in range({runs}):\n    t = time.perf_counter()\n    yaml.load(open(sys.argv[1]), Loader=yaml.CSafeLoader)\n    ts.append(time.perf_counter() - t)\nts.sort()\nprint(ts[len(ts) // 2])"
    );
    let out = Command::new("python3").arg("-c").arg(script).arg(&path).output().ok();
    let _ = std::fs::remove_file(&path);
    let out = out.filter(|o| o.status.success())?;
    let seconds: f64 = String::from_utf8_lossy(&out.stdout).trim().parse().ok()?;
    Some(Duration::from_secs_f64(seconds))
}

fn main() {
    // Sizes (numbers of areas) as arguments, any; `--keep DIR` writes each generated register
    // there, to profile the command line on it; `--runs N` sets the number of runs.
    let (mut sizes, mut keep, mut runs, mut shapes) = (Vec::new(), None, 5, Vec::new());
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), arg.parse::<usize>()) {
            ("--child", _) => {
                let areas = args.next().and_then(|n| n.parse().ok());
                if let (Some(areas), Some(shape)) = (areas, args.next().as_deref().and_then(Shape::parse)) {
                    child(areas, shape);
                    return;
                }
                runs = 0;
            }
            ("--keep", _) => {
                keep = args.next();
                runs = if keep.is_some() { runs } else { 0 };
            }
            ("--runs", _) => runs = args.next().and_then(|n| n.parse().ok()).unwrap_or(0),
            ("--shape", _) => match args.next().as_deref().and_then(Shape::parse) {
                Some(shape) => shapes.push(shape),
                None => runs = 0,
            },
            (_, Ok(areas)) if areas > 0 => sizes.push(areas),
            _ => runs = 0,
        }
        if runs == 0 {
            eprintln!(
                "usage: bench [AREAS ...] [--shape base|sites|teams|stage1 ...] [--runs N] [--keep DIR]  (AREAS and N above 0)"
            );
            std::process::exit(2);
        }
    }
    if sizes.is_empty() {
        sizes = vec![1_000, 10_000, 50_000, 100_000];
    }
    sizes.sort_unstable();
    sizes.dedup();
    if shapes.is_empty() {
        shapes = Shape::ALL.to_vec();
    }
    shapes.dedup();
    let Ok(me) = std::env::current_exe() else {
        eprintln!("cannot find this program to run it once per size");
        std::process::exit(1);
    };
    // Each run takes every shape and size in turn, each in a process of its own (a fresh heap,
    // as the command line has), so that a slow spell of the machine falls on all alike and a
    // ratio between two sizes compares like with like.
    let cases: Vec<(Shape, usize)> = shapes.iter().flat_map(|&s| sizes.iter().map(move |&n| (s, n))).collect();
    let mut samples: Vec<Vec<Sample>> = vec![Vec::new(); cases.len()];
    for _ in 0..runs {
        for (k, &(shape, areas)) in cases.iter().enumerate() {
            // The child's errors, if any, go straight to this one's.
            let out =
                Command::new(&me).args(["--child", &areas.to_string(), shape.name()]).stderr(Stdio::inherit()).output();
            let Some(sample) = out.ok().filter(|o| o.status.success()).and_then(|o| Sample::read(&o.stdout)) else {
                eprintln!("the run at {areas} areas of shape {} failed", shape.name());
                std::process::exit(1);
            };
            samples[k].push(sample);
        }
    }
    println!(
        "| shape | areas | register | yaml | validate | plan (3 cycles, JSON) | check | peak memory | table peak (limit) | python libyaml | validate ÷ yaml | plan ÷ validate | plan ÷ plan at 10,000 | runs |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (k, &(shape, areas)) in cases.iter().enumerate() {
        let s = &samples[k];
        let base = cases.iter().position(|c| *c == (shape, 10_000)).map(|b| &samples[b]);
        let step = |i: usize| median(s.iter().map(|x| x.steps[i]).collect());
        let [yaml, validate, plan, check] = [0, 1, 2, 3].map(step);
        // Ratios are medians of the ratios within each run.
        let ratio = |a: &[Sample], i: usize, b: &[Sample], j: usize| {
            let within = a.iter().zip(b).map(|(x, y)| x.steps[i].as_secs_f64() / y.steps[j].as_secs_f64()).collect();
            format!("{:.2}", median_f64(within))
        };
        let text = register(areas, AUDITORS, shape);
        if let Some(dir) = &keep {
            let _ = std::fs::write(format!("{dir}/bench-{}-{areas}.yaml", shape.name()), &text);
        }
        let python = python(&text, 3).map_or("-".to_string(), |d| format!("{d:.2?}"));
        let mib = |bytes: usize| bytes as f64 / (1024.0 * 1024.0);
        println!(
            "| {} | {areas} | {:.1} MiB | {yaml:.2?} | {validate:.2?} | {plan:.2?} | {check:.2?} | {:.0} MiB | {:.0} MiB ({:.0}) | {python} | {} | {} | {} | {runs} |",
            shape.name(),
            mib(text.len()),
            mib(s.iter().map(|x| x.peak).max().unwrap_or(0)),
            mib(s.iter().map(|x| x.table_peak).max().unwrap_or(0)),
            mib(10 * text.len()) + 20.0,
            ratio(s, 1, s, 0),
            ratio(s, 2, s, 1),
            base.map_or("-".to_string(), |b| ratio(s, 2, b, 2)),
        );
    }
}

const AUDITORS: usize = 500;

/// Each step's timings within one run (one process), of which the median is the run's.
const REPEATS: usize = 3;

/// One run at one size: the CPU time of each step (yaml, validate, plan, check) and the peak.
#[derive(Debug, Clone)]
struct Sample {
    steps: [Duration; 4],
    peak: usize,
    /// The most heap in use at once while the plan table is written, with the register's text.
    table_peak: usize,
}

impl Sample {
    /// Reads what [`child`] printed: six numbers, nanoseconds of each step, then bytes.
    fn read(out: &[u8]) -> Option<Sample> {
        let numbers: Vec<u64> =
            std::str::from_utf8(out).ok()?.split_whitespace().map(|n| n.parse().ok()).collect::<Option<_>>()?;
        let &[yaml, validate, plan, check, peak, table_peak] = numbers.as_slice() else {
            return None;
        };
        let steps = [yaml, validate, plan, check].map(Duration::from_nanos);
        Some(Sample { steps, peak: peak as usize, table_peak: table_peak as usize })
    }
}

/// One run at `areas` areas, in a process of its own: generates the register, takes each step
/// once to warm up (and for the peak of memory), then [`REPEATS`] times in turn, timed, and
/// prints each step's median.
fn child(areas: usize, shape: Shape) {
    let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap_or_default();
    let text = register(areas, AUDITORS, shape);
    // The plan table as the command line writes it: the register read, then each round written
    // as it is planned. The text counts too (the command line holds it while reading).
    PEAK.store(IN_USE.load(Ordering::Relaxed), Ordering::Relaxed);
    let before = IN_USE.load(Ordering::Relaxed);
    if let Ok(valid) = Valid::parse("bench.yaml", &text, today) {
        let outline = ismsaudit::plan::outline(&valid, 3);
        let _ = ismsaudit::render::table::write(&outline, false, &Default::default(), 100, &mut std::io::sink());
    }
    let table_peak = PEAK.load(Ordering::Relaxed).saturating_sub(before) + text.len();
    PEAK.store(IN_USE.load(Ordering::Relaxed), Ordering::Relaxed);
    let before = IN_USE.load(Ordering::Relaxed);
    let reg = match Valid::parse("bench.yaml", &text, today) {
        Ok(reg) => reg,
        Err(e) => {
            eprintln!("the generated register does not validate: {e}");
            std::process::exit(1);
        }
    };
    std::hint::black_box((plan(&reg), check(&reg)));
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(before);
    let options = ismsaudit::register::parser_options;
    let mut samples: [Vec<Duration>; 4] = Default::default();
    for _ in 0..REPEATS {
        samples[0].push(time(|| {
            serde_saphyr::from_str_with_options::<serde::de::IgnoredAny>(&text, options(text.len())).is_ok()
        }));
        samples[1].push(time(|| Valid::parse("bench.yaml", &text, today).is_ok()));
        samples[2].push(time(|| plan(&reg)));
        samples[3].push(time(|| check(&reg)));
    }
    let nanos = samples.map(|s| median(s).as_nanos());
    println!("{} {} {} {} {peak} {table_peak}", nanos[0], nanos[1], nanos[2], nanos[3]);
}

/// Plans 3 cycles and writes the plan as JSON, as the command line does: streamed out, not held.
fn plan(valid: &Valid) -> bool {
    ismsaudit::render::json::write(&ismsaudit::plan::plan(valid, 3), &mut std::io::sink()).is_ok()
}

/// Every finding.
fn check(valid: &Valid) -> usize {
    ismsaudit::findings::check(valid).len()
}
