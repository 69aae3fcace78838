//! Text from the register on its way to a terminal or a CI log. The register is edited by anyone
//! who can open a pull request, so none of its bytes may act on the terminal (escape sequences)
//! or start a line of its own (a CI runner executes `::workflow-command::` lines).

use std::borrow::Cow;

/// Whether `c` must not reach a terminal as it is: C0 controls (newline and tab included), DEL,
/// C1 controls, and the bidirectional overrides that reorder what a reader sees.
fn hidden(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

/// `s` with every control character shown as a visible escape: `\n`, `\r`, `\t`, `\u{1b}`.
/// Text without any comes back borrowed.
pub fn visible(s: &str) -> Cow<'_, str> {
    if !s.chars().any(hidden) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if hidden(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn long_text_is_shortened_on_a_character_boundary() {
        assert_eq!(shortened("abcdef", 3), "abc...");
        assert_eq!(shortened("äöüß", 2), "äö...");
        assert_eq!(shortened("ab", 3), "ab");
    }
}
