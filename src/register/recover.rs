//! Every error of a register that breaks its format, in one run. The YAML reader stops at the
//! first error; to find the next, the lines the error is on (with the lines nested under them)
//! are blanked, keeping every other line and column where it was, and the text is read again,
//! up to [`PASSES`] times. Once it reads, the register's own checks (ids that refer to each
//! other, dates in order) run on what is left. What only the blanking caused is not reported:
//! a key blanked then missing, an id blanked then unknown, anything on a blanked line.

use std::collections::{BTreeSet, HashSet};

use super::raw::RawRegister;
use super::{check, yaml};
use crate::diagnostic::{Diagnostic, Errors, InputError};

/// The most times the text is read again, fewer for a large register (each reading of a
/// register of 64 MiB takes seconds): a run shows a screenful of errors, not necessarily all.
const PASSES: usize = 20;
const PASSES_LARGE: usize = 3;
const LARGE: usize = 1 << 20;

/// What was blanked: the lines, the keys written on them, the ids they gave, and the lines
/// they were nested under; and the lines where a bad value was replaced by a placeholder.
#[derive(Default)]
struct Blanked {
    lines: BTreeSet<usize>,
    keys: HashSet<String>,
    ids: HashSet<String>,
    parents: BTreeSet<usize>,
    /// Each blanked key with the line of the mapping it was in (`None`: the top level).
    keys_in: HashSet<(String, Option<usize>)>,
}

/// The line (1-based) that line `line` is nested under: the nearest before it, not blank,
/// indented less; `None` at the top level.
fn parent(lines: &[&str], line: usize) -> Option<usize> {
    let indent = |l: &str| l.len() - l.trim_start_matches(' ').len();
    let this = lines.get(line.checked_sub(1)?)?;
    // A line indented with a tab has no depth: it is taken as a sibling of the line before.
    if this.starts_with('\t') {
        let before =
            lines.get(..line - 1)?.iter().rposition(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))?;
        return parent(lines, before + 1);
    }
    let depth = indent(this);
    let before = lines.get(..line - 1)?;
    before
        .iter()
        .rposition(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#') && indent(l) < depth)
        .map(|p| p + 1)
}

/// The date put in place of an impossible one: reported nowhere (see [`Blanked::explains`]).
const PLACEHOLDER_DATE: &str = "1970-01-01";

impl Blanked {
    /// Whether `d` follows from the blanking rather than from the register: it is on a blanked
    /// line, or names a blanked key as missing or a blanked id as unknown.
    fn explains(&self, d: &Diagnostic, text: &str) -> bool {
        let line = d.loc.and_then(|l| usize::try_from(l.line).ok());
        let on_blank = line.is_some_and(|n| self.lines.contains(&n));
        let quoted = |word: &str| d.message.contains(&format!("`{word}`"));
        // A key missing from the mapping it was blanked in; elsewhere it is missing indeed.
        let missing = match d.message.strip_prefix("missing key `").and_then(|m| m.split('`').next()) {
            Some(key) => line.is_some_and(|n| {
                let lines: Vec<&str> = text.split('\n').collect();
                self.keys_in.contains(&(key.to_string(), parent(&lines, n)))
            }),
            // (A key with no value is about its own line, not one blanked.)
            None => {
                !d.message.starts_with("missing value")
                    && d.message.contains("missing")
                    && self.keys.iter().any(|k| quoted(k))
            }
        };
        let unknown = d.message.contains("unknown") && self.ids.iter().any(|i| quoted(i));
        // A section left with nothing in it, once what was nested under it was blanked.
        let emptied = d.loc.is_some_and(|l| usize::try_from(l.line).is_ok_and(|n| self.parents.contains(&n)))
            && (d.message.starts_with("expected")
                || d.message.starts_with("missing value")
                || d.message.contains("has no list"));
        on_blank || missing || unknown || emptied || d.message.contains(PLACEHOLDER_DATE)
    }

    /// Replaces the bad value at `line`, `column` of `text` by `with`, padded with spaces to its
    /// length; `false` where the value is shorter than `with` (then the line is blanked).
    fn replace(&mut self, text: &mut String, line: usize, column: usize, with: &str) -> bool {
        let start: usize = text.split('\n').take(line.saturating_sub(1)).map(|l| l.len() + 1).sum();
        let Some(rest) = text.get(start..) else { return false };
        let row = rest.split('\n').next().unwrap_or_default();
        let Some((at, _)) = row.char_indices().nth(column.saturating_sub(1)) else { return false };
        let value = &row[at..];
        let quoted = value.starts_with(['"', '\'']);
        let len = if quoted {
            value[1..].find(value.chars().next().unwrap_or('"')).map_or(value.len(), |end| end + 2)
        } else {
            value.find([',', '}', ']', '#']).unwrap_or(value.len())
        };
        let token = value[..len].trim_end();
        if token.chars().count() < with.len() || token.is_empty() {
            return false;
        }
        let padded = format!("{with}{}", " ".repeat(token.chars().count() - with.len()));
        text.replace_range(start + at..start + at + token.len(), &padded);
        self.lines.insert(line);
        true
    }

    /// Blanks line `line` (1-based) of `text` and, with `nested`, the lines nested under it
    /// (more indented), each character a space, so that every other place keeps its line and
    /// column.
    fn blank(&mut self, text: &mut String, line: usize, nested: bool) {
        let lines: Vec<&str> = text.split('\n').collect();
        let Some(first) = line.checked_sub(1).and_then(|k| lines.get(k)) else { return };
        let indent = |l: &str| l.len() - l.trim_start_matches(' ').len();
        let depth = indent(first);
        let mut last = line;
        for (k, l) in lines.iter().enumerate().skip(line).take_while(|_| nested) {
            let blank = l.trim().is_empty() || l.trim_start().starts_with('#');
            if !blank && indent(l) <= depth {
                break;
            }
            last = k + 1;
        }
        // The line it is nested under, which the blanking may leave empty.
        if let Some(p) = parent(&lines, line) {
            self.parents.insert(p);
        }
        let mut out = String::with_capacity(text.len());
        for (k, l) in lines.iter().enumerate() {
            if k > 0 {
                out.push('\n');
            }
            let n = k + 1;
            if (line..=last).contains(&n) {
                self.lines.insert(n);
                let at = parent(&lines, n);
                for key in self.remember(l) {
                    self.keys_in.insert((key, at));
                }
                out.extend(l.chars().map(|c| if c == '\r' { c } else { ' ' }));
            } else {
                out.push_str(l);
            }
        }
        *text = out;
    }

    /// The keys written on a line, and the id it gives, if any; returns the keys.
    fn remember(&mut self, line: &str) -> Vec<String> {
        let mut keys = Vec::new();
        let body = line.trim_start().trim_start_matches("- ").trim_start_matches('{');
        for part in body.split([',', '{']) {
            if let Some((key, value)) = part.split_once(':') {
                let key = key.trim().trim_start_matches("- ").trim();
                if key.is_empty() || key.contains(' ') {
                    continue;
                }
                self.keys.insert(key.to_string());
                keys.push(key.to_string());
                if key == "id" {
                    let value = value.trim().trim_end_matches(['}', ']']).trim().trim_matches(['"', '\'']);
                    if !value.is_empty() {
                        self.ids.insert(value.to_string());
                    }
                }
            }
        }
        keys
    }
}

/// Whether the error is about the whole register (a limit of the reader, too deep, more than
/// one document): nothing to read past.
fn beyond(e: &serde_saphyr::Error, d: &Diagnostic) -> bool {
    yaml::is_limit(e) || d.message.starts_with("the register")
}

/// Steps over the error `d` (raised as `e`) in `text`: a bad value replaced by a placeholder
/// where one fits (the shortest value allowed, an impossible date by [`PLACEHOLDER_DATE`]),
/// else its line blanked.
fn step(blanked: &mut Blanked, text: &mut String, e: &serde_saphyr::Error, d: &Diagnostic, line: usize) {
    let at = parent(&text.split('\n').collect::<Vec<_>>(), line);
    let column = d.loc.and_then(|l| usize::try_from(l.column).ok()).unwrap_or(1);
    let raw = e.without_snippet().to_string();
    let out_of_range = d.message.starts_with("date `") && d.message.contains("is outside the years");
    let placeholder = if d.message.starts_with("invalid date") || out_of_range {
        Some(PLACEHOLDER_DATE.to_string())
    } else if d.message.starts_with("unknown value") {
        // "unknown variant `hgh`, expected one of high, medium, low at line 5, column 28" (the
        // values quoted or not; two of them as "`a` or `b`").
        let expected = raw.split_once("expected ").map_or("", |(_, l)| l).trim_start_matches("one of ");
        let expected = expected.split(" at line ").next().unwrap_or(expected);
        let values = expected.split(',').flat_map(|v| v.split(" or ")).map(|v| v.trim().trim_matches('`'));
        values.filter(|v| !v.is_empty() && !v.contains(' ')).min_by_key(|v| v.len()).map(str::to_string)
    } else {
        None
    };
    if !placeholder.is_some_and(|p| blanked.replace(text, line, column, &p)) {
        // A line indented with a tab has no depth to nest under: the lines after it are its
        // siblings, kept.
        blanked.blank(text, line, !d.message.starts_with("a tab"));
    }
    // A misspelt key (`scop`) stands for the one it was meant to be: that one is not missing too.
    if d.message.starts_with("unknown key")
        && let Some(meant) = d.hint.as_deref().and_then(|h| h.strip_prefix("did you mean "))
    {
        for key in meant.split('`').skip(1).step_by(2) {
            blanked.keys.insert(key.to_string());
            blanked.keys_in.insert((key.to_string(), at));
        }
    }
}

/// The errors of `text`, whose first reading failed with `first`.
pub(super) fn all_errors(file: &str, text: &str, first: &serde_saphyr::Error) -> InputError {
    let mut errors = Errors::new();
    // The reader stops at the first key given twice; the others are found in one more pass.
    if matches!(first.without_snippet(), serde_saphyr::Error::DuplicateMappingKey { .. }) {
        yaml::duplicate_keys(text, &mut errors);
        if !errors.is_empty() {
            return errors.into_error(file);
        }
    }
    // A second document (`---`): the reader judges the first alone, whose missing keys are
    // beside the point when the register was meant as one.
    if let Some(at) = yaml::second_document(text) {
        return InputError::one(file, yaml::more_than_one_document(Some(at)));
    }
    let d = yaml::yaml_diagnostic(first, text);
    // Nothing to step over: no place, a limit of the reader, or a key missing from a mapping
    // (reported at the mapping, which is not to blank).
    let line = d.loc.and_then(|l| usize::try_from(l.line).ok()).filter(|n| *n > 0);
    let (Some(line), false) = (line, beyond(first, &d) || d.message.starts_with("missing key")) else {
        return InputError::one(file, d);
    };
    let mut now = text.to_string();
    let mut blanked = Blanked::default();
    step(&mut blanked, &mut now, first, &d, line);
    errors.push(d);
    let passes = if text.len() > LARGE { PASSES_LARGE } else { PASSES };
    // Whether the text was read at last, or the stepping stopped before: else the passes ran out.
    let (mut read, mut stopped) = (false, false);
    for _ in 0..passes {
        match serde_saphyr::from_str_with_options::<RawRegister>(&now, yaml::options(now.len())) {
            Ok(raw) => {
                read = true;
                if let Err(e) = check::check(file, raw, &now) {
                    let shown: Vec<Diagnostic> = e
                        .diagnostics
                        .into_iter()
                        .filter(|d| d.loc.is_some() || !d.message.starts_with("... and"))
                        .collect();
                    let hidden = e.total.saturating_sub(shown.len());
                    errors.extend(shown.into_iter().filter(|d| !blanked.explains(d, &now)));
                    (0..hidden).for_each(|_| errors.skip());
                }
                break;
            }
            Err(e) => {
                let d = yaml::yaml_diagnostic(&e, &now);
                // An error the blanking made, or one that cannot be stepped over: the end.
                let Some(n) = d.loc.and_then(|l| usize::try_from(l.line).ok()).filter(|n| *n > 0) else {
                    stopped = true;
                    break;
                };
                if blanked.lines.contains(&n) || beyond(&e, &d) {
                    stopped = true;
                    break;
                }
                let explained = blanked.explains(&d, &now);
                // A key missing from a mapping: stepped over by setting the whole mapping aside
                // (the line it is nested under, with what is nested under that); at the top
                // level, nothing is left to read.
                if d.message.starts_with("missing key") {
                    if !explained {
                        errors.push(d);
                    }
                    match parent(&now.split('\n').collect::<Vec<_>>(), n) {
                        Some(mapping) if !blanked.lines.contains(&mapping) => blanked.blank(&mut now, mapping, true),
                        _ => {
                            stopped = true;
                            break;
                        }
                    }
                    continue;
                }
                step(&mut blanked, &mut now, &e, &d, n);
                if !explained {
                    errors.push(d);
                }
            }
        }
    }
    let mut found = errors.into_error(file);
    // The passes ran out before the rest could be read: there may be more.
    if !read && !stopped && found.diagnostics.last().is_none_or(|d| d.loc.is_some()) {
        found.diagnostics.push(
            Diagnostic::new(None, "there may be more errors after these")
                .hint(format!("correct them and run again: a run steps past {passes} faults at most")),
        );
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_and_what_is_nested_under_it_are_blanked_in_place() {
        let mut text = "scope:\n  - id: a\n    risk: hgh\n    team:\n      - x\n  - id: b\n".to_string();
        let mut b = Blanked::default();
        b.blank(&mut text, 4, true);
        assert_eq!(text, "scope:\n  - id: a\n    risk: hgh\n         \n         \n  - id: b\n");
        b.blank(&mut text, 2, true);
        assert_eq!(text.lines().nth(5), Some("  - id: b"));
        assert!(b.ids.contains("a") && b.keys.contains("risk") && b.keys.contains("team"));
        assert_eq!(b.lines, BTreeSet::from([2, 3, 4, 5]));
    }

    #[test]
    fn a_run_that_runs_out_of_passes_says_there_may_be_more() {
        let areas: String = (0..30).map(|n| format!("- {{id: a{n}, owner: o, risk: hgh}}\n")).collect();
        let text =
            format!("organisation: X\ncertification: {{decision: 2024-01-10}}\nauditors: [{{id: a}}]\nscope:\n{areas}");
        let e = crate::register::parse("many.yaml", &text).unwrap_err();
        assert_eq!(e.diagnostics.len(), PASSES + 2, "the first fault, one a pass, and the note");
        assert!(e.diagnostics.last().is_some_and(|d| d.message.starts_with("there may be more")));
        // Fewer faults than passes: all of them, and no note.
        let few: String = (0..3).map(|n| format!("- {{id: a{n}, owner: o, risk: hgh}}\n")).collect();
        let e = crate::register::parse("few.yaml", &text.replace(&areas, &few)).unwrap_err();
        assert_eq!(e.diagnostics.len(), 3);
    }

    #[test]
    fn keys_and_ids_of_a_flow_mapping_are_remembered() {
        let mut b = Blanked::default();
        b.remember("  - {id: \"a0\", owner: o, risk: hgh}");
        assert!(b.ids.contains("a0"));
        assert!(["id", "owner", "risk"].iter().all(|k| b.keys.contains(*k)));
    }
}
