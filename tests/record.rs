//! `plan` honours the record: done and booked internal audits, booked external audits, reviews.

use chrono::NaiveDate;

use ismsaudit::findings::check;
use ismsaudit::plan::plan;
use ismsaudit::programme::{Round, Source};
use ismsaudit::register::{Register, parse};
use ismsaudit::valid::Valid;

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Two high-risk areas, two auditors, certified 2024-06-03, with `extra` appended.
fn register(certification: &str, extra: &str) -> ismsaudit::register::Register {
    let text = format!(
        "organisation: Record Ltd
certification:
  decision: 2024-06-03
{certification}auditors:
  - id: ann
  - id: bob
scope:
  - id: core
    owner: olga
    risk: high
  - id: ops
    owner: pete
    risk: high
{extra}"
    );
    parse("record.yaml", &text).unwrap()
}

fn round<'a, 'r>(rounds: &'a [Round<'r>], label: &str) -> &'a Round<'r> {
    rounds.iter().find(|r| r.label() == label).unwrap()
}

#[test]
fn a_done_audit_is_not_planned_again_in_its_round() {
    let reg = register("", "audits:\n  - {date: 2025-02-10, areas: [core], auditor: ann}\n");
    let v = Valid::new(reg.clone(), date("2025-03-01")).unwrap();
    let p = plan(&v, 1);
    let r1 = round(&p.rounds, "C1.1");
    let core: Vec<_> = r1.audits_of("core").collect();
    assert_eq!(core.len(), 1, "{core:?}");
    assert_eq!((core[0].date, core[0].source), (date("2025-02-10"), Source::Done));
    // The other area is still planned; the next round plans both again (high risk).
    assert_eq!(r1.audits_of("ops").next().unwrap().source, Source::Planned);
    assert_eq!(round(&p.rounds, "C1.2").audits_of("core").next().unwrap().source, Source::Planned);
}

#[test]
fn a_done_audit_outside_the_round_window_counts_for_the_round_it_falls_in() {
    // 2025-05-20 is after surveillance 1 (planned 2025-05-06): it belongs to round C1.2.
    let reg = register("", "audits:\n  - {date: 2025-05-20, areas: [core], auditor: bob}\n");
    let v = Valid::new(reg.clone(), date("2025-06-01")).unwrap();
    let p = plan(&v, 1);
    assert_eq!(round(&p.rounds, "C1.2").audits_of("core").next().unwrap().source, Source::Done);
    // Held late, in the next round of the cycle, it makes up for round C1.1: nothing overdue there.
    assert_eq!(round(&p.rounds, "C1.1").audits_of("core").count(), 0);
    assert!(
        !check(&Valid::new(reg.clone(), date("2025-06-01")).unwrap()).iter().any(|f| f.area.as_deref() == Some("core"))
    );
}

#[test]
fn a_booked_audit_is_kept_and_its_auditor_is_busy_that_day() {
    // One auditor; her booked audit of `ops` takes the round's last day, so `core` goes on
    // another day of the weeks the round is spread over.
    let text = "organisation: Busy Ltd
certification:
  decision: 2024-06-03
auditors:
  - id: ann
scope:
  - id: core
    owner: olga
    risk: high
  - id: ops
    owner: pete
    risk: high
audits:
  - {date: 2025-03-25, areas: [ops], auditor: ann, status: booked}
";
    let reg = parse("busy.yaml", text).unwrap();
    let v = Valid::new(reg.clone(), date("2025-01-15")).unwrap();
    let p = plan(&v, 1);
    let r1 = round(&p.rounds, "C1.1");
    assert_eq!(r1.last_day, date("2025-03-25"));
    let ops = r1.audits_of("ops").next().unwrap();
    assert_eq!((ops.date, ops.source), (date("2025-03-25"), Source::Booked));
    let core = r1.audits_of("core").next().unwrap();
    assert_eq!(core.auditor(p.register), Some("ann"));
    assert!(core.date < ops.date && core.date > date("2025-01-28"), "{core:?}");
}

#[test]
fn a_round_still_ahead_is_not_planned_in_the_past() {
    // Today is the round's lead day but one, with one auditor and nothing recorded.
    let text = "organisation: Late Ltd
certification:
  decision: 2024-06-03
auditors:
  - id: ann
scope:
  - id: core
    owner: olga
    risk: high
  - id: ops
    owner: pete
    risk: high
  - id: hr
    owner: hal
    risk: high
";
    let reg = parse("late.yaml", text).unwrap();
    let v = Valid::new(reg.clone(), date("2025-03-24")).unwrap();
    let p = plan(&v, 1);
    let r1 = round(&p.rounds, "C1.1");
    // The three audits were planned over the round's weeks, before today: each is placed again,
    // the notice period after its day, so past the lead (2025-03-25): late, rather than in the
    // past or not at all, one a day for the one auditor.
    assert_eq!(r1.lead_day, date("2025-03-25"));
    let mut days: Vec<_> = r1.audits.iter().map(|a| a.date).collect();
    days.dedup();
    assert_eq!(days.len(), 3, "{:?}", r1.audits);
    for a in &r1.audits {
        assert!(a.date > r1.lead_day && a.date < r1.prepares.date, "{a:?}");
        assert_eq!((a.auditor(p.register), a.behind), (Some("ann"), Some(ismsaudit::programme::Behind::Late)), "{a:?}");
        assert!(a.passed.is_some_and(|d| d < date("2025-03-24")), "{a:?}");
    }
}

#[test]
fn a_missed_audit_held_late_clears_the_overdue_finding() {
    let text = "organisation: Late Ltd
certification:
  decision: 2024-06-03
  surveillance: [2025-05-06]
auditors:
  - id: ann
scope:
  - id: core
    owner: olga
    risk: high
audits:
  - {date: 2025-05-20, areas: [core], auditor: ann}
reviews:
  - date: 2025-04-22
";
    let reg = parse("late.yaml", text).unwrap();
    let codes = |today: &str| -> Vec<&str> {
        check(&Valid::new(reg.clone(), date(today)).unwrap())
            .iter()
            .map(|f| f.code.key())
            .filter(|c| *c == "overdue-audit")
            .collect()
    };
    // Before the late audit, round C1.1 is overdue; once held (in round C1.2), it is caught up.
    assert_eq!(codes("2025-05-10"), ["overdue-audit"]);
    assert!(codes("2025-06-01").is_empty());
}

#[test]
fn a_booked_surveillance_date_moves_its_round() {
    let unbooked = register("", "");
    let v_computed = Valid::new(unbooked.clone(), date("2025-01-15")).unwrap();
    let computed = plan(&v_computed, 1);
    assert_eq!(round(&computed.rounds, "C1.1").prepares.date, date("2025-05-06"));
    assert_eq!(round(&computed.rounds, "C1.1").last_day, date("2025-03-25"));

    let with_booking = register("  surveillance: [2025-04-08]\n", "");
    let v_booked = Valid::new(with_booking.clone(), date("2025-01-15")).unwrap();
    let booked = plan(&v_booked, 1);
    let r1 = round(&booked.rounds, "C1.1");
    assert_eq!(r1.prepares.date, date("2025-04-08"));
    // Six weeks before the booked date, and the review two weeks before it.
    assert_eq!(r1.last_day, date("2025-02-25"));
    assert_eq!(r1.review.date, date("2025-03-25"));
    assert!(r1.audits.iter().all(|a| a.date <= date("2025-02-25")));
    // The next round's window now starts at the booked date.
    assert_eq!(round(&booked.rounds, "C1.2").window_start, Some(date("2025-04-08")));
}

#[test]
fn a_recorded_review_replaces_the_planned_one() {
    let reg = register("", "reviews:\n  - date: 2025-04-15\n");
    let v = Valid::new(reg.clone(), date("2025-01-15")).unwrap();
    let p = plan(&v, 1);
    let r1 = round(&p.rounds, "C1.1");
    assert_eq!(r1.review.date, date("2025-04-15"));
    assert!(r1.review.recorded.is_some());
}

#[test]
fn a_low_risk_area_done_early_in_the_cycle_is_not_planned_again() {
    let text = "organisation: Low Ltd
certification:
  decision: 2024-06-03
auditors:
  - id: ann
scope:
  - id: a
    owner: olga
  - id: b
    owner: olga
  - id: c
    owner: olga
audits:
  - {date: 2025-09-10, areas: [a, b, c], auditor: ann}
";
    let reg = parse("low.yaml", text).unwrap();
    // Without the record, the three low areas are spread over the three rounds.
    let mut bare = reg.clone();
    bare.audits.clear();
    let v_spread = Valid::new(bare.clone(), date("2025-01-15")).unwrap();
    let spread = plan(&v_spread, 1);
    assert_eq!(spread.rounds.iter().map(|r| r.audits.len()).collect::<Vec<_>>(), [1, 1, 1]);
    // With all three done in round C1.2, rounds C1.1 and C1.3 plan nothing (and C1.1, past
    // without an audit, is not overdue: once per cycle is enough for low risk).
    // Round C1.3 would then have no audit at all, more than a year after C1.2: it takes the
    // area audited longest ago (ties by id), so internal audits stay yearly.
    let v = Valid::new(reg.clone(), date("2025-10-01")).unwrap();
    let p = plan(&v, 1);
    assert_eq!(p.rounds.iter().map(|r| r.audits.len()).collect::<Vec<_>>(), [0, 3, 1]);
    assert!(p.rounds[1].audits.iter().all(|a| a.source == Source::Done));
    assert_eq!(p.rounds[2].audits[0].area, "a");
}

#[test]
fn a_missed_audit_is_caught_up_in_the_next_round_ahead() {
    let text = "organisation: Low Ltd
certification:
  decision: 2024-06-03
auditors:
  - id: ann
scope:
  - id: a
    owner: olga
";
    let reg = parse("low.yaml", text).unwrap();
    // Round C1.1 (the low area's round) ended 2025-03-25 without an audit. Low risk needs one
    // audit a cycle, so nothing is overdue: the next round takes it as a catch-up.
    let v = Valid::new(reg.clone(), date("2025-04-01")).unwrap();
    let p = plan(&v, 1);
    let sources: Vec<Vec<Source>> = p.rounds.iter().map(|r| r.audits.iter().map(|a| a.source).collect()).collect();
    // (Round C1.3 is not left empty: it audits the area again, a year on.)
    assert_eq!(sources, [vec![], vec![Source::CatchUp], vec![Source::Planned]]);
    assert!(
        check(&Valid::new(reg.clone(), date("2025-04-01")).unwrap())
            .iter()
            .all(|f| f.code != ismsaudit::findings::Code::OverdueAudit)
    );
}

#[test]
fn an_audit_marked_done_after_today_is_an_input_error() {
    let reg = register("", "audits:\n  - {date: 2025-02-10, areas: [core], auditor: ann, status: done}\n");
    let err = Valid::new(reg, date("2025-01-15")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "record.yaml:15:5: error: audit `2025-02-10` is marked done but is after today (2025-01-15); mark it `booked`, or pass the day it was done with `--today`"
    );
}

#[test]
fn an_audit_by_an_auditor_who_is_not_independent_does_not_count() {
    // olga owns `core`; her audit is shown but the area is planned again in the round.
    let text = "organisation: Record Ltd
certification:
  decision: 2024-06-03
auditors:
  - id: ann
  - id: olga
scope:
  - id: core
    owner: olga
audits:
  - {date: 2025-02-10, areas: [core], auditor: olga}
";
    let reg = parse("record.yaml", text).unwrap();
    let v = Valid::new(reg.clone(), date("2025-03-01")).unwrap();
    let p = plan(&v, 1);
    let r1 = round(&p.rounds, "C1.1");
    let core: Vec<_> = r1.audits_of("core").map(|a| (a.source, a.auditor(p.register), a.independent)).collect();
    assert_eq!(core, [(Source::Done, Some("olga"), false), (Source::Planned, Some("ann"), true)]);
}

#[test]
fn people_are_the_same_whatever_the_case() {
    // The area's owner is written `Tom`, the auditor `tom`: the same person, never his own auditor.
    let text = "organisation: Case Ltd
certification:
  decision: 2024-06-03
auditors:
  - id: tom
scope:
  - id: core
    owner: Tom
";
    let reg = parse("case.yaml", text).unwrap();
    let v = Valid::new(reg.clone(), date("2025-01-15")).unwrap();
    let p = plan(&v, 1);
    assert!(p.rounds.iter().flat_map(|r| &r.audits).all(|a| !a.has_auditor()));
}

#[test]
fn a_review_early_in_the_window_does_not_pull_the_round_earlier() {
    // A mid-year review (2025-06-20) is in round C1.2's window but long before its audits: the
    // round still ends six weeks before surveillance 2, and its own review is planned.
    let reg = register("  surveillance: [2025-05-06]\n", "reviews:\n  - date: 2025-06-20\n");
    let v = Valid::new(reg.clone(), date("2025-07-01")).unwrap();
    let p = plan(&v, 1);
    let r2 = round(&p.rounds, "C1.2");
    assert_eq!(r2.last_day, date("2026-03-25"));
    assert_eq!((r2.review.date, r2.review.recorded), (date("2026-04-22"), None));
}

#[test]
fn an_early_review_after_early_audits_is_no_missing_review() {
    let reg = register(
        "  surveillance: [2025-05-06]\n",
        "audits:\n  - {date: 2025-02-03, areas: [core, ops], auditor: ann}\nreviews:\n  - date: 2025-02-20\n",
    );
    let codes: Vec<_> =
        check(&Valid::new(reg.clone(), date("2025-06-01")).unwrap()).iter().map(|f| f.code.key()).collect();
    assert!(!codes.contains(&"review-missing"), "{codes:?}");
}

/// Found by the property tests: an area joining the scope on the day of Stage 1 was due before
/// it joined. It is due before the next external audit after it joins: Stage 2.
#[test]
fn an_area_joining_on_the_day_of_stage1_is_due_before_stage2() {
    let text = "organisation: Join Ltd
certification: {stage1: 2020-01-01}
auditors: [{id: ann}]
scope:
  - {id: core, owner: olga, risk: high}
  - {id: late, owner: pete, risk: high, since: 2020-01-01}
";
    let reg = parse("join.yaml", text).unwrap();
    let v = Valid::new(reg.clone(), date("2020-01-29")).unwrap();
    let p = plan(&v, 1);
    let r0 = round(&p.rounds, "R0");
    for a in r0.audits_of("late") {
        assert!(a.due >= date("2020-01-01") && a.date >= date("2020-01-01"), "{a:?}");
    }
    assert!(
        check(&Valid::new(reg.clone(), date("2019-12-30")).unwrap()).iter().all(|f| f.area.as_deref() != Some("late"))
    );
}

/// Found by the property tests: of two areas with one history, one booked audit whose day had
/// passed, one was covered and the other not. A booking stands for the audit while its round is
/// open, for the plan and for coverage alike.
#[test]
fn a_booking_whose_day_passed_covers_while_its_round_is_open() {
    let text = "organisation: Twin Ltd
certification:
  decision: 2020-07-25
  recertification: [2023-05-16]
auditors: [{id: dan}]
scope:
  - {id: twin, owner: cat, risk: low}
  - {id: area-00, owner: cat, risk: low}
audits:
  - {date: 2021-06-25, areas: [area-00, twin], auditor: dan, status: booked}
";
    let reg = parse("twin.yaml", text).unwrap();
    let v = Valid::new(reg.clone(), date("2021-06-26")).unwrap();
    let p = plan(&v, 1);
    assert!(p.covered_in_cycle(1, "twin") && p.covered_in_cycle(1, "area-00"));
}

/// A review marked `booked` whose day has passed was not held: it does not count for the
/// interval between reviews; the plan keeps it as the round's review, booked and not held, and
/// `check` asks for it to be marked done.
#[test]
fn a_booked_review_whose_day_passed_was_not_held() {
    let reviews = |second: &str| format!("reviews:\n  - date: 2025-04-14\n  - {{date: 2026-04-13{second}}}\n");
    let today = date("2026-11-28");
    let codes = |reg: &ismsaudit::register::Register| -> Vec<&'static str> {
        check(&Valid::new(reg.clone(), today).unwrap()).iter().map(|f| f.code.key()).collect()
    };
    let held = register("", &reviews(""));
    let booked = register("", &reviews(", status: booked"));
    assert!(!codes(&held).contains(&"review-interval-exceeded"), "{:?}", codes(&held));
    assert!(codes(&booked).contains(&"review-interval-exceeded"), "{:?}", codes(&booked));
    // The round before surveillance 2 (2026-05) takes the review, held or only booked.
    let review_of = |reg: &Register| {
        let v = Valid::new(reg.clone(), today).unwrap();
        plan(&v, 1).rounds.iter().find(|r| r.label() == "C1.2").map(|r| r.review)
    };
    let (with_held, with_booked) = (review_of(&held).unwrap(), review_of(&booked).unwrap());
    assert_eq!((with_held.date, with_held.status()), (date("2026-04-13"), "recorded"));
    assert_eq!((with_booked.date, with_booked.status()), (date("2026-04-13"), "booked"));
    let said: Vec<String> =
        check(&Valid::new(booked.clone(), today).unwrap()).iter().map(|f| f.message.clone()).collect();
    assert!(
        said.iter().any(|m| m.starts_with("the management review booked for 2026-04-13 is not recorded as held")),
        "{said:?}"
    );
    // Marked done on a day after --today: an input error, as for audits.
    let future = register("", "reviews:\n  - {date: 2027-01-11, status: done}\n");
    let err = Valid::new(future, today).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("management review `2027-01-11` is marked done but is after today (2026-11-28)"), "{err}");
}

/// Of two reviews recorded in a round's window, one held and one booked that never took place,
/// the held one is the round's.
#[test]
fn a_held_review_is_preferred_to_a_booked_one_that_did_not_take_place() {
    let reg = register("", "reviews:\n  - {date: 2026-04-13}\n  - {date: 2026-04-20, status: booked}\n");
    let v = Valid::new(reg.clone(), date("2026-11-28")).unwrap();
    let p = plan(&v, 1);
    let review = round(&p.rounds, "C1.2").review;
    assert_eq!((review.date, review.status()), (date("2026-04-13"), "recorded"));
}

/// A booked audit of several days (`end`) takes its auditor, and its auditees, on every one of
/// them. The one auditor is away but for the week of 2025-03-17: with `core` booked from Monday
/// to Wednesday, `ops` goes on Thursday or Friday; booked for Monday only, on a day of the week
/// `core` would have taken.
#[test]
fn a_booking_of_several_days_takes_each_of_them() {
    let text = "organisation: Days Ltd
certification:
  decision: 2024-06-03
auditors:
  - id: ann
    unavailable: [{from: 2024-06-01, to: 2025-03-16, reason: x}, {from: 2025-03-22, to: 2025-06-30, reason: y}]
scope:
  - {id: core, owner: olga, risk: high, audit_days: 3}
  - {id: ops, owner: pete, risk: high}
audits:
  - {date: 2025-03-17, end: 2025-03-19, areas: [core], auditor: ann, status: booked}
";
    let ops_on = |text: &str| {
        let v = Valid::new(parse("days.yaml", text).unwrap(), date("2024-12-02")).unwrap();
        let p = plan(&v, 1);
        round(&p.rounds, "C1.1").audits_of("ops").next().unwrap().date
    };
    assert!((date("2025-03-20")..=date("2025-03-21")).contains(&ops_on(text)));
    let one_day = text.replace("end: 2025-03-19, ", "");
    assert!((date("2025-03-18")..=date("2025-03-19")).contains(&ops_on(&one_day)));
}
