//! The plan for one internal audit, to hand to its auditor and auditees (ISO 19011 6.3.2:
//! objectives, scope, criteria, date, place, duration, auditor, auditees, method, reporting):
//! read off the plan, so it says what the programme says.

use std::convert::Infallible;

use chrono::{Days, NaiveDate};

use crate::catalogue;
use crate::plan::Plan;
use crate::programme::{AreaAudit, Round, Source};
use crate::register::{Area, CorrectiveAction, FindingKind, Register, same_id};

/// How long after its last day an audit's report is due, at the latest: two weeks, and before
/// the round's management review takes the results (27001 9.3.2 c).
pub const REPORT_WITHIN_DAYS: u64 = 14;

/// One audit's plan.
#[derive(Debug, Clone)]
pub struct AuditPlan<'p> {
    pub area: &'p Area,
    /// The site's name where the register lists sites, else the area's `site` as written.
    pub site: Option<String>,
    pub round: String,
    /// What the round prepares, in words ("surveillance 1 of cycle 2 on 2027-05-04").
    pub prepares: String,
    pub date: NaiveDate,
    pub end: NaiveDate,
    /// The open days it takes, in order (see [`AreaAudit::days`]).
    pub on: Vec<NaiveDate>,
    /// planned, booked, done ... as the plan words it.
    pub status: &'static str,
    pub auditor: Option<String>,
    /// The owner, then the team.
    pub auditees: Vec<String>,
    /// The e-mail addresses `people` gives for the auditor and auditees: name, address.
    pub contacts: Vec<(String, String)>,
    pub method: Option<&'static str>,
    pub objectives: Vec<String>,
    /// The clauses and controls audited, with their titles.
    pub criteria: Vec<(&'static str, &'static str)>,
    /// The programme's criteria besides the standard (`programme.criteria`).
    pub documents: &'p [String],
    /// Earlier findings in the area still to follow up.
    pub follow_up: Vec<FollowUpItem>,
    pub report_to: Vec<String>,
    pub report_due: NaiveDate,
    /// The management review that takes the results.
    pub review: NaiveDate,
}

/// An earlier finding the audit follows up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUpItem {
    pub id: String,
    pub kind: FindingKind,
    pub found: NaiveDate,
    pub text: String,
    /// Its corrective action and where it stands: "open, due 2027-05-31", "closed 2027-05-12,
    /// not yet verified".
    pub action: Option<(String, String)>,
}

/// Why an audit plan cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoAudit {
    #[error("area `{area}` is not in the register's scope; {hint}")]
    UnknownArea { area: String, hint: String },
    #[error("no internal audit of `{0}` is in the plan's rounds")]
    NotPlanned(String),
    /// The plan has no rounds at all (a lapsed certificate): `why` says so, and what to do.
    #[error("no internal audit of `{area}` is planned: {why}")]
    NoRounds { area: String, why: &'static str },
    #[error("round `{round}` has no audit of `{area}`; it is audited in {rounds}")]
    NotInRound { area: String, round: String, rounds: String },
}

/// The area with the id `id` (compared without case).
pub fn area<'r>(reg: &'r Register, id: &str) -> Result<&'r Area, NoAudit> {
    reg.scope.iter().find(|a| same_id(&a.id, id)).ok_or_else(|| NoAudit::UnknownArea {
        area: crate::text::shortened(id, 100).into_owned(),
        hint: match catalogue::closest(id, reg.scope.iter().map(|a| a.id.as_str())) {
            Some(close) => format!("did you mean `{close}`?"),
            None => {
                let ids: Vec<&str> = reg.scope.iter().take(12).map(|a| a.id.as_str()).collect();
                let more = if reg.scope.len() > ids.len() { ", ..." } else { "" };
                format!("give the id of an area in `scope`: {}{more}", ids.join(", "))
            }
        },
    })
}

/// The plan for `area`'s audit in round `round`, or its next audit not yet held (else its
/// last one). Of an [`outline`](crate::plan::outline), the rounds are planned one at a time and
/// only the area's audits kept: a plan of 100,000 areas is not held whole for one of them.
pub fn audit_plan<'p>(plan: &Plan<'p>, area: &'p Area, round: Option<&str>) -> Result<AuditPlan<'p>, NoAudit> {
    // The area's audits in each round, each as its plan, with what chooses among them.
    struct Candidate<'p> {
        window_end: NaiveDate,
        /// The audit that counts (independent, and the area's full audit) comes first in its round.
        counts: bool,
        label: String,
        source: Source,
        end: NaiveDate,
        plan: AuditPlan<'p>,
    }
    let (reg, today) = (plan.register, plan.today);
    let (mut audits, mut rounds) = (Vec::<Candidate>::new(), 0);
    let Ok(()) = plan.each_round::<Infallible>(|r| {
        rounds += 1;
        for a in r.audits.iter().filter(|a| a.area == area.id) {
            let counts = a.independent && a.kind == crate::register::AuditKind::Full;
            let (label, source, end) = (r.label(), a.source, a.end);
            audits.push(Candidate {
                window_end: r.window_end,
                counts,
                label,
                source,
                end,
                plan: of(reg, today, r, a, area),
            });
        }
        Ok(())
    });
    if rounds == 0 {
        return Err(NoAudit::NoRounds { area: area.id.to_string(), why: plan.why_no_rounds() });
    }
    audits.sort_by_key(|c| (c.window_end, !c.counts));
    let chosen = match round {
        // A round's audit as the plan shows it, an audit missed there included.
        Some(label) => audits.iter().position(|c| c.label.eq_ignore_ascii_case(label)).ok_or_else(|| {
            let mut rounds: Vec<&str> = audits.iter().map(|c| c.label.as_str()).collect();
            rounds.dedup();
            NoAudit::NotInRound {
                area: area.id.to_string(),
                round: label.to_string(),
                rounds: if rounds.is_empty() { "no round".to_string() } else { rounds.join(", ") },
            }
        })?,
        None => (audits.iter())
            .position(|c| c.source != Source::Missed && c.source != Source::Done && c.end >= today)
            .or(audits.iter().rposition(|c| c.source != Source::Missed))
            .ok_or_else(|| NoAudit::NotPlanned(area.id.to_string()))?,
    };
    Ok(audits.swap_remove(chosen).plan)
}

fn of<'p>(reg: &'p Register, today: NaiveDate, r: &Round<'_>, a: &AreaAudit<'_>, area: &'p Area) -> AuditPlan<'p> {
    let labels = reg.labels();
    let named = |id: &str| labels.get(&*crate::register::folded(id)).cloned().unwrap_or_else(|| id.to_string());
    let site = area.site.as_deref().map(|s| {
        (reg.profile.sites.iter()).find(|x| same_id(&x.id, s)).map_or_else(|| s.to_string(), |x| x.name.clone())
    });
    let calendar = crate::calendar::Calendar::new(&reg.settings);
    let on: Vec<NaiveDate> = a.days(reg, &calendar).collect();
    let follow_up = follow_up(reg, area, a.date, today);
    let contacts = (a
        .auditor(reg)
        .into_iter()
        .chain(std::iter::once(area.owner.as_str()))
        .chain(area.team.iter().map(|t| t.as_str())))
    .filter_map(|id| reg.people.iter().find(|p| same_id(&p.id, id)))
    .filter_map(|p| Some((named(&p.id), p.email.clone()?)))
    .collect();
    let mut objectives = vec![
        format!(
            "Conformity: whether {} conforms to the organisation's own requirements for its ISMS and to ISO/IEC 27001:2022 (9.2.1 a).",
            area.name()
        ),
        "Effectiveness: whether its controls are implemented and maintained and achieve their intended results, judged on evidence from the period since the last audit (records, samples of operations, interviews), not on documents alone (9.2.1 b).".to_string(),
    ];
    if follow_up.iter().any(|f| f.kind.severity().is_some()) {
        objectives.push(
            "Follow-up: whether the corrective actions on earlier nonconformities were implemented and are effective (10.2 d)."
                .to_string(),
        );
    }
    let criteria = area
        .clauses
        .iter()
        .map(|c| (c.id(), c.title()))
        .chain(area.controls.iter().map(|c| (c.id(), c.title())))
        .collect();
    let report_due =
        (a.end + Days::new(REPORT_WITHIN_DAYS)).min(r.review.date.pred_opt().unwrap_or(r.review.date)).max(a.end);
    AuditPlan {
        area,
        site,
        round: r.label(),
        prepares: r.prepares.describe(),
        date: a.date,
        end: a.end,
        on,
        status: a.source.key(),
        auditor: a.auditor(reg).map(named).or_else(|| a.auditor_org(reg).map(str::to_string)),
        auditees: std::iter::once(&area.owner).chain(&area.team).map(|p| named(p)).collect(),
        contacts,
        method: area.method.map(|m| m.key()),
        objectives,
        criteria,
        documents: &reg.criteria,
        follow_up,
        report_to: reg.reports_to.iter().map(|p| named(p)).collect(),
        report_due,
        review: r.review.date,
    }
}

/// The area's nonconformities found before `before` whose corrective action is not verified
/// (or that have none), and the observations and opportunities of its last audit.
fn follow_up(reg: &Register, area: &Area, before: NaiveDate, today: NaiveDate) -> Vec<FollowUpItem> {
    let earlier: Vec<_> = reg.audits.iter().filter(|r| r.date < before).collect();
    let last = earlier.iter().rev().find(|r| r.areas.iter().any(|a| same_id(a, &area.id))).map(|r| r.date);
    let mut out = Vec::new();
    for record in &earlier {
        for f in record.findings.iter().filter(|f| same_id(&f.area, &area.id)) {
            let action =
                reg.corrective_actions.iter().find(|c| c.finding.as_deref().is_some_and(|id| same_id(id, &f.id)));
            let open = f.kind.severity().is_some() && action.is_none_or(|c| c.verified.is_none());
            let recent = f.kind.severity().is_none() && Some(record.date) == last;
            if open || recent {
                out.push(FollowUpItem {
                    id: f.id.clone(),
                    kind: f.kind,
                    found: record.date,
                    text: f.text.clone(),
                    action: action.map(|c| (c.id.clone(), action_status(c, today))),
                });
            }
        }
    }
    out
}

/// Where a corrective action stands on `today`, in words (10.2): open (overdue past the date
/// last agreed), closed and awaiting verification of its effectiveness, or verified.
pub fn action_status(c: &CorrectiveAction, today: NaiveDate) -> String {
    match (c.closed, c.verified) {
        (_, Some(v)) => format!("verified {v}"),
        (Some(closed), None) => format!("closed {closed}, effectiveness not yet verified"),
        (None, None) if c.due_now() < today => format!("OVERDUE: open, due {}", c.due_now()),
        (None, None) => format!("open, due {}", c.due_now()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{outline, plan};

    /// Planned a round at a time (an outline), keeping only the area's audits, the audit plan is
    /// the one the whole plan gives: for every area of the examples, at dates before, within and
    /// after their cycles, with and without a round asked for.
    #[test]
    fn an_outline_gives_the_audit_plan_the_whole_plan_gives() {
        let mut compared = 0;
        for (name, today, valid) in crate::valid::examples_on_days() {
            let (whole, outline) = (plan(&valid, 2), outline(&valid, 2));
            for area in &valid.register().scope {
                for round in [None, Some("C1.2"), Some("c2.1"), Some("R0")] {
                    let a = audit_plan(&whole, area, round).map(|p| format!("{p:?}"));
                    let b = audit_plan(&outline, area, round).map(|p| format!("{p:?}"));
                    assert_eq!(a, b, "{name} {today} {} {round:?}", area.id);
                    compared += 1;
                }
            }
        }
        assert!(compared > 100, "{compared}");
    }
}
