//! Outputs. Each renderer writes to any `io::Write` and nothing else.

pub mod agenda;
pub mod audit_plan;
pub mod calendar;
pub mod check;
pub mod colour;
mod cost;
pub mod csv;
mod grid;
pub mod html;
pub mod ics;
pub mod json;
pub mod markdown;
pub mod report;
pub mod soa;
pub mod summary;
pub mod table;
pub mod xlsx;
