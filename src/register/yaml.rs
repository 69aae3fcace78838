//! Reading the register's YAML: the parser's options and limits (a register is untrusted
//! input), where in the text a value is written, and the parser's messages put in the
//! register's words.

use std::collections::HashMap;

use serde::{Deserialize, Deserializer};
use serde_saphyr::MessageFormatter;

use crate::catalogue;
use crate::diagnostic::{Diagnostic, Errors, Loc};

/// A value and where the register writes it. The parser's own `Spanned` keeps two whole
/// locations (80 bytes with a string); the checks need the line, the column and, for a list, the
/// byte it starts at: 16 bytes. A register of many small items is read into little more memory
/// than its text.
#[derive(Debug, Clone)]
pub(super) struct Spanned<T> {
    pub value: T,
    line: u32,
    column: u32,
    /// The byte offset, `u64::MAX` where unknown.
    offset: u64,
}

impl<T> Spanned<T> {
    /// A value written nowhere (for values built in code).
    #[cfg(test)]
    pub fn unplaced(value: T) -> Self {
        Spanned { value, line: 0, column: 0, offset: u64::MAX }
    }

    /// The byte the value starts at, where known.
    pub fn byte_offset(&self) -> Option<usize> {
        (self.offset != u64::MAX).then(|| usize::try_from(self.offset).ok()).flatten()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Spanned<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = serde_saphyr::Spanned::<T>::deserialize(d)?;
        let at = s.referenced;
        let small = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
        Ok(Spanned {
            value: s.value,
            line: small(at.line()),
            column: small(at.column()),
            offset: at.span().byte_offset().unwrap_or(u64::MAX),
        })
    }
}

/// (The schema writes a field's default through it.)
impl<T: serde::Serialize> serde::Serialize for Spanned<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(s)
    }
}

impl<T: schemars::JsonSchema> schemars::JsonSchema for Spanned<T> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        T::schema_name()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(generator)
    }

    fn inline_schema() -> bool {
        T::inline_schema()
    }
}

/// A long list read in chunks: growing one vector by doubling would hold the list twice over
/// while it moves, and a consumer of the list frees each chunk as it goes. The scope of a large
/// register is read this way.
#[derive(Debug)]
pub(super) struct Chunked<T> {
    chunks: Vec<Vec<T>>,
    len: usize,
}

/// Items per chunk.
const CHUNK: usize = 1024;

impl<T> Chunked<T> {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn get(&self, k: usize) -> Option<&T> {
        self.chunks.get(k / CHUNK)?.get(k % CHUNK)
    }
}

impl<T> IntoIterator for Chunked<T> {
    type Item = T;
    type IntoIter = std::iter::Flatten<std::vec::IntoIter<Vec<T>>>;

    /// Each chunk is freed once its items are taken.
    fn into_iter(self) -> Self::IntoIter {
        self.chunks.into_iter().flatten()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Chunked<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Items<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Items<T> {
            type Value = Chunked<T>;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list")
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Chunked<T>, A::Error> {
                let mut out = Chunked { chunks: Vec::new(), len: 0 };
                while let Some(item) = seq.next_element()? {
                    match out.chunks.last_mut().filter(|c| c.len() < CHUNK) {
                        Some(chunk) => chunk.push(item),
                        None => {
                            let mut chunk = Vec::with_capacity(CHUNK);
                            chunk.push(item);
                            out.chunks.push(chunk);
                        }
                    }
                    out.len += 1;
                }
                Ok(out)
            }
        }
        d.deserialize_seq(Items(std::marker::PhantomData))
    }
}

pub(super) fn loc<T>(s: &Spanned<T>) -> Loc {
    if s.line > 0 { Loc::new(u64::from(s.line), u64::from(s.column)) } else { Loc::default() }
}

/// Finds where an item of a list is written, from where the list starts: each item is looked for
/// as a whole word after the one before it. Only needed for a problem, so the line starts are
/// counted once, the first time.
///
/// Problems come item by item, in list order, so the search goes on from where the last one
/// stopped (`cursor`): locating every item of a list costs one pass over it, however many there
/// are. Likewise a column is counted on from the last one found on the same line.
pub(super) struct Locator<'t> {
    text: &'t str,
    line_starts: std::cell::OnceCell<Vec<usize>>,
    cursor: std::cell::Cell<Option<Cursor>>,
    column: std::cell::Cell<Option<Column>>,
}

/// How far the last search went in one list.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Cursor {
    /// The list, by where it starts.
    list: usize,
    /// The items looked for so far, and the byte after the last one found; `None` when it was
    /// not found (nor can any after it be).
    items: usize,
    after: Option<usize>,
}

/// The last column counted: `byte` on the line starting at `line_start` is in `column`.
#[derive(Clone, Copy)]
struct Column {
    line_start: usize,
    byte: usize,
    column: usize,
}

/// How far after a list's start its items are looked for.
const LIST_WINDOW: usize = 1 << 16;

impl<'t> Locator<'t> {
    pub fn new(text: &'t str) -> Self {
        Locator {
            text,
            line_starts: std::cell::OnceCell::new(),
            cursor: std::cell::Cell::new(None),
            column: std::cell::Cell::new(None),
        }
    }

    /// Where item `k` of `list` is written; the list's own position where it cannot be told.
    pub fn item<T: std::ops::Deref<Target = str>>(&self, list: &Spanned<Vec<T>>, k: usize) -> Loc {
        let fallback = loc(list);
        let Some(start) = list.byte_offset() else {
            return fallback;
        };
        // Go on from the last search in this list if it stopped before item `k`; else start over.
        let resumed = self.cursor.get().filter(|c| c.list == start && c.items <= k);
        let (mut i, mut from) = match resumed {
            Some(Cursor { after: None, .. }) => return fallback,
            Some(Cursor { items, after: Some(after), .. }) => (items, after),
            None => (0, start),
        };
        let mut found = None;
        for item in list.value.iter().skip(i).take(k + 1 - i) {
            match self.word(from, item.trim()) {
                Some(at) => {
                    found = Some(at);
                    from = at + item.trim().len();
                    i += 1;
                }
                None => {
                    self.cursor.set(Some(Cursor { list: start, items: i, after: None }));
                    return fallback;
                }
            }
        }
        self.cursor.set(Some(Cursor { list: start, items: i, after: Some(from) }));
        match found {
            // A quoted item starts at its quote, as the parser counts it.
            Some(at) if i == k + 1 => {
                let quoted = self.text[..at].ends_with(['"', '\'']);
                self.loc_at(if quoted { at - 1 } else { at })
            }
            _ => fallback,
        }
    }

    /// The first place at or after `from` where `word` stands on its own.
    fn word(&self, from: usize, word: &str) -> Option<usize> {
        let part = |c: char| c.is_alphanumeric() || "._-".contains(c);
        let end = (from + LIST_WINDOW).min(self.text.len());
        let window = self.text.get(from..end)?;
        let mut start = 0;
        while !word.is_empty() {
            let at = start + window.get(start..)?.find(word)?;
            let before = window[..at].chars().next_back().is_none_or(|c| !part(c));
            let after = window[at + word.len()..].chars().next().is_none_or(|c| !part(c));
            if before && after {
                return Some(from + at);
            }
            start = at + word.len();
        }
        None
    }

    fn loc_at(&self, byte: usize) -> Loc {
        let starts = self
            .line_starts
            .get_or_init(|| std::iter::once(0).chain(self.text.match_indices('\n').map(|(i, _)| i + 1)).collect());
        let line = starts.partition_point(|&s| s <= byte);
        let start = starts[line.saturating_sub(1)];
        // Counted on from the last column on this line, if it is before `byte`.
        let (from, before) = match self.column.get() {
            Some(c) if c.line_start == start && c.byte <= byte => (c.byte, c.column - 1),
            _ => (start, 0),
        };
        let column = match self.text.get(from..byte) {
            Some(t) => {
                let column = before + t.chars().count() + 1;
                self.column.set(Some(Column { line_start: start, byte, column }));
                column
            }
            None => 1,
        };
        Loc::new(line as u64, column as u64)
    }
}

/// The most values (YAML nodes) a register of `len` bytes may hold: one for every four bytes of
/// its text, and a quarter of a million more. A register writes a value in 9 to 13 bytes on
/// average (an id, a name, a list of controls; ismsaudit's examples and benchmark registers),
/// so one under the size limit is never refused for its number of values, while what a
/// register costs to read stays in proportion to its size: a file made of one-letter values
/// stops early. (A fixed ceiling of 4,000,000 refused a 48 MiB register of 100,000 areas.)
pub fn max_values(len: usize) -> usize {
    len / 4 + (1 << 18)
}

/// The parser's options for a register of `len` bytes: the values it may hold follow its size
/// (see [`max_values`]).
pub fn options(len: usize) -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_nodes = max_values(len);
    budget.max_events = 2 * max_values(len);
    // Anchors and merge keys (`<<: *name`) save typing in a register, a few dozen times; a
    // kilobyte of nested merges could otherwise copy a million events (hundreds of MiB).
    budget.max_recorded_anchor_events = 100_000;
    budget.max_merge_keys = 1_000;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options
}

/// Whether `e` is a limit of the YAML reader (size, depth, aliases): nothing to read past.
pub(super) fn is_limit(e: &serde_saphyr::Error) -> bool {
    limit_reached(e, 0).is_some()
}

/// A limit of the YAML reader, in the register's words, or `None` for any other error.
fn limit_reached(e: &serde_saphyr::Error, len: usize) -> Option<(String, &'static str)> {
    use serde_saphyr::Error as E;
    use serde_saphyr::budget::BudgetBreach as B;
    let aliases = "aliases expanding this much look like a YAML bomb: write the values out";
    // The error itself, under the alias that led to it.
    let mut e = e;
    while let E::AliasError { error, .. } | E::WithSnippet { error, .. } = e {
        e = error;
    }
    Some(match e {
        E::Budget { breach, .. } => match breach {
            B::Nodes { .. } | B::Events { .. } => (
                format!(
                    "the register holds more than {} values, more than its size allows (one for every four bytes)",
                    crate::diagnostic::thousands(max_values(len))
                ),
                "a register writes a value in 9 to 13 bytes on average: check that this file is the register",
            ),
            B::Aliases { .. } | B::Anchors { .. } | B::AliasAnchorRatio { .. } => {
                ("the register uses too many aliases (`*name`)".to_string(), aliases)
            }
            B::RecordedAnchorEvents { .. } | B::MergeKeys { .. } => {
                ("the register's anchors and merge keys (`<<: *name`) copy too much".to_string(), aliases)
            }
            B::Depth { .. } => (
                "the register nests lists and keys too deep".to_string(),
                "a register is a few levels deep: check the indentation",
            ),
            B::ScalarBytes { .. } | B::InputBytes { .. } => {
                ("the register holds more than 64 MiB of text".to_string(), "check that this file is the register")
            }
            _ => ("the register is beyond what the YAML reader accepts".to_string(), aliases),
        },
        E::AliasReplayLimitExceeded { .. }
        | E::AliasExpansionLimitExceeded { .. }
        | E::AliasReplayStackDepthExceeded { .. } => {
            ("the register's aliases (`*name`) expand too far".to_string(), aliases)
        }
        _ => return None,
    })
}

/// The register's bytes as text: UTF-8, or an error at the line and column of the first byte
/// that is not.
pub fn decode<'a>(file: &str, bytes: &'a [u8]) -> Result<&'a str, crate::diagnostic::InputError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let good = &bytes[..e.valid_up_to()];
        let line = good.iter().filter(|b| **b == b'\n').count() + 1;
        let start = good.iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1);
        // Everything before the bad byte is UTF-8, so its characters can be counted.
        let column = std::str::from_utf8(&good[start..]).map_or(1, |s| s.chars().count() + 1);
        let byte = bytes[e.valid_up_to()];
        crate::diagnostic::InputError::one(
            file,
            Diagnostic::new(Loc::new(line as u64, column as u64), format!("byte 0x{byte:02x} is not UTF-8 text"))
                .hint("save the register as UTF-8"),
        )
    })
}

/// Turns a YAML or shape error into a one-line diagnostic in the register's terms: the parser
/// speaks of Rust types and its own options, users of keys, lists and values.
pub(super) fn yaml_diagnostic(e: &serde_saphyr::Error, text: &str) -> Diagnostic {
    let loc = e.location().and_then(Loc::of);
    if let Some((message, hint)) = limit_reached(e.without_snippet(), text.len()) {
        return Diagnostic::new(loc, message).hint(hint);
    }
    let raw = serde_saphyr::DefaultMessageFormatter.format_message(e.without_snippet()).into_owned();
    // A tab where YAML wants spaces: point at the tab itself, which the parser does not.
    if raw.contains("found a tab") || raw.contains("tabs") {
        let from = loc.map_or(0, |l| line_start(text, u64::from(l.line)));
        if let Some(at) = text.get(from..).and_then(|t| t.find('\t')).map(|i| from + i) {
            let line = text[..at].matches('\n').count() + 1;
            let column = text[line_start(text, line as u64)..at].chars().count() + 1;
            return Diagnostic::new(Loc::new(line as u64, column as u64), "a tab in the indentation")
                .hint("YAML indents with spaces: replace the tab with spaces");
        }
    }
    let (mut message, mut hint) = plain_words(&raw);
    // serde writes "unknown field `x`, expected one of a, b" (and "unknown variant ..."). A close
    // match is a better hint than the whole list.
    for (kind, what) in [("unknown field `", "unknown key"), ("unknown variant `", "unknown value")] {
        if let Some(rest) = raw.strip_prefix(kind)
            && let Some((written, expected)) = rest.split_once('`')
        {
            let options = expected.split_once("one of ").map(|(_, l)| l).unwrap_or("");
            let known = options.split(", ").map(|s| s.trim_matches('`'));
            message = format!("{what} `{written}`");
            // Else the keys of which it is a part (`lead_weeks`: two of them), when few.
            let containing: Vec<String> = (known.clone())
                .filter(|k| written.len() >= 3 && k.contains(&*written.to_lowercase()))
                .map(|k| format!("`{k}`"))
                .collect();
            hint = Some(match catalogue::closest(written, known) {
                Some(close) => format!("did you mean `{close}`?"),
                None if (1..=3).contains(&containing.len()) => format!("did you mean {}?", containing.join(" or ")),
                // `{note: a, b}` reads `b` as a key: the usual slip inside braces.
                None if what == "unknown key" && written.contains(' ') => {
                    "inside `{...}` a comma ends a value: put text with commas in quotes".to_string()
                }
                None => format!("expected one of {options}"),
            });
        }
    }
    // A key written with nothing after it: name the key rather than the colon.
    let found = loc.and_then(|l| source_at(text, l));
    let empty = found.as_deref().is_none_or(|f| f.starts_with(':'));
    if empty
        && let Some(l) = loc
        && let Some(line) = (l.line.checked_sub(1)).and_then(|n| text.lines().nth(n as usize))
        && let Some(key) = key_before(line, l.column)
    {
        match message.as_str() {
            // An empty value read as null where one of a few words is expected (`risk:`).
            "missing value" | "unknown value `~`" => message = format!("missing value for `{key}`"),
            "expected a list" => {
                message = format!("`{key}` has no list");
                hint = Some(format!("write `{key}: []` for none, or one `- item` per line"));
            }
            _ => {}
        }
    }
    if !message.contains('`')
        && let Some(found) = found
    {
        message = format!("{message}: found `{found}`");
    }
    let diagnostic = Diagnostic::new(loc, message);
    match hint {
        Some(h) => diagnostic.hint(h),
        None => diagnostic,
    }
}

/// The register is one YAML document: the error where it holds more, at the second's start.
pub(super) fn more_than_one_document(at: Option<Loc>) -> Diagnostic {
    Diagnostic::new(at, "the register holds more than one YAML document")
        .hint("keep one: remove the `---` line and what follows")
}

/// Where a second YAML document begins, if the text holds one (asked once reading has failed).
pub(super) fn second_document(text: &str) -> Option<Loc> {
    use granit_parser::{Event, Parser};
    let mut starts =
        Parser::new_from_str(text).map_while(Result::ok).filter(|(event, _)| matches!(event, Event::DocumentStart(..)));
    let (_, span) = starts.nth(1)?;
    Some(Loc::new(span.start.line() as u64, span.start.col() as u64 + 1))
}

/// Every key given twice in one mapping, at its second place, in file order. The parser stops
/// at the first; this second pass, made only then, finds the rest. Keys are compared as written
/// (as the parser does), and a mapping whose key is itself a list or mapping is left alone.
pub(super) fn duplicate_keys(text: &str, errors: &mut Errors) {
    use granit_parser::{Event, Parser};
    /// An open mapping (its keys so far, and whether the next node is a key) or list.
    enum Open {
        Mapping { keys: HashMap<String, u64>, key_next: bool },
        List,
    }
    let mut open: Vec<Open> = Vec::new();
    for item in Parser::new_from_str(text) {
        let Ok((event, span)) = item else { break };
        let node =
            matches!(event, Event::Scalar(..) | Event::MappingStart(..) | Event::SequenceStart(..) | Event::Alias(..));
        let is_key = match open.last_mut() {
            Some(Open::Mapping { key_next, .. }) if node => std::mem::replace(key_next, !*key_next),
            _ => false,
        };
        match event {
            // `<<` is YAML's merge key, which a mapping may repeat.
            Event::Scalar(key, ..) if is_key && key != "<<" => {
                let line = span.start.line() as u64;
                if let Some(Open::Mapping { keys, .. }) = open.last_mut()
                    && let Some(first) = keys.insert(key.to_string(), line)
                {
                    keys.insert(key.to_string(), first);
                    let at = Loc::new(line, span.start.col() as u64 + 1);
                    if !errors.wants(at) {
                        errors.skip();
                        continue;
                    }
                    let message = format!("duplicate key `{}`", crate::text::shortened(&key, 60));
                    errors.push(
                        Diagnostic::new(at, message).hint(format!("give each key once (it is also on line {first})")),
                    );
                }
            }
            Event::MappingStart(..) => open.push(Open::Mapping { keys: HashMap::new(), key_next: true }),
            Event::SequenceStart(..) => open.push(Open::List),
            Event::MappingEnd | Event::SequenceEnd => _ = open.pop(),
            _ => {}
        }
    }
}

/// The byte where line `line` (1-based) starts.
fn line_start(text: &str, line: u64) -> usize {
    if line <= 1 {
        return 0;
    }
    text.match_indices('\n').nth(line as usize - 2).map_or(text.len(), |(i, _)| i + 1)
}

/// The parser's message in the register's words, with a hint where one helps.
fn plain_words(raw: &str) -> (String, Option<String>) {
    let said = |m: &str, h: &str| (m.to_string(), Some(h.to_string()));
    if let Some(rest) = raw.strip_prefix("duplicate mapping key: ") {
        let key = rest.split(',').next().unwrap_or(rest).trim();
        return (format!("duplicate key `{key}`"), Some("give each key once".to_string()));
    }
    if let Some(rest) = raw.strip_prefix("missing field ") {
        let key = rest.trim_matches('`');
        return (format!("missing key `{key}`"), Some(format!("add `{key}:` with its value")));
    }
    if raw.starts_with("multiple YAML documents") {
        let d = more_than_one_document(None);
        return (d.message, d.hint);
    }
    if raw.starts_with("cannot deserialize null") {
        return said("missing value", "write a value after the colon");
    }
    if raw.starts_with("expected sequence") {
        return said("expected a list", "write `[a, b]`, or one `- item` per line");
    }
    if raw.starts_with("expected mapping") {
        return said("expected keys with values", "write `key: value` lines, or `{key: value}`");
    }
    if raw.starts_with("expected string") {
        return said("expected a single value", "write one value here, not a list or a mapping");
    }
    if raw.starts_with("recursion limit exceeded") {
        return said(
            "the register nests lists and keys too deep",
            "a register is a few levels deep: check the indentation",
        );
    }
    if raw.starts_with("invalid u") || raw.starts_with("invalid i") {
        return said("expected a whole number, 0 or more", "write digits only, e.g. `6`");
    }
    if raw.starts_with("invalid type") && raw.ends_with("`{date: YYYY-MM-DD, ...}`") {
        return said("expected a date", "write YYYY-MM-DD, or `{date: YYYY-MM-DD, ...}`");
    }
    (raw.to_string(), None)
}

/// The key whose colon is at (or just before) `column` of `line`: `risk` in `    risk:` and in
/// `- {id: x, risk: }`.
fn key_before(line: &str, column: u32) -> Option<&str> {
    let at = line.char_indices().nth(usize::try_from(column).ok()?.saturating_sub(1)).map_or(line.len(), |(i, _)| i);
    let before = line[..at].trim_end().trim_end_matches(':');
    let key = before.rsplit(['{', ',', ' ', '\t']).next()?.trim();
    (!key.is_empty() && !key.starts_with(['-', '[', '"', '\''])).then_some(key)
}

/// The text from `loc` to the end of its line, shortened, for messages.
fn source_at(text: &str, loc: Loc) -> Option<String> {
    let line = text.lines().nth(usize::try_from(loc.line).ok()?.checked_sub(1)?)?;
    let rest: String = line.chars().skip(usize::try_from(loc.column).ok()?.saturating_sub(1)).collect();
    let rest = rest.split(" #").next().unwrap_or("").trim();
    if rest.is_empty() {
        return None;
    }
    let mut short: String = rest.chars().take(40).collect();
    if short.len() < rest.len() {
        short.push_str("...");
    }
    Some(short)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[test]
    fn every_duplicate_key_but_merge_keys() {
        let text = "base: &b {x: 1}\nother: &o {y: 2}\nm:\n  <<: *b\n  <<: *o\n  z: 1\n  z: 2\nm: 3\n";
        let mut errors = Errors::new();
        duplicate_keys(text, &mut errors);
        let said = errors.into_error("t.yaml").to_string();
        assert_eq!(
            said,
            "t.yaml:7:3: error: duplicate key `z`; give each key once (it is also on line 6)\n\
             t.yaml:8:1: error: duplicate key `m`; give each key once (it is also on line 3)"
        );
    }

    #[derive(Deserialize)]
    struct Lists {
        a: Spanned<Vec<String>>,
        b: Spanned<Vec<String>>,
    }

    /// Items located in list order, going on from the last one, are where a search from the
    /// list's start finds them: repeated words, quotes, items spread over lines, a second list
    /// in between, an item asked for again, and a list whose item cannot be found.
    #[test]
    fn items_located_in_turn_are_where_a_search_from_the_start_finds_them() {
        let text = "a: [x1, 'x1', x10, \"Zürich\", x1,\n    y, ä.b, x1]\nb:\n  - one\n  - \"two\"\n  - x1\n";
        let lists: Lists = serde_saphyr::from_str(text).unwrap();
        let fresh = |list: &Spanned<Vec<String>>, k: usize| Locator::new(text).item(list, k);
        let expected: Vec<Loc> = (0..lists.a.value.len()).map(|k| fresh(&lists.a, k)).collect();
        let columns: Vec<(u32, u32)> = expected.iter().map(|l| (l.line, l.column)).collect();
        assert_eq!(columns, [(1, 5), (1, 9), (1, 15), (1, 20), (1, 30), (2, 5), (2, 8), (2, 13)]);
        let locator = Locator::new(text);
        let mut seen = Vec::new();
        for k in 0..lists.a.value.len() {
            seen.push(locator.item(&lists.a, k));
            // Another list in between, and an item asked for again, start over.
            assert_eq!(locator.item(&lists.b, 1), Loc::new(5, 5));
            assert_eq!(locator.item(&lists.a, k), seen[k]);
        }
        assert_eq!(seen, expected);
        // Skipping items goes on from the last one found, too.
        let locator = Locator::new(text);
        assert_eq!(locator.item(&lists.a, 2), expected[2]);
        assert_eq!(locator.item(&lists.a, 6), expected[6]);
        // An item not written as the list holds it (here, changed after parsing): it and every
        // item after it are reported at the list.
        let mut changed = Lists { a: lists.a, b: lists.b };
        changed.b.value[1] = "three".to_string();
        let locator = Locator::new(text);
        assert_eq!(locator.item(&changed.b, 0), Loc::new(4, 5));
        assert_eq!(locator.item(&changed.b, 1), loc(&changed.b));
        assert_eq!(locator.item(&changed.b, 2), loc(&changed.b));
        assert_eq!(locator.item(&changed.b, 0), Loc::new(4, 5));
    }
}
