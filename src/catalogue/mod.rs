//! The built-in ISO/IEC 27001:2022 catalogues: clauses 4-10 and the Annex A controls.

mod code;
mod data;

pub use code::{Clause, Control};
use data::{CLAUSES, CONTROL_IDS, CONTROLS, CONTROLS_2013, SUB_CLAUSES};

/// Number of Annex A controls in ISO/IEC 27001:2022.
pub(crate) const CONTROL_COUNT: usize = CONTROLS.len();
/// Number of subclauses (4.1 ... 10.2) that internal audits cover.
pub(crate) const CLAUSE_COUNT: usize = CLAUSES.len();

/// Every Annex A control id, written the way registers write them (`A.5.1`), in catalogue order.
pub(crate) fn control_ids() -> impl Iterator<Item = &'static str> {
    CONTROL_IDS.iter().copied()
}

/// Every subclause id (`4.1` ... `10.2`), in catalogue order.
pub(crate) fn clause_ids() -> impl Iterator<Item = &'static str> {
    CLAUSES.iter().map(|(id, _)| *id)
}

/// The position of control `x.y` (without the `A.` prefix) in the catalogue, if it is one: themes
/// 5 to 8 have 37, 8, 14 and 34 controls, numbered from 1.
fn control_index(bare: &str) -> Option<usize> {
    let (theme, number) = bare.split_once('.')?;
    let digits = |s: &str| !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(theme) || !digits(number) || number.starts_with('0') {
        return None;
    }
    let (theme, number): (usize, usize) = (theme.parse().ok()?, number.parse().ok()?);
    let (first, count) = match theme {
        5 => (0, 37),
        6 => (37, 8),
        7 => (45, 14),
        8 => (59, 34),
        _ => return None,
    };
    (1..=count).contains(&number).then(|| first + number - 1)
}

/// The title of a control given as `A.5.1`.
pub(crate) fn control_title(id: &str) -> Option<&'static str> {
    control_index(id.strip_prefix("A.")?).map(|i| CONTROLS[i].1)
}

/// The third-level clauses a register may name (`6.1.2`), each with its title: each counts
/// toward its subclause.
pub(crate) fn third_level_clauses() -> impl Iterator<Item = (&'static str, &'static str)> {
    SUB_CLAUSES.iter().copied()
}

/// The title of a subclause such as `9.2`.
pub(crate) fn clause_title(id: &str) -> Option<&'static str> {
    CLAUSES.iter().find(|(c, _)| *c == id).map(|(_, t)| *t)
}

/// Why a control id is not an ISO/IEC 27001:2022 Annex A control.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum UnknownControl {
    /// Not a control; the closest 2022 control by spelling, if one is close.
    Unknown(Option<String>),
    /// An ISO/IEC 27001:2013 id (`A.12.4.1`, or a category or theme from `A.9` to `A.18`): what it
    /// is (`control`, `category` or `theme`) and the 2022 controls that carry it, by ISO/IEC
    /// 27002:2022 Annex B. Empty when no 2013 control has that id.
    Edition2013 { what: &'static str, counterparts: Vec<String> },
}

/// Resolves a control as written in `controls:` or `soa.excluded` to its canonical `A.x.y` id.
/// `5.1` without the prefix is accepted and means A.5.1.
pub(crate) fn canonical_control(written: &str) -> Result<&'static str, UnknownControl> {
    if let Some(c) = control(written) {
        return Ok(c);
    }
    let trimmed = written.trim();
    let bare = trimmed.strip_prefix("A.").unwrap_or(trimmed);
    if let Some(e) = edition_2013(bare) {
        return Err(e);
    }
    Err(UnknownControl::Unknown(closest(trimmed, control_ids())))
}

/// `canonical_control` without saying why an id is not a control: no suggestion is looked for.
pub fn control(written: &str) -> Option<&'static str> {
    Control::of(written).map(Control::id)
}

impl Control {
    /// The control `written` names (`A.5.1`, or `5.1`), if it is one.
    pub fn of(written: &str) -> Option<Control> {
        let trimmed = written.trim();
        control_index(trimmed.strip_prefix("A.").unwrap_or(trimmed)).and_then(Control::at)
    }
}

/// Recognises the shapes of ISO/IEC 27001:2013 Annex A ids: three levels (`12.4.1`), or anything
/// under the themes 9 to 18, which 2022 does not have. A spelling suggestion would mislead there.
fn edition_2013(bare: &str) -> Option<UnknownControl> {
    let parts: Vec<&str> = bare.split('.').collect();
    let numeric = parts.iter().all(|p| !p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit()));
    let theme: u32 = parts.first()?.parse().ok()?;
    if !numeric || !(5..=18).contains(&theme) || parts.len() > 3 || (parts.len() < 3 && theme < 9) {
        return None;
    }
    let what = ["theme", "category", "control"][parts.len() - 1];
    let prefix = if parts.len() == 3 { bare.to_string() } else { format!("{bare}.") };
    let mut counterparts: Vec<String> = Vec::new();
    for (old, new) in CONTROLS_2013 {
        if *old == prefix || (parts.len() < 3 && old.starts_with(&prefix)) {
            for id in new.iter() {
                let id = format!("A.{id}");
                if !counterparts.contains(&id) {
                    counterparts.push(id);
                }
            }
        }
    }
    // Catalogue order, so `A.5.36, A.8.8` reads like the standard.
    counterparts.sort_by_key(|id| control_ids().position(|c| c == id));
    Some(UnknownControl::Edition2013 { what, counterparts })
}

/// Resolves a clause as written in `clauses:` to the subclause it counts toward:
/// a third-level id such as `6.1.2` counts toward `6.1`.
pub(crate) fn canonical_clause(written: &str) -> Result<&'static str, Option<String>> {
    clause(written).ok_or_else(|| closest(written.trim(), CLAUSES.iter().chain(SUB_CLAUSES.iter()).map(|(c, _)| *c)))
}

/// `canonical_clause` without a suggestion for an id that is not a clause.
pub fn clause(written: &str) -> Option<&'static str> {
    Clause::of(written).map(Clause::id)
}

impl Clause {
    /// The subclause `written` counts toward (`6.1.2` counts toward `6.1`), if any.
    pub fn of(written: &str) -> Option<Clause> {
        let id = written.trim();
        let place = |id: &str| CLAUSES.iter().position(|(c, _)| *c == id).and_then(Clause::at);
        if let Some(c) = place(id) {
            return Some(c);
        }
        if SUB_CLAUSES.iter().any(|(c, _)| *c == id) {
            // Every third-level id has the form `x.y.z`; its parent is `x.y`, a clause.
            return id.rsplit_once('.').and_then(|(parent, _)| place(parent));
        }
        None
    }
}

/// Suggestions are looked for only for ids up to this long ...
const MAX_SUGGESTED_CHARS: usize = 64;
/// ... among at most this many candidates of a near length, so that a hint costs little
/// whatever the register holds.
const MAX_CANDIDATES: usize = 2_000;

/// The closest known id to a mistyped one, for "did you mean" hints.
pub(crate) fn closest<S: AsRef<str>>(written: &str, known: impl Iterator<Item = S>) -> Option<String> {
    let length = written.chars().count();
    if length > MAX_SUGGESTED_CHARS {
        return None;
    }
    // An edit distance of at most `limit` needs lengths at most `limit` apart.
    let limit = |k: &str| 2.max(k.chars().count() / 3);
    // Nearest by edit distance; among equals, the one sharing the longest prefix (`A.8.1x`
    // is more likely `A.8.10` than `A.5.10`), then the one of the same length (a slip of one
    // digit), then the first in catalogue order.
    let shared_prefix = |k: &str| written.chars().zip(k.chars()).take_while(|(a, b)| a == b).count();
    known
        .filter(|k| k.as_ref().chars().count().abs_diff(length) <= limit(k.as_ref()))
        .take(MAX_CANDIDATES)
        .map(|k| (strsim::damerau_levenshtein(written, k.as_ref()), k))
        .filter(|(d, k)| *d > 0 && *d <= limit(k.as_ref()))
        .min_by_key(|(d, k)| (*d, usize::MAX - shared_prefix(k.as_ref()), k.as_ref().len().abs_diff(written.len())))
        .map(|(_, k)| k.as_ref().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edition_2013(what: &'static str, ids: &[&str]) -> Result<&'static str, UnknownControl> {
        Err(UnknownControl::Edition2013 { what, counterparts: ids.iter().map(|s| s.to_string()).collect() })
    }

    #[test]
    fn edition_2013_ids_give_their_2022_counterparts() {
        assert_eq!(CONTROLS_2013.len(), 114);
        assert_eq!(canonical_control("A.12.4.1"), edition_2013("control", &["A.8.15"]));
        assert_eq!(canonical_control("A.18.2.3"), edition_2013("control", &["A.5.36", "A.8.8"]));
        assert_eq!(canonical_control("A.5.1.1"), edition_2013("control", &["A.5.1"]));
        // A category gathers its controls' counterparts, in catalogue order.
        assert_eq!(canonical_control("A.12.4"), edition_2013("category", &["A.8.15", "A.8.17"]));
        assert!(matches!(canonical_control("A.9"), Err(UnknownControl::Edition2013 { what: "theme", .. })));
        // 2013-shaped but no such control: still never a spelling suggestion.
        assert_eq!(canonical_control("A.12.4.9"), edition_2013("control", &[]));
        // Two levels under themes 5 to 8 are 2022 ids, valid or mistyped.
        assert_eq!(canonical_control("A.6.2"), Ok("A.6.2"));
        assert!(matches!(canonical_control("A.5.38"), Err(UnknownControl::Unknown(_))));
    }

    #[test]
    fn catalogue_sizes_match_the_standard() {
        assert_eq!(CONTROL_COUNT, 93);
        assert_eq!(CLAUSE_COUNT, 23);
        let themes = ["5.", "6.", "7.", "8."].map(|p| CONTROLS.iter().filter(|(c, _)| c.starts_with(p)).count());
        assert_eq!(themes, [37, 8, 14, 34]);
    }

    #[test]
    fn controls_accept_both_spellings() {
        assert_eq!(canonical_control("A.8.12"), Ok("A.8.12"));
        assert_eq!(canonical_control("5.1"), Ok("A.5.1"));
        for (i, id) in control_ids().enumerate() {
            assert_eq!(canonical_control(id), Ok(id));
            assert_eq!(control_title(id), Some(CONTROLS[i].1));
        }
        assert!(canonical_control("A.5.01").is_err() && canonical_control("A.5.38").is_err());
        assert_eq!(canonical_control("A.8.35"), Err(UnknownControl::Unknown(Some("A.8.30".into()))));
        assert!(canonical_control("A.9.1").is_err());
    }

    #[test]
    fn third_level_clauses_count_toward_their_parent() {
        assert_eq!(canonical_clause("6.1.2"), Ok("6.1"));
        assert_eq!(canonical_clause("10.2"), Ok("10.2"));
        assert!(canonical_clause("11.1").is_err());
        assert_eq!(clause_title("10.1"), Some("Continual improvement"));
    }

    #[test]
    fn suggestions_find_near_misses() {
        assert_eq!(canonical_control("A.8.1x"), Err(UnknownControl::Unknown(Some("A.8.10".into()))));
        assert_eq!(canonical_control("A8.12"), Err(UnknownControl::Unknown(Some("A.8.12".into()))));
        assert_eq!(canonical_control("nonsense-control"), Err(UnknownControl::Unknown(None)));
    }
}
