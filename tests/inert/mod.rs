//! What no output may hold, whatever a register says: the one definition the hostile-input
//! tests share, written here from the CI systems' and Unicode's documentation, not from the
//! code under test.

/// Characters that draw nothing or reorder what a reader sees, one or more of each kind the
/// hostile registers use: bidi marks, embeddings, overrides and isolates (U+061C, U+200E,
/// U+202E, U+2066), zero-width characters (U+200B to U+200D, U+2060, U+FEFF), the line and
/// paragraph separators, a soft hyphen, a variation selector, a Hangul filler, and tag
/// characters ("ASCII smuggling").
pub const INVISIBLE: [char; 17] = [
    '\u{61c}',
    '\u{200e}',
    '\u{202e}',
    '\u{2066}',
    '\u{2069}',
    '\u{200b}',
    '\u{200c}',
    '\u{200d}',
    '\u{2060}',
    '\u{feff}',
    '\u{2028}',
    '\u{2029}',
    '\u{ad}',
    '\u{fe0f}',
    '\u{3164}',
    '\u{e0041}',
    '\u{e007f}',
];

/// The first log command in `line` that a CI runner acts on anywhere in a line: two `#`, any
/// ASCII letters, then `[` (`##[group]` for GitHub's older form and Azure's formatting,
/// `##vso[` for Azure Pipelines, `##teamcity[` for TeamCity, in any case).
pub fn log_command(line: &str) -> Option<&str> {
    line.match_indices("##").find_map(|(i, _)| {
        let rest = &line[i + 2..];
        let name = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_alphabetic()).len();
        rest[name..].starts_with('[').then(|| &line[i..i + 3 + name])
    })
}

/// Asserts that `text` (a whole output, or what a stream received) holds nothing a terminal or
/// a CI log would act on: no control character but the newline that ends a line (and the CR
/// before it in an iCalendar file), no invisible character, no log command anywhere, and no line
/// that a GitHub runner reads as a workflow command (`::` after blanks) unless it is one of the
/// tool's own annotations.
pub fn assert_inert(what: &str, text: &str) {
    let text = text.replace("\r\n", "\n");
    for c in text.chars() {
        assert!(!c.is_control() || c == '\n', "{what}: control character {c:?} in:\n{text}");
        assert!(!INVISIBLE.contains(&c), "{what}: invisible character {c:?} in:\n{text}");
    }
    for line in text.lines() {
        let ours = ["::error file=", "::warning file=", "::notice file="].iter().any(|p| line.starts_with(p));
        assert!(!line.trim_start().starts_with("::") || ours, "{what}: a workflow command: {line}");
        assert!(log_command(line).is_none(), "{what}: a log command {:?} in: {line}", log_command(line));
    }
}

#[test]
fn the_oracle_knows_the_commands() {
    assert_eq!(log_command("a ##vso[task.setvariable]x"), Some("##vso["));
    assert_eq!(log_command("##[group]"), Some("##["));
    assert_eq!(log_command("x ##TeamCity[buildStop]"), Some("##TeamCity["));
    assert_eq!(log_command("## [x] #vso[x] ##vso\\u{5b}x]"), None);
}
