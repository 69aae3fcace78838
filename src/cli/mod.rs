//! The I/O edge: reads files, calls the library, writes outputs, and maps results to exit codes
//! (0 ok, 1 check found errors, 2 bad input or usage). What was typed is in `args.rs`; files,
//! read and written safely, in `files.rs` and `dir.rs`.

use std::fs;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use chrono::NaiveDate;
use clap::{CommandFactory, FromArgMatches};

use ismsaudit::diagnostic::{Diagnostic, InputError};
use ismsaudit::findings;
use ismsaudit::register::{self, Register};
use ismsaudit::text::{inert_lines, name, visible, write_wrapped};
use ismsaudit::{audit_plan, book, plan, render, soa, starter};

mod args;
mod dir;
mod files;
mod man;

use args::*;
use dir::FileId;
use files::{Replace, load, shown, write_all_or_none, write_file};

/// What every command has to hand: standard output, colour, the size limit of a register, and
/// the system's day (for a missing `--today`).
struct Ctx<'o> {
    out: &'o mut dyn Write,
    colour: Colour,
    max_bytes: u64,
    system_today: NaiveDate,
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
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut ctx = Ctx { out: &mut out, colour, max_bytes: cli.command.max_bytes(), system_today };
    match execute(cli.command, &mut ctx) {
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

fn execute(command: Command, ctx: &mut Ctx<'_>) -> anyhow::Result<ExitCode> {
    match command {
        Command::Plan(args) => plan_command(args, ctx)?,
        Command::Calendar(args) => calendar_command(args, ctx)?,
        Command::AuditPlan(args) => audit_plan_command(args, ctx)?,
        Command::Soa(args) => soa_command(args, ctx)?,
        Command::Agenda(args) => return agenda_command(args, ctx),
        Command::Check(args) => return check_command(args, ctx),
        Command::Validate(args) => {
            // Everything `plan` and `check` need is validated here, nothing planned.
            let today = args.today.unwrap_or(ctx.system_today);
            let (valid, _) = load(&args.register, ctx.max_bytes, today)?;
            let file = args.register.display().to_string();
            let summary = render::summary::validate(&name(&file), valid.register(), today);
            write_wrapped(ctx.out, &summary, terminal_width(), 2)?;
        }
        Command::Explain { code } => {
            let width = terminal_width();
            match code {
                None => render::check::code_list(width, ctx.out)?,
                Some(code) => render::check::explain(code, width, ctx.out)?,
            }
        }
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "ismsaudit", &mut ctx.out);
        }
        Command::Man { dir: None } => man::main_page(ctx.out)?,
        Command::Man { dir: Some(dir) } => {
            let name = shown(&dir);
            fs::create_dir_all(&dir).with_context(|| format!("cannot create {name}"))?;
            let pages = man::pages(&dir)?;
            for folder in pages.iter().filter_map(|(path, _)| path.parent()) {
                fs::create_dir_all(folder).with_context(|| format!("cannot create {}", shown(folder)))?;
            }
            write_all_or_none(pages, Replace::Link)?;
            writeln!(
                ctx.out,
                "wrote the manual pages into {name}: ismsaudit.1 and one for each command, and ismsaudit-register.5 (the register's format; in man5 beside a man1 folder)"
            )?;
        }
        Command::Schema => render::json::to_writer(ctx.out, &register::schema::schema())?,
        Command::Init(args) => return init_command(args, ctx),
        Command::Book(args) => return book_command(args, ctx),
    }
    ctx.out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn plan_command(args: PlanArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<()> {
    let PlanArgs { register, today, cycles, format, detail, round, from, to, output, force, limits: _ } = args;
    let view = plan::View { round, from, to };
    if !view.whole() && !matches!(format, PlanFormat::Table | PlanFormat::Csv) {
        anyhow::bail!(
            "--round, --from and --to select part of the table or the CSV; the JSON, the workbook and the programme document are always whole"
        );
    }
    if let (Some(from), Some(to)) = (from, to)
        && from > to
    {
        anyhow::bail!("--from {from} is after --to {to}");
    }
    if matches!(format, PlanFormat::Xlsx) && output.is_none() && io::stdout().is_terminal() {
        anyhow::bail!("a workbook is not for a terminal: give --output FILE.xlsx, or redirect the output");
    }
    let (valid, read) = load(&register, ctx.max_bytes, today.unwrap_or(ctx.system_today))?;
    let width = if output.is_some() { 80 } else { terminal_width() };
    // Days asked for beyond the cycles asked for: the cycles that reach them.
    let shown_to = plan::outline(&valid, cycles).cycles.last().map(|c| c.expiry);
    let cycles = match (view.to, shown_to) {
        (Some(to), Some(end)) if to > end => cycles.max(plan::cycles_reaching(valid.today(), to)),
        _ => cycles,
    };
    // The table is written round by round as the rounds are planned; the other formats read the
    // whole plan, as does a round asked for by name (which must be found before anything is written).
    let plan = match format {
        PlanFormat::Table if view.round.is_none() => plan::outline(&valid, cycles),
        _ => plan::plan(&valid, cycles),
    };
    let view = match view.named_as_in(&plan) {
        Ok(view) => view,
        Err(rounds) => {
            let asked = name(view.round.as_deref().unwrap_or_default()).into_owned();
            if rounds.is_empty() {
                anyhow::bail!("the plan has no round `{asked}`: {}", plan.why_no_rounds());
            }
            anyhow::bail!(
                "the plan has no round `{asked}`; its rounds are {} (--cycles shows more cycles)",
                rounds.join(", ")
            );
        }
    };
    let write = |out: &mut dyn Write| match format {
        PlanFormat::Table => render::table::write(&plan, detail, &view, width, out),
        PlanFormat::Json => render::json::write(&plan, out),
        PlanFormat::Markdown => render::markdown::write(&plan, out),
        PlanFormat::Html => render::markdown::html(&plan, out),
        PlanFormat::Csv => render::csv::write(&plan, &view, out),
        PlanFormat::Xlsx => render::xlsx::write(&plan, out),
    };
    match output {
        Some(path) => write_file(&path, Replace::Through { force }, &[read], write)?,
        None if ctx.colour.out && matches!(format, PlanFormat::Table) => painted(ctx.out, write)?,
        None => write(ctx.out)?,
    }
    Ok(())
}

fn audit_plan_command(args: AuditPlanArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<()> {
    let AuditPlanArgs { register, area, round, today, format, output, force, limits: _ } = args;
    let today = today.unwrap_or(ctx.system_today);
    let (valid, read) = load(&register, ctx.max_bytes, today)?;
    let reg = valid.register();
    let found = audit_plan::area(reg, &area).map_err(|e| anyhow::anyhow!("{}", visible(&e.to_string())))?;
    // Two cycles: an area audited once a cycle may have its next audit in the next one. Planned
    // a round at a time, only the area's audits kept.
    let plan = plan::outline(&valid, 2);
    let audit = audit_plan::audit_plan(&plan, found, round.as_deref())
        .map_err(|e| anyhow::anyhow!("{}", visible(&e.to_string())))?;
    let write = |out: &mut dyn Write| match format {
        AuditPlanFormat::Markdown => render::audit_plan::markdown(&audit, &reg.organisation, today, out),
        AuditPlanFormat::Json => render::audit_plan::json(&audit, out),
    };
    match output {
        Some(path) => write_file(&path, Replace::Through { force }, &[read], write)?,
        None => write(ctx.out)?,
    }
    Ok(())
}

fn soa_command(args: SoaArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<()> {
    let SoaArgs { register, today, format, output, force, limits: _ } = args;
    let today = today.unwrap_or(ctx.system_today);
    let (valid, read) = load(&register, ctx.max_bytes, today)?;
    let reg = valid.register();
    // Two cycles: a control whose areas are audited once a cycle may be next audited in the next.
    // Planned one round at a time, as the statement is made.
    let plan = plan::outline(&valid, 2);
    let lines = soa::statement(&plan);
    let write = |out: &mut dyn Write| match format {
        SoaFormat::Markdown => render::soa::markdown(&lines, &reg.organisation, today, out),
        SoaFormat::Csv => render::soa::csv(&lines, out),
        SoaFormat::Json => render::soa::json(&lines, today, out),
    };
    match output {
        Some(path) => write_file(&path, Replace::Through { force }, &[read], write)?,
        None => write(ctx.out)?,
    }
    Ok(())
}

fn calendar_command(args: CalendarArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<()> {
    let CalendarArgs {
        register,
        year,
        from,
        to,
        today,
        format,
        auditor,
        person,
        paper,
        previous,
        remind,
        output,
        force,
        limits: _,
    } = args;
    if (previous.is_some() || !remind.is_empty()) && !matches!(format, CalendarFormat::Ics) {
        anyhow::bail!("--previous and --remind are for the iCalendar file: add --format ics");
    }
    if paper.is_some() && !matches!(format, CalendarFormat::Html) {
        anyhow::bail!("--paper is for the page to print: add --format html");
    }
    let paper = match paper {
        Some(PaperArg::Letter) => render::html::Paper::Letter,
        Some(PaperArg::A4) | None => render::html::Paper::A4,
    };
    let today = today.unwrap_or(ctx.system_today);
    let (valid, read) = load(&register, ctx.max_bytes, today)?;
    let reg = valid.register();
    let who = match (auditor, person) {
        (Some(id), _) => Some(render::calendar::Who::Auditor(known_auditor(reg, &id)?)),
        (None, Some(id)) => Some(render::calendar::Who::Person(known_person(reg, &id)?)),
        (None, None) => None,
    };
    let period = match (from, to) {
        (Some(from), Some(to)) if to < from => anyhow::bail!("--to {to} is before --from {from}"),
        (Some(from), Some(to)) => render::calendar::Period { from, to, who },
        _ => render::calendar::Period::year(year.unwrap_or(chrono::Datelike::year(&today)), who)
            .context("a year from 1971 to 2199")?,
    };
    // A calendar file's UIDs are the register's own (two registers never share one).
    let id = match (format, reg.id.as_deref()) {
        (CalendarFormat::Ics, None) => return Err(needs_id(reg, &register, ctx.max_bytes).into()),
        (_, id) => id.unwrap_or_default(),
    };
    let earlier = match &previous {
        Some(path) => Some(read_previous(path, ctx.max_bytes)?),
        None => None,
    };
    // Planned one round at a time as the calendar is written.
    let plan = plan::outline_over(&valid, period.from, period.to);
    let entries = render::calendar::Entries::new(&plan, &period);
    // What the earlier file holds is judged against a plan that reaches as far as it does, both
    // ways: an event it holds from a cycle before today's is still in the plan.
    let starts = || earlier.iter().flat_map(|p| p.events.values().filter_map(|e| e.start));
    let (earliest, latest) = (starts().min(), starts().max());
    let reach = plan::outline_over(
        &valid,
        earliest.map_or(period.from, |e| e.min(period.from)),
        latest.map_or(period.to, |l| l.max(period.to)),
    );
    let horizon = reach.cycles.last().map(|c| c.expiry);
    let everywhen = render::calendar::Period { from: NaiveDate::MIN, to: NaiveDate::MAX, who: period.who.clone() };
    let whole = render::calendar::Entries::new(&reach, &everywhen);
    let options = render::ics::Options { previous: earlier.as_ref(), whole: Some(&whole), horizon, reminders: &remind };
    let grid_colour = output.is_none() && ctx.colour.out;
    let write = |out: &mut dyn Write| match format {
        CalendarFormat::Text => render::calendar::text(reg, &period, &entries, grid_colour, out),
        CalendarFormat::Html => render::html::write(reg, &period, &entries, today, paper, out),
        CalendarFormat::Ics => render::ics::write(reg, id, today, &entries, &options, out),
    };
    match output {
        Some(path) => write_file(&path, Replace::Through { force }, &[read], write)?,
        None => write(ctx.out)?,
    }
    Ok(())
}

/// The calendar file exported last time, read whole before anything is written (it may be the
/// file `--output` replaces).
fn read_previous(path: &Path, max_bytes: u64) -> Result<render::ics::Previous, InputError> {
    let file = shown(path);
    let (bytes, _) =
        files::read(path, max_bytes, files::Input::EarlierCalendar).map_err(|d| InputError::one(&file, d))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let d = Diagnostic::new(None, format!("is not UTF-8 text (byte {})", e.utf8_error().valid_up_to()))
            .hint("give the .ics file ismsaudit wrote last time");
        InputError::one(&file, d)
    })?;
    render::ics::parse_previous(&text).map_err(|(line, message)| {
        let d = Diagnostic::new(ismsaudit::diagnostic::Loc::new(line as u64, 1), message)
            .hint("give the .ics file ismsaudit wrote last time");
        InputError::one(&file, d)
    })
}

fn agenda_command(args: AgendaArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<ExitCode> {
    let AgendaArgs { registers, days, today, format, output, force, limits: _ } = args;
    let today = today.unwrap_or(ctx.system_today);
    let width = if output.is_some() { 80 } else { terminal_width() };
    let (colour, max_bytes) = (ctx.colour, ctx.max_bytes);
    // One register at a time: read, planned, written, dropped. Says whether one could not be
    // read.
    let write = |sink: &mut dyn Write| -> io::Result<bool> {
        let mut json = match format {
            AgendaFormat::Json => Some(render::agenda::Json::start(today, days, sink)?),
            AgendaFormat::Markdown => {
                writeln!(sink, "# Audit agenda on {today}")?;
                None
            }
            AgendaFormat::Text => None,
        };
        let (mut unread, mut written) = (false, false);
        for register in &registers {
            // A register that cannot be read is reported; the others are still shown.
            let valid = match load(register, max_bytes, today) {
                Ok((valid, _)) => valid,
                Err(e) => {
                    unread = true;
                    colour.eprintln(&e.to_string());
                    continue;
                }
            };
            // The cycles the days reach: the agenda shows what the calendar shows for them. Their
            // rounds are planned one at a time, each dropped once its items are listed.
            let until = today.checked_add_days(chrono::Days::new(days)).unwrap_or(today);
            let agenda = render::agenda::agenda(&plan::outline(&valid, plan::cycles_reaching(today, until)), days);
            match &mut json {
                Some(json) => json.items(&agenda, sink)?,
                None if matches!(format, AgendaFormat::Markdown) => {
                    render::agenda::markdown(&agenda, days, today, sink)?;
                }
                None => {
                    if written {
                        writeln!(sink)?;
                    }
                    // Several registers: each under a line naming it.
                    render::agenda::text(&agenda, registers.len() > 1, days, today, width, sink)?;
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
            let mut painted = render::colour::Painted::new(&mut *ctx.out);
            write(&mut painted)?
        }
        None => write(ctx.out)?,
    };
    ctx.out.flush()?;
    Ok(if unread { ExitCode::from(2) } else { ExitCode::SUCCESS })
}

fn check_command(args: CheckArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<ExitCode> {
    let CheckArgs { register, today, format, strict, limits: _ } = args;
    let today = today.unwrap_or(ctx.system_today);
    let valid = match load(&register, ctx.max_bytes, today) {
        Ok((valid, _)) => valid,
        // In a GitHub job a bad register is an annotation too (on stderr: stdout stays empty).
        Err(e) if matches!(format, CheckFormat::Github) => {
            render::check::github_input_error(&e, &mut io::stderr())?;
            return Ok(ExitCode::from(2));
        }
        // A job that keeps the report keeps why there are no findings; the errors go to stderr
        // as well, for the log. The verdict stands even when the reader hung up.
        Err(e) if !matches!(format, CheckFormat::Text) => {
            let entries = render::report::input_entries(&e);
            let out = &mut *ctx.out;
            let _ = match format {
                CheckFormat::Sarif => render::report::sarif(&e.file, &entries, out),
                CheckFormat::Gitlab => render::report::gitlab(&e.file, &entries, out),
                CheckFormat::Markdown => render::report::markdown(&e.file, today, &entries, out),
                _ => render::check::json_input_error(&e, today, out),
            }
            .and_then(|()| out.flush());
            ctx.colour.eprintln(&e.to_string());
            return Ok(ExitCode::from(2));
        }
        Err(e) => return Err(e.into()),
    };
    let reg = valid.register();
    let found = findings::check(&valid);
    // Accepted deviations never fail the gate, not even with --strict.
    let counts = found.counts();
    let failing = counts.errors > 0 || (strict && counts.warnings > 0);
    let code = if failing { ExitCode::from(1) } else { ExitCode::SUCCESS };
    let out = &mut *ctx.out;
    let written = match format {
        CheckFormat::Text if ctx.colour.out => {
            painted(out, |o| render::check::text(&reg.file, &reg.accepted, &found, terminal_width(), o))
        }
        CheckFormat::Text => render::check::text(&reg.file, &reg.accepted, &found, terminal_width(), out),
        CheckFormat::Json => render::check::json(&reg.file, today, &reg.accepted, &found, out),
        CheckFormat::Github => render::check::github(&reg.file, &reg.accepted, &found, out),
        CheckFormat::Sarif => render::report::sarif(&reg.file, &render::report::entries(&reg.accepted, &found), out),
        CheckFormat::Gitlab => render::report::gitlab(&reg.file, &render::report::entries(&reg.accepted, &found), out),
        CheckFormat::Markdown => {
            render::report::markdown(&reg.file, today, &render::report::entries(&reg.accepted, &found), out)
        }
    }
    .and_then(|()| out.flush());
    // The verdict stands even when the reader hung up (`check | head` in a pipeline).
    match written {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(code),
    }
}

fn init_command(args: InitArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<ExitCode> {
    let InitArgs { path, force, today, id, certified: _, decision } = args;
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
    let today = today.unwrap_or(ctx.system_today);
    if let Some(d) = decision.filter(|d| *d > today) {
        let hint = "give the initial certification decision already taken; before it, run `ismsaudit init` without --certified";
        return Err(InputError::one(
            &name,
            Diagnostic::new(None, format!("--decision {d} is after --today {today}")).hint(hint),
        )
        .into());
    }
    let text = starter::starter(today, &id, decision);
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
    // The register is written: that is the command's work, done. A message that cannot be shown
    // (standard output closed or full) does not undo it.
    let _ = write_wrapped(ctx.out, &said, terminal_width(), 2).and_then(|()| ctx.out.flush());
    Ok(ExitCode::SUCCESS)
}

/// `book`: the planned audits (with an auditor) and review of a round, or of every round with
/// something planned from today to `--until`, added to the register as booked, in place and
/// whole or not at all.
fn book_command(args: BookArgs, ctx: &mut Ctx<'_>) -> anyhow::Result<ExitCode> {
    let BookArgs { register: path, round, until, today, limits: _ } = args;
    let today = today.unwrap_or(ctx.system_today);
    let name = path.display().to_string();
    let read = || files::read(&path, ctx.max_bytes, files::Input::Register).map_err(|d| InputError::one(&name, d));
    // The text is not held while the rounds are planned: it is read again to be written into,
    // and must be what was planned from.
    let (valid, planned_from) = {
        let (bytes, _) = read()?;
        let text = register::decode(&name, &bytes)?;
        (ismsaudit::valid::Valid::parse(&name, text, today)?, ismsaudit::text::fingerprint(&bytes))
    };
    let cycles = until.map_or(plan::MAX_CYCLES, |u| plan::cycles_reaching(today, u));
    // Planned a round at a time, only what is booked kept; the register read is dropped before
    // the one written is read back.
    let book::Selection { audits, reviews, without_auditor } =
        book::selection(&plan::outline(&valid, cycles), round.as_deref(), until)
            .map_err(|d| InputError::one(&name, d))?;
    drop(valid);
    let shown_path = shown(&path);
    if audits.is_empty() && reviews.is_empty() {
        writeln!(
            ctx.out,
            "nothing to book in {shown_path}: no planned audit with an auditor, nor review, in what was asked"
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let (bytes, _) = read()?;
    if ismsaudit::text::fingerprint(&bytes) != planned_from {
        anyhow::bail!(
            "cannot book into {shown_path}: it changed while its rounds were planned; run `ismsaudit book` again"
        );
    }
    let text = register::decode(&name, &bytes)?;
    let booked = book::book(text, &audits, &reviews).map_err(|d| InputError::one(&name, d))?;
    // What is written reads back as a register.
    register::parse(&name, &booked)?;
    // `book` edits the register in place, and has no `--force`: a read-only register stays so.
    if std::fs::metadata(&path).is_ok_and(|m| m.permissions().readonly()) {
        anyhow::bail!("cannot book into {shown_path}: it is read-only; make it writable first");
    }
    write_file(&path, Replace::Through { force: false }, &[], |out| out.write_all(booked.as_bytes()))?;
    writeln!(ctx.out, "booked in {shown_path}:")?;
    for b in &audits {
        let days = b.end.map_or_else(|| b.date.to_string(), |e| format!("{} to {e}", b.date));
        writeln!(ctx.out, "  {days}  internal audit of {} by {}", b.area, b.auditor)?;
    }
    for d in &reviews {
        writeln!(ctx.out, "  {d}  management review")?;
    }
    for (date, area) in &without_auditor {
        writeln!(ctx.out, "  not booked, no auditor: {date} {area}")?;
    }
    ctx.out.flush()?;
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
/// A person the register names anywhere (people, auditors, owners, teams, the programme's
/// owner and report recipients), as the register spells them first.
fn known_person(reg: &register::Register, id: &str) -> anyhow::Result<String> {
    let named = (reg.people.iter().map(|p| p.id.as_str()))
        .chain(reg.auditors.iter().map(|a| a.id.as_str()))
        .chain(
            reg.scope.iter().flat_map(|a| std::iter::once(a.owner.as_str()).chain(a.team.iter().map(|t| t.as_str()))),
        )
        .chain(reg.programme_owner.as_deref())
        .chain(reg.reports_to.iter().map(String::as_str));
    let mut ids: Vec<&str> = Vec::new();
    for p in named {
        if register::same_id(p, id) {
            return Ok(p.to_string());
        }
        if !ids.iter().any(|i| register::same_id(i, p)) {
            ids.push(p);
        }
    }
    ids.truncate(20);
    anyhow::bail!("--person `{}` is not named in the register ({})", name(id), ids.join(", "))
}

fn known_auditor(reg: &register::Register, id: &str) -> anyhow::Result<String> {
    match reg.auditors.iter().find(|a| register::same_id(&a.id, id)) {
        Some(a) => Ok(a.id.clone()),
        None => {
            let ids: Vec<&str> = reg.auditors.iter().map(|a| a.id.as_str()).take(20).collect();
            anyhow::bail!("--auditor `{}` is not in the register's auditors ({})", name(id), ids.join(", "))
        }
    }
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
    let bytes = files::read(path, max_bytes, files::Input::Register).map(|(bytes, _)| bytes).unwrap_or_default();
    let id = register::suggested_id(&reg.file, &bytes);
    InputError::one(
        &reg.file,
        Diagnostic::new(None, "a calendar file needs the register's `id`, from which its events' UIDs are made (two registers must never share them)")
            .hint(format!("add `id: {id}` at the top of the register (made for it), or another name no other register uses")),
    )
}
