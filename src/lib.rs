//! ismsaudit: plans ISO/IEC 27001 certification cycles and internal-audit programmes from an
//! ISMS register kept in YAML.
//!
//! The modules follow the data: [`register`] (read the text, with positions) -> [`cycle`]
//! (certification-body dates) -> [`valid`] (the register usable on a given day) ->
//! [`programme`] (internal-audit rounds) -> [`plan`] (what to show for a given day)
//! -> [`findings`] (what `check` reports) -> [`render`] (outputs, each writing to any
//! `io::Write`). Nothing here reads the clock:
//! `today` is always a parameter.
//!
//! ```
//! use chrono::NaiveDate;
//!
//! let text = "
//! organisation: Acme Ltd
//! certification: {stage1: 2027-03-15}
//! auditors: [{id: carol}]
//! scope:
//!   - {id: isms-core, owner: dave, risk: high, clauses: [\"9.2\"]}
//! ";
//! let today: NaiveDate = "2026-11-28".parse()?;
//! let register = ismsaudit::valid::Valid::parse("isms.yaml", text, today)?;
//! let plan = ismsaudit::plan::plan(&register, 1);
//!
//! // Round 0 ends six weeks before Stage 1: Monday 1 February 2027.
//! let round0 = &plan.rounds[0];
//! assert_eq!(round0.last_day, "2027-02-01".parse::<NaiveDate>()?);
//! assert_eq!(round0.audits[0].auditor(plan.register), Some("carol"));
//!
//! let mut json = Vec::new();
//! ismsaudit::render::json::write(&plan, &mut json)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod audit_plan;
pub mod book;
pub mod calendar;
pub mod catalogue;
pub mod codes;
pub mod cycle;
pub mod diagnostic;
pub mod findings;
mod grouped;
pub mod plan;
pub mod programme;
pub mod register;
pub mod render;
pub mod settings;
pub mod soa;
pub mod starter;
pub mod text;
pub mod valid;
