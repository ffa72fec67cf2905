//! The call ids a run has seen, to name a call id read twice (two exports of the same
//! call, a file copied into two folders) without keeping every id in memory.

/// Most duplicate call ids named one by one (in `summary.json` and on stderr).
pub(crate) const MAX_DUPLICATE_EXAMPLES: usize = 20;

/// The call ids seen so far in a run, to name a call id read twice. Memory: the ids are
/// not kept, only a 64-bit hash of each with where it was read (16 bytes a call, about
/// 20 to 36 with the table's spare room) and the name of each file once. With the
/// repeat contacts of the aggregates, this is what grows with the number of calls.
#[derive(Default)]
pub(crate) struct SeenIds {
    /// Every file calls were read from, in order, each once.
    sources: Vec<Box<str>>,
    /// Hash of a call id → (index in `sources`, line of a JSON Lines record or
    /// [`NO_LINE`]).
    seen: std::collections::HashMap<u64, (u32, u32)>,
}

/// The line of a call that is a whole file, or of a record past line 4 294 967 294 (the
/// warning then names its file alone).
const NO_LINE: u32 = u32::MAX;

impl SeenIds {
    /// Note `id` read from `source` (`line` for a JSON Lines record); if it was seen
    /// before, the warning that names both places.
    pub(crate) fn check(&mut self, id: &str, source: &str, line: Option<u64>) -> Option<String> {
        use std::hash::{BuildHasher, BuildHasherDefault};
        if id.is_empty() {
            return None;
        }
        let h = BuildHasherDefault::<std::hash::DefaultHasher>::default().hash_one(id);
        if self.sources.last().is_none_or(|s| &**s != source) {
            self.sources.push(source.into());
        }
        let here = u32::try_from(self.sources.len() - 1).unwrap_or(u32::MAX);
        let at = |s: &str, l: Option<u64>| match l {
            Some(l) => format!("{s}:{l}"),
            None => s.to_string(),
        };
        match self.seen.entry(h) {
            std::collections::hash_map::Entry::Vacant(v) => {
                let kept = line
                    .and_then(|l| u32::try_from(l).ok())
                    .filter(|&l| l != NO_LINE);
                v.insert((here, kept.unwrap_or(NO_LINE)));
                None
            }
            std::collections::hash_map::Entry::Occupied(o) => {
                let (i, l) = *o.get();
                let l = (l != NO_LINE).then_some(u64::from(l));
                let first = self.sources.get(i as usize).map_or("?", |s| &**s);
                Some(format!(
                    "call id {id:?} read twice: in {} and again in {}; both were scored, so totals count it twice (give each call its own id, or leave the copy out)",
                    at(first, l),
                    at(source, line)
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_read_names_both_places() {
        let mut ids = SeenIds::default();
        assert_eq!(ids.check("c1", "a.jsonl", Some(3)), None);
        assert_eq!(ids.check("c2", "b.json", None), None);
        assert_eq!(ids.check("", "b.json", None), None);
        assert_eq!(
            ids.check("", "b.json", None),
            None,
            "an empty id is never a repeat"
        );
        let w = ids.check("c1", "c.jsonl", Some(9)).unwrap();
        assert!(
            w.starts_with("call id \"c1\" read twice: in a.jsonl:3 and again in c.jsonl:9"),
            "{w}"
        );
        let w = ids.check("c2", "d.jsonl", Some(1)).unwrap();
        assert!(w.contains("in b.json and again in d.jsonl:1"), "{w}");
    }

    #[test]
    fn a_line_too_large_to_keep_names_the_file_alone() {
        let mut ids = SeenIds::default();
        assert_eq!(ids.check("x", "big.jsonl", Some(u64::from(u32::MAX))), None);
        assert_eq!(
            ids.check("y", "big.jsonl", Some(u64::from(u32::MAX) - 1)),
            None
        );
        let w = ids.check("x", "e.json", None).unwrap();
        assert!(w.contains("in big.jsonl and again in e.json;"), "{w}");
        let w = ids.check("y", "e.json", None).unwrap();
        assert!(w.contains("in big.jsonl:4294967294 and again"), "{w}");
    }
}
