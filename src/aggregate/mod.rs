//! Mergeable aggregates of scored calls: what the QA dashboard is computed from.
//!
//! `callscore run` writes `aggregates.json` beside `calls.jsonl`: counts and integer sums
//! per agent × day, queue × day, primary driver × day, item × day and hour of day, plus
//! one compact entry per customer contact for repeat-contact detection and a few example
//! call ids per bucket — never the calls themselves. Teams, departments and whole days
//! are sums of those buckets.
//!
//! Merging is exact: aggregating two lists of calls and merging the results gives the
//! same file, byte for byte, as aggregating both lists at once (sums are integers,
//! examples are the K smallest call ids, the file form is canonical). So `report` can
//! combine any set of daily runs, shards or re-runs in any order.
//!
//! Numbers from different rule packs are never mixed: they are kept apart by pack hash
//! and `report` chooses which pack to show.
//!
//! Use: [`CallFacts::from_record`] on the worker threads, then
//! [`Aggregates::add`] (and [`Aggregates::add_error`] for an input that could not be
//! read) on the writer thread, [`Aggregates::write_file`] at the end.

mod buckets;
mod contacts;
mod day;
mod facts;
mod pack;
mod sums;
mod wire;

#[cfg(test)]
pub(crate) mod tests;

pub use buckets::{AgentDay, DayAgg, DriverDay, HourStat, ItemDay, NO_DRIVER, QueueDay};
pub use contacts::{Candidate, Contact, REPEAT_CANDIDATES};
pub use day::{Day, MINUTES_PER_DAY, parse_started_at};
pub use facts::{CallFacts, MICRO, MILLI, customer_hash, parse_outcome};
pub use pack::{AgentKey, DriverMeta, ItemMeta, NamedMeta, PackAgg, PackMeta};
pub use sums::{EXAMPLES, NpsCounts, PairSums, SelfSums, SentimentSums, Smallest, Stat};
pub use wire::FORMAT_VERSION;

use crate::record::CallRecord;
use crate::rules::Pack;
use std::collections::BTreeMap;
use std::path::Path;

/// The aggregates of one or more runs, kept apart by rule pack.
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregates {
    /// By pack hash.
    pub packs: BTreeMap<String, PackAgg>,
    /// The pack [`Aggregates::add`] counts into (the run's pack).
    current: Option<String>,
}

/// Two aggregates cannot be merged.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// Same pack hash, different lists: one side was edited or damaged.
    #[error(
        "two aggregates carry rule pack {0} with different item, section or driver lists; one file was edited or damaged: re-run `callscore run` for it"
    )]
    PackMismatch(String),
}

/// An `aggregates.json` that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    /// Not an aggregates file at all.
    #[error("not an aggregates file (\"type\" is {0}, expected \"aggregates\")")]
    NotAggregates(String),
    /// Written by a callscore with another format version.
    #[error(
        "aggregates format version {0}, but this callscore reads version {FORMAT_VERSION}; re-run `callscore run` with this callscore, or use the callscore that wrote it"
    )]
    Version(String),
    /// Damaged JSON.
    #[error("not valid aggregates JSON: {0}")]
    Json(String),
    /// Valid JSON with inconsistent contents.
    #[error("inconsistent aggregates (was the file edited?): {0}")]
    Invalid(String),
}

/// Reading `aggregates.json` failed.
#[derive(Debug, thiserror::Error)]
pub enum ReadFileError {
    /// The file cannot be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// File.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file cannot be used.
    #[error("{path}: {source}")]
    Format {
        /// File.
        path: String,
        /// Why.
        source: FormatError,
    },
}

impl Aggregates {
    /// Empty aggregates of a run with this pack.
    pub fn new(pack: &Pack) -> Aggregates {
        Aggregates::for_meta(PackMeta::of(pack))
    }

    /// Empty aggregates for a pack described by its lists (tests, benchmarks).
    pub fn for_meta(meta: PackMeta) -> Aggregates {
        let hash = meta.hash.clone();
        let mut packs = BTreeMap::new();
        packs.insert(hash.clone(), PackAgg::new(meta));
        Aggregates {
            packs,
            current: Some(hash),
        }
    }

    /// Count one scored call (into the run's pack).
    pub fn add(&mut self, f: &CallFacts) {
        if let Some(p) = self.current_mut() {
            p.add(f);
        }
    }

    /// Count one scored call from its record.
    pub fn add_record(&mut self, r: &CallRecord) {
        self.add(&CallFacts::from_record(r));
    }

    /// Count one input that could not be read (coverage).
    pub fn add_error(&mut self) {
        if let Some(p) = self.current_mut() {
            p.errors += 1;
        }
    }

    fn current_mut(&mut self) -> Option<&mut PackAgg> {
        let h = self.current.as_ref()?;
        self.packs.get_mut(h)
    }

    /// Add another's numbers. Packs are matched by hash; a pack only one side has is
    /// kept as it is. The result does not depend on the order of merges.
    pub fn merge(&mut self, other: Aggregates) -> Result<(), MergeError> {
        for (hash, p) in &other.packs {
            if let Some(mine) = self.packs.get(hash)
                && mine.meta != p.meta
            {
                return Err(MergeError::PackMismatch(p.meta.label()));
            }
        }
        for (hash, p) in other.packs {
            match self.packs.get_mut(&hash) {
                Some(mine) => mine.merge(p),
                None => {
                    self.packs.insert(hash, p);
                }
            }
        }
        if self.current.is_none() {
            self.current = other.current;
        }
        Ok(())
    }

    /// The file form (canonical: sorted agents, lists and contacts).
    fn to_wire(&self) -> wire::FileWire {
        wire::FileWire::new(self.packs.values().map(wire::pack_to_wire).collect())
    }

    /// Aggregates from the file form, checking type, version and consistency.
    fn from_wire(w: wire::FileWire) -> Result<Aggregates, FormatError> {
        if w.kind != "aggregates" {
            return Err(FormatError::NotAggregates(format!("{:?}", w.kind)));
        }
        if w.version != FORMAT_VERSION {
            return Err(FormatError::Version(w.version.to_string()));
        }
        let mut packs = BTreeMap::new();
        for pw in w.packs {
            let hash = pw.pack.hash.clone();
            let p = wire::pack_from_wire(pw).map_err(FormatError::Invalid)?;
            if packs.insert(hash.clone(), p).is_some() {
                return Err(FormatError::Invalid(format!("pack {hash} is listed twice")));
            }
        }
        let current = (packs.len() == 1)
            .then(|| packs.keys().next().cloned())
            .flatten();
        Ok(Aggregates { packs, current })
    }

    /// The canonical JSON text of the file (`"type": "aggregates"`).
    pub fn to_json(&self) -> String {
        // serde_json writes UTF-8 only.
        String::from_utf8(wire_json(&self.to_wire())).unwrap_or_default()
    }

    /// [`Aggregates::to_json`] of aggregates no longer needed, as bytes: the contacts
    /// are moved into the file form rather than copied, which keeps the end of a run of
    /// millions of calls from holding them twice.
    pub fn into_json(self) -> Vec<u8> {
        wire_json(&wire::FileWire::new(
            self.packs.into_values().map(wire::pack_into_wire).collect(),
        ))
    }

    /// Read the file's text.
    pub fn from_json(text: &[u8]) -> Result<Aggregates, FormatError> {
        let w: wire::FileWire = match serde_json::from_slice(text) {
            Ok(w) => w,
            Err(e) => {
                // Tell "another kind of file" and "another version" from damage.
                if let Ok(env) = serde_json::from_slice::<wire::Envelope>(text) {
                    if env.kind.as_deref() != Some("aggregates") {
                        return Err(FormatError::NotAggregates(
                            env.kind.map_or("missing".into(), |k| format!("{k:?}")),
                        ));
                    }
                    if let Some(v) = env.version
                        && v.as_u64() != Some(u64::from(FORMAT_VERSION))
                    {
                        return Err(FormatError::Version(v.to_string()));
                    }
                }
                return Err(FormatError::Json(e.to_string()));
            }
        };
        Aggregates::from_wire(w)
    }

    /// Write the file atomically (temporary name, then rename), like `summary.json`.
    pub fn write_file(&self, path: &Path) -> std::io::Result<()> {
        let dir = path.parent().unwrap_or(Path::new("."));
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "aggregates.json".into());
        let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
        std::fs::write(&tmp, self.to_json())?;
        std::fs::rename(&tmp, path)
    }

    /// Read an `aggregates.json`.
    pub fn read_file(path: &Path) -> Result<Aggregates, ReadFileError> {
        let bytes = std::fs::read(path).map_err(|e| ReadFileError::Io {
            path: path.display().to_string(),
            source: e,
        })?;
        Aggregates::from_json(&bytes).map_err(|e| ReadFileError::Format {
            path: path.display().to_string(),
            source: e,
        })
    }
}

/// The JSON text of the file form, with its final newline.
fn wire_json(w: &wire::FileWire) -> Vec<u8> {
    // Sized up front: the contacts' base64 is most of a large file, and a buffer grown by
    // doubling would hold up to twice the text (plus a copy) at the end of a run of
    // millions of calls.
    let contacts: usize = w
        .packs
        .iter()
        .map(|p| (p.contacts.contacts.len() * 16).div_ceil(3) * 4)
        .sum();
    let mut out = Vec::with_capacity(contacts + (1 << 16));
    if serde_json::to_writer(&mut out, w).is_err() {
        out.clear();
    }
    out.push(b'\n');
    out
}

impl serde::Serialize for Aggregates {
    /// The `aggregates.json` form, as [`Aggregates::to_json`] writes it.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_wire().serialize(s)
    }
}

impl<'de> serde::Deserialize<'de> for Aggregates {
    /// The `aggregates.json` form, checked as [`Aggregates::from_json`] checks it.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Aggregates, D::Error> {
        let w = wire::FileWire::deserialize(d)?;
        Aggregates::from_wire(w).map_err(serde::de::Error::custom)
    }
}
