//! `callscore merge RUN_DIR... --out DIR`: several runs' results as one run folder.
//!
//! The results of `run --shard K/N` on N machines, of a Spark job's executors, or of
//! any set of runs scored with one rule pack, become one folder that `report`, loaders
//! and `merge` itself accept like the folder of a single run:
//! - `calls.jsonl`, `calls.csv`, `errors.jsonl`: every input's lines, interleaved in the
//!   order a single run over all the inputs writes them (sorted input path, then line;
//!   see [`order`]). Records are copied as they are, never re-parsed into a record type:
//!   only their `source` and `source_line` are read, to order them, and `call_id`, to
//!   find call ids read twice across inputs;
//! - `aggregates.json`: the exact merge of the inputs' aggregates ([`crate::aggregate`]);
//! - `summary.json`: the inputs' counts added up, with a `merged` block naming them;
//!   call ids read in two inputs are found again over the merged calls, as a single run
//!   finds them;
//! - `manifest.json`: the first input's, with this run's id and the merged CSV columns;
//! - any other file the inputs all hold (a pack description) when it is the same in
//!   every input, copied through.
//!
//! For shards to merge into exactly the single run's files, give them the same
//! `--run-id` (the CSV rows and error lines carry it); `merge` then keeps it.
//!
//! Inputs are run folders (`run --out DIR`, or a state's `runs/<id>/`), state folders
//! (each of their runs), or aggregates files (`aggregates.json`, or JSON Lines of
//! aggregates such as the last lines of `run - --out -` streams): those give a folder
//! of `aggregates.json` and `summary.json` only, which `report` reads. The two kinds
//! are not mixed (calls without their aggregates, or the reverse, would disagree).
//!
//! Runs scored with different rule packs are refused unless `allow_mixed_packs`: their
//! aggregates are then kept apart by pack (as `report` does) and each record keeps the
//! pack stamp it was scored with.
//!
//! The folder is written in a staging folder and published in one step, like a run's
//! ([`crate::sink::publish`]).

mod inputs;
mod lines;
mod order;
mod write;

pub use inputs::{Input, Kind};

use crate::sink::publish::PublishError;
use std::path::PathBuf;

/// What to merge, and where.
#[derive(Debug, Clone)]
pub struct MergeOptions {
    /// Run folders, state folders or aggregates files.
    pub inputs: Vec<PathBuf>,
    /// The merged run folder.
    pub out: PathBuf,
    /// The merged run's id (default: the inputs' run id when they share one, else new).
    pub run_id: Option<String>,
    /// Merge runs of different rule packs (kept apart by pack in the aggregates).
    pub allow_mixed_packs: bool,
}

/// Why a merge was not done (the output folder is then left as it was).
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// An input cannot be used.
    #[error("{path}: {reason}")]
    Input {
        /// The input.
        path: PathBuf,
        /// What is wrong and what to do.
        reason: String,
    },
    /// Runs of different rule packs.
    #[error(
        "{a} was scored with rule pack {pack_a} and {b} with {pack_b}; merged numbers would mix two scorecards. Re-score one of them with the other's pack, or pass --allow-mixed-packs to keep them apart by pack (report shows one pack at a time)"
    )]
    MixedPacks {
        /// A folder.
        a: PathBuf,
        /// Its pack.
        pack_a: String,
        /// Another folder.
        b: PathBuf,
        /// Its pack.
        pack_b: String,
    },
    /// A file the inputs share differs between them.
    #[error(
        "{name} differs between {a} and {b}; it cannot be copied into one run folder (were they made with different rule packs or callscore versions?)"
    )]
    Differs {
        /// The file.
        name: String,
        /// A folder.
        a: PathBuf,
        /// Another.
        b: PathBuf,
    },
    /// The output folder cannot be written.
    #[error("cannot write {path}: {source}")]
    Output {
        /// Where.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The output folder cannot be used.
    #[error(transparent)]
    Publish(#[from] PublishError),
}

impl MergeError {
    pub(crate) fn input(path: &std::path::Path, reason: impl std::fmt::Display) -> MergeError {
        MergeError::Input {
            path: path.to_path_buf(),
            reason: reason.to_string(),
        }
    }
}

/// Merge `opts.inputs` into the run folder `opts.out`, published in one step. Returns
/// the merged run's summary (also its `summary.json`) and warnings (files left out
/// when mixed packs are allowed).
pub fn merge(opts: &MergeOptions) -> Result<(crate::summary::RunSummary, Vec<String>), MergeError> {
    let started = std::time::Instant::now();
    let inputs = inputs::open_all(&opts.inputs)?;
    inputs::check_packs(&inputs, opts.allow_mixed_packs)?;
    write::write(&inputs, opts, started)
}
