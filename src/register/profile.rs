//! What the certification body's estimates rest on: the persons in the scope, the sites, and
//! where the register gives it, the body's own audit-time table. None of it changes a planned
//! date; it sizes the external audits (ISO/IEC 27006-1 Annex C, IAF MD 1, IAF MD 5).

use std::fmt;

use crate::diagnostic::Loc;
use crate::settings::{Blackout, YearlyBlackout};

/// A number of audit days, in tenths of a day (audit-time tables give 8.5 days).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Tenths(pub u32);

impl Tenths {
    /// `self` times `num / den`, rounded up to a tenth: an estimate of audit time is not
    /// rounded below what the rule gives.
    pub fn scaled(self, num: u32, den: u32) -> Tenths {
        Tenths((u64::from(self.0) * u64::from(num)).div_ceil(u64::from(den.max(1))) as u32)
    }
}

impl fmt::Display for Tenths {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 % 10 {
            0 => write!(f, "{}", self.0 / 10),
            t => write!(f, "{}.{t}", self.0 / 10),
        }
    }
}

impl serde::Serialize for Tenths {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(f64::from(self.0) / 10.0)
    }
}

/// The organisation as the certification body sizes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// Persons doing work under the organisation's control in the scope: full-time
    /// equivalents, every shift.
    pub persons: Option<u32>,
    /// Groups among them doing identical simple activities.
    pub simple_activities: Vec<SimpleActivity>,
    /// The organisation's sites, one of them the central function, where it lists them.
    pub sites: Vec<Site>,
    /// Whether the certification body may audit a sample of the sites (IAF MD 1): not where
    /// the sites' processes differ.
    pub site_sampling: bool,
    /// The certification body's own audit-time table, where the register gives it.
    pub audit_time: Option<AuditTimeTable>,
    /// Where `persons` is written.
    pub loc: Loc,
}

impl Default for Profile {
    fn default() -> Self {
        Profile {
            persons: None,
            simple_activities: Vec::new(),
            sites: Vec::new(),
            site_sampling: true,
            audit_time: None,
            loc: Loc::default(),
        }
    }
}

impl Profile {
    /// The central function, where the register lists its sites.
    pub fn central(&self) -> Option<&Site> {
        self.sites.iter().find(|s| s.central)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimpleActivity {
    pub activity: String,
    pub persons: u32,
    pub loc: Loc,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    pub id: String,
    pub name: String,
    /// The central function: where the ISMS is managed, audited every time (IAF MD 1).
    pub central: bool,
    /// Its own closures, besides the organisation's: dated, and every year.
    pub closed: Vec<Blackout>,
    pub closed_yearly: Vec<YearlyBlackout>,
    pub loc: Loc,
}

/// An audit-time table: for each band, the most persons in it and the initial audit's days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditTimeTable {
    /// Where the table comes from (a quote, the body's published rules).
    pub source: String,
    /// By `persons`, increasing.
    pub bands: Vec<(u32, Tenths)>,
    pub loc: Loc,
}
