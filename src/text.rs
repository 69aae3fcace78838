//! Text from the register on its way to a terminal or a CI log. The register is edited by anyone
//! who can open a pull request, so none of its bytes may act on the terminal (escape sequences),
//! hide from its reader (invisible and direction characters), or be read by a CI runner as a
//! command: GitHub's `::command::` at the start of a line, and the `##name[...]` commands that
//! Azure Pipelines (`##vso[`), TeamCity (`##teamcity[`), Octopus (`##octopus[`) and GitHub's
//! older form (`##[`) act on anywhere in a line. [`visible`] is the one rule for all of them;
//! what lays text out in lines ([`wrap`], the iCalendar writer's folding) keeps a line from
//! starting with `::`.

use std::borrow::Cow;
use std::io::{self, Write};

/// Characters shown as escapes besides the controls (`char::is_control`): every format
/// character (Unicode category Cf: the direction marks, embeddings, overrides and isolates,
/// U+061C among them, zero-width spaces and joiners, the tag characters of "ASCII smuggling"),
/// the line and paragraph separators (Zl, Zp), and the other default-ignorable code points,
/// which draw nothing (variation selectors, the Hangul fillers that pass for letters). Two
/// names that look alike are then alike. Unicode 16, from `DerivedCoreProperties.txt` and
/// `DerivedGeneralCategory.txt`; sorted, inclusive.
const INVISIBLE: [(u32, u32); 25] = [
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x0600, 0x0605),
    (0x061C, 0x061C),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x2028, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x1343F),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
];

/// Whether `c` must not reach a terminal as it is: a control character (newline and tab
/// included, DEL, C1), or one of the `INVISIBLE` ones.
pub fn hidden(c: char) -> bool {
    if c.is_control() {
        return true;
    }
    let c = c as u32;
    let at = INVISIBLE.partition_point(|&(_, last)| last < c);
    INVISIBLE.get(at).is_some_and(|&(first, _)| first <= c)
}

/// Whether `s` has a character [`visible`] shows as an escape.
pub(crate) fn has_hidden(s: &str) -> bool {
    // Printable ASCII, most of a register, is told byte by byte without decoding characters.
    !s.bytes().all(|b| (b' '..=b'~').contains(&b)) && s.chars().any(hidden)
}

/// Whether the `[` at byte `i` of `s` would open a CI runner's command: two `#`, then any ASCII
/// letters (none for `##[`, `vso`, `teamcity`, `octopus` ... in any case), then the bracket.
fn opens_command(s: &str, i: usize) -> bool {
    s[..i].trim_end_matches(|c: char| c.is_ascii_alphabetic()).ends_with("##")
}

/// `s` with every [`hidden`] character shown as a visible escape (`\n`, `\r`, `\t`, `\u{1b}`,
/// `\u{200b}`), and with what a CI runner reads as a command made inert: `::` where the text
/// starts (a GitHub runner reads a line that starts with `::`, after blanks) becomes `\u{3a}:`,
/// and the `[` of `##[`, `##vso[`, `##teamcity[` and the like, anywhere, becomes `\u{5b}`. Text
/// without any of these comes back borrowed.
pub fn visible(s: &str) -> Cow<'_, str> {
    let command_at_start = s.trim_start().starts_with("::");
    // `#` is looked for first: a search for one byte is much quicker than for two.
    let log_command = s.contains('#') && s.contains("##") && s.match_indices('[').any(|(i, _)| opens_command(s, i));
    if !(command_at_start || log_command || has_hidden(s)) {
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
            '[' if log_command && opens_command(s, i) => out.push_str("\\u{5b}"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Text made of lines that may hold text from elsewhere (the argument parser's messages, which
/// quote arguments as they are, or in part): each line [`visible`], so that none starts with a
/// workflow command or holds a log command or a control character.
pub fn inert_lines(text: &str) -> String {
    let lines: Vec<Cow<'_, str>> = text.split('\n').map(visible).collect();
    lines.join("\n")
}

/// A file's name, or an argument, as messages show it: [`visible`], and cut after 200
/// characters (a name given on the command line can be as long as the system allows).
pub fn name(s: &str) -> Cow<'_, str> {
    match visible(s) {
        Cow::Borrowed(b) => shortened(b, 200),
        Cow::Owned(o) => Cow::Owned(shortened(&o, 200).into_owned()),
    }
}

/// At most `max` characters of `s`, with `...` where it was cut: for echoing long input.
pub fn shortened(s: &str, max: usize) -> Cow<'_, str> {
    match s.char_indices().nth(max) {
        Some((end, _)) => Cow::Owned(format!("{}...", &s[..end])),
        None => Cow::Borrowed(s),
    }
}

/// "1 error", "2 errors".
pub fn count(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
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

/// A 64-bit FNV-1a hash of `bytes`, in hex: a key that is the same on every platform and in
/// every version (the standard library's hasher promises neither), for fingerprints that must
/// not change from run to run. Not proof against a collision made on purpose.
pub fn fingerprint(bytes: &[u8]) -> String {
    format!("{:016x}", fnv1a(bytes))
}

/// FNV-1a, 64 bits.
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
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
    fn invisible_characters_become_visible() {
        // The third bidi mark, the line and paragraph separators, zero-width characters, a
        // soft hyphen, a variation selector, a Hangul filler, and tag characters (text hidden
        // in "ASCII smuggling").
        assert_eq!(visible("a\u{61c}b"), "a\\u{61c}b");
        assert_eq!(visible("a\u{2028}b\u{2029}c"), "a\\u{2028}b\\u{2029}c");
        assert_eq!(
            visible("x\u{200b}\u{200c}\u{200d}\u{2060}\u{feff}y"),
            "x\\u{200b}\\u{200c}\\u{200d}\\u{2060}\\u{feff}y"
        );
        assert_eq!(visible("co\u{ad}re\u{fe0f}\u{3164}"), "co\\u{ad}re\\u{fe0f}\\u{3164}");
        assert_eq!(visible("ok\u{e0001}\u{e0069}\u{e007f}"), "ok\\u{e0001}\\u{e0069}\\u{e007f}");
        // Neighbours of the ranges stay: a no-break space, a letter, the replacement character.
        assert_eq!(visible("\u{a0}\u{ac}\u{ae}\u{2027}\u{202f}\u{fffd}"), "\u{a0}\u{ac}\u{ae}\u{2027}\u{202f}\u{fffd}");
        assert!(!has_hidden("Zürich 東京 Ελλάδα"));
        assert!(has_hidden("core\u{3164}"));
    }

    #[test]
    fn the_table_of_invisible_characters_is_sorted_and_apart() {
        for pair in INVISIBLE.windows(2) {
            assert!(pair[0].0 <= pair[0].1 && pair[0].1 + 1 < pair[1].0, "{pair:x?}");
        }
        for &(first, last) in &INVISIBLE {
            for c in [first, last].into_iter().filter_map(char::from_u32) {
                assert!(hidden(c), "{c:?}");
            }
            for c in [first - 1, last + 1].into_iter().filter_map(char::from_u32) {
                assert!(!hidden(c) || c.is_control(), "{c:?}");
            }
        }
    }

    #[test]
    fn log_commands_of_every_ci_system_become_inert() {
        // Azure Pipelines and TeamCity act on these anywhere in a line, as GitHub on `##[`.
        assert_eq!(visible("Acme ##vso[task.prependpath]/opt/evil"), "Acme ##vso\\u{5b}task.prependpath]/opt/evil");
        assert_eq!(visible("x ##VSO[task.setvariable variable=X]1"), "x ##VSO\\u{5b}task.setvariable variable=X]1");
        assert_eq!(visible("##teamcity[buildStop]"), "##teamcity\\u{5b}buildStop]");
        assert_eq!(visible("##octopus[setVariable]"), "##octopus\\u{5b}setVariable]");
        assert_eq!(visible("a##[group]b ##vso[x] ##[y]"), "a##\\u{5b}group]b ##vso\\u{5b}x] ##\\u{5b}y]");
        // Not commands: a space or a digit between, one `#`.
        assert!(matches!(visible("## [x] ##2[x] #vso[x] [##]"), Cow::Borrowed(_)));
        // Escaping twice changes nothing more.
        let once = visible("::x ##vso[y] \u{200b}").into_owned();
        assert_eq!(visible(&once), once);
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
