//! What `merge` is given: each path opened, checked and classified before anything is
//! written.

use super::MergeError;
use crate::aggregate::Aggregates;
use crate::sink::manifest::Manifest;
use crate::summary::RunSummary;
use std::io::BufRead;
use std::path::{Path, PathBuf};

/// The files every run folder has and `merge` builds itself; anything else in a folder
/// is copied through when all inputs hold the same bytes.
pub(crate) const BUILT: &[&str] = &[
    "calls.jsonl",
    "calls.csv",
    "errors.jsonl",
    "aggregates.json",
    "manifest.json",
    "summary.json",
];

/// Files of a state's run folder that describe that state's history, not the results:
/// not carried into a merged folder (which belongs to no state).
const STATE_ONLY: &[&str] = &["inputs.jsonl", "superseded.jsonl"];

/// What an input holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A complete run folder.
    Run,
    /// Aggregates only (an `aggregates.json`, or JSON Lines holding aggregates lines).
    Aggregates,
}

/// One opened input.
#[derive(Debug)]
pub struct Input {
    /// The folder, or the aggregates file.
    pub path: PathBuf,
    /// What it holds.
    pub kind: Kind,
    /// Its aggregates (merged, for a file of several aggregates lines).
    pub aggregates: Aggregates,
    /// `summary.json` of a run folder.
    pub summary: Option<RunSummary>,
    /// `manifest.json` of a run folder.
    pub manifest: Option<Manifest>,
    /// Other files of a run folder, by name (sorted).
    pub extras: Vec<String>,
}

impl Input {
    /// A file of this run folder.
    pub fn file(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }
}

/// Open every path: run folders, state folders (each run in `runs/`, in name order) and
/// aggregates files. All must be of one kind.
pub(crate) fn open_all(paths: &[PathBuf]) -> Result<Vec<Input>, MergeError> {
    if paths.is_empty() {
        return Err(MergeError::input(
            Path::new("."),
            "nothing to merge: give run folders, state folders or aggregates files",
        ));
    }
    let mut out = Vec::new();
    for p in paths {
        for q in expand(p)? {
            out.push(open(&q)?);
        }
    }
    if let Some(i) = out.iter().position(|i| i.kind != out[0].kind) {
        let (run, agg) = if out[0].kind == Kind::Run {
            (&out[0].path, &out[i].path)
        } else {
            (&out[i].path, &out[0].path)
        };
        return Err(MergeError::input(
            agg,
            format!(
                "holds only aggregates while {} is a run folder with calls; merge run folders together, or aggregates together",
                run.display()
            ),
        ));
    }
    Ok(out)
}

/// A state folder stands for its run folders; anything else for itself.
fn expand(p: &Path) -> Result<Vec<PathBuf>, MergeError> {
    if !p.exists() {
        return Err(MergeError::input(
            p,
            "does not exist; give run folders (`run --out DIR`), state folders (`run --state DIR`) or aggregates files",
        ));
    }
    let runs = p.join("runs");
    if p.is_dir() && !p.join("aggregates.json").exists() && runs.is_dir() {
        let mut found: Vec<PathBuf> = std::fs::read_dir(&runs)
            .map_err(|e| MergeError::input(&runs, e))?
            .flatten()
            .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
            .map(|e| e.path())
            .filter(|d| d.join("aggregates.json").is_file())
            .collect();
        found.sort();
        if found.is_empty() {
            return Err(MergeError::input(p, "a state folder without any run yet"));
        }
        return Ok(found);
    }
    Ok(vec![p.to_path_buf()])
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, MergeError> {
    let bytes = std::fs::read(path).map_err(|e| MergeError::input(path, e))?;
    serde_json::from_slice(&bytes).map_err(|e| {
        MergeError::input(
            path,
            format!("damaged or not written by callscore ({e}); re-run the run that made it"),
        )
    })
}

fn open(p: &Path) -> Result<Input, MergeError> {
    if p.is_dir() {
        return open_run(p);
    }
    Ok(Input {
        path: p.to_path_buf(),
        kind: Kind::Aggregates,
        aggregates: read_aggregates_lines(p)?,
        summary: None,
        manifest: None,
        extras: Vec::new(),
    })
}

fn open_run(dir: &Path) -> Result<Input, MergeError> {
    for name in BUILT {
        if !dir.join(name).is_file() {
            return Err(MergeError::input(
                dir,
                format!(
                    "has no {name}: not a complete run folder (made by `callscore run --out DIR`, or a run folder of a state)"
                ),
            ));
        }
    }
    let agg_path = dir.join("aggregates.json");
    let aggregates = Aggregates::read_file(&agg_path).map_err(|e| MergeError::input(dir, e))?;
    let mut extras: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| MergeError::input(dir, e))?
        .flatten()
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.') && !BUILT.contains(&n.as_str()))
        .filter(|n| !STATE_ONLY.contains(&n.as_str()))
        .collect();
    extras.sort();
    Ok(Input {
        path: dir.to_path_buf(),
        kind: Kind::Run,
        summary: Some(read_json(&dir.join("summary.json"))?),
        manifest: Some(read_json(&dir.join("manifest.json"))?),
        aggregates,
        extras,
    })
}

/// An aggregates file: one JSON object (`aggregates.json`, pretty or not), or JSON Lines
/// whose aggregates lines are merged (call and error lines of a `run - --out -` stream
/// are passed over: only the aggregates are wanted here). A stream without an
/// aggregates line was cut short and is refused.
fn read_aggregates_lines(path: &Path) -> Result<Aggregates, MergeError> {
    let bytes = std::fs::read(path).map_err(|e| MergeError::input(path, e))?;
    if let Ok(a) = Aggregates::from_json(&bytes) {
        return Ok(a);
    }
    let mut merged: Option<Aggregates> = None;
    for (i, line) in bytes.lines().enumerate() {
        let line = line.map_err(|e| MergeError::input(path, e))?;
        if line.trim().is_empty() {
            continue;
        }
        #[derive(serde::Deserialize)]
        struct Type {
            #[serde(rename = "type")]
            kind: Option<String>,
        }
        let at =
            |e: &dyn std::fmt::Display| MergeError::input(path, format!("line {}: {e}", i + 1));
        let t: Type = serde_json::from_str(&line).map_err(|e| {
            at(&format!(
                "not JSON ({e}); give aggregates.json files or the output of `run - --out -`"
            ))
        })?;
        match t.kind.as_deref() {
            Some("call" | "error" | "run") => continue,
            Some("aggregates") => {}
            other => {
                return Err(at(&format!(
                    "a line of type {other:?}: not an aggregates, call or error line"
                )));
            }
        }
        let a = Aggregates::from_json(line.as_bytes()).map_err(|e| at(&e))?;
        match merged.as_mut() {
            None => merged = Some(a),
            Some(m) => m.merge(a).map_err(|e| at(&e))?,
        }
    }
    merged.ok_or_else(|| {
        MergeError::input(
            path,
            "has no aggregates line: a `run - --out -` stream ends with one, so this one was cut short (the process was killed?); run that part again",
        )
    })
}

/// The rule packs of an input, as `name version (hash…)` by hash.
fn packs(i: &Input) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = i
        .aggregates
        .packs
        .iter()
        .map(|(h, p)| (h.clone(), p.meta.label()))
        .collect();
    if let Some(s) = &i.summary
        && !v.iter().any(|(h, _)| *h == s.rules.hash)
    {
        v.push((
            s.rules.hash.clone(),
            format!("{} {}", s.rules.name, s.rules.version),
        ));
    }
    v
}

/// Refuse inputs scored with different packs, unless `allow`.
pub(crate) fn check_packs(inputs: &[Input], allow: bool) -> Result<(), MergeError> {
    if allow {
        return Ok(());
    }
    let Some((first, first_label)) = inputs.iter().flat_map(packs).next() else {
        return Ok(());
    };
    for i in inputs {
        for (hash, label) in packs(i) {
            if hash != first {
                return Err(MergeError::MixedPacks {
                    a: inputs[0].path.clone(),
                    pack_a: first_label.clone(),
                    b: i.path.clone(),
                    pack_b: label,
                });
            }
        }
    }
    Ok(())
}
