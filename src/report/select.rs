//! Which rule pack's numbers a report shows.
//!
//! Runs made with different packs (a new item, a changed weight) cannot share one number,
//! so merged aggregates keep each pack apart. By default the report shows the newest
//! pack version (highest version, then the one with the latest day, then the hash) and
//! lists the others as left out; `--pack HASH_PREFIX` picks one; `--pack all` combines
//! them, matching items, sections and drivers by id, and says so.

use crate::aggregate::{Aggregates, Day, DayAgg, PackAgg, PackMeta};
use std::cmp::Ordering;

/// `--pack`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum PackChoice {
    /// The newest pack version.
    #[default]
    Newest,
    /// The pack whose hash starts with this.
    Prefix(String),
    /// Every pack, combined by item id.
    All,
}

impl PackChoice {
    /// `all` or a hash prefix.
    pub fn parse(s: &str) -> PackChoice {
        match s.trim() {
            "all" => PackChoice::All,
            p => PackChoice::Prefix(p.to_ascii_lowercase()),
        }
    }
}

/// `--pack` names no pack, or several.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SelectError(pub String);

/// The pack to report on, and what to say about the choice.
#[derive(Debug)]
pub struct Selected {
    /// Its numbers.
    pub pack: PackAgg,
    /// Packs used and packs left out (for `Report.packs`).
    pub packs: Vec<String>,
    /// Notes.
    pub notes: Vec<String>,
}

/// Compare versions part by part (`1.10.0` > `1.9.2`), numbers as numbers.
fn cmp_version(a: &str, b: &str) -> Ordering {
    let parts = |s: &str| -> Vec<(u64, String)> {
        s.split(['.', '-', '+'])
            .map(|p| match p.parse::<u64>() {
                Ok(n) => (n, String::new()),
                Err(_) => (0, p.to_string()),
            })
            .collect()
    };
    parts(a).cmp(&parts(b))
}

fn describe(p: &PackAgg) -> String {
    let calls: u64 = p.days.values().map(DayAgg::calls).sum();
    let days: Vec<Day> = p.known_days().collect();
    let span = match (days.first(), days.last()) {
        (Some(a), Some(b)) => format!(", {a} … {b}"),
        _ => String::new(),
    };
    format!("{}: {calls} calls{span}", p.meta.label())
}

/// Choose the pack.
pub fn select(aggs: Aggregates, choice: &PackChoice) -> Result<Selected, SelectError> {
    let mut packs: Vec<PackAgg> = aggs.packs.into_values().collect();
    if packs.is_empty() {
        return Err(SelectError("the aggregates hold no rule pack".into()));
    }
    // Newest first.
    packs.sort_by(|a, b| {
        cmp_version(&b.meta.version, &a.meta.version)
            .then_with(|| b.known_days().last().cmp(&a.known_days().last()))
            .then_with(|| b.meta.hash.cmp(&a.meta.hash))
    });
    match choice {
        PackChoice::All => {
            let mut target = packs[0].meta.clone();
            for p in &packs[1..] {
                union_into(&mut target, &p.meta);
            }
            let used: Vec<String> = packs.iter().map(|p| p.meta.label()).collect();
            let mut notes = Vec::new();
            if packs.len() > 1 {
                target.version = format!("{} (+{} more)", target.version, packs.len() - 1);
                notes.push(format!(
                    "numbers combine {} rule pack versions (--pack all): items, sections and drivers are matched by id",
                    packs.len()
                ));
            }
            let mut it = packs.into_iter();
            let mut acc = it
                .next()
                .map(|p| p.reindexed(&target))
                .ok_or_else(|| SelectError("the aggregates hold no rule pack".into()))?;
            for p in it {
                acc.merge(p.reindexed(&target));
            }
            Ok(Selected {
                pack: acc,
                packs: used,
                notes,
            })
        }
        PackChoice::Newest => {
            let rest: Vec<String> = packs[1..]
                .iter()
                .map(|p| {
                    format!(
                        "left out: {} (another rule pack; show it with --pack {}, or combine with --pack all)",
                        describe(p),
                        &p.meta.hash[..p.meta.hash.len().min(12)]
                    )
                })
                .collect();
            let chosen = packs.swap_remove(0);
            let mut lines = vec![chosen.meta.label()];
            let mut notes = Vec::new();
            if !rest.is_empty() {
                notes.push(format!(
                    "{} run(s) made with another rule pack version were left out (see the packs above)",
                    rest.len()
                ));
            }
            lines.extend(rest);
            Ok(Selected {
                pack: chosen,
                packs: lines,
                notes,
            })
        }
        PackChoice::Prefix(prefix) => {
            let matching: Vec<usize> = (0..packs.len())
                .filter(|i| packs[*i].meta.hash.starts_with(prefix.as_str()))
                .collect();
            let known = || packs.iter().map(describe).collect::<Vec<_>>().join("; ");
            match matching.as_slice() {
                [i] => {
                    let i = *i;
                    let others: Vec<String> = packs
                        .iter()
                        .enumerate()
                        .filter(|(j, _)| *j != i)
                        .map(|(_, p)| format!("left out: {}", describe(p)))
                        .collect();
                    let chosen = packs.swap_remove(i);
                    let mut lines = vec![chosen.meta.label()];
                    lines.extend(others);
                    Ok(Selected {
                        pack: chosen,
                        packs: lines,
                        notes: Vec::new(),
                    })
                }
                [] => Err(SelectError(format!(
                    "--pack {prefix}: no rule pack hash starts with it; the aggregates hold: {}",
                    known()
                ))),
                _ => Err(SelectError(format!(
                    "--pack {prefix}: several rule packs match; give more of the hash. The aggregates hold: {}",
                    known()
                ))),
            }
        }
    }
}

/// Add to `t` the items, sections, drivers and departments of `o` it lacks.
fn union_into(t: &mut PackMeta, o: &PackMeta) {
    for it in &o.items {
        if !t.items.iter().any(|x| x.id == it.id) {
            t.items.push(it.clone());
        }
    }
    for s in &o.sections {
        if !t.sections.contains(s) {
            t.sections.push(s.clone());
        }
    }
    for d in &o.drivers {
        if !t.drivers.iter().any(|x| x.id == d.id) {
            t.drivers.push(d.clone());
        }
    }
    for d in &o.departments {
        if !t.departments.iter().any(|x| x.id == d.id) {
            t.departments.push(d.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::tests::{facts, test_meta};

    fn two_packs() -> Aggregates {
        let mut old = Aggregates::for_meta(test_meta("aaaa1111", "1.9.0"));
        old.add(&facts("o1", "2026-10-01", 1, "t", "x"));
        let mut meta = test_meta("bbbb2222", "1.10.0");
        meta.items.remove(0);
        let mut new = Aggregates::for_meta(meta);
        new.add(&facts("n1", "2026-09-01", 1, "t", "x"));
        new.add(&facts("n2", "2026-09-02", 1, "t", "x"));
        old.merge(new).unwrap();
        old
    }

    #[test]
    fn newest_version_is_chosen_and_the_rest_listed() {
        let s = select(two_packs(), &PackChoice::Newest).unwrap();
        assert_eq!(s.pack.meta.version, "1.10.0", "1.10 is newer than 1.9");
        assert_eq!(s.packs[0], "test 1.10.0 (bbbb2222)");
        assert!(
            s.packs[1].contains("left out: test 1.9.0 (aaaa1111): 1 calls"),
            "{:?}",
            s.packs
        );
        assert_eq!(s.notes.len(), 1);
    }

    #[test]
    fn prefix_and_all() {
        let s = select(two_packs(), &PackChoice::parse("aaaa")).unwrap();
        assert_eq!(s.pack.meta.hash, "aaaa1111");
        let e = select(two_packs(), &PackChoice::parse("cc")).unwrap_err();
        assert!(e.0.contains("no rule pack hash starts with it"), "{e}");
        let all = select(two_packs(), &PackChoice::All).unwrap();
        let calls: u64 = all.pack.days.values().map(DayAgg::calls).sum();
        assert_eq!(calls, 3);
        // the older pack's extra item is kept, at the end
        assert_eq!(all.pack.meta.items.last().unwrap().id, "greet");
        let d = &all.pack.days[&Day::parse("2026-10-01").unwrap()];
        let greet = all.pack.meta.items.len() - 1;
        assert_eq!(d.agents.values().next().unwrap().items[greet], [1, 0]);
    }
}
