//! Property tests over random registers with a history: what must hold whatever the record,
//! the scope changes and the order of the register.

use std::collections::BTreeSet;

use chrono::{Datelike, Days, NaiveDate};
use proptest::prelude::*;

use ismsaudit::cycle::months_after;
use ismsaudit::diagnostic::Loc;
use ismsaudit::findings::{Code, check};
use ismsaudit::plan::{Plan, plan};
use ismsaudit::programme::Source;
use ismsaudit::register::{
    Area, AuditKind, AuditRecord, Auditor, Certification, Dated, ExternalRecord, Register, ReviewRecord, Suspension,
};
use ismsaudit::settings::Settings;
use ismsaudit::valid::Valid;

mod common;
use common::{PEOPLE, day, recertified, risk};

prop_compose! {
    /// A certified register (decision between 2020 and 2023, recertified in time for four cycles)
    /// or one before Stage 1; areas that may join or leave the scope; internal audits held or
    /// booked over five years; a few reviews.
    fn register()(
        areas in proptest::collection::vec((risk(), 0..PEOPLE.len(), proptest::option::weighted(0.3, 0u64..2000), proptest::option::weighted(0.15, 0u64..3000)), 1..12),
        auditors in proptest::collection::btree_set(0..PEOPLE.len(), 1..6),
        initial in proptest::bool::weighted(0.2),
        start in 0u64..1200,
        months in 12u32..=18,
        audits in proptest::collection::vec((0u64..2000, proptest::collection::btree_set(0..12usize, 1..4), 0..PEOPLE.len(), proptest::bool::weighted(0.1)), 0..20),
        reviews in proptest::collection::btree_set(0u64..2000, 0..4),
        kept in prop_oneof![3 => Just(4usize), 1 => 0usize..4],
        restored in proptest::bool::weighted(0.5),
        kinds in proptest::collection::vec(prop_oneof![6 => Just(AuditKind::Full), 1 => Just(AuditKind::FollowUp), 1 => Just(AuditKind::Partial)], 20),
        risk_changes in proptest::collection::vec(proptest::option::weighted(0.2, (risk(), 100u64..1500)), 12),
        early in proptest::option::weighted(0.15, (200u64..1000, 0u64..60)),
        split in proptest::option::weighted(0.3, (0u64..120, 1u64..60)),
        suspended in proptest::option::weighted(0.1, (100u64..900, proptest::option::of(10u64..120))),
    ) -> Register {
        let first = day(start);
        let scope: Vec<Area> = areas.iter().enumerate().map(|(i, (risk, owner, since, until))| {
            let since = since.map(|s| first + Days::new(s));
            let until = until.map(|u| first + Days::new(u)).filter(|u| since.is_none_or(|s| *u >= s));
            Area {
                id: format!("area-{i:02}").into(),
                name: Some(Box::new(format!("Area {i}").into())),
                owner: PEOPLE[*owner].into(),
                team: Default::default(),
                risk: *risk,
                clauses: Default::default(),
                controls: Default::default(),
                since,
                until,
                site: None,
                audit_days: 1,
                risk_history: risk_changes[i].map(|(r, d)| vec![(first + Days::new(d), r)]).unwrap_or_default().into(),
                method: None,
                loc: Loc::default(),
            }
        }).collect();
        let auditors: Vec<Auditor> = auditors.iter().map(|a| Auditor { id: PEOPLE[*a].to_string(), name: None, role: None, conflicts: vec![], unavailable: vec![], max_days_per_round: None, max_days_per_year: None, sites: None, loc: Loc::default() }).collect();
        let date = Dated { date: first, loc: Loc::default() };
        // Recertified in time for `kept` cycles; the next expires, and is restored within the 6
        // months or lapses (a restart is not generated: the plan then stops at the lapse).
        let mut recertification = recertified(first);
        recertification.truncate(kept);
        if let Some((offset, decided)) = early {
            // Recertified early in cycle 1 (years 1 to 3): the later cycles count from its
            // decision, recorded or assumed 4 weeks after the audit.
            let audit = first + Days::new(offset);
            let decision = (decided > 0).then(|| audit + Days::new(decided));
            let anchor = decision.unwrap_or(audit + Days::new(28));
            let mut later = recertified(anchor);
            later.truncate(kept.min(3));
            recertification = vec![ExternalRecord { date: audit, visits: vec![], decision, early: true, note: None, days: None, sites: vec![], loc: Loc::default() }];
            recertification.extend(later);
        } else if kept < 4 && restored {
            let expiry = ismsaudit::cycle::anniversary(first, 3 * (kept as u32 + 1)) - Days::new(1);
            recertification.push(ExternalRecord { date: expiry + Days::new(75), visits: vec![], decision: None, early: false, note: None, days: None, sites: vec![], loc: Loc::default() });
        }
        // Surveillance 1 of cycle 1 recorded, in two visits, up to 4 months before its
        // anniversary or 2 months after (a late first surveillance).
        let surveillance: Vec<ExternalRecord> = split.map(|(before, gap)| {
            let date = ismsaudit::cycle::anniversary(first, 1) + Days::new(60) - Days::new(before);
            ExternalRecord { date, visits: vec![date + Days::new(gap)], decision: None, early: false, note: None, days: None, sites: vec![], loc: Loc::default() }
        }).filter(|r| recertification.first().is_none_or(|e| !e.early || r.end() < e.date)).into_iter().collect();
        let suspensions = suspended.map(|(from, days)| {
            let from = first + Days::new(from);
            Suspension { from, to: days.map(|d| from + Days::new(d)), note: None, loc: Loc::default() }
        }).into_iter().collect();
        let certification = if initial {
            Certification { stage1: Some(date), ..Default::default() }
        } else {
            Certification { decision: Some(date), recertification, surveillance, suspensions, ..Default::default() }
        };
        let mut audits: Vec<AuditRecord> = audits
            .into_iter()
            .zip(kinds)
            .map(|((offset, areas, auditor, booked), kind)| AuditRecord {
                end: None,
                date: day((start + offset).saturating_sub(150)),
                areas: areas.iter().filter(|a| **a < scope.len()).map(|a| format!("area-{a:02}").into()).collect(),
                auditor: auditors.get(auditor % auditors.len()).map(|a| a.id.clone()),
                auditor_org: None,
                status: booked.then_some(ismsaudit::register::Status::Booked),
                kind,
                nonconformities: Default::default(),
                observations: 0,
                findings: vec![],
                report: None,
                loc: Loc::default(),
            })
            .filter(|r| !r.areas.is_empty())
            .collect();
        audits.sort_by_key(|r| r.date);
        let reviews = reviews.into_iter().map(|r| ReviewRecord { date: first + Days::new(r), loc: Loc::default(), status: None }).collect();
        let settings = Settings { max_months_between_rounds: months, ..Settings::default() };
        Register {
            file: "history.yaml".into(),
            organisation: "History".into(),
            people: vec![],
            id: None,
            certification,
            settings,
            programme_owner: None,
            reports_to: vec![], criteria: vec![],
            record_from: None,
            auditors,
            scope,
            exclusions: vec![],
            audits,
            reviews,
            accepted: vec![],
            corrective_actions: vec![],
            profile: Default::default(),
        }
    }
}

/// For each area, for each round: whether it is overdue there, and whether the cycle covers it.
fn verdicts(p: &Plan<'_>, area: &str) -> Vec<(String, bool, bool)> {
    p.rounds
        .iter()
        .map(|r| (r.label(), r.audits_of(area).any(|a| a.overdue()), p.covered_in_cycle(r.cycle, area)))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// An area with `since:` is never planned before that day, and never overdue before it.
    #[test]
    fn an_area_is_never_planned_or_overdue_before_it_joins(reg in register(), today in 0u64..3000) {
        let today = day(today);
        let v = Valid::new(reg.clone(), today).unwrap();
        let p = plan(&v, 2);
        let valid = Valid::new(reg.clone(), today).unwrap();
        let findings = check(&valid);
        for area in reg.scope.iter().filter(|a| a.since.is_some()) {
            let since = area.since.unwrap();
            for r in &p.rounds {
                for a in r.audits_of(&area.id).filter(|a| !a.source.is_recorded()) {
                    prop_assert!(a.source == Source::Missed || a.date >= since, "{} planned on {} before {since}", area.id, a.date);
                    prop_assert!(!a.overdue() || a.due >= since, "{} due {} before {since}", area.id, a.due);
                }
            }
            if today <= since {
                let overdue = findings.iter().any(|f| f.code == Code::OverdueAudit && f.area.as_deref() == Some(&area.id));
                prop_assert!(!overdue, "{} overdue on {today}, before it joins on {since}", area.id);
            }
        }
    }

    /// Adding an area changes nothing, for the others, in a round that is over: the rounds
    /// that are over stay the same rounds, and the records and the audits missed there stay as
    /// they were. (Rounds ahead may change: a round whose areas were all audited counts as over
    /// from those audits, and the new area, unaudited, undoes that; the interval then runs from
    /// the round's last day, and an interim round ahead may come or go.)
    #[test]
    fn adding_an_area_never_changes_a_round_that_is_over(reg in register(), today in 0u64..3000, risk in risk()) {
        let today = day(today);
        let mut bigger = reg.clone();
        bigger.scope.insert(0, Area { id: "zz-new".into(), name: Some(Box::new("New".into())), owner: "owner".into(), team: Default::default(), risk, clauses: Default::default(), controls: Default::default(), since: None, until: None, site: None, audit_days: 1, risk_history: Default::default(), method: None, loc: Loc::default() });
        let (v_before, v_after) = (Valid::new(reg.clone(), today).unwrap(), Valid::new(bigger, today).unwrap());
        let (before, after) = (plan(&v_before, 2), plan(&v_after, 2));
        let over = |p: &Plan<'_>| p.rounds.iter().take_while(|r| r.last_day < today).map(|r| r.label()).collect::<Vec<_>>();
        prop_assert_eq!(over(&before), over(&after));
        for (a, b) in before.rounds.iter().zip(&after.rounds) {
            if a.last_day >= today {
                break;
            }
            let fixed = |r: &ismsaudit::programme::Round| -> Vec<(String, NaiveDate, Source, bool)> {
                r.audits.iter().filter(|x| x.area != "zz-new" && (x.source.is_recorded() || x.source == Source::Missed))
                    .map(|x| (x.area.to_string(), x.date, x.source, x.overdue())).collect()
            };
            prop_assert_eq!(fixed(a), fixed(b), "round {} changed", a.label());
        }
    }

    /// Two areas with the same risk, owner and history get the same verdict in every round,
    /// whichever comes first in the register.
    #[test]
    fn identical_areas_get_identical_verdicts(reg in register(), today in 0u64..3000, which in 0usize..12, at in 0usize..12) {
        let today = day(today);
        let mut reg = reg;
        let original = reg.scope[which % reg.scope.len()].clone();
        let twin = Area { id: "twin".into(), ..original.clone() };
        let at = at % (reg.scope.len() + 1);
        reg.scope.insert(at, twin);
        for record in &mut reg.audits {
            if record.areas.contains(&original.id) {
                record.areas.push("twin".into());
            }
        }
        let v = Valid::new(reg.clone(), today).unwrap();
        let p = plan(&v, 2);
        prop_assert_eq!(verdicts(&p, &original.id), verdicts(&p, "twin"));
        let valid = Valid::new(reg.clone(), today).unwrap();
        let findings = check(&valid);
        // Verdicts on the record; not whether an auditor had a free day, which the twin shares:
        // no room in a round (round-over-capacity), or none before a lead still ahead (audit-late
        // dated today or later).
        let capacity = |f: &ismsaudit::findings::Finding| {
            f.code == Code::RoundOverCapacity || (f.code == Code::AuditLate && f.date.is_some_and(|d| d >= today))
        };
        let codes = |id: &str| -> BTreeSet<(Code, Option<NaiveDate>)> {
            findings.iter().filter(|f| f.area.as_deref() == Some(id) && !capacity(f)).map(|f| (f.code, f.date)).collect()
        };
        prop_assert_eq!(codes(&original.id), codes("twin"));
    }

    /// The plan does not depend on the order of the scope or of the auditors.
    #[test]
    fn the_order_of_the_register_changes_nothing(reg in register(), today in 0u64..3000, seed in any::<u64>()) {
        let today = day(today);
        let mut shuffled = reg.clone();
        // A deterministic shuffle: rotate and reverse by the seed.
        let n = shuffled.scope.len();
        shuffled.scope.rotate_left((seed as usize) % n);
        if seed % 2 == 0 { shuffled.scope.reverse(); }
        let m = shuffled.auditors.len();
        shuffled.auditors.rotate_left((seed as usize / 7) % m);
        if seed % 3 == 0 { shuffled.auditors.reverse(); }
        let json = |r: &Register| {
            let mut out = Vec::new();
            ismsaudit::render::json::write(&plan(&Valid::new(r.clone(), today).unwrap(), 2), &mut out).unwrap();
            out
        };
        prop_assert!(json(&reg) == json(&shuffled), "the plan changed with the order of the register");
    }

    /// Rounds, and planned reviews, are never further apart than `max_months_between_rounds`,
    /// counted from the last audit the round before held (once over), else its last day; and a
    /// planned review follows its round's audits and is not in the past.
    #[test]
    fn rounds_are_never_further_apart_than_the_setting(reg in register(), today in 0u64..3000) {
        let mut reg = reg;
        reg.reviews.clear();
        let today = day(today);
        let months = reg.settings.max_months_between_rounds;
        let v = Valid::new(reg.clone(), today).unwrap();
        let p = plan(&v, 4);
        for pair in p.rounds.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            // From the audits the round before held once it is over; while it runs late with
            // nothing held, from today (its audits are held from today); else its last day.
            let held = a.audits.iter().filter(|x| x.source == Source::Done).map(|x| x.date).max();
            let base = match held {
                Some(h) if a.window_end <= today => h,
                None if a.last_day < today && today < a.window_end => today,
                _ => a.last_day,
            };
            prop_assert!(b.last_day <= months_after(base, months), "{} ends {} after {} ended {}", b.label(), b.last_day, a.label(), base);
            // From a review that stands: held, or planned and still ahead (ISO/IEC 27001 9.3.1);
            // a planned one whose day passed did not take place.
            // Where an audit had to go later than its round's last day (no auditor free before),
            // the review follows it all the same (9.3.2 over the interval, a practice).
            let last_audit = b.audits.iter().filter(|x| x.has_auditor()).map(|x| x.end).max();
            // (The first open day after an audit may be a week later.)
            let after_audits = last_audit.map(|d| d + chrono::Days::new(7)).filter(|d| *d > months_after(a.review.date, months));
            if a.review.date >= today && after_audits.is_none() {
                prop_assert!(b.review.date <= months_after(a.review.date, months), "review {} after {}; today {} {} audits {:?} prepares {}", b.review.date, a.review.date, today, b.label(), b.audits.iter().map(|x| (x.date, x.end, x.source, x.has_auditor())).collect::<Vec<_>>(), b.prepares.date);
            }
        }
        // A planned review of a round still open takes the round's results (9.3.2): it is not in
        // the past, nor before the round's audits that have an auditor.
        for r in p.rounds.iter().filter(|r| r.due() > today && r.review.recorded.is_none()) {
            let last = r.audits.iter().filter(|a| a.has_auditor() || a.auditor_org(p.register).is_some()).map(|a| a.end).max();
            // (Where no open day may be left before the external audit, nothing can be said: the
            // generated workdays leave one in any two weeks.)
            let room = |from: NaiveDate| (r.due() - from).num_days() > 14;
            if room(today) && last.is_none_or(room) {
                prop_assert!(r.review.date >= today, "{}: review {} before today {}", r.label(), r.review.date, today);
                prop_assert!(last.is_none_or(|l| r.review.date >= l), "{}: review {} before its audit on {:?}; prepares {} today {} audits {:?}", r.label(), r.review.date, last, r.prepares.date, today, r.audits.iter().map(|x| (x.date, x.end, x.source, x.has_auditor())).collect::<Vec<_>>());
            }
        }
    }
    /// The calendar-year rule (ISO/IEC 17021-1 9.1.3) on every year from the one after the
    /// decision to the last recertification shown: a surveillance or recertification audit held,
    /// booked or planned in it, or a recertification year, or `check` says so (a year past
    /// without one, or a year ahead the booked dates leave empty).
    #[test]
    fn every_calendar_year_has_its_audit_or_a_finding(reg in register(), today in 0u64..3000) {
        let today = day(today);
        let v = Valid::new(reg, today).unwrap();
        let p = plan(&v, 2);
        if p.initial || p.lapse.is_some() {
            return Ok(());
        }
        let epoch = p.epoch();
        let audits: Vec<_> = p.certificate.audits_of(epoch).into_iter().filter(|e| e.kind.counts_for_calendar_year()).collect();
        let exempt = |y: i32| (epoch.first_cycle..=epoch.last_cycle).map(|n| p.certificate.cycle(n).recertification).any(|r| r.date.year() == y || r.end.year() == y || r.decision.is_some_and(|d| d.year() == y) || (r.restoration && p.certificate.cycle(r.cycle).expiry.year() == y));
        let facts = ismsaudit::findings::facts(&v);
        let reported = |y: i32| facts.iter().any(|f| matches!(f, ismsaudit::findings::Fact::CalendarYearWithoutAudit { year, .. } | ismsaudit::findings::Fact::CalendarYearUnplanned { year, .. } if *year == y));
        let first = p.cycles[0].start.year().max(epoch.decision.date.year() + 1);
        let last = p.cycles.last().unwrap().recertification.date.year();
        for y in first..=last {
            let audited = audits.iter().any(|e| (e.date.year()..=e.end.year()).contains(&y));
            let near: Vec<_> = audits.iter().filter(|e| (e.date.year() - y).abs() <= 1).map(|e| (e.kind, e.date)).collect();
            prop_assert!(audited || exempt(y) || reported(y), "{y}: no audit, not exempt, not reported; audits around it {near:?}");
        }
    }

    /// Where the gap to an external audit is longer than the interval, an interim round keeps the
    /// interval and the round that prepares the audit stays near it: a round ahead ends no more
    /// than half an interval before its lead day, so the external audit sees fresh results and
    /// the schedule does not drift away from the external audits for good (9.2.1, 9.3.1).
    #[test]
    fn rounds_stay_near_their_external_audits(reg in register(), today in 0u64..3000) {
        let today = day(today);
        let months = reg.settings.max_months_between_rounds;
        let v = Valid::new(reg, today).unwrap();
        let p = plan(&v, 4);
        // (Where the interval ran out before the round's window opened, no interim round fits
        // before it: the round is held as soon as its window opens.)
        let pinned = |r: &&ismsaudit::programme::Round| r.window_start.is_some_and(|w| r.last_day <= w + Days::new(14));
        for r in p.rounds.iter().filter(|r| r.interim == 0 && r.cycle > 0 && r.window_start.is_some_and(|w| w > today)).filter(|r| !pinned(r)) {
            prop_assert!(months_after(r.last_day, months.div_ceil(2)) >= r.lead_day, "{} ends {}, lead {}", r.label(), r.last_day, r.lead_day);
        }
        for r in p.rounds.iter().filter(|r| r.interim > 0) {
            prop_assert!(r.window_end < r.prepares.date && r.review.date < r.window_end, "{}: window to {}, review {}", r.label(), r.window_end, r.review.date);
        }
    }

    /// Every view reads the same timeline: the dated events of a year in the plan's JSON are
    /// those of its CSV and of the calendar file (ICS) for that year, and from today on, those of
    /// the agenda.
    #[test]
    fn every_view_shows_the_same_events(reg in register(), today in 0u64..3000) {
        let today = day(today);
        let mut reg = reg;
        reg.id = Some("history.example".into());
        let v = Valid::new(reg, today).unwrap();
        let year = today.year();
        let year_end = NaiveDate::from_ymd_opt(year, 12, 31).unwrap();
        let cycles = ismsaudit::plan::cycles_reaching(today, year_end);
        let full = plan(&v, cycles);
        let overlaps = |from: NaiveDate, to: NaiveDate| from <= year_end && to.year() >= year;
        let date = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        // JSON: each event's first and last day.
        let mut out = Vec::new();
        ismsaudit::render::json::write(&full, &mut out).unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let spans: Vec<(NaiveDate, NaiveDate)> = doc["events"].as_array().unwrap().iter().map(|e| {
            let from = date(e["date"].as_str().unwrap());
            (from, e["end"].as_str().map_or(from, date))
        }).collect();
        let mut json: Vec<NaiveDate> = spans.iter().filter(|(f, t)| overlaps(*f, *t)).map(|(f, _)| *f).collect();
        json.sort();
        // CSV: the date first, the last day (where it differs) in `end`.
        let mut out = Vec::new();
        ismsaudit::render::csv::write(&full, &Default::default(), &mut out).unwrap();
        let mut reader = csv::Reader::from_reader(out.as_slice());
        let end = reader.headers().unwrap().iter().position(|h| h == "end").unwrap();
        let mut csv: Vec<NaiveDate> = reader.records().filter_map(|row| {
            let row = row.unwrap();
            let from = date(&row[0]);
            let to = if row[end].is_empty() { from } else { date(&row[end]) };
            overlaps(from, to).then_some(from)
        }).collect();
        csv.sort();
        prop_assert_eq!(&json, &csv, "CSV");
        // The calendar file of the year, planned round by round from an outline.
        let outline = ismsaudit::plan::outline(&v, cycles);
        let period = ismsaudit::render::calendar::Period::year(year, None).unwrap();
        let entries = ismsaudit::render::calendar::Entries::new(&outline, &period);
        let mut out = Vec::new();
        ismsaudit::render::ics::write(v.register(), "history.example", today, &entries, &Default::default(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let mut ics: Vec<NaiveDate> = text.lines().filter_map(|l| l.strip_prefix("DTSTART;VALUE=DATE:"))
            .map(|d| NaiveDate::parse_from_str(d, "%Y%m%d").unwrap()).collect();
        ics.sort();
        // A certification audit split into visits is an event for each run of consecutive
        // visit days, as the register records its visits.
        let mut visits = json.clone();
        let cert = &v.register().certification;
        for e in doc["events"].as_array().unwrap().iter().filter(|e| e["kind"] != "internal_audit") {
            let from = date(e["date"].as_str().unwrap());
            let to = e["end"].as_str().map_or(from, date);
            if !overlaps(from, to) || to == from {
                continue;
            }
            let record = cert.surveillance.iter().chain(&cert.recertification).find(|r| r.date == from).unwrap();
            let days: Vec<NaiveDate> = std::iter::once(from).chain(record.visits.iter().copied()).collect();
            visits.extend(days.windows(2).filter(|w| w[0].succ_opt() != Some(w[1])).map(|w| w[1]));
        }
        visits.sort();
        prop_assert_eq!(&visits, &ics, "ICS");
        // The agenda to the end of the year: what is not over yet.
        let days = (year_end - today).num_days() as u64;
        let whole = ismsaudit::render::agenda::agenda(&full, days);
        // Of an outline, planned a round at a time and read up to the days shown, the same.
        let of_outline = ismsaudit::render::agenda::agenda(&outline, days);
        prop_assert!(whole.items().eq(of_outline.items()), "agenda of an outline");
        let mut agenda: Vec<NaiveDate> = whole.items().filter(|i| !i.overdue && i.kind != "Corrective action").map(|i| i.date).collect();
        agenda.sort();
        let mut ahead: Vec<NaiveDate> = spans.iter().filter(|(f, t)| *t >= today && *f <= year_end).map(|(f, _)| *f).collect();
        ahead.sort();
        prop_assert_eq!(&ahead, &agenda, "agenda");
    }

    /// Every internal audit, review and certification-body audit recorded in the period the plan
    /// shows (its rounds' windows) appears in the plan, whatever the state of the certificate.
    #[test]
    fn every_recorded_event_is_in_the_plan(reg in register(), today in 0u64..3000) {
        let today = day(today);
        let v = Valid::new(reg, today).unwrap();
        let p = plan(&v, 2);
        let (Some(first), Some(last)) = (p.rounds.first(), p.rounds.last()) else { return Ok(()) };
        let shown = |d: NaiveDate| first.window_start.is_none_or(|s| s <= d) && d < last.window_end;
        let events: Vec<(NaiveDate, String)> = p.events().map(|e| (e.date, format!("{:?}", e.kind))).collect();
        let has = |d: NaiveDate, kind: &str| events.iter().any(|(x, k)| *x == d && k.contains(kind));
        for r in v.register().audits.iter().filter(|r| shown(r.date)) {
            prop_assert!(has(r.date, "InternalAudit"), "audit of {} not shown", r.date);
        }
        for r in v.register().reviews.iter().filter(|r| shown(r.date)) {
            prop_assert!(has(r.date, "ManagementReview"), "review of {} not shown", r.date);
        }
        let c = &v.register().certification;
        // (The external audit a first round's window opens with is the cycle before's.)
        let after_start = |d: NaiveDate| first.window_start.is_none_or(|s| s < d);
        for r in c.surveillance.iter().chain(&c.recertification).filter(|r| shown(r.date) && after_start(r.date)) {
            prop_assert!(has(r.date, "External"), "certification-body audit of {} not shown", r.date);
        }
    }

    /// An area audited in consecutive rounds is audited again no more than
    /// `max_months_between_rounds` after its audit in the round before, where that is recorded
    /// (9.2.1) and the round's window allows.
    #[test]
    fn an_areas_audits_are_never_further_apart_than_the_setting(reg in register(), today in 0u64..3000) {
        let today = day(today);
        let v = Valid::new(reg, today).unwrap();
        let p = ismsaudit::plan::with_previous(&v, 2);
        let months = v.register().settings.max_months_between_rounds;
        let rounds: Vec<&ismsaudit::programme::Round> = p.previous.iter().chain(&p.rounds).collect();
        for pair in rounds.windows(2) {
            let (before, round) = (pair[0], pair[1]);
            // (High-risk areas: the rule requires them in every round; an audit merely preferred
            // in a round is not brought forward.)
            let high = |a: &&ismsaudit::programme::AreaAudit| {
                v.register().scope.iter().any(|x| x.id == a.area && x.risk_on(round.lead_day) == ismsaudit::register::Risk::High)
            };
            for a in round.audits.iter().filter(|a| a.source == Source::Planned && a.has_auditor() && a.behind.is_none()).filter(high) {
                // The area's last audit in the round before, where it is recorded.
                let last = (before.audits.iter())
                    .filter(|x| x.area == a.area && x.independent && x.kind == AuditKind::Full)
                    .filter(|x| x.source.is_recorded() || (x.has_auditor() && x.source != Source::Missed))
                    .max_by_key(|x| x.date)
                    .filter(|x| x.source.is_recorded())
                    .map(|x| x.date);
                // (Where the first day the audit may take is within a week of the limit, there
                // may be no open day between.)
                let room = |l: &NaiveDate| a.from.is_none_or(|f| f + Days::new(7) <= months_after(*l, months));
                if let Some(last) = last.filter(room) {
                    prop_assert!(a.end <= months_after(last, months), "{} audited {} then planned {}", a.area, last, a.date);
                }
            }
        }
    }
}

/// Whether anything the register dates, or the plan's rounds turn on, falls from `from` to `to`
/// (both included): a record, a review, an area joining or leaving, a certification-body audit,
/// a round's window closing. A plan may then change as these days pass.
fn something_dated_between(reg: &Register, p: &Plan<'_>, from: NaiveDate, to: NaiveDate) -> bool {
    let within = |d: NaiveDate| from <= d && d <= to;
    reg.audits.iter().any(|r| within(r.date))
        || reg.reviews.iter().any(|r| within(r.date))
        || reg
            .scope
            .iter()
            .any(|a| a.since.is_some_and(within) || a.until.is_some_and(|u| within(u) || within(u + Days::new(1))))
        || p.rounds
            .iter()
            .any(|r| within(r.window_end) || within(r.prepares.date) || r.window_start.is_some_and(within))
        || p.events().any(|e| {
            !matches!(e.kind, ismsaudit::plan::EventKind::InternalAudit | ismsaudit::plan::EventKind::ManagementReview)
                && within(e.date)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { max_global_rejects: 1 << 20, ..ProptestConfig::with_cases(400) })]

    /// Stable plans: for an unchanged register, an audit planned for a day after `T + k` on day
    /// `T` is planned for the same day, with the same auditor, on day `T + k`. Where an audit's
    /// planned day passed in between, it is made up (and its area's later audits follow from
    /// there), and the rounds after the one under way may change for it; that round's other
    /// audits may not. A review too stays, unless an audit of its round was placed again after
    /// it. Excepted: plans where something the register dates, or a round turns on, falls in
    /// between.
    #[test]
    fn a_planned_day_does_not_move_until_it_passes(reg in register(), today in 0u64..3000, k in 1u64..45) {
        let (t, later) = (day(today), day(today + k));
        let v = Valid::new(reg.clone(), t).unwrap();
        let before = plan(&v, 2);
        prop_assume!(!something_dated_between(&reg, &before, t, later));
        let w = Valid::new(reg.clone(), later).unwrap();
        let after = plan(&w, 2);
        prop_assume!(!something_dated_between(&reg, &after, t, later));
        let key = |r: &ismsaudit::programme::Round, a: &ismsaudit::programme::AreaAudit| (r.label(), a.area.to_string());
        let planned = |p: &Plan<'_>| -> Vec<((String, String), NaiveDate, Option<String>)> {
            p.rounds.iter().flat_map(|r| r.audits.iter().filter(|a| matches!(a.source, Source::Planned | Source::CatchUp) && a.has_auditor()).map(move |a| (key(r, a), a.date, a.auditor(p.register).map(str::to_string)))).collect()
        };
        let now = planned(&after);
        let was = planned(&before);
        // An area whose planned day passed (with an auditor or without one) is made up, and its
        // later audits follow from there.
        let passed: BTreeSet<String> = (before.rounds.iter().flat_map(|r| &r.audits))
            .filter(|a| matches!(a.source, Source::Planned | Source::CatchUp) && a.date <= later)
            .map(|a| a.area.to_string())
            .collect();
        // Where one passed, the rounds after it may make it up; the round under way keeps the rest.
        let under_way: BTreeSet<String> = before.rounds.iter().filter(|r| r.window_start.is_none_or(|w| w <= t) && later < r.window_end).map(|r| r.label()).collect();
        // (A review whose day passed is planned again, and the next review's interval runs from it.)
        let review_passed = before.rounds.iter().any(|r| r.review.recorded.is_none() && t <= r.review.date && r.review.date <= later);
        let nothing_passed = passed.is_empty() && !review_passed;
        let kept = |k: &(String, String)| nothing_passed || (under_way.contains(&k.0) && !passed.contains(&k.1));
        for (k, date, auditor) in was.into_iter().filter(|(k, d, _)| *d > later && kept(k)) {
            let found = now.iter().find(|(n, _, _)| *n == k);
            prop_assert_eq!(found.map(|(_, d, a)| (*d, a.clone())), Some((date, auditor)), "{:?} on {} as of {}, as of {}", k, date, t, later);
        }
        for (r, s) in before.rounds.iter().zip(&after.rounds) {
            let replaced = s.audits.iter().any(|a| a.passed.is_some_and(|_| a.end >= r.review.date));
            // (A review follows its round's audits: one of them passing moves it.)
            let moved = r.audits.iter().any(|a| matches!(a.source, Source::Planned | Source::CatchUp) && a.date <= later);
            let strict = (nothing_passed || under_way.contains(&r.label())) && !moved;
            if strict && r.label() == s.label() && r.review.recorded.is_none() && r.review.date > later && !replaced {
                prop_assert_eq!(s.review.date, r.review.date, "review of {} as of {}, as of {}", r.label(), t, later);
            }
        }
    }

    /// Booking one planned audit of the round under way as planned (its day, its auditor) moves
    /// no other audit of that round planned as it was (not placed again after its day passed).
    #[test]
    fn booking_a_planned_audit_moves_no_other(reg in register(), today in 0u64..3000, which in 0usize..50) {
        let t = day(today);
        let v = Valid::new(reg.clone(), t).unwrap();
        let before = plan(&v, 1);
        let under_way = |r: &&ismsaudit::programme::Round| r.window_start.is_none_or(|w| w <= t) && t < r.window_end;
        let Some(round) = before.rounds.iter().find(under_way) else { return Ok(()) };
        // (A round that has run out of room before its lead is placed again at its end, where
        // one booking changes what fits.)
        prop_assume!(round.audits.iter().all(|a| a.source.is_recorded() || (a.behind.is_none() && a.has_auditor())));
        // (As planned: not one placed again after its day passed, which the round's end may crowd.)
        let planned: Vec<_> = round.audits.iter().filter(|a| a.source == Source::Planned && a.has_auditor() && a.date >= t && a.passed.is_none()).collect();
        prop_assume!(!planned.is_empty());
        let a = planned[which % planned.len()];
        let mut booked = reg.clone();
        booked.audits.push(AuditRecord {
            end: None,
            date: a.date,
            areas: vec![a.area.clone()],
            auditor: a.auditor(&reg).map(str::to_string),
            auditor_org: None,
            status: Some(ismsaudit::register::Status::Booked),
            kind: AuditKind::Full,
            nonconformities: Default::default(),
            observations: 0,
            findings: vec![],
            report: None,
            loc: Loc::default(),
        });
        booked.audits.sort_by_key(|r| r.date);
        let w = Valid::new(booked, t).unwrap();
        let after = plan(&w, 1);
        let label = round.label();
        let again = after.rounds.iter().find(|r| r.label() == label).unwrap();
        for b in round.audits.iter().filter(|b| b.area != a.area && !b.source.is_recorded() && b.passed.is_none()) {
            let now = again.audits.iter().find(|c| c.area == b.area && !c.source.is_recorded());
            prop_assert_eq!(now.map(|c| (c.date, c.auditor(&reg))), Some((b.date, b.auditor(&reg))), "{} in {} after booking {} on {}", b.area, label, a.area, a.date);
        }
    }
}
