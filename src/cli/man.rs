//! The manual pages: one for ismsaudit and one for each command, as clap writes them from the
//! arguments, each followed by EXIT STATUS and EXAMPLES; and `ismsaudit-register(5)`, the
//! register's format, written from its JSON Schema (the descriptions editors show), so that the
//! page cannot fall behind the format.

use std::io;
use std::path::{Path, PathBuf};

use clap::CommandFactory;
use serde_json::Value;

use super::args::Cli;

/// Each command's examples: what it does, then the command line.
const EXAMPLES: &[(&str, &[(&str, &str)])] = &[
    (
        "ismsaudit",
        &[
            (
                "Write a starter register, check it, and see the plan.",
                "ismsaudit init && ismsaudit validate && ismsaudit plan",
            ),
            (
                "The CI gate: exit 1 on errors, annotations on the pull request.",
                "ismsaudit check isms.yaml --format github",
            ),
        ],
    ),
    (
        "plan",
        &[
            ("The plan as of a day, two cycles.", "ismsaudit plan isms.yaml --today 2026-11-28 --cycles 2"),
            ("One round, with what its audits cover.", "ismsaudit plan isms.yaml --round C1.2 --detail"),
            ("The programme as a document to print.", "ismsaudit plan isms.yaml --format html --output programme.html"),
            ("A quarter's events for a spreadsheet.", "ismsaudit plan --format csv --from 2027-01-01 --to 2027-03-31"),
        ],
    ),
    (
        "calendar",
        &[
            (
                "Next year on one page to print.",
                "ismsaudit calendar isms.yaml --year 2027 --format html --output 2027.html",
            ),
            (
                "A calendar file to import, with reminders, updating the one exported before.",
                "ismsaudit calendar --format ics --remind audit=7 --previous isms.ics --output isms.ics",
            ),
            ("One person's calendar.", "ismsaudit calendar --person carol --format ics --output carol.ics"),
        ],
    ),
    ("audit-plan", &[("The plan of the next audit of an area.", "ismsaudit audit-plan isms.yaml finance")]),
    ("soa", &[("The Statement of Applicability for a spreadsheet.", "ismsaudit soa --format csv --output soa.csv")]),
    (
        "agenda",
        &[("What is due in the next two weeks, for several registers.", "ismsaudit agenda clients/*.yaml --days 14")],
    ),
    (
        "check",
        &[
            ("Fail on warnings too.", "ismsaudit check --strict"),
            ("SARIF for code scanning.", "ismsaudit check --format sarif > ismsaudit.sarif"),
            ("A GitLab Code Quality report.", "ismsaudit check --format gitlab > gl-code-quality.json"),
        ],
    ),
    ("validate", &[("The register alone: its format, ids and dates.", "ismsaudit validate isms.yaml")]),
    ("book", &[("Book a round's planned audits in the register.", "ismsaudit book isms.yaml --round C1.2")]),
    ("explain", &[("What a check code means and what to do.", "ismsaudit explain overdue-audit")]),
    (
        "man",
        &[(
            "Install the pages where man finds them.",
            "ismsaudit man --dir ~/.local/share/man/man1 && man ismsaudit-register",
        )],
    ),
];

/// The register page's example: the smallest register that plans.
const REGISTER_EXAMPLE: &str = "organisation: Acme Ltd
certification: {stage1: 2027-03-15}
programme: {owner: dave, reports_to: [Management board]}
auditors: [{id: carol}]
scope:
  - {id: isms-core, owner: dave, risk: high, clauses: [\"9.2\", \"9.3\"]}
  - {id: hr, owner: erin, risk: medium, controls: [A.6.1, A.6.3]}";

const EXIT_STATUS: &[(&str, &str)] = &[
    ("0", "Success; for check: no errors (warnings fail only with --strict; notes never)."),
    ("1", "check found at least one error (or a warning, with --strict)."),
    (
        "2",
        "Bad input or usage: each problem with the register is one line on standard error, file:line:col: error: message; hint. Nothing is printed on standard output, except by agenda (the registers it could read) and by check in a report format (its report, with register-invalid findings).",
    ),
];

/// The manual pages of ismsaudit and of each command (`ismsaudit-plan.1` ...), as
/// `clap_mangen::generate_to` names them, to be written into `dir`, and `ismsaudit-register.5`,
/// into `dir` or, where `dir` is a `man1` folder, the `man5` folder beside it.
pub fn pages(dir: &Path) -> io::Result<Vec<(PathBuf, Vec<u8>)>> {
    let mut cli = for_man(Cli::command()).disable_help_subcommand(true);
    cli.build();
    let mut commands = vec![cli.clone()];
    commands.extend(cli.get_subcommands().filter(|c| !c.is_hide_set()).cloned());
    let mut pages: Vec<(PathBuf, Vec<u8>)> = (commands.into_iter())
        .map(|c| {
            let name = c.get_name().to_string();
            let page = clap_mangen::Man::new(c);
            let mut bytes = Vec::new();
            page.render(&mut bytes)?;
            bytes.extend(sections(&name).into_bytes());
            Ok((dir.join(page.get_filename()), bytes))
        })
        .collect::<io::Result<_>>()?;
    // Section 5 beside section 1 where the pages go into a `man1` folder, as man looks for them.
    let five = match dir.file_name() {
        Some(name) if name == "man1" => dir.with_file_name("man5"),
        _ => dir.to_path_buf(),
    };
    pages.push((five.join("ismsaudit-register.5"), register_page().into_bytes()));
    Ok(pages)
}

/// The main page, for standard output.
pub fn main_page(out: &mut dyn io::Write) -> io::Result<()> {
    clap_mangen::Man::new(for_man(Cli::command())).render(out)?;
    out.write_all(sections("ismsaudit").as_bytes())
}

/// The command as its pages show it: without the help's closing words, which EXIT STATUS
/// and SEE ALSO say in the page's own sections.
fn for_man(cli: clap::Command) -> clap::Command {
    cli.after_help(None::<&str>)
}

/// EXIT STATUS, EXAMPLES and SEE ALSO for the page of `command`.
fn sections(command: &str) -> String {
    let mut roff = String::from(".SH \"EXIT STATUS\"\n");
    for (code, meaning) in EXIT_STATUS {
        roff.push_str(&format!(".TP\n\\fB{code}\\fR\n{}\n", text(meaning)));
    }
    if let Some((_, examples)) = EXAMPLES.iter().find(|(c, _)| *c == command) {
        roff.push_str(".SH EXAMPLES\n");
        for (what, line) in *examples {
            roff.push_str(&format!(".PP\n{}\n.PP\n.RS 4\n.nf\n{}\n.fi\n.RE\n", text(what), text(line)));
        }
    }
    roff.push_str(".SH \"SEE ALSO\"\n\\fBismsaudit\\fR(1), \\fBismsaudit\\-register\\fR(5); the rules and their sources: docs/rules.md in the source.\n");
    roff
}

/// `ismsaudit-register(5)`: every key of the register with what it means, from the JSON Schema.
fn register_page() -> String {
    let schema = ismsaudit::register::schema::schema();
    let schema = serde_json::to_value(&schema).unwrap_or_default();
    let mut roff = format!(
        ".TH ISMSAUDIT-REGISTER 5 \"\" \"ismsaudit {}\"\n.SH NAME\nismsaudit\\-register \\- the ISMS register ismsaudit reads\n",
        env!("CARGO_PKG_VERSION")
    );
    roff.push_str(".SH DESCRIPTION\n");
    roff.push_str(&text("One YAML file, usually isms.yaml, kept in git: the organisation, its certification dates, its scope areas with the clauses and controls each carries, its auditors, and the record of audits, reviews and findings. Unknown keys are errors. `ismsaudit init` writes a starter register whose comments explain each key; `ismsaudit schema` writes the JSON Schema this page is made from, for editors."));
    roff.push('\n');
    roff.push_str(".SH KEYS\n");
    keys(&schema, &mut roff);
    if let Some(Value::Object(defs)) = schema.get("$defs") {
        for (name, def) in defs.iter().filter(|(_, d)| d.get("properties").is_some()) {
            roff.push_str(&format!(".SS {}\n", text(name)));
            if let Some(Value::String(d)) = def.get("description") {
                roff.push_str(&format!("{}\n", text(d)));
            }
            keys(def, &mut roff);
        }
    }
    roff.push_str(".SH EXAMPLES\n.PP\nThe smallest register that plans: Stage 1 booked, one auditor, two areas.\n.PP\n.RS 4\n.nf\n");
    roff.push_str(&text(REGISTER_EXAMPLE));
    roff.push_str("\n.fi\n.RE\n");
    roff.push_str(
        ".SH \"SEE ALSO\"\n\\fBismsaudit\\fR(1), \\fBismsaudit\\-validate\\fR(1), \\fBismsaudit\\-init\\fR(1)\n",
    );
    roff
}

/// A schema object's keys, each with its description, required ones marked.
fn keys(object: &Value, roff: &mut String) {
    let required: Vec<&str> = object
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if let Some(Value::Object(properties)) = object.get("properties") {
        for (key, p) in properties {
            let description = p.get("description").and_then(Value::as_str).unwrap_or("");
            let mark = if required.contains(&key.as_str()) { " (required)" } else { "" };
            roff.push_str(&format!(".TP\n\\fB{}\\fR{mark}\n{}\n", text(key), text(description)));
        }
    }
}

/// Text made safe for roff: backslashes escaped, hyphens as such, and no line starting with a
/// control character (`.` or `'`).
fn text(s: &str) -> String {
    let escaped = s.replace('\\', "\\e").replace('-', "\\-");
    escaped
        .lines()
        .map(|l| if l.starts_with(['.', '\'']) { format!("\\&{l}") } else { l.to_string() })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_register_pages_example_plans() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        assert!(ismsaudit::valid::Valid::parse("example.yaml", REGISTER_EXAMPLE, today).is_ok());
    }

    #[test]
    fn roff_text_cannot_start_a_request() {
        assert_eq!(text(".SH x\n'y a-b \\z"), "\\&.SH x\n\\&'y a\\-b \\ez");
    }
}
