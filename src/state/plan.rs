//! Which inputs tonight's run scores: the walk of the input roots compared with the
//! [`Index`].
//!
//! A file is compared by size and modification time first (one `stat`, no read); only
//! when either differs is its content hashed, so a night over a million known files reads
//! none of them. Decision per file:
//! - unknown (or forgotten) → **new**;
//! - content differs from what was scored → **changed** (its earlier results are retired
//!   when the run publishes);
//! - it could not be read at all last time (only errors, no call) → **retried**;
//! - scored with another rule pack → **re-scored** when `--rescore` covers it
//!   (`all`, or `since=DATE` and a call of it started on or after DATE), else **kept**
//!   with its old pack's results (labelled with that pack in every output);
//! - otherwise **unchanged**, not read.
//!
//! Known inputs under the roots that are gone are **missing**: their results stay in the
//! history unless `--forget-missing` retires them.
//!
//! The plan is written to `work/plan.json` before anything is scored, so a killed run
//! resumes the same work with the same run id.

use super::index::Index;
use crate::input::ReadError;
use crate::input::ext::FileKind;
use crate::input::walk::{Entry, Walker};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};

/// What to do with results of another rule pack (`--rescore`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Rescore {
    /// Keep them, labelled with their pack (the default: a pack change never silently
    /// starts re-scoring months of calls).
    #[default]
    Keep,
    /// Re-score every input scored with another pack.
    All,
    /// Re-score inputs scored with another pack that hold a call started on or after
    /// this day.
    Since(jiff::civil::Date),
}

impl std::str::FromStr for Rescore {
    type Err = String;

    fn from_str(s: &str) -> Result<Rescore, String> {
        match s {
            "keep" | "none" => Ok(Rescore::Keep),
            "all" => Ok(Rescore::All),
            _ => match s.strip_prefix("since=") {
                Some(d) => d.parse::<jiff::civil::Date>().map(Rescore::Since).map_err(|e| {
                    format!("'{d}' is not a date ({e}); write since=YYYY-MM-DD, e.g. since=2026-11-01")
                }),
                None => Err(format!(
                    "'{s}': use --rescore all, --rescore since=YYYY-MM-DD or --rescore keep"
                )),
            },
        }
    }
}

/// Why an input is scored tonight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Why {
    /// Never scored.
    New,
    /// Its content changed.
    Changed,
    /// It could not be read at all last time.
    Retried,
    /// Scored with another pack, re-scored by `--rescore`.
    Rescored,
}

/// One input to score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Planned {
    /// Absolute path.
    pub path: String,
    /// Size when planned.
    pub size: u64,
    /// Modification time when planned, ns since the epoch.
    pub mtime_ns: i64,
    /// Content hash when planned (empty when it could not be read).
    pub hash: String,
    /// Why.
    pub why: Why,
    /// The run whose results it replaces, if any.
    #[serde(default)]
    pub replaces: Option<String>,
}

/// What the plan found, for the summary and the operator.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PlanCounts {
    /// Inputs never scored before.
    pub new: u64,
    /// Inputs whose content changed since they were scored (earlier results retired).
    pub changed: u64,
    /// Inputs that could not be read at all last time, tried again.
    pub retried: u64,
    /// Inputs re-scored because their results came from another rule pack.
    pub rescored: u64,
    /// Inputs already scored, unchanged: not read.
    pub unchanged: u64,
    /// Inputs whose results come from another rule pack and were kept (`--rescore` not
    /// given or not covering them); they are labelled with that pack.
    pub kept_other_pack: u64,
    /// Inputs scored before that are gone from the input folders (results kept).
    pub missing: u64,
    /// Missing inputs whose results were retired (`--forget-missing`).
    pub forgotten: u64,
}

/// The work of one run, fixed before scoring starts.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Plan {
    /// Always `"plan"`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The run id.
    pub run_id: String,
    /// When the run started (RFC 3339).
    pub started_at: String,
    /// Sequence number of the run folder.
    pub seq: u64,
    /// The rule pack.
    pub rules: crate::record::RulesStamp,
    /// The input roots (absolute).
    pub roots: Vec<PathBuf>,
    /// Inputs to score, in walk order.
    pub inputs: Vec<Planned>,
    /// Inputs gone from the folders whose results are retired (`--forget-missing`).
    pub forget: Vec<Forgotten>,
    /// CSV columns of the newest earlier run with this pack name (kept in order).
    pub csv_previous: Vec<String>,
    /// Counts.
    pub counts: PlanCounts,
    /// Files not read for their extension.
    pub files_skipped: u64,
    /// A few of them.
    pub skipped_examples: Vec<String>,
    /// Inputs per checkpoint.
    pub checkpoint_every: usize,
    /// Error lines of the walk (folders or files that could not be listed or stat'ed),
    /// formatted for `errors.jsonl`.
    #[serde(default)]
    pub walk_errors: Vec<String>,
    /// Earlier runs whose results for some inputs this run replaces or forgets: run id →
    /// inputs.
    #[serde(default)]
    pub replaced: std::collections::BTreeMap<String, u64>,
    /// How many times the run was started again after being stopped.
    #[serde(default)]
    pub resumed: u32,
    /// Time spent reading the state and making the plan, ms.
    #[serde(default)]
    pub plan_ms: u64,
    /// Side metadata CSVs found among the inputs (loaded by every part; the inputs are
    /// not walked a second time to find them).
    #[serde(default)]
    pub metadata_csvs: Vec<PathBuf>,
    /// Known inputs touched but not changed.
    #[serde(default)]
    pub refresh: Vec<Refresh>,
    /// How much evidence the records carry (`--evidence`), fixed for the run so that a
    /// resumed run writes its parts like the first ones.
    #[serde(default)]
    pub evidence: crate::record::EvidenceLevel,
}

/// An input gone from the input folders whose results `--forget-missing` retires: what
/// was known of it, for its tombstone in `inputs.jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Forgotten {
    /// Absolute path.
    pub path: String,
    /// Size when last scored.
    pub size: u64,
    /// Modification time when last scored.
    pub mtime_ns: i64,
    /// Content hash when last scored.
    pub hash: String,
}

impl Plan {
    /// Nothing to score and nothing to retire.
    pub fn is_empty(&self) -> bool {
        self.inputs.is_empty() && self.forget.is_empty()
    }

    /// The part ranges of the plan: `checkpoint_every` inputs each.
    pub fn parts(&self) -> Vec<std::ops::Range<usize>> {
        let n = self.checkpoint_every.max(1);
        (0..self.inputs.len())
            .step_by(n)
            .map(|s| s..(s + n).min(self.inputs.len()))
            .collect()
    }
}

/// What the walk gives the plan besides the inputs.
pub struct Walked {
    /// Inputs to score, forgotten paths, counts.
    pub inputs: Vec<Planned>,
    /// Forgotten paths.
    pub forget: Vec<String>,
    /// Counts.
    pub counts: PlanCounts,
    /// Folders or files the walk could not read (become error records).
    pub errors: Vec<ReadError>,
    /// Files skipped for their extension, and a few of them.
    pub skipped: u64,
    /// Examples.
    pub skipped_examples: Vec<String>,
    /// Transcript files found.
    pub found: u64,
    /// Side metadata CSVs found among the inputs.
    pub metadata_csvs: Vec<PathBuf>,
    /// Known inputs whose time or size changed but not their bytes.
    pub refresh: Vec<Refresh>,
}

/// A known input touched but not changed (its modification time or size moved, its
/// bytes did not): the run lists its new time and size in its `inputs.jsonl` as a
/// `"refresh"` line, so that the next night compares against them instead of hashing
/// the file again. Its results stay where they are.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Refresh {
    /// Always `"refresh"`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Absolute path.
    pub path: String,
    /// Size now.
    pub size: u64,
    /// Modification time now.
    pub mtime_ns: i64,
    /// The content hash, unchanged.
    pub hash: String,
}

/// A file the walk found, before the decision.
struct Seen<'a> {
    path: &'a str,
    size: u64,
    mtime_ns: i64,
}

/// Walk `roots` (absolute) and decide, input by input, what to score.
pub fn walk_and_decide(
    index: &Index,
    pack_hash: &str,
    roots: &[PathBuf],
    exclude: &[PathBuf],
    rescore: Rescore,
    forget_missing: bool,
) -> Walked {
    let mut seen = Vec::new();
    let mut metadata_csvs = Vec::new();
    let mut errors = Vec::new();
    let (mut skipped, mut skipped_examples) = (0u64, Vec::new());
    for e in Walker::new(roots, exclude) {
        match e {
            Entry::File(p, kind) => {
                if kind == FileKind::Csv && crate::input::side::csv_file_is_metadata(&p) {
                    metadata_csvs.push(p);
                    continue;
                }
                let Some(path) = p.to_str() else {
                    errors.push(
                        ReadError::new(
                            &p.display().to_string(),
                            "the file name is not valid UTF-8",
                        )
                        .with_hint("rename the file (state folders key inputs by their path)"),
                    );
                    continue;
                };
                seen.push(path.to_string());
            }
            Entry::Skipped(p) => {
                skipped += 1;
                if skipped_examples.len() < 5 {
                    skipped_examples.push(p.display().to_string());
                }
            }
            Entry::Error(e) => errors.push(e),
            Entry::Stdin => {}
        }
    }
    // The stat of each file and the decision run on all cores (a night over a million
    // known files is mostly this); small results keep the memory down.
    enum Decided {
        Done(Option<Box<Planned>>, Outcome, Option<Box<Refresh>>),
        Failed(Box<ReadError>),
    }
    let decisions: Vec<Decided> = seen
        .par_iter()
        .map(|path| match std::fs::metadata(path) {
            Ok(m) => {
                let s = Seen {
                    path,
                    size: m.len(),
                    mtime_ns: mtime_ns(&m),
                };
                let (planned, outcome) = decide(index, pack_hash, &s, rescore);
                let touched = match outcome {
                    Outcome::Unchanged { touched: true }
                    | Outcome::KeptOtherPack { touched: true } => {
                        index.get(path).map(|(_, known)| {
                            Box::new(Refresh {
                                kind: "refresh".into(),
                                path: path.clone(),
                                size: s.size,
                                mtime_ns: s.mtime_ns,
                                hash: super::index::hash_text(known.hash),
                            })
                        })
                    }
                    _ => None,
                };
                Decided::Done(planned.map(Box::new), outcome, touched)
            }
            Err(e) => Decided::Failed(Box::new(
                ReadError::new(path, format!("cannot read file: {e}"))
                    .with_hint("check the path and permissions"),
            )),
        })
        .collect();
    let mut counts = PlanCounts::default();
    let mut inputs = Vec::new();
    let mut refresh = Vec::new();
    let mut found = 0u64;
    for d in decisions {
        let (planned, outcome, touched) = match d {
            Decided::Done(p, o, t) => (p, o, t),
            Decided::Failed(e) => {
                errors.push(*e);
                continue;
            }
        };
        found += 1;
        match outcome {
            Outcome::Scored(Why::New) => counts.new += 1,
            Outcome::Scored(Why::Changed) => counts.changed += 1,
            Outcome::Scored(Why::Retried) => counts.retried += 1,
            Outcome::Scored(Why::Rescored) => counts.rescored += 1,
            Outcome::Unchanged { .. } => counts.unchanged += 1,
            Outcome::KeptOtherPack { .. } => counts.kept_other_pack += 1,
        }
        refresh.extend(touched.map(|r| *r));
        inputs.extend(planned.map(|p| *p));
    }
    let present: HashSet<&str> = seen.iter().map(String::as_str).collect();
    let mut forget: Vec<String> = index
        .paths()
        .filter(|p| !present.contains(p) && under_any(p, roots))
        .filter(|p| index.get(p).is_some_and(|(_, e)| !e.forgotten))
        .map(str::to_string)
        .collect();
    forget.sort();
    counts.missing = forget.len() as u64;
    if forget_missing {
        counts.forgotten = forget.len() as u64;
    } else {
        forget.clear();
    }
    Walked {
        inputs,
        forget,
        counts,
        errors,
        skipped,
        skipped_examples,
        found,
        metadata_csvs,
        refresh,
    }
}

enum Outcome {
    Scored(Why),
    /// Not scored; `touched`: its time or size changed but not its bytes.
    Unchanged {
        touched: bool,
    },
    KeptOtherPack {
        touched: bool,
    },
}

fn decide(
    index: &Index,
    pack_hash: &str,
    s: &Seen,
    rescore: Rescore,
) -> (Option<Planned>, Outcome) {
    let plan = |why: Why, hash: Option<String>, replaces: Option<String>| {
        let hash = hash.unwrap_or_else(|| content_hash(Path::new(&s.path)).unwrap_or_default());
        (
            Some(Planned {
                path: s.path.to_string(),
                size: s.size,
                mtime_ns: s.mtime_ns,
                hash,
                why,
                replaces,
            }),
            Outcome::Scored(why),
        )
    };
    let Some((folder, e)) = index.get(s.path).filter(|(_, e)| !e.forgotten) else {
        return plan(Why::New, None, None);
    };
    let replaces = Some(folder.header.run_id.clone());
    let mut hash = None;
    if s.size != e.size || s.mtime_ns != e.mtime_ns {
        let h = content_hash(Path::new(s.path)).unwrap_or_default();
        let bits = super::index::parse_hash(&h);
        if bits != e.hash || bits == 0 {
            return plan(Why::Changed, Some(h), replaces);
        }
        hash = Some(h);
    }
    if e.wholly_failed {
        return plan(Why::Retried, hash, replaces);
    }
    if folder.header.rules.hash != pack_hash {
        let covered = match rescore {
            Rescore::Keep => false,
            Rescore::All => true,
            Rescore::Since(d) => e.last_day.is_none_or(|last| last >= d),
        };
        return if covered {
            plan(Why::Rescored, hash, replaces)
        } else {
            (
                None,
                Outcome::KeptOtherPack {
                    touched: hash.is_some(),
                },
            )
        };
    }
    (
        None,
        Outcome::Unchanged {
            touched: hash.is_some(),
        },
    )
}

/// `path` is one of `roots` or below one.
fn under_any(path: &str, roots: &[PathBuf]) -> bool {
    let p = Path::new(path);
    roots.iter().any(|r| p.starts_with(r))
}

/// Modification time in nanoseconds since the epoch (0 when unknown).
pub fn mtime_ns(m: &std::fs::Metadata) -> i64 {
    m.modified()
        .ok()
        .and_then(|t| match t.duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_nanos()).ok(),
            Err(e) => i64::try_from(e.duration().as_nanos()).ok().map(|n| -n),
        })
        .unwrap_or(0)
}

/// The content hash of a file (`xxh3-128:<hex>`), read in blocks.
pub fn content_hash(path: &Path) -> std::io::Result<String> {
    let mut f = std::fs::File::open(path)?;
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(format!("xxh3-128:{:032x}", h.digest128()))
}

#[cfg(test)]
mod tests;
