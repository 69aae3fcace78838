//! The auditors a search walks, by load: kept per site, so that an area's search asks only
//! those who can reach it, and an auditor with nothing left leaves it.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound::{Excluded, Unbounded};

use super::super::index::Index;
use super::Load;

/// Auditors as (load, rank), in that order, kept once for every area and once for each site
/// they audit (or among those who audit anywhere): the search for an area's auditor walks only
/// those who can reach its site, however many sites and auditors there are.
#[derive(Debug, Clone, Default)]
pub(super) struct Pool {
    all: BTreeSet<(u32, usize)>,
    anywhere: BTreeSet<(u32, usize)>,
    /// Only the sites some auditor lists (a site nobody lists is reached by `anywhere` only).
    by_site: BTreeMap<usize, BTreeSet<(u32, usize)>>,
}

impl Pool {
    /// Every auditor, with their `load`.
    pub(super) fn new(index: &Index, load: &Load) -> Self {
        let mut pool = Pool::default();
        let load = &load.days;
        for (auditor, &l) in load.iter().enumerate() {
            pool.insert(index, (l, index.rank_of[auditor]));
        }
        pool
    }

    pub(super) fn insert(&mut self, index: &Index, key: (u32, usize)) {
        self.all.insert(key);
        match index.auditor_sites[index.rank[key.1]].as_deref() {
            // Where nobody lists sites, everyone is anywhere: `all` says it.
            None if !index.sited => {}
            None => _ = self.anywhere.insert(key),
            Some(list) => list.iter().for_each(|s| _ = self.by_site.entry(*s).or_default().insert(key)),
        }
    }

    /// Whether `key` was there.
    pub(super) fn remove(&mut self, index: &Index, key: (u32, usize)) -> bool {
        let was = self.all.remove(&key);
        match index.auditor_sites[index.rank[key.1]].as_deref() {
            None if !index.sited => {}
            None => _ = self.anywhere.remove(&key),
            Some(list) => list.iter().for_each(|s| _ = self.by_site.get_mut(s).map(|set| set.remove(&key))),
        }
        was
    }

    /// `key`'s auditor, if kept here, now has a load of `now`.
    pub(super) fn reload(&mut self, index: &Index, key: (u32, usize), now: u32) {
        if self.remove(index, key) {
            self.insert(index, (now, key.1));
        }
    }

    /// How many auditors who audit `site` are kept (every one, for an area without one).
    pub(super) fn count(&self, index: &Index, site: Option<usize>) -> usize {
        match site {
            Some(s) if index.sited => self.by_site.get(&s).map_or(0, BTreeSet::len) + self.anywhere.len(),
            _ => self.all.len(),
        }
    }

    /// The first auditor after `after` (or the first of all) who audits `site`: any auditor for
    /// an area without one.
    pub(super) fn next(&self, index: &Index, site: Option<usize>, after: Option<(u32, usize)>) -> Option<(u32, usize)> {
        let from = |set: &BTreeSet<(u32, usize)>| match after {
            Some(key) => set.range((Excluded(key), Unbounded)).next().copied(),
            None => set.first().copied(),
        };
        match site {
            _ if !index.sited => from(&self.all),
            None => from(&self.all),
            Some(s) => [self.by_site.get(&s).and_then(from), from(&self.anywhere)].into_iter().flatten().min(),
        }
    }
}
