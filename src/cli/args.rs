//! The command line as typed: commands, options and their values, parsed by clap. What a
//! command does with them is in `mod.rs`.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};

use ismsaudit::text::{shortened, visible};
use ismsaudit::{findings, plan, register, render};

const AFTER_HELP: &str = "Exit codes: 0 success, 1 `check` found errors, 2 bad input or usage.
`ismsaudit init` writes a starter register whose comments explain each key; `ismsaudit explain`
says what each check code means and what to do; `ismsaudit man` writes the manual page.";

#[derive(Parser)]
#[command(name = "ismsaudit", version, about = "Plan ISO/IEC 27001 certification cycles and internal-audit programmes from an ISMS register", after_help = AFTER_HELP)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Colour: `auto` on a terminal unless NO_COLOR is set
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand)]
pub enum Command {
    /// Lay out the certification cycle and the internal-audit programme
    Plan(PlanArgs),
    /// A year (or any period) of audits as month grids and an agenda, or as an iCalendar file
    Calendar(CalendarArgs),
    /// The plan for one internal audit, for its auditor and auditees: objectives, scope,
    /// criteria, date, place, auditor, auditees, method, earlier findings, reporting
    AuditPlan(AuditPlanArgs),
    /// The Statement of Applicability: the 93 Annex A controls, applicable or excluded (with
    /// the reason), the areas that carry each, when each was last audited and is next planned
    Soa(SoaArgs),
    /// What is overdue today and due in the next days, for one register or several
    Agenda(AgendaArgs),
    /// Check the register, its record and the plan against the rules; exit 1 on errors (a CI gate)
    Check(CheckArgs),
    /// Parse and check the register only, and summarise it
    Validate(ValidateArgs),
    /// What a check code means, why, and what to do; every code when none is given
    Explain {
        /// A check code, e.g. overdue-audit
        #[arg(value_parser = CodeParser, hide_possible_values = true)]
        code: Option<findings::Code>,
    },
    /// Write the register's JSON Schema, for editors
    ///
    /// For example: `ismsaudit schema > isms.schema.json` beside the register, whose first line
    /// `# yaml-language-server: $schema=isms.schema.json` (written by `ismsaudit init`) gives
    /// completion, descriptions and inline errors in VS Code (with the YAML extension) and any
    /// editor that runs yaml-language-server.
    Schema,
    /// Write the completion script for a shell
    ///
    /// For example, bash: `mkdir -p ~/.local/share/bash-completion/completions && ismsaudit
    /// completions bash > ~/.local/share/bash-completion/completions/ismsaudit`; zsh: `mkdir -p
    /// ~/.zfunc && ismsaudit completions zsh > ~/.zfunc/_ismsaudit` with `~/.zfunc` in `fpath`;
    /// fish: `mkdir -p ~/.config/fish/completions && ismsaudit completions fish >
    /// ~/.config/fish/completions/ismsaudit.fish`.
    Completions { shell: clap_complete::Shell },
    /// Write the manual pages (roff)
    ///
    /// Without `--dir`, the main page on standard output. With it, a page for ismsaudit and one
    /// for each command (`man ismsaudit-plan`), e.g. `ismsaudit man --dir ~/.local/share/man/man1`,
    /// then `man ismsaudit` (with `~/.local/share/man` in `MANPATH` if `man` does not look there).
    Man {
        /// Write every page into this folder (created if missing)
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Write a starter register
    Init(InitArgs),
    /// Book a round: write its planned audits and review into the register as booked
    ///
    /// Only the lines added change: comments, order and layout of every other line stay as they
    /// are. From then on the dates are commitments that `plan` keeps and `check` judges.
    /// Running it again adds nothing.
    Book(BookArgs),
}

#[derive(Args)]
pub struct BookArgs {
    /// The ISMS register, written in place
    #[arg(default_value = "isms.yaml")]
    pub register: PathBuf,
    /// The round to book, as the plan names it (for example C1.2)
    #[arg(long, value_name = "ROUND", required_unless_present = "until", conflicts_with = "until")]
    pub round: Option<String>,
    /// Book every round with something planned from --today up to this day, whole, YYYY-MM-DD
    #[arg(long, value_parser = parse_today, value_name = "DATE")]
    pub until: Option<NaiveDate>,
    /// The day the plan is made on, YYYY-MM-DD [default: the system date]
    #[arg(long, value_parser = parse_today)]
    pub today: Option<NaiveDate>,
    #[command(flatten)]
    pub limits: Limits,
}

#[derive(Args)]
pub struct PlanArgs {
    /// The ISMS register
    #[arg(default_value = "isms.yaml")]
    pub register: PathBuf,
    /// The day to plan from, YYYY-MM-DD [default: the system date]
    #[arg(long, value_parser = parse_today)]
    pub today: Option<NaiveDate>,
    /// How many certificate cycles to show
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=i64::from(plan::MAX_CYCLES)))]
    pub cycles: u32,
    /// Output format
    #[arg(long, value_enum, default_value_t = PlanFormat::Table)]
    pub format: PlanFormat,
    /// In the table, list what each round's audits cover (clauses and controls with titles)
    #[arg(long)]
    pub detail: bool,
    /// Only this round, as the plan names it (for example C1.2); table and CSV
    #[arg(long, value_name = "ROUND")]
    pub round: Option<String>,
    /// Only what falls on or after this day, YYYY-MM-DD; table and CSV
    #[arg(long, value_parser = parse_today, value_name = "DATE")]
    pub from: Option<NaiveDate>,
    /// Only what falls on or before this day, YYYY-MM-DD; table and CSV
    #[arg(long, value_parser = parse_today, value_name = "DATE")]
    pub to: Option<NaiveDate>,
    /// Write to FILE (whole or not at all) instead of standard output
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace the --output file even if it is read-only
    #[arg(long, requires = "output")]
    pub force: bool,
    #[command(flatten)]
    pub limits: Limits,
}

#[derive(Args)]
pub struct AuditPlanArgs {
    /// The ISMS register
    pub register: PathBuf,
    /// The area audited, by its id
    pub area: String,
    /// The round, as the plan names it (for example C1.2) [default: the area's next audit not yet held]
    #[arg(long)]
    pub round: Option<String>,
    /// The day to plan from, YYYY-MM-DD [default: the system date]
    #[arg(long, value_parser = parse_today)]
    pub today: Option<NaiveDate>,
    /// Output format
    #[arg(long, value_enum, default_value_t = AuditPlanFormat::Markdown)]
    pub format: AuditPlanFormat,
    /// Write to FILE (whole or not at all) instead of standard output
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace the --output file even if it is read-only
    #[arg(long, requires = "output")]
    pub force: bool,
    #[command(flatten)]
    pub limits: Limits,
}

#[derive(Args)]
pub struct SoaArgs {
    /// The ISMS register
    #[arg(default_value = "isms.yaml")]
    pub register: PathBuf,
    /// The day it is made on, YYYY-MM-DD [default: the system date]
    #[arg(long, value_parser = parse_today)]
    pub today: Option<NaiveDate>,
    /// Output format
    #[arg(long, value_enum, default_value_t = SoaFormat::Markdown)]
    pub format: SoaFormat,
    /// Write to FILE (whole or not at all) instead of standard output
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace the --output file even if it is read-only
    #[arg(long, requires = "output")]
    pub force: bool,
    #[command(flatten)]
    pub limits: Limits,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum SoaFormat {
    /// A document (GitHub-flavoured Markdown)
    #[value(alias = "md")]
    Markdown,
    /// One row per control, for a spreadsheet
    Csv,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum AuditPlanFormat {
    /// A document for the auditor and auditees (GitHub-flavoured Markdown)
    #[value(alias = "md")]
    Markdown,
    Json,
}

#[derive(Args)]
pub struct CalendarArgs {
    /// The ISMS register
    #[arg(default_value = "isms.yaml")]
    pub register: PathBuf,
    /// The calendar year to show [default: the year of --today]
    #[arg(long, conflicts_with_all = ["from", "to"], value_parser = clap::value_parser!(i32).range(1971..=2199))]
    pub year: Option<i32>,
    /// The first day to show, YYYY-MM-DD (with --to)
    #[arg(long, requires = "to", value_parser = parse_today)]
    pub from: Option<NaiveDate>,
    /// The last day to show, YYYY-MM-DD (with --from)
    #[arg(long, requires = "from", value_parser = parse_today)]
    pub to: Option<NaiveDate>,
    /// The day to plan from, YYYY-MM-DD [default: the system date]
    #[arg(long, value_parser = parse_today)]
    pub today: Option<NaiveDate>,
    /// Output format
    #[arg(long, value_enum, default_value_t = CalendarFormat::Text)]
    pub format: CalendarFormat,
    /// Only this auditor's audits: their own calendar
    #[arg(long, value_name = "ID", conflicts_with = "person")]
    pub auditor: Option<String>,
    /// Only what this person takes part in: the audits they hold, the audits of the areas they
    /// own or run, and, as programme owner or a recipient of the reports, the management
    /// reviews and the certification audits
    #[arg(long, value_name = "ID")]
    pub person: Option<String>,
    /// HTML: the paper the year is printed on, landscape [default: a4]
    #[arg(long, value_enum, value_name = "PAPER")]
    pub paper: Option<PaperArg>,
    /// iCalendar: the file exported last time; changed events get a higher SEQUENCE (a client
    /// takes the new copy) and events that left the plan are written as cancelled
    #[arg(long, value_name = "FILE")]
    pub previous: Option<PathBuf>,
    /// iCalendar: a reminder DAYS before the events of KIND (audit, review, external,
    /// certificate, or all), e.g. --remind audit=7; repeat for more
    #[arg(long, value_name = "KIND=DAYS", value_parser = parse_reminder)]
    pub remind: Vec<render::ics::Reminder>,
    /// Write to FILE (whole or not at all) instead of standard output
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace the --output file even if it is read-only
    #[arg(long, requires = "output")]
    pub force: bool,
    #[command(flatten)]
    pub limits: Limits,
}

#[derive(Args)]
pub struct AgendaArgs {
    /// The ISMS registers
    #[arg(default_value = "isms.yaml")]
    pub registers: Vec<PathBuf>,
    /// How many days ahead
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(0..=3660))]
    pub days: u64,
    /// The day to look from, YYYY-MM-DD [default: the system date]
    #[arg(long, value_parser = parse_today)]
    pub today: Option<NaiveDate>,
    /// Output format
    #[arg(long, value_enum, default_value_t = AgendaFormat::Text)]
    pub format: AgendaFormat,
    /// Write to FILE (whole or not at all) instead of standard output
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace the --output file even if it is read-only
    #[arg(long, requires = "output")]
    pub force: bool,
    #[command(flatten)]
    pub limits: Limits,
}

#[derive(Args)]
pub struct CheckArgs {
    /// The ISMS register
    #[arg(default_value = "isms.yaml")]
    pub register: PathBuf,
    /// The day to check on, YYYY-MM-DD [default: the system date]
    #[arg(long, value_parser = parse_today)]
    pub today: Option<NaiveDate>,
    /// Output format
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
    /// Fail (exit 1) on warnings too
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub limits: Limits,
}

#[derive(Args)]
pub struct ValidateArgs {
    /// The ISMS register
    #[arg(default_value = "isms.yaml")]
    pub register: PathBuf,
    /// The day the record is checked against (no `done` audit after it), YYYY-MM-DD [default: the system date]
    #[arg(long, value_parser = parse_today)]
    pub today: Option<NaiveDate>,
    #[command(flatten)]
    pub limits: Limits,
}

#[derive(Args)]
pub struct InitArgs {
    /// Where to write it
    #[arg(default_value = "isms.yaml")]
    pub path: PathBuf,
    /// Overwrite an existing file
    #[arg(long)]
    pub force: bool,
    /// Stage 1 is planned three months after this day (with --certified, the record is complete
    /// from it), YYYY-MM-DD [default: the system date]
    #[arg(long, value_parser = parse_today)]
    pub today: Option<NaiveDate>,
    /// The register's `id` [default: a new random UUID]
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,
    /// For an organisation already certified: a starter with the initial certification decision
    /// (with --decision) and the record taken as complete from --today
    #[arg(long, requires = "decision")]
    pub certified: bool,
    /// The initial certification decision, YYYY-MM-DD (with --certified)
    #[arg(long, value_parser = parse_today, requires = "certified", value_name = "DATE")]
    pub decision: Option<NaiveDate>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
    /// GitHub Actions workflow commands (annotations)
    Github,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers
    Sarif,
    /// GitLab Code Quality report, for merge requests
    Gitlab,
    /// A job summary: the verdict and a table of findings (GitHub-flavoured Markdown)
    #[value(alias = "md")]
    Markdown,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum AgendaFormat {
    Text,
    Json,
    /// A digest for mail or chat: a section per register
    #[value(alias = "md")]
    Markdown,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum CalendarFormat {
    /// Month grids, three to a row, then the agenda
    Text,
    /// One page to print (landscape, A4 or Letter), then the agenda
    Html,
    /// iCalendar (RFC 5545), to import into a calendar client
    Ics,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum PaperArg {
    /// ISO 216 A4 (297 x 210 mm), the paper of most of the world
    A4,
    /// US Letter (11 x 8.5 in)
    Letter,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum PlanFormat {
    Table,
    Json,
    /// The programme as a document (GitHub-flavoured Markdown)
    #[value(alias = "md")]
    Markdown,
    /// The programme as a document to print: one HTML page, A4
    Html,
    /// One row per event, for a spreadsheet
    Csv,
    /// A workbook: the programme (one row per event) and the coverage matrix, one sheet each
    Xlsx,
}

/// `explain`'s argument, a check code in any case: the codes are its possible values, so shells
/// complete them, and a misspelt one gets one line with the nearest code.
#[derive(Clone)]
struct CodeParser;

impl clap::builder::TypedValueParser for CodeParser {
    type Value = findings::Code;

    fn parse_ref(
        &self,
        _: &clap::Command,
        _: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<findings::Code, clap::Error> {
        let key = value.to_string_lossy().to_lowercase();
        findings::Code::from_key(&key).ok_or_else(|| {
            let keys = findings::Code::ALL.iter().map(|c| c.key());
            // The nearest by spelling, or the one code the word is part of (`overdue`).
            let near =
                keys.clone().min_by_key(|k| strsim::levenshtein(k, &key)).filter(|k| strsim::levenshtein(k, &key) <= 4);
            let within: Vec<&str> = keys.filter(|k| k.contains(&key)).collect();
            let hint = match (near, within.as_slice()) {
                (Some(k), _) | (None, &[k]) => format!("did you mean `{k}`? `ismsaudit explain` lists every code"),
                (None, some @ [_, _, ..]) if some.len() <= 3 => {
                    format!("did you mean `{}`? `ismsaudit explain` lists every code", some.join("` or `"))
                }
                _ => "`ismsaudit explain` lists every code".to_string(),
            };
            let shown = visible(&shortened(&value.to_string_lossy(), 60)).into_owned();
            clap::Error::raw(clap::error::ErrorKind::InvalidValue, format!("`{shown}` is not a check code; {hint}\n"))
        })
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(findings::Code::ALL.iter().map(|c| clap::builder::PossibleValue::new(c.key()))))
    }
}

/// `--color`'s value, read before the arguments are parsed, so that help and usage errors,
/// which the parser writes itself, follow it too.
pub fn colour_asked() -> clap::ColorChoice {
    // (`args_os`: an argument that is not UTF-8, a file name say, is no `--color` and no panic.)
    let args: Vec<String> =
        std::env::args_os().skip(1).filter_map(|a| a.into_string().ok()).take_while(|a| a != "--").collect();
    let value = args.iter().enumerate().rev().find_map(|(i, a)| match a.strip_prefix("--color=") {
        Some(v) => Some(v),
        None if a == "--color" => args.get(i + 1).map(String::as_str),
        None => None,
    });
    match value {
        Some("always") => clap::ColorChoice::Always,
        Some("never") => clap::ColorChoice::Never,
        _ => clap::ColorChoice::Auto,
    }
}

fn parse_today(text: &str) -> Result<NaiveDate, String> {
    register::parse_date(text)
}

/// `--remind KIND=DAYS`.
fn parse_reminder(s: &str) -> Result<render::ics::Reminder, String> {
    s.parse()
}

/// The options of every command that reads a register.
#[derive(Args)]
pub struct Limits {
    /// The largest register read, in MiB
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u64).range(1..=4096))]
    pub max_size: u64,
}

impl Command {
    /// The largest register the command reads, in bytes (the default where it reads none).
    pub fn max_bytes(&self) -> u64 {
        let mib = match self {
            Command::Plan(a) => a.limits.max_size,
            Command::Calendar(a) => a.limits.max_size,
            Command::AuditPlan(a) => a.limits.max_size,
            Command::Soa(a) => a.limits.max_size,
            Command::Agenda(a) => a.limits.max_size,
            Command::Check(a) => a.limits.max_size,
            Command::Validate(a) => a.limits.max_size,
            Command::Book(a) => a.limits.max_size,
            _ => 64,
        };
        mib * 1024 * 1024
    }
}
