//! Outputs. Each renderer writes to any `io::Write` and nothing else.

pub mod check;
pub mod json;
pub mod table;
