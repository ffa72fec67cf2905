//! Which items and drivers two packs share: matched by id.

use crate::rules::Pack;

/// One item or driver id and where it is in each pack.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanEntry {
    /// Item or driver id.
    pub id: String,
    /// Its name (from the new pack when it has it, else the old), for reports.
    pub name: String,
    /// Index in the old pack (`None`: added).
    pub old: Option<usize>,
    /// Index in the new pack (`None`: removed).
    pub new: Option<usize>,
}

impl PlanEntry {
    /// `both`, `added` (only in the new pack) or `removed` (only in the old).
    pub fn status(&self) -> &'static str {
        match (self.old, self.new) {
            (Some(_), Some(_)) => "both",
            (None, _) => "added",
            (_, None) => "removed",
        }
    }
}

/// Which items and drivers the two packs share, by id.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Items in report order: the new pack's order, then removed items in old order.
    pub items: Vec<PlanEntry>,
    /// Drivers in the same order.
    pub drivers: Vec<PlanEntry>,
}

impl Plan {
    /// Match `old` and `new` by id.
    pub fn new(old: &Pack, new: &Pack) -> Self {
        Plan {
            items: pair(
                old.items.iter().map(|i| (i.id.as_str(), i.name.as_str())),
                new.items.iter().map(|i| (i.id.as_str(), i.name.as_str())),
            ),
            drivers: pair(
                old.drivers.iter().map(|d| (d.id.as_str(), d.name.as_str())),
                new.drivers.iter().map(|d| (d.id.as_str(), d.name.as_str())),
            ),
        }
    }
}

/// `(id, name)` lists of two packs matched by id.
fn pair<'a>(
    old: impl Iterator<Item = (&'a str, &'a str)>,
    new: impl Iterator<Item = (&'a str, &'a str)>,
) -> Vec<PlanEntry> {
    let old: Vec<(&str, &str)> = old.collect();
    let new: Vec<(&str, &str)> = new.collect();
    let mut out: Vec<PlanEntry> = new
        .iter()
        .enumerate()
        .map(|(ni, (id, name))| PlanEntry {
            id: id.to_string(),
            name: name.to_string(),
            old: old.iter().position(|(o, _)| o == id),
            new: Some(ni),
        })
        .collect();
    for (oi, (id, name)) in old.iter().enumerate() {
        if !new.iter().any(|(n, _)| n == id) {
            out.push(PlanEntry {
                id: id.to_string(),
                name: name.to_string(),
                old: Some(oi),
                new: None,
            });
        }
    }
    out
}
