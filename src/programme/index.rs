//! Look-ups the planner builds once per register, so that planning never case-folds or hashes
//! an id again.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use super::round::At;
use crate::grouped::Grouped;
use crate::register::{Area, Conflicts, Register};

/// Look-ups built once per register: areas and auditors in the order of their ids, who may
/// audit what, and the record by area, with each record's areas and auditor as indices (so no
/// id is case-folded and hashed again while planning). Memory grows with areas, auditors and
/// conflicts, never their product.
pub(super) struct Index {
    /// Auditor indices sorted by id: ties in the auditor choice go to the earlier id.
    pub(super) rank: Vec<usize>,
    /// Each auditor's position in `rank`.
    pub(super) rank_of: Vec<usize>,
    /// The people audited with each area (owner and team), as indices, sorted.
    people: Grouped<usize>,
    /// Each area's audit days, held apart from the areas: the search reads them for every audit
    /// it places, in a round's order, and an area (120 bytes) read for them at 50,000 areas
    /// mostly missed the processor's caches (docs/performance.md, the fifteenth pass).
    pub(super) audit_days: Vec<u32>,
    /// Each auditor as a person, an index among the same people.
    pub(super) auditor_person: Vec<usize>,
    /// How many people there are: owners, team members and auditors.
    pub(super) persons: usize,
    /// For each area, its site (an index); for each auditor, the sites they audit, sorted, or
    /// `None` for any.
    site: Vec<Option<At>>,
    pub(super) auditor_sites: Vec<Option<Vec<usize>>>,
    /// Whether any auditor lists sites (if none does, everyone audits everywhere).
    pub(super) sited: bool,
    /// The auditors who may not audit each area (owner, team, declared conflicts).
    pub(super) conflicts: Conflicts,
    /// The programme's owner, an auditor, is kept from the areas marked here: those carrying
    /// clause 9.2 where another auditor is independent.
    pub(super) owner: Option<usize>,
    pub(super) owner_kept_off: Vec<bool>,
    /// For each area, its records (indices into `audits`), in date order.
    pub(super) records: Grouped<usize>,
    /// Each record's auditor, where the register lists them, and its areas, as the record
    /// lists them.
    pub(super) record_auditor: Vec<Option<usize>>,
    pub(super) record_areas: Vec<Vec<Option<usize>>>,
    /// Each area's position when areas are sorted by case-folded id: ties go to the earlier.
    pub(super) area_rank: Vec<u32>,
    /// Each area's position when areas are sorted by id as written (the order of a round's
    /// audits on a day), where it is not `area_rank` (ids whose case orders them otherwise).
    id_order: Option<Vec<u32>>,
    /// (record, area) pairs whose record's nonconformities are not the area's: a record of
    /// several areas with nonconformities, whose corrective actions raised that day name some
    /// of its areas, puts only those into follow-up.
    pub(super) spared: HashSet<(usize, usize)>,
}

impl Index {
    pub(super) fn new<'r>(register: &'r Register) -> Self {
        // Ids as `same_id` compares them, borrowed from the register where already lower case.
        let fold = crate::register::folded;
        let areas: HashMap<Cow<'_, str>, usize> =
            register.scope.iter().enumerate().map(|(i, a)| (fold(&a.id), i)).collect();
        let auditors: HashMap<Cow<'_, str>, usize> =
            register.auditors.iter().enumerate().map(|(i, a)| (fold(&a.id), i)).collect();
        let mut rank: Vec<usize> = (0..register.auditors.len()).collect();
        rank.sort_by_cached_key(|&i| fold(&register.auditors[i].id));
        let conflicts = Conflicts::new(&register.scope, &register.auditors);
        // Nobody audits the programme they manage, where someone else can (ISO 19011 objectivity);
        // `check` warns when the record shows it.
        let owner = register.programme_owner.as_deref().and_then(|o| auditors.get(&fold(o)).copied());
        let owner_kept_off = (register.scope.iter().enumerate())
            .map(|(i, area)| {
                owner.is_some_and(|p| {
                    area.carries_audit_programme() && conflicts.independent(i) > 1 && conflicts.between(i, p).is_none()
                })
            })
            .collect();
        let mut by_area: Vec<(usize, usize)> = Vec::new();
        let mut record_areas = Vec::with_capacity(register.audits.len());
        for (r, record) in register.audits.iter().enumerate() {
            let ids: Vec<Option<usize>> = record.areas.iter().map(|id| areas.get(&fold(id)).copied()).collect();
            by_area.extend(ids.iter().flatten().map(|&i| (i, r)));
            record_areas.push(ids);
        }
        // Records are in date order already; keep it that way whatever the register did (a
        // stable sort: records of one day stay in the register's order).
        by_area.sort_by_key(|&(i, r)| (i, register.audits[r].date));
        let records = Grouped::from_sorted(register.scope.len(), by_area);
        let record_auditor = register
            .audits
            .iter()
            .map(|r| r.auditor.as_deref().and_then(|a| auditors.get(&fold(a)).copied()))
            .collect();
        let spared = spared(register, &areas, &record_areas);
        let area_rank = id_ranks(&register.scope);
        let id_order = id_order(&register.scope);
        let mut rank_of = vec![0; rank.len()];
        for (pos, &j) in rank.iter().enumerate() {
            rank_of[j] = pos;
        }
        // Sized for everyone named at once: a map that grows hashes every id it holds again.
        let named = register.auditors.len() + register.scope.iter().map(|a| 1 + a.team.len()).sum::<usize>();
        let mut names: HashMap<Cow<'r, str>, usize> = HashMap::with_capacity(named);
        let mut intern = |s: &'r str| {
            let n = names.len();
            *names.entry(fold(s)).or_insert(n)
        };
        // Each area's people, sorted and without repeats, one area after another.
        let mut people = Grouped::with_capacity(register.scope.len(), named);
        let mut mine = Vec::new();
        for a in &register.scope {
            mine.clear();
            mine.extend(std::iter::once(&a.owner).chain(&a.team).map(|s| intern(s)));
            mine.sort_unstable();
            mine.dedup();
            people.push(mine.iter().copied());
        }
        let auditor_person: Vec<usize> = register.auditors.iter().map(|a| intern(&a.id)).collect();
        let persons = names.len();
        let mut sites: HashMap<Cow<'r, str>, usize> = HashMap::new();
        let mut site_of = |s: &'r str| {
            let n = sites.len();
            *sites.entry(fold(s)).or_insert(n)
        };
        let site = register.scope.iter().map(|a| a.site.as_deref().map(|s| At::new(site_of(s)))).collect();
        let auditor_sites = (register.auditors.iter())
            .map(|a| {
                a.sites.as_ref().map(|list| {
                    let mut v: Vec<usize> = list.iter().map(|s| site_of(s)).collect();
                    v.sort_unstable();
                    v.dedup();
                    v
                })
            })
            .collect::<Vec<_>>();
        let sited = auditor_sites.iter().any(Option::is_some);
        Index {
            rank,
            rank_of,
            people,
            audit_days: register.scope.iter().map(|a| a.audit_days).collect(),
            auditor_person,
            persons,
            site,
            auditor_sites,
            sited,
            conflicts,
            owner,
            owner_kept_off,
            records,
            record_auditor,
            record_areas,
            area_rank,
            id_order,
            spared,
        }
    }

    /// Whether record `r`'s nonconformities are not area `i`'s (see [`Index::spared`]); no
    /// hashing for a register without such records, the usual case.
    pub(super) fn spared(&self, r: usize, i: usize) -> bool {
        !self.spared.is_empty() && self.spared.contains(&(r, i))
    }

    /// The people audited with area `i`: its owner and team.
    pub(super) fn people(&self, i: usize) -> &[usize] {
        self.people.get(i)
    }

    /// Whether the programme may give area `i` to auditor `j`: independent of it, and not the
    /// programme's owner where it is kept off.
    pub(super) fn may_audit(&self, i: usize, j: usize) -> bool {
        self.conflicts.between(i, j).is_none() && !(self.owner_kept_off[i] && self.owner == Some(j))
    }

    /// The auditors the programme may not give area `i` to (see [`Index::may_audit`]), each
    /// once.
    pub(super) fn kept_from(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        // (The owner is kept off only where no conflict keeps them off already.)
        self.conflicts.of(i).chain(self.owner.filter(|_| self.owner_kept_off[i]))
    }

    /// Area `i`'s site, if it names one (an index among the sites auditors name).
    pub(super) fn site(&self, i: usize) -> Option<usize> {
        self.site[i].map(At::get)
    }

    /// Whether auditor `j` audits at area `i`'s site (everyone does, where either names none).
    pub(super) fn reaches(&self, i: usize, j: usize) -> bool {
        match (self.site(i), self.auditor_sites[j].as_deref()) {
            (Some(site), Some(sites)) => sites.contains(&site),
            _ => true,
        }
    }

    /// Each area's position when areas are sorted by id as written.
    pub(super) fn id_order(&self) -> &[u32] {
        self.id_order.as_deref().unwrap_or(&self.area_rank)
    }

    /// How many auditors the programme may give area `i` to.
    pub(super) fn eligible(&self, i: usize) -> usize {
        self.conflicts.independent(i) - usize::from(self.owner_kept_off[i])
    }
}

/// The areas of records with nonconformities that the corrective actions raised on the record's
/// day do not name, where they name some of its areas (see [`Index::spared`]).
fn spared(
    register: &Register,
    areas: &HashMap<Cow<'_, str>, usize>,
    record_areas: &[Vec<Option<usize>>],
) -> HashSet<(usize, usize)> {
    let found = |r: &usize| {
        let n = register.audits[*r].nonconformities;
        n.major + n.minor > 0 && record_areas[*r].len() > 1
    };
    let mut by_day: HashMap<NaiveDate, Vec<usize>> = HashMap::new();
    for r in (0..register.audits.len()).filter(found) {
        by_day.entry(register.audits[r].date).or_default().push(r);
    }
    let mut named: HashMap<usize, HashSet<usize>> = HashMap::new();
    for ca in &register.corrective_actions {
        let Some(&i) = areas.get(&crate::register::folded(&ca.area)) else { continue };
        for &r in by_day.get(&ca.raised).into_iter().flatten() {
            if record_areas[r].contains(&Some(i)) {
                named.entry(r).or_default().insert(i);
            }
        }
    }
    let mut out = HashSet::new();
    for (r, named) in named {
        out.extend(record_areas[r].iter().flatten().filter(|i| !named.contains(i)).map(|&i| (r, i)));
    }
    out
}

/// Each area's place when areas are sorted by id as written, where that is not its place by
/// case-folded id (`id_ranks`): none where the two orders agree, as they do unless ids differ in
/// case where they differ first.
fn id_order(scope: &[Area]) -> Option<Vec<u32>> {
    let mut by_id = by_folded_id(scope);
    if by_id.windows(2).all(|w| scope[w[0]].id < scope[w[1]].id) {
        return None;
    }
    by_id.sort_by(|&a, &b| scope[a].id.cmp(&scope[b].id));
    Some(places(&by_id))
}

/// Each area's place when areas are sorted by case-folded id (as [`same_id`] compares them),
/// the earlier on a tie: ties between areas are broken by these, so the order of the register
/// changes nothing.
///
/// [`same_id`]: crate::register::same_id
pub(super) fn id_ranks(scope: &[Area]) -> Vec<u32> {
    places(&by_folded_id(scope))
}

/// The areas' places in the scope, sorted by case-folded id, the earlier on a tie.
fn by_folded_id(scope: &[Area]) -> Vec<usize> {
    let mut by_id: Vec<usize> = (0..scope.len()).collect();
    by_id.sort_by_cached_key(|&i| crate::register::folded(&scope[i].id));
    by_id
}

/// For each item, its position in `sorted` (a list of all the items' places, each once).
fn places(sorted: &[usize]) -> Vec<u32> {
    let mut place = vec![0; sorted.len()];
    for (pos, &i) in sorted.iter().enumerate() {
        place[i] = crate::grouped::place32(pos);
    }
    place
}
