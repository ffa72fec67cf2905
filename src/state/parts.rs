//! Scoring the plan in parts: the checkpoints of an incremental run.
//!
//! The plan's inputs are cut into parts of `--checkpoint-every` inputs. A part's outputs
//! (records, CSV rows, errors, aggregates, input entries, counts) are written into
//! `work/.part-NNNNNN.tmp/` and renamed to `work/part-NNNNNN/` once complete and synced;
//! a part folder without the dot is finished, whatever happens next. A restarted run
//! skips finished parts and redoes the one it was in. Because a part's bytes depend only
//! on its inputs (records are written in input order whatever the thread count), the
//! parts of a run stopped five times concatenate to exactly those of a run that went
//! straight through.

use super::index::InputEntry;
use super::plan::Plan;
use super::{crash_point, state_err};
use crate::aggregate::Aggregates;
use crate::matcher::Scan;
use crate::rules::Pack;
use crate::run::{Batch, RunError, RunObserver, RunOptions, Summary, score_one};
use crate::score::NaForLackOfMeta;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// `part.json`: what a finished part counted.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PartInfo {
    /// First input (position in the plan).
    pub start: usize,
    /// One past the last input.
    pub end: usize,
    /// Inputs, calls, errors, bytes of the part.
    pub counts: Summary,
    /// Items n/a for lack of metadata, per item and key.
    pub na_for_lack_of_metadata: NaForLackOfMeta,
    /// Worker threads used.
    pub threads: usize,
    /// Time spent scoring the part, ms.
    pub elapsed_ms: u64,
}

/// A finished part.
#[derive(Debug, Clone)]
pub struct Part {
    /// Its folder (`work/part-NNNNNN`).
    pub dir: PathBuf,
    /// Its counts.
    pub info: PartInfo,
    /// Scored by this process (not by an earlier, stopped one).
    pub now: bool,
}

/// The folder of part `i`.
pub fn part_dir(work: &Path, i: usize) -> PathBuf {
    work.join(format!("part-{i:06}"))
}

/// Inputs of the plan in finished parts.
pub fn done_inputs(work: &Path, plan: &Plan) -> usize {
    plan.parts()
        .iter()
        .enumerate()
        .filter(|(i, _)| part_dir(work, *i).join("part.json").is_file())
        .map(|(_, r)| r.len())
        .sum()
}

/// Score every unfinished part of `plan`; return all parts in order.
pub fn score(
    pack: &Pack,
    opts: &RunOptions,
    plan: &Plan,
    work: &Path,
    observer: &mut dyn RunObserver,
) -> Result<Vec<Part>, RunError> {
    let state_dir = work.parent().unwrap_or(work);
    let opts = RunOptions {
        input: crate::input::InputOptions {
            // The inputs are the plan's files; the paths only serve to find the side
            // metadata, which the plan's walk already found.
            paths: plan.metadata_csvs.clone(),
            ..opts.input.clone()
        },
        ..opts.clone()
    };
    let ranges = plan.parts();
    let mut parts = Vec::with_capacity(ranges.len());
    let mut batch: Option<Batch> = None;
    // Call ids read twice are named, as in a plain run (within what this process reads:
    // a resumed run does not see the ids of parts finished before it started).
    let mut seen_ids = crate::run::SeenIds::default();
    let formatter = crate::sink::Formatter::with_previous(
        pack,
        &plan.run_id,
        &plan.csv_previous,
        plan.evidence,
    );
    for (i, range) in ranges.into_iter().enumerate() {
        let dir = part_dir(work, i);
        if let Some(info) = read_info(&dir) {
            parts.push(Part {
                dir,
                info,
                now: false,
            });
            continue;
        }
        if batch.is_none() {
            let b = Batch::new(&opts)?;
            let total = crate::input::InputCount {
                errors: b.inputs().metadata_errors.len() as u64,
                files: plan.inputs.len() as u64,
                bytes: plan.inputs.iter().map(|p| p.size).sum(),
                skipped: plan.files_skipped,
                skipped_examples: plan.skipped_examples.clone(),
                stdin: false,
            };
            let stamp = crate::sink::RunStamp {
                run_id: plan.run_id.clone(),
                started_at: plan.started_at.clone(),
            };
            observer.started(&stamp, &total);
            batch = Some(b);
        }
        let Some(b) = batch.as_mut() else {
            unreachable!("the batch was opened above")
        };
        let info = score_part(
            pack,
            plan,
            range,
            b,
            &formatter,
            // A resumed run keeps the evidence level it was planned with.
            crate::score::ScoreOptions {
                evidence: plan.evidence,
                ..opts.score
            },
            work,
            i,
            &mut seen_ids,
            observer,
        )
        .map_err(|e| state_err(state_dir, e))?;
        crash_point("part");
        parts.push(Part {
            dir,
            info,
            now: true,
        });
    }
    Ok(parts)
}

fn read_info(dir: &Path) -> Option<PartInfo> {
    serde_json::from_slice(&std::fs::read(dir.join("part.json")).ok()?).ok()
}

/// Score inputs `range` of the plan into `work/part-<i>`.
#[allow(clippy::too_many_arguments)]
fn score_part(
    pack: &Pack,
    plan: &Plan,
    range: std::ops::Range<usize>,
    batch: &mut Batch,
    formatter: &crate::sink::Formatter,
    score: crate::score::ScoreOptions,
    work: &Path,
    i: usize,
    seen_ids: &mut crate::run::SeenIds,
    observer: &mut dyn RunObserver,
) -> Result<PartInfo, String> {
    let started = Instant::now();
    let tmp = work.join(format!(".part-{i:06}.tmp"));
    let io = cannot_write;
    fresh_dir(&tmp)?;
    let create = |name: &str| -> Result<BufWriter<File>, String> {
        let p = tmp.join(name);
        File::create(&p)
            .map(|f| BufWriter::with_capacity(1 << 20, f))
            .map_err(io(&p))
    };
    let mut calls = create("calls.jsonl")?;
    let mut csv = create("calls.csv")?;
    let mut errors = create("errors.jsonl")?;

    let planned = &plan.inputs[range.clone()];
    let files: Vec<PathBuf> = planned.iter().map(|p| PathBuf::from(&p.path)).collect();
    let mut ledger = Ledger::of(planned);
    let mut aggregates = Aggregates::new(pack);
    let mut na = NaForLackOfMeta::default();

    // Each part counts from zero; the run's metadata counts are kept.
    let metadata_files = batch.summary.metadata_files.clone();
    let metadata_rows = batch.summary.metadata_rows;
    batch.summary = Summary::default();
    batch.summary.metadata_files = metadata_files;
    batch.summary.metadata_rows = metadata_rows;
    let result = batch.for_each_in(
        crate::run::Reading::Files {
            files: &files,
            // Side metadata CSVs that could not be loaded: reported once, by the first part.
            metadata_errors: i == 0,
        },
        || Scan::new(pack),
        |scan, call| {
            let (formatted, facts, missing) = score_one(pack, call, scan, score, formatter);
            (formatted, facts, missing, call.source_line)
        },
        |summary, o| {
            for (f, facts, missing, line) in &o.calls {
                if let Some(file) = &o.file
                    && let Some(w) = seen_ids.check(&facts.call_id, file, *line)
                {
                    summary.duplicate_call_ids += 1;
                    if summary.duplicate_examples.len() < crate::run::MAX_DUPLICATE_EXAMPLES {
                        observer.warning(&w);
                        summary.duplicate_examples.push(w);
                    }
                }
                calls.write_all(&f.json)?;
                csv.write_all(&f.csv)?;
                aggregates.add(facts);
                for (item, key) in missing {
                    na.add_one(item, key);
                }
                if let Some(file) = &o.file {
                    let k = ledger.slot(file);
                    ledger.entries[k].calls.push(facts.call_id.clone());
                    ledger.last_minute[k] = ledger.last_minute[k].max(facts.minute);
                }
            }
            for e in &o.errors {
                aggregates.add_error();
                errors.write_all(&formatter.error(e))?;
                observer.input_error(e);
                let k = ledger.slot(o.file.as_deref().unwrap_or(&e.source));
                ledger.entries[k].errors += 1;
            }
            observer.progress(summary);
            crash_point("scoring");
            Ok::<(), std::io::Error>(())
        },
    );
    result.map_err(io(&tmp))?;

    let Ledger {
        mut entries,
        last_minute,
        ..
    } = ledger;
    for (k, e) in entries.iter_mut().enumerate() {
        e.last_day = last_minute[k]
            .and_then(|m| jiff::Timestamp::from_second(m.saturating_mul(60)).ok())
            .or_else(|| jiff::Timestamp::from_nanosecond(i128::from(e.mtime_ns)).ok())
            .map(|t| jiff::tz::Offset::UTC.to_datetime(t).date().to_string());
    }
    for (name, w) in [
        ("calls.jsonl", calls),
        ("calls.csv", csv),
        ("errors.jsonl", errors),
    ] {
        let p = tmp.join(name);
        let f = w.into_inner().map_err(|e| io(&p)(e.into_error()))?;
        f.sync_all().map_err(io(&p))?;
    }
    let mut inputs = Vec::new();
    for e in &entries {
        inputs.extend(serde_json::to_vec(e).map_err(|e| e.to_string())?);
        inputs.push(b'\n');
    }
    write_synced(&tmp.join(super::INPUTS_FILE), &inputs)?;
    write_synced(
        &tmp.join("aggregates.json"),
        aggregates.to_json().as_bytes(),
    )?;
    let info = PartInfo {
        start: range.start,
        end: range.end,
        counts: std::mem::take(&mut batch.summary),
        na_for_lack_of_metadata: na,
        threads: batch.threads(),
        elapsed_ms: started.elapsed().as_millis() as u64,
    };
    let json = serde_json::to_vec_pretty(&info).map_err(|e| e.to_string())?;
    write_synced(&tmp.join("part.json"), &json)?;
    crate::sink::publish::sync_dir(&tmp);
    let dir = part_dir(work, i);
    std::fs::rename(&tmp, &dir).map_err(io(&dir))?;
    crate::sink::publish::sync_dir(work);
    Ok(info)
}

/// The input entries of a part, filled as its results come in.
struct Ledger {
    entries: Vec<InputEntry>,
    /// Latest call start per entry, minutes since the epoch.
    last_minute: Vec<Option<i64>>,
    position: HashMap<String, usize>,
}

impl Ledger {
    fn of(planned: &[super::plan::Planned]) -> Ledger {
        Ledger {
            entries: planned
                .iter()
                .map(|p| InputEntry {
                    kind: "input".into(),
                    path: p.path.clone(),
                    size: p.size,
                    mtime_ns: p.mtime_ns,
                    hash: p.hash.clone(),
                    calls: Vec::new(),
                    errors: 0,
                    last_day: None,
                    forgotten: false,
                })
                .collect(),
            last_minute: vec![None; planned.len()],
            position: planned
                .iter()
                .enumerate()
                .map(|(k, p)| (p.path.clone(), k))
                .collect(),
        }
    }

    /// The entry of `path`. A path the plan does not name cannot come from the walker as
    /// it is; if one ever does, it gets an entry of its own so that its results are never
    /// orphaned (an empty hash makes the next run read it again).
    fn slot(&mut self, path: &str) -> usize {
        if let Some(&k) = self.position.get(path) {
            return k;
        }
        let meta = std::fs::metadata(path).ok();
        self.entries.push(InputEntry {
            kind: "input".into(),
            path: path.to_string(),
            size: meta.as_ref().map_or(0, |m| m.len()),
            mtime_ns: meta.as_ref().map_or(0, super::plan::mtime_ns),
            hash: String::new(),
            calls: Vec::new(),
            errors: 0,
            last_day: None,
            forgotten: false,
        });
        self.last_minute.push(None);
        self.position
            .insert(path.to_string(), self.entries.len() - 1);
        self.entries.len() - 1
    }
}

/// The error text of a failed write to `what`.
pub(crate) fn cannot_write(what: &Path) -> impl FnOnce(std::io::Error) -> String + use<> {
    let what = what.display().to_string();
    move |e| format!("cannot write {what}: {e}")
}

/// An empty folder at `dir` (what a killed run left there is removed first).
pub(crate) fn fresh_dir(dir: &Path) -> Result<(), String> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(cannot_write(dir))?;
    }
    std::fs::create_dir(dir).map_err(cannot_write(dir))
}

/// Write a file and sync it.
pub(crate) fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let write = || -> std::io::Result<()> {
        let mut f = File::create(path)?;
        f.write_all(bytes)?;
        f.sync_all()
    };
    write().map_err(|e| format!("cannot write {}: {e}", path.display()))
}
