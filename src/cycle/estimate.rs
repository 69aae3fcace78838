//! What certification costs, as the rules let an organisation estimate it: the certification
//! body's audit days for each audit of the cycle, and how many sites it samples. Estimates
//! only: the certification body determines audit time (ISO/IEC 17021-1 9.1.4), and the table
//! here is the one published rules reproduce, which a register may replace with its body's own.

use crate::register::{AuditTimeTable, Profile, Tenths};

/// The initial audit's days (Stage 1 and Stage 2 together) by the most persons in each band:
/// the ISMS audit-time table of ISO/IEC 27006 Annex C, as certification bodies reproduce it.
pub const TABLE: [(u32, Tenths); 22] = [
    (10, Tenths(50)),
    (15, Tenths(60)),
    (25, Tenths(70)),
    (45, Tenths(85)),
    (65, Tenths(100)),
    (85, Tenths(110)),
    (125, Tenths(120)),
    (175, Tenths(130)),
    (275, Tenths(140)),
    (425, Tenths(150)),
    (625, Tenths(165)),
    (875, Tenths(175)),
    (1175, Tenths(185)),
    (1550, Tenths(195)),
    (2025, Tenths(210)),
    (2675, Tenths(220)),
    (3450, Tenths(230)),
    (4350, Tenths(240)),
    (5450, Tenths(250)),
    (6800, Tenths(260)),
    (8500, Tenths(270)),
    (10700, Tenths(280)),
];

/// Where [`TABLE`] comes from, as outputs cite it.
pub const TABLE_SOURCE: &str = "ISO/IEC 27006-1 Annex C audit-time table (as published by certification bodies)";

/// The largest reduction of the table's time the rules allow for a simpler organisation, in
/// percent (IAF MD 5).
pub const MAX_REDUCTION_PERCENT: u32 = 30;

/// The persons the audit time is looked up with: the head count, with each group doing
/// identical simple activities counted as the square root of its size, rounded up
/// (ISO/IEC 27006-1 C.3.4: the largest reduction allowed).
pub fn effective_persons(persons: u32, groups: &[u32]) -> u32 {
    let in_groups: u32 = groups.iter().sum();
    let counted: u32 = groups.iter().map(|&g| root_up(g, 10)).sum();
    persons.saturating_sub(in_groups) + counted
}

/// The smallest n with n >= k/10 * sqrt(x), in whole numbers: 100 n^2 >= k^2 x (so that 0.6 * 5
/// is 3, where floating point could give 3.0000000000000004).
pub fn root_up(x: u32, k: u32) -> u32 {
    let goal = u64::from(k) * u64::from(k) * u64::from(x);
    let mut n = ((goal as f64).sqrt() / 10.0) as u64;
    while n > 0 && 100 * (n - 1) * (n - 1) >= goal {
        n -= 1;
    }
    while 100 * n * n < goal {
        n += 1;
    }
    n as u32
}

/// The initial audit's days for `persons`, from `table`: the band that holds them; `None` past
/// the table's last band (the certification body then works it out).
pub fn initial_days(table: &[(u32, Tenths)], persons: u32) -> Option<Tenths> {
    table.iter().find(|(most, _)| persons <= *most).map(|(_, days)| *days)
}

/// Which audit of the cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditOf {
    /// Stage 1 and Stage 2.
    Initial,
    Surveillance,
    Recertification,
}

impl AuditOf {
    /// Its share of the initial audit's time, as a fraction (IAF MD 5: surveillance about a
    /// third, recertification about two thirds).
    fn share(self) -> (u32, u32) {
        match self {
            AuditOf::Initial => (1, 1),
            AuditOf::Surveillance => (1, 3),
            AuditOf::Recertification => (2, 3),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AuditOf::Initial => "Stage 1 + Stage 2",
            AuditOf::Surveillance => "Each surveillance",
            AuditOf::Recertification => "Recertification",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            AuditOf::Initial => "initial",
            AuditOf::Surveillance => "surveillance",
            AuditOf::Recertification => "recertification",
        }
    }

    pub const ALL: [AuditOf; 3] = [AuditOf::Initial, AuditOf::Surveillance, AuditOf::Recertification];
}

/// The sites a certification body audits at one audit besides the central function, with `x`
/// sites besides it (IAF MD 1): with sampling, the square root of x at the initial audit, 0.6
/// times it at surveillance and 0.8 times it at recertification, each rounded up; without, every
/// site at the initial and recertification audits and 30% of them (rounded up) at each
/// surveillance, so that every site is visited within the cycle's calendar years.
pub fn sampled_sites(x: u32, audit: AuditOf, sampling: bool) -> u32 {
    match (audit, sampling) {
        (AuditOf::Initial, true) => root_up(x, 10),
        (AuditOf::Surveillance, true) => root_up(x, 6),
        (AuditOf::Recertification, true) => root_up(x, 8),
        (AuditOf::Surveillance, false) => (3 * x).div_ceil(10),
        (_, false) => x,
    }
}

/// One audit's estimate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditEstimate {
    pub audit: AuditOf,
    /// From the table, as the rules share it out; `None` past the table.
    pub days: Option<Tenths>,
    /// After the largest reduction the rules allow.
    pub least: Option<Tenths>,
    /// Sites besides the central function, where the register lists sites.
    pub sites: Option<u32>,
}

/// The certification body's audit time and site sample for the register, where it gives
/// `persons` or `sites`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Estimate {
    pub persons: Option<u32>,
    /// `persons` with the simple activities counted as the rules allow.
    pub effective: Option<u32>,
    pub source: String,
    pub audits: Vec<AuditEstimate>,
    /// Sites besides the central function, and whether they may be sampled.
    pub other_sites: Option<u32>,
    pub sampling: bool,
}

impl Estimate {
    /// The estimate, or `None` where the register gives neither persons nor sites.
    pub fn of(profile: &Profile) -> Option<Estimate> {
        if profile.persons.is_none() && profile.sites.is_empty() {
            return None;
        }
        let groups: Vec<u32> = profile.simple_activities.iter().map(|s| s.persons).collect();
        let effective = profile.persons.map(|p| effective_persons(p, &groups));
        let (table, source): (&[(u32, Tenths)], &str) = match &profile.audit_time {
            Some(AuditTimeTable { bands, source, .. }) => (bands, source),
            None => (&TABLE, TABLE_SOURCE),
        };
        let initial = effective.and_then(|p| initial_days(table, p));
        let other_sites =
            (!profile.sites.is_empty()).then(|| profile.sites.iter().filter(|s| !s.central).count() as u32);
        let audits = AuditOf::ALL
            .iter()
            .map(|&audit| {
                let (num, den) = audit.share();
                let days = initial.map(|d| d.scaled(num, den));
                AuditEstimate {
                    audit,
                    days,
                    least: days.map(|d| d.scaled(100 - MAX_REDUCTION_PERCENT, 100)),
                    sites: other_sites.map(|x| sampled_sites(x, audit, profile.site_sampling)),
                }
            })
            .collect();
        Some(Estimate {
            persons: profile.persons,
            effective,
            source: source.to_string(),
            audits,
            other_sites,
            sampling: profile.site_sampling,
        })
    }

    pub fn of_audit(&self, audit: AuditOf) -> Option<&AuditEstimate> {
        self.audits.iter().find(|a| a.audit == audit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_band_boundary_gives_its_own_days_and_the_next_person_the_next_bands() {
        let mut low = 1;
        for (k, &(most, days)) in TABLE.iter().enumerate() {
            assert_eq!(initial_days(&TABLE, low), Some(days), "{low} persons");
            assert_eq!(initial_days(&TABLE, most), Some(days), "{most} persons");
            if let Some(&(_, next)) = TABLE.get(k + 1) {
                assert_eq!(initial_days(&TABLE, most + 1), Some(next), "{} persons", most + 1);
            }
            low = most + 1;
        }
        assert_eq!(initial_days(&TABLE, 10_701), None);
        // Worked by hand from the table: 1-10 persons 5 days, 26-45 8.5, 8501-10700 28.
        assert_eq!((initial_days(&TABLE, 10), initial_days(&TABLE, 45)), (Some(Tenths(50)), Some(Tenths(85))));
        assert_eq!(initial_days(&TABLE, 9000), Some(Tenths(280)));
    }

    #[test]
    fn simple_activities_count_as_the_square_root_of_their_head_count_rounded_up() {
        // 240 persons, 64 of them picking (8) and 10 cleaning (sqrt 10 = 3.16, so 4).
        assert_eq!(effective_persons(240, &[64, 10]), 240 - 74 + 8 + 4);
        assert_eq!(effective_persons(100, &[]), 100);
        assert_eq!(effective_persons(1, &[1]), 1);
        for (x, root) in [(1, 1), (2, 2), (4, 2), (9, 3), (10, 4), (99, 10), (100, 10), (101, 11)] {
            assert_eq!(root_up(x, 10), root, "sqrt {x}");
        }
    }

    #[test]
    fn surveillance_is_a_third_recertification_two_thirds_and_the_least_seventy_percent() {
        let profile = Profile { persons: Some(240), ..Profile::default() };
        let e = Estimate::of(&profile).unwrap();
        // 240 persons: the 176-275 band, 14 days.
        let days = |a| e.of_audit(a).and_then(|x| x.days);
        let least = |a| e.of_audit(a).and_then(|x| x.least);
        assert_eq!(days(AuditOf::Initial), Some(Tenths(140)));
        // 14 / 3 = 4.67, rounded up to a tenth; 28 / 3 = 9.33 to 9.4.
        assert_eq!(days(AuditOf::Surveillance), Some(Tenths(47)));
        assert_eq!(days(AuditOf::Recertification), Some(Tenths(94)));
        // At most 30% less: 9.8, 3.29 to 3.3, 6.58 to 6.6.
        assert_eq!(least(AuditOf::Initial), Some(Tenths(98)));
        assert_eq!(least(AuditOf::Surveillance), Some(Tenths(33)));
        assert_eq!(least(AuditOf::Recertification), Some(Tenths(66)));
    }

    #[test]
    fn site_samples_worked_out_by_hand() {
        // x sites besides the central function: (initial, surveillance, recertification), with
        // sampling: ceil(sqrt x), ceil(0.6 sqrt x), ceil(0.8 sqrt x); without: x, ceil(0.3 x), x.
        let cases = [
            (1, (1, 1, 1), (1, 1, 1)),
            // EA's worked example: central + 2, central + 1, central + 2.
            (2, (2, 1, 2), (2, 1, 2)),
            (4, (2, 2, 2), (4, 2, 4)),
            // sqrt 10 = 3.16: 4; 1.90: 2; 2.53: 3.
            (10, (4, 2, 3), (10, 3, 10)),
            // sqrt 25 = 5: 5; 3 exactly; 4 exactly; 7.5: 8.
            (25, (5, 3, 4), (25, 8, 25)),
        ];
        for (x, with, without) in cases {
            let got = |sampling| {
                (
                    sampled_sites(x, AuditOf::Initial, sampling),
                    sampled_sites(x, AuditOf::Surveillance, sampling),
                    sampled_sites(x, AuditOf::Recertification, sampling),
                )
            };
            assert_eq!(got(true), with, "x = {x}, sampling");
            assert_eq!(got(false), without, "x = {x}, no sampling");
        }
    }

    #[test]
    fn a_registers_own_table_replaces_the_published_one() {
        let table = AuditTimeTable {
            source: "Example Cert quote".to_string(),
            bands: vec![(50, Tenths(60)), (500, Tenths(120))],
            loc: Default::default(),
        };
        let profile = Profile { persons: Some(240), audit_time: Some(table), ..Profile::default() };
        let e = Estimate::of(&profile).unwrap();
        assert_eq!(e.of_audit(AuditOf::Initial).and_then(|a| a.days), Some(Tenths(120)));
        assert_eq!(e.source, "Example Cert quote");
        let past = Profile { persons: Some(501), ..profile };
        assert_eq!(Estimate::of(&past).unwrap().of_audit(AuditOf::Initial).and_then(|a| a.days), None);
    }
}
