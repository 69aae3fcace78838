//! Text from the register on its way to a terminal or a CI log. The register is edited by anyone
//! who can open a pull request, so none of its bytes may act on the terminal (escape sequences)
//! or start a line of its own (a CI runner executes `::workflow-command::` lines).

use std::borrow::Cow;
use std::io::{self, Write};

/// Whether `c` must not reach a terminal as it is: C0 controls (newline and tab included), DEL,
/// C1 controls, and the bidirectional overrides that reorder what a reader sees.
fn hidden(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

/// Whether `s` has a character [`visible`] shows as an escape: a control or direction character.
pub fn has_hidden(s: &str) -> bool {
    // Printable ASCII, most of a register, is told byte by byte without decoding characters.
    !s.bytes().all(|b| (b' '..=b'~').contains(&b)) && s.chars().any(hidden)
}

/// `s` with every control character shown as a visible escape: `\n`, `\r`, `\t`, `\u{1b}`;
/// and with what a GitHub Actions runner reads as a workflow command made inert: `::` where the
/// text starts (a runner reads a line that starts with `::`, after spaces) becomes `\u{3a}:`,
/// and `##[` anywhere (the runner's older form, read anywhere in a line) becomes `##\u{5b}`.
/// Text without any of these comes back borrowed.
pub fn visible(s: &str) -> Cow<'_, str> {
    let command_at_start = s.trim_start().starts_with("::");
    // `#` is looked for first: a search for one byte is much quicker than for three.
    let old_command = s.contains('#') && s.contains("##[");
    if !(command_at_start || old_command || has_hidden(s)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    let lead = s.len() - s.trim_start().len();
    for (i, c) in s.char_indices() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if hidden(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            ':' if command_at_start && i == lead => out.push_str("\\u{3a}"),
            '[' if s[..i].ends_with("##") => out.push_str("\\u{5b}"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// At most `max` characters of `s`, with `...` where it was cut: for echoing long input.
pub fn shortened(s: &str, max: usize) -> Cow<'_, str> {
    match s.char_indices().nth(max) {
        Some((end, _)) => Cow::Owned(format!("{}...", &s[..end])),
        None => Cow::Borrowed(s),
    }
}

/// `text` in lines of at most `width` characters where its words allow, the lines after the
/// first indented by `indent` spaces.
///
/// A line that begins with `::` after its indent is made inert as [`visible`] does: wrapping
/// can bring a register word that starts so to the start of a line.
pub fn wrap(text: &str, width: usize, indent: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for (k, word) in text.split(' ').enumerate() {
        let len = line.chars().count();
        if len > indent && len + 1 + word.chars().count() > width {
            let full = std::mem::replace(&mut line, format!("{}{word}", " ".repeat(indent)));
            lines.push(full.trim_end().to_string());
        } else {
            if k > 0 {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines.push(line);
    lines.into_iter().map(|l| if l.trim_start().starts_with("::") { visible(&l).into_owned() } else { l }).collect()
}

/// Writes `text` wrapped by [`wrap`], a line at a time.
pub fn write_wrapped(out: &mut dyn Write, text: &str, width: usize, indent: usize) -> io::Result<()> {
    for line in wrap(text, width, indent) {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_never_starts_a_line_with_a_workflow_command() {
        let text = "accepted until 2027-01-01: postponed by the body ::error::forged annotation (ref)";
        for width in 20..90 {
            for line in wrap(text, width, 4) {
                assert!(!line.trim_start().starts_with("::"), "{width}: {line}");
            }
        }
    }

    #[test]
    fn control_characters_become_visible() {
        assert_eq!(visible("plain"), "plain");
        assert!(matches!(visible("plain"), Cow::Borrowed(_)));
        assert_eq!(visible("a\nb\r\tc"), "a\\nb\\r\\tc");
        assert_eq!(visible("\u{1b}]0;title\u{7}"), "\\u{1b}]0;title\\u{7}");
        assert_eq!(visible("\u{9b}31m\u{7f}\u{0}"), "\\u{9b}31m\\u{7f}\\u{0}");
        assert_eq!(visible("abc\u{202e}def"), "abc\\u{202e}def");
        // Letters of any script stay as they are.
        assert_eq!(visible("Zürich 東京"), "Zürich 東京");
    }

    #[test]
    fn workflow_commands_become_inert() {
        assert_eq!(visible("::add-mask::x"), "\\u{3a}:add-mask::x");
        assert_eq!(visible("  ::error::x"), "  \\u{3a}:error::x");
        assert_eq!(visible("a ::b"), "a ::b");
        assert_eq!(visible("ok ##[stop-commands]t"), "ok ##\\u{5b}stop-commands]t");
        assert_eq!(visible("### [x] #[y] ##"), "### [x] #[y] ##");
        assert!(matches!(visible("Acme ## Co: [1]"), Cow::Borrowed(_)));
    }

    #[test]
    fn long_text_is_shortened_on_a_character_boundary() {
        assert_eq!(shortened("abcdef", 3), "abc...");
        assert_eq!(shortened("äöüß", 2), "äö...");
        assert_eq!(shortened("ab", 3), "ab");
    }
}
