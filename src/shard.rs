//! Shards: a deterministic split of a run's input files over N processes
//! (`callscore run --shard K/N`), for N plain machines over a shared folder, without a
//! cluster framework. `callscore merge` puts the N results back together
//! ([`crate::merge`]).
//!
//! **The unit is the file.** Every transcript file (and every walk error, and every
//! skipped file, so the counts add up) belongs to exactly one shard, chosen by a hash of
//! its path *relative to the input folder it was found in* (a file named directly: its
//! name). Machines that mount the share at different places (`/mnt/calls`,
//! `/data/calls`) therefore agree on the split. A JSON Lines file holding many calls is
//! one unit too, not split by call id, because:
//! - each shard then reads only its own files: splitting by call id would make every
//!   shard read (and decode, and parse) every record of every export to hash its id;
//! - an unreadable line has no call id to hash, and a file-level error (a damaged `.gz`)
//!   must be reported once, not N times;
//! - each shard's output is then a subsequence of the single run's output, so `merge`
//!   restores the single run's order exactly by interleaving.
//!
//! So N shards balance when there are many more files than N; one huge export is not
//! spread (split it into files first, or use Spark, which splits files by byte range).
//!
//! The hash is XXH3-64 (seed 0) of the relative path's UTF-8 bytes with `/` between
//! components, modulo N: a published, platform-independent function, pinned by a test,
//! so shards made by different callscore versions or machines still fit together.

use std::path::{Component, Path};
use std::str::FromStr;

/// Shard `k` of `n` (1 ≤ k ≤ n).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Shard {
    /// This shard, from 1.
    pub k: u32,
    /// How many shards.
    pub n: u32,
}

impl FromStr for Shard {
    type Err = String;

    /// `K/N`, e.g. `3/8`.
    fn from_str(s: &str) -> Result<Shard, String> {
        let usage = || format!("{s:?} is not K/N: write the shard and the count, e.g. 1/4 … 4/4");
        let (k, n) = s.split_once('/').ok_or_else(usage)?;
        let k: u32 = k.trim().parse().map_err(|_| usage())?;
        let n: u32 = n.trim().parse().map_err(|_| usage())?;
        if n == 0 || k == 0 || k > n {
            return Err(format!(
                "shard {k}/{n}: K goes from 1 to N (N at least 1), e.g. 1/{} … {}/{}",
                n.max(1),
                n.max(1),
                n.max(1)
            ));
        }
        Ok(Shard { k, n })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.k, self.n)
    }
}

/// The shard key of `path`, found under input `root`: its path relative to `root` with
/// `/` between components (a file named directly, `path == root`: its file name).
pub fn key(root: &Path, path: &Path) -> String {
    let rel = match path.strip_prefix(root) {
        Ok(r) if !r.as_os_str().is_empty() => r,
        _ => {
            return path.file_name().map_or_else(
                || path.to_string_lossy().into_owned(),
                |n| n.to_string_lossy().into_owned(),
            );
        }
    };
    let parts: Vec<String> = rel
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    parts.join("/")
}

/// The shard (1 … n) a key belongs to.
pub fn of_key(key: &str, n: u32) -> u32 {
    (xxhash_rust::xxh3::xxh3_64(key.as_bytes()) % u64::from(n.max(1))) as u32 + 1
}

impl Shard {
    /// Whether the file `path`, found under input `root`, is this shard's.
    pub fn owns(&self, root: &Path, path: &Path) -> bool {
        of_key(&key(root, path), self.n) == self.k
    }

    /// Whether `path` is this shard's, given every input root (the first root that
    /// contains it is the one it was found under; a path under none is keyed by name).
    pub fn owns_among(&self, roots: &[std::path::PathBuf], path: &Path) -> bool {
        let root = roots
            .iter()
            .find(|r| path.starts_with(r))
            .map_or(path, |r| r.as_path());
        self.owns(root, path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    const PINNED: [u32; 4] = [4, 7, 5, 6];

    #[test]
    fn parses_k_of_n_and_refuses_the_rest() {
        assert_eq!("2/5".parse::<Shard>(), Ok(Shard { k: 2, n: 5 }));
        assert_eq!("1/1".parse::<Shard>(), Ok(Shard { k: 1, n: 1 }));
        assert_eq!(Shard { k: 3, n: 8 }.to_string(), "3/8");
        for bad in ["0/4", "5/4", "1/0", "x/2", "3", "", "1/2/3"] {
            let e = bad.parse::<Shard>().unwrap_err();
            assert!(e.contains("K"), "{bad}: {e}");
        }
    }

    #[test]
    fn keys_are_relative_to_the_root_wherever_it_is_mounted() {
        let a = key(
            Path::new("/mnt/calls"),
            Path::new("/mnt/calls/2026/11/a.json"),
        );
        let b = key(
            Path::new("/data/calls"),
            Path::new("/data/calls/2026/11/a.json"),
        );
        assert_eq!(a, "2026/11/a.json");
        assert_eq!(a, b);
        assert_eq!(key(Path::new("x/a.vtt"), Path::new("x/a.vtt")), "a.vtt");
        assert_eq!(key(Path::new("./c"), Path::new("./c/d.txt")), "d.txt");
    }

    /// The split is a contract between machines and versions: pin the hash (XXH3-64's
    /// published value for the empty input) and the shards of a few keys.
    #[test]
    fn the_hash_is_pinned() {
        assert_eq!(xxhash_rust::xxh3::xxh3_64(b""), 0x2d06800538d394c2);
        let got: Vec<u32> = ["aws/a.json", "native/batch.jsonl", "text/t.txt", "x"]
            .iter()
            .map(|k| of_key(k, 7))
            .collect();
        assert_eq!(got, PINNED);
    }

    #[test]
    fn every_path_has_exactly_one_shard() {
        let root = PathBuf::from("r");
        for n in [1, 2, 3, 16] {
            for i in 0..200 {
                let p = root.join(format!("d{}/f{i}.json", i % 5));
                let owners = (1..=n)
                    .filter(|k| Shard { k: *k, n }.owns(&root, &p))
                    .count();
                assert_eq!(owners, 1, "{} in {n} shards", p.display());
            }
        }
        let roots = vec![PathBuf::from("a"), PathBuf::from("b")];
        let s = Shard { k: 1, n: 3 };
        assert_eq!(
            s.owns_among(&roots, Path::new("b/x/y.vtt")),
            s.owns(Path::new("b"), Path::new("b/x/y.vtt"))
        );
    }
}
