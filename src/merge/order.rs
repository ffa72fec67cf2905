//! The order of merged lines: the order a single run over all the inputs writes them.
//!
//! A run writes results in walk order: input paths in the order given, each folder
//! walked in sorted order (component by component), the records of a JSON Lines file
//! by line. Each shard's run walks the same inputs and keeps a subset, so its lines are
//! already in that order; interleaving the inputs by the key (input root, path,
//! line) rebuilds the single run's order exactly. The root index comes from the shards'
//! summaries (`shard.roots`); runs that are not shards of one split key on the path
//! alone, which is still deterministic. Lines of one input always keep their order.

use std::cmp::Ordering;
use std::path::{Path, PathBuf};

/// Where a line came from, as far as ordering needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Key {
    root: usize,
    source: String,
    line: u64,
}

impl Ord for Key {
    fn cmp(&self, o: &Key) -> Ordering {
        self.root
            .cmp(&o.root)
            // Component-wise, as a sorted folder walk goes (`a/b/c` before `a/b-x`).
            .then_with(|| Path::new(&self.source).cmp(Path::new(&o.source)))
            .then_with(|| self.line.cmp(&o.line))
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, o: &Key) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

/// The fields of a call record or error line that place it.
#[derive(serde::Deserialize)]
pub(crate) struct Place {
    #[serde(default)]
    pub source: String,
    /// A call record's line.
    #[serde(default)]
    pub source_line: Option<u64>,
    /// An error line's line.
    #[serde(default)]
    pub line: Option<u64>,
    /// A call record's id (to find ids read twice).
    #[serde(default)]
    pub call_id: Option<String>,
}

/// Builds keys from lines, knowing the input roots of a split.
pub(crate) struct Keyer {
    roots: Vec<PathBuf>,
}

impl Keyer {
    /// Keys for inputs walked from `roots` (empty: order by path alone).
    pub fn new(roots: Vec<PathBuf>) -> Keyer {
        Keyer { roots }
    }

    /// The key of a line with these fields.
    pub fn key(&self, p: &Place) -> Key {
        let path = Path::new(&p.source);
        let root = self
            .roots
            .iter()
            .position(|r| path.starts_with(r))
            .unwrap_or(0);
        Key {
            root,
            source: p.source.clone(),
            line: p.source_line.or(p.line).unwrap_or(0),
        }
    }
}

/// Interleave `n` sorted sources: `next(i)` gives source `i`'s next key (`None` at its
/// end), and `take(i)` is called in merged order. Ties go to the lower source, so the
/// merge is stable. A linear scan over the heads: `n` is the number of runs merged
/// (tens), and each step does I/O far dearer than the scan.
pub(crate) fn interleave<E>(
    n: usize,
    mut next: impl FnMut(usize) -> Result<Option<Key>, E>,
    mut take: impl FnMut(usize) -> Result<(), E>,
) -> Result<(), E> {
    let mut heads: Vec<Option<Key>> = Vec::with_capacity(n);
    for i in 0..n {
        heads.push(next(i)?);
    }
    loop {
        let mut best: Option<usize> = None;
        for (i, h) in heads.iter().enumerate() {
            if let Some(k) = h
                && best.is_none_or(|b| heads[b].as_ref().is_some_and(|bk| k < bk))
            {
                best = Some(i);
            }
        }
        let Some(i) = best else { return Ok(()) };
        take(i)?;
        heads[i] = next(i)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(source: &str, line: Option<u64>) -> Place {
        Place {
            source: source.into(),
            source_line: line,
            line: None,
            call_id: None,
        }
    }

    #[test]
    fn keys_follow_the_walk() {
        let k = Keyer::new(vec![PathBuf::from("z"), PathBuf::from("a")]);
        let ks = [
            k.key(&place("z/b/c.json", None)),
            k.key(&place("z/b-x.json", None)),
            k.key(&place("z/c.jsonl", Some(2))),
            k.key(&place("z/c.jsonl", Some(10))),
            k.key(&place("a/a.json", None)),
        ];
        for w in ks.windows(2) {
            assert!(w[0] < w[1], "{:?} < {:?}", w[0], w[1]);
        }
    }

    #[test]
    fn interleave_is_a_stable_merge_of_sorted_runs() {
        let k = Keyer::new(vec![]);
        let runs: Vec<Vec<Key>> = vec![
            vec![k.key(&place("a", None)), k.key(&place("c", None))],
            vec![k.key(&place("b", None)), k.key(&place("c", None))],
            vec![],
        ];
        let pos = std::cell::RefCell::new(vec![0usize; 3]);
        let mut out = Vec::new();
        interleave::<()>(
            3,
            |i| Ok(runs[i].get(pos.borrow()[i]).cloned()),
            |i| {
                let mut p = pos.borrow_mut();
                out.push((i, runs[i][p[i]].source.clone()));
                p[i] += 1;
                Ok(())
            },
        )
        .unwrap();
        let want = [(0, "a"), (1, "b"), (0, "c"), (1, "c")];
        let got: Vec<(usize, &str)> = out.iter().map(|(i, s)| (*i, s.as_str())).collect();
        assert_eq!(got, want);
    }
}
