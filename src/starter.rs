//! The starter register `ismsaudit init` writes.

use chrono::{Months, NaiveDate};

use crate::calendar::Calendar;
use crate::settings::{Number, Settings};

const TEMPLATE: &str = include_str!("starter.yaml");

/// A register that validates and plans as written: its `id`, Stage 1 three months after
/// `today` (on a workday), an `isms-core` area with all 23 clauses, and areas that carry all 93
/// controls.
pub fn starter(today: NaiveDate, id: &str) -> String {
    let nominal = today.checked_add_months(Months::new(3)).unwrap_or(today);
    let stage1 = Calendar::new(&Settings::default()).open_on_or_before(nominal);
    TEMPLATE.replace("{stage1}", &stage1.to_string()).replace("{id}", id).replace("{numbers}", &numbers())
}

/// The numeric settings, commented out: each with its default and range, from the table.
fn numbers() -> String {
    let entries: Vec<(String, &Number)> =
        Settings::NUMBERS.iter().map(|n| (format!("{}: {}", n.key, n.default), n)).collect();
    let width = entries.iter().map(|(e, _)| e.len()).max().unwrap_or(0) + 1;
    let lines: Vec<String> = entries.iter().map(|(e, n)| format!("#   {e:<width$}# {}-{}", n.min, n.max)).collect();
    lines.join("\n")
}
