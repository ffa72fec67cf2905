//! Writing the merged run folder: staged, then published in one step.

use super::inputs::{Input, Kind};
use super::order::{Key, Keyer, Place, interleave};
use super::{MergeError, MergeOptions};
use crate::aggregate::Aggregates;
use crate::record::RulesStamp;
use crate::run::{MAX_DUPLICATE_EXAMPLES, SeenIds, Summary};
use crate::score::NaForLackOfMeta;
use crate::sink::manifest::CsvColumn;
use crate::sink::publish::Staging;
use crate::summary::{MergeSummary, MergedRun, PackStats, RunSummary};
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The first line of `calls.jsonl` (fields in the order `run` writes them).
#[derive(serde::Serialize, serde::Deserialize)]
struct RunHeader {
    #[serde(rename = "type")]
    kind: String,
    run_id: String,
    callscore: String,
    rules: RulesStamp,
    /// The records' evidence level (absent in folders written before it existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    evidence: Option<crate::record::EvidenceLevel>,
}

fn out_err(path: &Path) -> impl FnOnce(std::io::Error) -> MergeError + '_ {
    move |source| MergeError::Output {
        path: path.to_path_buf(),
        source,
    }
}

fn in_err(path: &Path) -> impl FnOnce(std::io::Error) -> MergeError + '_ {
    move |e| MergeError::input(path, e)
}

/// The merged run's id: asked for, else the one all inputs share, else a new one.
fn run_id(inputs: &[Input], opts: &MergeOptions) -> String {
    if let Some(id) = &opts.run_id {
        return id.clone();
    }
    let ids: Vec<&str> = inputs
        .iter()
        .filter_map(|i| i.summary.as_ref().map(|s| s.run_id.as_str()))
        .collect();
    match ids.first() {
        Some(first) if ids.len() == inputs.len() && ids.iter().all(|i| i == first) => {
            first.to_string()
        }
        _ => crate::sink::RunStamp::new(None).run_id,
    }
}

/// Write and publish the merged folder.
pub(crate) fn write(
    inputs: &[Input],
    opts: &MergeOptions,
    started: Instant,
) -> Result<(RunSummary, Vec<String>), MergeError> {
    let out = std::path::absolute(&opts.out).unwrap_or_else(|_| opts.out.clone());
    for i in inputs {
        let p = std::path::absolute(&i.path).unwrap_or_else(|_| i.path.clone());
        if p == out || p.starts_with(&out) || out.starts_with(&p) {
            return Err(MergeError::input(
                &i.path,
                format!(
                    "is, holds or is inside the output folder {}; merge into a folder of its own",
                    opts.out.display()
                ),
            ));
        }
    }
    let run_id = run_id(inputs, opts);
    let staging = Staging::create(&opts.out, &run_id)?;
    let result = match inputs[0].kind {
        Kind::Run => write_runs(inputs, opts, &staging, &run_id, started),
        Kind::Aggregates => write_aggregates_only(inputs, &staging, &run_id, started),
    };
    match result {
        Ok(r) => {
            staging.publish()?;
            Ok(r)
        }
        Err(e) => {
            staging.abandon();
            Err(e)
        }
    }
}

fn merged_aggregates(inputs: &[Input]) -> Result<Aggregates, MergeError> {
    let mut all = inputs[0].aggregates.clone();
    for i in &inputs[1..] {
        all.merge(i.aggregates.clone())
            .map_err(|e| MergeError::input(&i.path, e))?;
    }
    Ok(all)
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), MergeError> {
    let mut f = File::create(path).map_err(out_err(path))?;
    f.write_all(bytes).map_err(out_err(path))?;
    f.sync_all().map_err(out_err(path))
}

fn write_json(path: &Path, v: &impl serde::Serialize) -> Result<(), MergeError> {
    let text = serde_json::to_string_pretty(v).unwrap_or_default();
    write_synced(path, format!("{text}\n").as_bytes())
}

/// The input roots when the inputs are the shards of one split (same roots and N),
/// for [`Keyer`]; else none.
fn split_roots(inputs: &[Input]) -> Vec<PathBuf> {
    let shards: Vec<_> = inputs
        .iter()
        .filter_map(|i| i.summary.as_ref().and_then(|s| s.shard.as_ref()))
        .collect();
    match shards.first() {
        Some(f) if shards.len() == inputs.len() && shards.iter().all(|s| s.roots == f.roots) => {
            f.roots.iter().map(PathBuf::from).collect()
        }
        _ => Vec::new(),
    }
}

fn write_runs(
    inputs: &[Input],
    opts: &MergeOptions,
    staging: &Staging,
    run_id: &str,
    started: Instant,
) -> Result<(RunSummary, Vec<String>), MergeError> {
    let keyer = Keyer::new(split_roots(inputs));
    let columns = super::lines::merge_calls(inputs, staging, run_id, &keyer)?;
    let mut seen = columns.seen;
    super::lines::merge_errors(inputs, &staging.file("errors.jsonl"), &keyer)?;
    let aggregates = merged_aggregates(inputs)?;
    write_synced(
        &staging.file("aggregates.json"),
        aggregates.to_json().as_bytes(),
    )?;

    let mut manifest = inputs[0]
        .manifest
        .clone()
        .ok_or_else(|| MergeError::input(&inputs[0].path, "has no manifest.json"))?;
    manifest.run_id = run_id.to_string();
    manifest.csv_columns = columns.names.iter().map(|n| describe(inputs, n)).collect();
    // As a run writes it: pretty, no newline at the end.
    let text = serde_json::to_string_pretty(&manifest).unwrap_or_default();
    write_synced(&staging.file("manifest.json"), text.as_bytes())?;
    let warnings = copy_extras(inputs, staging, opts.allow_mixed_packs)?;

    let summaries: Vec<&RunSummary> = inputs.iter().filter_map(|i| i.summary.as_ref()).collect();
    let mut counts = Summary::default();
    let mut na = NaForLackOfMeta::default();
    let mut skipped: Vec<String> = Vec::new();
    for s in &summaries {
        counts.absorb(&s.counts);
        skipped.extend(s.counts.skipped_examples.iter().cloned());
        na.merge(s.na_for_lack_of_metadata.clone());
        for f in &s.counts.metadata_files {
            if !counts.metadata_files.contains(f) {
                counts.metadata_files.push(f.clone());
            }
        }
    }
    // Every shard loads the same side metadata: count its rows once.
    counts.metadata_rows = if summaries
        .iter()
        .all(|s| s.counts.metadata_files == summaries[0].counts.metadata_files)
    {
        summaries[0].counts.metadata_rows
    } else {
        summaries.iter().map(|s| s.counts.metadata_rows).sum()
    };
    // A single run names the first files skipped in walk order: so does the merge.
    skipped.sort_by_cached_key(|p| keyer.key(&place(p)));
    skipped.dedup();
    skipped.truncate(5);
    counts.skipped_examples = skipped;
    counts.duplicate_call_ids = seen.count;
    counts.duplicate_examples = std::mem::take(&mut seen.examples);
    let first = summaries[0];
    let summary = summary_of(inputs, run_id, counts, first.rules.clone(), na, started);
    write_json(&staging.file("summary.json"), &summary)?;
    Ok((summary, warnings))
}

fn place(source: &str) -> Place {
    Place {
        source: source.to_string(),
        source_line: None,
        line: None,
        call_id: None,
    }
}

/// The description of CSV column `name` from the first input that has it.
fn describe(inputs: &[Input], name: &str) -> CsvColumn {
    inputs
        .iter()
        .filter_map(|i| i.manifest.as_ref())
        .flat_map(|m| m.csv_columns.iter())
        .find(|c| c.name == name)
        .cloned()
        .unwrap_or_else(|| CsvColumn {
            name: name.to_string(),
            description: String::new(),
        })
}

/// Copy the other files of the run folders (a pack description) when every input holds
/// the same bytes. With mixed packs allowed, a file that differs is left out (a warning
/// says so); otherwise it is an error.
fn copy_extras(
    inputs: &[Input],
    staging: &Staging,
    allow_mixed: bool,
) -> Result<Vec<String>, MergeError> {
    let mut names: Vec<&String> = inputs.iter().flat_map(|i| i.extras.iter()).collect();
    names.sort();
    names.dedup();
    let mut warnings = Vec::new();
    'names: for name in names {
        let first = std::fs::read(inputs[0].file(name)).ok();
        for i in inputs {
            let bytes = std::fs::read(i.file(name)).ok();
            if bytes.is_none() || bytes != first {
                if allow_mixed {
                    warnings.push(format!(
                        "{name} is not the same in every input ({} differs); it was left out of the merged folder",
                        i.path.display()
                    ));
                    continue 'names;
                }
                return Err(MergeError::Differs {
                    name: name.clone(),
                    a: inputs[0].path.clone(),
                    b: i.path.clone(),
                });
            }
        }
        if let Some(b) = first {
            write_synced(&staging.file(name), &b)?;
        }
    }
    Ok(warnings)
}

/// The summary of the merged run: the inputs' counts, the widest thread count, and the
/// longest input's time (shards run side by side) for the throughput.
fn summary_of(
    inputs: &[Input],
    run_id: &str,
    counts: Summary,
    rules: PackStats,
    na: NaForLackOfMeta,
    started: Instant,
) -> RunSummary {
    let summaries: Vec<&RunSummary> = inputs.iter().filter_map(|i| i.summary.as_ref()).collect();
    let elapsed_ms = summaries.iter().map(|s| s.elapsed_ms).max().unwrap_or(0);
    let secs = elapsed_ms as f64 / 1000.0;
    let per_s = |n: f64| {
        if secs > 0.0 {
            crate::score::round(n / secs, 1)
        } else {
            0.0
        }
    };
    let now = jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    RunSummary {
        kind: "summary".into(),
        run_id: run_id.to_string(),
        started_at: summaries
            .iter()
            .map(|s| s.started_at.clone())
            .min()
            .unwrap_or_else(|| now.clone()),
        finished_at: summaries
            .iter()
            .map(|s| s.finished_at.clone())
            .max()
            .unwrap_or_else(|| now.clone()),
        callscore: env!("CARGO_PKG_VERSION").into(),
        threads: summaries.iter().map(|s| s.threads).max().unwrap_or(0),
        elapsed_ms,
        mb_per_s: per_s(counts.bytes_read as f64 / 1e6),
        calls_per_s: per_s(counts.calls_scored as f64),
        counts,
        rules,
        na_for_lack_of_metadata: na,
        state: None,
        shard: None,
        merged: Some(MergeSummary {
            runs: inputs
                .iter()
                .map(|i| MergedRun {
                    path: i.path.display().to_string(),
                    run_id: i.summary.as_ref().map(|s| s.run_id.clone()),
                    shard: i
                        .summary
                        .as_ref()
                        .and_then(|s| s.shard.as_ref())
                        .map(|s| format!("{}/{}", s.k, s.n)),
                })
                .collect(),
            merge_ms: started.elapsed().as_millis() as u64,
        }),
    }
}

/// Aggregates files only: `aggregates.json` and a summary whose counts come from the
/// aggregates (calls and error records; inputs are not known there).
fn write_aggregates_only(
    inputs: &[Input],
    staging: &Staging,
    run_id: &str,
    started: Instant,
) -> Result<(RunSummary, Vec<String>), MergeError> {
    let aggregates = merged_aggregates(inputs)?;
    write_synced(
        &staging.file("aggregates.json"),
        aggregates.to_json().as_bytes(),
    )?;
    let mut counts = Summary::default();
    for p in aggregates.packs.values() {
        counts.errors += p.errors;
        counts.calls_scored += p
            .days
            .values()
            .flat_map(|d| d.agents.values())
            .map(|a| a.calls)
            .sum::<u64>();
    }
    let meta = aggregates.packs.values().next().map(|p| p.meta.clone());
    let rules = PackStats {
        name: meta.as_ref().map(|m| m.name.clone()).unwrap_or_default(),
        version: meta.as_ref().map(|m| m.version.clone()).unwrap_or_default(),
        hash: meta.map(|m| m.hash).unwrap_or_default(),
        patterns: 0,
        regexes: 0,
        automaton_bytes: 0,
    };
    let summary = summary_of(
        inputs,
        run_id,
        counts,
        rules,
        NaForLackOfMeta::default(),
        started,
    );
    write_json(&staging.file("summary.json"), &summary)?;
    Ok((summary, Vec::new()))
}

/// Read the next line of `r` (without its newline); `None` at the end.
pub(crate) fn next_line(
    r: &mut BufReader<File>,
    buf: &mut String,
    path: &Path,
) -> Result<bool, MergeError> {
    buf.clear();
    let n = r.read_line(buf).map_err(in_err(path))?;
    if buf.ends_with('\n') {
        buf.pop();
    }
    Ok(n > 0)
}

/// Open a file of an input for reading.
pub(crate) fn open_in(path: &Path) -> Result<BufReader<File>, MergeError> {
    Ok(BufReader::with_capacity(
        1 << 16,
        File::open(path).map_err(in_err(path))?,
    ))
}

/// Create a file in the staging folder.
pub(crate) fn create_out(path: &Path) -> Result<BufWriter<File>, MergeError> {
    Ok(BufWriter::with_capacity(
        1 << 20,
        File::create(path).map_err(out_err(path))?,
    ))
}

/// Flush and sync a staged file.
pub(crate) fn finish_out(w: BufWriter<File>, path: &Path) -> Result<(), MergeError> {
    let f = w.into_inner().map_err(|e| out_err(path)(e.into_error()))?;
    f.sync_all().map_err(out_err(path))
}

/// The header line of the merged `calls.jsonl`: the first input's, with this run's id.
pub(crate) fn header_line(first: &str, path: &Path, run_id: &str) -> Result<String, MergeError> {
    let mut h = parse_header(first, path)?;
    h.run_id = run_id.to_string();
    Ok(serde_json::to_string(&h).unwrap_or_default())
}

/// Refuse to merge runs whose records carry different evidence (`run --evidence`):
/// the merged `calls.jsonl` would say one level and hold another.
pub(crate) fn same_evidence(
    first: &str,
    others: &[(String, PathBuf)],
    path: &Path,
) -> Result<(), MergeError> {
    let want = parse_header(first, path)?.evidence;
    for (line, p) in others {
        let got = parse_header(line, p)?.evidence;
        if got != want {
            let name = |e: Option<crate::record::EvidenceLevel>| e.map_or("unset", |e| e.as_str());
            return Err(MergeError::input(
                p,
                format!(
                    "its records were written with --evidence {}, those of {} with --evidence {}; score every part with the same --evidence",
                    name(got),
                    path.display(),
                    name(want)
                ),
            ));
        }
    }
    Ok(())
}

fn parse_header(first: &str, path: &Path) -> Result<RunHeader, MergeError> {
    let h: RunHeader = serde_json::from_str(first)
        .map_err(|e| MergeError::input(path, format!("line 1 is not a run header line ({e})")))?;
    if h.kind != "run" {
        return Err(MergeError::input(
            path,
            format!("line 1 is of type {:?}, expected \"run\"", h.kind),
        ));
    }
    Ok(h)
}

/// Call ids read twice across the merged calls, found as a single run finds them.
#[derive(Default)]
pub(crate) struct Duplicates {
    ids: SeenIds,
    pub count: u64,
    pub examples: Vec<String>,
}

impl Duplicates {
    /// Note a call read from `source` (`line` for a JSON Lines record).
    pub fn check(&mut self, id: &str, source: &str, line: Option<u64>) {
        if let Some(w) = self.ids.check(id, source, line) {
            self.count += 1;
            if self.examples.len() < MAX_DUPLICATE_EXAMPLES {
                self.examples.push(w);
            }
        }
    }
}

/// What merging the calls gave: the CSV columns and the duplicate call ids.
pub(crate) struct CallsMerged {
    pub names: Vec<String>,
    pub seen: Duplicates,
}

/// `interleave` over line readers: shared by calls and errors.
pub(crate) fn keyed_merge(
    files: &[PathBuf],
    skip_first: bool,
    keyer: &Keyer,
    mut emit: impl FnMut(usize, &str, &Place) -> Result<(), MergeError>,
) -> Result<(), MergeError> {
    let mut readers = Vec::with_capacity(files.len());
    for f in files {
        let mut r = open_in(f)?;
        if skip_first {
            let mut s = String::new();
            next_line(&mut r, &mut s, f)?;
        }
        readers.push(r);
    }
    let mut lines: Vec<String> = vec![String::new(); files.len()];
    let mut places: Vec<Option<Place>> = (0..files.len()).map(|_| None).collect();
    let mut line_no: Vec<u64> = vec![u64::from(skip_first); files.len()];
    let cell = std::cell::RefCell::new((&mut readers, &mut lines, &mut places, &mut line_no));
    interleave(
        files.len(),
        |i| -> Result<Option<Key>, MergeError> {
            let mut g = cell.borrow_mut();
            let (readers, lines, places, line_no) = &mut *g;
            loop {
                if !next_line(&mut readers[i], &mut lines[i], &files[i])? {
                    return Ok(None);
                }
                line_no[i] += 1;
                if !lines[i].trim().is_empty() {
                    break;
                }
            }
            let p: Place = serde_json::from_str(&lines[i]).map_err(|e| {
                MergeError::input(
                    &files[i],
                    format!("line {}: not a callscore record ({e})", line_no[i]),
                )
            })?;
            let k = keyer.key(&p);
            places[i] = Some(p);
            Ok(Some(k))
        },
        |i| {
            let g = cell.borrow();
            let (_, lines, places, _) = &*g;
            match places[i].as_ref() {
                Some(p) => emit(i, &lines[i], p),
                None => Ok(()),
            }
        },
    )
}
