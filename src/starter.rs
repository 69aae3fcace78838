//! The starter register `ismsaudit init` writes.

use chrono::{Months, NaiveDate};

use crate::calendar::Calendar;
use crate::register::Settings;

const TEMPLATE: &str = include_str!("starter.yaml");

/// A register that validates and plans as written: its `id`, Stage 1 three months after
/// `today` (on a workday), an `isms-core` area with all 23 clauses, and areas that carry all 93
/// controls.
pub fn starter(today: NaiveDate, id: &str) -> String {
    let nominal = today.checked_add_months(Months::new(3)).unwrap_or(today);
    let stage1 = Calendar::new(&Settings::default()).open_on_or_before(nominal);
    TEMPLATE.replace("{stage1}", &stage1.to_string()).replace("{id}", id)
}
