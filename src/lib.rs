//! ismsaudit: plans ISO/IEC 27001 certification cycles and internal-audit programmes from an
//! ISMS register kept in YAML.
//!
//! The modules follow the data: [`register`] (load and check) -> [`cycle`] (certification-body
//! dates) -> [`programme`] (internal-audit rounds) -> [`plan`] (what to show for a given day)
//! -> [`render`] (outputs, each writing to any `io::Write`). Nothing here reads the clock:
//! `today` is always a parameter.

pub mod catalogue;
pub mod cycle;
pub mod diagnostic;
pub mod findings;
pub mod plan;
pub mod programme;
pub mod register;
pub mod render;
pub mod starter;
