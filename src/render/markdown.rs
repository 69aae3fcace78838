//! `plan --format markdown`: the audit programme as a document (ISO/IEC 27001:2022 9.2.2 asks
//! for it as documented information), in GitHub-flavoured Markdown.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{self, Write};

mod html;
mod programme;

pub use html::html;

use super::cost;
use super::table::{Coverage, audit_status, external_status, settings_lines, unassigned};
use crate::catalogue;
use crate::cycle::Basis;
use crate::cycle::estimate::Estimate;
use crate::plan::Plan;
use crate::programme::Effort;
use crate::register::Area;

/// Writes the programme: who runs it, the certification cycle, the scope, each round with its
/// audits and review, the coverage matrix, the audit criteria's titles, and the assumptions.
pub fn write(plan: &Plan<'_>, out: &mut dyn Write) -> io::Result<()> {
    let reg = plan.register;
    let labels = reg.labels();
    writeln!(out, "# Internal audit programme: {}\n", md(&reg.organisation))?;
    writeln!(out, "Planned with ismsaudit as of {}.\n", plan.today)?;
    if let Some(owner) = &reg.programme_owner {
        writeln!(out, "- Programme managed by: {}", md(&person(owner, &labels)))?;
    }
    if !reg.reports_to.is_empty() {
        let to: Vec<String> = reg.reports_to.iter().map(|r| md(&person(r, &labels))).collect();
        writeln!(out, "- Audit reports go to: {}", to.join(", "))?;
    }
    for c in &plan.cycles {
        writeln!(out, "- Certificate cycle {}: {} to {}", c.number, c.start, c.expiry)?;
    }

    programme::objectives(out)?;

    writeln!(out, "\n## Certification audits\n")?;
    let mut rows = Vec::new();
    for e in plan.externals() {
        let cycle = if e.cycle == 0 { "initial".to_string() } else { e.cycle.to_string() };
        let date = if e.end > e.date { format!("{} to {}", e.date, e.end) } else { e.date.to_string() };
        let latest = e.latest.map(|d| d.to_string()).unwrap_or_default();
        rows.push(vec![cycle, e.label(), date, latest, external_status(&e, plan)]);
    }
    table(out, &["Cycle", "Audit", "Date", "Latest", "Status"], &rows)?;
    if let Some(l) = plan.lapse {
        writeln!(
            out,
            "\nThe certificate of cycle {} expired on {} and was not restored by {}: it has lapsed.",
            l.cycle, l.expiry, l.deadline
        )?;
    }

    writeln!(out, "\n## Scope\n")?;
    let rows = (reg.scope.iter()).map(|a| {
        let mut how = Vec::new();
        how.extend(a.site.as_deref().map(|s| format!("site {}", md(s))));
        how.extend(a.method.map(|m| m.key().to_string()));
        if a.audit_days > 1 {
            how.push(format!("{} days", a.audit_days));
        }
        vec![area_name(a), md(&person(&a.owner, &labels)), a.risk.as_str().to_string(), how.join(", "), criteria_ids(a)]
    });
    table(out, &["Area", "Owner", "Risk", "Audit", "Clauses and controls"], rows)?;

    programme::criteria(reg, out)?;
    programme::frequency(plan, out)?;
    programme::methods(reg, out)?;
    programme::auditors(reg, &labels, out)?;
    programme::responsibilities(reg, &labels, out)?;
    rounds(plan, &labels, out)?;

    if !plan.rounds.is_empty() {
        writeln!(out, "\n## Coverage\n")?;
        let matrix = Coverage::of(plan);
        let all = 0..plan.rounds.len();
        let header = matrix.header(all.clone());
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        let rows = matrix.rows(plan, all).map(|row| row.iter().map(|c| md(c)).collect::<Vec<String>>());
        table(out, &header, rows)?;
        writeln!(out)?;
        for line in matrix.verdicts(plan) {
            writeln!(out, "- {}", md(&line))?;
        }
    }

    programme::results(plan, out)?;
    programme::reporting(reg, &labels, out)?;
    effort(plan, &labels, out)?;
    audit_time(plan, out)?;
    criteria_titles(plan, out)?;
    assumptions(plan, out)
}

/// The programme's resources: auditor-days per round, and per auditor and calendar year.
fn effort(plan: &Plan<'_>, labels: &HashMap<String, String>, out: &mut dyn Write) -> io::Result<()> {
    if plan.rounds.is_empty() {
        return Ok(());
    }
    let reg = plan.register;
    let effort = Effort::of(reg, plan.today, &plan.rounds);
    writeln!(out, "\n## Resources: internal audit effort\n")?;
    writeln!(
        out,
        "In auditor-days: the open days each audit takes (its area's `audit_days` where planned), over the rounds this plan shows; a calendar year they cover only in part counts only their days.\n"
    )?;
    let cap = |c: Option<u32>| c.map(|c| c.to_string()).unwrap_or_default();
    let rows: Vec<Vec<String>> = (effort.rounds.iter())
        .map(|r| {
            let n = [r.days, r.held, r.booked, r.unassigned].map(|n| n.to_string());
            vec![
                r.label.clone(),
                r.last_day.to_string(),
                n[0].clone(),
                n[1].clone(),
                n[2].clone(),
                n[3].clone(),
                cap(r.cap),
            ]
        })
        .collect();
    table(out, &["Round", "Last day", "Days", "Held", "Booked", "No auditor", "Round caps allow"], &rows)?;
    writeln!(out)?;
    let years: Vec<i32> = effort.years.keys().copied().collect();
    let mut header = vec!["Auditor".to_string()];
    header.extend(years.iter().map(i32::to_string));
    header.push("Total".to_string());
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (_, who, by_year) in effort.by_auditor() {
        let mut row = vec![md(&person(who, labels))];
        row.extend(years.iter().map(|y| by_year.get(y).copied().unwrap_or(0).to_string()));
        row.push(by_year.values().sum::<u32>().to_string());
        rows.push(row);
    }
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    table(out, &header, &rows)
}

/// The certification body's audit time and site sample, as the rules let the organisation
/// estimate them.
fn audit_time(plan: &Plan<'_>, out: &mut dyn Write) -> io::Result<()> {
    let reg = plan.register;
    let Some(e) = Estimate::of(&reg.profile) else { return Ok(()) };
    writeln!(out, "\n## {}\n", cost::HEADING)?;
    let visits = plan.cycles.first().and_then(|c| cost::not_visited(reg, c));
    for line in cost::basis(reg, &e).iter().chain(&visits) {
        writeln!(out, "- {}", md(line))?;
    }
    writeln!(out)?;
    table(out, &cost::header(&e), cost::rows(&e))
}

/// Each round as a table (date, area, auditor, status, criteria) with its review; then, by why,
/// the audits planned with no auditor.
fn rounds(plan: &Plan<'_>, labels: &HashMap<String, String>, out: &mut dyn Write) -> io::Result<()> {
    let reg = plan.register;
    writeln!(out, "\n## Rounds")?;
    let mut without: BTreeMap<&str, (usize, &str)> = BTreeMap::new();
    for r in &plan.rounds {
        writeln!(out, "\n### {}\n", r.heading())?;
        if r.audits.is_empty() {
            writeln!(out, "No area audits: every area is covered elsewhere in the cycle.")?;
        } else {
            let rows = (r.audits.iter()).map(|a| {
                let auditor = match (a.auditor(reg), a.unassigned) {
                    (Some(id), _) => md(&person(id, labels)),
                    (None, Some(why)) => {
                        let (label, note) = unassigned(why);
                        without.entry(label).or_insert((0, note)).0 += 1;
                        format!("**{label}**")
                    }
                    (None, None) => a.auditor_org(reg).map(md).unwrap_or_default(),
                };
                let date = if a.end > a.date { format!("{} to {}", a.date, a.end) } else { a.date.to_string() };
                let area = a.area_in(reg);
                vec![
                    date,
                    area.map_or_else(|| md(a.area), area_name),
                    auditor,
                    audit_status(a, plan.today),
                    area.map(criteria_ids).unwrap_or_default(),
                ]
            });
            table(out, &["Date", "Area", "Auditor", "Status", "Clauses and controls"], rows)?;
        }
        let review = if r.review.not_held { "booked, not recorded as held" } else { r.review.wording() };
        writeln!(out, "\nManagement review: {} ({review}).", r.review.date)?;
        if let Some(extra) = r.review_before_stage2 {
            writeln!(out, "Management review before Stage 2: {} (recorded).", extra.date)?;
        }
        for other in &r.other_reviews {
            writeln!(out, "Other management review recorded in the round: {} ({}).", other.date, other.wording())?;
        }
    }
    for (label, (n, note)) in without {
        writeln!(out, "\n{n} area audit(s) planned with no auditor ({label}): {}", md(note))?;
    }

    Ok(())
}

/// The titles of what the rounds audit, once: the audit criteria.
fn criteria_titles(plan: &Plan<'_>, out: &mut dyn Write) -> io::Result<()> {
    let reg = plan.register;
    // The titles of what the rounds audit, once.
    let audited: BTreeSet<&str> =
        (plan.rounds.iter().flat_map(|r| &r.audits)).filter_map(|a| a.area_in(reg)).flat_map(Area::criteria).collect();
    if !audited.is_empty() {
        writeln!(out, "\n## Audit criteria\n")?;
        // Clauses (4.1 ... 10.2) before controls, each in the standard's order.
        let rows: Vec<Vec<String>> = (catalogue::clause_ids().chain(catalogue::control_ids()))
            .filter(|id| audited.contains(id))
            .map(|id| {
                let title = catalogue::clause_title(id).or_else(|| catalogue::control_title(id)).unwrap_or_default();
                vec![id.to_string(), title.to_string()]
            })
            .collect();
        table(out, &["Clause or control", "Title"], &rows)?;
    }

    Ok(())
}

/// What the plan assumed: dates the register does not give, settings and closures.
fn assumptions(plan: &Plan<'_>, out: &mut dyn Write) -> io::Result<()> {
    let reg = plan.register;
    writeln!(out, "\n## Assumptions\n")?;
    let epoch = plan.epoch();
    for e in [epoch.stage2, Some(epoch.decision)].into_iter().flatten().filter(|e| e.basis == Basis::Assumed) {
        writeln!(out, "- {} assumed on {} (the register does not give it).", e.kind.label(), e.date)?;
    }
    for line in settings_lines(reg) {
        writeln!(out, "- {}", md(&line))?;
    }
    Ok(())
}

/// A GitHub table: every row has the header's number of cells.
///
/// The rows are written as they come: a table of every area is never held whole.
fn table<R: AsRef<[String]>>(
    out: &mut dyn Write,
    header: &[&str],
    rows: impl IntoIterator<Item = R>,
) -> io::Result<()> {
    writeln!(out, "| {} |", header.join(" | "))?;
    writeln!(out, "|{}", "---|".repeat(header.len()))?;
    for row in rows {
        let row = row.as_ref();
        let cells: Vec<&str> = (0..header.len()).map(|i| row.get(i).map_or("", String::as_str)).collect();
        writeln!(out, "| {} |", cells.join(" | "))?;
    }
    Ok(())
}

/// An area as a reader knows it: its name, with the id where the two differ.
fn area_name(a: &Area) -> String {
    if a.name() == a.id { md(&a.id) } else { format!("{} (`{}`)", md(a.name()), code(&a.id)) }
}

/// A person by name (and role) where the register gives one, else as written.
fn person(id: &str, labels: &HashMap<String, String>) -> String {
    labels.get(&*crate::register::folded(id)).cloned().unwrap_or_else(|| id.to_string())
}

/// The clause and control ids an area carries, for a table cell.
fn criteria_ids(a: &Area) -> String {
    a.criteria().collect::<Vec<_>>().join(", ")
}

/// Register text made inert in Markdown: characters that start emphasis, links, code, HTML or
/// break a table cell are backslash-escaped (CommonMark escapes any ASCII punctuation); and what
/// GitHub would turn into a link or a notification by itself is broken by a zero-width space
/// (written as the entity `&#8203;`, so the file holds no invisible character): bare URLs
/// (`https:&#8203;//`), `www.` hosts, e-mail addresses and `@mentions` (`@&#8203;`), and issue
/// references (`#&#8203;12`).
pub(super) fn md(text: &str) -> String {
    const BREAK: &str = "&#8203;";
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        let rest = &text[i + c.len_utf8()..];
        // `&` starts an entity only as `&name;` or `&#123;`: elsewhere it stays as written (R&D).
        let entity = || {
            let body = rest.strip_prefix('#').unwrap_or(rest);
            let name = body.find(|n: char| !n.is_ascii_alphanumeric()).unwrap_or(body.len());
            name > 0 && body[name..].starts_with(';')
        };
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '#') || (c == '&' && entity()) {
            out.push('\\');
        }
        out.push(c);
        let before = &text[..i];
        let breaks = match c {
            '@' => true,
            ':' => rest.starts_with("//"),
            '#' => rest.starts_with(|d: char| d.is_ascii_digit()),
            'w' | 'W' => {
                rest.starts_with('.') && before.chars().rev().take(2).filter(|b| matches!(b, 'w' | 'W')).count() == 2
            }
            _ => false,
        };
        if breaks {
            out.push_str(BREAK);
        }
    }
    out
}

/// Words that quote ids between backticks ("area `hr` has ..."), as Markdown: each quoted id a
/// code span, the rest made inert by [`md`]; text with an unpaired backtick is inert throughout.
pub(super) fn quoted(text: &str) -> String {
    if text.matches('`').count() % 2 == 1 {
        return md(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for (i, part) in text.split('`').enumerate() {
        match (i % 2, code(part)) {
            (0, _) => out.push_str(&md(part)),
            // Nothing to quote: an empty span would open a longer backtick string instead.
            (_, quoted) if quoted.trim().is_empty() => {}
            (_, quoted) => {
                out.push('`');
                out.push_str(&quoted);
                out.push('`');
            }
        }
    }
    out
}

/// An id inside a code span: backticks cannot be escaped there, so they are left out.
fn code(text: &str) -> String {
    text.replace(['`', '|'], "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn register_text_makes_no_link_or_mention() {
        assert_eq!(md("see https://evil.example/x"), "see https:&#8203;//evil.example/x");
        assert_eq!(md("WWW.evil.example and www."), "WWW&#8203;.evil.example and www&#8203;.");
        assert_eq!(md("mail ceo@evil.example, cc @octocat"), "mail ceo@&#8203;evil.example, cc @&#8203;octocat");
        assert_eq!(md("fixes #12"), "fixes \\#&#8203;12");
        // Nothing else changes.
        assert_eq!(md("w. ww.x: 10:30 # a"), "w. ww.x: 10:30 \\# a");
        // Any character before a `w.`, of any length in bytes.
        assert_eq!(md("€w. ẃww.x éww. €www.x"), "€w. ẃww.x éww. €www&#8203;.x");
    }

    #[test]
    fn register_text_cannot_break_a_table_or_inject_markup() {
        assert_eq!(md("R&D | <img src=x> [a](b)"), "R&D \\| \\<img src=x\\> \\[a\\](b)");
        // An entity would be read as its character: `&lt;` must stay four characters.
        assert_eq!(md("&lt;b&gt; & &x"), "\\&lt;b\\&gt; & &x");
        assert_eq!(md("*bold* _x_ `c`"), "\\*bold\\* \\_x\\_ \\`c\\`");
        assert_eq!(code("a`|b"), "ab");
    }

    #[test]
    fn quoted_ids_become_code_spans_and_the_rest_stays_inert() {
        assert_eq!(quoted("area `hr` is *late*"), "area `hr` is \\*late\\*");
        assert_eq!(quoted("a `<img>` and ``"), "a `<img>` and ");
        assert_eq!(quoted("one ` only"), "one \\` only");
    }
}
