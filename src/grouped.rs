//! Many short lists, one for each of a run of keys (areas), held as one list: a register of
//! 100,000 areas keeps its areas' records, people or conflicts in two allocations, not in one
//! allocation (and a 24-byte header) for each area.

/// A list for each key in `0..len`: key `k`'s items are `items[from[k]..from[k + 1]]`.
#[derive(Debug, Clone)]
pub(crate) struct Grouped<T> {
    from: Vec<u32>,
    items: Vec<T>,
}

impl<T> Grouped<T> {
    /// The lists of keys `0..len` from `(key, item)` pairs sorted by key (each key's items in
    /// the order given). Keys at or past `len` are dropped.
    pub fn from_sorted(len: usize, pairs: impl IntoIterator<Item = (usize, T)>) -> Self {
        let mut from = Vec::with_capacity(len + 1);
        let mut items = Vec::new();
        from.push(0);
        for (key, item) in pairs {
            debug_assert!(key + 1 >= from.len(), "pairs not sorted by key");
            if key >= len {
                break;
            }
            while from.len() <= key {
                from.push(offset(items.len()));
            }
            items.push(item);
        }
        while from.len() <= len {
            from.push(offset(items.len()));
        }
        Grouped { from, items }
    }

    /// No lists yet, with room for `keys` of them and `items` in all.
    pub fn with_capacity(keys: usize, items: usize) -> Self {
        let mut from = Vec::with_capacity(keys + 1);
        from.push(0);
        Grouped { from, items: Vec::with_capacity(items) }
    }

    /// Adds the next key's list.
    pub fn push(&mut self, list: impl IntoIterator<Item = T>) {
        self.items.extend(list);
        self.from.push(offset(self.items.len()));
    }

    /// Key `k`'s items (none for a key past the last).
    pub fn get(&self, k: usize) -> &[T] {
        match (self.from.get(k), self.from.get(k + 1)) {
            (Some(&a), Some(&b)) => &self.items[a as usize..b as usize],
            _ => &[],
        }
    }

    /// All the items, key after key.
    #[cfg(test)]
    pub fn items(&self) -> &[T] {
        &self.items
    }
}

/// An item's place in the one list. Every item stands for a value in the register (a record's
/// area, a team member, a declared conflict).
fn offset(n: usize) -> u32 {
    place32(n)
}

/// A place among the register's values (an area, an auditor, a list's item) in 32 bits: a
/// register under the largest size limit (4 GiB) holds fewer than 2^32 values (one for every
/// four bytes at most, `register::max_values`), and one built in code could not hold 2^32 areas
/// in memory.
pub(crate) fn place32(n: usize) -> u32 {
    // Unreachable: `n` is a place among a register's values (see above), and the reader
    // refuses a file over 4 GiB and stops at one value for every four bytes (and 2^18 more).
    u32::try_from(n).expect("fewer than 2^32 values in a register")
}

#[cfg(test)]
mod tests {
    use super::Grouped;

    #[test]
    fn each_key_has_its_items_in_order_and_empty_keys_have_none() {
        let g = Grouped::from_sorted(5, [(0, 'a'), (0, 'b'), (2, 'c'), (4, 'd'), (4, 'e'), (7, 'z')]);
        assert_eq!(g.get(0), ['a', 'b']);
        assert_eq!(g.get(1), [] as [char; 0]);
        assert_eq!(g.get(2), ['c']);
        assert_eq!(g.get(3), [] as [char; 0]);
        assert_eq!(g.get(4), ['d', 'e']);
        // A key past the last has nothing, and one at or past `len` was dropped.
        assert_eq!(g.get(5), [] as [char; 0]);
        assert_eq!(g.items(), ['a', 'b', 'c', 'd', 'e']);
        let none: Grouped<char> = Grouped::from_sorted(3, []);
        assert!((0..4).all(|k| none.get(k).is_empty()));
        let mut pushed = Grouped::with_capacity(3, 5);
        for list in [&['a', 'b'][..], &[], &['c']] {
            pushed.push(list.iter().copied());
        }
        assert_eq!(
            (pushed.get(0), pushed.get(1), pushed.get(2), pushed.get(3)),
            (&['a', 'b'][..], &[][..], &['c'][..], &[][..])
        );
    }
}
