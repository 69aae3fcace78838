//! A clause or control as an area holds it: its place in the catalogue, one byte where a
//! reference to its id takes sixteen. An area may name some thirty, a register may hold 100,000
//! areas, and every plan written reads them.

use std::fmt;

use super::data::{CLAUSES, CONTROL_IDS, CONTROLS};

/// A subclause of clauses 4 to 10 (`4.1` ... `10.2`); ordered as the catalogue lists them.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Clause(u8);

/// An Annex A control of ISO/IEC 27001:2022 (`A.5.1` ... `A.8.34`); ordered as the catalogue
/// lists them (`A.5.2` before `A.5.10`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Control(u8);

impl Clause {
    /// The subclause at place `k` of the catalogue, if it has one there.
    pub(super) fn at(k: usize) -> Option<Self> {
        u8::try_from(k).ok().filter(|_| k < CLAUSES.len()).map(Clause)
    }

    /// Its id, as `4.1`.
    pub fn id(self) -> &'static str {
        CLAUSES[usize::from(self.0)].0
    }

    pub fn title(self) -> &'static str {
        CLAUSES[usize::from(self.0)].1
    }
}

impl Control {
    /// The control at place `k` of the catalogue, if it has one there.
    pub(super) fn at(k: usize) -> Option<Self> {
        u8::try_from(k).ok().filter(|_| k < CONTROL_IDS.len()).map(Control)
    }

    /// Its id as registers write it, as `A.5.1`.
    pub fn id(self) -> &'static str {
        CONTROL_IDS[usize::from(self.0)]
    }

    pub fn title(self) -> &'static str {
        CONTROLS[usize::from(self.0)].1
    }
}

/// Each shows and serialises as its id.
macro_rules! as_id {
    ($($t:ty),*) => {$(
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.id())
            }
        }

        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(self.id(), f)
            }
        }

        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.id())
            }
        }
    )*};
}

as_id!(Clause, Control);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_place_reads_as_its_id_and_title() {
        let clauses: Vec<&str> = (0..CLAUSES.len()).filter_map(Clause::at).map(Clause::id).collect();
        assert_eq!(clauses.len(), 23);
        assert_eq!((clauses[0], *clauses.last().unwrap_or(&"")), ("4.1", "10.2"));
        assert!(Clause::at(CLAUSES.len()).is_none() && Control::at(CONTROL_IDS.len()).is_none());
        let title = Clause::at(0).map(Clause::title);
        assert_eq!(title, Some("Understanding the organization and its context"));
        let (Some(first), Some(last)) = (Control::at(0), Control::at(CONTROL_IDS.len() - 1)) else {
            panic!("the catalogue's first and last controls");
        };
        assert_eq!(first.title(), "Policies for information security");
        assert_eq!((first.id(), last.to_string()), ("A.5.1", "A.8.34".to_string()));
        assert_eq!(format!("{first:?}"), r#""A.5.1""#);
        assert_eq!(std::mem::size_of::<Control>(), 1);
    }
}
