//! The starter register `ismsaudit init` writes.

use chrono::{Months, NaiveDate};

use crate::calendar::Calendar;
use crate::settings::{Number, Settings};

const TEMPLATE: &str = include_str!("starter.yaml");

/// A register that validates and plans as written: its `id`, an `isms-core` area with all 23
/// clauses, and areas that carry all 93 controls; before certification, Stage 1 three months
/// after `today` (on a workday); for an organisation already certified (`decision`), the
/// initial decision, the record of certification-body audits to fill in, and the internal
/// record taken as complete from `today` (the rounds before it are not judged).
pub fn starter(today: NaiveDate, id: &str, decision: Option<NaiveDate>) -> String {
    let certification = match decision {
        None => {
            let nominal = today.checked_add_months(Months::new(3)).unwrap_or(today);
            let stage1 = Calendar::new(&Settings::default()).open_on_or_before(nominal);
            format!(
                "certification:
  stage1: {stage1}                 # planned Stage 1; once certified, add `decision:`
  # stage2: ...                    # optional: default Stage 1 + 4 weeks
  # decision: ...                  # optional before certification: default Stage 2 + 4 weeks
"
            )
        }
        Some(decision) => format!(
            "certification:
  decision: {decision}             # the INITIAL certification decision: every anniversary counts from
                                   # it, whatever date the certificate in your hands was reissued on
  # expiry: ...                    # as printed on the certificate: checked against `decision`
  surveillance: []                 # the surveillance audits held (and booked), in date order
  # recertification: [{{date: ..., decision: ...}}]   # recertification audits held or booked

# Taken over mid-cycle: the internal audits and reviews are recorded from this day on (list those
# held since under `audits:` and `reviews:`); rounds that began before it are not judged, and
# `check` says so once. Move it back as you add older records.
programme:
  record_from: {today}
"
        ),
    };
    TEMPLATE.replace("{certification}", &certification).replace("{id}", id).replace("{numbers}", &numbers())
}

/// The numeric settings, commented out: each with its default and range, from the table.
fn numbers() -> String {
    let entries: Vec<(String, &Number)> =
        Settings::NUMBERS.iter().map(|n| (format!("{}: {}", n.key, n.default), n)).collect();
    let width = entries.iter().map(|(e, _)| e.len()).max().unwrap_or(0) + 1;
    let lines: Vec<String> = entries.iter().map(|(e, n)| format!("#   {e:<width$}# {}-{}", n.min, n.max)).collect();
    lines.join("\n")
}
