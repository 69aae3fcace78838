//! Multi-site organisations (IAF MD 1), where the register lists its sites: every site audited
//! internally before Stage 1, and the central function, where the ISMS is managed, in every
//! round.

use super::Fact;
use super::programme::round_ref;
use crate::plan::Plan;
use crate::programme::{AreaAudit, Round};
use crate::register::{Site, same_id};

pub(super) fn sites<'r>(plan: &Plan<'r>) -> Vec<Fact<'r>> {
    let reg = plan.register;
    let sites = &reg.profile.sites;
    if sites.is_empty() {
        return Vec::new();
    }
    let at_site = |a: &AreaAudit, site: &Site| {
        a.area_in(reg).and_then(|x| x.site.as_deref()).is_some_and(|s| same_id(s, &site.id))
    };
    let has_areas = |site: &Site| reg.scope.iter().any(|a| a.site.as_deref().is_some_and(|s| same_id(s, &site.id)));
    // An audit held, booked or planned that counts for its round.
    let audits = |r: &Round<'_>, site: &Site| r.audits.iter().any(|a| r.counts(a, plan.today) && at_site(a, site));
    let mut out = Vec::new();
    let epoch = plan.epoch();
    let round0 = plan.rounds.iter().find(|r| r.cycle == 0);
    if let (Some(stage1), true, Some(r0)) = (epoch.stage1, plan.initial, round0)
        && r0.window_end > plan.today
    {
        for site in sites {
            let before = r0.audits.iter().any(|a| r0.counts(a, plan.today) && a.end < stage1.date && at_site(a, site));
            if !before {
                out.push(Fact::SiteNotAuditedBeforeStage1 {
                    site: &site.id,
                    stage1: stage1.date,
                    has_areas: has_areas(site),
                    at: site.loc,
                });
            }
        }
    }
    if let Some(central) = reg.profile.central() {
        // With no area at the central function, every round misses it for one cause: said once.
        let rounds = plan.rounds.iter().filter(|r| reg.judges(r.window_start, r.last_day));
        let rounds: Vec<&Round<'_>> = if has_areas(central) { rounds.collect() } else { rounds.take(1).collect() };
        for r in rounds {
            if !audits(r, central) {
                out.push(Fact::CentralFunctionNotAudited {
                    site: &central.id,
                    round: round_ref(r),
                    has_areas: has_areas(central),
                    at: central.loc,
                });
            }
        }
    }
    out
}
