//! What the state folder knows: every input scored so far, rebuilt at each start from the
//! run folders' `inputs.jsonl` files (there is no separate index to get out of step).
//!
//! `runs/<run>/inputs.jsonl` starts with a [`FolderHeader`] line (run id, sequence
//! number, rule pack), then one [`InputEntry`] per input whose current results are in that
//! folder. An input's current results are in exactly one folder; when two folders list
//! the same path (a run was killed after publishing and before it could retire the older
//! results) the folder with the higher sequence number wins and [`Index::duplicates`] says
//! which older folders to rewrite.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};

/// First line of `inputs.jsonl`: which run wrote the folder and with which pack.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FolderHeader {
    /// Always `"state"`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The run.
    pub run_id: String,
    /// Order of runs in this state folder (1, 2, …): later results replace earlier ones.
    pub seq: u64,
    /// The rule pack every result in the folder was scored with.
    pub rules: crate::record::RulesStamp,
}

/// One input (a transcript file) and what scoring it gave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputEntry {
    /// Always `"input"`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Absolute path (links resolved in the input roots).
    pub path: String,
    /// Size in bytes when it was read.
    pub size: u64,
    /// Modification time, nanoseconds since the Unix epoch.
    pub mtime_ns: i64,
    /// Content hash (`xxh3-128:` and 32 hex digits).
    pub hash: String,
    /// Call ids scored from it, in input order.
    #[serde(default)]
    pub calls: Vec<String>,
    /// Error records it produced.
    #[serde(default)]
    pub errors: u64,
    /// Latest day (UTC, `YYYY-MM-DD`) a call of it started on; the file's modification
    /// day when no call has a start time. `--rescore since=DATE` compares this.
    #[serde(default)]
    pub last_day: Option<String>,
    /// A tombstone: the input was removed from the history (`--forget-missing`); older
    /// folders' results for it are retired like those of a changed file.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub forgotten: bool,
}

impl InputEntry {
    /// The input could not be read at all (no call, only errors): tried again each run.
    pub fn wholly_failed(&self) -> bool {
        self.calls.is_empty() && self.errors > 0
    }
}

/// What the plan needs of an input's current result, kept small: a state of ten
/// million inputs is held in memory each night (the call ids stay on disk).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Known {
    /// Size in bytes when it was read.
    pub size: u64,
    /// Modification time, ns since the epoch.
    pub mtime_ns: i64,
    /// Content hash (the 128 bits of `xxh3-128:<hex>`; 0 when unknown).
    pub hash: u128,
    /// Latest day a call of it started.
    pub last_day: Option<jiff::civil::Date>,
    /// It gave errors and no call.
    pub wholly_failed: bool,
    /// A tombstone (`--forget-missing`).
    pub forgotten: bool,
}

impl Known {
    /// The compact form of an entry.
    pub fn of(e: &InputEntry) -> Known {
        Known {
            size: e.size,
            mtime_ns: e.mtime_ns,
            hash: parse_hash(&e.hash),
            last_day: e.last_day.as_deref().and_then(|d| d.parse().ok()),
            wholly_failed: e.wholly_failed(),
            forgotten: e.forgotten,
        }
    }
}

/// The 128 bits of a `xxh3-128:<32 hex digits>` hash; 0 for anything else.
pub fn parse_hash(h: &str) -> u128 {
    h.strip_prefix("xxh3-128:")
        .filter(|x| x.len() == 32)
        .and_then(|x| u128::from_str_radix(x, 16).ok())
        .unwrap_or(0)
}

/// The text form of a hash (see [`parse_hash`]); empty for 0.
pub fn hash_text(h: u128) -> String {
    if h == 0 {
        String::new()
    } else {
        format!("xxh3-128:{h:032x}")
    }
}

/// One published run folder of the state.
#[derive(Debug, Clone)]
pub struct Folder {
    /// `runs/<name>`.
    pub path: PathBuf,
    /// Its header.
    pub header: FolderHeader,
    /// Its inputs, until [`Index::from_folders`] takes them into the index.
    pub entries: Vec<(Box<str>, Known)>,
    /// Its `"refresh"` lines: inputs of older folders touched but not changed, with
    /// their new size and time (and their hash, which must still match).
    pub refreshes: Vec<(Box<str>, Known)>,
}

/// Why the state cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// A file of the state cannot be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// File.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A line of `inputs.jsonl` is damaged.
    #[error(
        "{path}:{line}: {reason}; the state folder was edited or damaged: restore the run folder from backup, or move it out of runs/ and re-score its inputs"
    )]
    Damaged {
        /// File.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        reason: String,
    },
}

/// Everything the state knows, newest result per path.
#[derive(Debug, Default)]
pub struct Index {
    /// Run folders by sequence number.
    pub folders: Vec<Folder>,
    /// Path → (folder position, what is known) of its current result.
    current: HashMap<Box<str>, (u32, Known)>,
    /// Paths whose results an older folder still holds although a newer one replaced
    /// them: (older folder position, path).
    duplicates: Vec<(u32, Box<str>)>,
}

impl Index {
    /// Read every `runs/*/inputs.jsonl` (folders whose name starts with `.` are staging
    /// folders and are ignored).
    pub fn load(runs: &Path) -> Result<Index, IndexError> {
        use rayon::prelude::*;
        let mut dirs = Vec::new();
        match std::fs::read_dir(runs) {
            Ok(rd) => {
                for e in rd {
                    let e = e.map_err(|source| IndexError::Io {
                        path: runs.to_path_buf(),
                        source,
                    })?;
                    let name = e.file_name();
                    if name.to_string_lossy().starts_with('.') || !e.path().is_dir() {
                        continue;
                    }
                    dirs.push(e.path());
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(IndexError::Io {
                    path: runs.to_path_buf(),
                    source,
                });
            }
        }
        let mut folders = dirs
            .par_iter()
            .map(|d| read_folder(d))
            .collect::<Result<Vec<_>, _>>()?;
        folders.sort_by(|a, b| {
            (a.header.seq, &a.header.run_id).cmp(&(b.header.seq, &b.header.run_id))
        });
        Ok(Index::from_folders(folders))
    }

    /// The index of these folders (sorted by sequence number).
    pub fn from_folders(mut folders: Vec<Folder>) -> Index {
        use std::collections::hash_map::Entry;
        let mut current: HashMap<Box<str>, (u32, Known)> =
            HashMap::with_capacity(folders.iter().map(|f| f.entries.len()).sum());
        let mut duplicates = Vec::new();
        for (fi, f) in folders.iter_mut().enumerate() {
            for (path, r) in std::mem::take(&mut f.refreshes) {
                if let Some((_, k)) = current.get_mut(&path)
                    && k.hash == r.hash
                    && r.hash != 0
                {
                    k.size = r.size;
                    k.mtime_ns = r.mtime_ns;
                }
            }
            for (path, known) in std::mem::take(&mut f.entries) {
                let fi = fi as u32;
                match current.entry(path) {
                    Entry::Occupied(mut o) => {
                        duplicates.push((o.get().0, o.key().clone()));
                        o.insert((fi, known));
                    }
                    Entry::Vacant(v) => {
                        v.insert((fi, known));
                    }
                }
            }
        }
        Index {
            folders,
            current,
            duplicates,
        }
    }

    /// The current result of `path`, and the folder holding it.
    pub fn get(&self, path: &str) -> Option<(&Folder, &Known)> {
        let (fi, known) = self.current.get(path)?;
        Some((&self.folders[*fi as usize], known))
    }

    /// Every path with a current result (tombstones included).
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.current.keys().map(|k| &**k)
    }

    /// Number of inputs with a current result (tombstones excluded).
    pub fn len(&self) -> usize {
        self.current.values().filter(|(_, k)| !k.forgotten).count()
    }

    /// True when no input has been scored yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The next run's sequence number.
    pub fn next_seq(&self) -> u64 {
        self.folders.last().map_or(1, |f| f.header.seq + 1)
    }

    /// Older folders still holding results that a newer folder replaced, with the paths
    /// to retire from each.
    pub fn duplicates(&self) -> Vec<(&Folder, Vec<String>)> {
        let mut by_folder: std::collections::BTreeMap<u32, Vec<String>> = Default::default();
        for (fi, p) in &self.duplicates {
            by_folder.entry(*fi).or_default().push(p.to_string());
        }
        by_folder
            .into_iter()
            .map(|(fi, paths)| (&self.folders[fi as usize], paths))
            .collect()
    }

    /// Whether a run id is taken by a published folder.
    pub fn has_run(&self, run_id: &str) -> bool {
        self.folders.iter().any(|f| f.header.run_id == run_id)
    }
}

/// An `inputs.jsonl` line as the index reads it: borrowed strings, call ids counted
/// but not kept.
#[derive(Deserialize)]
struct EntryLine<'a> {
    #[serde(rename = "type", borrow)]
    kind: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    path: std::borrow::Cow<'a, str>,
    size: u64,
    mtime_ns: i64,
    #[serde(borrow)]
    hash: std::borrow::Cow<'a, str>,
    #[serde(default)]
    calls: Vec<serde::de::IgnoredAny>,
    #[serde(default)]
    errors: u64,
    #[serde(default, borrow)]
    last_day: Option<std::borrow::Cow<'a, str>>,
    #[serde(default)]
    forgotten: bool,
}

/// Read one run folder's `inputs.jsonl`.
pub fn read_folder(dir: &Path) -> Result<Folder, IndexError> {
    let path = dir.join(super::INPUTS_FILE);
    let file = std::fs::File::open(&path).map_err(|source| IndexError::Io {
        path: path.clone(),
        source,
    })?;
    let damaged = |line: usize, reason: String| IndexError::Damaged {
        path: path.clone(),
        line,
        reason,
    };
    let mut lines = std::io::BufReader::with_capacity(1 << 20, file).lines();
    let header: FolderHeader = match lines.next() {
        Some(Ok(l)) => serde_json::from_str(&l)
            .map_err(|e| damaged(1, format!("not a state header line: {e}")))?,
        Some(Err(source)) => {
            return Err(IndexError::Io {
                path: path.clone(),
                source,
            });
        }
        None => return Err(damaged(1, "empty file".into())),
    };
    if header.kind != "state" {
        return Err(damaged(
            1,
            format!("type is {:?}, expected \"state\"", header.kind),
        ));
    }
    let (mut entries, mut refreshes) = (Vec::new(), Vec::new());
    for (i, l) in lines.enumerate() {
        let l = l.map_err(|source| IndexError::Io {
            path: path.clone(),
            source,
        })?;
        if l.trim().is_empty() {
            continue;
        }
        let e: EntryLine = serde_json::from_str(&l)
            .map_err(|e| damaged(i + 2, format!("not an input line: {e}")))?;
        let list = match &*e.kind {
            "input" => &mut entries,
            "refresh" => &mut refreshes,
            other => {
                return Err(damaged(
                    i + 2,
                    format!("type is {other:?}, expected \"input\" or \"refresh\""),
                ));
            }
        };
        list.push((
            Box::from(&*e.path),
            Known {
                size: e.size,
                mtime_ns: e.mtime_ns,
                hash: parse_hash(&e.hash),
                last_day: e.last_day.as_deref().and_then(|d| d.parse().ok()),
                wholly_failed: e.calls.is_empty() && e.errors > 0,
                forgotten: e.forgotten,
            },
        ));
    }
    Ok(Folder {
        path: dir.to_path_buf(),
        header,
        entries,
        refreshes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str) -> InputEntry {
        InputEntry {
            kind: "input".into(),
            path: path.into(),
            size: 1,
            mtime_ns: 1,
            hash: "h".into(),
            calls: vec!["c".into()],
            errors: 0,
            last_day: None,
            forgotten: false,
        }
    }

    fn folder(seq: u64, paths: &[&str]) -> Folder {
        Folder {
            path: PathBuf::from(format!("runs/{seq}")),
            header: FolderHeader {
                kind: "state".into(),
                run_id: format!("r{seq}"),
                seq,
                rules: crate::record::RulesStamp {
                    name: "p".into(),
                    version: "1".into(),
                    hash: "x".into(),
                },
            },
            entries: paths
                .iter()
                .map(|p| (Box::from(*p), Known::of(&entry(p))))
                .collect(),
            refreshes: Vec::new(),
        }
    }

    #[test]
    fn newer_folder_wins_and_older_copy_is_a_duplicate() {
        let idx = Index::from_folders(vec![folder(1, &["/a", "/b"]), folder(2, &["/b", "/c"])]);
        assert_eq!(idx.get("/b").unwrap().0.header.seq, 2);
        assert_eq!(idx.get("/a").unwrap().0.header.seq, 1);
        let d = idx.duplicates();
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].0.header.seq, 1);
        assert_eq!(d[0].1, vec!["/b".to_string()]);
        assert_eq!(idx.len(), 3);
        assert_eq!(idx.next_seq(), 3);
        assert!(idx.has_run("r2") && !idx.has_run("r3"));
    }

    #[test]
    fn tombstones_do_not_count_as_inputs() {
        let mut f2 = folder(2, &["/a"]);
        f2.entries[0].1.forgotten = true;
        let idx = Index::from_folders(vec![folder(1, &["/a", "/b"]), f2]);
        assert_eq!(idx.len(), 1);
        assert!(idx.get("/a").unwrap().1.forgotten);
        assert_eq!(Index::default().next_seq(), 1);
        assert!(Index::default().is_empty());
    }

    #[test]
    fn wholly_failed_means_errors_and_no_call() {
        let mut e = entry("/a");
        assert!(!e.wholly_failed());
        e.calls.clear();
        assert!(!e.wholly_failed());
        e.errors = 1;
        assert!(e.wholly_failed());
    }

    #[test]
    fn hashes_round_trip_and_anything_else_is_unknown() {
        let h = "xxh3-128:0123456789abcdef0123456789abcdef";
        assert_eq!(hash_text(parse_hash(h)), h);
        assert_eq!(parse_hash(""), 0);
        assert_eq!(parse_hash("xxh3-128:12"), 0);
        assert_eq!(parse_hash("sha256:0123456789abcdef0123456789abcdef"), 0);
        assert_eq!(hash_text(0), "");
    }

    #[test]
    fn a_folder_is_read_compactly_and_damage_names_the_line() {
        let d = tempfile::tempdir().unwrap();
        let header = r#"{"type":"state","run_id":"r1","seq":1,"rules":{"name":"p","version":"1","hash":"x"}}"#;
        let ok = r#"{"type":"input","path":"/a","size":3,"mtime_ns":5,"hash":"xxh3-128:0123456789abcdef0123456789abcdef","calls":["a","b"],"errors":1,"last_day":"2026-11-05"}"#;
        let failed =
            r#"{"type":"input","path":"/b","size":1,"mtime_ns":1,"hash":"","calls":[],"errors":2}"#;
        std::fs::write(
            d.path().join("inputs.jsonl"),
            format!("{header}\n{ok}\n\n{failed}\n"),
        )
        .unwrap();
        let f = read_folder(d.path()).unwrap();
        assert_eq!(f.header.run_id, "r1");
        assert_eq!(f.entries.len(), 2);
        let (p, k) = &f.entries[0];
        assert_eq!(&**p, "/a");
        assert_eq!(
            (k.size, k.mtime_ns, k.wholly_failed, k.forgotten),
            (3, 5, false, false)
        );
        assert_eq!(k.last_day, Some(jiff::civil::date(2026, 11, 5)));
        assert!(f.entries[1].1.wholly_failed);

        std::fs::write(
            d.path().join("inputs.jsonl"),
            format!("{header}\n{ok}\n{{\"type\":\"call\"}}\n"),
        )
        .unwrap();
        let e = read_folder(d.path()).unwrap_err().to_string();
        assert!(e.contains("inputs.jsonl:3"), "{e}");
        assert!(e.contains("restore the run folder"), "{e}");
        std::fs::write(d.path().join("inputs.jsonl"), "").unwrap();
        assert!(
            read_folder(d.path())
                .unwrap_err()
                .to_string()
                .contains("empty file")
        );
    }

    #[test]
    fn a_refresh_moves_time_and_size_only_when_the_hash_still_matches() {
        let mut newer = folder(2, &[]);
        let mut touched = Known::of(&entry("/a"));
        touched.hash = 7;
        let mut older = folder(1, &["/a", "/b"]);
        older.entries[0].1.hash = 7;
        older.entries[1].1.hash = 7;
        touched.size = 99;
        touched.mtime_ns = 42;
        let mut other = touched;
        other.hash = 8;
        newer.refreshes = vec![(Box::from("/a"), touched), (Box::from("/b"), other)];
        let idx = Index::from_folders(vec![older, newer]);
        let (f, a) = idx.get("/a").unwrap();
        assert_eq!((a.size, a.mtime_ns), (99, 42));
        assert_eq!(
            f.header.seq, 1,
            "the results stay in the folder that holds them"
        );
        let (_, b) = idx.get("/b").unwrap();
        assert_eq!(
            (b.size, b.mtime_ns),
            (1, 1),
            "another hash: not the same file"
        );
        assert!(idx.duplicates().is_empty());
    }
}
