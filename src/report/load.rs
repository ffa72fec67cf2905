//! Read the `aggregates.json` of every run given to `report` and merge them.
//!
//! Files are parsed a few at a time on all cores and merged in the order given (the
//! result does not depend on the order; the first error in that order is the one
//! reported). Inputs that could not be read carry no date, so a run's errors are kept
//! when the run has a call in the `--from`/`--to` range, or no dated call at all.

use crate::aggregate::{Aggregates, Day, MergeError, ReadFileError};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// An aggregates file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The path does not exist.
    #[error(
        "{0} does not exist; give run output folders (made by `callscore run --out DIR`) or aggregates.json files"
    )]
    Missing(PathBuf),
    /// A folder without `aggregates.json`.
    #[error(
        "{0} has no aggregates.json: it is not a run output folder, or it was made by a callscore without aggregates or with `--out -`; re-run `callscore run ... --out {0}`"
    )]
    NoAggregates(PathBuf),
    /// The file cannot be read or used.
    #[error("{0}")]
    Read(#[from] ReadFileError),
    /// The file contradicts another.
    #[error("{path}: {source}")]
    Merge {
        /// File.
        path: String,
        /// Why.
        source: MergeError,
    },
    /// Nothing given.
    #[error("no run folder or aggregates.json given")]
    Empty,
}

/// The merged aggregates.
#[derive(Debug)]
pub struct Loaded {
    /// All runs merged.
    pub aggs: Aggregates,
    /// Files read.
    pub files: usize,
    /// Errors of runs with no call in the range (left out).
    pub errors_left_out: u64,
}

/// The aggregates file of a run folder, or the file itself.
pub fn resolve(p: &Path) -> Result<PathBuf, LoadError> {
    if p.is_dir() {
        let f = p.join("aggregates.json");
        return if f.is_file() {
            Ok(f)
        } else {
            Err(LoadError::NoAggregates(p.to_path_buf()))
        };
    }
    if p.exists() {
        Ok(p.to_path_buf())
    } else {
        Err(LoadError::Missing(p.to_path_buf()))
    }
}

/// The aggregates files a path stands for: a state folder (`run --state`) stands for
/// every published run folder in its `runs/` (their results never overlap: a run
/// retires what it replaces from older folders); anything else for itself.
pub fn expand(p: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let runs = p.join("runs");
    if p.is_dir() && !p.join("aggregates.json").exists() && runs.is_dir() {
        let mut found: Vec<PathBuf> = std::fs::read_dir(&runs)
            .map_err(|_| LoadError::NoAggregates(p.to_path_buf()))?
            .flatten()
            .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
            .map(|e| e.path().join("aggregates.json"))
            .filter(|f| f.is_file())
            .collect();
        found.sort();
        return if found.is_empty() {
            Err(LoadError::NoAggregates(p.to_path_buf()))
        } else {
            Ok(found)
        };
    }
    Ok(vec![resolve(p)?])
}

/// Read and merge; `from`/`to` only decide which runs' errors count.
pub fn load(paths: &[PathBuf], from: Option<Day>, to: Option<Day>) -> Result<Loaded, LoadError> {
    let mut files: Vec<PathBuf> = Vec::new();
    for p in paths {
        files.extend(expand(p)?);
    }
    let mut merged: Option<Aggregates> = None;
    let mut errors_left_out = 0;
    let chunk = 2 * rayon::current_num_threads().max(1);
    for group in files.chunks(chunk) {
        let parsed: Vec<Result<Aggregates, ReadFileError>> =
            group.par_iter().map(|f| Aggregates::read_file(f)).collect();
        for (path, r) in group.iter().zip(parsed) {
            let mut a = r?;
            for p in a.packs.values_mut() {
                let dated = p.known_days().next().is_some();
                let in_range = p
                    .known_days()
                    .any(|d| from.is_none_or(|f| d >= f) && to.is_none_or(|t| d <= t));
                if dated && !in_range {
                    errors_left_out += p.errors;
                    p.errors = 0;
                }
            }
            match merged.as_mut() {
                None => merged = Some(a),
                Some(m) => m.merge(a).map_err(|e| LoadError::Merge {
                    path: path.display().to_string(),
                    source: e,
                })?,
            }
        }
    }
    Ok(Loaded {
        aggs: merged.ok_or(LoadError::Empty)?,
        files: files.len(),
        errors_left_out,
    })
}
