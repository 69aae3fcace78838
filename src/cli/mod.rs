//! Command-line parsing and the I/O edge: read files, call the library, write outputs, map
//! results to exit codes (0 ok, 1 check found errors, 2 bad input or usage).

use std::fs;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use chrono::{Datelike, NaiveDate};
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use ismsaudit::diagnostic::{Diagnostic, InputError};
use ismsaudit::findings::{self, Severity};
use ismsaudit::register::{self, Register};
use ismsaudit::text::{count, inert_lines, name, shortened, visible, write_wrapped};

mod dir;
mod files;

use files::{FileId, Replace, load, shown, write_all_or_none, write_file};
use ismsaudit::{catalogue, plan, render, starter};

const AFTER_HELP: &str = "Exit codes: 0 success, 1 `check` found errors, 2 bad input or usage.
`ismsaudit init` writes a starter register whose comments explain each key; `ismsaudit explain`
says what each check code means and what to do; `ismsaudit man` writes the manual page.";

#[derive(Parser)]
#[command(name = "ismsaudit", version, about = "Plan ISO/IEC 27001 certification cycles and internal-audit programmes from an ISMS register", after_help = AFTER_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// The largest register read, in MiB
    #[arg(long, global = true, default_value_t = 64, value_parser = clap::value_parser!(u64).range(1..=4096))]
    max_size: u64,
    /// Colour: `auto` on a terminal unless NO_COLOR is set
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Whether ismsaudit colours its own words on each stream.
#[derive(Clone, Copy)]
struct Colour {
    out: bool,
    err: bool,
}

impl Colour {
    fn new(choice: ColorChoice) -> Self {
        // https://no-color.org: set and not empty.
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let on = |terminal: bool| match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => terminal && !no_color,
        };
        Colour { out: on(io::stdout().is_terminal()), err: on(io::stderr().is_terminal()) }
    }

    /// Writes `text` and a newline to stderr, coloured where colour is on.
    fn eprintln(self, text: &str) {
        if self.err {
            let painted: Vec<String> = text.lines().map(render::colour::paint).collect();
            eprintln!("{}", painted.join("\n"));
        } else {
            eprintln!("{text}");
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Lay out the certification cycle and the internal-audit programme
    Plan {
        /// The ISMS register
        #[arg(default_value = "isms.yaml")]
        register: PathBuf,
        /// The day to plan from, YYYY-MM-DD [default: the system date]
        #[arg(long, value_parser = parse_today)]
        today: Option<NaiveDate>,
        /// How many certificate cycles to show
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=i64::from(plan::MAX_CYCLES)))]
        cycles: u32,
        /// Output format
        #[arg(long, value_enum, default_value_t = PlanFormat::Table)]
        format: PlanFormat,
        /// In the table, list what each round's audits cover (clauses and controls with titles)
        #[arg(long)]
        detail: bool,
        /// Write to FILE (whole or not at all) instead of standard output
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Replace the --output file even if it is read-only
        #[arg(long, requires = "output")]
        force: bool,
    },
    /// A year (or any period) of audits as month grids and an agenda, or as an iCalendar file
    Calendar {
        /// The ISMS register
        #[arg(default_value = "isms.yaml")]
        register: PathBuf,
        /// The calendar year to show [default: the year of --today]
        #[arg(long, conflicts_with_all = ["from", "to"], value_parser = clap::value_parser!(i32).range(1971..=2199))]
        year: Option<i32>,
        /// The first day to show, YYYY-MM-DD (with --to)
        #[arg(long, requires = "to", value_parser = parse_today)]
        from: Option<NaiveDate>,
        /// The last day to show, YYYY-MM-DD (with --from)
        #[arg(long, requires = "from", value_parser = parse_today)]
        to: Option<NaiveDate>,
        /// The day to plan from, YYYY-MM-DD [default: the system date]
        #[arg(long, value_parser = parse_today)]
        today: Option<NaiveDate>,
        /// Output format
        #[arg(long, value_enum, default_value_t = CalendarFormat::Text)]
        format: CalendarFormat,
        /// Only this auditor's audits: their own calendar
        #[arg(long, value_name = "ID")]
        auditor: Option<String>,
        /// Write to FILE (whole or not at all) instead of standard output
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Replace the --output file even if it is read-only
        #[arg(long, requires = "output")]
        force: bool,
    },
    /// What is overdue today and due in the next days, for one register or several
    Agenda {
        /// The ISMS registers
        #[arg(default_value = "isms.yaml")]
        registers: Vec<PathBuf>,
        /// How many days ahead
        #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(0..=3660))]
        days: u64,
        /// The day to look from, YYYY-MM-DD [default: the system date]
        #[arg(long, value_parser = parse_today)]
        today: Option<NaiveDate>,
        /// Output format
        #[arg(long, value_enum, default_value_t = AgendaFormat::Text)]
        format: AgendaFormat,
        /// Write to FILE (whole or not at all) instead of standard output
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Replace the --output file even if it is read-only
        #[arg(long, requires = "output")]
        force: bool,
    },
    /// Check the register, its record and the plan against the rules; exit 1 on errors (a CI gate)
    Check {
        /// The ISMS register
        #[arg(default_value = "isms.yaml")]
        register: PathBuf,
        /// The day to check on, YYYY-MM-DD [default: the system date]
        #[arg(long, value_parser = parse_today)]
        today: Option<NaiveDate>,
        /// Output format
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
        /// Fail (exit 1) on warnings too
        #[arg(long)]
        strict: bool,
    },
    /// Parse and check the register only, and summarise it
    Validate {
        /// The ISMS register
        #[arg(default_value = "isms.yaml")]
        register: PathBuf,
        /// The day the record is checked against (no `done` audit after it), YYYY-MM-DD [default: the system date]
        #[arg(long, value_parser = parse_today)]
        today: Option<NaiveDate>,
    },
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
    Init {
        /// Where to write it
        #[arg(default_value = "isms.yaml")]
        path: PathBuf,
        /// Overwrite an existing file
        #[arg(long)]
        force: bool,
        /// Stage 1 is planned three months after this day, YYYY-MM-DD [default: the system date]
        #[arg(long, value_parser = parse_today)]
        today: Option<NaiveDate>,
        /// The register's `id` [default: a new random UUID]
        #[arg(long, value_name = "ID")]
        id: Option<String>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum CheckFormat {
    Text,
    Json,
    /// GitHub Actions workflow commands (annotations)
    Github,
}

#[derive(Clone, Copy, ValueEnum)]
enum AgendaFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum CalendarFormat {
    /// Month grids, three to a row, then the agenda
    Text,
    /// One page to print (landscape, A4 or Letter), then the agenda
    Html,
    /// iCalendar (RFC 5545), to import into a calendar client
    Ics,
}

#[derive(Clone, Copy, ValueEnum)]
enum PlanFormat {
    Table,
    Json,
    /// The programme as a document (GitHub-flavoured Markdown)
    Markdown,
    /// One row per event, for a spreadsheet
    Csv,
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
fn colour_asked() -> clap::ColorChoice {
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

/// Runs the command line; `system_today` is used where `--today` is not given.
pub fn run(system_today: NaiveDate) -> ExitCode {
    // Help fits the terminal, and 80 columns when piped.
    let parsed = Cli::command().term_width(terminal_width()).color(colour_asked()).try_get_matches();
    let cli = match parsed.and_then(|m| Cli::from_arg_matches(&m)) {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout with 0; usage errors to stderr with 2. The parser
            // echoes a bad argument as it is: one with a control character (a newline starting
            // a line of its own in a CI log), an invisible character or a CI log command (a
            // file name a pull request chose, given by a glob) is shown escaped, and a very
            // long one cut short.
            // The parser may quote such an argument in part, or changed, so what it wrote is
            // made inert line by line too (and then shown without colour).
            let unsafe_args: Vec<String> = std::env::args_os()
                .map(|a| a.to_string_lossy().into_owned())
                .filter(|a| name(a) != a.as_str())
                .collect();
            if unsafe_args.is_empty() {
                let _ = e.print();
            } else {
                // Whole, and the value of an `--option=value` (which the parser quotes alone).
                let parts = unsafe_args.iter().flat_map(|a| [Some(a.as_str()), a.split_once('=').map(|(_, v)| v)]);
                let text = parts.flatten().fold(e.to_string(), |t, a| t.replace(a, &name(a)));
                let text = inert_lines(&text);
                if e.use_stderr() {
                    eprint!("{text}");
                } else {
                    print!("{text}");
                }
            }
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let colour = Colour::new(cli.color);
    match execute(cli.command, cli.max_size * 1024 * 1024, system_today, colour) {
        Ok(code) => code,
        Err(e) => {
            if let Some(input) = e.downcast_ref::<InputError>() {
                colour.eprintln(&input.to_string());
                return ExitCode::from(2);
            }
            if let Some(io) = e.downcast_ref::<io::Error>()
                && io.kind() == io::ErrorKind::BrokenPipe
            {
                return ExitCode::SUCCESS;
            }
            colour.eprintln(&format!("error: {}", visible(&format!("{e:#}"))));
            ExitCode::from(2)
        }
    }
}

fn execute(command: Command, max_bytes: u64, system_today: NaiveDate, colour: Colour) -> anyhow::Result<ExitCode> {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());

    match command {
        Command::Plan { register, today, cycles, format, detail, output, force } => {
            let (reg, read) = load(&register, max_bytes)?;
            let width = if output.is_some() { 80 } else { terminal_width() };
            let plan = plan::plan(&reg, today.unwrap_or(system_today), cycles)?;
            let write = |out: &mut dyn Write| match format {
                PlanFormat::Table => render::table::write(&plan, detail, width, out),
                PlanFormat::Json => render::json::write(&plan, out),
                PlanFormat::Markdown => render::markdown::write(&plan, out),
                PlanFormat::Csv => render::csv::write(&plan, out),
            };
            match output {
                Some(path) => write_file(&path, Replace::Through { force }, &[read], write)?,
                None if colour.out && matches!(format, PlanFormat::Table) => painted(&mut out, write)?,
                None => write(&mut out)?,
            }
        }
        Command::Calendar { register, year, from, to, today, format, auditor, output, force } => {
            let (reg, read) = load(&register, max_bytes)?;
            let today = today.unwrap_or(system_today);
            let (from, to) = match (from, to, year) {
                (Some(from), Some(to), _) if to < from => {
                    anyhow::bail!("--to {to} is before --from {from}")
                }
                (Some(from), Some(to), _) => (from, to),
                (.., year) => {
                    let y = year.unwrap_or(today.year());
                    let day = |m, d| NaiveDate::from_ymd_opt(y, m, d).context("a year from 1971 to 2199");
                    (day(1, 1)?, day(12, 31)?)
                }
            };
            let auditor = match auditor {
                Some(id) => Some(known_auditor(&reg, &id)?),
                None => None,
            };
            // A calendar file's UIDs are the register's own (two registers never share one).
            let id = match (format, reg.id.as_deref()) {
                (CalendarFormat::Ics, None) => return Err(needs_id(&reg, &register, max_bytes).into()),
                (_, id) => id.unwrap_or_default(),
            };
            // Enough cycles from today's to reach the period's end (three years each), planned
            // one round at a time as the calendar is written.
            let cycles = u32::try_from((to.year() - today.year()).max(0) / 3 + 2).unwrap_or(plan::MAX_CYCLES);
            let plan = plan::outline(&reg, today, cycles.min(plan::MAX_CYCLES))?;
            let period = render::calendar::Period { from, to, auditor };
            let entries = render::calendar::Entries::new(&plan, &period);
            let grid_colour = output.is_none() && colour.out;
            let write = |out: &mut dyn Write| match format {
                CalendarFormat::Text => render::calendar::text(&reg, &period, &entries, grid_colour, out),
                CalendarFormat::Html => render::html::write(&reg, &period, &entries, out),
                CalendarFormat::Ics => render::ics::write(&reg, id, today, &entries, out),
            };
            match output {
                Some(path) => write_file(&path, Replace::Through { force }, &[read], write)?,
                None => write(&mut out)?,
            }
        }
        Command::Agenda { registers, days, today, format, output, force } => {
            let today = today.unwrap_or(system_today);
            let width = if output.is_some() { 80 } else { terminal_width() };
            // One register at a time: read, planned, written, dropped. Says whether one could
            // not be read.
            let write = |sink: &mut dyn Write| -> io::Result<bool> {
                let mut json = match format {
                    AgendaFormat::Json => Some(render::agenda::Json::start(today, days, sink)?),
                    AgendaFormat::Text => None,
                };
                let (mut unread, mut written) = (false, false);
                for register in &registers {
                    // A register that cannot be read is reported; the others are still shown.
                    let read = load(register, max_bytes).and_then(|(reg, _)| {
                        let plan = plan::plan(&reg, today, 1)?;
                        Ok((render::agenda::items(&plan, days), reg.organisation.clone()))
                    });
                    let (items, organisation) = match read {
                        Ok(found) => found,
                        Err(e) => {
                            unread = true;
                            colour.eprintln(&e.to_string());
                            continue;
                        }
                    };
                    match &mut json {
                        Some(json) => json.items(&items, sink)?,
                        None => {
                            if written {
                                writeln!(sink)?;
                            }
                            // Several registers: each under a line naming it.
                            let file = shown(register);
                            let title = (registers.len() > 1).then_some((organisation.as_str(), file.as_str()));
                            render::agenda::text(&items, title, days, today, width, sink)?;
                        }
                    }
                    written = true;
                }
                if let Some(json) = json {
                    json.end(sink)?;
                }
                sink.flush()?;
                Ok(unread)
            };
            let unread = match output {
                Some(path) => {
                    // Never over one of the registers read.
                    let ids: Vec<FileId> = registers.iter().filter_map(|r| files::identity(r)).collect();
                    let mut staged = files::stage(&path, Replace::Through { force }, &ids)?;
                    let unread = write(staged.writer()).with_context(|| format!("cannot write {}", shown(&path)))?;
                    staged.commit()?;
                    unread
                }
                None if colour.out && matches!(format, AgendaFormat::Text) => {
                    let mut painted = render::colour::Painted::new(&mut out);
                    write(&mut painted)?
                }
                None => write(&mut out)?,
            };
            out.flush()?;
            return Ok(if unread { ExitCode::from(2) } else { ExitCode::SUCCESS });
        }
        Command::Check { register, today, format, strict } => {
            let today = today.unwrap_or(system_today);
            let (reg, found) =
                match load(&register, max_bytes).and_then(|(reg, _)| Ok((findings::check(&reg, today)?, reg))) {
                    Ok((found, reg)) => (reg, found),
                    // In a GitHub job a bad register is an annotation too (on stderr: stdout stays empty).
                    Err(e) if matches!(format, CheckFormat::Github) => {
                        render::check::github_input_error(&e, &mut io::stderr())?;
                        return Ok(ExitCode::from(2));
                    }
                    // A job that keeps the JSON keeps why there are no findings; the errors go to
                    // stderr as well, for the log.
                    // The verdict stands even when the reader hung up.
                    Err(e) if matches!(format, CheckFormat::Json) => {
                        let _ = render::check::json_input_error(&e, today, &mut out).and_then(|()| out.flush());
                        colour.eprintln(&e.to_string());
                        return Ok(ExitCode::from(2));
                    }
                    Err(e) => return Err(e.into()),
                };
            // Accepted deviations never fail the gate, not even with --strict.
            let failing = found.iter().any(|f| f.counts() && (f.severity() == Severity::Error || strict));
            let code = if failing { ExitCode::from(1) } else { ExitCode::SUCCESS };
            let written = match format {
                CheckFormat::Text if colour.out => {
                    painted(&mut out, |o| render::check::text(&reg.file, &reg.accepted, &found, terminal_width(), o))
                }
                CheckFormat::Text => render::check::text(&reg.file, &reg.accepted, &found, terminal_width(), &mut out),
                CheckFormat::Json => render::check::json(&reg.file, today, &reg.accepted, &found, &mut out),
                CheckFormat::Github => render::check::github(&reg.file, &reg.accepted, &found, &mut out),
            }
            .and_then(|()| out.flush());
            // The verdict stands even when the reader hung up (`check | head` in a pipeline).
            return match written {
                Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(e.into()),
                _ => Ok(code),
            };
        }
        Command::Validate { register, today } => {
            let (reg, _) = load(&register, max_bytes)?;
            // What `plan` would reject is rejected here too: the record against the cycle's
            // dates and against the day.
            let today = today.unwrap_or(system_today);
            plan::plan(&reg, today, 1)?;
            write_wrapped(&mut out, &summary(&register, &reg, today), terminal_width(), 2)?;
        }
        Command::Explain { code } => {
            let width = terminal_width();
            match code {
                None => render::check::code_list(width, &mut out)?,
                Some(code) => render::check::explain(code, width, &mut out)?,
            }
        }
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "ismsaudit", &mut out);
        }
        Command::Man { dir: None } => clap_mangen::Man::new(Cli::command()).render(&mut out)?,
        Command::Man { dir: Some(dir) } => {
            let name = shown(&dir);
            fs::create_dir_all(&dir).with_context(|| format!("cannot create {name}"))?;
            write_all_or_none(manual_pages(&dir)?, Replace::Link)?;
            writeln!(out, "wrote the manual pages into {name}: ismsaudit.1 and one for each command")?;
        }
        Command::Schema => render::json::to_writer(&mut out, &register::schema::schema())?,
        Command::Init { path, force, today, id } => {
            let name = path.display().to_string();
            let exists =
                || InputError::one(&name, Diagnostic::new(None, "already exists").hint("pass --force to overwrite it"));
            // Whatever is there, a dangling symbolic link included, is left alone without --force.
            if !force && fs::symlink_metadata(&path).is_ok() {
                return Err(exists().into());
            }
            let id = match id {
                Some(id) => id,
                None => random_id().context("cannot draw a random `id` for the register; give one with --id")?,
            };
            let text = starter::starter(today.unwrap_or(system_today), &id);
            // Only a register that validates is written (a far-future --today could break it).
            register::parse(&name, &text)?;
            let replace = if force { Replace::Link } else { Replace::Nothing };
            match write_file(&path, replace, &[], |out| out.write_all(text.as_bytes())) {
                Err(e) if e.downcast_ref::<io::Error>().is_some_and(|e| e.kind() == io::ErrorKind::AlreadyExists) => {
                    return Err(exists().into());
                }
                written => written?,
            }
            let name = shown(&path);
            let said = format!(
                "wrote {name}: edit the organisation, scope, auditors and dates, then run `ismsaudit plan {name}`. For completion and inline errors in an editor: `ismsaudit schema > isms.schema.json` beside it."
            );
            // The register is written: that is the command's work, done. A message that cannot
            // be shown (standard output closed or full) does not undo it.
            let _ = write_wrapped(&mut out, &said, terminal_width(), 2).and_then(|()| out.flush());
            return Ok(ExitCode::SUCCESS);
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The columns text is wrapped to: the terminal's width when standard output is one (at least
/// 40); 80 otherwise, so piped output never depends on a window.
fn terminal_width() -> usize {
    match terminal_size::terminal_size_of(io::stdout()) {
        Some((terminal_size::Width(w), _)) => usize::from(w).max(40),
        None => 80,
    }
}

/// Writes what `write` produces through [`render::colour::Painted`].
fn painted(out: &mut dyn Write, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    let mut painted = render::colour::Painted::new(out);
    write(&mut painted)?;
    painted.flush()
}

/// The register's spelling of an auditor's id given on the command line (ids are compared
/// without case).
fn known_auditor(reg: &register::Register, id: &str) -> anyhow::Result<String> {
    match reg.auditors.iter().find(|a| a.id.to_lowercase() == id.to_lowercase()) {
        Some(a) => Ok(a.id.clone()),
        None => {
            let ids: Vec<&str> = reg.auditors.iter().map(|a| a.id.as_str()).take(20).collect();
            anyhow::bail!("--auditor `{}` is not in the register's auditors ({})", name(id), ids.join(", "))
        }
    }
}

/// The manual pages of ismsaudit and of each command (`ismsaudit-plan.1` ...), as
/// `clap_mangen::generate_to` names them, to be written into `dir`.
fn manual_pages(dir: &Path) -> io::Result<Vec<(PathBuf, Vec<u8>)>> {
    let mut cli = Cli::command().disable_help_subcommand(true);
    cli.build();
    let mut commands = vec![cli.clone()];
    commands.extend(cli.get_subcommands().filter(|c| !c.is_hide_set()).cloned());
    commands
        .into_iter()
        .map(|c| {
            let page = clap_mangen::Man::new(c);
            let mut bytes = Vec::new();
            page.render(&mut bytes)?;
            Ok((dir.join(page.get_filename()), bytes))
        })
        .collect()
}

/// A new register's `id`: a random UUID (version 4, RFC 9562), so that no two registers
/// started with `init` share one.
fn random_id() -> Result<String, getrandom::Error> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b)?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let x: String = b.iter().map(|byte| format!("{byte:02x}")).collect();
    Ok(format!("{}-{}-{}-{}-{}", &x[..8], &x[8..12], &x[12..16], &x[16..20], &x[20..]))
}

/// The error for a calendar file asked of a register without an `id`, with one to add, made
/// from its file.
fn needs_id(reg: &Register, path: &Path, max_bytes: u64) -> InputError {
    let bytes = files::read(path, max_bytes).map(|(bytes, _)| bytes).unwrap_or_default();
    let id = register::suggested_id(&reg.file, &bytes);
    InputError::one(
        &reg.file,
        Diagnostic::new(None, "a calendar file needs the register's `id`, from which its events' UIDs are made (two registers must never share them)")
            .hint(format!("add `id: {id}` at the top of the register (made for it), or another name no other register uses")),
    )
}

fn summary(path: &Path, reg: &Register, today: NaiveDate) -> String {
    let (controls, clauses) = (reg.carried_controls(today), reg.carried_clauses(today));
    // What `check` reports as clause-not-covered and control-not-covered: said here, so that
    // "ok" is not read as "the gate will pass".
    let (clause_gaps, control_gaps) = reg.coverage_gaps(today);
    let gaps = clause_gaps.len() + control_gaps.len();
    let mut line = format!(
        "{}: ok: {}, {}, {} of {} controls covered ({} excluded), {} of {} clauses covered",
        name(&path.display().to_string()),
        count(reg.scope.len(), "area"),
        count(reg.auditors.len(), "auditor"),
        controls.len(),
        catalogue::CONTROL_COUNT,
        reg.exclusions.len(),
        clauses.len(),
        catalogue::CLAUSE_COUNT
    );
    if gaps > 0 {
        line.push_str(&format!("; {}: run `ismsaudit check`", count(gaps, "coverage gap")));
    }
    line
}
